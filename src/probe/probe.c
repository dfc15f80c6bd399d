/* probe.c - drive QEMU processes over QMP (see probe.h).
 *
 * Each process is a little state machine fed by the poll() loop:
 *   greeting -> [caps, (machines, target), defs] written at once
 *   defs reply -> [full/static expansion of every model..., quit] written at once
 *   every reply matched by id; events ignored; EOF + reap ends it.
 * Replies are parsed as they arrive; expansions are staged per process
 * and committed into the dataset in plan order (so the pool, and the
 * snapshot written from it, do not depend on which process won a race).
 */
#define _GNU_SOURCE 1 /* pipe2, close_range */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <json-c/json.h>

#include "err.h"
#include "qmp_json.h"
#include "util.h"

#define PROBE_MAX_LINE_DEFAULT (16u * 1024u * 1024u)
#define PROBE_READ_CHUNK 65536u
#define PROBE_READ_BUDGET (1u << 20) /* bytes per process per step, for fairness */
#define PROBE_STDERR_KEEP 4096u
#define PROBE_TICK_MS 200

/* A distinct expansion reply.  QEMU's replies for one model are byte for
 * byte the same on most machine types, so a reply whose text (without its
 * id) was seen before is not parsed again: it points at the same entry.
 * Entries are committed to the dataset's pool in plan order (first use),
 * which keeps the pool order independent of process timing. */
struct reply_entry {
	struct expansion *x; /* parsed, owned until committed */
	int idx;             /* pool index once committed, else -1 */
};

struct proc {
	struct probe *pr;
	size_t slot;        /* index in the plan */
	char *machine;
	bool first;         /* -machine none: asks query-machines and query-target */
	bool want_cpu;      /* asks the CPU queries */
	pid_t pid;
	int fd_in, fd_out, fd_err;
	struct strbuf wq;   /* bytes to write to QEMU's stdin */
	size_t woff;
	char *rbuf;         /* QMP output bytes not yet split into lines */
	size_t rlen, rcap, rscan;
	int lineno;
	char ebuf[2 * PROBE_STDERR_KEEP];
	size_t elen;
	json_tokener *tok;
	bool greeted;
	/* Commands by position: caps, [machines, target], [defs, f0, s0, f1, s1, ...], quit. */
	size_t npos;        /* positions known so far */
	size_t nsent;       /* positions written */
	size_t cursor;      /* oldest position not yet answered */
	unsigned char *ans; /* per position: answered */
	size_t base;        /* position of defs */
	json_object *defs;  /* the query-cpu-definitions return value (held) */
	int defs_line;
	char **models;
	size_t nmodels;
	struct reply_entry **xfull, **xstat; /* lent from the probe */
	size_t nexp_answered;
	char cur_key[40];   /* reply-text key of the line being handled, or "" */
	double deadline;
	bool data_done;     /* every query answered: ready to commit */
	bool quit_answered;
	bool out_eof, err_eof;
	bool reaped;
	bool killed;
	int wstatus;
	bool finished;      /* reaped (or killed) and closed */
	bool committed;
	char *failure;      /* why the machine type failed, or NULL */
};

struct probe {
	struct probe_opts o;
	struct ftable *ft;
	struct dataset *ds;
	char *path;
	char *label;        /* the binary as given, for messages */
	const char *accel;
	double timeout;
	size_t max_line;
	size_t jobs;
	struct vec plan;    /* char * machine names (owned); slot 0 is "none" */
	struct vec procs;   /* struct proc * per slot, NULL until started */
	bool none_wanted;
	bool plan_known;    /* every slot is in the plan */
	bool target_only;   /* probe_detect_arch */
	enum arch target_arch;
	bool target_known;
	size_t next_start, next_commit, running;
	size_t total, done, failed, ok;
	size_t cmds_done, cmds_total;
	size_t nmodels_est;
	bool cancelled;
	char *fatal;        /* a failure that ends the whole probe */
	char *first_failure;
	struct strmap replies; /* reply-text key -> struct reply_entry * */
	struct vec entries;    /* struct reply_entry * (owned) */
};

/* ---- small helpers ---------------------------------------------------- */

static double now_s(void)
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

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* JSON string literal of s. */
static void sb_json_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*c);
		} else if (*c < 0x20) {
			sb_addf(sb, "\\u%04x", *c);
		} else {
			sb_addc(sb, (char)*c);
		}
	}
	sb_addc(sb, '"');
}

/* Printable excerpt of bytes: up to max bytes, others as \xNN. */
static void sb_excerpt(struct strbuf *sb, const char *s, size_t len, size_t max)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
	if (len > max)
		sb_add(sb, "...");
}

static const char *json_str_member(const json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* ---- binary, accelerator, arch ------------------------------------------ */

bool probe_find_binary(const char *binary, char **path, struct err *e)
{
	const char *env = NULL;
	char *dirs = NULL;
	bool ok = false;
	struct stat st;

	*path = NULL;
	if (!binary || !*binary)
		return err_set(e, "probe", 0, "no QEMU binary given");
	if (strchr(binary, '/')) {
		if (stat(binary, &st) != 0) {
			err_set(e, binary, 0, "%s", strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			err_set(e, binary, 0, "is a directory, not a QEMU binary");
			goto out;
		}
		if (access(binary, X_OK) != 0) {
			err_set(e, binary, 0, "not executable: %s", strerror(errno));
			goto out;
		}
		*path = xstrdup(binary);
		ok = true;
		goto out;
	}
	env = getenv("PATH");
	dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *d ? d : ".", binary);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			*path = cand;
			ok = true;
			goto out;
		}
		free(cand);
	}
	err_set(e, binary, 0, "not found in PATH (is QEMU installed?)");
out:
	free(dirs);
	return ok;
}

static bool host_arch_is(enum arch a)
{
	struct utsname u;

	if (uname(&u) != 0)
		return false;
	if (a == ARCH_X86_64)
		return !strcmp(u.machine, "x86_64");
	if (a == ARCH_S390X)
		return !strcmp(u.machine, "s390x");
	return false;
}

const char *probe_default_accel(enum arch arch)
{
	int fd = -1;

	if (!host_arch_is(arch))
		return "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	return "kvm";
}

