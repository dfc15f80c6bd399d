/* tui.c - `cpuscope tui`: load the data (errors print before curses
 * starts), start the terminal, run the event loop that never blocks on
 * work, and restore the terminal on the way out.
 *
 * Headless testing (tig's design): CPUSCOPE_SCRIPT=FILE feeds keys and
 * commands from FILE instead of the keyboard, CPUSCOPE_NO_DISPLAY=1 draws
 * into curses' virtual screen (newterm on /dev/null).  Script lines:
 *   # comment
 *   keys          literal characters and <Name> keys: /Has<Enter><Down><Space>
 *   :dump NAME    write the screen as text to $CPUSCOPE_DUMP_DIR/NAME.txt
 *   :dump-attrs NAME   the same, with a line of theme roles under each row
 *   :resize WxH   resize the (virtual) terminal
 *   :type TEXT    type TEXT literally (for '<' and spaces)
 *   :wait-idle    wait until background work is done (the probe, QEMU's
 *                 answers to the hosts pane)
 *   :click X Y    a mouse click at column X, row Y (0-based), queued for
 *                 curses as a terminal's (also :wheel-up X Y, :wheel-down X Y)
 * CPUSCOPE_TIMING=FILE appends timings (first frame, each key to frame,
 * peak RSS) for the benchmark.
 */
#define _GNU_SOURCE /* ppoll */
#include "tui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "app.h"
#include "probe.h"
#include "session.h"
#include "err.h"
#include "host_load.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timing {
	FILE *f;
	double start;
	bool first_done;
};

static void timing_frame(struct timing *t, const char *what, double since)
{
	if (!t->f)
		return;
	fprintf(t->f, "%s %.3f\n", what, now_ms() - since);
}

static void paint(struct app *a, struct timing *t, double since, const char *what)
{
	app_paint(a);
	if (!t->first_done) {
		t->first_done = true;
		timing_frame(t, "first-frame-ms", t->start);
	} else if (what) {
		timing_frame(t, what, since);
	}
}

/* ---- waiting ---------------------------------------------------------------- */

#define MAX_FDS 65

/* Wait for the keyboard (with_stdin), the probe's pipes and deadlines,
 * the QEMU the hosts pane asks (s390x), or a signal; then let the probe
 * and the hosts pane do their part.  Returns false on a fatal poll
 * error. */
static bool wait_events(struct app *a, bool with_stdin, bool *hup)
{
	struct pollfd fds[MAX_FDS];
	size_t n = 0, first_probe, first_hosts, nprobe;
	int timeout = -1;
	struct timespec ts, *tsp = NULL;

	if (with_stdin)
		fds[n++] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
	first_probe = n;
	if (a->probe)
		n += probe_pollfds(a->probe, fds + n, MAX_FDS - 6 - n, &timeout);
	nprobe = n - first_probe;
	first_hosts = n;
	n += app_hosts_pollfds(a, fds + n, MAX_FDS - n, &timeout);
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
		tsp = &ts;
	}
	for (size_t i = 0; i < n; i++)
		fds[i].revents = 0;
	if (ppoll(fds, (nfds_t)n, tsp, term_wait_mask()) < 0 && errno != EINTR)
		return false;
	if (with_stdin && hup && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
		*hup = true;
	if (a->probe && !probe_step(a->probe, fds + first_probe, nprobe))
		app_probe_done(a);
	if (app_hosts_busy(a))
		app_hosts_service(a, fds + first_hosts, n - first_hosts);
	return true;
}

/* ---- script ------------------------------------------------------------- */

static bool dump_screen(const char *name, bool attrs, char *msg, size_t size)
{
	const char *dir = getenv("CPUSCOPE_DUMP_DIR");
	char path[4096];
	char *text = term_dump(attrs);
	struct err e;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s.txt", dir && *dir ? dir : ".", name);
	err_clear(&e);
	ok = write_file_atomic(path, text, strlen(text), &e);
	if (!ok)
		err_str(&e, msg, (unsigned)size);
	free(text);
	return ok;
}

