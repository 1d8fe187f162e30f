/*
 * A report as every consumer reads it (renderers, mail, history): the
 * document -- report.json's tree, whose "facts", "findings" and "events"
 * are empty arrays -- and the facts, findings and events, which live
 * only in the model, in report.json's order.  An item as a cJSON tree
 * costs about 1-3 KB; a million of them never stand in memory at once.
 */
#ifndef OG_REPORT_H
#define OG_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "model.h"

struct og_report {
	cJSON *doc;
	/* the model's sorted views (og_model_facts, og_model_findings,
	 * og_model_events): borrowed, valid while the model is and nothing
	 * is added to it */
	const struct og_model_fact *const *facts;
	size_t n_facts;
	const struct og_model_finding *const *findings;
	size_t n_findings;
	const struct og_model_event *const *events;
	size_t n_events;
};

/*
 * @doc with the facts, findings and events of @m.  Empties the trees of
 * those @doc holds (a report.json read as one tree), keeping the members
 * where they are: the model is the one copy.  The sorted views are made
 * here, once, before renderers fork and share them.
 */
void og_report_init(struct og_report *r, cJSON *doc, struct og_model *m);

/* The run-wide fact of @key (no subject) as report.json lists it, or
 * NULL: a binary search of the sorted facts. */
const struct og_model_fact *og_report_fact(const struct og_report *r,
					   const char *key);

/* Write @r as report.json, atomically (temporary file + rename), the
 * facts, findings and events streamed from the model: byte for byte what
 * cJSON_Print prints for the whole tree. */
int og_report_write(const struct og_report *r, const char *path,
		    char **ret_err);

#endif /* OG_REPORT_H */
