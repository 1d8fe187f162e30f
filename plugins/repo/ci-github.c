/*
 * GitHub Actions workflows (.github/workflows/NAME.yml or .yaml, direct children
 * only: GitHub ignores subdirectories).  Parsed with libyaml so that
 * anchors, block scalars, flow style and `on:` as string, list or map all
 * read right.  Besides CI features this judges the Scorecard checks that
 * need only the files: Token-Permissions, Pinned-Dependencies (actions)
 * and Dangerous-Workflow.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "ytree.h"

struct wf {
	struct repo *r;
	const char *path;
	bool privileged_trigger;	/* pull_request_target / workflow_run */
	unsigned roots;			/* jobs without needs */
	unsigned depth;			/* composite actions within actions */
};

static void read_step(struct wf *w, const struct ynode *step);

/* A local composite action (`uses: ./.github/actions/setup`): its steps
 * run in the job, so they are read as the job's, with their own file as
 * evidence. */
static void
composite(struct wf *w, const char *ref)
{
	static const char *const names[] = { "action.yml", "action.yaml", NULL };
	struct repo *r = w->r;
	char path[512];
	size_t dl = strlen(ref + 2);

	while (dl && ref[2 + dl - 1] == '/')
		dl--;
	if (w->depth >= 3 || dl > 400)
		return;
	for (size_t i = 0; names[i]; i++) {
		const struct repo_file *f;
		const struct ynode *steps;
		struct wf sub = *w;
		struct ytree t;
		char err[160];
		char *buf;
		size_t len;

		snprintf(path, sizeof(path), "%.*s/%s", (int)dl, ref + 2, names[i]);
		f = repo_find(r, path);
		if (!f || f->is_dir || repo_read(r, path, &buf, &len) < 0)
			continue;
		if (ytree_parse(buf, len, &t, err, sizeof(err)) == 0) {
			sub.path = f->path;
			sub.depth++;
			steps = t.n_docs ? ytree_get(ytree_get(t.docs[0], "runs"),
						     "steps") : NULL;
			for (size_t k = 0; k < ytree_len(steps) &&
			     steps->type == YN_SEQ; k++)
				read_step(&sub, ytree_item(steps, k));
			ytree_free(&t);
		} else {
			r->host->log(r->ctx, OG_LOG_WARN, "%s: invalid YAML: %s",
				     path, err);
		}
		free(buf);
		return;
	}
}

static bool
is_workflow(const struct repo_file *f)
{
	if (f->is_dir || strncmp(f->path, ".github/workflows/", 18) ||
	    strchr(f->path + 18, '/'))
		return false;
	return repo_has_suffix(f->base, ".yml") ||
	       repo_has_suffix(f->base, ".yaml");
}

static void
on_event(struct wf *w, const char *event, const struct ynode *cfg,
	 unsigned line)
{
	struct repo *r = w->r;

	if (!strcmp(event, "pull_request") ||
	    !strcmp(event, "pull_request_target"))
		repo_signal(r, SIG_CI_PR_TRIGGER, w->path, line);
	if (!strcmp(event, "push"))
		repo_signal(r, SIG_CI_PUSH_TRIGGER, w->path, line);
	if (!strcmp(event, "schedule"))
		repo_signal(r, SIG_CI_SCHEDULE, w->path, line);
	if (!strcmp(event, "pull_request_target") ||
	    !strcmp(event, "workflow_run"))
		w->privileged_trigger = true;
	if (!strcmp(event, "push") || !strncmp(event, "pull_request", 12)) {
		const struct ynode *k = ytree_get_key(cfg, "paths");

		if (!k)
			k = ytree_get_key(cfg, "paths-ignore");
		if (k)
			repo_signal(r, SIG_CI_PATH_FILTERS, w->path, k->line);
	}
}

static void
read_triggers(struct wf *w, const struct ynode *root)
{
	const struct ynode *key = ytree_get_key(root, "on");
	const struct ynode *on;

	/* A YAML 1.1 loader turns a bare `on` into true; some generated
	 * workflows carry that spelling. */
	if (!key)
		key = ytree_get_key(root, "true");
	if (!key)
		return;
	on = ytree_get(root, ytree_str(key));
	if (!on)
		return;
	if (on->type == YN_SCALAR) {
		on_event(w, on->value, NULL, on->line);
	} else if (on->type == YN_SEQ) {
		for (size_t i = 0; i < on->n; i++)
			if (ytree_str(on->kids[i]))
				on_event(w, on->kids[i]->value, NULL,
					 on->kids[i]->line);
	} else {
		for (size_t i = 0; i < ytree_len(on); i++) {
			const struct ynode *k = ytree_key_at(on, i);

			if (ytree_str(k))
				on_event(w, k->value, ytree_val_at(on, i),
					 k->line);
		}
	}
}

