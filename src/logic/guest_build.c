/* guest_build.c - a guest CPU from what the user asked for (see
 * guest_build.h): validation, the model version, policies by feature,
 * lints, the XML and -cpu value. */
#include "guest_build.h"

#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "custom_def.h"
#include "emit.h"
#include "err.h"
#include "feature.h"
#include "logic.h"
#include "vendor.h"

/* ---- lints -------------------------------------------------------------- */

static void lint_feature(const struct dataset *ds, const struct host *h, const struct feature *f,
			 const char *name, enum policy p, struct vec *out)
{
	if (f->flags & FEAT_NOT_IN_QEMU)
		vec_push(out, xasprintf("feature '%s' is not known to QEMU %s: %s", name,
					ds->qemu_version ? ds->qemu_version : "(the data in use)",
					p == POLICY_DISABLE || p == POLICY_FORBID ?
					"libvirt leaves '=off' out of -cpu" :
					"QEMU refuses to start with it"));
	if (!f->libvirt)
		vec_push(out, xasprintf("feature '%s' is not in libvirt's cpu_map: libvirt rejects "
					"it in <cpu> XML", name));
	if (p == POLICY_FORCE && h && h->resolved && !fset_has(&h->features, f->id))
		vec_push(out, xasprintf("force '%s': the host lacks it; QEMU filters a feature the "
					"accelerator cannot provide, so the guest will not see it", name));
	if (p == POLICY_OPTIONAL)
		vec_push(out, xasprintf("optional '%s' becomes require or disable when the guest "
					"starts (depending on that host); after a migration the "
					"guest keeps the first host's decision", name));
}

/* Traps in a valid guest CPU: a deprecated model or machine type, a
 * model libvirt's cpu_map lacks (versioned names before libvirt 10.10),
 * a model vendor that does not fit the host, a model with host-model,
 * features QEMU 7.2 or libvirt lacks, force on what the host lacks,
 * optional. */
static void guest_lint(const struct guest_ctx *ctx, const struct guest_cpu *g, struct vec *out)
{
	const struct dataset *ds = ctx->ds;
	const struct mdata *md = ctx->md;
	const struct host *h = ctx->host;
	const struct cpu_map *map = ctx->map;

	if (g->model && g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM) {
		struct model_view mv;
		if (g->mode == MODE_HOST_MODEL)
			vec_push(out, xasprintf("host-model ignores the model name on x86: libvirt "
						"replaces it with the host's CPU model when the guest starts"));
		if (model_lookup(ds, md, g->model, &mv, NULL)) {
			if (mv.def->deprecated)
				vec_push(out, xasprintf("model %s is deprecated in this QEMU", g->model));
			if (h && h->vendor && mv.vendor[0]) {
				const char *hv = h->vendor, *mvn = vendor_name(mv.vendor);
				bool intel = !strcmp(mvn, "Intel");
				bool amd = !strcmp(mvn, "AMD");
				if ((intel && strcmp(hv, "Intel")) ||
				    (amd && strcmp(hv, "AMD") && strcmp(hv, "Hygon")))
					vec_push(out, xasprintf("%s is an %s model but the host is %s: guests "
								"may take vendor-specific code paths that "
								"do not fit", g->model, intel ? "Intel" : "AMD",
								hv));
			}
		}
		if (map && ds->arch == ARCH_X86_64 && !cpu_map_model(map, g->model)) {
			/* the alias QEMU resolves to this version, if libvirt knows it */
			const char *alias = NULL;
			for (size_t i = 0; i < md->defs.n && !alias; i++) {
				const struct cpu_def *d = md->defs.v[i];
				if (d->alias_of && !strcmp(d->alias_of, g->model) &&
				    cpu_map_model(map, d->name))
					alias = d->name;
			}
			if (model_version_of(g->model, NULL, 0) > 0 && alias)
				vec_push(out, xasprintf("libvirt's cpu_map has no model %s: libvirt before "
							"10.10 does not know versioned names; %s stands for "
							"the same version", g->model, alias));
			else if (model_version_of(g->model, NULL, 0) > 0)
				vec_push(out, xasprintf("libvirt's cpu_map has no model %s: libvirt before "
							"10.10 does not know versioned names, and no alias "
							"stands for this version", g->model));
			else
				vec_push(out, xasprintf("libvirt's cpu_map has no model %s: libvirt "
							"cannot check it (check='partial' fails)", g->model));
		}
	}
	const struct machine *m = dataset_machine(ds, md->machine);
	if (m && m->deprecated)
		vec_push(out, xasprintf("machine type %s is deprecated in this QEMU", m->name));
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		lint_feature(ds, h, ftable_lookup(ds->ft, gf->name), gf->name, gf->policy, out);
	}
}

