/* replies.c - libvirt's QEMU capability captures (replies.h has the
 * rules).  The QMP stream is read by qmp_json.c; this file cuts it into
 * sessions and reads each the way libvirt's capability code does. */
#include "replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "err.h"
#include "qmp_json.h"
#include "vendor.h"

/* One QMP session of the capture: items [begin, end) of the document. */
struct rsession {
	size_t begin, end;
	int kvm;  /* query-kvm says KVM (1), not (0); -1: no query-kvm */
	int line; /* of its qmp_capabilities reply */
};

struct capture {
	struct qmp_doc doc;
	struct rsession *s;
	size_t n;
};

static void capture_fini(struct capture *c)
{
	qmp_doc_fini(&c->doc);
	free(c->s);
	memset(c, 0, sizeof(*c));
}

static struct json_object *jget(const struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool jbool(const struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static const char *jstr(const struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Does the n bytes at s contain needle? */
static bool has_text(const char *s, size_t n, const char *needle)
{
	size_t l = strlen(needle);

	for (size_t k = 0; k + l <= n; k++)
		if (!memcmp(s + k, needle, l))
			return true;
	return false;
}

bool replies_sniff(const char *text, size_t len)
{
	size_t i = 0, end;

	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	if (i >= len || text[i] != '{')
		return false;
	/* the first object: {"execute": "qmp_capabilities", ...} */
	for (end = i; end < len && end < i + 256 && text[end] != '}'; end++)
		;
	return has_text(text + i, end - i, "\"execute\"") &&
	       has_text(text + i, end - i, "\"qmp_capabilities\"");
}

bool replies_file_is(const char *path)
{
	char buf[256];
	ssize_t n;
	struct err e;
	int fd;

	if (!strcmp(path, "-"))
		return false; /* standard input is read once, by the reader */
	err_clear(&e);
	fd = open_regular(path, &e); /* never blocks on a FIFO */
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && replies_sniff(buf, (size_t)n);
}

static bool capture_load(const char *path, struct capture *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (!qmp_doc_load(path, &c->doc, e))
		return false;
	for (size_t i = 0; i < c->doc.items.n; i++) {
		const struct qmp_item *it = vec_get(&c->doc.items, i);
		if (str_eq(it->command, "qmp_capabilities")) {
			if (c->n)
				c->s[c->n - 1].end = i;
			c->s = xrealloc(c->s, (c->n + 1) * sizeof(*c->s));
			memset(&c->s[c->n], 0, sizeof(*c->s));
			c->s[c->n].kvm = -1;
			c->s[c->n].begin = i;
			c->s[c->n].end = c->doc.items.n;
			c->s[c->n].line = it->line;
			c->n++;
		} else if (c->n && str_eq(it->command, "query-kvm")) {
			c->s[c->n - 1].kvm = jbool(it->ret, "present") && jbool(it->ret, "enabled");
		}
	}
	if (!c->n) {
		err_set(e, path, 0, "not a libvirt capability capture: no qmp_capabilities command");
		capture_fini(c);
		return false;
	}
	return true;
}

/* "kvm", "tcg", or NULL when the first session does not say (a later
 * one is libvirt's forced-TCG probe). */
static const char *session_accel(const struct capture *c, const struct rsession *s)
{
	if (s->kvm >= 0)
		return s->kvm ? "kvm" : "tcg";
	return s == &c->s[0] ? NULL : "tcg";
}

static void accels_text(const struct capture *c, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "," : "",
					session_accel(c, &c->s[i]) ? session_accel(c, &c->s[i]) :
					"unknown (no query-kvm)");
}

/* The session for accel (NULL: the first). */
static const struct rsession *pick_session(const struct capture *c, const char *path,
					   const char *accel, struct err *e)
{
	char have[64];

	if (!accel)
		return &c->s[0];
	for (size_t i = 0; i < c->n; i++)
		if (str_eq(session_accel(c, &c->s[i]), accel))
			return &c->s[i];
	accels_text(c, have, sizeof(have));
	err_set(e, path, 0, "this capture has no %s session (it has: %s)", accel, have);
	return NULL;
}

/* The first reply to command in the session, else in the whole capture
 * (libvirt asks query-version and query-target once, in the first). */
static const struct qmp_item *find_reply(const struct capture *c, const struct rsession *s,
					 const char *command)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t b = pass ? 0 : s->begin, en = pass ? c->doc.items.n : s->end;
		for (size_t i = b; i < en; i++) {
			const struct qmp_item *it = vec_get(&c->doc.items, i);
			if (str_eq(it->command, command) && it->kind != QMP_ERROR)
				return it;
		}
	}
	return NULL;
}

