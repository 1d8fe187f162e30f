/*
 * The bundled data/maturity-model.json: it loads, covers the ten areas
 * with 70+ capabilities, every capability has a remediation, and an
 * assessment over a realistic fact set is deterministic and prints a
 * one-screen summary.
 */
#include "helpers.h"
#include "render.h"
#include "util.h"

static cJSON *
assess(struct og_model *m, const char *model, const cJSON *collectors, cJSON **ret_g)
{
	char *s = og_asprintf("{\"assessment\":{\"model\":\"%s\"},"
			      "\"gates\":{\"min_level\":3,\"fail_on\":\"critical\"}}", model);
	cJSON *cfg = cJSON_Parse(s), *as = NULL;
	char *err = NULL;

	if (og_assess(m, cfg, collectors, 1795780800, &as, ret_g, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	cJSON_Delete(cfg);
	free(s);
	return as;
}

int
main(void)
{
	const char *root = getenv("OG_SOURCE_ROOT");
	char *path = og_asprintf("%s/data/maturity-model.json", root ? root : ".");
	struct og_mm *mm = NULL;
	char *err = NULL, *a1, *a2, *buf = NULL;
	struct og_model *m = og_model_new();
	cJSON *as, *as2, *g, *g2, *coll;
	const char *eco[] = { "github-actions", "npm" };
	size_t len = 0, lines = 0, scorecard = 0;
	FILE *f;

	if (og_mm_load(path, NULL, 0, &mm, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	CHECK(mm->n_areas == 10);
	CHECK(mm->n_caps >= 70);
	for (size_t i = 0; i < mm->n_caps; i++) {
		CHECK(mm->caps[i].solution_text && *mm->caps[i].solution_text);
		scorecard += mm->caps[i].scorecard != NULL;
	}
	CHECK(scorecard >= 15);
	og_mm_free(mm);

	t_fact_bool(m, "ci.present", true, "repo");
	t_fact_bool(m, "ci.pr_trigger", true, "repo");
	t_fact_bool(m, "ci.tests", true, "repo");
	t_fact_bool(m, "ci.cache", true, "repo");
	t_fact_bool(m, "ci.parallel", false, "repo");
	t_fact_bool(m, "test.present", true, "repo");
	t_fact_bool(m, "docs.readme", true, "repo");
	t_fact_bool(m, "docs.security_policy", false, "repo");
	t_fact_bool(m, "deps.lockfile", true, "repo");
	t_fact_bool(m, "deps.automated_updates", false, "repo");
	t_fact_str(m, "deps.update_tool", "none", "repo");
	t_fact_list(m, "deps.dependabot.ecosystems", eco, 2, "repo");
	t_fact_bool(m, "scorecard.dangerous_workflow", false, "repo");
	t_fact_bool(m, "container.dockerfile.present", true, "repo");
	t_fact_bool(m, "container.dockerfile.nonroot", false, "repo");
	t_fact_bool(m, "github.branch_protection.enabled", true, "github");
	t_fact_num(m, "github.branch_protection.required_reviews", 1, "github");
	t_fact_unknown(m, "github.secret_scanning", "403: needs admin", "github");
	t_fact_bool(m, "trivy.scan.present", true, "trivy");
	t_finding(m, "CVE-2026-1", OG_SEV_CRITICAL, "2026-11-01", false);
	coll = cJSON_Parse("[{\"name\":\"github\",\"status\":\"ok\"},{\"name\":\"repo\",\"status\":\"ok\"}]");

	as = assess(m, path, coll, &g);
	as2 = assess(m, path, coll, &g2);
	a1 = cJSON_Print(as);
	a2 = cJSON_Print(as2);
	CHECK(!strcmp(a1, a2));	/* deterministic */
	CHECK_STR(t_get(as, "gaps.[0].priority_name")->valuestring, "critical");
	CHECK_STR(t_get(og_json_find_id(t_get(as, "capabilities"), "deps.update_tool"), "current")->valuestring,
		  "Manual dependency updates: no dependabot or renovate config found.");
	CHECK_STR(t_get(og_json_find_id(t_get(as, "capabilities"), "sec.secret_scanning"), "status")->valuestring,
		  "unknown");
	CHECK(cJSON_GetArraySize(t_get(as, "quick_wins")) > 0);
	CHECK(cJSON_GetArraySize(t_get(as, "roadmap")) > 0);
	CHECK(og_gates_failed(g));

	f = open_memstream(&buf, &len);
	og_render_summary(as, g, f);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	fputs(buf, stdout);
	CHECK(lines <= 45);	/* one screen */
	CHECK(strstr(buf, "Maturity: Level "));
	CHECK(strstr(buf, "FAIL No open findings rated critical or above: failed (1 open)"));
	/* what passes each failed gate, and the plan */
	CHECK(strstr(buf, "To pass, fix 1 finding: CVE-2026-1"));
	CHECK(strstr(buf, "To pass: "));
	CHECK(strstr(buf, "This week: about "));

	free(buf);
	free(a1);
	free(a2);
	cJSON_Delete(as);
	cJSON_Delete(as2);
	cJSON_Delete(g);
	cJSON_Delete(g2);
	cJSON_Delete(coll);
	og_model_free(m);
	free(path);
	return check_done();
}
