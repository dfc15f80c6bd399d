/* probe_proc.c - one QEMU process: fork/exec with pipes, writing its
 * stdin, keeping its stderr, reaping and killing (see probe_internal.h).
 *
 * cpuscope -> guard -> QEMU: cpuscope forks a guard (see child_guard),
 * which forks and execs QEMU in a process group of its own and outlives
 * it; proc->pid is the guard's.  Killing goes through the guard (SIGTERM),
 * so QEMU's children die with it, also when cpuscope itself is killed.
 */
#define _GNU_SOURCE 1 /* pipe2, close_range */
#include "probe_internal.h"

#include <errno.h>
#include <fcntl.h>
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

/* The guard: the process cpuscope starts for each QEMU, and QEMU's parent.
 * It exists because a QEMU binary may be a wrapper script whose children
 * would otherwise outlive cpuscope: when cpuscope dies, even by SIGKILL,
 * the guard gets SIGTERM (parent-death signal) and kills QEMU's whole
 * process group; orphans of that group come to it (child subreaper).
 * SIGTERM from cpuscope does the same.  When QEMU ends on its own, the
 * rest of its group is killed too, and the guard ends with QEMU's status,
 * so cpuscope sees what QEMU did.  The guard keeps no descriptor open.
 * Never returns. */
void probe_child_guard(pid_t parent, char **argv, int fd_in, int fd_out, int fd_err,
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

/* Start QEMU for p->machine.  On failure e is set and nothing is left
 * running. */
bool proc_spawn(struct proc *p, struct err *e)
{
	struct probe *pr = p->pr;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 }, st[2] = { -1, -1 };
	char a_machine[] = "-machine", a_s[] = "-S", a_nodef[] = "-nodefaults",
	     a_nouser[] = "-no-user-config", a_nographic[] = "-nographic", a_qmp[] = "-qmp",
	     a_stdio[] = "stdio", a_accel[] = "-accel", a_datadir[] = "-L";
	char *argv[14] = { NULL };
	char *mach = NULL, *accel = NULL, *datadir = NULL;
	pid_t parent = getpid();
	pid_t pid = -1;
	int child_errno = 0;
	bool ok = false;

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

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(er, O_CLOEXEC) != 0 ||
	    pipe2(st, O_CLOEXEC) != 0) {
		err_set(e, pr->label, 0, "cannot create pipes: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, pr->label, 0, "cannot start a process: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Child: async-signal-safe calls only. */
		probe_child_guard(parent, argv, in[0], out[1], er[1], st[1]);
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
			err_set(e, pr->label, 0, "cannot run %s: %s", pr->path, strerror(child_errno));
			goto out;
		}
		break;
	}
#ifdef F_SETPIPE_SZ
	/* Room for QEMU to run ahead of us: 2 MB of replies per machine type. */
	fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
#endif
	set_nonblock(in[1]);
	set_nonblock(out[0]);
	set_nonblock(er[0]);
	p->pid = pid;
	p->fd_in = in[1];
	p->fd_out = out[0];
	p->fd_err = er[0];
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
	free(mach);
	free(accel);
	free(datadir);
	return ok;
}

void proc_reap_blocking(struct proc *p)
{
	if (p->pid <= 0 || p->reaped)
		return;
	if (!p->killed) {
		/* The guard kills QEMU's process group, reaps it and exits; a
		 * guard that does not within 5 s is killed (QEMU then gets its
		 * parent-death SIGKILL). */
		kill(p->pid, SIGTERM);
		p->killed = true;
		for (int i = 0; i < 5000; i++) {
			struct timespec ms = { 0, 1000000 };
			pid_t r = waitpid(p->pid, &p->wstatus, WNOHANG);

			if (r == p->pid || (r < 0 && errno != EINTR)) {
				p->reaped = true;
				return;
			}
			nanosleep(&ms, NULL);
		}
		kill(p->pid, SIGKILL);
	}
	while (waitpid(p->pid, &p->wstatus, 0) < 0) {
		if (errno != EINTR)
			break;
	}
	p->reaped = true;
}

