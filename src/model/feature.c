/* feature.c - feature tables and featuresets. */
#include "feature.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature_defs.h"

static const char *const arch_names[ARCH__COUNT] = { "x86_64", "s390x" };

const char *arch_name(enum arch a)
{
	return a < ARCH__COUNT ? arch_names[a] : "?";
}

bool arch_parse(const char *s, enum arch *out)
{
	if (!strcmp(s, "x86_64") || !strcmp(s, "x86") || !strcmp(s, "i686") ||
	    !strcmp(s, "amd64") || !strcmp(s, "x86-64")) {
		*out = ARCH_X86_64;
		return true;
	}
	if (!strcmp(s, "s390x") || !strcmp(s, "s390")) {
		*out = ARCH_S390X;
		return true;
	}
	return false;
}

static void feature_free(struct feature *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->libvirt);
	free(f->linux_name);
	for (size_t i = 0; i < f->naliases; i++)
		free(f->aliases[i]);
	free(f->aliases);
	free(f->group);
	free(f->desc);
	free(f->members);
	free(f);
}

static void ftable_index(struct ftable *t, const char *spelling, struct feature *f)
{
	if (spelling && *spelling && !strmap_has(&t->by_name, spelling))
		strmap_put(&t->by_name, spelling, f);
}

static struct feature *ftable_append(struct ftable *t, struct feature *f)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->f = xrealloc(t->f, t->cap * sizeof(*t->f));
	}
	f->id = (unsigned)t->n;
	t->f[t->n++] = f;
	ftable_index(t, f->name, f);
	ftable_index(t, f->libvirt, f);
	ftable_index(t, f->linux_name, f);
	for (size_t i = 0; i < f->naliases; i++)
		ftable_index(t, f->aliases[i], f);
	return f;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static struct feature *feature_from_def(const struct feature_def *d)
{
	struct feature *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(d->name);
	f->libvirt = dup_or_null(d->libvirt);
	f->linux_name = dup_or_null(d->linux_name);
	if (d->aliases && *d->aliases) {
		const char *p = d->aliases;
		while (*p) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (n) {
				f->aliases = xrealloc(f->aliases, (f->naliases + 1) * sizeof(*f->aliases));
				f->aliases[f->naliases++] = xstrndup(p, n);
			}
			p += n + (c ? 1 : 0);
		}
	}
	f->loc = (enum feat_loc)d->loc;
	f->leaf = d->leaf;
	f->subleaf = d->subleaf;
	f->has_subleaf = d->has_subleaf;
	snprintf(f->reg, sizeof(f->reg), "%s", d->reg ? d->reg : "");
	f->msr = d->msr;
	f->bit = d->bit;
	f->group = xstrdup(d->group && *d->group ? d->group : "other");
	f->desc = xstrdup(d->desc ? d->desc : "");
	f->psabi_level = d->psabi_level;
	f->flags = d->flags;
	return f;
}

/* The members of a group row (tests/unit/test_feature.c checks that every
 * group row has a definition and every member a row). */
static void group_from_def(struct ftable *t, const struct feature_group_def *d)
{
	struct feature *g = strmap_get(&t->by_name, d->name);
	const char *p = d->members;

	if (!g || !p)
		return;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char *name = xstrndup(p, n);
		const struct feature *m = strmap_get(&t->by_name, name);
		if (m) {
			g->members = xrealloc(g->members, (g->nmembers + 1) * sizeof(*g->members));
			g->members[g->nmembers++] = m->id;
		}
		free(name);
		p += n + (c ? 1 : 0);
	}
}

struct ftable *ftable_new(enum arch arch)
{
	struct ftable *t = xcalloc(1, sizeof(*t));
	const struct feature_def *defs = arch == ARCH_S390X ? feature_defs_s390x : feature_defs_x86_64;
	size_t n = arch == ARCH_S390X ? feature_defs_s390x_count : feature_defs_x86_64_count;

	t->arch = arch;
	for (size_t i = 0; i < n; i++)
		ftable_append(t, feature_from_def(&defs[i]));
	if (arch == ARCH_S390X)
		for (size_t i = 0; i < feature_groups_s390x_count; i++)
			group_from_def(t, &feature_groups_s390x[i]);
	return t;
}

void ftable_free(struct ftable *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		feature_free(t->f[i]);
	free(t->f);
	strmap_fini(&t->by_name);
	free(t);
}

size_t ftable_count(const struct ftable *t)
{
	return t->n;
}

const struct feature *ftable_get(const struct ftable *t, unsigned id)
{
	return id < t->n ? t->f[id] : NULL;
}

