/* explain.c - why a model is (not) usable on a host, and the fixes. */
#include "explain.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpu_arg.h"
#include "emit.h"
#include "err.h"
#include "guest_build.h"
#include "text.h"

const char *explain_source_text(enum explain_source s)
{
	switch (s) {
	case EXPLAIN_SRC_QEMU:
		return "QEMU's unavailable-features (for its accelerator)";
	case EXPLAIN_SRC_HOST:
		return "the host file's own usable flags";
	case EXPLAIN_SRC_FEATURES:
		return "the model's features against the host's";
	case EXPLAIN_SRC_WARNINGS:
	default:
		return "QEMU's warnings";
	}
}

/* ---- feature dependencies --------------------------------------------------- */

/* What QEMU's x86 CPU code clears by itself when a feature is off (its
 * feature dependency list, QEMU 7.2), written as selectors over the
 * feature table: a name, every bit of an MSR (or a bit range of it), or
 * every bit of a CPUID leaf/register.  Rules are applied transitively, so
 * their order does not matter here. */
enum dep_kind { DEP_NAME, DEP_MSR, DEP_CPUID };

struct dep_rule {
	const char *parent;
	enum dep_kind kind;
	const char *name;  /* DEP_NAME */
	uint32_t index;    /* MSR index or CPUID leaf */
	const char *reg;   /* DEP_CPUID: register, NULL for any */
	unsigned lo, hi;   /* DEP_MSR: bits lo..hi */
};

static const struct dep_rule dep_rules[] = {
	{ "arch-capabilities", DEP_MSR, NULL, 0x10a, NULL, 0, 63 },
	{ "core-capability", DEP_MSR, NULL, 0xcf, NULL, 0, 63 },
	{ "pdcm", DEP_MSR, NULL, 0x345, NULL, 0, 63 },
	{ "vmx", DEP_MSR, NULL, 0x480, NULL, 0, 63 }, /* basic */
	{ "vmx", DEP_MSR, NULL, 0x481, NULL, 0, 63 }, /* pin-based controls */
	{ "vmx", DEP_MSR, NULL, 0x482, NULL, 0, 63 }, /* processor-based controls */
	{ "vmx", DEP_MSR, NULL, 0x483, NULL, 0, 63 }, /* exit controls */
	{ "vmx", DEP_MSR, NULL, 0x484, NULL, 0, 63 }, /* entry controls */
	{ "vmx", DEP_MSR, NULL, 0x485, NULL, 0, 63 }, /* misc */
	{ "vmx", DEP_MSR, NULL, 0x48d, NULL, 0, 63 }, /* the "true" control MSRs */
	{ "vmx", DEP_MSR, NULL, 0x48e, NULL, 0, 63 },
	{ "vmx", DEP_MSR, NULL, 0x48f, NULL, 0, 63 },
	{ "vmx", DEP_MSR, NULL, 0x490, NULL, 0, 63 },
	{ "lm", DEP_NAME, "vmx-entry-ia32e-mode", 0, NULL, 0, 0 },
	{ "vmx-secondary-ctls", DEP_MSR, NULL, 0x48b, NULL, 0, 63 },
	{ "xsaves", DEP_NAME, "vmx-xsaves", 0, NULL, 0, 0 },
	{ "rdrand", DEP_NAME, "vmx-rdrand-exit", 0, NULL, 0, 0 },
	{ "invpcid", DEP_NAME, "vmx-invpcid-exit", 0, NULL, 0, 0 },
	{ "mpx", DEP_NAME, "vmx-exit-clear-bndcfgs", 0, NULL, 0, 0 },
	{ "mpx", DEP_NAME, "vmx-entry-load-bndcfgs", 0, NULL, 0, 0 },
	{ "rdseed", DEP_NAME, "vmx-rdseed-exit", 0, NULL, 0, 0 },
	{ "intel-pt", DEP_CPUID, NULL, 0x14, "ecx", 0, 0 },
	{ "rdtscp", DEP_NAME, "vmx-rdtscp-exit", 0, NULL, 0, 0 },
	{ "vmx-ept", DEP_MSR, NULL, 0x48c, NULL, 0, 31 },
	{ "vmx-ept", DEP_NAME, "vmx-unrestricted-guest", 0, NULL, 0, 0 },
	{ "vmx-vpid", DEP_MSR, NULL, 0x48c, NULL, 32, 63 },
	{ "vmx-vmfunc", DEP_MSR, NULL, 0x491, NULL, 0, 63 },
	{ "svm", DEP_CPUID, NULL, 0x8000000a, "edx", 0, 0 },
	{ "sgx", DEP_NAME, "sgxlc", 0, NULL, 0, 0 },
	{ "sgx", DEP_CPUID, NULL, 0x12, NULL, 0, 0 },
};

