/* s390x_qemu.c - who answers s390x's QMP questions (s390x.h): this
 * machine's QEMU, a --probe binary or a capture, asked step by step, and
 * what was asked recorded.  Split from s390x.c, which asks the questions. */
#include "s390x.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "err.h"
#include "probe.h"
#include "qmp_call.h"
#include "qmp_json.h"
#include "s390x_internal.h"
#include "session.h"

/* ---- who answers ---------------------------------------------------------- */

void s390x_qemu_init(struct s390x_qemu *q, struct session *s)
{
	struct err e;

	memset(q, 0, sizeof(*q));
	if (s->ds && s->ds->qemu_version)
		q->data_version = xstrdup(s->ds->qemu_version);
	if (s->qemu_binary) {
		q->binary = xstrdup(s->qemu_binary);
		q->local = s->live;
	} else {
		q->binary = session_local_qemu(s);
		q->local = true;
	}
	/* --accel, else what QEMU would use here (as the live probe does; a
	 * capture's or a domcapabilities' KVM is not this machine's) */
	q->accel = xstrdup(s->o.accel ? s->o.accel : probe_default_accel(s->arch));
	if (s->capture && s->ds && s->ds->source) {
		q->capture = xcalloc(1, sizeof(*q->capture));
		err_clear(&e);
		if (qmp_doc_load(s->ds->source, q->capture, &e)) {
			q->capture_file = xstrdup(s->ds->source);
		} else {
			free(q->capture);
			q->capture = NULL;
		}
	}
}

/* The question awaited is given up (its strings freed). */
void s390x_pending_clear(struct s390x_qemu *q)
{
	qmp_question_fini(&q->pending);
	free(q->pending_execute);
	free(q->pending_arguments);
	q->pending_execute = q->pending_arguments = NULL;
	memset(&q->pending, 0, sizeof(q->pending));
	q->pending_open = q->waiting = false;
}

void s390x_qemu_fini(struct s390x_qemu *q)
{
	s390x_pending_clear(q);
	qmp_close(q->conn); /* a QEMU still answering is killed */
	if (q->capture) {
		qmp_doc_fini(q->capture);
		free(q->capture);
	}
	free(q->binary);
	free(q->accel);
	free(q->datadir);
	free(q->capture_file);
	free(q->data_version);
	free(q->version);
	sb_fini(&q->transcript);
	memset(q, 0, sizeof(*q));
}

