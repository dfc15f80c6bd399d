/* term.c - terminal setup, theme, glyphs, clipped painting (see term.h). */
#include "term.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "util.h"

/* ---- the globals of the UI (the only ones in cpuscope) ---------------- */
static SCREEN *g_screen;
static FILE *g_in, *g_out;
static bool g_active, g_headless, g_utf8, g_mono;
static int g_attr[R__COUNT];
static volatile sig_atomic_t g_signal;
static sigset_t g_wait_mask; /* the mask to wait with: our signals unblocked */
static sigset_t g_old_mask;
static bool g_masked;

static const char *const glyph_ascii[] = {
#define GLYPH_A(g, a, u) a,
	GLYPHS(GLYPH_A)
#undef GLYPH_A
};
static const char *const glyph_utf8[] = {
#define GLYPH_U(g, a, u) u,
	GLYPHS(GLYPH_U)
#undef GLYPH_U
};

static const struct {
	const char *name;
	int mono, fg, bg, attr;
} roles[] = {
#define ROLE_ROW(r, m, f, b, a) { #r, (int)(m), (f), (b), (int)(a) },
	THEME_ROLES(ROLE_ROW)
#undef ROLE_ROW
};

const char *glyph(enum glyph g)
{
	if ((unsigned)g >= G__COUNT)
		return "?";
	return g_utf8 ? glyph_utf8[g] : glyph_ascii[g];
}

int role_attr(enum role r)
{
	return (unsigned)r < R__COUNT ? g_attr[r] : (int)A_NORMAL;
}

const char *role_name(enum role r)
{
	return (unsigned)r < R__COUNT ? roles[r].name : "?";
}

int role_of_attr(int attr)
{
	for (int r = 0; r < R__COUNT; r++)
		if (g_attr[r] == attr)
			return r;
	return -1;
}

bool term_active(void)
{
	return g_active;
}

bool term_headless(void)
{
	return g_headless;
}

bool term_utf8(void)
{
	return g_utf8;
}

bool term_mono(void)
{
	return g_mono;
}

int term_signal(void)
{
	return (int)g_signal;
}

/* ---- signals ----------------------------------------------------------- */

static void on_quit_signal(int sig)
{
	g_signal = sig;
}

static void on_fatal_signal(int sig)
{
	/* best effort: put the terminal back before dying */
	if (g_active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
}

/* Our signals (and SIGWINCH) are delivered only while the loop waits in
 * ppoll(), so a signal can never slip in between "check the flags" and
 * "wait" (which would leave the wait blocked until the next key). */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, &g_old_mask) == 0) {
		g_masked = true;
		g_wait_mask = g_old_mask;
		sigdelset(&g_wait_mask, SIGINT);
		sigdelset(&g_wait_mask, SIGTERM);
		sigdelset(&g_wait_mask, SIGHUP);
		sigdelset(&g_wait_mask, SIGWINCH);
	}
}

const sigset_t *term_wait_mask(void)
{
	return g_masked ? &g_wait_mask : NULL;
}

static void restore_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
}

/* ---- theme ------------------------------------------------------------- */

static void theme_init(void)
{
	const char *nc = getenv("NO_COLOR");

	g_mono = (nc && *nc) || !has_colors();
	if (!g_mono) {
		start_color();
		if (COLORS < 8 || COLOR_PAIRS < R__COUNT + 1) {
			g_mono = true;
		} else {
			use_default_colors();
		}
	}
	for (int r = 0; r < R__COUNT; r++) {
		if (g_mono) {
			g_attr[r] = roles[r].mono;
			continue;
		}
		init_pair((short)(r + 1), (short)roles[r].fg, (short)roles[r].bg);
		g_attr[r] = roles[r].attr | (int)COLOR_PAIR(r + 1);
	}
}

/* ---- setup ------------------------------------------------------------- */

