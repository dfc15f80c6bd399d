/* model.c - machine types, CPU definitions and the expansion pool. */
#include "model.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "s390x_names.h"
#include "text.h"

/* Longest props_base chain followed; deeper ones are cut (corrupt data). */
#define PROPS_CHAIN_MAX 64

struct dataset *dataset_new(enum arch arch, struct ftable *ft)
{
	struct dataset *ds = xcalloc(1, sizeof(*ds));

	ds->arch = arch;
	ds->ft = ft;
	return ds;
}

void dataset_qemu_props(const struct dataset *ds, struct fset *out)
{
	fset_clear_all(out);
	for (size_t i = 0; i < ds->expansions.n; i++) {
		const struct expansion *x = vec_get(&ds->expansions, i);
		fset_or(out, &x->known);
	}
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->alias);
	free(m->default_cpu_type);
	free(m);
}

void cpu_def_free(struct cpu_def *d)
{
	if (!d)
		return;
	if (d->extra_refs) {
		d->extra_refs--;
		return;
	}
	free(d->name);
	free(d->type_name);
	free(d->alias_of);
	free(d->start_failure);
	fset_fini(&d->unavailable);
	for (size_t i = 0; i < d->nunavail; i++)
		free(d->unavail_names[i]);
	free(d->unavail_names);
	free(d);
}

struct expansion *expansion_new(const char *name)
{
	struct expansion *x = xcalloc(1, sizeof(*x));

	x->name = xstrdup(name ? name : "");
	x->props_base = -1;
	return x;
}

void expansion_free(struct expansion *x)
{
	if (!x)
		return;
	free(x->name);
	fset_fini(&x->on);
	fset_fini(&x->known);
	for (size_t i = 0; i < x->nprops; i++) {
		free(x->props[i].name);
		free(x->props[i].json);
	}
	free(x->props);
	free(x);
}

static void machine_free_v(void *p) { machine_free(p); }
static void cpu_def_free_v(void *p) { cpu_def_free(p); }
static void expansion_free_v(void *p) { expansion_free(p); }

static void mdata_free(struct mdata *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->exp_by_model.cap; i++)
		if (md->exp_by_model.keys && md->exp_by_model.keys[i])
			free(md->exp_by_model.vals[i]);
	strmap_fini(&md->exp_by_model);
	strmap_fini(&md->def_by_name);
	vec_fini(&md->defs, cpu_def_free_v);
	free(md->machine);
	free(md);
}

static void mdata_free_v(void *p) { mdata_free(p); }

void dataset_free(struct dataset *ds)
{
	if (!ds)
		return;
	free(ds->source);
	free(ds->qemu_version);
	free(ds->qemu_package);
	free(ds->binary);
	free(ds->accel);
	free(ds->captured);
	vec_fini(&ds->machines, machine_free_v);
	vec_fini(&ds->mdatas, mdata_free_v);
	vec_fini(&ds->expansions, expansion_free_v);
	vec_fini(&ds->missing, free);
	strmap_fini(&ds->exp_index);
	strmap_fini(&ds->exp_root);
	free(ds);
}

/* ---- expansion props ---------------------------------------------------- */

