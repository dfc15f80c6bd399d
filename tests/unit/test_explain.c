/* test_explain.c - explain: verdicts against QEMU's own unavailable-features
 * for every model (real QEMU 7.2 TCG captures in tests/data/explain),
 * fixes, feature dependencies, and QEMU's warning lines. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_arg.h"
#include "cpu_map.h"
#include "err.h"
#include "explain.h"
#include "explain_doc.h"
#include "host.h"
#include "host_load.h"
#include "logic.h"
#include "model.h"
#include "qmp_json.h"

#define DIR "tests/data/explain/"
#define MACHINE "pc-q35-7.2"

struct fix {
	struct ftable *ft;
	struct dataset *ds;
	const struct mdata *md;
	/* QEMU's verdicts, from a dataset of their own so that the models'
	 * dataset carries only the expansions */
	struct dataset *qemu;
	const struct mdata *qmd;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->ft = ftable_new(ARCH_X86_64);
	f->ds = dataset_new(ARCH_X86_64, f->ft);
	test_dataset_load(f->ds, DIR "definitions-" MACHINE ".json", MACHINE);
	test_dataset_load(f->ds, DIR "expansions-full-true-" MACHINE ".jsonl", MACHINE);
	f->md = dataset_find_mdata(f->ds, MACHINE);
	f->qemu = dataset_new(ARCH_X86_64, f->ft);
	test_dataset_load(f->qemu, DIR "definitions-" MACHINE ".json", MACHINE);
	f->qmd = dataset_find_mdata(f->qemu, MACHINE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dataset_free(f->ds);
	dataset_free(f->qemu);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static struct host *load_host(struct fix *f, const char *rel)
{
	struct err e;
	struct host *h;

	err_clear(&e);
	h = host_load(test_path(rel), f->ft, &e);
	if (!h)
		fail_msg("%s", test_estr(&e));
	return h;
}

/* A host resolved against libvirt's map (data/cpu_map), which *map
 * returns for the caller to free. */
static struct host *load_resolved_host(struct fix *f, const char *rel, struct cpu_map **map)
{
	struct host *h = load_host(f, rel);
	struct err e;

	err_clear(&e);
	*map = cpu_map_load(test_path("data/cpu_map"), ARCH_X86_64, f->ft, &e);
	assert_non_null(*map);
	assert_true(host_resolve(h, *map, &e));
	return h;
}

static char *names(const struct ftable *ft, const struct fset *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		sb_addf(&sb, "%s%s", sb.len ? " " : "", ftable_get(ft, (unsigned)id)->name);
	return sb_take(&sb);
}

static void assert_set_names(const struct ftable *ft, const struct fset *s, const char *want)
{
	char *got = names(ft, s);

	assert_string_equal(got ? got : "", want);
	free(got);
}

/* With QEMU's own max expansion as the host (static or full, no verdicts
 * in the file), every model's blockers, computed from its features, equal
 * QEMU's unavailable-features; explain_model agrees with model_usable. */
static void check_every_model(struct fix *f, const char *host_rel, enum explain_source want_src)
{
	struct host *h = load_host(f, host_rel);
	struct fset blk = FSET_INIT;
	size_t n = 0, usable = 0;

	assert_int_equal(h->kind, HOST_QMP);
	for (size_t i = 0; i < f->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&f->md->defs, i);
		const struct cpu_def *q = mdata_def(f->qmd, d->name);
		struct model_view mv;
		struct explanation x;
		struct err e;
		enum usable u;

		assert_non_null(q);
		assert_true(q->unavail_known);
		model_view_init(f->ds, f->md, d, &mv);
		assert_non_null(mv.full);
		u = model_usable(&mv, h, &blk);
		if (!fset_equal(&blk, &q->unavailable)) {
			char *a = names(f->ft, &blk), *b = names(f->ft, &q->unavailable);
			fail_msg("%s on %s: cpuscope says [%s], QEMU says [%s]", d->name, host_rel, a, b);
		}
		assert_int_equal(u, fset_empty(&q->unavailable) ? USABLE_YES : USABLE_NO);
		err_clear(&e);
		assert_true(explain_model(f->ds, f->md, h, d->name, &x, &e));
		assert_int_equal(x.usable, u);
		assert_true(fset_equal(&x.blockers, &blk));
		assert_int_equal(x.source, want_src);
		if (u == USABLE_NO && strcmp(d->name, "host") != 0) {
			/* the disable fix removes every blocker */
			struct fset left = FSET_INIT, dep = FSET_INIT;
			assert_true(x.fix.possible);
			assert_non_null(x.fix.qemu);
			assert_non_null(x.fix.xml);
			assert_true(fset_subset(&x.fix.disable, &x.blockers));
			fset_copy(&left, &x.blockers);
			fset_andnot(&left, &x.fix.disable);
			for (int id = fset_next(&x.fix.disable, 0); id >= 0;
			     id = fset_next(&x.fix.disable, (unsigned)id + 1)) {
				explain_dependents(f->ft, (unsigned)id, &dep);
				fset_andnot(&left, &dep);
			}
			assert_true(fset_empty(&left));
			fset_fini(&left);
			fset_fini(&dep);
			/* every alternative is usable, and none is of the family */
			for (size_t k = 0; k < x.nearest.n; k++) {
				const struct explain_alt *a = x.nearest.v[k];
				struct model_view amv;
				model_view_init(f->ds, f->md, a->def, &amv);
				assert_int_equal(model_usable(&amv, h, &blk), USABLE_YES);
				assert_string_not_equal(amv.base, mv.base);
			}
			for (size_t k = 0; k < x.family.n; k++) {
				const struct explain_alt *a = x.family.v[k];
				struct model_view amv;
				model_view_init(f->ds, f->md, a->def, &amv);
				assert_int_equal(model_usable(&amv, h, &blk), USABLE_YES);
				assert_string_equal(amv.base, mv.base);
			}
		}
		explanation_fini(&x);
		usable += u == USABLE_YES;
		n++;
	}
	assert_int_equal(n, 132);
	assert_int_equal(usable, 38); /* as QEMU's definitions say */
	fset_fini(&blk);
	host_free(h);
}

