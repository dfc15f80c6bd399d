/* v_upgrade.c - the explorer's upgrade pane and the grid's QEMU-versions
 * columns.
 *
 * The upgrade pane runs the upgrade check (src/logic/upgrade.h, the same
 * check and the same lines as `cpuscope upgrade`) on the guest in the
 * editor: from the data and host in use, on the machine type in use, to
 * a target that t cycles through: each bundled QEMU snapshot of the arch
 * (with that QEMU's own verdict), then each data/hosts file (with the data
 * in use).  The grid's "QEMU versions" columns (src/logic/grid_qemu.h, as
 * `cpuscope grid MODEL --qemu ...`) are the bundled snapshots, on the
 * family of the machine type in use; their call-outs are listed under the
 * grid.  The bundled snapshots are loaded the first time either needs
 * them, each in a session of its own.
 */
#include "app.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "err.h"
#include "grid_qemu.h"
#include "session.h"
#include "upgrade.h"

/* The upgrade pane's own state (v->private), which the grid's
 * QEMU-versions columns use too (app_grid_qemu). */
struct upgrade_ui {
	bool loaded;
	struct session **snaps;  /* the bundled snapshots of the arch, oldest first */
	char **paths;            /* their files (the sessions' options lend them) */
	struct host **hosts;     /* the host in use, loaded for each snapshot (or NULL) */
	char **host_src;         /* the file each was loaded from */
	size_t nsnaps;
	enum arch arch;
	bool target_set;
	size_t target;           /* < nsnaps: a snapshot; else an extra host */
	struct vec notes;        /* char *: the QEMU-versions grid's call-outs */
	char *key;               /* what the lines were made of */
	struct vec lines;        /* struct upg_line * */
	char *err;               /* why there is no report, or NULL */
	char *title;
	char *to_label;          /* the target's label when it is made here */
};

static struct upgrade_ui *ui_of(struct app *a)
{
	return a->views[V_UPGRADE].private;
}

static int cmp_ver(const void *x, const void *y)
{
	return str_natcmp(*(const char *const *)x, *(const char *const *)y);
}

static void snaps_free(struct upgrade_ui *u)
{
	for (size_t i = 0; i < u->nsnaps; i++) {
		host_free(u->hosts[i]);
		free(u->host_src[i]);
		session_free(u->snaps[i]);
		free(u->paths[i]);
	}
	free(u->snaps);
	free(u->paths);
	free(u->hosts);
	free(u->host_src);
	u->snaps = NULL;
	u->paths = NULL;
	u->hosts = NULL;
	u->host_src = NULL;
	u->nsnaps = 0;
}

/* data/qemu-VERSION-ARCH.json, each in a session of its own. */
static void load_snapshots(struct app *a, struct upgrade_ui *u)
{
	char suffix[64];
	struct vec vers = VEC_INIT;
	DIR *d;
	struct dirent *de;

	if (u->loaded && u->arch == a->ds->arch)
		return;
	snaps_free(u);
	u->loaded = true;
	u->arch = a->ds->arch;
	snprintf(suffix, sizeof(suffix), "-%s.json", arch_name(u->arch));
	d = opendir(a->s->datadir);
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name), sl = strlen(suffix);
		if (str_startswith(de->d_name, "qemu-") && l > 5 + sl && str_endswith(de->d_name, suffix))
			vec_push(&vers, xstrndup(de->d_name + 5, l - 5 - sl));
	}
	if (d)
		closedir(d);
	vec_sort(&vers, cmp_ver);
	u->snaps = xcalloc(vers.n + 1, sizeof(*u->snaps));
	u->paths = xcalloc(vers.n + 1, sizeof(*u->paths));
	u->hosts = xcalloc(vers.n + 1, sizeof(*u->hosts));
	u->host_src = xcalloc(vers.n + 1, sizeof(*u->host_src));
	for (size_t i = 0; i < vers.n; i++) {
		struct session_opts o;
		struct err e;
		memset(&o, 0, sizeof(o));
		char *path = xasprintf("%s/qemu-%s%s", a->s->datadir, (const char *)vers.v[i], suffix);
		o.snapshot = path;
		o.arch = arch_name(u->arch);
		o.cpu_map_dir = a->s->o.cpu_map_dir;
		struct session *s = session_new(&o);
		err_clear(&e);
		if (!session_load_data(s, &e)) {
			session_free(s);
			free(path);
			continue;
		}
		u->snaps[u->nsnaps] = s;
		u->paths[u->nsnaps++] = path;
	}
	vec_fini(&vers, free);
}

/* ---- the grid's QEMU-versions columns -------------------------------------------- */

struct grid *app_grid_qemu(struct app *a, const char *model, struct err *e)
{
	struct upgrade_ui *u = ui_of(a);
	struct grid_qemu_src *src;
	struct grid *g;

