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
};

/* Parse text (file name for messages).  Lines that are not feature
 * warnings are skipped.  Fails (e set) when no line is one. */
bool qemu_warnings_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			 struct qemu_warnings *out, struct err *e);
void qemu_warnings_fini(struct qemu_warnings *w);

#endif
