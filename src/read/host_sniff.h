/* host_sniff.h - what a host file is, before reading it: the format (for
 * host_load) and the arch it is for (so that a session can pick the arch
 * from the user's data when --arch is not given). */
#ifndef CPUSCOPE_SRC_HOST_SNIFF_H
#define CPUSCOPE_SRC_HOST_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "feature.h"

struct err;

enum host_file_kind {
	HF_EMPTY,   /* nothing but blanks */
	HF_XML,     /* libvirt capabilities, domcapabilities, <cpu>, <cpuTest> */
	HF_CPUDATA, /* a libvirt <cpudata> CPUID dump (tests/cputestdata/x86_64-cpuid-*.xml) */
	HF_REPLIES, /* a libvirt capability capture (caps_*.replies) */
	HF_QMP,     /* other QMP replies (query-cpu-model-expansion, ...) */
	HF_OTHER,   /* neither XML nor JSON */
};

/* By the first bytes (after a UTF-8 BOM and blanks; XML declarations and
 * comments before the root element are skipped). */
enum host_file_kind host_file_kind_of(const char *text, size_t len);

/* The arch a host file is for, when it says so: the <arch> of libvirt XML,
 * a capture's query-target, x86_64 for a CPUID dump.  *known is false
 * (and true returned) when the file does not say (a QMP expansion).
 * Fails on unreadable files and unsupported arches. */
bool host_file_arch(const char *path, enum arch *out, bool *known, struct err *e);

#endif
