/* app.h - the explorer's state, its views, and what they share.
 *
 * The app lends the core data (dataset, machine type, host, cpu_map) from
 * the session that loaded it (src/logic/session.h).  Views are a small ops
 * table (tig's view/view_ops); each view keeps its own state (its
 * view-model: the model rows, the grid, the explanation, the hosts' verdicts)
 * in v->private, allocated from ops->private_size, and struct app keeps
 * only what the views share: the data, the guest CPU and its output, the
 * popups and prompts, the status line, the probe.  Handlers return reaction
 * flags and never paint (htop): only the loop paints.
 *
 * Ownership: app_fini() frees everything the app owns (each view's state
 * through ops->done); the core data belongs to the session.
 */
#ifndef CPUSCOPE_UI_APP_H
#define CPUSCOPE_UI_APP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "compare.h"
#include "explain_doc.h"
#include "feature.h"
#include "guest.h"
#include "guest_build.h"
#include "host.h"
#include "keys.h"
#include "logic.h"
#include "model.h"
#include "term.h"
#include "util.h"

struct session;
struct cpu_map;
struct app;
struct view;

/* Reaction flags returned by handlers. */
enum {
	RE_HANDLED = 1u << 0,
	RE_REDRAW = 1u << 1,
	RE_GUEST = 1u << 2,  /* the guest CPU changed: output, lints, verdict */
	RE_MODEL = 1u << 3,  /* the selected model changed: grid, explain */
	RE_GRID = 1u << 4,   /* grid mode or filters changed */
	RE_FILTER = 1u << 5, /* model filters changed */
};

enum view_id { V_MODELS, V_GRID, V_GUEST, V_OUTPUT, V_EXPLAIN, V_GLOSSARY, V_HOSTS, V_HOSTINFO,
	       V_UPGRADE, V_FLEET, V_DRIFT, V_HELP, V__COUNT };
enum page { PAGE_GRID, PAGE_GUEST, PAGE_EXPLAIN, PAGE_GLOSSARY, PAGE_HOSTS, PAGE_UPGRADE,
	    PAGE_FLEET, PAGE_DRIFT, PAGE__COUNT };

struct view_ops {
	const char *name;  /* "models", shown in the status bar and dumps */
	const char *title; /* pane title */
	enum keymap keymap;
	const char *help;  /* what the pane shows (context help) */
	/* The view's own state (tig's private_size): app_init() allocates
	 * it zeroed into v->private, app_fini() frees it after done(). */
	size_t private_size;
	void (*open)(struct view *v, struct app *a); /* set the state up (NULL: zeroed will do) */
	void (*done)(struct view *v, struct app *a); /* free what the state owns */
	/* The data is about to go (R, M, a probe): free what points into it. */
	void (*drop)(struct view *v, struct app *a);
	/* Something changed (RE_FILTER, RE_MODEL, RE_GRID, RE_GUEST): rebuild
	 * the view-model.  Views are told in enum view_id order, so the models
	 * list has applied its filters before the others ask for the model. */
	void (*refresh)(struct view *v, struct app *a, unsigned re);
	size_t (*rows)(struct view *v, struct app *a);
	void (*draw)(struct view *v, struct app *a, const struct rect *r, bool focused);
	unsigned (*on_action)(struct view *v, struct app *a, enum action act);
	/* Does row match the search text?  NULL: the pane cannot be searched. */
	bool (*match)(struct view *v, struct app *a, size_t row, const char *needle);
	/* Selection moved onto row (NULL: nothing to do). */
	unsigned (*on_select)(struct view *v, struct app *a);
};

struct view {
	const struct view_ops *ops;
	void *private;    /* the view's own state (ops->private_size), or NULL */
	size_t sel, top;  /* selected row, first row shown */
	int page_rows;    /* body rows at the last paint (for PgUp/PgDn) */
	struct rect last; /* where it was painted last (mouse) */
	int body_y;       /* screen row of row 'top' at the last paint */
};

