/*
 * What the repo collector left out of "the product" (repo.scope.* facts,
 * docs/facts-repo.md): formatted once for every renderer.
 */
#ifndef OG_SCOPE_H
#define OG_SCOPE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct og_scope_row {
	const char *rule;	/* "test-fixtures" */
	const char *meaning;	/* "test data: counts for nothing" */
	double files;
	const char *example;	/* first path, may be NULL */
};

#define OG_SCOPE_ROWS_MAX	16

/* Rows from @report's facts in rule order; returns how many (0: the repo
 * collector did not report its scope). *ret_product: product files, or
 * -1 when not reported. */
int og_rj_scope_rows(const cJSON *report, struct og_scope_row *rows, int max,
		     double *ret_product);

/* One sentence: "Assessed 25 product files; left out: 14 test fixtures,
 * 3 examples; 2 test files count only for testing capabilities." or NULL
 * when no scope was reported.  New string. */
char *og_rj_scope_line(const cJSON *report);

#endif
