/* keys.c - the action and key tables (see keys.h). */
#include "keys.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "util.h"

#define KEY_ESC 27
#define CTRL(c) ((c) & 0x1f)

/* _(KEYMAP, key code, ACTION); the order within a map is the order of
 * the help.  One line per key: the first key of an action is the one the
 * status bar shows. */
#define KEY_BINDINGS(_) \
	_(GLOBAL, 'q', QUIT) \
	_(GLOBAL, KEY_F(10), QUIT) \
	_(GLOBAL, '?', HELP) \
	_(GLOBAL, KEY_F(1), HELP) \
	_(GLOBAL, 'T', TOUR) \
	_(GLOBAL, '1', PANE_MODELS) \
	_(GLOBAL, '2', PANE_GRID) \
	_(GLOBAL, '3', PANE_GUEST) \
	_(GLOBAL, '4', PANE_EXPLAIN) \
	_(GLOBAL, '5', PANE_GLOSSARY) \
	_(GLOBAL, '6', PANE_HOSTS) \
	_(GLOBAL, '7', PANE_UPGRADE) \
	_(GLOBAL, '8', PANE_DRIFT) \
	_(GLOBAL, '9', PANE_FLEET) \
	_(GLOBAL, '\t', NEXT_PANE) \
	_(GLOBAL, KEY_BTAB, PREV_PANE) \
	_(GLOBAL, KEY_UP, UP) \
	_(GLOBAL, 'k', UP) \
	_(GLOBAL, KEY_DOWN, DOWN) \
	_(GLOBAL, 'j', DOWN) \
	_(GLOBAL, KEY_LEFT, LEFT) \
	_(GLOBAL, 'h', LEFT) \
	_(GLOBAL, KEY_RIGHT, RIGHT) \
	_(GLOBAL, 'l', RIGHT) \
	_(GLOBAL, KEY_PPAGE, PAGE_UP) \
	_(GLOBAL, CTRL('b'), PAGE_UP) \
	_(GLOBAL, KEY_NPAGE, PAGE_DOWN) \
	_(GLOBAL, CTRL('f'), PAGE_DOWN) \
	_(GLOBAL, 'g', FIRST) \
	_(GLOBAL, KEY_HOME, FIRST) \
	_(GLOBAL, 'G', LAST) \
	_(GLOBAL, KEY_END, LAST) \
	_(GLOBAL, '/', SEARCH) \
	_(GLOBAL, 'n', SEARCH_NEXT) \
	_(GLOBAL, 'N', SEARCH_PREV) \
	_(GLOBAL, 's', SAVE) \
	_(GLOBAL, KEY_F(2), SAVE) \
	_(GLOBAL, 'u', UNDO) \
	_(GLOBAL, CTRL('r'), REDO) \
	_(GLOBAL, 'o', OUTPUT_TOGGLE) \
	_(GLOBAL, 'y', COPY) \
	_(GLOBAL, 'e', EXPLAIN) \
	_(GLOBAL, 'p', PROBE) \
	_(GLOBAL, 'w', LIST_WIDTH) \
	_(GLOBAL, 'R', REFERENCE) \
	_(GLOBAL, 'M', MACHINE) \
	_(GLOBAL, KEY_ESC, CANCEL) \
	_(GLOBAL, CTRL('l'), REDRAW) \
	_(MODELS, '\n', USE_MODEL) \
	_(MODELS, 'f', FILTER_USABLE) \
	_(MODELS, 'V', FILTER_VENDOR) \
	_(MODELS, 'D', FILTER_DEPRECATED) \
	_(MODELS, '+', PIN) \
	_(GRID, 'm', GRID_MODE) \
	_(GRID, 'd', ONLY_DIFF) \
	_(GRID, 'x', ONLY_LACKS) \
	_(GRID, ' ', POLICY) \
	_(GRID, 'r', POLICY_CLEAR) \
	_(GRID, '+', PIN) \
	_(GUEST, ' ', POLICY) \
	_(GUEST, 'r', POLICY_CLEAR) \
	_(GUEST, '\n', ACTIVATE) \
	_(GUEST, 'm', CYCLE_MODE) \
	_(GUEST, 'a', CYCLE_MATCH) \
	_(GUEST, 'c', CYCLE_CHECK) \
	_(GUEST, 'f', CYCLE_FALLBACK) \
	_(GUEST, 'v', CYCLE_VERSION) \
	_(EXPLAIN, '\n', ACTIVATE) \
	_(HOSTS, ' ', CHOOSE_HOST) \
	_(HOSTS, 'a', CHOOSE_ALL) \
	_(HOSTS, 'b', BASELINE) \
	_(HOSTS, 'L', LOAD_BASELINE) \
	_(UPGRADE, 't', UPGRADE_TARGET) \
	_(DRIFT, '\n', ACTIVATE) \
	_(DRIFT, 'c', DRIFT_MAP) \
	_(FLEET, '\n', USE_MODEL) \
	_(TOUR, '\n', ACTIVATE) \
	_(TOUR, ' ', ACTIVATE) \
	_(TOUR, KEY_BACKSPACE, TOUR_BACK) \
	_(TOUR, 'b', TOUR_BACK) \
	_(TOUR, KEY_ESC, CANCEL) \
	_(LINE, '\n', LINE_OK) \
	_(LINE, KEY_ESC, LINE_CANCEL) \
	_(LINE, KEY_LEFT, LINE_LEFT) \
	_(LINE, KEY_RIGHT, LINE_RIGHT) \
	_(LINE, KEY_HOME, LINE_HOME) \
	_(LINE, CTRL('a'), LINE_HOME) \
	_(LINE, KEY_END, LINE_END) \
	_(LINE, CTRL('e'), LINE_END) \
	_(LINE, KEY_BACKSPACE, LINE_BS) \
	_(LINE, KEY_DC, LINE_DEL) \
	_(LINE, CTRL('d'), LINE_DEL) \
	_(LINE, CTRL('w'), LINE_WORD) \
	_(LINE, CTRL('u'), LINE_KILL) \
	_(LINE, CTRL('k'), LINE_KILL_END) \
	_(PROMPT, 's', SAVE_QUIT) \
	_(PROMPT, 'y', YES) \
	_(PROMPT, 'n', NO) \
	_(PROMPT, KEY_ESC, NO)

