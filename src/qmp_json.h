/* qmp_json.h - reading QEMU's QMP replies (json-c).
 *
 * Accepted inputs: a bare reply ({"return": ...}), a bare return value
 * (the array of query-cpu-definitions, ...), or a -qmp stdio transcript
 * (greeting, events and replies, one JSON object per line, in any order).
 * Each reply is classified by shape (definitions, machines, expansion).
 *
 * Expansions: boolean props that name a feature of the table go into
 * 'on'/'known' (aliases fold into their canonical feature); every other
 * prop (numbers, strings, non-feature booleans such as "check" or
 * "hv-relaxed") is kept as a prop.
 *
 * Ownership: qmp_doc_fini() releases the items.
 */
#ifndef CPUSCOPE_SRC_QMP_JSON_H
#define CPUSCOPE_SRC_QMP_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct err;
struct json_object;

enum qmp_kind {
	QMP_GREETING, QMP_EVENT, QMP_ERROR, QMP_EMPTY,
	QMP_DEFINITIONS, QMP_EXPANSION, QMP_MACHINES, QMP_OTHER
};

struct qmp_item {
	enum qmp_kind kind;
	int line;                 /* 1-based line where the object starts */
	struct json_object *ret;  /* the "return" value (owned reference) */
	char *id;                 /* "id" member as text, or NULL */
	char *error_class;        /* QMP_ERROR */
	char *error_desc;
};

struct qmp_doc {
	char *file;
	struct vec items;   /* struct qmp_item * */
	char *qemu_version; /* from a greeting, or NULL */
	char *qemu_package;
};

bool qmp_doc_parse(const char *file, const char *text, size_t len, struct qmp_doc *out,
		   struct err *e);
bool qmp_doc_load(const char *path, struct qmp_doc *out, struct err *e);
void qmp_doc_fini(struct qmp_doc *doc);

bool qmp_read_definitions(const struct json_object *arr, const char *file, int line,
			  struct mdata *md, struct ftable *ft, struct err *e);
bool qmp_read_expansion(const struct json_object *ret, const char *file, int line,
			struct ftable *ft, struct expansion **out, struct err *e);
bool qmp_read_machines(const struct json_object *arr, const char *file, int line,
		       struct vec *machines, struct err *e);

/* Load QMP reply files (definitions, machines) into ds under machine type
 * 'machine'. */
bool qmp_load_into_dataset(const char *path, const char *machine, struct dataset *ds,
			   struct err *e);

#endif
