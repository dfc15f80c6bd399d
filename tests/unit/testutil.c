/* testutil.c - helpers shared by the cmocka unit tests. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *test_path(const char *rel)
{
	static char bufs[8][4096];
	static int slot;
	const char *root = getenv("CPUSCOPE_SRCDIR");
	char *b = bufs[slot++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", root && *root ? root : ".", rel);
	return b;
}

char *test_slurp(const char *rel, size_t *len)
{
	const char *p = test_path(rel);
	FILE *f = fopen(p, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open test file %s", p);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", p);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

int test_run(const char *name, const struct CMUnitTest *tests, size_t n, int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-t"))
			cmocka_set_test_filter(argv[i + 1]);
	return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
}
