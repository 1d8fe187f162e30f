/*
 * KPIs: the four DORA metrics from delivery events (definitions and bands
 * as Four Keys and Apache DevLake compute them, for the 2021 and 2023
 * State of DevOps reports), build success rate and the open-findings
 * picture; then the model's KPIs over one fact each (plugins' fragments:
 * test coverage comes from the coverage collector's).
 *
 * The window is the W whole UTC days ending with the day of `now`
 * (days today-W+1 .. today), never counting events after `now`.  A KPI
 * whose inputs are missing is "not measured" with the reason, never 0.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

#define DAY	86400

enum dir { DIR_MIN, DIR_MAX };	/* target is a minimum / a maximum */

/*
 * One threshold per metric.  A DORA metric is judged by its band: "good"
 * means the high band or better of the configured year, and the target
 * shown is that band's boundary (band_target[year]).  Every other metric
 * is judged against @target.  Capability rules read kpi.<id>.met, so a
 * capability and the KPI table can never disagree about the same figure;
 * assessment.targets replaces the threshold for both.
 */
struct kdef {
	const char *id;
	const char *name;
	const char *unit;
	int decimals;		/* the value is stored rounded to this */
	double target;
	enum dir dir;
	const char *target_fmt;	/* printf with the target */
	bool banded;		/* a DORA metric */
	double band_target[2];	/* high-band boundary: 2021, 2023 */
	const char *band_fmt[2];	/* the same in words */
	const struct og_mm_kpi *model;	/* a model's KPI over a fact, or NULL */
};

static const struct kdef kdefs[] = {
	{ "deployment_frequency", "Deployment frequency", "days/week", 1, 1, DIR_MIN,
	  "deployments on >= %g days a week", true, { 0.25, 1 },
	  { "DORA 2021 high band or better: deploys at least monthly",
	    "DORA 2023 high band or better: deploys at least weekly" }, NULL },
	{ "lead_time_for_changes", "Lead time for changes", "hours", 1, 168, DIR_MAX,
	  "<= %g hours from first commit to production", true, { 168, 168 },
	  { "DORA 2021 high band or better: under one week (168 hours)",
	    "DORA 2023 high band or better: under one week (168 hours)" }, NULL },
	{ "change_failure_rate", "Change failure rate", "%", 1, 10, DIR_MAX,
	  "<= %g%% of deployments cause an incident", true, { 20, 10 },
	  { "DORA 2021 high band or better: at most 20% of deployments fail",
	    "DORA 2023 high band or better: at most 10% of deployments fail" }, NULL },
	{ "time_to_restore", "Time to restore service", "hours", 1, 24, DIR_MAX,
	  "<= %g hours from incident to resolution", true, { 24, 24 },
	  { "DORA 2021 high band or better: restored within a day",
	    "DORA 2023 high band or better: restored within a day" }, NULL },
	{ "build_success_rate", "Build success rate", "%", 1, 95, DIR_MIN,
	  ">= %g%% of completed CI runs succeed", false, { 0, 0 }, { NULL, NULL }, NULL },
	{ "open_critical_high", "Open critical/high findings", "findings", 0, 0, DIR_MAX,
	  "<= %g open critical or high findings", false, { 0, 0 }, { NULL, NULL }, NULL },
	{ "oldest_critical_age", "Age of the oldest open critical finding", "days", 0, 30,
	  DIR_MAX, "no open critical older than %g days", false, { 0, 0 }, { NULL, NULL }, NULL },
};
#define N_KPIS (sizeof(kdefs) / sizeof(kdefs[0]))

struct kres {
	bool measured;
	double value;
	bool no_value;		/* measured, but nothing to measure (good) */
	const char *band2021, *band2023;
	char *reason;
	char *evidence;
};

/* Is one of the bool facts @keys true? */
static bool
any_true(const struct og_fact_env *env, char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct og_model_fact *f = og_env_fact(env, keys[i]);

		if (f && f->type == OG_VALUE_BOOL && f->b)
			return true;
	}
	return false;
}

