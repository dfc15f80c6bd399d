/* custom_models.c - custom models join the QEMU data (custom_models.h). */
#include "custom_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custom.h"
#include "custom_def.h"
#include "err.h"
#include "model.h"
#include "session.h"
#include "util.h"

/* The note: "custom model (Proxmox VE cpu-models.conf x.conf:3): reported-model Haswell-noTSX;
 * flags +vmx;-hle; hidden (kvm=off); phys-bits 40". */
static char *custom_note(const struct custom_model *cm, const char *nested)
{
	struct strbuf sb = STRBUF_INIT;
	char *flags = custom_model_flags_text(cm);

	sb_addf(&sb, "custom model (%s %s:%d): ", custom_format_name(cm->format), cm->source,
		cm->line);
	if (cm->format == CUSTOM_PROXMOX)
		sb_addf(&sb, "reported-model %s%s", cm->base, cm->base_given ? "" :
			" (Proxmox's default)");
	else
		sb_addf(&sb, "base %s", cm->base);
	sb_addf(&sb, "; %s %s", cm->format == CUSTOM_PROXMOX ? "flags" : "changes",
		flags[0] ? flags : "none");
	if (nested)
		sb_addf(&sb, " (nested-virt as %s, by the base's vendor; Proxmox picks it by the host's "
			"CPU)", nested);
	if (cm->hidden > 0)
		sb_add(&sb, "; hidden (kvm=off)");
	if (cm->hv_vendor_id)
		sb_addf(&sb, "; hv-vendor-id %s", cm->hv_vendor_id);
	if (cm->phys_bits == 0)
		sb_add(&sb, "; phys-bits host");
	else if (cm->phys_bits > 0)
		sb_addf(&sb, "; phys-bits %d", cm->phys_bits);
	if (cm->guest_phys_bits >= 0)
		sb_addf(&sb, "; guest-phys-bits %d", cm->guest_phys_bits);
	if (cm->level >= 0)
		sb_addf(&sb, "; level %lld", cm->level);
	free(flags);
	return sb_take(&sb);
}

/* The note of a model, once (a later apply finds it there). */
static void note_once(struct session *s, const char *model, char *text)
{
	if (strmap_has(&s->notes, model)) {
		free(text);
		return;
	}
	strmap_put(&s->notes, model, text);
}

/* unavail_names from the set: the base's names that stay, then the rest. */
static void set_unavail_names(struct cpu_def *d, const struct cpu_def *base, const struct ftable *ft)
{
	struct fset left = FSET_INIT;

	d->unavail_names = xcalloc(fset_count(&d->unavailable) + 1, sizeof(*d->unavail_names));
	fset_copy(&left, &d->unavailable);
	for (size_t i = 0; i < base->nunavail; i++) {
		const struct feature *f = ftable_lookup(ft, base->unavail_names[i]);
		if (f && fset_has(&left, f->id)) {
			d->unavail_names[d->nunavail++] = xstrdup(base->unavail_names[i]);
			fset_del(&left, f->id);
		}
	}
	for (int id = fset_next(&left, 0); id >= 0; id = fset_next(&left, (unsigned)id + 1))
		d->unavail_names[d->nunavail++] = xstrdup(ftable_get(ft, (unsigned)id)->name);
	fset_fini(&left);
}

static void set_num_prop(struct expansion *x, const char *name, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	expansion_set_prop(x, name, num);
}

/* The definition and expansion of cm under md.  strict: md is the machine
 * type in use, where a missing base or a bad Hyper-V flag is an error
 * (elsewhere the model is left out). */
