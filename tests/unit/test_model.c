/* test_model.c - datasets, the expansion pool, machine types and model
 * names, on real QEMU 7.2 data (tests/data/qmp) and synthetic data. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "model.h"
#include "qmp_json.h"

/* The explorer's and `models`' order: case ignored, then bytes. */
static void test_name_order(void **state)
{
	(void)state;
	assert_true(model_name_cmp("athlon", "Broadwell") < 0);
	assert_true(model_name_cmp("Broadwell", "athlon") > 0);
	assert_true(model_name_cmp("Haswell", "Haswell-noTSX") < 0);
	assert_true(model_name_cmp("Haswell-v4", "Haswell-noTSX") > 0);
	assert_true(model_name_cmp("EPYC", "epyc") < 0); /* a tie on case: by byte */
	assert_int_equal(model_name_cmp("qemu64", "qemu64"), 0);
}

static void test_version_of(void **state)
{
	(void)state;
	char b[64];

	assert_int_equal(model_version_of("Haswell-v4", b, sizeof(b)), 4);
	assert_string_equal(b, "Haswell");
	assert_int_equal(model_version_of("Cascadelake-Server-v5", b, sizeof(b)), 5);
	assert_string_equal(b, "Cascadelake-Server");
	assert_int_equal(model_version_of("Haswell", b, sizeof(b)), 0);
	assert_string_equal(b, "Haswell");
	assert_int_equal(model_version_of("Haswell-noTSX", b, sizeof(b)), 0);
	assert_string_equal(b, "Haswell-noTSX");
	assert_int_equal(model_version_of("EPYC-v12", b, sizeof(b)), 12);
	assert_int_equal(model_version_of("x-v0", b, sizeof(b)), 0);
	assert_int_equal(model_version_of("x-v", b, sizeof(b)), 0);
	assert_int_equal(model_version_of("x-v2a", b, sizeof(b)), 0);
	assert_int_equal(model_version_of("qemu64-v1", NULL, 0), 1);
	assert_int_equal(model_version_of("Skylake-Server-v3", b, 5), 3);
	assert_string_equal(b, "Skyl"); /* truncated to the buffer */
}

static struct expansion *mk(struct test_dataset *f, const char *name, const char *const *on, int nprops,
			    const char *tweak)
{
	struct expansion *x = expansion_new(name);
	char pn[32], pv[32];

	for (size_t i = 0; on[i]; i++) {
		unsigned id = ftable_intern(f->ft, on[i]);
		fset_add(&x->known, id);
		fset_add(&x->on, id);
	}
	fset_add(&x->known, ftable_intern(f->ft, "avx512f"));
	for (int i = 0; i < nprops; i++) {
		snprintf(pn, sizeof(pn), "p%03d", i);
		snprintf(pv, sizeof(pv), "%d", i);
		expansion_set_prop(x, pn, pv);
	}
	if (tweak)
		expansion_set_prop(x, "p005", tweak);
	return x;
}

