/*
 * Capability status, maturity level, per-area completeness, strengths.
 * docs/scoring.md explains the figures with a worked example.
 *
 * Every capability is met, missing, unknown (not observed, or not known
 * to apply) or not applicable.  Not applicable leaves every denominator;
 * unknown stays in it and counts as not met, so that less evidence can
 * never raise a figure:
 *   completeness = met / applicable, coverage = (met + missing) / applicable,
 *   upper bound  = (met + unknown) / applicable (what it would be were
 *                  every unknown confirmed; never the headline).
 * Level 1 is where everyone starts; level N (2-5) is reached when N-1 is
 * and the met share of the weighted applicable capabilities at N is at
 * least the threshold (the confirmed level).  The possible level is the
 * same walk with unknown counted as met.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

/* A strength is a claim made to leadership: it needs a high met share of
 * what applies (which, unknown counting as not met, also means at least
 * that much of the area was observed) and enough observed capabilities
 * that one lucky fact cannot make an area a strength. */
#define STRENGTH_MIN_COMPLETENESS	85.0
#define STRENGTH_MIN_COVERAGE		85.0
#define STRENGTH_MIN_OBSERVED		3
/* Below this coverage an area is a blind spot rather than an area for
 * improvement: we could not see enough of it to say. */
#define BLIND_SPOT_COVERAGE		50.0

const char *
og_cap_status_name(enum og_cap_status s)
{
	switch (s) {
	case OG_CAP_MET:
		return "met";
	case OG_CAP_MISSING:
		return "missing";
	case OG_CAP_NA:
		return "not_applicable";
	default:
		return "unknown";
	}
}

void
og_score_caps(const struct og_mm *mm, const struct og_fact_env *env,
	      int kind, const struct og_attest_set *attest, int64_t now,
	      struct og_scored *sc)
{
	sc->mm = mm;
	sc->kind = kind;
	sc->attest = attest;
	sc->status = og_xcalloc(mm->n_caps + 1, sizeof(*sc->status));
	sc->why = og_xcalloc(mm->n_caps + 1, sizeof(*sc->why));
	sc->source = og_xcalloc(mm->n_caps + 1, sizeof(*sc->source));
	sc->outcome = og_xcalloc(mm->n_caps + 1, sizeof(*sc->outcome));
	for (size_t i = 0; i < mm->n_caps; i++) {
		const struct og_mm_cap *cp = &mm->caps[i];
		enum og_tri ap = og_cap_applies(cp, kind, env, &sc->why[i]);
		enum og_tri t = og_rule_eval(cp->rule, env, cp->observed_by);

		if (ap == OG_FALSE)
			sc->status[i] = OG_CAP_NA;
		else if (ap == OG_UNKNOWN)
			sc->status[i] = OG_CAP_UNKNOWN;
		else
			sc->status[i] = t == OG_TRUE ? OG_CAP_MET
				      : t == OG_FALSE ? OG_CAP_MISSING : OG_CAP_UNKNOWN;
		sc->source[i] = sc->status[i] == OG_CAP_UNKNOWN ? OG_SRC_NONE
								 : OG_SRC_OBSERVED;
		og_attest_apply(sc, i, attest, now);
	}
}

void
og_scored_fini(struct og_scored *sc)
{
	for (size_t i = 0; sc->mm && sc->why && i < sc->mm->n_caps; i++)
		free(sc->why[i]);
	free(sc->why);
	free(sc->status);
	free(sc->source);
	free(sc->outcome);
	sc->why = NULL;
	sc->status = NULL;
	sc->source = NULL;
	sc->outcome = NULL;
}

/* Percentages and shares are rounded so that the JSON is stable. */
static double
round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

