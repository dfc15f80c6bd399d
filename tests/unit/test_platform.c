/* test_platform.c - the platform forms of a guest CPU (src/emit/platform.c):
 * Proxmox VE's VM config line and cpu-models.conf entry, KubeVirt's YAML,
 * Nova's [libvirt] options and the QMP command, each with what it cannot
 * express. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "custom_def.h"
#include "feature.h"
#include "guest.h"
#include "platform.h"

struct fix {
	struct ftable *ft;
	struct guest_cpu *g;
	struct platform_out o;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->ft = ftable_new(ARCH_X86_64);
	f->g = guest_cpu_new();
	f->g->model = xstrdup("Haswell-noTSX");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	platform_out_fini(&f->o);
	guest_cpu_free(f->g);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static void add(struct guest_cpu *g, const char *name, enum policy p)
{
	struct guest_feature *gf = xcalloc(1, sizeof(*gf));

	gf->name = xstrdup(name);
	gf->policy = p;
	vec_push(&g->features, gf);
}

static void clear_features(struct guest_cpu *g)
{
	for (size_t i = 0; i < g->features.n; i++) {
		struct guest_feature *gf = g->features.v[i];
		free(gf->name);
		free(gf);
	}
	vec_fini(&g->features, NULL);
	memset(&g->features, 0, sizeof(g->features));
}

/* Emit p for f->g; qemu is the -cpu value for QMP. */
static const char *emit(struct fix *f, enum platform p, const char *qemu,
			const struct custom_model *cm, const struct guest_cpu *asked)
{
	struct platform_in in = { f->g, asked, cm, f->ft, qemu, qemu ? NULL : "no value here" };

	platform_out_fini(&f->o);
	emit_platform(p, &in, &f->o);
	return f->o.text;
}

static void expect_notes(const struct platform_out *o, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < o->notes.n; i++)
		assert_string_equal(o->notes.v[i], want[i]);
	assert_int_equal(o->notes.n, n);
}

#define NOTES(o, ...)                                                                   \
	do {                                                                            \
		static const char *const want_[] = { __VA_ARGS__ };                     \
		expect_notes(o, want_, sizeof(want_) / sizeof(want_[0]));               \
	} while (0)

static void test_names(void **state)
{
	enum platform p;

	(void)state;
	for (int i = 0; i < PLATFORM__COUNT; i++) {
		assert_true(platform_parse(platform_name((enum platform)i), &p));
		assert_int_equal(p, i);
	}
	assert_false(platform_parse("yaml", &p));
	assert_string_equal(platform_title(PLATFORM_NOVA), "OpenStack Nova nova.conf [libvirt]");
	assert_true(proxmox_model_ok("Haswell-noTSX"));
	assert_true(proxmox_model_ok("kvm64"));
	assert_false(proxmox_model_ok("Haswell-v4"));
	assert_false(proxmox_model_ok("x86-64-v2-AES")); /* a cputype, but no reported-model */
	assert_true(proxmox_vm_flag_ok("md-clear"));
	assert_false(proxmox_vm_flag_ok("vmx"));
}

/* ---- Proxmox ------------------------------------------------------------------------- */

static void test_proxmox_line(void **state)
{
	struct fix *f = *state;

	/* flags Proxmox allows on a VM's line, in QEMU's spellings */
	add(f->g, "pcid", POLICY_REQUIRE);
	add(f->g, "md_clear", POLICY_REQUIRE);
	add(f->g, "aes", POLICY_DISABLE);
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL),
			    "cpu: Haswell-noTSX,flags=+pcid;+md-clear;-aes\n");
	assert_int_equal(f->o.notes.n, 0);
	/* forbid, force, optional: noted */
	add(f->g, "spec-ctrl", POLICY_FORBID);
	add(f->g, "ssbd", POLICY_FORCE);
	add(f->g, "pdpe1gb", POLICY_OPTIONAL);
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL),
			    "cpu: Haswell-noTSX,flags=+pcid;+md-clear;-aes;-spec-ctrl;+ssbd\n");
	NOTES(&f->o,
	      "forbid spec-ctrl: Proxmox has no forbid; -spec-ctrl disables it, and nothing refuses "
	      "a host that has it",
	      "force ssbd: Proxmox has no force; +ssbd asks for it as require does",
	      "optional pdpe1gb: Proxmox has no optional (on when the host has it); left out");
	/* no flags at all */
	clear_features(f->g);
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL), "cpu: Haswell-noTSX\n");
}

