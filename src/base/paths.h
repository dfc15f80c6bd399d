/* paths.h - where cpuscope finds its bundled data. */
#ifndef CPUSCOPE_SRC_PATHS_H
#define CPUSCOPE_SRC_PATHS_H

#include <stddef.h>

/* $CPUSCOPE_DATADIR, else data/ beside the executable (a build tree),
 * else ../share/cpuscope beside it (an install), else "data". */
const char *paths_datadir(char *buf, size_t size);

#endif
