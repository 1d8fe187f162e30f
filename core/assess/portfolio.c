/*
 * Portfolio: a group-by-subject.  Facts, events and findings may name
 * the repository they describe (a subject of kind "repository",
 * include/opsgrade/plugin.h); every such repository gets its own view of
 * the model -- the facts that name it under their plain keys, its
 * events, the findings whose location targets it -- and the same engine
 * (KPIs, capability rules, levels, areas, gaps) runs on that view.  The
 * result is assessment.portfolio (docs/report-json.md).  Which
 * collector named the subject is none of the assessment's business, and
 * the org-wide figures are the model's roll-ups (core/rollup.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "strmap.h"
#include "util.h"

#define SUBJECT_KIND	"repository"
#define WEAKEST_MAX	5

struct pf_repo {
	const char *name;		/* the subject, borrowed from the model */
	const struct og_model_fact **facts;
	size_t n_facts, cap_facts;
	const struct og_model_event **events;
	size_t n_events, cap_events;
	const struct og_model_finding **findings;
	size_t n_findings, cap_findings;
};

struct pf {
	struct pf_repo *repos;
	size_t n;
	struct og_strmap by_name;
};

static void
push(const void ***arr, size_t *n, size_t *cap, const void *p)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*arr = og_xrealloc_array(*arr, *cap, sizeof(void *));
	}
	(*arr)[(*n)++] = p;
}

static long
repo_of(const struct pf *pf, const char *subject)
{
	size_t idx;

	return subject && og_strmap_get(&pf->by_name, subject, &idx) ?
	       (long)idx : -1;
}

static void
pf_fini(struct pf *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		free(pf->repos[i].facts);
		free(pf->repos[i].events);
		free(pf->repos[i].findings);
	}
	free(pf->repos);
	og_strmap_clear(&pf->by_name);
}

/* Find the repositories and hand each its facts, events and findings. */
static void
pf_split(struct og_model *m, struct pf *pf)
{
	size_t n_s, n_f, n_e, n_x;
	const char **subjects = og_model_subjects(m, SUBJECT_KIND, &n_s);
	const struct og_model_fact *const *fs;
	const struct og_model_event *const *es;
	const struct og_model_finding *const *xs;

	og_strmap_init(&pf->by_name);
	if (n_s > OG_PORTFOLIO_MAX)
		n_s = OG_PORTFOLIO_MAX;
	pf->repos = og_xcalloc(n_s + 1, sizeof(*pf->repos));
	for (size_t i = 0; i < n_s; i++) {
		pf->repos[i].name = subjects[i];
		og_strmap_put(&pf->by_name, subjects[i], i);
	}
	pf->n = n_s;
	free(subjects);
	if (!pf->n)
		return;
	fs = og_model_facts(m, &n_f);
	for (size_t i = 0; i < n_f; i++) {
		long o = repo_of(pf, fs[i]->subject);

		if (o >= 0)
			push((const void ***)&pf->repos[o].facts,
			     &pf->repos[o].n_facts, &pf->repos[o].cap_facts,
			     fs[i]);
	}
	es = og_model_events(m, &n_e);
	for (size_t i = 0; i < n_e; i++) {
		long o = repo_of(pf, es[i]->subject);

		if (o >= 0)
			push((const void ***)&pf->repos[o].events, &pf->repos[o].n_events,
			     &pf->repos[o].cap_events, es[i]);
	}
	/* A finding belongs to a repository only when a location's target
	 * is that subject; other targets (images, paths) are not
	 * attributed: a wrong owner is worse than none. */
	xs = og_model_findings(m, &n_x);
	for (size_t i = 0; i < n_x; i++) {
		for (size_t l = 0; l < xs[i]->n_locations; l++) {
			long o = repo_of(pf, xs[i]->locations[l].target);

			if (o < 0)
				continue;
			push((const void ***)&pf->repos[o].findings,
			     &pf->repos[o].n_findings, &pf->repos[o].cap_findings, xs[i]);
			break;
		}
	}
}

