/*
 * The `repo` collector: offline evidence from a checkout.  This file holds
 * the plugin descriptor, the shared bookkeeping (signals, sets, evidence)
 * and the final translation of what the analysers saw into facts.  The
 * fact namespace is documented in docs/facts-repo.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"

#define REPO_VERSION "1.0.0"

void *
repo_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size)
		abort();
	q = realloc(p, n * size > 0 ? n * size : 1);
	if (!q)
		abort();
	return q;
}

char *
repo_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

char *
repo_evidence(const char *path, unsigned line)
{
	size_t n = strlen(path) + 16;
	char *ev = repo_xrealloc(NULL, n, 1);

	if (line)
		snprintf(ev, n, "%s:%u", path, line);
	else
		snprintf(ev, n, "%s", path);
	return ev;
}

void
repo_keep_first(char **slot, const char *path, unsigned line)
{
	if (!*slot)
		*slot = repo_evidence(path, line);
}

void
repo_signal(struct repo *r, enum repo_sig s, const char *path, unsigned line)
{
	r->sig[s].on = true;
	repo_keep_first(&r->sig[s].evidence, path, line);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
repo_set_add(struct repo_set *set, const char *item, const char *path,
	     unsigned line)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->items[i], item))
			return;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->items = repo_xrealloc(set->items, set->cap,
					   sizeof(*set->items));
	}
	set->items[set->n++] = repo_xstrdup(item);
	qsort(set->items, set->n, sizeof(*set->items), cmp_str);
	if (path)
		repo_keep_first(&set->evidence, path, line);
}

void
repo_set_free(struct repo_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->items[i]);
	free(set->items);
	free(set->evidence);
	memset(set, 0, sizeof(*set));
}

/* ---- emitters ---- */

static void
emit_failed(struct repo *r, const char *key, int rc)
{
	r->host->log(r->ctx, OG_LOG_WARN, "could not emit fact %s: %s", key,
		     strerror(-rc));
}

void
repo_emit_bool(struct repo *r, const char *key, bool v, const char *ev)
{
	int rc = r->host->fact_bool(r->ctx, key, v, ev);

	if (rc < 0)
		emit_failed(r, key, rc);
}

void
repo_emit_number(struct repo *r, const char *key, double v, const char *ev)
{
	int rc = r->host->fact_number(r->ctx, key, v, NULL, ev);

	if (rc < 0)
		emit_failed(r, key, rc);
}

void
repo_emit_string(struct repo *r, const char *key, const char *v,
		 const char *ev)
{
	int rc = r->host->fact_string(r->ctx, key, v, ev);

	if (rc < 0)
		emit_failed(r, key, rc);
}

void
repo_emit_set(struct repo *r, const char *key, const struct repo_set *s)
{
	int rc;

	if (!s->n)
		return;
	rc = r->host->fact_list(r->ctx, key, (const char *const *)s->items,
				s->n, s->evidence);
	if (rc < 0)
		emit_failed(r, key, rc);
}

void
repo_emit_signal(struct repo *r, const char *key, enum repo_sig s)
{
	repo_emit_bool(r, key, r->sig[s].on, r->sig[s].evidence);
}

/* ---- signal → fact tables ---- */

enum when {
	ALWAYS,
	IF_CI,		/* judged only when some CI config exists */
};

