/* upgrade_diff.c - what changed between the two sides of an upgrade check,
 * what it means (findings), and what to pin to keep the guest as it is. */
#include "upgrade.h"
#include "upgrade_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_arg.h"
#include "err.h"
#include "explain.h"
#include "logic.h"

/* ---- the differences ---------------------------------------------------------- */

void upg_diff_props(struct upgrade_report *r)
{
	struct vec pa = VEC_INIT, pb = VEC_INIT;
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct expansion *newest = NULL;
	size_t i = 0, j = 0;

	if (!a->full || !b->full)
		return;
	expansion_props_all(a->full, &pa);
	expansion_props_all(b->full, &pb);
	/* the same model on the newest machine type of the family: a property
	 * only 'to' has and sets otherwise there is a compat property */
	if (b->machine[0]) {
		const struct machine *m = machine_family_pick(b->ds, b->machine);
		const struct mdata *md = m ? dataset_find_mdata(b->ds, m->name) : NULL;
		if (md && strcmp(md->machine, b->machine) && b->def)
			newest = dataset_expansion(b->ds, md, b->def->name, true);
	}
	while (i < pa.n || j < pb.n) {
		const struct prop *x = i < pa.n ? pa.v[i] : NULL, *y = j < pb.n ? pb.v[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x->name, y->name);
		struct upgrade_prop *p;

		if (c == 0 && str_eq(x->json, y->json)) {
			i++;
			j++;
			continue;
		}
		p = xcalloc(1, sizeof(*p));
		if (c <= 0) {
			p->name = xstrdup(x->name);
			p->from = upg_unquote(x->json);
			i++;
		}
		if (c >= 0) {
			free(p->name);
			p->name = xstrdup(y->name);
			p->to = upg_unquote(y->json);
			j++;
		}
		if (c == 0) {
			vec_push(&r->prop_changed, p);
		} else if (c > 0) {
			const char *nv = newest ? expansion_prop(newest, p->name) : NULL;
			p->compat = nv && !str_eq(nv, y->json);
			vec_push(&r->prop_new, p);
		} else {
			vec_push(&r->prop_gone, p);
		}
	}
	vec_fini(&pa, NULL);
	vec_fini(&pb, NULL);
}

void upg_new_versions(struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct mdata *ma, *mb;
	struct vec va = VEC_INIT, vb = VEC_INIT;
	char base[128];

	if (!a->def || !b->def || !a->resolved[0])
		return;
	ma = dataset_find_mdata(a->ds, a->machine);
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!ma || !mb)
		return;
	model_version_of(a->resolved, base, sizeof(base));
	model_versions(ma, base, &va);
	model_versions(mb, base, &vb);
	for (size_t i = 0; i < vb.n; i++) {
		const struct cpu_def *d = vb.v[i];
		bool old = false;
		for (size_t k = 0; k < va.n && !old; k++)
			old = !strcmp(((const struct cpu_def *)va.v[k])->name, d->name);
		if (!old)
			vec_push(&r->new_versions, xstrdup(d->name));
	}
	vec_fini(&va, NULL);
	vec_fini(&vb, NULL);
}

/* Every model both machine types have, by its own verdict on each side. */
void upg_model_verdicts(struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct mdata *ma, *mb;
	struct fset blk = FSET_INIT;

	if (b->machine_missing || !a->machine[0] || !b->machine[0])
		return;
	ma = dataset_find_mdata(a->ds, a->machine);
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!ma || !mb)
		return;
	for (size_t i = 0; i < ma->defs.n; i++) {
		const struct cpu_def *da = ma->defs.v[i], *db = mdata_def(mb, da->name);
		struct model_view va, vb;
		if (!db)
			continue;
		model_view_init(a->ds, ma, da, &va);
		model_view_init(b->ds, mb, db, &vb);
		enum usable ua = model_usable(&va, a->host, &blk), ub = model_usable(&vb, b->host, &blk);
		r->models_compared++;
		if (ua == USABLE_YES && ub == USABLE_NO)
			vec_push(&r->stop_starting, da->name);
		else if (ua == USABLE_NO && ub == USABLE_YES)
			vec_push(&r->start_starting, da->name);
	}
	vec_sort(&r->stop_starting, upg_cmp_names);
	vec_sort(&r->start_starting, upg_cmp_names);
	fset_fini(&blk);
}

/* A version of the guest's family that the new side can run, when the
 * guest loses features there: the newest usable one, with its aliases. */
