/* test_snapshot.c - snapshot writer and reader: a round trip of real QEMU
 * 7.2 data, the compact pool, and every kind of malformed input. */
#include "testutil.h"
#include "testdata.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "qmp_json.h"
#include "snapshot.h"

#define QDIR "tests/data/qmp/"

static int setup(void **state)
{
	struct test_dataset *f;

	test_dataset_setup_qemu72(state);
	f = *state;
	/* pc-i440fx-7.2 has the same CPU data as pc-q35-7.2 in QEMU 7.2; reuse
	 * the q35 captures to exercise the shared lists */
	test_dataset_load(f->ds, QDIR "definitions-pc-q35-7.2.json", "pc-i440fx-7.2");
	test_dataset_load(f->ds, QDIR "transcript-pc-q35-7.2-Haswell.jsonl", "pc-i440fx-7.2");
	f->ds->accel = strdup("tcg");
	f->ds->binary = strdup("qemu-system-x86_64");
	f->ds->captured = strdup("2026-11-22T01:26:00Z");
	vec_push(&f->ds->missing, strdup("expansions of pc-q35-2.4"));
	return 0;
}

static struct dataset *parse_ok(struct test_dataset *f, const char *text)
{
	struct err e;
	struct dataset *ds;

	err_clear(&e);
	ds = snapshot_parse("s.json", text, strlen(text), f->ft, &e);
	if (!ds)
		fail_msg("%s", test_estr(&e));
	return ds;
}

static void expect_error(struct test_dataset *f, const char *text, const char *msg)
{
	struct err e;
	struct dataset *ds;

	err_clear(&e);
	ds = snapshot_parse("s.json", text, strlen(text), f->ft, &e);
	if (ds) {
		dataset_free(ds);
		fail_msg("parsed, expected: %s", msg);
	}
	assert_string_equal(test_estr(&e), msg);
}

static void same_defs(const struct mdata *a, const struct mdata *b)
{
	assert_int_equal(a->defs.n, b->defs.n);
	for (size_t i = 0; i < a->defs.n; i++) {
		const struct cpu_def *x = vec_get(&a->defs, i), *y = vec_get(&b->defs, i);
		assert_string_equal(x->name, y->name);
		assert_true(str_eq(x->type_name, y->type_name));
		assert_true(str_eq(x->alias_of, y->alias_of));
		assert_int_equal(x->is_static, y->is_static);
		assert_int_equal(x->migration_safe, y->migration_safe);
		assert_int_equal(x->deprecated, y->deprecated);
		assert_int_equal(x->unavail_known, y->unavail_known);
		assert_int_equal(x->nunavail, y->nunavail);
		for (size_t k = 0; k < x->nunavail; k++)
			assert_string_equal(x->unavail_names[k], y->unavail_names[k]);
		assert_true(fset_equal(&x->unavailable, &y->unavailable));
	}
}

