/* drift.c - libvirt's copy of each CPU model against QEMU's own (drift.h
 * has the rules and what they were verified against). */
#include "drift.h"
#include "drift_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "emit.h"
#include "explain.h"
#include "err.h"
#include "guest.h"
#include "libvirt_version.h"
#include "session.h"
#include "vendor.h"

const char *drift_libvirt_name(enum drift_libvirt v)
{
	switch (v) {
	case DRIFT_LIBVIRT_11: return "11.x";
	case DRIFT_LIBVIRT_9_0: return "9.0";
	case DRIFT_LIBVIRT_AUTO:
	default: return "auto";
	}
}

const char *drift_trap_name(enum drift_trap_kind k)
{
	switch (k) {
	case DRIFT_PARTIAL_REFUSES: return "partial-refuses";
	case DRIFT_FULL_REFUSES: return "full-refuses";
	case DRIFT_LETS_THROUGH: return "lets-through";
	case DRIFT_TRAP__COUNT:
	default: return "?";
	}
}

char *drift_feature_list(const struct cpu_map *map, const struct fset *s, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;
	struct fset left = FSET_INIT;

	fset_copy(&left, s);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (!fset_has(&left, f->id))
			continue;
		if (sb.len)
			sb_add(&sb, sep);
		sb_add(&sb, feature_libvirt_name(f));
		fset_del(&left, f->id);
	}
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1)) {
		if (sb.len)
			sb_add(&sb, sep);
		sb_add(&sb, feature_libvirt_name(ftable_get(map->ft, (unsigned)id)));
	}
	fset_fini(&left);
	return sb_take(&sb);
}

/* Is dir DATADIR/name (however either is spelled)? */
static bool same_dir(const char *dir, const char *datadir, const char *name)
{
	char want[PATH_MAX + 32], a[PATH_MAX], b[PATH_MAX];

	snprintf(want, sizeof(want), "%s/%s", datadir, name);
	if (!strcmp(dir, want))
		return true;
	return realpath(dir, a) && realpath(want, b) && !strcmp(a, b);
}

bool drift_map_resolve(const char *datadir, const char *spec, char *dir, size_t dsize,
		       char *label, size_t lsize, struct err *e)
{
	const char *dd = datadir && *datadir ? datadir : "data";

	if (!spec) {
		cpu_map_default_dir(dd, dir, dsize);
		spec = dir;
	} else if (!strcmp(spec, "system")) {
		if (access("/usr/share/libvirt/cpu_map/index.xml", R_OK) != 0)
			return err_set(e, NULL, 0, "this machine has no libvirt cpu_map "
				       "(/usr/share/libvirt/cpu_map/index.xml); --map 9.0 or 11.3 names a "
				       "bundled one");
		snprintf(dir, dsize, "%s", "/usr/share/libvirt/cpu_map");
	} else if (!strcmp(spec, "9.0")) {
		snprintf(dir, dsize, "%s/cpu_map", dd);
	} else if (!strcmp(spec, "11.3")) {
		snprintf(dir, dsize, "%s/cpu_map-11.3", dd);
	} else {
		snprintf(dir, dsize, "%s", spec);
	}
	if (same_dir(dir, dd, "cpu_map")) {
		snprintf(label, lsize, "libvirt 9.0 cpu_map (bundled)");
		return true;
	}
	if (same_dir(dir, dd, "cpu_map-11.3"))
		snprintf(label, lsize, "libvirt 11.3 cpu_map (bundled)");
	else if (!strcmp(dir, "/usr/share/libvirt/cpu_map"))
		snprintf(label, lsize, "the system's libvirt cpu_map (%s)", dir);
	else
		snprintf(label, lsize, "libvirt cpu_map %s", dir);
	return true;
}

/* ---- freeing ----------------------------------------------------------------- */

static void trap_free(void *p)
{
	struct drift_trap *t = p;

	if (!t)
		return;
	fset_fini(&t->features);
	free(t->message);
	free(t->consequence);
	free(t);
}

