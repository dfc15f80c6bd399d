/* test_startcheck.c - probe_start_check() against real programs that stand
 * in for QEMU (tests/bin): one that starts and quits, one that dies, one
 * that never answers, one that cannot be run; and the real QEMU when it is
 * installed (TCG, a model every QEMU starts, and one it refuses). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "startcheck.h"

static void test_starts(void **state)
{
	char *why = (char *)1;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(probe_start_check(test_path("tests/bin/fake-qemu"), "tcg", "fake-2.0", "Alpha", 10,
				      &why, &e));
	assert_null(why);
}

static void test_crashes(void **state)
{
	char *why = NULL;
	struct err e;

	(void)state;
	setenv("FAKE_CRASH_AFTER", "0", 1);
	err_clear(&e);
	assert_true(probe_start_check(test_path("tests/bin/qemu-crash"), "tcg", "fake-2.0", "Alpha", 10,
				      &why, &e));
	unsetenv("FAKE_CRASH_AFTER");
	assert_non_null(why);
	assert_non_null(strstr(why, "fake-qemu: about to crash"));
	free(why);
}

static void test_hangs(void **state)
{
	char *why = NULL;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(probe_start_check(test_path("tests/bin/qemu-hang"), "tcg", "fake-2.0", "Alpha", 0.5,
				      &why, &e));
	assert_non_null(why);
	assert_string_equal(why, "no answer within 0 s"); /* %.0f of 0.5 */
	free(why);
}

static void test_cannot_run(void **state)
{
	char *why = NULL;
	struct err e;
	char buf[1200];

	(void)state;
	err_clear(&e);
	assert_false(probe_start_check("/nonexistent/qemu", "tcg", "pc", "qemu64", 5, &why, &e));
	assert_null(why);
	assert_non_null(strstr(err_str(&e, buf, sizeof(buf)), "cannot run /nonexistent/qemu"));
}

static void test_real_qemu(void **state)
{
	const char *q = "/usr/bin/qemu-system-x86_64";
	char *why = NULL;
	struct err e;

	(void)state;
	if (access(q, X_OK) != 0)
		skip();
	err_clear(&e);
	assert_true(probe_start_check(q, "tcg", "pc", "qemu64", 30, &why, &e));
	assert_null(why);
	/* TCG lacks hle/rtm: enforce refuses Haswell-v1 */
	assert_true(probe_start_check(q, "tcg", "pc", "Haswell-v1", 30, &why, &e));
	assert_non_null(why);
	assert_non_null(strstr(why, "hle"));
	free(why);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts),
		cmocka_unit_test(test_crashes),
		cmocka_unit_test(test_hangs),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_real_qemu),
	};
	return TEST_RUN("startcheck", tests, argc, argv);
}
