/*
 * Gap analysis (missing capabilities by priority) and quick wins (missing,
 * effort at most one hour).  Unknown capabilities are not gaps: the
 * capabilities[] list says what would observe them.
 */
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

#define QUICK_WIN_MINUTES	60
#define QUICK_WINS_MAX		10

/* qsort has no context argument in C17; the comparison reads this. */
static const struct og_mm *sort_mm;
static int sort_mode;

static int
cmp_caps(const void *a, const void *b)
{
	const struct og_mm_cap *x = &sort_mm->caps[*(const size_t *)a];
	const struct og_mm_cap *y = &sort_mm->caps[*(const size_t *)b];

	if (x->priority != y->priority)
		return x->priority - y->priority;
	if (sort_mode == 1) {
		/* quick wins: biggest impact (weight) first, then cheapest */
		if (x->weight != y->weight)
			return x->weight > y->weight ? -1 : 1;
		if (x->effort_minutes != y->effort_minutes)
			return x->effort_minutes < y->effort_minutes ? -1 : 1;
	} else {
		if (x->level != y->level)
			return x->level - y->level;
		if (x->weight != y->weight)
			return x->weight > y->weight ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

static size_t *
sorted_missing(const struct og_scored *sc, int mode, int64_t max_minutes,
	       size_t *ret_n)
{
	size_t *idx = og_xcalloc(sc->mm->n_caps + 1, sizeof(*idx)), n = 0;

	for (size_t i = 0; i < sc->mm->n_caps; i++)
		if (sc->status[i] == OG_CAP_MISSING &&
		    (max_minutes < 0 || sc->mm->caps[i].effort_minutes <= max_minutes))
			idx[n++] = i;
	sort_mm = sc->mm;
	sort_mode = mode;
	qsort(idx, n, sizeof(*idx), cmp_caps);
	*ret_n = n;
	return idx;
}

static const char *
priority_name(int p)
{
	return p == 1 ? "critical" : p == 2 ? "important" : "nice-to-have";
}

cJSON *
og_gaps(const struct og_scored *sc, const struct og_fact_env *env)
{
	size_t n, *idx = sorted_missing(sc, 0, -1, &n);
	cJSON *arr = cJSON_CreateArray();

	for (size_t k = 0; k < n; k++) {
		const struct og_mm_cap *cp = &sc->mm->caps[idx[k]];
		cJSON *o = cJSON_CreateObject(), *sol = cJSON_CreateObject();
		cJSON *tools = cJSON_CreateArray();
		char *cur = og_expand_template(cp->current, env);

		cJSON_AddStringToObject(o, "id", cp->id);
		cJSON_AddStringToObject(o, "title", cp->title);
		cJSON_AddStringToObject(o, "area", cp->area);
		cJSON_AddNumberToObject(o, "priority", cp->priority);
		cJSON_AddStringToObject(o, "priority_name", priority_name(cp->priority));
		cJSON_AddNumberToObject(o, "level", cp->level);
		cJSON_AddStringToObject(o, "current", cur);
		cJSON_AddStringToObject(o, "target", cp->target);
		cJSON_AddStringToObject(o, "impact", cp->impact);
		cJSON_AddStringToObject(sol, "text", cp->solution_text);
		if (cp->snippet)
			cJSON_AddStringToObject(sol, "snippet", cp->snippet);
		else
			cJSON_AddNullToObject(sol, "snippet");
		if (cp->lang)
			cJSON_AddStringToObject(sol, "lang", cp->lang);
		else
			cJSON_AddNullToObject(sol, "lang");
		cJSON_AddItemToObject(o, "solution", sol);
		cJSON_AddStringToObject(o, "effort", cp->effort);
		cJSON_AddNumberToObject(o, "effort_minutes", (double)cp->effort_minutes);
		for (size_t t = 0; t < cp->n_tools; t++)
			cJSON_AddItemToArray(tools, cJSON_CreateString(cp->tools[t].name));
		cJSON_AddItemToObject(o, "tools", tools);
		if (cp->scorecard)
			cJSON_AddStringToObject(o, "scorecard", cp->scorecard);
		else
			cJSON_AddNullToObject(o, "scorecard");
		cJSON_AddItemToArray(arr, o);
		free(cur);
	}
	free(idx);
	return arr;
}

cJSON *
og_quick_wins(const struct og_scored *sc)
{
	size_t n, *idx = sorted_missing(sc, 1, QUICK_WIN_MINUTES, &n);
	cJSON *arr = cJSON_CreateArray();

	for (size_t k = 0; k < n && k < QUICK_WINS_MAX; k++) {
		const struct og_mm_cap *cp = &sc->mm->caps[idx[k]];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", cp->id);
		cJSON_AddStringToObject(o, "title", cp->title);
		cJSON_AddStringToObject(o, "effort", cp->effort);
		cJSON_AddNumberToObject(o, "effort_minutes", (double)cp->effort_minutes);
		cJSON_AddNumberToObject(o, "priority", cp->priority);
		cJSON_AddStringToObject(o, "impact", cp->impact);
		if (cp->snippet)
			cJSON_AddStringToObject(o, "snippet", cp->snippet);
		else
			cJSON_AddNullToObject(o, "snippet");
		cJSON_AddItemToArray(arr, o);
	}
	free(idx);
	return arr;
}
