/* qmp_json.c - reading QEMU's QMP replies with json-c.
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

/* "a number", "an array", ... for messages. */
static const char *jtype(const struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double:
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "a value";
}

static struct json_object *jget(const struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool jhas(const struct json_object *o, const char *key)
{
	return json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, NULL);
}

static char *json_text(struct json_object *o)
{
	return xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
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
 * the first such byte and *why says what it is. */
static size_t value_span(const char *s, size_t n, size_t *bad, const char **why)
{
	size_t i = 0;
	long depth = 0;
	bool in_str = false;

	*bad = SIZE_MAX;
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
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return n;
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
	tok = json_tokener_new_ex(QMP_MAX_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	for (;;) {
		struct json_object *o;
		enum json_tokener_error jerr;
		size_t used, span, bad;
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
		span = value_span(text + pos, len - pos, &bad, &why);
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
		line += count_lines(text + pos, used);
		pos += used;
		if (!o) {
			err_set(e, out->file, start, "expected a JSON object or array, found null");
			goto out;
		}
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

/* ---- readers ------------------------------------------------------------- */

/* Optional string member; false (error set) when present with another type. */
static bool opt_str(const struct json_object *o, const char *key, char **out, const char *file,
		    int line, const char *what, struct err *e)
{
	struct json_object *v = jget(o, key);

	*out = NULL;
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return err_set(e, file, line, "%s: \"%s\" is %s, not a string", what, key,
			       jtype(v));
	*out = xstrdup(json_object_get_string(v));
	return true;
}

static bool opt_bool(const struct json_object *o, const char *key, bool *out, const char *file,
		     int line, const char *what, struct err *e)
{
	struct json_object *v = jget(o, key);

	*out = false;
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_boolean))
		return err_set(e, file, line, "%s: \"%s\" is %s, not a boolean", what, key,
			       jtype(v));
	*out = json_object_get_boolean(v);
	return true;
}

static bool read_name(const struct json_object *o, char **out, const char *file, int line,
		      const char *what, struct err *e)
{
	if (!opt_str(o, "name", out, file, line, what, e))
		return false;
	if (!*out)
		return err_set(e, file, line, "%s: missing \"name\"", what);
	if (!**out) {
		free(*out);
		*out = NULL;
		return err_set(e, file, line, "%s: empty \"name\"", what);
	}
	return true;
}

bool qmp_read_definitions(const struct json_object *arr, const char *file, int line,
			  struct mdata *md, struct ftable *ft, struct err *e)
{
	struct cpu_def *d = NULL;
	char what[160];
	bool ok = false;

	if (!json_object_is_type(arr, json_type_array))
		return err_set(e, file, line, "query-cpu-definitions: expected an array, found %s",
			       jtype(arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *un;

		snprintf(what, sizeof(what), "query-cpu-definitions entry %zu", i + 1);
		if (!json_object_is_type(o, json_type_object)) {
			err_set(e, file, line, "%s: expected an object, found %s", what, jtype(o));
			goto out;
		}
		d = xcalloc(1, sizeof(*d));
		if (!read_name(o, &d->name, file, line, what, e))
			goto out;
		snprintf(what, sizeof(what), "query-cpu-definitions entry %zu ('%s')", i + 1,
			 d->name);
		if (mdata_def(md, d->name)) {
			err_set(e, file, line, "%s: defined twice", what);
			goto out;
		}
		if (!opt_str(o, "typename", &d->type_name, file, line, what, e) ||
		    !opt_str(o, "alias-of", &d->alias_of, file, line, what, e) ||
		    !opt_bool(o, "static", &d->is_static, file, line, what, e) ||
		    !opt_bool(o, "migration-safe", &d->migration_safe, file, line, what, e) ||
		    !opt_bool(o, "deprecated", &d->deprecated, file, line, what, e))
			goto out;
		un = jget(o, "unavailable-features");
		if (un && !json_object_is_type(un, json_type_array)) {
			err_set(e, file, line, "%s: \"unavailable-features\" is %s, not an array",
				what, jtype(un));
			goto out;
		}
		if (un) {
			size_t n = json_object_array_length(un);
			d->unavail_known = true;
			d->unavail_names = xcalloc(n + 1, sizeof(*d->unavail_names));
			for (size_t k = 0; k < n; k++) {
				struct json_object *f = json_object_array_get_idx(un, k);
				if (!json_object_is_type(f, json_type_string)) {
					err_set(e, file, line,
						"%s: \"unavailable-features\" item %zu is %s, not a string",
						what, k + 1, jtype(f));
					goto out;
				}
				d->unavail_names[d->nunavail++] = xstrdup(json_object_get_string(f));
				fset_add(&d->unavailable,
					 ftable_intern(ft, json_object_get_string(f)));
			}
		}
		mdata_add_def(md, d);
		d = NULL;
	}
	md->defs_known = true;
	ok = true;
out:
	cpu_def_free(d);
	return ok;
}

bool qmp_read_expansion(const struct json_object *ret, const char *file, int line,
			struct ftable *ft, struct expansion **out, struct err *e)
{
	const char *what = "query-cpu-model-expansion reply";
	struct json_object *model = jget(ret, "model"), *props, *name;
	struct expansion *x = NULL;

	*out = NULL;
	if (!json_object_is_type(ret, json_type_object))
		return err_set(e, file, line, "%s: expected an object, found %s", what, jtype(ret));
	if (!model)
		return err_set(e, file, line, "%s: missing \"model\"", what);
	if (!json_object_is_type(model, json_type_object))
		return err_set(e, file, line, "%s: \"model\" is %s, not an object", what,
			       jtype(model));
	name = jget(model, "name");
	if (!name)
		return err_set(e, file, line, "%s: missing \"model.name\"", what);
	if (!json_object_is_type(name, json_type_string))
		return err_set(e, file, line, "%s: \"model.name\" is %s, not a string", what,
			       jtype(name));
	props = jget(model, "props");
	if (props && !json_object_is_type(props, json_type_object))
		return err_set(e, file, line, "%s: \"model.props\" is %s, not an object", what,
			       jtype(props));
	x = expansion_new(json_object_get_string(name));
	if (props) {
		json_object_object_foreach(props, key, val) {
			const struct feature *f = NULL;
			if (json_object_is_type(val, json_type_boolean))
				f = ftable_lookup(ft, key);
			/* Only features of the built-in table: a name interned from
			 * input (e.g. "kvm" out of TCG's unavailable-features) must
			 * not turn the same prop into a feature in later replies. */
			if (f && (f->flags & FEAT_UNKNOWN))
				f = NULL;
			if (f) {
				fset_add(&x->known, f->id);
				if (json_object_get_boolean(val))
					fset_add(&x->on, f->id);
			} else {
				char *t = json_text(val);
				expansion_set_prop(x, key, t);
				free(t);
			}
		}
	}
	*out = x;
	return true;
}

bool qmp_read_machines(const struct json_object *arr, const char *file, int line,
		       struct vec *machines, struct err *e)
{
	struct machine *m = NULL;
	char what[160];
	bool ok = false;

	if (!json_object_is_type(arr, json_type_array))
		return err_set(e, file, line, "query-machines: expected an array, found %s",
			       jtype(arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		snprintf(what, sizeof(what), "query-machines entry %zu", i + 1);
		if (!json_object_is_type(o, json_type_object)) {
			err_set(e, file, line, "%s: expected an object, found %s", what, jtype(o));
			goto out;
		}
		m = xcalloc(1, sizeof(*m));
		if (!read_name(o, &m->name, file, line, what, e))
			goto out;
		snprintf(what, sizeof(what), "query-machines entry %zu ('%s')", i + 1, m->name);
		if (!opt_str(o, "alias", &m->alias, file, line, what, e) ||
		    !opt_bool(o, "is-default", &m->is_default, file, line, what, e) ||
		    !opt_bool(o, "deprecated", &m->deprecated, file, line, what, e) ||
		    !opt_str(o, "default-cpu-type", &m->default_cpu_type, file, line, what, e))
			goto out;
		vec_push(machines, m);
		m = NULL;
	}
	ok = true;
out:
	machine_free(m);
	return ok;
}

/* Which model and type an expansion reply is about. */
static void expansion_target(const struct qmp_item *it, const struct expansion *x,
			     const char **model, bool *full)
{
	struct json_object *a = it->args;
	struct json_object *type = jget(a, "type"), *name = jget(jget(a, "model"), "name");

	if (json_object_is_type(type, json_type_string) &&
	    json_object_is_type(name, json_type_string)) {
		*full = strcmp(json_object_get_string(type), "full") == 0;
		*model = json_object_get_string(name);
		return;
	}
	if (it->id && str_startswith(it->id, "full:") && it->id[5]) {
		*full = true;
		*model = it->id + 5;
		return;
	}
	if (it->id && str_startswith(it->id, "static:") && it->id[7]) {
		*full = false;
		*model = it->id + 7;
		return;
	}
	*full = strcmp(x->name, "base") != 0;
	*model = x->name;
}

bool qmp_parse_into_dataset(const char *file, const char *text, size_t len, const char *machine,
			    struct dataset *ds, struct err *e)
{
	struct qmp_doc doc;
	struct expansion *x = NULL;
	size_t used = 0;
	bool ok = false;

	if (!qmp_doc_parse(file, text, len, &doc, e))
		return false;
	if (doc.qemu_version && !ds->qemu_version)
		ds->qemu_version = xstrdup(doc.qemu_version);
	if (doc.qemu_package && !ds->qemu_package)
		ds->qemu_package = xstrdup(doc.qemu_package);
	for (size_t i = 0; i < doc.items.n; i++) {
		const struct qmp_item *it = vec_get(&doc.items, i);
		struct mdata *md;
		const char *model;
		bool full;
		int idx;

		switch (it->kind) {
		case QMP_DEFINITIONS:
			md = dataset_mdata(ds, machine);
			if (md->defs_known) {
				err_set(e, doc.file, it->line,
					"machine type '%s' already has CPU definitions; one "
					"query-cpu-definitions reply per machine type", machine);
				goto out;
			}
			if (!qmp_read_definitions(it->ret, doc.file, it->line, md, ds->ft, e))
				goto out;
			used++;
			break;
		case QMP_MACHINES:
			if (ds->machines.n == 0 &&
			    !qmp_read_machines(it->ret, doc.file, it->line, &ds->machines, e))
				goto out;
			used++;
			break;
		case QMP_EXPANSION:
			if (!qmp_read_expansion(it->ret, doc.file, it->line, ds->ft, &x, e))
				goto out;
			expansion_target(it, x, &model, &full);
			md = dataset_mdata(ds, machine);
			{
				char *m = xstrdup(model); /* model may point into x */
				idx = dataset_add_expansion(ds, x);
				x = NULL;
				mdata_set_expansion(md, m, full ? idx : -1, full ? -1 : idx);
				free(m);
			}
			used++;
			break;
		default:
			break;
		}
	}
	if (!used) {
		err_set(e, doc.file, 0,
			"no query-cpu-definitions, query-machines or query-cpu-model-expansion reply found");
		goto out;
	}
	if (!ds->source)
		ds->source = xstrdup(file);
	ok = true;
out:
	expansion_free(x);
	qmp_doc_fini(&doc);
	return ok;
}

bool qmp_load_into_dataset(const char *path, const char *machine, struct dataset *ds,
			   struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	bool ok;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return false;
	ok = qmp_parse_into_dataset(path, text, len, machine, ds, e);
	free(text);
	return ok;
}