static void
read_permissions(struct wf *w, const struct ynode *root)
{
	struct repo *r = w->r;
	const struct ynode *key = ytree_get_key(root, "permissions");
	const struct ynode *p = ytree_get(root, "permissions");
	const struct ynode *on = ytree_get_key(root, "on");
	bool write = false;

	if (!key) {
		r->perm_undeclared++;
		repo_keep_first(&r->perm_evidence, w->path, on ? on->line : 1);
		return;
	}
	if (p->type == YN_SCALAR) {
		write = !strcmp(p->value, "write-all");
	} else {
		for (size_t i = 0; i < ytree_len(p); i++) {
			const char *v = ytree_str(ytree_val_at(p, i));

			if (v && !strcmp(v, "write"))
				write = true;
		}
	}
	if (write) {
		r->perm_write++;
		repo_keep_first(&r->perm_evidence, w->path, key->line);
	} else {
		repo_keep_first(&r->perm_ok_evidence, w->path, key->line);
	}
}

static bool
is_sha(const char *ref)
{
	size_t n = 0;

	for (; ref[n]; n++)
		if (!isxdigit((unsigned char)ref[n]))
			return false;
	return n == 40;
}

/* Pinning and the rule table for one `uses:` value. */
static void
read_uses(struct wf *w, const struct ynode *uses)
{
	struct repo *r = w->r;
	const char *v = ytree_str(uses);
	const char *at;
	char *name;
	bool pinned;

	if (!v)
		return;
	if (!strncmp(v, "./", 2)) {
		composite(w, v);
		return;
	}
	if (!strncmp(v, "docker://", 9)) {
		pinned = strstr(v, "@sha256:") != NULL;
		name = repo_xstrdup(v + 9);
	} else {
		at = strrchr(v, '@');
		pinned = at && is_sha(at + 1);
		name = repo_xstrdup(v);
		if (at)
			name[at - v] = '\0';
	}
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (pinned) {
		r->pinned++;
		repo_keep_first(&r->pinned_evidence, w->path, uses->line);
	} else {
		r->unpinned++;
		repo_keep_first(&r->unpinned_evidence, w->path, uses->line);
	}
	repo_rules_apply(r, RULE_USES, name, w->path, uses->line);
	free(name);
}

/* First line of a scalar's content: block scalars start below `|`. */
static unsigned
content_line(const struct ynode *n)
{
	return n->literal ? n->line + 1 : n->line;
}

static void
read_script(struct wf *w, const struct ynode *run)
{
	struct repo *r = w->r;
	const char *s = ytree_str(run);
	bool exact = run->literal || !strchr(s ? s : "", '\n');
	unsigned line = content_line(run), k = 0;
	const char *p;

	if (!s)
		return;
	repo_rules_script(r, s, w->path, exact ? line : 0, run->line);
	for (p = s; *p; k++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *one = repo_xrealloc(NULL, len + 1, 1);

		memcpy(one, p, len);
		one[len] = '\0';
		if (repo_untrusted_expr(one))
			repo_signal(r, SIG_SC_SCRIPT_INJECTION, w->path,
				    exact ? line + k : run->line);
		free(one);
		p += len + (nl ? 1 : 0);
	}
}

static bool
untrusted_ref(const char *ref)
{
	static const char *const heads[] = {
		"github.event.pull_request.head.", "github.head_ref",
		"github.event.workflow_run.head_", "refs/pull/", NULL,
	};

	for (size_t i = 0; ref && heads[i]; i++)
		if (strstr(ref, heads[i]))
			return true;
	return false;
}

