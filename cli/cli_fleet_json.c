/* cli_fleet_json.c - the report of `cpuscope fleet` (src/logic/fleet.h) for
 * programs: JSON (--format json) and CSV (--format csv). */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fleet.h"
#include "text.h"
#include "vendor.h"

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
	const char **names = xcalloc(fset_count(s) + 1, sizeof(*names));
	size_t n = lv_feature_names(map, s, names);

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	free(names);
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

void cli_fleet_json(struct cli *c, const struct vec *skipped, const struct fleet *f,
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
	for (size_t i = 0; i < skipped->n; i++) {
		const struct fleet_skipped *s = skipped->v[i];
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
			json_object_object_add(per, cli_fleet_group_name(&f->groups[g]),
					       json_object_new_int64(
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

static const char *verdict_word(enum usable u)
{
	return u == USABLE_YES ? "usable" : u == USABLE_NO ? "blocked" : "unknown";
}

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

void cli_fleet_csv(struct cli *c, const struct vec *skipped, const struct fleet *f)
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
	for (size_t i = 0; i < skipped->n; i++) {
		const struct fleet_skipped *s = skipped->v[i];
		cli_warn(c, "%s: skipped: %s", s->file, s->why);
	}
	fset_fini(&blk);
	sb_fini(&sb);
	sb_fini(&names);
}
