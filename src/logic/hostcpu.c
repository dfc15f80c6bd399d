/* hostcpu.c - a host's CPU the way libvirt describes it (hostcpu.h). */
#include "hostcpu.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "err.h"
#include "feature.h"
#include "util.h"

/* Name the host file in an error the decode gave without one. */
static void name_file(struct err *e, const char *file)
{
	char msg[sizeof(e->msg)];

	if (!e || e->file[0])
		return;
	memcpy(msg, e->msg, sizeof(msg));
	err_set(e, file, 0, "%s", msg);
}

bool host_cpu_describe(const struct cpu_map *map, const struct host *h, struct host_cpu *out,
		       struct err *e)
{
	struct decode_input in;
	struct decode_result r;

	memset(out, 0, sizeof(*out));
	if (h->arch != ARCH_X86_64)
		return err_set(e, h->source, 0, "libvirt describes %s host CPUs without a model "
			       "(their host-model comes from QEMU)", arch_name(h->arch));
	if (!h->resolved)
		return err_set(e, h->source, 0, "the host's features are not known");
	if (!map)
		return err_set(e, h->source, 0, "no CPU map to decode the host with");
	decode_input_from_host(&in, h, DECODE_HOST);
	if (!cpu_decode(map, &in, &r, e)) {
		name_file(e, h->source);
		return false;
	}
	out->arch = h->arch;
	out->model = r.model->name;
	out->vendor = r.vendor;
	out->has_signature = h->has_signature;
	out->family = h->family;
	out->cpu_model = h->cpu_model;
	out->stepping = h->stepping;
	out->features = xcalloc(r.nfeatures + 1, sizeof(*out->features));
	for (size_t i = 0; i < r.nfeatures; i++)
		if (r.features[i].policy == POLICY_REQUIRE)
			out->features[out->nfeatures++] =
				feature_libvirt_name(ftable_get(map->ft, r.features[i].id));
	decode_result_fini(&r);
	return true;
}

void host_cpu_fini(struct host_cpu *c)
{
	if (!c)
		return;
	free(c->features);
	memset(c, 0, sizeof(*c));
}

char *host_cpu_xml(const struct host_cpu *c)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "<cpu>\n  <arch>");
	sb_xml_escape(&sb, arch_name(c->arch));
	sb_add(&sb, "</arch>\n  <model>");
	sb_xml_escape(&sb, c->model);
	sb_add(&sb, "</model>\n");
	if (c->vendor) {
		sb_add(&sb, "  <vendor>");
		sb_xml_escape(&sb, c->vendor);
		sb_add(&sb, "</vendor>\n");
	}
	if (c->has_signature)
		sb_addf(&sb, "  <signature family='%d' model='%d' stepping='%d'/>\n", c->family,
			c->cpu_model, c->stepping);
	for (size_t i = 0; i < c->nfeatures; i++) {
		sb_add(&sb, "  <feature name='");
		sb_xml_escape(&sb, c->features[i]);
		sb_add(&sb, "'/>\n");
	}
	sb_add(&sb, "</cpu>\n");
	return sb_take(&sb);
}

static struct guest_cpu *s390_host_model(const struct host *h)
{
	struct guest_cpu *g = guest_cpu_new();

	g->mode = MODE_CUSTOM;
	g->match = MATCH_EXACT;
	g->fallback = FALLBACK_FORBID;
	g->model = xstrdup(h->model);
	for (int id = fset_next(&h->listed, 0); id >= 0; id = fset_next(&h->listed, (unsigned)id + 1))
		guest_cpu_set_policy(g, ftable_get(h->ft, (unsigned)id)->name, POLICY_REQUIRE);
	for (int id = fset_next(&h->disabled, 0); id >= 0;
	     id = fset_next(&h->disabled, (unsigned)id + 1))
		guest_cpu_set_policy(g, ftable_get(h->ft, (unsigned)id)->name, POLICY_DISABLE);
	return g;
}

struct guest_cpu *host_model_of(const struct cpu_map *map, const struct host *h, struct err *e)
{
	struct decode_hv_model *hv;
	struct decode_input in;
	struct decode_result r;
	struct guest_cpu *g = NULL;

	if (h->kind != HOST_QMP) {
		err_set(e, h->source, 0, "libvirt's host-model comes from QEMU's expansion of the "
			"host CPU; this host is not from QEMU");
		return NULL;
	}
	if (h->arch == ARCH_S390X) {
		if (!h->model) {
			err_set(e, h->source, 0, "QEMU's expansion names no base model");
			return NULL;
		}
		return s390_host_model(h);
	}
	if (!h->usability.n) {
		err_set(e, h->source, 0, "libvirt decodes the host-model over QEMU's model list: "
			"this file has no query-cpu-definitions reply");
		return NULL;
	}
	if (!map) {
		err_set(e, h->source, 0, "no CPU map to decode the host with");
		return NULL;
	}
	hv = xcalloc(h->usability.n, sizeof(*hv));
	for (size_t i = 0; i < h->usability.n; i++) {
		const struct host_model_usability *u = vec_get(&h->usability, i);
		hv[i].name = u->name;
		hv[i].blockers = u->usable == 0 ? &u->blockers : NULL;
	}
	decode_input_from_host(&in, h, DECODE_GUEST);
	in.restrict_models = true;
	in.hv_models = hv;
	in.n_hv_models = h->usability.n;
	if (cpu_decode(map, &in, &r, e)) {
		g = decode_result_guest(&r, map, FALLBACK_FORBID);
		decode_result_fini(&r);
	} else {
		name_file(e, h->source);
	}
	free(hv);
	return g;
}
