/* qmp_call.c - ask a QEMU a few QMP commands (qmp_call.h).  The process,
 * its pipes and its deadlines go through the probe's struct qemu_child
 * (probe_proc.c); this file speaks QMP over them. */
#include "qmp_call.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "err.h"
#include "probe_internal.h"
#include "util.h"

#define QMP_MAX_LINE (16u * 1024u * 1024u)

void qmp_question_fini(struct qmp_question *c)
{
	free(c->ret);
	free(c->error);
	c->ret = c->error = NULL;
}

struct qmp_conn {
	struct qmp_opts o;
	char *bin, *mach, *acc, *dir;
	struct qemu_child c; /* QEMU under its guard, its pipes, its messages */
	bool broken;        /* a failed exchange: only closes */
	/* the exchange in progress */
	bool busy;          /* qmp_capabilities or commands await their answers */
	struct strbuf req;  /* what is sent */
	size_t woff;        /* how much of req is written */
	bool (*want)(const struct qmp_conn *); /* the exchange is done */
	double deadline;
	struct qmp_question *cmds;
	size_t n, answered, seq, base; /* ids q<base+i> */
	bool caps_answered, quit_answered;
	char **version;
	struct strbuf out;  /* QEMU's output bytes not yet split into lines */
	char *garbage;      /* the first line that is not QMP */
};

static void greeting(struct qmp_conn *x, json_object *o)
{
	json_object *v, *q, *n;
	long long part[3] = { 0, 0, 0 };
	static const char *const keys[3] = { "major", "minor", "micro" };

	if (!x->version || *x->version || !json_object_object_get_ex(o, "QMP", &v) ||
	    !json_object_object_get_ex(v, "version", &v) || !json_object_object_get_ex(v, "qemu", &q))
		return;
	for (int i = 0; i < 3; i++)
		if (json_object_object_get_ex(q, keys[i], &n))
			part[i] = json_object_get_int64(n);
	*x->version = xasprintf("%lld.%lld.%lld", part[0], part[1], part[2]);
}

static void line(struct qmp_conn *x, const char *s, size_t len)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_tokener *tok;
	json_object *o, *id, *v;
	const char *ids;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (!len)
		return;
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, s, (int)len);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		if (!x->garbage)
			x->garbage = xasprintf("%.*s", len > 80 ? 80 : (int)len, s);
		json_object_put(o);
		return;
	}
	if (json_object_object_get_ex(o, "QMP", NULL)) {
		greeting(x, o);
	} else if (json_object_object_get_ex(o, "id", &id) && json_object_is_type(id, json_type_string)) {
		ids = json_object_get_string(id);
		if (!strcmp(ids, "quit")) {
			x->quit_answered = true;
		} else if (!strcmp(ids, "caps")) {
			x->caps_answered = true;
		} else if (ids[0] == 'q') {
			char *end = NULL;
			unsigned long k = strtoul(ids + 1, &end, 10);
			size_t i = (size_t)k - x->base;
			if (end && !*end && k >= x->base && i < x->n && !x->cmds[i].ret &&
			    !x->cmds[i].error) {
				struct qmp_question *c = &x->cmds[i];
				if (json_object_object_get_ex(o, "return", &v)) {
					c->ret = xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
				} else {
					json_object *d = NULL;
					if (json_object_object_get_ex(o, "error", &v))
						json_object_object_get_ex(v, "desc", &d);
					c->error = xstrdup(d ? json_object_get_string(d) : "QEMU refused it");
				}
				x->answered++;
			}
		}
	}
	json_object_put(o);
}

static void split_lines(struct qmp_conn *x)
{
	char *buf = x->out.s;
	size_t start = 0;

	for (size_t i = 0; i < x->out.len; i++) {
		if (buf[i] != '\n')
			continue;
		line(x, buf + start, i - start);
		start = i + 1;
	}
	if (start) {
		memmove(buf, buf + start, x->out.len - start);
		x->out.len -= start;
		buf[x->out.len] = '\0';
	}
}