static bool capture_arch(const struct capture *c, const char *path, enum arch *out, struct err *e)
{
	const struct qmp_item *t = find_reply(c, &c->s[0], "query-target");
	const char *a = t ? jstr(t->ret, "arch") : NULL;

	if (!a)
		return err_set(e, path, t ? t->line : 0, "no query-target reply naming the arch");
	if (!arch_parse(a, out))
		return err_set(e, path, t->line, "unsupported arch '%s' (expected x86_64 or s390x)",
			       a);
	return true;
}

bool replies_arch(const char *path, enum arch *out, struct err *e)
{
	struct capture c;
	bool ok;

	if (!capture_load(path, &c, e))
		return false;
	ok = capture_arch(&c, path, out, e);
	capture_fini(&c);
	return ok;
}

bool replies_accels(const char *path, char *buf, size_t size, struct err *e)
{
	struct capture c;

	if (!capture_load(path, &c, e))
		return false;
	accels_text(&c, buf, size);
	capture_fini(&c);
	return true;
}

/* The expansions of the session's host/max: static (migratable), static
 * non-migratable, full.  Each may be NULL. */
struct host_exp {
	const char *model;
	const struct qmp_item *stat, *stat_nm, *full;
};

static void find_host_exp(const struct capture *c, const struct rsession *s, struct host_exp *hx)
{
	memset(hx, 0, sizeof(*hx));
	for (size_t i = s->begin; i < s->end; i++) {
		const struct qmp_item *it = vec_get(&c->doc.items, i);
		struct json_object *model = jget(it->args, "model");
		const char *type = jstr(it->args, "type"), *name = jstr(model, "name");
		struct json_object *mig = jget(jget(model, "props"), "migratable");
		bool nonmig = json_object_is_type(mig, json_type_boolean) &&
			      !json_object_get_boolean(mig);

		if (it->kind != QMP_EXPANSION || !type || !name ||
		    (strcmp(name, "host") && strcmp(name, "max")))
			continue;
		if (hx->model && strcmp(hx->model, name))
			continue;
		hx->model = name;
		if (!strcmp(type, "full")) {
			if (!hx->full)
				hx->full = it;
		} else if (nonmig) {
			if (!hx->stat_nm)
				hx->stat_nm = it;
		} else if (!hx->stat) {
			hx->stat = it;
		}
	}
}

static bool read_exp(const struct capture *c, const struct qmp_item *it, struct ftable *ft,
		     struct expansion **out, struct err *e)
{
	*out = NULL;
	return !it || qmp_read_expansion(it->ret, c->doc.file, it->line, ft, out, e);
}

/* libvirt's merge (virQEMUCapsProbeQMPHostCPU): a boolean false in the
 * migratable expansion but true in the non-migratable one is on (it is
 * only not migratable); booleans the migratable one lacks are ignored. */
static void merge_nonmigratable(struct expansion *x, const struct expansion *nm)
{
	struct fset extra = FSET_INIT;

	if (!nm)
		return;
	fset_copy(&extra, &nm->on);
	fset_and(&extra, &x->known);
	fset_or(&x->on, &extra);
	fset_fini(&extra);
}

static bool host_expansions(const struct capture *c, const struct rsession *s, struct ftable *ft,
			    struct host_exp *hx, struct expansion **stat, struct expansion **full,
			    struct err *e)
{
	struct expansion *nm = NULL;
	bool ok;

