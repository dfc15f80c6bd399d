/* grid_qemu.h - the feature grid across QEMU versions (`cpuscope grid MODEL
 * --qemu 7.2,10.0`, the explorer's "QEMU versions" columns) and what each
 * version changes for the model: the call-outs.
 *
 * One column per QEMU's data, all for the same machine type family: the
 * machine type the family stands for in each (machine_family_pick(): q35
 * is pc-q35-7.2 in 7.2 and pc-q35-10.0 in 10.0), each one's default
 * machine type when no family is asked for, or one machine type per
 * version.  Cells mark ('!') what the column's host lacks, or without a
 * host what that QEMU cannot provide under its accelerator (its
 * unavailable-features: TCG support).
 *
 * The call-outs, for each version against the one before it: new and
 * removed models, new versions of the model's family, the names standing
 * for each version and on which machine types, machine types of the
 * family added or removed, the alias and default machine type, new
 * deprecations, and what the accelerator newly provides or lacks for the
 * model.
 *
 * The columns' datasets have feature tables of their own; the grid's rows
 * are in the table given (names are matched, unknown ones interned).
 *
 * Ownership: the grid as grid_free() frees it (the datasets must outlive
 * it); notes are char *, owned by the caller's vec.
 */
#ifndef CPUSCOPE_SRC_GRID_QEMU_H
#define CPUSCOPE_SRC_GRID_QEMU_H

#include <stddef.h>

#include "feature.h"
#include "host.h"
#include "logic.h"
#include "model.h"
#include "util.h"

struct err;

struct grid_qemu_src {
	const struct dataset *ds;
	const char *label;   /* shown when two columns have one QEMU version, or NULL */
	const char *machine; /* this version's machine type (name or alias), or NULL */
};

/* Model 'name' in each source.  family: a machine type family, an alias
 * or a member of one (NULL: each source's default, unless the sources
 * name their own).  Fails (e set) when a named machine type is unknown or
 * no source has the model.  Call-outs are appended to notes (char *). */
struct grid *grid_build_qemu(struct ftable *ft, const struct grid_qemu_src *src, size_t n,
			     const char *family, const char *name, const struct host *host,
			     struct vec *notes, struct err *e);

#endif
