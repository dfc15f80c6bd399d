/* startcheck.c - start QEMU with a -cpu value and see whether it comes up
 * (startcheck.h).  The process, its pipes and its deadline go through the
 * probe's struct qemu_child (probe_proc.c). */
#include "startcheck.h"

#include <stdlib.h>
#include <sys/wait.h>

#include "err.h"
#include "probe_internal.h"
#include "util.h"

bool probe_start_check(const char *binary, const char *accel, const char *machine,
		       const char *cpu, double timeout, char **failure, struct err *e)
{
	static const char qmp[] = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";
	char *cpuopt = xasprintf("%s,enforce", cpu);
	char *mach = xstrdup(machine);
	char *acc = xstrdup(accel);
	char *bin = xstrdup(binary);
	char a_machine[] = "-machine", a_accel[] = "-accel", a_cpu[] = "-cpu", a_s[] = "-S",
	     a_nodef[] = "-nodefaults", a_nographic[] = "-nographic", a_display[] = "-display",
	     a_none[] = "none", a_nouser[] = "-no-user-config", a_qmp[] = "-qmp",
	     a_stdio[] = "stdio";
	char *argv[] = { bin, a_machine, mach, a_accel, acc, a_cpu, cpuopt, a_s, a_nodef,
			 a_nographic, a_display, a_none, a_nouser, a_qmp, a_stdio, NULL };
	struct qemu_child c;
	size_t off = 0;
	bool ok = false, timed_out = false;
	double deadline;

	*failure = NULL;
	if (timeout <= 0)
		timeout = 10;
	qemu_child_init(&c);
	/* The same guard as the probe's QEMUs (a wrapper script's children die
	 * with it, also when cpuscope is killed); QMP's answers go nowhere,
	 * the first 64 KiB of stderr are the complaint. */
	if (!qemu_child_start(&c, argv, binary, QEMU_CHILD_STDOUT_NULL | QEMU_CHILD_STDERR_HEAD, e))
		goto out;
	/* Both commands fit in the pipe: write them, then EOF (a QEMU already
	 * gone: its stderr says why). */
	qemu_child_write(&c, qmp, sizeof(qmp) - 1, &off);
	probe_close_fd(&c.fd_in);
	deadline = probe_now() + timeout;
	while (!c.err_eof) {
		if (deadline - probe_now() <= 0) {
			timed_out = true;
			break;
		}
		if (qemu_child_step(&c, NULL, 0, NULL, deadline) < 0)
			break;
	}
	qemu_child_reap(&c, timed_out); /* killed: the guard kills QEMU's group and exits */
	if (!timed_out && WIFEXITED(c.wstatus) && WEXITSTATUS(c.wstatus) == 0)
		*failure = NULL;
	else
		*failure = qemu_child_why(&c, timed_out, timeout);
	ok = true;
out:
	if (!ok && !err_isset(e))
		err_set(e, binary, 0, "cannot run %s", binary);
	qemu_child_fini(&c);
	free(cpuopt);
	free(mach);
	free(acc);
	free(bin);
	return ok;
}
