/*
 * One repository: which API lists it needs, in phases, and the facts and
 * events made from the answers.  Permission outcomes become fact_unknown
 * with the permission that would unlock them, never false or zero.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gh.h"
#include "repofiles.h"

enum {
	L_REPO, L_PROT, L_RULES, L_TREE, L_RUNS, L_DEPLOYS, L_RELEASES,
	L_PULLS, L_ISSUES, L_DEPENDABOT, L_CS_ALERTS, L_CS_ANALYSES,
	L_VULN_ALERTS, L_ENVS, L_HOOKS, L_COMMITS, L_N
};

#define NEEDS_ADMIN	"needs admin rights on the repository (fine-grained: Administration: read)"
#define NEEDS_SA	"needs admin rights or the security manager role (GitHub shows security_and_analysis only to them)"
#define NEEDS_DEPENDABOT "needs a token with security_events scope (fine-grained: Dependabot alerts: read)"
#define NEEDS_CS	"needs a token with security_events scope (fine-grained: Code scanning alerts: read)"
#define NEEDS_HOOKS	"needs admin rights on the repository (fine-grained: Webhooks: read)"

struct piece {
	struct gh_list list;
	int64_t from, to;	/* created=from..to, inclusive */
};

struct gh_repo {
	struct gh *g;
	char *full;		/* owner/name */
	cJSON *repo;		/* owned copy of the repository object */
	char *branch;		/* default branch */
	char *branch_enc;	/* percent-encoded for URL paths and queries */
	bool branch_guessed;	/* the repository object named none */
	int phase;
	bool failed;		/* the repository itself could not be read */
	struct gh_list l[L_N];

	struct piece *pieces;	/* runs window split by created= */
	size_t n_pieces;
	bool runs_split;

	struct gh_list *statuses;	/* one per production deployment */
	const cJSON **status_of;	/* the deployment of statuses[i] */
	size_t n_statuses;
	struct gh_list *pr_commits;
	const cJSON **pr_of;
	size_t n_pr;
	struct gh_list *pr_reviews;
	const cJSON **review_of;
	size_t n_reviews;

	/* settings by GraphQL (gh-graphql.c): asked with the batch's query
	 * instead of L_VULN_ALERTS and L_ENVS */
	bool settings_pending;	/* the batch's query has not answered yet */
	size_t carried;		/* answers carried over (gh-memo.c) */
	bool gql;		/* it did: the nodes below are the answer */
	cJSON *gql_r, *gql_v;	/* owned copies of the rN / vN objects */
	char *gql_r_why, *gql_v_why;
};

/* ---- small helpers --------------------------------------------------- */

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static bool
jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const cJSON *
jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void
fmt_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* gmtime_r fails on years past int: say so, never garbage */
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "(time out of range)");
}

static bool
matches(const regex_t *re, bool ok, const char *s)
{
	return ok && s && regexec(re, s, 0, NULL, 0) == 0;
}

/* ---- facts about the repository ------------------------------------ */

/*
 * How a repository's fact combines over an org (org mode): the model
 * derives the org-wide fact of each key from the repositories' facts by
 * this rule (enum og_rollup; docs/facts-github.md).  ALL for practices
 * the org has only when every repository does; ANY for "a repository is
 * archived" (the model reads == false: none is); MIN for the numbers the
 * model compares with >= ("every repository has at least").  Other keys
 * stay per repository.
 */
static const struct {
	const char *key;
	enum og_rollup rule;
} org_rules[] = {
	{ "github.branch_protection.enabled", OG_ROLLUP_ALL },
	{ "github.branch_protection.status_checks", OG_ROLLUP_ALL },
	{ "github.branch_protection.signed_commits", OG_ROLLUP_ALL },
	{ "github.branch_protection.force_push_blocked", OG_ROLLUP_ALL },
	{ "github.branch_protection.deletion_blocked", OG_ROLLUP_ALL },
	{ "github.branch_protection.enforce_admins", OG_ROLLUP_ALL },
	{ "github.branch_protection.codeowner_reviews", OG_ROLLUP_ALL },
	{ "github.branch_protection.dismiss_stale", OG_ROLLUP_ALL },
	{ "github.secret_scanning", OG_ROLLUP_ALL },
	{ "github.push_protection", OG_ROLLUP_ALL },
	{ "github.dependabot_security_updates", OG_ROLLUP_ALL },
	{ "github.vulnerability_alerts", OG_ROLLUP_ALL },
	{ "github.code_scanning.enabled", OG_ROLLUP_ALL },
	{ "github.codeowners", OG_ROLLUP_ALL },
	{ "github.security_policy", OG_ROLLUP_ALL },
	{ "github.webhooks.all_secret", OG_ROLLUP_ALL },
	{ "github.deployments.present", OG_ROLLUP_ALL },
	{ "github.environments.protected", OG_ROLLUP_ALL },
	{ "github.releases.semver", OG_ROLLUP_ALL },
	{ "github.releases.signed", OG_ROLLUP_ALL },
	{ "github.releases.sbom", OG_ROLLUP_ALL },
	{ "github.repo.archived", OG_ROLLUP_ANY },
	{ "ci.present", OG_ROLLUP_ALL },
	{ "deps.automated_updates", OG_ROLLUP_ALL },
	{ "docs.codeowners", OG_ROLLUP_ALL },
	{ "docs.security_policy", OG_ROLLUP_ALL },
	{ "container.dockerfile.present", OG_ROLLUP_ALL },
	{ "container.dockerignore", OG_ROLLUP_ALL },
	{ "container.compose", OG_ROLLUP_ALL },
	{ "docs.readme", OG_ROLLUP_ALL },
	{ "docs.license", OG_ROLLUP_ALL },
	{ "docs.contributing", OG_ROLLUP_ALL },
	{ "release.changelog", OG_ROLLUP_ALL },
	{ "github.branch_protection.required_reviews", OG_ROLLUP_MIN },
	{ "github.pull_requests.reviewed_ratio", OG_ROLLUP_MIN },
	{ "github.environments.count", OG_ROLLUP_MIN },
	{ "github.activity.commits_90d", OG_ROLLUP_MIN },
};

static enum og_rollup
org_rule(const char *key)
{
	for (size_t i = 0; i < sizeof(org_rules) / sizeof(org_rules[0]); i++)
		if (!strcmp(org_rules[i].key, key))
			return org_rules[i].rule;
	return OG_ROLLUP_NONE;
}

/* Every fact goes out here: in org mode about its repository (subject)
 * with its roll-up rule, in repo mode about the run. */
static void
f_emit(struct gh_repo *r, struct og_fact *f)
{
	if (r->g->org) {
		f->subject = r->full;
		f->subject_kind = "repository";
		f->rollup = org_rule(f->key);
	}
	r->g->host->fact(r->g->ctx, f);
}

static void
f_bool(struct gh_repo *r, const char *key, bool v, const char *evidence)
{
	struct og_fact f = OG_FACT_INIT;

	f.key = key;
	f.type = OG_FACT_BOOL;
	f.b = v;
	f.evidence = evidence;
	f_emit(r, &f);
	/* deps.update_tool names a tool (a string: no roll-up); the org
	 * says "not every repository" when one automates nothing. */
	if (!v && !strcmp(key, "deps.automated_updates"))
		r->g->some_without_updates = true;
}

static void
f_num(struct gh_repo *r, const char *key, double v, const char *unit,
      const char *evidence)
{
	struct og_fact f = OG_FACT_INIT;

	f.key = key;
	f.type = OG_FACT_NUMBER;
	f.number = v;
	f.unit = unit;
	f.evidence = evidence;
	f_emit(r, &f);
}

static void
f_str(struct gh_repo *r, const char *key, const char *v,
      const char *evidence)
{
	struct og_fact f = OG_FACT_INIT;

	if (!v)
		return;
	f.key = key;
	f.type = OG_FACT_STRING;
	f.string = v;
	f.evidence = evidence;
	f_emit(r, &f);
}

static void
f_list(struct gh_repo *r, const char *key, const char *const *items,
       size_t n, const char *evidence)
{
	struct og_fact f = OG_FACT_INIT;

	f.key = key;
	f.type = OG_FACT_LIST;
	f.items = items;
	f.n_items = n;
	f.evidence = evidence;
	f_emit(r, &f);
}

