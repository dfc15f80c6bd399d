/* v_drift.c - the drift page (8): libvirt's copy of the selected model
 * against QEMU's, and the traps between them.  The text is the core's
 * (drift_text's lines, drift_row_text's block: src/logic/drift.h), the
 * same `cpuscope drift MODEL` prints; this file only picks the block of
 * the selected model, colours the lines and loads a fix into the guest
 * editor. */
#include "app.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "err.h"
#include "session.h"

/* The map held against QEMU: the session's (--cpu-map, else the default),
 * then the bundled ones (c cycles). */
static const char *const map_specs[] = { NULL, "9.0", "11.3" };

/* The drift pane's own state (v->private). */
struct drift_ui {
	struct drift_report *r;
	int map;                   /* index into map_specs */
	/* what r was computed for */
	bool built;
	int built_map;
	const struct dataset *ds;
	const struct mdata *md;
	const struct host *host;
	char err[1200];
	char shown[160];           /* the model the pane showed last */
};

static void drift_done(struct view *v, struct app *a)
{
	struct drift_ui *d = v->private;

	(void)a;
	drift_report_free(d->r);
	d->r = NULL;
}

static struct drift_ui *ensure(struct app *a)
{
	struct drift_ui *d = a->views[V_DRIFT].private;
	struct err e;

	if (d->built && d->built_map == d->map && d->ds == a->ds && d->md == a->md &&
	    d->host == a->host)
		return d;
	drift_report_free(d->r);
	d->r = NULL;
	d->err[0] = 0;
	err_clear(&e);
	d->r = drift_session(a->s, a->host, a->host_label, map_specs[d->map], NULL, 0, &e);
	if (!d->r)
		err_str(&e, d->err, sizeof(d->err));
	d->built = true;
	d->built_map = d->map;
	d->ds = a->ds;
	d->md = a->md;
	d->host = a->host;
	return d;
}

static const struct drift_row *selected_row(struct app *a, const struct drift_report *r)
{
	struct model_row *m = app_selected_model(a);

	if (!m || !r)
		return NULL;
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct drift_row *row = r->rows.v[i];
		if (!strcmp(row->name, m->mv.name))
			return row;
	}
	return NULL;
}

static const struct drift_only *selected_only(struct app *a, const struct drift_report *r)
{
	struct model_row *m = app_selected_model(a);

	if (!m || !r)
		return NULL;
	for (size_t i = 0; i < r->qemu_only_models.n; i++) {
		const struct drift_only *o = r->qemu_only_models.v[i];
		if (!strcmp(o->name, m->mv.name))
			return o;
	}
	return NULL;
}

static enum role line_role(const char *s)
{
	if (str_startswith(s, "  trap:"))
		return R_BLOCKED;
	if (str_startswith(s, "        libvirt:"))
		return R_WARN;
	if (str_startswith(s, "  do:"))
		return R_GOOD;
	if (str_startswith(s, "          <"))
		return R_XML_TAG;
	if (str_startswith(s, "  note:"))
		return R_DIM;
	return R_DEFAULT;
}

/* Continuation lines start under the value: "  libvirt only: vme, ..." */
static int value_column(const char *s)
{
	const char *colon = strchr(s, ':');
	int i;

	if (!colon || colon - s > 16)
		return 4;
	i = (int)(colon - s) + 1;
	while (s[i] == ' ')
		i++;
	return i;
}

static int text_width(struct app *a)
{
	int w = a->views[V_DRIFT].last.w;

	return w > 0 ? w - 1 : 60;
}

/* Each line's source index is its line number in the block; act_of
 * (when not NULL) gets, per source line, the index of the action it
 * belongs to (-1: none). */
static void build(struct app *a, struct tlines *t, struct vec *act_of)
{
	struct drift_ui *d = ensure(a);
	const struct drift_report *r = d->r;
	const struct drift_row *row;
	const struct drift_only *only;
	struct strbuf sb = STRBUF_INIT;
	int w = text_width(a);
	size_t src = 0;
	long act = -1, cur = -1;
	bool first = true;

	if (!r) {
		tlines_add(t, d->err[0] ? d->err : "no drift report", w, 2, R_WARN, 0);
		return;
	}
	row = selected_row(a, r);
	only = row ? NULL : selected_only(a, r);
	if (row) {
		drift_row_text(r, row, &sb);
	} else if (only) {
		sb_addf(&sb, "%s\n  only QEMU has it: %s\n", only->name, only->note);
	} else {
		struct model_row *m = app_selected_model(a);
		sb_addf(&sb, "%s\n  %s\n", m ? m->mv.name : "-",
			m ? "not a CPU model libvirt's maps define (libvirt has modes for it: "
			    "host-passthrough, maximum)" : "no model selected");
	}
	for (const char *p = sb_str(&sb); *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		bool xml = str_startswith(line, "          ");
		if (str_startswith(line, "  do:"))
			cur = ++act;
		else if (!xml)
			cur = -1;
		tlines_add(t, line, w, xml ? 12 : value_column(line), first ? R_HEADER : line_role(line),
			   src++);
		if (act_of)
			vec_push(act_of, (void *)(intptr_t)cur);
		first = false;
		free(line);
		p += n + (p[n] == '\n');
	}
	sb_fini(&sb);
	/* then the head of the report: the pair, whose checks, the counts */
	tlines_add(t, "", w, 0, R_DEFAULT, src++);
	if (act_of)
		vec_push(act_of, (void *)(intptr_t)-1);
	{
		char *text = drift_head_text(r);
		const char *p = text;
		for (int i = 0; i < 3 && *p; i++) {
			size_t n = strcspn(p, "\n");
			char *line = xstrndup(p, n);
			tlines_add(t, line, w, 2, R_DIM, src++);
			if (act_of)
				vec_push(act_of, (void *)(intptr_t)-1);
			free(line);
			p += n + (p[n] == '\n');
		}
		free(text);
	}
}

