/* Unit tests of the merged model: fact merge rules, finding dedup,
 * deterministic order, report.json round trip. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report-json.h"
#include "util.h"
#include "../check.h"

CHECK_COUNTERS;

static void
add_bool(struct og_model *m, const char *key, bool v, const char *src,
	 const char *ev)
{
	struct og_model_fact f = { .key = (char *)key, .type = OG_VALUE_BOOL,
				   .b = v, .source = (char *)src,
				   .evidence = (char *)ev };

	CHECK(og_model_add_fact(m, &f) == 0);
}

static void
test_fact_merge(void)
{
	struct og_model *m = og_model_new();
	struct og_model_fact unk = { .key = "x.unknown", .type = OG_VALUE_UNKNOWN,
				     .str = "needs admin", .source = "github" };
	struct og_model_fact num = { .key = "x.unknown", .type = OG_VALUE_NUMBER,
				     .num = 3, .source = "repo" };
	const struct og_model_fact *f;

	/* true wins over false, with its evidence */
	add_bool(m, "ci.present", false, "repo", NULL);
	add_bool(m, "ci.present", true, "github", "api/x");
	f = og_model_fact(m, "ci.present");
	CHECK(f && f->b && !strcmp(f->evidence, "api/x"));
	CHECK(f && f->n_sources == 2 && !strcmp(f->sources[0], "github"));
	/* known beats unknown, in either order */
	CHECK(og_model_add_fact(m, &unk) == 0);
	CHECK(og_model_add_fact(m, &num) == 0);
	CHECK(og_model_add_fact(m, &unk) == 0);
	f = og_model_fact(m, "x.unknown");
	CHECK(f && f->type == OG_VALUE_NUMBER && f->num == 3);
	/* first source in name order wins for conflicting values */
	num.key = "y";
	num.source = "zeta";
	num.num = 1;
	CHECK(og_model_add_fact(m, &num) == 0);
	num.source = "alpha";
	num.num = 2;
	CHECK(og_model_add_fact(m, &num) == 0);
	CHECK(og_model_fact(m, "y")->num == 2);
	CHECK(og_model_fact(m, "absent") == NULL);
	og_model_free(m);
}

static void
add_rollup(struct og_model *m, const char *key, int v, const char *src,
	   const char *ev, enum og_rollup rule)
{
	/* v: 0 false, 1 true, -1 unknown */
	struct og_model_fact f = { .key = (char *)key,
				   .type = v < 0 ? OG_VALUE_UNKNOWN : OG_VALUE_BOOL,
				   .b = v == 1, .source = (char *)src,
				   .str = v < 0 ? "not measured" : NULL,
				   .evidence = (char *)ev, .rollup = rule };

	CHECK(og_model_add_fact(m, &f) == 0);
}

static bool
fact_is(const struct og_model *m, const char *key, int v, const char *ev,
	enum og_rollup rule)
{
	const struct og_model_fact *f = og_model_fact(m, key);

	/* an unknown result carries no rule: the next part decides anew */
	if (f && v < 0)
		return f->type == OG_VALUE_UNKNOWN && f->rollup == 0;
	if (!f || f->rollup != rule)
		return false;
	return f->type == OG_VALUE_BOOL && f->b == (v == 1) &&
	       !strcmp(f->evidence ? f->evidence : "", ev ? ev : "");
}

/* One part of an org: a value with its evidence. */
struct part {
	int v;
	const char *ev;
};

/* Every order of @parts gives @want (with evidence @ev) under @rule. */
static void
check_rollup_orders(const struct part *parts, size_t n, enum og_rollup rule,
		    int want, const char *ev)
{
	size_t perm[4] = { 0, 1, 2, 3 }, c[4] = { 0 }, i = 1, orders = 0;

	/* all n! orders, by Heap's algorithm (iterative) */
	assert(n <= 4);

	for (;;) {
		struct og_model *m = og_model_new();

		for (size_t k = 0; k < n; k++)
			add_rollup(m, "org.all", parts[perm[k]].v, "github",
				   parts[perm[k]].ev, rule);
		CHECK(fact_is(m, "org.all", want, ev, rule) ||
		      (fprintf(stderr, "order %zu of rule %d\n", orders, rule), 0));
		og_model_free(m);
		orders++;
		while (i < n && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i >= n) {
			CHECK(orders == (n == 4 ? 24 : n == 3 ? 6 : n == 2 ? 2 : 1));
			break;
		}
		size_t j = i % 2 ? c[i] : 0, t = perm[j];

		perm[j] = perm[i];
		perm[i] = t;
		c[i]++;
		i = 1;
	}
}

