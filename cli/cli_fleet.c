/* cli_fleet.c - `cpuscope fleet FILE|DIR... [--guest FILE] [--what-if-add FILE]`:
 * the report of src/logic/fleet.h as text, JSON or CSV. */
#include "cli_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "emit.h"
#include "fleet.h"
#include "text.h"
#include "vendor.h"
#include "xml_cpu.h"

#define DIR_DEPTH_MAX 32

struct skipped {
	char *file;
	char *why;
};

struct fleet_cli {
	struct cli *c;
	struct vec hosts;   /* struct host * (owned) */
	struct vec labels;  /* char * (owned) */
	struct vec skipped; /* struct skipped * */
	struct strmap seen_map; /* "dev:ino" of every file taken */
};

static void skipped_free(void *p)
{
	struct skipped *s = p;

	if (s) {
		free(s->file);
		free(s->why);
	}
	free(s);
}

static void host_free_item(void *p)
{
	host_free(p);
}

static void skip(struct fleet_cli *fc, const char *file, const char *why)
{
	struct skipped *s = xcalloc(1, sizeof(*s));

	s->file = xstrdup(file);
	s->why = xstrdup(why);
	vec_push(&fc->skipped, s);
}

/* The same file twice (named twice, or by a directory and by name) is one host. */
static bool seen_before(struct fleet_cli *fc, const char *path)
{
	struct stat st;
	char key[64];

	if (stat(path, &st) != 0)
		return false;
	snprintf(key, sizeof(key), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (strmap_has(&fc->seen_map, key))
		return true;
	strmap_put(&fc->seen_map, key, NULL);
	return false;
}

/* One host file.  Named on the command line, a file must be a host of the
 * data's arch (an error otherwise); found in a directory, anything else is
 * skipped with the reason. */
static int take_file(struct fleet_cli *fc, const char *path, bool named)
{
	struct err e;
	struct host *h;

	if (seen_before(fc, path))
		return CLI_OK;
	err_clear(&e);
	h = session_host_load(fc->c->s, path, &e);
	if (!h) {
		char buf[2048];
		if (named)
			return cli_fail_err(fc->c, &e);
		/* the reason without the file name, which the note gives */
		if (e.line > 0)
			snprintf(buf, sizeof(buf), "line %d: %s", e.line, e.msg);
		else
			snprintf(buf, sizeof(buf), "%s", e.msg);
		skip(fc, path, buf);
		return CLI_OK;
	}
	vec_push(&fc->hosts, h);
	vec_push(&fc->labels, xstrdup(path));
	return CLI_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_str(void *p)
{
	free(p);
}

/* A directory, recursively, in name order; hidden entries are left out,
 * symbolic links to directories are not followed. */
static int take_dir(struct fleet_cli *fc, const char *dir, int depth)
{
	struct vec names = VEC_INIT;
	struct dirent *de;
	DIR *d;
	int rc = CLI_OK;

	if (depth > DIR_DEPTH_MAX) {
		skip(fc, dir, "directory nested too deep");
		return CLI_OK;
	}
	d = opendir(dir);
	if (!d)
		return cli_fail(fc->c, "%s: cannot read the directory", dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			vec_push(&names, xstrdup(de->d_name));
	closedir(d);
	vec_sort(&names, name_cmp);
	for (size_t i = 0; i < names.n && rc == CLI_OK; i++) {
		size_t n = strlen(dir);
		char *path = xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
				       (const char *)names.v[i]);
		struct stat st, lst;
		if (lstat(path, &lst) != 0 || stat(path, &st) != 0) {
			skip(fc, path, "cannot be read");
		} else if (S_ISDIR(st.st_mode)) {
			if (S_ISLNK(lst.st_mode))
				skip(fc, path, "a symbolic link to a directory (not followed)");
			else
				rc = take_dir(fc, path, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			skip(fc, path, file_type_name(st.st_mode));
		} else {
			rc = take_file(fc, path, false);
		}
		free(path);
	}
	vec_fini(&names, free_str);
	return rc;
}

/* ---- text helpers ------------------------------------------------------------------ */

static void put_escaped(struct strbuf *sb, const char *s)
{
	text_escape(sb, s, strlen(s));
}

/* "1-10, 23" for host indices (0-based in, 1-based out). */
static void host_ranges(struct strbuf *sb, const size_t *hosts, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t j = k;
		while (j + 1 < n && hosts[j + 1] == hosts[j] + 1)
			j++;
		sb_addf(sb, "%s%zu", k ? ", " : "", hosts[k] + 1);
		if (j > k)
			sb_addf(sb, "%s%zu", j == k + 1 ? ", " : "-", hosts[j] + 1);
		k = j + 1;
	}
}

/* Features in libvirt's spelling, in the map's order, at most max. */
static void lv_names(struct strbuf *sb, const struct cpu_map *map, const struct fset *s,
		     size_t max)
{
	const char **names = xcalloc(fset_count(s) + 1, sizeof(*names));
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
	sb_add_list(sb, names, n, max);
	free(names);
	fset_fini(&left);
}

static const char *group_name(const struct fleet_group *g)
{
	return g->vendor ? g->vendor : "no vendor";
}

static const char *model_name(const struct fleet *f, size_t m)
{
	return m == FLEET_NONE ? "none" : f->models[m].mv.name;
}

static void psabi_note(struct strbuf *sb, const struct fleet *f, size_t m)
{
	if (m != FLEET_NONE && f->models[m].psabi >= 0)
		sb_addf(sb, "x86-64-%s", psabi_level_word(f->models[m].psabi));
}

static const char *start_word(enum fleet_start s)
{
	switch (s) {
	case FLEET_START_YES: return "starts";
	case FLEET_START_LIBVIRT: return "libvirt refuses";
	case FLEET_START_QEMU: return "QEMU lacks features";
	default: return "?";
	}
}

static const char *verdict_word(enum usable u)
{
	return u == USABLE_YES ? "usable" : u == USABLE_NO ? "blocked" : "unknown";
}

/* ---- text ---------------------------------------------------------------------------------- */

static void print_group_text(struct cli *c, const struct fleet *f, const struct fleet_group *g,
			     struct strbuf *sb)
{
	const struct cpu_map *map = f->map;

	sb_reset(sb);
	host_ranges(sb, g->hosts, g->nhosts);
	fprintf(c->out, "\n%s: %zu host%s (%s)\n", group_name(g), g->nhosts,
		g->nhosts == 1 ? "" : "s", sb_str(sb));
	if (g->best == FLEET_NONE) {
		fprintf(c->out, "  best common model: none (no model of libvirt's map runs on every "
			"host of the group)\n");
	} else {
		sb_reset(sb);
		psabi_note(sb, f, g->best);
		fprintf(c->out, "  best common model: %s%s%s%s\n", model_name(f, g->best),
			sb->len ? " (" : "", sb_str(sb), sb->len ? ")" : "");
	}
	if (g->refused.n) {
		fprintf(c->out, "  newer, QEMU runs them on every host, libvirt's compare refuses:\n");
		for (size_t i = 0; i < g->refused.n; i++) {
			const struct fleet_refusal *r = g->refused.v[i];
			sb_reset(sb);
			put_escaped(sb, f->hosts[r->host].label);
			fprintf(c->out, "    %s on %zu host%s, first %zu %s: %s\n", model_name(f, r->model),
				r->nhosts, r->nhosts == 1 ? "" : "s", r->host + 1, sb_str(sb), r->message);
		}
	}
	if (g->best != FLEET_NONE) {
		fprintf(c->out, "  %s gives up against each host's host-model:\n",
			model_name(f, g->best));
		for (size_t k = 0; k < g->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[g->hosts[k]];
			size_t n = fset_count(&fh->loss);
			sb_reset(sb);
			lv_names(sb, map, &fh->loss, 8);
			fprintf(c->out, "    %4zu  %3zu%s%s\n", g->hosts[k] + 1, n, n ? ": " : "",
				sb_str(sb));
		}
	}
	bool any_without = false;
	for (size_t k = 0; k < g->nhosts; k++)
		any_without |= f->hosts[g->hosts[k]].without_best != FLEET_NONE;
	if (any_without) {
		fprintf(c->out, "  what if one host goes: without it, the best common model "
			"rises from %s to\n", model_name(f, g->best));
		for (size_t k = 0; k < g->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[g->hosts[k]];
			if (fh->without_best == FLEET_NONE)
				continue;
			sb_reset(sb);
			put_escaped(sb, fh->label);
			fprintf(c->out, "    without %zu %s: %s\n", g->hosts[k] + 1, sb_str(sb),
				model_name(f, fh->without_best));
		}
	}
	if (g->bl_err) {
		sb_reset(sb);
		put_escaped(sb, g->bl_err);
		fprintf(c->out, "  baseline (virsh cpu-baseline): fails: %s\n", sb_str(sb));
	} else if (g->have_baseline) {
		const struct guest_cpu *b = g->bl.cpu;
		size_t nf = b->features.n;
		char *xml = emit_guest_xml(b, f->ft, 4);
		fprintf(c->out, "  baseline (virsh cpu-baseline): %s%s", b->model ? b->model : "?",
			nf ? "" : "\n");
		if (nf)
			fprintf(c->out, " with %zu feature polic%s\n", nf, nf == 1 ? "y" : "ies");
		fputs(xml, c->out);
		free(xml);
		fprintf(c->out, "  the baseline gives up against each host's host-model:\n");
		for (size_t k = 0; k < g->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[g->hosts[k]];
			size_t n = fset_count(&fh->bl_loss);
			sb_reset(sb);
			lv_names(sb, map, &fh->bl_loss, 8);
			fprintf(c->out, "    %4zu  %3zu%s%s\n", g->hosts[k] + 1, n, n ? ": " : "",
				sb_str(sb));
		}
	}
	/* what holds the group back: newer models some of its hosts run */
	bool head = false;
	size_t best_rank = 0;
	for (size_t ci = 0; ci < f->ncand; ci++)
		if (f->cand[ci] == g->best)
			best_rank = ci + 1;
	for (size_t ci = f->ncand; ci-- > best_rank;) {
		size_t m = f->cand[ci];
		const struct cm_model *cm = f->models[m].cm;
		size_t nrun = f->nrun_group[(size_t)(g - f->groups) * f->nmodels + m];
		if (!cm || (cm->vendor && !str_eq(cm->vendor, g->vendor) && g->vendor) || !nrun ||
		    nrun == g->nhosts)
			continue;
		if (!head)
			fprintf(c->out, "  newer models only some hosts run (hosts that block them):\n");
		head = true;
		sb_reset(sb);
		size_t shown = 0, blocked = 0;
		for (size_t k = 0; k < g->nhosts; k++) {
			size_t i = g->hosts[k];
			if (fleet_verdict(f, i, m) == USABLE_YES)
				continue;
			blocked++;
			if (shown == 4)
				continue;
			struct fset blk = FSET_INIT;
			fleet_blockers(f, i, m, &blk);
			sb_addf(sb, "%s%zu (", shown ? ", " : "", i + 1);
			fset_names_text(sb, f->ft, &blk, 3);
			sb_add(sb, ")");
			fset_fini(&blk);
			shown++;
		}
		if (blocked > shown)
			sb_addf(sb, ", ... (%zu more)", blocked - shown);
		fprintf(c->out, "    %s (%zu of %zu): %s\n", model_name(f, m), nrun, g->nhosts,
			sb_str(sb));
	}
}

static void print_matrix_text(struct cli *c, const struct fleet *f, struct strbuf *sb)
{
	size_t namew = 5, w = 2;
	char num[32];

	for (size_t m = 0; m < f->nmodels; m++)
		if (utf8_width(f->models[m].mv.name) > namew)
			namew = utf8_width(f->models[m].mv.name);
	for (size_t i = 0; i < f->nhosts; i++) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		if (strlen(num) > w)
			w = strlen(num);
		for (size_t m = 0; m < f->nmodels; m++) {
			snprintf(num, sizeof(num), "%zu", fleet_nblockers(f, i, m));
			if (strlen(num) > w)
				w = strlen(num);
		}
	}
	snprintf(num, sizeof(num), "%zu/%zu", f->nhosts, f->nhosts);
	size_t runw = strlen(num);
	fprintf(c->out, "\nmatrix: + usable, N blocked by N features, ? unknown; RUNS: hosts that "
		"run it\n");
	/* the vendor of each column above its number */
	sb_reset(sb);
	sb_add_padded(sb, "", namew + 2 + runw);
	for (size_t i = 0; i < f->nhosts; i++) {
		const char *v = f->groups[f->hosts[i].group].vendor;
		char one[2] = { v ? v[0] : '-', '\0' };
		sb_addf(sb, " %*s", (int)w, one);
	}
	fprintf(c->out, "%s\n", sb_str(sb));
	sb_reset(sb);
	sb_add_padded(sb, "MODEL", namew + 2);
	sb_addf(sb, "%*s", (int)runw, "RUNS");
	for (size_t i = 0; i < f->nhosts; i++)
		sb_addf(sb, " %*zu", (int)w, i + 1);
	fprintf(c->out, "%s\n", sb_str(sb));
	for (size_t m = 0; m < f->nmodels; m++) {
		sb_reset(sb);
		sb_add_padded(sb, f->models[m].mv.name, namew + 2);
		snprintf(num, sizeof(num), "%zu/%zu", f->models[m].nrun, f->nhosts);
		sb_addf(sb, "%*s", (int)runw, num);
		for (size_t i = 0; i < f->nhosts; i++) {
			enum usable u = fleet_verdict(f, i, m);
			if (u == USABLE_YES)
				snprintf(num, sizeof(num), "+");
			else if (u == USABLE_NO)
				snprintf(num, sizeof(num), "%zu", fleet_nblockers(f, i, m));
			else
				snprintf(num, sizeof(num), "?");
			sb_addf(sb, " %*s", (int)w, num);
		}
		fprintf(c->out, "%s\n", sb_str(sb));
	}
}

static void print_guest_text(struct cli *c, const struct fleet *f, const char *file,
			     struct strbuf *sb)
{
	size_t *ok = xcalloc(f->nhosts + 1, sizeof(*ok)), n = 0;

	for (size_t i = 0; i < f->nhosts; i++)
		if (f->hosts[i].start == FLEET_START_YES)
			ok[n++] = i;
	sb_reset(sb);
	put_escaped(sb, file);
	fprintf(c->out, "\nguest CPU %s: starts on %zu of %zu hosts", sb_str(sb), n, f->nhosts);
	if (n > 1) {
		sb_reset(sb);
		host_ranges(sb, ok, n);
		fprintf(c->out, " and migrates between them (%s)", sb_str(sb));
	} else if (n == 1) {
		fprintf(c->out, " (%zu), so it has nowhere to migrate", ok[0] + 1);
	}
	fputc('\n', c->out);
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		sb_reset(sb);
		if (fh->start == FLEET_START_QEMU) {
			sb_addf(sb, "libvirt's compare says %s, but QEMU lacks ",
				cmp_result_name(fh->cmp.result));
			fset_names_text(sb, f->ft, &fh->qemu_blockers, 8);
		} else if (fh->cmp.message) {
			sb_add(sb, fh->cmp.message);
		}
		fprintf(c->out, "  %4zu  %-12s %s%s%s\n", i + 1, cmp_result_name(fh->cmp.result),
			start_word(fh->start), sb->len ? ": " : "", sb_str(sb));
	}
	free(ok);
}