static void test_round_trip(void **state)
{
	struct test_dataset *f = *state;
	char *json = snapshot_to_json(f->ds), *again;
	struct dataset *ds = parse_ok(f, json);
	static const char *const machines[] = {"pc-q35-7.2", "pc-i440fx-2.0", "pc-i440fx-7.2"};
	const struct machine *m;

	assert_string_equal(ds->qemu_version, "7.2.22");
	assert_string_equal(ds->qemu_package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
	assert_string_equal(ds->accel, "tcg");
	assert_string_equal(ds->binary, "qemu-system-x86_64");
	assert_string_equal(ds->captured, "2026-11-22T01:26:00Z");
	assert_string_equal(ds->source, "s.json");
	assert_int_equal(ds->arch, ARCH_X86_64);
	assert_int_equal(ds->missing.n, 1);
	assert_string_equal(vec_get(&ds->missing, 0), "expansions of pc-q35-2.4");
	assert_int_equal(ds->machines.n, 59);
	m = dataset_machine(ds, "pc");
	assert_string_equal(m->name, "pc-i440fx-7.2");
	assert_true(m->is_default);
	assert_string_equal(m->default_cpu_type, "qemu64-x86_64-cpu");
	assert_true(dataset_machine(ds, "pc-i440fx-1.5")->deprecated);
	for (size_t i = 0; i < ARRAY_LEN(machines); i++) {
		const struct mdata *a = dataset_find_mdata(f->ds, machines[i]);
		const struct mdata *b = dataset_find_mdata(ds, machines[i]);
		assert_non_null(b);
		same_defs(a, b);
		for (int full = 0; full < 2; full++) {
			const struct expansion *xa = dataset_expansion(f->ds, a, "Haswell", full);
			const struct expansion *xb = dataset_expansion(ds, b, "Haswell", full);
			assert_non_null(xb);
			assert_true(expansion_equal(xa, xb));
		}
	}
	/* real facts survive */
	assert_string_equal(mdata_def(dataset_find_mdata(ds, "pc-q35-7.2"), "Haswell")->alias_of,
			    "Haswell-v1");
	assert_null(mdata_def(dataset_find_mdata(ds, "pc-i440fx-2.0"), "Haswell")->alias_of);
	assert_string_equal(expansion_prop(dataset_expansion(ds, dataset_find_mdata(ds, "pc-q35-7.2"),
							     "Haswell", true), "lbr-fmt"),
			    "18446744073709551552");
	assert_false(fset_has(&dataset_expansion(ds, dataset_find_mdata(ds, "pc-i440fx-2.0"),
						 "Haswell", true)->on,
			      ftable_lookup(f->ft, "abm")->id));
	/* writing what was read gives the same text */
	again = snapshot_to_json(ds);
	assert_string_equal(again, json);
	free(again);
	free(json);
	dataset_free(ds);
}

static void test_compact_form(void **state)
{
	struct test_dataset *f = *state;
	char *json = snapshot_to_json(f->ds);

	/* identical lists are written once */
	assert_non_null(strstr(json, "\n\"pc-i440fx-7.2\": \"pc-q35-7.2\""));
	/* four distinct expansions; the old machine type's are deltas */
	assert_non_null(strstr(json, "\n{\"of\": 0, "));
	assert_non_null(strstr(json, "\n{\"of\": 1, "));
	/* pc_compat_2_0..2_3: exactly these four features go off */
	assert_non_null(strstr(json, "{\"of\": 0, \"off\": [\"arat\", \"f16c\", \"rdrand\", \"abm\"], \"props\": {\"check\": false, "));
	assert_non_null(strstr(json, "{\"of\": 1, \"off\": [\"arat\", \"f16c\", \"rdrand\", \"abm\"], \"props\": {\"min-xlevel\": 2147483658, \"stepping\": 1}}"));
	assert_null(strstr(json, "\n{\"of\": 2"));
	assert_true(strlen(json) < 150000);
	free(json);
}

static void test_write_load_arch(void **state)
{
	struct test_dataset *f = *state;
	char dir[] = "/tmp/cpuscope-snap-XXXXXX", path[128];
	struct err e;
	struct dataset *ds;
	enum arch a = ARCH_S390X;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x86_64.json", dir);
	err_clear(&e);
	assert_true(snapshot_write(f->ds, path, &e));
	assert_true(snapshot_arch(path, &a, &e));
	assert_int_equal(a, ARCH_X86_64);
	ds = snapshot_load(path, f->ft, &e);
	assert_non_null(ds);
	assert_string_equal(ds->source, path);
	assert_int_equal(ds->mdatas.n, 3);
	dataset_free(ds);
	/* a bad target leaves nothing behind */
	snprintf(path, sizeof(path), "%s/no/such/dir.json", dir);
	assert_false(snapshot_write(f->ds, path, &e));
	snprintf(path, sizeof(path), "%s/x86_64.json", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	assert_false(snapshot_arch("/nonexistent.json", &a, &e));
	assert_string_equal(test_estr(&e), "/nonexistent.json: cannot open: No such file or directory");
}

static void test_minimal_and_arch(void **state)
{
	struct test_dataset *f = *state;
	struct dataset *ds;
	struct err e;
	enum arch a;
	char path[] = "/tmp/cpuscope-snap-XXXXXX";
	int fd;
	const char *late = "{\"machines\": [], \"qemu\": {\"arch\": \"s390x\"}, "
			   "\"format\": \"cpuscope-snapshot/1\"}";

	ds = parse_ok(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\"}}");
	assert_int_equal(ds->mdatas.n, 0);
	assert_null(ds->qemu_version);
	dataset_free(ds);
	/* snapshot_arch when the header is not first */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, late, strlen(late)), (ssize_t)strlen(late));
	close(fd);
	err_clear(&e);
	assert_true(snapshot_arch(path, &a, &e));
	assert_int_equal(a, ARCH_S390X);
	unlink(path);
}

