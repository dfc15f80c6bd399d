/* snap_json.c - a small JSON parser for snapshots (see snap_json.h).
 *
 * It is several times faster than json-c on a few MB and lets every
 * error name the line it is about.
 */
#include "snap_json.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

static bool jfail(struct jparser *jp, int line, const char *fmt, ...) ATTR_FORMAT(3, 4);

/* NULL (and the parse failed with "out of memory") when malloc fails:
 * json_scan() bounds what a file may ask for, but not what the machine
 * has. */
static void *arena_alloc(struct jparser *jp, size_t n)
{
	struct chunk *c = jp->arena;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = malloc(sizeof(*c) + cap);
		if (!c) {
			jfail(jp, jp->line, "out of memory");
			return NULL;
		}
		c->next = jp->arena;
		c->used = 0;
		c->cap = cap;
		jp->arena = c;
	}
	void *r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

void jparser_init(struct jparser *jp, const char *file, const char *text, size_t len,
			 struct err *e)
{
	memset(jp, 0, sizeof(*jp));
	jp->file = file;
	jp->p = text;
	jp->end = text + len;
	jp->line = 1;
	jp->e = e;
}

void jparser_fini(struct jparser *jp)
{
	while (jp->arena) {
		struct chunk *n = jp->arena->next;
		free(jp->arena);
		jp->arena = n;
	}
	free(jp->stack);
	free(jp->kstack);
}

static bool jfail(struct jparser *jp, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (jp->failed)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jp->failed = true;
	return err_set(jp->e, jp->file, line, "%s", msg);
}

void jp_skip_ws(struct jparser *jp)
{
	while (jp->p < jp->end) {
		char c = *jp->p;
		if (c == '\n')
			jp->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			return;
		jp->p++;
	}
}

static bool unexpected(struct jparser *jp)
{
	unsigned char c;

	if (jp->p >= jp->end)
		return jfail(jp, jp->line, "malformed JSON: unexpected end of input");
	c = (unsigned char)*jp->p;
	if (c >= 0x21 && c < 0x7f)
		return jfail(jp, jp->line, "malformed JSON: unexpected character '%c'", c);
	return jfail(jp, jp->line, "malformed JSON: unexpected byte 0x%02x", c);
}

static bool push_child(struct jparser *jp, struct jv *v, const char *key)
{
	if (jp->sn == jp->scap) {
		size_t cap = jp->scap ? jp->scap * 2 : 256;
		struct jv **st = realloc(jp->stack, cap * sizeof(*jp->stack));
		const char **ks = st ? realloc(jp->kstack, cap * sizeof(*jp->kstack)) : NULL;
		if (st)
			jp->stack = st;
		if (!ks)
			return jfail(jp, jp->line, "out of memory");
		jp->kstack = ks;
		jp->scap = cap;
	}
	jp->stack[jp->sn] = v;
	jp->kstack[jp->sn++] = key;
	return true;
}

