/* test_drift.c - libvirt's cpu_map against QEMU's models on the bundled
 * pairs: libvirt 9.0's map (data/cpu_map) x QEMU 7.2 (data/qemu-7.2-x86_64.json)
 * and libvirt 11.3's (data/cpu_map-11.3) x QEMU 10.0
 * (data/qemu-10.0-x86_64.json).  The expected messages and counts are the
 * ones the real virsh 9.0 and QEMU 7.2 gave (tests/interop/drift.sh). */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "drift.h"
#include "err.h"
#include "host.h"
#include "model.h"
#include "snapshot.h"

struct fix {
	struct ftable *ft;
	struct dataset *ds72, *ds100;
	struct cpu_map *map90, *map113;
};

static struct dataset *load_snapshot(struct ftable *ft, const char *rel)
{
	struct err e;
	struct dataset *ds;

	err_clear(&e);
	ds = snapshot_load(test_path(rel), ft, &e);
	if (!ds)
		fail_msg("%s", test_estr(&e));
	return ds;
}

static struct cpu_map *load_map(struct ftable *ft, const char *rel)
{
	struct err e;
	struct cpu_map *m;

	err_clear(&e);
	m = cpu_map_load(test_path(rel), ARCH_X86_64, ft, &e);
	if (!m)
		fail_msg("%s", test_estr(&e));
	return m;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->ft = ftable_new(ARCH_X86_64);
	f->ds72 = load_snapshot(f->ft, "data/qemu-7.2-x86_64.json");
	f->ds100 = load_snapshot(f->ft, "data/qemu-10.0-x86_64.json");
	f->map90 = load_map(f->ft, "data/cpu_map");
	f->map113 = load_map(f->ft, "data/cpu_map-11.3");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dataset_free(f->ds72);
	dataset_free(f->ds100);
	cpu_map_free(f->map90);
	cpu_map_free(f->map113);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static struct drift_report *compute(struct fix *f, struct dataset *ds, const char *machine,
				    struct cpu_map *map, const struct host *h,
				    const char *const *models, size_t n)
{
	struct drift_opts o;
	struct err e;
	const struct mdata *md;
	struct drift_report *r;

	err_clear(&e);
	md = dataset_resolve_machine(ds, machine, &e);
	if (!md)
		fail_msg("%s", test_estr(&e));
	memset(&o, 0, sizeof(o));
	o.host = h;
	o.models = models;
	o.nmodels = n;
	o.next_map = map == f->map90 ? f->map113 : NULL;
	o.next_map_label = "libvirt 11.3";
	o.map_label = map == f->map90 ? "libvirt 9.0 cpu_map" : "libvirt 11.3 cpu_map";
	o.qemu_label = "QEMU";
	r = drift_compute(ds, md, map, &o, &e);
	if (!r)
		fail_msg("%s", test_estr(&e));
	return r;
}

static const struct drift_row *row_of(const struct drift_report *r, const char *name)
{
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct drift_row *row = r->rows.v[i];
		if (!strcmp(row->name, name))
			return row;
	}
	fail_msg("no row %s", name);
	return NULL;
}

static const struct drift_trap *trap_of(const struct drift_row *row, enum drift_trap_kind k)
{
	for (size_t i = 0; i < row->traps.n; i++) {
		const struct drift_trap *t = row->traps.v[i];
		if (t->kind == k)
			return t;
	}
	return NULL;
}

static void assert_list(const struct cpu_map *map, const struct fset *s, const char *want)
{
	char *got = drift_feature_list(map, s, ",");

	assert_string_equal(got, want);
	free(got);
}

static const struct drift_only *only_of(const struct vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct drift_only *o = v->v[i];
		if (!strcmp(o->name, name))
			return o;
	}
	return NULL;
}

/* The example: libvirt 9.0's Skylake-Client requires mpx, QEMU
 * 7.2's Skylake-Client-v1 (what the bare name is on pc-i440fx-7.2) lacks
 * it; under TCG vme too. */
