/*
 * Decision and next steps: what to do this week, this month and this
 * quarter, so the report ends in a plan a CTO can act on.
 *
 * The order is the plan's: first the smallest set of actions that reaches
 * the next level (next_level.needs), then capabilities a failing gate
 * requires, then the other open gaps by impact per effort (top_actions).
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

/* Capabilities that a failing required_capability gate names. */
static cJSON *
gate_required(const cJSON *gates)
{
	static const char prefix[] = "required_capability.";
	cJSON *out = cJSON_CreateArray();
	const cJSON *g;

	cJSON_ArrayForEach(g, gates) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "id"));
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "status"));

		if (id && st && strcmp(st, "fail") == 0 &&
		    strncmp(id, prefix, sizeof(prefix) - 1) == 0)
			cJSON_AddItemToArray(out, cJSON_CreateString(id + sizeof(prefix) - 1));
	}
	return out;
}

static char *
why(const cJSON *cap, bool for_level, int level, bool for_gate)
{
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(cap, "priority");
	int p = cJSON_IsNumber(pr) ? pr->valueint : 3;

	if (for_level && for_gate)
		return og_asprintf("needed for level %d; a failing gate requires it", level);
	if (for_level)
		return og_asprintf("needed for level %d", level);
	if (for_gate)
		return og_strdup0("a failing gate requires it");
	return og_asprintf("priority %d", p);
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
	const cJSON *lists[3], *it;
	cJSON *req = gate_required(gates), *order = cJSON_CreateArray();
	cJSON *out = cJSON_CreateObject(), *hz = cJSON_AddArrayToObject(out, "horizons");
	cJSON *items[N_HORIZONS];
	int64_t done = 0, sums[N_HORIZONS] = { 0 };
	int later = 0;

	lists[0] = needs;
	lists[1] = req;
	lists[2] = cJSON_GetObjectItemCaseSensitive(as, "top_actions");
	for (size_t l = 0; l < 3; l++)
		cJSON_ArrayForEach(it, lists[l])
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
							       listed(req, it->valuestring))));
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
	cJSON_Delete(req);
	cJSON_Delete(order);
	return out;
}
