/*
 * The streaming printer writes exactly what cJSON_Print writes: checked
 * on the report fixtures and on generated trees with awkward numbers,
 * strings (escapes, control bytes, UTF-8), empty and nested containers.
 * Output goes to a memfd: no files.
 */
#include "config.h"

#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jsonpr.h"
#include "util.h"
#include "../check.h"

CHECK_COUNTERS;

static char *
printed(const cJSON *v, size_t *ret_len)
{
	int fd = memfd_create("jsonpr", MFD_CLOEXEC);
	struct og_jp p;
	off_t len;
	char *buf;

	og_jp_init(&p, fd);
	og_jp_cjson(&p, v);
	CHECK(og_jp_finish(&p) == 0);
	len = lseek(fd, 0, SEEK_END);
	buf = og_xmalloc((size_t)len + 1);
	CHECK(pread(fd, buf, (size_t)len, 0) == len);
	buf[len] = '\0';
	close(fd);
	*ret_len = (size_t)len;
	return buf;
}

static void
same(const cJSON *v, const char *what)
{
	char *want = cJSON_Print(v), *got;
	size_t n;

	got = printed(v, &n);
	check_count++;
	if (strlen(want) != n || memcmp(want, got, n) != 0) {
		size_t i = 0;

		while (i < n && want[i] == got[i])
			i++;
		CHECK_FAIL("%s: differs from cJSON_Print at byte %zu: "
			   "want \"%.40s\" got \"%.40s\"", what, i, want + i,
			   got + i);
	}
	cJSON_free(want);
	free(got);
}

static void
fixture(const char *rel)
{
	const char *root = getenv("OG_SOURCE_ROOT");
	char *path, *buf = NULL;
	size_t len;
	cJSON *doc;

	if (!root)
		root = ".";
	path = og_asprintf("%s/%s", root, rel);
	if (og_read_file(path, (size_t)1 << 28, &buf, &len) < 0) {
		CHECK_FAIL("cannot read %s", path);
		free(path);
		return;
	}
	doc = cJSON_ParseWithLength(buf, len);
	CHECK(doc != NULL);
	if (doc)
		same(doc, rel);
	cJSON_Delete(doc);
	free(buf);
	free(path);
}

static uint64_t rng = 88172645463325252u;

static uint64_t
next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static cJSON *
random_value(int depth)
{
	static const double nums[] = {
		0, -0.0, 1, -1, 0.1, 1e300, -1e-300, 2147483647.0,
		2147483648.0, -2147483649.0, 3e9, 1.0 / 3, 123456789.125,
		DBL_MAX, DBL_MIN, 1e21, 4294967295.0, 0.30000000000000004,
	};
	static const char *const strs[] = {
		"", "plain", "quote\" back\\slash", "ctl\b\f\n\r\t\x01\x1f end",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\x7f del",
		"/slash", "tab\tonly",
	};
	unsigned k = (unsigned)(next() % (depth > 4 ? 5 : 7));
	cJSON *v;

	switch (k) {
	case 0: return cJSON_CreateNull();
	case 1: return cJSON_CreateBool(next() & 1);
	case 2:
		return cJSON_CreateNumber(next() & 1 ?
			nums[next() % (sizeof(nums) / sizeof(nums[0]))] :
			(double)(int64_t)next() / (double)(next() | 1));
	case 3: case 4:
		return cJSON_CreateString(strs[next() % (sizeof(strs) / sizeof(strs[0]))]);
	case 5:
		v = cJSON_CreateArray();
		for (unsigned i = (unsigned)(next() % 4); i > 0; i--)
			cJSON_AddItemToArray(v, random_value(depth + 1));
		return v;
	default:
		v = cJSON_CreateObject();
		for (unsigned i = (unsigned)(next() % 4); i > 0; i--)
			cJSON_AddItemToObject(v, next() & 1 ? "k\"ey" : "key",
					      random_value(depth + 1));
		return v;
	}
}

/* Numbers as report.json holds them (lines, counts, one-decimal scores)
 * and their neighbours, one by one against cJSON's own text. */
static void
numbers(void)
{
	static const double edge[] = {
		0, -0.0, 0.05, 0.1, -0.1, 0.25, 9.95, 99.99, 1e12 + 0.5,
		9999999999999.9, 1e13, 1e13 - 1, -1e13 + 0.5, 1e15, 1e16 + 1,
		123456789012.3, 0.7 + 0.1, 2.675, 1e-5, 4294967296.5,
	};
	char what[64];

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		cJSON *v = cJSON_CreateNumber(edge[i]);

		snprintf(what, sizeof(what), "number %.17g", edge[i]);
		same(v, what);
		cJSON_Delete(v);
	}
	for (int k = -20000; k <= 200000; k += 37) {
		double d[] = { k / 10.0, k * 0.1, k / 100.0, k + 0.5, k * 1e7 + 0.1 };

		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
			cJSON *v = cJSON_CreateNumber(d[i]);

			snprintf(what, sizeof(what), "number %.17g", d[i]);
			same(v, what);
			cJSON_Delete(v);
		}
	}
}

int
main(void)
{
	numbers();
	struct og_jp p;
	char *s;
	size_t n;
	cJSON *big;

	fixture("tests/fixtures/report-full.json");
	fixture("tests/fixtures/report-hostile.json");
	for (int i = 0; i < 2000; i++) {
		cJSON *v = cJSON_CreateObject();

		cJSON_AddItemToObject(v, "v", random_value(0));
		same(v, "generated tree");
		cJSON_Delete(v);
	}
	/* larger than the printer's buffer */
	big = cJSON_CreateArray();
	for (int i = 0; i < 20000; i++)
		cJSON_AddItemToArray(big, cJSON_CreateString(
			"a string long enough to fill the buffer a few times"));
	same(big, "large array");
	cJSON_Delete(big);

	/* built by calls, as the model writer does */
	{
		int fd = memfd_create("jsonpr", MFD_CLOEXEC);
		cJSON *want = cJSON_CreateObject(), *a;
		char *w;

		og_jp_init(&p, fd);
		og_jp_open(&p, '{');
		og_jp_key(&p, "n");
		og_jp_num(&p, 3e9);
		cJSON_AddNumberToObject(want, "n", 3e9);
		og_jp_key(&p, "a");
		og_jp_open(&p, '[');
		a = cJSON_AddArrayToObject(want, "a");
		og_jp_open(&p, '{');
		og_jp_close(&p);
		cJSON_AddItemToArray(a, cJSON_CreateObject());
		og_jp_str(&p, NULL);
		cJSON_AddItemToArray(a, cJSON_CreateNull());
		og_jp_num(&p, -0.5);
		cJSON_AddItemToArray(a, cJSON_CreateNumber(-0.5));
		og_jp_close(&p);
		og_jp_key(&p, "e");
		og_jp_open(&p, '{');
		og_jp_close(&p);
		cJSON_AddObjectToObject(want, "e");
		og_jp_close(&p);
		CHECK(og_jp_finish(&p) == 0);
		n = (size_t)lseek(fd, 0, SEEK_END);
		s = og_xmalloc(n + 1);
		CHECK(pread(fd, s, n, 0) == (ssize_t)n);
		s[n] = '\0';
		w = cJSON_Print(want);
		CHECK_STR(s, w);
		cJSON_free(w);
		cJSON_Delete(want);
		free(s);
		close(fd);
	}
	return check_done();
}
