/* host_load.c - hosts from files (format detected) and the expansion of a
 * model-based host through a cpu_map.  The reading half of host.h: the
 * model layer (src/model/host.c) knows nothing of readers. */
#include "host_load.h"

#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cpu_map.h"
#include "cpuid.h"
#include "err.h"
#include "host_sniff.h"
#include "model.h"
#include "qmp_json.h"
#include "vendor.h"
#include "replies.h"
#include "xml_cpu.h"

bool host_resolve(struct host *h, const struct cpu_map *map, struct err *e)
{
	const struct cm_model *m = NULL;

	if (h->resolved || h->kind == HOST_QMP || h->kind == HOST_CPUID) {
		h->resolved = true;
		return true;
	}
	if (h->model) {
		if (!map)
			return err_set(e, h->source, 0, "no CPU map to expand host model '%s'",
				       h->model);
		if (map->ft != h->ft)
			return err_set(e, h->source, 0,
				       "the CPU map and the host use different feature tables");
		if (map->arch != h->arch)
			return err_set(e, h->source, 0, "the CPU map is for %s, the host is %s",
				       arch_name(map->arch), arch_name(h->arch));
		m = cpu_map_model(map, h->model);
		if (!m)
			return err_set(e, h->source, 0, "host model '%s' is not in the CPU map %s",
				       h->model, map->dir ? map->dir : "");
	}
	host_resolve_features(h, m ? &m->features : NULL);
	return true;
}

/* Usability from a query-cpu-definitions reply next to the expansion
 * (libvirt's cputestdata .json files carry both): usable when QEMU lists
 * no unavailable features, blockers = those features, canonical = QEMU's
 * alias-of.  'host' is left out, as domcapabilities does. */
static bool host_usability_from_qmp(struct host *h, const struct qmp_item *it, struct err *e)
{
	struct dataset *ds = dataset_new(h->arch, h->ft);
	struct mdata *md = dataset_mdata(ds, "none");
	bool ok = false;

	if (!qmp_read_definitions(it->ret, h->source, it->line, md, h->ft, e))
		goto out;
	replies_host_usability(h, md, false);
	ok = true;
out:
	dataset_free(ds);
	return ok;
}

/* An expansion asked for as type 'full' (by its command, or a cpuscope
 * capture's id "full:MODEL"). */
static bool qmp_item_full(const struct qmp_item *it)
{
	struct json_object *t = NULL;

	if (it->id && str_startswith(it->id, "full:"))
		return true;
	return json_object_is_type(it->args, json_type_object) &&
	       json_object_object_get_ex(it->args, "type", &t) &&
	       json_object_is_type(t, json_type_string) &&
	       !strcmp(json_object_get_string(t), "full");
}

/* A host from a QMP query-cpu-model-expansion reply of host/max: the
 * first expansion in the file; features are the props that are true. */
static struct host *host_from_qmp(const char *path, const char *text, size_t len,
				  struct ftable *ft, struct err *e)
{
	struct qmp_doc doc;
	struct expansion *x = NULL;
	struct host *h = NULL;
	const struct qmp_item *it = NULL;

	memset(&doc, 0, sizeof(doc));
	if (!qmp_doc_parse(path, text, len, &doc, e))
		goto out;
	for (size_t i = 0; i < doc.items.n && !it; i++) {
		const struct qmp_item *c = vec_get(&doc.items, i);
		if (c->kind == QMP_EXPANSION)
			it = c;
	}
	if (!it) {
		for (size_t i = 0; i < doc.items.n; i++) {
			const struct qmp_item *c = vec_get(&doc.items, i);
			if (c->kind == QMP_ERROR) {
				err_set(e, path, c->line, "QMP error %s: %s",
					c->error_class ? c->error_class : "",
					c->error_desc ? c->error_desc : "");
				goto out;
			}
		}
		err_set(e, path, 0, "no query-cpu-model-expansion reply (expected the expansion "
			"of 'host' or 'max')");
		goto out;
	}
	if (!qmp_read_expansion(it->ret, path, it->line, ft, &x, e))
		goto out;
	h = replies_expansion_host(path, ft, x, qmp_item_full(it) ? x : NULL);
	for (size_t i = 0; i < doc.items.n; i++) {
		const struct qmp_item *c = vec_get(&doc.items, i);
		if (c->kind != QMP_DEFINITIONS)
			continue;
		if (!host_usability_from_qmp(h, c, e)) {
			host_free(h);
			h = NULL;
		}
		break; /* the first reply only */
	}
out:
	expansion_free(x);
	qmp_doc_fini(&doc);
	return h;
}

struct host *host_load(const char *path, struct ftable *ft, struct err *e)
{
	return host_load_accel(path, ft, NULL, e);
}

struct host *host_load_accel(const char *path, struct ftable *ft, const char *accel,
			     struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct host *h = NULL;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return NULL;
	switch (host_file_kind_of(text, len)) {
	case HF_EMPTY:
		err_set(e, path, 0, "empty file (expected libvirt capabilities, domcapabilities, "
			"a host <cpu> or a QMP reply)");
		break;
	case HF_XML:
		h = xml_host_parse(path, text, len, ft, e);
		break;
	case HF_CPUDATA:
		h = cpuid_host_from_cpudata(path, ft, e);
		break;
	case HF_REPLIES:
		h = replies_host(path, ft, accel, e);
		break;
	case HF_QMP:
		h = host_from_qmp(path, text, len, ft, e);
		break;
	case HF_OTHER:
		err_set(e, path, 1, "not XML or JSON (expected libvirt capabilities, "
			"domcapabilities, a host <cpu> or a QMP reply)");
		break;
	}
	free(text);
	return h;
}
