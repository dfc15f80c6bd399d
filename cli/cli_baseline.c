/* cli_baseline.c - `cpuscope baseline [--features] [--migratable] FILE...` */
#include "cli_internal.h"
#include "host_sniff.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"
#include "emit.h"
#include "guest.h"
#include "xml_cpu.h"


/* The line of the k-th CPU of a file, found the way the readers find
 * them (only needed for error messages): a domcapabilities host-model
 * <mode>, else the k-th <cpu> element.  0 when not found. */
static int cpu_line(const char *text, size_t k)
{
	const char *p = strstr(text, "<domainCapabilities");
	const char *hit = NULL;
	int line = 1;

	if (p) {
		hit = strstr(p, "'host-model'");
		if (!hit)
			hit = strstr(p, "\"host-model\"");
	} else {
		for (p = text; (p = strstr(p, "<cpu")) != NULL; p += 4) {
			char c = p[4];
			if (c != '>' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '/')
				continue;
			if (k-- == 0) {
				hit = p;
				break;
			}
		}
	}
	if (!hit)
		return 0;
	for (p = text; p < hit; p++)
		if (*p == '\n')
			line++;
	return line;
}

static int fail_at(struct cli *c, const char *file, const char *text, size_t k,
		   const struct err *e)
{
	int line = text ? cpu_line(text, k) : 0;
	char hint[PATH_MAX + 128];

	session_map_hint(c->s, e->msg, hint, sizeof(hint));
	if (line > 0)
		return cli_fail(c, "%s:%d: %s%s", file, line, e->msg, hint);
	return cli_fail(c, "%s: %s%s", file, e->msg, hint);
}

/* libvirt knows features only by its map's spelling ("sse4.1", never
 * "sse4-1"), while the host reader accepts every spelling: check the names
 * of host <cpu> features as written.  Returns the line of the first
 * unknown one (its name in name), or 0. */
static int unknown_spelling(const struct cpu_map *map, const char *text, char *name, size_t size)
{
	const char *p = text, *seen = text;
	int line = 1;

	while ((p = strstr(p, "<feature")) != NULL) {
		const char *a = p + 8, *end = strchr(p, '>');
		const char *q = NULL;
		size_t n;

		p += 8;
		if (!end || (*a != ' ' && *a != '\t' && *a != '\n' && *a != '\r'))
			continue;
		q = strstr(a, "name=");
		if (!q || q > end || (q[5] != '\'' && q[5] != '"'))
			continue;
		n = strcspn(q + 6, q[5] == '\'' ? "'" : "\"");
		snprintf(name, size, "%.*s", (int)n, q + 6);
		if (cpu_map_feature(map, name))
			continue;
		for (; seen < q; seen++)
			if (*seen == '\n')
				line++;
		return line;
	}
	return 0;
}