/* End QEMU (kill_it: through its guard; else it has gone) and reap it. */
static void conn_end(struct qmp_conn *x, bool kill_it)
{
	probe_close_fd(&x->c.fd_in);
	qemu_child_reap(&x->c, kill_it);
}

/* What QEMU's stdout has now: lines, and at EOF the last one. */
static void read_output(struct qmp_conn *x)
{
	char buf[65536];
	ssize_t r = qemu_child_read_out(&x->c, buf, sizeof(buf));

	if (r > 0) {
		sb_addn(&x->out, buf, (size_t)r);
		split_lines(x);
		if (x->out.len > QMP_MAX_LINE && !x->garbage)
			x->garbage = xstrdup("a line longer than 16 MiB");
	} else if (x->c.out_eof) {
		if (x->out.len)
			line(x, x->out.s, x->out.len);
		x->out.len = 0;
	}
}

/* The state of the exchange in progress. */
enum { PUMP_EOF = 0, PUMP_DONE = 1, PUMP_WAIT = 2, PUMP_DEADLINE = -1, PUMP_GARBAGE = -2 };

static int pump_state(struct qmp_conn *x)
{
	if (x->c.fd_in < 0)
		x->woff = x->req.len; /* QEMU is gone: its output says why */
	if (x->want(x) && x->woff >= x->req.len)
		return PUMP_DONE;
	if (x->garbage)
		return PUMP_GARBAGE;
	if (x->c.out_eof)
		return PUMP_EOF;
	if (x->deadline - probe_now() <= 0)
		return PUMP_DEADLINE;
	return PUMP_WAIT;
}

/* Start an exchange: x->req is sent, and it is done when want() holds. */
static void pump_begin(struct qmp_conn *x, bool (*want)(const struct qmp_conn *), double seconds)
{
	x->woff = 0;
	x->want = want;
	x->deadline = probe_now() + seconds;
}

/* Write and read what a caller's poll() found ready. */
static void pump_io(struct qmp_conn *x, const struct pollfd *fds, size_t n)
{
	if (probe_revents(fds, n, x->c.fd_in) & (POLLOUT | POLLERR | POLLHUP))
		qemu_child_write(&x->c, x->req.s, x->req.len, &x->woff);
	if (probe_revents(fds, n, x->c.fd_err) & (POLLIN | POLLHUP | POLLERR))
		qemu_child_read_err(&x->c);
	if (probe_revents(fds, n, x->c.fd_out) & (POLLIN | POLLHUP | POLLERR))
		read_output(x);
}

/* Wait for the exchange: PUMP_DONE when want() held, PUMP_EOF, PUMP_DEADLINE,
 * or PUMP_GARBAGE (garbage, or a poll failure with e set). */
static int pump_run(struct qmp_conn *x, struct err *e)
{
	int r;

	while ((r = pump_state(x)) == PUMP_WAIT) {
		int s = qemu_child_step(&x->c, x->req.s, x->req.len, &x->woff, x->deadline);
		if (s < 0) {
			err_set(e, x->o.binary, 0, "poll: %s", strerror(errno));
			return PUMP_GARBAGE;
		}
		if (s > 0)
			read_output(x);
	}
	return r;
}

static bool want_greeting(const struct qmp_conn *x)
{
	return x->caps_answered;
}

static bool want_all(const struct qmp_conn *x)
{
	return x->answered == x->n;
}

static bool want_quit(const struct qmp_conn *x)
{
	return x->quit_answered;
}

static double conn_timeout(const struct qmp_conn *x)
{
	return x->o.timeout > 0 ? x->o.timeout : 20;
}

