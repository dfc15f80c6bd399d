/* test_compare.c - hypervisor compare in libvirt 9.0's and 11's semantics,
 * against libvirt 11.3's own domain capabilities (tests/domaincapsdata of
 * the 11.3 release: QEMU 10.0 under TCG, and under KVM on a Ryzen 9 3900X)
 * with the 11.3 map.  The verdicts below were checked against a live
 * libvirt 11.3 (tests/interop/virsh11.sh does it on random CPUs). */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "cpu_map.h"
#include "err.h"
#include "guest.h"
#include "host.h"
#include "host_load.h"
#include "libvirt_version.h"
#include "util.h"
#include "xml_cpu.h"

#define DC "tests/data/libvirt/v11.3.0/domaincapsdata/"

static struct host *load_host(struct test_maps *v, const char *rel, const struct cpu_map *map)
{
	struct err e;
	struct host *h;

	err_clear(&e);
	h = host_load(test_path(rel), v->ft, &e);
	if (!h)
		fail_msg("%s: %s", rel, e.msg);
	if (!host_resolve(h, map, &e))
		fail_msg("%s: %s", rel, e.msg);
	return h;
}

static struct guest_cpu *guest(const char *xml)
{
	struct err e;
	struct guest_cpu *g;

	err_clear(&e);
	g = xml_guest_parse("guest.xml", xml, strlen(xml), &e);
	if (!g)
		fail_msg("%s: %s", xml, e.msg);
	return g;
}

/* The verdict of xml against h; msg/how returned when asked. */
static enum cmp_result verdict(const struct host *h, const char *xml, const struct cpu_map *map,
			       enum lv_version lv, enum cmp_how *how, char **msg)
{
	struct guest_cpu *g = guest(xml);
	struct cmp_report r;
	struct err e;
	enum cmp_result res;

	err_clear(&e);
	if (!cpu_compare(h, g, map, lv_get(lv), &r, &e))
		fail_msg("%s: %s", xml, e.msg);
	res = r.result;
	if (how)
		*how = r.how;
	if (msg)
		*msg = r.message ? xstrdup(r.message) : NULL;
	cmp_report_fini(&r);
	guest_cpu_free(g);
	return res;
}

static char *bare(const char *model, const char *features)
{
	return xasprintf("<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>%s</model>\n"
			 "%s</cpu>\n", model, features ? features : "");
}

/* Every model of both domain capabilities, as a bare guest CPU and with
 * its blockers disabled: usable ones are SUPERSET at once; unusable ones
 * without <check partial='compat'/> are INCOMPATIBLE on exactly their
 * blockers, and SUPERSET once those are disabled; the others get the
 * compare.  libvirt 9.0 always compares. */
static void test_every_model(void **state)
{
	struct test_maps *v = *state;
	const char *files[] = { DC "qemu_10.0.0-tcg.x86_64.xml", DC "qemu_10.0.0.x86_64.xml" };
	size_t usable = 0, blocked = 0, compared = 0;

	for (size_t k = 0; k < ARRAY_LEN(files); k++) {
		struct host *h = load_host(v, files[k], v->map11);
		for (size_t i = 0; i < h->usability.n; i++) {
			const struct host_model_usability *u = h->usability.v[i];
			const struct cm_model *m = cpu_map_model(v->map11, u->name);
			struct strbuf dis = STRBUF_INIT;
			enum cmp_how how;
			char *x = bare(u->name, NULL), *xd = NULL, *msg = NULL;
			enum cmp_result r = verdict(h, x, v->map11, LV_11, &how, &msg);

			assert_non_null(m);
			for (int id = fset_next(&u->blockers, 0); id >= 0;
			     id = fset_next(&u->blockers, (unsigned)id + 1))
				sb_addf(&dis, "  <feature policy='disable' name='%s'/>\n",
					feature_libvirt_name(ftable_get(v->ft, (unsigned)id)));
			xd = bare(u->name, sb_str(&dis));
			if (u->usable == 1) {
				assert_int_equal(r, CMP_SUPERSET);
				assert_int_equal(how, CMP_HOW_USABLE);
				usable++;
			} else if (!m->check_partial_compat) {
				assert_int_equal(r, CMP_INCOMPATIBLE);
				assert_int_equal(how, CMP_HOW_BLOCKERS);
				for (int id = fset_next(&u->blockers, 0); id >= 0;
				     id = fset_next(&u->blockers, (unsigned)id + 1))
					assert_non_null(strstr(msg, feature_libvirt_name(
						ftable_get(v->ft, (unsigned)id))));
				assert_int_equal(verdict(h, xd, v->map11, LV_11, &how, NULL), CMP_SUPERSET);
				assert_int_equal(how, CMP_HOW_BLOCKERS);
				blocked++;
			} else {
				assert_int_equal(how, CMP_HOW_COMPARE);
				compared++;
			}
			free(msg);
			msg = NULL;
			verdict(h, x, v->map11, LV_9_0, &how, NULL);
			assert_int_equal(how, CMP_HOW_COMPARE);
			sb_fini(&dis);
			free(x);
			free(xd);
		}
		host_free(h);
	}
	/* both files: 145 models each */
	assert_int_equal(usable + blocked + compared, 290);
	assert_true(usable > 0 && blocked > 0 && compared > 0);
}

