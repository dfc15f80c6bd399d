/* tour.c - the guided tour: "why does Haswell fail on this host, and what
 * are my options", told from the loaded data (any host, any snapshot). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTEPS 7

size_t tour_steps(void)
{
	return NSTEPS;
}

/* Haswell, or else the first blocked model, or the first model. */
static const char *tour_model(struct app *a)
{
	const char *blocked = NULL;

	for (size_t i = 0; i < app_models_count(a); i++) {
		const struct model_row *r = app_model_at(a, i);
		if (!strcmp(r->mv.name, "Haswell"))
			return "Haswell";
		if (!blocked && r->usable == USABLE_NO)
			blocked = r->mv.name;
	}
	return blocked ? blocked : app_models_count(a) ? app_model_at(a, 0)->mv.name : NULL;
}

static void list_blockers(struct app *a, const struct model_row *m, struct strbuf *sb)
{
	struct fset blk = FSET_INIT;
	const char **names;
	size_t n = 0;

	model_usable(&m->mv, a->host, &blk);
	names = xcalloc(fset_count(&blk) + 1, sizeof(*names));
	/* QEMU's names, as the explain pane and the grid spell them */
	for (int id = fset_next(&blk, 0); id >= 0; id = fset_next(&blk, (unsigned)id + 1))
		names[n++] = ftable_get(a->ft, (unsigned)id)->name;
	sb_add_list(sb, names, n, 8);
	free(names);
	fset_fini(&blk);
}

char *tour_enter(struct app *a, size_t i)
{
	const char *name = tour_model(a);
	struct model_row *m;
	struct strbuf sb = STRBUF_INIT;

	if (!name)
		return xstrdup("There are no models to show.");
	if (i == 0)
		app_models_show_all(a);
	m = app_selected_model(a);
	if (!m || strcmp(m->mv.name, name))
		app_select_model(a, name);
	m = app_selected_model(a);
	switch (i) {
	case 0:
		app_focus(a, V_MODELS);
		a->page = PAGE_GRID;
		sb_addf(&sb, "Welcome to cpuscope. On the left: every CPU model of QEMU %s on machine "
			     "type %s. %s marks a model this host (%s) can run; %s a blocked one, with "
			     "the number of features that block it (BLK).\n",
			a->ds->qemu_version ? a->ds->qemu_version : "?", a->md->machine,
			glyph(G_USABLE), a->host_label, glyph(G_BLOCKED));
		sb_addf(&sb, "The cursor is on %s: %s", name,
			m->usable == USABLE_YES ? "this host can run it." :
			m->usable == USABLE_NO ? "it is blocked here. Why?" : "no host data to say.");
		break;
	case 1: {
		const struct grid *g;
		app_grid_show(a, GRID_VERSIONS, false, false);
		app_focus(a, V_GRID);
		g = app_grid(a);
		sb_addf(&sb, "%s is an alias: here it stands for %s. The grid (2) shows every version of "
			     "%s side by side, one row per feature. %s marks a feature the host lacks, * "
			     "what changes from the version to the left",
			name, m->mv.resolved, m->mv.base, glyph(G_LACKS));
		if (g && g->ndiffer) {
			struct vec names = VEC_INIT;
			struct view *gv = app_view(a, V_GRID);
			for (size_t r = 0; r < g->nrows; r++)
				if (g->row_differs[r])
					vec_push(&names, ftable_get(a->ft, g->rows[r])->name);
			sb_add(&sb, " (");
			sb_add_list(&sb, (const char *const *)names.v, names.n, 6);
			sb_addf(&sb, "; the cursor is on %s)", (const char *)names.v[0]);
			/* those rows are far down: put the first at the top */
			for (size_t r = 0; r < g->nrows; r++)
				if (g->row_differs[r]) {
					gv->sel = gv->top = r;
					break;
				}
			vec_fini(&names, NULL);
		}
		sb_add(&sb, ". m shows other columns: machine types, pinned models, hosts.");
		break;
	}
	case 2:
		app_focus(a, V_EXPLAIN);
		if (m->usable == USABLE_NO) {
			sb_addf(&sb, "Why %s fails on %s: the host lacks ", name, a->host_label);
			list_blockers(a, m, &sb);
			sb_add(&sb, ". The explain pane (4) says what each of them is and where the CPU "
				    "reports it. TSX (hle, rtm) is often switched off by microcode; "
				    "speculation controls need a newer microcode or kernel.");
		} else {
			sb_addf(&sb, "%s is usable on %s, so the explain pane (4) has nothing to blame. "
				     "Try another host with --host, for example "
				     "data/hosts/qemu-7.2-tcg-domcaps.xml.", name, a->host_label);
		}
		break;
	case 3: {
		const struct vec *fixes = &app_explain(a)->actions;
		app_focus(a, V_EXPLAIN);
		sb_add(&sb, "Your options are the fixes of the explain pane:");
		for (size_t k = 0; k < fixes->n && k < 5; k++)
			sb_addf(&sb, "\n %zu. %s", k + 1, ((const struct xd_action *)fixes->v[k])->label);
		break;
	}
	case 4: {
		/* the fix that keeps the model (the pane starts on it), else the
		 * first other model */
		const struct vec *fixes = &app_explain(a)->actions;
		size_t pick = fixes->n, other = fixes->n;
		for (size_t k = 0; k < fixes->n; k++) {
			const struct xd_action *f = fixes->v[k];
			if (f->model && f->disable.n && pick == fixes->n)
				pick = k;
			if (f->model && strcmp(f->model, name) && other == fixes->n)
				other = k;
		}
		if (pick == fixes->n)
			pick = other < fixes->n ? other : 0;
		app_apply_fix(a, pick);
		sb_addf(&sb, "Enter on a fix puts it into the guest editor (3). The tour applied fix "
			     "%zu to a scratch guest CPU of its own (yours comes back as it was when the "
			     "tour ends). The output pane shows the <cpu> XML for your domain, and below "
			     "it the verdict of libvirt's CPU compare against this host: %s",
			pick + 1, a->verdict ? a->verdict : "-");
		break;
	}
	case 5:
		app_focus(a, V_GUEST);
		sb_add(&sb, "Everything is live: in the editor (or the grid) Space cycles a feature's "
			    "policy (require, optional, disable, forbid, force), m the mode, v the "
			    "version (best picks the newest this host can run), o switches between the "
			    "XML and QEMU's -cpu value, u undoes.");
		break;
	default:
		sb_add(&sb, "s saves the output to a file (atomically; it asks before overwriting), y "
			    "copies it. ? explains the focused pane and lists every key, 5 is the "
			    "glossary of every term. q quits (it asks first if you have not saved). "
			    "That is the tour.");
		break;
	}
	return sb_take(&sb);
}

