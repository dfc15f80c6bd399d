/* fuzz.h - shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Every harness gets the input as an exact-size heap copy (no NUL after
 * it), because the readers' contract is (text, len): a read past len is a
 * bug AddressSanitizer reports.  Each run frees everything it made (a leak
 * is a finding).
 *
 * Feature table: building one (ftable_new, ~400 features) costs more than
 * most runs, so fuzz_ftable() keeps one per arch and fuzz_ftable_done()
 * replaces it only after a run that interned a name into it.  Every run
 * thus starts from a table equal to a fresh ftable_new() one, and runs stay
 * independent.
 */
#ifndef CPUSCOPE_TESTS_FUZZ_FUZZ_H
#define CPUSCOPE_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "feature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'ed copy of exactly size bytes (one byte for an empty input, so
 * the pointer is never NULL; len stays 0). */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);
	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

static struct ftable *fuzz_ft[ARCH__COUNT];
static size_t fuzz_ft_n[ARCH__COUNT];

static inline struct ftable *fuzz_ftable(enum arch arch)
{
	if (!fuzz_ft[arch]) {
		fuzz_ft[arch] = ftable_new(arch);
		fuzz_ft_n[arch] = ftable_count(fuzz_ft[arch]);
	}
	return fuzz_ft[arch];
}

/* At the end of a run: a table a name was interned into is replaced by a
 * fresh one here, in the same run, so the run's mallocs and frees balance
 * (libFuzzer re-runs an input with leak checking when they do not). */
static inline void fuzz_ftable_done(void)
{
	for (int a = 0; a < ARCH__COUNT; a++) {
		if (fuzz_ft[a] && ftable_count(fuzz_ft[a]) != fuzz_ft_n[a]) {
			ftable_free(fuzz_ft[a]);
			fuzz_ft[a] = ftable_new((enum arch)a);
		}
	}
}

/* With CPUSCOPE_FUZZ_VERBOSE set (reproducing one input): say what the
 * reader said. */
static inline void fuzz_say(const char *what, const struct err *e)
{
	static int verbose = -1;
	char buf[1024];

	if (verbose < 0)
		verbose = getenv("CPUSCOPE_FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "%s: %s\n", what, err_isset(e) ? err_str(e, buf, sizeof(buf)) : "ok");
}

/* Stop here: libFuzzer reports it as a crash with the input. */
#define FUZZ_ASSERT(cond)                                                    \
	do {                                                                 \
		if (!(cond))                                                 \
			__builtin_trap();                                    \
	} while (0)

#endif
