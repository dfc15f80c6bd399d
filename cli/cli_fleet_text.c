/* cli_fleet_text.c - the report of `cpuscope fleet` (src/logic/fleet.h) as text. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fleet.h"
#include "text.h"

/* ---- text helpers ------------------------------------------------------------------ */

static void put_escaped(struct strbuf *sb, const char *s)
{
	text_escape(sb, s, strlen(s));
}

/* Features in libvirt's spelling, in the map's order, at most max. */
static void lv_names(struct strbuf *sb, const struct cpu_map *map, const struct fset *s,
		     size_t max)
{
	const char **names = xcalloc(fset_count(s) + 1, sizeof(*names));
	size_t n = lv_feature_names(map, s, names);

	sb_add_list(sb, names, n, max);
	free(names);
}

const char *cli_fleet_group_name(const struct fleet_group *g)
{
	return g->vendor ? g->vendor : "no vendor";
}

static const char *model_name(const struct fleet *f, size_t m)
{
	return m == FLEET_NONE ? "none" : f->models[m].mv.name;
}

static void psabi_note(struct strbuf *sb, const struct fleet *f, size_t m)
{
	if (m != FLEET_NONE && f->models[m].psabi >= 0)
		sb_addf(sb, "x86-64-%s", psabi_level_word(f->models[m].psabi));
}

static const char *start_word(enum fleet_start s)
{
	switch (s) {
	case FLEET_START_YES: return "starts";
	case FLEET_START_LIBVIRT: return "libvirt refuses";
	case FLEET_START_QEMU: return "QEMU lacks features";
	default: return "?";
	}
}

/* ---- text ---------------------------------------------------------------------------------- */

/* What each host of g gives up against its host-model: with the group's
 * best model (fh->loss) or with its baseline (fh->bl_loss). */
static void print_losses(struct cli *c, const struct fleet *f, const struct fleet_group *g,
			 bool baseline, struct strbuf *sb)
{
	for (size_t k = 0; k < g->nhosts; k++) {
		const struct fleet_host *fh = &f->hosts[g->hosts[k]];
		const struct fset *loss = baseline ? &fh->bl_loss : &fh->loss;
		size_t n = fset_count(loss);
		sb_reset(sb);
		lv_names(sb, f->map, loss, 8);
		fprintf(c->out, "    %4zu  %3zu%s%s\n", g->hosts[k] + 1, n, n ? ": " : "",
			sb_str(sb));
	}
}

