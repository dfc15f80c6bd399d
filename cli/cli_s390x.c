/* cli_s390x.c - `compare` and `baseline` on s390x: QEMU's own answers
 * (src/logic/s390x.h), as virsh hypervisor-cpu-compare and
 * hypervisor-cpu-baseline give them. */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "guest.h"
#include "s390x.h"
#include "xml_cpu.h"

/* $CPUSCOPE_QMP_RECORD=FILE: append every exchange with QEMU to FILE, in
 * the .replies form a capture has (a capture holding them answers the
 * same questions without a QEMU). */
static void record_exchanges(struct cli *c, struct s390x_qemu *q)
{
	const char *path = getenv("CPUSCOPE_QMP_RECORD");
	struct err e;

	err_clear(&e);
	if (path && *path && !s390x_qemu_record(q, path, &e))
		cli_warn(c, "cannot record QEMU's answers in %s", path);
}

/* The asked QEMU is not the data's: say so. */
static void warn_other_qemu(struct cli *c, const struct s390x_qemu *q)
{
	char buf[256];

	if (s390x_other_qemu(q, buf, sizeof(buf)))
		cli_warn(c, "%s", buf);
}

/* QEMU refused: its words, and what the core adds (s390x_refusal_hint). */
static int fail_qemu(struct cli *c, const char *what, const struct err *e,
		     const struct s390x_qemu *q, const struct s390x_cpu *cpu)
{
	char buf[1400], hint[768];

	err_str(e, buf, sizeof(buf));
	return cli_fail(c, "%s: %s%s", what, buf, s390x_refusal_hint(q, cpu, hint, sizeof(hint)));
}

int cli_compare_s390x(struct cli *c, const char *file)
{
	struct guest_cpu *g = NULL;
	struct s390x_cpu host, cpu;
	struct s390x_compare r;
	struct s390x_qemu q;
	char *what = NULL, label[512];
	struct err e;
	int rc;

	memset(&host, 0, sizeof(host));
	memset(&cpu, 0, sizeof(cpu));
	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	err_clear(&e);
	g = xml_guest_load(file, &e);
	if (!g)
		return cli_fail_err(c, &e);
	rc = cli_load_host(c);
	if (rc != CLI_OK)
		goto out;
	err_clear(&e);
	if (!s390x_cpu_from_guest(g, &cpu, &e)) {
		snprintf(e.file, sizeof(e.file), "%s", file);
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (!s390x_session_host_cpu(c->s, &host, &what, &e)) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	s390x_qemu_init(&q, c->s);
	if (!s390x_compare(&q, &host, &cpu, &r, &e)) {
		record_exchanges(c, &q);
		rc = fail_qemu(c, "compare", &e, &q, &cpu);
		goto out;
	}
	record_exchanges(c, &q);
	warn_other_qemu(c, &q);
	s390x_qemu_label(&q, label, sizeof(label));
	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();
		char *hj = s390x_cpu_json(&host), *cj = s390x_cpu_json(&cpu);
		json_object_object_add(o, "result", json_object_new_string(cmp_result_name(r.result)));
		json_object_object_add(o, "qemu", json_object_new_string(label));
		json_object_object_add(o, "host", json_object_new_string(what));
		json_object_object_add(o, "cpu", json_object_new_string(file));
		json_object_object_add(o, "qemu-result", json_object_new_string(r.qemu_result));
		for (size_t i = 0; i < r.responsible.n; i++)
			json_object_array_add(a, json_object_new_string(r.responsible.v[i]));
		json_object_object_add(o, "responsible-properties", a);
		json_object_object_add(o, "modela", json_tokener_parse(hj));
		json_object_object_add(o, "modelb", json_tokener_parse(cj));
		free(hj);
		free(cj);
		print_json(c, o);
		json_object_put(o);
	} else {
		char *answer = s390x_compare_answer(&r);
		fprintf(c->out, "%s\n", cmp_result_name(r.result));
		fprintf(c->out, "%s: %s %s the CPU described in %s\n", label, what,
			s390x_compare_how(r.result), file);
		fprintf(c->out, "%s\n", answer);
		free(answer);
		if (r.responsible.n) {
			size_t shown = r.responsible.n > 24 ? 20 : r.responsible.n;
			fprintf(c->out, "responsible properties (%zu):", r.responsible.n);
			for (size_t i = 0; i < shown; i++)
				fprintf(c->out, "%s %s", i ? "," : "", (const char *)r.responsible.v[i]);
			if (shown < r.responsible.n)
				fprintf(c->out, ", ... (%zu more; --format json lists them all)",
					r.responsible.n - shown);
			fputc('\n', c->out);
		}
		if (s390x_compare_note(&r))
			fprintf(c->out, "%s\n", s390x_compare_note(&r));
	}
	rc = r.result == CMP_INCOMPATIBLE ? CLI_NEGATIVE : CLI_OK;
out:
	s390x_compare_fini(&r);
	s390x_qemu_fini(&q);
	s390x_cpu_fini(&host);
	s390x_cpu_fini(&cpu);
	free(what);
	guest_cpu_free(g);
	return rc;
}

