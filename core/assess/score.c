/*
 * Capability status, maturity level, per-area completeness, strengths.
 *
 * Level 1 is where everyone starts.  Level N (2-5) is reached when N-1 is
 * and the met share of the weighted *known* capabilities expected at N is
 * at least the threshold; a level with nothing known cannot be reached
 * (we do not award what we could not see).  Unknown capabilities count in
 * neither numerator nor denominator.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

const char *
og_cap_status_name(enum og_cap_status s)
{
	switch (s) {
	case OG_CAP_MET:
		return "met";
	case OG_CAP_MISSING:
		return "missing";
	default:
		return "unknown";
	}
}

void
og_score_caps(const struct og_mm *mm, const struct og_fact_env *env,
	      struct og_scored *sc)
{
	sc->mm = mm;
	sc->status = og_xcalloc(mm->n_caps + 1, sizeof(*sc->status));
	for (size_t i = 0; i < mm->n_caps; i++) {
		enum og_tri t = og_rule_eval(mm->caps[i].rule, env,
					     mm->caps[i].observed_by);

		sc->status[i] = t == OG_TRUE ? OG_CAP_MET
			      : t == OG_FALSE ? OG_CAP_MISSING : OG_CAP_UNKNOWN;
	}
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

/* Whether capability @i counts in its level's denominator. */
static bool
counted(const struct og_scored *sc, size_t i)
{
	return sc->status[i] != OG_CAP_UNKNOWN;
}

/* Met and counted weight of level @l. */
static void
level_weights(const struct og_scored *sc, int l, double *ret_met, double *ret_den)
{
	*ret_met = *ret_den = 0;
	for (size_t i = 0; i < sc->mm->n_caps; i++) {
		if (sc->mm->caps[i].level != l || !counted(sc, i))
			continue;
		*ret_den += sc->mm->caps[i].weight;
		if (sc->status[i] == OG_CAP_MET)
			*ret_met += sc->mm->caps[i].weight;
	}
}

static bool
share_reaches(double met, double den, double threshold)
{
	return den > 0 && met / den + 1e-9 >= threshold;
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
	double met, den, need;
	long units;

	*ret = NULL;
	level_weights(sc, l, &met, &den);
	if (share_reaches(met, den, sc->threshold))
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
			struct plan_cell t;

			if (from->count == INT32_MAX)
				continue;
			t = (struct plan_cell){ from->count + 1,
						from->effort + cp->effort_minutes,
						from->pick | (UINT64_C(1) << k) };
			if (plan_better(&t, &dp[c]))
				dp[c] = t;
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

static cJSON *
next_level(const struct og_scored *sc, int nl)
{
	const struct og_mm *mm = sc->mm;
	cJSON *n = cJSON_CreateObject(), *needs;
	size_t *plan, n_plan = level_plan(sc, nl, &plan);
	int64_t effort = 0;
	char *et;

	cJSON_AddNumberToObject(n, "level", nl);
	cJSON_AddStringToObject(n, "name", mm->levels[nl - 1].name);
	/* the smallest set of actions that reaches the level, by the same
	 * threshold rule the level uses */
	needs = cJSON_AddArrayToObject(n, "needs");
	for (size_t k = 0; k < n_plan; k++) {
		cJSON_AddItemToArray(needs, cJSON_CreateString(mm->caps[plan[k]].id));
		effort += mm->caps[plan[k]].effort_minutes;
	}
	cJSON_AddNumberToObject(n, "needs_effort_minutes", (double)effort);
	et = og_effort_text(effort);
	cJSON_AddStringToObject(n, "needs_effort", et);
	free(et);
	free(plan);
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
	int miss = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(next, "missing"));

	if (!cJSON_IsNumber(lv) || !cJSON_IsString(name))
		return og_strdup0("");
	if (need == 0)
		return og_asprintf("Level %d (%s) cannot be reached by closing the observed "
				   "gaps alone: too little of it could be observed.",
				   lv->valueint, name->valuestring);
	return og_asprintf("Level %d (%s) needs %d of the %d missing capabilit%s at that "
			   "level (about %s of work).", lv->valueint, name->valuestring,
			   need, miss, miss == 1 ? "y" : "ies",
			   cJSON_IsString(effort) ? effort->valuestring : "unknown effort");
}

