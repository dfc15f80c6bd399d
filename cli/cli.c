/* cli.c - the command line (DESIGN §3).
 *
 * Global options are accepted anywhere on the line; the first word that is
 * not an option is the command, and the command parses the rest.  Every
 * command loads what it needs through cli_load(), calls core functions,
 * and prints to the FILE *s it was given.  Errors: "cpuscope: FILE:LINE:
 * message" on err, exit 2.
 */
#include "cli.h"
#include "cli_internal.h"

#include <limits.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cpu_map.h"
#include "cpuid.h"
#include "err.h"
#include "feature.h"
#include "host.h"
#include "host_load.h"
#include "logic.h"
#include "model.h"
#include "paths.h"
#include "snapshot.h"
#include "text.h"
#include "util.h"

static const char usage_text[] =
	"usage: cpuscope [GLOBAL OPTIONS] [COMMAND [ARGS]]\n"
	"\n"
	"Explore QEMU CPU models, what a host can run, and the libvirt <cpu> XML\n"
	"and -cpu string that give a guest exactly the CPU you want.\n"
	"\n"
	"Commands:\n"
	"  models [--usable|--unusable]    list models with alias, vendor, version, level,\n"
	"                                  and whether the host can run them\n"
	"  show MODEL                      the features of MODEL on --machine\n"
	"  grid MODEL... [--versions | --machines LIST | --hosts FILE...] [--all]\n"
	"                                  feature grid: models side by side, one model's\n"
	"                                  versions, one model across machine types, or\n"
	"                                  the model against several hosts\n"
	"  probe [--qemu BINARY] ...       capture a snapshot from a real QEMU (probe --help)\n"
	"  tui                             the interactive explorer\n"
	"\n"
	"Global options:\n"
	"  --snapshot FILE    QEMU data captured by `cpuscope probe` (default: the bundled one)\n"
	"  --probe BINARY     probe this QEMU live (results cached under $XDG_CACHE_HOME/cpuscope)\n"
	"  --host FILE        the host: libvirt capabilities XML, domcapabilities XML, a bare\n"
	"                     <cpu> XML, or a QMP query-cpu-model-expansion reply (detected)\n"
	"  --local            the host is this machine (CPUID); the default without --host\n"
	"  --cpu-map DIR      libvirt cpu_map (default: /usr/share/libvirt/cpu_map if present,\n"
	"                     else the bundled copy)\n"
	"  --machine TYPE     machine type; aliases like q35 resolve (default: QEMU's default)\n"
	"  --arch ARCH        x86_64 (default) or s390x\n"
	"  --format FMT       text (default) or json\n"
	"  -h, --help         this help; `cpuscope COMMAND --help` for a command\n"
	"\n"
	"Exit status: 0 success, 1 a negative verdict, 2 usage or input error.\n";

static const char models_help[] =
	"usage: cpuscope models [--usable | --unusable] [GLOBAL OPTIONS]\n"
	"\n"
	"List every CPU model QEMU defines on the machine type: the versioned name an\n"
	"alias stands for, vendor, version, x86-64 level, and whether the host can run\n"
	"it (with the number of blocking features).  The first line is a summary.\n"
	"  --usable      only models the host can run\n"
	"  --unusable    only models the host cannot run\n";

static const char show_help[] =
	"usage: cpuscope show MODEL [GLOBAL OPTIONS]\n"
	"\n"
	"Show MODEL as QEMU expands it on the machine type: identity, x86-64 level,\n"
	"flags, and every feature it enables (QEMU and libvirt spellings, CPUID/MSR\n"
	"location, group), marking the ones the host lacks.  Model names resolve as\n"
	"QEMU resolves them (Haswell, Haswell-noTSX, Haswell-v4).\n";

static const char grid_help[] =
	"usage: cpuscope grid MODEL... [--versions | --machines LIST | --hosts FILE...] [--all]\n"
	"\n"
	"Print a feature grid: one row per feature, one column per model (default),\n"
	"per version of one model (--versions), per machine type (--machines\n"
	"pc-i440fx-2.0,q35), or per host (--hosts caps1.xml caps2.xml, after the\n"
	"model columns).  Only rows where the columns differ are shown unless --all.\n"
	"Cells: + present, - absent, ! present but the host lacks it; a * after a\n"
	"cell marks a change against the column to its left.\n";

static const char tui_help[] =
	"usage: cpuscope [tui] [GLOBAL OPTIONS]\n"
	"\n"
	"The interactive explorer (ncurses).\n";

/* prefix, then the message escaped for a terminal (text.h): it may carry
 * names from the input or the command line. */
static void cli_say(struct cli *c, const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg = xvasprintf(fmt, ap);

	text_escape(&sb, msg, strlen(msg));
	fprintf(c->err, "%s%s\n", prefix, sb_str(&sb));
	sb_fini(&sb);
	free(msg);
}

int cli_fail(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_say(c, "cpuscope: ", fmt, ap);
	va_end(ap);
	return CLI_ERROR;
}

void cli_warn(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_say(c, "cpuscope: warning: ", fmt, ap);
	va_end(ap);
}

int cli_fail_err(struct cli *c, const struct err *e)
{
	char buf[2048];

	return cli_fail(c, "%s", err_str(e, buf, sizeof(buf)));
}

