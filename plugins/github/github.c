/*
 * github collector: repository posture, CI history and delivery events
 * from the GitHub REST API, for one repository (collectors.github.repo)
 * or an organisation (collectors.github.org, optionally one shard).
 *
 * The HTTP work goes through the host (og_host.http_batch): pooled,
 * rate-limit aware, ETag-cached, with the token attached by the host.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gh.h"
#include "hash.h"
#include "target.h"

#define GH_ORG_CHUNK		64	/* repositories collected together */
#define GH_WINDOW_DAYS_MAX	3650
#define GH_RECHECK_DAYS_DEFAULT	7
#define GH_RECHECK_DAYS_MAX	365
#define GH_LABEL_MAX		100

static const struct og_option github_options[] = {
	{ .key = "repo", .type = OG_OPT_STRING, .flags = OG_OPTF_SUBJECT,
	  .help = "repository OWNER/NAME (--github)" },
	{ .key = "org", .type = OG_OPT_STRING, .flags = OG_OPTF_SUBJECT,
	  .help = "organisation: collect all its repositories (--github-org)" },
	{ .key = "api_url", .type = OG_OPT_STRING,
	  .help = "API base URL; GHES: https://HOST/api/v3 (--github-url)" },
	{ .key = "token_file", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "file holding the token (else GITHUB_TOKEN / GH_TOKEN)" },
	{ .key = "shard", .type = OG_OPT_STRING,
	  .help = "I/N: collect the I-th of N deterministic parts of the org (1-based)" },
	{ .key = "include_archived", .type = OG_OPT_BOOL,
	  .help = "org mode: include archived repositories" },
	{ .key = "include_forks", .type = OG_OPT_BOOL,
	  .help = "org mode: include forks" },
	{ .key = "prod_environment", .type = OG_OPT_STRING,
	  .help = "regex for production environments, default (?i)prod" },
	{ .key = "deploy_workflow", .type = OG_OPT_STRING,
	  .help = "regex for deploy workflow names (fallback), default (?i)deploy" },
	{ .key = "incident_label", .type = OG_OPT_STRING,
	  .help = "issue label marking incidents, default incident" },
	{ .key = "window_days", .type = OG_OPT_NUMBER,
	  .help = "KPI window in days, default 90" },
	{ .key = "recheck_days", .type = OG_OPT_NUMBER,
	  .help = "days an unchanged repository's answers without an ETag "
		  "(404, 403, 204) are reused before asking again, default 7; "
		  "0: always ask" },
	{ .key = NULL },
};

/* The token goes only to the API the user configured (api_url), else
 * api.github.com; the host attaches it as Bearer (plugin.h). */
static const char *const github_token_hosts[] = { "api.github.com", NULL };
static const struct og_credential github_credentials[] = {
	{ .name = "github.token", .env = "GITHUB_TOKEN:GH_TOKEN",
	  .file_option = "token_file", .hosts = github_token_hosts,
	  .hosts_option = "api_url", .scheme = "Bearer" },
	{ .name = NULL },
};

static bool
valid_name(const char *s, bool slash)
{
	int slashes = 0;

	if (!s || !*s || strlen(s) > 200)
		return false;
	for (; *s; s++) {
		if (*s == '/')
			slashes++;
		else if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
			 *s != '.')
			return false;
	}
	return slash ? slashes == 1 : slashes == 0;
}