static cJSON *
ids_with(const struct og_scored *sc, int level, const char *area,
	 enum og_cap_status st)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < sc->mm->n_caps; i++) {
		const struct og_mm_cap *cp = &sc->mm->caps[i];

		if ((level && cp->level != level) || (area && strcmp(cp->area, area)) ||
		    sc->status[i] != st)
			continue;
		cJSON_AddItemToArray(arr, cJSON_CreateString(cp->id));
	}
	return arr;
}

/* Weights and counts per status over the capabilities at @level (0: any)
 * in @area (NULL: any). */
struct tally {
	double w[OG_CAP_NSTATUS];
	size_t n[OG_CAP_NSTATUS];
};

static struct tally
tally(const struct og_scored *sc, int level, const char *area)
{
	struct tally t = { 0 };

	for (size_t i = 0; i < sc->mm->n_caps; i++) {
		const struct og_mm_cap *cp = &sc->mm->caps[i];

		if ((level && cp->level != level) || (area && strcmp(cp->area, area)))
			continue;
		t.w[sc->status[i]] += cp->weight;
		t.n[sc->status[i]]++;
	}
	return t;
}

static double
applicable_w(const struct tally *t)
{
	return t->w[OG_CAP_MET] + t->w[OG_CAP_MISSING] + t->w[OG_CAP_UNKNOWN];
}

static size_t
applicable_n(const struct tally *t)
{
	return t->n[OG_CAP_MET] + t->n[OG_CAP_MISSING] + t->n[OG_CAP_UNKNOWN];
}

/* A level is reached on @share of the applicable weight; a level where
 * nothing applies is reached only when something was shown not to apply
 * (a level with no capabilities at all is not). */
static bool
level_ok(const struct tally *t, double met_w, double threshold)
{
	double aw = applicable_w(t);

	if (aw <= 0)
		return t->n[OG_CAP_NA] > 0;
	return met_w / aw + 1e-9 >= threshold;
}

static void
add_share(cJSON *o, const char *key, double num, double den, double unit)
{
	if (den > 0)
		cJSON_AddNumberToObject(o, key, round_to(num / den, unit));
	else
		cJSON_AddNullToObject(o, key);
}

static void
add_counts(cJSON *o, const struct tally *t)
{
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	cJSON *w = cJSON_AddObjectToObject(o, "weights");

	for (int s = 0; s < OG_CAP_NSTATUS; s++) {
		cJSON_AddNumberToObject(c, og_cap_status_name(s), (double)t->n[s]);
		cJSON_AddNumberToObject(w, og_cap_status_name(s), round_to(t->w[s], 0.001));
	}
	cJSON_AddNumberToObject(c, "applicable", (double)applicable_n(t));
	cJSON_AddNumberToObject(w, "applicable", round_to(applicable_w(t), 0.001));
}

/* Whether capability @i counts in its level's denominator: everything
 * that applies (unknown counts as not met). */
static bool
counted(const struct og_scored *sc, size_t i)
{
	return sc->status[i] != OG_CAP_NA;
}

#define PLAN_MAX	64	/* candidates the exact search considers */
#define PLAN_UNITS	1000	/* weight resolution of the search */

struct plan_cell {
	int count;
	int64_t effort;
	uint64_t pick;
};

static bool
plan_better(const struct plan_cell *a, const struct plan_cell *b)
{
	return a->count < b->count || (a->count == b->count && a->effort < b->effort);
}

/*
 * The smallest set of counted, unmet capabilities at level @l whose
 * completion lifts the level's share to the threshold (fewest actions,
 * then least effort): a covering knapsack over the weight still needed.
 * Returns the chosen capability indexes in *ret (caller frees) and their
 * number; 0 when the level is reached or cannot be reached this way.
 */
