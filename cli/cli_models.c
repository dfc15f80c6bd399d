/* cli_models.c - `cpuscope models [--usable|--unusable] [--sort name|qmp]`: every
 * model of the machine type, whether the host runs it and what blocks it. */
#include "cli_internal.h"

#include <string.h>

#include "cli.h"
#include "custom_def.h"
#include "logic.h"
#include "vendor.h"

static const char *usable_word(enum usable u)
{
	return u == USABLE_YES ? "yes" : u == USABLE_NO ? "no" : "?";
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
