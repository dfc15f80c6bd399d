/* baseline.c - `virsh cpu-baseline` semantics over feature sets. */
#include "baseline.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "hostcpu.h"
#include "err.h"

bool baseline_qemu_filtered(const char *libvirt_name, const struct lv_semantics *lv)
{
	const char *const *list = (lv ? lv : lv_get(LV_9_0))->qemu_filtered;

	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], libvirt_name))
			return true;
	return false;
}

void baseline_init(struct baseline *b, const struct cpu_map *map)
{
	memset(b, 0, sizeof(*b));
	b->map = map;
	b->output_vendor = true;
}

static void free_str(void *p)
{
	free(p);
}

void baseline_fini(struct baseline *b)
{
	fset_fini(&b->data);
	fset_fini(&b->tmp);
	vec_fini(&b->names, free_str);
	free(b->vendor_source);
	b->vendor_source = NULL;
	strmap_fini(&b->seen);
}

void baseline_result_fini(struct baseline_result *r)
{
	if (!r)
		return;
	guest_cpu_free(r->cpu);
	r->cpu = NULL;
	fset_fini(&r->features);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool check_known(const struct baseline *b, const struct fset *s, struct err *e)
{
	if (!s)
		return true;
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
		if (!fset_has(&b->map->known, (unsigned)id))
			return err_set(e, NULL, 0, "Unknown CPU feature %s",
				       feature_libvirt_name(ftable_get(b->map->ft, (unsigned)id)));
	}
	return true;
}

bool baseline_add(struct baseline *b, const struct baseline_cpu *cpu, struct err *e)
{
	const struct cm_model *m = NULL;
	const char *vn = NULL;

	if (!cpu->model)
		return err_set(e, NULL, 0, "no CPU model specified at index %zu", b->n);
	m = cpu_map_model(b->map, cpu->model);
	if (!m)
		return err_set(e, NULL, 0, "Unknown CPU model %s", cpu->model);
	if (!check_known(b, cpu->add, e) || !check_known(b, cpu->del, e))
		return false;
	if (b->n == 0) {
		if (!cpu->vendor) {
			b->output_vendor = false;
		} else {
			b->vendor = cpu_map_vendor(b->map, cpu->vendor);
			if (!b->vendor)
				return err_set(e, NULL, 0, "Unknown CPU vendor %s", cpu->vendor);
			b->vendor_source = cpu->source ? xstrdup(cpu->source) : NULL;
		}
	} else {
		if (cpu->vendor && m->vendor && strcmp(cpu->vendor, m->vendor) != 0)
			return err_set(e, NULL, 0, "CPU vendor %s of model %s differs from vendor %s",
				       m->vendor, m->name, cpu->vendor);
		if (cpu->vendor) {
			vn = cpu->vendor;
		} else {
			b->output_vendor = false;
			vn = m->vendor;
		}
		if (vn && !b->vendor) {
			b->vendor = cpu_map_vendor(b->map, vn);
			if (!b->vendor)
				return err_set(e, NULL, 0, "Unknown CPU vendor %s", vn);
			b->vendor_source = cpu->source ? xstrdup(cpu->source) : NULL;
		} else if (vn && strcmp(b->vendor->name, vn) != 0) {
			/* libvirt's words, then which CPU has which vendor */
			if (cpu->source && b->vendor_source)
				return err_set(e, NULL, 0, "CPU vendors do not match (%s is %s, %s is %s)",
					       base_name(b->vendor_source), b->vendor->name,
					       base_name(cpu->source), vn);
			return err_set(e, NULL, 0, "CPU vendors do not match (%s, then %s)",
				       b->vendor->name, vn);
		}
	}
	if (!strmap_has(&b->seen, m->name)) {
		strmap_put(&b->seen, m->name, NULL);
		vec_push(&b->names, xstrdup(m->name));
	}
	fset_copy(&b->tmp, &m->features);
	if (cpu->add)
		fset_or(&b->tmp, cpu->add);
	if (cpu->del)
		fset_andnot(&b->tmp, cpu->del);
	if (b->n == 0)
		fset_copy(&b->data, &b->tmp);
	else
		fset_and(&b->data, &b->tmp);
	b->n++;
	return true;
}

static bool baseline_add_guest_from(struct baseline *b, const struct guest_cpu *g,
				    const char *source, struct err *e);

/* A CPU read from CPUID: decoded as libvirt decodes a host (the <cpu> of
 * virsh capabilities), then added like that <cpu>. */
static bool add_described(struct baseline *b, const struct host *h, struct err *e)
{
	struct host_cpu hc;
	struct fset add = FSET_INIT;
	struct baseline_cpu c;
	bool ok;

	if (!host_cpu_describe(b->map, h, &hc, e))
		return false;
	for (size_t i = 0; i < hc.nfeatures; i++) {
		const struct feature *f = cpu_map_feature(b->map, hc.features[i]);
		if (f)
			fset_add(&add, f->id);
	}
	c.model = hc.model;
	c.vendor = hc.vendor;
	c.add = &add;
	c.del = NULL;
	c.source = h->source;
	ok = baseline_add(b, &c, e);
	fset_fini(&add);
	host_cpu_fini(&hc);
	return ok;
}

