/* fuzz_qmp_json.c - QMP replies, transcripts and libvirt *.replies streams
 * (qmp_json.c): the document reader, then the dataset loader (definitions,
 * machines, expansions) on the same text. */
#include <stdbool.h>

#include "err.h"
#include "feature.h"
#include "fuzz.h"
#include "model.h"
#include "qmp_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	struct ftable *ft = fuzz_ftable(ARCH_X86_64);
	struct err e = { 0 };
	struct qmp_doc doc;

	if (qmp_doc_parse("fuzz.json", text, size, &doc, &e)) {
		fuzz_say("qmp_doc_parse", &e);
		qmp_doc_fini(&doc);
		struct dataset *ds = dataset_new(ARCH_X86_64, ft);
		err_clear(&e);
		/* twice under one machine type: the "already has definitions" path */
		if (qmp_parse_into_dataset("fuzz.json", text, size, "pc", ds, &e)) {
			fuzz_say("qmp_parse_into_dataset", &e);
			(void)qmp_parse_into_dataset("fuzz.json", text, size, "pc", ds, &e);
		}
		fuzz_say("qmp_parse_into_dataset", &e);
		dataset_free(ds);
	} else {
		fuzz_say("qmp_doc_parse", &e);
		FUZZ_ASSERT(err_isset(&e));
	}
	free(text);
	fuzz_ftable_done();
	return 0;
}