static void cli_fini(struct cli *c)
{
	host_free(c->host);
	cpu_map_free(c->map);
	cpu_map_free(c->map_new);
	dataset_free(c->ds);
	ftable_free(c->ft);
}

/* ---- loading ------------------------------------------------------------ */

int cli_load_ft(struct cli *c)
{
	if (!c->datadir[0])
		paths_datadir(c->datadir, sizeof(c->datadir));
	if (c->arch_s && !arch_parse(c->arch_s, &c->arch))
		return cli_fail(c, "unknown architecture '%s' (expected x86_64 or s390x)", c->arch_s);
	if (!c->ft)
		c->ft = ftable_new(c->arch);
	return CLI_OK;
}

int cli_load_data(struct cli *c)
{
	struct err e;
	char path[PATH_MAX + 64];
	const char *snap = c->snapshot;

	err_clear(&e);
	paths_datadir(c->datadir, sizeof(c->datadir));
	if (c->arch_s && !arch_parse(c->arch_s, &c->arch))
		return cli_fail(c, "unknown architecture '%s' (expected x86_64 or s390x)", c->arch_s);
	if (c->probe) {
		if (c->snapshot)
			return cli_fail(c, "--probe and --snapshot both name the QEMU data; give one");
		c->ds = cli_probe_dataset(c->probe, c->arch_s, c->err, &c->ft, &e);
		if (!c->ds)
			return cli_fail_err(c, &e);
		c->arch = c->ft->arch;
		goto machine;
	}
	if (snap && !c->arch_s) {
		if (!snapshot_arch(snap, &c->arch, &e))
			return cli_fail_err(c, &e);
	}
	if (!snap) {
		snprintf(path, sizeof(path), "%s/qemu-7.2-%s.json", c->datadir, arch_name(c->arch));
		snap = path;
	}
	if (cli_load_ft(c) != CLI_OK)
		return CLI_ERROR;
	c->ds = snapshot_load(snap, c->ft, &e);
	if (!c->ds)
		return cli_fail_err(c, &e);
machine:
	if (c->machine) {
		c->md = dataset_resolve_machine(c->ds, c->machine, &e);
	} else {
		const struct machine *m = dataset_default_machine(c->ds);
		c->md = dataset_resolve_machine(c->ds, m ? m->name : "none", &e);
	}
	if (!c->md)
		return cli_fail_err(c, &e);
	return CLI_OK;
}

int cli_load_map(struct cli *c)
{
	struct err e;
	char dirbuf[PATH_MAX + 16];
	const char *dir = c->cpu_map_dir;

	if (c->map || c->arch != ARCH_X86_64)
		return CLI_OK;
	err_clear(&e);
	if (!dir)
		dir = cpu_map_default_dir(c->datadir, dirbuf, sizeof(dirbuf));
	c->map = cpu_map_load(dir, c->arch, c->ft, &e);
	return c->map ? CLI_OK : cli_fail_err(c, &e);
}

struct host *cli_load_one_host(struct cli *c, const char *file, int *rc)
{
	struct err e;
	struct host *h;

	err_clear(&e);
	h = host_load(file, c->ft, &e);
	if (!h) {
		*rc = cli_fail_err(c, &e);
		return NULL;
	}
	if (h->arch != c->arch) {
		*rc = cli_fail(c, "%s: the host is %s, but the data is for %s (use --arch %s)", file,
			       arch_name(h->arch), arch_name(c->arch), arch_name(h->arch));
		host_free(h);
		return NULL;
	}
	if (!h->resolved && h->model) {
		*rc = cli_resolve_host(c, h);
		if (*rc != CLI_OK) {
			host_free(h);
			return NULL;
		}
	}
	*rc = CLI_OK;
	return h;
}

int cli_resolve_host(struct cli *c, struct host *h)
{
	struct err e;
	int rc;

	err_clear(&e);
	if (h->resolved || !h->model)
		return CLI_OK;
	if (h->arch == ARCH_S390X) {
		/* libvirt keeps no s390 map: the model is QEMU's (gen16a-base). */
		struct model_view mv;
		if (!c->ds && (rc = cli_load_data(c)) != CLI_OK)
			return rc;
		if (!model_lookup(c->ds, c->md, h->model, &mv, &e) || !mv.full)
			return cli_fail(c, "%s: host model '%s' is not in the QEMU data of %s", h->source,
					h->model, c->md->machine);
		host_resolve_features(h, &mv.full->on);
		return CLI_OK;
	}
	rc = cli_load_map(c);
	if (rc != CLI_OK)
		return rc;
	if (cpu_map_model(c->map, h->model))
		return host_resolve(h, c->map, &e) ? CLI_OK : cli_fail_err(c, &e);
	/* Versioned names (libvirt >= 10.10) and newer models: the bundled
	 * 11.3 map knows them. */
	if (!c->map_new) {
		char dir[PATH_MAX + 32];
		snprintf(dir, sizeof(dir), "%s/cpu_map-11.3", c->datadir);
		c->map_new = cpu_map_load(dir, c->arch, c->ft, &e);
		if (!c->map_new)
			return cli_fail_err(c, &e);
	}
	if (!cpu_map_model(c->map_new, h->model))
		return cli_fail(c, "%s: host model '%s' is in neither CPU map (%s, %s)", h->source,
				h->model, c->map->dir, c->map_new->dir);
	return host_resolve(h, c->map_new, &e) ? CLI_OK : cli_fail_err(c, &e);
}