static void test_proxmox_entry(void **state)
{
	struct fix *f = *state;

	/* vmx and hle: not on a VM's line, so a custom model and the line naming it */
	add(f->g, "vmx", POLICY_REQUIRE);
	add(f->g, "pcid", POLICY_REQUIRE);
	add(f->g, "hle", POLICY_DISABLE);
	f->g->check = CHECK_FULL;
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL),
			    "# /etc/pve/virtual-guest/cpu-models.conf\n"
			    "cpu-model: Haswell-noTSX\n"
			    "\tflags +vmx;+pcid;-hle\n"
			    "\treported-model Haswell-noTSX\n"
			    "\n"
			    "# /etc/pve/qemu-server/VMID.conf\n"
			    "cpu: custom-Haswell-noTSX\n");
	NOTES(&f->o, "check='full': Proxmox VE has no check setting",
	      "vmx, hle cannot be set on a VM's cpu: line (Proxmox allows only aes, amd-no-ssb, "
	      "amd-ssbd, hv-evmcs, hv-tlbflush, ibpb, md-clear, nested-virt, pcid, pdpe1gb, "
	      "spec-ctrl, ssbd, virt-ssbd there): the CPU is the custom model "
	      "custom-Haswell-noTSX, defined in cpu-models.conf");
	assert_string_equal(emit(f, PLATFORM_PROXMOX_MODEL, NULL, NULL, NULL),
			    "cpu-model: Haswell-noTSX\n"
			    "\tflags +vmx;+pcid;-hle\n"
			    "\treported-model Haswell-noTSX\n");
}

static void test_proxmox_custom(void **state)
{
	struct fix *f = *state;
	struct custom_set *set = custom_set_new("x.conf", CUSTOM_PROXMOX);
	struct custom_model *cm = custom_set_add(set, "custom-gpu", "gpu", 3);
	struct guest_cpu *asked = guest_cpu_new();

	cm->base = xstrdup("Nehalem");
	cm->hidden = 1;
	cm->phys_bits = 0;
	cm->level = 11;
	cm->hv_vendor_id = xstrdup("whatever");
	custom_model_add_flag(cm, "pcid", true, CFLAG_FEATURE, 4);
	custom_model_add_flag(cm, "hv-tlbflush", true, CFLAG_HYPERV, 4);
	free(f->g->model);
	f->g->model = xstrdup("Nehalem");
	add(f->g, "pcid", POLICY_REQUIRE); /* the model's */
	add(f->g, "aes", POLICY_DISABLE);  /* the user's */
	add(asked, "aes", POLICY_DISABLE);
	/* the VM's line names the custom model, with the user's own flags */
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, cm, asked), "cpu: custom-gpu,flags=-aes\n");
	assert_int_equal(f->o.notes.n, 0);
	/* the entry: everything, settings in Proxmox's order */
	assert_string_equal(emit(f, PLATFORM_PROXMOX_MODEL, NULL, cm, asked),
			    "cpu-model: gpu\n"
			    "\tflags +pcid;-aes;+hv-tlbflush\n"
			    "\thidden 1\n"
			    "\thv-vendor-id whatever\n"
			    "\tlevel 11\n"
			    "\tphys-bits host\n"
			    "\treported-model Nehalem\n");
	NOTES(&f->o, "this entry redefines custom-gpu with the policies given (rename it to keep "
	      "the original)");
	/* a user's flag the VM line may not carry: the entry, redefined */
	add(asked, "vmx", POLICY_REQUIRE);
	add(f->g, "vmx", POLICY_REQUIRE);
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, cm, asked),
			    "# /etc/pve/virtual-guest/cpu-models.conf\n"
			    "cpu-model: gpu\n"
			    "\tflags +pcid;-aes;+vmx;+hv-tlbflush\n"
			    "\thidden 1\n"
			    "\thv-vendor-id whatever\n"
			    "\tlevel 11\n"
			    "\tphys-bits host\n"
			    "\treported-model Nehalem\n"
			    "\n"
			    "# /etc/pve/qemu-server/VMID.conf\n"
			    "cpu: custom-gpu\n");
	/* other forms say what they cannot carry of the custom model */
	assert_non_null(emit(f, PLATFORM_NOVA, NULL, cm, asked));
	NOTES(&f->o,
	      "custom-gpu: +hv-tlbflush is a Hyper-V enlightenment, not a CPU feature: not in Nova's "
	      "[libvirt] options",
	      "custom-gpu: hidden (QEMU's kvm=off) is not a CPU setting in Nova's [libvirt] options",
	      "custom-gpu: hv-vendor-id whatever is not a CPU setting in Nova's [libvirt] options",
	      "custom-gpu: phys-bits host cannot be set in Nova's [libvirt] options",
	      "custom-gpu: level 11 (the highest basic CPUID leaf) cannot be set in Nova's [libvirt] "
	      "options",
	      "-flag needs a Nova whose cpu_model_extra_flags takes +flag/-flag; older releases read "
	      "every flag as one to enable",
	      "[libvirt] options apply to every instance on the compute host");
	guest_cpu_free(asked);
	custom_set_free(set);
}

