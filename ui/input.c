/* input.c - keys to actions: the popups (help, tour, the questions), the
 * prompts (search, save, probe, machine type) and their line editing, and
 * the actions every pane shares (see app.h). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "probe.h"

static void search_step(struct app *a, bool forward, bool include_current)
{
	struct view *v = &a->views[a->popup == POP_HELP ? V_HELP : a->focus];
	size_t n = v->ops->rows(v, a);
	const char *needle = a->prompt == PROMPT_SEARCH ? sb_str(&a->input) : a->search;

	if (!v->ops->match) {
		app_status(a, R_WARN, "the %s pane cannot be searched", v->ops->name);
		return;
	}
	if (!needle || !*needle || !n)
		return;
	for (size_t k = include_current ? 0 : 1; k <= n; k++) {
		size_t i = forward ? (v->sel + k) % n : (v->sel + n - k % n) % n;
		if (v->ops->match(v, a, i, needle)) {
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
	a->input_cur = a->input.len;
	if (k == PROMPT_SEARCH)
		a->search_view = a->popup == POP_HELP ? V_HELP : a->focus;
	a->search_origin = a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel;
	a->need_redraw = true;
}

/* The save prompt (false: nothing to save, the status says so). */
static bool save_prompt(struct app *a)
{
	if (!a->out_text || a->out_text[0] == '(' ||
	    (a->guest->mode == MODE_CUSTOM && !a->guest->model)) {
		app_status(a, R_WARN, "nothing to save yet: press Enter on a model first");
		return false;
	}
	start_prompt(a, PROMPT_SAVE, a->save_path ? a->save_path :
		     a->out_form == GUEST_FORM_XML ? "guest-cpu.xml" : "guest-cpu.txt");
	return true;
}

/* Save to path; with quit_after_save, quit once it is saved (the quit
 * question's s), give up quitting when it is not (the overwrite question
 * keeps it pending). */
static void save_then(struct app *a, const char *path, bool overwrite)
{
	bool ok = app_save(a, path, overwrite);

	if (ok && a->quit_after_save)
		a->quit = true;
	else if (!ok && a->popup != POP_CONFIRM_OVERWRITE)
		a->quit_after_save = false;
}

