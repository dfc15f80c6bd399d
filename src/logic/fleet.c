/* fleet.c - many hosts at once (fleet.h). */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hostcpu.h"

enum { LV_UNKNOWN, LV_RUNS, LV_REFUSED };

/* ---- the matrix -------------------------------------------------------------- */

static uint8_t cell_of(enum usable u)
{
	return (uint8_t)(u + 1);
}

enum usable fleet_verdict(const struct fleet *f, size_t host, size_t model)
{
	const uint8_t *row = host < f->nhosts ? f->cells + host * f->nmodels : f->add_cells;

	if (!row || model >= f->nmodels)
		return USABLE_UNKNOWN;
	return (enum usable)((int)row[model] - 1);
}

size_t fleet_nblockers(const struct fleet *f, size_t host, size_t model)
{
	if (host >= f->nhosts || model >= f->nmodels)
		return 0;
	return f->nblk[host * f->nmodels + model];
}

static const struct host *host_at(const struct fleet *f, size_t i)
{
	return i < f->nhosts ? f->hosts[i].h : f->add.h;
}

void fleet_blockers(const struct fleet *f, size_t host, size_t model, struct fset *out)
{
	fset_clear_all(out);
	if (model >= f->nmodels || host > f->nhosts || !host_at(f, host))
		return;
	model_usable(&f->models[model].mv, host_at(f, host), out);
}

static int def_cmp(const void *pa, const void *pb)
{
	const struct cpu_def *const *a = pa, *const *b = pb;

	return model_name_cmp((*a)->name, (*b)->name);
}