static void
f_unknown(struct gh_repo *r, const char *key, const char *reason)
{
	struct og_fact f = OG_FACT_INIT;

	f.key = key;
	f.type = OG_FACT_UNKNOWN;
	f.reason = reason;
	f_emit(r, &f);
}

static void
f_unknown_list(struct gh_repo *r, const struct gh_list *l, const char *needs,
	       const char *const *keys)
{
	char *why = gh_list_reason(l, needs);

	for (; *keys; keys++)
		f_unknown(r, *keys, why);
	free(why);
}

static char *
evidence(struct gh_repo *r, int which)
{
	return gh_with_note(gh_xasprintf("GET %s", r->l[which].path),
			    &r->l[which]);
}

/* The lists an unchanged repository may answer from the memory of an
 * earlier run (gh-memo.c), under names that stay the same from run to
 * run (paths carry dates). */
static const char *const memo_names[L_N] = {
	[L_PROT] = "protection", [L_RULES] = "rules", [L_TREE] = "tree",
	[L_DEPLOYS] = "deployments", [L_RELEASES] = "releases",
	[L_PULLS] = "pulls", [L_ISSUES] = "issues",
	[L_DEPENDABOT] = "dependabot_alerts",
	[L_CS_ALERTS] = "code_scanning_alerts",
	[L_CS_ANALYSES] = "code_scanning_analyses",
	[L_VULN_ALERTS] = "vulnerability_alerts",
	[L_ENVS] = "environments", [L_HOOKS] = "hooks", [L_COMMITS] = "commits",
};

static size_t memo_lists(struct gh_repo *r, struct gh_list **lists,
			 const char **names);

/* Fill what an unchanged repository answered before into the lists not
 * asked yet (the others are left alone). */
static void
memo_apply(struct gh_repo *r)
{
	struct gh_list *lists[L_N + 1];
	const char *names[L_N + 1];
	size_t n = memo_lists(r, lists, names), had = r->carried;

	r->carried += gh_memo_apply(r->g, r->full, r->repo, lists, names, n);
	if (!had && r->carried)
		r->g->carried_repos++;
}

static size_t
memo_lists(struct gh_repo *r, struct gh_list **lists, const char **names)
{
	size_t n = 0;

	for (int i = 0; i < L_N; i++) {
		if (!memo_names[i])
			continue;
		lists[n] = &r->l[i];
		names[n++] = memo_names[i];
	}
	/* the runs window unsplit: a 404 there is Actions being off */
	if (r->n_pieces == 1) {
		lists[n] = &r->pieces[0].list;
		names[n++] = "runs";
	}
	return n;
}

/* ---- construction and phases ------------------------------------------ */

static void start_phase1(struct gh_repo *r);

struct gh_repo *
gh_repo_new(struct gh *g, const char *full_name, const cJSON *repo_object)
{
	struct gh_repo *r = xcalloc(1, sizeof(*r));

	r->g = g;
	r->full = gh_xasprintf("%s", full_name);
	if (repo_object)
		r->repo = cJSON_Duplicate(repo_object, true);
	if (repo_object) {
		start_phase1(r);
	} else {
		char *p = gh_xasprintf("/repos/%s", full_name);

		gh_list_init(&r->l[L_REPO], g->api, p);
		free(p);
	}
	return r;
}

void
gh_repo_free(struct gh_repo *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < L_N; i++)
		gh_list_clear(&r->l[i]);
	for (size_t i = 0; i < r->n_pieces; i++)
		gh_list_clear(&r->pieces[i].list);
	for (size_t i = 0; i < r->n_statuses; i++)
		gh_list_clear(&r->statuses[i]);
	for (size_t i = 0; i < r->n_pr; i++)
		gh_list_clear(&r->pr_commits[i]);
	for (size_t i = 0; i < r->n_reviews; i++)
		gh_list_clear(&r->pr_reviews[i]);
	free(r->pieces);
	free(r->statuses);
	free(r->status_of);
	free(r->pr_commits);
	free(r->pr_of);
	free(r->pr_reviews);
	free(r->review_of);
	cJSON_Delete(r->repo);
	cJSON_Delete(r->gql_r);
	cJSON_Delete(r->gql_v);
	free(r->gql_r_why);
	free(r->gql_v_why);
	free(r->branch);
	free(r->branch_enc);
	free(r->full);
	free(r);
}

