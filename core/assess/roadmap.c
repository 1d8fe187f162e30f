/*
 * Roadmap: missing capabilities scheduled into phases of weeks.
 *
 * Deterministic list scheduling: an item's phase is the larger of its
 * model hint and the phases of the missing capabilities it depends on;
 * among items whose dependencies are scheduled, the next one is the
 * smallest (phase, priority, level, id).  Items are packed into weeks of
 * OG_WEEK_MINUTES of effort, one after another; every phase starts on a
 * fresh week.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

#define OG_WEEK_MINUTES	2400	/* one person-week: 5 days of 8 hours */

static int
eff_phase(const struct og_scored *sc, size_t i, int *memo)
{
	const struct og_mm_cap *cp = &sc->mm->caps[i];
	int ph = cp->phase;

	if (memo[i])
		return memo[i];
	for (size_t k = 0; k < cp->n_depends_on; k++) {
		const struct og_mm_cap *d = og_mm_cap(sc->mm, cp->depends_on[k]);
		size_t di = (size_t)(d - sc->mm->caps);

		if (sc->status[di] != OG_CAP_MISSING)
			continue;
		int dp = eff_phase(sc, di, memo);	/* acyclic: checked on load */
		if (dp > ph)
			ph = dp;
	}
	memo[i] = ph;
	return ph;
}

static bool
deps_done(const struct og_scored *sc, size_t i, const bool *done)
{
	const struct og_mm_cap *cp = &sc->mm->caps[i];

	for (size_t k = 0; k < cp->n_depends_on; k++) {
		size_t di = (size_t)(og_mm_cap(sc->mm, cp->depends_on[k]) - sc->mm->caps);

		if (sc->status[di] == OG_CAP_MISSING && !done[di])
			return false;
	}
	return true;
}

static bool
before(const struct og_scored *sc, const int *memo, size_t a, size_t b)
{
	const struct og_mm_cap *x = &sc->mm->caps[a], *y = &sc->mm->caps[b];

	if (memo[a] != memo[b])
		return memo[a] < memo[b];
	if (x->priority != y->priority)
		return x->priority < y->priority;
	if (x->level != y->level)
		return x->level < y->level;
	return strcmp(x->id, y->id) < 0;
}

static const char *
phase_name(const struct og_mm *mm, int phase)
{
	for (size_t k = 0; k < mm->n_phases; k++)
		if (mm->phases[k].phase == phase)
			return mm->phases[k].name;
	return NULL;
}

#define PHASE_NAME_AREAS 2

/* A phase is named from what it holds: the areas of its items, most items
 * first (the model's phase name is only a scheduling hint, and dependencies
 * move items to later phases, so "Observability" could hold E2E tests). */
static char *
phase_title(const struct og_mm *mm, const cJSON *items)
{
	size_t *count = og_xcalloc(mm->n_areas + 1, sizeof(*count)), shown = 0, distinct = 0;
	char *out = NULL;
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const struct og_mm_cap *cp = og_mm_cap(mm, cJSON_GetStringValue(
							   cJSON_GetObjectItemCaseSensitive(it, "id")));

		for (size_t a = 0; cp && a < mm->n_areas; a++)
			if (strcmp(mm->areas[a].id, cp->area) == 0 && count[a]++ == 0)
				distinct++;
	}
	while (shown < PHASE_NAME_AREAS && shown < distinct) {
		size_t best = mm->n_areas;
		char *next;

		for (size_t a = 0; a < mm->n_areas; a++)
			if (count[a] && (best == mm->n_areas || count[a] > count[best]))
				best = a;
		shown++;
		next = og_asprintf("%s%s%s", out ? out : "",
				   !out ? "" : shown == distinct ? " and " : ", ",
				   mm->areas[best].name);
		free(out);
		out = next;
		count[best] = 0;
	}
	if (distinct > shown) {
		char *next = og_asprintf("%s and %zu more", out, distinct - shown);

		free(out);
		out = next;
	}
	free(count);
	return out;
}