const struct feature *ftable_lookup(const struct ftable *t, const char *spelling)
{
	const struct feature *f = strmap_get(&t->by_name, spelling);
	char *alt;

	if (f || !*spelling)
		return f;
	/* QEMU turns '_' into '-' in -cpu options; libvirt uses either. */
	alt = xstrdup(spelling);
	for (char *p = alt; *p; p++)
		if (*p == '_')
			*p = '-';
	f = strmap_get(&t->by_name, alt);
	if (!f) {
		for (char *p = alt; *p; p++)
			if (*p == '-')
				*p = '_';
		f = strmap_get(&t->by_name, alt);
	}
	free(alt);
	return f;
}

unsigned ftable_intern(struct ftable *t, const char *spelling)
{
	const struct feature *f = ftable_lookup(t, spelling);
	struct feature *nf;

	if (f)
		return f->id;
	nf = xcalloc(1, sizeof(*nf));
	nf->name = xstrdup(spelling);
	nf->group = xstrdup("unknown");
	nf->desc = xstrdup("not in cpuscope's feature table");
	nf->flags = FEAT_UNKNOWN;
	if (feature_pseudo_meaning(nf)) {
		nf->flags |= FEAT_PSEUDO;
		free(nf->group);
		nf->group = xstrdup("accelerator");
		free(nf->desc);
		nf->desc = xstrdup(feature_pseudo_meaning(nf));
	}
	ftable_append(t, nf);
	/* ftable_index() skips empty spellings: without this, each "" would
	 * be interned as a new feature (found by fuzzing) */
	if (!*spelling)
		strmap_put(&t->by_name, "", nf);
	return nf->id;
}

const char *feature_pseudo_meaning(const struct feature *f)
{
	if (!(f->flags & FEAT_UNKNOWN) && !(f->flags & FEAT_PSEUDO))
		return NULL;
	if (!strcmp(f->name, "kvm"))
		return "needs the KVM accelerator";
	if (!strcmp(f->name, "type"))
		return "a CPU generation the host does not have (QEMU: type)";
	if (!strcmp(f->name, "start-failure"))
		return "QEMU lists it usable but does not start with it here";
	return NULL;
}

void ftable_expand_groups(const struct ftable *t, struct fset *s)
{
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(t, (unsigned)id);
		if (!f || !(f->flags & FEAT_GROUP))
			continue;
		fset_del(s, f->id);
		for (size_t k = 0; k < f->nmembers; k++)
			fset_add(s, f->members[k]); /* members are never groups */
	}
}

void ftable_whole_groups(const struct ftable *t, const struct fset *s, struct vec *out)
{
	for (size_t i = 0; i < t->n; i++) {
		struct feature *g = t->f[i];
		size_t k = 0;
		if (!(g->flags & FEAT_GROUP) || !g->nmembers)
			continue;
		while (k < g->nmembers && fset_has(s, g->members[k]))
			k++;
		if (k == g->nmembers)
			vec_push(out, g);
	}
}

void ftable_mark_qemu_props(struct ftable *t, const struct fset *known)
{
	struct fset all = FSET_INIT;

	if (fset_empty(known))
		return;
	/* a group QEMU has a property for: so are its members */
	fset_copy(&all, known);
	for (int id = fset_next(known, 0); id >= 0; id = fset_next(known, (unsigned)id + 1)) {
		const struct feature *g = ftable_get(t, (unsigned)id);
		for (size_t k = 0; g && k < g->nmembers; k++)
			fset_add(&all, g->members[k]);
	}
	for (size_t i = 0; i < t->n; i++) {
		struct feature *f = t->f[i];
		if (f->flags & (FEAT_UNKNOWN | FEAT_PSEUDO))
			continue;
		if (fset_has(&all, f->id))
			f->flags &= ~(unsigned)FEAT_NOT_IN_QEMU;
		else
			f->flags |= FEAT_NOT_IN_QEMU;
	}
	fset_fini(&all);
}

const char *feature_libvirt_name(const struct feature *f)
{
	return f->libvirt ? f->libvirt : f->name;
}

