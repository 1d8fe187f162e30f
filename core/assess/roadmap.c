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
		rem = cp->effort_minutes;
		while (rem > OG_WEEK_MINUTES - used) {
			rem -= OG_WEEK_MINUTES - used;
			week++;
			used = 0;
		}
		used += rem;
		cJSON_AddNumberToObject(it, "end_week", (double)week);
		cJSON_AddStringToObject(it, "effort", cp->effort);
		cJSON_AddItemToArray(items, it);
	}
	if (cur)
		cJSON_AddNumberToObject(cur, "end_week", (double)week);
	free(memo);
	free(done);
	return phases;
}
