/* test_custom.c - custom models: the reader (src/read/custom.c) of
 * Proxmox VE cpu-models.conf and [cpudef] files, from the files in
 * tests/data/custom/ and from strings, every malformed input with its
 * exact message; and the session putting them into the QEMU data
 * (src/logic/custom_models.c) with their verdicts. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custom.h"
#include "custom_def.h"
#include "err.h"
#include "feature.h"
#include "guest.h"
#include "guest_build.h"
#include "logic.h"
#include "model.h"
#include "session.h"
#include "userdata.h"

static struct custom_set *parse(struct ftable *ft, const char *text, struct err *e)
{
	err_clear(e);
	return custom_parse(text, strlen(text), "m.conf", ft, e);
}

static void expect_error(const char *text, const char *want)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	char buf[2048];
	struct custom_set *s = parse(ft, text, &e);

	if (s)
		fail_msg("parsed, expected: %s\n--- input:\n%s", want, text);
	assert_string_equal(err_str(&e, buf, sizeof(buf)), want);
	ftable_free(ft);
}

static const struct custom_flag *flag(const struct custom_model *m, size_t i)
{
	assert_true(i < m->flags.n);
	return m->flags.v[i];
}

/* ---- Proxmox ------------------------------------------------------------------ */

static void test_proxmox_file(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct custom_set *s;
	const struct custom_model *m;

	(void)state;
	err_clear(&e);
	s = custom_load(test_path("tests/data/custom/cpu-models.conf"), ft, &e);
	assert_non_null(s);
	assert_int_equal(s->format, CUSTOM_PROXMOX);
	assert_int_equal(s->models.n, 2);
	m = s->models.v[0];
	assert_string_equal(m->name, "custom-haswell-nested");
	assert_string_equal(m->id, "haswell-nested");
	assert_string_equal(m->base, "Haswell-noTSX");
	assert_true(m->base_given);
	assert_int_equal(m->line, 4);
	assert_int_equal(m->base_line, 7);
	assert_int_equal(m->flags.n, 2);
	assert_string_equal(flag(m, 0)->name, "nested-virt");
	assert_int_equal(flag(m, 0)->kind, CFLAG_NESTED_VIRT);
	assert_true(flag(m, 0)->on);
	assert_string_equal(flag(m, 1)->name, "pcid");
	assert_false(flag(m, 1)->on);
	assert_int_equal(m->phys_bits, 40);
	assert_int_equal(m->hidden, -1);
	m = s->models.v[1];
	assert_string_equal(m->name, "custom-gpu-passthrough");
	assert_string_equal(m->base, "Nehalem");
	assert_int_equal(flag(m, 1)->kind, CFLAG_HYPERV);
	assert_int_equal(m->hidden, 1);
	assert_string_equal(m->hv_vendor_id, "whatever");
	assert_true(custom_model_has_settings(m));
	char *t = custom_model_flags_text(m);
	assert_string_equal(t, "+pcid;+hv-tlbflush");
	free(t);
	assert_ptr_equal(custom_set_find(s, "custom-gpu-passthrough"), m);
	assert_null(custom_set_find(s, "gpu-passthrough"));
	custom_set_free(s);
	ftable_free(ft);
}

