/* virsh.h - which libvirt is installed here: `virsh --version`.
 *
 * And a running libvirtd's domcapabilities (--libvirt URI).
 *
 * virsh is looked up in PATH and run directly (no shell), with standard
 * input and error on /dev/null; it is killed when it has not answered
 * within the timeout, and reaped before the call returns.  Nothing is
 * cached: each call asks again.
 */
#ifndef CPUSCOPE_SRC_VIRSH_H
#define CPUSCOPE_SRC_VIRSH_H

#include <stdbool.h>

struct err;

/* The version virsh prints ("11.3.0"), for the caller to free.  false
 * with e set when there is no virsh in PATH, it cannot be run, it does not
 * answer in time, or what it prints is not a version. */
bool probe_virsh_version(double timeout, char **version, struct err *e);

/* `virsh -c URI domcapabilities [--virttype T] [--arch A]` (it only asks;
 * libvirt refuses domcapabilities on a -r connection):
 * the XML, for the caller to free.  false with e set when virsh is
 * missing, libvirt does not answer (virsh's own message), or the deadline
 * passes (default 30 s). */
bool probe_virsh_domcapabilities(const char *uri, const char *virttype, const char *arch,
				 double timeout, char **xml, struct err *e);

#endif
