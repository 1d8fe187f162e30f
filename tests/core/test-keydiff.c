/*
 * The history diff is O(n log n): over 100 k findings on each side, the
 * key comparisons (sorting and walking both sides) and the value checks
 * are counted and bounded.  A diff that looked each key up in the other
 * side (a linear scan per key) would need ~10^10 and fail the bound; no
 * wall time is measured.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "history/keydiff.h"
#include "../check.h"

CHECK_COUNTERS;

#define N 100000

static unsigned long keep_calls;

static bool
is_high(const cJSON *v)
{
	keep_calls++;
	return cJSON_IsString(v) && v->valuestring[0] == 'h';
}

/* Fingerprints first..first+N-1 in a shuffled (deterministic) order. */
static cJSON *
findings(unsigned first)
{
	static unsigned order[N];
	uint64_t x = 0x9e3779b97f4a7c15u ^ first;
	cJSON *o = cJSON_CreateObject();

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
		/* every third one high in both runs; k % 7 == 0 turns high
		 * in the later run (first > 0) */
		cJSON_AddStringToObject(o, fp, k % 3 == 0 ||
					(first && k % 7 == 0) ? "high" : "low");
	}
	return o;
}

int
main(void)
{
	cJSON *prev = findings(0), *cur = findings(N / 2);
	cJSON *added = cJSON_CreateArray(), *removed = cJSON_CreateArray();
	unsigned long sort_cmps = 0, bound;
	struct og_member *b, *n;
	size_t nb, nn;
	struct og_key_diff d = { 0 };

	b = og_sorted_members(prev, &nb, &sort_cmps);
	n = og_sorted_members(cur, &nn, &sort_cmps);
	CHECK(nb == N && nn == N);
	for (size_t i = 1; i < nb; i++)
		if (strcmp(b[i - 1].key, b[i].key) >= 0) {
			CHECK_FAIL("members not sorted at %zu", i);
			break;
		}
	d = (struct og_key_diff){
		.before = b, .n_before = nb, .now = n, .n_now = nn,
		.added = added, .removed = removed, .list_max = 1000,
	};
	og_key_diff(&d);
	CHECK(d.n_both == N / 2);
	CHECK(d.n_added == N / 2);
	CHECK(d.n_removed == N / 2);
	CHECK(cJSON_GetArraySize(added) == 1000);
	CHECK(cJSON_GetArraySize(removed) == 1000);

	/* 2 n log2 n per side for the sort, n_b + n_n for the walk. */
	bound = (unsigned long)(2.0 * 2 * N * ceil(log2(N))) + 2 * N;
	fprintf(stderr, "comparisons: sort %lu, walk %lu, bound %lu\n",
		sort_cmps, d.comparisons, bound);
	CHECK(sort_cmps + d.comparisons <= bound);
	CHECK(d.comparisons <= nb + nn);

	/* Filtered: the value is read from the walk, never looked up. */
	cJSON_Delete(added);
	cJSON_Delete(removed);
	added = cJSON_CreateArray();
	removed = cJSON_CreateArray();
	d.keep = is_high;
	d.added = added;
	d.removed = removed;
	og_key_diff(&d);
	CHECK(keep_calls <= 2 * (unsigned long)(nb + nn));
	CHECK(d.comparisons <= nb + nn);
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
		CHECK(d.n_both == both);
		CHECK(d.n_added == add);
		CHECK(d.n_removed == rem);
	}
	free(b);
	free(n);
	cJSON_Delete(added);
	cJSON_Delete(removed);
	cJSON_Delete(prev);
	cJSON_Delete(cur);
	return check_done();
}
