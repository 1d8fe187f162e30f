/* Small helpers for the assessment unit tests. */
#ifndef OG_TEST_ASSESS_HELPERS_H
#define OG_TEST_ASSESS_HELPERS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "assess.h"
#include "assess-int.h"
#include "model.h"
#include "report-json.h"
#include "../check.h"

void t_fact_bool(struct og_model *m, const char *key, bool v, const char *src);
void t_fact_num(struct og_model *m, const char *key, double v, const char *src);
void t_fact_str(struct og_model *m, const char *key, const char *v, const char *src);
void t_fact_list(struct og_model *m, const char *key, const char *const *v,
		 size_t n, const char *src);
void t_fact_unknown(struct og_model *m, const char *key, const char *reason,
		    const char *src);
/* attrs: "key=value" strings, NULL-terminated */
/* A fact about @subject (kind "repository") with roll-up @rule; @v gives
 * type and value. */
void t_subject_fact(struct og_model *m, const char *subject, const char *key,
		    const struct og_model_fact *v, enum og_rollup rule);
void t_subject_event(struct og_model *m, const char *subject, const char *type,
		     const char *time, const char *const *attrs);
void t_event(struct og_model *m, const char *type, const char *time,
	     const char *const *attrs);
void t_finding(struct og_model *m, const char *id, enum og_severity sev,
	       const char *published, bool suppressed);
/* Write @text to a fresh temp file; returns its path (caller frees). */
char *t_tmpfile(const char *text);
/* Array of the string items of @arr joined with ","; caller frees. */
char *t_join(const cJSON *arr);
const cJSON *t_get(const cJSON *o, const char *path);	/* "a.b.c", "[2]" */

#endif
