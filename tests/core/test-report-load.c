/*
 * The streaming report.json loader (core/report-load.c): every input
 * here is also read through one whole cJSON tree and the two must agree
 * (load-diff.h); the errors name the file and the JSON path; truncation
 * at every byte, wrong types in a finding, a fact and an event, duplicate
 * keys and members, the order of errors, odd text and hostile sizes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "load-diff.h"
#include "report-load.h"
#include "util.h"

CHECK_COUNTERS;

#define FILE_NAME "test-report-load.json"
#define HEAD "{\"schema\":\"opsgrade.report/1\","
#define F(extra) "{\"fingerprint\":\"f1\",\"kind\":\"vulnerability\",\"id\":\"CVE-1\"," \
		 "\"severity\":\"high\"" extra "}"

/* No fsync (og_write_file_atomic): a thousand inputs are written. */
static void
put(const char *text, size_t len)
{
	FILE *f = fopen(FILE_NAME, "wb");

	CHECK(f && fwrite(text, 1, len, f) == len);
	if (f)
		CHECK(fclose(f) == 0);
}

/* @text loaded both ways: they agree; the streaming loader's error (or
 * NULL), caller frees. */
static char *
load_both(const char *text, size_t len, int line)
{
	char *why, *err = NULL;

	put(text, len);
	why = load_diff(FILE_NAME, &err);
	check_count++;
	if (why) {
		CHECK_FAIL("line %d: %s\n  input: %.*s", line, why,
			   (int)(len > 300 ? 300 : len), text);
		free(why);
	}
	return err;
}

#define LOAD(text) load_both((text), strlen(text), __LINE__)

/* @item (an object ending in a member "x":, in an array) with @n nested
 * arrays as the value of "x", and the array and document closed: loaded
 * both ways. */
static void
load_nested(const char *item, int n, int line)
{
	size_t len = strlen(item) - 1;	/* reopen the object */
	char *buf = og_xmalloc(len + 2 * (size_t)n + 8);

	memcpy(buf, item, len);
	memset(buf + len, '[', (size_t)n);
	memset(buf + len + n, ']', (size_t)n);
	len += 2 * (size_t)n;
	memcpy(buf + len, "}]}", 3);
	free(load_both(buf, len + 3, line));
	free(buf);
}

/* @text must load, both ways the same. */
#define OK(text) do {							\
		char *e_ = LOAD(text);					\
		check_count++;						\
		if (e_)							\
			CHECK_FAIL("line %d: unexpected error '%s'", __LINE__, e_); \
		free(e_);						\
	} while (0)

/* @text must fail with an error holding the file name and @want. */
#define BAD(text, want) do {						\
		char *e_ = LOAD(text);					\
		check_count++;						\
		if (!e_ || !strstr(e_, FILE_NAME) || !strstr(e_, (want)))	\
			CHECK_FAIL("line %d: error '%s', want '%s'", __LINE__,	\
				   e_ ? e_ : "(none)", (want));		\
		free(e_);						\
	} while (0)

static void
test_fixtures(void)
{
	static const char *const files[] = {
		"report-full.json", "report-hostile.json",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *root = getenv("OG_SOURCE_ROOT");
		char *path = og_asprintf("%s/tests/fixtures/%s", root ? root : "..",
					 files[i]), *buf, *err;
		size_t len;

		if (og_read_file(path, (size_t)1 << 24, &buf, &len) < 0) {
			CHECK_FAIL("cannot read %s", path);
			free(path);
			continue;
		}
		err = load_both(buf, len, __LINE__);
		CHECK(!err);
		free(err);
		/* cut anywhere, it is an error naming the file; cut after
		 * the closing brace, the same report */
		for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
			bool whole = memchr(buf + cut, '}', len - cut) == NULL;

			err = load_both(buf, cut, __LINE__);
			check_count++;
			if (whole ? err != NULL
				  : !err || !strstr(err, FILE_NAME ": invalid JSON at byte"))
				CHECK_FAIL("%s cut at %zu: '%s'", files[i], cut,
					   err ? err : "(loaded)");
			free(err);
		}
		free(buf);
		free(path);
	}
}