/* One model of the models list. */
struct model_row {
	const struct cpu_def *def;
	struct model_view mv;
	enum usable usable;
	size_t nblockers;
	int psabi;  /* x86-64 psABI level (-1 unknown) */
	int vendor; /* 0 Intel, 1 AMD, 2 other */
};

/* The guest CPU with its history, kept aside while the tour works on a
 * scratch guest of its own (editor.c). */
struct guest_stash {
	struct guest_cpu *guest;
	char *g_base, *g_chosen;
	int g_version;
	struct vec undo, redo;
	char *saved_xml;
	bool dirty;
};

/* How much of the screen the models list takes beside the panes (w). */
enum list_width { LIST_WIDE, LIST_NARROW, LIST_HIDDEN };

enum popup { POP_NONE, POP_HELP, POP_CONFIRM_QUIT, POP_CONFIRM_OVERWRITE, POP_TOUR };
enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_SAVE, PROMPT_PROBE, PROMPT_MACHINE };

struct app {
	/* core data, lent by the session */
	struct session *s;
	struct ftable *ft;
	struct dataset *ds;
	const struct mdata *md;
	const struct host *host;
	const struct cpu_map *map;
	char host_label[256];

	/* the hosts besides --host: the grid's host columns, R and the hosts pane */
	struct vec extra_hosts; /* struct host *, owned: the files in data/hosts */
	struct host *cpuid_host; /* this CPU, made when R first offers it (owned) */
	struct host *libvirt_host; /* libvirt qemu:///system's domcapabilities, when R asks (owned) */
	bool libvirt_tried;
	struct vec extra_labels; /* char *, owned */
	bool extra_loaded;

	/* the guest CPU: the editor, the output, explain's fixes, the hosts'
	 * verdicts and saving share it (editor.c) */
	struct guest_cpu *guest;
	char *g_base;     /* model family ("Haswell") */
	char *g_chosen;   /* the model name as chosen in the list */
	int g_version;    /* GUEST_VERSION_BEST, _AS_GIVEN, or N: -vN */
	struct vec undo;  /* the guests before, newest last (editor.c's undo records) */
	struct vec redo;  /* the guests undone, newest last */
	char *saved_xml;  /* the guest at the start or the last save, as XML */
	bool dirty;       /* differs from saved_xml ([modified]) */
	int out_form;     /* the output shown: GUEST_FORM_* (guest_build.h); o cycles */
	char *out_text;
	struct vec lints; /* char * */
	char *verdict;    /* host compare verdict line */
	enum role verdict_role;
	char *save_path;  /* last saved to */

	/* UI */
	struct view views[V__COUNT];
	enum view_id focus;
	enum page page;
	enum list_width list_width;
	enum popup popup;
	int tour_step;
	char **tour_lines;    /* the tour step's text */
	size_t ntour_lines;
	struct guest_stash *tour_stash; /* the user's guest CPU while the tour runs */
	enum prompt_kind prompt;
	struct strbuf input;
	size_t input_cur;     /* the cursor in input (a byte offset) */
	char *search;         /* last search text */
	enum view_id search_view; /* the view it was typed in (its matches are highlighted) */
	size_t search_origin; /* selection when the search started */
	char status[512];
	enum role status_role;
	unsigned status_seq;   /* counts app_status() calls */
	enum page status_page; /* the page the status message was given on */
	/* live probe (src/probe.h), serviced by the event loop */
	struct probe *probe;
	char *probe_binary;
	bool probe_fill;      /* the probe fills in this machine's other machine types */
	char probe_status[256];
	unsigned probe_spin;
	bool quit;
	bool quit_after_save; /* the quit question's s: quit once the save succeeds */
	int exit_code;
	bool need_redraw;
	bool full_redraw;
};

/* app.c */
void app_init(struct app *a, struct session *s);
void app_fini(struct app *a);
void app_label_reference(struct app *a);
/* The view-models point into the data: drop them before the data changes,
 * rebuild them after (keep: the model to select again, or NULL). */
