/* err.h - error reports from the core.
 *
 * Every parser and I/O function takes a struct err * and fills it on
 * failure: the file (or "<string>"/"-"), a 1-based line (0: none), a
 * 1-based column (0: none) and a readable message.  err_str() renders
 * "FILE:LINE: message" (or "FILE: message" when there is no line), which
 * is what the CLI prints after "cpuscope: ".
 */
#ifndef CPUSCOPE_SRC_ERR_H
#define CPUSCOPE_SRC_ERR_H

#include <stdbool.h>

#include "util.h"

struct err {
	char file[512];
	int line;
	int col;
	char msg[1024];
};

void err_clear(struct err *e);
bool err_isset(const struct err *e);
/* Always returns false, so "return err_set(...)" reads naturally. */
bool err_set(struct err *e, const char *file, int line, const char *fmt, ...) ATTR_FORMAT(4, 5);
bool err_setcol(struct err *e, const char *file, int line, int col, const char *fmt, ...)
	ATTR_FORMAT(5, 6);
/* "FILE:LINE: msg" into buf, file and msg escaped for a terminal
 * (text_escape() of text.h); returns buf. */
const char *err_str(const struct err *e, char *buf, unsigned size);

#endif
