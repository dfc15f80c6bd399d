/* upgrade.h - what a QEMU or host change does to a guest CPU (`cpuscope
 * upgrade`, the explorer's upgrade pane), and the machine type families
 * both that check and the QEMU-versions grid (grid_qemu.h) go by.
 *
 * The check takes a guest CPU (libvirt <cpu>/<domain> XML, or a -cpu
 * value) and two sides, each some QEMU's data with the host whose verdict
 * counts there (or none: that QEMU's own verdict for its accelerator).
 * Per side it works out what the guest gets: the machine type, the model
 * and the versioned name it stands for, the model's features (QEMU's full
 * expansion), the guest's policies on top, what QEMU drops there because
 * the accelerator or host cannot provide it, and whether the guest starts
 * (under enforce, without it, and under libvirt's check).  Then what
 * differs, why (the machine type is gone or deprecated, the bare name
 * stands for another version, the model is gone or deprecated, the
 * definition changed, what the accelerator or host provides changed, a
 * host-model expands differently, a property changed), and what to pin to
 * keep the guest identical.
 *
 * Sides whose data come from different sessions have different feature
 * tables: everything is compared by feature name (QEMU's spelling).
 *
 * Ownership: upgrade_report_fini() frees what the report owns; names,
 * definitions and expansions are lent by the sides' datasets and feature
 * tables, which must outlive the report.
 */
#ifndef CPUSCOPE_SRC_UPGRADE_H
#define CPUSCOPE_SRC_UPGRADE_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"
#include "guest.h"
#include "host.h"
#include "model.h"
#include "util.h"

struct err;

/* ---- machine type families ------------------------------------------------
 * A versioned machine type's family is its name without the version:
 * pc-q35-7.2 and pc-q35-10.0 are pc-q35 (alias q35), pc-i440fx-* is
 * pc-i440fx (alias pc), s390-ccw-virtio-* is s390-ccw-virtio.  A name
 * without a version (microvm, isapc, none) is a family of its own. */
const char *machine_family(const char *name, char *buf, size_t size);
/* The machine type of ds that a family stands for: spec is an alias
 * ("q35"), a family ("pc-q35") or any member ("pc-q35-7.2"); the answer
 * is the machine type the family's alias names in ds, else its newest
 * member.  NULL when ds has none of the family. */
const struct machine *machine_family_pick(const struct dataset *ds, const char *spec);
/* The oldest member of name's family in ds (for "removed; the oldest it
 * has is ..."), or NULL. */
const struct machine *machine_family_oldest(const struct dataset *ds, const char *name);

/* The names of s (features of table from) that are not in t (features of
 * table to, NULL: none), in s's id order, appended to out (const char *,
 * lent by from).  Pseudo features (kvm, type) are left out. */
void fset_names_missing(const struct ftable *from, const struct fset *s, const struct ftable *to,
			const struct fset *t, struct vec *out);

/* ---- the check ------------------------------------------------------------ */

struct upgrade_side {
	const char *label;          /* whose verdict: "QEMU 7.2.22 (tcg, bundled snapshot)", a file */
	const struct dataset *ds;
	const struct host *host;    /* NULL: the QEMU's own verdict for its accelerator */
};

struct upgrade_guest {
	const struct guest_cpu *g;
	const char *source;         /* the guest's file, or "-cpu VALUE" (for messages) */
	bool cpu_arg;               /* given as a -cpu value (else libvirt XML) */
	bool enforce;               /* -cpu ...,enforce */
	const char *machine;        /* the machine type asked for (a name or an alias), or NULL:
				     * each side's default */
	const char *machine_origin; /* where it was named ("--machine", the domain's file), or NULL */
};

enum upgrade_sev {
	UPG_INFO,   /* for the record: nothing changes for the guest */
	UPG_WARN,   /* nothing changes yet, but a later QEMU will bite (deprecations) */
	UPG_CHANGE, /* the guest's CPU differs */
	UPG_BREAK,  /* the guest no longer starts */
};
const char *upgrade_sev_name(enum upgrade_sev s); /* "info", "warning", "change", "breaks" */

struct upgrade_finding {
	enum upgrade_sev sev;
	char *text;
};

/* A property of the model's full expansion whose value differs (or that
 * only one side has): values are JSON text with strings unquoted. */
struct upgrade_prop {
	char *name;
	char *from;  /* NULL: absent */
	char *to;    /* NULL: absent */
	bool compat; /* only 'to' has it, and its machine type sets it other than the family's newest
		      * member does: a compat property keeping the older behaviour */
};

