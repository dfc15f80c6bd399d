/* test_cpuid.c - hosts from CPUID: real libvirt dumps and this machine. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"
#include "err.h"
#include "feature.h"
#include "host.h"

static const char *const dumps[] = {
	"Atom-P5362", "Cooperlake", "Core-i7-2600", "Core2-E6850", "EPYC-7502-32-Core",
	"EPYC-7601-32-Core", "Hygon-C86-7185-32-core", "Ice-Lake-Server", "Opteron-2350",
	"Opteron-6234", "Ryzen-7-1800X-Eight-Core", "Ryzen-9-3900X-12-Core", "Xeon-E3-1245-v5",
	"Xeon-E5-2609-v3", "Xeon-Gold-6148", "Xeon-Platinum-9242", "Xeon-W3520",
};

static struct host *load_dump(struct ftable *ft, const char *stem)
{
	char rel[256];
	struct err e;
	char buf[1024];
	struct host *h;

	snprintf(rel, sizeof(rel), "tests/data/cpuid/x86_64-cpuid-%s.xml", stem);
	err_clear(&e);
	h = cpuid_host_from_cpudata(test_path(rel), ft, &e);
	if (!h)
		fail_msg("%s: %s", stem, err_str(&e, buf, sizeof(buf)));
	return h;
}

static bool has(const struct host *h, const char *name)
{
	const struct feature *f = ftable_lookup(h->ft, name);

	if (!f)
		fail_msg("feature %s not in the table", name);
	return fset_has(&h->features, f->id);
}

/* Every dump's signature equals the .sig file's family/model/stepping. */
static void test_signatures(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);

	for (size_t i = 0; i < ARRAY_LEN(dumps); i++) {
		char rel[256];
		char *sig;
		int fam = -1, mod = -1, step = -1;
		const char *p;
		struct host *h = load_dump(ft, dumps[i]);

		snprintf(rel, sizeof(rel), "tests/data/cpuid/x86_64-cpuid-%s.sig", dumps[i]);
		sig = test_slurp(rel, NULL);
		p = strstr(sig, "family:");
		assert_non_null(p);
		assert_int_equal(sscanf(p, "family: %d", &fam), 1);
		p = strstr(sig, "model:");
		assert_int_equal(sscanf(p, "model: %d", &mod), 1);
		p = strstr(sig, "stepping:");
		assert_int_equal(sscanf(p, "stepping: %d", &step), 1);
		assert_true(h->has_signature);
		if (h->family != fam || h->cpu_model != mod || h->stepping != step)
			fail_msg("%s: got %d/%d/%d, .sig says %d/%d/%d", dumps[i], h->family,
				 h->cpu_model, h->stepping, fam, mod, step);
		assert_int_equal(h->kind, HOST_CPUID);
		assert_int_equal(h->arch, ARCH_X86_64);
		assert_non_null(h->vendor);
		assert_true(str_endswith(h->source, ".xml"));
		free(sig);
		host_free(h);
	}
	ftable_free(ft);
}

/* The brand string equals the processor name on the dump's first line,
 * where that line is a brand string (two dumps carry a code name there). */
static void test_brand_and_vendor(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	size_t checked = 0;

	for (size_t i = 0; i < ARRAY_LEN(dumps); i++) {
		char rel[256];
		char *text, *start, *end;
		struct host *h = load_dump(ft, dumps[i]);

		snprintf(rel, sizeof(rel), "tests/data/cpuid/x86_64-cpuid-%s.xml", dumps[i]);
		text = test_slurp(rel, NULL);
		start = strstr(text, "<!-- ") + 5;
		end = strstr(start, " -->");
		*end = '\0';
		if (strcmp(dumps[i], "Cooperlake") && strcmp(dumps[i], "Ice-Lake-Server")) {
			assert_non_null(h->model_id);
			assert_string_equal(h->model_id, start);
			checked++;
		}
		if (strstr(dumps[i], "Hygon"))
			assert_string_equal(h->vendor, "Hygon");
		else if (strstr(start, "AMD"))
			assert_string_equal(h->vendor, "AMD");
		else
			assert_string_equal(h->vendor, "Intel");
		free(text);
		host_free(h);
	}
	assert_int_equal(checked, 15);
	ftable_free(ft);
}

