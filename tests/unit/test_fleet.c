/* test_fleet.c - the fleet report (fleet.h): the matrix is model_usable()
 * of every pair; the best common model, the best without each host and
 * with an added one equal a brute force over libvirt's map for random
 * sub-fleets of real hosts (the 17 CPUID dumps of libvirt's tests, its
 * domcapabilities, a hand-made domcapabilities whose model list QEMU calls
 * usable but libvirt's compare refuses); the baseline is baseline.h's of
 * the hosts as libvirt describes them; losses; a guest CPU's hosts; errors;
 * a fleet of thousands.  Data: the bundled QEMU 7.2 snapshot
 * (pc-i440fx-7.2) and libvirt 9.0's cpu_map. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "compare.h"
#include "cpu_map.h"
#include "emit.h"
#include "err.h"
#include "fleet.h"
#include "host_load.h"
#include "logic.h"
#include "snapshot.h"
#include "xml_cpu.h"

static const char *const cpuid_names[] = {
	"Atom-P5362", "Cooperlake", "Core-i7-2600", "Core2-E6850", "EPYC-7502-32-Core",
	"EPYC-7601-32-Core", "Hygon-C86-7185-32-core", "Ice-Lake-Server", "Opteron-2350",
	"Opteron-6234", "Ryzen-7-1800X-Eight-Core", "Ryzen-9-3900X-12-Core", "Xeon-E3-1245-v5",
	"Xeon-E5-2609-v3", "Xeon-Gold-6148", "Xeon-Platinum-9242", "Xeon-W3520",
};

static const char *const domcaps_files[] = {
	"tests/data/libvirt/v9.0.0/domaincapsdata/qemu_4.2.0.x86_64.xml",
	"tests/data/libvirt/v9.0.0/domaincapsdata/qemu_7.2.0.x86_64.xml",
	"tests/data/libvirt/v9.0.0/domaincapsdata/qemu_7.2.0-tcg.x86_64.xml",
	"tests/data/libvirt/v11.3.0/domaincapsdata/qemu_10.0.0.x86_64.xml",
};

/* A hypervisor whose host-model is a bare Westmere while its model list
 * calls SandyBridge usable (libvirt refuses it: the host-model lacks
 * SandyBridge's features) and Nehalem blocked by popcnt (libvirt accepts
 * it: Nehalem is within Westmere). */
static const char odd_domcaps[] =
	"<domainCapabilities>\n"
	"  <path>/usr/bin/qemu-system-x86_64</path>\n"
	"  <domain>kvm</domain>\n"
	"  <machine>pc-i440fx-7.2</machine>\n"
	"  <arch>x86_64</arch>\n"
	"  <cpu>\n"
	"    <mode name='host-passthrough' supported='yes'/>\n"
	"    <mode name='host-model' supported='yes'>\n"
	"      <model fallback='forbid'>Westmere</model>\n"
	"      <vendor>Intel</vendor>\n"
	"    </mode>\n"
	"    <mode name='custom' supported='yes'>\n"
	"      <model usable='yes' vendor='Intel'>SandyBridge</model>\n"
	"      <model usable='yes' vendor='Intel'>Westmere</model>\n"
	"      <model usable='no' vendor='Intel'>Nehalem</model>\n"
	"      <blockers model='Nehalem'>\n"
	"        <feature name='popcnt'/>\n"
	"      </blockers>\n"
	"      <model usable='yes' vendor='Intel'>Penryn</model>\n"
	"      <model usable='yes'>qemu64</model>\n"
	"    </mode>\n"
	"  </cpu>\n"
	"</domainCapabilities>\n";

struct fix {
	struct ftable *ft;
	struct dataset *ds;
	const struct mdata *md;
	struct cpu_map *map;
	struct host *hosts[32];
	const char *labels[32];
	size_t n;
	struct host *odd; /* odd_domcaps, also hosts[n - 1] */
};

static struct host *load(struct fix *f, const char *rel)
{
	struct err e;
	struct host *h;

