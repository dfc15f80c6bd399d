/* session.c - loading for both front ends, and whose verdict they show
 * (session.h has the rules). */
#include "session.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cpu_map.h"
#include "cpuid.h"
#include "custom_def.h"
#include "custom_models.h"
#include "err.h"
#include "host_load.h"
#include "paths.h"
#include "snapshot.h"
#include "startcheck.h"
#include "virsh.h"
#include "xml_cpu.h"
#include "userdata.h"
#include "util.h"
#include "virsh.h"

struct session *session_new(const struct session_opts *o)
{
	struct session *s = xcalloc(1, sizeof(*s));

	if (o)
		s->o = *o;
	s->arch = ARCH_X86_64;
	paths_datadir(s->datadir, sizeof(s->datadir));
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	host_free(s->host);
	cpu_map_free(s->map);
	cpu_map_free(s->map_new);
	dataset_free(s->ds);
	ftable_free(s->ft);
	vec_fini(&s->warnings, free);
	free(s->qemu_binary);
	free(s->data_label);
	free(s->ref_label);
	session_notes_free(s);
	free(s->libvirt_installed);
	custom_set_free(s->custom);
	free(s);
}

static void set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

bool session_load_ft(struct session *s, struct err *e)
{
	if (s->o.arch && !arch_parse(s->o.arch, &s->arch))
		return err_set(e, NULL, 0, "unknown architecture '%s' (expected x86_64 or s390x)",
			       s->o.arch);
	if (!s->ft && !session_arch_from_host(s, e))
		return false;
	if (!s->ft)
		s->ft = ftable_new(s->arch);
	return true;
}

/* ---- where the data comes from ------------------------------------------ */

const char *session_bundled_snapshot(const struct session *s, const char *version, char *buf,
				     size_t size)
{
	snprintf(buf, size, "%s/qemu-%s-%s.json", s->datadir, version, arch_name(s->arch));
	return buf;
}

