/* model.h - QEMU's view: machine types, CPU definitions and expansions.
 *
 * A dataset holds what one QEMU binary said (from a snapshot file, QMP
 * reply files, or a live probe): its machine types, and per machine type
 * the query-cpu-definitions entries and the query-cpu-model-expansion
 * results.  Expansions live in one pool owned by the dataset; machine
 * types whose expansion of a model is identical point at the same pool
 * entry (index), which is also how the snapshot stores them.
 *
 * Ownership: dataset_free() frees everything reachable from a dataset
 * except the ftable, which the caller owns (several datasets and hosts
 * share one table so their bitsets are comparable).
 */
#ifndef CPUSCOPE_SRC_MODEL_H
#define CPUSCOPE_SRC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"
#include "util.h"

struct custom_model;
struct err;
struct s390x_name;

struct machine {
	char *name;
	char *alias;            /* "pc", "q35", ... or NULL */
	bool is_default;
	bool deprecated;
	char *default_cpu_type; /* QOM type name, e.g. "qemu64-x86_64-cpu", or NULL */
};

/* One query-cpu-definitions entry (as seen under one machine type). */
struct cpu_def {
	char *name;
	char *type_name;      /* "typename" */
	char *alias_of;       /* NULL when absent */
	bool is_static;
	bool migration_safe;
	bool deprecated;
	bool unavail_known;   /* "unavailable-features" was present */
	struct fset unavailable;
	char **unavail_names; /* the raw names, in QEMU's order */
	size_t nunavail;
	/* QEMU calls it usable but does not start with it here (a start check,
	 * startcheck.h): QEMU's complaint, or NULL.  Blocks as the pseudo
	 * feature "start-failure". */
	char *start_failure;
	/* A custom model (custom_def.h: --custom FILE), lent by the session
	 * that added it; NULL for QEMU's own. */
	const struct custom_model *custom;
	/* Owners beyond the first (machine types with identical lists share
	 * one record); cpu_def_free() drops one owner. */
	unsigned extra_refs;
};

/* A non-boolean property of an expansion, value kept as JSON text. */
struct prop {
	char *name;
	char *json; /* e.g. "6", "\"GenuineIntel\"", "18446744073709551552" */
};

/* One query-cpu-model-expansion result. */
struct expansion {
	char *name;         /* model.name of the reply ("base" for x86 static) */
	struct fset on;     /* boolean props that are true */
	struct fset known;  /* boolean props present (true or false) */
	struct prop *props; /* non-boolean props, sorted by name */
	size_t nprops;
	/* Props not set here are inherited from this pool entry (-1: none).
	 * Full expansions of one model on many machine types differ in a few
	 * props only, so they share one base and keep a small delta. */
	int props_base;
	const struct dataset *ds; /* owner, for props_base lookups */
};

/* Per-model record of one machine type: indices into dataset.expansions
 * (-1: not captured). */
struct model_exp {
	int full;
	int stat;
};

struct mdata {
	char *machine;      /* machine type name ("none" for -machine none) */
	struct vec defs;    /* struct cpu_def *, QEMU's order */
	struct strmap def_by_name;  /* name -> struct cpu_def * */
	struct strmap exp_by_model; /* model name -> struct model_exp * (owned) */
	bool defs_known;
};

struct dataset {
	enum arch arch;
	struct ftable *ft;  /* lent */
	char *source;       /* file it came from, or "probe:BINARY" */
	char *qemu_version; /* "7.2.22" */
	char *qemu_package;
	char *binary;
	char *accel;        /* "tcg", "kvm" */
	char *captured;     /* ISO-8601 */
	struct vec machines;   /* struct machine * (query-machines) */
	struct vec mdatas;     /* struct mdata * */
	struct vec expansions; /* struct expansion * pool */
	struct vec missing;    /* char *: parts a partial probe could not capture */
	/* Internal to model.c: dedupe index (hash -> pool index + 1) and the
	 * first pool entry of each expansion name (delta base for new ones). */
	struct strmap exp_index;
	struct strmap exp_root;
};

struct dataset *dataset_new(enum arch arch, struct ftable *ft);
void dataset_free(struct dataset *ds);
/* Every boolean property any expansion of ds has (true or false): what
 * this QEMU has a property for. */
void dataset_qemu_props(const struct dataset *ds, struct fset *out);

void machine_free(struct machine *m);
void cpu_def_free(struct cpu_def *d);
void expansion_free(struct expansion *x);
struct expansion *expansion_new(const char *name);
/* Set (or replace) a prop; json NULL records "unset here" (hides the
 * base entry's value when props_base is used). */