static void action_free(void *p)
{
	struct drift_action *a = p;

	if (!a)
		return;
	free(a->text);
	free(a->xml);
	guest_cpu_free(a->guest);
	free(a);
}

static void row_free(void *p)
{
	struct drift_row *r = p;

	if (!r)
		return;
	fset_fini(&r->libvirt_only);
	fset_fini(&r->qemu_only);
	fset_fini(&r->accel_off);
	fset_fini(&r->removed);
	fset_fini(&r->tolerated);
	fset_fini(&r->next_drops);
	fset_fini(&r->blockers);
	fset_fini(&r->disable);
	free(r->qemu_cpu);
	vec_fini(&r->traps, trap_free);
	vec_fini(&r->actions, action_free);
	vec_fini(&r->notes, free);
	free(r);
}

static void only_free(void *p)
{
	struct drift_only *o = p;

	if (!o)
		return;
	free(o->note);
	free(o->cpu);
	free(o);
}

void drift_report_free(struct drift_report *r)
{
	if (!r)
		return;
	free(r->title);
	free(r->map_label);
	free(r->host_model);
	free(r->verdict);
	vec_fini(&r->rows, row_free);
	vec_fini(&r->libvirt_only_models, only_free);
	vec_fini(&r->qemu_only_models, only_free);
	cpu_map_free(r->owned_maps[0]);
	cpu_map_free(r->owned_maps[1]);
	free(r);
}

/* ---- models only one side knows --------------------------------------------- */

static struct drift_only *only_new(const char *name, char *note, char *cpu)
{
	struct drift_only *o = xcalloc(1, sizeof(*o));

	o->name = name;
	o->note = note;
	o->cpu = cpu;
	return o;
}

/* fallback='allow': the model libvirt starts instead (its translation,
 * a guest decode of the model's features over QEMU's models). */
static char *translation(struct drift_ctx *c, const struct cm_model *lm)
{
	struct decode_input in;
	struct decode_result res;
	struct decode_hv_model *hv = xcalloc(c->md->defs.n + 1, sizeof(*hv));
	struct fset *bl = xcalloc(c->md->defs.n + 1, sizeof(*bl));
	size_t n = 0;
	struct err e;
	char *s = NULL;

	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = c->md->defs.v[i];
		struct model_view mv;
		if (drift_qemu_special(d->name) || !cpu_map_model(c->map, d->name))
			continue;
		model_view_init(c->ds, c->md, d, &mv);
		model_usable(&mv, c->o->host, &bl[n]);
		hv[n].name = d->name;
		hv[n].blockers = &bl[n];
		n++;
	}
	memset(&in, 0, sizeof(in));
	in.features = &lm->features;
	in.vendor = lm->vendor;
	if (lm->nsigs) {
		in.has_signature = true;
		in.family = lm->sigs[0].family;
		in.model = lm->sigs[0].model;
		in.stepping = 0;
	}
	in.type = DECODE_GUEST;
	in.restrict_models = true;
	in.hv_models = hv;
	in.n_hv_models = n;
	in.fallback_allow = true;
	err_clear(&e);
	memset(&res, 0, sizeof(res));
	if (cpu_decode(c->map, &in, &res, &e) && res.model) {
		struct guest_cpu *g = decode_result_guest(&res, c->map, FALLBACK_FORBID);
		struct vec notes = VEC_INIT;
		const char *why = NULL;
		struct fset removed = FSET_INIT;
		/* the model's removed features, which libvirt lists as disable
		 * before it translates, stay after the decode's */
		decode_model_removed(c->map, lm, &removed);
		drift_add_removed(c->map, g, &removed);
		fset_fini(&removed);
		s = emit_qemu_cpu(g, c->map->ft, NULL, &notes, &why);
		vec_fini(&notes, free);
		guest_cpu_free(g);
	}
	decode_result_fini(&res);
	for (size_t i = 0; i < n; i++)
		fset_fini(&bl[i]);
	free(bl);
	free(hv);
	return s;
}

