/*
 * The plugin pipe's finding frames (core/wire.c): a finding sent as a
 * frame reads back exactly as the same finding added directly; strings
 * that are not UTF-8 are repaired and counted; a frame cut short, with
 * flipped bytes or lying lengths is refused with a reason, never read
 * past its end (run under ASan too).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "model.h"
#include "report-json.h"
#include "util.h"
#include "wire.h"
#include "../check.h"

CHECK_COUNTERS;

static char *
finding_text(struct og_model *m)
{
	size_t n;
	const struct og_model_finding *const *v = og_model_findings(m, &n);
	cJSON *j = n == 1 ? og_finding_to_json(v[0]) : NULL;
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;

	cJSON_Delete(j);
	return s;
}

/* Send @f through a frame and directly; both models must agree. */
static void
same_both_ways(const struct og_finding *f, const char *fp)
{
	struct og_wire_buf b = { 0 };
	struct og_model *direct = og_model_new(), *wired = og_model_new();
	enum og_wire_type type;
	size_t fixed = 99;
	char *err = NULL, *a, *w;
	int64_t len;

	og_wire_put_finding(&b, f, fp);
	len = og_wire_frame_len(b.buf, &type);
	CHECK(type == OG_WIRE_FINDING);
	CHECK(len >= 0 && (size_t)len + OG_WIRE_HEAD == b.len);
	CHECK(og_wire_add_finding(wired, b.buf + OG_WIRE_HEAD, (size_t)len,
				  "trivy", &fixed, &err) == 0);
	CHECK(fixed == 0);
	CHECK(err == NULL);
	{
		struct og_finding c = *f;

		/* as the host sends it: a suppression always has a reason */
		c.fingerprint = fp;
		if (c.suppressed && !c.suppression)
			c.suppression = "suppressed";
		CHECK(og_model_add_finding(direct, &c, "trivy") == 0);
	}
	a = finding_text(direct);
	w = finding_text(wired);
	CHECK_STR(w, a);
	free(a);
	free(w);
	free(err);
	og_model_free(direct);
	og_model_free(wired);
	og_wire_buf_clear(&b);
}

static void
test_round_trip(void)
{
	static const char *const tags[] = { "CWE-79", "", "CWE-89", NULL };
	struct og_location locs[3] = {
		{ .target = "img:1", .file = "usr/lib/x", .line = 4294967295u,
		  .column = 7, .layer = "sha256:ab" },
		{ .target = NULL, .file = "a\"b\\c\n\x01", .line = 0 },
		{ .target = "", .file = NULL, .layer = NULL, .line = 1 },
	};
	struct og_finding f = OG_FINDING_INIT;

	f.kind = OG_FINDING_VULNERABILITY;
	f.id = "CVE-2024-0001";
	f.title = "Ünïcödé title — 漢字 🙂";
	f.severity = OG_SEV_CRITICAL;
	f.score = 9.8000000000000007;
	f.package = "openssl";
	f.installed_version = "3.0.1";
	f.fixed_version = "";
	f.status_detail = "fixed";
	f.url = "https://example.invalid/CVE-2024-0001";
	f.published = "2024-01-02";
	f.tool = "Trivy";
	f.tags = tags;
	f.locations = locs;
	f.n_locations = 3;
	same_both_ways(&f, "0123456789abcdef");

	/* the least a finding can be */
	f = (struct og_finding)OG_FINDING_INIT;
	f.kind = OG_FINDING_CODE_ALERT;
	f.id = "r";
	same_both_ways(&f, "f");

	/* suppressed, with and without a reason; scores that are unknown */
	f.suppressed = true;
	f.score = -1;
	same_both_ways(&f, "f");
	f.suppression = "VEX";
	f.score = 0;
	same_both_ways(&f, "f");
	f.suppressed = false;	/* a reason without suppression is dropped */
	same_both_ways(&f, "f");
}

