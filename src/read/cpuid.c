/* cpuid.c - a host from the CPUID instruction or from a recorded dump. */
#include "cpuid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

/* GCC's <cpuid.h> cannot be included here: with -Isrc, "#include
 * <cpuid.h>" finds this module's own header first.  The instruction
 * itself is one line of inline assembly. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define CPUID_HAVE_NATIVE 1
#else
#define CPUID_HAVE_NATIVE 0
#endif

#include "err.h"
#include "feature.h"
#include "host.h"
#include "text.h"
#include "util.h"
#include "vendor.h"
#include "xml_util.h"

/* An MSR value from a dump (the native path cannot read MSRs). */
struct cpuid_msr {
	uint32_t index;
	uint64_t value;
};

/* A recorded dump: the source behind cpuid_dump_fn. */
struct cpuid_dump {
	struct cpuid_leaf *leaves;
	size_t nleaves;
	struct cpuid_msr *msrs;
	size_t nmsrs;
};

bool cpuid_native(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out)
{
	(void)ctx;
#if CPUID_HAVE_NATIVE
	uint32_t a = 0, b = 0, c = 0, d = 0;
	uint32_t range = leaf & 0xc0000000u;

	/* Like __get_cpuid_count: refuse leaves past the range's maximum
	 * (the CPU would answer with some other leaf's data). */
	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(range), "c"(0));
	if (leaf > a || (range && (a & 0xc0000000u) != range))
		return false;
	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
	out->leaf = leaf;
	out->subleaf = subleaf;
	out->eax = a;
	out->ebx = b;
	out->ecx = c;
	out->edx = d;
	return true;
#else
	(void)leaf;
	(void)subleaf;
	(void)out;
	return false;
#endif
}

static bool cpuid_dump_fn(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *out)
{
	const struct cpuid_dump *d = ctx;

	for (size_t i = 0; i < d->nleaves; i++) {
		if (d->leaves[i].leaf == leaf && d->leaves[i].subleaf == subleaf) {
			*out = d->leaves[i];
			return true;
		}
	}
	return false;
}

static uint32_t cpuid_reg(const struct cpuid_leaf *l, const char *reg)
{
	if (!strcmp(reg, "eax"))
		return l->eax;
	if (!strcmp(reg, "ebx"))
		return l->ebx;
	if (!strcmp(reg, "ecx"))
		return l->ecx;
	return l->edx;
}

static void cpuid_put_reg(char *dst, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		dst[i] = (char)((v >> (8 * i)) & 0xff);
}

/* The highest leaf of the range that base starts (0, 0x40000000,
 * 0x80000000, 0xc0000000); 0 when the range is absent. */
static uint32_t cpuid_range_max(cpuid_fn fn, void *ctx, uint32_t base)
{
	struct cpuid_leaf l = { 0 };

	if (!fn(ctx, base, 0, &l))
		return 0;
	if (base == 0)
		return l.eax;
	if (l.eax < base || l.eax > base + 0xffff)
		return 0;
	return l.eax;
}

static bool cpuid_leaf_ok(uint32_t leaf, const uint32_t max[4])
{
	uint32_t range = leaf & 0xc0000000u;
	uint32_t m = max[range >> 30];

	if (range != 0 && m == 0)
		return false;
	return leaf <= m;
}

static void cpuid_set_features(struct host *h, cpuid_fn fn, void *ctx, const struct cpuid_dump *dump,
			       const uint32_t max[4], uint32_t max7)
{
	struct ftable *ft = h->ft;

	for (size_t i = 0; i < ftable_count(ft); i++) {
		const struct feature *f = ftable_get(ft, (unsigned)i);
		struct cpuid_leaf l = { 0 };

		if (f->loc == LOC_CPUID) {
			uint32_t sub = f->has_subleaf ? f->subleaf : 0;
			if (!cpuid_leaf_ok(f->leaf, max) || !f->reg[0] || f->bit > 31)
				continue;
			if (f->leaf == 7 && sub > max7)
				continue;
			if (!fn(ctx, f->leaf, sub, &l))
				continue;
			if ((cpuid_reg(&l, f->reg) >> f->bit) & 1)
				fset_add(&h->features, f->id);
		} else if (f->loc == LOC_MSR && dump && f->bit < 64) {
			for (size_t k = 0; k < dump->nmsrs; k++) {
				if (dump->msrs[k].index == f->msr && ((dump->msrs[k].value >> f->bit) & 1)) {
					fset_add(&h->features, f->id);
					break;
				}
			}
		}
	}
}

