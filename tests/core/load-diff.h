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

/* The two models hold the same facts, findings and events, in order. */
static inline bool
load_diff_models(struct og_model *a, struct og_model *b)
{
	const struct og_model_finding *const *fa, *const *fb;
	const struct og_model_fact *const *ca, *const *cb;
	const struct og_model_event *const *ea, *const *eb;
	size_t na, nb;

	fa = og_model_findings(a, &na);
	fb = og_model_findings(b, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!load_diff_same(og_finding_to_json(fa[i]), og_finding_to_json(fb[i])))
			return false;
	ca = og_model_facts(a, &na);
	cb = og_model_facts(b, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!load_diff_same(og_fact_to_json(ca[i]), og_fact_to_json(cb[i])))
			return false;
	ea = og_model_events(a, &na);
	eb = og_model_events(b, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!load_diff_same(og_event_to_json(ea[i]), og_event_to_json(eb[i])))
			return false;
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
		f1 = cJSON_DetachItemFromObjectCaseSensitive(d1, "findings");
		f2 = cJSON_DetachItemFromObjectCaseSensitive(d2, "findings");
		if (!f1 != !f2 || (f1 && f1->type != f2->type) ||
		    (cJSON_IsArray(f1) && f1->child))
			why = og_strdup0("the documents' findings members differ");
		else if (!load_diff_same(cJSON_Duplicate(d1, 1), cJSON_Duplicate(d2, 1)))
			why = og_strdup0("the documents differ");
		else if (!load_diff_models(m1, m2))
			why = og_strdup0("the models differ");
		cJSON_Delete(f1);
		cJSON_Delete(f2);
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
