/* test_qmp_json.c - QMP reply reader: real QEMU 7.2 captures, libvirt
 * fixtures, and every kind of malformed input. */
#include "testutil.h"
#include "testdata.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "err.h"
#include "qmp_json.h"

#define QDIR "tests/data/qmp/"

/* Parse text; expect failure with exactly msg. */
static void expect_parse_error(const char *text, const char *msg)
{
	struct qmp_doc doc;
	struct err e;

	err_clear(&e);
	if (qmp_doc_parse("x.json", text, strlen(text), &doc, &e)) {
		qmp_doc_fini(&doc);
		fail_msg("parsed, expected: %s", msg);
	}
	assert_string_equal(test_estr(&e), msg);
}

static bool has_feature(const struct test_dataset *f, const struct fset *s, const char *name)
{
	const struct feature *ft = ftable_lookup(f->ft, name);

	assert_non_null(ft);
	return fset_has(s, ft->id);
}

/* ---- real data ------------------------------------------------------------ */

static void test_definitions_q35(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *md;
	const struct cpu_def *d;

	test_dataset_load(f->ds, QDIR "definitions-pc-q35-7.2.json", "pc-q35-7.2");
	md = dataset_find_mdata(f->ds, "pc-q35-7.2");
	assert_non_null(md);
	assert_true(md->defs_known);
	assert_int_equal(md->defs.n, 132);
	d = mdata_def(md, "Haswell");
	assert_non_null(d);
	assert_string_equal(d->alias_of, "Haswell-v1");
	assert_string_equal(d->type_name, "Haswell-x86_64-cpu");
	assert_true(d->migration_safe);
	assert_false(d->is_static);
	assert_true(d->unavail_known);
	assert_int_equal(d->nunavail, 6);
	assert_string_equal(d->unavail_names[0], "pcid");
	assert_string_equal(d->unavail_names[5], "rtm");
	assert_true(has_feature(f, &d->unavailable, "hle"));
	assert_true(has_feature(f, &d->unavailable, "tsc-deadline"));
	assert_int_equal(fset_count(&d->unavailable), 6);
	assert_string_equal(mdata_def(md, "Haswell-noTSX")->alias_of, "Haswell-v2");
	assert_int_equal(mdata_def(md, "max")->nunavail, 0);
	assert_true(mdata_def(md, "max")->unavail_known);
	assert_true(mdata_def(md, "base")->is_static);
	/* host under TCG: ["kvm"] */
	d = mdata_def(md, "host");
	assert_int_equal(d->nunavail, 1);
	assert_string_equal(d->unavail_names[0], "kvm");
	assert_string_equal(f->ds->source, test_path(QDIR "definitions-pc-q35-7.2.json"));
}

static void test_definitions_i440fx_20(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *md;
	size_t with_alias = 0;

	test_dataset_load(f->ds, QDIR "definitions-pc-i440fx-2.0.json", "pc-i440fx-2.0");
	md = dataset_find_mdata(f->ds, "pc-i440fx-2.0");
	assert_int_equal(md->defs.n, 132);
	/* a <= 4.0 machine type resolves no alias */
	assert_null(mdata_def(md, "Haswell")->alias_of);
	for (size_t i = 0; i < md->defs.n; i++)
		with_alias += ((const struct cpu_def *)vec_get(&md->defs, i))->alias_of != NULL;
	assert_int_equal(with_alias, 0);
}

static void test_machines(void **state)
{
	struct test_dataset *f = *state;
	const struct machine *m;

	test_dataset_load(f->ds, QDIR "machines.json", "none");
	assert_int_equal(f->ds->machines.n, 59);
	m = dataset_machine(f->ds, "pc");
	assert_non_null(m);
	assert_string_equal(m->name, "pc-i440fx-7.2");
	assert_true(m->is_default);
	assert_string_equal(m->default_cpu_type, "qemu64-x86_64-cpu");
	assert_ptr_equal(dataset_default_machine(f->ds), m);
	assert_string_equal(dataset_machine(f->ds, "q35")->name, "pc-q35-7.2");
	assert_true(dataset_machine(f->ds, "pc-i440fx-1.4")->deprecated);
	assert_false(dataset_machine(f->ds, "pc-i440fx-2.0")->deprecated);
	assert_null(dataset_machine(f->ds, "none")->default_cpu_type);
	assert_string_equal(dataset_machine(f->ds, "isapc")->default_cpu_type, "486-x86_64-cpu");
	assert_null(dataset_machine(f->ds, "pc-q35-9.9"));
}

