/* cli_grid.c - `cpuscope grid MODEL... [--versions|--views|--machines LIST|
 * --qemu LIST|--hosts FILE...] [--all]`: the feature grid as text or JSON. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "logic.h"
#include "s390x.h"
#include "upgrade.h"

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
