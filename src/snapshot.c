/* snapshot.c - cpuscope's snapshot of one QEMU binary (DESIGN §4).
 *
 * The format differs from DESIGN §4 in two ways, both deliberate:
 *
 * 1. Definitions are stored per machine type, because unavailable-features
 *    and alias-of depend on it:
 *        "definitions": {"<machine>": [query-cpu-definitions entries], ...}
 *    A machine type whose list equals an earlier one's names it instead:
 *        "pc-q35-7.2": "none"
 *
 * 2. Expansions are stored compactly, in a pool of records:
 *        "pool": [ {"name": N, "on": [features true], "off": [features false],
 *                   "props": {non-feature props}},                  full record
 *                  {"of": REF, "name": N (only when it differs), "on": [...],
 *                   "off": [...], "props": {changed props}, "unset": [names]},
 *                                                                   delta record
 *                  ... ],
 *        "expansions": {"<machine>": {"<model>": {"full": REF, "static": REF}}}
 *    and, as for definitions, a machine type whose map equals an earlier
 *    one's names it instead ("pc-i440fx-7.2": "none").
 *    REF is a pool index; a delta's "of" always names an earlier record.  A
 *    delta means: start from record REF; the features in "on" are true, those
 *    in "off" false; features and props in "unset" are absent; "props"
 *    replaces or adds props.  The writer stores each record as a delta of the
 *    same model's previous record (the previous machine type) or of that
 *    model's first record, whichever is smaller, or in full when that is
 *    smaller; chains are at most SNAP_CHAIN_MAX long.  In memory a delta
 *    keeps only its changed props and inherits the rest through props_base.
 *
 * Other top-level members: "format" ("cpuscope-snapshot/1"), "qemu"
 * {version, package, binary, arch, accel}, "captured", "machines" (as
 * query-machines, fewer fields) and "missing" (strings).  Feature names are
 * QEMU's canonical spellings; props values are JSON text kept verbatim.
 *
 * Reading uses a small JSON parser of its own (values in one arena, every
 * value knows its line) rather than json-c: it is several times faster on
 * a few MB and lets every error name the line it is about.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

#define SNAP_CHAIN_MAX 8
#define SNAP_MAX_DEPTH 64

/* ---- a small JSON reader ------------------------------------------------ */

enum jt { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	int line;
	const char *raw;  /* source text of the value */
	size_t rawlen;
	const char *s;    /* J_STR: decoded, NUL-terminated */
	size_t n;         /* J_ARR / J_OBJ: number of items */
	struct jv **items;
	const char **keys; /* J_OBJ */
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct jparser {
	const char *file;
	const char *p, *end;
	int line;
	struct chunk *arena;
	struct jv **stack;   /* children of open containers */
	const char **kstack; /* their keys */
	size_t sn, scap;
	struct err *e;
	bool failed;
};

static void *arena_alloc(struct jparser *jp, size_t n)
{
	struct chunk *c = jp->arena;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = xmalloc(sizeof(*c) + cap);
		c->next = jp->arena;
		c->used = 0;
		c->cap = cap;
		jp->arena = c;
	}
	void *r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

static void jparser_init(struct jparser *jp, const char *file, const char *text, size_t len,
			 struct err *e)
{
	memset(jp, 0, sizeof(*jp));
	jp->file = file;
	jp->p = text;
	jp->end = text + len;
	jp->line = 1;
	jp->e = e;
}

static void jparser_fini(struct jparser *jp)
{
	while (jp->arena) {
		struct chunk *n = jp->arena->next;
		free(jp->arena);
		jp->arena = n;
	}
	free(jp->stack);
	free(jp->kstack);
}

static bool jfail(struct jparser *jp, int line, const char *fmt, ...) ATTR_FORMAT(3, 4);
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

static void skip_ws(struct jparser *jp)
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

static void push_child(struct jparser *jp, struct jv *v, const char *key)
{
	if (jp->sn == jp->scap) {
		jp->scap = jp->scap ? jp->scap * 2 : 256;
		jp->stack = xrealloc(jp->stack, jp->scap * sizeof(*jp->stack));
		jp->kstack = xrealloc(jp->kstack, jp->scap * sizeof(*jp->kstack));
	}
	jp->stack[jp->sn] = v;
	jp->kstack[jp->sn++] = key;
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
static const char *parse_string(struct jparser *jp, size_t *lenp)
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

static struct jv *parse_value(struct jparser *jp, int depth);

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
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		goto done;
	}
	for (;;) {
		const char *key = NULL;
		struct jv *c;
		size_t klen;

		skip_ws(jp);
		if (obj) {
			if (jp->p >= jp->end || *jp->p != '"') {
				unexpected(jp);
				return NULL;
			}
			key = parse_string(jp, &klen);
			if (!key)
				return NULL;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				unexpected(jp);
				return NULL;
			}
			jp->p++;
		}
		c = parse_value(jp, depth + 1);
		if (!c)
			return NULL;
		push_child(jp, c, key);
		skip_ws(jp);
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
	if (v->n)
		memcpy(v->items, jp->stack + base, v->n * sizeof(*v->items));
	if (obj) {
		v->keys = arena_alloc(jp, (v->n + 1) * sizeof(*v->keys));
		if (v->n)
			memcpy(v->keys, jp->kstack + base, v->n * sizeof(*v->keys));
	}
	jp->sn = base;
	return v;
}

static struct jv *parse_value(struct jparser *jp, int depth)
{
	struct jv *v;
	bool ok = true;

	skip_ws(jp);
	if (jp->p >= jp->end) {
		unexpected(jp);
		return NULL;
	}
	v = arena_alloc(jp, sizeof(*v));
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
		v->s = parse_string(jp, &v->n);
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
static struct jv *json_parse(struct jparser *jp)
{
	struct jv *v;

