/* layout.c - panes on the screen, generic list movement, the bars and
 * popups, and the "too small" note.  Only this file decides where things
 * go; views paint inside the rectangle they are given. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>


#define MIN_COLS 50
#define MIN_LINES 12

/* ---- generic movement ---------------------------------------------------- */

void view_clamp(struct view *v, struct app *a)
{
	size_t n = v->ops->rows ? v->ops->rows(v, a) : 0;
	size_t h = v->page_rows > 0 ? (size_t)v->page_rows : 1;

	if (!n) {
		v->sel = v->top = 0;
		return;
	}
	if (v->sel >= n)
		v->sel = n - 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + h)
		v->top = v->sel - h + 1;
	if (v->top + h > n)
		v->top = n > h ? n - h : 0;
}

unsigned view_move(struct view *v, struct app *a, enum action act)
{
	size_t n = v->ops->rows ? v->ops->rows(v, a) : 0;
	size_t page = v->page_rows > 1 ? (size_t)v->page_rows - 1 : 1;
	size_t old = v->sel;

	if (!n)
		return RE_REDRAW;
	switch (act) {
	case ACT_UP:
		if (v->sel)
			v->sel--;
		break;
	case ACT_DOWN:
		if (v->sel + 1 < n)
			v->sel++;
		break;
	case ACT_PAGE_UP:
		v->sel = v->sel > page ? v->sel - page : 0;
		if (v->top > page)
			v->top -= page;
		else
			v->top = 0;
		break;
	case ACT_PAGE_DOWN:
		v->sel = v->sel + page < n ? v->sel + page : n - 1;
		v->top += page;
		break;
	case ACT_FIRST:
		v->sel = 0;
		break;
	case ACT_LAST:
		v->sel = n - 1;
		break;
	default:
		return 0;
	}
	view_clamp(v, a);
	if (v->sel != old && v->ops->on_select)
		return v->ops->on_select(v, a) | RE_REDRAW;
	return RE_REDRAW;
}

void app_focus(struct app *a, enum view_id id)
{
	a->focus = id;
	switch (id) {
	case V_GRID: a->page = PAGE_GRID; break;
	case V_GUEST: case V_OUTPUT: a->page = PAGE_GUEST; break;
	case V_EXPLAIN: a->page = PAGE_EXPLAIN; break;
	case V_GLOSSARY: a->page = PAGE_GLOSSARY; break;
	case V_HOSTS: case V_HOSTINFO: a->page = PAGE_HOSTS; break;
	case V_UPGRADE: a->page = PAGE_UPGRADE; break;
	case V_DRIFT: a->page = PAGE_DRIFT; break;
	case V_FLEET: a->page = PAGE_FLEET; break;
	default: break;
	}
	if (a->page == PAGE_HOSTS || a->page == PAGE_FLEET)
		app_hosts_build(a); /* data/hosts is read the first time the pane shows */
	a->need_redraw = true;
}

enum keymap app_keymap(struct app *a)
{
	return a->views[a->focus].ops->keymap;
}

/* ---- bars ------------------------------------------------------------------ */

/* The tab bar: each tab is the key of its pane; a click on it does what
 * the key does. */
static const struct {
	const char *label;
	int page; /* -1: the models list (on every page) */
	enum action act;
} tabs[] = {
	{ "1 Models", -1, ACT_PANE_MODELS }, { "2 Grid", PAGE_GRID, ACT_PANE_GRID },
	{ "3 Guest", PAGE_GUEST, ACT_PANE_GUEST }, { "4 Explain", PAGE_EXPLAIN, ACT_PANE_EXPLAIN },
	{ "5 Glossary", PAGE_GLOSSARY, ACT_PANE_GLOSSARY }, { "6 Hosts", PAGE_HOSTS, ACT_PANE_HOSTS },
	{ "7 Upgrade", PAGE_UPGRADE, ACT_PANE_UPGRADE }, { "8 Drift", PAGE_DRIFT, ACT_PANE_DRIFT },
	{ "9 Fleet", PAGE_FLEET, ACT_PANE_FLEET },
};
#define TABS_FIRST " cpuscope "

static bool tab_active(const struct app *a, size_t i)
{
	return tabs[i].page < 0 ? a->focus == V_MODELS : (int)a->page == tabs[i].page;
}

/* 7 Upgrade, 8 Drift and 9 Fleet show while they are open: the 80-column
 * bar holds six */
static bool tab_shown(const struct app *a, size_t i)
{
	int p = tabs[i].page;

	return (p != PAGE_UPGRADE && p != PAGE_DRIFT && p != PAGE_FLEET) || tab_active(a, i);
}

