/* custom_models.h - --custom FILE: custom models (custom.h reads them)
 * join the QEMU data, so every list, grid, explanation and verdict shows
 * them next to QEMU's own (session.c calls this at its steps).
 *
 * Each custom model becomes a definition of every machine type whose data
 * has its base model: its features are QEMU's full expansion of the base
 * there, plus the features it adds and minus those it removes; its
 * settings become the properties QEMU would get (phys-bits, host-phys-
 * bits, level, hv-vendor-id, guest-phys-bits; hidden clears kvm); Hyper-V
 * flags (hv-*) must be boolean properties of the base in the QEMU data.
 * Its verdict is the usual one (model_usable()): with a host, the host's
 * features against the model's; with QEMU's own verdict, the base's
 * unavailable-features, less what it removes, plus what it adds that
 * QEMU's 'max' of the accelerator lacks.  The machine type in use must
 * have the base model (else an error at the line that names it), which
 * must be QEMU's (not another custom model), and a custom model may not
 * take the name of a QEMU model there.  Its note
 * (session_model_note()) says that it is custom, where it is defined, its
 * base and its changes.
 */
#ifndef CPUSCOPE_SRC_CUSTOM_MODELS_H
#define CPUSCOPE_SRC_CUSTOM_MODELS_H

#include <stdbool.h>

struct err;
struct session;

/* Load --custom (once) and add its models to the data in use; a no-op
 * without --custom or data, and for models already added. */
bool session_custom_apply(struct session *s, struct err *e);

#endif
