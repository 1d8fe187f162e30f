/*
 * Facts judged from file and directory names alone: project documents,
 * tests, database migrations, release tooling.  The license file is the
 * one exception that is read, to name its SPDX id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "repo.h"
#include "repofiles.h"

static bool
at_root(const struct repo_file *f)
{
	return f->base == f->path;
}

static bool
iprefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static const struct {
	const char *needle;
	const char *also;	/* must also appear, or NULL */
	const char *spdx;
} licenses[] = {
	/* most specific first: AGPL and LGPL texts contain "GENERAL PUBLIC" */
	{ "GNU AFFERO GENERAL PUBLIC LICENSE", NULL, "AGPL-3.0" },
	{ "GNU LESSER GENERAL PUBLIC LICENSE", "Version 3", "LGPL-3.0" },
	{ "GNU GENERAL PUBLIC LICENSE", "Version 3", "GPL-3.0" },
	{ "GNU GENERAL PUBLIC LICENSE", "Version 2", "GPL-2.0" },
	{ "Apache License", "Version 2.0", "Apache-2.0" },
	{ "Mozilla Public License Version 2.0", NULL, "MPL-2.0" },
	{ "Permission is hereby granted, free of charge", NULL, "MIT" },
	{ "Redistribution and use in source and binary forms", "Neither the name", "BSD-3-Clause" },
	{ "Redistribution and use in source and binary forms", NULL, "BSD-2-Clause" },
	{ "Permission to use, copy, modify, and/or distribute", NULL, "ISC" },
	{ "free and unencumbered software released into the public domain", NULL, "Unlicense" },
};

static void
license(struct repo *r, const struct repo_file *f)
{
	char *buf;
	size_t len;

	repo_signal(r, SIG_DOCS_LICENSE, f->path, 0);
	if (r->license_id || repo_read(r, f->path, &buf, &len) < 0)
		return;
	for (size_t i = 0; i < sizeof(licenses) / sizeof(licenses[0]); i++) {
		if (repo_strcasestr(buf, licenses[i].needle) &&
		    (!licenses[i].also || repo_strcasestr(buf, licenses[i].also))) {
			r->license_id = licenses[i].spdx;
			r->license_evidence = repo_evidence(f->path, 0);
			break;
		}
	}
	free(buf);
}

static void
docs(struct repo *r, const struct repo_file *f)
{
	unsigned kind;

	if (f->is_dir) {
		if (!strcasecmp(f->base, "runbooks") ||
		    !strcasecmp(f->base, "runbook"))
			repo_signal(r, SIG_DOCS_RUNBOOKS, f->path, 0);
		return;
	}
	/* the names: one detector with the github collector's tree */
	kind = f->kinds;
	if (kind & RF_BIT(RF_README))
		repo_signal(r, SIG_DOCS_README, f->path, 0);
	if (kind & RF_BIT(RF_SECURITY))
		repo_signal(r, SIG_DOCS_SECURITY, f->path, 0);
	if (kind & RF_BIT(RF_CODEOWNERS))
		repo_signal(r, SIG_DOCS_CODEOWNERS, f->path, 0);
	if (kind & RF_BIT(RF_CONTRIBUTING))
		repo_signal(r, SIG_DOCS_CONTRIBUTING, f->path, 0);
	if (kind & RF_BIT(RF_LICENSE))
		license(r, f);
	if (kind & RF_BIT(RF_CHANGELOG))
		repo_signal(r, SIG_REL_CHANGELOG, f->path, 0);
	if (repo_has_suffix(f->base, ".md") && repo_strcasestr(f->base, "runbook"))
		repo_signal(r, SIG_DOCS_RUNBOOKS, f->path, 0);
}

