/* cli.c - the command line (DESIGN §3).
 *
 * Global options are accepted anywhere on the line; the first word that is
 * not an option is the command.  The command table (commands.c) finds it,
 * checks its options, answers --help, and runs it; the command parses the
 * rest.  Every command loads what it needs through cli_load(), calls core
 * functions, and prints to the FILE *s it was given.  Errors: "cpuscope:
 * FILE:LINE: message" on err, exit 2.
 */
#include "cli.h"
#include "cli_internal.h"
#include "commands.h"

#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cpu_map.h"
#include "custom_def.h"
#include "err.h"
#include "feature.h"
#include "host.h"
#include "platform.h"
#include "text.h"
#include "util.h"

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
	session_free(c->s);
	c->s = NULL;
}

/* ---- loading: the session does it (src/logic/session.h) ------------------ */

int cli_load_ft(struct cli *c)
{
	struct err e;

	err_clear(&e);
	return session_load_ft(c->s, &e) ? CLI_OK : cli_fail_err(c, &e);
}

/* The session's warnings, each once, on err. */
static void say_warnings(struct cli *c)
{
	for (; c->warned < c->s->warnings.n; c->warned++)
		cli_warn(c, "%s", (const char *)c->s->warnings.v[c->warned]);
}

int cli_load_data(struct cli *c)
{
	struct err e;
	bool ok;

	err_clear(&e);
	ok = session_load_data(c->s, &e);
	say_warnings(c);
	return ok ? CLI_OK : cli_fail_err(c, &e);
}

int cli_load_map(struct cli *c)
{
	struct err e;

	err_clear(&e);
	return session_load_map(c->s, &e) ? CLI_OK : cli_fail_err(c, &e);
}

struct host *cli_load_one_host(struct cli *c, const char *file, int *rc)
{
	struct err e;
	struct host *h;

	err_clear(&e);
	h = session_host_load(c->s, file, &e);
	*rc = h ? CLI_OK : cli_fail_err(c, &e);
	return h;
}

int cli_resolve_host(struct cli *c, struct host *h)
{
	struct err e;

	err_clear(&e);
	return session_resolve_host(c->s, h, &e) ? CLI_OK : cli_fail_err(c, &e);
}

int cli_load_host(struct cli *c)
{
	struct err e;

	err_clear(&e);
	return session_load_host(c->s, &e) ? CLI_OK : cli_fail_err(c, &e);
}

int cli_load(struct cli *c, bool need_host)
{
	int rc = cli_load_data(c);

	if (rc == CLI_OK && need_host)
		rc = cli_load_host(c);
	return rc;
}

const char *host_label(const struct cli *c)
{
	return session_reference(c->s);
}

/* ---- helpers ------------------------------------------------------------ */

void host_free_item(void *p)
{
	host_free(p);
}

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

void fset_names_text(struct strbuf *sb, const struct ftable *ft, const struct fset *s, size_t max)
{
	struct vec names = VEC_INIT;

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		vec_push(&names, ftable_get(ft, (unsigned)id)->name);
	sb_add_list(sb, (const char *const *)names.v, names.n, max);
	vec_fini(&names, NULL);
}

size_t lv_feature_names(const struct cpu_map *map, const struct fset *s, const char **names)
{
	struct fset left = FSET_INIT;
	size_t n = 0;

	fset_copy(&left, s);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (fset_has(&left, f->id)) {
			names[n++] = feature_libvirt_name(f);
			fset_del(&left, f->id);
		}
	}
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1))
		names[n++] = feature_libvirt_name(ftable_get(map->ft, (unsigned)id));
	fset_fini(&left);
	return n;
}

/* A custom model (--custom) in JSON: {"base", "file", "line", "format"}. */
json_object *custom_json(const struct custom_model *cm)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "base", json_object_new_string(cm->base));
	json_object_object_add(o, "file", json_object_new_string(cm->source));
	json_object_object_add(o, "line", json_object_new_int(cm->line));
	json_object_object_add(o, "format", json_object_new_string(
		cm->format == CUSTOM_PROXMOX ? "proxmox" : "cpudef"));
	return o;
}

/* ---- dispatch --------------------------------------------------------------- */

