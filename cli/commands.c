/* commands.c - the command table (commands.h), the option check made from
 * it, and the texts generated from it: the help, the man page, the bash
 * completion. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "util.h"

#define VERSION "0.1"
#define WIDTH 79 /* the longest help line */

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
	[GLOBAL_LOCAL] = { "--local", NULL, NULL, CLI_VAL_NONE, NULL, false,
		"the host is this CPU by CPUID (not what QEMU/KVM would decide)" },
	[GLOBAL_CPU_MAP] = { "--cpu-map", NULL, "DIR", CLI_VAL_DIR, NULL, false,
		"libvirt's cpu_map (default: /usr/share/libvirt/cpu_map if present, else "
		"the bundled copy)" },
	[GLOBAL_MACHINE] = { "--machine", NULL, "TYPE", CLI_VAL_WORD, NULL, false,
		"machine type; aliases like q35 resolve (default: QEMU's default)" },
	[GLOBAL_ARCH] = { "--arch", NULL, "ARCH", CLI_VAL_WORD, "x86_64 s390x", false,
		"x86_64 (default) or s390x" },
	[GLOBAL_ACCEL] = { "--accel", NULL, "ACCEL", CLI_VAL_WORD, "kvm tcg", false,
		"whose verdict: QEMU with this accelerator (default: kvm when /dev/kvm is "
		"usable, else tcg)" },
	[GLOBAL_FORMAT] = { "--format", NULL, "FMT", CLI_VAL_WORD, "text json", false,
		"text (default) or json; build also takes xml (its default) and qemu" },
	[GLOBAL__COUNT] = { NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

/* Options of `cpuscope` without a command.  --list-keys is the TUI's
 * (cli/main.c); the --gen-* ones make the generated files and are left
 * out of the help. */
static const struct cli_opt top_opts[] = {
	{ "--help", "-h", NULL, CLI_VAL_NONE, NULL, false,
	  "this help (a command's: cpuscope COMMAND --help, or cpuscope help COMMAND)" },
	{ "--version", NULL, NULL, CLI_VAL_NONE, NULL, false, "the version" },
	{ "--list-keys", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "the explorer's keys, from its key table (--list-keys=markdown: as Markdown tables)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char top_description[] =
	"Explore QEMU CPU models, what a host can run, and the libvirt <cpu> XML and "
	"-cpu value that give a guest exactly the CPU you want.  The data comes from "
	"QEMU (probed live, or a snapshot of its QMP replies), libvirt's XML and cpu_map, "
	"and this machine's CPUID.\n\n"
	"Without a command, cpuscope opens the interactive explorer on a terminal, and "
	"prints the model overview (cpuscope models) otherwise.  Global options go "
	"before or after the command; options take their value as the next word or "
	"after '=' (--format=json).";

static const char errors_text[] =
	"Output is text, or JSON with --format json.  Errors are text in every format: "
	"they go to standard error as \"cpuscope: FILE:LINE: message\" (the input file "
	"and line at fault, when there is one) with exit status 2, and standard output "
	"then carries nothing, so a script reads JSON from standard output only when the "
	"status is 0 or 1 (or when explain exits 2 because the data cannot decide).  "
	"Warnings go to standard error too (build --format json puts "
	"them into its JSON instead).";

static const char exit_text[] =
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
	{ "--all", NULL, NULL, CLI_VAL_NONE, NULL, false,
	  "every feature row, not only those where the columns differ" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const explain_syn[] = { "MODEL", "--qemu-warning FILE|- [MODEL]", NULL };
static const struct cli_opt explain_opts[] = {
	{ "--qemu-warning", "--qemu-warnings", "FILE|-", CLI_VAL_FILE, NULL, false,
	  "read QEMU's \"doesn't support requested feature\" warnings from FILE (- for "
	  "standard input)" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static const char *const compare_syn[] = {
	"CPU.xml [--host FILE | --local] [--cpu-map DIR] [--format text|json]", NULL
};

static const char *const build_syn[] = {
	"--model M [--version N|best] [--require F,...] [--optional F,...] [--disable F,...] "
	"[--forbid F,...] [--force F,...] [--match MATCH] [--check CHECK] "
	"[--fallback allow|forbid] [--vendor-id STRING] [--format xml|qemu|json]",
	"--mode MODE [--require F,...] ... [--check CHECK] [--format xml|qemu|json]",
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
	"[--features] [--migratable] [--no-qemu-filter] [--cpu-map DIR] [--format text|json] FILE...",
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
			"(--machines), or per host (--hosts, after the model columns).  Only "
			"rows where the columns differ are shown unless --all.  On s390x "
			"--views shows what QEMU's -base model strips and what the machine "
			"type's default adds: MODEL-base, MODEL on the machine type, MODEL on "
			"-machine none (QEMU's newest default) and max.\n\n"
			"Cells: + present, - absent, ! present but the host lacks it; a * after "
			"a cell marks a change against the column to its left.",
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
			"the nearest other usable models (fewest features lost, same vendor "
			"first), the smallest set of disable policies (as a -cpu value and as "
			"libvirt XML), and whether host-model would do (with a domcapabilities "
			"host).\n\n"
			"--qemu-warning reads QEMU's warning lines (\"TCG doesn't support "
			"requested feature: CPUID.07H:EBX.hle [bit 4]\", \"MSR(48DH)."
			"vmx-posted-intr [bit 7]\", the CPUID[eax=..,ecx=..] form of newer QEMU) "
			"from FILE or standard input, names the features (by location and by "
			"name, cross-checked) and explains them as blockers of MODEL (or, "
			"without MODEL, gives the disable policies).",
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
			"<domain>) the way `virsh hypervisor-cpu-compare` does (libvirt 9.0): the "
			"first line is IDENTICAL, SUPERSET or INCOMPATIBLE, then the features "
			"responsible.  With a domcapabilities file as --host, the host is the "
			"CPU the hypervisor offers (its host-model); with a capabilities file, "
			"the host CPU itself (as `virsh cpu-compare`).\n\n"
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
		.exit_status = "0 identical or superset, 1 incompatible, 2 error.",
		.run = cmd_compare,
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
			"the explorer's editor.",
		.opts = build_opts,
		.formats = "xml qemu json",
		.run = cmd_build,
	},
	{
		.name = "baseline",
		.summary = "the CPU every given host can run (virsh cpu-baseline)",
		.synopsis = baseline_syn,
		.description =
			"The guest CPU every given host can run, printed exactly as `virsh -c "
			"qemu:///system cpu-baseline` prints it (libvirt 9.0 semantics): the "
			"CPUs' common features, described by the closest libvirt model plus "
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
			"       \"features\": [{\"name\", \"policy\"}], \"cpus\"}",
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

/* ---- checking a command's options ----------------------------------------- */

static const struct cli_opt *opt_find(const struct cli_opt *opts, const char *name, size_t n)
{
	for (const struct cli_opt *o = opts; o->name; o++)
		if ((strlen(o->name) == n && !strncmp(o->name, name, n)) ||
		    (o->alias && strlen(o->alias) == n && !strncmp(o->alias, name, n)))
			return o;
	return NULL;
}

struct cand {
	const char *name;
	size_t dist;
};

static void cand_add(struct cand *c, size_t *nc, size_t max, const char *word, const char *name)
{
	size_t limit = strlen(word) / 3, d;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < *nc; i++)
		if (!strcmp(c[i].name, name))
			return;
	d = str_distance(word, name);
	/* "--mach" -> "--machine", "--machines": before any typo */
	if (strlen(word) >= 4 && !strncmp(name, word, strlen(word)))
		d = 0;
	if (d > limit || *nc == max)
		return;
	c[*nc].name = name;
	c[(*nc)++].dist = d;
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->dist != b->dist)
		return a->dist < b->dist ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* " (did you mean --a, --b or --c?)" for the options of the lists closest
 * to word; nothing when none is close. */
static void suggest_opts(struct strbuf *sb, const char *word, const struct cli_opt *const *lists,
			 size_t nlists)
{
	struct cand c[64];
	size_t nc = 0;

	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++)
			cand_add(c, &nc, ARRAY_LEN(c), word, o->name);
	if (!nc)
		return;
	qsort(c, nc, sizeof(*c), cand_cmp);
	for (size_t i = 1; i < nc; i++)
		if (c[i].dist > c[0].dist + 1)
			nc = i; /* only the closest ones */
	if (nc > 3)
		nc = 3;
	for (size_t i = 0; i < nc; i++)
		sb_addf(sb, "%s%s", i == 0 ? " (did you mean " : i + 1 == nc ? " or " : ", ", c[i].name);
	sb_add(sb, "?)");
}

static const struct cli_opt help_opt[] = {
	{ "--help", "-h", NULL, CLI_VAL_NONE, NULL, false, "this help" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static int unknown_option(struct cli *c, const struct cli_cmd *cmd, const char *a, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cli_opt *lists[] = { cmd->opts, cli_globals, help_opt };
	char *word = xstrndup(a, n);
	int rc;

	suggest_opts(&sb, word, lists, ARRAY_LEN(lists));
	if (!sb.len) {
		/* no close spelling here: maybe another command takes it */
		size_t k = 0;
		for (const struct cli_cmd *o = cli_commands; o->name; o++) {
			if (o == cmd || !opt_find(o->opts, a, n))
				continue;
			sb_addf(&sb, "%s%s", k++ ? ", " : " (an option of ", o->name);
		}
		sb_addf(&sb, "%scpuscope %s --help)", k ? "; see " : " (see ", cmd->name);
	}
	rc = cli_fail(c, "%s: unknown option '%s'%s", cmd->name, word, sb_str(&sb));
	free(word);
	sb_fini(&sb);
	return rc;
}

int cli_cmd_args(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv,
		 struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->argv = xcalloc((size_t)argc * 2 + 1, sizeof(*a->argv));
	a->owned = xcalloc((size_t)argc + 1, sizeof(*a->owned));
	if (argc > 0)
		a->argv[a->argc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		char *w = argv[i];
		const struct cli_opt *o;
		const char *eq;
		size_t n;

		if (w[0] != '-' || !w[1]) { /* an operand, or - (standard input) */
			a->argv[a->argc++] = w;
			continue;
		}
		eq = w[1] == '-' ? strchr(w, '=') : NULL;
		n = eq ? (size_t)(eq - w) : strlen(w);
		if (opt_find(help_opt, w, n) && !eq) {
			a->help = true;
			continue;
		}
		o = opt_find(cmd->opts, w, n);
		if (!o)
			return unknown_option(c, cmd, w, n);
		if (!o->arg) {
			if (eq)
				return cli_fail(c, "%s: %s takes no value (got '%s')", cmd->name, o->name, w);
			a->argv[a->argc++] = w;
			continue;
		}
		if (eq) {
			char *name = xstrndup(w, n);
			a->owned[a->nowned++] = name;
			a->argv[a->argc++] = name;
			a->argv[a->argc++] = w + n + 1;
			continue;
		}
		a->argv[a->argc++] = w;
		if (i + 1 < argc) /* else the command says what the value should be */
			a->argv[a->argc++] = argv[++i];
	}
	a->argv[a->argc] = NULL;
	return CLI_OK;
}

void cli_args_fini(struct cli_args *a)
{
	for (int i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->argv);
	memset(a, 0, sizeof(*a));
}

int cli_unknown_command(struct cli *c, const char *word)
{
	struct cand cands[32];
	size_t nc = 0;

	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		cand_add(cands, &nc, ARRAY_LEN(cands), word, k->name);
	qsort(cands, nc, sizeof(*cands), cand_cmp);
	if (nc)
		return cli_fail(c, "unknown command '%s' (did you mean %s?)", word, cands[0].name);
	return cli_fail(c, "unknown command '%s' (see cpuscope --help)", word);
}

int cli_unknown_top_option(struct cli *c, const char *opt, const char *cmd)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cli_cmd *k = cmd ? cli_cmd_find(cmd) : NULL;
	const char *eq = strchr(opt, '=');
	size_t n = eq ? (size_t)(eq - opt) : strlen(opt);
	char *word = xstrndup(opt, n);
	int rc;

	if (k && opt_find(k->opts, opt, n)) {
		rc = cli_fail(c, "%s is an option of %s: put it after the command (cpuscope %s %s)",
			      word, k->name, k->name, opt);
	} else {
		const struct cli_opt *lists[] = { cli_globals, top_opts };
		suggest_opts(&sb, word, lists, cmd ? 1 : 2);
		if (!sb.len)
			sb_add(&sb, " (see cpuscope --help)");
		rc = cli_fail(c, "unknown option '%s'%s%s", opt, cmd ? " before the command" : "",
			      sb_str(&sb));
	}
	free(word);
	sb_fini(&sb);
	return rc;
}

int cli_top_option(struct cli *c, const char *opt)
{
	if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
		cli_help_top(c->out);
	} else if (!strcmp(opt, "--version")) {
		fputs("cpuscope " VERSION "\n", c->out);
	} else if (!strcmp(opt, "--gen-man")) {
		cli_gen_man(c->out);
	} else if (!strcmp(opt, "--gen-completion=bash")) {
		cli_gen_bash(c->out);
	} else if (!strncmp(opt, "--gen-completion", 16)) {
		return cli_fail(c, "--gen-completion: which shell? (--gen-completion=bash)");
	} else {
		return cli_unknown_top_option(c, opt, NULL);
	}
	return CLI_OK;
}

int cli_help(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *k;

	if (argc < 2) {
		cli_help_top(c->out);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_fail(c, "help: one command at a time (got '%s' and '%s')", argv[1], argv[2]);
	k = cli_cmd_find(argv[1]);
	if (!k)
		return cli_unknown_command(c, argv[1]);
	cli_help_cmd(c->out, k);
	return CLI_OK;
}

void cli_hint_commands(FILE *f)
{
	const struct cli_cmd *list[ARRAY_LEN(cli_commands)];
	size_t n = 0;

	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (strcmp(k->name, "models") && strcmp(k->name, "tui") && strcmp(k->name, "help"))
			list[n++] = k;
	fputs("\n(see `cpuscope --help` for ", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", list[i]->name);
	fputs(")\n", f);
}

/* ---- help ------------------------------------------------------------------- */

/* Print text's words flowed: the first line goes on at column col, the
 * others start at column indent; lines end at WIDTH.  Two blanks after a
 * sentence stay two.  Returns the column where it stopped. */
static size_t flow(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;
	bool at_start = col <= indent; /* nothing on this line yet */

	while (*p) {
		size_t blanks = strspn(p, " "), len, gap;
		p += blanks;
		if (!*p)
			break;
		len = strcspn(p, " ");
		gap = at_start ? 0 : blanks > 1 ? 2 : 1;
		if (!at_start && col + gap + len > WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			gap = 0;
		}
		fprintf(f, "%*s%.*s", (int)gap, "", (int)len, p);
		col += gap + len;
		at_start = false;
		p += len;
	}
	return col;
}

/* The synopsis, wrapped at whole [...] groups. */
static void synopsis_text(FILE *f, const char *lead, const char *syn)
{
	size_t col = strlen(lead), indent = col;
	const char *p = syn;

	fputs(lead, f);
	while (*p) {
		p += strspn(p, " ");
		if (!*p)
			break;
		const char *q = p;
		int depth = 0;
		while (*q && (depth > 0 || *q != ' ')) {
			depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
			q++;
		}
		size_t len = (size_t)(q - p);
		if (col > indent && col + 1 + len > WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent || p != syn) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)len, p);
		col += len;
		p = q;
	}
	fputc('\n', f);
}

/* Paragraphs: flowed, or (starting with a blank) as they are. */
static void paragraphs(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *para = xstrndup(p, len);
		if (para[0] == ' ') {
			fprintf(f, "%s\n", para + 1);
		} else {
			for (char *s = para; *s; s++)
				if (*s == '\n')
					*s = ' ';
			flow(f, para, 0, 0);
			fputc('\n', f);
		}
		free(para);
		p += len;
		if (*p)
			p += 2;
		if (*p)
			fputc('\n', f);
	}
}

static void opt_spec(struct strbuf *sb, const struct cli_opt *o)
{
	sb_reset(sb);
	if (o->alias && o->alias[1] != '-')
		sb_addf(sb, "%s, ", o->alias);
	sb_add(sb, o->name);
	if (o->arg)
		sb_addf(sb, " %s", o->arg);
}

/* An option list: "  --name ARG   help", the helps in one column. */
static void opt_list(FILE *f, const struct cli_opt *const *lists, size_t nlists)
{
	struct strbuf sb = STRBUF_INIT;
	size_t w = 0;

	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			opt_spec(&sb, o);
			if (sb.len > w && sb.len <= 20)
				w = sb.len;
		}
	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			size_t col;
			opt_spec(&sb, o);
			fprintf(f, "  %s", sb_str(&sb));
			col = 2 + sb.len;
			if (sb.len > w) {
				fprintf(f, "\n%*s", (int)(w + 4), "");
			} else {
				fprintf(f, "%*s", (int)(w + 4 - col), "");
			}
			flow(f, o->help, w + 4, w + 4);
			fputc('\n', f);
		}
	sb_fini(&sb);
}

void cli_help_top(FILE *f)
{
	const struct cli_opt *g[] = { cli_globals }, *t[] = { top_opts };
	size_t w = 0;

	fputs("usage: cpuscope [GLOBAL OPTIONS] [COMMAND [ARGS]]\n\n", f);
	paragraphs(f, top_description);
	fputs("\nCommands:\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (strlen(k->name) > w)
			w = strlen(k->name);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		fprintf(f, "  %-*s  ", (int)w, k->name);
		flow(f, k->summary, w + 4, w + 4);
		fputc('\n', f);
	}
	fputs("\nGlobal options:\n", f);
	opt_list(f, g, 1);
	fputs("\nOther options (without a command):\n", f);
	opt_list(f, t, 1);
	fputc('\n', f);
	paragraphs(f, errors_text);
	fputc('\n', f);
	flow(f, exit_text, flow(f, "Exit status:", 0, 0), 0);
	fputc('\n', f);
}

void cli_help_cmd(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_opt *lists[] = { cmd->opts, help_opt };

	for (size_t i = 0; cmd->synopsis[i]; i++) {
		char *lead = xasprintf("%s cpuscope %s ", i ? "      " : "usage:", cmd->name);
		synopsis_text(f, lead, cmd->synopsis[i]);
		free(lead);
	}
	fputc('\n', f);
	paragraphs(f, cmd->description);
	fputs("\nOptions:\n", f);
	opt_list(f, lists, 2);
	fputs("  (and the global options of cpuscope --help)\n", f);
	if (cmd->notes) {
		fputc('\n', f);
		paragraphs(f, cmd->notes);
	}
	fputc('\n', f);
	flow(f, cmd->exit_status ? cmd->exit_status : "0 success, 2 usage or input error.",
	     flow(f, "Exit status:", 0, 0), 0);
	fputc('\n', f);
}

/* ---- the man page ------------------------------------------------------------ */

/* Text for roff: backslashes and minus signs escaped, no control
 * character at the start of a line. */
static void roff(FILE *f, const char *s, size_t n)
{
	bool bol = true;

	for (size_t i = 0; i < n && s[i]; i++) {
		char ch = s[i];
		if (bol && ch == '.')
			fputs("\\&", f);
		if (ch == '\\')
			fputs("\\e", f);
		else if (ch == '-')
			fputs("\\-", f);
		else if (ch == '\'')
			fputs("\\(aq", f);
		else if (ch == '`')
			fputs("\\(ga", f);
		else
			fputc(ch, f);
		bol = ch == '\n';
	}
}

static void roff_s(FILE *f, const char *s)
{
	roff(f, s, strlen(s));
}

static void man_paragraphs(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (p[0] == ' ') {
			fputs(".PP\n.nf\n.RS 2\n", f);
			roff(f, p + 1, len - 1);
			fputs("\n.RE\n.fi\n", f);
		} else {
			fputs(".PP\n", f);
			roff(f, p, len);
			fputc('\n', f);
		}
		p += len;
		if (*p)
			p += 2;
	}
}

static void man_opts(FILE *f, const struct cli_opt *opts)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		fputs(".TP\n", f);
		if (o->alias && o->alias[1] != '-') {
			fputs("\\fB", f);
			roff_s(f, o->alias);
			fputs("\\fR, ", f);
		}
		fputs("\\fB", f);
		roff_s(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			roff_s(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff_s(f, o->help);
		fputc('\n', f);
	}
}

/* The synopsis forms, each wrapped by roff between [...] groups (the
 * blanks inside a group do not break). */
static void man_synopsis(FILE *f, const struct cli_cmd *k)
{
	for (size_t i = 0; k->synopsis[i]; i++) {
		int depth = 0;
		fprintf(f, ".SY \"cpuscope %s\"\n", k->name);
		for (const char *p = k->synopsis[i]; *p; p++) {
			depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			if (*p == ' ' && depth > 0)
				fputs("\\ ", f);
			else
				roff(f, p, 1);
		}
		fputs(k->synopsis[i][0] ? "\n.YS\n" : ".YS\n", f);
	}
}

void cli_gen_man(FILE *f)
{
	fputs(".\\\" cpuscope.1 - generated by `cpuscope --gen-man` from the command table\n"
	      ".\\\" (cli/commands.c); do not edit: `make docs` rewrites it.\n", f);
	fputs(".TH CPUSCOPE 1 \"\" \"cpuscope " VERSION "\" \"User Commands\"\n", f);
	fputs(".SH NAME\ncpuscope \\- explore QEMU and libvirt CPU models\n", f);
	fputs(".SH SYNOPSIS\n.SY cpuscope\n[\\fIGLOBAL\\ OPTIONS\\fR] "
	      "[\\fICOMMAND\\fR\\ [\\fIARGS\\fR]]\n.YS\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		man_synopsis(f, k);
	fputs(".SH DESCRIPTION\n", f);
	man_paragraphs(f, top_description);
	fputs(".SH COMMANDS\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		fprintf(f, ".SS %s\n", k->name);
		man_synopsis(f, k);
		man_paragraphs(f, k->description);
		man_opts(f, k->opts);
		if (k->notes)
			man_paragraphs(f, k->notes);
		fputs(".PP\nExit status: ", f);
		roff_s(f, k->exit_status ? k->exit_status : "0 success, 2 usage or input error.");
		fputc('\n', f);
	}
	fputs(".SH GLOBAL OPTIONS\nThese work with every command, before or after it.\n", f);
	man_opts(f, cli_globals);
	fputs(".SH OTHER OPTIONS\nWithout a command:\n", f);
	man_opts(f, top_opts);
	fputs(".SH OUTPUT AND ERRORS\n", f);
	man_paragraphs(f, errors_text);
	fputs(".SH EXIT STATUS\n", f);
	roff_s(f, exit_text);
	fputs("\nprobe and explain say more (above).\n", f);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B CPUSCOPE_DATADIR\nwhere the bundled data is (default: data/ beside the "
	      "binary, else ../share/cpuscope from it)\n"
	      ".TP\n.B XDG_CACHE_HOME\nthe probe cache goes to $XDG_CACHE_HOME/cpuscope "
	      "(default: ~/.cache/cpuscope)\n"
	      ".TP\n.B NO_COLOR\nwhen set and not empty, the explorer uses its monochrome "
	      "theme\n"
	      ".TP\n.BR LC_ALL \", \" LC_CTYPE \", \" LANG\nthe explorer draws UTF\\-8 glyphs "
	      "in a UTF\\-8 locale, ASCII ones otherwise\n", f);
	fputs(".SH FILES\n"
	      ".TP\n.I /usr/share/libvirt/cpu_map\nlibvirt's CPU map, when installed (else the "
	      "bundled copy)\n"
	      ".TP\n.I ~/.cache/cpuscope\nprobe results, keyed by the QEMU binary\n", f);
	fputs(".SH SEE ALSO\n.BR virsh (1),\n.BR qemu (1)\n", f);
}

/* ---- bash completion ----------------------------------------------------------- */

/* The option names of opts for completion: with the short aliases, not
 * the long ones kept for compatibility (--qemu-warnings), and not those
 * of skip (a command's own --arch is also a global one). */
static void words_of(struct strbuf *sb, const struct cli_opt *opts, const struct cli_opt *skip)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		if (skip && opt_find(skip, o->name, strlen(o->name)))
			continue;
		sb_addf(sb, "%s%s", sb->len ? " " : "", o->name);
		if (o->alias && o->alias[1] != '-')
			sb_addf(sb, " %s", o->alias);
	}
}

