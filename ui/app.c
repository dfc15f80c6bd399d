/* app.c - the explorer's state: view-models built from core calls, the
 * guest CPU with undo, saving, key dispatch (see app.h). */
#include "app.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curses.h>

#include "session.h"
#include "compare.h"
#include "cpu_map.h"
#include "emit.h"
#include "err.h"
#include "host_load.h"
#include "explain.h"
#include "explain_doc.h"
#include "guest_build.h"
#include "logic.h"
#include "probe.h"
#include "vendor.h"
#include "userdata.h"

/* ---- small helpers ----------------------------------------------------- */

void app_status(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	a->status_role = role;
	a->need_redraw = true;
}

struct view *app_view(struct app *a, enum view_id id)
{
	return &a->views[id];
}

struct model_row *app_selected_model(struct app *a)
{
	struct view *v = &a->views[V_MODELS];

	if (!a->nshown)
		return NULL;
	if (v->sel >= a->nshown)
		v->sel = a->nshown - 1;
	return &a->models[a->shown[v->sel]];
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

/* The UI's own memory of how the model was chosen travels with undo. */
struct undo_rec {
	struct guest_cpu *g;
	char *base, *chosen;
	int version;
};

static void undo_rec_free(void *p)
{
	struct undo_rec *u = p;

	if (!u)
		return;
	guest_cpu_free(u->g);
	free(u->base);
	free(u->chosen);
	free(u);
}

void app_guest_checkpoint(struct app *a)
{
	struct undo_rec *u = xcalloc(1, sizeof(*u));

	u->g = guest_cpu_clone(a->guest);
	u->base = a->g_base ? xstrdup(a->g_base) : NULL;
	u->chosen = a->g_chosen ? xstrdup(a->g_chosen) : NULL;
	u->version = a->g_version;
	vec_push(&a->undo, u);
	if (a->undo.n > 200) {
		undo_rec_free(a->undo.v[0]);
		memmove(a->undo.v, a->undo.v + 1, (a->undo.n - 1) * sizeof(*a->undo.v));
		a->undo.n--;
	}
	a->dirty = true;
}

bool app_guest_undo(struct app *a)
{
	struct undo_rec *u;

	if (!a->undo.n)
		return false;
	u = a->undo.v[--a->undo.n];
	guest_cpu_free(a->guest);
	free(a->g_base);
	free(a->g_chosen);
	a->guest = u->g;
	a->g_base = u->base;
	a->g_chosen = u->chosen;
	a->g_version = u->version;
	free(u);
	a->dirty = a->undo.n > 0;
	return true;
}

bool app_load_guest(struct app *a, const struct guest_cpu *g)
{
	const char *chosen = g->model && g->mode == MODE_CUSTOM ? g->model : NULL;

	return app_guest_apply(a, guest_cpu_clone(g), chosen, GUEST_VERSION_AS_GIVEN);
}

/* ---- models ------------------------------------------------------------ */

static int model_row_cmp(const void *pa, const void *pb)
{
	const struct model_row *ra = pa, *rb = pb;

	return model_name_cmp(ra->mv.name, rb->mv.name);
}

static void build_models(struct app *a)
{
	struct fset blockers = FSET_INIT;
	const struct mdata *md = a->md;

	a->models = xcalloc(md->defs.n + 1, sizeof(*a->models));
	a->nmodels = 0;
	for (size_t i = 0; i < md->defs.n; i++) {
		struct model_row *r = &a->models[a->nmodels++];
		r->def = vec_get(&md->defs, i);
		model_view_init(a->ds, md, r->def, &r->mv);
		r->usable = model_usable(&r->mv, a->host, &blockers);
		/* CPU features only: 'kvm' or a start failure is no feature
		 * (BLK shows "acc": the accelerator is what is missing) */
		r->nblockers = r->usable == USABLE_NO ? blockers_features(a->ft, &blockers) : 0;
		r->psabi = r->mv.full ? psabi_level(a->ft, &r->mv.full->on) : -1;
		r->vendor = !strcmp(vendor_name(r->mv.vendor), "Intel") ? 0 :
			    !strcmp(vendor_name(r->mv.vendor), "AMD") ? 1 : 2;
	}
	qsort(a->models, a->nmodels, sizeof(*a->models), model_row_cmp);
	/* model_view points into itself (base_buf): re-init after moving */
	for (size_t i = 0; i < a->nmodels; i++)
		model_view_init(a->ds, md, a->models[i].def, &a->models[i].mv);
	a->shown = xcalloc(a->nmodels + 1, sizeof(*a->shown));
	fset_fini(&blockers);
}

void app_apply_filters(struct app *a)
{
	const char *keep = NULL;
	struct model_row *cur = app_selected_model(a);
	struct view *v = &a->views[V_MODELS];

	if (cur)
		keep = cur->mv.name;
	a->nshown = 0;
	for (size_t i = 0; i < a->nmodels; i++) {
		const struct model_row *r = &a->models[i];
		if (a->f_usable == 1 && r->usable != USABLE_YES)
			continue;
		if (a->f_usable == 0 && r->usable != USABLE_NO)
			continue;
		if (a->f_vendor >= 0 && r->vendor != a->f_vendor)
			continue;
		if (a->f_hide_deprecated && r->def->deprecated)
			continue;
		a->shown[a->nshown++] = i;
	}
	v->sel = 0;
	for (size_t i = 0; keep && i < a->nshown; i++)
		if (!strcmp(a->models[a->shown[i]].mv.name, keep))
			v->sel = i;
	v->top = 0;
}

bool app_select_model(struct app *a, const char *name)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < a->nshown; i++) {
			if (!strcmp(a->models[a->shown[i]].mv.name, name)) {
				a->views[V_MODELS].sel = i;
				app_handle_reaction(a, RE_MODEL);
				return true;
			}
		}
		/* not shown: clear the filters and try again */
		a->f_usable = -1;
		a->f_vendor = -1;
		a->f_hide_deprecated = false;
		app_apply_filters(a);
	}
	return false;
}

