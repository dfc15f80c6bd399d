/* cli_drift.c - `cpuscope drift`: libvirt's copy of each CPU model
 * against QEMU's own, and what libvirt's checks make of the difference
 * (src/logic/drift.h). */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "drift.h"

static json_object *features_json(const struct cpu_map *map, const struct fset *s)
{
	json_object *a = json_object_new_array();

	/* the map's order and spellings, as libvirt lists them */
	for (size_t i = 0; i < map->features.n; i++) {
		const struct feature *f = map->features.v[i];
		if (fset_has(s, f->id))
			json_object_array_add(a, json_object_new_string(feature_libvirt_name(f)));
	}
	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(map->ft, (unsigned)id);
		bool in_map = false;
		for (size_t i = 0; i < map->features.n && !in_map; i++)
			in_map = map->features.v[i] == f;
		if (!in_map)
			json_object_array_add(a, json_object_new_string(feature_libvirt_name(f)));
	}
	return a;
}

static const char *usable_json(enum usable u)
{
	return u == USABLE_YES ? "yes" : u == USABLE_NO ? "no" : "unknown";
}

static const char *trap_check(enum drift_trap_kind k)
{
	return k == DRIFT_FULL_REFUSES ? "full" : "partial";
}

static json_object *only_json(const struct vec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++) {
		const struct drift_only *o = v->v[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "name", json_object_new_string(o->name));
		json_object_object_add(j, "note", json_object_new_string(o->note));
		json_object_object_add(j, "libvirt_cpu", json_str_or_null(o->cpu));
		json_object_array_add(a, j);
	}
	return a;
}

static json_object *row_json(const struct drift_report *r, const struct drift_row *row)
{
	const struct cpu_map *map = r->map;
	json_object *o = json_object_new_object();
	json_object *a, *v, *s;

	json_object_object_add(o, "name", json_object_new_string(row->name));
	json_object_object_add(o, "qemu", json_object_new_string(row->resolved));
	json_object_object_add(o, "qemu_known", json_object_new_boolean(row->qemu_known));
	json_object_object_add(o, "libvirt_only", features_json(map, &row->libvirt_only));
	json_object_object_add(o, "qemu_only", features_json(map, &row->qemu_only));
	json_object_object_add(o, "accel_off", features_json(map, &row->accel_off));
	json_object_object_add(o, "removed", features_json(map, &row->removed));
	json_object_object_add(o, "tolerated", features_json(map, &row->tolerated));
	json_object_object_add(o, "next_map_drops", features_json(map, &row->next_drops));
	json_object_object_add(o, "usable", json_object_new_string(usable_json(row->usable)));
	json_object_object_add(o, "blockers", features_json(map, &row->blockers));
	json_object_object_add(o, "runnable", json_object_new_boolean(row->runnable));
	json_object_object_add(o, "guest_disable", features_json(map, &row->disable));
	json_object_object_add(o, "libvirt_cpu", json_str_or_null(row->qemu_cpu));
	v = json_object_new_object();
	json_object_object_add(v, "libvirt", json_str_or_null(row->lv_vendor));
	json_object_object_add(v, "qemu", json_str_or_null(row->qemu_vendor[0] ? row->qemu_vendor : NULL));
	json_object_object_add(v, "differs", json_object_new_boolean(row->vendor_differs));
	json_object_object_add(o, "vendor", v);
	s = json_object_new_object();
	a = json_object_new_array();
	for (size_t i = 0; i < row->lv->nsigs; i++) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "family", json_object_new_int(row->lv->sigs[i].family));
		json_object_object_add(g, "model", json_object_new_int(row->lv->sigs[i].model));
		json_object_array_add(a, g);
	}
	json_object_object_add(s, "libvirt", a);
	if (row->qemu_family >= 0 && row->qemu_model >= 0) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "family", json_object_new_int64(row->qemu_family));
		json_object_object_add(g, "model", json_object_new_int64(row->qemu_model));
		json_object_object_add(s, "qemu", g);
	} else {
		json_object_object_add(s, "qemu", NULL);
	}
	json_object_object_add(s, "differs", json_object_new_boolean(row->signature_differs));
	json_object_object_add(o, "signature", s);
	a = json_object_new_array();
	for (size_t i = 0; i < row->traps.n; i++) {
		const struct drift_trap *t = row->traps.v[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "kind", json_object_new_string(drift_trap_name(t->kind)));
		json_object_object_add(j, "check", json_object_new_string(trap_check(t->kind)));
		json_object_object_add(j, "guest_disables_blockers",
				       json_object_new_boolean(t->kind != DRIFT_LETS_THROUGH));
		json_object_object_add(j, "features", features_json(map, &t->features));
		json_object_object_add(j, "message", json_str_or_null(t->message));
		json_object_object_add(j, "consequence", json_object_new_string(t->consequence));
		json_object_array_add(a, j);
	}
	json_object_object_add(o, "traps", a);
	a = json_object_new_array();
	for (size_t i = 0; i < row->actions.n; i++) {
		const struct drift_action *d = row->actions.v[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "text", json_object_new_string(d->text));
		json_object_object_add(j, "xml", json_str_or_null(d->xml));
		json_object_array_add(a, j);
	}
	json_object_object_add(o, "actions", a);
	a = json_object_new_array();
	for (size_t i = 0; i < row->notes.n; i++)
		json_object_array_add(a, json_object_new_string(row->notes.v[i]));
	json_object_object_add(o, "notes", a);
	return o;
}

