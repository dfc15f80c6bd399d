/* host.c - a host: what CPU features it (or its hypervisor) can provide. */
#include "host.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "model.h"

static const char *const host_kind_names[] = {
	[HOST_CAPS] = "capabilities",
	[HOST_DOMCAPS] = "domcapabilities",
	[HOST_CPU_XML] = "cpu-xml",
	[HOST_QMP] = "qmp",
	[HOST_CPUID] = "cpuid",
};

const char *host_kind_name(enum host_kind k)
{
	return (size_t)k < ARRAY_LEN(host_kind_names) && host_kind_names[k] ? host_kind_names[k]
									     : "?";
}

struct host *host_new(enum host_kind kind, enum arch arch, struct ftable *ft, const char *source)
{
	struct host *h = xcalloc(1, sizeof(*h));

	h->kind = kind;
	h->arch = arch;
	h->ft = ft;
	h->source = xstrdup(source ? source : "");
	h->family = h->cpu_model = h->stepping = -1;
	return h;
}

void host_model_usability_free(struct host_model_usability *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->vendor);
	free(u->canonical);
	fset_fini(&u->blockers);
	free(u);
}

static void usability_free_item(void *p)
{
	host_model_usability_free(p);
}

void host_free(struct host *h)
{
	if (!h)
		return;
	free(h->source);
	free(h->vendor);
	free(h->model);
	free(h->model_fallback);
	free(h->microcode);
	free(h->model_id);
	fset_fini(&h->listed);
	fset_fini(&h->disabled);
	fset_fini(&h->features);
	vec_fini(&h->usability, usability_free_item);
	free(h->domcaps_machine);
	free(h->domcaps_virttype);
	free(h);
}

const struct host_model_usability *host_usability(const struct host *h, const char *model)
{
	for (size_t i = 0; h && model && i < h->usability.n; i++) {
		const struct host_model_usability *u = vec_get(&h->usability, i);
		if (!strcmp(u->name, model))
			return u;
	}
	return NULL;
}

void host_resolve_features(struct host *h, const struct fset *model_features)
{
	struct fset listed = FSET_INIT, disabled = FSET_INIT;

	/* s390x: the model, listed and disabled may name QEMU's groups */
	fset_copy(&listed, &h->listed);
	fset_copy(&disabled, &h->disabled);
	ftable_expand_groups(h->ft, &listed);
	ftable_expand_groups(h->ft, &disabled);
	fset_clear_all(&h->features);
	if (model_features)
		fset_copy(&h->features, model_features);
	ftable_expand_groups(h->ft, &h->features);
	fset_or(&h->features, &listed);
	fset_andnot(&h->features, &disabled);
	h->resolved = true;
	fset_fini(&listed);
	fset_fini(&disabled);
}