static int
github_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct gh *g = calloc(1, sizeof(*g));
	const char *v;
	double d;
	int r = -EINVAL, got;

	if (!g)
		return -ENOMEM;
	g->ctx = ctx;
	g->host = host;
	g->repo = host->config_get(ctx, "repo");
	g->org = host->config_get(ctx, "org");
	if (g->repo && !*g->repo)
		g->repo = NULL;
	if (g->org && !*g->org)
		g->org = NULL;
	if (!g->repo && !g->org) {
		host->log(ctx, OG_LOG_ERROR, "set collectors.github.repo "
			  "(--github OWNER/REPO) or collectors.github.org "
			  "(--github-org ORG)");
		goto fail;
	}
	if (g->repo && g->org) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github: set repo or "
			  "org, not both");
		goto fail;
	}
	if (g->repo && !valid_name(g->repo, true)) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github.repo: '%s' is "
			  "not OWNER/NAME", g->repo);
		goto fail;
	}
	if (g->org && !valid_name(g->org, false)) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github.org: '%s' is "
			  "not an organisation name", g->org);
		goto fail;
	}

	v = host->config_get(ctx, "api_url");
	if (v && *v) {
		size_t n = strlen(v);

		if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7)) {
			host->log(ctx, OG_LOG_ERROR, "collectors.github.api_url: "
				  "'%s' is not an http(s) URL", v);
			goto fail;
		}
		g->api_owned = strdup(v);
		if (!g->api_owned) {
			r = -ENOMEM;
			goto fail;
		}
		while (n > 0 && g->api_owned[n - 1] == '/')
			g->api_owned[--n] = '\0';
		g->api = g->api_owned;
	} else {
		g->api = "https://api.github.com";
	}

	v = host->config_get(ctx, "shard");
	if (v && *v) {
		unsigned i, n;
		int used = 0;

		if (sscanf(v, "%u/%u%n", &i, &n, &used) != 2 || v[used] ||
		    n == 0 || n > 100000 || i == 0 || i > n) {
			host->log(ctx, OG_LOG_ERROR, "collectors.github.shard: "
				  "'%s' is not I/N with 1 <= I <= N", v);
			goto fail;
		}
		g->shard_i = i;
		g->shard_n = n;
	}
	/* unset stays false; the host validated the type before the run */
	host->config_bool(ctx, "include_archived", &g->include_archived);
	host->config_bool(ctx, "include_forks", &g->include_forks);

	g->window_days = 90;
	got = host->config_number(ctx, "window_days", &d);
	if (got != -ENOENT) {
		if (got < 0 || d < 1 || d > GH_WINDOW_DAYS_MAX || d != (int)d) {
			host->log(ctx, OG_LOG_ERROR, "collectors.github.window_days: "
				  "'%s' is not a number of days from 1 to %d",
				  host->config_get(ctx, "window_days"), GH_WINDOW_DAYS_MAX);
			goto fail;
		}
		g->window_days = (int)d;
	}
	g->recheck_days = GH_RECHECK_DAYS_DEFAULT;
	got = host->config_number(ctx, "recheck_days", &d);
	if (got != -ENOENT) {
		if (got < 0 || d < 0 || d > GH_RECHECK_DAYS_MAX || d != (int)d) {
			host->log(ctx, OG_LOG_ERROR, "collectors.github.recheck_days: "
				  "'%s' is not a number of days from 0 to %d",
				  host->config_get(ctx, "recheck_days"),
				  GH_RECHECK_DAYS_MAX);
			goto fail;
		}
		g->recheck_days = (int)d;
	}
	g->incident_label = host->config_get(ctx, "incident_label");
	if (!g->incident_label || !*g->incident_label)
		g->incident_label = "incident";
	if (strlen(g->incident_label) > GH_LABEL_MAX ||
	    strpbrk(g->incident_label, "&?#/ \t\r\n")) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github.incident_label: "
			  "'%s' is not a plain label name", g->incident_label);
		goto fail;
	}

	v = host->config_get(ctx, "prod_environment");
	g->prod_re_ok = gh_regex_compile(&g->prod_re, v && *v ? v : "(?i)prod");
	if (!g->prod_re_ok) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github.prod_environment: "
			  "'%s' is not a valid (POSIX extended) regex", v);
		goto fail;
	}
	v = host->config_get(ctx, "deploy_workflow");
	g->deploy_re_ok = gh_regex_compile(&g->deploy_re,
					   v && *v ? v : "(?i)deploy");
	if (!g->deploy_re_ok) {
		host->log(ctx, OG_LOG_ERROR, "collectors.github.deploy_workflow: "
			  "'%s' is not a valid (POSIX extended) regex", v);
		goto fail;
	}
	if (!OG_HOST_HAS(host, http_batch) || !OG_HOST_HAS(host, http_free) ||
	    !OG_HOST_HAS(host, now) || !OG_HOST_HAS(host, parse_time)) {
		host->log(ctx, OG_LOG_ERROR, "the host offers no HTTP service");
		r = -ENOTSUP;
		goto fail;
	}
	/* GraphQL answers only with a token */
	g->use_graphql = host->secret_available(ctx, "github.token");
	if (!g->use_graphql)
		host->log(ctx, OG_LOG_WARN, "no GitHub token (GITHUB_TOKEN, "
			  "GH_TOKEN or collectors.github.token_file): "
			  "unauthenticated requests are limited to 60 an hour "
			  "and private data is invisible");
	g->now = host->now(ctx);
	g->since = g->now - (int64_t)g->window_days * 86400;
	*ret_state = g;
	return 0;
