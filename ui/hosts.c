/* hosts.c - the hosts pane's view-model: every loaded host (the --host
 * one and the files in data/hosts) with libvirt's compare verdict for the
 * guest CPU of the editor, and the baseline of the hosts the user chose.
 * The verdicts and the baseline come from the core (cpu_compare,
 * baseline_*); this file only decides when to ask and keeps the answers. */
#include "hosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "decode.h"
#include "err.h"
#include "session.h"

struct hosts_state *hosts_state(const struct app *a)
{
	return a->views[V_HOSTS].private;
}

size_t app_hosts_count(const struct app *a)
{
	return hosts_state(a)->n;
}

/* The libvirt model a host names, or the one libvirt's decode gives its
 * features (QMP and CPUID hosts name none). */
static char *host_model_name(const struct app *a, const struct host *h, bool *decoded)
{
	struct decode_input in;
	struct decode_result dr;
	struct err e;
	char *name = NULL;

	*decoded = false;
	if (h->model)
		return xstrdup(h->model);
	if (!a->map || h->arch != ARCH_X86_64 || !h->resolved)
		return NULL;
	memset(&dr, 0, sizeof(dr));
	err_clear(&e);
	decode_input_from_host(&in, h, DECODE_HOST);
	if (cpu_decode(a->map, &in, &dr, &e) && dr.model) {
		name = xstrdup(dr.model->name);
		*decoded = true;
	}
	decode_result_fini(&dr);
	return name;
}

static void host_row_add(struct app *a, const struct host *h, const char *file, bool main)
{
	struct hosts_state *hs = hosts_state(a);
	struct host_row *r = &hs->rows[hs->n++];

	memset(r, 0, sizeof(*r));
	r->h = h;
	r->file = file;
	r->main = main;
	r->model = host_model_name(a, h, &r->decoded);
}

void app_hosts_build(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (hs->built)
		return;
	hs->built = true;
	app_load_extra_hosts(a);
	hs->rows = xcalloc(a->extra_hosts.n + 2, sizeof(*hs->rows));
	hs->bl_from = xcalloc(a->extra_hosts.n + 2, sizeof(*hs->bl_from));
	if (a->host && a->host->resolved)
		host_row_add(a, a->host, a->host_label, true);
	for (size_t i = 0; i < a->extra_hosts.n; i++)
		host_row_add(a, a->extra_hosts.v[i], a->extra_labels.v[i], false);
	app_hosts_compare(a);
}

static void host_row_clear_cmp(struct host_row *r)
{
	if (r->have_cmp)
		cmp_report_fini(&r->cmp);
	r->have_cmp = false;
	free(r->cmp_err);
	r->cmp_err = NULL;
}

void app_hosts_compare(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	const struct guest_cpu *g = a->guest;

	free(hs->note);
	hs->note = NULL;
	for (size_t i = 0; i < hs->n; i++)
		host_row_clear_cmp(&hs->rows[i]);
	if (a->ds->arch != ARCH_X86_64) {
		hs->note = xstrdup("compare and baseline work on x86_64 CPUs (libvirt asks QEMU "
				   "itself on s390x)");
		return;
	}
	if (!a->map) {
		hs->note = xstrdup("no cpu_map: compare and baseline need libvirt's cpu_map "
				   "(--cpu-map DIR)");
		return;
	}
	if (g->mode != MODE_CUSTOM) {
		hs->note = xasprintf("the guest CPU is %s: each host decides the CPU when the "
				     "guest starts; compare needs a custom model", cpu_mode_name(g->mode));
		return;
	}
	if (!g->model) {
		hs->note = xstrdup("no guest CPU yet: Enter on a model in the list (1), or load a "
				   "baseline here (Space, b, L)");
		return;
	}
	struct guest_ctx gctx = { a->ds, a->md, a->host, a->host_label, a->map };
	struct guest_cpu *rg = guest_custom_resolve(&gctx, g); /* a custom model's base */
	for (size_t i = 0; i < hs->n; i++) {
		struct host_row *r = &hs->rows[i];
		struct err e;
		char buf[1200];

		err_clear(&e);
		if (cpu_compare(r->h, rg ? rg : g, a->map, a->s->libvirt, &r->cmp, &e))
			r->have_cmp = true;
		else
			r->cmp_err = xstrdup(err_str(&e, buf, sizeof(buf)));
	}
	guest_cpu_free(rg);
}

size_t app_hosts_chosen(const struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	size_t n = 0;

	for (size_t i = 0; i < hs->n; i++)
		n += hs->rows[i].chosen;
	return n;
}

bool app_hosts_stale(const struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (!hs->bl && !hs->bl_err)
		return false;
	for (size_t i = 0; i < hs->n; i++)
		if (hs->rows[i].chosen != hs->bl_from[i])
			return true;
	return false;
}

static void baseline_clear(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (hs->bl) {
		baseline_result_fini(hs->bl);
		free(hs->bl);
		hs->bl = NULL;
	}
	free(hs->bl_err);
	hs->bl_err = NULL;
}

void app_hosts_baseline(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	struct baseline b;
	struct baseline_opts o = { .expand_features = false, .migratable = false, .qemu_filter = true,
				   .lv = a->s->libvirt };
	struct baseline_result *r = NULL;
	struct err e;
	size_t n = app_hosts_chosen(a);
	bool inited = false;

	memset(&b, 0, sizeof(b));
	baseline_clear(a);
	for (size_t i = 0; i < hs->n; i++)
		hs->bl_from[i] = hs->rows[i].chosen;
	if (!n) {
		hs->bl_err = xstrdup("no host chosen");
		goto out;
	}
	if (a->ds->arch != ARCH_X86_64) {
		hs->bl_err = xstrdup("baseline works on x86_64 CPUs");
		goto out;
	}
	if (!a->map) {
		hs->bl_err = xstrdup("no cpu_map: baseline needs libvirt's cpu_map (--cpu-map DIR)");
		goto out;
	}
	baseline_init(&b, a->map);
	inited = true;
	for (size_t i = 0; i < hs->n; i++) {
		const struct host_row *h = &hs->rows[i];
		err_clear(&e);
		if (h->chosen && !baseline_add_host(&b, h->h, &e)) {
			char hint[PATH_MAX + 128];
			hs->bl_err = xasprintf("%s: %s%s", h->file, e.msg,
					       session_map_hint(a->s, e.msg, hint, sizeof(hint)));
			goto out;
		}
	}
	r = xcalloc(1, sizeof(*r));
	err_clear(&e);
	if (!baseline_finish(&b, &o, r, &e)) {
		hs->bl_err = xstrdup(e.msg);
		goto out;
	}
	hs->bl = r;
	r = NULL;
out:
	if (r) {
		baseline_result_fini(r);
		free(r);
	}
	if (inited)
		baseline_fini(&b);
}

bool app_hosts_load_baseline(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (!hs->bl || !hs->bl->cpu)
		return false;
	return app_load_guest(a, hs->bl->cpu);
}

void app_hosts_fini(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	for (size_t i = 0; i < hs->n; i++) {
		host_row_clear_cmp(&hs->rows[i]);
		free(hs->rows[i].model);
	}
	free(hs->rows);
	hs->rows = NULL;
	hs->n = 0;
	free(hs->note);
	hs->note = NULL;
	baseline_clear(a);
	free(hs->bl_from);
	hs->bl_from = NULL;
	hs->built = false;
}