static void
test_rollup(void)
{
	static const struct part mixed[] = {
		{ 1, "every repository" }, { 0, "repos.web: false" },
		{ -1, NULL }, { 0, "repos.api: false" },
	};
	static const struct part trues[] = {
		{ -1, NULL }, { 1, "every repository" }, { 1, "every repository" },
	};
	static const struct part any[] = {
		{ 0, "no repository" }, { 1, "repos.web" }, { -1, NULL },
		{ 1, "repos.api" },
	};
	struct og_model *m;

	/* ALL: false wins, with the first evidence in name order, in any
	 * order the parts arrive in; an unknown part makes "all true"
	 * unknown (three-valued AND) */
	check_rollup_orders(mixed, 4, OG_ROLLUP_ALL, 0, "repos.api: false");
	check_rollup_orders(trues, 3, OG_ROLLUP_ALL, -1, NULL);
	check_rollup_orders(trues + 1, 2, OG_ROLLUP_ALL, 1, "every repository");
	/* ANY: true wins; false with an unknown part is unknown */
	check_rollup_orders(any, 4, OG_ROLLUP_ANY, 1, "repos.api");
	check_rollup_orders(any, 1, OG_ROLLUP_ANY, 0, "no repository");
	check_rollup_orders(any + 2, 1, OG_ROLLUP_ANY, -1, NULL);
	{
		static const struct part any_unknown[] = {
			{ 0, "no repository" }, { -1, NULL },
		};

		check_rollup_orders(any_unknown, 2, OG_ROLLUP_ANY, -1, NULL);
	}

	m = og_model_new();
	/* parts disagreeing on the rule: ALL wins, whichever came first */
	add_rollup(m, "a", 1, "github", "x", OG_ROLLUP_ANY);
	add_rollup(m, "a", 0, "github", "y", OG_ROLLUP_ALL);
	CHECK(fact_is(m, "a", 0, "y", OG_ROLLUP_ALL));
	add_rollup(m, "b", 0, "github", "y", OG_ROLLUP_ALL);
	add_rollup(m, "b", 1, "github", "x", OG_ROLLUP_ANY);
	CHECK(fact_is(m, "b", 0, "y", OG_ROLLUP_ALL));
	add_rollup(m, "c", 1, "github", "x", OG_ROLLUP_ALL);
	add_rollup(m, "c", 1, "github", "w", OG_ROLLUP_ANY);
	CHECK(fact_is(m, "c", 1, "w", OG_ROLLUP_ALL));
	/* a plain bool joins as one more part: the rule still applies
	 * (plain bools alone: true wins) */
	add_rollup(m, "d", 0, "github", "y", OG_ROLLUP_ALL);
	add_bool(m, "d", true, "repo", "z");
	CHECK(fact_is(m, "d", 0, "y", OG_ROLLUP_ALL));
	add_bool(m, "e", true, "repo", "z");
	add_rollup(m, "e", 0, "github", "y", OG_ROLLUP_ALL);
	CHECK(fact_is(m, "e", 0, "y", OG_ROLLUP_ALL));
	CHECK(og_model_fact(m, "e")->n_sources == 2);
	/* equal values: the first source in name order */
	add_rollup(m, "f", 1, "zeta", "z", OG_ROLLUP_ANY);
	add_rollup(m, "f", 1, "alpha", "z2", OG_ROLLUP_ANY);
	CHECK(fact_is(m, "f", 1, "z2", OG_ROLLUP_ANY) &&
	      !strcmp(og_model_fact(m, "f")->source, "alpha"));
	/* rules outside the enum are refused */
	{
		struct og_model_fact bad = { .key = "g", .type = OG_VALUE_BOOL,
					     .rollup = (enum og_rollup)7 };

		CHECK(og_model_add_fact(m, &bad) == -EINVAL);
	}
	CHECK(!strcmp(og_rollup_name(OG_ROLLUP_ALL), "all") &&
	      !strcmp(og_rollup_name(OG_ROLLUP_ANY), "any") &&
	      og_rollup_name(0) == NULL &&
	      og_rollup_from_name("any") == OG_ROLLUP_ANY &&
	      og_rollup_from_name("most") == 0);
	og_model_free(m);
}