static void test_pool_dedupe_and_delta(void **state)
{
	struct test_dataset *f = *state;
	static const char *const on1[] = {"sse2", "avx", NULL};
	static const char *const on2[] = {"sse2", NULL};
	int a, b, c, d, g;
	const struct expansion *xa, *xc;
	struct vec all = VEC_INIT;

	a = dataset_add_expansion(f->ds, mk(f, "Haswell", on1, 40, NULL));
	b = dataset_add_expansion(f->ds, mk(f, "Haswell", on1, 40, NULL)); /* identical */
	assert_int_equal(a, b);
	assert_int_equal(f->ds->expansions.n, 1);
	c = dataset_add_expansion(f->ds, mk(f, "Haswell", on1, 40, "\"changed\""));
	assert_int_not_equal(c, a);
	xa = vec_get(&f->ds->expansions, (size_t)a);
	xc = vec_get(&f->ds->expansions, (size_t)c);
	/* stored as a delta of the first Haswell, looked up through it */
	assert_int_equal(xc->props_base, a);
	assert_int_equal(xc->nprops, 1);
	assert_string_equal(expansion_prop(xc, "p005"), "\"changed\"");
	assert_string_equal(expansion_prop(xc, "p039"), "39");
	assert_string_equal(expansion_prop(xa, "p005"), "5");
	expansion_props_all(xc, &all);
	assert_int_equal(all.n, 40);
	vec_fini(&all, NULL);
	/* the same content again finds the delta entry */
	d = dataset_add_expansion(f->ds, mk(f, "Haswell", on1, 40, "\"changed\""));
	assert_int_equal(d, c);
	/* features differ: a new entry */
	g = dataset_add_expansion(f->ds, mk(f, "Haswell", on2, 40, NULL));
	assert_int_equal(g, 2);
	assert_false(expansion_equal(vec_get(&f->ds->expansions, (size_t)g), xa));
	/* other name: not equal, no delta across names */
	g = dataset_add_expansion(f->ds, mk(f, "Broadwell", on1, 40, NULL));
	assert_int_equal(((struct expansion *)vec_get(&f->ds->expansions, (size_t)g))->props_base, -1);
	assert_int_equal(f->ds->expansions.n, 4);
}

static void test_prop_unset_and_decode(void **state)
{
	struct test_dataset *f = *state;
	static const char *const none[] = {NULL};
	struct expansion *x = mk(f, "m", none, 12, NULL), *y;
	int ix, iy;
	long long v = 0;
	char buf[8];

	ix = dataset_add_expansion(f->ds, x);
	y = mk(f, "m", none, 12, NULL);
	expansion_set_prop(y, "p001", NULL); /* unset here */
	y->props_base = ix;
	y->ds = f->ds;
	assert_null(expansion_prop(y, "p001"));
	assert_string_equal(expansion_prop(y, "p002"), "2");
	iy = dataset_add_expansion(f->ds, y);
	assert_int_not_equal(ix, iy);
	/* decoding */
	expansion_set_prop(x, "s", "\"GenuineIntel\"");
	expansion_set_prop(x, "n", "-12");
	expansion_set_prop(x, "big", "18446744073709551552");
	expansion_set_prop(x, "f", "1.5");
	assert_true(expansion_prop_str(x, "s", buf, sizeof(buf)));
	assert_string_equal(buf, "Genuine"); /* truncated */
	assert_false(expansion_prop_str(x, "n", buf, sizeof(buf)));
	assert_true(expansion_prop_int(x, "n", &v));
	assert_true(v == -12);
	assert_false(expansion_prop_int(x, "big", &v));
	assert_false(expansion_prop_int(x, "f", &v));
	assert_false(expansion_prop_int(x, "s", &v));
	assert_false(expansion_prop_int(x, "absent", &v));
}

static void test_resolve_machine(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *md;
	struct err e;

	err_clear(&e);
	md = dataset_resolve_machine(f->ds, "q35", &e);
	assert_non_null(md);
	assert_string_equal(md->machine, "pc-q35-7.2");
	md = dataset_resolve_machine(f->ds, "pc-i440fx-2.0", &e);
	assert_string_equal(md->machine, "pc-i440fx-2.0");
	assert_null(dataset_resolve_machine(f->ds, "pc", &e));
	assert_string_equal(test_estr(&e), "no CPU data for machine type 'pc' (alias of 'pc-i440fx-7.2'); the data has pc-q35-7.2, pc-i440fx-2.0");
	assert_null(dataset_resolve_machine(f->ds, NULL, &e));
	assert_string_equal(test_estr(&e), "no CPU data for the default machine type 'pc-i440fx-7.2'");
	assert_null(dataset_resolve_machine(f->ds, "none", &e));
	assert_string_equal(test_estr(&e), "no CPU data for machine type 'none'; the data has pc-q35-7.2, pc-i440fx-2.0");
	assert_null(dataset_resolve_machine(f->ds, "pc-q35-7.3", &e));
	assert_string_equal(test_estr(&e), "unknown machine type 'pc-q35-7.3'; did you mean "
				      "'pc-q35-7.0', 'pc-q35-7.1', 'pc-q35-7.2' or 'pc-q35-2.4'?");
	assert_null(dataset_resolve_machine(f->ds, "Q35", &e));
	assert_string_equal(test_estr(&e), "unknown machine type 'Q35'; did you mean 'q35'?");
	assert_null(dataset_resolve_machine(f->ds, "zzzzzzzzzz", &e));
	assert_string_equal(test_estr(&e), "unknown machine type 'zzzzzzzzzz'");
	/* --machine follows the name rule too */
	assert_null(dataset_resolve_machine(f->ds, "q35\x1b[2J", &e));
	assert_string_equal(test_estr(&e), "machine type name \"q35\\e[2J\" has a control "
			    "character (U+001B)");
	/* data for "none" makes it resolvable even without query-machines */
	dataset_mdata(f->ds, "none");
	md = dataset_resolve_machine(f->ds, "none", &e);
	assert_non_null(md);
	assert_string_equal(md->machine, "none");
}

