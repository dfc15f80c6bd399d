/* test_decode.c - libvirt's x86 decode against libvirt's own expected
 * outputs: every real CPU of tests/cputestdata decoded as a host CPU
 * (-host.xml) and as a guest CPU (-guest.xml), with the 9.0 and the 11.3
 * map, byte for byte; plus the individual candidate rules. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "cpuid.h"
#include "decode.h"
#include "emit.h"
#include "err.h"
#include "host.h"
#include "host_load.h"

#define DATA "tests/data/baseline/"

/* The real CPUs of libvirt's cputest, with how cputest.c uses their QEMU
 * data: 1 = the guest decode gets QEMU's model list with blockers
 * (JSON_MODELS, JSON_MODELS_REQUIRED). */
static const struct {
	const char *name;
	int models;
} cpus[] = {
	{ "Atom-P5362", 1 },
	{ "Cooperlake", 1 },
	{ "Core-i7-2600", 0 },
	{ "Core2-E6850", 0 },
	{ "EPYC-7502-32-Core", 1 },
	{ "EPYC-7601-32-Core", 0 },
	{ "Hygon-C86-7185-32-core", 0 },
	{ "Ice-Lake-Server", 1 },
	{ "Opteron-2350", 0 },
	{ "Opteron-6234", 0 },
	{ "Ryzen-7-1800X-Eight-Core", 0 },
	{ "Ryzen-9-3900X-12-Core", 1 },
	{ "Xeon-E3-1245-v5", 1 },
	{ "Xeon-E5-2609-v3", 1 },
	{ "Xeon-Gold-6148", 0 },
	{ "Xeon-Platinum-9242", 1 },
	{ "Xeon-W3520", 0 },
};

static char *render_host(const struct decode_result *r, const struct host *h,
			 const struct ftable *ft)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "<cpu>\n  <arch>x86_64</arch>\n  <model>%s</model>\n", r->model->name);
	if (r->vendor)
		sb_addf(&sb, "  <vendor>%s</vendor>\n", r->vendor);
	sb_addf(&sb, "  <signature family='%d' model='%d' stepping='%d'/>\n", h->family,
		h->cpu_model, h->stepping);
	for (size_t i = 0; i < r->nfeatures; i++)
		sb_addf(&sb, "  <feature name='%s'/>\n",
			feature_libvirt_name(ftable_get(ft, r->features[i].id)));
	sb_add(&sb, "</cpu>\n");
	return sb_take(&sb);
}

static void check_decode(struct test_maps *v, const struct cpu_map *map, const char *ver, size_t k,
			 enum decode_type type)
{
	char path[512], want_rel[512];
	struct decode_hv_model hv[256];
	struct decode_input in;
	struct decode_result r;
	struct host *h = NULL, *qh = NULL;
	struct err e;
	char *got = NULL, *want = NULL;

	err_clear(&e);
	snprintf(path, sizeof(path), "%sv9.0.0/x86_64-cpuid-%s.xml", DATA, cpus[k].name);
	h = cpuid_host_from_cpudata(test_path(path), v->ft, &e);
	assert_non_null(h);
	decode_input_from_host(&in, h, type);
	if (type == DECODE_GUEST && cpus[k].models) {
		snprintf(path, sizeof(path), "%sv9.0.0/x86_64-cpuid-%s.json", DATA, cpus[k].name);
		qh = host_load(test_path(path), v->ft, &e);
		assert_non_null(qh);
		assert_true(qh->usability.n > 0 && qh->usability.n <= ARRAY_LEN(hv));
		for (size_t i = 0; i < qh->usability.n; i++) {
			const struct host_model_usability *u = vec_get(&qh->usability, i);
			hv[i].name = u->name;
			hv[i].blockers = &u->blockers;
		}
		in.restrict_models = true;
		in.hv_models = hv;
		in.n_hv_models = qh->usability.n;
	}
	if (!cpu_decode(map, &in, &r, &e))
		fail_msg("%s %s: %s", cpus[k].name, ver, e.msg);
	if (type == DECODE_HOST) {
		got = render_host(&r, h, v->ft);
	} else {
		struct guest_cpu *g = decode_result_guest(&r, map, FALLBACK_FORBID);
		got = emit_guest_xml(g, v->ft, 0);
		guest_cpu_free(g);
	}
	snprintf(want_rel, sizeof(want_rel), "%s%s/x86_64-cpuid-%s-%s.xml", DATA, ver, cpus[k].name,
		 type == DECODE_HOST ? "host" : "guest");
	want = test_slurp(want_rel, NULL);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs:\n--- want\n%s--- got\n%s", want_rel, want, got);
	free(got);
	free(want);
	decode_result_fini(&r);
	host_free(h);
	host_free(qh);
}