/* The tab at column x of the tab bar, or -1. */
static int tab_at(const struct app *a, int x)
{
	int tx = str_width(TABS_FIRST);

	for (size_t i = 0; i < ARRAY_LEN(tabs); i++) {
		if (!tab_shown(a, i))
			continue;
		int w = str_width(tabs[i].label);
		tx += 1; /* the space before it */
		if (x >= tx && x < tx + w)
			return (int)i;
		tx += w;
	}
	return -1;
}

static void paint_tabs(struct app *a, const struct rect *r)
{
	int x = r->x;

	paint_fill_row(r, r->y, r->x, R_TITLE);
	x += paint_str(r, r->y, x, R_TITLE, TABS_FIRST);
	for (size_t i = 0; i < ARRAY_LEN(tabs); i++) {
		bool active = tab_active(a, i);
		if (!tab_shown(a, i))
			continue;
		x += paint_str(r, r->y, x, R_TITLE, " ");
		x += paint_str(r, r->y, x, active ? R_TAB_ACTIVE : R_TITLE, tabs[i].label);
	}
	/* the longest that fits */
	static const char *const rights[2][3] = {
		{ "? help  q quit ", "? help ", "" },
		{ "[modified]  ? help  q quit ", "[modified]  ? help ", "[modified] " },
	};
	for (int i = 0; i < 3; i++) {
		bool dirty = app_dirty(a);
		const char *right = rights[dirty][i];
		int rw = str_width(right);
		if (!rw || r->x + r->w - rw <= x + 1)
			continue;
		paint_str(r, r->y, r->x + r->w - rw, dirty ? R_WARN : R_TITLE, right);
		break;
	}
}

static void paint_info(struct app *a, const struct rect *r)
{
	char buf[1024];
	size_t usable = app_models_usable(a);
	snprintf(buf, sizeof(buf), " QEMU %s %s %s %s %s %zu/%zu usable on %s",
		 a->ds->qemu_version ? a->ds->qemu_version : "?", a->ds->accel ? a->ds->accel : "",
		 glyph(G_DOT), a->md->machine, glyph(G_DOT), usable, app_models_count(a), a->host_label);
	paint_fill_row(r, r->y, r->x, R_DEFAULT);
	paint_str(r, r->y, r->x, R_DIM, buf);
}

