/* cli_explain.c - `cpuscope explain`: why a model is (not) usable, and
 * what would make it work; also QEMU's "doesn't support requested
 * feature" warnings decoded. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain.h"
#include "logic.h"
#include "userdata.h"

static const char explain_help[] =
	"usage: cpuscope explain MODEL [GLOBAL OPTIONS]\n"
	"       cpuscope explain --qemu-warning FILE|- [MODEL] [GLOBAL OPTIONS]\n"
	"\n"
	"Say whether MODEL is usable on the host (--host FILE, --local, or with\n"
	"neither QEMU's own verdict for its accelerator) and why not: each blocking\n"
	"feature with its spellings (QEMU, libvirt, Linux), CPUID/MSR location,\n"
	"group and meaning; the x86-64 levels of the model and the host.  Then the\n"
	"fixes: usable versions and aliases of the same model, the nearest other\n"
	"usable models (fewest features lost, same vendor first), the smallest set\n"
	"of disable policies (as a -cpu value and as libvirt XML), and whether\n"
	"host-model would do (with a domcapabilities host).\n"
	"\n"
	"--qemu-warning reads QEMU's warning lines (\"TCG doesn't support requested\n"
	"feature: CPUID.07H:EBX.hle [bit 4]\", \"MSR(48DH).vmx-posted-intr [bit 7]\",\n"
	"the CPUID[eax=..,ecx=..] form of newer QEMU) from FILE or standard input,\n"
	"names the features (by location and by name, cross-checked) and explains\n"
	"them as blockers of MODEL (or, without MODEL, gives the disable policies).\n"
	"\n"
	"The first line is the verdict.  --format json prints {\"model\", \"usable\",\n"
	"\"unavailable\": [QEMU names], \"suggestions\": [...], ...}.\n"
	"Exit status: 0 usable, 1 not usable, 2 error (or no data to decide).\n";

#define LIST_MAX 8

static void names_text(struct strbuf *sb, const struct ftable *ft, const struct fset *s, size_t max)
{
	struct vec v = VEC_INIT;

	explain_sorted(ft, s, &v);
	for (size_t n = 0; n < v.n; n++) {
		if (n == max && v.n > max + 1) {
			sb_addf(sb, ", ... (%zu more)", v.n - max);
			break;
		}
		sb_add(sb, n ? ", " : "");
		sb_add(sb, ((const struct feature *)v.v[n])->name);
	}
	vec_fini(&v, NULL);
}

/* JSON array of QEMU names, in display order */
static json_object *names_json(const struct ftable *ft, const struct fset *s)
{
	json_object *a = json_object_new_array();
	struct vec v = VEC_INIT;

	explain_sorted(ft, s, &v);
	for (size_t i = 0; i < v.n; i++)
		json_object_array_add(a, json_object_new_string(((const struct feature *)v.v[i])->name));
	vec_fini(&v, NULL);
	return a;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- text ----------------------------------------------------------------- */

static void level_text(struct strbuf *sb, const char *who, int level)
{
	if (level > 0)
		sb_addf(sb, "%s v%d", who, level);
	else
		sb_addf(sb, "%s below v1", who);
}

static void print_blockers_text(struct cli *c, const struct explanation *x)
{
	const struct ftable *ft = x->ft;
	char loc[64];

	if (fset_empty(&x->blockers))
		return;
	fprintf(c->out, "\nBlocking features (%zu):\n", fset_count(&x->blockers));
	struct vec order = VEC_INIT;
	explain_sorted(ft, &x->blockers, &order);
	for (size_t k = 0; k < order.n; k++) {
		const struct feature *f = order.v[k];
		struct strbuf sp = STRBUF_INIT;
		feature_location(f, loc, sizeof(loc));
		fprintf(c->out, "  %-24s %-16s %-23s %s\n", f->name, f->group ? f->group : "-",
			loc[0] ? loc : "-", f->desc ? f->desc : (f->flags & FEAT_UNKNOWN) ?
			"(not in cpuscope's feature table)" : "-");
		sb_addf(&sp, "QEMU %s", f->name);
		if (f->naliases) {
			sb_add(&sp, " (also ");
			for (size_t i = 0; i < f->naliases; i++)
				sb_addf(&sp, "%s%s", i ? ", " : "", f->aliases[i]);
			sb_add(&sp, ")");
		}
		sb_addf(&sp, ", libvirt %s", f->libvirt && !(f->flags & FEAT_NOT_IN_LIBVIRT) ? f->libvirt : "-");
		sb_addf(&sp, ", Linux %s", f->linux_name ? f->linux_name : "-");
		if (f->level)
			sb_addf(&sp, "; x86-64-v%d", f->level);
		fprintf(c->out, "  %-24s %s\n", "", sb_str(&sp));
		sb_fini(&sp);
	}
	vec_fini(&order, NULL);
}

static void print_alt_text(struct cli *c, const struct explanation *x, const struct explain_alt *a,
			   bool family)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "    %s", a->name);
	if (a->aliases.n) {
		sb_add(&sb, " (also ");
		for (size_t i = 0; i < a->aliases.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", (const char *)a->aliases.v[i]);
		sb_add(&sb, ")");
	}
	if (!family) {
		if (a->level > 0)
			sb_addf(&sb, ", x86-64-v%d", a->level);
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
	fprintf(c->out, "%s\n", sb_str(&sb));
	sb_fini(&sb);
}

static void print_fix_text(struct cli *c, const struct explanation *x, int *step)
{
	const struct explain_fix *fx = &x->fix;
	struct strbuf sb = STRBUF_INIT;

	if (fset_empty(&x->blockers))
		return;
	if (!fx->possible) {
		fprintf(c->out, "  %d. Disabling features cannot help: ", (*step)++);
		names_text(&sb, x->ft, &fx->impossible, LIST_MAX);
		fprintf(c->out, "%s %s not a CPU feature but what the model needs of the accelerator\n",
			sb_str(&sb), fset_count(&fx->impossible) == 1 ? "is" : "are");
		sb_fini(&sb);
		return;
	}
	fprintf(c->out, "  %d. Disable %zu feature%s (libvirt policy='disable'):\n", (*step)++,
		fset_count(&fx->disable), plural(fset_count(&fx->disable)));
	if (x->model)
		fprintf(c->out, "    -cpu %s\n", fx->qemu ? fx->qemu : "?");
	else
		fprintf(c->out, "    -cpu MODEL%s\n", fx->qemu ? fx->qemu : "");
	for (const char *p = fx->xml; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(c->out, "    %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	if (!fset_empty(&fx->implied)) {
		names_text(&sb, x->ft, &fx->implied, LIST_MAX);
		if (x->model)
			fprintf(c->out, "    QEMU then also drops %zu feature%s of %s that depend on them: %s\n",
				fset_count(&fx->implied), plural(fset_count(&fx->implied)), x->model,
				sb_str(&sb));
		else
			fprintf(c->out, "    QEMU then also drops what depends on them, where requested: %s\n",
				sb_str(&sb));
		sb_reset(&sb);
	}
	if (fset_count(&fx->disable) < fset_count(&x->blockers))
		fprintf(c->out, "    (the other %zu blocker%s on these and go%s with them)\n",
			fset_count(&x->blockers) - fset_count(&fx->disable),
			fset_count(&x->blockers) - fset_count(&fx->disable) == 1 ? " depends" : "s depend",
			fset_count(&x->blockers) - fset_count(&fx->disable) == 1 ? "es" : "");
	for (size_t i = 0; i < fx->notes.n; i++)
		fprintf(c->out, "    note: %s\n", (const char *)fx->notes.v[i]);
	sb_fini(&sb);
}

static void print_text(struct cli *c, const struct explanation *x, const char *hostl)
{
	size_t nb = fset_count(&x->blockers);
	struct strbuf sb = STRBUF_INIT;
	int step = 1;

	/* the verdict */
	if (x->usable == USABLE_YES)
		fprintf(c->out, "%s: usable on %s\n", x->model, hostl);
	else if (x->usable == USABLE_NO && x->model)
		fprintf(c->out, "%s: NOT usable on %s (%zu blocking feature%s)\n", x->model, hostl, nb,
			plural(nb));
	else if (x->usable == USABLE_NO)
		fprintf(c->out, "NOT usable: %s%s lacks %zu requested feature%s (from QEMU's warnings)\n",
			strcmp(hostl, "host") ? "" : "the ", hostl, nb, plural(nb));
	else
		fprintf(c->out, "%s: usability on %s unknown (no data)\n", x->model, hostl);

	if (x->model) {
		sb_addf(&sb, "%s", x->model);
		if (x->resolved && strcmp(x->resolved, x->model))
			sb_addf(&sb, " = %s", x->resolved);
		if (x->vendor[0])
			sb_addf(&sb, " (%s)", x->vendor);
		if (x->machine)
			sb_addf(&sb, " on machine %s", x->machine);
		fprintf(c->out, "%s; verdict from %s\n", sb_str(&sb), explain_source_text(x->source));
		sb_reset(&sb);
	}
	if (x->model_level >= 0 || x->host_level >= 0 || !fset_empty(&x->level_missing)) {
		const char *sep = "";
		if (x->model && x->model_level >= 0) {
			level_text(&sb, "model", x->model_level);
			sep = ", ";
		}
		if (x->host_level >= 0) {
			sb_add(&sb, sep);
			level_text(&sb, "host", x->host_level);
			sep = ", ";
		}
		if (!fset_empty(&x->level_missing)) {
			sb_addf(&sb, "%sblocking level feature%s: ", *sep ? "; " : "",
				plural(fset_count(&x->level_missing)));
			names_text(&sb, x->ft, &x->level_missing, LIST_MAX);
		}
		fprintf(c->out, "x86-64 level: %s\n", sb_str(&sb));
		sb_reset(&sb);
	}
	print_blockers_text(c, x);
	if (x->usable == USABLE_NO && nb == 0)
		fprintf(c->out, "\nThe host says no but names no feature (its file lists no blockers).\n");
	if (x->usable != USABLE_YES) {
		fputs("\nHow to make it work:\n", c->out);
		if (x->model && x->searched) {
			fprintf(c->out, "  %d. Another version or alias of %s", step++, x->model);
			if (!x->family.n) {
				fputs(": none is usable here\n", c->out);
			} else {
				fputs(":\n", c->out);
				for (size_t i = 0; i < x->family.n; i++)
					print_alt_text(c, x, x->family.v[i], true);
			}
			fprintf(c->out, "  %d. The nearest other usable model%s", step++, x->nearest.n == 1 ? "" : "s");
			if (!x->nearest.n) {
				fputs(": none\n", c->out);
			} else {
				fputs(":\n", c->out);
				for (size_t i = 0; i < x->nearest.n; i++)
					print_alt_text(c, x, x->nearest.v[i], false);
			}
		}
		print_fix_text(c, x, &step);
		switch (x->host_model) {
		case EXPLAIN_HM_UNSUPPORTED:
			fprintf(c->out, "  %d. host-model: not supported on this host\n", step++);
			break;
		case EXPLAIN_HM_YES:
			fprintf(c->out, "  %d. host-model (%s here) would do: it has every feature of %s the "
				"host can run (but the guest then only migrates to hosts like this one)\n",
				step++, x->host_model_name, x->model);
			break;
		case EXPLAIN_HM_NO:
			names_text(&sb, x->ft, &x->host_model_lacks, LIST_MAX);
			fprintf(c->out, "  %d. host-model (%s here) would not do: it lacks %zu of %s's "
				"features: %s\n", step++, x->host_model_name,
				fset_count(&x->host_model_lacks), x->model, sb_str(&sb));
			sb_reset(&sb);
			break;
		case EXPLAIN_HM_UNKNOWN:
		default:
			break;
		}
	}
	for (size_t i = 0; i < x->notes.n; i++)
		fprintf(c->out, "note: %s\n", (const char *)x->notes.v[i]);
	sb_fini(&sb);
}

/* ---- json ----------------------------------------------------------------- */

static json_object *strings_json(const struct vec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

static json_object *feature_json(const struct feature *f)
{
	json_object *o = json_object_new_object(), *al = json_object_new_array();
	char loc[64];

	json_object_object_add(o, "name", json_object_new_string(f->name));
	json_object_object_add(o, "libvirt", json_str_or_null(
		f->libvirt && !(f->flags & FEAT_NOT_IN_LIBVIRT) ? f->libvirt : NULL));
	json_object_object_add(o, "linux", json_str_or_null(f->linux_name));
	for (size_t i = 0; i < f->naliases; i++)
		json_object_array_add(al, json_object_new_string(f->aliases[i]));
	json_object_object_add(o, "aliases", al);
	feature_location(f, loc, sizeof(loc));
	json_object_object_add(o, "location", json_str_or_null(loc[0] ? loc : NULL));
	json_object_object_add(o, "group", json_str_or_null(f->group));
	json_object_object_add(o, "description", json_str_or_null(f->desc));
	json_object_object_add(o, "x86-64-level", f->level ? json_object_new_int(f->level) : NULL);
	json_object_object_add(o, "known", json_object_new_boolean(!(f->flags & FEAT_UNKNOWN)));
	return o;
}

static json_object *alt_json(const struct explanation *x, const struct explain_alt *a, const char *kind)
{
	json_object *o = json_object_new_object(), *al = json_object_new_array();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "model", json_object_new_string(a->name));
	for (size_t i = 0; i < a->aliases.n; i++)
		json_object_array_add(al, json_object_new_string(a->aliases.v[i]));
	json_object_object_add(o, "aliases", al);
	json_object_object_add(o, "same-vendor", json_object_new_boolean(a->same_vendor));
	json_object_object_add(o, "x86-64-level",
			       x->ft->arch == ARCH_X86_64 ? json_object_new_int(a->level) : NULL);
	json_object_object_add(o, "lost", names_json(x->ft, &a->lost));
	json_object_object_add(o, "gained", names_json(x->ft, &a->gained));
	return o;
}

static json_object *level_json(int l)
{
	return l >= 0 ? json_object_new_int(l) : NULL;
}

static void print_json_x(struct cli *c, const struct explanation *x, const char *hostl,
			 const struct qemu_warnings *w)
{
	json_object *o = json_object_new_object(), *sug = json_object_new_array();
	json_object *bl = json_object_new_array(), *lv = json_object_new_object();

	json_object_object_add(o, "model", json_str_or_null(x->model));
	json_object_object_add(o, "resolved", json_str_or_null(x->model ? x->resolved : NULL));
	json_object_object_add(o, "machine", json_str_or_null(x->machine));
	json_object_object_add(o, "host", json_object_new_string(hostl));
	json_object_object_add(o, "usable", x->usable == USABLE_UNKNOWN ? NULL :
			       json_object_new_boolean(x->usable == USABLE_YES));
	json_object_object_add(o, "source", json_object_new_string(explain_source_text(x->source)));
	json_object_object_add(o, "unavailable", names_json(x->ft, &x->blockers));
	struct vec order = VEC_INIT;
	explain_sorted(x->ft, &x->blockers, &order);
	for (size_t i = 0; i < order.n; i++)
		json_object_array_add(bl, feature_json(order.v[i]));
	vec_fini(&order, NULL);
	json_object_object_add(o, "blockers", bl);
	json_object_object_add(lv, "model", level_json(x->model_level));
	json_object_object_add(lv, "host", level_json(x->host_level));
	json_object_object_add(lv, "missing", names_json(x->ft, &x->level_missing));
	json_object_object_add(o, "x86-64-level", lv);
	for (size_t i = 0; i < x->family.n; i++)
		json_object_array_add(sug, alt_json(x, x->family.v[i], "version"));
	for (size_t i = 0; i < x->nearest.n; i++)
		json_object_array_add(sug, alt_json(x, x->nearest.v[i], "model"));
	if (x->usable == USABLE_NO && x->fix.possible && !fset_empty(&x->blockers)) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "kind", json_object_new_string("disable"));
		json_object_object_add(d, "disable", names_json(x->ft, &x->fix.disable));
		json_object_object_add(d, "also-lost", names_json(x->ft, &x->fix.implied));
		json_object_object_add(d, x->model ? "qemu" : "qemu-suffix", json_str_or_null(x->fix.qemu));
		json_object_object_add(d, x->model ? "xml" : "xml-features", json_str_or_null(x->fix.xml));
		json_object_object_add(d, "notes", strings_json(&x->fix.notes));
		json_object_array_add(sug, d);
	}
	if (x->usable != USABLE_YES && x->host_model != EXPLAIN_HM_UNKNOWN) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "kind", json_object_new_string("host-model"));
		json_object_object_add(d, "supported",
				       json_object_new_boolean(x->host_model != EXPLAIN_HM_UNSUPPORTED));
		json_object_object_add(d, "model", json_str_or_null(x->host_model_name));
		json_object_object_add(d, "would-do", json_object_new_boolean(x->host_model == EXPLAIN_HM_YES));
		json_object_object_add(d, "lacks", names_json(x->ft, &x->host_model_lacks));
		json_object_array_add(sug, d);
	}
	json_object_object_add(o, "suggestions", sug);
	json_object_object_add(o, "notes", strings_json(&x->notes));
	if (w) {
		json_object *wa = json_object_new_array();
		for (size_t i = 0; i < w->items.n; i++) {
			const struct qemu_warning *it = w->items.v[i];
			json_object *wo = json_object_new_object();
			json_object_object_add(wo, "line", json_object_new_int(it->line));
			json_object_object_add(wo, "text", json_object_new_string(it->text));
			json_object_object_add(wo, "accel", json_str_or_null(it->accel));
			json_object_object_add(wo, "feature", json_str_or_null(it->f ? it->f->name : NULL));
			json_object_object_add(wo, "by-location", json_object_new_boolean(it->by_location));
			json_object_object_add(wo, "by-name", json_object_new_boolean(it->by_name));
			json_object_object_add(wo, "note", json_str_or_null(it->note));
			json_object_array_add(wa, wo);
		}
		json_object_object_add(o, "warnings", wa);
		json_object_object_add(o, "enforce", json_object_new_boolean(w->enforce));
	}
	print_json(c, o);
	json_object_put(o);
}

