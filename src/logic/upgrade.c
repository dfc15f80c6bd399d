/* upgrade.c - what a QEMU or host change does to a guest CPU (upgrade.h). */
#include "upgrade.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_arg.h"
#include "err.h"
#include "explain.h"
#include "logic.h"

/* ---- machine type families ------------------------------------------------ */

const char *machine_family(const char *name, char *buf, size_t size)
{
	const char *dash = strrchr(name, '-');
	size_t n = strlen(name);

	if (dash && dash[1] >= '0' && dash[1] <= '9' &&
	    strspn(dash + 1, "0123456789.") == strlen(dash + 1))
		n = (size_t)(dash - name);
	snprintf(buf, size, "%.*s", (int)n, name);
	return buf;
}

static bool same_family(const char *name, const char *fam)
{
	char f[128];

	return !strcmp(machine_family(name, f, sizeof(f)), fam);
}

const struct machine *machine_family_pick(const struct dataset *ds, const char *spec)
{
	const struct machine *m = dataset_machine(ds, spec), *best = NULL;
	char fam[128];

	if (m && m->alias && !strcmp(m->alias, spec))
		return m;
	machine_family(m ? m->name : spec, fam, sizeof(fam));
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *c = vec_get(&ds->machines, i);
		if (!same_family(c->name, fam))
			continue;
		if (c->alias)
			return c;
		if (!best || str_natcmp(c->name, best->name) > 0)
			best = c;
	}
	return best;
}

const struct machine *machine_family_oldest(const struct dataset *ds, const char *name)
{
	const struct machine *best = NULL;
	char fam[128];

	machine_family(name, fam, sizeof(fam));
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *c = vec_get(&ds->machines, i);
		if (same_family(c->name, fam) && dataset_find_mdata(ds, c->name) &&
		    (!best || str_natcmp(c->name, best->name) < 0))
			best = c;
	}
	return best;
}

void fset_names_missing(const struct ftable *from, const struct fset *s, const struct ftable *to,
			const struct fset *t, struct vec *out)
{
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(from, (unsigned)id);
		if (f->flags & FEAT_PSEUDO)
			continue;
		if (to && t) {
			const struct feature *g = ftable_lookup(to, f->name);
			if (g && fset_has(t, g->id))
				continue;
		}
		vec_push(out, f->name);
	}
}

/* ---- small helpers ---------------------------------------------------------- */

const char *upgrade_sev_name(enum upgrade_sev s)
{
	switch (s) {
	case UPG_INFO: return "info";
	case UPG_WARN: return "warning";
	case UPG_CHANGE: return "change";
	case UPG_BREAK: return "breaks";
	}
	return "?";
}

