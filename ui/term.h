/* term.h - the terminal: locale, newterm (a real tty, or /dev/null when
 * headless), the colour theme, glyph tables, clipped painting, and
 * restoring the terminal on exit, errors and SIGINT/SIGTERM.
 *
 * This module owns the UI's globals (the screen, the theme, the glyph
 * table, the signal flag); nothing else in ui/ keeps terminal state.
 */
#ifndef CPUSCOPE_UI_TERM_H
#define CPUSCOPE_UI_TERM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* _(ROLE, mono attributes, foreground, background, colour attributes).
 * -1 is the terminal's default colour.  Colour never carries meaning
 * alone: every cell state also has a glyph. */
#define THEME_ROLES(_) \
	_(DEFAULT, A_NORMAL, -1, -1, A_NORMAL) \
	_(TITLE, A_REVERSE, COLOR_BLACK, COLOR_CYAN, A_NORMAL) \
	_(TAB_ACTIVE, A_BOLD, COLOR_WHITE, COLOR_BLUE, A_BOLD) \
	_(STATUS, A_REVERSE, COLOR_BLACK, COLOR_WHITE, A_NORMAL) \
	_(KEY_HINT, A_BOLD | A_REVERSE, COLOR_BLUE, COLOR_WHITE, A_BOLD) \
	_(SEL_FOCUS, A_REVERSE, COLOR_BLACK, COLOR_CYAN, A_NORMAL) \
	_(SEL_UNFOCUS, A_UNDERLINE, COLOR_BLACK, COLOR_WHITE, A_NORMAL) \
	_(HEADER, A_BOLD | A_UNDERLINE, COLOR_CYAN, -1, A_BOLD) \
	_(GROUP, A_BOLD, COLOR_MAGENTA, -1, A_BOLD) \
	_(BORDER, A_NORMAL, COLOR_BLUE, -1, A_NORMAL) \
	_(PRESENT, A_NORMAL, COLOR_GREEN, -1, A_NORMAL) \
	_(ABSENT, A_DIM, COLOR_WHITE, -1, A_DIM) \
	_(LACKS, A_BOLD, COLOR_RED, -1, A_BOLD) \
	_(CHANGED, A_BOLD | A_UNDERLINE, COLOR_YELLOW, -1, A_BOLD) \
	_(POLICY, A_BOLD, COLOR_CYAN, -1, A_BOLD) \
	_(USABLE, A_NORMAL, COLOR_GREEN, -1, A_NORMAL) \
	_(BLOCKED, A_BOLD, COLOR_RED, -1, A_NORMAL) \
	_(WARN, A_BOLD, COLOR_YELLOW, -1, A_BOLD) \
	_(ERROR, A_BOLD | A_REVERSE, COLOR_WHITE, COLOR_RED, A_BOLD) \
	_(GOOD, A_BOLD, COLOR_GREEN, -1, A_BOLD) \
	_(DIM, A_DIM, COLOR_WHITE, -1, A_DIM) \
	_(XML_TAG, A_NORMAL, COLOR_BLUE, -1, A_BOLD) \
	_(XML_VALUE, A_BOLD, COLOR_GREEN, -1, A_NORMAL) \
	_(MATCH, A_BOLD | A_UNDERLINE, COLOR_BLACK, COLOR_YELLOW, A_NORMAL) \
	_(POPUP, A_NORMAL, COLOR_WHITE, COLOR_BLUE, A_NORMAL) \
	_(POPUP_TITLE, A_BOLD | A_REVERSE, COLOR_BLUE, COLOR_WHITE, A_BOLD)

enum role {
#define ROLE_ENUM(r, m, f, b, a) R_##r,
	THEME_ROLES(ROLE_ENUM)
#undef ROLE_ENUM
	R__COUNT
};

/* _(GLYPH, ascii, utf8) */
#define GLYPHS(_) \
	_(PRESENT, "+", "\u25cf") \
	_(ABSENT, "-", "\u00b7") \
	_(LACKS, "!", "\u2717") \
	_(NA, " ", " ") \
	_(CHANGED, "*", "*") \
	_(USABLE, "+", "\u2713") \
	_(BLOCKED, "!", "\u2717") \
	_(UNKNOWN, "?", "?") \
	_(IDENTICAL, "=", "\u2261") \
	_(SUPERSET, "+", "\u2287") \
	_(VBAR, "|", "\u2502") \
	_(HBAR, "-", "\u2500") \
	_(TL, "+", "\u250c") \
	_(TR, "+", "\u2510") \
	_(BL, "+", "\u2514") \
	_(BR, "+", "\u2518") \
	_(CURSOR, ">", "\u25b8") \
	_(MORE_UP, "^", "\u25b2") \
	_(MORE_DOWN, "v", "\u25bc") \
	_(MORE_LEFT, "<", "\u25c0") \
	_(MORE_RIGHT, ">", "\u25b6") \
	_(ELLIPSIS, "~", "\u2026") \
	_(PIN, "*", "\u25c6") \
	_(ARROW, "->", "\u2192") \
	_(DOT, "-", "\u00b7")

enum glyph {
#define GLYPH_ENUM(g, a, u) G_##g,
	GLYPHS(GLYPH_ENUM)
#undef GLYPH_ENUM
	G__COUNT
};

struct rect {
	int y, x, h, w;
};

/* Start curses.  Headless (CPUSCOPE_NO_DISPLAY non-empty): newterm on
 * /dev/null, size from LINES/COLUMNS (default 80x24).  Otherwise stdin
 * and stdout must be a terminal.  On failure msg says why and the
 * terminal is untouched. */
bool term_init(char *msg, size_t size);
/* End curses and restore the terminal; safe to call twice. */
void term_fini(void);
bool term_active(void);
bool term_headless(void);
bool term_utf8(void);
bool term_mono(void);
/* SIGINT/SIGTERM/SIGHUP received (0 if none); the loop quits on it. */
int term_signal(void);
/* The signal mask to wait with (ppoll): while the loop works, SIGINT,
 * SIGTERM, SIGHUP and SIGWINCH are blocked; NULL when not masked. */
const sigset_t *term_wait_mask(void);
/* Resize the virtual screen (headless tests). */
void term_resize(int lines, int cols);

const char *glyph(enum glyph g);
int role_attr(enum role r); /* attributes incl. colour pair */
const char *role_name(enum role r);
/* The role whose attributes are attr (first match), or -1. */
int role_of_attr(int attr);

/* Painting on stdscr, clipped to r.  Strings are UTF-8, measured and cut
 * by display columns.  Return the columns written. */
int paint_str(const struct rect *r, int y, int x, enum role role, const char *s);
/* Pad with spaces to the clip width from x (a full row in role). */
void paint_fill_row(const struct rect *r, int y, int x, enum role role);
void paint_fill(const struct rect *r, enum role role);
/* Display width of a UTF-8 string (invalid bytes count 1). */
int str_width(const char *s);
/* Make s fit in w columns, cutting with an ellipsis glyph: out gets the
 * result (at most size-1 bytes). */
const char *str_fit(const char *s, int w, char *out, size_t size);

/* The screen as text (one line per row, trailing blanks trimmed); with
 * attrs, each row is followed by a line of role letters ('.' default). */
char *term_dump(bool attrs);

/* OSC 52 clipboard copy (written straight to the terminal). */
void term_osc52(const char *text);

#endif
