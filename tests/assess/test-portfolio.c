/*
 * assessment.portfolio: the per-repository split on a hand-made org
 * model (fixtures/portfolio-model.json, five capabilities).
 *
 * Repositories (facts and events naming the subject, kind repository):
 *   a    protection on, 2 reviews, ci.present, Dependabot alerts on, a
 *        successful deployment every day of the window (acme/a):
 *        p.bp, p.rev, d.ci met; deployment frequency 7 days/week ->
 *        elite -> d.deploy met; scanned, no finding of its own ->
 *        findings.open.critical 0 -> p.vulns met.
 *        Level 2: 3 of 3; level 3: 2 of 2 -> level 3.  p 100, d 100.
 *   b    protection off, 0 reviews, alerts on, one open critical whose
 *        target is acme/b: p.bp, p.rev, p.vulns missing (3 P1 gaps);
 *        d.ci unknown (no key), d.deploy unknown (no deployments).
 *        Level 1.  p 0, d 0 (unknown counts as not met; coverage 0).
 *   a.b  (a dotted name: its facts must not land in "a") ci.present
 *        false only: d.ci missing, everything else unknown.  Level 1.
 *        p 0 (all unknown), d 0.
 * Events of acme/zzz and a finding targeting "Dockerfile" belong to no
 * repository.
 * Distribution {1: 2, 3: 1}; weakest: p (100, 0, 0 -> 33.3) and d (100,
 * 0, 0 -> 33.3), a tie kept in model order.
 * Org: the model's roll-ups.  Protection ALL -> false (b); reviews MIN
 * -> lowest (0) -> p.rev missing; with b's unknown it is unknown.
 */
#include "helpers.h"
#include "util.h"

#define NOW	1795000000

static char *fixture;

static void
finding(struct og_model *m, const char *id, const char *target)
{
	struct og_location loc = { .target = target };
	struct og_finding f = {
		.kind = OG_FINDING_VULNERABILITY, .id = id, .severity = OG_SEV_CRITICAL,
		.score = -1, .package = "pkg", .installed_version = "1.0",
		.locations = &loc, .n_locations = 1,
	};

	if (og_model_add_finding(m, &f, "trivy") < 0)
		exit(2);
}

static const struct og_model_fact T = { .type = OG_VALUE_BOOL, .b = true };
static const struct og_model_fact F = { .type = OG_VALUE_BOOL, .b = false };

static struct og_model *
org(bool b_reviews_known)
{
	struct og_model *m = og_model_new();
	struct og_model_fact n2 = { .type = OG_VALUE_NUMBER, .num = 2 };
	struct og_model_fact n0 = { .type = OG_VALUE_NUMBER, .num = 0 };
	struct og_model_fact unk = { .type = OG_VALUE_UNKNOWN,
				     .str = (char *)"needs admin" };
	char t[40];

	t_subject_fact(m, "acme/a", "github.repo.archived", &F, OG_ROLLUP_ANY);
	t_subject_fact(m, "acme/a", "github.branch_protection.enabled", &T, OG_ROLLUP_ALL);
	t_subject_fact(m, "acme/a", "github.branch_protection.required_reviews", &n2,
		       OG_ROLLUP_MIN);
	t_subject_fact(m, "acme/a", "ci.present", &T, OG_ROLLUP_ALL);
	t_subject_fact(m, "acme/a", "github.vulnerability_alerts", &T, OG_ROLLUP_ALL);
	t_subject_fact(m, "acme/b", "github.repo.archived", &F, OG_ROLLUP_ANY);
	t_subject_fact(m, "acme/b", "github.branch_protection.enabled", &F, OG_ROLLUP_ALL);
	t_subject_fact(m, "acme/b", "github.branch_protection.required_reviews",
		       b_reviews_known ? &n0 : &unk, OG_ROLLUP_MIN);
	t_subject_fact(m, "acme/b", "github.vulnerability_alerts", &T, OG_ROLLUP_ALL);
	t_subject_fact(m, "acme/a.b", "github.repo.archived", &F, OG_ROLLUP_ANY);
	t_subject_fact(m, "acme/a.b", "ci.present", &F, OG_ROLLUP_ALL);
	for (int i = 0; i < 90; i++) {
		const char *at[] = { "status=success", "environment=production",
				     NULL };

		og_format_time(NOW - (int64_t)i * 86400 - 60, t, sizeof(t));
		t_subject_event(m, "acme/a", "deployment", t, at);
	}
	{
		const char *at[] = { "status=success", NULL };

		og_format_time(NOW - 3600, t, sizeof(t));
		t_subject_event(m, "acme/zzz", "deployment", t, at);
	}
	finding(m, "CVE-1", "acme/b");
	finding(m, "CVE-2", "Dockerfile");
	return m;
}