/* The repository's view: its facts as if the run were about it alone. */
static struct og_model *
repo_view(const struct pf_repo *r)
{
	struct og_model *v = og_model_new();

	for (size_t i = 0; i < r->n_facts; i++) {
		struct og_model_fact c = *r->facts[i];

		c.subject = NULL;
		c.subject_kind = NULL;
		c.rollup = OG_ROLLUP_NONE;
		c.ident = NULL;
		og_model_add_fact(v, &c);
	}
	for (size_t i = 0; i < r->n_events; i++) {
		struct og_model_event e = *r->events[i];

		e.subject = NULL;
		og_model_add_event(v, &e);
	}
	for (size_t i = 0; i < r->n_findings; i++)
		og_model_add_model_finding(v, r->findings[i]);
	return v;
}

/* Collectors that reported this repository's facts: their silence on a
 * key is an observation (`exists`); nobody else looked at it. */
static void
repo_ran(const struct pf_repo *r, struct og_fact_env *env)
{
	for (size_t i = 0; i < r->n_facts; i++)
		for (size_t s = 0; s < r->facts[i]->n_sources; s++) {
			const char *src = r->facts[i]->sources[s];

			if (og_env_ran(env, src))
				continue;
			env->ran = og_xrealloc_array(env->ran, env->n_ran + 1, sizeof(char *));
			env->ran[env->n_ran++] = og_strdup0(src);
		}
}

static void
repo_kpis(cJSON *out, const cJSON *kpis)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, kpis) {
		cJSON *o = cJSON_AddObjectToObject(out,
			cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring);

		cJSON_AddItemToObject(o, "value", cJSON_Duplicate(
			cJSON_GetObjectItemCaseSensitive(it, "value"), true));
		cJSON_AddItemToObject(o, "status", cJSON_Duplicate(
			cJSON_GetObjectItemCaseSensitive(it, "status"), true));
		cJSON_AddItemToObject(o, "band", cJSON_Duplicate(
			cJSON_GetObjectItemCaseSensitive(it, "band"), true));
	}
}

/* Assess one repository's view with the org's engine and options. */
static int
assess_repo(const struct og_mm *mm, const struct og_portfolio_opts *po,
	    const struct pf_repo *r, double *area_sum, size_t *area_n,
	    size_t *dist, cJSON **ret, char **ret_err)
{
	struct og_model *v = repo_view(r);
	struct og_fact_env env = { .m = v, .mm = mm };
	struct og_scored sc = { .threshold = po->threshold };
	struct og_kpi_opts ko = po->kpi;
	cJSON *kpis = NULL, *sec, *levels, *next, *areas, *st, *im, *bl, *gaps, *o;
	const cJSON *it;
	size_t p1 = 0, cnt[OG_CAP_NSTATUS] = { 0 };
	const char *ksrc;
	int rc;

	repo_ran(r, &env);
	sec = og_security(v, &env);
	if ((rc = og_kpis(v, &ko, &env, &kpis, ret_err)) < 0)
		goto out;
	og_score_caps(mm, &env, og_project_kind(NULL, &env, &ksrc), NULL, 0, &sc);
	levels = og_score_levels(&sc, &next);
	areas = og_score_areas(&sc, &st, &im, &bl);
	gaps = og_gaps(&sc, &env);

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddNumberToObject(o, "level", sc.level);
	cJSON_AddStringToObject(o, "level_name", mm->levels[sc.level - 1].name);
	dist[sc.level - 1]++;
	{
		cJSON *a = cJSON_AddObjectToObject(o, "areas");
		size_t i = 0;

		cJSON_ArrayForEach(it, areas) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "completeness");

			cJSON_AddItemToObject(a, mm->areas[i].id, cJSON_Duplicate(c, true));
			if (cJSON_IsNumber(c)) {
				area_sum[i] += c->valuedouble;
				area_n[i]++;
			}
			i++;
		}
	}
	repo_kpis(cJSON_AddObjectToObject(o, "kpis"), kpis);
	cJSON_ArrayForEach(it, gaps)
		p1 += cJSON_GetObjectItemCaseSensitive(it, "priority")->valueint == 1;
	cJSON_AddNumberToObject(o, "gaps_p1", (double)p1);
	for (size_t i = 0; i < mm->n_caps; i++)
		cnt[sc.status[i]]++;
	{
		cJSON *c = cJSON_AddObjectToObject(o, "capabilities");

		cJSON_AddNumberToObject(c, "met", (double)cnt[OG_CAP_MET]);
		cJSON_AddNumberToObject(c, "missing", (double)cnt[OG_CAP_MISSING]);
		cJSON_AddNumberToObject(c, "unknown", (double)cnt[OG_CAP_UNKNOWN]);
		cJSON_AddNumberToObject(c, "not_applicable", (double)cnt[OG_CAP_NA]);
	}
	cJSON_Delete(levels);
	cJSON_Delete(next);
	cJSON_Delete(areas);
	cJSON_Delete(st);
	cJSON_Delete(im);
	cJSON_Delete(bl);
	cJSON_Delete(gaps);
	*ret = o;
	rc = 0;
