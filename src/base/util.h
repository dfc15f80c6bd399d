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
 * file) when the file is missing, unreadable, a directory, or larger than
 * limit bytes.  The buffer is NUL-terminated; caller frees. */
#define FILE_LIMIT_DEFAULT (64u * 1024u * 1024u)
bool read_file_limited(const char *path, size_t limit, char **out, size_t *len,
		       struct err *e);
/* Write data to path atomically: a temporary file in the same directory,
 * fsync, rename.  On failure nothing is left behind. */
bool write_file_atomic(const char *path, const char *data, size_t len, struct err *e);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t str_distance(const char *a, const char *b);
int str_casecmp(const char *a, const char *b);
/* Natural compare: digits compared as numbers (pc-q35-2.10 > pc-q35-2.9). */
int str_natcmp(const char *a, const char *b);

#endif