size_t fleet_model_index(const struct fleet *f, const char *name)
{
	size_t lo = 0, hi = f->nmodels;

	/* models are sorted by model_name_cmp */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = model_name_cmp(f->models[mid].mv.name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FLEET_NONE;
}

static void build_models(struct fleet *f)
{
	struct vec defs = VEC_INIT;

	for (size_t i = 0; i < f->md->defs.n; i++)
		vec_push(&defs, vec_get(&f->md->defs, i));
	vec_sort(&defs, def_cmp);
	f->nmodels = defs.n;
	f->models = xcalloc(defs.n ? defs.n : 1, sizeof(*f->models));
	for (size_t i = 0; i < defs.n; i++) {
		struct fleet_model *m = &f->models[i];
		model_view_init(f->ds, f->md, defs.v[i], &m->mv);
		m->cm = f->map ? cpu_map_model(f->map, m->mv.name) : NULL;
		m->psabi = m->mv.full && f->ft->arch == ARCH_X86_64 ? psabi_level(f->ft, &m->mv.full->on)
								    : -1;
	}
	vec_fini(&defs, NULL);
}

/* One host's row of the matrix into row/nblk (nblk may be NULL). */
static size_t host_row(const struct fleet *f, const struct host *h, uint8_t *row, uint16_t *nblk,
		       struct fset *tmp)
{
	size_t nusable = 0;

	for (size_t m = 0; m < f->nmodels; m++) {
		enum usable u = model_usable(&f->models[m].mv, h, tmp);
		row[m] = cell_of(u);
		if (nblk) {
			size_t n = u == USABLE_NO ? fset_count(tmp) : 0;
			nblk[m] = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
		}
		nusable += u == USABLE_YES;
	}
	return nusable;
}

/* ---- groups ------------------------------------------------------------------- */

static void build_groups(struct fleet *f)
{
	struct strmap by_vendor = STRMAP_INIT;
	size_t *count;

	f->groups = xcalloc(f->nhosts ? f->nhosts : 1, sizeof(*f->groups));
	for (size_t i = 0; i < f->nhosts; i++) {
		const char *v = f->hosts[i].h->vendor;
		const char *key = v ? v : "";
		size_t g = (size_t)(uintptr_t)strmap_get(&by_vendor, key);
		if (!g) {
			g = ++f->ngroups;
			strmap_put(&by_vendor, key, (void *)(uintptr_t)g);
			f->groups[g - 1].vendor = v ? xstrdup(v) : NULL;
			f->groups[g - 1].best = FLEET_NONE;
		}
		f->hosts[i].group = g - 1;
	}
	count = xcalloc(f->ngroups ? f->ngroups : 1, sizeof(*count));
	for (size_t i = 0; i < f->nhosts; i++)
		count[f->hosts[i].group]++;
	for (size_t g = 0; g < f->ngroups; g++)
		f->groups[g].hosts = xcalloc(count[g], sizeof(size_t));
	for (size_t i = 0; i < f->nhosts; i++) {
		struct fleet_group *g = &f->groups[f->hosts[i].group];
		g->hosts[g->nhosts++] = i;
	}
	free(count);
	strmap_fini(&by_vendor);
	f->nrun_group = xcalloc(f->ngroups * f->nmodels + 1, sizeof(size_t));
	for (size_t i = 0; i < f->nhosts; i++) {
		const uint8_t *row = f->cells + i * f->nmodels;
		size_t *nr = f->nrun_group + f->hosts[i].group * f->nmodels;
		for (size_t m = 0; m < f->nmodels; m++)
			if (row[m] == cell_of(USABLE_YES)) {
				nr[m]++;
				f->models[m].nrun++;
			}
	}
}

/* ---- candidates: the map's models, and libvirt's compare -------------------------- */

static void build_candidates(struct fleet *f)
{
	if (!f->map)
		return;
	f->cand = xcalloc(f->map->models.n + 1, sizeof(*f->cand));
	f->cand_guest = xcalloc(f->map->models.n + 1, sizeof(*f->cand_guest));
	for (size_t i = 0; i < f->map->models.n; i++) {
		const struct cm_model *cm = vec_get(&f->map->models, i);
		size_t m = fleet_model_index(f, cm->name);
		struct guest_cpu *g;
		if (m == FLEET_NONE)
			continue;
		g = guest_cpu_new();
		g->mode = MODE_CUSTOM;
		g->match = MATCH_EXACT;
		g->fallback = FALLBACK_FORBID;
		g->model = xstrdup(cm->name);
		f->cand_guest[f->ncand] = g;
		f->cand[f->ncand++] = m;
	}
	f->lvc = xcalloc(f->ncand * (f->nhosts + 1) + 1, 1);
}

/* libvirt's compare of candidate c with host i: does it run?  Cached. */
static bool lv_runs(struct fleet *f, size_t c, size_t i)
{
	uint8_t *slot = &f->lvc[c * (f->nhosts + 1) + i];

	if (*slot == LV_UNKNOWN) {
		struct cmp_report r;
		struct err e;
		err_clear(&e);
		if (cpu_compare(host_at(f, i), f->cand_guest[c], f->map, f->lv, &r, &e))
			*slot = r.result == CMP_INCOMPATIBLE ? LV_REFUSED : LV_RUNS;
		else
			*slot = LV_REFUSED;
		cmp_report_fini(&r);
	}
	return *slot == LV_RUNS;
}

static bool qemu_runs(const struct fleet *f, size_t c, size_t i)
{
	return fleet_verdict(f, i, f->cand[c]) == USABLE_YES;
}

static bool cand_fits(const struct fleet *f, size_t c, const char *vendor, bool neutral_only)
{
	const struct cm_model *cm = f->models[f->cand[c]].cm;

	if (!cm)
		return false;
	if (!cm->vendor)
		return true;
	if (neutral_only)
		return false;
	return !vendor || !strcmp(cm->vendor, vendor);
}

/* Does every host of hosts[0..n) run candidate c? */
static bool all_run(struct fleet *f, size_t c, const size_t *hosts, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!qemu_runs(f, c, hosts[k]))
			return false;
	for (size_t k = 0; k < n; k++)
		if (!lv_runs(f, c, hosts[k]))
			return false;
	return true;
}

static void refusal_free(void *p)
{
	struct fleet_refusal *r = p;

	if (r)
		free(r->message);
	free(r);
}

static char *lv_message(struct fleet *f, size_t c, size_t i)
{
	struct cmp_report r;
	struct err e;
	char *msg;

	err_clear(&e);
	if (!cpu_compare(host_at(f, i), f->cand_guest[c], f->map, f->lv, &r, &e))
		return xstrdup(e.msg);
	msg = xstrdup(r.message ? r.message : cmp_result_name(r.result));
	cmp_report_fini(&r);
	return msg;
}

/* The best model of group g, the refused newer ones, and for each host the
 * best without it.  Walks the candidates from the newest: one that two
 * hosts do not run (by the matrix) costs no compare; one that all hosts
 * but at most one run is compared on every host (once). */
