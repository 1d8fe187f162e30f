/*
 * Open-addressing hash map from borrowed NUL-terminated keys to indexes.
 * The map never owns keys: they must outlive it (the model keeps them).
 */
#ifndef OG_STRMAP_H
#define OG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct og_strmap {
	const char **keys;
	uint64_t *hashes;	/* compared before strcmp: most probes miss */
	size_t *vals;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

void og_strmap_init(struct og_strmap *m);
void og_strmap_clear(struct og_strmap *m);
bool og_strmap_get(const struct og_strmap *m, const char *key, size_t *ret_val);
/* Find @key's slot, or claim one for it (keys[slot] = @key, vals[slot]
 * = 0); one hash either way.  The caller may then replace keys[slot]
 * with an equal string it owns, and set vals[slot]. */
size_t og_strmap_slot(struct og_strmap *m, const char *key, bool *ret_new);
/* Insert or replace. */
void og_strmap_put(struct og_strmap *m, const char *key, size_t val);

uint64_t og_hash64(const void *data, size_t len, uint64_t seed);

#endif
