/*
 * The assessment's scope from the repo collector's repo.scope.* facts.
 * Renderers say what was left out so that a reader knows what the
 * figures rest on (issue 11): counts per rule with an example path.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"
#include "util.h"

#define PREFIX "repo.scope.excluded."

struct og_scope_row {
	const char *rule;	/* "test-fixtures" */
	const char *meaning;	/* "test data: counts for nothing" */
	double files;
	const char *example;	/* first path, may be NULL */
};

#define OG_SCOPE_ROWS_MAX	16

/* The repo collector's rules, in the order it applies them; "limited"
 * ones still count for their own capabilities. */
static const struct {
	const char *rule, *meaning, *noun;
	bool limited;
} rules[] = {
	{ "configured", "excluded by collectors.repo.exclude / --exclude", "configured exclusions", false },
	{ "gitignored", "ignored by .gitignore", "ignored by .gitignore", false },
	{ "vendored", "vendored and third-party code", "vendored", false },
	{ "generated", "generated files", "generated", false },
	{ "test-fixtures", "test data and fixtures", "test fixtures", false },
	{ "examples", "examples and samples", "examples", false },
	{ "dev-environment", "developer environment (devcontainers, editor settings)", "dev environment", false },
	{ "build-output", "build output", "build output", false },
	{ "tests", "tests: count only for testing capabilities", "tests", true },
	{ "documentation", "documentation: counts only for documentation capabilities", "documentation", true },
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* Rows from @rep's facts in rule order; returns how many (0: the repo
 * collector did not report its scope).  *ret_product: product files, or
 * -1 when not reported. */
static int
scope_rows(const struct og_report *rep, struct og_scope_row *rows, int max,
	   double *ret_product)
{
	const struct og_model_fact *pf = og_report_fact(rep, "repo.scope.product_files");
	int n = 0;

	*ret_product = -1;
	if (!pf)
		return 0;
	if (pf->type == OG_VALUE_NUMBER)
		*ret_product = pf->num;
	for (size_t i = 0; i < N_RULES && n < max; i++) {
		char key[64];
		const struct og_model_fact *f;

		snprintf(key, sizeof(key), PREFIX "%s", rules[i].rule);
		f = og_report_fact(rep, key);
		if (!f || f->type != OG_VALUE_NUMBER || f->num <= 0)
			continue;
		rows[n] = (struct og_scope_row){
			.rule = rules[i].rule, .meaning = rules[i].meaning,
			.files = f->num, .example = f->evidence,
		};
		n++;
	}
	return n;
}

char *
og_scope_line(const struct og_report *rep)
{
	struct og_scope_row rows[OG_SCOPE_ROWS_MAX];
	double product;
	int n = scope_rows(rep, rows, OG_SCOPE_ROWS_MAX, &product);
	char *out, *left = og_strdup0(""), *lim = og_strdup0(""), *t;

	if (product < 0 && n == 0) {
		free(left);
		free(lim);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		bool limited = false;
		const char *noun = rows[i].rule;

		for (size_t k = 0; k < N_RULES; k++)
			if (!strcmp(rules[k].rule, rows[i].rule)) {
				limited = rules[k].limited;
				noun = rules[k].noun;
			}
		if (limited) {
			t = og_asprintf("%s%s%.0f %s", lim, *lim ? ", " : "", rows[i].files, noun);
			free(lim);
			lim = t;
		} else {
			t = og_asprintf("%s%s%.0f %s", left, *left ? ", " : "", rows[i].files, noun);
			free(left);
			left = t;
		}
	}
	if (product >= 0)
		out = og_asprintf("Scope: %.0f product files assessed", product);
	else
		out = og_strdup0("Scope: the checkout");
	t = og_asprintf("%s; left out as not the product: %s%s%s.", out,
			*left ? left : "nothing",
			*lim ? "; counted only for their own capabilities: " : "", lim);
	free(out);
	out = t;
	free(left);
	free(lim);
	return out;
}
