/* probe_internal.h - what the files of the live probe share (probe.h is
 * the public interface).
 *
 *   probe.c         the plan and the scheduler: which machine types, how
 *                   many processes at once, deadlines, committing results in
 *                   plan order, the poll() loop, start/finish
 *   probe_binary.c  finding the binary, its arch, the accelerator
 *   probe_proc.c    a QEMU child under its guard: fork/exec, pipes, the poll
 *                   step, reaping, killing (struct qemu_child, also used by
 *                   qmp_call.c and startcheck.c); one probe process's queue
 *   probe_send.c    writing QMP commands; command ids and positions
 *   probe_reply.c   reading QMP replies: the per-process state machine
 *
 * Each process is a little state machine fed by the poll() loop:
 *   greeting -> [caps, (machines, target), defs] written at once
 *   defs reply -> [full/static expansion of every model..., quit] written at once
 *   every reply matched by id; events ignored; EOF + reap ends it.
 * Replies are parsed as they arrive; expansions are staged per process
 * and committed into the dataset in plan order (so the pool, and the
 * snapshot written from it, do not depend on which process won a race).
 */
#ifndef CPUSCOPE_SRC_PROBE_INTERNAL_H
#define CPUSCOPE_SRC_PROBE_INTERNAL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "model.h"
#include "probe.h"
#include "util.h"

struct err;

#define PROBE_MAX_LINE_DEFAULT (16u * 1024u * 1024u)
#define PROBE_READ_CHUNK 65536u
#define PROBE_READ_BUDGET (1u << 20) /* bytes per process per step, for fairness */
#define PROBE_STDERR_KEEP 4096u
#define PROBE_STDERR_HEAD (64u * 1024u) /* QEMU_CHILD_STDERR_HEAD */
#define PROBE_TICK_MS 200

/* One QEMU started by cpuscope under a guard process of its own (see
 * probe_proc.c): the probe's processes, qmp_call.c's connection and
 * startcheck.c's start all start, feed, read and end QEMU through this. */
struct qemu_child {
	pid_t pid;                 /* the guard's (QEMU's parent), or -1 */
	int fd_in, fd_out, fd_err; /* our ends, non-blocking; -1 once closed */
	unsigned flags;            /* QEMU_CHILD_* */
	bool out_eof, err_eof;
	bool killed, reaped;
	int wstatus;               /* how the guard, so QEMU, ended (once reaped) */
	struct strbuf err;         /* QEMU's stderr: its tail (or head) */
};

enum {
	QEMU_CHILD_STDOUT_NULL = 1u << 0,  /* QEMU's stdout is /dev/null: no fd_out */
	QEMU_CHILD_BIG_PIPE = 1u << 1,     /* a 1 MiB stdout pipe (room to run ahead) */
	QEMU_CHILD_STDERR_HEAD = 1u << 2,  /* keep the first 64 KiB of stderr, not
					    * the last 4-8 KiB */
};


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
	struct qemu_child c; /* QEMU, its pipes, its stderr, how it ended */
	struct strbuf wq;   /* bytes to write to QEMU's stdin */
	size_t woff;
	char *rbuf;         /* QMP output bytes not yet split into lines */
	size_t rlen, rcap, rscan;
	int lineno;
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

/* probe.c: progress, the plan, the scheduler */
void probe_report(struct probe *pr, const char *stage, const char *machine, const char *message);
/* Commands one process will answer, for the estimate. */
size_t proc_cmd_estimate(const struct probe *pr, bool first, bool want_cpu);
/* The machine type failed: kill, reap, record, report. */
void proc_fail(struct proc *p, const char *fmt, ...) ATTR_FORMAT(2, 3);
/* The plan, once query-machines has answered (known) or failed. */
void probe_plan_machines(struct probe *pr, bool known);
void probe_add_missing(struct probe *pr, const char *item);
/* Commit what is ready, start what may start. */
void probe_after_change(struct probe *pr);
/* probe_start, or (target_only) just query-target for probe_detect_arch. */
struct probe *probe_start_mode(const struct probe_opts *o, struct ftable *ft, bool target_only,
			       struct err *e);
/* Run the poll() loop until the probe is over; false when poll fails. */
bool probe_loop(struct probe *pr);

