/* util.c - allocation, strings, vectors, string maps, files. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "err.h"
#include "text.h"

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	sb_vaddf(&sb, fmt, ap);
	return sb_take(&sb);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_addn(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Always well-formed: what XML 1.0 cannot carry (a byte that is not
 * UTF-8, a C0 control other than tab, newline and CR) becomes U+FFFD;
 * tab, newline, CR, DEL and C1 controls become character references, so
 * they survive attribute normalisation and never reach a terminal raw. */
void sb_xml_escape(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		unsigned cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
			sb_add(sb, "\xef\xbf\xbd");
			i += n ? n : 1;
			continue;
		}
		switch (cp) {
		case '&': sb_add(sb, "&amp;"); break;
		case '<': sb_add(sb, "&lt;"); break;
		case '>': sb_add(sb, "&gt;"); break;
		case '\'': sb_add(sb, "&apos;"); break;
		case '"': sb_add(sb, "&quot;"); break;
		default:
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
				sb_addf(sb, "&#x%X;", cp);
			else
				sb_addn(sb, s + i, n);
			break;
		}
		i += n;
	}
}

void sb_add_list(struct strbuf *sb, const char *const *items, size_t n, size_t max)
{
	/* never "... (1 more)": one more name takes no more room than that */
	size_t shown = n > max + 1 ? max : n;

	for (size_t i = 0; i < shown; i++) {
		sb_add(sb, i ? ", " : "");
		sb_add(sb, items[i]);
	}
	if (shown < n)
		sb_addf(sb, "%s... (%zu more)", shown ? ", " : "", n - shown);
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->s ? sb->s : "";
}

char *sb_take(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

void sb_fini(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void vec_push(struct vec *vec, void *item)
{
	if (vec->n == vec->cap) {
		vec->cap = vec->cap ? vec->cap * 2 : 8;
		vec->v = xrealloc(vec->v, vec->cap * sizeof(*vec->v));
	}
	vec->v[vec->n++] = item;
}

void *vec_get(const struct vec *vec, size_t i)
{
	return i < vec->n ? vec->v[i] : NULL;
}

void vec_sort(struct vec *vec, int (*cmp)(const void *a, const void *b))
{
	if (vec->n > 1)
		qsort(vec->v, vec->n, sizeof(*vec->v), cmp);
}

void vec_fini(struct vec *vec, void (*free_item)(void *))
{
	if (free_item)
		for (size_t i = 0; i < vec->n; i++)
			free_item(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)str_hash(key) & mask;

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static void strmap_grow(struct strmap *m)
{
	struct strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.keys[i])
			continue;
		size_t j = strmap_slot(m, old.keys[i]);
		m->keys[j] = old.keys[i];
		m->vals[j] = old.vals[i];
		m->n++;
	}
	free(old.keys);
	free(old.vals);
}

void strmap_put(struct strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	size_t i = strmap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->n++;
	}
	m->vals[i] = val;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = strmap_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

bool strmap_has(const struct strmap *m, const char *key)
{
	return m->cap && m->keys[strmap_slot(m, key)] != NULL;
}

void strmap_fini(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->n = m->cap = 0;
}

int open_regular(const char *path, struct err *e)
{
	struct stat st;
	int fd, fl;

	/* O_NONBLOCK: opening a FIFO without a writer must not block. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err_set(e, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		err_set(e, path, 0, "cannot open: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			err_set(e, path, 0, "is a directory, not a file");
		else
			err_set(e, path, 0, "not a regular file (%s)", file_type_name(st.st_mode));
		close(fd);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

bool read_file_limited(const char *path, size_t limit, char **out, size_t *len, struct err *e)
{
	FILE *f = NULL;
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	bool ok = false;

	*out = NULL;
	if (len)
		*len = 0;
	if (strcmp(path, "-") == 0) {
		f = stdin;
	} else {
		int fd = open_regular(path, e);

		if (fd < 0)
			return false;
		f = fdopen(fd, "rb");
		if (!f) {
			err_set(e, path, 0, "cannot open: %s", strerror(errno));
			close(fd);
			return false;
		}
		if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > limit) {
			err_set(e, path, 0, "file too large (%lld bytes; the limit is %zu)",
				(long long)st.st_size, limit);
			goto out;
		}
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			/* the input itself may be what exhausts memory: say so */
			char *nb;
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				err_set(e, path, 0, "out of memory (reading %zu bytes)", n);
				goto out;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (n > limit) {
			err_set(e, path, 0, "file too large (over %zu bytes)", limit);
			goto out;
		}
		if (r == 0) {
			if (ferror(f)) {
				err_set(e, path, 0, "read error: %s", strerror(errno));
				goto out;
			}
			break;
		}
	}
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	if (len)
		*len = n;
	ok = true;
out:
	free(buf);
	if (f && f != stdin)
		fclose(f);
	return ok;
}

/* ---- writing files ------------------------------------------------------ */

const char *file_type_name(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "not a file";
	}
}

#define SYMLINK_MAX_HOPS 40

/* Where a write to path lands: path with every symbolic link of its last
 * component followed, also to a target that does not exist yet.  Sets
 * *exists and *st (when it exists). */
static char *write_target(const char *path, bool *exists, struct stat *st, struct err *e)
{
	char *cur = xstrdup(path);

	for (int hop = 0;; hop++) {
		char buf[4096];
		ssize_t n;
		const char *slash;
		char *next;

		if (lstat(cur, st) != 0) {
			if (errno != ENOENT) {
				err_set(e, path, 0, "%s", strerror(errno));
				break;
			}
			*exists = false;
			return cur;
		}
		if (!S_ISLNK(st->st_mode)) {
			*exists = true;
			return cur;
		}
		if (hop == SYMLINK_MAX_HOPS) {
			err_set(e, path, 0, "too many levels of symbolic links");
			break;
		}
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0 || n == (ssize_t)sizeof(buf) - 1) {
			err_set(e, path, 0, "cannot read the symbolic link %s: %s", cur,
				n < 0 ? strerror(errno) : "target too long");
			break;
		}
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		if (buf[0] == '/' || !slash)
			next = xstrdup(buf);
		else
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, buf);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}

