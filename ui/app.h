/* app.h - the explorer's state, its views, and what they share.
 *
 * The app lends the core data (dataset, machine type, host, cpu_map) from
 * the session that loaded it (src/logic/session.h), and turns it into view-models (model
 * rows, the feature grid, the guest CPU's output) that the views paint.
 * Views are a small ops table (tig's view/view_ops); handlers return
 * reaction flags and never paint (htop): only the loop paints.
 *
 * Ownership: app_fini() frees everything the app owns; the core data
 * belongs to the session.
 */
#ifndef CPUSCOPE_UI_APP_H
#define CPUSCOPE_UI_APP_H

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
struct upgrade_ui;
struct fleet_ui;
struct app;
struct view;
struct drift_ui;

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
	size_t (*rows)(struct app *a);
	void (*draw)(struct view *v, struct app *a, const struct rect *r, bool focused);
	unsigned (*on_action)(struct view *v, struct app *a, enum action act);
	/* Does row match the search text?  NULL: the pane cannot be searched. */
	bool (*match)(struct app *a, size_t row, const char *needle);
	/* Selection moved onto row (NULL: nothing to do). */
	unsigned (*on_select)(struct view *v, struct app *a);
};

struct view {
	const struct view_ops *ops;
	size_t sel, top;  /* selected row, first row shown */
	size_t left;      /* horizontal scroll: first grid column shown */
	size_t col;       /* grid: the selected column */
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

/* One host of the hosts pane: the --host one, then data/hosts' files. */
struct host_row {
	const struct host *h; /* lent: a->host or an extra host */
	const char *file;     /* lent: its file name */
	char *model;          /* the libvirt model it names, or libvirt's decode of it; NULL: none */
	bool decoded;         /* model came from cpu_decode() */
	bool main;            /* the --host (or local) host */
	bool chosen;          /* for the baseline (Space) */
	bool have_cmp;        /* cmp holds cpu_compare()'s verdict */
	struct cmp_report cmp;
	char *cmp_err;        /* cpu_compare() failed: why (owned) */
};

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

	/* models list */
	struct model_row *models;
	size_t nmodels;
	size_t *shown; /* indices into models after the filters */
	size_t nshown;
	int f_usable;  /* -1 all, 1 usable, 0 not usable */
	int f_vendor;  /* -1 all, 0 Intel, 1 AMD, 2 other */
	bool f_hide_deprecated;
	struct vec pinned; /* char *: model names */

	/* feature grid */
	enum grid_kind grid_kind;
	bool grid_only_diff, grid_only_lacks;
	struct grid *grid;
	char grid_err[512];
	struct vec extra_hosts; /* struct host *, owned: the files in data/hosts, for GRID_HOSTS */
	struct host *cpuid_host; /* this CPU, made when R first offers it (owned) */
	struct host *libvirt_host; /* libvirt qemu:///system's domcapabilities, when R asks (owned) */
	bool libvirt_tried;
	struct vec extra_labels; /* char *, owned */
	bool extra_loaded;

	/* guest CPU */
	struct guest_cpu *guest;
	char *g_base;     /* model family ("Haswell") */
	char *g_chosen;   /* the model name as chosen in the list */
	int g_version;    /* GUEST_VERSION_BEST, _AS_GIVEN, or N: -vN */
	struct vec undo;  /* struct guest_cpu * snapshots */
	bool dirty;       /* changed since start or the last save */
	struct grid *g_rows; /* editor rows: model vs host features */
	int out_form;     /* the output shown: GUEST_FORM_* (guest_build.h); o cycles */
	char *out_text;
	struct vec lints; /* char * */
	char *verdict;    /* host compare verdict line */
	enum role verdict_role;
	char *save_path;  /* last saved to */

	/* explain: the lines `cpuscope explain` prints; those with an
	 * action are the fixes Enter applies */
	struct explain_doc explain;
	char *explain_err;        /* no explanation: why (owned), or NULL */
	bool explain_fresh;       /* put the cursor on the first fix at the next paint */

	/* hosts pane: the guest CPU against each loaded host, baseline */
	struct host_row *hosts;
	size_t nhosts;
	bool hosts_built;
	char *hosts_note;     /* why no host has a verdict (mode, no model, no map), or NULL */
	struct baseline_result *bl; /* the last baseline computed, or NULL */
	char *bl_err;         /* the last baseline failed: why (owned), or NULL */
	bool *bl_from;        /* nhosts: the hosts the last baseline (or error) is of */
	bool bl_fresh;        /* scroll the details to the baseline at the next paint */

	/* drift page (v_drift.c; its state is private to it) */
	struct drift_ui *drift;