/* Where the next <cpu> element starts (not <cpus>, <cputune>, ...). */
static const char *next_cpu(const char *p)
{
	while ((p = strstr(p, "<cpu")) != NULL) {
		char ch = p[4];
		if (ch == '>' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '/')
			return p;
		p += 4;
	}
	return NULL;
}

/* Several guest <cpu> elements one after another (what virsh reads from
 * one file): each parsed on its own, at its own line. */
static int add_guest_cpus(struct cli *c, const char *file, const char *text, struct vec *guests)
{
	const char *p = next_cpu(text);
	struct err e;

	while (p) {
		const char *end = strstr(p, "</cpu>"), *stop;
		const char *selfclose = strchr(p, '>');
		struct strbuf chunk = STRBUF_INIT;
		struct guest_cpu *g;

		if (selfclose && selfclose > p && selfclose[-1] == '/' && (!end || selfclose < end))
			stop = selfclose + 1;
		else
			stop = end ? end + 6 : p + strlen(p);
		for (const char *q = text; q < p; q++) /* keep the line numbers */
			if (*q == '\n')
				sb_addc(&chunk, '\n');
		sb_addn(&chunk, p, (size_t)(stop - p));
		err_clear(&e);
		g = xml_guest_parse(file, sb_str(&chunk), chunk.len, &e);
		sb_fini(&chunk);
		if (!g)
			return cli_fail_err(c, &e);
		vec_push(guests, g);
		p = next_cpu(stop);
	}
	return CLI_OK;
}

/* Every CPU of one file: host files (capabilities, a host <cpu>,
 * domcapabilities, a QMP expansion, a capture) as libvirt's host-model of
 * them, guest <cpu>/<domain> files with their policies. */