/* ---- progress --------------------------------------------------------- */

static void report(struct probe *pr, const char *stage, const char *machine, const char *message)
{
	struct probe_progress p;

	if (!pr->o.progress)
		return;
	memset(&p, 0, sizeof(p));
	p.done = pr->done;
	p.total = pr->total;
	p.failed = pr->failed;
	p.cmds_done = pr->cmds_done;
	p.cmds_total = pr->cmds_total < pr->cmds_done ? pr->cmds_done : pr->cmds_total;
	p.stage = stage;
	p.machine = machine;
	p.message = message;
	pr->o.progress(pr->o.ctx, &p);
}

/* Commands one process will answer, for the estimate. */
static size_t proc_cmd_estimate(const struct probe *pr, bool first, bool want_cpu)
{
	size_t n = 2; /* caps, quit */

	if (first)
		n += 2;
	if (want_cpu)
		n += 1 + 2 * pr->nmodels_est;
	return n;
}

/* ---- process lifetime -------------------------------------------------- */

static void child_dup(int from, int to)
{
	if (from == to)
		fcntl(to, F_SETFD, 0);
	else
		dup2(from, to);
}

/* Start QEMU for p->machine.  On failure e is set and nothing is left
 * running. */
static bool proc_spawn(struct proc *p, struct err *e)
{
	struct probe *pr = p->pr;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 }, st[2] = { -1, -1 };
	char a_machine[] = "-machine", a_s[] = "-S", a_nodef[] = "-nodefaults",
	     a_nographic[] = "-nographic", a_qmp[] = "-qmp", a_stdio[] = "stdio",
	     a_accel[] = "-accel", a_datadir[] = "-L";
	char *argv[13] = { NULL };
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
	argv[5] = a_nographic;
	argv[6] = a_qmp;
	argv[7] = a_stdio;
	argv[8] = a_accel;
	argv[9] = accel;
	argv[10] = NULL;
	if (pr->o.datadir) {
		datadir = xstrdup(pr->o.datadir);
		argv[10] = a_datadir;
		argv[11] = datadir;
		argv[12] = NULL;
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
		sigset_t none;
		struct sigaction dfl;
		int err_no;

#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
#endif
		setpgid(0, 0);
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				sigaction(s, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		child_dup(in[0], 0);
		child_dup(out[1], 1);
		child_dup(er[1], 2);
		if (st[1] > 3)
			close_range(3, (unsigned)st[1] - 1, 0);
		if (st[1] >= 3)
			close_range((unsigned)st[1] + 1, ~0u, 0);
		execv(argv[0], argv);
		err_no = errno;
		if (write(st[1], &err_no, sizeof(err_no)) < 0)
			_exit(127);
		_exit(127);
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&er[1]);
	close_fd(&st[1]);
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
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&er[0]);
	close_fd(&er[1]);
	close_fd(&st[0]);
	close_fd(&st[1]);
	free(mach);
	free(accel);
	free(datadir);
	return ok;
}

static void proc_reap_blocking(struct proc *p)
{
	if (p->pid <= 0 || p->reaped)
		return;
	if (!p->killed) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		p->killed = true;
	}
	while (waitpid(p->pid, &p->wstatus, 0) < 0) {
		if (errno != EINTR)
			break;
	}
	p->reaped = true;
}

static bool proc_try_reap(struct proc *p)
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

static void proc_free_staged(struct proc *p)
{
	for (size_t i = 0; i < p->nmodels; i++)
		free(p->models[i]);
	free(p->xfull);
	free(p->xstat);
	free(p->models);
	p->xfull = p->xstat = NULL;
	p->models = NULL;
	p->nmodels = 0;
	if (p->defs)
		json_object_put(p->defs);
	p->defs = NULL;
}

static void proc_close(struct proc *p)
{
	close_fd(&p->fd_in);
	close_fd(&p->fd_out);
	close_fd(&p->fd_err);
}

static void proc_free(struct proc *p)
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

/* What the process is waiting for: "query-cpu-definitions", ... */
static void proc_step_name(const struct proc *p, struct strbuf *sb)
{
	size_t pos = p->cursor;

	if (!p->greeted) {
		sb_add(sb, "the QMP greeting");
		return;
	}
	if (pos >= p->nsent) {
		sb_add(sb, p->quit_answered || p->data_done ? "exit after quit" : "the next reply");
		return;
	}
	if (pos == 0) {
		sb_add(sb, "qmp_capabilities");
	} else if (p->first && pos == 1) {
		sb_add(sb, "query-machines");
	} else if (p->first && pos == 2) {
		sb_add(sb, "query-target");
	} else if (p->want_cpu && pos == p->base) {
		sb_add(sb, "query-cpu-definitions");
	} else if (p->want_cpu && pos > p->base && pos <= p->base + 2 * p->nmodels) {
		size_t k = pos - p->base - 1;

		sb_addf(sb, "query-cpu-model-expansion (%s, %s)", p->models[k / 2],
			k % 2 ? "static" : "full");
	} else {
		sb_add(sb, "quit");
	}
}

static void probe_after_change(struct probe *pr);

/* Every reply is in: the machine type is done, whether the process exited
 * on its own or not (msg: a note for the report, or NULL).  Not a
 * failure. */
static void proc_done(struct proc *p, const char *msg)
{
	struct probe *pr = p->pr;

	proc_reap_blocking(p);
	proc_close(p);
	p->finished = true;
	pr->running--;
	if (p->want_cpu)
		pr->done++;
	report(pr, "done", p->machine, msg);
	probe_after_change(pr);
}

/* The machine type failed: kill, reap, record, report. */
static void proc_fail(struct proc *p, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void proc_fail(struct proc *p, const char *fmt, ...)
{
	struct probe *pr = p->pr;
	va_list ap;
	char *msg = NULL;

	if (p->finished || p->failure)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->data_done) {
		/* Everything is in already: only a message, not a failure. */
		char *m = xasprintf("%s: %s (after all replies were in)", p->machine, msg);

		free(msg);
		proc_done(p, m);
		free(m);
		return;
	}
	p->failure = xasprintf("%s: %s", p->machine, msg);
	free(msg);
	msg = NULL;
	proc_reap_blocking(p);
	proc_close(p);
	proc_free_staged(p);
	p->finished = true;
	pr->running--;
	if (p->want_cpu) {
		pr->done++;
		pr->failed++;
	}
	if (!pr->first_failure)
		pr->first_failure = xstrdup(p->failure);
	report(pr, "failed", p->machine, p->failure);
	probe_after_change(pr);
}