/* Index of name in x's own props, or -(insertion point) - 1. */
static long prop_find(const struct expansion *x, const char *name)
{
	size_t lo = 0, hi = x->nprops;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->props[mid].name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

void expansion_set_prop(struct expansion *x, const char *name, const char *json)
{
	long i = prop_find(x, name);

	if (i >= 0) {
		free(x->props[i].json);
		x->props[i].json = json ? xstrdup(json) : NULL;
		return;
	}
	size_t at = (size_t)(-i - 1);
	x->props = xrealloc(x->props, (x->nprops + 1) * sizeof(*x->props));
	memmove(x->props + at + 1, x->props + at, (x->nprops - at) * sizeof(*x->props));
	x->props[at].name = xstrdup(name);
	x->props[at].json = json ? xstrdup(json) : NULL;
	x->nprops++;
}

static const struct expansion *expansion_base(const struct expansion *x)
{
	if (x->props_base < 0 || !x->ds || (size_t)x->props_base >= x->ds->expansions.n)
		return NULL;
	return vec_get(&x->ds->expansions, (size_t)x->props_base);
}

const char *expansion_prop(const struct expansion *x, const char *name)
{
	for (int depth = 0; x && depth < PROPS_CHAIN_MAX; depth++) {
		long i = prop_find(x, name);
		if (i >= 0)
			return x->props[i].json; /* NULL: unset here */
		x = expansion_base(x);
	}
	return NULL;
}

/* Effective props of x: own ones over inherited ones, minus "unset". */
static void props_effective(const struct expansion *x, struct vec *out, int depth)
{
	const struct expansion *b = depth < PROPS_CHAIN_MAX ? expansion_base(x) : NULL;
	struct vec inh = VEC_INIT;
	size_t i = 0, j = 0;

	if (!b) {
		for (i = 0; i < x->nprops; i++)
			if (x->props[i].json)
				vec_push(out, &x->props[i]);
		return;
	}
	props_effective(b, &inh, depth + 1);
	while (i < x->nprops || j < inh.n) {
		const struct prop *pi = i < x->nprops ? &x->props[i] : NULL;
		const struct prop *pj = j < inh.n ? vec_get(&inh, j) : NULL;
		int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
		if (c <= 0) {
			if (pi->json)
				vec_push(out, (void *)(uintptr_t)pi);
			i++;
			if (c == 0)
				j++;
		} else {
			vec_push(out, (void *)(uintptr_t)pj);
			j++;
		}
	}
	vec_fini(&inh, NULL);
}

void expansion_props_all(const struct expansion *x, struct vec *out)
{
	props_effective(x, out, 0);
}

struct expansion *expansion_copy(const struct expansion *src, const char *name)
{
	struct expansion *x = expansion_new(name);
	struct vec props = VEC_INIT;

	fset_copy(&x->on, &src->on);
	fset_copy(&x->known, &src->known);
	expansion_props_all(src, &props);
	for (size_t i = 0; i < props.n; i++) {
		const struct prop *p = props.v[i];
		expansion_set_prop(x, p->name, p->json);
	}
	vec_fini(&props, NULL);
	return x;
}

bool expansion_prop_str(const struct expansion *x, const char *name, char *buf, size_t size)
{
	const char *js = expansion_prop(x, name);
	struct json_object *o = NULL;
	bool ok = false;

	if (!js || js[0] != '"' || !size)
		return false;
	o = json_tokener_parse(js);
	if (o && json_object_is_type(o, json_type_string)) {
		snprintf(buf, size, "%s", json_object_get_string(o));
		ok = true;
	}
	json_object_put(o);
	return ok;
}

bool expansion_prop_int(const struct expansion *x, const char *name, long long *out)
{
	const char *js = expansion_prop(x, name);
	char *end = NULL;
	long long v;

	if (!js || !(isdigit((unsigned char)js[0]) || js[0] == '-'))
		return false;
	errno = 0;
	v = strtoll(js, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool expansion_equal(const struct expansion *a, const struct expansion *b)
{
	struct vec pa = VEC_INIT, pb = VEC_INIT;
	bool eq = false;

	if (a == b)
		return true;
	if (!a || !b || strcmp(a->name, b->name) != 0 || !fset_equal(&a->on, &b->on) ||
	    !fset_equal(&a->known, &b->known))
		return false;
	expansion_props_all(a, &pa);
	expansion_props_all(b, &pb);
	if (pa.n != pb.n)
		goto out;
	for (size_t i = 0; i < pa.n; i++) {
		const struct prop *x = vec_get(&pa, i), *y = vec_get(&pb, i);
		if (strcmp(x->name, y->name) != 0 || strcmp(x->json, y->json) != 0)
			goto out;
	}
	eq = true;
out:
	vec_fini(&pa, NULL);
	vec_fini(&pb, NULL);
	return eq;
}

/* ---- the pool ------------------------------------------------------------ */

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t hash_fset(uint64_t h, const struct fset *s)
{
	size_t n = s->nw;

	while (n > 0 && s->w[n - 1] == 0)
		n--; /* sets that differ only in trailing zero words are equal */
	return hash_bytes(h, s->w, n * sizeof(*s->w));
}

static void expansion_hash_key(const struct expansion *x, char key[20])
{
	uint64_t h = 14695981039346656037ull;
	struct vec all = VEC_INIT;

	h = hash_bytes(h, x->name, strlen(x->name) + 1);
	h = hash_fset(h, &x->on);
	h = hash_bytes(h, "|", 1);
	h = hash_fset(h, &x->known);
	expansion_props_all(x, &all);
	for (size_t i = 0; i < all.n; i++) {
		const struct prop *p = vec_get(&all, i);
		h = hash_bytes(h, p->name, strlen(p->name) + 1);
		h = hash_bytes(h, p->json, strlen(p->json) + 1);
	}
	vec_fini(&all, NULL);
	snprintf(key, 20, "%016llx", (unsigned long long)h);
}

/* Rewrite x's props (it has no base yet) as a delta of pool entry bi when
 * the delta is less than half the size. */
static void expansion_make_delta(struct dataset *ds, struct expansion *x, int bi)
{
	const struct expansion *b = vec_get(&ds->expansions, (size_t)bi);
	struct vec bp = VEC_INIT;
	struct prop *np = NULL;
	size_t n = 0;

	expansion_props_all(b, &bp);
	for (int pass = 0; pass < 2; pass++) {
		size_t i = 0, j = 0;
		n = 0;
		while (i < x->nprops || j < bp.n) {
			struct prop *pi = i < x->nprops ? &x->props[i] : NULL;
			const struct prop *pj = j < bp.n ? vec_get(&bp, j) : NULL;
			int c = !pi ? 1 : !pj ? -1 : strcmp(pi->name, pj->name);
			if (c < 0 || (c == 0 && strcmp(pi->json ? pi->json : "", pj->json) != 0)) {
				if (pass) {
					np[n] = *pi;
					pi->name = pi->json = NULL;
				}
				n++;
			} else if (c > 0) {
				if (pass)
					np[n].name = xstrdup(pj->name); /* unset here */
				n++;
			}
			if (c <= 0)
				i++;
			if (c >= 0)
				j++;
		}
		if (!pass) {
			if (n * 2 >= x->nprops)
				goto out;
			np = xcalloc(n + 1, sizeof(*np));
		}
	}
	for (size_t k = 0; k < x->nprops; k++) {
		free(x->props[k].name);
		free(x->props[k].json);
	}
	free(x->props);
	x->props = np;
	x->nprops = n;
	x->props_base = bi;
out:
	vec_fini(&bp, NULL);
}

int dataset_add_expansion(struct dataset *ds, struct expansion *x)
{
	char key[20];
	void *hit;
	int idx;

	x->ds = ds;
	expansion_hash_key(x, key);
	hit = strmap_get(&ds->exp_index, key);
	if (hit) {
		int old = (int)((uintptr_t)hit - 1);
		if (expansion_equal(vec_get(&ds->expansions, (size_t)old), x)) {
			expansion_free(x);
			return old;
		}
	}
	idx = (int)ds->expansions.n;
	hit = strmap_get(&ds->exp_root, x->name);
	if (x->props_base < 0 && hit && x->nprops > 8)
		expansion_make_delta(ds, x, (int)((uintptr_t)hit - 1));
	vec_push(&ds->expansions, x);
	if (!strmap_has(&ds->exp_index, key))
		strmap_put(&ds->exp_index, key, (void *)(uintptr_t)(idx + 1));
	if (!strmap_has(&ds->exp_root, x->name))
		strmap_put(&ds->exp_root, x->name, (void *)(uintptr_t)(idx + 1));
	return idx;
}

/* ---- machine type data ------------------------------------------------- */

struct mdata *dataset_mdata(struct dataset *ds, const char *machine)
{
	struct mdata *md;

	for (size_t i = 0; i < ds->mdatas.n; i++) {
		md = vec_get(&ds->mdatas, i);
		if (strcmp(md->machine, machine) == 0)
			return md;
	}
	md = xcalloc(1, sizeof(*md));
	md->machine = xstrdup(machine);
	vec_push(&ds->mdatas, md);
	return md;
}

const struct mdata *dataset_find_mdata(const struct dataset *ds, const char *machine)
{
	for (size_t i = 0; i < ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&ds->mdatas, i);
		if (strcmp(md->machine, machine) == 0)
			return md;
	}
	return NULL;
}

void mdata_add_def(struct mdata *md, struct cpu_def *d)
{
	vec_push(&md->defs, d);
	strmap_put(&md->def_by_name, d->name, d);
	md->defs_known = true;
}

void mdata_set_expansion(struct mdata *md, const char *model, int full, int stat)
{
	struct model_exp *me = strmap_get(&md->exp_by_model, model);

	if (!me) {
		me = xmalloc(sizeof(*me));
		me->full = me->stat = -1;
		strmap_put(&md->exp_by_model, model, me);
	}
	if (full >= 0)
		me->full = full;
	if (stat >= 0)
		me->stat = stat;
}

const struct cpu_def *mdata_def(const struct mdata *md, const char *name)
{
	return strmap_get(&md->def_by_name, name);
}

const struct expansion *dataset_expansion(const struct dataset *ds, const struct mdata *md,
					  const char *model, bool full)
{
	const struct model_exp *me;
	int i;

	if (!md)
		return NULL;
	me = strmap_get(&md->exp_by_model, model);
	if (!me)
		return NULL;
	i = full ? me->full : me->stat;
	if (i < 0 || (size_t)i >= ds->expansions.n)
		return NULL;
	return vec_get(&ds->expansions, (size_t)i);
}

const struct machine *dataset_machine(const struct dataset *ds, const char *name_or_alias)
{
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *m = vec_get(&ds->machines, i);
		if (strcmp(m->name, name_or_alias) == 0)
			return m;
	}
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *m = vec_get(&ds->machines, i);
		if (m->alias && strcmp(m->alias, name_or_alias) == 0)
			return m;
	}
	return NULL;
}

