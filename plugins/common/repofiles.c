/* The one repository-file detector (repofiles.h). */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "repofiles.h"

static bool
iprefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static bool
suffix(const char *s, const char *sfx)
{
	size_t a = strlen(s), b = strlen(sfx);

	return a >= b && !strcmp(s + a - b, sfx);
}

/* Name without extension equals @stem (case-insensitive). */
static bool
istem(const char *base, const char *stem)
{
	size_t n = strlen(stem);

	return !strncasecmp(base, stem, n) && (!base[n] || base[n] == '.');
}

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

unsigned
rf_classify(const char *path)
{
	static const char *const renovate[] = {
		"renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json",
		".renovaterc.json5", ".github/renovate.json", ".github/renovate.json5",
		".gitlab/renovate.json", ".gitlab/renovate.json5", NULL,
	};
	static const char *const ci[] = {
		".gitlab-ci.yml", "Jenkinsfile", ".circleci/config.yml",
		"azure-pipelines.yml", ".travis.yml", NULL,
	};
	const char *base = strrchr(path, '/');
	size_t dir;
	bool root, community;
	unsigned k = 0;

	base = base ? base + 1 : path;
	dir = (size_t)(base - path);
	root = dir == 0;
	/* where GitHub looks for community files */
	community = root || (dir == 8 && !strncmp(path, ".github/", 8)) ||
		    (dir == 5 && !strncmp(path, "docs/", 5));
	if (root && iprefix(base, "README"))
		k |= RF_BIT(RF_README);
	if (root && (iprefix(base, "LICENSE") || iprefix(base, "LICENCE") ||
		     iprefix(base, "COPYING")))
		k |= RF_BIT(RF_LICENSE);
	if (community && istem(base, "SECURITY"))
		k |= RF_BIT(RF_SECURITY);
	if (community && !strcmp(base, "CODEOWNERS"))
		k |= RF_BIT(RF_CODEOWNERS);
	if (community && istem(base, "CONTRIBUTING"))
		k |= RF_BIT(RF_CONTRIBUTING);
	if (root && (iprefix(base, "CHANGELOG") || istem(base, "CHANGES") ||
		     istem(base, "HISTORY") || istem(base, "NEWS")))
		k |= RF_BIT(RF_CHANGELOG);
	if (!strcmp(base, "Dockerfile") || !strcmp(base, "Containerfile") ||
	    !strncmp(base, "Dockerfile.", 11) || suffix(base, ".Dockerfile") ||
	    suffix(base, ".dockerfile"))
		k |= RF_BIT(RF_DOCKERFILE);
	if (!strcmp(base, ".dockerignore"))
		k |= RF_BIT(RF_DOCKERIGNORE);
	if ((!strncmp(base, "docker-compose.", 15) || !strncmp(base, "compose.", 8)) &&
	    (suffix(base, ".yml") || suffix(base, ".yaml")))
		k |= RF_BIT(RF_COMPOSE);
	if (dir == 18 && !strncmp(path, ".github/workflows/", 18) &&
	    (suffix(base, ".yml") || suffix(base, ".yaml")))
		k |= RF_BIT(RF_GH_WORKFLOW);
	if (one_of(path, ci))
		k |= RF_BIT(RF_CI_CONFIG);
	if (!strcmp(path, ".github/dependabot.yml") || !strcmp(path, ".github/dependabot.yaml"))
		k |= RF_BIT(RF_DEPENDABOT);
	if (one_of(path, renovate))
		k |= RF_BIT(RF_RENOVATE);
	return k;
}
