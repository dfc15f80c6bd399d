/* test_host.c - hosts: loading any format, resolving through a cpu_map,
 * usability, and the bundled hosts in data/hosts. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_map.h"
#include "err.h"
#include "feature.h"
#include "host.h"
#include "host_load.h"

#define CPUTEST "tests/data/libvirt/v9.0.0/cputestdata/"
#define DOMCAPS9 "tests/data/libvirt/v9.0.0/domaincapsdata/"
#define DOMCAPS11 "tests/data/libvirt/v11.3.0/domaincapsdata/"
#define LIVE "tests/data/libvirt/live/"
#define MAP9 "data/cpu_map"
#define MAP11 "tests/data/cpu_map-11.3"

static void assert_err(const struct err *e, const char *want)
{
	char buf[2048];

	assert_string_equal(err_str(e, buf, sizeof(buf)), want);
}

static bool has(const struct host *h, const struct fset *s, const char *name)
{
	const struct feature *f = ftable_lookup(h->ft, name);

	return f && fset_has(s, f->id);
}

static struct host *load(const char *rel, struct ftable *ft)
{
	struct err e;
	struct host *h = NULL;

	err_clear(&e);
	h = host_load(test_path(rel), ft, &e);
	if (!h)
		fail_msg("%s: %s", rel, e.msg);
	return h;
}

static struct cpu_map *map_load(const char *rel, struct ftable *ft)
{
	struct err e;
	struct cpu_map *m = NULL;

	err_clear(&e);
	m = cpu_map_load(test_path(rel), ARCH_X86_64, ft, &e);
	if (!m)
		fail_msg("%s: %s", rel, e.msg);
	return m;
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(host_kind_name(HOST_CAPS), "capabilities");
	assert_string_equal(host_kind_name(HOST_DOMCAPS), "domcapabilities");
	assert_string_equal(host_kind_name(HOST_CPU_XML), "cpu-xml");
	assert_string_equal(host_kind_name(HOST_QMP), "qmp");
	assert_string_equal(host_kind_name(HOST_CPUID), "cpuid");
	assert_string_equal(host_kind_name((enum host_kind)99), "?");
}

static void test_new_free(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct host *h = host_new(HOST_CPUID, ARCH_X86_64, ft, "local CPUID");
	struct host_model_usability *u = xcalloc(1, sizeof(*u));

	assert_int_equal(h->kind, HOST_CPUID);
	assert_ptr_equal(h->ft, ft);
	assert_string_equal(h->source, "local CPUID");
	assert_false(h->has_signature);
	assert_false(h->resolved);
	assert_null(h->model);
	u->name = xstrdup("Haswell");
	u->usable = 1;
	fset_add(&u->blockers, 3);
	vec_push(&h->usability, u);
	assert_ptr_equal(host_usability(h, "Haswell"), u);
	assert_null(host_usability(h, "haswell"));
	assert_null(host_usability(h, NULL));
	assert_null(host_usability(NULL, "Haswell"));
	/* CPUID hosts are full already. */
	assert_true(host_resolve(h, NULL, NULL));
	assert_true(h->resolved);
	host_free(h);
	host_free(NULL);
	host_model_usability_free(NULL);
	ftable_free(ft);
}