	if (jp->p >= jp->end || (skip_ws(jp), jp->p >= jp->end)) {
		jfail(jp, 0, "empty file, not a cpuscope snapshot");
		return NULL;
	}
	v = parse_value(jp, 0);
	if (!v)
		return NULL;
	skip_ws(jp);
	if (jp->p < jp->end) {
		jfail(jp, jp->line, "malformed JSON: more data after the end of the document");
		return NULL;
	}
	return v;
}

static const struct jv *jmember(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

static const char *jtname(const struct jv *v)
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

/* ---- loading ------------------------------------------------------------- */

struct loader {
	const char *file;
	struct err *e;
	struct dataset *ds;
	struct ftable *ft;
};

/* What a value is, for messages; formatted only when one is needed. */
enum wkind { W_TEXT, W_MACHINE, W_DEF_ON, W_DEF, W_DEFS_OF, W_RECORD, W_EXPS_OF, W_EXP };

struct what {
	enum wkind k;
	const char *a, *b;
	size_t n;
};

static const char *what_str(const struct what *w, char *buf, size_t size)
{
	switch (w->k) {
	case W_TEXT: snprintf(buf, size, "%s", w->a); break;
	case W_MACHINE: snprintf(buf, size, "machine %zu", w->n); break;
	case W_DEF_ON: snprintf(buf, size, "definition on '%s'", w->a); break;
	case W_DEF: snprintf(buf, size, "definition '%s' on '%s'", w->a, w->b); break;
	case W_DEFS_OF: snprintf(buf, size, "definitions of '%s'", w->a); break;
	case W_RECORD: snprintf(buf, size, "pool record %zu", w->n); break;
	case W_EXPS_OF: snprintf(buf, size, "expansions of '%s'", w->a); break;
	case W_EXP: snprintf(buf, size, "expansions of '%s' on '%s'", w->a, w->b); break;
	}
	return buf;
}

static bool want_w(struct loader *L, const struct jv *v, enum jt t, const struct what *w,
		   const char *key)
{
	static const char *const names[] = {"null", "a boolean", "a boolean", "a number",
					    "a string", "an array", "an object"};
	char buf[600];

	if (v->t == t || (t == J_TRUE && v->t == J_FALSE))
		return true;
	what_str(w, buf, sizeof(buf));
	if (key)
		return err_set(L->e, L->file, v->line, "%s \"%s\" is %s, not %s", buf, key,
			       jtname(v), names[t]);
	return err_set(L->e, L->file, v->line, "%s is %s, not %s", buf, jtname(v), names[t]);
}

static bool want(struct loader *L, const struct jv *v, enum jt t, const char *what)
{
	static const char *const names[] = {"null", "a boolean", "a boolean", "a number",
					    "a string", "an array", "an object"};

	if (v->t == t || (t == J_TRUE && v->t == J_FALSE))
		return true;
	return err_set(L->e, L->file, v->line, "%s is %s, not %s", what, jtname(v), names[t]);
}

/* Optional string member into *out (strdup). */
static bool get_str(struct loader *L, const struct jv *o, const char *key, char **out,
		    const struct what *w)
{
	const struct jv *v = jmember(o, key);

	if (!v)
		return true;
	if (!want_w(L, v, J_STR, w, key))
		return false;
	*out = xstrdup(v->s);
	return true;
}

static bool get_bool(struct loader *L, const struct jv *o, const char *key, bool *out,
		     const struct what *w)
{
	const struct jv *v = jmember(o, key);

	if (!v)
		return true;
	if (!want_w(L, v, J_TRUE, w, key))
		return false;
	*out = v->t == J_TRUE;
	return true;
}

static bool load_machines(struct loader *L, const struct jv *arr)
{
	struct machine *m = NULL;
	char buf[128];
	bool ok = false;

	if (!want(L, arr, J_ARR, "\"machines\""))
		return false;
	for (size_t i = 0; i < arr->n; i++) {
		const struct jv *o = arr->items[i];
		struct what wm = {W_MACHINE, NULL, NULL, i + 1}, *what = &wm;
		if (!want_w(L, o, J_OBJ, what, NULL))
			goto out;
		m = xcalloc(1, sizeof(*m));
		if (!get_str(L, o, "name", &m->name, what) || !get_str(L, o, "alias", &m->alias, what) ||
		    !get_bool(L, o, "is-default", &m->is_default, what) ||
		    !get_bool(L, o, "deprecated", &m->deprecated, what) ||
		    !get_str(L, o, "default-cpu-type", &m->default_cpu_type, what))
			goto out;
		if (!m->name) {
			err_set(L->e, L->file, o->line, "%s has no \"name\"",
				what_str(what, buf, sizeof(buf)));
			goto out;
		}
		vec_push(&L->ds->machines, m);
		m = NULL;
	}
	ok = true;
out:
	machine_free(m);
	return ok;
}

static bool load_def(struct loader *L, const struct jv *o, const char *machine, struct mdata *md)
{
	struct cpu_def *d = NULL;
	const struct jv *un;
	struct what w = {W_DEF_ON, machine, NULL, 0}, *what = &w;
	char buf[600];
	bool ok = false;

	if (!want_w(L, o, J_OBJ, what, NULL))
		return false;
	d = xcalloc(1, sizeof(*d));
	if (!get_str(L, o, "name", &d->name, what))
		goto out;
	if (!d->name) {
		err_set(L->e, L->file, o->line, "%s has no \"name\"", what_str(what, buf, sizeof(buf)));
		goto out;
	}
	w.k = W_DEF;
	w.a = d->name;
	w.b = machine;
	if (mdata_def(md, d->name)) {
		err_set(L->e, L->file, o->line, "%s appears twice", what_str(what, buf, sizeof(buf)));
		goto out;
	}
	if (!get_str(L, o, "typename", &d->type_name, what) ||
	    !get_str(L, o, "alias-of", &d->alias_of, what) ||
	    !get_bool(L, o, "static", &d->is_static, what) ||
	    !get_bool(L, o, "migration-safe", &d->migration_safe, what) ||
	    !get_bool(L, o, "deprecated", &d->deprecated, what))
		goto out;
	un = jmember(o, "unavailable-features");
	if (un) {
		if (!want_w(L, un, J_ARR, what, "unavailable-features"))
			goto out;
		d->unavail_known = true;
		d->unavail_names = xcalloc(un->n + 1, sizeof(*d->unavail_names));
		for (size_t k = 0; k < un->n; k++) {
			if (!want_w(L, un->items[k], J_STR, what, "unavailable-features item"))
				goto out;
			d->unavail_names[d->nunavail++] = xstrdup(un->items[k]->s);
			fset_add(&d->unavailable, ftable_intern(L->ft, un->items[k]->s));
		}
	}
	mdata_add_def(md, d);
	d = NULL;
	ok = true;
out:
	cpu_def_free(d);
	return ok;
}

static bool load_definitions(struct loader *L, const struct jv *defs)
{
	if (!want(L, defs, J_OBJ, "\"definitions\""))
		return false;
	for (size_t i = 0; i < defs->n; i++) {
		const char *machine = defs->keys[i];
		const struct jv *list = defs->items[i];
		struct mdata *md = dataset_mdata(L->ds, machine);
		struct what w = {W_DEFS_OF, machine, NULL, 0};

		if (md->defs_known)
			return err_set(L->e, L->file, list->line,
				       "definitions of machine type '%s' appear twice", machine);
		if (list->t == J_STR) {
			/* same list as an earlier machine type: share its records */
			const struct jv *ref = jmember(defs, list->s);
			const struct mdata *src = dataset_find_mdata(L->ds, list->s);
			if (!ref || ref->t != J_ARR || ref->line > list->line || !src ||
			    !src->defs_known)
				return err_set(L->e, L->file, list->line,
					       "definitions of '%s' refer to '%s', which has no list before it",
					       machine, list->s);
			for (size_t k = 0; k < src->defs.n; k++) {
				struct cpu_def *d = vec_get(&src->defs, k);
				d->extra_refs++;
				mdata_add_def(md, d);
			}
			md->defs_known = true;
			continue;
		}
		if (!want_w(L, list, J_ARR, &w, NULL))
			return false;
		for (size_t k = 0; k < list->n; k++)
			if (!load_def(L, list->items[k], machine, md))
				return false;
		md->defs_known = true;
	}
	return true;
}

static bool feature_list(struct loader *L, const struct jv *o, const char *key,
			 const struct what *w, const struct jv **out)
{
	char buf[64];

	*out = jmember(o, key);
	if (!*out)
		return true;
	if (!want_w(L, *out, J_ARR, w, key))
		return false;
	for (size_t i = 0; i < (*out)->n; i++) {
		const struct jv *v = (*out)->items[i];
		if (!want_w(L, v, J_STR, w, key))
			return false;
		/* "" is no feature: interned, each one would be a new one
		 * ("unset" also names props, and a prop may be called "") */
		if (!*v->s && strcmp(key, "unset") != 0)
			return err_set(L->e, L->file, v->line, "%s: an empty feature name in \"%s\"",
				       what_str(w, buf, sizeof(buf)), key);
	}
	return true;
}

static bool load_record(struct loader *L, const struct jv *o, size_t index)
{
	const struct jv *of = NULL, *on, *off, *unset, *props, *name;
	struct expansion *x = NULL;
	const struct expansion *b = NULL;
	struct what w = {W_RECORD, NULL, NULL, index}, *what = &w;
	char buf[64];
	bool ok = false;

	if (!want_w(L, o, J_OBJ, what, NULL))
		return false;
	if (!feature_list(L, o, "on", what, &on) || !feature_list(L, o, "off", what, &off) ||
	    !feature_list(L, o, "unset", what, &unset))
		return false;
	name = jmember(o, "name");
	if (name && !want_w(L, name, J_STR, what, "name"))
		return false;
	props = jmember(o, "props");
	if (props && !want_w(L, props, J_OBJ, what, "props"))
		return false;
	of = jmember(o, "of");
	if (of) {
		char *end = NULL;
		unsigned long r;
		if (!want_w(L, of, J_NUM, what, "of"))
			return false;
		errno = 0;
		r = strtoul(of->raw, &end, 10);
		if (errno || end != of->raw + of->rawlen || r >= index)
			return err_set(L->e, L->file, of->line,
				       "%s: \"of\" must be the index of an earlier record",
				       what_str(what, buf, sizeof(buf)));
		b = vec_get(&L->ds->expansions, r);
		x = expansion_new(name ? name->s : b->name);
		fset_copy(&x->on, &b->on);
		fset_copy(&x->known, &b->known);
		x->props_base = (int)r;
		for (size_t i = 0; unset && i < unset->n; i++) {
			const struct feature *f = ftable_lookup(L->ft, unset->items[i]->s);
			if (f && fset_has(&x->known, f->id)) {
				fset_del(&x->known, f->id);
				fset_del(&x->on, f->id);
			} else {
				expansion_set_prop(x, unset->items[i]->s, NULL);
			}
		}
	} else {
		if (!name) {
			err_set(L->e, L->file, o->line, "%s has neither \"name\" nor \"of\"",
				what_str(what, buf, sizeof(buf)));
			goto out;
		}
		if (unset && unset->n) {
			err_set(L->e, L->file, unset->line, "%s: \"unset\" without \"of\"",
				what_str(what, buf, sizeof(buf)));
			goto out;
		}
		x = expansion_new(name->s);
	}
	for (size_t i = 0; off && i < off->n; i++) {
		unsigned id = ftable_intern(L->ft, off->items[i]->s);
		fset_add(&x->known, id);
		fset_del(&x->on, id);
	}
	for (size_t i = 0; on && i < on->n; i++) {
		unsigned id = ftable_intern(L->ft, on->items[i]->s);
		fset_add(&x->known, id);
		fset_add(&x->on, id);
	}
	for (size_t i = 0; props && i < props->n; i++) {
		const struct jv *v = props->items[i];
		char *t = xstrndup(v->raw, v->rawlen);
		expansion_set_prop(x, props->keys[i], t);
		free(t);
	}
	x->ds = L->ds;
	if (!strmap_has(&L->ds->exp_root, x->name))
		strmap_put(&L->ds->exp_root, x->name, (void *)(uintptr_t)(index + 1));
	vec_push(&L->ds->expansions, x);
	x = NULL;
	ok = true;
out:
	expansion_free(x);
	return ok;
}

static bool pool_ref(struct loader *L, const struct jv *o, const char *key, int *out,
		     const char *machine, const char *model)
{
	const struct jv *v = jmember(o, key);
	char *end = NULL;
	unsigned long r;

	*out = -1;
	if (!v)
		return true;
	if (v->t == J_NUM) {
		errno = 0;
		r = strtoul(v->raw, &end, 10);
		if (!errno && end == v->raw + v->rawlen && r < L->ds->expansions.n) {
			*out = (int)r;
			return true;
		}
	}
	return err_set(L->e, L->file, v->line,
		       "expansion \"%s\" of '%s' on '%s' is not a pool index (0..%zu)", key, model,
		       machine, L->ds->expansions.n ? L->ds->expansions.n - 1 : 0);
}

static bool load_expansions(struct loader *L, const struct jv *exps)
{
	if (!want(L, exps, J_OBJ, "\"expansions\""))
		return false;
	for (size_t i = 0; i < exps->n; i++) {
		const struct jv *models = exps->items[i];
		struct mdata *md = dataset_mdata(L->ds, exps->keys[i]);
		struct what w = {W_EXPS_OF, exps->keys[i], NULL, 0};

		if (models->t == J_STR) {
			/* the same as an earlier machine type's */
			const struct jv *ref = jmember(exps, models->s);
			const struct mdata *src = dataset_find_mdata(L->ds, models->s);
			if (!ref || ref->t != J_OBJ || ref->line > models->line || !src)
				return err_set(L->e, L->file, models->line,
					       "expansions of '%s' refer to '%s', which has none before it",
					       exps->keys[i], models->s);
			for (size_t k = 0; k < src->exp_by_model.cap; k++) {
				const struct model_exp *me;
				if (!src->exp_by_model.keys || !src->exp_by_model.keys[k])
					continue;
				me = src->exp_by_model.vals[k];
				mdata_set_expansion(md, src->exp_by_model.keys[k], me->full, me->stat);
			}
			continue;
		}
		if (!want_w(L, models, J_OBJ, &w, NULL))
			return false;
		for (size_t k = 0; k < models->n; k++) {
			const struct jv *r = models->items[k];
			int full, stat;
			struct what we = {W_EXP, models->keys[k], exps->keys[i], 0};
			if (!want_w(L, r, J_OBJ, &we, NULL) ||
			    !pool_ref(L, r, "full", &full, exps->keys[i], models->keys[k]) ||
			    !pool_ref(L, r, "static", &stat, exps->keys[i], models->keys[k]))
				return false;
			mdata_set_expansion(md, models->keys[k], full, stat);
		}
	}
	return true;
}

/* Check "format" and "qemu".arch; fills *arch. */
static bool check_header(struct loader *L, const struct jv *root, enum arch *arch)
{
	const struct jv *fmt = jmember(root, "format"), *q = jmember(root, "qemu"), *a;

	if (root->t != J_OBJ)
		return err_set(L->e, L->file, root->line,
			       "not a cpuscope snapshot (expected a JSON object, found %s)",
			       jtname(root));
	if (!fmt)
		return err_set(L->e, L->file, root->line, "not a cpuscope snapshot (no \"format\")");
	if (fmt->t != J_STR || strcmp(fmt->s, SNAPSHOT_FORMAT) != 0)
		return err_set(L->e, L->file, fmt->line,
			       "unsupported snapshot format %.*s (expected \"%s\")",
			       (int)(fmt->rawlen > 80 ? 80 : fmt->rawlen), fmt->raw, SNAPSHOT_FORMAT);
	if (!q)
		return err_set(L->e, L->file, root->line, "snapshot without \"qemu\"");
	if (!want(L, q, J_OBJ, "\"qemu\""))
		return false;
	a = jmember(q, "arch");
	if (!a)
		return err_set(L->e, L->file, q->line, "snapshot without \"qemu\".\"arch\"");
	if (!want(L, a, J_STR, "\"qemu\".\"arch\""))
		return false;
	if (!arch_parse(a->s, arch))
		return err_set(L->e, L->file, a->line, "unknown arch '%s'", a->s);
	return true;
}

struct dataset *snapshot_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			       struct err *e)
{
	struct jparser jp = {0};
	struct loader L = {0};
	struct dataset *ds = NULL;
	const struct jv *root, *v;
	const struct what wq = {W_TEXT, "\"qemu\"", NULL, 0}, ws = {W_TEXT, "snapshot", NULL, 0};
	enum arch arch;
	bool ok = false;

