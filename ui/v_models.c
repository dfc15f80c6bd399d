/* v_models.c - the models list: usable mark with the number of blockers,
 * pin, name, x86-64 psABI level, the versioned name an alias stands for,
 * vendor; filters; search. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custom_def.h"
#include "vendor.h"

/* The models list's own state (v->private). */
struct models_state {
	struct model_row *rows; /* every model of the machine type, by name */
	size_t n;
	size_t *shown; /* indices into rows after the filters */
	size_t nshown;
	int f_usable;  /* -1 all, 1 usable, 0 not usable */
	int f_vendor;  /* -1 all, 0 Intel, 1 AMD, 2 other */
	bool f_hide_deprecated;
	struct vec pinned; /* char *: model names */
};

static struct models_state *state(const struct app *a)
{
	return a->views[V_MODELS].private;
}

struct model_row *app_selected_model(struct app *a)
{
	struct models_state *st = state(a);
	struct view *v = &a->views[V_MODELS];

	if (!st->nshown)
		return NULL;
	if (v->sel >= st->nshown)
		v->sel = st->nshown - 1;
	return &st->rows[st->shown[v->sel]];
}

size_t app_models_count(const struct app *a)
{
	return state(a)->n;
}

const struct model_row *app_model_at(const struct app *a, size_t i)
{
	return i < state(a)->n ? &state(a)->rows[i] : NULL;
}

size_t app_models_usable(const struct app *a)
{
	const struct models_state *st = state(a);
	size_t n = 0;

	for (size_t i = 0; i < st->n; i++)
		n += st->rows[i].usable == USABLE_YES;
	return n;
}

const struct vec *app_pinned(const struct app *a)
{
	return &state(a)->pinned;
}

/* ---- models ------------------------------------------------------------ */

static int model_row_cmp(const void *pa, const void *pb)
{
	const struct model_row *ra = pa, *rb = pb;

	return model_name_cmp(ra->mv.name, rb->mv.name);
}

static void apply_filters(struct app *a)
{
	struct models_state *st = state(a);
	const char *keep = NULL;
	struct model_row *cur = app_selected_model(a);
	struct view *v = &a->views[V_MODELS];

	if (cur)
		keep = cur->mv.name;
	st->nshown = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct model_row *r = &st->rows[i];
		if (st->f_usable == 1 && r->usable != USABLE_YES)
			continue;
		if (st->f_usable == 0 && r->usable != USABLE_NO)
			continue;
		if (st->f_vendor >= 0 && r->vendor != st->f_vendor)
			continue;
		if (st->f_hide_deprecated && r->def->deprecated)
			continue;
		st->shown[st->nshown++] = i;
	}
	v->sel = 0;
	for (size_t i = 0; keep && i < st->nshown; i++)
		if (!strcmp(st->rows[st->shown[i]].mv.name, keep))
			v->sel = i;
	v->top = 0;
}

void app_models_build(struct app *a, const char *keep)
{
	struct models_state *st = state(a);
	struct fset blockers = FSET_INIT;
	const struct mdata *md = a->md;
	struct view *v = &a->views[V_MODELS];

	v->sel = v->top = 0;
	st->rows = xcalloc(md->defs.n + 1, sizeof(*st->rows));
	st->n = st->nshown = 0;
	for (size_t i = 0; i < md->defs.n; i++) {
		struct model_row *r = &st->rows[st->n++];
		r->def = vec_get(&md->defs, i);
		model_view_init(a->ds, md, r->def, &r->mv);
		r->usable = model_usable(&r->mv, a->host, &blockers);
		/* CPU features only: 'kvm' or a start failure is no feature
		 * (BLK shows "acc": the accelerator is what is missing) */
		r->nblockers = r->usable == USABLE_NO ? blockers_features(a->ft, &blockers) : 0;
		r->psabi = r->mv.full ? psabi_level(a->ft, &r->mv.full->on) : -1;
		r->vendor = !strcmp(vendor_name(r->mv.vendor), "Intel") ? 0 :
			    !strcmp(vendor_name(r->mv.vendor), "AMD") ? 1 : 2;
	}
	qsort(st->rows, st->n, sizeof(*st->rows), model_row_cmp);
	/* model_view points into itself (base_buf): re-init after moving */
	for (size_t i = 0; i < st->n; i++)
		model_view_init(a->ds, md, st->rows[i].def, &st->rows[i].mv);
	st->shown = xcalloc(st->n + 1, sizeof(*st->shown));
	fset_fini(&blockers);
	apply_filters(a);
	if (keep && keep[0])
		for (size_t i = 0; i < st->nshown; i++)
			if (!strcmp(st->rows[st->shown[i]].mv.name, keep))
				v->sel = i;
}

