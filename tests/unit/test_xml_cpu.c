/* test_xml_cpu.c - libvirt XML readers: capabilities, domcapabilities,
 * host and guest <cpu>, <domain>, <cpuTest>. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "err.h"
#include "feature.h"
#include "guest.h"
#include "host.h"
#include "xml_cpu.h"

#define CPUTEST "tests/data/libvirt/v9.0.0/cputestdata/"
#define DOMCAPS9 "tests/data/libvirt/v9.0.0/domaincapsdata/"
#define DOMCAPS11 "tests/data/libvirt/v11.3.0/domaincapsdata/"
#define LIVE "tests/data/libvirt/live/"

static void assert_err(const struct err *e, const char *want)
{
	char buf[2048];

	assert_string_equal(err_str(e, buf, sizeof(buf)), want);
}

static bool host_has(const struct host *h, const struct fset *s, const char *name)
{
	const struct feature *f = ftable_lookup(h->ft, name);

	return f && fset_has(s, f->id);
}

static struct host *host_str(struct ftable *ft, const char *xml, struct err *e)
{
	err_clear(e);
	return xml_host_parse("x.xml", xml, strlen(xml), ft, e);
}

static struct guest_cpu *guest_str(const char *xml, struct err *e)
{
	err_clear(e);
	return xml_guest_parse("x.xml", xml, strlen(xml), e);
}

/* ---- kinds -------------------------------------------------------------- */

static void test_kind_of_file(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum xml_kind kind;
	} cases[] = {
		{ LIVE "capabilities-host-cpu.xml", XMLK_HOST_CPU },
		{ LIVE "domcapabilities-qemu-tcg.xml", XMLK_DOMCAPS },
		{ CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml", XMLK_HOST_CPU },
		{ CPUTEST "x86_64-cpuid-Xeon-Gold-6148-guest.xml", XMLK_GUEST_CPU },
		{ CPUTEST "x86_64-baseline-Westmere+Nehalem.xml", XMLK_CPUTEST },
		{ "tests/data/libvirt/domain-custom.xml", XMLK_DOMAIN },
		{ "tests/data/libvirt/capabilities-example.xml", XMLK_CAPS },
		{ "tests/data/cpu_map-11.3/index.xml", XMLK_OTHER },
	};
	struct err e;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		enum xml_kind k = XMLK_OTHER;
		err_clear(&e);
		assert_true(xml_kind_of_file(test_path(cases[i].file), &k, &e));
		assert_int_equal(k, cases[i].kind);
	}
	err_clear(&e);
	assert_false(xml_kind_of_file(test_path("tests/data/libvirt/no-such.xml"), NULL, &e));
	assert_string_equal(e.msg, "cannot open: No such file or directory");
}

/* ---- host CPUs: every *-host.xml of v9.0.0 cputestdata ------------------ */

/* Model, vendor, <feature> count and signature, read off each file with
 * sed and `grep -c '^ *<feature'`. */
static const struct {
	const char *stem;
	const char *model;
	const char *vendor;
	size_t nfeat;
	int family, model_no, stepping;
} cputest_hosts[] = {
	{ "x86_64-cpuid-Atom-P5362", "Westmere-IBRS", "Intel", 64, 6, 134, 5 },
	{ "x86_64-cpuid-Cooperlake", "Cooperlake", "Intel", 28, 6, 85, 11 },
	{ "x86_64-cpuid-Core-i7-2600", "SandyBridge", "Intel", 21, 6, 42, 7 },
	{ "x86_64-cpuid-Core2-E6850", "Conroe", "Intel", 17, 6, 15, 11 },
	{ "x86_64-cpuid-EPYC-7502-32-Core", "EPYC-Rome", "AMD", 33, 23, 49, 0 },
	{ "x86_64-cpuid-EPYC-7601-32-Core", "EPYC", "AMD", 28, 23, 1, 2 },
	{ "x86_64-cpuid-Hygon-C86-7185-32-core", "Dhyana", "Hygon", 28, 24, 0, 1 },
	{ "x86_64-cpuid-Ice-Lake-Server", "Icelake-Server", "Intel", 36, 6, 106, 0 },
	{ "x86_64-cpuid-Opteron-2350", "Opteron_G3", "AMD", 18, 16, 2, 3 },
	{ "x86_64-cpuid-Opteron-6234", "Opteron_G4", "AMD", 29, 21, 1, 2 },
	{ "x86_64-cpuid-Ryzen-7-1800X-Eight-Core", "EPYC", "AMD", 28, 23, 1, 1 },
	{ "x86_64-cpuid-Ryzen-9-3900X-12-Core", "EPYC-Rome", "AMD", 32, 23, 113, 0 },
	{ "x86_64-cpuid-Xeon-E3-1245-v5", "Skylake-Client", "Intel", 23, 6, 94, 3 },
	{ "x86_64-cpuid-Xeon-E5-2609-v3", "Haswell-noTSX-IBRS", "Intel", 28, 6, 63, 2 },
	{ "x86_64-cpuid-Xeon-Gold-6148", "Skylake-Server", "Intel", 26, 6, 85, 4 },
	{ "x86_64-cpuid-Xeon-Platinum-9242", "Cascadelake-Server", "Intel", 34, 6, 85, 7 },
	{ "x86_64-cpuid-Xeon-W3520", "Nehalem", "Intel", 18, 6, 26, 5 },
	{ "x86_64", "Penryn", "Intel", 14, -1, -1, -1 },
};

static void test_cputest_hosts(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	char rel[256];

	for (size_t i = 0; i < ARRAY_LEN(cputest_hosts); i++) {
		struct err e;
		struct host *h = NULL;
		err_clear(&e);
		snprintf(rel, sizeof(rel), CPUTEST "%s-host.xml", cputest_hosts[i].stem);
		h = xml_host_load(test_path(rel), ft, &e);
		if (!h)
			fail_msg("%s: %s", rel, e.msg);
		assert_int_equal(h->kind, HOST_CPU_XML);
		assert_int_equal(h->arch, ARCH_X86_64);
		assert_string_equal(h->model, cputest_hosts[i].model);
		assert_string_equal(h->vendor, cputest_hosts[i].vendor);
		if (fset_count(&h->listed) != cputest_hosts[i].nfeat)
			fail_msg("%s: %zu features, expected %zu", rel, fset_count(&h->listed),
				 cputest_hosts[i].nfeat);
		assert_true(fset_empty(&h->disabled));
		assert_false(h->resolved);
		assert_int_equal(h->has_signature, cputest_hosts[i].family >= 0);
		if (h->has_signature) {
			assert_int_equal(h->family, cputest_hosts[i].family);
			assert_int_equal(h->cpu_model, cputest_hosts[i].model_no);
			assert_int_equal(h->stepping, cputest_hosts[i].stepping);
		}
		assert_string_equal(h->source, test_path(rel));
		host_free(h);
	}
	ftable_free(ft);
}

