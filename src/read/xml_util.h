/* xml_util.h - safe libxml2 parsing shared by the XML readers.
 *
 * Documents are parsed with XML_PARSE_NONET and without entity
 * substitution or DTD loading: no file or network is ever touched.  A
 * document with a DTD that declares entities is refused.  libxml2's
 * messages go into struct err (file, line), never to stderr.
 */
#ifndef CPUSCOPE_SRC_XML_UTIL_H
#define CPUSCOPE_SRC_XML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "guest.h"
#include "util.h"

struct err;

/* Refuses (e set) a document whose tree would take more than 32 times its
 * size in memory; xml_parse() calls it first. */
bool xml_scan(const char *file, const char *text, size_t len, struct err *e);
xmlDoc *xml_parse(const char *file, const char *text, size_t len, struct err *e);
xmlDoc *xml_load(const char *path, struct err *e);
/* Attribute / text helpers: returned strings are malloc'ed (or NULL). */
char *xml_attr(const xmlNode *n, const char *name);
char *xml_text(const xmlNode *n);
bool xml_is(const xmlNode *n, const char *name);
const xmlNode *xml_child(const xmlNode *n, const char *name);
int xml_line(const xmlNode *n);

/* Helpers of the <cpu> readers. */
/* Set e to FILE:LINE (n's line): message; returns false. */
bool xml_fail(struct err *e, const char *file, const xmlNode *n, const char *fmt, ...)
	ATTR_FORMAT(4, 5);
/* Element text with surrounding white space removed; NULL when the
 * element is absent, "" when it is empty. */
char *xml_text_trimmed(const xmlNode *n);
/* Strict unsigned decimal. */
bool xml_parse_uint(const char *s, unsigned *out);
/* The name rule of text.h for s, refused at n's line (label: "model
 * name", ...); text: the rule for free text. */
bool xml_name_ok(const char *file, const xmlNode *n, const char *label, const char *s,
		 struct err *e);
bool xml_text_ok(const char *file, const xmlNode *n, const char *label, const char *s,
		 struct err *e);
/* "yes" / "no" */
bool xml_yes_no(const char *s, bool *out);
/* A <feature>'s name (required, not empty) and policy: require when it
 * has none, or when !with_policy (a host CPU's features have none).  The
 * caller frees *name and *pol, also on failure.  The name follows the
 * name rule. */
bool xml_feature_attrs(const char *file, const xmlNode *n, bool with_policy, char **name,
		       char **pol, enum policy *p, struct err *e);

#endif
