/* reference.c - whose verdict the explorer shows (R), and on which machine
 * type (M).
 *
 * The choices, in the order R steps through them: the session's host
 * (--host); QEMU's own verdict for the data in use; the same QEMU with the
 * other accelerator (when the data is this machine's QEMU or a --probe, and
 * that accelerator can run here); libvirt qemu:///system's domcapabilities
 * (when libvirtd answers; asked once); every host file of data/hosts; this
 * CPU's CPUID (x86_64).  Every verdict, grid mark, the explain pane and
 * the editor's verdict follow at once: the view-models are rebuilt.
 */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"
#include "err.h"
#include "probe.h"
#include "session.h"

struct ref_choice {
	const struct host *host; /* NULL: QEMU's own verdict */
	const char *accel;       /* non-NULL: switch the data to this accelerator */
};

/* The CPUID host, made once and owned by the app. */
static const struct host *local_cpuid(struct app *a)
{
	struct err e;

	if (!a->cpuid_host && a->ds->arch == ARCH_X86_64) {
		err_clear(&e);
		a->cpuid_host = cpuid_local_host(a->ft, &e);
	}
	return a->cpuid_host;
}

static size_t choices(struct app *a, struct ref_choice *out, size_t max)
{
	size_t n = 0;
	const char *accel = a->ds->accel;

	if (a->s->host && a->s->host->kind != HOST_CPUID)
		out[n++] = (struct ref_choice){ a->s->host, NULL };
	out[n++] = (struct ref_choice){ NULL, NULL };
	if (a->s->qemu_binary && accel && n < max) {
		const char *other = !strcmp(accel, "kvm") ? "tcg" : "kvm";
		if (!strcmp(other, "tcg") || !strcmp(probe_default_accel(a->ds->arch), "kvm"))
			out[n++] = (struct ref_choice){ NULL, other };
	}
	if (a->libvirt_host && n < max)
		out[n++] = (struct ref_choice){ a->libvirt_host, NULL };
	app_load_extra_hosts(a);
	for (size_t i = 0; i < a->extra_hosts.n && n < max; i++)
		out[n++] = (struct ref_choice){ vec_get(&a->extra_hosts, i), NULL };
	if (local_cpuid(a) && n < max)
		out[n++] = (struct ref_choice){ local_cpuid(a), NULL };
	return n;
}

/* libvirt qemu:///system (unless --libvirt named it already): asked once,
 * when R first comes by; a libvirt that does not answer is left out. */
static void try_libvirt(struct app *a)
{
	const char *uri = getenv("CPUSCOPE_LIBVIRT_URI"); /* "none": do not ask */
	struct err e;

	if (a->libvirt_tried || a->s->o.libvirt_uri)
		return;
	a->libvirt_tried = true;
	if (uri && !strcmp(uri, "none"))
		return;
	err_clear(&e);
	a->libvirt_host = session_libvirt_host(a->s, uri && *uri ? uri : "qemu:///system", &e);
}

void app_reference_next(struct app *a)
{
	struct ref_choice c[64];
	size_t n = choices(a, c, sizeof(c) / sizeof(c[0])), cur = 0, next;
	char keep[160] = "";
	struct model_row *m = app_selected_model(a);
	struct err e;
	char buf[1200];

	if (a->probe) {
		app_status(a, R_WARN, "wait for the probe to finish (or Esc it) before switching");
		return;
	}
	if (!a->libvirt_tried) {
		try_libvirt(a);
		n = choices(a, c, sizeof(c) / sizeof(c[0]));
	}
	for (size_t i = 0; i < n; i++)
		if (c[i].host == a->host && !c[i].accel) {
			cur = i;
			break;
		}
	next = (cur + 1) % n;
	if (m)
		snprintf(keep, sizeof(keep), "%s", m->mv.name);
	app_views_drop(a);
	err_clear(&e);
	if (c[next].accel) {
		if (!session_use_accel(a->s, c[next].accel, &e)) {
			app_views_rebuild(a, keep);
			app_status(a, R_ERROR, "QEMU with %s: %s", c[next].accel,
				   err_str(&e, buf, sizeof(buf)));
			return;
		}
		a->host = NULL;
	} else {
		a->host = c[next].host;
	}
	app_views_rebuild(a, keep);
	app_status(a, R_GOOD, "verdicts by %s (R: next of %zu)", a->host_label, n);
}

void app_machine_set(struct app *a, const char *name)
{
	char keep[160] = "";
	struct model_row *m = app_selected_model(a);
	const struct mdata *md;
	struct err e;
	char buf[1200];

	err_clear(&e);
	md = dataset_resolve_machine(a->ds, name, &e); /* checked before the views go */
	if (!md) {
		if (a->probe_fill)
			app_status(a, R_WARN, "%s (the other machine types are still loading)",
				   err_str(&e, buf, sizeof(buf)));
		else
			app_status(a, R_ERROR, "%s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	if (m)
		snprintf(keep, sizeof(keep), "%s", m->mv.name);
	app_views_drop(a);
	session_set_machine(a->s, md->machine, &e);
	app_views_rebuild(a, keep);
	app_status(a, R_GOOD, "machine type %s", md->machine);
}