int cli_load_host(struct cli *c)
{
	struct err e;
	int rc = CLI_OK;

	err_clear(&e);
	if (c->host_file) {
		c->host = cli_load_one_host(c, c->host_file, &rc);
		return rc;
	}
	if (c->arch != ARCH_X86_64) {
		if (c->local)
			return cli_fail(c, "--local: reading this machine's CPU works on x86_64 only");
		return CLI_OK; /* no host: QEMU's own verdict on its accelerator */
	}
	c->host = cpuid_local_host(c->ft, &e);
	if (!c->host)
		return cli_fail_err(c, &e);
	return CLI_OK;
}

static int cli_load(struct cli *c, bool need_host)
{
	int rc = cli_load_data(c);

	if (rc == CLI_OK && need_host)
		rc = cli_load_host(c);
	return rc;
}

const char *host_label(const struct cli *c)
{
	if (!c->host)
		return c->ds->accel ? c->ds->accel : "the accelerator";
	return c->host->source ? c->host->source : host_kind_name(c->host->kind);
}

/* ---- helpers ------------------------------------------------------------ */

void print_json(struct cli *c, json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE),
	      c->out);
	fputc('\n', c->out);
}

json_object *json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *fset_names_json(const struct ftable *ft, const struct fset *s)
{
	json_object *a = json_object_new_array();

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		json_object_array_add(a, json_object_new_string(ftable_get(ft, (unsigned)id)->name));
	return a;
}

static void fset_names_text(struct strbuf *sb, const struct ftable *ft, const struct fset *s,
			    size_t max)
{
	size_t n = 0;

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
		if (n == max) {
			sb_addf(sb, ", ... (%zu more)", fset_count(s) - max);
			break;
		}
		sb_add(sb, n ? ", " : "");
		sb_add(sb, ftable_get(ft, (unsigned)id)->name);
		n++;
	}
}

static const char *usable_word(enum usable u)
{
	return u == USABLE_YES ? "yes" : u == USABLE_NO ? "no" : "?";
}

/* Split "a,b,c" into a vec of strdup'ed words. */
void split_list(const char *s, struct vec *out)
{
	while (*s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		if (n)
			vec_push(out, xstrndup(s, n));
		s += n + (c ? 1 : 0);
	}
}

bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* ---- models --------------------------------------------------------------- */

