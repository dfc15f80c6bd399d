/* xml_util.c - safe libxml2 parsing shared by the XML readers. */
#include "xml_util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "err.h"
#include "text.h"
#include "util.h"

struct xml_errctx {
	struct err *e;
	const char *file;
	bool seen;
};

static void xml_on_error(void *ctx, xmlErrorPtr xe)
{
	struct xml_errctx *c = ctx;
	char msg[512];
	size_t n;

	if (c->seen || !xe || xe->level < XML_ERR_ERROR)
		return;
	if (xe->code == XML_ERR_NO_MEMORY) {
		err_set(c->e, c->file, xe->line, "out of memory");
		c->seen = true;
		return;
	}
	snprintf(msg, sizeof(msg), "%s", xe->message ? xe->message : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	err_setcol(c->e, c->file, xe->line, xe->int2, "malformed XML: %s", msg);
	c->seen = true;
}

/* What libxml2 2.9 spends, measured on 30 MB files: an element or a text
 * node about 134 bytes, an attribute with its value about 250. */
#define XML_COST_NODE 140
#define XML_COST_ATTR 250
#define XML_COST_PER_BYTE 32
#define XML_COST_FLOOR (16u << 20)

/* Refuse a document whose tree would take more than 32 times its size
 * (30 MB of "<a/>" took 1 GB), before libxml2 builds any of it. */
bool xml_scan(const char *file, const char *text, size_t len, struct err *e)
{
	size_t cost = 0, limit = len * XML_COST_PER_BYTE + XML_COST_FLOOR;
	int line = 1;

	if (len > (SIZE_MAX - XML_COST_FLOOR) / XML_COST_PER_BYTE)
		limit = SIZE_MAX;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\n')
			line++;
		else if (c == '<' && i + 1 < len && text[i + 1] != '/')
			cost += XML_COST_NODE;
		else if (c == '=')
			cost += XML_COST_ATTR;
		else if (c == '>' && i + 1 < len && !strchr("< \t\r\n", text[i + 1]))
			cost += XML_COST_NODE; /* text */
		else
			continue;
		if (cost > limit)
			return err_set(e, file, line, "too many XML nodes for a file of this size "
				       "(reading it would take more than %d times its size in memory)",
				       XML_COST_PER_BYTE);
	}
	return true;
}

xmlDoc *xml_parse(const char *file, const char *text, size_t len, struct err *e)
{
	struct xml_errctx ctx = { e, file, false };
	xmlParserCtxt *pc;
	xmlDoc *doc;

	if (len > (size_t)0x7fffffff) {
		err_set(e, file, 0, "file too large");
		return NULL;
	}
	if (!xml_scan(file, text, len, e))
		return NULL;
	pc = xmlNewParserCtxt();
	if (!pc) {
		err_set(e, file, 0, "out of memory");
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ctx, xml_on_error);
	/* No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR:
	 * external entities and DTDs are never fetched.  NONET forbids the
	 * network outright. */
	doc = xmlCtxtReadMemory(pc, text, (int)len, file, NULL,
				XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
				XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc) {
		if (!ctx.seen)
			err_set(e, file, 0, "malformed XML");
		xmlFreeParserCtxt(pc);
		return NULL;
	}
	xmlFreeParserCtxt(pc);
	if (doc->intSubset || doc->extSubset) {
		const char *dt = strstr(text, "<!DOCTYPE");
		int line = 1;
		for (const char *p = text; dt && p < dt; p++)
			line += *p == '\n';
		err_set(e, file, line,
			"XML with a DTD (<!DOCTYPE ...>) is not accepted: entities are never expanded");
		xmlFreeDoc(doc);
		return NULL;
	}
	if (!xmlDocGetRootElement(doc)) {
		err_set(e, file, 0, "empty XML document");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlDoc *xml_load(const char *path, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	xmlDoc *doc;

	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return NULL;
	doc = xml_parse(path, text, len, e);
	free(text);
	return doc;
}

/* A libxml2 string as one of ours (NULL stays NULL); frees v. */
static char *xml_string_take(xmlChar *v)
{
	char *s;

	if (!v)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

char *xml_attr(const xmlNode *n, const char *name)
{
	return xml_string_take(xmlGetProp(n, (const xmlChar *)name));
}

char *xml_text(const xmlNode *n)
{
	return xml_string_take(xmlNodeGetContent(n));
}

bool xml_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

const xmlNode *xml_child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

int xml_line(const xmlNode *n)
{
	return n ? (int)xmlGetLineNo(n) : 0;
}

/* ---- helpers of the <cpu> readers (xml_host.c, xml_guest.c) ---------- */

bool xml_fail(struct err *e, const char *file, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(e, file, xml_line(n), "%s", msg);
	free(msg);
	return false;
}

/* Element text with surrounding white space removed; NULL when the
 * element is absent, "" when it is empty. */
char *xml_text_trimmed(const xmlNode *n)
{
	char *s = NULL;
	size_t b = 0, len = 0;

	if (!n)
		return NULL;
	s = xml_text(n);
	if (!s)
		return xstrdup("");
	len = strlen(s);
	while (b < len && strchr(" \t\r\n", s[b]))
		b++;
	while (len > b && strchr(" \t\r\n", s[len - 1]))
		len--;
	memmove(s, s + b, len - b);
	s[len - b] = '\0';
	return s;
}

/* Strict unsigned decimal. */
bool xml_parse_uint(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

bool xml_yes_no(const char *s, bool *out)
{
	if (str_eq(s, "yes")) {
		*out = true;
		return true;
	}
	if (str_eq(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

bool xml_name_ok(const char *file, const xmlNode *n, const char *label, const char *s,
		 struct err *e)
{
	return !s || name_check(label, s, strlen(s), file, xml_line(n), e);
}

bool xml_text_ok(const char *file, const xmlNode *n, const char *label, const char *s,
		 struct err *e)
{
	return !s || text_check(label, s, strlen(s), file, xml_line(n), e);
}

/* A <feature>'s name (required, not empty) and policy: require when it
 * has none, or when !with_policy (a host CPU's features have none).  The
 * caller frees *name and *pol, also on failure. */
bool xml_feature_attrs(const char *file, const xmlNode *n, bool with_policy, char **name,
		       char **pol, enum policy *p, struct err *e)
{
	*p = POLICY_REQUIRE;
	*name = xml_attr(n, "name");
	*pol = xml_attr(n, "policy");
	if (!*name || !**name)
		return xml_fail(e, file, n, "<feature> without a name");
	if (!xml_name_ok(file, n, "feature name", *name, e))
		return false;
	if (*pol && with_policy && !policy_parse(*pol, p))
		return xml_fail(e, file, n, "unknown feature policy '%s' (expected force, require, "
				"optional, disable or forbid)", *pol);
	return true;
}
