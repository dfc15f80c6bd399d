/* platform.c - a guest CPU as Proxmox VE, KubeVirt, OpenStack Nova and QMP
 * take it (platform.h).  The grammars are the platforms' own, from their
 * documentation and code (named at each emitter); nothing here is copied
 * from them. */
#include "platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[PLATFORM__COUNT] = {
	"proxmox", "proxmox-model", "kubevirt", "nova", "qmp",
};

static const char *const titles[PLATFORM__COUNT] = {
	"Proxmox VE VM config (cpu:)",
	"Proxmox VE cpu-models.conf entry",
	"KubeVirt spec.domain.cpu (YAML)",
	"OpenStack Nova nova.conf [libvirt]",
	"QMP query-cpu-model-expansion",
};

const char *platform_name(enum platform p)
{
	return p >= 0 && p < PLATFORM__COUNT ? names[p] : "?";
}

const char *platform_title(enum platform p)
{
	return p >= 0 && p < PLATFORM__COUNT ? titles[p] : "?";
}

bool platform_parse(const char *s, enum platform *out)
{
	for (int p = 0; p < PLATFORM__COUNT; p++) {
		if (!strcmp(s, names[p])) {
			*out = (enum platform)p;
			return true;
		}
	}
	return false;
}

void platform_out_fini(struct platform_out *o)
{
	if (!o)
		return;
	free(o->text);
	free(o->why);
	vec_fini(&o->notes, free);
	memset(o, 0, sizeof(*o));
}

