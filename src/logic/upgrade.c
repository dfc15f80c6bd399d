/* upgrade.c - what a QEMU or host change does to a guest CPU (upgrade.h). */
#include "upgrade.h"
#include "upgrade_internal.h"

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

int upg_cmp_names(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

void upg_finding(struct upgrade_report *r, enum upgrade_sev sev, const char *fmt, ...)
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
void upg_add_list(struct strbuf *sb, const struct vec *names)
{
	for (size_t i = 0; i < names->n; i++) {
		sb_add(sb, i ? ", " : "");
		sb_add(sb, names->v[i]);
	}
}

char *upg_list_str(const struct vec *names)
{
	struct strbuf sb = STRBUF_INIT;

	upg_add_list(&sb, names);
	return sb_take(&sb);
}

char *upg_unquote(const char *json)
{
	size_t n = json ? strlen(json) : 0;

	if (!json)
		return NULL;
	if (n >= 2 && json[0] == '"' && json[n - 1] == '"')
		return xstrndup(json + 1, n - 2);
	return xstrdup(json);
}

/* "QEMU 10.0.2's tcg" or the host's label: who provides the features. */
const char *upg_provider(const struct upgrade_end *x, char *buf, size_t size)
{
	if (x->host)
		snprintf(buf, size, "%s", x->label);
	else
		snprintf(buf, size, "QEMU %s's %s", x->ds->qemu_version ? x->ds->qemu_version : "?",
			 x->ds->accel ? x->ds->accel : "accelerator");
	return buf;
}

const char *upg_qemu_name(const struct upgrade_end *x, char *buf, size_t size)
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
		vec_sort(&r->def_lost, upg_cmp_names);
		vec_sort(&r->def_gained, upg_cmp_names);
		vec_sort(&r->lost, upg_cmp_names);
		vec_sort(&r->gained, upg_cmp_names);
		vec_sort(&r->drops_new, upg_cmp_names);
		vec_sort(&r->drops_gone, upg_cmp_names);
		upg_diff_props(r);
		upg_new_versions(r);
	}
	upg_model_verdicts(r);
	upg_alternative(r);
	r->definition_same = b->def && !r->def_lost.n && !r->def_gained.n;
	r->unchanged = b->def && !b->machine_missing && !r->lost.n && !r->gained.n &&
		       a->starts == b->starts && !strcmp(a->resolved, b->resolved) &&
		       !r->prop_changed.n;
	upg_findings(in, r);
	upg_sort_findings(&r->findings);
	upg_pins(in, r);
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