bool term_init(char *msg, size_t size)
{
	const char *nd = getenv("CPUSCOPE_NO_DISPLAY");
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	g_utf8 = cs && !strcmp(cs, "UTF-8");
	g_headless = nd && *nd;
	if (g_headless) {
		g_out = fopen("/dev/null", "w");
		g_in = fopen("/dev/null", "r");
		if (!g_out || !g_in) {
			snprintf(msg, size, "tui: cannot open /dev/null");
			goto fail;
		}
		if (!getenv("TERM"))
			setenv("TERM", "dumb", 1);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(msg, size, "tui: the explorer needs a terminal (stdin and stdout); "
					    "the other commands work anywhere (see cpuscope --help)");
			return false;
		}
		g_in = stdin;
		g_out = stdout;
	}
	g_screen = newterm(NULL, g_out, g_in);
	if (!g_screen) {
		const char *t = getenv("TERM");
		snprintf(msg, size, "tui: cannot start curses on terminal type '%s'", t ? t : "(unset)");
		goto fail;
	}
	set_term(g_screen);
	g_active = true;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* headless too: the scripts' :click queues events for getmouse() */
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	theme_init();
	install_signals();
	block_signals();
	atexit(term_fini);
	return true;
fail:
	if (g_headless) {
		if (g_out)
			fclose(g_out);
		if (g_in)
			fclose(g_in);
	}
	g_in = g_out = NULL;
	return false;
}

void term_fini(void)
{
	if (!g_active)
		return;
	g_active = false;
	if (!g_headless) {
		curs_set(1);
		endwin();
	} else {
		endwin();
	}
	delscreen(g_screen);
	g_screen = NULL;
	if (g_headless) {
		fclose(g_out);
		fclose(g_in);
	}
	g_in = g_out = NULL;
	restore_signals();
	if (g_masked) {
		g_masked = false;
		sigprocmask(SIG_SETMASK, &g_old_mask, NULL);
	}
}

void term_resize(int lines, int cols)
{
	if (g_active && lines > 0 && cols > 0)
		resizeterm(lines, cols);
}

/* ---- painting ---------------------------------------------------------- */

/* Decode one character of s (UTF-8 in a UTF-8 locale, else bytes); sets
 * *wc and its width, returns the bytes consumed (>= 1). */
static size_t next_char(const char *s, wchar_t *wc, int *width)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	if ((unsigned char)*s < 0x80) {
		*wc = (wchar_t)(unsigned char)*s;
		*width = *wc < 32 ? 1 : 1;
		if (*wc < 32)
			*wc = L'?';
		return 1;
	}
	n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	*width = wcwidth(*wc);
	if (*width < 0) {
		*wc = L'?';
		*width = 1;
	}
	return n;
}

int str_width(const char *s)
{
	int w = 0;

	while (s && *s) {
		wchar_t wc;
		int cw;
		s += next_char(s, &wc, &cw);
		w += cw;
	}
	return w;
}

const char *str_fit(const char *s, int w, char *out, size_t size)
{
	const char *ell = glyph(G_ELLIPSIS);
	int ellw = str_width(ell);
	size_t len = 0;
	int used = 0;

	if (size == 0)
		return out;
	out[0] = '\0';
	if (w <= 0)
		return out;
	if (str_width(s) <= w) {
		snprintf(out, size, "%s", s);
		return out;
	}
	while (*s) {
		wchar_t wc;
		int cw;
		size_t n = next_char(s, &wc, &cw);
		if (used + cw + ellw > w || len + n + strlen(ell) + 1 > size)
			break;
		memcpy(out + len, s, n);
		len += n;
		used += cw;
		s += n;
	}
	if (used + ellw <= w && len + strlen(ell) + 1 <= size) {
		memcpy(out + len, ell, strlen(ell));
		len += strlen(ell);
	}
	out[len] = '\0';
	return out;
}

/* Length of the leading printable-ASCII run of s. */
static size_t ascii_run(const char *s)
{
	size_t n = 0;

	while (s[n] >= 32 && s[n] < 127)
		n++;
	return n;
}