static void prompt_key(struct app *a, int key)
{
	enum action act = keys_lookup(KM_LINE, key);

	if (act == ACT_LINE_CANCEL) {
		if (a->prompt == PROMPT_SEARCH)
			a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel = a->search_origin;
		a->prompt = PROMPT_NONE;
		app_status(a, R_DEFAULT, "%s", a->quit_after_save ? "cancelled; not quitting" : "cancelled");
		a->quit_after_save = false;
		app_handle_reaction(a, a->focus == V_MODELS ? RE_MODEL : RE_REDRAW);
		return;
	}
	if (act == ACT_LINE_OK) {
		enum prompt_kind k = a->prompt;
		a->prompt = PROMPT_NONE;
		if (k == PROMPT_SEARCH) {
			free(a->search);
			a->search = xstrdup(sb_str(&a->input));
			search_step(a, true, true);
		} else if (k == PROMPT_SAVE && a->input.len) {
			save_then(a, sb_str(&a->input), false);
		} else if (k == PROMPT_SAVE) {
			a->quit_after_save = false;
		} else if (k == PROMPT_PROBE && a->input.len) {
			app_probe_start(a, sb_str(&a->input));
		} else if (k == PROMPT_MACHINE && a->input.len) {
			app_machine_set(a, sb_str(&a->input));
		}
		a->need_redraw = true;
		return;
	}
	if (line_edit(&a->input, &a->input_cur, act)) {
		; /* edited, or the cursor moved */
	} else if (key >= 32 && key < 256 && key != 127) {
		line_insert(&a->input, &a->input_cur, (char)key); /* a byte of UTF-8 text */
	} else {
		return;
	}
	if (a->prompt == PROMPT_SEARCH) {
		a->views[a->popup == POP_HELP ? V_HELP : a->focus].sel = a->search_origin;
		search_step(a, true, true);
	}
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
		if (app_dirty(a)) {
			a->popup = POP_CONFIRM_QUIT;
		} else {
			a->quit = true;
		}
		break;
	case ACT_HELP:
		app_help_open(a, a->focus);
		break;
	case ACT_TOUR:
		app_tour_show(a, 0);
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
	case ACT_PANE_HOSTS:
		a->page = PAGE_HOSTS;
		app_focus(a, V_HOSTS);
		break;
	case ACT_PANE_FLEET:
		app_focus(a, V_FLEET);
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
		case PAGE_FLEET: order[n++] = V_FLEET; break;
		case PAGE_DRIFT: order[n++] = V_DRIFT; break;
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
		if (app_hosts_busy(a)) {
			app_hosts_stop(a); /* the status says so */
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
		save_prompt(a);
		break;
	case ACT_UNDO:
		if (app_guest_undo(a)) {
			app_status(a, R_DEFAULT, "undone (%zu more to undo)", a->undo.n);
			app_handle_reaction(a, RE_GUEST);
		} else {
			app_status(a, R_WARN, "nothing to undo");
		}
		break;
	case ACT_REDO:
		if (app_guest_redo(a)) {
			app_status(a, R_DEFAULT, "redone (%zu more to redo)", a->redo.n);
			app_handle_reaction(a, RE_GUEST);
		} else {
			app_status(a, R_WARN, "nothing to redo");
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
	case ACT_LIST_WIDTH:
		a->list_width = (enum list_width)((a->list_width + 1) % 3);
		if (a->list_width == LIST_HIDDEN && a->focus == V_MODELS)
			app_action(a, a->page == PAGE_GUEST ? ACT_PANE_GUEST : a->page == PAGE_EXPLAIN ?
				   ACT_PANE_EXPLAIN : a->page == PAGE_GLOSSARY ? ACT_PANE_GLOSSARY :
				   a->page == PAGE_HOSTS ? ACT_PANE_HOSTS : ACT_PANE_GRID);
		app_status(a, R_DEFAULT, "%s", a->list_width == LIST_WIDE ? "models list: wide" :
			   a->list_width == LIST_NARROW ? "models list: narrow (w hides it)" :
			   "models list: hidden (1 shows it over the panes, w brings it back)");
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

static void key_dispatch(struct app *a, int key);

/* A status message belongs to the page it was given on: a key that moves
 * to another page without saying anything new clears it ("only rows where
 * the columns differ" has nothing to say over the explain pane). */
void app_key(struct app *a, int key)
{
	unsigned seq = a->status_seq;

	key_dispatch(a, key);
	if (a->status_seq != seq) {
		a->status_page = a->page;
	} else if (a->status[0] && a->page != a->status_page) {
		a->status[0] = '\0';
		a->need_redraw = true;
	}
}

static void key_dispatch(struct app *a, int key)
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
				save_then(a, a->save_path, true);
		} else if (act == ACT_SAVE_QUIT && a->popup == POP_CONFIRM_QUIT) {
			/* the save prompt, then quit once it is saved */
			a->popup = POP_NONE;
			a->quit_after_save = save_prompt(a);
		} else if (act == ACT_NO) {
			bool q = a->popup == POP_CONFIRM_QUIT;
			a->popup = POP_NONE;
			app_status(a, R_DEFAULT, "%s", q ? "not quitting" : a->quit_after_save ?
				   "not saved; not quitting" : "not saved");
			a->quit_after_save = false;
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
			app_tour_show(a, a->tour_step + 1);
		else if (act == ACT_TOUR_BACK || act == ACT_LEFT)
			app_tour_show(a, a->tour_step - 1);
		else if (act == ACT_CANCEL || act == ACT_QUIT || act == ACT_TOUR)
			app_tour_close(a);
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