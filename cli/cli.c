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

#include <limits.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cpu_map.h"
#include "cpuid.h"
#include "custom_def.h"
#include "err.h"
#include "feature.h"
#include "host.h"
#include "host_load.h"
#include "logic.h"
#include "model.h"
#include "paths.h"
#include "platform.h"
#include "s390x.h"
#include "s390x_names.h"
#include "snapshot.h"
#include "upgrade.h"
#include "userdata.h"
#include "text.h"
#include "util.h"
#include "vendor.h"

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

static int cli_load(struct cli *c, bool need_host)
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

static const char *usable_word(enum usable u)
{
	return u == USABLE_YES ? "yes" : u == USABLE_NO ? "no" : "?";
}

/* ---- models --------------------------------------------------------------- */

/* A custom model (--custom) in JSON: {"base", "file", "line", "format"}. */
static json_object *custom_json(const struct custom_model *cm)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "base", json_object_new_string(cm->base));
	json_object_object_add(o, "file", json_object_new_string(cm->source));
	json_object_object_add(o, "line", json_object_new_int(cm->line));
	json_object_object_add(o, "format", json_object_new_string(
		cm->format == CUSTOM_PROXMOX ? "proxmox" : "cpudef"));
	return o;
}

static int def_name_cmp(const void *pa, const void *pb)
{
	const struct cpu_def *const *a = pa, *const *b = pb;

	return model_name_cmp((*a)->name, (*b)->name);
}

