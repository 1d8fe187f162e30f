/*
 * Eight bytes a step (SIMD within a register): which bytes of a word
 * equal, or fall below, a value.  Each test flags a byte by its high
 * bit; above the lowest flagged byte a borrow may flag more, so only the
 * lowest flag is exact, which is all a scan for the first hit needs.
 * Words are read little-endian: elsewhere OG_SWAR is 0 and callers scan
 * byte by byte.
 */
#ifndef OG_SWAR_H
#define OG_SWAR_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
	defined(__GNUC__)
#define OG_SWAR 1
#else
#define OG_SWAR 0
#endif

#define OG_SWAR_ONES	0x0101010101010101u
#define OG_SWAR_HIGHS	0x8080808080808080u

static inline uint64_t
og_swar_load(const void *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* bytes equal to @c */
static inline uint64_t
og_swar_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (OG_SWAR_ONES * c);

	return (x - OG_SWAR_ONES) & ~x & OG_SWAR_HIGHS;
}

/* bytes below @c (c <= 0x80) */
static inline uint64_t
og_swar_lt(uint64_t w, unsigned char c)
{
	return (w - OG_SWAR_ONES * c) & ~w & OG_SWAR_HIGHS;
}

/* the index of the lowest flagged byte of a non-zero @hit */
static inline unsigned
og_swar_first(uint64_t hit)
{
#if OG_SWAR
	return (unsigned)__builtin_ctzll(hit) >> 3;
#else
	unsigned i = 0;

	while (!(hit & 0x80))
		hit >>= 8, i++;
	return i;
#endif
}

#endif