static void note(struct platform_out *o, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void note(struct platform_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vec_push(&o->notes, xvasprintf(fmt, ap));
	va_end(ap);
}

static void fail(struct platform_out *o, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void fail(struct platform_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(o->why);
	o->why = xvasprintf(fmt, ap);
	va_end(ap);
}

static const char *qemu_spelling(const struct ftable *ft, const char *name)
{
	const struct feature *f = ftable_lookup(ft, name);

	return f && !(f->flags & FEAT_UNKNOWN) ? f->name : name;
}

static const char *libvirt_spelling(const struct ftable *ft, const char *name)
{
	const struct feature *f = ftable_lookup(ft, name);

	return f && !(f->flags & FEAT_UNKNOWN) ? feature_libvirt_name(f) : name;
}

/* Notes on what none of the platforms' CPU settings carry (each says
 * which it has). */
static void shape_notes(const char *plat, const struct guest_cpu *g, struct platform_out *o,
			const char *topology)
{
	if (g->match == MATCH_MINIMUM || g->match == MATCH_STRICT)
		note(o, "match='%s': %s has no match setting", cpu_match_name(g->match), plat);
	if (g->check != CHECK_UNSET)
		note(o, "check='%s': %s has no check setting", cpu_check_name(g->check), plat);
	if (g->fallback != FALLBACK_UNSET)
		note(o, "fallback='%s': %s has no fallback setting", cpu_fallback_name(g->fallback), plat);
	if (g->vendor_id)
		note(o, "vendor_id '%s': %s cannot set the CPUID vendor string", g->vendor_id, plat);
	if (g->vendor)
		note(o, "<vendor>%s</vendor>: %s has no vendor check", g->vendor, plat);
	if (g->migratable >= 0 && (g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM))
		note(o, "migratable='%s': %s has no migratable setting", g->migratable ? "on" : "off",
		     plat);
	if (g->has_topology && topology)
		note(o, "topology (sockets %u, dies %u, clusters %u, cores %u, threads %u): %s",
		     g->sockets, g->dies ? g->dies : 1, g->clusters ? g->clusters : 1, g->cores,
		     g->threads, topology);
}

/* What a custom model sets beyond features, for a form that cannot say it. */
static void custom_notes(const char *plat, const struct custom_model *cm, struct platform_out *o)
{
	if (!cm)
		return;
	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *f = cm->flags.v[i];
		if (f->kind == CFLAG_HYPERV)
			note(o, "%s: %c%s is a Hyper-V enlightenment, not a CPU feature: not in %s",
			     cm->name, f->on ? '+' : '-', f->name, plat);
	}
	if (cm->hidden > 0)
		note(o, "%s: hidden (QEMU's kvm=off) is not a CPU setting in %s", cm->name, plat);
	if (cm->hv_vendor_id)
		note(o, "%s: hv-vendor-id %s is not a CPU setting in %s", cm->name, cm->hv_vendor_id,
		     plat);
	if (cm->phys_bits >= 0)
		note(o, "%s: phys-bits %s%.0d cannot be set in %s", cm->name,
		     cm->phys_bits ? "" : "host", cm->phys_bits, plat);
	if (cm->guest_phys_bits >= 0)
		note(o, "%s: guest-phys-bits %d cannot be set in %s", cm->name, cm->guest_phys_bits,
		     plat);
	if (cm->level >= 0)
		note(o, "%s: level %lld (the highest basic CPUID leaf) cannot be set in %s", cm->name,
		     cm->level, plat);
}

/* +/- for a policy, with the notes of a platform whose flags are only on
 * (require) and off (disable); 0 leaves the feature out. */
static char onoff_flag(const char *plat, const struct guest_feature *gf, const char *name,
		       struct platform_out *o)
{
	switch (gf->policy) {
	case POLICY_REQUIRE:
		return '+';
	case POLICY_FORCE:
		note(o, "force %s: %s has no force; +%s asks for it as require does", name, plat, name);
		return '+';
	case POLICY_DISABLE:
		return '-';
	case POLICY_FORBID:
		note(o, "forbid %s: %s has no forbid; -%s disables it, and nothing refuses a host that "
		     "has it", name, plat, name);
		return '-';
	case POLICY_OPTIONAL:
		note(o, "optional %s: %s has no optional (on when the host has it); left out", name,
		     plat);
		return 0;
	case POLICY_NONE:
	default:
		return 0;
	}
}

/* ---- Proxmox VE -------------------------------------------------------------
 * qemu-server src/PVE/QemuServer/CPUConfig.pm (commit bd03478 of
 * proxmox/qemu-server): the models Proxmox offers ($cpu_vendor_list, the
 * enum of cputype and reported-model, and the x86-64-vN models built on
 * qemu64), and the flags a VM's cpu: line may set ($supported_cpu_flags;
 * a custom model may set any flag).  Newer releases add models. */

static const char *const pve_models[] = {
	"486", "pentium", "pentium2", "pentium3", "coreduo", "core2duo", "Conroe", "Penryn",
	"Nehalem", "Nehalem-IBRS", "Westmere", "Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS",
	"IvyBridge", "IvyBridge-IBRS", "Haswell", "Haswell-IBRS", "Haswell-noTSX",
	"Haswell-noTSX-IBRS", "Broadwell", "Broadwell-IBRS", "Broadwell-noTSX",
	"Broadwell-noTSX-IBRS", "Skylake-Client", "Skylake-Client-IBRS",
	"Skylake-Client-noTSX-IBRS", "Skylake-Client-v4", "Skylake-Server", "Skylake-Server-IBRS",
	"Skylake-Server-noTSX-IBRS", "Skylake-Server-v4", "Skylake-Server-v5", "Cascadelake-Server",
	"Cascadelake-Server-v2", "Cascadelake-Server-noTSX", "Cascadelake-Server-v4",
	"Cascadelake-Server-v5", "Cooperlake", "Cooperlake-v2", "KnightsMill", "Icelake-Client",
	"Icelake-Client-noTSX", "Icelake-Server", "Icelake-Server-noTSX", "Icelake-Server-v3",
	"Icelake-Server-v4", "Icelake-Server-v5", "Icelake-Server-v6", "SapphireRapids",
	"SapphireRapids-v2", "GraniteRapids", "athlon", "phenom", "Opteron_G1", "Opteron_G2",
	"Opteron_G3", "Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB", "EPYC-v3", "EPYC-v4",
	"EPYC-Rome", "EPYC-Rome-v2", "EPYC-Rome-v3", "EPYC-Rome-v4", "EPYC-Milan", "EPYC-Milan-v2",
	"EPYC-Genoa", "host", "kvm32", "kvm64", "qemu32", "qemu64", "max",
};

static const char *const pve_vm_flags[] = {
	"nested-virt", "md-clear", "pcid", "spec-ctrl", "ssbd", "ibpb", "virt-ssbd", "amd-ssbd",
	"amd-no-ssb", "pdpe1gb", "hv-tlbflush", "hv-evmcs", "aes",
};

bool proxmox_model_ok(const char *model)
{
	for (size_t i = 0; model && i < ARRAY_LEN(pve_models); i++)
		if (!strcmp(pve_models[i], model))
			return true;
	return false;
}

bool proxmox_vm_flag_ok(const char *flag)
{
	for (size_t i = 0; flag && i < ARRAY_LEN(pve_vm_flags); i++)
		if (!strcmp(pve_vm_flags[i], flag))
			return true;
	return false;
}

/* The flags of features (QEMU spellings, "+a;-b"); names of those a VM's
 * cpu: line may not set into *outside (", "-separated). */
static char *pve_flags(const struct vec *features, const struct ftable *ft,
		       struct platform_out *o, struct strbuf *outside)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < features->n; i++) {
		const struct guest_feature *gf = features->v[i];
		const char *name = qemu_spelling(ft, gf->name);
		char sign = onoff_flag("Proxmox", gf, name, o);
		if (!sign)
			continue;
		sb_addf(&sb, "%s%c%s", sb.len ? ";" : "", sign, name);
		if (outside && !proxmox_vm_flag_ok(name))
			sb_addf(outside, "%s%s", outside->len ? ", " : "", name);
	}
	return sb_take(&sb);
}

