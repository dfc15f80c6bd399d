/* v_fleet.c - the explorer's fleet pane (8): the report of
 * src/logic/fleet.h, the same one `cpuscope fleet` prints, for the hosts
 * the hosts pane has (the --host one and the files in data/hosts), with the
 * guest in the editor as the guest CPU.
 *
 * Lines, top to bottom: the hosts (numbered), the vendor groups and, per
 * group, the best common model, what it gives up against each host's
 * host-model, the models libvirt refuses although QEMU runs them, the best
 * model without each host that holds the group back, the baseline; the
 * editor's guest: where it starts and between which hosts it migrates;
 * then the matrix, one row per model, one column per host (Left/Right
 * scroll the columns).  Enter on a line that names a model (a group's
 * best, a matrix row) puts it into the guest editor.  The report is made
 * again when the data, the hosts, the guest or the pane's width change.
 */
#include "hosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "err.h"
#include "fleet.h"
#include "session.h"
#include "text.h"

enum frow_kind { FR_TEXT, FR_MHEAD_VENDOR, FR_MHEAD_NUM, FR_MATRIX };

struct frow {
	enum frow_kind kind;
	char *s;        /* FR_TEXT */
	enum role role;
	size_t model;   /* the model the line names (Enter uses it), or FLEET_NONE */
};

/* The fleet pane's own state (v->private). */
struct fleet_ui {
	char *key;          /* what the report was made of */
	struct fleet *f;
	char *note;         /* why the guest in the editor is not in the report, or NULL */
	char *err;          /* why there is no report, or NULL */
	struct frow *rows;
	size_t nrows, cap;
	size_t namew, cellw, runw;
	size_t left;        /* the first host column shown (Left/Right) */
};

static struct fleet_ui *ui_of(struct app *a)
{
	return a->views[V_FLEET].private;
}

static void rows_reset(struct fleet_ui *u)
{
	for (size_t i = 0; i < u->nrows; i++)
		free(u->rows[i].s);
	free(u->rows);
	u->rows = NULL;
	u->nrows = u->cap = 0;
}

static struct frow *row_new(struct fleet_ui *u, enum frow_kind kind, enum role role, size_t model)
{
	if (u->nrows == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		u->rows = xrealloc(u->rows, u->cap * sizeof(*u->rows));
	}
	struct frow *r = &u->rows[u->nrows++];
	r->kind = kind;
	r->s = NULL;
	r->role = role;
	r->model = model;
	return r;
}

/* A text line, wrapped to width (continuations indented). */
static void text(struct fleet_ui *u, int width, int indent, enum role role, size_t model,
		 const char *s)
{
	struct tlines t = { 0 };

	tlines_add(&t, s, width, indent, role, 0);
	for (size_t i = 0; i < t.n; i++) {
		struct frow *r = row_new(u, FR_TEXT, role, model);
		r->s = t.v[i].s;
		t.v[i].s = NULL;
	}
	tlines_fini(&t);
}

static void textf(struct fleet_ui *u, int width, int indent, enum role role, size_t model,
		  const char *fmt, ...) ATTR_FORMAT(6, 7);
static void textf(struct fleet_ui *u, int width, int indent, enum role role, size_t model,
		  const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	text(u, width, indent, role, model, s);
	free(s);
}

static const char *mname(const struct fleet *f, size_t m)
{
	return m == FLEET_NONE ? "none" : f->models[m].mv.name;
}

static void level(struct strbuf *sb, const struct fleet *f, size_t m)
{
	if (m != FLEET_NONE && f->models[m].psabi >= 0)
		sb_addf(sb, " (x86-64-%s)", psabi_level_word(f->models[m].psabi));
}

/* Features in libvirt's spelling, in the map's order. */
static void lv_list(struct strbuf *sb, const struct cpu_map *map, const struct fset *s, size_t max)
{
	const char **names = xcalloc(fset_count(s) + 1, sizeof(*names));
	size_t n = 0;

	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *ft = map->features.v[i];
		if (fset_has(s, ft->id))
			names[n++] = feature_libvirt_name(ft);
	}
	sb_add_list(sb, names, n, max);
	free(names);
}

