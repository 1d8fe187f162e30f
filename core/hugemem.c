#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hugemem.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *
og_calloc_huge(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes < 2 * HUGE_PAGE)
		return calloc(n ? n : 1, size ? size : 1);
	bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, bytes);
	if (!p)
		return NULL;
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}