/* The shell code that completes a value of kind val (choices in values). */
static const char *complete_with(enum cli_val val, const char *values, char *buf, size_t size)
{
	switch (val) {
	case CLI_VAL_FILE: return "_cpuscope_files";
	case CLI_VAL_DIR: return "_cpuscope_dirs";
	case CLI_VAL_PROGRAM: return "_cpuscope_compgen -c";
	case CLI_VAL_MODEL: return "_cpuscope_compgen -W \"$(_cpuscope_models)\"";
	case CLI_VAL_COMMAND: return "_cpuscope_compgen -W \"$_cpuscope_commands\"";
	case CLI_VAL_WORD:
		if (values) {
			snprintf(buf, size, "_cpuscope_compgen -W \"%s\"", values);
			return buf;
		}
		return "COMPREPLY=()";
	case CLI_VAL_NONE:
	default: return "COMPREPLY=()";
	}
}

static void bash_value_cases(FILE *f, const char *cmd, const struct cli_opt *opts)
{
	char buf[256];

	for (const struct cli_opt *o = opts; o->name; o++) {
		if (!o->arg)
			continue;
		fprintf(f, "\t\"%s %s\"", cmd, o->name);
		if (o->alias)
			fprintf(f, " | \"%s %s\"", cmd, o->alias);
		fprintf(f, ") %s; return ;;\n", complete_with(o->val, o->values, buf, sizeof(buf)));
	}
}

