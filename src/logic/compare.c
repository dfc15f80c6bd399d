/* compare.c - libvirt's x86 CPU compare over feature sets. */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *cmp_result_name(enum cmp_result r)
{
	switch (r) {
	case CMP_IDENTICAL: return "IDENTICAL";
	case CMP_SUPERSET: return "SUPERSET";
	case CMP_INCOMPATIBLE:
	default: return "INCOMPATIBLE";
	}
}

char *cpu_map_feature_list(const struct cpu_map *map, const struct fset *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct fset left = FSET_INIT;

	fset_copy(&left, s);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (!fset_has(&left, f->id))
			continue;
		sb_add(&sb, sb.len ? ", " : "");
		sb_add(&sb, feature_libvirt_name(f));
		fset_del(&left, f->id);
	}
	/* anything the map does not define, in id order */
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1)) {
		sb_add(&sb, sb.len ? ", " : "");
		sb_add(&sb, feature_libvirt_name(ftable_get(map->ft, (unsigned)id)));
	}
	fset_fini(&left);
	return sb_take(&sb);
}

bool guest_policy_set(const struct guest_cpu *g, const struct cpu_map *map, enum policy p,
		      struct fset *out, struct err *e)
{
	fset_clear_all(out);
	if (p == POLICY_REQUIRE && g->model && g->mode == MODE_CUSTOM) {
		const struct cm_model *m = cpu_map_model(map, g->model);
		if (!m)
			return err_set(e, NULL, g->model_line, "Unknown CPU model %s", g->model);
		fset_or(out, &m->features);
	}
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const struct feature *f = cpu_map_feature(map, gf->name);
		if (!f) {
			/* another spelling of a feature libvirt knows (QEMU's sse4-1,
			 * Linux's pclmulqdq, ...) gets the right one suggested */
			const struct feature *alt = ftable_lookup(map->ft, gf->name);
			if (alt && alt->libvirt && cpu_map_feature(map, alt->libvirt))
				return err_set(e, NULL, gf->line, "Unknown CPU feature %s (libvirt "
					       "spells it %s)", gf->name, alt->libvirt);
			return err_set(e, NULL, gf->line, "Unknown CPU feature %s", gf->name);
		}
		if (gf->policy == p)
			fset_add(out, f->id);
	}
	return true;
}

static bool set_incompatible(struct cmp_report *r, const struct cpu_map *map, const char *what,
			     const struct fset *s)
{
	char *list = cpu_map_feature_list(map, s);

	r->result = CMP_INCOMPATIBLE;
	r->message = xasprintf("%s%s", what, list);
	fset_copy(&r->responsible, s);
	free(list);
	return true;
}

static bool classic_compare(const struct host *h, const struct guest_cpu *g,
			    const struct cpu_map *map, struct cmp_report *r, struct err *e)
{
	struct fset force = FSET_INIT, require = FSET_INIT, optional = FSET_INIT,
		    disable = FSET_INIT, forbid = FSET_INIT, tmp = FSET_INIT;
	bool ok = false;

	if (g->arch) {
		enum arch a;
		if (!arch_parse(g->arch, &a) || a != h->arch) {
			r->result = CMP_INCOMPATIBLE;
			r->message = xasprintf("CPU arch %s does not match host arch %s", g->arch,
					       arch_name(h->arch));
			ok = true;
			goto out;
		}
	}
	if (g->vendor) {
		if (!cpu_map_vendor(map, g->vendor)) {
			err_set(e, NULL, 0, "Unknown CPU vendor %s", g->vendor);
			goto out;
		}
		if (!h->vendor || strcmp(h->vendor, g->vendor) != 0) {
			r->result = CMP_INCOMPATIBLE;
			r->message = xasprintf("host CPU vendor does not match required CPU vendor %s",
					       g->vendor);
			ok = true;
			goto out;
		}
	}
	if (!guest_policy_set(g, map, POLICY_FORCE, &force, e) ||
	    !guest_policy_set(g, map, POLICY_REQUIRE, &require, e) ||
	    !guest_policy_set(g, map, POLICY_OPTIONAL, &optional, e) ||
	    !guest_policy_set(g, map, POLICY_DISABLE, &disable, e) ||
	    !guest_policy_set(g, map, POLICY_FORBID, &forbid, e))
		goto out;

	fset_copy(&tmp, &forbid);
	fset_and(&tmp, &h->features);
	if (!fset_empty(&tmp)) {
		ok = set_incompatible(r, map, "Host CPU provides forbidden features: ", &tmp);
		goto out;
	}
	fset_andnot(&require, &force);
	fset_andnot(&require, &optional);
	fset_andnot(&require, &disable);
	fset_copy(&tmp, &require);
	fset_andnot(&tmp, &h->features);
	if (!fset_empty(&tmp)) {
		ok = set_incompatible(r, map, "Host CPU does not provide required features: ", &tmp);
		goto out;
	}
	fset_copy(&tmp, &h->features);
	fset_andnot(&tmp, &optional);
	fset_andnot(&tmp, &require);
	fset_andnot(&tmp, &disable);
	fset_andnot(&tmp, &force);
	/* Only what the map can express counts (libvirt compares CPUID bits
	 * its map defines). */
	fset_and(&tmp, &map->known);
	if (fset_empty(&tmp)) {
		r->result = CMP_IDENTICAL;
	} else if (g->match == MATCH_STRICT && g->mode == MODE_CUSTOM) {
		ok = set_incompatible(r, map, "Host CPU does not strictly match guest CPU: Extra features: ",
				      &tmp);
		goto out;
	} else {
		r->result = CMP_SUPERSET;
		fset_copy(&r->responsible, &tmp);
	}
	ok = true;
out:
	fset_fini(&force);
	fset_fini(&require);
	fset_fini(&optional);
	fset_fini(&disable);
	fset_fini(&forbid);
	fset_fini(&tmp);
	return ok;
}