static void test_skylake_mpx(void **state)
{
	struct fix *f = *state;
	struct drift_report *r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, NULL, 0);
	const struct drift_row *row = row_of(r, "Skylake-Client");
	const struct drift_trap *t;

	assert_string_equal(r->title, "libvirt 9.0 cpu_map vs QEMU on pc-i440fx-7.2");
	assert_int_equal(r->libvirt, DRIFT_LIBVIRT_9_0);
	assert_string_equal(row->resolved, "Skylake-Client-v1");
	assert_list(f->map90, &row->libvirt_only, "vme,mpx");
	assert_list(f->map90, &row->qemu_only, "hypervisor");
	assert_list(f->map90, &row->accel_off, "vme");
	assert_list(f->map90, &row->next_drops, "mpx");
	assert_int_equal(row->usable, USABLE_NO);
	assert_true(row->runnable);
	assert_list(f->map90, &row->disable,
		    "pcid,x2apic,tsc-deadline,hle,invpcid,rtm,rdseed,xsavec,3dnowprefetch");
	assert_string_equal(row->qemu_cpu, "Skylake-Client,pcid=off,x2apic=off,tsc-deadline=off,"
			    "hle=off,invpcid=off,rtm=off,rdseed=off,xsavec=off,3dnowprefetch=off");
	t = trap_of(row, DRIFT_PARTIAL_REFUSES);
	assert_non_null(t);
	assert_string_equal(t->message, "the CPU is incompatible with host CPU: Host CPU does not "
			    "provide required features: vme");
	t = trap_of(row, DRIFT_FULL_REFUSES);
	assert_non_null(t);
	assert_string_equal(t->message, "operation failed: guest CPU doesn't match specification: "
			    "extra features: hypervisor, missing features: vme,mpx");
	assert_list(f->map90, &t->features, "vme,hypervisor,mpx");
	assert_null(trap_of(row, DRIFT_LETS_THROUGH));
	/* check='none', the aligning policies, the 11.3 map's removal */
	assert_int_equal(row->actions.n, 3);
	assert_non_null(strstr(((const struct drift_action *)row->actions.v[1])->xml,
			       "<feature policy='disable' name='mpx'/>"));
	assert_non_null(strstr(((const struct drift_action *)row->actions.v[1])->xml,
			       "<feature policy='require' name='hypervisor'/>"));
	assert_non_null(strstr(((const struct drift_action *)row->actions.v[2])->text,
			       "libvirt 11.3's cpu_map no longer requires mpx"));
	assert_false(row->vendor_differs);
	drift_report_free(r);
}

/* Old machine types put mpx back on the bare name (pc_compat_3_1). */
static void test_machine_type(void **state)
{
	struct fix *f = *state;
	struct drift_report *r = compute(f, f->ds72, "pc-i440fx-3.1", f->map90, NULL, NULL, 0);
	const struct drift_row *row = row_of(r, "Skylake-Client");

	assert_list(f->map90, &row->libvirt_only, "vme");
	assert_list(f->map90, &row->qemu_only, "hypervisor");
	drift_report_free(r);
}

/* A model QEMU runs as it is: pentium under TCG. */
static void test_usable_pentium(void **state)
{
	struct fix *f = *state;
	struct drift_report *r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, NULL, 0);
	const struct drift_row *row = row_of(r, "pentium");
	const struct drift_trap *t;
	const struct drift_action *a;

	assert_int_equal(row->usable, USABLE_YES);
	assert_true(fset_empty(&row->disable));
	assert_string_equal(row->qemu_cpu, "pentium");
	t = trap_of(row, DRIFT_FULL_REFUSES);
	assert_string_equal(t->message, "operation failed: guest CPU doesn't match specification: "
			    "extra features: apic,hypervisor, missing features: vme");
	assert_non_null(trap_of(row, DRIFT_PARTIAL_REFUSES));
	a = row->actions.v[0];
	assert_string_equal(a->xml, "<cpu mode='custom' match='exact' check='none'>\n"
			    "  <model fallback='forbid'>pentium</model>\n</cpu>\n");
	assert_true(row->vendor_differs);
	assert_null(row->lv_vendor);
	assert_string_equal(row->qemu_vendor, "GenuineIntel");
	drift_report_free(r);
}