static void
test_types(void)
{
	OK(HEAD "\"findings\":[" F("") "]}");
	OK(HEAD "\"findings\":null}");
	OK(HEAD "\"findings\":[]}");
	BAD(HEAD "\"findings\":{}}", "'findings' must be an array");
	BAD(HEAD "\"findings\":[" F("") ",3]}", "findings[1]: a finding must be an object");
	BAD(HEAD "\"findings\":[{\"kind\":\"secret\"}]}", "findings[0]: 'fingerprint' is missing");
	BAD(HEAD "\"findings\":[" F(",\"title\":5") "]}", "findings[0]: 'title' must be a string");
	BAD(HEAD "\"findings\":[" F(",\"url\":{\"a\":[1]}") "]}", "'url' must be a string");
	BAD(HEAD "\"findings\":[" F(",\"tags\":\"x\"") "]}", "'tags' must be an array of strings");
	BAD(HEAD "\"findings\":[" F(",\"tools\":[\"a\",null,\"b\"]") "]}", "'tools[1]' must be a string");
	BAD(HEAD "\"findings\":[" F(",\"locations\":null") "]}", "'locations' must be an array");
	BAD(HEAD "\"findings\":[" F(",\"locations\":[{},7]") "]}",
	    "findings[0]: locations[1]: a location must be an object");
	BAD(HEAD "\"findings\":[" F(",\"locations\":[{\"line\":-1}]") "]}",
	    "locations[0]: 'line' must be a non-negative number");
	BAD(HEAD "\"findings\":[" F(",\"locations\":[{\"column\":\"3\"}]") "]}",
	    "'column' must be a non-negative number");
	BAD(HEAD "\"findings\":[" F(",\"locations\":[{\"file\":true}]") "]}",
	    "'file' must be a string");
	BAD(HEAD "\"findings\":[" F(",\"kind\":\"bug\"") "]}", "unknown finding kind 'bug'");
	BAD(HEAD "\"findings\":[" F(",\"severity\":\"dire\"") "]}", "unknown severity 'dire'");
	/* a score that is not a number is unknown, as before */
	OK(HEAD "\"findings\":[" F(",\"score\":\"9.8\"") "]}");
	OK(HEAD "\"findings\":[" F(",\"score\":1e999,\"locations\":[{\"line\":4e9}]") "]}");
	/* members it does not know are passed over, whatever they hold */
	OK(HEAD "\"findings\":[" F(",\"x\":[{\"y\":[null,true,false,-0.5e+3,\"\\u00e9\"]}]") "]}");
}

#define FACT(extra) "{\"key\":\"k\",\"type\":\"bool\",\"value\":true" extra "}"
#define EVENT(extra) "{\"type\":\"deployment\",\"time\":\"2026-01-02T03:04:05Z\"" extra "}"

/* Facts and events: each item a small tree, read as the whole tree's
 * would be. */
