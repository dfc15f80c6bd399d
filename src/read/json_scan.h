/* json_scan.h - a cheap first pass over JSON text, before a parser builds
 * anything (qmp_json.c with json-c, snapshot_read.c with snap_json.c).
 *
 * It refuses, with FILE:LINE and a message, what both parsers would
 * otherwise let through or treat differently:
 *   - a string that is not valid UTF-8 (json-c takes CESU-8 surrogates),
 *   - \u0000 in a string (json-c keeps it, C strings end there),
 *   - a lone surrogate escape such as \ud800 (json-c turns it into U+FFFD),
 * and it bounds the memory a parser may spend on the input: every object,
 * array, item and string byte has a cost (what the parser allocates for
 * it, about), and the sum may not exceed per_byte times the input size
 * plus floor.  A file of millions of tiny values ("{}" lines, "[0,0,...]")
 * is refused here, before any allocation, instead of taking gigabytes.
 * Nesting deeper than max_depth stops the count; the parser then reports
 * it in its own words.
 */
#ifndef CPUSCOPE_SRC_JSON_SCAN_H
#define CPUSCOPE_SRC_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

struct err;

struct json_costs {
	size_t object;  /* per object */
	size_t array;   /* per array */
	size_t member;  /* per object member (key and value) */
	size_t item;    /* per array item and top-level value */
	size_t string;  /* per string, on top of its length */
	unsigned per_byte;
	size_t floor;
};

/* Items in one array or members in one object. */
#define JSON_MAX_ITEMS (1u << 20)

/* What a parser of this family spends (see the .c for the figures). */
extern const struct json_costs json_costs_jsonc;
extern const struct json_costs json_costs_snapshot;

struct json_scan_stats {
	size_t objects, arrays, members, items, strings, string_bytes;
	size_t cost;  /* in bytes */
	size_t limit; /* per_byte * len + floor */
};

/* Scan text[0..len) (any number of top-level values); false with e set
 * when it is refused.  stats may be NULL. */
bool json_scan(const char *file, const char *text, size_t len, const struct json_costs *c,
	       int max_depth, struct json_scan_stats *stats, struct err *e);

#endif
