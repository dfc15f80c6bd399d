/* cli_upgrade.c - `cpuscope upgrade`: what a QEMU or host change does to a
 * guest CPU (src/logic/upgrade.h).
 *
 * Each of --from and --to is a bundled QEMU version ("7.2"), a snapshot
 * file or libvirt capture (.replies), or a host file.  A version or a snapshot gets a session of its
 * own: that QEMU's data, with the global --host as the reference when one
 * is given, else that QEMU's own verdict for its accelerator.  A host file
 * keeps the main session's data (--snapshot, or what cpuscope loads by
 * default) with that host as the reference, so two host files compare a
 * host before and after a change under one QEMU. */
#include "cli_internal.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpu_arg.h"
#include "grid_qemu.h"
#include "upgrade.h"
#include "userdata.h"
#include "xml_cpu.h"
#include "xml_domain.h"

struct side {
	struct session *s;     /* owned: a snapshot side's session, or NULL */
	struct host *host;     /* owned: a host file side's host, or NULL */
	char *label;           /* owned */
	struct upgrade_side us;
};

/* QEMU data: a snapshot file or a libvirt capture (.replies). */
static bool is_snapshot(const char *spec)
{
	enum arch a;
	struct err e;

	err_clear(&e);
	return session_file_arch(spec, &a, &e);
}

/* A version names a bundled snapshot: say which there are when it is not
 * one of them (rather than a path into the install). */
