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

/* Run virsh with args (argv[1..], argv[0] is replaced by virsh's path),
 * standard input on /dev/null; its standard output (up to limit bytes) in
 * *out, its standard error's first line in *errline.  The exit status in
 * *status (-1: killed at the deadline). */
static bool run_virsh(char **argv, double timeout, size_t limit, char **out, char **errline,
		      int *status_out, struct err *e)
{
	char *path = NULL;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	struct strbuf text = STRBUF_INIT, etext = STRBUF_INIT;
	pid_t parent = getpid(), pid = -1;
	bool ok = false, timed_out = false;
	int status = 0;
	double deadline;

	*out = NULL;
	*errline = NULL;
	if (!probe_find_binary("virsh", &path, e)) {
		err_set(e, "virsh", 0, "not found in PATH (is libvirt installed?)");
		return false;
	}
	argv[0] = path;
	if (timeout <= 0)
		timeout = 5;
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
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
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	deadline = now_s() + timeout;
	while (po[0] >= 0 || pe[0] >= 0) {
		struct pollfd pfd[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		double left = deadline - now_s();
		char buf[4096];

		if (left <= 0) {
			timed_out = true;
			break;
		}
		int n = poll(pfd, 2, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0)
			continue; /* the deadline decides */
		for (int k = 0; k < 2; k++) {
			int *fd = k ? &pe[0] : &po[0];
			struct strbuf *sb = k ? &etext : &text;
			size_t cap = k ? 4096 : limit;
			ssize_t r;
			if (*fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(*fd, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(*fd);
				*fd = -1;
			} else if (sb->len < cap) {
				sb_addn(sb, buf, (size_t)r);
			}
		}
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (timed_out) {
		*status_out = -1;
	} else {
		*status_out = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	if (text.len >= limit) {
		err_set(e, path, 0, "printed more than %zu bytes", limit);
		goto out;
	}
	*out = sb_take(&text);
	{
		/* its lines joined ("error: ...; error: operation forbidden ...") */
		struct strbuf j = STRBUF_INIT;
		for (const char *t = sb_str(&etext); *t;) {
			const char *nl = strchr(t, '\n');
			size_t n = nl ? (size_t)(nl - t) : strlen(t);
			if (n) {
				if (j.len)
					sb_add(&j, "; ");
				sb_addn(&j, t, n);
			}
			t += n + (nl ? 1 : 0);
		}
		*errline = sb_take(&j);
	}
	ok = true;
out:
	for (int k = 0; k < 2; k++) {
		if (po[k] >= 0)
			close(po[k]);
		if (pe[k] >= 0)
			close(pe[k]);
	}
	sb_fini(&text);
	sb_fini(&etext);
	free(path);
	return ok;
}

bool probe_virsh_version(double timeout, char **version, struct err *e)
{
	char a_version[] = "--version";
	char *argv[3] = { NULL, a_version, NULL };
	char *out = NULL, *errline = NULL;
	int status = 0;
	bool ok = false;

	*version = NULL;
	if (timeout <= 0)
		timeout = 5;
	if (!run_virsh(argv, timeout, 4096, &out, &errline, &status, e))
		return false;
	if (status < 0)
		err_set(e, "virsh", 0, "no answer to --version within %g s", timeout);
	else if (status != 0)
		err_set(e, "virsh", 0, "--version failed (exit status %d)", status);
	else if (!(*version = version_line(out)))
		err_set(e, "virsh", 0, "--version printed no version");
	else
		ok = true;
	free(out);
	free(errline);
	return ok;
}

bool probe_virsh_domcapabilities(const char *uri, const char *virttype, const char *arch,
				 double timeout, char **xml, struct err *e)
{
	char a_c[] = "-c", a_dc[] = "domcapabilities", a_vt[] = "--virttype",
	     a_arch[] = "--arch";
	char *u = xstrdup(uri), *vt = virttype ? xstrdup(virttype) : NULL,
	     *ar = arch ? xstrdup(arch) : NULL;
	/* not -r: libvirt refuses domcapabilities on a read-only connection;
	 * the command only asks */
	char *argv[10] = { NULL, a_c, u, a_dc, NULL };
	char *out = NULL, *errline = NULL;
	int status = 0, n = 4;
	bool ok = false;

	*xml = NULL;
	if (vt) {
		argv[n++] = a_vt;
		argv[n++] = vt;
	}
	if (ar) {
		argv[n++] = a_arch;
		argv[n++] = ar;
	}
	argv[n] = NULL;
	if (timeout <= 0)
		timeout = 30;
	if (!run_virsh(argv, timeout, FILE_LIMIT_DEFAULT, &out, &errline, &status, e))
		goto done;
	if (status < 0) {
		err_set(e, uri, 0, "libvirt does not answer (virsh domcapabilities took more than "
			"%g s)", timeout);
	} else if (status != 0) {
		err_set(e, uri, 0, "libvirt does not answer: %s (is libvirtd running? try `virsh -c "
			"%s version`)", errline && *errline ? errline : "virsh failed", uri);
	} else {
		*xml = out;
		out = NULL;
		ok = true;
	}
done:
	free(out);
	free(errline);
	free(u);
	free(vt);
	free(ar);
	return ok;
}
