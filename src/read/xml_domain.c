/* xml_domain.c - the machine type of a libvirt <domain>. */
#include "xml_domain.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "xml_util.h"

bool xml_domain_machine(const char *path, char **out, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	xmlDoc *doc;
	const xmlNode *root;

	*out = NULL;
	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return false;
	doc = xml_parse(path, text, len, e);
	free(text);
	if (!doc)
		return false;
	root = xmlDocGetRootElement(doc);
	if (xml_is(root, "domain")) {
		const xmlNode *type = xml_child(xml_child(root, "os"), "type");
		char *m = type ? xml_attr(type, "machine") : NULL;
		if (m && *m)
			*out = m;
		else
			free(m);
	}
	xmlFreeDoc(doc);
	return true;
}
