/* test_probe.c - the live probe against real programs: misbehaving fake
 * QEMUs (tests/bin/) and, when installed, the real qemu-system-x86_64 and
 * qemu-system-s390x (compared with direct QMP queries). */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cache.h"
#include "err.h"
#include "feature.h"
#include "model.h"
#include "probe.h"
#include "qmp_json.h"
#include "snapshot.h"
#include "util.h"

/* ---- fixture: a pid directory, captured messages --------------------- */

struct ctx {
	char dir[64];           /* FAKE_QEMU_PIDS */
	struct vec messages;    /* char * from the progress callback */
	struct ftable *ft;
	volatile sig_atomic_t cancel;
	const char *cancel_at;  /* set cancel when this stage is reported */
	size_t reports;
};

static void on_progress(void *vc, const struct probe_progress *p)
{
	struct ctx *c = vc;

	c->reports++;
	if (p->message)
		vec_push(&c->messages, xstrdup(p->message));
	if (c->cancel_at && p->stage && !strcmp(p->stage, c->cancel_at))
		c->cancel = 1;
}

static int setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	snprintf(c->dir, sizeof(c->dir), "/tmp/cpuscope-probe-test.XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	setenv("FAKE_QEMU_PIDS", c->dir, 1);
	unsetenv("FAKE_QEMU_ON");
	unsetenv("FAKE_CRASH_AFTER");
	c->ft = ftable_new(ARCH_X86_64);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	DIR *d = opendir(c->dir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.') {
			char *p = xasprintf("%s/%s", c->dir, de->d_name);

			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	rmdir(c->dir);
	vec_fini(&c->messages, free);
	ftable_free(c->ft);
	free(c);
	unsetenv("FAKE_QEMU_PIDS");
	unsetenv("FAKE_QEMU_ON");
	unsetenv("FAKE_CRASH_AFTER");
	return 0;
}

static void opts_init(struct probe_opts *o, struct ctx *c, const char *fake)
{
	memset(o, 0, sizeof(*o));
	o->binary = test_path(fake);
	o->timeout = 5;
	o->progress = on_progress;
	o->ctx = c;
	o->cancel = &c->cancel;
}

/* Every process the fakes started is gone (reaped), its process group
 * too, and this test process has no child left. */
static void assert_no_leftovers(struct ctx *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		pid_t pid;

		if (de->d_name[0] == '.')
			continue;
		pid = (pid_t)atoi(de->d_name);
		n++;
		assert_int_equal(kill(pid, 0), -1);
		assert_int_equal(errno, ESRCH);
		/* Grandchildren (the fake's own helpers) share its process
		 * group; give init a moment to reap the orphans. */
		for (int i = 0; i < 500 && kill(-pid, 0) == 0; i++)
			usleep(10000);
		if (kill(-pid, 0) == 0)
			fail_msg("process group %d still has members", (int)pid);
	}
	closedir(d);
	assert_true(n > 0);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Every process the fakes started got exactly the probe's command line
 * (the fake writes its arguments into its pid file); returns how many. */
static size_t assert_qemu_args(struct ctx *c, const char *accel)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *path = NULL, *text = NULL, *want = NULL, *mach = NULL;
		size_t len = 0;
		struct err e;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", c->dir, de->d_name);
		err_clear(&e);
		assert_true(read_file_limited(path, 4096, &text, &len, &e));
		/* the machine type is the second argument */
		mach = strchr(text, '\n');
		assert_non_null(mach);
		mach = xstrndup(mach + 1, strcspn(mach + 1, "\n"));
		want = xasprintf("-machine\n%s\n-S\n-nodefaults\n-no-user-config\n-nographic\n"
				 "-qmp\nstdio\n-accel\n%s\n", mach, accel);
		assert_string_equal(text, want);
		n++;
		free(mach);
		free(want);
		free(text);
		free(path);
	}
	closedir(d);
	return n;
}

static bool has_message(const struct ctx *c, const char *msg)
{
	for (size_t i = 0; i < c->messages.n; i++)
		if (!strcmp(vec_get(&c->messages, i), msg))
			return true;
	return false;
}

