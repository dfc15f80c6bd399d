/* test_feature.c - feature table and featuresets. */
#include "testutil.h"

#include <string.h>

#include "feature.h"

static void test_lookup_any_spelling(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	const struct feature *pni = ftable_lookup(t, "pni");

	assert_non_null(pni);
	assert_ptr_equal(ftable_lookup(t, "sse3"), pni);
	assert_ptr_equal(ftable_lookup(t, "lahf_lm"), ftable_lookup(t, "lahf-lm"));
	assert_string_equal(feature_libvirt_name(ftable_lookup(t, "lahf-lm")), "lahf_lm");
	assert_string_equal(ftable_lookup(t, "pclmuldq")->name, "pclmulqdq");
	assert_null(ftable_lookup(t, "no-such-feature"));
	ftable_free(t);
}

static void test_intern_unknown(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	size_t n = ftable_count(t);
	unsigned id = ftable_intern(t, "frobnicate");

	assert_int_equal(id, n);
	assert_int_equal(ftable_count(t), n + 1);
	assert_true(ftable_get(t, id)->flags & FEAT_UNKNOWN);
	assert_int_equal(ftable_intern(t, "frobnicate"), id);
	/* "" too is one feature, not a new one each time */
	assert_null(ftable_lookup(t, ""));
	id = ftable_intern(t, "");
	assert_int_equal(ftable_intern(t, ""), id);
	assert_ptr_equal(ftable_lookup(t, ""), ftable_get(t, id));
	assert_int_equal(ftable_count(t), n + 2);
	ftable_free(t);
}

static void test_location(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	char buf[64];

	assert_string_equal(feature_location(ftable_lookup(t, "hle"), buf, sizeof(buf)),
			    "CPUID.07H:EBX[4]");
	assert_string_equal(feature_location(ftable_lookup(t, "pni"), buf, sizeof(buf)),
			    "CPUID.01H:ECX[0]");
	ftable_free(t);
}

static void test_fset_ops(void **state)
{
	(void)state;
	struct fset a = FSET_INIT, b = FSET_INIT, c = FSET_INIT;

	fset_add(&a, 1);
	fset_add(&a, 70);
	fset_add(&a, 200);
	fset_add(&b, 70);
	assert_int_equal(fset_count(&a), 3);
	assert_true(fset_subset(&b, &a));
	assert_false(fset_subset(&a, &b));
	fset_copy(&c, &a);
	fset_andnot(&c, &b);
	assert_false(fset_has(&c, 70));
	assert_true(fset_has(&c, 200));
	assert_int_equal(fset_next(&c, 0), 1);
	assert_int_equal(fset_next(&c, 2), 200);
	assert_int_equal(fset_next(&c, 201), -1);
	fset_and(&c, &b);
	assert_true(fset_empty(&c));
	fset_or(&c, &a);
	assert_true(fset_equal(&c, &a));
	fset_del(&c, 1);
	assert_false(fset_equal(&c, &a));
	fset_fini(&a);
	fset_fini(&b);
	fset_fini(&c);
}

