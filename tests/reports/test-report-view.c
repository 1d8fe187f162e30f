/*
 * The report document never holds the facts, findings or events: every
 * consumer (the report.json writer, JUnit, HTML, PDF, PNG, the mail, the
 * scope line, the evidence appendix) reads them from the model.  Checked
 * by counting cJSON's allocations while the report is built and
 * rendered: they must not grow with the number of items (a tree per
 * finding costs ~40 nodes, per fact or event ~10), while the outputs
 * still list them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/report-json.h"
#include "core/util.h"
#include "render.h"
#include "../check.h"

CHECK_COUNTERS;

static size_t n_alloc;

static void *
count_malloc(size_t n)
{
	n_alloc++;
	return malloc(n);
}

static char *
slurp(const char *path)
{
	char *buf = NULL;
	size_t len;

	return og_read_file(path, OG_FILE_MAX_BYTES, &buf, &len) == 0 ? buf : NULL;
}

/* @n subjects' facts (one of them unknown), run-wide scope facts and
 * @n events. */
static void
add_facts_events(struct og_model *m, size_t n)
{
	struct og_model_attr attr = { "environment", "production" };
	struct og_model_event e = { .type = "deployment", .source = "github",
				    .attrs = &attr, .n_attrs = 1 };
	struct og_model_fact f = { .source = "github", .subject_kind = "repository" };
	char subject[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(subject, sizeof(subject), "acme/r%05zu", i);
		f.subject = subject;
		f.key = "github.releases.count";
		f.type = OG_VALUE_NUMBER;
		f.num = (double)i;
		f.rollup = OG_ROLLUP_SUM;
		CHECK(og_model_add_fact(m, &f) == 0);
		f.key = "github.protection";
		f.type = OG_VALUE_UNKNOWN;
		f.str = "needs admin";
		f.rollup = OG_ROLLUP_NONE;
		CHECK(og_model_add_fact(m, &f) == 0);
		f.str = NULL;
		e.subject = subject;
		e.time = 1700000000 + (int64_t)i;
		CHECK(og_model_add_event(m, &e) == 0);
	}
	f = (struct og_model_fact){ .key = "repo.scope.product_files", .type = OG_VALUE_NUMBER,
				    .num = 25, .source = "repo" };
	CHECK(og_model_add_fact(m, &f) == 0);
	f.key = "repo.scope.excluded.examples";
	f.num = 3;
	CHECK(og_model_add_fact(m, &f) == 0);
}

/* cJSON allocations made while @n findings, @n subjects' facts and @n
 * events are put into a report and rendered in every format; *ret_ok
 * says the outputs list them all. */
static size_t
render_allocs(size_t n, bool *ret_ok)
{
	struct og_model *m = og_model_new();
	struct og_location loc = { .target = "img:1", .file = "a.c", .line = 3 };
	static const struct {
		const char *file;
		int (*fn)(const struct og_report *, const cJSON *, const char *, char **);
	} fmts[] = {
		{ "view.json", og_render_json }, { "view.xml", og_render_junit },
		{ "view.html", og_render_html }, { "view.pdf", og_render_pdf },
		{ "view.png", og_render_png },
	};
	struct og_report rep;
	char id[32], last[32], *s, *err = NULL;
	size_t before;
	cJSON *doc;

	for (size_t i = 0; i < n; i++) {
		struct og_finding f = {
			.struct_size = sizeof(f), .kind = OG_FINDING_VULNERABILITY,
			.id = id, .title = "a title", .severity = OG_SEV_CRITICAL,
			.score = 9.5, .package = "pkg", .fixed_version = "2.0",
			.tool = "Trivy", .locations = &loc, .n_locations = 1,
		};

		snprintf(id, sizeof(id), "CVE-2099-%zu", i);
		CHECK(og_model_add_finding(m, &f, "trivy") == 0);
	}
	add_facts_events(m, n);
	before = n_alloc;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	cJSON_AddStringToObject(doc, "generated_at", "2026-11-27T17:00:00Z");
	cJSON_AddStringToObject(doc, "subject", "view");
	cJSON_AddArrayToObject(doc, "collectors");
	og_report_add_model(doc);
	cJSON_AddNullToObject(doc, "assessment");
	cJSON_AddArrayToObject(doc, "gates");
	og_report_init(&rep, doc, m);
	CHECK(rep.n_findings == n);
	/* 2n subjects' facts, the roll-up of the count, 2 scope facts */
	CHECK(rep.n_facts == 2 * n + 3);
	CHECK(rep.n_events == n);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "facts")) == 0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "findings")) == 0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "events")) == 0);
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		CHECK(fmts[k].fn(&rep, NULL, fmts[k].file, &err) == 0);
		free(err);
		err = NULL;
	}
	s = og_render_mail_summary(&rep, true, NULL, NULL);
	free(s);
	before = n_alloc - before;

	/* the findings sorted by fingerprint: any of them will do */
	snprintf(last, sizeof(last), "\"%s\"", rep.findings[n - 1]->id);
	*ret_ok = true;
	s = slurp("view.json");
	*ret_ok &= s && strstr(s, last) != NULL;
	snprintf(last, sizeof(last), "\"acme/r%05zu\"", n - 1);
	*ret_ok &= s && strstr(s, last) != NULL &&
		   strstr(s, "\"parts\":\t") != NULL &&
		   strstr(s, "\"time\":\t\"2023-11-14T22:13:20Z\"") != NULL;
	free(s);
	/* the evidence appendix lists the unknown facts */
	s = slurp("view.html");
	*ret_ok &= s && strstr(s, "Fact github.protection") != NULL;
	free(s);
	s = slurp("view.xml");
	*ret_ok &= s && strstr(s, rep.findings[n - 1]->id) != NULL;
	free(s);
	s = og_render_mail_summary(&rep, false, NULL, NULL);
	*ret_ok &= strstr(s, rep.findings[0]->id) != NULL;
	free(s);
	s = NULL;
	{
		FILE *f = open_memstream(&s, &(size_t){ 0 });

		og_render_run_note(&rep, f);
		fclose(f);
	}
	/* the scope line reads the run-wide facts */
	*ret_ok &= s && strstr(s, "Scope: 25 product files assessed") != NULL;
	free(s);
	cJSON_Delete(doc);
	og_model_free(m);
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++)
		remove(fmts[k].file);
	return before;
}

int
main(void)
{
	cJSON_Hooks hooks = { .malloc_fn = count_malloc, .free_fn = free };
	size_t few, many;
	bool ok;

	cJSON_InitHooks(&hooks);
	few = render_allocs(10, &ok);
	CHECK(ok);
	many = render_allocs(3000, &ok);
	CHECK(ok);
	if (many != few)
		CHECK_FAIL("cJSON allocations grow with the items: %zu for 10, "
			   "%zu for 3000", few, many);
	og_render_shutdown();
	return check_done();
}