static int cmp_names(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

static void finding(struct upgrade_report *r, enum upgrade_sev sev, const char *fmt, ...)
	ATTR_FORMAT(3, 4);
static void finding(struct upgrade_report *r, enum upgrade_sev sev, const char *fmt, ...)
{
	struct upgrade_finding *f = xcalloc(1, sizeof(*f));
	va_list ap;

	va_start(ap, fmt);
	f->sev = sev;
	f->text = xvasprintf(fmt, ap);
	va_end(ap);
	vec_push(&r->findings, f);
	if (sev > r->worst)
		r->worst = sev;
}

static void finding_free(void *p)
{
	struct upgrade_finding *f = p;

	if (f)
		free(f->text);
	free(f);
}

static void prop_free(void *p)
{
	struct upgrade_prop *x = p;

	if (!x)
		return;
	free(x->name);
	free(x->from);
	free(x->to);
	free(x);
}

/* "a, b, c" of a name list (all of it: the check names every feature). */
static void add_list(struct strbuf *sb, const struct vec *names)
{
	for (size_t i = 0; i < names->n; i++) {
		sb_add(sb, i ? ", " : "");
		sb_add(sb, names->v[i]);
	}
}

static char *list_str(const struct vec *names)
{
	struct strbuf sb = STRBUF_INIT;

	add_list(&sb, names);
	return sb_take(&sb);
}

static char *unquote(const char *json)
{
	size_t n = json ? strlen(json) : 0;

	if (!json)
		return NULL;
	if (n >= 2 && json[0] == '"' && json[n - 1] == '"')
		return xstrndup(json + 1, n - 2);
	return xstrdup(json);
}

/* "QEMU 10.0.2's tcg" or the host's label: who provides the features. */
static const char *provider(const struct upgrade_end *x, char *buf, size_t size)
{
	if (x->host)
		snprintf(buf, size, "%s", x->label);
	else
		snprintf(buf, size, "QEMU %s's %s", x->ds->qemu_version ? x->ds->qemu_version : "?",
			 x->ds->accel ? x->ds->accel : "accelerator");
	return buf;
}

static const char *qemu_name(const struct upgrade_end *x, char *buf, size_t size)
{
	snprintf(buf, size, "QEMU %s", x->ds->qemu_version ? x->ds->qemu_version : "?");
	return buf;
}

static bool has_pseudo(const struct ftable *ft, const struct fset *s)
{
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		if (ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO)
			return true;
	return false;
}

static void drop_pseudo_set(const struct ftable *ft, struct fset *s)
{
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		if (ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO)
			fset_del(s, (unsigned)id);
}

/* ---- one side ----------------------------------------------------------------- */

static void end_fini(struct upgrade_end *x)
{
	fset_fini(&x->model_features);
	fset_fini(&x->requested);
	fset_fini(&x->blockers);
	fset_fini(&x->features);
	fset_fini(&x->forbidden);
	vec_fini(&x->unknown, free);
}

/* The machine type of one side.  Returns its data, or NULL (missing). */
static const struct mdata *end_machine(const struct upgrade_guest *in, struct upgrade_end *x,
				       bool replace)
{
	const struct dataset *ds = x->ds;
	const struct mdata *md = NULL;
	const struct machine *m;
	struct err e;

	err_clear(&e);
	snprintf(x->machine_asked, sizeof(x->machine_asked), "%s", in->machine ? in->machine : "");
	if (in->machine) {
		md = dataset_resolve_machine(ds, in->machine, &e);
	} else {
		m = dataset_default_machine(ds);
		md = m ? dataset_find_mdata(ds, m->name) : NULL;
	}
	m = in->machine ? dataset_machine(ds, in->machine) : dataset_default_machine(ds);
	if (!md && m && ds->mdatas.n == 1 && (md = dataset_find_mdata(ds, "none"))) {
		/* a libvirt capture: its definitions (asked under -machine none)
		 * stand for every machine type it lists, as libvirt uses them */
		snprintf(x->machine, sizeof(x->machine), "%s", m->name);
		x->machine_deprecated = m->deprecated;
		return md;
	}
	if (!md) {
		x->machine_missing = true;
		m = replace && in->machine ? machine_family_oldest(ds, in->machine) : NULL;
		md = m ? dataset_find_mdata(ds, m->name) : NULL;
		x->machine_replaced = md != NULL;
	}
	if (md) {
		snprintf(x->machine, sizeof(x->machine), "%s", md->machine);
		m = dataset_machine(ds, md->machine);
		x->machine_deprecated = m && m->deprecated;
	}
	return md;
}

/* Is name a non-feature property QEMU knows for this model (l3-cache,
 * hv-relaxed, ...)? */
static bool is_property(const struct upgrade_end *x, const char *name)
{
	return x->full && expansion_prop(x->full, name) != NULL;
}

static bool end_eval(const struct upgrade_guest *in, const struct upgrade_side *sd, bool is_from,
		     struct upgrade_end *x, struct err *e)
{
	const struct guest_cpu *g = in->g;
	const struct dataset *ds = sd->ds;
	struct ftable *ft = ds->ft;
	const struct mdata *md;
	struct model_view mv;
	struct fset model_blk = FSET_INIT, provider_set = FSET_INIT, qprops = FSET_INIT,
		    dep = FSET_INIT;
	bool provider_known = false, data = true;
	const char *name = NULL;
	struct err le;

	memset(x, 0, sizeof(*x));
	x->label = sd->label;
	x->ds = ds;
	x->host = sd->host;
	x->ft = ft;
	md = end_machine(in, x, !is_from);
	if (!md && is_from) {
		/* dataset_resolve_machine's message, with its suggestions */
		err_clear(&le);
		if (!in->machine || dataset_resolve_machine(ds, in->machine, &le))
			snprintf(le.msg, sizeof(le.msg), "no default machine type in this data");
		return err_set(e, NULL, 0, "%s: %s", sd->label, le.msg);
	}
	if (!md) {
		data = false;
		goto verdict;
	}

	switch (g->mode) {
	case MODE_HOST_PASSTHROUGH: name = "host"; break;
	case MODE_MAXIMUM: name = "max"; break;
	case MODE_HOST_MODEL:
		x->host_model = true;
		name = ds->accel && !strcmp(ds->accel, "kvm") ? "host" : "max";
		break;
	case MODE_CUSTOM:
	default:
		name = g->model;
		break;
	}
	if (!name)
		return err_set(e, NULL, 0, "%s: the guest CPU names no model", in->source);
	snprintf(x->model, sizeof(x->model), "%s", x->host_model ? "" : name);
	err_clear(&le);
	if (!model_lookup(ds, md, name, &mv, &le)) {
		if (is_from)
			return err_set(e, in->source, 0, "%s on %s: %s", sd->label, md->machine, le.msg);
		x->model_missing = true;
		data = false;
		goto verdict;
	}
	x->def = mv.def;
	x->full = mv.full;
	x->model_deprecated = mv.def->deprecated;
	if (!x->host_model)
		snprintf(x->resolved, sizeof(x->resolved), "%s", mv.resolved);

	/* the model's features, and what blocks them */
	if (x->host_model && sd->host && sd->host->resolved) {
		fset_copy(&x->model_features, &sd->host->features);
		snprintf(x->host_model_from, sizeof(x->host_model_from), "%s of %s",
			 sd->host->kind == HOST_DOMCAPS ? "the host-model CPU" : "the CPU", sd->label);
		x->blockers_known = true;
	} else if (g->mode != MODE_CUSTOM && !x->host_model && sd->host && sd->host->resolved) {
		/* host-passthrough and maximum are the host's CPU */
		fset_copy(&x->model_features, &sd->host->features);
		x->blockers_known = model_usable(&mv, sd->host, &model_blk) != USABLE_UNKNOWN;
		for (int id = fset_next(&model_blk, 0); id >= 0;
		     id = fset_next(&model_blk, (unsigned)id + 1))
			if (!(ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO))
				fset_del(&model_blk, (unsigned)id);
	} else {
		if (mv.full)
			fset_copy(&x->model_features, &mv.full->on);
		if (x->host_model) {
			snprintf(x->host_model_from, sizeof(x->host_model_from),
				 "QEMU %s's expansion of '%s' (libvirt's host-model under %s)",
				 ds->qemu_version ? ds->qemu_version : "?", name,
				 ds->accel ? ds->accel : "this accelerator");
			x->blockers_known = true;
		} else {
			x->blockers_known = model_usable(&mv, sd->host, &model_blk) != USABLE_UNKNOWN;
		}
	}
	drop_pseudo_set(ft, &x->model_features);

	/* what the accelerator or host provides, for the guest's own features */
	if (sd->host) {
		provider_known = sd->host->resolved;
		if (provider_known)
			fset_copy(&provider_set, &sd->host->features);
	} else {
		const struct expansion *mx = dataset_expansion(ds, md, "max", true);
		provider_known = mx != NULL;
		if (mx)
			fset_copy(&provider_set, &mx->on);
	}
	dataset_qemu_props(ds, &qprops);

	/* the guest's policies */
	fset_copy(&x->requested, &x->model_features);
	fset_copy(&x->blockers, &model_blk);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const struct feature *f = ftable_lookup(ft, gf->name);
		bool on = gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE;

		if (!f || !fset_has(&qprops, f->id)) {
			if (is_property(x, gf->name))
				continue;
			/* QEMU refuses a property it lacks; libvirt leaves such a
			 * feature out of -cpu unless it asks for it on */
			if ((on || in->cpu_arg) && is_from) {
				const char *sugg[3];
				size_t ns = ftable_suggest(ft, gf->name, sugg, 3);
				err_set(e, in->source, gf->line, "%s has no feature '%s'%s%s%s%s%s",
					sd->label, gf->name,
					ns ? "; did you mean " : "", ns ? sugg[0] : "", ns > 1 ? ", " : "",
					ns > 1 ? sugg[1] : "", ns ? "?" : "");
				goto fail;
			}
			vec_push(&x->unknown, xstrdup(gf->name));
			if (on || in->cpu_arg)
				x->unknown_on = true;
			continue;
		}
		switch (gf->policy) {
		case POLICY_FORCE:
		case POLICY_REQUIRE:
			fset_add(&x->requested, f->id);
			if (provider_known && !fset_has(&provider_set, f->id))
				fset_add(&x->blockers, f->id);
			break;
		case POLICY_FORBID:
			if (provider_known && fset_has(&provider_set, f->id))
				fset_add(&x->forbidden, f->id);
			/* fall through */
		case POLICY_DISABLE:
			fset_del(&x->requested, f->id);
			explain_dependents(ft, f->id, &dep);
			fset_andnot(&x->requested, &dep);
			break;
		case POLICY_OPTIONAL:
			/* libvirt decides at start: on when the host has it */
			if (provider_known && fset_has(&provider_set, f->id))
				fset_add(&x->requested, f->id);
			else if (provider_known)
				fset_del(&x->requested, f->id);
			break;
		case POLICY_NONE:
		case POLICY__COUNT:
		default:
			break;
		}
	}
	/* blockers the guest switched off no longer block; pseudo ones stay */
	for (int id = fset_next(&x->blockers, 0); id >= 0; id = fset_next(&x->blockers, (unsigned)id + 1))
		if (!(ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO) &&
		    !fset_has(&x->requested, (unsigned)id))
			fset_del(&x->blockers, (unsigned)id);
	fset_copy(&x->features, &x->requested);
	fset_andnot(&x->features, &x->blockers);

verdict:
	x->check = g->check;
	if (x->check == CHECK_UNSET)
		x->check = g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM ? CHECK_NONE :
			   CHECK_PARTIAL;
	data = data && !(x->machine_missing);
	x->starts_qemu = data && !x->unknown_on && !has_pseudo(ft, &x->blockers);
	if (x->host_model && sd->host && sd->host->kind == HOST_DOMCAPS &&
	    !sd->host->host_model_supported)
		x->starts_qemu = false;
	x->starts_enforce = x->starts_qemu && fset_empty(&x->blockers);
	x->starts_libvirt = x->check == CHECK_NONE ? x->starts_qemu :
			    x->starts_enforce && fset_empty(&x->forbidden);
	x->starts = in->cpu_arg ? (in->enforce ? x->starts_enforce : x->starts_qemu) : x->starts_libvirt;
	fset_fini(&model_blk);
	fset_fini(&provider_set);
	fset_fini(&qprops);
	fset_fini(&dep);
	return true;
fail:
	fset_fini(&model_blk);
	fset_fini(&provider_set);
	fset_fini(&qprops);
	fset_fini(&dep);
	return false;
}

