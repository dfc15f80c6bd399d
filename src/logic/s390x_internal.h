/* s390x_internal.h - what s390x.c (the questions) and s390x_qemu.c (who
 * answers them) share; not for other files. */
#ifndef CPUSCOPE_SRC_S390X_INTERNAL_H
#define CPUSCOPE_SRC_S390X_INTERNAL_H

#include "s390x.h"

struct err;

/* The question awaited is given up (its strings freed). */
void s390x_pending_clear(struct s390x_qemu *q);
/* Block until the question awaited is over: 1 answered, -1 failed. */
int s390x_qemu_wait(struct s390x_qemu *q, char **ret, struct err *e);

#endif