static void paint_status(struct app *a, const struct rect *r)
{
	char hint[256] = "";
	int x = r->x;

	paint_fill_row(r, r->y, r->x, R_STATUS);
	if (a->prompt != PROMPT_NONE) {
		x += paint_str(r, r->y, x, R_KEY_HINT, a->prompt == PROMPT_SEARCH ? "/" :
			       a->prompt == PROMPT_SAVE ? "save to: " :
			       a->prompt == PROMPT_MACHINE ? "machine type: " : "probe (BINARY [MACHINE,...]): ");
		/* the text, with the cursor on the character it is before */
		{
			const char *s = sb_str(&a->input);
			size_t cur = a->input_cur < a->input.len ? a->input_cur : a->input.len, next = cur;
			char *head = xstrndup(s, cur), *at;
			while (next < a->input.len && (next == cur || ((unsigned char)s[next] & 0xc0) == 0x80))
				next++;
			at = xstrndup(s + cur, next - cur);
			x += paint_str(r, r->y, x, R_STATUS, head);
			x += paint_str(r, r->y, x, R_KEY_HINT, at[0] ? at : " ");
			paint_str(r, r->y, x, R_STATUS, s + next);
			free(head);
			free(at);
		}
		paint_str(r, r->y, r->x + r->w - 24, R_STATUS,
			  r->w > 60 ? "  Enter: ok  Esc: cancel " : "");
		return;
	}
	if (a->popup == POP_CONFIRM_QUIT || a->popup == POP_CONFIRM_OVERWRITE) {
		char q[600];
		if (a->popup == POP_CONFIRM_QUIT)
			snprintf(q, sizeof(q), "The guest CPU has unsaved changes. %s save and quit, %s quit "
				 "anyway, %s stay", keys_first(KM_PROMPT, ACT_SAVE_QUIT),
				 keys_first(KM_PROMPT, ACT_YES), keys_first(KM_PROMPT, ACT_NO));
		else
			snprintf(q, sizeof(q), "%s exists. Overwrite it? (y/n)", a->save_path);
		paint_str(r, r->y, x, R_WARN, q);
		return;
	}
	if (a->probe && a->probe_status[0]) {
		paint_str(r, r->y, x, R_STATUS, a->probe_status);
		return;
	}
	if (app_hosts_status(a)) {
		paint_str(r, r->y, x, R_STATUS, app_hosts_status(a));
		return;
	}
	if (a->status[0]) {
		x += paint_str(r, r->y, x, a->status_role == R_DEFAULT ? R_STATUS : a->status_role,
			       a->status);
	}
	/* key hints of the focused pane, generated from the key table */
	{
		static const enum action per_view[V__COUNT][5] = {
			[V_MODELS] = { ACT_USE_MODEL, ACT_FILTER_USABLE, ACT_PIN, ACT_SEARCH, ACT_NONE },
			[V_GRID] = { ACT_GRID_MODE, ACT_ONLY_DIFF, ACT_ONLY_LACKS, ACT_POLICY, ACT_NONE },
			[V_GUEST] = { ACT_POLICY, ACT_CYCLE_MODE, ACT_CYCLE_VERSION, ACT_SAVE, ACT_NONE },
			[V_OUTPUT] = { ACT_OUTPUT_TOGGLE, ACT_SAVE, ACT_UNDO, ACT_COPY, ACT_NONE },
			[V_EXPLAIN] = { ACT_ACTIVATE, ACT_NONE },
			[V_GLOSSARY] = { ACT_SEARCH, ACT_NONE },
			[V_HOSTS] = { ACT_CHOOSE_HOST, ACT_CHOOSE_ALL, ACT_BASELINE, ACT_LOAD_BASELINE,
				      ACT_NONE },
			[V_HOSTINFO] = { ACT_CHOOSE_HOST, ACT_BASELINE, ACT_LOAD_BASELINE, ACT_NONE },
			[V_UPGRADE] = { ACT_UPGRADE_TARGET, ACT_SEARCH, ACT_NONE },
			[V_DRIFT] = { ACT_ACTIVATE, ACT_DRIFT_MAP, ACT_NONE },
			[V_FLEET] = { ACT_USE_MODEL, ACT_SEARCH, ACT_NONE },
			[V_HELP] = { ACT_CANCEL, ACT_NONE },
		};
		static const char *const short_names[ACT__COUNT] = {
			[ACT_USE_MODEL] = "use", [ACT_FILTER_USABLE] = "filter", [ACT_PIN] = "pin",
			[ACT_SEARCH] = "search", [ACT_GRID_MODE] = "columns", [ACT_ONLY_DIFF] = "diffs",
			[ACT_ONLY_LACKS] = "lacks", [ACT_POLICY] = "policy", [ACT_CYCLE_MODE] = "mode",
			[ACT_CYCLE_VERSION] = "version", [ACT_SAVE] = "save", [ACT_OUTPUT_TOGGLE] = "xml/-cpu",
			[ACT_UNDO] = "undo", [ACT_COPY] = "copy", [ACT_ACTIVATE] = "apply fix",
			[ACT_CANCEL] = "close", [ACT_CHOOSE_HOST] = "choose", [ACT_CHOOSE_ALL] = "all",
			[ACT_BASELINE] = "baseline", [ACT_LOAD_BASELINE] = "load",
			[ACT_UPGRADE_TARGET] = "next target",
			[ACT_DRIFT_MAP] = "map",
		};
		enum keymap km = a->views[a->focus].ops->keymap;
		size_t len = 0;
		for (int i = 0; i < 5 && per_view[a->focus][i] != ACT_NONE; i++) {
			enum action act = per_view[a->focus][i];
			const char *k = keys_first(km, act);
			if (!k)
				continue;
			int w = snprintf(hint + len, sizeof(hint) - len, "%s%s %s", len ? "  " : "", k,
					 short_names[act] ? short_names[act] : action_name(act));
			if (w < 0 || (size_t)w >= sizeof(hint) - len)
				break;
			len += (size_t)w;
		}
	}
	int hw = str_width(hint) + 1;
	if (r->x + r->w - hw > x + 2)
		paint_str(r, r->y, r->x + r->w - hw, R_STATUS, hint);
}

/* ---- popups ---------------------------------------------------------------- */

static void paint_box(const struct rect *b, const char *title)
{
	paint_fill(b, R_POPUP);
	for (int x = b->x; x < b->x + b->w; x++) {
		paint_str(b, b->y, x, R_POPUP, glyph(G_HBAR));
		paint_str(b, b->y + b->h - 1, x, R_POPUP, glyph(G_HBAR));
	}
	for (int y = b->y; y < b->y + b->h; y++) {
		paint_str(b, y, b->x, R_POPUP, glyph(G_VBAR));
		paint_str(b, y, b->x + b->w - 1, R_POPUP, glyph(G_VBAR));
	}
	paint_str(b, b->y, b->x, R_POPUP, glyph(G_TL));
	paint_str(b, b->y, b->x + b->w - 1, R_POPUP, glyph(G_TR));
	paint_str(b, b->y + b->h - 1, b->x, R_POPUP, glyph(G_BL));
	paint_str(b, b->y + b->h - 1, b->x + b->w - 1, R_POPUP, glyph(G_BR));
	if (title) {
		char t[256];
		snprintf(t, sizeof(t), " %s ", title);
		paint_str(b, b->y, b->x + 2, R_POPUP_TITLE, t);
	}
}

