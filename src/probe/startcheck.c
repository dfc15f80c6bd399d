/* startcheck.c - start QEMU with a -cpu value and see whether it comes up
 * (startcheck.h). */
#define _GNU_SOURCE 1 /* pipe2 */
#include "startcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	int in[2] = { -1, -1 }, er[2] = { -1, -1 }, st[2] = { -1, -1 };
	struct strbuf text = STRBUF_INIT;
	pid_t parent = getpid(), pid = -1;
	bool ok = false, timed_out = false;
	int status = 0;
	double deadline;

	*failure = NULL;
	if (timeout <= 0)
		timeout = 10;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(er, O_CLOEXEC) != 0 || pipe2(st, O_CLOEXEC) != 0) {
		err_set(e, binary, 0, "cannot create pipes: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, binary, 0, "cannot start a process: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Child: the same guard as the probe's QEMUs (a wrapper script's
		 * children die with it, also when cpuscope is killed). */
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		probe_child_guard(parent, argv, in[0], devnull >= 0 ? devnull : er[1], er[1], st[1]);
		_exit(127);
	}
	probe_close_fd(&st[1]);
	{
		int child_errno = 0;
		ssize_t r;
		while ((r = read(st[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
			;
		if (r == (ssize_t)sizeof(child_errno)) {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			pid = -1;
			err_set(e, binary, 0, "cannot run %s: %s", binary, strerror(child_errno));
			goto out;
		}
	}
	probe_close_fd(&in[0]);
	probe_close_fd(&er[1]);
	/* Both commands fit in the pipe: write them, then EOF. */
	if (write(in[1], qmp, sizeof(qmp) - 1) < 0) {
		/* QEMU already gone: its stderr says why */
	}
	probe_close_fd(&in[1]);
	deadline = probe_now() + timeout;
	for (;;) {
		struct pollfd pfd = { er[0], POLLIN, 0 };
		double left = deadline - probe_now();
		char buf[4096];
		ssize_t r;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			break;
		if (pr == 0)
			continue; /* the deadline is checked above */
		r = read(er[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (text.len < 64 * 1024)
			sb_addn(&text, buf, (size_t)r);
	}
	if (timed_out)
		kill(pid, SIGTERM); /* the guard kills QEMU's group and exits */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (timed_out)
		*failure = xasprintf("no answer within %.0f s", timeout);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		*failure = NULL;
	else if (text.len)
		*failure = probe_stderr_line(sb_str(&text));
	else if (WIFSIGNALED(status))
		*failure = xasprintf("killed by signal %d", WTERMSIG(status));
	else
		*failure = xasprintf("exit status %d", WEXITSTATUS(status));
	ok = true;
out:
	if (!ok && !err_isset(e))
		err_set(e, binary, 0, "cannot run %s", binary);
	probe_close_fd(&in[0]);
	probe_close_fd(&in[1]);
	probe_close_fd(&er[0]);
	probe_close_fd(&er[1]);
	probe_close_fd(&st[0]);
	probe_close_fd(&st[1]);
	sb_fini(&text);
	free(cpuopt);
	free(mach);
	free(acc);
	free(bin);
	return ok;
}