/* ---- guest CPUs: every *-guest.xml of v9.0.0 cputestdata ----------------- */

/* Model, <feature> count and the count per policy, by grep. */
static const struct {
	const char *stem;
	const char *model;
	size_t nfeat;
	size_t by_policy[POLICY__COUNT]; /* none, force, require, optional, disable, forbid */
} cputest_guests[] = {
	{ "x86_64-cpuid-Atom-P5362", "Snowridge", 38, { 0, 0, 34, 0, 4, 0 } },
	{ "x86_64-cpuid-Cooperlake", "Cooperlake", 28, { 0, 0, 28, 0, 0, 0 } },
	{ "x86_64-cpuid-Core-i7-2600", "SandyBridge", 21, { 0, 0, 21, 0, 0, 0 } },
	{ "x86_64-cpuid-Core2-E6850", "Conroe", 17, { 0, 0, 17, 0, 0, 0 } },
	{ "x86_64-cpuid-EPYC-7502-32-Core", "EPYC-Rome", 33, { 0, 0, 33, 0, 0, 0 } },
	{ "x86_64-cpuid-EPYC-7601-32-Core", "EPYC", 28, { 0, 0, 28, 0, 0, 0 } },
	{ "x86_64-cpuid-Hygon-C86-7185-32-core", "Dhyana", 28, { 0, 0, 28, 0, 0, 0 } },
	{ "x86_64-cpuid-Ice-Lake-Server", "Icelake-Server", 36, { 0, 0, 36, 0, 0, 0 } },
	{ "x86_64-cpuid-Opteron-2350", "Opteron_G3", 18, { 0, 0, 18, 0, 0, 0 } },
	{ "x86_64-cpuid-Opteron-6234", "Opteron_G4", 29, { 0, 0, 29, 0, 0, 0 } },
	{ "x86_64-cpuid-Ryzen-7-1800X-Eight-Core", "EPYC", 28, { 0, 0, 28, 0, 0, 0 } },
	{ "x86_64-cpuid-Ryzen-9-3900X-12-Core", "EPYC-Rome", 32, { 0, 0, 32, 0, 0, 0 } },
	{ "x86_64-cpuid-Xeon-E3-1245-v5", "Skylake-Client", 23, { 0, 0, 23, 0, 0, 0 } },
	{ "x86_64-cpuid-Xeon-E5-2609-v3", "Haswell-noTSX-IBRS", 28, { 0, 0, 28, 0, 0, 0 } },
	{ "x86_64-cpuid-Xeon-Gold-6148", "Skylake-Server", 26, { 0, 0, 26, 0, 0, 0 } },
	{ "x86_64-cpuid-Xeon-Platinum-9242", "Cascadelake-Server", 34, { 0, 0, 34, 0, 0, 0 } },
	{ "x86_64-cpuid-Xeon-W3520", "Nehalem", 18, { 0, 0, 18, 0, 0, 0 } },
	/* x86_64-guest.xml: no mode, no fallback, a commented-out feature. */
	{ "x86_64", "Penryn", 13, { 0, 4, 0, 5, 3, 1 } },
};

static void test_cputest_guests(void **state)
{
	(void)state;
	char rel[256];

	for (size_t i = 0; i < ARRAY_LEN(cputest_guests); i++) {
		struct err e;
		struct guest_cpu *g = NULL;
		size_t by[POLICY__COUNT] = { 0 };
		bool plain = strcmp(cputest_guests[i].stem, "x86_64") == 0;
		err_clear(&e);
		snprintf(rel, sizeof(rel), CPUTEST "%s-guest.xml", cputest_guests[i].stem);
		g = xml_guest_load(test_path(rel), &e);
		if (!g)
			fail_msg("%s: %s", rel, e.msg);
		assert_int_equal(g->mode, MODE_CUSTOM);
		assert_int_equal(g->match, MATCH_EXACT);
		assert_int_equal(g->check, CHECK_UNSET);
		assert_int_equal(g->fallback, plain ? FALLBACK_UNSET : FALLBACK_FORBID);
		assert_string_equal(g->model, cputest_guests[i].model);
		assert_int_equal(g->migratable, -1);
		assert_false(g->host_cpu);
		if (g->features.n != cputest_guests[i].nfeat)
			fail_msg("%s: %zu features, expected %zu", rel, g->features.n,
				 cputest_guests[i].nfeat);
		for (size_t j = 0; j < g->features.n; j++) {
			const struct guest_feature *f = vec_get(&g->features, j);
			by[f->policy]++;
		}
		for (size_t p = 0; p < POLICY__COUNT; p++)
			assert_int_equal(by[p], cputest_guests[i].by_policy[p]);
		if (plain) {
			assert_null(g->vendor);
			assert_true(g->has_topology);
			assert_int_equal(g->sockets, 2);
			assert_int_equal(g->dies, 1);
			assert_int_equal(g->clusters, 1);
			assert_int_equal(g->cores, 4);
			assert_int_equal(g->threads, 1);
			/* Document order, names as written. */
			assert_string_equal(((struct guest_feature *)vec_get(&g->features, 0))->name,
					    "dca");
			assert_int_equal(guest_cpu_feature(g, "popcnt")->policy, POLICY_FORBID);
			assert_int_equal(guest_cpu_feature(g, "3dnowext")->policy, POLICY_FORCE);
			assert_null(guest_cpu_feature(g, "sse4.1"));
		} else {
			assert_non_null(g->vendor);
			assert_false(g->has_topology);
		}
		guest_cpu_free(g);
	}
}

