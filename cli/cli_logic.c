/* cli_logic.c - `cpuscope compare` and `cpuscope build`. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "emit.h"
#include "guest.h"
#include "guest_build.h"
#include "logic.h"
#include "platform.h"
#include "xml_cpu.h"

/* ---- compare ---------------------------------------------------------------- */

int cmd_compare(struct cli *c, int argc, char **argv)
{
	const char *file = NULL;
	struct guest_cpu *g = NULL;
	struct cmp_report r;
	struct err e;
	int rc;

	memset(&r, 0, sizeof(r));
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			return cli_fail(c, "compare: unknown option '%s' (see cpuscope compare --help)", argv[i]);
		} else if (file) {
			return cli_fail(c, "compare: one CPU file at a time (got '%s' and '%s')", file, argv[i]);
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return cli_fail(c, "compare: which CPU? (usage: cpuscope compare CPU.xml)");
	if (c->format != FMT_TEXT && c->format != FMT_JSON)
		return cli_fail(c, "compare: --format takes text or json");
	rc = cli_load_ft(c);
	if (rc != CLI_OK)
		return rc;
	if (c->s->arch == ARCH_S390X)
		return cli_compare_s390x(c, file); /* QEMU's own answer (cli_s390x.c) */
	err_clear(&e);
	g = xml_guest_load(file, &e);
	if (!g)
		return cli_fail_err(c, &e);
	rc = cli_load_host(c);
	if (rc != CLI_OK)
		goto out;
	rc = cli_load_map(c);
	if (rc != CLI_OK)
		goto out;
	if (!c->s->host) {
		rc = cli_fail(c, "compare: no host (give --host FILE)");
		goto out;
	}
	err_clear(&e);
	if (!cpu_compare(c->s->host, g, c->s->map, c->s->libvirt, &r, &e)) {
		snprintf(e.file, sizeof(e.file), "%s", file);
		rc = cli_fail_err(c, &e);
		goto out;
	}
	char *list = cpu_map_feature_list(c->s->map, &r.responsible);
	char *how = cmp_report_how(&r, g);
	const char *sem = lv_label(r.lv);
	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "result", json_object_new_string(cmp_result_name(r.result)));
		json_object_object_add(o, "host", json_object_new_string(host_label(c)));
		json_object_object_add(o, "cpu", json_object_new_string(file));
		json_object_object_add(o, "message", json_str_or_null(r.message));
		json_object_object_add(o, "libvirt", json_object_new_string(r.lv->name));
		json_object_object_add(o, "how", json_str_or_null(how));
		json_object *fa = json_object_new_array();
		for (int id = fset_next(&r.responsible, 0); id >= 0;
		     id = fset_next(&r.responsible, (unsigned)id + 1))
			json_object_array_add(fa, json_object_new_string(
				feature_libvirt_name(ftable_get(c->s->ft, (unsigned)id))));
		json_object_object_add(o, "features", fa);
		print_json(c, o);
		json_object_put(o);
	} else {
		fprintf(c->out, "%s\n", cmp_result_name(r.result));
		switch (r.result) {
		case CMP_IDENTICAL:
			fprintf(c->out, "%s provides exactly the CPU described in %s%s\n", host_label(c),
				file, sem);
			break;
		case CMP_SUPERSET:
			fprintf(c->out, "%s is a superset of the CPU described in %s%s\n", host_label(c),
				file, sem);
			if (list[0])
				fprintf(c->out, "features the host has beyond it (%zu): %s\n",
					fset_count(&r.responsible), list);
			break;
		case CMP_INCOMPATIBLE:
		default:
			fprintf(c->out, "%s cannot run the CPU described in %s%s\n", host_label(c), file,
				sem);
			fprintf(c->out, "%s\n", r.message ? r.message : "");
			break;
		}
		if (how)
			fprintf(c->out, "%s\n", how);
	}
	free(list);
	free(how);
	rc = r.result == CMP_INCOMPATIBLE ? CLI_NEGATIVE : CLI_OK;
out:
	cmp_report_fini(&r);
	guest_cpu_free(g);
	return rc;
}

/* ---- build ------------------------------------------------------------------ */

