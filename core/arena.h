/*
 * Bump allocator with string interning, for data that lives as long as
 * its owner (the model's findings).  Nothing is freed individually.
 */
#ifndef OG_ARENA_H
#define OG_ARENA_H

#include <stddef.h>

#include "strmap.h"

struct og_arena_chunk;

struct og_arena {
	struct og_arena_chunk *head;
	struct og_strmap strings;	/* interned strings -> unused */
};

void og_arena_init(struct og_arena *a);
void og_arena_clear(struct og_arena *a);
void *og_arena_alloc(struct og_arena *a, size_t size);	/* zeroed, 16-aligned */
/* Grow an arena array of @n elements whose capacity is the next power of
 * two: a new block only when @n is 0 or a power of two (old one is left). */
void *og_arena_grow(struct og_arena *a, void *arr, size_t n, size_t size);
/* A private copy; NULL stays NULL.  For strings that rarely repeat. */
char *og_arena_strdup(struct og_arena *a, const char *s);
/* One shared copy per distinct string; NULL stays NULL.  For strings
 * that repeat a lot (package names, targets, tool names). */
char *og_arena_intern(struct og_arena *a, const char *s);

/* Move @src's memory into @dst, which frees it; what lives there stays
 * where it is.  @src is left empty.  @src's interned strings are not
 * known to @dst (a later intern may copy one again). */
void og_arena_adopt(struct og_arena *dst, struct og_arena *src);

#endif
