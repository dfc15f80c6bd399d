/* v_guest.c - the guest CPU editor: mode, match, check, fallback, model,
 * version; then one row per feature (the model's and the host's, and any
 * with a policy) with its policy.  The output pane shows the result. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_MODE, F_MATCH, F_CHECK, F_FALLBACK, F_MODEL, F_VERSION, F__COUNT };

/* The editor's own state (v->private). */
struct guest_state {
	struct grid *rows; /* its feature rows: model vs host features, and policies */
};

static void rebuild_rows(struct view *v, struct app *a)
{
	struct guest_state *st = v->private;
	struct model_view mv;

	/* the editor's rows: the model's features and the host's, and any
	 * feature with a policy */
	grid_free(st->rows);
	st->rows = grid_new(GRID_MODELS, a->ft, "guest");
	struct grid_col *mc = grid_add_col(st->rows, "model", NULL);
	mc->host = a->host;
	if (a->guest->model && a->guest->mode == MODE_CUSTOM &&
	    model_lookup(a->ds, a->md, a->guest->model, &mv, NULL) && mv.full) {
		model_features(&mv, &mc->on); /* s390x: groups as their features */
		mc->has_data = true;
	}
	struct grid_col *hc = grid_add_col(st->rows, "host", NULL);
	if (a->host && a->host->resolved) {
		fset_copy(&hc->on, &a->host->features);
		hc->has_data = true;
	}
	struct grid_col *pc = grid_add_col(st->rows, "policy", NULL);
	for (size_t i = 0; i < a->guest->features.n; i++) {
		const struct guest_feature *gf = a->guest->features.v[i];
		const struct feature *f = ftable_lookup(a->ft, gf->name);
		if (f)
			fset_add(&pc->on, f->id);
	}
	grid_finish(st->rows, false);
	view_clamp(v, a);
}

static void guest_drop(struct view *v, struct app *a)
{
	struct guest_state *st = v->private;

	(void)a;
	grid_free(st->rows);
	st->rows = NULL;
}

static void guest_refresh(struct view *v, struct app *a, unsigned re)
{
	if (re & RE_GUEST)
		rebuild_rows(v, a);
}

static size_t guest_rows(struct view *v, struct app *a)
{
	const struct guest_state *st = v->private;

	(void)a;
	return F__COUNT + (st->rows ? st->rows->nrows : 0);
}

static void field_text(struct app *a, int f, char *name, char *val, size_t size)
{
	const struct guest_cpu *g = a->guest;

	switch (f) {
	case F_MODE:
		snprintf(name, 16, "mode");
		snprintf(val, size, "%s", cpu_mode_name(g->mode));
		break;
	case F_MATCH:
		snprintf(name, 16, "match");
		if (g->mode != MODE_CUSTOM)
			snprintf(val, size, "(custom mode only)");
		else
			snprintf(val, size, "%s", g->match ? cpu_match_name(g->match) : "exact (libvirt's default)");
		break;
	case F_CHECK:
		snprintf(name, 16, "check");
		snprintf(val, size, "%s", g->check ? cpu_check_name(g->check) : "(unset: libvirt's default)");
		break;
	case F_FALLBACK:
		snprintf(name, 16, "fallback");
		snprintf(val, size, "%s", g->fallback ? cpu_fallback_name(g->fallback) : "allow (libvirt's default)");
		break;
	case F_MODEL:
		snprintf(name, 16, "model");
		if (g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM)
			snprintf(val, size, "(none: %s)", cpu_mode_name(g->mode));
		else if (!a->g_chosen)
			snprintf(val, size, "(none yet: Enter on a model in the list)");
		else
			snprintf(val, size, "%s", a->g_chosen);
		break;
	default:
		snprintf(name, 16, "version");
		if (!a->g_chosen || g->mode != MODE_CUSTOM)
			snprintf(val, size, "-");
		else if (a->g_version == 0)
			snprintf(val, size, "as chosen (%s)", g->model ? g->model : "-");
		else if (a->g_version < 0)
			snprintf(val, size, "best usable %s %s", glyph(G_ARROW), g->model ? g->model : "-");
		else
			snprintf(val, size, "v%d %s %s", a->g_version, glyph(G_ARROW), g->model ? g->model : "-");
		break;
	}
}

