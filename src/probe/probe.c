/* probe.c - the live probe's plan and scheduler (see probe.h): which
 * machine types, how many QEMU processes at once, deadlines, results
 * committed in plan order, the poll() loop, start and finish.  The other
 * files of the probe are listed in probe_internal.h.
 */
#include "probe_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "qmp_json.h"

void probe_report(struct probe *pr, const char *stage, const char *machine, const char *message)
{
	struct probe_progress p;

	if (!pr->o.progress)
		return;
	memset(&p, 0, sizeof(p));
	p.done = pr->done;
	p.total = pr->total;
	p.failed = pr->failed;
	p.cmds_done = pr->cmds_done;
	p.cmds_total = pr->cmds_total < pr->cmds_done ? pr->cmds_done : pr->cmds_total;
	p.stage = stage;
	p.machine = machine;
	p.message = message;
	pr->o.progress(pr->o.ctx, &p);
}

/* Commands one process will answer, for the estimate. */
size_t proc_cmd_estimate(const struct probe *pr, bool first, bool want_cpu)
{
	size_t n = 2; /* caps, quit */

	if (first)
		n += 2;
	if (want_cpu)
		n += 1 + 2 * pr->nmodels_est;
	return n;
}

/* Every reply is in: the machine type is done, whether the process exited
 * on its own or not (msg: a note for the report, or NULL).  Not a
 * failure. */
static void proc_done(struct proc *p, const char *msg)
{
	struct probe *pr = p->pr;

	qemu_child_reap(&p->c, true);
	qemu_child_close(&p->c);
	p->finished = true;
	pr->running--;
	if (p->want_cpu)
		pr->done++;
	probe_report(pr, "done", p->machine, msg);
	probe_after_change(pr);
}

void proc_fail(struct proc *p, const char *fmt, ...)
{
	struct probe *pr = p->pr;
	va_list ap;
	char *msg = NULL;

	if (p->finished || p->failure)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->data_done) {
		/* Everything is in already: only a message, not a failure. */
		char *m = xasprintf("%s: %s (after all replies were in)", p->machine, msg);

		free(msg);
		proc_done(p, m);
		free(m);
		return;
	}
	p->failure = xasprintf("%s: %s", p->machine, msg);
	free(msg);
	msg = NULL;
	qemu_child_reap(&p->c, true);
	qemu_child_close(&p->c);
	proc_free_staged(p);
	p->finished = true;
	pr->running--;
	if (p->want_cpu) {
		pr->done++;
		pr->failed++;
	}
	if (!pr->first_failure)
		pr->first_failure = xstrdup(p->failure);
	probe_report(pr, "failed", p->machine, p->failure);
	probe_after_change(pr);
}

static int cmp_natural(const void *a, const void *b)
{
	return str_natcmp(*(char *const *)a, *(char *const *)b);
}

/* The plan, once query-machines has answered (or failed). */
void probe_plan_machines(struct probe *pr, bool known)
{
	struct vec names = VEC_INIT;

	if (pr->plan_known)
		return;
	if (pr->o.machines) {
		for (const char *const *m = pr->o.machines; *m; m++) {
			const char *name = *m;

			if (!strcmp(name, "none"))
				continue;
			if (known) {
				const struct machine *mc = NULL;

				for (size_t i = 0; i < pr->ds->machines.n; i++) {
					const struct machine *c = vec_get(&pr->ds->machines, i);

					if (str_eq(c->name, name) || str_eq(c->alias, name) ||
					    (!strcmp(name, "default") && c->is_default)) {
						mc = c;
						break;
					}
				}
				if (!mc) {
					char *msg = xasprintf("%s: unknown machine type (not in "
							      "query-machines of %s)",
							      name, pr->label);

					vec_push(&pr->ds->missing, xstrdup(name));
					pr->total++;
					pr->done++;
					pr->failed++;
					if (!pr->first_failure)
						pr->first_failure = xstrdup(msg);
					probe_report(pr, "failed", name, msg);
					free(msg);
					continue;
				}
				name = mc->name;
			}
			bool dup = false;

			for (size_t i = 0; i < pr->plan.n && !dup; i++)
				dup = !strcmp(vec_get(&pr->plan, i), name);
			for (size_t i = 0; i < names.n && !dup; i++)
				dup = !strcmp(vec_get(&names, i), name);
			if (!dup)
				vec_push(&names, xstrdup(name));
		}
	} else if (known) {
		for (size_t i = 0; i < pr->ds->machines.n; i++) {
			const struct machine *c = vec_get(&pr->ds->machines, i);

			if (c->name && strcmp(c->name, "none"))
				vec_push(&names, xstrdup(c->name));
		}
		vec_sort(&names, cmp_natural);
	}
	for (size_t i = 0; i < names.n; i++) {
		vec_push(&pr->plan, vec_get(&names, i));
		vec_push(&pr->procs, NULL);
		pr->total++;
		pr->cmds_total += proc_cmd_estimate(pr, false, true);
	}
	vec_fini(&names, NULL);
	pr->plan_known = true;
}