/* ---- the command ---------------------------------------------------------- */

static bool read_stdin(char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		sb_addn(&sb, buf, n);
		if (sb.len > FILE_LIMIT_DEFAULT) {
			sb_fini(&sb);
			return false;
		}
	}
	*len = sb.len;
	*out = sb_take(&sb);
	if (!*out)
		*out = xstrdup("");
	return true;
}

static void print_warnings_text(struct cli *c, const struct qemu_warnings *w)
{
	fprintf(c->out, "\nQEMU's warnings (%zu line%s%s):\n", w->items.n, plural(w->items.n),
		w->enforce ? "; enforce was on, so QEMU refused to start" : "");
	for (size_t i = 0; i < w->items.n; i++) {
		const struct qemu_warning *it = w->items.v[i];
		fprintf(c->out, "  line %d: %s -> %s%s%s\n", it->line, it->text,
			it->f ? it->f->name : "?",
			it->by_location && it->by_name ? " (location and name agree)" :
			it->by_location ? " (by location)" : it->by_name ? " (by name)" : "",
			"");
		if (it->note)
			fprintf(c->out, "    note: %s\n", it->note);
	}
}

int cmd_explain(struct cli *c, int argc, char **argv)
{
	const char *model = NULL, *wfile = NULL;
	struct explanation x;
	struct qemu_warnings w;
	struct err e;
	char *text = NULL;
	size_t len = 0;
	bool have_w = false, have_x = false;
	int rc = CLI_OK;

	memset(&x, 0, sizeof(x));
	memset(&w, 0, sizeof(w));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a)) {
			fputs(explain_help, c->out);
			return CLI_OK;
		} else if (!strcmp(a, "--qemu-warning") || !strcmp(a, "--qemu-warnings")) {
			if (i + 1 >= argc)
				return cli_fail(c, "explain: --qemu-warning needs a file (or - for standard input)");
			if (wfile)
				return cli_fail(c, "explain: one --qemu-warning file at a time");
			wfile = argv[++i];
		} else if (!strncmp(a, "--qemu-warning=", 15)) {
			wfile = a + 15;
		} else if (a[0] == '-' && a[1]) {
			return cli_fail(c, "explain: unknown option '%s' (see cpuscope explain --help)", a);
		} else if (model) {
			return cli_fail(c, "explain: one model at a time (got '%s' and '%s')", model, a);
		} else {
			model = a;
		}
	}
	if (!model && !wfile)
		return cli_fail(c, "explain: which model? (usage: cpuscope explain MODEL, or "
				   "cpuscope explain --qemu-warning FILE)");
	if (c->format != FMT_TEXT && c->format != FMT_JSON)
		return cli_fail(c, "explain: --format takes text or json");
	rc = cli_load_data(c);
	if (rc != CLI_OK)
		return rc;
	/* with warnings, a host only when one is named: the warnings came from
	 * some QEMU, not necessarily this machine's */
	if (!wfile || c->host_file || c->local) {
		rc = cli_load_host(c);
		if (rc != CLI_OK)
			return rc;
	}
	err_clear(&e);
	if (wfile) {
		bool ok;
		if (!strcmp(wfile, "-"))
			ok = read_stdin(&text, &len) ||
			     !err_set(&e, "-", 0, "standard input is larger than %u bytes", FILE_LIMIT_DEFAULT);
		else
			ok = read_file_limited(wfile, FILE_LIMIT_DEFAULT, &text, &len, &e);
		if (!ok) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		if (!qemu_warnings_parse(wfile, text, len, c->s->ft, &w, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		have_w = true;
		if (!explain_warnings(c->s->ds, c->s->md, c->s->host, model, &w, &x, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
	} else if (!explain_model(c->s->ds, c->s->md, c->s->host, model, &x, &e)) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	session_model_notes(c->s, model, &x.notes); /* not from the QEMU data: where from */
	have_x = true;
	const char *hostl = c->s->host ? host_label(c) :
			    wfile ? (w.accel ? w.accel : "the QEMU that warned") : host_label(c);
	if (c->format == FMT_JSON) {
		print_json_x(c, &x, hostl, have_w ? &w : NULL);
	} else {
		print_text(c, &x, hostl);
		if (have_w)
			print_warnings_text(c, &w);
	}
	rc = x.usable == USABLE_YES ? CLI_OK : x.usable == USABLE_NO ? CLI_NEGATIVE : CLI_ERROR;
out:
	if (have_x)
		explanation_fini(&x);
	if (have_w)
		qemu_warnings_fini(&w);
	free(text);
	return rc;
}
