/* userdata.c - the user's own data decides the model list (userdata.h has
 * the rules; session.c calls these functions at its steps). */
#include "userdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_map.h"
#include "err.h"
#include "host.h"
#include "host_sniff.h"
#include "replies.h"
#include "session.h"
#include "snapshot.h"
#include "util.h"

/* ---- notes ---------------------------------------------------------------- */

const char *session_model_note(const struct session *s, const char *name)
{
	return name ? strmap_get(&s->notes, name) : NULL;
}

void session_model_notes(const struct session *s, const char *name, struct vec *notes)
{
	const char *n = session_model_note(s, name);

	if (n)
		vec_push(notes, xstrdup(n));
}

void session_notes_free(struct session *s)
{
	for (size_t i = 0; i < s->notes.cap; i++)
		if (s->notes.keys && s->notes.keys[i])
			free(s->notes.vals[i]);
	strmap_fini(&s->notes);
}

/* Append text to the note of a model ("; " between parts). */
static void note_add(struct session *s, const char *model, char *text)
{
	char *old = strmap_get(&s->notes, model);

	if (old) {
		char *n = xasprintf("%s; %s", old, text);
		free(old);
		free(text);
		text = n;
	}
	strmap_put(&s->notes, model, text);
}

/* ---- versions ----------------------------------------------------------- */

