/* emit.c - libvirt <cpu> XML and QEMU -cpu values. */
#include "emit.h"

#include <string.h>

static const char *xml_feature_name(const struct ftable *ft, const char *name)
{
	const struct feature *f = ftable_lookup(ft, name);

	return f && !(f->flags & FEAT_UNKNOWN) ? feature_libvirt_name(f) : name;
}

char *emit_guest_xml(const struct guest_cpu *g, const struct ftable *ft, int indent)
{
	struct strbuf sb = STRBUF_INIT;
	bool attrs = g->mode != MODE_CUSTOM || g->model;
	bool has_model_elem = false;
	bool has_children;
	char pad[32];

	if (indent < 0 || indent > 16)
		indent = 0;
	memset(pad, ' ', (size_t)indent);
	pad[indent] = '\0';
	sb_addf(&sb, "%s<cpu", pad);
	if (attrs) {
		sb_addf(&sb, " mode='%s'", cpu_mode_name(g->mode));
		if (g->mode == MODE_CUSTOM)
			sb_addf(&sb, " match='%s'",
				cpu_match_name(g->match == MATCH_UNSET ? MATCH_EXACT : g->match));
		if (g->check != CHECK_UNSET)
			sb_addf(&sb, " check='%s'", cpu_check_name(g->check));
		if ((g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM) && g->migratable >= 0)
			sb_addf(&sb, " migratable='%s'", g->migratable ? "on" : "off");
	}
	if (g->mode == MODE_CUSTOM || g->mode == MODE_HOST_MODEL)
		has_model_elem = g->model || g->vendor_id;
	has_children = has_model_elem || (g->vendor && (g->mode == MODE_CUSTOM ||
							 g->mode == MODE_HOST_MODEL)) ||
		       g->has_topology || g->features.n;
	if (!has_children) {
		sb_add(&sb, "/>\n");
		return sb_take(&sb);
	}
	sb_add(&sb, ">\n");
	if (has_model_elem) {
		enum cpu_fallback fb = g->fallback == FALLBACK_UNSET ? FALLBACK_ALLOW : g->fallback;
		sb_addf(&sb, "%s  <model fallback='%s'", pad, cpu_fallback_name(fb));
		if (g->vendor_id) {
			sb_add(&sb, " vendor_id='");
			sb_xml_escape(&sb, g->vendor_id);
			sb_add(&sb, "'");
		}
		if (g->model) {
			sb_add(&sb, ">");
			sb_xml_escape(&sb, g->model);
			sb_add(&sb, "</model>\n");
		} else {
			sb_add(&sb, "/>\n");
		}
	}
	if (g->vendor && (g->mode == MODE_CUSTOM || g->mode == MODE_HOST_MODEL)) {
		sb_addf(&sb, "%s  <vendor>", pad);
		sb_xml_escape(&sb, g->vendor);
		sb_add(&sb, "</vendor>\n");
	}
	if (g->has_topology)
		sb_addf(&sb, "%s  <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n", pad,
			g->sockets, g->dies ? g->dies : 1, g->cores, g->threads);
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		sb_addf(&sb, "%s  <feature policy='%s' name='", pad, policy_name(gf->policy));
		sb_xml_escape(&sb, xml_feature_name(ft, gf->name));
		sb_add(&sb, "'/>\n");
	}
	sb_addf(&sb, "%s</cpu>\n", pad);
	return sb_take(&sb);
}

static void note(struct vec *notes, const char *name, const char *what)
{
	if (notes)
		vec_push(notes, xasprintf("%s: %s", name, what));
}

char *emit_qemu_cpu(const struct guest_cpu *g, const struct ftable *ft, const struct host *h,
		    struct vec *notes, const char **why)
{
	struct strbuf sb = STRBUF_INIT;
	const char *model = NULL;

	*why = NULL;
	switch (g->mode) {
	case MODE_HOST_PASSTHROUGH:
		model = "host";
		break;
	case MODE_MAXIMUM:
		model = "max";
		break;
	case MODE_HOST_MODEL:
		if (!h || !h->model) {
			*why = "host-model is turned into a concrete model by libvirt when the guest "
			       "starts; give a domcapabilities file as --host to see that model";
			return NULL;
		}
		model = h->model;
		break;
	case MODE_CUSTOM:
	default:
		model = g->model;
		break;
	}
	if (!model) {
		*why = "a custom CPU without a model has no -cpu value (QEMU uses the machine "
		       "type's default CPU)";
		return NULL;
	}
	/* Nothing printed here may carry another option: guest_build()
	 * refuses such names; this is the last line of defence. */
	if (!qemu_name_ok(model)) {
		*why = "the model name is not a QEMU name (letters, digits, '-', '_', '.'): as part of "
		       "-cpu it would add options";
		return NULL;
	}
	if (g->vendor_id && g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM &&
	    !guest_vendor_id_ok(g->vendor_id)) {
		*why = "vendor_id must be 12 printable ASCII characters without ','";
		return NULL;
	}
	sb_add(&sb, model);
	if ((g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM) && g->migratable >= 0)
		sb_addf(&sb, ",migratable=%s", g->migratable ? "on" : "off");
	if (g->vendor_id && g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM)
		sb_addf(&sb, ",vendor=%s", g->vendor_id);
	if (g->mode == MODE_HOST_MODEL && h) {
		/* the host-model CPU's own features, then the user's */
		for (int pass = 0; pass < 2; pass++) {
			const struct fset *s = pass ? &h->disabled : &h->listed;
			for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1)) {
				const struct feature *f = ftable_get(ft, (unsigned)id);
				if (guest_cpu_feature_of(g, ft, f) ||
				    (f->flags & (FEAT_NOT_IN_QEMU | FEAT_NOT_PASSED)))
					continue;
				if (!qemu_name_ok(f->name))
					goto bad_name;
				sb_addf(&sb, ",%s=%s", f->name, pass ? "off" : "on");
			}
		}
	}
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		const struct feature *f = ftable_lookup(ft, gf->name);
		const char *name = f ? f->name : gf->name;
		bool on;

		if (f && (f->flags & FEAT_NOT_PASSED)) {
			note(notes, name, "libvirt never passes this feature to QEMU; left out");
			continue;
		}
		switch (gf->policy) {
		case POLICY_FORCE:
		case POLICY_REQUIRE:
			on = true;
			break;
		case POLICY_DISABLE:
		case POLICY_FORBID:
			if (!f || (f->flags & (FEAT_NOT_IN_QEMU | FEAT_UNKNOWN))) {
				note(notes, name, "QEMU does not know this feature; '=off' left out, as libvirt does");
				continue;
			}
			on = false;
			break;
		case POLICY_OPTIONAL:
			if (!h || !h->resolved || !f) {
				note(notes, name, "optional is decided against the host when the guest starts; "
					  "left out (no host data)");
				continue;
			}
			on = fset_has(&h->features, f->id);
			break;
		case POLICY_NONE:
		default:
			continue;
		}
		if (!qemu_name_ok(name))
			goto bad_name;
		sb_addf(&sb, ",%s=%s", name, on ? "on" : "off");
	}
	return sb_take(&sb);
bad_name:
	sb_fini(&sb);
	*why = "a feature name is not a QEMU name (letters, digits, '-', '_', '.'): as part of "
	       "-cpu it would add options";
	return NULL;
}
