/* v_models.c - the models list: usable mark with the number of blockers,
 * pin, name, x86-64 psABI level, the versioned name an alias stands for,
 * vendor; filters; search. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custom_def.h"
#include "vendor.h"

struct model_row *app_selected_model(struct app *a)
{
	struct view *v = &a->views[V_MODELS];

	if (!a->nshown)
		return NULL;
	if (v->sel >= a->nshown)
		v->sel = a->nshown - 1;
	return &a->models[a->shown[v->sel]];
}

/* ---- models ------------------------------------------------------------ */

static int model_row_cmp(const void *pa, const void *pb)
{
	const struct model_row *ra = pa, *rb = pb;

	return model_name_cmp(ra->mv.name, rb->mv.name);
}

void app_build_models(struct app *a)
{
	struct fset blockers = FSET_INIT;
	const struct mdata *md = a->md;

	a->models = xcalloc(md->defs.n + 1, sizeof(*a->models));
	a->nmodels = 0;
	for (size_t i = 0; i < md->defs.n; i++) {
		struct model_row *r = &a->models[a->nmodels++];
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
	qsort(a->models, a->nmodels, sizeof(*a->models), model_row_cmp);
	/* model_view points into itself (base_buf): re-init after moving */
	for (size_t i = 0; i < a->nmodels; i++)
		model_view_init(a->ds, md, a->models[i].def, &a->models[i].mv);
	a->shown = xcalloc(a->nmodels + 1, sizeof(*a->shown));
	fset_fini(&blockers);
}

void app_apply_filters(struct app *a)
{
	const char *keep = NULL;
	struct model_row *cur = app_selected_model(a);
	struct view *v = &a->views[V_MODELS];

	if (cur)
		keep = cur->mv.name;
	a->nshown = 0;
	for (size_t i = 0; i < a->nmodels; i++) {
		const struct model_row *r = &a->models[i];
		if (a->f_usable == 1 && r->usable != USABLE_YES)
			continue;
		if (a->f_usable == 0 && r->usable != USABLE_NO)
			continue;
		if (a->f_vendor >= 0 && r->vendor != a->f_vendor)
			continue;
		if (a->f_hide_deprecated && r->def->deprecated)
			continue;
		a->shown[a->nshown++] = i;
	}
	v->sel = 0;
	for (size_t i = 0; keep && i < a->nshown; i++)
		if (!strcmp(a->models[a->shown[i]].mv.name, keep))
			v->sel = i;
	v->top = 0;
}

bool app_select_model(struct app *a, const char *name)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < a->nshown; i++) {
			if (!strcmp(a->models[a->shown[i]].mv.name, name)) {
				a->views[V_MODELS].sel = i;
				app_handle_reaction(a, RE_MODEL);
				return true;
			}
		}
		/* not shown: clear the filters and try again */
		a->f_usable = -1;
		a->f_vendor = -1;
		a->f_hide_deprecated = false;
		app_apply_filters(a);
	}
	return false;
}

/* ---- the view ---------------------------------------------------------- */

static size_t models_rows(struct app *a)
{
	return a->nshown;
}

static bool is_pinned(const struct app *a, const char *name)
{
	for (size_t i = 0; i < a->pinned.n; i++)
		if (!strcmp(a->pinned.v[i], name))
			return true;
	return false;
}