/* The exchange in the .replies form libvirt's captures use. */
static void record(struct s390x_qemu *q, const char *execute, json_object *args, const char *ret,
		   const char *error)
{
	json_object *c = json_object_new_object(), *r = json_object_new_object();

	json_object_object_add(c, "execute", json_object_new_string(execute));
	if (args)
		json_object_object_add(c, "arguments", json_object_get(args));
	if (ret) {
		json_object_object_add(r, "return", json_tokener_parse(ret));
	} else {
		json_object *er = json_object_new_object();
		json_object_object_add(er, "class", json_object_new_string("GenericError"));
		json_object_object_add(er, "desc", json_object_new_string(error));
		json_object_object_add(r, "error", er);
	}
	sb_addf(&q->transcript, "%s\n\n%s\n\n",
		json_object_to_json_string_ext(c, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED),
		json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(c);
	json_object_put(r);
}

/* The capture's answer to this exchange: 1 found (ret or *error set), 0 not. */
static int from_capture(const struct s390x_qemu *q, const char *execute, json_object *args,
			char **ret, char **error)
{
	for (size_t i = 0; q->capture && i < q->capture->items.n; i++) {
		const struct qmp_item *it = vec_get(&q->capture->items, i);
		if (!str_eq(it->command, execute))
			continue;
		if (!(args == NULL && it->args == NULL) && !json_object_equal(args, it->args))
			continue;
		if (it->kind == QMP_ERROR)
			*error = xstrdup(it->error_desc ? it->error_desc : "QEMU refused it");
		else
			*ret = xstrdup(json_object_to_json_string_ext(it->ret, JSON_C_TO_STRING_PLAIN));
		return 1;
	}
	return 0;
}

/* The end of a question: recorded, and QEMU's refusal (error, taken) in
 * e.  1: answered (*ret), -1: refused. */
static int settle(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		  char *error, struct err *e)
{
	json_object *args = arguments ? json_tokener_parse(arguments) : NULL;

	record(q, execute, args, *ret, error);
	json_object_put(args);
	if (!error)
		return 1;
	err_set(e, NULL, 0, "QEMU: %s", error);
	free(error);
	free(*ret);
	*ret = NULL;
	return -1;
}

int s390x_qemu_begin(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		     struct err *e)
{
	json_object *args = arguments ? json_tokener_parse(arguments) : NULL;
	char *error = NULL;
	int found;

	*ret = NULL;
	if (q->waiting) {
		json_object_put(args);
		err_set(e, NULL, 0, "QEMU is still answering %s", q->pending_execute);
		return -1;
	}
	found = from_capture(q, execute, args, ret, &error);
	json_object_put(args);
	if (found) {
		q->asked_capture = true;
		return settle(q, execute, arguments, ret, error, e);
	}
	if (!q->binary) {
		err_set(e, NULL, 0, "%s is QEMU's to answer, and there is no QEMU to ask: no "
			"qemu-system-s390x here (or CPUSCOPE_QEMU=none)%s%s; run it where "
			"qemu-system-s390x is installed, or give --probe BINARY", execute,
			q->capture_file ? ", and " : "", q->capture_file ? "the capture holds no "
			"answer to this question" : "");
		return -1;
	}
	q->pending_execute = xstrdup(execute);
	q->pending_arguments = arguments ? xstrdup(arguments) : NULL;
	q->pending = (struct qmp_question){ q->pending_execute, q->pending_arguments, NULL, NULL };
	q->waiting = true;
	if (!q->conn) {
		struct qmp_opts o = { q->binary, q->accel, NULL, q->datadir, 30 };
		free(q->version); /* a QEMU given up before (s390x_job_free) had one */
		q->version = NULL;
		q->conn = qmp_start(&o, &q->version, e);
		if (!q->conn) {
			s390x_pending_clear(q);
			return -1;
		}
		q->pending_open = true; /* the question goes once QEMU greets */
		return 0;
	}
	if (!qmp_send(q->conn, &q->pending, 1, e)) {
		s390x_pending_clear(q);
		return -1;
	}
	return 0;
}

/* The live QEMU failed the question (e set): a QEMU that never greeted is
 * dropped (the next question starts another), one that broke stays
 * broken (its connection only closes). */
static int pending_failed(struct s390x_qemu *q)
{
	if (q->pending_open) {
		qmp_close(q->conn);
		q->conn = NULL;
	}
	s390x_pending_clear(q);
	return -1;
}

/* After the exchange in progress: the question goes (QEMU greeted), or its
 * answer is taken.  0: still waiting. */
static int advance(struct s390x_qemu *q, char **ret, struct err *e)
{
	char *error;
	int r;

	if (qmp_busy(q->conn))
		return 0;
	if (q->pending_open) {
		q->pending_open = false;
		if (!qmp_send(q->conn, &q->pending, 1, e))
			return pending_failed(q);
		return 0;
	}
	q->asked_live = true;
	*ret = q->pending.ret;
	error = q->pending.error;
	q->pending.ret = q->pending.error = NULL;
	r = settle(q, q->pending_execute, q->pending_arguments, ret, error, e);
	s390x_pending_clear(q);
	return r;
}

bool s390x_qemu_busy(const struct s390x_qemu *q)
{
	return q->waiting;
}

size_t s390x_qemu_pollfds(const struct s390x_qemu *q, struct pollfd *fds, size_t max,
			  int *timeout_ms)
{
	return q->waiting ? qmp_pollfds(q->conn, fds, max, timeout_ms) : 0;
}

int s390x_qemu_step(struct s390x_qemu *q, const struct pollfd *fds, size_t n, char **ret,
		    struct err *e)
{
	*ret = NULL;
	if (!q->waiting)
		return err_set(e, NULL, 0, "no question is waiting for QEMU"), -1;
	if (!qmp_step(q->conn, fds, n, e))
		return pending_failed(q);
	return advance(q, ret, e);
}

/* Block until the question awaited is over: 1 answered, -1 failed. */
int s390x_qemu_wait(struct s390x_qemu *q, char **ret, struct err *e)
{
	int r = 0;

	*ret = NULL;
	while (r == 0) {
		if (!qmp_wait(q->conn, e))
			r = pending_failed(q);
		else
			r = advance(q, ret, e);
	}
	return r;
}

bool s390x_qemu_ask(struct s390x_qemu *q, const char *execute, const char *arguments, char **ret,
		    struct err *e)
{
	int r = s390x_qemu_begin(q, execute, arguments, ret, e);

	if (r == 0)
		r = s390x_qemu_wait(q, ret, e);
	return r > 0;
}

bool s390x_qemu_record(struct s390x_qemu *q, const char *path, struct err *e)
{
	FILE *f;
	bool ok;

	if (q->recorded >= q->transcript.len)
		return true;
	f = fopen(path, "a");
	if (!f)
		return err_set(e, path, 0, "cannot record QEMU's answers: %s", strerror(errno));
	ok = fputs(sb_str(&q->transcript) + q->recorded, f) >= 0;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		return err_set(e, path, 0, "cannot record QEMU's answers: %s", strerror(errno));
	q->recorded = q->transcript.len;
	return true;
}

/* A file as the label names it: whole, or by its base name. */
static const char *file_name(const struct s390x_qemu *q, const char *path)
{
	const char *slash = q->short_names && path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

const char *s390x_qemu_label(const struct s390x_qemu *q, char *buf, size_t size)
{
	if (q->asked_live && q->local)
		snprintf(buf, size, "QEMU %s on this machine (%s)", q->version ? q->version : "?",
			 q->accel);
	else if (q->asked_live)
		snprintf(buf, size, "QEMU %s (%s, %s)", q->version ? q->version : "?",
			 file_name(q, q->binary), q->accel);
	else if (q->asked_capture)
		snprintf(buf, size, "QEMU %s (its answers in %s)",
			 q->data_version ? q->data_version : "?", file_name(q, q->capture_file));
	else
		snprintf(buf, size, "QEMU");
	return buf;
}