static void print_drift_json(struct cli *c, const struct drift_report *r)
{
	json_object *o = json_object_new_object();
	json_object *a, *t;

	json_object_object_add(o, "title", json_object_new_string(r->title));
	json_object_object_add(o, "map", json_object_new_string(r->map_label));
	json_object_object_add(o, "libvirt_checks", json_object_new_string(drift_libvirt_name(r->libvirt)));
	json_object_object_add(o, "machine", json_object_new_string(r->machine));
	json_object_object_add(o, "host_model", json_object_new_string(r->host_model));
	json_object_object_add(o, "verdict", json_object_new_string(r->verdict));
	json_object_object_add(o, "map_models", json_object_new_int64((int64_t)r->nmap));
	json_object_object_add(o, "qemu_models", json_object_new_int64((int64_t)r->nqemu));
	json_object_object_add(o, "differ", json_object_new_int64((int64_t)r->ndiffer));
	t = json_object_new_object();
	for (int k = 0; k < DRIFT_TRAP__COUNT; k++)
		json_object_object_add(t, drift_trap_name((enum drift_trap_kind)k),
				       json_object_new_int64((int64_t)r->ntraps[k]));
	json_object_object_add(o, "traps", t);
	a = json_object_new_array();
	for (size_t i = 0; i < r->rows.n; i++)
		json_object_array_add(a, row_json(r, r->rows.v[i]));
	json_object_object_add(o, "models", a);
	json_object_object_add(o, "libvirt_only_models", only_json(&r->libvirt_only_models));
	json_object_object_add(o, "qemu_only_models", only_json(&r->qemu_only_models));
	print_json(c, o);
	json_object_put(o);
}

int cmd_drift(struct cli *c, int argc, char **argv)
{
	const char *map_spec = NULL;
	struct vec models = VEC_INIT;
	struct drift_report *r = NULL;
	struct err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--map")) {
			if (i + 1 >= argc) {
				vec_fini(&models, NULL);
				return cli_fail(c, "drift: --map needs a value (system, 9.0, 11.3 or a "
						"directory)");
			}
			map_spec = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			vec_fini(&models, NULL);
			return cli_fail(c, "drift: unknown option '%s' (see cpuscope drift --help)", argv[i]);
		} else {
			vec_push(&models, argv[i]);
		}
	}
	if (c->format != FMT_TEXT && c->format != FMT_JSON) {
		vec_fini(&models, NULL);
		return cli_fail(c, "drift: --format takes text or json");
	}
	rc = cli_load_data(c);
	if (rc == CLI_OK)
		rc = cli_load_host(c);
	if (rc != CLI_OK)
		goto out;
	err_clear(&e);
	r = drift_session(c->s, c->s->host, host_label(c), map_spec,
			  (const char *const *)models.v, models.n, &e);
	if (!r) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (c->format == FMT_JSON) {
		print_drift_json(c, r);
	} else {
		char *text = drift_text(r, models.n > 0);
		fputs(text, c->out);
		free(text);
	}
	rc = CLI_OK;
	for (int k = 0; k < DRIFT_TRAP__COUNT; k++)
		if (r->ntraps[k])
			rc = CLI_NEGATIVE;
out:
	drift_report_free(r);
	vec_fini(&models, NULL);
	return rc;
}
