/*
 * The model <-> report.json (docs/report-json.md).
 */
#ifndef OG_REPORT_JSON_H
#define OG_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "model.h"

#define OG_REPORT_SCHEMA "opsgrade.report/1"
#define OG_REPORT_MAX_BYTES ((size_t)2 << 30)

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

/* Serialise @doc (pretty, stable) and write it atomically to @path. */
int og_report_write(const cJSON *doc, const char *path, char **ret_err);
/* og_report_write, with the findings of @m in place of @doc's (empty)
 * "findings" (og_report_add_model_lazy); byte for byte the same text. */
int og_report_write_model(const cJSON *doc, struct og_model *m,
			  const char *path, char **ret_err);

#endif