int paint_str(const struct rect *r, int y, int x, enum role role, const char *s)
{
	int col = x, attr = role_attr(role);

	if (!g_active || y < r->y || y >= r->y + r->h || y >= LINES || y < 0 || !s)
		return 0;
	/* fast path: a printable ASCII string goes out in one call */
	size_t n = ascii_run(s);
	if (!s[n]) {
		int lo = x < r->x ? r->x : x;
		int hi = r->x + r->w < COLS ? r->x + r->w : COLS;
		if (lo < hi && lo < x + (int)n) {
			int len = (x + (int)n < hi ? x + (int)n : hi) - lo;
			attrset((attr_t)attr);
			mvaddnstr(y, lo, s + (lo - x), len);
			attrset(A_NORMAL);
		}
		return (int)n < hi - x ? (int)n : (hi - x > 0 ? hi - x : 0);
	}
	while (*s) {
		wchar_t wc[2] = { 0, 0 };
		int cw;
		s += next_char(s, &wc[0], &cw);
		if (col + cw > r->x + r->w || col + cw > COLS)
			break;
		if (col >= r->x && cw > 0) {
			cchar_t cc;
			setcchar(&cc, wc, (attr_t)(attr & ~A_COLOR), (short)PAIR_NUMBER(attr), NULL);
			mvadd_wch(y, col, &cc);
		}
		col += cw;
	}
	return col - x;
}

void paint_fill_row(const struct rect *r, int y, int x, enum role role)
{
	int attr = role_attr(role);
	int hi = r->x + r->w < COLS ? r->x + r->w : COLS;

	if (!g_active || y < r->y || y >= r->y + r->h || y >= LINES || y < 0)
		return;
	if (x < r->x)
		x = r->x;
	if (x >= hi)
		return;
	mvhline(y, x, ' ' | (chtype)attr, hi - x);
}

void paint_fill(const struct rect *r, enum role role)
{
	for (int y = r->y; y < r->y + r->h; y++)
		paint_fill_row(r, y, r->x, role);
}

char *term_dump(bool attrs)
{
	struct strbuf sb = STRBUF_INIT;

	for (int y = 0; y < LINES; y++) {
		struct strbuf line = STRBUF_INIT, al = STRBUF_INIT;
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t a;
			short pair;
			char mb[16];
			if (mvin_wch(y, x, &cc) == ERR)
				break;
			getcchar(&cc, wc, &a, &pair, NULL);
			if (wc[0] == 0)
				continue; /* the right half of a wide character */
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(mb, wc[0], &st);
			if (n == (size_t)-1) {
				mb[0] = '?';
				n = 1;
			}
			sb_addn(&line, mb, n);
			int role = role_of_attr((int)(a & ~A_COLOR) | (int)COLOR_PAIR(pair));
			sb_addc(&al, role <= 0 ? '.' : role < 27 ? (char)('a' + role - 1) : '#');
		}
		while (line.len && line.s[line.len - 1] == ' ')
			line.len--;
		sb_addn(&sb, line.s ? line.s : "", line.len);
		sb_addc(&sb, '\n');
		if (attrs) {
			while (al.len && al.s[al.len - 1] == '.')
				al.len--;
			sb_add(&sb, "  ");
			sb_addn(&sb, al.s ? al.s : "", al.len);
			sb_addc(&sb, '\n');
		}
		sb_fini(&line);
		sb_fini(&al);
	}
	return sb_take(&sb);
}

void term_osc52(const char *text)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(text);

	sb_add(&sb, "\033]52;c;");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)text[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)text[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)text[i + 2];
		sb_addc(&sb, b64[(v >> 18) & 63]);
		sb_addc(&sb, b64[(v >> 12) & 63]);
		sb_addc(&sb, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		sb_addc(&sb, i + 2 < n ? b64[v & 63] : '=');
	}
	sb_add(&sb, "\a");
	if (g_out && !g_headless) {
		fwrite(sb.s, 1, sb.len, g_out);
		fflush(g_out);
	}
	sb_fini(&sb);
}