static void print_text(struct cli *c, struct fleet_cli *fc, const struct fleet *f,
		       const char *guest_file)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cpuw = 3, formw = 4;

	fprintf(c->out, "fleet of %zu host%s, %zu models of %s on %s; libvirt's cpu_map of %zu "
		"models%s\n", f->nhosts, f->nhosts == 1 ? "" : "s", f->nmodels, c->s->data_label,
		f->md->machine, f->map->models.n, lv_label(c->s->libvirt));
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		if (fh->cpu_model && utf8_width(fh->cpu_model) > cpuw)
			cpuw = utf8_width(fh->cpu_model);
		if (strlen(host_kind_name(fh->h->kind)) > formw)
			formw = strlen(host_kind_name(fh->h->kind));
	}
	fprintf(c->out, "\nhosts:\n  %4s  %-9s %-*s %-*s %4s  FILE\n", "#", "VENDOR", (int)formw,
		"FORM", (int)cpuw, "CPU", "RUNS");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		sb_reset(&sb);
		sb_add_padded(&sb, fh->h->vendor ? fh->h->vendor : "-", 9);
		sb_addc(&sb, ' ');
		sb_add_padded(&sb, host_kind_name(fh->h->kind), formw);
		sb_addc(&sb, ' ');
		sb_add_padded(&sb, fh->cpu_model ? fh->cpu_model : "-", cpuw);
		sb_addf(&sb, " %4zu  ", fh->nusable);
		put_escaped(&sb, fh->label);
		fprintf(c->out, "  %4zu  %s\n", i + 1, sb_str(&sb));
	}
	/* the vendor groups, said in so many words */
	sb_reset(&sb);
	for (size_t g = 0; g < f->ngroups; g++) {
		const struct fleet_group *gr = &f->groups[g];
		sb_addf(&sb, "%s%s %zu host%s (", g ? "; " : "", group_name(gr), gr->nhosts,
			gr->nhosts == 1 ? "" : "s");
		host_ranges(&sb, gr->hosts, gr->nhosts);
		sb_add(&sb, ")");
	}
	fprintf(c->out, "\nvendor groups: %s\n", sb_str(&sb));
	if (f->ngroups > 1) {
		fprintf(c->out, "  The hosts are of %zu vendors.  A guest CPU model has one vendor and "
			"libvirt's\n  baseline refuses CPUs of different vendors (\"CPU vendors do not "
			"match\"), so\n  each group has its own best model and baseline.\n", f->ngroups);
		sb_reset(&sb);
		psabi_note(&sb, f, f->across_best);
		if (f->across_best == FLEET_NONE)
			fprintf(c->out, "  Across all groups: no vendor-neutral model runs on every "
				"host.\n");
		else
			fprintf(c->out, "  Across all groups: %s%s%s%s is the newest vendor-neutral "
				"model every\n  host runs.\n", model_name(f, f->across_best),
				sb.len ? " (" : "", sb_str(&sb), sb.len ? ")" : "");
	}
	for (size_t g = 0; g < f->ngroups; g++)
		print_group_text(c, f, &f->groups[g], &sb);
	if (f->have_add) {
		sb_reset(&sb);
		put_escaped(&sb, f->add.label);
		if (f->add_group == FLEET_NONE) {
			fprintf(c->out, "\nwhat if %s joins: a new vendor group (%s), whose best "
				"common model is %s\n", sb_str(&sb),
				f->add.h->vendor ? f->add.h->vendor : "no vendor",
				model_name(f, f->add_best));
		} else {
			const struct fleet_group *g = &f->groups[f->add_group];
			if (f->add_best == g->best)
				fprintf(c->out, "\nwhat if %s joins: the %s group keeps %s\n", sb_str(&sb),
					group_name(g), model_name(f, g->best));
			else
				fprintf(c->out, "\nwhat if %s joins: the %s group's best common model "
					"goes from %s to %s\n", sb_str(&sb), group_name(g),
					model_name(f, g->best), model_name(f, f->add_best));
		}
	}
	if (f->have_guest)
		print_guest_text(c, f, guest_file, &sb);
	print_matrix_text(c, f, &sb);
	if (fc->skipped.n) {
		fprintf(c->out, "\nskipped %zu file%s (not %s hosts):\n", fc->skipped.n,
			fc->skipped.n == 1 ? "" : "s", arch_name(c->s->arch));
		for (size_t i = 0; i < fc->skipped.n; i++) {
			const struct skipped *s = fc->skipped.v[i];
			sb_reset(&sb);
			put_escaped(&sb, s->file);
			sb_add(&sb, ": ");
			put_escaped(&sb, s->why);
			fprintf(c->out, "  %s\n", sb_str(&sb));
		}
	}
	sb_fini(&sb);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_object *idx_array(const size_t *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int64((int64_t)v[i] + 1));
	return a;
}