	*stat = *full = NULL;
	find_host_exp(c, s, hx);
	ok = read_exp(c, hx->stat, ft, stat, e) && read_exp(c, hx->stat_nm, ft, &nm, e) &&
	     read_exp(c, hx->full, ft, full, e);
	if (ok && *stat)
		merge_nonmigratable(*stat, nm);
	expansion_free(nm);
	if (!ok) {
		expansion_free(*stat);
		expansion_free(*full);
		*stat = *full = NULL;
	}
	return ok;
}

static bool fill_version(const struct capture *c, const struct rsession *s, struct dataset *ds)
{
	const struct qmp_item *v = find_reply(c, s, "query-version");
	struct json_object *q = jget(v ? v->ret : NULL, "qemu");
	const char *pkg = v ? jstr(v->ret, "package") : NULL;

	if (!json_object_is_type(jget(q, "major"), json_type_int))
		return false;
	ds->qemu_version = xasprintf("%lld.%lld.%lld",
				     (long long)json_object_get_int64(jget(q, "major")),
				     (long long)json_object_get_int64(jget(q, "minor")),
				     (long long)json_object_get_int64(jget(q, "micro")));
	if (pkg && *pkg)
		ds->qemu_package = xstrdup(pkg);
	return true;
}

/* Load the capture, check its arch against ft, pick the session. */
static const struct rsession *open_capture(const char *path, struct ftable *ft, const char *accel,
					   struct capture *c, struct err *e)
{
	const struct rsession *s;
	enum arch arch;

	if (!capture_load(path, c, e))
		return NULL;
	if (!capture_arch(c, path, &arch, e))
		goto fail;
	if (arch != ft->arch) {
		err_set(e, path, 0, "the capture is of qemu-system-%s, but the selected arch is %s "
			"(use --arch %s)", arch_name(arch), arch_name(ft->arch), arch_name(arch));
		goto fail;
	}
	s = pick_session(c, path, accel, e);
	if (s)
		return s;
fail:
	capture_fini(c);
	return NULL;
}

struct dataset *replies_load(const char *path, struct ftable *ft, const char *accel,
			     struct err *e)
{
	struct capture c;
	const struct rsession *s = open_capture(path, ft, accel, &c, e);
	const struct qmp_item *defs, *machines;
	struct dataset *ds = NULL;
	struct expansion *stat = NULL, *full = NULL;
	struct host_exp hx;
	struct mdata *md;

	if (!s)
		return NULL;
	ds = dataset_new(ft->arch, ft);
	ds->source = xstrdup(path);
	ds->accel = session_accel(&c, s) ? xstrdup(session_accel(&c, s)) : NULL;
	fill_version(&c, s, ds);
	machines = find_reply(&c, s, "query-machines");
	if (machines && !qmp_read_machines(machines->ret, c.doc.file, machines->line, &ds->machines, e))
		goto fail;
	defs = NULL;
	for (size_t i = s->begin; i < s->end && !defs; i++) {
		const struct qmp_item *it = vec_get(&c.doc.items, i);
		if (str_eq(it->command, "query-cpu-definitions") && it->kind == QMP_DEFINITIONS)
			defs = it;
	}
	if (!defs) {
		err_set(e, path, s->line, "the %s session has no query-cpu-definitions reply",
			session_accel(&c, s) ? session_accel(&c, s) : "first");
		goto fail;
	}
	md = dataset_mdata(ds, "none");
	if (!qmp_read_definitions(defs->ret, c.doc.file, defs->line, md, ft, e))
		goto fail;
	if (!host_expansions(&c, s, ft, &hx, &stat, &full, e))
		goto fail;
	if (hx.model) {
		char *m = xstrdup(hx.model);
		int si = stat ? dataset_add_expansion(ds, stat) : -1;
		int fi = full ? dataset_add_expansion(ds, full) : -1;
		stat = full = NULL;
		mdata_set_expansion(md, m, fi, si);
		free(m);
	}
	capture_fini(&c);
	return ds;
fail:
	expansion_free(stat);
	expansion_free(full);
	dataset_free(ds);
	capture_fini(&c);
	return NULL;
}

