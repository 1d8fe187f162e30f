/*
 * The one hash function of opsgrade, for hash tables, sets and shards in
 * the core and the plugins: stable across machines and runs, fast, not
 * meant to resist adversarial collisions.
 */
#ifndef OG_HASH_H
#define OG_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t og_hash64(const void *data, size_t len, uint64_t seed);

#endif
