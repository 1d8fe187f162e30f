/*
 * Portfolio: in org mode the github collector reports each repository
 * under github.repos.<name>.* (docs/facts-github.md) and tags its events
 * with attrs.repo = "owner/name".  Here every repository gets its own
 * view of the model -- its facts with the prefix taken off, its events,
 * the findings whose location names it -- and the same engine (KPIs,
 * capability rules, levels, areas, gaps) runs on that view.  The result
 * is assessment.portfolio (docs/report-json.md).
 *
 * Numbers the model reads that exist only per repository (required
 * reviews, commits in 90 days ...) have no merge rule in report.json, so
 * the org-wide value is derived here, after any merge of shards: the
 * lowest value over the repositories (the model compares them with >=,
 * so "the worst repository" is "every repository has at least").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "strmap.h"
#include "util.h"

#define REPOS_PREFIX	"github.repos."
#define ANCHOR		".repo.archived"	/* emitted for every repository */
#define WEAKEST_MAX	5

struct pf_repo {
	const char *name;		/* = name_owned */
	char *name_owned;
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

static char *
strndup_x(const char *s, size_t n)
{
	char *d = og_xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void
push(const void ***arr, size_t *n, size_t *cap, const void *p)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*arr = og_xrealloc_array(*arr, *cap, sizeof(void *));
	}
	(*arr)[(*n)++] = p;
}

static int
cmp_repo(const void *a, const void *b)
{
	return strcmp(((const struct pf_repo *)a)->name,
		      ((const struct pf_repo *)b)->name);
}

/* The repository a "github.repos.<name>.<key>" fact belongs to: the
 * longest known name (names may contain dots).  -1 when none. */
static long
owner_of_key(const struct pf *pf, const char *key)
{
	const char *rest = key + strlen(REPOS_PREFIX), *dot;
	long best = -1;

	for (dot = strchr(rest, '.'); dot; dot = strchr(dot + 1, '.')) {
		char *name = strndup_x(rest, (size_t)(dot - rest));
		size_t idx;

		if (og_strmap_get(&pf->by_name, name, &idx))
			best = (long)idx;
		free(name);
	}
	return best;
}

/* attrs.repo is "owner/name"; in one org the name alone is unique. */
static long
owner_of_ref(const struct pf *pf, const char *ref)
{
	const char *slash;
	size_t idx;

	if (!ref || !(slash = strchr(ref, '/')) || strchr(slash + 1, '/'))
		return -1;
	return og_strmap_get(&pf->by_name, slash + 1, &idx) ? (long)idx : -1;
}

static const char *
event_repo(const struct og_model_event *e)
{
	for (size_t i = 0; i < e->n_attrs; i++)
		if (!strcmp(e->attrs[i].key, "repo"))
			return e->attrs[i].value;
	return NULL;
}

static void
pf_fini(struct pf *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		free(pf->repos[i].name_owned);
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
	size_t n_f, n_e, n_x, plen = strlen(REPOS_PREFIX), alen = strlen(ANCHOR);
	const struct og_model_fact *const *fs = og_model_facts(m, &n_f);
	const struct og_model_event *const *es;
	const struct og_model_finding *const *xs;

	og_strmap_init(&pf->by_name);
	for (size_t i = 0; i < n_f && pf->n < OG_PORTFOLIO_MAX; i++) {
		const char *k = fs[i]->key;
		size_t len = strlen(k);

		if (strncmp(k, REPOS_PREFIX, plen) || len <= plen + alen ||
		    strcmp(k + len - alen, ANCHOR))
			continue;
		pf->repos = og_xrealloc_array(pf->repos, pf->n + 1, sizeof(*pf->repos));
		memset(&pf->repos[pf->n], 0, sizeof(pf->repos[pf->n]));
		pf->repos[pf->n].name_owned = strndup_x(k + plen, len - plen - alen);
		pf->repos[pf->n].name = pf->repos[pf->n].name_owned;
		pf->n++;
	}
	if (!pf->n)
		return;
	qsort(pf->repos, pf->n, sizeof(*pf->repos), cmp_repo);
	for (size_t i = 0; i < pf->n; i++)
		og_strmap_put(&pf->by_name, pf->repos[i].name, i);

	for (size_t i = 0; i < n_f; i++) {
		long o;

		if (strncmp(fs[i]->key, REPOS_PREFIX, plen) ||
		    (o = owner_of_key(pf, fs[i]->key)) < 0)
			continue;
		push((const void ***)&pf->repos[o].facts, &pf->repos[o].n_facts,
		     &pf->repos[o].cap_facts, fs[i]);
	}
	es = og_model_events(m, &n_e);
	for (size_t i = 0; i < n_e; i++) {
		long o = owner_of_ref(pf, event_repo(es[i]));

		if (o >= 0)
			push((const void ***)&pf->repos[o].events, &pf->repos[o].n_events,
			     &pf->repos[o].cap_events, es[i]);
	}
	/* A finding belongs to a repository only when a location's target
	 * is "owner/<name>"; scanner targets (images, paths) are not
	 * attributed: a wrong owner is worse than none. */
	xs = og_model_findings(m, &n_x);
	for (size_t i = 0; i < n_x; i++) {
		for (size_t l = 0; l < xs[i]->n_locations; l++) {
			long o = owner_of_ref(pf, xs[i]->locations[l].target);

			if (o < 0)
				continue;
			push((const void ***)&pf->repos[o].findings,
			     &pf->repos[o].n_findings, &pf->repos[o].cap_findings, xs[i]);
			break;
		}
	}
}

