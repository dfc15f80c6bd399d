/* fuzz_xml_cpu.c - libvirt XML (xml_cpu.c): capabilities, domcapabilities,
 * host and guest <cpu>, <domain>, <cpuTest>; read as hosts and as a guest
 * CPU, the two ways cpuscope reads a file it is given. */
#include "err.h"
#include "feature.h"
#include "fuzz.h"
#include "guest.h"
#include "host.h"
#include "util.h"
#include "xml_cpu.h"

static void free_host(void *p)
{
	host_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	struct ftable *ft = fuzz_ftable(ARCH_X86_64);
	struct err e = { 0 };
	struct vec hosts = VEC_INIT;
	struct host *h;
	struct guest_cpu *g;

	if (!xml_hosts_parse("fuzz.xml", text, size, ft, &hosts, &e))
		FUZZ_ASSERT(err_isset(&e) && hosts.n == 0);
	fuzz_say("xml_hosts_parse", &e);
	vec_fini(&hosts, free_host);
	err_clear(&e);
	h = xml_host_parse("fuzz.xml", text, size, ft, &e);
	FUZZ_ASSERT(h || err_isset(&e));
	fuzz_say("xml_host_parse", &e);
	host_free(h);
	err_clear(&e);
	g = xml_guest_parse("fuzz.xml", text, size, &e);
	FUZZ_ASSERT(g || err_isset(&e));
	fuzz_say("xml_guest_parse", &e);
	guest_cpu_free(g);
	free(text);
	fuzz_ftable_done();
	return 0;
}