static void
add_event(struct og_model *m, const char *type, int64_t t, const char *id,
	  const char *repo)
{
	struct og_model_attr attrs[] = { { "conclusion", "success" },
					 { "repo", (char *)repo } };
	struct og_model_event e = { .type = (char *)type, .time = t,
				    .id = (char *)id, .source = "github",
				    .attrs = attrs, .n_attrs = repo ? 2 : 1 };

	CHECK(og_model_add_event(m, &e) == 0);
}

static size_t
n_events(struct og_model *m)
{
	size_t n;

	og_model_events(m, &n);
	return n;
}

static void
test_event_merge(void)
{
	struct og_model *a = og_model_new(), *b = og_model_new();

	/* workflow-run ids repeat across repositories (and in fixtures at
	 * the same second): ids alone would fold these into one */
	add_event(a, "workflow_run", 1000, "1", "acme/web");
	add_event(a, "workflow_run", 2000, "1", "acme/api");
	add_event(a, "workflow_run", 1000, "1", "acme/api");
	add_event(a, "workflow_run", 1000, "2", "acme/web");
	add_event(a, "deployment", 1000, "1", "acme/web");
	add_event(a, "incident", 3000, NULL, NULL);
	/* merged with itself (an equal copy): nothing doubles */
	add_event(b, "incident", 3000, NULL, NULL);
	add_event(b, "deployment", 1000, "1", "acme/web");
	add_event(b, "workflow_run", 1000, "2", "acme/web");
	add_event(b, "workflow_run", 1000, "1", "acme/api");
	add_event(b, "workflow_run", 2000, "1", "acme/api");
	add_event(b, "workflow_run", 1000, "1", "acme/web");
	CHECK(og_model_merge(a, b) == 0);
	CHECK(n_events(a) == 6);
	CHECK(og_model_merge(a, a) == 0);
	CHECK(n_events(a) == 6);
	/* distinct events are kept: another repo, time, type or id */
	og_model_free(b);
	b = og_model_new();
	add_event(b, "workflow_run", 1000, "1", "acme/db");
	add_event(b, "workflow_run", 1001, "1", "acme/web");
	add_event(b, "release", 1000, "1", "acme/web");
	add_event(b, "workflow_run", 1000, "3", "acme/web");
	add_event(b, "incident", 3000, "7", NULL);
	CHECK(og_model_merge(a, b) == 0);
	CHECK(n_events(a) == 11);
	/* a model's own repeated events are not its merge's business */
	og_model_free(b);
	b = og_model_new();
	add_event(b, "release", 5, "r", NULL);
	add_event(b, "release", 5, "r", NULL);
	CHECK(og_model_merge(a, b) == 0);
	CHECK(n_events(a) == 13);
	og_model_free(a);
	og_model_free(b);
}

static char *report_text(cJSON *doc, struct og_model *m);

/* A model with rollup facts and repeating event ids written to report
 * JSON, read back, merged with itself: the same document every time. */
static char *
model_json(struct og_model *m)
{
	cJSON *doc = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	og_report_add_model(doc);
	s = report_text(doc, m);
	cJSON_Delete(doc);
	return s;
}

