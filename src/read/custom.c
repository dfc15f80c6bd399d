/* custom.c - custom CPU models from a Proxmox VE cpu-models.conf or a
 * [cpudef]-style file (custom.h has the grammars and their sources). */
#include "custom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"
#include "util.h"

#define CUSTOM_FILE_LIMIT (4u * 1024u * 1024u)

/* ---- lines ------------------------------------------------------------------ */

struct lines {
	const char *name; /* for errors */
	const char *p, *end;
	int lineno;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next line (without its newline) in *s, *n; false at the end.  A
 * NUL or control character is refused where the line's words are
 * checked (names and values), so a line may carry anything here. */
static bool next_line(struct lines *l, const char **s, size_t *n)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*s = l->p;
	*n = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	l->p = nl ? nl + 1 : l->end;
	l->lineno++;
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--; /* trailing blanks (and a CR of CRLF) */
	return true;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank(s[i]))
		i++;
	return i;
}

/* Blank, or a comment: a first non-blank character in comments. */
static bool is_nothing(const char *s, size_t n, const char *comments)
{
	size_t i = skip_blanks(s, n, 0);

	return i == n || (s[i] && strchr(comments, s[i]) != NULL);
}

/* ---- checks shared by both formats ----------------------------------------- */

static bool check_model_name(const char *what, const char *s, const char *file, int line,
			     struct err *e)
{
	if (!name_check(what, s, strlen(s), file, line, e))
		return false;
	if (!qemu_name_ok(s))
		return err_set(e, file, line, "%s '%s' is not one word of -cpu: QEMU's names are up "
			       "to %d letters, digits, '-', '_' and '.', starting with a letter or digit",
			       what, s, QEMU_NAME_MAX);
	return true;
}

/* A feature of the table by any spelling, or NULL with e set (the close
 * spellings suggested, as guest_build() suggests them). */
static const struct feature *table_feature(const struct ftable *ft, const char *name,
					   const char *file, int line, struct err *e)
{
	const struct feature *f;
	const char *sugg[3];
	size_t n;

	if (!name_check("feature name", name, strlen(name), file, line, e))
		return NULL;
	f = ftable_lookup(ft, name);
	if (f && !(f->flags & FEAT_UNKNOWN))
		return f;
	n = ftable_suggest(ft, name, sugg, 3);
	if (n) {
		struct strbuf sb = STRBUF_INIT;
		sb_add_list(&sb, sugg, n, n);
		err_set(e, file, line, "unknown feature '%s'; did you mean %s?", name, sb_str(&sb));
		sb_fini(&sb);
	} else {
		err_set(e, file, line, "unknown feature '%s': neither QEMU nor libvirt knows it", name);
	}
	return NULL;
}

/* A feature given once: twice (under any spelling), or on and off, is refused. */
static bool check_flag_once(const struct custom_model *m, const struct ftable *ft,
			    const char *name, const struct feature *f, bool on, const char *file,
			    int line, struct err *e)
{
	for (size_t i = 0; i < m->flags.n; i++) {
		const struct custom_flag *o = m->flags.v[i];
		const struct feature *of = o->kind == CFLAG_FEATURE ? ftable_lookup(ft, o->name) : NULL;
		bool same = f ? of == f : !strcmp(o->name, name);
		if (!same)
			continue;
		if (o->on != on)
			return err_set(e, file, line, "feature '%s' is both on and off in %s (line %d "
				       "turns it %s)", name, m->name, o->line, o->on ? "on" : "off");
		return err_set(e, file, line, "feature '%s' is given twice in %s (first at line %d%s%s)",
			       name, m->name, o->line, strcmp(o->name, name) ? " as " : "",
			       strcmp(o->name, name) ? o->name : "");
	}
	return true;
}