/* The group vocabulary documented in data/features.README. */
static const char *const x86_groups[] = {
	"base", "SSE", "AVX", "AVX-512", "AMX", "crypto", "TSX", "speculation", "memory",
	"virtualization", "VMX capability", "SVM", "power/timing", "debug/perf", "security",
	"KVM paravirt", "AMD", "other",
};
static const char *const s390x_groups[] = {
	"facility", "storage", "SIE", "vector", "decimal-FP", "crypto", "CPACF KM", "CPACF KMC",
	"CPACF KMAC", "CPACF KMCTR", "CPACF KMF", "CPACF KMO", "CPACF KMA", "CPACF KIMD",
	"CPACF KLMD", "CPACF PCC", "CPACF PCKMO", "CPACF PRNO", "CPACF PPNO", "CPACF KDSA", "PLO",
	"PTFF", "SORTL", "DFLTCC", "PFCR", "AP", "PCI", "instrumentation", "timing", "security",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static void check_rows(enum arch arch, size_t want, const char *const *groups, size_t ngroups)
{
	struct ftable *t = ftable_new(arch);

	assert_int_equal(ftable_count(t), want);
	for (size_t i = 0; i < ftable_count(t); i++) {
		const struct feature *f = ftable_get(t, (unsigned)i);
		if (!in_list(f->group, groups, ngroups))
			fail_msg("%s: group '%s' is not in the vocabulary", f->name, f->group);
		if (!f->desc[0] || strlen(f->desc) > 70)
			fail_msg("%s: description missing or longer than 70", f->name);
		/* Every spelling leads back to this record. */
		assert_ptr_equal(ftable_lookup(t, f->name), f);
		if (f->libvirt)
			assert_ptr_equal(ftable_lookup(t, f->libvirt), f);
		if (f->linux_name)
			assert_ptr_equal(ftable_lookup(t, f->linux_name), f);
		for (size_t k = 0; k < f->naliases; k++)
			if (ftable_lookup(t, f->aliases[k]) != f)
				fail_msg("alias %s of %s resolves elsewhere", f->aliases[k], f->name);
	}
	ftable_free(t);
}

static void test_table_rows(void **state)
{
	(void)state;
	check_rows(ARCH_X86_64, 391, x86_groups, ARRAY_LEN(x86_groups));
	check_rows(ARCH_S390X, 421, s390x_groups, ARRAY_LEN(s390x_groups));
}

/* QEMU's s390x feature groups (data/s390x-groups.tsv): every group row has
 * members, members are single features of the table and belong to one
 * group only; expanding puts a group into its members. */
static void test_s390x_groups(void **state)
{
	struct ftable *t = ftable_new(ARCH_S390X), *x = ftable_new(ARCH_X86_64);
	struct fset s = FSET_INIT, seen = FSET_INIT;
	struct vec whole = VEC_INIT;
	size_t ngroups = 0;

	(void)state;
	for (size_t i = 0; i < ftable_count(t); i++) {
		const struct feature *g = ftable_get(t, (unsigned)i);
		if (!(g->flags & FEAT_GROUP)) {
			assert_int_equal(g->nmembers, 0);
			continue;
		}
		ngroups++;
		if (!g->nmembers)
			fail_msg("group %s has no members in data/s390x-groups.tsv", g->name);
		for (size_t k = 0; k < g->nmembers; k++) {
			const struct feature *m = ftable_get(t, g->members[k]);
			assert_false(m->flags & FEAT_GROUP);
			if (fset_has(&seen, m->id))
				fail_msg("%s is in two groups", m->name);
			fset_add(&seen, m->id);
		}
	}
	assert_int_equal(ngroups, 27);
	/* msa1 is four CPACF functions */
	fset_add(&s, ftable_lookup(t, "msa1")->id);
	fset_add(&s, ftable_lookup(t, "vx")->id);
	ftable_expand_groups(t, &s);
	assert_int_equal(fset_count(&s), 5);
	assert_false(fset_has(&s, ftable_lookup(t, "msa1")->id));
	assert_true(fset_has(&s, ftable_lookup(t, "kimd-sha-256")->id));
	assert_true(fset_has(&s, ftable_lookup(t, "vx")->id));
	ftable_whole_groups(t, &s, &whole);
	assert_int_equal(whole.n, 1);
	assert_string_equal(((const struct feature *)whole.v[0])->name, "msa1");
	/* plo-ext (a feature of QEMU 10.0) and plo_ext (its group) stay apart */
	assert_string_equal(ftable_lookup(t, "plo-ext")->name, "plo-ext");
	assert_string_equal(ftable_lookup(t, "plo_ext")->name, "plo_ext");
	/* no groups on x86 */
	fset_clear_all(&s);
	fset_add(&s, ftable_lookup(x, "sse2")->id);
	ftable_expand_groups(x, &s);
	assert_int_equal(fset_count(&s), 1);
	vec_fini(&whole, NULL);
	fset_fini(&s);
	fset_fini(&seen);
	ftable_free(t);
	ftable_free(x);
}

static void test_psabi_levels(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int level;
	} want[] = {
		{ "cmov", 1 }, { "cx8", 1 }, { "fpu", 1 }, { "fxsr", 1 }, { "mmx", 1 },
		{ "syscall", 1 }, { "sse", 1 }, { "sse2", 1 }, { "lm", 1 },
		{ "cx16", 2 }, { "lahf-lm", 2 }, { "popcnt", 2 }, { "pni", 2 }, { "sse4.1", 2 },
		{ "sse4.2", 2 }, { "ssse3", 2 },
		{ "avx", 3 }, { "avx2", 3 }, { "bmi1", 3 }, { "bmi2", 3 }, { "f16c", 3 },
		{ "fma", 3 }, { "abm", 3 }, { "movbe", 3 }, { "xsave", 3 },
		{ "avx512f", 4 }, { "avx512bw", 4 }, { "avx512cd", 4 }, { "avx512dq", 4 },
		{ "avx512vl", 4 },
	};
	struct ftable *t = ftable_new(ARCH_X86_64);
	size_t leveled = 0;

	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct feature *f = ftable_lookup(t, want[i].name);
		assert_non_null(f);
		if (f->psabi_level != want[i].level)
			fail_msg("%s: level %d, want %d", want[i].name, f->psabi_level, want[i].level);
	}
	for (size_t i = 0; i < ftable_count(t); i++)
		leveled += ftable_get(t, (unsigned)i)->psabi_level != 0;
	assert_int_equal(leveled, ARRAY_LEN(want));
	ftable_free(t);
	t = ftable_new(ARCH_S390X);
	for (size_t i = 0; i < ftable_count(t); i++)
		assert_int_equal(ftable_get(t, (unsigned)i)->psabi_level, 0);
	ftable_free(t);
}