/* A host <cpu> read as a guest (what virsh cpu-compare accepts). */
static void test_host_cpu_as_guest(void **state)
{
	(void)state;
	struct err e;
	struct guest_cpu *g = NULL;

	err_clear(&e);
	g = xml_guest_load(test_path(CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml"), &e);
	assert_non_null(g);
	assert_true(g->host_cpu);
	assert_int_equal(g->mode, MODE_CUSTOM);
	assert_string_equal(g->model, "Skylake-Server");
	assert_string_equal(g->vendor, "Intel");
	assert_int_equal(g->features.n, 26);
	assert_int_equal(guest_cpu_feature(g, "invtsc")->policy, POLICY_REQUIRE);
	guest_cpu_free(g);
}

/* Capabilities and domcapabilities read as a guest, as virsh's compare
 * commands do. */
static void test_caps_as_guest(void **state)
{
	(void)state;
	struct err e;
	struct guest_cpu *g = NULL;

	err_clear(&e);
	g = xml_guest_load(test_path("tests/data/libvirt/capabilities-example.xml"), &e);
	assert_non_null(g);
	assert_true(g->host_cpu);
	assert_string_equal(g->model, "Skylake-Client-IBRS");
	assert_int_equal(g->features.n, 5);
	guest_cpu_free(g);

	/* 9.0 TCG host-model: EPYC, 18 require + 10 disable. */
	err_clear(&e);
	g = xml_guest_load(test_path(DOMCAPS9 "qemu_7.2.0-tcg.x86_64.xml"), &e);
	assert_non_null(g);
	assert_false(g->host_cpu);
	assert_int_equal(g->mode, MODE_CUSTOM);
	assert_int_equal(g->fallback, FALLBACK_FORBID);
	assert_string_equal(g->model, "EPYC");
	assert_string_equal(g->vendor, "AMD");
	assert_int_equal(g->features.n, 28);
	assert_int_equal(guest_cpu_feature(g, "vme")->policy, POLICY_DISABLE);
	assert_int_equal(guest_cpu_feature(g, "monitor")->policy, POLICY_REQUIRE);
	guest_cpu_free(g);
}

/* ---- capabilities ------------------------------------------------------- */

static void test_capabilities_host_cpu(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct host *h = NULL;

	err_clear(&e);
	h = xml_host_load(test_path(LIVE "capabilities-host-cpu.xml"), ft, &e);
	assert_non_null(h);
	assert_int_equal(h->kind, HOST_CPU_XML);
	assert_string_equal(h->model, "kvm64");
	assert_string_equal(h->vendor, "AMD");
	assert_string_equal(h->microcode, "16777317");
	assert_true(h->has_signature);
	assert_int_equal(h->family, 26);
	assert_int_equal(h->cpu_model, 2);
	assert_int_equal(h->stepping, 1);
	/* grep -c '^ *<feature' says 74. */
	assert_int_equal(fset_count(&h->listed), 74);
	assert_true(host_has(h, &h->listed, "pclmuldq"));
	assert_true(host_has(h, &h->listed, "sse4.1"));
	host_free(h);
	ftable_free(ft);
}

static void test_capabilities_document(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct host *h = NULL;

	err_clear(&e);
	h = xml_host_load(test_path("tests/data/libvirt/capabilities-example.xml"), ft, &e);
	assert_non_null(h);
	assert_int_equal(h->kind, HOST_CAPS);
	assert_string_equal(h->model, "Skylake-Client-IBRS");
	assert_string_equal(h->vendor, "Intel");
	assert_int_equal(h->family, 6);
	assert_int_equal(h->cpu_model, 94);
	assert_int_equal(h->stepping, 3);
	assert_int_equal(fset_count(&h->listed), 5);
	assert_true(host_has(h, &h->listed, "invtsc"));
	host_free(h);

	h = host_str(ft, "<capabilities><host><cpu><arch>x86_64</arch><model>Penryn</model>"
			 "</cpu></host></capabilities>", &e);
	assert_non_null(h);
	assert_int_equal(h->kind, HOST_CAPS);
	assert_null(h->vendor);
	assert_false(h->has_signature);
	assert_true(fset_empty(&h->listed));
	host_free(h);
	ftable_free(ft);
}

/* Unknown names are interned, kept and flagged. */
static void test_unknown_feature_interned(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	size_t n = ftable_count(ft);
	struct err e;
	struct host *h = host_str(ft, "<cpu>\n<arch>x86_64</arch>\n<model>Penryn</model>\n"
				      "<feature name='frobnicate'/>\n<feature name='vme'/>\n</cpu>",
				  &e);
	const struct feature *f = NULL;

	assert_non_null(h);
	assert_int_equal(ftable_count(ft), n + 1);
	f = ftable_lookup(ft, "frobnicate");
	assert_non_null(f);
	assert_true(f->flags & FEAT_UNKNOWN);
	assert_true(fset_has(&h->listed, f->id));
	assert_int_equal(fset_count(&h->listed), 2);
	host_free(h);
	ftable_free(ft);
}

/* ---- <cpuTest> and several <cpu> --------------------------------------- */

static void host_item_free(void *p)
{
	host_free(p);
}

static void test_cputest_wrapper(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct vec hosts = VEC_INIT;
	struct err e;
	const struct host *h = NULL;
	const char *wn = test_path(CPUTEST "x86_64-baseline-Westmere+Nehalem.xml");
	char want[4096];

	err_clear(&e);
	assert_true(xml_hosts_load(wn, ft, &hosts, &e));
	/* 2 <cpu>s; 11 and 12 <feature>s. */
	assert_int_equal(hosts.n, 2);
	h = vec_get(&hosts, 0);
	assert_string_equal(h->model, "Westmere");
	assert_int_equal(fset_count(&h->listed), 11);
	h = vec_get(&hosts, 1);
	assert_string_equal(h->model, "Nehalem");
	assert_string_equal(h->vendor, "Intel");
	assert_int_equal(fset_count(&h->listed), 12);
	vec_fini(&hosts, host_item_free);

	err_clear(&e);
	assert_true(xml_hosts_load(test_path(CPUTEST "x86_64-baseline-some-vendors.xml"), ft,
				   &hosts, &e));
	assert_int_equal(hosts.n, 2);
	assert_null(((struct host *)vec_get(&hosts, 0))->vendor);
	assert_string_equal(((struct host *)vec_get(&hosts, 1))->vendor, "AMD");
	vec_fini(&hosts, host_item_free);

	/* One host expected, two given. */
	err_clear(&e);
	assert_null(xml_host_load(wn, ft, &e));
	snprintf(want, sizeof(want), "%s:1: <cpuTest> holds 2 host CPUs; expected exactly one",
		 wn);
	assert_err(&e, want);

	/* A <cpuTest> of one is a host. */
	err_clear(&e);
	{
		struct host *one = xml_host_load(test_path(CPUTEST "x86_64-baseline-features.xml"),
						 ft, &e);
		assert_non_null(one);
		assert_string_equal(one->model, "Westmere");
		assert_int_equal(fset_count(&one->listed), 10);
		host_free(one);
	}

	/* Side-by-side <cpu>s, as virsh cpu-baseline reads them. */
	{
		static const char two[] = "<?xml version='1.0'?>\n"
					  "<cpu><arch>x86_64</arch><model>Penryn</model></cpu>\n"
					  "<cpu><arch>x86_64</arch><model>Nehalem</model>\n"
					  "<feature name='aes'/></cpu>\n";
		err_clear(&e);
		assert_true(xml_hosts_parse("two.xml", two, strlen(two), ft, &hosts, &e));
		assert_int_equal(hosts.n, 2);
		assert_string_equal(((struct host *)vec_get(&hosts, 1))->model, "Nehalem");
		vec_fini(&hosts, host_item_free);
	}
	/* ... but not side-by-side anything else. */
	{
		static const char bad[] = "<cpu><arch>x86_64</arch><model>Penryn</model></cpu>\n"
					  "<domain/>\n";
		err_clear(&e);
		assert_false(xml_hosts_parse("bad.xml", bad, strlen(bad), ft, &hosts, &e));
		assert_int_equal(hosts.n, 0);
		assert_err(&e, "bad.xml:2: malformed XML: Extra content at the end of the "
			       "document");
	}
	/* A failing <cpu> leaves nothing behind. */
	{
		static const char bad[] = "<cpuTest>\n<cpu><arch>x86_64</arch><model>Penryn</model>"
					  "</cpu>\n<cpu><arch>x86_64</arch></cpu>\n</cpuTest>\n";
		err_clear(&e);
		assert_false(xml_hosts_parse("bad.xml", bad, strlen(bad), ft, &hosts, &e));
		assert_int_equal(hosts.n, 0);
		assert_err(&e, "bad.xml:3: host <cpu> has no <model>");
		vec_fini(&hosts, host_item_free);
	}
	ftable_free(ft);
}

/* ---- domcapabilities ------------------------------------------------------ */

/* Counted with grep on each file's <cpu> section: require / disable
 * features of host-model, custom models, usable yes/no/unknown,
 * <blockers> lists, <feature>s inside them, canonical= attributes. */
static const struct {
	const char *file;
	enum arch arch;
	const char *virttype, *machine;
	bool pt, max, hm;
	const char *model, *vendor;
	size_t req, dis, models, yes, no, unknown, blockers, blocker_feats, canonical;
} domcaps[] = {
	{ DOMCAPS9 "qemu_7.2.0.x86_64.xml", ARCH_X86_64, "kvm", "pc-i440fx-7.2", true, true,
	  true, "EPYC-Rome", "AMD", 24, 0, 53, 20, 33, 0, 0, 0, 0 },
	{ DOMCAPS9 "qemu_7.2.0-tcg.x86_64.xml", ARCH_X86_64, "qemu", "pc-i440fx-7.2", false, true,
	  true, "EPYC", "AMD", 18, 10, 53, 18, 35, 0, 0, 0, 0 },
	{ LIVE "domcapabilities-qemu-tcg.xml", ARCH_X86_64, "qemu", "pc-i440fx-7.2", false, true,
	  true, "EPYC", "AMD", 18, 10, 53, 18, 35, 0, 0, 0, 0 },
	{ DOMCAPS11 "qemu_10.0.0.x86_64.xml", ARCH_X86_64, "kvm", "pc-i440fx-10.0", true, true,
	  true, "EPYC-Rome", "AMD", 31, 1, 145, 38, 107, 0, 107, 1087, 59 },
	{ DOMCAPS11 "qemu_10.0.0-tcg.x86_64.xml", ARCH_X86_64, "qemu", "pc-i440fx-10.0", false,
	  true, true, "EPYC", "AMD", 26, 7, 145, 36, 109, 0, 109, 1196, 59 },
	{ DOMCAPS11 "qemu_10.0.0.x86_64+amdsev.xml", ARCH_X86_64, "kvm", "pc-i440fx-10.0", true,
	  true, true, "EPYC-Genoa", "AMD", 31, 0, 145, 80, 65, 0, 65, 311, 59 },
	{ DOMCAPS11 "qemu_10.0.0.s390x.xml", ARCH_S390X, "kvm", "s390-ccw-virtio-10.0", true,
	  true, true, "gen16a-base", NULL, 55, 0, 82, 78, 4, 0, 4, 36, 0 },
};

static void test_domcaps_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(domcaps); i++) {
		struct ftable *ft = ftable_new(domcaps[i].arch);
		struct err e;
		struct host *h = NULL;
		size_t yes = 0, no = 0, unk = 0, nblk = 0, nbf = 0, ncanon = 0;
		err_clear(&e);
		h = xml_host_load(test_path(domcaps[i].file), ft, &e);
		if (!h)
			fail_msg("%s: %s", domcaps[i].file, e.msg);
		assert_int_equal(h->kind, HOST_DOMCAPS);
		assert_int_equal(h->arch, domcaps[i].arch);
		assert_string_equal(h->domcaps_virttype, domcaps[i].virttype);
		assert_string_equal(h->domcaps_machine, domcaps[i].machine);
		assert_int_equal(h->passthrough_supported, domcaps[i].pt);
		assert_int_equal(h->maximum_supported, domcaps[i].max);
		assert_int_equal(h->host_model_supported, domcaps[i].hm);
		assert_string_equal(h->model, domcaps[i].model);
		assert_string_equal(h->model_fallback, "forbid");
		if (domcaps[i].vendor)
			assert_string_equal(h->vendor, domcaps[i].vendor);
		else
			assert_null(h->vendor);
		assert_false(h->has_signature);
		if (fset_count(&h->listed) != domcaps[i].req ||
		    fset_count(&h->disabled) != domcaps[i].dis)
			fail_msg("%s: %zu/%zu require/disable, expected %zu/%zu", domcaps[i].file,
				 fset_count(&h->listed), fset_count(&h->disabled), domcaps[i].req,
				 domcaps[i].dis);
		assert_int_equal(h->usability.n, domcaps[i].models);
		for (size_t j = 0; j < h->usability.n; j++) {
			const struct host_model_usability *u = vec_get(&h->usability, j);
			yes += u->usable == 1;
			no += u->usable == 0;
			unk += u->usable == -1;
			nblk += u->has_blockers;
			nbf += fset_count(&u->blockers);
			ncanon += u->canonical != NULL;
			assert_non_null(u->vendor);
			assert_false(u->deprecated);
			assert_ptr_equal(host_usability(h, u->name), u);
		}
		assert_int_equal(yes, domcaps[i].yes);
		assert_int_equal(no, domcaps[i].no);
		assert_int_equal(unk, domcaps[i].unknown);
		assert_int_equal(nblk, domcaps[i].blockers);
		if (nbf != domcaps[i].blocker_feats)
			fail_msg("%s: %zu blocker features, expected %zu", domcaps[i].file, nbf,
				 domcaps[i].blocker_feats);
		assert_int_equal(ncanon, domcaps[i].canonical);
		host_free(h);
		ftable_free(ft);
	}
}