/* A hand-written delta chain: on/off/unset/props of "of" records. */
static void test_delta_semantics(void **state)
{
	struct test_dataset *f = *state;
	const char *text =
		"{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\"},\n"
		"\"pool\": [\n"
		"{\"name\": \"M\", \"on\": [\"sse2\", \"avx\"], \"off\": [\"avx2\", \"newfeat\"], "
		"\"props\": {\"family\": 6, \"model-id\": \"A \\\"q\\\" \\u00e9\\ud83d\\ude00\", \"x\": [1, {\"y\": null}]}},\n"
		"{\"of\": 0, \"on\": [\"avx2\"], \"off\": [\"avx\"], \"props\": {\"family\": 7}, "
		"\"unset\": [\"sse2\", \"x\"]},\n"
		"{\"of\": 1, \"name\": \"N\"}],\n"
		"\"expansions\": {\"m\": {\"M\": {\"full\": 0, \"static\": 1}, \"N\": {\"full\": 2}},\n"
		"\"m2\": \"m\"}}\n";
	struct dataset *ds = parse_ok(f, text);
	const struct mdata *md = dataset_find_mdata(ds, "m");
	const struct expansion *a = dataset_expansion(ds, md, "M", true);
	const struct expansion *b = dataset_expansion(ds, md, "M", false);
	const struct expansion *c = dataset_expansion(ds, md, "N", true);
	const struct feature *nf = ftable_lookup(f->ft, "newfeat");
	unsigned sse2 = ftable_lookup(f->ft, "sse2")->id, avx = ftable_lookup(f->ft, "avx")->id;
	unsigned avx2 = ftable_lookup(f->ft, "avx2")->id;
	char buf[64];

	assert_non_null(nf);
	assert_true(nf->flags & FEAT_UNKNOWN);
	assert_true(fset_has(&a->on, sse2) && fset_has(&a->on, avx) && !fset_has(&a->on, avx2));
	assert_true(fset_has(&a->known, avx2) && fset_has(&a->known, nf->id));
	assert_true(expansion_prop_str(a, "model-id", buf, sizeof(buf)));
	assert_string_equal(buf, "A \"q\" \xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(expansion_prop(a, "x"), "[1, {\"y\": null}]");
	assert_false(fset_has(&b->known, sse2));
	assert_false(fset_has(&b->on, avx));
	assert_true(fset_has(&b->known, avx));
	assert_true(fset_has(&b->on, avx2));
	assert_string_equal(expansion_prop(b, "family"), "7");
	assert_null(expansion_prop(b, "x"));
	assert_non_null(expansion_prop(b, "model-id"));
	assert_string_equal(c->name, "N");
	assert_true(fset_equal(&c->on, &b->on));
	assert_string_equal(expansion_prop(c, "family"), "7");
	/* m2 shares m's map */
	assert_ptr_equal(dataset_expansion(ds, dataset_find_mdata(ds, "m2"), "N", true), c);
	dataset_free(ds);
}

/* Found by fuzzing: a prop named like a feature.  "unset" names the
 * feature first, so a record that drops the prop but keeps the feature
 * cannot be a delta; the writer stores it in full, and a write and a read
 * give the same expansions. */
static void test_prop_named_like_feature(void **state)
{
	struct test_dataset *f = *state;
	const char *text =
		"{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\"},\n"
		"\"pool\": [{\"name\": \"a\", \"on\": [\"fpu\", \"sse\"], \"props\": {\"fpu\": 1, \"x\": 2}},\n"
		"{\"name\": \"a\", \"on\": [\"fpu\", \"sse\"], \"props\": {\"x\": 2}}],\n"
		"\"expansions\": {\"pc-1\": {\"a\": {\"full\": 0}}, \"pc-2\": {\"a\": {\"full\": 1}}}}\n";
	struct dataset *ds = parse_ok(f, text), *again;
	char *json = snapshot_to_json(ds);

	assert_null(strstr(json, "\"unset\""));
	again = parse_ok(f, json);
	for (int i = 1; i <= 2; i++) {
		char m[8];
		snprintf(m, sizeof(m), "pc-%d", i);
		assert_true(expansion_equal(
			dataset_expansion(ds, dataset_find_mdata(ds, m), "a", true),
			dataset_expansion(again, dataset_find_mdata(again, m), "a", true)));
	}
	assert_null(expansion_prop(dataset_expansion(again, dataset_find_mdata(again, "pc-2"), "a", true),
				   "fpu"));
	free(json);
	dataset_free(again);
	dataset_free(ds);
}

static void test_malformed(void **state)
{
	struct test_dataset *f = *state;
	char deep[300];
	const char *hdr = "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\"},\n";
	char buf[1024];

	expect_error(f, "", "s.json: empty file, not a cpuscope snapshot");
	expect_error(f, "  \n\n", "s.json: empty file, not a cpuscope snapshot");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\",\n\"qemu\": {\"arch\": \"x86_64\"",
		     "s.json:2: malformed JSON: unexpected end of input");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\",\n\"qemu\": {\"arch\": \"x86",
		     "s.json:2: malformed JSON: unexpected end of input in a string");
	expect_error(f, "\xff\xfe", "s.json:1: malformed JSON: unexpected byte 0xff");
	expect_error(f, "{\"a\": tru}", "s.json:1: malformed JSON: unexpected character 't'");
	expect_error(f, "{\"a\": 1,\n}", "s.json:2: malformed JSON: unexpected character '}'");
	expect_error(f, "{\"a\" 1}", "s.json:1: malformed JSON: unexpected character '1'");
	expect_error(f, "{\"a\": [1 2]}", "s.json:1: malformed JSON: unexpected character '2'");
	expect_error(f, "{\"a\": 01}", "s.json:1: malformed JSON: unexpected character '1'");
	expect_error(f, "{\"a\": 1.}", "s.json:1: malformed JSON: bad number");
	expect_error(f, "{\"a\": \"x\ty\"}", "s.json:1: malformed JSON: control character in a string");
	expect_error(f, "{\"a\": \"\\q\"}", "s.json:1: malformed JSON: bad escape in a string");
	expect_error(f, "{\"a\": \"\\u12g4\"}", "s.json:1: malformed JSON: bad \\u escape");
	expect_error(f, "{\"a\": \"\\u0000\"}", "s.json:1: malformed JSON: \\u0000 in a string");
	expect_error(f, "{}\n{}", "s.json:2: malformed JSON: more data after the end of the document");
	memset(deep, '[', 200);
	deep[200] = '\0';
	expect_error(f, deep, "s.json:1: malformed JSON: nesting deeper than 64 levels");
	expect_error(f, "[1]", "s.json:1: not a cpuscope snapshot (expected a JSON object, found an array)");
	expect_error(f, "{\"qemu\": {}}", "s.json:1: not a cpuscope snapshot (no \"format\")");
	expect_error(f, "{\n\"format\": \"cpuscope-snapshot/9\"}",
		     "s.json:2: unsupported snapshot format \"cpuscope-snapshot/9\" (expected \"cpuscope-snapshot/1\")");
	expect_error(f, "{\"format\": 1}",
		     "s.json:1: unsupported snapshot format 1 (expected \"cpuscope-snapshot/1\")");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\"}", "s.json:1: snapshot without \"qemu\"");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": []}",
		     "s.json:1: \"qemu\" is an array, not an object");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {}}",
		     "s.json:1: snapshot without \"qemu\".\"arch\"");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"arm\"}}",
		     "s.json:1: unknown arch 'arm'");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\",\n\"qemu\": {\n\"arch\": \"s390x\"}}",
		     "s.json:3: this snapshot is for s390x, but the x86_64 feature table was given");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\", \"version\": 7}}",
		     "s.json:1: \"qemu\" \"version\" is a number, not a string");