static void group_lines(struct fleet_ui *u, const struct fleet *f, const struct fleet_group *g,
			int w)
{
	struct strbuf sb = STRBUF_INIT;

	fleet_host_ranges(&sb, g->hosts, g->nhosts);
	textf(u, w, 2, R_HEADER, FLEET_NONE, "%s: %zu host%s (%s)",
	      g->vendor ? g->vendor : "no vendor", g->nhosts, g->nhosts == 1 ? "" : "s", sb_str(&sb));
	sb_reset(&sb);
	level(&sb, f, g->best);
	if (g->best == FLEET_NONE)
		text(u, w, 4, R_WARN, FLEET_NONE,
		     "  best common model: none (no model of libvirt's map runs on every host)");
	else
		textf(u, w, 4, R_GOOD, g->best, "  best common model: %s%s  (Enter: into the editor)",
		      mname(f, g->best), sb_str(&sb));
	for (size_t i = 0; i < g->refused.n; i++) {
		const struct fleet_refusal *r = g->refused.v[i];
		textf(u, w, 6, R_WARN, r->model, "  %s: QEMU runs it on every host, libvirt's compare "
		      "refuses it on %zu (first %zu: %s)", mname(f, r->model), r->nhosts, r->host + 1,
		      r->message);
	}
	if (g->best != FLEET_NONE) {
		text(u, w, 4, R_DEFAULT, FLEET_NONE, "  it gives up against each host's host-model:");
		for (size_t k = 0; k < g->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[g->hosts[k]];
			size_t n = fset_count(&fh->loss);
			sb_reset(&sb);
			lv_list(&sb, f->map, &fh->loss, 6);
			textf(u, w, 12, n ? R_LACKS : R_DIM, FLEET_NONE, "  %4zu  %3zu%s%s",
			      g->hosts[k] + 1, n, n ? ": " : "", sb_str(&sb));
		}
	}
	for (size_t k = 0; k < g->nhosts; k++) {
		const struct fleet_host *fh = &f->hosts[g->hosts[k]];
		if (fh->without_best != FLEET_NONE)
			textf(u, w, 6, R_DEFAULT, fh->without_best, "  without host %zu: %s",
			      g->hosts[k] + 1, mname(f, fh->without_best));
	}
	if (g->bl_err)
		textf(u, w, 6, R_WARN, FLEET_NONE, "  baseline (virsh cpu-baseline) fails: %s",
		      g->bl_err);
	else if (g->have_baseline)
		textf(u, w, 6, R_DEFAULT, FLEET_NONE, "  baseline (virsh cpu-baseline): %s with %zu "
		      "feature polic%s (the hosts pane, 6, loads it)",
		      g->bl.cpu->model ? g->bl.cpu->model : "?", g->bl.cpu->features.n,
		      g->bl.cpu->features.n == 1 ? "y" : "ies");
	sb_fini(&sb);
}

static void guest_lines(struct fleet_ui *u, struct app *a, const struct fleet *f, int w)
{
	struct strbuf sb = STRBUF_INIT;
	size_t *ok = xcalloc(f->nhosts + 1, sizeof(*ok)), n = 0;

	for (size_t i = 0; i < f->nhosts; i++)
		if (f->hosts[i].start == FLEET_START_YES)
			ok[n++] = i;
	fleet_host_ranges(&sb, ok, n);
	textf(u, w, 2, R_HEADER, FLEET_NONE, "The guest in the editor (%s): starts on %zu of %zu "
	      "hosts%s%s%s", a->guest->model ? a->guest->model : cpu_mode_name(a->guest->mode), n,
	      f->nhosts, n > 1 ? ", migrates between them (" : n == 1 ? " (" : "", sb_str(&sb),
	      n ? ")" : "");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		sb_reset(&sb);
		if (fh->start == FLEET_START_QEMU) {
			sb_add(&sb, "libvirt accepts it, QEMU lacks ");
			for (int id = fset_next(&fh->qemu_blockers, 0); id >= 0;
			     id = fset_next(&fh->qemu_blockers, (unsigned)id + 1))
				sb_addf(&sb, "%s%s", id == fset_next(&fh->qemu_blockers, 0) ? "" : ", ",
					ftable_get(f->ft, (unsigned)id)->name);
		} else if (fh->cmp.message) {
			sb_add(&sb, fh->cmp.message);
		}
		textf(u, w, 8, fh->start == FLEET_START_YES ? R_USABLE : R_BLOCKED, FLEET_NONE,
		      "  %4zu  %s %s%s%s", i + 1, glyph(fh->start == FLEET_START_YES ? G_USABLE : G_BLOCKED),
		      cmp_result_name(fh->cmp.result), sb.len ? ": " : "", sb_str(&sb));
	}
	free(ok);
	sb_fini(&sb);
}