static int cmd_models(struct cli *c, int argc, char **argv)
{
	int filter = -1; /* -1 all, 1 usable, 0 unusable */
	struct fset blockers = FSET_INIT;
	struct strbuf sb = STRBUF_INIT;
	json_object *root = NULL, *arr = NULL;
	size_t nusable = 0, nunusable = 0, nshown = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(models_help, c->out);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--usable") || !strcmp(argv[i], "--unusable")) {
			int want = argv[i][2] == 'u' && argv[i][3] == 's' ? 1 : 0;
			if (filter >= 0 && filter != want)
				return cli_fail(c, "models: --usable and --unusable exclude each other");
			filter = want;
		} else {
			return cli_fail(c, "models: unexpected argument '%s' (see cpuscope models --help)",
					argv[i]);
		}
	}
	rc = cli_load(c, true);
	if (rc != CLI_OK)
		return rc;

	const struct mdata *md = c->md;
	if (c->format == FMT_JSON) {
		root = json_object_new_object();
		arr = json_object_new_array();
	}
	for (size_t pass = 0; pass < 2; pass++) {
		if (pass == 1 && c->format == FMT_TEXT) {
			fprintf(c->out, "%zu models on %s (QEMU %s, %s); %zu usable, %zu not usable on %s\n",
				md->defs.n, md->machine, c->ds->qemu_version ? c->ds->qemu_version : "?",
				c->ds->accel ? c->ds->accel : "?", nusable, nunusable, host_label(c));
			fprintf(c->out, "%-28s %-28s %-8s %3s %5s %6s  %s\n", "MODEL", "ALIAS-OF", "VENDOR",
				"VER", "LEVEL", "USABLE", "BLOCKERS");
		}
		for (size_t i = 0; i < md->defs.n; i++) {
			const struct cpu_def *d = vec_get(&md->defs, i);
			struct model_view mv;
			model_view_init(c->ds, md, d, &mv);
			enum usable u = model_usable(&mv, c->host, &blockers);
			if (pass == 0) {
				nusable += u == USABLE_YES;
				nunusable += u == USABLE_NO;
				continue;
			}
			if (filter == 1 && u != USABLE_YES)
				continue;
			if (filter == 0 && u != USABLE_NO)
				continue;
			nshown++;
			int level = mv.full ? x86_level(c->ft, &mv.full->on) : 0;
			if (c->format == FMT_JSON) {
				json_object *o = json_object_new_object();
				json_object_object_add(o, "name", json_object_new_string(mv.name));
				json_object_object_add(o, "alias-of",
						       json_str_or_null(mv.is_alias ? mv.resolved : NULL));
				json_object_object_add(o, "vendor", json_str_or_null(mv.vendor[0] ? vendor_short_name(mv.vendor) : NULL));
				json_object_object_add(o, "version", json_object_new_int(mv.version));
				json_object_object_add(o, "x86-64-level",
						       c->arch == ARCH_X86_64 && mv.full ? json_object_new_int(level) : NULL);
				json_object_object_add(o, "static", json_object_new_boolean(d->is_static));
				json_object_object_add(o, "migration-safe", json_object_new_boolean(d->migration_safe));
				json_object_object_add(o, "deprecated", json_object_new_boolean(d->deprecated));
				json_object_object_add(o, "usable",
						       u == USABLE_UNKNOWN ? NULL : json_object_new_boolean(u == USABLE_YES));
				json_object_object_add(o, "blockers", fset_names_json(c->ft, &blockers));
				json_object_array_add(arr, o);
				continue;
			}
			sb_reset(&sb);
			fset_names_text(&sb, c->ft, &blockers, 4);
			char lvl[8] = "-";
			if (c->arch == ARCH_X86_64 && mv.full)
				snprintf(lvl, sizeof(lvl), level ? "v%d" : "-", level);
			char blk[24] = "";
			if (u == USABLE_NO)
				snprintf(blk, sizeof(blk), "%zu: ", fset_count(&blockers));
			bool tail = blk[0] || sb.len || d->deprecated;
			fprintf(c->out, "%-28s %-28s %-8s %3d %5s %6s%s%s%s%s\n", mv.name,
				mv.is_alias ? mv.resolved : "-", mv.vendor[0] ? vendor_short_name(mv.vendor) : "-", mv.version,
				lvl, usable_word(u), tail ? "  " : "", blk, sb_str(&sb),
				d->deprecated ? " (deprecated)" : "");
		}
	}
	if (c->format == FMT_JSON) {
		json_object_object_add(root, "machine", json_object_new_string(md->machine));
		json_object_object_add(root, "qemu", json_str_or_null(c->ds->qemu_version));
		json_object_object_add(root, "accel", json_str_or_null(c->ds->accel));
		json_object_object_add(root, "host", json_object_new_string(host_label(c)));
		json_object_object_add(root, "usable", json_object_new_int((int)nusable));
		json_object_object_add(root, "unusable", json_object_new_int((int)nunusable));
		json_object_object_add(root, "models", arr);
		print_json(c, root);
		json_object_put(root);
	}
	(void)nshown;
	sb_fini(&sb);
	fset_fini(&blockers);
	return CLI_OK;
}

/* ---- show ----------------------------------------------------------------- */

