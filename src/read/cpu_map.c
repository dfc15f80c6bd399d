/* cpu_map.c - libvirt's CPU model map (index.xml, vendors, features, models). */
#include "cpu_map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "err.h"
#include "feature.h"
#include "read_rules.h"
#include "util.h"
#include "xml_util.h"

#define CPU_MAP_SYSTEM_DIR "/usr/share/libvirt/cpu_map"

/* State of one load: the map being filled and where we are. */
struct cm_loader {
	struct cpu_map *m;
	const char *group; /* current 11.x <group name>, or NULL */
	struct err *e;
	struct intern_guard names; /* feature names the map adds */
};

static void cm_model_free(void *p)
{
	struct cm_model *md = p;

	if (!md)
		return;
	free(md->name);
	free(md->ancestor);
	free(md->canonical_of);
	free(md->vendor);
	for (size_t i = 0; i < md->nsigs; i++)
		free(md->sigs[i].stepping);
	free(md->sigs);
	fset_fini(&md->features);
	fset_fini(&md->removed);
	fset_fini(&md->added);
	free(md->file);
	free(md->group);
	free(md);
}

static void cm_vendor_free(void *p)
{
	struct cm_vendor *v = p;

	if (!v)
		return;
	free(v->name);
	free(v->string);
	free(v);
}

void cpu_map_free(struct cpu_map *m)
{
	if (!m)
		return;
	free(m->dir);
	vec_fini(&m->vendors, cm_vendor_free);
	vec_fini(&m->models, cm_model_free);
	strmap_fini(&m->by_name);
	fset_fini(&m->known);
	fset_fini(&m->nonmigratable);
	vec_fini(&m->features, NULL);
	strmap_fini(&m->feat_by_name);
	free(m);
}

const struct cm_model *cpu_map_model(const struct cpu_map *m, const char *name)
{
	return m && name ? strmap_get(&m->by_name, name) : NULL;
}

const struct cm_vendor *cpu_map_vendor(const struct cpu_map *m, const char *name)
{
	for (size_t i = 0; m && name && i < m->vendors.n; i++) {
		const struct cm_vendor *v = vec_get(&m->vendors, i);
		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

const struct cm_vendor *cpu_map_vendor_by_string(const struct cpu_map *m, const char *string)
{
	for (size_t i = 0; m && string && i < m->vendors.n; i++) {
		const struct cm_vendor *v = vec_get(&m->vendors, i);
		if (!strcmp(v->string, string))
			return v;
	}
	return NULL;
}

const struct feature *cpu_map_feature(const struct cpu_map *m, const char *name)
{
	return m && name ? strmap_get(&m->feat_by_name, name) : NULL;
}

const char *cpu_map_system_dir(void)
{
	return access(CPU_MAP_SYSTEM_DIR "/index.xml", R_OK) == 0 ? CPU_MAP_SYSTEM_DIR : NULL;
}

bool cpu_map_has_compat_check(const struct cpu_map *m)
{
	for (size_t i = 0; i < m->models.n; i++) {
		const struct cm_model *md = m->models.v[i];
		if (md->check_partial_compat)
			return true;
	}
	return false;
}

const char *cpu_map_default_dir(const char *datadir, char *buf, size_t size)
{
	if (cpu_map_system_dir())
		snprintf(buf, size, "%s", CPU_MAP_SYSTEM_DIR);
	else
		snprintf(buf, size, "%s/cpu_map", datadir && *datadir ? datadir : "data");
	return buf;
}

/* ---- vendors and features --------------------------------------------- */

static bool cm_parse_vendor(struct cm_loader *L, const char *file, const xmlNode *n)
{
	struct cpu_map *m = L->m;
	char *name = xml_attr(n, "name");
	char *string = xml_attr(n, "string");
	struct cm_vendor *v = NULL;
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, file, xml_line(n), "<vendor> without a name");
		goto out;
	}
	if (!xml_name_ok(file, n, "vendor name", name, L->e) ||
	    !xml_text_ok(file, n, "vendor string", string, L->e))
		goto out;
	if (!string || strlen(string) != 12) {
		err_set(L->e, file, xml_line(n),
			"vendor '%s' needs a 12-character string= (the CPUID vendor)", name);
		goto out;
	}
	if (cpu_map_vendor(m, name)) {
		err_set(L->e, file, xml_line(n), "vendor '%s' is defined twice", name);
		goto out;
	}
	v = xcalloc(1, sizeof(*v));
	v->name = name;
	v->string = string;
	name = string = NULL;
	vec_push(&m->vendors, v);
	ok = true;
out:
	free(name);
	free(string);
	return ok;
}

