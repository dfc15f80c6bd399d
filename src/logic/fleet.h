/* fleet.h - many hosts at once: which host runs which model, the best
 * model every host of a vendor runs and what it gives up, the baseline, the
 * hosts a guest CPU can start on and migrate between, and what adding or
 * removing a host changes.
 *
 * Input: hosts already loaded (session_host_load(): capabilities,
 * domcapabilities, host <cpu>, QMP expansions, libvirt captures, <cpudata>
 * CPUID dumps), lent; the QEMU data of the session (the dataset and its
 * machine type: the models and their expansions) and libvirt's cpu_map.
 *
 * The matrix: model_usable() (logic.h) of every model of the machine type
 * on every host, so a host's verdict is the one `cpuscope models --host
 * FILE` prints: a domcapabilities host's own usable flags and blockers,
 * otherwise the model's features (QEMU's full expansion) against the
 * host's.
 *
 * Vendor groups: the hosts by the vendor they report (libvirt's name:
 * Intel, AMD, Hygon; hosts that name none form a group of their own), in
 * the order the groups first appear.  A guest CPU model has one vendor and
 * libvirt's baseline refuses CPUs of different vendors ("CPU vendors do not
 * match"), so each group gets its own best model and baseline; across the
 * groups the fleet gets the newest vendor-neutral model every host runs.
 *
 * The best common model of a group is the newest model of libvirt's map
 * that every host of the group runs:
 *   - candidates: the map's models that the QEMU data has, of the group's
 *     vendor or of none (qemu64, kvm64, ...; any model for a group without
 *     a vendor);
 *   - a host runs a candidate when the matrix says usable (QEMU's verdict)
 *     and libvirt's compare (compare.h) of <cpu mode='custom'
 *     match='exact'><model fallback='forbid'>M</model></cpu> with the host
 *     is not INCOMPATIBLE: what libvirt checks before it starts a custom
 *     guest CPU, and what `virsh hypervisor-cpu-compare` answers;
 *   - newest: the last in the map's order (its index.xml).  libvirt adds
 *     each new model after the older ones of its vendor (Conroe ...
 *     Icelake-Server, Cooperlake; Opteron_G1 ... EPYC-Milan), its decode
 *     prefers the later of two models that describe a CPU equally well, and
 *     the vendor-neutral models come before every vendor's.  Model names
 *     (QEMU's versions, psABI levels) do not order Haswell against
 *     Haswell-noTSX-IBRS or Skylake-Client against Skylake-Server; the map
 *     does, and it is libvirt's own order.
 * Candidates newer than the best one that QEMU runs on every host but
 * libvirt's compare refuses somewhere are listed (refused), with the host
 * and libvirt's message: the models domcapabilities calls usable that a
 * guest still cannot start with.
 *
 * Losses: the features of a host's host-model that the best model (QEMU's
 * full expansion of it) or the baseline (its features) lacks, counting only
 * what a guest can be given: features of libvirt's map, migratable, that
 * libvirt hands on to QEMU and QEMU has.  The host-model is the
 * domcapabilities host-model CPU (a QMP expansion: what it expands to); a
 * bare CPU (capabilities, host <cpu>, CPUID dump) lists what the hardware
 * has, host-only bits that no hypervisor offers included (ACPI, thermal
 * monitor, debug store, SMX), so of its features only those some model of
 * the map has count (an estimate: KVM may offer a little more, e.g. vmx
 * with nested virtualization, or less).
 *
 * Baseline: baseline_add_host() of the group's hosts, as `virsh
 * cpu-baseline` reads them: capabilities and host <cpu> as they are,
 * domcapabilities by their host-model, CPUID dumps by libvirt's description
 * of the CPU (the <cpu> of virsh capabilities), QMP hosts by libvirt's
 * host-model of them.
 *
 * Compare and baseline follow the libvirt release of the input's lv
 * (libvirt_version.h), as the session chose it.
 *
 * A guest CPU: cpu_compare() with every host.  It can start on a host when
 * libvirt's verdict is not INCOMPATIBLE and QEMU runs its model there
 * (model_usable(), less the features the guest disables or forbids), and it
 * can migrate between the hosts it can start on.
 *
 * What-if: for every host, the best model of its group without it, when
 * that differs (removing a host can only keep or raise it); for an added
 * host, the best model of its group with it (or of a new group).
 *
 * Cost: one model_usable() per host and model (no allocation per pair: a
 * verdict byte and a blocker count; fleet_blockers() recomputes the
 * blockers of one pair), libvirt's compare only for candidates every host
 * but at most one runs, each (candidate, host) at most once.
 *
 * Ownership: fleet_free() frees the report; hosts, labels, the dataset,
 * the map and the guest are lent and must outlive it.
 */
#ifndef CPUSCOPE_SRC_FLEET_H
#define CPUSCOPE_SRC_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "compare.h"
#include "cpu_map.h"
#include "feature.h"
#include "guest.h"
#include "host.h"
#include "libvirt_version.h"
#include "logic.h"
#include "model.h"

struct err;

#define FLEET_NONE ((size_t)-1)

