/* v_explain.c - the explain pane: why the selected model is (not) usable
 * and the fixes, the lines `cpuscope explain` prints (the core's
 * explain_model() and explain_doc_build()); Enter applies a fix to the
 * guest CPU. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "explain.h"
#include "userdata.h"

/* The explain pane's own state (v->private). */
struct explain_state {
	struct explain_doc doc; /* the lines `cpuscope explain` prints; those with an
				 * action are the fixes Enter applies */
	char *err;              /* no explanation: why (owned), or NULL */
	bool fresh;             /* put the cursor on the first fix at the next paint */
};

static struct explain_state *state(const struct app *a)
{
	return a->views[V_EXPLAIN].private;
}

const struct explain_doc *app_explain(const struct app *a)
{
	return &state(a)->doc;
}

/* ---- explain ------------------------------------------------------------ */

/* The explain pane: the lines `cpuscope explain` prints, from the core's
 * explain_model() and explain_doc_build(). */
static void rebuild(struct view *v, struct app *a)
{
	struct explain_state *st = v->private;
	struct model_row *m = app_selected_model(a);
	struct explanation x;
	struct err e;
	char buf[1200];

	explain_doc_fini(&st->doc);
	free(st->err);
	st->err = NULL;
	st->fresh = true;
	if (!m) {
		st->err = xstrdup("no model selected");
		return;
	}
	err_clear(&e);
	if (!explain_model(a->ds, a->md, a->host, m->mv.name, &x, &e)) {
		st->err = xstrdup(err_str(&e, buf, sizeof(buf)));
		return;
	}
	session_model_notes(a->s, m->mv.name, &x.notes); /* not from the QEMU data: where from */
	explain_doc_build(&x, a->host_label, a->map, &st->doc);
	explanation_fini(&x);
}

void app_apply_fix(struct app *a, size_t i)
{
	const struct explain_state *st = state(a);
	const struct xd_action *f;
	struct guest_cpu *s;
	const char *chosen = a->g_chosen;
	int version = a->g_version;

	if (i >= st->doc.actions.n)
		return;
	f = st->doc.actions.v[i];
	s = app_guest_spec(a);
	if (f->model) {
		free(s->model);
		s->model = xstrdup(f->model);
		chosen = f->model;
		version = GUEST_VERSION_AS_GIVEN;
	}
	s->mode = f->mode;
	if (f->mode != MODE_CUSTOM) {
		/* host-model, host-passthrough: the host decides, so no model or policies */
		free(s->model);
		s->model = NULL;
		s->match = MATCH_UNSET;
		while (s->features.n) {
			char *name = xstrdup(((const struct guest_feature *)s->features.v[0])->name);
			guest_cpu_set_policy(s, name, POLICY_NONE);
			free(name);
		}
	}
	for (size_t k = 0; k < f->disable.n; k++)
		guest_cpu_set_policy(s, f->disable.v[k], POLICY_DISABLE);
	if (!app_guest_apply(a, s, chosen, version))
		return;
	app_status(a, R_GOOD, "applied: %s", f->label);
	app_handle_reaction(a, RE_GUEST);
	a->page = PAGE_GUEST;
	app_focus(a, V_OUTPUT);
}

/* ---- the view --------------------------------------------------------------- */

/* The core's explain lines (the text `cpuscope explain` prints), wrapped
 * to the pane and coloured by role; a tline's src is its line's index. */
static void explain_build(struct app *a, struct tlines *t)
{
	const struct explain_state *st = state(a);
	int w = text_pane_width(a, V_EXPLAIN);
	const struct explain_doc *d = &st->doc;

	if (st->err) {
		tlines_add(t, st->err, w, 0, R_WARN, 0);
		return;
	}
	for (size_t i = 0; i < d->lines.n; i++) {
		const struct xd_line *l = d->lines.v[i];
		enum role role = R_DEFAULT;
		char buf[1600];
		const char *s = l->text;
		/* the CLI's nesting, narrower: steps at the margin, their parts at 2 */
		int lead = l->indent > 2 ? 2 : 0, more = 2;

		switch (l->role) {
		case XD_VERDICT_OK:
			snprintf(buf, sizeof(buf), "%s %s", glyph(G_USABLE), s);
			s = buf;
			role = R_GOOD;
			break;
		case XD_VERDICT_BAD:
			snprintf(buf, sizeof(buf), "%s %s", glyph(G_BLOCKED), s);
			s = buf;
			role = R_BLOCKED;
			break;
		case XD_VERDICT_UNKNOWN:
			role = R_WARN;
			break;
		case XD_HEADING:
			role = R_HEADER;
			break;
		case XD_BLOCKER:
			snprintf(buf, sizeof(buf), "%s %s (%s, %s): %s", glyph(G_LACKS), l->cols[0], l->cols[1],
				 l->cols[2], l->cols[3]);
			s = buf;
			role = R_LACKS;
			lead = 0;
			break;
		case XD_SPELLINGS:
			role = R_DIM;
			break;
		case XD_STEP:
			more = 3; /* under "1. " */
			break;
		case XD_CODE:
			role = R_XML_TAG;
			more = 4;
			break;
		case XD_NOTE:
			role = R_WARN;
			break;
		case XD_BLANK:
		case XD_TEXT:
		case XD_OPTION:
		default:
			break;
		}
		if (l->action >= 0)
			role = l->role == XD_VERDICT_OK ? R_GOOD : R_POLICY;
		if (lead) {
			char ind[1700];
			snprintf(ind, sizeof(ind), "%*s%s", lead, "", s);
			tlines_add(t, ind, w, lead + more, role, i);
		} else {
			tlines_add(t, s, w, more, role, i);
		}
	}
}