void replies_host_usability(struct host *h, const struct mdata *md, bool usable_blockers)
{
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&md->defs, i);
		struct host_model_usability *u;
		if (!strcmp(d->name, "host"))
			continue;
		u = xcalloc(1, sizeof(*u));
		u->name = xstrdup(d->name);
		u->usable = !d->unavail_known ? -1 : fset_empty(&d->unavailable) ? 1 : 0;
		u->deprecated = d->deprecated;
		u->canonical = d->alias_of ? xstrdup(d->alias_of) : NULL;
		u->has_blockers = usable_blockers ? d->unavail_known : u->usable == 0;
		fset_copy(&u->blockers, &d->unavailable);
		vec_push(&h->usability, u);
	}
}

/* s390x: every boolean property of an expansion is a CPU feature, also
 * those the built-in table does not know yet (QEMU adds some in every
 * release); the x86 reader keeps unknown booleans as properties, since
 * there they are QOM knobs ("check", "l3-cache", "hv-*"). */
static void s390_features(struct ftable *ft, const struct expansion *x, struct fset *on,
			  struct fset *off)
{
	struct vec props = VEC_INIT;

	fset_or(on, &x->on);
	if (off) {
		struct fset f = FSET_INIT;
		fset_copy(&f, &x->known);
		fset_andnot(&f, &x->on);
		fset_or(off, &f);
		fset_fini(&f);
	}
	expansion_props_all(x, &props);
	for (size_t i = 0; i < props.n; i++) {
		const struct prop *p = props.v[i];
		if (!strcmp(p->json, "true"))
			fset_add(on, ftable_intern(ft, p->name));
		else if (!strcmp(p->json, "false") && off)
			fset_add(off, ftable_intern(ft, p->name));
	}
	vec_fini(&props, NULL);
}

static void replies_s390_host(struct host *h, const struct expansion *stat,
			      const struct expansion *full)
{
	free(h->model);
	h->model = xstrdup(stat->name);
	fset_clear_all(&h->listed);
	fset_clear_all(&h->disabled);
	s390_features(h->ft, stat, &h->listed, &h->disabled);
	fset_clear_all(&h->features);
	h->resolved = false;
	if (full) {
		s390_features(h->ft, full, &h->features, NULL);
		ftable_expand_groups(h->ft, &h->features);
		h->resolved = true;
	}
}

struct host *replies_expansion_host(const char *path, struct ftable *ft,
				   const struct expansion *stat, const struct expansion *full)
{
	struct host *h = host_new(HOST_QMP, ft->arch, ft, path);
	char buf[256];
	long long v[3];

	if (ft->arch == ARCH_S390X) {
		/* a base model and what the host adds and removes */
		replies_s390_host(h, stat, full);
	} else {
		fset_copy(&h->features, &stat->on);
		h->resolved = true;
	}
	if (expansion_prop_str(stat, "vendor", buf, sizeof(buf)) && buf[0])
		h->vendor = xstrdup(vendor_name(buf));
	if (expansion_prop_str(stat, "model-id", buf, sizeof(buf)) && buf[0])
		h->model_id = xstrdup(buf);
	if (expansion_prop_int(stat, "family", &v[0]) && expansion_prop_int(stat, "model", &v[1]) &&
	    expansion_prop_int(stat, "stepping", &v[2])) {
		h->has_signature = true;
		h->family = (int)v[0];
		h->cpu_model = (int)v[1];
		h->stepping = (int)v[2];
	}
	return h;
}

struct host *replies_host(const char *path, struct ftable *ft, const char *accel, struct err *e)
{
	struct dataset *ds = replies_load(path, ft, accel, e);
	const struct mdata *md;
	const struct expansion *stat, *full;
	const char *which;
	struct host *h;

	if (!ds)
		return NULL;
	md = dataset_find_mdata(ds, "none");
	which = dataset_expansion(ds, md, "host", false) ? "host" : "max";
	stat = dataset_expansion(ds, md, which, false);
	full = dataset_expansion(ds, md, which, true);
	if (!stat) {
		err_set(e, path, 0, "the %s session has no static expansion of 'host' or 'max'",
			ds->accel ? ds->accel : "first");
		dataset_free(ds);
		return NULL;
	}
	h = replies_expansion_host(path, ft, stat, full);
	replies_host_usability(h, md, true);
	dataset_free(ds);
	return h;
}
