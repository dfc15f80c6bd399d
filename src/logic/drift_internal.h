/* drift_internal.h - what drift.c and drift_rows.c share; not a public
 * interface. */
#ifndef CPUSCOPE_SRC_DRIFT_INTERNAL_H
#define CPUSCOPE_SRC_DRIFT_INTERNAL_H

#include <stdbool.h>

#include "cpu_map.h"
#include "drift.h"
#include "guest.h"
#include "model.h"

struct drift_ctx {
	const struct dataset *ds;
	const struct mdata *md;
	const struct cpu_map *map;
	const struct drift_opts *o;
	struct drift_report *r;
	struct fset hm;          /* the host-model's features (map features) */
	struct fset enabled_any; /* features some model of this QEMU enables here */
};


/* host, max, base: QEMU's own, no libvirt model to hold them against. */
bool drift_qemu_special(const char *name);
/* The model's removed='yes' features as disable policies of g. */
void drift_add_removed(const struct cpu_map *map, struct guest_cpu *g, const struct fset *removed);
/* The row of libvirt's model lm and QEMU's definition d. */
struct drift_row *drift_row_build(struct drift_ctx *c, const struct cm_model *lm,
				  const struct cpu_def *d);

#endif