/* Pairs of features allowed to share a CPUID/MSR bit (none today). */
static const char *const shared_bits[][2] = { { "", "" } };

static bool same_bit(const struct feature *a, const struct feature *b)
{
	if (a->loc != b->loc || a->loc == LOC_NONE || a->bit != b->bit)
		return false;
	if (a->loc == LOC_MSR)
		return a->msr == b->msr;
	return a->leaf == b->leaf && (a->has_subleaf ? a->subleaf : 0) ==
	       (b->has_subleaf ? b->subleaf : 0) && !strcmp(a->reg, b->reg);
}

static void test_unique_bits(void **state)
{
	(void)state;
	struct ftable *t = ftable_new(ARCH_X86_64);
	size_t located = 0;
	char buf[64];

	for (size_t i = 0; i < ftable_count(t); i++) {
		const struct feature *a = ftable_get(t, (unsigned)i);
		located += a->loc != LOC_NONE;
		for (size_t j = i + 1; j < ftable_count(t); j++) {
			const struct feature *b = ftable_get(t, (unsigned)j);
			bool allowed = false;
			if (!same_bit(a, b))
				continue;
			for (size_t k = 0; k < ARRAY_LEN(shared_bits); k++)
				allowed |= !strcmp(a->name, shared_bits[k][0]) &&
					   !strcmp(b->name, shared_bits[k][1]);
			if (!allowed)
				fail_msg("%s and %s share %s", a->name, b->name,
					 feature_location(a, buf, sizeof(buf)));
		}
	}
	/* Every x86 feature has a CPUID or MSR location. */
	assert_int_equal(located, ftable_count(t));
	assert_string_equal(feature_location(ftable_lookup(t, "kvm-pv-unhalt"), buf, sizeof(buf)),
			    "CPUID.40000001H:EAX[7]");
	assert_string_equal(feature_location(ftable_lookup(t, "kvm-hint-dedicated"), buf,
					     sizeof(buf)), "CPUID.40000001H:EDX[0]");
	assert_string_equal(feature_location(ftable_lookup(t, "xstore"), buf, sizeof(buf)),
			    "CPUID.C0000001H:EDX[2]");
	assert_string_equal(ftable_lookup(t, "sse4.1")->linux_name, "sse4_1");
	assert_string_equal(ftable_lookup(t, "tsc-deadline")->linux_name, "tsc_deadline_timer");
	assert_string_equal(ftable_lookup(t, "avx512vnni")->group, "AVX-512");
	ftable_free(t);
}

/* The names that may go into a -cpu value, and what would inject options. */
static void test_qemu_name(void **state)
{
	static const char *const good[] = { "Haswell-v4", "486", "3dnowprefetch", "sse4.2",
					    "lahf_lm", "z14.2-base", "vmx-entry-load-rtit-ctl" };
	static const char *const bad[] = { "", "x=on", "x,kvm=off", "-hle", "+hle", "hle ",
					   "h\xc3\xa9", "a\nb", ".x", "_x" };
	char longest[QEMU_NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(good); i++)
		if (!qemu_name_ok(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (qemu_name_ok(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	assert_false(qemu_name_ok(NULL));
	memset(longest, 'a', sizeof(longest));
	longest[QEMU_NAME_MAX] = '\0';
	assert_true(qemu_name_ok(longest));
	longest[QEMU_NAME_MAX] = 'a';
	longest[QEMU_NAME_MAX + 1] = '\0';
	assert_false(qemu_name_ok(longest));
	/* every name of the built-in tables is one */
	for (int a = 0; a < ARCH__COUNT; a++) {
		struct ftable *t = ftable_new((enum arch)a);
		for (size_t i = 0; i < ftable_count(t); i++)
			if (!qemu_name_ok(ftable_get(t, (unsigned)i)->name))
				fail_msg("%s refused", ftable_get(t, (unsigned)i)->name);
		ftable_free(t);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_any_spelling),
		cmocka_unit_test(test_intern_unknown),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_fset_ops),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_s390x_groups),
		cmocka_unit_test(test_psabi_levels),
		cmocka_unit_test(test_unique_bits),
		cmocka_unit_test(test_qemu_name),
	};
	return TEST_RUN("feature", tests, argc, argv);
}
