/* probe_reply.c - the replies of one QEMU process (see probe_internal.h):
 * lines split from its QMP output, matched to commands by id, parsed into
 * the staged definitions and expansions; a known expansion reply text is
 * not parsed again.
 */
#include "probe_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "qmp_json.h"

/* Printable excerpt of bytes: up to max bytes, others as \xNN. */
static void sb_excerpt(struct strbuf *sb, const char *s, size_t len, size_t max)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
	if (len > max)
		sb_add(sb, "...");
}

static const char *json_str_member(const json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

void proc_free_staged(struct proc *p)
{
	for (size_t i = 0; i < p->nmodels; i++)
		free(p->models[i]);
	free(p->xfull);
	free(p->xstat);
	free(p->models);
	p->xfull = p->xstat = NULL;
	p->models = NULL;
	p->nmodels = 0;
	if (p->defs)
		json_object_put(p->defs);
	p->defs = NULL;
}

char *proc_file(const struct proc *p)
{
	return xasprintf("%s -machine %s", p->pr->label, p->machine);
}

static void proc_on_greeting(struct proc *p, json_object *obj)
{
	struct probe *pr = p->pr;
	json_object *qmp = NULL, *ver = NULL, *q = NULL, *v = NULL;

	if (p->greeted)
		return;
	p->greeted = true;
	if (pr->ds && !pr->ds->qemu_version && json_object_object_get_ex(obj, "QMP", &qmp) &&
	    json_object_object_get_ex(qmp, "version", &ver)) {
		long long maj = 0, min = 0, mic = 0;
		const char *pkg = json_str_member(ver, "package");

		if (json_object_object_get_ex(ver, "qemu", &q)) {
			if (json_object_object_get_ex(q, "major", &v))
				maj = json_object_get_int64(v);
			if (json_object_object_get_ex(q, "minor", &v))
				min = json_object_get_int64(v);
			if (json_object_object_get_ex(q, "micro", &v))
				mic = json_object_get_int64(v);
		}
		pr->ds->qemu_version = xasprintf("%lld.%lld.%lld", maj, min, mic);
		if (pkg && *pkg)
			pr->ds->qemu_package = xstrdup(pkg);
	}
	proc_send_initial(p);
}

static void proc_on_machines(struct proc *p, json_object *ret, int line)
{
	struct probe *pr = p->pr;
	struct err e;
	char *file = NULL;

	err_clear(&e);
	if (!pr->ds)
		return;
	file = proc_file(p);
	if (!qmp_read_machines(ret, file, line, &pr->ds->machines, &e)) {
		char buf[1600];

		free(file);
		proc_fail(p, "cannot read the query-machines reply: %s", err_str(&e, buf, sizeof(buf)));
		return;
	}
	free(file);
	probe_plan_machines(pr, true);
	probe_after_change(pr);
}

static void proc_on_target(struct proc *p, json_object *ret)
{
	struct probe *pr = p->pr;
	const char *arch = json_str_member(ret, "arch");
	enum arch a;

	if (!arch || !arch_parse(arch, &a)) {
		if (pr->target_only) {
			free(pr->fatal);
			pr->fatal = xasprintf("%s: QEMU reports an unsupported target arch '%s'",
					      pr->label, arch ? arch : "?");
		}
		return;
	}
	pr->target_arch = a;
	pr->target_known = true;
	if (pr->ft && a != pr->ft->arch && !pr->fatal)
		pr->fatal = xasprintf("%s: this QEMU emulates %s, not %s", pr->label, arch,
				      arch_name(pr->ft->arch));
}

static void proc_on_defs(struct proc *p, json_object *ret, int line)
{
	struct probe *pr = p->pr;
	size_t n;

	if (!json_object_is_type(ret, json_type_array)) {
		proc_fail(p, "query-cpu-definitions did not return a list");
		return;
	}
	n = json_object_array_length(ret);
	p->models = xcalloc(n ? n : 1, sizeof(*p->models));
	for (size_t i = 0; i < n; i++) {
		const char *name = json_str_member(json_object_array_get_idx(ret, i), "name");

		if (!name) {
			proc_fail(p, "query-cpu-definitions entry %zu has no name", i + 1);
			return;
		}
		p->models[p->nmodels++] = xstrdup(name);
	}
	/* Read the definitions now (into a scratch dataset): this checks them
	 * before any expansion is asked, and interns the feature names they
	 * mention (e.g. "kvm" in unavailable-features under TCG) before the
	 * first expansion is parsed, so every expansion of the probe sees the
	 * same feature table. */
	if (pr->ft) {
		struct dataset *scratch = dataset_new(pr->ft->arch, pr->ft);
		char *file = proc_file(p);
		struct err e;

		err_clear(&e);
		if (!qmp_read_definitions(ret, file, p->lineno, dataset_mdata(scratch, p->machine),
					  pr->ft, &e)) {
			char buf[1600];

			free(file);
			dataset_free(scratch);
			proc_fail(p, "cannot read the query-cpu-definitions reply: %s",
				  err_str(&e, buf, sizeof(buf)));
			return;
		}
		free(file);
		dataset_free(scratch);
	}
	p->xfull = xcalloc(n ? n : 1, sizeof(*p->xfull));
	p->xstat = xcalloc(n ? n : 1, sizeof(*p->xstat));
	p->defs = json_object_get(ret);
	p->defs_line = p->lineno;
	(void)line;
	if (!pr->nmodels_est) {
		/* Now the estimate can be made for every machine type. */
		size_t before = proc_cmd_estimate(pr, false, true);

		pr->nmodels_est = n;
		pr->cmds_total += (proc_cmd_estimate(pr, false, true) - before) * pr->total;
	}
	probe_report(pr, "expansions", p->machine, NULL);
	proc_send_expansions(p);
}

static void proc_on_expansion(struct proc *p, size_t k, bool stat, json_object *ret,
			      const char *error_desc, int line)
{
	struct probe *pr = p->pr;
	struct expansion *x = NULL;
	struct err e;
	char buf[1600];
	char *file = NULL;

	p->nexp_answered++;
	if (!error_desc) {
		err_clear(&e);
		file = proc_file(p);
		if (qmp_read_expansion(ret, file, line, pr->ft, &x, &e)) {
			struct reply_entry *re = xcalloc(1, sizeof(*re));

			re->x = x;
			re->idx = -1;
			vec_push(&pr->entries, re);
			if (p->cur_key[0])
				strmap_put(&pr->replies, p->cur_key, re);
			if (stat)
				p->xstat[k] = re;
			else
				p->xfull[k] = re;
			free(file);
			return;
		}
		free(file);
		error_desc = err_str(&e, buf, sizeof(buf));
	}
	char *item = xasprintf("%s/%s/%s", p->machine, p->models[k], stat ? "static" : "full");
	char *msg = xasprintf("%s: %s (%s): %s", p->machine, p->models[k],
			      stat ? "static" : "full", error_desc);

	probe_add_missing(pr, item);
	probe_report(pr, "expansions", p->machine, msg);
	free(item);
	free(msg);
}

static void proc_check_done(struct proc *p)
{
	if (p->data_done || p->finished)
		return;
	if (p->want_cpu ? (p->models && p->nexp_answered == 2 * p->nmodels) :
			  (p->greeted && p->cursor >= (p->first ? 3u : 1u))) {
		/* quit only now: QEMU drops output still buffered when it exits, so
		 * a pipelined quit could lose the last replies when our end of the
		 * pipe lags behind. */
		p->data_done = true;
		proc_send(p, "quit", NULL, "quit");
		proc_flush(p);
		probe_after_change(p->pr);
	}
}

static void proc_mark_answered(struct proc *p, size_t pos)
{
	p->ans[pos] = 1;
	while (p->cursor < p->nsent && p->ans[p->cursor])
		p->cursor++;
	p->pr->cmds_done++;
	p->deadline = probe_now() + p->pr->timeout;
}

/* A reply object with an id. */
static void proc_on_reply(struct proc *p, json_object *obj, const char *id)
{
	json_object *ret = NULL, *error = NULL;
	const char *desc = NULL;
	size_t pos = proc_id_pos(p, id);

	if (pos == (size_t)-1 || pos >= p->nsent || p->ans[pos]) {
		struct strbuf sb = STRBUF_INIT;

		sb_excerpt(&sb, id, strlen(id), 40);
		proc_fail(p, "QEMU replied to an unknown command id %s", sb_str(&sb));
		sb_fini(&sb);
		return;
	}
	proc_mark_answered(p, pos);
	if (json_object_object_get_ex(obj, "error", &error)) {
		desc = json_str_member(error, "desc");
		if (!desc)
			desc = "(no description)";
	} else {
		json_object_object_get_ex(obj, "return", &ret);
	}

	if (pos == 0) {
		if (desc)
			proc_fail(p, "qmp_capabilities failed: %s", desc);
	} else if (p->first && pos == 1) {
		if (desc)
			proc_fail(p, "query-machines failed: %s", desc);
		else
			proc_on_machines(p, ret, p->lineno);
	} else if (p->first && pos == 2) {
		if (!desc)
			proc_on_target(p, ret);
	} else if (p->want_cpu && pos == p->base) {
		if (desc)
			proc_fail(p, "query-cpu-definitions failed: %s", desc);
		else
			proc_on_defs(p, ret, p->lineno);
	} else if (pos == p->npos - 1 && !strcmp(id, "quit")) {
		p->quit_answered = true;
	} else {
		size_t k = pos - p->base - 1;

		proc_on_expansion(p, k / 2, k % 2, ret, desc, p->lineno);
	}
	if (!p->finished)
		proc_check_done(p);
}

static void proc_garbage(struct proc *p, const char *line, size_t len, const char *why)
{
	struct strbuf step = STRBUF_INIT, ex = STRBUF_INIT;

	proc_step_name(p, &step);
	sb_excerpt(&ex, line, len, 60);
	proc_fail(p, "QEMU printed %s on its QMP output while waiting for %s: %s", why,
		  sb_str(&step), sb_str(&ex));
	sb_fini(&step);
	sb_fini(&ex);
}

/* An expansion reply ends in `, "id": "f12"}` (QEMU puts the id last).
 * Key its text without the id; a known key needs no parsing. */
static bool proc_fast_reply(struct proc *p, const char *line, size_t len)
{
	static const char tag[] = ", \"id\": \"";
	const size_t taglen = sizeof(tag) - 1;
	size_t q, idlen;
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	char id[24];
	struct reply_entry *re;
	size_t pos;

	p->cur_key[0] = '\0';
	if (!p->models || p->data_done || len < taglen + 4 || line[len - 1] != '}' ||
	    line[len - 2] != '"')
		return false;
	q = len - 3;
	while (q > 0 && line[q] != '"' && len - 2 - q < sizeof(id))
		q--;
	if (line[q] != '"' || q < taglen - 1)
		return false;
	if (memcmp(line + q + 1 - taglen, tag, taglen) != 0)
		return false;
	idlen = len - 2 - (q + 1);
	if (idlen < 2 || idlen >= sizeof(id) || (line[q + 1] != 'f' && line[q + 1] != 's'))
		return false;
	memcpy(id, line + q + 1, idlen);
	id[idlen] = '\0';
	for (size_t i = 0; i < q + 1 - taglen; i++) {
		h1 = (h1 ^ (unsigned char)line[i]) * 0x100000001b3ull;
		h2 = (h2 ^ (unsigned char)line[i]) * 0x100000001b3ull;
		h2 ^= h2 >> 29;
	}
	snprintf(p->cur_key, sizeof(p->cur_key), "%016llx%016llx%c",
		 (unsigned long long)h1, (unsigned long long)h2, id[0]);
	re = strmap_get(&p->pr->replies, p->cur_key);
	if (!re)
		return false;
	pos = proc_id_pos(p, id);
	if (pos == (size_t)-1 || pos >= p->nsent || p->ans[pos] || pos <= p->base)
		return false; /* let the slow path report it */
	p->lineno++;
	proc_mark_answered(p, pos);
	p->nexp_answered++;
	if (id[0] == 's')
		p->xstat[(pos - p->base - 1) / 2] = re;
	else
		p->xfull[(pos - p->base - 1) / 2] = re;
	proc_check_done(p);
	return true;
}

static void proc_on_line(struct proc *p, const char *line, size_t len)
{
	json_object *obj = NULL, *idv = NULL;
	enum json_tokener_error jerr;

	p->lineno++;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	if (proc_fast_reply(p, line, len))
		return;
	if (len > INT_MAX) {
		proc_garbage(p, line, len, "an oversized line");
		return;
	}
	json_tokener_reset(p->tok);
	obj = json_tokener_parse_ex(p->tok, line, (int)len);
	jerr = json_tokener_get_error(p->tok);
	if (!obj || jerr != json_tokener_success || json_tokener_get_parse_end(p->tok) != len ||
	    !json_object_is_type(obj, json_type_object)) {
		if (obj)
			json_object_put(obj);
		proc_garbage(p, line, len, "something that is not a QMP message");
		return;
	}
	if (json_object_object_get_ex(obj, "QMP", NULL)) {
		proc_on_greeting(p, obj);
	} else if (json_object_object_get_ex(obj, "event", NULL)) {
		/* events (SHUTDOWN, ...) are not replies */
	} else if (!p->greeted) {
		proc_garbage(p, line, len, "a message before its greeting");
	} else if (json_object_object_get_ex(obj, "id", &idv) &&
		   (json_object_object_get_ex(obj, "return", NULL) ||
		    json_object_object_get_ex(obj, "error", NULL))) {
		if (json_object_is_type(idv, json_type_string)) {
			proc_on_reply(p, obj, json_object_get_string(idv));
		} else {
			proc_fail(p, "QEMU replied with an id that is not a string");
		}
	} else if (json_object_object_get_ex(obj, "error", &idv)) {
		const char *desc = json_str_member(idv, "desc");

		proc_fail(p, "QMP error without an id: %s", desc ? desc : "(no description)");
	} else {
		proc_garbage(p, line, len, "an unexpected JSON object");
	}
	json_object_put(obj);
}

void proc_read_stdout(struct proc *p)
{
	struct probe *pr = p->pr;
	size_t budget = PROBE_READ_BUDGET;

	while (!p->finished && p->c.fd_out >= 0 && budget > 0) {
		ssize_t r;

		if (p->rcap - p->rlen < PROBE_READ_CHUNK) {
			p->rcap = p->rcap ? p->rcap * 2 : 4 * PROBE_READ_CHUNK;
			while (p->rcap - p->rlen < PROBE_READ_CHUNK)
				p->rcap *= 2;
			p->rbuf = xrealloc(p->rbuf, p->rcap);
		}
		r = qemu_child_read_out(&p->c, p->rbuf + p->rlen, PROBE_READ_CHUNK);
		if (r < 0) {
			proc_fail(p, "cannot read QEMU's output: %s", strerror(errno));
			return;
		}
		if (r == 0)
			break; /* nothing more now, or EOF */
		p->rlen += (size_t)r;
		budget = budget > (size_t)r ? budget - (size_t)r : 0;

		size_t start = 0;
		char *nl;

		while (!p->finished &&
		       (nl = memchr(p->rbuf + p->rscan, '\n', p->rlen - p->rscan)) != NULL) {
			size_t end = (size_t)(nl - p->rbuf);

			proc_on_line(p, p->rbuf + start, end - start);
			start = end + 1;
			p->rscan = start;
		}
		if (p->finished)
			return;
		if (start > 0) {
			memmove(p->rbuf, p->rbuf + start, p->rlen - start);
			p->rlen -= start;
			p->rscan = 0;
		}
		p->rscan = p->rlen;
		if (p->rlen > pr->max_line) {
			struct strbuf step = STRBUF_INIT, ex = STRBUF_INIT;

			proc_step_name(p, &step);
			sb_excerpt(&ex, p->rbuf, p->rlen, 40);
			proc_fail(p, "QEMU printed an enormous line (more than %zu bytes, no newline) "
				  "while waiting for %s: %s", pr->max_line, sb_str(&step),
				  sb_str(&ex));
			sb_fini(&step);
			sb_fini(&ex);
			return;
		}
	}
}
