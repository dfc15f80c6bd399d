/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef CPUSCOPE_TESTS_TESTUTIL_H
#define CPUSCOPE_TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Absolute path of a file in the source tree (CPUSCOPE_SRCDIR, else the
 * current directory).  Returns a static buffer rotated over 8 slots. */
const char *test_path(const char *rel);
/* Read a whole file from the source tree; caller frees. Fails the test if missing. */
char *test_slurp(const char *rel, size_t *len);
/* Run the group with an optional -t PATTERN filter (argv). */
int test_run(const char *name, const struct CMUnitTest *tests, size_t n, int argc, char **argv);
#define TEST_RUN(name, tests, argc, argv) \
	test_run(name, tests, sizeof(tests) / sizeof((tests)[0]), argc, argv)

#endif
