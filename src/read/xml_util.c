/* xml_util.c - safe libxml2 parsing shared by the XML readers. */
#include "xml_util.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "err.h"
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
	snprintf(msg, sizeof(msg), "%s", xe->message ? xe->message : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	err_setcol(c->e, c->file, xe->line, xe->int2, "malformed XML: %s", msg);
	c->seen = true;
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