static void group_best(struct fleet *f, struct fleet_group *g)
{
	for (size_t k = 0; k < g->nhosts; k++)
		f->hosts[g->hosts[k]].without_best = FLEET_NONE;
	for (size_t c = f->ncand; c-- > 0;) {
		size_t qfail = 0, qhost = FLEET_NONE, lfail = 0, lhost = FLEET_NONE;
		if (!cand_fits(f, c, g->vendor, false))
			continue;
		for (size_t k = 0; k < g->nhosts && qfail < 2; k++)
			if (!qemu_runs(f, c, g->hosts[k])) {
				qfail++;
				qhost = g->hosts[k];
			}
		if (qfail >= 2)
			continue;
		for (size_t k = 0; k < g->nhosts && (qfail == 0 || qfail + lfail < 2); k++) {
			size_t i = g->hosts[k];
			if (i == qhost || lv_runs(f, c, i))
				continue;
			if (!lfail)
				lhost = i;
			lfail++;
		}
		if (qfail + lfail == 0) {
			g->best = f->cand[c];
			break;
		}
		if (qfail + lfail == 1 && g->nhosts > 1) {
			size_t i = qfail ? qhost : lhost;
			if (f->hosts[i].without_best == FLEET_NONE)
				f->hosts[i].without_best = f->cand[c];
		}
		if (qfail == 0) {
			struct fleet_refusal *r = xcalloc(1, sizeof(*r));
			r->model = f->cand[c];
			r->host = lhost;
			r->nhosts = lfail;
			r->message = lv_message(f, c, lhost);
			vec_push(&g->refused, r);
		}
	}
}

static size_t cand_of_model(const struct fleet *f, size_t m)
{
	for (size_t c = 0; c < f->ncand; c++)
		if (f->cand[c] == m)
			return c;
	return FLEET_NONE;
}

/* ---- losses and the baseline --------------------------------------------------------- */

static void build_mask(struct fleet *f)
{
	const unsigned skip = FEAT_UNKNOWN | FEAT_NONMIGRATABLE | FEAT_NOT_IN_LIBVIRT |
			      FEAT_NOT_IN_QEMU | FEAT_NOT_PASSED | FEAT_PSEUDO;

	if (!f->map)
		return;
	fset_copy(&f->mask, &f->map->known);
	fset_andnot(&f->mask, &f->map->nonmigratable);
	for (int id = fset_next(&f->mask, 0); id >= 0; id = fset_next(&f->mask, (unsigned)id + 1))
		if (ftable_get(f->ft, (unsigned)id)->flags & skip)
			fset_del(&f->mask, (unsigned)id);
	for (size_t i = 0; i < f->map->models.n; i++)
		fset_or(&f->raw_mask, &((const struct cm_model *)vec_get(&f->map->models, i))->features);
	fset_and(&f->raw_mask, &f->mask);
}

/* A hypervisor's view (domcapabilities, QMP) lists what it offers a guest;
 * a bare CPU (capabilities, host <cpu>, CPUID) lists what the hardware
 * has, host-only bits included (ACPI, thermal monitor, debug store, SMX,
 * ...): of those, only what some model of the map has counts. */
static void loss_of(const struct fleet *f, const struct host *h, const struct fset *gets,
		    struct fset *out)
{
	bool hv = h->kind == HOST_DOMCAPS || h->kind == HOST_QMP;

	fset_copy(out, &h->features);
	fset_and(out, hv ? &f->mask : &f->raw_mask);
	fset_andnot(out, gets);
}

/* The libvirt model that describes a host: its own (capabilities, host
 * <cpu>, domcapabilities' host-model), libvirt's host-model of a QEMU
 * host, libvirt's decode of a CPUID dump.  NULL when there is none. */
static void describe(const struct fleet *f, struct fleet_host *fh)
{
	const struct host *h = fh->h;
	struct host_cpu hc;
	struct err e;

	err_clear(&e);
	if (h->kind == HOST_CAPS || h->kind == HOST_CPU_XML || h->kind == HOST_DOMCAPS) {
		fh->cpu_model = h->model ? xstrdup(h->model) : NULL;
		return;
	}
	if (h->kind == HOST_QMP && h->usability.n) {
		struct guest_cpu *g = host_model_of(f->map, h, &e);
		if (g && g->model)
			fh->cpu_model = xstrdup(g->model);
		guest_cpu_free(g);
		return;
	}
	if (host_cpu_describe(f->map, h, &hc, &e) && hc.model)
		fh->cpu_model = xstrdup(hc.model);
	host_cpu_fini(&hc);
}

/* The group's hosts as `virsh cpu-baseline` reads them (baseline_add_host:
 * a CPUID dump as libvirt describes it, a QEMU host by its host-model). */