/* The counts the real libvirt 9.0 and QEMU 7.2 confirmed case by case. */
static void test_counts_90_72(void **state)
{
	struct fix *f = *state;
	struct drift_report *r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, NULL, 0);

	assert_int_equal(r->rows.n, 53);
	assert_int_equal(r->ndiffer, 53);
	assert_int_equal(r->ntraps[DRIFT_PARTIAL_REFUSES], 27);
	assert_int_equal(r->ntraps[DRIFT_FULL_REFUSES], 53);
	assert_int_equal(r->ntraps[DRIFT_LETS_THROUGH], 0);
	assert_int_equal(r->libvirt_only_models.n, 5);
	assert_int_equal(r->qemu_only_models.n, 76);
	assert_non_null(only_of(&r->libvirt_only_models, "Icelake-Client"));
	assert_non_null(only_of(&r->qemu_only_models, "Haswell-v4"));
	assert_non_null(strstr(only_of(&r->qemu_only_models, "Haswell-v4")->note,
			       "libvirt knows Haswell-noTSX-IBRS"));
	assert_non_null(strstr(only_of(&r->qemu_only_models, "Snowridge-v2")->note,
			       "libvirt 11.3's cpu_map has it"));
	/* fallback='allow': what libvirt 9.0 started instead, checked live */
	assert_string_equal(only_of(&r->libvirt_only_models, "cpu64-rhel6")->cpu, "kvm64,lahf-lm=on");
	assert_string_equal(only_of(&r->libvirt_only_models, "pentiumpro")->cpu, "qemu32,pni=off");
	drift_report_free(r);
}

/* libvirt 11.3 x QEMU 10.0: 11.x's checks, mpx removed from the map. */
static void test_11_3_100(void **state)
{
	struct fix *f = *state;
	struct drift_report *r = compute(f, f->ds100, "pc-i440fx-10.0", f->map113, NULL, NULL, 0);
	const struct drift_row *row;

	assert_int_equal(r->libvirt, DRIFT_LIBVIRT_11);
	assert_int_equal(r->rows.n, 145);
	assert_int_equal(r->ntraps[DRIFT_PARTIAL_REFUSES], 23);
	/* every model but GraniteRapids-v2, whose avx10 no policy turns off */
	assert_int_equal(r->ntraps[DRIFT_FULL_REFUSES], 144);
	assert_int_equal(r->ntraps[DRIFT_LETS_THROUGH], 0);
	row = row_of(r, "GraniteRapids-v2");
	assert_false(row->runnable);
	assert_null(row->qemu_cpu);
	row = row_of(r, "Skylake-Client");
	assert_list(f->map113, &row->libvirt_only, "vme");
	assert_list(f->map113, &row->removed, "mpx");
	assert_non_null(strstr(row->qemu_cpu, ",mpx=off"));
	/* a compat model QEMU blocks: libvirt's own compare, vme missing */
	assert_non_null(trap_of(row, DRIFT_PARTIAL_REFUSES));
	/* a versioned name (no <check partial='compat'/>): QEMU's blockers decide */
	row = row_of(r, "Skylake-Client-v1");
	assert_null(trap_of(row, DRIFT_PARTIAL_REFUSES));
	assert_non_null(trap_of(row, DRIFT_FULL_REFUSES));
	/* a model QEMU calls usable, no listed features: no compare at all */
	row = row_of(r, "pentium");
	assert_int_equal(row->usable, USABLE_YES);
	assert_null(trap_of(row, DRIFT_PARTIAL_REFUSES));
	/* 9.0's checks on the same pair would compare it */
	drift_report_free(r);
}