static void test_host_decode_9(void **state)
{
	for (size_t k = 0; k < ARRAY_LEN(cpus); k++)
		check_decode(*state, ((struct test_maps *)*state)->map9, "v9.0.0", k, DECODE_HOST);
}

static void test_guest_decode_9(void **state)
{
	for (size_t k = 0; k < ARRAY_LEN(cpus); k++)
		check_decode(*state, ((struct test_maps *)*state)->map9, "v9.0.0", k, DECODE_GUEST);
}

static void test_host_decode_11(void **state)
{
	for (size_t k = 0; k < ARRAY_LEN(cpus); k++)
		check_decode(*state, ((struct test_maps *)*state)->map11, "v11.3.0", k, DECODE_HOST);
}

static void test_guest_decode_11(void **state)
{
	for (size_t k = 0; k < ARRAY_LEN(cpus); k++)
		check_decode(*state, ((struct test_maps *)*state)->map11, "v11.3.0", k, DECODE_GUEST);
}

/* A feature set from libvirt names. */
static void fs(const struct cpu_map *map, struct fset *s, const char *names)
{
	char buf[4096];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", names);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		const struct feature *f = cpu_map_feature(map, t);
		if (!f)
			fail_msg("no feature %s", t);
		fset_add(s, f->id);
	}
}

static void test_signature_steppings(void **state)
{
	struct test_maps *v = *state;
	const struct cm_model *sky = cpu_map_model(v->map9, "Skylake-Server");
	const struct cm_model *cas = cpu_map_model(v->map9, "Cascadelake-Server");

	assert_non_null(sky);
	assert_non_null(cas);
	/* 6/85: Skylake-SP steppings 0-4, Cascade Lake 5-7 */
	assert_true(decode_signature_match(sky, 6, 85, 4));
	assert_false(decode_signature_match(sky, 6, 85, 7));
	assert_true(decode_signature_match(cas, 6, 85, 7));
	assert_false(decode_signature_match(cas, 6, 85, 4));
	assert_false(decode_signature_match(cas, 6, 94, 7));
}