static void group_baseline(struct fleet *f, struct fleet_group *g)
{
	const struct baseline_opts o = { false, false, true, f->lv };
	struct baseline b;
	struct err e;
	bool failed = false;

	if (!f->map)
		return;
	baseline_init(&b, f->map);
	for (size_t k = 0; k < g->nhosts; k++) {
		struct fleet_host *fh = &f->hosts[g->hosts[k]];
		describe(f, fh);
		if (failed)
			continue;
		err_clear(&e);
		if (!baseline_add_host(&b, fh->h, &e)) {
			fh->bl_err = xstrdup(e.msg);
			g->bl_err = xasprintf("%s: %s", fh->label, e.msg);
			failed = true;
		}
	}
	err_clear(&e);
	if (!failed) {
		if (baseline_finish(&b, &o, &g->bl, &e))
			g->have_baseline = true;
		else
			g->bl_err = xstrdup(e.msg);
	}
	baseline_fini(&b);
}

static const struct fset *fleet_model_features(const struct fleet *f, size_t m)
{
	const struct fleet_model *fm = &f->models[m];

	if (fm->mv.full)
		return &fm->mv.full->on;
	return fm->cm ? &fm->cm->features : NULL;
}

static void group_losses(struct fleet *f, struct fleet_group *g)
{
	const struct fset *best = g->best != FLEET_NONE ? fleet_model_features(f, g->best) : NULL;

	for (size_t k = 0; k < g->nhosts; k++) {
		struct fleet_host *fh = &f->hosts[g->hosts[k]];
		if (best)
			loss_of(f, fh->h, best, &fh->loss);
		if (g->have_baseline)
			loss_of(f, fh->h, &g->bl.features, &fh->bl_loss);
	}
}

/* ---- the guest CPU ---------------------------------------------------------------------- */

static bool guest_hosts(struct fleet *f, const struct guest_cpu *g, struct err *e)
{
	struct fset off = FSET_INIT, forbid = FSET_INIT;
	struct model_view mv;
	bool have_mv = false, ok = false;

	if (g->mode == MODE_CUSTOM && g->model) {
		struct err e2;
		err_clear(&e2);
		have_mv = model_lookup(f->ds, f->md, g->model, &mv, &e2);
		if (!guest_policy_set(g, f->map, POLICY_DISABLE, &off, e) ||
		    !guest_policy_set(g, f->map, POLICY_FORBID, &forbid, e))
			goto out;
		fset_or(&off, &forbid);
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		struct fleet_host *fh = &f->hosts[i];
		if (!cpu_compare(fh->h, g, f->map, f->lv, &fh->cmp, e))
			goto out;
		fh->start = FLEET_START_YES;
		if (fh->cmp.result == CMP_INCOMPATIBLE) {
			fh->start = FLEET_START_LIBVIRT;
		} else if (have_mv && model_usable(&mv, fh->h, &fh->qemu_blockers) == USABLE_NO) {
			fset_andnot(&fh->qemu_blockers, &off);
			if (!fset_empty(&fh->qemu_blockers))
				fh->start = FLEET_START_QEMU;
		} else {
			fset_clear_all(&fh->qemu_blockers);
		}
		f->nstart += fh->start == FLEET_START_YES;
	}
	f->have_guest = true;
	ok = true;
out:
	fset_fini(&off);
	fset_fini(&forbid);
	return ok;
}

/* ---- what-if: a host added ---------------------------------------------------------------- */

static void what_if_add(struct fleet *f, const struct host *h, const char *label)
{
	struct fset tmp = FSET_INIT;
	size_t me = f->nhosts;

	f->have_add = true;
	f->add.h = h;
	f->add.label = label;
	f->add.without_best = FLEET_NONE;
	f->add_cells = xcalloc(f->nmodels + 1, 1);
	f->add.nusable = host_row(f, h, f->add_cells, NULL, &tmp);
	fset_fini(&tmp);
	f->add_group = FLEET_NONE;
	f->add_best = FLEET_NONE;
	for (size_t g = 0; g < f->ngroups; g++)
		if (str_eq(f->groups[g].vendor, h->vendor))
			f->add_group = g;
	if (f->add_group == FLEET_NONE) {
		/* a vendor of its own: its best model alone */
		for (size_t c = f->ncand; c-- > 0;)
			if (cand_fits(f, c, h->vendor, false) && all_run(f, c, &me, 1)) {
				f->add_best = f->cand[c];
				break;
			}
		return;
	}
	/* With it, the group's best can only stay or fall: from the best down,
	 * the first the group and the new host all run. */
	const struct fleet_group *g = &f->groups[f->add_group];
	size_t from = g->best == FLEET_NONE ? FLEET_NONE : cand_of_model(f, g->best);
	for (size_t c = from == FLEET_NONE ? 0 : from + 1; c-- > 0;)
		if (cand_fits(f, c, g->vendor, false) && all_run(f, c, &me, 1) &&
		    all_run(f, c, g->hosts, g->nhosts)) {
			f->add_best = f->cand[c];
			break;
		}
}