static void test_domcaps_details(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct host *h = NULL;
	const struct host_model_usability *u = NULL;

	err_clear(&e);
	h = xml_host_load(test_path(DOMCAPS11 "qemu_10.0.0.x86_64.xml"), ft, &e);
	assert_non_null(h);
	assert_true(host_has(h, &h->disabled, "xsaves"));
	assert_false(host_has(h, &h->listed, "xsaves"));
	assert_true(host_has(h, &h->listed, "gds-no"));
	u = host_usability(h, "Broadwell");
	assert_non_null(u);
	assert_int_equal(u->usable, 0);
	assert_string_equal(u->vendor, "Intel");
	assert_string_equal(u->canonical, "Broadwell-v1");
	assert_true(u->has_blockers);
	assert_int_equal(fset_count(&u->blockers), 5);
	assert_true(host_has(h, &u->blockers, "hle"));
	assert_true(host_has(h, &u->blockers, "rtm"));
	assert_true(host_has(h, &u->blockers, "erms"));
	u = host_usability(h, "486-v1");
	assert_non_null(u);
	assert_int_equal(u->usable, 1);
	assert_string_equal(u->vendor, "unknown");
	assert_null(u->canonical);
	assert_false(u->has_blockers);
	assert_null(host_usability(h, "NoSuchModel"));
	host_free(h);

	/* 9.0: no blockers, no canonical names. */
	err_clear(&e);
	h = xml_host_load(test_path(DOMCAPS9 "qemu_7.2.0-tcg.x86_64.xml"), ft, &e);
	assert_non_null(h);
	u = host_usability(h, "Skylake-Client");
	assert_non_null(u);
	assert_int_equal(u->usable, 0);
	assert_false(u->has_blockers);
	assert_null(u->canonical);
	host_free(h);
	ftable_free(ft);
}

