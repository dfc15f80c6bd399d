/* s390x.h - s390x as QEMU models it: QEMU's own compare and baseline, and
 * the static / default / max views of a model.
 *
 * On s390x libvirt does not compare or baseline CPUs by itself: it asks
 * QEMU (src/qemu/qemu_driver.c, qemuConnectCompareHypervisorCPU and
 * qemuConnectBaselineHypervisorCPU, with a QEMU started as `-machine
 * none`), and so does cpuscope, the same way:
 *
 *   compare   query-cpu-model-comparison(modela = the host CPU as libvirt's
 *             host-model has it, modelb = the guest CPU); QEMU's "identical"
 *             is IDENTICAL, "superset" (the host has all the guest asks,
 *             and more) SUPERSET, and everything else ("subset",
 *             "incompatible") INCOMPATIBLE;
 *   baseline  query-cpu-model-baseline of the first two CPUs, then of the
 *             result and the next one, ...; the result's true properties
 *             are its features; with --features (or for one CPU) a full
 *             (static) expansion of it follows, as virsh
 *             hypervisor-cpu-baseline prints it.
 * A CPU goes to QEMU as libvirt's qemuMonitorJSONMakeCPUModel makes it:
 * its model, and per feature true for require and force (and the features
 * of a host <cpu>, which have no policy), false for every other policy.
 *
 * Who answers (s390x_qemu): the session's QEMU (this machine's, probed
 * live, or --probe BINARY); for data from a snapshot or a capture, the
 * answers the capture holds (a .replies file with these exchanges), else
 * this machine's QEMU.  Without either cpuscope refuses: the answer is
 * QEMU's alone, and no expansion can stand in for it.
 *
 * One path for both front ends: `cpuscope compare` / `baseline` and the
 * explorer's hosts pane take the CPUs the same way (s390x_cpu_from_guest,
 * s390x_host_cpu), ask with the same jobs and say the verdict in the same
 * words (s390x_compare_how, _answer, _note, s390x_refusal_hint,
 * s390x_other_qemu).  A job asks its questions one after another; the CLI
 * waits for it (s390x_compare, s390x_baseline), the explorer's poll loop
 * services it (s390x_job_pollfds, s390x_job_step) and keeps its keys.
 *
 * Ownership: the _fini functions free what the structs own.
 */
#ifndef CPUSCOPE_SRC_S390X_H
#define CPUSCOPE_SRC_S390X_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "compare.h"
#include "guest.h"
#include "host.h"
#include "logic.h"
#include "model.h"
#include "qmp_call.h"
#include "util.h"

struct err;
struct session;

/* A CPU as QMP's CpuModelInfo: a model name and boolean properties. */
struct s390x_prop {
	char *name;
	bool on;
};
struct s390x_cpu {
	char *name;
	struct vec props; /* struct s390x_prop *, in order */
};
void s390x_cpu_fini(struct s390x_cpu *c);
void s390x_cpu_add(struct s390x_cpu *c, const char *name, bool on);
/* libvirt's conversion of a guest or host <cpu> (host-passthrough: "host",
 * maximum: "max"); a CPU without a model is refused as libvirt refuses it
 * ("cpu parameter is missing a model name"). */
bool s390x_cpu_from_guest(const struct guest_cpu *g, struct s390x_cpu *out, struct err *e);
/* A host as libvirt's host-model CPU of it: its model and the features it
 * adds (true) and removes (false). */
bool s390x_cpu_from_host(const struct host *h, struct s390x_cpu *out, struct err *e);
/* A static expansion: its model and its delta. */
void s390x_cpu_from_expansion(const struct expansion *x, const struct ftable *ft,
			      struct s390x_cpu *out);
/* The CpuModelInfo JSON: {"name": N, "props": {...}} (props only when
 * there are some), caller frees. */
char *s390x_cpu_json(const struct s390x_cpu *c);
/* "gen15a-base +aen +aefsi -vx" (up to max properties, then "+N more"). */
char *s390x_cpu_text(const struct s390x_cpu *c, size_t max);

