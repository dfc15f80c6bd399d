/* qemu_warnings.c - QEMU's "doesn't support requested feature" lines read
 * into features (qemu_warnings.h): by CPUID/MSR location and by name,
 * cross-checked.  Linear in the input (a fuzzing find: it was not). */
#include "qemu_warnings.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"
#include "util.h"

/* ---- QEMU warnings ------------------------------------------------------------ */

static bool parse_hex(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	size_t n = 0;

	while (isxdigit((unsigned char)p[n])) {
		int d = isdigit((unsigned char)p[n]) ? p[n] - '0' : tolower((unsigned char)p[n]) - 'a' + 10;
		v = v * 16 + (uint64_t)d;
		if (v > UINT32_MAX)
			return false;
		n++;
	}
	if (!n)
		return false;
	*out = (uint32_t)v;
	*pp = p + n;
	return true;
}

/* "H" or "h" after a hex number */
static bool skip_h(const char **pp)
{
	if (**pp != 'H' && **pp != 'h')
		return false;
	(*pp)++;
	return true;
}

static bool parse_reg(const char **pp, char reg[4])
{
	const char *p = *pp;

	if (tolower((unsigned char)p[0]) != 'e' || !strchr("abcdABCD", p[1]) || !p[1] ||
	    tolower((unsigned char)p[2]) != 'x')
		return false;
	reg[0] = 'e';
	reg[1] = (char)tolower((unsigned char)p[1]);
	reg[2] = 'x';
	reg[3] = '\0';
	*pp = p + 3;
	return true;
}

struct wloc {
	bool msr;
	uint32_t index;   /* leaf or MSR */
	bool has_sub;
	uint32_t sub;
	char reg[4];
	bool has_bit;
	unsigned bit;
	char name[128];
};

/* Parse one location starting at p ("CPUID..." or "MSR(...").  Fills l
 * and the end of the text it used. */
static bool parse_location(const char *p, struct wloc *l, const char **end)
{
	memset(l, 0, sizeof(*l));
	if (!strncmp(p, "CPUID[", 6)) {
		/* CPUID[eax=07h,ecx=00h].EBX (QEMU 10.1+) */
		p += 6;
		if (strncmp(p, "eax=", 4))
			return false;
		p += 4;
		if (!parse_hex(&p, &l->index) || !skip_h(&p))
			return false;
		if (!strncmp(p, ",ecx=", 5)) {
			p += 5;
			if (!parse_hex(&p, &l->sub) || !skip_h(&p))
				return false;
			l->has_sub = true;
		}
		if (strncmp(p, "].", 2))
			return false;
		p += 2;
		if (!parse_reg(&p, l->reg))
			return false;
	} else if (!strncmp(p, "CPUID.", 6)) {
		/* CPUID.07H:EBX (QEMU up to 10.0), CPUID.07H_00H:EBX */
		p += 6;
		if (!parse_hex(&p, &l->index) || !skip_h(&p))
			return false;
		if (*p == '_') {
			p++;
			if (!parse_hex(&p, &l->sub) || !skip_h(&p))
				return false;
			l->has_sub = true;
		}
		if (*p != ':')
			return false;
		p++;
		if (!parse_reg(&p, l->reg))
			return false;
	} else if (!strncmp(p, "MSR(", 4)) {
		p += 4;
		if (!parse_hex(&p, &l->index))
			return false;
		skip_h(&p);
		if (*p != ')')
			return false;
		p++;
		l->msr = true;
	} else {
		return false;
	}
	if (*p == '.') {
		size_t n = 0;
		p++;
		while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '[' && n + 1 < sizeof(l->name)) {
			l->name[n] = p[n];
			n++;
		}
		l->name[n] = '\0';
		p += n;
	}
	while (*p == ' ')
		p++;
	if (!strncmp(p, "[bit ", 5)) {
		char *e2 = NULL;
		unsigned long b = strtoul(p + 5, &e2, 10);
		if (e2 != p + 5 && *e2 == ']' && b < 64) {
			l->has_bit = true;
			l->bit = (unsigned)b;
			p = e2 + 1;
		}
	}
	*end = p;
	return l->has_bit || l->name[0];
}