static void paint_help(struct app *a, const struct rect *body)
{
	struct rect b = *body, in;
	struct view *v = &a->views[V_HELP];
	char title[128];

	if (b.w > 86) {
		b.x += (b.w - 86) / 2;
		b.w = 86;
	}
	snprintf(title, sizeof(title), "Help: %s (Esc closes)", a->views[app_help_about(a)].ops->title);
	paint_box(&b, title);
	in = (struct rect){ b.y + 1, b.x + 2, b.h - 2, b.w - 4 };
	if (in.h < 1 || in.w < 1)
		return;
	v->ops->draw(v, a, &in, true);
}

static void paint_tour(struct app *a, const struct rect *body)
{
	struct rect b = *body, in;
	char title[128];
	struct tlines t = { 0 };
	int bw = body->w > 90 ? 90 : body->w;

	for (size_t i = 0; i < a->ntour_lines; i++)
		tlines_add(&t, a->tour_lines[i], bw - 4, 2, R_POPUP, i);
	int h = (int)t.n + 2;

	if (h > body->h)
		h = body->h;
	b.y = body->y + body->h - h;
	b.h = h;
	if (b.w > 90) {
		b.x += (b.w - 90) / 2;
		b.w = 90;
	}
	snprintf(title, sizeof(title), "Tour %d/%zu: Enter next, b back, Esc ends", a->tour_step + 1,
		 tour_steps());
	paint_box(&b, title);
	in = (struct rect){ b.y + 1, b.x + 2, b.h - 2, b.w - 4 };
	for (size_t i = 0; i < t.n && (int)i < in.h; i++)
		paint_str(&in, in.y + (int)i, in.x, R_POPUP, t.v[i].s);
	tlines_fini(&t);
}

/* ---- the frame --------------------------------------------------------------- */

static void paint_pane(struct app *a, enum view_id id, const struct rect *r)
{
	struct view *v = &a->views[id];

	if (r->w <= 0 || r->h <= 0)
		return;
	v->last = *r;
	v->ops->draw(v, a, r, a->focus == id && a->popup != POP_HELP);
}

static void paint_too_small(const struct rect *scr)
{
	char l1[64], l2[64];

	char l3[64];
	int y = scr->y + (scr->h > 4 ? scr->h / 2 - 2 : 0);

	/* short lines, so that even 10x5 shows all of it */
	snprintf(l1, sizeof(l1), "too small");
	snprintf(l2, sizeof(l2), "need %dx%d", MIN_COLS, MIN_LINES);
	snprintf(l3, sizeof(l3), "have %dx%d", scr->w, scr->h);
	paint_fill(scr, R_DEFAULT);
	paint_str(scr, y, scr->x, R_WARN, l1);
	paint_str(scr, y + 1, scr->x, R_DEFAULT, l2);
	paint_str(scr, y + 2, scr->x, R_DEFAULT, l3);
	paint_str(scr, y + 3, scr->x, R_DIM, "q quits");
}

/* Two views in r, one above the other: the upper one th rows. */
static void paint_stacked(struct app *a, const struct rect *r, int th, enum view_id upper,
			  enum view_id lower)
{
	struct rect top = *r, bot = *r;

	top.h = th;
	bot.y = r->y + th;
	bot.h = r->h - th;
	paint_pane(a, upper, &top);
	paint_pane(a, lower, &bot);
}