static void test_domcaps_string(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct host *h = NULL;

	h = host_str(ft,
		     "<domainCapabilities>\n"
		     "  <domain>kvm</domain>\n"
		     "  <arch>x86_64</arch>\n"
		     "  <cpu>\n"
		     "    <mode name='host-passthrough' supported='no'/>\n"
		     "    <mode name='maximum' supported='no'/>\n"
		     "    <mode name='host-model' supported='no'/>\n"
		     "    <mode name='custom' supported='yes'>\n"
		     "      <model usable='unknown' deprecated='yes'>Icelake-Client</model>\n"
		     "      <model usable='yes'>qemu64</model>\n"
		     "    </mode>\n"
		     "  </cpu>\n"
		     "</domainCapabilities>\n",
		     &e);
	assert_non_null(h);
	assert_false(h->passthrough_supported);
	assert_false(h->maximum_supported);
	assert_false(h->host_model_supported);
	assert_null(h->model);
	assert_null(h->domcaps_machine);
	assert_string_equal(h->domcaps_virttype, "kvm");
	assert_int_equal(h->usability.n, 2);
	assert_int_equal(host_usability(h, "Icelake-Client")->usable, -1);
	assert_true(host_usability(h, "Icelake-Client")->deprecated);
	assert_null(host_usability(h, "qemu64")->vendor);
	host_free(h);

	/* host-model with a policy-less feature (require) and <maxphysaddr>. */
	h = host_str(ft,
		     "<domainCapabilities><arch>x86_64</arch><cpu>"
		     "<mode name='host-model' supported='yes'>"
		     "<model fallback='allow'>Haswell</model>"
		     "<maxphysaddr mode='passthrough' limit='39'/>"
		     "<feature name='vmx'/><feature policy='disable' name='rtm'/>"
		     "</mode></cpu></domainCapabilities>",
		     &e);
	assert_non_null(h);
	assert_string_equal(h->model_fallback, "allow");
	assert_true(host_has(h, &h->listed, "vmx"));
	assert_true(host_has(h, &h->disabled, "rtm"));
	assert_int_equal(h->usability.n, 0);
	host_free(h);
	ftable_free(ft);
}

/* ---- guest CPUs from strings and <domain> ------------------------------- */

static void test_domain_file(void **state)
{
	(void)state;
	struct err e;
	struct guest_cpu *g = NULL;

	err_clear(&e);
	g = xml_guest_load(test_path("tests/data/libvirt/domain-custom.xml"), &e);
	assert_non_null(g);
	assert_int_equal(g->mode, MODE_CUSTOM);
	assert_int_equal(g->match, MATCH_EXACT);
	assert_int_equal(g->check, CHECK_PARTIAL);
	assert_int_equal(g->fallback, FALLBACK_FORBID);
	assert_string_equal(g->model, "Haswell-noTSX");
	assert_string_equal(g->vendor_id, "GenuineIntel");
	assert_string_equal(g->vendor, "Intel");
	assert_true(g->has_topology);
	assert_int_equal(g->sockets, 1);
	assert_int_equal(g->dies, 1);
	assert_int_equal(g->clusters, 1);
	assert_int_equal(g->cores, 2);
	assert_int_equal(g->threads, 2);
	/* 5 <feature>s, one each policy, the first without policy. */
	assert_int_equal(g->features.n, 5);
	assert_int_equal(guest_cpu_feature(g, "vmx")->policy, POLICY_REQUIRE);
	assert_int_equal(guest_cpu_feature(g, "pcid")->policy, POLICY_FORCE);
	assert_int_equal(guest_cpu_feature(g, "invtsc")->policy, POLICY_OPTIONAL);
	assert_int_equal(guest_cpu_feature(g, "x2apic")->policy, POLICY_DISABLE);
	assert_int_equal(guest_cpu_feature(g, "hle")->policy, POLICY_FORBID);
	guest_cpu_free(g);
}

static void test_guest_modes(void **state)
{
	(void)state;
	struct err e;
	struct guest_cpu *g = NULL;

	g = guest_str("<cpu mode='host-passthrough' check='none' migratable='on'>"
		      "<model fallback='bogus' vendor_id='x'/>"
		      "<feature policy='disable' name='vmx'/></cpu>", &e);
	assert_non_null(g);
	assert_int_equal(g->mode, MODE_HOST_PASSTHROUGH);
	assert_int_equal(g->check, CHECK_NONE);
	assert_int_equal(g->migratable, 1);
	/* fallback and vendor_id are ignored for host-passthrough. */
	assert_int_equal(g->fallback, FALLBACK_UNSET);
	assert_null(g->vendor_id);
	assert_null(g->model);
	assert_int_equal(g->features.n, 1);
	guest_cpu_free(g);

	g = guest_str("<cpu mode='maximum' migratable='off'/>", &e);
	assert_non_null(g);
	assert_int_equal(g->mode, MODE_MAXIMUM);
	assert_int_equal(g->migratable, 0);
	guest_cpu_free(g);

	g = guest_str("<cpu mode='host-model'><model fallback='forbid'/>"
		      "<feature policy='require' name='frobnicate'/></cpu>", &e);
	assert_non_null(g);
	assert_int_equal(g->mode, MODE_HOST_MODEL);
	assert_int_equal(g->fallback, FALLBACK_FORBID);
	assert_null(g->model);
	assert_string_equal(guest_cpu_feature(g, "frobnicate")->name, "frobnicate");
	guest_cpu_free(g);

	/* Topology only: legal, no model at all. */
	g = guest_str("<cpu><topology sockets='1' dies='2' clusters='3' cores='4' "
		      "threads='5'/></cpu>", &e);
	assert_non_null(g);
	assert_int_equal(g->mode, MODE_CUSTOM);
	assert_int_equal(g->match, MATCH_UNSET);
	assert_null(g->model);
	assert_int_equal(g->dies, 2);
	assert_int_equal(g->clusters, 3);
	assert_int_equal(g->threads, 5);
	guest_cpu_free(g);

	g = guest_str("<cpu match='minimum'><model>  Westmere\n</model></cpu>", &e);
	assert_non_null(g);
	assert_int_equal(g->match, MATCH_MINIMUM);
	assert_string_equal(g->model, "Westmere");
	guest_cpu_free(g);
}