/* The process ended on its own before answering everything. */
static void proc_fail_exited(struct proc *p)
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

/* ---- writing commands -------------------------------------------------- */

static void proc_flush(struct proc *p)
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
		close_fd(&p->fd_in);
		sb_reset(&p->wq);
		p->woff = 0;
		return;
	}
	if (p->woff >= p->wq.len) {
		sb_reset(&p->wq);
		p->woff = 0;
	}
}

static void proc_send(struct proc *p, const char *execute, const char *args, const char *id)
{
	sb_addf(&p->wq, "{\"execute\":\"%s\"", execute);
	if (args)
		sb_addf(&p->wq, ",\"arguments\":%s", args);
	sb_addf(&p->wq, ",\"id\":\"%s\"}\n", id);
	p->nsent++;
}

static void proc_grow_positions(struct proc *p, size_t npos)
{
	p->ans = xrealloc(p->ans, npos);
	memset(p->ans + p->npos, 0, npos - p->npos);
	p->npos = npos;
}

/* After the greeting: the first commands, all at once. */
static void proc_send_initial(struct proc *p)
{
	size_t n = 1;

	proc_send(p, "qmp_capabilities", NULL, "caps");
	if (p->first) {
		proc_send(p, "query-machines", NULL, "machines");
		proc_send(p, "query-target", NULL, "target");
		n += 2;
	}
	p->base = n;
	if (p->want_cpu) {
		proc_send(p, "query-cpu-definitions", NULL, "defs");
		n++;
	}
	proc_grow_positions(p, n + 1); /* + quit, sent once everything is in */
	proc_flush(p);
}

/* After the definitions: every expansion, then quit. */
static void proc_send_expansions(struct proc *p)
{
	struct strbuf args = STRBUF_INIT;
	char id[32];

	proc_grow_positions(p, p->base + 1 + 2 * p->nmodels + 1);
	for (size_t i = 0; i < p->nmodels; i++) {
		for (int k = 0; k < 2; k++) {
			sb_reset(&args);
			sb_addf(&args, "{\"type\":\"%s\",\"model\":{\"name\":", k ? "static" : "full");
			sb_json_str(&args, p->models[i]);
			sb_add(&args, "}}");
			snprintf(id, sizeof(id), "%c%zu", k ? 's' : 'f', i);
			proc_send(p, "query-cpu-model-expansion", sb_str(&args), id);
		}
	}
	sb_fini(&args);
	proc_flush(p);
}

/* ---- replies ----------------------------------------------------------- */

/* Position of an id, or (size_t)-1. */
static size_t proc_id_pos(const struct proc *p, const char *id)
{
	char *end = NULL;
	unsigned long long k;

	if (!strcmp(id, "caps"))
		return 0;
	if (p->first && !strcmp(id, "machines"))
		return 1;
	if (p->first && !strcmp(id, "target"))
		return 2;
	if (p->want_cpu && !strcmp(id, "defs"))
		return p->base;
	if (!strcmp(id, "quit"))
		return p->npos ? p->npos - 1 : (size_t)-1;
	if ((id[0] == 'f' || id[0] == 's') && id[1] >= '0' && id[1] <= '9' && p->want_cpu &&
	    p->models) {
		errno = 0;
		k = strtoull(id + 1, &end, 10);
		if (errno || *end || k >= p->nmodels)
			return (size_t)-1;
		return p->base + 1 + 2 * (size_t)k + (id[0] == 's');
	}
	return (size_t)-1;
}

static char *proc_file(const struct proc *p)
{
	return xasprintf("%s -machine %s", p->pr->label, p->machine);
}

static void proc_on_greeting(struct proc *p, json_object *obj)
{
	struct probe *pr = p->pr;
	json_object *qmp = NULL, *ver = NULL, *q = NULL, *v = NULL;

	if (p->greeted)
		return;
	p->greeted = true;
	if (pr->ds && !pr->ds->qemu_version && json_object_object_get_ex(obj, "QMP", &qmp) &&
	    json_object_object_get_ex(qmp, "version", &ver)) {
		long long maj = 0, min = 0, mic = 0;
		const char *pkg = json_str_member(ver, "package");

		if (json_object_object_get_ex(ver, "qemu", &q)) {
			if (json_object_object_get_ex(q, "major", &v))
				maj = json_object_get_int64(v);
			if (json_object_object_get_ex(q, "minor", &v))
				min = json_object_get_int64(v);
			if (json_object_object_get_ex(q, "micro", &v))
				mic = json_object_get_int64(v);
		}
		pr->ds->qemu_version = xasprintf("%lld.%lld.%lld", maj, min, mic);
		if (pkg && *pkg)
			pr->ds->qemu_package = xstrdup(pkg);
	}
	proc_send_initial(p);
}

static int cmp_natural(const void *a, const void *b)
{
	return str_natcmp(*(char *const *)a, *(char *const *)b);
}