static void
test_rollup_round_trip(void)
{
	struct og_model *m = og_model_new(), *back = NULL, *twice = NULL;
	cJSON *doc = NULL, *doc2 = NULL;
	char *s1, *s2, *s3, *err = NULL;
	static const char bad[] = "{\"schema\":\"opsgrade.report/1\",\"facts\":"
		"[{\"key\":\"a\",\"type\":\"bool\",\"value\":true,"
		"\"rollup\":\"most\"}]}";

	add_rollup(m, "github.branch_protection.enabled", 0, "github",
		   "github.repos.lib.branch_protection.enabled is false",
		   OG_ROLLUP_ALL);
	add_rollup(m, "github.deployments.present", 1, "github", "repos.web",
		   OG_ROLLUP_ANY);
	add_bool(m, "ci.present", true, "repo", "x");
	add_event(m, "workflow_run", 1000, "1", "acme/web");
	add_event(m, "workflow_run", 1000, "1", "acme/api");
	s1 = model_json(m);
	CHECK(strstr(s1, "\"rollup\":\t\"all\"") && strstr(s1, "\"rollup\":\t\"any\""));
	/* plain facts carry no rollup member: two in all */
	CHECK(strstr(s1, "\"rollup\"") &&
	      strstr(strstr(s1, "\"rollup\"") + 1, "\"rollup\"") &&
	      !strstr(strstr(strstr(s1, "\"rollup\"") + 1, "\"rollup\"") + 1,
		      "\"rollup\""));
	CHECK(og_write_file_atomic("test-model-rollup.json", s1, strlen(s1)) == 0);
	CHECK(og_report_load("test-model-rollup.json", &doc, &back, &err) == 0);
	CHECK(og_report_load("test-model-rollup.json", &doc2, &twice, &err) == 0);
	if (back && twice) {
		CHECK(og_model_fact(back, "ci.present")->rollup == 0);
		CHECK(og_model_fact(back, "github.deployments.present")->rollup ==
		      OG_ROLLUP_ANY);
		s2 = model_json(back);
		CHECK(!strcmp(s1, s2));
		CHECK(og_model_merge(back, twice) == 0);
		s3 = model_json(back);
		CHECK(!strcmp(s1, s3) || (fprintf(stderr, "%s\n---\n%s\n", s1, s3), 0));
		free(s2);
		free(s3);
	}
	og_model_free(back);
	og_model_free(twice);
	cJSON_Delete(doc);
	cJSON_Delete(doc2);
	back = NULL;
	doc = NULL;
	/* an unknown rule is refused, naming it */
	og_write_file_atomic("test-model-rollup.json", bad, strlen(bad));
	CHECK(og_report_load("test-model-rollup.json", &doc, &back, &err) < 0);
	CHECK(err && strstr(err, "most"));
	free(err);
	cJSON_Delete(doc);
	og_model_free(back);
	remove("test-model-rollup.json");
	free(s1);
	og_model_free(m);
}

/* Up to 8 findings built at once each keep their own location. */
static struct og_finding
vuln(const char *id, const char *pkg, const char *ver, const char *target,
     enum og_severity sev)
{
	static struct og_location locs[8];
	static unsigned next;
	struct og_location *loc = &locs[next++ % 8];

	*loc = (struct og_location){ .target = target };
	return (struct og_finding){
		.struct_size = sizeof(struct og_finding),
		.kind = OG_FINDING_VULNERABILITY, .id = id, .package = pkg,
		.installed_version = ver, .severity = sev, .score = -1,
		.tool = "Trivy", .locations = loc, .n_locations = 1,
	};
}

static void
test_finding_dedup(void)
{
	struct og_model *m = og_model_new();
	struct og_finding a = vuln("CVE-1", "openssl", "1.0", "img:a", OG_SEV_HIGH);
	struct og_finding b = vuln("CVE-1", "openssl", "1.0", "img:b", OG_SEV_CRITICAL);
	struct og_finding c = vuln("CVE-1", "openssl", "1.1", "img:a", OG_SEV_LOW);
	const struct og_model_finding *const *all;
	size_t n;

	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	CHECK(og_model_add_finding(m, &b, "trivy") == 0);
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);	/* exact repeat */
	CHECK(og_model_add_finding(m, &c, "trivy") == 0);
	all = og_model_findings(m, &n);
	CHECK(n == 2);
	/* critical first; merged one keeps both images, once each */
	CHECK(all[0]->severity == OG_SEV_CRITICAL);
	CHECK(all[0]->n_locations == 2);
	CHECK(all[1]->severity == OG_SEV_LOW);
	/* a suppressed duplicate never hides an open one */
	a.suppressed = true;
	a.suppression = "VEX";
	a.id = "CVE-2";
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	a.suppressed = false;
	CHECK(og_model_add_finding(m, &a, "codeql") == 0);
	all = og_model_findings(m, &n);
	CHECK(n == 3);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i]->id, "CVE-2")) {
			CHECK(!all[i]->suppressed);
			CHECK(all[i]->n_sources == 2);
		}
	/* invalid input is refused, not stored */
	a.id = NULL;
	CHECK(og_model_add_finding(m, &a, "trivy") < 0);
	og_model_free(m);
}

