/* test_baseline.c - baseline against libvirt's own expectations: every
 * baseline and cpuid-baseline row of cputest-expectations-v9.0.0.tsv and
 * -v11.3.0.tsv (transcribed from each release's tests/cputest.c), each
 * with its release's map and expected files; then the QEMU driver's
 * filtering (what `virsh cpu-baseline` prints) in each release, every
 * error, and thousands of CPUs. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cpu_map.h"
#include "emit.h"
#include "err.h"
#include "guest.h"
#include "host.h"
#include "xml_cpu.h"

#define DATA "tests/data/baseline/"

static void host_free_item(void *p)
{
	host_free(p);
}

/* Add every CPU of a file (host CPUs, or one guest CPU). */
static bool add_file(struct test_maps *v, struct baseline *b, const char *rel, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	bool ok = true;

	text = test_slurp(rel, &len);
	if (strstr(text, "<arch")) {
		struct vec hosts = VEC_INIT;
		ok = xml_hosts_parse(rel, text, len, v->ft, &hosts, e);
		for (size_t i = 0; ok && i < hosts.n; i++)
			ok = baseline_add_host(b, vec_get(&hosts, i), e);
		vec_fini(&hosts, host_free_item);
	} else {
		struct guest_cpu *g = xml_guest_parse(rel, text, len, e);
		ok = g && baseline_add_guest(b, g, e);
		guest_cpu_free(g);
	}
	free(text);
	return ok;
}

/* Baseline of files (NULL-terminated); returns the XML or NULL with e. */
static char *run(struct test_maps *v, const struct cpu_map *map, const struct baseline_opts *o,
		 const char *const *rels, struct err *e)
{
	struct baseline b;
	struct baseline_result r;
	char *xml = NULL;

	baseline_init(&b, map);
	for (size_t i = 0; rels[i]; i++)
		if (!add_file(v, &b, rels[i], e))
			goto out;
	if (!baseline_finish(&b, o, &r, e))
		goto out;
	xml = emit_guest_xml(r.cpu, v->ft, 0);
	baseline_result_fini(&r);
out:
	baseline_fini(&b);
	return xml;
}

static void expect_file(const char *got, const char *want_rel)
{
	char *want = test_slurp(want_rel, NULL);

	if (!got)
		fail_msg("no result for %s", want_rel);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs:\n--- want\n%s--- got\n%s", want_rel, want, got);
	free(want);
}

/* Every baseline / cpuid-baseline row of the release's TSV.  Returns rows
 * run. */
static size_t run_tsv(struct test_maps *v, const char *ver, const struct cpu_map *map)
{
	char tsvname[256];
	char *tsv = NULL;
	char *save = NULL;
	size_t rows = 0;

	snprintf(tsvname, sizeof(tsvname), "%scputest-expectations-%s.tsv", DATA, ver);
	tsv = test_slurp(tsvname, NULL);
	for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[5] = { NULL };
		char *p = line;
		char in1[512], in2[512], out[512];
		const char *rels[3] = { NULL };
		struct baseline_opts o = { false, false, false, NULL };
		struct err e;
		char *xml = NULL;
		size_t n = 0;

		if (line[0] == '#')
			continue;
		while (n < 5) {
			col[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 5)
			continue;
		err_clear(&e);
		if (!strcmp(col[0], "baseline")) {
			snprintf(in1, sizeof(in1), "%s%s/%s", DATA, ver, col[1]);
			rels[0] = in1;
			o.expand_features = !strcmp(col[2], "flags=expand-features");
			o.migratable = !strcmp(col[2], "flags=migratable");
			xml = run(v, map, &o, rels, &e);
			if (!strcmp(col[4], "ERROR")) {
				assert_null(xml);
				/* libvirt's words, then which CPU has which vendor */
				assert_true(str_startswith(e.msg, "CPU vendors do not match ("));
			} else {
				snprintf(out, sizeof(out), "%s%s/%s", DATA, ver, col[3]);
				if (!xml)
					fail_msg("%s: %s", col[1], e.msg);
				expect_file(xml, out);
			}
			rows++;
		} else if (!strcmp(col[0], "cpuid-baseline")) {
			char *plus = strstr(col[1], " + ");
			assert_non_null(plus);
			*plus = '\0';
			snprintf(in1, sizeof(in1), "%s%s/%s", DATA, ver, col[1]);
			snprintf(in2, sizeof(in2), "%s%s/%s", DATA, ver, plus + 3);
			rels[0] = in1;
			rels[1] = in2;
			xml = run(v, map, &o, rels, &e);
			if (!xml)
				fail_msg("%s: %s", col[3], e.msg);
			snprintf(out, sizeof(out), "%s%s/%s", DATA, ver, col[3]);
			expect_file(xml, out);
			rows++;
		}
		free(xml);
	}
	free(tsv);
	return rows;
}