	err_clear(&e);
	h = host_load(test_path(rel), f->ft, &e);
	if (!h)
		fail_msg("%s: %s", rel, test_estr(&e));
	if (!host_resolve(h, f->map, &e))
		fail_msg("%s: %s", rel, test_estr(&e));
	return h;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	static char names[ARRAY_LEN(cpuid_names)][128];
	struct err e;

	err_clear(&e);
	f->ft = ftable_new(ARCH_X86_64);
	f->ds = snapshot_load(test_path("data/qemu-7.2-x86_64.json"), f->ft, &e);
	assert_non_null(f->ds);
	f->md = dataset_resolve_machine(f->ds, "pc-i440fx-7.2", &e);
	assert_non_null(f->md);
	f->map = cpu_map_load(test_path("data/cpu_map"), ARCH_X86_64, f->ft, &e);
	assert_non_null(f->map);
	for (size_t i = 0; i < ARRAY_LEN(cpuid_names); i++) {
		snprintf(names[i], sizeof(names[i]), "tests/data/cpuid/x86_64-cpuid-%s.xml",
			 cpuid_names[i]);
		f->labels[f->n] = cpuid_names[i];
		f->hosts[f->n++] = load(f, names[i]);
	}
	for (size_t i = 0; i < ARRAY_LEN(domcaps_files); i++) {
		f->labels[f->n] = domcaps_files[i];
		f->hosts[f->n++] = load(f, domcaps_files[i]);
	}
	f->odd = xml_host_parse("odd.xml", odd_domcaps, strlen(odd_domcaps), f->ft, &e);
	if (!f->odd || !host_resolve(f->odd, f->map, &e))
		fail_msg("odd.xml: %s", test_estr(&e));
	f->labels[f->n] = "odd.xml";
	f->hosts[f->n++] = f->odd;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	for (size_t i = 0; i < f->n; i++)
		host_free(f->hosts[i]);
	cpu_map_free(f->map);
	dataset_free(f->ds);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static struct fleet *build(struct fix *f, const struct host *const *hosts, size_t n,
			   const struct guest_cpu *guest, const struct host *add)
{
	const char **labels = calloc(n + 1, sizeof(*labels));
	struct err e;
	struct fleet *fl;

	for (size_t i = 0; i < n; i++)
		labels[i] = hosts[i]->source;
	struct fleet_input in = {
		.ds = f->ds, .md = f->md, .map = f->map, .hosts = hosts, .labels = labels,
		.nhosts = n, .guest = guest, .add = add, .add_label = add ? "added" : NULL,
	};
	err_clear(&e);
	fl = fleet_build(&in, &e);
	if (!fl)
		fail_msg("fleet_build: %s", test_estr(&e));
	free(labels); /* the report keeps the strings (the hosts'), not the array */
	return fl;
}

static struct guest_cpu *model_guest(const char *name)
{
	struct guest_cpu *g = guest_cpu_new();

