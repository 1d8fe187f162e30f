/* Maturity-model validation: every error names the file and JSON path. */
#include "helpers.h"
#include "util.h"

#define CAP(extra) "{\"id\":\"a.one\",\"title\":\"T\",\"area\":\"a\",\"level\":2,\"priority\":1," \
	"\"effort\":\"10m\",\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\"," \
	"\"remediation\":{\"text\":\"r\"},\"observed_by\":\"repo\"," \
	"\"rule\":{\"fact\":\"x\",\"op\":\"exists\"}" extra "}"
#define DOC(caps) "{\"id\":\"m\",\"version\":\"1\",\"areas\":[{\"id\":\"a\",\"name\":\"A\"}]," \
	"\"capabilities\":[" caps "]}"

static char *
load_err(const char *text)
{
	struct og_mm *mm = og_xcalloc(1, sizeof(*mm));
	char *err = NULL;

	mm->path = og_strdup0("m.json");
	if (og_mm_parse("m.json", text, mm, false, &err) >= 0 &&
	    og_mm_finish(mm, &err) >= 0)
		err = og_strdup0("(ok)");
	og_mm_free(mm);
	return err;
}

static void
expect(const char *text, const char *want)
{
	char *err = load_err(text);

	CHECK_STR(err, want);
	free(err);
}

int
main(void)
{
	int64_t min;
	char *s;

	expect(DOC(CAP("")), "(ok)");
	expect("{\"id\":\"m\",", "m.json: not valid JSON (near byte 9)");
	expect("[]", "m.json: $: expected an object");
	expect("{\"id\":\"m\",\"version\":\"1\",\"areas\":[]}",
	       "m.json: $.capabilities: missing (an array is required)");
	expect(DOC(CAP("") "," "{\"id\":\"b\",\"title\":\"T\",\"area\":\"a\",\"level\":7}"),
	       "m.json: $.capabilities[1].level: expected an integer 1-5");
	expect(DOC(CAP("") "," CAP("")), "m.json: $.capabilities[1].id: duplicate capability id");
	expect(DOC("{\"id\":\"Bad Id\"}"),
	       "m.json: $.capabilities[0].id: ids use only a-z, 0-9, '.', '_', '-' (at most 128)");
	expect(DOC("{\"id\":\"x\",\"title\":\"T\",\"area\":\"a\",\"level\":2,\"priority\":1,"
		   "\"effort\":\"soon\",\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\","
		   "\"observed_by\":\"repo\"}"),
	       "m.json: $.capabilities[0].effort: expected a duration like \"10m\", \"2h\", \"3d\", \"1w\"");
	expect(DOC("{\"id\":\"x\",\"title\":\"T\",\"area\":\"a\",\"level\":2,\"priority\":1,"
		   "\"effort\":\"1h\",\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\","
		   "\"observed_by\":\"repo\",\"remediation\":{\"text\":\"r\"},"
		   "\"rule\":{\"all\":[{\"fact\":\"x\",\"op\":\"exists\"},{\"fact\":\"y\",\"op\":\"~\"}]}}"),
	       "m.json: $.capabilities[0].rule.all[1].op: unknown operator \"~\" (expected exists, ==, !=, >=, <=, in, matches)");
	expect(DOC("{\"id\":\"x\",\"title\":\"T\",\"area\":\"a\",\"level\":2,\"priority\":1,"
		   "\"effort\":\"1h\",\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\","
		   "\"observed_by\":\"repo\",\"remediation\":{\"text\":\"r\"},"
		   "\"tools\":[{\"name\":\"P\",\"tier\":\"paid\",\"noted\":\"2026-01-01\"}],"
		   "\"rule\":{\"fact\":\"x\",\"op\":\"exists\"}}"),
	       "m.json: $.capabilities[0].tools[0].monthly_usd: missing (paid tools need a monthly price)");
	expect(DOC(CAP(",\"tools\":[{\"name\":\"P\",\"tier\":\"free\",\"noted\":\"Jan 2026\"}]")),
	       "m.json: $.capabilities[0].tools[0].noted: expected the date the price was noted, YYYY-MM-DD");
	expect(DOC(CAP(",\"weight\":0")), "m.json: $.capabilities[0].weight: expected a number > 0 and <= 1000");
	expect(DOC(CAP(",\"depends_on\":[\"nope\"]")),
	       "m.json: capability a.one: depends_on[0]: unknown capability \"nope\"");
	expect(DOC(CAP(",\"depends_on\":[\"a.one\"]")),
	       "m.json: capability a.one: depends_on forms a cycle");
	expect("{\"id\":\"m\",\"version\":\"1\",\"areas\":[{\"id\":\"a\",\"name\":\"A\"}],"
	       "\"capabilities\":[{\"id\":\"a.one\",\"title\":\"T\",\"area\":\"zz\",\"level\":2,\"priority\":1,"
	       "\"effort\":\"10m\",\"impact\":\"i\",\"target\":\"t\",\"current\":\"c\","
	       "\"remediation\":{\"text\":\"r\"},\"observed_by\":\"repo\",\"rule\":{\"fact\":\"x\",\"op\":\"exists\"}}]}",
	       "m.json: capability a.one: area \"zz\" is not defined in $.areas");
	expect("{\"id\":\"m\",\"version\":\"1\",\"areas\":[{\"id\":\"a\",\"name\":\"A\"}],\"capabilties\":[]}",
	       "m.json: $.capabilities: missing (an array is required)");
	expect("{\"id\":\"m\",\"version\":\"1\",\"areas\":[{\"id\":\"a\",\"name\":\"A\"}],\"capabilities\":[],\"extra\":1}",
	       "m.json: $.extra: unknown key");
	expect("{\"id\":\"m\",\"version\":\"1\",\"levels\":[{\"level\":3}],\"areas\":[],\"capabilities\":[]}",
	       "m.json: $.levels[0].name: missing (a string is required)");

	/* efforts */
	CHECK(og_parse_effort("10m", &min) == 0 && min == 10);
	CHECK(og_parse_effort("1.5 hours", &min) == 0 && min == 90);
	CHECK(og_parse_effort("2d", &min) == 0 && min == 960);
	CHECK(og_parse_effort("1w", &min) == 0 && min == 2400);
	CHECK(og_parse_effort("0m", &min) < 0);
	CHECK(og_parse_effort("3 fortnights", &min) < 0);
	CHECK_STR(s = og_effort_text(5), "5 minutes");
	free(s);
	CHECK_STR(s = og_effort_text(60), "1 hour");
	free(s);
	CHECK_STR(s = og_effort_text(90), "1.5 hours");
	free(s);
	CHECK_STR(s = og_effort_text(4800), "2 weeks");
	free(s);
	return check_done();
}
