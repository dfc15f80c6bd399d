/* host_load.h - a host from a file, and a model-based host expanded
 * through libvirt's cpu_map.  See host.h for the host itself. */
#ifndef CPUSCOPE_SRC_HOST_LOAD_H
#define CPUSCOPE_SRC_HOST_LOAD_H

#include <stdbool.h>

#include "host.h"

struct cpu_map;
struct err;
struct ftable;

/* Expand host->model through the map into host->features (listed ones
 * added, disabled removed).  No-op for sources that are already full. */
bool host_resolve(struct host *h, const struct cpu_map *map, struct err *e);
/* Load a host from a file, detecting its format (host_sniff.h:
 * capabilities, domcapabilities, bare <cpu>, <cpuTest> of one <cpu>, a
 * libvirt <cpudata> CPUID dump, a libvirt capture (.replies, replies.h),
 * a QMP expansion reply).  For QMP the first query-cpu-model-expansion
 * reply gives the features (x86: props that are true; s390x: the base
 * model it names, plus what it adds, minus what it removes, expanded by
 * the caller unless the reply was a full expansion), vendor, signature
 * and model-id; a query-cpu-definitions reply in the same file, if any,
 * fills usability (blockers = unavailable-features, canonical =
 * alias-of). */
struct host *host_load(const char *path, struct ftable *ft, struct err *e);
/* The same, with the session of a capture chosen by accel ("kvm", "tcg";
 * NULL: the first). */
struct host *host_load_accel(const char *path, struct ftable *ft, const char *accel,
			     struct err *e);

#endif