static json_object *notes_json(const struct vec *notes)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < notes->n; i++)
		json_object_array_add(a, json_object_new_string(notes->v[i]));
	return a;
}

struct build_opts {
	const char *model;
	const char *version;
	const char *lists[POLICY__COUNT];
	const char *mode, *match, *check, *fallback, *vendor_id;
};

/* The arguments, parsed into what guest_build() takes: the CPU as asked
 * (features in the order and spelling given) and the version.  Only the
 * syntax of the options is checked here; guest_build() decides the rest,
 * as it does for the TUI's editor. */
static int build_request(struct cli *c, const struct build_opts *o, struct guest_cpu *g, int *version)
{
	if (o->mode && !cpu_mode_parse(o->mode, &g->mode))
		return cli_fail(c, "build: unknown mode '%s' (expected custom, host-model, host-passthrough or maximum)", o->mode);
	if (o->match && !cpu_match_parse(o->match, &g->match))
		return cli_fail(c, "build: unknown match '%s' (expected minimum, exact or strict)", o->match);
	if (o->check && !cpu_check_parse(o->check, &g->check))
		return cli_fail(c, "build: unknown check '%s' (expected none, partial or full)", o->check);
	if (o->fallback && !cpu_fallback_parse(o->fallback, &g->fallback))
		return cli_fail(c, "build: unknown fallback '%s' (expected allow or forbid)", o->fallback);
	*version = GUEST_VERSION_AS_GIVEN;
	if (o->version && !strcmp(o->version, "best")) {
		*version = GUEST_VERSION_BEST;
	} else if (o->version) {
		char *end = NULL;
		long v = strtol(o->version, &end, 10);
		if (!end || *end || v < 1 || v > 9999)
			return cli_fail(c, "build: --version takes a number from 1 or 'best' (got '%s')", o->version);
		*version = (int)v;
	}
	if (!o->model && !o->mode && !o->vendor_id) {
		bool any = false;
		for (int p = 1; p < POLICY__COUNT; p++)
			any |= o->lists[p] != NULL;
		if (!any)
			return cli_fail(c, "build: which CPU? give --model M, or --mode host-model, "
					   "host-passthrough or maximum (see cpuscope build --help)");
	}
	g->model = o->model ? xstrdup(o->model) : NULL;
	g->vendor_id = o->vendor_id ? xstrdup(o->vendor_id) : NULL;
	/* every (spelling, policy) as given: guest_build() keys them by feature */
	for (int p = 1; p < POLICY__COUNT; p++) {
		struct vec names = VEC_INIT;
		if (!o->lists[p])
			continue;
		split_list(o->lists[p], &names);
		for (size_t i = 0; i < names.n; i++) {
			struct guest_feature *f = xcalloc(1, sizeof(*f));
			f->name = names.v[i];
			f->policy = (enum policy)p;
			vec_push(&g->features, f);
		}
		vec_fini(&names, NULL);
	}
	return CLI_OK;
}