cJSON *
og_score_levels(struct og_scored *sc, cJSON **ret_next)
{
	const struct og_mm *mm = sc->mm;
	cJSON *levels = cJSON_CreateArray();
	bool reached = true;

	sc->level = 1;
	for (int l = 1; l <= OG_LEVEL_MAX; l++) {
		double met, known;
		cJSON *o = cJSON_CreateObject();

		level_weights(sc, l, &met, &known);
		if (l > 1)
			reached = reached && share_reaches(met, known, sc->threshold);
		if (reached)
			sc->level = l;
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
		if (known > 0)
			cJSON_AddNumberToObject(o, "share", round_to(met / known, 0.001));
		else
			cJSON_AddNullToObject(o, "share");
		cJSON_AddBoolToObject(o, "reached", reached);
		cJSON_AddItemToObject(o, "missing", ids_with(sc, l, NULL, OG_CAP_MISSING));
		cJSON_AddItemToObject(o, "unknown", ids_with(sc, l, NULL, OG_CAP_UNKNOWN));
		cJSON_AddItemToArray(levels, o);
	}
	*ret_next = sc->level < OG_LEVEL_MAX ? next_level(sc, sc->level + 1)
					     : cJSON_CreateNull();
	return levels;
}

struct area_pct {
	size_t idx;
	double pct;
};

static int
cmp_area_desc(const void *a, const void *b)
{
	const struct area_pct *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

cJSON *
og_score_areas(const struct og_scored *sc, cJSON **ret_strengths,
	       cJSON **ret_improvements)
{
	const struct og_mm *mm = sc->mm;
	cJSON *areas = cJSON_CreateArray();
	struct area_pct *known = og_xcalloc(mm->n_areas + 1, sizeof(*known));
	size_t n_known = 0;

	*ret_strengths = cJSON_CreateArray();
	*ret_improvements = cJSON_CreateArray();
	for (size_t a = 0; a < mm->n_areas; a++) {
		double met = 0, kw = 0;
		cJSON *o = cJSON_CreateObject();

		for (size_t i = 0; i < mm->n_caps; i++) {
			if (strcmp(mm->caps[i].area, mm->areas[a].id) ||
			    sc->status[i] == OG_CAP_UNKNOWN)
				continue;
			kw += mm->caps[i].weight;
			if (sc->status[i] == OG_CAP_MET)
				met += mm->caps[i].weight;
		}
		cJSON_AddStringToObject(o, "id", mm->areas[a].id);
		cJSON_AddStringToObject(o, "name", mm->areas[a].name);
		if (kw > 0) {
			double pct = round_to(100.0 * met / kw, 0.1);

			cJSON_AddNumberToObject(o, "completeness", pct);
			known[n_known++] = (struct area_pct){ a, pct };
		} else {
			cJSON_AddNullToObject(o, "completeness");
		}
		cJSON_AddItemToObject(o, "implemented",
				      ids_with(sc, 0, mm->areas[a].id, OG_CAP_MET));
		cJSON_AddItemToObject(o, "missing",
				      ids_with(sc, 0, mm->areas[a].id, OG_CAP_MISSING));
		cJSON_AddItemToObject(o, "unknown",
				      ids_with(sc, 0, mm->areas[a].id, OG_CAP_UNKNOWN));
		cJSON_AddItemToArray(areas, o);
	}
	/* Strengths best first; improvements lowest first; ties in model order. */
	qsort(known, n_known, sizeof(*known), cmp_area_desc);
	for (size_t k = 0; k < n_known; k++)
		if (known[k].pct >= 85.0)
			cJSON_AddItemToArray(*ret_strengths,
					     cJSON_CreateString(mm->areas[known[k].idx].id));
	for (size_t k = n_known; k-- > 0;) {
		size_t j = k;

		if (known[k].pct >= 85.0)
			break;
		/* walk back over a tie group so ties stay in model order */
		while (j > 0 && known[j - 1].pct == known[k].pct)
			j--;
		for (size_t t = j; t <= k; t++)
			cJSON_AddItemToArray(*ret_improvements,
					     cJSON_CreateString(mm->areas[known[t].idx].id));
		k = j;
	}
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
		return og_asprintf("enable the %s collector", cp->observed_by);
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
		if (sc->status[i] == OG_CAP_MISSING) {
			cur = og_expand_template(cp->current, env);
			cJSON_AddStringToObject(o, "current", cur);
			free(cur);
		} else {
			cJSON_AddNullToObject(o, "current");
		}
		if (sc->status[i] == OG_CAP_UNKNOWN) {
			hint = observe_hint(cp, env);
			cJSON_AddStringToObject(o, "observe_hint", hint);
			free(hint);
		} else {
			cJSON_AddNullToObject(o, "observe_hint");
		}
		cJSON_AddStringToObject(o, "observed_by", cp->observed_by);
		if (cp->scorecard)
			cJSON_AddStringToObject(o, "scorecard", cp->scorecard);
		else
			cJSON_AddNullToObject(o, "scorecard");
		cJSON_AddItemToObject(o, "evidence", evidence_of(cp, env));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