static void test_libvirt_expectations_9(void **state)
{
	struct test_maps *v = *state;

	/* 9 baseline rows (one of them the vendor error) + 7 cpuid-baseline */
	assert_int_equal(run_tsv(v, "v9.0.0", v->map9), 16);
}

static void test_libvirt_expectations_11(void **state)
{
	struct test_maps *v = *state;

	/* the same 9 baseline rows (11.3's feature order) + 13 cpuid-baseline */
	assert_int_equal(run_tsv(v, "v11.3.0", v->map11), 22);
}

/* What `virsh -c qemu:///system cpu-baseline` prints (captured from
 * libvirt 9.0 on this project's reference machine): as libvirt's unit
 * test, minus osxsave, which the QEMU driver filters out. */
static void test_qemu_filter(void **state)
{
	struct test_maps *v = *state;
	const char *rels[] = { DATA "v9.0.0/x86_64-baseline-Westmere+Nehalem.xml", NULL };
	struct baseline_opts o = { false, false, true, NULL };
	struct err e;
	char *xml = NULL, *want = NULL, *osx = NULL;

	err_clear(&e);
	xml = run(v, v->map9, &o, rels, &e);
	assert_non_null(xml);
	want = test_slurp(DATA "v9.0.0/x86_64-baseline-Westmere+Nehalem-result.xml", NULL);
	osx = strstr(want, "  <feature policy='require' name='osxsave'/>\n");
	assert_non_null(osx);
	memmove(osx, strchr(osx, '\n') + 1, strlen(strchr(osx, '\n') + 1) + 1);
	assert_string_equal(xml, want);
	free(xml);
	free(want);
	assert_true(baseline_qemu_filtered("cmt", NULL));
	assert_true(baseline_qemu_filtered("ospke", NULL));
	assert_false(baseline_qemu_filtered("pku", NULL));
	assert_false(baseline_qemu_filtered("vmx-ept-wb", NULL));
	assert_false(baseline_qemu_filtered("vmx-ept-wb", lv_get(LV_9_0)));
	assert_true(baseline_qemu_filtered("vmx-ept-wb", lv_get(LV_11)));
	assert_true(baseline_qemu_filtered("osxsave", lv_get(LV_11)));

	/* --features: osxsave is filtered before the expansion. */
	o.expand_features = true;
	xml = run(v, v->map9, &o, rels, &e);
	assert_non_null(xml);
	assert_null(strstr(xml, "osxsave"));
	assert_non_null(strstr(xml, "  <feature policy='require' name='invtsc'/>\n"
				    "  <feature policy='require' name='lahf_lm'/>\n"));
	free(xml);
}

static bool add1(struct baseline *b, const char *model, const char *vendor, const struct fset *add,
		 const struct fset *del, struct err *e);

/* The QEMU driver's filter is its release's: with the 11.3 map, libvirt
 * 9.0's driver keeps vmx-ept-wb (it filters only the five it knew), 11's
 * drops it; both drop osxsave. */
