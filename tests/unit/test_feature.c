/* test_feature.c - feature table and featuresets. */
#include "testutil.h"

#include <string.h>

#include "feature.h"

static void test_lookup_any_spelling(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	const struct feature *pni = ftable_lookup(t, "pni");

	assert_non_null(pni);
	assert_ptr_equal(ftable_lookup(t, "sse3"), pni);
	assert_ptr_equal(ftable_lookup(t, "lahf_lm"), ftable_lookup(t, "lahf-lm"));
	assert_string_equal(feature_libvirt_name(ftable_lookup(t, "lahf-lm")), "lahf_lm");
	assert_string_equal(ftable_lookup(t, "pclmuldq")->name, "pclmulqdq");
	assert_null(ftable_lookup(t, "no-such-feature"));
	ftable_free(t);
}

static void test_intern_unknown(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	size_t n = ftable_count(t);
	unsigned id = ftable_intern(t, "frobnicate");

	assert_int_equal(id, n);
	assert_int_equal(ftable_count(t), n + 1);
	assert_true(ftable_get(t, id)->flags & FEAT_UNKNOWN);
	assert_int_equal(ftable_intern(t, "frobnicate"), id);
	ftable_free(t);
}

static void test_location(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	char buf[64];

	assert_string_equal(feature_location(ftable_lookup(t, "hle"), buf, sizeof(buf)),
			    "CPUID.07H:EBX[4]");
	assert_string_equal(feature_location(ftable_lookup(t, "pni"), buf, sizeof(buf)),
			    "CPUID.01H:ECX[0]");
	ftable_free(t);
}

static void test_fset_ops(void **state)
{
	(void)state;
	struct fset a = FSET_INIT, b = FSET_INIT, c = FSET_INIT;

	fset_add(&a, 1);
	fset_add(&a, 70);
	fset_add(&a, 200);
	fset_add(&b, 70);
	assert_int_equal(fset_count(&a), 3);
	assert_true(fset_subset(&b, &a));
	assert_false(fset_subset(&a, &b));
	fset_copy(&c, &a);
	fset_andnot(&c, &b);
	assert_false(fset_has(&c, 70));
	assert_true(fset_has(&c, 200));
	assert_int_equal(fset_next(&c, 0), 1);
	assert_int_equal(fset_next(&c, 2), 200);
	assert_int_equal(fset_next(&c, 201), -1);
	fset_and(&c, &b);
	assert_true(fset_empty(&c));
	fset_or(&c, &a);
	assert_true(fset_equal(&c, &a));
	fset_del(&c, 1);
	assert_false(fset_equal(&c, &a));
	fset_fini(&a);
	fset_fini(&b);
	fset_fini(&c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_any_spelling),
		cmocka_unit_test(test_intern_unknown),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_fset_ops),
	};
	return TEST_RUN("feature", tests, argc, argv);
}