#define CASE(body, msg)                                   \
	do {                                              \
		snprintf(buf, sizeof(buf), "%s%s}", hdr, body); \
		expect_error(f, buf, msg);               \
	} while (0)
	CASE("\"machines\": {}", "s.json:2: \"machines\" is an object, not an array");
	CASE("\"machines\": [{\"alias\": \"pc\"}]", "s.json:2: machine 1 has no \"name\"");
	CASE("\"machines\": [{\"name\": \"a\"},\n{\"name\": \"b\", \"is-default\": \"yes\"}]",
	     "s.json:3: machine 2 \"is-default\" is a string, not a boolean");
	CASE("\"definitions\": []", "s.json:2: \"definitions\" is an array, not an object");
	CASE("\"definitions\": {\"m\": 5}", "s.json:2: definitions of 'm' is a number, not an array");
	CASE("\"definitions\": {\"m\": \"n\"}",
	     "s.json:2: definitions of 'm' refer to 'n', which has no list before it");
	CASE("\"definitions\": {\"m\": [{}]}", "s.json:2: definition on 'm' has no \"name\"");
	CASE("\"definitions\": {\"m\": [\n{\"name\": \"A\", \"static\": 1}]}",
	     "s.json:3: definition 'A' on 'm' \"static\" is a number, not a boolean");
	CASE("\"definitions\": {\"m\": [{\"name\": \"A\", \"unavailable-features\": [1]}]}",
	     "s.json:2: definition 'A' on 'm' \"unavailable-features item\" is a number, not a string");
	CASE("\"definitions\": {\"m\": [{\"name\": \"A\"},\n{\"name\": \"A\"}]}",
	     "s.json:3: definition 'A' on 'm' appears twice");
	CASE("\"pool\": {}", "s.json:2: \"pool\" is an object, not an array");
	CASE("\"pool\": [\n{\"on\": []}]", "s.json:3: pool record 0 has neither \"name\" nor \"of\"");
	CASE("\"pool\": [{\"name\": \"a\"},\n{\"of\": 1}]",
	     "s.json:3: pool record 1: \"of\" must be the index of an earlier record");
	CASE("\"pool\": [{\"name\": \"a\"}, {\"of\": -1}]",
	     "s.json:2: pool record 1: \"of\" must be the index of an earlier record");
	CASE("\"pool\": [{\"name\": \"a\", \"on\": \"sse\"}]",
	     "s.json:2: pool record 0 \"on\" is a string, not an array");
	CASE("\"pool\": [{\"name\": \"a\", \"off\": [true]}]",
	     "s.json:2: pool record 0 \"off\" is a boolean, not a string");
	CASE("\"pool\": [{\"name\": \"a\", \"props\": []}]",
	     "s.json:2: pool record 0 \"props\" is an array, not an object");
	CASE("\"pool\": [{\"name\": \"a\", \"unset\": [\"x\"]}]",
	     "s.json:2: pool record 0: \"unset\" without \"of\"");
	CASE("\"expansions\": {\"m\": []}", "s.json:2: expansions of 'm' is an array, not an object");
	CASE("\"expansions\": {\"m\": \"k\"}",
	     "s.json:2: expansions of 'm' refer to 'k', which has none before it");
	CASE("\"expansions\": {\"m\": {\"A\": 3}}",
	     "s.json:2: expansions of 'A' on 'm' is a number, not an object");
	CASE("\"pool\": [{\"name\": \"a\"}],\n\"expansions\": {\"m\": {\"A\": {\"full\": 0, \"static\": 1}}}",
	     "s.json:3: expansion \"static\" of 'A' on 'm' is not a pool index (0..0)");
	CASE("\"expansions\": {\"m\": {\"A\": {\"full\": \"0\"}}}",
	     "s.json:2: expansion \"full\" of 'A' on 'm' is not a pool index (0..0)");
	CASE("\"missing\": [1]", "s.json:2: \"missing\" item is a number, not a string");
	/* found by fuzzing: each "" was interned as a new feature */
	CASE("\"pool\": [{\"name\": \"a\", \"on\": [\"sse\",\n\"\"]}]",
	     "s.json:3: feature name is empty");
	CASE("\"pool\": [{\"name\": \"a\", \"off\": [\"\"]}]",
	     "s.json:2: feature name is empty");