int cmd_models(struct cli *c, int argc, char **argv)
{
	int filter = -1; /* -1 all, 1 usable, 0 unusable */
	bool by_name = true; /* --sort name (the explorer's order) or qmp */
	struct fset blockers = FSET_INIT;
	struct strbuf sb = STRBUF_INIT, cols = STRBUF_INIT;
	struct vec defs = VEC_INIT;
	json_object *root = NULL, *arr = NULL;
	size_t nusable = 0, nunusable = 0, nshown = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--usable") || !strcmp(argv[i], "--unusable")) {
			int want = argv[i][2] == 'u' && argv[i][3] == 's' ? 1 : 0;
			if (filter >= 0 && filter != want)
				return cli_fail(c, "models: --usable and --unusable exclude each other");
			filter = want;
		} else if (!strcmp(argv[i], "--sort")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;
			if (!v)
				return cli_fail(c, "models: --sort needs an order (name or qmp)");
			if (strcmp(v, "name") && strcmp(v, "qmp"))
				return cli_fail(c, "models: --sort: unknown order '%s' (expected name or qmp)", v);
			by_name = !strcmp(v, "name");
		} else {
			return cli_fail(c, "models: unexpected argument '%s' (see cpuscope models --help)",
					argv[i]);
		}
	}
	rc = cli_load(c, true);
	if (rc != CLI_OK)
		return rc;

	const struct mdata *md = c->s->md;
	for (size_t i = 0; i < md->defs.n; i++)
		vec_push(&defs, vec_get(&md->defs, i));
	if (by_name)
		vec_sort(&defs, def_name_cmp);
	if (c->format == FMT_JSON) {
		root = json_object_new_object();
		arr = json_object_new_array();
	}
	for (size_t pass = 0; pass < 2; pass++) {
		if (pass == 1 && c->format == FMT_TEXT) {
			fprintf(c->out, "%zu models on %s (QEMU %s, %s); %zu usable, %zu not usable on %s\n",
				md->defs.n, md->machine, c->s->ds->qemu_version ? c->s->ds->qemu_version : "?",
				c->s->ds->accel ? c->s->ds->accel : "?", nusable, nunusable, host_label(c));
			fprintf(c->out, "%-28s %-28s %-8s %3s %5s %6s  %s\n", "MODEL", "ALIAS-OF", "VENDOR",
				"VER", "PSABI", "USABLE", "BLOCKERS");
		}
		for (size_t i = 0; i < defs.n; i++) {
			const struct cpu_def *d = defs.v[i];
			struct model_view mv;
			model_view_init(c->s->ds, md, d, &mv);
			enum usable u = model_usable(&mv, c->s->host, &blockers);
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
			int level = mv.full ? psabi_level(c->s->ft, &mv.full->on) : 0;
			if (c->format == FMT_JSON) {
				json_object *o = json_object_new_object();
				json_object_object_add(o, "name", json_object_new_string(mv.name));
				json_object_object_add(o, "alias-of",
						       json_str_or_null(mv.is_alias ? mv.resolved : NULL));
				json_object_object_add(o, "vendor", json_str_or_null(mv.vendor[0] ? vendor_name(mv.vendor) : NULL));
				json_object_object_add(o, "version", json_object_new_int(mv.version));
				json_object_object_add(o, "x86-64-level",
						       c->s->arch == ARCH_X86_64 && mv.full ? json_object_new_int(level) : NULL);
				json_object_object_add(o, "static", json_object_new_boolean(d->is_static));
				json_object_object_add(o, "migration-safe", json_object_new_boolean(d->migration_safe));
				json_object_object_add(o, "deprecated", json_object_new_boolean(d->deprecated));
				json_object_object_add(o, "usable",
						       u == USABLE_UNKNOWN ? NULL : json_object_new_boolean(u == USABLE_YES));
				json_object_object_add(o, "blockers", fset_names_json(c->s->ft, &blockers));
				if (d->custom)
					json_object_object_add(o, "custom", custom_json(d->custom));
				json_object_array_add(arr, o);
				continue;
			}
			sb_reset(&sb);
			if (u == USABLE_NO)
				blockers_text(&sb, c->s->ft, &blockers, 4);
			char lvl[8] = "-";
			if (c->s->arch == ARCH_X86_64 && mv.full)
				snprintf(lvl, sizeof(lvl), "%s", level ? psabi_level_word(level) : "-");
			char blk[4] = ""; /* the count is in blockers_text */
			bool tail = blk[0] || sb.len || d->deprecated || d->custom;
			/* names padded by display width (multibyte names align) */
			sb_reset(&cols);
			sb_add_padded(&cols, mv.name, 28);
			sb_addc(&cols, ' ');
			sb_add_padded(&cols, mv.is_alias ? mv.resolved : "-", 28);
			sb_addc(&cols, ' ');
			sb_add_padded(&cols, mv.vendor[0] ? vendor_name(mv.vendor) : "-", 8);
			fprintf(c->out, "%s %3d %5s %6s%s%s%s%s%s%s%s\n", sb_str(&cols), mv.version,
				lvl, usable_word(u), tail ? "  " : "", blk, sb_str(&sb),
				d->deprecated ? " (deprecated)" : "", d->custom ? " (custom, base " : "",
				d->custom ? d->custom->base : "", d->custom ? ")" : "");
		}
	}
	if (c->format == FMT_JSON) {
		json_object_object_add(root, "machine", json_object_new_string(md->machine));
		json_object_object_add(root, "qemu", json_str_or_null(c->s->ds->qemu_version));
		json_object_object_add(root, "accel", json_str_or_null(c->s->ds->accel));
		json_object_object_add(root, "host", json_object_new_string(host_label(c)));
		json_object_object_add(root, "usable", json_object_new_int((int)nusable));
		json_object_object_add(root, "unusable", json_object_new_int((int)nunusable));
		json_object_object_add(root, "models", arr);
		print_json(c, root);
		json_object_put(root);
	}
	(void)nshown;
	vec_fini(&defs, NULL);
	sb_fini(&sb);
	sb_fini(&cols);
	fset_fini(&blockers);
	return CLI_OK;
}

/* ---- show ----------------------------------------------------------------- */