static void print_group_text(struct cli *c, const struct fleet *f, const struct fleet_group *g,
			     struct strbuf *sb)
{
	sb_reset(sb);
	fleet_host_ranges(sb, g->hosts, g->nhosts);
	fprintf(c->out, "\n%s: %zu host%s (%s)\n", cli_fleet_group_name(g), g->nhosts,
		g->nhosts == 1 ? "" : "s", sb_str(sb));
	if (g->best == FLEET_NONE) {
		fprintf(c->out, "  best common model: none (no model of libvirt's map runs on every "
			"host of the group)\n");
	} else {
		sb_reset(sb);
		psabi_note(sb, f, g->best);
		fprintf(c->out, "  best common model: %s%s%s%s\n", model_name(f, g->best),
			sb->len ? " (" : "", sb_str(sb), sb->len ? ")" : "");
	}
	if (g->refused.n) {
		fprintf(c->out, "  newer, QEMU runs them on every host, libvirt's compare refuses:\n");
		for (size_t i = 0; i < g->refused.n; i++) {
			const struct fleet_refusal *r = g->refused.v[i];
			sb_reset(sb);
			put_escaped(sb, f->hosts[r->host].label);
			fprintf(c->out, "    %s on %zu host%s, first %zu %s: %s\n", model_name(f, r->model),
				r->nhosts, r->nhosts == 1 ? "" : "s", r->host + 1, sb_str(sb), r->message);
		}
	}
	if (g->best != FLEET_NONE) {
		fprintf(c->out, "  %s gives up against each host's host-model:\n",
			model_name(f, g->best));
		print_losses(c, f, g, false, sb);
	}
	bool any_without = false;
	for (size_t k = 0; k < g->nhosts; k++)
		any_without |= f->hosts[g->hosts[k]].without_best != FLEET_NONE;
	if (any_without) {
		fprintf(c->out, "  what if one host goes: without it, the best common model "
			"rises from %s to\n", model_name(f, g->best));
		for (size_t k = 0; k < g->nhosts; k++) {
			const struct fleet_host *fh = &f->hosts[g->hosts[k]];
			if (fh->without_best == FLEET_NONE)
				continue;
			sb_reset(sb);
			put_escaped(sb, fh->label);
			fprintf(c->out, "    without %zu %s: %s\n", g->hosts[k] + 1, sb_str(sb),
				model_name(f, fh->without_best));
		}
	}
	if (g->bl_err) {
		sb_reset(sb);
		put_escaped(sb, g->bl_err);
		fprintf(c->out, "  baseline (virsh cpu-baseline): fails: %s\n", sb_str(sb));
	} else if (g->have_baseline) {
		const struct guest_cpu *b = g->bl.cpu;
		size_t nf = b->features.n;
		char *xml = emit_guest_xml(b, f->ft, 4);
		fprintf(c->out, "  baseline (virsh cpu-baseline): %s%s", b->model ? b->model : "?",
			nf ? "" : "\n");
		if (nf)
			fprintf(c->out, " with %zu feature polic%s\n", nf, nf == 1 ? "y" : "ies");
		fputs(xml, c->out);
		free(xml);
		fprintf(c->out, "  the baseline gives up against each host's host-model:\n");
		print_losses(c, f, g, true, sb);
	}
	/* what holds the group back: newer models some of its hosts run */
	bool head = false;
	size_t best_rank = 0;
	for (size_t ci = 0; ci < f->ncand; ci++)
		if (f->cand[ci] == g->best)
			best_rank = ci + 1;
	for (size_t ci = f->ncand; ci-- > best_rank;) {
		size_t m = f->cand[ci];
		const struct cm_model *cm = f->models[m].cm;
		size_t nrun = f->nrun_group[(size_t)(g - f->groups) * f->nmodels + m];
		if (!cm || (cm->vendor && !str_eq(cm->vendor, g->vendor) && g->vendor) || !nrun ||
		    nrun == g->nhosts)
			continue;
		if (!head)
			fprintf(c->out, "  newer models only some hosts run (hosts that block them):\n");
		head = true;
		sb_reset(sb);
		size_t shown = 0, blocked = 0;
		for (size_t k = 0; k < g->nhosts; k++) {
			size_t i = g->hosts[k];
			if (fleet_verdict(f, i, m) == USABLE_YES)
				continue;
			blocked++;
			if (shown == 4)
				continue;
			struct fset blk = FSET_INIT;
			fleet_blockers(f, i, m, &blk);
			sb_addf(sb, "%s%zu (", shown ? ", " : "", i + 1);
			fset_names_text(sb, f->ft, &blk, 3);
			sb_add(sb, ")");
			fset_fini(&blk);
			shown++;
		}
		if (blocked > shown)
			sb_addf(sb, ", ... (%zu more)", blocked - shown);
		fprintf(c->out, "    %s (%zu of %zu): %s\n", model_name(f, m), nrun, g->nhosts,
			sb_str(sb));
	}
}

