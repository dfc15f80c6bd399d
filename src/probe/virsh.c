/* virsh.c - `virsh --version` (virsh.h). */
#define _GNU_SOURCE 1 /* pipe2 */
#include "virsh.h"

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
#include "probe.h"
#include "util.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first line, when it is a version: digits and dots, starting with a
 * digit ("11.3.0"). */
static char *version_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");

	while (n && s[n - 1] == ' ')
		n--;
	if (!n || s[0] < '0' || s[0] > '9')
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			return NULL;
	return xstrndup(s, n);
}

bool probe_virsh_version(double timeout, char **version, struct err *e)
{
	char *path = NULL;
	char a_version[] = "--version";
	char *argv[3] = { NULL, a_version, NULL };
	int out[2] = { -1, -1 };
	struct strbuf text = STRBUF_INIT;
	pid_t parent = getpid(), pid = -1;
	bool ok = false, timed_out = false;
	int status = 0;
	double deadline;

	*version = NULL;
	if (!probe_find_binary("virsh", &path, e)) {
		err_set(e, "virsh", 0, "not found in PATH (is libvirt installed?)");
		return false;
	}
	argv[0] = path;
	if (timeout <= 0)
		timeout = 5;
	if (pipe2(out, O_CLOEXEC) != 0) {
		err_set(e, path, 0, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, path, 0, "cannot start a process: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
#endif
		setpgid(0, 0);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		dup2(out[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	out[1] = -1;
	deadline = now_s() + timeout;
	for (;;) {
		struct pollfd pfd = { out[0], POLLIN, 0 };
		double left = deadline - now_s();
		char buf[512];
		ssize_t r;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		int n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0)
			continue; /* the deadline decides */
		r = read(out[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (text.len < 4096)
			sb_addn(&text, buf, (size_t)r);
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (timed_out) {
		err_set(e, path, 0, "no answer to --version within %g s", timeout);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err_set(e, path, 0, "--version failed (%s %d)",
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		goto out;
	}
	*version = version_line(sb_str(&text));
	if (!*version) {
		err_set(e, path, 0, "--version printed no version");
		goto out;
	}
	ok = true;
out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	sb_fini(&text);
	free(path);
	return ok;
}
