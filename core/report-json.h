/*
 * The model <-> report.json (docs/report-json.md).
 */
#ifndef OG_REPORT_JSON_H
#define OG_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "model.h"
#include "report.h"

#define OG_REPORT_SCHEMA "opsgrade.report/1"
#define OG_REPORT_MAX_BYTES ((size_t)2 << 30)

/* JSON for one fact / finding / event, as in report.json (new trees
 * that borrow the model's strings: free them before the model). */
cJSON *og_fact_to_json(const struct og_model_fact *f);
cJSON *og_finding_to_json(const struct og_model_finding *f);
cJSON *og_event_to_json(const struct og_model_event *e);

/* Add the facts and events of @m to @doc, in canonical order, and an
 * empty "findings": the findings stay in the model (core/report.h).
 * The new items borrow @m's strings: delete @doc before @m. */
void og_report_add_model(cJSON *doc, struct og_model *m);

/*
 * Parse one fact / finding / event object into @m.  @where names the
 * input in error messages ("shard.json: findings[12]").  @source overrides
 * the source for facts and events read from a plugin stream (NULL keeps
 * the object's own).  0 or -EINVAL with *ret_err set.
 */
int og_fact_from_json(struct og_model *m, const cJSON *o, const char *source,
		      char **ret_err);
int og_finding_from_json(struct og_model *m, const cJSON *o,
			 const char *source, char **ret_err);
int og_event_from_json(struct og_model *m, const cJSON *o, const char *source,
		       char **ret_err);

/*
 * Load report.json at @path: the document (caller owns) and its model.
 * Errors name the file and the JSON path.
 */
int og_report_load(const char *path, cJSON **ret_doc, struct og_model **ret_m,
		   char **ret_err);

/* The member of array @arr whose "id" is @id (borrowed), or NULL; NULL
 * @arr or @id find nothing. */
const cJSON *og_json_find_id(const cJSON *arr, const char *id);

#endif