static const char *
attr(const struct og_model_event *e, const char *key)
{
	for (size_t i = 0; i < e->n_attrs; i++)
		if (!strcmp(e->attrs[i].key, key))
			return e->attrs[i].value;
	return NULL;
}

static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
og_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct win {
	int64_t now, today;
	int days;
};

static bool
in_window(const struct win *w, int64_t t)
{
	return t <= w->now && day_of(t) > w->today - w->days;
}

static bool
deploy_ok(const struct og_model_event *e)
{
	const char *st = attr(e, "status");

	return !strcmp(e->type, "deployment") && (!st || !strcmp(st, "success"));
}

/* ---- deployment frequency ---- */

static double
median_days_per_bucket(const int64_t *days, size_t n, const struct win *w,
		       int bucket)
{
	int nb = w->days / bucket;
	double *cnt;
	double med;

	if (nb < 1)
		nb = 1;
	cnt = og_xcalloc((size_t)nb, sizeof(*cnt));
	/* days[] is unique; bucket k holds days (today-bucket*(k+1), today-bucket*k] */
	for (size_t i = 0; i < n; i++) {
		int64_t k = (w->today - days[i]) / bucket;

		if (k >= 0 && k < nb)
			cnt[k] += 1;
	}
	med = og_median(cnt, (size_t)nb);
	free(cnt);
	return med;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
kpi_deploy_freq(const struct og_model_event *const *ev, size_t n_ev,
		const struct win *w, struct kres *r)
{
	int64_t *days = og_xcalloc(n_ev + 1, sizeof(*days));
	size_t n = 0, nd = 0, any = 0, deploys = 0;
	double wk, mo;

	for (size_t i = 0; i < n_ev; i++) {
		if (strcmp(ev[i]->type, "deployment"))
			continue;
		any++;
		if (deploy_ok(ev[i]) && in_window(w, ev[i]->time)) {
			days[n++] = day_of(ev[i]->time);
			deploys++;
		}
	}
	if (!any) {
		r->reason = og_strdup0("no deployment events (no collector reported deployments, "
				       "deploy workflow runs or releases; docs/facts.md)");
		free(days);
		return;
	}
	qsort(days, n, sizeof(*days), cmp_i64);
	for (size_t i = 0; i < n; i++)
		if (!nd || days[nd - 1] != days[i])
			days[nd++] = days[i];
	wk = median_days_per_bucket(days, nd, w, 7);
	mo = median_days_per_bucket(days, nd, w, 30);
	r->measured = true;
	r->value = wk;
	/* Frequency, not volume: days with a successful deployment. */
	r->band2023 = wk >= 5 ? "elite" : wk >= 1 ? "high" : mo >= 1 ? "medium" : "low";
	/* 2021: >= 1 per month is high; >= 1 per six months (any in a window of
	 * at most half a year) medium. */
	r->band2021 = wk >= 5 ? "elite" : mo >= 1 ? "high" : nd >= 1 ? "medium" : "low";
	r->evidence = og_asprintf("%zu successful deployments on %zu distinct days in %d days; "
				  "median %g deployment days per week, %g per 30 days",
				  deploys, nd, w->days, wk, mo);
	free(days);
}

/* ---- lead time ---- */

static int
cmp_time(const void *a, const void *b)
{
	return cmp_i64(a, b);
}

static void
kpi_lead_time(const struct og_model_event *const *ev, size_t n_ev,
	      const struct win *w, struct kres *r)
{
	int64_t *dep = og_xcalloc(n_ev + 1, sizeof(*dep));
	double *lt = og_xcalloc(n_ev + 1, sizeof(*lt));
	size_t nd = 0, n = 0, prs = 0, undeployed = 0, bad = 0;
	bool any_deploy = false;

	for (size_t i = 0; i < n_ev; i++) {
		if (!strcmp(ev[i]->type, "deployment"))
			any_deploy = true;
		if (deploy_ok(ev[i]))
			dep[nd++] = ev[i]->time;
	}
	qsort(dep, nd, sizeof(*dep), cmp_time);
	for (size_t i = 0; i < n_ev; i++) {
		const char *fc;
		int64_t first, end = 0;

		if (strcmp(ev[i]->type, "pr_merged") || !in_window(w, ev[i]->time))
			continue;
		prs++;
		fc = attr(ev[i], "first_commit_at");
		if (!fc || og_parse_time(fc, &first) < 0) {
			bad++;
			continue;
		}
		if (any_deploy) {
			/* the first successful deployment at or after the merge ships it */
			size_t lo = 0, hi = nd;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (dep[mid] < ev[i]->time)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == nd) {
				undeployed++;
				continue;
			}
			end = dep[lo];
		} else {
			end = ev[i]->time;
		}
		if (end - first <= 0)
			continue;	/* clock skew or rewritten history */
		lt[n++] = (double)(end - first) / 3600.0;
	}
	if (!n) {
		r->reason = prs ? og_asprintf("%zu merged pull requests in the window but none with a usable "
					      "first commit time and deployment (%zu without first_commit_at, %zu not deployed yet)",
					      prs, bad, undeployed)
				: og_strdup0("no merged pull requests in the window");
		goto out;
	}
	r->measured = true;
	r->value = round(og_median(lt, n) * 10) / 10;
	r->band2023 = r->value < 24 ? "elite" : r->value < 168 ? "high"
		    : r->value < 720 ? "medium" : "low";
	r->band2021 = r->value < 1 ? "elite" : r->value < 168 ? "high"
		    : r->value < 4380 ? "medium" : "low";
	r->evidence = any_deploy
		? og_asprintf("median over %zu merged pull requests: first commit to the first successful "
			      "deployment at or after the merge", n)
		: og_asprintf("median over %zu merged pull requests: first commit to merge (no deployment "
			      "events, so deploy time is not included)", n);
out:
	free(dep);
	free(lt);
}