void app_paint(struct app *a)
{
	struct rect scr = { 0, 0, LINES, COLS };

	if (a->full_redraw) {
		clearok(curscr, TRUE);
		a->full_redraw = false;
	}
	erase();
	for (int i = 0; i < V__COUNT; i++)
		a->views[i].last = (struct rect){ 0, 0, 0, 0 };
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		paint_too_small(&scr);
		goto out;
	}
	struct rect bar = { 0, 0, 1, COLS }, info = { 1, 0, 1, COLS }, status = { LINES - 1, 0, 1, COLS };
	struct rect body = { 2, 0, LINES - 3, COLS };
	paint_tabs(a, &bar);
	paint_info(a, &info);

	bool split = COLS >= 70 && a->list_width != LIST_HIDDEN;
	int lw = a->list_width == LIST_NARROW ? 24 : COLS >= 120 ? 60 : 32;
	struct rect left = body, right = body;
	/* the hosts table needs the width: the hosts page takes the whole
	 * body while it has the focus (1 or Tab brings the models list back) */
	bool wide = (a->page == PAGE_HOSTS || a->page == PAGE_FLEET) && a->focus != V_MODELS;
	if (split && !wide) {
		left.w = lw;
		right.x = lw + 1;
		right.w = COLS - lw - 1;
		for (int y = body.y; y < body.y + body.h; y++)
			paint_str(&body, y, lw, R_BORDER, glyph(G_VBAR));
		paint_pane(a, V_MODELS, &left);
	} else if (a->focus == V_MODELS) {
		paint_pane(a, V_MODELS, &body);
		goto bars;
	}
	switch (a->page) {
	case PAGE_GRID:
		paint_pane(a, V_GRID, &right);
		break;
	case PAGE_GUEST:
		if (!split && right.h < 16) {
			/* narrow and short: one of the two */
			paint_pane(a, a->focus == V_OUTPUT ? V_OUTPUT : V_GUEST, &right);
			break;
		}
		paint_stacked(a, &right, right.h / 2, V_GUEST, V_OUTPUT);
		break;
	case PAGE_EXPLAIN:
		paint_pane(a, V_EXPLAIN, &right);
		break;
	case PAGE_UPGRADE:
		paint_pane(a, V_UPGRADE, &right);
		break;
	case PAGE_FLEET:
		paint_pane(a, V_FLEET, &right);
		break;
	case PAGE_HOSTS: {
		int th = (int)app_hosts_count(a) + 2;
		if (right.h < 16) {
			/* short: one of the two */
			paint_pane(a, a->focus == V_HOSTINFO ? V_HOSTINFO : V_HOSTS, &right);
			break;
		}
		/* the list whole if the details keep 8 rows, else 3/5 of it */
		int cap = right.h - 8 > right.h * 3 / 5 ? right.h - 8 : right.h * 3 / 5;
		if (th > cap)
			th = cap;
		if (th < 4)
			th = 4;
		paint_stacked(a, &right, th, V_HOSTS, V_HOSTINFO);
		break;
	}
	case PAGE_DRIFT:
		paint_pane(a, V_DRIFT, &right);
		break;
	default:
		paint_pane(a, V_GLOSSARY, &right);
		break;
	}
bars:
	if (a->popup == POP_HELP)
		paint_help(a, &body);
	else if (a->popup == POP_TOUR)
		paint_tour(a, &body);
	paint_status(a, &status);
out:
	refresh();
	a->need_redraw = false;
}

/* ---- mouse --------------------------------------------------------------------- */

void app_mouse(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	app_click(a, ev.y, ev.x, ev.bstate & BUTTON4_PRESSED ? MOUSE_WHEEL_UP :
		  ev.bstate & BUTTON5_PRESSED ? MOUSE_WHEEL_DOWN : MOUSE_CLICK);
}

void app_click(struct app *a, int y, int x, enum mouse_kind kind)
{
	if (a->popup != POP_NONE || a->prompt != PROMPT_NONE)
		return;
	if (y == 0 && kind == MOUSE_CLICK && COLS >= MIN_COLS && LINES >= MIN_LINES) {
		int t = tab_at(a, x);
		if (t >= 0)
			app_action(a, tabs[t].act);
		return;
	}
	for (int id = 0; id < V__COUNT; id++) {
		struct view *v = &a->views[id];
		const struct rect *r = &v->last;
		if (id == V_HELP || r->w <= 0 || y < r->y || y >= r->y + r->h || x < r->x ||
		    x >= r->x + r->w)
			continue;
		if (kind == MOUSE_WHEEL_UP) {
			for (int i = 0; i < 3; i++)
				app_handle_reaction(a, view_move(v, a, ACT_UP));
		} else if (kind == MOUSE_WHEEL_DOWN) {
			for (int i = 0; i < 3; i++)
				app_handle_reaction(a, view_move(v, a, ACT_DOWN));
		} else {
			app_focus(a, (enum view_id)id);
			if (y >= v->body_y) {
				size_t row = v->top + (size_t)(y - v->body_y);
				if (row < (v->ops->rows ? v->ops->rows(v, a) : 0) && row != v->sel) {
					v->sel = row;
					if (v->ops->on_select)
						app_handle_reaction(a, v->ops->on_select(v, a));
				}
			}
		}
		a->need_redraw = true;
		return;
	}
}
