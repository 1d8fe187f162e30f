/*
 * Assessment engine: maturity model (data) + merged model -> the
 * `assessment` and `gates` members of report.json (docs/report-json.md).
 */
#ifndef OG_ASSESS_H
#define OG_ASSESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "model.h"

/*
 * Assess @m under @config (the whole validated config tree; reads
 * "assessment" and "gates").  @now is the run's clock (og_now()).
 * @collectors is report.json's collectors array (to say which collector
 * would observe an unknown capability); may be NULL.
 *
 * Returns 0 and two new cJSON trees the caller owns, or a negative errno
 * with *ret_err set to a message naming the file / JSON path at fault
 * (caller frees).  Outputs untouched on failure.
 */
int og_assess(struct og_model *m, const cJSON *config,
	      const cJSON *collectors, int64_t now,
	      cJSON **ret_assessment, cJSON **ret_gates, char **ret_err);

/* og_assess, with the model extended by @fragments (model files
 * plugins install next to themselves; after assessment.extra_models). */
int og_assess_ex(struct og_model *m, const cJSON *config,
		 const cJSON *collectors, const char *const *fragments,
		 size_t n_fragments, int64_t now, cJSON **ret_assessment,
		 cJSON **ret_gates, char **ret_err);

/* True when any gate in @gates has status "fail" (exit code 1). */
bool og_gates_failed(const cJSON *gates);

#endif
