/* host_sniff.c - the format and arch of a host file (host_sniff.h). */
#include "host_sniff.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "replies.h"
#include "util.h"
#include "xml_util.h"

/* Past blanks, a BOM, and XML declarations, processing instructions and
 * comments before the root element. */
static size_t skip_prolog(const char *t, size_t len, bool xml)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(t, "\xef\xbb\xbf", 3))
		i = 3;
	for (;;) {
		while (i < len && strchr(" \t\r\n", t[i]))
			i++;
		if (!xml || i + 1 >= len || t[i] != '<')
			return i;
		if (t[i + 1] == '?') {
			const char *q = strstr(t + i, "?>");
			if (!q)
				return i;
			i = (size_t)(q - t) + 2;
		} else if (i + 3 < len && !memcmp(t + i, "<!--", 4)) {
			const char *q = strstr(t + i, "-->");
			if (!q)
				return i;
			i = (size_t)(q - t) + 3;
		} else {
			return i;
		}
	}
}

enum host_file_kind host_file_kind_of(const char *text, size_t len)
{
	size_t i = skip_prolog(text, len, false);

	if (i >= len)
		return HF_EMPTY;
	if (text[i] == '<') {
		i = skip_prolog(text, len, true);
		if (i + 8 <= len && !memcmp(text + i, "<cpudata", 8) &&
		    (i + 8 == len || strchr(" \t\r\n>/", text[i + 8])))
			return HF_CPUDATA;
		return HF_XML;
	}
	if (text[i] == '{' || text[i] == '[')
		return replies_sniff(text + i, len - i) ? HF_REPLIES : HF_QMP;
	return HF_OTHER;
}

static const xmlNode *child_path(const xmlNode *n, const char *const *names, size_t k)
{
	for (size_t i = 0; n && i < k; i++)
		n = xml_child(n, names[i]);
	return n;
}

/* A broken document leaves *known false: its reader says what is wrong. */
static bool xml_arch(const char *path, enum arch *out, bool *known, struct err *e)
{
	static const char *const caps[] = { "host", "cpu", "arch" };
	static const char *const cpu[] = { "arch" };
	static const char *const test[] = { "cpu", "arch" };
	struct err ignored;
	xmlDoc *doc;
	const xmlNode *root, *a = NULL;
	char *s = NULL;
	bool ok = true;

	/* malformed XML: the reader says what is wrong */
	err_clear(&ignored);
	doc = xml_load(path, &ignored);
	if (!doc)
		return true;
	root = xmlDocGetRootElement(doc);
	if (xml_is(root, "capabilities"))
		a = child_path(root, caps, 3);
	else if (xml_is(root, "domainCapabilities") || xml_is(root, "cpu"))
		a = child_path(root, cpu, 1);
	else if (xml_is(root, "cpuTest"))
		a = child_path(root, test, 2);
	s = a ? xml_text(a) : NULL;
	if (s) {
		char *p = s, *end;
		while (*p && strchr(" \t\r\n", *p))
			p++;
		end = p + strlen(p);
		while (end > p && strchr(" \t\r\n", end[-1]))
			*--end = '\0';
		if (arch_parse(p, out))
			*known = true;
		else
			ok = err_set(e, path, xml_line(a), "unsupported arch '%s' (expected x86_64 or "
				     "s390x)", p);
	}
	free(s);
	xmlFreeDoc(doc);
	return ok;
}

bool host_file_arch(const char *path, enum arch *out, bool *known, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	bool ok = true;

	*known = false;
	if (!read_file_limited(path, FILE_LIMIT_DEFAULT, &text, &len, e))
		return false;
	switch (host_file_kind_of(text, len)) {
	case HF_CPUDATA:
		*out = ARCH_X86_64;
		*known = true;
		break;
	case HF_REPLIES: {
		struct err ignored; /* a broken capture: its reader says what is wrong */
		err_clear(&ignored);
		*known = replies_arch(path, out, &ignored);
		break;
	}
	case HF_XML:
		ok = xml_arch(path, out, known, e);
		break;
	default:
		break;
	}
	free(text);
	return ok;
}