static void
test_facts_events(void)
{
	OK(HEAD "\"facts\":[" FACT("") "," FACT(",\"key\":\"j\"") "]}");
	OK(HEAD "\"facts\":null,\"events\":null}");
	OK(HEAD "\"facts\":[],\"events\":[]}");
	OK(HEAD "\"events\":[" EVENT("") "," EVENT(",\"id\":\"d1\",\"attrs\":{\"a\":\"b\"}") "]}");
	/* every type and optional member; a derived fact is recomputed */
	OK(HEAD "\"facts\":[{\"key\":\"n\",\"type\":\"number\",\"value\":-0.5e+3,\"unit\":\"ms\"},"
	   "{\"key\":\"s\",\"type\":\"string\",\"value\":\"x\\u00e9\",\"evidence\":null},"
	   "{\"key\":\"l\",\"type\":\"list\",\"value\":[\"a\",\"b\"],\"sources\":[\"repo\"]},"
	   "{\"key\":\"u\",\"type\":\"unknown\",\"value\":null,\"reason\":\"r\"},"
	   "{\"key\":\"c\",\"type\":\"number\",\"value\":2,\"subject\":\"a/b\",\"rollup\":\"sum\"},"
	   "{\"key\":\"c\",\"type\":\"number\",\"value\":2,\"parts\":1},"
	   "{\"key\":\"t\",\"type\":\"bool\",\"value\":false,\"observed_at\":\"2026-01-01\"}]}");
	BAD(HEAD "\"facts\":{}}", "'facts' must be an array");
	BAD(HEAD "\"facts\":\"x\"}", "'facts' must be an array");
	BAD(HEAD "\"events\":3}", "'events' must be an array");
	BAD(HEAD "\"facts\":[" FACT("") ",3]}", "facts[1]: a fact must be an object");
	BAD(HEAD "\"facts\":[{\"type\":\"bool\"}]}", "facts[0]: 'key' is missing");
	BAD(HEAD "\"facts\":[" FACT(",\"value\":3") "]}", "facts[0]: fact 'k': value does not match type 'bool'");
	BAD(HEAD "\"facts\":[" FACT(",\"sources\":[1]") "]}", "'sources[0]' must be a string");
	BAD(HEAD "\"facts\":[" FACT(",\"observed_at\":\"soon\"") "]}", "'observed_at' is not an RFC 3339 time");
	BAD(HEAD "\"facts\":[" FACT(",\"rollup\":\"most\"") "]}", "rollup 'most' is not one of");
	BAD(HEAD "\"facts\":[" FACT(",\"rollup\":\"sum\"") "]}", "fact 'k' rejected");
	BAD(HEAD "\"facts\":[{\"key\":\"k\",\"type\":\"list\",\"value\":\"a\"}]}",
	    "facts[0]: 'value' must be an array of strings");
	BAD(HEAD "\"events\":[" EVENT("") ",[]]}", "events[1]: an event must be an object");
	BAD(HEAD "\"events\":[{\"time\":\"2026-01-01\"}]}", "events[0]: 'type' is missing");
	BAD(HEAD "\"events\":[" EVENT(",\"time\":5") "]}", "events[0]: 'time' must be a string");
	BAD(HEAD "\"events\":[" EVENT(",\"attrs\":[]") "]}", "'attrs' must be an object");
	BAD(HEAD "\"events\":[" EVENT(",\"attrs\":{\"a\":1}") "]}", "attrs.a must be a string");
	BAD(HEAD "\"events\":[" EVENT(",\"type\":\"\"") "]}", "event rejected");
	/* the first refused item is named, not a later one */
	BAD(HEAD "\"facts\":[" FACT("") ",{}," FACT(",\"value\":1") "]}", "facts[1]: 'key' is missing");
	/* a syntax error inside an item, at the end of one, after the array */
	BAD(HEAD "\"facts\":[" FACT(",\"value\":tru") "]}", "invalid JSON at byte");
	BAD(HEAD "\"facts\":[" FACT("") "" FACT("") "]}", "invalid JSON at byte");
	BAD(HEAD "\"events\":[" EVENT(",") "]}", "invalid JSON at byte");
	BAD(HEAD "\"events\":[" EVENT("") ",]}", "invalid JSON at byte");
	BAD(HEAD "\"events\":[" EVENT("") "]", "invalid JSON at byte");
	BAD(HEAD "\"facts\":[" FACT(",\"key\":\"\\ud8\"") "]}", "invalid JSON at byte");
	/* duplicate keys keep the last, in an item and in its attrs */
	OK(HEAD "\"facts\":[" FACT(",\"value\":3,\"value\":false,\"key\":5,\"key\":\"z\"") "]}");
	OK(HEAD "\"events\":[" EVENT(",\"attrs\":{\"a\":1,\"a\":\"x\"},\"attrs\":{\"b\":\"y\",\"b\":\"z\"}") "]}");
	/* two members of one array: the last wins (read as one tree) */
	OK(HEAD "\"facts\":[" FACT("") "],\"facts\":[" FACT(",\"key\":\"j\"") "]}");
	OK(HEAD "\"events\":[" EVENT("") "],\"events\":[]}");
	OK(HEAD "\"facts\":3,\"facts\":[" FACT("") "]}");
	BAD(HEAD "\"facts\":[" FACT(",\"type\":1") "],\"facts\":{}}", "'facts' must be an array");
	BAD(HEAD "\"events\":[" EVENT(",\"type\":1") "],\"events\":[1]}", "events[0]: an event must be an object");
	/* keys written with escapes, a NUL ending one */
	OK(HEAD "\"f\\u0061cts\":[" FACT("") "],\"ev\\u0065nts\":[" EVENT("") "]}");
	{
		static const char raw[] = HEAD "\"facts\0x\":[" FACT(",\"key\":\"a\0b\"") "],"
					  "\"events\":[" EVENT(",\"id\":\"i\0d\"") "]}";

		free(load_both(raw, sizeof(raw) - 1, __LINE__));
	}
	/* invalid UTF-8 and lone surrogates become U+FFFD, counted, in the
	 * items as anywhere */
	OK(HEAD "\"facts\":[" FACT(",\"key\":\"k\xff\xc0\xaf\",\"evidence\":\"\\ud800x\xed\xa0\x80\"") "],"
	   "\"events\":[" EVENT(",\"attrs\":{\"\xfe\":\"\xf4\x90\x80\x80\\udc00\"}") "]}");
	/* nesting counted from the document, in an item */
	for (int n = 994; n <= 1000; n += 3)
		load_nested(HEAD "\"events\":[" EVENT(",\"x\":"), n, __LINE__);
}

