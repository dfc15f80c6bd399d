/* v_hosts.c - the hosts pane: every loaded host with a mark to choose it
 * and libvirt's compare verdict for the guest CPU (glyph, colour and word),
 * and below it the details of the selected host's verdict (libvirt's
 * message, the responsible features) and the baseline of the chosen
 * hosts.  The answers come from hosts.c (the core's compare and baseline). */
#include "hosts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

#define VERDICT_W 15 /* glyph, space, "INCOMPATIBLE", space */

struct verdict_look {
	const char *word;
	enum glyph g;
	enum role role;
};

static struct verdict_look verdict_of(const struct host_row *r)
{
	if (r->have_cmp || r->have_qcmp) {
		switch (r->have_qcmp ? r->qcmp.result : r->cmp.result) {
		case CMP_IDENTICAL:
			return (struct verdict_look){ "IDENTICAL", G_IDENTICAL, R_GOOD };
		case CMP_SUPERSET:
			return (struct verdict_look){ "SUPERSET", G_SUPERSET, R_USABLE };
		case CMP_INCOMPATIBLE:
		default:
			return (struct verdict_look){ "INCOMPATIBLE", G_BLOCKED, R_BLOCKED };
		}
	}
	if (r->cmp_err)
		return (struct verdict_look){ "error", G_UNKNOWN, R_WARN };
	if (r->asking)
		return (struct verdict_look){ "asking QEMU", G_ELLIPSIS, R_DIM };
	return (struct verdict_look){ "-", G_NA, R_DIM };
}

static const char *kind_words(enum host_kind k)
{
	switch (k) {
	case HOST_CAPS: return "libvirt capabilities";
	case HOST_DOMCAPS: return "domcapabilities host-model";
	case HOST_CPU_XML: return "host <cpu>";
	case HOST_QMP: return "QMP expansion of 'host'";
	case HOST_CPUID: return "this CPU's CPUID";
	default: return "?";
	}
}

static const char *vendor_of(const struct host_row *r)
{
	return r->h && r->h->vendor ? r->h->vendor : "-";
}

static void file_label(const struct host_row *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", r->file, r->main ? " (this host)" : "");
}

static struct host_row *selected_host(struct app *a)
{
	struct hosts_state *hs = hosts_state(a);
	struct view *v = &a->views[V_HOSTS];

	if (!hs->n)
		return NULL;
	if (v->sel >= hs->n)
		v->sel = hs->n - 1;
	return &hs->rows[v->sel];
}

static void pane_title(const struct rect *r, bool focused, const char *title, const char *right)
{
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, title);
	if (right) {
		int w = str_width(right);
		if (r->w - w > str_width(title) + 1)
			paint_str(r, r->y, r->x + r->w - w, focused ? R_HEADER : R_DIM, right);
	}
}

/* ---- the list ------------------------------------------------------------ */

static void hosts_done(struct view *v, struct app *a)
{
	(void)v;
	app_hosts_fini(a);
}

static void hosts_refresh(struct view *v, struct app *a, unsigned re)
{
	(void)v;
	if ((re & RE_GUEST) && hosts_state(a)->built) {
		app_hosts_compare(a);
		/* the details show the new verdict from their top */
		a->views[V_HOSTINFO].sel = a->views[V_HOSTINFO].top = 0;
	}
}

static size_t hosts_rows(struct view *v, struct app *a)
{
	(void)v;
	return hosts_state(a)->n;
}

