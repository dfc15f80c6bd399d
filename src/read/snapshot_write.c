/* snapshot_write.c - writing cpuscope's snapshot of one QEMU binary.  The
 * format (a pool of expansion records, deltas of earlier ones) is
 * described at the top of snapshot_read.c. */
#include "snapshot.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define SNAP_CHAIN_MAX 8

/* ---- writing ------------------------------------------------------------- */

static void put_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*p);
		} else if (*p < 0x20) {
			sb_addf(sb, "\\u%04x", *p);
		} else {
			sb_addc(sb, (char)*p);
		}
	}
	sb_addc(sb, '"');
}

static void put_key(struct strbuf *sb, bool *first, const char *key)
{
	if (!*first)
		sb_add(sb, ", ");
	*first = false;
	put_str(sb, key);
	sb_add(sb, ": ");
}

/* Open md's entry of a per-machine object; an earlier machine with the
 * same data (same) stands in by name, and then the entry is complete:
 * returns true. */
static bool put_machine_entry(struct strbuf *sb, bool *first, const struct mdata *md,
			      const struct mdata *same)
{
	sb_add(sb, *first ? "\n" : ",\n");
	*first = false;
	put_str(sb, md->machine);
	sb_add(sb, ": ");
	if (!same)
		return false;
	put_str(sb, same->machine);
	return true;
}

static void put_opt_str(struct strbuf *sb, bool *first, const char *key, const char *val)
{
	if (!val)
		return;
	put_key(sb, first, key);
	put_str(sb, val);
}

static void put_def(struct strbuf *sb, const struct cpu_def *d)
{
	bool first = true;

	sb_addc(sb, '{');
	put_opt_str(sb, &first, "name", d->name);
	put_opt_str(sb, &first, "typename", d->type_name);
	if (d->unavail_known) {
		put_key(sb, &first, "unavailable-features");
		sb_addc(sb, '[');
		for (size_t i = 0; i < d->nunavail; i++) {
			if (i)
				sb_add(sb, ", ");
			put_str(sb, d->unavail_names[i]);
		}
		sb_addc(sb, ']');
	}
	put_opt_str(sb, &first, "alias-of", d->alias_of);
	put_key(sb, &first, "static");
	sb_add(sb, d->is_static ? "true" : "false");
	put_key(sb, &first, "migration-safe");
	sb_add(sb, d->migration_safe ? "true" : "false");
	put_key(sb, &first, "deprecated");
	sb_add(sb, d->deprecated ? "true" : "false");
	sb_addc(sb, '}');
}

static bool defs_equal(const struct mdata *a, const struct mdata *b)
{
	if (a->defs.n != b->defs.n)
		return false;
	for (size_t i = 0; i < a->defs.n; i++) {
		const struct cpu_def *x = vec_get(&a->defs, i), *y = vec_get(&b->defs, i);
		if (!str_eq(x->name, y->name) || !str_eq(x->type_name, y->type_name) ||
		    !str_eq(x->alias_of, y->alias_of) || x->is_static != y->is_static ||
		    x->migration_safe != y->migration_safe || x->deprecated != y->deprecated ||
		    x->unavail_known != y->unavail_known || x->nunavail != y->nunavail)
			return false;
		for (size_t k = 0; k < x->nunavail; k++)
			if (strcmp(x->unavail_names[k], y->unavail_names[k]) != 0)
				return false;
	}
	return true;
}

/* Per pool entry, while writing. */
struct wrec {
	bool used;
	int out;         /* index in the written pool */
	int base;        /* pool index of the delta base, -1: full */
	int depth;       /* chain length */
	char *family;    /* "full:MODEL" / "static:MODEL" of its first use */
	struct vec props; /* effective props */
};

struct wfam {
	int first, last; /* pool indices */
};

/* Delta size of x against b (items), or the full size when b is NULL.
 * SIZE_MAX when no delta can say it: "unset" names a feature the reader
 * knows before a prop, so a prop x lacks cannot be unset while x keeps the
 * feature of that name (only a hand-made snapshot has both; a fuzzing find). */
