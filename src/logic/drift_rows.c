/* drift_rows.c - one model both sides know: the features each lacks, the
 * traps libvirt's checks set, what the admin can do (drift.h). */
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

/* ---- computing ----------------------------------------------------------------- */


bool drift_qemu_special(const char *name)
{
	return !strcmp(name, "host") || !strcmp(name, "max") || !strcmp(name, "base");
}

static bool is_pseudo(const struct ftable *ft, unsigned id)
{
	return (ftable_get(ft, id)->flags & FEAT_PSEUDO) != 0;
}

/* The guest the traps are about: M with the given disable policies. */
static struct guest_cpu *row_guest(const struct drift_ctx *c, const struct drift_row *row,
				   enum cpu_check check, const struct fset *disable,
				   const struct fset *require)
{
	struct guest_cpu *g = guest_cpu_new();

	g->mode = MODE_CUSTOM;
	g->match = MATCH_EXACT;
	g->check = check;
	g->fallback = FALLBACK_FORBID;
	g->model = xstrdup(row->name);
	/* in the map's order, as libvirt lists them back */
	for (size_t i = 0; i < c->map->features.n; i++) {
		const struct feature *f = c->map->features.v[i];
		if (require && fset_has(require, f->id))
			guest_cpu_set_policy(g, feature_libvirt_name(f), POLICY_REQUIRE);
		else if (disable && fset_has(disable, f->id))
			guest_cpu_set_policy(g, feature_libvirt_name(f), POLICY_DISABLE);
	}
	return g;
}


static void add_trap(struct drift_row *row, enum drift_trap_kind k, const struct fset *features,
		     char *message, char *consequence)
{
	struct drift_trap *t = xcalloc(1, sizeof(*t));

	t->kind = k;
	fset_copy(&t->features, features);
	t->message = message;
	t->consequence = consequence;
	vec_push(&row->traps, t);
}

/* An action; g (taken) is the guest CPU that does it, or NULL. */
static void add_action(const struct drift_ctx *c, struct drift_row *row, char *text, struct guest_cpu *g)
{
	struct drift_action *a = xcalloc(1, sizeof(*a));

	a->text = text;
	a->guest = g;
	a->xml = g ? emit_guest_xml(g, c->map->ft, 0) : NULL;
	vec_push(&row->actions, a);
}

static bool row_has_trap(const struct drift_row *row, enum drift_trap_kind k)
{
	for (size_t i = 0; i < row->traps.n; i++)
		if (((const struct drift_trap *)row->traps.v[i])->kind == k)
			return true;
	return false;
}

/* " (with QEMU's blockers here disabled: a, b)" or "" */
static char *with_disabled(const struct drift_ctx *c, const struct drift_row *row)
{
	char *list, *s;

	if (fset_empty(&row->disable))
		return xstrdup("");
	if (fset_count(&row->disable) > 6)
		return xasprintf(" (with the %zu disable policies above)", fset_count(&row->disable));
	list = drift_feature_list(c->map, &row->disable, ", ");
	s = xasprintf(" (with %s disabled)", list);
	free(list);
	return s;
}

/* check='partial' before the start: libvirt's compare of the guest with
 * the host-model.  Returns the features the host-model lacks (empty: it
 * passes). */
static void partial_missing(const struct drift_ctx *c, const struct drift_row *row,
			    const struct fset *disable, struct fset *out)
{
	fset_copy(out, &row->lv->features);
	fset_andnot(out, disable);
	fset_andnot(out, &c->hm);
}

/* Whether libvirt runs its own compare for check='partial' (11.x asks
 * QEMU's verdict instead for usable models without listed features, and
 * for models without <check partial='compat'/>). */
static bool partial_compares(const struct drift_ctx *c, const struct drift_row *row, bool features_listed)
{
	if (c->r->libvirt == DRIFT_LIBVIRT_9_0)
		return true;
	if (row->usable == USABLE_YES && !features_listed)
		return false;
	return row->lv->check_partial_compat;
}

/* libvirt's check='full' message for extra/missing features (libvirt
 * joins them with ',' and no space). */
