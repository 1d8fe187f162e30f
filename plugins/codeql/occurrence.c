#include <stdlib.h>
#include <string.h>

#include "occurrence.h"

static size_t
slot(const struct sarif_occ *o, uint64_t k)
{
	size_t i = (size_t)(k ^ k >> 29) & (o->cap - 1);

	while (o->keys[i] && o->keys[i] != k)
		i = (i + 1) & (o->cap - 1);
	return i;
}

static bool
grow(struct sarif_occ *o)
{
	struct sarif_occ n = { .cap = o->cap ? o->cap * 2 : 256 };

	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.first = calloc(n.cap, sizeof(*n.first));
	n.count = calloc(n.cap, sizeof(*n.count));
	if (!n.keys || !n.first || !n.count) {
		sarif_occ_clear(&n);
		return false;
	}
	for (size_t i = 0; i < o->cap; i++) {
		if (!o->keys[i])
			continue;
		size_t j = slot(&n, o->keys[i]);

		n.keys[j] = o->keys[i];
		n.first[j] = o->first[i];
		n.count[j] = o->count[i];
	}
	n.n = o->n;
	sarif_occ_clear(o);
	*o = n;
	return true;
}

/* Insert @k (absent) with @first and @count; false when full. */
static bool
put(struct sarif_occ *o, uint64_t k, uint64_t first, uint32_t count)
{
	size_t i;

	if (o->n >= SARIF_OCC_MAX)
		return false;
	if ((o->n + 1) * 2 > o->cap && !grow(o))
		return false;
	i = slot(o, k);
	o->keys[i] = k;
	o->first[i] = first;
	o->count[i] = count;
	o->n++;
	return true;
}

uint32_t
sarif_occ_index(struct sarif_occ *o, uint64_t fp, uint64_t loc,
		bool *ret_repeat)
{
	/* A second key space for (fingerprint, location) pairs; the odd
	 * multiplier keeps it apart from the plain fingerprints. */
	uint64_t pair = (fp ^ (loc * 0x9e3779b97f4a7c15ULL)) | 1;
	size_t i;
	uint32_t k;

	*ret_repeat = false;
	fp |= 1;
	if (o->cap && o->keys[i = slot(o, fp)]) {
		if (o->first[i] == loc) {
			*ret_repeat = true;
			return 0;
		}
		k = o->count[i];
		size_t j = slot(o, pair);

		if (o->keys[j]) {
			*ret_repeat = true;
			return o->count[j];
		}
		if (!put(o, pair, 0, k))
			return SARIF_OCC_UNTRACKED;
		/* put() may have moved the table */
		o->count[slot(o, fp)] = k + 1;
		return k;
	}
	return put(o, fp, loc, 1) ? 0 : SARIF_OCC_UNTRACKED;
}

void
sarif_occ_clear(struct sarif_occ *o)
{
	free(o->keys);
	free(o->first);
	free(o->count);
	memset(o, 0, sizeof(*o));
}
