/*
 * Monotonicity property (issue 11, docs/scoring.md): removing evidence
 * never raises a figure.
 *
 *   assess-monotone REPORT.json CONFIG.json [SEED]
 *
 * REPORT is a collected report (facts, findings, events, collectors);
 * CONFIG the config it is assessed under.  The baseline assessment is
 * compared with assessments of less evidence:
 *   - each collector's input dropped in turn (its facts, the findings only
 *     it reported, its events; the collector then counts as skipped),
 *   - every single fact dropped in turn,
 *   - 60 random subsets of the facts dropped (seeded, reproducible).
 * For each, no area completeness (null read as 0), no level and no
 * strength may rise.  Prints one line per violation; exit 1 if any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "model.h"
#include "report-json.h"
#include "util.h"

#define RANDOM_SUBSETS	60

struct figures {
	int level;
	double area[64];
	size_t n_area;
	char *strengths;	/* ",id,id," */
};

static const cJSON *doc, *config;
static int violations;
static size_t runs;

static bool
has_source(const cJSON *o, const char *src)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "source"), *it;

	if (cJSON_IsString(s) && !strcmp(s->valuestring, src))
		return true;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "sources"))
		if (cJSON_IsString(it) && !strcmp(it->valuestring, src))
			return true;
	return false;
}

/* Reported by @src alone (a finding another collector also saw stays). */
static bool
only_from(const cJSON *o, const char *src)
{
	const cJSON *srcs = cJSON_GetObjectItemCaseSensitive(o, "sources");

	if (cJSON_GetArraySize(srcs) > 1)
		return false;
	return has_source(o, src);
}

static void
die(const char *what, char *err)
{
	fprintf(stderr, "assess-monotone: %s: %s\n", what, err ? err : "?");
	exit(2);
}

/* The model without @drop's evidence and without the facts marked in
 * @skip (may be NULL). */
static struct og_model *
model_without(const char *drop, const bool *skip)
{
	struct og_model *m = og_model_new();
	const cJSON *it;
	char *err = NULL;
	size_t i = 0;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "facts")) {
		bool out = (skip && skip[i]) || (drop && only_from(it, drop));

		i++;
		if (!out && og_fact_from_json(m, it, NULL, &err) < 0)
			die("fact", err);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
		if (!(drop && only_from(it, drop)) && og_finding_from_json(m, it, NULL, &err) < 0)
			die("finding", err);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "events"))
		if (!(drop && has_source(it, drop)) && og_event_from_json(m, it, NULL, &err) < 0)
			die("event", err);
	return m;
}

static cJSON *
collectors_without(const char *drop)
{
	cJSON *c = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "collectors"), true);
	cJSON *it;

	cJSON_ArrayForEach(it, c) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

		if (drop && cJSON_IsString(n) && !strcmp(n->valuestring, drop))
			cJSON_ReplaceItemInObjectCaseSensitive(it, "status",
							       cJSON_CreateString("skipped"));
	}
	return c;
}

static struct figures
assess(struct og_model *m, const cJSON *coll, const cJSON *cfg)
{
	struct figures f = { 0 };
	cJSON *as = NULL, *gates = NULL;
	const cJSON *it;
	char *err = NULL;

	if (og_assess(m, cfg, coll, 1795000000, &as, &gates, &err) < 0)
		die("assess", err);
	f.level = cJSON_GetObjectItemCaseSensitive(as, "level")->valueint;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "areas")) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "completeness");

		if (f.n_area < 64)
			f.area[f.n_area++] = cJSON_IsNumber(c) ? c->valuedouble : 0;
	}
	f.strengths = og_strdup0(",");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "strengths")) {
		char *s = og_asprintf("%s%s,", f.strengths, it->valuestring);

		free(f.strengths);
		f.strengths = s;
	}
	cJSON_Delete(as);
	cJSON_Delete(gates);
	runs++;
	return f;
}

static void
compare(const struct figures *base, const struct figures *less, const char *what)
{
	const char *p = less->strengths + 1, *e;

	if (less->level > base->level) {
		printf("VIOLATION %s: level %d -> %d\n", what, base->level, less->level);
		violations++;
	}
	for (size_t a = 0; a < base->n_area && a < less->n_area; a++)
		if (less->area[a] > base->area[a] + 1e-9) {
			printf("VIOLATION %s: area %zu completeness %.1f -> %.1f\n", what, a,
			       base->area[a], less->area[a]);
			violations++;
		}
	/* every strength with less evidence was a strength before */
	while ((e = strchr(p, ','))) {
		char *id = og_asprintf(",%.*s,", (int)(e - p), p);

		if (!strstr(base->strengths, id)) {
			printf("VIOLATION %s: new strength %s\n", what, id);
			violations++;
		}
		free(id);
		p = e + 1;
	}
}