static void
list_at(struct gh_repo *r, int which, bool paginate, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
list_at(struct gh_repo *r, int which, bool paginate, const char *fmt, ...)
{
	va_list ap;
	char *path;

	va_start(ap, fmt);
	if (vasprintf(&path, fmt, ap) < 0)
		abort();
	va_end(ap);
	gh_list_init(&r->l[which], r->g->api, path);
	r->l[which].paginate = paginate;
	free(path);
}

static void
runs_piece(struct piece *p, struct gh_repo *r, int64_t from, int64_t to)
{
	char a[32], b[32], *path;

	fmt_time(from, a, sizeof(a));
	fmt_time(to, b, sizeof(b));
	path = gh_xasprintf("/repos/%s/actions/runs?created=%s..%s&per_page=%d",
			 r->full, a, b, GH_PER_PAGE);
	gh_list_init(&p->list, r->g->api, path);
	p->list.paginate = true;
	p->list.wrap = "workflow_runs";
	p->list.max_pages = GH_RUNS_FILTER_CAP / GH_PER_PAGE;
	p->from = from;
	p->to = to;
	free(path);
}

/* A branch name as one URL path segment or query value: everything but
 * RFC 3986 unreserved characters is %XX ("release/2026" ->
 * "release%2F2026", "feat#1" -> "feat%231"). */
static char *
encode_segment(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xcalloc(strlen(s) * 3 + 1, 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return out;
}

/* The settings GraphQL would answer, by REST (two requests). */
static void
settings_rest(struct gh_repo *r)
{
	list_at(r, L_VULN_ALERTS, false, "/repos/%s/vulnerability-alerts",
		r->full);
	list_at(r, L_ENVS, false, "/repos/%s/environments?per_page=%d",
		r->full, GH_PER_PAGE);
}

bool
gh_repo_wants_settings(const struct gh_repo *r)
{
	return r->phase == 1 && r->settings_pending;
}

void
gh_repo_settings(struct gh_repo *r, const struct gh_gql *q, size_t i)
{
	const cJSON *node;

	r->settings_pending = false;
	if (!q->ok) {
		/* asked in the next phase, beside phase 2's lists, unless
		 * remembered */
		settings_rest(r);
		memo_apply(r);
		return;
	}
	r->gql = true;
	node = gh_gql_node(q, 'r', i, &r->gql_r_why);
	r->gql_r = node ? cJSON_Duplicate(node, true) : NULL;
	node = gh_gql_node(q, 'v', i, &r->gql_v_why);
	r->gql_v = node ? cJSON_Duplicate(node, true) : NULL;
}

static void
start_phase1(struct gh_repo *r)
{
	struct gh *g = r->g;
	/* master_branch: the name before 2013 (recorded 2012 answers) */
	const char *b = gh_str(r->repo, "default_branch") ?
			gh_str(r->repo, "default_branch") :
			gh_str(r->repo, "master_branch");
	const char *f = r->full;
	char since[32], since90[32];

	/* An org listing may lack default_branch: "main" is a guess, and a
	 * 404 "Branch not found" for it then means unknown, not unprotected. */
	r->branch_guessed = !b || !*b;
	r->branch = gh_xasprintf("%s", r->branch_guessed ? "main" : b);
	r->branch_enc = encode_segment(r->branch);
	fmt_time(g->since, since, sizeof(since));
	fmt_time(g->now - 90 * 86400, since90, sizeof(since90));

	list_at(r, L_PROT, false, "/repos/%s/branches/%s/protection", f,
		r->branch_enc);
	list_at(r, L_RULES, true, "/repos/%s/rules/branches/%s?per_page=%d",
		f, r->branch_enc, GH_PER_PAGE);
	list_at(r, L_TREE, false, "/repos/%s/git/trees/%s?recursive=1", f,
		r->branch_enc);
	/* one window first; split by created= when it holds > 1,000 runs */
	r->pieces = xcalloc(1, sizeof(*r->pieces));
	r->n_pieces = 1;
	runs_piece(&r->pieces[0], r, g->since, g->now);
	list_at(r, L_DEPLOYS, true, "/repos/%s/deployments?per_page=%d", f,
		GH_PER_PAGE);
	r->l[L_DEPLOYS].time_field = "created_at";
	r->l[L_DEPLOYS].stop_before = g->since;
	list_at(r, L_RELEASES, true, "/repos/%s/releases?per_page=%d", f,
		GH_PER_PAGE);
	r->l[L_RELEASES].max_pages = 10;
	list_at(r, L_PULLS, true,
		"/repos/%s/pulls?state=closed&sort=updated&direction=desc&per_page=%d",
		f, GH_PER_PAGE);
	r->l[L_PULLS].time_field = "updated_at";
	r->l[L_PULLS].stop_before = g->since;
	list_at(r, L_ISSUES, true,
		"/repos/%s/issues?labels=%s&state=all&since=%s&per_page=%d",
		f, g->incident_label, since, GH_PER_PAGE);
	list_at(r, L_DEPENDABOT, true,
		"/repos/%s/dependabot/alerts?state=open&per_page=%d", f,
		GH_PER_PAGE);
	list_at(r, L_CS_ALERTS, true,
		"/repos/%s/code-scanning/alerts?state=open&per_page=%d", f,
		GH_PER_PAGE);
	list_at(r, L_CS_ANALYSES, false,
		"/repos/%s/code-scanning/analyses?per_page=1", f);
	if (g->use_graphql)
		r->settings_pending = true;
	else
		settings_rest(r);
	list_at(r, L_HOOKS, true, "/repos/%s/hooks?per_page=%d", f,
		GH_PER_PAGE);
	list_at(r, L_COMMITS, true,
		"/repos/%s/commits?sha=%s&since=%s&per_page=1", f,
		r->branch_enc, since90);
	r->l[L_COMMITS].max_pages = 1;
	r->phase = 1;
	memo_apply(r);
}

size_t
gh_repo_pending(struct gh_repo *r, struct gh_list **out, size_t max)
{
	size_t k = 0;

#define PUSH(list) do { if (k < max && (list)->next_url) out[k++] = (list); } while (0)
	if (r->phase == 0) {
		PUSH(&r->l[L_REPO]);
	} else if (r->phase == 1) {
		for (int i = L_PROT; i < L_N; i++)
			PUSH(&r->l[i]);
		PUSH(&r->pieces[0].list);
	} else {
		/* settings by REST when the GraphQL query failed */
		PUSH(&r->l[L_VULN_ALERTS]);
		PUSH(&r->l[L_ENVS]);
		for (size_t i = 0; i < r->n_pieces; i++)
			PUSH(&r->pieces[i].list);
		for (size_t i = 0; i < r->n_statuses; i++)
			PUSH(&r->statuses[i]);
		for (size_t i = 0; i < r->n_pr; i++)
			PUSH(&r->pr_commits[i]);
		for (size_t i = 0; i < r->n_reviews; i++)
			PUSH(&r->pr_reviews[i]);
	}
#undef PUSH
	return k;
}

/* Pieces of the runs window that hit the 1,000 cap are split in two. */
static bool
split_runs(struct gh_repo *r)
{
	bool again = false;
	size_t n = r->n_pieces;

	for (size_t i = 0; i < n; i++) {
		struct piece *p = &r->pieces[i];
		int64_t mid;

		if (p->list.total_count <= GH_RUNS_FILTER_CAP ||
		    p->to - p->from < 120 || r->n_pieces >= GH_RUNS_SPLITS_MAX)
			continue;
		mid = p->from + (p->to - p->from) / 2;
		r->pieces = realloc(r->pieces,
				    (r->n_pieces + 1) * sizeof(*r->pieces));
		if (!r->pieces)
			abort();
		p = &r->pieces[i];
		{
			int64_t from = p->from, to = p->to;

			gh_list_clear(&p->list);
			runs_piece(p, r, from, mid);
			runs_piece(&r->pieces[r->n_pieces], r, mid + 1, to);
		}
		r->n_pieces++;
		r->runs_split = true;
		again = true;
	}
	return again;
}

static bool
is_prod_deployment(struct gh_repo *r, const cJSON *d)
{
	return matches(&r->g->prod_re, r->g->prod_re_ok,
		       gh_str(d, "environment"));
}

static void
start_phase2(struct gh_repo *r)
{
	struct gh *g = r->g;
	const cJSON *it;
	size_t n;

	split_runs(r);

	/* statuses of production deployments in the window */
	n = (size_t)cJSON_GetArraySize(r->l[L_DEPLOYS].items);
	r->statuses = xcalloc(n, sizeof(*r->statuses));
	r->status_of = xcalloc(n, sizeof(*r->status_of));
	cJSON_ArrayForEach(it, r->l[L_DEPLOYS].items) {
		const cJSON *id = jget(it, "id");
		char *path;

		if (r->n_statuses >= GH_DEPLOY_STATUS_MAX)
			break;
		if (gh_time(r->g, it, "created_at") < g->since ||
		    !is_prod_deployment(r, it) || !cJSON_IsNumber(id))
			continue;
		path = gh_xasprintf("/repos/%s/deployments/%.0f/statuses?per_page=%d",
				 r->full, id->valuedouble, GH_PER_PAGE);
		gh_list_init(&r->statuses[r->n_statuses], g->api, path);
		r->statuses[r->n_statuses].paginate = true;
		r->statuses[r->n_statuses].max_pages = 3;
		r->status_of[r->n_statuses++] = it;
		free(path);
	}

	/* first commit of merged PRs (lead time), reviews of the last ones */
	n = (size_t)cJSON_GetArraySize(r->l[L_PULLS].items);
	r->pr_commits = xcalloc(n, sizeof(*r->pr_commits));
	r->pr_of = xcalloc(n, sizeof(*r->pr_of));
	r->pr_reviews = xcalloc(n, sizeof(*r->pr_reviews));
	r->review_of = xcalloc(n, sizeof(*r->review_of));
	cJSON_ArrayForEach(it, r->l[L_PULLS].items) {
		const cJSON *num = jget(it, "number");
		char *path;

		if (gh_time(r->g, it, "merged_at") < g->since || !cJSON_IsNumber(num))
			continue;
		if (r->n_pr < GH_PR_DETAIL_MAX) {
			path = gh_xasprintf("/repos/%s/pulls/%.0f/commits?per_page=1",
					 r->full, num->valuedouble);
			gh_list_init(&r->pr_commits[r->n_pr], g->api, path);
			r->pr_commits[r->n_pr].paginate = true;
			r->pr_commits[r->n_pr].max_pages = 1;
			r->pr_of[r->n_pr++] = it;
			free(path);
		}
		if (r->n_reviews < GH_PR_REVIEW_MAX) {
			path = gh_xasprintf("/repos/%s/pulls/%.0f/reviews?per_page=%d",
					 r->full, num->valuedouble, GH_PER_PAGE);
			gh_list_init(&r->pr_reviews[r->n_reviews], g->api,
				     path);
			r->pr_reviews[r->n_reviews].paginate = true;
			r->pr_reviews[r->n_reviews].max_pages = 2;
			r->review_of[r->n_reviews++] = it;
			free(path);
		}
	}
	r->phase = 2;
}

int
gh_repo_advance(struct gh_repo *r)
{
	switch (r->phase) {
	case 0:
		if (!gh_list_ok(&r->l[L_REPO]) || !r->l[L_REPO].object) {
			r->failed = true;
			r->phase = 9;
			return 0;
		}
		r->repo = cJSON_Duplicate(r->l[L_REPO].object, true);
		start_phase1(r);
		return 1;
	case 1:
		start_phase2(r);
		return 1;
	case 2:
		/* keep splitting the runs window while a piece is capped */
		if (split_runs(r))
			return 1;
		r->phase = 9;
		return 0;
	default:
		return 0;
	}
}

/* ---- emitting ---------------------------------------------------------- */

static void
emit_event(struct gh_repo *r, const char *type, int64_t t, const char *id,
	   struct og_attr *attrs, size_t n)
{
	struct og_event e = OG_EVENT_INIT;

	e.type = type;
	e.time = t;
	e.id = id;
	e.attrs = attrs;
	e.n_attrs = n;
	if (r->g->org)
		e.subject = r->full;
	r->g->host->event(r->g->ctx, &e);
}

static void
emit_repo_facts(struct gh_repo *r)
{
	const cJSON *repo = r->repo, *sa = jget(repo, "security_and_analysis");
	const cJSON *topics = jget(repo, "topics"), *lic = jget(repo, "license");
	char *ev = gh_xasprintf("GET /repos/%s", r->full);
	static const struct {
		const char *json, *key;
	} sa_keys[] = {
		{ "secret_scanning", "github.secret_scanning" },
		{ "secret_scanning_push_protection", "github.push_protection" },
		{ "dependabot_security_updates",
		  "github.dependabot_security_updates" },
	};

	f_bool(r, "github.repo.archived", jbool(repo, "archived"), ev);
	if (r->branch_guessed)
		f_unknown(r, "github.repo.default_branch", "not measured: the "
			  "repository object names no default branch");
	else
		f_str(r, "github.repo.default_branch", r->branch, ev);
	f_str(r, "github.repo.visibility", gh_str(repo, "visibility"), ev);
	if (cJSON_IsObject(lic))
		f_str(r, "github.repo.license", gh_str(lic, "spdx_id"), ev);
	if (cJSON_IsArray(topics)) {
		size_t n = 0, cap = (size_t)cJSON_GetArraySize(topics);
		const char **items = xcalloc(cap, sizeof(char *));
		const cJSON *t;

		cJSON_ArrayForEach(t, topics)
			if (cJSON_IsString(t))
				items[n++] = t->valuestring;
		f_list(r, "github.repo.topics", items, n, ev);
		free(items);
	}
	for (size_t i = 0; i < sizeof(sa_keys) / sizeof(sa_keys[0]); i++) {
		const cJSON *o = jget(sa, sa_keys[i].json);
		const char *st = gh_str(o, "status");

		if (st)
			f_bool(r, sa_keys[i].key, strcmp(st, "enabled") == 0, ev);
		else
			f_unknown(r, sa_keys[i].key, "not measured: " NEEDS_SA);
	}
	free(ev);
}

static bool
rule_present(const cJSON *rules, const char *type, const cJSON **ret_params)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, rules) {
		const char *t = gh_str(it, "type");

		if (t && strcmp(t, type) == 0) {
			if (ret_params)
				*ret_params = jget(it, "parameters");
			return true;
		}
	}
	return false;
}

