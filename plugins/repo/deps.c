/*
 * Dependency hygiene: an update bot (Dependabot, Renovate) and lock files.
 * dependabot.yml is parsed so the report can name the ecosystems it
 * covers; Renovate is judged by its config file names (and the
 * `renovate` key of package.json, read in manifests.c).
 */
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "repofiles.h"
#include "ytree.h"

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
	const struct repo_file *f;
	bool bot = false, renovate = false;

	/* the file names: one detector with the github collector's tree */
	for (size_t i = 0; i < r->n_files && !(bot && renovate); i++) {
		unsigned kind;

		f = &r->files[i];
		if (f->is_dir)
			continue;
		kind = f->kinds;
		if (!bot && (kind & RF_BIT(RF_DEPENDABOT))) {
			bot = true;
			dependabot(r, f->path);
		}
		if (!renovate && (kind & RF_BIT(RF_RENOVATE))) {
			renovate = true;
			repo_signal(r, SIG_DEPS_RENOVATE, f->path, 0);
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