static const struct {
	const char *key;
	enum repo_sig sig;
	enum when when;
} bool_facts[] = {
	{ "ci.pr_trigger", SIG_CI_PR_TRIGGER, IF_CI },
	{ "ci.push_trigger", SIG_CI_PUSH_TRIGGER, IF_CI },
	{ "ci.schedule", SIG_CI_SCHEDULE, IF_CI },
	{ "ci.path_filters", SIG_CI_PATH_FILTERS, IF_CI },
	{ "ci.matrix", SIG_CI_MATRIX, IF_CI },
	{ "ci.parallel", SIG_CI_PARALLEL, IF_CI },
	{ "ci.cache", SIG_CI_CACHE, IF_CI },
	{ "ci.tests", SIG_CI_TESTS, IF_CI },
	{ "ci.container_build", SIG_CI_CONTAINER_BUILD, IF_CI },
	{ "ci.multi_platform", SIG_CI_MULTI_PLATFORM, IF_CI },
	{ "ci.deploy_job", SIG_CI_DEPLOY, IF_CI },
	{ "ci.sign_images", SIG_CI_SIGN, IF_CI },
	{ "ci.rollback", SIG_CI_ROLLBACK, IF_CI },
	{ "security.sast.codeql", SIG_SAST_CODEQL, IF_CI },
	{ "security.sast.semgrep", SIG_SAST_SEMGREP, IF_CI },
	{ "security.scan.trivy", SIG_SCAN_TRIVY, IF_CI },
	{ "security.secret_scan", SIG_SECRET_SCAN, IF_CI },
	{ "security.dast", SIG_DAST, IF_CI },
	{ "security.sbom", SIG_SBOM, IF_CI },
	{ "test.present", SIG_TEST_PRESENT, ALWAYS },
	{ "test.coverage_config", SIG_TEST_COVERAGE, ALWAYS },
	{ "test.e2e", SIG_TEST_E2E, ALWAYS },
	{ "test.integration.present", SIG_TEST_INTEGRATION, ALWAYS },
	{ "test.load", SIG_TEST_LOAD, ALWAYS },
	{ "iac.terraform", SIG_IAC_TERRAFORM, ALWAYS },
	{ "iac.kubernetes", SIG_IAC_KUBERNETES, ALWAYS },
	{ "iac.helm", SIG_IAC_HELM, ALWAYS },
	{ "iac.kustomize", SIG_IAC_KUSTOMIZE, ALWAYS },
	{ "monitoring.prometheus", SIG_MON_PROMETHEUS, ALWAYS },
	{ "monitoring.alerting", SIG_MON_ALERTING, ALWAYS },
	{ "monitoring.grafana", SIG_MON_GRAFANA, ALWAYS },
	{ "monitoring.loki", SIG_MON_LOKI, ALWAYS },
	{ "monitoring.opentelemetry", SIG_MON_OTEL, ALWAYS },
	{ "monitoring.sentry", SIG_MON_SENTRY, ALWAYS },
	{ "docs.readme", SIG_DOCS_README, ALWAYS },
	{ "docs.security_policy", SIG_DOCS_SECURITY, ALWAYS },
	{ "docs.codeowners", SIG_DOCS_CODEOWNERS, ALWAYS },
	{ "docs.license", SIG_DOCS_LICENSE, ALWAYS },
	{ "docs.contributing", SIG_DOCS_CONTRIBUTING, ALWAYS },
	{ "docs.openapi", SIG_DOCS_OPENAPI, ALWAYS },
	{ "docs.runbooks", SIG_DOCS_RUNBOOKS, ALWAYS },
	{ "db.migrations", SIG_DB_MIGRATIONS, ALWAYS },
	{ "release.changelog", SIG_REL_CHANGELOG, ALWAYS },
	{ "container.compose", SIG_COMPOSE, ALWAYS },
	{ "test.containers", SIG_TEST_CONTAINERS, ALWAYS },
};

/* List facts derived from signals: the item is listed when the signal is
 * on.  `any` is the bool fact "at least one of them". */
struct sig_item {
	enum repo_sig sig;
	const char *item;
};

