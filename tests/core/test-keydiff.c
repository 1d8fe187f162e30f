/*
 * The history diff is O(n log n): over 100 k findings on each side, the
 * fingerprint comparisons (sorting both snapshots' lists and walking them
 * in step, history/snapshot.h, the walk og_history_delta makes) are
 * counted and bounded.  A diff that looked each fingerprint up in the
 * other side (a linear scan per key) would need ~10^10 and fail the
 * bound; no wall time is measured.  Then the delta's counts over those
 * snapshots, and the snapshot file: written streaming, byte for byte what
 * cJSON_PrintUnformatted printed for the whole tree, and read back
 * streaming the way og_json_parse read it (the last of a repeated key
 * stands; bad members are told, never guessed).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "history/compare.h"
#include "history/keydiff.h"
#include "history/snapshot.h"
#include "jsonget.h"
#include "util.h"
#include "../check.h"

CHECK_COUNTERS;

/* A number member, or -1 when absent or not a number. */
static double
num(const cJSON *v)
{
	double d = -1;

	return og_jnum(v, &d) ? d : -1;
}

#define N 100000

/* Fingerprints first..first+N-1 in a shuffled (deterministic) order:
 * every third one high; k % 7 == 0 turns high in the later run
 * (first > 0).  Strings in @s's arena. */
static void
findings(struct og_snapshot *s, unsigned first)
{
	static unsigned order[N];
	uint64_t x = 0x9e3779b97f4a7c15u ^ first;

	for (unsigned i = 0; i < N; i++)
		order[i] = i;
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j, t;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		j = (unsigned)(x % (i + 1));
		t = order[i], order[i] = order[j], order[j] = t;
	}
	for (unsigned i = 0; i < N; i++) {
		unsigned k = first + order[i];
		char fp[32];

		snprintf(fp, sizeof(fp), "%016x", k * 2654435761u);
		og_snapshot_add(s, og_arena_strdup(&s->arena, fp), "trivy",
				k % 3 == 0 || (first && k % 7 == 0) ? 1 : 3);
	}
	s->doc = cJSON_Parse("{\"scanned\":true,\"collectors\":{\"trivy\":\"ok\"},"
			     "\"findings\":{},\"finding_sources\":{}}");
}

struct walked {
	long both, added, removed, high_both, high_added, high_removed;
};

static void
count(void *ctx, const struct og_snap_finding *was, const struct og_snap_finding *now)
{
	struct walked *w = ctx;
	bool hb = was && was->sev <= 1, hn = now && now->sev <= 1;

	w->both += was && now;
	w->added += !was;
	w->removed += !now;
	/* the same walk filtered by severity: the values come with it */
	w->high_both += hb && hn;
	w->high_added += !hb && hn;
	w->high_removed += hb && !hn;
}

static void
check_sorted(const struct og_snapshot *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->f[i - 1].fp, s->f[i].fp) >= 0) {
			CHECK_FAIL("list not sorted at %zu", i);
			return;
		}
}

