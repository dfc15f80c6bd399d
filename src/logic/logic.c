/* logic.c - x86-64 psABI levels, usability, feature grids. */
#include "logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custom_def.h"
#include "err.h"

int psabi_level(const struct ftable *ft, const struct fset *s)
{
	int level = 0;

	if (ft->arch != ARCH_X86_64)
		return 0;
	for (int l = 1; l <= 4; l++) {
		for (size_t i = 0; i < ftable_count(ft); i++) {
			const struct feature *f = ftable_get(ft, (unsigned)i);
			if (f->psabi_level == l && !fset_has(s, f->id))
				return level;
		}
		level = l;
	}
	return level;
}

const char *psabi_level_word(int level)
{
	static const char *const w[] = { "below v1", "v1", "v2", "v3", "v4" };

	return level >= 0 && level <= 4 ? w[level] : "unknown";
}

void psabi_level_missing(const struct ftable *ft, const struct fset *s, int level, struct fset *out)
{
	fset_clear_all(out);
	for (size_t i = 0; i < ftable_count(ft); i++) {
		const struct feature *f = ftable_get(ft, (unsigned)i);
		if (f->psabi_level >= 1 && f->psabi_level <= level && !fset_has(s, f->id))
			fset_add(out, f->id);
	}
}

/* QEMU's 'host' model copies the host's CPUID, which only a hardware
 * accelerator can do: QEMU lists it unavailable with the pseudo-feature
 * "kvm" under TCG.  Does this host's accelerator run it?  A QMP expansion
 * tells by the KVM paravirt leaf (only KVM fills it), domcapabilities by
 * host-passthrough; other hosts describe bare hardware (assume KVM). */
static bool model_needs_host_cpuid(const struct model_view *mv)
{
	return !strcmp(mv->name, "host") ||
	       (mv->def && mv->def->type_name && str_startswith(mv->def->type_name, "host-"));
}

static bool model_is_max(const struct model_view *mv)
{
	return !strcmp(mv->name, "max") ||
	       (mv->def && mv->def->type_name && str_startswith(mv->def->type_name, "max-"));
}

static bool host_runs_host_model(const struct host *h)
{
	if (h->kind == HOST_DOMCAPS)
		return h->passthrough_supported;
	if (h->kind != HOST_QMP)
		return true;
	for (int id = fset_next(&h->features, 0); id >= 0; id = fset_next(&h->features, (unsigned)id + 1))
		if (str_eq(ftable_get(h->ft, (unsigned)id)->group, "KVM paravirt"))
			return true;
	return false;
}

/* "kvm" and "type" are QEMU's pseudo-features of unavailable-features;
 * once interned from a definitions reply, an expansion's "kvm" QOM
 * property reads as a feature, which a full expansion has and a static
 * one lacks.  A feature difference never counts them. */
static void drop_pseudo(const struct ftable *ft, struct fset *s)
{
	static const char *const pseudo[] = { "kvm", "type" };

	for (size_t i = 0; i < ARRAY_LEN(pseudo); i++) {
		const struct feature *f = ftable_lookup(ft, pseudo[i]);
		if (f && (f->flags & FEAT_UNKNOWN))
			fset_del(s, f->id);
	}
}

/* A host that describes the CPU itself (capabilities, a host <cpu>, this
 * machine's CPUID) lacks what the hypervisor adds for every guest whatever
 * the CPU has: QEMU sets 'hypervisor' in every model, and KVM emulates
 * x2APIC and the TSC-deadline timer in software.  A hypervisor's own
 * view (domcapabilities, a QMP expansion) already includes them. */
static void drop_hypervisor_provided(const struct host *h, struct fset *s)
{
	static const char *const provided[] = { "hypervisor", "x2apic", "tsc-deadline" };

	if (h->arch != ARCH_X86_64 ||
	    (h->kind != HOST_CAPS && h->kind != HOST_CPU_XML && h->kind != HOST_CPUID))
		return;
	for (size_t i = 0; i < ARRAY_LEN(provided); i++) {
		const struct feature *f = ftable_lookup(h->ft, provided[i]);
		if (f)
			fset_del(s, f->id);
	}
}

size_t blockers_features(const struct ftable *ft, const struct fset *blockers)
{
	size_t n = 0;

	for (int id = fset_next(blockers, 0); id >= 0; id = fset_next(blockers, (unsigned)id + 1))
		n += !(ftable_get(ft, (unsigned)id)->flags & FEAT_PSEUDO);
	return n;
}