/* Features at the location; with no subleaf given, any subleaf (QEMU
 * before 10.1 did not print it). */
static size_t features_at(const struct ftable *ft, const struct wloc *l, const struct feature **out,
			  size_t max)
{
	size_t n = 0, count = ftable_count(ft);

	if (!l->has_bit)
		return 0;
	for (size_t i = 0; i < count; i++) {
		const struct feature *f = ft->f[i];
		bool match;
		if (f->bit != l->bit)
			continue;
		if (l->msr) {
			match = f->loc == LOC_MSR && f->msr == l->index;
		} else {
			match = f->loc == LOC_CPUID && f->leaf == l->index && !strcmp(f->reg, l->reg);
			if (match && l->has_sub)
				match = (f->has_subleaf ? f->subleaf : 0) == l->sub;
		}
		if (match && n < max)
			out[n++] = f;
	}
	return n;
}

static void warning_free(void *p)
{
	struct qemu_warning *w = p;

	if (!w)
		return;
	free(w->text);
	free(w->accel);
	free(w->note);
	free(w);
}

/* Match location and name; fill w->f and the note. */
static void resolve_warning(struct ftable *ft, const struct wloc *l, struct qemu_warning *w)
{
	const struct feature *at[8];
	size_t nat = features_at(ft, l, at, ARRAY_LEN(at));
	const struct feature *byname = l->name[0] ? ftable_lookup(ft, l->name) : NULL;
	char locbuf[64];

	if (l->name[0] && !qemu_name_ok(l->name)) {
		/* QEMU never prints such a name; taken as it is, it would go into
		 * the -cpu value of the fix with options of its own */
		if (nat >= 1) {
			w->f = at[0];
			w->by_location = true;
		}
		w->note = xasprintf("'%s' is not a QEMU feature name (letters, digits, '-', '_', '.'); "
				    "%s", l->name, nat ? "taken by location" : "ignored");
		return;
	}

	if (byname) {
		for (size_t i = 0; i < nat; i++)
			if (at[i] == byname)
				w->by_location = true;
		w->by_name = true;
		w->f = byname;
		if (!w->by_location && nat)
			w->note = xasprintf("the location names %s, the name %s; taken by name", at[0]->name,
					    byname->name);
		else if (!w->by_location && l->has_bit && byname->loc != LOC_NONE)
			w->note = xasprintf("%s is at %s, not at the location given; taken by name",
					    byname->name, feature_location(byname, locbuf, sizeof(locbuf)));
		return;
	}
	if (nat >= 1) {
		/* several subleaves share the register bit: prefer subleaf 0 */
		const struct feature *pick = at[0];
		for (size_t i = 0; i < nat; i++)
			if (!at[i]->has_subleaf || at[i]->subleaf == 0) {
				pick = at[i];
				break;
			}
		w->f = pick;
		w->by_location = true;
		if (l->name[0])
			w->note = xasprintf("QEMU calls it '%s', which the feature table does not know; "
					    "taken by location", l->name);
		else if (nat > 1)
			w->note = xasprintf("the location is ambiguous (%zu features); took %s", nat,
					    pick->name);
		return;
	}
	if (l->name[0]) {
		w->f = ftable_get(ft, ftable_intern(ft, l->name));
		w->by_name = true;
		w->note = xasprintf("'%s' is not in the feature table (newer QEMU?)", l->name);
		return;
	}
	w->note = xstrdup("no known feature at this location");
}

/* "CPUID." / "CPUID[" / "MSR(" anywhere in the n bytes at p (NULs too). */
static bool has_location(const char *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if ((i + 6 <= n && (!memcmp(p + i, "CPUID.", 6) || !memcmp(p + i, "CPUID[", 6))) ||
		    !memcmp(p + i, "MSR(", 4))
			return true;
	return false;
}

/* A libvirt log's "starting up": what came before was another start. */
static void new_session(struct qemu_warnings *out, int line)
{
	vec_fini(&out->items, warning_free);
	fset_clear_all(&out->features);
	out->enforce = false;
	free(out->accel);
	out->accel = NULL;
	free(out->cpu);
	out->cpu = NULL;
	out->cpu_line = 0;
	out->session_line = line;
	out->sessions++;
}

