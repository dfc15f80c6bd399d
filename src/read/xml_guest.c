/* xml_guest.c - guest CPUs from libvirt XML: <cpu>, <domain>, and (as
 * virsh's compare commands) the host CPU of capabilities / domcapabilities.
 *
 * The rules follow libvirt's parser (see ../shared/research/libvirt.md
 * section 1.2); the messages are our own.
 */
#include "xml_cpu.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "err.h"
#include "xml_util.h"

/* ---- guest CPUs -------------------------------------------------------- */

static bool topology_attr(const char *file, const xmlNode *n, const char *name, bool required,
			  unsigned *out, struct err *e)
{
	char *s = xml_attr(n, name);
	bool ok = false;

	if (!s) {
		if (required)
			return xml_fail(e, file, n, "<topology> has no %s=", name);
		*out = 1;
		return true;
	}
	if (!xml_parse_uint(s, out) || *out == 0) {
		xml_fail(e, file, n, "bad <topology> %s='%s' (expected a positive integer)", name, s);
		goto out;
	}
	ok = true;
out:
	free(s);
	return ok;
}

static bool guest_topology(const char *file, const xmlNode *n, struct guest_cpu *g,
			   struct err *e)
{
	if (!topology_attr(file, n, "sockets", true, &g->sockets, e) ||
	    !topology_attr(file, n, "dies", false, &g->dies, e) ||
	    !topology_attr(file, n, "clusters", false, &g->clusters, e) ||
	    !topology_attr(file, n, "cores", true, &g->cores, e) ||
	    !topology_attr(file, n, "threads", true, &g->threads, e))
		return false;
	g->has_topology = true;
	return true;
}

static bool guest_attrs(const char *file, const xmlNode *cpu, struct guest_cpu *g,
			struct err *e)
{
	char *s = NULL;
	bool ok = false;

	s = xml_attr(cpu, "mode");
	if (s && !cpu_mode_parse(s, &g->mode)) {
		xml_fail(e, file, cpu, "unknown CPU mode '%s' (expected custom, host-model, "
			"host-passthrough or maximum)", s);
		goto out;
	}
	free(s);
	s = xml_attr(cpu, "match");
	if (s && !cpu_match_parse(s, &g->match)) {
		xml_fail(e, file, cpu, "unknown CPU match '%s' (expected minimum, exact or strict)", s);
		goto out;
	}
	free(s);
	s = xml_attr(cpu, "check");
	if (s && !cpu_check_parse(s, &g->check)) {
		xml_fail(e, file, cpu, "unknown CPU check '%s' (expected none, partial or full)", s);
		goto out;
	}
	free(s);
	s = xml_attr(cpu, "migratable");
	if (s) {
		if (!strcmp(s, "on")) {
			g->migratable = 1;
		} else if (!strcmp(s, "off")) {
			g->migratable = 0;
		} else {
			xml_fail(e, file, cpu, "bad migratable='%s' (expected on or off)", s);
			goto out;
		}
		if (g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM) {
			xml_fail(e, file, cpu, "migratable= is only allowed with mode host-passthrough "
				"or maximum, not %s", cpu_mode_name(g->mode));
			goto out;
		}
	}
	ok = true;
out:
	free(s);
	return ok;
}

static bool guest_model(const char *file, const xmlNode *n, struct guest_cpu *g, struct err *e)
{
	bool full = g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM;
	char *s = NULL;
	bool ok = false;

	g->model = xml_text_trimmed(n);
	g->model_line = xml_line(n);
	if (!*g->model) {
		free(g->model);
		g->model = NULL;
	}
	if (!xml_name_ok(file, n, "model name", g->model, e))
		return false;
	/* libvirt ignores fallback and vendor_id for host-passthrough and
	 * maximum. */
	if (!full)
		return true;
	s = xml_attr(n, "fallback");
	if (s && !cpu_fallback_parse(s, &g->fallback)) {
		xml_fail(e, file, n, "unknown model fallback '%s' (expected allow or forbid)", s);
		goto out;
	}
	free(s);
	s = xml_attr(n, "vendor_id");
	if (s) {
		if (!xml_name_ok(file, n, "vendor_id", s, e))
			goto out;
		if (strlen(s) != 12 || strchr(s, ',')) {
			xml_fail(e, file, n, "bad vendor_id '%s' (expected exactly 12 characters, no "
				"comma)", s);
			goto out;
		}
		g->vendor_id = s;
		s = NULL;
	}
	ok = true;
out:
	free(s);
	return ok;
}

static bool guest_features(const char *file, const xmlNode *cpu, struct guest_cpu *g,
			   struct err *e)
{
	char *name = NULL, *pol = NULL;
	bool ok = false;