static void test_features(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct host *h;

	h = load_dump(ft, "Core2-E6850");
	assert_true(has(h, "lm") && has(h, "ssse3") && has(h, "pni") && has(h, "cx16"));
	assert_false(has(h, "sse4.1") || has(h, "popcnt") || has(h, "avx"));
	assert_true(has(h, "vmx"));
	host_free(h);

	h = load_dump(ft, "Core-i7-2600");
	assert_true(has(h, "avx") && has(h, "aes") && has(h, "sse4.2") && has(h, "xsave"));
	assert_false(has(h, "avx2") || has(h, "fma") || has(h, "movbe"));
	assert_true(has(h, "lahf_lm") && has(h, "rdtscp"));
	host_free(h);

	h = load_dump(ft, "Xeon-E5-2609-v3");
	assert_true(has(h, "avx2") && has(h, "fma") && has(h, "bmi2") && has(h, "movbe"));
	assert_false(has(h, "avx512f") || has(h, "adx"));
	host_free(h);

	h = load_dump(ft, "Ice-Lake-Server");
	assert_true(has(h, "avx512f") && has(h, "avx512vbmi2") && has(h, "gfni") &&
		    has(h, "vpclmulqdq") && has(h, "la57"));
	/* IA32_ARCH_CAPABILITIES from the dump's <msr> item */
	assert_true(has(h, "arch-capabilities"));
	assert_true(has(h, "rdctl-no") && has(h, "ibrs-all") && has(h, "skip-l1dfl-vmentry"));
	assert_false(has(h, "mds-no") || has(h, "taa-no"));
	assert_false(has(h, "svm") || has(h, "amx-tile"));
	host_free(h);

	h = load_dump(ft, "Opteron-2350");
	assert_int_equal(h->family, 16);
	assert_true(has(h, "svm") && has(h, "3dnow") && has(h, "abm") && has(h, "sse4a"));
	assert_false(has(h, "ssse3") || has(h, "vmx") || has(h, "avx"));
	host_free(h);

	h = load_dump(ft, "EPYC-7502-32-Core");
	assert_true(has(h, "avx2") && has(h, "sha-ni") && has(h, "clwb") &&
		    has(h, "wbnoinvd") && has(h, "svm") && has(h, "npt"));
	assert_false(has(h, "avx512f") || has(h, "vmx") || has(h, "hle"));
	host_free(h);

	h = load_dump(ft, "Hygon-C86-7185-32-core");
	assert_true(has(h, "avx2") && has(h, "svm"));
	assert_false(has(h, "clwb"));
	host_free(h);

	ftable_free(ft);
}

/* Leaves past the maximum are never consulted. */
struct fake {
	uint32_t max_basic;
};

static bool fake_fn(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out)
{
	const struct fake *f = ctx;

	memset(out, 0, sizeof(*out));
	out->leaf = leaf;
	out->subleaf = subleaf;
	if (leaf == 0) {
		out->eax = f->max_basic;
		memcpy(&out->ebx, "Cent", 4);
		memcpy(&out->edx, "aurH", 4);
		memcpy(&out->ecx, "auls", 4);
		return true;
	}
	if (leaf == 1) {
		out->eax = 0x000006f2; /* family 6, model 0xf, stepping 2 */
		out->edx = 1;          /* fpu */
		return true;
	}
	if (leaf == 0x80000000u) {
		out->eax = 0x80000001u;
		return true;
	}
	/* Everything else claims every bit: only reachable if the max
	 * leaf checks are wrong. */
	out->eax = out->ebx = out->ecx = out->edx = 0xffffffffu;
	return true;
}

static void test_max_leaf(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct fake f = { 1 };
	struct err e;
	struct host *h;

	err_clear(&e);
	h = cpuid_host(fake_fn, &f, ft, "fake", &e);
	assert_non_null(h);
	assert_string_equal(h->vendor, "Zhaoxin"); /* CentaurHauls, by src/model/vendor.c */
	assert_int_equal(h->family, 6);
	assert_int_equal(h->cpu_model, 15);
	assert_int_equal(h->stepping, 2);
	assert_null(h->model_id);
	assert_true(has(h, "fpu"));
	assert_false(has(h, "avx2"));          /* leaf 7 > max basic leaf 1 */
	assert_false(has(h, "invtsc"));        /* 0x80000007 > max extended */
	assert_true(has(h, "lm"));             /* 0x80000001 is within range */
	assert_false(has(h, "kvmclock"));      /* no KVM signature at 0x40000000 */
	/* fpu from leaf 1, plus every feature located in leaf 0x80000001. */
	{
		size_t want = 1;
		for (size_t i = 0; i < ftable_count(ft); i++) {
			const struct feature *x = ftable_get(ft, (unsigned)i);
			if (x->loc == LOC_CPUID && x->leaf == 0x80000001u)
				want++;
		}
		assert_int_equal(fset_count(&h->features), want);
	}
	host_free(h);
	ftable_free(ft);
}

/* Registers are bytes: a vendor or brand string with control characters
 * (from a hand-made dump, or a hypervisor) is refused, not printed. */
struct evil {
	char vendor[13];
	char brand[49];
};

