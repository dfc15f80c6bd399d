/* qmp_util.h - small json-c helpers of the QMP readers (qmp_doc.c,
 * qmp_json.c).  Private to src/read. */
#ifndef CPUSCOPE_SRC_QMP_UTIL_H
#define CPUSCOPE_SRC_QMP_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "text.h"
#include "util.h"

/* "a number", "an array", ... for messages. */
static inline const char *jtype(const struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double:
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "a value";
}

static inline struct json_object *jget(const struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A string under the name rule of text.h (label: "model name", ...),
 * with its real length: a NUL inside is refused, not a cut. */
static inline bool check_name(const char *label, struct json_object *v, const char *file, int line,
		       struct err *e)
{
	return name_check(label, json_object_get_string(v),
			  (size_t)json_object_get_string_len(v), file, line, e);
}

static inline bool check_text(const char *label, struct json_object *v, const char *file, int line,
		       struct err *e)
{
	return text_check(label, json_object_get_string(v),
			  (size_t)json_object_get_string_len(v), file, line, e);
}

static inline bool jhas(const struct json_object *o, const char *key)
{
	return json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, NULL);
}

static inline char *json_text(struct json_object *o)
{
	return xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

#endif