/* ---- the differences ---------------------------------------------------------- */

static void diff_props(struct upgrade_report *r)
{
	struct vec pa = VEC_INIT, pb = VEC_INIT;
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct expansion *newest = NULL;
	size_t i = 0, j = 0;

	if (!a->full || !b->full)
		return;
	expansion_props_all(a->full, &pa);
	expansion_props_all(b->full, &pb);
	/* the same model on the newest machine type of the family: a property
	 * only 'to' has and sets otherwise there is a compat property */
	if (b->machine[0]) {
		const struct machine *m = machine_family_pick(b->ds, b->machine);
		const struct mdata *md = m ? dataset_find_mdata(b->ds, m->name) : NULL;
		if (md && strcmp(md->machine, b->machine) && b->def)
			newest = dataset_expansion(b->ds, md, b->def->name, true);
	}
	while (i < pa.n || j < pb.n) {
		const struct prop *x = i < pa.n ? pa.v[i] : NULL, *y = j < pb.n ? pb.v[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x->name, y->name);
		struct upgrade_prop *p;

		if (c == 0 && str_eq(x->json, y->json)) {
			i++;
			j++;
			continue;
		}
		p = xcalloc(1, sizeof(*p));
		if (c <= 0) {
			p->name = xstrdup(x->name);
			p->from = unquote(x->json);
			i++;
		}
		if (c >= 0) {
			free(p->name);
			p->name = xstrdup(y->name);
			p->to = unquote(y->json);
			j++;
		}
		if (c == 0) {
			vec_push(&r->prop_changed, p);
		} else if (c > 0) {
			const char *nv = newest ? expansion_prop(newest, p->name) : NULL;
			p->compat = nv && !str_eq(nv, y->json);
			vec_push(&r->prop_new, p);
		} else {
			vec_push(&r->prop_gone, p);
		}
	}
	vec_fini(&pa, NULL);
	vec_fini(&pb, NULL);
}

static void new_versions(struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct mdata *ma, *mb;
	struct vec va = VEC_INIT, vb = VEC_INIT;
	char base[128];

	if (!a->def || !b->def || !a->resolved[0])
		return;
	ma = dataset_find_mdata(a->ds, a->machine);
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!ma || !mb)
		return;
	model_version_of(a->resolved, base, sizeof(base));
	model_versions(ma, base, &va);
	model_versions(mb, base, &vb);
	for (size_t i = 0; i < vb.n; i++) {
		const struct cpu_def *d = vb.v[i];
		bool old = false;
		for (size_t k = 0; k < va.n && !old; k++)
			old = !strcmp(((const struct cpu_def *)va.v[k])->name, d->name);
		if (!old)
			vec_push(&r->new_versions, xstrdup(d->name));
	}
	vec_fini(&va, NULL);
	vec_fini(&vb, NULL);
}

