/* probe_proc.c - a QEMU child (struct qemu_child, probe_internal.h):
 * fork/exec with pipes, one poll step that writes its stdin and keeps its
 * stderr, reading its stdout, reaping and killing; the probe's, qmp_call.c's
 * and startcheck.c's QEMUs all run through it.  Then the probe's own
 * process (struct proc) on top: its argv, its write queue, its failure.
 *
 * cpuscope -> guard -> QEMU: cpuscope forks a guard (see child_guard),
 * which forks and execs QEMU in a process group of its own and outlives
 * it; qemu_child.pid is the guard's.  Killing goes through the guard
 * (SIGTERM), so QEMU's children die with it, also when cpuscope itself is
 * killed.
 */
#define _GNU_SOURCE 1 /* pipe2, close_range */
#include "probe_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "err.h"

double probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void probe_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void child_dup(int from, int to)
{
	if (from == to)
		fcntl(to, F_SETFD, 0);
	else
		dup2(from, to);
}

/* Default dispositions for every signal (the caller's handlers must not
 * run in the guard or in QEMU). */
static void child_default_signals(void)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &dfl, NULL);
}

/* QEMU itself, in its own process group; never returns. */
static void child_exec_qemu(pid_t guard, char **argv, int fd_in, int fd_out, int fd_err,
			    int fd_status)
{
	sigset_t none;
	int err_no;

#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != guard)
		_exit(127);
#else
	(void)guard;
#endif
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	child_dup(fd_in, 0);
	child_dup(fd_out, 1);
	child_dup(fd_err, 2);
	if (fd_status > 3)
		close_range(3, (unsigned)fd_status - 1, 0);
	if (fd_status >= 3)
		close_range((unsigned)fd_status + 1, ~0u, 0);
	execv(argv[0], argv);
	err_no = errno;
	if (write(fd_status, &err_no, sizeof(err_no)) < 0)
		_exit(127);
	_exit(127);
}

/* End the guard as QEMU ended (exit status or signal), without a core
 * dump of the guard. */
static void guard_exit_as(int status)
{
	sigset_t one;
	int sig;

	if (!WIFSIGNALED(status))
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
	sig = WTERMSIG(status);
#ifdef __linux__
	prctl(PR_SET_DUMPABLE, 0);
#endif
	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	kill(getpid(), sig);
	_exit(128 + sig);
}

/* In a child just forked by cpuscope (pid parent): become the guard of
 * argv[0]: start it in its own process group with fd_in, fd_out, fd_err as
 * its standard streams, kill that group when cpuscope dies or sends
 * SIGTERM, and exit as it exited.  An exec failure's errno is written to
 * fd_status.  Async-signal-safe; never returns.
 *
 * The guard: the process cpuscope starts for each QEMU, and QEMU's parent.
 * It exists because a QEMU binary may be a wrapper script whose children
 * would otherwise outlive cpuscope: when cpuscope dies, even by SIGKILL,
 * the guard gets SIGTERM (parent-death signal) and kills QEMU's whole
 * process group; orphans of that group come to it (child subreaper).
 * SIGTERM from cpuscope does the same.  When QEMU ends on its own, the
 * rest of its group is killed too, and the guard ends with QEMU's status,
 * so cpuscope sees what QEMU did.  The guard keeps no descriptor open.
 * Never returns. */
static void child_guard(pid_t parent, char **argv, int fd_in, int fd_out, int fd_err,
			int fd_status)
{
	sigset_t waitset, chld;
	pid_t self = getpid(), q;
	int status = 0, err_no;
	bool stopping = false;

	sigemptyset(&waitset);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGCHLD);
	sigprocmask(SIG_SETMASK, &waitset, NULL);
	child_default_signals();
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	if (getppid() != parent)
		_exit(127);
	setpgid(0, 0); /* a terminal's ^C reaches cpuscope, not the guard */
	q = fork();
	if (q < 0) {
		err_no = errno;
		if (write(fd_status, &err_no, sizeof(err_no)) < 0)
			_exit(127);
		_exit(127);
	}
	if (q == 0)
		child_exec_qemu(self, argv, fd_in, fd_out, fd_err, fd_status);
	setpgid(q, q); /* also here, so the group exists before any kill below */
	close_range(0, ~0u, 0);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		struct timespec tick = { 1, 0 };
		siginfo_t si;
		int sig = sigtimedwait(&waitset, &si, &tick);

		if (sig == SIGTERM || getppid() != parent) {
			stopping = true;
			kill(-q, SIGKILL);
			kill(q, SIGKILL);
		}
		/* Reap in a loop; QEMU is only peeked at (WNOWAIT) so its pid, and
		 * the id of its group, stay reserved while the group is killed. */
		for (;;) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
				break;
			if (si.si_pid == q) {
				kill(-q, SIGKILL);
				waitpid(q, &status, 0);
				goto reaped;
			}
			waitpid(si.si_pid, NULL, 0);
		}
		if (stopping) {
			memset(&si, 0, sizeof(si));
			waitid(P_PID, (id_t)q, &si, WEXITED | WNOWAIT);
			kill(-q, SIGKILL);
			waitpid(q, &status, 0);
			goto reaped;
		}
	}
