/*
 * The engine end to end on a hand-made model (fixtures/small-model.json)
 * and fact set.  Facts: x.one=true x.two=false x.three=5 y.p=true
 * y.q=false y.r=false; z.absent is absent.
 *
 * Statuses: a.l2x met (w2), a.l2y missing (w1), b.l2z met (w1),
 * b.l3p met (w3), b.l3q missing (w1), c.l3u unknown (w5), a.l4 missing (w1).
 *   level 2: met 3 of known 4 = 0.75;  level 3: met 3 of known 4 (c.l3u
 *   unknown, not counted) = 0.75;  level 4: 0 of 1.
 *   threshold 0.8 -> level 1; threshold 0.75 -> level 3.
 *   area a: 2 of 4 = 50.0; b: 4 of 5 = 80.0; c: nothing known -> null.
 */
#include <unistd.h>

#include "helpers.h"
#include "util.h"

static char *fixture;

static struct og_model *
facts(void)
{
	struct og_model *m = og_model_new();

	t_fact_bool(m, "x.one", true, NULL);
	t_fact_bool(m, "x.two", false, NULL);
	t_fact_num(m, "x.three", 5, NULL);
	t_fact_bool(m, "y.p", true, NULL);
	t_fact_bool(m, "y.q", false, NULL);
	t_fact_bool(m, "y.r", false, NULL);
	return m;
}

static cJSON *
run(struct og_model *m, const char *cfg_json, cJSON **ret_gates, char **ret_err)
{
	char *s = og_asprintf(cfg_json, fixture, fixture);
	cJSON *cfg = cJSON_Parse(s), *as = NULL, *gates = NULL;
	int r;

	if (!cfg) {
		fprintf(stderr, "bad config %s\n", s);
		exit(2);
	}
	r = og_assess(m, cfg, NULL, 1795000000, &as, &gates, ret_err);
	cJSON_Delete(cfg);
	free(s);
	if (r < 0)
		return NULL;
	if (ret_gates)
		*ret_gates = gates;
	else
		cJSON_Delete(gates);
	return as;
}

static void
check_ids(const cJSON *o, const char *path, const char *want)
{
	char *got = t_join(t_get(o, path));

	if (strcmp(got, want))
		CHECK_FAIL("%s: \"%s\", expected \"%s\"", path, got, want);
	free(got);
}

