/* xml_host.c - host CPUs from libvirt XML: capabilities, domcapabilities,
 * a bare host <cpu>, a <cpuTest> wrapper.  Guest CPUs are in xml_guest.c. */
#include "xml_cpu.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "err.h"
#include "read_rules.h"
#include "xml_util.h"

/* The arch of a document, checked against the feature table. */
static bool read_arch(const char *file, const xmlNode *archn, const struct ftable *ft,
		      enum arch *out, struct err *e)
{
	char *s = xml_text_trimmed(archn);
	bool ok = false;

	if (!s || !*s) {
		xml_fail(e, file, archn, "empty <arch>");
		goto out;
	}
	if (!arch_parse(s, out)) {
		xml_fail(e, file, archn, "unsupported arch '%s' (expected x86_64 or s390x)", s);
		goto out;
	}
	if (ft && ft->arch != *out) {
		xml_fail(e, file, archn, "the host is %s, but the selected arch is %s", arch_name(*out),
		     arch_name(ft->arch));
		goto out;
	}
	ok = true;
out:
	free(s);
	return ok;
}

/* ---- document kinds ---------------------------------------------------- */

static enum xml_kind kind_of_root(const xmlNode *root)
{
	if (xml_is(root, "capabilities"))
		return XMLK_CAPS;
	if (xml_is(root, "domainCapabilities"))
		return XMLK_DOMCAPS;
	if (xml_is(root, "cpu"))
		return xml_child(root, "arch") ? XMLK_HOST_CPU : XMLK_GUEST_CPU;
	if (xml_is(root, "domain"))
		return XMLK_DOMAIN;
	if (xml_is(root, "cpuTest"))
		return XMLK_CPUTEST;
	return XMLK_OTHER;
}