struct binding {
	enum keymap map;
	int key;
	enum action act;
};

static const struct binding bindings[] = {
#define BIND(m, k, a) { KM_##m, (k), ACT_##a },
	KEY_BINDINGS(BIND)
#undef BIND
};

static const char *const action_names[] = {
#define ACTION_NAME(a, h) #a,
	ACTION_INFO(ACTION_NAME)
#undef ACTION_NAME
};

static const char *const action_helps[] = {
#define ACTION_HELP(a, h) h,
	ACTION_INFO(ACTION_HELP)
#undef ACTION_HELP
};

static const char *const keymap_names[] = {
#define KEYMAP_NAME(k, t) #k,
	KEYMAP_INFO(KEYMAP_NAME)
#undef KEYMAP_NAME
};

static const char *const keymap_titles[] = {
#define KEYMAP_TITLE(k, t) t,
	KEYMAP_INFO(KEYMAP_TITLE)
#undef KEYMAP_TITLE
};

const char *action_name(enum action a)
{
	/* "PAGE_DOWN" -> "page-down", in a small rotating set of buffers so
	 * two names can be used in one printf */
	static char bufs[4][32];
	static unsigned next;
	char *b;

	if ((unsigned)a >= ACT__COUNT)
		return "?";
	b = bufs[next++ % 4];
	size_t i = 0;
	for (const char *s = action_names[a]; *s && i + 1 < sizeof(bufs[0]); s++)
		b[i++] = *s == '_' ? '-' : (char)tolower((unsigned char)*s);
	b[i] = '\0';
	return b;
}

const char *action_help(enum action a)
{
	return (unsigned)a < ACT__COUNT ? action_helps[a] : "";
}

const char *keymap_title(enum keymap m)
{
	return (unsigned)m < KM__COUNT ? keymap_titles[m] : "";
}

const char *keymap_name(enum keymap m)
{
	static char bufs[2][16];
	static unsigned next;
	char *b;

	if ((unsigned)m >= KM__COUNT)
		return "?";
	b = bufs[next++ % 2];
	size_t i = 0;
	for (const char *s = keymap_names[m]; *s && i + 1 < sizeof(bufs[0]); s++)
		b[i++] = (char)tolower((unsigned char)*s);
	b[i] = '\0';
	return b;
}

static bool map_falls_back(enum keymap map)
{
	return map != KM_PROMPT && map != KM_LINE && map != KM_GLOBAL;
}