/* Format detection: one file of each kind. */
static void test_load_formats(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct host *h = NULL;

	h = load(CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml", ft);
	assert_int_equal(h->kind, HOST_CPU_XML);
	assert_string_equal(h->model, "Skylake-Server");
	assert_int_equal(fset_count(&h->listed), 26);
	host_free(h);

	h = load("tests/data/libvirt/capabilities-example.xml", ft);
	assert_int_equal(h->kind, HOST_CAPS);
	assert_string_equal(h->model, "Skylake-Client-IBRS");
	host_free(h);

	h = load(LIVE "domcapabilities-qemu-tcg.xml", ft);
	assert_int_equal(h->kind, HOST_DOMCAPS);
	assert_string_equal(h->model, "EPYC");
	assert_int_equal(h->usability.n, 53);
	host_free(h);

	h = load(CPUTEST "x86_64-baseline-features.xml", ft);
	assert_int_equal(h->kind, HOST_CPU_XML);
	assert_string_equal(h->model, "Westmere");
	host_free(h);
	ftable_free(ft);
}

/* A QMP reply: libvirt's cputestdata .json (static expansion of 'host'
 * plus query-cpu-definitions). */
static void test_load_qmp(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct host *h = load(CPUTEST "x86_64-cpuid-Xeon-Gold-6148.json", ft);
	struct err e;

	assert_int_equal(h->kind, HOST_QMP);
	assert_int_equal(h->arch, ARCH_X86_64);
	assert_true(h->resolved);
	assert_null(h->model);
	assert_string_equal(h->vendor, "Intel");
	assert_true(h->has_signature);
	assert_int_equal(h->family, 6);
	assert_int_equal(h->cpu_model, 85);
	assert_int_equal(h->stepping, 4);
	assert_string_equal(h->model_id, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
	/* 104 props are true; 8 of them are not CPU features (check, kvm,
	 * l3-cache, ...); the other 96 name 81 features (aliases such as
	 * sse3/pni fold), counted with a script over data/x86_64-features.tsv. */
	assert_int_equal(fset_count(&h->features), 81);
	assert_true(has(h, &h->features, "avx512f"));
	assert_true(has(h, &h->features, "pni"));
	assert_false(has(h, &h->features, "osxsave"));
	/* Gold 6148's .json has no definitions reply. */
	assert_int_equal(h->usability.n, 0);
	err_clear(&e);
	assert_true(host_resolve(h, NULL, &e));
	assert_int_equal(fset_count(&h->features), 81);
	host_free(h);

	/* With definitions: 33 entries, 'host' left out; 26 with an empty
	 * unavailable-features list, 6 with blockers. */
	h = load("data/hosts/intel-xeon-e3-1245-v5-qmp.json", ft);
	assert_int_equal(h->kind, HOST_QMP);
	assert_int_equal(h->cpu_model, 94);
	assert_int_equal(fset_count(&h->features), 78);
	assert_int_equal(h->usability.n, 32);
	{
		size_t yes = 0, no = 0;
		for (size_t i = 0; i < h->usability.n; i++) {
			const struct host_model_usability *u = vec_get(&h->usability, i);
			yes += u->usable == 1;
			no += u->usable == 0;
			assert_int_equal(u->has_blockers, u->usable == 0);
		}
		assert_int_equal(yes, 26);
		assert_int_equal(no, 6);
	}
	assert_int_equal(host_usability(h, "Skylake-Client")->usable, 1);
	assert_null(host_usability(h, "host"));
	host_free(h);
	ftable_free(ft);
}

static void test_load_errors(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	char want[8192];
	char dir[] = "/tmp/cpuscope-host-XXXXXX";
	char path[4200];
	static const struct {
		const char *name, *text, *msg;
	} cases[] = {
		{ "empty.xml", "", "empty file (expected libvirt capabilities, domcapabilities, a "
				   "host <cpu> or a QMP reply)" },
		{ "blank.xml", " \n\t\n", "empty file (expected libvirt capabilities, "
					  "domcapabilities, a host <cpu> or a QMP reply)" },
		{ "text.txt", "model name: Intel", "not XML or JSON (expected libvirt capabilities, "
						  "domcapabilities, a host <cpu> or a QMP reply)" },
		{ "guest.xml", "<cpu mode='custom'>\n<model>Penryn</model></cpu>\n",
		  "this <cpu> has no <arch>: it is a guest CPU, not a host" },
		{ "trunc.xml", "<cpu>\n<arch>x86_64</arch>\n<model>Pen",
		  "malformed XML: Premature end of data in tag model line 3" },
		{ "defs.json", "{\"return\": [{\"name\": \"qemu64\", \"unavailable-features\": []}]}",
		  "no query-cpu-model-expansion reply (expected the expansion of 'host' or 'max')" },
		{ "qmperr.json", "{\"error\": {\"class\": \"GenericError\", \"desc\": \"The CPU "
				 "type 'host' requires KVM\"}}",
		  "QMP error GenericError: The CPU type 'host' requires KVM" },
	};
	static const int lines[] = { 0, 0, 1, 1, 3, 0, 1 };

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		FILE *f = NULL;
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].name);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i].text, f);
		fclose(f);
		err_clear(&e);
		if (host_load(path, ft, &e))
			fail_msg("%s loaded", cases[i].name);
		if (lines[i])
			snprintf(want, sizeof(want), "%s:%d: %s", path, lines[i], cases[i].msg);
		else
			snprintf(want, sizeof(want), "%s: %s", path, cases[i].msg);
		assert_err(&e, want);
		unlink(path);
	}
	rmdir(dir);

	err_clear(&e);
	snprintf(path, sizeof(path), "%s", test_path("tests/data/libvirt/no-such.xml"));
	assert_null(host_load(path, ft, &e));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	assert_err(&e, want);
	ftable_free(ft);
}

/* Resolve: features = model (with inheritance) + listed - disabled.  The
 * expected counts come from the map and host files by script: the model's
 * <feature>s without removed='yes', then set arithmetic on the names. */
