/* userdata.h - the user's own data decides the model list (the session's
 * rules for captures and domcapabilities; session.c calls these at its
 * steps, so both front ends get them).
 *
 *   - A libvirt capture (.replies) is QEMU data: --snapshot FILE reads the
 *     session of --accel (default: the first, KVM when the capture has
 *     one), and --host FILE without --snapshot makes it the data as well.
 *     Its definitions were asked under -machine none and stand for every
 *     machine type of the capture (as libvirt uses them).
 *   - Without --arch the arch is the data's: a snapshot's, a capture's
 *     query-target, the <arch> of a --host file.
 *   - A host file with a model list (domcapabilities' custom models, the
 *     query-cpu-definitions of a QMP file): when the user gave no QEMU data
 *     (no --snapshot, --probe) and the QEMU data in use is not of the
 *     host's QEMU version (the version of its machine type), the host's
 *     list IS the model list: models, aliases (canonical=), deprecation,
 *     usable and blockers are the file's, and a model it lacks is not in
 *     the data.  Otherwise models the host lists but the data lacks are
 *     added to the data, with the host's verdict.
 *   - A model the data has no expansion of gets its features from, in
 *     order: the QEMU data loaded before (when the host's list replaced
 *     it), the bundled snapshot of the same QEMU version, libvirt's
 *     cpu_map (the map in use, then data/cpu_map-11.3); session_model_note()
 *     says which, and that a model is not in the QEMU data at all.
 */
#ifndef CPUSCOPE_SRC_USERDATA_H
#define CPUSCOPE_SRC_USERDATA_H

#include <stdbool.h>

#include "feature.h"
#include "model.h"

struct err;
struct session;

/* The arch of --host FILE, when the file says and neither --arch, --probe
 * nor a snapshot file does. */
bool session_arch_from_host(struct session *s, struct err *e);
/* The same for another host file (before any data is loaded). */
bool session_arch_from_file(struct session *s, const char *file, struct err *e);
/* --host FILE when it is a libvirt capture (then it is the QEMU data too), else NULL. */
const char *session_host_capture(const struct session *s);
/* The arch of a snapshot file or a capture. */
bool session_file_arch(const char *path, enum arch *out, struct err *e);
/* A snapshot file or a capture (the session of --accel). */
struct dataset *session_file_load(struct session *s, const char *path, struct err *e);
/* When the machine type in use has no data: the definitions of a capture
 * ("none") stand for every machine type it lists.  NULL (e kept) otherwise. */
const struct mdata *session_capture_machine(struct session *s, struct err *e);
/* After the data and machine type are in place. */
bool session_data_loaded(struct session *s, struct err *e);
/* After the reference host loaded: its model list (see above). */
bool session_host_loaded(struct session *s, struct err *e);

/* Where model 'name' or its features come from when not from the QEMU
 * data ("not in the QEMU data (...); libvirt's domcapabilities ... lists
 * it: usable no, 3 blockers; features as libvirt's cpu_map defines it
 * (...)"), or NULL. */
const char *session_model_note(const struct session *s, const char *name);
/* The same appended to notes (char *, owned by the vec) when there is one. */
void session_model_notes(const struct session *s, const char *name, struct vec *notes);
void session_notes_free(struct session *s);

#endif
