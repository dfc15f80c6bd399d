/* test_upgrade.c - the upgrade check against the real QEMUs' own answers.
 *
 * The bundled snapshots are real TCG probes of QEMU 7.2.22 and 10.0.2.
 * For every model both have, on pc-q35-7.2, pc-i440fx-7.2, q35 and pc, the
 * check (upgrade_check, over the snapshot reader) must agree with what
 * this file works out by itself from the snapshot files with json-c: the
 * guest `-cpu MODEL` gets the full expansion's features minus QEMU's
 * unavailable-features; it is unchanged exactly when those features, the
 * name it stands for (alias-of), whether QEMU starts it and the
 * properties both QEMUs have are the same, and the features named are
 * the set differences.  Also: the TSX removal (two host files), a
 * removed machine type, machine families. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cpu_arg.h"
#include "err.h"
#include "host_load.h"
#include "logic.h"
#include "model.h"
#include "snapshot.h"
#include "upgrade.h"
#include "xml_cpu.h"
#include "xml_domain.h"

#define SNAP72 "data/qemu-7.2-x86_64.json"
#define SNAP10 "data/qemu-10.0-x86_64.json"
#define HOST_TSX "tests/data/upgrade/xeon-gold-6148-qmp.json"
#define HOST_NOTSX "tests/data/upgrade/xeon-gold-6148-qmp-notsx.json"

/* ---- the oracle: the snapshot files read with json-c ------------------------------ */

struct oracle {
	json_object *root;
	json_object *pool;
	json_object *defs;
	json_object *exps;
};

static void oracle_load(struct oracle *o, const char *rel)
{
	o->root = json_object_from_file(test_path(rel));
	assert_non_null(o->root);
	assert_true(json_object_object_get_ex(o->root, "pool", &o->pool));
	assert_true(json_object_object_get_ex(o->root, "definitions", &o->defs));
	assert_true(json_object_object_get_ex(o->root, "expansions", &o->exps));
}

/* A machine type's entry, following "same as machine X" references. */
static json_object *by_machine(json_object *tab, const char *m)
{
	json_object *x = NULL;

	while (json_object_object_get_ex(tab, m, &x) && json_object_is_type(x, json_type_string))
		m = json_object_get_string(x);
	return x;
}

static bool has_machine(const struct oracle *o, const char *m)
{
	json_object *ms;

	assert_true(json_object_object_get_ex(o->root, "machines", &ms));
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		json_object *n, *a;
		json_object *mo = json_object_array_get_idx(ms, i);
		if (json_object_object_get_ex(mo, "name", &n) && !strcmp(json_object_get_string(n), m))
			return true;
		if (json_object_object_get_ex(mo, "alias", &a) && json_object_is_type(a, json_type_string) &&
		    !strcmp(json_object_get_string(a), m))
			return true;
	}
	return false;
}

static const char *alias_target(const struct oracle *o, const char *m)
{
	json_object *ms;

	assert_true(json_object_object_get_ex(o->root, "machines", &ms));
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		json_object *n, *a, *mo = json_object_array_get_idx(ms, i);
		if (json_object_object_get_ex(mo, "alias", &a) && json_object_is_type(a, json_type_string) &&
		    !strcmp(json_object_get_string(a), m) && json_object_object_get_ex(mo, "name", &n))
			return json_object_get_string(n);
	}
	return m;
}

/* A set of names (value non-NULL: present), and properties (name -> JSON). */
struct rec {
	struct strmap on;
	struct strmap props;
	struct vec owned;
};

/* values of the maps (never written) */
static char yes[] = "1", v_true[] = "true", v_false[] = "false";

static bool pseudo(const char *n)
{
	return !strcmp(n, "kvm") || !strcmp(n, "type");
}