/* ---- malformed input: exact messages ------------------------------------- */

static void test_guest_errors(void **state)
{
	(void)state;
	static const struct {
		const char *xml;
		const char *msg;
	} cases[] = {
		{ "<cpu>\n<model>Penryn</model>\n<feature policy='maybe' name='vmx'/>\n</cpu>",
		  "x.xml:3: unknown feature policy 'maybe' (expected force, require, optional, "
		  "disable or forbid)" },
		{ "<cpu>\n<model>Penryn</model>\n<feature name='vmx'/>\n"
		  "<feature policy='disable' name='vmx'/>\n</cpu>",
		  "x.xml:4: duplicate feature 'vmx'" },
		{ "<cpu>\n<feature policy='require' name='vmx'/>\n</cpu>",
		  "x.xml:2: features without a CPU model (add <model>, or use mode host-model or "
		  "host-passthrough)" },
		{ "<cpu mode='custom' match='exact'>\n  <vendor>Intel</vendor>\n</cpu>",
		  "x.xml:2: <vendor> without <model>" },
		{ "<cpu mode='custom' migratable='on'>\n<model>Penryn</model></cpu>",
		  "x.xml:1: migratable= is only allowed with mode host-passthrough or maximum, not "
		  "custom" },
		{ "<cpu mode='host-passthrough' migratable='yes'/>",
		  "x.xml:1: bad migratable='yes' (expected on or off)" },
		{ "<cpu match='exact'>\n<arch>x86_64</arch><model>Penryn</model></cpu>",
		  "x.xml:1: a <cpu> with <arch> is a host CPU and cannot have match='exact'" },
		{ "<cpu mode='host-model'><arch>x86_64</arch><model>Penryn</model></cpu>",
		  "x.xml:1: a <cpu> with <arch> is a host CPU and cannot have mode='host-model'" },
		{ "<cpu mode='passthrough'/>",
		  "x.xml:1: unknown CPU mode 'passthrough' (expected custom, host-model, "
		  "host-passthrough or maximum)" },
		{ "<cpu match='loose'/>",
		  "x.xml:1: unknown CPU match 'loose' (expected minimum, exact or strict)" },
		{ "<cpu check='most'/>",
		  "x.xml:1: unknown CPU check 'most' (expected none, partial or full)" },
		{ "<cpu>\n<model fallback='never'>Penryn</model></cpu>",
		  "x.xml:2: unknown model fallback 'never' (expected allow or forbid)" },
		{ "<cpu>\n<model vendor_id='Intel'>Penryn</model></cpu>",
		  "x.xml:2: bad vendor_id 'Intel' (expected exactly 12 characters, no comma)" },
		{ "<cpu>\n<model>Penryn</model>\n<feature policy='require'/></cpu>",
		  "x.xml:3: <feature> without a name" },
		{ "<cpu>\n<topology sockets='1' cores='0' threads='1'/></cpu>",
		  "x.xml:2: bad <topology> cores='0' (expected a positive integer)" },
		{ "<cpu>\n<topology sockets='1' cores='2'/></cpu>",
		  "x.xml:2: <topology> has no threads=" },
		{ "<cpu>\n<topology sockets='-1' cores='2' threads='1'/></cpu>",
		  "x.xml:2: bad <topology> sockets='-1' (expected a positive integer)" },
		{ "<cpu>\n<model>Penryn</model>\n<vendor> </vendor></cpu>",
		  "x.xml:3: empty <vendor>" },
		{ "<cpu><arch>x86_64</arch></cpu>", "x.xml:1: host <cpu> has no <model>" },
		{ "<html/>",
		  "x.xml:1: unexpected root element <html> (expected cpu, domain, capabilities or "
		  "domainCapabilities)" },
		{ "<capabilities>\n<host/>\n</capabilities>",
		  "x.xml:1: <capabilities> has no <host><cpu>" },
		{ "<domainCapabilities><cpu>\n<mode name='host-model' supported='no'/>\n</cpu>"
		  "</domainCapabilities>",
		  "x.xml:1: <domainCapabilities> has no supported host-model CPU" },
		{ "<domain type='kvm'>\n<name>x</name>\n</domain>", "x.xml:1: <domain> has no <cpu>" },
		{ "<domain type='kvm'>\n<cpu mode='bogus'/>\n</domain>",
		  "x.xml:2: unknown CPU mode 'bogus' (expected custom, host-model, "
		  "host-passthrough or maximum)" },
		{ "<cpu>\n<model>Penryn</model>\n", "x.xml:3: malformed XML: Premature end of data "
						      "in tag cpu line 1" },
		{ "", "x.xml:1: malformed XML: Document is empty" },
		{ "not xml", "x.xml:1: malformed XML: Start tag expected, '<' not found" },
	};
	struct err e;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct guest_cpu *g = guest_str(cases[i].xml, &e);
		if (g)
			fail_msg("case %zu parsed: %s", i, cases[i].xml);
		assert_err(&e, cases[i].msg);
	}
}

