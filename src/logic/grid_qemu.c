/* grid_qemu.c - the feature grid across QEMU versions, and its call-outs
 * (grid_qemu.h). */
#include "grid_qemu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "upgrade.h"

struct qcol {
	const struct dataset *ds;
	const struct mdata *md;
	const char *ver;         /* label or QEMU version */
	struct model_view mv;    /* valid when has_model */
	bool has_model;
	struct fset on, lacks;   /* in the grid's table */
};

static void note(struct vec *notes, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void note(struct vec *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vec_push(notes, xvasprintf(fmt, ap));
	va_end(ap);
}

static int cmp_nat(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

/* s (of table from) into out (of table to), by name. */
static void xlate(const struct ftable *from, const struct fset *s, struct ftable *to, struct fset *out)
{
	fset_clear_all(out);
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		fset_add(out, ftable_intern(to, ftable_get(from, (unsigned)id)->name));
}

/* Names, naturally sorted, compact: up to 6 in full, else per family
 * "first ... last (N)". */
static void add_compact(struct strbuf *sb, struct vec *names)
{
	vec_sort(names, cmp_nat);
	if (names->n <= 6) {
		for (size_t i = 0; i < names->n; i++)
			sb_addf(sb, "%s%s", i ? ", " : "", (const char *)names->v[i]);
		return;
	}
	size_t i = 0, groups = 0;
	while (i < names->n) {
		char fam[128], f2[128];
		size_t j = i + 1;
		machine_family(names->v[i], fam, sizeof(fam));
		while (j < names->n && !strcmp(machine_family(names->v[j], f2, sizeof(f2)), fam))
			j++;
		sb_add(sb, groups++ ? ", " : "");
		if (j - i <= 3) {
			for (size_t k = i; k < j; k++)
				sb_addf(sb, "%s%s", k > i ? ", " : "", (const char *)names->v[k]);
		} else {
			sb_addf(sb, "%s ... %s (%zu)", (const char *)names->v[i],
				(const char *)names->v[j - 1], j - i);
		}
		i = j;
	}
}

static bool has_def(const struct mdata *md, const char *name)
{
	return md && mdata_def(md, name) != NULL;
}

/* ---- call-outs ---------------------------------------------------------------- */

static void notes_models(const struct qcol *p, const struct qcol *c, struct vec *notes)
{
	struct vec bare_new = VEC_INIT, ver_new = VEC_INIT, bare_gone = VEC_INIT, ver_gone = VEC_INIT;
	char base[128];

	for (int dir = 0; dir < 2; dir++) {
		const struct mdata *x = dir ? p->md : c->md, *y = dir ? c->md : p->md;
		for (size_t i = 0; i < x->defs.n; i++) {
			const struct cpu_def *d = x->defs.v[i];
			if (has_def(y, d->name))
				continue;
			int v = model_version_of(d->name, base, sizeof(base));
			if (v == 0)
				vec_push(dir ? &bare_gone : &bare_new, d->name);
			else if (has_def(y, base))
				vec_push(dir ? &ver_gone : &ver_new, d->name);
		}
	}
	struct strbuf sb = STRBUF_INIT;
	vec_sort(&bare_new, cmp_nat);
	vec_sort(&ver_new, cmp_nat);
	vec_sort(&bare_gone, cmp_nat);
	vec_sort(&ver_gone, cmp_nat);
	if (bare_new.n || ver_new.n) {
		sb_addf(&sb, "QEMU %s adds", c->ver);
		if (bare_new.n) {
			sb_addf(&sb, " %zu model%s:", bare_new.n, bare_new.n == 1 ? "" : "s");
			for (size_t i = 0; i < bare_new.n; i++)
				sb_addf(&sb, "%s %s", i ? "," : "", (const char *)bare_new.v[i]);
			sb_add(&sb, " (with their versions)");
		}
		if (ver_new.n) {
			sb_addf(&sb, "%s new versions of existing models:", bare_new.n ? "; and" : "");
			for (size_t i = 0; i < ver_new.n; i++)
				sb_addf(&sb, "%s %s", i ? "," : "", (const char *)ver_new.v[i]);
		}
		note(notes, "%s", sb_str(&sb));
		sb_reset(&sb);
	}
	if (bare_gone.n || ver_gone.n) {
		sb_addf(&sb, "QEMU %s no longer has", c->ver);
		for (size_t i = 0; i < bare_gone.n; i++)
			sb_addf(&sb, "%s %s", i ? "," : "", (const char *)bare_gone.v[i]);
		for (size_t i = 0; i < ver_gone.n; i++)
			sb_addf(&sb, "%s %s", i || bare_gone.n ? "," : "", (const char *)ver_gone.v[i]);
		note(notes, "%s", sb_str(&sb));
	}
	sb_fini(&sb);
	vec_fini(&bare_new, NULL);
	vec_fini(&ver_new, NULL);
	vec_fini(&bare_gone, NULL);
	vec_fini(&ver_gone, NULL);
}

static int cmp_alias(const void *x, const void *y)
{
	const struct cpu_def *a = *(const struct cpu_def *const *)x, *b = *(const struct cpu_def *const *)y;
	int c = str_natcmp(a->alias_of, b->alias_of);

	return c ? c : str_natcmp(a->name, b->name);
}

/* The names standing for each version of the family under md, by version. */
static void alias_list(const struct mdata *md, const char *base, struct strbuf *sb)
{
	struct vec v = VEC_INIT;

	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = md->defs.v[i];
		char b[128];
		if (d->alias_of && model_version_of(d->alias_of, b, sizeof(b)) > 0 && !strcmp(b, base))
			vec_push(&v, md->defs.v[i]);
	}
	vec_sort(&v, cmp_alias);
	for (size_t i = 0; i < v.n; i++) {
		const struct cpu_def *d = v.v[i];
		sb_addf(sb, "%s%s = %s", i ? ", " : "", d->name, d->alias_of);
	}
	if (!v.n)
		sb_add(sb, "none (no alias-of on this machine type)");
	vec_fini(&v, NULL);
}

static void notes_family(const struct qcol *p, const struct qcol *c, const char *base,
			 struct vec *notes)
{
	struct vec vp = VEC_INIT, vc = VEC_INIT, added = VEC_INIT;
	struct strbuf sb = STRBUF_INIT, sa = STRBUF_INIT;

	model_versions(p->md, base, &vp);
	model_versions(c->md, base, &vc);
	for (size_t i = 0; i < vc.n; i++)
		if (!has_def(p->md, ((const struct cpu_def *)vc.v[i])->name))
			vec_push(&added, ((const struct cpu_def *)vc.v[i])->name);
	if (added.n) {
		for (size_t i = 0; i < added.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", (const char *)added.v[i]);
		note(notes, "%s: QEMU %s adds %s", base, c->ver, sb_str(&sb));
	} else if (vc.n) {
		note(notes, "%s: no new versions in QEMU %s (%s-v1 ... %s)", base, c->ver, base,
		     ((const struct cpu_def *)vc.v[vc.n - 1])->name);
	}
	sb_reset(&sb);
	alias_list(p->md, base, &sb);
	alias_list(c->md, base, &sa);
	if (!strcmp(sb_str(&sb), sb_str(&sa)))
		note(notes, "%s's names: %s (the same on %s in %s and on %s in %s)", base, sb_str(&sa),
		     p->md->machine, p->ver, c->md->machine, c->ver);
	else
		note(notes, "%s's names change: %s on %s in %s; %s on %s in %s", base, sb_str(&sb),
		     p->md->machine, p->ver, sb_str(&sa), c->md->machine, c->ver);
	sb_fini(&sb);
	sb_fini(&sa);
	vec_fini(&vp, NULL);
	vec_fini(&vc, NULL);
	vec_fini(&added, NULL);
}

/* What the bare name stands for on every machine type of one QEMU. */
static void notes_resolution(const struct qcol *c, const char *base, struct vec *notes)
{
	struct strmap groups = STRMAP_INIT;
	struct vec keys = VEC_INIT, lists = VEC_INIT;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < c->ds->mdatas.n; i++) {
		const struct mdata *md = c->ds->mdatas.v[i];
		const struct cpu_def *d = md->defs.n ? mdata_def(md, base) : NULL;
		if (!d)
			continue;
		const char *to = d->alias_of ? d->alias_of : "(unversioned)";
		struct vec *l = strmap_get(&groups, to);
		if (!l) {
			l = xcalloc(1, sizeof(*l));
			strmap_put(&groups, to, l);
			vec_push(&keys, xstrdup(to));
			vec_push(&lists, l);
		}
		vec_push(l, md->machine);
	}
	bool versioned = false;
	for (size_t i = 0; i < keys.n; i++)
		versioned |= strcmp(keys.v[i], "(unversioned)") != 0;
	if (versioned) { /* s390x models have no versions */
		sb_addf(&sb, "in QEMU %s the name %s stands for", c->ver, base);
		for (size_t i = 0; i < keys.n; i++) {
			struct vec *l = lists.v[i];
			const char *k = keys.v[i];
			sb_addf(&sb, "%s %s on ", i ? ";" : "",
				strcmp(k, "(unversioned)") ? k : "its unversioned definition");
			add_compact(&sb, l);
		}
		note(notes, "%s", sb_str(&sb));
	}
	for (size_t i = 0; i < lists.n; i++) {
		vec_fini(lists.v[i], NULL);
		free(lists.v[i]);
	}
	vec_fini(&lists, NULL);
	vec_fini(&keys, free);
	strmap_fini(&groups);
	sb_fini(&sb);
}

static void notes_machines(const struct qcol *p, const struct qcol *c, struct vec *notes)
{
	struct vec fam_new = VEC_INIT, fam_gone = VEC_INIT, other_gone = VEC_INIT, depr = VEC_INIT;
	char fam[128], f2[128];
	struct strbuf sb = STRBUF_INIT;

	machine_family(c->md->machine, fam, sizeof(fam));
	for (size_t i = 0; i < c->ds->machines.n; i++) {
		const struct machine *m = c->ds->machines.v[i];
		const struct machine *o = dataset_machine(p->ds, m->name);
		if (o && strcmp(o->name, m->name))
			o = NULL; /* matched an alias, not the name */
		if (!o && !strcmp(machine_family(m->name, f2, sizeof(f2)), fam))
			vec_push(&fam_new, m->name);
		if (m->deprecated && (!o || !o->deprecated))
			vec_push(&depr, m->name);
	}
	for (size_t i = 0; i < p->ds->machines.n; i++) {
		const struct machine *m = p->ds->machines.v[i];
		const struct machine *o = dataset_machine(c->ds, m->name);
		if (o && strcmp(o->name, m->name))
			o = NULL;
		if (o)
			continue;
		vec_push(!strcmp(machine_family(m->name, f2, sizeof(f2)), fam) ? &fam_gone : &other_gone,
			 m->name);
	}
	if (fam_gone.n) {
		add_compact(&sb, &fam_gone);
		note(notes, "QEMU %s removes %zu %s machine type%s: %s", c->ver, fam_gone.n, fam,
		     fam_gone.n == 1 ? "" : "s", sb_str(&sb));
		sb_reset(&sb);
	}
	if (other_gone.n) {
		add_compact(&sb, &other_gone);
		note(notes, "QEMU %s removes other machine types: %s", c->ver, sb_str(&sb));
		sb_reset(&sb);
	}
	if (fam_new.n) {
		add_compact(&sb, &fam_new);
		note(notes, "QEMU %s adds %zu %s machine type%s: %s", c->ver, fam_new.n, fam,
		     fam_new.n == 1 ? "" : "s", sb_str(&sb));
		sb_reset(&sb);
	}
	/* the family's alias, and the default machine type */
	const struct machine *ap = machine_family_pick(p->ds, fam), *ac = machine_family_pick(c->ds, fam);
	if (ap && ac && ap->alias && ac->alias && !strcmp(ap->alias, ac->alias) && strcmp(ap->name, ac->name))
		note(notes, "%s stands for %s in QEMU %s and for %s in QEMU %s", ac->alias, ap->name,
		     p->ver, ac->name, c->ver);
	const struct machine *dp = dataset_default_machine(p->ds), *dc = dataset_default_machine(c->ds);
	if (dp && dc && strcmp(dp->name, dc->name))
		note(notes, "the default machine type: %s in QEMU %s, %s in QEMU %s", dp->name, p->ver,
		     dc->name, c->ver);
	if (depr.n) {
		add_compact(&sb, &depr);
		note(notes, "QEMU %s deprecates %zu machine type%s: %s", c->ver, depr.n,
		     depr.n == 1 ? "" : "s", sb_str(&sb));
		sb_reset(&sb);
	}
	sb_fini(&sb);
	vec_fini(&fam_new, NULL);
	vec_fini(&fam_gone, NULL);
	vec_fini(&other_gone, NULL);
	vec_fini(&depr, NULL);
}

static void notes_deprecated_models(const struct qcol *p, const struct qcol *c, struct vec *notes)
{
	struct vec v = VEC_INIT;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = c->md->defs.v[i];
		const struct cpu_def *o = mdata_def(p->md, d->name);
		if (d->deprecated && (!o || !o->deprecated))
			vec_push(&v, d->name);
	}
	if (v.n) {
		vec_sort(&v, cmp_nat);
		for (size_t i = 0; i < v.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", (const char *)v.v[i]);
		note(notes, "QEMU %s deprecates the models %s", c->ver, sb_str(&sb));
	}
	sb_fini(&sb);
	vec_fini(&v, NULL);
}

static void names_of(const struct ftable *ft, const struct fset *s, struct strbuf *sb)
{
	struct vec v = VEC_INIT;

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		vec_push(&v, ftable_get(ft, (unsigned)id)->name);
	vec_sort(&v, cmp_nat);
	for (size_t i = 0; i < v.n; i++)
		sb_addf(sb, "%s%s", i ? ", " : "", (const char *)v.v[i]);
	vec_fini(&v, NULL);
}

/* What the accelerator provides for the model, by QEMU's own verdict. */
static void notes_accel(const struct ftable *ft, const struct qcol *p, const struct qcol *c,
			bool first, struct vec *notes)
{
	struct fset gone = FSET_INIT, now = FSET_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *acc = c->ds->accel ? c->ds->accel : "its accelerator";

	if (first) {
		if (fset_empty(&p->lacks))
			note(notes, "under %s, QEMU %s can run %s (no unavailable features)",
			     p->ds->accel ? p->ds->accel : "its accelerator", p->ver, p->mv.resolved);
		else {
			names_of(ft, &p->lacks, &sb);
			note(notes, "under %s, QEMU %s cannot provide %s for %s", p->ds->accel ?
			     p->ds->accel : "its accelerator", p->ver, sb_str(&sb), p->mv.resolved);
			sb_reset(&sb);
		}
	}
	if (!str_eq(p->ds->accel, c->ds->accel))
		note(notes, "the accelerators differ: %s for QEMU %s, %s for QEMU %s",
		     p->ds->accel ? p->ds->accel : "?", p->ver, acc, c->ver);
	fset_copy(&gone, &p->lacks);
	fset_andnot(&gone, &c->lacks);
	fset_copy(&now, &c->lacks);
	fset_andnot(&now, &p->lacks);
	if (!fset_empty(&gone)) {
		names_of(ft, &gone, &sb);
		note(notes, "under %s, QEMU %s now provides %s", acc, c->ver, sb_str(&sb));
		sb_reset(&sb);
	}
	if (!fset_empty(&now)) {
		names_of(ft, &now, &sb);
		note(notes, "under %s, QEMU %s no longer provides %s", acc, c->ver, sb_str(&sb));
		sb_reset(&sb);
	}
	if (fset_empty(&c->lacks) != fset_empty(&p->lacks))
		note(notes, "%s %s under %s in QEMU %s", c->mv.resolved,
		     fset_empty(&c->lacks) ? "becomes usable" : "is no longer usable", acc, c->ver);
	else if (fset_equal(&c->lacks, &p->lacks) && !fset_empty(&c->lacks))
		note(notes, "under %s, QEMU %s still cannot provide the same features", acc, c->ver);
	fset_fini(&gone);
	fset_fini(&now);
	sb_fini(&sb);
}

/* ---- the grid ----------------------------------------------------------------------- */

static bool pick_machine(const struct grid_qemu_src *s, const char *family, const struct mdata **out,
			 struct err *e)
{
	const struct machine *m;

	*out = NULL;
	if (s->machine) {
		*out = dataset_resolve_machine(s->ds, s->machine, e);
		return *out != NULL;
	}
	if (family) {
		m = machine_family_pick(s->ds, family);
	} else {
		m = dataset_default_machine(s->ds);
	}
	*out = m ? dataset_find_mdata(s->ds, m->name) : NULL;
	return true; /* a QEMU without the family: an empty column */
}

struct grid *grid_build_qemu(struct ftable *ft, const struct grid_qemu_src *src, size_t n,
			     const char *family, const char *name, const struct host *host,
			     struct vec *notes, struct err *e)
{
	struct qcol *cols = xcalloc(n + 1, sizeof(*cols));
	struct grid *g = NULL;
	char title[512], fam[128] = "", base[128] = "";
	size_t nmodel = 0;
	bool ok = true, same = true;

	for (size_t i = 0; i < n && ok; i++) {
		struct qcol *c = &cols[i];
		struct err le;
		c->ds = src[i].ds;
		c->ver = src[i].label ? src[i].label : c->ds->qemu_version ? c->ds->qemu_version : "?";
		ok = pick_machine(&src[i], family, &c->md, e);
		if (!ok || !c->md)
			continue;
		err_clear(&le);
		c->has_model = model_lookup(c->ds, c->md, name, &c->mv, &le);
		if (!c->has_model)
			continue;
		nmodel++;
		if (c->mv.full)
			xlate(c->ds->ft, &c->mv.full->on, ft, &c->on);
		if (c->mv.def->unavail_known)
			xlate(c->ds->ft, &c->mv.def->unavailable, ft, &c->lacks);
		if (!base[0])
			snprintf(base, sizeof(base), "%s", c->mv.base);
	}
	if (ok && !nmodel)
		ok = err_set(e, NULL, 0, "grid: no QEMU of the list has the model '%s'%s%s", name,
			     family ? " on " : "", family ? family : "");
	if (!ok)
		goto out;
	/* the family's name (q35 is pc-q35), from the first column that has it */
	for (size_t i = 0; i < n && !fam[0] && !src[0].machine; i++)
		if (cols[i].md)
			machine_family(cols[i].md->machine, fam, sizeof(fam));
	snprintf(title, sizeof(title), "%s across QEMU versions%s%s", name,
		 fam[0] ? " on " : "", fam[0] ? fam : "");
	g = grid_new(GRID_QEMU, ft, title);
	for (size_t i = 0; i < n; i++) {
		struct qcol *c = &cols[i];
		char sub[300];
		if (!c->md)
			snprintf(sub, sizeof(sub), "no %s", fam[0] ? fam : "machine type");
		else if (!c->has_model)
			snprintf(sub, sizeof(sub), "%s: no %s", c->md->machine, name);
		else
			snprintf(sub, sizeof(sub), "%s: %s", c->md->machine, c->mv.resolved);
		struct grid_col *gc = grid_add_col(g, c->ver, sub);
		if (!c->has_model)
			continue;
		fset_copy(&gc->on, &c->on);
		gc->has_data = c->mv.full != NULL;
		gc->full = c->mv.full;
		gc->host = host;
		if (!host && c->mv.def->unavail_known) {
			fset_copy(&gc->lacks, &c->lacks);
			gc->has_lacks = true;
		}
	}

	/* the call-outs, each version against the one before it */
	const struct qcol *prev = NULL;
	size_t pairs = 0;
	for (size_t i = 0; i < n; i++) {
		const struct qcol *c = &cols[i];
		if (!c->md)
			continue;
		if (prev && prev->has_model != c->has_model)
			note(notes, "%s is %s QEMU %s (on %s)", name, c->has_model ? "new in" : "gone from",
			     c->ver, c->md->machine);
		if (prev && c->has_model && prev->has_model) {
			if (!fset_equal(&prev->on, &c->on))
				same = false;
			if (has_def(c->md, base) && has_def(prev->md, base))
				notes_family(prev, c, base, notes);
			if (!host)
				notes_accel(ft, prev, c, pairs == 0, notes);
		}
		if (prev) {
			notes_models(prev, c, notes);
			notes_machines(prev, c, notes);
			notes_deprecated_models(prev, c, notes);
			pairs++;
		}
		prev = c;
	}
	if (nmodel > 1 && same)
		note(notes, "%s has the same features in every column", name);
	/* which version the bare name stands for, on which machine types */
	for (size_t i = 0; i < n; i++)
		if (cols[i].has_model && has_def(cols[i].md, base))
			notes_resolution(&cols[i], base, notes);
out:
	for (size_t i = 0; i < n; i++) {
		fset_fini(&cols[i].on);
		fset_fini(&cols[i].lacks);
	}
	free(cols);
	return g;
}