/* probe_proc.c: a QEMU child under its guard */
double probe_now(void); /* CLOCK_MONOTONIC seconds */
void probe_close_fd(int *fd);
/* The revents poll() set for fd among fds (0 for fd < 0 or not there). */
short probe_revents(const struct pollfd *fds, size_t n, int fd);
/* QEMU's stderr as one line: lines joined with "; ", blanks trimmed. */
char *probe_stderr_line(const char *s);

/* No child yet: pid -1, every fd -1 (qemu_child_fini is then a no-op). */
void qemu_child_init(struct qemu_child *c);
/* Fork the guard, which runs argv[0] (argv: NULL-terminated) with pipes
 * as its stdin, stdout and stderr.  On failure e is set (label: the file
 * name of the message: "cannot create pipes: ...", "cannot start a
 * process: ...", "cannot run ARGV0: ...") and nothing runs. */
bool qemu_child_start(struct qemu_child *c, char **argv, const char *label, unsigned flags,
		      struct err *e);
/* Add the pipes to poll (stdout, stderr, and stdin when want_write), at
 * most max; returns how many. */
size_t qemu_child_pollfds(const struct qemu_child *c, bool want_write, struct pollfd *fds,
			  size_t max);
/* Write what the pipe takes of buf[*off, len), SIGPIPE held off; false
 * once fd_in is closed (QEMU closed its stdin, so it is exiting: its
 * output says why). */
bool qemu_child_write(struct qemu_child *c, const char *buf, size_t len, size_t *off);
/* Read what stderr has now into c->err (EOF closes fd_err: err_eof). */
void qemu_child_read_err(struct qemu_child *c);
/* One read() of stdout: the bytes read; 0 when nothing is there now or at
 * EOF; -1 on an error (errno kept).  EOF and errors close fd_out and set
 * out_eof. */
ssize_t qemu_child_read_out(struct qemu_child *c, char *buf, size_t len);
/* One child alone, one poll step: wait until a pipe is ready or the
 * deadline, write what stdin takes of buf[*off, len) (buf NULL: nothing
 * to write), keep stderr.  1 when stdout is ready (qemu_child_read_out),
 * 0 when not (deadline, signal, another pipe), -1 when poll failed. */
int qemu_child_step(struct qemu_child *c, const char *buf, size_t len, size_t *off,
		    double deadline);
/* Reap without waiting; true once reaped. */
bool qemu_child_try_reap(struct qemu_child *c);
/* Wait until reaped; kill_it first asks the guard to kill QEMU's group
 * (SIGTERM; a guard not gone within 5 s gets SIGKILL). */
void qemu_child_reap(struct qemu_child *c, bool kill_it);
void qemu_child_close(struct qemu_child *c);
/* Kill (unless reaped), reap, close, free. */
void qemu_child_fini(struct qemu_child *c);
/* The last non-empty stderr line (at most 300 bytes), or NULL. */
char *qemu_child_last_stderr(const struct qemu_child *c);
/* Why QEMU ended, once reaped: "no answer within T s" (timed_out), its
 * stderr as one line, "killed by signal N" or "exit status N". */
char *qemu_child_why(const struct qemu_child *c, bool timed_out, double timeout);

/* The probe's processes */
/* Start QEMU for p->machine; on failure e is set and nothing runs. */
bool proc_spawn(struct proc *p, struct err *e);
void proc_free(struct proc *p);
/* Write as much of p->wq as the pipe takes (EPIPE closes our end). */
void proc_flush(struct proc *p);
/* The process ended on its own before answering everything. */
void proc_fail_exited(struct proc *p);

/* probe_send.c: QMP commands (queued on p->wq; proc_flush writes them) */
void proc_send(struct proc *p, const char *execute, const char *args, const char *id);
void proc_send_initial(struct proc *p);
void proc_send_expansions(struct proc *p);
/* Position of a command id, or (size_t)-1. */
size_t proc_id_pos(const struct proc *p, const char *id);
/* What the process is waiting for: "query-cpu-definitions", ... */
void proc_step_name(const struct proc *p, struct strbuf *sb);

/* probe_reply.c: the replies */
/* Free the definitions and staged expansions of a process. */
void proc_free_staged(struct proc *p);
/* "BINARY -machine TYPE", the file name of messages about a process. */
char *proc_file(const struct proc *p);
/* Read QEMU's QMP output and handle every complete line. */
void proc_read_stdout(struct proc *p);

#endif
