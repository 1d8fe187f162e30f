/*
 * The report every consumer reads (core/report.h): the document and the
 * model's sorted views, made once.
 */
#include "config.h"

#include <string.h>

#include "report.h"

/* A tree of @key in a report.json read as one tree: the model holds
 * its items now. */
static void
empty_array(cJSON *doc, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key);

	if (cJSON_IsArray(a))
		while (a->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(a, a->child));
}

void
og_report_init(struct og_report *r, cJSON *doc, struct og_model *m)
{
	r->doc = doc;
	r->facts = og_model_facts(m, &r->n_facts);
	r->findings = og_model_findings(m, &r->n_findings);
	r->events = og_model_events(m, &r->n_events);
	empty_array(doc, "facts");
	empty_array(doc, "findings");
	empty_array(doc, "events");
}

const struct og_model_fact *
og_report_fact(const struct og_report *r, const char *key)
{
	size_t lo = 0, hi = r->n_facts;

	/* sorted by key, the run-wide fact before its subjects' */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(r->facts[mid]->key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n_facts && !strcmp(r->facts[lo]->key, key) &&
	    !r->facts[lo]->subject)
		return r->facts[lo];
	return NULL;
}
