/* xml_cpu.c - libvirt XML: capabilities, domcapabilities, <cpu>, <domain>.
 *
 * The rules for guest CPUs follow libvirt's parser (see
 * ../shared/research/libvirt.md section 1.2); the messages are our own.
 */
#include "xml_cpu.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "err.h"
#include "xml_util.h"

/* ---- small helpers --------------------------------------------------- */

static bool fail(struct err *e, const char *file, const xmlNode *n, const char *fmt, ...)
	ATTR_FORMAT(4, 5);

static bool fail(struct err *e, const char *file, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(e, file, xml_line(n), "%s", msg);
	free(msg);
	return false;
}

/* Element text with surrounding white space removed; NULL when the
 * element is absent, "" when it is empty. */
static char *text_trimmed(const xmlNode *n)
{
	char *s = NULL;
	size_t b = 0, len = 0;

	if (!n)
		return NULL;
	s = xml_text(n);
	if (!s)
		return xstrdup("");
	len = strlen(s);
	while (b < len && strchr(" \t\r\n", s[b]))
		b++;
	while (len > b && strchr(" \t\r\n", s[len - 1]))
		len--;
	memmove(s, s + b, len - b);
	s[len - b] = '\0';
	return s;
}

/* Strict unsigned decimal. */
static bool parse_uint(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool elem_is_named(const xmlNode *n, const char *name)
{
	return xml_is(n, name);
}

static bool yes_no(const char *s, bool *out)
{
	if (str_eq(s, "yes")) {
		*out = true;
		return true;
	}
	if (str_eq(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

/* The arch of a document, checked against the feature table. */
static bool read_arch(const char *file, const xmlNode *archn, const struct ftable *ft,
		      enum arch *out, struct err *e)
{
	char *s = text_trimmed(archn);
	bool ok = false;

	if (!s || !*s) {
		fail(e, file, archn, "empty <arch>");
		goto out;
	}
	if (!arch_parse(s, out)) {
		fail(e, file, archn, "unsupported arch '%s' (expected x86_64 or s390x)", s);
		goto out;
	}
	if (ft && ft->arch != *out) {
		fail(e, file, archn, "the host is %s, but the selected arch is %s", arch_name(*out),
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
static struct host *host_from_cpu(const char *file, const xmlNode *cpu, enum host_kind kind,
				  struct ftable *ft, struct err *e)
{
	struct host *h = NULL;
	struct strmap seen = STRMAP_INIT;
	const xmlNode *archn = xml_child(cpu, "arch");
	const xmlNode *n = NULL;
	char *s = NULL, *fam = NULL, *mod = NULL, *step = NULL;
	enum arch arch = ARCH_X86_64;
	bool ok = false;

	if (!archn) {
		fail(e, file, cpu, "host <cpu> has no <arch>");
		goto out;
	}
	if (!read_arch(file, archn, ft, &arch, e))
		goto out;
	s = xml_attr(cpu, "match");
	if (s) {
		fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have match='%s'", s);
		goto out;
	}
	s = xml_attr(cpu, "mode");
	if (s) {
		fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have mode='%s'", s);
		goto out;
	}
	h = host_new(kind, arch, ft, file);
	n = xml_child(cpu, "model");
	h->model = text_trimmed(n);
	if (!h->model || !*h->model) {
		fail(e, file, n ? n : cpu, "host <cpu> has no <model>");
		goto out;
	}
	n = xml_child(cpu, "vendor");
	h->vendor = text_trimmed(n);
	if (h->vendor && !*h->vendor) {
		fail(e, file, n, "empty <vendor>");
		goto out;
	}
	n = xml_child(cpu, "microcode");
	if (n)
		h->microcode = xml_attr(n, "version");
	n = xml_child(cpu, "signature");
	if (n) {
		unsigned f = 0, m = 0, st = 0;
		fam = xml_attr(n, "family");
		mod = xml_attr(n, "model");
		step = xml_attr(n, "stepping");
		if (!parse_uint(fam, &f) || !parse_uint(mod, &m) || !parse_uint(step, &st) ||
		    f > INT_MAX || m > INT_MAX || st > INT_MAX) {
			fail(e, file, n, "bad <signature> (expected family, model and stepping as "
				"decimal numbers)");
			goto out;
		}
		h->has_signature = true;
		h->family = (int)f;
		h->cpu_model = (int)m;
		h->stepping = (int)st;
	}
	for (n = cpu->children; n; n = n->next) {
		char *name = NULL;
		if (!elem_is_named(n, "feature"))
			continue;
		name = xml_attr(n, "name");
		if (!name || !*name) {
			free(name);
			fail(e, file, n, "<feature> without a name");
			goto out;
		}
		if (strmap_has(&seen, name)) {
			fail(e, file, n, "duplicate feature '%s'", name);
			free(name);
			goto out;
		}
		strmap_put(&seen, name, NULL);
		fset_add(&h->listed, ftable_intern(ft, name));
		free(name);
	}
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

/* A <feature>'s name (required, not empty) and policy: require when it
 * has none, or when !with_policy (a host CPU's features have none).  The
 * caller frees *name and *pol, also on failure. */
static bool feature_attrs(const char *file, const xmlNode *n, bool with_policy, char **name,
			  char **pol, enum policy *p, struct err *e)
{
	*p = POLICY_REQUIRE;
	*name = xml_attr(n, "name");
	*pol = xml_attr(n, "policy");
	if (!*name || !**name)
		return fail(e, file, n, "<feature> without a name");
	if (*pol && with_policy && !policy_parse(*pol, p))
		return fail(e, file, n, "unknown feature policy '%s' (expected force, require, "
			    "optional, disable or forbid)", *pol);
	return true;
}

static bool domcaps_host_model(const char *file, const xmlNode *mode, struct host *h,
			       struct err *e)
{
	struct strmap seen = STRMAP_INIT;
	const xmlNode *n = xml_child(mode, "model");
	char *name = NULL, *pol = NULL;
	bool ok = false;

	if (n) {
		h->model = text_trimmed(n);
		if (!*h->model) {
			free(h->model);
			h->model = NULL;
		}
		h->model_fallback = xml_attr(n, "fallback");
	}
	n = xml_child(mode, "vendor");
	h->vendor = text_trimmed(n);
	if (h->vendor && !*h->vendor) {
		fail(e, file, n, "empty <vendor>");
		goto out;
	}
	/* <maxphysaddr>, <signature> and anything newer are not needed. */
	for (n = mode->children; n; n = n->next) {
		enum policy p = POLICY_REQUIRE;
		unsigned id;
		if (!elem_is_named(n, "feature"))
			continue;
		if (!feature_attrs(file, n, true, &name, &pol, &p, e))
			goto out;
		if (p != POLICY_REQUIRE && p != POLICY_DISABLE) {
			fail(e, file, n, "host-model feature '%s' has policy '%s' (expected require "
				"or disable)", name, pol);
			goto out;
		}
		if (strmap_has(&seen, name)) {
			fail(e, file, n, "duplicate feature '%s'", name);
			goto out;
		}
		strmap_put(&seen, name, NULL);
		id = ftable_intern(h->ft, name);
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

static struct host_model_usability *usability_find(const struct host *h, const char *name)
{
	for (size_t i = h->usability.n; i-- > 0;) {
		struct host_model_usability *u = vec_get(&h->usability, i);
		if (!strcmp(u->name, name))
			return u;
	}
	return NULL;
}

static bool domcaps_custom(const char *file, const xmlNode *mode, struct host *h, struct err *e)
{
	char *a = NULL;
	bool ok = false;

	for (const xmlNode *n = mode->children; n; n = n->next) {
		if (elem_is_named(n, "model")) {
			struct host_model_usability *u = xcalloc(1, sizeof(*u));
			vec_push(&h->usability, u);
			u->name = text_trimmed(n);
			if (!*u->name) {
				fail(e, file, n, "custom <model> without a name");
				goto out;
			}
			a = xml_attr(n, "usable");
			if (!parse_usable(a, &u->usable)) {
				fail(e, file, n, "unknown usable value '%s' (expected yes, no or "
					"unknown)", a);
				goto out;
			}
			free(a);
			a = xml_attr(n, "deprecated");
			if (a && !yes_no(a, &u->deprecated)) {
				fail(e, file, n, "unknown deprecated value '%s' (expected yes or no)", a);
				goto out;
			}
			free(a);
			a = NULL;
			u->vendor = xml_attr(n, "vendor");
			u->canonical = xml_attr(n, "canonical");
		} else if (elem_is_named(n, "blockers")) {
			struct host_model_usability *u = NULL;
			a = xml_attr(n, "model");
			if (!a || !*a) {
				fail(e, file, n, "<blockers> without a model");
				goto out;
			}
			u = usability_find(h, a);
			if (!u) {
				fail(e, file, n, "<blockers> for model '%s', which is not listed before "
					"it", a);
				goto out;
			}
			u->has_blockers = true;
			for (const xmlNode *f = n->children; f; f = f->next) {
				char *name = NULL;
				if (!elem_is_named(f, "feature"))
					continue;
				name = xml_attr(f, "name");
				if (!name || !*name) {
					free(name);
					fail(e, file, f, "<feature> without a name");
					goto out;
				}
				fset_add(&u->blockers, ftable_intern(h->ft, name));
				free(name);
			}
			free(a);
			a = NULL;
		}
	}
	ok = true;
out:
	free(a);
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
		fail(e, file, root, "<domainCapabilities> has no <arch>");
		goto out;
	}
	if (!read_arch(file, archn, ft, &arch, e))
		goto out;
	if (!cpu) {
		fail(e, file, root, "<domainCapabilities> has no <cpu>");
		goto out;
	}
	h = host_new(HOST_DOMCAPS, arch, ft, file);
	h->domcaps_machine = text_trimmed(xml_child(root, "machine"));
	h->domcaps_virttype = text_trimmed(xml_child(root, "domain"));
	for (const xmlNode *m = cpu->children; m; m = m->next) {
		bool supported = false;
		if (!elem_is_named(m, "mode"))
			continue;
		name = xml_attr(m, "name");
		sup = xml_attr(m, "supported");
		if (!name) {
			fail(e, file, m, "<mode> without a name");
			goto out;
		}
		if (!yes_no(sup, &supported)) {
			fail(e, file, m, "mode '%s': supported must be yes or no, not '%s'", name,
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
			return fail(e, file, root, "<capabilities> has no <host><cpu>");
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
			if (!elem_is_named(n, "cpu"))
				continue;
			h = host_from_cpu(file, n, HOST_CPU_XML, ft, e);
			if (!h)
				goto undo;
			vec_push(out, h);
		}
		if (out->n == before)
			return fail(e, file, root, "<cpuTest> holds no <cpu>");
		return true;
	case XMLK_GUEST_CPU:
		return fail(e, file, root, "this <cpu> has no <arch>: it is a guest CPU, not a host");
	case XMLK_DOMAIN:
		return fail(e, file, root, "a <domain> describes a guest, not a host");
	case XMLK_OTHER:
	default:
		return fail(e, file, root, "unexpected root element <%s> (expected capabilities, "
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
		fail(e, file, xmlDocGetRootElement(doc),
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

/* ---- guest CPUs -------------------------------------------------------- */

static bool topology_attr(const char *file, const xmlNode *n, const char *name, bool required,
			  unsigned *out, struct err *e)
{
	char *s = xml_attr(n, name);
	bool ok = false;

	if (!s) {
		if (required)
			return fail(e, file, n, "<topology> has no %s=", name);
		*out = 1;
		return true;
	}
	if (!parse_uint(s, out) || *out == 0) {
		fail(e, file, n, "bad <topology> %s='%s' (expected a positive integer)", name, s);
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
		fail(e, file, cpu, "unknown CPU mode '%s' (expected custom, host-model, "
			"host-passthrough or maximum)", s);
		goto out;
	}
	free(s);
	s = xml_attr(cpu, "match");
	if (s && !cpu_match_parse(s, &g->match)) {
		fail(e, file, cpu, "unknown CPU match '%s' (expected minimum, exact or strict)", s);
		goto out;
	}
	free(s);
	s = xml_attr(cpu, "check");
	if (s && !cpu_check_parse(s, &g->check)) {
		fail(e, file, cpu, "unknown CPU check '%s' (expected none, partial or full)", s);
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
			fail(e, file, cpu, "bad migratable='%s' (expected on or off)", s);
			goto out;
		}
		if (g->mode != MODE_HOST_PASSTHROUGH && g->mode != MODE_MAXIMUM) {
			fail(e, file, cpu, "migratable= is only allowed with mode host-passthrough "
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

	g->model = text_trimmed(n);
	g->model_line = xml_line(n);
	if (!*g->model) {
		free(g->model);
		g->model = NULL;
	}
	/* libvirt ignores fallback and vendor_id for host-passthrough and
	 * maximum. */
	if (!full)
		return true;
	s = xml_attr(n, "fallback");
	if (s && !cpu_fallback_parse(s, &g->fallback)) {
		fail(e, file, n, "unknown model fallback '%s' (expected allow or forbid)", s);
		goto out;
	}
	free(s);
	s = xml_attr(n, "vendor_id");
	if (s) {
		if (strlen(s) != 12 || strchr(s, ',')) {
			fail(e, file, n, "bad vendor_id '%s' (expected exactly 12 characters, no "
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
		if (!elem_is_named(n, "feature"))
			continue;
		if (!feature_attrs(file, n, !g->host_cpu, &name, &pol, &p, e))
			goto out;
		if (guest_cpu_feature(g, name)) {
			fail(e, file, n, "duplicate feature '%s'", name);
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
		s = xml_attr(cpu, "match");
		if (s) {
			fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have "
				"match='%s'", s);
			goto out;
		}
		s = xml_attr(cpu, "mode");
		if (s) {
			fail(e, file, cpu, "a <cpu> with <arch> is a host CPU and cannot have "
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
		fail(e, file, n ? n : cpu, "host <cpu> has no <model>");
		goto out;
	}
	n = xml_child(cpu, "vendor");
	if (n) {
		g->vendor = text_trimmed(n);
		if (!*g->vendor) {
			fail(e, file, n, "empty <vendor>");
			goto out;
		}
		if (!g->model) {
			fail(e, file, n, "<vendor> without <model>");
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
		fail(e, file, first_feature, "features without a CPU model (add <model>, or use "
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
			fail(e, file, root, "<domain> has no <cpu>");
			goto out;
		}
	} else if (xml_is(root, "capabilities")) {
		/* As virsh cpu-compare: the host CPU. */
		cpu = xml_child(xml_child(root, "host"), "cpu");
		if (!cpu) {
			fail(e, file, root, "<capabilities> has no <host><cpu>");
			goto out;
		}
	} else if (xml_is(root, "domainCapabilities")) {
		/* As virsh hypervisor-cpu-compare: the host-model <mode> read
		 * as a custom <cpu>. */
		cpu = domcaps_host_model_mode(xml_child(root, "cpu"));
		if (!cpu) {
			fail(e, file, root, "<domainCapabilities> has no supported host-model CPU");
			goto out;
		}
	} else {
		fail(e, file, root, "unexpected root element <%s> (expected cpu, domain, "
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