bool session_is_version(const char *v)
{
	if (!*v)
		return false;
	for (const char *p = v; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return false;
	return true;
}

/* A file in data/ (however its path is spelled) is a bundled snapshot. */
static bool in_datadir(const struct session *s, const char *file)
{
	char d[PATH_MAX], f[PATH_MAX];
	size_t n;

	if (!realpath(s->datadir, d) || !realpath(file, f))
		return false;
	n = strlen(d);
	return !strncmp(f, d, n) && f[n] == '/' && !strchr(f + n + 1, '/');
}

static int cmp_ver(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

void session_bundled_versions(const struct session *s, struct vec *out)
{
	char suffix[64];
	DIR *d = opendir(s->datadir);
	struct dirent *de;

	if (!d)
		return;
	snprintf(suffix, sizeof(suffix), "-%s.json", arch_name(s->arch));
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t l = strlen(n), sl = strlen(suffix);
		if (str_startswith(n, "qemu-") && l > 5 + sl && str_endswith(n, suffix))
			vec_push(out, xstrndup(n + 5, l - 5 - sl));
	}
	closedir(d);
	vec_sort(out, cmp_ver);
}

/* The newest bundled snapshot of the arch (data/qemu-VERSION-ARCH.json, by
 * natural version order), or NULL. */
static char *newest_bundled(const struct session *s)
{
	struct vec vers = VEC_INIT;
	char *best = NULL;

	session_bundled_versions(s, &vers);
	for (size_t i = 0; i < vers.n; i++) {
		char *ver = vers.v[i];
		if (session_is_version(ver) && (!best || str_natcmp(ver, best) > 0))
			best = ver;
	}
	best = best ? xstrdup(best) : NULL;
	vec_fini(&vers, free);
	return best;
}

static char *local_qemu(const struct session *s);

char *session_local_qemu(const struct session *s)
{
	return local_qemu(s);
}

char *session_newest_bundled(const struct session *s)
{
	return newest_bundled(s);
}

/* This machine's QEMU for the arch: $CPUSCOPE_QEMU (a binary, or "none"
 * to act as if none were installed), else qemu-system-ARCH in PATH.
 * NULL when there is none. */
static char *local_qemu(const struct session *s)
{
	const char *env = getenv("CPUSCOPE_QEMU");
	char name[64];
	char *path = NULL;
	struct err e;

	if (env && !strcmp(env, "none"))
		return NULL;
	if (env && *env)
		snprintf(name, sizeof(name), "%s", env);
	else
		snprintf(name, sizeof(name), "qemu-system-%s", arch_name(s->arch));
	err_clear(&e);
	if (!probe_find_binary(name, &path, &e))
		return NULL;
	return path;
}

/* The accelerator of this machine's QEMU when it gives the models only and
 * a host file gives the verdict: a domcapabilities file's own (<domain>kvm
 * or qemu), TCG for any other host file (a CPU's features are compared
 * with the models as QEMU defines them, not with what this machine's KVM
 * adds: its paravirt leaves), and otherwise what QEMU here would use. */
static const char *live_accel(const struct session *s)
{
	char *text = NULL;
	size_t len = 0;
	struct err e;
	const char *accel = "tcg";

	if (s->o.accel)
		return s->o.accel;
	if (!s->o.host_file)
		return probe_default_accel(s->arch);
	err_clear(&e);
	if (strcmp(s->o.host_file, "-") &&
	    read_file_limited(s->o.host_file, FILE_LIMIT_DEFAULT, &text, &len, &e) &&
	    strstr(text, "<domainCapabilities") && strstr(text, "<domain>kvm</domain>"))
		accel = "kvm";
	free(text);
	return accel;
}

/* Probe this machine's QEMU for the machine type in use only (a cold start
 * costs one QEMU); a cached probe of every machine type is used when there
 * is one. */
static struct dataset *probe_live(struct session *s, const char *binary, const char *machine,
				  const char *accel, struct err *e)
{
	struct probe_opts o;
	const char *machines[2] = { machine ? machine : "default", NULL };
	struct cache_key k = { NULL, NULL };
	struct dataset *ds = NULL;
	struct err ce;

	err_clear(&ce);
	if (!s->o.no_cache && cache_key_init(&k, binary, accel, "all", &ce))
		ds = cache_load(&k, s->ft);
	cache_key_fini(&k);
	if (ds)
		return ds;
	memset(&o, 0, sizeof(o));
	o.binary = binary;
	o.accel = accel;
	o.machines = machines;
	o.progress = s->o.progress;
	o.ctx = s->o.progress_ctx;
	return cache_probe(&o, s->ft, !s->o.no_cache, NULL, e);
}

static struct dataset *probe_given(struct session *s, struct err *e)
{
	struct probe_opts o;
	enum arch arch = s->arch;

	if (!s->o.arch && !probe_detect_arch(s->o.probe, 10, &arch, e))
		return NULL;
	s->arch = arch;
	if (s->ft && s->ft->arch != arch) {
		ftable_free(s->ft);
		s->ft = NULL;
	}
	if (!s->ft)
		s->ft = ftable_new(arch);
	memset(&o, 0, sizeof(o));
	o.binary = s->o.probe;
	o.accel = s->o.accel;
	o.all_machines = true;
	o.progress = s->o.progress;
	o.ctx = s->o.progress_ctx;
	return cache_probe(&o, s->ft, !s->o.no_cache, NULL, e);
}

/* Where the models come from, and QEMU's own verdict when nobody else
 * gives one: "QEMU 7.2.22 on this machine (kvm)", "QEMU 7.2.22 (tcg,
 * bundled snapshot)", "QEMU 10.0.2 (tcg, snapshot x.json)", "QEMU 7.2.22
 * (kvm, probed /opt/qemu/bin/qemu-system-x86_64)". */
static void label_data(struct session *s, const char *file)
{
	const struct dataset *ds = s->ds;
	const char *ver = ds->qemu_version ? ds->qemu_version : "?";
	const char *accel = ds->accel ? ds->accel : "?";

	if (s->live)
		set_str(&s->data_label, xasprintf("QEMU %s on this machine (%s)", ver, accel));
	else if (s->qemu_binary)
		set_str(&s->data_label, xasprintf("QEMU %s (%s, probed %s)", ver, accel,
						  s->qemu_binary));
	else if (s->bundled)
		set_str(&s->data_label, xasprintf("QEMU %s (%s, bundled snapshot)", ver, accel));
	else
		set_str(&s->data_label, xasprintf("QEMU %s (%s, snapshot %s)", ver, accel, file));
}

/* What QEMU has no property for comes from the data in use. */
static void mark_props(struct session *s)
{
	struct fset known = FSET_INIT;

	dataset_qemu_props(s->ds, &known);
	ftable_mark_qemu_props(s->ft, &known);
	fset_fini(&known);
}

/* ---- start checks (startcheck.h) ------------------------------------------
 * Under KVM, 'host' and 'max' pass the host's own CPUID and MSR values
 * through; a nested or unusual hypervisor can refuse them while
 * query-cpu-definitions still calls both usable.  So for data probed live
 * under KVM, those two are started once (-S, never run) and a failure
 * blocks them, with QEMU's message.  Results are cached beside the probe
 * cache, keyed like it ("startcheck:MACHINE"), as lines "MODEL<TAB>ok" or
 * "MODEL<TAB>fail<TAB>MESSAGE". */

static const char *const start_checked[] = { "host", "max" };

static char *start_cache_file(const struct session *s, const char *accel)
{
	struct cache_key k = { NULL, NULL };
	char *spec = xasprintf("startcheck:%s", s->md->machine);
	char *file = NULL;
	struct err e;

	err_clear(&e);
	if (!s->o.no_cache && cache_key_init(&k, s->qemu_binary, accel, spec, &e)) {
		file = k.file;
		k.file = NULL;
	}
	cache_key_fini(&k);
	free(spec);
	return file;
}

/* The session owns its dataset: the definition of model in the machine
 * type in use, writable. */
static struct cpu_def *own_def(struct session *s, const char *model)
{
	struct mdata *md = dataset_mdata(s->ds, s->md->machine);

	for (size_t i = 0; i < md->defs.n; i++) {
		struct cpu_def *d = vec_get(&md->defs, i);
		if (!strcmp(d->name, model))
			return d;
	}
	return NULL;
}

static void start_block(struct session *s, struct cpu_def *d, const char *why)
{
	if (!why || !*why)
		return;
	free(d->start_failure);
	d->start_failure = xstrdup(why);
	fset_add(&d->unavailable, ftable_intern(s->ft, "start-failure"));
}

static void start_checks(struct session *s)
{
	const char *accel = s->ds->accel;
	char *file, *text = NULL;
	size_t len = 0;
	struct strbuf out = STRBUF_INIT;
	struct err e;
	bool cached = false;

	if (!s->qemu_binary || !accel || strcmp(accel, "kvm") || !s->md || s->arch != ARCH_X86_64)
		return;
	file = start_cache_file(s, accel);
	err_clear(&e);
	if (file && read_file_limited(file, 1u << 20, &text, &len, &e)) {
		cached = true;
		for (char *line = text, *nl; line && *line; line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = '\0';
			char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			if (!t1)
				continue;
			*t1 = '\0';
			if (t2) {
				*t2 = '\0';
				struct cpu_def *d = own_def(s, line);
				if (d && !strcmp(t1 + 1, "fail"))
					start_block(s, d, t2 + 1);
			}
		}
		free(text);
	}
	for (size_t i = 0; !cached && i < ARRAY_LEN(start_checked); i++) {
		struct cpu_def *d = own_def(s, start_checked[i]);
		char *why = NULL;
		if (!d || !d->unavail_known || !fset_empty(&d->unavailable))
			continue;
		err_clear(&e);
		if (!probe_start_check(s->qemu_binary, accel, s->md->machine, d->name, 10, &why, &e))
			continue; /* could not run it: no verdict either way */
		if (why)
			sb_addf(&out, "%s\tfail\t%s\n", d->name, why);
		else
			sb_addf(&out, "%s\tok\n", d->name);
		start_block(s, d, why);
		free(why);
	}
	if (!cached && file && out.len) {
		err_clear(&e);
		write_file_atomic(file, sb_str(&out), out.len, &e); /* best effort */
	}
	sb_fini(&out);
	free(file);
}

static bool pick_machine_named(struct session *s, const char *name, struct err *e)
{
	mark_props(s);
	s->md = dataset_resolve_machine(s->ds, name, e);
	return s->md != NULL;
}

/* A snapshot probed for some machine types only may lack the default one:
 * use the newest machine type it has (by name, 'none' last), and say so. */
static const struct mdata *partial_default(struct session *s, struct err *e)
{
	const struct mdata *best = NULL;
	const struct machine *def = dataset_default_machine(s->ds);

	for (size_t i = 0; i < s->ds->mdatas.n; i++) {
		const struct mdata *md = vec_get(&s->ds->mdatas, i);
		if (!best || (!strcmp(best->machine, "none") && strcmp(md->machine, "none")) ||
		    (strcmp(md->machine, "none") && str_natcmp(md->machine, best->machine) > 0))
			best = md;
	}
	if (!best)
		return NULL;
	err_clear(e);
	vec_push(&s->warnings, xasprintf("%s has no CPU data for the default machine type%s%s; "
					 "using %s (give --machine to choose)",
					 s->data_label ? s->data_label : "the data",
					 def ? " " : "", def ? def->name : "", best->machine));
	return best;
}

static bool pick_machine(struct session *s, struct err *e)
{
	mark_props(s);
	if (s->o.machine) {
		s->md = dataset_resolve_machine(s->ds, s->o.machine, e);
	} else {
		const struct machine *m = dataset_default_machine(s->ds);
		s->md = dataset_resolve_machine(s->ds, m ? m->name : "none", e);
	}
	if (!s->md)
		s->md = session_capture_machine(s, e);
	if (!s->md && !s->o.machine)
		s->md = partial_default(s, e);
	return s->md != NULL;
}

static bool load_data(struct session *s, struct err *e)
{
	char path[PATH_MAX + 64];
	const char *snap = s->o.snapshot;
	char *owned = NULL;
	bool ok = false;

	if (s->ds)
		return true;
	if (s->o.arch && !arch_parse(s->o.arch, &s->arch))
		return err_set(e, NULL, 0, "unknown architecture '%s' (expected x86_64 or s390x)",
			       s->o.arch);
	if (!session_arch_from_host(s, e))
		return false;
	if (s->o.probe) {
		if (s->o.snapshot)
			return err_set(e, NULL, 0,
				       "--probe and --snapshot both name the QEMU data; give one");
		s->ds = probe_given(s, e);
		if (!s->ds)
			return false;
		s->qemu_binary = xstrdup(s->o.probe);
		label_data(s, NULL);
		if (!pick_machine(s, e))
			return false;
		start_checks(s);
		return true;
	}
	if (!snap)
		snap = session_host_capture(s); /* a capture as --host is the QEMU data too */
	if (!snap) {
		s->qemu_binary = local_qemu(s);
		if (s->qemu_binary) {
			if (!session_load_ft(s, e))
				return false;
			s->ds = probe_live(s, s->qemu_binary, s->o.machine, live_accel(s), e);
			if (!s->ds)
				return false;
			s->live = true;
			label_data(s, NULL);
			if (!pick_machine(s, e))
				return false;
			start_checks(s);
			return true;
		}
		s->no_qemu = true;
		snap = getenv("CPUSCOPE_SNAPSHOT");
		if (!snap || !*snap) {
			char *ver = newest_bundled(s);
			if (ver)
				owned = xstrdup(session_bundled_snapshot(s, ver, path, sizeof(path)));
			free(ver);
			s->bundled = true;
			if (!owned)
				return err_set(e, s->datadir, 0,
					       "no QEMU for %s is installed and no bundled snapshot "
					       "(qemu-VERSION-%s.json) is here; give --snapshot or --probe",
					       arch_name(s->arch), arch_name(s->arch));
			snap = owned;
		}
	}
	if (session_is_version(snap)) {
		snap = session_bundled_snapshot(s, snap, path, sizeof(path));
		s->bundled = true;
	} else {
		s->bundled = in_datadir(s, snap);
		if (!s->o.arch && !session_file_arch(snap, &s->arch, e))
			goto out;
	}
	if (!session_load_ft(s, e))
		goto out;
	s->ds = session_file_load(s, snap, e);
	if (!s->ds)
		goto out;
	label_data(s, snap);
	ok = pick_machine(s, e) && session_data_loaded(s, e);
out:
	free(owned);
	return ok;
}

/* The data, then the custom models of --custom in it. */
bool session_load_data(struct session *s, struct err *e)
{
	if (s->ds)
		return true;
	return load_data(s, e) && session_custom_apply(s, e);
}

/* ---- the reference ------------------------------------------------------- */

static void label_reference(struct session *s)
{
	switch (s->ref) {
	case REF_HOST:
		set_str(&s->ref_label, xstrdup(s->host->source ? s->host->source :
					       host_kind_name(s->host->kind)));
		break;
	case REF_LOCAL:
		set_str(&s->ref_label, xstrdup(s->no_qemu && !s->o.local ?
					       "CPUID of this CPU (no QEMU installed; KVM may "
					       "expose more or less)" :
					       "CPUID of this CPU (KVM may expose more or less)"));
		break;
	case REF_QEMU:
		set_str(&s->ref_label, xstrdup(s->data_label));
		break;
	}
}

/* --libvirt URI: the running libvirtd's domcapabilities (read-only, as
 * `virsh -c URI -r domcapabilities`), the hypervisor's CPU as libvirt
 * offers it to guests. */
struct host *session_libvirt_host(struct session *s, const char *uri, struct err *e)
{
	const char *vt = !s->o.accel ? NULL : !strcmp(s->o.accel, "tcg") ? "qemu" : "kvm";
	char *xml = NULL, *label = NULL;
	struct host *h = NULL;

	if (!session_load_ft(s, e))
		return NULL;
	if (!probe_virsh_domcapabilities(uri, vt, arch_name(s->arch), 0, &xml, e))
		return NULL;
	label = xasprintf("libvirt %s domcapabilities", uri);
	h = xml_host_parse(label, xml, strlen(xml), s->ft, e);
	free(xml);
	if (h && h->kind != HOST_DOMCAPS) {
		err_set(e, label, 0, "virsh domcapabilities printed no domainCapabilities");
		host_free(h);
		h = NULL;
	}
	if (h && h->domcaps_virttype) {
		char *l2 = xasprintf("libvirt %s domcapabilities (%s)", uri, h->domcaps_virttype);
		free(h->source);
		h->source = l2;
	}
	if (h && !h->resolved && h->model && !session_resolve_host(s, h, e)) {
		host_free(h);
		h = NULL;
	}
	free(label);
	return h;
}

bool session_load_host(struct session *s, struct err *e)
{
	if (s->ref_label)
		return true;
	if (!s->ds && !session_load_data(s, e))
		return false;
	if (s->o.libvirt_uri) {
		s->host = session_libvirt_host(s, s->o.libvirt_uri, e);
		if (!s->host)
			return false;
		s->ref = REF_HOST;
		if (!session_host_loaded(s, e))
			return false;
	} else if (s->o.host_file) {
		s->host = session_host_load(s, s->o.host_file, e);
		if (!s->host)
			return false;
		s->ref = REF_HOST;
		/* the host's model list may have replaced the data: custom models again */
		if (!session_host_loaded(s, e) || !session_custom_apply(s, e))
			return false;
	} else if (s->o.local || (s->no_qemu && s->arch == ARCH_X86_64)) {
		if (s->arch != ARCH_X86_64)
			return err_set(e, NULL, 0,
				       "--local: reading this machine's CPU works on x86_64 only");
		s->host = cpuid_local_host(s->ft, e);
		if (!s->host)
			return false;
		s->ref = REF_LOCAL;
	} else {
		s->ref = REF_QEMU; /* no host: QEMU's own verdict on its accelerator */
	}
	label_reference(s);
	return true;
}

const char *session_reference(const struct session *s)
{
	if (s->ref_label)
		return s->ref_label;
	if (s->data_label)
		return s->data_label;
	return "(nothing loaded)";
}

/* ---- libvirt: whose compare and baseline (session.h) --------------------- */

/* The libvirt version and where its map comes from: *dir is set when it is
 * the installed one; NULL leaves the bundled map of the version.  With
 * --cpu-map, or the installed map without virsh, s->libvirt may stay NULL:
 * the map decides once loaded. */
static bool pick_libvirt(struct session *s, const char **dir, struct err *e)
{
	const char *env = getenv("CPUSCOPE_LIBVIRT_VERSION");
	const struct lv_semantics *installed = NULL;
	char *ver = NULL, choices[160];
	struct err ve;

	*dir = NULL;
	if (s->o.libvirt_version) {
		s->libvirt = lv_for_release(s->o.libvirt_version);
		if (!s->libvirt)
			return err_set(e, NULL, 0, "--libvirt-version: '%s' is not a libvirt version "
				       "(expected %s)", s->o.libvirt_version,
				       lv_choices(choices, sizeof(choices)));
	}
	if (s->o.cpu_map_dir)
		return true;
	if (env && *env) {
		if (!s->libvirt && !strcmp(env, "none"))
			s->libvirt = lv_newest();
		else if (!s->libvirt && !(s->libvirt = lv_for_release(env)))
			return err_set(e, NULL, 0, "$CPUSCOPE_LIBVIRT_VERSION: '%s' is not a libvirt "
				       "version (expected %s, or none)", env,
				       lv_choices(choices, sizeof(choices)));
		return true;
	}
	err_clear(&ve);
	if (probe_virsh_version(5, &ver, &ve)) {
		installed = lv_for_release(ver);
		free(s->libvirt_installed);
		s->libvirt_installed = ver;
	}
	if (installed) {
		if (!s->libvirt)
			s->libvirt = installed;
		if (s->libvirt == installed)
			*dir = cpu_map_system_dir();
	} else if (!s->libvirt) {
		/* no virsh: the installed map, if any, says which libvirt */
		*dir = cpu_map_system_dir();
		if (!*dir)
			s->libvirt = lv_newest();
	}
	return true;
}

bool session_load_map(struct session *s, struct err *e)
{
	char dirbuf[PATH_MAX + 32];
	const char *dir = NULL;

	if (s->map || s->arch != ARCH_X86_64)
		return true;
	if (!session_load_ft(s, e) || !pick_libvirt(s, &dir, e))
		return false;
	if (s->o.cpu_map_dir) {
		dir = s->o.cpu_map_dir;
	} else if (!dir) {
		snprintf(dirbuf, sizeof(dirbuf), "%s/%s", s->datadir, s->libvirt->bundled_map);
		dir = dirbuf;
	}
	s->map = cpu_map_load(dir, s->arch, s->ft, e);
	if (!s->map)
		return false;
	if (!s->libvirt)
		s->libvirt = lv_for_map(cpu_map_has_compat_check(s->map));
	return true;
}

struct host *session_host_load(struct session *s, const char *file, struct err *e)
{
	struct host *h;

	if (!session_load_ft(s, e))
		return NULL;
	h = host_load_accel(file, s->ft, s->o.accel, e);
	if (!h)
		return NULL;
	if (h->arch != s->arch) {
		err_set(e, file, 0, "the host is %s, but the data is for %s (use --arch %s)",
			arch_name(h->arch), arch_name(s->arch), arch_name(h->arch));
		host_free(h);
		return NULL;
	}
	if (!h->resolved && h->model && !session_resolve_host(s, h, e)) {
		host_free(h);
		return NULL;
	}
	return h;
}

bool session_resolve_host(struct session *s, struct host *h, struct err *e)
{
	if (h->resolved || !h->model)
		return true;
	if (h->arch == ARCH_S390X) {
		/* libvirt keeps no s390 map: the model is QEMU's (gen16a-base). */
		struct model_view mv;
		if (!s->ds && !session_load_data(s, e))
			return false;
		if (!model_lookup(s->ds, s->md, h->model, &mv, e) || !mv.full)
			return err_set(e, h->source, 0, "host model '%s' is not in the QEMU data of %s",
				       h->model, s->md->machine);
		host_resolve_features(h, &mv.full->on);
		return true;
	}
	if (!session_load_map(s, e))
		return false;
	if (cpu_map_model(s->map, h->model))
		return host_resolve(h, s->map, e);
	/* Versioned names (libvirt >= 10.10) and newer models: the newest
	 * bundled map knows them. */
	if (!s->map_new) {
		char dir[PATH_MAX + 32];
		snprintf(dir, sizeof(dir), "%s/%s", s->datadir, lv_newest()->bundled_map);
		if (!strcmp(dir, s->map->dir))
			return err_set(e, h->source, 0, "host model '%s' is not in the CPU map %s",
				       h->model, s->map->dir);
		s->map_new = cpu_map_load(dir, s->arch, s->ft, e);
		if (!s->map_new)
			return false;
	}
	if (!cpu_map_model(s->map_new, h->model))
		return err_set(e, h->source, 0, "host model '%s' is in neither CPU map (%s, %s)",
			       h->model, s->map->dir, s->map_new->dir);
	return host_resolve(h, s->map_new, e);
}

bool session_use_accel(struct session *s, const char *accel, struct err *e)
{
	struct dataset *ds;
	char keep[128];

	if (!s->qemu_binary)
		return err_set(e, NULL, 0, "the data is not from a QEMU on this machine (no binary "
			       "to ask with %s)", accel);
	if (s->ds && str_eq(s->ds->accel, accel))
		return true;
	snprintf(keep, sizeof(keep), "%s", s->md ? s->md->machine : "default");
	ds = probe_live(s, s->qemu_binary, keep, accel, e);
	if (!ds)
		return false;
	dataset_free(s->ds);
	s->ds = ds;
	s->md = NULL;
	if (!pick_machine_named(s, keep, e) || !session_custom_apply(s, e))
		return false;
	label_data(s, NULL);
	start_checks(s);
	if (s->ref == REF_QEMU)
		label_reference(s);
	return true;
}

bool session_set_machine(struct session *s, const char *name, struct err *e)
{
	const struct mdata *md = dataset_resolve_machine(s->ds, name, e);

	if (!md)
		return false;
	s->md = md;
	return true;
}

void session_replace_data(struct session *s, struct dataset *ds, const char *binary)
{
	const struct mdata *md = NULL;
	char keep[128] = "";
	struct err e;
	/* the rest of this machine's QEMU (the TUI fills it in the background) */
	bool refill = s->live && binary && s->qemu_binary && !strcmp(binary, s->qemu_binary);

	if (s->md)
		snprintf(keep, sizeof(keep), "%s", s->md->machine);
	dataset_free(s->ds);
	s->ds = ds;
	s->md = NULL;
	s->capture = s->host_models = false;
	session_notes_free(s);
	err_clear(&e);
	if (s->o.machine)
		md = dataset_resolve_machine(ds, s->o.machine, &e);
	if (!md && keep[0])
		md = dataset_resolve_machine(ds, keep, &e);
	if (!md) {
		const struct machine *m = dataset_default_machine(ds);
		md = dataset_resolve_machine(ds, m ? m->name : "none", &e);
	}
	if (!md && ds->mdatas.n)
		md = vec_get(&ds->mdatas, 0);
	s->md = md;
	s->live = refill;
	if (!refill)
		set_str(&s->qemu_binary, binary ? xstrdup(binary) : NULL);
	if (refill && !ds->missing.n && ds->accel && !s->o.no_cache) {
		struct cache_key k = { NULL, NULL };
		err_clear(&e);
		if (cache_key_init(&k, s->qemu_binary, ds->accel, "all", &e))
			cache_store(&k, ds, &e); /* best effort */
		cache_key_fini(&k);
	}
	mark_props(s);
	label_data(s, "the probe");
	if (md)
		start_checks(s);
	err_clear(&e);
	session_custom_apply(s, &e); /* best effort: the new data may lack a base */
	if (s->ref == REF_QEMU && s->ref_label)
		label_reference(s);
}

/* libvirt's "Unknown CPU feature X", and which bundled map knows X when
 * the map in use does not (a QEMU 10.0 host under libvirt 9.0's map):
 * " (libvirt 11.3's map knows it: ...)" into buf, or "". */
const char *session_map_hint(const struct session *s, const char *msg, char *buf, size_t size)
{
	static const char prefix[] = "Unknown CPU feature ";
	char dir[PATH_MAX + 32];
	struct cpu_map *m;
	struct err e;

	buf[0] = '\0';
	if (strncmp(msg, prefix, sizeof(prefix) - 1) || !s->map)
		return buf;
	snprintf(dir, sizeof(dir), "%s/cpu_map-11.3", s->datadir);
	if (s->map->dir && strstr(s->map->dir, "cpu_map-11.3"))
		return buf;
	err_clear(&e);
	m = cpu_map_load(dir, s->arch, s->ft, &e);
	if (m && cpu_map_feature(m, msg + sizeof(prefix) - 1))
		snprintf(buf, size, " (libvirt 11.3's map knows it: give --libvirt-version 11)");
	cpu_map_free(m);
	return buf;
}