const struct machine *dataset_default_machine(const struct dataset *ds)
{
	for (size_t i = 0; i < ds->machines.n; i++) {
		const struct machine *m = vec_get(&ds->machines, i);
		if (m->is_default)
			return m;
	}
	return NULL;
}

/* ---- suggestions --------------------------------------------------------- */

struct cand {
	const char *name;
	size_t dist;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return str_natcmp(x->name, y->name);
}

static bool prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
			return false;
	return true;
}

/* Append "; did you mean 'a', 'b' or 'c'?" for the names closest to want. */
static void suggest(struct strbuf *sb, const char *want, const char *const *names, size_t n)
{
	struct cand *c = xcalloc(n + 1, sizeof(*c));
	size_t nc = 0, limit = strlen(want) / 3;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < n; i++) {
		size_t d;
		bool dup = false;
		if (!names[i])
			continue;
		for (size_t k = 0; k < nc; k++)
			dup = dup || strcmp(c[k].name, names[i]) == 0;
		if (dup)
			continue;
		d = str_distance(want, names[i]);
		if (d > limit && strlen(want) >= 3 && prefix_nocase(names[i], want))
			d = limit; /* "Skylake" -> "Skylake-Client" */
		if (d <= limit) {
			c[nc].name = names[i];
			c[nc++].dist = d;
		}
	}
	qsort(c, nc, sizeof(*c), cand_cmp);
	if (nc > 0 && c[0].dist == 0) /* only the case differs: name just those */
		for (size_t i = 1; i < nc; i++)
			if (c[i].dist != 0)
				nc = i;
	if (nc > 4)
		nc = 4;
	for (size_t i = 0; i < nc; i++)
		sb_addf(sb, "%s'%s'", i == 0 ? "; did you mean " : i + 1 == nc ? " or " : ", ",
			c[i].name);
	if (nc)
		sb_addc(sb, '?');
	free(c);
}

