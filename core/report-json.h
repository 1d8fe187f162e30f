/*
 * The model <-> report.json (docs/report-json.md).
 */
#ifndef OG_REPORT_JSON_H
#define OG_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "model.h"
#include "report.h"
#include "report-load.h"

/* JSON for one fact / finding / event, as in report.json (new trees
 * that borrow the model's strings: free them before the model). */
cJSON *og_fact_to_json(const struct og_model_fact *f);
cJSON *og_finding_to_json(const struct og_model_finding *f);
cJSON *og_event_to_json(const struct og_model_event *e);

/* Add the empty "facts", "findings" and "events" members to @doc, where
 * report.json lists the model's (core/report.h): the model is their one
 * copy. */
void og_report_add_model(cJSON *doc);

/* The member of array @arr whose "id" is @id (borrowed), or NULL; NULL
 * @arr or @id find nothing. */
const cJSON *og_json_find_id(const cJSON *arr, const char *id);

#endif