void app_toggle_pin(struct app *a)
{
	struct model_row *m = app_selected_model(a);

	if (!m)
		return;
	for (size_t i = 0; i < a->pinned.n; i++) {
		if (!strcmp(a->pinned.v[i], m->mv.name)) {
			free(a->pinned.v[i]);
			memmove(&a->pinned.v[i], &a->pinned.v[i + 1], (a->pinned.n - i - 1) * sizeof(void *));
			a->pinned.n--;
			app_status(a, R_DEFAULT, "unpinned %s (%zu pinned)", m->mv.name, a->pinned.n);
			app_handle_reaction(a, RE_GRID);
			return;
		}
	}
	vec_push(&a->pinned, xstrdup(m->mv.name));
	app_status(a, R_DEFAULT, "pinned %s (%zu pinned; in the grid, m until \"pinned models\" shows "
		   "them side by side)", m->mv.name, a->pinned.n);
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
	char title[160], filt[96] = "";
	int w = r->w;
	bool show_lvl = w >= 40, show_alias = w >= 48, show_vendor = w >= 58;
	int namew = w - 2 - 4 - (show_lvl ? 3 : 0);
	int alias_w = 0;

	if (show_alias) {
		namew = 26;
		alias_w = w - 2 - namew - 4 - 3 - (show_vendor ? 8 : 0) - 1;
	}
	if (namew < 4)
		namew = 4;
	if (a->f_usable >= 0 || a->f_vendor >= 0 || a->f_hide_deprecated)
		snprintf(filt, sizeof(filt), " [%s%s%s%s%s]",
			 a->f_usable == 1 ? "usable" : a->f_usable == 0 ? "not usable" : "",
			 a->f_usable >= 0 && a->f_vendor >= 0 ? ", " : "",
			 a->f_vendor >= 0 ? vendor_word(a->f_vendor) : "",
			 a->f_hide_deprecated && (a->f_usable >= 0 || a->f_vendor >= 0) ? ", " : "",
			 a->f_hide_deprecated ? "no deprecated" : "");
	snprintf(title, sizeof(title), "Models%s", filt);
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (a->nshown) {
		char pos[48];
		snprintf(pos, sizeof(pos), " %zu/%zu", v->sel + 1, a->nshown);
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
			x += paint_str(r, r->y + 1, x, R_DIM, "ABI");
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
	if (!a->nshown) {
		paint_str(&body, body.y, body.x, R_DIM, "  (no model passes the filters; f, V, D)");
		return;
	}
	for (int i = 0; i < body.h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= a->nshown)
			break;
		const struct model_row *m = &a->models[a->shown[row]];
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
			snprintf(buf, sizeof(buf), "%-3s", level_str(m->psabi));
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
	struct model_row *m = app_selected_model(a);

	(void)v;
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
		a->f_usable = a->f_usable < 0 ? 1 : a->f_usable == 1 ? 0 : -1;
		app_status(a, R_DEFAULT, "showing %s models", a->f_usable < 0 ? "all" :
			   a->f_usable ? "usable" : "not usable");
		return RE_HANDLED | RE_FILTER;
	case ACT_FILTER_VENDOR:
		a->f_vendor = a->f_vendor < 2 ? a->f_vendor + 1 : -1;
		app_status(a, R_DEFAULT, "vendor: %s", a->f_vendor < 0 ? "all" : vendor_word(a->f_vendor));
		return RE_HANDLED | RE_FILTER;
	case ACT_FILTER_DEPRECATED:
		a->f_hide_deprecated = !a->f_hide_deprecated;
		app_status(a, R_DEFAULT, "deprecated models %s", a->f_hide_deprecated ? "hidden" : "shown");
		return RE_HANDLED | RE_FILTER;
	case ACT_PIN:
		app_toggle_pin(a);
		return RE_HANDLED;
	default:
		return 0;
	}
}

static bool models_match(struct app *a, size_t row, const char *needle)
{
	const struct model_row *m = &a->models[a->shown[row]];

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
		"host can run it (with the number of features it lacks in BLK); ABI is the x86-64 "
		"psABI level its features reach (v1..v4); IS names the versioned model an alias stands for "
		"(Haswell is Haswell-v1 here). The selected model drives the grid and the explain "
		"pane; Enter puts it into the guest editor; + pins it for the side-by-side grid.",
	.rows = models_rows,
	.draw = models_draw,
	.on_action = models_action,
	.match = models_match,
	.on_select = models_select,
};
