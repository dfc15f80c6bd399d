/* qemu_warnings.h - QEMU's warnings about features it cannot give a guest
 * ("TCG doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]", the
 * MSR form, the CPUID[eax=..,ecx=..] form of newer QEMU) read into features
 * of a feature table.  explain_warnings() (explain.h) explains them.
 *
 * Ownership: qemu_warnings_fini() frees what qemu_warnings_parse() filled;
 * features are lent by the table.
 */
#ifndef CPUSCOPE_SRC_QEMU_WARNINGS_H
#define CPUSCOPE_SRC_QEMU_WARNINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"
#include "util.h"

struct err;

struct qemu_warning {
	int line;                 /* 1-based line in the input */
	char *text;               /* the location as written: "CPUID.07H:EBX.hle [bit 4]" */
	char *accel;              /* who lacks it: "TCG", "host", ... or NULL */
	const struct feature *f;  /* NULL when neither location nor name is known */
	bool by_location;         /* the location names f */
	bool by_name;             /* the name names f */
	char *note;               /* mismatch, ambiguity, unknown name; or NULL */
};

struct qemu_warnings {
	struct vec items;         /* struct qemu_warning * */
	struct fset features;     /* every feature found */
	bool enforce;             /* the "... requested features" error line was present */
	char *accel;              /* from the first line that says, or NULL */
	char *cpu;                /* the -cpu value of a command line in the text, or NULL */
	int cpu_line;             /* its line */
	int session_line;         /* libvirt's last "starting up" line (0: none) */
	int sessions;             /* how many starts the log holds */
};

/* Parse text (file name for messages).  Lines that are not feature
 * warnings are skipped.  Fails (e set) when no line is one.
 *
 * A libvirt domain log (/var/log/libvirt/qemu/GUEST.log) holds every
 * start of the guest: each begins with libvirt's "starting up libvirt
 * version: ..." line, then QEMU's command line (one argument per line,
 * "-cpu VALUE \"), then QEMU's messages.  Only the last start is read
 * (session_line says where it begins).  The -cpu value of the command
 * line that comes before the warnings (libvirt's form, or "... -cpu VALUE
 * ..." on one line) is kept as written (quotes removed) in cpu: not
 * checked here (cpu_arg.h reads it). */
bool qemu_warnings_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			 struct qemu_warnings *out, struct err *e);
void qemu_warnings_fini(struct qemu_warnings *w);

#endif
