/*
 * What a repository file is, told from its path alone: the one detector
 * behind the repo collector's walk of a checkout and the github
 * collector's git tree, so both name the same files README, CODEOWNERS,
 * a Dockerfile or a CI configuration.  Where a file counts (the product,
 * its tests or its docs) stays with the collector: only the repo
 * collector sees enough to tell.
 */
#ifndef OG_REPOFILES_H
#define OG_REPOFILES_H

enum rf_kind {
	RF_README,		/* README* at the root */
	RF_LICENSE,		/* LICENSE*, LICENCE*, COPYING* at the root */
	RF_SECURITY,		/* SECURITY[.ext] where GitHub looks */
	RF_CODEOWNERS,		/* CODEOWNERS where GitHub looks */
	RF_CONTRIBUTING,	/* CONTRIBUTING[.ext] where GitHub looks */
	RF_CHANGELOG,		/* CHANGELOG*, CHANGES, HISTORY, NEWS at the root */
	RF_DOCKERFILE,		/* Dockerfile, Containerfile, Dockerfile.x, x.dockerfile */
	RF_DOCKERIGNORE,
	RF_COMPOSE,		/* docker-compose.*.yml, compose.yaml … */
	RF_GH_WORKFLOW,		/* .github/workflows/NAME.yml */
	RF_CI_CONFIG,		/* another CI's file: .gitlab-ci.yml, Jenkinsfile … */
	RF_DEPENDABOT,		/* .github/dependabot.yml */
	RF_RENOVATE,		/* a Renovate config file */
	RF__COUNT
};

#define RF_BIT(k)	(1u << (k))

/* The kinds (RF_BIT mask) of the regular file @path: relative to the
 * repository root, '/'-separated.  0 for none. */
unsigned rf_classify(const char *path);

#endif
