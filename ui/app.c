/* app.c - the explorer's state: init and fini, the views' table, the
 * extra hosts of data/hosts, dropping and rebuilding the view-models when
 * the data changes, and the reactions to a change (see app.h).  The
 * guest CPU is in editor.c, keys and prompts in input.c, the live probe in
 * live.c, each view's model in its v_*.c. */
#include "app.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session.h"
#include "err.h"
#include "host_load.h"
#include "probe.h"

/* ---- small helpers ----------------------------------------------------- */

void app_status(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	a->status_role = role;
	a->status_seq++;
	a->need_redraw = true;
}

struct view *app_view(struct app *a, enum view_id id)
{
	return &a->views[id];
}


const char *policy_letter(enum policy p)
{
	static const char *const letters[POLICY__COUNT] = { " ", "F", "R", "O", "D", "X" };

	return (unsigned)p < POLICY__COUNT ? letters[p] : "?";
}

enum policy app_policy_of(const struct app *a, const struct feature *f)
{
	const struct guest_feature *gf;

	if (!a->guest || !f)
		return POLICY_NONE;
	gf = guest_cpu_feature_of(a->guest, a->ft, f);
	return gf ? gf->policy : POLICY_NONE;
}

/* ---- the extra hosts -------------------------------------------------------------- */

void app_load_extra_hosts(struct app *a)
{
	char dir[PATH_MAX + 16];
	struct dirent **ents = NULL;
	int n;

	struct stat main_st;
	bool have_main = false;

	if (a->extra_loaded)
		return;
	a->extra_loaded = true;
	/* the --host file is not an extra host, however its path is spelled
	 * (build-san/../data/hosts/x.xml is data/hosts/x.xml) */
	if (a->s->o.host_file && stat(a->s->o.host_file, &main_st) == 0)
		have_main = true;
	snprintf(dir, sizeof(dir), "%s/hosts", a->s->datadir);
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char path[PATH_MAX + 300];
		struct err e;
		struct stat st;
		struct host *h;
		if (nm[0] == '.' || (!str_endswith(nm, ".xml") && !str_endswith(nm, ".json")))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		if (a->s->o.host_file && !strcmp(path, a->s->o.host_file))
			goto next;
		if (have_main && stat(path, &st) == 0 && st.st_dev == main_st.st_dev &&
		    st.st_ino == main_st.st_ino)
			goto next;
		err_clear(&e);
		h = host_load(path, a->ft, &e);
		if (!h)
			goto next;
		if (h->arch != a->ds->arch || (!h->resolved && (!a->map || !host_resolve(h, a->map, &e)))) {
			host_free(h);
			goto next;
		}
		vec_push(&a->extra_hosts, h);
		vec_push(&a->extra_labels, xstrdup(nm));
next:
		free(ents[i]);
	}
	free(ents);
}

void app_views_drop(struct app *a)
{
	for (int i = 0; i < V__COUNT; i++)
		if (a->views[i].ops->drop)
			a->views[i].ops->drop(&a->views[i], a);
}

void app_views_rebuild(struct app *a, const char *keep)
{
	a->ds = a->s->ds;
	a->md = a->s->md;
	app_label_reference(a);
	app_models_build(a, keep);
	app_handle_reaction(a, RE_MODEL | RE_GUEST);
}

/* ---- init / fini ------------------------------------------------------ */

static const struct view_ops *const all_ops[V__COUNT] = {
	[V_MODELS] = &models_ops, [V_GRID] = &grid_ops, [V_GUEST] = &guest_ops,
	[V_OUTPUT] = &output_ops, [V_EXPLAIN] = &explain_ops, [V_GLOSSARY] = &glossary_ops,
	[V_HOSTS] = &hosts_ops, [V_HOSTINFO] = &hostinfo_ops, [V_UPGRADE] = &upgrade_ops,
	[V_FLEET] = &fleet_ops, [V_HELP] = &help_ops, [V_DRIFT] = &drift_ops,
};