static size_t
level_plan(const struct og_scored *sc, int l, size_t **ret)
{
	const struct og_mm *mm = sc->mm;
	size_t cand[PLAN_MAX], n = 0, out = 0;
	struct plan_cell *dp;
	struct tally t = tally(sc, l, NULL);
	double met = t.w[OG_CAP_MET], den = applicable_w(&t), need;
	long units;

	*ret = NULL;
	if (level_ok(&t, met, sc->threshold))
		return 0;
	for (size_t i = 0; i < mm->n_caps && n < PLAN_MAX; i++)
		if (mm->caps[i].level == l && counted(sc, i) &&
		    sc->status[i] != OG_CAP_MET && mm->caps[i].weight > 0)
			cand[n++] = i;
	need = sc->threshold * den - met;
	units = (long)ceil(need * PLAN_UNITS - 1e-6);
	if (n == 0 || units <= 0 || units > 1000000)
		return 0;
	dp = og_xcalloc((size_t)units + 1, sizeof(*dp));
	for (long c = 1; c <= units; c++)
		dp[c].count = INT32_MAX;
	for (size_t k = 0; k < n; k++) {
		const struct og_mm_cap *cp = &mm->caps[cand[k]];
		long w = lround(cp->weight * PLAN_UNITS);

		/* downwards: each capability is used at most once */
		for (long c = units; c >= 1; c--) {
			const struct plan_cell *from = &dp[c - w > 0 ? c - w : 0];
			struct plan_cell cell;

			if (from->count == INT32_MAX)
				continue;
			cell = (struct plan_cell){ from->count + 1,
						   from->effort + cp->effort_minutes,
						   from->pick | (UINT64_C(1) << k) };
			if (plan_better(&cell, &dp[c]))
				dp[c] = cell;
		}
	}
	if (dp[units].count != INT32_MAX) {
		*ret = og_xcalloc((size_t)dp[units].count + 1, sizeof(**ret));
		for (size_t k = 0; k < n; k++)
			if (dp[units].pick & (UINT64_C(1) << k))
				(*ret)[out++] = cand[k];
	}
	free(dp);
	return out;
}

/* "needs", "needs_effort_minutes", "needs_effort": the smallest set of
 * actions that lifts level @l's own share to the threshold, by the same
 * rule the level uses (empty when it cannot be reached that way). */
static void
add_needs(cJSON *o, const struct og_scored *sc, int l)
{
	const struct og_mm *mm = sc->mm;
	size_t *plan, n_plan = level_plan(sc, l, &plan);
	cJSON *needs = cJSON_AddArrayToObject(o, "needs");
	int64_t effort = 0;
	char *et;

	for (size_t k = 0; k < n_plan; k++) {
		cJSON_AddItemToArray(needs, cJSON_CreateString(mm->caps[plan[k]].id));
		effort += mm->caps[plan[k]].effort_minutes;
	}
	cJSON_AddNumberToObject(o, "needs_effort_minutes", (double)effort);
	et = og_effort_text(effort);
	cJSON_AddStringToObject(o, "needs_effort", et);
	free(et);
	free(plan);
	if (n_plan == 0) {
		struct tally t = tally(sc, l, NULL);

		/* nothing needed, or nothing observed enough to close */
		cJSON_AddBoolToObject(o, "needs_reachable",
				      level_ok(&t, t.w[OG_CAP_MET], sc->threshold));
	} else {
		cJSON_AddBoolToObject(o, "needs_reachable", true);
	}
}

static cJSON *
next_level(const struct og_scored *sc, int nl)
{
	const struct og_mm *mm = sc->mm;
	cJSON *n = cJSON_CreateObject();
	char *et;

	cJSON_AddNumberToObject(n, "level", nl);
	cJSON_AddStringToObject(n, "name", mm->levels[nl - 1].name);
	add_needs(n, sc, nl);
	cJSON_AddItemToObject(n, "missing", ids_with(sc, nl, NULL, OG_CAP_MISSING));
	cJSON_AddItemToObject(n, "unknown", ids_with(sc, nl, NULL, OG_CAP_UNKNOWN));
	/* the one sentence every output prints about it */
	et = og_next_level_text(n);
	cJSON_AddStringToObject(n, "text", et);
	free(et);
	return n;
}

