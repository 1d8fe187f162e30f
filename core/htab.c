/*
 * The one hash table (htab.h).  Self-contained (libc only): the plugins
 * link it without libopsgrade.
 */
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "hugemem.h"

void
og_htab_init(struct og_htab *t)
{
	memset(t, 0, sizeof(*t));
}

void
og_htab_init_buf(struct og_htab *t, struct og_htab_slot *slots, size_t cap)
{
	*t = (struct og_htab){ .slot = slots, .cap = cap, .borrowed = true };
}

void
og_htab_clear(struct og_htab *t)
{
	if (!t->borrowed)
		free(t->slot);
	og_htab_init(t);
}

bool
og_htab_reserve(struct og_htab *t, size_t n)
{
	struct og_htab_slot *old = t->slot, *s;
	size_t old_cap = t->cap, cap = old_cap ? old_cap : 64;

	if (n * 4 < cap * 3 && old_cap)
		return true;
	if (t->borrowed)
		return false;
	while (n * 4 >= cap * 3) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	if (!(s = og_calloc_huge(cap, sizeof(*s))))
		return false;
	t->slot = s;
	t->cap = cap;
	/* keys are distinct: each goes to the first free slot of its run */
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key) {
			size_t j = (size_t)old[i].hash & (cap - 1);

			while (s[j].key)
				j = (j + 1) & (cap - 1);
			s[j] = old[i];
		}
	free(old);
	return true;
}
