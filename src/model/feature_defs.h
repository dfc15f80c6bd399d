/* feature_defs.h - the built-in feature definitions, generated at build
 * time from data/<arch>-features.tsv (and data/s390x-groups.tsv, QEMU's
 * s390x feature groups) by scripts/gen-features.awk. */
#ifndef CPUSCOPE_SRC_FEATURE_DEFS_H
#define CPUSCOPE_SRC_FEATURE_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct feature_def {
	const char *name;
	const char *libvirt;    /* NULL: libvirt lacks it */
	const char *linux_name; /* NULL: unknown */
	const char *aliases;    /* comma-separated, NULL: none */
	unsigned char loc;      /* enum feat_loc */
	uint32_t leaf;
	uint32_t subleaf;
	bool has_subleaf;
	const char *reg;
	uint32_t msr;
	unsigned bit;
	const char *group;
	int psabi_level;      /* x86-64 psABI level 1..4; 0: none */
	unsigned flags;
	const char *desc;
};

/* A feature group (s390x): its name and its members, comma-separated. */
struct feature_group_def {
	const char *name;
	const char *members;
};

extern const struct feature_def feature_defs_x86_64[];
extern const size_t feature_defs_x86_64_count;
extern const struct feature_def feature_defs_s390x[];
extern const size_t feature_defs_s390x_count;
extern const struct feature_group_def feature_groups_s390x[];
extern const size_t feature_groups_s390x_count;

#endif
