/* emit.h - writing a guest CPU out: libvirt <cpu> XML (libvirt's feature
 * spellings, in the canonical form libvirt itself writes) and the value
 * of QEMU's -cpu option (QEMU's spellings, policies mapped the way
 * libvirt maps them when it starts QEMU).
 *
 * Ownership: returned strings belong to the caller.
 */
#ifndef CPUSCOPE_SRC_EMIT_H
#define CPUSCOPE_SRC_EMIT_H

#include <stdbool.h>

#include "feature.h"
#include "guest.h"
#include "host.h"
#include "util.h"

/* indent: spaces before <cpu> (0 for a bare document, 2 inside <domain>). */
char *emit_guest_xml(const struct guest_cpu *g, const struct ftable *ft, int indent);

/* The -cpu value, e.g. "Haswell-v4,vmx=on,hle=off".  'optional' features
 * are resolved against h as libvirt does at start (on when the host has
 * them, off otherwise; left out without a host).  host-model needs the
 * host's model (domcapabilities): without it NULL is returned and *why
 * explains; so it is when a name (model, feature, vendor_id) would add
 * an option to -cpu (qemu_name_ok(), guest_vendor_id_ok()).  Notes
 * about what was left out go to notes (char *, owned by the vec) when
 * notes is not NULL. */
char *emit_qemu_cpu(const struct guest_cpu *g, const struct ftable *ft, const struct host *h,
		    struct vec *notes, const char **why);

#endif