void app_views_drop(struct app *a);
void app_views_rebuild(struct app *a, const char *keep);
struct view *app_view(struct app *a, enum view_id id);
void app_status(struct app *a, enum role role, const char *fmt, ...) ATTR_FORMAT(3, 4);
void app_load_extra_hosts(struct app *a);
void app_handle_reaction(struct app *a, unsigned re);

/* reference.c: R switches whose verdict is shown, M the machine type. */
void app_reference_next(struct app *a);
void app_machine_set(struct app *a, const char *name);

/* v_models.c: the models list (its rows, filters and pins are its own) */
void app_models_build(struct app *a, const char *keep); /* keep: the model to select, or NULL */
struct model_row *app_selected_model(struct app *a); /* NULL when the list is empty */
size_t app_models_count(const struct app *a);
const struct model_row *app_model_at(const struct app *a, size_t i); /* by name */
size_t app_models_usable(const struct app *a);
void app_models_show_all(struct app *a); /* clear the filters */
bool app_select_model(struct app *a, const char *name);
const struct vec *app_pinned(const struct app *a); /* char *: the pinned models */
void app_toggle_pin(struct app *a);

/* v_grid.c: the feature grid of the selected model */
const struct grid *app_grid(const struct app *a); /* NULL: no grid (the pane says why) */
void app_grid_show(struct app *a, enum grid_kind k, bool only_diff, bool only_lacks);

/* v_explain.c: the explanation of the selected model, and its fixes */
const struct explain_doc *app_explain(const struct app *a);
void app_apply_fix(struct app *a, size_t i); /* app_explain(a)->actions[i] */

/* v_text.c: the help popup about a pane */
void app_help_open(struct app *a, enum view_id about);
enum view_id app_help_about(const struct app *a);

/* hosts.c: the hosts pane (see hosts.h) */
void app_hosts_build(struct app *a); /* once: load data/hosts, verdicts */
size_t app_hosts_count(const struct app *a);
/* s390x: QEMU asked in the background (compare and baseline), serviced by
 * the event loop as the probe is: busy while a question waits; the fds to
 * poll (lowering *timeout_ms to the deadline), then service them; stop
 * (Esc) gives the questions up; the status bar's text while busy. */
bool app_hosts_busy(const struct app *a);
size_t app_hosts_pollfds(const struct app *a, struct pollfd *fds, size_t max, int *timeout_ms);
void app_hosts_service(struct app *a, const struct pollfd *fds, size_t n);
void app_hosts_stop(struct app *a);
const char *app_hosts_status(const struct app *a);

/* editor.c: the guest CPU */
void app_rebuild_guest(struct app *a); /* the output, lints and verdict */
void app_guest_init(struct app *a);       /* the empty guest the explorer starts with */
void app_guest_checkpoint(struct app *a); /* push an undo snapshot */
bool app_guest_undo(struct app *a);
bool app_guest_redo(struct app *a);
/* The guest editor changes the guest CPU only through app_guest_apply():
 * spec (taken) is the CPU as asked for (the model as chosen), built with
 * guest_build() and model version 'version', as `cpuscope build` builds
 * it.  On success it replaces the guest (an undo step) and 'chosen' and
 * 'version' are remembered; on failure nothing changes and the status
 * says why (the same words the CLI prints). */
bool app_guest_apply(struct app *a, struct guest_cpu *spec, const char *chosen, int version);
/* A copy of the guest with the model as chosen (for app_guest_apply). */
struct guest_cpu *app_guest_spec(const struct app *a);
bool app_use_model(struct app *a, const char *name);
void app_cycle_policy(struct app *a, const struct feature *f, bool clear);
void app_cycle_version(struct app *a);
bool app_save(struct app *a, const char *path, bool overwrite);
/* Put a copy of g into the guest editor (an undo step; unsaved), through
 * app_guest_apply(): false (and the status says why) when it is refused. */
bool app_load_guest(struct app *a, const struct guest_cpu *g);
void app_guest_fini(struct app *a); /* free the guest CPU and its undo */
/* Take the guest CPU and its history out (the app gets an empty guest);
 * put them back (the guest in the app then is dropped). */
