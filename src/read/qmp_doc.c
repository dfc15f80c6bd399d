/* qmp_doc.c - splitting QMP text into replies with json-c (qmp_doc_parse,
 * qmp_doc_load of qmp_json.h).
 *
 * The input is split into top-level JSON values with one json_tokener run
 * over the buffer; newlines are counted on the way so that every item and
 * every error knows its line.  The tokener is strict (no comments, no
 * single quotes, valid UTF-8) and refuses nesting deeper than
 * QMP_MAX_DEPTH.
 */
#include "qmp_json.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "json_scan.h"
#include "qmp_util.h"
#include "text.h"

struct qmp_cmd {
	char *id;      /* NULL: none */
	char *execute;
	struct json_object *args;
	bool answered;
};

static void qmp_cmd_free(void *p)
{
	struct qmp_cmd *c = p;

	if (!c)
		return;
	free(c->id);
	free(c->execute);
	json_object_put(c->args);
	free(c);
}

static void qmp_item_free(void *p)
{
	struct qmp_item *it = p;

	if (!it)
		return;
	json_object_put(it->ret);
	json_object_put(it->args);
	free(it->id);
	free(it->error_class);
	free(it->error_desc);
	free(it->command);
	free(it);
}

void qmp_doc_fini(struct qmp_doc *doc)
{
	if (!doc)
		return;
	free(doc->file);
	free(doc->qemu_version);
	free(doc->qemu_package);
	vec_fini(&doc->items, qmp_item_free);
	memset(doc, 0, sizeof(*doc));
}

/* The "id" member as text (a string's value, other JSON as text). */
static char *id_text(const struct json_object *o)
{
	struct json_object *id = jget(o, "id");

	if (!id)
		return NULL;
	if (json_object_is_type(id, json_type_string))
		return xstrdup(json_object_get_string(id));
	return json_text(id);
}

