/* probe_internal.h - what the files of the live probe share (probe.h is
 * the public interface).
 *
 *   probe.c         the plan and the scheduler: which machine types, how
 *                   many processes at once, deadlines, committing results in
 *                   plan order, the poll() loop, start/finish
 *   probe_binary.c  finding the binary, its arch, the accelerator
 *   probe_proc.c    one QEMU process: fork/exec, pipes, reaping, killing
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

/* probe_proc.c: one QEMU process */
double probe_now(void); /* CLOCK_MONOTONIC seconds */
void probe_close_fd(int *fd);
/* QEMU's stderr as one line: lines joined with "; ", blanks trimmed (qmp_call.c). */
char *probe_stderr_line(const char *s);
/* Start QEMU for p->machine; on failure e is set and nothing runs. */
bool proc_spawn(struct proc *p, struct err *e);
/* Kill (unless already) and wait. */
void proc_reap_blocking(struct proc *p);
/* Reap without waiting; true once reaped. */
bool proc_try_reap(struct proc *p);
void proc_close(struct proc *p);
void proc_free(struct proc *p);
/* Write as much of p->wq as the pipe takes (EPIPE closes our end). */
void proc_flush(struct proc *p);
/* Keep the tail of QEMU's stderr for messages. */
void proc_read_stderr(struct proc *p);
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

/* In a child just forked by cpuscope (pid parent): become the guard of
 * argv[0] (see probe_proc.c): start it in its own process group with fd_in,
 * fd_out, fd_err as its standard streams, kill that group when cpuscope dies
 * or sends SIGTERM, and exit as it exited.  An exec failure's errno is
 * written to fd_status.  Async-signal-safe; never returns. */
void probe_child_guard(pid_t parent, char **argv, int fd_in, int fd_out, int fd_err,
		       int fd_status);

#endif
