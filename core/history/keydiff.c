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
