/*
 * What a CI step means, as data: POSIX extended regexes over `uses:`
 * references (GitHub actions, GitLab includes and images) and over shell
 * lines (`run:`, `script:`, Jenkinsfile).  The same table serves every CI
 * provider so that "runs Trivy" means one thing everywhere.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "ytree.h"

struct rule {
	unsigned on;		/* RULE_USES | RULE_RUN */
	enum repo_sig sig;
	const char *re;
};

/* A shell word boundary on the left: start of line or a separator. */
#define W "(^|[^[:alnum:]_./-])"

static const struct rule rules[] = {
	/* SAST */
	/* upload-sarif alone uploads another tool's results */
	{ RULE_USES, SIG_SAST_CODEQL, "^github/codeql-action/(init|analyze|autobuild)" },
	{ RULE_RUN, SIG_SAST_CODEQL, W "codeql database (create|analyze)" },
	{ RULE_USES, SIG_SAST_SEMGREP, "^(returntocorp|semgrep)/" },
	{ RULE_RUN, SIG_SAST_SEMGREP, W "semgrep( |$)" },
	{ RULE_USES, SIG_SAST_SONARQUBE, "^sonarsource/" },
	{ RULE_RUN, SIG_SAST_SONARQUBE, "sonar-scanner|sonar:sonar" },
	{ RULE_RUN, SIG_SAST_SNYK_CODE, W "snyk code test" },
	{ RULE_USES, SIG_SAST_BANDIT, "bandit" },
	{ RULE_RUN, SIG_SAST_BANDIT, W "bandit( |$)" },
	{ RULE_USES, SIG_SAST_GOSEC, "^securego/gosec" },
	{ RULE_RUN, SIG_SAST_GOSEC, W "gosec( |$)" },
	{ RULE_RUN, SIG_SAST_BRAKEMAN, W "brakeman( |$)" },
	{ RULE_USES, SIG_SAST_GITLAB, "(^|/)sast(-iac)?\\.(latest\\.)?gitlab-ci\\.yml$" },
	/* dependency / image scanners */
	{ RULE_USES, SIG_SCAN_TRIVY, "^aquasecurity/(trivy-action|setup-trivy)|^aquasec/trivy" },
	{ RULE_RUN, SIG_SCAN_TRIVY, W "trivy (image|fs|filesystem|repo|repository|config|k8s|sbom|rootfs|vm)( |$)" },
	{ RULE_USES, SIG_SCAN_GRYPE, "^anchore/(scan-action|grype)" },
	{ RULE_RUN, SIG_SCAN_GRYPE, W "grype " },
	{ RULE_USES, SIG_SCAN_SNYK, "^snyk/actions" },
	{ RULE_RUN, SIG_SCAN_SNYK, W "snyk (test|monitor|container test)" },
	{ RULE_USES, SIG_SCAN_OSV, "^google/osv-scanner" },
	{ RULE_RUN, SIG_SCAN_OSV, W "osv-scanner( |$)" },
	{ RULE_USES, SIG_SCAN_DEPREVIEW, "^actions/dependency-review-action" },
	{ RULE_RUN, SIG_SCAN_NPM_AUDIT, W "(npm|pnpm|yarn) audit" },
	{ RULE_RUN, SIG_SCAN_PIP_AUDIT, W "pip-audit" },
	{ RULE_RUN, SIG_SCAN_GOVULNCHECK, W "govulncheck" },
	{ RULE_USES, SIG_SCAN_GOVULNCHECK, "^golang/govulncheck-action" },
	{ RULE_USES, SIG_SCAN_PIP_AUDIT, "^pypa/gh-action-pip-audit" },
	/* secrets, DAST, SBOM */
	{ RULE_USES, SIG_SECRET_SCAN, "^(gitleaks/|trufflesecurity/trufflehog|zricethezav/gitleaks)|(^|/)secret-detection\\.(latest\\.)?gitlab-ci\\.yml$" },
	{ RULE_RUN, SIG_SECRET_SCAN, W "(gitleaks|trufflehog|detect-secrets)( |$)" },
	{ RULE_USES, SIG_DAST, "^zaproxy/|^owasp/zap|^ghcr\\.io/zaproxy/|^projectdiscovery/nuclei|(^|/)dast(-api)?\\.(latest\\.)?gitlab-ci\\.yml$" },
	{ RULE_RUN, SIG_DAST, "zap-(baseline|full-scan|api-scan)|zap\\.sh|" W "nuclei " },
	{ RULE_USES, SIG_SBOM, "^anchore/sbom-action|cyclonedx" },
	{ RULE_RUN, SIG_SBOM, W "syft |cyclonedx|trivy .*--format[= ](cyclonedx|spdx)" },
	/* CI features */
	{ RULE_USES, SIG_CI_SIGN, "^sigstore/cosign-installer|^notaryproject/notation" },
	{ RULE_RUN, SIG_CI_SIGN, W "(cosign (sign|attest)|notation sign|docker trust sign)" },
	{ RULE_USES, SIG_CI_CACHE, "^actions/cache(/|$)" },
	{ RULE_RUN, SIG_CI_CACHE, "--cache-from" },
	/* Prometheus projects build with promu and publish images through
	 * their shared actions */
	{ RULE_USES, SIG_CI_MULTI_PLATFORM, "^prometheus/promci/build" },
	{ RULE_USES, SIG_CI_CONTAINER_BUILD, "^prometheus/promci/publish_(main|release)" },
	{ RULE_USES, SIG_CI_CONTAINER_BUILD, "^docker/(build-push|bake)-action|^redhat-actions/buildah-build|kaniko-project/executor|^ko-build/setup-ko|^imjasonh/setup-ko" },
	{ RULE_RUN, SIG_CI_CONTAINER_BUILD, W "(docker (buildx )?(build|bake)|buildah (bud|build)|podman build|/kaniko/executor|ko (build|publish|resolve|apply)|jib:(build|dockerBuild)|jib(DockerBuild)?|spring-boot:build-image|bootBuildImage|pack build)( |$)" },
	{ RULE_RUN, SIG_CI_MULTI_PLATFORM, "--platform[= ]+([^ ,]+,[^ ]|all( |$))" },
	/* promu crossbuild builds every platform of .promu.yml (or each -p) */
	{ RULE_RUN, SIG_CI_MULTI_PLATFORM, W "promu crossbuild" },
	{ RULE_USES, SIG_CI_PATH_FILTERS, "^dorny/paths-filter|^tj-actions/changed-files" },
	{ RULE_USES, SIG_CI_DEPLOY, "^aws-actions/amazon-ecs-deploy|^azure/(webapps-deploy|k8s-deploy|functions-action)|^google-github-actions/deploy-|^cloudflare/wrangler-action|^amondnet/vercel-action|^actions/deploy-pages|^peaceiris/actions-gh-pages" },
	{ RULE_RUN, SIG_CI_DEPLOY, W "(kubectl (apply|set image|rollout)|helm (upgrade|install)|terraform apply|aws ecs update-service|gcloud (run|app) deploy|az webapp deploy|(flyctl|fly) deploy|serverless deploy|sls deploy)( |$)" },
	{ RULE_RUN, SIG_CI_ROLLBACK, W "(kubectl rollout undo|helm rollback)( |$)" },
	/* ./mvnw and ./gradlew are run by path; `npm run test-ci`,
	 * `make unit-test`: a test-named script or target */
	{ RULE_RUN, SIG_CI_TESTS, "(^|[^[:alnum:]_.-])(\\./)?((npm|pnpm|yarn|bun)( run)? test[[:alnum:]:_-]*|npx (jest|vitest|mocha|ava|playwright test|cypress run)|(python3? -m )?(pytest|unittest)|tox|nox|go test|gotestsum|(cargo|cross|\\$\\{\\{ *env\\.CARGO *\\}\\}|\\$\\{?CARGO\\}?) (test|nextest)|ct (install|lint-and-install)|helm (test|unittest)|(mvn|mvnw)( [^|;&]*)? (test|verify|install|package)|(gradle|gradlew)( [^|;&]*)? (test|check|build)|make( [^ |;&]+)* [[:alnum:]_-]*(test|check)([[:alnum:]_-]*\\$\\{\\{[^}]*\\}\\})?[[:alnum:]_-]*|ctest|meson test|dotnet test|rspec|phpunit|bats|urchin|shellspec|node --test|deno test|mocha|jest|vitest|ava|tap|karma start|jasmine|hatch test|mix test|swift test|rake (test|spec))( |$|:)" },
	{ RULE_USES, SIG_TEST_COVERAGE, "^codecov/codecov-action|^coverallsapp/" },
	{ RULE_RUN, SIG_TEST_COVERAGE, "(--coverage|--cov([= ]|$)|" W "coverage (run|report|xml)|go test.*-cover)" },
	/* release */
	{ RULE_USES, SIG_REL_SEMANTIC_RELEASE, "^cycjimmy/semantic-release-action" },
	{ RULE_RUN, SIG_REL_SEMANTIC_RELEASE, W "semantic-release( |$)" },
	{ RULE_USES, SIG_REL_RELEASE_PLEASE, "release-please-action" },
	{ RULE_RUN, SIG_REL_RELEASE_PLEASE, W "release-please( |$)" },
	{ RULE_USES, SIG_REL_GORELEASER, "^goreleaser/goreleaser-action" },
	{ RULE_RUN, SIG_REL_GORELEASER, W "goreleaser( |$)" },
	{ RULE_USES, SIG_REL_CHANGESETS, "^changesets/action" },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* Expressions Scorecard (via actionlint) treats as attacker-controlled. */
static const char untrusted_re[] =
	"\\$\\{\\{[^}]*(github\\.head_ref|github\\.event\\.("
	"issue\\.(title|body)|pull_request\\.(title|body|head\\.(ref|label|repo\\.default_branch))|"
	"comment\\.body|review\\.body|review_comment\\.body|pages\\.[^.]*\\.page_name|"
	"commits\\.[^.]*\\.(message|author\\.(email|name))|head_commit\\.(message|author\\.(email|name))|"
	"workflow_run\\.(head_branch|head_commit\\.(message|author\\.(email|name))|display_title)|"
	"discussion\\.(title|body)))";

static regex_t compiled[N_RULES];
static regex_t untrusted;
static bool ready;

void
repo_rules_fini(void)
{
	if (!ready)
		return;
	for (size_t i = 0; i < N_RULES; i++)
		regfree(&compiled[i]);
	regfree(&untrusted);
	ready = false;
}

int
repo_rules_init(void)
{
	const int flags = REG_EXTENDED | REG_ICASE | REG_NOSUB;

	if (ready)
		return 0;
	for (size_t i = 0; i < N_RULES; i++) {
		if (regcomp(&compiled[i], rules[i].re, flags)) {
			for (size_t j = 0; j < i; j++)
				regfree(&compiled[j]);
			return -EINVAL;
		}
	}
	if (regcomp(&untrusted, untrusted_re, flags)) {
		for (size_t i = 0; i < N_RULES; i++)
			regfree(&compiled[i]);
		return -EINVAL;
	}
	ready = true;
	return 0;
}

void
repo_rules_apply(struct repo *r, enum repo_rule_on on, const char *text,
		 const char *path, unsigned line)
{
	for (size_t i = 0; i < N_RULES; i++) {
		if (!(rules[i].on & on) || r->sig[rules[i].sig].on)
			continue;
		if (!regexec(&compiled[i], text, 0, NULL, 0))
			repo_signal(r, rules[i].sig, path, line);
	}
	if (on == RULE_RUN)
		repo_resolve(r, text);
}

void
repo_rules_script(struct repo *r, const char *script, const char *path,
		  unsigned first_line, unsigned fallback_line)
{
	char *copy = repo_xstrdup(script);
	size_t pos = 0, len = strlen(copy);
	unsigned k = 0;
	char *line;

	while ((line = repo_next_line(copy, len, &pos))) {
		const char *s = line + strspn(line, " \t");

		/* a commented-out command is not a step that runs */
		if (*s && *s != '#')
			repo_rules_apply(r, RULE_RUN, s, path,
					 first_line ? first_line + k
						    : fallback_line);
		k++;
	}
	free(copy);
}

bool
repo_untrusted_expr(const char *text)
{
	return ready && !regexec(&untrusted, text, 0, NULL, 0);
}

void
repo_rules_script_node(struct repo *r, const struct ynode *n,
		       const char *path, size_t *budget)
{
	if (!n || !*budget)
		return;
	(*budget)--;
	if (n->type == YN_SCALAR) {
		bool exact = n->literal || !strchr(n->value, '\n');

		repo_rules_script(r, n->value, path,
				  exact ? (n->literal ? n->line + 1 : n->line)
					: 0, n->line);
	} else if (n->type == YN_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			repo_rules_script_node(r, n->kids[i], path, budget);
	}
}
