/*
 * What is the product.  Each path gets a scope: the product (counts for
 * every fact), tests (counts only for testing facts: a test Dockerfile
 * shows tests run in containers, it is not the product image),
 * documentation (counts only for docs facts) or excluded (counts for
 * nothing, only in the per-rule tallies the report shows).  The default
 * rules follow GitHub Linguist's vendored / documentation / generated
 * lists where those mean "not the product"; Linguist's entries that only
 * exist to keep CI files out of language statistics (.github/,
 * Jenkinsfile, gradlew) are deliberately left out.  docs/facts-repo.md
 * lists the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"

static const char *const rule_names[SR__COUNT] = {
	[SR_NONE] = "",
	[SR_TESTS] = "tests",
	[SR_DOCUMENTATION] = "documentation",
	[SR_VENDORED] = "vendored",
	[SR_GENERATED] = "generated",
	[SR_FIXTURES] = "test-fixtures",
	[SR_EXAMPLES] = "examples",
	[SR_DEVENV] = "dev-environment",
	[SR_BUILD_OUTPUT] = "build-output",
	[SR_GITIGNORED] = "gitignored",
	[SR_CONFIGURED] = "configured",
};

/* The first match decides, so exclusions come before the limiting
 * scopes: tests/fixtures is excluded although it lies in tests. */
static const struct {
	enum repo_srule rule;
	const char *glob;
} defaults[] = {
	/* vendored: other people's code (Linguist vendor.yml) */
	{ SR_VENDORED, "node_modules/" }, { SR_VENDORED, "bower_components/" },
	{ SR_VENDORED, "vendor/" }, { SR_VENDORED, "vendors/" },
	{ SR_VENDORED, "third_party/" }, { SR_VENDORED, "third-party/" },
	{ SR_VENDORED, "thirdparty/" }, { SR_VENDORED, "ThirdParty/" },
	{ SR_VENDORED, "3rdparty/" }, { SR_VENDORED, "3rd_party/" },
	{ SR_VENDORED, "extern/" }, { SR_VENDORED, "external/" },
	{ SR_VENDORED, "externals/" }, { SR_VENDORED, "/deps/" },
	{ SR_VENDORED, "Godeps/_workspace/" }, { SR_VENDORED, "dist/" },
	{ SR_VENDORED, ".yarn/releases/" }, { SR_VENDORED, ".yarn/plugins/" },
	{ SR_VENDORED, ".yarn/sdks/" }, { SR_VENDORED, ".yarn/versions/" },
	{ SR_VENDORED, ".yarn/unplugged/" }, { SR_VENDORED, "Pods/" },
	{ SR_VENDORED, "Carthage/" }, { SR_VENDORED, "*.min.js" },
	{ SR_VENDORED, "*.min.css" },
	/* generated (Linguist generated.rb, by name) */
	{ SR_GENERATED, "*.pb.go" }, { SR_GENERATED, "*_pb2.py" },
	{ SR_GENERATED, "*_pb2_grpc.py" }, { SR_GENERATED, "*.pb.cc" },
	{ SR_GENERATED, "*.pb.h" }, { SR_GENERATED, "zz_generated*" },
	{ SR_GENERATED, "*.generated.*" }, { SR_GENERATED, "*.designer.cs" },
	{ SR_GENERATED, ".pnp.*" }, { SR_GENERATED, "Cargo.toml.orig" },
	/* test data: inputs of tests, not tests and not the product */
	{ SR_FIXTURES, "testdata/" }, { SR_FIXTURES, "fixtures/" },
	{ SR_FIXTURES, "__fixtures__/" }, { SR_FIXTURES, "__snapshots__/" },
	{ SR_FIXTURES, "**/test*/data/" }, { SR_FIXTURES, "**/test*/resources/" },
	/* examples and samples (Linguist documentation.yml) */
	{ SR_EXAMPLES, "example/" }, { SR_EXAMPLES, "examples/" },
	{ SR_EXAMPLES, "_example/" }, { SR_EXAMPLES, "_examples/" },
	{ SR_EXAMPLES, "/sample/" }, { SR_EXAMPLES, "/samples/" },
	{ SR_EXAMPLES, "/demo/" }, { SR_EXAMPLES, "/demos/" },
	/* a developer's environment, not what ships */
	{ SR_DEVENV, ".devcontainer/" }, { SR_DEVENV, ".gitpod.Dockerfile" },
	{ SR_DEVENV, ".vscode/" }, { SR_DEVENV, ".idea/" },
	/* tests: count for testing facts only */
	{ SR_TESTS, "test/" }, { SR_TESTS, "tests/" }, { SR_TESTS, "__tests__/" },
	{ SR_TESTS, "__mocks__/" }, { SR_TESTS, "spec/" }, { SR_TESTS, "specs/" },
	{ SR_TESTS, "e2e/" }, { SR_TESTS, "testing/" }, { SR_TESTS, "test-*/" },
	{ SR_TESTS, "tests-*/" }, { SR_TESTS, "*-test/" }, { SR_TESTS, "*-tests/" },
	{ SR_TESTS, "*_tests/" }, { SR_TESTS, "integration/" },
	{ SR_TESTS, "bench/" }, { SR_TESTS, "benches/" },
	{ SR_TESTS, "benchmark/" }, { SR_TESTS, "benchmarks/" },
	{ SR_TESTS, "Dockerfile.test*" }, { SR_TESTS, "*.test.Dockerfile" },
	{ SR_TESTS, "test.Dockerfile" }, { SR_TESTS, "docker-compose.test*.y*ml" },
	{ SR_TESTS, "compose.test*.y*ml" }, { SR_TESTS, "docker-compose.e2e*.y*ml" },
	/* documentation: counts for docs facts only */
	{ SR_DOCUMENTATION, "/docs/" }, { SR_DOCUMENTATION, "/doc/" },
	{ SR_DOCUMENTATION, "/Docs/" }, { SR_DOCUMENTATION, "documentation/" },
	{ SR_DOCUMENTATION, "Documentation/" }, { SR_DOCUMENTATION, "javadoc/" },
	{ SR_DOCUMENTATION, "groovydoc/" }, { SR_DOCUMENTATION, "/man/" },
};