const struct mdata *dataset_resolve_machine(const struct dataset *ds, const char *name,
					    struct err *e)
{
	const struct machine *m;
	const struct mdata *md;
	struct strbuf sb = STRBUF_INIT;
	const char **names = NULL;
	size_t n = 0;

	if (!name || !*name) {
		m = dataset_default_machine(ds);
		if (m && (md = dataset_find_mdata(ds, m->name)))
			return md;
		if (ds->mdatas.n == 1)
			return vec_get(&ds->mdatas, 0);
		if (m)
			err_set(e, NULL, 0, "no CPU data for the default machine type '%s'", m->name);
		else
			err_set(e, NULL, 0,
				"no default machine type in this data; pick one with --machine");
		return NULL;
	}
	/* a name from the command line follows the rule names from files do */
	if (!name_check("machine type name", name, strlen(name), NULL, 0, e))
		return NULL;
	md = dataset_find_mdata(ds, name);
	if (md)
		return md;
	m = dataset_machine(ds, name);
	if (m) {
		md = dataset_find_mdata(ds, m->name);
		if (md)
			return md;
		{
			/* say what the data has: a partial probe names its machine types */
			struct strbuf have = STRBUF_INIT;
			const char **v = xcalloc(ds->mdatas.n + 1, sizeof(*v));
			for (size_t i = 0; i < ds->mdatas.n; i++)
				v[i] = ((const struct mdata *)vec_get(&ds->mdatas, i))->machine;
			sb_add_list(&have, v, ds->mdatas.n, 4);
			free(v);
			if (strcmp(name, m->name) != 0)
				err_set(e, NULL, 0, "no CPU data for machine type '%s' (alias of '%s'); "
					"the data has %s", name, m->name, sb_str(&have));
			else
				err_set(e, NULL, 0, "no CPU data for machine type '%s'; the data has %s",
					name, sb_str(&have));
			sb_fini(&have);
		}
		return NULL;
	}
	names = xcalloc(2 * ds->machines.n + ds->mdatas.n + 1, sizeof(*names));
	for (size_t i = 0; i < ds->machines.n; i++) {
		m = vec_get(&ds->machines, i);
		names[n++] = m->name;
		names[n++] = m->alias;
	}
	for (size_t i = 0; i < ds->mdatas.n; i++)
		names[n++] = ((const struct mdata *)vec_get(&ds->mdatas, i))->machine;
	sb_addf(&sb, "unknown machine type '%s'", name);
	suggest(&sb, name, names, n);
	err_set(e, NULL, 0, "%s", sb_str(&sb));
	sb_fini(&sb);
	free(names);
	return NULL;
}