#undef CASE
}

/* Issue 13: names reach the terminal, strings mean one thing, keys come
 * once, numbers are in range, and one file cannot take unbounded memory. */
static void test_hostile(void **state)
{
	struct test_dataset *f = *state;
	const char *hdr = "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\"},\n";
	const char *rec = "\"pool\": [{\"name\": \"a\", \"props\": ";
	struct strbuf sb = STRBUF_INIT;
	struct dataset *ds;
	char buf[1024];

#define CASE(body, msg)                                   \
	do {                                              \
		snprintf(buf, sizeof(buf), "%s%s}", hdr, body); \
		expect_error(f, buf, msg);               \
	} while (0)
	/* control characters in names, as JSON escapes (raw ones are not JSON) */
	CASE("\"definitions\": {\"m\": [{\"name\": \"\\u001b[2J\"}]}",
	     "s.json:2: model name \"\\e[2J\" has a control character (U+001B)");
	CASE("\"pool\": [{\"name\": \"\\u001b]52;c;aGk=\\u0007\"}]",
	     "s.json:2: model name \"\\e]52;c;aGk=\\a\" has a control character (U+001B)");
	CASE("\"pool\": [{\"name\": \"a\", \"on\": [\"sse\", \"x\\u0007\"]}]",
	     "s.json:2: feature name \"x\\a\" has a control character (U+0007)");
	CASE("\"definitions\": {\"pc\\u009b2J\": []}",
	     "s.json:2: machine type name \"pc\\u009b2J\" has a control character (U+009B)");
	CASE("\"definitions\": {\"pc\xc2\x9b" "2J\": []}",
	     "s.json:2: machine type name \"pc\\u009b2J\" has a control character (U+009B)");
	CASE("\"expansions\": {\"m\": {\"\\u001b[1m\": {}}}",
	     "s.json:2: model name \"\\e[1m\" has a control character (U+001B)");
	CASE("\"definitions\": {\"m\": [{\"name\": \"A\", \"unavailable-features\": [\"\\u007f\"]}]}",
	     "s.json:2: feature name \"\\x7f\" has a control character (U+007F)");
	CASE("\"machines\": [{\"name\": \"pc\", \"alias\": \"\\n\"}]",
	     "s.json:2: machine type alias \"\\n\" has a control character (U+000A)");
	CASE("\"missing\": [\"\\u001b[2J\"]",
	     "s.json:2: \"missing\" item \"\\e[2J\" has a control character (U+001B)");
	expect_error(f, "{\"format\": \"cpuscope-snapshot/1\", \"qemu\": {\"arch\": \"x86_64\", "
		     "\"package\": \"\\u001b[2J\"}}",
		     "s.json:1: QEMU package \"\\e[2J\" has a control character (U+001B)");
	CASE("\"definitions\": {\"m\": [{\"name\": \"\"}]}", "s.json:2: model name is empty");
	/* strings: invalid UTF-8, lone surrogates, NUL */
	CASE("\"definitions\": {\"m\": [{\"name\": \"a\xff" "b\"}]}",
	     "s.json:2: malformed JSON: invalid UTF-8 in a string (byte 0xff)");
	CASE("\"definitions\": {\"m\": [{\"name\": \"\\ud800\"}]}",
	     "s.json:2: malformed JSON: lone surrogate \\ud800 in a string");
	CASE("\"definitions\": {\"m\": [{\"name\": \"h\\u0000le\"}]}",
	     "s.json:2: malformed JSON: \\u0000 in a string");
	/* keys: once, in every object */
	CASE("\"expansions\": {},\n\"expansions\": {}",
	     "s.json:3: duplicate key \"expansions\" (first on line 2)");
	CASE("\"definitions\": {\"m\": [],\n\"m\": []}",
	     "s.json:3: duplicate key \"m\" (first on line 2)");
	CASE("\"pool\": [{\"name\": \"a\"}],\n\"expansions\": {\"m\": {\"A\": {\"full\": 0},\n"
	     "\"A\": {\"full\": 0}}}",
	     "s.json:4: duplicate key \"A\" (first on line 3)");
	CASE("\"pool\": [{\"name\": \"a\", \"name\": \"b\"}]",
	     "s.json:2: duplicate key \"name\" (first on line 2)");
	CASE("\"machines\": [{\"name\": \"a\", \"alias\": \"b\", \"is-default\": true, "
	     "\"deprecated\": false, \"default-cpu-type\": \"x\", \"q\": 1, \"r\": 2, \"s\": 3, "
	     "\"t\": 4, \"u\": 5, \"v\": 6, \"w\": 7, \"x\": 8, \"y\": 9, \"z\": 10, \"zz\": 11, "
	     "\"alias\": \"c\"}]",
	     "s.json:2: duplicate key \"alias\" (first on line 2)");
	/* numbers */
	snprintf(buf, sizeof(buf), "%s%s{\"family\": 1e99999}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: malformed JSON: number 1e99999 is out of range");
	snprintf(buf, sizeof(buf), "%s%s{\"family\": 6e0}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: pool record 0: property \"family\" is 6e0, not an "
		     "integer from 0 to 270");
	snprintf(buf, sizeof(buf), "%s%s{\"family\": 271}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: pool record 0: property \"family\" is 271, not an integer "
		     "from 0 to 270");
	snprintf(buf, sizeof(buf), "%s%s{\"stepping\": -1}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: pool record 0: property \"stepping\" is -1, not an integer "
		     "from 0 to 15");
	snprintf(buf, sizeof(buf), "%s%s{\"model\": 1.5}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: pool record 0: property \"model\" is 1.5, not an integer "
		     "from 0 to 255");
	snprintf(buf, sizeof(buf), "%s%s{\"xlevel\": 18446744073709551616}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: malformed JSON: number 18446744073709551616 is out of range");
	snprintf(buf, sizeof(buf), "%s%s{\"model\": \"6\"}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: pool record 0: property \"model\" is \"6\", not an integer "
		     "from 0 to 255");
	snprintf(buf, sizeof(buf), "%s%s{\"model-id\": \"x\\u009b\"}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: property value \"x\\u009b\" has a control character (U+009B)");
	snprintf(buf, sizeof(buf), "%s%s{\"\\u001b\": 1}}]}", hdr, rec);
	expect_error(f, buf, "s.json:2: property name \"\\e\" has a control character (U+001B)");
	snprintf(buf, sizeof(buf), "%s%s{\"family\": 270, \"model\": 255, \"stepping\": 15, "
		 "\"lbr-fmt\": 18446744073709551552, \"core-id\": -1, \"f\": 1.5, "
		 "\"x\": [1, {\"y\": \"z\"}]}}]}",
		 hdr, rec);
	ds = parse_ok(f, buf);
	dataset_free(ds);
#undef CASE
	/* bounds: new feature names, machine types, shared entries */
	sb_add(&sb, hdr);
	sb_add(&sb, "\"pool\": [{\"name\": \"a\", \"on\": [");
	for (int i = 0; i <= 1024; i++)
		sb_addf(&sb, "%s\"new-feature-%d\"", i ? ", " : "", i);
	sb_add(&sb, "]}]}");
	expect_error(f, sb.s, "s.json:2: more than 1024 feature names that cpuscope does not know");
	sb_reset(&sb);
	sb_add(&sb, hdr);
	sb_add(&sb, "\"definitions\": {");
	for (int i = 0; i <= 4096; i++)
		sb_addf(&sb, "%s\"m%d\": []", i ? ", " : "", i);
	sb_add(&sb, "}}");
	expect_error(f, sb.s, "s.json:2: more than 4096 machine types");
	sb_reset(&sb);
	sb_add(&sb, hdr);
	sb_add(&sb, "\"definitions\": {\"m\": [");
	for (int i = 0; i < 1000; i++)
		sb_addf(&sb, "%s{\"name\": \"M%d\"}", i ? ", " : "", i);
	sb_add(&sb, "]");
	for (int i = 0; i < 300; i++)
		sb_addf(&sb, ",\n\"r%d\": \"m\"", i);
	sb_add(&sb, "}}");
	expect_error(f, sb.s, "s.json:68: too many shared entries for a file of this size (its "
		     "references copy more than one entry per 64 bytes)");
	sb_fini(&sb);
}