/* Every model both machine types have, by its own verdict on each side. */
static void model_verdicts(struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct mdata *ma, *mb;
	struct fset blk = FSET_INIT;

	if (b->machine_missing || !a->machine[0] || !b->machine[0])
		return;
	ma = dataset_find_mdata(a->ds, a->machine);
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!ma || !mb)
		return;
	for (size_t i = 0; i < ma->defs.n; i++) {
		const struct cpu_def *da = ma->defs.v[i], *db = mdata_def(mb, da->name);
		struct model_view va, vb;
		if (!db)
			continue;
		model_view_init(a->ds, ma, da, &va);
		model_view_init(b->ds, mb, db, &vb);
		enum usable ua = model_usable(&va, a->host, &blk), ub = model_usable(&vb, b->host, &blk);
		r->models_compared++;
		if (ua == USABLE_YES && ub == USABLE_NO)
			vec_push(&r->stop_starting, da->name);
		else if (ua == USABLE_NO && ub == USABLE_YES)
			vec_push(&r->start_starting, da->name);
	}
	vec_sort(&r->stop_starting, cmp_names);
	vec_sort(&r->start_starting, cmp_names);
	fset_fini(&blk);
}

/* A version of the guest's family that the new side can run, when the
 * guest loses features there: the newest usable one, with its aliases. */
static void alternative(struct upgrade_report *r)
{
	const struct upgrade_end *b = &r->to;
	const struct mdata *mb;
	const struct cpu_def *best;
	char base[128];

	if (!r->drops_new.n || !b->def || !b->resolved[0] || b->machine_missing)
		return;
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!mb || model_version_of(b->resolved, base, sizeof(base)) <= 0)
		return;
	best = model_best_version(b->ds, mb, base, b->host);
	if (!best || !strcmp(best->name, b->resolved))
		return;
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	sb_add(&sb, best->name);
	for (size_t i = 0; i < mb->defs.n; i++) {
		const struct cpu_def *d = mb->defs.v[i];
		if (d->alias_of && !strcmp(d->alias_of, best->name))
			sb_addf(&sb, "%s%s", n++ ? ", " : " (", d->name);
	}
	if (n)
		sb_add(&sb, ")");
	r->alternative = sb_take(&sb);
}

static const char *yes_no(bool v)
{
	return v ? "starts" : "does not start";
}

