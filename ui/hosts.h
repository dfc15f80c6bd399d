/* hosts.h - the hosts pane's own state, shared by its two views (the list,
 * v_hosts.c, and the details below it) and its view-model (hosts.c).  It
 * lives in the hosts view's v->private. */
#ifndef CPUSCOPE_UI_HOSTS_H
#define CPUSCOPE_UI_HOSTS_H

#include "app.h"
#include "s390x.h"

/* One host of the hosts pane: the --host one, (s390x) QEMU's own CPU,
 * then data/hosts' files. */
struct host_row {
	const struct host *h; /* lent: a->host or an extra host; NULL: QEMU's own CPU (s390x) */
	const char *file;     /* lent: its file name (QEMU's own: label) */
	char *label;          /* QEMU's own: "QEMU's max for tcg" (owned), else NULL */
	char *model;          /* the libvirt model it names, or libvirt's decode of it; NULL: none */
	bool decoded;         /* model came from cpu_decode() */
	bool main;            /* the --host (or local) host */
	bool chosen;          /* for the baseline (Space) */
	bool have_cmp;        /* cmp holds cpu_compare()'s verdict */
	struct cmp_report cmp;
	char *cmp_err;        /* cpu_compare() (s390x: QEMU) failed: why (owned) */
	/* s390x: QEMU's answer (s390x.h), asked as `cpuscope compare` asks it */
	bool have_qcmp;
	struct s390x_compare qcmp;
	char *qsource;        /* who answered: "QEMU 7.2.22 on this machine (tcg):
			       * query-cpu-model-comparison" (owned) */
	char *qother;         /* the QEMU that answered is not the data's (owned), or NULL */
	char *qwhat;          /* QEMU's own: its CPU as QEMU was given it (owned), or NULL */
	bool asking;          /* the question waits for QEMU */
};

/* s390x: one QEMU and the job it serves, in the background (the event loop
 * polls app_hosts_pollfds()); started for a job, finished after it. */
struct hosts_qemu {
	struct s390x_qemu q;
	bool inited;
	struct s390x_job *job; /* owned, or NULL */
	bool waited;           /* the job waited for QEMU: say when it is done */
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
	/* s390x: QEMU's compare of each row and its baseline */
	struct hosts_qemu cq;       /* the compares, one row after another */
	size_t cq_row;              /* the row asked */
	struct s390x_cpu *qguest;   /* the guest CPU as QEMU gets it (owned), or NULL */
	struct hosts_qemu bq;       /* the baseline */
	struct s390x_baseline *qbl; /* the last baseline (owned), or NULL */
	struct guest_cpu *qbl_guest;/* it as a guest CPU, for L (owned), or NULL */
	char *qbl_source;           /* who answered (owned) */
	char *qbl_other;            /* the QEMU that answered is not the data's (owned), or NULL */
	char status[512];           /* what QEMU is asked, for the status bar */
};

struct hosts_state *hosts_state(const struct app *a);

void app_hosts_compare(struct app *a);  /* the verdicts, after the guest changed */
void app_hosts_baseline(struct app *a); /* of the chosen hosts, into bl / bl_err */
bool app_hosts_load_baseline(struct app *a);
bool app_hosts_have_baseline(const struct app *a); /* one to load (L) */
void app_hosts_baseline_said(struct app *a);       /* the status for the baseline's end */
size_t app_hosts_chosen(const struct app *a);
bool app_hosts_stale(const struct app *a); /* chosen hosts changed since the baseline */
void app_hosts_fini(struct app *a);

#endif