	load_snapshots(a, u);
	vec_fini(&u->notes, free);
	if (!u->nsnaps) {
		err_set(e, a->s->datadir, 0, "no bundled QEMU snapshots of %s here", arch_name(u->arch));
		return NULL;
	}
	src = xcalloc(u->nsnaps, sizeof(*src));
	for (size_t i = 0; i < u->nsnaps; i++)
		src[i].ds = u->snaps[i]->ds;
	g = grid_build_qemu(a->ft, src, u->nsnaps, a->md->machine, model, a->host, &u->notes, e);
	free(src);
	return g;
}

const struct vec *app_grid_notes(struct app *a)
{
	return &ui_of(a)->notes;
}

/* ---- the upgrade pane --------------------------------------------------------------- */

/* The host in use, as snapshot i's session reads it (its own feature
 * table): the same file, so both sides have the same reference.  NULL
 * when there is no host (QEMU's own verdict) or it is no file. */
static const struct host *snap_host(struct app *a, struct upgrade_ui *u, size_t i)
{
	const char *src = a->host ? a->host->source : NULL;
	struct err e;

	if (!src || !strcmp(src, "local CPUID"))
		return NULL;
	if (u->host_src[i] && !strcmp(u->host_src[i], src))
		return u->hosts[i];
	host_free(u->hosts[i]);
	free(u->host_src[i]);
	err_clear(&e);
	u->hosts[i] = session_host_load(u->snaps[i], src, &e);
	u->host_src[i] = xstrdup(src);
	return u->hosts[i];
}

static size_t ntargets(struct app *a, struct upgrade_ui *u)
{
	app_load_extra_hosts(a);
	return u->nsnaps + a->extra_hosts.n;
}

/* The first bundled QEMU that is not the data in use. */
static void default_target(struct app *a, struct upgrade_ui *u)
{
	if (u->target_set)
		return;
	u->target_set = true;
	u->target = 0;
	for (size_t i = u->nsnaps; i-- > 0;)
		if (!str_eq(u->snaps[i]->ds->qemu_version, a->ds->qemu_version)) {
			u->target = i;
			return;
		}
}

static void lines_reset(struct upgrade_ui *u)
{
	vec_fini(&u->lines, upg_line_free);
	free(u->err);
	u->err = NULL;
	free(u->title);
	u->title = NULL;
}

static void rebuild(struct app *a, struct upgrade_ui *u)
{
	struct upgrade_side from, to;
	struct upgrade_guest in;
	struct upgrade_report r;
	struct err e;
	char *xml, *key;

	load_snapshots(a, u);
	default_target(a, u);
	size_t n = ntargets(a, u);
	if (u->target >= n)
		u->target = 0;
	xml = emit_guest_xml(a->guest, a->ft, 0);
	key = xasprintf("%p %p %s %zu %s", (const void *)a->ds, (const void *)a->host,
			a->md ? a->md->machine : "", u->target, xml ? xml : "");
	free(xml);
	if (u->key && !strcmp(u->key, key)) {
		free(key);
		return;
	}
	free(u->key);
	u->key = key;
	lines_reset(u);
	if (!n) {
		u->err = xstrdup("nothing to compare with: no bundled QEMU snapshot and no host file "
				 "in data/hosts");
		return;
	}
	if (a->guest->mode == MODE_CUSTOM && !a->guest->model) {
		u->err = xstrdup("the guest editor has no model yet: Enter on a model in the list "
				 "puts it there");
		return;
	}
	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	from.label = a->host ? a->host_label : a->s->data_label;
	from.ds = a->ds;
	from.host = a->host;
	if (u->target < u->nsnaps) {
		to.host = snap_host(a, u, u->target);
		to.label = u->snaps[u->target]->data_label;
		to.ds = u->snaps[u->target]->ds;
		if (to.host) {
			free(u->to_label);
			u->to_label = xasprintf("%s with %s", a->host_label, to.label);
			to.label = u->to_label;
		}
	} else {
		to.label = a->extra_labels.v[u->target - u->nsnaps];
		to.ds = a->ds;
		to.host = a->extra_hosts.v[u->target - u->nsnaps];
	}
	memset(&in, 0, sizeof(in));
	in.g = a->guest;
	in.source = "the guest in the editor";
	in.machine = a->md ? a->md->machine : NULL;
	err_clear(&e);
	bool ok = upgrade_check(&in, &from, &to, &r, &e);
	free(u->title);
	u->title = xasprintf("Upgrade: to %s (%zu/%zu, t: next)", to.label, u->target + 1, n);
	if (!ok) {
		char buf[1200];
		u->err = xstrdup(err_str(&e, buf, sizeof(buf)));
		return;
	}
	upgrade_report_lines(&r, &u->lines);
	upgrade_report_fini(&r);
}

static int text_width(struct app *a)
{
	int w = a->views[V_UPGRADE].last.w;

	return w > 0 ? w - 1 : 60;
}

static enum role sev_role(enum upgrade_sev s)
{
	switch (s) {
	case UPG_BREAK: return R_BLOCKED;
	case UPG_CHANGE:
	case UPG_WARN: return R_WARN;
	case UPG_INFO:
	default: return R_DEFAULT;
	}
}

