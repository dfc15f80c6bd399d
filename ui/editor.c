/* editor.c - the guest CPU the editor builds: undo, every change through
 * guest_build() (as `cpuscope build`), the editor's rows, its output (XML
 * or -cpu), lints and compare verdict, and saving it (see app.h). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "emit.h"
#include "err.h"
#include "guest_build.h"
#include "logic.h"
#include "session.h"

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

/* The guest as it is now, for the undo or the redo stack. */
static struct undo_rec *undo_rec_now(const struct app *a)
{
	struct undo_rec *u = xcalloc(1, sizeof(*u));

	u->g = guest_cpu_clone(a->guest);
	u->base = a->g_base ? xstrdup(a->g_base) : NULL;
	u->chosen = a->g_chosen ? xstrdup(a->g_chosen) : NULL;
	u->version = a->g_version;
	return u;
}

/* Make u the guest (taking it). */
static void undo_rec_restore(struct app *a, struct undo_rec *u)
{
	guest_cpu_free(a->guest);
	free(a->g_base);
	free(a->g_chosen);
	a->guest = u->g;
	a->g_base = u->base;
	a->g_chosen = u->chosen;
	a->g_version = u->version;
	free(u);
}

/* [modified]: the guest differs from the one saved last (or the one the
 * explorer started with), however it got there: undoing back to the saved
 * guest is not a modification. */
static void update_dirty(struct app *a)
{
	char *xml = emit_guest_xml(a->guest, a->ft, 0);

	a->dirty = !a->saved_xml || strcmp(xml, a->saved_xml) != 0;
	free(xml);
}

/* The guest as it is now is the saved one. */
static void mark_saved(struct app *a)
{
	free(a->saved_xml);
	a->saved_xml = emit_guest_xml(a->guest, a->ft, 0);
	a->dirty = false;
}

void app_guest_init(struct app *a)
{
	a->guest = guest_cpu_new();
	mark_saved(a);
}

void app_guest_checkpoint(struct app *a)
{
	vec_push(&a->undo, undo_rec_now(a));
	if (a->undo.n > 200) {
		undo_rec_free(a->undo.v[0]);
		memmove(a->undo.v, a->undo.v + 1, (a->undo.n - 1) * sizeof(*a->undo.v));
		a->undo.n--;
	}
	/* a new change: what was undone cannot be redone any more */
	vec_fini(&a->redo, undo_rec_free);
}

bool app_guest_undo(struct app *a)
{
	if (!a->undo.n)
		return false;
	vec_push(&a->redo, undo_rec_now(a));
	undo_rec_restore(a, a->undo.v[--a->undo.n]);
	update_dirty(a);
	return true;
}

bool app_guest_redo(struct app *a)
{
	if (!a->redo.n)
		return false;
	vec_push(&a->undo, undo_rec_now(a));
	undo_rec_restore(a, a->redo.v[--a->redo.n]);
	update_dirty(a);
	return true;
}

bool app_load_guest(struct app *a, const struct guest_cpu *g)
{
	const char *chosen = g->model && g->mode == MODE_CUSTOM ? g->model : NULL;

	return app_guest_apply(a, guest_cpu_clone(g), chosen, GUEST_VERSION_AS_GIVEN);
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
	update_dirty(a);
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
	if (app_guest_apply(a, s, a->g_chosen, a->g_version)) {
		/* named as the pane shows it: the grid by QEMU's name, the editor
		 * by libvirt's; the other spelling where it differs */
		bool grid = a->focus == V_GRID;
		const char *shown = grid ? f->name : feature_libvirt_name(f);
		const char *other = grid ? feature_libvirt_name(f) : f->name;
		char also[96] = "";
		if (strcmp(shown, other))
			snprintf(also, sizeof(also), " (%s %s)", grid ? "libvirt" : "QEMU", other);
		app_status(a, R_DEFAULT, "%s%s: %s", shown, also,
			   np == POLICY_NONE ? "no policy (as the model has it)" : policy_name(np));
	}
}

/* The guest CPU's output, lints and verdict (the editor's rows are the
 * guest view's, v_guest.c). */
