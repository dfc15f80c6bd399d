/* test_cpu_map.c - loading libvirt's CPU model map (9.0 and 11.3 layouts). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_map.h"
#include "err.h"
#include "feature.h"
#include "vendor.h"

static unsigned fid(struct ftable *ft, const char *name)
{
	const struct feature *f = ftable_lookup(ft, name);

	if (!f)
		fail_msg("feature %s not in the table", name);
	return f->id;
}

static struct cpu_map *load_ok(const char *rel, struct ftable *ft)
{
	struct err e;
	char buf[2048];
	struct cpu_map *m;

	err_clear(&e);
	m = cpu_map_load(test_path(rel), ARCH_X86_64, ft, &e);
	if (!m)
		fail_msg("loading %s failed: %s", rel, err_str(&e, buf, sizeof(buf)));
	return m;
}

/* Load a broken map; check the file (basename), line and message. */
static void load_bad(const char *rel, const char *file, int line, const char *msg)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct cpu_map *m;
	const char *base;

	err_clear(&e);
	m = cpu_map_load(test_path(rel), ARCH_X86_64, ft, &e);
	assert_null(m);
	assert_true(err_isset(&e));
	base = strrchr(e.file, '/');
	assert_string_equal(base ? base + 1 : e.file, file);
	assert_int_equal(e.line, line);
	assert_string_equal(e.msg, msg);
	ftable_free(ft);
}

static int model_index(const struct cpu_map *m, const char *name)
{
	const struct cm_model *md = cpu_map_model(m, name);

	if (!md)
		fail_msg("model %s missing", name);
	assert_ptr_equal(vec_get(&m->models, (size_t)md->order), md);
	return md->order;
}

static void test_load_90(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct cpu_map *m = load_ok("data/cpu_map", ft);
	const struct cm_model *md;

	assert_int_equal(m->models.n, 58);
	assert_int_equal(fset_count(&m->known), 212);
	assert_int_equal(m->features.n, 212);
	assert_int_equal(m->vendors.n, 3);
	assert_string_equal(cpu_map_vendor(m, "Hygon")->string, "HygonGenuine");
	assert_string_equal(cpu_map_vendor_by_string(m, "AuthenticAMD")->name, "AMD");
	assert_null(cpu_map_vendor(m, "Zhaoxin"));

	/* Non-migratable: exactly invtsc and xsaves. */
	assert_int_equal(fset_count(&m->nonmigratable), 2);
	assert_true(fset_has(&m->nonmigratable, fid(ft, "invtsc")));
	assert_true(fset_has(&m->nonmigratable, fid(ft, "xsaves")));

	/* The map's own spellings resolve to the table's records. */
	assert_string_equal(cpu_map_feature(m, "pclmuldq")->name, "pclmulqdq");
	assert_string_equal(cpu_map_feature(m, "lahf_lm")->name, "lahf-lm");
	assert_null(cpu_map_feature(m, "sse3")); /* a QEMU alias, not the map's name */

	/* Include order. */
	assert_string_equal(((struct cm_model *)vec_get(&m->models, 0))->name, "486");
	assert_string_equal(((struct cm_model *)vec_get(&m->models, 57))->name, "Dhyana");
	assert_true(model_index(m, "Haswell-noTSX") < model_index(m, "Haswell"));
	assert_true(model_index(m, "Snowridge") < model_index(m, "athlon"));
	assert_true(model_index(m, "EPYC-Milan") < model_index(m, "Dhyana"));
	for (size_t i = 0; i < m->models.n; i++)
		assert_int_equal(((struct cm_model *)vec_get(&m->models, i))->order, (int)i);

	/* Haswell-noTSX is Haswell without hle and rtm. */
	{
		const struct cm_model *h = cpu_map_model(m, "Haswell");
		const struct cm_model *n = cpu_map_model(m, "Haswell-noTSX");
		struct fset d = FSET_INIT;
		fset_copy(&d, &h->features);
		fset_andnot(&d, &n->features);
		assert_int_equal(fset_count(&d), 2);
		assert_true(fset_has(&d, fid(ft, "hle")));
		assert_true(fset_has(&d, fid(ft, "rtm")));
		assert_true(fset_subset(&n->features, &h->features));
		fset_fini(&d);
		assert_int_equal(h->nsigs, 4);
		assert_int_equal(h->sigs[0].family, 6);
		assert_int_equal(h->sigs[0].model, 60);
		assert_null(h->sigs[0].stepping);
		assert_string_equal(h->vendor, "Intel");
		assert_null(h->ancestor);
		assert_null(h->canonical_of);
		assert_null(h->group);
	}

	/* 9.0 still lists mpx for Skylake-Client (11.x marks it removed);
	 * Icelake-Server has intel-pt removed. */
	md = cpu_map_model(m, "Icelake-Server");
	assert_true(fset_has(&md->removed, fid(ft, "intel-pt")));
	assert_false(fset_has(&md->features, fid(ft, "intel-pt")));
	assert_int_equal(fset_count(&md->removed), 1);
	md = cpu_map_model(m, "Skylake-Client");
	assert_true(fset_has(&md->features, fid(ft, "mpx")));
	assert_true(fset_has(&md->features, fid(ft, "avx2")));
	assert_true(fset_empty(&md->removed));
	assert_true(fset_empty(&md->added));
	assert_false(md->check_partial_compat);
	assert_true(str_endswith(md->file, "/x86_Skylake-Client.xml"));
	assert_int_equal(md->line, 2);

	/* Signatures with a stepping range. */
	md = cpu_map_model(m, "Cascadelake-Server");
	assert_int_equal(md->nsigs, 1);
	assert_int_equal(md->sigs[0].model, 85);
	assert_string_equal(md->sigs[0].stepping, "5-7");

	/* Decode flags and vendors. */
	md = cpu_map_model(m, "cpu64-rhel5");
	assert_false(md->decode_host);
	assert_false(md->decode_guest);
	assert_null(md->vendor);
	md = cpu_map_model(m, "EPYC-Rome");
	assert_true(md->decode_host && md->decode_guest);
	assert_string_equal(md->vendor, "AMD");
	assert_true(fset_has(&cpu_map_model(m, "Opteron_G3")->removed, fid(ft, "monitor")));
	assert_string_equal(cpu_map_model(m, "Dhyana")->vendor, "Hygon");
	assert_null(cpu_map_model(m, "Haswell-v1"));

	cpu_map_free(m);
	ftable_free(ft);
}

