/*
 * Internal interface of the `repo` collector.  Everything here has hidden
 * visibility (the module exports only opsgrade_plugin); `repo_` prefixes
 * keep the names apart from the host's.
 *
 * The collector works in two passes: walk.c lists the checkout once
 * (bounded), then each analyser (one file per job) reads what it needs
 * from that list and records *signals*: named booleans that remember the
 * first evidence that turned them on.  repo.c turns signals, counts and
 * sets into facts (docs/facts-repo.md is the contract).
 */
#ifndef OG_REPO_H
#define OG_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <opsgrade/plugin.h>

/* Budgets, not file counts: a hostile or huge checkout costs at most
 * this much, and the run says which budget it spent. */
#define REPO_MAX_DEPTH		128	/* directory levels (fds held) */
#define REPO_MAX_READ		((size_t)1 << 20)	/* 1 MiB per file read */
#define REPO_READ_BUDGET	((uint64_t)256 << 20)	/* bytes read per run */
#define REPO_TIME_BUDGET	120	/* seconds for the listing */
#define REPO_TIME_BUDGET_TEXT	"120 s"
/* memory the listing may hold (paths and their records): ~6 M files of
 * 150-byte paths, far beyond the 1 M of a large monorepo */
#define REPO_LIST_BUDGET	((size_t)1 << 30)
#define REPO_LIST_BUDGET_TEXT	"1 GiB"

/* Where a path stands (scope.c). */
enum repo_scope {
	SCOPE_PRODUCT = 0,	/* counts for every fact */
	SCOPE_TEST,		/* counts only for testing facts */
	SCOPE_DOCS,		/* counts only for docs facts */
	SCOPE_EXCLUDED,		/* tallied, never listed */
};

/* The rule that put a path out of the product scope. */
enum repo_srule {
	SR_NONE = 0,
	SR_TESTS,
	SR_DOCUMENTATION,
	SR_VENDORED,		/* SR_VENDORED and SR_GENERATED stay adjacent */
	SR_GENERATED,
	SR_FIXTURES,
	SR_EXAMPLES,
	SR_DEVENV,
	SR_BUILD_OUTPUT,
	SR_GITIGNORED,
	SR_CONFIGURED,
	SR__COUNT
};

struct repo_class {
	uint8_t scope;		/* enum repo_scope */
	uint8_t rule;		/* enum repo_srule */
	/* A directory a default rule excludes, but below which an
	 * attribute or `!glob` keeps something: its paths are judged one
	 * by one, and excluded by this rule unless kept. */
	uint8_t pending;
};

struct repo_file {
	const char *path;	/* relative to the root, '/'-separated */
	const char *base;	/* points into path: the last component */
	uint64_t size;
	unsigned kinds;		/* rf_classify() of a file, once */
	bool is_dir;
	uint8_t scope;		/* enum repo_scope, never SCOPE_EXCLUDED */
};

/* One gitignore-syntax pattern (glob.c). */
struct repo_pattern {
	char *glob;
	char *base;		/* directory it is relative to ("" = root) */
	char *source;		/* "file:line", or NULL */
	unsigned tag;
	bool negate, dir_only, anchored;
	/* Most patterns are a name, `*.ext` or `name*`: matched without
	 * the glob engine (a million files meet each default pattern). */
	enum { PAT_GLOB, PAT_EXACT, PAT_SUFFIX, PAT_PREFIX } shape;
	bool any_depth;			/* starts with double star and slash */
	size_t lit_len;			/* length of the literal part */
	size_t base_len;
};

struct repo_patterns {
	struct repo_pattern *v;
	size_t n, cap;
};

/* Everything a signal can say.  Order only matters for the tables in
 * repo.c that map signals to facts and list items. */