int cmd_build(struct cli *c, int argc, char **argv)
{
	static const char *const pol_opt[POLICY__COUNT] = {
		NULL, "--force", "--require", "--optional", "--disable", "--forbid",
	};
	struct build_opts o;
	struct guest_cpu *g = NULL;
	struct guest_built b;
	struct vec joined_opts = VEC_INIT;
	struct err e;
	int version = GUEST_VERSION_AS_GIVEN;
	int rc = CLI_OK;

	memset(&o, 0, sizeof(o));
	memset(&b, 0, sizeof(b));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--model"))
			slot = &o.model;
		else if (!strcmp(a, "--version"))
			slot = &o.version;
		else if (!strcmp(a, "--mode"))
			slot = &o.mode;
		else if (!strcmp(a, "--match"))
			slot = &o.match;
		else if (!strcmp(a, "--check"))
			slot = &o.check;
		else if (!strcmp(a, "--fallback"))
			slot = &o.fallback;
		else if (!strcmp(a, "--vendor-id"))
			slot = &o.vendor_id;
		for (int p = 1; p < POLICY__COUNT && !slot; p++)
			if (!strcmp(a, pol_opt[p]))
				slot = &o.lists[p];
		if (!slot)
			return cli_fail(c, "build: unknown argument '%s' (see cpuscope build --help)", a);
		if (i + 1 >= argc)
			return cli_fail(c, "build: %s needs a value", a);
		if (*slot && slot >= &o.lists[0] && slot <= &o.lists[POLICY__COUNT - 1]) {
			/* repeated policy options accumulate */
			char *joined = xasprintf("%s,%s", *slot, argv[++i]);
			vec_push(&joined_opts, joined); /* keeps it alive until the end */
			*slot = joined;
			continue;
		}
		*slot = argv[++i];
	}
	if (c->format == FMT_TEXT)
		c->format = FMT_XML;

	g = guest_cpu_new();
	rc = build_request(c, &o, g, &version);
	if (rc != CLI_OK)
		goto out;
	rc = cli_load_data(c);
	if (rc == CLI_OK)
		rc = cli_load_host(c);
	if (rc != CLI_OK)
		goto out;
	if (c->s->arch == ARCH_X86_64 && !c->s->map)
		cli_load_map(c); /* optional here: lints mention the map when there is one */

	struct guest_ctx ctx = { c->s->ds, c->s->md, c->s->host, host_label(c), c->s->map };
	err_clear(&e);
	if (!guest_build(&ctx, g, version, &b, &e)) {
		char buf[2048];
		rc = cli_fail(c, "build: %s", err_str(&e, buf, sizeof(buf)));
		goto out;
	}

	if (c->format == FMT_JSON) {
		json_object *jo = json_object_new_object(), *wa = json_object_new_array();
		json_object_object_add(jo, "xml", json_object_new_string(b.xml));
		json_object_object_add(jo, "qemu", json_str_or_null(b.qemu));
		if (!b.qemu)
			json_object_object_add(jo, "qemu-unavailable", json_object_new_string(b.qemu_why));
		json_object_object_add(jo, "mode", json_object_new_string(cpu_mode_name(b.cpu->mode)));
		json_object_object_add(jo, "model", json_str_or_null(b.cpu->model));
		if (b.psabi >= 0)
			json_object_object_add(jo, "x86-64-level", json_object_new_int(b.psabi));
		for (size_t i = 0; i < b.lints.n; i++)
			json_object_array_add(wa, json_object_new_string(b.lints.v[i]));
		json_object_object_add(jo, "warnings", wa);
		json_object_object_add(jo, "xml-notes", notes_json(&b.xml_notes));
		json_object *po = json_object_new_object();
		for (int p = 0; p < PLATFORM__COUNT; p++) {
			const struct platform_out *f = &b.forms[p];
			json_object *fo = json_object_new_object();
			json_object_object_add(fo, "text", json_str_or_null(f->text));
			if (!f->text)
				json_object_object_add(fo, "unavailable", json_str_or_null(f->why));
			json_object_object_add(fo, "notes", notes_json(&f->notes));
			json_object_object_add(po, platform_name((enum platform)p), fo);
		}
		json_object_object_add(jo, "platforms", po);
		print_json(c, jo);
		json_object_put(jo);
	} else if (c->format == FMT_QEMU) {
		if (!b.qemu) {
			rc = cli_fail(c, "build: no -cpu value: %s", b.qemu_why);
			goto out;
		}
		fprintf(c->out, "%s\n", b.qemu);
	} else if (c->format == FMT_PLATFORM) {
		const struct platform_out *f = &b.forms[c->platform];
		if (!f->text) {
			rc = cli_fail(c, "build: no %s form: %s", platform_name((enum platform)c->platform),
				      f->why);
			goto out;
		}
		fputs(f->text, c->out);
		for (size_t i = 0; i < f->notes.n; i++)
			cli_warn(c, "%s: %s", platform_name((enum platform)c->platform),
				 (const char *)f->notes.v[i]);
	} else {
		fputs(b.xml, c->out);
		for (size_t i = 0; i < b.xml_notes.n; i++)
			cli_warn(c, "xml: %s", (const char *)b.xml_notes.v[i]);
	}
	if (c->format != FMT_JSON)
		for (size_t i = 0; i < b.lints.n; i++)
			cli_warn(c, "%s", (const char *)b.lints.v[i]);
out:
	guest_build_fini(&b);
	vec_fini(&joined_opts, free);
	guest_cpu_free(g);
	return rc;
}