fail:
	if (g->prod_re_ok)
		regfree(&g->prod_re);
	free(g->api_owned);
	free(g);
	return r;
}

static void
github_fini(void *state)
{
	struct gh *g = state;

	if (!g)
		return;
	if (g->prod_re_ok)
		regfree(&g->prod_re);
	if (g->deploy_re_ok)
		regfree(&g->deploy_re);
	free(g->api_owned);
	free(g);
}

/*
 * The settings GraphQL answers, for the repositories of a batch that
 * want them now (gh-graphql.c): one query for them all, asked beside
 * their phase's REST lists.  Returns the repositories' indexes in
 * @which (the query's rN aliases), their count in *ret_n.
 */
static bool
settings_query(struct gh *g, struct gh_repo **repos, const char *const *names,
	       size_t n, struct gh_gql *q, size_t *which, size_t *ret_n)
{
	const char **asked = calloc(n ? n : 1, sizeof(*asked));
	size_t k = 0;

	if (!asked)
		return false;
	for (size_t i = 0; i < n; i++)
		if (gh_repo_wants_settings(repos[i])) {
			which[k] = i;
			asked[k++] = names[i];
		}
	if (k)
		gh_gql_init(q, g, asked, k);
	free(asked);
	*ret_n = k;
	return k > 0;
}

/* Hand each repository its part of the query's answer; a query that
 * failed as a whole sends them to REST, and the rest of the run too. */
static void
settings_deliver(struct gh *g, struct gh_repo **repos, struct gh_gql *q,
		 const size_t *which, size_t k)
{
	if (gh_gql_settle(q)) {
		g->gql_queries++;
		g->gql_points += q->cost;
	} else if (g->use_graphql) {
		g->use_graphql = false;
		g->host->log(g->ctx, OG_LOG_INFO, "GraphQL unavailable (%s): "
			     "repository settings by REST instead", q->why);
	}
	for (size_t j = 0; j < k; j++)
		gh_repo_settings(repos[which[j]], q, j);
	gh_gql_clear(q);
}

/* Run a set of repositories through their phases together. */
static int
run_repos(struct gh *g, struct gh_repo **repos, const char *const *names,
	  size_t n)
{
	size_t cap = n * 64 + 16;
	struct gh_list **pending = calloc(cap, sizeof(*pending));
	bool *active = calloc(n ? n : 1, sizeof(*active));
	size_t *which = calloc(n ? n : 1, sizeof(*which));
	int r = 0;

	if (!pending || !active || !which) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		active[i] = true;
	for (;;) {
		size_t k = 0, live = 0, n_gql = 0;
		struct gh_gql q;
		bool gql = g->use_graphql &&
			   settings_query(g, repos, names, n, &q, which, &n_gql);

		if (gql)
			pending[k++] = &q.list;
		for (size_t i = 0; i < n; i++)
			if (active[i])
				k += gh_repo_pending(repos[i], pending + k,
						     cap - k);
		r = gh_fetch(g, pending, k);
		if (gql)
			settings_deliver(g, repos, &q, which, n_gql);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (active[i] && gh_repo_advance(repos[i]) == 0)
				active[i] = false;
			live += active[i];
		}
		if (!live)
			break;
	}
out:
	free(pending);
	free(active);
	free(which);
	return r;
}

/* A repository examined (with the API when it is not github.com's): what
 * the history compares like with like.  An org's run declares each of its
 * repositories, so merged shards are the whole org, and a repository
 * that left the org leaves its findings "not re-checked". */