	g->mode = MODE_CUSTOM;
	g->match = MATCH_EXACT;
	g->fallback = FALLBACK_FORBID;
	g->model = xstrdup(name);
	return g;
}

/* Does h run map model cm, by the rule of fleet.h (QEMU usable, libvirt's
 * compare not INCOMPATIBLE)? */
static bool runs(struct fix *f, const struct host *h, const struct cm_model *cm)
{
	struct model_view mv;
	struct fset blk = FSET_INIT;
	struct cmp_report r;
	struct err e;
	bool ok;

	err_clear(&e);
	if (!model_lookup(f->ds, f->md, cm->name, &mv, &e))
		return false;
	ok = model_usable(&mv, h, &blk) == USABLE_YES;
	fset_fini(&blk);
	if (ok) {
		struct guest_cpu *g = model_guest(cm->name);
		ok = cpu_compare(h, g, f->map, NULL, &r, &e) && r.result != CMP_INCOMPATIBLE;
		cmp_report_fini(&r);
		guest_cpu_free(g);
	}
	return ok;
}

/* The best common model by brute force: the last model of the map, of the
 * vendor (or none; any for a NULL vendor), that every host runs.  skip: a
 * host left out, extra: one added (NULL: none). */
static const char *brute_best(struct fix *f, const struct host *const *hosts, size_t n,
			      const char *vendor, const struct host *skip, const struct host *extra)
{
	const char *best = NULL;

	for (size_t m = 0; m < f->map->models.n; m++) {
		const struct cm_model *cm = vec_get(&f->map->models, m);
		bool all = true;
		if (cm->vendor && vendor && strcmp(cm->vendor, vendor))
			continue;
		for (size_t i = 0; i < n && all; i++)
			if (hosts[i] != skip && str_eq(hosts[i]->vendor, vendor))
				all = runs(f, hosts[i], cm);
		if (all && extra)
			all = runs(f, extra, cm);
		if (all)
			best = cm->name;
	}
	return best;
}

static const char *name_of(const struct fleet *fl, size_t m)
{
	return m == FLEET_NONE ? NULL : fl->models[m].mv.name;
}

static void expect_name(const char *got, const char *want, const char *what)
{
	if (!str_eq(got, want))
		fail_msg("%s: got %s, want %s", what, got ? got : "none", want ? want : "none");
}

/* ---- the matrix --------------------------------------------------------------------- */

static void test_matrix(void **state)
{
	struct fix *f = *state;
	struct fleet *fl = build(f, (const struct host *const *)f->hosts, f->n, NULL, NULL);
	struct fset want = FSET_INIT, got = FSET_INIT;

	assert_int_equal(fl->nhosts, f->n);
	assert_int_equal(fl->nmodels, f->md->defs.n);
	for (size_t m = 1; m < fl->nmodels; m++)
		assert_true(model_name_cmp(fl->models[m - 1].mv.name, fl->models[m].mv.name) < 0);
	for (size_t m = 0; m < fl->nmodels; m++) {
		size_t nrun = 0;
		for (size_t i = 0; i < fl->nhosts; i++) {
			enum usable u = model_usable(&fl->models[m].mv, f->hosts[i], &want);
			assert_int_equal(fleet_verdict(fl, i, m), u);
			assert_int_equal(fleet_nblockers(fl, i, m), u == USABLE_NO ? fset_count(&want) : 0);
			fleet_blockers(fl, i, m, &got);
			assert_true(fset_equal(&got, &want));
			nrun += u == USABLE_YES;
		}
		assert_int_equal(fl->models[m].nrun, nrun);
		assert_int_equal(fleet_model_index(fl, fl->models[m].mv.name), m);
	}
	assert_int_equal(fleet_model_index(fl, "Nehalem-XL"), FLEET_NONE);
	fset_fini(&want);
	fset_fini(&got);
	fleet_free(fl);
}

static void test_groups(void **state)
{
	struct fix *f = *state;
	/* the real hosts (the odd one runs no kvm64) */
	struct fleet *fl = build(f, (const struct host *const *)f->hosts, f->n - 1, NULL, NULL);
	size_t seen = 0;

	/* first appearance: Atom (Intel), then EPYC (AMD), then Hygon */
	assert_int_equal(fl->ngroups, 3);
	assert_string_equal(fl->groups[0].vendor, "Intel");
	assert_string_equal(fl->groups[1].vendor, "AMD");
	assert_string_equal(fl->groups[2].vendor, "Hygon");
	for (size_t g = 0; g < fl->ngroups; g++) {
		for (size_t k = 0; k < fl->groups[g].nhosts; k++) {
			size_t i = fl->groups[g].hosts[k];
			assert_int_equal(fl->hosts[i].group, g);
			assert_string_equal(f->hosts[i]->vendor, fl->groups[g].vendor);
			if (k)
				assert_true(fl->groups[g].hosts[k - 1] < i);
		}
		seen += fl->groups[g].nhosts;
	}
	assert_int_equal(seen, f->n - 1);
	/* across vendors: a vendor-neutral model every host runs */
	assert_int_not_equal(fl->across_best, FLEET_NONE);
	assert_null(fl->models[fl->across_best].cm->vendor);
	assert_string_equal(name_of(fl, fl->across_best), "kvm64");
	assert_string_equal(name_of(fl, fl->groups[2].best), "Dhyana");
	fleet_free(fl);

	/* a host without a vendor is a group of its own, which takes any model */
	static const char novendor[] =
		"<cpu>\n  <arch>x86_64</arch>\n  <model>Westmere</model>\n</cpu>\n";
	struct err e;
	err_clear(&e);
	struct host *h = xml_host_parse("nv.xml", novendor, strlen(novendor), f->ft, &e);
	assert_non_null(h);
	assert_true(host_resolve(h, f->map, &e));
	const struct host *two[] = { f->hosts[0], h };
	fl = build(f, two, 2, NULL, NULL);
	assert_int_equal(fl->ngroups, 2);
	assert_null(fl->groups[1].vendor);
	expect_name(name_of(fl, fl->groups[1].best), brute_best(f, &two[1], 1, NULL, NULL, NULL),
		    "no-vendor group");
	fleet_free(fl);
	host_free(h);
}

/* ---- the best common model, what-if -------------------------------------------------- */

static void check_fleet(struct fix *f, const struct host *const *hosts, size_t n,
			const struct host *add)
{
	struct fleet *fl = build(f, hosts, n, NULL, add);

	for (size_t g = 0; g < fl->ngroups; g++) {
		const struct fleet_group *gr = &fl->groups[g];
		const char *want = brute_best(f, hosts, n, gr->vendor, NULL, NULL);
		expect_name(name_of(fl, gr->best), want, gr->vendor ? gr->vendor : "no vendor");
		for (size_t k = 0; k < gr->nhosts && gr->nhosts > 1; k++) {
			size_t i = gr->hosts[k];
			const char *without = brute_best(f, hosts, n, gr->vendor, hosts[i], NULL);
			if (str_eq(without, want))
				assert_int_equal(fl->hosts[i].without_best, FLEET_NONE);
			else
				expect_name(name_of(fl, fl->hosts[i].without_best), without, "without");
		}
		/* refused: newer than the best, QEMU runs it everywhere, libvirt not */
		for (size_t r = 0; r < gr->refused.n; r++) {
			const struct fleet_refusal *rf = gr->refused.v[r];
			assert_non_null(fl->models[rf->model].cm);
			assert_true(fl->models[rf->model].cm->order >
				    (gr->best == FLEET_NONE ? -1 : fl->models[gr->best].cm->order));
			for (size_t k = 0; k < gr->nhosts; k++)
				assert_int_equal(fleet_verdict(fl, gr->hosts[k], rf->model), USABLE_YES);
			assert_true(rf->nhosts >= 1);
			assert_non_null(strstr(rf->message, "Host CPU does not provide"));
		}
	}
	if (add) {
		size_t g;
		for (g = 0; g < fl->ngroups; g++)
			if (str_eq(fl->groups[g].vendor, add->vendor))
				break;
		if (g == fl->ngroups) {
			assert_int_equal(fl->add_group, FLEET_NONE);
			expect_name(name_of(fl, fl->add_best), brute_best(f, &add, 1, add->vendor, NULL,
									   NULL), "add alone");
		} else {
			assert_int_equal(fl->add_group, g);
			expect_name(name_of(fl, fl->add_best),
				    brute_best(f, hosts, n, add->vendor, NULL, add), "add");
		}
	}
	fleet_free(fl);
}

static void test_best_brute_force(void **state)
{
	struct fix *f = *state;
	unsigned seed = 20250611;

	/* the whole pool, then random sub-fleets of 1 to 8 hosts, with an added host */
	check_fleet(f, (const struct host *const *)f->hosts, f->n, NULL);
	for (int round = 0; round < 60; round++) {
		const struct host *pick[8];
		size_t n = 0, k;
		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 8;
		for (size_t j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			const struct host *h = f->hosts[(seed >> 16) % f->n];
			bool dup = false;
			for (size_t q = 0; q < n; q++)
				dup |= pick[q] == h;
			if (!dup)
				pick[n++] = h;
		}
		seed = seed * 1103515245u + 12345u;
		check_fleet(f, pick, n, f->hosts[(seed >> 16) % f->n]);
	}
}

static void test_known_answers(void **state)
{
	struct fix *f = *state;
	/* Intel CPUID dumps: Core2 (Conroe) holds the group at Conroe; without
	 * it, Nehalem */
	const struct host *intel[] = { f->hosts[3], f->hosts[16], f->hosts[14], f->hosts[7] };
	struct fleet *fl = build(f, intel, 4, NULL, NULL);

	assert_int_equal(fl->ngroups, 1);
	assert_string_equal(name_of(fl, fl->groups[0].best), "Conroe");
	assert_string_equal(name_of(fl, fl->hosts[0].without_best), "Nehalem");
	assert_int_equal(fl->hosts[1].without_best, FLEET_NONE);
	assert_int_equal(fl->models[fl->groups[0].best].psabi, 1);
	fleet_free(fl);

	/* Skylake-SP, Cascade Lake, Ice Lake: Skylake-Server (the Gold 6148's
	 * dump has no spec-ctrl, which the -IBRS variants need); without it,
	 * Cascadelake-Server */
	const struct host *sky[] = { f->hosts[14], f->hosts[15], f->hosts[7] };
	fl = build(f, sky, 3, NULL, NULL);
	assert_string_equal(name_of(fl, fl->groups[0].best), "Skylake-Server");
	assert_string_equal(name_of(fl, fl->hosts[0].without_best), "Cascadelake-Server");
	fleet_free(fl);

	/* QEMU calls SandyBridge usable on the odd hypervisor, libvirt's
	 * compare refuses it: Westmere is the best, SandyBridge refused */
	const struct host *odd[] = { f->odd };
	fl = build(f, odd, 1, NULL, NULL);
	assert_string_equal(name_of(fl, fl->groups[0].best), "Westmere");
	assert_int_equal(fl->groups[0].refused.n, 1);
	const struct fleet_refusal *r = fl->groups[0].refused.v[0];
	assert_string_equal(name_of(fl, r->model), "SandyBridge");
	assert_int_equal(r->host, 0);
	assert_int_equal(r->nhosts, 1);
	assert_non_null(strstr(r->message, "Host CPU does not provide required features: "));
	fleet_free(fl);
}

/* ---- losses and the baseline ------------------------------------------------------------ */

static void host_free_item(void *p)
{
	host_free(p);
}

static void test_baseline_and_losses(void **state)
{
	struct fix *f = *state;
	struct fleet *fl = build(f, (const struct host *const *)f->hosts, ARRAY_LEN(cpuid_names),
				 NULL, NULL);

	/* CPUID dumps join the baseline as libvirt describes them: the same as
	 * the baseline of libvirt's own -host.xml decodes of them */
	for (size_t g = 0; g < fl->ngroups; g++) {
		const struct fleet_group *gr = &fl->groups[g];
		struct baseline b;
		struct baseline_result r;
		const struct baseline_opts o = { false, false, true, NULL };
		struct vec hv = VEC_INIT;
		struct err e;
		bool only_cpuid = true;

		baseline_init(&b, f->map);
		err_clear(&e);
		for (size_t k = 0; k < gr->nhosts; k++) {
			size_t i = gr->hosts[k];
			char rel[256];
			if (i >= ARRAY_LEN(cpuid_names)) {
				only_cpuid = false;
				continue;
			}
			snprintf(rel, sizeof(rel), "tests/data/hosts-baseline/x86_64-cpuid-%s-host.xml",
				 cpuid_names[i]);
			struct host *h = xml_host_load(test_path(rel), f->ft, &e);
			assert_non_null(h);
			vec_push(&hv, h);
			assert_true(baseline_add_host(&b, h, &e));
			assert_string_equal(fl->hosts[i].cpu_model, h->model);
		}
		if (only_cpuid) {
			assert_true(gr->have_baseline);
			assert_null(gr->bl_err);
			assert_true(baseline_finish(&b, &o, &r, &e));
			char *want = emit_guest_xml(r.cpu, f->ft, 0);
			char *got = emit_guest_xml(gr->bl.cpu, f->ft, 0);
			assert_string_equal(got, want);
			free(want);
			free(got);
			baseline_result_fini(&r);
		}
		baseline_fini(&b);
		vec_fini(&hv, host_free_item);
		/* losses: host features a guest can be given, which the best model
		 * or the baseline lacks */
		for (size_t k = 0; k < gr->nhosts; k++) {
			const struct fleet_host *fh = &fl->hosts[gr->hosts[k]];
			assert_true(fset_subset(&fh->loss, &fh->h->features));
			assert_true(fset_subset(&fh->loss, &fl->mask));
			if (gr->best != FLEET_NONE) {
				struct fset both = FSET_INIT;
				fset_copy(&both, &fh->loss);
				fset_and(&both, &fl->models[gr->best].mv.full->on);
				assert_true(fset_empty(&both));
				fset_fini(&both);
			}
			if (gr->have_baseline) {
				struct fset both = FSET_INIT;
				fset_copy(&both, &fh->bl_loss);
				fset_and(&both, &gr->bl.features);
				assert_true(fset_empty(&both));
				fset_fini(&both);
			}
		}
	}
	fleet_free(fl);

	/* the AMD group holds QEMU 10.0's host-model, which names a feature
	 * libvirt 9.0 does not know: libvirt's own error, naming the host */
	fl = build(f, (const struct host *const *)f->hosts, f->n - 1, NULL, NULL);
	assert_null(fl->groups[0].bl_err);
	assert_non_null(fl->groups[1].bl_err);
	assert_non_null(strstr(fl->groups[1].bl_err, "qemu_10.0.0.x86_64.xml: Unknown CPU feature"));
	fleet_free(fl);

	/* QEMU 4.2 on a Skylake: Skylake-Client-noTSX-IBRS gives up TSX and
	 * MPX against the host-model Skylake-Client-IBRS */
	const struct host *one[] = { f->hosts[ARRAY_LEN(cpuid_names)] };
	fl = build(f, one, 1, NULL, NULL);
	assert_string_equal(name_of(fl, fl->groups[0].best), "Skylake-Client-noTSX-IBRS");
	for (size_t i = 0; i < 3; i++) {
		const char *lost[] = { "hle", "rtm", "mpx" };
		assert_true(fset_has(&fl->hosts[0].loss, ftable_lookup(f->ft, lost[i])->id));
	}
	assert_true(fl->groups[0].have_baseline);
	assert_string_equal(fl->groups[0].bl.cpu->model, "Skylake-Client-IBRS");
	assert_true(fset_empty(&fl->hosts[0].bl_loss));
	fleet_free(fl);

	/* a CPUID dump's host-only bits (ACPI, thermal monitor, debug store)
	 * are no loss: Core 2 under Conroe loses vme, monitor, cx16 */
	const struct host *core2[] = { f->hosts[3] };
	fl = build(f, core2, 1, NULL, NULL);
	char *lost = cpu_map_feature_list(f->map, &fl->hosts[0].loss);
	assert_string_equal(lost, "vme, monitor, cx16");
	free(lost);
	fleet_free(fl);
}

/* ---- a guest CPU ----------------------------------------------------------------------------- */

static void test_guest(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = model_guest("Westmere");
	struct fleet *fl = build(f, (const struct host *const *)f->hosts, f->n, g, NULL);
	size_t nstart = 0;

	assert_true(fl->have_guest);
	for (size_t i = 0; i < fl->nhosts; i++) {
		struct cmp_report r;
		struct err e;
		err_clear(&e);
		assert_true(cpu_compare(f->hosts[i], g, f->map, NULL, &r, &e));
		assert_int_equal(fl->hosts[i].cmp.result, r.result);
		if (r.result == CMP_INCOMPATIBLE)
			assert_int_equal(fl->hosts[i].start, FLEET_START_LIBVIRT);
		else
			assert_int_not_equal(fl->hosts[i].start, FLEET_START_LIBVIRT);
		nstart += fl->hosts[i].start == FLEET_START_YES;
		cmp_report_fini(&r);
	}
	assert_int_equal(fl->nstart, nstart);
	/* Core 2 lacks what Westmere needs, Ice Lake has it */
	assert_int_equal(fl->hosts[3].start, FLEET_START_LIBVIRT);
	assert_int_equal(fl->hosts[7].start, FLEET_START_YES);
	fleet_free(fl);
	guest_cpu_free(g);

	/* libvirt accepts Nehalem on the odd hypervisor, QEMU lacks popcnt;
	 * disabling it lets the guest start */
	const struct host *odd[] = { f->odd };
	g = model_guest("Nehalem");
	fl = build(f, odd, 1, g, NULL);
	assert_int_equal(fl->hosts[0].cmp.result, CMP_SUPERSET);
	assert_int_equal(fl->hosts[0].start, FLEET_START_QEMU);
	assert_int_equal(fset_count(&fl->hosts[0].qemu_blockers), 1);
	assert_true(fset_has(&fl->hosts[0].qemu_blockers, ftable_lookup(f->ft, "popcnt")->id));
	assert_int_equal(fl->nstart, 0);
	fleet_free(fl);
	guest_cpu_set_policy(g, "popcnt", POLICY_DISABLE);
	fl = build(f, odd, 1, g, NULL);
	assert_int_equal(fl->hosts[0].start, FLEET_START_YES);
	assert_int_equal(fl->nstart, 1);
	fleet_free(fl);
	guest_cpu_free(g);

	/* libvirt's errors: the guest's line */
	struct err e;
	g = model_guest("Nehalem-XL");
	g->model_line = 3;
	err_clear(&e);
	const struct host *h0[] = { f->hosts[0] };
	struct fleet_input in = {
		.ds = f->ds, .md = f->md, .map = f->map, .hosts = h0, .nhosts = 1, .guest = g,
	};
	assert_null(fleet_build(&in, &e));
	assert_int_equal(e.line, 3);
	assert_string_equal(e.msg, "Unknown CPU model Nehalem-XL");
	guest_cpu_free(g);
}

/* ---- many hosts -------------------------------------------------------------------------------- */

static void test_many(void **state)
{
	struct fix *f = *state;
	enum { N = 3000 };
	struct host **hs = calloc(N, sizeof(*hs));
	unsigned seed = 7;

	/* copies of the CPUID dumps, each missing a few features */
	for (size_t i = 0; i < N; i++) {
		const struct host *src = f->hosts[i % ARRAY_LEN(cpuid_names)];
		struct host *h = host_new(src->kind, src->arch, f->ft, src->source);
		h->vendor = xstrdup(src->vendor);
		fset_copy(&h->features, &src->features);
		h->resolved = true;
		h->has_signature = src->has_signature;
		h->family = src->family;
		h->cpu_model = src->cpu_model;
		h->stepping = src->stepping;
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			int id = fset_next(&h->features, (seed >> 8) % 300);
			if (id >= 0)
				fset_del(&h->features, (unsigned)id);
		}
		hs[i] = h;
	}
	struct fleet *fl = build(f, (const struct host *const *)hs, N, NULL, NULL);
	struct fset blk = FSET_INIT;
	assert_int_equal(fl->ngroups, 3);
	for (size_t i = 0; i < N; i += 97)
		for (size_t m = 0; m < fl->nmodels; m += 7)
			assert_int_equal(fleet_verdict(fl, i, m), model_usable(&fl->models[m].mv, hs[i], &blk));
	for (size_t g = 0; g < fl->ngroups; g++)
		if (fl->groups[g].best != FLEET_NONE)
			for (size_t k = 0; k < fl->groups[g].nhosts; k++)
				assert_int_equal(fleet_verdict(fl, fl->groups[g].hosts[k], fl->groups[g].best),
						 USABLE_YES);
	fset_fini(&blk);
	fleet_free(fl);
	for (size_t i = 0; i < N; i++)
		host_free(hs[i]);
	free(hs);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_best_brute_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_known_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_baseline_and_losses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
	};

	return TEST_RUN("fleet", tests, argc, argv);
}
