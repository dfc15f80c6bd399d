/* probe.h - ask a real QEMU binary over QMP (no shell, no threads).
 *
 * One QEMU process per machine type (`BINARY -machine TYPE -S -nodefaults
 * -no-user-config -nographic -qmp stdio -accel ACCEL [-L DATADIR]`: no
 * configuration from /etc/qemu changes what is recorded), up to 'jobs' at once, driven by
 * one poll() loop.  The first process runs `-machine none`: it answers
 * query-machines and query-target (and, when "none" is wanted, the CPU
 * queries); the other machine types start once the list is known.  Per
 * process: qmp_capabilities, query-cpu-definitions, then full and static
 * query-cpu-model-expansion of every model, pipelined (written without
 * waiting, replies matched by "id"), then quit.  Every step has a
 * deadline; a process that hangs, dies or prints garbage is killed and
 * reported, and the rest of the probe goes on.  Results go into a new
 * dataset; parts that could not be captured are listed in ds->missing:
 * "MACHINE" for a whole machine type, "MACHINE/MODEL/full|static" for one
 * expansion QEMU refused.
 *
 * Processes are started with fork+exec (an argv, never a shell), each in
 * its own process group (a terminal's ^C reaches cpuscope, not QEMU),
 * under a small guard process that cpuscope forks for it: the guard is
 * QEMU's parent and a child subreaper, and when cpuscope dies (on Linux
 * its parent-death signal; even after a SIGKILL of cpuscope) or asks it
 * to, it kills QEMU's whole process group, so not even the children of a
 * wrapper script given as the binary outlive cpuscope.  QEMU ignores EOF
 * on its QMP stdin, which is why this matters.  Every process is killed
 * and reaped before probe_run()/probe_free() return.
 *
 * Two ways to drive it: probe_run() blocks until done (the CLI); or
 * probe_start() + probe_pollfds() + probe_step() + probe_finish() let a
 * caller's own poll() loop (the TUI) service QEMU and its keyboard
 * together.
 *
 * The core prints nothing: progress and failures go to the callback.
 */
#ifndef CPUSCOPE_SRC_PROBE_H
#define CPUSCOPE_SRC_PROBE_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct err;

struct probe_progress {
	size_t done;      /* finished machine types (succeeded or failed) */
	size_t total;     /* machine types to probe (grows once query-machines answered) */
	size_t failed;    /* machine types that failed */
	size_t cmds_done; /* QMP commands answered, all processes */
	size_t cmds_total;/* estimate (exact once every process has its model list) */
	const char *stage;   /* "starting", "definitions", "expansions", "done", "failed" */
	const char *machine; /* the machine type the event is about, or NULL */
	const char *message; /* a warning or failure to report, or NULL */
};

struct probe_opts {
	const char *binary;      /* path or name looked up in PATH */
	const char *accel;       /* "kvm", "tcg", or NULL: kvm when /dev/kvm is usable
				  * and the binary's arch is the host's, else tcg */
	const char *datadir;     /* passed as -L DIR (firmware and data files), or NULL */
	const char *const *machines; /* NULL-terminated list (names, aliases, or "default":
				  * the machine type query-machines marks default), or NULL */
	bool all_machines;       /* every machine type query-machines lists (plus none);
				  * also the default when machines is NULL */
	int jobs;                /* parallel QEMU processes; <= 0: number of online cores */
	double timeout;          /* seconds per step; <= 0: 10 */
	size_t max_line;         /* longest QMP line accepted; 0: 16 MiB */
	void (*progress)(void *ctx, const struct probe_progress *p);
	void *ctx;
	volatile sig_atomic_t *cancel; /* set non-zero to stop; may be NULL */
	int cancel_fd;           /* > 0: becoming readable stops the probe (e.g. a
				  * signalfd for SIGINT/SIGTERM); 0: none */
};

/* Blocking: probe everything, return the dataset (ds->missing lists what
 * failed), or NULL with e set when nothing could be captured or the probe
 * was cancelled.  ft must be the table of the binary's arch (checked with
 * query-target). */
struct dataset *probe_run(const struct probe_opts *o, struct ftable *ft, struct err *e);

/* Incremental interface (probe_run is built on it). */
struct probe;
struct probe *probe_start(const struct probe_opts *o, struct ftable *ft, struct err *e);
/* Fill up to max pollfds the probe waits on; returns how many, and the
 * poll timeout in ms to use (never more than 200). */
size_t probe_pollfds(struct probe *p, struct pollfd *fds, size_t max, int *timeout_ms);
/* Service the fds returned by probe_pollfds (after poll(); revents set)
 * and deadlines.  Returns false once the probe has finished. */
bool probe_step(struct probe *p, const struct pollfd *fds, size_t n);
/* Kill everything now; probe_finish() then fails with "probe cancelled". */
void probe_cancel(struct probe *p);
/* The result (NULL with e set on total failure); frees p. */
struct dataset *probe_finish(struct probe *p, struct err *e);
/* Kill, reap and free without a result (NULL is a no-op). */
void probe_free(struct probe *p);

/* Helpers. */
/* Locate a binary: a name with a '/' is taken as is, a bare name is
 * looked up in PATH.  Fails with "BINARY: not found in PATH" /
 * "BINARY: Permission denied" / .... */
bool probe_find_binary(const char *binary, char **path, struct err *e);
/* The accelerator probe_run would use for this binary and arch. */
const char *probe_default_accel(enum arch arch);
/* The arch of a QEMU binary: from its name (qemu-system-ARCH), else by
 * asking it (query-target under -machine none). */
bool probe_detect_arch(const char *binary, double timeout, enum arch *out, struct err *e);

#endif