void upg_alternative(struct upgrade_report *r)
{
	const struct upgrade_end *b = &r->to;
	const struct mdata *mb;
	const struct cpu_def *best;
	char base[128];

	if (!r->drops_new.n || !b->def || !b->resolved[0] || b->machine_missing)
		return;
	mb = dataset_find_mdata(b->ds, b->machine);
	if (!mb || model_version_of(b->resolved, base, sizeof(base)) <= 0)
		return;
	best = model_best_version(b->ds, mb, base, b->host);
	if (!best || !strcmp(best->name, b->resolved))
		return;
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	sb_add(&sb, best->name);
	for (size_t i = 0; i < mb->defs.n; i++) {
		const struct cpu_def *d = mb->defs.v[i];
		if (d->alias_of && !strcmp(d->alias_of, best->name))
			sb_addf(&sb, "%s%s", n++ ? ", " : " (", d->name);
	}
	if (n)
		sb_add(&sb, ")");
	r->alternative = sb_take(&sb);
}

const char *upg_yes_no(bool v)
{
	return v ? "starts" : "does not start";
}

void upg_findings(const struct upgrade_guest *in, struct upgrade_report *r)
{
	struct upgrade_end *a = &r->from, *b = &r->to;
	char qa[64], qb[64], pa[600], pb[600];
	char *l;

	upg_qemu_name(a, qa, sizeof(qa));
	upg_qemu_name(b, qb, sizeof(qb));
	upg_provider(a, pa, sizeof(pa));
	upg_provider(b, pb, sizeof(pb));

	/* the machine type */
	if (b->machine_missing) {
		if (b->machine_replaced)
			upg_finding(r, UPG_BREAK, "machine type %s does not exist in %s (removed): the guest "
				"does not start.  The oldest of its family there is %s; below, the CPU on "
				"it (moving the guest changes its machine, not only its CPU)",
				b->machine_asked, qb, b->machine);
		else
			upg_finding(r, UPG_BREAK, "machine type %s does not exist in %s: the guest does not "
				"start", b->machine_asked[0] ? b->machine_asked : "(the default)", qb);
	} else if (b->machine_deprecated && !a->machine_deprecated) {
		upg_finding(r, UPG_WARN, "machine type %s is deprecated in %s: a later QEMU removes it",
			b->machine, qb);
	} else if (b->machine_deprecated) {
		upg_finding(r, UPG_WARN, "machine type %s is deprecated (in %s and in %s)", b->machine, qa, qb);
	}
	if (!b->machine_missing && strcmp(a->machine, b->machine)) {
		if (in->machine)
			upg_finding(r, UPG_INFO, "%s stands for %s in %s and for %s in %s", in->machine,
				a->machine, qa, b->machine, qb);
		else
			upg_finding(r, UPG_INFO, "the default machine type moves from %s (%s) to %s (%s): a "
				"guest defined without one gets the new one", a->machine, qa, b->machine, qb);
	}

	/* the model */
	if (b->model_missing) {
		upg_finding(r, UPG_BREAK, "model %s does not exist in %s: the guest does not start", a->model, qb);
	} else if (b->def) {
		if (strcmp(a->resolved, b->resolved) && a->resolved[0] && b->resolved[0])
			upg_finding(r, UPG_CHANGE, "%s stands for %s in %s on %s, and for %s in %s on %s",
				a->model, a->resolved, qa, a->machine, b->resolved, qb, b->machine);
		if (b->model_deprecated && !a->model_deprecated)
			upg_finding(r, UPG_WARN, "model %s is deprecated in %s: a later QEMU may remove it",
				b->model, qb);
		if (r->new_versions.n) {
			l = upg_list_str(&r->new_versions);
			upg_finding(r, UPG_INFO, "%s adds %s (this guest keeps %s)", qb, l,
				b->resolved[0] ? b->resolved : b->model);
			free(l);
		}
	}
	if (!b->def)
		return;

	/* the model's definition */
	if (b->host_model) {
		if (r->def_lost.n || r->def_gained.n) {
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "host-model expands differently: %s on one side, %s on the other", 
				a->host_model_from, b->host_model_from);
			if (r->def_gained.n) {
				sb_add(&sb, "; it gains ");
				upg_add_list(&sb, &r->def_gained);
			}
			if (r->def_lost.n) {
				sb_add(&sb, "; it loses ");
				upg_add_list(&sb, &r->def_lost);
			}
			upg_finding(r, UPG_CHANGE, "%s", sb_str(&sb));
			sb_fini(&sb);
		} else {
			upg_finding(r, UPG_INFO, "host-model expands to the same %zu features on both sides",
				fset_count(&b->model_features));
		}
	} else if (r->definition_same) {
		if (a->ds == b->ds && !strcmp(a->machine, b->machine))
			upg_finding(r, UPG_INFO, "both sides use the same QEMU data (%s): only the host "
				"differs; %s has %zu features", qa, a->resolved, fset_count(&b->model_features));
		else if (!strcmp(a->machine, b->machine))
			upg_finding(r, UPG_INFO, "QEMU keeps its promise: %s on %s has the same %zu features in "
				"%s and in %s", a->resolved, a->machine, fset_count(&b->model_features), qa, qb);
		else
			upg_finding(r, UPG_INFO, "the definition is the same: %s has the same %zu features on %s "
				"(%s) and on %s (%s)", a->resolved, fset_count(&b->model_features), a->machine,
				qa, b->machine, qb);
	} else {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "the definition of %s differs: on %s (%s) against %s (%s)", b->resolved,
			b->machine, qb, a->machine, qa);
		if (r->def_gained.n) {
			sb_add(&sb, " it adds ");
			upg_add_list(&sb, &r->def_gained);
		}
		if (r->def_lost.n) {
			sb_add(&sb, r->def_gained.n ? "; it drops " : " it drops ");
			upg_add_list(&sb, &r->def_lost);
		}
		upg_finding(r, UPG_CHANGE, "%s", sb_str(&sb));
		sb_fini(&sb);
	}

	/* what the accelerator or host provides */
	if (r->drops_new.n) {
		l = upg_list_str(&r->drops_new);
		upg_finding(r, UPG_CHANGE, "%s does not provide %s, which %s did: QEMU drops %s from the "
			"guest", pb, l, pa, r->drops_new.n == 1 ? "it" : "them");
		free(l);
	}
	if (r->drops_gone.n) {
		l = upg_list_str(&r->drops_gone);
		upg_finding(r, UPG_CHANGE, "%s provides %s, which %s did not: the guest gains %s", pb, l, pa,
			r->drops_gone.n == 1 ? "it" : "them");
		free(l);
	}
	if (b->unknown.n) {
		l = upg_list_str(&b->unknown);
		upg_finding(r, b->unknown_on ? UPG_BREAK : UPG_INFO, "%s has no property for %s%s", qb, l,
			b->unknown_on ? ": QEMU refuses to start the guest" :
			": libvirt leaves it out of -cpu");
		free(l);
	}

	/* whether it starts */
	if (a->starts && !b->starts && !b->machine_missing && !b->model_missing && !b->unknown_on) {
		char blk[2048] = "";
		struct vec names = VEC_INIT;
		fset_names_missing(b->ft, &b->blockers, NULL, NULL, &names);
		vec_sort(&names, upg_cmp_names);
		l = upg_list_str(&names);
		snprintf(blk, sizeof(blk), "%s", l);
		free(l);
		vec_fini(&names, NULL);
		if (in->cpu_arg && !in->enforce)
			upg_finding(r, UPG_BREAK, "%s refuses to start it", qb);
		else if (in->cpu_arg)
			upg_finding(r, UPG_BREAK, "with enforce, %s refuses to start it (it would drop %s)", qb,
				blk[0] ? blk : "what the host lacks");
		else if (!fset_empty(&b->forbidden) && fset_empty(&b->blockers))
			upg_finding(r, UPG_BREAK, "libvirt (check='%s') refuses to start it: the host has a "
				"forbidden feature", cpu_check_name(b->check));
		else
			upg_finding(r, UPG_BREAK, "libvirt (check='%s') refuses to start it: the host lacks %s",
				cpu_check_name(b->check), blk[0] ? blk : "a required feature");
	} else if (!a->starts && b->starts) {
		upg_finding(r, UPG_CHANGE, "it starts on the new side, where it did not before");
	}
	if (a->starts_enforce != b->starts_enforce && (in->cpu_arg ? !in->enforce :
						       b->check == CHECK_NONE))
		upg_finding(r, UPG_INFO, "under enforce it %s on the old side and %s on the new one",
			upg_yes_no(a->starts_enforce), upg_yes_no(b->starts_enforce));

	/* properties */
	if (r->prop_changed.n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < r->prop_changed.n; i++) {
			const struct upgrade_prop *p = r->prop_changed.v[i];
			sb_addf(&sb, "%s%s %s -> %s", i ? ", " : "", p->name, p->from, p->to);
		}
		upg_finding(r, UPG_CHANGE, "properties of the CPU change: %s", sb_str(&sb));
		sb_fini(&sb);
	}
	if (r->prop_new.n) {
		struct strbuf sb = STRBUF_INIT, cs = STRBUF_INIT;
		size_t nc = 0;
		for (size_t i = 0; i < r->prop_new.n; i++) {
			const struct upgrade_prop *p = r->prop_new.v[i];
			if (p->compat)
				sb_addf(&cs, "%s%s=%s", nc++ ? ", " : "", p->name, p->to);
		}
		if (nc)
			upg_finding(r, UPG_INFO, "%s sets compat properties on %s to keep the older behaviour: %s",
				qb, b->machine, sb_str(&cs));
		if (r->prop_new.n > nc) {
			size_t k = 0;
			for (size_t i = 0; i < r->prop_new.n; i++) {
				const struct upgrade_prop *p = r->prop_new.v[i];
				if (!p->compat)
					sb_addf(&sb, "%s%s=%s", k++ ? ", " : "", p->name, p->to);
			}
			upg_finding(r, UPG_INFO, "%s has properties %s lacks (nothing to compare them with): %s",
				qb, qa, sb_str(&sb));
		}
		sb_fini(&sb);
		sb_fini(&cs);
	}
	if (r->prop_gone.n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < r->prop_gone.n; i++) {
			const struct upgrade_prop *p = r->prop_gone.v[i];
			sb_addf(&sb, "%s%s", i ? ", " : "", p->name);
		}
		upg_finding(r, UPG_INFO, "%s no longer has the properties %s", qb, sb_str(&sb));
		sb_fini(&sb);
	}
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct upgrade_finding *a = *(const struct upgrade_finding *const *)pa;
	const struct upgrade_finding *b = *(const struct upgrade_finding *const *)pb;

	return (int)b->sev - (int)a->sev;
}

