/* test_replies.c - libvirt's QEMU capability captures (.replies) against
 * the domcapabilities libvirt computed from the same captures
 * (tests/qemucapabilitiesdata and tests/domaincapsdata of libvirt 11.3 and
 * 9.0): for the KVM and the TCG session, x86_64 and s390x, every model's
 * usable flag, blockers, canonical name and deprecation, which models are
 * listed at all, and the host-model.  Plus the reader's own rules and
 * errors. */
#include "testutil.h"
#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "err.h"
#include "host.h"
#include "host_load.h"
#include "host_sniff.h"
#include "hostcpu.h"
#include "model.h"
#include "replies.h"
#include "xml_util.h"

#define L "tests/data/libvirt/"
#define CAPS11 L "v11.3.0/qemucapabilitiesdata/"
#define DOM11 L "v11.3.0/domaincapsdata/"
#define CAPS9 L "v9.0.0/qemucapabilitiesdata/"
#define DOM9 L "v9.0.0/domaincapsdata/"

static const struct pair {
	const char *replies;
	const char *accel;
	const char *domcaps;
	enum arch arch;
	const char *map;   /* libvirt's map of the same release (x86_64) */
	size_t models;     /* models domcapabilities lists */
	size_t blockers;   /* of them with <blockers> */
} pairs[] = {
	{ CAPS11 "caps_10.0.0_x86_64.replies", "kvm", DOM11 "qemu_10.0.0.x86_64.xml", ARCH_X86_64,
	  "tests/data/cpu_map-11.3", 145, 107 },
	{ CAPS11 "caps_10.0.0_x86_64.replies", "tcg", DOM11 "qemu_10.0.0-tcg.x86_64.xml", ARCH_X86_64,
	  "tests/data/cpu_map-11.3", 145, 109 },
	{ CAPS11 "caps_10.0.0_s390x.replies", "kvm", DOM11 "qemu_10.0.0.s390x.xml", ARCH_S390X, NULL,
	  82, 4 },
	{ CAPS9 "caps_7.2.0.x86_64.replies", "kvm", DOM9 "qemu_7.2.0.x86_64.xml", ARCH_X86_64,
	  "data/cpu_map", 53, 0 },
	{ CAPS9 "caps_7.2.0.x86_64.replies", "tcg", DOM9 "qemu_7.2.0-tcg.x86_64.xml", ARCH_X86_64,
	  "data/cpu_map", 53, 0 },
};

static const char *estr(const struct err *e)
{
	return test_estr(e);
}

/* The guest CPU's features of one policy as feature ids. */
static void policy_set(const struct guest_cpu *g, const struct ftable *ft, enum policy p,
		       struct fset *out)
{
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *f = vec_get(&g->features, i);
		const struct feature *x = ftable_lookup(ft, f->name);
		if (f->policy != p)
			continue;
		if (!x)
			fail_msg("host-model feature %s is not in the table", f->name);
		fset_add(out, x->id);
	}
}