static void hosts_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct hosts_state *hs = hosts_state(a);
	char title[256], right[64], buf[512], fit[256];
	int avail = r->w - 4 - VERDICT_W;
	bool show_vendor = avail >= 30, show_model = avail >= 50;
	int mw = 0, vw = 0;

	/* as wide as the longest model and vendor (within limits) */
	for (size_t i = 0; i < hs->n; i++) {
		const struct host_row *h = &hs->rows[i];
		int m = str_width(h->model ? h->model : "-") + 1;
		int vn = str_width(vendor_of(h)) + 1;
		mw = m > mw ? m : mw;
		vw = vn > vw ? vn : vw;
	}
	mw = !show_model ? 0 : mw < 6 ? 6 : mw > 21 ? 21 : mw;
	vw = !show_vendor ? 0 : vw < 7 ? 7 : vw > 9 ? 9 : vw;

	if (a->guest->mode == MODE_CUSTOM && a->guest->model)
		snprintf(title, sizeof(title), "Hosts: can they run the guest CPU %s?", a->guest->model);
	else
		snprintf(title, sizeof(title), "Hosts: compare and baseline");
	snprintf(right, sizeof(right), " %zu/%zu chosen ", app_hosts_chosen(a), hs->n);
	pane_title(r, focused, title, right);

	/* column header */
	{
		int x = r->x;
		paint_fill_row(r, r->y + 1, r->x, R_DIM);
		x += paint_str(r, r->y + 1, x, R_DIM, "    ");
		snprintf(buf, sizeof(buf), "%-*s", VERDICT_W, "VERDICT");
		x += paint_str(r, r->y + 1, x, R_DIM, buf);
		if (show_model) {
			snprintf(buf, sizeof(buf), "%-*s", mw, "MODEL");
			x += paint_str(r, r->y + 1, x, R_DIM, buf);
		}
		if (show_vendor) {
			snprintf(buf, sizeof(buf), "%-*s", vw, "VENDOR");
			x += paint_str(r, r->y + 1, x, R_DIM, buf);
		}
		paint_str(r, r->y + 1, x, R_DIM, "FILE");
	}
	struct rect body = { r->y + 2, r->x, r->h - 2, r->w };
	v->page_rows = body.h > 0 ? body.h : 1;
	v->body_y = body.y;
	view_clamp(v, a);
	if (!hs->n) {
		paint_str(&body, body.y, body.x, R_DIM, "  (no hosts: give --host FILE, or put host XML "
			  "files into the data directory's hosts/)");
		return;
	}
	for (int i = 0; i < body.h; i++) {
		size_t row = v->top + (size_t)i;
		if (row >= hs->n)
			break;
		const struct host_row *h = &hs->rows[row];
		struct verdict_look look = verdict_of(h);
		bool sel = row == v->sel;
		enum role base = sel ? (focused ? R_SEL_FOCUS : R_SEL_UNFOCUS) : R_DEFAULT;
		int y = body.y + i, x = body.x;

		if (sel)
			paint_fill_row(&body, y, body.x, base);
		x += paint_str(&body, y, x, sel ? base : h->chosen ? R_POLICY : R_DIM,
			       h->chosen ? "[x] " : "[ ] ");
		snprintf(buf, sizeof(buf), "%s %-*s", glyph(look.g), VERDICT_W - 3, look.word);
		paint_str(&body, y, x, sel ? base : look.role, buf);
		x += VERDICT_W;
		if (show_model) {
			str_fit(h->model ? h->model : "-", mw - 1, fit, sizeof(fit));
			paint_str(&body, y, x, base, fit);
			x += mw;
		}
		if (show_vendor) {
			str_fit(vendor_of(h), vw - 1, fit, sizeof(fit));
			paint_str(&body, y, x, base, fit);
			x += vw;
		}
		file_label(h, buf, sizeof(buf));
		str_fit(buf, body.x + body.w - x, fit, sizeof(fit));
		paint_str(&body, y, x, sel ? base : h->main ? R_DEFAULT : R_DIM, fit);
	}
	if (v->top > 0)
		paint_str(&body, body.y, body.x + body.w - 1, R_DIM, glyph(G_MORE_UP));
	if (v->top + (size_t)body.h < hs->n)
		paint_str(&body, body.y + body.h - 1, body.x + body.w - 1, R_DIM, glyph(G_MORE_DOWN));
}

