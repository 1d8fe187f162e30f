/*
 * github collector internals: fetching lists through the host's HTTP
 * service, and turning one repository's answers into facts and events.
 */
#ifndef GH_H
#define GH_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

#define GH_PER_PAGE		100
#define GH_PAGES_MAX		50	/* per list: 5,000 items */
#define GH_RUNS_FILTER_CAP	1000	/* /actions/runs with filters */
#define GH_RUNS_SPLITS_MAX	64	/* window pieces per repo */
#define GH_PR_DETAIL_MAX	100	/* PRs whose first commit we fetch */
#define GH_PR_REVIEW_MAX	30	/* PRs whose reviews we read */
#define GH_DEPLOY_STATUS_MAX	300	/* deployments whose statuses we read */
#define GH_REPOS_MAX		100000
#define GH_URL_MAX		4096
#define GH_GQL_ENVS		50	/* environments read per repository */

struct gh;

/*
 * One API list (or one object when !paginate) fetched page by page.
 * Items of every page go into @items (a cJSON array; for objects, @object).
 * Paging stops at the last page, at @max_pages, or as soon as a page holds
 * an item whose @time_field is older than @stop_before (lists sorted
 * newest first).
 */
struct gh_list {
	char *next_url;
	bool paginate;
	const char *wrap;	/* key of the array in a wrapping object */
	const char *time_field;
	int64_t stop_before;
	int max_pages;
	int pages;

	cJSON *items;		/* array: every item of every page */
	cJSON *object;		/* !paginate: the parsed body */
	long status;		/* of the last page; 0 = no answer */
	char *error;		/* transport / rate-limit text */
	char *message;		/* "message" of an error body */
	long total_count;	/* from a wrapping object; -1 unknown */
	long last_page;		/* from Link rel="last"; -1 unknown */
	bool truncated;		/* stopped at max_pages */
	bool rate_limited;
	char *path;		/* API path, for evidence */
	/* answered from the memory of an earlier run (gh-memo.c), not asked:
	 * status and message are what GitHub said at observed_at */
	bool carried;
	int64_t observed_at;
	const char *method;	/* NULL: GET */
	char *body;		/* a POST's body, owned */
};

/* Configuration and shared state of one run. */
struct gh {
	struct og_ctx *ctx;
	const struct og_host *host;
	const char *api;	/* base URL without trailing slash */
	char *api_owned;
	const char *repo;	/* owner/name, repo mode */
	const char *org;
	const char *incident_label;
	unsigned shard_i, shard_n;	/* shard_n == 0: no sharding */
	bool some_without_updates;	/* a repo's deps.automated_updates is false */
	bool include_archived, include_forks;
	int window_days;
	int64_t now, since;
	regex_t prod_re, deploy_re;
	bool prod_re_ok, deploy_re_ok;
	bool partial_said;
	bool stop;		/* a rate limit ended this run */
	uint64_t requests;
	struct gh_memo *memo;	/* gh-memo.c; NULL: remember nothing */
	int recheck_days;
	size_t carried_repos, carried_answers;
	/* repository settings by GraphQL (gh-graphql.c): with a token,
	 * until a query fails as a whole; then REST for the rest */
	bool use_graphql;
	size_t gql_queries;	/* answered, and their rateLimit.cost */
	double gql_points;
};

/* gh-fetch.c */
void gh_list_init(struct gh_list *l, const char *api, const char *path);
void gh_list_clear(struct gh_list *l);
int gh_fetch(struct gh *g, struct gh_list *const *lists, size_t n);
bool gh_list_ok(const struct gh_list *l);
/* "not measured" reason for a failed list, caller frees */
char *gh_list_reason(const struct gh_list *l, const char *needs);

/* gh-memo.c: answers without an ETag remembered between runs */
struct gh_memo;
void gh_memo_open(struct gh *g);
void gh_memo_close(struct gh *g);	/* writes this run's memory */
/* Lists @names[i] of repository @full that an unchanged repository
 * (@repo: its listing entry) answered within recheck_days: filled from
 * the memory and marked carried; how many. */