static void
test_order_of_errors(void)
{
	/* the syntax of the whole file first, then the schema, then facts,
	 * findings, events: as when the file was one tree */
	BAD(HEAD "\"findings\":[{\"fingerprint\":1}]", "invalid JSON at byte");
	BAD("{\"findings\":[{\"fingerprint\":1}],\"schema\":\"x\"}", "not an opsgrade report");
	BAD(HEAD "\"findings\":[{\"fingerprint\":1}],\"facts\":[{\"key\":\"k\"}]}",
	    "facts[0]: 'type' is missing");
	BAD(HEAD "\"events\":[1],\"findings\":[{\"fingerprint\":1}]}",
	    "findings[0]: 'fingerprint' must be a string");
	/* facts before findings before events, wherever they stand */
	BAD(HEAD "\"events\":[1],\"findings\":[1],\"facts\":[1]}", "facts[0]: a fact must be an object");
	BAD(HEAD "\"events\":[1],\"facts\":[],\"findings\":[1]}", "findings[0]: a finding must be an object");
	BAD(HEAD "\"events\":[1],\"facts\":[" FACT("") "]}", "events[0]: an event must be an object");
	BAD(HEAD "\"events\":[1],\"facts\":7}", "'facts' must be an array");
	BAD("{\"events\":[1],\"facts\":[1],\"schema\":\"x\"}", "not an opsgrade report");
	BAD("{\"events\":[1],\"facts\":[1],\"schema\":\"opsgrade.report/1\"", "invalid JSON at byte");
	BAD(HEAD "\"facts\":[1],\"events\":[" EVENT("") "],}", "invalid JSON at byte");
	BAD("[]", "not an opsgrade report");
	BAD("", "invalid JSON at byte 0");
	BAD(HEAD "\"findings\":[" F("") "]} x", "invalid JSON at byte");
	BAD(HEAD "\"findings\":[" F("") ",]}", "invalid JSON at byte");
	BAD(HEAD "\"findings\":[" F(",") "]}", "invalid JSON at byte");
	BAD(HEAD "\"findings\":[" F(",\"title\":\"\\x\"") "]}", "invalid JSON at byte");
	BAD(HEAD "\"findings\":[" F(",\"title\":\"\\u12\"") "]}", "invalid JSON at byte");
	/* cJSON reads a \u escape with a bad digit as U+0000 */
	OK(HEAD "\"findings\":[" F(",\"title\":\"a\\u12G4b\"") "]}");
	BAD(HEAD "\"findings\":[" F(",\"score\":-") "]}", "invalid JSON at byte");
	BAD(HEAD "\"findings\":[" F(",\"score\":tru") "]}", "invalid JSON at byte");
}

