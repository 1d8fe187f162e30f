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
 * Errors name the file and the JSON path.  The facts, findings and events
 * go from the text into the model one at a time, never as one tree: the
 * document's "facts", "findings" and "events" are empty arrays where the
 * file has them (core/report.h), the rest of the document is a cJSON
 * tree.
 */
int og_report_load(const char *path, cJSON **ret_doc, struct og_model **ret_m,
		   char **ret_err);
/* The same, reading into @b's buffer, which is kept for the next load
 * (free(b->buf) after the last): shards of a merge one after another. */
struct og_report_buf {
	char *buf;
	size_t cap;
};
int og_report_load_buf(struct og_report_buf *b, const char *path,
		       cJSON **ret_doc, struct og_model **ret_m, char **ret_err);
/* The same through one cJSON tree of the whole file (its facts, findings
 * and events stay in the document too): the reference the streaming
 * reader is tested and fuzzed against. */
int og_report_load_tree(const char *path, cJSON **ret_doc,
			struct og_model **ret_m, char **ret_err);

/*
 * Load the reports at @paths, up to @jobs at once on threads (0: one a
 * core), and hand each to @take in input order on the calling thread,
 * which then owns its document and model.  Stops at the first load that
 * fails (-errno, *ret_err names the file) or the first @take that
 * returns non-zero (that value).
 */
int og_report_load_each(const char *const *paths, size_t n, unsigned jobs,
			int (*take)(void *ctx, size_t i, cJSON *doc,
				    struct og_model *m),
			void *ctx, char **ret_err);

#endif
