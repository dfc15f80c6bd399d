/* hosts.c - the hosts pane's view-model: every loaded host (the --host
 * one and the files in data/hosts) with libvirt's compare verdict for the
 * guest CPU of the editor, and the baseline of the hosts the user chose.
 * The verdicts and the baseline come from the core (cpu_compare,
 * baseline_*); this file only decides when to ask and keeps the answers. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "decode.h"
#include "err.h"
#include "session.h"

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
	struct host_row *r = &a->hosts[a->nhosts++];

	memset(r, 0, sizeof(*r));
	r->h = h;
	r->file = file;
	r->main = main;
	r->model = host_model_name(a, h, &r->decoded);
}

void app_hosts_build(struct app *a)
{
	if (a->hosts_built)
		return;
	a->hosts_built = true;
	app_load_extra_hosts(a);
	a->hosts = xcalloc(a->extra_hosts.n + 2, sizeof(*a->hosts));
	a->bl_from = xcalloc(a->extra_hosts.n + 2, sizeof(*a->bl_from));
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
	const struct guest_cpu *g = a->guest;

	free(a->hosts_note);
	a->hosts_note = NULL;
	for (size_t i = 0; i < a->nhosts; i++)
		host_row_clear_cmp(&a->hosts[i]);
	if (a->ds->arch != ARCH_X86_64) {
		a->hosts_note = xstrdup("compare and baseline work on x86_64 CPUs (libvirt asks QEMU "
					"itself on s390x)");
		return;
	}
	if (!a->map) {
		a->hosts_note = xstrdup("no cpu_map: compare and baseline need libvirt's cpu_map "
					"(--cpu-map DIR)");
		return;
	}
	if (g->mode != MODE_CUSTOM) {
		a->hosts_note = xasprintf("the guest CPU is %s: each host decides the CPU when the "
					  "guest starts; compare needs a custom model", cpu_mode_name(g->mode));
		return;
	}
	if (!g->model) {
		a->hosts_note = xstrdup("no guest CPU yet: Enter on a model in the list (1), or load a "
					"baseline here (Space, b, L)");
		return;
	}
	struct guest_ctx gctx = { a->ds, a->md, a->host, a->host_label, a->map };
	struct guest_cpu *rg = guest_custom_resolve(&gctx, g); /* a custom model's base */
	for (size_t i = 0; i < a->nhosts; i++) {
		struct host_row *r = &a->hosts[i];
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
	size_t n = 0;

	for (size_t i = 0; i < a->nhosts; i++)
		n += a->hosts[i].chosen;
	return n;
}

bool app_hosts_stale(const struct app *a)
{
	if (!a->bl && !a->bl_err)
		return false;
	for (size_t i = 0; i < a->nhosts; i++)
		if (a->hosts[i].chosen != a->bl_from[i])
			return true;
	return false;
}

static void baseline_clear(struct app *a)
{
	if (a->bl) {
		baseline_result_fini(a->bl);
		free(a->bl);
		a->bl = NULL;
	}
	free(a->bl_err);
	a->bl_err = NULL;
}

void app_hosts_baseline(struct app *a)
{
	struct baseline b;
	struct baseline_opts o = { .expand_features = false, .migratable = false, .qemu_filter = true,
				   .lv = a->s->libvirt };
	struct baseline_result *r = NULL;
	struct err e;
	size_t n = app_hosts_chosen(a);
	bool inited = false;

	memset(&b, 0, sizeof(b));
	baseline_clear(a);
	for (size_t i = 0; i < a->nhosts; i++)
		a->bl_from[i] = a->hosts[i].chosen;
	if (!n) {
		a->bl_err = xstrdup("no host chosen");
		goto out;
	}
	if (a->ds->arch != ARCH_X86_64) {
		a->bl_err = xstrdup("baseline works on x86_64 CPUs");
		goto out;
	}
	if (!a->map) {
		a->bl_err = xstrdup("no cpu_map: baseline needs libvirt's cpu_map (--cpu-map DIR)");
		goto out;
	}
	baseline_init(&b, a->map);
	inited = true;
	for (size_t i = 0; i < a->nhosts; i++) {
		const struct host_row *h = &a->hosts[i];
		err_clear(&e);
		if (h->chosen && !baseline_add_host(&b, h->h, &e)) {
			a->bl_err = xasprintf("%s: %s", h->file, e.msg);
			goto out;
		}
	}
	r = xcalloc(1, sizeof(*r));
	err_clear(&e);
	if (!baseline_finish(&b, &o, r, &e)) {
		a->bl_err = xstrdup(e.msg);
		goto out;
	}
	a->bl = r;
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
	if (!a->bl || !a->bl->cpu)
		return false;
	return app_load_guest(a, a->bl->cpu);
}

void app_hosts_fini(struct app *a)
{
	for (size_t i = 0; i < a->nhosts; i++) {
		host_row_clear_cmp(&a->hosts[i]);
		free(a->hosts[i].model);
	}
	free(a->hosts);
	a->hosts = NULL;
	a->nhosts = 0;
	free(a->hosts_note);
	a->hosts_note = NULL;
	baseline_clear(a);
	free(a->bl_from);
	a->bl_from = NULL;
	a->hosts_built = false;
}
