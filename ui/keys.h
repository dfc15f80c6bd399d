/* keys.h - the one table of actions and key bindings.
 *
 * ACTION_INFO is the single source of truth: it generates enum action,
 * the action names and their help text.  KEY_BINDINGS maps (keymap, key)
 * to an action; the help popup, `cpuscope --list-keys`, docs/keys.md and
 * the status-bar hints are all generated from these two tables, so they
 * cannot drift.  Code switches on actions, never on keys.
 *
 * Key names ("q", "<Space>", "<C-l>", "<F1>", "<S-Tab>") are shared with
 * the headless test scripts (CPUSCOPE_SCRIPT).
 */
#ifndef CPUSCOPE_UI_KEYS_H
#define CPUSCOPE_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* _(ACTION, help) */
#define ACTION_INFO(_) \
	_(NONE, "") \
	_(QUIT, "quit (asks first with unsaved work: save, quit or stay)") \
	_(HELP, "help: what the focused pane shows, and every key") \
	_(TOUR, "guided tour: why does Haswell fail here, and what are my options") \
	_(PANE_MODELS, "focus the models list") \
	_(PANE_GRID, "show the feature grid") \
	_(PANE_GUEST, "show the guest CPU editor and its output") \
	_(PANE_EXPLAIN, "show why the selected model is (not) usable, and the fixes") \
	_(PANE_GLOSSARY, "show the glossary of every term on the screen") \
	_(PANE_HOSTS, "show the hosts: compare verdicts, baseline") \
	_(PANE_UPGRADE, "show what another QEMU or host does to the guest CPU (the upgrade check)") \
	_(PANE_DRIFT, "show libvirt's copy of the model against QEMU's (drift)") \
	_(PANE_FLEET, "show the fleet: every host x model, the best common model, the guest's hosts") \
	_(NEXT_PANE, "next pane") \
	_(PREV_PANE, "previous pane") \
	_(REDRAW, "redraw the screen") \
	_(CANCEL, "close the popup; cancel the search or the probe") \
	_(UP, "move up") \
	_(DOWN, "move down") \
	_(LEFT, "move left / scroll left") \
	_(RIGHT, "move right / scroll right") \
	_(PAGE_UP, "page up") \
	_(PAGE_DOWN, "page down") \
	_(FIRST, "first line") \
	_(LAST, "last line") \
	_(SEARCH, "search the focused list (type, Enter keeps, Esc cancels)") \
	_(SEARCH_NEXT, "next match") \
	_(SEARCH_PREV, "previous match") \
	_(SAVE, "save the guest CPU (the output shown) to a file") \
	_(UNDO, "undo the last change to the guest CPU") \
	_(REDO, "redo what u undid") \
	_(OUTPUT_TOGGLE, "output: libvirt <cpu> XML, QEMU -cpu value, Proxmox, KubeVirt, Nova, QMP") \
	_(COPY, "copy the output to the clipboard (OSC 52)") \
	_(PROBE, "probe a QEMU binary in the background") \
	_(LIST_WIDTH, "the models list: wide, narrow or hidden (the panes get the room)") \
	_(REFERENCE, "whose verdict: QEMU (each accelerator), each host, this CPU's CPUID") \
	_(MACHINE, "switch the machine type (names and aliases such as q35)") \
	_(USE_MODEL, "use the selected model in the guest editor") \
	_(EXPLAIN, "explain the selected model") \
	_(FILTER_USABLE, "filter: all / usable / not usable models") \
	_(FILTER_VENDOR, "filter: all / Intel / AMD / other vendors") \
	_(FILTER_DEPRECATED, "show or hide deprecated models") \
	_(PIN, "pin or unpin the model for the side-by-side grid") \
	_(GRID_MODE, "columns: versions / machine types / pinned models / hosts / QEMU versions") \
	_(ONLY_DIFF, "only rows where the columns differ") \
	_(ONLY_LACKS, "only features the host lacks") \
	_(POLICY, "cycle the feature's policy: none, require, optional, disable, forbid, force") \
	_(POLICY_CLEAR, "remove the feature's policy") \
	_(CYCLE_MODE, "cycle mode: custom, host-model, host-passthrough, maximum") \
	_(CYCLE_MATCH, "cycle match: exact, minimum, strict, (unset)") \
	_(CYCLE_CHECK, "cycle check: (unset), none, partial, full") \
	_(CYCLE_FALLBACK, "cycle fallback: (unset), allow, forbid") \
	_(CYCLE_VERSION, "cycle version: best usable, each version, the name as chosen") \
	_(ACTIVATE, "change the field, or apply the fix, under the cursor") \
	_(CHOOSE_HOST, "choose the host for the baseline, or unchoose it") \
	_(CHOOSE_ALL, "choose every host, or none when all are chosen") \
	_(BASELINE, "compute the baseline of the chosen hosts (virsh cpu-baseline)") \
	_(LOAD_BASELINE, "load the baseline into the guest editor (u undoes)") \
	_(UPGRADE_TARGET, "upgrade to the next target: each bundled QEMU, each host file") \
	_(DRIFT_MAP, "hold another cpu_map against QEMU: the session's, libvirt 9.0's, 11.3's") \
	_(TOUR_BACK, "previous step of the tour") \
	_(LINE_OK, "take what is typed (a search stays on its match)") \
	_(LINE_CANCEL, "cancel (a search goes back to where it started)") \
	_(LINE_LEFT, "cursor one character left") \
	_(LINE_RIGHT, "cursor one character right") \
	_(LINE_HOME, "cursor to the start") \
	_(LINE_END, "cursor to the end") \
	_(LINE_BS, "delete the character before the cursor") \
	_(LINE_DEL, "delete the character under the cursor") \
	_(LINE_WORD, "delete the word before the cursor") \
	_(LINE_KILL, "delete to the start (all of what a prompt offers)") \
	_(LINE_KILL_END, "delete to the end") \
	_(SAVE_QUIT, "save first, then quit (the quit question)") \
	_(YES, "answer yes") \
	_(NO, "answer no")

