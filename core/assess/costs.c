/*
 * Cost considerations: the tool options the model lists for the open gaps
 * and the monthly total.  The tools listed for one capability are
 * alternatives for one need: only the cheapest counts in the total (a free
 * one makes the need free), the others are shown as its alternatives.  A
 * paid tool chosen for several needs counts once.  Prices are model data
 * with the date they were noted, never a quote; per-user / per-host
 * prices are counted for one unit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

/* "$0", "$75", "$10 per user": the one way a price is written. */
static char *
cost_text(const struct og_mm_tool *tl)
{
	if (tl->monthly_usd == 0)
		return og_strdup0("$0");
	if (strcmp(tl->per, "month"))
		return og_asprintf("$%.0f per %s", tl->monthly_usd, tl->per);
	return og_asprintf("$%.0f", tl->monthly_usd);
}

/* The option counted for @cp's need: the lowest price, free first, the
 * model's order among equals. */
static size_t
cheapest(const struct og_mm_cap *cp)
{
	size_t best = 0;

	for (size_t t = 1; t < cp->n_tools; t++)
		if (cp->tools[t].monthly_usd < cp->tools[best].monthly_usd)
			best = t;
	return best;
}

cJSON *
og_costs(const struct og_scored *sc)
{
	const struct og_mm *mm = sc->mm;
	cJSON *o = cJSON_CreateObject(), *opts = cJSON_CreateArray(), *paid;
	double total = 0;
	bool per_unit = false, alternatives = false;

	paid = cJSON_CreateArray();	/* names already counted in the total */
	for (size_t i = 0; i < mm->n_caps; i++) {
		const struct og_mm_cap *cp = &mm->caps[i];
		size_t pick;

		if (sc->status[i] != OG_CAP_MISSING || cp->n_tools == 0)
			continue;
		pick = cheapest(cp);
		for (size_t t = 0; t < cp->n_tools; t++) {
			const struct og_mm_tool *tl = &cp->tools[t];
			cJSON *e = cJSON_CreateObject(), *it;
			char *txt = cost_text(tl);
			bool seen = false;

			cJSON_AddStringToObject(e, "capability", cp->id);
			cJSON_AddStringToObject(e, "tool", tl->name);
			cJSON_AddStringToObject(e, "tier", tl->tier);
			cJSON_AddNumberToObject(e, "monthly_usd", tl->monthly_usd);
			cJSON_AddStringToObject(e, "per", tl->per);
			cJSON_AddStringToObject(e, "cost", txt);
			free(txt);
			if (tl->free_tier)
				cJSON_AddStringToObject(e, "free_tier", tl->free_tier);
			else
				cJSON_AddNullToObject(e, "free_tier");
			cJSON_AddStringToObject(e, "noted", tl->noted);
			/* in the total, or an alternative to the option that is */
			cJSON_AddBoolToObject(e, "counted", t == pick);
			if (t == pick) {
				cJSON_AddNullToObject(e, "alternative_to");
			} else {
				cJSON_AddStringToObject(e, "alternative_to", cp->tools[pick].name);
				alternatives = true;
			}
			cJSON_AddItemToArray(opts, e);
			if (t != pick || tl->monthly_usd == 0)
				continue;
			cJSON_ArrayForEach(it, paid)
				seen = seen || !strcmp(it->valuestring, tl->name);
			if (seen)
				continue;
			cJSON_AddItemToArray(paid, cJSON_CreateString(tl->name));
			total += tl->monthly_usd;
			per_unit = per_unit || strcmp(tl->per, "month");
		}
	}
	cJSON_Delete(paid);
	cJSON_AddItemToObject(o, "options", opts);
	cJSON_AddNumberToObject(o, "monthly_total_usd", round(total * 100) / 100);
	{
		char *note = og_asprintf(
			"Prices are the maturity model's data as noted on the dates shown, not "
			"quotes. The total counts the cheapest option for each need%s, each paid "
			"tool once%s.",
			alternatives ? " (the others are its alternatives)" : "",
			per_unit ? " and per-user or per-host prices for one unit" : "");

		cJSON_AddStringToObject(o, "note", note);
		free(note);
	}
	return o;
}