static void
read_step(struct wf *w, const struct ynode *step)
{
	struct repo *r = w->r;
	const struct ynode *uses = ytree_get(step, "uses");
	const struct ynode *with = ytree_get(step, "with");
	const char *name = ytree_str(ytree_get(step, "name"));
	const char *u = ytree_str(uses);

	if (uses)
		read_uses(w, uses);
	if (ytree_get(step, "run"))
		read_script(w, ytree_get(step, "run"));
	if (name && repo_strcasestr(name, "rollback"))
		repo_signal(r, SIG_CI_ROLLBACK, w->path,
			    ytree_get_key(step, "name")->line);
	if (!with || with->type != YN_MAP)
		return;
	for (size_t i = 0; i < ytree_len(with); i++) {
		const struct ynode *k = ytree_key_at(with, i);
		const struct ynode *v = ytree_val_at(with, i);
		const char *ks = ytree_str(k), *vs = ytree_str(v);

		if (!ks || !vs)
			continue;
		/* actions/setup-node|python|go|java: `cache: npm` */
		if ((!strcmp(ks, "cache") && *vs && strcmp(vs, "false") &&
		     u && !strncmp(u, "actions/setup-", 14)) ||
		    !strcmp(ks, "cache-from"))
			repo_signal(r, SIG_CI_CACHE, w->path, k->line);
		if (!strcmp(ks, "platforms") && strchr(vs, ','))
			repo_signal(r, SIG_CI_MULTI_PLATFORM, w->path, k->line);
		if (!strcmp(ks, "ref") && w->privileged_trigger && u &&
		    !strncmp(u, "actions/checkout", 16) && untrusted_ref(vs))
			repo_signal(r, SIG_SC_UNTRUSTED_CHECKOUT, w->path,
				    v->line);
		if (!strcmp(ks, "script") && u &&
		    !strncmp(u, "actions/github-script", 21) &&
		    repo_untrusted_expr(vs))
			repo_signal(r, SIG_SC_SCRIPT_INJECTION, w->path,
				    v->line);
	}
}

/* Environments that gate test secrets (`environment: integration-tests`)
 * or bots (`renovate-auto-merge`) are protection rules, not deployment
 * targets: an environment is a deploy when its name says where things
 * go, and nothing says it is a test. */
static bool
deploy_environment(const char *name)
{
	static const char *const targets[] = {
		"prod", "stag", "dev", "qa", "uat", "preview", "live",
		"release", "publish", "pages", "pypi", "npm", "crates", "maven",
		"docker", "registry", "canary", "sandbox", "demo", "deploy",
		"cloud", "aws", "gcp", "azure", "k8s", "cluster", "env", NULL,
	};

	for (size_t i = 0; targets[i]; i++)
		if (repo_strcasestr(name, targets[i]))
			return true;
	return false;
}

static bool
test_environment(const char *name)
{
	static const char *const words[] = {
		"test", "e2e", "integration", "secret", "approval", "fork",
		"ci", "benchmark", NULL,
	};

	for (size_t i = 0; words[i]; i++) {
		const char *hit = repo_strcasestr(name, words[i]);
		size_t n = strlen(words[i]);

		/* "ci" only as a word: not the one inside "precious" */
		if (hit && (n > 2 || ((hit == name || !isalpha((unsigned char)hit[-1])) &&
				      !isalpha((unsigned char)hit[n]))))
			return true;
	}
	return false;
}

static void
read_environment(struct wf *w, const struct ynode *key, const struct ynode *env)
{
	const char *name = ytree_str(env);

	if (!name)
		name = ytree_str(ytree_get(env, "name"));
	/* `${{ inputs.environment }}`: a reusable deploy workflow */
	if (!name || strstr(name, "${{") ||
	    (deploy_environment(name) && !test_environment(name)))
		repo_signal(w->r, SIG_CI_DEPLOY, w->path, key->line);
	/* `${{ inputs.env }}` is not a name we can report */
	if (name && *name && !strstr(name, "${{"))
		repo_set_add(&w->r->environments, name, w->path, key->line);
}

/* A job that starts a throwaway cluster (kind, k3d, minikube) applies
 * manifests to test them: that is not a deployment. */