static void test_qemu_filter_versions(void **state)
{
	struct test_maps *v = *state;
	const struct cpu_map *map = v->map11;
	const char *names[] = { "vmx", "vmx-ept-wb", "vmx-ept-uc", "osxsave" };
	struct baseline_opts o = { false, false, true, NULL };
	struct fset extra = FSET_INIT;
	struct err e;

	err_clear(&e);
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		fset_add(&extra, cpu_map_feature(map, names[i])->id);
	for (int k = 0; k < 2; k++) {
		struct baseline b;
		struct baseline_result r;
		char *xml = NULL;

		o.lv = lv_get(k ? LV_11 : LV_9_0);
		baseline_init(&b, map);
		assert_true(add1(&b, "Skylake-Server", "Intel", &extra, NULL, &e));
		assert_true(add1(&b, "Skylake-Server", "Intel", &extra, NULL, &e));
		assert_true(baseline_finish(&b, &o, &r, &e));
		xml = emit_guest_xml(r.cpu, v->ft, 0);
		assert_non_null(strstr(xml, "name='vmx'"));
		assert_null(strstr(xml, "osxsave"));
		if (k) {
			assert_null(strstr(xml, "vmx-ept-wb"));
			assert_null(strstr(xml, "vmx-ept-uc"));
		} else {
			assert_non_null(strstr(xml, "name='vmx-ept-wb'"));
			assert_non_null(strstr(xml, "name='vmx-ept-uc'"));
		}
		free(xml);
		baseline_result_fini(&r);
		baseline_fini(&b);
	}
	fset_fini(&extra);
}

/* One CPU given as a baseline_cpu. */
static bool add1(struct baseline *b, const char *model, const char *vendor, const struct fset *add,
		 const struct fset *del, struct err *e)
{
	struct baseline_cpu c = { model, vendor, add, del, NULL };

	return baseline_add(b, &c, e);
}

static void test_errors(void **state)
{
	struct test_maps *v = *state;
	const struct cpu_map *map = v->map9;
	struct baseline b;
	struct baseline_result r;
	struct baseline_opts o = { false, false, true, NULL };
	struct fset s = FSET_INIT;
	struct err e;

	err_clear(&e);
	baseline_init(&b, map);
	assert_false(add1(&b, "Bogus", NULL, NULL, NULL, &e));
	assert_string_equal(e.msg, "Unknown CPU model Bogus");
	assert_false(add1(&b, NULL, NULL, NULL, NULL, &e));
	assert_string_equal(e.msg, "no CPU model specified at index 0");
	assert_false(add1(&b, "Penryn", "Zhaoxin", NULL, NULL, &e));
	assert_string_equal(e.msg, "Unknown CPU vendor Zhaoxin");
	fset_add(&s, ftable_intern(v->ft, "frobnicate"));
	assert_false(add1(&b, "Penryn", NULL, &s, NULL, &e));
	assert_string_equal(e.msg, "Unknown CPU feature frobnicate");
	fset_clear_all(&s);
	assert_false(baseline_finish(&b, &o, &r, &e));
	assert_string_equal(e.msg, "no CPUs given");

	assert_true(add1(&b, "Penryn", "Intel", NULL, NULL, &e));
	assert_false(add1(&b, "Opteron_G3", "Intel", NULL, NULL, &e));
	assert_string_equal(e.msg, "CPU vendor AMD of model Opteron_G3 differs from vendor Intel");
	assert_false(add1(&b, "Opteron_G3", NULL, NULL, NULL, &e));
	assert_string_equal(e.msg, "CPU vendors do not match (Intel, then AMD)");
	assert_false(add1(&b, "Penryn", "Hygon", NULL, NULL, &e));
	assert_string_equal(e.msg, "CPU vendor Intel of model Penryn differs from vendor Hygon");
	baseline_fini(&b);

	/* Nothing in common. */
	baseline_init(&b, map);
	fset_copy(&s, &cpu_map_model(map, "486")->features);
	assert_true(add1(&b, "486", NULL, NULL, &s, &e));
	assert_false(baseline_finish(&b, &o, &r, &e));
	assert_string_equal(e.msg, "CPUs are incompatible");
	baseline_fini(&b);
	fset_fini(&s);
}

