#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

uint64_t
og_hash64(const void *data, size_t len, uint64_t seed)
{
	/* FNV-1a with a final avalanche (splitmix64): fast, stable across
	 * machines, good enough for non-adversarial keys. */
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

void
og_strmap_init(struct og_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
og_strmap_clear(struct og_strmap *m)
{
	free(m->keys);
	free(m->hashes);
	free(m->vals);
	og_strmap_init(m);
}

static size_t
slot_of(const struct og_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;

	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
		i = (i + 1) & mask;
	return i;
}

static uint64_t
key_hash(const char *key)
{
	return og_hash64(key, strlen(key), 0);
}

bool
og_strmap_get(const struct og_strmap *m, const char *key, size_t *ret_val)
{
	size_t i;

	if (m->cap == 0)
		return false;
	i = slot_of(m, key, key_hash(key));
	if (!m->keys[i])
		return false;
	*ret_val = m->vals[i];
	return true;
}

static void
grow(struct og_strmap *m)
{
	struct og_strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->keys = og_xcalloc(m->cap, sizeof(*m->keys));
	m->hashes = og_xcalloc(m->cap, sizeof(*m->hashes));
	m->vals = og_xcalloc(m->cap, sizeof(*m->vals));
	m->n = old.n;
	for (size_t i = 0; i < old.cap; i++) {
		size_t j;

		if (!old.keys[i])
			continue;
		j = slot_of(m, old.keys[i], old.hashes[i]);
		m->keys[j] = old.keys[i];
		m->hashes[j] = old.hashes[i];
		m->vals[j] = old.vals[i];
	}
	free(old.keys);
	free(old.hashes);
	free(old.vals);
}

void
og_strmap_put(struct og_strmap *m, const char *key, size_t val)
{
	uint64_t h = key_hash(key);
	size_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)	/* keep load under 3/4 */
		grow(m);
	i = slot_of(m, key, h);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->hashes[i] = h;
		m->n++;
	}
	m->vals[i] = val;
}
