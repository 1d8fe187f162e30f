/*
 * The one hash table (core/htab.h) under its three faces: the string map
 * the model indexes with, a set of digests with no equality test, and a
 * table on the stack that never grows (duplicate JSON keys).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "htab.h"
#include "jsonin.h"
#include "strmap.h"
#include "../check.h"

CHECK_COUNTERS;

#define N 200000

/* Every key's hash is the same: each lookup must fall back to the
 * caller's equality test, never take one key for another. */
static bool
int_eq(const void *a, const void *b)
{
	return *(const int *)a == *(const int *)b;
}

static void
test_strmap(void)
{
	static char keys[N][16];
	struct og_strmap m;
	size_t v = 0, bad = 0;

	og_strmap_init(&m);
	CHECK(!og_strmap_get(&m, "absent", &v));
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		og_strmap_put(&m, keys[i], i);
	}
	CHECK(m.t.n == N);
	CHECK(m.t.n * 4 < m.t.cap * 3);
	for (size_t i = 0; i < N; i++)
		if (!og_strmap_get(&m, keys[i], &v) || v != i)
			bad++;
	CHECK(bad == 0);
	og_strmap_put(&m, "k7", 42);	/* an equal string, not the same pointer */
	CHECK(og_strmap_get(&m, keys[7], &v) && v == 42);
	CHECK(m.t.n == N);
	CHECK(!og_strmap_get(&m, "k200000", &v));
	og_strmap_clear(&m);
	CHECK(m.t.n == 0 && !og_strmap_get(&m, "k1", &v));
}

static void
test_collisions(void)
{
	static int vals[1000];
	struct og_htab t;
	bool is_new;
	size_t bad = 0;

	og_htab_init(&t);
	for (int i = 0; i < 1000; i++) {
		struct og_htab_slot *s;

		vals[i] = i;
		s = og_htab_claim(&t, 7, int_eq, &vals[i], &is_new);
		if (!s || !is_new)
			bad++;
		else
			s->val = (size_t)i;
	}
	CHECK(bad == 0);
	for (int i = 0; i < 1000; i++) {
		int probe = i;
		const struct og_htab_slot *s = og_htab_get(&t, 7, int_eq, &probe);

		if (!s || s->val != (size_t)i)
			bad++;
	}
	CHECK(bad == 0);
	{
		int other = 1000;

		CHECK(og_htab_get(&t, 7, int_eq, &other) == NULL);
	}
	og_htab_clear(&t);
}

static void
test_digest_set(void)
{
	static const char used;
	struct og_htab t;
	bool is_new;
	size_t fresh = 0;

	og_htab_init(&t);
	for (uint64_t i = 0; i < 5000; i++)
		if (og_htab_claim(&t, og_hash64(&i, sizeof(i), 0), NULL, &used,
				  &is_new) && is_new)
			fresh++;
	for (uint64_t i = 0; i < 5000; i++)
		if (og_htab_claim(&t, og_hash64(&i, sizeof(i), 0), NULL, &used,
				  &is_new) && is_new)
			fresh++;
	CHECK(fresh == 5000);
	CHECK(t.n == 5000);
	og_htab_clear(&t);
}

static void
test_borrowed(void)
{
	struct og_htab_slot buf[8] = { 0 };
	struct og_htab t;
	static int vals[8];
	bool is_new;
	size_t ok = 0;

	og_htab_init_buf(&t, buf, 8);
	for (int i = 0; i < 8; i++) {
		vals[i] = i;
		if (og_htab_claim(&t, og_hash64(&i, sizeof(i), 0), int_eq,
				  &vals[i], &is_new))
			ok++;
	}
	CHECK(ok == 5);			/* never past 3/4 of the buffer */
	CHECK(!og_htab_reserve(&t, 6));	/* and never grows */
	og_htab_clear(&t);		/* does not free the caller's slots */
	CHECK(t.cap == 0);
}

static void
test_json_duplicates(void)
{
	const char *text = "{\"a\":1,\"b\":2,\"a\":3,\"c\":{\"x\":1,\"x\":2},\"b\":4,\"a\":5}";
	char big[4096];
	size_t o = 0;
	cJSON *j = og_json_parse(text, strlen(text), false, NULL, NULL);

	CHECK(j && cJSON_GetArraySize(j) == 3);
	CHECK(cJSON_GetObjectItem(j, "a") &&
	      cJSON_GetObjectItem(j, "a")->valuedouble == 5);
	CHECK(cJSON_GetObjectItem(j, "b") &&
	      cJSON_GetObjectItem(j, "b")->valuedouble == 4);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "c")) == 1);
	cJSON_Delete(j);
	/* 64 members (the stack table's largest) with every key twice */
	o += (size_t)snprintf(big + o, sizeof(big) - o, "{");
	for (int i = 0; i < 64; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%s\"k%d\":%d",
				      i ? "," : "", i % 32, i);
	snprintf(big + o, sizeof(big) - o, "}");
	j = og_json_parse(big, strlen(big), false, NULL, NULL);
	CHECK(j && cJSON_GetArraySize(j) == 32);
	CHECK(j && cJSON_GetObjectItem(j, "k3") &&
	      cJSON_GetObjectItem(j, "k3")->valuedouble == 35);
	cJSON_Delete(j);
}

int
main(void)
{
	test_strmap();
	test_collisions();
	test_digest_set();
	test_borrowed();
	test_json_duplicates();
	return check_done();
}
