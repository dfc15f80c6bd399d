/* libvirt_version.c - the table of libvirt semantics (libvirt_version.h).
 *
 * Facts read in libvirt's sources: 9.0.0 and 11.3.0 release tarballs,
 * src/qemu/qemu_driver.c (qemuConnectCompareHypervisorCPU,
 * qemuConnectBaselineCPU), src/qemu/qemu_domain.c (qemuDomainCheckCPU),
 * src/cpu/cpu.c (virCPUCompareUnusable), src/qemu/qemu_capabilities.c
 * (virQEMUCapsIsCPUUsable, the ignoredFeatures list).  Versioned models
 * and <check partial='compat'/> came with 10.10 (NEWS.rst). */
#include "libvirt_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const filtered_9_0[] = {
	"cmt", "mbm_total", "mbm_local", "osxsave", "ospke", NULL,
};

static const char *const filtered_11[] = {
	"cmt", "mbm_total", "mbm_local", "osxsave", "ospke",
	"vmx-ept-uc", "vmx-ept-wb", "vmx-invvpid-single-context", NULL,
};

static const struct lv_semantics table[LV__COUNT] = {
	[LV_9_0] = { LV_9_0, "9.0", "", 0, 0, "cpu_map", "9.0.0", false, false, filtered_9_0 },
	[LV_11] = { LV_11, "11", " (libvirt 11 semantics)", 10, 10, "cpu_map-11.3", "11.3.0", true,
		    true, filtered_11 },
};

const struct lv_semantics *lv_get(enum lv_version v)
{
	return (unsigned)v < LV__COUNT ? &table[v] : &table[LV_9_0];
}

const char *lv_label(const struct lv_semantics *lv)
{
	return (lv ? lv : &table[LV_9_0])->label;
}

const struct lv_semantics *lv_newest(void)
{
	return &table[LV__COUNT - 1];
}

const struct lv_semantics *lv_for_map(bool has_compat_check)
{
	const struct lv_semantics *best = &table[0];

	for (int i = 0; i < LV__COUNT; i++)
		if (table[i].hv_blockers_check == has_compat_check)
			best = &table[i];
	return best;
}

const char *lv_choices(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < LV__COUNT && len < size; i++) {
		const struct lv_semantics *t = &table[i];
		int n;
		if (i + 1 < LV__COUNT)
			n = snprintf(buf + len, size - len, "%s%s (also releases before %d.%d)",
				     i ? ", " : "", t->name, table[i + 1].from_major,
				     table[i + 1].from_minor);
		else
			n = snprintf(buf + len, size - len, "%s%s (%d.%d and later)", i ? " or " : "",
				     t->name, t->from_major, t->from_minor);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

const struct lv_semantics *lv_for_release(const char *v)
{
	long part[3] = { 0, 0, 0 };
	int n = 0;
	const char *p = v;
	const struct lv_semantics *best = &table[0];

	if (!v || !*v)
		return NULL;
	while (*p) {
		char *end = NULL;
		if (*p < '0' || *p > '9' || n == 3)
			return NULL;
		part[n++] = strtol(p, &end, 10);
		p = end;
		if (*p == '.') {
			p++;
			if (!*p)
				return NULL;
		} else if (*p) {
			return NULL;
		}
	}
	for (int i = 0; i < LV__COUNT; i++) {
		const struct lv_semantics *s = &table[i];
		if (part[0] > s->from_major || (part[0] == s->from_major && part[1] >= s->from_minor))
			best = s;
	}
	return best;
}