static void test_guest_input(void **state)
{
	struct test_maps *v = *state;
	struct baseline b;
	struct baseline_result r;
	struct baseline_opts o = { false, false, true, NULL };
	struct guest_cpu *g = guest_cpu_new();
	struct err e;
	char *xml = NULL;

	err_clear(&e);
	g->model = xstrdup("Haswell");
	guest_cpu_set_policy(g, "hle", POLICY_DISABLE);
	guest_cpu_set_policy(g, "rtm", POLICY_FORBID);
	guest_cpu_set_policy(g, "vmx", POLICY_OPTIONAL); /* ignored */
	baseline_init(&b, v->map9);
	assert_true(baseline_add_guest(&b, g, &e));
	assert_true(baseline_finish(&b, &o, &r, &e));
	xml = emit_guest_xml(r.cpu, v->ft, 0);
	/* The single input model is preferred outright, disables and all. */
	assert_string_equal(xml, "<cpu mode='custom' match='exact'>\n"
				 "  <model fallback='forbid'>Haswell</model>\n"
				 "  <feature policy='disable' name='hle'/>\n"
				 "  <feature policy='disable' name='rtm'/>\n"
				 "</cpu>\n");
	assert_false(fset_has(&r.features, cpu_map_feature(v->map9, "hle")->id));
	free(xml);
	baseline_result_fini(&r);
	baseline_fini(&b);
	guest_cpu_set_policy(g, "bogus-feature", POLICY_REQUIRE);
	baseline_init(&b, v->map9);
	assert_false(baseline_add_guest(&b, g, &e));
	assert_string_equal(e.msg, "Unknown CPU feature bogus-feature");
	baseline_fini(&b);
	guest_cpu_free(g);
}

/* Thousands of CPUs: each folds into the running intersection; the
 * result equals the baseline of the distinct CPUs. */
static void test_many(void **state)
{
	struct test_maps *v = *state;
	const struct cpu_map *map = v->map9;
	const char *models[] = { "Skylake-Server", "Cascadelake-Server", "Icelake-Server" };
	struct baseline b;
	struct baseline_result r1, r2;
	struct baseline_opts o = { false, false, true, NULL };
	struct fset extra = FSET_INIT;
	struct err e;
	char *x1 = NULL, *x2 = NULL;

	err_clear(&e);
	fset_add(&extra, cpu_map_feature(map, "vmx")->id);
	baseline_init(&b, map);
	for (size_t i = 0; i < 3; i++)
		assert_true(add1(&b, models[i], "Intel", &extra, NULL, &e));
	assert_true(baseline_finish(&b, &o, &r1, &e));
	baseline_fini(&b);
	baseline_init(&b, map);
	for (size_t i = 0; i < 20000; i++)
		assert_true(add1(&b, models[i % 3], "Intel", &extra, NULL, &e));
	assert_true(baseline_finish(&b, &o, &r2, &e));
	assert_int_equal(r2.ncpus, 20000);
	baseline_fini(&b);
	x1 = emit_guest_xml(r1.cpu, v->ft, 0);
	x2 = emit_guest_xml(r2.cpu, v->ft, 0);
	assert_string_equal(x1, x2);
	assert_string_equal(r1.cpu->model, "Skylake-Server");
	assert_int_equal(r1.cpu->fallback, FALLBACK_ALLOW);
	free(x1);
	free(x2);
	baseline_result_fini(&r1);
	baseline_result_fini(&r2);
	fset_fini(&extra);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_libvirt_expectations_9, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_expectations_11, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_filter, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_filter_versions, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_errors, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_guest_input, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_many, test_maps_setup, test_maps_teardown),
	};

	return TEST_RUN("baseline", tests, argc, argv);
}
