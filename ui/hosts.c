/* hosts.c - the hosts pane's view-model: every loaded host (the --host
 * one and the files in data/hosts) with libvirt's compare verdict for the
 * guest CPU of the editor, and the baseline of the hosts the user chose.
 * The verdicts and the baseline come from the core (cpu_compare,
 * baseline_*); this file only decides when to ask and keeps the answers.
 *
 * On s390x libvirt asks QEMU, and so does this pane, through the same
 * core functions as `cpuscope compare` and `baseline` (s390x.h): each
 * host's CPU (and QEMU's own, a row of its own) against the guest CPU,
 * row after row, and the baseline of the chosen ones.  A capture answers
 * at once; a live QEMU (about 0.3 s to start) is asked in the background,
 * its pipes polled by the event loop like the probe's, with the question
 * in the status bar and Esc to give it up. */
#include "hosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "decode.h"
#include "err.h"
#include "session.h"
#include "s390x.h"

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

/* s390x: QEMU's own CPU (max under TCG, host under KVM), as `cpuscope
 * compare` without --host takes it; its label and model follow the data. */
static void qemu_row_label(struct app *a, struct host_row *r)
{
	struct s390x_cpu cpu;
	char *what = NULL;
	struct err e;

	free(r->label);
	r->label = xasprintf("QEMU's %s for %s", s390x_own_cpu_name(a->ds),
			     a->ds->accel ? a->ds->accel : "its accelerator");
	r->file = r->label;
	err_clear(&e);
	if (s390x_host_cpu(a->ds, a->md, NULL, &cpu, &what, &e)) {
		free(r->model);
		r->model = xstrdup(cpu.name);
		s390x_cpu_fini(&cpu);
	}
	free(what);
}

static void qemu_row_add(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	struct host_row *r = &hs->rows[hs->n++];

	memset(r, 0, sizeof(*r));
	qemu_row_label(a, r);
}

void app_hosts_build(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (hs->built)
		return;
	hs->built = true;
	app_load_extra_hosts(a);
	hs->rows = xcalloc(a->extra_hosts.n + 3, sizeof(*hs->rows));
	hs->bl_from = xcalloc(a->extra_hosts.n + 3, sizeof(*hs->bl_from));
	if (a->host && a->host->resolved)
		host_row_add(a, a->host, a->host_label, true);
	if (a->ds->arch == ARCH_S390X)
		qemu_row_add(a);
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
	if (r->have_qcmp)
		s390x_compare_fini(&r->qcmp);
	r->have_qcmp = false;
	free(r->qsource);
	free(r->qother);
	free(r->qwhat);
	r->qsource = r->qother = r->qwhat = NULL;
	r->asking = false;
}

/* ---- s390x: QEMU's answers, in the background ------------------------------ */

static void hq_start(struct app *a, struct hosts_qemu *w)
{
	if (w->inited)
		return;
	s390x_qemu_init(&w->q, a->s);
	w->q.short_names = true;
	w->inited = true;
	w->waited = false;
}

/* Give the job up (a QEMU still answering is killed) and close QEMU. */
static void hq_stop(struct hosts_qemu *w)
{
	s390x_job_free(w->job);
	w->job = NULL;
	if (w->inited)
		s390x_qemu_fini(&w->q);
	w->inited = false;
	w->waited = false;
}

/* $CPUSCOPE_QMP_RECORD=FILE: the exchanges appended to FILE, as the CLI
 * records them (tests/data/s390x/capture.sh makes the TUI tests' capture
 * that way). */
static void hq_record(struct app *a, struct hosts_qemu *w)
{
	const char *path = getenv("CPUSCOPE_QMP_RECORD");
	char buf[1200];
	struct err e;

	err_clear(&e);
	if (path && *path && w->inited && !s390x_qemu_record(&w->q, path, &e))
		app_status(a, R_WARN, "%s", err_str(&e, buf, sizeof(buf)));
}

/* "QEMU 7.2.22 on this machine (tcg): query-cpu-model-comparison" */
static char *qsource(const struct hosts_qemu *w, const char *command)
{
	char label[512];

	return xasprintf("%s: %s", s390x_qemu_label(&w->q, label, sizeof(label)), command);
}