static void test_proxmox_grammar(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct custom_set *s;
	const struct custom_model *m;

	(void)state;
	/* no reported-model: kvm64; "hidden" alone is 1; comments inside a
	 * section do not end it; CRLF; spaces for tabs; type:id in one word;
	 * booleans in any case; phys-bits host; level */
	s = parse(ft, "# comment\r\n\r\ncpu-model:a\r\n    hidden\r\n  # still a\r\n"
		      "\tphys-bits host\r\n\tlevel 13\r\n\tguest-phys-bits 39\r\n\r\n"
		      "cpu-model:   b  \n\thidden YES\n\tflags -x2apic\n\n\n", &e);
	assert_non_null(s);
	assert_int_equal(s->models.n, 2);
	m = s->models.v[0];
	assert_string_equal(m->name, "custom-a");
	assert_string_equal(m->base, "kvm64");
	assert_false(m->base_given);
	assert_int_equal(m->hidden, 1);
	assert_int_equal(m->phys_bits, 0);
	assert_int_equal(m->level, 13);
	assert_int_equal(m->guest_phys_bits, 39);
	m = s->models.v[1];
	assert_string_equal(m->id, "b");
	assert_int_equal(m->hidden, 1);
	assert_false(flag(m, 0)->on);
	custom_set_free(s);
	/* an empty file has no models */
	s = parse(ft, "# nothing\n\n", &e);
	assert_non_null(s);
	assert_int_equal(s->models.n, 0);
	custom_set_free(s);
	/* hidden 0, features by another spelling */
	s = parse(ft, "cpu-model: c\n\thidden off\n\tflags +sse4_1;+pclmuldq\n", &e);
	assert_non_null(s);
	m = s->models.v[0];
	assert_int_equal(m->hidden, 0);
	assert_false(custom_model_has_settings(m));
	custom_set_free(s);
	ftable_free(ft);
}

