/* testdata.h - fixtures shared by the cmocka unit tests: libvirt's CPU
 * maps, QEMU datasets and error strings (testutil.h keeps the helpers
 * that need no core module).
 *
 * Ownership: the setup functions put a fixture in *state that the
 * matching teardown frees; test_estr() returns a static buffer.
 */
#ifndef CPUSCOPE_TESTS_TESTDATA_H
#define CPUSCOPE_TESTS_TESTDATA_H

#include "cpu_map.h"
#include "err.h"
#include "feature.h"
#include "model.h"

/* The x86-64 feature table with libvirt 9.0's map (data/cpu_map) and
 * 11.3's (tests/data/cpu_map-11.3). */
struct test_maps {
	struct ftable *ft;
	struct cpu_map *map9;
	struct cpu_map *map11;
};

int test_maps_setup(void **state);
int test_maps_teardown(void **state);

/* An x86-64 feature table and a dataset over it. */
struct test_dataset {
	struct ftable *ft;
	struct dataset *ds;
};

/* An empty dataset. */
int test_dataset_setup(void **state);
/* The real QEMU 7.2 captures of tests/data/qmp: machines, then the
 * definitions and the Haswell transcript of pc-q35-7.2 and of
 * pc-i440fx-2.0. */
int test_dataset_setup_qemu72(void **state);
int test_dataset_teardown(void **state);

/* Load a QMP capture of the source tree into ds for machine; fails the
 * test with the error. */
void test_dataset_load(struct dataset *ds, const char *rel, const char *machine);

/* err_str() into a static buffer. */
const char *test_estr(const struct err *e);

#endif