static bool cm_parse_feature(struct cm_loader *L, const char *file, const xmlNode *n)
{
	struct cpu_map *m = L->m;
	char *name = xml_attr(n, "name");
	char *migratable = xml_attr(n, "migratable");
	struct feature *f = NULL;
	unsigned id;
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, file, xml_line(n), "<feature> without a name");
		goto out;
	}
	if (strmap_has(&m->feat_by_name, name)) {
		err_set(L->e, file, xml_line(n), "feature '%s' is defined twice", name);
		goto out;
	}
	if (!intern_feature(&L->names, name, file, xml_line(n), &id, L->e))
		goto out;
	f = m->ft->f[id];
	strmap_put(&m->feat_by_name, name, f);
	vec_push(&m->features, f);
	fset_add(&m->known, f->id);
	if (migratable && !strcmp(migratable, "no"))
		fset_add(&m->nonmigratable, f->id);
	ok = true;
out:
	free(name);
	free(migratable);
	return ok;
}

/* ---- models ------------------------------------------------------------ */

static bool cm_parse_int(const char *s, int *out)
{
	char *end = NULL;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < 0 || v > 0xffff)
		return false;
	*out = (int)v;
	return true;
}

static void cm_copy_sigs(struct cm_model *dst, const struct cm_model *src)
{
	for (size_t i = 0; i < dst->nsigs; i++)
		free(dst->sigs[i].stepping);
	free(dst->sigs);
	dst->sigs = NULL;
	dst->nsigs = src->nsigs;
	if (!src->nsigs)
		return;
	dst->sigs = xcalloc(src->nsigs, sizeof(*dst->sigs));
	for (size_t i = 0; i < src->nsigs; i++) {
		dst->sigs[i].family = src->sigs[i].family;
		dst->sigs[i].model = src->sigs[i].model;
		dst->sigs[i].stepping = src->sigs[i].stepping ? xstrdup(src->sigs[i].stepping) : NULL;
	}
}

static bool cm_model_ancestor(struct cm_loader *L, const char *file, const xmlNode *c,
			      struct cm_model *md)
{
	const struct cm_model *anc = NULL;
	char *name = xml_attr(c, "name");
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, file, xml_line(c), "model '%s': ancestor <model> without a name",
			md->name);
		goto out;
	}
	if (!xml_name_ok(file, c, "model name", name, L->e))
		goto out;
	if (md->ancestor) {
		err_set(L->e, file, xml_line(c), "model '%s' names more than one ancestor", md->name);
		goto out;
	}
	anc = cpu_map_model(L->m, name);
	if (!anc) {
		err_set(L->e, file, xml_line(c),
			"model '%s': ancestor model '%s' is not defined before it", md->name, name);
		goto out;
	}
	/* Inherit vendor, signatures and features; the ancestor's features
	 * already exclude its removed ones. */
	free(md->vendor);
	md->vendor = anc->vendor ? xstrdup(anc->vendor) : NULL;
	cm_copy_sigs(md, anc);
	fset_copy(&md->features, &anc->features);
	fset_copy(&md->removed, &anc->removed);
	fset_copy(&md->added, &anc->added);
	md->ancestor = name;
	name = NULL;
	ok = true;
out:
	free(name);
	return ok;
}

static bool cm_model_signature(struct cm_loader *L, const char *file, const xmlNode *c,
			       struct cm_model *md, bool *own_sigs)
{
	char *fam = xml_attr(c, "family");
	char *mod = xml_attr(c, "model");
	char *step = xml_attr(c, "stepping");
	struct cm_signature sig = { 0, 0, NULL };
	bool ok = false;

	if (!cm_parse_int(fam, &sig.family) || sig.family == 0) {
		err_set(L->e, file, xml_line(c), "model '%s': invalid signature family '%s'",
			md->name, fam ? fam : "");
		goto out;
	}
	if (!cm_parse_int(mod, &sig.model)) {
		err_set(L->e, file, xml_line(c), "model '%s': invalid signature model '%s'",
			md->name, mod ? mod : "");
		goto out;
	}
	if (!*own_sigs) {
		/* The model's own signatures replace inherited ones. */
		struct cm_model none = { 0 };
		cm_copy_sigs(md, &none);
		*own_sigs = true;
	}
	if (!xml_text_ok(file, c, "signature stepping", step, L->e))
		goto out;
	sig.stepping = step;
	step = NULL;
	md->sigs = xrealloc(md->sigs, (md->nsigs + 1) * sizeof(*md->sigs));
	md->sigs[md->nsigs++] = sig;
	ok = true;
out:
	free(fam);
	free(mod);
	free(step);
	return ok;
}