/* The action of the line under tline row, or -1. */
static int explain_action_at(const struct app *a, const struct tlines *t, size_t row)
{
	const struct explain_state *st = state(a);
	const struct xd_line *l;

	if (st->err || row >= t->n || t->v[row].src >= st->doc.lines.n)
		return -1;
	l = st->doc.lines.v[t->v[row].src];
	return l->action;
}

static void explain_done(struct view *v, struct app *a)
{
	struct explain_state *st = v->private;

	(void)a;
	explain_doc_fini(&st->doc);
	free(st->err);
	st->err = NULL;
}

static void explain_drop(struct view *v, struct app *a)
{
	struct explain_state *st = v->private;

	(void)a;
	explain_doc_fini(&st->doc);
}

static void explain_refresh(struct view *v, struct app *a, unsigned re)
{
	if (re & RE_MODEL)
		rebuild(v, a);
}

static size_t explain_rows(struct view *v, struct app *a)
{
	(void)v;
	struct tlines t = { 0 };
	size_t n;

	explain_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void explain_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct explain_state *st = v->private;
	struct tlines t = { .whole = true };
	struct rect b = text_pane_body(r);
	struct model_row *m = app_selected_model(a);
	char title[600];

	snprintf(title, sizeof(title), "Explain: %s on %s", m ? m->mv.name : "-", a->host_label);
	text_pane_title(r, focused, title, NULL);
	explain_build(a, &t);
	if (st->fresh) {
		/* start on the fix that keeps the model (disable the blockers),
		 * else on the first fix: Enter applies it */
		size_t first = t.n, keep = t.n;
		for (size_t i = 0; i < t.n; i++) {
			int act = explain_action_at(a, &t, i);
			if (act < 0)
				continue;
			if (first == t.n)
				first = i;
			if (keep == t.n && ((const struct xd_action *)st->doc.actions.v[act])->disable.n)
				keep = i;
		}
		if (keep < t.n || first < t.n) {
			v->sel = keep < t.n ? keep : first;
			v->top = 0;
		}
		st->fresh = false;
	}
	if (v->sel < t.n && b.h > 0) {
		/* all of the line under the cursor in view, not only its first row */
		size_t last = v->sel;
		while (last + 1 < t.n && t.v[last + 1].src == t.v[v->sel].src)
			last++;
		if (last >= v->top + (size_t)b.h)
			v->top = last - (size_t)b.h + 1;
		if (v->top > v->sel)
			v->top = v->sel;
	}
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

/* Up and Down go by the core's lines, not the rows they wrap to: a fix of
 * three rows is one step (and the cursor marks all of it). */
static void move_by_line(struct view *v, const struct tlines *t, bool down)
{
	size_t i = v->sel < t->n ? v->sel : 0, src;

	if (!t->n)
		return;
	src = t->v[i].src;
	while (i > 0 && t->v[i - 1].src == src)
		i--; /* the line's first row */
	if (down) {
		size_t j = i;
		while (j < t->n && t->v[j].src == src)
			j++;
		if (j < t->n)
			i = j;
	} else if (i > 0) {
		src = t->v[--i].src;
		while (i > 0 && t->v[i - 1].src == src)
			i--;
	}
	v->sel = i;
}

static unsigned explain_action(struct view *v, struct app *a, enum action act)
{
	struct tlines t = { 0 };
	unsigned re = 0;

	if (act == ACT_UP || act == ACT_DOWN) {
		explain_build(a, &t);
		move_by_line(v, &t, act == ACT_DOWN);
		tlines_fini(&t);
		view_clamp(v, a);
		return RE_HANDLED | RE_REDRAW;
	}
	if (act != ACT_ACTIVATE)
		return 0;
	explain_build(a, &t);
	if (explain_action_at(a, &t, v->sel) >= 0) {
		app_apply_fix(a, (size_t)explain_action_at(a, &t, v->sel));
		re = RE_HANDLED | RE_GUEST;
	} else {
		app_status(a, R_WARN, "move to a fix first (a model to switch to, the disable step, "
			   "host-model)");
		re = RE_HANDLED;
	}
	tlines_fini(&t);
	return re;
}

static bool explain_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
	explain_build(a, &t);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

const struct view_ops explain_ops = {
	.name = "explain",
	.title = "Explain",
	.keymap = KM_EXPLAIN,
	.help = "Whether the selected model can run on the host and, if not, which features block "
		"it: each with what it is and where the CPU reports it (CPUID leaf and register, or "
		"MSR). Below: what you can do; the same text `cpuscope explain` prints. The fixes "
		"(a model to switch to, the disable step, host-model) are highlighted: move to one "
		"and press Enter to put it into the guest editor; the output pane then shows the XML "
		"and the verdict of libvirt's compare.",
	.private_size = sizeof(struct explain_state),
	.done = explain_done,
	.drop = explain_drop,
	.refresh = explain_refresh,
	.rows = explain_rows,
	.draw = explain_draw,
	.on_action = explain_action,
	.match = explain_match,
};