static void build_rows(struct app *a, struct fleet_ui *u, int w)
{
	const struct fleet *f = u->f;
	struct strbuf sb = STRBUF_INIT;
	char num[32];

	rows_reset(u);
	if (u->err) {
		text(u, w, 2, R_WARN, FLEET_NONE, u->err);
		return;
	}
	textf(u, w, 2, R_DEFAULT, FLEET_NONE, "%zu hosts (the hosts pane's) x %zu models of %s on "
	      "%s%s", f->nhosts, f->nmodels, a->s->data_label, f->md->machine,
	      lv_label(a->s->libvirt));
	/* one line per host, cut at the pane's edge rather than wrapped */
	textf(u, 1 << 20, 0, R_DIM, FLEET_NONE, "  %4s  %-6s %-8s %-19s %4s  %s", "#", "VENDOR",
	      "FORM", "CPU", "RUNS", "FILE");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		const char *form = fh->h->kind == HOST_DOMCAPS ? "domcaps" :
				   fh->h->kind == HOST_CAPS ? "caps" : host_kind_name(fh->h->kind);
		textf(u, 1 << 20, 0, R_DEFAULT, FLEET_NONE, "  %4zu  %-6s %-8s %-19s %4zu  %s", i + 1,
		      fh->h->vendor ? fh->h->vendor : "-", form, fh->cpu_model ? fh->cpu_model : "-",
		      fh->nusable, fh->label);
	}
	text(u, w, 0, R_DEFAULT, FLEET_NONE, "");
	for (size_t g = 0; g < f->ngroups; g++) {
		const struct fleet_group *gr = &f->groups[g];
		sb_addf(&sb, "%s%s %zu (", g ? "; " : "", gr->vendor ? gr->vendor : "no vendor",
			gr->nhosts);
		fleet_host_ranges(&sb, gr->hosts, gr->nhosts);
		sb_add(&sb, ")");
	}
	textf(u, w, 4, R_DEFAULT, FLEET_NONE, "Vendor groups: %s", sb_str(&sb));
	if (f->ngroups > 1) {
		sb_reset(&sb);
		level(&sb, f, f->across_best);
		text(u, w, 2, R_DIM, FLEET_NONE, "A guest CPU model has one vendor and libvirt's "
		     "baseline refuses CPUs of different vendors (\"CPU vendors do not match\"): each "
		     "group has its own best model and baseline.");
		textf(u, w, 2, R_DEFAULT, f->across_best, "Across all groups: %s%s, the newest "
		      "vendor-neutral model every host runs", mname(f, f->across_best), sb_str(&sb));
	}
	for (size_t g = 0; g < f->ngroups; g++)
		group_lines(u, f, &f->groups[g], w);
	text(u, w, 0, R_DEFAULT, FLEET_NONE, "");
	if (f->have_guest)
		guest_lines(u, a, f, w);
	else if (u->note)
		text(u, w, 2, R_DIM, FLEET_NONE, u->note);
	text(u, w, 0, R_DEFAULT, FLEET_NONE, "");
	sb_reset(&sb);
	sb_addf(&sb, "Matrix: %s usable, N blocked by N features, ? unknown; Left/Right scroll the "
		"hosts", glyph(G_USABLE));
	text(u, w, 2, R_DEFAULT, FLEET_NONE, sb_str(&sb));
	/* column widths */
	u->namew = 5;
	for (size_t m = 0; m < f->nmodels; m++)
		if (utf8_width(f->models[m].mv.name) > u->namew)
			u->namew = utf8_width(f->models[m].mv.name);
	snprintf(num, sizeof(num), "%zu", f->nhosts);
	u->cellw = strlen(num) < 2 ? 2 : strlen(num);
	for (size_t i = 0; i < f->nhosts; i++)
		for (size_t m = 0; m < f->nmodels; m++) {
			snprintf(num, sizeof(num), "%zu", fleet_nblockers(f, i, m));
			if (strlen(num) > u->cellw)
				u->cellw = strlen(num);
		}
	snprintf(num, sizeof(num), "%zu/%zu", f->nhosts, f->nhosts);
	u->runw = strlen(num) < 4 ? 4 : strlen(num);
	row_new(u, FR_MHEAD_VENDOR, R_DIM, FLEET_NONE);
	row_new(u, FR_MHEAD_NUM, R_DIM, FLEET_NONE);
	for (size_t m = 0; m < f->nmodels; m++)
		row_new(u, FR_MATRIX, R_DEFAULT, m);
	sb_fini(&sb);
}