/* The value after "-cpu" in a command line: libvirt's log writes one
 * argument per line ("-cpu Haswell,hle=off \"), a shell line has them
 * side by side; quotes go.  NULL when the line has no -cpu. */
static char *cpu_value(const char *ln)
{
	const char *p = ln, *v, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "-cpu ", 5)) {
		p = strstr(ln, " -cpu ");
		if (!p)
			return NULL;
		p++;
	}
	v = p + 5;
	while (*v == ' ')
		v++;
	if (*v == '\'' || *v == '"') {
		e = strchr(v + 1, *v);
		if (!e)
			return NULL;
		return e > v + 1 ? xstrndup(v + 1, (size_t)(e - v - 1)) : NULL;
	}
	for (e = v; *e && *e != ' ' && *e != '\t' && *e != '\r'; e++)
		;
	return e > v && strcmp(v, "\\") ? xstrndup(v, (size_t)(e - v)) : NULL;
}

bool qemu_warnings_parse(const char *file, const char *text, size_t len, struct ftable *ft,
			 struct qemu_warnings *out, struct err *e)
{
	const char *p = text, *end = text + len;
	int line = 0;
	size_t candidates = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *ln;
		const char *loc = NULL, *q = NULL;
		line++;
		/* A line that names a location is read and shown: it follows the
		 * text rule (a NUL in it cut the name, "h" for "h\0le"). */
		if (has_location(p, n)) {
			size_t k = n && p[n - 1] == '\r' ? n - 1 : n;
			if (!text_check("QEMU warning line", p, k, file, line, e)) {
				qemu_warnings_fini(out);
				return false;
			}
		}
		ln = xstrndup(p, n);
		p += n + (nl ? 1 : 0);
		if (strstr(ln, ": starting up libvirt version:"))
			new_session(out, line);
		if (!out->items.n && strstr(ln, "-cpu ")) {
			char *v = cpu_value(ln);
			if (v) {
				free(out->cpu);
				out->cpu = v;
				out->cpu_line = line;
			}
		}
		if (strstr(ln, "support requested features") && !strstr(ln, "feature:"))
			out->enforce = true;
		/* strpbrk, then compare only at a 'C' or 'M' */
		for (q = strpbrk(ln, "CM"); q; q = strpbrk(q + 1, "CM")) {
			if (!strncmp(q, "CPUID.", 6) || !strncmp(q, "CPUID[", 6) || !strncmp(q, "MSR(", 4)) {
				loc = q;
				break;
			}
		}
		if (!loc) {
			free(ln);
			continue;
		}
		candidates++;
		struct wloc l;
		const char *lend = NULL;
		if (!parse_location(loc, &l, &lend)) {
			free(ln);
			continue;
		}
		if (l.name[0] && !name_check("feature name", l.name, strlen(l.name), file, line, e)) {
			free(ln);
			qemu_warnings_fini(out);
			return false;
		}
		struct qemu_warning *w = xcalloc(1, sizeof(*w));
		w->line = line;
		w->text = xstrndup(loc, (size_t)(lend - loc));
		const char *sup = strstr(ln, " doesn't support requested feature");
		if (sup) {
			const char *s = sup;
			while (s > ln && s[-1] != ' ' && s[-1] != ':')
				s--;
			if (s < sup)
				w->accel = xstrndup(s, (size_t)(sup - s));
		}
		if (w->accel && !out->accel)
			out->accel = xstrdup(w->accel);
		resolve_warning(ft, &l, w);
		if (w->f)
			fset_add(&out->features, w->f->id);
		vec_push(&out->items, w);
		free(ln);
	}
	if (!out->items.n) {
		if (candidates)
			err_set(e, file, 0, "no QEMU feature warning could be read (expected lines like "
				"\"warning: TCG doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]\")");
		else
			err_set(e, file, 0, "no QEMU feature warnings found (expected lines like "
				"\"warning: TCG doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]\")");
		qemu_warnings_fini(out);
		return false;
	}
	return true;
}

void qemu_warnings_fini(struct qemu_warnings *w)
{
	if (!w)
		return;
	vec_fini(&w->items, warning_free);
	fset_fini(&w->features);
	free(w->accel);
	free(w->cpu);
	memset(w, 0, sizeof(*w));
}
