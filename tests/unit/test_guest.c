/* test_guest.c - guest CPU enums, names and per-feature policies. */
#include "testutil.h"

#include <string.h>

#include "feature.h"
#include "guest.h"

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < MODE__COUNT; i++) {
		enum cpu_mode v = MODE__COUNT;
		assert_true(cpu_mode_parse(cpu_mode_name((enum cpu_mode)i), &v));
		assert_int_equal(v, i);
	}
	for (int i = MATCH_UNSET + 1; i < MATCH__COUNT; i++) {
		enum cpu_match v = MATCH_UNSET;
		assert_true(cpu_match_parse(cpu_match_name((enum cpu_match)i), &v));
		assert_int_equal(v, i);
	}
	for (int i = CHECK_UNSET + 1; i < CHECK__COUNT; i++) {
		enum cpu_check v = CHECK_UNSET;
		assert_true(cpu_check_parse(cpu_check_name((enum cpu_check)i), &v));
		assert_int_equal(v, i);
	}
	for (int i = FALLBACK_UNSET + 1; i < FALLBACK__COUNT; i++) {
		enum cpu_fallback v = FALLBACK_UNSET;
		assert_true(cpu_fallback_parse(cpu_fallback_name((enum cpu_fallback)i), &v));
		assert_int_equal(v, i);
	}
	for (int i = POLICY_NONE + 1; i < POLICY__COUNT; i++) {
		enum policy v = POLICY_NONE;
		assert_true(policy_parse(policy_name((enum policy)i), &v));
		assert_int_equal(v, i);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(cpu_mode_name(MODE_CUSTOM), "custom");
	assert_string_equal(cpu_mode_name(MODE_HOST_MODEL), "host-model");
	assert_string_equal(cpu_mode_name(MODE_HOST_PASSTHROUGH), "host-passthrough");
	assert_string_equal(cpu_mode_name(MODE_MAXIMUM), "maximum");
	assert_string_equal(cpu_match_name(MATCH_MINIMUM), "minimum");
	assert_string_equal(cpu_match_name(MATCH_EXACT), "exact");
	assert_string_equal(cpu_match_name(MATCH_STRICT), "strict");
	assert_string_equal(cpu_check_name(CHECK_NONE), "none");
	assert_string_equal(cpu_check_name(CHECK_PARTIAL), "partial");
	assert_string_equal(cpu_check_name(CHECK_FULL), "full");
	assert_string_equal(cpu_fallback_name(FALLBACK_ALLOW), "allow");
	assert_string_equal(cpu_fallback_name(FALLBACK_FORBID), "forbid");
	assert_string_equal(policy_name(POLICY_FORCE), "force");
	assert_string_equal(policy_name(POLICY_REQUIRE), "require");
	assert_string_equal(policy_name(POLICY_OPTIONAL), "optional");
	assert_string_equal(policy_name(POLICY_DISABLE), "disable");
	assert_string_equal(policy_name(POLICY_FORBID), "forbid");
	/* Unset values print as "" (also out of range). */
	assert_string_equal(cpu_match_name(MATCH_UNSET), "");
	assert_string_equal(cpu_check_name(CHECK_UNSET), "");
	assert_string_equal(cpu_fallback_name(FALLBACK_UNSET), "");
	assert_string_equal(policy_name(POLICY_NONE), "");
	assert_string_equal(policy_name(POLICY__COUNT), "");
	assert_string_equal(cpu_mode_name(MODE__COUNT), "");
}

static void test_parse_rejects(void **state)
{
	(void)state;
	enum cpu_mode m = MODE_MAXIMUM;
	enum cpu_match ma = MATCH_STRICT;
	enum cpu_check c = CHECK_FULL;
	enum cpu_fallback f = FALLBACK_ALLOW;
	enum policy p = POLICY_FORCE;

	assert_false(cpu_mode_parse("", &m));
	assert_false(cpu_mode_parse(NULL, &m));
	assert_false(cpu_mode_parse("Custom", &m));
	assert_false(cpu_mode_parse("passthrough", &m));
	assert_false(cpu_match_parse("", &ma));
	assert_false(cpu_match_parse("loose", &ma));
	assert_false(cpu_check_parse("", &c));
	assert_false(cpu_check_parse("default", &c));
	assert_false(cpu_fallback_parse("", &f));
	assert_false(cpu_fallback_parse("yes", &f));
	assert_false(policy_parse("", &p));
	assert_false(policy_parse("maybe", &p));
	assert_false(policy_parse("REQUIRE", &p));
	/* Outputs untouched on failure. */
	assert_int_equal(m, MODE_MAXIMUM);
	assert_int_equal(ma, MATCH_STRICT);
	assert_int_equal(c, CHECK_FULL);
	assert_int_equal(f, FALLBACK_ALLOW);
	assert_int_equal(p, POLICY_FORCE);
}

