/* cli_show.c - `cpuscope show MODEL`: one model, its identity and flags, and
 * its features (those the host lacks marked). */
#include "cli_internal.h"

#include "cli.h"
#include "logic.h"
#include "s390x_names.h"
#include "userdata.h"

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
