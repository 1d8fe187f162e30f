#include <stdlib.h>
#include <string.h>

#include "occurrence.h"

/* Keys are digests (the one table with no equality test); each slot's
 * value indexes o->e. */
static struct sarif_occ_entry *
find(const struct sarif_occ *o, uint64_t k)
{
	const struct og_htab_slot *s = og_htab_get(&o->t, k, NULL, NULL);

	return s ? &o->e[s->val] : NULL;
}

/* Insert @k (absent) with @first and @count; false when full. */
static bool
put(struct sarif_occ *o, uint64_t k, uint64_t first, uint32_t count)
{
	static const char used;
	struct og_htab_slot *s;
	bool is_new;

	if (o->n >= SARIF_OCC_MAX)
		return false;
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 256;
		struct sarif_occ_entry *p = realloc(o->e, nc * sizeof(*p));

		if (!p)
			return false;
		o->e = p;
		o->cap = nc;
	}
	s = og_htab_claim(&o->t, k, NULL, &used, &is_new);
	if (!s)
		return false;
	o->e[o->n] = (struct sarif_occ_entry){ .first = first, .count = count };
	s->val = o->n++;
	return true;
}

uint32_t
sarif_occ_index(struct sarif_occ *o, uint64_t fp, uint64_t loc,
		bool *ret_repeat)
{
	/* A second key space for (fingerprint, location) pairs; the odd
	 * multiplier keeps it apart from the plain fingerprints. */
	uint64_t pair = (fp ^ (loc * 0x9e3779b97f4a7c15ULL)) | 1;
	struct sarif_occ_entry *e, *p;
	uint32_t k;

	*ret_repeat = false;
	fp |= 1;
	if ((e = find(o, fp))) {
		if (e->first == loc) {
			*ret_repeat = true;
			return 0;
		}
		if ((p = find(o, pair))) {
			*ret_repeat = true;
			return p->count;
		}
		k = e->count;
		if (!put(o, pair, 0, k))
			return SARIF_OCC_UNTRACKED;
		find(o, fp)->count = k + 1;	/* put() may have moved o->e */
		return k;
	}
	return put(o, fp, loc, 1) ? 0 : SARIF_OCC_UNTRACKED;
}

void
sarif_occ_clear(struct sarif_occ *o)
{
	og_htab_clear(&o->t);
	free(o->e);
	memset(o, 0, sizeof(*o));
}
