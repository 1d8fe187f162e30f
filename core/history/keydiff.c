#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "history/keydiff.h"
#include "util.h"

static int
member_cmp(const void *a, const void *b, void *cmps)
{
	const struct og_member *x = a, *y = b;

	if (cmps)
		++*(unsigned long *)cmps;
	return strcmp(x->key, y->key);
}

struct og_member *
og_sorted_members(const cJSON *obj, size_t *ret_n, unsigned long *ret_cmps)
{
	size_t n = 0, cap = 64;
	struct og_member *v = og_xcalloc(cap, sizeof(*v));
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		obj = NULL;
	cJSON_ArrayForEach(it, obj) {
		if (!it->string)
			continue;
		if (n == cap) {
			cap *= 2;
			v = og_xrealloc_array(v, cap, sizeof(*v));
		}
		v[n].key = it->string;
		v[n].val = it;
		n++;
	}
	if (n > 1)
		qsort_r(v, n, sizeof(*v), member_cmp, ret_cmps);
	*ret_n = n;
	return v;
}

static void
list_key(cJSON *list, long *count, size_t max, const char *key)
{
	if (list && (size_t)*count < max)
		cJSON_AddItemToArray(list, cJSON_CreateString(key));
	++*count;
}

void
og_key_diff(struct og_key_diff *d)
{
	size_t i = 0, j = 0;

	d->n_added = d->n_removed = d->n_both = 0;
	d->comparisons = 0;
	while (i < d->n_before || j < d->n_now) {
		int c;
		const struct og_member *m;
		bool kb, kn;

		if (i == d->n_before) {
			c = 1;
		} else if (j == d->n_now) {
			c = -1;
		} else {
			c = strcmp(d->before[i].key, d->now[j].key);
			d->comparisons++;
		}
		m = c <= 0 ? &d->before[i] : &d->now[j];
		kb = c <= 0 && (!d->keep || d->keep(d->before[i].val));
		kn = c >= 0 && (!d->keep || d->keep(d->now[j].val));
		if (kb && kn)
			d->n_both++;
		else if (kn)
			list_key(d->added, &d->n_added, d->list_max, m->key);
		else if (kb)
			list_key(d->removed, &d->n_removed, d->list_max, m->key);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
}
