/* fuzz_qemu_warnings.c - QEMU's "doesn't support requested feature"
 * warning text (explain.c's qemu_warnings_parse), then the explanation of
 * the warned features without a model (the disable fix). */
#include <stdbool.h>

#include "err.h"
#include "explain.h"
#include "feature.h"
#include "fuzz.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	struct ftable *ft = fuzz_ftable(ARCH_X86_64);
	struct err e = { 0 };
	struct qemu_warnings w;
	bool ok = qemu_warnings_parse("fuzz.txt", text, size, ft, &w, &e);

	fuzz_say("qemu_warnings_parse", &e);
	if (ok) {
		struct dataset *ds = dataset_new(ARCH_X86_64, ft);
		struct explanation x;
		FUZZ_ASSERT(w.items.n > 0);
		if (explain_warnings(ds, NULL, NULL, NULL, &w, NULL, &x, &e))
			explanation_fini(&x);
		dataset_free(ds);
		qemu_warnings_fini(&w);
	} else {
		FUZZ_ASSERT(err_isset(&e));
	}
	free(text);
	fuzz_ftable_done();
	return 0;
}