char *
og_next_level_text(const cJSON *next)
{
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(next, "level");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(next, "name");
	const cJSON *effort = cJSON_GetObjectItemCaseSensitive(next, "needs_effort");
	int need = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(next, "needs"));
	/* unknown counts as not met: observing or attesting it also helps */
	int miss = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(next, "missing")) +
		   cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(next, "unknown"));

	if (!cJSON_IsNumber(lv) || !cJSON_IsString(name))
		return og_strdup0("");
	if (need == 0)
		return og_asprintf("Level %d (%s) cannot be reached by closing the observed "
				   "gaps alone: too little of it could be observed.",
				   lv->valueint, name->valuestring);
	return og_asprintf("Level %d (%s) needs %d more of its %d capabilit%s not yet met "
			   "(about %s of work).", lv->valueint, name->valuestring,
			   need, miss, miss == 1 ? "y" : "ies",
			   cJSON_IsString(effort) ? effort->valuestring : "unknown effort");
}

cJSON *
og_score_levels(struct og_scored *sc, cJSON **ret_next)
{
	const struct og_mm *mm = sc->mm;
	cJSON *levels = cJSON_CreateArray();
	bool reached = true, possible = true;

	sc->level = 1;
	sc->possible_level = 1;
	for (int l = 1; l <= OG_LEVEL_MAX; l++) {
		struct tally t = tally(sc, l, NULL);
		double met = t.w[OG_CAP_MET], aw = applicable_w(&t);
		double known = met + t.w[OG_CAP_MISSING];
		cJSON *o = cJSON_CreateObject();

		if (l > 1) {
			reached = reached && level_ok(&t, met, sc->threshold);
			possible = possible &&
				   level_ok(&t, met + t.w[OG_CAP_UNKNOWN], sc->threshold);
		}
		if (reached)
			sc->level = l;
		if (possible)
			sc->possible_level = l;
		cJSON_AddNumberToObject(o, "level", l);
		cJSON_AddStringToObject(o, "name", mm->levels[l - 1].name);
		if (mm->levels[l - 1].summary)
			cJSON_AddStringToObject(o, "summary", mm->levels[l - 1].summary);
		else
			cJSON_AddNullToObject(o, "summary");
		/* level 1 is where everyone starts: it requires nothing */
		cJSON_AddBoolToObject(o, "baseline", l == 1);
		cJSON_AddNumberToObject(o, "met_weight", round_to(met, 0.001));
		cJSON_AddNumberToObject(o, "known_weight", round_to(known, 0.001));
		cJSON_AddNumberToObject(o, "applicable_weight", round_to(aw, 0.001));
		/* met share of what applies: unknown counts as not met */
		add_share(o, "share", met, aw, 0.001);
		add_share(o, "coverage", known, aw, 0.001);
		add_share(o, "upper_share", met + t.w[OG_CAP_UNKNOWN], aw, 0.001);
		cJSON_AddBoolToObject(o, "reached", reached);
		cJSON_AddBoolToObject(o, "possible", possible);
		add_counts(o, &t);
		cJSON_AddItemToObject(o, "missing", ids_with(sc, l, NULL, OG_CAP_MISSING));
		cJSON_AddItemToObject(o, "unknown", ids_with(sc, l, NULL, OG_CAP_UNKNOWN));
		cJSON_AddItemToObject(o, "not_applicable", ids_with(sc, l, NULL, OG_CAP_NA));
		cJSON_AddItemToArray(levels, o);
	}
	/* each level not reached: what its own share still needs (a
	 * min_level gate above the next level needs them all) */
	for (int l = sc->level + 1; l <= OG_LEVEL_MAX; l++)
		add_needs(cJSON_GetArrayItem(levels, l - 1), sc, l);
	*ret_next = sc->level < OG_LEVEL_MAX ? next_level(sc, sc->level + 1)
					     : cJSON_CreateNull();
	return levels;
}