/* ---- models -------------------------------------------------------------- */

int model_name_cmp(const char *a, const char *b)
{
	int c = str_casecmp(a, b);

	return c ? c : strcmp(a, b);
}

int model_version_of(const char *name, char *base, size_t size)
{
	const char *v = strrchr(name, '-');
	size_t blen = strlen(name);
	int ver = 0;

	if (v && v[1] == 'v' && isdigit((unsigned char)v[2]) && v[2] != '0') {
		const char *p = v + 2;
		long n = 0;
		while (isdigit((unsigned char)*p) && n < 100000)
			n = n * 10 + (*p++ - '0');
		if (!*p && n < 100000) {
			ver = (int)n;
			blen = (size_t)(v - name);
		}
	}
	if (base && size) {
		if (blen >= size)
			blen = size - 1;
		memcpy(base, name, blen);
		base[blen] = '\0';
	}
	return ver;
}

void model_view_init(const struct dataset *ds, const struct mdata *md, const struct cpu_def *d,
		     struct model_view *mv)
{
	const struct expansion *src;
	char vname[160];

	memset(mv, 0, sizeof(*mv));
	mv->ft = ds->ft;
	if (ds->arch == ARCH_S390X)
		mv->machine = s390x_name_of(d->name);
	mv->def = d;
	mv->name = d->name;
	mv->resolved = d->alias_of ? d->alias_of : d->name;
	mv->version = model_version_of(mv->resolved, mv->base_buf, sizeof(mv->base_buf));
	mv->base = mv->base_buf;
	mv->is_alias = strcmp(mv->name, mv->resolved) != 0;
	if (!mv->is_alias && mv->version == 0) {
		/* a bare name on a machine type that does not say what it stands for */
		snprintf(vname, sizeof(vname), "%s-v1", d->name);
		mv->is_alias = mdata_def(md, vname) != NULL;
	}
	mv->full = dataset_expansion(ds, md, d->name, true);
	mv->stat = dataset_expansion(ds, md, d->name, false);
	mv->family = mv->model = mv->stepping = -1;
	src = mv->full ? mv->full : mv->stat;
	if (!src)
		return;
	expansion_prop_str(src, "vendor", mv->vendor, sizeof(mv->vendor));
	expansion_prop_str(src, "model-id", mv->model_id, sizeof(mv->model_id));
	if (!expansion_prop_int(src, "family", &mv->family))
		mv->family = -1;
	if (!expansion_prop_int(src, "model", &mv->model))
		mv->model = -1;
	if (!expansion_prop_int(src, "stepping", &mv->stepping))
		mv->stepping = -1;
}

