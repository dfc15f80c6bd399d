/* xml_cpu.h - libvirt XML: capabilities, domcapabilities, <cpu>, <domain>.
 *
 * Ownership: returned hosts / guest CPUs belong to the caller.
 */
#ifndef CPUSCOPE_SRC_XML_CPU_H
#define CPUSCOPE_SRC_XML_CPU_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"
#include "guest.h"
#include "host.h"
#include "util.h"

struct err;

enum xml_kind {
	XMLK_CAPS,       /* <capabilities> */
	XMLK_DOMCAPS,    /* <domainCapabilities> */
	XMLK_HOST_CPU,   /* <cpu> with <arch> */
	XMLK_GUEST_CPU,  /* <cpu> without <arch> */
	XMLK_DOMAIN,     /* <domain> */
	XMLK_CPUTEST,    /* libvirt's <cpuTest> wrapper of several <cpu> */
	XMLK_OTHER,
};

/* Detect the kind of an XML file (parses it). */
bool xml_kind_of_file(const char *path, enum xml_kind *out, struct err *e);

/* Hosts: capabilities (<host><cpu>), domcapabilities (host-model plus the
 * custom model list with usable/deprecated/vendor/canonical/blockers), or
 * a bare host <cpu>.  Also the <cpu> elements of a <cpuTest> wrapper. */
struct host *xml_host_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			    struct err *e);
struct host *xml_host_load(const char *path, struct ftable *ft, struct err *e);
/* Every host CPU in a file (a <cpuTest> wrapper or several <cpu>s give
 * more than one); appends struct host * to out (nothing on failure). */
bool xml_hosts_load(const char *path, struct ftable *ft, struct vec *out, struct err *e);
bool xml_hosts_parse(const char *file, const char *text, size_t len, struct ftable *ft,
		     struct vec *out, struct err *e);

/* A guest CPU from a bare <cpu> or from a <domain>'s <cpu>.  Follows
 * libvirt's parser rules (missing mode = custom, missing policy =
 * require, duplicate features, features without a model, ...).  Like
 * virsh's compare commands it also takes a host <cpu> (with <arch>; the
 * result has host_cpu set and every feature at require), the host <cpu>
 * of a capabilities document, and the host-model of a domcapabilities
 * document (read as a custom <cpu>: model, vendor, require/disable). */
struct guest_cpu *xml_guest_parse(const char *file, const char *text, size_t len, struct err *e);
struct guest_cpu *xml_guest_load(const char *path, struct err *e);

#endif