static void
declare_target(struct gh *g, const char *full_name)
{
	bool dflt = !strcmp(g->api, "https://api.github.com");
	char *id = NULL;

	if (asprintf(&id, "%s%s%s", dflt ? "" : g->api, dflt ? "" : " ", full_name) >= 0)
		target_declare(g->ctx, g->host, "repository", id);
	free(id);
}

static int
collect_repo(struct gh *g)
{
	struct gh_repo *repo = gh_repo_new(g, g->repo, NULL);
	int r;

	r = run_repos(g, &repo, &g->repo, 1);
	if (r == 0)
		gh_repo_emit(repo, false);
	gh_repo_free(repo);
	if (r == 0)
		g->host->log(g->ctx, OG_LOG_INFO, "%s: %llu API requests",
			     g->repo, (unsigned long long)g->requests);
	return r;
}

/* The shard of a repository: its name hashed case-blind (GitHub names
 * are), the same on every machine and run. */
static uint64_t
name_hash(const char *s)
{
	char low[256];
	size_t n = 0;

	for (; s[n] && n < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)s[n]);
	return og_hash64(low, n, 0);
}

static int
cmp_full_name(const void *a, const void *b)
{
	const char *x = gh_str(*(const cJSON *const *)a, "full_name");
	const char *y = gh_str(*(const cJSON *const *)b, "full_name");

	return strcmp(x ? x : "", y ? y : "");
}

static int
collect_org(struct gh *g)
{
	struct gh_list list, *lp = &list;
	const cJSON **picked = NULL;
	size_t n_items, n_picked = 0, archived = 0, forks = 0, others = 0;
	char *path, *ev;
	const cJSON *it;
	bool tty = isatty(STDERR_FILENO);
	int r;

	path = malloc(strlen(g->org) + 64);
	if (!path)
		return -ENOMEM;
	sprintf(path, "/orgs/%s/repos?type=all&per_page=%d", g->org, GH_PER_PAGE);
	gh_list_init(&list, g->api, path);
	list.paginate = true;
	list.max_pages = GH_REPOS_MAX / GH_PER_PAGE;
	free(path);
	r = gh_fetch(g, &lp, 1);
	if (r < 0)
		goto out;
	if (!gh_list_ok(&list)) {
		char *why = gh_list_reason(&list, "needs Metadata: read on the organisation");

		g->host->log(g->ctx, OG_LOG_ERROR, "org %s: %s", g->org, why);
		free(why);
		r = -EIO;
		goto out;
	}
	n_items = (size_t)cJSON_GetArraySize(list.items);
	picked = calloc(n_items ? n_items : 1, sizeof(*picked));
	if (!picked) {
		r = -ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, list.items) {
		const char *full = gh_str(it, "full_name");

		if (!full || !valid_name(full, true))
			continue;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "archived")) &&
		    !g->include_archived) {
			archived++;
			continue;
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "fork")) &&
		    !g->include_forks) {
			forks++;
			continue;
		}
		/* the shard of a repository depends on its name only, so
		 * shards stay stable as repositories come and go */
		if (g->shard_n && name_hash(full) % g->shard_n != g->shard_i - 1) {
			others++;
			continue;
		}
		picked[n_picked++] = it;
	}
	qsort(picked, n_picked, sizeof(*picked), cmp_full_name);
	for (size_t i = 0; i < n_picked; i++)
		declare_target(g, gh_str(picked[i], "full_name"));

	for (size_t base = 0; base < n_picked && !g->stop; base += GH_ORG_CHUNK) {
		size_t n = n_picked - base < GH_ORG_CHUNK ? n_picked - base :
			   GH_ORG_CHUNK;
		struct gh_repo *repos[GH_ORG_CHUNK];
		const char *names[GH_ORG_CHUNK];

		for (size_t i = 0; i < n; i++) {
			names[i] = gh_str(picked[base + i], "full_name");
			repos[i] = gh_repo_new(g, names[i], picked[base + i]);
		}
		r = run_repos(g, repos, names, n);
		for (size_t i = 0; i < n; i++) {
			if (r == 0)
				gh_repo_emit(repos[i], true);
			gh_repo_free(repos[i]);
		}
		if (r < 0)
			goto out;
		if (tty)
			fprintf(stderr, "\r[github] %zu/%zu repositories",
				base + n, n_picked);
	}
	if (tty)
		fputc('\n', stderr);
	if (g->stop)
		g->host->log(g->ctx, OG_LOG_WARN, "org %s: stopped early by a "
			     "rate limit; the report is partial", g->org);

	ev = malloc(strlen(g->org) + 32);
	if (!ev) {
		r = -ENOMEM;
		goto out;
	}
	/* Org-level numbers are the same in every shard (the listing and
	 * its filters come before the shard split), so merged shards keep
	 * the right one; what only this shard knows goes under its own key
	 * (docs/facts-github.md). */
	sprintf(ev, "GET /orgs/%s/repos", g->org);
	g->host->fact_number(g->ctx, "github.org.repos.listed", (double)n_items,
			     NULL, ev);
	g->host->fact_number(g->ctx, "github.org.repos.count",
			     (double)(n_picked + others), NULL, ev);
	g->host->fact_number(g->ctx, "github.org.repos.skipped_archived",
			     (double)archived, NULL, ev);
	g->host->fact_number(g->ctx, "github.org.repos.skipped_forks",
			     (double)forks, NULL, ev);
	if (g->shard_n) {
		char key[64];

		snprintf(key, sizeof(key), "github.shard.%uof%u.repos.count",
			 g->shard_i, g->shard_n);
		g->host->fact_number(g->ctx, key, (double)n_picked, NULL, ev);
	}
	/*
	 * The org-wide facts are the model's roll-ups of the repositories'
	 * (gh-repo.c org_rules).  deps.update_tool names a tool, a string
	 * with no roll-up: when not every repository automates updates,
	 * say so under the key, so the model's "automated updates or a
	 * known tool" is false for the org rather than unknown.  Shards
	 * that all have it emit nothing; a known value beats an absent one
	 * in a merge, and the evidence is the same in every shard.
	 */
	if (g->some_without_updates)
		g->host->fact_string(g->ctx, "deps.update_tool",
				     "not every repository", "deps.update_tool "
				     "of each repository (subject)");
	free(ev);
	g->host->log(g->ctx, OG_LOG_INFO, "org %s: %zu repositories, %llu API "
		     "requests", g->org, n_picked,
		     (unsigned long long)g->requests);
	r = 0;