/* A custom model's Hyper-V flags, appended to a flags list. */
static void pve_hv_flags(const struct custom_model *cm, struct strbuf *flags, struct strbuf *outside)
{
	for (size_t i = 0; cm && i < cm->flags.n; i++) {
		const struct custom_flag *f = cm->flags.v[i];
		if (f->kind != CFLAG_HYPERV)
			continue;
		sb_addf(flags, "%s%c%s", flags->len ? ";" : "", f->on ? '+' : '-', f->name);
		if (outside && !proxmox_vm_flag_ok(f->name))
			sb_addf(outside, "%s%s", outside->len ? ", " : "", f->name);
	}
}

/* A cpu-models.conf section, properties in the order Proxmox writes them
 * (pve-common SectionConfig.pm write_config: sorted by key). */
static void pve_entry(struct strbuf *sb, const char *id, const char *reported, const char *flags,
		      const struct custom_model *cm)
{
	sb_addf(sb, "cpu-model: %s\n", id);
	if (flags[0])
		sb_addf(sb, "\tflags %s\n", flags);
	if (cm && cm->guest_phys_bits >= 0)
		sb_addf(sb, "\tguest-phys-bits %d\n", cm->guest_phys_bits);
	if (cm && cm->hidden >= 0)
		sb_addf(sb, "\thidden %d\n", cm->hidden);
	if (cm && cm->hv_vendor_id)
		sb_addf(sb, "\thv-vendor-id %s\n", cm->hv_vendor_id);
	if (cm && cm->level >= 0)
		sb_addf(sb, "\tlevel %lld\n", cm->level);
	if (cm && cm->phys_bits == 0)
		sb_add(sb, "\tphys-bits host\n");
	else if (cm && cm->phys_bits > 0)
		sb_addf(sb, "\tphys-bits %d\n", cm->phys_bits);
	sb_addf(sb, "\treported-model %s\n", reported);
}