/*
 * Which active rules constitute branch protection: the ones OpenSSF
 * Scorecard's Branch-Protection check reads from rulesets (deletion,
 * non_fast_forward, required_linear_history, pull_request,
 * required_status_checks).  Rules that only constrain commit messages,
 * author e-mails, tag/branch names, creation or file paths leave a branch
 * unprotected; required_signatures feeds signed_commits only.
 * docs/facts-github.md lists each rule type and the facts it decides.
 */
static const char *const protective_rules[] = {
	"deletion", "non_fast_forward", "required_linear_history",
	"pull_request", "required_status_checks", NULL,
};

static bool
any_protective_rule(const cJSON *rules)
{
	for (size_t i = 0; protective_rules[i]; i++)
		if (rule_present(rules, protective_rules[i], NULL))
			return true;
	return false;
}

/* A setting a rule or classic protection may decide: true when one does;
 * false when classic protection was read (or is known absent) and the
 * rules were read; else unknown with @why. */
static void
f_setting(struct gh_repo *r, const char *key, bool decided, bool known,
	  const char *why, const char *ev)
{
	if (decided || known)
		f_bool(r, key, decided, ev);
	else
		f_unknown(r, key, why);
}

static void
emit_protection(struct gh_repo *r)
{
	const struct gh_list *cl = &r->l[L_PROT], *rl = &r->l[L_RULES];
	const cJSON *p = cl->object, *rules = rl->items, *pr = NULL;
	bool classic = gh_list_ok(cl) && p;
	const char *msg = cl->message ? cl->message : "";
	/* GitHub's 404 says which: "Branch not protected" (an answer) or
	 * "Branch not found" (an empty repository, a guessed branch). */
	bool classic_none = cl->status == 404 && !cl->error &&
			    strcasestr(msg, "not protected") != NULL;
	bool no_branch = cl->status == 404 && !cl->error &&
			 strcasestr(msg, "not found") != NULL &&
			 strcasestr(msg, "branch") != NULL;
	bool rules_ok = gh_list_ok(rl);
	bool known = (classic || classic_none) && rules_ok;
	const cJSON *reviews = classic ? jget(p, "required_pull_request_reviews") : NULL;
	const cJSON *checks = classic ? jget(p, "required_status_checks") : NULL;
	/* a remembered "not protected" decides as much as a fresh one:
	 * the facts say so whichever list gives their evidence */
	char *ev = classic ? evidence(r, L_PROT)
			   : gh_with_note(evidence(r, L_RULES), cl);
	char *why = NULL;
	/* [0] the number, [1..8] the booleans in GH_PROTECTION_BOOLS order */
	static const char *const all[] = {
		"github.branch_protection.required_reviews",
		GH_PROTECTION_BOOLS,
		NULL,
	};
	double n_reviews = 0;
	bool pr_rule, enabled;

	if (no_branch) {
		why = gh_xasprintf("not measured: branch '%s' not found (%s)",
				   r->branch, r->branch_guessed
				   ? "the repository names no default branch"
				   : "an empty repository?");
		why = gh_with_note(why, cl);
		for (size_t i = 0; all[i]; i++)
			f_unknown(r, all[i], why);
		goto out;
	}
	why = classic_none || classic ? gh_list_reason(rl, NULL)
		: gh_list_reason(cl, NEEDS_ADMIN);
	pr_rule = rules_ok && rule_present(rules, "pull_request", &pr);
	enabled = classic || (rules_ok && any_protective_rule(rules));
	f_setting(r, all[1], enabled, known, why, ev);

	if (reviews) {
		const cJSON *c = jget(reviews, "required_approving_review_count");

		if (cJSON_IsNumber(c))
			n_reviews = c->valuedouble;
	}
	if (pr_rule) {
		const cJSON *c = jget(pr, "required_approving_review_count");

		if (cJSON_IsNumber(c) && c->valuedouble > n_reviews)
			n_reviews = c->valuedouble;
	}
	/* Without classic protection read, a pull_request rule gives a
	 * lower bound that the rule itself enforces. */
	if (known || pr_rule)
		f_num(r, all[0], n_reviews, NULL, ev);
	else
		f_unknown(r, all[0], why);
	f_setting(r, all[2],
		  (checks && (cJSON_GetArraySize(jget(checks, "contexts")) > 0 ||
			      cJSON_GetArraySize(jget(checks, "checks")) > 0)) ||
		  rule_present(rules, "required_status_checks", NULL),
		  known, why, ev);
	f_setting(r, all[3],
		  (classic && jbool(jget(p, "required_signatures"), "enabled")) ||
		  rule_present(rules, "required_signatures", NULL),
		  known, why, ev);
	f_setting(r, all[4],
		  (classic && !jbool(jget(p, "allow_force_pushes"), "enabled")) ||
		  rule_present(rules, "non_fast_forward", NULL), known, why, ev);
	f_setting(r, all[5],
		  (classic && !jbool(jget(p, "allow_deletions"), "enabled")) ||
		  rule_present(rules, "deletion", NULL), known, why, ev);
	if (classic)
		f_bool(r, all[6], jbool(jget(p, "enforce_admins"), "enabled"),
		       ev);
	else if (known && !enabled)
		f_bool(r, all[6], false, ev);	/* nothing to enforce */
	else
		f_unknown(r, all[6], "not measured: ruleset bypass actors "
			  "need admin rights to read (" NEEDS_ADMIN ")");
	f_setting(r, all[7], jbool(reviews, "require_code_owner_reviews") ||
		  (pr_rule && jbool(pr, "require_code_owner_review")),
		  known, why, ev);
	f_setting(r, all[8], jbool(reviews, "dismiss_stale_reviews") ||
		  (pr_rule && jbool(pr, "dismiss_stale_reviews_on_push")),
		  known, why, ev);
out:
	free(why);
	free(ev);
}