/* ---- validation ------------------------------------------------------------ */

/* The feature a name given by the user stands for, or NULL with e set.
 * Known: in cpuscope's table, or (met in a file) a feature libvirt's
 * cpu_map defines. */
static const struct feature *known_feature(const struct guest_ctx *ctx, const char *name, int line,
					   struct err *e)
{
	const struct ftable *ft = ctx->ds->ft;
	const struct feature *f;

	if (!qemu_name_ok(name)) {
		err_set(e, NULL, line, "'%s' is not a feature name: QEMU's are letters, digits, '-', "
			"'_' and '.' (the policy says on or off)", name);
		return NULL;
	}
	f = ftable_lookup(ft, name);
	if (f && (!(f->flags & FEAT_UNKNOWN) || (ctx->map && cpu_map_feature(ctx->map, name))))
		return f;
	/* QEMU's pseudo-features, interned from its unavailable-features */
	if (f && !strcmp(f->name, "kvm")) {
		err_set(e, NULL, line, "'kvm' is not a CPU feature: QEMU's kvm property hides the KVM "
			"signature, which libvirt sets with <kvm><hidden state='on'/></kvm>");
		return NULL;
	}
	if (f && !strcmp(f->name, "type")) {
		err_set(e, NULL, line, "'type' is not a CPU feature: QEMU names it when the host's CPU "
			"generation is older than the model's (s390x)");
		return NULL;
	}
	const char *sugg[3];
	size_t n = ftable_suggest(ft, name, sugg, 3);
	if (n) {
		struct strbuf sb = STRBUF_INIT;
		sb_add_list(&sb, sugg, n, n);
		err_set(e, NULL, line, "unknown feature '%s'; did you mean %s?", name, sb_str(&sb));
		sb_fini(&sb);
	} else {
		err_set(e, NULL, line, "unknown feature '%s': neither QEMU nor libvirt knows it", name);
	}
	return NULL;
}

/* The features of in, one entry per feature (the first spelling), into
 * out; two policies for one feature are refused, naming both spellings
 * when they differ. */
static bool build_features(const struct guest_ctx *ctx, const struct guest_cpu *in,
			   struct guest_cpu *out, struct err *e)
{
	const struct ftable *ft = ctx->ds->ft;

	for (size_t i = 0; i < in->features.n; i++) {
		const struct guest_feature *gf = in->features.v[i];
		const struct feature *f = known_feature(ctx, gf->name, gf->line, e);
		const struct guest_feature *prev;
		if (!f)
			return false;
		if (gf->policy <= POLICY_NONE || gf->policy >= POLICY__COUNT)
			return err_set(e, NULL, gf->line, "feature '%s' has no policy", gf->name);
		prev = guest_cpu_feature_of(out, ft, f);
		if (prev && prev->policy != gf->policy) {
			if (!strcmp(prev->name, gf->name))
				return err_set(e, NULL, gf->line, "feature '%s' has two policies (%s and %s)",
					       gf->name, policy_name(prev->policy), policy_name(gf->policy));
			return err_set(e, NULL, gf->line, "feature '%s' has two policies (%s as '%s', %s "
				       "as '%s': one feature, two spellings)", feature_libvirt_name(f),
				       policy_name(prev->policy), prev->name, policy_name(gf->policy),
				       gf->name);
		}
		if (prev)
			continue; /* the same policy again */
		guest_cpu_set_policy(out, gf->name, gf->policy);
		((struct guest_feature *)out->features.v[out->features.n - 1])->line = gf->line;
	}
	return true;
}

