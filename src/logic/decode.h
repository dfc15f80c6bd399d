/* decode.h - libvirt's x86 decode: which CPU model, plus which features
 * to require and disable, describes a set of CPU features.
 *
 * The semantics are libvirt's (x86Decode in src/cpu/cpu_x86.c, the same
 * in 9.0 and 11.x), computed over feature sets:
 *   - Intel family 6 models 60, 69, 70 and 63 (stepping < 4) lose hle and
 *     rtm first (broken TSX);
 *   - the map's models are walked from last to first; a model missing from
 *     the hypervisor's list (when one is given) or of another vendor is
 *     skipped, as is one whose <decode host|guest='off'> forbids this type;
 *   - per candidate: require = features - model, disable = model -
 *     features, plus the hypervisor's blockers for that model, plus (guest
 *     type) the model's own removed='yes' features not already listed;
 *   - a host-type CPU never takes a candidate that needs a disable;
 *   - the single preferred model wins outright; a model whose signature
 *     matches the CPU's beats one that does not;
 *   - otherwise the shorter description wins (guest type: disables cost a
 *     growing penalty of 2, 3, 4, ... counted the way libvirt's loop counts
 *     them); on a tie fewer disables win, and a preferred model wins with
 *     fewer disables; remaining ties keep the model met first (the later
 *     one in the map).
 *
 * Ownership: decode_result_fini() frees the result; models and vendor
 * names point into the map.
 */
#ifndef CPUSCOPE_SRC_DECODE_H
#define CPUSCOPE_SRC_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_map.h"
#include "feature.h"
#include "guest.h"

struct err;
struct host;

enum decode_type { DECODE_HOST, DECODE_GUEST };

/* A model the hypervisor supports, with the features that keep it from
 * running as is (QEMU's unavailable-features), if known. */
struct decode_hv_model {
	const char *name;
	const struct fset *blockers; /* NULL: none */
};

struct decode_input {
	const struct fset *features; /* what the CPU has (ids of the map's table) */
	const char *vendor;          /* libvirt vendor name ("Intel"), or NULL */
	bool has_signature;
	int family, model, stepping;
	enum decode_type type;
	/* Only these models (the hypervisor's list) when restrict_models. */
	bool restrict_models;
	const struct decode_hv_model *hv_models;
	size_t n_hv_models;
	/* Preferred model names (baseline passes the input CPUs' models). */
	const char *const *preferred;
	size_t n_preferred;
	/* With a single preferred model the hypervisor lacks: true goes on
	 * quietly (fallback='allow'), false is an error (as libvirt). */
	bool fallback_allow;
	bool migratable; /* drop non-migratable features (invtsc, xsaves) */
};

struct decode_feature {
	unsigned id;
	enum policy policy; /* POLICY_REQUIRE or POLICY_DISABLE */
};

struct decode_result {
	const struct cm_model *model;
	const char *vendor;   /* the map's vendor name, or NULL */
	/* In libvirt's order: requires (map order), disables (map order),
	 * then the model's removed features (guest type). */
	struct decode_feature *features;
	size_t nfeatures;
	struct fset require;
	struct fset disable;
};

/* The input for a host CPU: its features, vendor and signature; no
 * hypervisor list, no preferred models. */
void decode_input_from_host(struct decode_input *in, const struct host *h,
			    enum decode_type type);
bool cpu_decode(const struct cpu_map *map, const struct decode_input *in, struct decode_result *r,
		struct err *e);
void decode_result_fini(struct decode_result *r);

/* The model's own removed='yes' features (libvirt does not inherit them). */
void decode_model_removed(const struct cpu_map *map, const struct cm_model *m, struct fset *out);

/* A CPU signature against a model's signature list (stepping ranges such
 * as "5-7" or "0-3,11"). */
bool decode_signature_match(const struct cm_model *m, int family, int model, int stepping);

/* The result as a guest <cpu mode='custom' match='exact'> with libvirt's
 * feature spellings; fallback as given. */
struct guest_cpu *decode_result_guest(const struct decode_result *r, const struct cpu_map *map,
				      enum cpu_fallback fallback);

#endif