static bool cm_model_vendor(struct cm_loader *L, const char *file, const xmlNode *c,
			    struct cm_model *md)
{
	char *name = xml_attr(c, "name");
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, file, xml_line(c), "model '%s': <vendor> without a name", md->name);
		goto out;
	}
	if (!cpu_map_vendor(L->m, name)) {
		err_set(L->e, file, xml_line(c), "model '%s': unknown vendor '%s'", md->name, name);
		goto out;
	}
	free(md->vendor);
	md->vendor = name;
	name = NULL;
	ok = true;
out:
	free(name);
	return ok;
}

static bool cm_model_feature(struct cm_loader *L, const char *file, const xmlNode *c,
			     struct cm_model *md)
{
	char *name = xml_attr(c, "name");
	char *removed = xml_attr(c, "removed");
	char *added = xml_attr(c, "added");
	const struct feature *f = NULL;
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, file, xml_line(c), "model '%s': <feature> without a name", md->name);
		goto out;
	}
	f = cpu_map_feature(L->m, name);
	if (!f) {
		err_set(L->e, file, xml_line(c),
			"model '%s': feature '%s' is not defined in x86_features.xml", md->name, name);
		goto out;
	}
	if (removed && !strcmp(removed, "yes"))
		fset_add(&md->removed, f->id);
	else if (added && !strcmp(added, "yes"))
		fset_add(&md->added, f->id);
	else
		fset_add(&md->features, f->id);
	ok = true;
out:
	free(name);
	free(removed);
	free(added);
	return ok;
}

static bool cm_parse_model(struct cm_loader *L, const char *file, const xmlNode *n)
{
	struct cpu_map *m = L->m;
	struct cm_model *md = xcalloc(1, sizeof(*md));
	bool own_sigs = false, has_decode = false, has_body = false;
	bool ok = false;

	md->name = xml_attr(n, "name");
	md->file = xstrdup(file);
	md->line = xml_line(n);
	md->group = L->group ? xstrdup(L->group) : NULL;
	md->decode_host = md->decode_guest = true;
	if (!md->name || !*md->name) {
		err_set(L->e, file, md->line, "<model> without a name");
		goto out;
	}
	if (!xml_name_ok(file, n, "model name", md->name, L->e))
		goto out;
	if (cpu_map_model(m, md->name)) {
		err_set(L->e, file, md->line, "model '%s' is defined twice", md->name);
		goto out;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xml_is(c, "decode")) {
			char *host = xml_attr(c, "host"), *guest = xml_attr(c, "guest");
			bool good = host && guest && (!strcmp(host, "on") || !strcmp(host, "off")) &&
				    (!strcmp(guest, "on") || !strcmp(guest, "off"));
			if (good) {
				md->decode_host = !strcmp(host, "on");
				md->decode_guest = !strcmp(guest, "on");
			}
			free(host);
			free(guest);
			if (!good) {
				err_set(L->e, file, xml_line(c),
					"model '%s': <decode> needs host= and guest= set to on or off",
					md->name);
				goto out;
			}
			has_decode = true;
		} else if (xml_is(c, "check")) {
			char *partial = xml_attr(c, "partial");
			md->check_partial_compat = partial && !strcmp(partial, "compat");
			free(partial);
		} else if (xml_is(c, "model")) {
			if (!cm_model_ancestor(L, file, c, md))
				goto out;
		} else if (xml_is(c, "signature")) {
			has_body = true;
			if (!cm_model_signature(L, file, c, md, &own_sigs))
				goto out;
		} else if (xml_is(c, "vendor")) {
			has_body = true;
			if (!cm_model_vendor(L, file, c, md))
				goto out;
		} else if (xml_is(c, "feature")) {
			has_body = true;
			if (!cm_model_feature(L, file, c, md))
				goto out;
		}
	}
	(void)has_decode; /* libvirt >= 7 always has one; older maps decode everywhere */
	/* 11.x: a file with only decode + ancestor names the ancestor's
	 * canonical version. */
	if (md->ancestor && !has_body)
		md->canonical_of = xstrdup(md->ancestor);
	md->order = (int)m->models.n;
	vec_push(&m->models, md);
	strmap_put(&m->by_name, md->name, md);
	md = NULL;
	ok = true;
out:
	cm_model_free(md);
	return ok;
}

/* Vendors, then features, then models of one <cpus> or <arch> element. */
static bool cm_parse_elements(struct cm_loader *L, const char *file, const xmlNode *parent)
{
	for (int pass = 0; pass < 3; pass++) {
		for (const xmlNode *c = parent->children; c; c = c->next) {
			if (pass == 0 && xml_is(c, "vendor") && !cm_parse_vendor(L, file, c))
				return false;
			if (pass == 1 && xml_is(c, "feature") && !cm_parse_feature(L, file, c))
				return false;
			if (pass == 2 && xml_is(c, "model") && !cm_parse_model(L, file, c))
				return false;
		}
	}
	return true;
}