static unsigned hosts_action(struct view *v, struct app *a, enum action act)
{
	struct hosts_state *hs = hosts_state(a);
	struct view *lv = &a->views[V_HOSTS];
	struct host_row *h = NULL;
	size_t n;

	app_hosts_build(a); /* no-op once built (focusing the pane builds it) */
	h = selected_host(a);
	switch (act) {
	case ACT_CHOOSE_HOST:
		if (!h) {
			app_status(a, R_WARN, "no hosts to choose");
			return RE_HANDLED;
		}
		h->chosen = !h->chosen;
		n = app_hosts_chosen(a);
		app_status(a, R_DEFAULT, "%s %s (%zu chosen; b computes their baseline)",
			   h->chosen ? "chose" : "unchose", h->file, n);
		/* on to the next host, as file managers mark */
		if (v == lv && lv->sel + 1 < hs->n) {
			lv->sel++;
			view_clamp(lv, a);
		}
		return RE_HANDLED | RE_REDRAW;
	case ACT_CHOOSE_ALL: {
		bool all = hs->n && app_hosts_chosen(a) == hs->n;
		for (size_t i = 0; i < hs->n; i++)
			hs->rows[i].chosen = !all;
		app_status(a, R_DEFAULT, "%s (%zu chosen)", all ? "chose none" : "chose every host",
			   app_hosts_chosen(a));
		return RE_HANDLED | RE_REDRAW;
	}
	case ACT_BASELINE:
		n = app_hosts_chosen(a);
		if (!n) {
			app_status(a, R_WARN, "no host chosen: Space chooses the host under the cursor, "
				   "a every host");
			return RE_HANDLED;
		}
		app_hosts_baseline(a);
		hs->bl_fresh = true;
		if (app_hosts_busy(a))
			app_status(a, R_DEFAULT, "%s", ""); /* the status bar shows the question */
		else if (!hs->bl && !hs->qbl && !hs->bl_err)
			app_status(a, R_ERROR, "baseline: failed");
		else
			app_hosts_baseline_said(a);
		return RE_HANDLED | RE_REDRAW;
	case ACT_LOAD_BASELINE:
		if (!app_hosts_have_baseline(a)) {
			app_status(a, R_WARN, "no baseline yet: choose hosts (Space, a) and press b");
			return RE_HANDLED;
		}
		if (!app_hosts_load_baseline(a))
			return RE_HANDLED; /* the status says why */
		hs->bl_fresh = true;
		app_status(a, R_GOOD, "the guest editor (3) now holds the baseline, %s; u undoes",
			   a->guest->model ? a->guest->model : "-");
		return RE_HANDLED | RE_GUEST;
	default:
		return 0;
	}
}

static bool hosts_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	const struct host_row *h = &hosts_state(a)->rows[row];

	(void)v;
	return str_icontains(h->file, needle) || (h->model && str_icontains(h->model, needle)) ||
	       (h->h && h->h->vendor && str_icontains(h->h->vendor, needle));
}

/* The details follow the selected host: from their top. */
static unsigned hosts_select(struct view *v, struct app *a)
{
	(void)v;
	a->views[V_HOSTINFO].sel = a->views[V_HOSTINFO].top = 0;
	return RE_REDRAW;
}

const struct view_ops hosts_ops = {
	.name = "hosts",
	.title = "Hosts",
	.keymap = KM_HOSTS,
	.help = "Every loaded host: the one given with --host and the files in the data "
		"directory's hosts/, each with its libvirt model, vendor and file. The verdict is "
		"libvirt's CPU compare of the guest CPU you are building against that host: "
		"IDENTICAL (it provides exactly that CPU), SUPERSET (that CPU and more) or "
		"INCOMPATIBLE (it cannot run it); it follows every change in the guest editor. "
		"The details below show libvirt's message and the features responsible for the "
		"selected host's verdict. Space chooses hosts (a all or none), b computes their "
		"baseline - the CPU every chosen host can run, as virsh cpu-baseline gives it - and "
		"L loads it into the guest editor (u undoes). On s390x the verdicts and the baseline "
		"are QEMU's, asked as cpuscope compare and baseline ask them, and QEMU's own CPU is a "
		"row too; the status bar shows a question QEMU is answering (Esc gives it up). "
		"Verdict marks: = IDENTICAL, + SUPERSET, ! INCOMPATIBLE (\u2261, \u2287 and "
		"\u2717 on UTF-8 terminals).",
	.private_size = sizeof(struct hosts_state),
	.done = hosts_done,
	.refresh = hosts_refresh,
	.rows = hosts_rows,
	.draw = hosts_draw,
	.on_action = hosts_action,
	.match = hosts_match,
	.on_select = hosts_select,
};

/* ---- the details: the selected host's verdict, the baseline -------------- */

static char *feature_names(const struct guest_cpu *g, enum policy p, size_t *count)
{
	struct strbuf sb = STRBUF_INIT;

	*count = 0;
	for (size_t i = 0; i < g->features.n; i++) {
		const struct guest_feature *gf = g->features.v[i];
		if (gf->policy != p)
			continue;
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", gf->name);
		(*count)++;
	}
	return sb.s ? sb_take(&sb) : xstrdup("");
}