static bool dep_matches(const struct dep_rule *r, const struct feature *f)
{
	switch (r->kind) {
	case DEP_MSR:
		return f->loc == LOC_MSR && f->msr == r->index && f->bit >= r->lo && f->bit <= r->hi;
	case DEP_CPUID:
		return f->loc == LOC_CPUID && f->leaf == r->index && (!r->reg || !strcmp(f->reg, r->reg));
	case DEP_NAME:
	default:
		return !strcmp(f->name, r->name);
	}
}

/* Each rule's parent feature (NULL when the table lacks it). */
static void dep_parents(const struct ftable *ft, const struct feature **parent)
{
	for (size_t r = 0; r < ARRAY_LEN(dep_rules); r++)
		parent[r] = ftable_lookup(ft, dep_rules[r].parent);
}

/* explain_dependents() with the parents looked up once by the caller, not
 * once per feature on the work list (a blocker list can be long). */
static void dependents(const struct ftable *ft, const struct feature *const *parent, unsigned id,
		       struct fset *out)
{
	unsigned *work = NULL;
	size_t nwork = 0, cap = 0;

	fset_clear_all(out);
	if (ft->arch != ARCH_X86_64)
		return;
	cap = 16;
	work = xmalloc(cap * sizeof(*work));
	work[nwork++] = id;
	while (nwork) {
		unsigned cur = work[--nwork];
		const struct feature *pf = ftable_get(ft, cur);
		for (size_t r = 0; r < ARRAY_LEN(dep_rules); r++) {
			if (parent[r] != pf)
				continue;
			for (size_t i = 0; i < ftable_count(ft); i++) {
				const struct feature *c = ftable_get(ft, (unsigned)i);
				if (c->id == id || fset_has(out, c->id) || !dep_matches(&dep_rules[r], c))
					continue;
				fset_add(out, c->id);
				if (nwork == cap) {
					cap *= 2;
					work = xrealloc(work, cap * sizeof(*work));
				}
				work[nwork++] = c->id;
			}
		}
	}
	free(work);
}

void explain_dependents(const struct ftable *ft, unsigned id, struct fset *out)
{
	const struct feature *parent[ARRAY_LEN(dep_rules)];

	dep_parents(ft, parent);
	dependents(ft, parent, id, out);
}

void explain_min_disable(const struct ftable *ft, const struct fset *blockers, struct fset *disable,
			 struct fset *implied)
{
	struct fset covered = FSET_INIT, dep = FSET_INIT;
	const struct feature *parent[ARRAY_LEN(dep_rules)];

	dep_parents(ft, parent);
	/* a blocker some other blocker depends on... the other way round: a
	 * blocker that another blocker's dependents include needs no policy
	 * of its own (the dependency graph has no cycles) */
	for (int id = fset_next(blockers, 0); id >= 0; id = fset_next(blockers, (unsigned)id + 1)) {
		dependents(ft, parent, (unsigned)id, &dep);
		fset_or(&covered, &dep);
	}
	fset_copy(disable, blockers);
	fset_andnot(disable, &covered);
	fset_clear_all(implied);
	for (int id = fset_next(disable, 0); id >= 0; id = fset_next(disable, (unsigned)id + 1)) {
		dependents(ft, parent, (unsigned)id, &dep);
		fset_or(implied, &dep);
	}
	fset_andnot(implied, disable);
	fset_fini(&covered);
	fset_fini(&dep);
}

/* ---- helpers ------------------------------------------------------------------ */

static int feature_name_cmp(const void *pa, const void *pb)
{
	const struct feature *a = *(const struct feature *const *)pa;
	const struct feature *b = *(const struct feature *const *)pb;

	return str_natcmp(a->name, b->name);
}

void explain_sorted(const struct ftable *ft, const struct fset *s, struct vec *out)
{
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		vec_push(out, (void *)(uintptr_t)ftable_get(ft, (unsigned)id));
	vec_sort(out, feature_name_cmp);
}

/* How candidates are judged: the host's verdict, and (for warnings) a
 * feature set they must avoid. */