static void test_new_defaults(void **state)
{
	(void)state;
	struct guest_cpu *g = guest_cpu_new();

	assert_int_equal(g->mode, MODE_CUSTOM);
	assert_int_equal(g->match, MATCH_UNSET);
	assert_int_equal(g->check, CHECK_UNSET);
	assert_int_equal(g->fallback, FALLBACK_UNSET);
	assert_int_equal(g->migratable, -1);
	assert_null(g->model);
	assert_null(g->vendor);
	assert_null(g->vendor_id);
	assert_false(g->has_topology);
	assert_false(g->host_cpu);
	assert_int_equal(g->features.n, 0);
	guest_cpu_free(g);
	guest_cpu_free(NULL);
}

static const char *feature_name_at(const struct guest_cpu *g, size_t i)
{
	return ((const struct guest_feature *)vec_get(&g->features, i))->name;
}

static void test_set_policy(void **state)
{
	(void)state;
	struct guest_cpu *g = guest_cpu_new();

	guest_cpu_set_policy(g, "vmx", POLICY_REQUIRE);
	guest_cpu_set_policy(g, "hle", POLICY_FORBID);
	guest_cpu_set_policy(g, "pcid", POLICY_FORCE);
	assert_int_equal(g->features.n, 3);
	assert_int_equal(guest_cpu_feature(g, "hle")->policy, POLICY_FORBID);

	/* Replace keeps the position. */
	guest_cpu_set_policy(g, "vmx", POLICY_DISABLE);
	assert_int_equal(g->features.n, 3);
	assert_string_equal(feature_name_at(g, 0), "vmx");
	assert_int_equal(guest_cpu_feature(g, "vmx")->policy, POLICY_DISABLE);

	/* POLICY_NONE removes; order of the rest is kept. */
	guest_cpu_set_policy(g, "hle", POLICY_NONE);
	assert_int_equal(g->features.n, 2);
	assert_null(guest_cpu_feature(g, "hle"));
	assert_string_equal(feature_name_at(g, 0), "vmx");
	assert_string_equal(feature_name_at(g, 1), "pcid");

	/* Removing an absent feature, or adding with NONE, is a no-op. */
	guest_cpu_set_policy(g, "hle", POLICY_NONE);
	guest_cpu_set_policy(g, "rtm", POLICY_NONE);
	assert_int_equal(g->features.n, 2);

	/* Names are exact (libvirt compares feature names as strings). */
	assert_null(guest_cpu_feature(g, "VMX"));
	guest_cpu_set_policy(g, "pcid", POLICY_NONE);
	guest_cpu_set_policy(g, "vmx", POLICY_NONE);
	assert_int_equal(g->features.n, 0);
	guest_cpu_set_policy(g, "sse4.2", POLICY_OPTIONAL);
	assert_string_equal(feature_name_at(g, 0), "sse4.2");
	guest_cpu_free(g);
}

/* Policies by feature identity: pclmulqdq (QEMU, Linux) and pclmuldq
 * (libvirt) are one feature. */
static void test_policy_by_identity(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct guest_cpu *g = guest_cpu_new();
	const struct feature *f = ftable_lookup(ft, "pclmuldq");

	(void)state;
	assert_non_null(f);
	assert_ptr_equal(ftable_lookup(ft, "pclmulqdq"), f);
	guest_cpu_set_policy(g, "pclmulqdq", POLICY_REQUIRE);
	guest_cpu_set_policy(g, "hle", POLICY_DISABLE);
	assert_null(guest_cpu_feature(g, "pclmuldq"));
	assert_string_equal(guest_cpu_feature_of(g, ft, f)->name, "pclmulqdq");
	/* one spelling replaces the other, in place of neither */
	guest_cpu_set_feature_policy(g, ft, f, "pclmuldq", POLICY_DISABLE);
	assert_int_equal(g->features.n, 2);
	assert_string_equal(feature_name_at(g, 0), "hle");
	assert_string_equal(feature_name_at(g, 1), "pclmuldq");
	assert_int_equal(guest_cpu_feature_of(g, ft, f)->policy, POLICY_DISABLE);
	guest_cpu_set_feature_policy(g, ft, f, "pclmulqdq", POLICY_NONE);
	assert_null(guest_cpu_feature_of(g, ft, f));
	assert_int_equal(g->features.n, 1);
	guest_cpu_free(g);
	ftable_free(ft);
}

static void test_vendor_id(void **state)
{
	(void)state;
	assert_true(guest_vendor_id_ok("GenuineIntel"));
	assert_true(guest_vendor_id_ok("  Shanghai  "));
	assert_false(guest_vendor_id_ok("GenuineIntel!")); /* 13 */
	assert_false(guest_vendor_id_ok("Intel"));
	assert_false(guest_vendor_id_ok("Genuine,ntel")); /* libvirt: "vendor id is invalid" */
	assert_false(guest_vendor_id_ok("Genuine\tntel"));
	assert_false(guest_vendor_id_ok("Genuin\xc3\xa9ntel"));
	assert_false(guest_vendor_id_ok(NULL));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_new_defaults),
		cmocka_unit_test(test_set_policy),
		cmocka_unit_test(test_policy_by_identity),
		cmocka_unit_test(test_vendor_id),
	};
	return TEST_RUN("guest", tests, argc, argv);
}
