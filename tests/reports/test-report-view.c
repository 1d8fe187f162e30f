/*
 * The report document never holds the findings: every consumer (the
 * report.json writer, JUnit, HTML, PDF, PNG, the mail) reads them from
 * the model.  Checked by counting cJSON's allocations while the report
 * is built and rendered: they must not grow with the number of findings
 * (a tree per finding costs ~40 nodes), while the outputs still list
 * every finding.
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

/* cJSON allocations made while @n findings are put into a report and
 * rendered in every format; *ret_ok says the outputs list them all. */
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
	before = n_alloc;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	cJSON_AddStringToObject(doc, "generated_at", "2026-11-27T17:00:00Z");
	cJSON_AddStringToObject(doc, "subject", "view");
	cJSON_AddArrayToObject(doc, "collectors");
	og_report_add_model(doc, m);
	cJSON_AddNullToObject(doc, "assessment");
	cJSON_AddArrayToObject(doc, "gates");
	og_report_init(&rep, doc, m);
	CHECK(rep.n_findings == n);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "findings")) == 0);
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
	free(s);
	s = slurp("view.xml");
	*ret_ok &= s && strstr(s, rep.findings[n - 1]->id) != NULL;
	free(s);
	s = og_render_mail_summary(&rep, false, NULL, NULL);
	*ret_ok &= strstr(s, rep.findings[0]->id) != NULL;
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
		CHECK_FAIL("cJSON allocations grow with the findings: %zu for 10, "
			   "%zu for 3000", few, many);
	og_render_shutdown();
	return check_done();
}