static void rec_decode(const struct oracle *o, int idx, struct rec *r)
{
	json_object *x = json_object_array_get_idx(o->pool, (size_t)idx), *v;

	if (json_object_object_get_ex(x, "of", &v))
		rec_decode(o, json_object_get_int(v), r);
	if (json_object_object_get_ex(x, "on", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *n = json_object_get_string(json_object_array_get_idx(v, i));
			if (pseudo(n))
				strmap_put(&r->props, n, v_true);
			else
				strmap_put(&r->on, n, yes);
		}
	if (json_object_object_get_ex(x, "off", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *n = json_object_get_string(json_object_array_get_idx(v, i));
			if (pseudo(n))
				strmap_put(&r->props, n, v_false);
			else
				strmap_put(&r->on, n, NULL);
		}
	if (json_object_object_get_ex(x, "unset", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *n = json_object_get_string(json_object_array_get_idx(v, i));
			strmap_put(&r->on, n, NULL);
			strmap_put(&r->props, n, NULL);
		}
	if (json_object_object_get_ex(x, "props", &v)) {
		json_object_object_foreach(v, key, val) {
			char *t = xstrdup(json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
									     JSON_C_TO_STRING_NOSLASHESCAPE));
			vec_push(&r->owned, t);
			strmap_put(&r->props, key, t);
		}
	}
}

static void rec_fini(struct rec *r)
{
	strmap_fini(&r->on);
	strmap_fini(&r->props);
	vec_fini(&r->owned, free);
}

/* What QEMU says of model on machine: its features minus its
 * unavailable-features (sorted names), alias-of, and whether it starts. */
struct said {
	struct vec gets;     /* char *, owned */
	char resolved[128];
	bool unavail_empty;
	bool pseudo_blocked; /* "kvm"/"type": QEMU refuses the model outright */
	struct rec full;
};

static int cmp_str(const void *a, const void *b)
{
	return str_natcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool oracle_said(const struct oracle *o, const char *machine, const char *model,
			struct said *s)
{
	json_object *defs = by_machine(o->defs, machine), *exps = by_machine(o->exps, machine);
	json_object *me, *fi, *def = NULL;
	struct strmap unavail = STRMAP_INIT;

	memset(s, 0, sizeof(*s));
	assert_non_null(defs);
	assert_non_null(exps);
	for (size_t i = 0; i < json_object_array_length(defs) && !def; i++) {
		json_object *d = json_object_array_get_idx(defs, i), *n;
		if (json_object_object_get_ex(d, "name", &n) && !strcmp(json_object_get_string(n), model))
			def = d;
	}
	if (!def || !json_object_object_get_ex(exps, model, &me) ||
	    !json_object_object_get_ex(me, "full", &fi))
		return false;
	json_object *u, *al;
	snprintf(s->resolved, sizeof(s->resolved), "%s",
		 json_object_object_get_ex(def, "alias-of", &al) ? json_object_get_string(al) : model);
	assert_true(json_object_object_get_ex(def, "unavailable-features", &u));
	s->unavail_empty = json_object_array_length(u) == 0;
	for (size_t i = 0; i < json_object_array_length(u); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(u, i));
		strmap_put(&unavail, n, yes);
		s->pseudo_blocked |= pseudo(n);
	}
	rec_decode(o, json_object_get_int(fi), &s->full);
	for (size_t i = 0; i < s->full.on.cap; i++)
		if (s->full.on.keys && s->full.on.keys[i] && s->full.on.vals[i] &&
		    !strmap_get(&unavail, s->full.on.keys[i]))
			vec_push(&s->gets, xstrdup(s->full.on.keys[i]));
	vec_sort(&s->gets, cmp_str);
	strmap_fini(&unavail);
	return true;
}

static void said_fini(struct said *s)
{
	vec_fini(&s->gets, free);
	rec_fini(&s->full);
}

/* a - b, sorted */
static void minus(const struct vec *a, const struct vec *b, struct vec *out)
{
	for (size_t i = 0; i < a->n; i++) {
		bool in = false;
		for (size_t k = 0; k < b->n && !in; k++)
			in = !strcmp(a->v[i], b->v[k]);
		if (!in)
			vec_push(out, a->v[i]);
	}
}

/* Some property both have with different values. */
static bool props_differ(const struct rec *a, const struct rec *b)
{
	for (size_t i = 0; i < a->props.cap; i++) {
		const char *k = a->props.keys ? a->props.keys[i] : NULL;
		const char *va = k ? a->props.vals[i] : NULL, *vb;
		if (!va)
			continue;
		vb = strmap_get(&b->props, k);
		if (vb && strcmp(va, vb))
			return true;
	}
	return false;
}

static void assert_names(const struct vec *got, const struct vec *want, const char *what,
			 const char *model)
{
	bool same = got->n == want->n;

	for (size_t i = 0; same && i < got->n; i++)
		same = !strcmp(got->v[i], want->v[i]);
	if (!same) {
		fprintf(stderr, "%s: %s:", model, what);
		for (size_t i = 0; i < got->n; i++)
			fprintf(stderr, " %s", (const char *)got->v[i]);
		fprintf(stderr, " | want:");
		for (size_t i = 0; i < want->n; i++)
			fprintf(stderr, " %s", (const char *)want->v[i]);
		fprintf(stderr, "\n");
	}
	assert_true(same);
}

/* ---- fixtures ------------------------------------------------------------------------ */

struct fix {
	struct ftable *ft72, *ft10;
	struct dataset *ds72, *ds10;
	struct oracle o72, o10;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct err e;

	err_clear(&e);
	f->ft72 = ftable_new(ARCH_X86_64);
	f->ft10 = ftable_new(ARCH_X86_64);
	f->ds72 = snapshot_load(test_path(SNAP72), f->ft72, &e);
	f->ds10 = snapshot_load(test_path(SNAP10), f->ft10, &e);
	assert_non_null(f->ds72);
	assert_non_null(f->ds10);
	oracle_load(&f->o72, SNAP72);
	oracle_load(&f->o10, SNAP10);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dataset_free(f->ds72);
	dataset_free(f->ds10);
	ftable_free(f->ft72);
	ftable_free(f->ft10);
	json_object_put(f->o72.root);
	json_object_put(f->o10.root);
	free(f);
	return 0;
}

static bool check_cpu(const struct fix *f, const char *value, const char *machine,
		      const struct upgrade_side *from, const struct upgrade_side *to,
		      struct upgrade_report *r)
{
	struct cpu_arg a;
	struct upgrade_guest in;
	struct err e;
	bool ok;

	(void)f;
	err_clear(&e);
	assert_true(cpu_arg_parse(value, &a, &e));
	memset(&in, 0, sizeof(in));
	in.g = a.g;
	in.source = value;
	in.cpu_arg = true;
	in.enforce = a.enforce;
	in.machine = machine;
	ok = upgrade_check(&in, from, to, r, &e);
	if (!ok)
		fprintf(stderr, "%s: %s\n", value, e.msg);
	cpu_arg_fini(&a);
	return ok;
}

/* ---- every model, 7.2 -> 10.0 ------------------------------------------------------------- */

static void every_model(const struct fix *f, const char *machine, size_t *n_unchanged,
			size_t *n_models, size_t *n_same_def)
{
	struct upgrade_side from = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side to = { "QEMU 10.0", f->ds10, NULL };
	const char *m72 = alias_target(&f->o72, machine), *m10 = alias_target(&f->o10, machine);
	json_object *defs = by_machine(f->o72.defs, m72);

	*n_unchanged = *n_models = *n_same_def = 0;
	for (size_t i = 0; i < json_object_array_length(defs); i++) {
		json_object *n;
		struct said a, b;
		assert_true(json_object_object_get_ex(json_object_array_get_idx(defs, i), "name", &n));
		const char *model = json_object_get_string(n);
		if (!oracle_said(&f->o72, m72, model, &a))
			continue;
		if (!oracle_said(&f->o10, m10, model, &b)) {
			said_fini(&a);
			continue;
		}
		for (int enforce = 0; enforce < 2; enforce++) {
			struct upgrade_report r;
			struct vec lost = VEC_INIT, gained = VEC_INIT;
			char value[200];
			bool starts_a = !a.pseudo_blocked && (!enforce || a.unavail_empty);
			bool starts_b = !b.pseudo_blocked && (!enforce || b.unavail_empty);
			snprintf(value, sizeof(value), "%s%s", model, enforce ? ",enforce" : "");
			assert_true(check_cpu(f, value, machine, &from, &to, &r));
			minus(&a.gets, &b.gets, &lost);
			minus(&b.gets, &a.gets, &gained);
			bool want = !lost.n && !gained.n && starts_a == starts_b &&
				    !strcmp(a.resolved, b.resolved) && !props_differ(&a.full, &b.full);
			if (r.unchanged != want)
				fprintf(stderr, "%s on %s: check says %s, the QEMUs say %s\n", value, machine,
					r.unchanged ? "unchanged" : "changed", want ? "unchanged" : "changed");
			assert_int_equal(r.unchanged, want);
			assert_int_equal(r.from.starts, starts_a);
			assert_int_equal(r.to.starts, starts_b);
			assert_string_equal(r.from.machine, m72);
			assert_string_equal(r.to.machine, m10);
			assert_names(&r.lost, &lost, "lost", value);
			assert_names(&r.gained, &gained, "gained", value);
			/* "unchanged" is said where, and only where, they agree */
			struct strbuf sb = STRBUF_INIT;
			upgrade_report_text(&r, &sb);
			assert_int_equal(str_startswith(sb_str(&sb), "UNCHANGED: "), want);
			sb_fini(&sb);
			if (!enforce) {
				*n_models += 1;
				*n_unchanged += want;
				*n_same_def += r.definition_same;
			}
			vec_fini(&lost, NULL);
			vec_fini(&gained, NULL);
			upgrade_report_fini(&r);
		}
		said_fini(&a);
		said_fini(&b);
	}
}

static void test_every_model(void **state)
{
	const struct fix *f = *state;
	static const char *const machines[] = { "pc-q35-7.2", "pc-i440fx-7.2", "q35", "pc" };

	for (size_t i = 0; i < ARRAY_LEN(machines); i++) {
		size_t unchanged, models, same_def;
		every_model(f, machines[i], &unchanged, &models, &same_def);
		fprintf(stderr, "  7.2 -> 10.0 on %s: %zu models, %zu unchanged, %zu with the same "
			"definition\n", machines[i], models, unchanged, same_def);
		assert_int_equal(models, 132);
		/* QEMU keeps its promise: every definition but max's and host's */
		assert_int_equal(same_def, 130);
	}
}

/* ---- a removed machine type ------------------------------------------------------------------ */

static void test_removed_machine(void **state)
{
	const struct fix *f = *state;
	struct upgrade_side from = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side to = { "QEMU 10.0", f->ds10, NULL };
	struct upgrade_report r;
	struct strbuf sb = STRBUF_INIT;

	/* the real QEMUs: 7.2 has it, 10.0 does not */
	assert_true(has_machine(&f->o72, "pc-i440fx-1.4"));
	assert_false(has_machine(&f->o10, "pc-i440fx-1.4"));
	assert_true(check_cpu(f, "Haswell", "pc-i440fx-1.4", &from, &to, &r));
	assert_true(r.to.machine_missing);
	assert_true(r.to.machine_replaced);
	assert_string_equal(r.to.machine, "pc-i440fx-2.4"); /* the oldest 10.0 has */
	assert_true(r.from.starts);
	assert_false(r.to.starts);
	assert_false(r.unchanged);
	assert_int_equal(r.worst, UPG_BREAK);
	upgrade_report_text(&r, &sb);
	assert_true(str_startswith(sb_str(&sb), "NO LONGER STARTS: Haswell on pc-i440fx-1.4"));
	assert_non_null(strstr(sb_str(&sb), "machine type pc-i440fx-1.4 does not exist in QEMU 10.0.2"));
	sb_fini(&sb);
	upgrade_report_fini(&r);

	/* deprecated on both (7.2 deprecates every pc-i440fx-1.x) */
	assert_true(check_cpu(f, "Haswell", "pc-i440fx-2.4", &from, &to, &r));
	assert_false(r.to.machine_missing);
	upgrade_report_fini(&r);
}

/* ---- the TSX removal: two host files ---------------------------------------------------------- */

/* The props a QMP host expansion has true. */
static void host_true(const char *rel, struct strmap *out)
{
	json_object *root = json_object_from_file(test_path(rel)), *ret, *model, *props;

	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "return", &ret));
	assert_true(json_object_object_get_ex(ret, "model", &model));
	assert_true(json_object_object_get_ex(model, "props", &props));
	json_object_object_foreach(props, key, val) {
		if (json_object_is_type(val, json_type_boolean) && json_object_get_boolean(val))
			strmap_put(out, key, yes);
	}
	json_object_put(root);
}