static size_t delta_cost(const struct ftable *ft, const struct expansion *x, const struct vec *xp,
			 const struct expansion *b, const struct vec *bp)
{
	struct fset t = FSET_INIT;
	size_t n = 0, i = 0, j = 0;

	if (!b)
		return fset_count(&x->known) + xp->n;
	/* on: x.on - b.on; off: (x.known - x.on) - (b.known - b.on); unset: b.known - x.known */
	fset_copy(&t, &x->on);
	fset_andnot(&t, &b->on);
	n += fset_count(&t);
	fset_copy(&t, &x->known);
	fset_andnot(&t, &x->on);
	{
		struct fset boff = FSET_INIT;
		fset_copy(&boff, &b->known);
		fset_andnot(&boff, &b->on);
		fset_andnot(&t, &boff);
		fset_fini(&boff);
	}
	n += fset_count(&t);
	fset_copy(&t, &b->known);
	fset_andnot(&t, &x->known);
	n += fset_count(&t);
	fset_fini(&t);
	while (i < xp->n || j < bp->n) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = j < bp->n ? vec_get(bp, j) : NULL;
		int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
		if (c > 0) {
			const struct feature *f = ftable_lookup(ft, pj->name);
			if (f && fset_has(&b->known, f->id) && fset_has(&x->known, f->id))
				return SIZE_MAX;
		}
		if (c != 0 || strcmp(pi->json, pj->json) != 0)
			n++;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (strcmp(x->name, b->name) != 0)
		n++;
	return n;
}

static void put_names(struct strbuf *sb, bool *first, const char *key, const struct fset *s,
		      const struct ftable *ft, bool always)
{
	bool any = false;

	if (!always && fset_empty(s))
		return;
	put_key(sb, first, key);
	sb_addc(sb, '[');
	for (int i = fset_next(s, 0); i >= 0; i = fset_next(s, (unsigned)i + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)i);
		if (!f)
			continue;
		if (any)
			sb_add(sb, ", ");
		any = true;
		put_str(sb, f->name);
	}
	sb_addc(sb, ']');
}

static void put_record(struct strbuf *sb, const struct dataset *ds, const struct expansion *x,
		       const struct vec *xp, const struct expansion *b, const struct vec *bp,
		       int bout)
{
	struct fset on = FSET_INIT, off = FSET_INIT, unset = FSET_INIT, t = FSET_INIT;
	struct strbuf ul = STRBUF_INIT;
	bool first = true, pfirst = true;
	size_t i = 0, j = 0;

	sb_addc(sb, '{');
	if (b) {
		put_key(sb, &first, "of");
		sb_addf(sb, "%d", bout);
		if (strcmp(x->name, b->name) != 0)
			put_opt_str(sb, &first, "name", x->name);
	} else {
		put_opt_str(sb, &first, "name", x->name);
	}
	fset_copy(&on, &x->on);
	fset_copy(&off, &x->known);
	fset_andnot(&off, &x->on);
	if (b) {
		fset_andnot(&on, &b->on);
		fset_copy(&t, &b->known);
		fset_andnot(&t, &b->on);
		fset_andnot(&off, &t);
		fset_copy(&unset, &b->known);
		fset_andnot(&unset, &x->known);
	}
	put_names(sb, &first, "on", &on, ds->ft, !b);
	put_names(sb, &first, "off", &off, ds->ft, !b);
	/* props (changed or new) */
	while (i < xp->n || (b && j < bp->n)) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = b && j < bp->n ? vec_get(bp, j) : NULL;
		int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
		if (c < 0 || (c == 0 && strcmp(pi->json, pj->json) != 0)) {
			if (pfirst)
				put_key(sb, &first, "props");
			sb_add(sb, pfirst ? "{" : ", ");
			pfirst = false;
			put_str(sb, pi->name);
			sb_add(sb, ": ");
			sb_add(sb, pi->json);
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (pfirst && !b) {
		put_key(sb, &first, "props");
		sb_addc(sb, '{');
	}
	if (!pfirst || !b)
		sb_addc(sb, '}');
	/* unset: features, then props only in b */
	for (int f = fset_next(&unset, 0); f >= 0; f = fset_next(&unset, (unsigned)f + 1)) {
		sb_add(&ul, ul.len ? ", " : "");
		put_str(&ul, ftable_get(ds->ft, (unsigned)f)->name);
	}
	for (i = 0, j = 0; b && j < bp->n;) {
		const struct prop *pi = i < xp->n ? vec_get(xp, i) : NULL;
		const struct prop *pj = vec_get(bp, j);
		int c = !pi ? 1 : strcmp(pi->name, pj->name);
		if (c > 0) {
			sb_add(&ul, ul.len ? ", " : "");
			put_str(&ul, pj->name);
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (ul.len) {
		put_key(sb, &first, "unset");
		sb_addc(sb, '[');
		sb_add(sb, sb_str(&ul));
		sb_addc(sb, ']');
	}
	sb_fini(&ul);
	sb_addc(sb, '}');
	fset_fini(&on);
	fset_fini(&off);
	fset_fini(&unset);
	fset_fini(&t);
}

static int model_cmp(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Model names with expansions on md: definition order, then the rest sorted. */
static void expansion_models(const struct mdata *md, struct vec *out)
{
	size_t first;

	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&md->defs, i);
		if (strmap_has(&md->exp_by_model, d->name))
			vec_push(out, d->name);
	}
	first = out->n;
	for (size_t i = 0; i < md->exp_by_model.cap; i++) {
		const char *k = md->exp_by_model.keys ? md->exp_by_model.keys[i] : NULL;
		if (k && !strmap_has(&md->def_by_name, k))
			vec_push(out, md->exp_by_model.keys[i]);
	}
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v), model_cmp);
}