struct keyref {
	const char *key;
	size_t i;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Every key of an object once: a duplicate is refused at its second
 * appearance (the earliest such in the object). */
static bool check_keys(struct jparser *jp, const struct jv *o)
{
	size_t dup = SIZE_MAX, first = 0;

	if (o->n <= 16) {
		for (size_t j = 1; j < o->n && dup == SIZE_MAX; j++)
			for (size_t i = 0; i < j; i++)
				if (strcmp(o->keys[i], o->keys[j]) == 0) {
					dup = j;
					first = i;
					break;
				}
	} else {
		struct keyref *r = malloc(o->n * sizeof(*r));
		if (!r)
			return jfail(jp, o->line, "out of memory");
		for (size_t i = 0; i < o->n; i++)
			r[i] = (struct keyref){o->keys[i], i};
		qsort(r, o->n, sizeof(*r), keyref_cmp);
		for (size_t i = 1; i < o->n; i++)
			if (strcmp(r[i - 1].key, r[i].key) == 0 && r[i].i < dup) {
				dup = r[i].i;
				first = r[i - 1].i;
			}
		free(r);
	}
	if (dup == SIZE_MAX)
		return true;
	return jfail(jp, o->items[dup]->line, "duplicate key \"%s\" (first on line %d)", o->keys[dup],
		     o->items[first]->line);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool read_hex4(struct jparser *jp, const char *p, unsigned *out)
{
	unsigned v = 0;

	if (jp->end - p < 4)
		return jfail(jp, jp->line, "malformed JSON: bad \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return jfail(jp, jp->line, "malformed JSON: bad \\u escape");
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; returns the decoded string in the arena. */
const char *jp_string(struct jparser *jp, size_t *lenp)
{
	const char *p = jp->p + 1, *q;
	bool esc = false;
	char *out, *o;

	for (q = p; q < jp->end && *q != '"'; q++) {
		if ((unsigned char)*q < 0x20) {
			jp->p = q;
			jfail(jp, jp->line, "malformed JSON: control character in a string");
			return NULL;
		}
		if (*q == '\\') {
			esc = true;
			q++;
		}
	}
	if (q >= jp->end) {
		jp->p = jp->end;
		jfail(jp, jp->line, "malformed JSON: unexpected end of input in a string");
		return NULL;
	}
	out = arena_alloc(jp, (size_t)(q - p) + 1);
	if (!out)
		return NULL;
	if (!esc) {
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		*lenp = (size_t)(q - p);
		jp->p = q + 1;
		return out;
	}
	for (o = out; p < q; p++) {
		unsigned cp, lo;
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (!read_hex4(jp, p + 1, &cp))
				return NULL;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && q - p > 6 && p[1] == '\\' && p[2] == 'u' &&
			    read_hex4(jp, p + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (jp->failed)
				return NULL;
			if (cp == 0) {
				jfail(jp, jp->line, "malformed JSON: \\u0000 in a string");
				return NULL;
			}
			/* a \uXXXX escape is at least 6 bytes and encodes in at most 4 */
			o += put_utf8(o, cp);
			break;
		default:
			jfail(jp, jp->line, "malformed JSON: bad escape in a string");
			return NULL;
		}
	}
	*o = '\0';
	*lenp = (size_t)(o - out);
	jp->p = q + 1;
	return out;
}

/* One or more decimal digits at *p, which moves past them; false if none. */
static bool skip_digits(const struct jparser *jp, const char **p)
{
	if (*p >= jp->end || **p < '0' || **p > '9')
		return false;
	while (*p < jp->end && **p >= '0' && **p <= '9')
		(*p)++;
	return true;
}

static bool parse_number(struct jparser *jp)
{
	const char *p = jp->p;

	if (p < jp->end && *p == '-')
		p++;
	if (p >= jp->end || *p < '0' || *p > '9')
		return unexpected(jp);
	if (*p == '0')
		p++;
	else
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	if (p < jp->end && *p == '.') {
		p++;
		if (!skip_digits(jp, &p))
			return jfail(jp, jp->line, "malformed JSON: bad number");
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (!skip_digits(jp, &p))
			return jfail(jp, jp->line, "malformed JSON: bad number");
	}
	jp->p = p;
	return true;
}

static bool literal(struct jparser *jp, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return unexpected(jp);
	jp->p += n;
	return true;
}

static struct jv *parse_container(struct jparser *jp, struct jv *v, int depth)
{
	bool obj = *jp->p == '{';
	char close = obj ? '}' : ']';
	size_t base = jp->sn;

	if (depth >= SNAP_MAX_DEPTH) {
		jfail(jp, jp->line, "malformed JSON: nesting deeper than %d levels", SNAP_MAX_DEPTH);
		return NULL;
	}
	v->t = obj ? J_OBJ : J_ARR;
	jp->p++;
	jp_skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		goto done;
	}
	for (;;) {
		const char *key = NULL;
		struct jv *c;
		size_t klen;

		jp_skip_ws(jp);
		if (obj) {
			if (jp->p >= jp->end || *jp->p != '"') {
				unexpected(jp);
				return NULL;
			}
			key = jp_string(jp, &klen);
			if (!key)
				return NULL;
			jp_skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				unexpected(jp);
				return NULL;
			}
			jp->p++;
		}
		c = jp_value(jp, depth + 1);
		if (!c)
			return NULL;
		if (!push_child(jp, c, key))
			return NULL;
		jp_skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			break;
		}
		unexpected(jp);
		return NULL;
	}
done:
	v->n = jp->sn - base;
	v->items = arena_alloc(jp, (v->n + 1) * sizeof(*v->items));
	if (!v->items)
		return NULL;
	if (v->n)
		memcpy(v->items, jp->stack + base, v->n * sizeof(*v->items));
	if (obj) {
		v->keys = arena_alloc(jp, (v->n + 1) * sizeof(*v->keys));
		if (!v->keys)
			return NULL;
		if (v->n)
			memcpy(v->keys, jp->kstack + base, v->n * sizeof(*v->keys));
	}
	jp->sn = base;
	if (obj && !check_keys(jp, v))
		return NULL;
	return v;
}

struct jv *jp_value(struct jparser *jp, int depth)
{
	struct jv *v;
	bool ok = true;

	jp_skip_ws(jp);
	if (jp->p >= jp->end) {
		unexpected(jp);
		return NULL;
	}
	v = arena_alloc(jp, sizeof(*v));
	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->line = jp->line;
	v->raw = jp->p;
	switch (*jp->p) {
	case '{':
	case '[':
		if (!parse_container(jp, v, depth))
			return NULL;
		break;
	case '"':
		v->t = J_STR;
		v->s = jp_string(jp, &v->n);
		ok = v->s != NULL;
		v->n = 0;
		break;
	case 't':
		v->t = J_TRUE;
		ok = literal(jp, "true");
		break;
	case 'f':
		v->t = J_FALSE;
		ok = literal(jp, "false");
		break;
	case 'n':
		v->t = J_NULL;
		ok = literal(jp, "null");
		break;
	default:
		v->t = J_NUM;
		ok = parse_number(jp);
		break;
	}
	if (!ok)
		return NULL;
	v->rawlen = (size_t)(jp->p - v->raw);
	return v;
}

/* Parse the whole text as one JSON value. */
struct jv *jp_parse(struct jparser *jp)
{
	struct jv *v;

	if (jp->p >= jp->end || (jp_skip_ws(jp), jp->p >= jp->end)) {
		jfail(jp, 0, "empty file, not a cpuscope snapshot");
		return NULL;
	}
	v = jp_value(jp, 0);
	if (!v)
		return NULL;
	jp_skip_ws(jp);
	if (jp->p < jp->end) {
		jfail(jp, jp->line, "malformed JSON: more data after the end of the document");
		return NULL;
	}
	return v;
}

const struct jv *jmember(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

const char *jtname(const struct jv *v)
{
	switch (v->t) {
	case J_NULL: return "null";
	case J_FALSE:
	case J_TRUE: return "a boolean";
	case J_NUM: return "a number";
	case J_STR: return "a string";
	case J_ARR: return "an array";
	case J_OBJ: return "an object";
	}
	return "a value";
}
