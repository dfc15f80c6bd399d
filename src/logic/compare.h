/* compare.h - can this host run that guest CPU?  The verdict of libvirt's
 * x86 CPU compare (virsh cpu-compare, and virsh hypervisor-cpu-compare as
 * libvirt 9.0 does it), computed over feature sets:
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
 * With libvirt 11's semantics (libvirt_version.h) a domcapabilities host
 * is compared the way its hypervisor compare does it (qemuDomainCheckCPU):
 *   a. a custom model QEMU calls usable (usable='yes') whose listed
 *      features are all 'disable' (or that lists none) -> SUPERSET;
 *   b. a model without <check partial='compat'/> in the map that QEMU
 *      knows (it is in the custom list) -> INCOMPATIBLE when a blocker of
 *      the model is not explicitly disabled or a required feature is not in
 *      the host-model CPU, else SUPERSET: names as written, no vendor, arch,
 *      forbid or strict check;
 *   c. anything else: the compare above.
 * Other hosts (capabilities, host <cpu>) always get the compare above, as
 * virsh cpu-compare does in every release.
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
#include "libvirt_version.h"

struct err;

enum cmp_result { CMP_INCOMPATIBLE, CMP_IDENTICAL, CMP_SUPERSET };
const char *cmp_result_name(enum cmp_result r); /* "INCOMPATIBLE", ... */

/* How the verdict was reached. */
enum cmp_how {
	CMP_HOW_COMPARE,  /* libvirt's x86 compare against the host CPU */
	CMP_HOW_USABLE,   /* a. QEMU calls the model usable (libvirt 11) */
	CMP_HOW_BLOCKERS, /* b. QEMU's blockers and the required features (libvirt 11) */
};

struct cmp_report {
	enum cmp_result result;
	char *message;           /* why INCOMPATIBLE (libvirt's wording), or NULL */
	struct fset responsible; /* the features behind the verdict */
	enum cmp_how how;
	const struct lv_semantics *lv; /* whose semantics (never NULL after cpu_compare) */
};

/* The features a guest CPU asks for under one policy (the model's own
 * features count as require). */
bool guest_policy_set(const struct guest_cpu *g, const struct cpu_map *map, enum policy p,
		      struct fset *out, struct err *e);

/* lv: whose semantics; NULL is libvirt 9.0's. */
bool cpu_compare(const struct host *h, const struct guest_cpu *g, const struct cpu_map *map,
		 const struct lv_semantics *lv, struct cmp_report *r, struct err *e);
/* "QEMU calls Haswell-v4 usable ..." for CMP_HOW_USABLE / _BLOCKERS (to
 * free), or NULL for the plain compare. */
char *cmp_report_how(const struct cmp_report *r, const struct guest_cpu *g);
void cmp_report_fini(struct cmp_report *r);
/* "a, b, c" in the map's feature order, libvirt spellings. */
char *cpu_map_feature_list(const struct cpu_map *map, const struct fset *s);

#endif
