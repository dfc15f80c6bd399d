/* cache.h - live probe results cached under $XDG_CACHE_HOME/cpuscope.
 *
 * A cache entry is a snapshot file (snapshot.h) named
 * BINARY-ACCEL-HASH.json in $XDG_CACHE_HOME/cpuscope (default
 * ~/.cache/cpuscope).  HASH covers the key: the binary's real path, device,
 * inode, size and mtime (ns), the accelerator, the machine-type selection
 * ("all" or the list as given) and the cache format.  The QEMU version is
 * not part of the key: it is only known after starting QEMU, and a new QEMU
 * package changes the binary's size/mtime/inode anyway; the version is
 * stored inside the snapshot ("qemu"."version").  Only complete probes are
 * stored (never one with missing parts), atomically (temp + rename), so a
 * reader never sees half a file; an entry that fails to load is a miss.
 *
 * Ownership: cache_key_fini() frees what cache_key_init() filled.
 */
#ifndef CPUSCOPE_SRC_CACHE_H
#define CPUSCOPE_SRC_CACHE_H

#include <stdbool.h>

#include "model.h"
#include "probe.h"

struct err;

#define CACHE_FORMAT "cpuscope-cache/1"

struct cache_key {
	char *text; /* the key, one field per line */
	char *file; /* the cache file */
};

/* $XDG_CACHE_HOME/cpuscope or $HOME/.cache/cpuscope; NULL when neither
 * variable is set.  Caller frees. */
char *cache_dir(void);
/* machines: "all" or the list as given (e.g. "pc-q35-7.2,none"). */
bool cache_key_init(struct cache_key *k, const char *binary, const char *accel,
		    const char *machines, struct err *e);
void cache_key_fini(struct cache_key *k);
/* The cached dataset, or NULL on a miss (or an unreadable/stale entry). */
struct dataset *cache_load(const struct cache_key *k, struct ftable *ft);
/* Store a complete probe (creates the directory). */
bool cache_store(const struct cache_key *k, const struct dataset *ds, struct err *e);

/* Probe through the cache: a hit returns the stored dataset (*hit = true,
 * no QEMU started); a miss runs probe_run() and stores the result when it
 * is complete.  use_cache = false bypasses the cache both ways.  A cache
 * that cannot be written is not an error (the dataset is returned). */
struct dataset *cache_probe(const struct probe_opts *o, struct ftable *ft, bool use_cache,
			    bool *hit, struct err *e);

#endif
