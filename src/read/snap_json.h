/* snap_json.h - the snapshot reader's own JSON parser (private to
 * src/read/snapshot_read.c).
 *
 * Values live in one arena owned by the parser; every value knows its
 * line and its source text.  jparser_fini() frees them all.
 */
#ifndef CPUSCOPE_SRC_SNAP_JSON_H
#define CPUSCOPE_SRC_SNAP_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define SNAP_MAX_DEPTH 64

enum jt { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	int line;
	const char *raw;  /* source text of the value */
	size_t rawlen;
	const char *s;    /* J_STR: decoded, NUL-terminated */
	size_t n;         /* J_ARR / J_OBJ: number of items */
	struct jv **items;
	const char **keys; /* J_OBJ */
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct jparser {
	const char *file;
	const char *p, *end;
	int line;
	struct chunk *arena;
	struct jv **stack;   /* children of open containers */
	const char **kstack; /* their keys */
	size_t sn, scap;
	struct err *e;
	bool failed;
};

void jparser_init(struct jparser *jp, const char *file, const char *text, size_t len,
		  struct err *e);
void jparser_fini(struct jparser *jp);
void jp_skip_ws(struct jparser *jp);
/* At the opening quote; returns the decoded string in the arena. */
const char *jp_string(struct jparser *jp, size_t *lenp);
struct jv *jp_value(struct jparser *jp, int depth);
/* Parse the whole text as one JSON value. */
struct jv *jp_parse(struct jparser *jp);
const struct jv *jmember(const struct jv *o, const char *key);
/* "null", "a boolean", "a number", ... for messages. */
const char *jtname(const struct jv *v);

#endif
