/* text.c - wrapped, styled text lines for the text panes (explain,
 * glossary, help, output), and small string helpers. */
#include "app.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The first place needle is in hay, case ignored (ASCII), or NULL. */
static const char *str_ifind(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return hay;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return hay;
	}
	return NULL;
}

bool str_icontains(const char *hay, const char *needle)
{
	return str_ifind(hay, needle) != NULL;
}

/* What a search of view v highlights: the text being typed, else the last
 * search (until Esc), in the view it was typed in while that has the
 * focus; NULL otherwise. */
static const char *search_needle(const struct app *a, const struct view *v)
{
	const char *n;

	if (v != &a->views[a->popup == POP_HELP ? V_HELP : a->focus] || v != &a->views[a->search_view])
		return NULL;
	n = a->prompt == PROMPT_SEARCH ? sb_str(&a->input) : a->prompt == PROMPT_NONE ? a->search : NULL;
	return n && *n ? n : NULL;
}

/* Paint the matches of needle in s (painted at row y from column x0). */
static void paint_matches(const struct rect *r, int y, int x0, const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = str_ifind(s, needle); p; p = str_ifind(p + n, needle)) {
		char *head = xstrndup(s, (size_t)(p - s)), *hit = xstrndup(p, n);
		paint_str(r, y, x0 + str_width(head), R_MATCH, hit);
		free(head);
		free(hit);
	}
}

static void tlines_push(struct tlines *t, char *s, enum role role, size_t src)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n++] = (struct tline){ s, role, src };
}

void tlines_add(struct tlines *t, const char *s, int width, int indent, enum role role, size_t src)
{
	bool first = true;

	if (width < 8)
		width = 8;
	if (indent > width / 2)
		indent = width / 2;
	if (!*s) {
		tlines_push(t, xstrdup(""), role, src);
		return;
	}
	while (*s) {
		int avail = first ? width : width - indent;
		/* take as many words as fit */
		const char *p = s, *cut = NULL;
		int w = 0;
		while (*p) {
			int cw = 1;
			size_t n = 1;
			unsigned char c = (unsigned char)*p;
			if (c >= 0x80) {
				/* one UTF-8 character */
				while ((p[n] & 0xc0) == 0x80)
					n++;
				char tmp[8];
				memcpy(tmp, p, n < 7 ? n : 7);
				tmp[n < 7 ? n : 7] = '\0';
				cw = str_width(tmp);
			}
			if (w + cw > avail)
				break;
			if (*p == ' ')
				cut = p;
			w += cw;
			p += n;
		}
		size_t take;
		const char *next;
		if (!*p) {
			take = strlen(s);
			next = s + take;
		} else if (cut && cut > s) {
			take = (size_t)(cut - s);
			next = cut + 1;
		} else {
			take = (size_t)(p - s);
			next = p;
		}
		if (take == 0 && *next == *s) { /* cannot make progress: force one byte */
			take = 1;
			next = s + 1;
		}
		char *line;
		if (first)
			line = xstrndup(s, take);
		else
			line = xasprintf("%*s%.*s", indent, "", (int)take, s);
		tlines_push(t, line, role, src);
		first = false;
		s = next;
		while (*s == ' ')
			s++;
	}
}

void tlines_fini(struct tlines *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

void tlines_draw(struct view *v, struct app *a, const struct tlines *t, const struct rect *r,
		 bool focused, bool cursor)
{
	const char *needle = search_needle(a, v);

	v->page_rows = r->h;
	v->body_y = r->y;
	if (v->sel >= t->n)
		v->sel = t->n ? t->n - 1 : 0;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)r->h)
		v->top = v->sel - (size_t)r->h + 1;
	for (int i = 0; i < r->h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= t->n)
			break;
		const struct tline *l = &t->v[row];
		bool sel = cursor && (row == v->sel || (t->whole && v->sel < t->n &&
							l->src == t->v[v->sel].src));
		enum role role = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : l->role;
		if (sel)
			paint_fill_row(r, r->y + i, r->x, role);
		paint_str(r, r->y + i, r->x, role, l->s);
		if (needle)
			paint_matches(r, r->y + i, r->x, l->s, needle);
	}
	if (v->top > 0)
		paint_str(r, r->y, r->x + r->w - 1, R_DIM, glyph(G_MORE_UP));
	if (v->top + (size_t)r->h < t->n)
		paint_str(r, r->y + r->h - 1, r->x + r->w - 1, R_DIM, glyph(G_MORE_DOWN));
}

/* ---- the text panes' frame ---------------------------------------------- */

int text_pane_width(struct app *a, enum view_id id)
{
	int w = a->views[id].last.w;

	return w > 0 ? w - 1 : 60;
}

void text_pane_title(const struct rect *r, bool focused, const char *title, const char *right)
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

struct rect text_pane_body(const struct rect *r)
{
	return (struct rect){ r->y + 1, r->x, r->h - 1, r->w };
}