/* A finding of fingerprint @fp into @m. */
static void
add_fp(struct og_model *m, const char *fp, enum og_severity sev)
{
	struct og_model_finding f = { .fingerprint = (char *)fp, .id = "CVE-1",
				      .severity = sev, .score = -1,
				      .suppressed = fp[63] == '7',
				      .suppression = fp[63] == '7' ? "VEX" : NULL };

	CHECK(og_model_add_model_finding(m, &f) == 0);
}

/* Fingerprint @i: hex mostly, some sharing their first 15 digits (the
 * packed sort key's tie), some not hex at all. */
static void
fp_of(unsigned i, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t x = i * 0x9e3779b97f4a7c15u;

	for (int k = 0; k < 64; k++, x = x * 6364136223846793005u + 1442695040888963407u)
		out[k] = hex[x >> 60];
	if (i % 7 == 0)
		memcpy(out, "0000000000000000", 16);	/* ties on the key */
	if (i % 11 == 0)
		out[i % 5] = "gZ-_x"[i % 5];		/* not hex */
	out[64] = '\0';
}

/*
 * A merge of shards whose findings were sorted and counted (as the merge's
 * loading threads do) merges their runs instead of sorting and adds their
 * open counts: the order and counts must be the ones of all findings in
 * one model, also when a shard was not sorted, when shards overlap, and
 * after a later add (which raises one finding, unsuppresses another).
 */
static void
test_sorted_runs(void)
{
	for (int mode = 0; mode < 4; mode++) {
		struct og_model *all = og_model_new(), *dst = og_model_new();
		const struct og_model_finding *const *want, *const *got;
		size_t nw, ng, cw[OG_SEV_SLOTS], cg[OG_SEV_SLOTS];
		char fp[65];

		for (unsigned s = 0; s < 9; s++) {
			struct og_model *part = og_model_new();
			/* mode 2: every shard repeats some of the one before */
			unsigned from = s * 300 - (mode == 2 && s ? 40 : 0);

			for (unsigned i = from; i < s * 300 + 300 - s * 20; i++) {
				enum og_severity sev = (enum og_severity)(i % 6);

				fp_of(i, fp);
				add_fp(part, fp, sev);
				add_fp(all, fp, sev);
			}
			/* mode 1: one shard unsorted, uncounted */
			if (!(mode == 1 && s == 4)) {
				(void)og_model_findings(part, &ng);
				og_model_open_by_severity(part, cw);
			}
			CHECK(og_model_merge_move(dst, part) == 0);
			if (s == 5)	/* asked for midway: runs merged, more to come */
				(void)og_model_findings(dst, &ng);
		}
		if (mode == 3) {
			fp_of(8, fp);
			add_fp(all, fp, OG_SEV_CRITICAL);	/* raises one */
			add_fp(dst, fp, OG_SEV_CRITICAL);
			for (unsigned i = 0; i < 300; i++) {
				struct og_model_finding f = { .fingerprint = fp, .id = "CVE-1",
							      .severity = OG_SEV_INFO, .score = -1 };

				fp_of(i, fp);	/* an open copy: open now */
				if (fp[63] == '7') {
					CHECK(og_model_add_model_finding(all, &f) == 0);
					CHECK(og_model_add_model_finding(dst, &f) == 0);
					break;
				}
			}
			fp_of(100000, fp);
			add_fp(all, fp, OG_SEV_LOW);
			add_fp(dst, fp, OG_SEV_LOW);
		}
		og_model_open_by_severity(all, cw);
		og_model_open_by_severity(dst, cg);
		CHECK(!memcmp(cw, cg, sizeof(cw)));
		want = og_model_findings(all, &nw);
		got = og_model_findings(dst, &ng);
		CHECK(nw == ng);
		for (size_t i = 0; i < nw && i < ng; i++)
			if (strcmp(want[i]->fingerprint, got[i]->fingerprint) ||
			    want[i]->severity != got[i]->severity) {
				CHECK_FAIL("mode %d: finding %zu: want %s got %s", mode,
					   i, want[i]->fingerprint, got[i]->fingerprint);
				break;
			}
		og_model_free(all);
		og_model_free(dst);
	}
}