static void test_resolve(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct cpu_map *m9 = map_load(MAP9, ft);
	struct cpu_map *m11 = map_load(MAP11, ft);
	struct host *h = NULL;
	struct err e;
	const struct cm_model *cm = NULL;

	/* Skylake-Server (70) + 26 extras, disjoint. */
	h = load(CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml", ft);
	err_clear(&e);
	assert_true(host_resolve(h, m9, &e));
	assert_true(h->resolved);
	assert_int_equal(fset_count(&h->features), 96);
	cm = cpu_map_model(m9, "Skylake-Server");
	assert_true(fset_subset(&cm->features, &h->features));
	assert_true(fset_subset(&h->listed, &h->features));
	assert_true(has(h, &h->features, "avx512f"));
	assert_true(has(h, &h->features, "invtsc"));
	/* Again: a no-op. */
	assert_true(host_resolve(h, m9, &e));
	assert_int_equal(fset_count(&h->features), 96);
	host_free(h);

	/* kvm64 (26) + 74 extras. */
	h = load(LIVE "capabilities-host-cpu.xml", ft);
	err_clear(&e);
	assert_true(host_resolve(h, m9, &e));
	assert_int_equal(fset_count(&h->features), 100);
	host_free(h);

	/* 9.0 TCG domcaps: EPYC (66 listed, monitor removed: 65) + 18 require
	 * (monitor among them) - 10 disable (8 of them in EPYC) = 75. */
	h = load(DOMCAPS9 "qemu_7.2.0-tcg.x86_64.xml", ft);
	err_clear(&e);
	assert_true(host_resolve(h, m9, &e));
	assert_int_equal(fset_count(&h->features), 75);
	assert_true(has(h, &h->features, "monitor"));
	assert_false(has(h, &h->features, "vme"));
	host_free(h);

	/* 11.3 KVM domcaps: EPYC-Rome (76) + 31 require; the disabled xsaves
	 * is not in EPYC-Rome: 107. */
	h = load(DOMCAPS11 "qemu_10.0.0.x86_64.xml", ft);
	err_clear(&e);
	assert_true(host_resolve(h, m11, &e));
	assert_int_equal(fset_count(&h->features), 107);
	assert_false(has(h, &h->features, "xsaves"));
	host_free(h);

	/* No host-model: only the listed features. */
	{
		static const char xml[] = "<domainCapabilities><arch>x86_64</arch><cpu>"
					  "<mode name='host-model' supported='no'/></cpu>"
					  "</domainCapabilities>";
		char tmpl[] = "/tmp/cpuscope-dc-XXXXXX";
		int fd = mkstemp(tmpl);
		assert_true(fd >= 0);
		assert_true(write(fd, xml, sizeof(xml) - 1) == (ssize_t)(sizeof(xml) - 1));
		close(fd);
		err_clear(&e);
		h = host_load(tmpl, ft, &e);
		assert_non_null(h);
		assert_true(host_resolve(h, NULL, &e));
		assert_true(fset_empty(&h->features));
		host_free(h);
		unlink(tmpl);
	}

	/* Errors. */
	h = load(CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml", ft);
	err_clear(&e);
	assert_false(host_resolve(h, NULL, &e));
	assert_string_equal(e.msg, "no CPU map to expand host model 'Skylake-Server'");
	free(h->model);
	h->model = xstrdup("Skylake-Server-v9");
	err_clear(&e);
	assert_false(host_resolve(h, m9, &e));
	assert_false(h->resolved);
	assert_string_equal(e.file, test_path(CPUTEST "x86_64-cpuid-Xeon-Gold-6148-host.xml"));
	assert_int_equal(e.line, 0);
	{
		char want[4200];
		snprintf(want, sizeof(want), "host model 'Skylake-Server-v9' is not in the CPU map %s",
			 m9->dir);
		assert_string_equal(e.msg, want);
	}
	host_free(h);

	cpu_map_free(m9);
	cpu_map_free(m11);
	ftable_free(ft);
}

/* Every file in data/hosts loads and resolves with the bundled map. */
static void test_bundled_hosts(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct cpu_map *map = map_load(MAP9, ft);
	DIR *d = opendir(test_path("data/hosts"));
	const struct dirent *de = NULL;
	size_t n = 0;
	char rel[512];

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct host *h = NULL;
		struct err e;
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		snprintf(rel, sizeof(rel), "data/hosts/%s", de->d_name);
		h = load(rel, ft);
		err_clear(&e);
		if (!host_resolve(h, map, &e))
			fail_msg("%s: %s", rel, e.msg);
		assert_true(fset_count(&h->features) > 20);
		host_free(h);
		n++;
	}
	closedir(d);
	assert_true(n >= 6);
	cpu_map_free(map);
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_new_free),
		cmocka_unit_test(test_load_formats),
		cmocka_unit_test(test_load_qmp),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_bundled_hosts),
	};
	return TEST_RUN("host", tests, argc, argv);
}