struct ectx {
	const struct dataset *ds;
	const struct mdata *md;
	const struct host *h;
	const struct fset *avoid;
	bool qemu_verdict; /* also QEMU's own verdict (the data's accelerator is the warned one) */
	const struct cpu_arg *given; /* the -cpu value that was warned about, or NULL */
};

/* The features of the requested CPU: req's, with the given -cpu value's
 * =on/=off applied (features the table does not know change nothing). */
static void req_features(const struct ectx *c, const struct model_view *req, struct fset *out)
{
	model_features(req, out);
	if (!c->given)
		return;
	for (size_t i = 0; i < c->given->g->features.n; i++) {
		const struct guest_feature *gf = c->given->g->features.v[i];
		const struct feature *f = ftable_lookup(c->ds->ft, gf->name);
		if (!f || (f->flags & FEAT_UNKNOWN))
			continue;
		if (gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE)
			fset_add(out, f->id);
		else if (gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID)
			fset_del(out, f->id);
	}
}

static enum usable ctx_usable(const struct ectx *c, const struct model_view *mv, struct fset *blk)
{
	enum usable u = USABLE_YES;

	fset_clear_all(blk);
	if (c->h || !c->avoid || c->qemu_verdict)
		u = model_usable(mv, c->h, blk);
	if (c->avoid) {
		struct fset t = FSET_INIT;
		if (!mv->full)
			return u == USABLE_NO ? USABLE_NO : USABLE_UNKNOWN;
		model_features(mv, &t);
		fset_and(&t, c->avoid);
		if (!fset_empty(&t)) {
			fset_or(blk, &t);
			u = USABLE_NO;
		}
		fset_fini(&t);
	}
	return u;
}

static enum explain_source verdict_source(const struct model_view *mv, const struct host *h)
{
	const struct host_model_usability *u;

	if (!h)
		return EXPLAIN_SRC_QEMU;
	u = host_usability(h, mv->name);
	if (!u && mv->resolved != mv->name)
		u = host_usability(h, mv->resolved);
	return u && u->usable >= 0 ? EXPLAIN_SRC_HOST : EXPLAIN_SRC_FEATURES;
}

static void alt_free(void *p)
{
	struct explain_alt *a = p;

	if (!a)
		return;
	vec_fini(&a->aliases, NULL);
	fset_fini(&a->lost);
	fset_fini(&a->gained);
	free(a);
}

static struct explain_alt *alt_new(const struct ectx *c, const struct model_view *req,
				   const struct model_view *mv)
{
	struct explain_alt *a = xcalloc(1, sizeof(*a));

	a->def = mv->def;
	a->name = mv->name;
	a->resolved = mv->resolved;
	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&c->md->defs, i);
		if (d != mv->def && str_eq(d->alias_of, mv->name))
			vec_push(&a->aliases, (void *)d->name);
	}
	if (req->full && mv->full) {
		struct fset have = FSET_INIT;
		model_features(mv, &have);
		req_features(c, req, &a->lost);
		fset_andnot(&a->lost, &have);
		fset_copy(&a->gained, &have);
		req_features(c, req, &have);
		fset_andnot(&a->gained, &have);
		fset_fini(&have);
	}
	a->same_vendor = !strcmp(req->vendor, mv->vendor);
	a->psabi_level = mv->full ? psabi_level(c->ds->ft, &mv->full->on) : 0;
	return a;
}

static int family_cmp(const void *pa, const void *pb)
{
	const struct explain_alt *a = *(const struct explain_alt *const *)pa;
	const struct explain_alt *b = *(const struct explain_alt *const *)pb;
	size_t la = fset_count(&a->lost), lb = fset_count(&b->lost);

	if (la != lb)
		return la < lb ? -1 : 1;
	/* newest version first */
	return -str_natcmp(a->resolved, b->resolved);
}

static int nearest_cmp(const void *pa, const void *pb)
{
	const struct explain_alt *a = *(const struct explain_alt *const *)pa;
	const struct explain_alt *b = *(const struct explain_alt *const *)pb;
	size_t la = fset_count(&a->lost), lb = fset_count(&b->lost);
	size_t ga = fset_count(&a->gained), gb = fset_count(&b->gained);

	/* what a user loses first; at equal losses the model of the same
	 * vendor (the guest keeps its CPUID vendor), then the fewest added */
	if (la != lb)
		return la < lb ? -1 : 1;
	if (a->same_vendor != b->same_vendor)
		return a->same_vendor ? -1 : 1;
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return str_natcmp(a->name, b->name);
}