/* ---- change failure rate ---- */

static void
kpi_cfr(const struct og_model_event *const *ev, size_t n_ev,
	const struct win *w, const struct og_fact_env *env, struct kres *r)
{
	size_t *dep = og_xcalloc(n_ev + 1, sizeof(*dep));
	bool *failed = og_xcalloc(n_ev + 1, sizeof(*failed));
	size_t nd = 0, nf = 0, incidents = 0;

	/* events are sorted by time (docs/report-json.md) */
	for (size_t i = 0; i < n_ev; i++)
		if (deploy_ok(ev[i]))
			dep[nd++] = i;
	for (size_t i = 0; i < n_ev; i++)
		if (!strcmp(ev[i]->type, "incident"))
			incidents++;
	if (!incidents && !any_true(env, env->mm ? env->mm->incident_facts : NULL,
				    env->mm ? env->mm->n_incident_facts : 0)) {
		r->reason = og_strdup0("no incident events, and no collector says "
				       "incidents are tracked (docs/facts.md)");
		goto out;
	}
	{
		size_t in_win = 0;

		for (size_t k = 0; k < nd; k++)
			in_win += in_window(w, ev[dep[k]]->time);
		if (!in_win) {
			r->reason = og_strdup0("no successful deployments in the window");
			goto out;
		}
		/* DevLake: an incident belongs to the last successful deployment
		 * that finished before the incident was created. */
		for (size_t i = 0; i < n_ev; i++) {
			size_t cause = nd;

			if (strcmp(ev[i]->type, "incident"))
				continue;
			for (size_t k = 0; k < nd && ev[dep[k]]->time <= ev[i]->time; k++)
				cause = k;
			if (cause < nd && in_window(w, ev[dep[cause]]->time) &&
			    !failed[cause]) {
				failed[cause] = true;
				nf++;
			}
		}
		r->measured = true;
		r->value = round(1000.0 * (double)nf / (double)in_win) / 10;
		r->band2023 = r->value <= 5 ? "elite" : r->value <= 10 ? "high"
			    : r->value <= 15 ? "medium" : "low";
		r->band2021 = r->value <= 15 ? "elite" : r->value <= 20 ? "high"
			    : r->value <= 30 ? "medium" : "low";
		r->evidence = og_asprintf("%zu of %zu successful deployments in the window were followed "
					  "by an incident before the next deployment", nf, in_win);
	}
out:
	free(dep);
	free(failed);
}

