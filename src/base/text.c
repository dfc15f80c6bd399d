/* text.c - what a name may be, and text made safe for a terminal. */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

size_t utf8_decode(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned lo = 0x80, hi = 0xbf, c;
	size_t n;

	if (!len)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
		if (u[0] == 0xe0)
			lo = 0xa0; /* no overlong forms */
		else if (u[0] == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
		if (u[0] == 0xf0)
			lo = 0x90;
		else if (u[0] == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || u[1] < lo || u[1] > hi)
		return 0;
	c = (c << 6) | (u[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if (u[i] < 0x80 || u[i] > 0xbf)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	*cp = c;
	return n;
}

static bool is_control(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

enum text_fault text_scan(const char *s, size_t len, bool name, struct text_problem *p)
{
	struct text_problem tmp;
	size_t i = 0;

	if (!p)
		p = &tmp;
	memset(p, 0, sizeof(*p));
	if (name && len == 0)
		return p->fault = TEXT_EMPTY;
	while (i < len) {
		unsigned cp = 0;
		size_t n;
		/* plain printable ASCII, the common case */
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		p->off = i;
		if (!n) {
			p->code = (unsigned char)s[i];
			return p->fault = TEXT_BAD_UTF8;
		}
		if (cp == 0)
			return p->fault = TEXT_NUL;
		if (is_control(cp)) {
			p->code = cp;
			return p->fault = TEXT_CONTROL;
		}
		i += n;
	}
	if (len > (name ? NAME_MAX_LEN : TEXT_MAX_LEN)) {
		p->off = name ? NAME_MAX_LEN : TEXT_MAX_LEN;
		return p->fault = TEXT_TOO_LONG;
	}
	return p->fault = TEXT_OK;
}

/* The escape of one unit (a character or a stray byte) at s[0..len):
 * into out (at most 7 bytes with the NUL); returns the input bytes used
 * and sets *olen (0: copy the input bytes as they are). */
static size_t escape_unit(const char *s, size_t len, char out[8], size_t *olen)
{
	static const char c0[] = "0......abtnvfr";
	unsigned cp = 0;
	size_t n = utf8_decode(s, len, &cp);

	*olen = 0;
	if (!n) {
		*olen = (size_t)snprintf(out, 8, "\\x%02x", (unsigned char)s[0]);
		return 1;
	}
	if (!is_control(cp))
		return n;
	if (cp == 0x1b)
		*olen = (size_t)snprintf(out, 8, "\\e");
	else if (cp < sizeof(c0) - 1 && c0[cp] != '.')
		*olen = (size_t)snprintf(out, 8, "\\%c", c0[cp]);
	else if (cp < 0x80)
		*olen = (size_t)snprintf(out, 8, "\\x%02x", cp);
	else
		*olen = (size_t)snprintf(out, 8, "\\u%04x", cp);
	return n;
}

bool text_is_clean(const char *s, size_t len)
{
	switch (text_scan(s, len, false, NULL)) {
	case TEXT_OK:
	case TEXT_TOO_LONG:
		return true;
	default:
		return false;
	}
}

void text_escape(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, run = 0;

	while (i < len) {
		char out[8];
		size_t olen, n;
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			i++;
			run++;
			continue;
		}
		n = escape_unit(s + i, len - i, out, &olen);
		if (!olen) {
			i += n;
			run += n;
			continue;
		}
		sb_addn(sb, s + i - run, run);
		run = 0;
		sb_addn(sb, out, olen);
		i += n;
	}
	sb_addn(sb, s + i - run, run);
}

char *text_escape_new(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	text_escape(&sb, s, strlen(s));
	return sb_take(&sb);
}

/* text_escape_buf(), also telling how much of the input it took. */
static size_t escape_into(char *buf, size_t size, const char *s, size_t len, size_t *used)
{
	size_t o = 0, i = 0;

	*used = 0;
	if (!size)
		return 0;
	while (i < len) {
		char out[8];
		size_t olen, n = escape_unit(s + i, len - i, out, &olen);
		const char *src = olen ? out : s + i;
		size_t k = olen ? olen : n;
		if (o + k >= size)
			break;
		memcpy(buf + o, src, k);
		o += k;
		i += n;
	}
	buf[o] = '\0';
	*used = i;
	return o;
}

size_t text_escape_buf(char *buf, size_t size, const char *s, size_t len)
{
	size_t used;

	return escape_into(buf, size, s, len, &used);
}

/* An escaped excerpt of s around offset off, for a message. */
static void excerpt(char *buf, size_t size, const char *s, size_t len, size_t off)
{
	size_t start = off > 24 ? off - 24 : 0, used, o = 0;

	while (start > 0 && start < len && ((unsigned char)s[start] & 0xc0) == 0x80)
		start++; /* not in the middle of a character */
	if (start > 0 && size > 3)
		o = (size_t)snprintf(buf, size, "...");
	o += escape_into(buf + o, size - o - 3, s + start, len - start, &used);
	if (start + used < len)
		snprintf(buf + o, size - o, "...");
}

static bool check(const char *what, const char *s, size_t len, bool name, const char *file,
		  int line, struct err *e)
{
	struct text_problem p;
	char shown[96];

	switch (text_scan(s, len, name, &p)) {
	case TEXT_OK:
		return true;
	case TEXT_EMPTY:
		return err_set(e, file, line, "%s is empty", what);
	case TEXT_TOO_LONG:
		excerpt(shown, 40, s, len, 0);
		return err_set(e, file, line, "%s \"%s\" is longer than %d bytes", what, shown,
			       name ? NAME_MAX_LEN : TEXT_MAX_LEN);
	case TEXT_NUL:
		excerpt(shown, sizeof(shown), s, len, p.off);
		return err_set(e, file, line, "%s \"%s\" has a NUL character", what, shown);
	case TEXT_BAD_UTF8:
		excerpt(shown, sizeof(shown), s, len, p.off);
		return err_set(e, file, line, "%s \"%s\" is not valid UTF-8 (byte 0x%02x)", what,
			       shown, p.code);
	case TEXT_CONTROL:
		excerpt(shown, sizeof(shown), s, len, p.off);
		return err_set(e, file, line, "%s \"%s\" has a control character (U+%04X)", what,
			       shown, p.code);
	}
	return false;
}

bool name_check(const char *what, const char *s, size_t len, const char *file, int line,
		struct err *e)
{
	return check(what, s, len, true, file, line, e);
}

bool text_check(const char *what, const char *s, size_t len, const char *file, int line,
		struct err *e)
{
	return check(what, s, len, false, file, line, e);
}
