/*
 * The assessment's scope from the repo collector's repo.scope.* facts.
 * Renderers say what was left out so that a reader knows what the
 * figures rest on (issue 11): counts per rule with an example path.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"
#include "rdoc.h"
#include "scope.h"
#include "util.h"

#define PREFIX "repo.scope.excluded."

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

static const cJSON *
fact(const cJSON *report, const char *key)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, og_jget(report, "facts"))
		if (!strcmp(og_jstr_or(og_jget(f, "key"), ""), key) &&
		    !og_jget(f, "subject"))
			return f;
	return NULL;
}

int
og_rj_scope_rows(const cJSON *report, struct og_scope_row *rows, int max,
		 double *ret_product)
{
	const cJSON *pf = fact(report, "repo.scope.product_files");
	int n = 0;

	*ret_product = -1;
	if (!pf)
		return 0;
	if (!og_rj_num(pf, "value", ret_product))
		*ret_product = -1;
	for (size_t i = 0; i < N_RULES && n < max; i++) {
		char key[64];
		const cJSON *f;
		double v;

		snprintf(key, sizeof(key), PREFIX "%s", rules[i].rule);
		f = fact(report, key);
		if (!f || !og_rj_num(f, "value", &v) || v <= 0)
			continue;
		rows[n] = (struct og_scope_row){
			.rule = rules[i].rule, .meaning = rules[i].meaning,
			.files = v, .example = og_jstr(og_jget(f, "evidence")),
		};
		n++;
	}
	return n;
}

char *
og_rj_scope_line(const cJSON *report)
{
	struct og_scope_row rows[OG_SCOPE_ROWS_MAX];
	double product;
	int n = og_rj_scope_rows(report, rows, OG_SCOPE_ROWS_MAX, &product);
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