static void test_tsx_removal(void **state)
{
	const struct fix *f = *state;
	struct err e;
	struct host *before, *after;
	struct upgrade_report r;
	struct strmap hb = STRMAP_INIT, ha = STRMAP_INIT;
	struct vec stop = VEC_INIT;

	err_clear(&e);
	before = host_load(test_path(HOST_TSX), f->ft72, &e);
	after = host_load(test_path(HOST_NOTSX), f->ft72, &e);
	assert_non_null(before);
	assert_non_null(after);
	struct upgrade_side from = { HOST_TSX, f->ds72, before };
	struct upgrade_side to = { HOST_NOTSX, f->ds72, after };

	assert_true(check_cpu(f, "Haswell,enforce", "pc-q35-7.2", &from, &to, &r));
	assert_false(r.unchanged);
	assert_true(r.from.starts);
	assert_false(r.to.starts);
	assert_int_equal(r.lost.n, 2);
	assert_string_equal(r.lost.v[0], "hle");
	assert_string_equal(r.lost.v[1], "rtm");
	assert_int_equal(r.drops_new.n, 2);
	assert_true(r.definition_same);
	assert_string_equal(r.alternative, "Haswell-v2 (Haswell-noTSX)");
	assert_string_equal(r.pin_cpu, "Haswell-v1,hle=off,rtm=off,enforce");

	/* the models that stop starting, worked out from the files themselves:
	 * the model's features all on the host before, not after */
	host_true(HOST_TSX, &hb);
	host_true(HOST_NOTSX, &ha);
	json_object *defs = by_machine(f->o72.defs, "pc-q35-7.2");
	for (size_t i = 0; i < json_object_array_length(defs); i++) {
		json_object *n;
		struct said s;
		bool ok_b = true, ok_a = true;
		assert_true(json_object_object_get_ex(json_object_array_get_idx(defs, i), "name", &n));
		const char *model = json_object_get_string(n);
		if (!oracle_said(&f->o72, "pc-q35-7.2", model, &s))
			continue;
		if (!strcmp(model, "host")) { /* needs KVM: the hosts are KVM's (they say so) */
			said_fini(&s);
			continue;
		}
		for (size_t k = 0; k < s.full.on.cap; k++) {
			const char *fn = s.full.on.keys ? s.full.on.keys[k] : NULL;
			if (!fn || !s.full.on.vals[k])
				continue;
			ok_b &= strmap_get(&hb, fn) != NULL;
			ok_a &= strmap_get(&ha, fn) != NULL;
		}
		if (ok_b && !ok_a)
			vec_push(&stop, xstrdup(model));
		said_fini(&s);
	}
	vec_sort(&stop, cmp_str);
	assert_names(&r.stop_starting, &stop, "stop starting", "TSX removal");
	assert_true(stop.n >= 4);
	assert_int_equal(r.start_starting.n, 0);
	vec_fini(&stop, free);
	strmap_fini(&hb);
	strmap_fini(&ha);
	upgrade_report_fini(&r);

	/* Haswell-noTSX keeps running */
	assert_true(check_cpu(f, "Haswell-noTSX,enforce", "pc-q35-7.2", &from, &to, &r));
	assert_true(r.unchanged);
	assert_true(r.to.starts);
	upgrade_report_fini(&r);
	host_free(before);
	host_free(after);
}

