/* vendor.h - x86 CPU vendors: the CPUID vendor string a CPU reports
 * ("GenuineIntel") and the name libvirt gives it ("Intel").
 *
 * One table: the vendors of libvirt's cpu_map (x86_vendors.xml: Intel,
 * AMD, Hygon) and what CPUID names besides (Zhaoxin's "CentaurHauls" and
 * "  Shanghai  ", which libvirt's map does not list).  Every reader and
 * every front end maps through here; a unit test checks the table
 * against the bundled cpu_map.
 */
#ifndef CPUSCOPE_SRC_VENDOR_H
#define CPUSCOPE_SRC_VENDOR_H

/* libvirt's name for a CPUID vendor string; other strings unchanged
 * (never NULL for a non-NULL argument). */
const char *vendor_name(const char *cpuid_string);
/* The CPUID vendor string of a libvirt vendor name (the first, for a
 * vendor with several), or NULL when the name is not a vendor. */
const char *vendor_cpuid_string(const char *name);

#endif