static bool add_custom(struct session *s, struct mdata *md, const struct custom_model *cm,
		       bool strict, struct err *e)
{
	struct model_view bmv;
	struct err le;
	const struct cpu_def *base;
	const struct expansion *mx = dataset_expansion(s->ds, md, "max", true);
	struct expansion *x;
	struct cpu_def *d;
	bool adds = false;
	int idx;

	err_clear(&le);
	if (!model_lookup(s->ds, md, cm->base, &bmv, &le)) {
		if (!strict)
			return true;
		return err_set(e, cm->source, cm->base_line, "custom model %s: %s model: %s", cm->name,
			       cm->format == CUSTOM_PROXMOX ? "reported" : "base", le.msg);
	}
	if (bmv.def->custom) {
		if (!strict)
			return true;
		return err_set(e, cm->source, cm->base_line, "custom model %s: its base %s is a custom "
			       "model too (build on a QEMU model: %s's base is %s)", cm->name, cm->base,
			       cm->base, bmv.def->custom->base);
	}
	if (!bmv.full) {
		if (!strict)
			return true;
		return err_set(e, cm->source, cm->base_line, "custom model %s: the QEMU data has no "
			       "features of %s on %s", cm->name, cm->base, md->machine);
	}
	base = bmv.def;
	x = expansion_copy(bmv.full, cm->name);
	d = xcalloc(1, sizeof(*d));
	d->name = xstrdup(cm->name);
	d->type_name = base->type_name ? xstrdup(base->type_name) : NULL;
	d->migration_safe = base->migration_safe;
	d->deprecated = base->deprecated;
	d->custom = cm;
	d->unavail_known = base->unavail_known;
	fset_copy(&d->unavailable, &base->unavailable);
	d->start_failure = base->start_failure ? xstrdup(base->start_failure) : NULL;
	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *cf = cm->flags.v[i];
		const char *name = cf->name;
		if (cf->kind == CFLAG_HYPERV) {
			char *prop = custom_hv_prop(cf->name);
			const char *v = expansion_prop(bmv.full, prop);
			if (!v || (strcmp(v, "true") && strcmp(v, "false"))) {
				free(prop);
				expansion_free(x);
				cpu_def_free(d);
				if (!strict)
					return true;
				return err_set(e, cm->source, cf->line, "custom model %s: '%s' is not a "
					       "Hyper-V enlightenment of QEMU %s (no boolean property %s)",
					       cm->name, cf->name, s->ds->qemu_version ?
					       s->ds->qemu_version : "(the data in use)", cf->name);
			}
			expansion_set_prop(x, prop, cf->on ? "true" : "false");
			free(prop);
			continue;
		}
		if (cf->kind == CFLAG_NESTED_VIRT)
			name = custom_nested_virt(bmv.vendor);
		const struct feature *f = ftable_lookup(s->ft, name);
		if (!f)
			continue; /* the reader checked the table */
		fset_add(&x->known, f->id);
		if (cf->on) {
			fset_add(&x->on, f->id);
			adds = true;
			if (mx && !fset_has(&mx->on, f->id))
				fset_add(&d->unavailable, f->id);
		} else {
			fset_del(&x->on, f->id);
			fset_del(&d->unavailable, f->id);
		}
	}
	if (adds && !mx)
		d->unavail_known = false; /* what QEMU can add here is not in the data */
	if (cm->hidden > 0) {
		const struct feature *kvm = ftable_lookup(s->ft, "kvm");
		if (kvm)
			fset_del(&x->on, kvm->id);
	}
	if (cm->phys_bits > 0)
		set_num_prop(x, "phys-bits", cm->phys_bits);
	else if (cm->phys_bits == 0)
		expansion_set_prop(x, "host-phys-bits", "true");
	if (cm->guest_phys_bits >= 0)
		set_num_prop(x, "guest-phys-bits", cm->guest_phys_bits);
	if (cm->level >= 0)
		set_num_prop(x, "level", cm->level);
	if (cm->hv_vendor_id) {
		char *js = xasprintf("\"%s\"", cm->hv_vendor_id); /* letters and digits only */
		expansion_set_prop(x, "hv-vendor-id", js);
		free(js);
	}
	set_unavail_names(d, base, s->ft);
	idx = dataset_add_expansion(s->ds, x);
	mdata_add_def(md, d);
	mdata_set_expansion(md, cm->name, idx, -1);
	return true;
}

/* What nested-virt stands for in cm on the machine type in use, or NULL. */
static const char *nested_of(const struct session *s, const struct custom_model *cm)
{
	struct model_view mv;

	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *cf = cm->flags.v[i];
		if (cf->kind == CFLAG_NESTED_VIRT)
			return model_lookup(s->ds, s->md, cm->base, &mv, NULL) ?
			       custom_nested_virt(mv.vendor) : NULL;
	}
	return NULL;
}

static bool apply_one(struct session *s, const struct custom_model *cm, struct err *e)
{
	for (size_t i = 0; i < s->ds->mdatas.n; i++) {
		struct mdata *md = vec_get(&s->ds->mdatas, i);
		bool strict = md == s->md;
		const struct cpu_def *have;
		if (!md->defs_known)
			continue;
		have = mdata_def(md, cm->name);
		if (have && have->custom == cm)
			continue; /* added before */
		if (have) {
			if (!strict)
				continue;
			return err_set(e, cm->source, cm->line, "custom model %s has the name of a model "
				       "of QEMU %s", cm->name, s->ds->qemu_version ? s->ds->qemu_version :
				       "(the data in use)");
		}
		if (!add_custom(s, md, cm, strict, e))
			return false;
	}
	note_once(s, cm->name, custom_note(cm, nested_of(s, cm)));
	return true;
}

bool session_custom_apply(struct session *s, struct err *e)
{
	if (!s->o.custom_file || !s->ds || !s->md)
		return true;
	if (!s->custom) {
		s->custom = custom_load(s->o.custom_file, s->ft, e);
		if (!s->custom)
			return false;
	}
	for (size_t i = 0; i < s->custom->models.n; i++)
		if (!apply_one(s, s->custom->models.v[i], e))
			return false;
	return true;
}
