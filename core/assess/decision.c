/*
 * Decision and next steps: what to do this week, this month and this
 * quarter, so the report ends in a plan a CTO can act on.
 *
 * The order is the plan's: first the smallest set of actions that reaches
 * the next level (next_level.needs), then what each failing gate's fix
 * names (gates.c: the smallest set for a min_level gate, a required
 * capability), then the other open gaps by impact per effort (top_actions).
 * Walking that order, an action falls in the first horizon its cumulative
 * effort (one person, 40 h a week) ends within: a week, four weeks, 13
 * weeks; what ends later is counted, not listed.  An action on a
 * capability that could not be observed is to confirm it (observe or
 * attest), with the model's hint.
 */
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

#define WEEK_MINUTES	2400

static const struct horizon {
	const char *id, *name;
	int64_t until;		/* cumulative minutes */
} horizons[] = {
	{ "week", "This week", WEEK_MINUTES },
	{ "month", "This month", 4 * WEEK_MINUTES },
	{ "quarter", "This quarter", 13 * WEEK_MINUTES },
};
#define N_HORIZONS (sizeof(horizons) / sizeof(horizons[0]))

static bool
listed(const cJSON *arr, const char *id)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it) && strcmp(it->valuestring, id) == 0)
			return true;
	return false;
}

static const cJSON *
find_cap(const cJSON *caps, const char *id)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, caps) {
		const char *cid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "id"));

		if (cid && strcmp(cid, id) == 0)
			return c;
	}
	return NULL;
}

/* The failing gates, each with the capabilities its fix names (in gate
 * order), and the plan's order: next level, then those, without repeats. */
static bool
gate_fix_has(const cJSON *g, const char *id)
{
	return listed(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "fix"),
						       "actions"), id);
}

static bool
failing(const cJSON *g)
{
	const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "status"));

	return st && strcmp(st, "fail") == 0;
}

/* Why this action is in the plan: the level it is needed for and every
 * failing gate whose fix names it, else its priority. */
static char *
why(const cJSON *cap, bool for_level, int level, const cJSON *gates)
{
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(cap, "priority");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cap, "id"));
	const cJSON *g;
	char *t = for_level ? og_asprintf("needed for level %d", level) : og_strdup0("");

	cJSON_ArrayForEach(g, gates) {
		char *u;

		if (!failing(g) || !id || !gate_fix_has(g, id))
			continue;
		u = og_asprintf("%s%sgate \xe2\x80\x9c%s\xe2\x80\x9d", t,
				*t ? "; " : "for the ",
				cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "description")));
		free(t);
		t = u;
	}
	if (!*t) {
		free(t);
		t = og_asprintf("priority %d", cJSON_IsNumber(pr) ? pr->valueint : 3);
	}
	return t;
}

/* {"total", "passed", "failed", "text"}: the gates' verdict, one sentence
 * every output prints ("Policy gates: 3 of 5 passed, 2 failed"). */
static cJSON *
gates_verdict(const cJSON *gates)
{
	const cJSON *g;
	int total = 0, failed = 0;
	cJSON *o = cJSON_CreateObject();
	char *t;

	cJSON_ArrayForEach(g, gates) {
		total++;
		failed += failing(g);
	}
	if (total == 0)
		t = og_strdup0("No policy gates are configured.");
	else if (failed == 0)
		t = og_asprintf("Policy gates: all %d passed", total);
	else
		t = og_asprintf("Policy gates: %d of %d passed, %d failed", total - failed, total,
				failed);
	cJSON_AddNumberToObject(o, "total", total);
	cJSON_AddNumberToObject(o, "passed", total - failed);
	cJSON_AddNumberToObject(o, "failed", failed);
	cJSON_AddStringToObject(o, "text", t);
	free(t);
	return o;
}