static void test_errors_and_rules(void **state)
{
	struct test_maps *v = *state;
	const struct cpu_map *map = v->map9;
	const struct cm_model *westmere = cpu_map_model(map, "Westmere");
	struct decode_hv_model hv[2] = { { "Nehalem", NULL }, { "Westmere", NULL } };
	const char *pref[1] = { "SandyBridge" };
	struct fset data = FSET_INIT;
	struct decode_input in;
	struct decode_result r;
	struct err e;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.features = &data;
	/* Nothing at all: a host CPU can take no model (each needs disables). */
	in.type = DECODE_HOST;
	assert_false(cpu_decode(map, &in, &r, &e));
	assert_string_equal(e.msg, "Cannot find suitable CPU model for given data");

	/* Exactly Westmere, as a guest: Westmere with nothing listed. */
	fset_copy(&data, &westmere->features);
	in.type = DECODE_GUEST;
	in.vendor = "Intel";
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "Westmere");
	assert_string_equal(r.vendor, "Intel");
	assert_int_equal(r.nfeatures, 0);
	decode_result_fini(&r);

	/* An AMD vendor keeps Intel models out. */
	in.vendor = "AMD";
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_null(r.model->vendor);
	decode_result_fini(&r);
	in.vendor = "Intel";

	/* A single preferred model wins even with disables. */
	in.preferred = pref;
	in.n_preferred = 1;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "SandyBridge");
	{
		struct fset want = FSET_INIT;
		fset_copy(&want, &cpu_map_model(map, "SandyBridge")->features);
		fset_andnot(&want, &westmere->features);
		assert_true(fset_equal(&r.disable, &want));
		assert_int_equal(r.nfeatures, fset_count(&want));
		fset_fini(&want);
	}
	decode_result_fini(&r);

	/* ... unless the hypervisor lacks it. */
	in.restrict_models = true;
	in.hv_models = hv;
	in.n_hv_models = 2;
	assert_false(cpu_decode(map, &in, &r, &e));
	assert_string_equal(e.msg, "CPU model SandyBridge is not supported by hypervisor");
	in.fallback_allow = true;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "Westmere");
	decode_result_fini(&r);
	in.restrict_models = false;
	in.preferred = NULL;
	in.n_preferred = 0;

	/* Non-migratable features go with migratable. */
	fs(map, &data, "invtsc pcid");
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_int_equal(r.nfeatures, 2);
	decode_result_fini(&r);
	in.migratable = true;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_int_equal(r.nfeatures, 1);
	assert_int_equal(r.features[0].id, cpu_map_feature(map, "pcid")->id);
	decode_result_fini(&r);

	/* Broken TSX: Haswell-EP stepping 2 loses hle and rtm. */
	in.migratable = false;
	fset_clear_all(&data);
	fset_copy(&data, &cpu_map_model(map, "Haswell")->features);
	in.has_signature = true;
	in.family = 6;
	in.model = 63;
	in.stepping = 2;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "Haswell-noTSX");
	decode_result_fini(&r);
	in.stepping = 4;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "Haswell");
	decode_result_fini(&r);
	fset_fini(&data);
}

static void test_removed_features(void **state)
{
	struct test_maps *v = *state;
	const struct cpu_map *map = v->map9;
	struct fset data = FSET_INIT;
	struct decode_input in;
	struct decode_result r;
	struct err e;
	const char *pref[1] = { "EPYC" };

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	fset_copy(&data, &cpu_map_model(map, "EPYC")->features);
	in.features = &data;
	in.vendor = "AMD";
	in.preferred = pref;
	in.n_preferred = 1;
	/* Guest type: EPYC's removed 'monitor' is listed as disable ... */
	in.type = DECODE_GUEST;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_int_equal(r.nfeatures, 1);
	assert_int_equal(r.features[0].id, cpu_map_feature(map, "monitor")->id);
	assert_int_equal(r.features[0].policy, POLICY_DISABLE);
	decode_result_fini(&r);
	/* ... or stays require when the CPU has it. */
	fs(map, &data, "monitor");
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_int_equal(r.nfeatures, 1);
	assert_int_equal(r.features[0].policy, POLICY_REQUIRE);
	decode_result_fini(&r);
	/* Host type never lists removed features. */
	in.type = DECODE_HOST;
	assert_true(cpu_decode(map, &in, &r, &e));
	assert_string_equal(r.model->name, "EPYC");
	assert_int_equal(r.nfeatures, 1);
	decode_result_fini(&r);
	fset_fini(&data);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_decode_9, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_guest_decode_9, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_host_decode_11, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_guest_decode_11, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_signature_steppings, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_rules, test_maps_setup, test_maps_teardown),
		cmocka_unit_test_setup_teardown(test_removed_features, test_maps_setup, test_maps_teardown),
	};
	return TEST_RUN("decode", tests, argc, argv);
}