static void emit_proxmox(const struct platform_in *in, struct platform_out *o, bool entry_only)
{
	const struct guest_cpu *g = in->cpu;
	const struct guest_cpu *asked = in->asked ? in->asked : g;
	const struct custom_model *cm = in->custom;
	bool by_name = cm && cm->format == CUSTOM_PROXMOX; /* custom-ID exists in Proxmox */
	const char *model = NULL;
	struct strbuf outside = STRBUF_INIT, sb = STRBUF_INIT, flags = STRBUF_INIT;
	char *f;

	switch (g->mode) {
	case MODE_HOST_MODEL:
		fail(o, "Proxmox VE has no host-model: its cputype host is host-passthrough (choose a "
		     "model, or mode host-passthrough)");
		return;
	case MODE_HOST_PASSTHROUGH:
		model = "host";
		break;
	case MODE_MAXIMUM:
		model = "max";
		break;
	case MODE_CUSTOM:
	default:
		model = g->model;
		break;
	}
	if (!model) {
		fail(o, "a custom CPU without a model: Proxmox VE always names a cputype (kvm64 when "
		     "none is given)");
		return;
	}
	if (!proxmox_model_ok(model)) {
		fail(o, "Proxmox VE does not offer model %s as cputype or reported-model (qemu-server's "
		     "list in PVE/QemuServer/CPUConfig.pm; newer releases add models)", model);
		return;
	}
	shape_notes("Proxmox VE", g, o, "qm.conf's sockets: and cores: lines, not part of cpu:");
	/* the VM's own flags: the user's on top of custom-ID, or all of them */
	f = pve_flags(by_name && !entry_only ? &asked->features : &g->features, in->ft, o, &outside);
	sb_add(&flags, f);
	free(f);
	if (!(by_name && !entry_only))
		pve_hv_flags(cm, &flags, &outside);
	if (entry_only || outside.len) {
		const char *id = cm ? cm->id : model;
		if (!entry_only) {
			sb_add(&sb, "# /etc/pve/virtual-guest/cpu-models.conf\n");
			note(o, "%s cannot be set on a VM's cpu: line (Proxmox allows only %s there): the "
			     "CPU is the custom model custom-%s, defined in cpu-models.conf",
			     sb_str(&outside), "aes, amd-no-ssb, amd-ssbd, hv-evmcs, hv-tlbflush, ibpb, "
			     "md-clear, nested-virt, pcid, pdpe1gb, spec-ctrl, ssbd, virt-ssbd", id);
		}
		if (by_name && asked->features.n)
			note(o, "this entry redefines custom-%s with the policies given (rename it to keep "
			     "the original)", id);
		/* by_name && !entry_only cannot reach here with the user's flags
		 * only: their outside ones need the whole CPU in the entry */
		if (by_name && !entry_only) {
			struct platform_out scratch; /* the user's policies were noted above */
			memset(&scratch, 0, sizeof(scratch));
			char *all = pve_flags(&g->features, in->ft, &scratch, NULL);
			platform_out_fini(&scratch);
			sb_reset(&flags);
			sb_add(&flags, all);
			free(all);
			pve_hv_flags(cm, &flags, NULL);
		}
		pve_entry(&sb, id, model, sb_str(&flags),
			  cm && cm->format == CUSTOM_PROXMOX ? cm : NULL);
		if (!entry_only)
			sb_addf(&sb, "\n# /etc/pve/qemu-server/VMID.conf\ncpu: custom-%s\n", id);
	} else if (by_name) {
		sb_addf(&sb, "cpu: custom-%s%s%s\n", cm->id, flags.len ? ",flags=" : "", sb_str(&flags));
	} else {
		sb_addf(&sb, "cpu: %s%s%s\n", model, flags.len ? ",flags=" : "", sb_str(&flags));
	}
	o->text = sb_take(&sb);
	sb_fini(&outside);
	sb_fini(&flags);
}

/* ---- KubeVirt -----------------------------------------------------------------
 * kubevirt.io/api core v1 CPU: model (a named model, host-model or
 * host-passthrough), features[] with name and policy (force, require,
 * optional, disable, forbid: the admission webhook's
 * validCPUFeaturePolicies in pkg/virt-api/webhooks/.../vmi-create-admitter.go),
 * sockets, cores, threads.  Feature names go to libvirt as they are:
 * libvirt's spellings. */