static bool has_missing(const struct dataset *ds, const char *item)
{
	for (size_t i = 0; i < ds->missing.n; i++)
		if (!strcmp(vec_get(&ds->missing, i), item))
			return true;
	return false;
}

static void dump_messages(const struct ctx *c)
{
	for (size_t i = 0; i < c->messages.n; i++)
		print_message("  message: %s\n", (const char *)vec_get(&c->messages, i));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool feature_on(const struct ftable *ft, const struct expansion *x, const char *name)
{
	const struct feature *f = ftable_lookup(ft, name);

	assert_non_null(f);
	assert_true(fset_has(&x->known, f->id));
	return fset_has(&x->on, f->id);
}

/* ---- the well-behaved fake --------------------------------------------- */

static void test_fake_all_machines(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;
	const struct mdata *md1, *md2;
	const struct expansion *x;

	opts_init(&o, c, "tests/bin/fake-qemu");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	if (!ds)
		fail_msg("probe failed: %s", e.msg);
	assert_int_equal(ds->missing.n, 0);
	assert_string_equal(ds->qemu_version, "99.0.0");
	assert_string_equal(ds->qemu_package, "fake-qemu");
	assert_int_equal(ds->machines.n, 3);
	assert_int_equal(ds->mdatas.n, 3);
	/* plan order: none first, then the machine types sorted */
	assert_string_equal(((struct mdata *)vec_get(&ds->mdatas, 0))->machine, "none");
	assert_string_equal(((struct mdata *)vec_get(&ds->mdatas, 1))->machine, "fake-1.0");
	assert_string_equal(((struct mdata *)vec_get(&ds->mdatas, 2))->machine, "fake-2.0");
	md1 = dataset_find_mdata(ds, "fake-1.0");
	md2 = dataset_find_mdata(ds, "fake-2.0");
	assert_non_null(md1);
	assert_non_null(md2);
	assert_int_equal(md2->defs.n, 3);
	assert_string_equal(mdata_def(md2, "Alpha")->alias_of, "Alpha-v2");
	assert_string_equal(mdata_def(md1, "Alpha")->alias_of, "Alpha-v1");
	x = dataset_expansion(ds, md2, "Gamma", true);
	assert_non_null(x);
	assert_true(feature_on(c->ft, x, "abm"));
	x = dataset_expansion(ds, md1, "Gamma", true);
	assert_non_null(x);
	assert_false(feature_on(c->ft, x, "abm"));
	x = dataset_expansion(ds, md1, "Gamma", false);
	assert_non_null(x);
	assert_string_equal(x->name, "base");
	/* identical replies are stored once: Alpha full is the same everywhere */
	assert_ptr_equal(dataset_expansion(ds, md1, "Alpha", true),
			 dataset_expansion(ds, md2, "Alpha", true));
	assert_int_equal(c->messages.n, 0);
	assert_true(c->reports > 0);
	dataset_free(ds);
	/* none, fake-1.0, fake-2.0; -no-user-config keeps /etc/qemu out */
	assert_int_equal(assert_qemu_args(c, probe_default_accel(ARCH_X86_64)), 3);
	assert_no_leftovers(c);
}

/* Whether the command line of every process the probe started (one line
 * in each pid file the fake leaves) contains s. */
static void assert_all_args(struct ctx *c, const char *suffix, bool want)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *p, *text = NULL;
		size_t len = 0;
		struct err e;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", c->dir, de->d_name);
		assert_true(read_file_limited(p, 4096, &text, &len, &e));
		if (want != (strstr(text, suffix) != NULL))
			fail_msg("%s: '%s' %s '%s'", p, text, want ? "lacks" : "has", suffix);
		free(text);
		free(p);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

/* --qemu-datadir: -L DIR after -accel ACCEL, for every process; none without it. */
static void test_datadir(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds;

	opts_init(&o, c, "tests/bin/fake-qemu");
	o.accel = "tcg";
	o.datadir = "/nonexistent/fw dir";
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	if (!ds)
		fail_msg("probe failed: %s", e.msg);
	assert_int_equal(ds->missing.n, 0);
	dataset_free(ds);
	assert_no_leftovers(c);
	assert_all_args(c, "-accel\ntcg\n-L\n/nonexistent/fw dir\n", true);
	teardown(state);
	assert_int_equal(setup(state), 0);
	c = *state;
	opts_init(&o, c, "tests/bin/fake-qemu");
	o.accel = "tcg";
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	dataset_free(ds);
	assert_all_args(c, "\n-L\n", false);
}

static void test_fake_list_alias_unknown(void **state)
{
	struct ctx *c = *state;
	const char *const machines[] = { "fake", "bogus", NULL };
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	opts_init(&o, c, "tests/bin/fake-qemu");
	o.machines = machines;
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_int_equal(ds->mdatas.n, 1);
	assert_non_null(dataset_find_mdata(ds, "fake-2.0")); /* the alias resolved */
	assert_null(dataset_find_mdata(ds, "none"));
	assert_int_equal(ds->missing.n, 1);
	assert_true(has_missing(ds, "bogus"));
	char *msg = xasprintf("bogus: unknown machine type (not in query-machines of %s)",
			      test_path("tests/bin/fake-qemu"));

	assert_true(has_message(c, msg));
	free(msg);
	dataset_free(ds);
	assert_no_leftovers(c);
}

/* ---- faults ----------------------------------------------------------------- */

static void test_hang_times_out(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;
	double t0 = now_s(), took;

	opts_init(&o, c, "tests/bin/qemu-hang");
	o.timeout = 1;
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	took = now_s() - t0;
	assert_null(ds);
	assert_string_equal(e.msg,
			    "nothing could be probed: none: no reply to qmp_capabilities within 1 s");
	assert_true(has_message(c, "none: no reply to qmp_capabilities within 1 s"));
	assert_true(took < 4.0);
	assert_no_leftovers(c);
}

static void test_hang_one_machine(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	setenv("FAKE_QEMU_ON", "fake-2.0", 1);
	opts_init(&o, c, "tests/bin/qemu-hang");
	o.timeout = 1;
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_int_equal(ds->missing.n, 1);
	assert_true(has_missing(ds, "fake-2.0"));
	assert_non_null(dataset_find_mdata(ds, "fake-1.0"));
	assert_non_null(dataset_find_mdata(ds, "none"));
	assert_null(dataset_find_mdata(ds, "fake-2.0"));
	assert_true(has_message(c, "fake-2.0: no reply to qmp_capabilities within 1 s"));
	dataset_free(ds);
	assert_no_leftovers(c);
}

static void test_crash(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	setenv("FAKE_QEMU_ON", "fake-1.0", 1);
	setenv("FAKE_CRASH_AFTER", "4", 1);
	opts_init(&o, c, "tests/bin/qemu-crash");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_true(has_missing(ds, "fake-1.0"));
	assert_int_equal(ds->missing.n, 1);
	/* caps, defs, Alpha full, Alpha static answered; then SIGSEGV */
	if (!has_message(c, "fake-1.0: QEMU was killed by signal 11 (Segmentation fault) while "
			    "waiting for query-cpu-model-expansion (Beta, full): fake-qemu: about "
			    "to crash")) {
		dump_messages(c);
		fail();
	}
	dataset_free(ds);
	assert_no_leftovers(c);
}

static void test_garbage(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	opts_init(&o, c, "tests/bin/qemu-garbage");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_null(ds);
	assert_string_equal(e.msg, "nothing could be probed: none: QEMU printed something that is "
			    "not a QMP message on its QMP output while waiting for query-machines: "
			    "\"Segmentation fault \\x01\\x02 (core dumped) {not json\"");
	assert_no_leftovers(c);
}

static void test_enormous_line(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	setenv("FAKE_QEMU_ON", "fake-2.0", 1);
	opts_init(&o, c, "tests/bin/qemu-enormous");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_true(has_missing(ds, "fake-2.0"));
	if (!has_message(c, "fake-2.0: QEMU printed an enormous line (more than 16777216 bytes, "
			    "no newline) while waiting for query-cpu-definitions: "
			    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"...")) {
		dump_messages(c);
		fail();
	}
	dataset_free(ds);
	assert_no_leftovers(c);
}

static void test_early_exit(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	setenv("FAKE_QEMU_ON", "fake-1.0", 1);
	opts_init(&o, c, "tests/bin/qemu-early-exit");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_true(has_missing(ds, "fake-1.0"));
	if (!has_message(c, "fake-1.0: QEMU exited with status 1 while waiting for the QMP "
			    "greeting: qemu-system-x86_64: fake: this machine type refuses to start")) {
		dump_messages(c);
		fail();
	}
	dataset_free(ds);
	assert_no_leftovers(c);
}

static void test_qmp_errors(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;
	const struct mdata *md;

	opts_init(&o, c, "tests/bin/qemu-qmp-errors");
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	assert_non_null(ds);
	assert_int_equal(ds->missing.n, 6);
	assert_true(has_missing(ds, "fake-2.0/Beta/full"));
	assert_true(has_missing(ds, "none/Beta/static"));
	assert_true(has_message(c, "fake-1.0: Beta (full): CPU model 'Beta' cannot be expanded "
				   "(fake)"));
	md = dataset_find_mdata(ds, "fake-2.0");
	assert_non_null(md);
	assert_null(dataset_expansion(ds, md, "Beta", true));
	assert_non_null(dataset_expansion(ds, md, "Gamma", true));
	assert_non_null(mdata_def(md, "Beta"));
	dataset_free(ds);
	assert_no_leftovers(c);
}

static void test_missing_binary(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	char buf[1200];

	opts_init(&o, c, "tests/bin/fake-qemu");
	o.binary = "cpuscope-no-such-qemu";
	err_clear(&e);
	assert_null(probe_run(&o, c->ft, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "cpuscope-no-such-qemu: not found in PATH (is QEMU installed?)");
	o.binary = test_path("tests/unit/test_probe.c");
	err_clear(&e);
	assert_null(probe_run(&o, c->ft, &e));
	assert_non_null(strstr(e.msg, "not executable"));
}

static void test_cancel(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;

	opts_init(&o, c, "tests/bin/fake-qemu");
	c->cancel_at = "expansions";
	err_clear(&e);
	assert_null(probe_run(&o, c->ft, &e));
	assert_string_equal(e.msg, "probe cancelled");
	assert_no_leftovers(c);
}

static size_t count_pid_files(const struct ctx *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* cpuscope killed with SIGKILL mid-probe: nothing it started survives, not
 * even the grandchildren a wrapper script leaves (the fake QEMU it runs as
 * its child, and a helper).  The test process is a child subreaper for
 * the test, so orphans come to it (not to whatever PID 1 is) and it can
 * tell a zombie from a live process. */
static void test_sigkill_wrapper(void **state)
{
	struct ctx *c = *state;
	pid_t child;
	int status;
	size_t alive = 0;
	DIR *d;
	struct dirent *de;

#ifndef __linux__
	skip();
#else
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct probe_opts o;
		struct err e;

		opts_init(&o, c, "tests/bin/qemu-wrapper-hang");
		o.timeout = 60;
		err_clear(&e);
		probe_run(&o, c->ft, &e);
		_exit(0);
	}
	/* the first process (-machine none): wrapper, helper and fake */
	for (int i = 0; i < 1000 && count_pid_files(c) < 3; i++)
		usleep(10000);
	assert_int_equal(count_pid_files(c), 3);
	usleep(100000); /* let the fake greet and hang */
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	d = opendir(c->dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		pid_t pid;
		int i;

		if (de->d_name[0] == '.')
			continue;
		pid = (pid_t)atoi(de->d_name);
		for (i = 0; i < 500; i++) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				; /* reap what was reparented to us */
			if (kill(pid, 0) != 0 && errno == ESRCH)
				break;
			usleep(10000);
		}
		if (i == 500) {
			char *path = xasprintf("%s/%s", c->dir, de->d_name), *text = NULL;
			size_t len = 0;
			struct err e;

			err_clear(&e);
			read_file_limited(path, 4096, &text, &len, &e);
			print_message("process %d (%.*s) survived cpuscope's SIGKILL\n", (int)pid,
				      text ? (int)strcspn(text, "\n") : 1, text ? text : "?");
			free(text);
			free(path);
			kill(pid, SIGKILL);
			alive++;
		}
	}
	closedir(d);
	while (waitpid(-1, NULL, 0) > 0)
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	assert_int_equal(alive, 0);
#endif
}

static void test_arch_mismatch(void **state)
{
	struct ctx *c = *state;
	struct probe_opts o;
	struct err e;
	struct ftable *s390 = ftable_new(ARCH_S390X);
	enum arch a = ARCH_S390X;

	opts_init(&o, c, "tests/bin/fake-qemu");
	err_clear(&e);
	assert_null(probe_run(&o, s390, &e));
	assert_non_null(strstr(e.msg, "this QEMU emulates x86_64, not s390x"));
	ftable_free(s390);
	err_clear(&e);
	assert_true(probe_detect_arch(test_path("tests/bin/fake-qemu"), 5, &a, &e));
	assert_int_equal(a, ARCH_X86_64);
	assert_true(probe_detect_arch("/usr/bin/qemu-system-s390x", 5, &a, &e));
	assert_int_equal(a, ARCH_S390X);
	assert_no_leftovers(c);
}

static void test_cache(void **state)
{
	struct ctx *c = *state;
	char tmpl[] = "/tmp/cpuscope-cache-test.XXXXXX";
	char *dir = mkdtemp(tmpl), *bin = NULL, *cmd = NULL, *cdir = NULL;
	char *old_xdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;
	bool hit = true;
	struct timespec ts[2];

	assert_non_null(dir);
	bin = xasprintf("%s/qemu-fake", dir);
	cmd = xasprintf("cp '%s' '%s'", test_path("tests/bin/fake-qemu"), bin);
	assert_int_equal(system(cmd), 0);
	cdir = xasprintf("%s/cache", dir);
	setenv("XDG_CACHE_HOME", cdir, 1);
	opts_init(&o, c, "tests/bin/fake-qemu");
	o.binary = bin;
	o.accel = "tcg";

	err_clear(&e);
	ds = cache_probe(&o, c->ft, true, &hit, &e);
	assert_non_null(ds);
	assert_false(hit);
	dataset_free(ds);
	err_clear(&e);
	ds = cache_probe(&o, c->ft, true, &hit, &e);
	assert_non_null(ds);
	assert_true(hit);
	assert_string_equal(ds->qemu_version, "99.0.0");
	assert_non_null(dataset_find_mdata(ds, "fake-2.0"));
	dataset_free(ds);
	/* --no-cache bypasses it */
	ds = cache_probe(&o, c->ft, false, &hit, &e);
	assert_non_null(ds);
	assert_false(hit);
	dataset_free(ds);
	/* a changed binary (mtime) is a miss */
	ts[0].tv_sec = ts[1].tv_sec = 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, bin, ts, 0), 0);
	ds = cache_probe(&o, c->ft, true, &hit, &e);
	assert_non_null(ds);
	assert_false(hit);
	dataset_free(ds);
	/* another accelerator is another entry */
	o.accel = "kvm";
	ds = cache_probe(&o, c->ft, true, &hit, &e);
	assert_non_null(ds);
	assert_false(hit);
	dataset_free(ds);

	free(cmd);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	if (old_xdg)
		setenv("XDG_CACHE_HOME", old_xdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	free(old_xdg);
	free(cmd);
	free(cdir);
	free(bin);
	assert_no_leftovers(c);
}

