/*
 * Travis CI (.travis.yml at the root), parsed with libyaml.  Travis
 * builds every push and every pull request unless told otherwise, so
 * both triggers are on; the phases (install, script, ...) at the top and
 * in jobs.include / matrix.include are shell lines like any CI step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "ytree.h"

#define PATH ".travis.yml"

static const char *const phases[] = {
	"before_install", "install", "before_script", "script",
	"after_success", "after_failure", "before_deploy", "after_script",
	NULL,
};

/* One build definition: the top level or a jobs.include entry. */
static void
read_build(struct repo *r, const struct ynode *b)
{
	const struct ynode *k;

	size_t budget = REPO_YAML_WALK_BUDGET;

	for (size_t i = 0; phases[i]; i++)
		repo_rules_script_node(r, ytree_get(b, phases[i]), PATH,
				       &budget);
	if ((k = ytree_get_key(b, "deploy")))
		repo_signal(r, SIG_CI_DEPLOY, PATH, k->line);
	if ((k = ytree_get_key(b, "cache")))
		repo_signal(r, SIG_CI_CACHE, PATH, k->line);
}

void
repo_ci_travis(struct repo *r)
{
	static const char *const versions[] = {
		"node_js", "python", "go", "jdk", "rvm", "php", "rust", "os",
		"env", NULL,
	};
	const struct repo_file *f = repo_find(r, PATH);
	const struct ynode *root, *inc;
	struct ytree t;
	char *buf;

	if (!f || f->is_dir)
		return;
	r->ci_files++;
	repo_set_add(&r->ci_providers, "travis-ci", PATH, 0);
	repo_signal(r, SIG_CI_PUSH_TRIGGER, PATH, 0);
	repo_signal(r, SIG_CI_PR_TRIGGER, PATH, 0);
	if (repo_read_yaml(r, PATH, ".travis.yml", &buf, &t) < 0)
		return;
	root = t.n_docs && t.docs[0]->type == YN_MAP ? t.docs[0] : NULL;
	if (root) {
		read_build(r, root);
		r->ci_jobs++;
		/* a list of runtime versions or envs is Travis's build matrix */
		for (size_t i = 0; versions[i]; i++) {
			const struct ynode *v = ytree_get(root, versions[i]);

			if (v && v->type == YN_SEQ && v->n >= 2) {
				repo_signal(r, SIG_CI_MATRIX, PATH,
					    ytree_get_key(root, versions[i])->line);
				repo_signal(r, SIG_CI_PARALLEL, PATH,
					    ytree_get_key(root, versions[i])->line);
			}
		}
		inc = ytree_get(ytree_get(root, "jobs"), "include");
		if (!inc)
			inc = ytree_get(ytree_get(root, "matrix"), "include");
		for (size_t i = 0; inc && inc->type == YN_SEQ && i < inc->n; i++) {
			read_build(r, inc->kids[i]);
			r->ci_jobs++;
			if (i == 1) {
				repo_signal(r, SIG_CI_MATRIX, PATH, inc->line);
				repo_signal(r, SIG_CI_PARALLEL, PATH, inc->line);
			}
		}
	}
	ytree_free(&t);
	free(buf);
}