static int pane_width(struct app *a)
{
	int w = a->views[V_FLEET].last.w;

	return w > 0 ? w - 1 : 78;
}

/* The report for the hosts pane's hosts and the editor's guest, made
 * again when any of them (or the width) changed. */
static void rebuild(struct app *a, struct fleet_ui *u)
{
	char *xml, *key;
	int w = pane_width(a);
	const struct guest_cpu *g = a->guest;
	struct err e;

	app_hosts_build(a);
	xml = emit_guest_xml(g, a->ft, 0);
	key = xasprintf("%p %p %p %zu %d %s", (const void *)a->ds, (const void *)a->md,
			(const void *)a->host, hosts_state(a)->n, w, xml ? xml : "");
	free(xml);
	if (u->key && !strcmp(u->key, key)) {
		free(key);
		return;
	}
	free(u->key);
	u->key = key;
	fleet_free(u->f);
	u->f = NULL;
	free(u->err);
	u->err = NULL;
	free(u->note);
	u->note = NULL;
	if (a->ds->arch != ARCH_X86_64 || !a->map) {
		u->err = xstrdup(a->ds->arch != ARCH_X86_64 ?
				 "the fleet works on x86_64 hosts (libvirt keeps no s390x CPU map)" :
				 "no cpu_map: the fleet needs libvirt's cpu_map (--cpu-map DIR)");
		build_rows(a, u, w);
		return;
	}
	if (!hosts_state(a)->n) {
		u->err = xstrdup("no hosts: give --host FILE, or put host files into the data "
				 "directory's hosts/");
		build_rows(a, u, w);
		return;
	}
	const struct host **hs = xcalloc(hosts_state(a)->n, sizeof(*hs));
	const char **labels = xcalloc(hosts_state(a)->n, sizeof(*labels));
	for (size_t i = 0; i < hosts_state(a)->n; i++) {
		hs[i] = hosts_state(a)->rows[i].h;
		labels[i] = hosts_state(a)->rows[i].file;
	}
	bool use_guest = !(g->mode == MODE_CUSTOM && !g->model);
	if (!use_guest)
		u->note = xstrdup("The guest editor has no model yet: Enter on a model (here, or in the "
				  "list) puts it there, and this pane says where it starts.");
	struct fleet_input in = {
		.ds = a->ds, .md = a->md, .map = a->map, .lv = a->s->libvirt, .hosts = hs,
		.labels = labels, .nhosts = hosts_state(a)->n, .guest = use_guest ? g : NULL,
	};
	err_clear(&e);
	u->f = fleet_build(&in, &e);
	if (!u->f) {
		/* libvirt refuses the guest CPU itself: the report without it */
		char buf[1200];
		u->note = xasprintf("The guest in the editor: %s", err_str(&e, buf, sizeof(buf)));
		in.guest = NULL;
		u->f = fleet_build(&in, &e);
	}
	if (!u->f)
		u->err = xstrdup("no fleet report");
	free(hs);
	free(labels);
	build_rows(a, u, w);
}