static void
test_keys_and_text(void)
{
	/* duplicate keys keep the last, in a finding, a location and the
	 * document (where the last one stands) */
	OK(HEAD "\"findings\":[" F(",\"title\":5,\"title\":\"t\",\"tags\":[1],\"tags\":[\"a\"]") "]}");
	OK(HEAD "\"findings\":[" F(",\"locations\":[{\"line\":\"x\",\"line\":3}],\"locations\":[{\"file\":\"f\",\"file\":\"g\"}]") "]}");
	OK(HEAD "\"subject\":\"a\",\"findings\":[],\"subject\":\"b\",\"schema\":\"opsgrade.report/1\"}");
	/* two findings members: the last wins (read as one tree) */
	OK(HEAD "\"findings\":[" F("") "],\"findings\":[]}");
	OK(HEAD "\"findings\":[],\"findings\":[" F("") "]}");
	BAD(HEAD "\"findings\":[" F(",\"title\":1") "],\"findings\":3}", "'findings' must be an array");
	/* a key written with escapes is the same key */
	OK(HEAD "\"find\\u0069ngs\":[" F(",\"t\\u0069tle\":\"x\"") "]}");
	/* invalid UTF-8 and lone surrogates become U+FFFD (counted, with a
	 * warning), pairs decode */
	OK(HEAD "\"findings\":[" F(",\"title\":\"a\xff\xc0\xafz\xed\xa0\x80\",\"url\":\"\\ud800x\\udc00\\ud83d\\ude00\"") "]}");
	OK(HEAD "\"s\xfe\":\"\xe2\x82\",\"findings\":[" F(",\"package\":\"\xf4\x90\x80\x80\"") "]}");
	/* a byte order mark is accepted; whitespace of every kind */
	OK("\xef\xbb\xbf" HEAD "\"findings\":[" F("") "]}");
	OK(" \t\r\n" HEAD "\"findings\"\n:\t[ " F(" ,\"tags\" : [ \"a\" , \"b\" ] ") " ] } \n");
	/* an escaped NUL ends the string, as cJSON reads it; so does a raw
	 * one, in a string and in a key (found by fuzz-report) */
	OK(HEAD "\"findings\":[" F(",\"title\":\"ab\\u0000cd\"") "]}");
	{
		static const char raw[] = HEAD "\"findings\":[" F(",\"title\":\"ab\0cd\","
					       "\"id\0xyz\":\"CVE-2\",\"sc\0\":1") "],"
					  "\"sub\0ject\":\"s\"}";

		free(load_both(raw, sizeof(raw) - 1, __LINE__));
	}
	/* the same finding twice merges, as it always did */
	OK(HEAD "\"findings\":[" F(",\"tags\":[\"b\"]") "," F(",\"tags\":[\"a\"]") "]}");
}

/* Numbers read as strtod reads them (the short ones take a fast path):
 * scores and line numbers of many shapes. */