enum action keys_lookup(enum keymap map, int key)
{
	if (key == KEY_ENTER || key == '\r')
		key = '\n';
	if (key == 127 || key == 8)
		key = KEY_BACKSPACE;
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
		if (bindings[i].map == map && bindings[i].key == key)
			return bindings[i].act;
	if (!map_falls_back(map))
		return ACT_NONE;
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
		if (bindings[i].map == KM_GLOBAL && bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}

static const struct {
	int key;
	const char *name;
} named_keys[] = {
	{ ' ', "Space" }, { '\t', "Tab" }, { KEY_BTAB, "S-Tab" }, { '\n', "Enter" },
	{ KEY_ESC, "Esc" }, { KEY_BACKSPACE, "BS" }, { KEY_DC, "Del" }, { KEY_UP, "Up" },
	{ KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },
	{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" }, { KEY_RESIZE, "Resize" },
	{ '<', "lt" }, { KEY_MOUSE, "Mouse" },
};

const char *keys_name(int key, char *buf, size_t size)
{
	/* a terminal's Enter is '\r' (curses runs with nonl), the keypad's
	 * KEY_ENTER: both are the <Enter> of the key table, never <C-m> */
	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	for (size_t i = 0; i < ARRAY_LEN(named_keys); i++)
		if (named_keys[i].key == key && key != '<') {
			snprintf(buf, size, "<%s>", named_keys[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, size, "<F%d>", key - KEY_F(0));
	else if (key >= 1 && key < 32)
		snprintf(buf, size, "<C-%c>", key + 'a' - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "<0x%x>", (unsigned)key);
	return buf;
}

int keys_parse(const char **s)
{
	const char *p = *s;

	if (!*p)
		return -1;
	if (*p != '<' || !strchr(p, '>')) {
		/* one UTF-8 character becomes its first byte's code only for
		 * ASCII; others are passed byte-wise */
		*s = p + 1;
		return (unsigned char)*p;
	}
	const char *end = strchr(p, '>');
	size_t n = (size_t)(end - p - 1);
	char name[32];
	if (n == 0 || n >= sizeof(name)) {
		*s = p + 1;
		return '<';
	}
	memcpy(name, p + 1, n);
	name[n] = '\0';
	*s = end + 1;
	for (size_t i = 0; i < ARRAY_LEN(named_keys); i++)
		if (!strcmp(named_keys[i].name, name))
			return named_keys[i].key;
	if (name[0] == 'F' && isdigit((unsigned char)name[1])) {
		int f = atoi(name + 1);
		if (f >= 1 && f <= 12)
			return KEY_F(f);
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3] && isalpha((unsigned char)name[2]))
		return CTRL(tolower((unsigned char)name[2]));
	return -1;
}

const char *keys_for(enum keymap map, enum action a, char *buf, size_t size)
{
	size_t len = 0;
	char kb[32];

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++) {
		if (bindings[i].map != map || bindings[i].act != a)
			continue;
		int w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
				 keys_name(bindings[i].key, kb, sizeof(kb)));
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

const char *keys_first(enum keymap map, enum action a)
{
	static char bufs[4][32];
	static unsigned next;

	for (int pass = 0; pass < 2; pass++) {
		enum keymap m = pass ? KM_GLOBAL : map;
		for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
			if (bindings[i].map == m && bindings[i].act == a) {
				char *b = bufs[next++ % 4];
				return keys_name(bindings[i].key, b, sizeof(bufs[0]));
			}
	}
	return NULL;
}

/* The actions of a map in table order, each once. */
static size_t map_actions(enum keymap map, enum action *out)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(bindings); i++) {
		bool seen = false;
		if (bindings[i].map != map)
			continue;
		for (size_t j = 0; j < n; j++)
			seen |= out[j] == bindings[i].act;
		if (!seen)
			out[n++] = bindings[i].act;
	}
	return n;
}

void keys_list(FILE *out, bool markdown)
{
	enum action acts[ARRAY_LEN(bindings)];
	char kb[96];

	if (markdown)
		fputs("<!-- generated by `cpuscope --list-keys=markdown` from ui/keys.c; do not edit -->\n",
		      out);
	for (int m = 0; m < KM__COUNT; m++) {
		size_t n = map_actions((enum keymap)m, acts);
		if (markdown)
			fprintf(out, "\n**%s**\n\n| key | action |\n|---|---|\n", keymap_title((enum keymap)m));
		else
			fprintf(out, "%s%s:\n", m ? "\n" : "", keymap_title((enum keymap)m));
		for (size_t i = 0; i < n; i++) {
			keys_for((enum keymap)m, acts[i], kb, sizeof(kb));
			if (markdown) {
				/* every key in a code span; '<' of the help escaped */
				fputs("| `", out);
				for (const char *k = kb; *k; k++) {
					if (k[0] == ',' && k[1] == ' ') {
						fputs("`, `", out);
						k++;
					} else if (*k == '|') {
						fputs("\\|", out);
					} else {
						fputc(*k, out);
					}
				}
				fputs("` | ", out);
				for (const char *h = action_help(acts[i]); *h; h++) {
					if (*h == '<')
						fputs("&lt;", out);
					else if (*h == '|')
						fputs("\\|", out);
					else
						fputc(*h, out);
				}
				fputs(" |\n", out);
			} else {
				fprintf(out, "  %-16s %s\n", kb, action_help(acts[i]));
			}
		}
	}
}

size_t keys_help_lines(enum keymap first, char ***out)
{
	struct vec v = VEC_INIT;
	enum action acts[ARRAY_LEN(bindings)];
	char kb[96];
	int order[KM__COUNT];
	int n = 0;

	order[n++] = (int)first;
	for (int m = 0; m < KM__COUNT; m++)
		if (m != (int)first && m != KM_PROMPT)
			order[n++] = m;
	for (int i = 0; i < n; i++) {
		enum keymap m = (enum keymap)order[i];
		size_t na = map_actions(m, acts);
		if (!na)
			continue;
		vec_push(&v, xasprintf("#%s", keymap_title(m)));
		for (size_t j = 0; j < na; j++)
			vec_push(&v, xasprintf("  %-14s %s", keys_for(m, acts[j], kb, sizeof(kb)),
					       action_help(acts[j])));
		vec_push(&v, xstrdup(""));
	}
	*out = (char **)v.v;
	return v.n;
}
