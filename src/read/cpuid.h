/* cpuid.h - this machine's CPU via the CPUID instruction (x86_64 only). */
#ifndef CPUSCOPE_SRC_CPUID_H
#define CPUSCOPE_SRC_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

struct err;

/* Raw CPUID access, so tests can feed recorded dumps. */
struct cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};
typedef bool (*cpuid_fn)(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out);

/* The real instruction (false on non-x86 builds). */
bool cpuid_native(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out);
/* Build a host from any CPUID source: vendor (libvirt's name), signature,
 * brand string, and every CPUID-located feature of the table whose bit is
 * set (respecting max leaf / max extended leaf). */
struct host *cpuid_host(cpuid_fn fn, void *ctx, struct ftable *ft, const char *source,
			struct err *e);
struct host *cpuid_local_host(struct ftable *ft, struct err *e);
/* A host from a libvirt <cpudata arch='x86'> CPUID dump
 * (tests/cputestdata/x86_64-cpuid-*.xml). */
struct host *cpuid_host_from_cpudata(const char *path, struct ftable *ft, struct err *e);
/* The same from text in memory (file names it in errors). */
struct host *cpuid_host_parse_cpudata(const char *file, const char *text, size_t len,
				      struct ftable *ft, struct err *e);

#endif