/* The global options (cli_globals of commands.c), anywhere on the line. */
static int parse_global(struct cli *c, int *i, int argc, char **argv, bool *consumed)
{
	const char *a = argv[*i];
	enum platform plat;

	*consumed = false;
	for (int k = 0; k < GLOBAL__COUNT; k++) {
		const struct cli_opt *o = &cli_globals[k];
		size_t n = strlen(o->name);
		const char *v = NULL;
		if (strncmp(a, o->name, n) || (a[n] != '=' && a[n] != '\0'))
			continue;
		if (!o->arg) {
			if (a[n] == '=')
				return cli_fail(c, "%s takes no value (got '%s')", o->name, a);
		} else if (a[n] == '=') {
			v = a + n + 1;
		} else {
			if (*i + 1 >= argc)
				return cli_fail(c, "%s needs a value", o->name);
			v = argv[++*i];
		}
		*consumed = true;
		switch ((enum cli_global)k) {
		case GLOBAL_SNAPSHOT: c->snapshot = v; break;
		case GLOBAL_PROBE: c->probe = v; break;
		case GLOBAL_HOST: c->host_file = v; break;
		case GLOBAL_LIBVIRT: c->libvirt_uri = v; break;
		case GLOBAL_LOCAL: c->local = true; break;
		case GLOBAL_CPU_MAP: c->cpu_map_dir = v; break;
		case GLOBAL_LIBVIRT_VERSION: c->libvirt_version = v; break;
		case GLOBAL_MACHINE: c->machine = v; break;
		case GLOBAL_ARCH: c->arch_s = v; break;
		case GLOBAL_CUSTOM: c->custom_file = v; break;
		case GLOBAL_ACCEL:
			if (strcmp(v, "kvm") && strcmp(v, "tcg"))
				return cli_fail(c, "--accel: unknown accelerator '%s' (expected kvm or tcg)", v);
			c->accel = v;
			break;
		case GLOBAL_FORMAT:
			c->format_s = v;
			if (!strcmp(v, "text"))
				c->format = FMT_TEXT;
			else if (!strcmp(v, "json"))
				c->format = FMT_JSON;
			else if (!strcmp(v, "xml"))
				c->format = FMT_XML;
			else if (!strcmp(v, "qemu"))
				c->format = FMT_QEMU;
			else if (!strcmp(v, "csv"))
				c->format = FMT_CSV;
			else if (platform_parse(v, &plat)) {
				c->format = FMT_PLATFORM;
				c->platform = plat;
			} else
				return cli_fail(c, "--format: unknown format '%s' (expected text or json; "
						   "build also takes xml, qemu, proxmox, proxmox-model, "
						   "kubevirt, nova or qmp; fleet csv)", v);
			break;
		case GLOBAL__COUNT:
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
	struct cli_args args;
	struct session_opts so;
	struct cli_progress progress;

	memset(&c, 0, sizeof(c));
	memset(&args, 0, sizeof(args));
	memset(&so, 0, sizeof(so));
	c.out = out;
	c.err = err;
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
	if ((c.host_file != NULL) + c.local + (c.libvirt_uri != NULL) > 1) {
		rc = cli_fail(&c, "--host, --libvirt and --local each name the host; give one");
		goto out;
	}
	cli_progress_init(&progress, err, false);
	so.snapshot = c.snapshot;
	so.probe = c.probe;
	so.host_file = c.host_file;
	so.libvirt_uri = c.libvirt_uri;
	so.cpu_map_dir = c.cpu_map_dir;
	so.libvirt_version = c.libvirt_version;
	so.machine = c.machine;
	so.arch = c.arch_s;
	so.accel = c.accel;
	so.custom_file = c.custom_file;
	so.local = c.local;
	so.progress = cli_progress_cb;
	so.progress_ctx = &progress;
	c.s = session_new(&so);
	if (!cmd) {
		if (nrest > 0) {
			rc = cli_top_option(&c, rest[0]);
			goto out;
		}
		cmd = "tui";
		implicit_tui = true;
	}
	explicit_tui = !implicit_tui && !strcmp(cmd, "tui");
	/* rest[] starts at the command word */
	if (nrest > 0 && rest[0] != cmd) {
		rc = cli_unknown_top_option(&c, rest[0], cmd);
		goto out;
	}
	const struct cli_cmd *k = cli_cmd_find(cmd);
	if (!k) {
		rc = cli_unknown_command(&c, cmd);
		goto out;
	}
	rc = cli_cmd_args(&c, k, nrest, rest, &args);
	if (rc != CLI_OK)
		goto out;
	if (args.help) {
		cli_help_cmd(out, k);
		goto out;
	}
	if ((c.format == FMT_XML || c.format == FMT_QEMU || c.format == FMT_PLATFORM ||
	     c.format == FMT_CSV) &&
	    !cli_cmd_takes_format(k, c.format_s)) {
		rc = cli_fail(&c, "--format %s: not one of %s's formats (%s)", c.format_s, cmd,
			      k->formats ? k->formats : "text json");
		goto out;
	}
	if (k->run) {
		rc = k->run(&c, args.argc, args.argv);
	} else if (!strcmp(cmd, "help")) {
		rc = cli_help(&c, args.argc, args.argv);
	} else if (tui && (explicit_tui || isatty(fileno(out)))) {
		rc = tui(c.s, err, args.argc, args.argv);
	} else if (explicit_tui) {
		rc = cli_fail(&c, "tui: this build has no interactive explorer");
	} else {
		/* not on a terminal: the overview, and where to go next */
		char models_word[] = "models";
		char *margv[] = { models_word, NULL };
		rc = cmd_models(&c, 1, margv);
		if (rc == CLI_OK && c.format == FMT_TEXT) /* JSON stays one document */
			cli_hint_commands(out);
	}
out:
	if (c.s)
		cli_progress_end(&progress);
	cli_args_fini(&args);
	free(rest);
	cli_fini(&c);
	return rc;
}