/* A plain YAML scalar, quoted when YAML would read it as something else
 * (a number, a boolean or null of YAML 1.1, or a leading indicator). */
static void yaml_scalar(struct strbuf *sb, const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
	};
	bool quote = !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));

	for (size_t i = 0; !quote && i < ARRAY_LEN(words); i++)
		quote = !str_casecmp(s, words[i]);
	if (!quote) {
		sb_add(sb, s);
		return;
	}
	sb_addc(sb, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *p);
	}
	sb_addc(sb, '"');
}

static void emit_kubevirt(const struct platform_in *in, struct platform_out *o)
{
	const struct guest_cpu *g = in->cpu;
	struct strbuf sb = STRBUF_INIT;
	const char *model = NULL;
	const char *ind = "          ";

	switch (g->mode) {
	case MODE_MAXIMUM:
		fail(o, "KubeVirt has no maximum mode (its model is host-model, host-passthrough or a "
		     "named model)");
		return;
	case MODE_HOST_MODEL:
		model = "host-model";
		if (g->model)
			note(o, "model %s: left out (host-model takes the host's model)", g->model);
		break;
	case MODE_HOST_PASSTHROUGH:
		model = "host-passthrough";
		break;
	case MODE_CUSTOM:
	default:
		model = g->model;
		break;
	}
	if (!model) {
		fail(o, "a custom CPU without a model: KubeVirt always has one (the cluster's default "
		     "CPU model, else host-model)");
		return;
	}
	shape_notes("KubeVirt", g, o, (g->dies > 1 || g->clusters > 1) ?
		    "KubeVirt's cpu has sockets, cores and threads only" : NULL);
	custom_notes("KubeVirt's spec.domain.cpu", in->custom, o);
	sb_add(&sb, "spec:\n  template:\n    spec:\n      domain:\n        cpu:\n");
	sb_addf(&sb, "%smodel: ", ind);
	yaml_scalar(&sb, model);
	sb_addc(&sb, '\n');
	if (g->features.n)
		sb_addf(&sb, "%sfeatures:\n", ind);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		sb_addf(&sb, "%s- name: ", ind);
		yaml_scalar(&sb, libvirt_spelling(in->ft, gf->name));
		sb_addf(&sb, "\n%s  policy: %s\n", ind, policy_name(gf->policy));
	}
	if (g->has_topology)
		sb_addf(&sb, "%ssockets: %u\n%scores: %u\n%sthreads: %u\n", ind, g->sockets, ind,
			g->cores, ind, g->threads);
	o->text = sb_take(&sb);
}

/* ---- OpenStack Nova --------------------------------------------------------------
 * nova/conf/libvirt.py: cpu_mode is host-model, host-passthrough, custom
 * or none; cpu_models an ordered list of libvirt models (custom only);
 * cpu_model_extra_flags a list of libvirt feature names, +flag enables
 * and -flag disables (the option's help; older releases only enable). */

static void emit_nova(const struct platform_in *in, struct platform_out *o)
{
	const struct guest_cpu *g = in->cpu;
	struct strbuf sb = STRBUF_INIT, fl = STRBUF_INIT;
	const char *mode;
	bool minus = false;

	switch (g->mode) {
	case MODE_MAXIMUM:
		fail(o, "Nova's cpu_mode has no maximum (none, host-passthrough, host-model or custom)");
		return;
	case MODE_HOST_MODEL:
		mode = "host-model";
		break;
	case MODE_HOST_PASSTHROUGH:
		mode = "host-passthrough";
		break;
	case MODE_CUSTOM:
	default:
		mode = g->model ? "custom" : "none";
		break;
	}
	if (g->model && g->mode == MODE_HOST_MODEL)
		note(o, "model %s: left out (Nova refuses cpu_models with host-model)", g->model);
	shape_notes("Nova", g, o, "Nova takes it from the flavor (hw:cpu_sockets, hw:cpu_cores, "
		    "hw:cpu_threads), not from [libvirt]");
	custom_notes("Nova's [libvirt] options", in->custom, o);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const char *name = libvirt_spelling(in->ft, gf->name);
		char sign = onoff_flag("Nova", gf, name, o);
		if (!sign)
			continue;
		minus |= sign == '-';
		sb_addf(&fl, "%s%c%s", fl.len ? ", " : "", sign, name);
	}
	if (minus)
		note(o, "-flag needs a Nova whose cpu_model_extra_flags takes +flag/-flag; older "
		     "releases read every flag as one to enable");
	note(o, "[libvirt] options apply to every instance on the compute host");
	sb_addf(&sb, "[libvirt]\ncpu_mode = %s\n", mode);
	if (!strcmp(mode, "custom"))
		sb_addf(&sb, "cpu_models = %s\n", g->model);
	if (fl.len)
		sb_addf(&sb, "cpu_model_extra_flags = %s\n", sb_str(&fl));
	o->text = sb_take(&sb);
	sb_fini(&fl);
}