static void guest_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	char title[160];
	const struct grid *g = ((const struct guest_state *)v->private)->rows;

	snprintf(title, sizeof(title), "Guest CPU%s", a->tour_stash ? " [the tour's scratch]" :
		 a->dirty ? " [modified]" : "");
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	{
		const char *legend = "P=policy M=model H=host ";
		int lw = str_width(legend);
		if (r->w - lw > str_width(title) + 1)
			paint_str(r, r->y, r->x + r->w - lw, focused ? R_HEADER : R_DIM, legend);
	}
	struct rect body = { r->y + 1, r->x, r->h - 1, r->w };
	v->page_rows = body.h > 0 ? body.h : 1;
	v->body_y = body.y;
	view_clamp(v, a);
	for (int i = 0; i < body.h; i++) {
		size_t row = v->top + (size_t)i;
		int y = body.y + i;
		bool sel = row == v->sel;
		enum role base = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : R_DEFAULT;
		char name[16], val[256], buf[512];

		if (row >= guest_rows(v, a))
			break;
		if (sel)
			paint_fill_row(&body, y, body.x, base);
		if (row < F__COUNT) {
			field_text(a, (int)row, name, val, sizeof(val));
			snprintf(buf, sizeof(buf), "  %-9s", name);
			int x = body.x + paint_str(&body, y, body.x, sel ? base : R_DIM, buf);
			paint_str(&body, y, x, sel ? base : val[0] == '(' ? R_DIM : R_POLICY, val);
			continue;
		}
		size_t fr = row - F__COUNT;
		const struct feature *f = ftable_get(g->ft, g->rows[fr]);
		enum policy p = app_policy_of(a, f);
		enum cell mc = grid_cell(g, fr, 0), hc = grid_cell(g, fr, 1);
		char fit[64];
		int x = body.x;
		x += paint_str(&body, y, x, sel ? base : R_POLICY, policy_letter(p));
		x += paint_str(&body, y, x, base, " ");
		snprintf(buf, sizeof(buf), "%-18s ", str_fit(feature_libvirt_name(f), 18, fit, sizeof(fit)));
		x += paint_str(&body, y, x, base, buf);
		x += paint_str(&body, y, x, sel ? base : mc == CELL_PRESENT ? R_PRESENT :
			       mc == CELL_HOST_LACKS ? R_LACKS : R_ABSENT,
			       glyph(mc == CELL_PRESENT ? G_PRESENT : mc == CELL_HOST_LACKS ? G_LACKS :
				     mc == CELL_NA ? G_NA : G_ABSENT));
		x += paint_str(&body, y, x, base, " ");
		x += paint_str(&body, y, x, sel ? base : hc == CELL_PRESENT ? R_PRESENT : R_ABSENT,
			       glyph(hc == CELL_PRESENT ? G_PRESENT : hc == CELL_NA ? G_NA : G_ABSENT));
		snprintf(buf, sizeof(buf), "  %s%s", p != POLICY_NONE ? policy_name(p) : "",
			 p != POLICY_NONE ? " " : "");
		x += paint_str(&body, y, x, sel ? base : R_POLICY, buf);
		/* the row is libvirt's name (the XML's): QEMU's too where it differs */
		if (strcmp(feature_libvirt_name(f), f->name)) {
			snprintf(buf, sizeof(buf), "(QEMU %s) ", f->name);
			x += paint_str(&body, y, x, sel ? base : R_DIM, buf);
		}
		paint_str(&body, y, x, sel ? base : R_DIM, f->desc ? f->desc : "");
	}
	if (v->top > 0)
		paint_str(&body, body.y, body.x + body.w - 1, R_DIM, glyph(G_MORE_UP));
	if (v->top + (size_t)body.h < guest_rows(v, a))
		paint_str(&body, body.y + body.h - 1, body.x + body.w - 1, R_DIM, glyph(G_MORE_DOWN));
}

/* The guest in mode m: the model as chosen for custom, none otherwise
 * (the host or QEMU decides), match only for custom. */
static struct guest_cpu *spec_in_mode(struct app *a, enum cpu_mode m)
{
	struct guest_cpu *s = app_guest_spec(a);

	s->mode = m;
	free(s->model);
	s->model = m == MODE_CUSTOM && a->g_chosen ? xstrdup(a->g_chosen) : NULL;
	if (m != MODE_CUSTOM)
		s->match = MATCH_UNSET;
	return s;
}