/* ---- machine families, names across tables ------------------------------------------------------ */

static void test_families(void **state)
{
	const struct fix *f = *state;
	char buf[64];

	assert_string_equal(machine_family("pc-q35-7.2", buf, sizeof(buf)), "pc-q35");
	assert_string_equal(machine_family("pc-q35-4.0.1", buf, sizeof(buf)), "pc-q35");
	assert_string_equal(machine_family("pc-i440fx-10.0", buf, sizeof(buf)), "pc-i440fx");
	assert_string_equal(machine_family("s390-ccw-virtio-7.2", buf, sizeof(buf)), "s390-ccw-virtio");
	assert_string_equal(machine_family("microvm", buf, sizeof(buf)), "microvm");
	assert_string_equal(machine_family("x-remote", buf, sizeof(buf)), "x-remote");
	assert_string_equal(machine_family_pick(f->ds72, "q35")->name, "pc-q35-7.2");
	assert_string_equal(machine_family_pick(f->ds10, "q35")->name, "pc-q35-10.0");
	assert_string_equal(machine_family_pick(f->ds10, "pc-q35-7.2")->name, "pc-q35-10.0");
	assert_string_equal(machine_family_pick(f->ds10, "pc-i440fx")->name, "pc-i440fx-10.0");
	assert_string_equal(machine_family_pick(f->ds72, "pc")->name, "pc-i440fx-7.2");
	assert_string_equal(machine_family_pick(f->ds72, "microvm")->name, "microvm");
	assert_null(machine_family_pick(f->ds72, "virt"));
	assert_string_equal(machine_family_oldest(f->ds72, "pc-i440fx-7.2")->name, "pc-i440fx-1.4");
	assert_string_equal(machine_family_oldest(f->ds10, "pc-i440fx-1.4")->name, "pc-i440fx-2.4");

	/* feature names across two tables */
	struct fset s = FSET_INIT, t = FSET_INIT;
	struct vec out = VEC_INIT;
	fset_add(&s, ftable_intern(f->ft72, "avx"));
	fset_add(&s, ftable_intern(f->ft72, "hle"));
	fset_add(&s, ftable_intern(f->ft72, "kvm"));
	fset_add(&t, ftable_intern(f->ft10, "avx"));
	fset_names_missing(f->ft72, &s, f->ft10, &t, &out);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0], "hle");
	vec_fini(&out, NULL);
	fset_fini(&s);
	fset_fini(&t);
}