static void
diff_is_linear(void)
{
	struct og_snapshot prev, cur;
	unsigned long sort_cmps = 0, walk_cmps, bound;
	struct walked w = { 0 };
	cJSON *d;

	og_snapshot_init(&prev);
	og_snapshot_init(&cur);
	findings(&prev, 0);
	findings(&cur, N / 2);
	og_snapshot_sort(&prev, &sort_cmps);
	og_snapshot_sort(&cur, &sort_cmps);
	CHECK(prev.n == N && cur.n == N);
	check_sorted(&prev);
	check_sorted(&cur);
	walk_cmps = og_snap_walk(prev.f, prev.n, cur.f, cur.n, count, &w);
	CHECK(w.both == N / 2 && w.added == N / 2 && w.removed == N / 2);
	{
		/* expected, by brute force over the key ranges */
		long both = 0, add = 0, rem = 0;

		for (unsigned k = 0; k < N + N / 2; k++) {
			bool in_b = k < N && k % 3 == 0;
			bool in_n = k >= N / 2 && (k % 3 == 0 || k % 7 == 0);

			both += in_b && in_n;
			add += !in_b && in_n;
			rem += in_b && !in_n;
		}
		CHECK(w.high_both == both);
		CHECK(w.high_added == add);
		CHECK(w.high_removed == rem);
	}

	/* 2 n log2 n per side for the sort (and its duplicate check),
	 * n_b + n_n for the walk. */
	bound = (unsigned long)(2.0 * 2 * N * ceil(log2(N))) + 2 * N;
	fprintf(stderr, "comparisons: sort %lu, walk %lu, bound %lu\n",
		sort_cmps, walk_cmps, bound);
	CHECK(sort_cmps + walk_cmps <= bound);
	CHECK(walk_cmps <= prev.n + cur.n);
	/* a list already in order (a file we wrote) costs one pass */
	sort_cmps = 0;
	og_snapshot_sort(&prev, &sort_cmps);
	CHECK(sort_cmps == N - 1);

	/* the delta over them walks the same lists */
	d = og_history_delta(&prev, &cur);
	CHECK_NUM(num(og_jget(d, "findings_still_open")), N / 2);
	CHECK_NUM(num(og_jget(d, "findings_new_count")), N / 2);
	CHECK_NUM(num(og_jget(d, "findings_fixed_count")), N / 2);
	CHECK_NUM(num(og_jget(d, "findings_not_rechecked_count")), 0);
	CHECK(cJSON_GetArraySize(og_jget(d, "findings_new")) == OG_COMPARE_LIST_MAX);
	CHECK(cJSON_GetArraySize(og_jget(d, "findings_fixed")) == OG_COMPARE_LIST_MAX);
	CHECK(cJSON_IsTrue(og_jget(d, "critical_high_changed")));
	cJSON_Delete(d);
	og_snapshot_clear(&prev);
	og_snapshot_clear(&cur);
}

/* @text read as a snapshot: 0 or -EINVAL; @s is the caller's to clear. */
static int
read_text(struct og_snapshot *s, const char *text, size_t *off)
{
	og_snapshot_init(s);
	return og_snapshot_read(s, text, strlen(text), off);
}

/* The snapshot file: written from the list, what the whole tree printed;
 * read back to the same list. */
static void
file_round_trip(void)
{
	static const char *const fps[] = {
		"0a", "b\"q", "c\\d", "tab\there", "nl\n", "\x01" "ctl", "\xc3\xa9t\xc3\xa9",
		"sha256:ff", "zz",
	};
	char dir[] = "/tmp/og-test-keydiff-XXXXXX", *path, *text, *buf = NULL;
	struct og_snapshot s, back;
	cJSON *tree, *f, *src;
	size_t n = sizeof(fps) / sizeof(fps[0]), len, off = 0;

	if (!mkdtemp(dir)) {
		CHECK_FAIL("mkdtemp: %s", strerror(errno));
		return;
	}
	path = og_asprintf("%s/snapshot-20260101T000000Z.json", dir);
	og_snapshot_init(&s);
	s.doc = cJSON_Parse("{\"schema\":\"opsgrade.snapshot/1\",\"level\":2.5,"
			    "\"open\":{\"high\":1},\"findings\":{},"
			    "\"finding_sources\":{},\"gates\":{\"g\":\"pass\"}}");
	/* the whole tree as history.c built it before */
	tree = cJSON_Duplicate(s.doc, 1);
	f = cJSON_GetObjectItem(tree, "findings");
	src = cJSON_GetObjectItem(tree, "finding_sources");
	for (size_t i = 0; i < n; i++)
		og_snapshot_add(&s, fps[i], i % 2 ? "trivy" : "codeql,trivy",
				(unsigned)(i % OG_SNAP_SEVERITIES));
	og_snapshot_sort(&s, NULL);
	/* ... whose members were added in fingerprint order */
	for (size_t i = 0; i < s.n; i++) {
		cJSON_AddStringToObject(f, s.f[i].fp, og_snap_severities[s.f[i].sev]);
		cJSON_AddStringToObject(src, s.f[i].fp, s.f[i].sources);
	}
	CHECK(og_snapshot_write(&s, path) == 0);
	text = cJSON_PrintUnformatted(tree);
	CHECK(og_read_file(path, 1 << 20, &buf, &len) == 0);
	CHECK(buf && len == strlen(text) && !memcmp(buf, text, len));
	CHECK(read_text(&back, buf, &off) == 0);
	CHECK(back.n == s.n && !back.bad_severity);
	for (size_t i = 0; i < s.n && i < back.n; i++) {
		CHECK_STR(back.f[i].fp, s.f[i].fp);
		CHECK_STR(back.f[i].sources, s.f[i].sources);
		CHECK(back.f[i].sev == s.f[i].sev);
	}
	CHECK_NUM(num(og_jget(back.doc, "level")), 2.5);
	CHECK(cJSON_IsObject(og_jget(back.doc, "findings")));
	og_snapshot_clear(&back);
	free(buf);
	free(text);
	cJSON_Delete(tree);
	og_snapshot_clear(&s);
	unlink(path);
	free(path);
	rmdir(dir);
}