	jparser_init(&jp, file ? file : "<string>", text, len, e);
	L.file = jp.file;
	L.e = e;
	L.ft = ft;
	root = json_parse(&jp);
	if (!root || !check_header(&L, root, &arch))
		goto out;
	if (arch != ft->arch) {
		err_set(e, L.file, jmember(jmember(root, "qemu"), "arch")->line,
			"this snapshot is for %s, but the %s feature table was given",
			arch_name(arch), arch_name(ft->arch));
		goto out;
	}
	ds = dataset_new(arch, ft);
	L.ds = ds;
	ds->source = xstrdup(L.file);
	v = jmember(root, "qemu");
	if (!get_str(&L, v, "version", &ds->qemu_version, &wq) ||
	    !get_str(&L, v, "package", &ds->qemu_package, &wq) ||
	    !get_str(&L, v, "binary", &ds->binary, &wq) ||
	    !get_str(&L, v, "accel", &ds->accel, &wq) ||
	    !get_str(&L, root, "captured", &ds->captured, &ws))
		goto out;
	if ((v = jmember(root, "machines")) && !load_machines(&L, v))
		goto out;
	if ((v = jmember(root, "definitions")) && !load_definitions(&L, v))
		goto out;
	if ((v = jmember(root, "pool"))) {
		if (!want(&L, v, J_ARR, "\"pool\""))
			goto out;
		for (size_t i = 0; i < v->n; i++)
			if (!load_record(&L, v->items[i], i))
				goto out;
	}
	if ((v = jmember(root, "expansions")) && !load_expansions(&L, v))
		goto out;
	if ((v = jmember(root, "missing"))) {
		if (!want(&L, v, J_ARR, "\"missing\""))
			goto out;
		for (size_t i = 0; i < v->n; i++) {
			if (!want(&L, v->items[i], J_STR, "\"missing\" item"))
				goto out;
			vec_push(&ds->missing, xstrdup(v->items[i]->s));
		}
	}
	ok = true;
out:
	jparser_fini(&jp);
	if (!ok) {
		dataset_free(ds);
		ds = NULL;
	}
	return ds;
}

/* A regular file in one read (read_file_limited for anything else). */
static bool slurp(const char *path, char **out, size_t *len, struct err *e)
{
	struct stat st;
	ssize_t r = 0;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > FILE_LIMIT_DEFAULT) {
		if (fd >= 0)
			close(fd);
		return read_file_limited(path, FILE_LIMIT_DEFAULT, out, len, e);
	}
	*out = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size &&
	       ((r = read(fd, *out + n, (size_t)st.st_size - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	close(fd);
	if (r < 0) {
		free(*out);
		*out = NULL;
		return err_set(e, path, 0, "read error: %s", strerror(errno));
	}
	(*out)[n] = '\0';
	*len = n;
	return true;
}

struct dataset *snapshot_load(const char *path, struct ftable *ft, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct dataset *ds;

	if (!slurp(path, &text, &len, e))
		return NULL;
	ds = snapshot_parse(path, text, len, ft, e);
	free(text);
	return ds;
}

/* The header ("format", "qemu") comes first in files cpuscope writes: try
 * the first 64 KiB as a document cut short, then the whole file. */
bool snapshot_arch(const char *path, enum arch *out, struct err *e)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0;
	bool ok = false;
	struct loader L = {0};
	struct jparser jp = {0};

	L.file = path;
	L.e = e;
	f = fopen(path, "rb");
	if (!f)
		return err_set(e, path, 0, "cannot open: %s", strerror(errno));
	text = xmalloc(65536);
	len = fread(text, 1, 65536, f);
	fclose(f);
	jparser_init(&jp, path, text, len, e);
	skip_ws(&jp);
	if (jp.p < jp.end && *jp.p == '{') {
		/* read members until "qemu" */
		const struct jv *fmt = NULL, *q = NULL;
		jp.p++;
		while (!jp.failed && !q) {
			const char *key;
			size_t klen;
			struct jv *v;
			skip_ws(&jp);
			if (jp.p >= jp.end || *jp.p != '"')
				break;
			key = parse_string(&jp, &klen);
			skip_ws(&jp);
			if (!key || jp.p >= jp.end || *jp.p != ':')
				break;
			jp.p++;
			v = parse_value(&jp, 1);
			if (!v)
				break;
			if (strcmp(key, "format") == 0)
				fmt = v;
			else if (strcmp(key, "qemu") == 0)
				q = v;
			skip_ws(&jp);
			if (jp.p < jp.end && *jp.p == ',')
				jp.p++;
		}
		if (fmt && q) {
			struct jv root = {.t = J_OBJ, .line = 1, .n = 2};
			struct jv *items[2] = {(struct jv *)(uintptr_t)fmt, (struct jv *)(uintptr_t)q};
			const char *keys[2] = {"format", "qemu"};
			root.items = items;
			root.keys = keys;
			ok = check_header(&L, &root, out);
			goto out;
		}
	}
	/* not in the usual place: read it all */
	jparser_fini(&jp);
	memset(&jp, 0, sizeof(jp));
	free(text);
	text = NULL;
	err_clear(e);
	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		goto out;
	jparser_init(&jp, path, text, len, e);
	{
		const struct jv *root = json_parse(&jp);
		ok = root && check_header(&L, root, out);
	}
out:
	jparser_fini(&jp);
	free(text);
	return ok;
}

/* ---- writing ------------------------------------------------------------- */

static void put_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*p);
		} else if (*p < 0x20) {
			sb_addf(sb, "\\u%04x", *p);
		} else {
			sb_addc(sb, (char)*p);
		}
	}
	sb_addc(sb, '"');
}

