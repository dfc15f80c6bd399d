/* qmp_json.c - reading QEMU's QMP replies: query-cpu-definitions,
 * query-cpu-model-expansion, query-machines (qmp_json.h).  Splitting the
 * text into replies is in qmp_doc.c.
 */
#include "qmp_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "qmp_util.h"
#include "read_rules.h"
#include "text.h"

/* Optional string member, a name labelled label; false (error set) when
 * present with another type or refused by the name rule. */
static bool opt_str(const struct json_object *o, const char *key, char **out, const char *file,
		    int line, const char *what, const char *label, struct err *e)
{
	struct json_object *v = jget(o, key);

	*out = NULL;
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return err_set(e, file, line, "%s: \"%s\" is %s, not a string", what, key,
			       jtype(v));
	if (!check_name(label, v, file, line, e))
		return false;
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
		      const char *what, const char *label, struct err *e)
{
	struct json_object *v = jget(o, "name");

	*out = NULL;
	if (json_object_is_type(v, json_type_string) && json_object_get_string_len(v) == 0)
		return err_set(e, file, line, "%s: empty \"name\"", what);
	if (!opt_str(o, "name", out, file, line, what, label, e))
		return false;
	if (!*out)
		return err_set(e, file, line, "%s: missing \"name\"", what);
	return true;
}

bool qmp_read_definitions(const struct json_object *arr, const char *file, int line,
			  struct mdata *md, struct ftable *ft, struct err *e)
{
	struct cpu_def *d = NULL;
	struct intern_guard names;
	char what[160];
	bool ok = false;

	intern_guard_init(&names, ft);
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
		if (!read_name(o, &d->name, file, line, what, "model name", e))
			goto out;
		snprintf(what, sizeof(what), "query-cpu-definitions entry %zu ('%s')", i + 1,
			 d->name);
		if (mdata_def(md, d->name)) {
			err_set(e, file, line, "%s: defined twice", what);
			goto out;
		}
		if (!opt_str(o, "typename", &d->type_name, file, line, what, "CPU type name", e) ||
		    !opt_str(o, "alias-of", &d->alias_of, file, line, what, "model name", e) ||
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
				unsigned id;
				if (!json_object_is_type(f, json_type_string)) {
					err_set(e, file, line,
						"%s: \"unavailable-features\" item %zu is %s, not a string",
						what, k + 1, jtype(f));
					goto out;
				}
				if (!check_name("feature name", f, file, line, e) ||
				    !intern_feature(&names, json_object_get_string(f), file, line, &id, e))
					goto out;
				d->unavail_names[d->nunavail++] = xstrdup(json_object_get_string(f));
				fset_add(&d->unavailable, id);
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

/* A prop value: strings are free text, keys inside it names. */
static bool check_prop(struct json_object *v, const char *file, int line, struct err *e)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return check_text("property value", v, file, line, e);
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!check_prop(json_object_array_get_idx(v, i), file, line, e))
				return false;
		return true;
	case json_type_object: {
		json_object_object_foreach(v, k, val) {
			if (!name_check("property name", k, strlen(k), file, line, e) ||
			    !check_prop(val, file, line, e))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
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
	if (!check_name("model name", name, file, line, e))
		return false;
	props = jget(model, "props");
	if (props && !json_object_is_type(props, json_type_object))
		return err_set(e, file, line, "%s: \"model.props\" is %s, not an object", what,
			       jtype(props));
	if (props && json_object_object_length(props) > READ_MAX_PROPS)
		return err_set(e, file, line, "%s: more than %d properties", what, READ_MAX_PROPS);
	if (props) {
		json_object_object_foreach(props, key, val) {
			const char *text = json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN);
			char why[64];
			const char *fault = prop_number_fault(key, text, strlen(text), ft->arch, why,
							      sizeof(why));
			if (fault)
				return err_set(e, file, line, "%s: property \"%s\" is %.40s, not %s",
					       what, key, text, fault);
			if (!name_check("property name", key, strlen(key), file, line, e) ||
			    !check_prop(val, file, line, e))
				return false;
		}
	}
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
		if (!read_name(o, &m->name, file, line, what, "machine type name", e))
			goto out;
		snprintf(what, sizeof(what), "query-machines entry %zu ('%s')", i + 1, m->name);
		if (!opt_str(o, "alias", &m->alias, file, line, what, "machine type alias", e) ||
		    !opt_bool(o, "is-default", &m->is_default, file, line, what, e) ||
		    !opt_bool(o, "deprecated", &m->deprecated, file, line, what, e) ||
		    !opt_str(o, "default-cpu-type", &m->default_cpu_type, file, line, what,
			     "CPU type name", e))
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
			if (!name_check("model name", model, strlen(model), doc.file, it->line, e))
				goto out;
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