const char *feature_location(const struct feature *f, char *buf, size_t size)
{
	char reg[4] = "";

	for (int i = 0; i < 3 && f->reg[i]; i++)
		reg[i] = (char)(f->reg[i] >= 'a' && f->reg[i] <= 'z' ? f->reg[i] - 32 : f->reg[i]);
	if (f->loc == LOC_CPUID && f->has_subleaf && f->subleaf)
		snprintf(buf, size, "CPUID.%02XH.%XH:%s[%u]", f->leaf, f->subleaf, reg, f->bit);
	else if (f->loc == LOC_CPUID)
		snprintf(buf, size, "CPUID.%02XH:%s[%u]", f->leaf, reg, f->bit);
	else if (f->loc == LOC_MSR)
		snprintf(buf, size, "MSR(%XH)[%u]", f->msr, f->bit);
	else if (size)
		buf[0] = '\0';
	return buf;
}

/* ASCII only, whatever the locale */
static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool qemu_name_ok(const char *s)
{
	if (!s || !ascii_alnum(s[0]))
		return false;
	for (size_t n = 0; s[n]; n++)
		if (n >= QEMU_NAME_MAX || !(ascii_alnum(s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.'))
			return false;
	return true;
}

size_t ftable_suggest(const struct ftable *t, const char *spelling, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t d = 1; d <= 2 && n == 0; d++) {
		for (size_t i = 0; i < t->n && n < max; i++) {
			const struct feature *f = t->f[i];
			if (f->flags & FEAT_UNKNOWN)
				continue;
			if (str_distance(spelling, f->name) == d)
				out[n++] = f->name;
			else if (f->libvirt && str_distance(spelling, f->libvirt) == d)
				out[n++] = f->libvirt;
		}
	}
	return n;
}

static void fset_reserve(struct fset *s, size_t nw)
{
	if (nw <= s->nw)
		return;
	s->w = xrealloc(s->w, nw * sizeof(*s->w));
	memset(s->w + s->nw, 0, (nw - s->nw) * sizeof(*s->w));
	s->nw = nw;
}

void fset_fini(struct fset *s)
{
	free(s->w);
	s->w = NULL;
	s->nw = 0;
}

void fset_copy(struct fset *dst, const struct fset *src)
{
	if (dst == src)
		return;
	fset_clear_all(dst);
	fset_reserve(dst, src->nw);
	if (src->nw)
		memcpy(dst->w, src->w, src->nw * sizeof(*src->w));
}

void fset_clear_all(struct fset *s)
{
	if (s->nw)
		memset(s->w, 0, s->nw * sizeof(*s->w));
}

void fset_add(struct fset *s, unsigned id)
{
	fset_reserve(s, id / 64 + 1);
	s->w[id / 64] |= 1ull << (id % 64);
}

void fset_del(struct fset *s, unsigned id)
{
	if (id / 64 < s->nw)
		s->w[id / 64] &= ~(1ull << (id % 64));
}

bool fset_has(const struct fset *s, unsigned id)
{
	return id / 64 < s->nw && (s->w[id / 64] >> (id % 64)) & 1;
}

void fset_or(struct fset *dst, const struct fset *src)
{
	fset_reserve(dst, src->nw);
	for (size_t i = 0; i < src->nw; i++)
		dst->w[i] |= src->w[i];
}

void fset_and(struct fset *dst, const struct fset *src)
{
	for (size_t i = 0; i < dst->nw; i++)
		dst->w[i] &= i < src->nw ? src->w[i] : 0;
}

void fset_andnot(struct fset *dst, const struct fset *src)
{
	for (size_t i = 0; i < dst->nw && i < src->nw; i++)
		dst->w[i] &= ~src->w[i];
}

bool fset_equal(const struct fset *a, const struct fset *b)
{
	size_t n = a->nw > b->nw ? a->nw : b->nw;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = i < a->nw ? a->w[i] : 0, y = i < b->nw ? b->w[i] : 0;
		if (x != y)
			return false;
	}
	return true;
}

bool fset_subset(const struct fset *a, const struct fset *b)
{
	for (size_t i = 0; i < a->nw; i++) {
		uint64_t y = i < b->nw ? b->w[i] : 0;
		if (a->w[i] & ~y)
			return false;
	}
	return true;
}

bool fset_empty(const struct fset *s)
{
	for (size_t i = 0; i < s->nw; i++)
		if (s->w[i])
			return false;
	return true;
}

size_t fset_count(const struct fset *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nw; i++)
		n += (size_t)__builtin_popcountll(s->w[i]);
	return n;
}

int fset_next(const struct fset *s, unsigned from)
{
	size_t i = from / 64;

	if (i >= s->nw)
		return -1;
	uint64_t w = s->w[i] & (~0ull << (from % 64));
	for (;;) {
		if (w)
			return (int)(i * 64 + (size_t)__builtin_ctzll(w));
		if (++i >= s->nw)
			return -1;
		w = s->w[i];
	}
}