/* A per-repository fact under its key in the repository's own view. */
static void
add_view_fact(struct og_model *v, const struct og_model_fact *f,
	      const char *key_tail)
{
	struct og_model_fact c = *f;
	char *k;

	/* The prefix hides whether the repo-mode key was "github.x" or a
	 * key of another namespace ("ci.present"); both spellings go into
	 * the view, so rules reading either find it. */
	c.key = (char *)key_tail;
	c.rollup = 0;
	og_model_add_fact(v, &c);
	if (strncmp(key_tail, "github.", 7)) {
		k = og_asprintf("github.%s", key_tail);
		c.key = k;
		og_model_add_fact(v, &c);
		free(k);
	}
}

static struct og_model *
repo_view(const struct pf_repo *r)
{
	struct og_model *v = og_model_new();
	size_t skip = strlen(REPOS_PREFIX) + strlen(r->name) + 1;

	for (size_t i = 0; i < r->n_facts; i++)
		add_view_fact(v, r->facts[i], r->facts[i]->key + skip);
	for (size_t i = 0; i < r->n_events; i++)
		og_model_add_event(v, r->events[i]);
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
	struct og_fact_env env = { .m = v };
	struct og_scored sc = { .threshold = po->threshold };
	struct og_kpi_opts ko = po->kpi;
	cJSON *kpis = NULL, *sec, *levels, *next, *areas, *st, *im, *bl, *gaps, *o;
	const cJSON *it;
	size_t p1 = 0, cnt[OG_CAP_NSTATUS] = { 0 };
	const char *ksrc;
	int rc;

	repo_ran(r, &env);
	ko.coverage = NULL;	/* one coverage file is the org's, not a repo's */
	sec = og_security(v, &env);
	if ((rc = og_kpis(v, &ko, &env, &kpis, ret_err)) < 0)
		goto out;
	og_score_caps(mm, &env, og_project_kind(NULL, &env, &ksrc), &sc);
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

/*
 * Org-wide numbers for keys the model reads that only repositories
 * carry: the lowest over the repositories, when every repository that
 * reports the key has a number for it (one "not measured" repository
 * leaves the org value unknown: its number could be the lowest).
 */
static void
org_numbers(const struct og_mm *mm, const struct pf *pf, struct og_fact_env *env)
{
	cJSON *keys = cJSON_CreateArray();
	const cJSON *it;

	for (size_t i = 0; i < mm->n_caps; i++)
		og_rule_keys(mm->caps[i].rule, keys);
	cJSON_ArrayForEach(it, keys) {
		const char *key = it->valuestring;
		const char *tail = strncmp(key, "github.", 7) ? key : key + 7;
		double min = INFINITY;
		size_t known = 0, seen = 0;
		const char *at = NULL, *unit = NULL;
		bool bad = false;

		if (og_env_fact(env, key))
			continue;
		for (size_t r = 0; r < pf->n && !bad; r++) {
			size_t skip = strlen(REPOS_PREFIX) + strlen(pf->repos[r].name) + 1;

			for (size_t i = 0; i < pf->repos[r].n_facts; i++) {
				const struct og_model_fact *f = pf->repos[r].facts[i];

				if (strcmp(f->key + skip, tail))
					continue;
				seen++;
				if (f->type != OG_VALUE_NUMBER) {
					bad = true;
					break;
				}
				known++;
				if (f->num < min) {
					min = f->num;
					at = pf->repos[r].name;
					unit = f->unit;
				}
			}
		}
		if (bad || !known || known != seen)
			continue;
		{
			char *ev = og_asprintf("lowest of %zu repositories: github.repos.%s.%s",
					       known, at, tail);

			og_env_add_number(env, key, min, unit, ev);
			free(ev);
		}
	}
	cJSON_Delete(keys);
}

int
og_portfolio(const struct og_mm *mm, struct og_model *m,
	     const struct og_portfolio_opts *po, struct og_fact_env *org_env,
	     cJSON **ret_portfolio, char **ret_err)
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
	org_numbers(mm, &pf, org_env);
	*ret_portfolio = out;
	out = NULL;
done:
	cJSON_Delete(out);
	free(area_sum);
	free(area_n);
	pf_fini(&pf);
	return r;
}
