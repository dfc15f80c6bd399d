/* test_text.c - the name rule (name_check, text_check), UTF-8 decoding and
 * the escaping every printing path uses (text_escape, err_str). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"
#include "util.h"

/* name_check of s[0..len) fails with exactly msg (NULL: passes). */
static void name_is(const char *s, size_t len, const char *msg)
{
	struct err e;
	char buf[1200];

	err_clear(&e);
	if (!msg) {
		if (!name_check("model name", s, len, "f.json", 3, &e))
			fail_msg("refused: %s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	if (name_check("model name", s, len, "f.json", 3, &e))
		fail_msg("accepted, expected: %s", msg);
	assert_string_equal(err_str(&e, buf, sizeof(buf)), msg);
}

#define NAME_IS(lit, msg) name_is(lit, sizeof(lit) - 1, msg)

static void test_names_accepted(void **state)
{
	(void)state;
	NAME_IS("Haswell-v4", NULL);
	NAME_IS("pc-i440fx-7.2", NULL);
	NAME_IS("Ünïcödé-ok", NULL);            /* 2-byte forms */
	NAME_IS("\xe2\x82\xac" "100", NULL);     /* U+20AC */
	NAME_IS("\xf0\x9f\x98\x80", NULL);       /* U+1F600 */
	NAME_IS("\xc2\xa0", NULL);               /* U+00A0, just after C1 */
	NAME_IS("a b", NULL);
}

static void test_names_refused(void **state)
{
	char big[NAME_MAX_LEN + 2];

	(void)state;
	NAME_IS("", "f.json:3: model name is empty");
	NAME_IS("a\x1b[2Jb", "f.json:3: model name \"a\\e[2Jb\" has a control character (U+001B)");
	NAME_IS("\x1b]52;c;aGk=\x07",
		"f.json:3: model name \"\\e]52;c;aGk=\\a\" has a control character (U+001B)");
	NAME_IS("bell\x07", "f.json:3: model name \"bell\\a\" has a control character (U+0007)");
	NAME_IS("a\tb", "f.json:3: model name \"a\\tb\" has a control character (U+0009)");
	NAME_IS("a\nb", "f.json:3: model name \"a\\nb\" has a control character (U+000A)");
	NAME_IS("a\x01", "f.json:3: model name \"a\\x01\" has a control character (U+0001)");
	NAME_IS("del\x7f", "f.json:3: model name \"del\\x7f\" has a control character (U+007F)");
	NAME_IS("csi\xc2\x9b" "2J",
		"f.json:3: model name \"csi\\u009b2J\" has a control character (U+009B)");
	NAME_IS("c1\xc2\x80", "f.json:3: model name \"c1\\u0080\" has a control character (U+0080)");
	NAME_IS("h\0le", "f.json:3: model name \"h\\0le\" has a NUL character");
	NAME_IS("a\xff" "b", "f.json:3: model name \"a\\xffb\" is not valid UTF-8 (byte 0xff)");
	NAME_IS("raw\x9b", "f.json:3: model name \"raw\\x9b\" is not valid UTF-8 (byte 0x9b)");
	/* overlong, surrogate (CESU-8), above U+10FFFF, truncated */
	NAME_IS("\xc0\xaf", "f.json:3: model name \"\\xc0\\xaf\" is not valid UTF-8 (byte 0xc0)");
	NAME_IS("\xe0\x80\xaf",
		"f.json:3: model name \"\\xe0\\x80\\xaf\" is not valid UTF-8 (byte 0xe0)");
	NAME_IS("s\xed\xa0\x80",
		"f.json:3: model name \"s\\xed\\xa0\\x80\" is not valid UTF-8 (byte 0xed)");
	NAME_IS("\xf4\x90\x80\x80",
		"f.json:3: model name \"\\xf4\\x90\\x80\\x80\" is not valid UTF-8 (byte 0xf4)");
	NAME_IS("cut\xe2\x82",
		"f.json:3: model name \"cut\\xe2\\x82\" is not valid UTF-8 (byte 0xe2)");
	memset(big, 'a', sizeof(big));
	name_is(big, NAME_MAX_LEN, NULL);
	name_is(big, NAME_MAX_LEN + 1,
		"f.json:3: model name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is longer than 256 "
		"bytes");
}

static void test_long_excerpt(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e;
	char buf[1200];

	(void)state;
	/* the excerpt shows the bad byte even far into a long string */
	for (int i = 0; i < 100; i++)
		sb_addc(&sb, 'x');
	sb_add(&sb, "\x1b[2J");
	for (int i = 0; i < 100; i++)
		sb_addc(&sb, 'y');
	err_clear(&e);
	assert_false(text_check("\"qemu\".\"package\"", sb.s, sb.len, "s.json", 1, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "s.json:1: \"qemu\".\"package\" \"...xxxxxxxxxxxxxxxxxxxxxxxx\\e[2Jyyyyyy"
			    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...\" has a control "
			    "character (U+001B)");
	/* free text may be empty and longer than a name */
	assert_true(text_check("x", "", 0, NULL, 0, &e));
	sb_reset(&sb);
	for (int i = 0; i < 1000; i++)
		sb_addc(&sb, 'z');
	assert_true(text_check("x", sb.s, sb.len, NULL, 0, &e));
	assert_false(name_check("feature name", sb.s, sb.len, NULL, 0, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "feature name \"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...\" is longer than 256 "
			    "bytes");
	sb_fini(&sb);
}

static void test_utf8_decode(void **state)
{
	unsigned cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_decode("\xef\xbf\xbd", 3, &cp), 3);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(utf8_decode("\xc3", 1, &cp), 0);        /* cut short */
	assert_int_equal(utf8_decode("\xc3\x41", 2, &cp), 0);    /* not a continuation */
	assert_int_equal(utf8_decode("\x80", 1, &cp), 0);        /* stray continuation */
	assert_int_equal(utf8_decode("\xed\xbf\xbf", 3, &cp), 0); /* surrogate */
	assert_int_equal(utf8_decode("\xf5\x80\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode("", 0, &cp), 0);
}

static void test_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char in[] = "ok \x1b[2J\x07\x00\xc2\x9b\xff\x7f\t\r\n\x0b\x0c\x08 \xc3\xa9!";
	const char want[] = "ok \\e[2J\\a\\0\\u009b\\xff\\x7f\\t\\r\\n\\v\\f\\b \xc3\xa9!";
	char buf[16];
	char *s;

	(void)state;
	text_escape(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb_str(&sb), want);
	assert_true(text_is_clean(sb.s, sb.len));
	assert_false(text_is_clean(in, sizeof(in) - 1));
	assert_true(text_is_clean("Haswell \xc3\xa9", 10));
	sb_fini(&sb);
	s = text_escape_new("plain");
	assert_string_equal(s, "plain");
	free(s);
	s = text_escape_new("");
	assert_string_equal(s, "");
	free(s);
	/* the buffer form cuts before an escape or character that does not fit */
	assert_int_equal(text_escape_buf(buf, 15, "abcdefghijklm\x1b", 14), 13);
	assert_string_equal(buf, "abcdefghijklm");
	assert_int_equal(text_escape_buf(buf, 5, "ab\xc3\xa9\xc3\xa9", 6), 4);
	assert_string_equal(buf, "ab\xc3\xa9");
	assert_int_equal(text_escape_buf(buf, 1, "abc", 3), 0);
	assert_string_equal(buf, "");
}

static void test_err_str_escapes(void **state)
{
	struct err e;
	char buf[64];

	(void)state;
	err_clear(&e);
	err_set(&e, "evil\x1b]52;c;x\x07.json", 4, "unknown CPU model '%s'", "\x1b[2J\xc2\x9b");
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "evil\\e]52;c;x\\a.json:4: unknown CPU model '\\e[2J\\u009b'");
	err_set(&e, "f", 0, "bad \xff");
	assert_string_equal(err_str(&e, buf, sizeof(buf)), "f: bad \\xff");
	err_set(&e, NULL, 0, "no file \x1b");
	assert_string_equal(err_str(&e, buf, sizeof(buf)), "no file \\e");
	/* cut short, never in the middle of an escape */
	err_set(&e, NULL, 0, "%s\x1b", "01234567890123456789012345678901234567890123456789012345678912");
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "01234567890123456789012345678901234567890123456789012345678912");
	err_clear(&e);
	assert_string_equal(err_str(&e, buf, sizeof(buf)), "unknown error");
}

static void test_xml_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	sb_xml_escape(&sb, "a\xff" "b<&>'\"\x1b\t\xc2\x9b\x7f\xc3\xa9");
	assert_string_equal(sb_str(&sb), "a\xef\xbf\xbd" "b&lt;&amp;&gt;&apos;&quot;\xef\xbf\xbd"
			    "&#x9;&#x9B;&#x7F;\xc3\xa9");
	sb_fini(&sb);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_accepted),
		cmocka_unit_test(test_names_refused),
		cmocka_unit_test(test_long_excerpt),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_err_str_escapes),
		cmocka_unit_test(test_xml_escape),
	};

	return TEST_RUN("text", tests, argc, argv);
}
