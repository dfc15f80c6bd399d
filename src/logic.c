/* logic.c - x86-64 levels, usability, feature grids. */
#include "logic.h"

#include <stdlib.h>
#include <string.h>

int x86_level(const struct ftable *ft, const struct fset *s)
{
	int level = 0;

	if (ft->arch != ARCH_X86_64)
		return 0;
	for (int l = 1; l <= 4; l++) {
		for (size_t i = 0; i < ftable_count(ft); i++) {
			const struct feature *f = ftable_get(ft, (unsigned)i);
			if (f->level == l && !fset_has(s, f->id))
				return level;
		}
		level = l;
	}
	return level;
}

void x86_level_missing(const struct ftable *ft, const struct fset *s, int level, struct fset *out)
{
	fset_clear_all(out);
	for (size_t i = 0; i < ftable_count(ft); i++) {
		const struct feature *f = ftable_get(ft, (unsigned)i);
		if (f->level >= 1 && f->level <= level && !fset_has(s, f->id))
			fset_add(out, f->id);
	}
}

enum usable model_usable(const struct model_view *mv, const struct host *h, struct fset *blockers)
{
	fset_clear_all(blockers);
	if (!h) {
		if (!mv->def || !mv->def->unavail_known)
			return USABLE_UNKNOWN;
		fset_copy(blockers, &mv->def->unavailable);
		return fset_empty(blockers) ? USABLE_YES : USABLE_NO;
	}
	const struct host_model_usability *u = host_usability(h, mv->name);
	if (!u && mv->resolved != mv->name)
		u = host_usability(h, mv->resolved);
	if (u && u->usable >= 0) {
		if (u->has_blockers)
			fset_copy(blockers, &u->blockers);
		else if (u->usable == 0 && mv->full && h->resolved) {
			fset_copy(blockers, &mv->full->on);
			fset_andnot(blockers, &h->features);
		}
		return u->usable ? USABLE_YES : USABLE_NO;
	}
	if (!h->resolved || !mv->full)
		return USABLE_UNKNOWN;
	fset_copy(blockers, &mv->full->on);
	fset_andnot(blockers, &h->features);
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
	return CELL_PRESENT;
}

bool grid_cell_changed(const struct grid *g, size_t row, size_t col)
{
	if (col == 0 || !g->cols[col].has_data || !g->cols[col - 1].has_data)
		return false;
	unsigned id = g->rows[row];
	return fset_has(&g->cols[col].on, id) != fset_has(&g->cols[col - 1].on, id);
}
