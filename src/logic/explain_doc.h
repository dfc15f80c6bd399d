/* explain_doc.h - the explanation as the front ends show it: one list of
 * lines, each with a role, built once from an explanation (explain.h).
 * `cpuscope explain` prints the lines as they are; the TUI's explain
 * pane wraps and colours them by role, and a line that carries an action
 * (a fix: switch to another model, disable the blockers, host-model, the
 * model as it is) is one Enter applies to the guest editor.  So the two
 * front ends say the same thing in the same words.  (JSON is the
 * explanation itself, see cli/cli_explain.c.)
 *
 * Ownership: explain_doc_fini() frees the lines and actions; the
 * features a line points to are lent by the explanation's table.
 */
#ifndef CPUSCOPE_SRC_EXPLAIN_DOC_H
#define CPUSCOPE_SRC_EXPLAIN_DOC_H

#include <stddef.h>

#include "explain.h"
#include "guest.h"
#include "util.h"

struct cpu_map;

enum xd_role {
	XD_BLANK,
	XD_VERDICT_OK,      /* the first line: usable */
	XD_VERDICT_BAD,     /* not usable */
	XD_VERDICT_UNKNOWN, /* no data to decide */
	XD_TEXT,            /* a line of prose */
	XD_HEADING,         /* "Blocking features (6):", "How to make it work:" */
	XD_BLOCKER,         /* a blocking feature: cols = name, group, location, meaning */
	XD_SPELLINGS,       /* the blocker's spellings, under it */
	XD_STEP,            /* a numbered way to make it work */
	XD_OPTION,          /* one model a step offers */
	XD_CODE,            /* a -cpu value or a line of XML */
	XD_NOTE,            /* "note: ..." */
};

#define XD_NCOLS 4

struct xd_line {
	enum xd_role role;
	unsigned indent;       /* spaces before the text (nesting) */
	char *text;            /* without the indent; NULL when cols are set */
	char *cols[XD_NCOLS];  /* XD_BLOCKER: the columns of its table */
	const struct feature *f; /* XD_BLOCKER: the feature (lent) */
	int action;            /* index into actions, -1: none */
};

/* What applying a line does to the guest CPU. */
struct xd_action {
	char *label;           /* "switch to Westmere = Westmere-v1" */
	enum cpu_mode mode;
	char *model;           /* the model to use, NULL: none (host-model, ...) */
	struct vec disable;    /* char *: features to disable (libvirt's spellings) */
};

struct explain_doc {
	struct vec lines;   /* struct xd_line * */
	struct vec actions; /* struct xd_action * */
};

/* The lines of x, the host named host_label.  With a cpu_map, a switch
 * to another model uses a name the map knows when there is one (libvirt
 * before 10.10 knows no versioned names). */
void explain_doc_build(const struct explanation *x, const char *host_label,
		       const struct cpu_map *map, struct explain_doc *out);
/* The section of QEMU's warning lines, appended. */
void explain_doc_add_warnings(struct explain_doc *d, const struct qemu_warnings *w);
void explain_doc_fini(struct explain_doc *d);

/* The doc as `cpuscope explain` prints it (caller frees). */
char *explain_doc_text(const struct explain_doc *d);

#endif