/* A failed exchange: kill QEMU and say why (what: the command waited for). */
static bool conn_fail(struct qmp_conn *x, int r, const char *what, struct err *e)
{
	char *why;

	x->broken = true;
	conn_end(x, true);
	if (r == PUMP_GARBAGE && err_isset(e))
		return false;
	if (r == PUMP_GARBAGE) {
		err_set(e, x->o.binary, 0, "QEMU answered something that is not QMP: %s",
			x->garbage);
		return false;
	}
	why = qemu_child_why(&x->c, r == PUMP_DEADLINE, conn_timeout(x));
	err_set(e, x->o.binary, 0, "%s: %s (-machine %s -accel %s)", what, why, x->mach, x->acc);
	free(why);
	return false;
}

/* The command the exchange in progress waits for, for messages. */
static const char *waiting_for(const struct qmp_conn *x)
{
	if (!x->cmds)
		return "qmp_capabilities";
	for (size_t i = 0; i < x->n; i++)
		if (!x->cmds[i].ret && !x->cmds[i].error)
			return x->cmds[i].execute;
	return x->n ? x->cmds[0].execute : "QMP";
}

/* The exchange in progress ended with r (not PUMP_WAIT): true when it was
 * answered; else QEMU is killed, e says why, and the commands' answers
 * are dropped. */
static bool exchange_end(struct qmp_conn *x, int r, struct err *e)
{
	bool ok = r == PUMP_DONE;

	x->busy = false;
	sb_fini(&x->req);
	if (!ok)
		conn_fail(x, r, waiting_for(x), e);
	if (x->cmds && !ok)
		for (size_t i = 0; i < x->n; i++)
			qmp_question_fini(&x->cmds[i]);
	x->cmds = NULL;
	x->n = 0;
	x->version = NULL; /* filled from the greeting only */
	return ok;
}

struct qmp_conn *qmp_start(const struct qmp_opts *o, char **version, struct err *e)
{
	char a_machine[] = "-machine", a_accel[] = "-accel", a_s[] = "-S",
	     a_nodef[] = "-nodefaults", a_nographic[] = "-nographic", a_display[] = "-display",
	     a_none[] = "none", a_nouser[] = "-no-user-config", a_qmp[] = "-qmp",
	     a_stdio[] = "stdio", a_datadir[] = "-L";
	struct qmp_conn *x = xcalloc(1, sizeof(*x));

	x->o = *o;
	x->bin = xstrdup(o->binary);
	x->mach = xstrdup(o->machine ? o->machine : "none");
	x->acc = xstrdup(o->accel ? o->accel : "tcg");
	x->dir = o->datadir ? xstrdup(o->datadir) : NULL;
	x->o.binary = x->bin;
	qemu_child_init(&x->c);
	x->version = version;
	if (version)
		*version = NULL;
	char *argv[] = { x->bin, a_machine, x->mach, a_accel, x->acc, a_s, a_nodef, a_nouser,
			 a_nographic, a_display, a_none, a_qmp, a_stdio, x->dir ? a_datadir : NULL,
			 x->dir, NULL };

	if (!qemu_child_start(&x->c, argv, o->binary, 0, e)) {
		x->version = NULL;
		qmp_close(x);
		return NULL;
	}
	sb_add(&x->req, "{\"execute\":\"qmp_capabilities\",\"id\":\"caps\"}\n");
	pump_begin(x, want_greeting, conn_timeout(x));
	x->busy = true;
	return x;
}

bool qmp_send(struct qmp_conn *x, struct qmp_question *cmds, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		cmds[i].ret = cmds[i].error = NULL;
	if (x->busy)
		return err_set(e, x->o.binary, 0, "QEMU is still answering");
	if (x->broken || x->c.pid <= 0 || x->c.reaped)
		return err_set(e, x->o.binary, 0, "QEMU is no longer running");
	x->cmds = cmds;
	x->n = n;
	x->answered = 0;
	x->base = x->seq;
	sb_fini(&x->req);
	for (size_t i = 0; i < n; i++) {
		sb_addf(&x->req, "{\"execute\":\"%s\"", cmds[i].execute);
		if (cmds[i].arguments)
			sb_addf(&x->req, ",\"arguments\":%s", cmds[i].arguments);
		sb_addf(&x->req, ",\"id\":\"q%zu\"}\n", x->seq++);
	}
	pump_begin(x, want_all, conn_timeout(x));
	x->busy = true;
	return true;
}