static void test_transcript_items(void **state)
{
	(void)state;
	struct qmp_doc doc;
	struct err e;
	static const enum qmp_kind kinds[] = {QMP_GREETING, QMP_EMPTY, QMP_EXPANSION,
					      QMP_EXPANSION, QMP_EVENT, QMP_EMPTY};
	const struct qmp_item *it;

	err_clear(&e);
	if (!qmp_doc_load(test_path(QDIR "transcript-pc-q35-7.2-Haswell.jsonl"), &doc, &e))
		fail_msg("%s", test_estr(&e));
	assert_int_equal(doc.items.n, 6);
	for (size_t i = 0; i < doc.items.n; i++) {
		it = vec_get(&doc.items, i);
		assert_int_equal(it->kind, kinds[i]);
		assert_int_equal(it->line, (int)i + 1);
		assert_null(it->command); /* a transcript has no commands */
	}
	assert_string_equal(doc.qemu_version, "7.2.22");
	assert_string_equal(doc.qemu_package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
	it = vec_get(&doc.items, 2);
	assert_string_equal(it->id, "full:Haswell");
	it = vec_get(&doc.items, 3);
	assert_string_equal(it->id, "static:Haswell");
	it = vec_get(&doc.items, 4);
	assert_string_equal(json_object_get_string(json_object_object_get(it->ret, "event")),
			    "SHUTDOWN");
	qmp_doc_fini(&doc);
}

static void test_haswell_expansions(void **state)
{
	struct test_dataset *f = *state;
	const struct mdata *q35, *old;
	const struct expansion *xf, *xs, *of, *os;
	long long v;
	char buf[128];

	test_dataset_load(f->ds, QDIR "transcript-pc-q35-7.2-Haswell.jsonl", "pc-q35-7.2");
	test_dataset_load(f->ds, QDIR "transcript-pc-i440fx-2.0-Haswell.jsonl", "pc-i440fx-2.0");
	assert_string_equal(f->ds->qemu_version, "7.2.22");
	q35 = dataset_find_mdata(f->ds, "pc-q35-7.2");
	old = dataset_find_mdata(f->ds, "pc-i440fx-2.0");
	xf = dataset_expansion(f->ds, q35, "Haswell", true);
	xs = dataset_expansion(f->ds, q35, "Haswell", false);
	of = dataset_expansion(f->ds, old, "Haswell", true);
	os = dataset_expansion(f->ds, old, "Haswell", false);
	assert_non_null(xf);
	assert_non_null(xs);
	assert_non_null(of);
	assert_non_null(os);
	assert_string_equal(xf->name, "Haswell"); /* full keeps the name asked for */
	assert_string_equal(xs->name, "base");
	/* abm: on for 7.2, off on pc-i440fx-2.0 (pc_compat_2_3) */
	assert_true(has_feature(f, &xf->on, "abm"));
	assert_true(has_feature(f, &xs->on, "abm"));
	assert_false(has_feature(f, &of->on, "abm"));
	assert_true(has_feature(f, &of->known, "abm"));
	assert_false(has_feature(f, &os->on, "abm"));
	assert_false(has_feature(f, &of->on, "f16c"));
	assert_false(has_feature(f, &of->on, "rdrand"));
	/* aliases fold: pni/sse3 are one feature, lahf_lm/lahf-lm too */
	assert_true(has_feature(f, &xf->on, "sse3"));
	assert_true(has_feature(f, &xf->on, "lahf_lm"));
	assert_null(expansion_prop(xf, "pni"));
	assert_null(expansion_prop(xf, "sse3"));
	/* non-feature props */
	assert_string_equal(expansion_prop(xf, "lbr-fmt"), "18446744073709551552");
	assert_false(expansion_prop_int(xf, "lbr-fmt", &v)); /* beyond long long */
	assert_string_equal(expansion_prop(xf, "check"), "true");
	assert_string_equal(expansion_prop(of, "check"), "false"); /* pc_compat_2_4 */
	assert_string_equal(expansion_prop(xf, "vendor"), "\"GenuineIntel\"");
	assert_true(expansion_prop_str(xf, "model-id", buf, sizeof(buf)));
	assert_string_equal(buf, "Intel Core Processor (Haswell)");
	assert_true(expansion_prop_int(xf, "family", &v));
	assert_int_equal(v, 6);
	assert_true(expansion_prop_int(xf, "model", &v));
	assert_int_equal(v, 60);
	assert_true(expansion_prop_int(xf, "stepping", &v));
	assert_int_equal(v, 4);
	assert_true(expansion_prop_int(of, "stepping", &v));
	assert_int_equal(v, 1); /* pc_compat_2_8: Haswell stepping=1 */
	assert_true(expansion_prop_int(xf, "core-id", &v));
	assert_true(v == -1);
	assert_string_equal(expansion_prop(xf, "apic-id"), "4294967295");
	assert_string_equal(expansion_prop(xs, "vendor"), "\"GenuineIntel\"");
	assert_false(expansion_equal(xf, of));
	assert_int_equal(f->ds->expansions.n, 4);
}

static void test_libvirt_cputestdata(void **state)
{
	struct test_dataset *f = *state;
	struct qmp_doc doc;
	struct err e;
	const struct qmp_item *it;
	const struct mdata *md;
	const struct expansion *x;

	err_clear(&e);
	if (!qmp_doc_load(test_path(QDIR "libvirt-x86_64-cpuid-Core-i7-2600.json"), &doc, &e))
		fail_msg("%s", test_estr(&e));
	assert_int_equal(doc.items.n, 2);
	it = vec_get(&doc.items, 0);
	assert_int_equal(it->kind, QMP_EXPANSION);
	assert_int_equal(it->line, 1);
	assert_string_equal(it->id, "model-expansion");
	it = vec_get(&doc.items, 1);
	assert_int_equal(it->kind, QMP_DEFINITIONS);
	assert_int_equal(it->line, 237);
	assert_string_equal(it->id, "definitions");
	qmp_doc_fini(&doc);

	test_dataset_load(f->ds, QDIR "libvirt-x86_64-cpuid-Core-i7-2600.json", "pc");
	md = dataset_find_mdata(f->ds, "pc");
	assert_non_null(mdata_def(md, "Haswell"));
	/* no command: a reply named "base" counts as a static expansion */
	x = dataset_expansion(f->ds, md, "base", false);
	assert_non_null(x);
	assert_true(has_feature(f, &x->on, "aes"));
	assert_false(has_feature(f, &x->on, "avx2"));
	assert_true(has_feature(f, &x->known, "avx2"));
	assert_string_equal(expansion_prop(x, "hv-spinlocks"), "-1");
}

static void test_libvirt_replies_commands(void **state)
{
	struct test_dataset *f = *state;
	struct qmp_doc doc;
	struct err e;
	const struct qmp_item *it;
	const struct mdata *md;

	err_clear(&e);
	if (!qmp_doc_load(test_path(QDIR "libvirt-caps_7.2.0.x86_64-excerpt.replies"), &doc, &e))
		fail_msg("%s", test_estr(&e));
	assert_int_equal(doc.items.n, 6); /* replies only; commands label them */
	it = vec_get(&doc.items, 0);
	assert_int_equal(it->kind, QMP_EMPTY);
	assert_string_equal(it->command, "qmp_capabilities");
	assert_int_equal(it->line, 6);
	it = vec_get(&doc.items, 1);
	assert_string_equal(it->command, "query-version");
	assert_string_equal(it->id, "libvirt-2");
	assert_int_equal(it->kind, QMP_OTHER);
	it = vec_get(&doc.items, 3);
	assert_int_equal(it->kind, QMP_EXPANSION);
	assert_string_equal(it->command, "query-cpu-model-expansion");
	assert_string_equal(json_object_get_string(json_object_object_get(it->args, "type")),
			    "static");
	qmp_doc_fini(&doc);

	test_dataset_load(f->ds, QDIR "libvirt-caps_7.2.0.x86_64-excerpt.replies", "pc-i440fx-7.2");
	md = dataset_find_mdata(f->ds, "pc-i440fx-7.2");
	/* attributed by the commands' arguments: model "host" */
	assert_non_null(dataset_expansion(f->ds, md, "host", false));
	assert_non_null(dataset_expansion(f->ds, md, "host", true));
	assert_null(dataset_expansion(f->ds, md, "base", false));
}

/* ---- strings -------------------------------------------------------------- */

static void test_string_shapes(void **state)
{
	struct test_dataset *f = *state;
	struct qmp_doc doc;
	struct err e;
	struct expansion *x = NULL;
	const struct qmp_item *it;
	const char *bare = "[{\"name\": \"qemu64\", \"typename\": \"qemu64-x86_64-cpu\", "
			   "\"unavailable-features\": [\"frobnicate\", \"sse3\"]}]";
	const char *exp = "{\"model\": {\"name\": \"qemu64\", \"props\": {\"sse3\": true, "
			  "\"pni\": true, \"lm\": false, \"check\": true, \"level\": 13, "
			  "\"x-big\": 18446744073709551615, \"f\": 1.50, \"s\": \"a/b\\\"c\"}}}";
	const struct feature *fr;
	const struct cpu_def *d;

	err_clear(&e);
	/* a bare return value: definitions */
	assert_true(qmp_doc_parse(NULL, bare, strlen(bare), &doc, &e));
	assert_string_equal(doc.file, "<string>");
	it = vec_get(&doc.items, 0);
	assert_int_equal(it->kind, QMP_DEFINITIONS);
	assert_null(it->id);
	assert_true(qmp_read_definitions(it->ret, doc.file, it->line, dataset_mdata(f->ds, "m"),
					 f->ft, &e));
	qmp_doc_fini(&doc);
	d = mdata_def(dataset_find_mdata(f->ds, "m"), "qemu64");
	/* unknown names are interned, never dropped */
	fr = ftable_lookup(f->ft, "frobnicate");
	assert_non_null(fr);
	assert_true(fr->flags & FEAT_UNKNOWN);
	assert_true(fset_has(&d->unavailable, fr->id));
	assert_true(has_feature(f, &d->unavailable, "pni"));

	/* a bare return value: an expansion */
	assert_true(qmp_doc_parse("e.json", exp, strlen(exp), &doc, &e));
	it = vec_get(&doc.items, 0);
	assert_int_equal(it->kind, QMP_EXPANSION);
	assert_true(qmp_read_expansion(it->ret, doc.file, it->line, f->ft, &x, &e));
	assert_true(has_feature(f, &x->on, "pni"));
	assert_false(has_feature(f, &x->on, "lm"));
	assert_true(has_feature(f, &x->known, "lm"));
	assert_int_equal(fset_count(&x->known), 2);
	assert_string_equal(expansion_prop(x, "check"), "true");
	assert_string_equal(expansion_prop(x, "level"), "13");
	assert_string_equal(expansion_prop(x, "x-big"), "18446744073709551615");
	assert_string_equal(expansion_prop(x, "f"), "1.50");
	assert_string_equal(expansion_prop(x, "s"), "\"a/b\\\"c\"");
	assert_int_equal(x->nprops, 5);
	expansion_free(x);
	qmp_doc_fini(&doc);

	/* a reply with an error */
	const char *er = "{\"error\": {\"class\": \"GenericError\", \"desc\": "
			 "\"CPU model 'haswell' not found\"}, \"id\": 7}";
	assert_true(qmp_doc_parse(NULL, er, strlen(er), &doc, &e));
	it = vec_get(&doc.items, 0);
	assert_int_equal(it->kind, QMP_ERROR);
	assert_string_equal(it->error_class, "GenericError");
	assert_string_equal(it->error_desc, "CPU model 'haswell' not found");
	assert_string_equal(it->id, "7");
	qmp_doc_fini(&doc);

	/* a top-level scalar is fine JSON but not QMP; a CRLF transcript */
	const char *crlf = "{\"return\": {}}\r\n\r\n{\"return\": []}\r\n";
	assert_true(qmp_doc_parse(NULL, crlf, strlen(crlf), &doc, &e));
	assert_int_equal(doc.items.n, 2);
	assert_int_equal(((struct qmp_item *)vec_get(&doc.items, 1))->line, 3);
	assert_int_equal(((struct qmp_item *)vec_get(&doc.items, 1))->kind, QMP_OTHER);
	qmp_doc_fini(&doc);
}

/* Split the transcript at every line: same items as the whole. */
static void test_reply_without_id_follows_command(void **state)
{
	(void)state;
	struct qmp_doc doc;
	struct err e;
	const char *t = "{\"execute\": \"query-machines\"}\n{\"return\": []}\n"
			"{\"execute\": \"query-cpu-definitions\"}\n{\"return\": []}\n";

	err_clear(&e);
	assert_true(qmp_doc_parse(NULL, t, strlen(t), &doc, &e));
	assert_int_equal(doc.items.n, 2);
	assert_int_equal(((struct qmp_item *)vec_get(&doc.items, 0))->kind, QMP_MACHINES);
	assert_int_equal(((struct qmp_item *)vec_get(&doc.items, 1))->kind, QMP_DEFINITIONS);
	qmp_doc_fini(&doc);
}

/* ---- malformed input ------------------------------------------------------ */

static void test_malformed_json(void **state)
{
	(void)state;
	char deep[200];

	expect_parse_error("{\"return\": [", "x.json:1: malformed JSON: unexpected end of input");
	expect_parse_error("{\"QMP\": {}}\n{\"return\":\n  [1,\n", "x.json:3: malformed JSON: unexpected end of input");
	expect_parse_error("{\"return\": {}}\n\n{\"return\": [1,]}\n",
			   "x.json:3: malformed JSON: unexpected character");
	expect_parse_error("{\"a\": [}", "x.json:1: malformed JSON: unexpected character");
	expect_parse_error("{\"a\" 1}",
			   "x.json:1: malformed JSON: object property name separator ':' expected");
	expect_parse_error("{'a': 1}", "x.json:1: malformed JSON: unexpected character");
	expect_parse_error("{\"return\": {}} xyz", "x.json:1: malformed JSON: unexpected character");
	expect_parse_error("\x01\x02\xff", "x.json:1: malformed JSON: unexpected character");
	expect_parse_error("{\"a\": \"\xff\xfe\"}", "x.json:1: malformed JSON: invalid UTF-8 in a string (byte 0xff)");
	expect_parse_error("{\"return\": {}}\n{\"a\":\n\"x\ny\"}",
			   "x.json:3: malformed JSON: control character in a string");
	expect_parse_error("[1, 2,\n 3, x, 'y']", "x.json:2: malformed JSON: unexpected character");
	memset(deep, '[', 100);
	deep[100] = '\0';
	expect_parse_error(deep, "x.json:1: malformed JSON: nesting deeper than 64 levels");
	expect_parse_error("", "x.json: no JSON in the input (empty file?)");
	expect_parse_error(" \n\n \t", "x.json: no JSON in the input (empty file?)");
	expect_parse_error("42", "x.json:1: expected a JSON object or array, found a number");
	expect_parse_error("\n\"hi\"", "x.json:2: expected a JSON object or array, found a string");
	expect_parse_error("null", "x.json:1: expected a JSON object or array, found null");
	expect_parse_error("{\"error\": 5}",
			   "x.json:1: error reply without \"class\" and \"desc\" strings");
	expect_parse_error("{\"execute\": 5}", "x.json:1: \"execute\" is a number, not a string");
}

static void test_wrong_return_type(void **state)
{
	(void)state;
	expect_parse_error("{\"execute\": \"query-cpu-definitions\", \"id\": 1}\n"
			   "{\"return\": {\"a\": 1}, \"id\": 1}",
			   "x.json:2: query-cpu-definitions reply: \"return\" is an object, not an array");
	expect_parse_error("{\"execute\": \"query-machines\"}\n{\"return\": 3}",
			   "x.json:2: query-machines reply: \"return\" is a number, not an array");
	expect_parse_error("{\"execute\": \"query-cpu-model-expansion\", \"id\": \"a\"}\n"
			   "{\"return\": [], \"id\": \"a\"}",
			   "x.json:2: query-cpu-model-expansion reply: \"return\" is an array, "
			   "not an object with \"model\"");
}

/* Run one reader over text (a bare return value) and expect msg. */
static void expect_reader_error(struct test_dataset *f, int which, const char *text, const char *msg)
{
	struct json_object *o = json_tokener_parse(text);
	struct err e;
	struct expansion *x = NULL;
	struct vec machines = VEC_INIT;
	bool ok;

	err_clear(&e);
	assert_non_null(o);
	if (which == 0)
		ok = qmp_read_definitions(o, "r.json", 4, dataset_mdata(f->ds, "m"), f->ft, &e);
	else if (which == 1)
		ok = qmp_read_expansion(o, "r.json", 4, f->ft, &x, &e);
	else
		ok = qmp_read_machines(o, "r.json", 4, &machines, &e);
	json_object_put(o);
	expansion_free(x);
	vec_fini(&machines, (void (*)(void *))machine_free);
	if (ok)
		fail_msg("accepted, expected: %s", msg);
	assert_string_equal(test_estr(&e), msg);
}

static void test_reader_errors(void **state)
{
	struct test_dataset *f = *state;

	expect_reader_error(f, 0, "{}", "r.json:4: query-cpu-definitions: expected an array, found an object");
	expect_reader_error(f, 0, "[5]",
			    "r.json:4: query-cpu-definitions entry 1: expected an object, found a number");
	expect_reader_error(f, 0, "[{\"name\": \"a\"}, {\"typename\": \"x\"}]",
			    "r.json:4: query-cpu-definitions entry 2: missing \"name\"");
	expect_reader_error(f, 0, "[{\"name\": 7}]",
			    "r.json:4: query-cpu-definitions entry 1: \"name\" is a number, not a string");
	expect_reader_error(f, 0, "[{\"name\": \"\"}]",
			    "r.json:4: query-cpu-definitions entry 1: empty \"name\"");
	expect_reader_error(f, 0, "[{\"name\": \"b\", \"static\": \"yes\"}]",
			    "r.json:4: query-cpu-definitions entry 1 ('b'): \"static\" is a string, not a boolean");
	expect_reader_error(f, 0, "[{\"name\": \"c\", \"unavailable-features\": {}}]",
			    "r.json:4: query-cpu-definitions entry 1 ('c'): \"unavailable-features\" is an object, not an array");
	expect_reader_error(f, 0, "[{\"name\": \"d\", \"unavailable-features\": [\"x\", null]}]",
			    "r.json:4: query-cpu-definitions entry 1 ('d'): \"unavailable-features\" item 2 is null, not a string");
	expect_reader_error(f, 0, "[{\"name\": \"e\"}, {\"name\": \"e\"}]",
			    "r.json:4: query-cpu-definitions entry 2 ('e'): defined twice");
	expect_reader_error(f, 1, "[]",
			    "r.json:4: query-cpu-model-expansion reply: expected an object, found an array");
	expect_reader_error(f, 1, "{\"x\": 1}",
			    "r.json:4: query-cpu-model-expansion reply: missing \"model\"");
	expect_reader_error(f, 1, "{\"model\": []}",
			    "r.json:4: query-cpu-model-expansion reply: \"model\" is an array, not an object");
	expect_reader_error(f, 1, "{\"model\": {\"props\": {}}}",
			    "r.json:4: query-cpu-model-expansion reply: missing \"model.name\"");
	expect_reader_error(f, 1, "{\"model\": {\"name\": true}}",
			    "r.json:4: query-cpu-model-expansion reply: \"model.name\" is a boolean, not a string");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"a\", \"props\": [1]}}",
			    "r.json:4: query-cpu-model-expansion reply: \"model.props\" is an array, not an object");
	expect_reader_error(f, 2, "{}", "r.json:4: query-machines: expected an array, found an object");
	expect_reader_error(f, 2, "[{\"alias\": \"pc\"}]",
			    "r.json:4: query-machines entry 1: missing \"name\"");
	expect_reader_error(f, 2, "[{\"name\": \"pc-1\", \"is-default\": 1}]",
			    "r.json:4: query-machines entry 1 ('pc-1'): \"is-default\" is a number, not a boolean");
}