static void test_file_errors(void **state)
{
	struct test_dataset *f = *state;
	char path[] = "/tmp/cpuscope-snap-XXXXXX", msg[512];
	struct err e;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)FILE_LIMIT_DEFAULT + 1), 0);
	close(fd);
	err_clear(&e);
	assert_null(snapshot_load(path, f->ft, &e));
	snprintf(msg, sizeof(msg), "%s: file too large (%llu bytes; the limit is %u)", path,
		 (unsigned long long)FILE_LIMIT_DEFAULT + 1, FILE_LIMIT_DEFAULT);
	assert_string_equal(test_estr(&e), msg);
	/* empty file */
	assert_int_equal(truncate(path, 0), 0);
	assert_null(snapshot_load(path, f->ft, &e));
	snprintf(msg, sizeof(msg), "%s: empty file, not a cpuscope snapshot", path);
	assert_string_equal(test_estr(&e), msg);
	unlink(path);
	assert_null(snapshot_load("/nonexistent.json", f->ft, &e));
	assert_string_equal(test_estr(&e), "/nonexistent.json: cannot open: No such file or directory");
	assert_null(snapshot_load("/tmp", f->ft, &e));
	assert_string_equal(test_estr(&e), "/tmp: is a directory, not a file");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_compact_form, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_write_load_arch, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_minimal_and_arch, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_delta_semantics, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_prop_named_like_feature, setup,
						test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, test_dataset_teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup, test_dataset_teardown),
	};

	return TEST_RUN("snapshot", tests, argc, argv);
}