static size_t fleet_rows(struct view *v, struct app *a)
{
	struct fleet_ui *u = v->private;

	rebuild(a, u);
	return u->nrows;
}

static void paint_matrix_row(struct view *v, struct fleet_ui *u, const struct frow *fr,
			     const struct rect *r, int y, bool sel, enum role base)
{
	const struct fleet *f = u->f;
	struct strbuf sb = STRBUF_INIT;
	char buf[64], fit[64];
	int x = r->x;

	(void)v;

	sb_add(&sb, "  ");
	if (fr->kind == FR_MATRIX) {
		const struct fleet_model *m = &f->models[fr->model];
		sb_add_padded(&sb, m->mv.name, u->namew + 1);
		x += paint_str(r, y, x, base, sb_str(&sb));
		snprintf(fit, sizeof(fit), "%zu/%zu", m->nrun, f->nhosts);
		snprintf(buf, sizeof(buf), "%*s", (int)u->runw, fit);
		x += paint_str(r, y, x, sel ? base : m->nrun == f->nhosts ? R_GOOD : R_DEFAULT, buf);
	} else {
		sb_add_padded(&sb, fr->kind == FR_MHEAD_NUM ? "MODEL" : "", u->namew + 1);
		snprintf(buf, sizeof(buf), "%*s", (int)u->runw, fr->kind == FR_MHEAD_NUM ? "RUNS" : "");
		sb_add(&sb, buf);
		x += paint_str(r, y, x, base, sb_str(&sb));
	}
	sb_fini(&sb);
	if (u->left >= f->nhosts)
		u->left = f->nhosts ? f->nhosts - 1 : 0;
	x += paint_str(r, y, x, R_DIM, u->left > 0 ? glyph(G_MORE_LEFT) : " ");
	for (size_t i = u->left; i < f->nhosts && x < r->x + r->w; i++) {
		enum role role = base;
		const char *cell;
		if (fr->kind == FR_MHEAD_VENDOR) {
			const char *vn = f->groups[f->hosts[i].group].vendor;
			snprintf(fit, sizeof(fit), "%c", vn ? vn[0] : '-');
			cell = fit;
		} else if (fr->kind == FR_MHEAD_NUM) {
			snprintf(fit, sizeof(fit), "%zu", i + 1);
			cell = fit;
		} else {
			enum usable uv = fleet_verdict(f, i, fr->model);
			if (uv == USABLE_YES) {
				cell = glyph(G_USABLE);
				role = sel ? base : R_USABLE;
			} else if (uv == USABLE_NO) {
				snprintf(fit, sizeof(fit), "%zu", fleet_nblockers(f, i, fr->model));
				cell = fit;
				role = sel ? base : R_BLOCKED;
			} else {
				cell = glyph(G_UNKNOWN);
				role = sel ? base : R_DIM;
			}
		}
		/* right-aligned in the cell (a glyph is one column) */
		int cw = (int)utf8_width(cell), pad = (int)u->cellw - cw + 1;
		snprintf(buf, sizeof(buf), "%*s", pad, "");
		x += paint_str(r, y, x, base, buf);
		x += paint_str(r, y, x, role, cell);
	}
}