bool proc_try_reap(struct proc *p)
{
	pid_t r;

	if (p->reaped || p->pid <= 0)
		return true;
	r = waitpid(p->pid, &p->wstatus, WNOHANG);
	if (r == p->pid || (r < 0 && errno == ECHILD)) {
		p->reaped = true;
		return true;
	}
	return false;
}

void proc_close(struct proc *p)
{
	probe_close_fd(&p->fd_in);
	probe_close_fd(&p->fd_out);
	probe_close_fd(&p->fd_err);
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	proc_reap_blocking(p);
	proc_close(p);
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
	sigset_t block, old;
	bool epipe = false;

	if (p->fd_in < 0 || p->woff >= p->wq.len)
		return;
	/* A write to a dead QEMU must fail with EPIPE, not kill cpuscope. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (p->woff < p->wq.len) {
		ssize_t w = write(p->fd_in, p->wq.s + p->woff, p->wq.len - p->woff);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				epipe = true;
			break;
		}
		p->woff += (size_t)w;
	}
	if (epipe && !sigismember(&old, SIGPIPE)) {
		sigset_t pend;
		struct timespec zero = { 0, 0 };

		sigpending(&pend);
		if (sigismember(&pend, SIGPIPE))
			sigtimedwait(&block, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (epipe) {
		/* QEMU closed its stdin: it is exiting; EOF on stdout follows. */
		probe_close_fd(&p->fd_in);
		sb_reset(&p->wq);
		p->woff = 0;
		return;
	}
	if (p->woff >= p->wq.len) {
		sb_reset(&p->wq);
		p->woff = 0;
	}
}

void proc_read_stderr(struct proc *p)
{
	char buf[4096];

	while (p->fd_err >= 0) {
		ssize_t r = read(p->fd_err, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				probe_close_fd(&p->fd_err);
				p->err_eof = true;
			}
			break;
		}
		if (r == 0) {
			probe_close_fd(&p->fd_err);
			p->err_eof = true;
			break;
		}
		for (ssize_t i = 0; i < r; i++) {
			if (p->elen == sizeof(p->ebuf)) {
				memmove(p->ebuf, p->ebuf + PROBE_STDERR_KEEP,
					sizeof(p->ebuf) - PROBE_STDERR_KEEP);
				p->elen -= PROBE_STDERR_KEEP;
			}
			p->ebuf[p->elen++] = buf[i];
		}
	}
}

/* The last non-empty line QEMU wrote on stderr, or NULL. */
static char *proc_last_stderr(const struct proc *p)
{
	size_t end = p->elen, start;

	while (end > 0 && (p->ebuf[end - 1] == '\n' || p->ebuf[end - 1] == '\r' ||
			   p->ebuf[end - 1] == ' '))
		end--;
	if (end == 0)
		return NULL;
	start = end;
	while (start > 0 && p->ebuf[start - 1] != '\n')
		start--;
	if (end - start > 300)
		end = start + 300;
	return xstrndup(p->ebuf + start, end - start);
}

/* The process ended on its own before answering everything. */
void proc_fail_exited(struct proc *p)
{
	struct strbuf step = STRBUF_INIT, how = STRBUF_INIT;
	char *last = NULL;

	proc_step_name(p, &step);
	if (WIFSIGNALED(p->wstatus))
		sb_addf(&how, "QEMU was killed by signal %d (%s)", WTERMSIG(p->wstatus),
			strsignal(WTERMSIG(p->wstatus)));
	else if (WIFEXITED(p->wstatus))
		sb_addf(&how, "QEMU exited with status %d", WEXITSTATUS(p->wstatus));
	else
		sb_add(&how, "QEMU ended");
	last = proc_last_stderr(p);
	if (last)
		proc_fail(p, "%s while waiting for %s: %s", sb_str(&how), sb_str(&step), last);
	else
		proc_fail(p, "%s while waiting for %s (QEMU printed no message)", sb_str(&how),
			  sb_str(&step));
	free(last);
	sb_fini(&step);
	sb_fini(&how);
}