void expansion_set_prop(struct expansion *x, const char *name, const char *json);
const char *expansion_prop(const struct expansion *x, const char *name); /* JSON text or NULL */
/* String / integer props with JSON decoding; false if absent or another type. */
bool expansion_prop_str(const struct expansion *x, const char *name, char *buf, size_t size);
bool expansion_prop_int(const struct expansion *x, const char *name, long long *out);
bool expansion_equal(const struct expansion *a, const struct expansion *b);

/* Get or create the record of a machine type. */
struct mdata *dataset_mdata(struct dataset *ds, const char *machine);
const struct mdata *dataset_find_mdata(const struct dataset *ds, const char *machine);
/* Add an expansion to the pool, reusing an identical entry; takes x (it
 * may be freed).  Returns the pool index.  A new entry whose name already
 * has an entry in the pool is stored as a props delta of that entry
 * (props_base) when that is smaller; lookups do not see the difference. */
int dataset_add_expansion(struct dataset *ds, struct expansion *x);
void mdata_add_def(struct mdata *md, struct cpu_def *d); /* takes d */
/* Record pool indices for a model; a negative index leaves that field as
 * it was (new records start at -1). */
void mdata_set_expansion(struct mdata *md, const char *model, int full, int stat);
/* Every prop in effect (own and inherited, without "unset" entries),
 * sorted by name; the pointers are lent by x and its bases. */
void expansion_props_all(const struct expansion *x, struct vec *out);
/* A standalone copy of src named name: its features and every prop in
 * effect (own and inherited). */
struct expansion *expansion_copy(const struct expansion *src, const char *name);
const struct cpu_def *mdata_def(const struct mdata *md, const char *name);
const struct expansion *dataset_expansion(const struct dataset *ds, const struct mdata *md,
					  const char *model, bool full);

/* Machine types. */
const struct machine *dataset_machine(const struct dataset *ds, const char *name_or_alias);
const struct machine *dataset_default_machine(const struct dataset *ds);

/* Resolve a machine type name or alias ("pc", "q35", "none") to the
 * machine type whose data to use.  Fails with a message listing close
 * names. */
const struct mdata *dataset_resolve_machine(const struct dataset *ds, const char *name,
					    struct err *e);

/* Model names.  Split "Haswell-v4" into base "Haswell" and version 4;
 * version 0 when the name has no -vN suffix. */
int model_version_of(const char *name, char *base, size_t size);
/* The order models are listed in (the explorer's list, `models --sort
 * name`): by name ignoring case, then by byte. */
int model_name_cmp(const char *a, const char *b);

/* A model as cpuscope shows it under one machine type. */
struct model_view {
	const struct ftable *ft;        /* the dataset's feature table */
	const struct cpu_def *def;      /* as requested (may be an alias) */
	const char *name;               /* def->name */
	const char *resolved;           /* versioned name it stands for, or name */
	const char *base;               /* family name without -vN ("Haswell"); base_buf */
	int version;                    /* of resolved; 0 when unversioned */
	bool is_alias;                  /* name != resolved, or a bare name */
	const struct expansion *full;   /* may be NULL */
	const struct expansion *stat;   /* may be NULL */
	char vendor[32];
	long long family, model, stepping; /* -1 when unknown */
	char model_id[128];
	char base_buf[128];
	/* s390x: the machine behind the model (s390x_names.h), or NULL */
	const struct s390x_name *machine;
	/* how the name was found when it is not QEMU's ("z15 is QEMU's
	 * gen15a: IBM z15 T01 ..."), else "" */
	char note[256];
};

/* Look a model up the way QEMU's -cpu does under machine md.  QEMU 7.2
 * matches names exactly ("-cpu haswell": "unable to find CPU model
 * 'haswell'", checked), so this does too; a case-insensitive match only
 * shows up as a suggestion.  On s390x a name QEMU does not have that is
 * IBM's name of a machine ("z15", "z16 A02", "LinuxONE III", "8561")
 * finds QEMU's model of it, and mv->note says so (s390x_names.h).  Fills mv.  Fails with "unknown CPU model
 * 'x'" and close-name suggestions ("; did you mean 'Haswell'?"). */
bool model_lookup(const struct dataset *ds, const struct mdata *md, const char *name,
		  struct model_view *mv, struct err *e);
/* Fill mv for an existing definition. */
void model_view_init(const struct dataset *ds, const struct mdata *md, const struct cpu_def *d,
		     struct model_view *mv);
/* Versions of a model family present under md, ascending (struct cpu_def *). */
void model_versions(const struct mdata *md, const char *base, struct vec *out);

#endif