void probe_add_missing(struct probe *pr, const char *item)
{
	if (pr->ds)
		vec_push(&pr->ds->missing, xstrdup(item));
}

static struct proc *proc_new(struct probe *pr, size_t slot)
{
	struct proc *p = xcalloc(1, sizeof(*p));

	p->pr = pr;
	p->slot = slot;
	p->machine = xstrdup(vec_get(&pr->plan, slot));
	p->first = slot == 0;
	p->want_cpu = slot == 0 ? pr->none_wanted && !pr->target_only : true;
	qemu_child_init(&p->c);
	p->tok = json_tokener_new();
	return p;
}

static void probe_start_next(struct probe *pr)
{
	while (!pr->fatal && !pr->cancelled && pr->running < pr->jobs &&
	       pr->next_start < pr->plan.n && (pr->next_start == 0 || pr->plan_known)) {
		size_t slot = pr->next_start++;
		struct proc *p = proc_new(pr, slot);
		struct err e;

		pr->procs.v[slot] = p;
		err_clear(&e);
		pr->running++;
		if (!proc_spawn(p, &e)) {
			char buf[1600];

			if (slot == 0) {
				pr->fatal = xstrdup(err_str(&e, buf, sizeof(buf)));
				p->finished = true;
				pr->running--;
				return;
			}
			proc_fail(p, "%s", e.msg);
			continue;
		}
		p->deadline = probe_now() + pr->timeout;
		probe_report(pr, "starting", p->machine, NULL);
	}
}

static int probe_commit_entry(struct probe *pr, struct reply_entry *re)
{
	if (!re)
		return -1;
	if (re->idx < 0) {
		re->idx = dataset_add_expansion(pr->ds, re->x); /* takes x */
		re->x = NULL;
	}
	return re->idx;
}

/* Commit finished machine types in plan order. */
static void probe_commit(struct probe *pr)
{
	while (pr->next_commit < pr->procs.n) {
		struct proc *p = pr->procs.v[pr->next_commit];
		struct err e;

		if (!p || !(p->data_done || p->finished))
			break;
		pr->next_commit++;
		if (p->committed)
			continue;
		p->committed = true;
		if (!pr->ds)
			continue;
		if (!p->want_cpu)
			continue;
		if (p->failure || !p->data_done) {
			probe_add_missing(pr, p->machine);
			continue;
		}
		struct mdata *md = dataset_mdata(pr->ds, p->machine);
		char *file = proc_file(p);

		err_clear(&e);
		if (!qmp_read_definitions(p->defs, file, p->defs_line, md, pr->ft, &e)) {
			char buf[1600];
			char *msg = xasprintf("%s: cannot read query-cpu-definitions: %s", p->machine,
					      err_str(&e, buf, sizeof(buf)));

			probe_add_missing(pr, p->machine);
			probe_report(pr, "failed", p->machine, msg);
			if (!pr->first_failure)
				pr->first_failure = msg;
			else
				free(msg);
			free(file);
			proc_free_staged(p);
			continue;
		}
		free(file);
		for (size_t i = 0; i < p->nmodels; i++) {
			int full = -1, stat = -1;

			full = probe_commit_entry(pr, p->xfull[i]);
			stat = probe_commit_entry(pr, p->xstat[i]);
			p->xfull[i] = p->xstat[i] = NULL;
			mdata_set_expansion(md, p->models[i], full, stat);
		}
		pr->ok++;
		proc_free_staged(p);
	}
}

/* Process exit: after EOF on stdout, reap; decide success or failure. */
static void proc_check_exit(struct proc *p)
{
	if (p->finished || !p->c.out_eof)
		return;
	if (!qemu_child_try_reap(&p->c))
		return;
	/* Dead: whatever is left on stderr is in the pipe now. */
	qemu_child_read_err(&p->c);
	if (!p->data_done) {
		proc_fail_exited(p);
		return;
	}
	proc_done(p, NULL);
}

void probe_after_change(struct probe *pr)
{
	/* The machines-only "none" process failing before the list came in:
	 * with an explicit list, go on with the names as given. */
	if (!pr->plan_known && pr->procs.n > 0) {
		struct proc *p0 = pr->procs.v[0];

		if (p0 && p0->failure) {
			if (pr->o.machines)
				probe_plan_machines(pr, false);
			else
				pr->plan_known = true; /* nothing else to probe */
		}
	}
	probe_commit(pr);
	probe_start_next(pr);
}