void app_models_show_all(struct app *a)
{
	struct models_state *st = state(a);

	st->f_usable = -1;
	st->f_vendor = -1;
	st->f_hide_deprecated = false;
	apply_filters(a);
}

bool app_select_model(struct app *a, const char *name)
{
	struct models_state *st = state(a);

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < st->nshown; i++) {
			if (!strcmp(st->rows[st->shown[i]].mv.name, name)) {
				a->views[V_MODELS].sel = i;
				app_handle_reaction(a, RE_MODEL);
				return true;
			}
		}
		/* not shown: clear the filters and try again */
		app_models_show_all(a);
	}
	return false;
}

/* ---- the view ---------------------------------------------------------- */

static void models_open(struct view *v, struct app *a)
{
	struct models_state *st = v->private;

	(void)a;
	st->f_usable = -1;
	st->f_vendor = -1;
}

static void models_drop(struct view *v, struct app *a)
{
	struct models_state *st = v->private;

	(void)a;
	free(st->rows);
	free(st->shown);
	st->rows = NULL;
	st->shown = NULL;
	st->n = st->nshown = 0;
}

static void models_done(struct view *v, struct app *a)
{
	struct models_state *st = v->private;

	models_drop(v, a);
	vec_fini(&st->pinned, free);
}

static void models_refresh(struct view *v, struct app *a, unsigned re)
{
	(void)v;
	if (re & RE_FILTER)
		apply_filters(a);
}

static size_t models_rows(struct view *v, struct app *a)
{
	(void)a;
	return ((const struct models_state *)v->private)->nshown;
}

static bool is_pinned(const struct app *a, const char *name)
{
	const struct vec *pinned = app_pinned(a);

	for (size_t i = 0; i < pinned->n; i++)
		if (!strcmp(pinned->v[i], name))
			return true;
	return false;
}

void app_toggle_pin(struct app *a)
{
	struct model_row *m = app_selected_model(a);
	struct vec *pinned = &state(a)->pinned;

	if (!m)
		return;
	for (size_t i = 0; i < pinned->n; i++) {
		if (!strcmp(pinned->v[i], m->mv.name)) {
			free(pinned->v[i]);
			memmove(&pinned->v[i], &pinned->v[i + 1], (pinned->n - i - 1) * sizeof(void *));
			pinned->n--;
			app_status(a, R_DEFAULT, "unpinned %s (%zu pinned)", m->mv.name, pinned->n);
			app_handle_reaction(a, RE_GRID);
			return;
		}
	}
	vec_push(pinned, xstrdup(m->mv.name));
	app_status(a, R_DEFAULT, "pinned %s (%zu pinned; in the grid, m until \"pinned models\" shows "
		   "them side by side)", m->mv.name, pinned->n);
	app_handle_reaction(a, RE_GRID);
}

static const char *level_str(int level)
{
	return level > 0 ? psabi_level_word(level) : level == 0 ? "-" : "";
}

static const char *vendor_word(int v)
{
	return v == 0 ? "Intel" : v == 1 ? "AMD" : "other";
}