enum repo_sig {
	/* CI */
	SIG_CI_PR_TRIGGER,
	SIG_CI_PUSH_TRIGGER,
	SIG_CI_SCHEDULE,
	SIG_CI_PATH_FILTERS,
	SIG_CI_MATRIX,
	SIG_CI_PARALLEL,
	SIG_CI_CACHE,
	SIG_CI_TESTS,
	SIG_CI_CONTAINER_BUILD,
	SIG_CI_MULTI_PLATFORM,
	SIG_CI_DEPLOY,
	SIG_CI_SIGN,
	SIG_CI_ROLLBACK,
	/* SAST */
	SIG_SAST_CODEQL,
	SIG_SAST_SEMGREP,
	SIG_SAST_SONARQUBE,
	SIG_SAST_SNYK_CODE,
	SIG_SAST_BANDIT,
	SIG_SAST_GOSEC,
	SIG_SAST_BRAKEMAN,
	SIG_SAST_GITLAB,
	/* scanners */
	SIG_SCAN_TRIVY,
	SIG_SCAN_GRYPE,
	SIG_SCAN_SNYK,
	SIG_SCAN_OSV,
	SIG_SCAN_DEPREVIEW,
	SIG_SCAN_NPM_AUDIT,
	SIG_SCAN_PIP_AUDIT,
	SIG_SCAN_GOVULNCHECK,
	SIG_SECRET_SCAN,
	SIG_DAST,
	SIG_SBOM,
	/* tests, from CI or files */
	SIG_TEST_COVERAGE,
	/* release */
	SIG_REL_SEMANTIC_RELEASE,
	SIG_REL_RELEASE_PLEASE,
	SIG_REL_CHANGESETS,
	SIG_REL_GORELEASER,
	/* scorecard (GitHub Actions only) */
	SIG_SC_UNTRUSTED_CHECKOUT,
	SIG_SC_SCRIPT_INJECTION,
	/* files and manifests */
	SIG_TEST_PRESENT,
	SIG_TEST_E2E,
	SIG_TEST_INTEGRATION,
	SIG_TEST_LOAD,
	SIG_MON_PROMETHEUS,
	SIG_MON_ALERTING,
	SIG_MON_GRAFANA,
	SIG_MON_LOKI,
	SIG_MON_OTEL,
	SIG_MON_SENTRY,
	SIG_MON_DATADOG,
	SIG_MON_NEWRELIC,
	SIG_IAC_TERRAFORM,
	SIG_IAC_KUBERNETES,
	SIG_IAC_HELM,
	SIG_IAC_KUSTOMIZE,
	SIG_IAC_PULUMI,
	SIG_IAC_ANSIBLE,
	SIG_IAC_CLOUDFORMATION,
	SIG_DOCS_README,
	SIG_DOCS_SECURITY,
	SIG_DOCS_CODEOWNERS,
	SIG_DOCS_LICENSE,
	SIG_DOCS_CONTRIBUTING,
	SIG_DOCS_OPENAPI,
	SIG_DOCS_RUNBOOKS,
	SIG_DEPS_DEPENDABOT,
	SIG_DEPS_RENOVATE,
	SIG_DEPS_LOCKFILE,
	SIG_DB_MIGRATIONS,
	SIG_REL_CHANGELOG,
	SIG_COMPOSE,
	SIG_TEST_CONTAINERS,
	/* project kind and applicability (kind.c) */
	SIG_DB_USED,
	SIG_K_SERVER,		/* a server framework in the product's deps */
	SIG_K_CLI,
	SIG_K_LIB,
	SIG_K_APP,		/* an application, not a package for others */
	SIG_K_DEPLOY,		/* runs as a deployed service */
	SIG_K_WORKSPACE,
	SIG_K_PUBLISH,
	SIG_K_INFRA,
	SIG_K_IMAGE,
	SIG__COUNT
};

struct repo_signal {
	bool on;
	char *evidence;		/* first "path:line" that turned it on */
};

/* A sorted, deduplicated set of short identifiers with the evidence of
 * the first one added. */
struct repo_set {
	char **items;
	size_t n, cap;
	char *evidence;
};

struct repo {
	struct og_ctx *ctx;
	const struct og_host *host;
	char *root;

	struct repo_file *files;
	size_t n_files, cap_files;
	struct repo_chunk *chunks;	/* owns every files[].path */
	size_t n_listed;		/* files seen, excluded ones too */
	bool truncated;			/* deeper than REPO_MAX_DEPTH */
	bool out_of_time;
	bool list_full;			/* REPO_LIST_BUDGET spent */
	size_t list_bytes;		/* what the listing holds */
	unsigned stop_calls;		/* the clock is read every 256th */
	size_t n_sparse;		/* index entries not checked out */
	char *sparse_first;
	size_t n_unsafe;		/* index paths that could escape */
	char *index_error;		/* why .git/index was not used */
	size_t n_read, n_too_big, n_over_budget;
	char *too_big_first, *over_budget_first;
	long deadline;			/* CLOCK_MONOTONIC seconds */
	uint64_t read_bytes;
	bool read_budget_spent;
	char *git_index;		/* evidence when listed from the index */