/* Issue 13: the same rules as the snapshot reader. */
static void test_hostile(void **state)
{
	struct test_dataset *f = *state;
	struct strbuf sb = STRBUF_INIT;

	/* names with control characters, in every reply */
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"\\u001b[2J\", \"props\": {}}}",
			    "r.json:4: model name \"\\e[2J\" has a control character (U+001B)");
	expect_reader_error(f, 0, "[{\"name\": \"\\u001b]52;c;aGk=\\u0007\"}]",
			    "r.json:4: model name \"\\e]52;c;aGk=\\a\" has a control character (U+001B)");
	expect_reader_error(f, 0, "[{\"name\": \"a\", \"unavailable-features\": [\"x\\u009b1m\"]}]",
			    "r.json:4: feature name \"x\\u009b1m\" has a control character (U+009B)");
	expect_reader_error(f, 0, "[{\"name\": \"a\", \"alias-of\": \"\\u0007\"}]",
			    "r.json:4: model name \"\\a\" has a control character (U+0007)");
	expect_reader_error(f, 2, "[{\"name\": \"pc\\u001b\"}]",
			    "r.json:4: machine type name \"pc\\e\" has a control character (U+001B)");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"max\", \"props\": {\"\\u001b\": true}}}",
			    "r.json:4: property name \"\\e\" has a control character (U+001B)");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"max\", \"props\": "
			    "{\"model-id\": \"Evil \\u001b[2J CPU\"}}}",
			    "r.json:4: property value \"Evil \\e[2J CPU\" has a control character (U+001B)");
	/* a NUL inside a name is refused, not a cut (json-c keeps it) */
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"Has\\u0000well\"}}",
			    "r.json:4: model name \"Has\\0well\" has a NUL character");
	/* ... and the document scan refuses it before that */
	expect_parse_error("{\"return\": [{\"name\": \"Has\\u0000well\"}]}",
			   "x.json:1: malformed JSON: \\u0000 in a string");
	expect_parse_error("{\"return\": [{\"name\": \"\\udc01\"}]}",
			   "x.json:1: malformed JSON: lone surrogate \\udc01 in a string");
	expect_parse_error("{\"return\": [{\"name\": \"\xed\xa0\x80\"}]}",
			   "x.json:1: malformed JSON: invalid UTF-8 in a string (byte 0xed)");
	/* numbers: family, model, stepping in QEMU's range */
	expect_parse_error("{\"return\": {\"model\": {\"name\": \"max\", \"props\": {\"family\": 1e99999}}}}",
			   "x.json:1: malformed JSON: number 1e99999 is out of range");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"max\", \"props\": {\"family\": 271}}}",
			    "r.json:4: query-cpu-model-expansion reply: property \"family\" is 271, not "
			    "an integer from 0 to 270");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"max\", \"props\": {\"stepping\": 2.0}}}",
			    "r.json:4: query-cpu-model-expansion reply: property \"stepping\" is 2.0, not "
			    "an integer from 0 to 15");
	expect_reader_error(f, 1, "{\"model\": {\"name\": \"max\", \"props\": {\"model\": \"6\"}}}",
			    "r.json:4: query-cpu-model-expansion reply: property \"model\" is \"6\", not "
			    "an integer from 0 to 255");
	expect_parse_error("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 70000, \"minor\": 2, "
			   "\"micro\": 0}, \"package\": \"\"}}}",
			   "x.json:1: QMP greeting: \"major\" is 70000, not an integer from 0 to 65535");
	expect_parse_error("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2, "
			   "\"micro\": 0}, \"package\": \"\\u001b[2J\"}}}",
			   "x.json:1: QEMU package \"\\e[2J\" has a control character (U+001B)");
	expect_parse_error("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no \\u001b[2J\"}}",
			   "x.json:1: QMP error description \"no \\e[2J\" has a control character "
			   "(U+001B)");
	expect_parse_error("{\"execute\": \"query-\\u001b\"}",
			   "x.json:1: QMP command \"query-\\e\" has a control character (U+001B)");
	/* duplicate keys, which json-c would fold into the last one */
	expect_parse_error("{\"return\": [],\n \"return\": {}}",
			   "x.json:2: duplicate key \"return\" (first on line 1)");
	expect_parse_error("{\"QMP\": {}}\n{\"return\": {\"model\": {\"name\": \"max\", \"props\": {\n"
			   "\"sse\": true, \"a\": 1,\n\"\\u0073se\": false}}}}",
			   "x.json:4: duplicate key \"sse\" (first on line 3)");
	/* at most 1024 new feature names from one reply */
	sb_add(&sb, "[{\"name\": \"a\", \"unavailable-features\": [");
	for (int i = 0; i <= 1024; i++)
		sb_addf(&sb, "%s\"new-%d\"", i ? ", " : "", i);
	sb_add(&sb, "]}]");
	expect_reader_error(f, 0, sb.s,
			    "r.json:4: more than 1024 feature names that cpuscope does not know");
	sb_fini(&sb);
}

