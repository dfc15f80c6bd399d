/* qmp_call.c - ask a QEMU a few QMP commands (qmp_call.h). */
#define _GNU_SOURCE 1 /* pipe2 */
#include "qmp_call.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "err.h"
#include "probe_internal.h"
#include "util.h"

#define QMP_MAX_LINE (16u * 1024u * 1024u)
#define QMP_STDERR_KEEP 4096u

void qmp_question_fini(struct qmp_question *c)
{
	free(c->ret);
	free(c->error);
	c->ret = c->error = NULL;
}

struct qmp_conn {
	struct qmp_opts o;
	char *bin, *mach, *acc, *dir;
	pid_t pid;
	int fd_in, fd_out, fd_err;
	bool out_eof, err_eof;
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
	struct strbuf err;  /* the tail of QEMU's error output */
	char *garbage;      /* the first line that is not QMP */
};

/* QEMU's stderr as one line: lines joined with "; ", blanks trimmed. */
char *probe_stderr_line(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		if (n) {
			if (sb.len)
				sb_add(&sb, "; ");
			sb_addn(&sb, s, n);
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	return sb_take(&sb);
}

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

/* write(), but a write to a dead QEMU fails with EPIPE instead of killing
 * cpuscope (as the probe's proc_flush). */
static ssize_t write_nopipe(int fd, const char *buf, size_t len)
{
	sigset_t block, old;
	ssize_t w;
	int saved;

	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &old);
	w = write(fd, buf, len);
	saved = errno;
	if (w < 0 && saved == EPIPE && !sigismember(&old, SIGPIPE)) {
		sigset_t pend;
		struct timespec zero = { 0, 0 };
		sigpending(&pend);
		if (sigismember(&pend, SIGPIPE))
			sigtimedwait(&block, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return w;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The reason a QEMU stopped answering, for messages. */
static char *why_gone(struct qmp_conn *x, bool timed_out, double timeout, int status)
{
	if (timed_out)
		return xasprintf("no answer within %.0f s", timeout);
	if (x->err.len)
		return probe_stderr_line(sb_str(&x->err));
	if (WIFSIGNALED(status))
		return xasprintf("killed by signal %d", WTERMSIG(status));
	return xasprintf("exit status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void reap(struct qmp_conn *x, bool kill_it, int *status)
{
	int st = 0;

	if (x->pid <= 0)
		return;
	if (kill_it)
		kill(x->pid, SIGTERM); /* the guard kills QEMU's group and exits */
	probe_close_fd(&x->fd_in);
	while (waitpid(x->pid, &st, 0) < 0 && errno == EINTR)
		;
	x->pid = -1;
	if (status)
		*status = st;
}

/* The state of the exchange in progress. */
enum { PUMP_EOF = 0, PUMP_DONE = 1, PUMP_WAIT = 2, PUMP_DEADLINE = -1, PUMP_GARBAGE = -2 };

static int pump_state(const struct qmp_conn *x)
{
	if (x->want(x) && x->woff >= x->req.len)
		return PUMP_DONE;
	if (x->garbage)
		return PUMP_GARBAGE;
	if (x->out_eof)
		return PUMP_EOF;
	if (x->deadline - probe_now() <= 0)
		return PUMP_DEADLINE;
	return PUMP_WAIT;
}

/* The fds the exchange waits on (up to 3). */
static size_t pump_fds(const struct qmp_conn *x, struct pollfd *pfd, size_t max)
{
	size_t np = 0;

	if (np < max && x->fd_in >= 0 && x->woff < x->req.len)
		pfd[np++] = (struct pollfd){ x->fd_in, POLLOUT, 0 };
	if (np < max && x->fd_out >= 0 && !x->out_eof)
		pfd[np++] = (struct pollfd){ x->fd_out, POLLIN, 0 };
	if (np < max && x->fd_err >= 0 && !x->err_eof)
		pfd[np++] = (struct pollfd){ x->fd_err, POLLIN, 0 };
	return np;
}

static short revents_of(const struct pollfd *pfd, size_t n, int fd)
{
	for (size_t i = 0; fd >= 0 && i < n; i++)
		if (pfd[i].fd == fd)
			return pfd[i].revents;
	return 0;
}

/* Write and read what poll() found ready. */
static void pump_io(struct qmp_conn *x, const struct pollfd *pfd, size_t n)
{
	if (revents_of(pfd, n, x->fd_in) & (POLLOUT | POLLERR | POLLHUP)) {
		ssize_t w = write_nopipe(x->fd_in, x->req.s + x->woff, x->req.len - x->woff);
		if (w > 0)
			x->woff += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR) {
			probe_close_fd(&x->fd_in); /* QEMU is gone: its output says why */
			x->woff = x->req.len;
		}
	}
	if (x->fd_in < 0)
		x->woff = x->req.len;
	if (!x->out_eof && (revents_of(pfd, n, x->fd_out) & (POLLIN | POLLHUP | POLLERR))) {
		char buf[65536];
		ssize_t r = read(x->fd_out, buf, sizeof(buf));
		if (r > 0) {
			sb_addn(&x->out, buf, (size_t)r);
			split_lines(x);
			if (x->out.len > QMP_MAX_LINE && !x->garbage)
				x->garbage = xstrdup("a line longer than 16 MiB");
		} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			if (x->out.len)
				line(x, x->out.s, x->out.len);
			x->out.len = 0;
			x->out_eof = true;
		}
	}
	if (!x->err_eof && (revents_of(pfd, n, x->fd_err) & (POLLIN | POLLHUP | POLLERR))) {
		char buf[4096];
		ssize_t r = read(x->fd_err, buf, sizeof(buf));
		if (r > 0) {
			sb_addn(&x->err, buf, (size_t)r);
			if (x->err.len > 2 * QMP_STDERR_KEEP) { /* keep the tail */
				memmove(x->err.s, x->err.s + x->err.len - QMP_STDERR_KEEP,
					QMP_STDERR_KEEP);
				x->err.len = QMP_STDERR_KEEP;
				x->err.s[x->err.len] = '\0';
			}
		} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			x->err_eof = true;
		}
	}
}

/* Start an exchange: x->req is sent, and it is done when want() holds. */
static void pump_begin(struct qmp_conn *x, bool (*want)(const struct qmp_conn *), double seconds)
{
	x->woff = 0;
	x->want = want;
	x->deadline = probe_now() + seconds;
}

/* Wait for the exchange: PUMP_DONE when want() held, PUMP_EOF, PUMP_DEADLINE,
 * or PUMP_GARBAGE (garbage, or a poll failure with e set). */
static int pump_run(struct qmp_conn *x, struct err *e)
{
	int r;

	while ((r = pump_state(x)) == PUMP_WAIT) {
		struct pollfd pfd[3];
		size_t np = pump_fds(x, pfd, 3);
		double left = x->deadline - probe_now();
		int pr = poll(pfd, (nfds_t)np, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0) {
			err_set(e, x->o.binary, 0, "poll: %s", strerror(errno));
			return PUMP_GARBAGE;
		}
		pump_io(x, pfd, np);
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
	int status = 0;
	char *why;

	x->broken = true;
	reap(x, true, &status);
	if (r == PUMP_GARBAGE && err_isset(e))
		return false;
	if (r == PUMP_GARBAGE) {
		err_set(e, x->o.binary, 0, "QEMU answered something that is not QMP: %s",
			x->garbage);
		return false;
	}
	why = why_gone(x, r == PUMP_DEADLINE, conn_timeout(x), status);
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
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 }, st[2] = { -1, -1 };
	pid_t parent = getpid(), pid;

	x->o = *o;
	x->bin = xstrdup(o->binary);
	x->mach = xstrdup(o->machine ? o->machine : "none");
	x->acc = xstrdup(o->accel ? o->accel : "tcg");
	x->dir = o->datadir ? xstrdup(o->datadir) : NULL;
	x->o.binary = x->bin;
	x->pid = -1;
	x->fd_in = x->fd_out = x->fd_err = -1;
	x->version = version;
	if (version)
		*version = NULL;
	char *argv[] = { x->bin, a_machine, x->mach, a_accel, x->acc, a_s, a_nodef, a_nouser,
			 a_nographic, a_display, a_none, a_qmp, a_stdio, x->dir ? a_datadir : NULL,
			 x->dir, NULL };

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(er, O_CLOEXEC) != 0 ||
	    pipe2(st, O_CLOEXEC) != 0) {
		err_set(e, o->binary, 0, "cannot create pipes: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, o->binary, 0, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		probe_child_guard(parent, argv, in[0], out[1], er[1], st[1]);
		_exit(127);
	}
	probe_close_fd(&in[0]);
	probe_close_fd(&out[1]);
	probe_close_fd(&er[1]);
	probe_close_fd(&st[1]);
	{
		int child_errno = 0, status;
		ssize_t rd;
		while ((rd = read(st[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
			;
		probe_close_fd(&st[0]);
		if (rd == (ssize_t)sizeof(child_errno)) {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			err_set(e, o->binary, 0, "cannot run %s: %s", o->binary, strerror(child_errno));
			goto fail;
		}
	}
	x->pid = pid;
	x->fd_in = in[1];
	x->fd_out = out[0];
	x->fd_err = er[0];
	in[1] = out[0] = er[0] = -1;
	set_nonblock(x->fd_in);
	set_nonblock(x->fd_out);
	set_nonblock(x->fd_err);
	sb_add(&x->req, "{\"execute\":\"qmp_capabilities\",\"id\":\"caps\"}\n");
	pump_begin(x, want_greeting, conn_timeout(x));
	x->busy = true;
	return x;
fail:
	probe_close_fd(&in[0]);
	probe_close_fd(&in[1]);
	probe_close_fd(&out[0]);
	probe_close_fd(&out[1]);
	probe_close_fd(&er[0]);
	probe_close_fd(&er[1]);
	probe_close_fd(&st[0]);
	probe_close_fd(&st[1]);
	x->version = NULL;
	qmp_close(x);
	return NULL;
}

bool qmp_send(struct qmp_conn *x, struct qmp_question *cmds, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		cmds[i].ret = cmds[i].error = NULL;
	if (x->busy)
		return err_set(e, x->o.binary, 0, "QEMU is still answering");
	if (x->broken || x->pid <= 0)
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
	return pump_fds(x, fds, max);
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
	while (!x->out_eof) {
		struct pollfd p = { x->fd_out, POLLIN, 0 };
		double left = deadline - probe_now();
		char buf[4096];
		ssize_t rd;

		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return false;
		rd = read(x->fd_out, buf, sizeof(buf));
		if (rd == 0 || (rd < 0 && errno != EAGAIN && errno != EINTR))
			x->out_eof = true;
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
	if (x->pid > 0 && !x->broken && !x->busy && x->fd_in >= 0 && !x->out_eof) {
		struct err e;
		err_clear(&e);
		sb_fini(&x->req);
		sb_add(&x->req, "{\"execute\":\"quit\",\"id\":\"quit\"}\n");
		pump_begin(x, want_quit, 5);
		if (pump_run(x, &e) == PUMP_DONE) {
			probe_close_fd(&x->fd_in);
			gone = wait_eof(x, probe_now() + 5);
		}
	}
	reap(x, !gone, NULL);
	probe_close_fd(&x->fd_in);
	probe_close_fd(&x->fd_out);
	probe_close_fd(&x->fd_err);
	sb_fini(&x->req);
	sb_fini(&x->out);
	sb_fini(&x->err);
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