static void
test_fingerprint_stable(void)
{
	struct og_finding a = vuln("CVE-9", "zlib", "1.2", "x", OG_SEV_LOW);
	char *f1 = og_finding_fingerprint(&a), *f2;

	a.locations = NULL;
	a.n_locations = 0;
	f2 = og_finding_fingerprint(&a);
	/* vulnerabilities ignore the target */
	CHECK(!strcmp(f1, f2));
	CHECK(strlen(f1) == 64);
	/* fixed value: changing the scheme would break history.  The one
	 * format: SHA-256 of "vulnerability\0CVE-9\0zlib\0001.2" (what
	 * sha256sum says of those bytes) */
	CHECK(!strcmp(f1, "a71a10c589456c0b38ce60bc10aa9623692a71dbb30aec839c56a4f7207b1c2e") ||
	      (fprintf(stderr, "fp=%s\n", f1), 0));
	free(f1);
	free(f2);
}

/* report.json's text as og_report_write streams it, the findings from
 * @m; @doc's own findings tree (a loaded one) is dropped. */
static char *
report_text(cJSON *doc, struct og_model *m)
{
	struct og_report rep;
	char *err = NULL, *buf = NULL;
	size_t len;

	og_report_init(&rep, doc, m);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "facts")) == 0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "findings")) == 0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "events")) == 0);
	CHECK(og_report_write(&rep, "test-model-text.json", &err) == 0);
	CHECK(og_read_file("test-model-text.json", OG_FILE_MAX_BYTES, &buf, &len) == 0);
	remove("test-model-text.json");
	free(err);
	return buf;
}

/* The whole document as one cJSON tree, printed by cJSON: what
 * report.json was before it was streamed. */
static char *
tree_text(cJSON *doc, struct og_model *m)
{
	const struct og_model_fact *const *fs;
	const struct og_model_finding *const *gs;
	const struct og_model_event *const *es;
	cJSON *copy = cJSON_Duplicate(doc, 1);
	cJSON *a = cJSON_GetObjectItem(copy, "facts");
	size_t n;
	char *s, *t;

	fs = og_model_facts(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, og_fact_to_json(fs[i]));
	a = cJSON_GetObjectItem(copy, "findings");
	gs = og_model_findings(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, og_finding_to_json(gs[i]));
	a = cJSON_GetObjectItem(copy, "events");
	es = og_model_events(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, og_event_to_json(es[i]));
	s = cJSON_Print(copy);
	t = og_asprintf("%s\n", s);
	free(s);
	cJSON_Delete(copy);
	return t;
}

/* @doc made a report of @m, with a member after the items: its text as
 * og_report_write streams it (*ret_stream) and as cJSON_Print prints the
 * whole tree (*ret_tree). */
static void
both_texts(cJSON *doc, struct og_model *m, char **ret_stream, char **ret_tree)
{
	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	og_report_add_model(doc);
	cJSON_AddStringToObject(doc, "after", "the items");
	*ret_tree = tree_text(doc, m);
	*ret_stream = report_text(doc, m);
}