static void
print_figures(const char *what, const struct figures *f)
{
	printf("%-32s level %d, areas", what, f->level);
	for (size_t a = 0; a < f->n_area; a++)
		printf(" %.1f", f->area[a]);
	printf(", strengths %s\n", f->strengths);
}

static void
check_case(const struct figures *base, const char *drop, const bool *skip,
	   const cJSON *cfg, const char *what)
{
	struct og_model *m = model_without(drop, skip);
	cJSON *coll = collectors_without(drop);
	struct figures f = assess(m, coll, cfg);

	if (!skip)	/* whole inputs: show the figures for the record */
		print_figures(what, &f);
	compare(base, &f, what);
	free(f.strengths);
	cJSON_Delete(coll);
	og_model_free(m);
}

/* The loaded model (its strings are borrowed by @doc's items). */
static struct og_model *loaded;

static cJSON *
array_of(cJSON *d, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(d, key);

	return cJSON_IsArray(a) ? a : cJSON_AddArrayToObject(d, key);
}

/* The loaded items as trees in @d's arrays, to drop one by one: the
 * loader leaves those arrays empty (the model is their one copy). */
static void
fill(cJSON *d, struct og_model *m)
{
	const struct og_model_fact *const *fs;
	const struct og_model_finding *const *gs;
	const struct og_model_event *const *es;
	size_t n;

	loaded = m;
	fs = og_model_facts(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(array_of(d, "facts"), og_fact_to_json(fs[i]));
	gs = og_model_findings(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(array_of(d, "findings"), og_finding_to_json(gs[i]));
	es = og_model_events(m, &n);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(array_of(d, "events"), og_event_to_json(es[i]));
}

int
main(int argc, char **argv)
{
	cJSON *d = NULL, *cfg = NULL;
	struct og_model *m = NULL;
	char *err = NULL, *buf = NULL;
	const cJSON *it;
	struct figures base;
	size_t n_facts, len;
	bool *skip;
	unsigned seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 11;

	if (argc < 3) {
		fputs("usage: assess-monotone REPORT.json CONFIG.json [SEED]\n", stderr);
		return 2;
	}
	if (og_report_load(argv[1], &d, &m, &err) < 0)
		die(argv[1], err);
	fill(d, m);
	if (og_read_file(argv[2], 1 << 20, &buf, &len) < 0 || !(cfg = cJSON_Parse(buf)))
		die(argv[2], NULL);
	free(buf);
	doc = d;
	config = cfg;
	n_facts = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "facts"));
	skip = og_xcalloc(n_facts + 1, sizeof(*skip));

	m = model_without(NULL, NULL);
	{
		cJSON *coll = collectors_without(NULL);

		base = assess(m, coll, cfg);
		cJSON_Delete(coll);
	}
	og_model_free(m);
	printf("%zu facts\n", n_facts);
	print_figures("with every input", &base);

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "collectors")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		char *what;

		if (!cJSON_IsString(n))
			continue;
		what = og_asprintf("without collector %s", n->valuestring);
		check_case(&base, n->valuestring, NULL, cfg, what);
		free(what);
	}

	for (size_t i = 0; i < n_facts; i++) {
		const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "facts"),
						    (int)i);
		char *what = og_asprintf("without fact %s",
					 cJSON_GetObjectItemCaseSensitive(f, "key")->valuestring);

		memset(skip, 0, n_facts * sizeof(*skip));
		skip[i] = true;
		check_case(&base, NULL, skip, cfg, what);
		free(what);
	}

	srand(seed);
	for (int r = 0; r < RANDOM_SUBSETS; r++) {
		char *what = og_asprintf("random subset %d (seed %u)", r, seed);
		/* from a few facts up to most of them */
		int pct = 5 + rand() % 90;

		for (size_t i = 0; i < n_facts; i++)
			skip[i] = rand() % 100 < pct;
		check_case(&base, NULL, skip, cfg, what);
		free(what);
	}

	printf("%zu assessments, %d violation%s\n", runs, violations, violations == 1 ? "" : "s");
	free(base.strengths);
	free(skip);
	cJSON_Delete(d);
	og_model_free(loaded);
	cJSON_Delete(cfg);
	return violations ? 1 : 0;
}
