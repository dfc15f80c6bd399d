/* cpu_map.h - libvirt's CPU model map (/usr/share/libvirt/cpu_map).
 *
 * Reads index.xml and what it includes (libvirt 9.0 flat layout and the
 * 11.x layout with <group>s and versioned models), x86_vendors.xml,
 * x86_features.xml and every x86_*.xml model.  Models inherit from an
 * ancestor (<model name='X'/>) exactly as libvirt does: vendor,
 * signatures and features, minus the ancestor's removed features.
 *
 * Ownership: cpu_map_free() frees all; the ftable is lent (features the
 * table does not know are interned as FEAT_UNKNOWN).
 */
#ifndef CPUSCOPE_SRC_CPU_MAP_H
#define CPUSCOPE_SRC_CPU_MAP_H

#include <stdbool.h>

#include "feature.h"
#include "util.h"

struct err;

struct cm_vendor {
	char *name;   /* "Intel" */
	char *string; /* "GenuineIntel" */
};

struct cm_signature {
	int family;
	int model;
	char *stepping; /* "5-7" or NULL */
};

struct cm_model {
	char *name;
	char *ancestor;        /* <model name=.../> inside, or NULL */
	char *canonical_of;    /* 11.x: this file only names the ancestor's canonical version */
	char *vendor;          /* after inheritance; NULL: none */
	struct cm_signature *sigs;
	size_t nsigs;
	bool decode_host, decode_guest;
	bool check_partial_compat; /* 11.x <check partial='compat'/> */
	struct fset features;  /* after inheritance, removed ones excluded */
	struct fset removed;   /* removed='yes' (own and inherited) */
	struct fset added;     /* added='yes' */
	int order;             /* position in index.xml include order */
	char *file;            /* path of the file that defines it */
	int line;              /* line of its <model> element */
	char *group;           /* 11.x index.xml <group name=...>, or NULL */
};

struct cpu_map {
	char *dir;
	enum arch arch;
	struct ftable *ft;      /* lent */
	struct vec vendors;     /* struct cm_vendor * */
	struct vec models;      /* struct cm_model *, in include order */
	struct strmap by_name;  /* model name -> struct cm_model * */
	struct fset known;      /* every feature x86_features.xml defines */
	struct fset nonmigratable;
	struct vec features;    /* const struct feature *, in x86_features.xml order (lent) */
	struct strmap feat_by_name; /* the map's own spelling -> const struct feature * */
};

/* Load the map in dir for arch (x86_64 reads <arch name='x86'>).  Errors
 * name the file and line: a missing index.xml or include, malformed XML, an
 * unknown ancestor, vendor or feature, a model defined twice. */
struct cpu_map *cpu_map_load(const char *dir, enum arch arch, struct ftable *ft, struct err *e);
void cpu_map_free(struct cpu_map *m);
const struct cm_model *cpu_map_model(const struct cpu_map *m, const char *name);
const struct cm_vendor *cpu_map_vendor(const struct cpu_map *m, const char *name);
/* The vendor whose CPUID string is string ("GenuineIntel"), or NULL. */
const struct cm_vendor *cpu_map_vendor_by_string(const struct cpu_map *m, const char *string);
/* The feature the map calls name (its own spelling only), or NULL. */
const struct feature *cpu_map_feature(const struct cpu_map *m, const char *name);
/* The default map directory: /usr/share/libvirt/cpu_map if it has an
 * index.xml, else DATADIR/cpu_map.  Written into buf; returns buf. */
const char *cpu_map_default_dir(const char *datadir, char *buf, size_t size);
/* The installed libvirt's map (/usr/share/libvirt/cpu_map) when it has an
 * index.xml, else NULL. */
const char *cpu_map_system_dir(void);
/* Does the map mark models <check partial='compat'/> (libvirt >= 10.10)? */
bool cpu_map_has_compat_check(const struct cpu_map *m);

#endif
