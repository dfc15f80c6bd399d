/* compare.h - can this host run that guest CPU?  The verdict of libvirt's
 * x86 CPU compare (virsh hypervisor-cpu-compare with libvirt 9.0, and
 * virsh cpu-compare), computed over feature sets:
 *
 *   1. a guest <vendor> the host does not have      -> INCOMPATIBLE
 *   2. forbidden features the host has              -> INCOMPATIBLE
 *   3. required = model + require - force - optional - disable;
 *      required not within the host                 -> INCOMPATIBLE
 *   4. extra = host - optional - required - disable - force;
 *      empty -> IDENTICAL, else SUPERSET, except that match='strict'
 *      turns SUPERSET into INCOMPATIBLE.
 * Model and feature names are libvirt's (the cpu_map's); unknown ones are
 * an error, as in libvirt.
 *
 * Ownership: cmp_report_fini() frees the message and the set.
 */
#ifndef CPUSCOPE_SRC_COMPARE_H
#define CPUSCOPE_SRC_COMPARE_H

#include <stdbool.h>

#include "cpu_map.h"
#include "feature.h"
#include "guest.h"
#include "host.h"

struct err;

enum cmp_result { CMP_INCOMPATIBLE, CMP_IDENTICAL, CMP_SUPERSET };
const char *cmp_result_name(enum cmp_result r); /* "INCOMPATIBLE", ... */

struct cmp_report {
	enum cmp_result result;
	char *message;           /* why INCOMPATIBLE (libvirt's wording), or NULL */
	struct fset responsible; /* the features behind the verdict */
};

/* The features a guest CPU asks for under one policy (the model's own
 * features count as require). */
bool guest_policy_set(const struct guest_cpu *g, const struct cpu_map *map, enum policy p,
		      struct fset *out, struct err *e);

bool cpu_compare(const struct host *h, const struct guest_cpu *g, const struct cpu_map *map,
		 struct cmp_report *r, struct err *e);
void cmp_report_fini(struct cmp_report *r);
/* "a, b, c" in the map's feature order, libvirt spellings. */
char *cpu_map_feature_list(const struct cpu_map *map, const struct fset *s);

#endif
