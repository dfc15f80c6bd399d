/* host.h - a host: what CPU features it (or its hypervisor) can provide.
 *
 * A host comes from libvirt capabilities XML, domcapabilities XML, a bare
 * host <cpu> XML, a QMP expansion reply of 'host'/'max', or this
 * machine's CPUID.  Sources that name a libvirt model (capabilities,
 * domcapabilities host-model) list only the features beyond the model;
 * host_resolve() (src/read/host_load.h) expands the model through a
 * cpu_map into 'features'.
 *
 * Ownership: host_free() frees everything; the ftable is lent.
 */
#ifndef CPUSCOPE_SRC_HOST_H
#define CPUSCOPE_SRC_HOST_H

#include <stdbool.h>

#include "feature.h"
#include "util.h"

struct err;

enum host_kind {
	HOST_CAPS,       /* virsh capabilities <host><cpu> */
	HOST_DOMCAPS,    /* virsh domcapabilities */
	HOST_CPU_XML,    /* a bare host <cpu> with <arch> */
	HOST_QMP,        /* query-cpu-model-expansion of host/max */
	HOST_CPUID,      /* this machine, via the CPUID instruction */
};
const char *host_kind_name(enum host_kind k);

/* One entry of domcapabilities' custom model list. */
struct host_model_usability {
	char *name;
	int usable;        /* 1 yes, 0 no, -1 unknown */
	bool deprecated;
	char *vendor;      /* NULL when absent */
	char *canonical;   /* NULL when absent (libvirt >= 10.10) */
	bool has_blockers; /* <blockers> present (libvirt >= 10.x) */
	struct fset blockers;
};

struct host {
	enum host_kind kind;
	enum arch arch;
	struct ftable *ft;  /* lent */
	char *source;       /* file name or "local CPUID" */
	char *vendor;       /* libvirt vendor name ("Intel", "AMD", "Hygon") or NULL */
	char *model;        /* libvirt model named by the source (caps model, host-model) or NULL */
	char *model_fallback; /* host-model <model fallback=...> or NULL */
	bool has_signature;
	int family, cpu_model, stepping;
	char *microcode;
	char *model_id;     /* CPUID brand string / QEMU model-id, or NULL */
	/* Features the source lists explicitly: for caps the extras beyond
	 * the model; for domcaps host-model the require'd ones. */
	struct fset listed;
	struct fset disabled; /* host-model policy='disable' features */
	/* Everything the host can provide (after host_resolve for model-based
	 * sources; filled directly for QMP/CPUID). */
	struct fset features;
	bool resolved;
	/* domcapabilities only */
	struct vec usability;  /* struct host_model_usability * */
	bool passthrough_supported, maximum_supported, host_model_supported;
	char *domcaps_machine; /* <machine> */
	char *domcaps_virttype;/* <domain> kvm|qemu */
};

struct host *host_new(enum host_kind kind, enum arch arch, struct ftable *ft, const char *source);
void host_free(struct host *h);
void host_model_usability_free(struct host_model_usability *u);
/* The same with the model's features given directly (for s390x, whose
 * models only QEMU defines). */
void host_resolve_features(struct host *h, const struct fset *model_features);
const struct host_model_usability *host_usability(const struct host *h, const char *model);

#endif