reaped:
	/* What was left of QEMU's group dies; reap it (up to a second). */
	for (int i = 0; i < 100 && kill(-q, 0) == 0; i++) {
		struct timespec ms10 = { 0, 10000000 };

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sigtimedwait(&chld, NULL, &ms10);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	guard_exit_as(status);
}

short probe_revents(const struct pollfd *fds, size_t n, int fd)
{
	if (fd < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd)
			return fds[i].revents;
	return 0;
}

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

void qemu_child_init(struct qemu_child *c)
{
	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->fd_in = c->fd_out = c->fd_err = -1;
}

bool qemu_child_start(struct qemu_child *c, char **argv, const char *label, unsigned flags,
		      struct err *e)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 }, st[2] = { -1, -1 };
	pid_t parent = getpid();
	pid_t pid = -1;
	int child_errno = 0;
	bool ok = false;

	c->flags = flags;
	if (pipe2(in, O_CLOEXEC) != 0 ||
	    (!(flags & QEMU_CHILD_STDOUT_NULL) && pipe2(out, O_CLOEXEC) != 0) ||
	    pipe2(er, O_CLOEXEC) != 0 || pipe2(st, O_CLOEXEC) != 0) {
		err_set(e, label, 0, "cannot create pipes: %s", strerror(errno));
		goto out;
	}
	if (flags & QEMU_CHILD_STDOUT_NULL)
		out[1] = open("/dev/null", O_WRONLY | O_CLOEXEC); /* else fd 1 joins fd 2 */
	pid = fork();
	if (pid < 0) {
		err_set(e, label, 0, "cannot start a process: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Child: async-signal-safe calls only. */
		child_guard(parent, argv, in[0], out[1] >= 0 ? out[1] : er[1], er[1], st[1]);
		_exit(127);
	}
	probe_close_fd(&in[0]);
	probe_close_fd(&out[1]);
	probe_close_fd(&er[1]);
	probe_close_fd(&st[1]);
	for (;;) {
		ssize_t r = read(st[0], &child_errno, sizeof(child_errno));

		if (r < 0 && errno == EINTR)
			continue;
		if (r == (ssize_t)sizeof(child_errno)) {
			int status;

			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			pid = -1;
			err_set(e, label, 0, "cannot run %s: %s", argv[0], strerror(child_errno));
			goto out;
		}
		break;
	}
#ifdef F_SETPIPE_SZ
	/* Room for QEMU to run ahead of us: 2 MB of replies per machine type. */
	if ((flags & QEMU_CHILD_BIG_PIPE) && out[0] >= 0)
		fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
#endif
	set_nonblock(in[1]);
	if (out[0] >= 0)
		set_nonblock(out[0]);
	set_nonblock(er[0]);
	c->pid = pid;
	c->fd_in = in[1];
	c->fd_out = out[0];
	c->fd_err = er[0];
	in[1] = out[0] = er[0] = -1;
	ok = true;
out:
	probe_close_fd(&in[0]);
	probe_close_fd(&in[1]);
	probe_close_fd(&out[0]);
	probe_close_fd(&out[1]);
	probe_close_fd(&er[0]);
	probe_close_fd(&er[1]);
	probe_close_fd(&st[0]);
	probe_close_fd(&st[1]);
	return ok;
}

static size_t add_pollfd(struct pollfd *fds, size_t n, size_t max, int fd, short events)
{
	if (fd < 0 || n >= max)
		return n;
	fds[n].fd = fd;
	fds[n].events = events;
	fds[n].revents = 0;
	return n + 1;
}

size_t qemu_child_pollfds(const struct qemu_child *c, bool want_write, struct pollfd *fds,
			  size_t max)
{
	size_t n = 0;

	n = add_pollfd(fds, n, max, c->fd_out, POLLIN);
	n = add_pollfd(fds, n, max, c->fd_err, POLLIN);
	if (want_write)
		n = add_pollfd(fds, n, max, c->fd_in, POLLOUT);
	return n;
}

