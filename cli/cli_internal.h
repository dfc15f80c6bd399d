/* cli_internal.h - what the command modules of the CLI share.  Not a
 * public interface: only src/cli*.c include it. */
#ifndef CPUSCOPE_SRC_CLI_INTERNAL_H
#define CPUSCOPE_SRC_CLI_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include <json.h>

#include "cpu_map.h"
#include "err.h"
#include "feature.h"
#include "host.h"
#include "model.h"
#include "probe.h"
#include "session.h"
#include "util.h"

struct grid;

/* FMT_PLATFORM: one of platform.h's forms (build --format proxmox, ...), in platform. */
enum out_format { FMT_TEXT, FMT_JSON, FMT_XML, FMT_QEMU, FMT_PLATFORM, FMT_CSV };

struct cli {
	FILE *out;
	FILE *err;
	/* global options */
	const char *snapshot;
	const char *probe;
	const char *host_file;
	const char *libvirt_uri;
	const char *cpu_map_dir;
	const char *libvirt_version;
	const char *machine;
	const char *arch_s;
	const char *accel;
	const char *custom_file;
	bool local;
	enum out_format format;
	const char *format_s; /* as given; commands check what they accept */
	int platform;         /* enum platform of FMT_PLATFORM */
	/* what is loaded, and whose verdict it is (owned; cli_run makes it
	 * from the options above) */
	struct session *s;
	size_t warned; /* how many of the session's warnings were printed */
};

int cli_fail(struct cli *c, const char *fmt, ...) ATTR_FORMAT(2, 3);
int cli_fail_err(struct cli *c, const struct err *e);
void cli_warn(struct cli *c, const char *fmt, ...) ATTR_FORMAT(2, 3);
/* Load the feature table only / the QEMU data (table, dataset, machine) /
 * also the host / the cpu_map. */
int cli_load_ft(struct cli *c);
int cli_load_data(struct cli *c);
int cli_load_host(struct cli *c);
int cli_load_map(struct cli *c);
/* cli_load_data(), then the host when need_host (models, show, grid). */
int cli_load(struct cli *c, bool need_host);
struct host *cli_load_one_host(struct cli *c, const char *file, int *rc);
/* Expand a model-based host into its features (x86: the cpu_map, then
 * the bundled 11.3 map; s390x: QEMU's expansion of the model). */
int cli_resolve_host(struct cli *c, struct host *h);
const char *host_label(const struct cli *c);
void host_free_item(void *p); /* host_free() for vec_fini() */
void print_json(struct cli *c, json_object *o);
json_object *json_str_or_null(const char *s);
json_object *fset_names_json(const struct ftable *ft, const struct fset *s);
/* The names of s (QEMU's spelling) as sb_add_list() lists them, at most max. */
struct strbuf;
void fset_names_text(struct strbuf *sb, const struct ftable *ft, const struct fset *s, size_t max);
/* The names of s in libvirt's spelling into names (room for fset_count(s);
 * lent): those of the map in its order, then the rest.  Returns how many. */
size_t lv_feature_names(const struct cpu_map *map, const struct fset *s, const char **names);
/* A custom model (--custom) in JSON: {"base", "file", "line", "format"}. */
struct custom_model;
json_object *custom_json(const struct custom_model *cm);
/* Probe progress on err: a bar on a terminal, else a line every few seconds;
 * failures always.  cli_progress_end() clears the bar. */
struct cli_progress {
	FILE *err;
	bool quiet;
	bool tty;
	double t0;
	double last;
	bool bar_shown;
	struct probe_progress p;
};
void cli_progress_init(struct cli_progress *u, FILE *err, bool quiet);
void cli_progress_cb(void *ctx, const struct probe_progress *p);
void cli_progress_end(struct cli_progress *u);

/* The commands (commands.c's table runs them); argv[0] is the command
 * word, and cli_cmd_args has checked the options against the table. */
int cmd_models(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_grid(struct cli *c, int argc, char **argv);
int cmd_compare(struct cli *c, int argc, char **argv);
int cmd_build(struct cli *c, int argc, char **argv);
int cmd_baseline(struct cli *c, int argc, char **argv); /* src/cli_baseline.c */
int cmd_explain(struct cli *c, int argc, char **argv);  /* src/cli_explain.c */
int cmd_host(struct cli *c, int argc, char **argv);     /* cli/cli_host.c */
int cmd_upgrade(struct cli *c, int argc, char **argv);  /* cli/cli_upgrade.c */
/* grid MODEL --qemu LIST (cli/cli_upgrade.c): one session per entry of
 * qemus (bundled versions or snapshot files), the grid and its call-outs
 * (char *) into *g and notes; machines: one machine type per entry, or
 * empty.  cli_qemu_cols_fini() frees the sessions (after the grid). */
struct cli_qemu_cols {
	struct session **s;
	size_t n;
};
int cli_grid_qemu(struct cli *c, const char *model, const struct vec *qemus,
		  const struct vec *machines, struct cli_qemu_cols *qc, struct grid **g,
		  struct vec *notes);
void cli_qemu_cols_fini(struct cli_qemu_cols *qc);
int cmd_drift(struct cli *c, int argc, char **argv);    /* cli/cli_drift.c */
int cmd_fleet(struct cli *c, int argc, char **argv);    /* cli/cli_fleet.c */
/* fleet: cli/cli_fleet.c gathers the hosts and builds the report, which
 * cli/cli_fleet_text.c prints as text, cli/cli_fleet_json.c as JSON or CSV.
 * skipped: struct fleet_skipped *, the files of the directories that are not
 * hosts; guest_file: --guest's file, or NULL. */
struct fleet;
struct fleet_group;
struct fleet_skipped {
	char *file;
	char *why;
};
const char *cli_fleet_group_name(const struct fleet_group *g); /* its vendor, or "no vendor" */
void cli_fleet_text(struct cli *c, const struct vec *skipped, const struct fleet *f,
		    const char *guest_file);
void cli_fleet_json(struct cli *c, const struct vec *skipped, const struct fleet *f,
		    const char *guest_file);
void cli_fleet_csv(struct cli *c, const struct vec *skipped, const struct fleet *f);
/* s390x: compare and baseline are QEMU's answers (cli/cli_s390x.c) */
int cli_compare_s390x(struct cli *c, const char *file);
int cli_baseline_s390x(struct cli *c, const struct vec *files, bool features, bool migratable);

#endif