static void findings(const struct upgrade_guest *in, struct upgrade_report *r)
{
	struct upgrade_end *a = &r->from, *b = &r->to;
	char qa[64], qb[64], pa[600], pb[600];
	char *l;

	qemu_name(a, qa, sizeof(qa));
	qemu_name(b, qb, sizeof(qb));
	provider(a, pa, sizeof(pa));
	provider(b, pb, sizeof(pb));

	/* the machine type */
	if (b->machine_missing) {
		if (b->machine_replaced)
			finding(r, UPG_BREAK, "machine type %s does not exist in %s (removed): the guest "
				"does not start.  The oldest of its family there is %s; below, the CPU on "
				"it (moving the guest changes its machine, not only its CPU)",
				b->machine_asked, qb, b->machine);
		else
			finding(r, UPG_BREAK, "machine type %s does not exist in %s: the guest does not "
				"start", b->machine_asked[0] ? b->machine_asked : "(the default)", qb);
	} else if (b->machine_deprecated && !a->machine_deprecated) {
		finding(r, UPG_WARN, "machine type %s is deprecated in %s: a later QEMU removes it",
			b->machine, qb);
	} else if (b->machine_deprecated) {
		finding(r, UPG_WARN, "machine type %s is deprecated (in %s and in %s)", b->machine, qa, qb);
	}
	if (!b->machine_missing && strcmp(a->machine, b->machine)) {
		if (in->machine)
			finding(r, UPG_INFO, "%s stands for %s in %s and for %s in %s", in->machine,
				a->machine, qa, b->machine, qb);
		else
			finding(r, UPG_INFO, "the default machine type moves from %s (%s) to %s (%s): a "
				"guest defined without one gets the new one", a->machine, qa, b->machine, qb);
	}

	/* the model */
	if (b->model_missing) {
		finding(r, UPG_BREAK, "model %s does not exist in %s: the guest does not start", a->model, qb);
	} else if (b->def) {
		if (strcmp(a->resolved, b->resolved) && a->resolved[0] && b->resolved[0])
			finding(r, UPG_CHANGE, "%s stands for %s in %s on %s, and for %s in %s on %s",
				a->model, a->resolved, qa, a->machine, b->resolved, qb, b->machine);
		if (b->model_deprecated && !a->model_deprecated)
			finding(r, UPG_WARN, "model %s is deprecated in %s: a later QEMU may remove it",
				b->model, qb);
		if (r->new_versions.n) {
			l = list_str(&r->new_versions);
			finding(r, UPG_INFO, "%s adds %s (this guest keeps %s)", qb, l,
				b->resolved[0] ? b->resolved : b->model);
			free(l);
		}
	}
	if (!b->def)
		return;

	/* the model's definition */
	if (b->host_model) {
		if (r->def_lost.n || r->def_gained.n) {
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "host-model expands differently: %s on one side, %s on the other", 
				a->host_model_from, b->host_model_from);
			if (r->def_gained.n) {
				sb_add(&sb, "; it gains ");
				add_list(&sb, &r->def_gained);
			}
			if (r->def_lost.n) {
				sb_add(&sb, "; it loses ");
				add_list(&sb, &r->def_lost);
			}
			finding(r, UPG_CHANGE, "%s", sb_str(&sb));
			sb_fini(&sb);
		} else {
			finding(r, UPG_INFO, "host-model expands to the same %zu features on both sides",
				fset_count(&b->model_features));
		}
	} else if (r->definition_same) {
		if (a->ds == b->ds && !strcmp(a->machine, b->machine))
			finding(r, UPG_INFO, "both sides use the same QEMU data (%s): only the host "
				"differs; %s has %zu features", qa, a->resolved, fset_count(&b->model_features));
		else if (!strcmp(a->machine, b->machine))
			finding(r, UPG_INFO, "QEMU keeps its promise: %s on %s has the same %zu features in "
				"%s and in %s", a->resolved, a->machine, fset_count(&b->model_features), qa, qb);
		else
			finding(r, UPG_INFO, "the definition is the same: %s has the same %zu features on %s "
				"(%s) and on %s (%s)", a->resolved, fset_count(&b->model_features), a->machine,
				qa, b->machine, qb);
	} else {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "the definition of %s differs: on %s (%s) against %s (%s)", b->resolved,
			b->machine, qb, a->machine, qa);
		if (r->def_gained.n) {
			sb_add(&sb, " it adds ");
			add_list(&sb, &r->def_gained);
		}
		if (r->def_lost.n) {
			sb_add(&sb, r->def_gained.n ? "; it drops " : " it drops ");
			add_list(&sb, &r->def_lost);
		}
		finding(r, UPG_CHANGE, "%s", sb_str(&sb));
		sb_fini(&sb);
	}

	/* what the accelerator or host provides */
	if (r->drops_new.n) {
		l = list_str(&r->drops_new);
		finding(r, UPG_CHANGE, "%s does not provide %s, which %s did: QEMU drops %s from the "
			"guest", pb, l, pa, r->drops_new.n == 1 ? "it" : "them");
		free(l);
	}
	if (r->drops_gone.n) {
		l = list_str(&r->drops_gone);
		finding(r, UPG_CHANGE, "%s provides %s, which %s did not: the guest gains %s", pb, l, pa,
			r->drops_gone.n == 1 ? "it" : "them");
		free(l);
	}
	if (b->unknown.n) {
		l = list_str(&b->unknown);
		finding(r, b->unknown_on ? UPG_BREAK : UPG_INFO, "%s has no property for %s%s", qb, l,
			b->unknown_on ? ": QEMU refuses to start the guest" :
			": libvirt leaves it out of -cpu");
		free(l);
	}

	/* whether it starts */
	if (a->starts && !b->starts && !b->machine_missing && !b->model_missing && !b->unknown_on) {
		char blk[2048] = "";
		struct vec names = VEC_INIT;
		fset_names_missing(b->ft, &b->blockers, NULL, NULL, &names);
		vec_sort(&names, cmp_names);
		l = list_str(&names);
		snprintf(blk, sizeof(blk), "%s", l);
		free(l);
		vec_fini(&names, NULL);
		if (in->cpu_arg && !in->enforce)
			finding(r, UPG_BREAK, "%s refuses to start it", qb);
		else if (in->cpu_arg)
			finding(r, UPG_BREAK, "with enforce, %s refuses to start it (it would drop %s)", qb,
				blk[0] ? blk : "what the host lacks");
		else if (!fset_empty(&b->forbidden) && fset_empty(&b->blockers))
			finding(r, UPG_BREAK, "libvirt (check='%s') refuses to start it: the host has a "
				"forbidden feature", cpu_check_name(b->check));
		else
			finding(r, UPG_BREAK, "libvirt (check='%s') refuses to start it: the host lacks %s",
				cpu_check_name(b->check), blk[0] ? blk : "a required feature");
	} else if (!a->starts && b->starts) {
		finding(r, UPG_CHANGE, "it starts on the new side, where it did not before");
	}
	if (a->starts_enforce != b->starts_enforce && (in->cpu_arg ? !in->enforce :
						       b->check == CHECK_NONE))
		finding(r, UPG_INFO, "under enforce it %s on the old side and %s on the new one",
			yes_no(a->starts_enforce), yes_no(b->starts_enforce));

	/* properties */
	if (r->prop_changed.n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < r->prop_changed.n; i++) {
			const struct upgrade_prop *p = r->prop_changed.v[i];
			sb_addf(&sb, "%s%s %s -> %s", i ? ", " : "", p->name, p->from, p->to);
		}
		finding(r, UPG_CHANGE, "properties of the CPU change: %s", sb_str(&sb));
		sb_fini(&sb);
	}
	if (r->prop_new.n) {
		struct strbuf sb = STRBUF_INIT, cs = STRBUF_INIT;
		size_t nc = 0;
		for (size_t i = 0; i < r->prop_new.n; i++) {
			const struct upgrade_prop *p = r->prop_new.v[i];
			if (p->compat)
				sb_addf(&cs, "%s%s=%s", nc++ ? ", " : "", p->name, p->to);
		}
		if (nc)
			finding(r, UPG_INFO, "%s sets compat properties on %s to keep the older behaviour: %s",
				qb, b->machine, sb_str(&cs));
		if (r->prop_new.n > nc) {
			size_t k = 0;
			for (size_t i = 0; i < r->prop_new.n; i++) {
				const struct upgrade_prop *p = r->prop_new.v[i];
				if (!p->compat)
					sb_addf(&sb, "%s%s=%s", k++ ? ", " : "", p->name, p->to);
			}
			finding(r, UPG_INFO, "%s has properties %s lacks (nothing to compare them with): %s",
				qb, qa, sb_str(&sb));
		}
		sb_fini(&sb);
		sb_fini(&cs);
	}
	if (r->prop_gone.n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < r->prop_gone.n; i++) {
			const struct upgrade_prop *p = r->prop_gone.v[i];
			sb_addf(&sb, "%s%s", i ? ", " : "", p->name);
		}
		finding(r, UPG_INFO, "%s no longer has the properties %s", qb, sb_str(&sb));
		sb_fini(&sb);
	}
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct upgrade_finding *a = *(const struct upgrade_finding *const *)pa;
	const struct upgrade_finding *b = *(const struct upgrade_finding *const *)pb;

	return (int)b->sev - (int)a->sev;
}

/* A stable sort (vec_sort is qsort): insertion by severity. */
static void sort_findings(struct vec *v)
{
	for (size_t i = 1; i < v->n; i++) {
		void *x = v->v[i];
		size_t j = i;
		while (j > 0 && finding_cmp(&v->v[j - 1], &x) > 0) {
			v->v[j] = v->v[j - 1];
			j--;
		}
		v->v[j] = x;
	}
}

/* ---- what to pin -------------------------------------------------------------- */

static bool name_in(const struct vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], name))
			return true;
	return false;
}

static void pin_feature(struct strbuf *cpu, struct strbuf *xml, bool *ok, const struct ftable *ft,
			const char *name, bool on)
{
	const struct feature *f = ftable_lookup(ft, name);
	const char *q = f ? f->name : name;

	if (!cpu_arg_name_ok(q)) {
		*ok = false;
		return;
	}
	sb_addf(cpu, ",%s=%s", q, on ? "on" : "off");
	sb_addf(xml, "\n  <feature policy='%s' name='", on ? "require" : "disable");
	sb_xml_escape(xml, f ? feature_libvirt_name(f) : name);
	sb_add(xml, "'/>");
}