static void test_load_113(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	size_t before = ftable_count(ft);
	struct cpu_map *m = load_ok("tests/data/cpu_map-11.3", ft);
	const struct cm_model *h, *v, *md;
	size_t ncanon = 0;

	assert_int_equal(m->models.n, 150);
	assert_int_equal(fset_count(&m->known), 364);
	assert_int_equal(fset_count(&m->nonmigratable), 2);
	/* The table was generated from this map: nothing new is interned. */
	assert_int_equal(ftable_count(ft), before);

	h = cpu_map_model(m, "Haswell");
	v = cpu_map_model(m, "Haswell-v1");
	assert_string_equal(v->canonical_of, "Haswell");
	assert_string_equal(v->ancestor, "Haswell");
	assert_true(v->decode_host);
	assert_false(v->decode_guest);
	assert_true(fset_equal(&v->features, &h->features));
	assert_string_equal(v->vendor, "Intel");
	assert_int_equal(v->nsigs, h->nsigs);
	assert_int_equal(v->sigs[1].model, h->sigs[1].model);
	assert_true(model_index(m, "Haswell") < model_index(m, "Haswell-v1"));
	assert_string_equal(cpu_map_model(m, "Haswell-v2")->canonical_of, "Haswell-noTSX");
	assert_string_equal(cpu_map_model(m, "Haswell-v4")->canonical_of, "Haswell-noTSX-IBRS");
	assert_string_equal(h->group, "Intel CPU models");
	assert_string_equal(cpu_map_model(m, "486")->group, "generic");

	/* A version that is a full definition of its own. */
	md = cpu_map_model(m, "EPYC-Rome-v3");
	assert_null(md->canonical_of);
	assert_null(md->ancestor);
	assert_string_equal(md->vendor, "AMD");

	/* check partial='compat', added='yes'. */
	md = cpu_map_model(m, "Skylake-Client");
	assert_true(md->check_partial_compat);
	assert_true(fset_has(&md->removed, fid(ft, "mpx")));
	md = cpu_map_model(m, "Skylake-Client-v1");
	assert_string_equal(md->canonical_of, "Skylake-Client");
	assert_false(fset_has(&md->features, fid(ft, "mpx")));
	assert_true(fset_has(&md->removed, fid(ft, "mpx")));
	md = cpu_map_model(m, "Cooperlake");
	assert_true(fset_has(&md->added, fid(ft, "vmx-ept")));
	assert_false(fset_has(&md->features, fid(ft, "vmx-ept")));

	for (size_t i = 0; i < m->models.n; i++) {
		const struct cm_model *x = vec_get(&m->models, i);
		if (x->canonical_of) {
			ncanon++;
			assert_non_null(cpu_map_model(m, x->canonical_of));
		}
	}
	assert_int_equal(ncanon, 59);

	cpu_map_free(m);
	ftable_free(ft);
}