/* ---- time to restore ---- */

static void
kpi_restore(const struct og_model_event *const *ev, size_t n_ev,
	    const struct win *w, struct kres *r)
{
	double *h = og_xcalloc(n_ev + 1, sizeof(*h));
	size_t n = 0, open = 0;

	for (size_t i = 0; i < n_ev; i++) {
		const char *res;
		int64_t t;

		if (strcmp(ev[i]->type, "incident") || !in_window(w, ev[i]->time))
			continue;
		res = attr(ev[i], "resolved_at");
		if (!res || og_parse_time(res, &t) < 0 || t > w->now) {
			open++;
			continue;
		}
		if (t >= ev[i]->time)
			h[n++] = (double)(t - ev[i]->time) / 3600.0;
	}
	if (!n) {
		r->reason = open ? og_asprintf("%zu incidents in the window, none resolved", open)
				 : og_strdup0("no incidents in the window");
		free(h);
		return;
	}
	r->measured = true;
	r->value = round(og_median(h, n) * 10) / 10;
	r->band2023 = r->band2021 = r->value < 1 ? "elite" : r->value < 24 ? "high"
				  : r->value < 168 ? "medium" : "low";
	r->evidence = og_asprintf("median over %zu resolved incidents (created to resolved); %zu still open",
				  n, open);
	free(h);
}

/* ---- build success rate ---- */

static void
kpi_builds(const struct og_model_event *const *ev, size_t n_ev,
	   const struct win *w, struct kres *r)
{
	size_t ok = 0, bad = 0, other = 0;

	for (size_t i = 0; i < n_ev; i++) {
		const char *c;

		if (strcmp(ev[i]->type, "workflow_run") || !in_window(w, ev[i]->time))
			continue;
		c = attr(ev[i], "conclusion");
		if (c && !strcmp(c, "success"))
			ok++;
		/* as DevLake: cancelled and timed-out runs are failures */
		else if (c && (!strcmp(c, "failure") || !strcmp(c, "cancelled") ||
			       !strcmp(c, "timed_out") || !strcmp(c, "startup_failure")))
			bad++;
		else
			other++;	/* skipped, neutral, action_required, in progress */
	}
	if (!ok && !bad) {
		r->reason = og_strdup0("no completed CI workflow runs in the window");
		return;
	}
	r->measured = true;
	r->value = round(1000.0 * (double)ok / (double)(ok + bad)) / 10;
	r->evidence = og_asprintf("%zu of %zu completed workflow runs succeeded (cancelled and timed out "
				  "count as failed; %zu skipped/neutral/unfinished runs not counted)",
				  ok, ok + bad, other);
}

/* ---- findings ---- */

/* Findings are a measurement once a scanner looked: findings exist, or
 * a fact the model names as "a scanner ran" (scan_facts) is true. */
static bool
scanned(struct og_model *m, const struct og_fact_env *env)
{
	size_t n;

	og_model_findings(m, &n);
	return n || any_true(env, env->mm ? env->mm->scan_facts : NULL,
			     env->mm ? env->mm->n_scan_facts : 0);
}