/* Files on the default branch, from one recursive tree. */
static void
emit_tree(struct gh_repo *r)
{
	/* The keys the git tree decides, by the kinds of file the shared
	 * detector (plugins/common/repofiles.h) finds in it: the repo
	 * collector's keys (docs/facts.md), which the maturity model reads,
	 * so GitHub-only runs meet them too. */
	static const struct {
		const char *key;
		unsigned kinds;
	} keys[] = {
		{ "ci.present", RF_BIT(RF_GH_WORKFLOW) | RF_BIT(RF_CI_CONFIG) },
		{ "deps.automated_updates", RF_BIT(RF_DEPENDABOT) | RF_BIT(RF_RENOVATE) },
		{ "github.codeowners", RF_BIT(RF_CODEOWNERS) },
		{ "docs.codeowners", RF_BIT(RF_CODEOWNERS) },
		{ "github.security_policy", RF_BIT(RF_SECURITY) },
		{ "docs.security_policy", RF_BIT(RF_SECURITY) },
		{ "container.dockerfile.present", RF_BIT(RF_DOCKERFILE) },
		{ "container.dockerignore", RF_BIT(RF_DOCKERIGNORE) },
		{ "container.compose", RF_BIT(RF_COMPOSE) },
		{ "docs.readme", RF_BIT(RF_README) },
		{ "docs.license", RF_BIT(RF_LICENSE) },
		{ "docs.contributing", RF_BIT(RF_CONTRIBUTING) },
		{ "release.changelog", RF_BIT(RF_CHANGELOG) },
	};
	const size_t nk = sizeof(keys) / sizeof(keys[0]);
	const struct gh_list *l = &r->l[L_TREE];
	const cJSON *tree = jget(l->object, "tree"), *it;
	bool truncated = jbool(l->object, "truncated");
	unsigned found = 0;
	double workflows = 0;
	char *ev = evidence(r, L_TREE);

	if (!gh_list_ok(l) || !cJSON_IsArray(tree)) {
		char *why = gh_list_reason(l, NULL);

		for (size_t i = 0; i < nk; i++)
			f_unknown(r, keys[i].key, why);
		f_unknown(r, "ci.workflows.count", why);
		f_unknown(r, "deps.update_tool", why);
		free(why);
		goto out;
	}
	cJSON_ArrayForEach(it, tree) {
		const char *p = gh_str(it, "path");
		const char *type = gh_str(it, "type");
		unsigned kind;

		if (!p || !type || strcmp(type, "blob") != 0)
			continue;
		kind = rf_classify(p);
		/* no scopes in a tree listing: a compose file counts at the
		 * top only (elsewhere it is usually a test's or a sample) */
		if (strchr(p, '/'))
			kind &= ~RF_BIT(RF_COMPOSE);
		workflows += (kind & RF_BIT(RF_GH_WORKFLOW)) != 0;
		found |= kind;
	}
	for (size_t i = 0; i < nk; i++) {
		bool on = (found & keys[i].kinds) != 0;

		if (on || !truncated)
			f_bool(r, keys[i].key, on, ev);
		else
			f_unknown(r, keys[i].key, "not measured: the git tree is "
				  "larger than GitHub returns in one call "
				  "(truncated)");
	}
	if (truncated)
		f_unknown(r, "ci.workflows.count", "not measured: git tree truncated");
	else
		f_num(r, "ci.workflows.count", workflows, NULL, ev);
	/* same values as the repo collector's deps.update_tool */
	if ((found & keys[1].kinds) || !truncated)
		f_str(r, "deps.update_tool",
		      (found & RF_BIT(RF_DEPENDABOT)) && (found & RF_BIT(RF_RENOVATE))
			      ? "dependabot+renovate"
		      : (found & RF_BIT(RF_DEPENDABOT)) ? "dependabot"
		      : (found & RF_BIT(RF_RENOVATE))	? "renovate" : "none", ev);
	else
		f_unknown(r, "deps.update_tool", "not measured: git tree truncated");
out:
	free(ev);
}

static const char *
severity_of_alert(const cJSON *a, bool code_scanning)
{
	if (code_scanning) {
		const cJSON *rule = jget(a, "rule");
		const char *s = gh_str(rule, "security_severity_level");

		if (s)
			return s;
		s = gh_str(rule, "severity");
		/* CodeQL non-security levels */
		if (s && !strcmp(s, "error"))
			return "high";
		if (s && !strcmp(s, "warning"))
			return "medium";
		if (s && !strcmp(s, "note"))
			return "low";
		return s;
	}
	{
		const char *s = gh_str(jget(a, "security_advisory"), "severity");

		if (!s)
			s = gh_str(jget(a, "security_vulnerability"), "severity");
		if (s && !strcmp(s, "moderate"))
			return "medium";
		return s;
	}
}

static void
emit_alert_counts(struct gh_repo *r, int which, const char *base,
		  bool code_scanning)
{
	static const char *const sev[] = { "critical", "high", "medium", "low" };
	const struct gh_list *l = &r->l[which];
	double n[4] = { 0 }, n_open = 0;
	const cJSON *a;
	char *ev = evidence(r, which), key[128];

	if (!gh_list_ok(l) || l->truncated) {
		const char *needs = code_scanning ? NEEDS_CS : NEEDS_DEPENDABOT;
		char *why;

		if (l->truncated)
			why = gh_xasprintf("not measured: more than %d pages of alerts",
					l->max_pages);
		else if (l->status == 403 && l->message &&
			 strcasestr(l->message, "disabled"))
			why = gh_xasprintf("not measured: %s", l->message);
		else if (l->status == 403 && l->message &&
			 (strcasestr(l->message, "Advanced Security") ||
			  strcasestr(l->message, "Code Security")))
			why = gh_xasprintf("not measured: needs GitHub Advanced "
					"Security / Code Security on this "
					"repository (GitHub: %s)", l->message);
		else if (l->status == 404 && code_scanning)
			why = gh_xasprintf("not measured: no code scanning "
					"analysis on the default branch");
		else
			why = gh_list_reason(l, needs);
		if (!strstr(why, "[carried over"))
			why = gh_with_note(why, l);
		for (size_t i = 0; i < 4; i++) {
			snprintf(key, sizeof(key), "%s.%s", base, sev[i]);
			f_unknown(r, key, why);
		}
		snprintf(key, sizeof(key), "%s.open", base);
		f_unknown(r, key, why);
		free(why);
		goto out;
	}
	cJSON_ArrayForEach(a, l->items) {
		const char *s = severity_of_alert(a, code_scanning);
		const char *state = gh_str(a, "state");

		/* asked for state=open; a server that ignores the filter
		 * (recorded answers list dismissed and fixed ones) must not
		 * inflate the counts */
		if (state && strcmp(state, "open") != 0)
			continue;
		n_open++;
		for (size_t i = 0; s && i < 4; i++)
			if (!strcmp(s, sev[i]))
				n[i]++;
	}
	for (size_t i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "%s.%s", base, sev[i]);
		f_num(r, key, n[i], NULL, ev);
	}
	snprintf(key, sizeof(key), "%s.open", base);
	f_num(r, key, n_open, NULL, ev);
out:
	free(ev);
}