struct guest_stash *app_guest_stash(struct app *a);
void app_guest_unstash(struct app *a, struct guest_stash *st);
/* Unsaved work: the user's guest, also while the tour has it aside. */
bool app_dirty(const struct app *a);

/* input.c */
/* Dispatch one key (from the terminal or a script). */
void app_key(struct app *a, int key);
/* Handle one action (after popups and prompts). */
void app_action(struct app *a, enum action act);

/* line.c: the prompts' line editing */
void line_insert(struct strbuf *sb, size_t *cur, char c);
/* Do a LINE_* action on sb at *cur: false if act is none of them. */
bool line_edit(struct strbuf *sb, size_t *cur, enum action act);

/* live.c */
/* Start probing "BINARY [MACHINE,...]"; the loop services it. */
void app_probe_start(struct app *a, const char *spec);
/* A live session's other machine types, in the background. */
void app_probe_fill(struct app *a);
/* The loop saw the probe finish: take its dataset (or report why not). */
void app_probe_done(struct app *a);

/* layout.c */
void app_paint(struct app *a);
enum keymap app_keymap(struct app *a);
void view_clamp(struct view *v, struct app *a);
unsigned view_move(struct view *v, struct app *a, enum action act);
void app_focus(struct app *a, enum view_id id);
void app_mouse(struct app *a); /* KEY_MOUSE: the event curses has */
enum mouse_kind { MOUSE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
/* A click (or wheel) at screen row y, column x: the tab bar's tabs do what
 * their keys do; a pane takes the focus and the row under the pointer. */
void app_click(struct app *a, int y, int x, enum mouse_kind kind);

/* The views (one file each). */
extern const struct view_ops models_ops, grid_ops, guest_ops, output_ops, explain_ops,
	glossary_ops, hosts_ops, hostinfo_ops, upgrade_ops, fleet_ops, help_ops, drift_ops;

/* v_upgrade.c: the grid's QEMU-versions columns (the bundled snapshots)
 * and their call-outs (char *), from the upgrade pane's state. */
struct grid *app_grid_qemu(struct app *a, const char *model, struct err *e);
const struct vec *app_grid_notes(struct app *a);

/* glossary.c */
size_t glossary_count(void);
/* The term and its text, with this terminal's glyphs (caller frees). */
char *glossary_term(size_t i);
char *glossary_text(size_t i);

/* tour.c */
size_t tour_steps(void);
/* Set the app up for step i and return its text (owned by the caller). */
char *tour_enter(struct app *a, size_t i);
/* Show step (past the last: the tour ends).  The tour works on a scratch
 * guest CPU: the user's is put aside when it starts and back when it ends. */
void app_tour_show(struct app *a, int step);
void app_tour_close(struct app *a);
void app_tour_fini(struct app *a);

/* text.c: wrapped, styled lines for the text panes. */
struct tline {
	char *s;
	enum role role;
	size_t src; /* index of the source line */
};
struct tlines {
	struct tline *v;
	size_t n, cap;
	bool whole; /* the cursor is on a source line: every row it wraps to */
};
/* Wrap s to width columns (continuation lines indented by indent). */
void tlines_add(struct tlines *t, const char *s, int width, int indent, enum role role, size_t src);
void tlines_fini(struct tlines *t);
void tlines_draw(struct view *v, struct app *a, const struct tlines *t, const struct rect *r,
		 bool focused, bool cursor);
/* The text panes' frame: the width to wrap to (from the last paint), the
 * title row (right: a note at its right end, or NULL), the rows below. */
int text_pane_width(struct app *a, enum view_id id);
void text_pane_title(const struct rect *r, bool focused, const char *title, const char *right);
struct rect text_pane_body(const struct rect *r);
bool str_icontains(const char *hay, const char *needle);
/* The guest fields' actions (mode, match, ...), also from the output pane. */
unsigned guest_field_action(struct app *a, enum action act);

/* Feature label for a grid row, and the guest's policy letter for it. */
const char *policy_letter(enum policy p);
enum policy app_policy_of(const struct app *a, const struct feature *f);

#endif
