/* commands.c - the command table (commands.h): every command and option,
 * once.  cli_args.c checks a command line against it, cli_docs.c makes the
 * help, the man page and the bash completion from it. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "util.h"


/* ---- the table ------------------------------------------------------------ */

const struct cli_opt cli_globals[GLOBAL__COUNT + 1] = {
	[GLOBAL_SNAPSHOT] = { "--snapshot", NULL, "FILE|VERSION", CLI_VAL_FILE, NULL, false,
		"QEMU data captured by `cpuscope probe`, a libvirt capture (caps_*.replies; "
		"--accel picks its session), or a bundled snapshot by QEMU version (7.2, 10.0); "
		"default: this machine's QEMU, probed live and cached (README \"Whose verdict\")" },
	[GLOBAL_PROBE] = { "--probe", NULL, "BINARY", CLI_VAL_PROGRAM, NULL, false,
		"probe this QEMU live (results cached under $XDG_CACHE_HOME/cpuscope)" },
	[GLOBAL_HOST] = { "--host", NULL, "FILE", CLI_VAL_FILE, NULL, false,
		"the host: libvirt capabilities XML, domcapabilities XML, a bare <cpu> XML, "
		"a QMP query-cpu-model-expansion reply, a libvirt <cpudata> CPUID dump or "
		"capture (.replies) (detected)" },
	[GLOBAL_LIBVIRT] = { "--libvirt", NULL, "URI", CLI_VAL_WORD, NULL, false,
		"the host is what a running libvirtd offers (virsh -c URI domcapabilities; "
		"--accel picks the virttype), e.g. qemu:///system" },
	[GLOBAL_LOCAL] = { "--local", NULL, NULL, CLI_VAL_NONE, NULL, false,
		"the host is this CPU by CPUID (not what QEMU/KVM would decide)" },
	[GLOBAL_CPU_MAP] = { "--cpu-map", NULL, "DIR", CLI_VAL_DIR, NULL, false,
		"libvirt's cpu_map (default: the installed /usr/share/libvirt/cpu_map when "
		"the libvirt version is the installed one, else the bundled map of that "
		"version)" },
	[GLOBAL_LIBVIRT_VERSION] = { "--libvirt-version", NULL, "VERSION", CLI_VAL_WORD, "9.0 11",
		false,
		"whose compare and baseline semantics: 9.0 (also any release before 10.10) "
		"or 11 (10.10 and later); default: the release the --cpu-map is from, else "
		"the installed libvirt's (virsh --version), else 11 (README \"libvirt "
		"versions\")" },
	[GLOBAL_MACHINE] = { "--machine", NULL, "TYPE", CLI_VAL_WORD, NULL, false,
		"machine type; aliases like q35 resolve (default: QEMU's default)" },
	[GLOBAL_ARCH] = { "--arch", NULL, "ARCH", CLI_VAL_WORD, "x86_64 s390x", false,
		"x86_64 (default) or s390x" },
	[GLOBAL_ACCEL] = { "--accel", NULL, "ACCEL", CLI_VAL_WORD, "kvm tcg", false,
		"whose verdict: QEMU with this accelerator (default: kvm when /dev/kvm is "
		"usable, else tcg)" },
	[GLOBAL_CUSTOM] = { "--custom", NULL, "FILE", CLI_VAL_FILE, NULL, false,
		"custom models, listed with QEMU's: a Proxmox VE cpu-models.conf "
		"(cpu-model: NAME, as custom-NAME) or a [cpudef] file (name, base, add, "
		"remove) (README \"Custom models\")" },
	[GLOBAL_FORMAT] = { "--format", NULL, "FMT", CLI_VAL_WORD, "text json", false,
		"text (default) or json; build also takes xml (its default), qemu and the "
		"platform forms proxmox, proxmox-model, kubevirt, nova and qmp; fleet csv" },
	[GLOBAL__COUNT] = { NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

/* Options of `cpuscope` without a command.  --list-keys is the TUI's
 * (cli/main.c); the --gen-* ones make the generated files and are left
 * out of the help. */
const struct cli_opt cli_top_opts[] = {
	{ "--help", "-h", NULL, CLI_VAL_NONE, NULL, false,
	  "this help (a command's: cpuscope COMMAND --help, or cpuscope help COMMAND)" },
	{ "--version", NULL, NULL, CLI_VAL_NONE, NULL, false, "the version" },
	{ "--list-keys", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "the explorer's keys, from its key table (--list-keys=markdown: as Markdown tables)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

const char cli_top_description[] =
	"Explore QEMU CPU models, what a host can run, and the libvirt <cpu> XML and "
	"-cpu value that give a guest exactly the CPU you want.  The data comes from "
	"QEMU (probed live, or a snapshot of its QMP replies), libvirt's XML and cpu_map, "
	"and this machine's CPUID.\n\n"
	"Without a command, cpuscope opens the interactive explorer on a terminal, and "
	"prints the model overview (cpuscope models) otherwise.  Global options go "
	"before or after the command; options take their value as the next word or "
	"after '=' (--format=json).";

const char cli_errors_text[] =
	"Output is text, or JSON with --format json.  Errors are text in every format: "
	"they go to standard error as \"cpuscope: FILE:LINE: message\" (the input file "
	"and line at fault, when there is one) with exit status 2, and standard output "
	"then carries nothing, so a script reads JSON from standard output only when the "
	"status is 0 or 1 (or when explain exits 2 because the data cannot decide).  "
	"Warnings go to standard error too (build --format json puts "
	"them into its JSON instead).";

const char cli_exit_text[] =
	"0 success, 1 a negative verdict (incompatible, not usable), 2 usage or input error.";

static const char *const models_syn[] = { "[--usable | --unusable] [--sort name|qmp]", NULL };
static const struct cli_opt models_opts[] = {
	{ "--usable", NULL, NULL, CLI_VAL_NONE, NULL, false, "only the models the host can run" },
	{ "--unusable", NULL, NULL, CLI_VAL_NONE, NULL, false, "only the models the host cannot run" },
	{ "--sort", NULL, "name|qmp", CLI_VAL_WORD, "name qmp", false,
	  "name: by name, ignoring case, as the explorer lists them (the default); qmp: in "
	  "the order of QEMU's query-cpu-definitions reply" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const show_syn[] = { "MODEL", NULL };

static const char *const grid_syn[] = {
	"MODEL... [--versions | --machines LIST | --hosts FILE...] [--all]",
	"MODEL --qemu SNAP,SNAP... [--machine TYPE | --machines LIST] [--all]",
	"MODEL --views [--all]", NULL
};
static const struct cli_opt grid_opts[] = {
	{ "--versions", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "one column per version of MODEL (one model)" },
	{ "--views", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "s390x: MODEL's static -base model, its default on the machine type (and on -machine "
	  "none) and the accelerator's max (one model)" },
	{ "--machines", NULL, "LIST", CLI_VAL_WORD, NULL, false,
	  "one column per machine type of the comma-separated LIST, e.g. pc-i440fx-2.0,q35 "
	  "(one model)" },
	{ "--hosts", NULL, "FILE...", CLI_VAL_FILE, NULL, true,
	  "after the model columns, one column per host file" },
	{ "--qemu", NULL, "LIST", CLI_VAL_WORD, NULL, false,
	  "one column per QEMU of the comma-separated LIST: bundled versions (7.2,10.0) or "
	  "snapshot files (one model)" },
	{ "--all", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "every feature row, not only those where the columns differ" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const explain_syn[] = {
	"MODEL", "--qemu-warning FILE|- [MODEL]", "--qemu-warning FILE|- --cpu VALUE", NULL
};
static const struct cli_opt explain_opts[] = {
	{ "--qemu-warning", "--qemu-warnings", "FILE|-", CLI_VAL_FILE, NULL, false,
	  "read QEMU's \"doesn't support requested feature\" warnings from FILE (- for "
	  "standard input)" },
	{ "--cpu", "-cpu", "VALUE", CLI_VAL_WORD, NULL, false,
	  "with --qemu-warning: the -cpu value QEMU warned about (Haswell-noTSX,hle=off,"
	  "rtm=off); the fix keeps what it sets and adds the disables" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const upgrade_syn[] = {
	"GUEST.xml|DOMAIN.xml --from SNAP|HOST --to SNAP|HOST [--machine TYPE]",
	"-cpu VALUE --from SNAP|HOST --to SNAP|HOST [--machine TYPE]", NULL
};
static const struct cli_opt upgrade_opts[] = {
	{ "--from", NULL, "SNAP|HOST", CLI_VAL_FILE, NULL, false,
	  "where the guest runs now: a bundled QEMU version (7.2, 10.0), a snapshot file, or a "
	  "host file (with the data of --snapshot)" },
	{ "--to", NULL, "SNAP|HOST", CLI_VAL_FILE, NULL, false,
	  "where it is going: the same choices" },
	{ "--cpu", "-cpu", "VALUE", CLI_VAL_WORD, NULL, false,
	  "the guest as QEMU's -cpu value (Haswell-v4,+avx,hle=off,enforce) instead of a file" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const compare_syn[] = {
	"CPU.xml [--host FILE | --local] [--cpu-map DIR] [--libvirt-version 9.0|11] "
	"[--format text|json]", NULL
};

static const char *const build_syn[] = {
	"--model M [--version N|best] [--require F,...] [--optional F,...] [--disable F,...] "
	"[--forbid F,...] [--force F,...] [--match MATCH] [--check CHECK] "
	"[--fallback allow|forbid] [--vendor-id STRING] [--format FORM]",
	"--mode MODE [--require F,...] ... [--check CHECK] [--format FORM]",
	NULL
};
static const struct cli_opt build_opts[] = {
	{ "--model", NULL, "M", CLI_VAL_MODEL, NULL, false,
	  "the CPU model, as QEMU names it (Haswell, Haswell-noTSX, Haswell-v4)" },
	{ "--version", NULL, "N|best", CLI_VAL_WORD, "best", false,
	  "use the versioned model M-vN; best picks the newest version of M the host can "
	  "run and writes its concrete name" },
	{ "--require", NULL, "F,...", CLI_VAL_WORD, NULL, false,
	  "features the guest must have (-cpu F=on)" },
	{ "--optional", NULL, "F,...", CLI_VAL_WORD, NULL, false,
	  "features the guest gets when the host has them" },
	{ "--disable", NULL, "F,...", CLI_VAL_WORD, NULL, false,
	  "features the guest must not have (-cpu F=off)" },
	{ "--forbid", NULL, "F,...", CLI_VAL_WORD, NULL, false,
	  "like disable, and libvirt refuses to start the guest on a host that has them" },
	{ "--force", NULL, "F,...", CLI_VAL_WORD, NULL, false,
	  "features the guest gets even when the host lacks them" },
	{ "--mode", NULL, "MODE", CLI_VAL_WORD, "custom host-model host-passthrough maximum", false,
	  "custom (the default with --model), host-model, host-passthrough or maximum" },
	{ "--match", NULL, "MATCH", CLI_VAL_WORD, "minimum exact strict", false,
	  "minimum, exact (the default) or strict (mode custom only)" },
	{ "--check", NULL, "CHECK", CLI_VAL_WORD, "none partial full", false,
	  "none, partial or full: what libvirt checks when the guest starts" },
	{ "--fallback", NULL, "allow|forbid", CLI_VAL_WORD, "allow forbid", false,
	  "whether libvirt may use a close model when the hypervisor lacks M (default: allow)" },
	{ "--vendor-id", NULL, "STRING", CLI_VAL_WORD, NULL, false,
	  "the 12-character CPUID vendor string the guest sees, e.g. GenuineIntel "
	  "(<model vendor_id=...>, QEMU's vendor=)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const baseline_syn[] = {
	"[--features] [--migratable] [--no-qemu-filter] [--cpu-map DIR] "
	"[--libvirt-version 9.0|11] [--format text|json] FILE...",
	NULL
};
static const struct cli_opt baseline_opts[] = {
	{ "--features", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "list every feature of the model (virsh --features)" },
	{ "--migratable", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "leave out features that block migration (invtsc, xsaves)" },
	{ "--no-qemu-filter", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "keep cmt, mbm_total, mbm_local, osxsave and ospke, which the QEMU driver drops "
	  "(libvirt's generic baseline, as test:///default and libvirt's own unit tests "
	  "give it)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const fleet_syn[] = {
	"FILE|DIR... [--guest FILE] [--what-if-add FILE] [--cpu-map DIR] [--format text|json|csv]",
	NULL
};
static const struct cli_opt fleet_opts[] = {
	{ "--guest", NULL, "FILE", CLI_VAL_FILE, NULL, false,
	  "a guest CPU (<cpu> or <domain> XML): the hosts it can start on and migrate between" },
	{ "--what-if-add", NULL, "FILE", CLI_VAL_FILE, NULL, false,
	  "a host file: how the best common model of its vendor group changes when it joins" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const host_syn[] = { "[FILE] [--host-model] [--format text|xml|json]", NULL };

static const struct cli_opt host_opts[] = {
	{ "--host-model", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "libvirt's host-model instead, for a host read from QEMU (a capture, or a QMP "
	  "expansion with QEMU's model list): QEMU's expansion decoded over QEMU's usable "
	  "models, as libvirt's domcapabilities shows it (as a custom <cpu>)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static int run_host(struct cli *c, int argc, char **argv)
{
	return cmd_host(c, argc, argv);
}

static const char *const drift_syn[] = {
	"[MODEL...] [--map system|9.0|11.3|DIR] [--host FILE] [--machine TYPE] [--format text|json]",
	NULL
};
static const struct cli_opt drift_opts[] = {
	{ "--map", NULL, "system|9.0|11.3|DIR", CLI_VAL_DIR, "system 9.0 11.3", false,
	  "libvirt's cpu_map to hold against QEMU: system (/usr/share/libvirt/cpu_map), the "
	  "bundled 9.0 or 11.3, or a directory (default: the map of --cpu-map, "
	  "--libvirt-version or the installed libvirt, as for compare)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const probe_syn[] = {
	"[--qemu BINARY] [--qemu-datadir DIR] [--machines all|LIST] [--jobs N] "
	"[--timeout SECONDS] [--accel kvm|tcg] [--arch ARCH] [--no-cache] [--out FILE] [-q]",
	NULL
};
static const struct cli_opt probe_opts[] = {
	{ "--qemu", NULL, "BINARY", CLI_VAL_PROGRAM, NULL, false,
	  "QEMU to probe: a path, or a name looked up in PATH (default: qemu-system-ARCH)" },
	{ "--qemu-datadir", NULL, "DIR", CLI_VAL_DIR, NULL, false,
	  "pass -L DIR, the first place QEMU looks for firmware and data files: for a QEMU "
	  "unpacked outside /usr (see scripts/fetch-qemu.sh).  Not in the cache key: "
	  "firmware does not change CPU models" },
	{ "--machines", NULL, "LIST", CLI_VAL_WORD, "all", false,
	  "comma-separated machine types (aliases such as q35 are resolved; 'none' is "
	  "-machine none), or 'all' (default): every machine type QEMU lists, plus none" },
	{ "--jobs", NULL, "N", CLI_VAL_WORD, NULL, false,
	  "QEMU processes at once (default: number of online cores)" },
	{ "--timeout", NULL, "SECONDS", CLI_VAL_WORD, NULL, false,
	  "deadline for each step of each process (default: 10)" },
	{ "--accel", NULL, "kvm|tcg", CLI_VAL_WORD, "kvm tcg", false,
	  "accelerator (default: kvm when /dev/kvm is usable and the binary emulates this "
	  "host's arch, else tcg)" },
	{ "--arch", NULL, "ARCH", CLI_VAL_WORD, "x86_64 s390x", false,
	  "x86_64 or s390x (default: from the binary's name, else asked with query-target)" },
	{ "--no-cache", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "probe even when a cached result exists, and don't store it (cache: "
	  "$XDG_CACHE_HOME/cpuscope, default ~/.cache/cpuscope, keyed by the binary's path, "
	  "size and mtime, and accel)" },
	{ "--out", NULL, "FILE", CLI_VAL_FILE, NULL, false,
	  "write the snapshot to FILE, atomically (temp + rename; checked before the probe "
	  "starts; an existing FILE keeps its mode and owner, a symbolic link is written "
	  "through); without --out, or with '-', it goes to standard output (refused when "
	  "standard output is a terminal)" },
	{ "--quiet", "-q", NULL, CLI_VAL_NONE, NULL, false,
	  "no progress reports (failures are still reported)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const tui_syn[] = { "", NULL };
static const char *const help_syn[] = { "[COMMAND]", NULL };

static const struct cli_opt no_opts[] = {
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static int run_probe(struct cli *c, int argc, char **argv)
{
	return cli_probe(argc, argv, c->arch_s, c->accel, c->out, c->err);
}

const struct cli_cmd cli_commands[] = {
	{
		.name = "models",
		.summary = "every model, and whether the host can run it",
		.synopsis = models_syn,
		.description =
			"List every CPU model QEMU defines on the machine type: the versioned "
			"name an alias stands for, vendor, version, x86-64 level, and whether the "
			"host can run it (with the blocking features).  The first line is a "
			"summary.",
		.opts = models_opts,
		.run = cmd_models,
	},
	{
		.name = "show",
		.summary = "one model's features",
		.synopsis = show_syn,
		.description =
			"Show MODEL as QEMU expands it on the machine type: identity, x86-64 "
			"level, flags, and every feature it enables (QEMU and libvirt spellings, "
			"CPUID/MSR location, group), marking the ones the host lacks.  Model "
			"names resolve as QEMU resolves them (Haswell, Haswell-noTSX, "
			"Haswell-v4).",
		.opts = no_opts,
		.operand = CLI_VAL_MODEL,
		.run = cmd_show,
	},
	{
		.name = "grid",
		.summary = "feature grids: models, versions, machine types or hosts side by side",
		.synopsis = grid_syn,
		.description =
			"Print a feature grid: one row per feature, one column per model "
			"(default), per version of one model (--versions), per machine type "
			"(--machines), per host (--hosts, after the model columns), or per QEMU "
			"version (--qemu).  Only rows where the columns differ are shown unless "
			"--all.  On s390x --views shows what QEMU's -base model strips and what "
			"the machine type's default adds: MODEL-base, MODEL on the machine type, "
			"MODEL on -machine none (QEMU's newest default) and max.\n\n"
			"With --qemu the columns are one machine type family: the machine type "
			"--machine's family stands for in each QEMU (q35: pc-q35-7.2 in 7.2, "
			"pc-q35-10.0 in 10.0), each one's default without --machine, or one machine "
			"type per QEMU with --machines.  Under the grid, what each version changes: "
			"new models and versions, the names standing for each version and on which "
			"machine types, machine types added, removed or deprecated, and what the "
			"accelerator provides for the model.\n\n"
			"Cells: + present, - absent, ! present but the host lacks it (with --qemu and "
			"no host: that QEMU cannot provide it under its accelerator); a * after a cell "
			"marks a change against the column to its left.",
		.opts = grid_opts,
		.operand = CLI_VAL_MODEL,
		.run = cmd_grid,
	},
	{
		.name = "explain",
		.summary = "why a model is unusable, and what would fix it",
		.synopsis = explain_syn,
		.description =
			"Say whether MODEL is usable on the host (--host FILE, --local, or with "
			"neither QEMU's own verdict for its accelerator) and why not: each "
			"blocking feature with its spellings (QEMU, libvirt, Linux), CPUID/MSR "
			"location, group and meaning; the x86-64 levels of the model and the "
			"host.  Then the fixes: usable versions and aliases of the same model, "
			"the nearest other usable models (fewest features lost first; at equal losses the "
			"same vendor, then fewest added), the smallest set of disable policies (as a -cpu value and as "
			"libvirt XML), and whether host-model would do (with a domcapabilities "
			"host).\n\n"
			"--qemu-warning reads QEMU's warning lines (\"TCG doesn't support "
			"requested feature: CPUID.07H:EBX.hle [bit 4]\", \"MSR(48DH)."
			"vmx-posted-intr [bit 7]\", the CPUID[eax=..,ecx=..] form of newer QEMU) "
			"from FILE or standard input, names the features (by location and by "
			"name, cross-checked) and explains them as blockers of MODEL (or, "
			"without MODEL, gives the disable policies).  With --cpu VALUE (the "
			"-cpu value that warned) the model is VALUE's, the explanation starts "
			"from VALUE's features, and the fix is VALUE with the warned features "
			"switched off: the features it already disabled, its other properties, "
			"vendor= and enforce stay.  FILE may be libvirt's log of the guest "
			"(/var/log/libvirt/qemu/GUEST.log): the warnings of its last start are "
			"read, and the -cpu value of that start's command line stands for --cpu.",
		.opts = explain_opts,
		.operand = CLI_VAL_MODEL,
		.notes =
			"The first line is the verdict.  --format json prints {\"model\", "
			"\"usable\", \"unavailable\": [QEMU names], \"suggestions\": [...], ...}.",
		.exit_status = "0 usable, 1 not usable, 2 error (or no data to decide).",
		.run = cmd_explain,
	},
	{
		.name = "compare",
		.summary = "can the host run this guest CPU? (virsh hypervisor-cpu-compare)",
		.synopsis = compare_syn,
		.description =
			"Compare the host with the guest CPU in CPU.xml (a bare <cpu> or a whole "
			"<domain>) the way `virsh hypervisor-cpu-compare` does in the libvirt "
			"version in use (--libvirt-version): the first line is IDENTICAL, SUPERSET "
			"or INCOMPATIBLE, then the features responsible.  With a domcapabilities "
			"file as --host, the host is the CPU the hypervisor offers (its "
			"host-model), and libvirt 11 first asks QEMU: a model it calls usable "
			"that only disables features is SUPERSET, and models without <check "
			"partial='compat'/> in the 11.x map are judged by QEMU's blockers; with a "
			"capabilities file, the host CPU itself (as `virsh cpu-compare`, the same "
			"in every version)."
			"\n\n"
			"On s390x the verdict is QEMU's, as libvirt asks for it: "
			"query-cpu-model-comparison of the host CPU (the --host file's "
			"host-model, else QEMU's own static expansion of host under KVM or max "
			"under TCG) and the guest CPU; QEMU's identical is IDENTICAL, superset "
			"SUPERSET, subset and incompatible INCOMPATIBLE, with QEMU's responsible "
			"properties.  QEMU answers: this machine's qemu-system-s390x (or "
			"--probe BINARY), or a capture (.replies) holding the exchange; without "
			"either there is no answer.",
		.opts = no_opts,
		.operand = CLI_VAL_FILE,
		.notes =
			" json: {\"result\", \"host\", \"cpu\", \"message\", \"libvirt\" (whose\n"
			"       semantics), \"how\" (libvirt 11's shortcut, or null), \"features\"}",
		.exit_status = "0 identical or superset, 1 incompatible, 2 error.",
		.run = cmd_compare,
	},
	{
		.name = "upgrade",
		.summary = "what a QEMU or host change does to a guest CPU",
		.synopsis = upgrade_syn,
		.description =
			"Check a guest CPU (a libvirt <cpu> or <domain>, or a -cpu value) against a "
			"change: another QEMU (--from 7.2 --to 10.0, bundled versions or snapshot "
			"files) or another host (two host files, e.g. before and after a microcode "
			"update; with the data of --snapshot).  For each side it says what the guest "
			"CPU becomes: the machine type (the domain's, --machine, or each side's "
			"default; an alias such as q35 resolves on each side), the versioned model "
			"the name stands for, its features as that QEMU expands them, what QEMU "
			"drops because the accelerator or host cannot provide it, and whether the "
			"guest starts under enforce and under libvirt's check.\n\n"
			"Then what differs and why: a machine type that no longer exists or is "
			"deprecated, a bare model name that stands for another version, a model "
			"that is gone or deprecated, a changed definition (on the same versioned "
			"machine type QEMU keeps it; the check says so), what the accelerator or "
			"host provides, a host-model that expands differently, changed properties.  "
			"It ends with what to pin (the versioned model and machine type, feature "
			"policies) to keep the guest identical, as a -cpu value and libvirt lines.",
		.opts = upgrade_opts,
		.operand = CLI_VAL_FILE,
		.notes =
			"The first line is the verdict: UNCHANGED, CHANGED or NO LONGER STARTS.  "
			"--format json prints {\"verdict\", \"unchanged\", \"from\", \"to\", "
			"\"lost\", \"gained\", \"definition\", \"dropped\", \"properties\", "
			"\"findings\": [{\"severity\", \"text\"}], \"pin\": {\"advice\", \"cpu\", "
			"\"xml\"}}.",
		.exit_status =
			"0 the guest's CPU and whether it starts are unchanged, 1 otherwise, 2 error.",
		.run = cmd_upgrade,
	},
	{
		.name = "build",
		.summary = "the libvirt <cpu> XML or -cpu value for exactly this CPU",
		.synopsis = build_syn,
		.description =
			"Build a guest CPU and print it as libvirt <cpu> XML (libvirt's feature "
			"spellings, the form libvirt writes back), as the value of QEMU's -cpu "
			"option (QEMU's spellings; policies mapped as libvirt maps them when it "
			"starts QEMU: force/require -> on, disable/forbid -> off, optional "
			"decided against the host), or as JSON.  Warnings about common traps go "
			"to standard error (with --format json, into the JSON).\n\n"
			"The feature options take comma-separated lists and may be repeated; "
			"features are named in any spelling (QEMU's, libvirt's, Linux's).  An "
			"unknown feature (with the nearest spelling suggested), one feature with "
			"two policies, or a name that would add a -cpu option is an error, as in "
			"the explorer's editor.\n\n"
			"FORM is xml (the default), qemu, json, or a platform's form of the same "
			"CPU: proxmox (the Proxmox VE VM config line cpu: MODEL,flags=+a;-b, or, "
			"when Proxmox's VM flags cannot carry it, a cpu-models.conf entry and the "
			"line naming it), proxmox-model (a cpu-models.conf entry), kubevirt "
			"(spec.template.spec.domain.cpu of a VirtualMachine, YAML), nova "
			"(nova.conf's [libvirt] cpu_mode, cpu_models, cpu_model_extra_flags) or "
			"qmp (the query-cpu-model-expansion command for the -cpu value).  What a "
			"platform cannot express (Nova and Proxmox have no forbid or optional, "
			"KubeVirt no check) is a warning; a CPU it cannot express at all is an "
			"error.  A custom model (--custom) is built as its base with its "
			"features, and its settings go onto the -cpu value.",
		.opts = build_opts,
		.formats = "xml qemu json proxmox proxmox-model kubevirt nova qmp",
		.run = cmd_build,
	},
	{
		.name = "baseline",
		.summary = "the CPU every given host can run (virsh cpu-baseline)",
		.synopsis = baseline_syn,
		.description =
			"The guest CPU every given host can run, printed exactly as `virsh -c "
			"qemu:///system cpu-baseline` prints it in the libvirt version in use "
			"(--libvirt-version; it decides the map and the QEMU driver's feature "
			"filter): the CPUs' common features, described by the closest libvirt model plus "
			"require/disable features.  Each FILE (or - for standard input) is "
			"libvirt capabilities XML, a domcapabilities file (its host-model CPU), a "
			"host <cpu> (with <arch>), several <cpu> elements one after another, "
			"libvirt's <cpuTest> wrapper, or a guest <cpu>/<domain> (model + require "
			"- disable).\n\n"
			"On s390x the baseline is QEMU's, as `virsh hypervisor-cpu-baseline` gets "
			"it: query-cpu-model-baseline of the CPUs one after another, then (for "
			"one CPU, or with --features) QEMU's static or full expansion of the "
			"result, printed as virsh prints it.  QEMU answers as for compare.",
		.opts = baseline_opts,
		.operand = CLI_VAL_FILE,
		.notes =
			" json: {\"xml\", \"model\", \"vendor\", \"fallback\",\n"
			"       \"features\": [{\"name\", \"policy\"}], \"cpus\", \"libvirt\"}",
		.exit_status = "0 success, 2 bad input or CPUs with nothing in common.",
		.run = cmd_baseline,
	},
	{
		.name = "host",
		.summary = "the host CPU as libvirt describes it (virsh capabilities' <cpu>)",
		.synopsis = host_syn,
		.description =
			"The host CPU of FILE (or of --host FILE; with neither, this machine's "
			"CPUID) as libvirt describes it: the <cpu> of `virsh capabilities`, decoded "
			"through libvirt's cpu_map the way libvirt decodes it (the model, vendor, "
			"signature and the features beyond the model).  The map is the one in use "
			"(--cpu-map DIR; data/cpu_map-11.3 gives libvirt 11.3's versioned names).  "
			"FILE is any host file: a libvirt <cpudata> CPUID dump "
			"(tests/cputestdata/x86_64-cpuid-*.xml of libvirt's source), capabilities "
			"XML, a host <cpu>, a QMP expansion, or a libvirt capture (caps_*.replies; "
			"--accel picks its session).  x86_64; for s390x only --host-model (libvirt "
			"describes s390x host CPUs without a model).",
		.opts = host_opts,
		.operand = CLI_VAL_FILE,
		.formats = "text xml json",
		.notes =
			"--format xml: only the XML, as libvirt writes it; --format json: "
			"{\"arch\", \"model\", \"vendor\", \"signature\", \"features\"}; text (the "
			"default): a summary line, then the XML.",
		.run = run_host,
	},
	{
		.name = "drift",
		.summary = "libvirt's cpu_map against QEMU's models, and what breaks",
		.synopsis = drift_syn,
		.description =
			"libvirt keeps its own copy of every x86 CPU model (the cpu_map), and the "
			"copies drift from QEMU's: libvirt 9.0's Skylake-Client still requires mpx, "
			"which QEMU's Skylake-Client-v1 dropped.  For every model both know (or each "
			"MODEL: libvirt's names, QEMU's versioned names and aliases) on the machine "
			"type: the features libvirt's model requires that QEMU's lacks, those QEMU's "
			"has that libvirt's lacks, vendor and signature differences, and the traps "
			"they set for a guest <cpu mode='custom'> of that model (with QEMU's blockers "
			"on the host disabled): check='partial' refusing a guest QEMU runs (libvirt's "
			"compare with the host-model), check='full' refusing it on every host (the "
			"vCPU QEMU builds is not libvirt's model), check='partial' starting a guest "
			"QEMU refuses with enforce.  Each trap gives libvirt's own error message, and "
			"each model what to do: check='none', or explicit policies that make "
			"libvirt's model QEMU's, as <cpu> XML.  Then the models only one side knows, "
			"and what libvirt does with them.\n\n"
			"libvirt 9.0's checks apply, or 11.x's: those of --libvirt-version, else "
			"of the release the map is from (11.x for a map with 11.x attributes, such as "
			"the bundled 11.3).  What QEMU runs is the host's verdict (--host FILE, --local), "
			"else QEMU's own; check='partial' compares with the host file's CPU, else "
			"with the host-model libvirt makes from QEMU's max (TCG) or host (KVM) CPU.",
		.opts = drift_opts,
		.operand = CLI_VAL_MODEL,
		.notes =
			"The first line names the pair: libvirt's map and QEMU's data on the machine "
			"type.  --format json prints {\"title\", \"map\", \"libvirt_checks\", "
			"\"machine\", \"traps\": {kind: count}, \"models\": [{\"name\", \"qemu\", "
			"\"libvirt_only\", \"qemu_only\", \"blockers\", \"guest_disable\", "
			"\"libvirt_cpu\", \"vendor\", \"signature\", \"traps\": [{\"kind\", "
			"\"check\", \"features\", \"message\", \"consequence\"}], \"actions\": "
			"[{\"text\", \"xml\"}], \"notes\"}], \"libvirt_only_models\", "
			"\"qemu_only_models\"}.",
		.exit_status = "0 no traps, 1 traps found, 2 error.",
		.run = cmd_drift,
	},
	{
		.name = "fleet",
		.summary = "many hosts: who runs which model, the best common model, migration",
		.synopsis = fleet_syn,
		.description =
			"Every host of FILE and DIR (read recursively, in name order) against "
			"every model of the QEMU data: usable or blocked on each host, with the "
			"blockers, as `cpuscope models --host FILE` says (a domcapabilities host "
			"by its own usable flags, other hosts by the model's features), and how "
			"many hosts run each model.  Hosts are any host file cpuscope reads: "
			"capabilities, domcapabilities, a host <cpu>, a QMP expansion, a libvirt "
			"capture, a <cpudata> CPUID dump.  A file named on the line must be a host; "
			"a file found in a directory that is not one (of the data's arch) is "
			"skipped, and the report lists it with the reason.\n\n"
			"Hosts are grouped by vendor: a guest CPU model has one vendor and "
			"libvirt's baseline refuses CPUs of different vendors, so each group gets "
			"its own answer, and the report says which hosts are of which vendor.  Per "
			"group: the best common model, the newest model of libvirt's cpu_map (the "
			"last in its order, vendor-neutral models first) that every host runs: "
			"QEMU's verdict is usable and libvirt's compare (as `virsh "
			"hypervisor-cpu-compare`) is not INCOMPATIBLE; newer models libvirt "
			"refuses although QEMU runs them; what the model gives up against each "
			"host's host-model (libvirt's names; features a guest can be given); the "
			"baseline (as `virsh cpu-baseline`) and what it gives up; for each host "
			"whose removal would raise the best model, the model without it; the newer "
			"models only some hosts run, with the hosts that block them.  Across vendor "
			"groups, the newest vendor-neutral model every host runs.\n\n"
			"--guest FILE: libvirt's compare of the guest CPU with every host; it can "
			"start where libvirt does not call it INCOMPATIBLE and QEMU runs its model "
			"(less the features it disables), and migrate between those hosts.  "
			"--what-if-add FILE: the best common model of the new host's group with it.",
		.opts = fleet_opts,
		.operand = CLI_VAL_FILE,
		.formats = "text json csv",
		.notes =
			"Text: the hosts (numbered), the vendor groups with their answers, the "
			"guest's hosts, then the matrix (a column per host: + usable, a number: "
			"blocked by that many features, ? unknown).  JSON: {\"data\", \"hosts\", "
			"\"groups\", \"across-vendors\", \"what-if-add\", \"guest\", "
			"\"skipped\", \"models\": [{\"name\", \"runs\", \"usable\": [hosts], "
			"\"blocked\": [{\"host\", \"blockers\"}], ...}]} (hosts by number).  "
			"CSV: the matrix only, one row per host and model: host,file,form,vendor,"
			"model,verdict,blockers (blockers separated by blanks, QEMU's names); "
			"skipped files go to standard error.",
		.exit_status = "0 success; 1 the --guest CPU cannot start on every host; 2 usage or "
			       "input error.",
		.run = cmd_fleet,
	},
	{
		.name = "probe",
		.summary = "capture a snapshot from a real QEMU",
		.synopsis = probe_syn,
		.description =
			"Ask a real QEMU, over QMP, how every CPU model looks on every machine "
			"type, and write the answers as a cpuscope snapshot (use it with "
			"--snapshot FILE).  QEMU is started as BINARY -machine TYPE -S -nodefaults -no-user-config "
			"-nographic -qmp stdio -accel ACCEL [-L DIR], one process per machine type, N at a "
			"time; every model's full and static query-cpu-model-expansion is asked "
			"on one pipelined connection.",
		.opts = probe_opts,
		.notes =
			"Progress goes to standard error: a bar with done/total and ETA on a "
			"terminal, else one line every few seconds.  A machine type that fails "
			"(QEMU hangs, crashes, exits, prints garbage) is reported with the step "
			"it was at; the rest goes on.",
		.exit_status =
			"0 complete; 1 partial (the snapshot is written and lists the missing "
			"parts, which are also listed on standard error); 2 error (nothing "
			"written); 128+N when stopped by signal N (SIGINT, SIGTERM; nothing "
			"written).",
		.run = run_probe,
	},
	{
		.name = "tui",
		.summary = "the interactive explorer (the default on a terminal)",
		.synopsis = tui_syn,
		.description =
			"The interactive explorer (ncurses).  `cpuscope` without a command starts "
			"it too when standard output is a terminal.  `cpuscope --list-keys` lists "
			"its keys.",
		.opts = no_opts,
		.run = NULL,
	},
	{
		.name = "help",
		.summary = "this help, or a command's (help COMMAND)",
		.synopsis = help_syn,
		.description = "The help of cpuscope, or of COMMAND (as `cpuscope COMMAND --help`).",
		.opts = no_opts,
		.operand = CLI_VAL_COMMAND,
		.run = NULL,
	},
	{ .name = NULL },
};

const struct cli_cmd *cli_cmd_find(const char *name)
{
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, " ");
		if (l == n && !strncmp(p, word, n))
			return true;
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

bool cli_cmd_takes_format(const struct cli_cmd *cmd, const char *fmt)
{
	return word_in(fmt, cmd->formats ? cmd->formats : "text json");
}
