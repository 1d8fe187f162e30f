/*
 * An object's members sorted by key, for a merge walk over two of them
 * (capability ids of two snapshots): O(n log n) comparisons in all,
 * never a lookup by key.  The findings, much larger, never stand as an
 * object: history/snapshot.h walks them as a sorted list.
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

#endif
