/* drift.c - libvirt's copy of each CPU model against QEMU's own (drift.h
 * has the rules and what they were verified against). */
#include "drift.h"

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

/* ---- computing ----------------------------------------------------------------- */

struct ctx {
	const struct dataset *ds;
	const struct mdata *md;
	const struct cpu_map *map;
	const struct drift_opts *o;
	struct drift_report *r;
	struct fset hm;          /* the host-model's features (map features) */
	struct fset enabled_any; /* features some model of this QEMU enables here */
};

static bool qemu_special(const char *name)
{
	return !strcmp(name, "host") || !strcmp(name, "max") || !strcmp(name, "base");
}

static bool is_pseudo(const struct ftable *ft, unsigned id)
{
	return (ftable_get(ft, id)->flags & FEAT_PSEUDO) != 0;
}

/* The guest the traps are about: M with the given disable policies. */
static struct guest_cpu *row_guest(const struct ctx *c, const struct drift_row *row,
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
static void add_action(const struct ctx *c, struct drift_row *row, char *text, struct guest_cpu *g)
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
static char *with_disabled(const struct ctx *c, const struct drift_row *row)
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
static void partial_missing(const struct ctx *c, const struct drift_row *row,
			    const struct fset *disable, struct fset *out)
{
	fset_copy(out, &row->lv->features);
	fset_andnot(out, disable);
	fset_andnot(out, &c->hm);
}

/* Whether libvirt runs its own compare for check='partial' (11.x asks
 * QEMU's verdict instead for usable models without listed features, and
 * for models without <check partial='compat'/>). */
static bool partial_compares(const struct ctx *c, const struct drift_row *row, bool features_listed)
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
static void row_traps(struct ctx *c, struct drift_row *row, const struct fset *q)
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

static void row_actions(struct ctx *c, struct drift_row *row)
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

static void row_notes(struct ctx *c, struct drift_row *row)
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

static void add_removed(const struct cpu_map *map, struct guest_cpu *g, const struct fset *removed)
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

static struct drift_row *row_build(struct ctx *c, const struct cm_model *lm, const struct cpu_def *d)
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
		add_removed(map, g, &row->removed);
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
static char *translation(struct ctx *c, const struct cm_model *lm)
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
		if (qemu_special(d->name) || !cpu_map_model(c->map, d->name))
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
		add_removed(c->map, g, &removed);
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

static char *qemu_only_note(struct ctx *c, const struct cpu_def *d)
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

static bool wanted(const struct ctx *c, const char *name, const char *resolved, bool *hit)
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
static void host_model(struct ctx *c)
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
	struct ctx c;
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
			row = row_build(&c, lm, d);
			vec_push(&r->rows, row);
		} else if (wanted(&c, lm->name, NULL, hit)) {
			char *t = translation(&c, lm);
			vec_push(&r->libvirt_only_models,
				 only_new(lm->name, libvirt_only_note(lm, t), t));
		}
	}
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = md->defs.v[i];
		if (qemu_special(d->name))
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

/* ---- text ------------------------------------------------------------------ */

static const char *trap_heading(enum drift_trap_kind k)
{
	switch (k) {
	case DRIFT_PARTIAL_REFUSES: return "check='partial' refuses what QEMU runs";
	case DRIFT_FULL_REFUSES: return "check='full' refuses it everywhere";
	case DRIFT_LETS_THROUGH: return "check='partial' lets through what QEMU refuses";
	case DRIFT_TRAP__COUNT:
	default: return "?";
	}
}

static void list_line(struct strbuf *sb, const struct cpu_map *map, const char *label,
		      const struct fset *s, const char *suffix)
{
	char *l;

	if (fset_empty(s))
		return;
	l = drift_feature_list(map, s, ", ");
	sb_addf(sb, "  %-14s%s%s\n", label, l, suffix);
	free(l);
}

static void indent_block(struct strbuf *sb, const char *text, const char *prefix)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		sb_add(sb, prefix);
		sb_addn(sb, p, n);
		sb_addc(sb, '\n');
		p += n;
		if (*p == '\n')
			p++;
	}
}