static void
emit_security(struct gh_repo *r)
{
	const struct gh_list *va = &r->l[L_VULN_ALERTS], *da = &r->l[L_DEPENDABOT];
	const struct gh_list *an = &r->l[L_CS_ANALYSES], *hk = &r->l[L_HOOKS];
	bool admin = jbool(jget(r->repo, "permissions"), "admin") ||
		     jbool(r->gql_r, "viewerCanAdminister");
	const cJSON *hv = jget(r->gql_v, "hasVulnerabilityAlertsEnabled");
	char *ev;

	emit_alert_counts(r, L_DEPENDABOT, "github.dependabot.alerts", false);
	emit_alert_counts(r, L_CS_ALERTS, "github.code_scanning.alerts", true);

	/* Dependabot alerts on? several answers can tell; GraphQL's switch
	 * is read like REST's: on is on, off only when an admin asked */
	if (r->gql && cJSON_IsBool(hv) && (cJSON_IsTrue(hv) || admin)) {
		ev = gh_xasprintf("POST /graphql repository(owner, name)"
				  ".hasVulnerabilityAlertsEnabled");
		f_bool(r, "github.vulnerability_alerts", cJSON_IsTrue(hv), ev);
	} else if (va->status == 204 && !va->error) {
		ev = evidence(r, L_VULN_ALERTS);
		f_bool(r, "github.vulnerability_alerts", true, ev);
	} else if (gh_list_ok(da)) {
		ev = evidence(r, L_DEPENDABOT);
		f_bool(r, "github.vulnerability_alerts", true, ev);
	} else if (da->status == 403 && da->message &&
		   strcasestr(da->message, "disabled")) {
		ev = evidence(r, L_DEPENDABOT);
		f_bool(r, "github.vulnerability_alerts", false, ev);
	} else if (va->status == 404 && admin && !va->error) {
		ev = evidence(r, L_VULN_ALERTS);
		f_bool(r, "github.vulnerability_alerts", false, ev);
	} else {
		char *why = !r->gql ? gh_list_reason(va, NEEDS_ADMIN) :
			gh_xasprintf("%s (%s)", r->gql_v_why ? r->gql_v_why :
				     "not measured: hasVulnerabilityAlertsEnabled "
				     "is false for a token without admin rights",
				     NEEDS_ADMIN);

		ev = NULL;
		f_unknown(r, "github.vulnerability_alerts", why);
		free(why);
	}
	free(ev);

	ev = evidence(r, L_CS_ANALYSES);
	if (gh_list_ok(an))
		f_bool(r, "github.code_scanning.enabled",
		       cJSON_GetArraySize(an->object) > 0, ev);
	else if (an->status == 404 && !an->error)
		f_bool(r, "github.code_scanning.enabled", false, ev);
	else if (an->status == 403 && an->message &&
		 (strcasestr(an->message, "Advanced Security") ||
		  strcasestr(an->message, "Code Security")))
		f_bool(r, "github.code_scanning.enabled", false, ev);
	else {
		char *why = gh_list_reason(an, NEEDS_CS);

		f_unknown(r, "github.code_scanning.enabled", why);
		free(why);
	}
	free(ev);

	ev = evidence(r, L_HOOKS);
	if (gh_list_ok(hk) && !hk->truncated) {
		bool all = true;
		const cJSON *h;

		cJSON_ArrayForEach(h, hk->items)
			if (!gh_str(jget(h, "config"), "secret"))
				all = false;
		f_bool(r, "github.webhooks.all_secret", all, ev);
	} else {
		char *why = gh_list_reason(hk, NEEDS_HOOKS);

		f_unknown(r, "github.webhooks.all_secret", why);
		free(why);
	}
	free(ev);
}

static bool
is_semver(const char *tag)
{
	int a, b, c, n = 0;

	if (!tag)
		return false;
	if (*tag == 'v' || *tag == 'V')
		tag++;
	return sscanf(tag, "%d.%d.%d%n", &a, &b, &c, &n) == 3 &&
	       (tag[n] == '\0' || tag[n] == '-' || tag[n] == '+');
}

static void
emit_releases(struct gh_repo *r)
{
	const struct gh_list *l = &r->l[L_RELEASES];
	const cJSON *rel;
	bool semver = true, signed_ = false, sbom = false;
	int with_assets = 0, count = 0;
	char *ev = evidence(r, L_RELEASES);

	if (!gh_list_ok(l)) {
		static const char *const keys[] = {
			"github.releases.count", "github.releases.semver",
			"github.releases.signed", "github.releases.sbom", NULL };

		f_unknown_list(r, l, NULL, keys);
		goto out;
	}
	cJSON_ArrayForEach(rel, l->items) {
		const cJSON *assets = jget(rel, "assets"), *a;
		int64_t t = gh_time(r->g, rel, "published_at");

		if (jbool(rel, "draft"))
			continue;
		count++;
		if (!is_semver(gh_str(rel, "tag_name")))
			semver = false;
		if (t >= r->g->since && !jbool(rel, "prerelease")) {
			const char *tag = gh_str(rel, "tag_name");
			struct og_attr at[] = { { "tag", tag ? tag : "" },
						{ "repo", r->full } };
			const cJSON *id = jget(rel, "id");
			char idbuf[32];

			snprintf(idbuf, sizeof(idbuf), "%.0f",
				 cJSON_IsNumber(id) ? id->valuedouble : 0.0);
			emit_event(r, "release", t, idbuf, at, 2);
		}
		/* Scorecard looks at the last five releases with assets */
		if (cJSON_GetArraySize(assets) == 0 || with_assets >= 5)
			continue;
		with_assets++;
		cJSON_ArrayForEach(a, assets) {
			const char *n = gh_str(a, "name");

			if (!n)
				continue;
			if (strstr(n, ".sig") || strstr(n, ".asc") ||
			    strstr(n, ".minisig") || strstr(n, ".sigstore") ||
			    strstr(n, ".intoto.jsonl") || strstr(n, ".sign"))
				signed_ = true;
			if (strcasestr(n, "sbom") || strcasestr(n, "spdx") ||
			    strcasestr(n, "cyclonedx") || strstr(n, ".cdx."))
				sbom = true;
		}
	}
	if (l->truncated)
		f_unknown(r, "github.releases.count",
			  "not measured: more releases than were read");
	else
		f_num(r, "github.releases.count", count, NULL, ev);
	if (count)
		f_bool(r, "github.releases.semver", semver, ev);
	else
		f_unknown(r, "github.releases.semver", "not measured: no releases");
	if (with_assets) {
		f_bool(r, "github.releases.signed", signed_, ev);
		f_bool(r, "github.releases.sbom", sbom, ev);
	} else {
		f_unknown(r, "github.releases.signed",
			  "not measured: no release with assets");
		f_unknown(r, "github.releases.sbom",
			  "not measured: no release with assets");
	}
out:
	free(ev);
}

/* The environments from GraphQL, in REST's shape (total_count,
 * environments[].name, protection_rules[].type in lower case), so one
 * reading serves both; NULL when GraphQL gave none. */
static cJSON *
gql_environments(const cJSON *gql_r)
{
	const cJSON *conn = jget(gql_r, "environments"), *e, *p;
	const cJSON *tc = jget(conn, "totalCount");
	cJSON *o, *arr;

	if (!cJSON_IsNumber(tc) || !cJSON_IsArray(jget(conn, "nodes")))
		return NULL;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "total_count", tc->valuedouble);
	arr = cJSON_AddArrayToObject(o, "environments");
	cJSON_ArrayForEach(e, jget(conn, "nodes")) {
		cJSON *env = cJSON_CreateObject(), *rules;

		if (gh_str(e, "name"))
			cJSON_AddStringToObject(env, "name", gh_str(e, "name"));
		rules = cJSON_AddArrayToObject(env, "protection_rules");
		cJSON_ArrayForEach(p, jget(jget(e, "protectionRules"), "nodes")) {
			const char *t = gh_str(p, "type");
			cJSON *rule = cJSON_CreateObject();

			if (t) {
				char *low = gh_xasprintf("%s", t);

				for (char *c = low; *c; c++)
					*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
				cJSON_AddStringToObject(rule, "type", low);
				free(low);
			}
			cJSON_AddItemToArray(rules, rule);
		}
		cJSON_AddItemToArray(arr, env);
	}
	return o;
}

