/*
 * KPIs from hand-made event series.  now = 2026-11-27T12:00:00Z, window
 * 90 days = UTC days 2026-08-30 .. 2026-11-27.  Week buckets are the 7-day
 * runs ending today (12 of them), month buckets 30-day runs (3).
 */
#include "helpers.h"
#include <unistd.h>

#include "util.h"

#define NOW 1795780800	/* 2026-11-27T12:00:00Z */
#define DAY 86400

/* What the bundled model names (data/maturity-model.json). */
static char *scan_keys[] = { (char *)"trivy.scan.present" };
static char *incident_keys[] = { (char *)"github.incidents.tracked" };
static const struct og_mm facts_mm = {
	.scan_facts = scan_keys, .n_scan_facts = 1,
	.incident_facts = incident_keys, .n_incident_facts = 1,
};

static cJSON *
kpis(struct og_model *m, int band_year, char **ret_err)
{
	struct og_fact_env env = { .m = m, .mm = &facts_mm };
	struct og_kpi_opts o = { .now = NOW, .window_days = 90, .band_year = band_year };
	cJSON *arr = NULL;

	if (og_kpis(m, &o, &env, &arr, ret_err) < 0)
		arr = NULL;
	og_env_fini(&env);
	return arr;
}

static const cJSON *
k(const cJSON *arr, const char *id, const char *field)
{
	return t_get(og_json_find_id(arr, id), field);
}

static void
deploy_at(struct og_model *m, int64_t t, const char *status)
{
	char ts[32], st[32];
	const char *attrs[] = { st, "environment=production", NULL };

	og_format_time(t, ts, sizeof(ts));
	snprintf(st, sizeof(st), "status=%s", status);
	t_event(m, "deployment", ts, attrs);
}

/* deploy at 10:00Z on every day d back from today with pred(d) */
static struct og_model *
deploys(bool (*pred)(int back))
{
	struct og_model *m = og_model_new();

	for (int back = 0; back < 90; back++)
		if (pred(back))
			deploy_at(m, NOW - 2 * 3600 - (int64_t)back * DAY, "success");
	return m;
}

static bool every_day(int b) { return true; }
static bool five_a_week(int b) { return b % 7 < 5; }
static bool four_a_week(int b) { return b % 7 < 4; }
static bool once_a_week(int b) { return b % 7 == 3; }
static bool every_30_days(int b) { return b % 30 == 0; }

static void
check_df(bool (*pred)(int), double value, const char *b2023, const char *b2021)
{
	struct og_model *m = deploys(pred);
	char *err = NULL;
	cJSON *a = kpis(m, 2023, &err), *b = kpis(m, 2021, &err);

	CHECK_NUM(k(a, "deployment_frequency", "value")->valuedouble, value);
	CHECK_STR(k(a, "deployment_frequency", "band")->valuestring, b2023);
	CHECK_NUM(k(a, "deployment_frequency", "band_year")->valuedouble, 2023);
	CHECK_STR(k(b, "deployment_frequency", "band")->valuestring, b2021);
	CHECK_NUM(k(b, "deployment_frequency", "band_year")->valuedouble, 2021);
	CHECK_STR(k(a, "deployment_frequency", "bands.2021")->valuestring, b2021);
	cJSON_Delete(a);
	cJSON_Delete(b);
	og_model_free(m);
}