static json_object *lv_names_json(const struct cpu_map *map, const struct fset *s)
{
	json_object *a = json_object_new_array();
	struct fset left = FSET_INIT;

	fset_copy(&left, s);
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (fset_has(&left, f->id)) {
			json_object_array_add(a, json_object_new_string(feature_libvirt_name(f)));
			fset_del(&left, f->id);
		}
	}
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1))
		json_object_array_add(a, json_object_new_string(
			feature_libvirt_name(ftable_get(map->ft, (unsigned)id))));
	fset_fini(&left);
	return a;
}

static json_object *model_json(const struct fleet *f, size_t m)
{
	return m == FLEET_NONE ? NULL : json_object_new_string(f->models[m].mv.name);
}

/* Printed a piece at a time (the matrix of many hosts would otherwise be
 * a tree of millions of objects). */
static void put_piece(struct cli *c, const char *key, json_object *o, bool last)
{
	const char *txt = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct strbuf sb = STRBUF_INIT;

	/* indent the piece by two */
	for (const char *p = txt; *p; p++) {
		sb_addc(&sb, *p);
		if (*p == '\n')
			sb_add(&sb, "  ");
	}
	fprintf(c->out, "  \"%s\": %s%s\n", key, sb_str(&sb), last ? "" : ",");
	sb_fini(&sb);
	json_object_put(o);
}