void drift_row_text(const struct drift_report *r, const struct drift_row *row, struct strbuf *sb)
{
	const struct cpu_map *map = r->map;

	sb_addf(sb, "%s", row->name);
	if (strcmp(row->resolved, row->name))
		sb_addf(sb, " (QEMU: %s)", row->resolved);
	sb_addc(sb, '\n');
	if (!row->qemu_known)
		sb_addf(sb, "  %-14s%s\n", "QEMU:", "no expansion of it in the data");
	list_line(sb, map, "libvirt only:", &row->libvirt_only,
		  fset_count(&row->libvirt_only) == 1 ? " (libvirt's model requires it, QEMU's lacks it)" :
		  " (libvirt's model requires them, QEMU's lacks them)");
	list_line(sb, map, "QEMU only:", &row->qemu_only,
		  fset_count(&row->qemu_only) == 1 ? " (QEMU's model has it, libvirt's lacks it)" :
		  " (QEMU's model has them, libvirt's lacks them)");
	if (fset_empty(&row->libvirt_only) && fset_empty(&row->qemu_only) && row->qemu_known)
		sb_addf(sb, "  %-14s%s\n", "features:", "the same in both");
	if (row->usable == USABLE_NO) {
		char *b = drift_feature_list(map, &row->blockers, ", ");
		sb_addf(sb, "  %-14snot usable (blocked by %s)%s\n", "on the host:", b,
			row->runnable ? "" : "; no policy libvirt can write makes QEMU run it");
		free(b);
		if (row->runnable) {
			char *d = drift_feature_list(map, &row->disable, ", ");
			sb_addf(sb, "  %-14s%s (the blockers, and what QEMU clears with them)\n",
				"guests here:", d);
			free(d);
		}
	} else if (row->usable == USABLE_UNKNOWN) {
		sb_addf(sb, "  %-14s%s\n", "on the host:", "QEMU's verdict unknown (the data does not say)");
	}
	if (row->qemu_cpu)
		sb_addf(sb, "  %-14s-cpu %s\n", "libvirt runs:", row->qemu_cpu);
	for (size_t i = 0; i < row->traps.n; i++) {
		const struct drift_trap *t = row->traps.v[i];
		sb_addf(sb, "  trap: %s\n", t->consequence);
		if (t->message)
			sb_addf(sb, "        libvirt: %s\n", t->message);
	}
	for (size_t i = 0; i < row->actions.n; i++) {
		const struct drift_action *a = row->actions.v[i];
		sb_addf(sb, "  do:   %s\n", a->text);
		if (a->xml)
			indent_block(sb, a->xml, "          ");
	}
	for (size_t i = 0; i < row->notes.n; i++)
		sb_addf(sb, "  note: %s\n", (const char *)row->notes.v[i]);
}

char *drift_head_text(const struct drift_report *r)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s\n", r->title);
	sb_addf(&sb, "libvirt %s's checks.  check='partial' compares with: %s.  Who says what QEMU "
		"runs: %s.\n", drift_libvirt_name(r->libvirt), r->host_model, r->verdict);
	sb_addf(&sb, "Models in both: %zu (%zu differ).  Traps: %zu %s, %zu %s, %zu %s.  Vendor "
		"differs for %zu, signature for %zu.\n", r->rows.n, r->ndiffer,
		r->ntraps[DRIFT_PARTIAL_REFUSES], trap_heading(DRIFT_PARTIAL_REFUSES),
		r->ntraps[DRIFT_FULL_REFUSES], trap_heading(DRIFT_FULL_REFUSES),
		r->ntraps[DRIFT_LETS_THROUGH], trap_heading(DRIFT_LETS_THROUGH),
		r->nvendor, r->nsignature);
	return sb_take(&sb);
}

char *drift_text(const struct drift_report *r, bool filtered)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf same = STRBUF_INIT;
	size_t nsame = 0;
	char *head = drift_head_text(r);

	sb_add(&sb, head);
	free(head);
	if (r->libvirt_only_models.n) {
		sb_addf(&sb, "\nOnly libvirt's map has (%zu):\n", r->libvirt_only_models.n);
		for (size_t i = 0; i < r->libvirt_only_models.n; i++) {
			const struct drift_only *o = r->libvirt_only_models.v[i];
			sb_addf(&sb, "  %s: %s\n", o->name, o->note);
		}
	}
	if (r->qemu_only_models.n) {
		sb_addf(&sb, "\nOnly QEMU has (%zu):\n", r->qemu_only_models.n);
		for (size_t i = 0; i < r->qemu_only_models.n; i++) {
			const struct drift_only *o = r->qemu_only_models.v[i];
			sb_addf(&sb, "  %s: %s\n", o->name, o->note);
		}
	}
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct drift_row *row = r->rows.v[i];
		bool differs = !fset_empty(&row->libvirt_only) || !fset_empty(&row->qemu_only) ||
			       row->traps.n || row->vendor_differs || row->signature_differs ||
			       !row->qemu_known;
		if (!differs && !filtered) {
			sb_addf(&same, "%s%s", nsame++ ? ", " : "", row->name);
			continue;
		}
		sb_addc(&sb, '\n');
		drift_row_text(r, row, &sb);
	}
	if (nsame)
		sb_addf(&sb, "\nThe same in both (%zu): %s\n", nsame, sb_str(&same));
	sb_fini(&same);
	return sb_take(&sb);
}
