/* Unit tests of the merged model: fact merge rules, finding dedup,
 * deterministic order, report.json round trip. */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report-json.h"
#include "util.h"

static int failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			failures++;                                          \
		}                                                            \
	} while (0)

static void
add_bool(struct og_model *m, const char *key, bool v, const char *src,
	 const char *ev)
{
	struct og_model_fact f = { .key = (char *)key, .type = OG_VALUE_BOOL,
				   .b = v, .source = (char *)src,
				   .evidence = (char *)ev };

	CHECK(og_model_add_fact(m, &f) == 0);
}

static void
test_fact_merge(void)
{
	struct og_model *m = og_model_new();
	struct og_model_fact unk = { .key = "x.unknown", .type = OG_VALUE_UNKNOWN,
				     .str = "needs admin", .source = "github" };
	struct og_model_fact num = { .key = "x.unknown", .type = OG_VALUE_NUMBER,
				     .num = 3, .source = "repo" };
	const struct og_model_fact *f;

	/* true wins over false, with its evidence */
	add_bool(m, "ci.present", false, "repo", NULL);
	add_bool(m, "ci.present", true, "github", "api/x");
	f = og_model_fact(m, "ci.present");
	CHECK(f && f->b && !strcmp(f->evidence, "api/x"));
	CHECK(f && f->n_sources == 2 && !strcmp(f->sources[0], "github"));
	/* known beats unknown, in either order */
	CHECK(og_model_add_fact(m, &unk) == 0);
	CHECK(og_model_add_fact(m, &num) == 0);
	CHECK(og_model_add_fact(m, &unk) == 0);
	f = og_model_fact(m, "x.unknown");
	CHECK(f && f->type == OG_VALUE_NUMBER && f->num == 3);
	/* first source in name order wins for conflicting values */
	num.key = "y";
	num.source = "zeta";
	num.num = 1;
	CHECK(og_model_add_fact(m, &num) == 0);
	num.source = "alpha";
	num.num = 2;
	CHECK(og_model_add_fact(m, &num) == 0);
	CHECK(og_model_fact(m, "y")->num == 2);
	CHECK(og_model_fact(m, "absent") == NULL);
	og_model_free(m);
}

/* Up to 8 findings built at once each keep their own location. */
static struct og_finding
vuln(const char *id, const char *pkg, const char *ver, const char *target,
     enum og_severity sev)
{
	static struct og_location locs[8];
	static unsigned next;
	struct og_location *loc = &locs[next++ % 8];

	*loc = (struct og_location){ .target = target };
	return (struct og_finding){
		.struct_size = sizeof(struct og_finding),
		.kind = OG_FINDING_VULNERABILITY, .id = id, .package = pkg,
		.installed_version = ver, .severity = sev, .score = -1,
		.tool = "Trivy", .locations = loc, .n_locations = 1,
	};
}

static void
test_finding_dedup(void)
{
	struct og_model *m = og_model_new();
	struct og_finding a = vuln("CVE-1", "openssl", "1.0", "img:a", OG_SEV_HIGH);
	struct og_finding b = vuln("CVE-1", "openssl", "1.0", "img:b", OG_SEV_CRITICAL);
	struct og_finding c = vuln("CVE-1", "openssl", "1.1", "img:a", OG_SEV_LOW);
	const struct og_model_finding *const *all;
	size_t n;

	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	CHECK(og_model_add_finding(m, &b, "trivy") == 0);
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);	/* exact repeat */
	CHECK(og_model_add_finding(m, &c, "trivy") == 0);
	all = og_model_findings(m, &n);
	CHECK(n == 2);
	/* critical first; merged one keeps both images, once each */
	CHECK(all[0]->severity == OG_SEV_CRITICAL);
	CHECK(all[0]->n_locations == 2);
	CHECK(all[1]->severity == OG_SEV_LOW);
	/* a suppressed duplicate never hides an open one */
	a.suppressed = true;
	a.suppression = "VEX";
	a.id = "CVE-2";
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	a.suppressed = false;
	CHECK(og_model_add_finding(m, &a, "codeql") == 0);
	all = og_model_findings(m, &n);
	CHECK(n == 3);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i]->id, "CVE-2")) {
			CHECK(!all[i]->suppressed);
			CHECK(all[i]->n_sources == 2);
		}
	/* invalid input is refused, not stored */
	a.id = NULL;
	CHECK(og_model_add_finding(m, &a, "trivy") < 0);
	og_model_free(m);
}