static char *full_message(const struct cpu_map *map, const struct fset *extra,
			  const struct fset *missing)
{
	char *a = drift_feature_list(map, extra, ",");
	char *m = drift_feature_list(map, missing, ",");
	char *s;

	if (*a && *m)
		s = xasprintf("operation failed: guest CPU doesn't match specification: extra "
			      "features: %s, missing features: %s", a, m);
	else if (*a)
		s = xasprintf("operation failed: guest CPU doesn't match specification: extra "
			      "features: %s", a);
	else
		s = xasprintf("operation failed: guest CPU doesn't match specification: missing "
			      "features: %s", m);
	free(a);
	free(m);
	return s;
}

/* q: QEMU's expansion of the name, map features only. */
static void row_traps(struct drift_ctx *c, struct drift_row *row, const struct fset *q)
{
	const struct cpu_map *map = c->map;
	struct fset miss = FSET_INIT, qe = FSET_INIT, le = FSET_INIT, extra = FSET_INIT,
		    tmp = FSET_INIT, empty = FSET_INIT;
	char *wd = with_disabled(c, row);

	/* 1. check='partial' refuses a guest QEMU runs */
	if (row->runnable && c->r->host_model_known &&
	    partial_compares(c, row, !fset_empty(&row->disable))) {
		partial_missing(c, row, &row->disable, &miss);
		fset_copy(&tmp, &miss);
		fset_and(&tmp, &row->libvirt_only);
		if (!fset_empty(&tmp)) {
			char *all = drift_feature_list(map, &miss, ", ");
			char *only = drift_feature_list(map, &tmp, ", ");
			add_trap(row, DRIFT_PARTIAL_REFUSES, &miss,
				 xasprintf("the CPU is incompatible with host CPU: Host CPU does not "
					   "provide required features: %s", all),
				 xasprintf("check='partial' refuses to start %s%s although QEMU runs "
					   "it: the host-model lacks %s, which libvirt's model requires "
					   "and QEMU's does not", row->name, wd, only));
			free(all);
			free(only);
		}
	}

	/* 2. check='full' refuses it wherever the models differ: the vCPU is
	 * QEMU's model (minus the listed and removed features), compared with
	 * libvirt's (minus the listed ones) after the start */
	if (row->runnable && row->qemu_known) {
		fset_copy(&qe, q);
		fset_andnot(&qe, &row->disable);
		fset_andnot(&qe, &row->removed);
		fset_copy(&le, &row->lv->features);
		fset_andnot(&le, &row->disable);
		fset_copy(&miss, &le);
		fset_andnot(&miss, &qe);
		fset_copy(&extra, &qe);
		fset_andnot(&extra, &le);
		if (c->r->libvirt == DRIFT_LIBVIRT_11)
			fset_andnot(&extra, &row->lv->added);
		if (!fset_empty(&miss) || !fset_empty(&extra)) {
			struct strbuf why = STRBUF_INIT;
			char *m = drift_feature_list(map, &miss, ", ");
			char *x = drift_feature_list(map, &extra, ", ");
			if (*m)
				sb_addf(&why, "QEMU's vCPU lacks %s (libvirt's model has %s)", m,
					fset_count(&miss) == 1 ? "it" : "them");
			if (*x)
				sb_addf(&why, "%shas %s (libvirt's model lacks %s)",
					*m ? " and " : "QEMU's vCPU ", x,
					fset_count(&extra) == 1 ? "it" : "them");
			fset_copy(&tmp, &miss);
			fset_or(&tmp, &extra);
			add_trap(row, DRIFT_FULL_REFUSES, &tmp, full_message(map, &extra, &miss),
				 xasprintf("check='full' refuses to start %s%s on every host: %s",
					   row->name, wd, sb_str(&why)));
			free(m);
			free(x);
			sb_fini(&why);
		}
	}

	/* 3. check='partial' starts a guest QEMU refuses with enforce: every
	 * blocker is a feature only QEMU's model has */
	if (row->usable == USABLE_NO && !fset_empty(&row->blockers) && c->r->host_model_known &&
	    partial_compares(c, row, false)) {
		bool real = true;
		for (int id = fset_next(&row->blockers, 0); id >= 0;
		     id = fset_next(&row->blockers, (unsigned)id + 1))
			if (is_pseudo(c->map->ft, (unsigned)id) || fset_has(&row->lv->features, (unsigned)id))
				real = false;
		partial_missing(c, row, &empty, &miss);
		if (real && fset_empty(&miss)) {
			char *b = drift_feature_list(map, &row->blockers, ", ");
			add_trap(row, DRIFT_LETS_THROUGH, &row->blockers, NULL,
				 xasprintf("check='partial' starts %s although QEMU with enforce "
					   "refuses it here: QEMU silently drops %s, which only QEMU's "
					   "model has, so the guest is not the CPU QEMU calls %s",
					   row->name, b, row->resolved));
			free(b);
		}
	}
	fset_fini(&miss);
	fset_fini(&qe);
	fset_fini(&le);
	fset_fini(&extra);
	fset_fini(&tmp);
	fset_fini(&empty);
	free(wd);
}

