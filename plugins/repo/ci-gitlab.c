/*
 * GitLab CI (.gitlab-ci.yml at the root), parsed with libyaml.  Jobs are
 * the top-level mappings that are not reserved keywords; hidden jobs
 * (`.name`) are templates: their scripts still count (jobs `extends:`
 * them) but they are not jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "ytree.h"

#define PATH ".gitlab-ci.yml"
#define MAX_STAGES 64

static const char *const reserved[] = {
	"image", "services", "stages", "types", "before_script",
	"after_script", "variables", "cache", "include", "workflow", "default",
	NULL,
};

static bool
is_reserved(const char *key)
{
	for (size_t i = 0; reserved[i]; i++)
		if (!strcmp(key, reserved[i]))
			return true;
	return false;
}

static void
uses_visit(const struct ynode *s, void *data)
{
	repo_rules_apply(data, RULE_USES, s->value, PATH, s->line);
}

static void
trigger_text(struct repo *r, const char *v, unsigned line)
{
	if (repo_strcasestr(v, "merge_request"))
		repo_signal(r, SIG_CI_PR_TRIGGER, PATH, line);
	if (strstr(v, "schedule"))
		repo_signal(r, SIG_CI_SCHEDULE, PATH, line);
}

static void
trigger_visit(const struct ynode *s, void *data)
{
	trigger_text(data, s->value, s->line);
}

static void
walk(struct repo *r, const struct ynode *n, unsigned depth, size_t *budget)
{
	if (!n || !*budget || depth > 32)
		return;
	(*budget)--;
	if (n->type == YN_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			walk(r, n->kids[i], depth + 1, budget);
		return;
	}
	if (n->type != YN_MAP)
		return;
	for (size_t i = 0; i < ytree_len(n); i++) {
		const struct ynode *k = ytree_key_at(n, i);
		const struct ynode *v = ytree_val_at(n, i);
		const char *ks = ytree_str(k);

		if (!ks)
			continue;
		if (!strcmp(ks, "script") || !strcmp(ks, "before_script") ||
		    !strcmp(ks, "after_script")) {
			repo_rules_script_node(r, v, PATH, budget);
		} else if (!strcmp(ks, "image") || !strcmp(ks, "include")) {
			ytree_walk(v, uses_visit, r, budget);
		} else if (!strcmp(ks, "parallel")) {
			repo_signal(r, SIG_CI_MATRIX, PATH, k->line);
			repo_signal(r, SIG_CI_PARALLEL, PATH, k->line);
		} else if (!strcmp(ks, "cache")) {
			repo_signal(r, SIG_CI_CACHE, PATH, k->line);
		} else if (!strcmp(ks, "changes")) {
			repo_signal(r, SIG_CI_PATH_FILTERS, PATH, k->line);
		} else if (!strcmp(ks, "environment")) {
			const char *name = ytree_str(v);

			if (!name)
				name = ytree_str(ytree_get(v, "name"));
			repo_signal(r, SIG_CI_DEPLOY, PATH, k->line);
			if (name && *name && !strchr(name, '$'))
				repo_set_add(&r->environments, name, PATH,
					     k->line);
		} else if (!strcmp(ks, "if") || !strcmp(ks, "only") ||
			   !strcmp(ks, "except")) {
			if (!strcmp(ks, "except"))
				continue;	/* excluding MRs is not a trigger */
			ytree_walk(v, trigger_visit, r, budget);
		}
		walk(r, v, depth + 1, budget);
	}
}

/* Jobs, deploy-named jobs and jobs sharing a stage (run in parallel). */
static void
read_jobs(struct repo *r, const struct ynode *root)
{
	const char *stages[MAX_STAGES];
	unsigned counts[MAX_STAGES];
	size_t n_stages = 0;

	for (size_t i = 0; i < ytree_len(root); i++) {
		const struct ynode *k = ytree_key_at(root, i);
		const struct ynode *v = ytree_val_at(root, i);
		const char *ks = ytree_str(k), *stage;
		size_t s;

		if (!ks || *ks == '.' || is_reserved(ks) || v->type != YN_MAP)
			continue;
		r->ci_jobs++;
		if (repo_strcasestr(ks, "deploy"))
			repo_signal(r, SIG_CI_DEPLOY, PATH, k->line);
		if (repo_strcasestr(ks, "rollback"))
			repo_signal(r, SIG_CI_ROLLBACK, PATH, k->line);
		stage = ytree_str(ytree_get(v, "stage"));
		if (!stage)
			stage = "test";		/* GitLab's default stage */
		for (s = 0; s < n_stages && strcmp(stages[s], stage); s++)
			;
		if (s == n_stages) {
			if (n_stages == MAX_STAGES)
				continue;
			stages[n_stages] = stage;
			counts[n_stages++] = 0;
		}
		if (++counts[s] == 2)
			repo_signal(r, SIG_CI_PARALLEL, PATH, k->line);
	}
}

void
repo_ci_gitlab(struct repo *r)
{
	const struct repo_file *f = repo_find(r, PATH);
	size_t budget = REPO_YAML_WALK_BUDGET;
	struct ytree t;
	char *buf;

	if (!f || f->is_dir)
		return;
	r->ci_files++;
	repo_set_add(&r->ci_providers, "gitlab-ci", PATH, 0);
	/* GitLab runs a pipeline for every push unless workflow:rules say
	 * otherwise; we do not evaluate rules, so this is the default. */
	repo_signal(r, SIG_CI_PUSH_TRIGGER, PATH, 0);
	if (repo_read_yaml(r, PATH, ".gitlab-ci.yml", &buf, &t) < 0)
		return;
	if (t.n_docs && t.docs[0]->type == YN_MAP) {
		read_jobs(r, t.docs[0]);
		walk(r, t.docs[0], 0, &budget);
	}
	ytree_free(&t);
	free(buf);
}