out:
	cJSON_Delete(sec);
	cJSON_Delete(kpis);
	og_scored_fini(&sc);
	og_env_fini(&env);
	og_model_free(v);
	return rc;
}

struct weak {
	size_t idx;
	double avg;
};

static int
cmp_weak(const void *a, const void *b)
{
	const struct weak *x = a, *y = b;

	if (x->avg != y->avg)
		return x->avg < y->avg ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static cJSON *
weakest(const struct og_mm *mm, const double *sum, const size_t *n)
{
	struct weak *w = og_xcalloc(mm->n_areas + 1, sizeof(*w));
	size_t k = 0;
	cJSON *arr = cJSON_CreateArray();

	for (size_t a = 0; a < mm->n_areas; a++)
		if (n[a])
			w[k++] = (struct weak){ a, round(10.0 * sum[a] / (double)n[a]) / 10.0 };
	qsort(w, k, sizeof(*w), cmp_weak);
	for (size_t i = 0; i < k && i < WEAKEST_MAX; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", mm->areas[w[i].idx].id);
		cJSON_AddStringToObject(o, "name", mm->areas[w[i].idx].name);
		cJSON_AddNumberToObject(o, "average", w[i].avg);
		cJSON_AddNumberToObject(o, "repos", (double)n[w[i].idx]);
		cJSON_AddItemToArray(arr, o);
	}
	free(w);
	return arr;
}

int
og_portfolio(const struct og_mm *mm, struct og_model *m,
	     const struct og_portfolio_opts *po, cJSON **ret_portfolio,
	     char **ret_err)
{
	struct pf pf = { 0 };
	double *area_sum = NULL;
	size_t *area_n = NULL, dist[OG_LEVEL_MAX] = { 0 };
	cJSON *out = NULL, *repos, *d;
	int r = 0;

	pf_split(m, &pf);
	if (!pf.n) {
		*ret_portfolio = NULL;
		goto done;
	}
	area_sum = og_xcalloc(mm->n_areas + 1, sizeof(*area_sum));
	area_n = og_xcalloc(mm->n_areas + 1, sizeof(*area_n));
	out = cJSON_CreateObject();
	repos = cJSON_AddArrayToObject(out, "repos");
	for (size_t i = 0; i < pf.n; i++) {
		cJSON *o = NULL;

		if ((r = assess_repo(mm, po, &pf.repos[i], area_sum, area_n, dist,
				     &o, ret_err)) < 0)
			goto done;
		cJSON_AddItemToArray(repos, o);
	}
	d = cJSON_AddObjectToObject(out, "level_distribution");
	for (int l = 1; l <= OG_LEVEL_MAX; l++) {
		char k[4];

		snprintf(k, sizeof(k), "%d", l);
		cJSON_AddNumberToObject(d, k, (double)dist[l - 1]);
	}
	cJSON_AddItemToObject(out, "weakest_areas", weakest(mm, area_sum, area_n));
	*ret_portfolio = out;
	out = NULL;
done:
	cJSON_Delete(out);
	free(area_sum);
	free(area_n);
	pf_fini(&pf);
	return r;
}