static void
add_span(cJSON *it, double from, double to)
{
	cJSON_AddNumberToObject(it, "from_week", round(from * 10000) / 10000);
	cJSON_AddNumberToObject(it, "to_week", round(to * 10000) / 10000);
}

/* Name every phase once its items are known. */
static void
name_phases(const struct og_mm *mm, cJSON *phases)
{
	cJSON *ph;

	cJSON_ArrayForEach(ph, phases) {
		char *t = phase_title(mm, cJSON_GetObjectItemCaseSensitive(ph, "items"));

		if (t)
			cJSON_ReplaceItemInObjectCaseSensitive(ph, "name", cJSON_CreateString(t));
		free(t);
	}
}

cJSON *
og_roadmap(const struct og_scored *sc)
{
	const struct og_mm *mm = sc->mm;
	size_t n = mm->n_caps, left = 0;
	int *memo = og_xcalloc(n + 1, sizeof(*memo));
	bool *done = og_xcalloc(n + 1, sizeof(*done));
	cJSON *phases = cJSON_CreateArray(), *cur = NULL, *items = NULL;
	int cur_phase = 0;
	int64_t week = 1, used = 0;

	for (size_t i = 0; i < n; i++)
		if (sc->status[i] == OG_CAP_MISSING) {
			eff_phase(sc, i, memo);
			left++;
		}
	while (left--) {
		size_t best = n;
		int64_t rem;
		double from;
		const struct og_mm_cap *cp;
		cJSON *it;

		for (size_t i = 0; i < n; i++)
			if (sc->status[i] == OG_CAP_MISSING && !done[i] &&
			    deps_done(sc, i, done) &&
			    (best == n || before(sc, memo, i, best)))
				best = i;
		if (best == n)
			break;	/* unreachable: dependencies are acyclic */
		cp = &mm->caps[best];
		done[best] = true;

		if (memo[best] != cur_phase) {
			if (cur) {
				cJSON_AddNumberToObject(cur, "end_week", (double)week);
				if (used) {
					week++;
					used = 0;
				}
			}
			cur_phase = memo[best];
			cur = cJSON_CreateObject();
			const char *pn = phase_name(mm, cur_phase);
			char *dflt = og_asprintf("Phase %d", cur_phase);

			cJSON_AddNumberToObject(cur, "phase", cur_phase);
			cJSON_AddStringToObject(cur, "name", pn ? pn : dflt);
			free(dflt);
			cJSON_AddNumberToObject(cur, "start_week", (double)week);
			items = cJSON_AddArrayToObject(cur, "items");
			cJSON_AddItemToArray(phases, cur);
		}
		if (used >= OG_WEEK_MINUTES) {
			week++;
			used = 0;
		}
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "id", cp->id);
		cJSON_AddStringToObject(it, "title", cp->title);
		cJSON_AddNumberToObject(it, "priority", cp->priority);
		cJSON_AddNumberToObject(it, "start_week", (double)week);
		/* where the work lies in fractional weeks from the roadmap's start,
		 * so that a bar is drawn as long as its effort */
		from = (double)((week - 1) * OG_WEEK_MINUTES + used) / OG_WEEK_MINUTES;
		rem = cp->effort_minutes;
		while (rem > OG_WEEK_MINUTES - used) {
			rem -= OG_WEEK_MINUTES - used;
			week++;
			used = 0;
		}
		used += rem;
		cJSON_AddNumberToObject(it, "end_week", (double)week);
		add_span(it, from, (double)((week - 1) * OG_WEEK_MINUTES + used) / OG_WEEK_MINUTES);
		cJSON_AddStringToObject(it, "effort", cp->effort);
		cJSON_AddItemToArray(items, it);
	}
	if (cur)
		cJSON_AddNumberToObject(cur, "end_week", (double)week);
	name_phases(mm, phases);
	free(memo);
	free(done);
	return phases;
}
