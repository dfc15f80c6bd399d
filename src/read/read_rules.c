/* read_rules.c - bounds and ranges every reader applies (read_rules.h). */
#include "read_rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

void intern_guard_init(struct intern_guard *g, struct ftable *ft)
{
	g->ft = ft;
	g->start = ftable_count(ft);
}

bool intern_feature(struct intern_guard *g, const char *name, const char *file, int line,
		    unsigned *id, struct err *e)
{
	if (!name_check("feature name", name, strlen(name), file, line, e))
		return false;
	if (!ftable_lookup(g->ft, name) && ftable_count(g->ft) - g->start >= READ_MAX_NEW_FEATURES)
		return err_set(e, file, line,
			       "more than %d feature names that cpuscope does not know", READ_MAX_NEW_FEATURES);
	*id = ftable_intern(g->ft, name);
	return true;
}

const char *prop_number_fault(const char *prop, const char *num, size_t len, enum arch arch,
			      char *buf, size_t size)
{
	static const struct {
		const char *name;
		long long max;
	} ranged[] = {
		{"family", 0xff + 0xf}, /* QEMU: base family 0xf plus extended family */
		{"model", 0xff},
		{"stepping", 0xf},
	};
	char text[32], *end = NULL;
	long long min = 0, max = -1;
	bool neg = len && num[0] == '-';

	if (arch == ARCH_X86_64)
		for (size_t i = 0; i < sizeof(ranged) / sizeof(ranged[0]); i++)
			if (!strcmp(prop, ranged[i].name))
				max = ranged[i].max;
	if (max < 0)
		return NULL; /* any number json_scan() lets through */
	snprintf(buf, size, "an integer from %lld to %lld", min, max);
	/* JSON integer syntax, at most 20 digits */
	if (len == 0 || len >= sizeof(text) || strspn(num + neg, "0123456789") != len - neg ||
	    len == (size_t)neg)
		return buf;
	memcpy(text, num, len);
	text[len] = '\0';
	errno = 0;
	if (neg) {
		long long v = strtoll(text, &end, 10);
		if (errno || *end || v < min)
			return buf;
	} else {
		unsigned long long v = strtoull(text, &end, 10);
		if (errno || *end || v > (unsigned long long)max)
			return buf;
	}
	return NULL;
}
