/* qmp_call.h - ask a QEMU a few QMP commands and return its answers.
 *
 * For questions only QEMU answers (s390x's query-cpu-model-comparison and
 * query-cpu-model-baseline): one QEMU process, `BINARY -machine M -accel A
 * -S -nodefaults -no-user-config -nographic -display none -qmp stdio [-L
 * DIR]`, started with fork+exec under the probe's guard (qemu_child_start:
 * QEMU's process group dies with cpuscope, even after a SIGKILL), no shell.
 * qmp_capabilities, then the commands at once (each with an "id", replies
 * matched by it, events ignored), then quit.  A deadline bounds every
 * exchange; a QEMU that hangs is killed, one that dies or prints garbage is
 * reported with its stderr.  The process is reaped before qmp_ask() (or
 * qmp_close()) returns.
 *
 * Two ways to drive it, as the probe (probe.h): qmp_open()/qmp_exec() block
 * until QEMU answered (the CLI); or qmp_start()/qmp_send() begin an
 * exchange and a caller's own poll() loop services it with qmp_pollfds()
 * and qmp_step() (the TUI keeps its keyboard meanwhile).
 *
 * Ownership: qmp_ask() fills each command's ret/error (free them with
 * qmp_question_fini) and *version (caller frees).
 */
#ifndef CPUSCOPE_SRC_QMP_CALL_H
#define CPUSCOPE_SRC_QMP_CALL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct err;

struct qmp_question {
	const char *execute;   /* "query-cpu-model-comparison" */
	const char *arguments; /* a JSON object's text, or NULL */
	char *ret;             /* out: the "return" value as JSON text (QEMU's key order) */
	char *error;           /* out: QEMU's error ("desc"), when it refused */
};

struct qmp_opts {
	const char *binary;  /* path, or a name looked up in PATH */
	const char *accel;   /* "tcg", "kvm" */
	const char *machine; /* NULL: "none" (what libvirt asks with) */
	const char *datadir; /* -L DIR, or NULL */
	double timeout;      /* seconds for the whole exchange; <= 0: 20 */
};

/* One QEMU, for questions that depend on earlier answers (a baseline of
 * many CPUs asks one pair at a time).  qmp_open() starts it and reads its
 * greeting (version may be NULL: QEMU's version, "7.2.22"); qmp_exec()
 * sends the commands at once and waits for every answer (the deadline
 * counts per call); qmp_close() sends quit, and kills QEMU if it does not
 * go, and reaps it (NULL is a no-op).  After a failed qmp_exec() the
 * connection only closes. */
struct qmp_conn;
struct qmp_conn *qmp_open(const struct qmp_opts *o, char **version, struct err *e);
bool qmp_exec(struct qmp_conn *c, struct qmp_question *cmds, size_t n, struct err *e);
void qmp_close(struct qmp_conn *c);

/* Step by step (qmp_open is qmp_start waited out, qmp_exec qmp_send):
 * qmp_start() starts QEMU and sends qmp_capabilities, qmp_send() the
 * commands (cmds stay the caller's and must live until the exchange is
 * over; it fails while one is in progress).  While qmp_busy() (an exchange
 * is in progress), poll the fds qmp_pollfds() fills (at most 3; it lowers
 * *timeout_ms, when negative or later, to the exchange's deadline) and
 * call qmp_step() with them; qmp_wait() blocks until the exchange is over.
 * qmp_step()/qmp_wait() return false with e set when it failed (QEMU is
 * then killed and reaped: the connection only closes), and true otherwise
 * (also while it is in progress).  qmp_close() of a busy connection kills
 * QEMU. */
struct qmp_conn *qmp_start(const struct qmp_opts *o, char **version, struct err *e);
bool qmp_send(struct qmp_conn *c, struct qmp_question *cmds, size_t n, struct err *e);
bool qmp_busy(const struct qmp_conn *c);
size_t qmp_pollfds(const struct qmp_conn *c, struct pollfd *fds, size_t max, int *timeout_ms);
bool qmp_step(struct qmp_conn *c, const struct pollfd *fds, size_t n, struct err *e);
bool qmp_wait(struct qmp_conn *c, struct err *e);

/* open, exec, close: false with e set when QEMU could not be asked (cannot
 * run, died, hung, garbage); true when every command was answered, each
 * with ret or error. */
bool qmp_ask(const struct qmp_opts *o, struct qmp_question *cmds, size_t n, char **version,
	     struct err *e);
void qmp_question_fini(struct qmp_question *c);

#endif