enum action {
#define ACTION_ENUM(a, h) ACT_##a,
	ACTION_INFO(ACTION_ENUM)
#undef ACTION_ENUM
	ACT__COUNT
};

/* _(KEYMAP, title) - where a binding applies.  The focused pane's map is
 * searched first, then the global one. */
#define KEYMAP_INFO(_) \
	_(GLOBAL, "everywhere") \
	_(MODELS, "models list") \
	_(GRID, "feature grid") \
	_(GUEST, "guest CPU editor") \
	_(EXPLAIN, "explain pane") \
	_(HOSTS, "hosts pane (compare and baseline)") \
	_(UPGRADE, "upgrade pane") \
	_(DRIFT, "drift pane") \
	_(FLEET, "fleet pane") \
	_(TOUR, "guided tour") \
	_(LINE, "prompts (/ search, s save to, p probe, M machine type)") \
	_(PROMPT, "questions (quit with unsaved work, overwrite a file)")

enum keymap {
#define KEYMAP_ENUM(k, t) KM_##k,
	KEYMAP_INFO(KEYMAP_ENUM)
#undef KEYMAP_ENUM
	KM__COUNT
};

const char *action_name(enum action a); /* "quit", "page-down" */
const char *action_help(enum action a);
const char *keymap_title(enum keymap m);
const char *keymap_name(enum keymap m); /* "global", "models", ... */

/* The action bound to key in map (then in the global map unless map is
 * KM_PROMPT or KM_TOUR-only); ACT_NONE if none. */
enum action keys_lookup(enum keymap map, int key);
/* The first key bound to a in map (or global) as its display name, or NULL. */
const char *keys_first(enum keymap map, enum action a);
/* "q, <F10>" for a in map into buf. */
const char *keys_for(enum keymap map, enum action a, char *buf, size_t size);

/* Key names <-> codes (curses key codes; plain characters are themselves). */
const char *keys_name(int key, char *buf, size_t size);
/* Parse one key at *s ("x", "<Space>", "<C-l>", "<lt>"), advance *s; -1 on error. */
int keys_parse(const char **s);

/* Each binding group with its keys and help: text (--list-keys) or a
 * markdown table (docs/keys.md). */
void keys_list(FILE *out, bool markdown);
/* Lines of help for the popup: keymap title lines start with "#". */
size_t keys_help_lines(enum keymap first, char ***out);

#endif