/* added='yes' features (11.3's vmx-* of Conroe) are tolerated by 11.x's
 * check='full' when QEMU's vCPU has them; 9.0's checks call them extra.
 * Under TCG no model has them, so QEMU's Conroe gets one here. */
static void test_added_tolerated(void **state)
{
	struct fix *f = *state;
	const struct mdata *md = dataset_find_mdata(f->ds100, "pc-i440fx-10.0");
	const struct model_exp *me = strmap_get(&md->exp_by_model, "Conroe");
	const char *const models[] = { "Conroe" };
	unsigned id = ftable_lookup(f->ft, "vmx-activity-hlt")->id;
	struct expansion *x;
	const struct drift_row *row;
	const struct drift_trap *t;
	struct drift_report *r;
	struct drift_opts o;
	struct err e;

	assert_non_null(me);
	x = f->ds100->expansions.v[me->full];
	fset_add(&x->on, id);
	r = compute(f, f->ds100, "pc-i440fx-10.0", f->map113, NULL, models, 1);
	row = row_of(r, "Conroe");
	assert_true(fset_has(&row->qemu_only, id));
	assert_true(fset_has(&row->tolerated, id));
	t = trap_of(row, DRIFT_FULL_REFUSES);
	assert_non_null(t);
	assert_false(fset_has(&t->features, id));
	drift_report_free(r);
	/* the same pair with libvirt 9.0's checks */
	memset(&o, 0, sizeof(o));
	o.models = models;
	o.nmodels = 1;
	o.libvirt = DRIFT_LIBVIRT_9_0;
	err_clear(&e);
	r = drift_compute(f->ds100, md, f->map113, &o, &e);
	assert_non_null(r);
	t = trap_of(row_of(r, "Conroe"), DRIFT_FULL_REFUSES);
	assert_true(fset_has(&t->features, id));
	assert_non_null(strstr(t->message, "vmx-activity-hlt"));
	drift_report_free(r);
}

/* A host that lacks a feature only QEMU's Westmere has: libvirt's
 * check='partial' lets the guest through, QEMU's enforce refuses it. */
static void test_lets_through(void **state)
{
	struct fix *f = *state;
	const struct mdata *md = dataset_find_mdata(f->ds72, "pc-i440fx-7.2");
	const struct expansion *max = dataset_expansion(f->ds72, md, "max", true);
	struct host *h = host_new(HOST_QMP, ARCH_X86_64, f->ft, "no-arat.json");
	const char *const models[] = { "Westmere" };
	const struct drift_row *row;
	const struct drift_trap *t;
	struct drift_report *r;

	assert_non_null(max);
	fset_copy(&h->features, &max->on);
	fset_del(&h->features, ftable_lookup(f->ft, "arat")->id);
	h->resolved = true;
	r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, h, models, 1);
	assert_int_equal(r->rows.n, 1);
	row = row_of(r, "Westmere");
	assert_int_equal(row->usable, USABLE_NO);
	assert_list(f->map90, &row->blockers, "arat");
	t = trap_of(row, DRIFT_LETS_THROUGH);
	assert_non_null(t);
	assert_null(t->message);
	assert_list(f->map90, &t->features, "arat");
	assert_non_null(strstr(t->consequence, "QEMU silently drops arat"));
	assert_non_null(strstr(((const struct drift_action *)row->actions.v[row->actions.n - 1])->xml,
			       "<feature policy='require' name='arat'/>"));
	assert_string_equal(r->host_model, "the CPU of no-arat.json");
	drift_report_free(r);
	host_free(h);
}

