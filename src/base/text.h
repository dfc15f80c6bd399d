/* text.h - what a name may be, and text made safe for a terminal.
 *
 * The one rule for names.  A name (of a CPU model, feature, machine type,
 * vendor, property, ...) read by any reader, or given on the command line,
 * is 1 to NAME_MAX_LEN bytes of valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) with no NUL, no C0 control
 * (U+0001..U+001F), no DEL (U+007F) and no C1 control (U+0080..U+009F).
 * Free text read from input (a model-id, a QEMU version or package, a QMP
 * error description) follows the same rule, except that it may be empty
 * and up to TEXT_MAX_LEN bytes long.  name_check() and text_check() refuse
 * anything else with a message that shows the offending bytes escaped:
 *
 *     model name "a\e[2J" has a control character (U+001B)
 *     feature name "a\xffb" is not valid UTF-8 (byte 0xff)
 *     feature name "h\0le" has a NUL character
 *
 * The one escaping function.  text_escape() makes any bytes printable: C0
 * controls and DEL become \0 \a \b \t \n \v \f \r \e or \xNN, C1 controls
 * \u0080..\u009f, and a byte that is not part of valid UTF-8 \xNN; all
 * else is copied.  Its output never contains a control character or
 * invalid UTF-8, so it is safe to write to a terminal.  err_str() applies
 * it to every error message; front ends apply it to every name they print
 * or draw.
 */
#ifndef CPUSCOPE_SRC_TEXT_H
#define CPUSCOPE_SRC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct err;

#define NAME_MAX_LEN 256
#define TEXT_MAX_LEN 4096

enum text_fault {
	TEXT_OK,
	TEXT_EMPTY,     /* names only */
	TEXT_TOO_LONG,
	TEXT_NUL,
	TEXT_BAD_UTF8,  /* code: the first byte that is not valid UTF-8 */
	TEXT_CONTROL,   /* code: the control character's code point */
};

struct text_problem {
	enum text_fault fault;
	size_t off;     /* byte offset of the problem */
	unsigned code;
};

/* The first problem of s[0..len) under the name rule (name) or the text
 * rule (!name); p (may be NULL) gets the details. */
enum text_fault text_scan(const char *s, size_t len, bool name, struct text_problem *p);
/* Refuse a bad name: e = "FILE:LINE: WHAT \"ESCAPED\" has ..." (file may be
 * NULL, line 0 for none).  Returns false on refusal. */
bool name_check(const char *what, const char *s, size_t len, const char *file, int line,
		struct err *e);
/* The same for free text. */
bool text_check(const char *what, const char *s, size_t len, const char *file, int line,
		struct err *e);
/* The length of the valid UTF-8 sequence at s[0..len) (1..4), or 0 when
 * the bytes there are not one; *cp gets the code point. */
size_t utf8_decode(const char *s, size_t len, unsigned *cp);
/* Nothing in s[0..len) that text_escape() would change. */
bool text_is_clean(const char *s, size_t len);
/* Append s[0..len), escaped, to sb. */
void text_escape(struct strbuf *sb, const char *s, size_t len);
/* s (NUL-terminated), escaped; caller frees. */
char *text_escape_new(const char *s);
/* s[0..len), escaped, into buf (always NUL-terminated when size > 0; cut
 * before an escape or character that does not fit).  Returns the bytes
 * written, without the NUL. */
size_t text_escape_buf(char *buf, size_t size, const char *s, size_t len);

#endif