static char *qother(const struct hosts_qemu *w)
{
	char buf[256];

	return s390x_other_qemu(&w->q, buf, sizeof(buf)) ? xstrdup(buf) : NULL;
}

static void qstatus(struct app *a, const struct hosts_qemu *w, const char *what)
{
	struct hosts_state *hs = hosts_state(a);
	const char *bin = w->q.binary ? strrchr(w->q.binary, '/') : NULL;

	bin = bin ? bin + 1 : w->q.binary ? w->q.binary : "QEMU";
	snprintf(hs->status, sizeof(hs->status), "asking %s: %s, %s (Esc stops)", bin,
		 s390x_job_asking(w->job), what);
	a->need_redraw = true;
}

/* The row's compare is over: QEMU's answer, or why there is none. */
static void qcompare_take(struct app *a, struct host_row *r)
{
	struct hosts_state *hs = hosts_state(a);
	char buf[1400], hint[768];
	struct err e;

	err_clear(&e);
	r->asking = false;
	if (s390x_compare_finish(hs->cq.job, &r->qcmp, &e)) {
		r->have_qcmp = true;
		r->qsource = qsource(&hs->cq, "query-cpu-model-comparison");
		r->qother = qother(&hs->cq);
	} else {
		r->cmp_err = xasprintf("%s%s", err_str(&e, buf, sizeof(buf)),
				       s390x_refusal_hint(&hs->cq.q, hs->qguest, hint, sizeof(hint)));
	}
	hs->cq.job = NULL;
}

/* Ask for the rows from cq_row on, until a question waits for QEMU (the
 * event loop goes on with app_hosts_service) or every row has its answer. */
static void qcompare_run(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	size_t asked = 0;

	for (; hs->cq_row < hs->n; hs->cq_row++) {
		struct host_row *r = &hs->rows[hs->cq_row];
		if (!hs->cq.job) {
			struct s390x_cpu cpu;
			char *what = NULL, buf[1200];
			struct err e;
			err_clear(&e);
			if (!r->h)
				qemu_row_label(a, r);
			if (!s390x_host_cpu(a->ds, a->md, r->h, &cpu, &what, &e)) {
				r->cmp_err = xstrdup(err_str(&e, buf, sizeof(buf)));
				continue;
			}
			if (!r->h) {
				r->qwhat = what;
				what = NULL;
			}
			free(what);
			hs->cq.job = s390x_compare_start(&hs->cq.q, &cpu, hs->qguest);
			s390x_cpu_fini(&cpu);
			r->asking = true;
		}
		if (s390x_job_busy(hs->cq.job)) {
			char what[PATH_MAX + 64];
			snprintf(what, sizeof(what), "host %zu of %zu", hs->cq_row + 1, hs->n);
			hs->cq.waited = true;
			qstatus(a, &hs->cq, what);
			return;
		}
		qcompare_take(a, r);
	}
	for (size_t i = 0; i < hs->n; i++)
		asked += hs->rows[i].have_qcmp;
	hq_record(a, &hs->cq);
	if (hs->cq.waited)
		app_status(a, asked == hs->n ? R_GOOD : R_WARN, "QEMU answered for %zu of %zu host%s",
			   asked, hs->n, hs->n == 1 ? "" : "s");
	hq_stop(&hs->cq);
	a->need_redraw = true;
}

/* compare on s390x: the guest CPU as `cpuscope compare` hands it to QEMU. */
static void qcompare_start(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	const struct guest_cpu *g = a->guest;
	char buf[1200];
	struct err e;

	hq_stop(&hs->cq);
	hs->cq_row = 0;
	if (hs->qguest) {
		s390x_cpu_fini(hs->qguest);
		free(hs->qguest);
		hs->qguest = NULL;
	}
	if (g->mode == MODE_CUSTOM && !g->model) {
		hs->note = xstrdup("no guest CPU yet: Enter on a model in the list (1), or load a "
				   "baseline here (Space, b, L)");
		return;
	}
	hs->qguest = xcalloc(1, sizeof(*hs->qguest));
	err_clear(&e);
	if (!s390x_cpu_from_guest(g, hs->qguest, &e)) {
		hs->note = xasprintf("the guest CPU is %s, and libvirt refuses to compare it on s390x "
				     "(%s): compare needs a model, host-passthrough or maximum",
				     cpu_mode_name(g->mode), err_str(&e, buf, sizeof(buf)));
		free(hs->qguest);
		hs->qguest = NULL;
		return;
	}
	hq_start(a, &hs->cq);
	qcompare_run(a);
}