static void
test_fingerprint_stable(void)
{
	struct og_finding a = vuln("CVE-9", "zlib", "1.2", "x", OG_SEV_LOW);
	char *f1 = og_finding_fingerprint(&a), *f2;

	a.locations = NULL;
	a.n_locations = 0;
	f2 = og_finding_fingerprint(&a);
	/* vulnerabilities ignore the target */
	CHECK(!strcmp(f1, f2));
	CHECK(strlen(f1) == 32);
	/* fixed value: changing the scheme would break history */
	CHECK(!strcmp(f1, "359ac76eb3485a2eed98f7b4e12aa931") || (fprintf(stderr, "fp=%s\n", f1), 0));
	free(f1);
	free(f2);
}

static void
test_round_trip(void)
{
	struct og_model *m = og_model_new(), *back;
	struct og_finding a = vuln("CVE-1", "openssl", "1.0", "img:a", OG_SEV_HIGH);
	struct og_model_attr attrs[] = { { "environment", "production" } };
	struct og_model_event e = { .type = "deployment", .time = 1700000000,
				    .id = "d1", .source = "github",
				    .attrs = attrs, .n_attrs = 1 };
	cJSON *doc = cJSON_CreateObject(), *doc2;
	char *s1, *s2, *err = NULL;

	add_bool(m, "ci.present", true, "repo", ".github/workflows/ci.yml:1");
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	CHECK(og_model_add_event(m, &e) == 0);
	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	og_report_add_model(doc, m);
	CHECK(og_report_write(doc, "test-model-rt.json", &err) == 0);
	doc2 = NULL;
	back = NULL;
	CHECK(og_report_load("test-model-rt.json", &doc2, &back, &err) == 0);
	if (back) {
		cJSON *d3 = cJSON_CreateObject();

		cJSON_AddStringToObject(d3, "schema", OG_REPORT_SCHEMA);
		og_report_add_model(d3, back);
		s1 = cJSON_Print(doc);
		s2 = cJSON_Print(d3);
		CHECK(!strcmp(s1, s2));
		free(s1);
		free(s2);
		cJSON_Delete(d3);
	}
	remove("test-model-rt.json");
	cJSON_Delete(doc);
	cJSON_Delete(doc2);
	og_model_free(back);
	og_model_free(m);
}

static void
test_bad_json(void)
{
	static const char *const bad[] = {
		"{\"schema\":\"opsgrade.report/1\",\"facts\":[{\"key\":\"a\",\"type\":\"bool\",\"value\":3}]}",
		"{\"schema\":\"opsgrade.report/1\",\"findings\":[{\"fingerprint\":\"x\",\"kind\":\"vuln\",\"id\":\"a\",\"severity\":\"high\"}]}",
		"{\"schema\":\"opsgrade.report/1\",\"events\":[{\"type\":\"deployment\",\"time\":\"yesterday\"}]}",
		"{\"schema\":\"other/1\"}",
		"{\"schema\":\"opsgrade.report/1\",\"facts\":[",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *doc = NULL;
		struct og_model *m = NULL;
		char *err = NULL;

		og_write_file_atomic("test-model-bad.json", bad[i], strlen(bad[i]));
		CHECK(og_report_load("test-model-bad.json", &doc, &m, &err) < 0);
		CHECK(err && strstr(err, "test-model-bad.json"));
		free(err);
		cJSON_Delete(doc);
		og_model_free(m);
	}
	remove("test-model-bad.json");
}

static void
test_time_parse(void)
{
	int64_t t;

	CHECK(og_parse_time("2024-01-01T00:00:00Z", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01T02:00:00+02:00", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2023-12-31T19:30:00-04:30", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01T00:00:00.123Z", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-13-01", &t) < 0);
	CHECK(og_parse_time("yesterday", &t) < 0);
	CHECK(og_parse_time("2024-01-01T00:00:00Zjunk", &t) < 0);
}

int
main(void)
{
	test_fact_merge();
	test_finding_dedup();
	test_fingerprint_stable();
	test_round_trip();
	test_bad_json();
	test_time_parse();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
