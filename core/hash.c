/*
 * The one hash (hash.h).  Self-contained (libc only): compiled into
 * libopsgrade and into the plugins' static helper library, like
 * jsonin.c, so the core and the plugins hash one way.
 */
#include <string.h>

#include "hash.h"

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