/* The possible level and how many unobserved capabilities stand between
 * it and the confirmed one (unknown ones at the levels above the
 * confirmed level up to the possible one). */
cJSON *
og_score_possible(const struct og_scored *sc)
{
	const struct og_mm *mm = sc->mm;
	cJSON *o = cJSON_CreateObject();
	size_t k = 0;

	for (size_t i = 0; i < mm->n_caps; i++)
		k += sc->status[i] == OG_CAP_UNKNOWN && mm->caps[i].level > sc->level &&
		     mm->caps[i].level <= sc->possible_level;
	cJSON_AddNumberToObject(o, "level", sc->possible_level);
	cJSON_AddStringToObject(o, "name", mm->levels[sc->possible_level - 1].name);
	cJSON_AddNumberToObject(o, "unobserved", (double)k);
	return o;
}

/* Whole-assessment counts and coverage. */
cJSON *
og_score_coverage(const struct og_scored *sc)
{
	struct tally t = tally(sc, 0, NULL);
	cJSON *o = cJSON_CreateObject();
	double aw = applicable_w(&t);

	add_counts(o, &t);
	if (aw > 0)
		cJSON_AddNumberToObject(o, "percent",
					round_to(100.0 * (t.w[OG_CAP_MET] + t.w[OG_CAP_MISSING]) / aw, 0.1));
	else
		cJSON_AddNullToObject(o, "percent");
	return o;
}

cJSON *
og_score_strength_rule(void)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "min_completeness", STRENGTH_MIN_COMPLETENESS);
	cJSON_AddNumberToObject(o, "min_coverage", STRENGTH_MIN_COVERAGE);
	cJSON_AddNumberToObject(o, "min_observed", STRENGTH_MIN_OBSERVED);
	cJSON_AddNumberToObject(o, "blind_spot_below_coverage", BLIND_SPOT_COVERAGE);
	return o;
}

struct area_pct {
	size_t idx;
	double pct;
	double cov;
	size_t observed;
};