/* ---- the report ---------------------------------------------------------------------------- */

struct fleet *fleet_build(const struct fleet_input *in, struct err *e)
{
	struct fleet *f = xcalloc(1, sizeof(*f));
	struct fset tmp = FSET_INIT;

	f->ds = in->ds;
	f->md = in->md;
	f->map = in->map;
	f->lv = in->lv;
	f->ft = in->ds->ft;
	f->nhosts = in->nhosts;
	f->across_best = FLEET_NONE;
	f->add_group = FLEET_NONE;
	f->add_best = FLEET_NONE;
	build_models(f);
	f->hosts = xcalloc(in->nhosts + 1, sizeof(*f->hosts));
	f->cells = xcalloc(in->nhosts * f->nmodels + 1, 1);
	f->nblk = xcalloc(in->nhosts * f->nmodels + 1, sizeof(*f->nblk));
	for (size_t i = 0; i < in->nhosts; i++) {
		struct fleet_host *fh = &f->hosts[i];
		fh->h = in->hosts[i];
		fh->label = in->labels ? in->labels[i] : in->hosts[i]->source;
		fh->without_best = FLEET_NONE;
		fh->nusable = host_row(f, fh->h, f->cells + i * f->nmodels,
				       f->nblk + i * f->nmodels, &tmp);
	}
	fset_fini(&tmp);
	build_groups(f);
	build_candidates(f);
	build_mask(f);
	for (size_t g = 0; g < f->ngroups; g++) {
		group_best(f, &f->groups[g]);
		group_baseline(f, &f->groups[g]);
		group_losses(f, &f->groups[g]);
	}
	if (f->ngroups > 1) {
		size_t *all = xcalloc(f->nhosts, sizeof(*all));
		for (size_t i = 0; i < f->nhosts; i++)
			all[i] = i;
		for (size_t c = f->ncand; c-- > 0;)
			if (cand_fits(f, c, NULL, true) && all_run(f, c, all, f->nhosts)) {
				f->across_best = f->cand[c];
				break;
			}
		free(all);
	}
	if (in->add && f->map)
		what_if_add(f, in->add, in->add_label ? in->add_label : in->add->source);
	if (in->guest && f->map && !guest_hosts(f, in->guest, e)) {
		fleet_free(f);
		return NULL;
	}
	return f;
}

static void fleet_host_fini(struct fleet_host *fh)
{
	free(fh->cpu_model);
	free(fh->bl_err);
	fset_fini(&fh->loss);
	fset_fini(&fh->bl_loss);
	cmp_report_fini(&fh->cmp);
	fset_fini(&fh->qemu_blockers);
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nhosts; i++)
		fleet_host_fini(&f->hosts[i]);
	fleet_host_fini(&f->add);
	free(f->hosts);
	for (size_t g = 0; g < f->ngroups; g++) {
		struct fleet_group *gr = &f->groups[g];
		free(gr->vendor);
		free(gr->hosts);
		vec_fini(&gr->refused, refusal_free);
		baseline_result_fini(&gr->bl);
		free(gr->bl_err);
	}
	free(f->groups);
	for (size_t c = 0; c < f->ncand; c++)
		guest_cpu_free(f->cand_guest[c]);
	free(f->cand_guest);
	free(f->cand);
	free(f->lvc);
	free(f->models);
	free(f->cells);
	free(f->nblk);
	free(f->nrun_group);
	free(f->add_cells);
	fset_fini(&f->mask);
	fset_fini(&f->raw_mask);
	free(f);
}

void fleet_host_ranges(struct strbuf *sb, const size_t *hosts, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t j = k;
		while (j + 1 < n && hosts[j + 1] == hosts[j] + 1)
			j++;
		sb_addf(sb, "%s%zu", k ? ", " : "", hosts[k] + 1);
		if (j > k)
			sb_addf(sb, "%s%zu", j == k + 1 ? ", " : "-", hosts[j] + 1);
		k = j + 1;
	}
}