/* The plan, once query-machines has answered (or failed). */
static void probe_plan_machines(struct probe *pr, bool known)
{
	struct vec names = VEC_INIT;

	if (pr->plan_known)
		return;
	if (pr->o.machines) {
		for (const char *const *m = pr->o.machines; *m; m++) {
			const char *name = *m;

			if (!strcmp(name, "none"))
				continue;
			if (known) {
				const struct machine *mc = NULL;

				for (size_t i = 0; i < pr->ds->machines.n; i++) {
					const struct machine *c = vec_get(&pr->ds->machines, i);

					if (str_eq(c->name, name) || str_eq(c->alias, name) ||
					    (!strcmp(name, "default") && c->is_default)) {
						mc = c;
						break;
					}
				}
				if (!mc) {
					char *msg = xasprintf("%s: unknown machine type (not in "
							      "query-machines of %s)",
							      name, pr->label);

					vec_push(&pr->ds->missing, xstrdup(name));
					pr->total++;
					pr->done++;
					pr->failed++;
					if (!pr->first_failure)
						pr->first_failure = xstrdup(msg);
					report(pr, "failed", name, msg);
					free(msg);
					continue;
				}
				name = mc->name;
			}
			bool dup = false;

			for (size_t i = 0; i < pr->plan.n && !dup; i++)
				dup = !strcmp(vec_get(&pr->plan, i), name);
			for (size_t i = 0; i < names.n && !dup; i++)
				dup = !strcmp(vec_get(&names, i), name);
			if (!dup)
				vec_push(&names, xstrdup(name));
		}
	} else if (known) {
		for (size_t i = 0; i < pr->ds->machines.n; i++) {
			const struct machine *c = vec_get(&pr->ds->machines, i);

			if (c->name && strcmp(c->name, "none"))
				vec_push(&names, xstrdup(c->name));
		}
		vec_sort(&names, cmp_natural);
	}
	for (size_t i = 0; i < names.n; i++) {
		vec_push(&pr->plan, vec_get(&names, i));
		vec_push(&pr->procs, NULL);
		pr->total++;
		pr->cmds_total += proc_cmd_estimate(pr, false, true);
	}
	vec_fini(&names, NULL);
	pr->plan_known = true;
}