/* ---- the real QEMU ----------------------------------------------------------- */

static bool have_qemu(const char *name)
{
	char *path = NULL;
	struct err e;
	bool ok;

	err_clear(&e);
	ok = probe_find_binary(name, &path, &e);
	free(path);
	if (!ok)
		print_message("SKIP: %s not installed\n", name);
	return ok;
}

/* Ask QEMU directly: one expansion per (model, type), in a transcript. */
static void direct_expansions(const char *binary, const char *machine, const char *const *models,
			      size_t n, struct ftable *ft, struct expansion **out)
{
	char tmpl[] = "/tmp/cpuscope-qmp.XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f = fdopen(fd, "w");
	char *cmd = NULL, *text = NULL;
	size_t len = 0, cap = 0;
	struct qmp_doc doc;
	struct err e;
	FILE *p;

	assert_non_null(f);
	fprintf(f, "{\"execute\":\"qmp_capabilities\"}\n");
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			fprintf(f, "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":"
				"{\"type\":\"%s\",\"model\":{\"name\":\"%s\"}},\"id\":\"%zu\"}\n",
				k ? "static" : "full", models[i], 2 * i + (size_t)k);
	fprintf(f, "{\"execute\":\"quit\"}\n");
	fclose(f);
	cmd = xasprintf("%s -machine %s -S -nodefaults -no-user-config -nographic -qmp stdio "
			"-accel tcg <%s 2>/dev/null", binary, machine, tmpl);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? 2 * cap : 1 << 20;
			text = xrealloc(text, cap);
		}
		size_t r = fread(text + len, 1, cap - len - 1, p);

		if (r == 0)
			break;
		len += r;
	}
	text[len] = '\0';
	pclose(p);
	unlink(tmpl);
	memset(&doc, 0, sizeof(doc));
	err_clear(&e);
	if (!qmp_doc_parse("direct", text, len, &doc, &e))
		fail_msg("direct QMP: %s", e.msg);
	for (size_t i = 0; i < 2 * n; i++)
		out[i] = NULL;
	for (size_t i = 0; i < doc.items.n; i++) {
		const struct qmp_item *it = vec_get(&doc.items, i);

		if (it->kind != QMP_EXPANSION || !it->id)
			continue;
		size_t k = (size_t)atoi(it->id);

		assert_true(k < 2 * n);
		err_clear(&e);
		assert_true(qmp_read_expansion(it->ret, "direct", it->line, ft, &out[k], &e));
	}
	for (size_t i = 0; i < 2 * n; i++)
		assert_non_null(out[i]);
	qmp_doc_fini(&doc);
	free(text);
	free(cmd);
}