static void
emit_environments(struct gh_repo *r)
{
	const struct gh_list *l = &r->l[L_ENVS];
	cJSON *gql = r->gql ? gql_environments(r->gql_r) : NULL;
	const cJSON *obj = r->gql ? gql : l->object;
	const cJSON *envs = jget(obj, "environments"), *e;
	const cJSON *tc = jget(obj, "total_count");
	bool prod_seen = false, prot = false;
	char *ev = r->gql ? gh_xasprintf("POST /graphql repository(owner, name)"
					 ".environments") : evidence(r, L_ENVS);

	if (r->gql && !gql) {
		static const char *const keys[] = { "github.environments.count",
			"github.environments.protected", NULL };

		for (size_t i = 0; keys[i]; i++)
			f_unknown(r, keys[i], r->gql_r_why ? r->gql_r_why :
				  "not measured: GraphQL gave no environments");
		goto out;
	}
	if (!r->gql && (!gh_list_ok(l) || !cJSON_IsArray(envs))) {
		static const char *const keys[] = { "github.environments.count",
			"github.environments.protected", NULL };

		f_unknown_list(r, l, NULL, keys);
		goto out;
	}
	f_num(r, "github.environments.count",
	      cJSON_IsNumber(tc) ? tc->valuedouble : cJSON_GetArraySize(envs),
	      NULL, ev);
	cJSON_ArrayForEach(e, envs) {
		const cJSON *rules = jget(e, "protection_rules"), *pr;

		if (!matches(&r->g->prod_re, r->g->prod_re_ok, gh_str(e, "name")))
			continue;
		prod_seen = true;
		cJSON_ArrayForEach(pr, rules) {
			const char *t = gh_str(pr, "type");

			if (t && (!strcmp(t, "required_reviewers") ||
				  !strcmp(t, "wait_timer")))
				prot = true;
		}
	}
	if (prod_seen || prot)
		f_bool(r, "github.environments.protected", prot, ev);
	else if (cJSON_IsNumber(tc) && tc->valuedouble > cJSON_GetArraySize(envs))
		f_unknown(r, "github.environments.protected", "not measured: "
			  "more environments than were read, none of them "
			  "production");
	else
		f_unknown(r, "github.environments.protected",
			  "not measured: no production environment (by "
			  "prod_environment)");
out:
	cJSON_Delete(gql);
	free(ev);
}

/* Workflow runs in the window -> workflow_run events; deploy fallback. */
static size_t
emit_runs(struct gh_repo *r, bool deploy_fallback, size_t *ret_deploys)
{
	cJSON *seen = cJSON_CreateObject();
	size_t n = 0, deploys = 0;
	bool all_ok = true;

	for (size_t i = 0; i < r->n_pieces; i++) {
		const struct gh_list *l = &r->pieces[i].list;
		const cJSON *run;

		if (!gh_list_ok(l))
			all_ok = false;
		cJSON_ArrayForEach(run, l->items) {
			const cJSON *id = jget(run, "id");
			const char *name = gh_str(run, "name");
			const char *concl = gh_str(run, "conclusion");
			const char *branch = gh_str(run, "head_branch");
			const char *sha = gh_str(run, "head_sha");
			int64_t start = gh_time(r->g, run, "run_started_at");
			int64_t end = gh_time(r->g, run, "updated_at");
			int64_t created = gh_time(r->g, run, "created_at");
			char idbuf[32], dur[32];
			struct og_attr at[7];
			size_t k = 0;

			if (!cJSON_IsNumber(id) || !concl || created < 0)
				continue;	/* still running */
			snprintf(idbuf, sizeof(idbuf), "%.0f", id->valuedouble);
			if (cJSON_GetObjectItemCaseSensitive(seen, idbuf))
				continue;
			cJSON_AddTrueToObject(seen, idbuf);
			if (start < 0)
				start = created;
			snprintf(dur, sizeof(dur), "%lld",
				 (long long)(end >= start ? end - start : 0));
			at[k++] = (struct og_attr){ "name", name ? name : "" };
			at[k++] = (struct og_attr){ "conclusion", concl };
			at[k++] = (struct og_attr){ "duration_s", dur };
			at[k++] = (struct og_attr){ "event",
				gh_str(run, "event") ? gh_str(run, "event") : "" };
			at[k++] = (struct og_attr){ "branch", branch ? branch : "" };
			at[k++] = (struct og_attr){ "repo", r->full };
			emit_event(r, "workflow_run", start, idbuf, at, k);
			n++;

			if (!deploy_fallback ||
			    !matches(&r->g->deploy_re, r->g->deploy_re_ok, name) ||
			    !branch || strcmp(branch, r->branch) != 0 ||
			    (strcmp(concl, "success") && strcmp(concl, "failure")))
				continue;
			{
				struct og_attr d[] = {
					{ "environment", "production" },
					{ "status", concl },
					{ "sha", sha ? sha : "" },
					{ "origin", "workflow" },
					{ "repo", r->full },
				};

				emit_event(r, "deployment", end >= 0 ? end : start,
					   idbuf, d, 5);
				deploys++;
			}
		}
	}
	cJSON_Delete(seen);
	if (!all_ok) {
		const struct gh_list *l = &r->pieces[0].list;
		char *why = gh_list_reason(l, "needs Actions: read");

		f_unknown(r, "github.workflow_runs.count", why);
		free(why);
	} else {
		char *ev = gh_xasprintf("GET /repos/%s/actions/runs?created=...%s",
				     r->full, r->runs_split ? " (window split)" : "");

		f_num(r, "github.workflow_runs.count", (double)n, NULL, ev);
		free(ev);
	}
	*ret_deploys = deploys;
	return n;
}

/* Latest decisive status of a deployment: success beats the rest. */
static const cJSON *
decisive_status(const cJSON *statuses)
{
	const cJSON *s, *failure = NULL;

	cJSON_ArrayForEach(s, statuses) {
		const char *st = gh_str(s, "state");

		if (st && !strcmp(st, "success"))
			return s;
		if (st && (!strcmp(st, "failure") || !strcmp(st, "error")) &&
		    !failure)
			failure = s;
	}
	return failure;
}

static void
emit_delivery(struct gh_repo *r)
{
	struct gh *g = r->g;
	const struct gh_list *dl = &r->l[L_DEPLOYS];
	size_t deploys = 0, any_in_window = 0, wf_deploys = 0;
	const char *source = "none";
	const cJSON *d;
	char *ev = evidence(r, L_DEPLOYS);

	cJSON_ArrayForEach(d, dl->items)
		if (gh_time(r->g, d, "created_at") >= g->since)
			any_in_window++;
	if (gh_list_ok(dl))
		f_bool(r, "github.deployments.present", any_in_window > 0, ev);
	else {
		char *why = gh_list_reason(dl, "needs Deployments: read");

		f_unknown(r, "github.deployments.present", why);
		free(why);
	}

	for (size_t i = 0; i < r->n_statuses; i++) {
		const cJSON *dep = r->status_of[i], *st, *id = jget(dep, "id");
		const char *state, *sha = gh_str(dep, "sha");
		const char *env = gh_str(dep, "environment");
		char idbuf[32];

		if (!gh_list_ok(&r->statuses[i]))
			continue;
		st = decisive_status(r->statuses[i].items);
		if (!st)
			continue;
		state = gh_str(st, "state");
		snprintf(idbuf, sizeof(idbuf), "%.0f",
			 cJSON_IsNumber(id) ? id->valuedouble : 0.0);
		{
			struct og_attr at[] = {
				{ "environment", env ? env : "" },
				{ "status", !strcmp(state, "success") ?
					    "success" : "failure" },
				{ "sha", sha ? sha : "" },
				{ "origin", "deployments" },
				{ "repo", r->full },
			};

			emit_event(r, "deployment", gh_time(r->g, st, "created_at"),
				   idbuf, at, 5);
		}
		deploys++;
	}
	if (deploys) {
		source = "deployments";
		emit_runs(r, false, &wf_deploys);
	} else {
		emit_runs(r, true, &wf_deploys);
		if (wf_deploys) {
			source = "workflow";
		} else {
			/* releases in the window stand in for deployments */
			const cJSON *rel;

			cJSON_ArrayForEach(rel, r->l[L_RELEASES].items) {
				int64_t t = gh_time(r->g, rel, "published_at");
				const char *tag = gh_str(rel, "tag_name");
				const cJSON *id = jget(rel, "id");
				char idbuf[32];

				if (t < g->since || jbool(rel, "draft") ||
				    jbool(rel, "prerelease"))
					continue;
				snprintf(idbuf, sizeof(idbuf), "%.0f",
					 cJSON_IsNumber(id) ? id->valuedouble : 0.0);
				{
					struct og_attr at[] = {
						{ "environment", "production" },
						{ "status", "success" },
						{ "sha", gh_str(rel, "target_commitish") ?
							 gh_str(rel, "target_commitish") : "" },
						{ "origin", "release" },
						{ "tag", tag ? tag : "" },
						{ "repo", r->full },
					};

					emit_event(r, "deployment", t, idbuf, at, 6);
				}
				deploys++;
			}
			if (deploys)
				source = "release";
		}
		deploys += wf_deploys;
	}
	{
		char *why = gh_xasprintf("production deployments from %s "
				      "(deployments in a prod_environment "
				      "with a success/failure status, else "
				      "runs of deploy_workflow on %s, else "
				      "releases)", source, r->branch);

		f_str(r, "github.deployments.source", source, why);
		free(why);
	}
	f_num(r, "github.deployments.count", (double)deploys, NULL, ev);
	free(ev);
}

