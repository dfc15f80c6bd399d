/* testdata.c - fixtures shared by the cmocka unit tests. */
#include "testdata.h"

#include <stdlib.h>

#include "testutil.h"

#include "qmp_json.h"

#define QDIR "tests/data/qmp/"

int test_maps_setup(void **state)
{
	struct test_maps *v = calloc(1, sizeof(*v));
	struct err e;

	err_clear(&e);
	v->ft = ftable_new(ARCH_X86_64);
	v->map9 = cpu_map_load(test_path("data/cpu_map"), ARCH_X86_64, v->ft, &e);
	v->map11 = cpu_map_load(test_path("tests/data/cpu_map-11.3"), ARCH_X86_64, v->ft, &e);
	if (!v->map9 || !v->map11)
		return -1;
	*state = v;
	return 0;
}

int test_maps_teardown(void **state)
{
	struct test_maps *v = *state;

	cpu_map_free(v->map9);
	cpu_map_free(v->map11);
	ftable_free(v->ft);
	free(v);
	return 0;
}

int test_dataset_setup(void **state)
{
	struct test_dataset *f = calloc(1, sizeof(*f));

	f->ft = ftable_new(ARCH_X86_64);
	f->ds = dataset_new(ARCH_X86_64, f->ft);
	*state = f;
	return 0;
}

int test_dataset_setup_qemu72(void **state)
{
	struct test_dataset *f;

	test_dataset_setup(state);
	f = *state;
	test_dataset_load(f->ds, QDIR "machines.json", "none");
	test_dataset_load(f->ds, QDIR "definitions-pc-q35-7.2.json", "pc-q35-7.2");
	test_dataset_load(f->ds, QDIR "transcript-pc-q35-7.2-Haswell.jsonl", "pc-q35-7.2");
	test_dataset_load(f->ds, QDIR "definitions-pc-i440fx-2.0.json", "pc-i440fx-2.0");
	test_dataset_load(f->ds, QDIR "transcript-pc-i440fx-2.0-Haswell.jsonl", "pc-i440fx-2.0");
	return 0;
}

int test_dataset_teardown(void **state)
{
	struct test_dataset *f = *state;

	dataset_free(f->ds);
	ftable_free(f->ft);
	free(f);
	return 0;
}

void test_dataset_load(struct dataset *ds, const char *rel, const char *machine)
{
	struct err e;

	err_clear(&e);
	if (!qmp_load_into_dataset(test_path(rel), machine, ds, &e))
		fail_msg("%s", test_estr(&e));
}

const char *test_estr(const struct err *e)
{
	static char buf[2048];

	return err_str(e, buf, sizeof(buf));
}