size_t gh_memo_apply(struct gh *g, const char *full, const cJSON *repo,
		     struct gh_list *const *lists, const char *const *names,
		     size_t n);
void gh_memo_record(struct gh *g, const char *full, const cJSON *repo,
		    const struct gh_list *const *lists,
		    const char *const *names, size_t n);
/* "" or the note a fact made from a carried answer ends with; caller
 * frees */
char *gh_list_carried_note(const struct gh_list *l);
/* @s followed by @l's carried-over note, if any; takes @s */
char *gh_with_note(char *s, const struct gh_list *l);

/* gh-graphql.c: settings of a batch of repositories in one query */
struct gh_gql {
	struct gh_list list;	/* the POST */
	size_t n;
	bool ok;		/* an answer with data */
	double cost;		/* its rateLimit.cost (points), 0 unknown */
	char *why;		/* when not: the reason, for the log */
};
char *gh_graphql_url(const char *api);	/* caller frees */
void gh_gql_init(struct gh_gql *q, struct gh *g,
		 const char *const *full_names, size_t n);
void gh_gql_clear(struct gh_gql *q);
/* After the fetch: whether the query answered (else q->why says why,
 * and the repositories ask REST). */
bool gh_gql_settle(struct gh_gql *q);
/* Repository @i's object under alias 'r' or 'v' (see gh-graphql.c), or
 * NULL; *ret_why (caller frees) is set when it or a field of it failed. */
const cJSON *gh_gql_node(const struct gh_gql *q, char kind, size_t i,
			 char **ret_why);

struct gh_repo;
/* gh-repo.c: the settings GraphQL answered for repository @i of @q, or,
 * when @q failed as a whole, ask REST for them in the next phase. */
void gh_repo_settings(struct gh_repo *r, const struct gh_gql *q, size_t i);
bool gh_repo_wants_settings(const struct gh_repo *r);

/* Link header: the URL of rel=@rel, caller frees; NULL when absent. */
char *gh_link_find(const char *link, const char *rel);
/* page=N of a URL's query, or -1 */
long gh_url_page(const char *url);

/* gh-repo.c: one repository.  @prefix "" in repo mode, else
 * "repos.<name>." (facts become github.repos.<name>.*). */
struct gh_repo;
struct gh_repo *gh_repo_new(struct gh *g, const char *full_name,
			    const cJSON *repo_object);
void gh_repo_free(struct gh_repo *r);
/* Phase lists the repo needs now; NULL when done.  Repos are advanced
 * together so one http batch serves many. */
size_t gh_repo_pending(struct gh_repo *r, struct gh_list **out, size_t max);
int gh_repo_advance(struct gh_repo *r);	/* 1: more phases, 0: done */
void gh_repo_emit(struct gh_repo *r, bool org_mode);

/* The boolean branch-protection facts of a repository (also aggregated
 * over an org), for array initialisers. */
#define GH_PROTECTION_BOOLS						\
	"github.branch_protection.enabled",				\
	"github.branch_protection.status_checks",			\
	"github.branch_protection.signed_commits",			\
	"github.branch_protection.force_push_blocked",			\
	"github.branch_protection.deletion_blocked",			\
	"github.branch_protection.enforce_admins",			\
	"github.branch_protection.codeowner_reviews",			\
	"github.branch_protection.dismiss_stale"

/* helpers shared by the files */
/* asprintf that aborts when out of memory */
char *gh_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* UTC seconds of the timestamp at @key (host->parse_time), -1 when absent
 * or not a time */
int64_t gh_time(const struct gh *g, const cJSON *o, const char *key);
const char *gh_str(const cJSON *o, const char *key);
bool gh_regex_compile(regex_t *re, const char *pattern);
void gh_partial(struct gh *g, const char *reason);

#endif