static void check_pair(const struct pair *p)
{
	struct ftable *ft = ftable_new(p->arch);
	struct cpu_map *map = NULL;
	struct dataset *ds;
	struct host *dom, *qh;
	const struct mdata *md;
	struct guest_cpu *g;
	struct fset req = FSET_INIT, dis = FSET_INIT;
	struct err e;
	size_t same = 0, nblk = 0, listed_ok = 0;

	err_clear(&e);
	if (p->map) {
		map = cpu_map_load(test_path(p->map), p->arch, ft, &e);
		assert_non_null(map);
	}
	ds = replies_load(test_path(p->replies), ft, p->accel, &e);
	if (!ds)
		fail_msg("%s: %s", p->replies, estr(&e));
	assert_string_equal(ds->accel, p->accel);
	md = dataset_find_mdata(ds, "none");
	assert_non_null(md);
	dom = host_load(test_path(p->domcaps), ft, &e);
	if (!dom)
		fail_msg("%s: %s", p->domcaps, estr(&e));
	assert_int_equal(dom->usability.n, p->models);

	/* every model domcapabilities lists, as the capture's session says */
	for (size_t i = 0; i < dom->usability.n; i++) {
		const struct host_model_usability *u = vec_get(&dom->usability, i);
		const struct cpu_def *d = mdata_def(md, u->name);
		if (!d)
			fail_msg("%s: %s is not in the %s session", p->domcaps, u->name, p->accel);
		assert_true(d->unavail_known);
		if ((u->usable == 1) != fset_empty(&d->unavailable))
			fail_msg("%s %s: usable %d, but QEMU lists %zu unavailable features", p->domcaps,
				 u->name, u->usable, fset_count(&d->unavailable));
		if (u->has_blockers) {
			nblk++;
			if (!fset_equal(&u->blockers, &d->unavailable))
				fail_msg("%s %s: blockers differ from QEMU's unavailable-features",
					 p->domcaps, u->name);
		}
		if (u->canonical && !str_eq(u->canonical, d->alias_of))
			fail_msg("%s %s: canonical %s, alias-of %s", p->domcaps, u->name, u->canonical,
				 d->alias_of ? d->alias_of : "(none)");
		if (u->deprecated != d->deprecated)
			fail_msg("%s %s: deprecated differs", p->domcaps, u->name);
		same++;
	}
	assert_int_equal(nblk, p->blockers);
	/* and the list itself: the models both QEMU and libvirt know (s390x:
	 * every model but 'host'; libvirt keeps no s390 map) */
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&md->defs, i);
		bool libvirt = map ? cpu_map_model(map, d->name) != NULL : strcmp(d->name, "host") != 0;
		if (libvirt != (host_usability(dom, d->name) != NULL))
			fail_msg("%s: %s is %slisted", p->domcaps, d->name, libvirt ? "not " : "");
		listed_ok++;
	}

	/* host-model */
	qh = replies_host(test_path(p->replies), ft, p->accel, &e);
	if (!qh)
		fail_msg("%s: %s", p->replies, estr(&e));
	g = host_model_of(map, qh, &e);
	if (!g)
		fail_msg("%s: host-model: %s", p->replies, estr(&e));
	assert_non_null(dom->model);
	if (!str_eq(g->model, dom->model))
		fail_msg("%s: host-model %s, libvirt's %s", p->replies, g->model, dom->model);
	if (!str_eq(g->vendor, dom->vendor))
		fail_msg("%s: host-model vendor %s, libvirt's %s", p->replies,
			 g->vendor ? g->vendor : "(none)", dom->vendor ? dom->vendor : "(none)");
	policy_set(g, ft, POLICY_REQUIRE, &req);
	policy_set(g, ft, POLICY_DISABLE, &dis);
	if (!fset_equal(&req, &dom->listed) || !fset_equal(&dis, &dom->disabled))
		fail_msg("%s %s: host-model features differ (require %zu/%zu, disable %zu/%zu)",
			 p->replies, p->accel, fset_count(&req), fset_count(&dom->listed),
			 fset_count(&dis), fset_count(&dom->disabled));
	printf("  %s %s = %s: %zu models (usable, %zu blocker lists, canonical), %zu QEMU "
	       "models listed or not as libvirt does, host-model %s + %zu require - %zu disable\n",
	       strrchr(p->replies, '/') + 1, p->accel, strrchr(p->domcaps, '/') + 1, same, nblk,
	       listed_ok, g->model, fset_count(&req), fset_count(&dis));

	fset_fini(&req);
	fset_fini(&dis);
	guest_cpu_free(g);
	host_free(qh);
	host_free(dom);
	dataset_free(ds);
	cpu_map_free(map);
	ftable_free(ft);
}

static void test_domcaps_agreement(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++)
		check_pair(&pairs[i]);
}

/* libvirt's own summary of a capture (caps_*.xml: the <cpu type=ACCEL>
 * models with usable and <blocker>s, the <hostCPU type=ACCEL> expansion)
 * against the capture read here, for one session.  It covers the s390x
 * TCG session, which no domaincapsdata file shows. */