void blockers_text(struct strbuf *sb, const struct ftable *ft, const struct fset *blockers,
		   size_t max)
{
	struct vec names = VEC_INIT;
	bool any = false;

	for (int id = fset_next(blockers, 0); id >= 0; id = fset_next(blockers, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)id);
		if (!(f->flags & FEAT_PSEUDO))
			vec_push(&names, f->name);
	}
	if (names.n) {
		sb_addf(sb, "%zu: ", names.n);
		sb_add_list(sb, (const char *const *)names.v, names.n, max);
		any = true;
	}
	for (int id = fset_next(blockers, 0); id >= 0; id = fset_next(blockers, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(ft, (unsigned)id);
		const char *m = (f->flags & FEAT_PSEUDO) ? feature_pseudo_meaning(f) : NULL;
		if (!m)
			continue;
		sb_addf(sb, "%s%s", any ? "; " : "", m);
		any = true;
	}
	vec_fini(&names, NULL);
}

void model_features(const struct model_view *mv, struct fset *out)
{
	fset_clear_all(out);
	if (mv->full)
		fset_copy(out, &mv->full->on);
	ftable_expand_groups(mv->ft, out);
}

enum usable model_usable(const struct model_view *mv, const struct host *h, struct fset *blockers)
{
	fset_clear_all(blockers);
	if (h && h->arch == ARCH_X86_64 && model_needs_host_cpuid(mv) && !host_runs_host_model(h)) {
		fset_add(blockers, ftable_intern(h->ft, "kvm"));
		return USABLE_NO;
	}
	/* 'host' and 'max' on a bare CPU (capabilities, a host <cpu>, CPUID,
	 * where KVM is assumed): they are that CPU as KVM passes it through, so
	 * they run by definition; comparing them with the CPU would only
	 * compare it with what the data's accelerator made of them */
	if (h && h->arch == ARCH_X86_64 && (model_needs_host_cpuid(mv) || model_is_max(mv)) &&
	    (h->kind == HOST_CAPS || h->kind == HOST_CPU_XML || h->kind == HOST_CPUID))
		return USABLE_YES;
	if (!h) {
		if (!mv->def || !mv->def->unavail_known)
			return USABLE_UNKNOWN;
		fset_copy(blockers, &mv->def->unavailable);
		ftable_expand_groups(mv->ft, blockers);
		return fset_empty(blockers) ? USABLE_YES : USABLE_NO;
	}
	const struct host_model_usability *u = host_usability(h, mv->name);
	if (!u && mv->resolved != mv->name)
		u = host_usability(h, mv->resolved);
	if (u && u->usable >= 0) {
		if (u->has_blockers) {
			fset_copy(blockers, &u->blockers);
			ftable_expand_groups(h->ft, blockers);
		} else if (u->usable == 0 && mv->full && h->resolved) {
			model_features(mv, blockers);
			fset_andnot(blockers, &h->features);
			drop_pseudo(h->ft, blockers);
			drop_hypervisor_provided(h, blockers);
		}
		return u->usable ? USABLE_YES : USABLE_NO;
	}
	if (!h->resolved || !mv->full)
		return USABLE_UNKNOWN;
	model_features(mv, blockers);
	fset_andnot(blockers, &h->features);
	drop_pseudo(h->ft, blockers);
	drop_hypervisor_provided(h, blockers);
	return fset_empty(blockers) ? USABLE_YES : USABLE_NO;
}

struct grid *grid_new(enum grid_kind kind, const struct ftable *ft, const char *title)
{
	struct grid *g = xcalloc(1, sizeof(*g));

	g->kind = kind;
	g->ft = ft;
	g->title = xstrdup(title);
	return g;
}

struct grid_col *grid_add_col(struct grid *g, const char *title, const char *sub)
{
	struct grid_col *c;

	g->cols = xrealloc(g->cols, (g->ncols + 1) * sizeof(*g->cols));
	c = &g->cols[g->ncols++];
	memset(c, 0, sizeof(*c));
	c->title = xstrdup(title);
	c->sub = sub ? xstrdup(sub) : NULL;
	return c;
}

void grid_free(struct grid *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ncols; i++) {
		free(g->cols[i].title);
		free(g->cols[i].sub);
		fset_fini(&g->cols[i].on);
		fset_fini(&g->cols[i].lacks);
	}
	free(g->cols);
	free(g->rows);
	free(g->row_differs);
	free(g->title);
	free(g);
}

