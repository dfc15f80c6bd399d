/* bench_fleet.c - how long the fleet report takes against only parsing the
 * same host files, in one run: for each of RUNS rounds, load every host
 * file (session_host_load: read, parse, expand the model through the map)
 * and then build the report (fleet_build: every model on every host, the
 * best common model of each vendor group, the baseline, what-if), and take
 * the best round of each.  Prints one line of key=value pairs, and the
 * peak resident set of the process.  Run by tests/bench/fleet.sh.
 *
 *   bench_fleet LIST [RUNS [GUEST]]
 * LIST: a file naming one host file per line.  The QEMU data is the
 * session's (the environment decides: CPUSCOPE_QEMU=none and
 * CPUSCOPE_SNAPSHOT=7.2 give the bundled snapshot, as the tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "err.h"
#include "fleet.h"
#include "host.h"
#include "session.h"
#include "util.h"
#include "xml_cpu.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const struct err *e)
{
	char buf[2048];

	fprintf(stderr, "bench_fleet: %s: %s\n", what, err_str(e, buf, sizeof(buf)));
	exit(2);
}

static void host_free_item(void *p)
{
	host_free(p);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	const char *guest_file = argc > 3 ? argv[3] : NULL;
	struct session_opts o;
	struct session *s;
	struct vec files = VEC_INIT;
	struct guest_cpu *guest = NULL;
	double best_parse = -1, best_fleet = -1;
	size_t nmodels = 0, ngroups = 0;
	char line[4096];
	struct err e;
	FILE *fp;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: bench_fleet LIST [RUNS [GUEST]]\n");
		return 2;
	}
	fp = fopen(argv[1], "r");
	if (!fp) {
		perror(argv[1]);
		return 2;
	}
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			vec_push(&files, xstrdup(line));
	}
	fclose(fp);
	memset(&o, 0, sizeof(o));
	s = session_new(&o);
	err_clear(&e);
	if (!session_load_data(s, &e) || !session_load_map(s, &e))
		die("loading the QEMU data and the map", &e);
	if (guest_file && !(guest = xml_guest_load(guest_file, &e)))
		die(guest_file, &e);
	for (int r = 0; r < runs; r++) {
		struct vec hosts = VEC_INIT;
		double t0 = now_ms(), t1, t2;
		for (size_t i = 0; i < files.n; i++) {
			struct host *h = session_host_load(s, files.v[i], &e);
			if (!h)
				die(files.v[i], &e);
			vec_push(&hosts, h);
		}
		t1 = now_ms();
		struct fleet_input in = {
			.ds = s->ds,
			.md = s->md,
			.map = s->map,
		.lv = s->libvirt,
			.hosts = (const struct host *const *)hosts.v,
			.labels = (const char *const *)files.v,
			.nhosts = hosts.n,
			.guest = guest,
		};
		struct fleet *f = fleet_build(&in, &e);
		if (!f)
			die("fleet_build", &e);
		t2 = now_ms();
		nmodels = f->nmodels;
		ngroups = f->ngroups;
		fleet_free(f);
		vec_fini(&hosts, host_free_item);
		if (best_parse < 0 || t1 - t0 < best_parse)
			best_parse = t1 - t0;
		if (best_fleet < 0 || t2 - t1 < best_fleet)
			best_fleet = t2 - t1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("hosts=%zu models=%zu groups=%zu parse_ms=%.1f fleet_ms=%.1f ratio=%.2f "
	       "peak_rss_mb=%.1f\n",
	       files.n, nmodels, ngroups, best_parse, best_fleet, best_fleet / best_parse,
	       (double)ru.ru_maxrss / 1024.0);
	guest_cpu_free(guest);
	session_free(s);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	vec_fini(&files, NULL);
	return 0;
}
