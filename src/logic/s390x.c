/* s390x.c - QEMU's own compare and baseline on s390x, and the views of a
 * model (s390x.h). */
#include "s390x.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "probe.h"
#include "qmp_call.h"
#include "qmp_json.h"
#include "session.h"

/* ---- CPUs as QMP's CpuModelInfo ------------------------------------------ */

void s390x_cpu_fini(struct s390x_cpu *c)
{
	if (!c)
		return;
	free(c->name);
	for (size_t i = 0; i < c->props.n; i++) {
		struct s390x_prop *p = c->props.v[i];
		free(p->name);
		free(p);
	}
	vec_fini(&c->props, NULL);
	memset(c, 0, sizeof(*c));
}

void s390x_cpu_add(struct s390x_cpu *c, const char *name, bool on)
{
	struct s390x_prop *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup(name);
	p->on = on;
	vec_push(&c->props, p);
}

static void cpu_copy(struct s390x_cpu *dst, const struct s390x_cpu *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->name = xstrdup(src->name);
	for (size_t i = 0; i < src->props.n; i++) {
		const struct s390x_prop *p = src->props.v[i];
		s390x_cpu_add(dst, p->name, p->on);
	}
}

bool s390x_cpu_from_guest(const struct guest_cpu *g, struct s390x_cpu *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (g->model)
		out->name = xstrdup(g->model);
	else if (g->mode == MODE_HOST_PASSTHROUGH)
		out->name = xstrdup("host");
	else if (g->mode == MODE_MAXIMUM)
		out->name = xstrdup("max");
	else
		return err_set(e, NULL, g->model_line, "cpu parameter is missing a model name");
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *f = g->features.v[i];
		s390x_cpu_add(out, f->name,
			      g->host_cpu || f->policy == POLICY_REQUIRE || f->policy == POLICY_FORCE);
	}
	return true;
}

bool s390x_cpu_from_host(const struct host *h, struct s390x_cpu *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (!h->model)
		return err_set(e, h->source, 0, "the host names no CPU model");
	out->name = xstrdup(h->model);
	for (int id = fset_next(&h->listed, 0); id >= 0; id = fset_next(&h->listed, (unsigned)id + 1))
		s390x_cpu_add(out, ftable_get(h->ft, (unsigned)id)->name, true);
	for (int id = fset_next(&h->disabled, 0); id >= 0;
	     id = fset_next(&h->disabled, (unsigned)id + 1))
		s390x_cpu_add(out, ftable_get(h->ft, (unsigned)id)->name, false);
	return true;
}

void s390x_cpu_from_expansion(const struct expansion *x, const struct ftable *ft,
			      struct s390x_cpu *out)
{
	struct vec props = VEC_INIT;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup(x->name);
	for (int id = fset_next(&x->known, 0); id >= 0; id = fset_next(&x->known, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)id);
		if (!(f->flags & FEAT_PSEUDO))
			s390x_cpu_add(out, f->name, fset_has(&x->on, (unsigned)id));
	}
	/* booleans the table does not know (a newer QEMU's) */
	expansion_props_all(x, &props);
	for (size_t i = 0; i < props.n; i++) {
		const struct prop *p = props.v[i];
		if (!strcmp(p->json, "true") || !strcmp(p->json, "false"))
			s390x_cpu_add(out, p->name, !strcmp(p->json, "true"));
	}
	vec_fini(&props, NULL);
}

static json_object *cpu_object(const struct s390x_cpu *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(c->name));
	if (c->props.n) {
		json_object *p = json_object_new_object();
		for (size_t i = 0; i < c->props.n; i++) {
			const struct s390x_prop *sp = c->props.v[i];
			json_object_object_add(p, sp->name, json_object_new_boolean(sp->on));
		}
		json_object_object_add(o, "props", p);
	}
	return o;
}