bool baseline_add_host(struct baseline *b, const struct host *h, struct err *e)
{
	struct baseline_cpu c;

	c.model = h->model;
	c.vendor = h->vendor;
	c.add = &h->listed;
	c.del = &h->disabled;
	c.source = h->source;
	if (h->kind == HOST_CPUID)
		return add_described(b, h, e);
	if (h->kind == HOST_QMP) {
		/* QEMU's host-model, as libvirt makes it (domcapabilities) */
		struct guest_cpu *g = host_model_of(b->map, h, e);
		bool ok;
		if (!g)
			return false;
		ok = baseline_add_guest_from(b, g, h->source, e);
		guest_cpu_free(g);
		return ok;
	}
	return baseline_add(b, &c, e);
}

bool baseline_add_guest(struct baseline *b, const struct guest_cpu *g, struct err *e)
{
	return baseline_add_guest_from(b, g, NULL, e);
}

static bool baseline_add_guest_from(struct baseline *b, const struct guest_cpu *g,
				    const char *source, struct err *e)
{
	struct fset add = FSET_INIT, del = FSET_INIT;
	struct baseline_cpu c;
	bool ok = false;

	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = vec_get(&g->features, i);
		const struct feature *f = NULL;
		if (gf->policy == POLICY_OPTIONAL)
			continue;
		f = cpu_map_feature(b->map, gf->name);
		if (!f) {
			err_set(e, NULL, 0, "Unknown CPU feature %s", gf->name);
			goto out;
		}
		if (gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID)
			fset_add(&del, f->id);
		else
			fset_add(&add, f->id);
	}
	c.model = g->mode == MODE_CUSTOM ? g->model : NULL;
	c.vendor = g->vendor;
	c.add = &add;
	c.del = &del;
	c.source = source;
	ok = baseline_add(b, &c, e);
out:
	fset_fini(&add);
	fset_fini(&del);
	return ok;
}

static int feature_name_cmp(const void *a, const void *b)
{
	const struct guest_feature *fa = *(const struct guest_feature *const *)a;
	const struct guest_feature *fb = *(const struct guest_feature *const *)b;

	return strcmp(fa->name, fb->name);
}

/* --features: every feature of the model as require, then the explicit
 * require/disable ones on top, then the model's removed features as
 * disable where not mentioned; sorted by name. */
static struct guest_cpu *expand_features(const struct cpu_map *map, const struct guest_cpu *g,
					 const struct cm_model *m)
{
	struct guest_cpu *x = guest_cpu_new();
	struct fset removed = FSET_INIT;

	x->mode = g->mode;
	x->match = g->match;
	x->fallback = g->fallback;
	x->model = g->model ? xstrdup(g->model) : NULL;
	x->vendor = g->vendor ? xstrdup(g->vendor) : NULL;
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (fset_has(&m->features, f->id))
			guest_cpu_set_policy(x, feature_libvirt_name(f), POLICY_REQUIRE);
	}
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = vec_get(&g->features, i);
		if (gf->policy == POLICY_REQUIRE || gf->policy == POLICY_DISABLE)
			guest_cpu_set_policy(x, gf->name, gf->policy);
	}
	decode_model_removed(map, m, &removed);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (fset_has(&removed, f->id) && !guest_cpu_feature(x, feature_libvirt_name(f)))
			guest_cpu_set_policy(x, feature_libvirt_name(f), POLICY_DISABLE);
	}
	fset_fini(&removed);
	vec_sort(&x->features, feature_name_cmp);
	return x;
}

bool baseline_finish(struct baseline *b, const struct baseline_opts *o, struct baseline_result *r,
		     struct err *e)
{
	struct decode_input in;
	struct decode_result dr;
	struct guest_cpu *g = NULL;
	bool ok = false;
	bool same_model;

	memset(r, 0, sizeof(*r));
	memset(&in, 0, sizeof(in));
	memset(&dr, 0, sizeof(dr));
	if (b->n == 0)
		return err_set(e, NULL, 0, "no CPUs given");
	if (fset_empty(&b->data))
		return err_set(e, NULL, 0, "CPUs are incompatible");
	in.features = &b->data;
	in.vendor = b->vendor ? b->vendor->name : NULL;
	in.type = DECODE_GUEST;
	in.preferred = (const char *const *)b->names.v;
	in.n_preferred = b->names.n;
	in.migratable = o && o->migratable;
	if (!cpu_decode(b->map, &in, &dr, e))
		goto out;
	same_model = b->names.n == 1 && !strcmp(dr.model->name, b->names.v[0]);
	g = decode_result_guest(&dr, b->map, same_model ? FALLBACK_FORBID : FALLBACK_ALLOW);
	if (!b->output_vendor) {
		free(g->vendor);
		g->vendor = NULL;
	}
	if (o && o->qemu_filter) {
		const char *const *list = (o->lv ? o->lv : lv_get(LV_9_0))->qemu_filtered;
		for (size_t i = 0; list[i]; i++)
			guest_cpu_set_policy(g, list[i], POLICY_NONE);
	}
	if (o && o->expand_features) {
		struct guest_cpu *x = expand_features(b->map, g, dr.model);
		guest_cpu_free(g);
		g = x;
	}
	/* What the result provides. */
	fset_copy(&r->features, &dr.model->features);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = vec_get(&g->features, i);
		const struct feature *f = cpu_map_feature(b->map, gf->name);
		if (!f)
			continue;
		if (gf->policy == POLICY_DISABLE)
			fset_del(&r->features, f->id);
		else
			fset_add(&r->features, f->id);
	}
	r->cpu = g;
	g = NULL;
	r->model = dr.model;
	r->ncpus = b->n;
	ok = true;
out:
	guest_cpu_free(g);
	decode_result_fini(&dr);
	return ok;
}