static bool
is_test_file(const struct repo_file *f)
{
	static const char *const root_names[] = {
		"test.js", "test.mjs", "test.cjs", "test.ts", "tests.js",
		"test.py", "tests.py", "test.sh", NULL,
	};
	const char *b = f->base;
	static const char *const suffixes[] = {
		"_test.go", ".test.js", ".test.ts", ".test.jsx", ".test.tsx",
		".test.mjs", ".spec.js", ".spec.ts", ".spec.jsx", ".spec.tsx",
		"_test.py", "Test.java", "Tests.java", "_spec.rb", "Test.kt",
		"Tests.cs", "Test.php", "IT.java", "IT.kt", NULL,
	};

	if (repo_has_prefix(b, "test_") && repo_has_suffix(b, ".py"))
		return true;
	/* a single test file at the root ("test": "mocha" runs test.js) */
	for (size_t i = 0; f->base == f->path && root_names[i]; i++)
		if (!strcmp(b, root_names[i]))
			return true;
	for (size_t i = 0; suffixes[i]; i++)
		if (repo_has_suffix(b, suffixes[i]))
			return true;
	return false;
}

/* jest/vitest configs: coverage settings are keys with "coverage" in them
 * (collectCoverage, coverageThreshold, coverage: {...}). */
static void
coverage_in_config(struct repo *r, const struct repo_file *f)
{
	const char *hit;
	char *buf;
	size_t len;

	if (repo_read(r, f->path, &buf, &len) < 0)
		return;
	hit = repo_strcasestr(buf, "coverage");
	if (hit)
		repo_signal(r, SIG_TEST_COVERAGE, f->path,
			    repo_line_of(buf, (size_t)(hit - buf)));
	free(buf);
}

/* tests/integration/cart.test.ts, integration_tests/…, cart_integration_test.go,
 * test_integration_cart.py, CartIT.java */
static bool
is_integration_test(const struct repo_file *f)
{
	static const char *const dirs[] = {
		"integration/", "integration-tests/", "integration_tests/", "integrationtests/", NULL,
	};

	for (size_t i = 0; dirs[i]; i++) {
		const char *hit = strstr(f->path, dirs[i]);

		if (hit && (hit == f->path || hit[-1] == '/'))
			return true;
	}
	return strstr(f->base, "integration") != NULL || repo_has_suffix(f->base, "IT.java") ||
	       repo_has_suffix(f->base, "IT.kt");
}

static void
tests(struct repo *r, const struct repo_file *f)
{
	static const char *const dirs[] = {
		"test", "tests", "__tests__", "spec", "e2e", "testing", NULL,
	};

	if (f->is_dir) {
		for (size_t i = 0; dirs[i]; i++)
			if (!strcmp(f->base, dirs[i]))
				repo_signal(r, SIG_TEST_PRESENT, f->path, 0);
		if (!strcmp(f->base, "e2e"))
			repo_signal(r, SIG_TEST_E2E, f->path, 0);
		return;
	}
	if (is_test_file(f)) {
		r->test_files++;
		repo_signal(r, SIG_TEST_PRESENT, f->path, 0);
		/* a test file, not an empty folder, shows integration tests */
		if (is_integration_test(f))
			repo_signal(r, SIG_TEST_INTEGRATION, f->path, 0);
	}
	if (iprefix(f->base, "playwright.config.") ||
	    iprefix(f->base, "cypress.config.") || !strcmp(f->base, "cypress.json"))
		repo_signal(r, SIG_TEST_E2E, f->path, 0);
	if (!strcmp(f->base, "locustfile.py") || repo_has_suffix(f->base, ".jmx") ||
	    (repo_has_prefix(f->base, "artillery") &&
	     (repo_has_suffix(f->base, ".yml") || repo_has_suffix(f->base, ".yaml"))))
		repo_signal(r, SIG_TEST_LOAD, f->path, 0);
	if ((repo_has_prefix(f->base, "jest.config.") ||
	     repo_has_prefix(f->base, "vitest.config.")) && !f->is_dir)
		coverage_in_config(r, f);
	if (repo_has_prefix(f->base, ".nycrc") || !strcmp(f->base, ".coveragerc") ||
	    repo_has_prefix(f->base, ".c8rc") ||
	    !strcmp(f->base, "codecov.yml") || !strcmp(f->base, "codecov.yaml") ||
	    !strcmp(f->base, ".codecov.yml") || !strcmp(f->base, ".codecov.yaml"))
		repo_signal(r, SIG_TEST_COVERAGE, f->path, 0);
}

