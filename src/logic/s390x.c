/* s390x.c - QEMU's own compare and baseline on s390x, and the views of a
 * model (s390x.h). */
#include "s390x.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "probe.h"
#include "qmp_call.h"
#include "qmp_json.h"
#include "s390x_names.h"
#include "session.h"
#include "s390x_internal.h"

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

/* ---- the host CPU --------------------------------------------------------- */

const char *s390x_own_cpu_name(const struct dataset *ds)
{
	return ds->accel && !strcmp(ds->accel, "kvm") ? "host" : "max";
}

bool s390x_host_cpu(const struct dataset *ds, const struct mdata *md, const struct host *h,
		    struct s390x_cpu *out, char **what, struct err *e)
{
	const struct expansion *x = NULL;
	const char *which;
	char *text;

	*what = NULL;
	if (h) {
		if (h->arch != ARCH_S390X)
			return err_set(e, h->source, 0, "the host is %s, not s390x", arch_name(h->arch));
		if (!s390x_cpu_from_host(h, out, e))
			return false;
		text = s390x_cpu_text(out, 6);
		*what = xasprintf("the CPU of %s (libvirt's host-model: %s)", h->source, text);
		free(text);
		return true;
	}
	which = s390x_own_cpu_name(ds);
	x = dataset_expansion(ds, dataset_find_mdata(ds, "none"), which, false);
	if (!x)
		x = dataset_expansion(ds, md, which, false);
	if (x) {
		s390x_cpu_from_expansion(x, ds->ft, out);
	} else {
		memset(out, 0, sizeof(*out));
		out->name = xstrdup(which);
	}
	text = s390x_cpu_text(out, 6);
	*what = xasprintf("QEMU's %s for %s (%s)", which, ds->accel ? ds->accel : "its accelerator",
			  x ? text : "as QEMU expands it");
	free(text);
	return true;
}

bool s390x_session_host_cpu(struct session *s, struct s390x_cpu *out, char **what, struct err *e)
{
	return s390x_host_cpu(s->ds, s->md, s->host, out, what, e);
}

/* ---- compare and baseline, step by step --------------------------------------- */

enum job_stage { STAGE_COMPARE, STAGE_PAIR, STAGE_EXPAND, STAGE_DONE };

struct s390x_job {
	struct s390x_qemu *q;   /* lent */
	enum job_stage stage;
	struct s390x_cpu *cpus; /* copies: compare: the host, the guest; baseline: all */
	size_t n, next;         /* baseline: the next CPU to take in */
	bool expand;            /* baseline: a full expansion (--features) */
	struct s390x_cpu acc;   /* baseline: the result so far */
	struct s390x_compare cmp;
	const char *asking;     /* the command asked last */
	bool busy, failed;
	struct err e;
};

static struct s390x_job *job_new(struct s390x_qemu *q, const struct s390x_cpu *cpus, size_t n)
{
	struct s390x_job *j = xcalloc(1, sizeof(*j));

	j->q = q;
	j->n = n;
	j->cpus = xcalloc(n ? n : 1, sizeof(*j->cpus));
	for (size_t i = 0; i < n; i++)
		cpu_copy(&j->cpus[i], &cpus[i]);
	err_clear(&j->e);
	return j;
}

/* The stage's question: its command in *execute, its arguments returned. */
static char *job_question(const struct s390x_job *j, const char **execute)
{
	const struct s390x_cpu *a = j->stage == STAGE_COMPARE ? &j->cpus[0] : &j->acc;
	char *ja = s390x_cpu_json(a), *jb, *args;

	if (j->stage == STAGE_EXPAND) {
		*execute = "query-cpu-model-expansion";
		args = xasprintf("{\"type\":\"%s\",\"model\":%s}", j->expand ? "full" : "static", ja);
		free(ja);
		return args;
	}
	*execute = j->stage == STAGE_COMPARE ? "query-cpu-model-comparison" : "query-cpu-model-baseline";
	jb = s390x_cpu_json(j->stage == STAGE_COMPARE ? &j->cpus[1] : &j->cpus[j->next]);
	args = xasprintf("{\"modela\":%s,\"modelb\":%s}", ja, jb);
	free(ja);
	free(jb);
	return args;
}

