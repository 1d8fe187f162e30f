/*
 * Strict text and time (issue 15 rows 5, 6, 7, 12, 14, 15): the one
 * UTF-8 check, lone surrogate escapes, BOM, duplicate keys, terminal
 * escaping, out-of-range times, and the finding reader's leak.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "jsonin.h"
#include "model.h"
#include "report-json.h"
#include "term.h"
#include "util.h"

CHECK_COUNTERS;

/* @in fixed as JSON text; the result, or @in when it was clean. */
static char *
fixed(const char *in, size_t *ret_n)
{
	char *out = NULL;
	size_t len;

	*ret_n = og_json_text_fix(in, strlen(in), &out, &len);
	return out ? out : strdup(in);
}

static void
test_utf8(void)
{
	static const struct {
		const char *in, *out;
		size_t n;
	} cases[] = {
		{ "\"plain é ✓ 𝄞\"", "\"plain é ✓ 𝄞\"", 0 },
		{ "\"\xc0\xaf\"", "\"\xef\xbf\xbd\xef\xbf\xbd\"", 2 },	/* overlong '/' */
		{ "\"\xe0\x80\xaf\"", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 3 },
		{ "\"\xed\xa0\x80\"", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 3 },	/* surrogate */
		{ "\"\xf4\x90\x80\x80\"", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 4 },
		{ "\"\xf0\x9f\x98\"", "\"\xef\xbf\xbd\"", 1 },	/* truncated */
		{ "\"a\x80z\"", "\"a\xef\xbf\xbdz\"", 1 },
		{ "\"\\ud800\"", "\"\\uFFFD\"", 1 },			/* lone high */
		{ "\"\\udc00x\"", "\"\\uFFFDx\"", 1 },			/* lone low */
		{ "\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\"", 0 },	/* a pair */
		{ "\"\\ud83d\\u0041\"", "\"\\uFFFD\\u0041\"", 1 },
		{ "\"\\\\ud800\"", "\"\\\\ud800\"", 0 },		/* escaped '\' */
		{ "\xef\xbb\xbf{}", "{}", 0 },				/* BOM */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		char *out = fixed(cases[i].in, &n);

		CHECK_STR(out, cases[i].out);
		CHECK(n == cases[i].n);
		free(out);
	}
}

static void
test_parse(void)
{
	size_t n = 99, off = 0;
	cJSON *j;
	char big[4096];
	size_t k = 0;

	/* row 7: one lone surrogate costs one character, not the value */
	j = og_json_parse("{\"Title\":\"x\\ud800y\"}", 20, false, &n, NULL);
	CHECK(j != NULL);
	CHECK(n == 1);
	CHECK_STR(cJSON_GetObjectItem(j, "Title")->valuestring, "x\xef\xbf\xbdy");
	cJSON_Delete(j);

	/* row 15: a BOM is accepted, duplicate keys keep the last */
	j = og_json_parse("\xef\xbb\xbf{\"a\":1,\"b\":2,\"a\":3}", 22, false, &n, NULL);
	CHECK(j != NULL && n == 0);
	CHECK(cJSON_GetArraySize(j) == 2);
	CHECK_NUM(cJSON_GetObjectItem(j, "a")->valuedouble, 3);
	cJSON_Delete(j);

	/* the same with more keys than the pairwise path takes */
	k += (size_t)snprintf(big + k, sizeof(big) - k, "{");
	for (int i = 0; i < 40; i++)
		k += (size_t)snprintf(big + k, sizeof(big) - k, "\"k%d\":%d,\"dup\":%d,",
				      i, i, i);
	snprintf(big + k - 1, sizeof(big) - k + 1, ",\"sub\":{\"x\":1,\"x\":2}}");
	j = og_json_parse(big, strlen(big), false, NULL, NULL);
	CHECK(j != NULL);
	CHECK(cJSON_GetArraySize(j) == 42);
	CHECK_NUM(cJSON_GetObjectItem(j, "dup")->valuedouble, 39);
	CHECK_NUM(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "sub"), "x")->valuedouble, 2);
	cJSON_Delete(j);

	/* trailing garbage is refused, with where */
	j = og_json_parse("{} x", 4, false, NULL, &off);
	CHECK(j == NULL && off == 3);
	j = og_json_parse("{} x", 4, true, NULL, NULL);
	CHECK(j != NULL);
	cJSON_Delete(j);
	/* no terminator needed: only @len bytes are read */
	j = og_json_parse("[1]]]]", 3, false, NULL, NULL);
	CHECK(j != NULL && cJSON_GetArraySize(j) == 1);
	cJSON_Delete(j);
}

