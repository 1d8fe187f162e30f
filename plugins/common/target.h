/*
 * Declaring what a collector examined (host->target): the history counts
 * a finding as fixed only when the same targets were examined again.
 */
#ifndef OG_PLUGIN_TARGET_H
#define OG_PLUGIN_TARGET_H

#include <opsgrade/plugin.h>

/* host->target when this host has it; an older host: nothing (0). */
int target_declare(struct og_ctx *ctx, const struct og_host *host,
		   const char *kind, const char *id);

/* A local input (a report file, a checkout) as @kind with its canonical
 * path, so "./scan.json" and "/srv/ci/scan.json" are one target. */
int target_declare_path(struct og_ctx *ctx, const struct og_host *host,
			const char *kind, const char *path);

/* An image reference as its repository: "ghcr.io/acme/api:2.4.1" and
 * "ghcr.io/acme/api@sha256:…" are "ghcr.io/acme/api", since next week's
 * release of the same image is where a fix shows. */
int target_declare_image(struct og_ctx *ctx, const struct og_host *host,
			 const char *ref);

#endif