static void write_tmp(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/cpuscope-qmp-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_file_errors(void **state)
{
	struct test_dataset *f = *state;
	char path[64], msg[256];
	struct err e;
	struct qmp_doc doc;
	int fd;

	/* empty file */
	write_tmp(path, "");
	err_clear(&e);
	assert_false(qmp_doc_load(path, &doc, &e));
	snprintf(msg, sizeof(msg), "%s: no JSON in the input (empty file?)", path);
	assert_string_equal(test_estr(&e), msg);
	unlink(path);

	/* only a greeting and an event: nothing to load */
	write_tmp(path, "{\"QMP\": {\"version\": {}}}\n{\"event\": \"STOP\"}\n");
	err_clear(&e);
	assert_false(qmp_load_into_dataset(path, "m", f->ds, &e));
	snprintf(msg, sizeof(msg),
		 "%s: no query-cpu-definitions, query-machines or query-cpu-model-expansion reply found",
		 path);
	assert_string_equal(test_estr(&e), msg);
	unlink(path);

	/* two definition lists for one machine type */
	write_tmp(path, "[{\"name\": \"a\", \"typename\": \"t\"}]\n[{\"name\": \"a\", \"typename\": \"t\"}]\n");
	err_clear(&e);
	assert_false(qmp_load_into_dataset(path, "m", f->ds, &e));
	snprintf(msg, sizeof(msg),
		 "%s:2: machine type 'm' already has CPU definitions; one query-cpu-definitions "
		 "reply per machine type", path);
	assert_string_equal(test_estr(&e), msg);
	unlink(path);

	/* a huge file (sparse) is refused before reading */
	strcpy(path, "/tmp/cpuscope-qmp-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)FILE_LIMIT_DEFAULT + 1), 0);
	close(fd);
	err_clear(&e);
	assert_false(qmp_doc_load(path, &doc, &e));
	snprintf(msg, sizeof(msg), "%s: file too large (%llu bytes; the limit is %u)", path,
		 (unsigned long long)FILE_LIMIT_DEFAULT + 1, FILE_LIMIT_DEFAULT);
	assert_string_equal(test_estr(&e), msg);
	unlink(path);

	/* missing file */
	err_clear(&e);
	assert_false(qmp_doc_load("/nonexistent/x.json", &doc, &e));
	assert_string_equal(test_estr(&e), "/nonexistent/x.json: cannot open: No such file or directory");
}

/* From text in memory: errors name the file given, and the dataset's
 * source is it. */
static void test_parse_into_dataset(void **state)
{
	struct test_dataset *f = *state;
	const char *defs = "[{\"name\": \"a\", \"typename\": \"t\"}]\n";
	struct err e;

	err_clear(&e);
	assert_true(qmp_parse_into_dataset("mem.json", defs, strlen(defs), "m", f->ds, &e));
	assert_string_equal(f->ds->source, "mem.json");
	assert_non_null(mdata_def(dataset_find_mdata(f->ds, "m"), "a"));
	assert_false(qmp_parse_into_dataset("mem.json", defs, strlen(defs), "m", f->ds, &e));
	assert_string_equal(test_estr(&e), "mem.json:1: machine type 'm' already has CPU definitions; "
			    "one query-cpu-definitions reply per machine type");
	err_clear(&e);
	assert_false(qmp_parse_into_dataset("bad.json", "{", 1, "m", f->ds, &e));
	assert_true(str_startswith(test_estr(&e), "bad.json:1: malformed JSON"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_definitions_q35, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_definitions_i440fx_20, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_machines, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test(test_transcript_items),
		cmocka_unit_test_setup_teardown(test_haswell_expansions, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_cputestdata, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_replies_commands, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_string_shapes, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test(test_reply_without_id_follows_command),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_wrong_return_type),
		cmocka_unit_test_setup_teardown(test_reader_errors, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_hostile, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, test_dataset_setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_parse_into_dataset, test_dataset_setup,
						test_dataset_teardown),
	};

	return TEST_RUN("qmp_json", tests, argc, argv);
}