static void
test_deployment_frequency(void)
{
	struct og_model *m;
	cJSON *a;
	char *err = NULL;

	check_df(every_day, 7, "elite", "elite");	/* exactly daily */
	check_df(five_a_week, 5, "elite", "elite");	/* edge: 5 days/week */
	check_df(four_a_week, 4, "high", "high");
	check_df(once_a_week, 1, "high", "high");	/* edge: weekly */
	/* days 0, 30, 60 back: weeks 0, 4, 8 of 12 have one -> median 0;
	 * each 30-day bucket has one -> 2023 medium, 2021 high */
	check_df(every_30_days, 0, "medium", "high");

	/* status must be success; failures are not deployments */
	m = og_model_new();
	for (int back = 0; back < 90; back++)
		deploy_at(m, NOW - 3600 - (int64_t)back * DAY, "failure");
	deploy_at(m, NOW - 100 * (int64_t)DAY, "success");	/* before the window */
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "deployment_frequency", "value")->valuedouble, 0);
	CHECK_STR(k(a, "deployment_frequency", "band")->valuestring, "low");
	CHECK_STR(k(a, "deployment_frequency", "status")->valuestring, "needs improvement");
	cJSON_Delete(a);
	og_model_free(m);

	/* no deployment events at all: not measured, never 0 */
	m = og_model_new();
	a = kpis(m, 2023, &err);
	CHECK(cJSON_IsNull(k(a, "deployment_frequency", "value")));
	CHECK_STR(k(a, "deployment_frequency", "status")->valuestring, "not measured");
	CHECK(cJSON_IsNull(k(a, "deployment_frequency", "band")));
	CHECK(strstr(k(a, "deployment_frequency", "reason")->valuestring, "no deployment events"));
	cJSON_Delete(a);
	og_model_free(m);

	/* time-zone offsets: +14:00 at 01:00 is 11:00Z today (counted);
	 * -05:00 at 08:00 is 13:00Z, after now (not counted); +05:00 at 01:30
	 * is 20:30Z yesterday.  Two deployment days, both in week 0, so the
	 * median over 12 weeks is 0, one 30-day bucket of 3 -> 2023 low. */
	m = og_model_new();
	{
		const char *a1[] = { "status=success", NULL };

		t_event(m, "deployment", "2026-11-28T01:00:00+14:00", a1);
		t_event(m, "deployment", "2026-11-27T08:00:00-05:00", a1);
		t_event(m, "deployment", "2026-11-27T01:30:00+05:00", a1);
	}
	a = kpis(m, 2023, &err);
	CHECK(strstr(k(a, "deployment_frequency", "evidence")->valuestring,
		     "2 successful deployments on 2 distinct days"));
	CHECK_STR(k(a, "deployment_frequency", "band")->valuestring, "low");
	cJSON_Delete(a);
	og_model_free(m);
}

static void
pr(struct og_model *m, const char *merged, const char *first)
{
	char fc[64];
	const char *attrs[] = { fc, NULL };

	snprintf(fc, sizeof(fc), "first_commit_at=%s", first);
	t_event(m, "pr_merged", merged, attrs);
}

static void
test_lead_time(void)
{
	struct og_model *m = og_model_new();
	char *err = NULL;
	cJSON *a;

	/* no deployments: first commit -> merge.  2 h (offset +02:00), 4 h,
	 * 30 h -> median 4 h: 2023 elite (< 1 day), 2021 high (>= 1 h) */
	pr(m, "2026-11-20T12:00:00Z", "2026-11-20T12:00:00+02:00");
	pr(m, "2026-11-21T12:00:00Z", "2026-11-21T08:00:00Z");
	pr(m, "2026-11-22T12:00:00Z", "2026-11-21T01:00:00-05:00");
	pr(m, "2026-11-22T13:00:00Z", "2026-11-22T14:00:00Z");	/* negative: ignored */
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "lead_time_for_changes", "value")->valuedouble, 4);
	CHECK_STR(k(a, "lead_time_for_changes", "band")->valuestring, "elite");
	CHECK_STR(k(a, "lead_time_for_changes", "bands.2021")->valuestring, "high");
	CHECK(strstr(k(a, "lead_time_for_changes", "evidence")->valuestring, "first commit to merge"));
	cJSON_Delete(a);
	og_model_free(m);

	/* with deployments: the first successful deployment at or after the
	 * merge ends the lead time.  PR A: first 11-10 00:00, merged 11-10
	 * 12:00, deployed 11-11 00:00 -> exactly 24 h -> 2023 high (edge).
	 * PR B: merged after the last deployment -> not counted. */
	m = og_model_new();
	pr(m, "2026-11-10T12:00:00Z", "2026-11-10T00:00:00Z");
	pr(m, "2026-11-26T12:00:00Z", "2026-11-26T00:00:00Z");
	deploy_at(m, NOW - 17 * (int64_t)DAY + 12 * 3600, "success");	/* 2026-11-11T00:00Z */
	deploy_at(m, NOW - 16 * (int64_t)DAY, "failure");
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "lead_time_for_changes", "value")->valuedouble, 24);
	CHECK_STR(k(a, "lead_time_for_changes", "band")->valuestring, "high");
	CHECK_STR(k(a, "lead_time_for_changes", "status")->valuestring, "good");	/* high band */
	CHECK_STR(k(a, "lead_time_for_changes", "display")->valuestring, "24.0 hours");
	cJSON_Delete(a);
	og_model_free(m);

	m = og_model_new();
	a = kpis(m, 2023, &err);
	CHECK_STR(k(a, "lead_time_for_changes", "status")->valuestring, "not measured");
	cJSON_Delete(a);
	og_model_free(m);
}