static const struct sig_item sast_items[] = {
	{ SIG_SAST_CODEQL, "codeql" }, { SIG_SAST_SEMGREP, "semgrep" },
	{ SIG_SAST_SONARQUBE, "sonarqube" }, { SIG_SAST_SNYK_CODE, "snyk-code" },
	{ SIG_SAST_BANDIT, "bandit" }, { SIG_SAST_GOSEC, "gosec" },
	{ SIG_SAST_BRAKEMAN, "brakeman" }, { SIG_SAST_GITLAB, "gitlab-sast" },
	{ SIG__COUNT, NULL },
};
static const struct sig_item scan_items[] = {
	{ SIG_SCAN_TRIVY, "trivy" }, { SIG_SCAN_GRYPE, "grype" },
	{ SIG_SCAN_SNYK, "snyk" }, { SIG_SCAN_OSV, "osv-scanner" },
	{ SIG_SCAN_DEPREVIEW, "dependency-review" },
	{ SIG_SCAN_NPM_AUDIT, "npm-audit" }, { SIG_SCAN_PIP_AUDIT, "pip-audit" },
	{ SIG_SCAN_GOVULNCHECK, "govulncheck" },
	{ SIG__COUNT, NULL },
};
static const struct sig_item iac_items[] = {
	{ SIG_IAC_TERRAFORM, "terraform" }, { SIG_IAC_KUBERNETES, "kubernetes" },
	{ SIG_IAC_HELM, "helm" }, { SIG_IAC_KUSTOMIZE, "kustomize" },
	{ SIG_IAC_PULUMI, "pulumi" }, { SIG_IAC_ANSIBLE, "ansible" },
	{ SIG_IAC_CLOUDFORMATION, "cloudformation" },
	{ SIG__COUNT, NULL },
};
static const struct sig_item mon_items[] = {
	{ SIG_MON_PROMETHEUS, "prometheus" },
	{ SIG_MON_GRAFANA, "grafana" }, { SIG_MON_LOKI, "loki" },
	{ SIG_MON_OTEL, "opentelemetry" }, { SIG_MON_SENTRY, "sentry" },
	{ SIG_MON_DATADOG, "datadog" }, { SIG_MON_NEWRELIC, "newrelic" },
	{ SIG__COUNT, NULL },
};
static const struct sig_item release_items[] = {
	{ SIG_REL_SEMANTIC_RELEASE, "semantic-release" },
	{ SIG_REL_RELEASE_PLEASE, "release-please" },
	{ SIG_REL_CHANGESETS, "changesets" },
	{ SIG_REL_GORELEASER, "goreleaser" },
	{ SIG__COUNT, NULL },
};

/* Emits the list (when non-empty) and returns the first signal that is on
 * (SIG__COUNT when none), so callers can emit the matching bool. */
static enum repo_sig
emit_sig_list(struct repo *r, const char *key, const struct sig_item *items)
{
	struct repo_set set = { 0 };
	enum repo_sig first = SIG__COUNT;

	for (const struct sig_item *it = items; it->item; it++) {
		const struct repo_signal *s = &r->sig[it->sig];

		if (!s->on)
			continue;
		if (first == SIG__COUNT)
			first = it->sig;
		repo_set_add(&set, it->item, NULL, 0);
	}
	if (first != SIG__COUNT) {
		set.evidence = repo_xstrdup(r->sig[first].evidence);
		if (key)
			repo_emit_set(r, key, &set);
	}
	repo_set_free(&set);
	return first;
}

static void
emit_any(struct repo *r, const char *bool_key, const char *list_key,
	 const struct sig_item *items)
{
	enum repo_sig first = emit_sig_list(r, list_key, items);

	if (bool_key)
		repo_emit_bool(r, bool_key, first != SIG__COUNT,
			       first != SIG__COUNT ? r->sig[first].evidence
						   : NULL);
}

static void
emit_ci(struct repo *r)
{
	bool ci = r->ci_files > 0;

	repo_emit_bool(r, "ci.present", ci, r->ci_providers.evidence);
	repo_emit_number(r, "ci.workflows.count", (double)r->ci_files,
			 r->ci_providers.evidence);
	if (!ci)
		return;
	repo_emit_string(r, "ci.provider", r->ci_providers.items[0],
			 r->ci_providers.evidence);
	repo_emit_set(r, "ci.providers", &r->ci_providers);
	repo_emit_number(r, "ci.jobs.count", (double)r->ci_jobs,
			 r->ci_providers.evidence);
	repo_emit_set(r, "ci.environments", &r->environments);
	emit_any(r, "security.sast.present", "security.sast.tools", sast_items);
	emit_any(r, "security.scan.present", "security.scan.tools", scan_items);
}

