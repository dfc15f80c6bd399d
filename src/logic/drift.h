/* drift.h - libvirt's copy of each CPU model against QEMU's own.
 *
 * libvirt and QEMU both define every x86 CPU model, and the copies drift:
 * libvirt 9.0's Skylake-Client still requires mpx, which QEMU's
 * Skylake-Client-v1 dropped.  drift_compute() puts, for one QEMU (a
 * dataset and machine type) and one libvirt cpu_map, each model both know
 * (the name libvirt's XML uses, which libvirt passes to -cpu unchanged)
 * side by side:
 *
 *   - libvirt_only: features libvirt's model requires that QEMU's
 *     expansion of the name lacks (mpx);
 *   - qemu_only: features QEMU's expansion has that libvirt's model lacks
 *     (features libvirt's map does not define are invisible to libvirt's
 *     checks and left out);
 *   - the vendor and signature each side gives the model;
 *
 * and what libvirt's own checks then do with a guest
 *   <cpu mode='custom' match='exact' check=C><model>M</model></cpu>
 * whose <feature policy='disable'> list is QEMU's blockers on the host
 * (empty when QEMU can run M as is).  Verified against the real libvirt
 * 9.0 and QEMU 7.2 (tests/interop/drift.sh; README "drift"):
 *
 *   - libvirt starts QEMU with -cpu M plus the listed policies (f=off) and
 *     the model's removed='yes' features as f=off; it never adds the
 *     features of its own model, so QEMU's vCPU has QEMU's model;
 *   - check='partial' (KVM's default for custom CPUs): before the start,
 *     libvirt's compare of the guest against the hypervisor's host-model
 *     CPU; a feature libvirt's model requires and the host-model lacks
 *     refuses the start ("the CPU is incompatible with host CPU: Host CPU
 *     does not provide required features: ...") however QEMU would do.
 *     libvirt 11.x skips it for a model QEMU calls usable, and for models
 *     without <check partial='compat'/> asks QEMU's blockers instead;
 *   - check='full': no compare before the start; after it, every feature
 *     of libvirt's map the vCPU has but libvirt's model lacks ("extra
 *     features") or lacks but the model has ("missing features") refuses
 *     it, so any drift refuses it on every host (11.x tolerates extras the
 *     model lists as added='yes');
 *   - check='none' (TCG's default for custom CPUs): no check; the guest
 *     gets QEMU's model and libvirt's live XML records the differences.
 *
 * Ownership: drift_report_free() frees the report; definitions, map
 * models and features are lent by the dataset, the maps and the feature
 * table, which must outlive it.
 */
#ifndef CPUSCOPE_SRC_DRIFT_H
#define CPUSCOPE_SRC_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_map.h"
#include "feature.h"
#include "guest.h"
#include "host.h"
#include "logic.h"
#include "model.h"
#include "util.h"

struct err;

/* Whose checks: libvirt 9.0's, or 11.x's (qemuDomainCheckCPU's usable
 * and <check partial='compat'/> rules, added='yes' tolerance). */
enum drift_libvirt {
	DRIFT_LIBVIRT_AUTO, /* 11.x when the map has 11.x attributes, else 9.0 */
	DRIFT_LIBVIRT_9_0,
	DRIFT_LIBVIRT_11,
};
const char *drift_libvirt_name(enum drift_libvirt v); /* "9.0", "11.x" */

enum drift_trap_kind {
	/* check='partial' refuses a guest QEMU runs: the host-model lacks
	 * features only libvirt's model has */
	DRIFT_PARTIAL_REFUSES,
	/* check='full' refuses the guest on every host: QEMU's vCPU is not
	 * libvirt's model */
	DRIFT_FULL_REFUSES,
	/* check='partial' starts a guest QEMU refuses with enforce: QEMU's
	 * blockers are features only QEMU's model has, which QEMU then drops
	 * silently */
	DRIFT_LETS_THROUGH,
	DRIFT_TRAP__COUNT
};
const char *drift_trap_name(enum drift_trap_kind k); /* "partial-refuses", ... */

struct drift_trap {
	enum drift_trap_kind kind;
	struct fset features; /* the features behind it */
	char *message;        /* libvirt's error, as libvirt words it; NULL for lets-through */
	char *consequence;    /* one sentence */
};

struct drift_action {
	char *text;              /* what to do, one sentence */
	char *xml;               /* the <cpu> that does it, or NULL */
	struct guest_cpu *guest; /* the same as a guest CPU (owned), or NULL */
};

