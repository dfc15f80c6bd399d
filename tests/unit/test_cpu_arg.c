/* test_cpu_arg.c - the value of -cpu read into a guest CPU. */
#include "testutil.h"

#include <string.h>

#include "cpu_arg.h"
#include "err.h"

static enum policy pol(const struct cpu_arg *a, const char *name)
{
	const struct guest_feature *f = guest_cpu_feature(a->g, name);

	return f ? f->policy : POLICY_NONE;
}

static void test_model_and_features(void **state)
{
	struct cpu_arg a;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(cpu_arg_parse("Haswell-v4,+avx,-hle,rtm=off,pcid,x2apic=on,aes=yes,sse4.2=false",
				  &a, &e));
	assert_int_equal(a.g->mode, MODE_CUSTOM);
	assert_string_equal(a.g->model, "Haswell-v4");
	assert_int_equal(pol(&a, "avx"), POLICY_REQUIRE);
	assert_int_equal(pol(&a, "hle"), POLICY_DISABLE);
	assert_int_equal(pol(&a, "rtm"), POLICY_DISABLE);
	assert_int_equal(pol(&a, "pcid"), POLICY_REQUIRE);
	assert_int_equal(pol(&a, "x2apic"), POLICY_REQUIRE);
	assert_int_equal(pol(&a, "aes"), POLICY_REQUIRE);
	assert_int_equal(pol(&a, "sse4.2"), POLICY_DISABLE);
	assert_false(a.enforce);
	assert_int_equal(a.check, -1);
	assert_int_equal(a.props.n, 0);
	cpu_arg_fini(&a);
}

/* QEMU applies +f/-f after every f=..., wherever they stand. */
static void test_plus_minus_win(void **state)
{
	struct cpu_arg a;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(cpu_arg_parse("qemu64,-sse3,sse3=on,avx=off,+avx", &a, &e));
	assert_int_equal(pol(&a, "sse3"), POLICY_DISABLE);
	assert_int_equal(pol(&a, "avx"), POLICY_REQUIRE);
	cpu_arg_fini(&a);
}

static void test_options_and_props(void **state)
{
	struct cpu_arg a;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(cpu_arg_parse("EPYC,enforce,check=off,vendor=AuthenticAMD,family=23,"
				  "model-id=My CPU (tm),tsc-frequency=2500000000", &a, &e));
	assert_true(a.enforce);
	assert_int_equal(a.check, 0);
	assert_string_equal(a.g->vendor_id, "AuthenticAMD");
	assert_int_equal(a.props.n, 3);
	assert_string_equal(a.props.v[0], "family=23");
	assert_string_equal(a.props.v[1], "model-id=My CPU (tm)");
	assert_int_equal(a.g->features.n, 0);
	cpu_arg_fini(&a);

	/* a value may hold '=' (QEMU splits at the first one) */
	assert_true(cpu_arg_parse("Haswell,model-id=a=b", &a, &e));
	assert_string_equal(a.props.v[0], "model-id=a=b");
	cpu_arg_fini(&a);

	assert_true(cpu_arg_parse("host,migratable=off", &a, &e));
	assert_int_equal(a.g->mode, MODE_HOST_PASSTHROUGH);
	assert_null(a.g->model);
	assert_int_equal(a.g->migratable, 0);
	cpu_arg_fini(&a);

	assert_true(cpu_arg_parse("max", &a, &e));
	assert_int_equal(a.g->mode, MODE_MAXIMUM);
	cpu_arg_fini(&a);
}

static void expect_error(const char *value, int col, const char *msg)
{
	struct cpu_arg a;
	struct err e;
	char buf[1200];

	err_clear(&e);
	assert_false(cpu_arg_parse(value, &a, &e));
	assert_null(a.g);
	assert_int_equal(a.props.n, 0);
	assert_int_equal(e.col, col);
	assert_string_equal(err_str(&e, buf, sizeof(buf)), msg);
}

/* Nothing that would add an option to -cpu gets through. */
static void test_errors(void **state)
{
	(void)state;
	expect_error("", 0, "-cpu: empty value (expected MODEL[,feature=on|off...])");
	expect_error("Haswell,,hle=off", 9,
		     "-cpu:1: ',,' (QEMU's escaped comma) is not accepted here");
	expect_error(",hle", 1, "-cpu:1: empty item");
	expect_error("Haswell,", 9, "-cpu:1: empty item after the last ','");
	expect_error("Has well", 1,
		     "-cpu:1: 'Has well' is not a CPU model name (letters, digits, '-', '_', '.'; at "
		     "most 64)");
	expect_error("-Haswell", 1,
		     "-cpu:1: '-Haswell' is not a CPU model name (letters, digits, '-', '_', '.'; at "
		     "most 64)");
	expect_error("Haswell,h le=off", 9,
		     "-cpu:1: 'h le' is not a QEMU name (letters, digits, '-', '_', '.'; at most 64)");
	expect_error("Haswell,+hle=on", 9, "-cpu:1: '+hle=on': a +/- feature takes no value");
	expect_error("Haswell,+-hle", 9,
		     "-cpu:1: '-hle' is not a QEMU feature name (letters, digits, '-', '_', '.')");
	expect_error("Haswell,hle=", 9, "-cpu:1: 'hle=': no value");
	expect_error("Haswell,model-id=a\tb", 9, "-cpu:1: the value of 'model-id' holds a control "
		     "character");
	expect_error("Haswell,enforce=maybe", 9, "-cpu:1: 'enforce' takes on or off");
	expect_error("Haswell,vendor=Intel", 9, "-cpu:1: vendor= takes exactly 12 characters (got 5)");
	expect_error("Haswell,a;b=on", 9,
		     "-cpu:1: 'a;b' is not a QEMU name (letters, digits, '-', '_', '.'; at most 64)");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_and_features),
		cmocka_unit_test(test_plus_minus_win),
		cmocka_unit_test(test_options_and_props),
		cmocka_unit_test(test_errors),
	};

	return TEST_RUN("cpu_arg", tests, argc, argv);
}
