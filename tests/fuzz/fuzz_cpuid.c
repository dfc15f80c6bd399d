/* fuzz_cpuid.c - libvirt <cpudata arch='x86'> CPUID dumps (cpuid.c): the
 * XML reader and the host built from the leaves (vendor, signature, brand
 * string, every CPUID and MSR feature). */
#include "cpuid.h"
#include "err.h"
#include "feature.h"
#include "fuzz.h"
#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	struct ftable *ft = fuzz_ftable(ARCH_X86_64);
	struct err e = { 0 };
	struct host *h = cpuid_host_parse_cpudata("fuzz.xml", text, size, ft, &e);

	FUZZ_ASSERT(h || err_isset(&e));
	fuzz_say("cpuid_host_parse_cpudata", &e);
	host_free(h);
	free(text);
	fuzz_ftable_done();
	return 0;
}