/* Fold every CPU of one file into the baseline. */
static int add_file(struct cli *c, struct baseline *b, const char *file)
{
	struct vec hosts = VEC_INIT;
	struct guest_cpu *g = NULL;
	char *text = NULL;
	size_t len = 0;
	struct err e;
	int rc = CLI_OK;

	err_clear(&e);
	if (!read_file_limited(file, FILE_LIMIT_DEFAULT, &text, &len, &e)) { /* "-": standard input */
		rc = cli_fail_err(c, &e);
		goto out;
	}
	enum host_file_kind kind = host_file_kind_of(text, len);
	if (kind == HF_CPUDATA || kind == HF_REPLIES || kind == HF_QMP) {
		/* a CPU read from CPUID (decoded as libvirt decodes a host) or from
		 * QEMU (its host-model, as domcapabilities shows it) */
		struct host *h = strcmp(file, "-") ? session_host_load(c->s, file, &e) : NULL;
		if (!h) {
			if (!err_isset(&e))
				err_set(&e, file, 0, "a CPUID dump or QMP reply on standard input: give it as a file");
			rc = cli_fail_err(c, &e);
			goto out;
		}
		if (!baseline_add_host(b, h, &e)) {
			host_free(h);
			rc = fail_at(c, file, text, 0, &e);
			goto out;
		}
		host_free(h);
	} else if (strstr(text, "<arch")) {
		if (!xml_hosts_parse(file, text, len, c->s->ft, &hosts, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		if (!strstr(text, "<domainCapabilities")) {
			char name[256];
			int line = unknown_spelling(c->s->map, text, name, sizeof(name));
			if (line) {
				char msg[300], hint[PATH_MAX + 128];
				snprintf(msg, sizeof(msg), "Unknown CPU feature %s", name);
				rc = cli_fail(c, "%s:%d: %s%s", file, line, msg,
					      session_map_hint(c->s, msg, hint, sizeof(hint)));
				goto out;
			}
		}
		for (size_t i = 0; i < hosts.n; i++) {
			const struct host *h = vec_get(&hosts, i);
			if (h->arch != ARCH_X86_64) {
				err_set(&e, NULL, 0, "the CPU is %s; baseline works on x86_64 CPUs",
					arch_name(h->arch));
				rc = fail_at(c, file, text, i, &e);
				goto out;
			}
			if (!baseline_add_host(b, h, &e)) {
				rc = fail_at(c, file, text, i, &e);
				goto out;
			}
		}
	} else {
		g = xml_guest_parse(file, text, len, &e);
		if (!g) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
		if (!baseline_add_guest(b, g, &e)) {
			rc = fail_at(c, file, text, 0, &e);
			goto out;
		}
	}
out:
	guest_cpu_free(g);
	vec_fini(&hosts, host_free_item);
	free(text);
	return rc;
}

static void print_result(struct cli *c, const struct baseline_result *r)
{
	char *xml = emit_guest_xml(r->cpu, c->s->ft, 0);

	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object();
		json_object *fa = json_object_new_array();
		json_object_object_add(o, "xml", json_object_new_string(xml));
		json_object_object_add(o, "model", json_str_or_null(r->cpu->model));
		json_object_object_add(o, "vendor", json_str_or_null(r->cpu->vendor));
		json_object_object_add(o, "fallback", json_object_new_string(
			cpu_fallback_name(r->cpu->fallback)));
		for (size_t i = 0; i < r->cpu->features.n; i++) {
			const struct guest_feature *gf = vec_get(&r->cpu->features, i);
			json_object *fo = json_object_new_object();
			json_object_object_add(fo, "name", json_object_new_string(gf->name));
			json_object_object_add(fo, "policy", json_object_new_string(
				policy_name(gf->policy)));
			json_object_array_add(fa, fo);
		}
		json_object_object_add(o, "features", fa);
		json_object_object_add(o, "cpus", json_object_new_int64((int64_t)r->ncpus));
		json_object_object_add(o, "libvirt", json_object_new_string(
			(c->s->libvirt ? c->s->libvirt : lv_get(LV_9_0))->name));
		print_json(c, o);
		json_object_put(o);
	} else {
		/* virsh prints the XML and then an empty line. */
		fprintf(c->out, "%s\n", xml);
	}
	free(xml);
}

int cmd_baseline(struct cli *c, int argc, char **argv)
{
	struct baseline_opts o = { false, false, true, NULL };
	struct baseline b;
	struct baseline_result r;
	struct vec files = VEC_INIT;
	struct err e;
	bool had_stdin = false;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--features")) {
			o.expand_features = true;
		} else if (!strcmp(a, "--migratable")) {
			o.migratable = true;
		} else if (!strcmp(a, "--no-qemu-filter")) {
			o.qemu_filter = false;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_fail(c, "baseline: unknown option '%s' (see cpuscope baseline --help)", a);
			goto out;
		} else {
			if (!strcmp(a, "-")) {
				if (had_stdin) {
					rc = cli_fail(c, "baseline: standard input (-) given twice");
					goto out;
				}
				had_stdin = true;
			}
			vec_push(&files, argv[i]);
		}
	}
	if (!files.n) {
		rc = cli_fail(c, "baseline: which CPUs? (usage: cpuscope baseline [--features] "
			      "[--migratable] FILE...)");
		goto out;
	}
	if (c->format != FMT_TEXT && c->format != FMT_JSON) {
		rc = cli_fail(c, "baseline: --format takes text or json");
		goto out;
	}
	if (c->host_file || c->local) {
		rc = cli_fail(c, "baseline: the hosts are the FILE arguments; --host and --local do "
			      "not apply");
		goto out;
	}
	rc = cli_load_ft(c);
	if (rc != CLI_OK)
		goto out;
	if (c->s->arch == ARCH_S390X) {
		rc = cli_baseline_s390x(c, &files, o.expand_features, o.migratable); /* cli_s390x.c */
		goto out;
	}
	rc = cli_load_map(c);
	if (rc != CLI_OK)
		goto out;
	o.lv = c->s->libvirt;
	baseline_init(&b, c->s->map);
	for (size_t i = 0; i < files.n; i++) {
		rc = add_file(c, &b, files.v[i]);
		if (rc != CLI_OK)
			goto out;
	}
	err_clear(&e);
	if (!baseline_finish(&b, &o, &r, &e)) {
		if (files.n == 1)
			rc = cli_fail(c, "%s: %s", (const char *)files.v[0], e.msg);
		else
			rc = cli_fail(c, "baseline of %zu CPUs from %zu files: %s", b.n, files.n,
				      e.msg);
		goto out;
	}
	print_result(c, &r);
	rc = CLI_OK;
out:
	baseline_result_fini(&r);
	if (b.map)
		baseline_fini(&b);
	vec_fini(&files, NULL);
	return rc;
}