static void print_json_report(struct cli *c, struct fleet_cli *fc, const struct fleet *f,
			      const char *guest_file)
{
	json_object *o;

	fputs("{\n", c->out);
	o = json_object_new_object();
	json_object_object_add(o, "qemu", json_str_or_null(f->ds->qemu_version));
	json_object_object_add(o, "accel", json_str_or_null(f->ds->accel));
	json_object_object_add(o, "label", json_str_or_null(c->s->data_label));
	json_object_object_add(o, "machine", json_object_new_string(f->md->machine));
	json_object_object_add(o, "cpu-map-models", json_object_new_int64((int64_t)f->map->models.n));
	json_object_object_add(o, "libvirt", json_object_new_string(
		(c->s->libvirt ? c->s->libvirt : lv_get(LV_9_0))->name));
	put_piece(c, "data", o, false);

	o = json_object_new_array();
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		json_object *h = json_object_new_object();
		json_object_object_add(h, "host", json_object_new_int64((int64_t)i + 1));
		json_object_object_add(h, "file", json_object_new_string(fh->label));
		json_object_object_add(h, "form", json_object_new_string(host_kind_name(fh->h->kind)));
		json_object_object_add(h, "vendor", json_str_or_null(fh->h->vendor));
		json_object_object_add(h, "cpu-model", json_str_or_null(fh->cpu_model));
		json_object_object_add(h, "runs", json_object_new_int64((int64_t)fh->nusable));
		json_object_array_add(o, h);
	}
	put_piece(c, "hosts", o, false);

	o = json_object_new_array();
	for (size_t g = 0; g < f->ngroups; g++) {
		const struct fleet_group *gr = &f->groups[g];
		json_object *go = json_object_new_object(), *a;
		json_object_object_add(go, "vendor", json_str_or_null(gr->vendor));
		json_object_object_add(go, "hosts", idx_array(gr->hosts, gr->nhosts));
		json_object_object_add(go, "best", model_json(f, gr->best));
		json_object_object_add(go, "best-x86-64-level",
				       gr->best != FLEET_NONE && f->models[gr->best].psabi >= 0
					       ? json_object_new_int(f->models[gr->best].psabi) : NULL);
		a = json_object_new_array();
		for (size_t i = 0; i < gr->refused.n; i++) {
			const struct fleet_refusal *r = gr->refused.v[i];
			json_object *ro = json_object_new_object();
			json_object_object_add(ro, "model", model_json(f, r->model));
			json_object_object_add(ro, "hosts", json_object_new_int64((int64_t)r->nhosts));
			json_object_object_add(ro, "first-host", json_object_new_int64((int64_t)r->host + 1));
			json_object_object_add(ro, "message", json_object_new_string(r->message));
			json_object_array_add(a, ro);
		}
		json_object_object_add(go, "refused", a);
		a = json_object_new_array();
		for (size_t k = 0; k < gr->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[gr->hosts[k]];
			json_object *lo = json_object_new_object();
			json_object_object_add(lo, "host", json_object_new_int64((int64_t)gr->hosts[k] + 1));
			json_object_object_add(lo, "best-loses", gr->best == FLEET_NONE ? NULL :
					       lv_names_json(f->map, &fh->loss));
			json_object_object_add(lo, "baseline-loses", gr->have_baseline ?
					       lv_names_json(f->map, &fh->bl_loss) : NULL);
			json_object_object_add(lo, "best-without-it", model_json(f, fh->without_best));
			json_object_array_add(a, lo);
		}
		json_object_object_add(go, "per-host", a);
		if (gr->have_baseline) {
			char *xml = emit_guest_xml(gr->bl.cpu, f->ft, 0);
			json_object *b = json_object_new_object();
			json_object_object_add(b, "xml", json_object_new_string(xml));
			json_object_object_add(b, "model", json_str_or_null(gr->bl.cpu->model));
			json_object_object_add(b, "vendor", json_str_or_null(gr->bl.cpu->vendor));
			json_object_object_add(go, "baseline", b);
			free(xml);
		} else {
			json_object_object_add(go, "baseline", NULL);
		}
		json_object_object_add(go, "baseline-error", json_str_or_null(gr->bl_err));
		json_object_array_add(o, go);
	}
	put_piece(c, "groups", o, false);
	put_piece(c, "across-vendors", f->ngroups > 1 ? model_json(f, f->across_best) : NULL, false);

	if (f->have_add) {
		o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(f->add.label));
		json_object_object_add(o, "vendor", json_str_or_null(f->add.h->vendor));
		json_object_object_add(o, "new-group", json_object_new_boolean(f->add_group == FLEET_NONE));
		json_object_object_add(o, "best-before", f->add_group == FLEET_NONE ? NULL :
				       model_json(f, f->groups[f->add_group].best));
		json_object_object_add(o, "best-after", model_json(f, f->add_best));
		put_piece(c, "what-if-add", o, false);
	}
	if (f->have_guest) {
		json_object *a = json_object_new_array();
		size_t *ok = xcalloc(f->nhosts + 1, sizeof(*ok)), n = 0;
		o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(guest_file));
		for (size_t i = 0; i < f->nhosts; i++) {
			const struct fleet_host *fh = &f->hosts[i];
			json_object *v = json_object_new_object();
			if (fh->start == FLEET_START_YES)
				ok[n++] = i;
			json_object_object_add(v, "host", json_object_new_int64((int64_t)i + 1));
			json_object_object_add(v, "compare", json_object_new_string(
				cmp_result_name(fh->cmp.result)));
			json_object_object_add(v, "message", json_str_or_null(fh->cmp.message));
			json_object_object_add(v, "starts", json_object_new_boolean(
				fh->start == FLEET_START_YES));
			json_object_object_add(v, "qemu-lacks", fh->start == FLEET_START_QEMU ?
					       fset_names_json(f->ft, &fh->qemu_blockers) : NULL);
			json_object_array_add(a, v);
		}
		json_object_object_add(o, "starts-on", idx_array(ok, n));
		json_object_object_add(o, "migrates-between", idx_array(ok, n > 1 ? n : 0));
		json_object_object_add(o, "hosts", a);
		free(ok);
		put_piece(c, "guest", o, false);
	}

	o = json_object_new_array();
	for (size_t i = 0; i < fc->skipped.n; i++) {
		const struct skipped *s = fc->skipped.v[i];
		json_object *so = json_object_new_object();
		json_object_object_add(so, "file", json_object_new_string(s->file));
		json_object_object_add(so, "why", json_object_new_string(s->why));
		json_object_array_add(o, so);
	}
	put_piece(c, "skipped", o, false);

	/* the matrix, one model at a time */
	fputs("  \"models\": [\n", c->out);
	struct fset blk = FSET_INIT;
	size_t *ids = xcalloc(f->nhosts + 1, sizeof(*ids));
	for (size_t m = 0; m < f->nmodels; m++) {
		const struct fleet_model *fm = &f->models[m];
		json_object *mo = json_object_new_object(), *per = json_object_new_object(), *b;
		size_t n = 0;
		json_object_object_add(mo, "name", json_object_new_string(fm->mv.name));
		json_object_object_add(mo, "alias-of", json_str_or_null(fm->mv.is_alias ?
									fm->mv.resolved : NULL));
		json_object_object_add(mo, "vendor", json_str_or_null(fm->mv.vendor[0] ?
								      vendor_name(fm->mv.vendor) : NULL));
		json_object_object_add(mo, "in-cpu-map", json_object_new_boolean(fm->cm != NULL));
		json_object_object_add(mo, "runs", json_object_new_int64((int64_t)fm->nrun));
		for (size_t g = 0; g < f->ngroups; g++)
			json_object_object_add(per, group_name(&f->groups[g]), json_object_new_int64(
				(int64_t)f->nrun_group[g * f->nmodels + m]));
		json_object_object_add(mo, "runs-per-group", per);
		for (size_t i = 0; i < f->nhosts; i++)
			if (fleet_verdict(f, i, m) == USABLE_YES)
				ids[n++] = i;
		json_object_object_add(mo, "usable", idx_array(ids, n));
		b = json_object_new_array();
		n = 0;
		for (size_t i = 0; i < f->nhosts; i++) {
			enum usable u = fleet_verdict(f, i, m);
			if (u == USABLE_UNKNOWN)
				ids[n++] = i;
			if (u != USABLE_NO)
				continue;
			json_object *bo = json_object_new_object();
			fleet_blockers(f, i, m, &blk);
			json_object_object_add(bo, "host", json_object_new_int64((int64_t)i + 1));
			json_object_object_add(bo, "blockers", fset_names_json(f->ft, &blk));
			json_object_array_add(b, bo);
		}
		json_object_object_add(mo, "blocked", b);
		json_object_object_add(mo, "unknown", idx_array(ids, n));
		fprintf(c->out, "    %s%s\n", json_object_to_json_string_ext(
			mo, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE),
			m + 1 < f->nmodels ? "," : "");
		json_object_put(mo);
	}
	free(ids);
	fset_fini(&blk);
	fputs("  ]\n}\n", c->out);
}