/* "7.2" of a QEMU version "7.2.22". */
static bool qemu_major_minor(const char *v, char *buf, size_t size)
{
	const char *p = v;

	if (!v || !(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '.' || !(p[1] >= '0' && p[1] <= '9'))
		return false;
	p++;
	while (*p >= '0' && *p <= '9')
		p++;
	snprintf(buf, size, "%.*s", (int)(p - v), v);
	return true;
}

/* The QEMU version a machine type belongs to: "10.0" of pc-i440fx-10.0,
 * s390-ccw-virtio-10.0 (a machine type X.Y appears in QEMU X.Y first). */
static bool machine_version(const char *m, char *buf, size_t size)
{
	const char *dash = m ? strrchr(m, '-') : NULL;

	if (!dash || !qemu_major_minor(dash + 1, buf, size))
		return false;
	return strlen(buf) == strlen(dash + 1);
}

/* ---- arch and loading ----------------------------------------------------- */

/* --snapshot names a file (not a bundled version such as "7.2"). */
static bool snapshot_is_file(const char *v)
{
	for (const char *p = v; p && *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return true;
	return v && !*v;
}

bool session_arch_from_host(struct session *s, struct err *e)
{
	/* a probed binary or a snapshot file says for itself; a snapshot file's
	 * arch is known before the feature table is made (compare makes the
	 * table before the data); a file that cannot say is reported when it
	 * is loaded */
	if (s->o.snapshot && snapshot_is_file(s->o.snapshot) && !s->o.probe && !s->o.arch &&
	    !s->ds && !s->ft && strcmp(s->o.snapshot, "-")) {
		struct err ignore;
		enum arch a;
		err_clear(&ignore);
		if (session_file_arch(s->o.snapshot, &a, &ignore))
			s->arch = a;
	}
	if (!s->o.host_file || s->o.probe || snapshot_is_file(s->o.snapshot))
		return true;
	return session_arch_from_file(s, s->o.host_file, e);
}

bool session_arch_from_file(struct session *s, const char *file, struct err *e)
{
	enum arch a;
	bool known = false;

	if (s->o.arch || s->ds || !strcmp(file, "-")) /* standard input is read once, later */
		return true;
	if (!host_file_arch(file, &a, &known, e))
		return false;
	if (!known || a == s->arch)
		return true;
	s->arch = a;
	if (s->ft && s->ft->arch != a) {
		ftable_free(s->ft);
		s->ft = NULL;
	}
	return true;
}

const char *session_host_capture(const struct session *s)
{
	if (!s->o.host_file || s->o.probe || !replies_file_is(s->o.host_file))
		return NULL;
	return s->o.host_file;
}

bool session_file_arch(const char *path, enum arch *out, struct err *e)
{
	if (replies_file_is(path))
		return replies_arch(path, out, e);
	return snapshot_arch(path, out, e);
}

struct dataset *session_file_load(struct session *s, const char *path, struct err *e)
{
	if (replies_file_is(path)) {
		s->capture = true;
		return replies_load(path, s->ft, s->o.accel, e);
	}
	return snapshot_load(path, s->ft, e);
}

const struct mdata *session_capture_machine(struct session *s, struct err *e)
{
	const struct mdata *md;
	const char *want = s->o.machine;

	if (!s->capture || s->ds->mdatas.n != 1 || !(md = dataset_find_mdata(s->ds, "none")))
		return NULL;
	if (want && strcmp(want, "none") && !dataset_machine(s->ds, want))
		return NULL; /* an unknown machine type: keep the error */
	err_clear(e);
	return md;
}

/* ---- features for models the data has no expansion of --------------------- */

struct source {
	const struct dataset *ds;
	const struct mdata *md;
	char *label;          /* "QEMU 7.2.22 (bundled snapshot, pc-i440fx-7.2)" */
	struct dataset *owned;
};

static struct expansion *from_source(const struct source *src, const char *target,
				     const char *name)
{
	const struct expansion *x;

	if (!src->ds || !src->md)
		return NULL;
	x = dataset_expansion(src->ds, src->md, target, true);
	if (!x && strcmp(target, name))
		x = dataset_expansion(src->ds, src->md, name, true);
	return x ? expansion_copy(x, x->name) : NULL;
}

/* A model of libvirt's map as an expansion: its features, the CPUID
 * vendor string and the family/model of its first signature. */
static struct expansion *from_map(const struct cpu_map *map, const char *target,
				  const char *name)
{
	const struct cm_model *m = map ? cpu_map_model(map, target) : NULL;
	struct expansion *x;

	if (!m && map && strcmp(target, name))
		m = cpu_map_model(map, name);
	if (!m)
		return NULL;
	x = expansion_new(m->name);
	fset_copy(&x->on, &m->features);
	fset_copy(&x->known, &m->features);
	if (m->vendor) {
		const struct cm_vendor *v = cpu_map_vendor(map, m->vendor);
		if (v && v->string) {
			struct strbuf sb = STRBUF_INIT;
			sb_addc(&sb, '"');
			for (const char *p = v->string; *p; p++) {
				if (*p == '"' || *p == '\\')
					sb_addc(&sb, '\\');
				sb_addc(&sb, *p);
			}
			sb_addc(&sb, '"');
			expansion_set_prop(x, "vendor", sb_str(&sb));
			sb_fini(&sb);
		}
	}
	if (m->nsigs) {
		char num[32];
		snprintf(num, sizeof(num), "%d", m->sigs[0].family);
		expansion_set_prop(x, "family", num);
		snprintf(num, sizeof(num), "%d", m->sigs[0].model);
		expansion_set_prop(x, "model", num);
	}
	return x;
}

/* The bundled snapshot of QEMU version ver ("10.0") for the arch, when
 * there is one: its default machine type. */
static bool bundled_source(struct session *s, const char *ver, struct source *src)
{
	char path[PATH_MAX + 64];
	struct err e;
	const struct mdata *md;

	memset(src, 0, sizeof(*src));
	session_bundled_snapshot(s, ver, path, sizeof(path));
	if (access(path, R_OK) != 0)
		return false;
	err_clear(&e);
	src->owned = snapshot_load(path, s->ft, &e);
	if (!src->owned)
		return false;
	md = dataset_resolve_machine(src->owned, NULL, &e);
	if (!md) {
		dataset_free(src->owned);
		src->owned = NULL;
		return false;
	}
	src->ds = src->owned;
	src->md = md;
	src->label = xasprintf("QEMU %s (bundled snapshot, %s)",
			       src->owned->qemu_version ? src->owned->qemu_version : ver, md->machine);
	return true;
}

static void source_fini(struct source *src)
{
	dataset_free(src->owned);
	free(src->label);
	memset(src, 0, sizeof(*src));
}

/* libvirt's maps for features (x86_64): the one in use, then the bundled
 * 11.3 map (versioned names).  Failures only leave a map out. */
static void load_maps(struct session *s)
{
	struct err e;

	if (s->arch != ARCH_X86_64)
		return;
	err_clear(&e);
	if (!s->map)
		session_load_map(s, &e);
	if (!s->map_new) {
		char dir[PATH_MAX + 32];
		snprintf(dir, sizeof(dir), "%s/cpu_map-11.3", s->datadir);
		err_clear(&e);
		s->map_new = cpu_map_load(dir, s->arch, s->ft, &e);
	}
}

/* Give every model of the machine type in use that has no full expansion
 * one, and say where it came from.  The sources, in order: the bundled
 * snapshot of the data's QEMU version (version, may be NULL); the data
 * loaded before (before, may be NULL); the newest bundled snapshot of
 * another version (QEMU never changes a released versioned model, and
 * unversioned names are looked up as the version the data says they
 * stand for); libvirt's maps, whose models differ from QEMU's in places
 * (its Haswell lacks f16c and rdrand). */
static void fill_features(struct session *s, const struct source *before, const char *version,
			  const char *lacks)
{
	struct mdata *md = dataset_mdata(s->ds, s->md->machine);
	struct source src[3];
	bool loaded = false, maps = false;

	memset(src, 0, sizeof(src));
	for (size_t i = 0; i < md->defs.n; i++) {
		const struct cpu_def *d = vec_get(&md->defs, i);
		const char *target = d->alias_of ? d->alias_of : d->name;
		struct expansion *x = NULL;
		char *why = NULL;
		int idx;

		/* host and max are what the accelerator and the host give, base an
		 * empty shell: nothing to borrow from elsewhere */
		if (dataset_expansion(s->ds, md, d->name, true) || !strcmp(d->name, "base") ||
		    !strcmp(d->name, "host") || !strcmp(d->name, "max"))
			continue;
		if (!loaded) {
			char *newest = session_newest_bundled(s);
			loaded = true;
			if (version)
				bundled_source(s, version, &src[0]);
			if (before) { /* lent: its owner frees it */
				src[1].ds = before->ds;
				src[1].md = before->md;
			}
			if (newest && !str_eq(newest, version))
				bundled_source(s, newest, &src[2]);
			free(newest);
		}
		for (size_t k = 0; k < ARRAY_LEN(src) && !x; k++)
			if ((x = from_source(&src[k], target, d->name)))
				why = xasprintf("features from %s", k == 1 ? before->label : src[k].label);
		if (!x && !maps) {
			maps = true;
			load_maps(s);
		}
		if (!x && (x = from_map(s->map, target, d->name)))
			why = xasprintf("features as libvirt's cpu_map in use defines %s", x->name);
		else if (!x && (x = from_map(s->map_new, target, d->name)))
			why = xasprintf("features as libvirt 11.3's cpu_map (data/cpu_map-11.3) "
					"defines %s", x->name);
		if (!x)
			continue;
		idx = dataset_add_expansion(s->ds, x);
		mdata_set_expansion(md, d->name, idx, -1);
		note_add(s, d->name, xasprintf("%s (%s)", why, lacks));
		free(why);
	}
	source_fini(&src[0]);
	source_fini(&src[2]);
}

static void relabel(struct session *s, char *label)
{
	free(s->data_label);
	s->data_label = label;
}

bool session_data_loaded(struct session *s, struct err *e)
{
	char ver[32];

	(void)e;
	if (!s->capture)
		return true;
	relabel(s, xasprintf("QEMU %s (%s, libvirt capture %s)",
			     s->ds->qemu_version ? s->ds->qemu_version : "?",
			     s->ds->accel ? s->ds->accel : "?", s->ds->source));
	fill_features(s, NULL, qemu_major_minor(s->ds->qemu_version, ver, sizeof(ver)) ? ver : NULL,
		      "the capture has no expansion of it");
	return true;
}

/* ---- a host's model list ------------------------------------------------- */

static struct cpu_def *def_from_usability(const struct host_model_usability *u,
					  const struct cpu_def *like, const struct ftable *ft)
{
	struct cpu_def *d = xcalloc(1, sizeof(*d));

	d->name = xstrdup(u->name);
	d->alias_of = u->canonical ? xstrdup(u->canonical) : NULL;
	d->deprecated = u->deprecated;
	if (like) {
		d->type_name = like->type_name ? xstrdup(like->type_name) : NULL;
		d->is_static = like->is_static;
		d->migration_safe = like->migration_safe;
	}
	d->unavail_known = u->usable >= 0;
	if (u->usable == 0) {
		fset_copy(&d->unavailable, &u->blockers);
		d->unavail_names = xcalloc(fset_count(&u->blockers) + 1, sizeof(*d->unavail_names));
		for (int id = fset_next(&u->blockers, 0); id >= 0;
		     id = fset_next(&u->blockers, (unsigned)id + 1))
			d->unavail_names[d->nunavail++] = xstrdup(ftable_get(ft, (unsigned)id)->name);
	}
	return d;
}

static const char *host_list_name(const struct host *h)
{
	return h->kind == HOST_DOMCAPS ? "libvirt's domcapabilities" : "the query-cpu-definitions of";
}

/* The verdict part of a note: "usable no (3 blockers)". */
static char *usability_text(const struct host_model_usability *u)
{
	if (u->usable < 0)
		return xstrdup("usability not given");
	if (u->usable)
		return xstrdup("usable yes");
	if (!u->has_blockers)
		return xstrdup("usable no");
	return xasprintf("usable no (%zu blocker%s)", fset_count(&u->blockers),
			 fset_count(&u->blockers) == 1 ? "" : "s");
}

/* Models the host lists and the data lacks join the data. */
static bool add_missing(struct session *s)
{
	struct mdata *md = dataset_mdata(s->ds, s->md->machine);
	const struct host *h = s->host;
	size_t added = 0;

	for (size_t i = 0; i < h->usability.n; i++) {
		const struct host_model_usability *u = vec_get(&h->usability, i);
		char *v;
		if (mdata_def(md, u->name))
			continue;
		mdata_add_def(md, def_from_usability(u, NULL, s->ft));
		v = usability_text(u);
		note_add(s, u->name, xasprintf("%s is not in the QEMU data (%s); %s %s lists it: %s",
					       u->name, s->data_label ? s->data_label : "?",
					       host_list_name(h), h->source, v));
		free(v);
		added++;
	}
	if (added)
		fill_features(s, NULL, NULL, "the QEMU data lacks it");
	return true;
}

/* The host's list is the model list: a dataset of its models under its
 * machine type, features from the data loaded before. */
static bool take_list(struct session *s, const char *hver, struct err *e)
{
	const struct host *h = s->host;
	const char *machine = h->domcaps_machine ? h->domcaps_machine : "none";
	const struct machine *was = NULL;
	struct dataset *ds;
	struct machine *m;
	struct mdata *md;
	struct source before;

	if (s->o.machine && strcmp(s->o.machine, machine) &&
	    (!(was = dataset_machine(s->ds, s->o.machine)) || strcmp(was->name, machine)))
		return err_set(e, h->source, 0,
			       "this file is the model list in use and describes machine type %s "
			       "only, not '%s' (give --snapshot or --probe for QEMU's data of "
			       "other machine types)", machine, s->o.machine);
	was = dataset_machine(s->ds, machine);
	ds = dataset_new(s->arch, s->ft);
	ds->source = xstrdup(h->source);
	if (h->domcaps_virttype)
		ds->accel = xstrdup(!strcmp(h->domcaps_virttype, "qemu") ? "tcg" :
				    h->domcaps_virttype);
	m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(machine);
	m->is_default = true;
	if (was) {
		m->alias = was->alias ? xstrdup(was->alias) : NULL;
		m->deprecated = was->deprecated;
		m->default_cpu_type = was->default_cpu_type ? xstrdup(was->default_cpu_type) : NULL;
	}
	vec_push(&ds->machines, m);
	md = dataset_mdata(ds, machine);
	for (size_t i = 0; i < h->usability.n; i++) {
		const struct host_model_usability *u = vec_get(&h->usability, i);
		if (!mdata_def(md, u->name))
			mdata_add_def(md, def_from_usability(u, mdata_def(s->md, u->name), s->ft));
	}
	md->defs_known = true;
	memset(&before, 0, sizeof(before));
	before.owned = s->ds;
	before.ds = s->ds;
	before.md = s->md;
	before.label = xstrdup(s->data_label ? s->data_label : "the QEMU data");
	s->ds = ds;
	s->md = md;
	s->host_models = true;
	if (h->kind == HOST_DOMCAPS)
		relabel(s, xasprintf("libvirt domcapabilities %s (%s%s%s)", h->source, machine,
				     ds->accel ? ", " : "", ds->accel ? ds->accel : ""));
	else
		relabel(s, xasprintf("the query-cpu-definitions of %s", h->source));
	fill_features(s, &before, hver, h->kind == HOST_DOMCAPS ?
		      "domcapabilities lists no features of models" :
		      "QEMU's definitions list no features");
	source_fini(&before);
	return true;
}

bool session_host_loaded(struct session *s, struct err *e)
{
	const struct host *h = s->host;
	char hver[32], dver[32];
	bool hv, same;

	if (!h || !h->usability.n || !s->ds || !s->md)
		return true;
	if (s->capture && str_eq(s->ds->source, h->source))
		return true; /* the capture is the data and the host */
	hv = h->kind == HOST_DOMCAPS && machine_version(h->domcaps_machine, hver, sizeof(hver));
	same = hv && qemu_major_minor(s->ds->qemu_version, dver, sizeof(dver)) &&
	       !strcmp(hver, dver);
	if (!s->o.snapshot && !s->o.probe && !same)
		return take_list(s, hv ? hver : NULL, e);
	return add_missing(s);
}