static int group_rank(const char *group)
{
	static const char *const order[] = {
		"base", "SSE", "AVX", "AVX-512", "AMX", "crypto", "TSX", "memory", "speculation",
		"security", "virtualization", "SVM", "VMX capability", "power/timing",
		"debug/perf", "KVM paravirt", "AMD", "other", "unknown",
	};
	for (size_t i = 0; i < ARRAY_LEN(order); i++)
		if (!strcmp(order[i], group))
			return (int)i;
	return (int)ARRAY_LEN(order) - 2;
}

static int row_cmp(const void *a, const void *b, const struct ftable *ft)
{
	const struct feature *fa = ftable_get(ft, *(const unsigned *)a);
	const struct feature *fb = ftable_get(ft, *(const unsigned *)b);
	int ra = group_rank(fa->group), rb = group_rank(fb->group);

	if (ra != rb)
		return ra - rb;
	if (strcmp(fa->group, fb->group))
		return strcmp(fa->group, fb->group);
	return str_natcmp(fa->name, fb->name);
}

/* qsort has no context argument in C11: a small insertion-merge sort. */
static void sort_rows(unsigned *rows, size_t n, const struct ftable *ft)
{
	unsigned *tmp;

	if (n < 2)
		return;
	size_t mid = n / 2;
	sort_rows(rows, mid, ft);
	sort_rows(rows + mid, n - mid, ft);
	tmp = xmalloc(n * sizeof(*tmp));
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		tmp[k++] = row_cmp(&rows[j], &rows[i], ft) < 0 ? rows[j++] : rows[i++];
	while (i < mid)
		tmp[k++] = rows[i++];
	while (j < n)
		tmp[k++] = rows[j++];
	memcpy(rows, tmp, n * sizeof(*tmp));
	free(tmp);
}

void grid_finish(struct grid *g, bool only_diff)
{
	struct fset all = FSET_INIT;
	size_t n = 0;

	for (size_t c = 0; c < g->ncols; c++)
		fset_or(&all, &g->cols[c].on);
	free(g->rows);
	free(g->row_differs);
	g->rows = xcalloc(fset_count(&all) + 1, sizeof(*g->rows));
	g->row_differs = xcalloc(fset_count(&all) + 1, sizeof(*g->row_differs));
	for (int id = fset_next(&all, 0); id >= 0; id = fset_next(&all, (unsigned)id + 1))
		g->rows[n++] = (unsigned)id;
	sort_rows(g->rows, n, g->ft);
	g->ndiffer = 0;
	size_t kept = 0;
	for (size_t r = 0; r < n; r++) {
		bool differs = false;
		int first = -1;
		for (size_t c = 0; c < g->ncols; c++) {
			if (!g->cols[c].has_data)
				continue;
			int v = fset_has(&g->cols[c].on, g->rows[r]);
			if (first < 0)
				first = v;
			else if (v != first)
				differs = true;
		}
		if (differs)
			g->ndiffer++;
		if (only_diff && !differs)
			continue;
		g->rows[kept] = g->rows[r];
		g->row_differs[kept] = differs;
		kept++;
	}
	g->nrows = kept;
	fset_fini(&all);
}

enum cell grid_cell(const struct grid *g, size_t row, size_t col)
{
	const struct grid_col *c = &g->cols[col];
	unsigned id = g->rows[row];

	if (!c->has_data)
		return CELL_NA;
	if (!fset_has(&c->on, id))
		return CELL_ABSENT;
	if (c->host && c->host->resolved && !fset_has(&c->host->features, id))
		return CELL_HOST_LACKS;
	if (!c->host && c->has_lacks && fset_has(&c->lacks, id))
		return CELL_HOST_LACKS;
	return CELL_PRESENT;
}

bool grid_cell_changed(const struct grid *g, size_t row, size_t col)
{
	if (col == 0 || !g->cols[col].has_data || !g->cols[col - 1].has_data)
		return false;
	unsigned id = g->rows[row];
	if (g->cols[col].has_lacks || g->cols[col - 1].has_lacks) /* what that QEMU provides, too */
		return grid_cell(g, row, col) != grid_cell(g, row, col - 1);
	return fset_has(&g->cols[col].on, id) != fset_has(&g->cols[col - 1].on, id);
}

/* ---- grid builders ---------------------------------------------------- */