/* ---- CSV --------------------------------------------------------------------------------------- */

/* One field (RFC 4180): quoted when it holds a comma or a quote; control
 * characters (line breaks too) escaped as everywhere else. */
static void csv_field(struct strbuf *sb, const char *s, bool last)
{
	struct strbuf esc = STRBUF_INIT;
	size_t n = strlen(s);

	if (text_is_clean(s, n) && !strpbrk(s, ",\"\n\r")) {
		sb_addn(sb, s, n); /* the common case: as it is */
	} else {
		text_escape(&esc, s, n);
		if (strpbrk(sb_str(&esc), ",\"")) {
			sb_addc(sb, '"');
			for (const char *p = sb_str(&esc); *p; p++) {
				if (*p == '"')
					sb_addc(sb, '"');
				sb_addc(sb, *p);
			}
			sb_addc(sb, '"');
		} else {
			sb_add(sb, sb_str(&esc));
		}
	}
	sb_addc(sb, last ? '\n' : ',');
	sb_fini(&esc);
}

static void print_csv(struct cli *c, struct fleet_cli *fc, const struct fleet *f)
{
	struct strbuf sb = STRBUF_INIT, names = STRBUF_INIT;
	struct fset blk = FSET_INIT;
	char num[32];

	fputs("host,file,form,vendor,model,verdict,blockers\n", c->out);
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		for (size_t m = 0; m < f->nmodels; m++) {
			enum usable u = fleet_verdict(f, i, m);
			sb_reset(&sb);
			sb_reset(&names);
			snprintf(num, sizeof(num), "%zu", i + 1);
			csv_field(&sb, num, false);
			csv_field(&sb, fh->label, false);
			csv_field(&sb, host_kind_name(fh->h->kind), false);
			csv_field(&sb, fh->h->vendor ? fh->h->vendor : "", false);
			csv_field(&sb, f->models[m].mv.name, false);
			csv_field(&sb, verdict_word(u), false);
			if (u == USABLE_NO) {
				fleet_blockers(f, i, m, &blk);
				for (int id = fset_next(&blk, 0); id >= 0;
				     id = fset_next(&blk, (unsigned)id + 1))
					sb_addf(&names, "%s%s", names.len ? " " : "",
						ftable_get(f->ft, (unsigned)id)->name);
			}
			csv_field(&sb, sb_str(&names), true);
			fputs(sb_str(&sb), c->out);
		}
	}
	for (size_t i = 0; i < fc->skipped.n; i++) {
		const struct skipped *s = fc->skipped.v[i];
		cli_warn(c, "%s: skipped: %s", s->file, s->why);
	}
	fset_fini(&blk);
	sb_fini(&sb);
	sb_fini(&names);
}

