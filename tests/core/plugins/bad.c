/*
 * Deliberately broken collectors, one per BEHAVIOUR macro, so every
 * failure path of the loader and runner is a test.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

static int
collect(struct og_ctx *ctx, void *state)
{
	const struct og_host *host = state;

	/* shown and kept in report.json only with --log-level debug */
	host->log(ctx, OG_LOG_DEBUG, "debug line from " PLUGIN_NAME);
	/* Something sent before the failure, to check it is kept. */
	host->fact_bool(ctx, "bad." PLUGIN_NAME ".started", true, NULL);
#if defined(BEHAVIOUR_SEGV)
	raise(SIGSEGV);
#elif defined(BEHAVIOUR_ABORT)
	abort();
#elif defined(BEHAVIOUR_HANG)
	for (;;)
		pause();
#elif defined(BEHAVIOUR_EXIT)
	_exit(7);
#elif defined(BEHAVIOUR_GARBAGE)
	/* Writes straight onto the host pipe, bypassing the host table. */
	for (int fd = 3; fd < 64; fd++)
		if (write(fd, "garbage\n", 8) == 8)
			break;
	pause();
#elif defined(BEHAVIOUR_FAIL)
	host->log(ctx, OG_LOG_ERROR, "cannot read input");
	return -5;
#elif defined(BEHAVIOUR_PARTIAL)
	host->set_partial(ctx, "one input unreadable");
#elif defined(BEHAVIOUR_STDOUT)
	puts("stray output that must not reach opsgrade's stdout");
#elif defined(BEHAVIOUR_PATHTAKER)
	/* an in-house collector that takes `report PATH` (OG_OPTF_POSITIONAL) */
	host->fact_string(ctx, "pathtaker.dir", host->config_get(ctx, "dir"), NULL);
#endif
	return 0;
}

static int
init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	*ret_state = (void *)host;
	return 0;
}

#if defined(BEHAVIOUR_WRONG_ABI)
OG_EXPORT const struct og_plugin opsgrade_plugin = {
	.abi_major = OPSGRADE_PLUGIN_ABI + 1,
	.struct_size = sizeof(struct og_plugin),
	.name = PLUGIN_NAME, .version = "1", .init = init, .collect = collect,
};
#elif defined(BEHAVIOUR_TOO_NEW)
OG_EXPORT const struct og_plugin opsgrade_plugin = {
	.abi_major = OPSGRADE_PLUGIN_ABI,
	.struct_size = sizeof(struct og_plugin) + 16,
	.name = PLUGIN_NAME, .version = "1", .init = init, .collect = collect,
};
#elif defined(BEHAVIOUR_OLD_SIZE)
/* An older plugin: descriptor ends before options/opt_in. */
OG_EXPORT const struct og_plugin opsgrade_plugin = {
	.abi_major = OPSGRADE_PLUGIN_ABI,
	.struct_size = offsetof(struct og_plugin, options),
	.name = PLUGIN_NAME, .version = "1", .init = init, .collect = collect,
};
#elif defined(BEHAVIOUR_NO_SYMBOL)
/* Exports something else; keeps the callbacks referenced. */
struct not_a_plugin {
	int (*init)(struct og_ctx *, const struct og_host *, void **);
	int (*collect)(struct og_ctx *, void *);
};
OG_EXPORT const struct not_a_plugin not_a_plugin;
const struct not_a_plugin not_a_plugin = { init, collect };
#elif defined(BEHAVIOUR_PATHTAKER)
static const struct og_option pathtaker_options[] = {
	{ .key = "dir", .type = OG_OPT_STRING,
	  .flags = OG_OPTF_PATH | OG_OPTF_POSITIONAL, .help = "directory" },
	{ .key = NULL },
};
OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .summary = "test",
		 .init = init, .collect = collect, .options = pathtaker_options)
#else
OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .summary = "test",
		 .init = init, .collect = collect)
#endif