static void pins(const struct upgrade_guest *in, struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct guest_cpu *g = in->g;
	char qb[64];
	bool floating_model = false, floating_machine = false;

	/* what the new side provides beyond the old, except what the guest
	 * itself asks for */
	struct vec off_new = VEC_INIT;
	for (size_t i = 0; i < r->drops_gone.n; i++) {
		const char *n = r->drops_gone.v[i];
		bool asked = false;
		for (size_t k = 0; k < g->features.n && !asked; k++) {
			const struct guest_feature *gf = g->features.v[k];
			const struct feature *f = ftable_lookup(b->ft, gf->name);
			asked = (gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE) &&
				!strcmp(f ? f->name : gf->name, n);
		}
		if (!asked)
			vec_push(&off_new, (void *)(uintptr_t)i);
	}

	qemu_name(b, qb, sizeof(qb));
	char base[128];
	/* only a bare name floats (Haswell); a fixed alias (Haswell-noTSX)
	 * always means its one version */
	if (g->mode == MODE_CUSTOM && a->resolved[0] && strcmp(a->model, a->resolved) &&
	    model_version_of(a->resolved, base, sizeof(base)) > 0 && !strcmp(base, a->model)) {
		floating_model = true;
		vec_push(&r->pins, xasprintf("the versioned model %s, not %s (%s is what %s stands for "
					     "on %s; libvirt takes versioned names from 10.10 on)",
					     a->resolved, a->model, a->resolved, a->model, a->machine));
	}
	if (b->machine_missing) {
		vec_push(&r->pins, xasprintf("no machine type keeps this guest: %s has no %s%s%s", qb,
					     b->machine_asked, b->machine_replaced ? "; the oldest of "
					     "its family there is " : "", b->machine_replaced ? b->machine : ""));
	} else if (!in->machine || strcmp(in->machine, a->machine)) {
		floating_machine = true;
		vec_push(&r->pins, xasprintf("the versioned machine type %s (--machine %s, libvirt <type "
					     "machine='%s'>), not %s", a->machine, a->machine, a->machine,
					     in->machine ? in->machine : "the default"));
	}
	if (off_new.n) {
		struct strbuf l = STRBUF_INIT;
		for (size_t i = 0; i < off_new.n; i++)
			sb_addf(&l, "%s%s", i ? ", " : "",
				(const char *)r->drops_gone.v[(uintptr_t)off_new.v[i]]);
		vec_push(&r->pins, xasprintf("disable %s, which %s now provides, so the guest stays as "
					     "it was (and can migrate back)", sb_str(&l),
					     b->host ? b->label : qb));
		sb_fini(&l);
	}
	if (r->drops_new.n) {
		char *l = list_str(&r->drops_new);
		vec_push(&r->pins, xasprintf("%s cannot be kept where %s not provided: disable %s on "
					     "both sides (the guest loses %s on the old side too)%s%s", l,
					     r->drops_new.n == 1 ? "it is" : "they are",
					     r->drops_new.n == 1 ? "it" : "them",
					     r->drops_new.n == 1 ? "it" : "them",
					     r->alternative ? ", or move to " : "",
					     r->alternative ? r->alternative : ""));
		free(l);
	}
	if ((g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM) && !r->unchanged)
		vec_push(&r->pins, xasprintf("nothing pins %s: it is whatever the %s offers; a "
					     "named model (mode='custom') keeps the guest identical",
					     g->mode == MODE_MAXIMUM ? "maximum (-cpu max)" :
					     "host-passthrough (-cpu host)",
					     b->host ? "host" : "accelerator"));
	if (b->host_model && (r->def_lost.n || r->def_gained.n))
		vec_push(&r->pins, xstrdup("a custom CPU instead of host-model: the old side's "
					   "host-model CPU as mode='custom' (for a domcapabilities host, "
					   "its <mode name='host-model'> model and features)"));

	/* the -cpu value and the libvirt lines that pin it */
	if (g->mode != MODE_CUSTOM || !a->resolved[0] || !cpu_arg_name_ok(a->resolved) ||
	    (!floating_model && !floating_machine && !off_new.n && !r->drops_new.n)) {
		vec_fini(&off_new, NULL);
		return;
	}
	struct strbuf cpu = STRBUF_INIT, xml = STRBUF_INIT;
	bool ok = true;
	sb_add(&cpu, a->resolved);
	sb_add(&xml, "<model fallback='forbid'>");
	sb_xml_escape(&xml, a->resolved);
	sb_add(&xml, "</model>");
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		bool on = gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE;
		bool off = gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID;
		const struct feature *f = ftable_lookup(a->ft, gf->name);
		const char *n = f ? f->name : gf->name;
		if ((!on && !off) || name_in(&r->drops_new, n))
			continue;
		pin_feature(&cpu, &xml, &ok, a->ft, gf->name, on);
	}
	for (size_t i = 0; i < r->drops_new.n; i++)
		pin_feature(&cpu, &xml, &ok, a->ft, r->drops_new.v[i], false);
	for (size_t i = 0; i < off_new.n; i++)
		pin_feature(&cpu, &xml, &ok, b->ft, r->drops_gone.v[(uintptr_t)off_new.v[i]], false);
	vec_fini(&off_new, NULL);
	if (in->enforce)
		sb_add(&cpu, ",enforce");
	if (ok) {
		r->pin_cpu = sb_take(&cpu);
		r->pin_xml = sb_take(&xml);
	}
	sb_fini(&cpu);
	sb_fini(&xml);
}

/* ---- the check ---------------------------------------------------------------- */