static void test_proxmox_cannot(void **state)
{
	struct fix *f = *state;

	f->g->mode = MODE_HOST_MODEL;
	assert_null(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "Proxmox VE has no host-model: its cputype host is "
			    "host-passthrough (choose a model, or mode host-passthrough)");
	f->g->mode = MODE_HOST_PASSTHROUGH;
	free(f->g->model);
	f->g->model = NULL;
	f->g->migratable = 0;
	assert_string_equal(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL), "cpu: host\n");
	NOTES(&f->o, "migratable='off': Proxmox VE has no migratable setting");
	f->g->mode = MODE_MAXIMUM;
	f->g->migratable = -1;
	assert_string_equal(emit(f, PLATFORM_PROXMOX_MODEL, NULL, NULL, NULL),
			    "cpu-model: max\n\treported-model max\n");
	f->g->mode = MODE_CUSTOM;
	assert_null(emit(f, PLATFORM_PROXMOX, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "a custom CPU without a model: Proxmox VE always names a "
			    "cputype (kvm64 when none is given)");
	f->g->model = xstrdup("Snowridge");
	assert_null(emit(f, PLATFORM_PROXMOX_MODEL, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "Proxmox VE does not offer model Snowridge as cputype or "
			    "reported-model (qemu-server's list in PVE/QemuServer/CPUConfig.pm; "
			    "newer releases add models)");
}

/* ---- KubeVirt ------------------------------------------------------------------------- */

static void test_kubevirt(void **state)
{
	struct fix *f = *state;

	add(f->g, "pclmulqdq", POLICY_REQUIRE); /* libvirt's spelling: pclmuldq */
	add(f->g, "3dnowprefetch", POLICY_OPTIONAL);
	add(f->g, "hle", POLICY_FORBID);
	f->g->has_topology = true;
	f->g->sockets = 1;
	f->g->dies = 2;
	f->g->cores = 4;
	f->g->threads = 2;
	f->g->fallback = FALLBACK_FORBID;
	assert_string_equal(emit(f, PLATFORM_KUBEVIRT, NULL, NULL, NULL),
			    "spec:\n"
			    "  template:\n"
			    "    spec:\n"
			    "      domain:\n"
			    "        cpu:\n"
			    "          model: Haswell-noTSX\n"
			    "          features:\n"
			    "          - name: pclmuldq\n"
			    "            policy: require\n"
			    "          - name: \"3dnowprefetch\"\n"
			    "            policy: optional\n"
			    "          - name: hle\n"
			    "            policy: forbid\n"
			    "          sockets: 1\n"
			    "          cores: 4\n"
			    "          threads: 2\n");
	NOTES(&f->o, "fallback='forbid': KubeVirt has no fallback setting",
	      "topology (sockets 1, dies 2, clusters 1, cores 4, threads 2): KubeVirt's cpu has "
	      "sockets, cores and threads only");
	/* a model YAML would read as a number is quoted */
	free(f->g->model);
	f->g->model = xstrdup("486");
	f->g->has_topology = false;
	f->g->fallback = FALLBACK_UNSET;
	clear_features(f->g);
	assert_string_equal(emit(f, PLATFORM_KUBEVIRT, NULL, NULL, NULL),
			    "spec:\n  template:\n    spec:\n      domain:\n        cpu:\n"
			    "          model: \"486\"\n");
	f->g->mode = MODE_HOST_MODEL;
	assert_string_equal(emit(f, PLATFORM_KUBEVIRT, NULL, NULL, NULL),
			    "spec:\n  template:\n    spec:\n      domain:\n        cpu:\n"
			    "          model: host-model\n");
	NOTES(&f->o, "model 486: left out (host-model takes the host's model)");
	f->g->mode = MODE_MAXIMUM;
	assert_null(emit(f, PLATFORM_KUBEVIRT, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "KubeVirt has no maximum mode (its model is host-model, "
			    "host-passthrough or a named model)");
	f->g->mode = MODE_CUSTOM;
	free(f->g->model);
	f->g->model = NULL;
	assert_null(emit(f, PLATFORM_KUBEVIRT, NULL, NULL, NULL));
}

/* ---- Nova ------------------------------------------------------------------------------ */

static void test_nova(void **state)
{
	struct fix *f = *state;

	add(f->g, "pcid", POLICY_REQUIRE);
	add(f->g, "hle", POLICY_FORBID);
	add(f->g, "sse4.1", POLICY_DISABLE);
	f->g->match = MATCH_STRICT;
	assert_string_equal(emit(f, PLATFORM_NOVA, NULL, NULL, NULL),
			    "[libvirt]\n"
			    "cpu_mode = custom\n"
			    "cpu_models = Haswell-noTSX\n"
			    "cpu_model_extra_flags = +pcid, -hle, -sse4.1\n");
	NOTES(&f->o, "match='strict': Nova has no match setting",
	      "forbid hle: Nova has no forbid; -hle disables it, and nothing refuses a host that has it",
	      "-flag needs a Nova whose cpu_model_extra_flags takes +flag/-flag; older releases read "
	      "every flag as one to enable",
	      "[libvirt] options apply to every instance on the compute host");
	f->g->match = MATCH_UNSET;
	f->g->mode = MODE_HOST_PASSTHROUGH;
	assert_string_equal(emit(f, PLATFORM_NOVA, NULL, NULL, NULL),
			    "[libvirt]\ncpu_mode = host-passthrough\n"
			    "cpu_model_extra_flags = +pcid, -hle, -sse4.1\n");
	f->g->mode = MODE_MAXIMUM;
	assert_null(emit(f, PLATFORM_NOVA, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "Nova's cpu_mode has no maximum (none, host-passthrough, "
			    "host-model or custom)");
	f->g->mode = MODE_CUSTOM;
	free(f->g->model);
	f->g->model = NULL;
	clear_features(f->g);
	assert_string_equal(emit(f, PLATFORM_NOVA, NULL, NULL, NULL), "[libvirt]\ncpu_mode = none\n");
}

/* ---- QMP -------------------------------------------------------------------------------- */

static void test_qmp(void **state)
{
	struct fix *f = *state;

	add(f->g, "hle", POLICY_FORBID);
	assert_string_equal(emit(f, PLATFORM_QMP, "Haswell-noTSX,vendor=GenuineIntel,pcid=on,hle=off,"
				 "phys-bits=40", NULL, NULL),
			    "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": {\"type\": "
			    "\"full\", \"model\": {\"name\": \"Haswell-noTSX\", \"props\": {\"vendor\": "
			    "\"GenuineIntel\", \"pcid\": true, \"hle\": false, \"phys-bits\": 40}}}}\n");
	NOTES(&f->o, "forbid hle: QMP sets it false; refusing a host that has it is libvirt's check, "
	      "not QEMU's");
	assert_string_equal(emit(f, PLATFORM_QMP, "max", NULL, NULL),
			    "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": {\"type\": "
			    "\"full\", \"model\": {\"name\": \"max\"}}}\n");
	assert_null(emit(f, PLATFORM_QMP, NULL, NULL, NULL));
	assert_string_equal(f->o.why, "no value here");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_proxmox_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxmox_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxmox_custom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxmox_cannot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kubevirt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nova, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp, setup, teardown),
	};
	return TEST_RUN("platform", tests, argc, argv);
}