static bool evil_fn(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out)
{
	const struct evil *v = ctx;

	memset(out, 0, sizeof(*out));
	out->leaf = leaf;
	out->subleaf = subleaf;
	if (leaf == 0) {
		out->eax = 1;
		memcpy(&out->ebx, v->vendor, 4);
		memcpy(&out->edx, v->vendor + 4, 4);
		memcpy(&out->ecx, v->vendor + 8, 4);
	} else if (leaf == 0x80000000u) {
		out->eax = 0x80000004u;
	} else if (leaf >= 0x80000002u && leaf <= 0x80000004u) {
		const char *b = v->brand + 16 * (leaf - 0x80000002u);
		memcpy(&out->eax, b, 4);
		memcpy(&out->ebx, b + 4, 4);
		memcpy(&out->ecx, b + 8, 4);
		memcpy(&out->edx, b + 12, 4);
	}
	return true;
}

static void test_hostile_registers(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct evil v;
	struct err e;
	char buf[512];

	(void)state;
	memset(&v, 0, sizeof(v));
	memcpy(v.vendor, "\x1b[2JGenuineI", 12);
	memcpy(v.brand, "Fine CPU", 8);
	err_clear(&e);
	assert_null(cpuid_host(evil_fn, &v, ft, "dump.xml", &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "dump.xml: CPUID vendor string \"\\e[2JGenuineI\" has a control character "
			    "(U+001B)");
	memcpy(v.vendor, "GenuineIntel", 12);
	memcpy(v.brand, "  Evil \x9b" "2J CPU", 15);
	err_clear(&e);
	assert_null(cpuid_host(evil_fn, &v, ft, "dump.xml", &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "dump.xml: CPUID brand string \"Evil \\x9b2J CPU\" is not valid UTF-8 (byte "
			    "0x9b)");
	ftable_free(ft);
}

static void test_bad_dumps(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;

	err_clear(&e);
	assert_null(cpuid_host_from_cpudata(test_path("tests/data/cpuid/no-such.xml"), ft, &e));
	assert_true(str_startswith(e.msg, "cannot open: "));
	err_clear(&e);
	assert_null(cpuid_host_from_cpudata(test_path("tests/data/cpuid/bad/not-cpudata.xml"), ft, &e));
	assert_int_equal(e.line, 1);
	assert_string_equal(e.msg, "expected a <cpudata> root element, found <cpu>");
	err_clear(&e);
	assert_null(cpuid_host_from_cpudata(test_path("tests/data/cpuid/bad/arm.xml"), ft, &e));
	assert_string_equal(e.msg, "<cpudata> is for arch 'arm', not x86");
	err_clear(&e);
	assert_null(cpuid_host_from_cpudata(test_path("tests/data/cpuid/bad/number.xml"), ft, &e));
	assert_int_equal(e.line, 3);
	assert_string_equal(e.msg, "<cpuid>: ebx='0xzz' is not a 32-bit number");
	err_clear(&e);
	assert_null(cpuid_host_from_cpudata(test_path("tests/data/cpuid/bad/empty.xml"), ft, &e));
	assert_string_equal(e.msg, "<cpudata> has no <cpuid> items");
	ftable_free(ft);
}

/* From text in memory: the same host as from the file; errors name the
 * file given. */
static void test_from_memory(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	size_t len;
	char *text = test_slurp("tests/data/cpuid/x86_64-cpuid-Cooperlake.xml", &len);
	struct host *a = load_dump(ft, "Cooperlake");
	struct host *b;
	struct err e;

	err_clear(&e);
	b = cpuid_host_parse_cpudata("mem.xml", text, len, ft, &e);
	assert_non_null(b);
	assert_string_equal(b->source, "mem.xml");
	assert_true(fset_equal(&a->features, &b->features));
	assert_string_equal(a->vendor, b->vendor);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->cpu_model, b->cpu_model);
	assert_int_equal(a->stepping, b->stepping);
	host_free(a);
	host_free(b);
	assert_null(cpuid_host_parse_cpudata("mem.xml", "<cpudata arch='x86'>", 20, ft, &e));
	assert_string_equal(e.file, "mem.xml");
	assert_true(str_startswith(e.msg, "malformed XML"));
	free(text);
	ftable_free(ft);
}

static void test_native(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct host *h;

	err_clear(&e);
	h = cpuid_local_host(ft, &e);
#if defined(__x86_64__)
	assert_non_null(h);
	assert_string_equal(h->source, "local CPUID");
	assert_non_null(h->vendor);
	assert_true(h->has_signature);
	assert_true(h->family >= 6);
	/* Every x86_64 CPU has the psABI baseline. */
	assert_true(has(h, "lm") && has(h, "sse2") && has(h, "fpu") && has(h, "cx8") &&
		    has(h, "cmov") && has(h, "fxsr") && has(h, "syscall"));
	assert_true(fset_count(&h->features) > 20);
	host_free(h);
#else
	assert_null(h);
#endif
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_brand_and_vendor),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_max_leaf),
		cmocka_unit_test(test_hostile_registers),
		cmocka_unit_test(test_bad_dumps),
		cmocka_unit_test(test_from_memory),
		cmocka_unit_test(test_native),
	};
	return TEST_RUN("cpuid", tests, argc, argv);
}