static size_t drift_rows(struct view *v, struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	(void)v;
	build(a, &t, NULL);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void drift_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };
	struct rect b = { r->y + 1, r->x, r->h - 1, r->w };
	struct model_row *m = app_selected_model(a);
	struct drift_ui *d;
	char title[400], right[200];

	build(a, &t, NULL);
	d = a->views[V_DRIFT].private;
	if (strcmp(d->shown, m ? m->mv.name : "")) {
		/* another model: its block from the top */
		snprintf(d->shown, sizeof(d->shown), "%s", m ? m->mv.name : "");
		v->sel = v->top = 0;
	}
	snprintf(title, sizeof(title), "Drift: %s, libvirt's copy against QEMU's", m ? m->mv.name : "-");
	snprintf(right, sizeof(right), "%s  c: other map ",
		 d && d->r ? d->r->map_label : "no map");
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (r->x + r->w - str_width(right) > r->x + str_width(title) + 1)
		paint_str(r, r->y, r->x + r->w - str_width(right), R_DIM, right);
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

static unsigned drift_action(struct view *v, struct app *a, enum action act)
{
	struct drift_ui *d;
	unsigned re = RE_HANDLED;

	if (act == ACT_DRIFT_MAP) {
		d = ensure(a);
		d->map = (d->map + 1) % (int)ARRAY_LEN(map_specs);
		ensure(a);
		v->sel = v->top = 0;
		if (d->r)
			app_status(a, R_DEFAULT, "drift: %s", d->r->map_label);
		else
			app_status(a, R_WARN, "drift: %s", d->err);
		return RE_HANDLED | RE_REDRAW;
	}
	if (act != ACT_ACTIVATE)
		return 0;
	{
		struct tlines t = { 0 };
		struct vec act_of = VEC_INIT;
		const struct drift_row *row;
		long i = -1;

		build(a, &t, &act_of);
		d = a->views[V_DRIFT].private;
		row = d && d->r ? selected_row(a, d->r) : NULL;
		if (v->sel < t.n && t.v[v->sel].src < act_of.n)
			i = (long)(intptr_t)act_of.v[t.v[v->sel].src];
		if (row && i >= 0 && (size_t)i < row->actions.n &&
		    ((const struct drift_action *)row->actions.v[i])->guest) {
			app_load_guest(a, ((const struct drift_action *)row->actions.v[i])->guest);
			app_status(a, R_GOOD, "the fix is in the guest editor (u undoes)");
			a->page = PAGE_GUEST;
			app_focus(a, V_OUTPUT);
			re |= RE_GUEST;
		} else {
			app_status(a, R_WARN, "move to a 'do:' line with XML first");
		}
		vec_fini(&act_of, NULL);
		tlines_fini(&t);
	}
	return re;
}

static bool drift_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
	build(a, &t, NULL);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

const struct view_ops drift_ops = {
	.name = "drift",
	.title = "Drift",
	.keymap = KM_DRIFT,
	.help = "libvirt keeps its own copy of every CPU model (the cpu_map), and the copies drift "
		"from QEMU's: for the selected model, the features only libvirt's copy requires, those "
		"only QEMU's has, and what libvirt's checks make of that for a guest of the model: "
		"check='partial' refusing a guest QEMU runs, check='full' refusing it on every host, "
		"check='partial' starting a guest QEMU refuses with enforce, each with libvirt's own "
		"message. Then what to do: move to a 'do:' line and press Enter to put that <cpu> "
		"into the guest editor. c switches the map (the session's, libvirt 9.0's, 11.3's). "
		"The same as `cpuscope drift MODEL`.",
	.private_size = sizeof(struct drift_ui),
	.done = drift_done,
	.rows = drift_rows,
	.draw = drift_draw,
	.on_action = drift_action,
	.match = drift_match,
};