static void test_small_map(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct cpu_map *m = load_ok("tests/data/cpu_map-bad/good", ft);
	const struct cm_model *b = cpu_map_model(m, "Base");
	const struct cm_model *c = cpu_map_model(m, "Child");
	const struct cm_model *v = cpu_map_model(m, "Child-v1");
	const struct feature *frob = cpu_map_feature(m, "frobnicate");

	assert_int_equal(m->models.n, 3);
	/* An unknown feature is interned, flagged, and usable. */
	assert_non_null(frob);
	assert_true(frob->flags & FEAT_UNKNOWN);
	assert_true(fset_has(&m->known, frob->id));
	/* Child = Base's features + its own; removing an inherited feature
	 * records it but (as in libvirt) the inherited bits stay. */
	assert_true(fset_has(&c->features, fid(ft, "fpu")));
	assert_true(fset_has(&c->features, fid(ft, "invtsc")));
	assert_true(fset_has(&c->features, frob->id));
	assert_true(fset_has(&c->removed, fid(ft, "sse2")));
	assert_true(fset_subset(&b->features, &c->features));
	assert_string_equal(c->vendor, "Intel");
	assert_int_equal(c->nsigs, 1);
	assert_null(c->canonical_of); /* it has features of its own */
	assert_string_equal(v->canonical_of, "Child");
	assert_true(fset_equal(&v->features, &c->features));
	assert_true(fset_equal(&v->removed, &c->removed));
	cpu_map_free(m);
	ftable_free(ft);
}

static void test_bad_maps(void **state)
{
	(void)state;
	load_bad("tests/data/cpu_map-bad/no-index", "index.xml", 0,
		 "not a libvirt CPU map: index.xml does not exist");
	load_bad("tests/data/cpu_map-bad/does-not-exist", "index.xml", 0,
		 "not a libvirt CPU map: index.xml does not exist");
	load_bad("tests/data/cpu_map-bad/missing-include", "index.xml", 6,
		 "included file 'x86_Nowhere.xml' does not exist");
	load_bad("tests/data/cpu_map-bad/groups", "index.xml", 9,
		 "included file 'x86_Missing.xml' does not exist");
	load_bad("tests/data/cpu_map-bad/unknown-ancestor", "x86_Orphan.xml", 4,
		 "model 'Orphan': ancestor model 'Parent' is not defined before it");
	load_bad("tests/data/cpu_map-bad/unknown-feature", "x86_Odd.xml", 6,
		 "model 'Odd': feature 'sse3' is not defined in x86_features.xml");
	load_bad("tests/data/cpu_map-bad/unknown-vendor", "x86_Via.xml", 4,
		 "model 'Via': unknown vendor 'Centaur'");
	load_bad("tests/data/cpu_map-bad/duplicate-model", "x86_Base2.xml", 2,
		 "model 'Base' is defined twice");
	load_bad("tests/data/cpu_map-bad/no-x86", "index.xml", 1, "no <arch name='x86'> section");
	load_bad("tests/data/cpu_map-bad/bad-signature", "x86_Sig.xml", 4,
		 "model 'Sig': invalid signature family 'six'");
	load_bad("tests/data/cpu_map-bad/control-name", "x86_features.xml", 5,
		 "feature name \"evil\\u009b2J\" has a control character (U+009B)");
	load_bad("tests/data/cpu_map-bad/malformed", "x86_Broken.xml", 5,
		 "malformed XML: Opening and ending tag mismatch: feature line 4 and model");
}

/* A symbolic link loop (the directory itself, its index.xml, a file it
 * includes) is reported as a loop, not as a missing index.xml. */