bool qmp_busy(const struct qmp_conn *x)
{
	return x && x->busy;
}

size_t qmp_pollfds(const struct qmp_conn *x, struct pollfd *fds, size_t max, int *timeout_ms)
{
	double left;
	int ms;

	if (!qmp_busy(x))
		return 0;
	left = x->deadline - probe_now();
	ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
	if (*timeout_ms < 0 || ms < *timeout_ms)
		*timeout_ms = ms;
	return qemu_child_pollfds(&x->c, x->c.fd_in >= 0 && x->woff < x->req.len, fds, max);
}

bool qmp_step(struct qmp_conn *x, const struct pollfd *fds, size_t n, struct err *e)
{
	int r;

	if (!qmp_busy(x))
		return true;
	pump_io(x, fds, n);
	r = pump_state(x);
	if (r == PUMP_WAIT)
		return true;
	return exchange_end(x, r, e);
}

bool qmp_wait(struct qmp_conn *x, struct err *e)
{
	if (!qmp_busy(x))
		return true;
	return exchange_end(x, pump_run(x, e), e);
}

struct qmp_conn *qmp_open(const struct qmp_opts *o, char **version, struct err *e)
{
	struct qmp_conn *x = qmp_start(o, version, e);

	if (x && !qmp_wait(x, e)) {
		if (version) {
			free(*version);
			*version = NULL;
		}
		qmp_close(x);
		return NULL;
	}
	return x;
}

bool qmp_exec(struct qmp_conn *x, struct qmp_question *cmds, size_t n, struct err *e)
{
	return qmp_send(x, cmds, n, e) && qmp_wait(x, e);
}

/* Read QEMU's output until EOF or the deadline: true on EOF. */
static bool wait_eof(struct qmp_conn *x, double deadline)
{
	while (!x->c.out_eof) {
		char buf[4096];
		int r;

		if (deadline - probe_now() <= 0)
			return false;
		r = qemu_child_step(&x->c, NULL, 0, NULL, deadline);
		if (r < 0)
			return false;
		if (r > 0)
			qemu_child_read_out(&x->c, buf, sizeof(buf));
	}
	return true;
}

void qmp_close(struct qmp_conn *x)
{
	bool gone = false;

	if (!x)
		return;
	/* QEMU exits on quit; one that does not within a grace is killed, and
	 * so is one still answering (the caller gave up on it) */
	if (x->c.pid > 0 && !x->c.reaped && !x->broken && !x->busy && x->c.fd_in >= 0 &&
	    !x->c.out_eof) {
		struct err e;
		err_clear(&e);
		sb_fini(&x->req);
		sb_add(&x->req, "{\"execute\":\"quit\",\"id\":\"quit\"}\n");
		pump_begin(x, want_quit, 5);
		if (pump_run(x, &e) == PUMP_DONE) {
			probe_close_fd(&x->c.fd_in);
			gone = wait_eof(x, probe_now() + 5);
		}
	}
	conn_end(x, !gone);
	qemu_child_fini(&x->c);
	sb_fini(&x->req);
	sb_fini(&x->out);
	free(x->garbage);
	free(x->bin);
	free(x->mach);
	free(x->acc);
	free(x->dir);
	free(x);
}

bool qmp_ask(const struct qmp_opts *o, struct qmp_question *cmds, size_t n, char **version,
	     struct err *e)
{
	struct qmp_conn *x = qmp_open(o, version, e);
	bool ok;

	if (!x)
		return false;
	ok = qmp_exec(x, cmds, n, e);
	qmp_close(x);
	if (!ok && version) {
		free(*version);
		*version = NULL;
	}
	return ok;
}