static void probe_kill_all(struct probe *pr)
{
	for (size_t i = 0; i < pr->procs.n; i++) {
		struct proc *p = pr->procs.v[i];

		if (p && !p->finished) {
			qemu_child_reap(&p->c, true);
			qemu_child_close(&p->c);
			p->finished = true;
			pr->running--;
		}
	}
}

static bool probe_is_over(const struct probe *pr)
{
	if (pr->fatal || pr->cancelled)
		return true;
	if (!pr->plan_known)
		return false;
	for (size_t i = 0; i < pr->procs.n; i++) {
		const struct proc *p = pr->procs.v[i];

		if (!p || !p->finished)
			return false;
	}
	return true;
}

size_t probe_pollfds(struct probe *pr, struct pollfd *fds, size_t max, int *timeout_ms)
{
	size_t n = 0;
	double now = probe_now(), next = now + PROBE_TICK_MS / 1000.0;

	if (pr->o.cancel_fd > 0 && n < max) {
		fds[n].fd = pr->o.cancel_fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	for (size_t i = 0; i < pr->procs.n; i++) {
		struct proc *p = pr->procs.v[i];

		if (!p || p->finished)
			continue;
		if (p->deadline < next)
			next = p->deadline;
		if (p->c.out_eof)
			next = now + 0.01 < next ? now + 0.01 : next; /* waiting to reap */
		n += qemu_child_pollfds(&p->c, p->woff < p->wq.len, fds + n, max - n);
	}
	if (timeout_ms) {
		double d = (next - now) * 1000.0;

		*timeout_ms = d <= 0 ? 0 : d >= PROBE_TICK_MS ? PROBE_TICK_MS : (int)d + 1;
	}
	return n;
}

void probe_cancel(struct probe *pr)
{
	if (!pr || pr->cancelled)
		return;
	pr->cancelled = true;
	probe_kill_all(pr);
}

bool probe_step(struct probe *pr, const struct pollfd *fds, size_t n)
{
	double now;

	if ((pr->o.cancel && *pr->o.cancel) ||
	    (pr->o.cancel_fd > 0 && probe_revents(fds, n, pr->o.cancel_fd)))
		probe_cancel(pr);
	if (probe_is_over(pr))
		goto over;
	for (size_t i = 0; i < pr->procs.n && !pr->fatal; i++) {
		struct proc *p = pr->procs.v[i];

		if (!p || p->finished)
			continue;
		if (probe_revents(fds, n, p->c.fd_in) & (POLLOUT | POLLERR | POLLHUP))
			proc_flush(p);
		if (probe_revents(fds, n, p->c.fd_err))
			qemu_child_read_err(&p->c);
		if (probe_revents(fds, n, p->c.fd_out))
			proc_read_stdout(p);
		proc_check_exit(p);
	}
	now = probe_now();
	for (size_t i = 0; i < pr->procs.n && !pr->fatal; i++) {
		struct proc *p = pr->procs.v[i];
		struct strbuf step = STRBUF_INIT;

		if (!p || p->finished || now < p->deadline)
			continue;
		if (p->data_done) {
			/* Everything is in; it just would not exit.  Not a failure. */
			char *msg = xasprintf("%s: QEMU did not exit within %g s after quit; killed",
					      p->machine, pr->timeout);

			proc_done(p, msg);
			free(msg);
			continue;
		}
		if (p->c.out_eof) {
			qemu_child_read_err(&p->c);
			proc_step_name(p, &step);
			proc_fail(p, "QEMU closed its QMP output and did not exit within %g s "
				  "(while waiting for %s)", pr->timeout, sb_str(&step));
		} else {
			proc_step_name(p, &step);
			if (p->greeted)
				proc_fail(p, "no reply to %s within %g s", sb_str(&step), pr->timeout);
			else
				proc_fail(p, "no QMP greeting within %g s", pr->timeout);
		}
		sb_fini(&step);
	}
	if (pr->fatal)
		probe_kill_all(pr);
	if (!probe_is_over(pr))
		return true;
over:
	probe_kill_all(pr);
	probe_commit(pr);
	return false;
}

static char *iso_now(void)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

struct probe *probe_start_mode(const struct probe_opts *o, struct ftable *ft, bool target_only,
			       struct err *e)
{
	struct probe *pr = xcalloc(1, sizeof(*pr));
	long cores;

	pr->o = *o;
	pr->ft = ft;
	pr->target_only = target_only;
	pr->label = xstrdup(o->binary ? o->binary : "");
	if (!probe_find_binary(o->binary, &pr->path, e))
		goto fail;
	if (o->accel) {
		if (strcmp(o->accel, "kvm") && strcmp(o->accel, "tcg")) {
			err_set(e, "probe", 0, "unknown accelerator '%s' (use kvm or tcg)", o->accel);
			goto fail;
		}
		pr->accel = o->accel;
	} else {
		pr->accel = probe_default_accel(ft ? ft->arch : ARCH_X86_64);
	}
	pr->timeout = o->timeout > 0 ? o->timeout : 10.0;
	pr->max_line = o->max_line ? o->max_line : PROBE_MAX_LINE_DEFAULT;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	pr->jobs = o->jobs > 0 ? (size_t)o->jobs : cores > 0 ? (size_t)cores : 1;
	if (!target_only) {
		if (!ft) {
			err_set(e, "probe", 0, "no feature table given");
			goto fail;
		}
		pr->ds = dataset_new(ft->arch, ft);
		pr->ds->source = xasprintf("probe:%s", pr->label);
		pr->ds->binary = xstrdup(pr->label);
		pr->ds->accel = xstrdup(pr->accel);
		pr->ds->captured = iso_now();
	}
	pr->none_wanted = !o->machines;
	for (const char *const *m = o->machines; m && *m; m++)
		if (!strcmp(*m, "none"))
			pr->none_wanted = true;
	vec_push(&pr->plan, xstrdup("none"));
	vec_push(&pr->procs, NULL);
	if (pr->none_wanted && !target_only) {
		pr->total = 1;
		pr->cmds_total = proc_cmd_estimate(pr, true, true);
	} else {
		pr->cmds_total = proc_cmd_estimate(pr, true, false);
	}
	if (target_only)
		pr->plan_known = true;
	probe_start_next(pr);
	if (pr->fatal) {
		err_set(e, "probe", 0, "%s", pr->fatal);
		goto fail;
	}
	return pr;
fail:
	probe_free(pr);
	return NULL;
}

struct probe *probe_start(const struct probe_opts *o, struct ftable *ft, struct err *e)
{
	return probe_start_mode(o, ft, false, e);
}

void probe_free(struct probe *pr)
{
	if (!pr)
		return;
	for (size_t i = 0; i < pr->procs.n; i++)
		proc_free(pr->procs.v[i]);
	vec_fini(&pr->procs, NULL);
	vec_fini(&pr->plan, free);
	dataset_free(pr->ds);
	for (size_t i = 0; i < pr->entries.n; i++) {
		struct reply_entry *re = pr->entries.v[i];

		if (re->x)
			expansion_free(re->x);
		free(re);
	}
	vec_fini(&pr->entries, NULL);
	strmap_fini(&pr->replies);
	free(pr->path);
	free(pr->label);
	free(pr->fatal);
	free(pr->first_failure);
	free(pr);
}

struct dataset *probe_finish(struct probe *pr, struct err *e)
{
	struct dataset *ds = NULL;

	if (!pr)
		return NULL;
	probe_kill_all(pr);
	probe_commit(pr);
	if (pr->cancelled) {
		err_set(e, "probe", 0, "probe cancelled");
		goto out;
	}
	if (pr->fatal) {
		err_set(e, "probe", 0, "%s", pr->fatal);
		goto out;
	}
	if (pr->target_only) {
		if (!pr->target_known) {
			err_set(e, "probe", 0, "%s", pr->first_failure ? pr->first_failure :
				"QEMU did not answer query-target");
			goto out;
		}
		goto out;
	}
	if (pr->ok == 0) {
		if (pr->first_failure)
			err_set(e, "probe", 0, "nothing could be probed: %s", pr->first_failure);
		else
			err_set(e, "probe", 0, "nothing could be probed (no machine type to probe)");
		goto out;
	}
	ds = pr->ds;
	pr->ds = NULL;
out:
	probe_free(pr);
	return ds;
}

bool probe_loop(struct probe *pr)
{
	struct pollfd *fds = NULL;
	size_t cap = 0;

	for (;;) {
		size_t need = 1 + 3 * pr->procs.n, n;
		int timeout = 0;

		if (need > cap) {
			cap = need;
			fds = xrealloc(fds, cap * sizeof(*fds));
		}
		n = probe_pollfds(pr, fds, cap, &timeout);
		if (poll(fds, n, timeout) < 0 && errno != EINTR) {
			free(fds);
			return false;
		}
		if (!probe_step(pr, fds, n))
			break;
	}
	free(fds);
	return true;
}

struct dataset *probe_run(const struct probe_opts *o, struct ftable *ft, struct err *e)
{
	struct probe *pr = probe_start(o, ft, e);

	if (!pr)
		return NULL;
	if (!probe_loop(pr)) {
		err_set(e, "probe", 0, "poll failed: %s", strerror(errno));
		probe_free(pr);
		return NULL;
	}
	return probe_finish(pr, e);
}