static int
cmp_area_desc(const void *a, const void *b)
{
	const struct area_pct *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool
strong(const struct area_pct *a)
{
	return a->pct >= STRENGTH_MIN_COMPLETENESS && a->cov >= STRENGTH_MIN_COVERAGE &&
	       a->observed >= STRENGTH_MIN_OBSERVED;
}

cJSON *
og_score_areas(const struct og_scored *sc, cJSON **ret_strengths,
	       cJSON **ret_improvements, cJSON **ret_blind)
{
	const struct og_mm *mm = sc->mm;
	cJSON *areas = cJSON_CreateArray();
	struct area_pct *known = og_xcalloc(mm->n_areas + 1, sizeof(*known));
	size_t n_known = 0;

	*ret_strengths = cJSON_CreateArray();
	*ret_improvements = cJSON_CreateArray();
	*ret_blind = cJSON_CreateArray();
	for (size_t a = 0; a < mm->n_areas; a++) {
		const char *id = mm->areas[a].id;
		struct tally t = tally(sc, 0, id);
		double met = t.w[OG_CAP_MET], aw = applicable_w(&t);
		double kw = met + t.w[OG_CAP_MISSING];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "name", mm->areas[a].name);
		add_counts(o, &t);
		if (aw > 0) {
			struct area_pct ap = {
				a, round_to(100.0 * met / aw, 0.1), round_to(100.0 * kw / aw, 0.1),
				t.n[OG_CAP_MET] + t.n[OG_CAP_MISSING],
			};

			cJSON_AddNumberToObject(o, "completeness", ap.pct);
			cJSON_AddNumberToObject(o, "coverage", ap.cov);
			cJSON_AddNumberToObject(o, "upper_bound",
						round_to(100.0 * (met + t.w[OG_CAP_UNKNOWN]) / aw, 0.1));
			known[n_known++] = ap;
		} else {
			cJSON_AddNullToObject(o, "completeness");
			cJSON_AddNullToObject(o, "coverage");
			cJSON_AddNullToObject(o, "upper_bound");
		}
		cJSON_AddItemToObject(o, "implemented", ids_with(sc, 0, id, OG_CAP_MET));
		cJSON_AddItemToObject(o, "missing", ids_with(sc, 0, id, OG_CAP_MISSING));
		cJSON_AddItemToObject(o, "unknown", ids_with(sc, 0, id, OG_CAP_UNKNOWN));
		cJSON_AddItemToObject(o, "not_applicable", ids_with(sc, 0, id, OG_CAP_NA));
		cJSON_AddItemToArray(areas, o);
	}
	/* Strengths best first; improvements lowest first; ties in model
	 * order; areas mostly unseen are blind spots, in model order. */
	qsort(known, n_known, sizeof(*known), cmp_area_desc);
	for (size_t k = 0; k < n_known; k++)
		if (strong(&known[k]))
			cJSON_AddItemToArray(*ret_strengths,
					     cJSON_CreateString(mm->areas[known[k].idx].id));
	for (size_t k = n_known; k-- > 0;) {
		size_t j = k;

		if (known[k].pct >= STRENGTH_MIN_COMPLETENESS)
			break;
		/* walk back over a tie group so ties stay in model order */
		while (j > 0 && known[j - 1].pct == known[k].pct)
			j--;
		for (size_t t = j; t <= k; t++)
			if (known[t].cov >= BLIND_SPOT_COVERAGE)
				cJSON_AddItemToArray(*ret_improvements,
						     cJSON_CreateString(mm->areas[known[t].idx].id));
		k = j;
	}
	for (size_t a = 0; a < mm->n_areas; a++)
		for (size_t k = 0; k < n_known; k++)
			if (known[k].idx == a && known[k].cov < BLIND_SPOT_COVERAGE)
				cJSON_AddItemToArray(*ret_blind,
						     cJSON_CreateString(mm->areas[a].id));
	free(known);
	return areas;
}

static void
append_fact_value(char **buf, const struct og_model_fact *f)
{
	char *s, *old = *buf;

	if (!f)
		s = og_strdup0("not observed");
	else if (f->type == OG_VALUE_BOOL)
		s = og_strdup0(f->b ? "yes" : "no");
	else if (f->type == OG_VALUE_NUMBER)
		s = og_asprintf("%g", f->num);
	else if (f->type == OG_VALUE_STRING)
		s = og_strdup0(f->str);
	else if (f->type == OG_VALUE_LIST) {
		s = og_strdup0(f->n_list ? "" : "none");
		for (size_t i = 0; i < f->n_list && i < 20; i++) {
			char *t = og_asprintf("%s%s%s", s, i ? ", " : "", f->list[i]);
			free(s);
			s = t;
		}
	} else
		s = og_strdup0("unknown");
	*buf = og_asprintf("%s%s", old, s);
	free(old);
	free(s);
}

char *
og_expand_template(const char *tpl, const struct og_fact_env *env)
{
	char *out = og_strdup0("");
	const char *p = tpl;

	while (*p) {
		const char *open = strchr(p, '{'), *close;
		char *key, *old;

		close = open ? strchr(open, '}') : NULL;
		if (!open || !close || close - open > 257) {
			old = out;
			out = og_asprintf("%s%s", old, p);
			free(old);
			break;
		}
		old = out;
		out = og_asprintf("%s%.*s", old, (int)(open - p), p);
		free(old);
		key = og_asprintf("%.*s", (int)(close - open - 1), open + 1);
		append_fact_value(&out, og_env_fact(env, key));
		free(key);
		p = close + 1;
	}
	return out;
}

