/*
 * host->target for plugins built against this SDK that may be loaded by
 * an older opsgrade (OG_HOST_HAS), and the one canonical form of a path.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

int
target_declare(struct og_ctx *ctx, const struct og_host *host,
	       const char *kind, const char *id)
{
	if (!OG_HOST_HAS(host, target) || !kind || !*kind || !id || !*id)
		return 0;
	return host->target(ctx, kind, id);
}

int
target_declare_path(struct og_ctx *ctx, const struct og_host *host,
		    const char *kind, const char *path)
{
	char *real = path ? realpath(path, NULL) : NULL;
	int r = target_declare(ctx, host, kind, real ? real : path);

	free(real);
	return r;
}

int
target_declare_image(struct og_ctx *ctx, const struct og_host *host,
		     const char *ref)
{
	char *repo = ref ? strdup(ref) : NULL, *p, *slash;
	int r;

	if (!repo)
		return 0;
	if ((p = strchr(repo, '@')))
		*p = '\0';
	/* a tag is the last ':' after the last '/' (host:port comes first) */
	slash = strrchr(repo, '/');
	if ((p = strrchr(slash ? slash : repo, ':')))
		*p = '\0';
	r = target_declare(ctx, host, "container_image", repo);
	free(repo);
	return r;
}