char *s390x_cpu_json(const struct s390x_cpu *c)
{
	json_object *o = cpu_object(c);
	char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

char *s390x_cpu_text(const struct s390x_cpu *c, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = c->props.n;

	sb_add(&sb, c->name);
	for (size_t i = 0; i < n && i < max; i++) {
		const struct s390x_prop *p = c->props.v[i];
		sb_addf(&sb, " %c%s", p->on ? '+' : '-', p->name);
	}
	if (n > max)
		sb_addf(&sb, " (+%zu more)", n - max);
	return sb_take(&sb);
}

/* A CPU out of QEMU's answer {"model": {"name": N, "props": {...}}}: the
 * model and its true properties, in QEMU's order (libvirt's
 * qemuConnectStealCPUModelFromInfo keeps only those). */
static bool cpu_from_answer(const char *ret, const char *what, struct s390x_cpu *out,
			    struct err *e)
{
	json_object *o = json_tokener_parse(ret), *m = NULL, *n = NULL, *p = NULL;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!o || !json_object_object_get_ex(o, "model", &m) ||
	    !json_object_object_get_ex(m, "name", &n) || !json_object_is_type(n, json_type_string)) {
		err_set(e, NULL, 0, "%s reply data was missing 'model'", what);
		goto out;
	}
	out->name = xstrdup(json_object_get_string(n));
	if (json_object_object_get_ex(m, "props", &p) && json_object_is_type(p, json_type_object)) {
		json_object_object_foreach(p, key, val) {
			if (json_object_is_type(val, json_type_boolean) && json_object_get_boolean(val))
				s390x_cpu_add(out, key, true);
		}
	}
	ok = true;
out:
	json_object_put(o);
	return ok;
}

/* ---- who answers ---------------------------------------------------------- */

void s390x_qemu_init(struct s390x_qemu *q, struct session *s)
{
	struct err e;

	memset(q, 0, sizeof(*q));
	if (s->ds && s->ds->qemu_version)
		q->data_version = xstrdup(s->ds->qemu_version);
	if (s->qemu_binary) {
		q->binary = xstrdup(s->qemu_binary);
		q->local = s->live;
	} else {
		q->binary = session_local_qemu(s);
		q->local = true;
	}
	/* --accel, else what QEMU would use here (as the live probe does; a
	 * capture's or a domcapabilities' KVM is not this machine's) */
	q->accel = xstrdup(s->o.accel ? s->o.accel : probe_default_accel(s->arch));
	if (s->capture && s->ds && s->ds->source) {
		q->capture = xcalloc(1, sizeof(*q->capture));
		err_clear(&e);
		if (qmp_doc_load(s->ds->source, q->capture, &e)) {
			q->capture_file = xstrdup(s->ds->source);
		} else {
			free(q->capture);
			q->capture = NULL;
		}
	}
}

void s390x_qemu_fini(struct s390x_qemu *q)
{
	qmp_close(q->conn);
	if (q->capture) {
		qmp_doc_fini(q->capture);
		free(q->capture);
	}
	free(q->binary);
	free(q->accel);
	free(q->datadir);
	free(q->capture_file);
	free(q->data_version);
	free(q->version);
	sb_fini(&q->transcript);
	memset(q, 0, sizeof(*q));
}

