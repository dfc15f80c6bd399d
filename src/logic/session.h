/* session.h - what a front end has loaded, and whose verdict it shows.
 *
 * Both front ends (cli/, ui/) load their data through a session: the QEMU
 * data (a snapshot, a live probe through the cache), the machine type, the
 * reference host and libvirt's cpu_map.  The session also decides who
 * answers "can this host run model M" (README "Whose verdict"):
 *
 *   1. --host FILE: the file (libvirt capabilities, domcapabilities, a host
 *      <cpu>, a QMP expansion of host/max);
 *   2. --local: this CPU's CPUID, labelled as such;
 *   3. --snapshot / --probe without a host: that QEMU's own verdict for the
 *      accelerator it was captured with (its unavailable-features);
 *   4. otherwise this machine's QEMU for the arch, when installed: probed
 *      live through the cache (only the machine type in use, so a cold
 *      start costs one QEMU), its verdict for the accelerator it would
 *      really use (KVM when /dev/kvm is usable, else TCG; --accel);
 *   5. no QEMU installed: the bundled snapshot with this CPU's CPUID, and
 *      the label says that this is not QEMU's verdict.
 *
 * The user's own data decides the model list: a libvirt capture (.replies)
 * is QEMU data, and a host file's model list (domcapabilities) is the
 * model list when it is all the user gave (userdata.h).
 *
 * Ownership: session_free() frees everything the session loaded; options
 * are lent (argv strings) and must outlive the session.
 */
#ifndef CPUSCOPE_SRC_SESSION_H
#define CPUSCOPE_SRC_SESSION_H

#include <limits.h>
#include <stdbool.h>

#include "feature.h"
#include "host.h"
#include "libvirt_version.h"
#include "model.h"
#include "probe.h"

struct cpu_map;
struct custom_set;
struct err;

struct session_opts {
	const char *snapshot;    /* a snapshot file, or a bundled one by version ("7.2") */
	const char *probe;       /* a QEMU binary to probe live (every machine type) */
	const char *host_file;   /* --host */
	const char *libvirt_uri; /* --libvirt URI: a running libvirtd's domcapabilities */
	const char *cpu_map_dir; /* --cpu-map */
	const char *machine;     /* --machine (names and aliases) */
	const char *arch;        /* --arch, or NULL: x86_64, or the data's */
	const char *accel;       /* --accel kvm|tcg, or NULL: what QEMU here would use */
	const char *libvirt_version; /* --libvirt-version, or NULL (session_load_map) */
	const char *custom_file; /* --custom: custom models (custom.h, custom_models.h) */
	bool local;              /* --local */
	bool no_cache;           /* probe without the cache */
	/* Probe progress (a live probe of this machine's QEMU or --probe). */
	void (*progress)(void *ctx, const struct probe_progress *p);
	void *progress_ctx;
};

enum ref_kind {
	REF_QEMU,  /* QEMU's own verdict: the data's unavailable-features */
	REF_HOST,  /* a host file */
	REF_LOCAL, /* this CPU's CPUID */
};

struct session {
	struct session_opts o;
	enum arch arch;
	struct ftable *ft;
	struct dataset *ds;
	const struct mdata *md;
	struct host *host;       /* the reference host; NULL for REF_QEMU */
	struct cpu_map *map;     /* libvirt's map (x86_64 only) */
	struct cpu_map *map_new; /* the newest bundled map, for models the main map lacks */
	const struct lv_semantics *libvirt; /* whose compare and baseline (session_load_map;
					     * NULL before, and on s390x) */
	char *libvirt_installed; /* what `virsh --version` said, or NULL */
	enum ref_kind ref;
	bool live;               /* the data is this machine's QEMU, probed (case 4) */
	bool no_qemu;            /* no QEMU installed for the arch (case 5) */
	bool bundled;            /* the data is a snapshot in data/ */
	char *qemu_binary;       /* the binary probed (live or --probe), or NULL */
	char *data_label;        /* "QEMU 7.2.22 on this machine (kvm)", "QEMU 7.2.22 (tcg,
				  * bundled snapshot)", ... */
	char *ref_label;         /* whose verdict, for headers and first lines */
	char datadir[PATH_MAX];
	/* The user's own data (userdata.h): */
	bool capture;            /* the data is a libvirt capture (.replies) */
	bool host_models;        /* the model list is the host file's */
	struct vec warnings;     /* char *: what the front ends should tell the user (owned) */
	struct strmap notes;     /* model -> where it or its features come from (owned) */
	struct custom_set *custom; /* the models of --custom (owned; custom_models.h) */
};

