/* read_rules.h - what every reader accepts, beyond the name rule of
 * text.h: bounds on how much one input may add, and the range of numeric
 * CPU properties.  Private to src/read.
 */
#ifndef CPUSCOPE_SRC_READ_RULES_H
#define CPUSCOPE_SRC_READ_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"

struct err;

/* Feature names one input may add to the table (names cpuscope does not
 * know: a newer QEMU has a few dozen).  Every feature set grows with the
 * table, so this also bounds the memory of each one. */
#define READ_MAX_NEW_FEATURES 1024
/* Machine types in one input (QEMU 10 has about 100 for x86_64). */
#define READ_MAX_MACHINES 4096
/* Properties of one expansion (QEMU 10's "max" has about 500). */
#define READ_MAX_PROPS 4096

/* Interning names from one input: at most READ_MAX_NEW_FEATURES new ones. */
struct intern_guard {
	struct ftable *ft;
	size_t start; /* ftable_count() when the input began */
};

void intern_guard_init(struct intern_guard *g, struct ftable *ft);
/* name_check("feature name") and ftable_intern(); false with e set when
 * the name is refused or one name too many is new. */
bool intern_feature(struct intern_guard *g, const char *name, const char *file, int line,
		    unsigned *id, struct err *e);

/* Whether the JSON number text num[0..len) is acceptable as the value of
 * property prop of an arch's CPU: for x86 family (0..270), model (0..255)
 * and stepping (0..15) an integer in the range QEMU accepts; any other
 * number json_scan() lets through.  NULL when it is; else what it should
 * be ("an integer from 0 to 270"), in buf. */
const char *prop_number_fault(const char *prop, const char *num, size_t len, enum arch arch,
			      char *buf, size_t size);

#endif
