/* fuzz_snapshot.c - cpuscope snapshots (snapshot.c, its own JSON reader).
 * What parses must survive a round trip (round_trip() below). */
#include <stdbool.h>
#include <string.h>

#include "err.h"
#include "feature.h"
#include "fuzz.h"
#include "model.h"
#include "snapshot.h"

/* What a reader sees must not change by a write and a read: every
 * expansion by machine type and model, and the definitions. */
static void same_data(const struct dataset *a, const struct dataset *b)
{
	FUZZ_ASSERT(a->mdatas.n == b->mdatas.n && a->machines.n == b->machines.n);
	for (size_t i = 0; i < a->mdatas.n; i++) {
		const struct mdata *ma = vec_get(&a->mdatas, i);
		const struct mdata *mb = dataset_find_mdata(b, ma->machine);
		FUZZ_ASSERT(mb && ma->defs.n == mb->defs.n);
		for (size_t k = 0; k < ma->defs.n; k++) {
			const struct cpu_def *da = vec_get(&ma->defs, k), *db = vec_get(&mb->defs, k);
			FUZZ_ASSERT(!strcmp(da->name, db->name) &&
				    fset_equal(&da->unavailable, &db->unavailable));
		}
		for (size_t k = 0; k < ma->exp_by_model.cap; k++) {
			const char *model = ma->exp_by_model.keys[k];
			if (!model)
				continue;
			for (int full = 0; full < 2; full++)
				FUZZ_ASSERT(expansion_equal(dataset_expansion(a, ma, model, full),
							    dataset_expansion(b, mb, model, full)));
		}
	}
}

/* What parses must survive a round trip: its JSON reads back as the same
 * data and writes the same text again. */
static void round_trip(const struct dataset *ds, struct ftable *ft)
{
	char *json = snapshot_to_json(ds), *again;
	struct err e = { 0 };
	struct dataset *ds2;

	FUZZ_ASSERT(json);
	ds2 = snapshot_parse("again.json", json, strlen(json), ft, &e);
	fuzz_say("round trip", &e);
	FUZZ_ASSERT(ds2);
	same_data(ds, ds2);
	again = snapshot_to_json(ds2);
	FUZZ_ASSERT(again && !strcmp(json, again));
	free(again);
	dataset_free(ds2);
	free(json);
}

static void one(const char *text, size_t size, enum arch arch)
{
	struct ftable *ft = fuzz_ftable(arch);
	struct err e = { 0 };
	struct dataset *ds = snapshot_parse("fuzz.json", text, size, ft, &e);

	FUZZ_ASSERT(ds || err_isset(&e));
	fuzz_say(arch_name(arch), &e);
	if (ds) {
		round_trip(ds, ft);
		dataset_free(ds);
	}
}

static bool mentions_s390(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 4 <= size; i++)
		if (!memcmp(data + i, "s390", 4))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);

	one(text, size, ARCH_X86_64);
	if (mentions_s390(data, size))
		one(text, size, ARCH_S390X);
	free(text);
	fuzz_ftable_done();
	return 0;
}
