/* custom_def.h - custom CPU models: a base model plus and minus features
 * (and, from Proxmox VE, a few CPU settings), as read by custom.h from a
 * Proxmox VE cpu-models.conf or a [cpudef]-style file (README "Custom
 * models").  The session (custom_models.h) turns each into a definition
 * of the data, so every list, grid and verdict shows it; guest_build()
 * turns a guest built on one back into its base model and features.
 *
 * Ownership: custom_set_free() frees the set, its models and their flags.
 */
#ifndef CPUSCOPE_SRC_CUSTOM_DEF_H
#define CPUSCOPE_SRC_CUSTOM_DEF_H

#include <stdbool.h>

#include "util.h"

enum custom_format {
	CUSTOM_PROXMOX, /* Proxmox VE /etc/pve/virtual-guest/cpu-models.conf */
	CUSTOM_CPUDEF,  /* cpuscope's [cpudef] sections: name, base, add, remove */
};

/* What a flag is. */
enum custom_flag_kind {
	CFLAG_FEATURE,     /* a CPU feature of the feature table */
	CFLAG_NESTED_VIRT, /* Proxmox's 'nested-virt': vmx or svm, by the base's vendor */
	CFLAG_HYPERV,      /* a Hyper-V enlightenment (QEMU's hv-* properties) */
};

struct custom_flag {
	char *name;     /* as written (without the + or -) */
	bool on;        /* + / add, else - / remove */
	enum custom_flag_kind kind;
	int line;
};

struct custom_model {
	char *name;        /* as cpuscope lists it: "custom-ID" (Proxmox), the name (cpudef) */
	char *id;          /* Proxmox's section id; the name for cpudef */
	char *base;        /* Proxmox's reported-model (kvm64 when not given), cpudef's base */
	bool base_given;   /* false: Proxmox's default reported-model */
	int base_line;     /* where the base was given (the header's line when not) */
	enum custom_format format;
	const char *source; /* the file (lent by the set) */
	int line;           /* of the section header */
	struct vec flags;   /* struct custom_flag *, in file order */
	/* Proxmox settings; unset: -1 (hidden, phys_bits, guest_phys_bits,
	 * level), NULL (hv_vendor_id).  phys_bits 0 is 'host'. */
	int hidden;
	int phys_bits;
	int guest_phys_bits;
	long long level;
	char *hv_vendor_id;
};

struct custom_set {
	char *source;       /* the file */
	enum custom_format format;
	struct vec models;  /* struct custom_model *, in file order */
};

const char *custom_format_name(enum custom_format f); /* "Proxmox VE cpu-models.conf", ... */
struct custom_set *custom_set_new(const char *source, enum custom_format format);
void custom_set_free(struct custom_set *s);
/* A new model appended to s (name and id copied; base NULL). */
struct custom_model *custom_set_add(struct custom_set *s, const char *name, const char *id, int line);
const struct custom_model *custom_set_find(const struct custom_set *s, const char *name);
/* Add a flag (name copied). */
void custom_model_add_flag(struct custom_model *m, const char *name, bool on,
			   enum custom_flag_kind kind, int line);
/* The model's flags as Proxmox writes them: "+vmx;-hle" ("" when none). */
char *custom_model_flags_text(const struct custom_model *m);
/* The feature Proxmox's 'nested-virt' stands for in a model of this CPUID
 * vendor ("GenuineIntel"): svm for AMD and Hygon, else vmx.  (Proxmox
 * takes it from the host's CPU flags; cpuscope from the base model's
 * vendor, which is what the guest sees.) */
const char *custom_nested_virt(const char *cpuid_vendor);
/* QEMU's property for a Hyper-V flag: hv_tlbflush -> hv-tlbflush; caller frees. */
char *custom_hv_prop(const char *flag);
/* Whether it sets anything beyond features (hidden, phys-bits, ...). */
bool custom_model_has_settings(const struct custom_model *m);

#endif
