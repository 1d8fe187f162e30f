/*
 * Set differences of two JSON objects' keys (history snapshots: finding
 * fingerprints, capability ids), by one merge walk over both key lists
 * sorted once: O(n log n) comparisons in all, never a lookup by key.
 */
#ifndef OG_HISTORY_KEYDIFF_H
#define OG_HISTORY_KEYDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* A member of an object: its key and value, borrowed from the tree. */
struct og_member {
	const char *key;
	const cJSON *val;
};

/* Members of @obj sorted by key (strcmp order), a new array (caller
 * frees); *ret_cmps, when given, grows by the key comparisons made. */
struct og_member *og_sorted_members(const cJSON *obj, size_t *ret_n,
				    unsigned long *ret_cmps);

struct og_key_diff {
	const struct og_member *before, *now;	/* sorted */
	size_t n_before, n_now;
	/* A key counts on a side only when @keep(value) holds (NULL: all). */
	bool (*keep)(const cJSON *v);
	cJSON *added, *removed;	/* arrays of keys, capped at list_max */
	size_t list_max;
	/* out */
	long n_added, n_removed, n_both;
	unsigned long comparisons;	/* key comparisons made by the walk */
};

/* Walk both sorted lists once, filling the out members of @d. */
void og_key_diff(struct og_key_diff *d);

#endif
