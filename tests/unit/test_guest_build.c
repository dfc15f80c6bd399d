/* test_guest_build.c - guest_build(): the one validation of a guest CPU
 * that `cpuscope build` and the TUI's editor share.  Data: the bundled
 * QEMU 7.2 snapshot, libvirt 9.0's cpu_map and the TCG domcapabilities
 * host (data/hosts/qemu-7.2-tcg-domcaps.xml). */
#include "testutil.h"
#include "testdata.h"

#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "err.h"
#include "guest.h"
#include "guest_build.h"
#include "host_load.h"
#include "snapshot.h"

struct fix {
	struct ftable *ft;
	struct dataset *ds;
	struct cpu_map *map;
	struct host *host;
	struct guest_ctx ctx;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct err e;

	err_clear(&e);
	f->ft = ftable_new(ARCH_X86_64);
	f->ds = snapshot_load(test_path("data/qemu-7.2-x86_64.json"), f->ft, &e);
	assert_non_null(f->ds);
	f->map = cpu_map_load(test_path("data/cpu_map"), ARCH_X86_64, f->ft, &e);
	assert_non_null(f->map);
	f->host = host_load(test_path("data/hosts/qemu-7.2-tcg-domcaps.xml"), f->ft, &e);
	assert_non_null(f->host);
	assert_true(host_resolve(f->host, f->map, &e));
	f->ctx.ds = f->ds;
	f->ctx.md = dataset_resolve_machine(f->ds, "pc-i440fx-7.2", &e);
	assert_non_null(f->ctx.md);
	f->ctx.host = f->host;
	f->ctx.host_label = "tcg";
	f->ctx.map = f->map;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	host_free(f->host);
	cpu_map_free(f->map);
	dataset_free(f->ds);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static struct guest_cpu *req(const char *model)
{
	struct guest_cpu *g = guest_cpu_new();

	g->model = model ? xstrdup(model) : NULL;
	return g;
}

/* Add (name, policy) as given, even when the name is there already. */
static void add(struct guest_cpu *g, const char *name, enum policy p, int line)
{
	struct guest_feature *gf = xcalloc(1, sizeof(*gf));

	gf->name = xstrdup(name);
	gf->policy = p;
	gf->line = line;
	vec_push(&g->features, gf);
}

static void expect_error_at(struct fix *f, struct guest_cpu *g, int version, int line, const char *msg)
{
	struct guest_built b;
	struct err e;

	err_clear(&e);
	if (guest_build(&f->ctx, g, version, &b, &e))
		fail_msg("built, expected: %s", msg);
	assert_string_equal(e.msg, msg);
	assert_int_equal(e.line, line);
	assert_null(b.cpu);
	assert_null(b.xml);
	guest_cpu_free(g);
}

static void expect_error(struct fix *f, struct guest_cpu *g, int version, const char *msg)
{
	expect_error_at(f, g, version, 0, msg);
}

static void test_unknown_feature(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");

	add(g, "rtn", POLICY_DISABLE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "unknown feature 'rtn'; did you mean rtm?");
	/* from a file: the line */
	g = req("Haswell");
	add(g, "avx-512f", POLICY_REQUIRE, 7);
	expect_error_at(f, g, GUEST_VERSION_AS_GIVEN, 7, "unknown feature 'avx-512f'; did you mean avx512f?");
	g = req("Haswell");
	add(g, "zzzzzzzz", POLICY_REQUIRE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN,
		     "unknown feature 'zzzzzzzz': neither QEMU nor libvirt knows it");
	/* QEMU's 'kvm' property is no CPU feature (interned from the data) */
	g = req("Haswell");
	add(g, "kvm", POLICY_DISABLE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "'kvm' is not a CPU feature: QEMU's kvm property "
		     "hides the KVM signature, which libvirt sets with <kvm><hidden state='on'/></kvm>");
	/* a name a host file carried is as unknown as one typed */
	ftable_intern(f->ft, "rtn");
	g = req("Haswell");
	add(g, "rtn", POLICY_REQUIRE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "unknown feature 'rtn'; did you mean rtm?");
}

static void test_two_spellings(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");
	struct guest_built b;
	struct err e;

	add(g, "pclmulqdq", POLICY_REQUIRE, 0);
	add(g, "pclmuldq", POLICY_DISABLE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN,
		     "feature 'pclmuldq' has two policies (require as 'pclmulqdq', disable as "
		     "'pclmuldq': one feature, two spellings)");
	g = req("Haswell");
	add(g, "avx2", POLICY_REQUIRE, 0);
	add(g, "avx2", POLICY_DISABLE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "feature 'avx2' has two policies (require and disable)");
	/* one policy under two spellings is one entry, the first spelling */
	g = req("Haswell");
	add(g, "sse4_1", POLICY_REQUIRE, 0);
	add(g, "pclmulqdq", POLICY_REQUIRE, 0);
	add(g, "sse4.1", POLICY_REQUIRE, 0);
	add(g, "pclmuldq", POLICY_REQUIRE, 0);
	err_clear(&e);
	assert_true(guest_build(&f->ctx, g, GUEST_VERSION_AS_GIVEN, &b, &e));
	assert_int_equal(b.cpu->features.n, 2);
	assert_string_equal(((struct guest_feature *)b.cpu->features.v[0])->name, "sse4_1");
	assert_string_equal(((struct guest_feature *)b.cpu->features.v[1])->name, "pclmulqdq");
	assert_non_null(strstr(b.xml, "<feature policy='require' name='sse4.1'/>"));
	assert_non_null(strstr(b.xml, "<feature policy='require' name='pclmuldq'/>"));
	assert_string_equal(b.qemu, "Haswell,sse4.1=on,pclmulqdq=on");
	guest_build_fini(&b);
	guest_cpu_free(g);
}

static void test_injection(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");

	add(g, "x=on", POLICY_REQUIRE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "'x=on' is not a feature name: QEMU's are letters, "
		     "digits, '-', '_' and '.' (the policy says on or off)");
	g = req("Haswell,kvm=off");
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "'Haswell,kvm=off' is not a CPU model name: QEMU's "
		     "are letters, digits, '-', '_' and '.'");
	g = req("Haswell");
	g->vendor_id = xstrdup("Genu,kvm=off");
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "vendor_id must be printable ASCII without ',' "
		     "(libvirt refuses it: QEMU's vendor= would end there)");
}

