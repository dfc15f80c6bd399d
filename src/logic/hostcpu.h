/* hostcpu.h - a host's CPU the way libvirt describes it.
 *
 * host_cpu_describe(): the <cpu> of `virsh capabilities` for a host (x86:
 * libvirt's host-type decode of its features through the cpu_map, as
 * virCPUx86GetHost does; the same decode that gives libvirt's own
 * tests/cputestdata -host.xml files from their <cpudata> dumps).
 * host_cpu_xml() writes it as libvirt formats it.
 *
 * host_model_of(): libvirt's host-model for a hypervisor host read from
 * QEMU (a QMP expansion or a capture's session, with that QEMU's
 * definitions as usability): x86 decodes the expansion as a guest CPU
 * over QEMU's models and their blockers (virQEMUCapsInitCPUModelX86);
 * s390x takes QEMU's static expansion as it is: its base model, require
 * for what it adds and disable for what it removes
 * (virQEMUCapsInitCPUModelS390).  What domcapabilities shows as
 * <mode name='host-model'>.
 *
 * Ownership: host_cpu_fini() frees what a description owns; names are lent
 * by the map and the feature table.  host_model_of() returns a guest CPU
 * the caller frees.
 */
#ifndef CPUSCOPE_SRC_HOSTCPU_H
#define CPUSCOPE_SRC_HOSTCPU_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_map.h"
#include "guest.h"
#include "host.h"

struct err;

struct host_cpu {
	enum arch arch;
	const char *model;      /* the map's model */
	const char *vendor;     /* libvirt's vendor name, or NULL */
	bool has_signature;
	int family, cpu_model, stepping;
	const char **features;  /* libvirt spellings, in libvirt's order */
	size_t nfeatures;
};

/* x86_64 only (libvirt describes s390x host CPUs without a model). */
bool host_cpu_describe(const struct cpu_map *map, const struct host *h, struct host_cpu *out,
		       struct err *e);
void host_cpu_fini(struct host_cpu *c);
/* "<cpu>\n  <arch>x86_64</arch>\n  <model>...</model>\n ... </cpu>\n". */
char *host_cpu_xml(const struct host_cpu *c);

/* map: x86_64 only (NULL for s390x).  Fails for hosts that are not from
 * QEMU, and on x86_64 for those without QEMU's definitions. */
struct guest_cpu *host_model_of(const struct cpu_map *map, const struct host *h, struct err *e);

#endif