static void print_matrix_text(struct cli *c, const struct fleet *f, struct strbuf *sb)
{
	size_t namew = 5, w = 2;
	char num[32];

	for (size_t m = 0; m < f->nmodels; m++)
		if (utf8_width(f->models[m].mv.name) > namew)
			namew = utf8_width(f->models[m].mv.name);
	for (size_t i = 0; i < f->nhosts; i++) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		if (strlen(num) > w)
			w = strlen(num);
		for (size_t m = 0; m < f->nmodels; m++) {
			snprintf(num, sizeof(num), "%zu", fleet_nblockers(f, i, m));
			if (strlen(num) > w)
				w = strlen(num);
		}
	}
	snprintf(num, sizeof(num), "%zu/%zu", f->nhosts, f->nhosts);
	size_t runw = strlen(num);
	fprintf(c->out, "\nmatrix: + usable, N blocked by N features, ? unknown; RUNS: hosts that "
		"run it\n");
	/* the vendor of each column above its number */
	sb_reset(sb);
	sb_add_padded(sb, "", namew + 2 + runw);
	for (size_t i = 0; i < f->nhosts; i++) {
		const char *v = f->groups[f->hosts[i].group].vendor;
		char one[2] = { v ? v[0] : '-', '\0' };
		sb_addf(sb, " %*s", (int)w, one);
	}
	fprintf(c->out, "%s\n", sb_str(sb));
	sb_reset(sb);
	sb_add_padded(sb, "MODEL", namew + 2);
	sb_addf(sb, "%*s", (int)runw, "RUNS");
	for (size_t i = 0; i < f->nhosts; i++)
		sb_addf(sb, " %*zu", (int)w, i + 1);
	fprintf(c->out, "%s\n", sb_str(sb));
	for (size_t m = 0; m < f->nmodels; m++) {
		sb_reset(sb);
		sb_add_padded(sb, f->models[m].mv.name, namew + 2);
		snprintf(num, sizeof(num), "%zu/%zu", f->models[m].nrun, f->nhosts);
		sb_addf(sb, "%*s", (int)runw, num);
		for (size_t i = 0; i < f->nhosts; i++) {
			enum usable u = fleet_verdict(f, i, m);
			if (u == USABLE_YES)
				snprintf(num, sizeof(num), "+");
			else if (u == USABLE_NO)
				snprintf(num, sizeof(num), "%zu", fleet_nblockers(f, i, m));
			else
				snprintf(num, sizeof(num), "?");
			sb_addf(sb, " %*s", (int)w, num);
		}
		fprintf(c->out, "%s\n", sb_str(sb));
	}
}

static void print_guest_text(struct cli *c, const struct fleet *f, const char *file,
			     struct strbuf *sb)
{
	size_t *ok = xcalloc(f->nhosts + 1, sizeof(*ok)), n = 0;

	for (size_t i = 0; i < f->nhosts; i++)
		if (f->hosts[i].start == FLEET_START_YES)
			ok[n++] = i;
	sb_reset(sb);
	put_escaped(sb, file);
	fprintf(c->out, "\nguest CPU %s: starts on %zu of %zu hosts", sb_str(sb), n, f->nhosts);
	if (n > 1) {
		sb_reset(sb);
		fleet_host_ranges(sb, ok, n);
		fprintf(c->out, " and migrates between them (%s)", sb_str(sb));
	} else if (n == 1) {
		fprintf(c->out, " (%zu), so it has nowhere to migrate", ok[0] + 1);
	}
	fputc('\n', c->out);
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		sb_reset(sb);
		if (fh->start == FLEET_START_QEMU) {
			sb_addf(sb, "libvirt's compare says %s, but QEMU lacks ",
				cmp_result_name(fh->cmp.result));
			fset_names_text(sb, f->ft, &fh->qemu_blockers, 8);
		} else if (fh->cmp.message) {
			sb_add(sb, fh->cmp.message);
		}
		fprintf(c->out, "  %4zu  %-12s %s%s%s\n", i + 1, cmp_result_name(fh->cmp.result),
			start_word(fh->start), sb->len ? ": " : "", sb_str(sb));
	}
	free(ok);
}