static void check_caps_xml(const char *replies, const char *xml, enum arch arch, const char *accel)
{
	struct ftable *ft = ftable_new(arch);
	struct dataset *ds;
	struct host *h;
	const struct mdata *md;
	xmlDoc *doc;
	struct err e;
	size_t n = 0, nblk = 0;
	bool host_seen = false;

	err_clear(&e);
	ds = replies_load(test_path(replies), ft, accel, &e);
	h = replies_host(test_path(replies), ft, accel, &e);
	doc = xml_load(test_path(xml), &e);
	assert_non_null(ds);
	assert_non_null(h);
	assert_non_null(doc);
	md = dataset_find_mdata(ds, "none");
	for (const xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
		char *type = xml_attr(c, "type");
		bool mine = str_eq(type, accel);
		free(type);
		if (!mine)
			continue;
		if (xml_is(c, "cpu")) {
			char *name = xml_attr(c, "name"), *usable = xml_attr(c, "usable");
			const struct cpu_def *d = mdata_def(md, name);
			struct fset blk = FSET_INIT;
			for (const xmlNode *b = c->children; b; b = b->next) {
				char *bn = xml_is(b, "blocker") ? xml_attr(b, "name") : NULL;
				if (bn)
					fset_add(&blk, ftable_intern(ft, bn));
				free(bn);
			}
			if (!d)
				fail_msg("%s: %s is not in the %s session", xml, name, accel);
			if (str_eq(usable, "yes") != fset_empty(&d->unavailable) ||
			    !fset_equal(&blk, &d->unavailable))
				fail_msg("%s %s %s: usable/blockers differ", xml, accel, name);
			nblk += !fset_empty(&blk);
			n++;
			fset_fini(&blk);
			free(name);
			free(usable);
		} else if (xml_is(c, "hostCPU")) {
			char *model = xml_attr(c, "model");
			struct fset on = FSET_INIT, off = FSET_INIT;
			for (const xmlNode *p = c->children; p; p = p->next) {
				char *pn = xml_is(p, "property") ? xml_attr(p, "name") : NULL;
				char *pt = pn ? xml_attr(p, "type") : NULL, *pv = pn ? xml_attr(p, "value") : NULL;
				if (str_eq(pt, "boolean"))
					fset_add(str_eq(pv, "true") ? &on : &off, ftable_intern(ft, pn));
				free(pn);
				free(pt);
				free(pv);
			}
			assert_string_equal(h->model, model);
			if (!fset_equal(&on, &h->listed) || !fset_equal(&off, &h->disabled))
				fail_msg("%s %s: the host CPU's properties differ", xml, accel);
			host_seen = true;
			fset_fini(&on);
			fset_fini(&off);
			free(model);
		}
	}
	assert_true(host_seen);
	assert_int_equal(n, md->defs.n);
	printf("  %s %s = %s: %zu models (usable, %zu blocker lists), host CPU %s + %zu - %zu\n",
	       strrchr(replies, '/') + 1, accel, strrchr(xml, '/') + 1, n, nblk, h->model,
	       fset_count(&h->listed), fset_count(&h->disabled));
	xmlFreeDoc(doc);
	host_free(h);
	dataset_free(ds);
	ftable_free(ft);
}

static void test_caps_xml_agreement(void **state)
{
	(void)state;
	check_caps_xml(CAPS11 "caps_10.0.0_s390x.replies", CAPS11 "caps_10.0.0_s390x.xml", ARCH_S390X,
		       "kvm");
	check_caps_xml(CAPS11 "caps_10.0.0_s390x.replies", CAPS11 "caps_10.0.0_s390x.xml", ARCH_S390X,
		       "tcg");
}