void cli_gen_bash(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[256];

	fputs("# bash completion for cpuscope(1) - generated by `cpuscope --gen-completion=bash`\n"
	      "# from the command table (cli/commands.c); do not edit: `make docs` rewrites it.\n"
	      "# Installed as share/bash-completion/completions/cpuscope.\n\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		sb_addf(&sb, "%s%s", sb.len ? " " : "", k->name);
	fprintf(f, "_cpuscope_commands=\"%s\"\n\n", sb_str(&sb));
	fputs("_cpuscope_compgen()\n{\n"
	      "\tmapfile -t COMPREPLY < <(compgen \"$@\" -- \"$cur\")\n}\n\n"
	      "_cpuscope_files()\n{\n"
	      "\tcompopt -o filenames 2>/dev/null\n\t_cpuscope_compgen -f\n}\n\n"
	      "_cpuscope_dirs()\n{\n"
	      "\tcompopt -o filenames 2>/dev/null\n\t_cpuscope_compgen -d\n}\n\n", f);
	fputs("# The models of the data the line names (--snapshot, --arch, --machine).\n"
	      "_cpuscope_models()\n{\n"
	      "\tlocal i args=()\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t--snapshot | --arch | --machine)\n"
	      "\t\t\tif [[ ${COMP_WORDS[i + 1]} == = ]]; then\n"
	      "\t\t\t\targs+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i + 2]}\")\n"
	      "\t\t\telse\n"
	      "\t\t\t\targs+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i + 1]}\")\n"
	      "\t\t\tfi\n"
	      "\t\t\t;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t\"${COMP_WORDS[0]}\" ${args[@]+\"${args[@]}\"} models --sort name 2>/dev/null |\n"
	      "\t\tawk 'NR > 2 { print $1 }'\n}\n\n", f);
	fputs("_cpuscope()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= lastopt= i w\n"
	      "\tCOMPREPLY=()\n"
	      "\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	      "\t# --opt=VALUE: bash splits at '=' (COMP_WORDBREAKS), or hands it whole\n"
	      "\tif [[ $cur == = ]]; then\n"
	      "\t\tcur=\n"
	      "\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
	      "\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	      "\telif [[ $cur == --*=* ]]; then\n"
	      "\t\tprev=${cur%%=*}\n"
	      "\t\tcur=${cur#*=}\n"
	      "\tfi\n"
	      "\t# the command: the first word that is not an option or a value\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tcase $w in\n", f);
	sb_reset(&sb);
	for (const struct cli_opt *o = cli_globals; o->name; o++)
		if (o->arg)
			sb_addf(&sb, "%s%s", sb.len ? " | " : "", o->name);
	fprintf(f, "\t\t%s)\n", sb_str(&sb));
	fputs("\t\t\tif [[ ${COMP_WORDS[i + 1]} == = ]]; then ((i += 2)); else ((i += 1)); fi\n"
	      "\t\t\t;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) cmd=$w; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t# the last option before the word (for options that take several)\n"
	      "\tfor ((i = COMP_CWORD - 1; i > 0; i--)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t-*) lastopt=${COMP_WORDS[i]}; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\tcase \"$cmd $prev\" in\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		bash_value_cases(f, k->name, k->opts);
		if (k->formats)
			fprintf(f, "\t\"%s --format\") _cpuscope_compgen -W \"%s\"; return ;;\n",
				k->name, k->formats);
	}
	for (const struct cli_opt *o = cli_globals; o->name; o++)
		if (o->arg)
			fprintf(f, "\t*\" %s\") %s; return ;;\n", o->name,
				complete_with(o->val, o->values, buf, sizeof(buf)));
	fputs("\tesac\n"
	      "\tif [[ $cur != -* ]]; then\n"
	      "\t\tcase \"$cmd $lastopt\" in\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		for (const struct cli_opt *o = k->opts; o->name; o++)
			if (o->multi)
				fprintf(f, "\t\t\"%s %s\") %s; return ;;\n", k->name, o->name,
					complete_with(o->val, o->values, buf, sizeof(buf)));
	fputs("\t\tesac\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tcase $cmd in\n", f);
	sb_reset(&sb);
	words_of(&sb, top_opts, NULL);
	words_of(&sb, cli_globals, NULL);
	fprintf(f, "\t\t\"\") _cpuscope_compgen -W \"%s\" ;;\n", sb_str(&sb));
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		sb_reset(&sb);
		words_of(&sb, k->opts, NULL);
		words_of(&sb, cli_globals, k->opts);
		fprintf(f, "\t\t%s) _cpuscope_compgen -W \"%s --help\" ;;\n", k->name, sb_str(&sb));
	}
	fputs("\t\tesac\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $cmd in\n"
	      "\t\"\") _cpuscope_compgen -W \"$_cpuscope_commands\" ;;\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (k->operand != CLI_VAL_NONE)
			fprintf(f, "\t%s) %s ;;\n", k->name,
				complete_with(k->operand, NULL, buf, sizeof(buf)));
	fputs("\tesac\n"
	      "}\n\n"
	      "complete -F _cpuscope cpuscope\n", f);
	sb_fini(&sb);
}
