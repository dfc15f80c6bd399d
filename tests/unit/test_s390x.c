/* test_s390x.c - s390x as QEMU models it (src/logic/s390x.c,
 * src/model/s390x_names.c, src/probe/qmp_call.c): IBM's names, CPUs as
 * libvirt hands them to QEMU, the QMP client against the misbehaving fake
 * QEMUs of tests/bin and the real qemu-system-s390x (TCG), answers from a
 * capture, the views grid, and the bundled QEMU 10.0 snapshot against
 * libvirt's capture of QEMU 10.0 model by model. */
#include "testutil.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "guest.h"
#include "logic.h"
#include "model.h"
#include "probe.h"
#include "qmp_call.h"
#include "qmp_json.h"
#include "replies.h"
#include "s390x.h"
#include "s390x_names.h"
#include "snapshot.h"
#include "xml_cpu.h"

#define CAPS11 "tests/data/libvirt/v11.3.0/qemucapabilitiesdata/"
#define ANSWERS "tests/data/s390x/qemu-7.2-tcg-answers.replies"

static bool have_qemu(const char *name, char **path)
{
	struct err e;

	err_clear(&e);
	if (probe_find_binary(name, path, &e))
		return true;
	print_message("SKIP: %s not installed\n", name);
	return false;
}

/* ---- IBM's names ------------------------------------------------------------ */

static void test_names(void **state)
{
	char buf[256];
	size_t n;
	const struct s390x_name *all = s390x_names(&n);

	(void)state;
	assert_string_equal(s390x_name_lookup("z15")->qemu, "gen15a");
	assert_string_equal(s390x_name_lookup("Z15 t02")->qemu, "gen15b");
	assert_string_equal(s390x_name_lookup("z15-T02")->qemu, "gen15b");
	assert_string_equal(s390x_name_lookup("IBM z16")->qemu, "gen16a");
	assert_string_equal(s390x_name_lookup("z16 AGZ")->qemu, "gen16b");
	assert_string_equal(s390x_name_lookup("LinuxONE III")->qemu, "gen15a");
	assert_string_equal(s390x_name_lookup("linuxone rockhopper ii")->qemu, "z14ZR1");
	assert_string_equal(s390x_name_lookup("8561")->qemu, "gen15a");
	assert_string_equal(s390x_name_lookup("z17")->qemu, "gen17a");
	assert_string_equal(s390x_name_lookup("z9")->qemu, "z9EC");
	assert_null(s390x_name_lookup("z99"));
	assert_null(s390x_name_lookup(""));
	assert_null(s390x_name_lookup("gen15a")); /* QEMU's own names are QEMU's */
	assert_string_equal(s390x_name_of("gen15a-base")->product, "IBM z15 T01");
	assert_int_equal(s390x_name_of("z14.2")->ga, 2);
	assert_int_equal(s390x_name_of("z14.2")->gen, 14);
	assert_null(s390x_name_of("max"));
	assert_string_equal(s390x_name_text(s390x_name_of("gen16b"), buf, sizeof(buf)),
			    "IBM z16 A02 and AGZ / IBM LinuxONE Rockhopper 4, machine type 3932, "
			    "generation 16 GA1");
	/* generations and GA levels never go down in QEMU's order, per machine */
	for (size_t i = 1; i < n; i++)
		assert_true(all[i].gen >= all[i - 1].gen);
}

/* Every model of the bundled snapshots has an entry, and every entry is a
 * model of one of them. */