void cli_fleet_text(struct cli *c, const struct vec *skipped, const struct fleet *f,
		    const char *guest_file)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cpuw = 3, formw = 4;

	fprintf(c->out, "fleet of %zu host%s, %zu models of %s on %s; libvirt's cpu_map of %zu "
		"models%s\n", f->nhosts, f->nhosts == 1 ? "" : "s", f->nmodels, c->s->data_label,
		f->md->machine, f->map->models.n, lv_label(c->s->libvirt));
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		if (fh->cpu_model && utf8_width(fh->cpu_model) > cpuw)
			cpuw = utf8_width(fh->cpu_model);
		if (strlen(host_kind_name(fh->h->kind)) > formw)
			formw = strlen(host_kind_name(fh->h->kind));
	}
	fprintf(c->out, "\nhosts:\n  %4s  %-9s %-*s %-*s %4s  FILE\n", "#", "VENDOR", (int)formw,
		"FORM", (int)cpuw, "CPU", "RUNS");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *fh = &f->hosts[i];
		sb_reset(&sb);
		sb_add_padded(&sb, fh->h->vendor ? fh->h->vendor : "-", 9);
		sb_addc(&sb, ' ');
		sb_add_padded(&sb, host_kind_name(fh->h->kind), formw);
		sb_addc(&sb, ' ');
		sb_add_padded(&sb, fh->cpu_model ? fh->cpu_model : "-", cpuw);
		sb_addf(&sb, " %4zu  ", fh->nusable);
		put_escaped(&sb, fh->label);
		fprintf(c->out, "  %4zu  %s\n", i + 1, sb_str(&sb));
	}
	/* the vendor groups, said in so many words */
	sb_reset(&sb);
	for (size_t g = 0; g < f->ngroups; g++) {
		const struct fleet_group *gr = &f->groups[g];
		sb_addf(&sb, "%s%s %zu host%s (", g ? "; " : "", cli_fleet_group_name(gr),
			gr->nhosts, gr->nhosts == 1 ? "" : "s");
		fleet_host_ranges(&sb, gr->hosts, gr->nhosts);
		sb_add(&sb, ")");
	}
	fprintf(c->out, "\nvendor groups: %s\n", sb_str(&sb));
	if (f->ngroups > 1) {
		fprintf(c->out, "  The hosts are of %zu vendors.  A guest CPU model has one vendor and "
			"libvirt's\n  baseline refuses CPUs of different vendors (\"CPU vendors do not "
			"match\"), so\n  each group has its own best model and baseline.\n", f->ngroups);
		sb_reset(&sb);
		psabi_note(&sb, f, f->across_best);
		if (f->across_best == FLEET_NONE)
			fprintf(c->out, "  Across all groups: no vendor-neutral model runs on every "
				"host.\n");
		else
			fprintf(c->out, "  Across all groups: %s%s%s%s is the newest vendor-neutral "
				"model every\n  host runs.\n", model_name(f, f->across_best),
				sb.len ? " (" : "", sb_str(&sb), sb.len ? ")" : "");
	}
	for (size_t g = 0; g < f->ngroups; g++)
		print_group_text(c, f, &f->groups[g], &sb);
	if (f->have_add) {
		sb_reset(&sb);
		put_escaped(&sb, f->add.label);
		if (f->add_group == FLEET_NONE) {
			fprintf(c->out, "\nwhat if %s joins: a new vendor group (%s), whose best "
				"common model is %s\n", sb_str(&sb),
				f->add.h->vendor ? f->add.h->vendor : "no vendor",
				model_name(f, f->add_best));
		} else {
			const struct fleet_group *g = &f->groups[f->add_group];
			if (f->add_best == g->best)
				fprintf(c->out, "\nwhat if %s joins: the %s group keeps %s\n", sb_str(&sb),
					cli_fleet_group_name(g), model_name(f, g->best));
			else
				fprintf(c->out, "\nwhat if %s joins: the %s group's best common model "
					"goes from %s to %s\n", sb_str(&sb), cli_fleet_group_name(g),
					model_name(f, g->best), model_name(f, f->add_best));
		}
	}
	if (f->have_guest)
		print_guest_text(c, f, guest_file, &sb);
	print_matrix_text(c, f, &sb);
	if (skipped->n) {
		fprintf(c->out, "\nskipped %zu file%s (not %s hosts):\n", skipped->n,
			skipped->n == 1 ? "" : "s", arch_name(c->s->arch));
		for (size_t i = 0; i < skipped->n; i++) {
			const struct fleet_skipped *s = skipped->v[i];
			sb_reset(&sb);
			put_escaped(&sb, s->file);
			sb_add(&sb, ": ");
			put_escaped(&sb, s->why);
			fprintf(c->out, "  %s\n", sb_str(&sb));
		}
	}
	sb_fini(&sb);
}