/* A stable sort (vec_sort is qsort): insertion by severity. */
void upg_sort_findings(struct vec *v)
{
	for (size_t i = 1; i < v->n; i++) {
		void *x = v->v[i];
		size_t j = i;
		while (j > 0 && finding_cmp(&v->v[j - 1], &x) > 0) {
			v->v[j] = v->v[j - 1];
			j--;
		}
		v->v[j] = x;
	}
}

/* ---- what to pin -------------------------------------------------------------- */

static bool name_in(const struct vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], name))
			return true;
	return false;
}

static void pin_feature(struct strbuf *cpu, struct strbuf *xml, bool *ok, const struct ftable *ft,
			const char *name, bool on)
{
	const struct feature *f = ftable_lookup(ft, name);
	const char *q = f ? f->name : name;

	if (!cpu_arg_name_ok(q)) {
		*ok = false;
		return;
	}
	sb_addf(cpu, ",%s=%s", q, on ? "on" : "off");
	sb_addf(xml, "\n  <feature policy='%s' name='", on ? "require" : "disable");
	sb_xml_escape(xml, f ? feature_libvirt_name(f) : name);
	sb_add(xml, "'/>");
}

void upg_pins(const struct upgrade_guest *in, struct upgrade_report *r)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	const struct guest_cpu *g = in->g;
	char qb[64];
	bool floating_model = false, floating_machine = false;

	/* what the new side provides beyond the old, except what the guest
	 * itself asks for */
	struct vec off_new = VEC_INIT;
	for (size_t i = 0; i < r->drops_gone.n; i++) {
		const char *n = r->drops_gone.v[i];
		bool asked = false;
		for (size_t k = 0; k < g->features.n && !asked; k++) {
			const struct guest_feature *gf = g->features.v[k];
			const struct feature *f = ftable_lookup(b->ft, gf->name);
			asked = (gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE) &&
				!strcmp(f ? f->name : gf->name, n);
		}
		if (!asked)
			vec_push(&off_new, (void *)(uintptr_t)i);
	}

	upg_qemu_name(b, qb, sizeof(qb));
	char base[128];
	/* only a bare name floats (Haswell); a fixed alias (Haswell-noTSX)
	 * always means its one version */
	if (g->mode == MODE_CUSTOM && a->resolved[0] && strcmp(a->model, a->resolved) &&
	    model_version_of(a->resolved, base, sizeof(base)) > 0 && !strcmp(base, a->model)) {
		floating_model = true;
		vec_push(&r->pins, xasprintf("the versioned model %s, not %s (%s is what %s stands for "
					     "on %s; libvirt takes versioned names from 10.10 on)",
					     a->resolved, a->model, a->resolved, a->model, a->machine));
	}
	if (b->machine_missing) {
		vec_push(&r->pins, xasprintf("no machine type keeps this guest: %s has no %s%s%s", qb,
					     b->machine_asked, b->machine_replaced ? "; the oldest of "
					     "its family there is " : "", b->machine_replaced ? b->machine : ""));
	} else if (!in->machine || strcmp(in->machine, a->machine)) {
		floating_machine = true;
		vec_push(&r->pins, xasprintf("the versioned machine type %s (--machine %s, libvirt <type "
					     "machine='%s'>), not %s", a->machine, a->machine, a->machine,
					     in->machine ? in->machine : "the default"));
	}
	if (off_new.n) {
		struct strbuf l = STRBUF_INIT;
		for (size_t i = 0; i < off_new.n; i++)
			sb_addf(&l, "%s%s", i ? ", " : "",
				(const char *)r->drops_gone.v[(uintptr_t)off_new.v[i]]);
		vec_push(&r->pins, xasprintf("disable %s, which %s now provides, so the guest stays as "
					     "it was (and can migrate back)", sb_str(&l),
					     b->host ? b->label : qb));
		sb_fini(&l);
	}
	if (r->drops_new.n) {
		char *l = upg_list_str(&r->drops_new);
		vec_push(&r->pins, xasprintf("%s cannot be kept where %s not provided: disable %s on "
					     "both sides (the guest loses %s on the old side too)%s%s", l,
					     r->drops_new.n == 1 ? "it is" : "they are",
					     r->drops_new.n == 1 ? "it" : "them",
					     r->drops_new.n == 1 ? "it" : "them",
					     r->alternative ? ", or move to " : "",
					     r->alternative ? r->alternative : ""));
		free(l);
	}
	if ((g->mode == MODE_HOST_PASSTHROUGH || g->mode == MODE_MAXIMUM) && !r->unchanged)
		vec_push(&r->pins, xasprintf("nothing pins %s: it is whatever the %s offers; a "
					     "named model (mode='custom') keeps the guest identical",
					     g->mode == MODE_MAXIMUM ? "maximum (-cpu max)" :
					     "host-passthrough (-cpu host)",
					     b->host ? "host" : "accelerator"));
	if (b->host_model && (r->def_lost.n || r->def_gained.n))
		vec_push(&r->pins, xstrdup("a custom CPU instead of host-model: the old side's "
					   "host-model CPU as mode='custom' (for a domcapabilities host, "
					   "its <mode name='host-model'> model and features)"));

	/* the -cpu value and the libvirt lines that pin it */
	if (g->mode != MODE_CUSTOM || !a->resolved[0] || !cpu_arg_name_ok(a->resolved) ||
	    (!floating_model && !floating_machine && !off_new.n && !r->drops_new.n)) {
		vec_fini(&off_new, NULL);
		return;
	}
	struct strbuf cpu = STRBUF_INIT, xml = STRBUF_INIT;
	bool ok = true;
	sb_add(&cpu, a->resolved);
	sb_add(&xml, "<model fallback='forbid'>");
	sb_xml_escape(&xml, a->resolved);
	sb_add(&xml, "</model>");
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		bool on = gf->policy == POLICY_REQUIRE || gf->policy == POLICY_FORCE;
		bool off = gf->policy == POLICY_DISABLE || gf->policy == POLICY_FORBID;
		const struct feature *f = ftable_lookup(a->ft, gf->name);
		const char *n = f ? f->name : gf->name;
		if ((!on && !off) || name_in(&r->drops_new, n))
			continue;
		pin_feature(&cpu, &xml, &ok, a->ft, gf->name, on);
	}
	for (size_t i = 0; i < r->drops_new.n; i++)
		pin_feature(&cpu, &xml, &ok, a->ft, r->drops_new.v[i], false);
	for (size_t i = 0; i < off_new.n; i++)
		pin_feature(&cpu, &xml, &ok, b->ft, r->drops_gone.v[(uintptr_t)off_new.v[i]], false);
	vec_fini(&off_new, NULL);
	if (in->enforce)
		sb_add(&cpu, ",enforce");
	if (ok) {
		r->pin_cpu = sb_take(&cpu);
		r->pin_xml = sb_take(&xml);
	}
	sb_fini(&cpu);
	sb_fini(&xml);
}