/* An empty temporary file beside target ("TARGET.tmp.XXXXXX"), created
 * with O_EXCL and mode 0666 so the umask (and a default ACL) applies. */
static int temp_beside(const char *target, char **tmp_out)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	uint64_t x;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^
	    ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)tmp_out;
	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		char *tmp;
		int fd;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		for (int i = 0; i < 6; i++)
			suffix[i] = digits[(x >> (10 + 6 * i)) % (sizeof(digits) - 1)];
		suffix[6] = '\0';
		tmp = xasprintf("%s.tmp.%s", target, suffix);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd >= 0) {
			*tmp_out = tmp;
			return fd;
		}
		free(tmp);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Prepare a write to path: the target (symlinks followed), refused when
 * it is not a regular file; an open temporary file beside it that has the
 * existing file's owner and mode (a new file: the umask's). */
static int write_prepare(const char *path, char **target_out, char **tmp_out, struct err *e)
{
	struct stat st, tst;
	bool exists = false;
	char *target = write_target(path, &exists, &st, e);
	int fd;

	*target_out = *tmp_out = NULL;
	if (!target)
		return -1;
	if (exists && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			err_set(e, path, 0, "is a directory, not a file");
		else
			err_set(e, path, 0, "not a regular file (%s); not replacing it",
				file_type_name(st.st_mode));
		free(target);
		return -1;
	}
	fd = temp_beside(target, tmp_out);
	if (fd < 0) {
		err_set(e, path, 0, "cannot create a temporary file beside it: %s", strerror(errno));
		free(target);
		return -1;
	}
	if (exists) {
		/* owner first: chown may clear the set-id bits chmod then sets */
		if (fstat(fd, &tst) == 0 && (tst.st_uid != st.st_uid || tst.st_gid != st.st_gid) &&
		    fchown(fd, st.st_uid, st.st_gid) != 0) {
			err_set(e, path, 0, "cannot keep its owner (%lu:%lu) in a replacement: %s; "
				"not replacing it", (unsigned long)st.st_uid, (unsigned long)st.st_gid,
				strerror(errno));
			goto fail;
		}
		if (fchmod(fd, st.st_mode & 07777) != 0) {
			err_set(e, path, 0, "cannot keep its mode (%04o) in a replacement: %s; "
				"not replacing it", (unsigned)(st.st_mode & 07777), strerror(errno));
			goto fail;
		}
	}
	*target_out = target;
	return fd;
fail:
	close(fd);
	unlink(*tmp_out);
	free(*tmp_out);
	*tmp_out = NULL;
	free(target);
	return -1;
}

/* fsync the directory holding path, so a rename into it is durable. */
static bool sync_dir_of(const char *path, const char *label, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = !slash ? xstrdup(".") : slash == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = true;

	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)) {
		err_set(e, label, 0, "written, but cannot fsync its directory %s: %s", dir,
			strerror(errno));
		ok = false;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return ok;
}

bool write_file_check(const char *path, struct err *e)
{
	char *target = NULL, *tmp = NULL;
	int fd = write_prepare(path, &target, &tmp, e);

	if (fd < 0)
		return false;
	close(fd);
	unlink(tmp);
	free(tmp);
	free(target);
	return true;
}

bool write_file_atomic(const char *path, const char *data, size_t len, struct err *e)
{
	char *target = NULL, *tmp = NULL;
	int fd = write_prepare(path, &target, &tmp, e);
	bool ok = false;

	if (fd < 0)
		return false;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, path, 0, "write error: %s", strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 && errno != EINVAL) {
		err_set(e, path, 0, "fsync failed: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		err_set(e, path, 0, "close failed: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, target) != 0) {
		err_set(e, path, 0, "cannot rename the temporary file into place: %s",
			strerror(errno));
		unlink(tmp);
		goto out;
	}
	ok = sync_dir_of(target, path, e);
out:
	free(tmp);
	free(target);
	return ok;
}

/* ---- display width ------------------------------------------------------ */

/* One UTF-8 sequence at s: its code point and length, or false when the
 * bytes are not one (overlong, surrogate, beyond U+10FFFF, cut short). */
static bool utf8_next(const unsigned char *s, uint32_t *cp, size_t *len)
{
	uint32_t c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		*len = 1;
		return true;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return false;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return false;
	*cp = c;
	*len = n;
	return true;
}

size_t utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t cp;
		size_t len;
		int cw;

		if (!utf8_next(p, &cp, &len)) {
			w++; /* a stray byte: one column (a replacement character) */
			p++;
			continue;
		}
		p += len;
		if (cp < 0x80) {
			w++; /* as printf counts it */
			continue;
		}
		cw = wcwidth((wchar_t)cp);
		w += cw >= 0 ? (size_t)cw : 1;
	}
	return w;
}

void sb_add_padded(struct strbuf *sb, const char *s, size_t width)
{
	size_t w = utf8_width(s);

	sb_add(sb, s);
	for (; w < width; w++)
		sb_addc(sb, ' ');
}

size_t str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

int str_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

int str_natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long long na = strtoull(a, &ea, 10), nb = strtoull(b, &eb, 10);
			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

void split_list(const char *s, struct vec *out)
{
	while (*s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		if (n)
			vec_push(out, xstrndup(s, n));
		s += n + (c ? 1 : 0);
	}
}
