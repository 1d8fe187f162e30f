/*
 * Dependency hygiene: an update bot (Dependabot, Renovate) and lock files.
 * dependabot.yml is parsed so the report can name the ecosystems it
 * covers; Renovate is judged by its config file names (and the
 * `renovate` key of package.json, read in manifests.c).
 */
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "ytree.h"

static const char *const renovate_files[] = {
	"renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json",
	".renovaterc.json5", ".github/renovate.json", ".github/renovate.json5",
	".gitlab/renovate.json", ".gitlab/renovate.json5", NULL,
};

static const char *const lockfiles[] = {
	"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
	"poetry.lock", "Pipfile.lock", "uv.lock", "go.sum", "Cargo.lock",
	"Gemfile.lock", "composer.lock", "gradle.lockfile", "packages.lock.json",
	NULL,
};

static void
dependabot(struct repo *r, const char *path)
{
	const struct ynode *updates;
	struct ytree t;
	char err[160];
	char *buf;
	size_t len;

	repo_signal(r, SIG_DEPS_DEPENDABOT, path, 0);
	if (repo_read(r, path, &buf, &len) < 0)
		return;
	if (ytree_parse(buf, len, &t, err, sizeof(err)) < 0) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: invalid YAML: %s", path,
			     err);
		free(buf);
		return;
	}
	updates = t.n_docs ? ytree_get(t.docs[0], "updates") : NULL;
	for (size_t i = 0; i < ytree_len(updates) && updates->type == YN_SEQ;
	     i++) {
		const struct ynode *eco = ytree_get(ytree_item(updates, i),
						    "package-ecosystem");

		if (ytree_str(eco) && *eco->value)
			repo_set_add(&r->dependabot_ecosystems, eco->value,
				     path, eco->line);
	}
	ytree_free(&t);
	free(buf);
}

void
repo_deps(struct repo *r)
{
	const struct repo_file *f = repo_find(r, ".github/dependabot.yml");

	if (!f)
		f = repo_find(r, ".github/dependabot.yaml");
	if (f && !f->is_dir)
		dependabot(r, f->path);
	for (size_t i = 0; renovate_files[i]; i++) {
		f = repo_find(r, renovate_files[i]);
		if (f && !f->is_dir) {
			repo_signal(r, SIG_DEPS_RENOVATE, f->path, 0);
			break;
		}
	}
	for (size_t i = 0; i < r->n_files; i++) {
		f = &r->files[i];
		for (size_t j = 0; !f->is_dir && repo_is_product(f) && lockfiles[j];
		     j++)
			if (!strcmp(f->base, lockfiles[j]))
				repo_signal(r, SIG_DEPS_LOCKFILE, f->path, 0);
	}
}