int cmd_show(struct cli *c, int argc, char **argv)
{
	const char *name = NULL;
	struct model_view mv;
	struct fset blockers = FSET_INIT, feats = FSET_INIT;
	struct err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
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
	if (!model_lookup(c->s->ds, c->s->md, name, &mv, &e))
		return cli_fail_err(c, &e);
	if (!mv.full) {
		rc = cli_fail(c, "show: %s: no expansion of this model was captured on %s", mv.name,
			      c->s->md->machine);
		goto out;
	}
	enum usable u = model_usable(&mv, c->s->host, &blockers);
	int level = psabi_level(c->s->ft, &mv.full->on);
	const struct fset *on = &feats;

	model_features(&mv, &feats);

	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object(), *fa = json_object_new_array();
		json_object_object_add(o, "model", json_object_new_string(mv.name));
		json_object_object_add(o, "resolved", json_object_new_string(mv.resolved));
		json_object_object_add(o, "machine", json_object_new_string(c->s->md->machine));
		json_object_object_add(o, "vendor", json_str_or_null(mv.vendor[0] ? mv.vendor : NULL));
		json_object_object_add(o, "family", mv.family >= 0 ? json_object_new_int64(mv.family) : NULL);
		json_object_object_add(o, "model-number", mv.model >= 0 ? json_object_new_int64(mv.model) : NULL);
		json_object_object_add(o, "stepping", mv.stepping >= 0 ? json_object_new_int64(mv.stepping) : NULL);
		json_object_object_add(o, "model-id", json_str_or_null(mv.model_id[0] ? mv.model_id : NULL));
		json_object_object_add(o, "version", json_object_new_int(mv.version));
		json_object_object_add(o, "x86-64-level", c->s->arch == ARCH_X86_64 ? json_object_new_int(level) : NULL);
		json_object_object_add(o, "static", json_object_new_boolean(mv.def->is_static));
		json_object_object_add(o, "migration-safe", json_object_new_boolean(mv.def->migration_safe));
		json_object_object_add(o, "deprecated", json_object_new_boolean(mv.def->deprecated));
		json_object_object_add(o, "host", json_object_new_string(host_label(c)));
		json_object_object_add(o, "usable", u == USABLE_UNKNOWN ? NULL : json_object_new_boolean(u == USABLE_YES));
		json_object_object_add(o, "blockers", fset_names_json(c->s->ft, &blockers));
		for (int id = fset_next(on, 0); id >= 0; id = fset_next(on, (unsigned)id + 1)) {
			const struct feature *f = ftable_get(c->s->ft, (unsigned)id);
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
		if (session_model_note(c->s, mv.name))
			json_object_object_add(o, "note", json_object_new_string(session_model_note(c->s, mv.name)));
		if (mv.def->custom)
			json_object_object_add(o, "custom", custom_json(mv.def->custom));
		if (mv.note[0])
			json_object_object_add(o, "asked-as", json_object_new_string(mv.note));
		if (mv.machine) {
			json_object *m = json_object_new_object();
			json_object_object_add(m, "product", json_object_new_string(mv.machine->product));
			json_object_object_add(m, "machine-type", json_object_new_string(mv.machine->machine_type));
			json_object_object_add(m, "linuxone", json_str_or_null(mv.machine->linuxone));
			json_object_object_add(m, "generation", json_object_new_int(mv.machine->gen));
			json_object_object_add(m, "ga", json_object_new_int(mv.machine->ga));
			json_object_object_add(o, "machine-of", m);
		}
		print_json(c, o);
		json_object_put(o);
		goto out;
	}

	if (u == USABLE_YES)
		fprintf(c->out, "%s on %s: usable on %s\n", mv.name, c->s->md->machine, host_label(c));
	else if (u == USABLE_NO)
		fprintf(c->out, "%s on %s: NOT usable on %s (%zu blocking feature%s)\n", mv.name,
			c->s->md->machine, host_label(c), fset_count(&blockers),
			fset_count(&blockers) == 1 ? "" : "s");
	else
		fprintf(c->out, "%s on %s: usability on %s unknown\n", mv.name, c->s->md->machine,
			host_label(c));
	if (mv.is_alias)
		fprintf(c->out, "  alias of:   %s\n", mv.resolved);
	if (mv.note[0])
		fprintf(c->out, "  asked as:   %s\n", mv.note);
	if (mv.machine) {
		char mt[192];
		fprintf(c->out, "  machine:    %s\n", s390x_name_text(mv.machine, mt, sizeof(mt)));
	}
	if (session_model_note(c->s, mv.name))
		fprintf(c->out, "  note:       %s\n", session_model_note(c->s, mv.name));
	fprintf(c->out, "  version:    %d%s\n", mv.version, mv.version ? "" : " (unversioned)");
	if (mv.vendor[0] || mv.family >= 0)
		fprintf(c->out, "  identity:   %s family %lld model %lld stepping %lld\n",
			mv.vendor[0] ? mv.vendor : "?", mv.family, mv.model, mv.stepping);
	if (mv.model_id[0])
		fprintf(c->out, "  model-id:   %s\n", mv.model_id);
	if (c->s->arch == ARCH_X86_64)
		fprintf(c->out, "  x86-64:     %s\n", psabi_level_word(level));
	fprintf(c->out, "  flags:      static %s, migration-safe %s, deprecated %s\n",
		mv.def->is_static ? "yes" : "no", mv.def->migration_safe ? "yes" : "no",
		mv.def->deprecated ? "yes" : "no");
	fprintf(c->out, "  features:   %zu enabled", fset_count(on));
	if (u == USABLE_NO)
		fprintf(c->out, ", %zu the host lacks (marked !)", fset_count(&blockers));
	fputc('\n', c->out);
	fprintf(c->out, "\n  %-16s %-24s %-24s %s\n", "GROUP", "FEATURE", "LIBVIRT NAME", "LOCATION");
	struct grid *g = grid_new(GRID_MODELS, c->s->ft, mv.name);
	struct grid_col *col = grid_add_col(g, mv.name, NULL);
	fset_copy(&col->on, on);
	col->has_data = true;
	grid_finish(g, false);
	for (size_t r = 0; r < g->nrows; r++) {
		const struct feature *f = ftable_get(c->s->ft, g->rows[r]);
		char loc[64];
		struct strbuf cols = STRBUF_INIT;

		sb_add_padded(&cols, f->group, 16);
		sb_addc(&cols, ' ');
		sb_add_padded(&cols, f->name, 24);
		sb_addc(&cols, ' ');
		sb_add_padded(&cols, f->libvirt ? f->libvirt : "(not in libvirt)", 24);
		fprintf(c->out, "%c %s %s\n", fset_has(&blockers, f->id) ? '!' : ' ', sb_str(&cols),
			feature_location(f, loc, sizeof(loc)));
		sb_fini(&cols);
	}
	grid_free(g);
	if (u == USABLE_NO) {
		struct strbuf sb = STRBUF_INIT;
		fset_names_text(&sb, c->s->ft, &blockers, 64);
		fprintf(c->out, "\nblocking: %s\n", sb_str(&sb));
		sb_fini(&sb);
	}
out:
	fset_fini(&blockers);
	fset_fini(&feats);
	return rc;
}