void app_hosts_compare(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	const struct guest_cpu *g = a->guest;

	free(hs->note);
	hs->note = NULL;
	for (size_t i = 0; i < hs->n; i++)
		host_row_clear_cmp(&hs->rows[i]);
	if (a->ds->arch == ARCH_S390X) {
		qcompare_start(a);
		return;
	}
	if (a->ds->arch != ARCH_X86_64) {
		hs->note = xasprintf("compare and baseline work on x86_64 and s390x CPUs, not %s",
				     arch_name(a->ds->arch));
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

	if (!hs->bl && !hs->bl_err && !hs->qbl)
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
	hq_stop(&hs->bq);
	if (hs->qbl) {
		s390x_baseline_fini(hs->qbl);
		free(hs->qbl);
		hs->qbl = NULL;
	}
	guest_cpu_free(hs->qbl_guest);
	hs->qbl_guest = NULL;
	free(hs->qbl_source);
	free(hs->qbl_other);
	hs->qbl_source = hs->qbl_other = NULL;
}

void app_hosts_baseline_said(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	size_t n = 0;

	for (size_t i = 0; i < hs->n; i++)
		n += hs->bl_from[i];
	if (hs->bl)
		app_status(a, R_GOOD, "baseline of %zu host%s: %s%s%s; L loads it into the guest "
			   "editor", n, n == 1 ? "" : "s", hs->bl->cpu->model ? hs->bl->cpu->model : "-",
			   hs->bl->cpu->vendor ? ", " : "", hs->bl->cpu->vendor ? hs->bl->cpu->vendor : "");
	else if (hs->qbl)
		app_status(a, R_GOOD, "baseline of %zu host%s: %s (%zu features); L loads it into the "
			   "guest editor", n, n == 1 ? "" : "s", hs->qbl->cpu.name, hs->qbl->cpu.props.n);
	else if (hs->bl_err)
		app_status(a, R_ERROR, "baseline: %s", hs->bl_err);
}

/* The baseline is over: QEMU's answer, or why there is none. */
static void qbaseline_take(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	struct s390x_baseline *b = xcalloc(1, sizeof(*b));
	char buf[1400], hint[768];
	struct err e;

	err_clear(&e);
	if (s390x_baseline_finish(hs->bq.job, b, &e)) {
		hs->qbl = b;
		hs->qbl_guest = s390x_cpu_guest(&b->cpu);
		hs->qbl_source = qsource(&hs->bq, b->ncpus > 1 ? "query-cpu-model-baseline" :
					 "query-cpu-model-expansion (static)");
		hs->qbl_other = qother(&hs->bq);
	} else {
		free(b);
		hs->bl_err = xasprintf("%s%s", err_str(&e, buf, sizeof(buf)),
				       s390x_refusal_hint(&hs->bq.q, NULL, hint, sizeof(hint)));
	}
	hs->bq.job = NULL;
	hq_record(a, &hs->bq);
	if (hs->bq.waited) {
		hs->bl_fresh = true;
		app_hosts_baseline_said(a);
	}
	hq_stop(&hs->bq);
	a->need_redraw = true;
}

static void qbaseline_run(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (!hs->bq.job)
		return;
	if (s390x_job_busy(hs->bq.job)) {
		char what[64];
		snprintf(what, sizeof(what), "baseline of %zu host%s", app_hosts_chosen(a),
			 app_hosts_chosen(a) == 1 ? "" : "s");
		hs->bq.waited = true;
		qstatus(a, &hs->bq, what);
		return;
	}
	qbaseline_take(a);
}

/* baseline on s390x: the chosen hosts' CPUs (QEMU's own included) as
 * `cpuscope baseline` hands them to QEMU. */
static void qbaseline_start(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	struct s390x_cpu *list = xcalloc(hs->n + 1, sizeof(*list));
	size_t n = 0;
	struct err e;

	for (size_t i = 0; i < hs->n; i++) {
		const struct host_row *r = &hs->rows[i];
		char *what = NULL, buf[1200];
		if (!r->chosen)
			continue;
		err_clear(&e);
		if (!s390x_host_cpu(a->ds, a->md, r->h, &list[n], &what, &e)) {
			hs->bl_err = xasprintf("%s: %s", r->file, err_str(&e, buf, sizeof(buf)));
			goto out;
		}
		free(what);
		n++;
	}
	hq_start(a, &hs->bq);
	hs->bq.job = s390x_baseline_start(&hs->bq.q, a->md, list, n, false);
	qbaseline_run(a);
out:
	for (size_t i = 0; i < n; i++)
		s390x_cpu_fini(&list[i]);
	free(list);
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
	if (a->ds->arch == ARCH_S390X) {
		qbaseline_start(a);
		goto out;
	}
	if (a->ds->arch != ARCH_X86_64) {
		hs->bl_err = xasprintf("baseline works on x86_64 and s390x CPUs, not %s",
				       arch_name(a->ds->arch));
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

bool app_hosts_have_baseline(const struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	return (hs->bl && hs->bl->cpu) || hs->qbl_guest;
}

bool app_hosts_load_baseline(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	if (hs->qbl_guest)
		return app_load_guest(a, hs->qbl_guest);
	if (!hs->bl || !hs->bl->cpu)
		return false;
	return app_load_guest(a, hs->bl->cpu);
}

/* ---- the event loop's part ------------------------------------------------ */

static bool hq_busy(const struct hosts_qemu *w)
{
	return w->job && s390x_job_busy(w->job);
}

bool app_hosts_busy(const struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	return hs && (hq_busy(&hs->cq) || hq_busy(&hs->bq));
}

size_t app_hosts_pollfds(const struct app *a, struct pollfd *fds, size_t max, int *timeout_ms)
{
	struct hosts_state *hs = hosts_state(a);
	size_t n = 0;

	if (hq_busy(&hs->cq))
		n += s390x_job_pollfds(hs->cq.job, fds + n, max - n, timeout_ms);
	if (hq_busy(&hs->bq))
		n += s390x_job_pollfds(hs->bq.job, fds + n, max - n, timeout_ms);
	return n;
}

void app_hosts_service(struct app *a, const struct pollfd *fds, size_t n)
{
	struct hosts_state *hs = hosts_state(a);

	if (hq_busy(&hs->cq)) {
		s390x_job_step(hs->cq.job, fds, n);
		qcompare_run(a);
	}
	if (hq_busy(&hs->bq)) {
		s390x_job_step(hs->bq.job, fds, n);
		qbaseline_run(a);
	}
}

void app_hosts_stop(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	bool cmp = hq_busy(&hs->cq), bl = hq_busy(&hs->bq);

	hq_stop(&hs->cq);
	hq_stop(&hs->bq);
	for (size_t i = 0; cmp && i < hs->n; i++) {
		struct host_row *r = &hs->rows[i];
		if (r->have_qcmp || r->cmp_err)
			continue;
		r->asking = false;
		r->cmp_err = xstrdup("no answer: stopped with Esc (the next change of the guest CPU "
				     "asks again)");
	}
	if (bl) {
		free(hs->bl_err);
		hs->bl_err = xstrdup("no answer: stopped with Esc (b asks again)");
	}
	app_status(a, R_WARN, "stopped asking QEMU");
	a->need_redraw = true;
}

const char *app_hosts_status(const struct app *a)
{
	return app_hosts_busy(a) ? hosts_state(a)->status : NULL;
}

void app_hosts_fini(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);

	hq_stop(&hs->cq);
	for (size_t i = 0; i < hs->n; i++) {
		host_row_clear_cmp(&hs->rows[i]);
		free(hs->rows[i].model);
		free(hs->rows[i].label);
	}
	if (hs->qguest) {
		s390x_cpu_fini(hs->qguest);
		free(hs->qguest);
		hs->qguest = NULL;
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