static void models_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	const struct models_state *st = v->private;
	char title[160], filt[96] = "";
	int w = r->w;
	bool show_lvl = w >= 42, show_alias = w >= 50, show_vendor = w >= 60;
	int namew = w - 2 - 4 - (show_lvl ? 5 : 0);
	int alias_w = 0;

	if (show_alias) {
		namew = 26;
		alias_w = w - 2 - namew - 4 - 5 - (show_vendor ? 8 : 0) - 1;
	}
	if (namew < 4)
		namew = 4;
	if (st->f_usable >= 0 || st->f_vendor >= 0 || st->f_hide_deprecated)
		snprintf(filt, sizeof(filt), " [%s%s%s%s%s]",
			 st->f_usable == 1 ? "usable" : st->f_usable == 0 ? "not usable" : "",
			 st->f_usable >= 0 && st->f_vendor >= 0 ? ", " : "",
			 st->f_vendor >= 0 ? vendor_word(st->f_vendor) : "",
			 st->f_hide_deprecated && (st->f_usable >= 0 || st->f_vendor >= 0) ? ", " : "",
			 st->f_hide_deprecated ? "no deprecated" : "");
	snprintf(title, sizeof(title), "Models%s", filt);
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (st->nshown) {
		char pos[48];
		snprintf(pos, sizeof(pos), " %zu/%zu", v->sel + 1, st->nshown);
		if (str_width(title) + str_width(pos) < w)
			paint_str(r, r->y, r->x + w - str_width(pos), focused ? R_HEADER : R_DIM, pos);
	}

	/* column header */
	{
		char hdr[256];
		int x = r->x;
		paint_fill_row(r, r->y + 1, r->x, R_DIM);
		x += paint_str(r, r->y + 1, x, R_DIM, "  ");
		snprintf(hdr, sizeof(hdr), "%-*s", namew, "MODEL");
		x += paint_str(r, r->y + 1, x, R_DIM, hdr);
		if (show_lvl)
			x += paint_str(r, r->y + 1, x, R_DIM, "PSABI"); /* as `cpuscope models` */
		x += paint_str(r, r->y + 1, x, R_DIM, " BLK");
		if (show_alias) {
			snprintf(hdr, sizeof(hdr), " %-*s", alias_w, "IS");
			x += paint_str(r, r->y + 1, x, R_DIM, hdr);
		}
		if (show_vendor)
			paint_str(r, r->y + 1, x, R_DIM, " VENDOR");
	}
	struct rect body = { r->y + 2, r->x, r->h - 2, r->w };
	v->page_rows = body.h > 0 ? body.h : 1;
	v->body_y = body.y;
	view_clamp(v, a);
	if (!st->nshown) {
		paint_str(&body, body.y, body.x, R_DIM, "  (no model passes the filters; f, V, D)");
		return;
	}
	for (int i = 0; i < body.h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= st->nshown)
			break;
		const struct model_row *m = &st->rows[st->shown[row]];
		bool sel = row == v->sel;
		enum role base = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : R_DEFAULT;
		int y = body.y + i, x = body.x;
		char buf[512], fit[256];

		if (sel)
			paint_fill_row(&body, y, body.x, base);
		x += paint_str(&body, y, x, sel ? base : m->usable == USABLE_YES ? R_USABLE :
			       m->usable == USABLE_NO ? R_BLOCKED : R_DIM,
			       glyph(m->usable == USABLE_YES ? G_USABLE : m->usable == USABLE_NO ?
				     G_BLOCKED : G_UNKNOWN));
		x += paint_str(&body, y, x, sel ? base : R_POLICY,
			       is_pinned(a, m->mv.name) ? glyph(G_PIN) : " ");
		str_fit(m->mv.name, namew - 1, fit, sizeof(fit));
		snprintf(buf, sizeof(buf), "%s", fit);
		paint_str(&body, y, x, sel ? base : m->def->deprecated ? R_DIM : R_DEFAULT, buf);
		x += namew;
		if (show_lvl) {
			snprintf(buf, sizeof(buf), "%-5s", level_str(m->psabi));
			x += paint_str(&body, y, x, base, buf);
		}
		if (m->usable == USABLE_NO && m->nblockers)
			snprintf(buf, sizeof(buf), " %3zu", m->nblockers);
		else if (m->usable == USABLE_NO)
			snprintf(buf, sizeof(buf), " acc");
		else
			snprintf(buf, sizeof(buf), "    ");
		x += paint_str(&body, y, x, sel ? base : R_BLOCKED, buf);
		if (show_alias) {
			char is[160];
			if (m->mv.is_alias && strcmp(m->mv.resolved, m->mv.name))
				snprintf(is, sizeof(is), "%s", m->mv.resolved);
			else if (m->def->custom)
				snprintf(is, sizeof(is), "custom: %s", m->def->custom->base);
			else if (m->def->deprecated)
				snprintf(is, sizeof(is), "deprecated");
			else
				snprintf(is, sizeof(is), "%s", m->mv.version ? "" : "-");
			str_fit(is, alias_w, fit, sizeof(fit));
			snprintf(buf, sizeof(buf), " %-*s", alias_w, fit);
			x += paint_str(&body, y, x, sel ? base : R_DIM, buf);
		}
		if (show_vendor)
			paint_str(&body, y, x + 1, base, m->vendor == 2 && !m->mv.vendor[0] ? "-" :
				  vendor_word(m->vendor));
	}
}