/* ---- grid ----------------------------------------------------------------- */

enum grid_mode { GM_MODELS, GM_VERSIONS, GM_MACHINES, GM_HOSTS, GM_QEMU, GM_VIEWS };

/* One table line: cells padded to their widths (display widths:
 * utf8_width), no trailing blanks. */
static void grid_line(struct cli *c, struct strbuf *sb, size_t namew, const char *name,
		      const size_t *w, size_t ncols, const char *const *cells)
{
	sb_reset(sb);
	sb_add_padded(sb, name, namew);
	for (size_t i = 0; i < ncols; i++) {
		sb_add(sb, "  ");
		sb_add_padded(sb, cells[i] ? cells[i] : "", w[i]);
	}
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
		size_t l = utf8_width(ftable_get(g->ft, g->rows[r])->name);
		if (l > namew)
			namew = l;
	}
	for (size_t i = 0; i < props->n; i++) {
		const struct grid_prop_row *pr = props->v[i];
		if (utf8_width(pr->name) > namew)
			namew = utf8_width(pr->name);
		for (size_t k = 0; k < g->ncols; k++)
			if (pr->vals[k] && utf8_width(pr->vals[k]) > w[k])
				w[k] = utf8_width(pr->vals[k]);
	}
	for (size_t i = 0; i < g->ncols; i++) {
		if (utf8_width(g->cols[i].title) > w[i])
			w[i] = utf8_width(g->cols[i].title);
		if (g->cols[i].sub) {
			has_sub = true;
			if (utf8_width(g->cols[i].sub) > w[i])
				w[i] = utf8_width(g->cols[i].sub);
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
	fputs(g->kind == GRID_QEMU && !g->cols[0].host ?
	      "legend: + present  - absent  ! present, that QEMU's accelerator cannot provide it  * changed from the column to the left\n" :
	      "legend: + present  - absent  ! present, host lacks it  * changed from the column to the left\n",
	      c->out);
	sb_fini(&sb);
	free(txt);
	free(cells);
	free(w);
}

static void print_grid_json(struct cli *c, const struct grid *g, const struct vec *props,
			    const struct vec *notes)
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
	if (g->kind == GRID_QEMU) {
		json_object *na = json_object_new_array();
		for (size_t i = 0; i < notes->n; i++)
			json_object_array_add(na, json_object_new_string(notes->v[i]));
		json_object_object_add(o, "call-outs", na);
	}
	print_json(c, o);
	json_object_put(o);
}

