/*
 * The one hash table of opsgrade: open addressing, linear probing, load
 * at most 3/4.  A slot keeps the key's og_hash64 beside a borrowed key
 * pointer and a value, so a probe touches one cache line and compares
 * keys only when the hashes agree.  The table owns no key: what a key is
 * (a string, an event, a JSON member) is the caller's, who passes the
 * hash and an equality test; with no test, equal hashes are one key (a
 * set of 64-bit digests).
 *
 * Self-contained (libc only): compiled into libopsgrade and into the
 * plugins' helper library, like hash.c.  The lookup is inline so the
 * caller's equality test inlines into its probe loop.
 */
#ifndef OG_HTAB_H
#define OG_HTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

struct og_htab_slot {
	uint64_t hash;
	const void *key;	/* NULL: empty slot */
	size_t val;
};

struct og_htab {
	struct og_htab_slot *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t n;
	bool borrowed;		/* slots are the caller's (og_htab_init_buf) */
};

/* Whether stored key @a is the key @b looked up. */
typedef bool (*og_htab_eq_fn)(const void *a, const void *b);

void og_htab_init(struct og_htab *t);
/* A table over @cap zeroed slots the caller owns (@cap a power of two):
 * for a short-lived table on the stack, which never grows, so it holds
 * at most 3/4 of @cap keys (og_htab_reserve says false past that). */
void og_htab_init_buf(struct og_htab *t, struct og_htab_slot *slots, size_t cap);
void og_htab_clear(struct og_htab *t);
/* Room for @n keys; false when out of memory (the table is unchanged). */
bool og_htab_reserve(struct og_htab *t, size_t n);

/* The slot holding @key (hash @h), or the empty slot where it would go.
 * The table must have room (og_htab_reserve, or cap > 0 for a lookup). */
static inline struct og_htab_slot *
og_htab_find(const struct og_htab *t, uint64_t h, og_htab_eq_fn eq,
	     const void *key)
{
	size_t mask = t->cap - 1, i = (size_t)h & mask;

	while (t->slot[i].key &&
	       (t->slot[i].hash != h || (eq && !eq(t->slot[i].key, key))))
		i = (i + 1) & mask;
	return &t->slot[i];
}

/* The slot holding @key, or NULL. */
static inline struct og_htab_slot *
og_htab_get(const struct og_htab *t, uint64_t h, og_htab_eq_fn eq,
	    const void *key)
{
	struct og_htab_slot *s;

	if (!t->cap)
		return NULL;
	s = og_htab_find(t, h, eq, key);
	return s->key ? s : NULL;
}

/* Find @key's slot, or claim an empty one for it (key = @key, val = 0);
 * NULL when out of memory.  *@ret_new says which.  The caller may then
 * replace slot->key with an equal key it owns longer. */
static inline struct og_htab_slot *
og_htab_claim(struct og_htab *t, uint64_t h, og_htab_eq_fn eq,
	      const void *key, bool *ret_new)
{
	struct og_htab_slot *s;

	if ((t->n + 1) * 4 >= t->cap * 3 && !og_htab_reserve(t, t->n + 1))
		return NULL;
	s = og_htab_find(t, h, eq, key);
	*ret_new = !s->key;
	if (*ret_new) {
		*s = (struct og_htab_slot){ .hash = h, .key = key };
		t->n++;
	}
	return s;
}

#endif
