/* test_virsh.c - which libvirt is installed (`virsh --version`, with fake
 * virsh scripts in PATH: one that answers, one that hangs, one that prints
 * no version, none at all), and how the session picks the libvirt version
 * and its cpu_map from that (session.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpu_map.h"
#include "err.h"
#include "libvirt_version.h"
#include "session.h"
#include "util.h"
#include "virsh.h"

struct fake {
	char dir[64];
	char *old_path;
	char *old_pin;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A PATH holding only a virsh with this body (NULL: no virsh at all). */
static void fake_virsh(struct fake *f, const char *body)
{
	const char *p = getenv("PATH");
	const char *pin = getenv("CPUSCOPE_LIBVIRT_VERSION");

	snprintf(f->dir, sizeof(f->dir), "/tmp/cpuscope-virsh.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->old_path = xstrdup(p ? p : "");
	f->old_pin = pin ? xstrdup(pin) : NULL;
	unsetenv("CPUSCOPE_LIBVIRT_VERSION");
	if (body) {
		char *file = xasprintf("%s/virsh", f->dir);
		FILE *fp = fopen(file, "w");
		assert_non_null(fp);
		fprintf(fp, "#!/bin/sh\n%s\n", body);
		fclose(fp);
		chmod(file, 0755);
		free(file);
	}
	setenv("PATH", f->dir, 1);
}

static void fake_done(struct fake *f)
{
	char *file = xasprintf("%s/virsh", f->dir);

	unlink(file);
	free(file);
	rmdir(f->dir);
	setenv("PATH", f->old_path, 1);
	if (f->old_pin)
		setenv("CPUSCOPE_LIBVIRT_VERSION", f->old_pin, 1);
	free(f->old_path);
	free(f->old_pin);
}

static void test_version(void **state)
{
	struct fake f;
	struct err e;
	char *v = NULL;
	double t0;

	(void)state;
	fake_virsh(&f, "[ \"$1\" = --version ] && echo 11.3.0");
	err_clear(&e);
	assert_true(probe_virsh_version(5, &v, &e));
	assert_string_equal(v, "11.3.0");
	free(v);
	fake_done(&f);

	fake_virsh(&f, "echo 'virsh: command not found'");
	assert_false(probe_virsh_version(5, &v, &e));
	assert_null(v);
	assert_non_null(strstr(e.msg, "printed no version"));
	fake_done(&f);

	fake_virsh(&f, "exit 3");
	err_clear(&e);
	assert_false(probe_virsh_version(5, &v, &e));
	assert_non_null(strstr(e.msg, "exit status 3"));
	fake_done(&f);

	/* a virsh that hangs is killed at the deadline */
	fake_virsh(&f, "exec /bin/sleep 30");
	err_clear(&e);
	t0 = now_s();
	assert_false(probe_virsh_version(0.3, &v, &e));
	assert_true(now_s() - t0 < 5);
	assert_non_null(strstr(e.msg, "no answer"));
	fake_done(&f);

	fake_virsh(&f, NULL);
	err_clear(&e);
	assert_false(probe_virsh_version(5, &v, &e));
	assert_non_null(strstr(e.msg, "not found"));
	fake_done(&f);
}

/* The session with only these options and the fake in PATH. */
static struct session *load(const char *version, const char *cpu_map, struct err *e)
{
	struct session_opts o;
	struct session *s;

	memset(&o, 0, sizeof(o));
	o.arch = "x86_64";
	o.libvirt_version = version;
	o.cpu_map_dir = cpu_map;
	s = session_new(&o);
	if (!session_load_map(s, e)) {
		session_free(s);
		return NULL;
	}
	return s;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void test_session_picks(void **state)
{
	const char *sys = cpu_map_system_dir();
	struct fake f;
	struct session *s;
	struct err e;

	(void)state;
	setenv("CPUSCOPE_DATADIR", test_path("data"), 1);
	err_clear(&e);

	/* the installed 9.0: its semantics, its map when it has one */
	fake_virsh(&f, "echo 9.0.0");
	s = load(NULL, NULL, &e);
	assert_non_null(s);
	assert_int_equal(s->libvirt->version, LV_9_0);
	assert_string_equal(s->libvirt_installed, "9.0.0");
	assert_true(sys ? !strcmp(s->map->dir, sys) : ends_with(s->map->dir, "/cpu_map"));
	session_free(s);
	/* asked for 11 on it: the bundled 11.3 map */
	s = load("11", NULL, &e);
	assert_int_equal(s->libvirt->version, LV_11);
	assert_true(ends_with(s->map->dir, "/cpu_map-11.3"));
	session_free(s);
	/* --cpu-map: the map says which release */
	s = load(NULL, test_path("data/cpu_map-11.3"), &e);
	assert_int_equal(s->libvirt->version, LV_11);
	session_free(s);
	s = load("9.0", test_path("data/cpu_map-11.3"), &e);
	assert_int_equal(s->libvirt->version, LV_9_0);
	session_free(s);
	fake_done(&f);

	/* the installed 11.3 */
	fake_virsh(&f, "echo 11.3.0");
	s = load(NULL, NULL, &e);
	assert_int_equal(s->libvirt->version, LV_11);
	session_free(s);
	s = load("9.0", NULL, &e);
	assert_int_equal(s->libvirt->version, LV_9_0);
	assert_true(ends_with(s->map->dir, "/cpu_map"));
	session_free(s);
	fake_done(&f);

	/* no virsh: the installed map's release, else the newest */
	fake_virsh(&f, NULL);
	s = load(NULL, NULL, &e);
	if (sys) {
		assert_string_equal(s->map->dir, sys);
	} else {
		assert_int_equal(s->libvirt->version, lv_newest()->version);
		assert_true(ends_with(s->map->dir, lv_newest()->bundled_map));
	}
	session_free(s);
	/* the pin: no virsh asked, the bundled map */
	setenv("CPUSCOPE_LIBVIRT_VERSION", "none", 1);
	s = load(NULL, NULL, &e);
	assert_int_equal(s->libvirt->version, lv_newest()->version);
	assert_null(s->libvirt_installed);
	session_free(s);
	setenv("CPUSCOPE_LIBVIRT_VERSION", "9.0", 1);
	s = load(NULL, NULL, &e);
	assert_int_equal(s->libvirt->version, LV_9_0);
	assert_true(ends_with(s->map->dir, "/cpu_map"));
	session_free(s);
	setenv("CPUSCOPE_LIBVIRT_VERSION", "new", 1);
	assert_null(load(NULL, NULL, &e));
	assert_string_equal(e.msg, "$CPUSCOPE_LIBVIRT_VERSION: 'new' is not a libvirt version "
				   "(expected 9.0 (also releases before 10.10) or 11 (10.10 and later), "
				   "or none)");
	unsetenv("CPUSCOPE_LIBVIRT_VERSION");
	err_clear(&e);
	assert_null(load("x11", NULL, &e));
	assert_string_equal(e.msg, "--libvirt-version: 'x11' is not a libvirt version (expected "
				   "9.0 (also releases before 10.10) or 11 (10.10 and later))");
	fake_done(&f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_session_picks),
	};
	return TEST_RUN("virsh", tests, argc, argv);
}
