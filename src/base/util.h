/* util.h - allocation, strings, vectors, string maps, files.
 *
 * Ownership: x* allocators abort() on exhaustion (the core never prints;
 * an allocation failure is not a recoverable input error).  A strbuf owns
 * its buffer until sb_take() hands it to the caller.  A vec owns nothing
 * by itself: vec_fini() takes the function that frees each item (or NULL).
 * A strmap copies its keys and lends its values.
 */
#ifndef CPUSCOPE_SRC_UTIL_H
#define CPUSCOPE_SRC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define ATTR_FORMAT(a, b) __attribute__((format(printf, a, b)))
#else
#define ATTR_FORMAT(a, b)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_FORMAT(1, 2);
char *xvasprintf(const char *fmt, va_list ap) ATTR_FORMAT(1, 0);

bool str_eq(const char *a, const char *b); /* NULL-safe */
bool str_startswith(const char *s, const char *prefix);
bool str_endswith(const char *s, const char *suffix);

/* Growable string. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) ATTR_FORMAT(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) ATTR_FORMAT(2, 0);
void sb_xml_escape(struct strbuf *sb, const char *s); /* & < > ' " (always well-formed XML) */
/* The one list of names on the screen: "a, b, c"; past max items
 * "a, b, ... (N more)" (N >= 2: a single extra name is shown instead). */
void sb_add_list(struct strbuf *sb, const char *const *items, size_t n, size_t max);
const char *sb_str(const struct strbuf *sb);          /* never NULL */
char *sb_take(struct strbuf *sb);                     /* caller frees; sb is reset */
void sb_reset(struct strbuf *sb);
void sb_fini(struct strbuf *sb);

/* Pointer vector. */
struct vec {
	void **v;
	size_t n;
	size_t cap;
};
#define VEC_INIT { NULL, 0, 0 }
void vec_push(struct vec *vec, void *item);
void *vec_get(const struct vec *vec, size_t i);
void vec_sort(struct vec *vec, int (*cmp)(const void *a, const void *b)); /* cmp gets item pointers */
void vec_fini(struct vec *vec, void (*free_item)(void *));

/* Open-addressing hash map from string to a lent pointer. */
struct strmap {
	char **keys;
	void **vals;
	size_t n;
	size_t cap;
};
#define STRMAP_INIT { NULL, NULL, 0, 0 }
void strmap_put(struct strmap *m, const char *key, void *val); /* replaces */
void *strmap_get(const struct strmap *m, const char *key);     /* NULL if absent */
bool strmap_has(const struct strmap *m, const char *key);
void strmap_fini(struct strmap *m);

/* Files.  read_file_limited fails with a readable message (naming the
 * file) when the file is missing, unreadable, not a regular file (a
 * directory, a FIFO, a device: "FILE: not a regular file (a FIFO)"), or
 * larger than limit bytes.  "-" is standard input, read whatever it is.
 * The buffer is NUL-terminated; caller frees. */
#define FILE_LIMIT_DEFAULT (64u * 1024u * 1024u)
bool read_file_limited(const char *path, size_t limit, char **out, size_t *len,
		       struct err *e);
/* Open path for reading, refusing (without blocking on a FIFO) anything
 * but a regular file, with read_file_limited's messages; -1 on failure. */
int open_regular(const char *path, struct err *e);
/* Write data to path atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.  A symbolic link is written
 * through (its target is replaced, the link stays); an existing file keeps
 * its mode and owner (refused when the owner cannot be kept); a new file
 * gets 0666 less the umask.  Anything but a regular file is refused.  On
 * failure nothing is left behind (except when only the directory's fsync
 * failed: the file is in place, and the error says so). */
bool write_file_atomic(const char *path, const char *data, size_t len, struct err *e);
/* The checks of write_file_atomic, and a temporary file created and
 * removed beside the target: fails, with the same messages, when a write
 * to path would, so a long computation can be refused before it starts. */
bool write_file_check(const char *path, struct err *e);
/* "a FIFO", "a directory", ... for a st_mode. */
const char *file_type_name(unsigned mode);

/* Display width of a UTF-8 string in terminal columns: wcwidth() of each
 * character under the current LC_CTYPE (a wide character counts 2, a
 * combining one 0); ASCII, a byte that is not UTF-8 and a character
 * wcwidth() does not know (in the C locale: any non-ASCII one) count 1.
 * For ASCII it is strlen(). */
size_t utf8_width(const char *s);
/* s, then spaces up to width columns: printf's %-*s by display width (utf8_width). */
void sb_add_padded(struct strbuf *sb, const char *s, size_t width);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t str_distance(const char *a, const char *b);
int str_casecmp(const char *a, const char *b);
/* Natural compare: digits compared as numbers (pc-q35-2.10 > pc-q35-2.9). */
int str_natcmp(const char *a, const char *b);

/* Append the non-empty comma-separated items of s to out (char *, owned). */
void split_list(const char *s, struct vec *out);

#endif