/* ---- grid -------------------------------------------------------------- */

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

void app_rebuild_grid(struct app *a)
{
	struct model_row *m = app_selected_model(a);
	struct err e;
	struct grid *g = NULL;

	grid_free(a->grid);
	a->grid = NULL;
	a->grid_err[0] = '\0';
	if (!m) {
		snprintf(a->grid_err, sizeof(a->grid_err), "no model selected (the filters hide them all)");
		return;
	}
	err_clear(&e);
	switch (a->grid_kind) {
	case GRID_VERSIONS:
		g = grid_build_versions(a->ds, a->md, m->mv.name, a->host, &e);
		break;
	case GRID_MACHINES:
		g = grid_build_machines(a->ds, NULL, 0, m->mv.name, a->host, &e);
		break;
	case GRID_MODELS: {
		const char **names = xcalloc(a->pinned.n + 2, sizeof(*names));
		size_t n = 0;
		bool have = false;
		for (size_t i = 0; i < a->pinned.n; i++) {
			names[n++] = a->pinned.v[i];
			have |= !strcmp(a->pinned.v[i], m->mv.name);
		}
		if (!have)
			names[n++] = m->mv.name;
		g = grid_build_models(a->ds, a->md, names, n, a->host, &e);
		free(names);
		break;
	}
	case GRID_QEMU:
		g = app_grid_qemu(a, m->mv.name, &e); /* ui/v_upgrade.c */
		break;
	case GRID_HOSTS: {
		const struct host **hs;
		const char **labels;
		size_t n = 0;
		const char *name = m->mv.name;
		app_load_extra_hosts(a);
		hs = xcalloc(a->extra_hosts.n + 2, sizeof(*hs));
		labels = xcalloc(a->extra_hosts.n + 2, sizeof(*labels));
		if (a->host && a->host->resolved) {
			hs[n] = a->host;
			labels[n++] = "this host";
		}
		for (size_t i = 0; i < a->extra_hosts.n; i++) {
			hs[n] = a->extra_hosts.v[i];
			labels[n++] = a->extra_labels.v[i];
		}
		g = grid_build_models(a->ds, a->md, &name, 1, a->host, &e);
		if (g) {
			grid_add_hosts(g, hs, labels, n);
			free(g->title);
			g->title = xasprintf("%s against %zu hosts", name, n);
		}
		free(hs);
		free(labels);
		break;
	}
	}
	if (!g) {
		char buf[1200];
		snprintf(a->grid_err, sizeof(a->grid_err), "%s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	grid_finish(g, a->grid_only_diff);
	if (a->grid_only_lacks)
		grid_keep_host_lacks(g);
	a->grid = g;
	view_clamp(&a->views[V_GRID], a);
}

/* ---- guest ------------------------------------------------------------- */

static struct guest_ctx app_guest_ctx(const struct app *a)
{
	struct guest_ctx ctx = { a->ds, a->md, a->host, a->host_label, a->map };

	return ctx;
}

/* The guest CPU as the user asked for it: the model as chosen (the
 * version is a->g_version), features as they are. */
struct guest_cpu *app_guest_spec(const struct app *a)
{
	struct guest_cpu *s = guest_cpu_clone(a->guest);

	if (s->model && a->g_chosen) {
		free(s->model);
		s->model = xstrdup(a->g_chosen);
	}
	return s;
}

bool app_guest_apply(struct app *a, struct guest_cpu *spec, const char *chosen, int version)
{
	struct guest_ctx ctx = app_guest_ctx(a);
	struct guest_built b;
	struct model_view mv;
	struct err e;
	char buf[1200];
	char *keep = chosen ? xstrdup(chosen) : NULL;

	err_clear(&e);
	if (!guest_build(&ctx, spec, spec->model ? version : GUEST_VERSION_AS_GIVEN, &b, &e)) {
		app_status(a, R_ERROR, "%s", err_str(&e, buf, sizeof(buf)));
		guest_cpu_free(spec);
		free(keep);
		return false;
	}
	app_guest_checkpoint(a);
	guest_cpu_free(a->guest);
	if (b.asked) { /* a custom model: the editor keeps its name and the user's policies */
		a->guest = b.asked;
		b.asked = NULL;
	} else {
		a->guest = b.cpu;
		b.cpu = NULL;
	}
	free(a->g_chosen);
	free(a->g_base);
	a->g_chosen = keep;
	a->g_base = keep ? xstrdup(model_lookup(a->ds, a->md, keep, &mv, NULL) ? mv.base : keep) : NULL;
	a->g_version = keep ? version : GUEST_VERSION_AS_GIVEN;
	guest_build_fini(&b);
	guest_cpu_free(spec);
	return true;
}

bool app_use_model(struct app *a, const char *name)
{
	struct guest_cpu *s = guest_cpu_clone(a->guest);

	if (s->mode != MODE_CUSTOM && s->mode != MODE_HOST_MODEL) {
		s->mode = MODE_CUSTOM;
		s->match = MATCH_UNSET;
	}
	free(s->model);
	s->model = xstrdup(name);
	return app_guest_apply(a, s, name, GUEST_VERSION_AS_GIVEN);
}

void app_cycle_version(struct app *a)
{
	struct vec vers = VEC_INIT;
	int maxv = 0, next;
	char why[512];

	if (!a->g_base || !a->guest->model) {
		app_status(a, R_WARN, "no model yet: press Enter on a model in the list (1)");
		return;
	}
	model_versions(a->md, a->g_base, &vers);
	for (size_t i = 0; i < vers.n; i++) {
		int v = model_version_of(((const struct cpu_def *)vers.v[i])->name, NULL, 0);
		if (v > maxv)
			maxv = v;
	}
	vec_fini(&vers, NULL);
	/* as chosen -> best -> v1 .. vN -> as chosen */
	if (a->g_version == GUEST_VERSION_AS_GIVEN)
		next = GUEST_VERSION_BEST;
	else if (a->g_version < 0)
		next = maxv ? 1 : GUEST_VERSION_AS_GIVEN;
	else if (a->g_version < maxv)
		next = a->g_version + 1;
	else
		next = GUEST_VERSION_AS_GIVEN;
	if (app_guest_apply(a, app_guest_spec(a), a->g_chosen, next))
		return;
	if (next != GUEST_VERSION_BEST)
		return; /* the status says why */
	/* no usable version: on to the next step of the cycle */
	snprintf(why, sizeof(why), "%s", a->status);
	next = maxv ? 1 : GUEST_VERSION_AS_GIVEN;
	if (app_guest_apply(a, app_guest_spec(a), a->g_chosen, next))
		app_status(a, R_WARN, "%s instead of best: %s", next ? "v1" : "the name as chosen", why);
}

void app_cycle_policy(struct app *a, const struct feature *f, bool clear)
{
	static const enum policy next[POLICY__COUNT] = {
		[POLICY_NONE] = POLICY_REQUIRE, [POLICY_REQUIRE] = POLICY_OPTIONAL,
		[POLICY_OPTIONAL] = POLICY_DISABLE, [POLICY_DISABLE] = POLICY_FORBID,
		[POLICY_FORBID] = POLICY_FORCE, [POLICY_FORCE] = POLICY_NONE,
	};
	enum policy p = app_policy_of(a, f), np = clear ? POLICY_NONE : next[p];
	struct guest_cpu *s;

	if (!f || (clear && p == POLICY_NONE))
		return;
	s = app_guest_spec(a);
	guest_cpu_set_feature_policy(s, a->ft, f, feature_libvirt_name(f), np);
	if (app_guest_apply(a, s, a->g_chosen, a->g_version))
		app_status(a, R_DEFAULT, "%s: %s", feature_libvirt_name(f),
			   np == POLICY_NONE ? "no policy (as the model has it)" : policy_name(np));
}

void app_rebuild_guest(struct app *a)
{
	struct model_view mv;

	/* the editor's rows: the model's features and the host's, and any
	 * feature with a policy */
	grid_free(a->g_rows);
	a->g_rows = grid_new(GRID_MODELS, a->ft, "guest");
	struct grid_col *mc = grid_add_col(a->g_rows, "model", NULL);
	mc->host = a->host;
	if (a->guest->model && a->guest->mode == MODE_CUSTOM &&
	    model_lookup(a->ds, a->md, a->guest->model, &mv, NULL) && mv.full) {
		model_features(&mv, &mc->on); /* s390x: groups as their features */
		mc->has_data = true;
	}
	struct grid_col *hc = grid_add_col(a->g_rows, "host", NULL);
	if (a->host && a->host->resolved) {
		fset_copy(&hc->on, &a->host->features);
		hc->has_data = true;
	}
	struct grid_col *pc = grid_add_col(a->g_rows, "policy", NULL);
	for (size_t i = 0; i < a->guest->features.n; i++) {
		const struct guest_feature *gf = a->guest->features.v[i];
		const struct feature *f = ftable_lookup(a->ft, gf->name);
		if (f)
			fset_add(&pc->on, f->id);
	}
	grid_finish(a->g_rows, false);
	view_clamp(&a->views[V_GUEST], a);

	/* output and lints: the guest as `cpuscope build` makes it */
	{
		struct guest_ctx ctx = app_guest_ctx(a);
		struct guest_built b;
		struct err e;
		char buf[1200];
		const struct vec *form_notes = NULL;

		free(a->out_text);
		vec_fini(&a->lints, free);
		err_clear(&e);
		if (!guest_build(&ctx, a->guest, GUEST_VERSION_AS_GIVEN, &b, &e)) {
			/* the data changed under it (a probe) */
			a->out_text = xasprintf("(not a valid CPU here: %s)\n", err_str(&e, buf, sizeof(buf)));
		} else if (a->out_form == GUEST_FORM_QEMU) {
			a->out_text = b.qemu ? xasprintf("-cpu %s\n", b.qemu) :
					       xasprintf("(no -cpu value: %s)\n", b.qemu_why ? b.qemu_why : "?");
		} else {
			const char *why, *t = guest_form_text(&b, a->out_form, &why, &form_notes);
			a->out_text = t ? xstrdup(t) : xasprintf("(no %s: %s)\n",
								 guest_form_title(a->out_form),
								 why ? why : "?");
		}
		a->lints = b.lints;
		memset(&b.lints, 0, sizeof(b.lints));
		for (size_t i = 0; form_notes && i < form_notes->n; i++) /* what the form leaves out */
			vec_push(&a->lints, xstrdup(form_notes->v[i]));
		guest_build_fini(&b);
	}

	/* verdict: can the host run it (libvirt's compare) */
	free(a->verdict);
	a->verdict = NULL;
	if (!a->host || !a->map || !a->host->resolved) {
		a->verdict = xstrdup("no host to compare with (give --host FILE)");
		a->verdict_role = R_DIM;
	} else if (a->guest->mode == MODE_CUSTOM && !a->guest->model) {
		a->verdict = xstrdup("no model yet: press Enter on a model in the list");
		a->verdict_role = R_DIM;
	} else if (a->guest->mode != MODE_CUSTOM) {
		a->verdict = xasprintf("%s: the host decides the CPU when the guest starts",
				       cpu_mode_name(a->guest->mode));
		a->verdict_role = R_GOOD;
	} else {
		struct cmp_report r;
		struct err e;
		struct guest_ctx gctx = app_guest_ctx(a);
		struct guest_cpu *rg = guest_custom_resolve(&gctx, a->guest); /* a custom model's base */
		memset(&r, 0, sizeof(r));
		err_clear(&e);
		if (!cpu_compare(a->host, rg ? rg : a->guest, a->map, a->s->libvirt, &r, &e)) {
			char buf[1200];
			a->verdict = xasprintf("cannot compare: %s", err_str(&e, buf, sizeof(buf)));
			a->verdict_role = R_WARN;
		} else if (r.result == CMP_INCOMPATIBLE) {
			a->verdict = xasprintf("%s: %s%s", cmp_result_name(r.result),
					       r.message ? r.message : "the host cannot run it",
					       lv_label(r.lv));
			a->verdict_role = R_BLOCKED;
		} else {
			a->verdict = xasprintf("%s: the host can run this CPU%s", cmp_result_name(r.result),
					       lv_label(r.lv));
			a->verdict_role = R_GOOD;
		}
		cmp_report_fini(&r);
		guest_cpu_free(rg);
	}
	a->views[V_OUTPUT].top = a->views[V_OUTPUT].top; /* keep the scroll position */
	view_clamp(&a->views[V_OUTPUT], a);
}

/* ---- explain ------------------------------------------------------------ */

/* The explain pane: the lines `cpuscope explain` prints, from the core's
 * explain_model() and explain_doc_build(). */
void app_rebuild_explain(struct app *a)
{
	struct model_row *m = app_selected_model(a);
	struct explanation x;
	struct err e;
	char buf[1200];

	explain_doc_fini(&a->explain);
	free(a->explain_err);
	a->explain_err = NULL;
	a->explain_fresh = true;
	if (!m) {
		a->explain_err = xstrdup("no model selected");
		return;
	}
	err_clear(&e);
	if (!explain_model(a->ds, a->md, a->host, m->mv.name, &x, &e)) {
		a->explain_err = xstrdup(err_str(&e, buf, sizeof(buf)));
		return;
	}
	session_model_notes(a->s, m->mv.name, &x.notes); /* not from the QEMU data: where from */
	explain_doc_build(&x, a->host_label, a->map, &a->explain);
	explanation_fini(&x);
}

void app_apply_fix(struct app *a, size_t i)
{
	const struct xd_action *f;
	struct guest_cpu *s;
	const char *chosen = a->g_chosen;
	int version = a->g_version;

	if (i >= a->explain.actions.n)
		return;
	f = a->explain.actions.v[i];
	s = app_guest_spec(a);
	if (f->model) {
		free(s->model);
		s->model = xstrdup(f->model);
		chosen = f->model;
		version = GUEST_VERSION_AS_GIVEN;
	}
	s->mode = f->mode;
	if (f->mode != MODE_CUSTOM) {
		/* host-model, host-passthrough: the host decides, so no model or policies */
		free(s->model);
		s->model = NULL;
		s->match = MATCH_UNSET;
		while (s->features.n) {
			char *name = xstrdup(((const struct guest_feature *)s->features.v[0])->name);
			guest_cpu_set_policy(s, name, POLICY_NONE);
			free(name);
		}
	}
	for (size_t k = 0; k < f->disable.n; k++)
		guest_cpu_set_policy(s, f->disable.v[k], POLICY_DISABLE);
	if (!app_guest_apply(a, s, chosen, version))
		return;
	app_status(a, R_GOOD, "applied: %s", f->label);
	app_handle_reaction(a, RE_GUEST);
	a->page = PAGE_GUEST;
	app_focus(a, V_OUTPUT);
}

/* ---- saving ------------------------------------------------------------- */

bool app_save(struct app *a, const char *path, bool overwrite)
{
	struct stat st;
	struct err e;
	char buf[1200];

	if (!overwrite && stat(path, &st) == 0) {
		char *p = xstrdup(path);
		free(a->save_path);
		a->save_path = p;
		a->popup = POP_CONFIRM_OVERWRITE;
		a->need_redraw = true;
		return false;
	}
	err_clear(&e);
	if (!a->out_text || a->out_text[0] == '(') {
		app_status(a, R_ERROR, "nothing to save: %s", a->out_text ? a->out_text : "no output");
		return false;
	}
	const char *text = a->out_text;
	size_t len = strlen(text);
	if (a->out_form == GUEST_FORM_QEMU && str_startswith(text, "-cpu ")) {
		text += 5; /* the value only, as `cpuscope build --format qemu` prints it */
		len -= 5;
	}
	if (!write_file_atomic(path, text, len, &e)) {
		app_status(a, R_ERROR, "save failed: %s", err_str(&e, buf, sizeof(buf)));
		return false;
	}
	if (path != a->save_path) {
		free(a->save_path);
		a->save_path = xstrdup(path);
	}
	a->dirty = false;
	app_status(a, R_GOOD, "saved %s to %s", a->out_form == GUEST_FORM_QEMU ? "the -cpu value" :
		   a->out_form == GUEST_FORM_XML ? "the <cpu> XML" : guest_form_title(a->out_form),
		   a->save_path);
	return true;
}

/* ---- live probe ---------------------------------------------------------- */

static void on_probe_progress(void *ctx, const struct probe_progress *p)
{
	struct app *a = ctx;
	static const char spin[] = "|/-\\";

	a->probe_spin++;
	snprintf(a->probe_status, sizeof(a->probe_status),
		 "%c %s %s: %zu/%zu machine types%s%s, %zu/%zu queries%s%s  (Esc cancels)",
		 spin[a->probe_spin % 4], a->probe_fill ? "loading the other machine types from" :
		 "probing", a->probe_binary ? a->probe_binary : "QEMU", p->done, p->total,
		 p->failed ? ", failed " : "", p->failed ? "some" : "", p->cmds_done, p->cmds_total,
		 p->message ? "; " : "", p->message ? p->message : "");
	a->need_redraw = true;
}

void app_probe_start(struct app *a, const char *spec)
{
	struct probe_opts o;
	struct err e;
	char buf[1200];
	struct vec words = VEC_INIT, machines = VEC_INIT;

	if (a->probe) {
		app_status(a, R_WARN, "a probe is already running (Esc cancels it)");
		return;
	}
	/* "BINARY [MACHINE,MACHINE...]" */
	for (const char *p = spec; *p;) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (q > p)
			vec_push(&words, xstrndup(p, (size_t)(q - p)));
		p = q;
	}
	if (!words.n) {
		app_status(a, R_WARN, "probe: which QEMU binary?");
		goto out;
	}
	if (words.n > 1)
		split_list(words.v[1], &machines);
	vec_push(&machines, NULL);
	memset(&o, 0, sizeof(o));
	o.binary = words.v[0];
	o.machines = words.n > 1 ? (const char *const *)machines.v : NULL;
	o.all_machines = words.n == 1;
	o.progress = on_probe_progress;
	o.ctx = a;
	err_clear(&e);
	free(a->probe_binary);
	a->probe_binary = xstrdup(words.v[0]);
	a->probe = probe_start(&o, a->ft, &e);
	if (!a->probe) {
		app_status(a, R_ERROR, "probe: %s", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	snprintf(a->probe_status, sizeof(a->probe_status), "probing %s: starting (Esc cancels)",
		 a->probe_binary);
	app_status(a, R_DEFAULT, "%s", "");
out:
	vec_fini(&machines, free);
	vec_fini(&words, free);
}

/* Put a new dataset in place of the old one: every view-model that points
 * into the old data is rebuilt; the guest CPU keeps its names. */
/* The view-models point into the data: drop them before the data changes,
 * rebuild them after (keep: the model to select again, or NULL). */
void app_views_drop(struct app *a)
{
	grid_free(a->grid);
	a->grid = NULL;
	grid_free(a->g_rows);
	a->g_rows = NULL;
	explain_doc_fini(&a->explain);
	free(a->models);
	free(a->shown);
	a->models = NULL;
	a->shown = NULL;
	a->nmodels = a->nshown = 0;
}

void app_views_rebuild(struct app *a, const char *keep)
{
	a->ds = a->s->ds;
	a->md = a->s->md;
	app_label_reference(a);
	a->views[V_MODELS].sel = a->views[V_MODELS].top = 0;
	build_models(a);
	app_apply_filters(a);
	if (keep && keep[0])
		for (size_t i = 0; i < a->nshown; i++)
			if (!strcmp(a->models[a->shown[i]].mv.name, keep))
				a->views[V_MODELS].sel = i;
	app_handle_reaction(a, RE_MODEL | RE_GUEST);
}

/* Put a new dataset in place of the old one: every view-model that points
 * into the old data is rebuilt; the guest CPU keeps its names. */
static void app_replace_data(struct app *a, struct dataset *ds)
{
	char keep[160] = "";
	struct model_row *cur = app_selected_model(a);

	if (cur)
		snprintf(keep, sizeof(keep), "%s", cur->mv.name);
	app_views_drop(a);
	session_replace_data(a->s, ds, a->probe_binary);
	app_views_rebuild(a, keep);
}

/* A live session starts with the machine type in use only (one QEMU, about
 * a second cold); the other machine types come in the background. */
void app_probe_fill(struct app *a)
{
	struct probe_opts o;
	struct err e;
	char buf[1200];
	size_t lacking = 0;

	for (size_t i = 0; i < a->ds->machines.n; i++) {
		const struct machine *m = vec_get(&a->ds->machines, i);
		lacking += !dataset_find_mdata(a->ds, m->name);
	}
	if (a->probe || !a->s->live || !a->s->qemu_binary || !lacking)
		return;
	memset(&o, 0, sizeof(o));
	o.binary = a->s->qemu_binary;
	o.accel = a->ds->accel;
	o.all_machines = true;
	o.progress = on_probe_progress;
	o.ctx = a;
	err_clear(&e);
	free(a->probe_binary);
	a->probe_binary = xstrdup(a->s->qemu_binary);
	a->probe = probe_start(&o, a->ft, &e);
	if (!a->probe) {
		app_status(a, R_WARN, "the other machine types: %s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	a->probe_fill = true;
	snprintf(a->probe_status, sizeof(a->probe_status),
		 "loading the other machine types from %s (Esc stops)", a->probe_binary);
}

void app_probe_done(struct app *a)
{
	struct err e;
	char buf[1200];
	struct dataset *ds;

	if (!a->probe)
		return;
	err_clear(&e);
	ds = probe_finish(a->probe, &e);
	a->probe = NULL;
	a->probe_status[0] = '\0';
	bool fill = a->probe_fill;
	a->probe_fill = false;
	if (!ds || !a->md || !ds->mdatas.n) {
		if (ds)
			dataset_free(ds);
		const char *why = ds ? "no data captured" : err_str(&e, buf, sizeof(buf));
		app_status(a, R_ERROR, "%s%s", str_startswith(why, "probe") ? "" : "probe: ", why);
		return;
	}
	size_t missing = ds->missing.n;
	app_replace_data(a, ds);
	if (!a->md) {
		app_status(a, R_ERROR, "probe: the new data has no machine types");
		return;
	}
	if (fill) {
		app_status(a, missing ? R_WARN : R_GOOD, "QEMU %s on this machine: %zu machine types%s",
			   ds->qemu_version ? ds->qemu_version : "?", ds->mdatas.n,
			   missing ? " (some failed; see cpuscope probe)" : "");
		return;
	}
	app_status(a, missing ? R_WARN : R_GOOD, "probed %s: QEMU %s, %zu machine types, %zu models on %s%s",
		   a->probe_binary, ds->qemu_version ? ds->qemu_version : "?", ds->mdatas.n, a->nmodels,
		   a->md->machine, missing ? " (some parts failed; see cpuscope probe)" : "");
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
	for (int i = 0; i < V__COUNT; i++)
		a->views[i].ops = all_ops[i];
	a->f_usable = -1;
	a->f_vendor = -1;
	a->grid_kind = GRID_VERSIONS;
	a->guest = guest_cpu_new();
	a->focus = V_MODELS;
	a->page = PAGE_GRID;
	build_models(a);
	app_apply_filters(a);
	app_rebuild_grid(a);
	app_rebuild_guest(a);
	app_rebuild_explain(a);
	a->need_redraw = true;
	if (s->warnings.n)
		app_status(a, R_WARN, "%s", (const char *)s->warnings.v[0]);
	else
		app_status(a, R_DEFAULT, "%zu models on %s; ? help, T tour, q quit", a->nmodels,
			   a->md->machine);
}

void app_fini(struct app *a)
{
	free(a->models);
	free(a->shown);
	vec_fini(&a->pinned, free);
	grid_free(a->grid);
	grid_free(a->g_rows);
	app_upgrade_fini(a);
	app_fleet_fini(a);
	app_hosts_fini(a);
	drift_ui_free(a);
	vec_fini(&a->extra_hosts, (void (*)(void *))host_free);
	host_free(a->cpuid_host);
	host_free(a->libvirt_host);
	vec_fini(&a->extra_labels, free);
	guest_cpu_free(a->guest);
	free(a->g_base);
	free(a->g_chosen);
	vec_fini(&a->undo, undo_rec_free);
	free(a->out_text);
	vec_fini(&a->lints, free);
	free(a->verdict);
	free(a->save_path);
	probe_free(a->probe);
	free(a->probe_binary);
	explain_doc_fini(&a->explain);
	free(a->explain_err);
	for (size_t i = 0; i < a->nhelp; i++)
		free(a->help_lines[i]);
	free(a->help_lines);
	sb_fini(&a->input);
	free(a->search);
}

/* ---- reactions and actions ---------------------------------------------- */

void app_handle_reaction(struct app *a, unsigned re)
{
	if (re & RE_FILTER) {
		app_apply_filters(a);
		re |= RE_MODEL;
	}
	if (re & (RE_MODEL | RE_GRID))
		app_rebuild_grid(a);
	if (re & RE_MODEL)
		app_rebuild_explain(a);
	if (re & RE_GUEST) {
		app_rebuild_guest(a);
		if (a->hosts_built) {
			app_hosts_compare(a);
			/* the details show the new verdict from their top */
			a->views[V_HOSTINFO].sel = a->views[V_HOSTINFO].top = 0;
		}
	}
	if (re)
		a->need_redraw = true;
}

static void open_help(struct app *a)
{
	struct view *v = &a->views[V_HELP];

	for (size_t i = 0; i < a->nhelp; i++)
		free(a->help_lines[i]);
	free(a->help_lines);
	a->help_lines = NULL;
	a->help_for = a->focus;
	a->nhelp = keys_help_lines(a->views[a->focus].ops->keymap, &a->help_lines);
	v->sel = v->top = 0;
	a->popup = POP_HELP;
}

static void search_step(struct app *a, bool forward, bool include_current)
{
	struct view *v = &a->views[a->popup == POP_HELP ? V_HELP : a->focus];
	size_t n = v->ops->rows(a);
	const char *needle = a->prompt == PROMPT_SEARCH ? sb_str(&a->input) : a->search;

	if (!v->ops->match) {
		app_status(a, R_WARN, "the %s pane cannot be searched", v->ops->name);
		return;
	}
	if (!needle || !*needle || !n)
		return;
	for (size_t k = include_current ? 0 : 1; k <= n; k++) {
		size_t i = forward ? (v->sel + k) % n : (v->sel + n - k % n) % n;
		if (v->ops->match(a, i, needle)) {
			bool wrapped = forward ? i < v->sel : i > v->sel;
			v->sel = i;
			if (v->sel < v->top || v->sel >= v->top + (size_t)(v->page_rows > 0 ? v->page_rows : 1))
				v->top = v->sel > (size_t)v->page_rows / 2 ? v->sel - (size_t)v->page_rows / 2 : 0;
			view_clamp(v, a);
			if (v->ops->on_select)
				app_handle_reaction(a, v->ops->on_select(v, a));
			if (a->prompt != PROMPT_SEARCH)
				app_status(a, R_DEFAULT, "/%s%s", needle, wrapped ? " (wrapped)" : "");
			a->need_redraw = true;
			return;
		}
	}
	app_status(a, R_WARN, "not found: %s", needle);
}

static void start_prompt(struct app *a, enum prompt_kind k, const char *initial)
{
	a->prompt = k;
	sb_reset(&a->input);
	if (initial)
		sb_add(&a->input, initial);
	a->search_origin = a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel;
	a->need_redraw = true;
}

static void prompt_key(struct app *a, int key)
{
	if (key == 27) {
		if (a->prompt == PROMPT_SEARCH)
			a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel = a->search_origin;
		a->prompt = PROMPT_NONE;
		app_status(a, R_DEFAULT, "cancelled");
		app_handle_reaction(a, a->focus == V_MODELS ? RE_MODEL : RE_REDRAW);
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		enum prompt_kind k = a->prompt;
		a->prompt = PROMPT_NONE;
		if (k == PROMPT_SEARCH) {
			free(a->search);
			a->search = xstrdup(sb_str(&a->input));
			search_step(a, true, true);
		} else if (k == PROMPT_SAVE && a->input.len) {
			app_save(a, sb_str(&a->input), false);
		} else if (k == PROMPT_PROBE && a->input.len) {
			app_probe_start(a, sb_str(&a->input));
		} else if (k == PROMPT_MACHINE && a->input.len) {
			app_machine_set(a, sb_str(&a->input));
		}
		a->need_redraw = true;
		return;
	}
	if (key == 21) { /* C-u clears the line */
		sb_reset(&a->input);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (a->input.len) {
			/* drop one UTF-8 character */
			do
				a->input.len--;
			while (a->input.len && ((unsigned char)a->input.s[a->input.len] & 0xc0) == 0x80);
			a->input.s[a->input.len] = '\0';
		}
	} else if (key >= 32 && key < 256 && key != 127) {
		sb_addc(&a->input, (char)key);
	} else {
		return;
	}
	if (a->prompt == PROMPT_SEARCH) {
		a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel = a->search_origin;
		search_step(a, true, true);
	}
	a->need_redraw = true;
}

static void tour_show(struct app *a, int step)
{
	char *text;

	if (step < 0)
		step = 0;
	if ((size_t)step >= tour_steps()) {
		a->popup = POP_NONE;
		app_status(a, R_GOOD, "tour finished; T starts it again, ? shows every key");
		return;
	}
	a->tour_step = step;
	a->popup = POP_TOUR;
	text = tour_enter(a, (size_t)step);
	for (size_t i = 0; i < a->nhelp; i++)
		free(a->help_lines[i]);
	free(a->help_lines);
	/* split the text into lines */
	struct vec v = VEC_INIT;
	for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		vec_push(&v, xstrndup(s, nl ? (size_t)(nl - s) : strlen(s)));
		if (!nl)
			break;
	}
	free(text);
	a->help_lines = (char **)v.v;
	a->nhelp = v.n;
	a->need_redraw = true;
}

void app_action(struct app *a, enum action act)
{
	struct view *v = &a->views[a->focus];
	unsigned re;

	if (act == ACT_NONE)
		return;
	/* the focused view first */
	re = v->ops->on_action ? v->ops->on_action(v, a, act) : 0;
	if (re & RE_HANDLED) {
		app_handle_reaction(a, re & ~RE_HANDLED);
		a->need_redraw = true;
		return;
	}
	switch (act) {
	case ACT_QUIT:
		if (a->dirty) {
			a->popup = POP_CONFIRM_QUIT;
		} else {
			a->quit = true;
		}
		break;
	case ACT_HELP:
		open_help(a);
		break;
	case ACT_TOUR:
		tour_show(a, 0);
		break;
	case ACT_PANE_MODELS:
		app_focus(a, V_MODELS);
		break;
	case ACT_PANE_GRID:
		a->page = PAGE_GRID;
		app_focus(a, V_GRID);
		break;
	case ACT_PANE_GUEST:
		a->page = PAGE_GUEST;
		app_focus(a, V_GUEST);
		break;
	case ACT_EXPLAIN:
	case ACT_PANE_EXPLAIN:
		a->page = PAGE_EXPLAIN;
		app_focus(a, V_EXPLAIN);
		break;
	case ACT_PANE_GLOSSARY:
		a->page = PAGE_GLOSSARY;
		app_focus(a, V_GLOSSARY);
		break;
	case ACT_PANE_UPGRADE:
		app_focus(a, V_UPGRADE);
		break;
	case ACT_PANE_FLEET:
		app_focus(a, V_FLEET);
		break;
	case ACT_PANE_HOSTS:
		a->page = PAGE_HOSTS;
		app_focus(a, V_HOSTS);
		break;
	case ACT_PANE_DRIFT:
		app_focus(a, V_DRIFT);
		break;
	case ACT_NEXT_PANE:
	case ACT_PREV_PANE: {
		enum view_id order[3];
		int n = 0, cur = 0;
		order[n++] = V_MODELS;
		switch (a->page) {
		case PAGE_GRID: order[n++] = V_GRID; break;
		case PAGE_GUEST: order[n++] = V_GUEST; order[n++] = V_OUTPUT; break;
		case PAGE_EXPLAIN: order[n++] = V_EXPLAIN; break;
		case PAGE_HOSTS: order[n++] = V_HOSTS; order[n++] = V_HOSTINFO; break;
		case PAGE_UPGRADE: order[n++] = V_UPGRADE; break;
		case PAGE_DRIFT: order[n++] = V_DRIFT; break;
		case PAGE_FLEET: order[n++] = V_FLEET; break;
		default: order[n++] = V_GLOSSARY; break;
		}
		for (int i = 0; i < n; i++)
			if (order[i] == a->focus)
				cur = i;
		cur = act == ACT_NEXT_PANE ? (cur + 1) % n : (cur + n - 1) % n;
		app_focus(a, order[cur]);
		break;
	}
	case ACT_REDRAW:
		a->full_redraw = true;
		break;
	case ACT_CANCEL:
		if (a->probe) {
			probe_cancel(a->probe);
			app_status(a, R_WARN, "probe: cancelling");
			break;
		}
		if (a->search) {
			free(a->search);
			a->search = NULL;
		}
		app_status(a, R_DEFAULT, "%s", "");
		break;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
	case ACT_FIRST:
	case ACT_LAST:
		app_handle_reaction(a, view_move(v, a, act));
		break;
	case ACT_SEARCH:
		if (!v->ops->match) {
			app_status(a, R_WARN, "the %s pane cannot be searched", v->ops->name);
			break;
		}
		start_prompt(a, PROMPT_SEARCH, NULL);
		break;
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		if (!a->search)
			app_status(a, R_WARN, "no search yet: press / first");
		else
			search_step(a, act == ACT_SEARCH_NEXT, false);
		break;
	case ACT_SAVE:
		if (!a->out_text || a->out_text[0] == '(' ||
		    (a->guest->mode == MODE_CUSTOM && !a->guest->model)) {
			app_status(a, R_WARN, "nothing to save yet: press Enter on a model first");
			break;
		}
		start_prompt(a, PROMPT_SAVE, a->save_path ? a->save_path :
			     a->out_form == GUEST_FORM_XML ? "guest-cpu.xml" : "guest-cpu.txt");
		break;
	case ACT_UNDO:
		if (app_guest_undo(a)) {
			app_status(a, R_DEFAULT, "undone (%zu more to undo)", a->undo.n);
			app_handle_reaction(a, RE_GUEST);
		} else {
			app_status(a, R_WARN, "nothing to undo");
		}
		break;
	case ACT_OUTPUT_TOGGLE:
		a->out_form = (a->out_form + 1) % GUEST_FORMS;
		app_status(a, R_DEFAULT, "output: %s", guest_form_title(a->out_form));
		app_handle_reaction(a, RE_GUEST);
		break;
	case ACT_COPY:
		if (a->out_text) {
			term_osc52(a->out_text);
			app_status(a, R_GOOD, "copied the %s to the clipboard (OSC 52)",
				   a->out_form == GUEST_FORM_QEMU ? "-cpu value" :
				   a->out_form == GUEST_FORM_XML ? "XML" : guest_form_title(a->out_form));
		}
		break;
	case ACT_PROBE:
		if (a->probe) {
			app_status(a, R_WARN, "a probe is already running (Esc cancels it)");
			break;
		}
		start_prompt(a, PROMPT_PROBE, a->probe_binary ? a->probe_binary :
			     a->ds->arch == ARCH_S390X ? "qemu-system-s390x" : "qemu-system-x86_64");
		break;
	case ACT_REFERENCE:
		app_reference_next(a);
		break;
	case ACT_MACHINE:
		start_prompt(a, PROMPT_MACHINE, a->md->machine);
		break;
	case ACT_PIN:
	case ACT_POLICY:
	case ACT_POLICY_CLEAR:
	case ACT_CHOOSE_HOST:
	case ACT_CHOOSE_ALL:
	case ACT_BASELINE:
	case ACT_LOAD_BASELINE:
		app_status(a, R_WARN, "%s: not here (%s pane)", action_name(act), v->ops->name);
		break;
	default:
		break;
	}
	a->need_redraw = true;
}

void app_key(struct app *a, int key)
{
	enum action act;

	if (key == KEY_RESIZE) {
		a->full_redraw = true;
		a->need_redraw = true;
		return;
	}
	if (key == KEY_MOUSE) {
		app_mouse(a);
		return;
	}
	if (a->prompt != PROMPT_NONE) {
		prompt_key(a, key);
		return;
	}
	switch (a->popup) {
	case POP_CONFIRM_QUIT:
	case POP_CONFIRM_OVERWRITE:
		act = keys_lookup(KM_PROMPT, key);
		if (act == ACT_YES) {
			enum popup p = a->popup;
			a->popup = POP_NONE;
			if (p == POP_CONFIRM_QUIT)
				a->quit = true;
			else
				app_save(a, a->save_path, true);
		} else if (act == ACT_NO) {
			bool q = a->popup == POP_CONFIRM_QUIT;
			a->popup = POP_NONE;
			app_status(a, R_DEFAULT, "%s", q ? "not quitting" : "not saved");
		}
		a->need_redraw = true;
		return;
	case POP_HELP: {
		struct view *v = &a->views[V_HELP];
		act = keys_lookup(KM_GLOBAL, key);
		if (act == ACT_CANCEL || act == ACT_HELP || act == ACT_QUIT) {
			a->popup = POP_NONE;
		} else if (act == ACT_SEARCH) {
			start_prompt(a, PROMPT_SEARCH, NULL);
		} else if (act == ACT_SEARCH_NEXT || act == ACT_SEARCH_PREV) {
			if (a->search)
				search_step(a, act == ACT_SEARCH_NEXT, false);
		} else {
			view_move(v, a, act);
		}
		a->need_redraw = true;
		return;
	}
	case POP_TOUR:
		act = keys_lookup(KM_TOUR, key);
		if (act == ACT_ACTIVATE || act == ACT_RIGHT || act == ACT_SEARCH_NEXT)
			tour_show(a, a->tour_step + 1);
		else if (act == ACT_TOUR_BACK || act == ACT_LEFT)
			tour_show(a, a->tour_step - 1);
		else if (act == ACT_CANCEL || act == ACT_QUIT || act == ACT_TOUR) {
			a->popup = POP_NONE;
			app_status(a, R_DEFAULT, "tour closed; T starts it again");
		}
		a->need_redraw = true;
		return;
	default:
		break;
	}
	act = keys_lookup(app_keymap(a), key);
	if (act == ACT_NONE) {
		char kb[32];
		app_status(a, R_DIM, "%s: no action here (? shows the keys)", keys_name(key, kb, sizeof(kb)));
		return;
	}
	app_action(a, act);
}
