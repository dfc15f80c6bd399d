/* v_text.c - the text panes: explain, glossary, help (a popup) and the
 * output pane (the guest's XML or -cpu value, the compare verdict and the
 * lints). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int text_width(struct app *a, enum view_id id)
{
	int w = a->views[id].last.w;

	return w > 0 ? w - 1 : 60;
}

static void paint_title(const struct rect *r, bool focused, const char *title, const char *right)
{
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (right) {
		int w = str_width(right);
		int x = r->x + r->w - w;
		if (x > r->x + str_width(title) + 1)
			paint_str(r, r->y, x, R_DIM, right);
	}
}

static struct rect body_of(const struct rect *r)
{
	return (struct rect){ r->y + 1, r->x, r->h - 1, r->w };
}

/* ---- explain --------------------------------------------------------------- */

/* The core's explain lines (the text `cpuscope explain` prints), wrapped
 * to the pane and coloured by role; a tline's src is its line's index. */
static void explain_build(struct app *a, struct tlines *t)
{
	int w = text_width(a, V_EXPLAIN);
	const struct explain_doc *d = &a->explain;

	if (a->explain_err) {
		tlines_add(t, a->explain_err, w, 0, R_WARN, 0);
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
	const struct xd_line *l;

	if (a->explain_err || row >= t->n || t->v[row].src >= a->explain.lines.n)
		return -1;
	l = a->explain.lines.v[t->v[row].src];
	return l->action;
}

static size_t explain_rows(struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	explain_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void explain_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };
	struct rect b = body_of(r);
	struct model_row *m = app_selected_model(a);
	char title[600];

	snprintf(title, sizeof(title), "Explain: %s on %s", m ? m->mv.name : "-", a->host_label);
	paint_title(r, focused, title, NULL);
	explain_build(a, &t);
	if (a->explain_fresh) {
		/* start on the fix that keeps the model (disable the blockers),
		 * else on the first fix: Enter applies it */
		size_t first = t.n, keep = t.n;
		for (size_t i = 0; i < t.n; i++) {
			int act = explain_action_at(a, &t, i);
			if (act < 0)
				continue;
			if (first == t.n)
				first = i;
			if (keep == t.n && ((const struct xd_action *)a->explain.actions.v[act])->disable.n)
				keep = i;
		}
		if (keep < t.n || first < t.n) {
			v->sel = keep < t.n ? keep : first;
			v->top = 0;
		}
		a->explain_fresh = false;
	}
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

static unsigned explain_action(struct view *v, struct app *a, enum action act)
{
	struct tlines t = { 0 };
	unsigned re = 0;

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

static bool explain_match(struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

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
	.rows = explain_rows,
	.draw = explain_draw,
	.on_action = explain_action,
	.match = explain_match,
};

/* ---- glossary --------------------------------------------------------------- */

static void glossary_build(struct app *a, struct tlines *t)
{
	int w = text_width(a, V_GLOSSARY);

	for (size_t i = 0; i < glossary_count(); i++) {
		tlines_add(t, glossary_term(i), w, 0, R_HEADER, i);
		char *d = xasprintf("  %s", glossary_text(i));
		tlines_add(t, d, w, 2, R_DEFAULT, i);
		free(d);
	}
}

static size_t glossary_rows(struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	glossary_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void glossary_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };
	struct rect b = body_of(r);
	char right[64];

	snprintf(right, sizeof(right), "%zu terms  / searches ", glossary_count());
	paint_title(r, focused, "Glossary", right);
	glossary_build(a, &t);
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

static bool glossary_match(struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	glossary_build(a, &t);
	m = row < t.n && t.v[row].role == R_HEADER && str_icontains(t.v[row].s, needle);
	if (!m && row < t.n && t.v[row].role != R_HEADER)
		m = str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

const struct view_ops glossary_ops = {
	.name = "glossary",
	.title = "Glossary",
	.keymap = KM_GLOBAL,
	.help = "Every term the screen uses, in a sentence or two: models, versions, aliases, "
		"machine types, the guest CPU modes, match, check and policy values, compare, "
		"baseline, x86-64 psABI levels and s390x models. / searches it.",
	.rows = glossary_rows,
	.draw = glossary_draw,
	.match = glossary_match,
};

/* ---- help (popup) ------------------------------------------------------------ */

static void help_build(struct app *a, struct tlines *t)
{
	int w = a->views[V_HELP].last.w > 0 ? a->views[V_HELP].last.w - 1 : 78;
	const struct view_ops *ops = a->views[a->help_for].ops;

	tlines_add(t, ops->title, w, 0, R_POPUP_TITLE, 0);
	tlines_add(t, ops->help, w, 0, R_POPUP, 0);
	tlines_add(t, "", w, 0, R_POPUP, 0);
	tlines_add(t, "Cells and marks: + present, - absent, ! present but the host lacks it, "
		      "* changed from the column to the left; in the models list + usable, ! "
		      "blocked (with the number of blocking features); policy letters F force, "
		      "R require, O optional, D disable, X forbid.", w, 2, R_POPUP, 0);
	if (term_utf8())
		tlines_add(t, "(This terminal shows \u25cf for +, \u00b7 for -, \u2717 for !, "
			      "\u2713 for a usable model.)", w, 2, R_POPUP, 0);
	tlines_add(t, "", w, 0, R_POPUP, 0);
	for (size_t i = 0; i < a->nhelp; i++) {
		const char *s = a->help_lines[i];
		if (s[0] == '#')
			tlines_add(t, s + 1, w, 0, R_POPUP_TITLE, i + 1);
		else
			tlines_add(t, s, w, 17, R_POPUP, i + 1);
	}
}

static size_t help_rows(struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	help_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void help_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };

	v->last = *r;
	help_build(a, &t);
	tlines_draw(v, a, &t, r, focused, false);
	tlines_fini(&t);
}

static bool help_match(struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	help_build(a, &t);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

const struct view_ops help_ops = {
	.name = "help",
	.title = "Help",
	.keymap = KM_GLOBAL,
	.help = "",
	.rows = help_rows,
	.draw = help_draw,
	.match = help_match,
};

/* ---- output ------------------------------------------------------------------ */

static void output_build(struct app *a, struct tlines *t)
{
	int w = text_width(a, V_OUTPUT);
	const char *s = a->out_text ? a->out_text : "";
	size_t src = 0;

	if (a->verdict) {
		char *v = xasprintf("%s %s", a->verdict_role == R_GOOD ? glyph(G_USABLE) :
				    a->verdict_role == R_BLOCKED ? glyph(G_BLOCKED) : "-", a->verdict);
		tlines_add(t, v, w, 2, a->verdict_role, src++);
		free(v);
	}
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < n; i++) { /* a tab (Proxmox's indent) as 4 spaces */
			if (s[i] == '\t')
				sb_add(&sb, "    ");
			else
				sb_addc(&sb, s[i]);
		}
		tlines_add(t, sb_str(&sb), w, 4, a->out_form == GUEST_FORM_XML ? R_XML_TAG : R_XML_VALUE,
			   src++);
		sb_fini(&sb);
		s += n + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < a->lints.n; i++) {
		char *l = xasprintf("! %s", (const char *)a->lints.v[i]);
		tlines_add(t, l, w, 2, R_WARN, src++);
		free(l);
	}
}

static size_t output_rows(struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	output_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

/* <tag attr='value'>text</tag>: tags, values, text in their roles. */
static void paint_xml(const struct rect *r, int y, const char *s, bool sel, bool focused)
{
	int x = r->x;
	bool in_tag = false;
	char q = 0;

	if (sel) {
		paint_fill_row(r, y, r->x, focused ? R_SEL_FOCUS : R_SEL_UNFOCUS);
		paint_str(r, y, r->x, focused ? R_SEL_FOCUS : R_SEL_UNFOCUS, s);
		return;
	}
	for (const char *p = s; *p; p++) {
		char ch[2] = { *p, 0 };
		enum role role = R_DEFAULT;
		if (q) {
			role = R_XML_VALUE;
			if (*p == q)
				q = 0;
		} else if (in_tag && (*p == '\'' || *p == '"')) {
			q = *p;
			role = R_XML_VALUE;
		} else if (*p == '<') {
			in_tag = true;
			role = R_XML_TAG;
		} else if (*p == '>') {
			in_tag = false;
			role = R_XML_TAG;
		} else if (in_tag) {
			role = R_XML_TAG;
		}
		x += paint_str(r, y, x, role, ch);
	}
}

static void output_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };
	struct rect b = body_of(r);
	char title[128];

	static const char *const next[GUEST_FORMS] = { /* what o shows next */
		"o: -cpu ", "o: Proxmox ", "o: cpu-models.conf ", "o: KubeVirt ", "o: Nova ",
		"o: QMP ", "o: XML ",
	};
	snprintf(title, sizeof(title), "Output: %s", guest_form_title(a->out_form));
	paint_title(r, focused, title, next[a->out_form % GUEST_FORMS]);
	output_build(a, &t);
	v->page_rows = b.h;
	v->body_y = b.y;
	if (v->sel >= t.n)
		v->sel = t.n ? t.n - 1 : 0;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)b.h)
		v->top = v->sel - (size_t)b.h + 1;
	for (int i = 0; i < b.h && v->top + (size_t)i < t.n; i++) {
		const struct tline *l = &t.v[v->top + (size_t)i];
		bool sel = focused && v->top + (size_t)i == v->sel;
		if (l->role == R_XML_TAG)
			paint_xml(&b, b.y + i, l->s, sel, focused);
		else {
			enum role role = sel ? R_SEL_FOCUS : l->role;
			if (sel)
				paint_fill_row(&b, b.y + i, b.x, role);
			paint_str(&b, b.y + i, b.x, role, l->s);
		}
	}
	if (v->top + (size_t)b.h < t.n)
		paint_str(&b, b.y + b.h - 1, b.x + b.w - 1, R_DIM, glyph(G_MORE_DOWN));
	tlines_fini(&t);
}

static bool output_match(struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	output_build(a, &t);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

static unsigned output_action(struct view *v, struct app *a, enum action act)
{
	(void)v;
	return guest_field_action(a, act);
}

const struct view_ops output_ops = {
	.name = "output",
	.title = "Output",
	.keymap = KM_GUEST,
	.help = "The guest CPU as libvirt <cpu> XML (libvirt's feature names, the form libvirt "
		"writes back) or as the value of QEMU's -cpu option (o toggles), updated on every "
		"key. Below it: the verdict of libvirt's CPU compare against the host (IDENTICAL or "
		"SUPERSET: the host can run it; INCOMPATIBLE: it cannot, and why) and warnings about "
		"common traps. s saves it to a file, y copies it (OSC 52), u undoes.",
	.rows = output_rows,
	.draw = output_draw,
	.on_action = output_action,
	.match = output_match,
};