/* The model: the name as given, version N of its family, or the newest
 * usable version.  Sets out->cpu->model and out->base. */
static bool build_model(const struct guest_ctx *ctx, const struct guest_cpu *in, int version,
			struct guest_built *out, struct err *e)
{
	struct model_view mv;
	const char *name;
	char *vn = NULL;
	bool ok = false;

	if (!qemu_name_ok(in->model))
		return err_set(e, NULL, in->model_line, "'%s' is not a CPU model name: QEMU's are "
			       "letters, digits, '-', '_' and '.'", in->model);
	if (!model_lookup(ctx->ds, ctx->md, in->model, &mv, e)) {
		e->line = in->model_line;
		return false;
	}
	name = mv.name;
	if (mv.def->custom) {
		/* a custom model: its base, with its features (custom_merge) */
		const struct custom_model *cm = mv.def->custom;
		struct model_view bmv;
		if (version != GUEST_VERSION_AS_GIVEN)
			return err_set(e, NULL, in->model_line, "custom model %s has no versions (it is "
				       "built on %s)", cm->name, cm->base);
		if (!model_lookup(ctx->ds, ctx->md, cm->base, &bmv, e)) {
			e->line = in->model_line;
			return false;
		}
		out->custom = cm;
		out->cpu->model = xstrdup(cm->base);
		out->base = xstrdup(bmv.base);
		return true;
	}
	if (version == GUEST_VERSION_BEST) {
		const struct cpu_def *d = model_best_version(ctx->ds, ctx->md, mv.base, ctx->host);
		if (!d)
			return err_set(e, NULL, in->model_line, "no version of %s is usable on %s (see "
				       "cpuscope explain %s)", mv.base, ctx->host_label, mv.base);
		name = d->name;
	} else if (version > 0) {
		struct model_view vmv;
		vn = xasprintf("%s-v%d", mv.base, version);
		if (!model_lookup(ctx->ds, ctx->md, vn, &vmv, e)) {
			e->line = in->model_line;
			goto out;
		}
		name = vmv.name;
	} else if (version < 0) {
		err_set(e, NULL, in->model_line, "version %d: versions count from 1", version);
		goto out;
	}
	/* a dataset from a file names the models: it may not carry options either */
	if (!qemu_name_ok(name)) {
		err_set(e, NULL, in->model_line, "'%s' is not a CPU model name: QEMU's are letters, "
			"digits, '-', '_' and '.'", name);
		goto out;
	}
	out->cpu->model = xstrdup(name);
	out->base = xstrdup(mv.base);
	ok = true;
out:
	free(vn);
	return ok;
}

/* ---- custom models ------------------------------------------------------------ */

/* The custom model's features into g, before g's own; a feature g has a
 * policy for keeps it (the user's choice wins, as a VM's flags win over
 * its custom model's in Proxmox). */
static void custom_merge(const struct guest_ctx *ctx, const struct custom_model *cm,
			 struct guest_cpu *g)
{
	const struct ftable *ft = ctx->ds->ft;
	struct model_view bmv;
	const char *vendor = model_lookup(ctx->ds, ctx->md, cm->base, &bmv, NULL) ? bmv.vendor : "";
	struct guest_cpu tmp;