static void put_key(struct strbuf *sb, bool *first, const char *key)
{
	if (!*first)
		sb_add(sb, ", ");
	*first = false;
	put_str(sb, key);
	sb_add(sb, ": ");
}

/* Open md's entry of a per-machine object; an earlier machine with the
 * same data (same) stands in by name, and then the entry is complete:
 * returns true. */
static bool put_machine_entry(struct strbuf *sb, bool *first, const struct mdata *md,
			      const struct mdata *same)
{
	sb_add(sb, *first ? "\n" : ",\n");
	*first = false;
	put_str(sb, md->machine);
	sb_add(sb, ": ");
	if (!same)
		return false;
	put_str(sb, same->machine);
	return true;
}

static void put_opt_str(struct strbuf *sb, bool *first, const char *key, const char *val)
{
	if (!val)
		return;
	put_key(sb, first, key);
	put_str(sb, val);
}

static void put_def(struct strbuf *sb, const struct cpu_def *d)
{
	bool first = true;

	sb_addc(sb, '{');
	put_opt_str(sb, &first, "name", d->name);
	put_opt_str(sb, &first, "typename", d->type_name);
	if (d->unavail_known) {
		put_key(sb, &first, "unavailable-features");
		sb_addc(sb, '[');
		for (size_t i = 0; i < d->nunavail; i++) {
			if (i)
				sb_add(sb, ", ");
			put_str(sb, d->unavail_names[i]);
		}
		sb_addc(sb, ']');
	}
	put_opt_str(sb, &first, "alias-of", d->alias_of);
	put_key(sb, &first, "static");
	sb_add(sb, d->is_static ? "true" : "false");
	put_key(sb, &first, "migration-safe");
	sb_add(sb, d->migration_safe ? "true" : "false");
	put_key(sb, &first, "deprecated");
	sb_add(sb, d->deprecated ? "true" : "false");
	sb_addc(sb, '}');
}