static int run_script(struct app *a, const char *file, struct timing *t, char *msg, size_t size)
{
	struct err e;
	char *text = NULL;
	size_t len = 0;
	int lineno = 0, rc = 0;

	err_clear(&e);
	if (!read_file_limited(file, 1u << 20, &text, &len, &e)) {
		err_str(&e, msg, (unsigned)size);
		return 2;
	}
	paint(a, t, 0, NULL);
	for (char *line = text, *next; line && *line && !a->quit; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!line[0] || line[0] == '#')
			continue;
		if (line[0] == ':') {
			char *arg = strchr(line, ' ');
			if (arg)
				*arg++ = '\0';
			if (!strcmp(line, ":dump") || !strcmp(line, ":dump-attrs")) {
				if (a->need_redraw)
					paint(a, t, 0, NULL);
				if (!arg || !dump_screen(arg, line[5] == '-', msg, size)) {
					if (!arg)
						snprintf(msg, size, "%s:%d: :dump needs a name", file, lineno);
					rc = 2;
					break;
				}
			} else if (!strcmp(line, ":resize")) {
				int w = 0, h = 0;
				if (!arg || sscanf(arg, "%dx%d", &w, &h) != 2 || w < 1 || h < 1) {
					snprintf(msg, size, "%s:%d: :resize WxH (e.g. 80x24)", file, lineno);
					rc = 2;
					break;
				}
				term_resize(h, w);
				app_key(a, KEY_RESIZE);
				paint(a, t, 0, NULL);
			} else if (!strcmp(line, ":type")) {
				for (const char *p = arg ? arg : ""; *p; p++)
					app_key(a, (unsigned char)*p);
				paint(a, t, 0, NULL);
			} else if (!strcmp(line, ":click") || !strcmp(line, ":wheel-up") ||
				   !strcmp(line, ":wheel-down")) {
				int x = -1, y = -1;
				if (!arg || sscanf(arg, "%d %d", &x, &y) != 2 || x < 0 || y < 0) {
					snprintf(msg, size, "%s:%d: %s X Y (0-based column and row)", file,
						 lineno, line);
					rc = 2;
					break;
				}
				/* into curses' queue: the explorer takes it as a terminal's
				 * KEY_MOUSE, through getmouse() */
				MEVENT ev = { 0, x, y, 0, line[1] == 'c' ? BUTTON1_CLICKED : line[7] == 'u' ?
					      BUTTON4_PRESSED : BUTTON5_PRESSED };
				ungetmouse(&ev);
				if (getch() == KEY_MOUSE) /* the KEY_MOUSE ungetmouse() queued */
					app_key(a, KEY_MOUSE);
				paint(a, t, 0, NULL);
			} else if (!strcmp(line, ":wait-idle")) {
				/* run the probe and the hosts pane's QEMU questions (if
				 * any) to their end, painting progress */
				while ((a->probe || app_hosts_busy(a)) && !term_signal()) {
					if (!wait_events(a, false, NULL))
						break;
					if (a->need_redraw)
						paint(a, t, 0, NULL);
				}
				paint(a, t, 0, NULL);
			} else {
				snprintf(msg, size, "%s:%d: unknown command '%s'", file, lineno, line);
				rc = 2;
				break;
			}
			continue;
		}
		for (const char *p = line; *p && !a->quit;) {
			const char *at = p;
			int key = keys_parse(&p);
			if (key < 0) {
				snprintf(msg, size, "%s:%d: unknown key name at '%s'", file, lineno, at);
				rc = 2;
				goto out;
			}
			double t0 = now_ms();
			app_key(a, key);
			paint(a, t, t0, "key-frame-ms");
		}
	}
out:
	free(text);
	return rc;
}

/* ---- the loop ------------------------------------------------------------ */

static int run_loop(struct app *a, struct timing *t)
{
	double t0 = 0;
	bool pending = false;

	paint(a, t, 0, NULL);
	while (!a->quit) {
		wint_t ch;
		int r;

		if (term_signal())
			return 128 + term_signal();
		r = get_wch(&ch);
		if (r == ERR) {
			bool hup = false;
			if (a->need_redraw) {
				paint(a, t, t0, pending ? "key-frame-ms" : NULL);
				pending = false;
			}
			/* nothing to do until a key, a signal, a resize or the probe */
			if (!wait_events(a, true, &hup))
				return 2;
			if (hup)
				return 0;
			continue;
		}
		if (!pending) {
			t0 = now_ms();
			pending = true;
		}
		if (r == KEY_CODE_YES) {
			app_key(a, (int)ch);
		} else if (ch >= 0x80 && a->prompt != PROMPT_NONE) {
			/* typed text: keep it as UTF-8 */
			char mb[8];
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(mb, (wchar_t)ch, &st);
			for (size_t i = 0; n != (size_t)-1 && i < n; i++)
				app_key(a, (unsigned char)mb[i]);
		} else {
			app_key(a, (int)ch);
		}
	}
	return a->exit_code;
}

/* ---- entry ------------------------------------------------------------------ */

static const char tui_usage[] = "usage: cpuscope [tui] [GLOBAL OPTIONS]";

static int tui_fail(FILE *err, const char *fmt, ...) ATTR_FORMAT(2, 3);
static int tui_fail(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("cpuscope: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	return 2;
}

int tui_run(struct session *s, FILE *err, int argc, char **argv)
{
	struct app a;
	struct timing t = { NULL, 0, false };
	char msg[2048] = "";
	const char *script = getenv("CPUSCOPE_SCRIPT");
	const char *timing = getenv("CPUSCOPE_TIMING");
	struct err e;
	int rc = 0;

	t.start = now_ms();
	for (int i = 1; i < argc; i++)
		return tui_fail(err, "tui: unexpected argument '%s' (%s)", argv[i], tui_usage);
	err_clear(&e);
	if (!session_load_data(s, &e) || !session_load_host(s, &e) || !session_load_map(s, &e))
		return tui_fail(err, "%s", err_str(&e, msg, sizeof(msg)));
	if (script && *script && access(script, R_OK) != 0)
		return tui_fail(err, "tui: CPUSCOPE_SCRIPT: %s: %s", script, strerror(errno));
	if (timing && *timing) {
		t.f = fopen(timing, "a");
		if (!t.f)
			return tui_fail(err, "tui: CPUSCOPE_TIMING: %s: %s", timing, strerror(errno));
	}
	timing_frame(&t, "load-ms", t.start);
	app_init(&a, s);
	timing_frame(&t, "init-ms", t.start);
	if (!(script && *script))
		app_probe_fill(&a);
	if (!term_init(msg, sizeof(msg))) {
		app_fini(&a);
		if (t.f)
			fclose(t.f);
		return tui_fail(err, "%s", msg);
	}
	if (script && *script)
		rc = run_script(&a, script, &t, msg, sizeof(msg));
	else if (term_headless())
		paint(&a, &t, 0, NULL); /* nothing to read: one frame, then out */
	else
		rc = run_loop(&a, &t);
	term_fini();
	if (t.f) {
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(t.f, "maxrss-kb %ld\n", ru.ru_maxrss);
		fclose(t.f);
	}
	app_fini(&a);
	if (msg[0])
		fprintf(err, "cpuscope: %s\n", msg);
	return rc;
}
