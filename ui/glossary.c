/* glossary.c - every term the screen shows, in a sentence or two.  @NAME@
 * in a term or text is the glyph G_NAME as this terminal shows it (so the
 * glossary names the marks the screen has, UTF-8 or ASCII). */
#include "app.h"

#include <string.h>

#include "util.h"

static const struct {
	const char *term;
	const char *text;
} terms[] = {
	{ "CPU model", "A named set of CPU features QEMU can present to a guest (Haswell, EPYC-Rome, "
	  "qemu64). The guest sees that CPU whatever the host really is, as long as the host can "
	  "provide every feature of it." },
	{ "version (Haswell-v1 .. -v4)", "Since QEMU 4.1 models have numbered versions that fix "
	  "mistakes or follow microcode updates (v2 of Haswell drops TSX, v3 adds IBRS). A versioned "
	  "name never changes meaning." },
	{ "alias", "An unversioned name that stands for one version: Haswell is Haswell-v1, "
	  "Haswell-noTSX-IBRS is Haswell-v4. Which version an alias means can depend on the machine "
	  "type. libvirt before 10.10 knows only the unversioned names." },
	{ "machine type", "The virtual board (pc-i440fx-7.2, pc-q35-7.2; pc and q35 are aliases of "
	  "the newest). Old machine types keep old defaults so a guest sees the same hardware after "
	  "a QEMU upgrade; that includes some CPU properties, so a model can differ between them." },
	{ "usable @USABLE@ / blocked @BLOCKED@, blockers", "A model is usable (@USABLE@) when the host "
	  "(or its hypervisor) can provide every feature it has, blocked (@BLOCKED@) when it cannot; "
	  "@UNKNOWN@ when there is no host data to say. The features it cannot are the blockers; "
	  "QEMU calls them unavailable-features, libvirt <blockers>." },
	{ "BLK", "The models list's count of the CPU features that block the model on the host in "
	  "use (its blockers). 'acc' when no CPU feature is missing but the accelerator is: the "
	  "model needs KVM (QEMU's kvm property) or does not start here (start-failure)." },
	{ "IS", "The models list's column for the versioned model an alias stands for on this "
	  "machine type (Haswell IS Haswell-v1); 'deprecated' for a deprecated model; '-' for a "
	  "model without versions (base, host, max)." },
	{ "@PIN@ pin, pinned models", "+ pins the selected model (@PIN@ in the list, + again unpins "
	  "it); in the grid, m until 'pinned models' shows the pinned models side by side, with "
	  "the selected one." },
	{ "kvm (needs the KVM accelerator)", "Not a CPU feature: QEMU's property 'kvm' among a "
	  "model's unavailable features means the model needs the KVM accelerator (such as host "
	  "under TCG). cpuscope never lists it as a blocking feature; BLK shows 'acc'." },
	{ "start-failure", "QEMU calls the model usable but it does not start here: under KVM "
	  "cpuscope starts host and max once (paused, never run), and one that QEMU refuses "
	  "(this machine's nested KVM aborts them on MSR 0x10a) is blocked by start-failure, with "
	  "QEMU's message in the explain pane. Not a CPU feature." },
	{ "unavailable features", "query-cpu-definitions lists for each model the features the "
	  "accelerator (KVM or TCG) cannot provide on this host: why that model would not start with "
	  "enforce, or would silently lose features without it." },
	{ "enforce vs check", "QEMU's -cpu ...,enforce refuses to start when a feature is missing; "
	  "without it QEMU warns and drops the feature. libvirt's check='full' or 'partial' makes "
	  "libvirt verify the CPU; check='none' lets QEMU decide." },
	{ "mode custom", "The guest gets the named model plus the features' policies: the same CPU "
	  "on every host that can run it, so it can migrate between them." },
	{ "mode host-model", "libvirt picks the model closest to the host CPU and adds the host's "
	  "extra features (from domcapabilities). Migratable to hosts at least as capable." },
	{ "mode host-passthrough", "The guest sees the host CPU as it is: every feature, exact "
	  "model name. Fastest, but migration only works between identical hosts." },
	{ "mode maximum", "Every feature QEMU can give with this accelerator (QEMU's 'max' model); "
	  "for testing, not for migration." },
	{ "match minimum / exact / strict", "How a custom model may be changed when the host "
	  "differs: minimum lets the guest get more features than asked, exact (the default) gives "
	  "exactly the model, strict also refuses hosts with features the model lacks." },
	{ "check none / partial / full", "How libvirt verifies the guest CPU: none leaves it to "
	  "QEMU, partial checks against the host before starting, full also checks what QEMU really "
	  "gave the guest after it started." },
	{ "fallback allow / forbid", "Whether libvirt may replace a model the hypervisor does not "
	  "know with a close one (allow, the default) or must fail (forbid)." },
	{ "policy require", "The feature must be in the guest CPU; a host without it cannot run the "
	  "guest." },
	{ "policy optional", "The guest gets the feature if the host that starts it has it. After a "
	  "migration the guest keeps the first host's decision." },
	{ "policy disable", "The feature is turned off in the guest even if the model has it: the "
	  "usual fix for a model that is blocked by one or two features." },
	{ "policy forbid", "The guest must not run on a host that has the feature at all." },
	{ "policy force", "The feature is turned on even if the host lacks it. QEMU filters out what "
	  "the accelerator cannot provide, so the guest may not see it anyway." },
	{ "static", "A static model's features never depend on the machine type or the accelerator "
	  "(QEMU's 'base' expansion). Non-static models can differ between machine types." },
	{ "migration-safe", "QEMU promises the model gives the same guest CPU on every host and "
	  "QEMU version with the same machine type, so guests using it can migrate." },
	{ "deprecated", "QEMU plans to remove the model or machine type; it still works, with a "
	  "warning." },
	{ "compare (IDENTICAL @IDENTICAL@, SUPERSET @SUPERSET@, INCOMPATIBLE @BLOCKED@)", "libvirt's "
	  "check whether a host can run a guest CPU: IDENTICAL - exactly that CPU, SUPERSET - it and "
	  "more, INCOMPATIBLE - it lacks something required (or has something forbidden, or strict "
	  "match fails)." },
	{ "libvirt 11 semantics", "libvirt 10.10 changed how it compares a guest CPU with a "
	  "hypervisor (domcapabilities) host; a verdict that the newer rules decided says so. "
	  "--libvirt-version picks 9.0's or 11's rules (the default: the installed libvirt's)." },
	{ "responsible features", "The features behind a compare verdict: for INCOMPATIBLE what "
	  "the host lacks of the guest CPU (or has although the guest forbids it, or has beyond a "
	  "strict match), for SUPERSET what the host has beyond the guest CPU." },
	{ "baseline", "The largest guest CPU every given host can run (virsh cpu-baseline): the "
	  "common model and features of a cluster, so guests can migrate between all of them. "
	  "It fails when the hosts' vendors differ (CPU vendors do not match) or when they have "
	  "nothing in common (CPUs are incompatible)." },
	{ "chosen hosts", "In the hosts pane (6), the hosts marked [x] with Space: the ones the "
	  "baseline is computed of." },
	{ "PSABI, x86-64 psABI levels (v1, v2, v3, v4)", "Feature levels of the x86-64 psABI that "
	  "Linux distributions build for: v2 adds SSE4.2, POPCNT, CX16; v3 AVX2, BMI, FMA, MOVBE; "
	  "v4 AVX-512; '-' below v1. A guest needs a model at least at the level its OS was built "
	  "for. (Not QEMU's level and xlevel properties: those are the highest CPUID leaves a "
	  "model reports.)" },
	{ "s390x base / default / max", "On s390x a model has a base set (the hardware generation), "
	  "a default set (what QEMU enables by default) and max (everything the machine can give)." },
	{ "-cpu value", "The string after QEMU's -cpu option: the model name followed by feature=on "
	  "or feature=off, in QEMU's feature spellings (libvirt writes it from the <cpu> XML)." },
	{ "<cpu> XML", "The part of a libvirt domain that describes the guest CPU: mode, match, "
	  "check, <model>, <vendor> and one <feature policy=... name=.../> per policy, in libvirt's "
	  "feature spellings." },
	{ "cpu_map", "libvirt's own description of CPU models and features "
	  "(/usr/share/libvirt/cpu_map). libvirt checks and compares CPUs with it; a model it lacks "
	  "cannot be checked." },
	{ "domcapabilities", "virsh domcapabilities: what the hypervisor offers on this host, "
	  "including the host-model CPU and which custom models are usable (with blockers)." },
	{ "host", "The machine the guest runs on, or what its hypervisor can provide (domcapabilities "
	  "host-model, a QMP 'host' expansion, or this CPU via CPUID)." },
	{ "usable on ... (whose verdict, R)", "The header names who decides whether a model is "
	  "usable: a host file (its libvirt verdict), this machine's QEMU, the bundled snapshot, a "
	  "QEMU snapshot or probe you gave ('QEMU 10.0.0 (kvm) of FILE'), or this CPU's CPUID. R "
	  "steps through them." },
	{ "this machine's QEMU", "The qemu-system binary installed here, asked live (and cached) "
	  "for the machine type in use, with the accelerator it would use (KVM when /dev/kvm "
	  "works, else TCG): its own verdict, as a guest start would see it." },
	{ "the bundled snapshot", "A QEMU's replies shipped with cpuscope (7.2 from Debian 12; 10.0 "
	  "with --snapshot 10.0). 'usable on the bundled snapshot' is that QEMU's own verdict under "
	  "its accelerator; with no QEMU installed the explorer takes 7.2 with this CPU's CPUID." },
	{ "this CPU's CPUID", "This machine's CPU as its CPUID instruction reports it (--local, or R): "
	  "what the silicon has, not what KVM would give a guest (KVM adds some features and masks "
	  "others)." },
	{ "accelerator (KVM, TCG)", "KVM runs the guest on the real CPU, so only features the host "
	  "has work; TCG emulates the CPU in software and supports a fixed set." },
	{ "grid marks @PRESENT@ @ABSENT@ @LACKS@ @CHANGED@, P", "@PRESENT@ present, @ABSENT@ absent, "
	  "@LACKS@ present but the host lacks it, @CHANGED@ changed from the column to the left; "
	  "@MORE_LEFT@ @MORE_RIGHT@ @MORE_UP@ @MORE_DOWN@ more columns or rows that way. P column "
	  "letters (the guest's policy): F force, R require, O optional, D disable, X forbid." },
	{ "M, H (guest editor)", "The editor's feature rows: M whether the model has the feature, "
	  "H whether the host has it (@PRESENT@ / @ABSENT@, @LACKS@ the model has it but the host "
	  "lacks it), then the policy you gave it." },
	{ "[modified]", "The guest CPU differs from the one saved last (or the empty one the explorer "
	  "starts with). q then asks first: s saves and quits. While the tour runs the editor "
	  "shows the tour's scratch guest; yours comes back when it ends." },
	{ "feature names: QEMU's, libvirt's, Linux's", "A feature has up to three spellings: QEMU's "
	  "(lahf-lm; the grid, the explain pane and the -cpu value use them), libvirt's (lahf_lm; "
	  "the guest editor, the <cpu> XML and the hosts pane use them) and the Linux "
	  "/proc/cpuinfo flag (lahf_lm). Where a pane shows one, it names the other when they "
	  "differ; the explain pane lists all three." },
	{ "output forms (o)", "The guest CPU as libvirt <cpu> XML, QEMU's -cpu value, a Proxmox VE "
	  "cpu: line or cpu-models.conf entry, a KubeVirt domain spec, Nova's [libvirt] options or "
	  "a QMP command; o cycles them, and the lints under the output say what a form cannot "
	  "express (Nova has no forbid, for example)." },
	{ "custom model", "A model of a Proxmox VE cpu-models.conf or a [cpudef] file (--custom): a "
	  "QEMU base model plus and minus features. The models list's IS says 'custom: BASE'; "
	  "grids show it beside its base; compare and the verdicts judge the CPU it makes." },
	{ "upgrade (7)", "What moving the guest CPU to another QEMU (a bundled snapshot) or host "
	  "does to it, as `cpuscope upgrade` says: per side the machine type, the versioned "
	  "model, the features, what QEMU drops, whether it starts under enforce and under "
	  "libvirt's check; then what changes and why, and what to pin. t picks the target." },
	{ "drift (8)", "libvirt keeps its own copy of each CPU model (the cpu_map) and the copies "
	  "drift from QEMU's: features only libvirt's copy requires or only QEMU's has, and what "
	  "libvirt's check='partial' or 'full' makes of a guest of the model (refusing a guest "
	  "QEMU runs, or starting one QEMU refuses with enforce). c switches the map." },
	{ "fleet (9)", "The hosts of the hosts pane against every model: per vendor group the best "
	  "common model (the newest of libvirt's map that QEMU runs on every host and libvirt's "
	  "compare accepts), what it gives up, the host that holds a group back, the baseline, "
	  "where the guest in the editor starts and migrates; then the host x model matrix." },
	{ "QEMU versions (grid columns)", "The grid's m mode that puts the selected model of each "
	  "bundled QEMU side by side (on the family of the machine type in use), with what each "
	  "version changes listed under the grid." },
	{ "feature groups", "Features are grouped by what they are for: base, SSE, AVX, AVX-512, "
	  "AMX, crypto, TSX (transactional memory, often disabled by microcode), speculation "
	  "controls (Spectre/Meltdown mitigations), VMX capabilities (nested virtualization), ..." },
	{ "expansion", "QEMU's answer to query-cpu-model-expansion: the full list of properties a "
	  "model has on a machine type (full) or its machine-independent form (static)." },
	{ "snapshot", "What cpuscope captured from one QEMU binary (machine types, models, "
	  "expansions); bundled are QEMU 7.2 (Debian 12) and 10.0 (its bookworm backport)." },
};

static const struct {
	const char *name;
	enum glyph g;
} glyph_names[] = {
#define GLYPH_NAME(g, a, u) { #g, G_##g },
	GLYPHS(GLYPH_NAME)
#undef GLYPH_NAME
};

/* s with each @NAME@ replaced by glyph G_NAME. */
static char *expand(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		const char *end = s[0] == '@' ? strchr(s + 1, '@') : NULL;
		bool done = false;
		for (size_t i = 0; end && i < ARRAY_LEN(glyph_names); i++) {
			size_t n = strlen(glyph_names[i].name);
			if ((size_t)(end - s - 1) == n && !strncmp(s + 1, glyph_names[i].name, n)) {
				sb_add(&sb, glyph(glyph_names[i].g));
				s = end + 1;
				done = true;
				break;
			}
		}
		if (!done)
			sb_addc(&sb, *s++);
	}
	return sb_take(&sb);
}

size_t glossary_count(void)
{
	return ARRAY_LEN(terms);
}

char *glossary_term(size_t i)
{
	return expand(i < ARRAY_LEN(terms) ? terms[i].term : "");
}

char *glossary_text(size_t i)
{
	return expand(i < ARRAY_LEN(terms) ? terms[i].text : "");
}
