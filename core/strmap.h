/*
 * Open-addressing hash map from borrowed NUL-terminated keys to indexes.
 * The map never owns keys: they must outlive it (the model keeps them).
 */
#ifndef OG_STRMAP_H
#define OG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* One entry per slot, hash beside key and value: a probe touches one
 * cache line, which is what a million-key merge waits on. */
struct og_strmap_entry {
	uint64_t hash;		/* compared before strcmp: most probes miss */
	const char *key;	/* NULL: empty slot */
	size_t val;
};

struct og_strmap {
	struct og_strmap_entry *e;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

void og_strmap_init(struct og_strmap *m);
void og_strmap_clear(struct og_strmap *m);
bool og_strmap_get(const struct og_strmap *m, const char *key, size_t *ret_val);
/* Find @key's slot, or claim one for it (e[slot].key = @key, .val = 0);
 * one hash either way.  The caller may then replace e[slot].key with an
 * equal string it owns, and set e[slot].val. */
size_t og_strmap_slot(struct og_strmap *m, const char *key, bool *ret_new);
/* Insert or replace. */
void og_strmap_put(struct og_strmap *m, const char *key, size_t val);

#endif