static int add_cpus(struct cli *c, const char *file, struct vec *cpus)
{
	struct vec hosts = VEC_INIT, guests = VEC_INIT;
	char *text = NULL;
	size_t len = 0;
	struct err e;
	int rc = CLI_OK;

	err_clear(&e);
	if (!read_file_limited(file, FILE_LIMIT_DEFAULT, &text, &len, &e)) {
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (strstr(text, "<arch") && !strstr(text, "<domainCapabilities")) {
		if (!xml_hosts_parse(file, text, len, c->s->ft, &hosts, &e)) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
	} else if (strstr(text, "<domainCapabilities") || !strchr(text, '<')) {
		struct host *h = cli_load_one_host(c, file, &rc);
		if (!h)
			goto out;
		vec_push(&hosts, h);
	} else {
		const char *first = next_cpu(text);
		if (first && next_cpu(first + 4)) {
			rc = add_guest_cpus(c, file, text, &guests);
			if (rc != CLI_OK)
				goto out;
		} else {
			struct guest_cpu *g = xml_guest_parse(file, text, len, &e);
			if (!g) {
				rc = cli_fail_err(c, &e);
				goto out;
			}
			vec_push(&guests, g);
		}
	}
	for (size_t i = 0; i < hosts.n; i++) {
		const struct host *h = hosts.v[i];
		struct s390x_cpu *one = xcalloc(1, sizeof(*one));
		vec_push(cpus, one);
		if (h->arch != ARCH_S390X) {
			rc = cli_fail(c, "%s: the CPU is %s, not s390x", file, arch_name(h->arch));
			goto out;
		}
		err_clear(&e);
		if (!s390x_cpu_from_host(h, one, &e)) {
			rc = cli_fail(c, "%s: %s", file, e.msg);
			goto out;
		}
	}
	for (size_t i = 0; i < guests.n; i++) {
		struct s390x_cpu *one = xcalloc(1, sizeof(*one));
		vec_push(cpus, one);
		err_clear(&e);
		if (!s390x_cpu_from_guest(guests.v[i], one, &e)) {
			snprintf(e.file, sizeof(e.file), "%s", file);
			rc = cli_fail_err(c, &e);
			goto out;
		}
	}
out:
	vec_fini(&guests, (void (*)(void *))guest_cpu_free);
	vec_fini(&hosts, host_free_item);
	free(text);
	return rc;
}

static void cpu_free_item(void *p)
{
	s390x_cpu_fini(p);
	free(p);
}

int cli_baseline_s390x(struct cli *c, const struct vec *files, bool features, bool migratable)
{
	struct vec cpus = VEC_INIT;
	struct s390x_cpu *list = NULL;
	struct s390x_baseline b;
	struct s390x_qemu q;
	char label[512];
	struct err e;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(&q, 0, sizeof(q));
	rc = cli_load_data(c);
	if (rc != CLI_OK)
		goto out;
	if (migratable)
		cli_warn(c, "--migratable changes nothing on s390x (libvirt does not pass it to QEMU "
			 "there)");
	for (size_t i = 0; i < files->n && rc == CLI_OK; i++)
		rc = add_cpus(c, files->v[i], &cpus);
	if (rc != CLI_OK)
		goto out;
	list = xcalloc(cpus.n, sizeof(*list));
	for (size_t i = 0; i < cpus.n; i++)
		list[i] = *(struct s390x_cpu *)cpus.v[i]; /* lent */
	s390x_qemu_init(&q, c->s);
	err_clear(&e);
	if (!s390x_baseline(&q, c->s->md, list, cpus.n, features, &b, &e)) {
		record_exchanges(c, &q);
		rc = fail_qemu(c, "baseline", &e, &q, NULL);
		goto out;
	}
	record_exchanges(c, &q);
	warn_other_qemu(c, &q);
	if (c->format == FMT_JSON) {
		json_object *o = json_object_new_object(), *fa = json_object_new_array();
		json_object_object_add(o, "xml", json_object_new_string(b.xml));
		json_object_object_add(o, "model", json_object_new_string(b.cpu.name));
		for (size_t i = 0; i < b.cpu.props.n; i++)
			json_object_array_add(fa, json_object_new_string(
				((const struct s390x_prop *)b.cpu.props.v[i])->name));
		json_object_object_add(o, "features", fa);
		json_object_object_add(o, "cpus", json_object_new_int64((int64_t)b.ncpus));
		json_object_object_add(o, "qemu", json_object_new_string(
			s390x_qemu_label(&q, label, sizeof(label))));
		print_json(c, o);
		json_object_put(o);
	} else {
		/* virsh prints the XML and then an empty line */
		fprintf(c->out, "%s\n", b.xml);
	}
	rc = CLI_OK;
out:
	free(list);
	s390x_baseline_fini(&b);
	s390x_qemu_fini(&q);
	vec_fini(&cpus, cpu_free_item);
	return rc;
}