static char *libvirt_only_note(const struct cm_model *lm, const char *t)
{
	char *s;

	if (t)
		s = xasprintf("QEMU has no such model: with fallback='allow' libvirt starts -cpu %s "
			      "instead (its closest model and features); with fallback='forbid' it "
			      "refuses: \"unsupported configuration: CPU model %s is not supported by "
			      "hypervisor\"", t, lm->name);
	else
		s = xasprintf("QEMU has no such model: libvirt refuses it (\"unsupported "
			      "configuration: CPU model %s is not supported by hypervisor\") unless "
			      "fallback='allow' finds a close one", lm->name);
	return s;
}

static char *qemu_only_note(struct drift_ctx *c, const struct cpu_def *d)
{
	struct model_view mv;
	struct strbuf sb = STRBUF_INIT;
	const char *known = NULL;

	model_view_init(c->ds, c->md, d, &mv);
	/* another name of the same QEMU definition that libvirt knows */
	for (size_t i = 0; i < c->md->defs.n && !known; i++) {
		const struct cpu_def *o = c->md->defs.v[i];
		const char *res = o->alias_of ? o->alias_of : o->name;
		if (o != d && !strcmp(res, mv.resolved) && cpu_map_model(c->map, o->name))
			known = o->name;
	}
	sb_addf(&sb, "libvirt refuses it (\"internal error: Unknown CPU model %s\", whatever the "
		"fallback)", d->name);
	if (known)
		sb_addf(&sb, "; libvirt knows %s, which QEMU resolves to %s too on %s", known,
			mv.resolved, c->md->machine);
	else if (c->o->next_map && cpu_map_model(c->o->next_map, d->name))
		sb_addf(&sb, "; %s's cpu_map has it", c->o->next_map_label ? c->o->next_map_label :
			"a newer libvirt");
	else
		sb_add(&sb, "; host-model or host-passthrough give the host's CPU instead");
	return sb_take(&sb);
}

/* ---- the filter ----------------------------------------------------------------- */

static bool wanted(const struct drift_ctx *c, const char *name, const char *resolved, bool *hit)
{
	const struct drift_opts *o = c->o;
	bool any = false;

	if (!o->nmodels)
		return true;
	for (size_t i = 0; i < o->nmodels; i++) {
		const char *w = o->models[i];
		const struct cpu_def *d = mdata_def(c->md, w);
		const char *wres = d ? (d->alias_of ? d->alias_of : d->name) : NULL;
		if (!strcmp(w, name) || (resolved && (!strcmp(w, resolved) ||
						      (wres && !strcmp(wres, resolved))))) {
			hit[i] = true;
			any = true;
		}
	}
	return any;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct drift_row *a = *(const struct drift_row *const *)pa;
	const struct drift_row *b = *(const struct drift_row *const *)pb;

	return model_name_cmp(a->name, b->name);
}

static int only_cmp(const void *pa, const void *pb)
{
	const struct drift_only *a = *(const struct drift_only *const *)pa;
	const struct drift_only *b = *(const struct drift_only *const *)pb;

	return model_name_cmp(a->name, b->name);
}

/* What libvirt's check='partial' compares with: the host file's CPU, or
 * the host-model libvirt makes from QEMU's max (TCG) / host (KVM). */
static void host_model(struct drift_ctx *c)
{
	struct drift_report *r = c->r;

	if (c->o->host) {
		if (c->o->host->resolved || c->o->host->kind == HOST_QMP || c->o->host->kind == HOST_CPUID) {
			fset_copy(&c->hm, &c->o->host->features);
			r->host_model_known = true;
		}
		const char *label = c->o->host_label ? c->o->host_label : c->o->host->source;
		if (c->o->host->kind == HOST_DOMCAPS)
			r->host_model = xasprintf("the host-model CPU of %s", label);
		else if (c->o->host->kind == HOST_CPUID)
			r->host_model = xstrdup(label);
		else
			r->host_model = xasprintf("the CPU of %s", label);
	} else {
		bool kvm = c->ds->accel && !strcmp(c->ds->accel, "kvm");
		const char *cpu = kvm ? "host" : "max";
		const struct expansion *x = dataset_expansion(c->ds, c->md, cpu, true);
		if (x) {
			fset_copy(&c->hm, &x->on);
			r->host_model_known = true;
		}
		r->host_model = xasprintf("the host-model CPU libvirt makes from QEMU's '%s' CPU "
					  "(%s)%s", cpu, c->ds->accel ? c->ds->accel : "?",
					  x ? "" : ": not in the data, so check='partial' is not judged");
	}
	fset_and(&c->hm, &c->map->known);
}

