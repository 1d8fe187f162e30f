#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

void
og_strmap_init(struct og_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
og_strmap_clear(struct og_strmap *m)
{
	free(m->e);
	og_strmap_init(m);
}

static size_t
slot_of(const struct og_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;

	while (m->e[i].key && (m->e[i].hash != h || strcmp(m->e[i].key, key) != 0))
		i = (i + 1) & mask;
	return i;
}

static uint64_t
key_hash(const char *key)
{
	return og_hash64(key, strlen(key), 0);
}

bool
og_strmap_get(const struct og_strmap *m, const char *key, size_t *ret_val)
{
	size_t i;

	if (m->cap == 0)
		return false;
	i = slot_of(m, key, key_hash(key));
	if (!m->e[i].key)
		return false;
	*ret_val = m->e[i].val;
	return true;
}

static void
grow(struct og_strmap *m)
{
	struct og_strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->e = og_xcalloc_huge(m->cap, sizeof(*m->e));
	m->n = old.n;
	for (size_t i = 0; i < old.cap; i++)
		if (old.e[i].key)
			m->e[slot_of(m, old.e[i].key, old.e[i].hash)] = old.e[i];
	free(old.e);
}

void
og_strmap_put(struct og_strmap *m, const char *key, size_t val)
{
	uint64_t h = key_hash(key);
	size_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)	/* keep load under 3/4 */
		grow(m);
	i = slot_of(m, key, h);
	if (!m->e[i].key) {
		m->e[i].key = key;
		m->e[i].hash = h;
		m->n++;
	}
	m->e[i].val = val;
}

size_t
og_strmap_slot(struct og_strmap *m, const char *key, bool *ret_new)
{
	uint64_t h = key_hash(key);
	size_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)
		grow(m);
	i = slot_of(m, key, h);
	*ret_new = !m->e[i].key;
	if (*ret_new) {
		m->e[i] = (struct og_strmap_entry){ .hash = h, .key = key };
		m->n++;
	}
	return i;
}