/* A concrete model (not an alias of another definition), that a user
 * would pick as a replacement: no 'max'/'host' (migration-unsafe) and no
 * static 'base' models. */
static bool is_candidate(const struct model_view *mv)
{
	return !mv->is_alias && mv->def->migration_safe && !mv->def->is_static && mv->full;
}

static void find_family(const struct ectx *c, const struct model_view *req, struct explanation *x)
{
	struct fset blk = FSET_INIT;

	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&c->md->defs, i);
		struct model_view mv;
		if (d == req->def)
			continue;
		model_view_init(c->ds, c->md, d, &mv);
		if (strcmp(mv.base, req->base) || mv.is_alias || !mv.full)
			continue;
		if (ctx_usable(c, &mv, &blk) != USABLE_YES)
			continue;
		vec_push(&x->family, alt_new(c, req, &mv));
	}
	vec_sort(&x->family, family_cmp);
	fset_fini(&blk);
}

static void find_nearest(const struct ectx *c, const struct model_view *req, struct explanation *x)
{
	struct fset blk = FSET_INIT;
	struct vec all = VEC_INIT;

	if (!req->full)
		return;
	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&c->md->defs, i);
		struct model_view mv;
		model_view_init(c->ds, c->md, d, &mv);
		if (!strcmp(mv.base, req->base) || !is_candidate(&mv))
			continue;
		if (ctx_usable(c, &mv, &blk) != USABLE_YES)
			continue;
		vec_push(&all, alt_new(c, req, &mv));
	}
	vec_sort(&all, nearest_cmp);
	for (size_t i = 0; i < all.n; i++) {
		if (i < EXPLAIN_NEAREST)
			vec_push(&x->nearest, all.v[i]);
		else
			alt_free(all.v[i]);
	}
	vec_fini(&all, NULL);
	fset_fini(&blk);
}

/* Blockers no policy removes: QEMU's pseudo-features. */
static bool is_pseudo(const struct feature *f)
{
	return (f->flags & FEAT_PSEUDO) != 0;
}

/* emit leaves "=off" out for a feature the table does not know (as
 * libvirt does for what QEMU lacks); but a blocker came from QEMU itself,
 * so QEMU knows it: switch it off, and say libvirt may not know it. */
static void unknown_off(const struct ftable *ft, const struct fset *disable, char **qemu,
			struct vec *notes)
{
	struct strbuf sb = STRBUF_INIT;

	/* one pass over the features and one over the notes: a blocker list
	 * can hold thousands of unknown names */
	if (!*qemu)
		return;
	sb_add(&sb, *qemu);
	for (int id = fset_next(disable, 0); id >= 0; id = fset_next(disable, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)id);
		if ((f->flags & FEAT_UNKNOWN) && qemu_name_ok(f->name))
			sb_addf(&sb, ",%s=off", f->name);
	}
	free(*qemu);
	*qemu = sb_take(&sb);
	/* emit's notes about them read "NAME: ..." */
	for (size_t i = 0; i < notes->n; i++) {
		char *n = notes->v[i];
		for (const char *c = strchr(n, ':'); c; c = strchr(c + 1, ':')) {
			char *name = xstrndup(n, (size_t)(c - n));
			const struct feature *f = ftable_lookup(ft, name);
			bool match = f && (f->flags & FEAT_UNKNOWN) && fset_has(disable, f->id) &&
				     !strcmp(f->name, name);
			free(name);
			if (match) {
				notes->v[i] = xasprintf("%s: not in cpuscope's feature table (QEMU named "
							"it); libvirt's cpu_map may not know it either",
							f->name);
				free(n);
				break;
			}
		}
	}
}

/* What a -cpu value holds besides the model and its features (cpu_arg.h
 * keeps them as written): appended to the fix, and said, with the
 * features the value already switched off, in one note. */