static cJSON *
run(struct og_model *m)
{
	char *s = og_asprintf("{\"assessment\":{\"model\":\"%s/portfolio-model.json\"}}", fixture);
	cJSON *cfg = cJSON_Parse(s), *as = NULL, *gates = NULL;
	char *err = NULL;

	if (og_assess(m, cfg, NULL, NOW, &as, &gates, &err) < 0) {
		fprintf(stderr, "og_assess: %s\n", err);
		free(err);
		check_failures++;
	}
	cJSON_Delete(gates);
	cJSON_Delete(cfg);
	free(s);
	return as;
}

static const char *
cap_status(const cJSON *as, const char *id)
{
	const cJSON *c = og_json_find_id(t_get(as, "capabilities"), id);

	return c ? t_get(c, "status")->valuestring : "(absent)";
}

static void
test_split(void)
{
	struct og_model *m = org(true);
	cJSON *as = run(m), *again;
	const cJSON *pf, *r;
	char *a, *b;

	if (!as)
		goto out;
	pf = t_get(as, "portfolio");
	CHECK(cJSON_IsObject(pf));
	CHECK_NUM(cJSON_GetArraySize(t_get(pf, "repos")), 3);
	/* byte order: "acme/a" < "acme/a.b" < "acme/b" */
	CHECK_STR(t_get(pf, "repos.[0].name")->valuestring, "acme/a");
	CHECK_STR(t_get(pf, "repos.[1].name")->valuestring, "acme/a.b");
	CHECK_STR(t_get(pf, "repos.[2].name")->valuestring, "acme/b");

	r = t_get(pf, "repos.[0]");
	CHECK_NUM(t_get(r, "level")->valuedouble, 3);
	CHECK_STR(t_get(r, "level_name")->valuestring, "Defined");
	CHECK_NUM(t_get(r, "areas.p")->valuedouble, 100);
	CHECK_NUM(t_get(r, "areas.d")->valuedouble, 100);
	CHECK_NUM(t_get(r, "kpis.deployment_frequency.value")->valuedouble, 7);
	CHECK_STR(t_get(r, "kpis.deployment_frequency.band")->valuestring, "elite");
	CHECK_STR(t_get(r, "kpis.deployment_frequency.status")->valuestring, "good");
	CHECK_NUM(t_get(r, "kpis.open_critical_high.value")->valuedouble, 0);
	/* test coverage is a KPI of the coverage collector's fragment, not
	 * loaded here, and a run-wide figure anyway */
	CHECK(!t_get(r, "kpis.test_coverage"));
	CHECK_NUM(t_get(r, "gaps_p1")->valuedouble, 0);
	CHECK_NUM(t_get(r, "capabilities.met")->valuedouble, 5);

	r = t_get(pf, "repos.[1]");
	CHECK_NUM(t_get(r, "level")->valuedouble, 1);
	CHECK_NUM(t_get(r, "areas.p")->valuedouble, 0);
	CHECK_NUM(t_get(r, "areas.d")->valuedouble, 0);
	CHECK_NUM(t_get(r, "capabilities.missing")->valuedouble, 1);
	CHECK_NUM(t_get(r, "capabilities.unknown")->valuedouble, 4);
	CHECK_STR(t_get(r, "kpis.open_critical_high.status")->valuestring, "not measured");
	CHECK_NUM(t_get(r, "gaps_p1")->valuedouble, 0);

	r = t_get(pf, "repos.[2]");
	CHECK_NUM(t_get(r, "level")->valuedouble, 1);
	CHECK_NUM(t_get(r, "areas.p")->valuedouble, 0);
	CHECK_NUM(t_get(r, "areas.d")->valuedouble, 0);
	CHECK(cJSON_IsNull(t_get(r, "kpis.deployment_frequency.value")));
	CHECK_STR(t_get(r, "kpis.deployment_frequency.status")->valuestring, "not measured");
	CHECK_NUM(t_get(r, "kpis.open_critical_high.value")->valuedouble, 1);
	CHECK_NUM(t_get(r, "gaps_p1")->valuedouble, 3);
	CHECK_NUM(t_get(r, "capabilities.missing")->valuedouble, 3);

	CHECK_NUM(t_get(pf, "level_distribution.1")->valuedouble, 2);
	CHECK_NUM(t_get(pf, "level_distribution.2")->valuedouble, 0);
	CHECK_NUM(t_get(pf, "level_distribution.3")->valuedouble, 1);
	CHECK_NUM(cJSON_GetArraySize(t_get(pf, "weakest_areas")), 2);
	CHECK_STR(t_get(pf, "weakest_areas.[0].id")->valuestring, "p");
	CHECK_NUM(t_get(pf, "weakest_areas.[0].average")->valuedouble, 33.3);
	CHECK_NUM(t_get(pf, "weakest_areas.[0].repos")->valuedouble, 3);
	CHECK_STR(t_get(pf, "weakest_areas.[1].id")->valuestring, "d");

	/* the org as a whole: the model's roll-ups; b is unprotected,
	 * reviews = lowest (0) */
	CHECK(!og_model_fact(m, "github.branch_protection.enabled")->b);
	CHECK_STR(og_model_fact(m, "github.branch_protection.enabled")->evidence,
		  "acme/b is false");
	CHECK(og_model_fact(m, "github.vulnerability_alerts")->b);
	CHECK_NUM(og_model_fact(m, "github.branch_protection.required_reviews")->num, 0);
	CHECK_STR(cap_status(as, "p.bp"), "missing");
	CHECK_STR(cap_status(as, "p.rev"), "missing");
	/* org-wide KPIs use every event, acme/zzz's too; both criticals */
	CHECK_NUM(t_get(as, "security.open.critical")->valuedouble, 2);

	/* deterministic: a second run gives the same document */
	again = run(m);
	a = cJSON_PrintUnformatted(as);
	b = again ? cJSON_PrintUnformatted(again) : NULL;
	CHECK(b && !strcmp(a, b));
	free(a);
	free(b);
	cJSON_Delete(again);
out:
	cJSON_Delete(as);
	og_model_free(m);
}

static void
test_unknown_number(void)
{
	struct og_model *m = org(false);
	cJSON *as = run(m);

	if (as) {
		/* b could not be measured: its value could be the lowest */
		CHECK_STR(cap_status(as, "p.rev"), "unknown");
		/* and b's p.rev is unknown too: p.bp, p.vulns missing -> 0 */
		CHECK_NUM(t_get(as, "portfolio.repos.[2].areas.p")->valuedouble, 0);
		CHECK_NUM(t_get(as, "portfolio.repos.[2].capabilities.unknown")->valuedouble, 3);
	}
	cJSON_Delete(as);
	og_model_free(m);
}

static void
test_no_repos(void)
{
	struct og_model *m = og_model_new();
	cJSON *as;

	t_fact_bool(m, "ci.present", true, "repo");
	as = run(m);
	CHECK(as && !cJSON_GetObjectItemCaseSensitive(as, "portfolio"));
	cJSON_Delete(as);
	og_model_free(m);
}

int
main(void)
{
	const char *root = getenv("OG_SOURCE_ROOT");

	fixture = og_asprintf("%s/tests/assess/fixtures", root ? root : ".");
	test_split();
	test_unknown_number();
	test_no_repos();
	free(fixture);
	return check_done();
}
