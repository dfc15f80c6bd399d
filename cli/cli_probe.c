/* cli_probe.c - `cpuscope probe`: capture a snapshot from a real QEMU.
 *
 * SIGINT/SIGTERM: while probing, both signals are blocked and read from a
 * signalfd that the probe's poll loop watches, so a ^C kills and reaps
 * every QEMU, removes nothing-yet-written output, and returns 128+signal.
 * (No handler and no global flag: the core owns no mutable globals.)
 */
#include "cli.h"
#include "cli_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/signalfd.h>
#endif

#include "cache.h"
#include "err.h"
#include "feature.h"
#include "model.h"
#include "probe.h"
#include "snapshot.h"
#include "util.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *u, FILE *err, bool quiet)
{
	memset(u, 0, sizeof(*u));
	u->err = err;
	u->quiet = quiet;
	u->tty = isatty(fileno(err));
	u->t0 = u->last = mono_now();
}

void cli_progress_end(struct cli_progress *u)
{
	if (u->bar_shown) {
		fputs("\r\033[K", u->err);
		u->bar_shown = false;
	}
}

static void ui_eta(const struct cli_progress *u, double now, char *buf, size_t size)
{
	double el = now - u->t0;

	if (u->p.cmds_done == 0 || u->p.cmds_total <= u->p.cmds_done || el < 0.5) {
		snprintf(buf, size, "ETA --");
		return;
	}
	snprintf(buf, size, "ETA %.0fs",
		 el * (double)(u->p.cmds_total - u->p.cmds_done) / (double)u->p.cmds_done + 0.5);
}

