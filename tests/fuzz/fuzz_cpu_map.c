/* fuzz_cpu_map.c - libvirt's cpu_map directory (cpu_map.c).
 *
 * cpu_map_load() reads a directory, so the input is a bundle of files
 * that the harness writes into a private temporary directory before each
 * run:
 *
 *     === index.xml
 *     <cpus><arch name='x86'><include filename='x86_features.xml'/>...
 *     === x86_features.xml
 *     <cpus>...
 *
 * A line "=== NAME" starts file NAME (up to 32 files; NAME of
 * [A-Za-z0-9._-], not starting with '.', at most 64 characters; others are
 * skipped, and so is text before the first marker).  The file ends at the
 * newline before the next marker.  tests/fuzz/cpu_map-bundle.sh DIR makes
 * a bundle of a map directory.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_map.h"
#include "err.h"
#include "feature.h"
#include "fuzz.h"

#define MAX_FILES 32
#define MAX_NAME 64

static char dir[256];
static char written[MAX_FILES][MAX_NAME + 1];
static size_t nwritten;

static void remove_files(void)
{
	char path[sizeof(dir) + MAX_NAME + 2];

	for (size_t i = 0; i < nwritten; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, written[i]);
		unlink(path);
	}
	nwritten = 0;
}

static void cleanup(void)
{
	remove_files();
	if (dir[0])
		rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/cpuscope-fuzz-cpu_map-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror(dir);
		abort();
	}
	atexit(cleanup);
	return 0;
}

static bool good_name(const char *s, size_t n)
{
	if (n == 0 || n > MAX_NAME || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) ||
		    !s[i])
			return false;
	return true;
}

static void write_file(const char *name, size_t nlen, const uint8_t *body, size_t blen)
{
	char path[sizeof(dir) + MAX_NAME + 2];
	FILE *f;

	if (nwritten == MAX_FILES || !good_name(name, nlen))
		return;
	memcpy(written[nwritten], name, nlen);
	written[nwritten][nlen] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, written[nwritten]);
	for (size_t i = 0; i < nwritten; i++)
		if (!strcmp(written[i], written[nwritten]))
			goto write; /* a second file of that name replaces the first */
	nwritten++;
write:
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		abort();
	}
	if (blen && fwrite(body, 1, blen, f) != blen)
		abort();
	if (fclose(f))
		abort();
}

/* The start of the next "=== " line at or after p, or end. */
static const uint8_t *next_marker(const uint8_t *p, const uint8_t *start, const uint8_t *end)
{
	for (; p + 4 <= end; p++)
		if ((p == start || p[-1] == '\n') && !memcmp(p, "=== ", 4))
			return p;
	return end;
}

static void unpack(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	const uint8_t *p = next_marker(data, data, end);

	while (p < end) {
		const uint8_t *name = p + 4, *nl = memchr(name, '\n', (size_t)(end - name));
		const uint8_t *body, *next, *bend;
		size_t nlen;
		if (!nl)
			nl = end;
		nlen = (size_t)(nl - name);
		body = nl < end ? nl + 1 : end;
		next = next_marker(body, data, end);
		bend = next;
		if (bend > body && next < end)
			bend--; /* the newline before the marker belongs to the marker */
		write_file((const char *)name, nlen, body, (size_t)(bend - body));
		p = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftable *ft = fuzz_ftable(ARCH_X86_64);
	struct err e = { 0 };
	struct cpu_map *m;

	remove_files();
	unpack(data, size);
	m = cpu_map_load(dir, ARCH_X86_64, ft, &e);
	FUZZ_ASSERT(m || err_isset(&e));
	fuzz_say("cpu_map_load", &e);
	if (m) {
		/* the lookups the rest of cpuscope makes */
		for (size_t i = 0; i < m->models.n; i++) {
			const struct cm_model *cm = vec_get(&m->models, i);
			FUZZ_ASSERT(cpu_map_model(m, cm->name) != NULL);
			if (cm->vendor)
				(void)cpu_map_vendor(m, cm->vendor);
		}
		for (size_t i = 0; i < m->vendors.n; i++) {
			const struct cm_vendor *v = vec_get(&m->vendors, i);
			FUZZ_ASSERT(cpu_map_vendor_by_string(m, v->string) != NULL);
		}
	}
	cpu_map_free(m);
	fuzz_ftable_done();
	return 0;
}