static cJSON *
evidence_of(const struct og_mm_cap *cp, const struct og_fact_env *env)
{
	cJSON *keys = cJSON_CreateArray(), *ev = cJSON_CreateArray(), *it;

	og_rule_keys(cp->rule, keys);
	cJSON_ArrayForEach(it, keys) {
		const struct og_model_fact *f = og_env_fact(env, it->valuestring);
		char *s;

		if (!f)
			continue;
		if (f->type == OG_VALUE_UNKNOWN)
			s = og_asprintf("%s: unknown (%s)", f->key,
					f->str ? f->str : "no reason given");
		else if (f->evidence)
			s = og_asprintf("%s: %s", f->key, f->evidence);
		else
			s = og_asprintf("%s (from %s)", f->key,
					f->source ? f->source : "?");
		cJSON_AddItemToArray(ev, cJSON_CreateString(s));
		free(s);
	}
	cJSON_Delete(keys);
	return ev;
}

static void
append_key(char **list, const char *key)
{
	char *t = og_asprintf("%s%s%s", *list, **list ? ", " : "", key);

	free(*list);
	*list = t;
}

/*
 * What would observe an unknown capability: the collector to enable, or,
 * when it ran, what it did report (which did not decide the question)
 * and which keys nobody reported, so the hint never contradicts the
 * evidence listed next to it.
 */
static char *
observe_hint(const struct og_mm_cap *cp, const struct og_fact_env *env)
{
	cJSON *keys;
	char *absent, *seen, *s;

	if (!strcmp(cp->observed_by, "assessment"))
		return og_strdup0("needs the delivery events, coverage report or scan results the KPIs come from");
	if (!og_env_ran(env, cp->observed_by))
		return og_env_trouble(env, cp->observed_by)
			       ? og_strdup0(og_env_trouble(env, cp->observed_by))
			       : og_asprintf("enable the %s collector", cp->observed_by);
	keys = cJSON_CreateArray();
	og_rule_keys(cp->rule, keys);
	absent = og_strdup0("");
	seen = og_strdup0("");
	for (cJSON *it = keys->child; it; it = it->next) {
		const struct og_model_fact *f = og_env_fact(env, it->valuestring);

		if (f && f->type != OG_VALUE_UNKNOWN) {
			char *v = og_strdup0("");

			append_fact_value(&v, f);
			s = og_asprintf("%s (%s)", it->valuestring, v);
			append_key(&seen, s);
			free(s);
			free(v);
		} else {
			append_key(&absent, it->valuestring);
		}
	}
	cJSON_Delete(keys);
	if (*seen && *absent)
		s = og_asprintf("the %s collector reported %s: not enough to decide; "
				"nothing reported %s", cp->observed_by, seen, absent);
	else if (*seen)
		s = og_asprintf("the %s collector reported %s: not enough to decide",
				cp->observed_by, seen);
	else
		s = og_asprintf("the %s collector ran but did not report %s",
				cp->observed_by, absent);
	free(absent);
	free(seen);
	return s;
}

/*
 * The same for an executive (issue 11): what to do, in words, without
 * fact keys; observe_detail keeps the keys for the evidence.
 */
static char *
observe_text(const struct og_mm *mm, const struct og_mm_cap *cp,
	     const struct og_fact_env *env)
{
	const char *connect = og_mm_connect(mm, cp->observed_by);

	if (!strcmp(cp->observed_by, "assessment"))
		return cp->observe ? og_asprintf("not observed: %s", cp->observe)
				   : observe_hint(cp, env);
	if (!og_env_ran(env, cp->observed_by) && og_env_trouble(env, cp->observed_by))
		return og_asprintf("not observed: %s", og_env_trouble(env, cp->observed_by));
	/* the model's words for the reader (data/maturity-model.json,
	 * plugins' fragments); the fact keys stay in observe_detail */
	if (!og_env_ran(env, cp->observed_by) && connect)
		return og_asprintf("not observed: %s", connect);
	if (cp->observe && og_env_ran(env, cp->observed_by))
		return og_asprintf("not observed: %s", cp->observe);
	/* no words in the model, and no collector named (issue 12):
	 * observe_detail names it for the evidence appendix */
	if (!og_env_ran(env, cp->observed_by))
		return og_strdup0("not observed: the source that shows it was not connected; "
				  "connect it (opsgrade report --help) or attest this");
	return og_strdup0("not observed: the evidence found does not show it either way; "
			  "attest it if it is in place (opsgrade attest --template)");
}