static void fleet_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct fleet_ui *u = ui_of(a);
	struct rect b = { r->y + 1, r->x, r->h - 1, r->w };
	char title[256];

	rebuild(a, u);
	if (u->f)
		snprintf(title, sizeof(title), "Fleet: %zu hosts x %zu models, %zu vendor group%s",
			 u->f->nhosts, u->f->nmodels, u->f->ngroups, u->f->ngroups == 1 ? "" : "s");
	else
		snprintf(title, sizeof(title), "Fleet");
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	v->page_rows = b.h > 0 ? b.h : 1;
	v->body_y = b.y;
	if (v->sel >= u->nrows)
		v->sel = u->nrows ? u->nrows - 1 : 0;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)b.h)
		v->top = v->sel - (size_t)b.h + 1;
	for (int i = 0; i < b.h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= u->nrows)
			break;
		const struct frow *fr = &u->rows[row];
		bool sel = row == v->sel;
		enum role base = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : fr->role;
		if (sel)
			paint_fill_row(&b, b.y + i, b.x, base);
		if (fr->kind == FR_TEXT)
			paint_str(&b, b.y + i, b.x, base, fr->s);
		else
			paint_matrix_row(v, u, fr, &b, b.y + i, sel, base);
	}
	if (v->top > 0)
		paint_str(&b, b.y, b.x + b.w - 1, R_DIM, glyph(G_MORE_UP));
	if (v->top + (size_t)b.h < u->nrows)
		paint_str(&b, b.y + b.h - 1, b.x + b.w - 1, R_DIM, glyph(G_MORE_DOWN));
}

static unsigned fleet_action(struct view *v, struct app *a, enum action act)
{
	struct fleet_ui *u = ui_of(a);

	rebuild(a, u);
	switch (act) {
	case ACT_LEFT:
		if (u->left)
			u->left--;
		return RE_HANDLED | RE_REDRAW;
	case ACT_RIGHT:
		if (u->f && u->left + 1 < u->f->nhosts)
			u->left++;
		return RE_HANDLED | RE_REDRAW;
	case ACT_USE_MODEL: {
		const struct frow *fr = v->sel < u->nrows ? &u->rows[v->sel] : NULL;
		if (!fr || fr->model == FLEET_NONE || !u->f) {
			app_status(a, R_WARN, "Enter puts a model into the editor: on a group's best "
				   "model or a row of the matrix");
			return RE_HANDLED;
		}
		char *name = xstrdup(u->f->models[fr->model].mv.name);
		if (app_use_model(a, name))
			app_status(a, R_GOOD, "the guest editor has %s: the fleet pane says where it "
				   "starts", name);
		free(name);
		return RE_HANDLED | RE_REDRAW;
	}
	default:
		return 0;
	}
}

static bool fleet_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct fleet_ui *u = v->private;

	rebuild(a, u);
	if (row >= u->nrows)
		return false;
	if (u->rows[row].kind == FR_TEXT)
		return str_icontains(u->rows[row].s, needle);
	return u->rows[row].kind == FR_MATRIX &&
	       str_icontains(u->f->models[u->rows[row].model].mv.name, needle);
}

static void fleet_done(struct view *v, struct app *a)
{
	struct fleet_ui *u = v->private;

	(void)a;
	rows_reset(u);
	fleet_free(u->f);
	free(u->key);
	free(u->err);
	free(u->note);
}

const struct view_ops fleet_ops = {
	.name = "fleet",
	.title = "Fleet",
	.keymap = KM_FLEET,
	.help = "The hosts of the hosts pane (the --host one and every file in data/hosts) against "
		"every model, as `cpuscope fleet` reports them: the hosts, numbered; their vendor "
		"groups (a guest CPU model has one vendor, and libvirt's baseline refuses CPUs of "
		"different vendors); per group the best common model (the newest model of libvirt's "
		"map that QEMU runs on every host and libvirt's compare accepts), what it gives up "
		"against each host's host-model, the newer models libvirt refuses although QEMU runs "
		"them, the best model without a host that holds the group back, and the baseline; "
		"where the guest in the editor starts and between which hosts it migrates; then "
		"the matrix (a column per host: usable, or the number of blocking features). "
		"Left/Right scroll the columns; Enter on a group's best model or a matrix row puts "
		"that model into the editor.",
	.private_size = sizeof(struct fleet_ui),
	.done = fleet_done,
	.rows = fleet_rows,
	.draw = fleet_draw,
	.on_action = fleet_action,
	.match = fleet_match,
};