struct drift_report *drift_compute(const struct dataset *ds, const struct mdata *md,
				   const struct cpu_map *map, const struct drift_opts *o,
				   struct err *e)
{
	struct drift_ctx c;
	struct drift_report *r;
	bool *hit = NULL;

	if (ds->arch != ARCH_X86_64 || map->arch != ARCH_X86_64) {
		err_set(e, NULL, 0, "libvirt keeps a CPU map for x86 only; on %s its models are "
			"QEMU's", arch_name(ds->arch));
		return NULL;
	}
	if (!md || !md->defs_known) {
		err_set(e, NULL, 0, "no CPU definitions for machine type '%s'", md ? md->machine : "?");
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.ds = ds;
	c.md = md;
	c.map = map;
	c.o = o;
	r = xcalloc(1, sizeof(*r));
	c.r = r;
	r->ft = map->ft;
	r->map = map;
	r->machine = md->machine;
	r->libvirt = o->libvirt;
	if (r->libvirt == DRIFT_LIBVIRT_AUTO) {
		r->libvirt = DRIFT_LIBVIRT_9_0;
		for (size_t i = 0; i < map->models.n; i++) {
			const struct cm_model *m = map->models.v[i];
			if (m->check_partial_compat || m->canonical_of || !fset_empty(&m->added))
				r->libvirt = DRIFT_LIBVIRT_11;
		}
	}
	r->map_label = xstrdup(o->map_label ? o->map_label : map->dir);
	r->title = xasprintf("%s vs %s on %s", r->map_label,
			     o->qemu_label ? o->qemu_label : "QEMU", md->machine);
	r->verdict = xstrdup(o->host ? (o->host_label ? o->host_label : o->host->source) :
			     (o->qemu_label ? o->qemu_label : "QEMU's own verdict"));
	host_model(&c);
	/* what any model enables here (accelerator-wide differences) */
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = md->defs.v[i];
		const struct expansion *x = dataset_expansion(ds, md, d->name, true);
		if (x)
			fset_or(&c.enabled_any, &x->on);
	}
	hit = xcalloc(o->nmodels + 1, sizeof(*hit));
	r->nmap = map->models.n;
	for (size_t i = 0; i < map->models.n; i++) {
		const struct cm_model *lm = map->models.v[i];
		const struct cpu_def *d = mdata_def(md, lm->name);
		if (d) {
			const char *res = d->alias_of ? d->alias_of : d->name;
			struct drift_row *row;
			if (!wanted(&c, lm->name, res, hit))
				continue;
			row = drift_row_build(&c, lm, d);
			vec_push(&r->rows, row);
		} else if (wanted(&c, lm->name, NULL, hit)) {
			char *t = translation(&c, lm);
			vec_push(&r->libvirt_only_models,
				 only_new(lm->name, libvirt_only_note(lm, t), t));
		}
	}
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = md->defs.v[i];
		if (drift_qemu_special(d->name))
			continue;
		r->nqemu++;
		if (cpu_map_model(map, d->name) ||
		    !wanted(&c, d->name, d->alias_of ? d->alias_of : d->name, hit))
			continue;
		vec_push(&r->qemu_only_models, only_new(d->name, qemu_only_note(&c, d), NULL));
	}
	for (size_t i = 0; i < o->nmodels; i++) {
		struct model_view mv;
		if (hit[i])
			continue;
		if (mdata_def(md, o->models[i]))
			err_set(e, NULL, 0, "'%s' is not a CPU model libvirt's map can define (libvirt "
				"has modes for it: host-passthrough, maximum)", o->models[i]);
		else if (model_lookup(ds, md, o->models[i], &mv, e)) /* fails, with suggestions */
			err_set(e, NULL, 0, "unknown CPU model '%s'", o->models[i]);
		free(hit);
		fset_fini(&c.hm);
		fset_fini(&c.enabled_any);
		drift_report_free(r);
		return NULL;
	}
	free(hit);
	vec_sort(&r->rows, row_cmp);
	vec_sort(&r->libvirt_only_models, only_cmp);
	vec_sort(&r->qemu_only_models, only_cmp);
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct drift_row *row = r->rows.v[i];
		if (!fset_empty(&row->libvirt_only) || !fset_empty(&row->qemu_only))
			r->ndiffer++;
		for (size_t k = 0; k < row->traps.n; k++)
			r->ntraps[((const struct drift_trap *)row->traps.v[k])->kind]++;
		r->nvendor += row->vendor_differs;
		r->nsignature += row->signature_differs;
	}
	fset_fini(&c.hm);
	fset_fini(&c.enabled_any);
	return r;
}