	struct repo_resolver *resolver;	/* resolve.c */

	/* scope.c */
	struct repo_patterns defaults, excludes, ignores, attributes;
	size_t scope_count[SR__COUNT];
	char *scope_first[SR__COUNT];

	struct repo_signal sig[SIG__COUNT];

	/* CI bookkeeping filled by ci-*.c */
	size_t ci_files;
	size_t ci_jobs;
	struct repo_set ci_providers;	/* evidence = first CI file */
	struct repo_set environments;

	/* scorecard (GitHub Actions workflows) */
	size_t gh_workflows;
	size_t perm_undeclared, perm_write;
	char *perm_evidence;		/* first offender */
	char *perm_ok_evidence;		/* first good one */
	size_t pinned, unpinned;
	char *unpinned_evidence, *pinned_evidence;

	/* files and manifests */
	struct repo_set manifests;
	struct repo_set test_frameworks;
	struct repo_set ff_libs;
	struct repo_set dependabot_ecosystems;
	struct repo_set db_engines;
	bool dev_scope;			/* the declarations read are dev/test-only */
	size_t sub_packages;		/* product manifests below the root */
	char *sub_package_ev;
	size_t test_files, tf_files;
	const char *db_tool;		/* static string, first found */
	const char *license_id;		/* static string */
	char *license_evidence;
};

/* ---- repo.c: evidence, signals, sets, logging ---- */
char *repo_evidence(const char *path, unsigned line);	/* line 0: bare path */
void repo_signal(struct repo *r, enum repo_sig s, const char *path,
		 unsigned line);
void repo_set_add(struct repo_set *set, const char *item, const char *path,
		  unsigned line);
void repo_set_free(struct repo_set *set);
void repo_keep_first(char **slot, const char *path, unsigned line);
void *repo_xrealloc(void *p, size_t n, size_t size);
char *repo_xstrdup(const char *s);

/* ---- walk.c, gitindex.c ---- */
int repo_walk(struct repo *r);
void repo_files_free(struct repo *r);
const struct repo_file *repo_find(const struct repo *r, const char *path);
void repo_list(struct repo *r, const char *rel, size_t n, bool is_dir,
	       uint64_t size, struct repo_class c);
void repo_emit_budgets(struct repo *r);
/* True once a listing budget (time, memory) is spent; the run says so. */
bool repo_listing_stops(struct repo *r);
/* 0: listed from .git/index; <0: not a git checkout (or an index this
 * reader steps aside for), nothing listed. */
int repo_git_index(struct repo *r);
/* The checkout's git directory (new string), or NULL: not a checkout. */
char *repo_git_dir(const struct repo *r);

/* ---- origin.c ---- */
/* Declare the checkout as the run's target (host->target): its remote. */
void repo_declare_target(struct repo *r);

/* ---- glob.c ---- */
bool repo_glob_match(const char *pat, const char *s);
void repo_patterns_add(struct repo_patterns *ps, const char *line,
		       const char *base, unsigned tag, const char *source,
		       unsigned lineno);
bool repo_pattern_matches(const struct repo_pattern *p, const char *path,
			  bool is_dir);
/* The same, with @name the last component of @path (hot loops). */
bool repo_pattern_matches_name(const struct repo_pattern *p, const char *path,
			       const char *name, size_t name_len, bool is_dir);
/* The last pattern with @tag matching @path, or NULL. */
const struct repo_pattern *repo_patterns_match(const struct repo_patterns *ps,
					       const char *path, bool is_dir,
					       unsigned tag);
void repo_patterns_free(struct repo_patterns *ps);

/* ---- scope.c ---- */
void repo_scope_init(struct repo *r);
void repo_scope_gitignore(struct repo *r, const char *dir);
struct repo_class repo_scope_of(struct repo *r, const char *path, bool is_dir,
				struct repo_class parent);
void repo_scope_count(struct repo *r, struct repo_class c, const char *path);
void repo_scope_emit(struct repo *r);
void repo_scope_free(struct repo *r);
const char *repo_srule_name(enum repo_srule rule);
bool repo_scope_build_dir(const char *name);
/* Scope tests for the analysers. */
static inline bool
repo_is_product(const struct repo_file *f)
{
	return f->scope == SCOPE_PRODUCT;
}
static inline bool
repo_is_test_or_product(const struct repo_file *f)
{
	return f->scope == SCOPE_PRODUCT || f->scope == SCOPE_TEST;
}
static inline bool
repo_is_docs_or_product(const struct repo_file *f)
{
	return f->scope == SCOPE_PRODUCT || f->scope == SCOPE_DOCS;
}

