/* guest.h - a guest <cpu>: mode, match, check, model, per-feature policy.
 *
 * Ownership: guest_cpu_free() frees the struct and its strings and
 * features.
 */
#ifndef CPUSCOPE_SRC_GUEST_H
#define CPUSCOPE_SRC_GUEST_H

#include <stdbool.h>

#include "util.h"

struct feature;
struct ftable;

enum cpu_mode { MODE_CUSTOM, MODE_HOST_MODEL, MODE_HOST_PASSTHROUGH, MODE_MAXIMUM, MODE__COUNT };
enum cpu_match { MATCH_UNSET, MATCH_MINIMUM, MATCH_EXACT, MATCH_STRICT, MATCH__COUNT };
enum cpu_check { CHECK_UNSET, CHECK_NONE, CHECK_PARTIAL, CHECK_FULL, CHECK__COUNT };
enum cpu_fallback { FALLBACK_UNSET, FALLBACK_ALLOW, FALLBACK_FORBID, FALLBACK__COUNT };
enum policy { POLICY_NONE, POLICY_FORCE, POLICY_REQUIRE, POLICY_OPTIONAL, POLICY_DISABLE,
	      POLICY_FORBID, POLICY__COUNT };

/* Enum <-> libvirt attribute text ("host-model", "minimum", ...).  The
 * _UNSET / POLICY_NONE values print as "" and do not parse. */
const char *cpu_mode_name(enum cpu_mode v);
const char *cpu_match_name(enum cpu_match v);
const char *cpu_check_name(enum cpu_check v);
const char *cpu_fallback_name(enum cpu_fallback v);
const char *policy_name(enum policy v);
bool cpu_mode_parse(const char *s, enum cpu_mode *out);
bool cpu_match_parse(const char *s, enum cpu_match *out);
bool cpu_check_parse(const char *s, enum cpu_check *out);
bool cpu_fallback_parse(const char *s, enum cpu_fallback *out);
bool policy_parse(const char *s, enum policy *out);

struct guest_feature {
	char *name; /* as written */
	enum policy policy;
	int line;   /* where it was read (0: not from a file) */
};

struct guest_cpu {
	enum cpu_mode mode;
	enum cpu_match match;
	enum cpu_check check;
	enum cpu_fallback fallback;
	char *model;      /* NULL: none */
	int model_line;   /* where <model> was read (0: not from a file) */
	char *vendor_id;  /* <model vendor_id=...> */
	char *vendor;     /* <vendor> */
	int migratable;   /* -1 unset, 0 off, 1 on */
	bool has_topology;
	unsigned sockets, dies, clusters, cores, threads; /* dies, clusters: 1 when absent */
	/* Parsed from a host <cpu> (one with <arch>, as virsh cpu-compare
	 * accepts): its features carry no policy and are stored as require. */
	bool host_cpu;
	char *arch;       /* a host <cpu>'s <arch> text, or NULL */
	struct vec features; /* struct guest_feature *, in document order */
};

/* A vendor_id (<model vendor_id=...>, QEMU's vendor=) both libvirt and
 * QEMU take: exactly 12 characters (the CPUID vendor string), printable
 * ASCII, no ',' (libvirt refuses one: it would end QEMU's option). */
bool guest_vendor_id_ok(const char *s);

struct guest_cpu *guest_cpu_new(void);
void guest_cpu_free(struct guest_cpu *g);
/* A deep copy (strings, features, the lines they were read from). */
struct guest_cpu *guest_cpu_clone(const struct guest_cpu *g);
/* Set (or replace, or with POLICY_NONE remove) a feature's policy. */
void guest_cpu_set_policy(struct guest_cpu *g, const char *name, enum policy p);
const struct guest_feature *guest_cpu_feature(const struct guest_cpu *g, const char *name);
/* By feature identity: the first entry whose name is any spelling of f
 * (looked up in ft), or NULL. */
const struct guest_feature *guest_cpu_feature_of(const struct guest_cpu *g, const struct ftable *ft,
						 const struct feature *f);
/* Give f policy p under the spelling 'name' (POLICY_NONE: no policy):
 * entries under f's other spellings go, so f has one policy. */
void guest_cpu_set_feature_policy(struct guest_cpu *g, const struct ftable *ft,
				  const struct feature *f, const char *name, enum policy p);

#endif
