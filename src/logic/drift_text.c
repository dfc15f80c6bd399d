/* drift_text.c - the drift report as text (drift.h): the heading, each
 * model's row, the whole report; both front ends print these. */
#include "drift.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "emit.h"
#include "explain.h"
#include "err.h"
#include "guest.h"
#include "libvirt_version.h"
#include "session.h"
#include "vendor.h"

/* ---- text ------------------------------------------------------------------ */

static const char *trap_heading(enum drift_trap_kind k)
{
	switch (k) {
	case DRIFT_PARTIAL_REFUSES: return "check='partial' refuses what QEMU runs";
	case DRIFT_FULL_REFUSES: return "check='full' refuses it everywhere";
	case DRIFT_LETS_THROUGH: return "check='partial' lets through what QEMU refuses";
	case DRIFT_TRAP__COUNT:
	default: return "?";
	}
}

static void list_line(struct strbuf *sb, const struct cpu_map *map, const char *label,
		      const struct fset *s, const char *suffix)
{
	char *l;

	if (fset_empty(s))
		return;
	l = drift_feature_list(map, s, ", ");
	sb_addf(sb, "  %-14s%s%s\n", label, l, suffix);
	free(l);
}

static void indent_block(struct strbuf *sb, const char *text, const char *prefix)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		sb_add(sb, prefix);
		sb_addn(sb, p, n);
		sb_addc(sb, '\n');
		p += n;
		if (*p == '\n')
			p++;
	}
}

void drift_row_text(const struct drift_report *r, const struct drift_row *row, struct strbuf *sb)
{
	const struct cpu_map *map = r->map;

	sb_addf(sb, "%s", row->name);
	if (strcmp(row->resolved, row->name))
		sb_addf(sb, " (QEMU: %s)", row->resolved);
	sb_addc(sb, '\n');
	if (!row->qemu_known)
		sb_addf(sb, "  %-14s%s\n", "QEMU:", "no expansion of it in the data");
	list_line(sb, map, "libvirt only:", &row->libvirt_only,
		  fset_count(&row->libvirt_only) == 1 ? " (libvirt's model requires it, QEMU's lacks it)" :
		  " (libvirt's model requires them, QEMU's lacks them)");
	list_line(sb, map, "QEMU only:", &row->qemu_only,
		  fset_count(&row->qemu_only) == 1 ? " (QEMU's model has it, libvirt's lacks it)" :
		  " (QEMU's model has them, libvirt's lacks them)");
	if (fset_empty(&row->libvirt_only) && fset_empty(&row->qemu_only) && row->qemu_known)
		sb_addf(sb, "  %-14s%s\n", "features:", "the same in both");
	if (row->usable == USABLE_NO) {
		char *b = drift_feature_list(map, &row->blockers, ", ");
		sb_addf(sb, "  %-14snot usable (blocked by %s)%s\n", "on the host:", b,
			row->runnable ? "" : "; no policy libvirt can write makes QEMU run it");
		free(b);
		if (row->runnable) {
			char *d = drift_feature_list(map, &row->disable, ", ");
			sb_addf(sb, "  %-14s%s (the blockers, and what QEMU clears with them)\n",
				"guests here:", d);
			free(d);
		}
	} else if (row->usable == USABLE_UNKNOWN) {
		sb_addf(sb, "  %-14s%s\n", "on the host:", "QEMU's verdict unknown (the data does not say)");
	}
	if (row->qemu_cpu)
		sb_addf(sb, "  %-14s-cpu %s\n", "libvirt runs:", row->qemu_cpu);
	for (size_t i = 0; i < row->traps.n; i++) {
		const struct drift_trap *t = row->traps.v[i];
		sb_addf(sb, "  trap: %s\n", t->consequence);
		if (t->message)
			sb_addf(sb, "        libvirt: %s\n", t->message);
	}
	for (size_t i = 0; i < row->actions.n; i++) {
		const struct drift_action *a = row->actions.v[i];
		sb_addf(sb, "  do:   %s\n", a->text);
		if (a->xml)
			indent_block(sb, a->xml, "          ");
	}
	for (size_t i = 0; i < row->notes.n; i++)
		sb_addf(sb, "  note: %s\n", (const char *)row->notes.v[i]);
}

char *drift_head_text(const struct drift_report *r)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s\n", r->title);
	sb_addf(&sb, "libvirt %s's checks.  check='partial' compares with: %s.  Who says what QEMU "
		"runs: %s.\n", drift_libvirt_name(r->libvirt), r->host_model, r->verdict);
	sb_addf(&sb, "Models in both: %zu (%zu differ).  Traps: %zu %s, %zu %s, %zu %s.  Vendor "
		"differs for %zu, signature for %zu.\n", r->rows.n, r->ndiffer,
		r->ntraps[DRIFT_PARTIAL_REFUSES], trap_heading(DRIFT_PARTIAL_REFUSES),
		r->ntraps[DRIFT_FULL_REFUSES], trap_heading(DRIFT_FULL_REFUSES),
		r->ntraps[DRIFT_LETS_THROUGH], trap_heading(DRIFT_LETS_THROUGH),
		r->nvendor, r->nsignature);
	return sb_take(&sb);
}

char *drift_text(const struct drift_report *r, bool filtered)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf same = STRBUF_INIT;
	size_t nsame = 0;
	char *head = drift_head_text(r);

	sb_add(&sb, head);
	free(head);
	if (r->libvirt_only_models.n) {
		sb_addf(&sb, "\nOnly libvirt's map has (%zu):\n", r->libvirt_only_models.n);
		for (size_t i = 0; i < r->libvirt_only_models.n; i++) {
			const struct drift_only *o = r->libvirt_only_models.v[i];
			sb_addf(&sb, "  %s: %s\n", o->name, o->note);
		}
	}
	if (r->qemu_only_models.n) {
		sb_addf(&sb, "\nOnly QEMU has (%zu):\n", r->qemu_only_models.n);
		for (size_t i = 0; i < r->qemu_only_models.n; i++) {
			const struct drift_only *o = r->qemu_only_models.v[i];
			sb_addf(&sb, "  %s: %s\n", o->name, o->note);
		}
	}
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct drift_row *row = r->rows.v[i];
		bool differs = !fset_empty(&row->libvirt_only) || !fset_empty(&row->qemu_only) ||
			       row->traps.n || row->vendor_differs || row->signature_differs ||
			       !row->qemu_known;
		if (!differs && !filtered) {
			sb_addf(&same, "%s%s", nsame++ ? ", " : "", row->name);
			continue;
		}
		sb_addc(&sb, '\n');
		drift_row_text(r, row, &sb);
	}
	if (nsame)
		sb_addf(&sb, "\nThe same in both (%zu): %s\n", nsame, sb_str(&same));
	sb_fini(&same);
	return sb_take(&sb);
}