struct session *session_new(const struct session_opts *o);
void session_free(struct session *s);

/* The feature table only (arch from the options). */
bool session_load_ft(struct session *s, struct err *e);
/* The QEMU data and the machine type (cases 3-5 above decide where from). */
bool session_load_data(struct session *s, struct err *e);
/* The reference host (after session_load_data); NULL host for REF_QEMU. */
bool session_load_host(struct session *s, struct err *e);
/* libvirt's cpu_map (x86_64; a no-op elsewhere), and whose compare and
 * baseline semantics go with it (libvirt_version.h):
 *   - the version: --libvirt-version; else, with --cpu-map, the one that
 *     map is from; else $CPUSCOPE_LIBVIRT_VERSION (the test suites pin
 *     it; "none": as if no libvirt were installed); else the installed
 *     libvirt's (`virsh --version`, asked each time, or without virsh the
 *     installed map's); else the newest;
 *   - the map: --cpu-map; else the installed /usr/share/libvirt/cpu_map
 *     when the version is the installed libvirt's; else the bundled map of
 *     the version (data/cpu_map for 9.0, data/cpu_map-11.3 for 11). */
bool session_load_map(struct session *s, struct err *e);
/* Load another host file for this session's arch, with its model expanded
 * (x86_64: the cpu_map, then the bundled 11.3 map; s390x: QEMU's
 * expansion of the model). */
struct host *session_host_load(struct session *s, const char *file, struct err *e);
bool session_resolve_host(struct session *s, struct host *h, struct err *e);
/* This machine's QEMU (live or --probe data) with another accelerator:
 * probed (through the cache) for the machine type in use, replacing the
 * data.  On failure the old data stays. */
bool session_use_accel(struct session *s, const char *accel, struct err *e);
/* What a running libvirtd at uri offers (its domcapabilities, the virttype
 * following --accel), as a host of this session's arch; caller frees. */
struct host *session_libvirt_host(struct session *s, const char *uri, struct err *e);
/* After libvirt's "Unknown CPU feature X" (baseline, compare): when the map
 * in use lacks X and the bundled 11.3 map knows it, " (libvirt 11.3's map
 * knows it: give --libvirt-version 11)" into buf; else "".  Returns buf. */
const char *session_map_hint(const struct session *s, const char *msg, char *buf, size_t size);
/* Switch the machine type (names and aliases). */
bool session_set_machine(struct session *s, const char *name, struct err *e);
/* Put a new dataset in place (a probe of binary from the TUI): takes ds,
 * keeps the machine type when the new data has it, else its default.
 * When binary is this machine's QEMU of a live session (the TUI filling in
 * every machine type in the background), the data stays "this machine's"
 * and a complete result goes into the cache. */
void session_replace_data(struct session *s, struct dataset *ds, const char *binary);
/* Whose verdict: "QEMU 7.2.22 on this machine (kvm)", "data/hosts/x.xml",
 * "CPUID of this CPU (no QEMU installed; KVM may expose more or less)". */
const char *session_reference(const struct session *s);
/* The bundled snapshot for a version ("7.2") and arch: its path in buf. */
const char *session_bundled_snapshot(const struct session *s, const char *version, char *buf,
				     size_t size);
/* This machine's QEMU for the session's arch ($CPUSCOPE_QEMU, else
 * qemu-system-ARCH in PATH; "none" acts as if none were installed): its
 * path (caller frees), or NULL. */
char *session_local_qemu(const struct session *s);
/* A version ("7.2", "10.0"): digits and dots, letters are not allowed, so a
 * file name never passes for one. */
bool session_is_version(const char *v);
/* The versions of the bundled snapshots of the arch (data/qemu-VERSION-
 * ARCH.json) pushed to out in natural version order; caller frees them. */
struct vec;
void session_bundled_versions(const struct session *s, struct vec *out);
/* The version of the newest bundled snapshot of the arch ("7.2"), or NULL;
 * caller frees. */
char *session_newest_bundled(const struct session *s);

#endif
