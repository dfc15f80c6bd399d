/* test_json_scan.c - the first pass over JSON before parsing: strings
 * (UTF-8, \u0000, lone surrogates) and the memory budget. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json_scan.h"
#include "util.h"

static void scan_ok(const char *text)
{
	struct err e;
	char buf[1200];

	err_clear(&e);
	if (!json_scan("x.json", text, strlen(text), &json_costs_jsonc, 64, NULL, &e))
		fail_msg("refused: %s", err_str(&e, buf, sizeof(buf)));
}

static void scan_fails(const char *text, size_t len, const struct json_costs *c, const char *msg)
{
	struct err e;
	char buf[1200];

	err_clear(&e);
	if (json_scan("x.json", text, len, c, 64, NULL, &e))
		fail_msg("accepted, expected: %s", msg);
	assert_string_equal(err_str(&e, buf, sizeof(buf)), msg);
}

#define FAILS(lit, msg) scan_fails(lit, strlen(lit), &json_costs_jsonc, msg)

static void test_strings(void **state)
{
	(void)state;
	scan_ok("{\"a\": \"\\ud83d\\ude00 \\u00e9 \\\" \\\\ \xc3\xa9\"}");
	scan_ok("[\"\\u12\"]"); /* a bad escape is the parser's to report */
	FAILS("{\"a\":\n \"h\\u0000le\"}", "x.json:2: malformed JSON: \\u0000 in a string");
	FAILS("[\"\\ud800\"]", "x.json:1: malformed JSON: lone surrogate \\ud800 in a string");
	FAILS("[\"\\ud800\\u0041\"]", "x.json:1: malformed JSON: lone surrogate \\ud800 in a string");
	FAILS("[\"x\\udc00\"]", "x.json:1: malformed JSON: lone surrogate \\udc00 in a string");
	FAILS("[\"\\uDBFF\"]", "x.json:1: malformed JSON: lone surrogate \\udbff in a string");
	FAILS("\n\n[\"a\xff\"]", "x.json:3: malformed JSON: invalid UTF-8 in a string (byte 0xff)");
	FAILS("[\"\xed\xa0\x80\"]", "x.json:1: malformed JSON: invalid UTF-8 in a string (byte 0xed)");
	FAILS("{\"k\xc0\xaf\": 1}", "x.json:1: malformed JSON: invalid UTF-8 in a string (byte 0xc0)");
}

static void test_numbers(void **state)
{
	(void)state;
	scan_ok("[0, -1, 18446744073709551615, -9223372036854775808, 1.5, -2e10, 1e-99999, 1E+300]");
	FAILS("{\"family\": 1e99999}", "x.json:1: malformed JSON: number 1e99999 is out of range");
	FAILS("[-1e400]", "x.json:1: malformed JSON: number -1e400 is out of range");
	FAILS("[18446744073709551616]",
	      "x.json:1: malformed JSON: number 18446744073709551616 is out of range");
	FAILS("[-9223372036854775809]",
	      "x.json:1: malformed JSON: number -9223372036854775809 is out of range");
	FAILS("[11111111111111111111111111111111111111111111111111]",
	      "x.json:1: malformed JSON: number 1111111111111111111111111111111111111111... is out "
	      "of range");
	scan_ok("[tru, -, 1.2.3]"); /* not numbers: the parser's to refuse */
}

/* n copies of item between open and close, comma-separated */
static char *repeat(const char *open, const char *item, size_t n, const char *close)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, open);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(&sb, ',');
		sb_add(&sb, item);
	}
	sb_add(&sb, close);
	return sb_take(&sb);
}

static void test_budget(void **state)
{
	const struct json_costs small = {
		.object = 800, .array = 160, .member = 200, .item = 96, .string = 16,
		.per_byte = 32, .floor = 0,
	};
	struct json_scan_stats st;
	struct err e;
	char *t;

	(void)state;
	/* empty objects, one per line, cost 800 + 96 bytes for 4: the limit
	 * (32 x 3999 bytes) runs out at the 143rd */
	t = repeat("", "{}\n", 1000, "");
	scan_fails(t, strlen(t), &small, "x.json:143: too many JSON values for a file of this size "
		   "(reading it would take more than 32 times its size in memory)");
	free(t);
	/* the same inside one array that never closes */
	t = repeat("[", "0", 100000, "");
	scan_fails(t, strlen(t), &small, "x.json:1: too many JSON values for a file of this size "
		   "(reading it would take more than 32 times its size in memory)");
	free(t);
	/* a dense but ordinary QMP expansion passes and is counted */
	t = repeat("{\"return\": {\"model\": {\"name\": \"max\", \"props\": {", "\"feature\": true",
		   1000, "}}}}");
	err_clear(&e);
	assert_true(json_scan("x.json", t, strlen(t), &small, 64, &st, &e));
	assert_int_equal(st.objects, 4);
	assert_int_equal(st.members, 1004);
	assert_int_equal(st.items, 1);
	assert_int_equal(st.strings, 1005);
	assert_true(st.cost < st.limit);
	free(t);
	/* nesting deeper than the parser allows ends the scan quietly */
	t = repeat("", "[", 100, "");
	err_clear(&e);
	assert_true(json_scan("x.json", t, strlen(t), &json_costs_jsonc, 64, &st, &e));
	assert_int_equal(st.arrays, 64);
	free(t);
}

static void test_items_limit(void **state)
{
	char *t = repeat("{\"missing\": [", "0", JSON_MAX_ITEMS + 1, "]}");

	(void)state;
	scan_fails(t, strlen(t), &json_costs_snapshot, "x.json:1: more than 1048576 items in one array");
	free(t);
}

/* The bundled snapshots and QMP replies are well within their budgets
 * (at least twice), so that larger captures of the same shape load too. */
static void test_real_inputs_have_headroom(void **state)
{
	static const struct {
		const char *file;
		const struct json_costs *c;
	} real[] = {
		{"data/qemu-7.2-x86_64.json", &json_costs_snapshot},
		{"data/qemu-7.2-s390x.json", &json_costs_snapshot},
		{"tests/data/qmp/definitions-pc-q35-7.2.json", &json_costs_jsonc},
		{"tests/data/qmp/machines.json", &json_costs_jsonc},
		{"tests/data/qmp/transcript-pc-q35-7.2-Haswell.jsonl", &json_costs_jsonc},
		{"tests/data/explain/expansions-full-true-pc-q35-7.2.jsonl", &json_costs_jsonc},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		struct json_scan_stats st;
		struct err e;
		size_t len;
		char *t = test_slurp(real[i].file, &len);
		err_clear(&e);
		assert_true(json_scan(real[i].file, t, len, real[i].c, 64, &st, &e));
		if (st.cost * 2 > len * real[i].c->per_byte)
			fail_msg("%s: cost %zu is more than half of %u x %zu", real[i].file, st.cost,
				 real[i].c->per_byte, len);
		free(t);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_items_limit),
		cmocka_unit_test(test_real_inputs_have_headroom),
	};

	return TEST_RUN("json_scan", tests, argc, argv);
}