static void test_names_cover_qemu(void **state)
{
	static const char *const snaps[] = { "data/qemu-7.2-s390x.json", "data/qemu-10.0-s390x.json" };
	struct ftable *ft = ftable_new(ARCH_S390X);
	size_t n;
	const struct s390x_name *all = s390x_names(&n);
	bool *seen = calloc(n, sizeof(*seen));

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct err e;
		err_clear(&e);
		struct dataset *ds = snapshot_load(test_path(snaps[k]), ft, &e);
		assert_non_null(ds);
		const struct mdata *md = dataset_find_mdata(ds, "none");
		assert_non_null(md);
		for (size_t i = 0; i < md->defs.n; i++) {
			const struct cpu_def *d = vec_get(&md->defs, i);
			const struct s390x_name *nm = s390x_name_of(d->name);
			if (!strcmp(d->name, "max") || !strcmp(d->name, "qemu") || !strcmp(d->name, "host"))
				continue;
			if (!nm)
				fail_msg("%s of %s has no entry in s390x_names.c", d->name, snaps[k]);
			seen[nm - all] = true;
		}
		dataset_free(ds);
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("%s is in no bundled snapshot", all[i].qemu);
	free(seen);
	ftable_free(ft);
}

/* model_lookup finds QEMU's model of IBM's name, and says so. */
static void test_lookup_marketing(void **state)
{
	struct ftable *ft = ftable_new(ARCH_S390X);
	struct model_view mv;
	struct err e;
	struct dataset *ds;

	(void)state;
	err_clear(&e);
	ds = snapshot_load(test_path("data/qemu-7.2-s390x.json"), ft, &e);
	assert_non_null(ds);
	const struct mdata *md = dataset_find_mdata(ds, "s390-ccw-virtio-7.2");
	assert_true(model_lookup(ds, md, "z15", &mv, &e));
	assert_string_equal(mv.name, "gen15a");
	assert_string_equal(mv.note, "z15 is QEMU's gen15a");
	assert_string_equal(mv.machine->machine_type, "8561");
	assert_true(model_lookup(ds, md, "LinuxONE Emperor II", &mv, &e));
	assert_string_equal(mv.name, "z14");
	assert_true(model_lookup(ds, md, "z14", &mv, &e));
	assert_string_equal(mv.note, "");
	assert_false(model_lookup(ds, md, "z17", &mv, &e));
	assert_string_equal(e.msg, "z17 is QEMU's gen17a (IBM z17 ME1 / IBM LinuxONE Emperor 5, "
			    "machine type 9175, generation 17 GA1), which QEMU 7.2.22 does not have");
	err_clear(&e);
	assert_false(model_lookup(ds, md, "z15 with spaces", &mv, &e));
	assert_non_null(strstr(e.msg, "unknown CPU model 'z15 with spaces'"));
	dataset_free(ds);
	ftable_free(ft);
}

/* ---- CPUs as libvirt gives them to QEMU -------------------------------------- */

static char *guest_json(const char *xml, struct err *e)
{
	struct guest_cpu *g = xml_guest_parse("t.xml", xml, strlen(xml), e);
	struct s390x_cpu c;
	char *s = NULL;

	assert_non_null(g);
	if (s390x_cpu_from_guest(g, &c, e))
		s = s390x_cpu_json(&c);
	s390x_cpu_fini(&c);
	guest_cpu_free(g);
	return s;
}

static void test_cpu_from_guest(void **state)
{
	struct err e;
	char *s;

	(void)state;
	err_clear(&e);
	s = guest_json("<cpu mode='custom'><model>z14</model><feature policy='require' name='vx'/>"
		       "<feature policy='force' name='gs'/><feature policy='disable' name='te'/>"
		       "<feature policy='forbid' name='cte'/><feature policy='optional' name='ri'/>"
		       "</cpu>", &e);
	assert_string_equal(s, "{\"name\":\"z14\",\"props\":{\"vx\":true,\"gs\":true,\"te\":false,"
			    "\"cte\":false,\"ri\":false}}");
	free(s);
	s = guest_json("<cpu><arch>s390x</arch><model>gen15a-base</model><feature name='vx'/></cpu>", &e);
	assert_string_equal(s, "{\"name\":\"gen15a-base\",\"props\":{\"vx\":true}}");
	free(s);
	s = guest_json("<cpu mode='host-passthrough'/>", &e);
	assert_string_equal(s, "{\"name\":\"host\"}");
	free(s);
	s = guest_json("<cpu mode='maximum'/>", &e);
	assert_string_equal(s, "{\"name\":\"max\"}");
	free(s);
	assert_null(guest_json("<cpu mode='host-model'/>", &e));
	assert_string_equal(e.msg, "cpu parameter is missing a model name");
}

