/* guest.c - a guest <cpu>: mode, match, check, model, per-feature policy. */
#include "guest.h"

#include <stdlib.h>
#include <string.h>

#include "feature.h"

static const char *const mode_names[MODE__COUNT] = {
	"custom", "host-model", "host-passthrough", "maximum",
};
static const char *const match_names[MATCH__COUNT] = { "", "minimum", "exact", "strict" };
static const char *const check_names[CHECK__COUNT] = { "", "none", "partial", "full" };
static const char *const fallback_names[FALLBACK__COUNT] = { "", "allow", "forbid" };
static const char *const policy_names[POLICY__COUNT] = {
	"", "force", "require", "optional", "disable", "forbid",
};

static const char *name_of(const char *const *names, unsigned n, unsigned v)
{
	return v < n ? names[v] : "";
}

/* Index of s in names (skipping the empty "unset" entries), or -1. */
static int parse_in(const char *const *names, unsigned n, const char *s)
{
	if (!s || !*s)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (names[i][0] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *cpu_mode_name(enum cpu_mode v)
{
	return name_of(mode_names, MODE__COUNT, v);
}

const char *cpu_match_name(enum cpu_match v)
{
	return name_of(match_names, MATCH__COUNT, v);
}

const char *cpu_check_name(enum cpu_check v)
{
	return name_of(check_names, CHECK__COUNT, v);
}

const char *cpu_fallback_name(enum cpu_fallback v)
{
	return name_of(fallback_names, FALLBACK__COUNT, v);
}

const char *policy_name(enum policy v)
{
	return name_of(policy_names, POLICY__COUNT, v);
}

bool cpu_mode_parse(const char *s, enum cpu_mode *out)
{
	int i = parse_in(mode_names, MODE__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum cpu_mode)i;
	return true;
}

bool cpu_match_parse(const char *s, enum cpu_match *out)
{
	int i = parse_in(match_names, MATCH__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum cpu_match)i;
	return true;
}

bool cpu_check_parse(const char *s, enum cpu_check *out)
{
	int i = parse_in(check_names, CHECK__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum cpu_check)i;
	return true;
}

bool cpu_fallback_parse(const char *s, enum cpu_fallback *out)
{
	int i = parse_in(fallback_names, FALLBACK__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum cpu_fallback)i;
	return true;
}

bool policy_parse(const char *s, enum policy *out)
{
	int i = parse_in(policy_names, POLICY__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum policy)i;
	return true;
}

bool guest_vendor_id_ok(const char *s)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e || s[n] == ',')
			return false;
	return n == 12;
}

struct guest_cpu *guest_cpu_new(void)
{
	struct guest_cpu *g = xcalloc(1, sizeof(*g));

	g->mode = MODE_CUSTOM;
	g->match = MATCH_UNSET;
	g->check = CHECK_UNSET;
	g->fallback = FALLBACK_UNSET;
	g->migratable = -1;
	return g;
}

static void guest_feature_free(void *p)
{
	struct guest_feature *f = p;

	if (!f)
		return;
	free(f->name);
	free(f);
}

void guest_cpu_free(struct guest_cpu *g)
{
	if (!g)
		return;
	free(g->model);
	free(g->vendor_id);
	free(g->vendor);
	free(g->arch);
	vec_fini(&g->features, guest_feature_free);
	free(g);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct guest_cpu *guest_cpu_clone(const struct guest_cpu *g)
{
	struct guest_cpu *c = xcalloc(1, sizeof(*c));

	*c = *g;
	c->model = dup_or_null(g->model);
	c->vendor_id = dup_or_null(g->vendor_id);
	c->vendor = dup_or_null(g->vendor);
	c->arch = dup_or_null(g->arch);
	memset(&c->features, 0, sizeof(c->features));
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *f = g->features.v[i];
		struct guest_feature *n = xcalloc(1, sizeof(*n));
		*n = *f;
		n->name = xstrdup(f->name);
		vec_push(&c->features, n);
	}
	return c;
}

static size_t guest_cpu_index(const struct guest_cpu *g, const char *name)
{
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *f = vec_get(&g->features, i);
		if (!strcmp(f->name, name))
			return i;
	}
	return (size_t)-1;
}

void guest_cpu_set_policy(struct guest_cpu *g, const char *name, enum policy p)
{
	size_t i = guest_cpu_index(g, name);
	struct guest_feature *f = NULL;

	if (i == (size_t)-1) {
		if (p == POLICY_NONE || p >= POLICY__COUNT)
			return;
		f = xcalloc(1, sizeof(*f));
		f->name = xstrdup(name);
		f->policy = p;
		vec_push(&g->features, f);
		return;
	}
	f = vec_get(&g->features, i);
	if (p != POLICY_NONE && p < POLICY__COUNT) {
		f->policy = p;
		return;
	}
	/* Remove, keeping document order. */
	guest_feature_free(f);
	memmove(&g->features.v[i], &g->features.v[i + 1],
		(g->features.n - i - 1) * sizeof(*g->features.v));
	g->features.n--;
}

const struct guest_feature *guest_cpu_feature(const struct guest_cpu *g, const char *name)
{
	size_t i = guest_cpu_index(g, name);

	return i == (size_t)-1 ? NULL : vec_get(&g->features, i);
}

const struct guest_feature *guest_cpu_feature_of(const struct guest_cpu *g, const struct ftable *ft,
						 const struct feature *f)
{
	for (size_t i = 0; f && i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		if (ftable_lookup(ft, gf->name) == f)
			return gf;
	}
	return NULL;
}

void guest_cpu_set_feature_policy(struct guest_cpu *g, const struct ftable *ft,
				  const struct feature *f, const char *name, enum policy p)
{
	for (size_t i = g->features.n; i-- > 0;) {
		const struct guest_feature *gf = g->features.v[i];
		if (strcmp(gf->name, name) && ftable_lookup(ft, gf->name) == f) {
			char *other = xstrdup(gf->name);
			guest_cpu_set_policy(g, other, POLICY_NONE);
			free(other);
		}
	}
	guest_cpu_set_policy(g, name, p);
}