bool xml_kind_of_file(const char *path, enum xml_kind *out, struct err *e)
{
	xmlDoc *doc = xml_load(path, e);

	if (!doc)
		return false;
	*out = kind_of_root(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return true;
}

/* ---- host CPUs --------------------------------------------------------- */

/* A host <cpu> (capabilities, bare, or inside <cpuTest>). */
/* The <feature name='...'/> children of parent, each name once (seen
 * holds the names met so far), interned and added to set. */
static bool read_feature_names(const char *file, const xmlNode *parent,
			       struct intern_guard *names, struct strmap *seen, struct fset *set,
			       struct err *e)
{
	for (const xmlNode *n = parent->children; n; n = n->next) {
		char *name = NULL;
		unsigned id;
		if (!xml_is(n, "feature"))
			continue;
		name = xml_attr(n, "name");
		if (!name || !*name) {
			free(name);
			xml_fail(e, file, n, "<feature> without a name");
			return false;
		}
		if (strmap_has(seen, name)) {
			xml_fail(e, file, n, "duplicate feature '%s'", name);
			free(name);
			return false;
		}
		strmap_put(seen, name, NULL);
		if (!intern_feature(names, name, file, xml_line(n), &id, e)) {
			free(name);
			return false;
		}
		fset_add(set, id);
		free(name);
	}
	return true;
}

static struct host *host_from_cpu(const char *file, const xmlNode *cpu, enum host_kind kind,
				  struct ftable *ft, struct err *e)
{
	struct host *h = NULL;
	struct strmap seen = STRMAP_INIT;
	struct intern_guard names;
	const xmlNode *archn = xml_child(cpu, "arch");
	const xmlNode *n = NULL;
	char *s = NULL, *fam = NULL, *mod = NULL, *step = NULL;
	enum arch arch = ARCH_X86_64;
	bool ok = false;

	if (!archn) {
		xml_fail(e, file, cpu, "host <cpu> has no <arch>");
		goto out;
	}
	if (!read_arch(file, archn, ft, &arch, e))
		goto out;
	s = xml_attr(cpu, "match");
	if (s) {
		xml_fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have match='%s'", s);
		goto out;
	}
	s = xml_attr(cpu, "mode");
	if (s) {
		xml_fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have mode='%s'", s);
		goto out;
	}
	h = host_new(kind, arch, ft, file);
	intern_guard_init(&names, ft);
	n = xml_child(cpu, "model");
	h->model = xml_text_trimmed(n);
	if (!h->model || !*h->model) {
		xml_fail(e, file, n ? n : cpu, "host <cpu> has no <model>");
		goto out;
	}
	if (!xml_name_ok(file, n, "model name", h->model, e))
		goto out;
	n = xml_child(cpu, "vendor");
	h->vendor = xml_text_trimmed(n);
	if (h->vendor && !*h->vendor) {
		xml_fail(e, file, n, "empty <vendor>");
		goto out;
	}
	if (!xml_name_ok(file, n, "vendor name", h->vendor, e))
		goto out;
	n = xml_child(cpu, "microcode");
	if (n)
		h->microcode = xml_attr(n, "version");
	if (!xml_text_ok(file, n, "microcode version", h->microcode, e))
		goto out;
	n = xml_child(cpu, "signature");
	if (n) {
		unsigned f = 0, m = 0, st = 0;
		fam = xml_attr(n, "family");
		mod = xml_attr(n, "model");
		step = xml_attr(n, "stepping");
		if (!xml_parse_uint(fam, &f) || !xml_parse_uint(mod, &m) || !xml_parse_uint(step, &st) ||
		    f > INT_MAX || m > INT_MAX || st > INT_MAX) {
			xml_fail(e, file, n, "bad <signature> (expected family, model and stepping as "
				"decimal numbers)");
			goto out;
		}
		h->has_signature = true;
		h->family = (int)f;
		h->cpu_model = (int)m;
		h->stepping = (int)st;
	}
	if (!read_feature_names(file, cpu, &names, &seen, &h->listed, e))
		goto out;
	ok = true;
out:
	free(s);
	free(fam);
	free(mod);
	free(step);
	strmap_fini(&seen);
	if (!ok) {
		host_free(h);
		return NULL;
	}
	return h;
}

static bool parse_usable(const char *s, int *out)
{
	if (!s || !strcmp(s, "unknown"))
		*out = -1;
	else if (!strcmp(s, "yes"))
		*out = 1;
	else if (!strcmp(s, "no"))
		*out = 0;
	else
		return false;
	return true;
}


static bool domcaps_host_model(const char *file, const xmlNode *mode, struct host *h,
			       struct err *e)
{
	struct strmap seen = STRMAP_INIT;
	struct intern_guard names;
	const xmlNode *n = xml_child(mode, "model");
	char *name = NULL, *pol = NULL;
	bool ok = false;

	intern_guard_init(&names, h->ft);
	if (n) {
		h->model = xml_text_trimmed(n);
		if (!*h->model) {
			free(h->model);
			h->model = NULL;
		}
		h->model_fallback = xml_attr(n, "fallback");
		if (!xml_name_ok(file, n, "model name", h->model, e) ||
		    !xml_name_ok(file, n, "model fallback", h->model_fallback, e))
			goto out;
	}
	n = xml_child(mode, "vendor");
	h->vendor = xml_text_trimmed(n);
	if (h->vendor && !*h->vendor) {
		xml_fail(e, file, n, "empty <vendor>");
		goto out;
	}
	if (!xml_name_ok(file, n, "vendor name", h->vendor, e))
		goto out;
	/* <maxphysaddr>, <signature> and anything newer are not needed. */
	for (n = mode->children; n; n = n->next) {
		enum policy p = POLICY_REQUIRE;
		unsigned id;
		if (!xml_is(n, "feature"))
			continue;
		if (!xml_feature_attrs(file, n, true, &name, &pol, &p, e))
			goto out;
		if (p != POLICY_REQUIRE && p != POLICY_DISABLE) {
			xml_fail(e, file, n, "host-model feature '%s' has policy '%s' (expected require "
				"or disable)", name, pol);
			goto out;
		}
		if (strmap_has(&seen, name)) {
			xml_fail(e, file, n, "duplicate feature '%s'", name);
			goto out;
		}
		strmap_put(&seen, name, NULL);
		if (!intern_feature(&names, name, file, xml_line(n), &id, e))
			goto out;
		fset_add(p == POLICY_REQUIRE ? &h->listed : &h->disabled, id);
		free(name);
		free(pol);
		name = pol = NULL;
	}
	ok = true;
out:
	free(name);
	free(pol);
	strmap_fini(&seen);
	return ok;
}

static bool domcaps_custom(const char *file, const xmlNode *mode, struct host *h, struct err *e)
{
	struct strmap models = STRMAP_INIT, seen = STRMAP_INIT;
	struct intern_guard names;
	char *a = NULL;
	bool ok = false;

	intern_guard_init(&names, h->ft);
	for (const xmlNode *n = mode->children; n; n = n->next) {
		if (xml_is(n, "model")) {
			struct host_model_usability *u = xcalloc(1, sizeof(*u));
			vec_push(&h->usability, u);
			u->name = xml_text_trimmed(n);
			if (!*u->name) {
				xml_fail(e, file, n, "custom <model> without a name");
				goto out;
			}
			if (!xml_name_ok(file, n, "model name", u->name, e))
				goto out;
			if (strmap_has(&models, u->name)) {
				xml_fail(e, file, n, "custom model '%s' is listed twice", u->name);
				goto out;
			}
			strmap_put(&models, u->name, u);
			a = xml_attr(n, "usable");
			if (!parse_usable(a, &u->usable)) {
				xml_fail(e, file, n, "unknown usable value '%s' (expected yes, no or "
					"unknown)", a);
				goto out;
			}
			free(a);
			a = xml_attr(n, "deprecated");
			if (a && !xml_yes_no(a, &u->deprecated)) {
				xml_fail(e, file, n, "unknown deprecated value '%s' (expected yes or no)", a);
				goto out;
			}
			free(a);
			a = NULL;
			u->vendor = xml_attr(n, "vendor");
			u->canonical = xml_attr(n, "canonical");
			if (!xml_name_ok(file, n, "vendor name", u->vendor, e) ||
			    !xml_name_ok(file, n, "model name", u->canonical, e))
				goto out;
		} else if (xml_is(n, "blockers")) {
			struct host_model_usability *u = NULL;
			a = xml_attr(n, "model");
			if (!a || !*a) {
				xml_fail(e, file, n, "<blockers> without a model");
				goto out;
			}
			if (!xml_name_ok(file, n, "model name", a, e))
				goto out;
			u = strmap_get(&models, a);
			if (!u) {
				xml_fail(e, file, n, "<blockers> for model '%s', which is not listed before "
					"it", a);
				goto out;
			}
			if (u->has_blockers) {
				xml_fail(e, file, n, "<blockers> for model '%s' appear twice", a);
				goto out;
			}
			u->has_blockers = true;
			strmap_fini(&seen);
			if (!read_feature_names(file, n, &names, &seen, &u->blockers, e))
				goto out;
			free(a);
			a = NULL;
		}
	}
	ok = true;
out:
	free(a);
	strmap_fini(&models);
	strmap_fini(&seen);
	return ok;
}

static struct host *host_from_domcaps(const char *file, const xmlNode *root, struct ftable *ft,
				      struct err *e)
{
	struct host *h = NULL;
	const xmlNode *archn = xml_child(root, "arch");
	const xmlNode *cpu = xml_child(root, "cpu");
	enum arch arch = ARCH_X86_64;
	char *name = NULL, *sup = NULL;
	bool ok = false;

	if (!archn) {
		xml_fail(e, file, root, "<domainCapabilities> has no <arch>");
		goto out;
	}
	if (!read_arch(file, archn, ft, &arch, e))
		goto out;
	if (!cpu) {
		xml_fail(e, file, root, "<domainCapabilities> has no <cpu>");
		goto out;
	}
	h = host_new(HOST_DOMCAPS, arch, ft, file);
	h->domcaps_machine = xml_text_trimmed(xml_child(root, "machine"));
	h->domcaps_virttype = xml_text_trimmed(xml_child(root, "domain"));
	if (!xml_name_ok(file, xml_child(root, "machine"), "machine type name",
			 h->domcaps_machine && *h->domcaps_machine ? h->domcaps_machine : NULL, e) ||
	    !xml_name_ok(file, xml_child(root, "domain"), "domain type",
			 h->domcaps_virttype && *h->domcaps_virttype ? h->domcaps_virttype : NULL, e))
		goto out;
	for (const xmlNode *m = cpu->children; m; m = m->next) {
		bool supported = false;
		if (!xml_is(m, "mode"))
			continue;
		name = xml_attr(m, "name");
		sup = xml_attr(m, "supported");
		if (!name) {
			xml_fail(e, file, m, "<mode> without a name");
			goto out;
		}
		if (!xml_yes_no(sup, &supported)) {
			xml_fail(e, file, m, "mode '%s': supported must be yes or no, not '%s'", name,
			     sup ? sup : "");
			goto out;
		}
		if (!strcmp(name, "host-passthrough")) {
			h->passthrough_supported = supported;
		} else if (!strcmp(name, "maximum")) {
			h->maximum_supported = supported;
		} else if (!strcmp(name, "host-model")) {
			h->host_model_supported = supported;
			if (supported && !domcaps_host_model(file, m, h, e))
				goto out;
		} else if (!strcmp(name, "custom")) {
			if (supported && !domcaps_custom(file, m, h, e))
				goto out;
		}
		free(name);
		free(sup);
		name = sup = NULL;
	}
	ok = true;
out:
	free(name);
	free(sup);
	if (!ok) {
		host_free(h);
		return NULL;
	}
	return h;
}

static void host_free_item(void *p)
{
	host_free(p);
}

/* Append the hosts a document describes to out. */
static bool hosts_from_doc(const char *file, xmlDoc *doc, struct ftable *ft, struct vec *out,
			   struct err *e)
{
	const xmlNode *root = xmlDocGetRootElement(doc);
	struct host *h = NULL;
	size_t before = out->n;

	switch (kind_of_root(root)) {
	case XMLK_CAPS: {
		const xmlNode *cpu = xml_child(xml_child(root, "host"), "cpu");
		if (!cpu)
			return xml_fail(e, file, root, "<capabilities> has no <host><cpu>");
		h = host_from_cpu(file, cpu, HOST_CAPS, ft, e);
		break;
	}
	case XMLK_DOMCAPS:
		h = host_from_domcaps(file, root, ft, e);
		break;
	case XMLK_HOST_CPU:
		h = host_from_cpu(file, root, HOST_CPU_XML, ft, e);
		break;
	case XMLK_CPUTEST:
		for (const xmlNode *n = root->children; n; n = n->next) {
			if (!xml_is(n, "cpu"))
				continue;
			h = host_from_cpu(file, n, HOST_CPU_XML, ft, e);
			if (!h)
				goto undo;
			vec_push(out, h);
		}
		if (out->n == before)
			return xml_fail(e, file, root, "<cpuTest> holds no <cpu>");
		return true;
	case XMLK_GUEST_CPU:
		return xml_fail(e, file, root, "this <cpu> has no <arch>: it is a guest CPU, not a host");
	case XMLK_DOMAIN:
		return xml_fail(e, file, root, "a <domain> describes a guest, not a host");
	case XMLK_OTHER:
	default:
		return xml_fail(e, file, root, "unexpected root element <%s> (expected capabilities, "
			    "domainCapabilities or a host <cpu>)", (const char *)root->name);
	}
	if (!h)
		return false;
	vec_push(out, h);
	return true;
undo:
	while (out->n > before)
		host_free(out->v[--out->n]);
	return false;
}

/* Several <cpu> elements side by side (as virsh accepts) are not one XML
 * document: parse them inside a <cpuTest> wrapper kept on line 1. */
static xmlDoc *parse_hosts_doc(const char *file, const char *text, size_t len, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	xmlDoc *doc = xml_parse(file, text, len, e);
	struct err e2;
	char *decl_end = NULL;

	if (doc || !e || !strstr(e->msg, "Extra content at the end of the document"))
		return doc;
	err_clear(&e2);
	sb_add(&sb, "<cpuTest>");
	sb_addn(&sb, text, len);
	sb_add(&sb, "</cpuTest>");
	/* Blank out an XML declaration (it may only come first). */
	if (str_startswith(sb.s + 9, "<?xml"))
		decl_end = strstr(sb.s + 9, "?>");
	if (decl_end)
		memset(sb.s + 9, ' ', (size_t)(decl_end + 2 - (sb.s + 9)));
	doc = xml_parse(file, sb.s, sb.len, &e2);
	sb_fini(&sb);
	/* Only a run of <cpu> elements qualifies; otherwise the first error
	 * stands. */
	for (const xmlNode *n = doc ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !xml_is(n, "cpu")) {
			xmlFreeDoc(doc);
			doc = NULL;
			break;
		}
	}
	if (doc)
		err_clear(e);
	return doc;
}

