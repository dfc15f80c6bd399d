/* logic.h - first answers from the data: x86-64 psABI levels, usability of a
 * model on a host, and feature grids (the view-model the CLI prints and
 * the TUI paints).
 *
 * Ownership: grid_free() frees a grid; everything it points to that is
 * not a string it owns (features, definitions) is lent by the dataset,
 * ftable or hosts it was built from, which must outlive it.
 */
#ifndef CPUSCOPE_SRC_LOGIC_H
#define CPUSCOPE_SRC_LOGIC_H

#include <stdbool.h>

#include "feature.h"
#include "guest.h"
#include "host.h"
#include "model.h"

struct err;
struct cpu_map;

/* The x86-64 psABI level (x86-64-v1 .. -v4, what distributions build
 * for; not QEMU's 'level'/'xlevel', the highest CPUID leaves): the
 * highest level (1..4) whose features are all in s; 0 if not even v1.
 * Always 0 for non-x86 tables. */
int psabi_level(const struct ftable *ft, const struct fset *s);
/* The features of psABI levels 1..level missing from s (out is cleared
 * first). */
void psabi_level_missing(const struct ftable *ft, const struct fset *s, int level, struct fset *out);
/* The one word for a psABI level on the screen: "v1" .. "v4", "below v1"
 * for 0, "unknown" for a negative level. */
const char *psabi_level_word(int level);

enum usable { USABLE_UNKNOWN = -1, USABLE_NO = 0, USABLE_YES = 1 };

/* Is the model usable on the host, and what blocks it?  Uses the host's
 * own verdict when it has one (domcapabilities' usable/blockers), else
 * the model's enabled features minus what the host provides.  With no
 * host, QEMU's own unavailable-features of the dataset's accelerator. */
/* A verdict's blockers in one line: "3: hle, rtm, pcid" (the CPU features,
 * up to max names), then what is no CPU feature in QEMU's words ("needs
 * the KVM accelerator", "QEMU lists it usable but does not start with it
 * here"), joined with "; ".  The models list of both front ends uses it. */
struct strbuf;
void blockers_text(struct strbuf *sb, const struct ftable *ft, const struct fset *blockers,
		   size_t max);
/* How many of blockers are CPU features (pseudo-features left out). */
size_t blockers_features(const struct ftable *ft, const struct fset *blockers);
enum usable model_usable(const struct model_view *mv, const struct host *h, struct fset *blockers);
/* The features of a model as QEMU expands it under its machine type (its
 * full expansion), in single features: on s390x QEMU's feature groups are
 * put into their members (ftable_expand_groups), as QEMU's
 * unavailable-features name them.  What show lists and what the grids and
 * verdicts compare; empty without an expansion. */
void model_features(const struct model_view *mv, struct fset *out);

/* Feature grid. */
enum grid_kind { GRID_MODELS, GRID_VERSIONS, GRID_MACHINES, GRID_HOSTS, GRID_QEMU /* grid_qemu.h */ };

enum cell {
	CELL_ABSENT,     /* '-' */
	CELL_PRESENT,    /* '+' */
	CELL_HOST_LACKS, /* '!' present, but the column's host cannot provide it */
	CELL_NA,         /* ' ' no data for this column */
};

struct grid_col {
	char *title;   /* model / version / machine / host name */
	char *sub;     /* second header line (resolved name, machine, ...) or NULL */
	struct fset on;
	bool has_data;
	const struct host *host; /* for host columns, or the host to mark lacks against */
	const struct expansion *full; /* model columns: QEMU's full expansion (lent) */
	struct fset lacks; /* without a host: what the column's QEMU cannot provide (its
			    * unavailable-features; QEMU-version columns) */
	bool has_lacks;
};

struct grid {
	enum grid_kind kind;
	const struct ftable *ft;
	char *title;           /* e.g. "Haswell versions on pc-q35-7.2" */
	struct grid_col *cols;
	size_t ncols;
	unsigned *rows;        /* feature ids, in display order (group, then name) */
	size_t nrows;
	bool *row_differs;     /* columns disagree on this row */
	size_t ndiffer;
};

/* Build the rows of g from its columns: the union of the columns'
 * features (all rows), sorted by group then name; differing rows flagged.
 * only_diff keeps the differing rows only. */
void grid_finish(struct grid *g, bool only_diff);
enum cell grid_cell(const struct grid *g, size_t row, size_t col);
/* Changed against the previous column (col > 0). */
bool grid_cell_changed(const struct grid *g, size_t row, size_t col);
struct grid *grid_new(enum grid_kind kind, const struct ftable *ft, const char *title);
struct grid_col *grid_add_col(struct grid *g, const char *title, const char *sub);
void grid_free(struct grid *g);

/* Non-feature properties (family, model, stepping, model-id, the compat
 * knobs of old machine types, ...) whose values differ between the model
 * columns of g: one row per property, sorted by name. */
struct grid_prop_row {
	char *name;
	char **vals; /* per column: the value (strings unquoted), or NULL */
	size_t nvals;
};
void grid_prop_diffs(const struct grid *g, struct vec *out); /* struct grid_prop_row * */
void grid_prop_row_free(void *row);

/* Grid builders: the columns of the CLI's `grid` modes and the TUI's grid
 * pane (rows are made by grid_finish, which the caller runs).  Columns
 * mark what 'host' lacks (host may be NULL).  On failure they return NULL
 * with e set (unknown model, unknown machine type, no versions). */

/* Every version of the family of model 'name' under md; titles are the
 * versioned names, sub lines the aliases standing for each version.  A
 * custom model (--custom) has none: its base and itself. */
struct grid *grid_build_versions(const struct dataset *ds, const struct mdata *md, const char *name,
				 const struct host *host, struct err *e);
/* Model 'name' on each machine type (names or aliases); machines == NULL
 * means every machine type of the dataset that has data, in natural
 * order of their names.  Titles are the machine types, sub lines the
 * versioned name the model resolves to there. */
struct grid *grid_build_machines(const struct dataset *ds, const char *const *machines, size_t n,
				 const char *name, const struct host *host, struct err *e);
/* Models side by side under md (sub line: the versioned name of an alias). */
struct grid *grid_build_models(const struct dataset *ds, const struct mdata *md,
			       const char *const *names, size_t n, const struct host *host,
			       struct err *e);
/* Host columns (what each host can provide) after the model columns; the
 * host columns keep only the features of the model columns, so the rows
 * are the models' features. */
void grid_add_hosts(struct grid *g, const struct host *const *hosts, const char *const *labels,
		    size_t n);
/* Keep only rows some column's host lacks (cells CELL_HOST_LACKS), after
 * grid_finish. */
void grid_keep_host_lacks(struct grid *g);

/* The newest version of the family 'base' under md that is usable on h
 * (model_usable == USABLE_YES), or NULL. */
const struct cpu_def *model_best_version(const struct dataset *ds, const struct mdata *md,
					 const char *base, const struct host *h);

#endif