static bool defs_equal(const struct mdata *a, const struct mdata *b)
{
	if (a->defs.n != b->defs.n)
		return false;
	for (size_t i = 0; i < a->defs.n; i++) {
		const struct cpu_def *x = vec_get(&a->defs, i), *y = vec_get(&b->defs, i);
		if (!str_eq(x->name, y->name) || !str_eq(x->type_name, y->type_name) ||
		    !str_eq(x->alias_of, y->alias_of) || x->is_static != y->is_static ||
		    x->migration_safe != y->migration_safe || x->deprecated != y->deprecated ||
		    x->unavail_known != y->unavail_known || x->nunavail != y->nunavail)
			return false;
		for (size_t k = 0; k < x->nunavail; k++)
			if (strcmp(x->unavail_names[k], y->unavail_names[k]) != 0)
				return false;
	}
	return true;
}

/* Per pool entry, while writing. */
struct wrec {
	bool used;
	int out;         /* index in the written pool */
	int base;        /* pool index of the delta base, -1: full */
	int depth;       /* chain length */
	char *family;    /* "full:MODEL" / "static:MODEL" of its first use */
	struct vec props; /* effective props */
};

struct wfam {
	int first, last; /* pool indices */
};

/* Delta size of x against b (items), or the full size when b is NULL.
 * SIZE_MAX when no delta can say it: "unset" names a feature the reader
 * knows before a prop, so a prop x lacks cannot be unset while x keeps the
 * feature of that name (only a hand-made snapshot has both). */
