/*
 * The actions to take first: open gaps ranked by impact per effort, so a
 * 30-minute fix that closes a priority-1 gap comes before a day of
 * documentation.  Impact is 100, 10 or 1 for priority 1, 2, 3 (each
 * priority counts ten times the next); effort is the model's estimate
 * in minutes.  Ties keep the gap order (priority, then model order).
 */
#include <stdlib.h>

#include "assess-int.h"
#include "util.h"

struct ranked {
	const cJSON *gap;
	double score;
	size_t idx;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

cJSON *
og_top_actions(const cJSON *gaps)
{
	static const double impact[] = { 0, 100, 10, 1 };
	size_t n = (size_t)cJSON_GetArraySize(gaps), k = 0;
	struct ranked *r = og_xcalloc(n + 1, sizeof(*r));
	cJSON *out = cJSON_CreateArray();
	const cJSON *g;

	cJSON_ArrayForEach(g, gaps) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(g, "priority");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(g, "effort_minutes");
		int pr = cJSON_IsNumber(p) && p->valueint >= 1 && p->valueint <= 3 ? p->valueint : 3;
		double min = cJSON_IsNumber(e) && e->valuedouble > 0 ? e->valuedouble : 480;

		r[k] = (struct ranked){ g, impact[pr] / min, k };
		k++;
	}
	qsort(r, k, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < k; i++) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r[i].gap, "id");

		if (cJSON_IsString(id))
			cJSON_AddItemToArray(out, cJSON_CreateString(id->valuestring));
	}
	free(r);
	return out;
}