/* What libvirt 11.3 answered live (QEMU 10.0, TCG) and 9.0 would not. */
static void test_live_cases(void **state)
{
	struct test_maps *v = *state;
	struct host *h = load_host(v, DC "qemu_10.0.0-tcg.x86_64.xml", v->map11);
	enum cmp_how how;
	char *msg = NULL;

	/* usable + only disables: SUPERSET, neither vendor nor names checked */
	assert_int_equal(verdict(h, "<cpu><model>qemu64</model><vendor>Intel</vendor></cpu>",
				 v->map11, LV_11, &how, NULL), CMP_SUPERSET);
	assert_int_equal(how, CMP_HOW_USABLE);
	assert_int_equal(verdict(h, "<cpu><model>qemu64</model><vendor>Intel</vendor></cpu>",
				 v->map11, LV_9_0, NULL, &msg), CMP_INCOMPATIBLE);
	assert_string_equal(msg, "host CPU vendor does not match required CPU vendor Intel");
	free(msg);
	assert_int_equal(verdict(h, "<cpu><model>qemu64</model>"
				 "<feature policy='disable' name='sse9'/></cpu>",
				 v->map11, LV_11, NULL, NULL), CMP_SUPERSET);
	/* any other policy: the compare */
	assert_int_equal(verdict(h, "<cpu><model>qemu64</model>"
				 "<feature policy='forbid' name='sse2'/></cpu>",
				 v->map11, LV_11, &how, &msg), CMP_INCOMPATIBLE);
	assert_int_equal(how, CMP_HOW_COMPARE);
	assert_string_equal(msg, "Host CPU provides forbidden features: sse2");
	free(msg);
	/* a -vN model: QEMU's blockers (in CPUID order) and the required
	 * features by name, unknown ones included */
	assert_int_equal(verdict(h, "<cpu><model>Haswell-v1</model>"
				 "<feature policy='require' name='sse9'/></cpu>",
				 v->map11, LV_11, &how, &msg), CMP_INCOMPATIBLE);
	assert_int_equal(how, CMP_HOW_BLOCKERS);
	assert_string_equal(msg, "Host CPU does not provide required features: pcid, "
				 "tsc-deadline, hle, invpcid, rtm, sse9");
	free(msg);
	/* never IDENTICAL, strict or not */
	assert_int_equal(verdict(h, "<cpu match='strict'><model>qemu64-v1</model>"
				 "<feature policy='require' name='sse2'/></cpu>",
				 v->map11, LV_11, &how, NULL), CMP_SUPERSET);
	assert_int_equal(how, CMP_HOW_BLOCKERS);
	/* another spelling of a feature is not that feature */
	assert_int_equal(verdict(h, "<cpu><model>qemu64-v1</model>"
				 "<feature policy='require' name='sse4_1'/></cpu>",
				 v->map11, LV_11, NULL, &msg), CMP_INCOMPATIBLE);
	assert_string_equal(msg, "Host CPU does not provide required features: sse4_1");
	free(msg);
	/* a compat model QEMU cannot run: the compare, as in 9.0 */
	assert_int_equal(verdict(h, "<cpu><model>Haswell</model></cpu>", v->map11, LV_11, &how,
				 &msg), CMP_INCOMPATIBLE);
	assert_int_equal(how, CMP_HOW_COMPARE);
	free(msg);
	host_free(h);
}

