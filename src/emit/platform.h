/* platform.h - a guest CPU in the forms management platforms take, each
 * checked against the platform's documented grammar and what it allows:
 *
 *   proxmox        Proxmox VE VM config line "cpu: MODEL[,flags=+a;-b]..."
 *                  (qemu.conf; qemu-server src/PVE/QemuServer/CPUConfig.pm:
 *                  MODEL one of Proxmox's models or custom-NAME, VM flags
 *                  only from Proxmox's short list); a CPU that needs more
 *                  comes as a cpu-models.conf entry plus the line naming it
 *   proxmox-model  the cpu-models.conf entry ("cpu-model: NAME" with
 *                  reported-model, flags, ... in Proxmox's order)
 *   kubevirt       VirtualMachine spec.template.spec.domain.cpu as YAML
 *                  (model, features with policy, sockets/cores/threads)
 *   nova           nova.conf [libvirt] cpu_mode, cpu_models,
 *                  cpu_model_extra_flags (+flag / -flag)
 *   qmp            the query-cpu-model-expansion command with the -cpu
 *                  value's model and properties as its model argument
 *
 * What a form cannot say is never dropped silently: it goes into the
 * notes ("nova: forbid pcid: Nova has no forbid ...").  When a platform
 * cannot express the CPU at all (KubeVirt and Nova have no 'maximum'),
 * text is NULL and why says so.
 *
 * Ownership: platform_out_fini() frees text, why and the notes.
 */
#ifndef CPUSCOPE_SRC_PLATFORM_H
#define CPUSCOPE_SRC_PLATFORM_H

#include <stdbool.h>

#include "custom_def.h"
#include "feature.h"
#include "guest.h"
#include "util.h"

enum platform {
	PLATFORM_PROXMOX,
	PLATFORM_PROXMOX_MODEL,
	PLATFORM_KUBEVIRT,
	PLATFORM_NOVA,
	PLATFORM_QMP,
	PLATFORM__COUNT
};

const char *platform_name(enum platform p);  /* the --format word: "proxmox", ... */
const char *platform_title(enum platform p); /* "Proxmox VE VM config (cpu:)", ... */
bool platform_parse(const char *s, enum platform *out);

struct platform_in {
	const struct guest_cpu *cpu;   /* as built: the concrete model (a custom model's
					* base), one entry per feature (its flags included) */
	const struct guest_cpu *asked; /* as asked (the model may be a custom one), or NULL */
	const struct custom_model *custom; /* the custom model it is built on, or NULL */
	const struct ftable *ft;
	const char *qemu;              /* the -cpu value (QMP's source), or NULL ... */
	const char *qemu_why;          /* ... and why not */
};

struct platform_out {
	char *text;       /* the form (ends with a newline), or NULL ... */
	char *why;        /* ... and why not */
	struct vec notes; /* char *: what the form leaves out or approximates */
};

void emit_platform(enum platform p, const struct platform_in *in, struct platform_out *out);
void platform_out_fini(struct platform_out *o);

/* Proxmox VE's own lists (qemu-server src/PVE/QemuServer/CPUConfig.pm):
 * a model it offers as cputype and reported-model; a flag a VM's cpu:
 * line may set. */
bool proxmox_model_ok(const char *model);
bool proxmox_vm_flag_ok(const char *flag);

#endif
