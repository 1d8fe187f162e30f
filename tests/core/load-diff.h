/*
 * report.json read both ways, the streaming loader against the whole
 * tree (og_report_load_tree): they must agree on success, on the error
 * (the byte of a syntax error may differ), on the document and on the
 * model.  Shared by test-report-load and the report.json fuzzer.
 */
#ifndef OG_TEST_LOAD_DIFF_H
#define OG_TEST_LOAD_DIFF_H

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"
#include "report-json.h"
#include "util.h"

/* Whether @a and @b print the same (cJSON_PrintUnformatted); frees both
 * trees. */
static inline bool
load_diff_same(cJSON *a, cJSON *b)
{
	char *sa = cJSON_PrintUnformatted(a), *sb = cJSON_PrintUnformatted(b);
	bool same = sa && sb && !strcmp(sa, sb);

	free(sa);
	free(sb);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return same;
}

/* The sorted items of two models, as @to prints them, are the same. */
#define LOAD_DIFF_ITEMS(a, b, view, to) do {				\
		size_t na_, nb_;					\
		const void *const *va_ = (const void *const *)view(a, &na_); \
		const void *const *vb_ = (const void *const *)view(b, &nb_); \
									\
		if (na_ != nb_)						\
			return false;					\
		for (size_t i_ = 0; i_ < na_; i_++)			\
			if (!load_diff_same(to(va_[i_]), to(vb_[i_])))	\
				return false;				\
	} while (0)

/* The two models hold the same facts, findings and events, in order. */
static inline bool
load_diff_models(struct og_model *a, struct og_model *b)
{
	LOAD_DIFF_ITEMS(a, b, og_model_findings, og_finding_to_json);
	LOAD_DIFF_ITEMS(a, b, og_model_facts, og_fact_to_json);
	LOAD_DIFF_ITEMS(a, b, og_model_events, og_event_to_json);
	return true;
}

/*
 * Load @path both ways: NULL when they agree, else what differs
 * (caller frees).  *ret_err (may be NULL) gets the streaming loader's
 * error, if any.
 */
static inline char *
load_diff(const char *path, char **ret_err)
{
	static const char *const keys[] = { "facts", "findings", "events" };
	struct og_model *m1 = NULL, *m2 = NULL;
	cJSON *d1 = NULL, *d2 = NULL, *f1, *f2;
	char *e1 = NULL, *e2 = NULL, *why = NULL;
	int r1, r2;

	r1 = og_report_load(path, &d1, &m1, &e1);
	r2 = og_report_load_tree(path, &d2, &m2, &e2);
	if ((r1 < 0) != (r2 < 0)) {
		why = og_asprintf("stream %d (%s), tree %d (%s)", r1,
				  e1 ? e1 : "", r2, e2 ? e2 : "");
	} else if (r1 < 0) {
		if (strcmp(e1, e2) != 0 && !(strstr(e1, ": invalid JSON at byte ") &&
					     strstr(e2, ": invalid JSON at byte ")))
			why = og_asprintf("errors differ: stream '%s', tree '%s'", e1, e2);
	} else {
		/* the streaming loader's arrays are empty: the model holds
		 * their items (compared below) */
		for (size_t k = 0; k < 3 && !why; k++) {
			f1 = cJSON_DetachItemFromObjectCaseSensitive(d1, keys[k]);
			f2 = cJSON_DetachItemFromObjectCaseSensitive(d2, keys[k]);
			if (!f1 != !f2 || (f1 && f1->type != f2->type) ||
			    (cJSON_IsArray(f1) && f1->child))
				why = og_asprintf("the documents' %s members differ",
						  keys[k]);
			cJSON_Delete(f1);
			cJSON_Delete(f2);
		}
		if (!why && !load_diff_same(cJSON_Duplicate(d1, 1), cJSON_Duplicate(d2, 1)))
			why = og_strdup0("the documents differ");
		else if (!why && !load_diff_models(m1, m2))
			why = og_strdup0("the models differ");
	}
	if (ret_err) {
		*ret_err = e1;
		e1 = NULL;
	}
	free(e1);
	free(e2);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
	og_model_free(m1);
	og_model_free(m2);
	return why;
}

#endif /* OG_TEST_LOAD_DIFF_H */