static void row_actions(struct drift_ctx *c, struct drift_row *row)
{
	bool partial = row_has_trap(row, DRIFT_PARTIAL_REFUSES);
	bool full = row_has_trap(row, DRIFT_FULL_REFUSES);
	bool through = row_has_trap(row, DRIFT_LETS_THROUGH);

	if (partial)
		add_action(c, row,
			   xasprintf("check='none': libvirt then leaves the check to QEMU (its "
				     "documentation recommends check='none' for models "
				     "domcapabilities calls usable)%s",
				     row->usable == USABLE_YES ? "" :
				     "; keep the disable policies of QEMU's blockers"),
			   row_guest(c, row, CHECK_NONE, &row->disable, NULL));
	if (partial || full) {
		struct fset dis = FSET_INIT, req = FSET_INIT;
		char *d, *r;
		fset_copy(&dis, &row->libvirt_only);
		fset_or(&dis, &row->disable);
		fset_copy(&req, &row->qemu_only);
		fset_andnot(&req, &row->disable);
		if (c->r->libvirt == DRIFT_LIBVIRT_11)
			fset_andnot(&req, &row->tolerated);
		d = drift_feature_list(c->map, &row->libvirt_only, ", ");
		r = drift_feature_list(c->map, &req, ", ");
		add_action(c, row,
			   xasprintf("explicit policies that make libvirt's model QEMU's%s%s%s%s; "
				     "check='partial' and check='full' then agree with QEMU",
				     *d ? ": disable " : "", d, *r ? (*d ? "; require " : ": require ") : "",
				     r),
			   row_guest(c, row, CHECK_FULL, &dis, &req));
		free(d);
		free(r);
		fset_fini(&dis);
		fset_fini(&req);
	}
	if (through) {
		char *b = drift_feature_list(c->map, &row->blockers, ", ");
		add_action(c, row,
			   xasprintf("require %s: libvirt then refuses %s here as QEMU does (or "
				     "disable them to run without them on purpose)", b, row->name),
			   row_guest(c, row, CHECK_PARTIAL, NULL, &row->blockers));
		free(b);
	}
	if (!fset_empty(&row->next_drops) && (partial || full)) {
		char *n = drift_feature_list(c->map, &row->next_drops, ", ");
		add_action(c, row, xasprintf("%s's cpu_map no longer requires %s for %s",
					  c->o->next_map_label ? c->o->next_map_label : "a newer libvirt",
					  n, row->name), NULL);
		free(n);
	}
}