/* "a.xml, b.xml" of the hosts in which[] */
static char *host_list(const struct app *a, const bool *which, size_t *count)
{
	struct hosts_state *hs = hosts_state(a);
	struct strbuf sb = STRBUF_INIT;

	*count = 0;
	for (size_t i = 0; i < hs->n; i++) {
		if (!which[i])
			continue;
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", hs->rows[i].file);
		(*count)++;
	}
	return sb.s ? sb_take(&sb) : xstrdup("");
}

/* An XML document, a line per line, indented under its heading. */
static void add_xml(struct tlines *t, int w, const char *xml, size_t *src)
{
	for (const char *s = xml; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, len);
		tlines_add(t, line, w, 4, R_XML_TAG, (*src)++);
		free(line);
		s += len + (nl ? 1 : 0);
	}
}

static void add(struct tlines *t, int w, int indent, enum role role, size_t *src, const char *fmt, ...)
	ATTR_FORMAT(6, 7);

static void add(struct tlines *t, int w, int indent, enum role role, size_t *src, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tlines_add(t, s, w, indent, role, (*src)++);
	free(s);
}

/* s390x: QEMU's verdict in the words of `cpuscope compare` (s390x.h). */
static void qverdict_lines(struct app *a, const struct host_row *h, struct tlines *t, int w,
			   size_t *src)
{
	struct verdict_look look = verdict_of(h);
	const struct s390x_compare *r = &h->qcmp;
	char *answer = s390x_compare_answer(r);
	struct strbuf props = STRBUF_INIT;

	add(t, w, 2, look.role, src, "%s %s: it %s the guest CPU %s", glyph(look.g), look.word,
	    s390x_compare_how(r->result), a->guest->model ? a->guest->model :
	    cpu_mode_name(a->guest->mode));
	add(t, w, 2, R_DEFAULT, src, "verdict from %s", h->qsource);
	add(t, w, 2, R_DEFAULT, src, "%s", answer);
	for (size_t i = 0; i < r->responsible.n; i++)
		sb_addf(&props, "%s%s", i ? ", " : "", (const char *)r->responsible.v[i]);
	if (r->responsible.n)
		add(t, w, 2, r->result == CMP_INCOMPATIBLE ? R_LACKS : R_DEFAULT, src,
		    "responsible properties (%zu): %s", r->responsible.n, sb_str(&props));
	if (s390x_compare_note(r))
		add(t, w, 2, R_DIM, src, "%s", s390x_compare_note(r));
	if (h->qother)
		add(t, w, 2, R_WARN, src, "! %s", h->qother);
	sb_fini(&props);
	free(answer);
}

