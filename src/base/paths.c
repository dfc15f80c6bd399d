/* paths.c - where cpuscope finds its bundled data. */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *paths_datadir(char *buf, size_t size)
{
	const char *env = getenv("CPUSCOPE_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/data", exe);
			if (is_dir(buf))
				return buf;
			/* build-san/cpuscope: data/ is one level up */
			snprintf(buf, size, "%s/../data", exe);
			if (is_dir(buf))
				return buf;
			snprintf(buf, size, "%s/../share/cpuscope", exe);
			if (is_dir(buf))
				return buf;
		}
	}
	snprintf(buf, size, "data");
	return buf;
}