/* ---- text.c ---- */
/* Read @rel (relative to the root) capped at REPO_MAX_READ.  Returns 0,
 * -EFBIG (too big), -EDQUOT (run's read budget spent), -ENOENT, -EINVAL (not a regular file) or -errno. */
int repo_read(struct repo *r, const char *rel, char **ret_buf,
	      size_t *ret_len);
struct ytree;
/* Read and parse the CI file @rel into @ret_tree (caller frees it and
 * *ret_buf, which the tree points into).  A file that can't be read or
 * isn't YAML is logged, makes the run partial with @what named, and
 * returns < 0 with nothing to free. */
int repo_read_yaml(struct repo *r, const char *rel, const char *what,
		   char **ret_buf, struct ytree *ret_tree);
/* Next line of @buf starting at *pos; NUL-terminates it in place (drops
 * "\r\n").  Returns NULL at the end. */
char *repo_next_line(char *buf, size_t len, size_t *pos);
/* 1-based line of byte @off in @buf. */
unsigned repo_line_of(const char *buf, size_t off);
/* Inline: the analysers test each of a million names against literal
 * suffixes, whose lengths then fold to constants. */
static inline bool
repo_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !memcmp(s + a - b, suffix, b);
}
static inline bool
repo_has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}
/* Case-insensitive substring search. */
const char *repo_strcasestr(const char *hay, const char *needle);

/* ---- rules.c: regex rules shared by the CI readers ---- */
enum repo_rule_on {
	RULE_USES = 1,		/* a GitHub `uses:` / GitLab include or image */
	RULE_RUN = 2,		/* a shell line */
};
int repo_rules_init(void);
void repo_rules_fini(void);
/* Apply every rule of kind @on to @text (one line or one uses: string). */
void repo_rules_apply(struct repo *r, enum repo_rule_on on, const char *text,
		      const char *path, unsigned line);
/* Apply RULE_RUN to each line of a multi-line script starting at
 * @first_line (0: every line gets @fallback_line). */
/* Nodes one CI file's walk may visit: bounds hostile YAML. */
#define REPO_YAML_WALK_BUDGET 100000
struct ynode;
/* A CI file's script entry (a scalar, or a list of them) through
 * repo_rules_script, with each scalar at its true line; @budget caps the
 * nodes visited. */
void repo_rules_script_node(struct repo *r, const struct ynode *n,
			    const char *path, size_t *budget);
void repo_rules_script(struct repo *r, const char *script, const char *path,
		       unsigned first_line, unsigned fallback_line);
/* resolve.c: run the rules over what a CI line invokes (Makefile
 * targets, package.json scripts, script files). */
void repo_resolve(struct repo *r, const char *text);
void repo_resolve_free(struct repo *r);
/* True when @text contains an untrusted ${{ }} expression. */
bool repo_untrusted_expr(const char *text);

/* ---- analysers, one per file ---- */
void repo_ci_github(struct repo *r);
void repo_ci_gitlab(struct repo *r);
void repo_ci_jenkins(struct repo *r);
void repo_ci_travis(struct repo *r);
void repo_dockerfiles(struct repo *r);
void repo_manifests(struct repo *r);
void repo_presence(struct repo *r);
void repo_deps(struct repo *r);
void repo_content(struct repo *r);
void repo_kind(struct repo *r);
/* A database in use, by engine ("postgres"), from any analyser. */
void repo_kind_db(struct repo *r, const char *engine, const char *path,
		  unsigned line);
/* The engine of a database image reference ("postgres:16"), or NULL. */
const char *repo_db_image(const char *ref);

/* Emitters: each analyser that owns a fact group emits it itself. */
void repo_emit_bool(struct repo *r, const char *key, bool v, const char *ev);
void repo_emit_number(struct repo *r, const char *key, double v,
		      const char *ev);
void repo_emit_string(struct repo *r, const char *key, const char *v,
		      const char *ev);
void repo_emit_set(struct repo *r, const char *key, const struct repo_set *s);
void repo_emit_signal(struct repo *r, const char *key, enum repo_sig s);

#endif /* OG_REPO_H */