static int count_lines(const char *s, size_t n)
{
	int k = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Classify a return value by its shape (and its command, when known). */
static enum qmp_kind classify_return(const struct json_object *r, const char *command)
{
	struct json_object *first;

	if (json_object_is_type(r, json_type_object)) {
		if (json_object_object_length(r) == 0)
			return QMP_EMPTY;
		if (json_object_is_type(jget(r, "model"), json_type_object))
			return QMP_EXPANSION;
		return QMP_OTHER;
	}
	if (!json_object_is_type(r, json_type_array))
		return QMP_OTHER;
	if (str_eq(command, "query-cpu-definitions"))
		return QMP_DEFINITIONS;
	if (str_eq(command, "query-machines"))
		return QMP_MACHINES;
	if (json_object_array_length(r) == 0)
		return QMP_OTHER;
	first = json_object_array_get_idx(r, 0);
	if (jhas(first, "typename") || jhas(first, "migration-safe") ||
	    jhas(first, "unavailable-features") || jhas(first, "alias-of"))
		return QMP_DEFINITIONS;
	if (jhas(first, "cpu-max") || jhas(first, "hotpluggable-cpus") ||
	    jhas(first, "is-default") || jhas(first, "default-cpu-type"))
		return QMP_MACHINES;
	return QMP_OTHER;
}

/* The command a reply answers: by id, else the last unanswered one
 * without an id. */
static struct qmp_cmd *match_command(struct vec *cmds, const char *id)
{
	for (size_t i = cmds->n; i-- > 0;) {
		struct qmp_cmd *c = vec_get(cmds, i);
		if (c->answered)
			continue;
		if (id ? str_eq(c->id, id) : !c->id)
			return c;
	}
	return NULL;
}

static bool expect_kind(const struct qmp_item *it, const char *file, struct err *e)
{
	const char *want = NULL;
	bool ok = true;

	if (str_eq(it->command, "query-cpu-definitions") || str_eq(it->command, "query-machines")) {
		want = "an array";
		ok = json_object_is_type(it->ret, json_type_array);
	} else if (str_eq(it->command, "query-cpu-model-expansion")) {
		want = "an object with \"model\"";
		ok = it->kind == QMP_EXPANSION;
	}
	if (ok)
		return true;
	return err_set(e, file, it->line, "%s reply: \"return\" is %s, not %s", it->command,
		       jtype(it->ret), want);
}

static bool read_greeting(struct qmp_doc *doc, const struct json_object *g)
{
	struct json_object *ver = jget(jget(g, "QMP"), "version");
	struct json_object *q = jget(ver, "qemu");
	struct json_object *pkg = jget(ver, "package");

	if (json_object_is_type(jget(q, "major"), json_type_int) &&
	    json_object_is_type(jget(q, "minor"), json_type_int) &&
	    json_object_is_type(jget(q, "micro"), json_type_int) && !doc->qemu_version)
		doc->qemu_version = xasprintf("%lld.%lld.%lld",
					      (long long)json_object_get_int64(jget(q, "major")),
					      (long long)json_object_get_int64(jget(q, "minor")),
					      (long long)json_object_get_int64(jget(q, "micro")));
	if (json_object_is_type(pkg, json_type_string) && !doc->qemu_package)
		doc->qemu_package = xstrdup(json_object_get_string(pkg));
	return true;
}

/* The greeting's version numbers are integers from 0 to 65535 and its
 * package free text. */
static bool check_greeting(const struct qmp_doc *doc, const struct json_object *g, int line,
			   struct err *e)
{
	static const char *const parts[] = {"major", "minor", "micro"};
	struct json_object *ver = jget(jget(g, "QMP"), "version");
	struct json_object *q = jget(ver, "qemu"), *pkg = jget(ver, "package");

	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		struct json_object *v = jget(q, parts[i]);
		int64_t n = json_object_get_int64(v);
		if (v && (!json_object_is_type(v, json_type_int) || n < 0 || n > 65535))
			return err_set(e, doc->file, line,
				       "QMP greeting: \"%s\" is %.40s, not an integer from 0 to 65535",
				       parts[i], json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
	if (json_object_is_type(pkg, json_type_string))
		return check_text("QEMU package", pkg, doc->file, line, e);
	return true;
}

/* Take one top-level value (consumes the reference to o). */
static bool add_value(struct qmp_doc *doc, struct vec *cmds, struct json_object *o, int line,
		      struct err *e)
{
	struct qmp_item *it = NULL;
	struct qmp_cmd *cmd = NULL;
	bool ok = false;

	if (!json_object_is_type(o, json_type_object) && !json_object_is_type(o, json_type_array)) {
		err_set(e, doc->file, line, "expected a JSON object or array, found %s", jtype(o));
		goto out;
	}
	if (jhas(o, "execute") || jhas(o, "exec-oob")) {
		struct json_object *ex = jget(o, "execute") ? jget(o, "execute") : jget(o, "exec-oob");
		if (!json_object_is_type(ex, json_type_string)) {
			err_set(e, doc->file, line, "\"execute\" is %s, not a string", jtype(ex));
			goto out;
		}
		if (!check_name("QMP command", ex, doc->file, line, e))
			goto out;
		cmd = xcalloc(1, sizeof(*cmd));
		cmd->id = id_text(o);
		cmd->execute = xstrdup(json_object_get_string(ex));
		cmd->args = json_object_get(jget(o, "arguments"));
		vec_push(cmds, cmd);
		ok = true;
		goto out;
	}
	it = xcalloc(1, sizeof(*it));
	it->kind = QMP_OTHER;
	it->line = line;
	it->id = id_text(o);
	if (jhas(o, "QMP")) {
		it->kind = QMP_GREETING;
		it->ret = json_object_get(o);
		if (!check_greeting(doc, o, line, e))
			goto out;
		read_greeting(doc, o);
	} else if (jhas(o, "event")) {
		it->kind = QMP_EVENT;
		it->ret = json_object_get(o);
	} else if (jhas(o, "error")) {
		struct json_object *er = jget(o, "error");
		struct json_object *cls = jget(er, "class"), *desc = jget(er, "desc");
		if (!json_object_is_type(cls, json_type_string) ||
		    !json_object_is_type(desc, json_type_string)) {
			err_set(e, doc->file, line,
				"error reply without \"class\" and \"desc\" strings");
			goto out;
		}
		if (!check_name("QMP error class", cls, doc->file, line, e) ||
		    !check_text("QMP error description", desc, doc->file, line, e))
			goto out;
		it->kind = QMP_ERROR;
		it->error_class = xstrdup(json_object_get_string(cls));
		it->error_desc = xstrdup(json_object_get_string(desc));
	} else {
		bool reply = jhas(o, "return");
		it->ret = json_object_get(reply ? jget(o, "return") : o);
		if (!reply) {
			free(it->id); /* a bare return value has no id */
			it->id = NULL;
		}
	}
	if (it->kind != QMP_GREETING && it->kind != QMP_EVENT) {
		cmd = match_command(cmds, it->id);
		if (cmd) {
			cmd->answered = true;
			it->command = xstrdup(cmd->execute);
			it->args = json_object_get(cmd->args);
		}
		cmd = NULL;
	}
	if (it->kind != QMP_GREETING && it->kind != QMP_EVENT && it->kind != QMP_ERROR) {
		it->kind = classify_return(it->ret, it->command);
		if (!expect_kind(it, doc->file, e))
			goto out;
	}
	vec_push(&doc->items, it);
	it = NULL;
	ok = true;
out:
	qmp_item_free(it);
	json_object_put(o);
	return ok;
}

/* Length of the top-level value starting at s: up to its closing bracket
 * (strings and escapes skipped), or up to the next blank for a scalar.
 * Without a close, everything (json-c then says what is wrong).  The
 * strict tokener refuses anything after a value, so it gets exactly one.
 * It still lets single quotes and raw control characters in strings
 * through, which JSON (and QMP) never has: *bad is set to the offset of
 * the first such byte and *why says what it is.  *members gets the
 * number of object members in the value (its colons outside strings). */
static size_t value_span(const char *s, size_t n, size_t *bad, const char **why,
			 size_t *members)
{
	size_t i = 0;
	long depth = 0;
	bool in_str = false;

	*bad = SIZE_MAX;
	*members = 0;
	if (s[0] != '{' && s[0] != '[') {
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			i++;
		return i;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if ((unsigned char)c < 0x20) {
				*bad = i;
				*why = "control character in a string";
				return n;
			}
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '\'') {
			*bad = i;
			*why = "unexpected character";
			return n;
		} else if (c == ':') {
			(*members)++;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return n;
}

/* Object members in the tree: json-c keeps the last of two equal keys,
 * so fewer than in the text means a duplicate. */
static size_t tree_members(struct json_object *o)
{
	size_t n = 0;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + tree_members(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			n += tree_members(json_object_array_get_idx(o, i));
	}
	return n;
}

/* Finding the duplicate key in text json-c has already accepted (so it is
 * well-formed JSON): a walk that decodes keys with json-c. */
struct dupscan {
	const char *p, *end;
	int line;
	char *key; /* the duplicate, when found */
	int key_line, first_line;
};

static void dup_ws(struct dupscan *d)
{
	while (d->p < d->end && strchr(" \t\r\n", *d->p) && *d->p) {
		d->line += *d->p == '\n';
		d->p++;
	}
}

/* At a string: its decoded value (caller frees), d->p after it. */
static char *dup_string(struct dupscan *d)
{
	const char *q = d->p + 1;
	struct json_object *o;
	char *s, *raw;

	while (q < d->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	raw = xstrndup(d->p, (size_t)(q + 1 - d->p));
	o = json_tokener_parse(raw);
	free(raw);
	d->p = q + 1;
	s = xstrdup(o ? json_object_get_string(o) : "");
	json_object_put(o);
	return s;
}

static bool dup_value(struct dupscan *d);

static bool dup_container(struct dupscan *d)
{
	bool obj = *d->p == '{';
	struct strmap seen = STRMAP_INIT;
	bool ok = true;

	d->p++;
	for (;;) {
		dup_ws(d);
		if (d->p >= d->end || *d->p == '}' || *d->p == ']') {
			d->p++;
			break;
		}
		if (*d->p == ',') {
			d->p++;
			continue;
		}
		if (obj) {
			int line = d->line;
			char *k = dup_string(d);
			void *first = strmap_get(&seen, k);
			if (first) {
				d->key = k;
				d->key_line = line;
				d->first_line = (int)(intptr_t)first;
				ok = false;
				break;
			}
			strmap_put(&seen, k, (void *)(intptr_t)line);
			free(k);
			dup_ws(d);
			d->p++; /* ':' */
			dup_ws(d);
		}
		if (!dup_value(d)) {
			ok = false;
			break;
		}
	}
	strmap_fini(&seen);
	return ok;
}

static bool dup_value(struct dupscan *d)
{
	dup_ws(d);
	if (d->p >= d->end)
		return true;
	if (*d->p == '{' || *d->p == '[')
		return dup_container(d);
	if (*d->p == '"') {
		free(dup_string(d));
		return true;
	}
	while (d->p < d->end && !strchr(",]} \t\r\n", *d->p))
		d->p++;
	return true;
}

static bool refuse_duplicate(const char *file, const char *text, size_t n, int line,
			     struct err *e)
{
	struct dupscan d = {text, text + n, line, NULL, 0, 0};

	if (dup_value(&d) || !d.key)
		return err_set(e, file, line, "duplicate key in an object");
	err_set(e, file, d.key_line, "duplicate key \"%s\" (first on line %d)", d.key,
		d.first_line);
	free(d.key);
	return false;
}

static const char *tokener_message(enum json_tokener_error jerr, char *buf, size_t size)
{
	switch (jerr) {
	case json_tokener_error_depth:
		snprintf(buf, size, "nesting deeper than %d levels", QMP_MAX_DEPTH);
		return buf;
	case json_tokener_continue:
	case json_tokener_error_parse_eof:
		return "unexpected end of input";
	default:
		return json_tokener_error_desc(jerr);
	}
}

bool qmp_doc_parse(const char *file, const char *text, size_t len, struct qmp_doc *out,
		   struct err *e)
{
	struct json_tokener *tok = NULL;
	struct vec cmds = VEC_INIT;
	size_t pos = 0;
	int line = 1;
	bool ok = false;
	char buf[64];

	memset(out, 0, sizeof(*out));
	out->file = xstrdup(file ? file : "<string>");
	if (len > INT_MAX) {
		err_set(e, out->file, 0, "input too large (%zu bytes)", len);
		goto out;
	}
	if (!json_scan(out->file, text, len, &json_costs_jsonc, QMP_MAX_DEPTH, NULL, e))
		goto out;
	tok = json_tokener_new_ex(QMP_MAX_DEPTH);
	if (!tok) {
		err_set(e, out->file, 0, "out of memory reading the file");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	for (;;) {
		struct json_object *o;
		enum json_tokener_error jerr;
		size_t used, span, bad, members;
		const char *why = NULL;
		int start;

		while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r' ||
				     text[pos] == '\n'))
			if (text[pos++] == '\n')
				line++;
		if (pos >= len)
			break;
		start = line;
		json_tokener_reset(tok);
		span = value_span(text + pos, len - pos, &bad, &why, &members);
		if (bad != SIZE_MAX) {
			/* json-c may stop earlier on a real error: let it speak first */
			o = json_tokener_parse_ex(tok, text + pos, (int)bad);
			jerr = json_tokener_get_error(tok);
			json_object_put(o);
			if (jerr != json_tokener_continue && jerr != json_tokener_success) {
				err_set(e, out->file,
					start + count_lines(text + pos, json_tokener_get_parse_end(tok)),
					"malformed JSON: %s", tokener_message(jerr, buf, sizeof(buf)));
				goto out;
			}
			err_set(e, out->file, start + count_lines(text + pos, bad),
				"malformed JSON: %s", why);
			goto out;
		}
		o = json_tokener_parse_ex(tok, text + pos, (int)span);
		jerr = json_tokener_get_error(tok);
		used = json_tokener_get_parse_end(tok);
		if (jerr == json_tokener_continue) {
			/* a top-level scalar needs a delimiter to end */
			o = json_tokener_parse_ex(tok, " ", 1);
			jerr = json_tokener_get_error(tok);
			if (jerr == json_tokener_success)
				used = span;
		}
		if (jerr == json_tokener_continue) {
			/* the line of the last non-blank byte */
			size_t end = len;
			while (end > pos && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
					     text[end - 1] == '\r' || text[end - 1] == '\n'))
				end--;
			err_set(e, out->file, start + count_lines(text + pos, end - pos),
				"malformed JSON: %s", tokener_message(jerr, buf, sizeof(buf)));
			goto out;
		}
		if (jerr != json_tokener_success) {
			if (used > len - pos)
				used = len - pos;
			err_set(e, out->file, start + count_lines(text + pos, used),
				"malformed JSON: %s", tokener_message(jerr, buf, sizeof(buf)));
			goto out;
		}
		if (!o) {
			/* json-c returns NULL for null, and when malloc fails */
			if (used >= 4 && !memcmp(text + pos, "null", 4))
				err_set(e, out->file, start,
					"expected a JSON object or array, found null");
			else
				err_set(e, out->file, start, "out of memory");
			goto out;
		}
		if (tree_members(o) != members) {
			refuse_duplicate(out->file, text + pos, used, start, e);
			json_object_put(o);
			goto out;
		}
		line += count_lines(text + pos, used);
		pos += used;
		if (!add_value(out, &cmds, o, start, e))
			goto out;
	}
	if (out->items.n == 0 && cmds.n == 0) {
		err_set(e, out->file, 0, "no JSON in the input (empty file?)");
		goto out;
	}
	ok = true;
out:
	if (tok)
		json_tokener_free(tok);
	vec_fini(&cmds, qmp_cmd_free);
	if (!ok)
		qmp_doc_fini(out);
	return ok;
}

bool qmp_doc_load(const char *path, struct qmp_doc *out, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return false;
	ok = qmp_doc_parse(path, text, len, out, e);
	free(text);
	return ok;
}