/* A model QEMU knows that the map in use lacks is libvirt's error; a host
 * that is not a hypervisor's (capabilities, host <cpu>) always gets the
 * compare. */
static void test_errors_and_other_hosts(void **state)
{
	struct test_maps *v = *state;
	struct host *h = load_host(v, DC "qemu_10.0.0-tcg.x86_64.xml", v->map11);
	struct host *caps = load_host(v, "tests/data/libvirt-cputest/v11.3.0/x86_64-host.xml", v->map11);
	struct guest_cpu *g = guest("<cpu><model>Haswell-v1</model></cpu>");
	struct cmp_report r;
	struct err e;
	enum cmp_how how;
	char *msg = NULL;

	err_clear(&e);
	assert_false(cpu_compare(h, g, v->map9, lv_get(LV_11), &r, &e));
	assert_string_equal(e.msg, "unknown CPU model Haswell-v1");
	cmp_report_fini(&r);
	guest_cpu_free(g);
	/* a -vN model against a host CPU: the compare (its svm is missing) */
	assert_int_equal(verdict(caps, "<cpu><model>qemu64-v1</model></cpu>", v->map11, LV_11, &how,
				 &msg), CMP_INCOMPATIBLE);
	assert_int_equal(how, CMP_HOW_COMPARE);
	assert_string_equal(msg, "Host CPU does not provide required features: svm");
	free(msg);
	assert_int_equal(verdict(caps, "<cpu><model>Penryn</model></cpu>", v->map11, LV_11, &how,
				 NULL), CMP_SUPERSET);
	assert_int_equal(how, CMP_HOW_COMPARE);
	host_free(caps);
	host_free(h);
}

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(lv_for_release("9.0")->version, LV_9_0);
	assert_int_equal(lv_for_release("9.0.0")->version, LV_9_0);
	assert_int_equal(lv_for_release("8.0.0")->version, LV_9_0);
	assert_int_equal(lv_for_release("10.9.0")->version, LV_9_0);
	assert_int_equal(lv_for_release("10.10.0")->version, LV_11);
	assert_int_equal(lv_for_release("11")->version, LV_11);
	assert_int_equal(lv_for_release("11.3.0")->version, LV_11);
	assert_int_equal(lv_for_release("12.1")->version, LV_11);
	assert_null(lv_for_release("eleven"));
	assert_null(lv_for_release("11."));
	assert_null(lv_for_release("1.2.3.4"));
	assert_null(lv_for_release(""));
	assert_int_equal(lv_newest()->version, LV_11);
	assert_int_equal(lv_for_map(true)->version, LV_11);
	assert_int_equal(lv_for_map(false)->version, LV_9_0);
	assert_string_equal(lv_get(LV_11)->bundled_map, "cpu_map-11.3");
}

/* The bundled maps say which release they are from. */
static void test_maps_know_their_release(void **state)
{
	struct test_maps *v = *state;

	assert_false(cpu_map_has_compat_check(v->map9));
	assert_true(cpu_map_has_compat_check(v->map11));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_model, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_live_cases, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_other_hosts, test_maps_setup,
						test_maps_teardown),
		cmocka_unit_test(test_versions),
		cmocka_unit_test_setup_teardown(test_maps_know_their_release, test_maps_setup,
						test_maps_teardown),
	};
	return TEST_RUN("compare", tests, argc, argv);
}