void app_rebuild_guest(struct app *a)
{
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
	if (a->ds->arch == ARCH_S390X) {
		/* QEMU's to answer, which may take a QEMU start: the hosts pane asks */
		a->verdict = xstrdup("on s390x the verdict is QEMU's: the hosts pane (6) asks it");
		a->verdict_role = R_DIM;
	} else if (!a->host || !a->map || !a->host->resolved) {
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
	view_clamp(&a->views[V_OUTPUT], a); /* keep the scroll position */
}

struct guest_stash *app_guest_stash(struct app *a)
{
	struct guest_stash *st = xcalloc(1, sizeof(*st));

	st->guest = a->guest;
	st->g_base = a->g_base;
	st->g_chosen = a->g_chosen;
	st->g_version = a->g_version;
	st->undo = a->undo;
	st->redo = a->redo;
	st->saved_xml = a->saved_xml;
	st->dirty = a->dirty;
	a->g_base = a->g_chosen = a->saved_xml = NULL;
	a->g_version = GUEST_VERSION_AS_GIVEN;
	memset(&a->undo, 0, sizeof(a->undo));
	memset(&a->redo, 0, sizeof(a->redo));
	app_guest_init(a);
	return st;
}

static void guest_drop(struct app *a)
{
	guest_cpu_free(a->guest);
	free(a->g_base);
	free(a->g_chosen);
	vec_fini(&a->undo, undo_rec_free);
	vec_fini(&a->redo, undo_rec_free);
	free(a->saved_xml);
}

void app_guest_unstash(struct app *a, struct guest_stash *st)
{
	guest_drop(a);
	a->guest = st->guest;
	a->g_base = st->g_base;
	a->g_chosen = st->g_chosen;
	a->g_version = st->g_version;
	a->undo = st->undo;
	a->redo = st->redo;
	a->saved_xml = st->saved_xml;
	a->dirty = st->dirty;
	free(st);
}

bool app_dirty(const struct app *a)
{
	return a->tour_stash ? a->tour_stash->dirty : a->dirty;
}

void app_guest_fini(struct app *a)
{
	guest_drop(a);
	free(a->out_text);
	vec_fini(&a->lints, free);
	free(a->verdict);
	free(a->save_path);
}

/* ---- saving ------------------------------------------------------------- */

/* ~/x.xml and ~user/x.xml as a shell reads them (the prompt is no shell;
 * the path stays as typed for the status and the next prompt). */
static char *expand_home(const char *path)
{
	const char *home = NULL, *rest = path;
	char user[256];

	if (path[0] != '~')
		return xstrdup(path);
	rest = strchr(path, '/');
	if (!rest)
		rest = path + strlen(path);
	if (rest == path + 1) {
		home = getenv("HOME");
	} else if ((size_t)(rest - path - 1) < sizeof(user)) {
		struct passwd *pw;
		memcpy(user, path + 1, (size_t)(rest - path - 1));
		user[rest - path - 1] = '\0';
		pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || !*home)
		return xstrdup(path); /* no such user: the name as it is */
	return xasprintf("%s%s", home, rest);
}

bool app_save(struct app *a, const char *path, bool overwrite)
{
	struct stat st;
	struct err e;
	char buf[1200];
	char *file = expand_home(path);
	bool ok = false;

	if (!overwrite && stat(file, &st) == 0) {
		char *p = xstrdup(path);
		free(a->save_path);
		a->save_path = p;
		a->popup = POP_CONFIRM_OVERWRITE;
		a->need_redraw = true;
		goto out;
	}
	err_clear(&e);
	if (!a->out_text || a->out_text[0] == '(') {
		app_status(a, R_ERROR, "nothing to save: %s", a->out_text ? a->out_text : "no output");
		goto out;
	}
	const char *text = a->out_text;
	size_t len = strlen(text);
	if (a->out_form == GUEST_FORM_QEMU && str_startswith(text, "-cpu ")) {
		text += 5; /* the value only, as `cpuscope build --format qemu` prints it */
		len -= 5;
	}
	if (!write_file_atomic(file, text, len, &e)) {
		app_status(a, R_ERROR, "save failed: %s", err_str(&e, buf, sizeof(buf)));
		goto out;
	}
	if (path != a->save_path) {
		free(a->save_path);
		a->save_path = xstrdup(path);
	}
	mark_saved(a);
	app_status(a, R_GOOD, "saved %s to %s", a->out_form == GUEST_FORM_QEMU ? "the -cpu value" :
		   a->out_form == GUEST_FORM_XML ? "the <cpu> XML" : guest_form_title(a->out_form),
		   a->save_path);
	ok = true;
out:
	free(file);
	return ok;
}