static void test_vendor_id(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");
	struct guest_built b;
	struct err e;

	g->vendor_id = xstrdup("GenuineIntel");
	err_clear(&e);
	assert_true(guest_build(&f->ctx, g, GUEST_VERSION_AS_GIVEN, &b, &e));
	assert_string_equal(b.qemu, "Haswell,vendor=GenuineIntel");
	assert_non_null(strstr(b.xml, "<model fallback='allow' vendor_id='GenuineIntel'>Haswell</model>"));
	guest_build_fini(&b);
	guest_cpu_free(g);
	g = req("Haswell");
	g->vendor_id = xstrdup("Intel");
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "vendor_id must be exactly 12 characters, a CPUID "
		     "vendor string like GenuineIntel (got 5)");
	g = req(NULL);
	g->mode = MODE_HOST_PASSTHROUGH;
	g->vendor_id = xstrdup("GenuineIntel");
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "vendor_id makes no sense with mode host-passthrough "
		     "(the CPU, and its vendor, is the host's or QEMU's maximum)");
	g = req(NULL);
	g->vendor_id = xstrdup("GenuineIntel");
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "vendor_id needs a model (it is an attribute of "
		     "libvirt's <model>)");
}

static void test_versions(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");
	struct guest_built b;
	struct err e;

	err_clear(&e);
	assert_true(guest_build(&f->ctx, g, 4, &b, &e));
	assert_string_equal(b.cpu->model, "Haswell-v4");
	assert_string_equal(b.base, "Haswell");
	guest_build_fini(&b);
	expect_error(f, g, GUEST_VERSION_BEST, "no version of Haswell is usable on tcg (see cpuscope "
		     "explain Haswell)");
	g = req("Haswell");
	expect_error(f, g, 9, "unknown CPU model 'Haswell-v9' (not in QEMU 7.2.22); did you mean 'Haswell-v1', 'Haswell-v2', "
		     "'Haswell-v3' or 'Haswell-v4'?");
	/* the best usable version on this host */
	g = req("Westmere");
	assert_true(guest_build(&f->ctx, g, GUEST_VERSION_BEST, &b, &e));
	assert_string_equal(b.cpu->model, "Westmere-v1");
	assert_int_equal(b.psabi, 2);
	guest_build_fini(&b);
	guest_cpu_free(g);
}

static void test_shape(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req(NULL);

	add(g, "avx2", POLICY_REQUIRE, 0);
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "features without a model: libvirt refuses a "
		     "custom CPU with features but no <model>");
	g = req("Haswell");
	g->mode = MODE_MAXIMUM;
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "a model makes no sense with mode maximum (the CPU is "
		     "the host's or QEMU's maximum)");
	g = req(NULL);
	g->mode = MODE_HOST_MODEL;
	g->match = MATCH_STRICT;
	expect_error(f, g, GUEST_VERSION_AS_GIVEN, "match applies to mode custom only");
	g = req(NULL);
	expect_error(f, g, GUEST_VERSION_BEST, "a version needs a model");
}

/* Lints are the traps of a valid CPU; the -cpu notes come after them. */
static void test_lints(void **state)
{
	struct fix *f = *state;
	struct guest_cpu *g = req("Haswell");
	struct guest_built b;
	struct err e;

	add(g, "pdpe1gb", POLICY_OPTIONAL, 0);
	err_clear(&e);
	assert_true(guest_build(&f->ctx, g, GUEST_VERSION_AS_GIVEN, &b, &e));
	assert_int_equal(b.lints.n, 2);
	assert_string_equal(b.lints.v[0], "Haswell is an Intel model but the host is AMD: guests may "
			    "take vendor-specific code paths that do not fit");
	assert_non_null(strstr(b.lints.v[1], "optional 'pdpe1gb' becomes require or disable"));
	assert_int_equal(b.psabi, 3);
	guest_build_fini(&b);
	guest_cpu_free(g);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_feature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_spellings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vendor_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lints, setup, teardown),
	};
	return TEST_RUN("guest_build", tests, argc, argv);
}