static void build(struct app *a, struct tlines *t)
{
	struct upgrade_ui *u = ui_of(a);
	int w = text_width(a);

	rebuild(a, u);
	if (u->err) {
		tlines_add(t, u->err, w, 0, R_WARN, 0);
		return;
	}
	for (size_t i = 0; i < u->lines.n; i++) {
		const struct upg_line *l = u->lines.v[i];
		char *s = NULL;
		enum role role = R_DEFAULT;
		int indent = 4;
		switch (l->role) {
		case UL_VERDICT:
			role = str_startswith(l->text, "UNCHANGED") ? R_GOOD :
			       l->sev == UPG_BREAK ? R_BLOCKED : R_WARN;
			indent = 2;
			break;
		case UL_HEADING:
			role = R_HEADER;
			indent = 0;
			break;
		case UL_ROW:
			if (!l->text[0])
				continue; /* the "from / to" header: the rows say it */
			s = str_eq(l->from, l->to) ? xasprintf("  %s: %s (both)", l->text, l->from) :
			    xasprintf("  %s: %s -> %s", l->text, l->from, l->to);
			break;
		case UL_LOST:
			s = xasprintf("  - %s", l->text);
			role = R_LACKS;
			break;
		case UL_GAINED:
			s = xasprintf("  + %s", l->text);
			role = R_PRESENT;
			break;
		case UL_FINDING:
			s = xasprintf("  %s %s", l->sev == UPG_BREAK ? "!" : l->sev == UPG_CHANGE ? "*" :
				      l->sev == UPG_WARN ? "~" : "-", l->text);
			role = sev_role(l->sev);
			break;
		case UL_STOP:
			s = xasprintf("  ! %s", l->text);
			role = R_BLOCKED;
			break;
		case UL_START:
			s = xasprintf("  + %s", l->text);
			role = R_GOOD;
			break;
		case UL_PIN:
			s = xasprintf("  - %s", l->text);
			break;
		case UL_CODE:
			s = xasprintf("    %s", l->text);
			role = R_XML_TAG;
			indent = 6;
			break;
		case UL_TEXT:
		case UL_BLANK:
		default:
			break;
		}
		tlines_add(t, s ? s : l->text, w, indent, role, i);
		free(s);
	}
}

static size_t upgrade_rows(struct view *v, struct app *a)
{
	struct tlines t = { 0 };
	size_t n;

	(void)v;
	build(a, &t);
	n = t.n;
	tlines_fini(&t);
	return n;
}

static void upgrade_draw(struct view *v, struct app *a, const struct rect *r, bool focused)
{
	struct tlines t = { 0 };
	struct rect b = { r->y + 1, r->x, r->h - 1, r->w };
	struct upgrade_ui *u = ui_of(a);

	build(a, &t);
	paint_fill_row(r, r->y, r->x, focused ? R_HEADER : R_DIM);
	paint_str(r, r->y, r->x, focused ? R_HEADER : R_DIM, u->title ? u->title : "Upgrade");
	tlines_draw(v, a, &t, &b, focused, true);
	tlines_fini(&t);
}

static unsigned upgrade_action(struct view *v, struct app *a, enum action act)
{
	struct upgrade_ui *u = ui_of(a);
	size_t n;

	if (act != ACT_UPGRADE_TARGET)
		return 0;
	load_snapshots(a, u);
	default_target(a, u);
	n = ntargets(a, u);
	if (n)
		u->target = (u->target + 1) % n;
	v->sel = v->top = 0;
	return RE_HANDLED | RE_REDRAW;
}

static bool upgrade_match(struct view *v, struct app *a, size_t row, const char *needle)
{
	struct tlines t = { 0 };
	bool m;

	(void)v;
	build(a, &t);
	m = row < t.n && str_icontains(t.v[row].s, needle);
	tlines_fini(&t);
	return m;
}

static void upgrade_done(struct view *v, struct app *a)
{
	struct upgrade_ui *u = v->private;

	(void)a;
	lines_reset(u);
	free(u->key);
	free(u->to_label);
	vec_fini(&u->notes, free);
	snaps_free(u);
}

const struct view_ops upgrade_ops = {
	.name = "upgrade",
	.title = "Upgrade",
	.keymap = KM_UPGRADE,
	.help = "What an upgrade does to the guest in the editor, as `cpuscope upgrade` says it: "
		"from the data and host in use, on the machine type in use, to another QEMU (each "
		"bundled snapshot, with that QEMU's own verdict) or another host (each data/hosts "
		"file, with the data in use); t picks the next. Per side: the machine type, the "
		"versioned model the name stands for, the features the guest gets, what QEMU drops, "
		"and whether it starts under enforce and under libvirt's check. Then what changes "
		"and why (machine type gone or deprecated, another version, what the accelerator or "
		"host provides, properties), the other models that stop or start, and what to pin "
		"to keep the guest identical.",
	.private_size = sizeof(struct upgrade_ui),
	.done = upgrade_done,
	.rows = upgrade_rows,
	.draw = upgrade_draw,
	.on_action = upgrade_action,
	.match = upgrade_match,
};