static int cmd_show(struct cli *c, int argc, char **argv)
{
	const char *name = NULL;
	struct model_view mv;
	struct fset blockers = FSET_INIT;
	struct err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(show_help, c->out);
			return CLI_OK;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_fail(c, "show: unknown option '%s' (see cpuscope show --help)", argv[i]);
		} else if (name) {
			return cli_fail(c, "show: one model at a time (got '%s' and '%s'); "
					   "`cpuscope grid` compares several", name, argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cli_fail(c, "show: which model? (usage: cpuscope show MODEL)");
	rc = cli_load(c, true);
	if (rc != CLI_OK)
		return rc;
	err_clear(&e);
	if (!model_lookup(c->ds, c->md, name, &mv, &e))
		return cli_fail_err(c, &e);
	if (!mv.full) {
		rc = cli_fail(c, "show: %s: no expansion of this model was captured on %s", mv.name,
			      c->md->machine);
		goto out;
	}
	enum usable u = model_usable(&mv, c->host, &blockers);
	int level = x86_level(c->ft, &mv.full->on);
	const struct fset *on = &mv.full->on;

	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object(), *fa = json_object_new_array();
		json_object_object_add(o, "model", json_object_new_string(mv.name));
		json_object_object_add(o, "resolved", json_object_new_string(mv.resolved));
		json_object_object_add(o, "machine", json_object_new_string(c->md->machine));
		json_object_object_add(o, "vendor", json_str_or_null(mv.vendor[0] ? mv.vendor : NULL));
		json_object_object_add(o, "family", mv.family >= 0 ? json_object_new_int64(mv.family) : NULL);
		json_object_object_add(o, "model-number", mv.model >= 0 ? json_object_new_int64(mv.model) : NULL);
		json_object_object_add(o, "stepping", mv.stepping >= 0 ? json_object_new_int64(mv.stepping) : NULL);
		json_object_object_add(o, "model-id", json_str_or_null(mv.model_id[0] ? mv.model_id : NULL));
		json_object_object_add(o, "version", json_object_new_int(mv.version));
		json_object_object_add(o, "x86-64-level", c->arch == ARCH_X86_64 ? json_object_new_int(level) : NULL);
		json_object_object_add(o, "static", json_object_new_boolean(mv.def->is_static));
		json_object_object_add(o, "migration-safe", json_object_new_boolean(mv.def->migration_safe));
		json_object_object_add(o, "deprecated", json_object_new_boolean(mv.def->deprecated));
		json_object_object_add(o, "host", json_object_new_string(host_label(c)));
		json_object_object_add(o, "usable", u == USABLE_UNKNOWN ? NULL : json_object_new_boolean(u == USABLE_YES));
		json_object_object_add(o, "blockers", fset_names_json(c->ft, &blockers));
		for (int id = fset_next(on, 0); id >= 0; id = fset_next(on, (unsigned)id + 1)) {
			const struct feature *f = ftable_get(c->ft, (unsigned)id);
			json_object *fo = json_object_new_object();
			char loc[64];
			json_object_object_add(fo, "name", json_object_new_string(f->name));
			json_object_object_add(fo, "libvirt", json_str_or_null(f->libvirt));
			json_object_object_add(fo, "group", json_object_new_string(f->group));
			feature_location(f, loc, sizeof(loc));
			json_object_object_add(fo, "location", json_str_or_null(loc[0] ? loc : NULL));
			json_object_object_add(fo, "host-lacks", json_object_new_boolean(fset_has(&blockers, f->id)));
			json_object_array_add(fa, fo);
		}
		json_object_object_add(o, "features", fa);
		print_json(c, o);
		json_object_put(o);
		goto out;
	}

	if (u == USABLE_YES)
		fprintf(c->out, "%s on %s: usable on %s\n", mv.name, c->md->machine, host_label(c));
	else if (u == USABLE_NO)
		fprintf(c->out, "%s on %s: NOT usable on %s (%zu blocking feature%s)\n", mv.name,
			c->md->machine, host_label(c), fset_count(&blockers),
			fset_count(&blockers) == 1 ? "" : "s");
	else
		fprintf(c->out, "%s on %s: usability on %s unknown\n", mv.name, c->md->machine,
			host_label(c));
	if (mv.is_alias)
		fprintf(c->out, "  alias of:   %s\n", mv.resolved);
	fprintf(c->out, "  version:    %d%s\n", mv.version, mv.version ? "" : " (unversioned)");
	if (mv.vendor[0] || mv.family >= 0)
		fprintf(c->out, "  identity:   %s family %lld model %lld stepping %lld\n",
			mv.vendor[0] ? mv.vendor : "?", mv.family, mv.model, mv.stepping);
	if (mv.model_id[0])
		fprintf(c->out, "  model-id:   %s\n", mv.model_id);
	if (c->arch == ARCH_X86_64)
		fprintf(c->out, "  x86-64:     %s\n", level ? (level == 1 ? "v1" : level == 2 ? "v2" :
								level == 3 ? "v3" : "v4") : "below v1");
	fprintf(c->out, "  flags:      static %s, migration-safe %s, deprecated %s\n",
		mv.def->is_static ? "yes" : "no", mv.def->migration_safe ? "yes" : "no",
		mv.def->deprecated ? "yes" : "no");
	fprintf(c->out, "  features:   %zu enabled", fset_count(on));
	if (u == USABLE_NO)
		fprintf(c->out, ", %zu the host lacks (marked !)", fset_count(&blockers));
	fputc('\n', c->out);
	fprintf(c->out, "\n  %-16s %-24s %-24s %s\n", "GROUP", "FEATURE", "LIBVIRT NAME", "LOCATION");
	struct grid *g = grid_new(GRID_MODELS, c->ft, mv.name);
	struct grid_col *col = grid_add_col(g, mv.name, NULL);
	fset_copy(&col->on, on);
	col->has_data = true;
	grid_finish(g, false);
	for (size_t r = 0; r < g->nrows; r++) {
		const struct feature *f = ftable_get(c->ft, g->rows[r]);
		char loc[64];
		fprintf(c->out, "%c %-16s %-24s %-24s %s\n", fset_has(&blockers, f->id) ? '!' : ' ',
			f->group, f->name, f->libvirt ? f->libvirt : "(not in libvirt)",
			feature_location(f, loc, sizeof(loc)));
	}
	grid_free(g);
	if (u == USABLE_NO) {
		struct strbuf sb = STRBUF_INIT;
		fset_names_text(&sb, c->ft, &blockers, 64);
		fprintf(c->out, "\nblocking: %s\n", sb_str(&sb));
		sb_fini(&sb);
	}
out:
	fset_fini(&blockers);
	return rc;
}

/* ---- grid ----------------------------------------------------------------- */

enum grid_mode { GM_MODELS, GM_VERSIONS, GM_MACHINES, GM_HOSTS };