static void given_extras(const struct cpu_arg *a, char **qemu, struct vec *notes)
{
	struct strbuf sb = STRBUF_INIT, kept = STRBUF_INIT;

	for (size_t i = 0; i < a->g->features.n; i++) {
		const struct guest_feature *gf = a->g->features.v[i];
		if (gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID)
			sb_addf(&kept, "%s%s=off", kept.len ? ", " : "", gf->name);
	}
	if (*qemu) {
		sb_add(&sb, *qemu);
		for (size_t i = 0; i < a->props.n; i++)
			sb_addf(&sb, ",%s", (const char *)a->props.v[i]);
		if (a->check >= 0)
			sb_add(&sb, a->check ? ",check=on" : ",check=off");
		if (a->enforce)
			sb_add(&sb, ",enforce");
		free(*qemu);
		*qemu = sb_take(&sb);
	}
	for (size_t i = 0; i < a->props.n; i++)
		sb_addf(&kept, "%s%s", kept.len ? ", " : "", (const char *)a->props.v[i]);
	if (a->g->vendor_id)
		sb_addf(&kept, "%svendor=%s", kept.len ? ", " : "", a->g->vendor_id);
	if (a->check >= 0)
		sb_addf(&kept, "%scheck=%s", kept.len ? ", " : "", a->check ? "on" : "off");
	if (a->enforce)
		sb_addf(&kept, "%senforce", kept.len ? ", " : "");
	if (kept.len)
		vec_push(notes, xasprintf("kept from the given -cpu value: %s", sb_str(&kept)));
	if (a->props.n)
		vec_push(notes, xasprintf("libvirt's <cpu> has no place for %s%s (the XML leaves %s "
					  "out)", (const char *)a->props.v[0], a->props.n > 1 ? " and the other properties" : "",
					  a->props.n > 1 ? "them" : "it"));
	sb_fini(&sb);
	sb_fini(&kept);
}

/* The MSR of "failed to set MSR 0x10a to 0x29" (QEMU's KVM code aborts
 * so when the accelerator refuses an MSR write), or -1. */
static long failed_msr(const char *why)
{
	const char *p = why ? strstr(why, "failed to set MSR 0x") : NULL;
	char *end;
	unsigned long v;

	if (!p)
		return -1;
	p += strlen("failed to set MSR 0x");
	v = strtoul(p, &end, 16);
	return end != p && v <= 0xffffffffUL ? (long)v : -1;
}

/* This machine's QEMU did not start host or max because the accelerator
 * refused an MSR (the start checks of session.c, recorded in the data as
 * the definitions' start_failure).  Any CPU that keeps the feature which
 * exposes that MSR (arch-capabilities for 0x10a) makes QEMU write it and
 * fail the same way, although QEMU's unavailable-features do not say so:
 * the fix switches that feature off too, and says why.  Only for QEMU's
 * own verdict (no host file, or warnings of the data's accelerator). */
static void fix_refused_msrs(const struct ectx *c, struct explanation *x)
{
	const struct ftable *ft = c->ds->ft;
	struct explain_fix *fx = &x->fix;
	struct fset left = FSET_INIT, dep = FSET_INIT;

	/* (qemu_verdict is only ever set without a host) */
	if (!c->md || !x->features_known || c->h || (c->avoid && !c->qemu_verdict))
		return;
	for (size_t i = 0; i < c->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&c->md->defs, i);
		long msr = failed_msr(d->start_failure);
		if (msr < 0)
			continue;
		/* what the fixed CPU still has */
		fset_copy(&left, &x->features);
		for (int id = fset_next(&fx->disable, 0); id >= 0; id = fset_next(&fx->disable, (unsigned)id + 1)) {
			fset_del(&left, (unsigned)id);
			explain_dependents(ft, (unsigned)id, &dep);
			fset_andnot(&left, &dep);
		}
		for (size_t r = 0; r < ARRAY_LEN(dep_rules); r++) {
			const struct dep_rule *rule = &dep_rules[r];
			const struct feature *f;
			if (rule->kind != DEP_MSR || rule->index != (uint32_t)msr)
				continue;
			f = ftable_lookup(ft, rule->parent);
			if (!f || !fset_has(&left, f->id))
				continue;
			fset_add(&fx->disable, f->id);
			explain_dependents(ft, f->id, &dep);
			fset_and(&dep, &x->features);
			fset_or(&fx->implied, &dep);
			fset_del(&left, f->id);
			/* QEMU's first line ("...: error: failed to set MSR ...") */
			const char *why = strstr(d->start_failure, "failed to set MSR");
			size_t wl = strcspn(why, ";\n");
			vec_push(&fx->notes, xasprintf("%s: switched off too: QEMU does not start %s here "
						       "(%.*s), and a CPU with %s makes it write MSR "
						       "0x%lx as well", f->name, d->name, (int)wl, why,
						       f->name, (unsigned long)msr));
		}
	}
	fset_fini(&left);
	fset_fini(&dep);
}