static struct host *cpuid_build(cpuid_fn fn, void *ctx, const struct cpuid_dump *dump,
				struct ftable *ft, const char *source, struct err *e)
{
	struct host *h = NULL;
	struct cpuid_leaf l = { 0 };
	uint32_t max[4] = { 0, 0, 0, 0 };
	uint32_t max7 = 0;
	char vendor[13] = "";
	char brand[49] = "";
	const char *b;
	size_t n;

	if (ft->arch != ARCH_X86_64) {
		err_set(e, source, 0, "CPUID describes x86_64 CPUs, not %s", arch_name(ft->arch));
		return NULL;
	}
	if (!fn(ctx, 0, 0, &l)) {
		err_set(e, source, 0, "no CPUID leaf 0 (not an x86 CPU?)");
		return NULL;
	}
	max[0] = l.eax;
	cpuid_put_reg(vendor, l.ebx);
	cpuid_put_reg(vendor + 4, l.edx);
	cpuid_put_reg(vendor + 8, l.ecx);
	vendor[12] = '\0';
	max[2] = cpuid_range_max(fn, ctx, 0x80000000u);
	max[3] = cpuid_range_max(fn, ctx, 0xc0000000u);
	/* Hypervisor leaves: only KVM's, and only when they say so. */
	if (fn(ctx, 0x40000000u, 0, &l) && l.ebx == 0x4b4d564bu && l.ecx == 0x564b4d56u &&
	    l.edx == 0x4du)
		max[1] = l.eax >= 0x40000001u && l.eax <= 0x4000ffffu ? l.eax : 0x40000001u;

	/* Registers are bytes: a dump (or a hypervisor) may put anything there. */
	if (!text_check("CPUID vendor string", vendor, strlen(vendor), source, 0, e))
		return NULL;
	h = host_new(HOST_CPUID, ARCH_X86_64, ft, source);
	h->vendor = xstrdup(vendor_name(vendor));
	if (max[0] >= 1 && fn(ctx, 1, 0, &l)) {
		unsigned fam = (l.eax >> 8) & 0xf, mod = (l.eax >> 4) & 0xf;
		if (fam == 0xf)
			fam += (l.eax >> 20) & 0xff;
		if (fam == 0x6 || fam >= 0xf)
			mod |= ((l.eax >> 16) & 0xf) << 4;
		h->has_signature = true;
		h->family = (int)fam;
		h->cpu_model = (int)mod;
		h->stepping = (int)(l.eax & 0xf);
	}
	if (max[0] >= 7 && fn(ctx, 7, 0, &l))
		max7 = l.eax;
	if (max[2] >= 0x80000004u) {
		for (uint32_t i = 0; i < 3; i++) {
			if (!fn(ctx, 0x80000002u + i, 0, &l))
				break;
			cpuid_put_reg(brand + 16 * i, l.eax);
			cpuid_put_reg(brand + 16 * i + 4, l.ebx);
			cpuid_put_reg(brand + 16 * i + 8, l.ecx);
			cpuid_put_reg(brand + 16 * i + 12, l.edx);
		}
		brand[48] = '\0';
		for (b = brand; *b == ' '; b++)
			;
		n = strlen(b);
		while (n && b[n - 1] == ' ')
			n--;
		if (n && !text_check("CPUID brand string", b, n, source, 0, e)) {
			host_free(h);
			return NULL;
		}
		if (n)
			h->model_id = xstrndup(b, n);
	}
	cpuid_set_features(h, fn, ctx, dump, max, max7);
	h->resolved = true;
	return h;
}

struct host *cpuid_host(cpuid_fn fn, void *ctx, struct ftable *ft, const char *source,
			struct err *e)
{
	return cpuid_build(fn, ctx, NULL, ft, source ? source : "CPUID", e);
}

struct host *cpuid_local_host(struct ftable *ft, struct err *e)
{
	if (!CPUID_HAVE_NATIVE) {
		err_set(e, "local CPUID", 0, "this build is not for x86: no CPUID instruction");
		return NULL;
	}
	return cpuid_build(cpuid_native, NULL, NULL, ft, "local CPUID", e);
}