/* ---- libvirt 11: asking QEMU first ----------------------------------------- */

/* Every listed feature is 'disable' (none listed counts too).  A host
 * <cpu>'s features have no policy, so they are not. */
static bool only_disables(const struct guest_cpu *g)
{
	if (g->host_cpu && g->features.n)
		return false;
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		if (gf->policy != POLICY_DISABLE)
			return false;
	}
	return true;
}

static bool disabled_by_name(const struct guest_cpu *g, const char *name)
{
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		if (!g->host_cpu && gf->policy == POLICY_DISABLE && !strcmp(gf->name, name))
			return true;
	}
	return false;
}

static void add_missing(struct strbuf *sb, struct fset *ids, const char *name, int id)
{
	sb_add(sb, sb->len ? ", " : "");
	sb_add(sb, name);
	if (id >= 0)
		fset_add(ids, (unsigned)id);
}

/* b.: the model's blockers that are not disabled by name, then the required
 * features the host-model CPU lacks (libvirt compares names as written:
 * another spelling of a feature is not that feature). */
static void blockers_compare(const struct host *h, const struct guest_cpu *g,
			     const struct cpu_map *map, const struct host_model_usability *u,
			     struct cmp_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct fset blockers = FSET_INIT, left = FSET_INIT;
	const struct cm_model *m = cpu_map_model(map, g->model);

	if (u->has_blockers) {
		fset_copy(&blockers, &u->blockers);
	} else if (u->usable == 0 && m) {
		/* A usable='no' model without <blockers> (a domcapabilities of
		 * libvirt < 10.9): what the model asks for that the host-model
		 * CPU lacks stands in for QEMU's list. */
		fset_copy(&blockers, &m->features);
		fset_andnot(&blockers, &h->features);
	}
	/* in the map's feature order (CPUID order, as QEMU lists them), then
	 * the names the map does not define */
	fset_copy(&left, &blockers);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (!fset_has(&left, f->id))
			continue;
		fset_del(&left, f->id);
		if (!disabled_by_name(g, feature_libvirt_name(f)))
			add_missing(&sb, &r->responsible, feature_libvirt_name(f), (int)f->id);
	}
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1)) {
		const char *name = feature_libvirt_name(ftable_get(map->ft, (unsigned)id));
		if (!disabled_by_name(g, name))
			add_missing(&sb, &r->responsible, name, id);
	}
	for (size_t i = 0; !g->host_cpu && i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const struct feature *f = NULL;
		if (gf->policy != POLICY_REQUIRE)
			continue;
		f = cpu_map_feature(map, gf->name);
		if (!f || !fset_has(&h->features, f->id))
			add_missing(&sb, &r->responsible, gf->name, f ? (int)f->id : -1);
	}
	if (sb.len) {
		r->result = CMP_INCOMPATIBLE;
		r->message = xasprintf("Host CPU does not provide required features: %s", sb_str(&sb));
	} else {
		r->result = CMP_SUPERSET;
	}
	r->how = CMP_HOW_BLOCKERS;
	sb_fini(&sb);
	fset_fini(&blockers);
	fset_fini(&left);
}

bool cpu_compare(const struct host *h, const struct guest_cpu *g, const struct cpu_map *map,
		 const struct lv_semantics *lv, struct cmp_report *r, struct err *e)
{
	const struct host_model_usability *u = NULL;
	const char *model = g->mode == MODE_CUSTOM ? g->model : NULL;

	memset(r, 0, sizeof(*r));
	r->lv = lv ? lv : lv_get(LV_9_0);
	r->how = CMP_HOW_COMPARE;
	if (h->kind != HOST_DOMCAPS || !model)
		return classic_compare(h, g, map, r, e);
	u = host_usability(h, model);
	if (r->lv->hv_usable_shortcut && u && u->usable == 1 && only_disables(g)) {
		r->result = CMP_SUPERSET;
		r->how = CMP_HOW_USABLE;
		return true;
	}
	/* The compare, unless QEMU reports the host-model CPU (fallback
	 * 'forbid') and knows the model, and the map does not mark the model
	 * <check partial='compat'/>. */
	if (r->lv->hv_blockers_check && u && h->model_fallback &&
	    !strcmp(h->model_fallback, "forbid")) {
		const struct cm_model *m = cpu_map_model(map, model);
		if (!m)
			return err_set(e, NULL, g->model_line, "unknown CPU model %s", model);
		if (!m->check_partial_compat) {
			blockers_compare(h, g, map, u, r);
			return true;
		}
	}
	return classic_compare(h, g, map, r, e);
}

char *cmp_report_how(const struct cmp_report *r, const struct guest_cpu *g)
{
	const char *model = g->model ? g->model : "?";

	switch (r->how) {
	case CMP_HOW_USABLE:
		return xasprintf("QEMU calls %s usable and the CPU adds no feature to it (libvirt %s "
				 "answers so without comparing)", model, r->lv->name);
	case CMP_HOW_BLOCKERS:
		return xasprintf("%s has no <check partial='compat'/> in libvirt's map: libvirt %s "
				 "checks only QEMU's blockers of the model and the required features",
				 model, r->lv->name);
	case CMP_HOW_COMPARE:
	default:
		return NULL;
	}
}

void cmp_report_fini(struct cmp_report *r)
{
	free(r->message);
	r->message = NULL;
	fset_fini(&r->responsible);
}