static void make_fix(const struct ectx *c, const char *model, struct explanation *x)
{
	struct explain_fix *fx = &x->fix;
	struct fset removable = FSET_INIT;
	struct guest_cpu *g = NULL;
	const char *why = NULL;
	const struct ftable *ft = c->ds ? c->ds->ft : x->ft;

	for (int id = fset_next(&x->blockers, 0); id >= 0; id = fset_next(&x->blockers, (unsigned)id + 1)) {
		if (is_pseudo(ftable_get(ft, (unsigned)id)))
			fset_add(&fx->impossible, (unsigned)id);
		else
			fset_add(&removable, (unsigned)id);
	}
	explain_min_disable(ft, &removable, &fx->disable, &fx->implied);
	if (c->ds)
		fix_refused_msrs(c, x);
	if (x->features_known)
		fset_and(&fx->implied, &x->features);
	fset_andnot(&fx->implied, &x->blockers);
	fx->possible = fset_empty(&fx->impossible);
	if (!fx->possible)
		goto out;
	if (model && c->given) {
		/* the value QEMU warned about, with the warned features off */
		g = guest_cpu_clone(c->given->g);
		for (size_t i = 0; i < g->features.n; i++) {
			const struct guest_feature *gf = g->features.v[i];
			fx->kept_off += gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID;
		}
	} else {
		g = guest_cpu_new();
		g->mode = MODE_CUSTOM;
		g->match = MATCH_EXACT;
		/* fallback as build and the editor write it (libvirt's default, allow):
		 * one guest CPU reads the same wherever cpuscope prints it */
		g->fallback = FALLBACK_UNSET;
		if (model)
			g->model = xstrdup(model);
	}
	struct vec order = VEC_INIT;
	explain_sorted(ft, &fx->disable, &order);
	for (size_t i = 0; i < order.n; i++) {
		const struct feature *f = order.v[i];
		const struct guest_feature *was = guest_cpu_feature_of(g, ft, f);
		if (was && (was->policy == POLICY_REQUIRE || was->policy == POLICY_FORCE))
			vec_push(&fx->notes, xasprintf("%s: the given -cpu value asks for it (%s=on) and "
						       "QEMU cannot give it: the fix switches it off",
						       f->name, was->name));
		guest_cpu_set_feature_policy(g, ft, f, was ? was->name : f->name, POLICY_DISABLE);
	}
	vec_fini(&order, NULL);
	if (model && c->ds && c->md) { /* a custom model: its base with its features */
		struct guest_ctx gc = { c->ds, c->md, c->h, NULL, NULL };
		struct guest_cpu *r = guest_custom_resolve(&gc, g);
		if (r) {
			guest_cpu_free(g);
			g = r;
		}
	}
	if (model) {
		fx->xml = emit_guest_xml(g, ft, 0);
		fx->qemu = emit_qemu_cpu(g, ft, c->h, &fx->notes, &why);
		unknown_off(ft, &fx->disable, &fx->qemu, &fx->notes);
		if (c->given)
			given_extras(c->given, &fx->qemu, &fx->notes);
	} else {
		/* no model: the -cpu suffix and the <feature> lines only */
		struct strbuf sb = STRBUF_INIT;
		char *xml = NULL, *q = NULL;
		g->model = xstrdup("MODEL");
		xml = emit_guest_xml(g, ft, 0);
		q = emit_qemu_cpu(g, ft, NULL, &fx->notes, &why);
		for (const char *p = xml; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
			const char *s = p;
			while (*s == ' ')
				s++;
			/* (not strstr: that looks at the whole rest of the text) */
			if (!strncmp(s, "<feature ", 9))
				sb_addn(&sb, s, n - (size_t)(s - p));
			p += n;
		}
		fx->xml = sb_take(&sb);
		fx->qemu = q ? xstrdup(q + strlen("MODEL")) : NULL;
		unknown_off(ft, &fx->disable, &fx->qemu, &fx->notes);
		free(xml);
		free(q);
	}
out:
	guest_cpu_free(g);
	fset_fini(&removable);
}