static void test_every_model_max_full(void **state)
{
	check_every_model(*state, DIR "max-full-" MACHINE ".json", EXPLAIN_SRC_FEATURES);
}

static void test_every_model_max_static(void **state)
{
	check_every_model(*state, DIR "max-static-" MACHINE ".json", EXPLAIN_SRC_FEATURES);
}

/* A host file carrying QEMU's definitions: its verdict is taken as is
 * ('host' is not in it, and is judged by the accelerator). */
static void test_every_model_host_verdict(void **state)
{
	struct fix *f = *state;
	struct host *h = load_host(f, DIR "max-static+definitions-" MACHINE ".json");
	struct fset blk = FSET_INIT;

	for (size_t i = 0; i < f->md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&f->md->defs, i);
		const struct cpu_def *q = mdata_def(f->qmd, d->name);
		struct model_view mv;
		model_view_init(f->ds, f->md, d, &mv);
		model_usable(&mv, h, &blk);
		assert_true(fset_equal(&blk, &q->unavailable));
	}
	fset_fini(&blk);
	host_free(h);
}

/* No host: QEMU's verdict of the dataset itself. */
static void test_no_host(void **state)
{
	struct fix *f = *state;
	struct explanation x;
	struct err e;

	err_clear(&e);
	assert_true(explain_model(f->ds, f->md, NULL, "Skylake-Server", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_int_equal(x.source, EXPLAIN_SRC_QEMU);
	assert_int_equal(fset_count(&x.blockers), 14);
	assert_int_equal(x.host_psabi, -1);
	assert_int_equal(x.model_psabi, 4);
	/* avx512f, avx512dq, avx512cd, avx512bw, avx512vl are level 4 */
	assert_set_names(f->ft, &x.psabi_missing, "avx512cd avx512f avx512vl avx512dq avx512bw");
	explanation_fini(&x);

	assert_false(explain_model(f->ds, f->md, NULL, "haswell", &x, &e));
	assert_string_equal(e.msg,
			    "unknown CPU model 'haswell' (not in QEMU 7.2.22); did you mean 'Haswell'?");
}

static void test_haswell_tcg(void **state)
{
	struct fix *f = *state;
	struct host *h = load_host(f, DIR "max-full-" MACHINE ".json");
	struct explanation x;
	struct err e;

	err_clear(&e);
	assert_true(explain_model(f->ds, f->md, h, "Haswell", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_string_equal(x.model, "Haswell");
	assert_string_equal(x.resolved, "Haswell-v1");
	assert_string_equal(x.vendor, "GenuineIntel");
	assert_int_equal(x.model_psabi, 3);
	assert_int_equal(x.host_psabi, 3);
	assert_true(fset_empty(&x.psabi_missing));
	assert_int_equal(fset_count(&x.blockers), 6);
	assert_true(fset_equal(&x.fix.disable, &x.blockers));
	assert_true(fset_empty(&x.fix.implied));
	assert_string_equal(x.fix.qemu, "Haswell,hle=off,invpcid=off,pcid=off,rtm=off,tsc-deadline=off,x2apic=off");
	assert_non_null(strstr(x.fix.xml, "<model fallback='allow'>Haswell</model>"));
	assert_non_null(strstr(x.fix.xml, "<feature policy='disable' name='tsc-deadline'/>"));
	/* no Haswell version is usable under TCG; Westmere is nearest */
	assert_int_equal(x.family.n, 0);
	assert_int_equal(x.nearest.n, EXPLAIN_NEAREST);
	const struct explain_alt *a = x.nearest.v[0];
	assert_string_equal(a->name, "Westmere-v1");
	assert_true(a->same_vendor);
	assert_int_equal(a->aliases.n, 1);
	assert_string_equal(a->aliases.v[0], "Westmere");
	assert_int_equal(fset_count(&a->lost), 21);
	assert_int_equal(x.host_model, EXPLAIN_HM_UNKNOWN);
	explanation_fini(&x);
	host_free(h);
}

/* The lines both front ends show, and the fixes they carry. */
static void test_doc(void **state)
{
	struct fix *f = *state;
	struct host *h = load_host(f, DIR "max-full-" MACHINE ".json");
	struct cpu_map *map = NULL;
	struct explanation x;
	struct explain_doc d;
	struct err e;
	char *text;
	size_t nact = 0;

	err_clear(&e);
	map = cpu_map_load(test_path("data/cpu_map"), ARCH_X86_64, f->ft, &e);
	assert_non_null(map);
	assert_true(explain_model(f->ds, f->md, h, "Haswell", &x, &e));
	explain_doc_build(&x, "tcg", map, &d);
	text = explain_doc_text(&d);
	assert_true(str_startswith(text, "Haswell: NOT usable on tcg (6 blocking features)\n"
				   "Haswell = Haswell-v1 (GenuineIntel) on machine pc-q35-7.2; verdict from "
				   "the model's features against the host's\n"
				   "x86-64 psABI level: model v3, host v3\n\n"
				   "Blocking features (6):\n"
				   "  hle                      TSX              CPUID.07H:EBX[4]        "
				   "Hardware lock elision prefixes (TSX)\n"
				   "                           QEMU hle, libvirt hle, Linux hle\n"));
	assert_non_null(strstr(text, "\n    -cpu Haswell,hle=off,invpcid=off,pcid=off,rtm=off,"
			       "tsc-deadline=off,x2apic=off\n"));
	/* the fixes: three nearer models (by the name libvirt 9.0 knows),
	 * then keep Haswell and disable the six */
	for (size_t i = 0; i < d.lines.n; i++) {
		const struct xd_line *l = d.lines.v[i];
		if (l->action < 0)
			continue;
		assert_true(l->role == XD_OPTION || l->role == XD_STEP);
		nact++;
	}
	assert_int_equal(nact, d.actions.n);
	assert_int_equal(d.actions.n, 4);
	const struct xd_action *a = d.actions.v[0];
	assert_string_equal(a->label, "switch to Westmere = Westmere-v1");
	assert_string_equal(a->model, "Westmere");
	a = d.actions.v[3];
	assert_string_equal(a->model, "Haswell");
	assert_int_equal(a->mode, MODE_CUSTOM);
	assert_int_equal(a->disable.n, 6);
	assert_string_equal(a->disable.v[0], "hle");
	assert_string_equal(a->label, "keep Haswell and disable hle, invpcid, pcid, rtm, tsc-deadline, "
			    "x2apic (6 policy changes)");
	free(text);
	explain_doc_fini(&d);
	explanation_fini(&x);
	/* usable: the verdict line is the fix */
	assert_true(explain_model(f->ds, f->md, h, "Westmere", &x, &e));
	explain_doc_build(&x, "tcg", map, &d);
	assert_int_equal(d.actions.n, 1);
	assert_int_equal(((const struct xd_line *)d.lines.v[0])->action, 0);
	assert_string_equal(((const struct xd_action *)d.actions.v[0])->label, "use Westmere as it is");
	explain_doc_fini(&d);
	explanation_fini(&x);
	cpu_map_free(map);
	host_free(h);
}

/* A family member is usable: Cascadelake-Server blocked, but what of its
 * versions?  Use a host that is the Haswell-v1 model itself: then
 * Haswell-noTSX (= v2) and Haswell-v2 ... are usable while Haswell-v3
 * (TSX back) is not. */
static void test_family(void **state)
{
	struct fix *f = *state;
	struct host *h = load_host(f, DIR "max-full-" MACHINE ".json");
	struct model_view hv;
	struct explanation x;
	struct err e;

	/* the host: everything Haswell-v4 has except hle and rtm */
	err_clear(&e);
	assert_true(model_lookup(f->ds, f->md, "Haswell-v4", &hv, &e));
	fset_copy(&h->features, &hv.full->on);
	fset_del(&h->features, ftable_lookup(f->ft, "hle")->id);
	fset_del(&h->features, ftable_lookup(f->ft, "rtm")->id);
	assert_true(explain_model(f->ds, f->md, h, "Haswell-v3", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_set_names(f->ft, &x.blockers, "hle rtm");
	assert_true(x.family.n >= 2);
	/* fewest lost first, newest first among equals: v4 loses hle, rtm
	 * like v2 (noTSX) does; v4 is newer */
	const struct explain_alt *a0 = x.family.v[0], *a1 = x.family.v[1];
	assert_string_equal(a0->name, "Haswell-v4");
	assert_string_equal(a1->name, "Haswell-v2");
	assert_int_equal(a1->aliases.n, 1);
	assert_string_equal(a1->aliases.v[0], "Haswell-noTSX");
	explanation_fini(&x);
	host_free(h);
}

static void test_host_model_kvm(void **state)
{
	struct fix *f = *state;
	struct host *h = load_host(f, DIR "max-full-" MACHINE ".json");
	struct explanation x;
	struct err e;

	err_clear(&e);
	assert_true(explain_model(f->ds, f->md, h, "host", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_set_names(f->ft, &x.blockers, "kvm");
	assert_false(x.fix.possible);
	assert_null(x.fix.qemu);
	assert_set_names(f->ft, &x.fix.impossible, "kvm");
	assert_int_equal(x.notes.n, 1);
	assert_non_null(strstr(x.notes.v[0], "needs a hardware accelerator"));
	explanation_fini(&x);
	/* with a KVM leaf feature, the host model runs */
	fset_add(&h->features, ftable_lookup(f->ft, "kvmclock")->id);
	assert_true(explain_model(f->ds, f->md, h, "host", &x, &e));
	assert_int_equal(x.usable, USABLE_YES);
	explanation_fini(&x);
	host_free(h);
}

/* libvirt's domcapabilities of this QEMU under TCG: libvirt's verdict,
 * blockers from the host-model features, and host-model. */
static void test_domcaps(void **state)
{
	struct fix *f = *state;
	struct cpu_map *map = NULL;
	struct host *h = load_resolved_host(f, "data/hosts/qemu-7.2-tcg-domcaps.xml", &map);
	struct explanation x;
	struct err e;

	err_clear(&e);
	assert_true(explain_model(f->ds, f->md, h, "Haswell", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_int_equal(x.source, EXPLAIN_SRC_HOST);
	assert_true(x.host_model == EXPLAIN_HM_YES || x.host_model == EXPLAIN_HM_NO);
	assert_non_null(x.host_model_name);
	explanation_fini(&x);
	/* 'host' needs host-passthrough, which TCG domcaps lacks */
	assert_true(explain_model(f->ds, f->md, h, "host", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_set_names(f->ft, &x.blockers, "kvm");
	explanation_fini(&x);
	cpu_map_free(map);
	host_free(h);
}

/* A host that describes the CPU itself (a host <cpu>): what the
 * hypervisor adds for every guest (hypervisor, x2apic, tsc-deadline) is no
 * blocker; the CPU's own model is usable; Cascadelake's extras are. */
static void test_cpu_host(void **state)
{
	struct fix *f = *state;
	struct cpu_map *map = NULL;
	struct host *h = load_resolved_host(f, "data/hosts/intel-xeon-gold-6148.xml", &map);
	struct explanation x;
	struct err e;

	err_clear(&e);
	assert_false(fset_has(&h->features, ftable_lookup(f->ft, "hypervisor")->id));
	assert_true(explain_model(f->ds, f->md, h, "Skylake-Server-v1", &x, &e));
	assert_int_equal(x.usable, USABLE_YES);
	assert_int_equal(x.source, EXPLAIN_SRC_FEATURES);
	assert_int_equal(x.model_psabi, 4);
	assert_int_equal(x.host_psabi, 4);
	assert_int_equal(x.family.n + x.nearest.n, 0);
	explanation_fini(&x);
	assert_true(explain_model(f->ds, f->md, h, "Cascadelake-Server", &x, &e));
	assert_int_equal(x.usable, USABLE_NO);
	assert_set_names(f->ft, &x.blockers, "avx512vnni ssbd spec-ctrl");
	assert_true(x.nearest.n > 0);
	assert_string_equal(((const struct explain_alt *)x.nearest.v[0])->name, "Skylake-Server-v1");
	explanation_fini(&x);
	cpu_map_free(map);
	host_free(h);
}

static void test_dependencies(void **state)
{
	struct fix *f = *state;
	struct fset d = FSET_INIT, b = FSET_INIT, dis = FSET_INIT, imp = FSET_INIT;
	const char *const vmx_kids[] = {
		"vmx-posted-intr", "vmx-secondary-ctls", "vmx-ept", "vmx-unrestricted-guest",
		"vmx-invept-single-context-noglobals", "vmx-entry-ia32e-mode", "vmx-vmfunc",
	};

	explain_dependents(f->ft, ftable_lookup(f->ft, "vmx")->id, &d);
	for (size_t i = 0; i < ARRAY_LEN(vmx_kids); i++)
		assert_true(fset_has(&d, ftable_lookup(f->ft, vmx_kids[i])->id));
	assert_false(fset_has(&d, ftable_lookup(f->ft, "vmx")->id));
	explain_dependents(f->ft, ftable_lookup(f->ft, "arch-capabilities")->id, &d);
	assert_true(fset_has(&d, ftable_lookup(f->ft, "rdctl-no")->id));
	assert_true(fset_has(&d, ftable_lookup(f->ft, "taa-no")->id));
	explain_dependents(f->ft, ftable_lookup(f->ft, "svm")->id, &d);
	assert_true(fset_has(&d, ftable_lookup(f->ft, "npt")->id));
	explain_dependents(f->ft, ftable_lookup(f->ft, "hle")->id, &d);
	assert_true(fset_empty(&d));
	/* vmx-ept only clears the EPT half of the EPT/VPID capabilities */
	explain_dependents(f->ft, ftable_lookup(f->ft, "vmx-ept")->id, &d);
	assert_false(fset_has(&d, ftable_lookup(f->ft, "vmx-invept-single-context-noglobals")->id));

	fset_add(&b, ftable_lookup(f->ft, "vmx")->id);
	fset_add(&b, ftable_lookup(f->ft, "vmx-ept")->id);
	fset_add(&b, ftable_lookup(f->ft, "vmx-posted-intr")->id);
	fset_add(&b, ftable_lookup(f->ft, "hle")->id);
	fset_add(&b, ftable_lookup(f->ft, "arch-capabilities")->id);
	fset_add(&b, ftable_lookup(f->ft, "mds-no")->id);
	explain_min_disable(f->ft, &b, &dis, &imp);
	assert_set_names(f->ft, &dis, "hle arch-capabilities vmx");
	assert_true(fset_has(&imp, ftable_lookup(f->ft, "taa-no")->id));
	assert_false(fset_has(&imp, ftable_lookup(f->ft, "hle")->id));
	fset_fini(&d);
	fset_fini(&b);
	fset_fini(&dis);
	fset_fini(&imp);
}

static void parse_warnings(struct fix *f, const char *rel, struct qemu_warnings *w)
{
	size_t len;
	char *text = test_slurp(rel, &len);
	struct err e;

	err_clear(&e);
	if (!qemu_warnings_parse(rel, text, len, f->ft, w, &e))
		fail_msg("%s", test_estr(&e));
	free(text);
}

/* QEMU's real warnings name exactly the unavailable-features of the
 * model, each by location and name in agreement. */
static void test_warnings_real(void **state)
{
	struct fix *f = *state;
	static const char *const models[] = {
		"Skylake-Server", "Icelake-Server-v6", "Cooperlake-v2", "EPYC-Rome",
	};

	for (size_t m = 0; m < ARRAY_LEN(models); m++) {
		char rel[256];
		struct qemu_warnings w;
		const struct cpu_def *q = mdata_def(f->qmd, models[m]);
		snprintf(rel, sizeof(rel), DIR "warnings-%s.txt", models[m]);
		parse_warnings(f, rel, &w);
		assert_true(fset_equal(&w.features, &q->unavailable));
		assert_int_equal(w.items.n, q->nunavail);
		for (size_t i = 0; i < w.items.n; i++) {
			const struct qemu_warning *it = w.items.v[i];
			if (!it->by_location || !it->by_name || it->note)
				fail_msg("%s line %d: %s (%s)", rel, it->line, it->text,
					 it->note ? it->note : "location and name do not agree");
			assert_string_equal(it->accel, "TCG");
		}
		assert_string_equal(w.accel, "TCG");
		assert_false(w.enforce);
		qemu_warnings_fini(&w);
	}
}

static void test_warnings_enforce_and_explain(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	struct explanation x;
	struct err e;

	parse_warnings(f, DIR "enforce-Skylake-Server.txt", &w);
	assert_true(w.enforce);
	assert_int_equal(w.items.n, 14);
	err_clear(&e);
	/* with the model: the same blockers, alternatives avoid them all */
	assert_true(explain_warnings(f->ds, f->md, NULL, "Skylake-Server", &w, NULL, &x, &e));
	assert_int_equal(x.source, EXPLAIN_SRC_WARNINGS);
	assert_int_equal(x.usable, USABLE_NO);
	assert_true(fset_equal(&x.blockers, &w.features));
	assert_non_null(x.fix.qemu);
	assert_true(str_startswith(x.fix.qemu, "Skylake-Server,pcid=off,") ||
		    str_startswith(x.fix.qemu, "Skylake-Server,"));
	for (size_t i = 0; i < x.nearest.n; i++) {
		const struct explain_alt *a = x.nearest.v[i];
		struct model_view mv;
		struct fset t = FSET_INIT;
		model_view_init(f->ds, f->md, a->def, &mv);
		fset_copy(&t, &mv.full->on);
		fset_and(&t, &w.features);
		assert_true(fset_empty(&t));
		fset_fini(&t);
	}
	explanation_fini(&x);
	/* without: the blockers and the -cpu suffix */
	assert_true(explain_warnings(f->ds, f->md, NULL, NULL, &w, NULL, &x, &e));
	assert_null(x.model);
	assert_non_null(x.fix.qemu);
	assert_int_equal(x.fix.qemu[0], ',');
	assert_non_null(strstr(x.fix.qemu, ",hle=off"));
	assert_true(str_startswith(x.fix.xml, "<feature policy='disable' name="));
	assert_int_equal(x.family.n + x.nearest.n, 0);
	explanation_fini(&x);
	assert_false(explain_warnings(f->ds, f->md, NULL, "Nope", &w, NULL, &x, &e));
	qemu_warnings_fini(&w);
}

static void test_warnings_new_format(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;

	parse_warnings(f, DIR "warnings-qemu10.1-format.txt", &w);
	assert_int_equal(w.items.n, 6);
	assert_set_names(f->ft, &w.features, "xsavec avx512-bf16 hle rdctl-no pcid rtm");
	for (size_t i = 0; i < w.items.n; i++) {
		const struct qemu_warning *it = w.items.v[i];
		assert_true(it->by_location && it->by_name);
		assert_null(it->note);
	}
	assert_string_equal(((const struct qemu_warning *)w.items.v[0])->text,
			    "CPUID[eax=01h].ECX.pcid [bit 17]");
	assert_string_equal(((const struct qemu_warning *)w.items.v[5])->accel, "host");
	qemu_warnings_fini(&w);
}

static void test_warnings_mixed(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	const struct qemu_warning *it;

	parse_warnings(f, DIR "warnings-mixed.txt", &w);
	assert_int_equal(w.items.n, 7);
	/* rtm named at hle's bit: by name, with a note */
	it = w.items.v[0];
	assert_int_equal(it->line, 2);
	assert_string_equal(it->f->name, "rtm");
	assert_true(it->by_name);
	assert_false(it->by_location);
	assert_string_equal(it->note, "the location names hle, the name rtm; taken by name");
	/* an unknown name at a known location: by location */
	it = w.items.v[1];
	assert_true(it->by_location);
	assert_false(it->by_name);
	assert_non_null(strstr(it->note, "'frobnicate'"));
	/* no name */
	it = w.items.v[2];
	assert_string_equal(it->f->name, "invpcid");
	assert_true(it->by_location);
	assert_null(it->note);
	it = w.items.v[3];
	assert_string_equal(it->f->name, "vmx-posted-intr");
	assert_true(it->by_location && it->by_name);
	it = w.items.v[4];
	assert_string_equal(it->f->name, "svm");
	it = w.items.v[5];
	assert_string_equal(it->f->name, "npt");
	assert_true(it->by_location && it->by_name);
	assert_string_equal(w.accel, "host");
	qemu_warnings_fini(&w);
}

static void test_warnings_errors(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	struct err e;
	const char *none = "qemu-system-x86_64: -cpu foo: unable to find CPU model 'foo'\n";
	const char *bad = "warning: TCG doesn't support requested feature: CPUID.ZZH:EBX.hle\n";

	err_clear(&e);
	assert_false(qemu_warnings_parse("x.txt", none, strlen(none), f->ft, &w, &e));
	assert_string_equal(e.file, "x.txt");
	assert_non_null(strstr(e.msg, "no QEMU feature warnings found"));
	err_clear(&e);
	assert_false(qemu_warnings_parse("y.txt", bad, strlen(bad), f->ft, &w, &e));
	assert_non_null(strstr(e.msg, "no QEMU feature warning could be read"));
	err_clear(&e);
	assert_false(qemu_warnings_parse("z.txt", "", 0, f->ft, &w, &e));
}

/* A "feature" with commas or '=' in a warning line never reaches the
 * -cpu value of the fix (it would add options: "hle=off,x,kvm=off=off"). */
static void test_warnings_injection(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	struct explanation x;
	struct err e;
	const char *text =
		"warning: TCG doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]\n"
		"warning: TCG doesn't support requested feature: CPUID.07H:EBX.x,kvm=off\n"
		"warning: TCG doesn't support requested feature: CPUID.07H:EBX.rtm,kvm=off [bit 11]\n";
	const struct qemu_warning *it;

	err_clear(&e);
	assert_true(qemu_warnings_parse("w.txt", text, strlen(text), f->ft, &w, &e));
	assert_int_equal(w.items.n, 3);
	it = w.items.v[1];
	assert_null(it->f);
	assert_string_equal(it->note, "'x,kvm=off' is not a QEMU feature name (letters, digits, '-', "
			    "'_', '.'); ignored");
	it = w.items.v[2];
	assert_string_equal(it->f->name, "rtm");
	assert_true(it->by_location);
	assert_false(it->by_name);
	assert_null(ftable_lookup(f->ft, "x,kvm=off"));
	assert_true(explain_warnings(f->ds, f->md, NULL, NULL, &w, NULL, &x, &e));
	assert_string_equal(x.fix.qemu, ",hle=off,rtm=off");
	explanation_fini(&x);
	qemu_warnings_fini(&w);
}

/* Issue 13: a NUL made the blocker "h" and the fix "h=off"; control
 * characters reached the terminal.  A line with a location follows the
 * text rule; other lines are skipped whatever they hold. */
static void test_warnings_hostile(void **state)
{
	static const char nul[] = "ok line\nwarning: TCG doesn't support requested feature: "
				  "CPUID.07H:EBX.h\0le [bit 4]\n";
	static const char esc[] = "warning: TCG doesn't support requested feature: "
				  "CPUID.07H:EBX.\x1b]52;c;aGk=\x07 [bit 4]\n";
	static const char csi[] = "warning: \xc2\x9b" "2J doesn't support requested feature: "
				  "CPUID.07H:EBX.hle [bit 4]\n";
	static const char fine[] = "\x1b[31mnot a warning\x1b[0m\r\n"
				   "warning: TCG doesn't support requested feature: "
				   "CPUID.07H:EBX.hle [bit 4]\r\n";
	struct fix *f = *state;
	struct qemu_warnings w;
	struct err e;

	err_clear(&e);
	assert_false(qemu_warnings_parse("w.txt", nul, sizeof(nul) - 1, f->ft, &w, &e));
	assert_string_equal(test_estr(&e), "w.txt:2: QEMU warning line \"...feature: "
			    "CPUID.07H:EBX.h\\0le [bit 4]\" has a NUL character");
	assert_false(qemu_warnings_parse("w.txt", esc, sizeof(esc) - 1, f->ft, &w, &e));
	assert_string_equal(test_estr(&e), "w.txt:1: QEMU warning line \"... feature: "
			    "CPUID.07H:EBX.\\e]52;c;aGk=\\a [bit 4]\" has a control character "
			    "(U+001B)");
	assert_false(qemu_warnings_parse("w.txt", csi, sizeof(csi) - 1, f->ft, &w, &e));
	assert_string_equal(test_estr(&e), "w.txt:1: QEMU warning line \"warning: \\u009b2J "
			    "doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]\" has a "
			    "control character (U+009B)");
	/* escapes in a line without a location, and CRLF, are fine */
	assert_true(qemu_warnings_parse("w.txt", fine, sizeof(fine) - 1, f->ft, &w, &e));
	assert_int_equal(w.items.n, 1);
	assert_string_equal(((struct qemu_warning *)w.items.v[0])->f->name, "hle");
	qemu_warnings_fini(&w);
}

/* A long warning text: the location after other 'C's and 'M's on the
 * line, thousands of names the table does not know, every one in the
 * -cpu suffix and in a note (the fuzz harness found this input shape
 * slow: the suffix was rebuilt and the notes rescanned per name). */
/* explain --qemu-warning FILE --cpu VALUE: the fix is the value QEMU
 * warned about with the warned features off; what the value already
 * disabled, its properties and enforce stay; a warned feature it asked on
 * is switched off (and said); the model is the value's. */
static void test_warnings_given_cpu(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	struct explanation x;
	struct cpu_arg ca;
	struct err e;
	bool said_on = false, said_kept = false;

	parse_warnings(f, DIR "enforce-Skylake-Server.txt", &w);
	err_clear(&e);
	assert_true(cpu_arg_parse("Skylake-Server,hle=off,+rtm,family=6,enforce", &ca, &e));
	assert_true(explain_warnings(f->ds, f->md, NULL, NULL, &w, &ca, &x, &e));
	assert_string_equal(x.model, "Skylake-Server");
	assert_non_null(x.fix.qemu);
	assert_true(str_startswith(x.fix.qemu, "Skylake-Server,hle=off,"));
	assert_non_null(strstr(x.fix.qemu, ",rtm=off"));
	assert_null(strstr(x.fix.qemu, "rtm=on"));
	assert_true(str_endswith(x.fix.qemu, ",family=6,enforce"));
	/* hle is disabled once (the user's), not a second time */
	assert_null(strstr(strstr(x.fix.qemu, "hle=off") + 1, "hle=off"));
	assert_non_null(strstr(x.fix.xml, "<feature policy='disable' name='hle'/>"));
	for (size_t i = 0; i < x.fix.notes.n; i++) {
		const char *n = x.fix.notes.v[i];
		said_on |= str_startswith(n, "rtm: the given -cpu value asks for it");
		said_kept |= strstr(n, "kept from the given -cpu value: hle=off, family=6, enforce") != NULL;
	}
	assert_true(said_on);
	assert_true(said_kept);
	/* the explained CPU is the value's: hle is not one of its features */
	const struct feature *hle = ftable_lookup(f->ds->ft, "hle");
	assert_non_null(hle);
	assert_true(x.features_known);
	assert_false(fset_has(&x.features, hle->id));
	explanation_fini(&x);
	/* the model named twice must be the same word */
	assert_false(explain_warnings(f->ds, f->md, NULL, "Haswell", &w, &ca, &x, &e));
	assert_non_null(strstr(e.msg, "differ"));
	cpu_arg_fini(&ca);
	/* a misspelled feature is refused as build refuses it */
	err_clear(&e);
	assert_true(cpu_arg_parse("Skylake-Server,rtn=off", &ca, &e));
	assert_false(explain_warnings(f->ds, f->md, NULL, NULL, &w, &ca, &x, &e));
	assert_non_null(strstr(e.msg, "did you mean rtm"));
	assert_string_equal(e.file, "-cpu");
	cpu_arg_fini(&ca);
	qemu_warnings_fini(&w);
}

/* When this machine's QEMU could not start max because the accelerator
 * refused MSR 0x10a (the start checks' start_failure), a fix that keeps
 * arch-capabilities would fail the same way: it switches that off too and
 * says why; without the failure it does not. */
static void test_fix_refused_msr(void **state)
{
	struct fix *f = *state;
	struct mdata *md = dataset_mdata(f->ds, MACHINE);
	struct cpu_def *max = NULL;
	struct qemu_warnings w;
	struct explanation x;
	struct err e;
	char *accel = f->ds->accel;
	/* QEMU warned about one feature only: arch-capabilities is no blocker */
	static const char warn[] = "qemu-system-x86_64: warning: TCG doesn't support requested "
				   "feature: CPUID.07H:EBX.avx512f [bit 16]\n";
	static const char said[] = "arch-capabilities: switched off too: QEMU does not start max "
				   "here (failed to set MSR 0x10a to 0x29)";

	for (size_t i = 0; i < md->defs.n; i++) {
		struct cpu_def *d = vec_get(&md->defs, i);
		if (!strcmp(d->name, "max"))
			max = d;
	}
	assert_non_null(max);
	f->ds->accel = strdup("tcg"); /* the warned accelerator is the data's */
	err_clear(&e);
	assert_true(qemu_warnings_parse("warn", warn, strlen(warn), f->ft, &w, &e));
	assert_true(explain_warnings(f->ds, f->md, NULL, "Cascadelake-Server-v2", &w, NULL, &x, &e));
	assert_non_null(x.fix.qemu);
	assert_string_equal(x.fix.qemu, "Cascadelake-Server-v2,avx512f=off");
	explanation_fini(&x);
	max->start_failure = strdup("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x29; "
				    "qemu-system-x86_64: kvm.c:3183: kvm_buf_set_msrs: Assertion failed.");
	assert_true(explain_warnings(f->ds, f->md, NULL, "Cascadelake-Server-v2", &w, NULL, &x, &e));
	assert_string_equal(x.fix.qemu, "Cascadelake-Server-v2,arch-capabilities=off,avx512f=off");
	bool found = false;
	for (size_t i = 0; i < x.fix.notes.n; i++)
		found |= strstr(x.fix.notes.v[i], said) != NULL;
	assert_true(found);
	/* what arch-capabilities carries is then dropped by QEMU, and said */
	const struct feature *mds = ftable_lookup(f->ft, "mds-no");
	assert_non_null(mds);
	assert_true(fset_has(&x.fix.implied, mds->id));
	explanation_fini(&x);
	/* a model without arch-capabilities is left alone */
	assert_true(explain_warnings(f->ds, f->md, NULL, "Skylake-Server", &w, NULL, &x, &e));
	assert_string_equal(x.fix.qemu, "Skylake-Server,avx512f=off");
	explanation_fini(&x);
	qemu_warnings_fini(&w);
	free(max->start_failure);
	max->start_failure = NULL;
	free(f->ds->accel);
	f->ds->accel = accel;
}

/* A libvirt domain log: only the last start counts, and the -cpu value
 * of its command line is kept (libvirt's one argument per line, and a
 * shell command line with a quoted value). */
static void test_warnings_log(void **state)
{
	struct fix *f = *state;
	struct qemu_warnings w;
	struct err e;
	static const char log[] =
		"2026-12-01 10:00:00.000+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.22\n"
		"/usr/bin/qemu-system-x86_64 \\\n"
		"-cpu Skylake-Server \\\n"
		"-m size=65536k \\\n"
		"2026-12-01T10:00:00.100000Z qemu-system-x86_64: warning: TCG doesn't support requested "
		"feature: CPUID.07H:EBX.hle [bit 4]\n"
		"2026-12-01 10:00:01.000+0000: shutting down, reason=destroyed\n"
		"2026-12-01 10:01:00.000+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.22\n"
		"/usr/bin/qemu-system-x86_64 \\\n"
		"-cpu Skylake-Server,hle=off,rtm=off \\\n"
		"2026-12-01T10:01:00.100000Z qemu-system-x86_64: warning: TCG doesn't support requested "
		"feature: CPUID.01H:ECX.pcid [bit 17]\n"
		"-cpu Haswell \\\n";
	static const char shell[] =
		"$ qemu-system-x86_64 -accel tcg -cpu 'Haswell,hle=off' -S\n"
		"qemu-system-x86_64: warning: TCG doesn't support requested feature: CPUID.01H:ECX.pcid [bit 17]\n";
	const struct feature *hle = ftable_lookup(f->ft, "hle"), *pcid = ftable_lookup(f->ft, "pcid");

	err_clear(&e);
	assert_true(qemu_warnings_parse("vm.log", log, strlen(log), f->ft, &w, &e));
	assert_int_equal(w.sessions, 2);
	assert_int_equal(w.session_line, 7);
	assert_int_equal(w.items.n, 1);
	assert_true(fset_has(&w.features, pcid->id));
	assert_false(fset_has(&w.features, hle->id));
	/* the command line before the warnings, not a -cpu after them */
	assert_string_equal(w.cpu, "Skylake-Server,hle=off,rtm=off");
	assert_int_equal(w.cpu_line, 9);
	qemu_warnings_fini(&w);
	assert_true(qemu_warnings_parse("sh.txt", shell, strlen(shell), f->ft, &w, &e));
	assert_int_equal(w.sessions, 0);
	assert_string_equal(w.cpu, "Haswell,hle=off");
	assert_int_equal(w.cpu_line, 1);
	qemu_warnings_fini(&w);
	/* a plain warning file has no -cpu */
	parse_warnings(f, DIR "warnings-Skylake-Server.txt", &w);
	assert_null(w.cpu);
	qemu_warnings_fini(&w);
}

static void test_warnings_long(void **state)
{
	struct fix *f = *state;
	enum { N = 3000 };
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
	struct qemu_warnings w;
	struct explanation x;
	struct err e;
	size_t renamed = 0;

	for (int i = 0; i < N; i++)
		sb_addf(&in, "Cache Miss (MSR): CPUID.07H:EBX.zz-%d\n", i);
	sb_add(&in, "CM warning: TCG doesn't support requested feature: MSR(48DH).vmx-posted-intr [bit 7]\n");
	err_clear(&e);
	assert_true(qemu_warnings_parse("long.txt", in.s, in.len, f->ft, &w, &e));
	assert_int_equal(w.items.n, N + 1);
	assert_string_equal(((const struct qemu_warning *)w.items.v[0])->text, "CPUID.07H:EBX.zz-0");
	assert_string_equal(((const struct qemu_warning *)w.items.v[N])->text,
			    "MSR(48DH).vmx-posted-intr [bit 7]");
	assert_string_equal(((const struct qemu_warning *)w.items.v[N])->accel, "TCG");
	assert_true(explain_warnings(f->ds, f->md, NULL, NULL, &w, NULL, &x, &e));
	sb_add(&want, ",vmx-posted-intr=off");
	for (int i = 0; i < N; i++)
		sb_addf(&want, ",zz-%d=off", i);
	assert_string_equal(x.fix.qemu, sb_str(&want));
	for (size_t i = 0; i < x.fix.notes.n; i++)
		renamed += strstr(x.fix.notes.v[i], ": not in cpuscope's feature table (QEMU named it)") != NULL;
	assert_int_equal(renamed, N);
	assert_string_equal(x.fix.notes.v[0], "zz-0: not in cpuscope's feature table (QEMU named it); "
			    "libvirt's cpu_map may not know it either");
	explanation_fini(&x);
	qemu_warnings_fini(&w);
	sb_fini(&in);
	sb_fini(&want);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_warnings_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_model_max_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_model_max_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_model_host_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_haswell_tcg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_model_kvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domcaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dependencies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_real, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_enforce_and_explain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_new_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_given_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fix_refused_msr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_log, setup, teardown),
	};
	return TEST_RUN("explain", tests, argc, argv);
}