static void verdict_lines(struct app *a, struct tlines *t, int w, size_t *src)
{
	struct hosts_state *hs = hosts_state(a);
	const struct host_row *h = selected_host(a);
	const char *gm = a->guest->model ? a->guest->model : "-";

	if (!h) {
		add(t, w, 0, R_DIM, src, "no hosts loaded: give --host FILE, or put libvirt host XML "
		    "files into the data directory's hosts/");
		return;
	}
	add(t, w, 2, R_HEADER, src, "%s", h->file);
	if (h->h)
		add(t, w, 2, R_DEFAULT, src, "%s%s; model %s%s, vendor %s", kind_words(h->h->kind),
		    h->main ? " (this host)" : "", h->model ? h->model : "-",
		    h->decoded ? " (libvirt's decode of its features)" : "", vendor_of(h));
	else
		add(t, w, 2, R_DEFAULT, src, "QEMU's own CPU, as libvirt's host-model is made: %s",
		    h->qwhat ? h->qwhat : h->file);
	if (hs->note) {
		add(t, w, 2, R_DIM, src, "- no verdict: %s", hs->note);
		return;
	}
	if (h->cmp_err) {
		add(t, w, 2, R_WARN, src, "%s cannot compare: %s", glyph(G_UNKNOWN), h->cmp_err);
		return;
	}
	if (h->asking) {
		add(t, w, 2, R_DIM, src, "%s asking QEMU (query-cpu-model-comparison); the status bar "
		    "says who", glyph(G_ELLIPSIS));
		return;
	}
	if (h->have_qcmp) {
		qverdict_lines(a, h, t, w, src);
		return;
	}
	if (!h->have_cmp)
		return;
	struct verdict_look look = verdict_of(h);
	char *list = a->map ? cpu_map_feature_list(a->map, &h->cmp.responsible) : xstrdup("");
	size_t n = fset_count(&h->cmp.responsible);
	switch (h->cmp.result) {
	case CMP_IDENTICAL:
		add(t, w, 2, look.role, src, "%s %s: it provides exactly the guest CPU %s",
		    glyph(look.g), look.word, gm);
		break;
	case CMP_SUPERSET:
		if (h->cmp.how != CMP_HOW_COMPARE) /* libvirt 11 did not compare: no count */
			add(t, w, 2, look.role, src, "%s %s: it can run the guest CPU %s", glyph(look.g),
			    look.word, gm);
		else
			add(t, w, 2, look.role, src, "%s %s: it can run the guest CPU %s, and has %zu "
			    "feature%s more", glyph(look.g), look.word, gm, n, n == 1 ? "" : "s");
		if (n)
			add(t, w, 2, R_DEFAULT, src, "responsible features (%zu, beyond the guest CPU): %s",
			    n, list);
		break;
	case CMP_INCOMPATIBLE:
	default:
		add(t, w, 2, look.role, src, "%s %s: it cannot run the guest CPU %s", glyph(look.g),
		    look.word, gm);
		if (h->cmp.message)
			add(t, w, 2, R_BLOCKED, src, "libvirt: %s", h->cmp.message);
		if (n)
			add(t, w, 2, R_LACKS, src, "responsible features (%zu): %s", n, list);
		break;
	}
	{
		char *how = cmp_report_how(&h->cmp, a->guest);
		if (how)
			add(t, w, 2, R_DIM, src, "%s", how);
		free(how);
	}
	free(list);
}

static size_t baseline_lines(struct app *a, struct tlines *t, int w, size_t *src)
{
	struct hosts_state *hs = hosts_state(a);
	size_t first = t->n, n = 0, nreq = 0, ndis = 0;
	char *hosts = NULL;

	add(t, w, 0, R_HEADER, src, "Baseline of the chosen hosts (virsh %s)",
	    a->ds->arch == ARCH_S390X ? "hypervisor-cpu-baseline" : "cpu-baseline");
	if (hs->bq.job) {
		hosts = host_list(a, hs->bl_from, &n);
		add(t, w, 2, R_DIM, src, "%s asking QEMU (%s) for the baseline of the chosen hosts (%zu): "
		    "%s", glyph(G_ELLIPSIS), s390x_job_asking(hs->bq.job), n, hosts);
		free(hosts);
		return first;
	}
	if (!hs->bl && !hs->bl_err && !hs->qbl) {
		bool *chosen = xcalloc(hs->n + 1, sizeof(*chosen));
		for (size_t i = 0; i < hs->n; i++)
			chosen[i] = hs->rows[i].chosen;
		hosts = host_list(a, chosen, &n);
		free(chosen);
		if (n)
			add(t, w, 2, R_DEFAULT, src, "chosen (%zu): %s", n, hosts);
		add(t, w, 2, R_DIM, src, "Space chooses hosts (a: all or none); b computes the CPU every "
		    "chosen host can run; L loads it into the guest editor.");
		free(hosts);
		return first;
	}
	hosts = host_list(a, hs->bl_from, &n);
	if (hs->bl_err) {
		add(t, w, 2, R_BLOCKED, src, "%s no baseline: %s", glyph(G_BLOCKED), hs->bl_err);
		add(t, w, 2, R_DEFAULT, src, "of the chosen hosts (%zu): %s", n, hosts);
	} else if (hs->qbl) {
		/* s390x: QEMU's baseline, printed as virsh hypervisor-cpu-baseline prints it */
		add(t, w, 2, R_GOOD, src, "%s model %s (%zu features)", glyph(G_USABLE),
		    hs->qbl->cpu.name, hs->qbl->cpu.props.n);
		add(t, w, 2, R_DEFAULT, src, "runs on every chosen host (%zu): %s", n, hosts);
		add(t, w, 2, R_DEFAULT, src, "from %s", hs->qbl_source);
		if (hs->qbl_other)
			add(t, w, 2, R_WARN, src, "! %s", hs->qbl_other);
		add(t, w, 2, R_DIM, src, "L loads it into the guest editor (u undoes)");
		add_xml(t, w, hs->qbl->xml, src);
	} else {
		const struct guest_cpu *g = hs->bl->cpu;
		char *req = feature_names(g, POLICY_REQUIRE, &nreq);
		char *dis = feature_names(g, POLICY_DISABLE, &ndis);
		char *xml = emit_guest_xml(g, a->ft, 0);
		add(t, w, 2, R_GOOD, src, "%s model %s, vendor %s, fallback %s (%zu features)",
		    glyph(G_USABLE), g->model ? g->model : "-", g->vendor ? g->vendor : "-",
		    g->fallback ? cpu_fallback_name(g->fallback) : "-", fset_count(&hs->bl->features));
		add(t, w, 2, R_DEFAULT, src, "runs on every chosen host (%zu): %s", n, hosts);
		add(t, w, 2, R_DEFAULT, src, "require (%zu): %s", nreq, nreq ? req : "-");
		add(t, w, 2, R_DEFAULT, src, "disable (%zu): %s", ndis, ndis ? dis : "-");
		add(t, w, 2, R_DIM, src, "L loads it into the guest editor (u undoes)");
		add_xml(t, w, xml, src);
		free(req);
		free(dis);
		free(xml);
	}
	if (app_hosts_stale(a))
		add(t, w, 2, R_WARN, src, "! the chosen hosts changed since: b computes it again");
	free(hosts);
	return first;
}

