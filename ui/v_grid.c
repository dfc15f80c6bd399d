/* v_grid.c - the feature grid: rows are features (grouped), columns the
 * selected model's versions, the model across machine types, pinned
 * models, or hosts.  Sticky header rows and feature column; h/l scroll the
 * columns.  Every cell state has a glyph and a colour. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define COL_MAX 12

/* The grid's own state (v->private). */
struct grid_state {
	enum grid_kind kind;
	bool only_diff, only_lacks;
	struct grid *grid; /* NULL: err says why */
	char err[512];
	size_t left;       /* the first column shown */
	size_t col;        /* the selected column */
};

static struct grid_state *state(const struct app *a)
{
	return a->views[V_GRID].private;
}

const struct grid *app_grid(const struct app *a)
{
	return state(a)->grid;
}

static void rebuild(struct view *v, struct app *a)
{
	struct grid_state *st = v->private;
	struct model_row *m = app_selected_model(a);
	struct err e;
	struct grid *g = NULL;

	grid_free(st->grid);
	st->grid = NULL;
	st->err[0] = '\0';
	if (!m) {
		snprintf(st->err, sizeof(st->err), "no model selected (the filters hide them all)");
		return;
	}
	err_clear(&e);
	switch (st->kind) {
	case GRID_VERSIONS:
		g = grid_build_versions(a->ds, a->md, m->mv.name, a->host, &e);
		break;
	case GRID_MACHINES:
		g = grid_build_machines(a->ds, NULL, 0, m->mv.name, a->host, &e);
		break;
	case GRID_MODELS: {
		const struct vec *pinned = app_pinned(a);
		const char **names = xcalloc(pinned->n + 2, sizeof(*names));
		size_t n = 0;
		bool have = false;
		for (size_t i = 0; i < pinned->n; i++) {
			names[n++] = pinned->v[i];
			have |= !strcmp(pinned->v[i], m->mv.name);
		}
		if (!have)
			names[n++] = m->mv.name;
		g = grid_build_models(a->ds, a->md, names, n, a->host, &e);
		free(names);
		break;
	}
	case GRID_QEMU:
		g = app_grid_qemu(a, m->mv.name, &e); /* ui/v_upgrade.c */
		break;
	case GRID_HOSTS: {
		const struct host **hs;
		const char **labels;
		size_t n = 0;
		const char *name = m->mv.name;
		app_load_extra_hosts(a);
		hs = xcalloc(a->extra_hosts.n + 2, sizeof(*hs));
		labels = xcalloc(a->extra_hosts.n + 2, sizeof(*labels));
		if (a->host && a->host->resolved) {
			hs[n] = a->host;
			labels[n++] = "this host";
		}
		for (size_t i = 0; i < a->extra_hosts.n; i++) {
			hs[n] = a->extra_hosts.v[i];
			labels[n++] = a->extra_labels.v[i];
		}
		g = grid_build_models(a->ds, a->md, &name, 1, a->host, &e);
		if (g) {
			grid_add_hosts(g, hs, labels, n);
			free(g->title);
			g->title = xasprintf("%s against %zu hosts", name, n);
		}
		free(hs);
		free(labels);
		break;
	}
	}
	if (!g) {
		char buf[1200];
		snprintf(st->err, sizeof(st->err), "%s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	grid_finish(g, st->only_diff);
	if (st->only_lacks)
		grid_keep_host_lacks(g);
	st->grid = g;
	view_clamp(v, a);
}

/* ---- the view ---------------------------------------------------------- */

static void grid_open(struct view *v, struct app *a)
{
	struct grid_state *st = v->private;

	(void)a;
	st->kind = GRID_VERSIONS;
}

static void grid_drop(struct view *v, struct app *a)
{
	struct grid_state *st = v->private;

	(void)a;
	grid_free(st->grid);
	st->grid = NULL;
}

static void grid_refresh(struct view *v, struct app *a, unsigned re)
{
	if (re & (RE_MODEL | RE_GRID))
		rebuild(v, a);
}

/* Show the columns of kind k, with the row filters given (the tour). */
void app_grid_show(struct app *a, enum grid_kind k, bool only_diff, bool only_lacks)
{
	struct grid_state *st = state(a);

	st->kind = k;
	st->only_diff = only_diff;
	st->only_lacks = only_lacks;
	app_handle_reaction(a, RE_GRID);
}

static size_t grid_rows(struct view *v, struct app *a)
{
	const struct grid_state *st = v->private;

	(void)a;
	return st->grid ? st->grid->nrows : 0;
}

/* Short column titles: versions as "v4", machine types without "pc-",
 * host files without ".xml" (uncut: col_head() makes it fit). */
static void col_title(const struct grid *g, size_t c, char *buf, size_t size)
{
	const char *t = g->cols[c].title;

	if (g->kind == GRID_VERSIONS && model_version_of(t, NULL, 0) > 0) {
		snprintf(buf, size, "v%d", model_version_of(t, NULL, 0));
	} else if (g->kind == GRID_MACHINES && str_startswith(t, "pc-")) {
		snprintf(buf, size, "%s", t + 3);
	} else if (str_endswith(t, ".xml") || str_endswith(t, ".json")) {
		snprintf(buf, size, "%.*s", (int)(strrchr(t, '.') - t), t);
	} else {
		snprintf(buf, size, "%s", t);
	}
}

/* The second header line: QEMU-version columns show their machine type
 * ("q35-10.0"); the footer names the resolved model. */
static const char *col_sub(const struct grid *g, size_t c, char *buf, size_t size)
{
	const char *s = g->cols[c].sub, *colon;
	char tmp[160];

	if (s && g->kind == GRID_QEMU && (colon = strchr(s, ':'))) {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(colon - s), s);
		s = str_startswith(tmp, "pc-") ? tmp + 3 : tmp;
	}
	return s ? str_fit(s, COL_MAX, buf, size) : NULL;
}

static bool show_sub(const struct grid *g)
{
	if (g->kind == GRID_VERSIONS)
		return false;
	for (size_t c = 0; c < g->ncols; c++)
		if (g->cols[c].sub)
			return true;
	return false;
}

/* A column's header: its title on one line, or on two split at a '-'
 * (kept at the end of the first) or a space, whichever makes the longer
 * line shortest; below it the versioned name it stands for, as "v4" when
 * that is the column's model (or, across machine types, the grid's) with
 * a version.  Each line fits COL_MAX; the bottom line names the selected
 * column in full. */
struct col_head {
	char l1[128], l2[128], sub[128];
	int w; /* the column's width, with the gap after it */
};

static void col_head(const struct grid *g, size_t c, struct col_head *h)
{
	const struct grid_col *col = &g->cols[c];
	char t[160], fit[128];
	size_t n, best = 0;
	int bestw = 0;

	col_title(g, c, t, sizeof(t));
	n = strlen(t);
	h->l2[0] = h->sub[0] = '\0';
	if (str_width(t) > 7) {
		bestw = str_width(t);
		for (size_t i = 1; i + 1 < n; i++) {
			if (t[i] != '-' && t[i] != ' ')
				continue;
			char first[160];
			size_t k = t[i] == '-' ? i + 1 : i;
			snprintf(first, sizeof(first), "%.*s", (int)k, t);
			int w1 = str_width(first), w2 = str_width(t + i + 1);
			int w = w1 > w2 ? w1 : w2;
			if (w < bestw) {
				bestw = w;
				best = i;
			}
		}
	}
	if (best) {
		size_t k = t[best] == '-' ? best + 1 : best;
		snprintf(h->l2, sizeof(h->l2), "%s", str_fit(t + best + 1, COL_MAX, fit, sizeof(fit)));
		t[k] = '\0';
	}
	snprintf(h->l1, sizeof(h->l1), "%s", str_fit(t, COL_MAX, fit, sizeof(fit)));
	if (col->sub && show_sub(g)) {
		const char *s = col->sub, *dv = strrchr(s, '-');
		int ver = model_version_of(s, NULL, 0);
		bool same = dv && (g->kind == GRID_MACHINES || (strlen(col->title) == (size_t)(dv - s) &&
								  !strncmp(col->title, s, (size_t)(dv - s))));
		if (g->kind == GRID_QEMU)
			snprintf(h->sub, sizeof(h->sub), "%s", col_sub(g, c, fit, sizeof(fit)));
		else if (ver > 0 && same)
			snprintf(h->sub, sizeof(h->sub), "v%d", ver);
		else
			snprintf(h->sub, sizeof(h->sub), "%s", str_fit(s, COL_MAX, fit, sizeof(fit)));
	}
	h->w = str_width(h->l1);
	if (str_width(h->l2) > h->w)
		h->w = str_width(h->l2);
	if (str_width(h->sub) > h->w)
		h->w = str_width(h->sub);
	h->w = (h->w < 3 ? 3 : h->w) + 1;
}

static int col_width(const struct grid *g, size_t c)
{
	struct col_head h;

	col_head(g, c, &h);
	return h.w;
}

/* Any title on two lines (the header then has a row more for all). */
static bool two_lines(const struct grid *g)
{
	struct col_head h;

	for (size_t c = 0; c < g->ncols; c++) {
		col_head(g, c, &h);
		if (h.l2[0])
			return true;
	}
	return false;
}

static const char *kind_word(enum grid_kind k)
{
	switch (k) {
	case GRID_VERSIONS: return "versions";
	case GRID_MACHINES: return "machine types";
	case GRID_MODELS: return "pinned models";
	case GRID_QEMU: return "QEMU versions";
	default: return "hosts";
	}
}

static void grid_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct grid_state *st = v->private;
	const struct grid *g = st->grid;
	char title[600], buf[256];
	int namew = 8;

	snprintf(title, sizeof(title), "Grid: %s%s%s", g ? g->title : kind_word(st->kind),
		 st->only_diff ? " [differences]" : "", st->only_lacks ? " [host lacks]" : "");
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (!g) {
		struct rect b = { r->y + 1, r->x, r->h - 1, r->w };
		paint_str(&b, b.y, b.x, R_ERROR, st->err[0] ? st->err : "no grid");
		v->page_rows = 1;
		return;
	}
	bool has_sub = show_sub(g), two = two_lines(g);
	for (size_t i = 0; i < g->nrows; i++) {
		int w = str_width(ftable_get(g->ft, g->rows[i])->name);
		if (w > namew)
			namew = w;
	}
	if (namew > 20)
		namew = 20;
	if (namew > r->w / 2)
		namew = r->w / 2;
	int labelw = 2 + namew + 1;
	int hdr_rows = 1 + two + has_sub;
	struct rect body = { r->y + 1 + hdr_rows, r->x, r->h - 3 - hdr_rows, r->w };
	/* QEMU versions: what each version changes, under the table (a third
	 * of it at most; `cpuscope grid MODEL --qemu` prints them all) */
	struct tlines notes = { 0 };
	int nnotes = 0;
	if (g->kind == GRID_QEMU) {
		const struct vec *nv = app_grid_notes(a);
		for (size_t i = 0; i < nv->n; i++) {
			char *s = xasprintf("- %s", (const char *)nv->v[i]);
			tlines_add(&notes, s, r->w - 1, 2, R_DIM, i);
			free(s);
		}
		nnotes = (int)notes.n < body.h / 3 ? (int)notes.n : body.h / 3;
		if (nnotes > 0)
			body.h -= nnotes + 1;
	}
	v->page_rows = body.h > 0 ? body.h : 1;
	v->body_y = body.y;
	if (g->ncols && st->col >= g->ncols)
		st->col = g->ncols - 1;
	if (st->left > st->col)
		st->left = st->col;
	view_clamp(v, a);

	/* which columns fit; scroll so that the selected one does */
	size_t last;
	for (;;) {
		int x = r->x + labelw;
		last = st->left;
		while (last < g->ncols && x + col_width(g, last) <= r->x + r->w) {
			x += col_width(g, last);
			last++;
		}
		if (st->col < last || st->left >= st->col)
			break;
		st->left++;
	}
	/* where the columns shown are, when they are not all */
	if (last - st->left < g->ncols) {
		char where[96];
		snprintf(where, sizeof(where), " columns %zu-%zu of %zu ", st->left + 1, last, g->ncols);
		if (str_width(title) + str_width(where) < r->w)
			paint_str(r, r->y, r->x + r->w - str_width(where), focused ? R_HEADER : R_DIM,
				  where);
	}
	/* header rows (sticky) */
	{
		int hx = r->x;
		for (int i = 1; i <= hdr_rows; i++)
			paint_fill_row(r, r->y + i, r->x, R_DIM);
		snprintf(buf, sizeof(buf), "P %-*s", namew, "FEATURE");
		paint_str(r, r->y + 1, hx, R_DIM, buf);
		hx = r->x + labelw;
		for (size_t c = st->left; c < last; c++) {
			struct col_head h;
			enum role role = c == st->col && focused ? R_SEL_FOCUS : R_HEADER;
			col_head(g, c, &h);
			paint_str(r, r->y + 1, hx, role, h.l1);
			if (h.l2[0])
				paint_str(r, r->y + 2, hx, role, h.l2);
			if (h.sub[0])
				paint_str(r, r->y + 1 + hdr_rows - 1, hx, R_DIM, h.sub);
			hx += h.w;
		}
		if (st->left > 0)
			paint_str(r, r->y + 1, r->x + labelw - 1, R_DIM, glyph(G_MORE_LEFT));
		if (last < g->ncols)
			paint_str(r, r->y + 1, r->x + r->w - 1, R_DIM, glyph(G_MORE_RIGHT));
	}
	if (!g->nrows) {
		paint_str(&body, body.y, body.x, R_DIM,
			  st->only_lacks ? "(nothing here that the host lacks; x shows all rows)" :
			  st->only_diff ? "(the columns agree on every feature; d shows all rows)" :
			  "(no features)");
	}
	for (int i = 0; i < body.h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= g->nrows)
			break;
		const struct feature *f = ftable_get(g->ft, g->rows[row]);
		bool sel = row == v->sel;
		enum policy p = app_policy_of(a, f);
		int y = body.y + i;
		enum role lrole = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : R_DEFAULT;
		char fit[128];

		/* a group's first row shows the group name on the right of the label when there is room */
		paint_str(&body, y, body.x, sel ? lrole : R_POLICY, policy_letter(p));
		paint_str(&body, y, body.x + 1, lrole, " ");
		snprintf(buf, sizeof(buf), "%-*s ", namew, str_fit(f->name, namew, fit, sizeof(fit)));
		paint_str(&body, y, body.x + 2, sel ? lrole : g->row_differs[row] ? R_DEFAULT : R_DIM, buf);
		int cx = body.x + labelw;
		for (size_t c = st->left; c < last; c++) {
			enum cell cell = grid_cell(g, row, c);
			enum glyph gl = cell == CELL_PRESENT ? G_PRESENT : cell == CELL_ABSENT ? G_ABSENT :
					cell == CELL_HOST_LACKS ? G_LACKS : G_NA;
			enum role role = cell == CELL_PRESENT ? R_PRESENT : cell == CELL_ABSENT ? R_ABSENT :
					 cell == CELL_HOST_LACKS ? R_LACKS : R_DEFAULT;
			paint_str(&body, y, cx + 1, role, glyph(gl));
			if (grid_cell_changed(g, row, c))
				paint_str(&body, y, cx + 2, R_CHANGED, glyph(G_CHANGED));
			cx += col_width(g, c);
		}
	}
	if (nnotes > 0) {
		struct rect nb = { body.y + body.h, r->x, nnotes + 1, r->w };
		paint_fill_row(&nb, nb.y, nb.x, R_DIM);
		snprintf(buf, sizeof(buf), "What changes between the versions (%zu call-outs%s):",
			 app_grid_notes(a)->n, (size_t)nnotes < notes.n ? "; cpuscope grid --qemu lists all" : "");
		paint_str(&nb, nb.y, nb.x, R_HEADER, buf);
		for (int i = 0; i < nnotes; i++)
			paint_str(&nb, nb.y + 1 + i, nb.x, notes.v[i].role, notes.v[i].s);
	}
	tlines_fini(&notes);
	if (v->top > 0)
		paint_str(&body, body.y, body.x + labelw - 1, R_DIM, glyph(G_MORE_UP));
	if (v->top + (size_t)body.h < g->nrows)
		paint_str(&body, body.y + body.h - 1, body.x + labelw - 1, R_DIM, glyph(G_MORE_DOWN));

	/* footer: the selected feature, and the selected column */
	{
		struct rect foot = { r->y + r->h - 2, r->x, 2, r->w };
		paint_fill_row(&foot, foot.y, foot.x, R_DIM);
		paint_fill_row(&foot, foot.y + 1, foot.x, R_DIM);
		if (g->nrows) {
			const struct feature *f = ftable_get(g->ft, g->rows[v->sel]);
			char loc[64];
			enum policy p = app_policy_of(a, f);
			/* the row's QEMU name, and libvirt's when it differs */
			char lv[96] = "";
			if (!f->libvirt)
				snprintf(lv, sizeof(lv), " (not in libvirt)");
			else if (strcmp(f->libvirt, f->name))
				snprintf(lv, sizeof(lv), " (libvirt %s)", f->libvirt);
			snprintf(buf, sizeof(buf), "%s%s [%s] %s %s%s%s%s", f->name, lv, f->group,
				 feature_location(f, loc, sizeof(loc)), f->desc ? f->desc : "",
				 p != POLICY_NONE ? " (policy " : "", p != POLICY_NONE ? policy_name(p) : "",
				 p != POLICY_NONE ? ")" : "");
			paint_str(&foot, foot.y, foot.x, R_DIM, buf);
		} else {
			snprintf(buf, sizeof(buf), "%zu columns, %zu features differ", g->ncols, g->ndiffer);
			paint_str(&foot, foot.y, foot.x, R_DIM, buf);
		}
		if (g->ncols) {
			const struct grid_col *col = &g->cols[st->col];
			/* its full name first, where the pane is narrow */
			char view[64] = "";
			if (last - st->left < g->ncols)
				snprintf(view, sizeof(view), "; %zu-%zu in view", st->left + 1, last);
			snprintf(buf, sizeof(buf), "column %zu/%zu: %s%s%s%s%s", st->col + 1, g->ncols,
				 col->title, col->sub ? " (" : "", col->sub ? col->sub : "",
				 col->sub ? ")" : "", view);
			paint_str(&foot, foot.y + 1, foot.x, R_DIM, buf);
		}
	}
}

