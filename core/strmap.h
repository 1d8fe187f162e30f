/*
 * The one hash table (htab.h) keyed by borrowed NUL-terminated strings,
 * mapping them to indexes.  The map never owns keys: they must outlive
 * it (the model keeps them).
 */
#ifndef OG_STRMAP_H
#define OG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "htab.h"
#include "util.h"

struct og_strmap {
	struct og_htab t;
};

static inline bool
og_strmap_key_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

static inline uint64_t
og_strmap_hash(const char *key)
{
	return og_hash64(key, strlen(key), 0);
}

static inline void
og_strmap_init(struct og_strmap *m)
{
	og_htab_init(&m->t);
}

static inline void
og_strmap_clear(struct og_strmap *m)
{
	og_htab_clear(&m->t);
}

static inline bool
og_strmap_get(const struct og_strmap *m, const char *key, size_t *ret_val)
{
	const struct og_htab_slot *s =
		og_htab_get(&m->t, og_strmap_hash(key), og_strmap_key_eq, key);

	if (s)
		*ret_val = s->val;
	return s != NULL;
}

/* Find @key's slot, or claim one for it (key = @key, val = 0); one hash
 * either way.  The caller may then replace slot->key with an equal
 * string it owns, and set slot->val. */
static inline struct og_htab_slot *
og_strmap_slot(struct og_strmap *m, const char *key, bool *ret_new)
{
	struct og_htab_slot *s = og_htab_claim(&m->t, og_strmap_hash(key),
					       og_strmap_key_eq, key, ret_new);

	if (!s)
		og_oom();
	return s;
}

/* Insert or replace. */
static inline void
og_strmap_put(struct og_strmap *m, const char *key, size_t val)
{
	bool is_new;

	og_strmap_slot(m, key, &is_new)->val = val;
}

#endif