static void test_resolve_machine_bare(void **state)
{
	struct test_dataset *f = *state;
	struct err e;

	err_clear(&e);
	assert_null(dataset_resolve_machine(f->ds, NULL, &e));
	assert_string_equal(test_estr(&e), "no default machine type in this data; pick one with --machine");
	dataset_mdata(f->ds, "pc-q35-7.2");
	/* only one machine type captured: it is the default */
	assert_string_equal(dataset_resolve_machine(f->ds, NULL, &e)->machine, "pc-q35-7.2");
}

static void test_lookup_haswell(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *q35 = dataset_find_mdata(f->ds, "pc-q35-7.2");
	const struct mdata *old = dataset_find_mdata(f->ds, "pc-i440fx-2.0");
	struct model_view mv;
	struct err e;

	err_clear(&e);
	assert_true(model_lookup(f->ds, q35, "Haswell", &mv, &e));
	assert_string_equal(mv.name, "Haswell");
	assert_string_equal(mv.resolved, "Haswell-v1");
	assert_string_equal(mv.base, "Haswell");
	assert_int_equal(mv.version, 1);
	assert_true(mv.is_alias);
	assert_non_null(mv.full);
	assert_non_null(mv.stat);
	assert_string_equal(mv.vendor, "GenuineIntel");
	assert_true(mv.family == 6 && mv.model == 60 && mv.stepping == 4);
	assert_string_equal(mv.model_id, "Intel Core Processor (Haswell)");

	/* pc-i440fx-2.0: no alias-of, stepping 1 */
	assert_true(model_lookup(f->ds, old, "Haswell", &mv, &e));
	assert_string_equal(mv.resolved, "Haswell");
	assert_int_equal(mv.version, 0);
	assert_true(mv.is_alias); /* a bare name that has versions */
	assert_true(mv.stepping == 1);

	/* versioned and fixed-alias names */
	assert_true(model_lookup(f->ds, q35, "Haswell-v4", &mv, &e));
	assert_false(mv.is_alias);
	assert_int_equal(mv.version, 4);
	assert_string_equal(mv.base, "Haswell");
	assert_null(mv.full); /* not captured */
	assert_true(mv.family == -1 && mv.stepping == -1);
	assert_string_equal(mv.vendor, "");
	assert_true(model_lookup(f->ds, q35, "Haswell-noTSX", &mv, &e));
	assert_string_equal(mv.resolved, "Haswell-v2");
	assert_int_equal(mv.version, 2);
	assert_true(mv.is_alias);
	assert_true(model_lookup(f->ds, q35, "max", &mv, &e));
	assert_false(mv.is_alias);
	assert_int_equal(mv.version, 0);
}

