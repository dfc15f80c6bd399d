/* json_scan.c - a cheap first pass over JSON text (see json_scan.h). */
#include "json_scan.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

/* json-c 0.16, measured with mallinfo2 on arrays of 200000 values: an
 * empty object 792 bytes (its hash table), an empty array 152, a scalar
 * in an array 72-104, an object member with its key and value 200. */
const struct json_costs json_costs_jsonc = {
	.object = 800, .array = 160, .member = 200, .item = 96, .string = 16,
	.per_byte = 32, .floor = 16u << 20,
};

/* snap_json.c: a value is 64 bytes of arena, an item or member one or two
 * pointer slots, a string a copy of itself; an object usually becomes a
 * record (an expansion with two feature sets), a definition or a machine
 * in the dataset, a few hundred bytes more. */
const struct json_costs json_costs_snapshot = {
	.object = 512, .array = 96, .member = 80, .item = 72, .string = 16,
	.per_byte = 32, .floor = 16u << 20,
};

struct frame {
	bool obj;
	bool expect; /* the next value starts an item (or a member) */
	size_t items;
};

static int hex4(const char *p, const char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* At the opening quote: to just after the closing one (or the end). */
static bool scan_string(const char *file, const char **pp, const char *end, int *line,
			size_t *bytes, struct err *e)
{
	const char *p = *pp + 1, *start = p;

	while (p < end && *p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == '\\') {
			int u, lo;
			if (p + 1 >= end)
				break;
			if (p[1] != 'u') {
				p += 2;
				continue;
			}
			u = hex4(p + 2, end);
			if (u < 0) { /* the parser says what is wrong */
				p += 2;
				continue;
			}
			if (u == 0)
				return err_set(e, file, *line, "malformed JSON: \\u0000 in a string");
			if (u >= 0xdc00 && u <= 0xdfff)
				return err_set(e, file, *line,
					       "malformed JSON: lone surrogate \\u%04x in a string", u);
			if (u >= 0xd800 && u <= 0xdbff) {
				lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return err_set(e, file, *line,
						       "malformed JSON: lone surrogate \\u%04x in a string",
						       u);
				p += 12;
				continue;
			}
			p += 6;
		} else if (c >= 0x80) {
			unsigned cp;
			size_t n = utf8_decode(p, (size_t)(end - p), &cp);
			if (!n)
				return err_set(e, file, *line,
					       "malformed JSON: invalid UTF-8 in a string (byte 0x%02x)", c);
			p += n;
		} else {
			if (c == '\n')
				(*line)++;
			p++;
		}
	}
	*bytes = (size_t)(p - start);
	*pp = p < end ? p + 1 : end;
	return true;
}

/* A JSON number a parser can hold: an integer within 64 bits (signed
 * or unsigned), or a finite double.  Anything else parsers clamp or turn
 * into infinity, and 1e99999 would be "read" as something it is not. */
static bool number_fits(const char *t, size_t n)
{
	char buf[400], *end = NULL;
	bool neg = t[0] == '-';
	size_t digits = n - neg;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, t, n);
	buf[n] = '\0';
	errno = 0;
	if (strcspn(buf, ".eE") == n) {
		if (digits == 0 || strspn(buf + neg, "0123456789") != digits)
			return true; /* not a number: the parser's to refuse */
		if (neg)
			(void)strtoll(buf, &end, 10);
		else
			(void)strtoull(buf, &end, 10);
		return errno != ERANGE;
	}
	{
		double d = strtod(buf, &end);
		return !(errno == ERANGE && (d > 1 || d < -1)) && !isinf(d);
	}
}

static bool is_delim(char c)
{
	switch (c) {
	case ',': case ':': case '[': case ']': case '{': case '}': case '"':
	case ' ': case '\t': case '\r': case '\n':
		return true;
	default:
		return false;
	}
}

bool json_scan(const char *file, const char *text, size_t len, const struct json_costs *c,
	       int max_depth, struct json_scan_stats *stats, struct err *e)
{
	struct json_scan_stats st;
	struct frame stack[128];
	const char *p = text, *end = text + len;
	int depth = 0, line = 1;

	memset(&st, 0, sizeof(st));
	if (max_depth > (int)(sizeof(stack) / sizeof(stack[0])))
		max_depth = (int)(sizeof(stack) / sizeof(stack[0]));
	st.limit = len > (SIZE_MAX - c->floor) / c->per_byte ? SIZE_MAX : len * c->per_byte + c->floor;
	while (p < end) {
		unsigned char ch = (unsigned char)*p;
		struct frame *f = depth ? &stack[depth - 1] : NULL;
		size_t n = 0;

		if (ch == '\n' || ch == ' ' || ch == '\t' || ch == '\r') {
			line += ch == '\n';
			p++;
			continue;
		}
		if (ch == ',' || ch == ':' || ch == '}' || ch == ']') {
			if (ch == ',' && f)
				f->expect = true;
			else if ((ch == '}' || ch == ']') && f)
				depth--;
			p++;
			continue;
		}
		/* a value (or a key) starts here */
		if (!f) {
			st.items++;
			st.cost += c->item;
		} else if (f->expect) {
			f->expect = false;
			if (++f->items > JSON_MAX_ITEMS)
				return err_set(e, file, line, "more than %u %s in one %s", JSON_MAX_ITEMS,
					       f->obj ? "members" : "items", f->obj ? "object" : "array");
			if (f->obj)
				st.members++, st.cost += c->member;
			else
				st.items++, st.cost += c->item;
		}
		if (ch == '"') {
			if (!scan_string(file, &p, end, &line, &n, e))
				return false;
			st.strings++;
			st.string_bytes += n;
			st.cost += c->string + n;
		} else if (ch == '{' || ch == '[') {
			if (depth >= max_depth)
				break; /* the parser refuses it in its own words */
			stack[depth].obj = ch == '{';
			stack[depth].expect = true;
			stack[depth].items = 0;
			depth++;
			if (ch == '{')
				st.objects++, st.cost += c->object;
			else
				st.arrays++, st.cost += c->array;
			p++;
		} else {
			/* a number or a literal (or junk the parser will refuse) */
			const char *t = p;
			do
				p++;
			while (p < end && !is_delim(*p));
			if ((*t == '-' || (*t >= '0' && *t <= '9')) && !number_fits(t, (size_t)(p - t)))
				return err_set(e, file, line, "malformed JSON: number %.*s%s is out of range",
					       (int)(p - t > 40 ? 40 : p - t), t, p - t > 40 ? "..." : "");
		}
		if (st.cost > st.limit)
			return err_set(e, file, line,
				       "too many JSON values for a file of this size (reading it would "
				       "take more than %u times its size in memory)", c->per_byte);
	}
	if (stats)
		*stats = st;
	return true;
}
