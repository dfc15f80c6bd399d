/* upgrade_text.c - the upgrade report as lines (upgrade_report_lines: what
 * both front ends render) and as text (upgrade.h). */
#include "upgrade.h"
#include "upgrade_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_arg.h"
#include "err.h"
#include "explain.h"
#include "logic.h"

/* ---- text ----------------------------------------------------------------------- */

const char *upgrade_verdict(const struct upgrade_report *r)
{
	if (r->from.starts && !r->to.starts)
		return "NO LONGER STARTS";
	return r->unchanged ? "UNCHANGED" : "CHANGED";
}

static void row(struct strbuf *sb, const char *what, const char *a, const char *b)
{
	sb_addf(sb, "  %-18s %-38s %s\n", what, a, b);
}

static char *model_cell(const struct upgrade_end *x)
{
	if (x->machine_missing && !x->machine_replaced)
		return xstrdup("-");
	if (x->model_missing)
		return xasprintf("%s (missing)", x->model);
	if (x->host_model)
		return xstrdup("host-model");
	if (strcmp(x->model, x->resolved))
		return xasprintf("%s = %s%s", x->model, x->resolved, x->model_deprecated ? " (deprecated)" : "");
	return xasprintf("%s%s", x->model, x->model_deprecated ? " (deprecated)" : "");
}

static char *machine_cell(const struct upgrade_end *x)
{
	if (x->machine_missing && x->machine_replaced)
		return xasprintf("%s missing; %s", x->machine_asked, x->machine);
	if (x->machine_missing)
		return xasprintf("%s missing", x->machine_asked[0] ? x->machine_asked : "default");
	return xasprintf("%s%s", x->machine, x->machine_deprecated ? " (deprecated)" : "");
}

static char *drops_cell(const struct upgrade_end *x)
{
	struct vec names = VEC_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (!x->def)
		return xstrdup("-");
	if (!x->blockers_known)
		return xstrdup("? (nobody says what the host provides)");
	for (int id = fset_next(&x->blockers, 0); id >= 0; id = fset_next(&x->blockers, (unsigned)id + 1))
		vec_push(&names, ftable_get(x->ft, (unsigned)id)->name);
	vec_sort(&names, upg_cmp_names);
	if (!names.n)
		sb_add(&sb, "nothing");
	/* as many names as fit the column (36), then how many more */
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		size_t more = names.n - i - 1;
		size_t tail = more ? 14 : 0; /* ", ... (N more)" */
		if (i && sb.len + 2 + strlen(n) + tail > 36) {
			sb_addf(&sb, ", ... (%zu more)", names.n - i);
			break;
		}
		sb_addf(&sb, "%s%s", i ? ", " : "", n);
	}
	vec_fini(&names, NULL);
	return sb_take(&sb);
}

static void wrapped(struct strbuf *sb, const char *mark, const char *text);

static const char *sev_mark(enum upgrade_sev s)
{
	switch (s) {
	case UPG_BREAK: return "!";
	case UPG_CHANGE: return "*";
	case UPG_WARN: return "~";
	case UPG_INFO: default: return "-";
	}
}

void upgrade_text_item(struct strbuf *sb, const char *mark, const char *text)
{
	wrapped(sb, mark, text);
}

/* Wrap text at 78 columns, the first line after mark, the others indented. */
static void wrapped(struct strbuf *sb, const char *mark, const char *text)
{
	const size_t width = 78, indent = 4;
	size_t col = 0;
	const char *p = text;

	sb_addf(sb, "  %s ", mark);
	col = indent;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > indent && col + w > width) {
			sb_addf(sb, "\n%*s", (int)indent, "");
			col = indent;
		}
		sb_addn(sb, p, w);
		col += w;
		p += w;
		if (*p == ' ') {
			p++;
			if (*p && col + 1 + strcspn(p, " ") <= width) {
				sb_addc(sb, ' ');
				col++;
			} else if (*p) {
				sb_addf(sb, "\n%*s", (int)indent, "");
				col = indent;
			}
		}
	}
	sb_addc(sb, '\n');
}

/* ---- the report as lines -------------------------------------------------------- */

static void line(struct vec *out, enum upg_role role, enum upgrade_sev sev, const char *a,
		 const char *b, const char *fmt, ...) ATTR_FORMAT(6, 7);
static void line(struct vec *out, enum upg_role role, enum upgrade_sev sev, const char *a,
		 const char *b, const char *fmt, ...)
{
	struct upg_line *l = xcalloc(1, sizeof(*l));
	va_list ap;

	va_start(ap, fmt);
	l->role = role;
	l->sev = sev;
	l->text = xvasprintf(fmt, ap);
	l->from = a ? xstrdup(a) : NULL;
	l->to = b ? xstrdup(b) : NULL;
	va_end(ap);
	vec_push(out, l);
}

void upg_line_free(void *p)
{
	struct upg_line *l = p;

	if (!l)
		return;
	free(l->text);
	free(l->from);
	free(l->to);
	free(l);
}

static void row_line(struct vec *out, const char *what, char *a, char *b)
{
	line(out, UL_ROW, UPG_INFO, a, b, "%s", what);
	free(a);
	free(b);
}

