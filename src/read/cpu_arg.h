/* cpu_arg.h - the value of QEMU's -cpu option, read into a guest CPU.
 *
 *   Haswell-v4,+avx,-hle,rtm=off,pcid,enforce,vendor=GenuineIntel
 *
 * is read the way QEMU's x86 feature-string parser reads it:
 *   - the first item is the model ("host" is host-passthrough, "max"
 *     maximum, anything else a custom model);
 *   - "feat=on|off" (also yes/no, true/false) and a bare "feat" (= on);
 *   - the legacy "+feat" / "-feat", which QEMU applies after every
 *     "feat=..." whatever their position (so "-sse3,sse3=on" ends off);
 *   - "enforce" (QEMU refuses to start when it would drop a feature) and
 *     "check" (it warns; check=off stays silent);
 *   - "vendor=" (12 characters: the guest's vendor_id), "migratable=";
 *   - any other "name=value" is a property (family=6, model-id=...,
 *     tsc-frequency=...), kept as written and not compared.
 * Features become policies as libvirt would write them: on -> require,
 * off -> disable.
 *
 * Nothing is passed on that would add an option: every name must be a
 * QEMU name (letters, digits, '-', '_', '.'; it starts with a letter or a
 * digit; at most 64 characters), and values may not hold control
 * characters.  An empty item is refused, so is QEMU's ",," escape of a
 * literal comma.  Errors read "-cpu:1: message" and quote the item at
 * fault (err.col holds its 1-based column).
 *
 * Ownership: cpu_arg_fini() frees the guest CPU and the properties.
 */
#ifndef CPUSCOPE_SRC_CPU_ARG_H
#define CPUSCOPE_SRC_CPU_ARG_H

#include <stdbool.h>

#include "guest.h"
#include "util.h"

struct err;

struct cpu_arg {
	struct guest_cpu *g; /* mode, model, feature policies, vendor_id, migratable */
	bool enforce;        /* "enforce" / "enforce=on" */
	int check;           /* -1 not given, 0 check=off, 1 check / check=on */
	struct vec props;    /* char *: the other "name=value" properties, as written */
};

/* Read value (as given after -cpu) into out (cleared first).  On failure
 * out holds nothing and e says why. */
bool cpu_arg_parse(const char *value, struct cpu_arg *out, struct err *e);
void cpu_arg_fini(struct cpu_arg *a);
/* QEMU's name grammar as above (qemu_name_ok(); for names written into a
 * -cpu value). */
bool cpu_arg_name_ok(const char *s);

#endif