/* Migration tools, most specific first: the first found names the tool. */
enum mig { M_ALEMBIC, M_FLYWAY, M_PRISMA, M_RAILS, M_LIQUIBASE, M_GOMIGRATE,
	   M_GENERIC, M__COUNT };

static const char *const mig_names[M__COUNT] = {
	"alembic", "flyway", "prisma", "rails", "liquibase", "golang-migrate",
	"generic",
};

static int
migration(const struct repo_file *f)
{
	if (f->is_dir) {
		if (!strcmp(f->base, "alembic"))
			return M_ALEMBIC;
		if (!strcmp(f->path, "prisma/migrations") ||
		    repo_has_suffix(f->path, "/prisma/migrations"))
			return M_PRISMA;
		if (!strcmp(f->path, "db/migrate") ||
		    repo_has_suffix(f->path, "/db/migrate"))
			return M_RAILS;
		if (!strcmp(f->base, "migrations"))
			return M_GENERIC;
		return -1;
	}
	if (!strcmp(f->base, "alembic.ini"))
		return M_ALEMBIC;
	if (!strcmp(f->base, "flyway.conf") || !strcmp(f->base, "flyway.toml") ||
	    (f->base[0] == 'V' && strstr(f->base, "__") &&
	     repo_has_suffix(f->base, ".sql")))
		return M_FLYWAY;
	if (!strcmp(f->base, "liquibase.properties") ||
	    repo_has_prefix(f->base, "db.changelog"))
		return M_LIQUIBASE;
	if (repo_has_suffix(f->base, ".up.sql"))
		return M_GOMIGRATE;
	return -1;
}

static void
release_files(struct repo *r, const struct repo_file *f)
{
	if (f->is_dir) {
		if (!strcmp(f->path, ".changeset"))
			repo_signal(r, SIG_REL_CHANGESETS, f->path, 0);
		return;
	}
	if (!at_root(f))
		return;
	if (repo_has_prefix(f->base, ".releaserc") ||
	    repo_has_prefix(f->base, "release.config."))
		repo_signal(r, SIG_REL_SEMANTIC_RELEASE, f->path, 0);
	if (!strcmp(f->base, "release-please-config.json") ||
	    !strcmp(f->base, ".release-please-manifest.json"))
		repo_signal(r, SIG_REL_RELEASE_PLEASE, f->path, 0);
	if (!strcmp(f->base, ".goreleaser.yml") ||
	    !strcmp(f->base, ".goreleaser.yaml"))
		repo_signal(r, SIG_REL_GORELEASER, f->path, 0);
}

static bool
is_compose(const struct repo_file *f)
{
	return f->scope != SCOPE_DOCS && !f->is_dir &&
	       (f->kinds & RF_BIT(RF_COMPOSE));
}

void
repo_presence(struct repo *r)
{
	const char *mig_ev[M__COUNT] = { 0 };

	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];
		int m;

		if (repo_is_docs_or_product(f))
			docs(r, f);
		if (repo_is_test_or_product(f))
			tests(r, f);
		if (!repo_is_product(f)) {
			if (is_compose(f))
				repo_signal(r, SIG_TEST_CONTAINERS, f->path, 0);
			continue;
		}
		release_files(r, f);
		m = migration(f);
		if (m >= 0 && !mig_ev[m])
			mig_ev[m] = f->path;
		if (is_compose(f))
			repo_signal(r, SIG_COMPOSE, f->path, 0);
	}
	for (int m = 0; m < M__COUNT; m++) {
		if (!mig_ev[m])
			continue;
		repo_signal(r, SIG_DB_MIGRATIONS, mig_ev[m], 0);
		r->db_tool = mig_names[m];
		break;
	}
}