static void
kpi_findings(struct og_model *m, const struct og_fact_env *env,
	     const struct win *w, struct kres *crit_high, struct kres *age)
{
	size_t n, c, h, dated = 0, counts[OG_SEV_SLOTS];
	const struct og_model_finding *const *fs = og_model_findings(m, &n);
	int64_t oldest = INT64_MAX;

	if (!scanned(m, env)) {
		crit_high->reason = og_strdup0("no scan results (no security scanner "
					       "ran; see the collectors in `opsgrade plugins`)");
		age->reason = og_strdup0(crit_high->reason);
		return;
	}
	og_model_open_by_severity(m, counts);
	c = counts[OG_SEV_CRITICAL];
	h = counts[OG_SEV_HIGH];
	for (size_t i = 0; i < n; i++) {
		int64_t t;

		if (fs[i]->suppressed || fs[i]->severity != OG_SEV_CRITICAL)
			continue;
		if (fs[i]->published && og_parse_time(fs[i]->published, &t) >= 0) {
			dated++;
			if (t < oldest)
				oldest = t;
		}
	}
	crit_high->measured = true;
	crit_high->value = (double)(c + h);
	crit_high->evidence = og_asprintf("%zu critical and %zu high open findings (suppressed ones not counted)",
					  c, h);
	if (!c) {
		age->measured = true;
		age->no_value = true;
		age->reason = og_strdup0("no open critical findings");
		age->evidence = og_strdup0("no open critical findings");
	} else if (!dated) {
		age->reason = og_asprintf("%zu open critical findings, none with a publication date", c);
	} else {
		age->measured = true;
		age->value = oldest >= w->now ? 0 : (double)((w->now - oldest) / DAY);
		age->evidence = og_asprintf("days since the oldest open critical's advisory was published "
					    "(%zu of %zu critical findings dated)", dated, c);
	}
}

cJSON *
og_security(struct og_model *m, struct og_fact_env *env)
{
	static const enum og_severity sevs[] = {
		OG_SEV_CRITICAL, OG_SEV_HIGH, OG_SEV_MEDIUM, OG_SEV_LOW, OG_SEV_INFO,
		OG_SEV_UNKNOWN,
	};
	size_t n, supp = 0, fix = 0, nofix = 0, counts[OG_SEV_SLOTS];
	const struct og_model_finding *const *fs = og_model_findings(m, &n);
	cJSON *o = cJSON_CreateObject(), *open = cJSON_AddObjectToObject(o, "open");
	cJSON *by = cJSON_CreateObject();

	og_model_open_by_severity(m, counts);
	for (size_t i = 0; i < n; i++) {
		if (fs[i]->suppressed) {
			supp++;
			continue;
		}
		if (fs[i]->kind == OG_FINDING_VULNERABILITY) {
			if (fs[i]->fixed_version && *fs[i]->fixed_version)
				fix++;
			else
				nofix++;
		}
		for (size_t k = 0; k < fs[i]->n_sources; k++) {
			cJSON *c = cJSON_GetObjectItemCaseSensitive(by, fs[i]->sources[k]);

			if (c)
				cJSON_SetNumberValue(c, c->valuedouble + 1);
			else
				cJSON_AddNumberToObject(by, fs[i]->sources[k], 1);
		}
	}
	for (size_t s = 0; s < sizeof(sevs) / sizeof(sevs[0]); s++)
		cJSON_AddNumberToObject(open, og_severity_name(sevs[s]),
					(double)counts[sevs[s]]);
	cJSON_AddNumberToObject(o, "suppressed", (double)supp);
	/* by_source keys sorted for byte-stable output */
	{
		cJSON *sorted = cJSON_CreateObject();

		while (by->child) {
			cJSON *min = by->child;

			for (cJSON *it = by->child; it; it = it->next)
				if (strcmp(it->string, min->string) < 0)
					min = it;
			cJSON_AddItemToObject(sorted, min->string,
					      cJSON_DetachItemViaPointer(by, min));
		}
		cJSON_Delete(by);
		cJSON_AddItemToObject(o, "by_source", sorted);
	}
	cJSON_AddNumberToObject(o, "fixable", (double)fix);
	cJSON_AddNumberToObject(o, "not_fixable", (double)nofix);
	cJSON_AddBoolToObject(o, "scanned", scanned(m, env));
	if (scanned(m, env)) {
		for (size_t s = 0; s < 4; s++) {
			char *k = og_asprintf("findings.open.%s", og_severity_name(sevs[s]));

			og_env_add_number(env, k, (double)counts[sevs[s]], NULL,
					  "open findings in this report");
			free(k);
		}
	}
	return o;
}

/* ---- assembly ---- */

/* The value as every output shows it: rounded to the KPI's decimals,
 * with its unit; "none open" when there is nothing to measure. */
