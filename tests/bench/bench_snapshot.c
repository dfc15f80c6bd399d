/* bench_snapshot.c - how long snapshot_load takes (best and median of N
 * runs, wall and CPU), for the bundled snapshots.  Run by
 * tests/bench/snapshot.sh (make bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "feature.h"
#include "model.h"
#include "snapshot.h"

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	double *wall, *cpu;
	enum arch arch;
	struct err e;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: bench_snapshot SNAPSHOT [RUNS]\n");
		return 2;
	}
	err_clear(&e);
	if (!snapshot_arch(argv[1], &arch, &e)) {
		char buf[1200];
		fprintf(stderr, "bench_snapshot: %s\n", err_str(&e, buf, sizeof(buf)));
		return 2;
	}
	wall = calloc((size_t)runs, sizeof(*wall));
	cpu = calloc((size_t)runs, sizeof(*cpu));
	if (!wall || !cpu)
		return 2;
	for (int i = 0; i < runs; i++) {
		struct ftable *ft = ftable_new(arch);
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		struct dataset *ds = snapshot_load(argv[1], ft, &e);
		wall[i] = now(CLOCK_MONOTONIC) - w0;
		cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (!ds) {
			char buf[1200];
			fprintf(stderr, "bench_snapshot: %s\n", err_str(&e, buf, sizeof(buf)));
			return 2;
		}
		dataset_free(ds);
		ftable_free(ft);
	}
	qsort(wall, (size_t)runs, sizeof(*wall), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(*cpu), cmp_double);
	printf("| %s | %.1f | %.1f | %.1f |\n", argv[1], wall[0], wall[runs / 2], cpu[runs / 2]);
	free(wall);
	free(cpu);
	return 0;
}