unsigned guest_field_action(struct app *a, enum action act)
{
	const struct guest_cpu *g = a->guest;
	struct guest_cpu *s;

	switch (act) {
	case ACT_CYCLE_MODE: {
		/* the next mode guest_build() accepts; say why one was skipped */
		char why[640] = "";
		for (int k = 1; k < MODE__COUNT; k++) {
			enum cpu_mode m = (enum cpu_mode)((g->mode + k) % MODE__COUNT);
			if (app_guest_apply(a, spec_in_mode(a, m), a->g_chosen, a->g_version)) {
				if (why[0])
					app_status(a, R_WARN, "mode %s (%s)", cpu_mode_name(m), why);
				else
					app_status(a, R_DEFAULT, "mode %s", cpu_mode_name(m));
				return RE_HANDLED | RE_GUEST;
			}
			if (!why[0])
				snprintf(why, sizeof(why), "not %s: %s", cpu_mode_name(m), a->status);
		}
		return RE_HANDLED;
	}
	case ACT_CYCLE_MATCH:
		if (g->mode != MODE_CUSTOM) {
			app_status(a, R_WARN, "match applies to mode custom only");
			return RE_HANDLED;
		}
		s = app_guest_spec(a);
		s->match = s->match == MATCH_UNSET ? MATCH_EXACT : s->match == MATCH_EXACT ? MATCH_MINIMUM :
			   s->match == MATCH_MINIMUM ? MATCH_STRICT : MATCH_UNSET;
		break;
	case ACT_CYCLE_CHECK:
		s = app_guest_spec(a);
		s->check = (enum cpu_check)((s->check + 1) % CHECK__COUNT);
		break;
	case ACT_CYCLE_FALLBACK:
		s = app_guest_spec(a);
		s->fallback = (enum cpu_fallback)((s->fallback + 1) % FALLBACK__COUNT);
		break;
	case ACT_CYCLE_VERSION:
		if (g->mode != MODE_CUSTOM) {
			app_status(a, R_WARN, "the version applies to mode custom only");
			return RE_HANDLED;
		}
		app_cycle_version(a);
		return RE_HANDLED | RE_GUEST;
	default:
		return 0;
	}
	return app_guest_apply(a, s, a->g_chosen, a->g_version) ? RE_HANDLED | RE_GUEST : RE_HANDLED;
}

static unsigned guest_action(struct view *v, struct app *a, enum action act)
{
	static const enum action field_act[F__COUNT] = {
		ACT_CYCLE_MODE, ACT_CYCLE_MATCH, ACT_CYCLE_CHECK, ACT_CYCLE_FALLBACK, ACT_PANE_MODELS,
		ACT_CYCLE_VERSION,
	};

	if (act == ACT_ACTIVATE || act == ACT_POLICY || act == ACT_POLICY_CLEAR) {
		if (v->sel < F__COUNT) {
			if (act == ACT_POLICY_CLEAR)
				return RE_HANDLED;
			if (v->sel == F_MODEL) {
				app_focus(a, V_MODELS);
				app_status(a, R_DEFAULT, "choose a model and press Enter");
				return RE_HANDLED;
			}
			return guest_field_action(a, field_act[v->sel]);
		}
		const struct grid *g = ((const struct guest_state *)v->private)->rows;
		if (!g || v->sel - F__COUNT >= g->nrows)
			return RE_HANDLED;
		if (a->guest->mode == MODE_CUSTOM && !a->guest->model) {
			app_status(a, R_WARN, "choose a model first (Enter on a model in the list)");
			return RE_HANDLED;
		}
		app_cycle_policy(a, ftable_get(g->ft, g->rows[v->sel - F__COUNT]), act == ACT_POLICY_CLEAR);
		return RE_HANDLED | RE_GUEST;
	}
	return guest_field_action(a, act);
}

static bool guest_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	const struct grid *g = ((const struct guest_state *)v->private)->rows;

	if (row < F__COUNT) {
		char name[16], val[256];
		field_text(a, (int)row, name, val, sizeof(val));
		return str_icontains(name, needle) || str_icontains(val, needle);
	}
	const struct feature *f = ftable_get(g->ft, g->rows[row - F__COUNT]);
	return str_icontains(f->name, needle) || (f->libvirt && str_icontains(f->libvirt, needle));
}

const struct view_ops guest_ops = {
	.name = "guest",
	.title = "Guest CPU editor",
	.keymap = KM_GUEST,
	.help = "The guest <cpu> you are building. The first rows are its settings: mode "
		"(custom: a named model; host-model: the host's model; host-passthrough: the host CPU "
		"as it is; maximum: all QEMU can give), match, check, fallback, the model and its "
		"version (best: the newest version this host can run). Enter or the letter keys cycle "
		"them. Then one row per feature of the model (M) and of the host (H), by libvirt's name "
		"(the XML's; QEMU's follows where it differs): Space cycles "
		"its policy: require (must be there), optional (if the host has it), disable (turn "
		"off), forbid (refuse hosts that have it), force (on even if the host lacks it). The "
		"output pane below updates on every key.",
	.private_size = sizeof(struct guest_state),
	.done = guest_drop,
	.drop = guest_drop,
	.refresh = guest_refresh,
	.rows = guest_rows,
	.draw = guest_draw,
	.on_action = guest_action,
	.match = guest_match,
};