bool upgrade_check(const struct upgrade_guest *in, const struct upgrade_side *from,
		   const struct upgrade_side *to, struct upgrade_report *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (!end_eval(in, from, true, &r->from, e)) {
		end_fini(&r->from);
		return false;
	}
	if (!end_eval(in, to, false, &r->to, e)) {
		upgrade_report_fini(r);
		return false;
	}
	struct upgrade_end *a = &r->from, *b = &r->to;
	if (b->def) {
		fset_names_missing(a->ft, &a->model_features, b->ft, &b->model_features, &r->def_lost);
		fset_names_missing(b->ft, &b->model_features, a->ft, &a->model_features, &r->def_gained);
		fset_names_missing(a->ft, &a->features, b->ft, &b->features, &r->lost);
		fset_names_missing(b->ft, &b->features, a->ft, &a->features, &r->gained);
		fset_names_missing(b->ft, &b->blockers, a->ft, &a->blockers, &r->drops_new);
		fset_names_missing(a->ft, &a->blockers, b->ft, &b->blockers, &r->drops_gone);
		vec_sort(&r->def_lost, cmp_names);
		vec_sort(&r->def_gained, cmp_names);
		vec_sort(&r->lost, cmp_names);
		vec_sort(&r->gained, cmp_names);
		vec_sort(&r->drops_new, cmp_names);
		vec_sort(&r->drops_gone, cmp_names);
		diff_props(r);
		new_versions(r);
	}
	model_verdicts(r);
	alternative(r);
	r->definition_same = b->def && !r->def_lost.n && !r->def_gained.n;
	r->unchanged = b->def && !b->machine_missing && !r->lost.n && !r->gained.n &&
		       a->starts == b->starts && !strcmp(a->resolved, b->resolved) &&
		       !r->prop_changed.n;
	findings(in, r);
	sort_findings(&r->findings);
	pins(in, r);
	return true;
}

void upgrade_report_fini(struct upgrade_report *r)
{
	end_fini(&r->from);
	end_fini(&r->to);
	vec_fini(&r->def_lost, NULL);
	vec_fini(&r->def_gained, NULL);
	vec_fini(&r->lost, NULL);
	vec_fini(&r->gained, NULL);
	vec_fini(&r->drops_new, NULL);
	vec_fini(&r->drops_gone, NULL);
	vec_fini(&r->prop_changed, prop_free);
	vec_fini(&r->prop_new, prop_free);
	vec_fini(&r->prop_gone, prop_free);
	vec_fini(&r->new_versions, free);
	vec_fini(&r->stop_starting, NULL);
	vec_fini(&r->start_starting, NULL);
	free(r->alternative);
	vec_fini(&r->findings, finding_free);
	vec_fini(&r->pins, free);
	free(r->pin_cpu);
	free(r->pin_xml);
	memset(r, 0, sizeof(*r));
}

/* ---- text ----------------------------------------------------------------------- */

const char *upgrade_verdict(const struct upgrade_report *r)
{
	if (r->from.starts && !r->to.starts)
		return "NO LONGER STARTS";
	return r->unchanged ? "UNCHANGED" : "CHANGED";
}

static void row(struct strbuf *sb, const char *what, const char *a, const char *b)
{
	sb_addf(sb, "  %-18s %-38s %s\n", what, a, b);
}

static char *model_cell(const struct upgrade_end *x)
{
	if (x->machine_missing && !x->machine_replaced)
		return xstrdup("-");
	if (x->model_missing)
		return xasprintf("%s (missing)", x->model);
	if (x->host_model)
		return xstrdup("host-model");
	if (strcmp(x->model, x->resolved))
		return xasprintf("%s = %s%s", x->model, x->resolved, x->model_deprecated ? " (deprecated)" : "");
	return xasprintf("%s%s", x->model, x->model_deprecated ? " (deprecated)" : "");
}

static char *machine_cell(const struct upgrade_end *x)
{
	if (x->machine_missing && x->machine_replaced)
		return xasprintf("%s missing; %s", x->machine_asked, x->machine);
	if (x->machine_missing)
		return xasprintf("%s missing", x->machine_asked[0] ? x->machine_asked : "default");
	return xasprintf("%s%s", x->machine, x->machine_deprecated ? " (deprecated)" : "");
}

static char *drops_cell(const struct upgrade_end *x)
{
	struct vec names = VEC_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (!x->def)
		return xstrdup("-");
	if (!x->blockers_known)
		return xstrdup("? (nobody says what the host provides)");
	for (int id = fset_next(&x->blockers, 0); id >= 0; id = fset_next(&x->blockers, (unsigned)id + 1))
		vec_push(&names, ftable_get(x->ft, (unsigned)id)->name);
	vec_sort(&names, cmp_names);
	if (!names.n)
		sb_add(&sb, "nothing");
	/* as many names as fit the column (36), then how many more */
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		size_t more = names.n - i - 1;
		size_t tail = more ? 14 : 0; /* ", ... (N more)" */
		if (i && sb.len + 2 + strlen(n) + tail > 36) {
			sb_addf(&sb, ", ... (%zu more)", names.n - i);
			break;
		}
		sb_addf(&sb, "%s%s", i ? ", " : "", n);
	}
	vec_fini(&names, NULL);
	return sb_take(&sb);
}

static void wrapped(struct strbuf *sb, const char *mark, const char *text);

static const char *sev_mark(enum upgrade_sev s)
{
	switch (s) {
	case UPG_BREAK: return "!";
	case UPG_CHANGE: return "*";
	case UPG_WARN: return "~";
	case UPG_INFO: default: return "-";
	}
}

void upgrade_text_item(struct strbuf *sb, const char *mark, const char *text)
{
	wrapped(sb, mark, text);
}

/* Wrap text at 78 columns, the first line after mark, the others indented. */
static void wrapped(struct strbuf *sb, const char *mark, const char *text)
{
	const size_t width = 78, indent = 4;
	size_t col = 0;
	const char *p = text;

	sb_addf(sb, "  %s ", mark);
	col = indent;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > indent && col + w > width) {
			sb_addf(sb, "\n%*s", (int)indent, "");
			col = indent;
		}
		sb_addn(sb, p, w);
		col += w;
		p += w;
		if (*p == ' ') {
			p++;
			if (*p && col + 1 + strcspn(p, " ") <= width) {
				sb_addc(sb, ' ');
				col++;
			} else if (*p) {
				sb_addf(sb, "\n%*s", (int)indent, "");
				col = indent;
			}
		}
	}
	sb_addc(sb, '\n');
}

/* ---- the report as lines -------------------------------------------------------- */

static void line(struct vec *out, enum upg_role role, enum upgrade_sev sev, const char *a,
		 const char *b, const char *fmt, ...) ATTR_FORMAT(6, 7);