static void proc_on_machines(struct proc *p, json_object *ret, int line)
{
	struct probe *pr = p->pr;
	struct err e;
	char *file = NULL;

	err_clear(&e);
	if (!pr->ds)
		return;
	file = proc_file(p);
	if (!qmp_read_machines(ret, file, line, &pr->ds->machines, &e)) {
		char buf[1600];

		free(file);
		proc_fail(p, "cannot read the query-machines reply: %s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	free(file);
	probe_plan_machines(pr, true);
	probe_after_change(pr);
}

static void proc_on_target(struct proc *p, json_object *ret)
{
	struct probe *pr = p->pr;
	const char *arch = json_str_member(ret, "arch");
	enum arch a;

	if (!arch || !arch_parse(arch, &a)) {
		if (pr->target_only) {
			free(pr->fatal);
			pr->fatal = xasprintf("%s: QEMU reports an unsupported target arch '%s'",
					      pr->label, arch ? arch : "?");
		}
		return;
	}
	pr->target_arch = a;
	pr->target_known = true;
	if (pr->ft && a != pr->ft->arch && !pr->fatal)
		pr->fatal = xasprintf("%s: this QEMU emulates %s, not %s", pr->label, arch,
				      arch_name(pr->ft->arch));
}

static void proc_on_defs(struct proc *p, json_object *ret, int line)
{
	struct probe *pr = p->pr;
	size_t n;

	if (!json_object_is_type(ret, json_type_array)) {
		proc_fail(p, "query-cpu-definitions did not return a list");
		return;
	}
	n = json_object_array_length(ret);
	p->models = xcalloc(n ? n : 1, sizeof(*p->models));
	for (size_t i = 0; i < n; i++) {
		const char *name = json_str_member(json_object_array_get_idx(ret, i), "name");

		if (!name) {
			proc_fail(p, "query-cpu-definitions entry %zu has no name", i + 1);
			return;
		}
		p->models[p->nmodels++] = xstrdup(name);
	}
	/* Read the definitions now (into a scratch dataset): this checks them
	 * before any expansion is asked, and interns the feature names they
	 * mention (e.g. "kvm" in unavailable-features under TCG) before the
	 * first expansion is parsed, so every expansion of the probe sees the
	 * same feature table. */
	if (pr->ft) {
		struct dataset *scratch = dataset_new(pr->ft->arch, pr->ft);
		char *file = proc_file(p);
		struct err e;

		err_clear(&e);
		if (!qmp_read_definitions(ret, file, p->lineno, dataset_mdata(scratch, p->machine),
					  pr->ft, &e)) {
			char buf[1600];

			free(file);
			dataset_free(scratch);
			proc_fail(p, "cannot read the query-cpu-definitions reply: %s",
				  err_str(&e, buf, sizeof(buf)));
			return;
		}
		free(file);
		dataset_free(scratch);
	}
	p->xfull = xcalloc(n ? n : 1, sizeof(*p->xfull));
	p->xstat = xcalloc(n ? n : 1, sizeof(*p->xstat));
	p->defs = json_object_get(ret);
	p->defs_line = p->lineno;
	(void)line;
	if (!pr->nmodels_est) {
		/* Now the estimate can be made for every machine type. */
		size_t before = proc_cmd_estimate(pr, false, true);

		pr->nmodels_est = n;
		pr->cmds_total += (proc_cmd_estimate(pr, false, true) - before) * pr->total;
	}
	report(pr, "expansions", p->machine, NULL);
	proc_send_expansions(p);
}

static void probe_add_missing(struct probe *pr, const char *item)
{
	if (pr->ds)
		vec_push(&pr->ds->missing, xstrdup(item));
}

static void proc_on_expansion(struct proc *p, size_t k, bool stat, json_object *ret,
			      const char *error_desc, int line)
{
	struct probe *pr = p->pr;
	struct expansion *x = NULL;
	struct err e;
	char buf[1600];
	char *file = NULL;

	p->nexp_answered++;
	if (!error_desc) {
		err_clear(&e);
		file = proc_file(p);
		if (qmp_read_expansion(ret, file, line, pr->ft, &x, &e)) {
			struct reply_entry *re = xcalloc(1, sizeof(*re));

			re->x = x;
			re->idx = -1;
			vec_push(&pr->entries, re);
			if (p->cur_key[0])
				strmap_put(&pr->replies, p->cur_key, re);
			if (stat)
				p->xstat[k] = re;
			else
				p->xfull[k] = re;
			free(file);
			return;
		}
		free(file);
		error_desc = err_str(&e, buf, sizeof(buf));
	}
	char *item = xasprintf("%s/%s/%s", p->machine, p->models[k], stat ? "static" : "full");
	char *msg = xasprintf("%s: %s (%s): %s", p->machine, p->models[k],
			      stat ? "static" : "full", error_desc);

	probe_add_missing(pr, item);
	report(pr, "expansions", p->machine, msg);
	free(item);
	free(msg);
}

static void proc_check_done(struct proc *p)
{
	if (p->data_done || p->finished)
		return;
	if (p->want_cpu ? (p->models && p->nexp_answered == 2 * p->nmodels) :
			  (p->greeted && p->cursor >= (p->first ? 3u : 1u))) {
		/* quit only now: QEMU drops output still buffered when it exits, so
		 * a pipelined quit could lose the last replies when our end of the
		 * pipe lags behind. */
		p->data_done = true;
		proc_send(p, "quit", NULL, "quit");
		proc_flush(p);
		probe_after_change(p->pr);
	}
}

static void proc_mark_answered(struct proc *p, size_t pos)
{
	p->ans[pos] = 1;
	while (p->cursor < p->nsent && p->ans[p->cursor])
		p->cursor++;
	p->pr->cmds_done++;
	p->deadline = now_s() + p->pr->timeout;
}

/* A reply object with an id. */
static void proc_on_reply(struct proc *p, json_object *obj, const char *id)
{
	json_object *ret = NULL, *error = NULL;
	const char *desc = NULL;
	size_t pos = proc_id_pos(p, id);

	if (pos == (size_t)-1 || pos >= p->nsent || p->ans[pos]) {
		struct strbuf sb = STRBUF_INIT;

		sb_excerpt(&sb, id, strlen(id), 40);
		proc_fail(p, "QEMU replied to an unknown command id %s", sb_str(&sb));
		sb_fini(&sb);
		return;
	}
	proc_mark_answered(p, pos);
	if (json_object_object_get_ex(obj, "error", &error)) {
		desc = json_str_member(error, "desc");
		if (!desc)
			desc = "(no description)";
	} else {
		json_object_object_get_ex(obj, "return", &ret);
	}

	if (pos == 0) {
		if (desc)
			proc_fail(p, "qmp_capabilities failed: %s", desc);
	} else if (p->first && pos == 1) {
		if (desc)
			proc_fail(p, "query-machines failed: %s", desc);
		else
			proc_on_machines(p, ret, p->lineno);
	} else if (p->first && pos == 2) {
		if (!desc)
			proc_on_target(p, ret);
	} else if (p->want_cpu && pos == p->base) {
		if (desc)
			proc_fail(p, "query-cpu-definitions failed: %s", desc);
		else
			proc_on_defs(p, ret, p->lineno);
	} else if (pos == p->npos - 1 && !strcmp(id, "quit")) {
		p->quit_answered = true;
	} else {
		size_t k = pos - p->base - 1;

		proc_on_expansion(p, k / 2, k % 2, ret, desc, p->lineno);
	}
	if (!p->finished)
		proc_check_done(p);
}

static void proc_garbage(struct proc *p, const char *line, size_t len, const char *why)
{
	struct strbuf step = STRBUF_INIT, ex = STRBUF_INIT;

	proc_step_name(p, &step);
	sb_excerpt(&ex, line, len, 60);
	proc_fail(p, "QEMU printed %s on its QMP output while waiting for %s: %s", why,
		  sb_str(&step), sb_str(&ex));
	sb_fini(&step);
	sb_fini(&ex);
}

/* An expansion reply ends in `, "id": "f12"}` (QEMU puts the id last).
 * Key its text without the id; a known key needs no parsing. */
static bool proc_fast_reply(struct proc *p, const char *line, size_t len)
{
	static const char tag[] = ", \"id\": \"";
	const size_t taglen = sizeof(tag) - 1;
	size_t q, idlen;
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	char id[24];
	struct reply_entry *re;
	size_t pos;

	p->cur_key[0] = '\0';
	if (!p->models || p->data_done || len < taglen + 4 || line[len - 1] != '}' ||
	    line[len - 2] != '"')
		return false;
	q = len - 3;
	while (q > 0 && line[q] != '"' && len - 2 - q < sizeof(id))
		q--;
	if (line[q] != '"' || q < taglen - 1)
		return false;
	if (memcmp(line + q + 1 - taglen, tag, taglen) != 0)
		return false;
	idlen = len - 2 - (q + 1);
	if (idlen < 2 || idlen >= sizeof(id) || (line[q + 1] != 'f' && line[q + 1] != 's'))
		return false;
	memcpy(id, line + q + 1, idlen);
	id[idlen] = '\0';
	for (size_t i = 0; i < q + 1 - taglen; i++) {
		h1 = (h1 ^ (unsigned char)line[i]) * 0x100000001b3ull;
		h2 = (h2 ^ (unsigned char)line[i]) * 0x100000001b3ull;
		h2 ^= h2 >> 29;
	}
	snprintf(p->cur_key, sizeof(p->cur_key), "%016llx%016llx%c",
		 (unsigned long long)h1, (unsigned long long)h2, id[0]);
	re = strmap_get(&p->pr->replies, p->cur_key);
	if (!re)
		return false;
	pos = proc_id_pos(p, id);
	if (pos == (size_t)-1 || pos >= p->nsent || p->ans[pos] || pos <= p->base)
		return false; /* let the slow path report it */
	p->lineno++;
	proc_mark_answered(p, pos);
	p->nexp_answered++;
	if (id[0] == 's')
		p->xstat[(pos - p->base - 1) / 2] = re;
	else
		p->xfull[(pos - p->base - 1) / 2] = re;
	proc_check_done(p);
	return true;
}

static void proc_on_line(struct proc *p, const char *line, size_t len)
{
	json_object *obj = NULL, *idv = NULL;
	enum json_tokener_error jerr;

	p->lineno++;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	if (proc_fast_reply(p, line, len))
		return;
	if (len > INT_MAX) {
		proc_garbage(p, line, len, "an oversized line");
		return;
	}
	json_tokener_reset(p->tok);
	obj = json_tokener_parse_ex(p->tok, line, (int)len);
	jerr = json_tokener_get_error(p->tok);
	if (!obj || jerr != json_tokener_success || json_tokener_get_parse_end(p->tok) != len ||
	    !json_object_is_type(obj, json_type_object)) {
		if (obj)
			json_object_put(obj);
		proc_garbage(p, line, len, "something that is not a QMP message");
		return;
	}
	if (json_object_object_get_ex(obj, "QMP", NULL)) {
		proc_on_greeting(p, obj);
	} else if (json_object_object_get_ex(obj, "event", NULL)) {
		/* events (SHUTDOWN, ...) are not replies */
	} else if (!p->greeted) {
		proc_garbage(p, line, len, "a message before its greeting");
	} else if (json_object_object_get_ex(obj, "id", &idv) &&
		   (json_object_object_get_ex(obj, "return", NULL) ||
		    json_object_object_get_ex(obj, "error", NULL))) {
		if (json_object_is_type(idv, json_type_string)) {
			proc_on_reply(p, obj, json_object_get_string(idv));
		} else {
			proc_fail(p, "QEMU replied with an id that is not a string");
		}
	} else if (json_object_object_get_ex(obj, "error", &idv)) {
		const char *desc = json_str_member(idv, "desc");

		proc_fail(p, "QMP error without an id: %s", desc ? desc : "(no description)");
	} else {
		proc_garbage(p, line, len, "an unexpected JSON object");
	}
	json_object_put(obj);
}

static void proc_read_stdout(struct proc *p)
{
	struct probe *pr = p->pr;
	size_t budget = PROBE_READ_BUDGET;

	while (!p->finished && p->fd_out >= 0 && budget > 0) {
		ssize_t r;

		if (p->rcap - p->rlen < PROBE_READ_CHUNK) {
			p->rcap = p->rcap ? p->rcap * 2 : 4 * PROBE_READ_CHUNK;
			while (p->rcap - p->rlen < PROBE_READ_CHUNK)
				p->rcap *= 2;
			p->rbuf = xrealloc(p->rbuf, p->rcap);
		}
		r = read(p->fd_out, p->rbuf + p->rlen, PROBE_READ_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			proc_fail(p, "cannot read QEMU's output: %s", strerror(errno));
			return;
		}
		if (r == 0) {
			close_fd(&p->fd_out);
			p->out_eof = true;
			break;
		}
		p->rlen += (size_t)r;
		budget = budget > (size_t)r ? budget - (size_t)r : 0;

		size_t start = 0;
		char *nl;

		while (!p->finished &&
		       (nl = memchr(p->rbuf + p->rscan, '\n', p->rlen - p->rscan)) != NULL) {
			size_t end = (size_t)(nl - p->rbuf);

			proc_on_line(p, p->rbuf + start, end - start);
			start = end + 1;
			p->rscan = start;
		}
		if (p->finished)
			return;
		if (start > 0) {
			memmove(p->rbuf, p->rbuf + start, p->rlen - start);
			p->rlen -= start;
			p->rscan = 0;
		}
		p->rscan = p->rlen;
		if (p->rlen > pr->max_line) {
			struct strbuf step = STRBUF_INIT, ex = STRBUF_INIT;

			proc_step_name(p, &step);
			sb_excerpt(&ex, p->rbuf, p->rlen, 40);
			proc_fail(p, "QEMU printed an enormous line (more than %zu bytes, no newline) "
				  "while waiting for %s: %s", pr->max_line, sb_str(&step),
				  sb_str(&ex));
			sb_fini(&step);
			sb_fini(&ex);
			return;
		}
	}
}

static void proc_read_stderr(struct proc *p)
{
	char buf[4096];

	while (p->fd_err >= 0) {
		ssize_t r = read(p->fd_err, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				close_fd(&p->fd_err);
				p->err_eof = true;
			}
			break;
		}
		if (r == 0) {
			close_fd(&p->fd_err);
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

/* ---- the plan and the loop ---------------------------------------------- */

static struct proc *proc_new(struct probe *pr, size_t slot)
{
	struct proc *p = xcalloc(1, sizeof(*p));

	p->pr = pr;
	p->slot = slot;
	p->machine = xstrdup(vec_get(&pr->plan, slot));
	p->first = slot == 0;
	p->want_cpu = slot == 0 ? pr->none_wanted && !pr->target_only : true;
	p->pid = -1;
	p->fd_in = p->fd_out = p->fd_err = -1;
	p->tok = json_tokener_new();
	return p;
}

static void probe_start_next(struct probe *pr)
{
	while (!pr->fatal && !pr->cancelled && pr->running < pr->jobs &&
	       pr->next_start < pr->plan.n && (pr->next_start == 0 || pr->plan_known)) {
		size_t slot = pr->next_start++;
		struct proc *p = proc_new(pr, slot);
		struct err e;

		pr->procs.v[slot] = p;
		err_clear(&e);
		pr->running++;
		if (!proc_spawn(p, &e)) {
			char buf[1600];

			if (slot == 0) {
				pr->fatal = xstrdup(err_str(&e, buf, sizeof(buf)));
				p->finished = true;
				pr->running--;
				return;
			}
			proc_fail(p, "%s", e.msg);
			continue;
		}
		p->deadline = now_s() + pr->timeout;
		report(pr, "starting", p->machine, NULL);
	}
}

static int probe_commit_entry(struct probe *pr, struct reply_entry *re)
{
	if (!re)
		return -1;
	if (re->idx < 0) {
		re->idx = dataset_add_expansion(pr->ds, re->x); /* takes x */
		re->x = NULL;
	}
	return re->idx;
}

/* Commit finished machine types in plan order. */
static void probe_commit(struct probe *pr)
{
	while (pr->next_commit < pr->procs.n) {
		struct proc *p = pr->procs.v[pr->next_commit];
		struct err e;

		if (!p || !(p->data_done || p->finished))
			break;
		pr->next_commit++;
		if (p->committed)
			continue;
		p->committed = true;
		if (!pr->ds)
			continue;
		if (!p->want_cpu)
			continue;
		if (p->failure || !p->data_done) {
			probe_add_missing(pr, p->machine);
			continue;
		}
		struct mdata *md = dataset_mdata(pr->ds, p->machine);
		char *file = proc_file(p);

		err_clear(&e);
		if (!qmp_read_definitions(p->defs, file, p->defs_line, md, pr->ft, &e)) {
			char buf[1600];
			char *msg = xasprintf("%s: cannot read query-cpu-definitions: %s", p->machine,
					      err_str(&e, buf, sizeof(buf)));

			probe_add_missing(pr, p->machine);
			report(pr, "failed", p->machine, msg);
			if (!pr->first_failure)
				pr->first_failure = msg;
			else
				free(msg);
			free(file);
			proc_free_staged(p);
			continue;
		}
		free(file);
		for (size_t i = 0; i < p->nmodels; i++) {
			int full = -1, stat = -1;

			full = probe_commit_entry(pr, p->xfull[i]);
			stat = probe_commit_entry(pr, p->xstat[i]);
			p->xfull[i] = p->xstat[i] = NULL;
			mdata_set_expansion(md, p->models[i], full, stat);
		}
		pr->ok++;
		proc_free_staged(p);
	}
}

/* Process exit: after EOF on stdout, reap; decide success or failure. */
static void proc_check_exit(struct proc *p)
{
	if (p->finished || !p->out_eof)
		return;
	if (!proc_try_reap(p))
		return;
	/* Dead: whatever is left on stderr is in the pipe now. */
	proc_read_stderr(p);
	if (!p->data_done) {
		proc_fail_exited(p);
		return;
	}
	proc_done(p, NULL);
}

static void probe_after_change(struct probe *pr)
{
	/* The machines-only "none" process failing before the list came in:
	 * with an explicit list, go on with the names as given. */
	if (!pr->plan_known && pr->procs.n > 0) {
		struct proc *p0 = pr->procs.v[0];

		if (p0 && p0->failure) {
			if (pr->o.machines)
				probe_plan_machines(pr, false);
			else
				pr->plan_known = true; /* nothing else to probe */
		}
	}
	probe_commit(pr);
	probe_start_next(pr);
}

static void probe_kill_all(struct probe *pr)
{
	for (size_t i = 0; i < pr->procs.n; i++) {
		struct proc *p = pr->procs.v[i];

		if (p && !p->finished) {
			proc_reap_blocking(p);
			proc_close(p);
			p->finished = true;
			pr->running--;
		}
	}
}

static bool probe_is_over(const struct probe *pr)
{
	if (pr->fatal || pr->cancelled)
		return true;
	if (!pr->plan_known)
		return false;
	for (size_t i = 0; i < pr->procs.n; i++) {
		const struct proc *p = pr->procs.v[i];

		if (!p || !p->finished)
			return false;
	}
	return true;
}

size_t probe_pollfds(struct probe *pr, struct pollfd *fds, size_t max, int *timeout_ms)
{
	size_t n = 0;
	double now = now_s(), next = now + PROBE_TICK_MS / 1000.0;

	if (pr->o.cancel_fd > 0 && n < max) {
		fds[n].fd = pr->o.cancel_fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	for (size_t i = 0; i < pr->procs.n; i++) {
		struct proc *p = pr->procs.v[i];

		if (!p || p->finished)
			continue;
		if (p->deadline < next)
			next = p->deadline;
		if (p->out_eof)
			next = now + 0.01 < next ? now + 0.01 : next; /* waiting to reap */
		if (p->fd_out >= 0 && n < max) {
			fds[n].fd = p->fd_out;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
		if (p->fd_err >= 0 && n < max) {
			fds[n].fd = p->fd_err;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
		if (p->fd_in >= 0 && p->woff < p->wq.len && n < max) {
			fds[n].fd = p->fd_in;
			fds[n].events = POLLOUT;
			fds[n].revents = 0;
			n++;
		}
	}
	if (timeout_ms) {
		double d = (next - now) * 1000.0;

		*timeout_ms = d <= 0 ? 0 : d >= PROBE_TICK_MS ? PROBE_TICK_MS : (int)d + 1;
	}
	return n;
}

static short revents_of(const struct pollfd *fds, size_t n, int fd)
{
	if (fd < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd)
			return fds[i].revents;
	return 0;
}

void probe_cancel(struct probe *pr)
{
	if (!pr || pr->cancelled)
		return;
	pr->cancelled = true;
	probe_kill_all(pr);
}

bool probe_step(struct probe *pr, const struct pollfd *fds, size_t n)
{
	double now;

	if ((pr->o.cancel && *pr->o.cancel) ||
	    (pr->o.cancel_fd > 0 && revents_of(fds, n, pr->o.cancel_fd)))
		probe_cancel(pr);
	if (probe_is_over(pr))
		goto over;
	for (size_t i = 0; i < pr->procs.n && !pr->fatal; i++) {
		struct proc *p = pr->procs.v[i];

		if (!p || p->finished)
			continue;
		if (revents_of(fds, n, p->fd_in) & (POLLOUT | POLLERR | POLLHUP))
			proc_flush(p);
		if (revents_of(fds, n, p->fd_err))
			proc_read_stderr(p);
		if (revents_of(fds, n, p->fd_out))
			proc_read_stdout(p);
		proc_check_exit(p);
	}
	now = now_s();
	for (size_t i = 0; i < pr->procs.n && !pr->fatal; i++) {
		struct proc *p = pr->procs.v[i];
		struct strbuf step = STRBUF_INIT;

		if (!p || p->finished || now < p->deadline)
			continue;
		if (p->data_done) {
			/* Everything is in; it just would not exit.  Not a failure. */
			char *msg = xasprintf("%s: QEMU did not exit within %g s after quit; killed",
					      p->machine, pr->timeout);

			proc_done(p, msg);
			free(msg);
			continue;
		}
		if (p->out_eof) {
			proc_read_stderr(p);
			proc_step_name(p, &step);
			proc_fail(p, "QEMU closed its QMP output and did not exit within %g s "
				  "(while waiting for %s)", pr->timeout, sb_str(&step));
		} else {
			proc_step_name(p, &step);
			if (p->greeted)
				proc_fail(p, "no reply to %s within %g s", sb_str(&step), pr->timeout);
			else
				proc_fail(p, "no QMP greeting within %g s", pr->timeout);
		}
		sb_fini(&step);
	}
	if (pr->fatal)
		probe_kill_all(pr);
	if (!probe_is_over(pr))
		return true;
over:
	probe_kill_all(pr);
	probe_commit(pr);
	return false;
}

/* ---- start / finish ----------------------------------------------------- */

static char *iso_now(void)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static struct probe *probe_start_mode(const struct probe_opts *o, struct ftable *ft,
				      bool target_only, struct err *e)
{
	struct probe *pr = xcalloc(1, sizeof(*pr));
	long cores;

	pr->o = *o;
	pr->ft = ft;
	pr->target_only = target_only;
	pr->label = xstrdup(o->binary ? o->binary : "");
	if (!probe_find_binary(o->binary, &pr->path, e))
		goto fail;
	if (o->accel) {
		if (strcmp(o->accel, "kvm") && strcmp(o->accel, "tcg")) {
			err_set(e, "probe", 0, "unknown accelerator '%s' (use kvm or tcg)", o->accel);
			goto fail;
		}
		pr->accel = o->accel;
	} else {
		pr->accel = probe_default_accel(ft ? ft->arch : ARCH_X86_64);
	}
	pr->timeout = o->timeout > 0 ? o->timeout : 10.0;
	pr->max_line = o->max_line ? o->max_line : PROBE_MAX_LINE_DEFAULT;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	pr->jobs = o->jobs > 0 ? (size_t)o->jobs : cores > 0 ? (size_t)cores : 1;
	if (!target_only) {
		if (!ft) {
			err_set(e, "probe", 0, "no feature table given");
			goto fail;
		}
		pr->ds = dataset_new(ft->arch, ft);
		pr->ds->source = xasprintf("probe:%s", pr->label);
		pr->ds->binary = xstrdup(pr->label);
		pr->ds->accel = xstrdup(pr->accel);
		pr->ds->captured = iso_now();
	}
	pr->none_wanted = !o->machines;
	for (const char *const *m = o->machines; m && *m; m++)
		if (!strcmp(*m, "none"))
			pr->none_wanted = true;
	vec_push(&pr->plan, xstrdup("none"));
	vec_push(&pr->procs, NULL);
	if (pr->none_wanted && !target_only) {
		pr->total = 1;
		pr->cmds_total = proc_cmd_estimate(pr, true, true);
	} else {
		pr->cmds_total = proc_cmd_estimate(pr, true, false);
	}
	if (target_only)
		pr->plan_known = true;
	probe_start_next(pr);
	if (pr->fatal) {
		err_set(e, "probe", 0, "%s", pr->fatal);
		goto fail;
	}
	return pr;
fail:
	probe_free(pr);
	return NULL;
}

struct probe *probe_start(const struct probe_opts *o, struct ftable *ft, struct err *e)
{
	return probe_start_mode(o, ft, false, e);
}

void probe_free(struct probe *pr)
{
	if (!pr)
		return;
	for (size_t i = 0; i < pr->procs.n; i++)
		proc_free(pr->procs.v[i]);
	vec_fini(&pr->procs, NULL);
	vec_fini(&pr->plan, free);
	dataset_free(pr->ds);
	for (size_t i = 0; i < pr->entries.n; i++) {
		struct reply_entry *re = pr->entries.v[i];

		if (re->x)
			expansion_free(re->x);
		free(re);
	}
	vec_fini(&pr->entries, NULL);
	strmap_fini(&pr->replies);
	free(pr->path);
	free(pr->label);
	free(pr->fatal);
	free(pr->first_failure);
	free(pr);
}

struct dataset *probe_finish(struct probe *pr, struct err *e)
{
	struct dataset *ds = NULL;

	if (!pr)
		return NULL;
	probe_kill_all(pr);
	probe_commit(pr);
	if (pr->cancelled) {
		err_set(e, "probe", 0, "probe cancelled");
		goto out;
	}
	if (pr->fatal) {
		err_set(e, "probe", 0, "%s", pr->fatal);
		goto out;
	}
	if (pr->target_only) {
		if (!pr->target_known) {
			err_set(e, "probe", 0, "%s", pr->first_failure ? pr->first_failure :
				"QEMU did not answer query-target");
			goto out;
		}
		goto out;
	}
	if (pr->ok == 0) {
		if (pr->first_failure)
			err_set(e, "probe", 0, "nothing could be probed: %s", pr->first_failure);
		else
			err_set(e, "probe", 0, "nothing could be probed (no machine type to probe)");
		goto out;
	}
	ds = pr->ds;
	pr->ds = NULL;
out:
	probe_free(pr);
	return ds;
}

static bool probe_loop(struct probe *pr)
{
	struct pollfd *fds = NULL;
	size_t cap = 0;

	for (;;) {
		size_t need = 1 + 3 * pr->procs.n, n;
		int timeout = 0;

		if (need > cap) {
			cap = need;
			fds = xrealloc(fds, cap * sizeof(*fds));
		}
		n = probe_pollfds(pr, fds, cap, &timeout);
		if (poll(fds, n, timeout) < 0 && errno != EINTR) {
			free(fds);
			return false;
		}
		if (!probe_step(pr, fds, n))
			break;
	}
	free(fds);
	return true;
}

struct dataset *probe_run(const struct probe_opts *o, struct ftable *ft, struct err *e)
{
	struct probe *pr = probe_start(o, ft, e);

	if (!pr)
		return NULL;
	if (!probe_loop(pr)) {
		err_set(e, "probe", 0, "poll failed: %s", strerror(errno));
		probe_free(pr);
		return NULL;
	}
	return probe_finish(pr, e);
}

bool probe_detect_arch(const char *binary, double timeout, enum arch *out, struct err *e)
{
	const char *base = binary ? strrchr(binary, '/') : NULL;
	struct probe_opts o;
	struct probe *pr = NULL;
	bool ok = false;

	base = base ? base + 1 : binary;
	if (base && str_startswith(base, "qemu-system-") && arch_parse(base + 12, out))
		return true;
	memset(&o, 0, sizeof(o));
	o.binary = binary;
	o.accel = "tcg";
	o.timeout = timeout;
	pr = probe_start_mode(&o, NULL, true, e);
	if (!pr)
		return false;
	if (!probe_loop(pr)) {
		err_set(e, "probe", 0, "poll failed: %s", strerror(errno));
		probe_free(pr);
		return false;
	}
	if (pr->target_known) {
		*out = pr->target_arch;
		ok = true;
	}
	probe_finish(pr, e);
	return ok;
}