static void test_host_errors(void **state)
{
	(void)state;
	static const struct {
		const char *xml;
		const char *msg;
	} cases[] = {
		{ "<cpu>\n<model>Penryn</model>\n</cpu>",
		  "x.xml:1: this <cpu> has no <arch>: it is a guest CPU, not a host" },
		{ "<domain/>", "x.xml:1: a <domain> describes a guest, not a host" },
		{ "<html/>", "x.xml:1: unexpected root element <html> (expected capabilities, "
			     "domainCapabilities or a host <cpu>)" },
		{ "<capabilities>\n<host/>\n</capabilities>",
		  "x.xml:1: <capabilities> has no <host><cpu>" },
		{ "<cpu>\n<arch>ppc64le</arch><model>POWER9</model></cpu>",
		  "x.xml:2: unsupported arch 'ppc64le' (expected x86_64 or s390x)" },
		{ "<cpu>\n<arch>s390x</arch><model>z14</model></cpu>",
		  "x.xml:2: the host is s390x, but the selected arch is x86_64" },
		{ "<cpu><arch>x86_64</arch>\n<model>Penryn</model>\n<feature name='vme'/>\n"
		  "<feature name='vme'/></cpu>",
		  "x.xml:4: duplicate feature 'vme'" },
		{ "<cpu><arch>x86_64</arch>\n<model>Penryn</model>\n"
		  "<signature family='6' model='x' stepping='1'/></cpu>",
		  "x.xml:3: bad <signature> (expected family, model and stepping as decimal "
		  "numbers)" },
		{ "<cpuTest>\n</cpuTest>", "x.xml:1: <cpuTest> holds no <cpu>" },
		{ "<domainCapabilities>\n<arch>x86_64</arch>\n</domainCapabilities>",
		  "x.xml:1: <domainCapabilities> has no <cpu>" },
		{ "<domainCapabilities>\n<cpu/>\n</domainCapabilities>",
		  "x.xml:1: <domainCapabilities> has no <arch>" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='custom' supported='maybe'/>\n</cpu></domainCapabilities>",
		  "x.xml:2: mode 'custom': supported must be yes or no, not 'maybe'" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='custom' supported='yes'>\n<model usable='perhaps'>qemu64</model>\n"
		  "</mode></cpu></domainCapabilities>",
		  "x.xml:3: unknown usable value 'perhaps' (expected yes, no or unknown)" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='custom' supported='yes'>\n<model usable='no'>qemu64</model>\n"
		  "<blockers model='qemu32'><feature name='vmx'/></blockers>\n"
		  "</mode></cpu></domainCapabilities>",
		  "x.xml:4: <blockers> for model 'qemu32', which is not listed before it" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='host-model' supported='yes'>\n<model>Haswell</model>\n"
		  "<feature policy='maybe' name='vmx'/>\n</mode></cpu></domainCapabilities>",
		  "x.xml:4: unknown feature policy 'maybe' (expected force, require, optional, "
		  "disable or forbid)" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='host-model' supported='yes'>\n<model>Haswell</model>\n"
		  "<feature policy='force' name='vmx'/>\n</mode></cpu></domainCapabilities>",
		  "x.xml:4: host-model feature 'vmx' has policy 'force' (expected require or "
		  "disable)" },
		{ "<domainCapabilities><arch>x86_64</arch><cpu>\n"
		  "<mode name='host-model' supported='yes'>\n<model>Haswell</model>\n"
		  "<feature name='vmx'/>\n<feature policy='disable' name='vmx'/>\n"
		  "</mode></cpu></domainCapabilities>",
		  "x.xml:5: duplicate feature 'vmx'" },
		{ "<capabilities><host><cpu>", "x.xml:1: malformed XML: Premature end of data in "
					       "tag cpu line 1" },
	};
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct host *h = host_str(ft, cases[i].xml, &e);
		if (h)
			fail_msg("case %zu parsed: %s", i, cases[i].xml);
		assert_err(&e, cases[i].msg);
	}
	/* A real s390x file with an x86_64 table. */
	err_clear(&e);
	assert_null(xml_host_load(test_path(DOMCAPS11 "qemu_10.0.0.s390x.xml"), ft, &e));
	assert_string_equal(e.msg, "the host is s390x, but the selected arch is x86_64");
	assert_int_equal(e.line, 5);
	ftable_free(ft);
}

/* Issue 13: XML 1.0 keeps ESC and other C0 controls out (libxml2 refuses
 * even &#x1b;), but lets C1 controls, DEL and character references to
 * tab and newline through: names are checked like everywhere else, and
 * a document cannot ask for more than 32 times its size in memory. */
static void test_hostile(void **state)
{
	static const struct {
		bool guest;
		const char *xml;
		const char *msg;
	} cases[] = {
		{ false, "<cpu><arch>x86_64</arch>\n<model>Has&#x9b;2Jwell</model></cpu>",
		  "x.xml:2: model name \"Has\\u009b2Jwell\" has a control character (U+009B)" },
		{ false, "<cpu><arch>x86_64</arch><model>Haswell</model>\n"
			 "<feature name='a&#x7f;'/></cpu>",
		  "x.xml:2: feature name \"a\\x7f\" has a control character (U+007F)" },
		{ false, "<cpu><arch>x86_64</arch><model>Haswell</model>\n"
			 "<vendor>In&#9;tel</vendor></cpu>",
		  "x.xml:2: vendor name \"In\\ttel\" has a control character (U+0009)" },
		{ false, "<cpu><arch>x86_64</arch>\n<model>\xc2\x9b" "1m</model></cpu>",
		  "x.xml:2: model name \"\\u009b1m\" has a control character (U+009B)" },
		{ false, "<?xml version='1.1'?>\n<cpu><arch>x86_64</arch><model>&#x1b;[2J</model></cpu>",
		  "x.xml:2: malformed XML: xmlParseCharRef: invalid xmlChar value 27" },
		{ false, "<domainCapabilities><arch>x86_64</arch><cpu>\n"
			 "<mode name='custom' supported='yes'>\n<model usable='yes'>a&#x85;</model>\n"
			 "</mode></cpu></domainCapabilities>",
		  "x.xml:3: model name \"a\\u0085\" has a control character (U+0085)" },
		{ false, "<domainCapabilities><arch>x86_64</arch><cpu>\n"
			 "<mode name='custom' supported='yes'>\n<model usable='no'>qemu64</model>\n"
			 "<blockers model='qemu64'><feature name='x&#x9b;'/></blockers>\n"
			 "</mode></cpu></domainCapabilities>",
		  "x.xml:4: feature name \"x\\u009b\" has a control character (U+009B)" },
		{ false, "<domainCapabilities><arch>x86_64</arch><cpu>\n"
			 "<mode name='custom' supported='yes'>\n<model usable='no'>qemu64</model>\n"
			 "<model usable='yes'>qemu64</model>\n</mode></cpu></domainCapabilities>",
		  "x.xml:4: custom model 'qemu64' is listed twice" },
		{ false, "<domainCapabilities><arch>x86_64</arch><cpu>\n"
			 "<mode name='custom' supported='yes'>\n<model usable='no'>qemu64</model>\n"
			 "<blockers model='qemu64'><feature name='vmx'/></blockers>\n"
			 "<blockers model='qemu64'><feature name='svm'/></blockers>\n"
			 "</mode></cpu></domainCapabilities>",
		  "x.xml:5: <blockers> for model 'qemu64' appear twice" },
		{ false, "<domainCapabilities><arch>x86_64</arch><cpu>\n"
			 "<mode name='custom' supported='yes'>\n<model usable='no'>qemu64</model>\n"
			 "<blockers model='qemu64'><feature name='vmx'/>\n<feature name='vmx'/></blockers>\n"
			 "</mode></cpu></domainCapabilities>",
		  "x.xml:5: duplicate feature 'vmx'" },
		{ true, "<cpu mode='custom'>\n<model>Haswell</model>\n<feature policy='require' "
			"name='x&#x9b;2J'/></cpu>",
		  "x.xml:3: feature name \"x\\u009b2J\" has a control character (U+009B)" },
		{ true, "<cpu>\n<model>Has&#x9b;well</model></cpu>",
		  "x.xml:2: model name \"Has\\u009bwell\" has a control character (U+009B)" },
		{ true, "<cpu>\n<model vendor_id='Genuine&#x9b;ntel'>Haswell</model></cpu>",
		  "x.xml:2: vendor_id \"Genuine\\u009bntel\" has a control character (U+009B)" },
		{ true, "<cpu><model>Haswell</model>\n<vendor>&#x7f;</vendor></cpu>",
		  "x.xml:2: vendor name \"\\x7f\" has a control character (U+007F)" },
	};
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct strbuf sb = STRBUF_INIT;
	struct err e;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (cases[i].guest) {
			struct guest_cpu *g = guest_str(cases[i].xml, &e);
			if (g)
				fail_msg("case %zu parsed: %s", i, cases[i].xml);
		} else {
			struct host *h = host_str(ft, cases[i].xml, &e);
			if (h)
				fail_msg("case %zu parsed: %s", i, cases[i].xml);
		}
		assert_err(&e, cases[i].msg);
	}
	/* 20 MB of empty elements would take 700 MB in libxml2 */
	sb_add(&sb, "<cpu>");
	for (int i = 0; i < 5000000; i++)
		sb_add(&sb, "<a/>");
	sb_add(&sb, "</cpu>");
	assert_null(host_str(ft, sb.s, &e));
	assert_err(&e, "x.xml:1: too many XML nodes for a file of this size (reading it would "
		   "take more than 32 times its size in memory)");
	sb_fini(&sb);
	ftable_free(ft);
}