	memset(&tmp, 0, sizeof(tmp));
	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *cf = cm->flags.v[i];
		const char *name = cf->kind == CFLAG_NESTED_VIRT ? custom_nested_virt(vendor) : cf->name;
		const struct feature *f = ftable_lookup(ft, name);
		struct guest_feature *gf;
		if (cf->kind == CFLAG_HYPERV || !f || guest_cpu_feature_of(g, ft, f) ||
		    guest_cpu_feature_of(&tmp, ft, f))
			continue;
		gf = xcalloc(1, sizeof(*gf));
		gf->name = xstrdup(name);
		gf->policy = cf->on ? POLICY_REQUIRE : POLICY_DISABLE;
		vec_push(&tmp.features, gf);
	}
	for (size_t i = 0; i < g->features.n; i++)
		vec_push(&tmp.features, g->features.v[i]);
	vec_fini(&g->features, NULL);
	g->features = tmp.features;
}

struct guest_cpu *guest_custom_resolve(const struct guest_ctx *ctx, const struct guest_cpu *g)
{
	const struct cpu_def *d = g->model ? mdata_def(ctx->md, g->model) : NULL;
	struct guest_cpu *r;

	if (!d || !d->custom)
		return NULL;
	r = guest_cpu_clone(g);
	free(r->model);
	r->model = xstrdup(d->custom->base);
	custom_merge(ctx, d->custom, r);
	return r;
}

/* A custom model's settings on the -cpu value: Hyper-V flags, kvm=off,
 * hv-vendor-id, phys-bits, guest-phys-bits, level (as Proxmox passes them). */
static char *custom_qemu(const struct custom_model *cm, const char *value)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, value);
	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *cf = cm->flags.v[i];
		char *prop;
		if (cf->kind != CFLAG_HYPERV)
			continue;
		prop = custom_hv_prop(cf->name);
		sb_addf(&sb, ",%s=%s", prop, cf->on ? "on" : "off");
		free(prop);
	}
	if (cm->hidden > 0)
		sb_add(&sb, ",kvm=off");
	if (cm->hv_vendor_id)
		sb_addf(&sb, ",hv-vendor-id=%s", cm->hv_vendor_id);
	if (cm->phys_bits > 0)
		sb_addf(&sb, ",phys-bits=%d", cm->phys_bits);
	else if (cm->phys_bits == 0)
		sb_add(&sb, ",host-phys-bits=on");
	if (cm->guest_phys_bits >= 0)
		sb_addf(&sb, ",guest-phys-bits=%d", cm->guest_phys_bits);
	if (cm->level >= 0)
		sb_addf(&sb, ",level=%lld", cm->level);
	return sb_take(&sb);
}

/* What libvirt's <cpu> cannot carry of a custom model, and settings the
 * QEMU in use lacks. */
static void custom_lints(const struct guest_ctx *ctx, const struct custom_model *cm,
			 struct vec *xml, struct vec *lints)
{
	const char *n = cm->name;
	const struct expansion *bx = dataset_expansion(ctx->ds, ctx->md, cm->base, true);

	for (size_t i = 0; i < cm->flags.n; i++) {
		const struct custom_flag *cf = cm->flags.v[i];
		if (cf->kind == CFLAG_HYPERV)
			vec_push(xml, xasprintf("%s: %c%s is a Hyper-V enlightenment, not in <cpu>: "
						"libvirt sets those under <features><hyperv>", n,
						cf->on ? '+' : '-', cf->name));
	}
	if (cm->hidden > 0)
		vec_push(xml, xasprintf("%s: hidden (QEMU's kvm=off) is not in <cpu>: libvirt sets it "
					"with <kvm><hidden state='on'/></kvm> under <features>", n));
	if (cm->hv_vendor_id)
		vec_push(xml, xasprintf("%s: hv-vendor-id %s is not in <cpu>: libvirt sets it with "
					"<hyperv><vendor_id state='on' value='%s'/></hyperv> under "
					"<features>", n, cm->hv_vendor_id, cm->hv_vendor_id));
	if (cm->phys_bits > 0)
		vec_push(xml, xasprintf("%s: phys-bits %d is left out of this <cpu> (libvirt's "
					"<maxphysaddr mode='emulate' bits='%d'/>)", n, cm->phys_bits,
					cm->phys_bits));
	else if (cm->phys_bits == 0)
		vec_push(xml, xasprintf("%s: phys-bits host is left out of this <cpu> (libvirt's "
					"<maxphysaddr mode='passthrough'/>)", n));
	if (cm->guest_phys_bits >= 0)
		vec_push(xml, xasprintf("%s: guest-phys-bits %d is left out of this <cpu>", n,
					cm->guest_phys_bits));
	if (cm->level >= 0)
		vec_push(xml, xasprintf("%s: level %lld is left out of this <cpu> (libvirt has no "
					"setting for QEMU's CPUID level)", n, cm->level));
	if (cm->guest_phys_bits >= 0 && bx && !expansion_prop(bx, "guest-phys-bits"))
		vec_push(lints, xasprintf("%s: QEMU %s has no property guest-phys-bits: it refuses to "
					  "start with guest-phys-bits=%d", n, ctx->ds->qemu_version ?
					  ctx->ds->qemu_version : "(the data in use)",
					  cm->guest_phys_bits));
}

