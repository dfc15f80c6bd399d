/* snapshot.h - cpuscope's snapshot of one QEMU binary (DESIGN §4).
 *
 *   { "format": "cpuscope-snapshot/1", "qemu": {...}, "captured": "...",
 *     "machines": [...],
 *     "definitions": {"<machine>": [entries verbatim] | "<earlier machine>"},
 *     "pool": [ {"name", "on", "off", "props"} |
 *               {"of": REF, "on", "off", "props", "unset"} ... ],
 *     "expansions": {"<machine>": {"<model>": {"full": REF, "static": REF}}
 *                                 | "<earlier machine>"},
 *     "missing": [...] }
 *
 * REF is an index into "pool", so identical expansions are stored once,
 * and similar ones as deltas.  The full description is at the top of
 * snapshot_read.c.  Errors name FILE:LINE.
 */
#ifndef CPUSCOPE_SRC_SNAPSHOT_H
#define CPUSCOPE_SRC_SNAPSHOT_H

#include <stdbool.h>

#include "model.h"

struct err;

#define SNAPSHOT_FORMAT "cpuscope-snapshot/1"

/* The arch a snapshot file declares (cheap: reads the header). */
bool snapshot_arch(const char *path, enum arch *out, struct err *e);
/* ft must be the table of the snapshot's arch. */
struct dataset *snapshot_load(const char *path, struct ftable *ft, struct err *e);
struct dataset *snapshot_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			       struct err *e);
char *snapshot_to_json(const struct dataset *ds); /* caller frees */
bool snapshot_write(const struct dataset *ds, const char *path, struct err *e); /* atomic */

#endif
