/* explain_doc.c - the lines of an explanation (see explain_doc.h). */
#include "explain_doc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_map.h"
#include "logic.h"

#define LIST_MAX 8

static struct xd_line *line_new(struct explain_doc *d, enum xd_role role, unsigned indent,
				int action)
{
	struct xd_line *l = xcalloc(1, sizeof(*l));

	l->role = role;
	l->indent = indent;
	l->action = action;
	vec_push(&d->lines, l);
	return l;
}

static struct xd_line *add(struct explain_doc *d, enum xd_role role, unsigned indent, int action,
			   const char *fmt, ...) ATTR_FORMAT(5, 6);

static struct xd_line *add(struct explain_doc *d, enum xd_role role, unsigned indent, int action,
			   const char *fmt, ...)
{
	struct xd_line *l = line_new(d, role, indent, action);
	va_list ap;

	va_start(ap, fmt);
	l->text = xvasprintf(fmt, ap);
	va_end(ap);
	return l;
}

static void blank(struct explain_doc *d)
{
	add(d, XD_BLANK, 0, -1, "%s", "");
}

static int action_new(struct explain_doc *d, enum cpu_mode mode, const char *model, char *label)
{
	struct xd_action *a = xcalloc(1, sizeof(*a));

	a->label = label;
	a->mode = mode;
	a->model = model ? xstrdup(model) : NULL;
	vec_push(&d->actions, a);
	return (int)d->actions.n - 1;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* QEMU's names of s in display order, as one list */
static void names_text(struct strbuf *sb, const struct ftable *ft, const struct fset *s, size_t max)
{
	struct vec v = VEC_INIT;

	explain_sorted(ft, s, &v);
	for (size_t n = 0; n < v.n; n++)
		v.v[n] = ((struct feature *)v.v[n])->name;
	sb_add_list(sb, (const char *const *)v.v, v.n, max);
	vec_fini(&v, NULL);
}

/* ---- the parts --------------------------------------------------------------- */

/* What blocks that is no CPU feature, in QEMU's words ("needs the KVM
 * accelerator"), after sep. */
static void pseudo_meanings(struct strbuf *sb, const struct explanation *x, const char *sep)
{
	for (int id = fset_next(&x->blockers, 0); id >= 0; id = fset_next(&x->blockers, (unsigned)id + 1)) {
		const struct feature *f = ftable_get(x->ft, (unsigned)id);
		const char *m = (f->flags & FEAT_PSEUDO) ? feature_pseudo_meaning(f) : NULL;
		if (!m)
			continue;
		sb_addf(sb, "%s%s", sep, m);
		sep = "; ";
	}
}

static void verdict(struct explain_doc *d, const struct explanation *x, const char *hostl)
{
	size_t nb = blockers_features(x->ft, &x->blockers);
	int act = -1;
	struct strbuf why = STRBUF_INIT;

	if (x->usable == USABLE_YES) {
		if (x->model)
			act = action_new(d, MODE_CUSTOM, x->model, xasprintf("use %s as it is", x->model));
		add(d, XD_VERDICT_OK, 0, act, "%s: usable on %s", x->model, hostl);
	} else if (x->usable == USABLE_NO && x->model) {
		if (nb)
			sb_addf(&why, "%zu blocking feature%s", nb, plural(nb));
		pseudo_meanings(&why, x, nb ? "; " : "");
		add(d, XD_VERDICT_BAD, 0, -1, "%s: NOT usable on %s (%s)", x->model, hostl, sb_str(&why));
	} else if (x->usable == USABLE_NO) {
		add(d, XD_VERDICT_BAD, 0, -1, "NOT usable: %s%s lacks %zu requested feature%s (from "
		    "QEMU's warnings)", strcmp(hostl, "host") ? "" : "the ", hostl, nb, plural(nb));
	} else {
		add(d, XD_VERDICT_UNKNOWN, 0, -1, "%s: usability on %s unknown (no data)", x->model, hostl);
	}
	sb_fini(&why);
}

static void identity(struct explain_doc *d, const struct explanation *x)
{
	struct strbuf sb = STRBUF_INIT;

	if (!x->model)
		return;
	sb_add(&sb, x->model);
	if (x->resolved && strcmp(x->resolved, x->model))
		sb_addf(&sb, " = %s", x->resolved);
	if (x->vendor[0])
		sb_addf(&sb, " (%s)", x->vendor);
	if (x->machine)
		sb_addf(&sb, " on machine %s", x->machine);
	add(d, XD_TEXT, 0, -1, "%s; verdict from %s", sb_str(&sb), explain_source_text(x->source));
	/* the name asked for is not QEMU's (IBM's z15 is QEMU's gen15a): as show says it */
	if (x->asked_as[0])
		add(d, XD_TEXT, 0, -1, "asked as: %s", x->asked_as);
	sb_fini(&sb);
}

static void psabi(struct explain_doc *d, const struct explanation *x)
{
	struct strbuf sb = STRBUF_INIT;
	const char *sep = "";

	if (x->model_psabi < 0 && x->host_psabi < 0 && fset_empty(&x->psabi_missing))
		return;
	if (x->model && x->model_psabi >= 0) {
		sb_addf(&sb, "model %s", psabi_level_word(x->model_psabi));
		sep = ", ";
	}
	if (x->host_psabi >= 0) {
		sb_addf(&sb, "%shost %s", sep, psabi_level_word(x->host_psabi));
		sep = ", ";
	}
	if (!fset_empty(&x->psabi_missing)) {
		sb_addf(&sb, "%sblocking psABI-level feature%s: ", *sep ? "; " : "",
			plural(fset_count(&x->psabi_missing)));
		names_text(&sb, x->ft, &x->psabi_missing, LIST_MAX);
	}
	add(d, XD_TEXT, 0, -1, "x86-64 psABI level: %s", sb_str(&sb));
	sb_fini(&sb);
}

static void blockers(struct explain_doc *d, const struct explanation *x)
{
	struct vec order = VEC_INIT;
	char loc[64];

	size_t nb = blockers_features(x->ft, &x->blockers);

	if (!nb) /* only what is no CPU feature: the verdict line says it */
		return;
	blank(d);
	add(d, XD_HEADING, 0, -1, "Blocking features (%zu):", nb);
	explain_sorted(x->ft, &x->blockers, &order);
	for (size_t k = 0; k < order.n; k++) {
		const struct feature *f = order.v[k];
		if (f->flags & FEAT_PSEUDO)
			continue;
		struct xd_line *l = line_new(d, XD_BLOCKER, 2, -1);
		struct strbuf sp = STRBUF_INIT;
		feature_location(f, loc, sizeof(loc));
		l->f = f;
		l->cols[0] = xstrdup(f->name);
		l->cols[1] = xstrdup(f->group ? f->group : "-");
		l->cols[2] = xstrdup(loc[0] ? loc : "-");
		l->cols[3] = xstrdup(f->desc ? f->desc : (f->flags & FEAT_UNKNOWN) ?
				     "(not in cpuscope's feature table)" : "-");
		sb_addf(&sp, "QEMU %s", f->name);
		if (f->naliases) {
			sb_add(&sp, " (also ");
			sb_add_list(&sp, (const char *const *)f->aliases, f->naliases, f->naliases);
			sb_add(&sp, ")");
		}
		sb_addf(&sp, ", libvirt %s", f->libvirt && !(f->flags & FEAT_NOT_IN_LIBVIRT) ? f->libvirt : "-");
		sb_addf(&sp, ", Linux %s", f->linux_name ? f->linux_name : "-");
		if (f->psabi_level)
			sb_addf(&sp, "; x86-64-%s", psabi_level_word(f->psabi_level));
		add(d, XD_SPELLINGS, 2 + 24 + 1, -1, "%s", sb_str(&sp));
		sb_fini(&sp);
	}
	vec_fini(&order, NULL);
}

/* The name to switch to: one libvirt's cpu_map knows, when there is one. */
static const char *switch_name(const struct explain_alt *alt, const struct cpu_map *map)
{
	if (map && !cpu_map_model(map, alt->name))
		for (size_t i = 0; i < alt->aliases.n; i++)
			if (cpu_map_model(map, alt->aliases.v[i]))
				return alt->aliases.v[i];
	return alt->name;
}

static void option(struct explain_doc *d, const struct explanation *x, const struct explain_alt *a,
		   bool family, const struct cpu_map *map)
{
	struct strbuf sb = STRBUF_INIT;
	const char *name = switch_name(a, map);
	int act = action_new(d, MODE_CUSTOM, name, xasprintf("switch to %s%s%s", name,
							    strcmp(name, a->resolved) ? " = " : "",
							    strcmp(name, a->resolved) ? a->resolved : ""));

	sb_add(&sb, a->name);
	if (a->aliases.n) {
		sb_add(&sb, " (also ");
		sb_add_list(&sb, (const char *const *)a->aliases.v, a->aliases.n, a->aliases.n);
		sb_add(&sb, ")");
	}
	if (!family) {
		if (a->psabi_level > 0)
			sb_addf(&sb, ", x86-64-%s", psabi_level_word(a->psabi_level));
		if (!a->same_vendor && x->vendor[0])
			sb_add(&sb, ", other vendor");
	}
	sb_add(&sb, ": ");
	if (fset_empty(&a->lost)) {
		sb_addf(&sb, "loses none of %s's features", x->model);
	} else {
		sb_addf(&sb, "loses %zu (", fset_count(&a->lost));
		names_text(&sb, x->ft, &a->lost, LIST_MAX);
		sb_add(&sb, ")");
	}
	if (!fset_empty(&a->gained)) {
		sb_addf(&sb, "; adds %zu (", fset_count(&a->gained));
		names_text(&sb, x->ft, &a->gained, LIST_MAX);
		sb_add(&sb, ")");
	}
	add(d, XD_OPTION, 4, act, "%s", sb_str(&sb));
	sb_fini(&sb);
}

static void disable_fix(struct explain_doc *d, const struct explanation *x, int *step)
{
	const struct explain_fix *fx = &x->fix;
	struct strbuf sb = STRBUF_INIT;
	size_t nd = fset_count(&fx->disable), nb = fset_count(&x->blockers);
	int act = -1;

	if (fset_empty(&x->blockers))
		return;
	if (!fx->possible) {
		names_text(&sb, x->ft, &fx->impossible, LIST_MAX);
		add(d, XD_STEP, 2, -1, "%d. Disabling features cannot help: %s %s not a CPU feature but "
		    "what the model needs of the accelerator", (*step)++, sb_str(&sb),
		    fset_count(&fx->impossible) == 1 ? "is" : "are");
		sb_fini(&sb);
		return;
	}
	if (x->model) {
		struct vec order = VEC_INIT;
		struct xd_action *a;
		const char **names;
		explain_sorted(x->ft, &fx->disable, &order);
		names = xcalloc(order.n + 1, sizeof(*names));
		for (size_t i = 0; i < order.n; i++)
			names[i] = feature_libvirt_name(order.v[i]);
		sb_add_list(&sb, names, order.n, LIST_MAX);
		act = action_new(d, MODE_CUSTOM, x->model,
				 xasprintf("keep %s and disable %s (%zu policy change%s)", x->model,
					   sb_str(&sb), nd, plural(nd)));
		a = d->actions.v[act];
		for (size_t i = 0; i < order.n; i++)
			vec_push(&a->disable, xstrdup(names[i]));
		free(names);
		vec_fini(&order, NULL);
		sb_reset(&sb);
	}
	if (fx->kept_off)
		add(d, XD_STEP, 2, act, "%d. Disable %zu more feature%s (libvirt policy='disable'; %zu "
		    "already off in the given -cpu value stay off):", (*step)++, nd, plural(nd),
		    fx->kept_off);
	else
		add(d, XD_STEP, 2, act, "%d. Disable %zu feature%s (libvirt policy='disable'):", (*step)++,
		    nd, plural(nd));
	if (x->model)
		add(d, XD_CODE, 4, -1, "-cpu %s", fx->qemu ? fx->qemu : "?");
	else
		add(d, XD_CODE, 4, -1, "-cpu MODEL%s", fx->qemu ? fx->qemu : "");
	for (const char *p = fx->xml; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		add(d, XD_CODE, 4, -1, "%.*s", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	if (!fset_empty(&fx->implied)) {
		names_text(&sb, x->ft, &fx->implied, LIST_MAX);
		if (x->model)
			add(d, XD_TEXT, 4, -1, "QEMU then also drops %zu feature%s of %s that depend on "
			    "them: %s", fset_count(&fx->implied), plural(fset_count(&fx->implied)),
			    x->model, sb_str(&sb));
		else
			add(d, XD_TEXT, 4, -1, "QEMU then also drops what depends on them, where "
			    "requested: %s", sb_str(&sb));
		sb_reset(&sb);
	}
	if (nd < nb)
		add(d, XD_TEXT, 4, -1, "(the other %zu blocker%s on these and go%s with them)", nb - nd,
		    nb - nd == 1 ? " depends" : "s depend", nb - nd == 1 ? "es" : "");
	for (size_t i = 0; i < fx->notes.n; i++)
		add(d, XD_NOTE, 4, -1, "note: %s", (const char *)fx->notes.v[i]);
	sb_fini(&sb);
}

static void host_model(struct explain_doc *d, const struct explanation *x, int *step)
{
	struct strbuf sb = STRBUF_INIT;
	int act;

	switch (x->host_model) {
	case EXPLAIN_HM_UNSUPPORTED:
		add(d, XD_STEP, 2, -1, "%d. host-model: not supported on this host", (*step)++);
		break;
	case EXPLAIN_HM_YES:
		act = action_new(d, MODE_HOST_MODEL, NULL,
				 xasprintf("use host-model (%s here)", x->host_model_name));
		add(d, XD_STEP, 2, act, "%d. host-model (%s here) would do: it has every feature of %s "
		    "the host can run (but the guest then only migrates to hosts like this one)",
		    (*step)++, x->host_model_name, x->model);
		break;
	case EXPLAIN_HM_NO:
		act = action_new(d, MODE_HOST_MODEL, NULL,
				 xasprintf("use host-model (%s here)", x->host_model_name));
		names_text(&sb, x->ft, &x->host_model_lacks, LIST_MAX);
		add(d, XD_STEP, 2, act, "%d. host-model (%s here) would not do: it lacks %zu of %s's "
		    "features: %s", (*step)++, x->host_model_name, fset_count(&x->host_model_lacks),
		    x->model, sb_str(&sb));
		break;
	case EXPLAIN_HM_UNKNOWN:
	default:
		break;
	}
	sb_fini(&sb);
}

static void ways_out(struct explain_doc *d, const struct explanation *x, const struct cpu_map *map)
{
	int step = 1;

	blank(d);
	add(d, XD_HEADING, 0, -1, "How to make it work:");
	if (x->model && x->searched) {
		if (!x->family.n) {
			add(d, XD_STEP, 2, -1, "%d. Another version or alias of %s: none is usable here",
			    step++, x->model);
		} else {
			add(d, XD_STEP, 2, -1, "%d. Another version or alias of %s:", step++, x->model);
			for (size_t i = 0; i < x->family.n; i++)
				option(d, x, x->family.v[i], true, map);
		}
		if (!x->nearest.n) {
			add(d, XD_STEP, 2, -1, "%d. The nearest other usable model%s: none", step++,
			    x->nearest.n == 1 ? "" : "s");
		} else {
			add(d, XD_STEP, 2, -1, "%d. The nearest other usable model%s:", step++,
			    x->nearest.n == 1 ? "" : "s");
			for (size_t i = 0; i < x->nearest.n; i++)
				option(d, x, x->nearest.v[i], false, map);
		}
	}
	disable_fix(d, x, &step);
	host_model(d, x, &step);
}

/* ---- the doc ----------------------------------------------------------------- */

void explain_doc_build(const struct explanation *x, const char *host_label,
		       const struct cpu_map *map, struct explain_doc *out)
{
	memset(out, 0, sizeof(*out));
	verdict(out, x, host_label);
	identity(out, x);
	psabi(out, x);
	blockers(out, x);
	if (x->usable == USABLE_NO && fset_empty(&x->blockers)) {
		blank(out);
		add(out, XD_TEXT, 0, -1, "The host says no but names no feature (its file lists no "
		    "blockers).");
	}
	if (x->usable != USABLE_YES)
		ways_out(out, x, map);
	for (size_t i = 0; i < x->notes.n; i++)
		add(out, XD_NOTE, 0, -1, "note: %s", (const char *)x->notes.v[i]);
}

void explain_doc_add_warnings(struct explain_doc *d, const struct qemu_warnings *w)
{
	blank(d);
	add(d, XD_HEADING, 0, -1, "QEMU's warnings (%zu line%s%s):", w->items.n, plural(w->items.n),
	    w->enforce ? "; enforce was on, so QEMU refused to start" : "");
	for (size_t i = 0; i < w->items.n; i++) {
		const struct qemu_warning *it = w->items.v[i];
		add(d, XD_TEXT, 2, -1, "line %d: %s -> %s%s", it->line, it->text,
		    it->f ? it->f->name : "?",
		    it->by_location && it->by_name ? " (location and name agree)" :
		    it->by_location ? " (by location)" : it->by_name ? " (by name)" : "");
		if (it->note)
			add(d, XD_NOTE, 4, -1, "note: %s", it->note);
	}
}

static void action_free(void *p)
{
	struct xd_action *a = p;

	if (!a)
		return;
	free(a->label);
	free(a->model);
	vec_fini(&a->disable, free);
	free(a);
}

static void line_free(void *p)
{
	struct xd_line *l = p;

	if (!l)
		return;
	free(l->text);
	for (size_t i = 0; i < XD_NCOLS; i++)
		free(l->cols[i]);
	free(l);
}

void explain_doc_fini(struct explain_doc *d)
{
	if (!d)
		return;
	vec_fini(&d->lines, line_free);
	vec_fini(&d->actions, action_free);
}

char *explain_doc_text(const struct explain_doc *d)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < d->lines.n; i++) {
		const struct xd_line *l = d->lines.v[i];
		sb_addf(&sb, "%*s", (int)l->indent, "");
		if (l->role == XD_BLOCKER)
			sb_addf(&sb, "%-24s %-16s %-23s %s", l->cols[0], l->cols[1], l->cols[2], l->cols[3]);
		else
			sb_add(&sb, l->text);
		sb_addc(&sb, '\n');
	}
	return sb_take(&sb);
}