static size_t hostinfo_build(struct app *a, struct tlines *t)
{
	int w = a->views[V_HOSTINFO].last.w > 0 ? a->views[V_HOSTINFO].last.w - 1 : 60;
	size_t src = 0;

	verdict_lines(a, t, w, &src);
	tlines_add(t, "", w, 0, R_DEFAULT, src++);
	return baseline_lines(a, t, w, &src);
}

static size_t hostinfo_rows(struct view *v, struct app *a)
{
	(void)v;
	struct tlines t = { 0 };
	size_t n;

	hostinfo_build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void hostinfo_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct hosts_state *hs = hosts_state(a);
	struct tlines t = { 0 };
	struct rect b = { r->y + 1, r->x, r->h - 1, r->w };
	size_t bl_line;

	pane_title(r, focused, "Compare and baseline", hs->bl_fresh || hs->bl || hs->bl_err ||
		   hs->qbl || hs->bq.job ? NULL : "b: baseline ");
	bl_line = hostinfo_build(a, &t);
	if (hs->bl_fresh) {
		/* just computed: show the baseline from its heading */
		v->sel = bl_line;
		v->top = bl_line;
		if (b.h > 0 && v->top + (size_t)b.h > t.n)
			v->top = t.n > (size_t)b.h ? t.n - (size_t)b.h : 0;
		if (v->top > bl_line)
			v->top = bl_line;
		hs->bl_fresh = false;
	}
	/* no empty rows below the end (after a resize made the lines fewer) */
	if (b.h > 0 && v->top + (size_t)b.h > t.n)
		v->top = t.n > (size_t)b.h ? t.n - (size_t)b.h : 0;
	tlines_draw(v, a, &t, &b, focused, focused);
	tlines_fini(&t);
}

static bool hostinfo_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
	hostinfo_build(a, &t);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

const struct view_ops hostinfo_ops = {
	.name = "compare",
	.title = "Compare and baseline",
	.keymap = KM_HOSTS,
	.help = "The selected host's compare verdict in detail: libvirt's message and the "
		"responsible features (for INCOMPATIBLE what the host lacks, has but the guest "
		"forbids, or has beyond a strict match; for SUPERSET what it has beyond the guest "
		"CPU). Below: the baseline of the chosen hosts as virsh cpu-baseline computes it - "
		"the model, vendor and features every chosen host can run, or why there is none "
		"(for example CPU vendors do not match). L loads it into the guest editor. On s390x: "
		"QEMU's answer, its responsible properties and who answered (a capture, a --probe "
		"QEMU or this machine's), and QEMU's baseline as virsh hypervisor-cpu-baseline "
		"prints it.",
	.rows = hostinfo_rows,
	.draw = hostinfo_draw,
	.on_action = hosts_action,
	.match = hostinfo_match,
};
