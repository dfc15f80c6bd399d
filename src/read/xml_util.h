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

struct err;

xmlDoc *xml_parse(const char *file, const char *text, size_t len, struct err *e);
xmlDoc *xml_load(const char *path, struct err *e);
/* Attribute / text helpers: returned strings are malloc'ed (or NULL). */
char *xml_attr(const xmlNode *n, const char *name);
char *xml_text(const xmlNode *n);
bool xml_is(const xmlNode *n, const char *name);
const xmlNode *xml_child(const xmlNode *n, const char *name);
int xml_line(const xmlNode *n);

#endif
