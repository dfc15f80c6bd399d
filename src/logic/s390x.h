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
 * Ownership: the _fini functions free what the structs own.
 */
#ifndef CPUSCOPE_SRC_S390X_H
#define CPUSCOPE_SRC_S390X_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"
#include "guest.h"
#include "host.h"
#include "logic.h"
#include "model.h"
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
	bool asked_live, asked_capture;
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
/* Who answered, for the first line of a verdict: "QEMU 7.2.22 on this
 * machine (tcg)", "QEMU 9.2.50 (its answers in FILE)"; into buf. */
const char *s390x_qemu_label(const struct s390x_qemu *q, char *buf, size_t size);

/* The host CPU of a session for compare: the host file's (its host-model),
 * else QEMU's own for the accelerator of the data (the static expansion of
 * 'host' under KVM, 'max' under TCG, as libvirt's host-model is made),
 * with a description of it in *what (caller frees). */
bool s390x_session_host_cpu(struct session *s, struct s390x_cpu *out, char **what,
			    struct err *e);

struct s390x_compare {
	enum cmp_result result; /* libvirt's reading of QEMU's answer */
	char *qemu_result;      /* QEMU's word: identical, superset, subset, incompatible */
	struct vec responsible; /* char *: QEMU's responsible-properties */
};
bool s390x_compare(struct s390x_qemu *q, const struct s390x_cpu *host, const struct s390x_cpu *cpu,
		   struct s390x_compare *out, struct err *e);
void s390x_compare_fini(struct s390x_compare *r);

struct s390x_baseline {
	struct s390x_cpu cpu; /* the model and its features (all true) */
	char *xml;            /* as virsh hypervisor-cpu-baseline prints it */
	size_t ncpus;
};
/* models: the model list to check the CPUs' models against (libvirt:
 * "CPU model 'x' not supported by hypervisor"), or NULL. */
bool s390x_baseline(struct s390x_qemu *q, const struct mdata *models, const struct s390x_cpu *cpus,
		    size_t n, bool expand_features, struct s390x_baseline *out, struct err *e);
void s390x_baseline_fini(struct s390x_baseline *b);

/* The views of one model side by side (grid columns): its static -base
 * model (what never changes), its default on md (the -base model plus
 * what the machine type's default adds), the default of -machine none
 * (QEMU's newest, when md is another machine type and the data has it),
 * and the accelerator's max.  Sub lines: the static expansion of each
 * ("z14-base +30"). */
struct grid *grid_build_s390x_views(const struct dataset *ds, const struct mdata *md,
				    const char *name, const struct host *host, struct err *e);

#endif