static bool check_shape(const struct guest_cpu *in, int version, struct err *e)
{
	bool fixed = in->mode == MODE_HOST_PASSTHROUGH || in->mode == MODE_MAXIMUM;

	if (in->mode < MODE_CUSTOM || in->mode >= MODE__COUNT)
		return err_set(e, NULL, 0, "unknown mode");
	if (in->match != MATCH_UNSET && in->mode != MODE_CUSTOM)
		return err_set(e, NULL, 0, "match applies to mode custom only");
	if (in->model && fixed)
		return err_set(e, NULL, in->model_line, "a model makes no sense with mode %s (the CPU "
			       "is the host's or QEMU's maximum)", cpu_mode_name(in->mode));
	if (version != GUEST_VERSION_AS_GIVEN && !in->model)
		return err_set(e, NULL, 0, "a version needs a model");
	if (!in->model && in->mode == MODE_CUSTOM && in->features.n)
		return err_set(e, NULL, 0, "features without a model: libvirt refuses a custom CPU "
			       "with features but no <model>");
	if (in->vendor_id) {
		if (in->mode == MODE_CUSTOM && !in->model)
			return err_set(e, NULL, 0, "vendor_id needs a model (it is an attribute of "
				       "libvirt's <model>)");
		if (fixed)
			return err_set(e, NULL, in->model_line, "vendor_id makes no sense with mode %s "
				       "(the CPU, and its vendor, is the host's or QEMU's maximum)",
				       cpu_mode_name(in->mode));
		if (strlen(in->vendor_id) != 12)
			return err_set(e, NULL, in->model_line, "vendor_id must be exactly 12 characters, "
				       "a CPUID vendor string like GenuineIntel (got %zu)",
				       strlen(in->vendor_id));
		if (!guest_vendor_id_ok(in->vendor_id))
			return err_set(e, NULL, in->model_line, "vendor_id must be printable ASCII "
				       "without ',' (libvirt refuses it: QEMU's vendor= would end there)");
	}
	return true;
}

/* The CPU a custom guest gets: the model's features, then the policies. */
static int built_psabi(const struct guest_ctx *ctx, const struct guest_cpu *g)
{
	struct model_view mv;
	struct fset cpu = FSET_INIT;
	const struct ftable *ft = ctx->ds->ft;
	int level;

	if (ft->arch != ARCH_X86_64 || g->mode != MODE_CUSTOM || !g->model ||
	    !model_lookup(ctx->ds, ctx->md, g->model, &mv, NULL) || !mv.full)
		return -1;
	fset_copy(&cpu, &mv.full->on);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const struct feature *f = ftable_lookup(ft, gf->name);
		if (!f)
			continue;
		if (gf->policy == POLICY_FORCE || gf->policy == POLICY_REQUIRE)
			fset_add(&cpu, f->id);
		else if (gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID)
			fset_del(&cpu, f->id);
	}
	level = psabi_level(ft, &cpu);
	fset_fini(&cpu);
	return level;
}

