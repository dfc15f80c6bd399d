/* s390x_names.h - IBM's names for the machines behind QEMU's s390x CPU
 * models.
 *
 * QEMU names its s390x models after the machines (z14, z14.2 for its second
 * GA level, z14ZR1), but from z15 on after the generation only (gen15a,
 * gen15b, ...), so a user typing "z15" or "LinuxONE III" finds nothing.  The
 * table maps every QEMU model (7.2.22 and 10.0.2; -base models share their
 * model's entry) to the machine: its IBM product name, machine type,
 * generation and GA level, the LinuxONE machine of the same type, and the
 * names people type for it.  Sources: the model descriptions of
 * `qemu-system-s390x -cpu help` of QEMU 7.2.22 and 10.0.2 (generation and
 * GA level by QEMU's own naming: "IBM z14 GA2" is z14.2, "IBM z15 T01 GA1"
 * gen15a, "IBM 3931 GA1" gen16a), and IBM's machine types for the product
 * and LinuxONE names (README, "s390x").
 */
#ifndef CPUSCOPE_SRC_S390X_NAMES_H
#define CPUSCOPE_SRC_S390X_NAMES_H

#include <stddef.h>

struct s390x_name {
	const char *qemu;         /* QEMU's model name: "gen15a" */
	int gen, ga;              /* generation 15, GA level 1 */
	const char *machine_type; /* "8561" */
	const char *product;      /* "IBM z15 T01" */
	const char *linuxone;     /* "IBM LinuxONE III LT1", or NULL */
	const char *typed;        /* other names people use, '|'-separated ("z15|z15 T01") */
};

/* The entry of a QEMU model name ("gen15a", "gen15a-base", "z14.2"), or
 * NULL (max, qemu, host, or a model not in the table). */
const struct s390x_name *s390x_name_of(const char *qemu_model);
/* A name as a user types it ("z15", "z15 T02", "LinuxONE Emperor 4",
 * "8561"; case, blanks, '-' and '_' ignored) to the QEMU model it stands
 * for (its first GA level), or NULL when it is no such name.  A QEMU name
 * itself is not looked up here. */
const struct s390x_name *s390x_name_lookup(const char *typed);
/* "IBM z15 T01 / IBM LinuxONE III LT1, machine type 8561, generation 15
 * GA1" into buf. */
const char *s390x_name_text(const struct s390x_name *n, char *buf, size_t size);
/* Every entry, in QEMU's order (oldest first); *n gets the count. */
const struct s390x_name *s390x_names(size_t *n);

#endif