/* Who answers QMP questions for a session. */
struct qmp_conn;
struct qmp_doc;
struct s390x_qemu {
	char *binary, *accel, *datadir; /* a live QEMU to ask, or binary NULL */
	bool local;                     /* binary is this machine's QEMU for the arch */
	struct qmp_doc *capture;        /* a capture's exchanges, or NULL */
	char *capture_file;
	char *data_version;             /* the session data's QEMU version, or NULL */
	struct qmp_conn *conn;          /* started on the first live question */
	char *version;                  /* the live QEMU's version, once started */
	struct strbuf transcript;       /* every exchange asked, in .replies form */
	size_t recorded;                /* how much of it s390x_qemu_record() wrote */
	bool asked_live, asked_capture;
	bool short_names;               /* the label names files by their base name (the TUI) */
	/* the question the live QEMU is asked (s390x_qemu_begin) */
	struct qmp_question pending;
	char *pending_execute, *pending_arguments;
	bool pending_open;              /* QEMU is starting: the question goes once it greets */
	bool waiting;
};
/* Set up from the session (its data loaded). */
void s390x_qemu_init(struct s390x_qemu *q, struct session *s);
void s390x_qemu_fini(struct s390x_qemu *q);
/* Ask one command: the capture's answer when it holds this exchange (same
 * command, same arguments), else the live QEMU.  *ret: QEMU's "return"
 * value as JSON text (caller frees).  false with e set: QEMU refused (its
 * words), or no QEMU can be asked (what is needed). */
bool s390x_qemu_ask(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		    struct err *e);
/* Step by step (s390x_qemu_ask is this waited out): s390x_qemu_begin()
 * asks, and returns 1 when the capture answered (*ret) or -1 when the
 * question failed (e), as s390x_qemu_ask; 0 when the live QEMU is asked:
 * then s390x_qemu_busy() holds until s390x_qemu_step() (with the fds of
 * s390x_qemu_pollfds(), polled) returns 1 or -1.  One question at a time. */
int s390x_qemu_begin(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		     struct err *e);
bool s390x_qemu_busy(const struct s390x_qemu *q);
size_t s390x_qemu_pollfds(const struct s390x_qemu *q, struct pollfd *fds, size_t max,
			  int *timeout_ms);
int s390x_qemu_step(struct s390x_qemu *q, const struct pollfd *fds, size_t n, char **ret,
		    struct err *e);
/* Append the exchanges asked since the last call to path, in the .replies
 * form a capture has ($CPUSCOPE_QMP_RECORD: a capture holding them answers
 * the same questions without a QEMU). */
bool s390x_qemu_record(struct s390x_qemu *q, const char *path, struct err *e);
/* Who answered, for the first line of a verdict: "QEMU 7.2.22 on this
 * machine (tcg)", "QEMU 9.2.50 (its answers in FILE)"; into buf. */
const char *s390x_qemu_label(const struct s390x_qemu *q, char *buf, size_t size);

/* The host CPU for compare and baseline: host h's (its host-model), or
 * for h NULL QEMU's own for the accelerator of the data (the static
 * expansion of 'host' under KVM, 'max' under TCG, as libvirt's host-model
 * is made; s390x_own_cpu_name() says which), with a description of it in
 * *what (caller frees). */
bool s390x_host_cpu(const struct dataset *ds, const struct mdata *md, const struct host *h,
		    struct s390x_cpu *out, char **what, struct err *e);
const char *s390x_own_cpu_name(const struct dataset *ds);
/* The session's: its host file's, else QEMU's own. */
bool s390x_session_host_cpu(struct session *s, struct s390x_cpu *out, char **what,
			    struct err *e);

/* A compare or a baseline, asked step by step: s390x_compare_start() and
 * s390x_baseline_start() ask as far as they can at once (a capture answers
 * everything there and then); while s390x_job_busy() a question waits for
 * the live QEMU (s390x_job_asking() names it): poll the fds of
 * s390x_job_pollfds() and call s390x_job_step().  Once it is not busy,
 * _finish() takes the result (or the failure, in e) and frees the job;
 * s390x_job_free() gives a job up (a QEMU still answering is killed; the
 * next question starts another).  The CPUs are copied; q is lent and
 * serves one job at a time. */