static void
emit_scorecard(struct repo *r)
{
	static const struct sig_item danger[] = {
		{ SIG_SC_UNTRUSTED_CHECKOUT, "untrusted-checkout" },
		{ SIG_SC_SCRIPT_INJECTION, "script-injection" },
		{ SIG__COUNT, NULL },
	};

	if (!r->gh_workflows)
		return;
	repo_emit_bool(r, "scorecard.token_permissions",
		       !r->perm_undeclared && !r->perm_write,
		       r->perm_evidence ? r->perm_evidence : r->perm_ok_evidence);
	repo_emit_number(r, "scorecard.token_permissions.undeclared",
			 (double)r->perm_undeclared, NULL);
	repo_emit_number(r, "scorecard.token_permissions.write",
			 (double)r->perm_write, NULL);
	if (r->pinned || r->unpinned) {
		repo_emit_bool(r, "scorecard.pinned_actions", !r->unpinned,
			       r->unpinned ? r->unpinned_evidence
					   : r->pinned_evidence);
		repo_emit_number(r, "scorecard.pinned_actions.pinned",
				 (double)r->pinned, r->pinned_evidence);
		repo_emit_number(r, "scorecard.pinned_actions.unpinned",
				 (double)r->unpinned, r->unpinned_evidence);
	}
	emit_any(r, "scorecard.dangerous_workflow",
		 "scorecard.dangerous_workflow.patterns", danger);
}

static void
emit_rest(struct repo *r)
{
	const char *tool;
	const char *ev;
	enum repo_sig first;

	/* dependencies */
	if (r->sig[SIG_DEPS_DEPENDABOT].on && r->sig[SIG_DEPS_RENOVATE].on)
		tool = "dependabot+renovate";
	else if (r->sig[SIG_DEPS_DEPENDABOT].on)
		tool = "dependabot";
	else if (r->sig[SIG_DEPS_RENOVATE].on)
		tool = "renovate";
	else
		tool = "none";
	ev = r->sig[SIG_DEPS_DEPENDABOT].on ? r->sig[SIG_DEPS_DEPENDABOT].evidence
					    : r->sig[SIG_DEPS_RENOVATE].evidence;
	repo_emit_string(r, "deps.update_tool", tool, ev);
	repo_emit_bool(r, "deps.automated_updates", strcmp(tool, "none"), ev);
	repo_emit_set(r, "deps.dependabot.ecosystems", &r->dependabot_ecosystems);
	repo_emit_set(r, "repo.manifests", &r->manifests);
	if (r->manifests.n)
		repo_emit_signal(r, "deps.lockfile", SIG_DEPS_LOCKFILE);

	/* tests */
	repo_emit_number(r, "test.files.count", (double)r->test_files, NULL);
	repo_emit_set(r, "test.frameworks", &r->test_frameworks);

	/* IaC, monitoring */
	if (r->tf_files)
		repo_emit_number(r, "iac.terraform.files", (double)r->tf_files,
				 r->sig[SIG_IAC_TERRAFORM].evidence);
	emit_any(r, NULL, "iac.tools", iac_items);
	emit_any(r, NULL, "monitoring.tools", mon_items);

	/* docs */
	if (r->license_id)
		repo_emit_string(r, "docs.license.id", r->license_id,
				 r->license_evidence);

	/* db */
	if (r->sig[SIG_DB_MIGRATIONS].on)
		repo_emit_string(r, "db.migrations.tool",
				 r->db_tool ? r->db_tool : "generic",
				 r->sig[SIG_DB_MIGRATIONS].evidence);

	/* release */
	repo_emit_bool(r, "release.feature_flags", r->ff_libs.n > 0,
		       r->ff_libs.evidence);
	repo_emit_set(r, "release.feature_flags.libs", &r->ff_libs);
	first = emit_sig_list(r, NULL, release_items);
	repo_emit_bool(r, "release.semantic", first != SIG__COUNT,
		       first != SIG__COUNT ? r->sig[first].evidence : NULL);
	if (first != SIG__COUNT) {
		for (const struct sig_item *it = release_items; it->item; it++)
			if (it->sig == first)
				repo_emit_string(r, "release.tool", it->item,
						 r->sig[first].evidence);
	}
}