/* The closest of names to s (edit distance 1 or 2), or NULL. */
static const char *closest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bd = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = str_distance(s, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

static bool unknown_key(const char *what, const char *key, const char *const *keys, size_t n,
			const char *file, int line, struct err *e)
{
	const char *c = closest(key, keys, n);
	struct strbuf sb = STRBUF_INIT;

	if (c) {
		err_set(e, file, line, "unknown %s '%s'; did you mean '%s'?", what, key, c);
	} else {
		sb_add_list(&sb, keys, n, n);
		err_set(e, file, line, "unknown %s '%s' (expected one of %s)", what, key, sb_str(&sb));
		sb_fini(&sb);
	}
	return false;
}

/* An unsigned decimal number in [lo, hi]. */
static bool parse_uint(const char *s, long long lo, long long hi, long long *out)
{
	long long v = 0;

	if (!*s || strlen(s) > 12)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ---- Proxmox VE cpu-models.conf ---------------------------------------------- */

/* Properties of a cpu-model section (qemu-server's $cpu_fmt, less
 * cputype, which the header gives; level from PVE 9's API). */
static const char *const pve_keys[] = {
	"flags", "guest-phys-bits", "hidden", "hv-vendor-id", "level", "phys-bits", "reported-model",
};

/* PVE's booleans (pve-common JSONSchema.pm parse_boolean). */
static int pve_bool(const char *v)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };

	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!str_casecmp(v, yes[i]))
			return 1;
		if (!str_casecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/* Flag names: qemu-server's pattern [+-][a-zA-Z0-9\-_\.]+. */
static bool pve_flag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static bool pve_flags(struct custom_model *m, const struct ftable *ft, const char *v,
		      const char *file, int line, struct err *e)
{
	const char *p = v;

	for (;;) {
		size_t n = strcspn(p, ";");
		char *item = xstrndup(p, n);
		bool ok = n >= 2 && (item[0] == '+' || item[0] == '-');
		for (size_t i = 1; ok && i < n; i++)
			ok = pve_flag_char(item[i]);
		if (!ok) {
			err_set(e, file, line, "flags: '%s' is not +FLAG or -FLAG (Proxmox's format is "
				"+FLAG[;-FLAG...]: letters, digits, '-', '_' and '.')", item);
			free(item);
			return false;
		}
		const char *name = item + 1;
		bool on = item[0] == '+';
		enum custom_flag_kind kind = CFLAG_FEATURE;
		const struct feature *f = NULL;
		if (!strcmp(name, "nested-virt"))
			kind = CFLAG_NESTED_VIRT;
		else if (str_startswith(name, "hv-") || str_startswith(name, "hv_"))
			kind = CFLAG_HYPERV; /* checked against the QEMU data by the session */
		else if (!(f = table_feature(ft, name, file, line, e)))
			ok = false;
		if (ok && !check_flag_once(m, ft, name, f, on, file, line, e))
			ok = false;
		if (ok)
			custom_model_add_flag(m, name, on, kind, line);
		free(item);
		if (!ok)
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static bool pve_property(struct custom_model *m, const struct ftable *ft, const char *key,
			 const char *v, const char *file, int line, struct err *e)
{
	long long num;

	if (!strcmp(key, "hidden")) {
		int b = v ? pve_bool(v) : 1;
		if (b < 0)
			return err_set(e, file, line, "hidden: '%s' is not a boolean (1, 0, yes, no, on, "
				       "off, true or false)", v);
		m->hidden = b;
		return true;
	}
	if (!v)
		return err_set(e, file, line, "property '%s' needs a value", key);
	if (!strcmp(key, "reported-model")) {
		if (!check_model_name("reported-model", v, file, line, e))
			return false;
		free(m->base);
		m->base = xstrdup(v);
		m->base_given = true;
		m->base_line = line;
		return true;
	}
	if (!strcmp(key, "flags"))
		return pve_flags(m, ft, v, file, line, e);
	if (!strcmp(key, "hv-vendor-id")) {
		size_t n = strlen(v);
		bool ok = n >= 1 && n <= 12;
		for (size_t i = 0; ok && i < n; i++)
			ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
			     (v[i] >= '0' && v[i] <= '9');
		if (!ok)
			return err_set(e, file, line, "hv-vendor-id: '%s' is not 1 to 12 letters and "
				       "digits", v);
		m->hv_vendor_id = xstrdup(v);
		return true;
	}
	if (!strcmp(key, "phys-bits")) {
		/* pve-phys-bits: 'host' or an integer from 8 to 64 (one or two digits) */
		if (!strcmp(v, "host")) {
			m->phys_bits = 0;
			return true;
		}
		if (strlen(v) > 2 || !parse_uint(v, 8, 64, &num))
			return err_set(e, file, line, "phys-bits: '%s': the value must be an integer "
				       "from 8 to 64 or 'host'", v);
		m->phys_bits = (int)num;
		return true;
	}
	if (!strcmp(key, "guest-phys-bits")) {
		if (!parse_uint(v, 32, 64, &num))
			return err_set(e, file, line, "guest-phys-bits: '%s': the value must be an "
				       "integer from 32 to 64", v);
		m->guest_phys_bits = (int)num;
		return true;
	}
	/* level: QEMU's 'level' is a 32-bit number */
	if (!parse_uint(v, 0, 0xffffffffLL, &num))
		return err_set(e, file, line, "level: '%s': the value must be an integer from 0 to "
			       "4294967295", v);
	m->level = num;
	return true;
}

/* "TYPE: ID" (pve-common's ^(\S+):\s*(\S+)\s*$): type and id copied out.
 * The type ends at the last ':' of the first word ("cpu-model:foo" is
 * type cpu-model, id foo, as the regular expression reads it). */
static bool pve_header(const char *s, size_t n, char **type, char **id)
{
	size_t t = 0, c, a, b;

	while (t < n && !is_blank(s[t]))
		t++;
	for (c = t; c > 0 && s[c - 1] != ':'; c--)
		;
	if (c < 2)
		return false; /* no ':', or nothing before it */
	if (c < t) { /* "type:id" in one word */
		a = c;
		b = t;
	} else {
		a = skip_blanks(s, n, t);
		b = a;
		while (b < n && !is_blank(s[b]))
			b++;
	}
	if (a == b || skip_blanks(s, n, b) != n)
		return false;
	*type = xstrndup(s, c - 1);
	*id = xstrndup(s + a, b - a);
	return true;
}

static struct custom_set *parse_proxmox(struct lines *l, const struct ftable *ft, struct err *e)
{
	struct custom_set *set = custom_set_new(l->name, CUSTOM_PROXMOX);
	struct custom_model *m = NULL;
	int lines_of[ARRAY_LEN(pve_keys)];
	const char *s;
	size_t n;
	const char *file = l->name;

	memset(lines_of, 0, sizeof(lines_of));
	while (next_line(l, &s, &n)) {
		int line = l->lineno;
		if (n && skip_blanks(s, n, 0) < n && s[skip_blanks(s, n, 0)] == '#')
			continue; /* a comment, anywhere (it does not end a section) */
		if (is_nothing(s, n, "")) {
			m = NULL; /* a blank line ends the section */
			continue;
		}
		if (!m) {
			char *type = NULL, *id = NULL, *name;
			if (is_blank(s[0])) {
				err_set(e, file, line, "a property line outside a section (a section starts "
					"with 'cpu-model: NAME' at the start of a line)");
				goto fail;
			}
			if (!pve_header(s, n, &type, &id)) {
				char *text = xstrndup(s, n);
				err_set(e, file, line, "expected a section header 'cpu-model: NAME' (got "
					"'%s')", text);
				free(text);
				goto fail;
			}
			if (strcmp(type, "cpu-model")) {
				if (name_check("section type", type, strlen(type), file, line, e))
					err_set(e, file, line, "unknown section type '%s' (Proxmox's "
						"cpu-models.conf has only 'cpu-model: NAME' sections)", type);
				free(type);
				free(id);
				goto fail;
			}
			free(type);
			name = xasprintf("custom-%s", id);
			if (!name_check("custom model name", id, strlen(id), file, line, e) ||
			    !check_model_name("custom model name", name, file, line, e)) {
				free(id);
				free(name);
				goto fail;
			}
			const struct custom_model *prev = custom_set_find(set, name);
			if (prev) {
				err_set(e, file, line, "custom model '%s' is defined twice (first at line %d)",
					id, prev->line);
				free(id);
				free(name);
				goto fail;
			}
			if (set->models.n >= CUSTOM_MAX_MODELS) {
				err_set(e, file, line, "more than %d custom models", CUSTOM_MAX_MODELS);
				free(id);
				free(name);
				goto fail;
			}
			m = custom_set_add(set, name, id, line);
			m->base = xstrdup("kvm64"); /* qemu-server's default reported-model */
			free(id);
			free(name);
			memset(lines_of, 0, sizeof(lines_of));
			continue;
		}
		if (!is_blank(s[0])) {
			char *type = NULL, *id = NULL;
			bool hdr = pve_header(s, n, &type, &id);
			free(type);
			free(id);
			if (hdr)
				err_set(e, file, line, "a section header needs a blank line before it "
					"(Proxmox reads this line as part of %s and ignores it)", m->id);
			else
				err_set(e, file, line, "expected an indented 'KEY VALUE' line of %s, a blank "
					"line or a new section", m->id);
			goto fail;
		}
		size_t a = skip_blanks(s, n, 0), b = a;
		while (b < n && !is_blank(s[b]))
			b++;
		char *key = xstrndup(s + a, b - a);
		size_t c = skip_blanks(s, n, b);
		char *val = c < n ? xstrndup(s + c, n - c) : NULL;
		size_t k;
		bool ok = name_check("property name", key, strlen(key), file, line, e) &&
			  (!val || text_check("value", val, strlen(val), file, line, e));
		for (k = 0; ok && k < ARRAY_LEN(pve_keys) && strcmp(pve_keys[k], key); k++)
			;
		if (ok && k == ARRAY_LEN(pve_keys)) {
			if (!strcmp(key, "cputype"))
				err_set(e, file, line, "cputype: the section header names the model "
					"(cpu-model: NAME is cputype custom-NAME)");
			else
				unknown_key("property", key, pve_keys, ARRAY_LEN(pve_keys), file, line, e);
			ok = false;
		}
		if (ok && lines_of[k]) {
			err_set(e, file, line, "duplicate property '%s' in %s (first at line %d)", key,
				m->id, lines_of[k]);
			ok = false;
		}
		if (ok) {
			lines_of[k] = line;
			ok = pve_property(m, ft, key, val, file, line, e);
		}
		free(key);
		free(val);
		if (!ok)
			goto fail;
	}
	return set;
fail:
	custom_set_free(set);
	return NULL;
}

/* ---- [cpudef] files ------------------------------------------------------------ */

static const char *const cpudef_keys[] = { "add", "base", "name", "remove" };

/* "value" or value; quotes must pair. */
static bool unquote(char *v)
{
	size_t n = strlen(v);

	if (n && (v[0] == '"' || v[n - 1] == '"')) {
		if (n < 2 || v[0] != '"' || v[n - 1] != '"')
			return false;
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
	return true;
}

/* Features of an add/remove list: comma or blank separated. */
static bool cpudef_list(struct custom_model *m, const struct ftable *ft, const char *v, bool on,
			const char *file, int line, struct err *e)
{
	const char *p = v;

	while (*p) {
		size_t n = strcspn(p, ", \t");
		if (n) {
			char *name = xstrndup(p, n);
			const struct feature *f = table_feature(ft, name, file, line, e);
			bool ok = f && check_flag_once(m, ft, name, f, on, file, line, e);
			if (ok)
				custom_model_add_flag(m, name, on, CFLAG_FEATURE, line);
			free(name);
			if (!ok)
				return false;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	return true;
}

struct cpudef_sec {
	int line;             /* of [cpudef] */
	int lines_of[ARRAY_LEN(cpudef_keys)];
	char *vals[ARRAY_LEN(cpudef_keys)];
	int started;
};

static void sec_clear(struct cpudef_sec *sec)
{
	for (size_t k = 0; k < ARRAY_LEN(cpudef_keys); k++)
		free(sec->vals[k]);
	memset(sec, 0, sizeof(*sec));
}

/* A section read: its model into set. */
static bool cpudef_finish(struct custom_set *set, struct cpudef_sec *sec, const struct ftable *ft,
			  const char *file, struct err *e)
{
	enum { K_ADD, K_BASE, K_NAME, K_REMOVE };
	struct custom_model *m;
	const struct custom_model *prev;

	if (!sec->started)
		return true;
	if (!sec->vals[K_NAME])
		return err_set(e, file, sec->line, "[cpudef] has no name (name = MODEL)");
	if (!sec->vals[K_BASE])
		return err_set(e, file, sec->line, "[cpudef] %s has no base model (base = MODEL)",
			       sec->vals[K_NAME]);
	if ((prev = custom_set_find(set, sec->vals[K_NAME])))
		return err_set(e, file, sec->lines_of[K_NAME], "custom model '%s' is defined twice "
			       "(first at line %d)", prev->name, prev->line);
	if (set->models.n >= CUSTOM_MAX_MODELS)
		return err_set(e, file, sec->line, "more than %d custom models", CUSTOM_MAX_MODELS);
	m = custom_set_add(set, sec->vals[K_NAME], sec->vals[K_NAME], sec->line);
	m->base = xstrdup(sec->vals[K_BASE]);
	m->base_given = true;
	m->base_line = sec->lines_of[K_BASE];
	if (sec->vals[K_ADD] && !cpudef_list(m, ft, sec->vals[K_ADD], true, file,
					     sec->lines_of[K_ADD], e))
		return false;
	if (sec->vals[K_REMOVE] && !cpudef_list(m, ft, sec->vals[K_REMOVE], false, file,
						sec->lines_of[K_REMOVE], e))
		return false;
	return true;
}

static struct custom_set *parse_cpudef(struct lines *l, const struct ftable *ft, struct err *e)
{
	struct custom_set *set = custom_set_new(l->name, CUSTOM_CPUDEF);
	struct cpudef_sec sec;
	const char *s;
	size_t n;
	const char *file = l->name;

	memset(&sec, 0, sizeof(sec));
	while (next_line(l, &s, &n)) {
		int line = l->lineno;
		size_t a = skip_blanks(s, n, 0);
		if (is_nothing(s, n, "#;"))
			continue;
		if (s[a] == '[') {
			char *hdr = xstrndup(s + a, n - a);
			if (!cpudef_finish(set, &sec, ft, file, e)) {
				free(hdr);
				goto fail;
			}
			sec_clear(&sec);
			if (strcmp(hdr, "[cpudef]")) {
				if (text_check("section", hdr, strlen(hdr), file, line, e))
					err_set(e, file, line, "unknown section '%s' (a [cpudef]-style file "
						"has only [cpudef] sections)", hdr);
				free(hdr);
				goto fail;
			}
			free(hdr);
			sec.started = 1;
			sec.line = line;
			continue;
		}
		const char *eq = memchr(s, '=', n);
		if (!sec.started) {
			err_set(e, file, line, "a line outside a section (the file starts with [cpudef])");
			goto fail;
		}
		if (!eq) {
			err_set(e, file, line, "expected 'key = value' (name, base, add or remove)");
			goto fail;
		}
		size_t kb = a, ke = (size_t)(eq - s);
		while (ke > kb && is_blank(s[ke - 1]))
			ke--;
		size_t vb = skip_blanks(s, n, (size_t)(eq - s) + 1);
		char *key = xstrndup(s + kb, ke - kb);
		char *val = xstrndup(s + vb, n - vb);
		size_t k;
		bool ok = name_check("key", key, strlen(key), file, line, e) &&
			  text_check("value", val, strlen(val), file, line, e);
		if (ok && !unquote(val)) {
			err_set(e, file, line, "%s: unbalanced quotes in %s", key, val);
			ok = false;
		}
		for (k = 0; ok && k < ARRAY_LEN(cpudef_keys) && strcmp(cpudef_keys[k], key); k++)
			;
		if (ok && k == ARRAY_LEN(cpudef_keys)) {
			unknown_key("key", key, cpudef_keys, ARRAY_LEN(cpudef_keys), file, line, e);
			ok = false;
		}
		if (ok && sec.lines_of[k]) {
			err_set(e, file, line, "duplicate key '%s' (first at line %d)", key, sec.lines_of[k]);
			ok = false;
		}
		if (ok && !*val && (!strcmp(key, "name") || !strcmp(key, "base"))) {
			err_set(e, file, line, "%s needs a value", key);
			ok = false;
		}
		if (ok && !strcmp(key, "name"))
			ok = check_model_name("custom model name", val, file, line, e);
		if (ok && !strcmp(key, "base"))
			ok = check_model_name("base model", val, file, line, e);
		if (ok) {
			sec.lines_of[k] = line;
			sec.vals[k] = val;
			val = NULL;
		}
		free(key);
		free(val);
		if (!ok)
			goto fail;
	}
	if (!cpudef_finish(set, &sec, ft, file, e))
		goto fail;
	sec_clear(&sec);
	return set;
fail:
	sec_clear(&sec);
	custom_set_free(set);
	return NULL;
}

/* ---- entry points ------------------------------------------------------------ */

struct custom_set *custom_parse(const char *text, size_t len, const char *name,
				const struct ftable *ft, struct err *e)
{
	struct lines l = { name ? name : "<string>", text, text + len, 0 };
	struct lines sniff = l;
	const char *s, *nul = memchr(text, '\0', len);
	size_t n;

	if (nul) { /* names and values are checked as C strings: refuse a NUL first */
		int line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		err_set(e, l.name, line, "a NUL character in the line");
		return NULL;
	}
	while (next_line(&sniff, &s, &n)) {
		size_t a = skip_blanks(s, n, 0);
		if (is_nothing(s, n, "#;"))
			continue;
		if (s[a] == '[')
			return parse_cpudef(&l, ft, e);
		break;
	}
	return parse_proxmox(&l, ft, e);
}

struct custom_set *custom_load(const char *path, const struct ftable *ft, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct custom_set *set;

	if (!read_file_limited(path, CUSTOM_FILE_LIMIT, &text, &len, e))
		return NULL;
	set = custom_parse(text, len, path, ft, e);
	free(text);
	return set;
}
