/* live.c - the live probe from inside the explorer (p) and the background
 * fill of a live session's other machine types: started here, serviced by
 * the event loop (tui.c), and the new dataset put in place of the old. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "probe.h"
#include "session.h"

/* ---- live probe ---------------------------------------------------------- */

static void on_probe_progress(void *ctx, const struct probe_progress *p)
{
	struct app *a = ctx;
	static const char spin[] = "|/-\\";

	a->probe_spin++;
	snprintf(a->probe_status, sizeof(a->probe_status),
		 "%c %s %s: %zu/%zu machine types%s%s, %zu/%zu queries%s%s  (Esc cancels)",
		 spin[a->probe_spin % 4], a->probe_fill ? "loading the other machine types from" :
		 "probing", a->probe_binary ? a->probe_binary : "QEMU", p->done, p->total,
		 p->failed ? ", failed " : "", p->failed ? "some" : "", p->cmds_done, p->cmds_total,
		 p->message ? "; " : "", p->message ? p->message : "");
	a->need_redraw = true;
}

void app_probe_start(struct app *a, const char *spec)
{
	struct probe_opts o;
	struct err e;
	char buf[1200];
	struct vec words = VEC_INIT, machines = VEC_INIT;

	if (a->probe) {
		app_status(a, R_WARN, "a probe is already running (Esc cancels it)");
		return;
	}
	/* "BINARY [MACHINE,MACHINE...]" */
	for (const char *p = spec; *p;) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (q > p)
			vec_push(&words, xstrndup(p, (size_t)(q - p)));
		p = q;
	}
	if (!words.n) {
		app_status(a, R_WARN, "probe: which QEMU binary?");
		goto out;
	}
	if (words.n > 1)
		split_list(words.v[1], &machines);
	vec_push(&machines, NULL);
	memset(&o, 0, sizeof(o));
	o.binary = words.v[0];
	o.machines = words.n > 1 ? (const char *const *)machines.v : NULL;
	o.all_machines = words.n == 1;
	o.progress = on_probe_progress;
	o.ctx = a;
	err_clear(&e);
	free(a->probe_binary);
	a->probe_binary = xstrdup(words.v[0]);
	a->probe = probe_start(&o, a->ft, &e);
	if (!a->probe) {
		app_status(a, R_ERROR, "probe: %s", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	snprintf(a->probe_status, sizeof(a->probe_status), "probing %s: starting (Esc cancels)",
		 a->probe_binary);
	app_status(a, R_DEFAULT, "%s", "");
out:
	vec_fini(&machines, free);
	vec_fini(&words, free);
}

/* Put a new dataset in place of the old one: every view-model that points
 * into the old data is rebuilt; the guest CPU keeps its names. */
static void app_replace_data(struct app *a, struct dataset *ds)
{
	char keep[160] = "";
	struct model_row *cur = app_selected_model(a);

	if (cur)
		snprintf(keep, sizeof(keep), "%s", cur->mv.name);
	app_views_drop(a);
	session_replace_data(a->s, ds, a->probe_binary);
	app_views_rebuild(a, keep);
}

/* A live session starts with the machine type in use only (one QEMU, about
 * a second cold); the other machine types come in the background. */
void app_probe_fill(struct app *a)
{
	struct probe_opts o;
	struct err e;
	char buf[1200];
	size_t lacking = 0;

	for (size_t i = 0; i < a->ds->machines.n; i++) {
		const struct machine *m = vec_get(&a->ds->machines, i);
		lacking += !dataset_find_mdata(a->ds, m->name);
	}
	if (a->probe || !a->s->live || !a->s->qemu_binary || !lacking)
		return;
	memset(&o, 0, sizeof(o));
	o.binary = a->s->qemu_binary;
	o.accel = a->ds->accel;
	o.all_machines = true;
	o.progress = on_probe_progress;
	o.ctx = a;
	err_clear(&e);
	free(a->probe_binary);
	a->probe_binary = xstrdup(a->s->qemu_binary);
	a->probe = probe_start(&o, a->ft, &e);
	if (!a->probe) {
		app_status(a, R_WARN, "the other machine types: %s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	a->probe_fill = true;
	snprintf(a->probe_status, sizeof(a->probe_status),
		 "loading the other machine types from %s (Esc stops)", a->probe_binary);
}

void app_probe_done(struct app *a)
{
	struct err e;
	char buf[1200];
	struct dataset *ds;

	if (!a->probe)
		return;
	err_clear(&e);
	ds = probe_finish(a->probe, &e);
	a->probe = NULL;
	a->probe_status[0] = '\0';
	bool fill = a->probe_fill;
	a->probe_fill = false;
	if (!ds || !a->md || !ds->mdatas.n) {
		if (ds)
			dataset_free(ds);
		const char *why = ds ? "no data captured" : err_str(&e, buf, sizeof(buf));
		app_status(a, R_ERROR, "%s%s", str_startswith(why, "probe") ? "" : "probe: ", why);
		return;
	}
	size_t missing = ds->missing.n;
	app_replace_data(a, ds);
	if (!a->md) {
		app_status(a, R_ERROR, "probe: the new data has no machine types");
		return;
	}
	if (fill) {
		app_status(a, missing ? R_WARN : R_GOOD, "QEMU %s on this machine: %zu machine types%s",
			   ds->qemu_version ? ds->qemu_version : "?", ds->mdatas.n,
			   missing ? " (some failed; see cpuscope probe)" : "");
		return;
	}
	app_status(a, missing ? R_WARN : R_GOOD, "probed %s: QEMU %s, %zu machine types, %zu models on %s%s",
		   a->probe_binary, ds->qemu_version ? ds->qemu_version : "?", ds->mdatas.n, app_models_count(a),
		   a->md->machine, missing ? " (some parts failed; see cpuscope probe)" : "");
}