static void
test_default_threshold(void)
{
	struct og_model *m = facts();
	char *err = NULL;
	cJSON *as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\"}}", NULL, &err);
	const cJSON *cap, *gap;

	CHECK(as);
	if (!as) {
		fprintf(stderr, "%s\n", err);
		free(err);
		og_model_free(m);
		return;
	}
	CHECK_NUM(t_get(as, "level")->valuedouble, 1);
	CHECK_STR(t_get(as, "level_name")->valuestring, "Initial");
	CHECK_NUM(t_get(as, "levels.[1].share")->valuedouble, 0.75);
	CHECK_NUM(t_get(as, "levels.[1].known_weight")->valuedouble, 4);
	CHECK(cJSON_IsFalse(t_get(as, "levels.[1].reached")));
	CHECK(cJSON_IsTrue(t_get(as, "levels.[0].reached")));
	CHECK_NUM(t_get(as, "levels.[2].share")->valuedouble, 0.75);
	CHECK(cJSON_IsNull(t_get(as, "levels.[4].share")));
	CHECK_NUM(t_get(as, "next_level.level")->valuedouble, 2);
	check_ids(as, "next_level.needs", "a.l2y");

	/* areas */
	CHECK_STR(t_get(as, "areas.[0].name")->valuestring, "Alpha");
	CHECK_NUM(t_get(as, "areas.[0].completeness")->valuedouble, 50.0);
	check_ids(as, "areas.[0].implemented", "a.l2x");
	check_ids(as, "areas.[0].missing", "a.l2y,a.l4");
	CHECK_NUM(t_get(as, "areas.[1].completeness")->valuedouble, 80.0);
	CHECK(cJSON_IsNull(t_get(as, "areas.[2].completeness")));
	check_ids(as, "areas.[2].unknown", "c.l3u");
	check_ids(as, "areas.[2].missing", "");
	check_ids(as, "strengths", "");
	check_ids(as, "improvements", "a,b");

	/* unknown is never missing; the report says what would observe it */
	cap = og_json_find_id(t_get(as, "capabilities"), "c.l3u");
	CHECK_STR(t_get(cap, "status")->valuestring, "unknown");
	CHECK_STR(t_get(cap, "observe_hint")->valuestring, "enable the github collector");
	CHECK(!og_json_find_id(t_get(as, "gaps"), "c.l3u"));
	cap = og_json_find_id(t_get(as, "capabilities"), "a.l2y");
	CHECK_STR(t_get(cap, "current")->valuestring, "x.two is no, z is not observed");
	CHECK_STR(t_get(cap, "effort")->valuestring, "45 minutes");
	CHECK_STR(t_get(cap, "scorecard")->valuestring, "SAST");

	/* gaps: priority, then level, then weight, then id */
	CHECK_NUM(cJSON_GetArraySize(t_get(as, "gaps")), 3);
	CHECK_STR(t_get(as, "gaps.[0].id")->valuestring, "a.l2y");
	CHECK_STR(t_get(as, "gaps.[1].id")->valuestring, "a.l4");
	CHECK_STR(t_get(as, "gaps.[2].id")->valuestring, "b.l3q");
	gap = t_get(as, "gaps.[0]");
	CHECK_STR(t_get(gap, "solution.snippet")->valuestring, "y: 1");
	CHECK_STR(t_get(gap, "solution.lang")->valuestring, "yaml");
	CHECK_STR(t_get(gap, "target")->valuestring, "ty");
	check_ids(gap, "tools", "Free1,PaidX");
	CHECK_STR(t_get(as, "gaps.[1].effort")->valuestring, "7.5 days");

	/* roadmap: phase 1 = a.l2y (45 min) in week 1; phase 2 starts on a
	 * fresh week 2: a.l4 (3600 min) fills week 2 and 1200 min of week 3;
	 * b.l3q (phase hint 1, but it depends on a.l4 -> phase 2, 1440 min)
	 * takes the remaining 1200 of week 3 and 240 of week 4. */
	CHECK_NUM(cJSON_GetArraySize(t_get(as, "roadmap")), 2);
	CHECK_STR(t_get(as, "roadmap.[0].name")->valuestring, "One");
	CHECK_NUM(t_get(as, "roadmap.[0].start_week")->valuedouble, 1);
	CHECK_NUM(t_get(as, "roadmap.[0].end_week")->valuedouble, 1);
	CHECK_STR(t_get(as, "roadmap.[0].items.[0].id")->valuestring, "a.l2y");
	CHECK_STR(t_get(as, "roadmap.[1].name")->valuestring, "Two");
	CHECK_NUM(t_get(as, "roadmap.[1].start_week")->valuedouble, 2);
	CHECK_NUM(t_get(as, "roadmap.[1].end_week")->valuedouble, 4);
	CHECK_STR(t_get(as, "roadmap.[1].items.[0].id")->valuestring, "a.l4");
	CHECK_NUM(t_get(as, "roadmap.[1].items.[0].start_week")->valuedouble, 2);
	CHECK_NUM(t_get(as, "roadmap.[1].items.[0].end_week")->valuedouble, 3);
	CHECK_STR(t_get(as, "roadmap.[1].items.[1].id")->valuestring, "b.l3q");
	CHECK_NUM(t_get(as, "roadmap.[1].items.[1].start_week")->valuedouble, 3);
	CHECK_NUM(t_get(as, "roadmap.[1].items.[1].end_week")->valuedouble, 4);

	/* quick wins: missing and at most an hour */
	CHECK_NUM(cJSON_GetArraySize(t_get(as, "quick_wins")), 1);
	CHECK_STR(t_get(as, "quick_wins.[0].id")->valuestring, "a.l2y");

	/* costs: 4 options; PaidX counted once: 10 + 5.5 */
	CHECK_NUM(cJSON_GetArraySize(t_get(as, "costs.options")), 4);
	CHECK_NUM(t_get(as, "costs.monthly_total_usd")->valuedouble, 15.5);
	CHECK_STR(t_get(as, "costs.options.[1].noted")->valuestring, "2026-01-02");

	/* no events, no scans: every KPI not measured, with a reason */
	{
		const cJSON *k;

		cJSON_ArrayForEach(k, t_get(as, "kpis")) {
			CHECK_STR(t_get(k, "status")->valuestring, "not measured");
			CHECK(cJSON_IsNull(t_get(k, "value")));
			CHECK(cJSON_IsString(t_get(k, "reason")));
		}
	}
	CHECK(cJSON_IsFalse(t_get(as, "security.scanned")));
	cJSON_Delete(as);
	og_model_free(m);
}

