/* cli_fleet.c - `cpuscope fleet FILE|DIR... [--guest FILE] [--what-if-add FILE]`:
 * the hosts (files, directories walked), the report of src/logic/fleet.h,
 * printed as text (cli_fleet_text.c), JSON or CSV (cli_fleet_json.c). */
#include "cli_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fleet.h"
#include "xml_cpu.h"

#define DIR_DEPTH_MAX 32

struct fleet_cli {
	struct cli *c;
	struct vec hosts;   /* struct host * (owned) */
	struct vec labels;  /* char * (owned) */
	struct vec skipped; /* struct fleet_skipped * */
	struct strmap seen_map; /* "dev:ino" of every file taken */
};

static void skipped_free(void *p)
{
	struct fleet_skipped *s = p;

	if (s) {
		free(s->file);
		free(s->why);
	}
	free(s);
}

static void skip(struct fleet_cli *fc, const char *file, const char *why)
{
	struct fleet_skipped *s = xcalloc(1, sizeof(*s));

	s->file = xstrdup(file);
	s->why = xstrdup(why);
	vec_push(&fc->skipped, s);
}

/* The same file twice (named twice, or by a directory and by name) is one host. */
static bool seen_before(struct fleet_cli *fc, const char *path)
{
	struct stat st;
	char key[64];

	if (stat(path, &st) != 0)
		return false;
	snprintf(key, sizeof(key), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (strmap_has(&fc->seen_map, key))
		return true;
	strmap_put(&fc->seen_map, key, NULL);
	return false;
}

/* One host file.  Named on the command line, a file must be a host of the
 * data's arch (an error otherwise); found in a directory, anything else is
 * skipped with the reason. */
static int take_file(struct fleet_cli *fc, const char *path, bool named)
{
	struct err e;
	struct host *h;

	if (seen_before(fc, path))
		return CLI_OK;
	err_clear(&e);
	h = session_host_load(fc->c->s, path, &e);
	if (!h) {
		char buf[2048];
		if (named)
			return cli_fail_err(fc->c, &e);
		/* the reason without the file name, which the note gives */
		if (e.line > 0)
			snprintf(buf, sizeof(buf), "line %d: %s", e.line, e.msg);
		else
			snprintf(buf, sizeof(buf), "%s", e.msg);
		skip(fc, path, buf);
		return CLI_OK;
	}
	vec_push(&fc->hosts, h);
	vec_push(&fc->labels, xstrdup(path));
	return CLI_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_str(void *p)
{
	free(p);
}

/* A directory, recursively, in name order; hidden entries are left out,
 * symbolic links to directories are not followed. */
static int take_dir(struct fleet_cli *fc, const char *dir, int depth)
{
	struct vec names = VEC_INIT;
	struct dirent *de;
	DIR *d;
	int rc = CLI_OK;

	if (depth > DIR_DEPTH_MAX) {
		skip(fc, dir, "directory nested too deep");
		return CLI_OK;
	}
	d = opendir(dir);
	if (!d)
		return cli_fail(fc->c, "%s: cannot read the directory", dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			vec_push(&names, xstrdup(de->d_name));
	closedir(d);
	vec_sort(&names, name_cmp);
	for (size_t i = 0; i < names.n && rc == CLI_OK; i++) {
		size_t n = strlen(dir);
		char *path = xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
				       (const char *)names.v[i]);
		struct stat st, lst;
		if (lstat(path, &lst) != 0 || stat(path, &st) != 0) {
			skip(fc, path, "cannot be read");
		} else if (S_ISDIR(st.st_mode)) {
			if (S_ISLNK(lst.st_mode))
				skip(fc, path, "a symbolic link to a directory (not followed)");
			else
				rc = take_dir(fc, path, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			skip(fc, path, file_type_name(st.st_mode));
		} else {
			rc = take_file(fc, path, false);
		}
		free(path);
	}
	vec_fini(&names, free_str);
	return rc;
}

/* ---- the command ---------------------------------------------------------------------------- */

int cmd_fleet(struct cli *c, int argc, char **argv)
{
	struct fleet_cli fc;
	struct vec args = VEC_INIT;
	const char *guest_file = NULL, *add_file = NULL;
	struct guest_cpu *guest = NULL;
	struct host *add = NULL;
	struct fleet *f = NULL;
	struct err e;
	int rc = CLI_OK;

	memset(&fc, 0, sizeof(fc));
	fc.c = c;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--guest") || !strcmp(a, "--what-if-add")) {
			if (i + 1 >= argc) {
				rc = cli_fail(c, "fleet: %s needs a file", a);
				goto out;
			}
			if (a[2] == 'g')
				guest_file = argv[++i];
			else
				add_file = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			rc = cli_fail(c, "fleet: unknown option '%s' (see cpuscope fleet --help)", a);
			goto out;
		} else {
			vec_push(&args, argv[i]);
		}
	}
	if (!args.n) {
		rc = cli_fail(c, "fleet: which hosts? (usage: cpuscope fleet FILE|DIR... [--guest "
			      "FILE] [--what-if-add FILE])");
		goto out;
	}
	if (c->format != FMT_TEXT && c->format != FMT_JSON && c->format != FMT_CSV) {
		rc = cli_fail(c, "fleet: --format takes text, json or csv");
		goto out;
	}
	if (c->host_file || c->local) {
		rc = cli_fail(c, "fleet: the hosts are the FILE and DIR arguments; --host and --local "
			      "do not apply (--what-if-add FILE adds one)");
		goto out;
	}
	rc = cli_load_data(c);
	if (rc != CLI_OK)
		goto out;
	if (c->s->arch != ARCH_X86_64) {
		rc = cli_fail(c, "fleet: only x86_64 is supported (libvirt keeps no %s CPU map)",
			      arch_name(c->s->arch));
		goto out;
	}
	rc = cli_load_map(c);
	if (rc != CLI_OK)
		goto out;
	for (size_t i = 0; i < args.n && rc == CLI_OK; i++) {
		const char *a = args.v[i];
		struct stat st;
		if (strcmp(a, "-") && stat(a, &st) == 0 && S_ISDIR(st.st_mode))
			rc = take_dir(&fc, a, 0);
		else
			rc = take_file(&fc, a, true);
	}
	if (rc != CLI_OK)
		goto out;
	if (!fc.hosts.n) {
		const struct fleet_skipped *s0 = fc.skipped.n ? fc.skipped.v[0] : NULL;
		if (!s0)
			rc = cli_fail(c, "fleet: no files in the directories given");
		else
			rc = cli_fail(c, "fleet: none of the %zu files found is an %s host (the first, "
				      "%s: %s)", fc.skipped.n, arch_name(c->s->arch), s0->file, s0->why);
		goto out;
	}
	err_clear(&e);
	if (guest_file) {
		guest = xml_guest_load(guest_file, &e);
		if (!guest) {
			rc = cli_fail_err(c, &e);
			goto out;
		}
	}
	if (add_file) {
		add = cli_load_one_host(c, add_file, &rc);
		if (!add)
			goto out;
	}
	struct fleet_input in = {
		.ds = c->s->ds,
		.md = c->s->md,
		.map = c->s->map,
		.lv = c->s->libvirt,
		.hosts = (const struct host *const *)fc.hosts.v,
		.labels = (const char *const *)fc.labels.v,
		.nhosts = fc.hosts.n,
		.guest = guest,
		.add = add,
		.add_label = add_file,
	};
	f = fleet_build(&in, &e);
	if (!f) {
		if (!e.file[0] && guest_file)
			snprintf(e.file, sizeof(e.file), "%s", guest_file);
		rc = cli_fail_err(c, &e);
		goto out;
	}
	if (c->format == FMT_JSON)
		cli_fleet_json(c, &fc.skipped, f, guest_file);
	else if (c->format == FMT_CSV)
		cli_fleet_csv(c, &fc.skipped, f);
	else
		cli_fleet_text(c, &fc.skipped, f, guest_file);
	rc = CLI_OK;
	if (f->have_guest && f->nstart < f->nhosts)
		rc = CLI_NEGATIVE;
out:
	fleet_free(f);
	guest_cpu_free(guest);
	host_free(add);
	vec_fini(&args, NULL);
	vec_fini(&fc.hosts, host_free_item);
	vec_fini(&fc.labels, free_str);
	vec_fini(&fc.skipped, skipped_free);
	strmap_fini(&fc.seen_map);
	return rc;
}