/* The capture as QEMU data: version, arch, machine types, sessions. */
static void test_dataset(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct dataset *ds;
	const struct mdata *md;
	const struct cpu_def *d;
	const struct expansion *x;
	const struct feature *invtsc = ftable_lookup(ft, "invtsc");
	enum arch a = ARCH_X86_64;
	char acc[32];
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(replies_file_is(test_path(CAPS11 "caps_10.0.0_x86_64.replies")));
	assert_false(replies_file_is(test_path("tests/data/qmp/definitions-pc-q35-7.2.json")));
	assert_true(replies_arch(test_path(CAPS11 "caps_10.0.0_s390x.replies"), &a, &e));
	assert_int_equal(a, ARCH_S390X);
	assert_true(replies_accels(test_path(CAPS11 "caps_10.0.0_x86_64.replies"), acc, sizeof(acc),
				   &e));
	assert_string_equal(acc, "kvm,tcg");
	assert_true(replies_accels(test_path(CAPS11 "caps_10.0.0_s390x.replies"), acc, sizeof(acc),
				   &e));
	assert_string_equal(acc, "kvm,tcg");

	ds = replies_load(test_path(CAPS11 "caps_10.0.0_x86_64.replies"), ft, NULL, &e);
	assert_non_null(ds);
	assert_string_equal(ds->qemu_version, "10.0.0");
	assert_string_equal(ds->qemu_package, "v10.0.0");
	assert_string_equal(ds->accel, "kvm"); /* the first session */
	assert_non_null(dataset_machine(ds, "pc-q35-10.0"));
	assert_string_equal(dataset_default_machine(ds)->name, "pc-i440fx-10.0");
	assert_int_equal(ds->mdatas.n, 1);
	md = dataset_find_mdata(ds, "none");
	d = mdata_def(md, "EPYC-Genoa");
	assert_non_null(d);
	assert_string_equal(d->alias_of, "EPYC-Genoa-v1");
	/* the host's static expansion with libvirt's merge: invtsc is not
	 * migratable, so only the non-migratable expansion has it */
	x = dataset_expansion(ds, md, "host", false);
	assert_non_null(x);
	assert_non_null(invtsc);
	assert_true(fset_has(&x->on, invtsc->id));
	assert_non_null(dataset_expansion(ds, md, "host", true));
	assert_null(dataset_expansion(ds, md, "max", false));
	dataset_free(ds);

	ds = replies_load(test_path(CAPS11 "caps_10.0.0_x86_64.replies"), ft, "tcg", &e);
	assert_non_null(ds);
	assert_string_equal(ds->accel, "tcg");
	md = dataset_find_mdata(ds, "none");
	assert_non_null(dataset_expansion(ds, md, "max", false));
	assert_null(dataset_expansion(ds, md, "host", false));
	d = mdata_def(md, "host");
	assert_non_null(d);
	assert_int_equal(d->nunavail, 1);
	assert_string_equal(d->unavail_names[0], "kvm");
	dataset_free(ds);
	ftable_free(ft);
}