/* Build-output and cache directories: never walked without a git index
 * (there, ignored files are simply not tracked). */
static const char *const build_dirs[] = {
	".git", "node_modules", ".venv", "venv", "__pycache__", ".terraform",
	".tox", ".nox", ".cache", ".next", "dist", "target", ".gradle",
	".mypy_cache", ".pytest_cache", NULL,
};

/* Pattern tags: which list a repo_pattern belongs to. */
enum {
	TAG_EXCLUDE = 100,	/* collectors.repo.exclude */
	TAG_IGNORE,		/* .gitignore */
	/* .gitattributes use the rule as tag */
};

const char *
repo_srule_name(enum repo_srule rule)
{
	return rule_names[rule];
}

static void
read_gitattributes(struct repo *r)
{
	static const struct {
		const char *attr;
		enum repo_srule rule;
	} attrs[] = {
		{ "linguist-vendored", SR_VENDORED },
		{ "linguist-generated", SR_GENERATED },
		{ "linguist-documentation", SR_DOCUMENTATION },
	};
	size_t pos = 0, len;
	unsigned lineno = 0;
	char *buf, *line;

	if (repo_read(r, ".gitattributes", &buf, &len) < 0)
		return;
	while ((line = repo_next_line(buf, len, &pos))) {
		char *save = NULL, *pat, *tok, neg[512];

		lineno++;
		pat = strtok_r(line, " \t", &save);
		if (!pat || *pat == '#' || *pat == '"' || *pat == '!')
			continue;
		while ((tok = strtok_r(NULL, " \t", &save))) {
			bool unset = *tok == '-' || *tok == '!';
			const char *name = unset ? tok + 1 : tok;
			const char *eq = strchr(name, '=');
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);

			if (eq && (!strcmp(eq + 1, "false") || !strcmp(eq + 1, "0")))
				unset = true;
			for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
				if (strlen(attrs[i].attr) != nl ||
				    strncmp(name, attrs[i].attr, nl))
					continue;
				snprintf(neg, sizeof(neg), "%s%s", unset ? "!" : "",
					 pat);
				repo_patterns_add(&r->attributes, neg, "",
						  attrs[i].rule, ".gitattributes",
						  lineno);
			}
		}
	}
	free(buf);
}