bool guest_build(const struct guest_ctx *ctx, const struct guest_cpu *in, int version,
		 struct guest_built *out, struct err *e)
{
	struct guest_cpu *g;

	memset(out, 0, sizeof(*out));
	out->psabi = -1;
	if (!check_shape(in, version, e))
		return false;
	g = out->cpu = guest_cpu_new();
	g->mode = in->mode;
	g->match = in->match;
	g->check = in->check;
	g->fallback = in->fallback;
	g->model_line = in->model_line;
	g->vendor_id = in->vendor_id ? xstrdup(in->vendor_id) : NULL;
	g->vendor = in->vendor ? xstrdup(in->vendor) : NULL;
	g->migratable = in->migratable;
	g->has_topology = in->has_topology;
	g->sockets = in->sockets;
	g->dies = in->dies;
	g->clusters = in->clusters;
	g->cores = in->cores;
	g->threads = in->threads;
	if ((in->model && !build_model(ctx, in, version, out, e)) || !build_features(ctx, in, g, e)) {
		guest_build_fini(out);
		return false;
	}
	/* the user's policies alone (a Proxmox VM's flags on top of its custom model) */
	struct guest_cpu *asked = out->custom ? guest_cpu_clone(g) : NULL;
	if (out->custom)
		custom_merge(ctx, out->custom, g);
	guest_lint(ctx, g, &out->lints);
	out->xml = emit_guest_xml(g, ctx->ds->ft, 0);
	out->qemu = emit_qemu_cpu(g, ctx->ds->ft, ctx->host, &out->lints, &out->qemu_why);
	if (out->custom && out->qemu && g->mode == MODE_CUSTOM) {
		char *q = custom_qemu(out->custom, out->qemu);
		free(out->qemu);
		out->qemu = q;
	}
	if (out->custom)
		custom_lints(ctx, out->custom, &out->xml_notes, &out->lints);
	out->psabi = built_psabi(ctx, g);
	struct platform_in pin = { g, asked, out->custom, ctx->ds->ft, out->qemu, out->qemu_why };
	for (int p = 0; p < PLATFORM__COUNT; p++)
		emit_platform((enum platform)p, &pin, &out->forms[p]);
	if (asked) {
		free(asked->model);
		asked->model = xstrdup(out->custom->name);
	}
	out->asked = asked;
	return true;
}

const char *guest_form_title(int form)
{
	if (form == GUEST_FORM_XML)
		return "libvirt <cpu> XML";
	if (form == GUEST_FORM_QEMU)
		return "QEMU -cpu value";
	return platform_title((enum platform)(form - GUEST_FORM_PLATFORM));
}

const char *guest_form_text(const struct guest_built *b, int form, const char **why,
			    const struct vec **notes)
{
	const struct platform_out *o;

	*why = NULL;
	if (notes)
		*notes = NULL;
	if (form == GUEST_FORM_XML) {
		if (notes)
			*notes = &b->xml_notes;
		return b->xml;
	}
	if (form == GUEST_FORM_QEMU) {
		*why = b->qemu_why;
		return b->qemu;
	}
	if (form < GUEST_FORM_PLATFORM || form >= GUEST_FORMS)
		return NULL;
	o = &b->forms[form - GUEST_FORM_PLATFORM];
	if (notes)
		*notes = &o->notes;
	*why = o->why;
	return o->text;
}

void guest_build_fini(struct guest_built *b)
{
	if (!b)
		return;
	guest_cpu_free(b->cpu);
	guest_cpu_free(b->asked);
	free(b->base);
	vec_fini(&b->lints, free);
	free(b->xml);
	free(b->qemu);
	vec_fini(&b->xml_notes, free);
	for (int p = 0; p < PLATFORM__COUNT; p++)
		platform_out_fini(&b->forms[p]);
	memset(b, 0, sizeof(*b));
	b->psabi = -1;
}