static void host_model_check(const struct ectx *c, struct explanation *x)
{
	const struct host *h = c->h;
	const struct ftable *ft = c->ds->ft;
	struct fset need = FSET_INIT;

	x->host_model = EXPLAIN_HM_UNKNOWN;
	if (!h || h->kind != HOST_DOMCAPS)
		return;
	if (!h->host_model_supported || !h->model) {
		x->host_model = EXPLAIN_HM_UNSUPPORTED;
		return;
	}
	x->host_model_name = h->model;
	if (!x->features_known || !h->resolved)
		return;
	/* what the model asks for that the host can provide at all; compared
	 * over the features libvirt knows (host-model is written in them) */
	fset_copy(&need, &x->features);
	fset_andnot(&need, &x->blockers);
	for (int id = fset_next(&need, 0); id >= 0; id = fset_next(&need, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)id);
		if (!f->libvirt || (f->flags & (FEAT_NOT_IN_LIBVIRT | FEAT_UNKNOWN)))
			fset_del(&need, (unsigned)id);
	}
	fset_copy(&x->host_model_lacks, &need);
	fset_andnot(&x->host_model_lacks, &h->features);
	x->host_model = fset_empty(&x->host_model_lacks) ? EXPLAIN_HM_YES : EXPLAIN_HM_NO;
	fset_fini(&need);
}

static void note(struct explanation *x, char *msg)
{
	vec_push(&x->notes, msg);
}

static void explain_levels(const struct ectx *c, struct explanation *x)
{
	const struct ftable *ft = c->ds->ft;
	struct fset lv = FSET_INIT;

	x->model_psabi = x->host_psabi = -1;
	if (ft->arch != ARCH_X86_64)
		return;
	if (x->features_known)
		x->model_psabi = psabi_level(ft, &x->features);
	if (c->h && c->h->resolved)
		x->host_psabi = psabi_level(ft, &c->h->features);
	if (x->model_psabi > 0) {
		/* every feature of levels 1..model_psabi, then those that block */
		struct fset none = FSET_INIT;
		psabi_level_missing(ft, &none, x->model_psabi, &lv);
		fset_fini(&none);
		fset_copy(&x->psabi_missing, &lv);
		fset_and(&x->psabi_missing, &x->blockers);
	}
	fset_fini(&lv);
}

static void explain_fill(const struct ectx *c, const struct model_view *mv, struct explanation *x)
{
	const struct ftable *ft = c->ds->ft;

	x->ft = ft;
	x->model = mv->name;
	x->resolved = mv->resolved;
	x->machine = c->md->machine;
	snprintf(x->asked_as, sizeof(x->asked_as), "%s", mv->note);
	snprintf(x->vendor, sizeof(x->vendor), "%s", mv->vendor);
	if (mv->full) {
		req_features(c, mv, &x->features);
		x->features_known = true;
	}
	explain_levels(c, x);
	if (x->usable == USABLE_YES)
		return;
	if (x->usable == USABLE_NO)
		make_fix(c, mv->name, x);
	/* a model that needs another accelerator has no feature-wise
	 * replacement ('max' is the TCG counterpart of 'host') */
	const struct feature *kvm = ftable_lookup(ft, "kvm");
	if (!kvm || !fset_has(&x->fix.impossible, kvm->id)) {
		x->searched = true;
		find_family(c, mv, x);
		find_nearest(c, mv, x);
	}
	host_model_check(c, x);
	for (int id = fset_next(&x->fix.impossible, 0); id >= 0;
	     id = fset_next(&x->fix.impossible, (unsigned)id + 1)) {
		const char *n = ftable_get(ft, (unsigned)id)->name;
		if (!strcmp(n, "kvm"))
			note(x, xasprintf("'%s' reads the host's CPUID and needs a hardware accelerator "
					  "(KVM or HVF); under TCG use 'max' (libvirt: mode='maximum')",
					  mv->name));
		else if (!strcmp(n, "type"))
			note(x, xasprintf("%s cannot work here at all: QEMU reports 'type' (on s390x, a "
					  "CPU generation newer than the host's)", mv->name));
		else if (!strcmp(n, "start-failure") && mv->def && mv->def->start_failure)
			note(x, xasprintf("QEMU's query-cpu-definitions calls %s usable, but QEMU does not "
					  "start with -cpu %s,enforce here: %s", mv->name, mv->name,
					  mv->def->start_failure));
	}
}

bool explain_model(const struct dataset *ds, const struct mdata *md, const struct host *h,
		   const char *name, struct explanation *x, struct err *e)
{
	struct model_view mv;
	struct ectx c = { ds, md, h, NULL, false, NULL };

	memset(x, 0, sizeof(*x));
	x->ft = ds->ft;
	x->model_psabi = x->host_psabi = -1;
	if (!model_lookup(ds, md, name, &mv, e))
		return false;
	x->usable = model_usable(&mv, h, &x->blockers);
	x->source = verdict_source(&mv, h);
	explain_fill(&c, &mv, x);
	return true;
}