/* The exchange in the .replies form libvirt's captures use. */
static void record(struct s390x_qemu *q, const char *execute, json_object *args, const char *ret,
		   const char *error)
{
	json_object *c = json_object_new_object(), *r = json_object_new_object();

	json_object_object_add(c, "execute", json_object_new_string(execute));
	if (args)
		json_object_object_add(c, "arguments", json_object_get(args));
	if (ret) {
		json_object_object_add(r, "return", json_tokener_parse(ret));
	} else {
		json_object *er = json_object_new_object();
		json_object_object_add(er, "class", json_object_new_string("GenericError"));
		json_object_object_add(er, "desc", json_object_new_string(error));
		json_object_object_add(r, "error", er);
	}
	sb_addf(&q->transcript, "%s\n\n%s\n\n",
		json_object_to_json_string_ext(c, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED),
		json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(c);
	json_object_put(r);
}

/* The capture's answer to this exchange: 1 found (ret or *error set), 0 not. */
static int from_capture(const struct s390x_qemu *q, const char *execute, json_object *args,
			char **ret, char **error)
{
	for (size_t i = 0; q->capture && i < q->capture->items.n; i++) {
		const struct qmp_item *it = vec_get(&q->capture->items, i);
		if (!str_eq(it->command, execute))
			continue;
		if (!(args == NULL && it->args == NULL) && !json_object_equal(args, it->args))
			continue;
		if (it->kind == QMP_ERROR)
			*error = xstrdup(it->error_desc ? it->error_desc : "QEMU refused it");
		else
			*ret = xstrdup(json_object_to_json_string_ext(it->ret, JSON_C_TO_STRING_PLAIN));
		return 1;
	}
	return 0;
}

bool s390x_qemu_ask(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		    struct err *e)
{
	json_object *args = arguments ? json_tokener_parse(arguments) : NULL;
	char *error = NULL;
	bool ok = false;

	*ret = NULL;
	if (from_capture(q, execute, args, ret, &error)) {
		q->asked_capture = true;
	} else if (q->binary) {
		struct qmp_question one = { execute, arguments, NULL, NULL };
		if (!q->conn) {
			struct qmp_opts o = { q->binary, q->accel, NULL, q->datadir, 30 };
			q->conn = qmp_open(&o, &q->version, e);
			if (!q->conn)
				goto out;
		}
		if (!qmp_exec(q->conn, &one, 1, e))
			goto out;
		q->asked_live = true;
		*ret = one.ret;
		error = one.error;
	} else {
		err_set(e, NULL, 0, "%s is QEMU's to answer, and there is no QEMU to ask: no "
			"qemu-system-s390x here (or CPUSCOPE_QEMU=none)%s%s; run it where "
			"qemu-system-s390x is installed, or give --probe BINARY", execute,
			q->capture_file ? ", and " : "", q->capture_file ? "the capture holds no "
			"answer to this question" : "");
		goto out;
	}
	record(q, execute, args, *ret, error);
	if (error) {
		err_set(e, NULL, 0, "QEMU: %s", error);
		free(*ret);
		*ret = NULL;
		goto out;
	}
	ok = true;
out:
	free(error);
	json_object_put(args);
	return ok;
}

const char *s390x_qemu_label(const struct s390x_qemu *q, char *buf, size_t size)
{
	if (q->asked_live && q->local)
		snprintf(buf, size, "QEMU %s on this machine (%s)", q->version ? q->version : "?",
			 q->accel);
	else if (q->asked_live)
		snprintf(buf, size, "QEMU %s (%s, %s)", q->version ? q->version : "?", q->binary,
			 q->accel);
	else if (q->asked_capture)
		snprintf(buf, size, "QEMU %s (its answers in %s)",
			 q->data_version ? q->data_version : "?", q->capture_file);
	else
		snprintf(buf, size, "QEMU");
	return buf;
}

/* ---- the host CPU --------------------------------------------------------- */

bool s390x_session_host_cpu(struct session *s, struct s390x_cpu *out, char **what, struct err *e)
{
	const struct expansion *x = NULL;
	const char *which;
	char *text;

	*what = NULL;
	if (s->host) {
		if (s->host->arch != ARCH_S390X)
			return err_set(e, s->host->source, 0, "the host is %s, not s390x",
				       arch_name(s->host->arch));
		if (!s390x_cpu_from_host(s->host, out, e))
			return false;
		text = s390x_cpu_text(out, 6);
		*what = xasprintf("the CPU of %s (libvirt's host-model: %s)", s->host->source, text);
		free(text);
		return true;
	}
	which = s->ds->accel && !strcmp(s->ds->accel, "kvm") ? "host" : "max";
	x = dataset_expansion(s->ds, dataset_find_mdata(s->ds, "none"), which, false);
	if (!x)
		x = dataset_expansion(s->ds, s->md, which, false);
	if (x) {
		s390x_cpu_from_expansion(x, s->ds->ft, out);
	} else {
		memset(out, 0, sizeof(*out));
		out->name = xstrdup(which);
	}
	text = s390x_cpu_text(out, 6);
	*what = xasprintf("QEMU's %s for %s (%s)", which, s->ds->accel ? s->ds->accel : "its accelerator",
			  x ? text : "as QEMU expands it");
	free(text);
	return true;
}

/* ---- compare -------------------------------------------------------------- */

void s390x_compare_fini(struct s390x_compare *r)
{
	free(r->qemu_result);
	vec_fini(&r->responsible, free);
	memset(r, 0, sizeof(*r));
}

bool s390x_compare(struct s390x_qemu *q, const struct s390x_cpu *host, const struct s390x_cpu *cpu,
		   struct s390x_compare *out, struct err *e)
{
	char *a = s390x_cpu_json(host), *b = s390x_cpu_json(cpu);
	char *args = xasprintf("{\"modela\":%s,\"modelb\":%s}", a, b);
	char *ret = NULL;
	json_object *o = NULL, *v = NULL;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!s390x_qemu_ask(q, "query-cpu-model-comparison", args, &ret, e))
		goto out;
	o = json_tokener_parse(ret);
	if (!o || !json_object_object_get_ex(o, "result", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		err_set(e, NULL, 0, "query-cpu-model-comparison reply data was missing 'result'");
		goto out;
	}
	out->qemu_result = xstrdup(json_object_get_string(v));
	/* libvirt's qemuConnectCPUModelComparison */
	out->result = !strcmp(out->qemu_result, "identical") ? CMP_IDENTICAL :
		      !strcmp(out->qemu_result, "superset") ? CMP_SUPERSET : CMP_INCOMPATIBLE;
	if (json_object_object_get_ex(o, "responsible-properties", &v) &&
	    json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *p = json_object_array_get_idx(v, i);
			if (json_object_is_type(p, json_type_string))
				vec_push(&out->responsible, xstrdup(json_object_get_string(p)));
		}
	ok = true;
out:
	json_object_put(o);
	free(ret);
	free(args);
	free(a);
	free(b);
	return ok;
}

/* ---- baseline ------------------------------------------------------------- */

void s390x_baseline_fini(struct s390x_baseline *b)
{
	s390x_cpu_fini(&b->cpu);
	free(b->xml);
	memset(b, 0, sizeof(*b));
}

static int prop_cmp(const void *x, const void *y)
{
	const struct s390x_prop *a = *(const struct s390x_prop *const *)x;
	const struct s390x_prop *b = *(const struct s390x_prop *const *)y;

	return strcmp(a->name, b->name);
}

bool s390x_baseline(struct s390x_qemu *q, const struct mdata *models, const struct s390x_cpu *cpus,
		    size_t n, bool expand_features, struct s390x_baseline *out, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;

	memset(out, 0, sizeof(*out));
	if (!n)
		return err_set(e, NULL, 0, "no CPUs to baseline");
	/* libvirt's qemuConnectCPUModelBaseline */
	for (size_t i = 0; models && i < n; i++)
		if (!mdata_def(models, cpus[i].name))
			return err_set(e, NULL, 0, "CPU model '%s' not supported by hypervisor",
				       cpus[i].name);
	cpu_copy(&out->cpu, &cpus[0]);
	for (size_t i = 1; i < n; i++) {
		char *a = s390x_cpu_json(&out->cpu), *b = s390x_cpu_json(&cpus[i]);
		char *args = xasprintf("{\"modela\":%s,\"modelb\":%s}", a, b), *ret = NULL;
		bool ok = s390x_qemu_ask(q, "query-cpu-model-baseline", args, &ret, e);
		free(a);
		free(b);
		free(args);
		if (ok) {
			s390x_cpu_fini(&out->cpu);
			ok = cpu_from_answer(ret, "query-cpu-model-baseline", &out->cpu, e);
		}
		free(ret);
		if (!ok)
			goto fail;
	}
	if (expand_features || n == 1) {
		char *m = s390x_cpu_json(&out->cpu), *ret = NULL;
		char *args = xasprintf("{\"type\":\"%s\",\"model\":%s}",
				       expand_features ? "full" : "static", m);
		bool ok = s390x_qemu_ask(q, "query-cpu-model-expansion", args, &ret, e);
		free(m);
		free(args);
		if (ok) {
			s390x_cpu_fini(&out->cpu);
			ok = cpu_from_answer(ret, "query-cpu-model-expansion", &out->cpu, e);
		}
		free(ret);
		if (!ok)
			goto fail;
	}
	/* virsh prints a host-type <cpu>: no mode, no policies; with
	 * --features the features in name order */
	if (expand_features)
		qsort(out->cpu.props.v, out->cpu.props.n, sizeof(void *), prop_cmp);
	sb_add(&sb, "<cpu>\n  <model>");
	sb_xml_escape(&sb, out->cpu.name);
	sb_add(&sb, "</model>\n");
	for (size_t i = 0; i < out->cpu.props.n; i++) {
		const struct s390x_prop *p = out->cpu.props.v[i];
		sb_add(&sb, "  <feature name='");
		sb_xml_escape(&sb, p->name);
		sb_add(&sb, "'/>\n");
	}
	sb_add(&sb, "</cpu>\n");
	out->xml = sb_take(&sb);
	out->ncpus = n;
	return true;
fail:
	s390x_baseline_fini(out);
	return false;
}

/* ---- the views of a model ------------------------------------------------- */

/* " +30 -2": a static expansion's delta against its base model. */
static void delta_text(const struct ftable *ft, const struct expansion *x, struct strbuf *sb)
{
	struct fset off = FSET_INIT;
	size_t on = 0;

	for (int id = fset_next(&x->on, 0); id >= 0; id = fset_next(&x->on, (unsigned)id + 1))
		if (!(ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO))
			on++;
	fset_copy(&off, &x->known);
	fset_andnot(&off, &x->on);
	sb_add(sb, x->name);
	if (on)
		sb_addf(sb, " +%zu", on);
	if (!fset_empty(&off))
		sb_addf(sb, " -%zu", fset_count(&off));
	fset_fini(&off);
}

static bool add_view(struct grid *g, const struct dataset *ds, const struct mdata *md,
		     const char *model, const char *role, const struct host *host)
{
	struct model_view mv;
	struct strbuf sub = STRBUF_INIT;
	struct grid_col *col;

	if (!md || !model_lookup(ds, md, model, &mv, NULL) || !mv.full)
		return false;
	sb_add(&sub, role);
	if (mv.stat) {
		sb_add(&sub, ": ");
		delta_text(ds->ft, mv.stat, &sub);
	}
	col = grid_add_col(g, model, sb_str(&sub));
	col->host = host;
	model_features(&mv, &col->on);
	col->has_data = true;
	col->full = mv.full;
	sb_fini(&sub);
	return true;
}

struct grid *grid_build_s390x_views(const struct dataset *ds, const struct mdata *md,
				    const char *name, const struct host *host, struct err *e)
{
	struct model_view mv;
	char model[160], base[168], title[512];
	const struct mdata *none = dataset_find_mdata(ds, "none");
	struct grid *g;
	size_t len;

	if (ds->arch != ARCH_S390X) {
		err_set(e, NULL, 0, "views are s390x's (the static -base model, the default and max "
			"side by side); %s models have versions (--versions)", arch_name(ds->arch));
		return NULL;
	}
	if (!model_lookup(ds, md, name, &mv, e))
		return NULL;
	snprintf(model, sizeof(model), "%s", mv.name);
	len = strlen(model);
	if (len > 5 && !strcmp(model + len - 5, "-base"))
		model[len - 5] = '\0';
	snprintf(base, sizeof(base), "%s-base", model);
	if (!mdata_def(md, base)) {
		err_set(e, NULL, 0, "%s has no static -base model: only QEMU's named machines do "
			"(max and qemu are built per accelerator and machine type)", mv.name);
		return NULL;
	}
	snprintf(title, sizeof(title), "%s on %s: static, default and max", model, md->machine);
	g = grid_new(GRID_MODELS, ds->ft, title);
	add_view(g, ds, md, base, "static", host);
	add_view(g, ds, md, model, "default", host);
	if (none && none != md) {
		/* only when the machine type's default is not QEMU's newest */
		struct model_view a, b;
		if (model_lookup(ds, md, model, &a, NULL) && model_lookup(ds, none, model, &b, NULL) &&
		    a.full && b.full && !fset_equal(&a.full->on, &b.full->on))
			add_view(g, ds, none, model, "newest default (-machine none)", host);
	}
	char role[64];
	snprintf(role, sizeof(role), "max for %s", ds->accel ? ds->accel : "the accelerator");
	add_view(g, ds, md, "max", role, host);
	return g;
}