static int bundled_check(struct cli *c, const char *opt, const char *spec)
{
	char path[PATH_MAX + 64];
	struct vec vers = VEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (!session_is_version(spec) || cli_load_ft(c) != CLI_OK ||
	    access(session_bundled_snapshot(c->s, spec, path, sizeof(path)), R_OK) == 0)
		return CLI_OK;
	session_bundled_versions(c->s, &vers);
	for (size_t i = 0; i < vers.n; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", (const char *)vers.v[i]);
	rc = cli_fail(c, "%s: no bundled snapshot of QEMU %s for %s (bundled: %s)", opt, spec,
		      arch_name(c->s->arch), vers.n ? sb_str(&sb) : "none");
	sb_fini(&sb);
	vec_fini(&vers, free);
	return rc;
}

static int side_open(struct cli *c, const char *spec, struct side *sd)
{
	struct err e;
	int rc;

	memset(sd, 0, sizeof(*sd));
	err_clear(&e);
	rc = bundled_check(c, "upgrade", spec);
	if (rc != CLI_OK)
		return rc;
	if (session_is_version(spec) || is_snapshot(spec)) {
		struct session_opts o = c->s->o; /* the global options, without a live probe */
		o.snapshot = spec;
		o.probe = NULL;
		o.machine = NULL; /* the check resolves the machine type on each side */
		o.progress = NULL;
		o.progress_ctx = NULL;
		sd->s = session_new(&o);
		if (!session_load_data(sd->s, &e) || !session_load_host(sd->s, &e))
			return cli_fail_err(c, &e);
		if (sd->s->host)
			sd->label = xasprintf("%s with %s", session_reference(sd->s), sd->s->data_label);
		else
			sd->label = xstrdup(sd->s->data_label);
		sd->us.ds = sd->s->ds;
		sd->us.host = sd->s->host;
	} else {
		rc = cli_load_data(c);
		if (rc != CLI_OK)
			return rc;
		sd->host = cli_load_one_host(c, spec, &rc);
		if (!sd->host)
			return rc;
		sd->label = xstrdup(spec);
		sd->us.ds = c->s->ds;
		sd->us.host = sd->host;
	}
	sd->us.label = sd->label;
	return CLI_OK;
}

static void side_close(struct side *sd)
{
	session_free(sd->s);
	host_free(sd->host);
	free(sd->label);
}

/* ---- JSON ------------------------------------------------------------------- */

static json_object *names_json(const struct vec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

static int cmp_names(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_object *set_json(const struct ftable *ft, const struct fset *s)
{
	struct vec v = VEC_INIT;
	json_object *a;

	for (int id = fset_next(s, 0); id >= 0; id = fset_next(s, (unsigned)id + 1))
		vec_push(&v, ftable_get(ft, (unsigned)id)->name);
	vec_sort(&v, cmp_names);
	a = names_json(&v);
	vec_fini(&v, NULL);
	return a;
}

static json_object *end_json(const struct upgrade_end *x)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(x->label));
	json_object_object_add(o, "qemu", json_str_or_null(x->ds->qemu_version));
	json_object_object_add(o, "accel", json_str_or_null(x->ds->accel));
	json_object_object_add(o, "machine", json_str_or_null(x->machine[0] ? x->machine : NULL));
	json_object_object_add(o, "machine-missing", json_object_new_boolean(x->machine_missing));
	json_object_object_add(o, "machine-deprecated", json_object_new_boolean(x->machine_deprecated));
	json_object_object_add(o, "model", json_str_or_null(x->host_model ? "host-model" : x->model));
	json_object_object_add(o, "resolved", json_str_or_null(x->resolved[0] ? x->resolved : NULL));
	json_object_object_add(o, "model-missing", json_object_new_boolean(x->model_missing));
	json_object_object_add(o, "model-deprecated", json_object_new_boolean(x->model_deprecated));
	json_object_object_add(o, "features", set_json(x->ft, &x->features));
	json_object_object_add(o, "dropped", x->blockers_known ? set_json(x->ft, &x->blockers) : NULL);
	json_object_object_add(o, "unknown", names_json(&x->unknown));
	json_object_object_add(o, "starts", json_object_new_boolean(x->starts));
	json_object_object_add(o, "starts-enforce", json_object_new_boolean(x->starts_enforce));
	json_object_object_add(o, "starts-without-enforce", json_object_new_boolean(x->starts_qemu));
	json_object_object_add(o, "libvirt-check", json_object_new_string(cpu_check_name(x->check)));
	json_object_object_add(o, "starts-libvirt", json_object_new_boolean(x->starts_libvirt));
	return o;
}

static json_object *props_json(const struct vec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++) {
		const struct upgrade_prop *p = v->v[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "from", json_str_or_null(p->from));
		json_object_object_add(o, "to", json_str_or_null(p->to));
		json_object_object_add(o, "compat", json_object_new_boolean(p->compat));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_report_json(struct cli *c, const struct upgrade_report *r, const char *guest)
{
	json_object *o = json_object_new_object(), *fa = json_object_new_array(), *d, *p;

	json_object_object_add(o, "verdict", json_object_new_string(upgrade_verdict(r)));
	json_object_object_add(o, "unchanged", json_object_new_boolean(r->unchanged));
	json_object_object_add(o, "guest", json_object_new_string(guest));
	json_object_object_add(o, "from", end_json(&r->from));
	json_object_object_add(o, "to", end_json(&r->to));
	json_object_object_add(o, "lost", names_json(&r->lost));
	json_object_object_add(o, "gained", names_json(&r->gained));
	d = json_object_new_object();
	json_object_object_add(d, "same", json_object_new_boolean(r->definition_same));
	json_object_object_add(d, "lost", names_json(&r->def_lost));
	json_object_object_add(d, "gained", names_json(&r->def_gained));
	json_object_object_add(o, "definition", d);
	d = json_object_new_object();
	json_object_object_add(d, "new", names_json(&r->drops_new));
	json_object_object_add(d, "gone", names_json(&r->drops_gone));
	json_object_object_add(o, "dropped", d);
	d = json_object_new_object();
	json_object_object_add(d, "changed", props_json(&r->prop_changed));
	json_object_object_add(d, "new", props_json(&r->prop_new));
	json_object_object_add(d, "gone", props_json(&r->prop_gone));
	json_object_object_add(o, "properties", d);
	json_object_object_add(o, "new-versions", names_json(&r->new_versions));
	d = json_object_new_object();
	json_object_object_add(d, "compared", json_object_new_int((int)r->models_compared));
	json_object_object_add(d, "stop-starting", names_json(&r->stop_starting));
	json_object_object_add(d, "start-starting", names_json(&r->start_starting));
	json_object_object_add(o, "models", d);
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct upgrade_finding *f = r->findings.v[i];
		json_object *fo = json_object_new_object();
		json_object_object_add(fo, "severity", json_object_new_string(upgrade_sev_name(f->sev)));
		json_object_object_add(fo, "text", json_object_new_string(f->text));
		json_object_array_add(fa, fo);
	}
	json_object_object_add(o, "findings", fa);
	p = json_object_new_object();
	json_object_object_add(p, "advice", names_json(&r->pins));
	json_object_object_add(p, "alternative", json_str_or_null(r->alternative));
	json_object_object_add(p, "cpu", json_str_or_null(r->pin_cpu));
	json_object_object_add(p, "xml", json_str_or_null(r->pin_xml));
	json_object_object_add(o, "pin", p);
	print_json(c, o);
	json_object_put(o);
}

/* ---- the command ------------------------------------------------------------------ */

int cmd_upgrade(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *cpu = NULL, *from = NULL, *to = NULL;
	struct side sf, st;
	struct cpu_arg ca;
	struct guest_cpu *g = NULL;
	struct upgrade_guest in;
	struct upgrade_report r;
	char *machine = NULL, *source = NULL;
	struct err e;
	int rc = CLI_OK;

	memset(&sf, 0, sizeof(sf));
	memset(&st, 0, sizeof(st));
	memset(&ca, 0, sizeof(ca));
	memset(&r, 0, sizeof(r));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--cpu") || !strcmp(a, "-cpu") ? &cpu :
				    !strcmp(a, "--from") ? &from : !strcmp(a, "--to") ? &to : NULL;
		if (slot) {
			if (i + 1 >= argc)
				return cli_fail(c, "upgrade: %s needs a value", a);
			*slot = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return cli_fail(c, "upgrade: unknown option '%s' (see cpuscope upgrade --help)", a);
		} else if (file) {
			return cli_fail(c, "upgrade: one guest at a time (got '%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (!file && !cpu)
		return cli_fail(c, "upgrade: which guest? (usage: cpuscope upgrade GUEST.xml|-cpu VALUE "
				   "--from X --to Y)");
	if (file && cpu)
		return cli_fail(c, "upgrade: a guest file and -cpu both name the guest; give one");
	if (!from || !to)
		return cli_fail(c, "upgrade: give both --from and --to (a bundled QEMU version such as "
				   "7.2, a snapshot file, or a host file)");
	err_clear(&e);
	if (cpu) {
		if (!cpu_arg_parse(cpu, &ca, &e))
			return cli_fail_err(c, &e);
		source = xasprintf("-cpu %s", cpu);
	} else {
		g = xml_guest_load(file, &e);
		if (!g || !xml_domain_machine(file, &machine, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		source = xstrdup(file);
	}
	rc = cli_load_ft(c);
	if (rc == CLI_OK)
		rc = side_open(c, from, &sf);
	if (rc == CLI_OK)
		rc = side_open(c, to, &st);
	if (rc != CLI_OK)
		goto out;
	memset(&in, 0, sizeof(in));
	in.g = cpu ? ca.g : g;
	in.source = source;
	in.cpu_arg = cpu != NULL;
	in.enforce = ca.enforce;
	in.machine = c->machine ? c->machine : machine;
	in.machine_origin = c->machine ? "--machine" : machine ? file : NULL;
	err_clear(&e);
	if (!upgrade_check(&in, &sf.us, &st.us, &r, &e)) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (c->format == FMT_JSON) {
		print_report_json(c, &r, source);
	} else {
		struct strbuf sb = STRBUF_INIT;
		upgrade_report_text(&r, &sb);
		fputs(sb_str(&sb), c->out);
		sb_fini(&sb);
	}
	rc = r.unchanged ? CLI_OK : CLI_NEGATIVE;
out:
	upgrade_report_fini(&r);
	side_close(&sf);
	side_close(&st);
	cpu_arg_fini(&ca);
	guest_cpu_free(g);
	free(machine);
	free(source);
	return rc;
}

/* ---- grid MODEL --qemu LIST ------------------------------------------------------- */

void cli_qemu_cols_fini(struct cli_qemu_cols *qc)
{
	for (size_t i = 0; i < qc->n; i++)
		session_free(qc->s[i]);
	free(qc->s);
	memset(qc, 0, sizeof(*qc));
}

int cli_grid_qemu(struct cli *c, const char *model, const struct vec *qemus,
		  const struct vec *machines, struct cli_qemu_cols *qc, struct grid **g,
		  struct vec *notes)
{
	struct grid_qemu_src *src;
	struct err e;
	int rc = CLI_OK;

	*g = NULL;
	if (machines->n && machines->n != qemus->n)
		return cli_fail(c, "grid: with --qemu, --machines names one machine type per QEMU "
				   "(%zu QEMUs, %zu machine types)", qemus->n, machines->n);
	rc = c->host_file || c->local ? cli_load_host(c) : cli_load_ft(c);
	if (rc != CLI_OK)
		return rc;
	for (size_t i = 0; i < qemus->n; i++)
		if ((rc = bundled_check(c, "grid: --qemu", qemus->v[i])) != CLI_OK)
			return rc;
	qc->s = xcalloc(qemus->n + 1, sizeof(*qc->s));
	src = xcalloc(qemus->n + 1, sizeof(*src));
	for (size_t i = 0; i < qemus->n && rc == CLI_OK; i++) {
		struct session_opts o = c->s->o;
		o.snapshot = qemus->v[i];
		o.probe = NULL;
		o.host_file = NULL;
		o.local = false;
		o.machine = NULL;
		o.progress = NULL;
		o.progress_ctx = NULL;
		qc->s[qc->n] = session_new(&o);
		err_clear(&e);
		if (!session_load_data(qc->s[qc->n++], &e)) {
			rc = cli_fail_err(c, &e);
			break;
		}
		src[i].ds = qc->s[i]->ds;
		src[i].machine = machines->n ? machines->v[i] : NULL;
		for (size_t k = 0; k < i; k++)
			if (str_eq(src[k].ds->qemu_version, src[i].ds->qemu_version)) {
				src[k].label = qemus->v[k];
				src[i].label = qemus->v[i];
			}
	}
	if (rc == CLI_OK) {
		err_clear(&e);
		*g = grid_build_qemu(c->s->ft, src, qemus->n, machines->n ? NULL : c->machine, model,
				     c->s->host, notes, &e);
		if (!*g)
			rc = cli_fail_err(c, &e);
	}
	free(src);
	return rc;
}