static void
test_threshold_075(void)
{
	struct og_model *m = facts();
	char *err = NULL;
	cJSON *as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\",\"threshold\":0.75}}",
			NULL, &err);

	CHECK(as);
	if (!as)
		return;
	CHECK_NUM(t_get(as, "level")->valuedouble, 3);
	CHECK_STR(t_get(as, "level_name")->valuestring, "Defined");
	check_ids(as, "next_level.needs", "a.l4");
	cJSON_Delete(as);
	og_model_free(m);
}

/* The unknown capability c.l3u (weight 5, level 3) turned missing would
 * drag level 3 to 3/9; made met, to 8/9.  Unknown stays out of both. */
static void
test_unknown_vs_missing(void)
{
	struct og_model *m = facts();
	char *err = NULL;
	cJSON *as;

	t_fact_unknown(m, "z.absent", "403 needs admin", "github");
	as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\",\"threshold\":0.75}}", NULL, &err);
	CHECK(as && t_get(as, "level")->valuedouble == 3);
	CHECK_STR(t_get(og_json_find_id(t_get(as, "capabilities"), "c.l3u"), "status")->valuestring, "unknown");
	check_ids(as, "capabilities.[5].evidence", "z.absent: unknown (403 needs admin)");
	cJSON_Delete(as);
	og_model_free(m);

	m = facts();
	t_fact_bool(m, "z.absent", false, "github");
	as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\",\"threshold\":0.75}}", NULL, &err);
	CHECK_NUM(t_get(as, "levels.[2].share")->valuedouble, 0.333);
	CHECK_NUM(t_get(as, "level")->valuedouble, 2);
	CHECK_STR(t_get(as, "gaps.[0].id")->valuestring, "c.l3u");
	cJSON_Delete(as);
	og_model_free(m);
}

/* small-extra.json: a.l2y's rule now reads x.one (met), new area d with
 * d.l2n (x.three <= 5: met), c.l3u disabled.  Level 2: 5 of 5; level 3:
 * 3 of 4 = 0.75 < 0.8 -> level 2.  Area a: 3 of 4 = 75.0; d: 100. */
static void
test_extra_model(void)
{
	struct og_model *m = facts();
	char *err = NULL;
	cJSON *as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\","
			"\"extra_models\":[\"%s/small-extra.json\"]}}", NULL, &err);

	CHECK(as);
	if (!as) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_NUM(t_get(as, "level")->valuedouble, 2);
	CHECK_STR(t_get(as, "areas.[0].name")->valuestring, "Alpha (ours)");
	CHECK_NUM(t_get(as, "areas.[0].completeness")->valuedouble, 75.0);
	CHECK_STR(t_get(as, "areas.[3].id")->valuestring, "d");
	CHECK_NUM(t_get(as, "areas.[3].completeness")->valuedouble, 100.0);
	check_ids(as, "strengths", "d");
	check_ids(as, "improvements", "a,b");
	CHECK(!og_json_find_id(t_get(as, "capabilities"), "c.l3u"));
	CHECK_STR(t_get(og_json_find_id(t_get(as, "capabilities"), "a.l2y"), "title")->valuestring, "Y (ours)");
	cJSON_Delete(as);
	og_model_free(m);
}

static void
test_config_errors(void)
{
	struct og_model *m = facts();
	char *err = NULL;
	cJSON *as;

	as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\",\"threshold\":1.5}}", NULL, &err);
	CHECK(!as);
	CHECK_STR(err, "assessment.threshold: expected a number > 0 and <= 1");
	free(err);
	err = NULL;
	as = run(m, "{\"assessment\":{\"model\":\"%s/nonexistent.json\"}}", NULL, &err);
	CHECK(!as);
	CHECK(err && strstr(err, "nonexistent.json: cannot read maturity model: No such file or directory"));
	free(err);
	err = NULL;
	as = run(m, "{\"assessment\":{\"model\":\"%s/small-model.json\",\"targets\":{\"bogus\":1}}}", NULL, &err);
	CHECK(!as);
	CHECK_STR(err, "assessment.targets.bogus: unknown KPI (see docs/report-json.md)");
	free(err);
	og_model_free(m);
}

