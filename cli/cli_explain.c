/* cli_explain.c - `cpuscope explain`: why a model is (not) usable, and
 * what would make it work; also QEMU's "doesn't support requested
 * feature" warnings decoded. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cpu_arg.h"
#include "explain.h"
#include "explain_doc.h"
#include "logic.h"
#include "userdata.h"


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

/* ---- text: the lines the TUI's explain pane shows (src/logic/explain_doc.h) -- */

static void print_text(struct cli *c, const struct explanation *x, const char *hostl,
		       const struct qemu_warnings *w)
{
	struct explain_doc d;
	char *text;

	explain_doc_build(x, hostl, c->s->map, &d);
	if (w)
		explain_doc_add_warnings(&d, w);
	text = explain_doc_text(&d);
	fputs(text, c->out);
	free(text);
	explain_doc_fini(&d);
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
	json_object_object_add(o, "x86-64-level", f->psabi_level ? json_object_new_int(f->psabi_level) : NULL);
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
			       x->ft->arch == ARCH_X86_64 ? json_object_new_int(a->psabi_level) : NULL);
	json_object_object_add(o, "lost", names_json(x->ft, &a->lost));
	json_object_object_add(o, "gained", names_json(x->ft, &a->gained));
	return o;
}

static json_object *level_json(int l)
{
	return l >= 0 ? json_object_new_int(l) : NULL;
}

static void print_json_x(struct cli *c, const struct explanation *x, const char *hostl,
			 const struct qemu_warnings *w, const char *cpu)
{
	json_object *o = json_object_new_object(), *sug = json_object_new_array();
	json_object *bl = json_object_new_array(), *lv = json_object_new_object();

	json_object_object_add(o, "model", json_str_or_null(x->model));
	json_object_object_add(o, "resolved", json_str_or_null(x->model ? x->resolved : NULL));
	json_object_object_add(o, "machine", json_str_or_null(x->machine));
	if (x->asked_as[0])
		json_object_object_add(o, "asked-as", json_object_new_string(x->asked_as));
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
	json_object_object_add(lv, "model", level_json(x->model_psabi));
	json_object_object_add(lv, "host", level_json(x->host_psabi));
	json_object_object_add(lv, "missing", names_json(x->ft, &x->psabi_missing));
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
		json_object_object_add(o, "cpu", json_str_or_null(cpu));
	}
	print_json(c, o);
	json_object_put(o);
}

/* ---- the command ---------------------------------------------------------- */

int cmd_explain(struct cli *c, int argc, char **argv)
{
	const char *model = NULL, *wfile = NULL, *cpu = NULL;
	struct explanation x;
	struct qemu_warnings w;
	struct cpu_arg ca;
	struct err e;
	char *text = NULL;
	size_t len = 0;
	bool have_w = false, have_x = false, from_file = false;
	int rc = CLI_OK;

	memset(&x, 0, sizeof(x));
	memset(&w, 0, sizeof(w));
	memset(&ca, 0, sizeof(ca));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--qemu-warning") || !strcmp(a, "--qemu-warnings")) {
			if (i + 1 >= argc)
				return cli_fail(c, "explain: --qemu-warning needs a file (or - for standard input)");
			if (wfile)
				return cli_fail(c, "explain: one --qemu-warning file at a time");
			wfile = argv[++i];
		} else if (!strncmp(a, "--qemu-warning=", 15)) {
			wfile = a + 15;
		} else if (!strcmp(a, "--cpu") || !strcmp(a, "-cpu")) {
			if (i + 1 >= argc)
				return cli_fail(c, "explain: %s needs a value (the -cpu value QEMU warned "
						   "about, e.g. Haswell-noTSX,hle=off,rtm=off)", a);
			if (cpu)
				return cli_fail(c, "explain: one --cpu value at a time");
			cpu = argv[++i];
		} else if (!strncmp(a, "--cpu=", 6)) {
			cpu = a + 6;
		} else if (a[0] == '-' && a[1]) {
			return cli_fail(c, "explain: unknown option '%s' (see cpuscope explain --help)", a);
		} else if (model) {
			return cli_fail(c, "explain: one model at a time (got '%s' and '%s')", model, a);
		} else {
			model = a;
		}
	}
	if (cpu && !wfile)
		return cli_fail(c, "explain: --cpu names the -cpu value QEMU warned about; give the "
				   "warnings with --qemu-warning FILE (or explain MODEL without --cpu)");
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
		/* "-" is standard input */
		if (!read_file_limited(wfile, FILE_LIMIT_DEFAULT, &text, &len, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		if (!qemu_warnings_parse(wfile, text, len, c->s->ft, &w, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		have_w = true;
		if (cpu && !cpu_arg_parse(cpu, &ca, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		/* no --cpu: the command line in the file (a libvirt domain log) */
		if (!cpu && w.cpu) {
			if (!cpu_arg_parse(w.cpu, &ca, &e)) {
				char *msg = xstrdup(e.msg);
				err_set(&e, wfile, w.cpu_line, "the -cpu value of its command line: %.900s", msg);
				free(msg);
				rc = cli_fail_err(c, &e);
				goto out;
			}
			cpu = w.cpu;
			from_file = true;
		}
		if (!explain_warnings(c->s->ds, c->s->md, c->s->host, model, &w, cpu ? &ca : NULL,
				      &x, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
	} else if (!explain_model(c->s->ds, c->s->md, c->s->host, model, &x, &e)) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	session_model_notes(c->s, model ? model : x.model, &x.notes);
	if (from_file)
		vec_push(&x.notes, xasprintf("the -cpu value QEMU warned about is the command line's in "
					     "%s (line %d): %s", strcmp(wfile, "-") ? wfile :
					     "standard input", w.cpu_line, w.cpu));
	if (have_w && w.sessions > 1)
		vec_push(&x.notes, xasprintf("%s is libvirt's log of %d starts: the warnings are those "
					     "of the last (from line %d)", wfile, w.sessions,
					     w.session_line)); /* not from the QEMU data: where from */
	have_x = true;
	/* QEMU says "host doesn't support" under every hardware accelerator */
	const char *hostl = c->s->host ? host_label(c) :
			    !wfile ? host_label(c) :
			    !w.accel ? "the QEMU that warned" :
			    !strcasecmp(w.accel, "host") ? "the host's hardware accelerator (KVM, HVF)" :
			    w.accel;
	if (c->format == FMT_JSON) {
		print_json_x(c, &x, hostl, have_w ? &w : NULL, cpu);
	} else {
		print_text(c, &x, hostl, have_w ? &w : NULL);
	}
	rc = x.usable == USABLE_YES ? CLI_OK : x.usable == USABLE_NO ? CLI_NEGATIVE : CLI_ERROR;
out:
	if (have_x)
		explanation_fini(&x);
	if (have_w)
		qemu_warnings_fini(&w);
	cpu_arg_fini(&ca);
	free(text);
	return rc;
}