static cJSON *
action(const cJSON *cap, char *reason)
{
	const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cap, "status"));
	bool unknown = st && strcmp(st, "unknown") == 0;
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cap, "title"));
	const cJSON *it;
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "id", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cap, "id")));
	cJSON_AddStringToObject(a, "title", title ? title : "");
	/* what to do: close the gap, or find out whether it is one */
	cJSON_AddStringToObject(a, "kind", unknown ? "confirm" : "implement");
	if (unknown && (it = cJSON_GetObjectItemCaseSensitive(cap, "observe_hint")) && cJSON_IsString(it))
		cJSON_AddStringToObject(a, "hint", it->valuestring);
	if ((it = cJSON_GetObjectItemCaseSensitive(cap, "effort")) && cJSON_IsString(it))
		cJSON_AddStringToObject(a, "effort", it->valuestring);
	if ((it = cJSON_GetObjectItemCaseSensitive(cap, "effort_minutes")) && cJSON_IsNumber(it))
		cJSON_AddNumberToObject(a, "effort_minutes", it->valuedouble);
	cJSON_AddStringToObject(a, "why", reason);
	free(reason);
	return a;
}

cJSON *
og_decision(const cJSON *as, const cJSON *gates)
{
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(as, "capabilities");
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(as, "next_level");
	const cJSON *needs = cJSON_GetObjectItemCaseSensitive(next, "needs");
	const cJSON *lvl = cJSON_GetObjectItemCaseSensitive(next, "level");
	const cJSON *it, *g;
	cJSON *order = cJSON_CreateArray();
	cJSON *out = cJSON_CreateObject(), *hz;
	cJSON *items[N_HORIZONS];
	int64_t done = 0, sums[N_HORIZONS] = { 0 };
	int later = 0;

	cJSON_AddItemToObject(out, "gates", gates_verdict(gates));
	hz = cJSON_AddArrayToObject(out, "horizons");
	cJSON_ArrayForEach(it, needs)
		if (cJSON_IsString(it) && !listed(order, it->valuestring))
			cJSON_AddItemToArray(order, cJSON_CreateString(it->valuestring));
	cJSON_ArrayForEach(g, gates)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				   cJSON_GetObjectItemCaseSensitive(g, "fix"), "actions"))
			if (failing(g) && cJSON_IsString(it) && !listed(order, it->valuestring))
				cJSON_AddItemToArray(order, cJSON_CreateString(it->valuestring));
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "top_actions"))
		if (cJSON_IsString(it) && !listed(order, it->valuestring))
			cJSON_AddItemToArray(order, cJSON_CreateString(it->valuestring));
	for (size_t h = 0; h < N_HORIZONS; h++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", horizons[h].id);
		cJSON_AddStringToObject(o, "name", horizons[h].name);
		items[h] = cJSON_AddArrayToObject(o, "actions");
		cJSON_AddItemToArray(hz, o);
	}
	cJSON_ArrayForEach(it, order) {
		const cJSON *cap = find_cap(caps, it->valuestring), *em;
		size_t h = 0;

		if (!cap)
			continue;
		em = cJSON_GetObjectItemCaseSensitive(cap, "effort_minutes");
		done += cJSON_IsNumber(em) && em->valuedouble > 0 ? (int64_t)em->valuedouble : 480;
		while (h < N_HORIZONS && done > horizons[h].until)
			h++;
		if (h == N_HORIZONS) {
			later++;
			continue;
		}
		sums[h] += cJSON_IsNumber(em) ? (int64_t)em->valuedouble : 0;
		cJSON_AddItemToArray(items[h], action(cap, why(cap, listed(needs, it->valuestring),
							       cJSON_IsNumber(lvl) ? lvl->valueint : 0,
							       gates)));
	}
	for (size_t h = 0; h < N_HORIZONS; h++) {
		cJSON *o = cJSON_GetArrayItem(hz, (int)h);
		char *t = og_effort_text(sums[h]);

		cJSON_AddNumberToObject(o, "effort_minutes", (double)sums[h]);
		cJSON_AddStringToObject(o, "effort", t);
		free(t);
	}
	cJSON_AddNumberToObject(out, "later", later);
	cJSON_AddNumberToObject(out, "week_minutes", WEEK_MINUTES);
	cJSON_Delete(order);
	return out;
}