/* ---- the popup ------------------------------------------------------------ */

static void free_lines(struct app *a)
{
	for (size_t i = 0; i < a->ntour_lines; i++)
		free(a->tour_lines[i]);
	free(a->tour_lines);
	a->tour_lines = NULL;
	a->ntour_lines = 0;
}

/* The tour is over: the user's guest CPU comes back as it was. */
static void tour_end(struct app *a)
{
	a->popup = POP_NONE;
	if (a->tour_stash) {
		app_guest_unstash(a, a->tour_stash);
		a->tour_stash = NULL;
		app_handle_reaction(a, RE_GUEST);
	}
}

void app_tour_close(struct app *a)
{
	tour_end(a);
	app_status(a, R_DEFAULT, "tour closed; your guest CPU is back as it was; T starts it again");
}

/* At the end of the explorer (first in app_fini: nothing is rebuilt). */
void app_tour_fini(struct app *a)
{
	free_lines(a);
	if (a->tour_stash)
		app_guest_unstash(a, a->tour_stash);
	a->tour_stash = NULL;
}

void app_tour_show(struct app *a, int step)
{
	char *text;

	if (step < 0)
		step = 0;
	if ((size_t)step >= tour_steps()) {
		tour_end(a);
		app_status(a, R_GOOD, "tour finished; your guest CPU is back as it was; T starts it "
			   "again");
		return;
	}
	if (!a->tour_stash) {
		/* the tour applies a fix: to a scratch guest, never the user's */
		a->tour_stash = app_guest_stash(a);
		app_handle_reaction(a, RE_GUEST);
	}
	a->tour_step = step;
	a->popup = POP_TOUR;
	text = tour_enter(a, (size_t)step);
	free_lines(a);
	/* split the text into lines */
	struct vec v = VEC_INIT;
	for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		vec_push(&v, xstrndup(s, nl ? (size_t)(nl - s) : strlen(s)));
		if (!nl)
			break;
	}
	free(text);
	a->tour_lines = (char **)v.v;
	a->ntour_lines = v.n;
	a->need_redraw = true;
}