static void
emit_all(struct repo *r)
{
	emit_ci(r);
	emit_scorecard(r);
	for (size_t i = 0; i < sizeof(bool_facts) / sizeof(bool_facts[0]); i++) {
		if (bool_facts[i].when == IF_CI && !r->ci_files)
			continue;
		repo_emit_signal(r, bool_facts[i].key, bool_facts[i].sig);
	}
	emit_rest(r);
}

/* ---- plugin entry points ---- */

static int
repo_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct repo *r;
	const char *path = host->config_get(ctx, "path");
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ctx = ctx;
	r->host = host;
	r->root = repo_xstrdup(path && *path ? path : ".");
	rc = repo_rules_init();
	if (rc < 0) {
		host->log(ctx, OG_LOG_ERROR, "internal: rule table: %s",
			  strerror(-rc));
		free(r->root);
		free(r);
		return rc;
	}
	*ret_state = r;
	return 0;
}

static int
repo_collect(struct og_ctx *ctx, void *state)
{
	struct repo *r = state;
	int rc;

	rc = repo_walk(r);
	if (rc == -EMEDIUMTYPE) {
		r->host->log(ctx, OG_LOG_ERROR, "%s is a bare git repository: "
			     "it has no checkout to inspect (point at a clone "
			     "or a worktree)", r->root);
		return rc;
	}
	if (rc < 0) {
		r->host->log(ctx, OG_LOG_ERROR, "cannot read checkout %s: %s",
			     r->root, strerror(-rc));
		return rc;
	}
	repo_declare_target(r);
	if (r->truncated)
		r->host->set_partial(ctx, "directories deeper than 128 levels "
				     "were not listed: facts judged on the "
				     "part seen");
	repo_ci_github(r);
	repo_ci_gitlab(r);
	repo_ci_jenkins(r);
	repo_ci_travis(r);
	repo_dockerfiles(r);
	repo_manifests(r);
	repo_presence(r);
	repo_deps(r);
	repo_content(r);
	repo_kind(r);
	emit_all(r);
	repo_scope_emit(r);
	return 0;
}

static void
repo_fini(void *state)
{
	struct repo *r = state;

	if (!r)
		return;
	repo_rules_fini();
	repo_files_free(r);
	repo_scope_free(r);
	repo_resolve_free(r);
	free(r->git_index);
	for (size_t i = 0; i < SIG__COUNT; i++)
		free(r->sig[i].evidence);
	repo_set_free(&r->ci_providers);
	repo_set_free(&r->environments);
	repo_set_free(&r->manifests);
	repo_set_free(&r->test_frameworks);
	repo_set_free(&r->ff_libs);
	repo_set_free(&r->dependabot_ecosystems);
	repo_set_free(&r->db_engines);
	free(r->sub_package_ev);
	free(r->perm_evidence);
	free(r->perm_ok_evidence);
	free(r->unpinned_evidence);
	free(r->pinned_evidence);
	free(r->license_evidence);
	free(r->root);
	free(r);
}

static const struct og_option repo_options[] = {
	{ .key = "path", .type = OG_OPT_STRING,
	  .flags = OG_OPTF_PATH | OG_OPTF_POSITIONAL,
	  .help = "checkout to inspect (default: .)" },
	{ .key = "exclude", .type = OG_OPT_LIST, .help = "paths that are not the product (gitignore "
				  "globs; `!glob` keeps what a default rule "
				  "drops)" },
	{ .key = NULL },
};

/* Command-line shorthands (shown in --help). */
static const struct og_flag repo_flags[] = {
	{ "exclude", "exclude", "GLOB", "path that is not the product (repeatable, gitignore syntax)" },
	{ 0 },
};

OG_PLUGIN_DEFINE(.name = "repo", .version = REPO_VERSION,
		 .summary = "Offline evidence from a checkout: CI, containers, "
			    "tests, IaC, monitoring, docs",
		 .init = repo_init, .collect = repo_collect, .fini = repo_fini,
		 .options = repo_options, .flags = repo_flags, .opt_in = false)