static bool grid_add_model_col(struct grid *g, const struct dataset *ds, const struct mdata *md,
			       const char *name, const char *title, const char *sub,
			       const struct host *host, struct err *e)
{
	struct model_view mv;

	if (!model_lookup(ds, md, name, &mv, e))
		return false;
	/* a custom model's sub line names its base */
	char *csub = !sub && mv.def->custom ? xasprintf("custom: %s", mv.def->custom->base) : NULL;
	struct grid_col *col = grid_add_col(g, title ? title : mv.name,
					    sub ? sub : csub ? csub : (mv.is_alias ? mv.resolved : NULL));
	free(csub);
	col->host = host;
	if (mv.full) {
		model_features(&mv, &col->on);
		col->has_data = true;
		col->full = mv.full;
	}
	return true;
}

struct grid *grid_build_versions(const struct dataset *ds, const struct mdata *md, const char *name,
				 const struct host *host, struct err *e)
{
	struct model_view mv;
	struct vec vers = VEC_INIT;
	struct grid *g = NULL;
	char base[128], title[512];
	bool ok = true;

	if (!model_lookup(ds, md, name, &mv, e))
		return NULL;
	if (mv.def->custom) {
		/* a custom model has no versions: it beside its base */
		const char *cb = mv.def->custom->base;
		snprintf(title, sizeof(title), "%s beside its base %s on %s", mv.name, cb, md->machine);
		g = grid_new(GRID_VERSIONS, ds->ft, title);
		if (!grid_add_model_col(g, ds, md, cb, cb, NULL, host, e) ||
		    !grid_add_model_col(g, ds, md, mv.name, mv.name, NULL, host, e)) {
			grid_free(g);
			g = NULL;
		}
		return g;
	}
	snprintf(base, sizeof(base), "%s", mv.base);
	model_versions(md, base, &vers);
	if (!vers.n) {
		err_set(e, NULL, 0, "grid: %s has no versions on %s", mv.name, md->machine);
		goto out;
	}
	snprintf(title, sizeof(title), "%s versions on %s", base, md->machine);
	g = grid_new(GRID_VERSIONS, ds->ft, title);
	for (size_t i = 0; i < vers.n && ok; i++) {
		const struct cpu_def *d = vers.v[i];
		/* the sub line names the aliases that stand for this version */
		struct strbuf sb = STRBUF_INIT;
		for (size_t j = 0; j < md->defs.n; j++) {
			const struct cpu_def *a = vec_get(&md->defs, j);
			if (a->alias_of && !strcmp(a->alias_of, d->name)) {
				sb_add(&sb, sb.len ? "," : "");
				sb_add(&sb, a->name);
			}
		}
		ok = grid_add_model_col(g, ds, md, d->name, d->name, sb.len ? sb_str(&sb) : NULL, host, e);
		sb_fini(&sb);
	}
	if (!ok) {
		grid_free(g);
		g = NULL;
	}
out:
	vec_fini(&vers, NULL);
	return g;
}

static int mdata_name_cmp(const void *a, const void *b)
{
	const struct mdata *ma = *(const struct mdata *const *)a;
	const struct mdata *mb = *(const struct mdata *const *)b;

	return str_natcmp(ma->machine, mb->machine);
}

struct grid *grid_build_machines(const struct dataset *ds, const char *const *machines, size_t n,
				 const char *name, const struct host *host, struct err *e)
{
	const struct mdata **mds = NULL;
	size_t nmds = 0;
	struct grid *g = NULL;
	char title[512];
	bool ok = true;

	mds = xcalloc((machines ? n : ds->mdatas.n) + 1, sizeof(*mds));
	if (machines) {
		for (size_t i = 0; i < n; i++) {
			mds[nmds] = dataset_resolve_machine(ds, machines[i], e);
			if (!mds[nmds++])
				goto out;
		}
	} else {
		for (size_t i = 0; i < ds->mdatas.n; i++) {
			const struct mdata *md = vec_get(&ds->mdatas, i);
			if (md->defs.n)
				mds[nmds++] = md;
		}
		qsort(mds, nmds, sizeof(*mds), mdata_name_cmp);
	}
	snprintf(title, sizeof(title), "%s across machine types", name);
	g = grid_new(GRID_MACHINES, ds->ft, title);
	for (size_t i = 0; i < nmds && ok; i++) {
		struct model_view mv;
		ok = model_lookup(ds, mds[i], name, &mv, e) &&
		     grid_add_model_col(g, ds, mds[i], name, mds[i]->machine,
					mv.is_alias ? mv.resolved : mv.name, host, e);
	}
	if (!ok) {
		grid_free(g);
		g = NULL;
	}
out:
	free(mds);
	return g;
}