/* Same models with the same pool entries (records never start at -1 in
 * one and not the other). */
static bool exp_maps_equal(const struct mdata *a, const struct mdata *b)
{
	if (a->exp_by_model.n != b->exp_by_model.n)
		return false;
	for (size_t i = 0; i < a->exp_by_model.cap; i++) {
		const struct model_exp *x, *y;
		if (!a->exp_by_model.keys || !a->exp_by_model.keys[i])
			continue;
		x = a->exp_by_model.vals[i];
		y = strmap_get(&b->exp_by_model, a->exp_by_model.keys[i]);
		if (!y || x->full != y->full || x->stat != y->stat)
			return false;
	}
	return true;
}

static void wrec_use(struct wrec *w, int idx, const char *family)
{
	if (idx < 0 || w[idx].used)
		return;
	w[idx].used = true;
	w[idx].family = xstrdup(family);
}

char *snapshot_to_json(const struct dataset *ds)
{
	struct strbuf sb = STRBUF_INIT;
	size_t np = ds->expansions.n;
	struct wrec *w = xcalloc(np + 1, sizeof(*w));
	struct strmap fams = STRMAP_INIT;
	struct vec famv = VEC_INIT, models = VEC_INIT;
	bool first = true;
	int nout = 0, last_kind[2] = {-1, -1};

	sb_add(&sb, "{\"format\": \"" SNAPSHOT_FORMAT "\",\n\"qemu\": {");
	put_opt_str(&sb, &first, "version", ds->qemu_version);
	put_opt_str(&sb, &first, "package", ds->qemu_package);
	put_opt_str(&sb, &first, "binary", ds->binary);
	put_opt_str(&sb, &first, "arch", arch_name(ds->arch));
	put_opt_str(&sb, &first, "accel", ds->accel);
	sb_add(&sb, "},\n");
	if (ds->captured) {
		sb_add(&sb, "\"captured\": ");
		put_str(&sb, ds->captured);
		sb_add(&sb, ",\n");
	}
	sb_add(&sb, "\"machines\": [");
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *m = vec_get(&ds->machines, i);
		first = true;
		sb_add(&sb, i ? ",\n{" : "\n{");
		put_opt_str(&sb, &first, "name", m->name);
		put_opt_str(&sb, &first, "alias", m->alias);
		if (m->is_default) {
			put_key(&sb, &first, "is-default");
			sb_add(&sb, "true");
		}
		if (m->deprecated) {
			put_key(&sb, &first, "deprecated");
			sb_add(&sb, "true");
		}
		put_opt_str(&sb, &first, "default-cpu-type", m->default_cpu_type);
		sb_addc(&sb, '}');
	}
	sb_add(&sb, "],\n\"definitions\": {");
	first = true;
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		const struct mdata *same = NULL;
		if (!md->defs_known)
			continue;
		for (size_t k = 0; k < i && !same; k++) {
			const struct mdata *o = vec_get(&ds->mdatas, k);
			if (o->defs_known && defs_equal(o, md))
				same = o;
		}
		if (put_machine_entry(&sb, &first, md, same))
			continue;
		sb_addc(&sb, '[');
		for (size_t k = 0; k < md->defs.n; k++) {
			sb_add(&sb, k ? ",\n" : "\n");
			put_def(&sb, vec_get(&md->defs, k));
		}
		sb_addc(&sb, ']');
	}
	sb_add(&sb, "},\n");

	/* families: which model each pool entry first serves */
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		models.n = 0;
		expansion_models(md, &models);
		for (size_t k = 0; k < models.n; k++) {
			const char *name = vec_get(&models, k);
			const struct model_exp *me = strmap_get(&md->exp_by_model, name);
			char fam[300];
			if (me->full >= 0 && (size_t)me->full < np) {
				snprintf(fam, sizeof(fam), "full:%s", name);
				wrec_use(w, me->full, fam);
			}
			if (me->stat >= 0 && (size_t)me->stat < np) {
				snprintf(fam, sizeof(fam), "static:%s", name);
				wrec_use(w, me->stat, fam);
			}
		}
	}
	/* choose bases, in pool order (bases come before their deltas) */
	sb_add(&sb, "\"pool\": [");
	for (size_t i = 0; i < np; i++) {
		const struct expansion *x = vec_get(&ds->expansions, i);
		struct wfam *f;
		int cand[3], best = -1, kind;
		size_t best_cost;

		if (!w[i].used)
			continue;
		expansion_props_all(x, &w[i].props);
		best_cost = delta_cost(ds->ft, x, &w[i].props, NULL, NULL);
		f = strmap_get(&fams, w[i].family);
		kind = str_startswith(w[i].family, "full:") ? 0 : 1;
		cand[0] = f ? f->last : -1;
		cand[1] = f ? f->first : -1;
		cand[2] = last_kind[kind]; /* the previous model: often a relative */
		for (int c = 0; c < 3; c++) {
			size_t cost;
			if (cand[c] < 0 || w[cand[c]].depth >= SNAP_CHAIN_MAX)
				continue;
			cost = delta_cost(ds->ft, x, &w[i].props, vec_get(&ds->expansions, (size_t)cand[c]),
					  &w[cand[c]].props);
			if (cost < best_cost) {
				best_cost = cost;
				best = cand[c];
			}
		}
		w[i].base = best;
		w[i].depth = best >= 0 ? w[best].depth + 1 : 0;
		w[i].out = nout++;
		if (!f) {
			f = xmalloc(sizeof(*f));
			f->first = (int)i;
			strmap_put(&fams, w[i].family, f);
			vec_push(&famv, f);
		}
		f->last = (int)i;
		last_kind[kind] = (int)i;
		sb_add(&sb, w[i].out ? ",\n" : "\n");
		put_record(&sb, ds, x, &w[i].props,
			   best >= 0 ? vec_get(&ds->expansions, (size_t)best) : NULL,
			   best >= 0 ? &w[best].props : NULL, best >= 0 ? w[best].out : -1);
	}
	sb_add(&sb, "],\n\"expansions\": {");
	first = true;
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		const struct mdata *same = NULL;
		bool mfirst = true;
		models.n = 0;
		expansion_models(md, &models);
		if (!models.n)
			continue;
		for (size_t k = 0; k < i && !same; k++) {
			const struct mdata *o = vec_get(&ds->mdatas, k);
			if (o->exp_by_model.n && exp_maps_equal(o, md))
				same = o;
		}
		if (put_machine_entry(&sb, &first, md, same))
			continue;
		sb_addc(&sb, '{');
		for (size_t k = 0; k < models.n; k++) {
			const char *name = vec_get(&models, k);
			const struct model_exp *me = strmap_get(&md->exp_by_model, name);
			bool rfirst = true;
			sb_add(&sb, mfirst ? "\n" : ",\n");
			mfirst = false;
			put_str(&sb, name);
			sb_add(&sb, ": {");
			if (me->full >= 0 && (size_t)me->full < np) {
				put_key(&sb, &rfirst, "full");
				sb_addf(&sb, "%d", w[me->full].out);
			}
			if (me->stat >= 0 && (size_t)me->stat < np) {
				put_key(&sb, &rfirst, "static");
				sb_addf(&sb, "%d", w[me->stat].out);
			}
			sb_addc(&sb, '}');
		}
		sb_addc(&sb, '}');
	}
	sb_add(&sb, "}");
	if (ds->missing.n) {
		sb_add(&sb, ",\n\"missing\": [");
		for (size_t i = 0; i < ds->missing.n; i++) {
			if (i)
				sb_add(&sb, ", ");
			put_str(&sb, vec_get(&ds->missing, i));
		}
		sb_addc(&sb, ']');
	}
	sb_add(&sb, "}\n");

	for (size_t i = 0; i < np; i++) {
		free(w[i].family);
		vec_fini(&w[i].props, NULL);
	}
	free(w);
	strmap_fini(&fams);
	vec_fini(&famv, free);
	vec_fini(&models, NULL);
	return sb_take(&sb);
}

bool snapshot_write(const struct dataset *ds, const char *path, struct err *e)
{
	char *s = snapshot_to_json(ds);
	bool ok = write_file_atomic(path, s, strlen(s), e);

	free(s);
	return ok;
}