static void test_lookup_unknown(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *q35 = dataset_find_mdata(f->ds, "pc-q35-7.2");
	struct model_view mv;
	struct err e;

	err_clear(&e);
	/* QEMU 7.2 is case-sensitive: -cpu haswell fails, so lookup fails too */
	assert_false(model_lookup(f->ds, q35, "haswell", &mv, &e));
	assert_string_equal(test_estr(&e),
			    "unknown CPU model 'haswell' (not in QEMU 7.2.22); did you mean 'Haswell'?");
	assert_false(model_lookup(f->ds, q35, "Haswel", &mv, &e));
	assert_string_equal(test_estr(&e), "unknown CPU model 'Haswel' (not in QEMU 7.2.22); "
				      "did you mean 'Haswell', 'Haswell-IBRS', 'Haswell-noTSX' or "
				      "'Haswell-noTSX-IBRS'?");
	assert_false(model_lookup(f->ds, q35, "Skylake", &mv, &e));
	assert_string_equal(test_estr(&e), "unknown CPU model 'Skylake' (not in QEMU 7.2.22); "
				      "did you mean 'Skylake-Client', 'Skylake-Client-IBRS', "
				      "'Skylake-Client-noTSX-IBRS' or 'Skylake-Client-v1'?");
	assert_false(model_lookup(f->ds, q35, "Haswell-x86_64-cpu", &mv, &e));
	assert_string_equal(test_estr(&e), "unknown CPU model 'Haswell-x86_64-cpu' (not in QEMU "
				      "7.2.22); did you mean 'Haswell'?");
	assert_false(model_lookup(f->ds, q35, "qqqqqqqqqqqqqq", &mv, &e));
	assert_string_equal(test_estr(&e),
			    "unknown CPU model 'qqqqqqqqqqqqqq' (not in QEMU 7.2.22)");
	assert_false(model_lookup(f->ds, dataset_mdata(f->ds, "empty"), "Haswell", &mv, &e));
	assert_string_equal(test_estr(&e), "no CPU definitions for machine type 'empty'");
}

static void test_versions(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *q35 = dataset_find_mdata(f->ds, "pc-q35-7.2");
	struct vec v = VEC_INIT;

	model_versions(q35, "Haswell", &v);
	assert_int_equal(v.n, 4);
	for (size_t i = 0; i < v.n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "Haswell-v%zu", i + 1);
		assert_string_equal(((const struct cpu_def *)vec_get(&v, i))->name, want);
	}
	v.n = 0;
	model_versions(q35, "Cascadelake-Server", &v);
	assert_int_equal(v.n, 5);
	v.n = 0;
	model_versions(q35, "max", &v);
	assert_int_equal(v.n, 0);
	vec_fini(&v, NULL);
}

static void test_mdata_basics(void **state)
{
	struct test_dataset *f = *state;
	struct mdata *md = dataset_mdata(f->ds, "m");
	struct cpu_def *d = calloc(1, sizeof(*d));

	assert_ptr_equal(dataset_mdata(f->ds, "m"), md);
	assert_ptr_equal(dataset_find_mdata(f->ds, "m"), md);
	assert_null(dataset_find_mdata(f->ds, "n"));
	d->name = strdup("X");
	mdata_add_def(md, d);
	assert_ptr_equal(mdata_def(md, "X"), d);
	assert_true(md->defs_known);
	mdata_set_expansion(md, "X", 3, -1);
	mdata_set_expansion(md, "X", -1, 4);
	assert_null(dataset_expansion(f->ds, md, "X", true)); /* index past the pool */
	assert_null(dataset_expansion(f->ds, md, "Y", true));
	assert_null(dataset_expansion(f->ds, NULL, "X", true));
	/* shared definition records: freed once the last owner lets go */
	d->extra_refs++;
	mdata_add_def(dataset_mdata(f->ds, "m2"), d);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_of),
		cmocka_unit_test(test_name_order),
		cmocka_unit_test_setup_teardown(test_pool_dedupe_and_delta, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_prop_unset_and_decode, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_machine, test_dataset_setup_qemu72, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_machine_bare, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_haswell, test_dataset_setup_qemu72, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_unknown, test_dataset_setup_qemu72, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_versions, test_dataset_setup_qemu72, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_mdata_basics, test_dataset_setup, test_dataset_teardown),
	};

	return TEST_RUN("model", tests, argc, argv);
}
