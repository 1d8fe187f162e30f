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

/* Finish @p, which prints to the memfd @fd: the text, NUL-ended. */
static char *
finished(struct og_jp *p, int fd, size_t *ret_len)
{
	off_t len;
	char *buf;

	CHECK(og_jp_finish(p) == 0);
	len = lseek(fd, 0, SEEK_END);
	buf = og_xmalloc((size_t)len + 1);
	CHECK(pread(fd, buf, (size_t)len, 0) == len);
	buf[len] = '\0';
	close(fd);
	if (ret_len)
		*ret_len = (size_t)len;
	return buf;
}

static char *
printed(const cJSON *v, size_t *ret_len)
{
	int fd = memfd_create("jsonpr", MFD_CLOEXEC);
	struct og_jp p;

	og_jp_init(&p, fd);
	og_jp_cjson(&p, v);
	return finished(&p, fd, ret_len);
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

/* {@s: @s} printed from @s itself (not a copy), as cJSON prints @v. */
static void
same_in_place(const cJSON *v, const char *s, const char *what)
{
	int fd = memfd_create("jsonpr", MFD_CLOEXEC);
	char *want = cJSON_Print(v), *got;
	struct og_jp p;

	og_jp_init(&p, fd);
	og_jp_open(&p, '{');
	og_jp_key(&p, s);
	og_jp_str(&p, s);
	og_jp_close(&p);
	got = finished(&p, fd, NULL);
	check_count++;
	if (strcmp(want, got) != 0)
		CHECK_FAIL("%s: want %s got %s", what, want, got);
	cJSON_free(want);
	free(got);
}

/* Every byte at every place of short strings (the printer scans eight
 * bytes a step; the word boundaries and the tail are where it can go
 * wrong), and two escapes in a row. */
static void
strings(void)
{
	char buf[40], what[64];

	for (size_t len = 1; len <= 20; len++)
		for (size_t at = 0; at < len; at++)
			for (int b = 1; b < 256; b++) {
				cJSON *v;

				memset(buf, b & 1 ? 'a' : 0xe9, len);
				buf[len] = '\0';
				buf[at] = (char)b;
				if (at + 1 < len && b % 7 == 0)
					buf[at + 1] = '"';
				v = cJSON_CreateArray();
				cJSON_AddItemToArray(v, cJSON_CreateString(buf));
				snprintf(what, sizeof(what), "byte %d at %zu of %zu", b, at, len);
				same(v, what);
				cJSON_Delete(v);
			}
	/* strings that end at the last byte of a page whose next page is
	 * not readable: the printer reads words, never past the page */
	{
		long pg = sysconf(_SC_PAGESIZE);
		char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		CHECK(map != MAP_FAILED);
		if (map == MAP_FAILED)
			return;
		CHECK(mprotect(map + pg, (size_t)pg, PROT_NONE) == 0);
		for (int len = 0; len < 40; len++)
			for (int esc = 0; esc < 2; esc++) {
				char *str = map + pg - 1 - len;
				cJSON *v;

				memset(str, 'x', (size_t)len);
				str[len] = '\0';
				if (esc && len)
					str[len / 2] = '\n';
				v = cJSON_CreateObject();
				cJSON_AddItemToObject(v, str, cJSON_CreateString(str));
				snprintf(what, sizeof(what), "%d bytes at a page end", len);
				same_in_place(v, str, what);
				cJSON_Delete(v);
			}
		munmap(map, (size_t)pg * 2);
	}
}

static void
elem_cjson(struct og_jp *p, const void *ctx, size_t i)
{
	og_jp_cjson(p, cJSON_GetArrayItem(ctx, (int)i));
}

/* og_jp_each on threads prints what one loop prints: elements of an
 * array nested in objects (tabs), chunk sizes that divide the count and
 * do not, an element before and after the threaded ones. */
static void
each(void)
{
	static const size_t counts[] = { 0, 1, 2, 5, 64, 1000 };
	static const size_t pers[] = { 1, 3, 64, 1000 };

	for (size_t a = 0; a < sizeof(counts) / sizeof(counts[0]); a++)
		for (size_t b = 0; b < sizeof(pers) / sizeof(pers[0]); b++)
			for (int before = 0; before < 2; before++) {
				size_t n = counts[a];
				cJSON *want = cJSON_CreateObject(), *items = cJSON_CreateArray();
				cJSON *arr = cJSON_AddArrayToObject(
					cJSON_AddObjectToObject(want, "o"), "a");
				int fd = memfd_create("jsonpr", MFD_CLOEXEC);
				struct og_jp p;
				char *got, *w, what[64];

				for (size_t i = 0; i < n; i++) {
					cJSON_AddItemToArray(items, random_value(0));
					if (i % 3 == 0)	/* long enough to grow a chunk's buffer */
						cJSON_AddItemToArray(items, cJSON_CreateString(
							"a string of a hundred characters or so, which "
							"a few hundred of fill a chunk buffer several times"));
				}
				n = (size_t)cJSON_GetArraySize(items);
				og_jp_init(&p, fd);
				og_jp_open(&p, '{');
				og_jp_key(&p, "o");
				og_jp_open(&p, '{');
				og_jp_key(&p, "a");
				og_jp_open(&p, '[');
				if (before) {
					og_jp_str(&p, "first");
					cJSON_AddItemToArray(arr, cJSON_CreateString("first"));
				}
				og_jp_each_in(&p, n, elem_cjson, items, pers[b], 2);
				for (size_t i = 0; i < n; i++)
					cJSON_AddItemToArray(arr, cJSON_Duplicate(
						cJSON_GetArrayItem(items, (int)i), 1));
				og_jp_num(&p, 7);
				cJSON_AddItemToArray(arr, cJSON_CreateNumber(7));
				og_jp_close(&p);
				og_jp_close(&p);
				og_jp_close(&p);
				got = finished(&p, fd, NULL);
				w = cJSON_Print(want);
				snprintf(what, sizeof(what), "each %zu by %zu%s", n, pers[b],
					 before ? " after one" : "");
				check_count++;
				if (strcmp(w, got) != 0)
					CHECK_FAIL("%s: differs from cJSON_Print", what);
				cJSON_free(w);
				free(got);
				cJSON_Delete(want);
				cJSON_Delete(items);
			}
}

int
main(void)
{
	numbers();
	strings();
	each();
	struct og_jp p;
	char *s;
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
		s = finished(&p, fd, NULL);
		w = cJSON_Print(want);
		CHECK_STR(s, w);
		cJSON_free(w);
		cJSON_Delete(want);
		free(s);
	}
	return check_done();
}