bool explain_warnings(const struct dataset *ds, const struct mdata *md, const struct host *h,
		      const char *name, const struct qemu_warnings *w, const struct cpu_arg *given,
		      struct explanation *x, struct err *e)
{
	struct ectx c = { ds, md, h, &w->features, false, given };

	/* without a host, the data's own verdict counts when it is the warned
	 * accelerator's ("TCG doesn't support ..." and TCG data): alternatives
	 * must run there as a whole, not only avoid the warned features */
	c.qemu_verdict = !h && w->accel && ds->accel &&
			 (!strcasecmp(w->accel, ds->accel) ||
			  (!strcasecmp(w->accel, "host") && !strcasecmp(ds->accel, "kvm")));

	memset(x, 0, sizeof(*x));
	if (given) {
		const char *gm = given->g->model;
		if (given->g->mode == MODE_HOST_PASSTHROUGH)
			gm = "host";
		else if (given->g->mode == MODE_MAXIMUM)
			gm = "max";
		if (!gm)
			return err_set(e, "-cpu", 0, "the value names no model");
		if (name && strcmp(name, gm))
			return err_set(e, "-cpu", 0, "MODEL '%s' and the -cpu value's model '%s' differ: give "
				       "one of them", name, gm);
		name = gm;
		/* checked as `build` checks a CPU: unknown features with their
		 * close spellings, one policy per feature */
		struct guest_ctx gc = { ds, md, h, NULL, NULL };
		struct guest_built b;
		memset(&b, 0, sizeof(b));
		if (!guest_build(&gc, given->g, GUEST_VERSION_AS_GIVEN, &b, e)) {
			if (!e->file[0]) /* as cpu_arg_parse() names the value */
				snprintf(e->file, sizeof(e->file), "-cpu");
			return false;
		}
		guest_build_fini(&b);
	}
	x->ft = ds->ft;
	x->model_psabi = x->host_psabi = -1;
	x->source = EXPLAIN_SRC_WARNINGS;
	x->usable = USABLE_NO;
	fset_copy(&x->blockers, &w->features);
	x->machine = md ? md->machine : NULL;
	if (name) {
		struct model_view mv;
		struct fset missing = FSET_INIT;
		if (!model_lookup(ds, md, name, &mv, e)) {
			explanation_fini(x);
			return false;
		}
		explain_fill(&c, &mv, x);
		if (!h && x->searched && !c.qemu_verdict)
			note(x, xstrdup("without --host, the alternatives are checked only against the "
					"warned features"));
		if (mv.full) {
			struct fset have = FSET_INIT;
			req_features(&c, &mv, &have);
			fset_copy(&missing, &w->features);
			fset_andnot(&missing, &have);
			fset_fini(&have);
			if (!fset_empty(&missing))
				note(x, xasprintf(given ? "%zu of the warned features are not in %s with "
						  "the given -cpu value: the warnings came from another one" :
						  "%zu of the warned features are not in %s at all: the "
						  "warnings came from another -cpu value", fset_count(&missing),
						  mv.name));
		}
		fset_fini(&missing);
		return true;
	}
	if (ds->ft->arch == ARCH_X86_64) {
		struct fset lv = FSET_INIT, none = FSET_INIT;
		psabi_level_missing(ds->ft, &none, 4, &lv);
		fset_copy(&x->psabi_missing, &lv);
		fset_and(&x->psabi_missing, &x->blockers);
		fset_fini(&lv);
		fset_fini(&none);
	}
	make_fix(&c, NULL, x);
	return true;
}

void explanation_fini(struct explanation *x)
{
	if (!x)
		return;
	fset_fini(&x->features);
	fset_fini(&x->blockers);
	fset_fini(&x->psabi_missing);
	vec_fini(&x->family, alt_free);
	vec_fini(&x->nearest, alt_free);
	fset_fini(&x->fix.disable);
	fset_fini(&x->fix.implied);
	fset_fini(&x->fix.impossible);
	free(x->fix.qemu);
	free(x->fix.xml);
	vec_fini(&x->fix.notes, free);
	fset_fini(&x->host_model_lacks);
	vec_fini(&x->notes, free);
	memset(x, 0, sizeof(*x));
}
