/*
 * Zeroed memory for big tables, on transparent huge pages when it is
 * big enough to matter: a million-key table waits on TLB misses as much
 * as on cache misses.  Self-contained (libc only), for the core and the
 * plugins alike.
 */
#ifndef OG_HUGEMEM_H
#define OG_HUGEMEM_H

#include <stddef.h>

/* As calloc (NULL on overflow or out of memory); free() releases it. */
void *og_calloc_huge(size_t n, size_t size);

#endif