/* ---- index.xml ---------------------------------------------------------- */

static bool cm_include(struct cm_loader *L, const char *index_path, const xmlNode *inc)
{
	char *name = xml_attr(inc, "filename");
	char *path = NULL;
	xmlDoc *doc = NULL;
	const xmlNode *root = NULL;
	bool ok = false;

	if (!name || !*name) {
		err_set(L->e, index_path, xml_line(inc), "<include> without a filename");
		goto out;
	}
	if (!xml_name_ok(index_path, inc, "file name", name, L->e))
		goto out;
	if (strchr(name, '/') || name[0] == '.') {
		err_set(L->e, index_path, xml_line(inc),
			"include '%s': only plain file names in the map directory are allowed", name);
		goto out;
	}
	path = xasprintf("%s/%s", L->m->dir, name);
	if (access(path, F_OK) != 0) {
		if (errno == ENOENT)
			err_set(L->e, index_path, xml_line(inc), "included file '%s' does not exist",
				name);
		else
			err_set(L->e, index_path, xml_line(inc), "included file '%s': %s", name,
				errno == ELOOP ? "too many levels of symbolic links" : strerror(errno));
		goto out;
	}
	doc = xml_load(path, L->e);
	if (!doc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "cpus")) {
		err_set(L->e, path, xml_line(root), "expected a <cpus> root element, found <%s>",
			(const char *)root->name);
		goto out;
	}
	ok = cm_parse_elements(L, path, root);
out:
	if (doc)
		xmlFreeDoc(doc);
	free(path);
	free(name);
	return ok;
}

static const char *cm_arch_section(enum arch arch)
{
	switch (arch) {
	case ARCH_X86_64:
		return "x86";
	default:
		return arch_name(arch);
	}
}

struct cpu_map *cpu_map_load(const char *dir, enum arch arch, struct ftable *ft, struct err *e)
{
	struct cpu_map *m = xcalloc(1, sizeof(*m));
	struct cm_loader L = { m, NULL, e, { ft, 0 } };
	const char *want = cm_arch_section(arch);
	char *index_path = NULL;
	xmlDoc *doc = NULL;
	const xmlNode *root = NULL, *sect = NULL;
	bool ok = false;

	m->dir = xstrdup(dir);
	m->arch = arch;
	m->ft = ft;
	intern_guard_init(&L.names, ft);
	index_path = xasprintf("%s/index.xml", dir);
	if (access(index_path, F_OK) != 0) {
		struct stat st;

		/* A loop is not a missing file: say which of the two loops. */
		if (stat(dir, &st) != 0 && errno == ELOOP)
			err_set(e, dir, 0, "too many levels of symbolic links");
		else if (access(index_path, F_OK) != 0 && errno == ELOOP)
			err_set(e, index_path, 0, "too many levels of symbolic links");
		else
			err_set(e, index_path, 0, "not a libvirt CPU map: index.xml does not exist");
		goto out;
	}
	doc = xml_load(index_path, e);
	if (!doc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "cpus")) {
		err_set(e, index_path, xml_line(root), "expected a <cpus> root element, found <%s>",
			(const char *)root->name);
		goto out;
	}
	for (const xmlNode *c = root->children; c && !sect; c = c->next) {
		char *name = xml_is(c, "arch") ? xml_attr(c, "name") : NULL;
		if (name && !strcmp(name, want))
			sect = c;
		free(name);
	}
	if (!sect) {
		err_set(e, index_path, xml_line(root), "no <arch name='%s'> section", want);
		goto out;
	}
	if (!cm_parse_elements(&L, index_path, sect))
		goto out;
	for (const xmlNode *c = sect->children; c; c = c->next) {
		if (xml_is(c, "include")) {
			if (!cm_include(&L, index_path, c))
				goto out;
		} else if (xml_is(c, "group")) {
			char *gname = xml_attr(c, "name");
			bool gok = xml_name_ok(index_path, c, "group name", gname, e);
			L.group = gname;
			for (const xmlNode *g = c->children; g && gok; g = g->next)
				if (xml_is(g, "include"))
					gok = cm_include(&L, index_path, g);
			L.group = NULL;
			free(gname);
			if (!gok)
				goto out;
		}
	}
	ok = true;
out:
	if (doc)
		xmlFreeDoc(doc);
	free(index_path);
	if (!ok) {
		cpu_map_free(m);
		m = NULL;
	}
	return m;
}
