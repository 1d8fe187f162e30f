#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

static inline uint64_t
mix(uint64_t h)
{
	/* splitmix64 finaliser: full avalanche */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);	/* same value on every machine */
#endif
	return v;
}

uint64_t
og_hash64(const void *data, size_t len, uint64_t seed)
{
	/* Eight bytes a step, multiply-rotate, then a full mix: stable
	 * across machines and fast enough for millions of keys; not meant
	 * to resist adversarial collisions. */
	const unsigned char *p = data;
	uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (len + 1));

	for (; len >= 8; len -= 8, p += 8) {
		h ^= load64(p) * 0xff51afd7ed558ccdULL;
		h = (h << 27 | h >> 37) * 0xc4ceb9fe1a85ec53ULL;
	}
	if (len) {
		uint64_t tail = 0;

		for (size_t i = 0; i < len; i++)
			tail |= (uint64_t)p[i] << (8 * i);
		h ^= tail * 0xff51afd7ed558ccdULL;
		h = (h << 27 | h >> 37) * 0xc4ceb9fe1a85ec53ULL;
	}
	return mix(h);
}

void
og_strmap_init(struct og_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
og_strmap_clear(struct og_strmap *m)
{
	free(m->e);
	og_strmap_init(m);
}

static size_t
slot_of(const struct og_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;

	while (m->e[i].key && (m->e[i].hash != h || strcmp(m->e[i].key, key) != 0))
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
	if (!m->e[i].key)
		return false;
	*ret_val = m->e[i].val;
	return true;
}

static void
grow(struct og_strmap *m)
{
	struct og_strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->e = og_xcalloc_huge(m->cap, sizeof(*m->e));
	m->n = old.n;
	for (size_t i = 0; i < old.cap; i++)
		if (old.e[i].key)
			m->e[slot_of(m, old.e[i].key, old.e[i].hash)] = old.e[i];
	free(old.e);
}

void
og_strmap_put(struct og_strmap *m, const char *key, size_t val)
{
	uint64_t h = key_hash(key);
	size_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)	/* keep load under 3/4 */
		grow(m);
	i = slot_of(m, key, h);
	if (!m->e[i].key) {
		m->e[i].key = key;
		m->e[i].hash = h;
		m->n++;
	}
	m->e[i].val = val;
}

size_t
og_strmap_slot(struct og_strmap *m, const char *key, bool *ret_new)
{
	uint64_t h = key_hash(key);
	size_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)
		grow(m);
	i = slot_of(m, key, h);
	*ret_new = !m->e[i].key;
	if (*ret_new) {
		m->e[i] = (struct og_strmap_entry){ .hash = h, .key = key };
		m->n++;
	}
	return i;
}
