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
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "err.h"
#include "util.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* QEMU's stderr as one line: lines joined with "; ", blanks trimmed. */
static char *one_line(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		if (n) {
			if (sb.len)
				sb_add(&sb, "; ");
			sb_addn(&sb, s, n);
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	return sb_take(&sb);
}

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
	int in[2] = { -1, -1 }, er[2] = { -1, -1 };
	struct strbuf text = STRBUF_INIT;
	pid_t parent = getpid(), pid = -1;
	bool ok = false, timed_out = false;
	int status = 0;
	double deadline;

	*failure = NULL;
	if (timeout <= 0)
		timeout = 10;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(er, O_CLOEXEC) != 0) {
		err_set(e, binary, 0, "cannot create pipes: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, binary, 0, "cannot start a process: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
#endif
		setpgid(0, 0);
		dup2(in[0], 0);
		if (devnull >= 0)
			dup2(devnull, 1);
		dup2(er[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close_fd(&in[0]);
	close_fd(&er[1]);
	/* Both commands fit in the pipe: write them, then EOF. */
	if (write(in[1], qmp, sizeof(qmp) - 1) < 0) {
		/* QEMU already gone: its stderr says why */
	}
	close_fd(&in[1]);
	deadline = now_s() + timeout;
	for (;;) {
		struct pollfd pfd = { er[0], POLLIN, 0 };
		double left = deadline - now_s();
		char buf[4096];
		ssize_t r;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		r = read(er[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (text.len < 64 * 1024)
			sb_addn(&text, buf, (size_t)r);
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL); /* anything QEMU left in its group */
	pid = -1;
	if (timed_out)
		*failure = xasprintf("no answer within %.0f s", timeout);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !text.len)
		goto out; /* ok stays false */
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		*failure = NULL;
	else if (text.len)
		*failure = one_line(sb_str(&text));
	else if (WIFSIGNALED(status))
		*failure = xasprintf("killed by signal %d", WTERMSIG(status));
	else
		*failure = xasprintf("exit status %d", WEXITSTATUS(status));
	ok = true;
out:
	if (!ok && !err_isset(e))
		err_set(e, binary, 0, "cannot run %s", binary);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&er[0]);
	close_fd(&er[1]);
	sb_fini(&text);
	free(cpuopt);
	free(mach);
	free(acc);
	free(bin);
	return ok;
}
