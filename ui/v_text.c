/* v_text.c - the text panes: glossary, help (a popup) and the output pane
 * (the guest's XML or -cpu value, the compare verdict and the lints). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- glossary --------------------------------------------------------------- */

static void glossary_build(struct app *a, struct tlines *t)
{
	int w = text_pane_width(a, V_GLOSSARY);

	for (size_t i = 0; i < glossary_count(); i++) {
		char *term = glossary_term(i), *text = glossary_text(i);
		char *d = xasprintf("  %s", text);
		tlines_add(t, term, w, 0, R_HEADER, i);
		tlines_add(t, d, w, 2, R_DEFAULT, i);
		free(d);
		free(term);
		free(text);
	}
}

static size_t glossary_rows(struct view *v, struct app *a)
{
	(void)v;
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
	struct rect b = text_pane_body(r);
	char right[64];

	snprintf(right, sizeof(right), "%zu terms  / searches ", glossary_count());
	text_pane_title(r, focused, "Glossary", right);
	glossary_build(a, &t);
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

static bool glossary_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
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

/* The help popup's own state (v->private). */
struct help_state {
	enum view_id about; /* the pane it explains */
	char **lines;       /* its keys (keys_help_lines) */
	size_t n;
};

static void help_done(struct view *v, struct app *a)
{
	struct help_state *st = v->private;

	(void)a;
	for (size_t i = 0; i < st->n; i++)
		free(st->lines[i]);
	free(st->lines);
	st->lines = NULL;
	st->n = 0;
}

void app_help_open(struct app *a, enum view_id about)
{
	struct view *v = &a->views[V_HELP];
	struct help_state *st = v->private;

	help_done(v, a);
	st->about = about;
	st->n = keys_help_lines(a->views[about].ops->keymap, &st->lines);
	v->sel = v->top = 0;
	a->popup = POP_HELP;
}

enum view_id app_help_about(const struct app *a)
{
	return ((const struct help_state *)a->views[V_HELP].private)->about;
}

static void help_build(struct app *a, struct tlines *t)
{
	const struct help_state *st = a->views[V_HELP].private;
	int w = a->views[V_HELP].last.w > 0 ? a->views[V_HELP].last.w - 1 : 78;
	const struct view_ops *ops = a->views[st->about].ops;

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
	for (size_t i = 0; i < st->n; i++) {
		const char *s = st->lines[i];
		if (s[0] == '#')
			tlines_add(t, s + 1, w, 0, R_POPUP_TITLE, i + 1);
		else
			tlines_add(t, s, w, 17, R_POPUP, i + 1);
	}
}

static size_t help_rows(struct view *v, struct app *a)
{
	(void)v;
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

static bool help_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
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
	.private_size = sizeof(struct help_state),
	.done = help_done,
	.rows = help_rows,
	.draw = help_draw,
	.match = help_match,
};

/* ---- output ------------------------------------------------------------------ */

static void output_build(struct app *a, struct tlines *t)
{
	int w = text_pane_width(a, V_OUTPUT);
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

static size_t output_rows(struct view *v, struct app *a)
{
	(void)v;
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
	struct rect b = text_pane_body(r);
	char title[128];

	static const char *const next[GUEST_FORMS] = { /* what o shows next */
		"o: -cpu ", "o: Proxmox ", "o: cpu-models.conf ", "o: KubeVirt ", "o: Nova ",
		"o: QMP ", "o: XML ",
	};
	snprintf(title, sizeof(title), "Output: %s", guest_form_title(a->out_form));
	text_pane_title(r, focused, title, next[a->out_form % GUEST_FORMS]);
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

static bool output_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
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