/* One table line: cells padded to their widths, no trailing blanks. */
static void grid_line(struct cli *c, struct strbuf *sb, size_t namew, const char *name,
		      const size_t *w, size_t ncols, const char *const *cells)
{
	sb_reset(sb);
	sb_addf(sb, "%-*s", (int)namew, name);
	for (size_t i = 0; i < ncols; i++)
		sb_addf(sb, "  %-*s", (int)w[i], cells[i] ? cells[i] : "");
	while (sb->len && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
	fprintf(c->out, "%s\n", sb_str(sb));
}

static void print_grid_text(struct cli *c, const struct grid *g, const struct vec *props)
{
	size_t namew = 7;
	size_t *w = xcalloc(g->ncols + 1, sizeof(*w));
	const char **cells = xcalloc(g->ncols + 1, sizeof(*cells));
	char (*txt)[3] = xcalloc(g->ncols + 1, sizeof(*txt));
	struct strbuf sb = STRBUF_INIT;
	bool has_sub = false;

	for (size_t r = 0; r < g->nrows; r++) {
		size_t l = strlen(ftable_get(g->ft, g->rows[r])->name);
		if (l > namew)
			namew = l;
	}
	for (size_t i = 0; i < props->n; i++) {
		const struct grid_prop_row *pr = props->v[i];
		if (strlen(pr->name) > namew)
			namew = strlen(pr->name);
		for (size_t k = 0; k < g->ncols; k++)
			if (pr->vals[k] && strlen(pr->vals[k]) > w[k])
				w[k] = strlen(pr->vals[k]);
	}
	for (size_t i = 0; i < g->ncols; i++) {
		if (strlen(g->cols[i].title) > w[i])
			w[i] = strlen(g->cols[i].title);
		if (g->cols[i].sub) {
			has_sub = true;
			if (strlen(g->cols[i].sub) > w[i])
				w[i] = strlen(g->cols[i].sub);
		}
		if (w[i] < 3)
			w[i] = 3;
	}
	for (size_t i = 0; i < g->ncols; i++)
		cells[i] = g->cols[i].title;
	grid_line(c, &sb, namew, "FEATURE", w, g->ncols, cells);
	if (has_sub) {
		for (size_t i = 0; i < g->ncols; i++)
			cells[i] = g->cols[i].sub;
		grid_line(c, &sb, namew, "", w, g->ncols, cells);
	}
	const char *group = NULL;
	for (size_t r = 0; r < g->nrows; r++) {
		const struct feature *f = ftable_get(g->ft, g->rows[r]);
		if (!group || strcmp(group, f->group)) {
			group = f->group;
			fprintf(c->out, "[%s]\n", group);
		}
		for (size_t i = 0; i < g->ncols; i++) {
			enum cell cell = grid_cell(g, r, i);
			txt[i][0] = cell == CELL_PRESENT ? '+' : cell == CELL_ABSENT ? '-' :
				    cell == CELL_HOST_LACKS ? '!' : ' ';
			txt[i][1] = grid_cell_changed(g, r, i) ? '*' : ' ';
			txt[i][2] = '\0';
			cells[i] = txt[i];
		}
		grid_line(c, &sb, namew, f->name, w, g->ncols, cells);
	}
	if (props->n) {
		fputs("[properties that differ]\n", c->out);
		for (size_t i = 0; i < props->n; i++) {
			const struct grid_prop_row *pr = props->v[i];
			for (size_t k = 0; k < g->ncols; k++)
				cells[k] = pr->vals[k];
			grid_line(c, &sb, namew, pr->name, w, g->ncols, cells);
		}
	}
	fputs("legend: + present  - absent  ! present, host lacks it  * changed from the column to the left\n",
	      c->out);
	sb_fini(&sb);
	free(txt);
	free(cells);
	free(w);
}

static void print_grid_json(struct cli *c, const struct grid *g, const struct vec *props)
{
	json_object *o = json_object_new_object(), *cols = json_object_new_array(),
		    *rows = json_object_new_array();
	static const char *const cell_names[] = { "absent", "present", "host-lacks", "n/a" };

	json_object_object_add(o, "title", json_object_new_string(g->title));
	for (size_t i = 0; i < g->ncols; i++) {
		json_object *co = json_object_new_object();
		json_object_object_add(co, "title", json_object_new_string(g->cols[i].title));
		json_object_object_add(co, "sub", json_str_or_null(g->cols[i].sub));
		json_object_array_add(cols, co);
	}
	for (size_t r = 0; r < g->nrows; r++) {
		const struct feature *f = ftable_get(g->ft, g->rows[r]);
		json_object *ro = json_object_new_object(), *cells = json_object_new_array();
		json_object_object_add(ro, "feature", json_object_new_string(f->name));
		json_object_object_add(ro, "libvirt", json_str_or_null(f->libvirt));
		json_object_object_add(ro, "group", json_object_new_string(f->group));
		json_object_object_add(ro, "differs", json_object_new_boolean(g->row_differs[r]));
		for (size_t i = 0; i < g->ncols; i++)
			json_object_array_add(cells, json_object_new_string(cell_names[grid_cell(g, r, i)]));
		json_object_object_add(ro, "cells", cells);
		json_object_array_add(rows, ro);
	}
	json_object_object_add(o, "columns", cols);
	json_object_object_add(o, "differing-rows", json_object_new_int((int)g->ndiffer));
	json_object_object_add(o, "rows", rows);
	json_object *pa = json_object_new_array();
	for (size_t i = 0; i < props->n; i++) {
		const struct grid_prop_row *pr = props->v[i];
		json_object *po = json_object_new_object(), *va = json_object_new_array();
		json_object_object_add(po, "property", json_object_new_string(pr->name));
		for (size_t k = 0; k < g->ncols; k++)
			json_object_array_add(va, json_str_or_null(pr->vals[k]));
		json_object_object_add(po, "values", va);
		json_object_array_add(pa, po);
	}
	json_object_object_add(o, "differing-properties", pa);
	print_json(c, o);
	json_object_put(o);
}

static int cmd_grid(struct cli *c, int argc, char **argv)
{
	enum grid_mode mode = GM_MODELS;
	struct vec models = VEC_INIT, machines = VEC_INIT, hostfiles = VEC_INIT, hosts = VEC_INIT,
		   labels = VEC_INIT, props = VEC_INIT;
	struct err e;
	bool all = false;
	struct grid *g = NULL;
	char title[512];
	int rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a)) {
			fputs(grid_help, c->out);
			goto out;
		} else if (!strcmp(a, "--versions")) {
			mode = GM_VERSIONS;
		} else if (!strcmp(a, "--machines") || str_startswith(a, "--machines=")) {
			const char *v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v || !*v) {
				rc = cli_fail(c, "grid: --machines needs a list (e.g. pc-i440fx-2.0,q35)");
				goto out;
			}
			mode = GM_MACHINES;
			split_list(v, &machines);
		} else if (!strcmp(a, "--hosts")) {
			mode = GM_HOSTS;
			while (i + 1 < argc && argv[i + 1][0] != '-')
				vec_push(&hostfiles, xstrdup(argv[++i]));
			if (!hostfiles.n) {
				rc = cli_fail(c, "grid: --hosts needs one or more host files");
				goto out;
			}
		} else if (!strcmp(a, "--all")) {
			all = true;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_fail(c, "grid: unknown option '%s' (see cpuscope grid --help)", a);
			goto out;
		} else {
			vec_push(&models, xstrdup(a));
		}
	}
	if (!models.n) {
		rc = cli_fail(c, "grid: which models? (usage: cpuscope grid MODEL... [--versions|--machines LIST|--hosts FILE...])");
		goto out;
	}
	if ((mode == GM_VERSIONS || mode == GM_MACHINES) && models.n != 1) {
		rc = cli_fail(c, "grid: --%s takes exactly one model (got %zu)",
			      mode == GM_VERSIONS ? "versions" : "machines", models.n);
		goto out;
	}
	rc = cli_load(c, true);
	if (rc != CLI_OK)
		goto out;

	err_clear(&e);
	if (mode == GM_VERSIONS) {
		g = grid_build_versions(c->ds, c->md, models.v[0], c->host, &e);
	} else if (mode == GM_MACHINES) {
		g = grid_build_machines(c->ds, (const char *const *)machines.v, machines.n, models.v[0],
					c->host, &e);
	} else {
		g = grid_build_models(c->ds, c->md, (const char *const *)models.v, models.n, c->host, &e);
		if (g && mode == GM_HOSTS) {
			for (size_t i = 0; i < hostfiles.n && rc == CLI_OK; i++) {
				struct host *h = cli_load_one_host(c, hostfiles.v[i], &rc);
				if (!h)
					break;
				vec_push(&hosts, h);
				char *hf = hostfiles.v[i], *slash = strrchr(hf, '/');
				vec_push(&labels, slash ? slash + 1 : hf);
			}
			if (rc == CLI_OK) {
				grid_add_hosts(g, (const struct host *const *)hosts.v,
					       (const char *const *)labels.v, hosts.n);
				snprintf(title, sizeof(title), "model against hosts on %s", c->md->machine);
				free(g->title);
				g->title = xstrdup(title);
			}
		}
	}
	if (!g && rc == CLI_OK)
		rc = cli_fail_err(c, &e);
	if (rc != CLI_OK)
		goto out;
	grid_finish(g, !all);
	grid_prop_diffs(g, &props);
	if (c->format == FMT_JSON) {
		print_grid_json(c, g, &props);
	} else {
		fprintf(c->out, "%s: %zu column%s, %zu feature%s differ%s", g->title, g->ncols,
			g->ncols == 1 ? "" : "s", g->ndiffer, g->ndiffer == 1 ? "" : "s",
			g->ndiffer == 1 ? "s" : "");
		if (props.n)
			fprintf(c->out, ", %zu other propert%s", props.n, props.n == 1 ? "y" : "ies");
		fputc('\n', c->out);
		print_grid_text(c, g, &props);
	}