void
repo_scope_init(struct repo *r)
{
	const char *const *ex;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		repo_patterns_add(&r->defaults, defaults[i].glob, "",
				  defaults[i].rule, NULL, 0);
	ex = r->host->config_get_list(r->ctx, "exclude", &n);
	for (size_t i = 0; ex && i < n; i++)
		repo_patterns_add(&r->excludes, ex[i], "", TAG_EXCLUDE,
				  "collectors.repo.exclude", 0);
	read_gitattributes(r);
}

void
repo_scope_gitignore(struct repo *r, const char *dir)
{
	size_t plen = strlen(dir) + 12, pos = 0, len;
	char *path = repo_xrealloc(NULL, plen, 1);
	unsigned lineno = 0;
	char *buf, *line;

	snprintf(path, plen, "%s%s.gitignore", dir, *dir ? "/" : "");
	if (repo_read(r, path, &buf, &len) == 0) {
		while ((line = repo_next_line(buf, len, &pos)))
			repo_patterns_add(&r->ignores, line, dir, TAG_IGNORE,
					  path, ++lineno);
		free(buf);
	}
	free(path);
}

bool
repo_scope_build_dir(const char *name)
{
	for (size_t i = 0; build_dirs[i]; i++)
		if (!strcmp(name, build_dirs[i]))
			return true;
	return false;
}

static struct repo_class
excluded(enum repo_srule rule)
{
	return (struct repo_class){ .scope = SCOPE_EXCLUDED, .rule = rule };
}

/* Could a keeping pattern (`-linguist-vendored`, `!glob` in
 * collectors.repo.exclude) match something below directory @path? */
static bool
pierced(const struct repo_patterns *ps, const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < ps->n; i++) {
		const struct repo_pattern *p = &ps->v[i];
		size_t lit = strcspn(p->glob, "*?[\\");

		if (!p->negate)
			continue;
		if (!p->anchored)
			return true;	/* a name at any depth: look at all */
		if (lit > n && !strncmp(p->glob, path, n) && p->glob[n] == '/')
			return true;
		if (lit <= n && !strncmp(p->glob, path, lit))
			return true;
	}
	return false;
}

/* Below src/main/ and src/test/ directories are Java/Kotlin package
 * names: com/example/demo is Spring Initializr's default package and
 * org/springframework/samples/petclinic a real application. */
static bool
package_dirs(const char *path)
{
	const char *m = strstr(path, "src/main/"), *t = strstr(path, "src/test/");

	return (m && (m == path || m[-1] == '/')) ||
	       (t && (t == path || t[-1] == '/'));
}

struct repo_class
repo_scope_of(struct repo *r, const char *path, bool is_dir,
	      struct repo_class parent)
{
	const struct repo_pattern *p;
	bool attr_unset[SR__COUNT] = { 0 };
	bool included = false;
	const char *name = strrchr(path, '/');
	size_t name_len;