out:
	free(picked);
	gh_list_clear(&list);
	return r;
}

static int
github_collect(struct og_ctx *ctx, void *state)
{
	struct gh *g = state;
	int r;

	(void)ctx;
	if (!g->org)
		declare_target(g, g->repo);
	gh_memo_open(g);
	r = g->org ? collect_org(g) : collect_repo(g);
	if (g->carried_repos)
		g->host->log(g->ctx, OG_LOG_INFO, "%zu answers of %zu unchanged "
			     "repositories carried over from earlier runs "
			     "(no ETag to ask again for free; asked again "
			     "after recheck_days = %d)", g->carried_answers,
			     g->carried_repos, g->recheck_days);
	if (g->gql_queries)
		g->host->log(g->ctx, OG_LOG_INFO, "%zu GraphQL queries for "
			     "repository settings, %.0f points of the GraphQL "
			     "rate limit (their rateLimit.cost)", g->gql_queries,
			     g->gql_points);
	gh_memo_close(g);
	return r;
}

/* Command-line shorthands (shown in --help). */
static const struct og_flag github_flags[] = {
	{ "github", "repo", "OWNER/REPO", "assess a GitHub repository" },
	{ "github-org", "org", "ORG", "assess every repository of an organisation" },
	{ "github-url", "api_url", "URL", "GitHub Enterprise API, https://HOST/api/v3" },
	{ "shard", "shard", "I/N", "process the I-th of N deterministic slices of the org" },
	{ 0 },
};

OG_PLUGIN_DEFINE(.name = "github", .version = "1.0",
		 .summary = "GitHub repository posture, CI history and DORA events (REST API)",
		 .init = github_init, .collect = github_collect,
		 .fini = github_fini, .options = github_options,
		 .flags = github_flags, .credentials = github_credentials,
		 .opt_in = true, .cache = true)
