/*
 * Policy gates over the small model (level 1 at threshold 0.8, see
 * test-score.c) with findings: 1 critical, 2 high (one suppressed -> 1
 * open), 1 medium.
 */
#include "helpers.h"
#include "util.h"

static char *fixture;

static cJSON *
gates(const char *gates_json, char **ret_err)
{
	struct og_model *m = og_model_new();
	char *s = og_asprintf("{\"assessment\":{\"model\":\"%s/small-model.json\"},\"gates\":%s}",
			      fixture, gates_json);
	cJSON *cfg = cJSON_Parse(s), *as = NULL, *g = NULL;

	t_fact_bool(m, "x.one", true, NULL);
	t_fact_bool(m, "x.two", false, NULL);
	t_finding(m, "CVE-1", OG_SEV_CRITICAL, NULL, false);
	t_finding(m, "CVE-2", OG_SEV_HIGH, NULL, false);
	t_finding(m, "CVE-3", OG_SEV_HIGH, NULL, true);
	t_finding(m, "CVE-4", OG_SEV_MEDIUM, NULL, false);
	if (og_assess(m, cfg, NULL, 1795780800, &as, &g, ret_err) < 0)
		g = NULL;
	cJSON_Delete(as);
	cJSON_Delete(cfg);
	free(s);
	og_model_free(m);
	return g;
}

static void
gate_is(const cJSON *g, const char *id, const char *status, double actual)
{
	const cJSON *it = og_json_find_id(g, id);

	CHECK(it != NULL);
	if (!it) {
		fprintf(stderr, "  no gate %s\n", id);
		return;
	}
	CHECK_STR(t_get(it, "status")->valuestring, status);
	if (!isnan(actual))
		CHECK_NUM(t_get(it, "actual")->valuedouble, actual);
}

int
main(void)
{
	const char *root = getenv("OG_SOURCE_ROOT");
	char *err = NULL;
	cJSON *g;

	fixture = og_asprintf("%s/tests/assess/fixtures", root ? root : ".");

	g = gates("{}", &err);
	CHECK(g && cJSON_GetArraySize(g) == 0 && !og_gates_failed(g));
	cJSON_Delete(g);

	g = gates("{\"min_level\":1,\"max_findings\":{\"medium\":1,\"critical\":0,\"high\":\"1\"},"
		  "\"required_capabilities\":[\"a.l2x\",\"c.l3u\",\"a.l2y\"],"
		  "\"kpis\":{\"open_critical_high\":{\"max\":2},\"build_success_rate\":{\"min\":90}},"
		  "\"fail_on\":\"high\"}", &err);
	CHECK(g != NULL);
	if (!g) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* deterministic order: min_level, max_findings by severity,
	 * required in config order, kpis by id, fail_on */
	{
		char *ids = NULL;
		const cJSON *it;

		ids = og_strdup0("");
		cJSON_ArrayForEach(it, g) {
			char *t = og_asprintf("%s%s ", ids, t_get(it, "id")->valuestring);
			free(ids);
			ids = t;
		}
		CHECK_STR(ids, "min_level max_findings.critical max_findings.high max_findings.medium "
			  "required_capability.a.l2x required_capability.c.l3u required_capability.a.l2y "
			  "kpi.build_success_rate.min kpi.open_critical_high.max fail_on.high ");
		free(ids);
	}
	gate_is(g, "min_level", "pass", 1);
	gate_is(g, "max_findings.critical", "fail", 1);
	gate_is(g, "max_findings.high", "pass", 1);	/* suppressed one not counted */
	gate_is(g, "max_findings.medium", "pass", 1);
	gate_is(g, "required_capability.a.l2x", "pass", NAN);
	gate_is(g, "required_capability.c.l3u", "fail", NAN);	/* unknown is not met */
	CHECK_STR(t_get(og_json_find_id(g, "required_capability.c.l3u"), "actual")->valuestring, "unknown");
	gate_is(g, "required_capability.a.l2y", "fail", NAN);
	gate_is(g, "kpi.open_critical_high.max", "pass", 2);
	gate_is(g, "kpi.build_success_rate.min", "fail", NAN);	/* not measured */
	CHECK_STR(t_get(og_json_find_id(g, "kpi.build_success_rate.min"), "actual")->valuestring, "not measured");
	gate_is(g, "fail_on.high", "fail", 2);
	CHECK(og_gates_failed(g));
	cJSON_Delete(g);

	g = gates("{\"min_level\":2,\"fail_on\":\"none\"}", &err);
	CHECK(g && cJSON_GetArraySize(g) == 1);
	gate_is(g, "min_level", "fail", 1);
	cJSON_Delete(g);

	g = gates("{\"fail_on\":\"critical\"}", &err);
	gate_is(g, "fail_on.critical", "fail", 1);
	cJSON_Delete(g);

	/* config errors name the key */
	CHECK(!gates("{\"min_level\":6}", &err));
	CHECK_STR(err, "gates.min_level: expected an integer 1-5");
	free(err);
	CHECK(!gates("{\"max_findings\":{\"severe\":1}}", &err));
	CHECK_STR(err, "gates.max_findings.severe: unknown severity (critical, high, medium, low, info, unknown)");
	free(err);
	CHECK(!gates("{\"required_capabilities\":[\"nope\"]}", &err));
	CHECK_STR(err, "gates.required_capabilities: \"nope\" is not a capability of the maturity model");
	free(err);
	CHECK(!gates("{\"kpis\":{\"mttr\":{\"max\":1}}}", &err));
	CHECK_STR(err, "gates.kpis.mttr: unknown KPI (see docs/report-json.md)");
	free(err);
	CHECK(!gates("{\"fail_on\":\"severe\"}", &err));
	CHECK_STR(err, "gates.fail_on: expected a severity (critical, high, medium, low, info) or none");
	free(err);
	free(fixture);
	return check_done();
}
