/* probe_send.c - the QMP commands a process is sent, and the ids that
 * match replies to them (see probe_internal.h).
 *
 * Commands by position: caps, [machines, target], [defs, f0, s0, f1, s1,
 * ...], quit; ids "caps", "machines", "target", "defs", "fN"/"sN", "quit".
 */
#include "probe_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON string literal of s. */
static void sb_json_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*c);
		} else if (*c < 0x20) {
			sb_addf(sb, "\\u%04x", *c);
		} else {
			sb_addc(sb, (char)*c);
		}
	}
	sb_addc(sb, '"');
}

void proc_send(struct proc *p, const char *execute, const char *args, const char *id)
{
	sb_addf(&p->wq, "{\"execute\":\"%s\"", execute);
	if (args)
		sb_addf(&p->wq, ",\"arguments\":%s", args);
	sb_addf(&p->wq, ",\"id\":\"%s\"}\n", id);
	p->nsent++;
}

static void proc_grow_positions(struct proc *p, size_t npos)
{
	p->ans = xrealloc(p->ans, npos);
	memset(p->ans + p->npos, 0, npos - p->npos);
	p->npos = npos;
}

/* After the greeting: the first commands, all at once. */
void proc_send_initial(struct proc *p)
{
	size_t n = 1;

	proc_send(p, "qmp_capabilities", NULL, "caps");
	if (p->first) {
		proc_send(p, "query-machines", NULL, "machines");
		proc_send(p, "query-target", NULL, "target");
		n += 2;
	}
	p->base = n;
	if (p->want_cpu) {
		proc_send(p, "query-cpu-definitions", NULL, "defs");
		n++;
	}
	proc_grow_positions(p, n + 1); /* + quit, sent once everything is in */
	proc_flush(p);
}

/* After the definitions: every expansion, then quit. */
void proc_send_expansions(struct proc *p)
{
	struct strbuf args = STRBUF_INIT;
	char id[32];

	proc_grow_positions(p, p->base + 1 + 2 * p->nmodels + 1);
	for (size_t i = 0; i < p->nmodels; i++) {
		for (int k = 0; k < 2; k++) {
			sb_reset(&args);
			sb_addf(&args, "{\"type\":\"%s\",\"model\":{\"name\":", k ? "static" : "full");
			sb_json_str(&args, p->models[i]);
			sb_add(&args, "}}");
			snprintf(id, sizeof(id), "%c%zu", k ? 's' : 'f', i);
			proc_send(p, "query-cpu-model-expansion", sb_str(&args), id);
		}
	}
	sb_fini(&args);
	proc_flush(p);
}

/* Position of an id, or (size_t)-1. */
size_t proc_id_pos(const struct proc *p, const char *id)
{
	char *end = NULL;
	unsigned long long k;

	if (!strcmp(id, "caps"))
		return 0;
	if (p->first && !strcmp(id, "machines"))
		return 1;
	if (p->first && !strcmp(id, "target"))
		return 2;
	if (p->want_cpu && !strcmp(id, "defs"))
		return p->base;
	if (!strcmp(id, "quit"))
		return p->npos ? p->npos - 1 : (size_t)-1;
	if ((id[0] == 'f' || id[0] == 's') && id[1] >= '0' && id[1] <= '9' && p->want_cpu &&
	    p->models) {
		errno = 0;
		k = strtoull(id + 1, &end, 10);
		if (errno || *end || k >= p->nmodels)
			return (size_t)-1;
		return p->base + 1 + 2 * (size_t)k + (id[0] == 's');
	}
	return (size_t)-1;
}

/* What the process is waiting for: "query-cpu-definitions", ... */
void proc_step_name(const struct proc *p, struct strbuf *sb)
{
	size_t pos = p->cursor;

	if (!p->greeted) {
		sb_add(sb, "the QMP greeting");
		return;
	}
	if (pos >= p->nsent) {
		sb_add(sb, p->quit_answered || p->data_done ? "exit after quit" : "the next reply");
		return;
	}
	if (pos == 0) {
		sb_add(sb, "qmp_capabilities");
	} else if (p->first && pos == 1) {
		sb_add(sb, "query-machines");
	} else if (p->first && pos == 2) {
		sb_add(sb, "query-target");
	} else if (p->want_cpu && pos == p->base) {
		sb_add(sb, "query-cpu-definitions");
	} else if (p->want_cpu && pos > p->base && pos <= p->base + 2 * p->nmodels) {
		size_t k = pos - p->base - 1;

		sb_addf(sb, "query-cpu-model-expansion (%s, %s)", p->models[k / 2],
			k % 2 ? "static" : "full");
	} else {
		sb_add(sb, "quit");
	}
}