static char *
kpi_display(const struct kdef *d, const struct kres *x)
{
	if (!x->measured)
		return og_strdup0("not measured");
	if (x->no_value)
		return og_strdup0("none open");
	if (d->unit[0] == '%')
		return og_asprintf("%.*f%%", d->decimals, x->value);
	return og_asprintf("%.*f %s", d->decimals, x->value, d->unit);
}

static void
add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* A model's KPI: the value of its number fact, as the fact says. */
static void
kpi_fact(const struct og_fact_env *env, const struct og_mm_kpi *k,
	 struct kres *r)
{
	const struct og_model_fact *f = og_env_fact(env, k->fact);
	double p = pow(10, k->decimals);

	if (!f) {
		r->reason = k->unmeasured
				    ? og_strdup0(k->unmeasured)
				    : og_asprintf("no fact %s (no collector reported it)", k->fact);
	} else if (f->type == OG_VALUE_UNKNOWN) {
		r->reason = og_asprintf("%s: %s", k->fact, f->str ? f->str : "not observed");
	} else if (f->type != OG_VALUE_NUMBER) {
		r->reason = og_asprintf("%s is a %s, not a number", k->fact,
					og_value_type_name(f->type));
	} else {
		r->measured = true;
		r->value = round(f->num * p) / p;
		r->evidence = og_strdup0(f->evidence ? f->evidence : k->fact);
	}
}

/* The built-in KPIs, then the model's (fragments of plugins). */
static struct kdef *
all_kdefs(const struct og_mm *mm, size_t *ret_n)
{
	size_t n_model = mm ? mm->n_kpis : 0;
	struct kdef *d = og_xcalloc(N_KPIS + n_model + 1, sizeof(*d));

	memcpy(d, kdefs, sizeof(kdefs));
	for (size_t i = 0; i < n_model; i++) {
		const struct og_mm_kpi *k = &mm->kpis[i];

		d[N_KPIS + i] = (struct kdef){
			.id = k->id, .name = k->name, .unit = k->unit,
			.decimals = k->decimals, .target = k->target,
			.dir = k->max ? DIR_MAX : DIR_MIN, .model = k,
		};
	}
	*ret_n = N_KPIS + n_model;
	return d;
}

/* "<= 5 days" for a model KPI without its own words. */
static char *
target_text(const struct kdef *d, double target)
{
	if (!d->model)
		return og_asprintf(d->target_fmt, target);
	if (d->model->target_text)
		return og_strdup0(d->model->target_text);
	return og_asprintf("%s %g %s", d->dir == DIR_MAX ? "<=" : ">=", target,
			   d->unit);
}

int
og_kpis(struct og_model *m, const struct og_kpi_opts *o,
	struct og_fact_env *env, cJSON **ret_kpis, char **ret_err)
{
	struct win w = { .now = o->now, .today = day_of(o->now), .days = o->window_days };
	size_t n_ev, n_defs;
	const struct og_model_event *const *ev = og_model_events(m, &n_ev);
	struct kdef *defs = all_kdefs(env->mm, &n_defs);
	struct kres *res = og_xcalloc(n_defs + 1, sizeof(*res));
	double *targets = og_xcalloc(n_defs + 1, sizeof(*targets));
	bool *overridden = og_xcalloc(n_defs + 1, sizeof(*overridden));
	cJSON *arr = NULL;
	int r = 0;

	for (size_t k = 0; k < n_defs; k++)
		targets[k] = defs[k].target;
	if (o->targets) {
		for (const cJSON *it = o->targets->child; it; it = it->next) {
			size_t k;
			double v;

			for (k = 0; k < n_defs; k++)
				if (!strcmp(defs[k].id, it->string))
					break;
			if (k == n_defs || !og_jnum(it, &v) || !isfinite(v)) {
				*ret_err = og_asprintf("assessment.targets.%s: %s", it->string,
						       k == n_defs ? "unknown KPI (see docs/report-json.md)"
								   : "expected a number");
				r = -EINVAL;
				goto out;
			}
			targets[k] = v;
			overridden[k] = true;
		}
	}
	kpi_deploy_freq(ev, n_ev, &w, &res[0]);
	kpi_lead_time(ev, n_ev, &w, &res[1]);
	kpi_cfr(ev, n_ev, &w, env, &res[2]);
	kpi_restore(ev, n_ev, &w, &res[3]);
	kpi_builds(ev, n_ev, &w, &res[4]);
	kpi_findings(m, env, &w, &res[5], &res[6]);
	for (size_t k = N_KPIS; k < n_defs; k++)
		kpi_fact(env, defs[k].model, &res[k]);