struct drift_row {
	const char *name;          /* the name both know (libvirt's XML, QEMU's -cpu) */
	const char *resolved;      /* the versioned name QEMU resolves it to on the machine type */
	const struct cm_model *lv; /* libvirt's model (lent) */
	const struct cpu_def *def; /* QEMU's definition (lent) */
	bool qemu_known;           /* QEMU's full expansion of the name is known */
	struct fset libvirt_only;  /* libvirt's model requires it, QEMU's expansion lacks it */
	struct fset qemu_only;     /* QEMU's expansion has it, libvirt's model lacks it */
	struct fset accel_off;     /* of libvirt_only: no model of this QEMU has it under its accel */
	struct fset removed;       /* libvirt passes these off (removed='yes', the model's own) */
	struct fset tolerated;     /* of qemu_only: added='yes', check='full' accepts them (11.x) */
	struct fset next_drops;    /* of libvirt_only: the next map's model no longer has them */
	/* the host */
	enum usable usable;        /* QEMU's verdict (or the host file's) */
	struct fset blockers;      /* what keeps QEMU from running it there */
	bool runnable;             /* QEMU runs it with 'disable' off (blockers libvirt can name) */
	struct fset disable;       /* the guest's disable policies: the blockers */
	char *qemu_cpu;            /* the -cpu value libvirt gives QEMU for that guest */
	/* identity */
	const char *lv_vendor;     /* libvirt's vendor ("Intel"), or NULL */
	char qemu_vendor[32];      /* QEMU's CPUID vendor string, "" if unknown */
	bool vendor_differs;
	long long qemu_family, qemu_model; /* -1 unknown */
	bool signature_differs;    /* libvirt lists signatures, none is QEMU's family/model */
	struct vec traps;          /* struct drift_trap * */
	struct vec actions;        /* struct drift_action * */
	struct vec notes;          /* char *: what else holds (check='none', ...) */
};

/* A model only one side knows. */
struct drift_only {
	const char *name;
	char *note; /* what libvirt does with it, and what to use instead */
	char *cpu;  /* libvirt-only, fallback='allow': the -cpu libvirt starts instead, or NULL */
};

struct drift_report {
	const struct ftable *ft;
	const struct cpu_map *map;
	char *title;               /* "libvirt ... cpu_map (DIR) vs QEMU ... on MACHINE" */
	char *map_label;           /* "libvirt 9.0 cpu_map (bundled)", "libvirt cpu_map DIR" */
	const char *machine;
	enum drift_libvirt libvirt; /* the checks applied (never AUTO) */
	char *host_model;          /* what check='partial' compares with */
	char *verdict;             /* whose verdict says what QEMU runs */
	bool host_model_known;
	size_t nmap, nqemu;        /* models in the map, and in QEMU (without host/max/base) */
	struct vec rows;           /* struct drift_row *, every model both know, by name */
	struct vec libvirt_only_models; /* struct drift_only *, by name */
	struct vec qemu_only_models;    /* struct drift_only *, by name */
	size_t ndiffer;            /* rows whose features differ */
	size_t ntraps[DRIFT_TRAP__COUNT];
	size_t nvendor, nsignature;
	struct cpu_map *owned_maps[2]; /* maps drift_session() loaded for it */
};

struct drift_opts {
	/* The host: NULL for QEMU's own verdict, and the host-model made from
	 * its max (TCG) or host (KVM) CPU, as libvirt makes it. */
	const struct host *host;
	/* Only these models (libvirt names, QEMU names, versioned names and
	 * aliases); NULL/0: every model.  An unknown name is an error. */
	const char *const *models;
	size_t nmodels;
	enum drift_libvirt libvirt;
	/* A newer map (data/cpu_map-11.3) for the suggestions, or NULL. */
	const struct cpu_map *next_map;
	const char *next_map_label;  /* "libvirt 11.3" */
	/* For the title (lent): the map, the QEMU data, the host. */
	const char *map_label;       /* "libvirt 9.0 cpu_map (data/cpu_map)" */
	const char *qemu_label;      /* "QEMU 7.2.22 (tcg, bundled snapshot)" */
	const char *host_label;      /* the host file, or NULL */
};

struct drift_report *drift_compute(const struct dataset *ds, const struct mdata *md,
				   const struct cpu_map *map, const struct drift_opts *o,
				   struct err *e);
void drift_report_free(struct drift_report *r);

/* The report both front ends show: for the session's QEMU data and
 * machine type (session.h) and the host the front end shows (host_label
 * names it; NULL host: QEMU's own verdict), against the map map_spec names
 * (drift_map_resolve), or with NULL the session's map and the libvirt
 * release it goes with (session_load_map: --libvirt-version, --cpu-map,
 * the installed libvirt); an explicit --libvirt-version also decides whose
 * checks apply to a map_spec.  The bundled 11.3 map serves the suggestions
 * unless it is the map.  The session must outlive the report; maps it
 * loads are the report's. */
struct session;
struct drift_report *drift_session(struct session *s, const struct host *host,
				   const char *host_label, const char *map_spec,
				   const char *const *models, size_t nmodels, struct err *e);

/* The report as text, the same in the CLI and the TUI: the title, the
 * summary, the models only one side knows, then one block per model
 * whose copies differ (every requested model, with a filter).  Lines end
 * in '\n'; caller frees. */
char *drift_text(const struct drift_report *r, bool filtered);
/* drift_text's first three lines: the pair, whose checks, the counts. */
char *drift_head_text(const struct drift_report *r);
/* One model's block (as in drift_text), appended to sb. */
void drift_row_text(const struct drift_report *r, const struct drift_row *row, struct strbuf *sb);

/* Which map --map names: "system" (/usr/share/libvirt/cpu_map), "9.0"
 * (DATADIR/cpu_map), "11.3" (DATADIR/cpu_map-11.3), or a directory.
 * Writes the directory into dir and a label into label ("libvirt 9.0
 * cpu_map (bundled)").  Fails for "system" when it is missing. */
bool drift_map_resolve(const char *datadir, const char *spec, char *dir, size_t dsize,
		       char *label, size_t lsize, struct err *e);

/* The features of s in the map's order with libvirt's spellings, joined
 * by sep (libvirt's messages use ", " and ","). */
char *drift_feature_list(const struct cpu_map *map, const struct fset *s, const char *sep);

#endif
