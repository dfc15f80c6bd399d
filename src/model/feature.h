/* feature.h - CPU features (one record per real feature, every spelling)
 * and featuresets (bitsets over an arch's feature table).
 *
 * Ownership: an ftable owns its features.  ftable_new() fills the table
 * from the arch's built-in definitions (generated from
 * data/<arch>-features.tsv).  Names met in input that the table does not
 * know are interned with FEAT_UNKNOWN set: kept and flagged, never
 * dropped.  Feature ids are stable for the life of the table; bitsets
 * grow as needed, so a set created before an intern stays valid.
 */
#ifndef CPUSCOPE_SRC_FEATURE_H
#define CPUSCOPE_SRC_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum arch { ARCH_X86_64, ARCH_S390X, ARCH__COUNT };
const char *arch_name(enum arch a);               /* "x86_64", "s390x" */
bool arch_parse(const char *s, enum arch *out);    /* also accepts x86, i686, s390 */

enum feat_loc { LOC_NONE, LOC_CPUID, LOC_MSR };

enum feat_flags {
	FEAT_UNKNOWN = 1u << 0,         /* met in input, not in the built-in table */
	FEAT_NONMIGRATABLE = 1u << 1,   /* libvirt migratable='no' (invtsc, xsaves) */
	FEAT_NOT_IN_LIBVIRT = 1u << 2,  /* libvirt's map has no such feature */
	FEAT_NOT_IN_QEMU = 1u << 3,     /* QEMU has no such property: from the QEMU data in
					 * use (ftable_mark_qemu_props), else the table's
					 * default (what QEMU 7.2 lacks) */
	FEAT_NOT_PASSED = 1u << 4,      /* libvirt never passes it to QEMU (cmt, osxsave, ...) */
	FEAT_PSEUDO = 1u << 5,          /* not a CPU feature: a QOM property QEMU names in
					 * unavailable-features ("kvm": needs the KVM
					 * accelerator; "type": the CPU type cannot be used) */
	FEAT_GROUP = 1u << 6,           /* s390x: one of QEMU's feature groups ("msa8"),
					 * standing for its members (data/s390x-groups.tsv) */
};

struct feature {
	unsigned id;
	char *name;        /* QEMU canonical spelling (or the only one known) */
	char *libvirt;     /* libvirt's spelling; NULL when libvirt lacks it */
	char *linux_name;  /* /proc/cpuinfo spelling; NULL when unknown */
	char **aliases;    /* other accepted spellings */
	size_t naliases;
	enum feat_loc loc;
	uint32_t leaf;     /* CPUID leaf (eax_in) */
	uint32_t subleaf;  /* CPUID subleaf (ecx_in) */
	bool has_subleaf;
	char reg[4];       /* "eax", "ebx", "ecx", "edx" */
	uint32_t msr;      /* MSR index */
	unsigned bit;      /* bit in reg, or in the 64-bit MSR value */
	char *group;       /* "base", "SSE", "AVX", "AVX-512", "TSX", "speculation", "VMX", ... */
	char *desc;        /* one line */
	int psabi_level;   /* x86-64 psABI level 1..4; 0: none (not QEMU's level/xlevel) */
	unsigned flags;    /* enum feat_flags */
	unsigned *members; /* FEAT_GROUP: the member features' ids */
	size_t nmembers;
};

struct ftable {
	enum arch arch;
	struct feature **f;
	size_t n;
	size_t cap;
	struct strmap by_name; /* every spelling -> struct feature * */
};

struct ftable *ftable_new(enum arch arch);
void ftable_free(struct ftable *t);
size_t ftable_count(const struct ftable *t);
const struct feature *ftable_get(const struct ftable *t, unsigned id);
/* By any spelling; also tries '_' <-> '-' and '.' variants.  NULL if unknown. */
const struct feature *ftable_lookup(const struct ftable *t, const char *spelling);
/* Lookup, or add as FEAT_UNKNOWN.  Returns the id. */
unsigned ftable_intern(struct ftable *t, const char *spelling);
/* s390x: QEMU answers in feature groups where a whole group is on or off
 * ("msa8": true is KMA with all its functions) and in single features
 * otherwise (unavailable-features names "kma-gcm-aes-128").  Before any set
 * arithmetic a set is put into single features: every group in s is
 * replaced by its members.  A no-op for tables without groups (x86_64). */
struct fset;
void ftable_expand_groups(const struct ftable *t, struct fset *s);
/* The groups of t that s holds entirely, in table order (struct feature *,
 * lent): what QEMU would name instead of their members. */
struct vec;
void ftable_whole_groups(const struct ftable *t, const struct fset *s, struct vec *out);
/* "kvm" -> "needs the KVM accelerator"; NULL for real CPU features. */
const char *feature_pseudo_meaning(const struct feature *f);
/* What the QEMU data in use has a property for (every boolean property of
 * its expansions, and the members of the groups among them):
 * FEAT_NOT_IN_QEMU follows it for every table feature.  An empty set (data
 * without expansions) leaves the table's defaults. */
void ftable_mark_qemu_props(struct ftable *t, const struct fset *known);
/* The spelling libvirt uses (falls back to the QEMU name). */
const char *feature_libvirt_name(const struct feature *f);
/* "CPUID.07H:EBX[4]" / "MSR 0x10a[0]" / "" into buf. */
const char *feature_location(const struct feature *f, char *buf, size_t size);
/* Is s a name QEMU's -cpu option reads as one word (a model or a
 * property)?  1 to 64 letters, digits, '-', '_' and '.', starting with a
 * letter or a digit.  Everything cpuscope prints as part of a -cpu value
 * is one: a ',' would start another option, an '=' give a value, a
 * leading '+' or '-' be QEMU's legacy on/off form. */
#define QEMU_NAME_MAX 64
bool qemu_name_ok(const char *s);
/* The closest known spellings to a misspelled name: those at the
 * smallest edit distance (1, else 2), up to max. */
size_t ftable_suggest(const struct ftable *t, const char *spelling, const char **out, size_t max);

/* Bitset over feature ids. */
struct fset {
	uint64_t *w;
	size_t nw;
};
#define FSET_INIT { NULL, 0 }
void fset_fini(struct fset *s);
void fset_copy(struct fset *dst, const struct fset *src);
void fset_clear_all(struct fset *s);
void fset_add(struct fset *s, unsigned id);
void fset_del(struct fset *s, unsigned id);
bool fset_has(const struct fset *s, unsigned id);
void fset_or(struct fset *dst, const struct fset *src);
void fset_and(struct fset *dst, const struct fset *src);
void fset_andnot(struct fset *dst, const struct fset *src);
bool fset_equal(const struct fset *a, const struct fset *b);
bool fset_subset(const struct fset *a, const struct fset *b); /* a within b */
bool fset_empty(const struct fset *s);
size_t fset_count(const struct fset *s);
/* Next member >= from, or -1.  for (int i = fset_next(s, 0); i >= 0; i = fset_next(s, i + 1)) */
int fset_next(const struct fset *s, unsigned from);

#endif