/* Print how two expansions differ (for a failing comparison). */
static void print_diff(const struct ftable *ft, const struct expansion *a, const struct expansion *b)
{
	struct vec pa = VEC_INIT, pb = VEC_INIT;

	if (strcmp(a->name, b->name))
		print_message("  name %s vs %s\n", a->name, b->name);
	for (size_t id = 0; id < ftable_count(ft); id++) {
		if (fset_has(&a->on, (unsigned)id) != fset_has(&b->on, (unsigned)id) ||
		    fset_has(&a->known, (unsigned)id) != fset_has(&b->known, (unsigned)id))
			print_message("  feature %s: on %d/%d known %d/%d\n",
				      ftable_get(ft, (unsigned)id)->name,
				      fset_has(&a->on, (unsigned)id), fset_has(&b->on, (unsigned)id),
				      fset_has(&a->known, (unsigned)id),
				      fset_has(&b->known, (unsigned)id));
	}
	expansion_props_all(a, &pa);
	expansion_props_all(b, &pb);
	for (size_t i = 0; i < pa.n || i < pb.n; i++) {
		const struct prop *x = i < pa.n ? vec_get(&pa, i) : NULL;
		const struct prop *y = i < pb.n ? vec_get(&pb, i) : NULL;

		if (!x || !y || strcmp(x->name, y->name) || strcmp(x->json, y->json))
			print_message("  prop %s=%s vs %s=%s\n", x ? x->name : "-", x ? x->json : "-",
				      y ? y->name : "-", y ? y->json : "-");
	}
	vec_fini(&pa, NULL);
	vec_fini(&pb, NULL);
}