static void row_notes(struct drift_ctx *c, struct drift_row *row)
{
	const struct cpu_map *map = c->map;

	if (!fset_empty(&row->accel_off)) {
		char *a = drift_feature_list(map, &row->accel_off, ", ");
		vec_push(&row->notes, xasprintf("%s: no CPU model of this QEMU has %s under %s "
						"(the accelerator turns %s off)", a,
						fset_count(&row->accel_off) == 1 ? "it" : "them",
						c->ds->accel ? c->ds->accel : "its accelerator",
						fset_count(&row->accel_off) == 1 ? "it" : "them"));
		free(a);
	}
	if (row->usable == USABLE_NO && !row->runnable &&
	    fset_has(&row->blockers, ftable_intern(map->ft, "avx10")))
		vec_push(&row->notes, xstrdup("QEMU's avx10-version property keeps asking for AVX10 "
					      "with every avx10 flag off, so no disable policy runs "
					      "it here"));
	if (!fset_empty(&row->removed)) {
		char *a = drift_feature_list(map, &row->removed, ", ");
		vec_push(&row->notes, xasprintf("libvirt passes %s off to QEMU (removed='yes' in its "
						"model)", a));
		free(a);
	}
	if (!fset_empty(&row->tolerated) && c->r->libvirt == DRIFT_LIBVIRT_11) {
		char *a = drift_feature_list(map, &row->tolerated, ", ");
		vec_push(&row->notes, xasprintf("%s: added='yes' in libvirt's model, so check='full' "
						"accepts %s", a,
						fset_count(&row->tolerated) == 1 ? "it" : "them"));
		free(a);
	}
	if ((!fset_empty(&row->libvirt_only) || !fset_empty(&row->qemu_only)) && row->runnable) {
		char *l = drift_feature_list(map, &row->libvirt_only, ", ");
		char *q = drift_feature_list(map, &row->qemu_only, ", ");
		vec_push(&row->notes,
			 xasprintf("check='none' starts it with QEMU's model%s%s%s%s; libvirt's live "
				   "XML then lists the difference as policies",
				   *l ? ", without " : "", l, *q ? ", with " : "", q));
		free(l);
		free(q);
	}
	if (row->vendor_differs) {
		const char *qv = vendor_name(row->qemu_vendor);
		if (row->lv_vendor)
			vec_push(&row->notes, xasprintf("vendor: libvirt's model is %s, QEMU's guest "
							"sees %s (%s)", row->lv_vendor, qv,
							row->qemu_vendor));
		else
			vec_push(&row->notes, xasprintf("vendor: libvirt's model names none "
							"(domcapabilities says vendor='unknown' and "
							"libvirt's checks accept hosts of any vendor); "
							"QEMU's guest sees %s (%s)", qv, row->qemu_vendor));
	}
	if (row->signature_differs) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < row->lv->nsigs; i++)
			sb_addf(&sb, "%s%d/%d", i ? ", " : "", row->lv->sigs[i].family,
				row->lv->sigs[i].model);
		vec_push(&row->notes, xasprintf("signature: libvirt's model lists family/model %s, "
						"QEMU's guest is family %lld model %lld (libvirt's "
						"decode prefers the model for hosts of its own "
						"signatures)", sb_str(&sb), row->qemu_family,
						row->qemu_model));
		sb_fini(&sb);
	}
}

/* Append the model's removed features to g as disable, as libvirt does
 * before the start: in the order of the model's file, which lists its
 * features by name. */
static int name_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

void drift_add_removed(const struct cpu_map *map, struct guest_cpu *g, const struct fset *removed)
{
	struct vec v = VEC_INIT;

	for (int id = fset_next(removed, 0); id >= 0; id = fset_next(removed, (unsigned)id + 1))
		vec_push(&v, xstrdup(feature_libvirt_name(ftable_get(map->ft, (unsigned)id))));
	vec_sort(&v, name_cmp);
	for (size_t i = 0; i < v.n; i++)
		if (!guest_cpu_feature(g, v.v[i]))
			guest_cpu_set_policy(g, v.v[i], POLICY_DISABLE);
	vec_fini(&v, free);
}

struct drift_row *drift_row_build(struct drift_ctx *c, const struct cm_model *lm, const struct cpu_def *d)
{
	const struct cpu_map *map = c->map;
	struct drift_row *row = xcalloc(1, sizeof(*row));
	struct model_view mv;
	struct fset q = FSET_INIT;

