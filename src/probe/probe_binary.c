/* probe_binary.c - the QEMU binary: where it is, which arch it emulates,
 * which accelerator to use (see probe.h).
 */
#include "probe_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "err.h"

bool probe_find_binary(const char *binary, char **path, struct err *e)
{
	const char *env = NULL;
	char *dirs = NULL;
	bool ok = false;
	struct stat st;

	*path = NULL;
	if (!binary || !*binary)
		return err_set(e, "probe", 0, "no QEMU binary given");
	if (strchr(binary, '/')) {
		if (stat(binary, &st) != 0) {
			err_set(e, binary, 0, "%s", strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			err_set(e, binary, 0, "is a directory, not a QEMU binary");
			goto out;
		}
		if (access(binary, X_OK) != 0) {
			err_set(e, binary, 0, "not executable: %s", strerror(errno));
			goto out;
		}
		*path = xstrdup(binary);
		ok = true;
		goto out;
	}
	env = getenv("PATH");
	dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *d ? d : ".", binary);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			*path = cand;
			ok = true;
			goto out;
		}
		free(cand);
	}
	err_set(e, binary, 0, "not found in PATH (is QEMU installed?)");
out:
	free(dirs);
	return ok;
}

static bool host_arch_is(enum arch a)
{
	struct utsname u;

	if (uname(&u) != 0)
		return false;
	if (a == ARCH_X86_64)
		return !strcmp(u.machine, "x86_64");
	if (a == ARCH_S390X)
		return !strcmp(u.machine, "s390x");
	return false;
}

const char *probe_default_accel(enum arch arch)
{
	int fd = -1;

	if (!host_arch_is(arch))
		return "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	return "kvm";
}

bool probe_detect_arch(const char *binary, double timeout, enum arch *out, struct err *e)
{
	const char *base = binary ? strrchr(binary, '/') : NULL;
	struct probe_opts o;
	struct probe *pr = NULL;
	bool ok = false;

	base = base ? base + 1 : binary;
	if (base && str_startswith(base, "qemu-system-") && arch_parse(base + 12, out))
		return true;
	memset(&o, 0, sizeof(o));
	o.binary = binary;
	o.accel = "tcg";
	o.timeout = timeout;
	pr = probe_start_mode(&o, NULL, true, e);
	if (!pr)
		return false;
	if (!probe_loop(pr)) {
		err_set(e, "probe", 0, "poll failed: %s", strerror(errno));
		probe_free(pr);
		return false;
	}
	if (pr->target_known) {
		*out = pr->target_arch;
		ok = true;
	}
	probe_finish(pr, e);
	return ok;
}