/* ---- QMP ---------------------------------------------------------------------
 * QEMU's query-cpu-model-expansion (its QMP schema): arguments
 * type (static or full) and model {name, props}.  The model is the -cpu
 * value's: its first word the name, each KEY=VALUE a property (on/off as
 * booleans, digits as numbers, anything else a string). */

static void json_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_addf(sb, "\\u%04x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
}

static void emit_qmp(const struct platform_in *in, struct platform_out *o)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = in->qemu, *c;
	size_t nprops = 0;

	if (!p) {
		fail(o, "%s", in->qemu_why ? in->qemu_why : "no -cpu value");
		return;
	}
	for (size_t i = 0; i < in->cpu->features.n; i++) {
		const struct guest_feature *gf = in->cpu->features.v[i];
		if (gf->policy == POLICY_FORBID)
			note(o, "forbid %s: QMP sets it false; refusing a host that has it is libvirt's "
			     "check, not QEMU's", qemu_spelling(in->ft, gf->name));
	}
	c = strchr(p, ',');
	sb_add(&sb, "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": {\"type\": \"full\", "
	       "\"model\": {\"name\": ");
	json_str(&sb, p, c ? (size_t)(c - p) : strlen(p));
	while (c) {
		const char *k = c + 1, *eq, *end;
		c = strchr(k, ',');
		end = c ? c : k + strlen(k);
		eq = memchr(k, '=', (size_t)(end - k));
		sb_add(&sb, nprops++ ? ", " : ", \"props\": {");
		json_str(&sb, k, eq ? (size_t)(eq - k) : (size_t)(end - k));
		sb_add(&sb, ": ");
		if (!eq || (end - eq - 1 == 2 && !strncmp(eq + 1, "on", 2))) {
			sb_add(&sb, "true");
		} else if (end - eq - 1 == 3 && !strncmp(eq + 1, "off", 3)) {
			sb_add(&sb, "false");
		} else {
			bool digits = end > eq + 1;
			for (const char *d = eq + 1; digits && d < end; d++)
				digits = *d >= '0' && *d <= '9';
			if (digits)
				sb_addn(&sb, eq + 1, (size_t)(end - eq - 1));
			else
				json_str(&sb, eq + 1, (size_t)(end - eq - 1));
		}
	}
	sb_add(&sb, nprops ? "}}}}\n" : "}}}\n");
	o->text = sb_take(&sb);
}

void emit_platform(enum platform p, const struct platform_in *in, struct platform_out *out)
{
	memset(out, 0, sizeof(*out));
	switch (p) {
	case PLATFORM_PROXMOX:
		emit_proxmox(in, out, false);
		break;
	case PLATFORM_PROXMOX_MODEL:
		emit_proxmox(in, out, true);
		break;
	case PLATFORM_KUBEVIRT:
		emit_kubevirt(in, out);
		break;
	case PLATFORM_NOVA:
		emit_nova(in, out);
		break;
	case PLATFORM_QMP:
	case PLATFORM__COUNT:
	default:
		emit_qmp(in, out);
		break;
	}
}