static void compare_with_direct(struct ctx *c, const struct dataset *ds, const char *binary,
				const char *machine, const char *const *models, size_t n)
{
	struct expansion *direct[16];
	const struct mdata *md = dataset_find_mdata(ds, machine);

	assert_true(n <= 8);
	assert_non_null(md);
	direct_expansions(binary, machine, models, n, c->ft, direct);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			const struct expansion *x = dataset_expansion(ds, md, models[i], !k);

			if (x && !expansion_equal(x, direct[2 * i + (size_t)k]))
				print_diff(c->ft, x, direct[2 * i + (size_t)k]);
			if (!x || !expansion_equal(x, direct[2 * i + (size_t)k]))
				fail_msg("%s %s %s: the probe differs from a direct QMP query", machine,
					 models[i], k ? "static" : "full");
			expansion_free(direct[2 * i + (size_t)k]);
		}
	}
}

static void test_real_x86(void **state)
{
	struct ctx *c = *state;
	const char *const machines[] = { "pc-i440fx-2.0", "q35", "none", NULL };
	const char *const models[] = { "Haswell", "Haswell-v4", "EPYC", "qemu64", "max" };
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL, *back = NULL;
	char *json = NULL;

	if (!have_qemu("qemu-system-x86_64")) {
		skip();
		return;
	}
	opts_init(&o, c, "tests/bin/fake-qemu");
	o.binary = "qemu-system-x86_64";
	o.accel = "tcg";
	o.machines = machines;
	o.timeout = 30;
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e);
	if (!ds)
		fail_msg("probe failed: %s", e.msg);
	if (ds->missing.n) {
		dump_messages(c);
		fail_msg("missing: %s", (const char *)vec_get(&ds->missing, 0));
	}
	assert_string_equal(ds->qemu_version, "7.2.22");
	assert_string_equal(ds->accel, "tcg");
	assert_int_equal(ds->mdatas.n, 3);
	assert_non_null(dataset_find_mdata(ds, "pc-q35-7.2")); /* q35 resolved */
	assert_true(ds->machines.n > 50);
	/* through the snapshot writer and reader, as cpuscope uses it */
	json = snapshot_to_json(ds);
	err_clear(&e);
	back = snapshot_parse("probe.json", json, strlen(json), c->ft, &e);
	if (!back)
		fail_msg("snapshot: %s", e.msg);
	for (int round = 0; round < 2; round++) {
		const struct dataset *d = round ? back : ds;
		const struct expansion *h20 = dataset_expansion(d, dataset_find_mdata(d, "pc-i440fx-2.0"),
								"Haswell", true);
		const struct expansion *h72 = dataset_expansion(d, dataset_find_mdata(d, "pc-q35-7.2"),
								"Haswell", true);

		assert_non_null(h20);
		assert_non_null(h72);
		assert_false(feature_on(c->ft, h20, "abm"));
		assert_true(feature_on(c->ft, h72, "abm"));
		compare_with_direct(c, d, "qemu-system-x86_64", "pc-i440fx-2.0", models,
				    ARRAY_LEN(models));
		compare_with_direct(c, d, "qemu-system-x86_64", "pc-q35-7.2", models,
				    ARRAY_LEN(models));
		compare_with_direct(c, d, "qemu-system-x86_64", "none", models, ARRAY_LEN(models));
	}
	free(json);
	dataset_free(back);
	dataset_free(ds);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_real_s390x(void **state)
{
	struct ctx *c = *state;
	const char *const machines[] = { "s390-ccw-virtio-7.2", "s390-ccw-virtio-2.11", NULL };
	const char *const models[] = { "z14", "z13-base", "gen15a", "qemu", "max" };
	struct ftable *x86 = c->ft;
	struct probe_opts o;
	struct err e;
	struct dataset *ds = NULL;

	if (!have_qemu("qemu-system-s390x")) {
		skip();
		return;
	}
	c->ft = ftable_new(ARCH_S390X);
	opts_init(&o, c, "tests/bin/fake-qemu");
	o.binary = "qemu-system-s390x";
	o.machines = machines;
	o.timeout = 30;
	err_clear(&e);
	ds = probe_run(&o, c->ft, &e); /* default accel: tcg (not this host's arch) */
	if (!ds)
		fail_msg("probe failed: %s", e.msg);
	assert_int_equal(ds->missing.n, 0);
	assert_string_equal(ds->accel, "tcg");
	assert_int_equal(ds->arch, ARCH_S390X);
	assert_int_equal(ds->mdatas.n, 2);
	compare_with_direct(c, ds, "qemu-system-s390x", "s390-ccw-virtio-7.2", models,
			    ARRAY_LEN(models));
	compare_with_direct(c, ds, "qemu-system-s390x", "s390-ccw-virtio-2.11", models,
			    ARRAY_LEN(models));
	dataset_free(ds);
	ftable_free(c->ft);
	c->ft = x86;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_all_machines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datadir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_list_alias_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_one_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enormous_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arch_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_wrapper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_x86, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_s390x, setup, teardown),
	};
	return TEST_RUN("probe", tests, argc, argv);
}
