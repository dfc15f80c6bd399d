/* guest_build.h - the one path from what the user asked for to a guest
 * CPU: validation, the model version, policies by feature, the lints and
 * the outputs.  `cpuscope build` and the TUI's guest editor both call
 * guest_build(), so they accept and refuse the same CPUs, in the same
 * words.
 *
 * What is refused (an error, e set, nothing built):
 *   - match with a mode other than custom; a model with host-passthrough
 *     or maximum; a version without a model; features with a custom CPU
 *     that has no model (libvirt refuses that <cpu>);
 *   - a model name QEMU would not read as one word, an unknown model, a
 *     version of it that does not exist, 'best' when no version is usable;
 *   - a vendor_id that is not 12 printable characters without ',' (as
 *     libvirt), or one with host-passthrough or maximum (nothing takes it);
 *   - a feature name that is not one word for QEMU ("x=on", "a,b"), an
 *     unknown feature (with the close spellings: "did you mean rtm?"),
 *     and one feature with two policies, under one spelling or two
 *     (pclmulqdq and pclmuldq are one feature).
 * Everything else that is legal but likely a mistake is a lint.
 *
 * A guest built on a custom model (--custom: custom_models.h) is its base
 * model with the custom model's features (policies require and disable;
 * the user's own policy for a feature wins); its settings (hidden,
 * phys-bits, level, Hyper-V flags, ...) are added to the -cpu value, and
 * what a form cannot carry is noted (xml_notes, each form's notes).  It
 * has no versions.
 *
 * The outputs: the XML, the -cpu value, and the platform forms of
 * platform.h (Proxmox VE, KubeVirt, Nova, QMP), built from the same CPU.
 *
 * The names checked here are QEMU's grammar (qemu_name_ok()); that also
 * keeps control characters and non-ASCII out of every -cpu value.
 *
 * Ownership: guest_build_fini() frees what the result owns; the context
 * and the request are lent and must outlive the call only.
 */
#ifndef CPUSCOPE_SRC_GUEST_BUILD_H
#define CPUSCOPE_SRC_GUEST_BUILD_H

#include <stdbool.h>

#include "guest.h"
#include "host.h"
#include "model.h"
#include "platform.h"
#include "util.h"

struct cpu_map;
struct err;

/* The model version to use: the name as given, the newest version the
 * host can run, or version N of the model's family. */
#define GUEST_VERSION_AS_GIVEN 0
#define GUEST_VERSION_BEST (-1)

/* What the CPU is built against (all lent). */
struct guest_ctx {
	const struct dataset *ds;
	const struct mdata *md;
	const struct host *host;   /* NULL: none */
	const char *host_label;    /* how messages name the host */
	const struct cpu_map *map; /* NULL: none (fewer lints) */
};

struct guest_built {
	struct guest_cpu *cpu;   /* the CPU: concrete model name, one entry per feature (the
				  * first spelling given), in the order given */
	char *base;              /* the model's family ("Haswell"), NULL without a model */
	struct vec lints;        /* char *: the traps (then what -cpu leaves out) */
	char *xml;               /* libvirt <cpu> XML */
	char *qemu;              /* the -cpu value, or NULL ... */
	const char *qemu_why;    /* ... and why not (static text) */
	int psabi;               /* x86-64 psABI level of the CPU the guest gets (a custom
				  * CPU: the model with its policies); -1 unknown */
	const struct custom_model *custom; /* the custom model it is built on (lent), or NULL */
	struct guest_cpu *asked; /* on a custom model: the CPU as asked, validated (the custom
				  * model's name, the user's policies only), for an editor to
				  * keep; else NULL */
	struct vec xml_notes;    /* char *: what the XML leaves out (a custom model's settings) */
	struct platform_out forms[PLATFORM__COUNT]; /* the platform forms */
};

/* Build 'in' (as given: the model as named, features as spelled, with
 * their policies and file lines if read from a file) with model version
 * 'version' (GUEST_VERSION_*, or N >= 1).  On failure e says why (with
 * the line of the feature or model when in has one) and out is empty. */
bool guest_build(const struct guest_ctx *ctx, const struct guest_cpu *in, int version,
		 struct guest_built *out, struct err *e);
void guest_build_fini(struct guest_built *b);

/* g with a custom model (of ctx's machine type) replaced by its base and
 * features, as guest_build() builds it (for a compare of the guest as it
 * stands), or NULL when g is not built on a custom model. */
struct guest_cpu *guest_custom_resolve(const struct guest_ctx *ctx, const struct guest_cpu *g);

/* The outputs of a built CPU, in the order the explorer's o key cycles
 * them: GUEST_FORM_XML, GUEST_FORM_QEMU, then GUEST_FORM_PLATFORM + each
 * enum platform. */
enum { GUEST_FORM_XML, GUEST_FORM_QEMU, GUEST_FORM_PLATFORM };
#define GUEST_FORMS (GUEST_FORM_PLATFORM + PLATFORM__COUNT)
/* "libvirt <cpu> XML", "QEMU -cpu value", then platform_title(). */
const char *guest_form_title(int form);
/* The text of a form (lent by b), or NULL and *why; *notes (may be NULL)
 * gets what the form leaves out (char *; the -cpu value's are in lints). */
const char *guest_form_text(const struct guest_built *b, int form, const char **why,
			    const struct vec **notes);

#endif