static void test_proxmox_errors(void **state)
{
	(void)state;
	expect_error("\tflags +aes\n",
		     "m.conf:1: a property line outside a section (a section starts with "
		     "'cpu-model: NAME' at the start of a line)");
	expect_error("cpu-model foo\n", "m.conf:1: expected a section header 'cpu-model: NAME' (got "
		     "'cpu-model foo')");
	expect_error("cpu-model: a b\n", "m.conf:1: expected a section header 'cpu-model: NAME' (got "
		     "'cpu-model: a b')");
	expect_error("storage: foo\n", "m.conf:1: unknown section type 'storage' (Proxmox's "
		     "cpu-models.conf has only 'cpu-model: NAME' sections)");
	expect_error("cpu-model: a\n\treported-model Haswell\ncpu-model: b\n",
		     "m.conf:3: a section header needs a blank line before it (Proxmox reads this "
		     "line as part of a and ignores it)");
	expect_error("cpu-model: a\nflags +aes\n",
		     "m.conf:2: expected an indented 'KEY VALUE' line of a, a blank line or a new "
		     "section");
	expect_error("cpu-model: a\n\tflag +aes\n",
		     "m.conf:2: unknown property 'flag'; did you mean 'flags'?");
	expect_error("cpu-model: a\n\tcolour red\n",
		     "m.conf:2: unknown property 'colour' (expected one of flags, guest-phys-bits, "
		     "hidden, hv-vendor-id, level, phys-bits, reported-model)");
	expect_error("cpu-model: a\n\tcputype custom-a\n",
		     "m.conf:2: cputype: the section header names the model (cpu-model: NAME is "
		     "cputype custom-NAME)");
	expect_error("cpu-model: a\n\tphys-bits 40\n\tphys-bits 41\n",
		     "m.conf:3: duplicate property 'phys-bits' in a (first at line 2)");
	expect_error("cpu-model: a\n\treported-model\n", "m.conf:2: property 'reported-model' needs a value");
	expect_error("cpu-model: a\n\treported-model Has,well\n",
		     "m.conf:2: reported-model 'Has,well' is not one word of -cpu: QEMU's names are up "
		     "to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
	expect_error("cpu-model: a\n\tflags aes\n",
		     "m.conf:2: flags: 'aes' is not +FLAG or -FLAG (Proxmox's format is "
		     "+FLAG[;-FLAG...]: letters, digits, '-', '_' and '.')");
	expect_error("cpu-model: a\n\tflags +aes;;-pcid\n",
		     "m.conf:2: flags: '' is not +FLAG or -FLAG (Proxmox's format is "
		     "+FLAG[;-FLAG...]: letters, digits, '-', '_' and '.')");
	expect_error("cpu-model: a\n\tflags +a=on\n",
		     "m.conf:2: flags: '+a=on' is not +FLAG or -FLAG (Proxmox's format is "
		     "+FLAG[;-FLAG...]: letters, digits, '-', '_' and '.')");
	expect_error("cpu-model: a\n\tflags +rtn\n", "m.conf:2: unknown feature 'rtn'; did you mean rtm?");
	expect_error("cpu-model: a\n\tflags +zzzzzzzz\n",
		     "m.conf:2: unknown feature 'zzzzzzzz': neither QEMU nor libvirt knows it");
	expect_error("cpu-model: a\n\tflags +aes;-aes\n",
		     "m.conf:2: feature 'aes' is both on and off in custom-a (line 2 turns it on)");
	expect_error("cpu-model: a\n\tflags +pclmulqdq;+pclmuldq\n",
		     "m.conf:2: feature 'pclmuldq' is given twice in custom-a (first at line 2 as "
		     "pclmulqdq)");
	expect_error("cpu-model: a\n\thidden maybe\n",
		     "m.conf:2: hidden: 'maybe' is not a boolean (1, 0, yes, no, on, off, true or false)");
	expect_error("cpu-model: a\n\thv-vendor-id too-long-vendor\n",
		     "m.conf:2: hv-vendor-id: 'too-long-vendor' is not 1 to 12 letters and digits");
	expect_error("cpu-model: a\n\tphys-bits 7\n",
		     "m.conf:2: phys-bits: '7': the value must be an integer from 8 to 64 or 'host'");
	expect_error("cpu-model: a\n\tphys-bits 065\n",
		     "m.conf:2: phys-bits: '065': the value must be an integer from 8 to 64 or 'host'");
	expect_error("cpu-model: a\n\tguest-phys-bits 31\n",
		     "m.conf:2: guest-phys-bits: '31': the value must be an integer from 32 to 64");
	expect_error("cpu-model: a\n\tlevel 4294967296\n",
		     "m.conf:2: level: '4294967296': the value must be an integer from 0 to 4294967295");
	expect_error("cpu-model: a\n\nfoo\n", "m.conf:3: expected a section header 'cpu-model: NAME' "
		     "(got 'foo')");
	expect_error("cpu-model: a\n\ncpu-model: a\n",
		     "m.conf:3: custom model 'a' is defined twice (first at line 1)");
	expect_error("cpu-model: a,b\n",
		     "m.conf:1: custom model name 'custom-a,b' is not one word of -cpu: QEMU's names "
		     "are up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
	expect_error("cpu-model: a\x1b[2J\n", "m.conf:1: custom model name \"a\\e[2J\" has a control "
		     "character (U+001B)");
	expect_error("cpu-model: a\n\tflags +\xff\n",
		     "m.conf:2: value \"+\\xff\" is not valid UTF-8 (byte 0xff)");
}

static void test_nul(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	static const char text[] = "cpu-model: a\n\tflags +a\0es\n";
	struct err e;
	char buf[256];

	(void)state;
	err_clear(&e);
	assert_null(custom_parse(text, sizeof(text) - 1, "m.conf", ft, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)), "m.conf:2: a NUL character in the line");
	ftable_free(ft);
}

/* ---- [cpudef] ------------------------------------------------------------------ */

static void test_cpudef_file(void **state)
{
	struct ftable *ft = ftable_new(ARCH_X86_64);
	struct err e;
	struct custom_set *s;
	const struct custom_model *m;

	(void)state;
	err_clear(&e);
	s = custom_load(test_path("tests/data/custom/cpudef.ini"), ft, &e);
	assert_non_null(s);
	assert_int_equal(s->format, CUSTOM_CPUDEF);
	assert_int_equal(s->models.n, 2);
	m = s->models.v[0];
	assert_string_equal(m->name, "nehalem-vmx");
	assert_string_equal(m->base, "Nehalem");
	assert_int_equal(m->line, 2);
	assert_int_equal(m->base_line, 4);
	assert_int_equal(m->flags.n, 2);
	assert_string_equal(flag(m, 0)->name, "vmx");
	assert_string_equal(flag(m, 1)->name, "aes");
	assert_true(flag(m, 1)->on);
	m = s->models.v[1];
	assert_string_equal(m->name, "westmere-lean");
	assert_string_equal(m->base, "Westmere");
	assert_int_equal(m->flags.n, 2);
	assert_false(flag(m, 0)->on);
	assert_string_equal(flag(m, 1)->name, "aes");
	custom_set_free(s);
	ftable_free(ft);
}

static void test_cpudef_errors(void **state)
{
	(void)state;
	expect_error("[cpudef]\nname = a\n", "m.conf:1: [cpudef] a has no base model (base = MODEL)");
	expect_error("[cpudef]\nbase = Nehalem\n", "m.conf:1: [cpudef] has no name (name = MODEL)");
	expect_error("[cpu]\n", "m.conf:1: unknown section '[cpu]' (a [cpudef]-style file has only "
		     "[cpudef] sections)");
	expect_error("; x\n[cpudef]\nname = a\nbase = Nehalem\nbase = Westmere\n",
		     "m.conf:5: duplicate key 'base' (first at line 4)");
	expect_error("[cpudef]\nnmae = a\n", "m.conf:2: unknown key 'nmae'; did you mean 'name'?");
	expect_error("[cpudef]\nmodel_id = x\n",
		     "m.conf:2: unknown key 'model_id' (expected one of add, base, name, remove)");
	expect_error("[cpudef]\nname a\n", "m.conf:2: expected 'key = value' (name, base, add or remove)");
	expect_error("[cpudef]\nname = \"a\n", "m.conf:2: name: unbalanced quotes in \"a");
	expect_error("[cpudef]\nname =\n", "m.conf:2: name needs a value");
	expect_error("[cpudef]\nname = a b\n",
		     "m.conf:2: custom model name 'a b' is not one word of -cpu: QEMU's names are up "
		     "to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
	expect_error("[cpudef]\nname = a\nbase = Nehalem\nadd = vmx, rtn\n",
		     "m.conf:4: unknown feature 'rtn'; did you mean rtm?");
	expect_error("[cpudef]\nname = a\nbase = Nehalem\nadd = vmx\nremove = vmx\n",
		     "m.conf:5: feature 'vmx' is both on and off in a (line 4 turns it on)");
	expect_error("[cpudef]\nname = a\nbase = Nehalem\n\n[cpudef]\nname = a\nbase = Westmere\n",
		     "m.conf:6: custom model 'a' is defined twice (first at line 1)");
	/* the first line decides the format: a Proxmox header after [cpudef] is no key */
	expect_error("[cpudef]\ncpu-model: a\n",
		     "m.conf:2: expected 'key = value' (name, base, add or remove)");
}

/* ---- the session: custom models in the data ----------------------------------------- */

static struct session *session_with(const char *custom, const char *host, struct err *e)
{
	struct session_opts o;
	struct session *s;

	memset(&o, 0, sizeof(o));
	o.snapshot = test_path("data/qemu-7.2-x86_64.json");
	o.custom_file = custom ? test_path(custom) : NULL;
	o.host_file = host ? test_path(host) : NULL;
	o.cpu_map_dir = test_path("data/cpu_map");
	s = session_new(&o);
	err_clear(e);
	if (!session_load_data(s, e) || !session_load_host(s, e)) {
		session_free(s);
		return NULL;
	}
	return s;
}

static enum usable verdict(const struct session *s, const char *model, struct fset *blk)
{
	struct model_view mv;
	struct err e;

	err_clear(&e);
	assert_true(model_lookup(s->ds, s->md, model, &mv, &e));
	return model_usable(&mv, s->host, blk);
}

static bool has(const struct session *s, const struct fset *set, const char *f)
{
	const struct feature *ft = ftable_lookup(s->ft, f);

	return ft && fset_has(set, ft->id);
}

static void test_session(void **state)
{
	struct err e;
	struct session *s;
	struct fset blk = FSET_INIT;
	struct model_view mv, bmv;

	(void)state;
	/* QEMU's own verdict (TCG): the base's blockers less pcid, plus vmx */
	s = session_with("tests/data/custom/cpu-models.conf", NULL, &e);
	assert_non_null(s);
	assert_true(model_lookup(s->ds, s->md, "custom-haswell-nested", &mv, &e));
	assert_non_null(mv.def->custom);
	assert_string_equal(mv.def->custom->base, "Haswell-noTSX");
	assert_true(model_lookup(s->ds, s->md, "Haswell-noTSX", &bmv, &e));
	assert_true(has(s, &mv.full->on, "vmx"));
	assert_false(has(s, &mv.full->on, "pcid"));
	assert_true(has(s, &bmv.full->on, "pcid"));
	assert_string_equal(expansion_prop(mv.full, "phys-bits"), "40");
	assert_string_equal(mv.vendor, "GenuineIntel");
	assert_int_equal(verdict(s, "custom-haswell-nested", &blk), USABLE_NO);
	assert_true(has(s, &blk, "vmx"));
	assert_false(has(s, &blk, "pcid"));
	assert_true(has(s, &blk, "x2apic"));
	assert_int_equal(fset_count(&blk), 4);
	/* Hyper-V flags and settings are properties */
	assert_true(model_lookup(s->ds, s->md, "custom-gpu-passthrough", &mv, &e));
	assert_string_equal(expansion_prop(mv.full, "hv-tlbflush"), "true");
	assert_string_equal(expansion_prop(mv.full, "hv-vendor-id"), "\"whatever\"");
	assert_int_equal(verdict(s, "custom-gpu-passthrough", &blk), USABLE_NO);
	assert_true(has(s, &blk, "pcid"));
	assert_int_equal(fset_count(&blk), 1);
	/* every machine type with the base has it */
	const struct mdata *old = dataset_resolve_machine(s->ds, "pc-i440fx-2.0", &e);
	assert_non_null(old);
	assert_non_null(mdata_def(old, "custom-haswell-nested"));
	assert_non_null(strstr(session_model_note(s, "custom-haswell-nested"),
			       "cpu-models.conf:4): reported-model Haswell-noTSX; flags +nested-virt;-pcid "
			       "(nested-virt as vmx"));
	session_free(s);

	/* a host's verdict: the same features against the domcapabilities host */
	s = session_with("tests/data/custom/cpudef.ini", "data/hosts/qemu-7.2-tcg-domcaps.xml", &e);
	assert_non_null(s);
	assert_int_equal(verdict(s, "nehalem-vmx", &blk), USABLE_NO);
	assert_true(has(s, &blk, "vmx"));
	assert_int_equal(fset_count(&blk), 1);
	assert_int_equal(verdict(s, "westmere-lean", &blk), USABLE_YES);
	session_free(s);
	fset_fini(&blk);
}

/* A guest on a custom model is its base with its features, the user's
 * policy winning; its settings go onto -cpu; the XML says what it leaves out. */
static void test_build(void **state)
{
	struct err e;
	struct session *s = session_with("tests/data/custom/cpu-models.conf", NULL, &e);
	struct guest_cpu *g = guest_cpu_new();
	struct guest_built b;
	struct guest_feature *gf = xcalloc(1, sizeof(*gf));
	const char *why;

	(void)state;
	assert_non_null(s);
	struct guest_ctx ctx = { s->ds, s->md, s->host, "QEMU", NULL };
	g->model = xstrdup("custom-haswell-nested");
	gf->name = xstrdup("vmx");
	gf->policy = POLICY_DISABLE;
	vec_push(&g->features, gf);
	err_clear(&e);
	assert_true(guest_build(&ctx, g, GUEST_VERSION_AS_GIVEN, &b, &e));
	assert_string_equal(b.cpu->model, "Haswell-noTSX");
	assert_non_null(b.custom);
	/* what an editor keeps: the custom model's name, the user's policies */
	assert_string_equal(b.asked->model, "custom-haswell-nested");
	assert_int_equal(b.asked->features.n, 1);
	assert_string_equal(b.qemu, "Haswell-noTSX,pcid=off,vmx=off,phys-bits=40");
	assert_string_equal(b.xml, "<cpu mode='custom' match='exact'>\n"
			    "  <model fallback='allow'>Haswell-noTSX</model>\n"
			    "  <feature policy='disable' name='pcid'/>\n"
			    "  <feature policy='disable' name='vmx'/>\n"
			    "</cpu>\n");
	assert_int_equal(b.xml_notes.n, 1);
	assert_string_equal(b.xml_notes.v[0], "custom-haswell-nested: phys-bits 40 is left out of "
			    "this <cpu> (libvirt's <maxphysaddr mode='emulate' bits='40'/>)");
	/* vmx may not be set on a VM's line: the custom model, redefined */
	assert_string_equal(guest_form_text(&b, GUEST_FORM_PLATFORM + PLATFORM_PROXMOX, &why, NULL),
			    "# /etc/pve/virtual-guest/cpu-models.conf\n"
			    "cpu-model: haswell-nested\n"
			    "\tflags -pcid;-vmx\n"
			    "\tphys-bits 40\n"
			    "\treported-model Haswell-noTSX\n"
			    "\n"
			    "# /etc/pve/qemu-server/VMID.conf\n"
			    "cpu: custom-haswell-nested\n");
	assert_string_equal(guest_form_title(GUEST_FORM_QEMU), "QEMU -cpu value");
	/* the compare of the guest as it stands uses the same CPU */
	struct guest_cpu *r = guest_custom_resolve(&ctx, g);
	assert_non_null(r);
	assert_string_equal(r->model, "Haswell-noTSX");
	assert_int_equal(r->features.n, 2);
	guest_cpu_free(r);
	guest_build_fini(&b);
	/* no versions */
	err_clear(&e);
	assert_false(guest_build(&ctx, g, 2, &b, &e));
	assert_string_equal(e.msg, "custom model custom-haswell-nested has no versions (it is built "
			    "on Haswell-noTSX)");
	/* Hyper-V flags and settings of the other model on -cpu */
	free(g->model);
	g->model = xstrdup("custom-gpu-passthrough");
	err_clear(&e);
	assert_true(guest_build(&ctx, g, GUEST_VERSION_AS_GIVEN, &b, &e));
	assert_string_equal(b.qemu, "Nehalem,pcid=on,vmx=off,hv-tlbflush=on,kvm=off,"
			    "hv-vendor-id=whatever");
	guest_build_fini(&b);
	guest_cpu_free(g);
	session_free(s);
}

static void test_session_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* after "FILE:" */
	} cases[] = {
		{ "cpu-model: a\n\treported-model Haswel\n",
		  ":2: custom model custom-a: reported model: unknown CPU model 'Haswel' (not in QEMU "
		  "7.2.22); did you mean 'Haswell', 'Haswell-IBRS', 'Haswell-noTSX' or "
		  "'Haswell-noTSX-IBRS'?" },
		{ "[cpudef]\nname = Haswell\nbase = Nehalem\n",
		  ":1: custom model Haswell has the name of a model of QEMU 7.2.22" },
		{ "[cpudef]\nname = a\nbase = Nehalem\n\n[cpudef]\nname = b\nbase = a\n",
		  ":7: custom model b: its base a is a custom model too (build on a QEMU model: a's "
		  "base is Nehalem)" },
		{ "cpu-model: a\n\treported-model Nehalem\n\tflags +hv-nonsense\n",
		  ":3: custom model custom-a: 'hv-nonsense' is not a Hyper-V enlightenment of QEMU "
		  "7.2.22 (no boolean property hv-nonsense)" },
	};
	char path[] = "/tmp/cpuscope-custom-XXXXXX";
	struct err e;
	char buf[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, cases[i].text, strlen(cases[i].text)),
				 (ssize_t)strlen(cases[i].text));
		close(fd);
		struct session_opts o;
		memset(&o, 0, sizeof(o));
		o.snapshot = test_path("data/qemu-7.2-x86_64.json");
		o.custom_file = path;
		struct session *s = session_new(&o);
		err_clear(&e);
		assert_false(session_load_data(s, &e));
		char *want = xasprintf("%s%s", path, cases[i].want);
		assert_string_equal(err_str(&e, buf, sizeof(buf)), want);
		free(want);
		session_free(s);
		unlink(path);
		strcpy(path, "/tmp/cpuscope-custom-XXXXXX");
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxmox_file),
		cmocka_unit_test(test_proxmox_grammar),
		cmocka_unit_test(test_proxmox_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_cpudef_file),
		cmocka_unit_test(test_cpudef_errors),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_session_errors),
	};
	return TEST_RUN("custom", tests, argc, argv);
}
