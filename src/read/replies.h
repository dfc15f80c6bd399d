/* replies.h - libvirt's QEMU capability captures
 * (tests/qemucapabilitiesdata/caps_*.replies of the libvirt source tree).
 *
 * A .replies file is the QMP conversation libvirt's QEMU driver had with
 * one QEMU binary while probing it: commands and replies, pretty-printed
 * and separated by blank lines (qmp_json.h reads the stream).  libvirt
 * probes in sessions, each opened by qmp_capabilities: the first QEMU runs
 * with -machine none,accel=kvm:tcg, and when KVM was usable there a second
 * one with -machine none,accel=tcg.  A session is KVM when its query-kvm
 * reply says present and enabled, else TCG.
 *
 * What a session gives (libvirt's reading of it, src/qemu/qemu_capabilities.c):
 *   - query-version, query-target (the arch), query-machines;
 *   - query-cpu-definitions: every model with its unavailable-features
 *     (the blockers domcapabilities shows), stored as machine type "none",
 *     the machine type libvirt asks under and whose answer it uses for
 *     every machine type;
 *   - the expansions of 'host' (KVM) or 'max' (TCG): the static one merged
 *     with the static non-migratable one as libvirt merges them (a boolean
 *     that only the non-migratable expansion turns on, such as invtsc, is
 *     on: libvirt's host-model is built from this), and the full one.
 *
 * Ownership: the dataset / host returned belong to the caller; the ftable
 * is lent.  Errors name FILE:LINE.
 */
#ifndef CPUSCOPE_SRC_REPLIES_H
#define CPUSCOPE_SRC_REPLIES_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"
#include "model.h"

struct err;

/* Does text look like a capture (its first object is the command
 * qmp_capabilities)?  Cheap: looks at the first bytes only. */
bool replies_sniff(const char *text, size_t len);
/* The same for a file (reads its first bytes; false when unreadable). */
bool replies_file_is(const char *path);
/* The arch the capture's query-target names. */
bool replies_arch(const char *path, enum arch *out, struct err *e);
/* The sessions' accelerators in order ("kvm,tcg", "tcg"), into buf. */
bool replies_accels(const char *path, char *buf, size_t size, struct err *e);

/* The QEMU data of the session for accel ("kvm", "tcg"; NULL: the first
 * session).  ft must be the table of the capture's arch. */
struct dataset *replies_load(const char *path, struct ftable *ft, const char *accel,
			     struct err *e);
/* The host that session describes (HOST_QMP): the merged static
 * expansion of host/max (x86: its true booleans, vendor, signature,
 * model-id; s390x: its model and the features it adds and removes, with
 * every feature from the full expansion of the same session), and the
 * session's definitions as per-model usability ('host' left out, as
 * domcapabilities does). */
struct host *replies_host(const char *path, struct ftable *ft, const char *accel, struct err *e);

/* A host from QEMU's static expansion stat of 'host' or 'max' (full, the
 * full one, or NULL): its features (on s390x the base model it names, the
 * features it adds (true) and removes (false) as listed / disabled, every
 * boolean property being a feature there, also those the built-in table
 * does not know yet; with a full expansion every feature (resolved),
 * without one the base model's features must come from QEMU's data,
 * host_resolve_features), vendor, model-id and signature. */
struct host *replies_expansion_host(const char *path, struct ftable *ft,
				   const struct expansion *stat, const struct expansion *full);

/* Per-model usability from QEMU's query-cpu-definitions as read into md
 * ('host' left out, as domcapabilities does): usable when QEMU lists no
 * unavailable features (unknown when it does not say), blockers = those
 * features, canonical = QEMU's alias-of.  has_blockers: with
 * usable_blockers wherever QEMU said (an empty list for a usable model),
 * else only for the unusable models (as libvirt writes <blockers>). */
void replies_host_usability(struct host *h, const struct mdata *md, bool usable_blockers);

#endif
