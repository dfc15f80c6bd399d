/* probe.h - ask a real QEMU binary over QMP (no shell, no threads).
 *
 * One QEMU process per machine type (`-machine TYPE -S -nodefaults
 * -nographic -qmp stdio -accel ACCEL`), up to 'jobs' at once, driven by
 * one poll() loop.  Per process: qmp_capabilities, query-machines (first
 * process only), query-cpu-definitions, then full and static
 * query-cpu-model-expansion of every model, pipelined.  Every step has a
 * deadline; a process that hangs, dies or prints garbage is killed and
 * reported, and the rest of the probe goes on.  Results go into a new
 * dataset; parts that could not be captured are listed in ds->missing.
 *
 * The core prints nothing: progress goes to the caller's callback.
 */
#ifndef CPUSCOPE_SRC_PROBE_H
#define CPUSCOPE_SRC_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct err;

struct probe_progress {
	size_t done;      /* finished machine types */
	size_t total;     /* machine types to probe */
	size_t cmds_done; /* QMP commands answered, all processes */
	size_t cmds_total;/* estimate */
	const char *stage;   /* "starting", "definitions", "expansions", ... */
	const char *machine; /* the machine type the event is about, or NULL */
	const char *message; /* a warning or failure to report, or NULL */
};

struct probe_opts {
	const char *binary;      /* path or name looked up in PATH */
	const char *accel;       /* "kvm", "tcg", or NULL: kvm when /dev/kvm is usable */
	const char *const *machines; /* NULL-terminated list, or NULL */
	bool all_machines;       /* every machine type query-machines lists */
	int jobs;                /* parallel QEMU processes; <= 0: number of cores */
	double timeout;          /* seconds per step; <= 0: 10 */
	void (*progress)(void *ctx, const struct probe_progress *p);
	void *ctx;
	volatile sig_atomic_t *cancel; /* set non-zero to stop; may be NULL */
};

struct dataset *probe_run(const struct probe_opts *o, struct ftable *ft, struct err *e);

#endif