static void line(struct vec *out, enum upg_role role, enum upgrade_sev sev, const char *a,
		 const char *b, const char *fmt, ...)
{
	struct upg_line *l = xcalloc(1, sizeof(*l));
	va_list ap;

	va_start(ap, fmt);
	l->role = role;
	l->sev = sev;
	l->text = xvasprintf(fmt, ap);
	l->from = a ? xstrdup(a) : NULL;
	l->to = b ? xstrdup(b) : NULL;
	va_end(ap);
	vec_push(out, l);
}

void upg_line_free(void *p)
{
	struct upg_line *l = p;

	if (!l)
		return;
	free(l->text);
	free(l->from);
	free(l->to);
	free(l);
}

static void row_line(struct vec *out, const char *what, char *a, char *b)
{
	line(out, UL_ROW, UPG_INFO, a, b, "%s", what);
	free(a);
	free(b);
}

void upgrade_report_lines(const struct upgrade_report *r, struct vec *out)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	char qa[64], qb[64], w[64];
	bool alias = !a->host_model && strcmp(a->model, a->resolved);

	qemu_name(a, qa, sizeof(qa));
	qemu_name(b, qb, sizeof(qb));
	line(out, UL_VERDICT, r->worst, NULL, NULL, "%s: %s%s%s on %s, from %s to %s",
	     upgrade_verdict(r), a->host_model ? "host-model" : a->model, alias ? " = " : "",
	     alias ? a->resolved : "", a->machine, a->label, b->label);
	if (r->unchanged)
		line(out, UL_TEXT, UPG_INFO, NULL, NULL,
		     "The guest gets the same CPU and %s the same way on both sides.",
		     a->starts ? "starts" : "fails to start");
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_ROW, UPG_INFO, "from", "to", "%s", "");
	row_line(out, "QEMU", xstrdup(qa), xstrdup(qb));
	row_line(out, "machine type", machine_cell(a), machine_cell(b));
	row_line(out, "model", model_cell(a), model_cell(b));
	row_line(out, "features", xasprintf("%zu", fset_count(&a->features)),
		 b->def ? xasprintf("%zu", fset_count(&b->features)) : xstrdup("-"));
	row_line(out, "QEMU drops", drops_cell(a), drops_cell(b));
	row_line(out, "with enforce", xstrdup(yes_no(a->starts_enforce)),
		 xstrdup(yes_no(b->starts_enforce)));
	snprintf(w, sizeof(w), "libvirt (%s)", cpu_check_name(a->check));
	row_line(out, w, xstrdup(a->starts_libvirt ? "starts" : "refuses"),
		 xstrdup(b->starts_libvirt ? "starts" : "refuses"));
	if (r->lost.n || r->gained.n) {
		line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
		line(out, UL_HEADING, UPG_INFO, NULL, NULL, "The guest's CPU:");
		if (r->lost.n) {
			char *l = list_str(&r->lost);
			line(out, UL_LOST, UPG_CHANGE, NULL, NULL, "loses %s", l);
			free(l);
		}
		if (r->gained.n) {
			char *l = list_str(&r->gained);
			line(out, UL_GAINED, UPG_CHANGE, NULL, NULL, "gains %s", l);
			free(l);
		}
	}
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_HEADING, UPG_INFO, NULL, NULL, "What changes, and why:");
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct upgrade_finding *f = r->findings.v[i];
		line(out, UL_FINDING, f->sev, NULL, NULL, "%s", f->text);
	}
	if (r->stop_starting.n || r->start_starting.n) {
		line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
		line(out, UL_HEADING, UPG_INFO, NULL, NULL,
		     "Other models on %s (%zu on both sides, each by its own verdict):", b->machine,
		     r->models_compared);
		if (r->stop_starting.n) {
			char *l = list_str(&r->stop_starting);
			line(out, UL_STOP, UPG_BREAK, NULL, NULL, "%zu stop starting: %s",
			     r->stop_starting.n, l);
			free(l);
		}
		if (r->start_starting.n) {
			char *l = list_str(&r->start_starting);
			line(out, UL_START, UPG_CHANGE, NULL, NULL, "%zu start now: %s",
			     r->start_starting.n, l);
			free(l);
		}
	}
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_HEADING, UPG_INFO, NULL, NULL, "To keep the guest identical, pin:");
	if (!r->pins.n)
		line(out, UL_PIN, UPG_INFO, NULL, NULL, "nothing more: the guest names a versioned "
		     "model and machine type, and both sides provide the same");
	for (size_t i = 0; i < r->pins.n; i++)
		line(out, UL_PIN, UPG_INFO, NULL, NULL, "%s", (const char *)r->pins.v[i]);
	if (r->pin_cpu)
		line(out, UL_CODE, UPG_INFO, NULL, NULL, "-cpu %s", r->pin_cpu);
	if (r->pin_xml)
		for (const char *p = r->pin_xml; *p;) {
			size_t n = strcspn(p, "\n");
			line(out, UL_CODE, UPG_INFO, NULL, NULL, "%.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
}

static const char *line_mark(const struct upg_line *l)
{
	switch (l->role) {
	case UL_LOST: return "-";
	case UL_GAINED: return "+";
	case UL_STOP: return "!";
	case UL_START: return "+";
	case UL_PIN: return "-";
	case UL_FINDING: return sev_mark(l->sev);
	default: return "";
	}
}

void upgrade_report_text(const struct upgrade_report *r, struct strbuf *sb)
{
	struct vec lines = VEC_INIT;

	upgrade_report_lines(r, &lines);
	for (size_t i = 0; i < lines.n; i++) {
		const struct upg_line *l = lines.v[i];
		switch (l->role) {
		case UL_VERDICT:
		case UL_TEXT:
		case UL_HEADING:
		case UL_BLANK:
			sb_addf(sb, "%s\n", l->text);
			break;
		case UL_ROW:
			row(sb, l->text, l->from, l->to);
			break;
		case UL_CODE:
			sb_addf(sb, "    %s\n", l->text);
			break;
		default:
			wrapped(sb, line_mark(l), l->text);
			break;
		}
	}
	vec_fini(&lines, upg_line_free);
}
