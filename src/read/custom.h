/* custom.h - reading custom CPU models (custom_def.h) from two formats.
 *
 * Proxmox VE's cpu-models.conf (/etc/pve/virtual-guest/cpu-models.conf),
 * with Proxmox's own rules: the section-config grammar of pve-common
 * (src/PVE/SectionConfig.pm: a header "TYPE: ID" at the start of a line,
 * then indented "KEY VALUE" lines up to a blank line; lines starting with
 * '#' are comments) and the cpu-model properties of qemu-server
 * (src/PVE/QemuServer/CPUConfig.pm):
 *
 *   cpu-model: NAME          listed as custom-NAME, as Proxmox names it
 *       reported-model M     the QEMU model it is built on (default kvm64)
 *       flags +F;-G          features on (+) and off (-), ';'-separated;
 *                            'nested-virt' is vmx or svm by the model's vendor
 *       hidden 1             hide KVM from the guest (QEMU's kvm=off)
 *       hv-vendor-id ID      Hyper-V vendor id, 1 to 12 letters and digits
 *       phys-bits N|host     8 to 64, or the host's
 *       guest-phys-bits N    32 to 64
 *       level N              the highest basic CPUID leaf (PVE 9's API)
 *
 * Booleans are 1/0, yes/no, on/off, true/false (any case; "hidden" alone
 * is 1), as PVE's JSON schema reads them.  Beyond Proxmox, cpuscope
 * refuses what Proxmox would skip with a warning (a line outside a
 * section, an unknown section type or property, a header without the
 * blank line before it, a duplicate property), so nothing is dropped
 * silently.
 *
 * A [cpudef]-style file: sections "[cpudef]" with "key = value" lines
 * (values may be "quoted", '#' and ';' start comments):
 *
 *   [cpudef]
 *   name = nehalem-vmx       the model's name
 *   base = Nehalem           the QEMU model it is built on
 *   add = vmx, aes           features on (comma or blank separated)
 *   remove = pcid            features off
 *
 * Both: names follow the one name rule (text.h) and QEMU's grammar
 * (qemu_name_ok(): a model name is one word of -cpu); features are looked
 * up in the feature table by any spelling, and an unknown one is an
 * error with the close spellings; a feature given twice, or both on and
 * off, and a model defined twice are errors.  Errors are "FILE:LINE:
 * message".  Whether the base model exists is the session's check (it
 * knows the QEMU data).
 */
#ifndef CPUSCOPE_SRC_CUSTOM_H
#define CPUSCOPE_SRC_CUSTOM_H

#include <stdbool.h>
#include <stddef.h>

#include "custom_def.h"
#include "feature.h"

struct err;

/* Models one file may define. */
#define CUSTOM_MAX_MODELS 1024

/* The format is the file's: a first line (not blank, not a comment) that
 * is "[...]" makes it a [cpudef] file, anything else a Proxmox one. */
struct custom_set *custom_load(const char *path, const struct ftable *ft, struct err *e);
/* The same from text[0..len); name is what errors call the input. */
struct custom_set *custom_parse(const char *text, size_t len, const char *name,
				const struct ftable *ft, struct err *e);

#endif
