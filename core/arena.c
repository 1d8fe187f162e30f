#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "util.h"

#define CHUNK_BYTES	((size_t)4 << 20)
#define HUGE_PAGE	((size_t)2 << 20)

struct og_arena_chunk {
	struct og_arena_chunk *next;
	size_t used, cap, map_len;
	_Alignas(16) unsigned char data[];
};

/*
 * A chunk straight from mmap, aligned to huge pages and on them (a
 * million findings otherwise cost ~65k page faults, which dominate the
 * merge on virtual machines).  Its pages are zero when first touched:
 * no memset that faults every page in before it is used (with calloc's
 * memset the memory was zeroed twice).
 */
static struct og_arena_chunk *
chunk_new(size_t cap)
{
	size_t len, head;
	unsigned char *p;
	struct og_arena_chunk *c;

	if (cap > SIZE_MAX - sizeof(*c) - 2 * HUGE_PAGE)
		og_oom();
	len = (sizeof(*c) + cap + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		og_oom();
	head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (head)
		(void)munmap(p, head);
	if (HUGE_PAGE - head)
		(void)munmap(p + head + len, HUGE_PAGE - head);
	c = (struct og_arena_chunk *)(p + head);
	(void)madvise(c, len, MADV_HUGEPAGE);
	c->cap = len - sizeof(*c);
	c->map_len = len;
	return c;
}

void
og_arena_init(struct og_arena *a)
{
	a->head = NULL;
	og_strmap_init(&a->strings);
}

void
og_arena_clear(struct og_arena *a)
{
	struct og_arena_chunk *c = a->head;

	while (c) {
		struct og_arena_chunk *next = c->next;

		(void)munmap(c, c->map_len);
		c = next;
	}
	og_strmap_clear(&a->strings);
	a->head = NULL;
}

void *
og_arena_alloc(struct og_arena *a, size_t size)
{
	struct og_arena_chunk *c = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < size) {
		c = chunk_new(size > CHUNK_BYTES ? size : CHUNK_BYTES);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

void *
og_arena_grow(struct og_arena *a, void *arr, size_t n, size_t size)
{
	void *nu;

	if (n != 0 && (n & (n - 1)) != 0)
		return arr;
	if (size && n > SIZE_MAX / 2 / size)
		abort();
	nu = og_arena_alloc(a, (n ? n * 2 : 1) * size);
	if (n)
		memcpy(nu, arr, n * size);
	return nu;
}

char *
og_arena_strdup(struct og_arena *a, const char *s)
{
	size_t len;
	char *copy;

	if (!s)
		return NULL;
	len = strlen(s);
	copy = og_arena_alloc(a, len + 1);
	memcpy(copy, s, len);
	return copy;
}

char *
og_arena_intern(struct og_arena *a, const char *s)
{
	struct og_htab_slot *slot;
	size_t len;
	bool is_new;
	char *copy;

	if (!s)
		return NULL;
	slot = og_strmap_slot(&a->strings, s, &is_new);
	if (!is_new)
		return (char *)slot->key;
	len = strlen(s);
	copy = og_arena_alloc(a, len + 1);
	memcpy(copy, s, len);
	slot->key = copy;	/* the map must not keep @s */
	return copy;
}

void
og_arena_adopt(struct og_arena *dst, struct og_arena *src)
{
	struct og_arena_chunk *tail = src->head;

	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	/* behind @dst's head, which stays the chunk it allocates from */
	if (dst->head) {
		tail->next = dst->head->next;
		dst->head->next = src->head;
	} else {
		dst->head = src->head;
	}
	src->head = NULL;
	og_strmap_clear(&src->strings);
}