static void
test_term(void)
{
	char *s = og_term_escape("a\x1b[31mb\x07\tc\nd\xc2\x9b" "e\xc3\xa9", 0);

	CHECK_STR(s, "a\\x1b[31mb\\x07\tc\\x0ad\\u009be\xc3\xa9");
	free(s);
	s = og_term_escape("line\nnext\x7f", 1);
	CHECK_STR(s, "line\nnext\\x7f");
	free(s);
	CHECK(og_term_escape(NULL, 0) == NULL);
}

static void
test_time(void)
{
	char buf[32];
	int64_t back;

	/* row 5: INT64_MIN/MAX clamp to the printable range, say so */
	memset(buf, 'X', sizeof(buf));
	CHECK(og_format_time(INT64_MAX, buf, sizeof(buf)) == -ERANGE);
	CHECK_STR(buf, "9999-12-31T23:59:59Z");
	CHECK(og_format_time(INT64_MIN, buf, sizeof(buf)) == -ERANGE);
	CHECK_STR(buf, "0000-01-01T00:00:00Z");
	CHECK(og_format_time(0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "1970-01-01T00:00:00Z");
	CHECK(og_format_time(-1, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "1969-12-31T23:59:59Z");
	CHECK(og_format_time(1764000000, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "2025-11-24T16:00:00Z");
	CHECK(og_format_time(951782400, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "2000-02-29T00:00:00Z");
	/* every printable time reads back to itself */
	for (int64_t t = OG_TIME_MIN; t <= OG_TIME_MAX; t += 86400 * 997 + 3601) {
		og_format_time(t, buf, sizeof(buf));
		if (og_parse_time(buf, &back) < 0 || back != t) {
			CHECK_FAIL("round trip of %" PRId64 " via %s", t, buf);
			break;
		}
	}
	CHECK(og_format_time(OG_TIME_MAX, buf, sizeof(buf)) == 0);
	CHECK(og_format_time(OG_TIME_MAX + 1, buf, sizeof(buf)) == -ERANGE);

	setenv("SOURCE_DATE_EPOCH", "9223372036854775807", 1);
	CHECK(og_now() > 1700000000 && og_now() <= OG_TIME_MAX);
	setenv("SOURCE_DATE_EPOCH", "1764000000", 1);
	CHECK(og_now() == 1764000000);
	unsetenv("SOURCE_DATE_EPOCH");
}

/* row 12: a finding of a bad kind from a plugin stream leaked its
 * "sources" array; 1000 of them must not grow the heap. */
static void
test_finding_leak(void)
{
	cJSON *o = cJSON_Parse("{\"fingerprint\":\"f\",\"kind\":\"nonsense\",\"id\":\"X\","
			       "\"severity\":\"low\",\"sources\":[\"a\",\"b\",\"c\"]}");
	struct og_model *m = og_model_new();
	size_t before, after;
	char *err = NULL;
	int bad = 0;

	/* warm up allocator caches first */
	for (int i = 0; i < 10; i++) {
		bad += og_finding_from_json(m, o, "plug", &err) < 0;
		free(err);
		err = NULL;
	}
	before = mallinfo2().uordblks;
	for (int i = 0; i < 1000; i++) {
		bad += og_finding_from_json(m, o, "plug", &err) < 0;
		free(err);
		err = NULL;
	}
	after = mallinfo2().uordblks;
	CHECK(bad == 1010);
	if (after > before + 4096)
		CHECK_FAIL("1000 refused findings grew the heap by %zu bytes",
			   after - before);
	og_model_free(m);
	cJSON_Delete(o);
}

int
main(void)
{
	test_utf8();
	test_parse();
	test_term();
	test_time();
	test_finding_leak();
	return check_done();
}