int cmd_grid(struct cli *c, int argc, char **argv)
{
	enum grid_mode mode = GM_MODELS;
	struct vec models = VEC_INIT, machines = VEC_INIT, hostfiles = VEC_INIT, hosts = VEC_INIT,
		   labels = VEC_INIT, props = VEC_INIT, qemus = VEC_INIT, notes = VEC_INIT;
	struct cli_qemu_cols qc = { NULL, 0 };
	struct err e;
	bool all = false;
	struct grid *g = NULL;
	char title[512];
	int rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--versions")) {
			mode = GM_VERSIONS;
		} else if (!strcmp(a, "--views")) {
			mode = GM_VIEWS;
		} else if (!strcmp(a, "--machines")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;
			if (!v || !*v) {
				rc = cli_fail(c, "grid: --machines needs a list (e.g. pc-i440fx-2.0,q35)");
				goto out;
			}
			if (mode != GM_QEMU)
				mode = GM_MACHINES;
			split_list(v, &machines);
		} else if (!strcmp(a, "--qemu")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;
			if (!v || !*v) {
				rc = cli_fail(c, "grid: --qemu needs a list (bundled versions or snapshot "
					      "files, e.g. 7.2,10.0)");
				goto out;
			}
			mode = GM_QEMU;
			split_list(v, &qemus);
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
	if ((mode == GM_VERSIONS || mode == GM_MACHINES || mode == GM_QEMU || mode == GM_VIEWS) &&
	    models.n != 1) {
		rc = cli_fail(c, "grid: --%s takes exactly one model (got %zu)",
			      mode == GM_VERSIONS ? "versions" : mode == GM_QEMU ? "qemu" :
			      mode == GM_VIEWS ? "views" : "machines",
			      models.n);
		goto out;
	}
	rc = mode == GM_QEMU ? cli_grid_qemu(c, models.v[0], &qemus, &machines, &qc, &g, &notes) :
	     cli_load(c, true);
	if (rc != CLI_OK)
		goto out;

	err_clear(&e);
	if (mode == GM_QEMU) {
		/* built above */
	} else if (mode == GM_VERSIONS) {
		g = grid_build_versions(c->s->ds, c->s->md, models.v[0], c->s->host, &e);
	} else if (mode == GM_VIEWS) {
		g = grid_build_s390x_views(c->s->ds, c->s->md, models.v[0], c->s->host, &e);
	} else if (mode == GM_MACHINES) {
		g = grid_build_machines(c->s->ds, (const char *const *)machines.v, machines.n, models.v[0],
					c->s->host, &e);
	} else {
		g = grid_build_models(c->s->ds, c->s->md, (const char *const *)models.v, models.n, c->s->host, &e);
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
				snprintf(title, sizeof(title), "model against hosts on %s", c->s->md->machine);
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
		print_grid_json(c, g, &props, &notes);
	} else {
		fprintf(c->out, "%s: %zu column%s, %zu feature%s differ%s", g->title, g->ncols,
			g->ncols == 1 ? "" : "s", g->ndiffer, g->ndiffer == 1 ? "" : "s",
			g->ndiffer == 1 ? "s" : "");
		if (props.n)
			fprintf(c->out, ", %zu other propert%s", props.n, props.n == 1 ? "y" : "ies");
		fputc('\n', c->out);
		print_grid_text(c, g, &props);
		if (notes.n)
			fputs("\nWhat changes between the versions:\n", c->out);
		for (size_t i = 0; i < notes.n; i++) {
			struct strbuf sb = STRBUF_INIT;
			upgrade_text_item(&sb, "-", notes.v[i]);
			fputs(sb_str(&sb), c->out);
			sb_fini(&sb);
		}
	}
out:
	vec_fini(&props, grid_prop_row_free);
	grid_free(g);
	vec_fini(&models, free);
	vec_fini(&machines, free);
	vec_fini(&hostfiles, free);
	vec_fini(&hosts, (void (*)(void *))host_free);
	vec_fini(&labels, NULL);
	vec_fini(&qemus, free);
	vec_fini(&notes, free);
	cli_qemu_cols_fini(&qc);
	return rc;
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
