/* Config: schema validation names the key and the file; --set typing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"
#include "../check.h"

CHECK_COUNTERS;

static const struct og_option gh_opts[] = {
	{ .key = "repo", .type = OG_OPT_STRING, .help = "" },
	{ .key = "token_file", .type = OG_OPT_STRING, .help = "" },
	{ .key = NULL },
};
static const struct og_option trivy_opts[] = {
	{ .key = "reports", .type = OG_OPT_LIST, .help = "" },
	{ .key = NULL },
};
/* A section declared by the layer that reads it (as the renderers
 * declare "report"): the core's schema has no such keys. */
static const struct og_option report_opts[] = {
	{ .key = "scale", .type = OG_OPT_NUMBER },
	{ .key = "paper", .type = OG_OPT_STRING },
	{ .key = NULL },
};

static const struct og_config_plugin plugins[] = {
	{ "github", gh_opts },
	{ "trivy", trivy_opts },
};

/* Validate @json; return the error message (caller frees) or NULL. */
static char *
validate(const char *json)
{
	cJSON *c = cJSON_Parse(json);
	char *err = NULL;

	if (og_config_validate(c, "opsgrade.json", plugins, 2, &err) == 0) {
		free(err);
		err = NULL;
	}
	cJSON_Delete(c);
	return err;
}

static void
expect_error(const char *json, const char *needle)
{
	char *err = validate(json);

	CHECK(err != NULL);
	if (err && !strstr(err, needle))
		CHECK_FAIL("error '%s' lacks '%s'", err, needle);
	free(err);
}

int
main(void)
{
	cJSON *c;
	char *err = NULL;
	const char **v;

	og_config_register_plugins(plugins, 2);
	og_config_register_section("report", report_opts);
	CHECK(validate("{\"collectors\":{\"github\":{\"repo\":\"a/b\"}},"
		       "\"report\":{\"paper\":\"a4\"},\"gates\":{\"max_findings\":"
		       "{\"critical\":0},\"kpis\":{\"dora.lead_time\":{\"max\":24}}}}") == NULL);
	expect_error("{\"collectors\":{\"github\":{\"tokn\":\"x\"}}}",
		     "opsgrade.json: collectors.github.tokn: unknown key "
		     "(the github collector's keys: repo, token_file)");
	expect_error("{\"collectors\":{\"nosuch\":{}}}", "collectors.nosuch: no such collector");
	expect_error("{\"report\":{\"scale\":\"big\"}}", "report.scale: must be a number");
	expect_error("{\"report\":{\"shade\":1}}", "report.shade: unknown key");
	expect_error("{\"gates\":{\"kpis\":{\"x\":{\"mid\":1}}}}", "gates.kpis.x.mid: unknown key");
	expect_error("{\"outputdir\":\"x\"}", "outputdir: unknown key");
	expect_error("{\"formats\":[1]}", "formats: must be a list of strings");
	expect_error("{\"collectors\":{\"trivy\":{\"reports\":{}}}}",
		     "collectors.trivy.reports: must be a list");

	c = cJSON_CreateObject();
	CHECK(og_config_set_assignment(c, "collectors.trivy.reports=a.json", &err) == 0);
	CHECK(og_config_set_assignment(c, "collectors.trivy.reports=b.json", &err) == 0);
	CHECK(og_config_strv(c, "collectors.trivy.reports", &v) == 2);
	CHECK(v && !strcmp(v[1], "b.json"));
	free(v);
	CHECK(og_config_set_assignment(c, "report.scale=2", &err) == 0);
	CHECK(og_config_num(c, "report.scale", 0) == 2);
	CHECK(og_config_set_assignment(c, "report.scale=two", &err) < 0);
	CHECK(err && strstr(err, "report.scale"));
	free(err);
	err = NULL;
	CHECK(og_config_set_assignment(c, "formats=", &err) == 0);
	CHECK(og_config_set_assignment(c, "formats+=pdf", &err) == 0);
	CHECK(og_config_strv(c, "formats", &v) == 1);
	free(v);
	CHECK(og_config_set_assignment(c, "noequals", &err) < 0);
	free(err);
	cJSON_Delete(c);
	/* Boolean environment variables: 0/false/no/off are false. */
	{
		static const char *const f[] = { "0", "false", "No", "OFF", "" };
		static const char *const t[] = { "1", "true", "YES", "on" };

		unsetenv("OG_TEST_BOOL");
		CHECK(!og_env_bool("OG_TEST_BOOL"));
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			setenv("OG_TEST_BOOL", f[i], 1);
			CHECK(!og_env_bool("OG_TEST_BOOL"));
		}
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			setenv("OG_TEST_BOOL", t[i], 1);
			CHECK(og_env_bool("OG_TEST_BOOL"));
		}
		unsetenv("OG_TEST_BOOL");
	}
	return check_done();
}