out:
	vec_fini(&props, grid_prop_row_free);
	grid_free(g);
	vec_fini(&models, free);
	vec_fini(&machines, free);
	vec_fini(&hostfiles, free);
	vec_fini(&hosts, (void (*)(void *))host_free);
	vec_fini(&labels, NULL);
	return rc;
}

/* ---- dispatch --------------------------------------------------------------- */

static int parse_global(struct cli *c, int *i, int argc, char **argv, bool *consumed)
{
	static const struct {
		const char *name;
		int which;
	} opts[] = {
		{ "--snapshot", 0 }, { "--probe", 1 }, { "--host", 2 }, { "--cpu-map", 3 },
		{ "--machine", 4 }, { "--arch", 5 }, { "--format", 6 },
	};
	const char *a = argv[*i];

	*consumed = false;
	if (!strcmp(a, "--local")) {
		c->local = true;
		*consumed = true;
		return CLI_OK;
	}
	for (size_t k = 0; k < ARRAY_LEN(opts); k++) {
		size_t n = strlen(opts[k].name);
		const char *v = NULL;
		if (strncmp(a, opts[k].name, n))
			continue;
		if (a[n] == '=') {
			v = a + n + 1;
		} else if (a[n] == '\0') {
			if (*i + 1 >= argc)
				return cli_fail(c, "%s needs a value", opts[k].name);
			v = argv[++*i];
		} else {
			continue;
		}
		*consumed = true;
		switch (opts[k].which) {
		case 0: c->snapshot = v; break;
		case 1: c->probe = v; break;
		case 2: c->host_file = v; break;
		case 3: c->cpu_map_dir = v; break;
		case 4: c->machine = v; break;
		case 5: c->arch_s = v; break;
		case 6:
			c->format_s = v;
			if (!strcmp(v, "text"))
				c->format = FMT_TEXT;
			else if (!strcmp(v, "json"))
				c->format = FMT_JSON;
			else if (!strcmp(v, "xml"))
				c->format = FMT_XML;
			else if (!strcmp(v, "qemu"))
				c->format = FMT_QEMU;
			else
				return cli_fail(c, "--format: unknown format '%s' (expected text or json; "
						   "build also takes xml or qemu)", v);
			break;
		default: break;
		}
		return CLI_OK;
	}
	return CLI_OK;
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	return cli_run(argc, argv, out, err, NULL);
}

