/* snapshot_read.c - reading cpuscope's snapshot of one QEMU binary (DESIGN §4).
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
 * Reading uses a small JSON parser of its own (snap_json.c) rather than
 * json-c: it is several times faster on a few MB and lets every error name
 * the line it is about.  Writing is in snapshot_write.c.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json_scan.h"
#include "read_rules.h"
#include "snap_json.h"
#include "text.h"

/* ---- loading ------------------------------------------------------------- */

struct loader {
	const char *file;
	struct err *e;
	struct dataset *ds;
	struct ftable *ft;
	struct intern_guard names; /* feature names this snapshot adds */
	size_t shared, max_shared; /* entries copied for "same as" references */
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

/* A string value under the name rule (text.h), labelled "model name",
 * "feature name", ...; free text when name is false. */
static bool check_str(struct loader *L, const char *label, bool name, const char *s, int line)
{
	return name ? name_check(label, s, strlen(s), L->file, line, L->e)
		    : text_check(label, s, strlen(s), L->file, line, L->e);
}

#define NAME(label) (label), true
#define TEXT(label) (label), false

/* Optional string member into *out (strdup), checked as label says. */
static bool get_str(struct loader *L, const struct jv *o, const char *key, char **out,
		    const struct what *w, const char *label, bool name)
{
	const struct jv *v = jmember(o, key);

	if (!v)
		return true;
	if (!want_w(L, v, J_STR, w, key) || !check_str(L, label, name, v->s, v->line))
		return false;
	*out = xstrdup(v->s);
	return true;
}

/* A machine type named by a key or a reference: the name rule, and at
 * most READ_MAX_MACHINES of them. */
static struct mdata *machine_of(struct loader *L, const char *machine, int line)
{
	if (!check_str(L, NAME("machine type name"), machine, line))
		return NULL;
	if (!dataset_find_mdata(L->ds, machine) && L->ds->mdatas.n >= READ_MAX_MACHINES) {
		err_set(L->e, L->file, line, "more than %d machine types", READ_MAX_MACHINES);
		return NULL;
	}
	return dataset_mdata(L->ds, machine);
}

/* Entries copied by a "same as '...'" reference, within the budget. */
static bool share(struct loader *L, size_t n, int line)
{
	L->shared += n;
	if (L->shared <= L->max_shared)
		return true;
	return err_set(L->e, L->file, line, "too many shared entries for a file of this size "
		       "(its references copy more than one entry per 64 bytes)");
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
	if (arr->n > READ_MAX_MACHINES)
		return err_set(L->e, L->file, arr->line, "more than %d machine types",
			       READ_MAX_MACHINES);
	for (size_t i = 0; i < arr->n; i++) {
		const struct jv *o = arr->items[i];
		struct what wm = {W_MACHINE, NULL, NULL, i + 1}, *what = &wm;
		if (!want_w(L, o, J_OBJ, what, NULL))
			goto out;
		m = xcalloc(1, sizeof(*m));
		if (!get_str(L, o, "name", &m->name, what, NAME("machine type name")) ||
		    !get_str(L, o, "alias", &m->alias, what, NAME("machine type alias")) ||
		    !get_bool(L, o, "is-default", &m->is_default, what) ||
		    !get_bool(L, o, "deprecated", &m->deprecated, what) ||
		    !get_str(L, o, "default-cpu-type", &m->default_cpu_type, what,
			     NAME("CPU type name")))
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
	if (!get_str(L, o, "name", &d->name, what, NAME("model name")))
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
	if (!get_str(L, o, "typename", &d->type_name, what, NAME("CPU type name")) ||
	    !get_str(L, o, "alias-of", &d->alias_of, what, NAME("model name")) ||
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
			unsigned id;
			if (!want_w(L, un->items[k], J_STR, what, "unavailable-features item") ||
			    !intern_feature(&L->names, un->items[k]->s, L->file, un->items[k]->line, &id,
					    L->e))
				goto out;
			d->unavail_names[d->nunavail++] = xstrdup(un->items[k]->s);
			fset_add(&d->unavailable, id);
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
		struct mdata *md = machine_of(L, machine, list->line);
		struct what w = {W_DEFS_OF, machine, NULL, 0};

		if (!md)
			return false;
		if (md->defs_known)
			return err_set(L->e, L->file, list->line,
				       "definitions of machine type '%s' appear twice", machine);
		if (list->t == J_STR) {
			/* same list as an earlier machine type: share its records */
			const struct jv *ref = jmember(defs, list->s);
			const struct mdata *src = dataset_find_mdata(L->ds, list->s);
			if (!check_str(L, NAME("machine type name"), list->s, list->line))
				return false;
			if (!ref || ref->t != J_ARR || ref->line > list->line || !src ||
			    !src->defs_known)
				return err_set(L->e, L->file, list->line,
					       "definitions of '%s' refer to '%s', which has no list before it",
					       machine, list->s);
			if (!share(L, src->defs.n, list->line))
				return false;
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
	*out = jmember(o, key);
	if (!*out)
		return true;
	if (!want_w(L, *out, J_ARR, w, key))
		return false;
	for (size_t i = 0; i < (*out)->n; i++) {
		const struct jv *v = (*out)->items[i];
		if (!want_w(L, v, J_STR, w, key) ||
		    !check_str(L, NAME(strcmp(key, "unset") ? "feature name" :
				       "feature or property name"), v->s, v->line))
			return false;
	}
	return true;
}

/* A props value: strings are free text, keys inside it names. */
static bool check_prop(struct loader *L, const struct jv *v)
{
	if (v->t == J_STR)
		return check_str(L, TEXT("property value"), v->s, v->line);
	for (size_t i = 0; (v->t == J_ARR || v->t == J_OBJ) && i < v->n; i++)
		if ((v->t == J_OBJ &&
		     !check_str(L, NAME("property name"), v->keys[i], v->items[i]->line)) ||
		    !check_prop(L, v->items[i]))
			return false;
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
	if (name && !check_str(L, NAME("model name"), name->s, name->line))
		return false;
	if (props && props->n > READ_MAX_PROPS)
		return err_set(L->e, L->file, props->line, "%s has more than %d properties",
			       what_str(what, buf, sizeof(buf)), READ_MAX_PROPS);
	for (size_t i = 0; props && i < props->n; i++) {
		const struct jv *v = props->items[i];
		char why[64];
		const char *fault = prop_number_fault(props->keys[i], v->raw, v->rawlen, L->ft->arch,
						      why, sizeof(why));
		if (fault)
			return err_set(L->e, L->file, v->line, "%s: property \"%s\" is %.*s, not %s",
				       what_str(what, buf, sizeof(buf)), props->keys[i],
				       (int)(v->rawlen > 40 ? 40 : v->rawlen), v->raw, fault);
		if (!check_str(L, NAME("property name"), props->keys[i], v->line) ||
		    !check_prop(L, v))
			return false;
	}
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
	/* QEMU's QOM property "kvm" (and "type") is no CPU feature: kept as a
	 * plain property, so it is never shown as one. */
	for (size_t i = 0; off && i < off->n; i++) {
		unsigned id;
		if (!intern_feature(&L->names, off->items[i]->s, L->file, off->items[i]->line, &id,
				    L->e))
			goto out;
		if (ftable_get(L->ft, id)->flags & FEAT_PSEUDO) {
			expansion_set_prop(x, off->items[i]->s, "false");
			continue;
		}
		fset_add(&x->known, id);
		fset_del(&x->on, id);
	}
	for (size_t i = 0; on && i < on->n; i++) {
		unsigned id;
		if (!intern_feature(&L->names, on->items[i]->s, L->file, on->items[i]->line, &id,
				    L->e))
			goto out;
		if (ftable_get(L->ft, id)->flags & FEAT_PSEUDO) {
			expansion_set_prop(x, on->items[i]->s, "true");
			continue;
		}
		fset_add(&x->known, id);
		fset_add(&x->on, id);
	}
	for (size_t i = 0; props && i < props->n; i++) {
		const struct jv *v = props->items[i];
		/* s390x: a boolean the feature table knows is a feature (older
		 * snapshots kept QEMU's groups msa2..msa8 here, before the table
		 * had them) */
		const struct feature *f =
			L->ft->arch == ARCH_S390X && (v->t == J_TRUE || v->t == J_FALSE) ?
			ftable_lookup(L->ft, props->keys[i]) : NULL;
		if (f && !(f->flags & (FEAT_UNKNOWN | FEAT_PSEUDO))) {
			fset_add(&x->known, f->id);
			if (v->t == J_TRUE)
				fset_add(&x->on, f->id);
			else
				fset_del(&x->on, f->id);
			continue;
		}
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
		struct mdata *md = machine_of(L, exps->keys[i], models->line);
		struct what w = {W_EXPS_OF, exps->keys[i], NULL, 0};

		if (!md)
			return false;
		if (models->t == J_STR) {
			/* the same as an earlier machine type's */
			const struct jv *ref = jmember(exps, models->s);
			const struct mdata *src = dataset_find_mdata(L->ds, models->s);
			if (!check_str(L, NAME("machine type name"), models->s, models->line))
				return false;
			if (!ref || ref->t != J_OBJ || ref->line > models->line || !src)
				return err_set(L->e, L->file, models->line,
					       "expansions of '%s' refer to '%s', which has none before it",
					       exps->keys[i], models->s);
			if (!share(L, src->exp_by_model.n, models->line))
				return false;
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
			if (!check_str(L, NAME("model name"), models->keys[k], r->line) ||
			    !want_w(L, r, J_OBJ, &we, NULL) ||
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
	intern_guard_init(&L.names, ft);
	/* ~100 bytes each: 1.5 x len + 6.5 MiB; the bundled x86_64 snapshot
	 * shares 12k entries, with room for 80k */
	L.max_shared = len / 64 + (1u << 16);
	if (!json_scan(L.file, text, len, &json_costs_snapshot, SNAP_MAX_DEPTH, NULL, e))
		goto out;
	root = jp_parse(&jp);
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
	if (!get_str(&L, v, "version", &ds->qemu_version, &wq, TEXT("QEMU version")) ||
	    !get_str(&L, v, "package", &ds->qemu_package, &wq, TEXT("QEMU package")) ||
	    !get_str(&L, v, "binary", &ds->binary, &wq, TEXT("QEMU binary")) ||
	    !get_str(&L, v, "accel", &ds->accel, &wq, NAME("accelerator")) ||
	    !get_str(&L, root, "captured", &ds->captured, &ws, TEXT("capture time")))
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
			if (!want(&L, v->items[i], J_STR, "\"missing\" item") ||
			    !check_str(&L, TEXT("\"missing\" item"), v->items[i]->s, v->items[i]->line))
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
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > FILE_LIMIT_DEFAULT) {
		if (fd >= 0)
			close(fd);
		return read_file_limited(path, FILE_LIMIT_DEFAULT, out, len, e);
	}
	*out = malloc((size_t)st.st_size + 1);
	if (!*out) {
		close(fd);
		return err_set(e, path, 0, "out of memory (reading %lld bytes)", (long long)st.st_size);
	}
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
	int fd;
	char *text = NULL;
	size_t len = 0;
	bool ok = false;
	struct loader L = {0};
	struct jparser jp = {0};

	L.file = path;
	L.e = e;
	fd = open_regular(path, e); /* refuses a FIFO instead of blocking on it */
	if (fd < 0)
		return false;
	f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return err_set(e, path, 0, "cannot open: %s", strerror(errno));
	}
	text = xmalloc(65536);
	len = fread(text, 1, 65536, f);
	fclose(f);
	jparser_init(&jp, path, text, len, e);
	jp_skip_ws(&jp);
	if (jp.p < jp.end && *jp.p == '{') {
		/* read members until "qemu" */
		const struct jv *fmt = NULL, *q = NULL;
		jp.p++;
		while (!jp.failed && !q) {
			const char *key;
			size_t klen;
			struct jv *v;
			jp_skip_ws(&jp);
			if (jp.p >= jp.end || *jp.p != '"')
				break;
			key = jp_string(&jp, &klen);
			jp_skip_ws(&jp);
			if (!key || jp.p >= jp.end || *jp.p != ':')
				break;
			jp.p++;
			v = jp_value(&jp, 1);
			if (!v)
				break;
			if ((strcmp(key, "format") == 0 && fmt) || (strcmp(key, "qemu") == 0 && q)) {
				err_set(e, path, v->line, "duplicate key \"%s\" (first on line %d)", key,
					(strcmp(key, "format") == 0 ? fmt : q)->line);
				goto out;
			}
			if (strcmp(key, "format") == 0)
				fmt = v;
			else if (strcmp(key, "qemu") == 0)
				q = v;
			jp_skip_ws(&jp);
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
	if (!json_scan(path, text, len, &json_costs_snapshot, SNAP_MAX_DEPTH, NULL, e))
		goto out;
	jparser_init(&jp, path, text, len, e);
	{
		const struct jv *root = jp_parse(&jp);
		ok = root && check_header(&L, root, out);
	}
out:
	jparser_fini(&jp);
	free(text);
	return ok;
}