struct fleet_input {
	const struct dataset *ds;
	const struct mdata *md;
	const struct cpu_map *map;       /* libvirt's map (x86_64) */
	const struct lv_semantics *lv;   /* whose compare and baseline (NULL: libvirt 9.0) */
	const struct host *const *hosts; /* resolved (session_host_load) */
	const char *const *labels;       /* a name per host (its file) */
	size_t nhosts;
	const struct guest_cpu *guest;   /* NULL: no guest CPU */
	const struct host *add;          /* what-if: this host added, or NULL */
	const char *add_label;
};

/* Can the guest CPU start on a host? */
enum fleet_start {
	FLEET_START_YES,
	FLEET_START_LIBVIRT, /* libvirt's compare: INCOMPATIBLE */
	FLEET_START_QEMU,    /* libvirt accepts it, but QEMU lacks features of its model */
};

struct fleet_host {
	const struct host *h;  /* lent */
	const char *label;     /* lent */
	size_t group;
	size_t nusable;        /* models of the matrix it runs */
	char *cpu_model;       /* the libvirt model that describes it (its own, or libvirt's
				* decode of it); NULL when there is none */
	char *bl_err;          /* why it could not join the baseline, or NULL */
	struct fset loss;      /* what the group's best model lacks against its host-model */
	struct fset bl_loss;   /* what the group's baseline lacks */
	size_t without_best;   /* the group's best model without this host, when it differs
				* (a model index), else FLEET_NONE */
	/* the guest CPU, when given */
	enum fleet_start start;
	struct cmp_report cmp;
	struct fset qemu_blockers; /* FLEET_START_QEMU: what QEMU lacks */
};

struct fleet_model {
	struct model_view mv;
	const struct cm_model *cm; /* libvirt's model of this name, or NULL */
	int psabi;                 /* x86-64 psABI level of QEMU's expansion, -1 unknown */
	size_t nrun;               /* hosts that run it (the matrix) */
};

/* A model newer than a group's best that QEMU runs on every host of the
 * group but libvirt's compare refuses on some. */
struct fleet_refusal {
	size_t model;
	size_t host;     /* the first host that refuses it */
	size_t nhosts;   /* how many refuse it */
	char *message;   /* libvirt's words, for that host */
};

struct fleet_group {
	char *vendor;    /* "Intel", ...; NULL: the hosts that name no vendor */
	size_t *hosts;
	size_t nhosts;
	size_t best;     /* model index, or FLEET_NONE: no model of the map runs on all */
	struct vec refused; /* struct fleet_refusal *, newest first */
	/* candidates newer than best that all hosts but one run: that host
	 * holds the group back (what-if remove); see fleet_host.without_best */
	bool have_baseline;
	struct baseline_result bl;
	char *bl_err;    /* the baseline failed: libvirt's words (with the host), or NULL */
};

struct fleet {
	const struct dataset *ds;
	const struct mdata *md;
	const struct cpu_map *map;
	const struct lv_semantics *lv;
	const struct ftable *ft;
	struct fleet_host *hosts;
	size_t nhosts;
	struct fleet_model *models; /* sorted by name (model_name_cmp) */
	size_t nmodels;
	uint8_t *cells;             /* nhosts x nmodels: enum usable + 1 (0 unknown, 1 no, 2 yes) */
	uint16_t *nblk;             /* blocker counts, same layout (capped at 65535) */
	size_t *nrun_group;         /* ngroups x nmodels: hosts of the group that run it */
	struct fleet_group *groups;
	size_t ngroups;
	/* Across the groups (ngroups > 1): the newest vendor-neutral model of
	 * the map every host runs, or FLEET_NONE. */
	size_t across_best;
	/* The guest CPU, when given. */
	bool have_guest;
	size_t nstart;              /* hosts it can start on (and migrate between) */
	/* What-if add, when a host was given. */
	bool have_add;
	struct fleet_host add;      /* its verdicts: fleet_add_verdict() */
	size_t add_group;           /* its group, or FLEET_NONE: a vendor no host has */
	size_t add_best;            /* the best model of that group with it, or FLEET_NONE */
	/* internal */
	uint8_t *add_cells;
	size_t *cand;               /* model indices of the map's models, in map order */
	size_t ncand;
	struct guest_cpu **cand_guest;
	uint8_t *lvc;               /* ncand x (nhosts + 1): libvirt's compare, 0 not yet,
				     * 1 runs, 2 refused */
	struct fset mask;           /* what a guest can be given (losses count only these) */
	struct fset raw_mask;       /* of those, what some model of the map has (bare CPUs) */
};

/* Build the report.  Fails only for the guest CPU (a model or feature
 * libvirt does not know; e names the line, not the file). */
struct fleet *fleet_build(const struct fleet_input *in, struct err *e);
void fleet_free(struct fleet *f);

/* The verdict of model m on host i (i == nhosts: the added host). */
enum usable fleet_verdict(const struct fleet *f, size_t host, size_t model);
size_t fleet_nblockers(const struct fleet *f, size_t host, size_t model);
/* The blockers of one pair, recomputed (out is cleared first). */
void fleet_blockers(const struct fleet *f, size_t host, size_t model, struct fset *out);
/* The model index of a name, or FLEET_NONE. */
size_t fleet_model_index(const struct fleet *f, const char *name);
/* Host indices (0-based, ascending) as the reports write them: numbered
 * from 1, runs joined ("1-3, 5"; two in a row stay "1, 2"). */
void fleet_host_ranges(struct strbuf *sb, const size_t *hosts, size_t n);

#endif
