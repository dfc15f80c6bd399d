/* cpu_arg.c - the value of -cpu into a guest CPU (cpu_arg.h has the rules). */
#include "cpu_arg.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "feature.h"

#define ARG_FILE "-cpu"

/* QEMU's word for a model, feature or property name (qemu_name_ok()). */
static bool name_ok(const char *s, size_t n)
{
	char buf[QEMU_NAME_MAX + 2];

	if (!n || n > QEMU_NAME_MAX)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return qemu_name_ok(buf);
}

bool cpu_arg_name_ok(const char *s)
{
	return s && name_ok(s, strlen(s));
}

static bool value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* QEMU's boolean words; -1: not one. */
static int bool_word(const char *v)
{
	static const char *const on[] = { "on", "yes", "true" };
	static const char *const off[] = { "off", "no", "false" };

	for (size_t i = 0; i < ARRAY_LEN(on); i++) {
		if (!strcmp(v, on[i]))
			return 1;
		if (!strcmp(v, off[i]))
			return 0;
	}
	return -1;
}

void cpu_arg_fini(struct cpu_arg *a)
{
	if (!a)
		return;
	guest_cpu_free(a->g);
	a->g = NULL;
	vec_fini(&a->props, free);
}

struct item {
	char *text; /* owned */
	int col;    /* 1-based */
};

/* One item after the model: a feature, a legacy +/- feature, a known
 * option, or a property.  sign: items of the +/- form are applied last. */
static bool take_item(struct cpu_arg *a, const struct item *it, int pass, struct err *e)
{
	const char *t = it->text;
	const char *eq = strchr(t, '=');
	bool legacy = t[0] == '+' || t[0] == '-';
	size_t n;

	if (legacy) {
		if (pass != 1)
			return true;
		if (eq)
			return err_setcol(e, ARG_FILE, 1, it->col, "'%s': a +/- feature takes no value", t);
		if (!name_ok(t + 1, strlen(t + 1)))
			return err_setcol(e, ARG_FILE, 1, it->col, "'%s' is not a QEMU feature name (letters, digits, '-', "
				   "'_', '.')", t + 1);
		guest_cpu_set_policy(a->g, t + 1, t[0] == '+' ? POLICY_REQUIRE : POLICY_DISABLE);
		return true;
	}
	if (pass != 0)
		return true;
	n = eq ? (size_t)(eq - t) : strlen(t);
	char *name = xstrndup(t, n);
	const char *val = eq ? eq + 1 : NULL;
	bool ok = true;
	int b = val ? bool_word(val) : 1;

	if (!name_ok(name, n)) {
		ok = err_setcol(e, ARG_FILE, 1, it->col, "'%s' is not a QEMU name (letters, digits, '-', '_', '.'; "
			 "at most 64)", name);
	} else if (val && !*val) {
		ok = err_setcol(e, ARG_FILE, 1, it->col, "'%s=': no value", name);
	} else if (val && !value_ok(val)) {
		ok = err_setcol(e, ARG_FILE, 1, it->col, "the value of '%s' holds a control character", name);
	} else if (!strcmp(name, "enforce") || !strcmp(name, "check")) {
		if (b < 0)
			ok = err_setcol(e, ARG_FILE, 1, it->col, "'%s' takes on or off", name);
		else if (name[0] == 'e')
			a->enforce = b == 1;
		else
			a->check = b;
	} else if (!strcmp(name, "vendor")) {
		if (!val || strlen(val) != 12)
			ok = err_setcol(e, ARG_FILE, 1, it->col,
					"vendor= takes exactly 12 characters (got %zu)", val ? strlen(val) : 0);
		else {
			free(a->g->vendor_id);
			a->g->vendor_id = xstrdup(val);
		}
	} else if (!strcmp(name, "migratable")) {
		if (b < 0)
			ok = err_setcol(e, ARG_FILE, 1, it->col, "'%s' takes on or off", name);
		else
			a->g->migratable = b;
	} else if (b >= 0) {
		guest_cpu_set_policy(a->g, name, b ? POLICY_REQUIRE : POLICY_DISABLE);
	} else {
		vec_push(&a->props, xstrdup(t));
	}
	free(name);
	return ok;
}

bool cpu_arg_parse(const char *value, struct cpu_arg *out, struct err *e)
{
	struct vec items = VEC_INIT;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->check = -1;
	if (!value || !*value)
		return err_set(e, ARG_FILE, 0, "empty value (expected MODEL[,feature=on|off...])");
	for (const char *p = value;;) {
		size_t l = strcspn(p, ",");
		int col = (int)(p - value) + 1;
		if (!l) {
			ok = err_setcol(e, ARG_FILE, 1, col, "%s",
					p > value && p[0] == ',' ? "',,' (QEMU's escaped comma) is not "
					"accepted here" : "empty item");
			break;
		}
		struct item *it = xcalloc(1, sizeof(*it));
		it->text = xstrndup(p, l);
		it->col = col;
		vec_push(&items, it);
		if (!p[l])
			break;
		p += l + 1;
		if (!*p) {
			ok = err_setcol(e, ARG_FILE, 1, (int)(p - value) + 1, "empty item after the last ','");
			break;
		}
	}
	if (ok) {
		const struct item *m = items.v[0];
		out->g = guest_cpu_new();
		if (!name_ok(m->text, strlen(m->text))) {
			ok = err_setcol(e, ARG_FILE, 1, 1, "'%s' is not a CPU model name (letters, digits, '-', '_', '.'; "
				 "at most 64)", m->text);
		} else if (!strcmp(m->text, "host")) {
			out->g->mode = MODE_HOST_PASSTHROUGH;
		} else if (!strcmp(m->text, "max")) {
			out->g->mode = MODE_MAXIMUM;
		} else {
			out->g->mode = MODE_CUSTOM;
			out->g->model = xstrdup(m->text);
		}
		/* pass 0: name=value and bare names; pass 1: +/-, which win */
		for (int pass = 0; pass < 2 && ok; pass++)
			for (size_t i = 1; i < items.n && ok; i++)
				ok = take_item(out, items.v[i], pass, e);
	}
	for (size_t i = 0; i < items.n; i++) {
		struct item *it = items.v[i];
		free(it->text);
		free(it);
	}
	vec_fini(&items, NULL);
	if (!ok)
		cpu_arg_fini(out);
	return ok;
}