static size_t delta_cost(const struct ftable *ft, const struct expansion *x, const struct vec *xp,
			 const struct expansion *b, const struct vec *bp)
{
	struct fset t = FSET_INIT;
	size_t n = 0, i = 0, j = 0;

	if (!b)
		return fset_count(&x->known) + xp->n;
	/* on: x.on - b.on; off: (x.known - x.on) - (b.known - b.on); unset: b.known - x.known */
	fset_copy(&t, &x->on);
	fset_andnot(&t, &b->on);
	n += fset_count(&t);
	fset_copy(&t, &x->known);
	fset_andnot(&t, &x->on);
	{
		struct fset boff = FSET_INIT;
		fset_copy(&boff, &b->known);
		fset_andnot(&boff, &b->on);
		fset_andnot(&t, &boff);
		fset_fini(&boff);
	}
	n += fset_count(&t);
	fset_copy(&t, &b->known);
	fset_andnot(&t, &x->known);
	n += fset_count(&t);
	fset_fini(&t);
	while (i < xp->n || j < bp->n) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = j < bp->n ? vec_get(bp, j) : NULL;
		int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
		if (c > 0) {
			const struct feature *f = ftable_lookup(ft, pj->name);
			if (f && fset_has(&b->known, f->id) && fset_has(&x->known, f->id))
				return SIZE_MAX;
		}
		if (c != 0 || strcmp(pi->json, pj->json) != 0)
			n++;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (strcmp(x->name, b->name) != 0)
		n++;
	return n;
}

static void put_names(struct strbuf *sb, bool *first, const char *key, const struct fset *s,
		      const struct ftable *ft, bool always)
{
	bool any = false;

	if (!always && fset_empty(s))
		return;
	put_key(sb, first, key);
	sb_addc(sb, '[');
	for (int i = fset_next(s, 0); i >= 0; i = fset_next(s, (unsigned)i + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)i);
		if (!f)
			continue;
		if (any)
			sb_add(sb, ", ");
		any = true;
		put_str(sb, f->name);
	}
	sb_addc(sb, ']');
}

