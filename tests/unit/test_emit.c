/* test_emit.c - the -cpu value and the <cpu> XML from a guest CPU, and
 * that nothing printed as -cpu can carry an extra option. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "feature.h"
#include "guest.h"
#include "host.h"

static struct guest_cpu *custom(const char *model)
{
	struct guest_cpu *g = guest_cpu_new();

	g->model = xstrdup(model);
	return g;
}

static void test_qemu_value(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct guest_cpu *g = custom("Haswell");
	const char *why = NULL;
	char *q;

	(void)state;
	guest_cpu_set_policy(g, "pclmuldq", POLICY_REQUIRE); /* libvirt's spelling in, QEMU's out */
	guest_cpu_set_policy(g, "hle", POLICY_DISABLE);
	g->vendor_id = xstrdup("GenuineIntel");
	q = emit_qemu_cpu(g, ft, NULL, NULL, &why);
	assert_string_equal(q, "Haswell,vendor=GenuineIntel,pclmulqdq=on,hle=off");
	free(q);
	q = emit_guest_xml(g, ft, 0);
	assert_string_equal(q, "<cpu mode='custom' match='exact'>\n"
			       "  <model fallback='allow' vendor_id='GenuineIntel'>Haswell</model>\n"
			       "  <feature policy='require' name='pclmuldq'/>\n"
			       "  <feature policy='disable' name='hle'/>\n"
			       "</cpu>\n");
	free(q);
	guest_cpu_free(g);
	ftable_free(ft);
}

/* What guest_build() refuses never reaches -cpu even when it gets here. */
static void test_no_injection(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	const char *why = NULL;
	struct guest_cpu *g;
	char *q;

	(void)state;
	g = custom("Haswell,kvm=off");
	assert_null(emit_qemu_cpu(g, ft, NULL, NULL, &why));
	assert_non_null(strstr(why, "model name is not a QEMU name"));
	guest_cpu_free(g);

	g = custom("Haswell");
	guest_cpu_set_policy(g, "x=on,kvm=off", POLICY_REQUIRE);
	why = NULL;
	assert_null(emit_qemu_cpu(g, ft, NULL, NULL, &why));
	assert_non_null(strstr(why, "feature name is not a QEMU name"));
	guest_cpu_free(g);

	g = custom("Haswell");
	g->vendor_id = xstrdup("Genu,kvm=off");
	why = NULL;
	assert_null(emit_qemu_cpu(g, ft, NULL, NULL, &why));
	assert_non_null(strstr(why, "vendor_id"));
	/* the XML escapes what it writes instead */
	q = emit_guest_xml(g, ft, 0);
	assert_non_null(strstr(q, "vendor_id='Genu,kvm=off'"));
	free(q);
	guest_cpu_free(g);

	/* a host-model CPU's own features come from a file too */
	struct host *h = host_new(HOST_DOMCAPS, ARCH_X86_64, ft, "t");
	h->model = xstrdup("EPYC");
	fset_add(&h->listed, ftable_intern(ft, "x,kvm=off"));
	g = guest_cpu_new();
	g->mode = MODE_HOST_MODEL;
	why = NULL;
	assert_null(emit_qemu_cpu(g, ft, h, NULL, &why));
	assert_non_null(strstr(why, "feature name is not a QEMU name"));
	guest_cpu_free(g);
	host_free(h);
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_value),
		cmocka_unit_test(test_no_injection),
	};
	return TEST_RUN("emit", tests, argc, argv);
}
