/* upgrade_internal.h - what upgrade.c and upgrade_text.c share; not a
 * public interface. */
#ifndef CPUSCOPE_SRC_UPGRADE_INTERNAL_H
#define CPUSCOPE_SRC_UPGRADE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "upgrade.h"

/* "QEMU 10.0.2" into buf. */
const char *upg_qemu_name(const struct upgrade_end *x, char *buf, size_t size);
/* "a, b, c" of a vec of names, for the caller to free. */
char *upg_list_str(const struct vec *names);
/* qsort order of char * names. */
int upg_cmp_names(const void *a, const void *b);
/* "starts" / "does not start". */
const char *upg_yes_no(bool v);

/* upgrade.c */
void upg_finding(struct upgrade_report *r, enum upgrade_sev sev, const char *fmt, ...)
	ATTR_FORMAT(3, 4);
void upg_add_list(struct strbuf *sb, const struct vec *names);
char *upg_unquote(const char *json);
const char *upg_provider(const struct upgrade_end *x, char *buf, size_t size);
/* upgrade_diff.c */
void upg_diff_props(struct upgrade_report *r);
void upg_new_versions(struct upgrade_report *r);
void upg_model_verdicts(struct upgrade_report *r);
void upg_alternative(struct upgrade_report *r);
void upg_findings(const struct upgrade_guest *in, struct upgrade_report *r);
void upg_sort_findings(struct vec *v);
void upg_pins(const struct upgrade_guest *in, struct upgrade_report *r);

#endif