/* Whose verdict, short enough for the header ("usable on ..."): the host
 * in use (a->host, which R switches), else QEMU's own. */
void app_label_reference(struct app *a)
{
	const struct session *s = a->s;
	const char *src = session_reference(s);
	const char *slash;

	if (a->host && a->host->kind == HOST_CPUID) {
		snprintf(a->host_label, sizeof(a->host_label), "this CPU's CPUID%s",
			 s->no_qemu ? " (no QEMU installed)" : "");
	} else if (a->host) {
		src = a->host->source ? a->host->source : host_kind_name(a->host->kind);
		/* a file by its name; "libvirt qemu:///system domcapabilities" whole */
		slash = str_startswith(src, "libvirt ") ? NULL : strrchr(src, '/');
		snprintf(a->host_label, sizeof(a->host_label), "%s", slash ? slash + 1 : src);
	} else if (s->live) {
		snprintf(a->host_label, sizeof(a->host_label), "this machine's QEMU");
	} else if (s->bundled) {
		snprintf(a->host_label, sizeof(a->host_label), "the bundled snapshot");
	} else {
		const char *file = s->o.snapshot ? s->o.snapshot : s->qemu_binary;
		slash = file ? strrchr(file, '/') : NULL;
		snprintf(a->host_label, sizeof(a->host_label), "QEMU %s (%s) of %s",
			 a->ds->qemu_version ? a->ds->qemu_version : "?", a->ds->accel ? a->ds->accel : "?",
			 slash ? slash + 1 : file ? file : "the data");
	}
}

void app_init(struct app *a, struct session *s)
{
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->ft = s->ft;
	a->ds = s->ds;
	a->md = s->md;
	a->host = s->host;
	a->map = s->map;
	app_label_reference(a);
	app_guest_init(a);
	a->focus = V_MODELS;
	a->page = PAGE_GRID;
	for (int i = 0; i < V__COUNT; i++) {
		struct view *v = &a->views[i];
		v->ops = all_ops[i];
		if (v->ops->private_size)
			v->private = xcalloc(1, v->ops->private_size);
		if (v->ops->open)
			v->ops->open(v, a);
	}
	app_models_build(a, NULL);
	app_handle_reaction(a, RE_MODEL | RE_GUEST);
	a->need_redraw = true;
	if (s->warnings.n)
		app_status(a, R_WARN, "%s", (const char *)s->warnings.v[0]);
	else
		app_status(a, R_DEFAULT, "%zu models on %s; ? help, T tour, q quit", app_models_count(a),
			   a->md->machine);
	a->status_page = a->page;
}

void app_fini(struct app *a)
{
	app_tour_fini(a);
	for (int i = 0; i < V__COUNT; i++) {
		struct view *v = &a->views[i];
		if (v->ops && v->ops->done)
			v->ops->done(v, a);
		free(v->private);
		v->private = NULL;
	}
	vec_fini(&a->extra_hosts, (void (*)(void *))host_free);
	host_free(a->cpuid_host);
	host_free(a->libvirt_host);
	vec_fini(&a->extra_labels, free);
	app_guest_fini(a);
	probe_free(a->probe);
	free(a->probe_binary);
	sb_fini(&a->input);
	free(a->search);
}

/* ---- reactions and actions ---------------------------------------------- */

/* The guest CPU's output first (it is shared), then each view rebuilds
 * its own view-model; the models list is first, so a filter change has
 * moved the selection before the grid and explain ask for it. */
void app_handle_reaction(struct app *a, unsigned re)
{
	if (re & RE_FILTER)
		re |= RE_MODEL;
	if (re & RE_GUEST)
		app_rebuild_guest(a);
	if (re & (RE_FILTER | RE_MODEL | RE_GRID | RE_GUEST))
		for (int i = 0; i < V__COUNT; i++)
			if (a->views[i].ops->refresh)
				a->views[i].ops->refresh(&a->views[i], a, re);
	if (re)
		a->need_redraw = true;
}