static void
test_bad_utf8(void)
{
	struct og_wire_buf b = { 0 };
	struct og_model *m = og_model_new();
	struct og_finding f = OG_FINDING_INIT;
	size_t n, fixed = 0;
	char *err = NULL;
	const struct og_model_finding *const *v;

	f.id = "CVE-1";
	/* a stray continuation byte, an overlong NUL, a surrogate, a cut
	 * sequence at the end */
	f.title = "a\x80 b\xc0\x80 c\xed\xa0\x80 d\xe2\x82";
	og_wire_put_finding(&b, &f, "fp");
	CHECK(og_wire_add_finding(m, b.buf + OG_WIRE_HEAD, b.len - OG_WIRE_HEAD,
				  "x", &fixed, &err) == 0);
	v = og_model_findings(m, &n);
	CHECK(n == 1);
	if (n == 1) {
		CHECK(og_utf8_fix(v[0]->title, NULL) == NULL);	/* clean now */
		CHECK(strncmp(v[0]->title, "a\xef\xbf\xbd b", 6) == 0);
	}
	CHECK(fixed > 0);
	free(err);
	og_model_free(m);
	og_wire_buf_clear(&b);
}

static bool
refused(const unsigned char *p, size_t n)
{
	struct og_model *m = og_model_new();
	size_t fixed;
	char *err = NULL;
	int r = og_wire_add_finding(m, p, n, "x", &fixed, &err);
	size_t k;

	og_model_findings(m, &k);
	CHECK(r < 0 ? err != NULL && k == 0 : k == 1);
	free(err);
	og_model_free(m);
	return r < 0;
}

static void
test_hostile(void)
{
	static const char *const tags[] = { "t1", "t2", NULL };
	struct og_location loc = { .target = "t", .file = "f", .line = 3 };
	struct og_wire_buf b = { 0 };
	struct og_finding f = OG_FINDING_INIT;
	unsigned char *p, *copy;
	size_t n;
	uint64_t x = 0x9e3779b97f4a7c15u;
	enum og_wire_type type;

	f.id = "CVE-2";
	f.title = "title";
	f.score = 5;
	f.tags = tags;
	f.locations = &loc;
	f.n_locations = 1;
	og_wire_put_finding(&b, &f, "fp");
	p = b.buf + OG_WIRE_HEAD;
	n = b.len - OG_WIRE_HEAD;
	CHECK(!refused(p, n));
	/* every cut is refused, read within its own bytes (a copy of
	 * exactly that size, so ASan sees an overread) */
	for (size_t cut = 0; cut < n; cut++) {
		copy = og_xmalloc(cut ? cut : 1);
		memcpy(copy, p, cut);
		CHECK(refused(copy, cut));
		free(copy);
	}
	/* a trailing byte too */
	copy = og_xmalloc(n + 1);
	memcpy(copy, p, n);
	copy[n] = 0;
	CHECK(refused(copy, n + 1));
	free(copy);
	/* flipped bytes: refused or read as some finding, never a crash */
	copy = og_xmalloc(n);
	for (int i = 0; i < 1000; i++) {
		memcpy(copy, p, n);
		for (int k = 0; k < 3; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			copy[x % n] = (unsigned char)(x >> 32);
		}
		refused(copy, n);
	}
	free(copy);
	/* a NUL inside a string, a huge list count */
	{
		unsigned char bad[] = { 0, 3, 0, 3, 'a', 0 };
		unsigned char many[] = { 0, 3, 0, 3, 'f', 'p', 3, 'i', 'd',
					 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 0xff, 0xff, 0xff, 0xff, 0x0f };

		CHECK(refused(bad, sizeof(bad)));
		CHECK(refused(many, sizeof(many)));
	}
	/* frame headers */
	CHECK(og_wire_frame_len((const unsigned char *)"garbage", &type) < 0);
	CHECK(og_wire_frame_len((const unsigned char *)"\xa7Xabcd", &type) < 0);
	CHECK(og_wire_frame_len((const unsigned char *)"\xa7J\x01\x02\x03\x04",
				&type) == 0x04030201 && type == OG_WIRE_JSON);
	og_wire_buf_clear(&b);
}

int
main(void)
{
	test_round_trip();
	test_bad_utf8();
	test_hostile();
	return check_done();
}