static void put_record(struct strbuf *sb, const struct dataset *ds, const struct expansion *x,
		       const struct vec *xp, const struct expansion *b, const struct vec *bp,
		       int bout)
{
	struct fset on = FSET_INIT, off = FSET_INIT, unset = FSET_INIT, t = FSET_INIT;
	struct strbuf ul = STRBUF_INIT;
	bool first = true, pfirst = true;
	size_t i = 0, j = 0;

	sb_addc(sb, '{');
	if (b) {
		put_key(sb, &first, "of");
		sb_addf(sb, "%d", bout);
		if (strcmp(x->name, b->name) != 0)
			put_opt_str(sb, &first, "name", x->name);
	} else {
		put_opt_str(sb, &first, "name", x->name);
	}
	fset_copy(&on, &x->on);
	fset_copy(&off, &x->known);
	fset_andnot(&off, &x->on);
	if (b) {
		fset_andnot(&on, &b->on);
		fset_copy(&t, &b->known);
		fset_andnot(&t, &b->on);
		fset_andnot(&off, &t);
		fset_copy(&unset, &b->known);
		fset_andnot(&unset, &x->known);
	}
	put_names(sb, &first, "on", &on, ds->ft, !b);
	put_names(sb, &first, "off", &off, ds->ft, !b);
	/* props (changed or new) */
	while (i < xp->n || (b && j < bp->n)) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = b && j < bp->n ? vec_get(bp, j) : NULL;
		int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
		if (c < 0 || (c == 0 && strcmp(pi->json, pj->json) != 0)) {
			if (pfirst)
				put_key(sb, &first, "props");
			sb_add(sb, pfirst ? "{" : ", ");
			pfirst = false;
			put_str(sb, pi->name);
			sb_add(sb, ": ");
			sb_add(sb, pi->json);
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (pfirst && !b) {
		put_key(sb, &first, "props");
		sb_addc(sb, '{');
	}
	if (!pfirst || !b)
		sb_addc(sb, '}');
	/* unset: features, then props only in b */
	for (int f = fset_next(&unset, 0); f >= 0; f = fset_next(&unset, (unsigned)f + 1)) {
		sb_add(&ul, ul.len ? ", " : "");
		put_str(&ul, ftable_get(ds->ft, (unsigned)f)->name);
	}
	for (i = 0, j = 0; b && j < bp->n;) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = vec_get(bp, j);
		int c = !pi ? 1 : strcmp(pi->name, pj->name);
		if (c > 0) {
			sb_add(&ul, ul.len ? ", " : "");
			put_str(&ul, pj->name);
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (ul.len) {
		put_key(sb, &first, "unset");
		sb_addc(sb, '[');
		sb_add(sb, sb_str(&ul));
		sb_addc(sb, ']');
	}
	sb_fini(&ul);
	sb_addc(sb, '}');
	fset_fini(&on);
	fset_fini(&off);
	fset_fini(&unset);
	fset_fini(&t);
}

static int model_cmp(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Model names with expansions on md: definition order, then the rest sorted. */
static void expansion_models(const struct mdata *md, struct vec *out)
{
	size_t first;

	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&md->defs, i);
		if (strmap_has(&md->exp_by_model, d->name))
			vec_push(out, d->name);
	}
	first = out->n;
	for (size_t i = 0; i < md->exp_by_model.cap; i++) {
		const char *k = md->exp_by_model.keys ? md->exp_by_model.keys[i] : NULL;
		if (k && !strmap_has(&md->def_by_name, k))
			vec_push(out, md->exp_by_model.keys[i]);
	}
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v), model_cmp);
}

/* Same models with the same pool entries (records never start at -1 in
 * one and not the other). */
static bool exp_maps_equal(const struct mdata *a, const struct mdata *b)
{
	if (a->exp_by_model.n != b->exp_by_model.n)
		return false;
	for (size_t i = 0; i < a->exp_by_model.cap; i++) {
		const struct model_exp *x, *y;
		if (!a->exp_by_model.keys || !a->exp_by_model.keys[i])
			continue;
		x = a->exp_by_model.vals[i];
		y = strmap_get(&b->exp_by_model, a->exp_by_model.keys[i]);
		if (!y || x->full != y->full || x->stat != y->stat)
			return false;
	}
	return true;
}

static void wrec_use(struct wrec *w, int idx, const char *family)
{
	if (idx < 0 || w[idx].used)
		return;
	w[idx].used = true;
	w[idx].family = xstrdup(family);
}

