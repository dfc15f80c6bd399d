/* qmp_json.h - reading QEMU's QMP replies (json-c).
 *
 * Accepted inputs: a bare reply ({"return": ...}), a bare return value
 * (the array of query-cpu-definitions, ...), a -qmp stdio transcript
 * (greeting, events and replies, one JSON object per line, in any order),
 * or a stream of pretty-printed objects separated by blank lines with
 * commands and replies interleaved (libvirt's *.replies and cputestdata
 * files).  Each reply is classified by shape (definitions, machines,
 * expansion).  Commands ({"execute": ...}) are not items; a reply whose
 * "id" matches a command's (or, without ids, the reply that follows a
 * command) gets that command's name and arguments.
 *
 * Expansion replies are attributed to a model and type by their command's
 * arguments, else by an id "full:MODEL" / "static:MODEL" (what cpuscope's
 * captures use: a -qmp stdio transcript has no commands in it), else by
 * the reply itself (model.name; "base" means a static expansion).
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
	struct json_object *ret;  /* the "return" value (owned reference); the
				   * whole object for a greeting or event */
	char *id;                 /* "id" member as text, or NULL */
	char *error_class;        /* QMP_ERROR */
	char *error_desc;
	char *command;            /* "execute" of the matching command, or NULL */
	struct json_object *args; /* its "arguments" (owned reference), or NULL */
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

/* Nesting deeper than this is refused as malformed. */
#define QMP_MAX_DEPTH 64

/* Readers of one return value; errors name file:line (the reply's line). */
bool qmp_read_definitions(const struct json_object *arr, const char *file, int line,
			  struct mdata *md, struct ftable *ft, struct err *e);
bool qmp_read_expansion(const struct json_object *ret, const char *file, int line,
			struct ftable *ft, struct expansion **out, struct err *e);
bool qmp_read_machines(const struct json_object *arr, const char *file, int line,
		       struct vec *machines, struct err *e);

/* Load QMP reply files (definitions, machines, expansions) into ds under
 * machine type 'machine'; a greeting fills ds->qemu_version/package when
 * unset.  Error replies are skipped; a file with nothing usable fails. */
bool qmp_load_into_dataset(const char *path, const char *machine, struct dataset *ds,
			   struct err *e);
bool qmp_parse_into_dataset(const char *file, const char *text, size_t len, const char *machine,
			    struct dataset *ds, struct err *e);

#endif