static void
emit_pulls(struct gh_repo *r)
{
	struct gh *g = r->g;
	const struct gh_list *pl = &r->l[L_PULLS];
	size_t merged = 0, reviewed = 0, judged = 0;
	const cJSON *pr;
	char *ev = evidence(r, L_PULLS);

	if (!gh_list_ok(pl)) {
		char *why = gh_list_reason(pl, "needs Pull requests: read");

		f_unknown(r, "github.pull_requests.merged", why);
		f_unknown(r, "github.pull_requests.reviewed_ratio", why);
		free(why);
		goto out;
	}
	cJSON_ArrayForEach(pr, pl->items) {
		int64_t merged_at = gh_time(r->g, pr, "merged_at");
		const cJSON *num = jget(pr, "number");
		const char *sha = gh_str(pr, "merge_commit_sha");
		char idbuf[32], first[32], created[32];
		struct og_attr at[5];
		size_t k = 0;

		if (merged_at < g->since || !cJSON_IsNumber(num))
			continue;
		merged++;
		snprintf(idbuf, sizeof(idbuf), "%.0f", num->valuedouble);
		for (size_t i = 0; i < r->n_pr; i++) {
			const cJSON *c;
			int64_t t;

			if (r->pr_of[i] != pr || !gh_list_ok(&r->pr_commits[i]))
				continue;
			c = cJSON_GetArrayItem(r->pr_commits[i].items, 0);
			t = gh_time(r->g, jget(jget(c, "commit"), "author"), "date");
			if (t < 0)
				t = gh_time(r->g, jget(jget(c, "commit"), "committer"),
					    "date");
			if (t >= 0) {
				fmt_time(t, first, sizeof(first));
				at[k++] = (struct og_attr){ "first_commit_at",
							    first };
			}
		}
		if (gh_time(r->g, pr, "created_at") >= 0) {
			fmt_time(gh_time(r->g, pr, "created_at"), created,
				 sizeof(created));
			at[k++] = (struct og_attr){ "created_at", created };
		}
		at[k++] = (struct og_attr){ "sha", sha ? sha : "" };
		at[k++] = (struct og_attr){ "repo", r->full };
		emit_event(r, "pr_merged", merged_at, idbuf, at, k);
	}
	f_num(r, "github.pull_requests.merged", (double)merged, NULL, ev);

	for (size_t i = 0; i < r->n_reviews; i++) {
		const char *author = gh_str(jget(r->review_of[i], "user"),
					    "login");
		const cJSON *rv;
		bool ok = false;

		if (!gh_list_ok(&r->pr_reviews[i]))
			continue;
		judged++;
		cJSON_ArrayForEach(rv, r->pr_reviews[i].items) {
			const char *who = gh_str(jget(rv, "user"), "login");
			const char *st = gh_str(rv, "state");

			if (st && !strcmp(st, "APPROVED") && who &&
			    (!author || strcmp(who, author)))
				ok = true;
		}
		if (ok)
			reviewed++;
	}
	if (judged) {
		char *rev = gh_xasprintf("GET /repos/%s/pulls/{n}/reviews for the "
				      "last %zu merged pull requests",
				      r->full, judged);

		f_num(r, "github.pull_requests.reviewed_ratio",
		      (double)reviewed / (double)judged, NULL, rev);
		free(rev);
	} else {
		f_unknown(r, "github.pull_requests.reviewed_ratio",
			  "not measured: no merged pull requests in the window");
	}
out:
	free(ev);
}

static void
emit_incidents(struct gh_repo *r)
{
	const struct gh_list *l = &r->l[L_ISSUES];
	const cJSON *is;
	size_t n = 0;
	char *ev = evidence(r, L_ISSUES);

	if (!gh_list_ok(l)) {
		char *why = gh_list_reason(l, "needs Issues: read");

		f_unknown(r, "github.incidents.count", why);
		free(why);
		goto out;
	}
	cJSON_ArrayForEach(is, l->items) {
		int64_t t = gh_time(r->g, is, "created_at");
		int64_t closed = gh_time(r->g, is, "closed_at");
		const cJSON *num = jget(is, "number");
		char idbuf[32], res[32];
		struct og_attr at[3];
		size_t k = 0;

		/* the issues API also lists pull requests */
		if (jget(is, "pull_request") || t < r->g->since ||
		    !cJSON_IsNumber(num))
			continue;
		snprintf(idbuf, sizeof(idbuf), "%.0f", num->valuedouble);
		if (closed >= 0) {
			fmt_time(closed, res, sizeof(res));
			at[k++] = (struct og_attr){ "resolved_at", res };
		}
		at[k++] = (struct og_attr){ "label", r->g->incident_label };
		at[k++] = (struct og_attr){ "repo", r->full };
		emit_event(r, "incident", t, idbuf, at, k);
		n++;
	}
	f_num(r, "github.incidents.count", (double)n, NULL, ev);
out:
	free(ev);
}

static void
emit_activity(struct gh_repo *r)
{
	const struct gh_list *l = &r->l[L_COMMITS];
	char *ev = evidence(r, L_COMMITS);

	if (gh_list_ok(l) && l->last_page < 0 && l->truncated) {
		/* A next page but no rel="last" (cursor pagination): the
		 * page count is not the commit count. */
		f_unknown(r, "github.activity.commits_90d", "not measured: "
			  "GitHub paged the commits without a last page");
	} else if (gh_list_ok(l)) {
		/* per_page=1: the last page number is the count */
		double n = l->last_page > 0 ?
			   (cJSON_GetArraySize(l->items) ? (double)l->last_page : 0) :
			   (double)cJSON_GetArraySize(l->items);

		f_num(r, "github.activity.commits_90d", n, NULL, ev);
	} else if (l->status == 409) {
		f_num(r, "github.activity.commits_90d", 0, NULL, ev); /* empty repo */
	} else {
		char *why = gh_list_reason(l, NULL);

		f_unknown(r, "github.activity.commits_90d", why);
		free(why);
	}
	free(ev);
}

void
gh_repo_emit(struct gh_repo *r, bool org_mode)
{
	(void)org_mode;
	if (r->failed) {
		char *why = gh_list_reason(&r->l[L_REPO], NULL);

		r->g->host->log(r->g->ctx, OG_LOG_ERROR, "%s: %s", r->full, why);
		/* nothing of the repository could be read: say so in the
		 * collector status, not only in the log */
		gh_partial(r->g, why);
		f_unknown(r, "github.repo.archived", why);
		free(why);
		return;
	}
	emit_repo_facts(r);
	emit_protection(r);
	emit_tree(r);
	emit_security(r);
	emit_releases(r);
	emit_environments(r);
	emit_delivery(r);
	emit_pulls(r);
	emit_incidents(r);
	emit_activity(r);
	{
		struct gh_list *lists[L_N + 1];
		const char *names[L_N + 1];
		size_t n = memo_lists(r, lists, names);

		gh_memo_record(r->g, r->full, r->repo,
			       (const struct gh_list *const *)lists, names, n);
	}
}
