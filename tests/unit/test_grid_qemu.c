/* test_grid_qemu.c - the grid across QEMU versions and its call-outs, on
 * the bundled snapshots of QEMU 7.2 and 10.0 (each with a feature table of
 * its own, the grid's rows in a third). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "grid_qemu.h"
#include "logic.h"
#include "model.h"
#include "snapshot.h"

struct fix {
	struct ftable *ft72, *ft10, *ft;
	struct dataset *ds72, *ds10;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct err e;

	err_clear(&e);
	f->ft72 = ftable_new(ARCH_X86_64);
	f->ft10 = ftable_new(ARCH_X86_64);
	f->ft = ftable_new(ARCH_X86_64);
	f->ds72 = snapshot_load(test_path("data/qemu-7.2-x86_64.json"), f->ft72, &e);
	f->ds10 = snapshot_load(test_path("data/qemu-10.0-x86_64.json"), f->ft10, &e);
	assert_non_null(f->ds72);
	assert_non_null(f->ds10);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dataset_free(f->ds72);
	dataset_free(f->ds10);
	ftable_free(f->ft72);
	ftable_free(f->ft10);
	ftable_free(f->ft);
	free(f);
	return 0;
}

static bool has_note(const struct vec *notes, const char *needle)
{
	for (size_t i = 0; i < notes->n; i++)
		if (strstr(notes->v[i], needle))
			return true;
	return false;
}

static size_t row_of(const struct grid *g, const char *feature)
{
	for (size_t r = 0; r < g->nrows; r++)
		if (!strcmp(ftable_get(g->ft, g->rows[r])->name, feature))
			return r;
	fail_msg("no row %s", feature);
	return 0;
}

static void test_haswell_q35(void **state)
{
	struct fix *f = *state;
	struct grid_qemu_src src[2] = { { f->ds72, NULL, NULL }, { f->ds10, NULL, NULL } };
	struct vec notes = VEC_INIT;
	struct err e;
	struct grid *g;

	err_clear(&e);
	g = grid_build_qemu(f->ft, src, 2, "q35", "Haswell", NULL, &notes, &e);
	assert_non_null(g);
	assert_int_equal(g->kind, GRID_QEMU);
	assert_string_equal(g->title, "Haswell across QEMU versions on pc-q35");
	assert_int_equal(g->ncols, 2);
	assert_string_equal(g->cols[0].title, "7.2.22");
	assert_string_equal(g->cols[0].sub, "pc-q35-7.2: Haswell-v1");
	assert_string_equal(g->cols[1].sub, "pc-q35-10.0: Haswell-v1");
	grid_finish(g, false);
	assert_int_equal(g->ndiffer, 0); /* the definition is the same */
	/* TCG support: x2apic is new in 10.0, hle is in neither */
	size_t x = row_of(g, "x2apic"), h = row_of(g, "hle");
	assert_int_equal(grid_cell(g, x, 0), CELL_HOST_LACKS);
	assert_int_equal(grid_cell(g, x, 1), CELL_PRESENT);
	assert_true(grid_cell_changed(g, x, 1));
	assert_int_equal(grid_cell(g, h, 0), CELL_HOST_LACKS);
	assert_int_equal(grid_cell(g, h, 1), CELL_HOST_LACKS);
	assert_false(grid_cell_changed(g, h, 1));
	/* the call-outs */
	assert_true(has_note(&notes, "Haswell: no new versions in QEMU 10.0.2"));
	assert_true(has_note(&notes, "under tcg, QEMU 10.0.2 now provides x2apic"));
	assert_true(has_note(&notes, "QEMU 10.0.2 adds 6 models: ClearwaterForest, EPYC-Genoa"));
	assert_true(has_note(&notes, "removes other machine types: pc-i440fx-1.4 ... pc-i440fx-2.3 (8)"));
	assert_true(has_note(&notes, "q35 stands for pc-q35-7.2 in QEMU 7.2.22 and for pc-q35-10.0"));
	assert_true(has_note(&notes, "deprecates 43 machine types"));
	assert_true(has_note(&notes, "Haswell-v4 on microvm"));
	vec_fini(&notes, free);
	grid_free(g);
}

static void test_per_version_and_new_model(void **state)
{
	struct fix *f = *state;
	struct grid_qemu_src src[2] = { { f->ds72, NULL, "pc-q35-7.2" }, { f->ds10, NULL, "pc-q35-7.2" } };
	struct vec notes = VEC_INIT;
	struct err e;
	struct grid *g;
	char buf[1200];

	err_clear(&e);
	g = grid_build_qemu(f->ft, src, 2, NULL, "EPYC-Rome", NULL, &notes, &e);
	assert_non_null(g);
	assert_string_equal(g->cols[1].sub, "pc-q35-7.2: EPYC-Rome-v1");
	assert_true(has_note(&notes, "EPYC-Rome: QEMU 10.0.2 adds EPYC-Rome-v3, EPYC-Rome-v4"));
	vec_fini(&notes, free);
	grid_free(g);

	src[0].machine = src[1].machine = NULL;
	g = grid_build_qemu(f->ft, src, 2, "q35", "SapphireRapids", NULL, &notes, &e);
	assert_non_null(g);
	assert_false(g->cols[0].has_data);
	assert_string_equal(g->cols[0].sub, "pc-q35-7.2: no SapphireRapids");
	assert_true(has_note(&notes, "SapphireRapids is new in QEMU 10.0.2 (on pc-q35-10.0)"));
	vec_fini(&notes, free);
	grid_free(g);

	assert_null(grid_build_qemu(f->ft, src, 2, "q35", "Nonexistent", NULL, &notes, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "grid: no QEMU of the list has the model 'Nonexistent' on q35");
	src[0].machine = "pc-q35-7.9";
	err_clear(&e);
	assert_null(grid_build_qemu(f->ft, src, 2, NULL, "Haswell", NULL, &notes, &e));
	assert_non_null(strstr(e.msg, "unknown machine type 'pc-q35-7.9'"));
	vec_fini(&notes, free);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_haswell_q35, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_version_and_new_model, setup, teardown),
	};

	return TEST_RUN("grid_qemu", tests, argc, argv);
}