/* A fact of every type and member report.json has. */
static void
add_round_trip_facts(struct og_model *m)
{
	char *list[] = { "a", "b\"c", NULL }, *srcs[] = { "a", "b" };
	struct og_model_fact f[] = {
		{ .key = "n.ms", .type = OG_VALUE_NUMBER, .num = 0.1 + 0.2,
		  .unit = "ms", .source = "repo", .observed_at = 1700000000 },
		{ .key = "n.big", .type = OG_VALUE_NUMBER, .num = -1e300,
		  .source = "repo", .evidence = "\x7f\x1f\xe6\xbc\xa2" },
		{ .key = "s", .type = OG_VALUE_STRING, .str = "x\ny\\",
		  .sources = srcs, .n_sources = 2, .source = "b" },
		{ .key = "s.empty", .type = OG_VALUE_STRING, .source = "repo" },
		{ .key = "l", .type = OG_VALUE_LIST, .list = list, .n_list = 2,
		  .source = "repo" },
		{ .key = "l.none", .type = OG_VALUE_LIST, .source = "repo" },
		{ .key = "u", .type = OG_VALUE_UNKNOWN, .str = "no \"token\"",
		  .source = "github" },
		{ .key = "u.none", .type = OG_VALUE_UNKNOWN, .source = "github",
		  .observed_at = -62167219201 },
		{ .key = "r", .type = OG_VALUE_NUMBER, .num = 2, .rollup = OG_ROLLUP_SUM,
		  .subject = "acme/a", .subject_kind = "repository", .source = "github" },
		{ .key = "r", .type = OG_VALUE_NUMBER, .num = 3.5, .rollup = OG_ROLLUP_SUM,
		  .subject = "acme/b", .source = "github" },
		{ .key = "b.sub", .type = OG_VALUE_BOOL, .b = false,
		  .subject = "acme/b", .subject_kind = "repository", .source = "github" },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		CHECK(og_model_add_fact(m, &f[i]) == 0);
}

static void
test_round_trip(void)
{
	struct og_model *m = og_model_new(), *back;
	struct og_finding a = vuln("CVE-1", "openssl", "1.0", "img:a", OG_SEV_HIGH);
	struct og_finding b = vuln("CVE-2", "zlib \"q\" \\ \x01\t\n\x7f \xc3\xa9 \xe6\xbc\xa2",
				   NULL, "img:b", OG_SEV_CRITICAL);
	struct og_location locs[] = {
		{ .file = "src/a.c", .line = 12, .column = 3 },
		{ .target = "t", .layer = "sha256:1" },
	};
	struct og_model_attr attrs[] = { { "environment", "production" } };
	struct og_model_attr odd[] = { { "k\x01\t\"", "v\\\xc3\xa9" },
				       { "k2", "" } };
	struct og_model_event e = { .type = "deployment", .time = 1700000000,
				    .id = "d1", .source = "github",
				    .attrs = attrs, .n_attrs = 1 };
	const char *tags[] = { "t1", "t0", NULL };
	cJSON *doc = cJSON_CreateObject(), *doc2;
	char *s1, *s2, *err = NULL;

	b.score = 9.8;
	b.locations = locs;
	b.n_locations = 2;
	b.tags = tags;
	b.title = "a title\r\b\f/";
	b.url = "https://example.com/?a=1&b=<2>";
	a.suppressed = true;
	a.suppression = "VEX: not affected";
	a.score = 1.0 / 3;
	add_bool(m, "ci.present", true, "repo", ".github/workflows/ci.yml:1");
	add_round_trip_facts(m);
	CHECK(og_model_add_finding(m, &a, "trivy") == 0);
	CHECK(og_model_add_finding(m, &b, "codeql") == 0);
	CHECK(og_model_add_event(m, &e) == 0);
	e.subject = "acme/w\"eb";
	e.id = NULL;
	e.time = -1;
	attrs[0].value = NULL;
	CHECK(og_model_add_event(m, &e) == 0);
	e.attrs = odd;
	e.n_attrs = 2;
	CHECK(og_model_add_event(m, &e) == 0);
	/* streamed from the model, byte for byte cJSON_Print's text */
	both_texts(doc, m, &s1, &s2);
	CHECK(s1 && s2 && !strcmp(s1, s2));
	CHECK(s1 && strstr(s1, "CVE-2") && strstr(s1, "\"line\":\t12"));
	/* the facts and events are the model's too, not trees in the
	 * document */
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "facts")) == 0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "events")) == 0);
	CHECK(s1 && strstr(s1, "\"environment\":\t\"production\""));
	CHECK(s1 && strstr(s1, "\"unit\":\t\"ms\"") && strstr(s1, "\"parts\":\t2") &&
	      strstr(s1, "\"reason\":\tnull") && strstr(s1, "\"subject_kind\"") &&
	      strstr(s1, "\"value\":\t[\"a\", \"b\\\"c\"]"));
	free(s2);
	CHECK(og_write_file_atomic("test-model-rt.json", s1, strlen(s1)) == 0);
	doc2 = NULL;
	back = NULL;
	CHECK(og_report_load("test-model-rt.json", &doc2, &back, &err) == 0);
	if (back) {
		s2 = report_text(doc2, back);
		CHECK(s2 && !strcmp(s1, s2));
		free(s2);
	}
	free(s1);
	remove("test-model-rt.json");
	cJSON_Delete(doc);
	cJSON_Delete(doc2);
	og_model_free(back);
	og_model_free(m);
}