static unsigned models_action(struct view *v, struct app *a, enum action act)
{
	struct models_state *st = v->private;
	struct model_row *m = app_selected_model(a);

	switch (act) {
	case ACT_USE_MODEL:
		if (!m)
			return RE_HANDLED;
		if (!app_use_model(a, m->mv.name))
			return RE_HANDLED; /* the status says why */
		app_status(a, R_GOOD, "the guest editor (3) now uses %s; Space there cycles a feature's "
			   "policy", m->mv.name);
		return RE_HANDLED | RE_GUEST;
	case ACT_FILTER_USABLE:
		st->f_usable = st->f_usable < 0 ? 1 : st->f_usable == 1 ? 0 : -1;
		app_status(a, R_DEFAULT, "showing %s models", st->f_usable < 0 ? "all" :
			   st->f_usable ? "usable" : "not usable");
		return RE_HANDLED | RE_FILTER;
	case ACT_FILTER_VENDOR:
		st->f_vendor = st->f_vendor < 2 ? st->f_vendor + 1 : -1;
		app_status(a, R_DEFAULT, "vendor: %s", st->f_vendor < 0 ? "all" : vendor_word(st->f_vendor));
		return RE_HANDLED | RE_FILTER;
	case ACT_FILTER_DEPRECATED:
		st->f_hide_deprecated = !st->f_hide_deprecated;
		app_status(a, R_DEFAULT, "deprecated models %s", st->f_hide_deprecated ? "hidden" : "shown");
		return RE_HANDLED | RE_FILTER;
	case ACT_PIN:
		app_toggle_pin(a);
		return RE_HANDLED;
	default:
		return 0;
	}
}

static bool models_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	const struct models_state *st = v->private;
	const struct model_row *m = &st->rows[st->shown[row]];

	(void)a;
	return str_icontains(m->mv.name, needle);
}

static unsigned models_select(struct view *v, struct app *a)
{
	(void)v;
	(void)a;
	return RE_MODEL;
}

const struct view_ops models_ops = {
	.name = "models",
	.title = "Models",
	.keymap = KM_MODELS,
	.help = "Every CPU model this QEMU defines on the machine type. The mark says whether the "
		"host can run it (with the number of features it lacks in BLK); PSABI is the x86-64 "
		"psABI level its features reach (v1..v4); IS names the versioned model an alias stands for "
		"(Haswell is Haswell-v1 here). The selected model drives the grid and the explain "
		"pane; Enter puts it into the guest editor; + pins it for the side-by-side grid.",
	.private_size = sizeof(struct models_state),
	.open = models_open,
	.done = models_done,
	.drop = models_drop,
	.refresh = models_refresh,
	.rows = models_rows,
	.draw = models_draw,
	.on_action = models_action,
	.match = models_match,
	.on_select = models_select,
};