bool qemu_child_write(struct qemu_child *c, const char *buf, size_t len, size_t *off)
{
	sigset_t block, old;
	bool gone = false;

	if (c->fd_in < 0)
		return false;
	if (*off >= len)
		return true;
	/* A write to a dead QEMU must fail with EPIPE, not kill cpuscope. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (*off < len) {
		ssize_t w = write(c->fd_in, buf + *off, len - *off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			gone = errno != EAGAIN && errno != EWOULDBLOCK;
			break;
		}
		*off += (size_t)w;
	}
	if (gone && !sigismember(&old, SIGPIPE)) {
		sigset_t pend;
		struct timespec zero = { 0, 0 };

		sigpending(&pend);
		if (sigismember(&pend, SIGPIPE))
			sigtimedwait(&block, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (gone)
		probe_close_fd(&c->fd_in); /* QEMU closed its stdin: it is exiting */
	return !gone;
}

/* Keep what QEMU wrote on stderr: its first 64 KiB (QEMU_CHILD_STDERR_HEAD)
 * or its last 4 to 8 KiB. */
static void keep_stderr(struct qemu_child *c, const char *buf, size_t n)
{
	struct strbuf *sb = &c->err;

	if (c->flags & QEMU_CHILD_STDERR_HEAD) {
		if (sb->len < PROBE_STDERR_HEAD)
			sb_addn(sb, buf, n);
		return;
	}
	sb_addn(sb, buf, n);
	if (sb->len > 2 * PROBE_STDERR_KEEP) {
		memmove(sb->s, sb->s + sb->len - PROBE_STDERR_KEEP, PROBE_STDERR_KEEP);
		sb->len = PROBE_STDERR_KEEP;
		sb->s[sb->len] = '\0';
	}
}

void qemu_child_read_err(struct qemu_child *c)
{
	char buf[4096];

	while (c->fd_err >= 0) {
		ssize_t r = read(c->fd_err, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			probe_close_fd(&c->fd_err);
			c->err_eof = true;
			break;
		}
		keep_stderr(c, buf, (size_t)r);
	}
}

ssize_t qemu_child_read_out(struct qemu_child *c, char *buf, size_t len)
{
	for (;;) {
		ssize_t r = read(c->fd_out, buf, len);
		int saved = errno;

		if (r < 0 && saved == EINTR)
			continue;
		if (r < 0 && (saved == EAGAIN || saved == EWOULDBLOCK))
			return 0;
		if (r <= 0) {
			probe_close_fd(&c->fd_out);
			c->out_eof = true;
			errno = saved;
		}
		return r;
	}
}