static void
incident(struct og_model *m, const char *at, const char *resolved)
{
	char r[64];
	const char *attrs[] = { r, NULL };

	snprintf(r, sizeof(r), "resolved_at=%s", resolved ? resolved : "");
	t_event(m, "incident", at, resolved ? attrs : NULL);
}

static void
test_cfr_and_restore(void)
{
	struct og_model *m = og_model_new();
	struct og_model *m2;
	char *err = NULL;
	cJSON *a;

	/* 20 deployments, one a day at 10:00Z on days 1..20 back. */
	for (int back = 1; back <= 20; back++)
		deploy_at(m, NOW - 2 * 3600 - (int64_t)back * DAY, "success");
	/* no incident events and no github.incidents.tracked: not measured */
	a = kpis(m, 2023, &err);
	CHECK_STR(k(a, "change_failure_rate", "status")->valuestring, "not measured");
	CHECK_STR(k(a, "time_to_restore", "status")->valuestring, "not measured");
	cJSON_Delete(a);

	/* 3 incidents after 3 different deployments (days 5, 10, 15 back at
	 * 11:00Z), two more after the day-5 one -> 3 of 20 = 15%: 2023
	 * medium (edge <= 15), 2021 elite (<= 15). Restore: 30 min, 1 h
	 * (edge: not < 1 h -> high), 2 h (resolved written with +03:00),
	 * 26 h; one open -> median of 0.5, 1, 2, 26 = 1.5 h -> high. */
	incident(m, "2026-11-22T11:00:00Z", "2026-11-22T11:30:00Z");
	incident(m, "2026-11-22T15:00:00Z", "2026-11-22T16:00:00Z");
	incident(m, "2026-11-22T16:00:00Z", NULL);
	incident(m, "2026-11-17T11:00:00Z", "2026-11-17T16:00:00+03:00");
	incident(m, "2026-11-12T11:00:00Z", "2026-11-13T13:00:00Z");
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "change_failure_rate", "value")->valuedouble, 15);
	CHECK_STR(k(a, "change_failure_rate", "band")->valuestring, "medium");
	CHECK_STR(k(a, "change_failure_rate", "bands.2021")->valuestring, "elite");
	/* the status follows the band: medium is below the high band */
	CHECK_STR(k(a, "change_failure_rate", "status")->valuestring, "needs improvement");
	CHECK_STR(k(a, "change_failure_rate", "judged_by")->valuestring, "band");
	CHECK_NUM(k(a, "change_failure_rate", "target")->valuedouble, 10);
	CHECK_NUM(k(a, "time_to_restore", "value")->valuedouble, 1.5);
	CHECK_STR(k(a, "time_to_restore", "band")->valuestring, "high");
	CHECK_STR(k(a, "time_to_restore", "status")->valuestring, "good");
	CHECK_STR(k(a, "time_to_restore", "display")->valuestring, "1.5 hours");
	CHECK(strstr(k(a, "time_to_restore", "evidence")->valuestring, "4 resolved incidents"));
	cJSON_Delete(a);

	/* incidents tracked, none happened: a measured 0% */
	m2 = og_model_new();
	deploy_at(m2, NOW - 3 * (int64_t)DAY, "success");
	t_fact_bool(m2, "github.incidents.tracked", true, "github");
	{
		struct og_fact_env env = { .m = m2 };
		struct og_kpi_opts o = { .now = NOW, .window_days = 90, .band_year = 2023 };

		env.mm = &facts_mm;
		CHECK(og_kpis(m2, &o, &env, &a, &err) == 0);
		CHECK_NUM(k(a, "change_failure_rate", "value")->valuedouble, 0);
		CHECK_STR(k(a, "change_failure_rate", "band")->valuestring, "elite");
		/* derived facts for the rules */
		CHECK(og_env_fact(&env, "kpi.change_failure_rate") != NULL);
		CHECK_STR(og_env_fact(&env, "kpi.change_failure_rate.band")->str, "elite");
		CHECK(og_env_fact(&env, "kpi.time_to_restore") == NULL);
		og_env_fini(&env);
		cJSON_Delete(a);
	}
	og_model_free(m2);
	og_model_free(m);
}