cJSON *
og_score_capabilities(const struct og_scored *sc, const struct og_fact_env *env)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < sc->mm->n_caps; i++) {
		const struct og_mm_cap *cp = &sc->mm->caps[i];
		cJSON *o = cJSON_CreateObject();
		char *cur, *hint;

		cJSON_AddStringToObject(o, "id", cp->id);
		cJSON_AddStringToObject(o, "title", cp->title);
		cJSON_AddStringToObject(o, "area", cp->area);
		cJSON_AddNumberToObject(o, "level", cp->level);
		cJSON_AddNumberToObject(o, "weight", cp->weight);
		cJSON_AddNumberToObject(o, "priority", cp->priority);
		cJSON_AddStringToObject(o, "effort", cp->effort);
		cJSON_AddNumberToObject(o, "effort_minutes", (double)cp->effort_minutes);
		cJSON_AddStringToObject(o, "status", og_cap_status_name(sc->status[i]));
		/* what "met" means: the question an attestation answers */
		if (cp->target)
			cJSON_AddStringToObject(o, "target", cp->target);
		else
			cJSON_AddNullToObject(o, "target");
		if (sc->status[i] == OG_CAP_MISSING) {
			cur = og_expand_template(cp->current, env);
			cJSON_AddStringToObject(o, "current", cur);
			free(cur);
		} else {
			cJSON_AddNullToObject(o, "current");
		}
		if (sc->why[i] && sc->status[i] != OG_CAP_MET) {
			/* not applicable, or not known whether it applies */
			cJSON_AddStringToObject(o, "applicability", sc->why[i]);
		} else {
			cJSON_AddNullToObject(o, "applicability");
		}
		if (sc->status[i] == OG_CAP_UNKNOWN && sc->why[i]) {
			cJSON_AddStringToObject(o, "observe_hint", sc->why[i]);
		} else if (sc->status[i] == OG_CAP_UNKNOWN) {
			hint = observe_text(sc->mm, cp, env);
			cJSON_AddStringToObject(o, "observe_hint", hint);
			free(hint);
			hint = observe_hint(cp, env);
			cJSON_AddStringToObject(o, "observe_detail", hint);
			free(hint);
		} else {
			cJSON_AddNullToObject(o, "observe_hint");
		}
		cJSON_AddStringToObject(o, "observed_by", cp->observed_by);
		/* facts sent before a crash still decide; the reader must see
		 * that they may be incomplete */
		if (og_env_trouble(env, cp->observed_by))
			cJSON_AddStringToObject(o, "collector_problem",
						og_env_trouble(env, cp->observed_by));
		else
			cJSON_AddNullToObject(o, "collector_problem");
		if (sc->source[i] == OG_SRC_NONE)
			cJSON_AddNullToObject(o, "source");
		else
			cJSON_AddStringToObject(o, "source", sc->source[i] == OG_SRC_ATTESTED
							     ? "attested" : "observed");
		if (sc->attest && og_attest_find(sc->attest, cp->id))
			cJSON_AddItemToObject(o, "attestation",
					      og_attest_json(og_attest_find(sc->attest, cp->id),
							     sc->outcome[i]));
		else
			cJSON_AddNullToObject(o, "attestation");
		if (cp->scorecard)
			cJSON_AddStringToObject(o, "scorecard", cp->scorecard);
		else
			cJSON_AddNullToObject(o, "scorecard");
		cJSON_AddItemToObject(o, "evidence", evidence_of(cp, env));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