static void test_hosts(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64), *fs = ftable_new(ARCH_S390X);
	const struct feature *invtsc = ftable_lookup(ft, "invtsc");
	struct host *h;
	struct err e;

	(void)state;
	err_clear(&e);
	/* host_load routes a capture to the reader, the session by accel */
	h = host_load_accel(test_path(CAPS11 "caps_10.0.0_x86_64.replies"), ft, "kvm", &e);
	assert_non_null(h);
	assert_int_equal(h->kind, HOST_QMP);
	assert_string_equal(h->vendor, "AMD");
	assert_true(h->has_signature);
	assert_int_equal(h->family, 23);
	assert_int_equal(h->cpu_model, 113);
	assert_true(fset_has(&h->features, invtsc->id));
	assert_non_null(host_usability(h, "EPYC-Rome"));
	assert_null(host_usability(h, "host"));
	host_free(h);
	h = host_load_accel(test_path(CAPS11 "caps_10.0.0_x86_64.replies"), ft, "tcg", &e);
	assert_non_null(h);
	assert_false(fset_has(&h->features, invtsc->id));
	host_free(h);

	/* s390x: the base model, what the host adds, and all it has */
	h = host_load(test_path(CAPS11 "caps_10.0.0_s390x.replies"), fs, &e);
	assert_non_null(h);
	assert_string_equal(h->model, "gen16a-base");
	assert_true(h->resolved);
	assert_true(fset_count(&h->features) > fset_count(&h->listed));
	{
		/* what QEMU lists names groups ("msa9"); the features are single */
		struct fset l = FSET_INIT;
		const struct feature *msa9 = ftable_lookup(fs, "msa9");
		assert_true(fset_has(&h->listed, msa9->id));
		assert_false(fset_has(&h->features, msa9->id));
		fset_copy(&l, &h->listed);
		ftable_expand_groups(fs, &l);
		assert_true(fset_subset(&l, &h->features));
		assert_true(fset_has(&h->features, ftable_lookup(fs, "kdsa-ecdsa-verify-p256")->id));
		fset_fini(&l);
	}
	host_free(h);

	/* the arch of host files */
	{
		enum arch a = ARCH_X86_64;
		bool known = false;
		assert_true(host_file_arch(test_path(CAPS11 "caps_10.0.0_s390x.replies"), &a, &known, &e));
		assert_true(known);
		assert_int_equal(a, ARCH_S390X);
		assert_true(host_file_arch(test_path(DOM11 "qemu_10.0.0.s390x.xml"), &a, &known, &e));
		assert_true(known);
		assert_int_equal(a, ARCH_S390X);
		assert_true(host_file_arch(test_path("tests/data/cpuid/x86_64-cpuid-Core2-E6850.xml"),
					   &a, &known, &e));
		assert_true(known);
		assert_int_equal(a, ARCH_X86_64);
		assert_true(host_file_arch(test_path("tests/data/qmp/libvirt-x86_64-cpuid-Core-i7-2600.json"),
					   &a, &known, &e));
		assert_false(known);
	}
	ftable_free(ft);
	ftable_free(fs);
}

static void test_errors(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;

	(void)state;
	err_clear(&e);
	/* the excerpt in tests/data/qmp has one session without query-kvm */
	assert_null(replies_load(test_path("tests/data/qmp/libvirt-caps_7.2.0.x86_64-excerpt.replies"),
				 ft, "kvm", &e));
	assert_string_equal(e.msg, "this capture has no kvm session (it has: unknown (no query-kvm))");
	err_clear(&e);
	assert_null(replies_load(test_path("tests/data/qmp/libvirt-caps_7.2.0.x86_64-excerpt.replies"),
				 ft, NULL, &e));
	assert_string_equal(e.msg, "the first session has no query-cpu-definitions reply");
	err_clear(&e);
	assert_null(replies_load(test_path(CAPS11 "caps_10.0.0_s390x.replies"), ft, NULL, &e));
	assert_string_equal(e.msg, "the capture is of qemu-system-s390x, but the selected arch is "
				   "x86_64 (use --arch s390x)");
	err_clear(&e);
	assert_null(replies_load(test_path("tests/data/qmp/definitions-pc-q35-7.2.json"), ft, NULL, &e));
	assert_string_equal(e.msg, "not a libvirt capability capture: no qmp_capabilities command");
	ftable_free(ft);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_true(replies_sniff("\n{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n", 55));
	assert_false(replies_sniff("{\"return\": {}}", 14));
	assert_false(replies_sniff("{\"QMP\": {\"version\": {}}}\n{\"execute\": \"qmp_capabilities\"}", 55));
	assert_int_equal(host_file_kind_of("<!-- x -->\n<cpudata arch='x86'>", 31), HF_CPUDATA);
	assert_int_equal(host_file_kind_of("<?xml version='1.0'?><cpu>", 26), HF_XML);
	assert_int_equal(host_file_kind_of("\xef\xbb\xbf  [1]", 8), HF_QMP);
	assert_int_equal(host_file_kind_of(" \n", 2), HF_EMPTY);
	assert_int_equal(host_file_kind_of("hello", 5), HF_OTHER);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domcaps_agreement),
		cmocka_unit_test(test_caps_xml_agreement),
		cmocka_unit_test(test_dataset),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sniff),
	};
	return TEST_RUN("replies", tests, argc, argv);
}