char *snapshot_to_json(const struct dataset *ds)
{
	struct strbuf sb = STRBUF_INIT;
	size_t np = ds->expansions.n;
	struct wrec *w = xcalloc(np + 1, sizeof(*w));
	struct strmap fams = STRMAP_INIT;
	struct vec famv = VEC_INIT, models = VEC_INIT;
	bool first = true;
	int nout = 0, last_kind[2] = {-1, -1};

	sb_add(&sb, "{\"format\": \"" SNAPSHOT_FORMAT "\",\n\"qemu\": {");
	put_opt_str(&sb, &first, "version", ds->qemu_version);
	put_opt_str(&sb, &first, "package", ds->qemu_package);
	put_opt_str(&sb, &first, "binary", ds->binary);
	put_opt_str(&sb, &first, "arch", arch_name(ds->arch));
	put_opt_str(&sb, &first, "accel", ds->accel);
	sb_add(&sb, "},\n");
	if (ds->captured) {
		sb_add(&sb, "\"captured\": ");
		put_str(&sb, ds->captured);
		sb_add(&sb, ",\n");
	}
	sb_add(&sb, "\"machines\": [");
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *m = vec_get(&ds->machines, i);
		first = true;
		sb_add(&sb, i ? ",\n{" : "\n{");
		put_opt_str(&sb, &first, "name", m->name);
		put_opt_str(&sb, &first, "alias", m->alias);
		if (m->is_default) {
			put_key(&sb, &first, "is-default");
			sb_add(&sb, "true");
		}
		if (m->deprecated) {
			put_key(&sb, &first, "deprecated");
			sb_add(&sb, "true");
		}
		put_opt_str(&sb, &first, "default-cpu-type", m->default_cpu_type);
		sb_addc(&sb, '}');
	}
	sb_add(&sb, "],\n\"definitions\": {");
	first = true;
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		const struct mdata *same = NULL;
		if (!md->defs_known)
			continue;
		for (size_t k = 0; k < i && !same; k++) {
			const struct mdata *o = vec_get(&ds->mdatas, k);
			if (o->defs_known && defs_equal(o, md))
				same = o;
		}
		if (put_machine_entry(&sb, &first, md, same))
			continue;
		sb_addc(&sb, '[');
		for (size_t k = 0; k < md->defs.n; k++) {
			sb_add(&sb, k ? ",\n" : "\n");
			put_def(&sb, vec_get(&md->defs, k));
		}
		sb_addc(&sb, ']');
	}
	sb_add(&sb, "},\n");

	/* families: which model each pool entry first serves */
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		models.n = 0;
		expansion_models(md, &models);
		for (size_t k = 0; k < models.n; k++) {
			const char *name = vec_get(&models, k);
			const struct model_exp *me = strmap_get(&md->exp_by_model, name);
			char fam[300];
			if (me->full >= 0 && (size_t)me->full < np) {
				snprintf(fam, sizeof(fam), "full:%s", name);
				wrec_use(w, me->full, fam);
			}
			if (me->stat >= 0 && (size_t)me->stat < np) {
				snprintf(fam, sizeof(fam), "static:%s", name);
				wrec_use(w, me->stat, fam);
			}
		}
	}
	/* choose bases, in pool order (bases come before their deltas) */
	sb_add(&sb, "\"pool\": [");
	for (size_t i = 0; i < np; i++) {
		const struct expansion *x = vec_get(&ds->expansions, i);
		struct wfam *f;
		int cand[3], best = -1, kind;
		size_t best_cost;

		if (!w[i].used)
			continue;
		expansion_props_all(x, &w[i].props);
		best_cost = delta_cost(ds->ft, x, &w[i].props, NULL, NULL);
		f = strmap_get(&fams, w[i].family);
		kind = str_startswith(w[i].family, "full:") ? 0 : 1;
		cand[0] = f ? f->last : -1;
		cand[1] = f ? f->first : -1;
		cand[2] = last_kind[kind]; /* the previous model: often a relative */
		for (int c = 0; c < 3; c++) {
			size_t cost;
			if (cand[c] < 0 || w[cand[c]].depth >= SNAP_CHAIN_MAX)
				continue;
			cost = delta_cost(ds->ft, x, &w[i].props,
					  vec_get(&ds->expansions, (size_t)cand[c]), &w[cand[c]].props);
			if (cost < best_cost) {
				best_cost = cost;
				best = cand[c];
			}
		}
		w[i].base = best;
		w[i].depth = best >= 0 ? w[best].depth + 1 : 0;
		w[i].out = nout++;
		if (!f) {
			f = xmalloc(sizeof(*f));
			f->first = (int)i;
			strmap_put(&fams, w[i].family, f);
			vec_push(&famv, f);
		}
		f->last = (int)i;
		last_kind[kind] = (int)i;
		sb_add(&sb, w[i].out ? ",\n" : "\n");
		put_record(&sb, ds, x, &w[i].props,
			   best >= 0 ? vec_get(&ds->expansions, (size_t)best) : NULL,
			   best >= 0 ? &w[best].props : NULL, best >= 0 ? w[best].out : -1);
	}
	sb_add(&sb, "],\n\"expansions\": {");
	first = true;
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		const struct mdata *same = NULL;
		bool mfirst = true;
		models.n = 0;
		expansion_models(md, &models);
		if (!models.n)
			continue;
		for (size_t k = 0; k < i && !same; k++) {
			const struct mdata *o = vec_get(&ds->mdatas, k);
			if (o->exp_by_model.n && exp_maps_equal(o, md))
				same = o;
		}
		if (put_machine_entry(&sb, &first, md, same))
			continue;
		sb_addc(&sb, '{');
		for (size_t k = 0; k < models.n; k++) {
			const char *name = vec_get(&models, k);
			const struct model_exp *me = strmap_get(&md->exp_by_model, name);
			bool rfirst = true;
			sb_add(&sb, mfirst ? "\n" : ",\n");
			mfirst = false;
			put_str(&sb, name);
			sb_add(&sb, ": {");
			if (me->full >= 0 && (size_t)me->full < np) {
				put_key(&sb, &rfirst, "full");
				sb_addf(&sb, "%d", w[me->full].out);
			}
			if (me->stat >= 0 && (size_t)me->stat < np) {
				put_key(&sb, &rfirst, "static");
				sb_addf(&sb, "%d", w[me->stat].out);
			}
			sb_addc(&sb, '}');
		}
		sb_addc(&sb, '}');
	}
	sb_add(&sb, "}");
	if (ds->missing.n) {
		sb_add(&sb, ",\n\"missing\": [");
		for (size_t i = 0; i < ds->missing.n; i++) {
			if (i)
				sb_add(&sb, ", ");
			put_str(&sb, vec_get(&ds->missing, i));
		}
		sb_addc(&sb, ']');
	}
	sb_add(&sb, "}\n");

	for (size_t i = 0; i < np; i++) {
		free(w[i].family);
		vec_fini(&w[i].props, NULL);
	}
	free(w);
	strmap_fini(&fams);
	vec_fini(&famv, free);
	vec_fini(&models, NULL);
	return sb_take(&sb);
}

bool snapshot_write(const struct dataset *ds, const char *path, struct err *e)
{
	char *s = snapshot_to_json(ds);
	bool ok = write_file_atomic(path, s, strlen(s), e);

	free(s);
	return ok;
}
