/* test_util.c - the base helpers that the front ends share: the list of
 * names ("a, b, ... (N more)"), reading "-" as standard input. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

static char *list(const char *const *v, size_t n, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add_list(&sb, v, n, max);
	return sb_take(&sb);
}

static void test_list(void **state)
{
	static const char *const v[] = { "a", "b", "c", "d", "e" };
	char *s;

	(void)state;
	s = list(v, 0, 3);
	assert_string_equal(s, "");
	free(s);
	s = list(v, 3, 3);
	assert_string_equal(s, "a, b, c");
	free(s);
	/* one more name is shown, never "... (1 more)" */
	s = list(v, 4, 3);
	assert_string_equal(s, "a, b, c, d");
	free(s);
	s = list(v, 5, 3);
	assert_string_equal(s, "a, b, c, ... (2 more)");
	free(s);
	s = list(v, 5, 0);
	assert_string_equal(s, "... (5 more)");
	free(s);
}

static void test_read_dash_is_stdin(void **state)
{
	char *text = NULL;
	size_t len = 0;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_non_null(freopen(test_path("tests/data/guests/haswell.xml"), "r", stdin));
	assert_true(read_file_limited("-", FILE_LIMIT_DEFAULT, &text, &len, &e));
	assert_non_null(strstr(text, "Haswell"));
	assert_int_equal(len, strlen(text));
	free(text);
	assert_non_null(freopen(test_path("tests/data/guests/haswell.xml"), "r", stdin));
	assert_false(read_file_limited("-", 4, &text, &len, &e));
	assert_string_equal(e.file, "-");
	assert_string_equal(e.msg, "file too large (over 4 bytes)");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_read_dash_is_stdin),
	};
	return TEST_RUN("util", tests, argc, argv);
}
