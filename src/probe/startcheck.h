/* startcheck.h - does QEMU really start with this -cpu value?
 *
 * query-cpu-definitions can call a model usable that QEMU then fails to
 * start: under a nested or unusual KVM, `-cpu host` or `max` pass through
 * MSR values (IA32_ARCH_CAPABILITIES, ...) the hypervisor refuses, and QEMU
 * aborts while setting up the vCPU ("failed to set MSR 0x10a").  A start
 * check runs `BINARY -machine M -accel A -cpu CPU,enforce -S -nodefaults
 * -nographic -display none -no-user-config -qmp stdio`, answers
 * qmp_capabilities and quit, and reports how it ended.  The VM never runs
 * (-S), no shell is involved, and the process is killed and reaped before
 * the call returns (a deadline bounds a hang).
 */
#ifndef CPUSCOPE_SRC_STARTCHECK_H
#define CPUSCOPE_SRC_STARTCHECK_H

#include <stdbool.h>

struct err;

/* false with e set when QEMU could not be run at all.  Otherwise true, and
 * *failure is NULL when QEMU started and quit cleanly, or QEMU's complaint
 * (its stderr, lines joined with "; ", or "exit status N" / "killed by
 * signal N" / "no answer within T s") for the caller to free. */
bool probe_start_check(const char *binary, const char *accel, const char *machine,
		       const char *cpu, double timeout, char **failure, struct err *e);

#endif
