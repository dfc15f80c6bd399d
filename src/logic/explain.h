/* explain.h - why a CPU model is or is not usable on a host, and what
 * would make it work.
 *
 * explain_model() answers for one model of a dataset under one machine
 * type: the verdict (the same model_usable() gives `models`), the
 * blocking features, the x86-64 levels of the model and the host, and
 * the fixes: usable versions and aliases of the same family, the nearest
 * other usable models, the smallest set of `disable` policies (with the
 * -cpu value and libvirt XML it gives) and whether host-model would do.
 *
 * qemu_warnings_parse() reads QEMU's "doesn't support requested feature"
 * lines (every format QEMU has printed: "CPUID.07H:EBX.hle [bit 4]",
 * "CPUID[eax=07h,ecx=00h].EBX.hle [bit 4]", "MSR(48DH).vmx-posted-intr
 * [bit 7]") into features, matched by location and by name, and
 * explain_warnings() explains that feature set like a blocker list.
 *
 * Ownership: explanation_fini() / qemu_warnings_fini() free what the
 * struct owns.  Definitions, names and features are lent by the dataset
 * and the feature table, which must outlive the explanation.
 */
#ifndef CPUSCOPE_SRC_EXPLAIN_H
#define CPUSCOPE_SRC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"
#include "guest.h"
#include "host.h"
#include "logic.h"
#include "model.h"
#include "util.h"
#include "qemu_warnings.h"

struct cpu_arg;
struct err;

/* How many other models explain_model() suggests. */
#define EXPLAIN_NEAREST 3

/* Where the verdict comes from. */
enum explain_source {
	EXPLAIN_SRC_QEMU,     /* no host: QEMU's unavailable-features for its accelerator */
	EXPLAIN_SRC_HOST,     /* the host file's own verdict (domcapabilities, QMP definitions) */
	EXPLAIN_SRC_FEATURES, /* the model's features against what the host provides */
	EXPLAIN_SRC_WARNINGS, /* QEMU's warning lines */
};
const char *explain_source_text(enum explain_source s); /* one phrase */

/* A usable alternative to the requested model. */
struct explain_alt {
	const struct cpu_def *def;  /* lent by the dataset */
	const char *name;           /* def->name */
	const char *resolved;       /* the versioned name it stands for (or name) */
	struct vec aliases;         /* const char *: other names for 'resolved' under md (lent) */
	struct fset lost;           /* the requested model's features it lacks */
	struct fset gained;         /* its features the requested model lacks */
	bool same_vendor;           /* same CPUID vendor as the requested model */
	int psabi_level;            /* x86-64 psABI level, 0 if none */
};

/* The smallest set of disable policies that makes the model usable. */
struct explain_fix {
	bool possible;            /* every blocker can be switched off */
	struct fset disable;      /* the features to disable */
	struct fset implied;      /* features QEMU then clears by itself (dependencies) */
	struct fset impossible;   /* blockers no policy removes ("kvm", "type") */
	char *qemu;               /* -cpu value (model,f=off,...), NULL when !possible */
	char *xml;                /* libvirt <cpu> with disable policies, NULL when !possible */
	struct vec notes;         /* char *: what emit left out (owned) */
	size_t kept_off;          /* features the given -cpu value already switched off */
};

enum explain_hm {
	EXPLAIN_HM_UNKNOWN,     /* the host file does not say (not domcapabilities) */
	EXPLAIN_HM_UNSUPPORTED, /* domcapabilities: host-model supported='no' */
	EXPLAIN_HM_NO,          /* host-model lacks some of the model's features the host has */
	EXPLAIN_HM_YES,         /* host-model has every feature of the model the host can run */
};

struct explanation {
	const struct ftable *ft;   /* lent */
	const char *model;         /* as requested; NULL for warnings without a model */
	const char *resolved;      /* versioned name it stands for */
	const char *machine;       /* machine type of the data */
	char asked_as[256];        /* how the name found the model when it is not QEMU's
				    * ("z15 is QEMU's gen15a", model_view.note), else "" */
	char vendor[32];           /* CPUID vendor string of the model, "" if unknown */
	enum usable usable;
	enum explain_source source;
	struct fset features;      /* the model's features (full expansion) */
	bool features_known;
	struct fset blockers;
	/* x86-64 psABI levels: -1 unknown (no data, or not x86) */
	int model_psabi;
	int host_psabi;
	struct fset psabi_missing; /* blockers that belong to levels up to model_psabi */
	/* fixes */
	bool searched;             /* family and nearest were looked for */
	struct vec family;         /* struct explain_alt *: usable versions and aliases */
	struct vec nearest;        /* struct explain_alt *: other usable models, best first */
	struct explain_fix fix;    /* when not usable */
	enum explain_hm host_model;
	const char *host_model_name;  /* domcapabilities' host-model model (lent) */
	struct fset host_model_lacks; /* model features (blockers aside) host-model lacks */
	struct vec notes;          /* char *: further remarks (owned) */
};

/* Explain model 'name' under md on host h (NULL: QEMU's own verdict).
 * Fails (e set) for an unknown model. */
bool explain_model(const struct dataset *ds, const struct mdata *md, const struct host *h,
		   const char *name, struct explanation *x, struct err *e);
void explanation_fini(struct explanation *x);

/* The features QEMU itself clears when 'f' is off (feature dependencies
 * of QEMU's x86 CPU code: vmx -> vmx-*, arch-capabilities -> its MSR
 * bits, svm -> SVM leaf, ...), transitively; f itself not included.
 * Empty for other arches. */
void explain_dependents(const struct ftable *ft, unsigned f, struct fset *out);
/* The smallest subset D of blockers whose dependents cover the rest
 * (disabling D removes all blockers); implied = what D clears beyond
 * itself. */
void explain_min_disable(const struct ftable *ft, const struct fset *blockers, struct fset *disable,
			 struct fset *implied);

/* The features of s in display order (natural order of QEMU's names):
 * out gets const struct feature * (lent by ft). */
void explain_sorted(const struct ftable *ft, const struct fset *s, struct vec *out);

/* The explanation of a warned feature set: the blockers are w->features.
 * With a model (name not NULL), the same as explain_model() with those
 * blockers, and alternatives must avoid all of them (and be usable on h
 * when h is given).  Without, only the blockers and the disable fix (the
 * -cpu suffix ",f=off,..." and the <feature> lines).
 *
 * given (NULL: none) is the -cpu value QEMU warned about (cpu_arg.h); its
 * model is the model explained (name, when also given, must be the same
 * word).  It is checked as `build` checks a CPU (unknown features with
 * "did you mean"), and the explanation starts from it: the model's
 * features with the value's =on/=off applied, and the fix is that value
 * with the warned features switched off -- what the user disabled, the
 * other properties, vendor=, enforce and check stay as given (a notes
 * line says what was kept; a warned feature the value asked on is
 * switched off and said so). */
bool explain_warnings(const struct dataset *ds, const struct mdata *md, const struct host *h,
		      const char *name, const struct qemu_warnings *w, const struct cpu_arg *given,
		      struct explanation *x, struct err *e);

#endif
