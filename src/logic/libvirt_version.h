/* libvirt_version.h - the libvirt releases whose compare and baseline
 * cpuscope follows, and what differs between them.
 *
 * Two semantics, each standing for a range of releases (what libvirt's
 * own sources of 9.0.0 and 11.3.0 do; README "libvirt versions"):
 *
 *   9.0  (releases before 10.10): `virsh hypervisor-cpu-compare` is the
 *        classic x86 compare of the guest CPU against the hypervisor's
 *        host-model CPU, for every model; the QEMU driver filters cmt,
 *        mbm_total, mbm_local, osxsave and ospke out of cpu-baseline.
 *   11   (10.10 and later): hypervisor compare first asks QEMU: a model
 *        QEMU calls usable whose listed features are all 'disable' is
 *        SUPERSET at once; models without <check partial='compat'/> in the
 *        map (the -vN names, Denverton, ...) are judged by QEMU's blockers
 *        and the explicitly required features only, never IDENTICAL; the
 *        filter adds vmx-ept-uc, vmx-ept-wb, vmx-invvpid-single-context.
 *
 * Each has the cpu_map it goes with bundled in data/.  Everything that
 * depends on the release reads it from this table.
 */
#ifndef CPUSCOPE_SRC_LIBVIRT_VERSION_H
#define CPUSCOPE_SRC_LIBVIRT_VERSION_H

#include <stdbool.h>
#include <stddef.h>

enum lv_version { LV_9_0, LV_11, LV__COUNT };

struct lv_semantics {
	enum lv_version version;
	const char *name;          /* as --libvirt-version takes it: "9.0", "11" */
	/* what verdicts add after the source: "" for 9.0 (whose output is
	 * cpuscope's original), " (libvirt 11 semantics)" */
	const char *label;
	int from_major, from_minor;/* the first release it stands for */
	const char *bundled_map;   /* its cpu_map under data/ */
	const char *map_release;   /* the libvirt release that map is from */
	/* hypervisor compare: a model QEMU calls usable, with no feature
	 * other than 'disable', is SUPERSET without looking further */
	bool hv_usable_shortcut;
	/* hypervisor compare: models without <check partial='compat'/> are
	 * judged by QEMU's blockers and the required features only */
	bool hv_blockers_check;
	/* the QEMU driver's feature filter (virQEMUCapsCPUFilterFeatures),
	 * NULL-terminated */
	const char *const *qemu_filtered;
};

const struct lv_semantics *lv_get(enum lv_version v);
/* lv's label; NULL is 9.0's (""). */
const char *lv_label(const struct lv_semantics *lv);
/* The newest semantics cpuscope knows (the default without a libvirt). */
const struct lv_semantics *lv_newest(void);
/* The semantics of a release: "9.0", "11", "11.3.0", "10.5" (releases
 * before the oldest known get the oldest).  NULL when v is not a version
 * number (digits and dots, at most three parts). */
const struct lv_semantics *lv_for_release(const char *v);
/* The semantics a cpu_map belongs to: maps that mark models <check
 * partial='compat'/> are of releases that judge the others by QEMU's
 * blockers (the newest such semantics), the others of the newest release
 * before that. */
const struct lv_semantics *lv_for_map(bool has_compat_check);
/* "9.0 (also releases before 10.10) or 11 (10.10 and later)", from the
 * table, into buf: for messages.  Returns buf. */
const char *lv_choices(char *buf, size_t size);

#endif
