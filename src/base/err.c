/* err.c - error reports from the core. */
#include "err.h"

#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(struct err *e)
{
	if (!e)
		return;
	e->file[0] = '\0';
	e->line = 0;
	e->col = 0;
	e->msg[0] = '\0';
}

bool err_isset(const struct err *e)
{
	return e && e->msg[0] != '\0';
}

static void err_vset(struct err *e, const char *file, int line, int col, const char *fmt,
		     va_list ap)
{
	if (!e)
		return;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

bool err_set(struct err *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, file, line, 0, fmt, ap);
	va_end(ap);
	return false;
}

bool err_setcol(struct err *e, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, file, line, col, fmt, ap);
	va_end(ap);
	return false;
}

/* File and message may carry bytes of the input (a model name, a file
 * name): both are escaped (text.h), so what err_str() gives is safe to
 * print on a terminal. */
const char *err_str(const struct err *e, char *buf, unsigned size)
{
	size_t n = 0;

	if (!size)
		return buf;
	if (!e || !e->msg[0]) {
		snprintf(buf, size, "unknown error");
		return buf;
	}
	buf[0] = '\0';
	if (e->file[0]) {
		n += text_escape_buf(buf, size, e->file, strlen(e->file));
		if (e->line > 0)
			snprintf(buf + n, size - n, ":%d: ", e->line);
		else
			snprintf(buf + n, size - n, ": ");
		n += strlen(buf + n);
	}
	text_escape_buf(buf + n, size - n, e->msg, strlen(e->msg));
	return buf;
}