/* A level-2 capability for the plan test: met when fact @id is true. */
static char *
plan_cap(const char *id, double weight, const char *effort)
{
	return og_asprintf("{\"id\":\"%s\",\"title\":\"%s\",\"area\":\"a\",\"level\":2,"
			   "\"weight\":%g,\"priority\":2,\"effort\":\"%s\",\"phase\":1,"
			   "\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\","
			   "\"remediation\":{\"text\":\"r\"},\"observed_by\":\"repo\","
			   "\"rule\":{\"fact\":\"%s\",\"op\":\"==\",\"value\":true}}",
			   id, id, weight, effort, id);
}

/*
 * "Level N needs K more" follows the 80 % rule: the smallest set of
 * missing capabilities that lifts the share to the threshold, least
 * effort among sets of that size; not every missing capability.
 */
static void
test_next_level_plan(void)
{
	static const struct { const char *id; double w; const char *effort; bool met; } caps[] = {
		{ "p.m1", 1, "1h", true }, { "p.m2", 1, "1h", true }, { "p.m3", 1, "1h", true },
		{ "p.m4", 1, "1h", true }, { "p.a", 1, "5d", false }, { "p.b", 1, "30m", false },
		{ "p.c", 1, "2h", false }, { "p.d", 1, "1d", false }, { "p.e", 1, "10m", false },
		{ "p.f", 1, "3d", false },
	};
	struct og_model *m = og_model_new();
	char *list = og_strdup0(""), *model, *path, *err = NULL, *cfg;
	cJSON *c, *as = NULL, *gates = NULL;

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *one = plan_cap(caps[i].id, caps[i].w, caps[i].effort);
		char *t = og_asprintf("%s%s%s", list, i ? "," : "", one);

		free(one);
		free(list);
		list = t;
		t_fact_bool(m, caps[i].id, caps[i].met, NULL);
	}
	model = og_asprintf("{\"id\":\"plan\",\"version\":\"1\",\"phases\":[{\"phase\":1,"
			    "\"name\":\"One\"}],\"areas\":[{\"id\":\"a\",\"name\":\"A\"}],"
			    "\"capabilities\":[%s]}", list);
	path = t_tmpfile(model);
	cfg = og_asprintf("{\"assessment\":{\"model\":\"%s\"}}", path);
	c = cJSON_Parse(cfg);
	CHECK(og_assess(m, c, NULL, 1795000000, &as, &gates, &err) == 0);
	if (as) {
		/* 4 of 10 met; 8 needed: 4 more, the four cheapest */
		CHECK_NUM(t_get(as, "level")->valuedouble, 1);
		check_ids(as, "next_level.needs", "p.b,p.c,p.d,p.e");
		check_ids(as, "next_level.missing", "p.a,p.b,p.c,p.d,p.e,p.f");
		CHECK_NUM(t_get(as, "next_level.needs_effort_minutes")->valuedouble, 30 + 120 + 480 + 10);
		CHECK(strstr(t_get(as, "summary")->valuestring,
			     "Level 2 (Managed) needs 4 of the 6 missing capabilities"));
	} else {
		CHECK_FAIL("og_assess: %s", err);
		free(err);
	}
	cJSON_Delete(as);
	cJSON_Delete(gates);
	cJSON_Delete(c);
	unlink(path);
	free(path);
	free(cfg);
	free(model);
	free(list);
	og_model_free(m);
}

int
main(void)
{
	const char *root = getenv("OG_SOURCE_ROOT");

	fixture = og_asprintf("%s/tests/assess/fixtures", root ? root : ".");
	test_default_threshold();
	test_threshold_075();
	test_unknown_vs_missing();
	test_extra_model();
	test_config_errors();
	test_next_level_plan();
	free(fixture);
	return check_done();
}
