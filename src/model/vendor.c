/* vendor.c - CPUID vendor strings and libvirt's vendor names. */
#include "vendor.h"

#include <string.h>

#include "util.h"

static const struct {
	const char *cpuid; /* 12 characters */
	const char *name;
} vendors[] = {
	{ "GenuineIntel", "Intel" },
	{ "AuthenticAMD", "AMD" },
	{ "HygonGenuine", "Hygon" },
	{ "CentaurHauls", "Zhaoxin" },
	{ "  Shanghai  ", "Zhaoxin" },
};

const char *vendor_name(const char *cpuid_string)
{
	for (size_t i = 0; cpuid_string && i < ARRAY_LEN(vendors); i++)
		if (!strcmp(cpuid_string, vendors[i].cpuid))
			return vendors[i].name;
	return cpuid_string;
}

const char *vendor_cpuid_string(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(vendors); i++)
		if (!strcmp(name, vendors[i].name))
			return vendors[i].cpuid;
	return NULL;
}