static void
run_at(struct og_model *m, const char *t, const char *conclusion)
{
	char c[48];
	const char *attrs[] = { c, NULL };

	snprintf(c, sizeof(c), "conclusion=%s", conclusion);
	t_event(m, "workflow_run", t, attrs);
}

static void
test_builds(void)
{
	struct og_model *m = og_model_new();
	char *err = NULL;
	cJSON *a;

	/* 19 success, 1 cancelled (counts as failed), 3 skipped (not counted),
	 * 1 failure before the window -> 19/20 = 95%: good at the edge */
	for (int i = 0; i < 19; i++)
		run_at(m, "2026-11-20T10:00:00Z", "success");
	run_at(m, "2026-11-20T11:00:00+01:00", "cancelled");
	for (int i = 0; i < 3; i++)
		run_at(m, "2026-11-21T10:00:00Z", "skipped");
	run_at(m, "2026-08-01T10:00:00Z", "failure");
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "build_success_rate", "value")->valuedouble, 95);
	CHECK_STR(k(a, "build_success_rate", "status")->valuestring, "good");
	CHECK(cJSON_IsNull(k(a, "build_success_rate", "band")));
	cJSON_Delete(a);
	run_at(m, "2026-11-22T10:00:00Z", "failure");	/* 19/21 = 90.476 -> 90.5 */
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "build_success_rate", "value")->valuedouble, 90.5);
	CHECK_STR(k(a, "build_success_rate", "status")->valuestring, "needs improvement");
	cJSON_Delete(a);
	og_model_free(m);
}

static void
test_findings(void)
{
	struct og_model *m = og_model_new();
	char *err = NULL;
	cJSON *a;

	a = kpis(m, 2023, &err);
	CHECK_STR(k(a, "open_critical_high", "status")->valuestring, "not measured");
	cJSON_Delete(a);

	/* scanned, nothing found: a true zero */
	t_fact_bool(m, "trivy.scan.present", true, "trivy");
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "open_critical_high", "value")->valuedouble, 0);
	CHECK_STR(k(a, "oldest_critical_age", "status")->valuestring, "good");
	CHECK(cJSON_IsNull(k(a, "oldest_critical_age", "value")));
	/* every output shows this one string, never "not measured" */
	CHECK_STR(k(a, "oldest_critical_age", "display")->valuestring, "none open");
	cJSON_Delete(a);

	/* published 2026-10-28 (00:00Z): 30.5 days before now -> 30 (edge,
	 * target <= 30 is good).  The suppressed older one does not count. */
	t_finding(m, "CVE-1", OG_SEV_CRITICAL, "2026-10-28T00:00:00Z", false);
	t_finding(m, "CVE-2", OG_SEV_CRITICAL, "2020-01-01T00:00:00Z", true);
	t_finding(m, "CVE-3", OG_SEV_HIGH, NULL, false);
	t_finding(m, "CVE-4", OG_SEV_MEDIUM, NULL, false);
	a = kpis(m, 2023, &err);
	CHECK_NUM(k(a, "open_critical_high", "value")->valuedouble, 2);
	CHECK_STR(k(a, "open_critical_high", "status")->valuestring, "needs improvement");
	CHECK_NUM(k(a, "oldest_critical_age", "value")->valuedouble, 30);
	CHECK_STR(k(a, "oldest_critical_age", "status")->valuestring, "good");
	cJSON_Delete(a);
	og_model_free(m);
}

int
main(void)
{
	test_deployment_frequency();
	test_lead_time();
	test_cfr_and_restore();
	test_builds();
	test_findings();
	return check_done();
}