static unsigned grid_action(struct view *v, struct app *a, enum action act)
{
	struct grid_state *st = v->private;
	const struct grid *g = st->grid;

	switch (act) {
	case ACT_LEFT:
		if (st->col)
			st->col--;
		return RE_HANDLED | RE_REDRAW;
	case ACT_RIGHT:
		if (g && st->col + 1 < g->ncols)
			st->col++;
		return RE_HANDLED | RE_REDRAW;
	case ACT_GRID_MODE:
		st->kind = st->kind == GRID_VERSIONS ? GRID_MACHINES :
			   st->kind == GRID_MACHINES ? GRID_MODELS :
			   st->kind == GRID_MODELS ? GRID_HOSTS :
			   st->kind == GRID_HOSTS ? GRID_QEMU : GRID_VERSIONS;
		st->left = st->col = 0;
		app_status(a, R_DEFAULT, "columns: %s", kind_word(st->kind));
		return RE_HANDLED | RE_GRID;
	case ACT_ONLY_DIFF:
		st->only_diff = !st->only_diff;
		app_status(a, R_DEFAULT, "%s", st->only_diff ? "only rows where the columns differ" :
			   "all rows");
		return RE_HANDLED | RE_GRID;
	case ACT_ONLY_LACKS:
		st->only_lacks = !st->only_lacks;
		app_status(a, R_DEFAULT, "%s", st->only_lacks ? "only features the host lacks" :
			   "all rows");
		return RE_HANDLED | RE_GRID;
	case ACT_POLICY:
	case ACT_POLICY_CLEAR:
		if (!g || !g->nrows)
			return RE_HANDLED;
		if (!a->guest->model && a->guest->mode == MODE_CUSTOM) {
			struct model_row *m = app_selected_model(a);
			if (m)
				app_use_model(a, m->mv.name);
		}
		app_cycle_policy(a, ftable_get(g->ft, g->rows[v->sel]), act == ACT_POLICY_CLEAR);
		return RE_HANDLED | RE_GUEST;
	case ACT_PIN:
		app_toggle_pin(a);
		return RE_HANDLED;
	default:
		return 0;
	}
}