/* What the guest is on one side. */
struct upgrade_end {
	const char *label;
	const struct dataset *ds;
	const struct host *host;
	const struct ftable *ft;
	char machine_asked[128];   /* as asked ("q35", "pc-i440fx-1.4"); "" for the default */
	char machine[128];         /* the machine type in use; "" when there is none */
	bool machine_missing;      /* the asked machine type does not exist here */
	bool machine_replaced;     /* missing: 'machine' is the family's oldest instead */
	bool machine_deprecated;
	char model[128];           /* the model as the guest names it ("host" for host-passthrough,
				    * "max" for maximum; "" for host-model) */
	char resolved[128];        /* the versioned name it stands for, or "" */
	const struct cpu_def *def; /* NULL when the model is missing */
	bool model_missing;
	bool model_deprecated;
	bool host_model;           /* the guest is host-model: features are the host's expansion */
	char host_model_from[160]; /* where that expansion comes from ("QEMU's max expansion") */
	struct fset model_features;/* the model's features (pseudo features left out) */
	struct fset requested;     /* with the guest's policies applied */
	struct fset blockers;      /* requested features QEMU drops here (enforce refuses them) */
	bool blockers_known;       /* false: nobody here says what the host provides */
	struct fset features;      /* what the guest gets: requested - blockers */
	struct fset forbidden;     /* forbid features the host has (libvirt refuses) */
	struct vec unknown;        /* char *: features the guest names that this QEMU has no
				    * property for (owned) */
	bool unknown_on;           /* one of them is asked on (QEMU refuses any -cpu with it) */
	enum cpu_check check;      /* libvirt's check for this guest (the default filled in) */
	bool starts_enforce;       /* QEMU -cpu ...,enforce starts it */
	bool starts_qemu;          /* QEMU without enforce starts it (dropping the blockers) */
	bool starts_libvirt;       /* libvirt starts it (check partial/full refuse blockers) */
	bool starts;               /* by the guest's own setting: enforce or libvirt's check */
	const struct expansion *full; /* the model's full expansion (lent), or NULL */
};

struct upgrade_report {
	struct upgrade_end from, to;
	bool unchanged;            /* the guest's CPU and whether it starts are the same */
	bool definition_same;      /* the model's features are the same on both sides */
	struct vec def_lost, def_gained;   /* const char *: features of the model's definition */
	struct vec lost, gained;           /* const char *: of what the guest gets */
	struct vec drops_new, drops_gone;  /* const char *: what QEMU drops that it did not / no
					    * longer drops (the accelerator or host changed) */
	struct vec prop_changed;   /* struct upgrade_prop *: both have it, the values differ */
	struct vec prop_new;       /* struct upgrade_prop *: only 'to' has it */
	struct vec prop_gone;      /* struct upgrade_prop *: only 'from' has it */
	struct vec new_versions;   /* char *: versions of the model's family only 'to' has */
	/* Every model of both sides on the two machine types, by its own
	 * verdict (as `cpuscope models`: what starts under enforce): those
	 * that stop starting, and those that start now (const char *, lent). */
	struct vec stop_starting, start_starting;
	size_t models_compared;
	char *alternative;         /* a version of the family that 'to' can run, when the guest
				    * loses features there ("Haswell-v2 (Haswell-noTSX)"), or NULL */
	struct vec findings;       /* struct upgrade_finding *, most severe first */
	struct vec pins;           /* char *: what to pin to keep the guest identical */
	char *pin_cpu;             /* the -cpu value that pins it, or NULL */
	char *pin_xml;             /* the libvirt <model>/<feature> lines that pin it, or NULL */
	enum upgrade_sev worst;    /* the most severe finding */
};

/* Run the check.  Fails (e set) when the guest cannot be read on the
 * 'from' side (unknown model or machine type there: a mistake in the
 * input, not a finding); everything wrong on the 'to' side is a finding. */
bool upgrade_check(const struct upgrade_guest *in, const struct upgrade_side *from,
		   const struct upgrade_side *to, struct upgrade_report *r, struct err *e);
void upgrade_report_fini(struct upgrade_report *r);

/* The report as lines, what both front ends show: the verdict line first
 * (UNCHANGED, CHANGED or NO LONGER STARTS), the two sides row by row,
 * what the guest loses and gains, what changes and why, the other models
 * that stop or start, and what to pin (with the -cpu value and libvirt
 * lines).  The CLI prints them (upgrade_report_text: rows as a table,
 * the rest wrapped at 78 columns), the explorer wraps them to its pane. */
enum upg_role {
	UL_VERDICT, UL_TEXT, UL_BLANK, UL_HEADING,
	UL_ROW,      /* text is the row's name; from/to its two cells */
	UL_LOST, UL_GAINED, UL_FINDING /* sev */, UL_STOP, UL_START, UL_PIN,
	UL_CODE,     /* a -cpu value or a libvirt line, verbatim */
};
struct upg_line {
	enum upg_role role;
	enum upgrade_sev sev;
	char *text;
	char *from, *to; /* UL_ROW */
};
void upgrade_report_lines(const struct upgrade_report *r, struct vec *out); /* struct upg_line * */
void upg_line_free(void *l);
void upgrade_report_text(const struct upgrade_report *r, struct strbuf *out);
/* One item of such text: "  MARK text", wrapped at 78 columns with the
 * continuation lines indented by 4. */
void upgrade_text_item(struct strbuf *sb, const char *mark, const char *text);
/* The verdict word of the first line. */
const char *upgrade_verdict(const struct upgrade_report *r);

#endif