struct drift_report *drift_session(struct session *s, const struct host *host,
				   const char *host_label, const char *map_spec,
				   const char *const *models, size_t nmodels, struct err *e)
{
	char dir[PATH_MAX + 32], label[PATH_MAX + 96], next_dir[PATH_MAX + 32];
	struct cpu_map *map = NULL, *next = NULL, *own_map = NULL, *own_next = NULL;
	struct drift_opts o;
	struct drift_report *r;
	enum drift_libvirt libvirt = DRIFT_LIBVIRT_AUTO;

	if (!session_load_data(s, e))
		return NULL;
	if (s->arch != ARCH_X86_64) {
		err_set(e, NULL, 0, "libvirt keeps a CPU map for x86 only; on %s its models are "
			"QEMU's", arch_name(s->arch));
		return NULL;
	}
	if (!map_spec) {
		/* the session's map, and the libvirt release it goes with
		 * (--libvirt-version, --cpu-map, the installed libvirt) */
		if (!session_load_map(s, e))
			return NULL;
		map = s->map;
		if (!drift_map_resolve(s->datadir, map->dir, dir, sizeof(dir), label, sizeof(label), e))
			return NULL;
		if (s->libvirt)
			libvirt = s->libvirt->version == LV_11 ? DRIFT_LIBVIRT_11 : DRIFT_LIBVIRT_9_0;
	} else {
		if (!drift_map_resolve(s->datadir, map_spec, dir, sizeof(dir), label, sizeof(label), e))
			return NULL;
		if (s->map && !strcmp(s->map->dir, dir)) {
			map = s->map;
		} else {
			map = own_map = cpu_map_load(dir, s->arch, s->ft, e);
			if (!map)
				return NULL;
		}
		/* an explicit --libvirt-version still decides whose checks */
		if (s->o.libvirt_version) {
			const struct lv_semantics *lv = lv_for_release(s->o.libvirt_version);
			if (lv)
				libvirt = lv->version == LV_11 ? DRIFT_LIBVIRT_11 : DRIFT_LIBVIRT_9_0;
		}
	}
	snprintf(next_dir, sizeof(next_dir), "%s/cpu_map-11.3", s->datadir);
	if (strcmp(dir, next_dir) != 0) {
		struct err ne;
		err_clear(&ne);
		if (s->map_new && !strcmp(s->map_new->dir, next_dir))
			next = s->map_new;
		else
			next = own_next = cpu_map_load(next_dir, s->arch, s->ft, &ne);
	}
	memset(&o, 0, sizeof(o));
	o.host = host;
	o.models = models;
	o.nmodels = nmodels;
	o.libvirt = libvirt;
	o.next_map = next;
	o.next_map_label = "libvirt 11.3";
	o.map_label = label;
	o.qemu_label = s->data_label;
	o.host_label = host ? host_label : NULL;
	r = drift_compute(s->ds, s->md, map, &o, e);
	if (!r) {
		cpu_map_free(own_map);
		cpu_map_free(own_next);
		return NULL;
	}
	r->owned_maps[0] = own_map;
	r->owned_maps[1] = own_next;
	return r;
}