	arr = cJSON_CreateArray();
	for (size_t k = 0; k < n_defs; k++) {
		const struct kdef *d = &defs[k];
		struct kres *x = &res[k];
		cJSON *j = cJSON_CreateObject(), *bands;
		const char *band = o->band_year == 2021 ? x->band2021 : x->band2023;
		bool by_band = d->banded && !overridden[k];
		double target = by_band ? d->band_target[o->band_year == 2021 ? 0 : 1]
					: targets[k];
		char *tt = by_band ? og_strdup0(d->band_fmt[o->band_year == 2021 ? 0 : 1])
				   : target_text(d, target);
		char *shown = kpi_display(d, x);
		bool good;

		cJSON_AddStringToObject(j, "id", d->id);
		cJSON_AddStringToObject(j, "name", d->name);
		if (x->measured && !x->no_value)
			cJSON_AddNumberToObject(j, "value", x->value);
		else
			cJSON_AddNullToObject(j, "value");
		cJSON_AddStringToObject(j, "unit", d->unit);
		cJSON_AddNumberToObject(j, "decimals", d->decimals);
		cJSON_AddStringToObject(j, "display", shown);
		cJSON_AddNumberToObject(j, "window_days", o->window_days);
		cJSON_AddNumberToObject(j, "target", target);
		cJSON_AddStringToObject(j, "target_text", tt);
		cJSON_AddStringToObject(j, "direction", d->dir == DIR_MIN ? "min" : "max");
		cJSON_AddStringToObject(j, "judged_by", by_band ? "band" : "target");
		free(tt);
		if (by_band)
			good = band && (!strcmp(band, "elite") || !strcmp(band, "high"));
		else
			good = x->no_value || (d->dir == DIR_MIN ? x->value >= target
								 : x->value <= target);
		cJSON_AddStringToObject(j, "status", !x->measured ? "not measured"
						     : good ? "good" : "needs improvement");
		add_str_or_null(j, "band", x->measured ? band : NULL);
		if (x->band2023 && x->measured) {
			cJSON_AddNumberToObject(j, "band_year", o->band_year);
			bands = cJSON_AddObjectToObject(j, "bands");
			cJSON_AddStringToObject(bands, "2021", x->band2021);
			cJSON_AddStringToObject(bands, "2023", x->band2023);
		} else {
			cJSON_AddNullToObject(j, "band_year");
			cJSON_AddNullToObject(j, "bands");
		}
		add_str_or_null(j, "reason", x->reason);
		add_str_or_null(j, "evidence", x->evidence);
		cJSON_AddItemToArray(arr, j);

		if (x->measured) {
			char *key = og_asprintf("kpi.%s.met", d->id);

			og_env_add_bool(env, key, good, x->evidence);
			free(key);
			/* what "current state" templates quote: the shown figure */
			key = og_asprintf("kpi.%s.display", d->id);
			og_env_add_string(env, key, shown, x->evidence);
			free(key);
		}
		if (x->measured && !x->no_value) {
			char *key = og_asprintf("kpi.%s", d->id);

			og_env_add_number(env, key, x->value, d->unit, x->evidence);
			if (band) {
				char *bk = og_asprintf("kpi.%s.band", d->id);

				og_env_add_string(env, bk, band, x->evidence);
				free(bk);
			}
			free(key);
		}
		free(shown);
	}
	*ret_kpis = arr;
out:
	for (size_t k = 0; k < n_defs; k++) {
		free(res[k].reason);
		free(res[k].evidence);
	}
	free(res);
	free(targets);
	free(overridden);
	free(defs);
	return r;
}