/* ---- the QMP client ------------------------------------------------------------ */

static void test_qmp_fake(void **state)
{
	struct qmp_opts o = { test_path("tests/bin/fake-qemu"), "tcg", NULL, NULL, 5 };
	struct qmp_question q[2] = { { "query-target", NULL, NULL, NULL },
				     { "query-cpu-model-comparison", "{\"modela\":{\"name\":\"Alpha\"}}",
				       NULL, NULL } };
	char *version = NULL;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(qmp_ask(&o, q, 2, &version, &e));
	assert_string_equal(version, "99.0.0");
	assert_string_equal(q[0].ret, "{\"arch\":\"x86_64\"}");
	assert_null(q[0].error);
	assert_null(q[1].ret);
	assert_string_equal(q[1].error, "The command query-cpu-model-comparison has not been found");
	qmp_question_fini(&q[0]);
	qmp_question_fini(&q[1]);
	free(version);

	/* hangs: the deadline */
	o.binary = test_path("tests/bin/qemu-hang");
	o.timeout = 0.5;
	err_clear(&e);
	assert_false(qmp_ask(&o, q, 1, NULL, &e));
	assert_non_null(strstr(e.msg, "qmp_capabilities: no answer within 0 s"));
	/* garbage */
	o.binary = test_path("tests/bin/qemu-garbage");
	o.timeout = 5;
	err_clear(&e);
	assert_false(qmp_ask(&o, q, 1, NULL, &e));
	assert_non_null(strstr(e.msg, "QEMU answered something that is not QMP: Segmentation fault"));
	/* dies after its first answer */
	setenv("FAKE_CRASH_AFTER", "1", 1);
	o.binary = test_path("tests/bin/qemu-crash");
	err_clear(&e);
	assert_false(qmp_ask(&o, q, 1, NULL, &e));
	unsetenv("FAKE_CRASH_AFTER");
	assert_non_null(strstr(e.msg, "query-target: fake-qemu: about to crash"));
	/* cannot run */
	o.binary = "/nonexistent/qemu-system-s390x";
	err_clear(&e);
	assert_false(qmp_ask(&o, q, 1, NULL, &e));
	assert_non_null(strstr(e.msg, "cannot run /nonexistent/qemu-system-s390x"));
}

/* Step by step, as the explorer's poll loop drives it: the greeting, then
 * a command, each serviced by poll() + qmp_step(); a busy connection
 * closed is killed at once. */