void upgrade_report_lines(const struct upgrade_report *r, struct vec *out)
{
	const struct upgrade_end *a = &r->from, *b = &r->to;
	char qa[64], qb[64], w[64];
	bool alias = !a->host_model && strcmp(a->model, a->resolved);

	upg_qemu_name(a, qa, sizeof(qa));
	upg_qemu_name(b, qb, sizeof(qb));
	line(out, UL_VERDICT, r->worst, NULL, NULL, "%s: %s%s%s on %s, from %s to %s",
	     upgrade_verdict(r), a->host_model ? "host-model" : a->model, alias ? " = " : "",
	     alias ? a->resolved : "", a->machine, a->label, b->label);
	if (r->unchanged)
		line(out, UL_TEXT, UPG_INFO, NULL, NULL,
		     "The guest gets the same CPU and %s the same way on both sides.",
		     a->starts ? "starts" : "fails to start");
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_ROW, UPG_INFO, "from", "to", "%s", "");
	row_line(out, "QEMU", xstrdup(qa), xstrdup(qb));
	row_line(out, "machine type", machine_cell(a), machine_cell(b));
	row_line(out, "model", model_cell(a), model_cell(b));
	row_line(out, "features", xasprintf("%zu", fset_count(&a->features)),
		 b->def ? xasprintf("%zu", fset_count(&b->features)) : xstrdup("-"));
	row_line(out, "QEMU drops", drops_cell(a), drops_cell(b));
	row_line(out, "with enforce", xstrdup(upg_yes_no(a->starts_enforce)),
		 xstrdup(upg_yes_no(b->starts_enforce)));
	snprintf(w, sizeof(w), "libvirt (%s)", cpu_check_name(a->check));
	row_line(out, w, xstrdup(a->starts_libvirt ? "starts" : "refuses"),
		 xstrdup(b->starts_libvirt ? "starts" : "refuses"));
	if (r->lost.n || r->gained.n) {
		line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
		line(out, UL_HEADING, UPG_INFO, NULL, NULL, "The guest's CPU:");
		if (r->lost.n) {
			char *l = upg_list_str(&r->lost);
			line(out, UL_LOST, UPG_CHANGE, NULL, NULL, "loses %s", l);
			free(l);
		}
		if (r->gained.n) {
			char *l = upg_list_str(&r->gained);
			line(out, UL_GAINED, UPG_CHANGE, NULL, NULL, "gains %s", l);
			free(l);
		}
	}
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_HEADING, UPG_INFO, NULL, NULL, "What changes, and why:");
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct upgrade_finding *f = r->findings.v[i];
		line(out, UL_FINDING, f->sev, NULL, NULL, "%s", f->text);
	}
	if (r->stop_starting.n || r->start_starting.n) {
		line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
		line(out, UL_HEADING, UPG_INFO, NULL, NULL,
		     "Other models on %s (%zu on both sides, each by its own verdict):", b->machine,
		     r->models_compared);
		if (r->stop_starting.n) {
			char *l = upg_list_str(&r->stop_starting);
			line(out, UL_STOP, UPG_BREAK, NULL, NULL, "%zu stop starting: %s",
			     r->stop_starting.n, l);
			free(l);
		}
		if (r->start_starting.n) {
			char *l = upg_list_str(&r->start_starting);
			line(out, UL_START, UPG_CHANGE, NULL, NULL, "%zu start now: %s",
			     r->start_starting.n, l);
			free(l);
		}
	}
	line(out, UL_BLANK, UPG_INFO, NULL, NULL, "%s", "");
	line(out, UL_HEADING, UPG_INFO, NULL, NULL, "To keep the guest identical, pin:");
	if (!r->pins.n)
		line(out, UL_PIN, UPG_INFO, NULL, NULL, "nothing more: the guest names a versioned "
		     "model and machine type, and both sides provide the same");
	for (size_t i = 0; i < r->pins.n; i++)
		line(out, UL_PIN, UPG_INFO, NULL, NULL, "%s", (const char *)r->pins.v[i]);
	if (r->pin_cpu)
		line(out, UL_CODE, UPG_INFO, NULL, NULL, "-cpu %s", r->pin_cpu);
	if (r->pin_xml)
		for (const char *p = r->pin_xml; *p;) {
			size_t n = strcspn(p, "\n");
			line(out, UL_CODE, UPG_INFO, NULL, NULL, "%.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
}

static const char *line_mark(const struct upg_line *l)
{
	switch (l->role) {
	case UL_LOST: return "-";
	case UL_GAINED: return "+";
	case UL_STOP: return "!";
	case UL_START: return "+";
	case UL_PIN: return "-";
	case UL_FINDING: return sev_mark(l->sev);
	default: return "";
	}
}

void upgrade_report_text(const struct upgrade_report *r, struct strbuf *sb)
{
	struct vec lines = VEC_INIT;

	upgrade_report_lines(r, &lines);
	for (size_t i = 0; i < lines.n; i++) {
		const struct upg_line *l = lines.v[i];
		switch (l->role) {
		case UL_VERDICT:
		case UL_TEXT:
		case UL_HEADING:
		case UL_BLANK:
			sb_addf(sb, "%s\n", l->text);
			break;
		case UL_ROW:
			row(sb, l->text, l->from, l->to);
			break;
		case UL_CODE:
			sb_addf(sb, "    %s\n", l->text);
			break;
		default:
			wrapped(sb, line_mark(l), l->text);
			break;
		}
	}
	vec_fini(&lines, upg_line_free);
}