int qemu_child_step(struct qemu_child *c, const char *buf, size_t len, size_t *off,
		    double deadline)
{
	struct pollfd fds[3];
	double left = deadline - probe_now();
	size_t n = qemu_child_pollfds(c, buf && *off < len, fds, 3);
	short rin, rerr, rout;

	if (left < 0)
		left = 0;
	if (poll(fds, n, (int)(left * 1000) + 1) < 0)
		return errno == EINTR ? 0 : -1;
	rin = probe_revents(fds, n, c->fd_in);
	rerr = probe_revents(fds, n, c->fd_err);
	rout = probe_revents(fds, n, c->fd_out);
	if (rin & (POLLOUT | POLLERR | POLLHUP))
		qemu_child_write(c, buf, len, off);
	if (rerr & (POLLIN | POLLHUP | POLLERR))
		qemu_child_read_err(c);
	return (rout & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0;
}

bool qemu_child_try_reap(struct qemu_child *c)
{
	pid_t r;

	if (c->reaped || c->pid <= 0)
		return true;
	r = waitpid(c->pid, &c->wstatus, WNOHANG);
	if (r == c->pid || (r < 0 && errno == ECHILD)) {
		c->reaped = true;
		return true;
	}
	return false;
}

void qemu_child_reap(struct qemu_child *c, bool kill_it)
{
	if (c->pid <= 0 || c->reaped)
		return;
	if (kill_it && !c->killed) {
		/* The guard kills QEMU's process group, reaps it and exits; a
		 * guard that does not within 5 s is killed (QEMU then gets its
		 * parent-death SIGKILL). */
		kill(c->pid, SIGTERM);
		c->killed = true;
		for (int i = 0; i < 5000; i++) {
			struct timespec ms = { 0, 1000000 };
			pid_t r = waitpid(c->pid, &c->wstatus, WNOHANG);

			if (r == c->pid || (r < 0 && errno != EINTR)) {
				c->reaped = true;
				return;
			}
			nanosleep(&ms, NULL);
		}
		kill(c->pid, SIGKILL);
	}
	while (waitpid(c->pid, &c->wstatus, 0) < 0) {
		if (errno != EINTR)
			break;
	}
	c->reaped = true;
}

void qemu_child_close(struct qemu_child *c)
{
	probe_close_fd(&c->fd_in);
	probe_close_fd(&c->fd_out);
	probe_close_fd(&c->fd_err);
}

void qemu_child_fini(struct qemu_child *c)
{
	qemu_child_reap(c, true);
	qemu_child_close(c);
	sb_fini(&c->err);
}

char *qemu_child_last_stderr(const struct qemu_child *c)
{
	const char *s = c->err.s;
	size_t end = c->err.len, start;

	while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
		end--;
	if (end == 0)
		return NULL;
	start = end;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	if (end - start > 300)
		end = start + 300;
	return xstrndup(s + start, end - start);
}

char *qemu_child_why(const struct qemu_child *c, bool timed_out, double timeout)
{
	if (timed_out)
		return xasprintf("no answer within %.0f s", timeout);
	if (c->err.len)
		return probe_stderr_line(sb_str(&c->err));
	if (WIFSIGNALED(c->wstatus))
		return xasprintf("killed by signal %d", WTERMSIG(c->wstatus));
	return xasprintf("exit status %d", WIFEXITED(c->wstatus) ? WEXITSTATUS(c->wstatus) : -1);
}

/* Start QEMU for p->machine.  On failure e is set and nothing is left
 * running. */
bool proc_spawn(struct proc *p, struct err *e)
{
	struct probe *pr = p->pr;
	char a_machine[] = "-machine", a_s[] = "-S", a_nodef[] = "-nodefaults",
	     a_nouser[] = "-no-user-config", a_nographic[] = "-nographic", a_qmp[] = "-qmp",
	     a_stdio[] = "stdio", a_accel[] = "-accel", a_datadir[] = "-L";
	char *argv[14] = { NULL };
	char *mach = NULL, *accel = NULL, *datadir = NULL;
	bool ok;

	mach = xstrdup(p->machine);
	accel = xstrdup(pr->accel);
	argv[0] = pr->path;
	argv[1] = a_machine;
	argv[2] = mach;
	argv[3] = a_s;
	argv[4] = a_nodef;
	argv[5] = a_nouser; /* /etc/qemu must not change what is recorded */
	argv[6] = a_nographic;
	argv[7] = a_qmp;
	argv[8] = a_stdio;
	argv[9] = a_accel;
	argv[10] = accel;
	argv[11] = NULL;
	if (pr->o.datadir) { /* firmware of a QEMU unpacked outside /usr */
		datadir = xstrdup(pr->o.datadir);
		argv[11] = a_datadir;
		argv[12] = datadir;
		argv[13] = NULL;
	}
	ok = qemu_child_start(&p->c, argv, pr->label, QEMU_CHILD_BIG_PIPE, e);
	free(mach);
	free(accel);
	free(datadir);
	return ok;
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	qemu_child_fini(&p->c);
	proc_free_staged(p);
	sb_fini(&p->wq);
	free(p->rbuf);
	free(p->ans);
	free(p->machine);
	free(p->failure);
	if (p->tok)
		json_tokener_free(p->tok);
	free(p);
}

void proc_flush(struct proc *p)
{
	if (p->c.fd_in < 0 || p->woff >= p->wq.len)
		return;
	/* false: QEMU closed its stdin: it is exiting; EOF on stdout follows. */
	if (!qemu_child_write(&p->c, p->wq.s, p->wq.len, &p->woff) || p->woff >= p->wq.len) {
		sb_reset(&p->wq);
		p->woff = 0;
	}
}

/* The process ended on its own before answering everything. */
void proc_fail_exited(struct proc *p)
{
	struct strbuf step = STRBUF_INIT, how = STRBUF_INIT;
	int ws = p->c.wstatus;
	char *last = NULL;

	proc_step_name(p, &step);
	if (WIFSIGNALED(ws))
		sb_addf(&how, "QEMU was killed by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else if (WIFEXITED(ws))
		sb_addf(&how, "QEMU exited with status %d", WEXITSTATUS(ws));
	else
		sb_add(&how, "QEMU ended");
	last = qemu_child_last_stderr(&p->c);
	if (last)
		proc_fail(p, "%s while waiting for %s: %s", sb_str(&how), sb_str(&step), last);
	else
		proc_fail(p, "%s while waiting for %s (QEMU printed no message)", sb_str(&how),
			  sb_str(&step));
	free(last);
	sb_fini(&step);
	sb_fini(&how);
}
