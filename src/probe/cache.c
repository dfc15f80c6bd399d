/* cache.c - live probe results cached as snapshot files (see cache.h). */
#include "cache.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"
#include "snapshot.h"
#include "util.h"

char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/cpuscope", xdg);
	if (home && *home)
		return xasprintf("%s/.cache/cpuscope", home);
	return NULL;
}

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		h ^= *c;
		h *= 0x100000001b3ull;
	}
	return h;
}

bool cache_key_init(struct cache_key *k, const char *binary, const char *accel,
		    const char *machines, struct err *e)
{
	char *path = NULL, *real = NULL, *dir = NULL;
	const char *base;
	struct stat st;
	bool ok = false;

	k->text = k->file = NULL;
	if (!probe_find_binary(binary, &path, e))
		goto out;
	real = realpath(path, NULL);
	if (!real || stat(real, &st) != 0) {
		err_set(e, binary, 0, "%s", strerror(errno));
		goto out;
	}
	dir = cache_dir();
	if (!dir) {
		err_set(e, "cache", 0, "neither XDG_CACHE_HOME nor HOME is set");
		goto out;
	}
	k->text = xasprintf("%s\n%s\n%llu\n%llu\n%lld\n%lld.%09ld\n%s\n%s\n", CACHE_FORMAT, real,
			    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
			    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			    (long)st.st_mtim.tv_nsec, accel, machines ? machines : "all");
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	k->file = xasprintf("%s/%s-%s-%016llx%016llx.json", dir, base, accel,
			    (unsigned long long)fnv1a(k->text, 0xcbf29ce484222325ull),
			    (unsigned long long)fnv1a(k->text, 0x84222325cbf29ce4ull));
	ok = true;
out:
	free(path);
	free(real);
	free(dir);
	return ok;
}

void cache_key_fini(struct cache_key *k)
{
	free(k->text);
	free(k->file);
	k->text = k->file = NULL;
}

struct dataset *cache_load(const struct cache_key *k, struct ftable *ft)
{
	struct dataset *ds = NULL;
	struct err e;
	struct stat st;

	if (!k->file || stat(k->file, &st) != 0)
		return NULL;
	err_clear(&e);
	ds = snapshot_load(k->file, ft, &e);
	if (ds && (ds->missing.n > 0 || ds->arch != ft->arch)) {
		dataset_free(ds);
		ds = NULL;
	}
	return ds;
}

static bool mkdir_p(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	bool ok = false;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			err_set(e, p, 0, "cannot create the cache directory: %s", strerror(errno));
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p, 0755) != 0 && errno != EEXIST) {
		err_set(e, p, 0, "cannot create the cache directory: %s", strerror(errno));
		goto out;
	}
	ok = true;
out:
	free(p);
	return ok;
}

bool cache_store(const struct cache_key *k, const struct dataset *ds, struct err *e)
{
	char *dir = NULL, *slash;
	bool ok = false;

	if (ds->missing.n > 0)
		return err_set(e, k->file, 0, "not caching a partial probe");
	dir = xstrdup(k->file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!mkdir_p(dir, e))
		goto out;
	ok = snapshot_write(ds, k->file, e);
out:
	free(dir);
	return ok;
}

static char *machines_spec(const struct probe_opts *o)
{
	struct strbuf sb = STRBUF_INIT;

	if (!o->machines || o->all_machines)
		return xstrdup("all");
	for (const char *const *m = o->machines; *m; m++) {
		if (sb.len)
			sb_addc(&sb, ',');
		sb_add(&sb, *m);
	}
	return sb_take(&sb);
}

struct dataset *cache_probe(const struct probe_opts *o, struct ftable *ft, bool use_cache,
			    bool *hit, struct err *e)
{
	struct cache_key k = { NULL, NULL };
	struct dataset *ds = NULL;
	char *spec = NULL;
	bool keyed = false;
	struct err ce;

	if (hit)
		*hit = false;
	if (use_cache) {
		spec = machines_spec(o);
		err_clear(&ce);
		keyed = cache_key_init(&k, o->binary, o->accel ? o->accel :
				       probe_default_accel(ft->arch), spec, &ce);
		if (keyed) {
			ds = cache_load(&k, ft);
			if (ds) {
				if (hit)
					*hit = true;
				goto out;
			}
		}
	}
	ds = probe_run(o, ft, e);
	if (ds && keyed && ds->missing.n == 0) {
		err_clear(&ce);
		cache_store(&k, ds, &ce); /* best effort */
	}
out:
	cache_key_fini(&k);
	free(spec);
	return ds;
}