struct s390x_job;
bool s390x_job_busy(const struct s390x_job *j);
const char *s390x_job_asking(const struct s390x_job *j);
size_t s390x_job_pollfds(const struct s390x_job *j, struct pollfd *fds, size_t max,
			 int *timeout_ms);
void s390x_job_step(struct s390x_job *j, const struct pollfd *fds, size_t n);
void s390x_job_free(struct s390x_job *j);

struct s390x_compare {
	enum cmp_result result; /* libvirt's reading of QEMU's answer */
	char *qemu_result;      /* QEMU's word: identical, superset, subset, incompatible */
	struct vec responsible; /* char *: QEMU's responsible-properties */
};
struct s390x_job *s390x_compare_start(struct s390x_qemu *q, const struct s390x_cpu *host,
				      const struct s390x_cpu *cpu);
bool s390x_compare_finish(struct s390x_job *j, struct s390x_compare *out, struct err *e);
/* start, wait, finish */
bool s390x_compare(struct s390x_qemu *q, const struct s390x_cpu *host, const struct s390x_cpu *cpu,
		   struct s390x_compare *out, struct err *e);
void s390x_compare_fini(struct s390x_compare *r);
/* The verdict's words: "provides exactly", "is a superset of", "cannot
 * run" (the host CPU ... the guest CPU); "QEMU's answer
 * (query-cpu-model-comparison): subset (the host CPU is a subset of it)"
 * (caller frees); the note when QEMU names 'type' (no feature change makes
 * them identical), else NULL. */
const char *s390x_compare_how(enum cmp_result r);
char *s390x_compare_answer(const struct s390x_compare *r);
const char *s390x_compare_note(const struct s390x_compare *r);
/* After a failure: what to add to QEMU's words (cpu: the guest CPU, or
 * NULL) -- that cpu's name is IBM's and which model is QEMU's, or whose
 * QEMU answered when it is not the data's -- into buf ("" for nothing). */
const char *s390x_refusal_hint(const struct s390x_qemu *q, const struct s390x_cpu *cpu, char *buf,
			       size_t size);
/* The QEMU that answered is not the data's: "the data is QEMU 7.2.22's;
 * QEMU 10.0.2 answered" into buf; else NULL. */
const char *s390x_other_qemu(const struct s390x_qemu *q, char *buf, size_t size);

struct s390x_baseline {
	struct s390x_cpu cpu; /* the model and its features (all true) */
	char *xml;            /* as virsh hypervisor-cpu-baseline prints it */
	size_t ncpus;
};
/* models: the model list to check the CPUs' models against (libvirt:
 * "CPU model 'x' not supported by hypervisor"), or NULL. */
struct s390x_job *s390x_baseline_start(struct s390x_qemu *q, const struct mdata *models,
				       const struct s390x_cpu *cpus, size_t n, bool expand_features);
bool s390x_baseline_finish(struct s390x_job *j, struct s390x_baseline *out, struct err *e);
/* start, wait, finish */
bool s390x_baseline(struct s390x_qemu *q, const struct mdata *models, const struct s390x_cpu *cpus,
		    size_t n, bool expand_features, struct s390x_baseline *out, struct err *e);
void s390x_baseline_fini(struct s390x_baseline *b);
/* A CPU as a guest <cpu> (custom, its model, each property required or,
 * when false, disabled), as libvirt reads the <cpu> a baseline prints;
 * caller frees. */
struct guest_cpu *s390x_cpu_guest(const struct s390x_cpu *c);

/* The views of one model side by side (grid columns): its static -base
 * model (what never changes), its default on md (the -base model plus
 * what the machine type's default adds), the default of -machine none
 * (QEMU's newest, when md is another machine type and the data has it),
 * and the accelerator's max.  Sub lines: the static expansion of each
 * ("z14-base +30"). */
struct grid *grid_build_s390x_views(const struct dataset *ds, const struct mdata *md,
				    const char *name, const struct host *host, struct err *e);

#endif