/* QEMU's comparison answer read as libvirt reads it. */
static bool take_comparison(struct s390x_job *j, const char *ret)
{
	json_object *o = json_tokener_parse(ret), *v = NULL;
	struct s390x_compare *out = &j->cmp;
	bool ok = false;

	if (!o || !json_object_object_get_ex(o, "result", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		err_set(&j->e, NULL, 0, "query-cpu-model-comparison reply data was missing 'result'");
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
	return ok;
}

/* The baseline stages after the pairs: the expansion (for one CPU, or
 * --features), else done. */
static enum job_stage after_pairs(const struct s390x_job *j)
{
	return j->expand || j->n == 1 ? STAGE_EXPAND : STAGE_DONE;
}

/* Take the stage's answer and move on. */
static bool job_take(struct s390x_job *j, const char *ret)
{
	switch (j->stage) {
	case STAGE_COMPARE:
		j->stage = STAGE_DONE;
		return take_comparison(j, ret);
	case STAGE_PAIR:
		s390x_cpu_fini(&j->acc);
		if (!cpu_from_answer(ret, "query-cpu-model-baseline", &j->acc, &j->e))
			return false;
		if (++j->next >= j->n)
			j->stage = after_pairs(j);
		return true;
	case STAGE_EXPAND:
		s390x_cpu_fini(&j->acc);
		j->stage = STAGE_DONE;
		return cpu_from_answer(ret, "query-cpu-model-expansion", &j->acc, &j->e);
	default:
		return true;
	}
}

/* r: the last question's end (1 answered with ret, taken; -1 failed, e
 * set; 0 none yet).  Ask on until a question waits for QEMU or the job is
 * over. */
static void job_go(struct s390x_job *j, int r, char *ret)
{
	j->busy = false;
	for (;;) {
		if (r > 0) {
			bool ok = job_take(j, ret);
			free(ret);
			ret = NULL;
			if (!ok)
				r = -1;
		}
		if (r < 0) {
			j->failed = true;
			j->stage = STAGE_DONE;
		}
		if (j->stage == STAGE_DONE)
			return;
		char *args = job_question(j, &j->asking);
		r = s390x_qemu_begin(j->q, j->asking, args, &ret, &j->e);
		free(args);
		if (r == 0) {
			j->busy = true;
			return;
		}
	}
}

bool s390x_job_busy(const struct s390x_job *j)
{
	return j->busy;
}

const char *s390x_job_asking(const struct s390x_job *j)
{
	return j->asking;
}

size_t s390x_job_pollfds(const struct s390x_job *j, struct pollfd *fds, size_t max,
			 int *timeout_ms)
{
	return j->busy ? s390x_qemu_pollfds(j->q, fds, max, timeout_ms) : 0;
}

void s390x_job_step(struct s390x_job *j, const struct pollfd *fds, size_t n)
{
	char *ret = NULL;
	int r;

	if (!j->busy)
		return;
	r = s390x_qemu_step(j->q, fds, n, &ret, &j->e);
	if (r != 0)
		job_go(j, r, ret);
}

/* Block until the job is over (the CLI). */
static void job_wait(struct s390x_job *j)
{
	while (j->busy) {
		char *ret = NULL;
		int r = s390x_qemu_wait(j->q, &ret, &j->e);
		job_go(j, r, ret);
	}
}

void s390x_job_free(struct s390x_job *j)
{
	if (!j)
		return;
	if (j->busy) { /* given up: QEMU's answer would come to no one */
		s390x_pending_clear(j->q);
		qmp_close(j->q->conn);
		j->q->conn = NULL;
	}
	for (size_t i = 0; i < j->n; i++)
		s390x_cpu_fini(&j->cpus[i]);
	free(j->cpus);
	s390x_cpu_fini(&j->acc);
	s390x_compare_fini(&j->cmp);
	free(j);
}

/* ---- compare -------------------------------------------------------------- */

void s390x_compare_fini(struct s390x_compare *r)
{
	free(r->qemu_result);
	vec_fini(&r->responsible, free);
	memset(r, 0, sizeof(*r));
}

struct s390x_job *s390x_compare_start(struct s390x_qemu *q, const struct s390x_cpu *host,
				      const struct s390x_cpu *cpu)
{
	struct s390x_cpu two[2] = { *host, *cpu }; /* lent to job_new, which copies */
	struct s390x_job *j = job_new(q, two, 2);

	j->stage = STAGE_COMPARE;
	job_go(j, 0, NULL);
	return j;
}

bool s390x_compare_finish(struct s390x_job *j, struct s390x_compare *out, struct err *e)
{
	bool ok = !j->busy && !j->failed;

	memset(out, 0, sizeof(*out));
	if (ok) {
		*out = j->cmp;
		memset(&j->cmp, 0, sizeof(j->cmp));
	} else {
		*e = j->e;
	}
	s390x_job_free(j);
	return ok;
}

bool s390x_compare(struct s390x_qemu *q, const struct s390x_cpu *host, const struct s390x_cpu *cpu,
		   struct s390x_compare *out, struct err *e)
{
	struct s390x_job *j = s390x_compare_start(q, host, cpu);

	job_wait(j);
	return s390x_compare_finish(j, out, e);
}

const char *s390x_compare_how(enum cmp_result r)
{
	return r == CMP_IDENTICAL ? "provides exactly" :
	       r == CMP_SUPERSET ? "is a superset of" : "cannot run";
}

char *s390x_compare_answer(const struct s390x_compare *r)
{
	return xasprintf("QEMU's answer (query-cpu-model-comparison): %s%s", r->qemu_result,
			 !strcmp(r->qemu_result, "subset") ? " (the host CPU is a subset of it)" : "");
}

const char *s390x_compare_note(const struct s390x_compare *r)
{
	for (size_t i = 0; i < r->responsible.n; i++)
		if (!strcmp(r->responsible.v[i], "type"))
			return "'type': the CPU generations (or GA levels) differ; no feature change "
			       "makes them identical";
	return NULL;
}

const char *s390x_refusal_hint(const struct s390x_qemu *q, const struct s390x_cpu *cpu, char *buf,
			       size_t size)
{
	const struct s390x_name *n = cpu ? s390x_name_lookup(cpu->name) : NULL;
	char label[512];

	buf[0] = '\0';
	if (n)
		snprintf(buf, size, " (%s is IBM's name: QEMU's model is %s)", cpu->name, n->qemu);
	else if (q->asked_live && q->version && q->data_version &&
		 strcmp(q->version, q->data_version) != 0)
		snprintf(buf, size, " (%s answered; the data is QEMU %s's)",
			 s390x_qemu_label(q, label, sizeof(label)), q->data_version);
	else if (q->asked_live && !q->data_version)
		snprintf(buf, size, " (%s answered)", s390x_qemu_label(q, label, sizeof(label)));
	return buf;
}

const char *s390x_other_qemu(const struct s390x_qemu *q, char *buf, size_t size)
{
	if (!q->asked_live || !q->version || !q->data_version || !strcmp(q->version, q->data_version))
		return NULL;
	snprintf(buf, size, "the data is QEMU %s's; QEMU %s answered", q->data_version, q->version);
	return buf;
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

struct s390x_job *s390x_baseline_start(struct s390x_qemu *q, const struct mdata *models,
				       const struct s390x_cpu *cpus, size_t n, bool expand_features)
{
	struct s390x_job *j = job_new(q, cpus, n);

	j->expand = expand_features;
	j->stage = STAGE_DONE;
	if (!n) {
		err_set(&j->e, NULL, 0, "no CPUs to baseline");
		j->failed = true;
		return j;
	}
	/* libvirt's qemuConnectCPUModelBaseline */
	for (size_t i = 0; models && i < n; i++)
		if (!mdata_def(models, cpus[i].name)) {
			err_set(&j->e, NULL, 0, "CPU model '%s' not supported by hypervisor",
				cpus[i].name);
			j->failed = true;
			return j;
		}
	cpu_copy(&j->acc, &cpus[0]);
	j->next = 1;
	j->stage = n > 1 ? STAGE_PAIR : after_pairs(j);
	job_go(j, 0, NULL);
	return j;
}

bool s390x_baseline_finish(struct s390x_job *j, struct s390x_baseline *out, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;

	memset(out, 0, sizeof(*out));
	if (j->busy || j->failed) {
		*e = j->e;
		s390x_job_free(j);
		return false;
	}
	out->cpu = j->acc;
	memset(&j->acc, 0, sizeof(j->acc));
	/* virsh prints a host-type <cpu>: no mode, no policies; with
	 * --features the features in name order */
	if (j->expand)
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
	out->ncpus = j->n;
	s390x_job_free(j);
	return true;
}

bool s390x_baseline(struct s390x_qemu *q, const struct mdata *models, const struct s390x_cpu *cpus,
		    size_t n, bool expand_features, struct s390x_baseline *out, struct err *e)
{
	struct s390x_job *j = s390x_baseline_start(q, models, cpus, n, expand_features);

	job_wait(j);
	return s390x_baseline_finish(j, out, e);
}

struct guest_cpu *s390x_cpu_guest(const struct s390x_cpu *c)
{
	struct guest_cpu *g = guest_cpu_new();

	g->mode = MODE_CUSTOM;
	g->model = xstrdup(c->name);
	for (size_t i = 0; i < c->props.n; i++) {
		const struct s390x_prop *p = c->props.v[i];
		guest_cpu_set_policy(g, p->name, p->on ? POLICY_REQUIRE : POLICY_DISABLE);
	}
	return g;
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
