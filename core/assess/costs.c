/*
 * Cost considerations: the tool options the model lists for the open gaps
 * and the monthly total of the distinct paid ones.  Prices are model data
 * with the date they were noted, never a quote; per-user / per-host
 * prices are counted for one unit.
 */
#include <math.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

cJSON *
og_costs(const struct og_scored *sc)
{
	const struct og_mm *mm = sc->mm;
	cJSON *o = cJSON_CreateObject(), *opts = cJSON_CreateArray(), *paid;
	double total = 0;
	bool per_unit = false;

	paid = cJSON_CreateArray();	/* names already counted in the total */
	for (size_t i = 0; i < mm->n_caps; i++) {
		const struct og_mm_cap *cp = &mm->caps[i];

		if (sc->status[i] != OG_CAP_MISSING)
			continue;
		for (size_t t = 0; t < cp->n_tools; t++) {
			const struct og_mm_tool *tl = &cp->tools[t];
			cJSON *e = cJSON_CreateObject(), *it;
			bool seen = false;

			cJSON_AddStringToObject(e, "capability", cp->id);
			cJSON_AddStringToObject(e, "tool", tl->name);
			cJSON_AddStringToObject(e, "tier", tl->tier);
			cJSON_AddNumberToObject(e, "monthly_usd", tl->monthly_usd);
			cJSON_AddStringToObject(e, "per", tl->per);
			if (tl->free_tier)
				cJSON_AddStringToObject(e, "free_tier", tl->free_tier);
			else
				cJSON_AddNullToObject(e, "free_tier");
			cJSON_AddStringToObject(e, "noted", tl->noted);
			cJSON_AddItemToArray(opts, e);
			if (strcmp(tl->tier, "paid"))
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
	cJSON_AddStringToObject(o, "note", per_unit
		? "Prices are the maturity model's data as noted on the dates shown, not quotes. "
		  "The total counts each paid tool once and per-user or per-host prices for one unit."
		: "Prices are the maturity model's data as noted on the dates shown, not quotes. "
		  "The total counts each paid tool once.");
	return o;
}
