/*
 * (rule, file, line) -> the fingerprint of the SARIF result seen there,
 * so a code scanning alert at the same place merges with it in the core.
 * Keys are digests: equal digests are one place (the one table with no
 * equality test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codeql.h"

#define LOCINDEX_MAX	((size_t)4 << 20)

uint64_t
cq_location_key(const char *rule, const char *file, uint32_t line)
{
	char lb[16];
	const char *parts[3] = { rule, file, lb };
	unsigned char d[32];
	struct og_sha256 s;
	uint64_t k = 0;
	int i;

	snprintf(lb, sizeof(lb), "%u", line);
	og_sha256_init(&s);
	for (i = 0; i < 3; i++)
		og_sha256_update(&s, parts[i] ? parts[i] : "",
				 strlen(parts[i] ? parts[i] : "") + 1);
	og_sha256_final(&s, d);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

void
cq_locindex_put(struct cq_locindex *x, uint64_t key, const char *fp)
{
	static const char used;
	struct og_htab_slot *s;
	bool is_new;

	if (x->n >= LOCINDEX_MAX)
		return;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 1024;
		char (*p)[65] = realloc(x->fps, nc * sizeof(*p));

		if (!p)
			return;
		x->fps = p;
		x->cap = nc;
	}
	s = og_htab_claim(&x->t, key, NULL, &used, &is_new);
	if (!s || !is_new)
		return;
	memcpy(x->fps[x->n], fp, 65);
	s->val = x->n++;
}

const char *
cq_locindex_get(const struct cq_locindex *x, uint64_t key)
{
	const struct og_htab_slot *s;

	if (!x)
		return NULL;
	s = og_htab_get(&x->t, key, NULL, NULL);
	return s ? x->fps[s->val] : NULL;
}

void
cq_locindex_free(struct cq_locindex *x)
{
	if (!x)
		return;
	og_htab_clear(&x->t);
	free(x->fps);
	free(x);
}
