/* cli_host.c - `cpuscope host`: a host's CPU as libvirt describes it (the
 * <cpu> of virsh capabilities), or, for a host read from QEMU, libvirt's
 * host-model (what domcapabilities shows). */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cpuid.h"
#include "emit.h"
#include "hostcpu.h"
#include "userdata.h"

static json_object *host_cpu_json(const struct host_cpu *hc)
{
	json_object *o = json_object_new_object(), *fa = json_object_new_array();

	json_object_object_add(o, "arch", json_object_new_string(arch_name(hc->arch)));
	json_object_object_add(o, "model", json_object_new_string(hc->model));
	json_object_object_add(o, "vendor", json_str_or_null(hc->vendor));
	if (hc->has_signature) {
		json_object *sg = json_object_new_object();
		json_object_object_add(sg, "family", json_object_new_int(hc->family));
		json_object_object_add(sg, "model", json_object_new_int(hc->cpu_model));
		json_object_object_add(sg, "stepping", json_object_new_int(hc->stepping));
		json_object_object_add(o, "signature", sg);
	} else {
		json_object_object_add(o, "signature", NULL);
	}
	for (size_t i = 0; i < hc->nfeatures; i++)
		json_object_array_add(fa, json_object_new_string(hc->features[i]));
	json_object_object_add(o, "features", fa);
	return o;
}

static json_object *guest_json(const struct guest_cpu *g)
{
	json_object *o = json_object_new_object(), *req = json_object_new_array(),
		    *dis = json_object_new_array();

	json_object_object_add(o, "model", json_str_or_null(g->model));
	json_object_object_add(o, "vendor", json_str_or_null(g->vendor));
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *f = vec_get(&g->features, i);
		json_object_array_add(f->policy == POLICY_DISABLE ? dis : req,
				      json_object_new_string(f->name));
	}
	json_object_object_add(o, "require", req);
	json_object_object_add(o, "disable", dis);
	return o;
}

static int print_host_model(struct cli *c, const struct host *h)
{
	struct err e;
	struct guest_cpu *g;
	char *xml;

	err_clear(&e);
	g = host_model_of(c->s->map, h, &e);
	if (!g)
		return cli_fail_err(c, &e);
	if (c->format == FMT_JSON) {
		json_object *o = guest_json(g);
		json_object_object_add(o, "host", json_object_new_string(h->source));
		print_json(c, o);
		json_object_put(o);
	} else {
		xml = emit_guest_xml(g, c->s->ft, 0);
		if (c->format == FMT_TEXT)
			fprintf(c->out, "libvirt's host-model for %s: %s%s%s, %zu feature%s listed\n",
				h->source, g->model, g->vendor ? " " : "", g->vendor ? g->vendor : "",
				g->features.n, g->features.n == 1 ? "" : "s");
		fputs(xml, c->out);
		free(xml);
	}
	guest_cpu_free(g);
	return CLI_OK;
}

static int print_host_cpu(struct cli *c, const struct host *h)
{
	struct host_cpu hc;
	struct err e;
	char *xml;

	err_clear(&e);
	if (!host_cpu_describe(c->s->map, h, &hc, &e))
		return cli_fail_err(c, &e);
	if (c->format == FMT_JSON) {
		json_object *o = host_cpu_json(&hc);
		json_object_object_add(o, "host", json_object_new_string(h->source));
		print_json(c, o);
		json_object_put(o);
	} else {
		xml = host_cpu_xml(&hc);
		if (c->format == FMT_TEXT)
			fprintf(c->out, "host CPU of %s: %s%s%s, %zu feature%s beyond the model\n",
				h->source, hc.model, hc.vendor ? " " : "", hc.vendor ? hc.vendor : "",
				hc.nfeatures, hc.nfeatures == 1 ? "" : "s");
		fputs(xml, c->out);
		free(xml);
	}
	host_cpu_fini(&hc);
	return CLI_OK;
}

int cmd_host(struct cli *c, int argc, char **argv)
{
	const char *file = NULL;
	bool host_model = false;
	struct host *h = NULL;
	struct err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--host-model")) {
			host_model = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_fail(c, "host: unknown option '%s' (see cpuscope host --help)", a);
		} else if (file) {
			return cli_fail(c, "host: one host file at a time (got '%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (c->format == FMT_QEMU)
		return cli_fail(c, "host: --format takes text, xml or json");
	if (file && c->host_file)
		return cli_fail(c, "host: FILE and --host both name the host; give one");
	if (file && c->local)
		return cli_fail(c, "host: FILE and --local both name the host; give one");
	if (!file)
		file = c->host_file;
	err_clear(&e);
	if (file && !session_arch_from_file(c->s, file, &e))
		return cli_fail_err(c, &e);
	rc = cli_load_ft(c);
	if (rc != CLI_OK)
		return rc;
	if (file) {
		h = cli_load_one_host(c, file, &rc);
	} else {
		h = cpuid_local_host(c->s->ft, &e);
		rc = h ? CLI_OK : cli_fail_err(c, &e);
	}
	if (rc == CLI_OK)
		rc = cli_load_map(c);
	if (rc == CLI_OK)
		rc = host_model ? print_host_model(c, h) : print_host_cpu(c, h);
	host_free(h);
	return rc;
}