static void test_filter(void **state)
{
	struct fix *f = *state;
	const char *const v1[] = { "Skylake-Client-v1" };
	const char *const alias[] = { "Skylake-Client-noTSX-IBRS" };
	struct drift_report *r;
	struct drift_opts o;
	struct err e;

	/* a versioned name finds the libvirt model QEMU resolves to it */
	r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, v1, 1);
	assert_int_equal(r->rows.n, 1);
	assert_string_equal(((const struct drift_row *)r->rows.v[0])->name, "Skylake-Client");
	assert_int_equal(r->qemu_only_models.n, 1);
	drift_report_free(r);
	r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, alias, 1);
	assert_int_equal(r->rows.n, 1);
	assert_string_equal(((const struct drift_row *)r->rows.v[0])->resolved, "Skylake-Client-v3");
	assert_int_equal(r->qemu_only_models.n, 1); /* Skylake-Client-v3 */
	drift_report_free(r);
	/* unknown names and QEMU's non-models */
	memset(&o, 0, sizeof(o));
	o.models = (const char *const[]){ "Skylake-Clinet" };
	o.nmodels = 1;
	err_clear(&e);
	assert_null(drift_compute(f->ds72, dataset_find_mdata(f->ds72, "pc-i440fx-7.2"), f->map90,
				  &o, &e));
	assert_non_null(strstr(e.msg, "unknown CPU model 'Skylake-Clinet'"));
	assert_non_null(strstr(e.msg, "Skylake-Client"));
	o.models = (const char *const[]){ "max" };
	err_clear(&e);
	assert_null(drift_compute(f->ds72, dataset_find_mdata(f->ds72, "pc-i440fx-7.2"), f->map90,
				  &o, &e));
	assert_non_null(strstr(e.msg, "'max' is not a CPU model libvirt's map can define"));
}

static void test_text(void **state)
{
	struct fix *f = *state;
	const char *const m[] = { "Skylake-Client" };
	struct drift_report *r = compute(f, f->ds72, "pc-i440fx-7.2", f->map90, NULL, m, 1);
	char *t = drift_text(r, true);

	assert_true(str_startswith(t, "libvirt 9.0 cpu_map vs QEMU on pc-i440fx-7.2\n"));
	assert_non_null(strstr(t, "\nSkylake-Client (QEMU: Skylake-Client-v1)\n"));
	assert_non_null(strstr(t, "  libvirt only: vme, mpx (libvirt's model requires them, QEMU's "
			       "lacks them)\n"));
	free(t);
	drift_report_free(r);
}

static void test_map_resolve(void **state)
{
	char dir[512], label[512];
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(drift_map_resolve("/d", "9.0", dir, sizeof(dir), label, sizeof(label), &e));
	assert_string_equal(dir, "/d/cpu_map");
	assert_string_equal(label, "libvirt 9.0 cpu_map (bundled)");
	assert_true(drift_map_resolve("/d", "11.3", dir, sizeof(dir), label, sizeof(label), &e));
	assert_string_equal(dir, "/d/cpu_map-11.3");
	assert_string_equal(label, "libvirt 11.3 cpu_map (bundled)");
	assert_true(drift_map_resolve("/d", "maps/x", dir, sizeof(dir), label, sizeof(label), &e));
	assert_string_equal(dir, "maps/x");
	assert_string_equal(label, "libvirt cpu_map maps/x");
}

static void test_s390x(void **state)
{
	struct fix *f = *state;
	struct ftable *ft = ftable_new(ARCH_S390X);
	struct dataset *ds = load_snapshot(ft, "data/qemu-7.2-s390x.json");
	struct drift_opts o;
	struct err e;

	memset(&o, 0, sizeof(o));
	err_clear(&e);
	assert_null(drift_compute(ds, dataset_default_machine(ds) ?
				  dataset_find_mdata(ds, dataset_default_machine(ds)->name) : NULL,
				  f->map90, &o, &e));
	assert_string_equal(e.msg, "libvirt keeps a CPU map for x86 only; on s390x its models are "
			    "QEMU's");
	dataset_free(ds);
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_skylake_mpx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_machine_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usable_pentium, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts_90_72, setup, teardown),
		cmocka_unit_test_setup_teardown(test_11_3_100, setup, teardown),
		cmocka_unit_test_setup_teardown(test_added_tolerated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lets_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test(test_map_resolve),
		cmocka_unit_test_setup_teardown(test_s390x, setup, teardown),
	};
	return TEST_RUN("drift", tests, argc, argv);
}
