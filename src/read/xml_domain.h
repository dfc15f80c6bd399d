/* xml_domain.h - what a libvirt <domain> says beyond its <cpu>: the
 * machine type (<os><type machine='pc-q35-7.2'>hvm</type>).
 *
 * Ownership: the returned string belongs to the caller.
 */
#ifndef CPUSCOPE_SRC_XML_DOMAIN_H
#define CPUSCOPE_SRC_XML_DOMAIN_H

#include <stdbool.h>

struct err;

/* The machine type of the <domain> in path into *out (NULL when the file
 * is no <domain> or names no machine type).  False (e set) when the file
 * cannot be read or parsed. */
bool xml_domain_machine(const char *path, char **out, struct err *e);

#endif