static void ui_draw(struct cli_progress *u, double now)
{
	char eta[32];
	size_t width = 30, fill = 0;

	ui_eta(u, now, eta, sizeof(eta));
	if (u->tty) {
		if (u->p.cmds_total)
			fill = u->p.cmds_done * width / u->p.cmds_total;
		if (fill > width)
			fill = width;
		fputs("\r\033[Kprobe [", u->err);
		for (size_t i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', u->err);
		fprintf(u->err, "] %zu/%zu machine types, %zu/%zu queries, %s", u->p.done, u->p.total,
			u->p.cmds_done, u->p.cmds_total, eta);
		u->bar_shown = true;
	} else {
		fprintf(u->err, "cpuscope: probe: %zu/%zu machine types, %zu/%zu queries, %.1fs, %s\n",
			u->p.done, u->p.total, u->p.cmds_done, u->p.cmds_total, now - u->t0, eta);
	}
	fflush(u->err);
	u->last = now;
}

void cli_progress_cb(void *ctx, const struct probe_progress *p)
{
	struct cli_progress *u = ctx;
	double now = mono_now();

	u->p = *p;
	u->p.stage = u->p.machine = u->p.message = NULL;
	if (p->message) {
		cli_progress_end(u);
		fprintf(u->err, "cpuscope: probe: %s\n", p->message);
		fflush(u->err);
		if (u->tty && !u->quiet)
			ui_draw(u, now);
		return;
	}
	if (u->quiet)
		return;
	if (u->tty ? now - u->last >= 0.1 : now - u->last >= 3.0)
		ui_draw(u, now);
}

static bool parse_num(const char *s, double lo, double hi, double *out)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cli_probe(int argc, char **argv, const char *arch_opt, const char *accel_opt, FILE *out,
	      FILE *err)
{
	const char *qemu = NULL, *datadir = NULL, *machines_arg = NULL, *accel = accel_opt,
		   *arch_arg = arch_opt, *out_path = NULL;
	double jobs = 0, timeout = 0;
	bool no_cache = false, quiet = false, hit = false, to_stdout;
	char **mlist = NULL;
	char *default_bin = NULL, *json = NULL;
	struct ftable *ft = NULL;
	struct dataset *ds = NULL;
	struct probe_opts o;
	struct cli_progress u;
	struct err e;
	enum arch arch = ARCH_X86_64;
	int rc = CLI_ERROR, sfd = -1, sig = 0;
	sigset_t sigs, oldmask;
	bool masked = false;
	char buf[1600];

	err_clear(&e);
	memset(&o, 0, sizeof(o));
	memset(&u, 0, sizeof(u));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (!strcmp(a, "--no-cache")) {
			no_cache = true;
			continue;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
			continue;
		} else if (!strcmp(a, "--qemu")) {
			val = &qemu;
		} else if (!strcmp(a, "--qemu-datadir")) {
			val = &datadir;
		} else if (!strcmp(a, "--machines")) {
			val = &machines_arg;
		} else if (!strcmp(a, "--accel")) {
			val = &accel;
		} else if (!strcmp(a, "--arch")) {
			val = &arch_arg;
		} else if (!strcmp(a, "--out")) {
			val = &out_path;
		} else if (!strcmp(a, "--jobs") || !strcmp(a, "--timeout")) {
			bool is_jobs = !strcmp(a, "--jobs");

			if (i + 1 >= argc) {
				fprintf(err, "cpuscope: probe: %s needs a value\n", a);
				goto out;
			}
			if (!parse_num(argv[++i], is_jobs ? 1 : 0.001, is_jobs ? 1024 : 86400,
				       is_jobs ? &jobs : &timeout) ||
			    (is_jobs && jobs != (double)(int)jobs)) {
				fprintf(err, "cpuscope: probe: %s: bad value '%s' (%s)\n", a, argv[i],
					is_jobs ? "a whole number 1..1024" : "seconds, > 0");
				goto out;
			}
			continue;
		} else {
			fprintf(err, "cpuscope: probe: unknown option '%s' (see cpuscope probe --help)\n",
				a);
			goto out;
		}
		if (i + 1 >= argc) {
			fprintf(err, "cpuscope: probe: %s needs a value\n", a);
			goto out;
		}
		*val = argv[++i];
	}
	if (accel && strcmp(accel, "kvm") && strcmp(accel, "tcg")) {
		fprintf(err, "cpuscope: probe: --accel: unknown accelerator '%s' (kvm or tcg)\n", accel);
		goto out;
	}
	if (arch_arg && !arch_parse(arch_arg, &arch)) {
		fprintf(err, "cpuscope: probe: --arch: unknown arch '%s' (x86_64 or s390x)\n", arch_arg);
		goto out;
	}
	to_stdout = !out_path || !strcmp(out_path, "-");
	if (to_stdout && isatty(fileno(out))) {
		fputs("cpuscope: probe: refusing to write a snapshot to a terminal; "
		      "use --out FILE (or redirect)\n", err);
		goto out;
	}
	/* An --out that cannot be written fails now, not after the probe
	 * (nor after asking the binary for its arch). */
	if (!to_stdout && !write_file_check(out_path, &e)) {
		fprintf(err, "cpuscope: %s\n", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	if (!qemu) {
		default_bin = xasprintf("qemu-system-%s", arch_name(arch));
		qemu = default_bin;
	} else if (!arch_arg) {
		if (!probe_detect_arch(qemu, timeout > 0 ? timeout : 10, &arch, &e)) {
			fprintf(err, "cpuscope: %s\n", err_str(&e, buf, sizeof(buf)));
			goto out;
		}
	}
	if (machines_arg && strcmp(machines_arg, "all")) {
		char *copy = xstrdup(machines_arg);
		size_t n = 0;

		mlist = xcalloc(strlen(copy) / 2 + 2, sizeof(*mlist));
		for (char *save = NULL, *t = strtok_r(copy, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			if (*t)
				mlist[n++] = xstrdup(t);
		free(copy);
		if (n == 0) {
			fprintf(err, "cpuscope: probe: --machines: empty list\n");
			goto out;
		}
	}

	ft = ftable_new(arch);
	cli_progress_init(&u, err, quiet);
	o.binary = qemu;
	o.datadir = datadir;
	o.accel = accel;
	o.machines = (const char *const *)mlist;
	o.all_machines = !mlist;
	o.jobs = (int)jobs;
	o.timeout = timeout;
	o.progress = cli_progress_cb;
	o.ctx = &u;

	/* ^C / SIGTERM: read from a signalfd inside the probe's poll loop. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
#ifdef __linux__
	if (sigprocmask(SIG_BLOCK, &sigs, &oldmask) == 0) {
		masked = true;
		sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sfd > 0)
			o.cancel_fd = sfd;
	}
#endif
	ds = cache_probe(&o, ft, !no_cache, &hit, &e);
	cli_progress_end(&u);
#ifdef __linux__
	if (sfd > 0) {
		struct signalfd_siginfo si;

		if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			sig = (int)si.ssi_signo;
	}
#endif
	if (sig) {
		fprintf(err, "cpuscope: probe: stopped by %s; every QEMU process was killed, "
			"nothing written\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
		rc = 128 + sig;
		goto out;
	}
	if (!ds) {
		fprintf(err, "cpuscope: %s\n", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	if (to_stdout) {
		json = snapshot_to_json(ds);
		if (fputs(json, out) == EOF || fflush(out) != 0) {
			fprintf(err, "cpuscope: probe: cannot write the snapshot to standard output\n");
			goto out;
		}
	} else if (!snapshot_write(ds, out_path, &e)) {
		fprintf(err, "cpuscope: %s\n", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	if (ds->missing.n > 0) {
		fprintf(err, "cpuscope: probe: partial snapshot; %zu part%s missing:\n",
			ds->missing.n, ds->missing.n == 1 ? "" : "s");
		for (size_t i = 0; i < ds->missing.n; i++)
			fprintf(err, "  %s\n", (const char *)vec_get(&ds->missing, i));
		rc = CLI_NEGATIVE;
	} else {
		rc = CLI_OK;
	}
	if (!quiet) {
		const struct mdata *md0 = ds->mdatas.n ? vec_get(&ds->mdatas, 0) : NULL;

		fprintf(err, "cpuscope: probe: %s %s (%s, %s): %zu machine types x %zu models, "
			"%zu distinct expansions, %.1fs -> %s\n", hit ? "cached" : "probed", qemu,
			ds->qemu_version ? ds->qemu_version : "?", ds->accel ? ds->accel : "?",
			ds->mdatas.n, md0 ? md0->defs.n : 0, ds->expansions.n, mono_now() - u.t0,
			to_stdout ? "standard output" : out_path);
	}
out:
#ifdef __linux__
	if (sfd > 0)
		close(sfd);
#endif
	if (masked) {
		/* Swallow a signal that came in after the probe, then unblock. */
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&sigs, NULL, &zero) > 0)
			;
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
	}
	free(json);
	dataset_free(ds);
	if (ft)
		ftable_free(ft);
	if (mlist)
		for (size_t i = 0; mlist[i]; i++)
			free(mlist[i]);
	free(mlist);
	free(default_bin);
	return rc;
}
