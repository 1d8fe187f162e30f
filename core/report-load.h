/*
 * report.json -> the model (docs/report-json.md): render --from, merge,
 * and the plugin records' objects.
 */
#ifndef OG_REPORT_LOAD_H
#define OG_REPORT_LOAD_H

#include <cjson/cJSON.h>

#include "model.h"

#define OG_REPORT_SCHEMA "opsgrade.report/1"
#define OG_REPORT_MAX_BYTES ((size_t)2 << 30)

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

#endif