static void test_file_errors(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	char want[4096];
	const char *missing = test_path("tests/data/libvirt/no-such.xml");
	const char *dir = test_path("tests/data/libvirt");
	char tmpl[] = "/tmp/cpuscope-empty-XXXXXX";
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	close(fd);

	err_clear(&e);
	assert_null(xml_guest_load(missing, &e));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", missing);
	assert_err(&e, want);
	err_clear(&e);
	assert_null(xml_host_load(missing, ft, &e));
	assert_err(&e, want);
	err_clear(&e);
	assert_false(xml_hosts_load(missing, ft, NULL, &e));
	assert_err(&e, want);

	err_clear(&e);
	assert_null(xml_guest_load(dir, &e));
	snprintf(want, sizeof(want), "%s: is a directory, not a file", dir);
	assert_err(&e, want);

	err_clear(&e);
	assert_null(xml_guest_load(tmpl, &e));
	snprintf(want, sizeof(want), "%s:1: malformed XML: Document is empty", tmpl);
	assert_err(&e, want);
	err_clear(&e);
	assert_null(xml_host_load(tmpl, ft, &e));
	assert_err(&e, want);
	unlink(tmpl);

	/* Wrong root, from a file. */
	err_clear(&e);
	assert_null(xml_guest_load(test_path("tests/data/cpu_map-11.3/index.xml"), &e));
	snprintf(want, sizeof(want),
		 "%s:1: unexpected root element <cpus> (expected cpu, domain, capabilities or "
		 "domainCapabilities)",
		 test_path("tests/data/cpu_map-11.3/index.xml"));
	assert_err(&e, want);
	ftable_free(ft);
}

/* A DTD declaring an external entity is refused, and the entity's file is
 * never opened (watched with inotify). */
static void test_external_entity_refused(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	char secret[] = "/tmp/cpuscope-secret-XXXXXX";
	char xml[1024];
	char evbuf[4096];
	int fd = mkstemp(secret);
	int ino = inotify_init1(IN_NONBLOCK);
	ssize_t n;
	static const char passwd[] =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE cpu [\n"
		"  <!ENTITY e SYSTEM \"file:///etc/passwd\">\n"
		"]>\n"
		"<cpu><model>&e;</model></cpu>\n";

	assert_true(fd >= 0);
	assert_true(write(fd, "Penryn", 6) == 6);
	close(fd);
	assert_true(ino >= 0);
	assert_true(inotify_add_watch(ino, secret, IN_OPEN | IN_ACCESS) >= 0);

	err_clear(&e);
	assert_null(xml_guest_parse("x.xml", passwd, strlen(passwd), &e));
	assert_err(&e, "x.xml:2: XML with a DTD (<!DOCTYPE ...>) is not accepted: entities are "
		       "never expanded");

	snprintf(xml, sizeof(xml),
		 "<!DOCTYPE cpu [ <!ENTITY e SYSTEM \"file://%s\"> ]>\n"
		 "<cpu><arch>x86_64</arch><model>&e;</model></cpu>\n",
		 secret);
	err_clear(&e);
	assert_null(xml_guest_parse("x.xml", xml, strlen(xml), &e));
	assert_err(&e, "x.xml:1: XML with a DTD (<!DOCTYPE ...>) is not accepted: entities are "
		       "never expanded");
	err_clear(&e);
	assert_null(xml_host_parse("x.xml", xml, strlen(xml), ft, &e));
	assert_err(&e, "x.xml:1: XML with a DTD (<!DOCTYPE ...>) is not accepted: entities are "
		       "never expanded");
	err_clear(&e);
	assert_false(xml_hosts_parse("x.xml", xml, strlen(xml), ft, NULL, &e));
	assert_err(&e, "x.xml:1: XML with a DTD (<!DOCTYPE ...>) is not accepted: entities are "
		       "never expanded");
	/* In an attribute, libxml2 itself stops at the reference. */
	snprintf(xml, sizeof(xml),
		 "<!DOCTYPE cpu [ <!ENTITY e SYSTEM \"file://%s\"> ]>\n"
		 "<cpu><arch>x86_64</arch><model>Penryn</model><feature name='&e;'/></cpu>\n",
		 secret);
	err_clear(&e);
	assert_null(xml_host_parse("x.xml", xml, strlen(xml), ft, &e));
	assert_err(&e, "x.xml:2: malformed XML: Attribute references external entity 'e'");

	n = read(ino, evbuf, sizeof(evbuf));
	assert_true(n < 0 && errno == EAGAIN);
	close(ino);
	unlink(secret);
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_of_file),
		cmocka_unit_test(test_cputest_hosts),
		cmocka_unit_test(test_cputest_guests),
		cmocka_unit_test(test_host_cpu_as_guest),
		cmocka_unit_test(test_caps_as_guest),
		cmocka_unit_test(test_capabilities_host_cpu),
		cmocka_unit_test(test_capabilities_document),
		cmocka_unit_test(test_unknown_feature_interned),
		cmocka_unit_test(test_cputest_wrapper),
		cmocka_unit_test(test_domcaps_files),
		cmocka_unit_test(test_domcaps_details),
		cmocka_unit_test(test_domcaps_string),
		cmocka_unit_test(test_domain_file),
		cmocka_unit_test(test_guest_modes),
		cmocka_unit_test(test_guest_errors),
		cmocka_unit_test(test_host_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_external_entity_refused),
	};
	return TEST_RUN("xml_cpu", tests, argc, argv);
}