/* Thousands of facts and events: report.json formats them in chunks on
 * threads (og_jp_each), and the text is still the one tree's. */
static void
test_many_round_trip(void)
{
	struct og_model *m = og_model_new();
	cJSON *doc = cJSON_CreateObject();
	char key[32], subject[32], value[32], *list[] = { key, value };
	char *s1, *s2;

	for (size_t i = 0; i < 5000; i++) {
		struct og_model_attr attr = { "n", value };
		struct og_model_event e = { .type = i % 3 ? "deployment" : "workflow_run",
					    .time = 1700000000 + (int64_t)(i % 977) * 3600,
					    .id = key, .source = "github",
					    .subject = i % 2 ? subject : NULL,
					    .attrs = &attr, .n_attrs = 1 };
		struct og_model_fact f = { .key = key, .type = (enum og_value_type)(i % 5),
					   .b = i % 7 == 0, .num = (double)i / 8,
					   .str = i % 5 == 0 ? NULL : value, .list = list,
					   .n_list = i % 3, .source = "repo",
					   .evidence = i % 4 ? value : NULL,
					   .observed_at = (int64_t)i * 86400,
					   .subject = i % 6 ? NULL : subject };

		snprintf(key, sizeof(key), "k.%05zu", i % 2500);
		snprintf(subject, sizeof(subject), "acme/r%zu", i % 11);
		snprintf(value, sizeof(value), "v\t%zu\"\xc3\xa9", i);
		CHECK(og_model_add_fact(m, &f) == 0);
		CHECK(og_model_add_event(m, &e) == 0);
	}
	both_texts(doc, m, &s1, &s2);
	CHECK(s1 && s2 && strlen(s1) > 1000000 && !strcmp(s1, s2));
	free(s1);
	free(s2);
	cJSON_Delete(doc);
	og_model_free(m);
}

static void
test_bad_json(void)
{
	static const char *const bad[] = {
		"{\"schema\":\"opsgrade.report/1\",\"facts\":[{\"key\":\"a\",\"type\":\"bool\",\"value\":3}]}",
		"{\"schema\":\"opsgrade.report/1\",\"findings\":[{\"fingerprint\":\"x\",\"kind\":\"vuln\",\"id\":\"a\",\"severity\":\"high\"}]}",
		"{\"schema\":\"opsgrade.report/1\",\"events\":[{\"type\":\"deployment\",\"time\":\"yesterday\"}]}",
		"{\"schema\":\"other/1\"}",
		"{\"schema\":\"opsgrade.report/1\",\"facts\":[",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *doc = NULL;
		struct og_model *m = NULL;
		char *err = NULL;

		og_write_file_atomic("test-model-bad.json", bad[i], strlen(bad[i]));
		CHECK(og_report_load("test-model-bad.json", &doc, &m, &err) < 0);
		CHECK(err && strstr(err, "test-model-bad.json"));
		free(err);
		cJSON_Delete(doc);
		og_model_free(m);
	}
	remove("test-model-bad.json");
}

static void
test_time_parse(void)
{
	int64_t t;

	CHECK(og_parse_time("2024-01-01T00:00:00Z", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01T02:00:00+02:00", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2023-12-31T19:30:00-04:30", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01T00:00:00.123Z", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-01-01", &t) == 0 && t == 1704067200);
	CHECK(og_parse_time("2024-13-01", &t) < 0);
	CHECK(og_parse_time("yesterday", &t) < 0);
	CHECK(og_parse_time("2024-01-01T00:00:00Zjunk", &t) < 0);
}

int
main(void)
{
	test_fact_merge();
	test_finding_dedup();
	test_sorted_runs();
	test_fingerprint_stable();
	test_round_trip();
	test_many_round_trip();
	test_bad_json();
	test_time_parse();
	test_rollup();
	test_event_merge();
	test_rollup_round_trip();
	return check_done();
}