	/* UI */
	struct view views[V__COUNT];
	enum view_id focus;
	enum page page;
	enum popup popup;
	enum view_id help_for;
	char **help_lines;
	size_t nhelp;
	int tour_step;
	enum prompt_kind prompt;
	struct strbuf input;
	char *search;         /* last search text */
	size_t search_origin; /* selection when the search started */
	char status[512];
	enum role status_role;
	/* live probe (src/probe.h), serviced by the event loop */
	struct probe *probe;
	char *probe_binary;
	bool probe_fill;      /* the probe fills in this machine's other machine types */
	char probe_status[256];
	unsigned probe_spin;
	bool quit;
	int exit_code;
	bool need_redraw;
	bool full_redraw;
	const char *data_dir;
	struct upgrade_ui *upg; /* the upgrade pane and the QEMU-versions grid (v_upgrade.c) */
	struct fleet_ui *flt;   /* the fleet pane (v_fleet.c) */
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

/* v_models.c: the models list's rows and filters */
void app_build_models(struct app *a);
struct model_row *app_selected_model(struct app *a); /* NULL when the list is empty */
void app_apply_filters(struct app *a);
bool app_select_model(struct app *a, const char *name);

/* v_grid.c, v_explain.c: their view-models */
void app_rebuild_grid(struct app *a);
void app_rebuild_explain(struct app *a);
void app_apply_fix(struct app *a, size_t i); /* a->explain.actions[i] */

/* editor.c: the guest CPU */
void app_rebuild_guest(struct app *a);
void app_guest_checkpoint(struct app *a); /* push an undo snapshot */
bool app_guest_undo(struct app *a);
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

/* input.c */
/* Dispatch one key (from the terminal or a script). */
void app_key(struct app *a, int key);
/* Handle one action (after popups and prompts). */
void app_action(struct app *a, enum action act);

/* live.c */
/* Start probing "BINARY [MACHINE,...]"; the loop services it. */
void app_probe_start(struct app *a, const char *spec);
/* A live session's other machine types, in the background. */
void app_probe_fill(struct app *a);
/* The loop saw the probe finish: take its dataset (or report why not). */
void app_probe_done(struct app *a);

/* hosts.c: the hosts pane's view-model, all through src/compare.h and
 * src/baseline.h. */
void app_hosts_build(struct app *a);   /* once: load data/hosts, verdicts */
void app_hosts_compare(struct app *a); /* the verdicts, after the guest changed */
void app_hosts_baseline(struct app *a); /* of the chosen hosts, into bl / bl_err */
bool app_hosts_load_baseline(struct app *a);
size_t app_hosts_chosen(const struct app *a);
bool app_hosts_stale(const struct app *a); /* chosen hosts changed since the baseline */
void app_hosts_fini(struct app *a);

/* layout.c */
void app_paint(struct app *a);
enum keymap app_keymap(struct app *a);
void view_clamp(struct view *v, struct app *a);
unsigned view_move(struct view *v, struct app *a, enum action act);
void view_scroll_into(struct view *v, int height);
void app_focus(struct app *a, enum view_id id);
void app_mouse(struct app *a);

/* The views (one file each). */
extern const struct view_ops models_ops, grid_ops, guest_ops, output_ops, explain_ops,
	glossary_ops, hosts_ops, hostinfo_ops, upgrade_ops, fleet_ops, help_ops, drift_ops;

/* v_upgrade.c: the grid's QEMU-versions columns (the bundled snapshots)
 * and their call-outs (char *), and the upgrade pane's state. */
struct grid *app_grid_qemu(struct app *a, const char *model, struct err *e);
const struct vec *app_grid_notes(struct app *a);
void app_upgrade_fini(struct app *a);
void drift_ui_free(struct app *a); /* v_drift.c */
/* v_fleet.c: the fleet pane's report. */
void app_fleet_fini(struct app *a);

/* glossary.c */
size_t glossary_count(void);
const char *glossary_term(size_t i);
const char *glossary_text(size_t i);

/* tour.c */
size_t tour_steps(void);
/* Set the app up for step i and return its text (owned by the caller). */
char *tour_enter(struct app *a, size_t i);

/* text.c: wrapped, styled lines for the text panes. */
struct tline {
	char *s;
	enum role role;
	size_t src; /* index of the source line */
};
struct tlines {
	struct tline *v;
	size_t n, cap;
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
void app_toggle_pin(struct app *a);
/* The guest fields' actions (mode, match, ...), also from the output pane. */
unsigned guest_field_action(struct app *a, enum action act);

/* Feature label for a grid row, and the guest's policy letter for it. */
const char *policy_letter(enum policy p);
enum policy app_policy_of(const struct app *a, const struct feature *f);

#endif
