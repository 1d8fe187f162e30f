/*
 * The model <-> report.json (docs/report-json.md).
 */
#ifndef OG_REPORT_JSON_H
#define OG_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "model.h"
#include "report-load.h"

/* JSON for one fact / finding / event, as in report.json (new trees
 * that borrow the model's strings: free them before the model). */
cJSON *og_fact_to_json(const struct og_model_fact *f);
cJSON *og_finding_to_json(const struct og_model_finding *f);
cJSON *og_event_to_json(const struct og_model_event *e);

/* Add facts/findings/events arrays of @m to @doc, in canonical order.
 * The new items borrow @m's strings: delete @doc before @m. */
void og_report_add_model(cJSON *doc, struct og_model *m);
/* The same, but "findings" stays an empty array: for a document that is
 * only written (collect, merge), og_report_write_model() prints them
 * from @m one at a time, so a million findings never stand as one tree
 * (~2 KB each). */
void og_report_add_model_lazy(cJSON *doc, struct og_model *m);

/* The member of array @arr whose "id" is @id (borrowed), or NULL; NULL
 * @arr or @id find nothing. */
const cJSON *og_json_find_id(const cJSON *arr, const char *id);

/* Serialise @doc (pretty, stable) and write it atomically to @path. */
int og_report_write(const cJSON *doc, const char *path, char **ret_err);
/* og_report_write, with the findings of @m in place of @doc's (empty)
 * "findings" (og_report_add_model_lazy); byte for byte the same text. */
int og_report_write_model(const cJSON *doc, struct og_model *m,
			  const char *path, char **ret_err);

#endif