/* ---- libvirt <cpudata arch='x86'> dumps --------------------------------- */

static bool cpuid_attr_u32(const xmlNode *n, const char *name, bool required, uint32_t *out,
			   const char *path, struct err *e)
{
	char *s = xml_attr(n, name);
	char *end = NULL;
	unsigned long long v;
	bool ok = false;

	*out = 0;
	if (!s) {
		if (!required)
			return true;
		return err_set(e, path, xml_line(n), "<%s> without %s=", (const char *)n->name, name);
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > 0xffffffffull || s[0] == '-') {
		err_set(e, path, xml_line(n), "<%s>: %s='%s' is not a 32-bit number",
			(const char *)n->name, name, s);
		goto out;
	}
	*out = (uint32_t)v;
	ok = true;
out:
	free(s);
	return ok;
}

/* Reads doc (NULL: parsing failed, e set) and frees it. */
static bool cpuid_parse_dump(const char *path, xmlDoc *doc, struct cpuid_dump *d, struct err *e)
{
	const xmlNode *root;
	char *arch = NULL;
	bool ok = false;

	if (!doc)
		return false;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "cpudata")) {
		err_set(e, path, xml_line(root), "expected a <cpudata> root element, found <%s>",
			(const char *)root->name);
		goto out;
	}
	arch = xml_attr(root, "arch");
	if (!arch || strcmp(arch, "x86")) {
		err_set(e, path, xml_line(root), "<cpudata> is for arch '%s', not x86",
			arch ? arch : "");
		goto out;
	}
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (xml_is(c, "cpuid")) {
			struct cpuid_leaf l = { 0 };
			if (!cpuid_attr_u32(c, "eax_in", true, &l.leaf, path, e) ||
			    !cpuid_attr_u32(c, "ecx_in", false, &l.subleaf, path, e) ||
			    !cpuid_attr_u32(c, "eax", false, &l.eax, path, e) ||
			    !cpuid_attr_u32(c, "ebx", false, &l.ebx, path, e) ||
			    !cpuid_attr_u32(c, "ecx", false, &l.ecx, path, e) ||
			    !cpuid_attr_u32(c, "edx", false, &l.edx, path, e))
				goto out;
			d->leaves = xrealloc(d->leaves, (d->nleaves + 1) * sizeof(*d->leaves));
			d->leaves[d->nleaves++] = l;
		} else if (xml_is(c, "msr")) {
			uint32_t idx = 0, lo = 0, hi = 0;
			if (!cpuid_attr_u32(c, "index", true, &idx, path, e) ||
			    !cpuid_attr_u32(c, "eax", false, &lo, path, e) ||
			    !cpuid_attr_u32(c, "edx", false, &hi, path, e))
				goto out;
			d->msrs = xrealloc(d->msrs, (d->nmsrs + 1) * sizeof(*d->msrs));
			d->msrs[d->nmsrs].index = idx;
			d->msrs[d->nmsrs].value = ((uint64_t)hi << 32) | lo;
			d->nmsrs++;
		}
	}
	if (!d->nleaves) {
		err_set(e, path, xml_line(root), "<cpudata> has no <cpuid> items");
		goto out;
	}
	ok = true;
out:
	free(arch);
	xmlFreeDoc(doc);
	return ok;
}

static struct host *cpuid_host_from_doc(const char *path, xmlDoc *doc, struct ftable *ft,
					struct err *e)
{
	struct cpuid_dump d = { NULL, 0, NULL, 0 };
	struct host *h = NULL;

	if (!cpuid_parse_dump(path, doc, &d, e))
		goto out;
	h = cpuid_build(cpuid_dump_fn, &d, &d, ft, path, e);
out:
	free(d.leaves);
	free(d.msrs);
	return h;
}

struct host *cpuid_host_from_cpudata(const char *path, struct ftable *ft, struct err *e)
{
	return cpuid_host_from_doc(path, xml_load(path, e), ft, e);
}

struct host *cpuid_host_parse_cpudata(const char *file, const char *text, size_t len,
				      struct ftable *ft, struct err *e)
{
	return cpuid_host_from_doc(file, xml_parse(file, text, len, e), ft, e);
}
