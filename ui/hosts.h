/* hosts.h - the hosts pane's own state, shared by its two views (the list,
 * v_hosts.c, and the details below it) and its view-model (hosts.c).  It
 * lives in the hosts view's v->private. */
#ifndef CPUSCOPE_UI_HOSTS_H
#define CPUSCOPE_UI_HOSTS_H

#include "app.h"

/* One host of the hosts pane: the --host one, then data/hosts' files. */
struct host_row {
	const struct host *h; /* lent: a->host or an extra host */
	const char *file;     /* lent: its file name */
	char *model;          /* the libvirt model it names, or libvirt's decode of it; NULL: none */
	bool decoded;         /* model came from cpu_decode() */
	bool main;            /* the --host (or local) host */
	bool chosen;          /* for the baseline (Space) */
	bool have_cmp;        /* cmp holds cpu_compare()'s verdict */
	struct cmp_report cmp;
	char *cmp_err;        /* cpu_compare() failed: why (owned) */
};

/* The guest CPU against each loaded host, and the baseline. */
struct hosts_state {
	struct host_row *rows;
	size_t n;
	bool built;
	char *note;                 /* why no host has a verdict (mode, no model, no map), or NULL */
	struct baseline_result *bl; /* the last baseline computed, or NULL */
	char *bl_err;               /* the last baseline failed: why (owned), or NULL */
	bool *bl_from;              /* n: the hosts the last baseline (or error) is of */
	bool bl_fresh;              /* scroll the details to the baseline at the next paint */
};

struct hosts_state *hosts_state(const struct app *a);

void app_hosts_compare(struct app *a);  /* the verdicts, after the guest changed */
void app_hosts_baseline(struct app *a); /* of the chosen hosts, into bl / bl_err */
bool app_hosts_load_baseline(struct app *a);
size_t app_hosts_chosen(const struct app *a);
bool app_hosts_stale(const struct app *a); /* chosen hosts changed since the baseline */
void app_hosts_fini(struct app *a);

#endif