static void loop_case(const char *dir, const char *file, int line, const char *msg)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	char buf[2048], *want = line ? xasprintf("%s:%d: %s", file, line, msg) :
				       xasprintf("%s: %s", file, msg);

	err_clear(&e);
	assert_null(cpu_map_load(dir, ARCH_X86_64, ft, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)), want);
	free(want);
	ftable_free(ft);
}

static void test_symlink_loops(void **state)
{
	char tmpl[] = "/tmp/cpuscope-cpu-map-test.XXXXXX";
	char *dir = mkdtemp(tmpl), *a, *b, *map, *cmd, *f, *g;

	(void)state;
	assert_non_null(dir);
	a = xasprintf("%s/a", dir);
	b = xasprintf("%s/b", dir);
	assert_int_equal(symlink("b", a), 0);
	assert_int_equal(symlink("a", b), 0);
	loop_case(a, a, 0, "too many levels of symbolic links");

	/* a good map whose index.xml, then an included file, is a loop */
	map = xasprintf("%s/map", dir);
	cmd = xasprintf("cp -R '%s' '%s'", test_path("tests/data/cpu_map-bad/good"), map);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	free(cmd);
	f = xasprintf("%s/index.xml", map);
	g = xasprintf("%s/index.xml.real", map);
	assert_int_equal(rename(f, g), 0);
	assert_int_equal(symlink("index.xml", f), 0);
	loop_case(map, f, 0, "too many levels of symbolic links");
	assert_int_equal(unlink(f), 0);
	assert_int_equal(rename(g, f), 0);
	free(f);
	free(g);
	f = xasprintf("%s/x86_Base.xml", map);
	assert_int_equal(unlink(f), 0);
	assert_int_equal(symlink("x86_Base.xml", f), 0);
	free(f);
	f = xasprintf("%s/index.xml", map);
	loop_case(map, f, 5, "included file 'x86_Base.xml': too many levels of symbolic links");
	free(f);
	free(map);
	free(a);
	free(b);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	free(cmd);
}

static void test_s390x_has_no_map(void **state)
{
	(void)state;
	struct ftable *ft = ftable_new(ARCH_S390X);
	struct err e;

	err_clear(&e);
	assert_null(cpu_map_load(test_path("data/cpu_map"), ARCH_S390X, ft, &e));
	assert_string_equal(e.msg, "no <arch name='s390x'> section");
	ftable_free(ft);
}

/* src/model/vendor.c's table has every vendor of both bundled maps, both
 * ways (and Zhaoxin, which CPUID names and libvirt's map does not). */
static void test_vendor_table(void **state)
{
	static const char *const dirs[] = { "data/cpu_map", "tests/data/cpu_map-11.3" };

	(void)state;
	for (size_t d = 0; d < ARRAY_LEN(dirs); d++) {
		struct ftable *ft = ftable_new(ARCH_X86_64);
		struct cpu_map *m = load_ok(dirs[d], ft);
		assert_true(m->vendors.n >= 3);
		for (size_t i = 0; i < m->vendors.n; i++) {
			const struct cm_vendor *v = m->vendors.v[i];
			assert_string_equal(vendor_name(v->string), v->name);
			assert_string_equal(vendor_cpuid_string(v->name), v->string);
		}
		cpu_map_free(m);
		ftable_free(ft);
	}
	assert_string_equal(vendor_name("CentaurHauls"), "Zhaoxin");
	assert_string_equal(vendor_name("  Shanghai  "), "Zhaoxin");
	assert_string_equal(vendor_name("NexGenDriven"), "NexGenDriven");
	assert_null(vendor_cpuid_string("NexGen"));
}

static void test_default_dir(void **state)
{
	(void)state;
	char buf[512];
	FILE *f = fopen("/usr/share/libvirt/cpu_map/index.xml", "r");

	cpu_map_default_dir("/opt/cs/share", buf, sizeof(buf));
	if (f) {
		assert_string_equal(buf, "/usr/share/libvirt/cpu_map");
		fclose(f);
	} else {
		assert_string_equal(buf, "/opt/cs/share/cpu_map");
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_90),
		cmocka_unit_test(test_load_113),
		cmocka_unit_test(test_small_map),
		cmocka_unit_test(test_bad_maps),
		cmocka_unit_test(test_symlink_loops),
		cmocka_unit_test(test_s390x_has_no_map),
		cmocka_unit_test(test_vendor_table),
		cmocka_unit_test(test_default_dir),
	};
	return TEST_RUN("cpu_map", tests, argc, argv);
}