bool xml_hosts_parse(const char *file, const char *text, size_t len, struct ftable *ft,
		     struct vec *out, struct err *e)
{
	xmlDoc *doc = parse_hosts_doc(file, text, len, e);
	bool ok;

	if (!doc)
		return false;
	ok = hosts_from_doc(file, doc, ft, out, e);
	xmlFreeDoc(doc);
	return ok;
}

bool xml_hosts_load(const char *path, struct ftable *ft, struct vec *out, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	bool ok;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return false;
	ok = xml_hosts_parse(path, text, len, ft, out, e);
	free(text);
	return ok;
}

struct host *xml_host_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			    struct err *e)
{
	struct vec hosts = VEC_INIT;
	struct host *h = NULL;
	xmlDoc *doc = xml_parse(file, text, len, e);

	if (!doc)
		return NULL;
	if (!hosts_from_doc(file, doc, ft, &hosts, e))
		goto out;
	if (hosts.n != 1) {
		xml_fail(e, file, xmlDocGetRootElement(doc),
		     "<cpuTest> holds %zu host CPUs; expected exactly one", hosts.n);
		goto out;
	}
	h = vec_get(&hosts, 0);
	hosts.n = 0;
out:
	vec_fini(&hosts, host_free_item);
	xmlFreeDoc(doc);
	return h;
}

struct host *xml_host_load(const char *path, struct ftable *ft, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct host *h;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return NULL;
	h = xml_host_parse(path, text, len, ft, e);
	free(text);
	return h;
}