int cli_run(int argc, char **argv, FILE *out, FILE *err, cli_tui_fn tui)
{
	struct cli c;
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, rc = CLI_OK;
	const char *cmd = NULL;
	bool implicit_tui = false, explicit_tui = false;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.err = err;
	c.arch = ARCH_X86_64;
	for (int i = 1; i < argc; i++) {
		bool consumed;
		if (!strcmp(argv[i], "--")) {
			for (i++; i < argc; i++)
				rest[nrest++] = argv[i];
			break;
		}
		rc = parse_global(&c, &i, argc, argv, &consumed);
		if (rc != CLI_OK)
			goto out;
		if (consumed)
			continue;
		if (!cmd && argv[i][0] != '-')
			cmd = argv[i];
		rest[nrest++] = argv[i];
	}
	if (c.host_file && c.local) {
		rc = cli_fail(&c, "--host and --local both name the host; give one");
		goto out;
	}
	if (!cmd) {
		for (int i = 0; i < nrest; i++) {
			if (is_help(rest[i])) {
				fputs(usage_text, out);
				goto out;
			}
			if (!strcmp(rest[i], "--version")) {
				fputs("cpuscope 0.1\n", out);
				goto out;
			}
			rc = cli_fail(&c, "unknown option '%s' (see cpuscope --help)", rest[i]);
			goto out;
		}
		cmd = "tui";
		implicit_tui = true;
	}
	explicit_tui = !implicit_tui && !strcmp(cmd, "tui");
	/* rest[] starts at the command word */
	int skip = 0;
	while (skip < nrest && rest[skip] != cmd)
		skip++;
	if (skip != 0) {
		rc = cli_fail(&c, "unknown option '%s' before the command (see cpuscope --help)", rest[0]);
		goto out;
	}
	if ((c.format == FMT_XML || c.format == FMT_QEMU) && strcmp(cmd, "build") != 0) {
		rc = cli_fail(&c, "--format %s is for build only; %s prints text or json", c.format_s, cmd);
		goto out;
	}
	if (!strcmp(cmd, "models")) {
		rc = cmd_models(&c, nrest, rest);
	} else if (!strcmp(cmd, "show")) {
		rc = cmd_show(&c, nrest, rest);
	} else if (!strcmp(cmd, "grid")) {
		rc = cmd_grid(&c, nrest, rest);
	} else if (!strcmp(cmd, "probe")) {
		/* probe parses its own options (and the global ones it shares) */
		rc = cli_probe(nrest, rest, out, err);
	} else if (!strcmp(cmd, "tui")) {
		if (nrest > 1 && is_help(rest[1]))
			fputs(tui_help, out);
		else if (tui && (explicit_tui || isatty(fileno(out))))
			rc = tui(&c, nrest, rest);
		else if (explicit_tui)
			rc = cli_fail(&c, "tui: this build has no interactive explorer");
		else {
			/* not on a terminal: the overview, and where to go next */
			char models_word[] = "models";
			char *margv[] = { models_word, NULL };
			rc = cmd_models(&c, 1, margv);
			if (rc == CLI_OK)
				fputs("\n(see `cpuscope --help` for show, grid, explain, compare, build, "
				      "baseline and probe)\n", out);
		}
	} else if (!strcmp(cmd, "compare")) {
		rc = cmd_compare(&c, nrest, rest);
	} else if (!strcmp(cmd, "build")) {
		rc = cmd_build(&c, nrest, rest);
	} else if (!strcmp(cmd, "baseline")) {
		rc = cmd_baseline(&c, nrest, rest);
	} else if (!strcmp(cmd, "explain")) {
		rc = cmd_explain(&c, nrest, rest);
	} else if (!strcmp(cmd, "help")) {
		fputs(usage_text, out);
	} else {
		rc = cli_fail(&c, "unknown command '%s' (see cpuscope --help)", cmd);
	}
out:
	free(rest);
	cli_fini(&c);
	return rc;
}