/* ---- the command ---------------------------------------------------------------------------- */

int cmd_fleet(struct cli *c, int argc, char **argv)
{
	struct fleet_cli fc;
	struct vec args = VEC_INIT;
	const char *guest_file = NULL, *add_file = NULL;
	struct guest_cpu *guest = NULL;
	struct host *add = NULL;
	struct fleet *f = NULL;
	struct err e;
	int rc = CLI_OK;

	memset(&fc, 0, sizeof(fc));
	fc.c = c;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--guest") || !strcmp(a, "--what-if-add")) {
			if (i + 1 >= argc) {
				rc = cli_fail(c, "fleet: %s needs a file", a);
				goto out;
			}
			if (a[2] == 'g')
				guest_file = argv[++i];
			else
				add_file = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			rc = cli_fail(c, "fleet: unknown option '%s' (see cpuscope fleet --help)", a);
			goto out;
		} else {
			vec_push(&args, argv[i]);
		}
	}
	if (!args.n) {
		rc = cli_fail(c, "fleet: which hosts? (usage: cpuscope fleet FILE|DIR... [--guest "
			      "FILE] [--what-if-add FILE])");
		goto out;
	}
	if (c->format != FMT_TEXT && c->format != FMT_JSON && c->format != FMT_CSV) {
		rc = cli_fail(c, "fleet: --format takes text, json or csv");
		goto out;
	}
	if (c->host_file || c->local) {
		rc = cli_fail(c, "fleet: the hosts are the FILE and DIR arguments; --host and --local "
			      "do not apply (--what-if-add FILE adds one)");
		goto out;
	}
	rc = cli_load_data(c);
	if (rc != CLI_OK)
		goto out;
	if (c->s->arch != ARCH_X86_64) {
		rc = cli_fail(c, "fleet: only x86_64 is supported (libvirt keeps no %s CPU map)",
			      arch_name(c->s->arch));
		goto out;
	}
	rc = cli_load_map(c);
	if (rc != CLI_OK)
		goto out;
	for (size_t i = 0; i < args.n && rc == CLI_OK; i++) {
		const char *a = args.v[i];
		struct stat st;
		if (strcmp(a, "-") && stat(a, &st) == 0 && S_ISDIR(st.st_mode))
			rc = take_dir(&fc, a, 0);
		else
			rc = take_file(&fc, a, true);
	}
	if (rc != CLI_OK)
		goto out;
	if (!fc.hosts.n) {
		const struct skipped *s0 = fc.skipped.n ? fc.skipped.v[0] : NULL;
		if (!s0)
			rc = cli_fail(c, "fleet: no files in the directories given");
		else
			rc = cli_fail(c, "fleet: none of the %zu files found is an %s host (the first, "
				      "%s: %s)", fc.skipped.n, arch_name(c->s->arch), s0->file, s0->why);
		goto out;
	}
	err_clear(&e);
	if (guest_file) {
		guest = xml_guest_load(guest_file, &e);
		if (!guest) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
	}
	if (add_file) {
		add = cli_load_one_host(c, add_file, &rc);
		if (!add)
			goto out;
	}
	struct fleet_input in = {
		.ds = c->s->ds,
		.md = c->s->md,
		.map = c->s->map,
		.lv = c->s->libvirt,
		.hosts = (const struct host *const *)fc.hosts.v,
		.labels = (const char *const *)fc.labels.v,
		.nhosts = fc.hosts.n,
		.guest = guest,
		.add = add,
		.add_label = add_file,
	};
	f = fleet_build(&in, &e);
	if (!f) {
		if (!e.file[0] && guest_file)
			snprintf(e.file, sizeof(e.file), "%s", guest_file);
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (c->format == FMT_JSON)
		print_json_report(c, &fc, f, guest_file);
	else if (c->format == FMT_CSV)
		print_csv(c, &fc, f);
	else
		print_text(c, &fc, f, guest_file);
	rc = CLI_OK;
	if (f->have_guest && f->nstart < f->nhosts)
		rc = CLI_NEGATIVE;
out:
	fleet_free(f);
	guest_cpu_free(guest);
	host_free(add);
	vec_fini(&args, NULL);
	vec_fini(&fc.hosts, host_free_item);
	vec_fini(&fc.labels, free_str);
	vec_fini(&fc.skipped, skipped_free);
	strmap_fini(&fc.seen_map);
	return rc;
}
