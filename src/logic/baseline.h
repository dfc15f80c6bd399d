/* baseline.h - the CPU every given host can run: `virsh cpu-baseline`
 * on qemu:///system (libvirt's virCPUx86Baseline plus the QEMU driver's
 * filtering), over feature sets, for one to many thousands of CPUs.
 *
 *   1. each CPU -> its features: model + require/force - disable/forbid
 *      (a host-type <cpu> lists plain features: all of them count);
 *   2. vendor: the first CPU's <vendor>; every other CPU's <vendor> (or
 *      its model's vendor) must equal it ("CPU vendors do not match"); if
 *      any CPU has no <vendor>, the result has none either;
 *   3. the intersection of all CPUs (empty: "CPUs are incompatible");
 *   4. decoded as a guest CPU with the input models as preferred models;
 *      fallback='forbid' when every input named the same model and the
 *      result is that model, else 'allow';
 *   5. --migratable drops non-migratable features; the QEMU driver then
 *      drops the features of its filter (libvirt 9.0: cmt, mbm_total,
 *      mbm_local, osxsave, ospke; 11 adds three vmx-* bits: the list is
 *      libvirt_version.h's); --features lists every model feature
 *      (require, removed ones disable), keeping the disables, sorted by
 *      name as libvirt sorts them.
 *
 * Use: baseline_init, baseline_add_* for every CPU (each is folded into the
 * running intersection at once, so the CPUs need not stay in memory),
 * baseline_finish, baseline_fini.  Errors carry libvirt's wording; the
 * caller adds where (file, line).
 *
 * Ownership: baseline_result_fini() frees the result.
 */
#ifndef CPUSCOPE_SRC_BASELINE_H
#define CPUSCOPE_SRC_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_map.h"
#include "feature.h"
#include "guest.h"
#include "host.h"
#include "libvirt_version.h"
#include "util.h"

struct err;

struct baseline_opts {
	bool expand_features; /* --features */
	bool migratable;      /* --migratable */
	bool qemu_filter;     /* the QEMU driver's feature filter (virsh on qemu:///system) */
	const struct lv_semantics *lv; /* whose filter; NULL: libvirt 9.0's */
};

/* One input CPU, in the terms libvirt parses it into. */
struct baseline_cpu {
	const char *model;       /* NULL: none (an error, as in libvirt) */
	const char *vendor;      /* NULL: none */
	const struct fset *add;  /* force/require (host type: every listed feature); may be NULL */
	const struct fset *del;  /* disable/forbid; may be NULL */
	const char *source;      /* where it came from (named when vendors differ), or NULL */
};

struct baseline {
	const struct cpu_map *map;
	size_t n;                     /* CPUs added */
	struct fset data;             /* running intersection */
	const struct cm_vendor *vendor;
	char *vendor_source;          /* the first CPU that named b->vendor (owned) */
	bool output_vendor;
	struct vec names;             /* distinct model names, first-seen order (owned) */
	struct strmap seen;
	struct fset tmp;
};

struct baseline_result {
	struct guest_cpu *cpu;        /* the guest <cpu>, ready for emit_guest_xml() */
	const struct cm_model *model;
	struct fset features;         /* everything the baseline CPU provides */
	size_t ncpus;
};

void baseline_init(struct baseline *b, const struct cpu_map *map);
bool baseline_add(struct baseline *b, const struct baseline_cpu *cpu, struct err *e);
/* A host from xml_hosts_load(): capabilities and host <cpu> count as
 * host-type CPUs (every listed feature, no policy); a domcapabilities
 * host-model counts as its model + require - disable. */
bool baseline_add_host(struct baseline *b, const struct host *h, struct err *e);
/* A guest <cpu>: model + force + require - disable - forbid. */
bool baseline_add_guest(struct baseline *b, const struct guest_cpu *g, struct err *e);
bool baseline_finish(struct baseline *b, const struct baseline_opts *o, struct baseline_result *r,
		     struct err *e);
void baseline_fini(struct baseline *b);
void baseline_result_fini(struct baseline_result *r);

/* Is this a feature the QEMU driver of that libvirt (NULL: 9.0) filters
 * out of what it hands on (virQEMUCapsCPUFilterFeatures)? */
bool baseline_qemu_filtered(const char *libvirt_name, const struct lv_semantics *lv);

#endif