static void serve(struct qmp_conn *c, struct err *e)
{
	while (qmp_busy(c)) {
		struct pollfd fds[3];
		int timeout = -1;
		size_t n = qmp_pollfds(c, fds, 3, &timeout);
		assert_true(n > 0 && n <= 3);
		assert_true(timeout >= 0);
		assert_true(poll(fds, (nfds_t)n, timeout) >= 0);
		if (!qmp_step(c, fds, n, e))
			return;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_qmp_steps(void **state)
{
	struct qmp_opts o = { test_path("tests/bin/fake-qemu"), "tcg", NULL, NULL, 5 };
	struct qmp_question q = { "query-target", NULL, NULL, NULL };
	struct qmp_conn *c;
	char *version = NULL;
	struct err e;

	(void)state;
	err_clear(&e);
	c = qmp_start(&o, &version, &e);
	assert_non_null(c);
	assert_true(qmp_busy(c));
	assert_false(qmp_send(c, &q, 1, &e)); /* not while the greeting is awaited */
	assert_string_equal(e.msg, "QEMU is still answering");
	err_clear(&e);
	serve(c, &e);
	assert_false(err_isset(&e));
	assert_string_equal(version, "99.0.0");
	assert_true(qmp_send(c, &q, 1, &e));
	serve(c, &e);
	assert_false(err_isset(&e));
	assert_string_equal(q.ret, "{\"arch\":\"x86_64\"}");
	qmp_question_fini(&q);
	qmp_close(c);
	free(version);
	version = NULL;

	/* a QEMU that never answers, given up while busy: killed, not awaited */
	o.binary = test_path("tests/bin/qemu-hang");
	o.timeout = 30;
	c = qmp_start(&o, &version, &e);
	assert_non_null(c);
	double t0 = now_s();
	qmp_close(c);
	assert_true(now_s() - t0 < 5);
	free(version);
	version = NULL;

	/* the deadline, seen by qmp_step */
	o.timeout = 0.3;
	c = qmp_start(&o, &version, &e);
	assert_non_null(c);
	err_clear(&e);
	serve(c, &e);
	assert_false(qmp_busy(c));
	assert_non_null(strstr(e.msg, "qmp_capabilities: no answer within 0 s"));
	qmp_close(c);
	free(version);
}

/* The real QEMU: one process answers pair after pair. */
static void test_qmp_real(void **state)
{
	char *bin = NULL, *version = NULL;
	struct err e;

	(void)state;
	if (!have_qemu("qemu-system-s390x", &bin)) {
		skip();
		return;
	}
	struct qmp_opts o = { bin, "tcg", NULL, NULL, 30 };
	struct qmp_conn *c = qmp_open(&o, &version, &e);
	assert_non_null(c);
	assert_non_null(version);
	for (int round = 0; round < 3; round++) {
		struct qmp_question q = { "query-cpu-model-comparison",
					  "{\"modela\":{\"name\":\"z13\"},\"modelb\":{\"name\":\"z14\"}}",
					  NULL, NULL };
		err_clear(&e);
		assert_true(qmp_exec(c, &q, 1, &e));
		assert_non_null(strstr(q.ret, "\"result\":\"subset\""));
		assert_non_null(strstr(q.ret, "\"type\""));
		qmp_question_fini(&q);
	}
	qmp_close(c);
	free(version);
	free(bin);
}

/* ---- compare and baseline --------------------------------------------------------- */

/* A capture holding the answers answers without any QEMU. */
static void test_answers_from_capture(void **state)
{
	struct s390x_qemu q;
	struct s390x_cpu host, cpu, pair[2];
	struct s390x_compare r;
	struct s390x_baseline b;
	struct err e;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.capture = calloc(1, sizeof(*q.capture));
	err_clear(&e);
	assert_true(qmp_doc_load(test_path(ANSWERS), q.capture, &e));
	q.capture_file = strdup(ANSWERS);
	q.data_version = strdup("7.2.22");
	q.accel = strdup("tcg");
	/* guest-z900.xml against the capture's max: asked as the CLI asks */
	{
		struct ftable *ft = ftable_new(ARCH_S390X);
		struct dataset *ds = replies_load(test_path(ANSWERS), ft, NULL, &e);
		const struct expansion *x;
		assert_non_null(ds);
		x = dataset_expansion(ds, dataset_find_mdata(ds, "none"), "max", false);
		assert_non_null(x);
		s390x_cpu_from_expansion(x, ft, &host);
		dataset_free(ds);
		ftable_free(ft);
	}
	memset(&cpu, 0, sizeof(cpu));
	cpu.name = strdup("z900");
	assert_true(s390x_compare(&q, &host, &cpu, &r, &e));
	assert_int_equal(r.result, CMP_SUPERSET);
	assert_string_equal(r.qemu_result, "superset");
	assert_string_equal(r.responsible.v[r.responsible.n - 1], "type");
	s390x_compare_fini(&r);
	/* not in the capture, and no QEMU */
	free(cpu.name);
	cpu.name = strdup("z196");
	err_clear(&e);
	assert_false(s390x_compare(&q, &host, &cpu, &r, &e));
	assert_non_null(strstr(e.msg, "the capture holds no answer to this question"));
	s390x_cpu_fini(&cpu);
	s390x_cpu_fini(&host);
	/* baseline z900 + gen16a: z900-base */
	memset(pair, 0, sizeof(pair));
	pair[0].name = strdup("z900");
	pair[1].name = strdup("gen16a");
	err_clear(&e);
	assert_true(s390x_baseline(&q, NULL, pair, 2, false, &b, &e));
	assert_string_equal(b.xml, "<cpu>\n  <model>z900-base</model>\n</cpu>\n");
	s390x_baseline_fini(&b);
	s390x_cpu_fini(&pair[0]);
	s390x_cpu_fini(&pair[1]);
	/* step by step: a capture answers at once, the job is never busy */
	pair[0].name = strdup("z900");
	pair[1].name = strdup("gen16a");
	{
		struct s390x_job *j = s390x_baseline_start(&q, NULL, pair, 2, false);
		assert_false(s390x_job_busy(j));
		assert_true(s390x_baseline_finish(j, &b, &e));
		assert_string_equal(b.cpu.name, "z900-base");
		s390x_baseline_fini(&b);
		/* no CPUs: the job fails at once, with the words of s390x_baseline */
		j = s390x_baseline_start(&q, NULL, pair, 0, false);
		assert_false(s390x_job_busy(j));
		err_clear(&e);
		assert_false(s390x_baseline_finish(j, &b, &e));
		assert_string_equal(e.msg, "no CPUs to baseline");
	}
	s390x_cpu_fini(&pair[0]);
	s390x_cpu_fini(&pair[1]);
	assert_true(q.asked_capture);
	assert_false(q.asked_live);
	qmp_doc_fini(q.capture);
	free(q.capture);
	q.capture = NULL;
	s390x_qemu_fini(&q);
}

/* The real QEMU under TCG, and three CPUs: z14, z13 without vx, zEC12. */
static void real_fixture(struct s390x_qemu *q, char *bin, struct s390x_cpu cpus[3])
{
	memset(q, 0, sizeof(*q));
	q->binary = bin;
	q->accel = strdup("tcg");
	q->local = true;
	memset(cpus, 0, 3 * sizeof(*cpus));
	cpus[0].name = strdup("z14");
	cpus[1].name = strdup("z13");
	s390x_cpu_add(&cpus[1], "vx", false);
	cpus[2].name = strdup("zEC12");
}

/* The real QEMU: baseline of three CPUs, chained, and expanded. */
static void test_baseline_real(void **state)
{
	struct s390x_qemu q;
	struct s390x_cpu cpus[3];
	struct s390x_baseline b;
	struct err e;
	char *bin = NULL;

	(void)state;
	if (!have_qemu("qemu-system-s390x", &bin)) {
		skip();
		return;
	}
	real_fixture(&q, bin, cpus);
	err_clear(&e);
	assert_true(s390x_baseline(&q, NULL, cpus, 3, false, &b, &e));
	assert_string_equal(b.cpu.name, "zEC12-base");
	assert_null(strstr(b.xml, "'vx'"));
	assert_non_null(strstr(b.xml, "<feature name='te'/>"));
	s390x_baseline_fini(&b);
	/* --features: QEMU's full expansion, in name order */
	assert_true(s390x_baseline(&q, NULL, cpus, 2, true, &b, &e));
	assert_string_equal(b.cpu.name, "z13-base");
	for (size_t i = 1; i < b.cpu.props.n; i++)
		assert_true(strcmp(((struct s390x_prop *)b.cpu.props.v[i - 1])->name,
				   ((struct s390x_prop *)b.cpu.props.v[i])->name) < 0);
	s390x_baseline_fini(&b);
	/* QEMU refuses */
	err_clear(&e);
	free(cpus[2].name);
	cpus[2].name = strdup("nosuchcpu");
	assert_false(s390x_baseline(&q, NULL, cpus, 3, false, &b, &e));
	assert_string_equal(e.msg, "QEMU: The CPU definition 'nosuchcpu' is unknown.");
	assert_true(q.asked_live);
	assert_non_null(strstr(q.transcript.s, "\"execute\": \"query-cpu-model-baseline\""));
	for (int i = 0; i < 3; i++)
		s390x_cpu_fini(&cpus[i]);
	s390x_qemu_fini(&q);
}

/* The explorer's way: jobs serviced by a poll loop, the real QEMU. */
static void serve_job(struct s390x_job *j, int *rounds)
{
	while (s390x_job_busy(j)) {
		struct pollfd fds[3];
		int timeout = -1;
		size_t n = s390x_job_pollfds(j, fds, 3, &timeout);
		assert_true(n > 0);
		assert_non_null(s390x_job_asking(j));
		assert_true(poll(fds, (nfds_t)n, timeout) >= 0);
		s390x_job_step(j, fds, n);
		(*rounds)++;
	}
}

static void test_jobs_real(void **state)
{
	struct s390x_qemu q;
	struct s390x_cpu cpus[3];
	struct s390x_compare r;
	struct s390x_baseline b, sync;
	struct s390x_job *j;
	struct err e;
	char *bin = NULL;
	int rounds = 0;

	(void)state;
	if (!have_qemu("qemu-system-s390x", &bin)) {
		skip();
		return;
	}
	real_fixture(&q, bin, cpus);
	/* compare: QEMU starts, greets, answers */
	j = s390x_compare_start(&q, &cpus[0], &cpus[1]);
	assert_true(s390x_job_busy(j));
	assert_string_equal(s390x_job_asking(j), "query-cpu-model-comparison");
	serve_job(j, &rounds);
	err_clear(&e);
	assert_true(s390x_compare_finish(j, &r, &e));
	assert_string_equal(r.qemu_result, "superset");
	assert_non_null(s390x_compare_note(&r));
	s390x_compare_fini(&r);
	/* baseline of three: two pairs, on the same QEMU; as s390x_baseline says */
	j = s390x_baseline_start(&q, NULL, cpus, 3, false);
	assert_true(s390x_job_busy(j));
	serve_job(j, &rounds);
	assert_true(s390x_baseline_finish(j, &b, &e));
	assert_true(s390x_baseline(&q, NULL, cpus, 3, false, &sync, &e));
	assert_string_equal(b.xml, sync.xml);
	s390x_baseline_fini(&b);
	s390x_baseline_fini(&sync);
	/* given up while QEMU answers: the next job starts another QEMU */
	j = s390x_baseline_start(&q, NULL, cpus, 1, false);
	assert_true(s390x_job_busy(j));
	s390x_job_free(j);
	assert_false(s390x_qemu_busy(&q));
	j = s390x_baseline_start(&q, NULL, cpus, 1, false);
	serve_job(j, &rounds);
	assert_true(s390x_baseline_finish(j, &b, &e));
	assert_string_equal(b.cpu.name, "z14-base");
	s390x_baseline_fini(&b);
	assert_true(rounds > 0);
	for (int i = 0; i < 3; i++)
		s390x_cpu_fini(&cpus[i]);
	s390x_qemu_fini(&q);
}

/* ---- the views grid ----------------------------------------------------------------- */

static void test_views(void **state)
{
	struct ftable *ft = ftable_new(ARCH_S390X);
	struct err e;
	struct dataset *ds;
	struct grid *g;
	unsigned mepoch;

	(void)state;
	err_clear(&e);
	ds = snapshot_load(test_path("data/qemu-7.2-s390x.json"), ft, &e);
	assert_non_null(ds);
	mepoch = ftable_lookup(ft, "mepoch")->id;
	/* 3.1 turns mepoch off in the default of z14: the newest default shows */
	g = grid_build_s390x_views(ds, dataset_find_mdata(ds, "s390-ccw-virtio-3.1"), "z14", NULL, &e);
	assert_non_null(g);
	assert_int_equal(g->ncols, 4);
	assert_string_equal(g->cols[0].title, "z14-base");
	assert_string_equal(g->cols[0].sub, "static: z14-base");
	assert_string_equal(g->cols[1].sub, "default: z14-base +28");
	assert_string_equal(g->cols[3].title, "max");
	assert_false(fset_has(&g->cols[0].on, mepoch));
	assert_false(fset_has(&g->cols[1].on, mepoch));
	assert_true(fset_has(&g->cols[2].on, mepoch));
	grid_free(g);
	/* 7.2 trims nothing of z14: three columns */
	g = grid_build_s390x_views(ds, dataset_find_mdata(ds, "s390-ccw-virtio-7.2"), "z14-base", NULL,
				   &e);
	assert_non_null(g);
	assert_int_equal(g->ncols, 3);
	grid_free(g);
	assert_null(grid_build_s390x_views(ds, dataset_find_mdata(ds, "s390-ccw-virtio-7.2"), "qemu",
					   NULL, &e));
	assert_non_null(strstr(e.msg, "qemu has no static -base model"));
	dataset_free(ds);
	ftable_free(ft);
}

/* ---- the bundled snapshot against libvirt's capture ------------------------------ */

/* QEMU 10.0: data/qemu-10.0-s390x.json (Debian's 10.0.2, TCG, -machine
 * none) and the TCG session of libvirt's caps_10.0.0_s390x.replies (QEMU
 * 9.2.50 on an IBM z16) list the same models (the capture adds 'host'),
 * with the same flags and blockers, and the same max. */
static void test_snapshot_agrees_with_capture(void **state)
{
	struct ftable *ft = ftable_new(ARCH_S390X);
	struct err e;
	struct dataset *snap, *cap;
	const struct mdata *ms, *mc;
	size_t compared = 0;

	(void)state;
	err_clear(&e);
	snap = snapshot_load(test_path("data/qemu-10.0-s390x.json"), ft, &e);
	cap = replies_load(test_path(CAPS11 "caps_10.0.0_s390x.replies"), ft, "tcg", &e);
	assert_non_null(snap);
	assert_non_null(cap);
	ms = dataset_find_mdata(snap, "none");
	mc = dataset_find_mdata(cap, "none");
	for (size_t i = 0; i < mc->defs.n; i++) {
		const struct cpu_def *c = vec_get(&mc->defs, i);
		const struct cpu_def *s = mdata_def(ms, c->name);
		struct fset a = FSET_INIT, b = FSET_INIT;
		if (!strcmp(c->name, "host"))
			continue;
		if (!s)
			fail_msg("%s: in the capture, not in the snapshot", c->name);
		assert_int_equal(s->is_static, c->is_static);
		assert_int_equal(s->migration_safe, c->migration_safe);
		assert_int_equal(s->deprecated, c->deprecated);
		fset_copy(&a, &s->unavailable);
		fset_copy(&b, &c->unavailable);
		ftable_expand_groups(ft, &a);
		ftable_expand_groups(ft, &b);
		if (!fset_equal(&a, &b))
			fail_msg("%s: the blockers differ", c->name);
		fset_fini(&a);
		fset_fini(&b);
		compared++;
	}
	assert_int_equal(compared, ms->defs.n);
	assert_int_equal(compared, 82);
	/* max, statically */
	{
		const struct expansion *xs = dataset_expansion(snap, ms, "max", false);
		const struct expansion *xc = dataset_expansion(cap, mc, "max", false);
		struct fset a = FSET_INIT, b = FSET_INIT;
		assert_non_null(xs);
		assert_non_null(xc);
		assert_string_equal(xs->name, xc->name);
		fset_copy(&a, &xs->on);
		fset_copy(&b, &xc->on);
		ftable_expand_groups(ft, &a);
		ftable_expand_groups(ft, &b);
		assert_true(fset_equal(&a, &b));
		fset_fini(&a);
		fset_fini(&b);
	}
	dataset_free(snap);
	dataset_free(cap);
	ftable_free(ft);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_cover_qemu),
		cmocka_unit_test(test_lookup_marketing),
		cmocka_unit_test(test_cpu_from_guest),
		cmocka_unit_test(test_qmp_fake),
		cmocka_unit_test(test_qmp_steps),
		cmocka_unit_test(test_qmp_real),
		cmocka_unit_test(test_answers_from_capture),
		cmocka_unit_test(test_baseline_real),
		cmocka_unit_test(test_jobs_real),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_snapshot_agrees_with_capture),
	};
	return TEST_RUN("s390x", tests, argc, argv);
}