static void test_errors(void **state)
{
	const struct fix *f = *state;
	struct upgrade_side from = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side to = { "QEMU 10.0", f->ds10, NULL };
	struct upgrade_report r;
	struct cpu_arg a;
	struct upgrade_guest in;
	struct err e;
	char buf[1200];

	err_clear(&e);
	assert_true(cpu_arg_parse("Haswel", &a, &e));
	memset(&in, 0, sizeof(in));
	in.g = a.g;
	in.source = "-cpu Haswel";
	in.cpu_arg = true;
	in.machine = "pc-q35-7.2";
	assert_false(upgrade_check(&in, &from, &to, &r, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "-cpu Haswel: QEMU 7.2 on pc-q35-7.2: unknown CPU model 'Haswel' (not in QEMU "
			    "7.2.22); did you "
			    "mean 'Haswell', 'Haswell-IBRS', 'Haswell-noTSX' or 'Haswell-noTSX-IBRS'?");
	in.machine = "pc-q35-7.9";
	err_clear(&e);
	assert_false(upgrade_check(&in, &from, &to, &r, &e));
	assert_string_equal(err_str(&e, buf, sizeof(buf)),
			    "QEMU 7.2: unknown machine type 'pc-q35-7.9'; did you mean 'pc-q35-2.9', "
			    "'pc-q35-7.0', 'pc-q35-7.1' or 'pc-q35-7.2'?");
	cpu_arg_fini(&a);
}

/* A <domain>: its machine type, policies on top of the model, pins that
 * keep what the guest asks for. */
static void test_domain_policies(void **state)
{
	const struct fix *f = *state;
	struct upgrade_side from = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side to = { "QEMU 10.0", f->ds10, NULL };
	struct upgrade_report r;
	struct upgrade_guest in;
	struct guest_cpu *g;
	char *machine = NULL;
	struct err e;
	const char *file = test_path("tests/data/upgrade/domain-skylake-q35-7.2.xml");

	err_clear(&e);
	g = xml_guest_load(file, &e);
	assert_non_null(g);
	assert_true(xml_domain_machine(file, &machine, &e));
	assert_string_equal(machine, "pc-q35-7.2");
	memset(&in, 0, sizeof(in));
	in.g = g;
	in.source = file;
	in.machine = machine;
	assert_true(upgrade_check(&in, &from, &to, &r, &e));
	assert_string_equal(r.to.machine, "pc-q35-7.2");
	assert_int_equal(r.from.check, CHECK_PARTIAL);
	/* x2apic is required: 7.2's TCG drops it, 10.0's provides it */
	const struct feature *x = ftable_lookup(f->ft72, "x2apic"), *mpx = ftable_lookup(f->ft72, "mpx");
	assert_true(fset_has(&r.from.requested, x->id));
	assert_true(fset_has(&r.from.blockers, x->id));
	assert_false(fset_has(&r.from.requested, mpx->id)); /* disabled */
	assert_false(r.from.starts); /* libvirt check='partial' refuses what TCG lacks */
	assert_non_null(r.pin_cpu);
	/* the pin keeps the guest's own policies and switches off what 10.0 adds */
	assert_string_equal(r.pin_cpu, "Skylake-Client-v1,x2apic=on,mpx=off,3dnowprefetch=off,"
			    "rdseed=off");
	struct vec lines = VEC_INIT;
	upgrade_report_lines(&r, &lines);
	assert_true(lines.n > 10);
	assert_int_equal(((const struct upg_line *)lines.v[0])->role, UL_VERDICT);
	assert_true(str_startswith(((const struct upg_line *)lines.v[0])->text, "CHANGED: "));
	vec_fini(&lines, upg_line_free);
	upgrade_report_fini(&r);
	free(machine);
	guest_cpu_free(g);
}

/* A feature the old QEMU lacks: the guest that asks for it does not start
 * there; the new QEMU lacking it is an input error. */
static void test_unknown_feature(void **state)
{
	const struct fix *f = *state;
	struct upgrade_side s72 = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side s10 = { "QEMU 10.0", f->ds10, NULL };
	struct upgrade_report r;

	assert_true(check_cpu(f, "Haswell,fsrs=on", "pc-q35-7.2", &s10, &s72, &r));
	assert_true(r.from.starts);
	assert_false(r.to.starts);
	assert_true(r.to.unknown_on);
	assert_int_equal(r.to.unknown.n, 1);
	assert_string_equal(r.to.unknown.v[0], "fsrs");
	assert_int_equal(r.worst, UPG_BREAK);
	upgrade_report_fini(&r);
	assert_false(check_cpu(f, "Haswell,nosuchfeature=on", "pc-q35-7.2", &s10, &s72, &r));
}

/* host-model under TCG: libvirt's host-model is QEMU's max expansion */
static void test_host_model(void **state)
{
	const struct fix *f = *state;
	struct upgrade_side from = { "QEMU 7.2", f->ds72, NULL };
	struct upgrade_side to = { "QEMU 10.0", f->ds10, NULL };
	struct upgrade_report r;
	struct upgrade_guest in;
	struct guest_cpu *g = guest_cpu_new();
	struct err e;

	g->mode = MODE_HOST_MODEL;
	memset(&in, 0, sizeof(in));
	in.g = g;
	in.source = "host-model";
	in.machine = "pc-q35-7.2";
	err_clear(&e);
	assert_true(upgrade_check(&in, &from, &to, &r, &e));
	assert_true(r.to.host_model);
	assert_false(r.unchanged);
	assert_true(r.def_gained.n > 5);     /* 10.0's max has more */
	assert_int_equal(r.def_lost.n, 1);   /* and no pcommit */
	assert_string_equal(r.def_lost.v[0], "pcommit");
	assert_true(r.from.starts && r.to.starts);
	upgrade_report_fini(&r);
	guest_cpu_free(g);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_families, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tsx_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_feature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_model, setup, teardown),
	};

	return TEST_RUN("upgrade", tests, argc, argv);
}