	if (parent.scope == SCOPE_EXCLUDED)
		return parent;
	name = name ? name + 1 : path;
	if (!r->git_index) {
		const char *base = strrchr(path, '/');

		if (is_dir && repo_scope_build_dir(base ? base + 1 : path))
			return excluded(SR_BUILD_OUTPUT);
		p = repo_patterns_match(&r->ignores, path, is_dir, TAG_IGNORE);
		if (p && !p->negate)
			return excluded(SR_GITIGNORED);
	}
	p = repo_patterns_match(&r->excludes, path, is_dir, TAG_EXCLUDE);
	if (p && !p->negate)
		return excluded(SR_CONFIGURED);
	included = p && p->negate;	/* `!glob` keeps what a default drops */
	for (enum repo_srule a = SR_VENDORED; a <= SR_GENERATED; a++) {
		p = repo_patterns_match(&r->attributes, path, is_dir, a);
		if (p && !p->negate)
			return excluded(a);
		attr_unset[a] = p != NULL;
	}
	if (parent.pending && !attr_unset[parent.pending] && !included) {
		if (!is_dir || !(pierced(&r->attributes, path) ||
				 pierced(&r->excludes, path)))
			return excluded(parent.pending);
		return parent;
	}
	parent.pending = 0;
	name_len = strlen(name);
	p = repo_patterns_match(&r->attributes, path, is_dir, SR_DOCUMENTATION);
	if (p && !p->negate)
		return (struct repo_class){ SCOPE_DOCS, SR_DOCUMENTATION, 0 };
	attr_unset[SR_DOCUMENTATION] = p != NULL;
	/* defaults are in rule order: the first match decides */
	for (size_t i = 0; i < r->defaults.n; i++) {
		const struct repo_pattern *d = &r->defaults.v[i];
		enum repo_srule rule = (enum repo_srule)d->tag;

		if (attr_unset[rule] || (included && rule != SR_TESTS) ||
		    !repo_pattern_matches_name(d, path, name, name_len, is_dir) ||
		    (rule == SR_EXAMPLES && package_dirs(path)))
			continue;
		if (rule == SR_TESTS)
			return (struct repo_class){ SCOPE_TEST, SR_TESTS, 0 };
		if (rule == SR_DOCUMENTATION)
			return (struct repo_class){ SCOPE_DOCS, SR_DOCUMENTATION, 0 };
		if (is_dir && (pierced(&r->attributes, path) ||
			       pierced(&r->excludes, path)))
			return (struct repo_class){ parent.scope, parent.rule,
						    (uint8_t)rule };
		return excluded(rule);
	}
	return parent;
}

void
repo_scope_count(struct repo *r, struct repo_class c, const char *path)
{
	if (c.rule == SR_NONE)
		return;
	r->scope_count[c.rule]++;
	if (!r->scope_first[c.rule])
		r->scope_first[c.rule] = repo_xstrdup(path);
}

void
repo_scope_emit(struct repo *r)
{
	struct repo_set rules = { 0 };
	size_t total = 0, product = 0;
	char key[64];

	repo_emit_string(r, "repo.walk.mode",
			 r->git_index ? "git-index" : "filesystem",
			 r->git_index ? r->git_index : NULL);
	if (r->index_error)
		repo_emit_string(r, "repo.walk.index_error", r->index_error,
				 ".git/index");
	if (r->git_index) {
		repo_emit_number(r, "repo.walk.not_checked_out",
				 (double)r->n_sparse, r->sparse_first);
		repo_emit_number(r, "repo.walk.unsafe_paths",
				 (double)r->n_unsafe, NULL);
	}
	for (size_t i = 0; i < r->n_files; i++)
		if (!r->files[i].is_dir && r->files[i].scope == SCOPE_PRODUCT)
			product++;
	for (int rule = SR_NONE + 1; rule < SR__COUNT; rule++) {
		if (!r->scope_count[rule])
			continue;
		if (rule != SR_TESTS && rule != SR_DOCUMENTATION)
			total += r->scope_count[rule];
		snprintf(key, sizeof(key), "repo.scope.excluded.%s",
			 rule_names[rule]);
		repo_emit_number(r, key, (double)r->scope_count[rule],
				 r->scope_first[rule]);
		repo_set_add(&rules, rule_names[rule], r->scope_first[rule], 0);
	}
	repo_emit_number(r, "repo.files.count", (double)r->n_listed, NULL);
	repo_emit_number(r, "repo.scope.product_files", (double)product, NULL);
	repo_emit_number(r, "repo.scope.excluded", (double)total, NULL);
	repo_emit_set(r, "repo.scope.rules", &rules);
	repo_emit_number(r, "repo.read.bytes", (double)r->read_bytes, NULL);
	repo_emit_budgets(r);
	repo_set_free(&rules);
}

void
repo_scope_free(struct repo *r)
{
	repo_patterns_free(&r->defaults);
	repo_patterns_free(&r->excludes);
	repo_patterns_free(&r->ignores);
	repo_patterns_free(&r->attributes);
	for (int i = 0; i < SR__COUNT; i++)
		free(r->scope_first[i]);
	free(r->sparse_first);
	free(r->index_error);
	free(r->too_big_first);
	free(r->over_budget_first);
}