static void
test_numbers(void)
{
	static const char *const nums[] = {
		"0", "-0", "7", "007", "9.8", "0.1", "0.30000000000000004",
		"4.35", "10.0", "1.", "5e0", "1E1", "2.5e-3", "123456789012345",
		"1234567890123456", "999999999999999.9", "0.000000000000001",
		"3.14159265358979323846", "1e308", "1e-320", "4294967295",
	};
	unsigned seed = 1;

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char *t = og_asprintf(HEAD "\"findings\":[{\"fingerprint\":\"f\","
				      "\"kind\":\"secret\",\"id\":\"x\",\"severity\":\"low\","
				      "\"score\":%s,\"locations\":[{\"file\":\"a\",\"line\":%s}]}]}",
				      nums[i], nums[i]);

		free(LOAD(t));
		free(t);
	}
	for (int i = 0; i < 300; i++) {
		char num[40];
		int k = 0;

		seed = seed * 1103515245u + 12345u;
		k += snprintf(num + k, sizeof(num) - (size_t)k, "%u",
			      (seed >> 8) % 100000);
		seed = seed * 1103515245u + 12345u;
		snprintf(num + k, sizeof(num) - (size_t)k, ".%0*u",
			 (int)(seed >> 28) % 10 + 1, (seed >> 4) % 1000000000u);
		{
			char *t = og_asprintf(HEAD "\"findings\":[" F(",\"score\":%s") "]}", num);

			free(LOAD(t));
			free(t);
		}
	}
}

static void
test_depth(void)
{
	/* nesting: cJSON's 1000 levels, counted from the document */
	for (int n = 990; n <= 1000; n += 5)
		load_nested(HEAD "\"findings\":[" F(",\"x\":"), n, __LINE__);
}

static void
test_sizes(void)
{
	size_t n = 200000, len = 0;
	char *buf = og_xmalloc(n * 8 + 4096), *err;
	int fd;

	/* a long string and a long array in one finding */
	sprintf(buf, "%s", HEAD "\"findings\":[" F(",\"title\":\""));
	len = strlen(buf) - 1;	/* reopen the finding's object */
	memset(buf + len, 'a', n);
	len += n;
	len += (size_t)sprintf(buf + len, "\",\"tags\":[");
	for (size_t i = 0; i < n / 8; i++)
		len += (size_t)sprintf(buf + len, "%s\"t%06zu\"", i ? "," : "", i);
	len += (size_t)sprintf(buf + len, "]}]}");
	free(load_both(buf, len, __LINE__));
	free(buf);

	/* a file above the size limit is refused before it is read: a
	 * sparse file, no disk used */
	unlink(FILE_NAME);
	fd = open(FILE_NAME, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)OG_REPORT_MAX_BYTES + 1) == 0);
	close(fd);
	err = NULL;
	{
		cJSON *doc = NULL;
		struct og_model *m = NULL;

		CHECK(og_report_load(FILE_NAME, &doc, &m, &err) == -EFBIG);
		CHECK(err && strstr(err, FILE_NAME) && strstr(err, "cannot read"));
		CHECK(!doc && !m);
	}
	free(err);
}

/* A merge that moves the shards' findings gives what the copying merge
 * gives: shards that overlap (the same report twice) and that do not. */
static void
test_merge_move(void)
{
	static const char *const files[] = {
		"report-full.json", "report-hostile.json", "report-full.json",
	};
	struct og_model *copy = og_model_new(), *move = og_model_new();
	const char *root = getenv("OG_SOURCE_ROOT");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = og_asprintf("%s/tests/fixtures/%s", root ? root : "..",
					 files[i]), *err = NULL;
		struct og_model *a = NULL, *b = NULL;
		cJSON *da = NULL, *db = NULL;

		CHECK(og_report_load(path, &da, &a, &err) == 0);
		CHECK(og_report_load(path, &db, &b, &err) == 0);
		if (a && b) {
			CHECK(og_model_merge(copy, a) == 0);
			CHECK(og_model_merge_move(move, b) == 0);
			b = NULL;
		}
		og_model_free(a);
		og_model_free(b);
		cJSON_Delete(da);
		cJSON_Delete(db);
		free(path);
	}
	CHECK(load_diff_models(copy, move));
	og_model_free(copy);
	og_model_free(move);
}

int
main(void)
{
	og_log_set_level(OG_PRIO_ERROR);
	test_fixtures();
	test_types();
	test_facts_events();
	test_order_of_errors();
	test_keys_and_text();
	test_numbers();
	test_depth();
	test_sizes();
	test_merge_move();
	unlink(FILE_NAME);
	return check_done();
}