struct grid *grid_build_models(const struct dataset *ds, const struct mdata *md,
			       const char *const *names, size_t n, const struct host *host,
			       struct err *e)
{
	char title[512];
	struct grid *g;

	snprintf(title, sizeof(title), "models on %s", md->machine);
	g = grid_new(GRID_MODELS, ds->ft, title);
	for (size_t i = 0; i < n; i++) {
		if (!grid_add_model_col(g, ds, md, names[i], NULL, NULL, host, e)) {
			grid_free(g);
			return NULL;
		}
	}
	return g;
}

void grid_add_hosts(struct grid *g, const struct host *const *hosts, const char *const *labels,
		    size_t n)
{
	struct fset keep = FSET_INIT;
	size_t nmodels = g->ncols;

	g->kind = GRID_HOSTS;
	for (size_t i = 0; i < nmodels; i++)
		fset_or(&keep, &g->cols[i].on);
	for (size_t i = 0; i < n; i++) {
		struct grid_col *col = grid_add_col(g, labels[i], hosts[i]->model);
		fset_copy(&col->on, &hosts[i]->features);
		fset_and(&col->on, &keep);
		col->has_data = true;
	}
	fset_fini(&keep);
}

void grid_keep_host_lacks(struct grid *g)
{
	size_t kept = 0;

	for (size_t r = 0; r < g->nrows; r++) {
		bool lacks = false;
		for (size_t c = 0; c < g->ncols && !lacks; c++)
			lacks = grid_cell(g, r, c) == CELL_HOST_LACKS;
		if (!lacks)
			continue;
		g->rows[kept] = g->rows[r];
		g->row_differs[kept] = g->row_differs[r];
		kept++;
	}
	g->nrows = kept;
}

const struct cpu_def *model_best_version(const struct dataset *ds, const struct mdata *md,
					 const char *base, const struct host *h)
{
	struct vec vers = VEC_INIT;
	struct fset blk = FSET_INIT;
	const struct cpu_def *best = NULL;

	model_versions(md, base, &vers);
	for (size_t i = vers.n; i-- > 0 && !best;) {
		struct model_view vmv;
		model_view_init(ds, md, vers.v[i], &vmv);
		if (model_usable(&vmv, h, &blk) == USABLE_YES)
			best = vers.v[i];
	}
	fset_fini(&blk);
	vec_fini(&vers, NULL);
	return best;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *prop_value_text(const char *json)
{
	size_t n = strlen(json);

	if (n >= 2 && json[0] == '"' && json[n - 1] == '"')
		return xstrndup(json + 1, n - 2);
	return xstrdup(json);
}

void grid_prop_row_free(void *row)
{
	struct grid_prop_row *r = row;

	if (!r)
		return;
	free(r->name);
	for (size_t i = 0; i < r->nvals; i++)
		free(r->vals[i]);
	free(r->vals);
	free(r);
}

void grid_prop_diffs(const struct grid *g, struct vec *out)
{
	struct strmap seen = STRMAP_INIT;
	struct vec names = VEC_INIT;

	for (size_t c = 0; c < g->ncols; c++) {
		struct vec props = VEC_INIT;
		if (!g->cols[c].full)
			continue;
		expansion_props_all(g->cols[c].full, &props);
		for (size_t i = 0; i < props.n; i++) {
			const struct prop *p = props.v[i];
			if (!strmap_has(&seen, p->name)) {
				strmap_put(&seen, p->name, NULL);
				vec_push(&names, p->name);
			}
		}
		vec_fini(&props, NULL);
	}
	vec_sort(&names, cmp_str_ptr);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		const char *first = NULL;
		bool differs = false, any = false;
		for (size_t c = 0; c < g->ncols; c++) {
			if (!g->cols[c].full)
				continue;
			const char *v = expansion_prop(g->cols[c].full, name);
			if (!any) {
				first = v;
				any = true;
			} else if (!str_eq(first, v)) {
				differs = true;
			}
		}
		if (!differs)
			continue;
		struct grid_prop_row *r = xcalloc(1, sizeof(*r));
		r->name = xstrdup(name);
		r->vals = xcalloc(g->ncols, sizeof(*r->vals));
		r->nvals = g->ncols;
		for (size_t c = 0; c < g->ncols; c++) {
			const char *v = g->cols[c].full ? expansion_prop(g->cols[c].full, name) : NULL;
			r->vals[c] = v ? prop_value_text(v) : NULL;
		}
		vec_push(out, r);
	}
	vec_fini(&names, NULL);
	strmap_fini(&seen);
}