static bool grid_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	const struct grid *g = ((const struct grid_state *)v->private)->grid;
	const struct feature *f = ftable_get(g->ft, g->rows[row]);

	(void)a;

	return str_icontains(f->name, needle) || (f->libvirt && str_icontains(f->libvirt, needle)) ||
	       str_icontains(f->group, needle);
}

const struct view_ops grid_ops = {
	.name = "grid",
	.title = "Feature grid",
	.keymap = KM_GRID,
	.help = "One row per CPU feature (sorted by group: base, SSE, AVX, AVX-512, TSX, "
		"speculation controls, VMX, ...), one column per version of the selected model, per "
		"machine type, per pinned model, per host, or per QEMU version (the bundled snapshots, "
		"on the family of the machine type in use, with what each version changes listed "
		"under the grid; m switches). A cell shows whether the "
		"column has the feature: + present, - absent, ! present but the host lacks it; * marks "
		"a change from the column to the left. Rows use QEMU's feature names; the bottom line "
		"gives libvirt's where it differs. The P column shows the guest's policy for the "
		"feature (Space cycles it). d keeps only rows that differ, x only what the host lacks. "
		"The bottom line describes the selected feature and names the selected column in full "
		"(long titles are split onto two lines, a version shown as v4); h/l move between the "
		"columns, the title row and the bottom line say which are in view, and w narrows or "
		"hides the models list to make room for more.",
	.private_size = sizeof(struct grid_state),
	.open = grid_open,
	.done = grid_drop,
	.drop = grid_drop,
	.refresh = grid_refresh,
	.rows = grid_rows,
	.draw = grid_draw,
	.on_action = grid_action,
	.match = grid_match,
};