/* Text that is not what we write reads as og_json_parse read it. */
static void
odd_files(void)
{
	struct og_snapshot s;
	size_t off = 0;

	/* truncated: a syntax error near where it stops, nothing guessed */
	CHECK(read_text(&s, "{\"schema\":\"opsgrade.snapshot/1\",\"findings\":{\"a\":\"hi",
			&off) == -EINVAL);
	CHECK(off > 30);
	og_snapshot_clear(&s);
	CHECK(read_text(&s, "{\"findings\":{\"a\":\"high\"}} x", &off) == -EINVAL);
	og_snapshot_clear(&s);
	CHECK(read_text(&s, "", &off) == -EINVAL);
	og_snapshot_clear(&s);

	/* not an object: read whole, the schema check tells */
	CHECK(read_text(&s, "[1,2]", &off) == 0 && cJSON_IsArray(s.doc));
	og_snapshot_clear(&s);

	/* a non-string severity is flagged; an array stands as itself */
	CHECK(read_text(&s, "{\"findings\":{\"a\":1,\"b\":\"low\"}}", &off) == 0);
	CHECK(s.bad_severity);
	og_snapshot_clear(&s);
	CHECK(read_text(&s, "{\"findings\":[\"a\"]}", &off) == 0);
	CHECK(cJSON_IsArray(og_jget(s.doc, "findings")) && s.n == 0);
	og_snapshot_clear(&s);

	/* repeated keys: the last stands, in the member and in the list;
	 * sources for a fingerprint not open are ignored; other values are
	 * counted but never critical/high */
	CHECK(read_text(&s, "\xef\xbb\xbf{\"findings\":{\"z\":\"low\"},\"level\":1,"
			"\"findings\":{\"b\":\"low\",\"a\":\"weird\",\"b\":\"critical\"},"
			"\"finding_sources\":{\"a\":\"x\",\"q\":\"y\",\"a\":\"trivy\",\"b\":7},"
			"\"level\":2}", &off) == 0);
	CHECK(s.n == 2 && !s.bad_severity);
	if (s.n == 2) {
		CHECK_STR(s.f[0].fp, "a");
		CHECK(s.f[0].sev == OG_SNAP_SEVERITIES);
		CHECK_STR(s.f[0].sources, "trivy");
		CHECK_STR(s.f[1].fp, "b");
		CHECK(s.f[1].sev == 0);
		CHECK(s.f[1].sources == NULL);
	}
	CHECK_NUM(num(og_jget(s.doc, "level")), 2);
	CHECK(cJSON_GetArraySize(s.doc) == 3);
	og_snapshot_clear(&s);

	/* a key with escapes is the key it decodes to, on either side */
	CHECK(read_text(&s, "{\"findings\":{\"ab\":\"low\",\"c\\\"d\":\"high\"},"
			"\"finding_sources\":{\"a\\u0062\":\"trivy\",\"c\\u0022d\":\"codeql\"}}",
			&off) == 0);
	CHECK(s.n == 2);
	if (s.n == 2) {
		CHECK_STR(s.f[0].fp, "ab");
		CHECK_STR(s.f[0].sources, "trivy");
		CHECK_STR(s.f[1].fp, "c\"d");
		CHECK_STR(s.f[1].sources, "codeql");
	}
	og_snapshot_clear(&s);
}

int
main(void)
{
	diff_is_linear();
	file_round_trip();
	odd_files();
	return check_done();
}