static bool
throwaway_cluster(const struct ynode *steps)
{
	for (size_t i = 0; i < ytree_len(steps) && steps->type == YN_SEQ; i++) {
		const struct ynode *st = ytree_item(steps, i);
		const char *u = ytree_str(ytree_get(st, "uses"));
		const char *run = ytree_str(ytree_get(st, "run"));

		if (u && (repo_strcasestr(u, "kind-action") ||
			  repo_strcasestr(u, "setup-kind") ||
			  repo_strcasestr(u, "k3d-action") ||
			  repo_strcasestr(u, "setup-minikube") ||
			  repo_strcasestr(u, "setup-k3d") ||
			  repo_strcasestr(u, "actions-setup-minikube")))
			return true;
		if (run && (strstr(run, "kind create cluster") ||
			    strstr(run, "k3d cluster create") ||
			    strstr(run, "minikube start") ||
			    strstr(run, "ctlptl create")))
			return true;
	}
	return false;
}

static void
read_job(struct wf *w, const struct ynode *id, const struct ynode *job)
{
	struct repo *r = w->r;
	bool throwaway = throwaway_cluster(ytree_get(job, "steps"));
	bool deploy_before = r->sig[SIG_CI_DEPLOY].on;
	const char *name = ytree_str(ytree_get(job, "name"));
	const struct ynode *steps = ytree_get(job, "steps");
	const struct ynode *matrix = ytree_get_key(ytree_get(job, "strategy"),
						   "matrix");
	const struct ynode *envk = ytree_get_key(job, "environment");

	r->ci_jobs++;
	if (repo_strcasestr(id->value, "deploy") ||
	    (name && repo_strcasestr(name, "deploy")))
		repo_signal(r, SIG_CI_DEPLOY, w->path, id->line);
	if (repo_strcasestr(id->value, "rollback"))
		repo_signal(r, SIG_CI_ROLLBACK, w->path, id->line);
	if (!ytree_get(job, "needs") && ++w->roots == 2)
		repo_signal(r, SIG_CI_PARALLEL, w->path, id->line);
	if (matrix) {
		repo_signal(r, SIG_CI_MATRIX, w->path, matrix->line);
		repo_signal(r, SIG_CI_PARALLEL, w->path, matrix->line);
	}
	if (envk)
		read_environment(w, envk, ytree_get(job, "environment"));
	if (ytree_get(job, "uses"))	/* reusable workflow call */
		read_uses(w, ytree_get(job, "uses"));
	for (size_t i = 0; i < ytree_len(steps) && steps->type == YN_SEQ; i++)
		read_step(w, ytree_item(steps, i));
	if (throwaway && !deploy_before && r->sig[SIG_CI_DEPLOY].on) {
		free(r->sig[SIG_CI_DEPLOY].evidence);
		r->sig[SIG_CI_DEPLOY].evidence = NULL;
		r->sig[SIG_CI_DEPLOY].on = false;
	}
}

static void
read_workflow(struct repo *r, const char *path, const struct ynode *root)
{
	struct wf w = { .r = r, .path = path };
	const struct ynode *jobs = ytree_get(root, "jobs");

	read_triggers(&w, root);
	read_permissions(&w, root);
	for (size_t i = 0; i < ytree_len(jobs) && jobs->type == YN_MAP; i++) {
		const struct ynode *id = ytree_key_at(jobs, i);
		const struct ynode *job = ytree_val_at(jobs, i);

		if (ytree_str(id) && job->type == YN_MAP)
			read_job(&w, id, job);
	}
}

void
repo_ci_github(struct repo *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];
		struct ytree t;
		char err[160];
		char *buf;
		size_t len;
		int rc;

		if (!is_workflow(f))
			continue;
		r->ci_files++;
		r->gh_workflows++;
		repo_set_add(&r->ci_providers, "github-actions", f->path, 0);
		rc = repo_read(r, f->path, &buf, &len);
		if (rc < 0) {
			r->host->log(r->ctx, OG_LOG_WARN, "%s: not read: %s",
				     f->path, strerror(-rc));
			r->host->set_partial(r->ctx, "a workflow could not be read");
			continue;
		}
		rc = ytree_parse(buf, len, &t, err, sizeof(err));
		if (rc < 0) {
			r->host->log(r->ctx, OG_LOG_WARN, "%s: invalid YAML: %s",
				     f->path, err);
			r->host->set_partial(r->ctx, "a workflow is not valid YAML");
		} else {
			if (t.n_docs && t.docs[0]->type == YN_MAP)
				read_workflow(r, f->path, t.docs[0]);
			ytree_free(&t);
		}
		free(buf);
	}
}