	model_view_init(c->ds, c->md, d, &mv);
	row->name = d->name;
	row->resolved = mv.resolved;
	row->lv = lm;
	row->def = d;
	row->lv_vendor = lm->vendor;
	snprintf(row->qemu_vendor, sizeof(row->qemu_vendor), "%s", mv.vendor);
	row->qemu_family = mv.family;
	row->qemu_model = mv.model;
	row->qemu_known = mv.full != NULL;
	decode_model_removed(map, lm, &row->removed);
	if (mv.full) {
		fset_copy(&q, &mv.full->on);
		fset_and(&q, &map->known);
		fset_copy(&row->libvirt_only, &lm->features);
		fset_andnot(&row->libvirt_only, &q);
		fset_copy(&row->qemu_only, &q);
		fset_andnot(&row->qemu_only, &lm->features);
		fset_andnot(&row->qemu_only, &row->removed);
		fset_copy(&row->tolerated, &row->qemu_only);
		fset_and(&row->tolerated, &lm->added);
		fset_copy(&row->accel_off, &row->libvirt_only);
		fset_andnot(&row->accel_off, &c->enabled_any);
	}
	if (c->o->next_map && !fset_empty(&row->libvirt_only)) {
		const struct cm_model *nm = cpu_map_model(c->o->next_map, row->name);
		if (nm) {
			fset_copy(&row->next_drops, &row->libvirt_only);
			fset_andnot(&row->next_drops, &nm->features);
		}
	}
	/* vendor and signature */
	if (row->qemu_vendor[0]) {
		const char *qv = vendor_name(row->qemu_vendor);
		row->vendor_differs = !row->lv_vendor || strcmp(row->lv_vendor, qv) != 0;
	}
	if (lm->nsigs && row->qemu_family >= 0 && row->qemu_model >= 0) {
		row->signature_differs = true;
		for (size_t i = 0; i < lm->nsigs; i++)
			if (lm->sigs[i].family == row->qemu_family && lm->sigs[i].model == row->qemu_model)
				row->signature_differs = false;
	}
	/* the host */
	row->usable = model_usable(&mv, c->o->host, &row->blockers);
	row->runnable = row->usable == USABLE_YES;
	if (row->usable == USABLE_NO) {
		row->runnable = true;
		for (int id = fset_next(&row->blockers, 0); id >= 0;
		     id = fset_next(&row->blockers, (unsigned)id + 1))
			if (is_pseudo(map->ft, (unsigned)id) || !fset_has(&map->known, (unsigned)id))
				row->runnable = false;
		/* QEMU 10.0's avx10-version property keeps asking for AVX10 when
		 * every avx10 flag is off ("TCG doesn't support requested
		 * feature: avx10.1", checked): no policy libvirt can write runs
		 * such a model */
		if (fset_has(&row->blockers, ftable_intern(map->ft, "avx10")))
			row->runnable = false;
		if (row->runnable) {
			/* the blockers, and what QEMU clears with them (arch-capabilities
			 * takes its MSR bits along): libvirt must not expect those */
			struct fset dep = FSET_INIT, both = FSET_INIT;
			fset_copy(&row->disable, &row->blockers);
			fset_copy(&both, &lm->features);
			fset_or(&both, &q);
			for (int id = fset_next(&row->blockers, 0); id >= 0;
			     id = fset_next(&row->blockers, (unsigned)id + 1)) {
				explain_dependents(map->ft, (unsigned)id, &dep);
				fset_and(&dep, &both);
				fset_and(&dep, &map->known);
				fset_or(&row->disable, &dep);
			}
			fset_fini(&dep);
			fset_fini(&both);
		}
	}
	if (row->runnable) {
		struct guest_cpu *g = row_guest(c, row, CHECK_NONE, &row->disable, NULL);
		struct vec notes = VEC_INIT;
		const char *why = NULL;
		drift_add_removed(map, g, &row->removed);
		row->qemu_cpu = emit_qemu_cpu(g, map->ft, NULL, &notes, &why);
		vec_fini(&notes, free);
		guest_cpu_free(g);
	}
	row_traps(c, row, &q);
	row_actions(c, row);
	row_notes(c, row);
	fset_fini(&q);
	return row;
}