bool model_lookup(const struct dataset *ds, const struct mdata *md, const char *name,
		  struct model_view *mv, struct err *e)
{
	const struct cpu_def *d;
	struct strbuf sb = STRBUF_INIT;
	const char **names = NULL;

	if (!md || !md->defs_known)
		return err_set(e, NULL, 0, "no CPU definitions for machine type '%s'",
			       md ? md->machine : "?");
	/* s390x: IBM's names ("z15", "LinuxONE III") stand for QEMU's model */
	if (ds->arch == ARCH_S390X && !mdata_def(md, name)) {
		const struct s390x_name *n = s390x_name_lookup(name);
		char what[192];
		if (n && (d = mdata_def(md, n->qemu)) != NULL) {
			model_view_init(ds, md, d, mv);
			snprintf(mv->note, sizeof(mv->note), "%s is QEMU's %s", name, n->qemu);
			return true;
		}
		if (n)
			return err_set(e, NULL, 0, "%s is QEMU's %s (%s), which %s%s does not have",
				       name, n->qemu, s390x_name_text(n, what, sizeof(what)),
				       ds->qemu_version ? "QEMU " : "", ds->qemu_version ?
				       ds->qemu_version : ds->source ? ds->source : "the QEMU data");
	}
	/* a name from the command line follows the rule names from files do */
	if (!name_check("model name", name, strlen(name), NULL, 0, e))
		return false;
	d = mdata_def(md, name);
	if (d) {
		model_view_init(ds, md, d, mv);
		return true;
	}
	sb_addf(&sb, "unknown CPU model '%s'", name);
	if (ds->qemu_version)
		sb_addf(&sb, " (not in QEMU %s)", ds->qemu_version);
	else if (ds->source)
		sb_addf(&sb, " (not in %s)", ds->source);
	for (size_t i = 0; i < md->defs.n; i++) {
		d = vec_get(&md->defs, i);
		if (str_eq(d->type_name, name)) {
			/* QOM type names are not accepted by -cpu */
			sb_addf(&sb, "; did you mean '%s'?", d->name);
			goto done;
		}
	}
	names = xcalloc(md->defs.n + 1, sizeof(*names));
	for (size_t i = 0; i < md->defs.n; i++)
		names[i] = ((const struct cpu_def *)vec_get(&md->defs, i))->name;
	suggest(&sb, name, names, md->defs.n);
done:
	err_set(e, NULL, 0, "%s", sb_str(&sb));
	sb_fini(&sb);
	free(names);
	return false;
}

static int def_version_cmp(const void *a, const void *b)
{
	const struct cpu_def *x = *(const struct cpu_def *const *)a;
	const struct cpu_def *y = *(const struct cpu_def *const *)b;

	return model_version_of(x->name, NULL, 0) - model_version_of(y->name, NULL, 0);
}

void model_versions(const struct mdata *md, const char *base, struct vec *out)
{
	size_t first = out->n;
	char b[160];

	for (size_t i = 0; i < md->defs.n; i++) {
		struct cpu_def *d = vec_get(&md->defs, i);
		if (model_version_of(d->name, b, sizeof(b)) > 0 && strcmp(b, base) == 0)
			vec_push(out, d);
	}
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v), def_version_cmp);
}