	for (const xmlNode *n = cpu->children; n; n = n->next) {
		enum policy p = POLICY_REQUIRE;
		struct guest_feature *f = NULL;
		if (!xml_is(n, "feature"))
			continue;
		if (!xml_feature_attrs(file, n, !g->host_cpu, &name, &pol, &p, e))
			goto out;
		if (guest_cpu_feature(g, name)) {
			xml_fail(e, file, n, "duplicate feature '%s'", name);
			goto out;
		}
		f = xcalloc(1, sizeof(*f));
		f->name = name;
		f->policy = p;
		f->line = xml_line(n);
		vec_push(&g->features, f);
		name = NULL;
		free(pol);
		pol = NULL;
	}
	ok = true;
out:
	free(name);
	free(pol);
	return ok;
}

static struct guest_cpu *guest_from_cpu(const char *file, const xmlNode *cpu, struct err *e)
{
	struct guest_cpu *g = guest_cpu_new();
	const xmlNode *n = NULL;
	const xmlNode *first_feature = NULL;
	char *s = NULL;
	bool ok = false;

	g->host_cpu = xml_child(cpu, "arch") != NULL;
	if (g->host_cpu) {
		g->arch = xml_text(xml_child(cpu, "arch"));
		if (!xml_text_ok(file, xml_child(cpu, "arch"), "arch", g->arch, e))
			goto out;
		s = xml_attr(cpu, "match");
		if (s) {
			xml_fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have "
				"match='%s'", s);
			goto out;
		}
		s = xml_attr(cpu, "mode");
		if (s) {
			xml_fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have "
				"mode='%s'", s);
			goto out;
		}
	} else if (!guest_attrs(file, cpu, g, e)) {
		goto out;
	}
	n = xml_child(cpu, "model");
	if (n && !guest_model(file, n, g, e))
		goto out;
	if (g->host_cpu && !g->model) {
		xml_fail(e, file, n ? n : cpu, "host <cpu> has no <model>");
		goto out;
	}
	n = xml_child(cpu, "vendor");
	if (n) {
		g->vendor = xml_text_trimmed(n);
		if (!*g->vendor) {
			xml_fail(e, file, n, "empty <vendor>");
			goto out;
		}
		if (!xml_name_ok(file, n, "vendor name", g->vendor, e))
			goto out;
		if (!g->model) {
			xml_fail(e, file, n, "<vendor> without <model>");
			goto out;
		}
	}
	n = xml_child(cpu, "topology");
	if (n && !guest_topology(file, n, g, e))
		goto out;
	if (!guest_features(file, cpu, g, e))
		goto out;
	first_feature = xml_child(cpu, "feature");
	if (first_feature && g->mode == MODE_CUSTOM && !g->model) {
		xml_fail(e, file, first_feature, "features without a CPU model (add <model>, or use "
			"mode host-model or host-passthrough)");
		goto out;
	}
	ok = true;
out:
	free(s);
	if (!ok) {
		guest_cpu_free(g);
		return NULL;
	}
	return g;
}

/* The <mode name='host-model' supported='yes'> of a domcapabilities
 * <cpu>, or NULL. */
static const xmlNode *domcaps_host_model_mode(const xmlNode *cpu)
{
	const xmlNode *found = NULL;

	for (const xmlNode *m = cpu ? cpu->children : NULL; m && !found; m = m->next) {
		char *name = NULL, *sup = NULL;
		if (!xml_is(m, "mode"))
			continue;
		name = xml_attr(m, "name");
		sup = xml_attr(m, "supported");
		if (str_eq(name, "host-model") && str_eq(sup, "yes"))
			found = m;
		free(name);
		free(sup);
	}
	return found;
}

struct guest_cpu *xml_guest_parse(const char *file, const char *text, size_t len, struct err *e)
{
	xmlDoc *doc = xml_parse(file, text, len, e);
	const xmlNode *root = NULL, *cpu = NULL;
	struct guest_cpu *g = NULL;

	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (xml_is(root, "cpu")) {
		cpu = root;
	} else if (xml_is(root, "domain")) {
		cpu = xml_child(root, "cpu");
		if (!cpu) {
			xml_fail(e, file, root, "<domain> has no <cpu>");
			goto out;
		}
	} else if (xml_is(root, "capabilities")) {
		/* As virsh cpu-compare: the host CPU. */
		cpu = xml_child(xml_child(root, "host"), "cpu");
		if (!cpu) {
			xml_fail(e, file, root, "<capabilities> has no <host><cpu>");
			goto out;
		}
	} else if (xml_is(root, "domainCapabilities")) {
		/* As virsh hypervisor-cpu-compare: the host-model <mode> read
		 * as a custom <cpu>. */
		cpu = domcaps_host_model_mode(xml_child(root, "cpu"));
		if (!cpu) {
			xml_fail(e, file, root, "<domainCapabilities> has no supported host-model CPU");
			goto out;
		}
	} else {
		xml_fail(e, file, root, "unexpected root element <%s> (expected cpu, domain, "
		     "capabilities or domainCapabilities)", (const char *)root->name);
		goto out;
	}
	g = guest_from_cpu(file, cpu, e);
out:
	xmlFreeDoc(doc);
	return g;
}

struct guest_cpu *xml_guest_load(const char *path, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct guest_cpu *g;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return NULL;
	g = xml_guest_parse(path, text, len, e);
	free(text);
	return g;
}
