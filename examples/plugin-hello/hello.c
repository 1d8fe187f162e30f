/*
 * A complete opsgrade collector, built out of tree:
 *
 *   cc -shared -fPIC $(pkg-config --cflags opsgrade-plugin) hello.c -o hello.so
 *   opsgrade report --plugin-dir . --set collectors.hello.greeting=hi
 *
 * It reports one fact, hello.greeting, and a fact for whether a README
 * exists in the working directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

struct hello {
	const struct og_host *host;
	const char *greeting;		/* borrowed from the host's config */
};

static int
hello_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct hello *h;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->host = host;
	h->greeting = host->config_get(ctx, "greeting");
	if (!h->greeting)
		h->greeting = "hello";
	*ret_state = h;
	return 0;
}

static int
hello_collect(struct og_ctx *ctx, void *state)
{
	struct hello *h = state;
	int r;

	h->host->log(ctx, OG_LOG_INFO, "saying '%s'", h->greeting);
	r = h->host->fact_string(ctx, "hello.greeting", h->greeting, NULL);
	if (r < 0)
		return r;
	return h->host->fact_bool(ctx, "hello.readme",
				  access("README.md", F_OK) == 0, "README.md");
}

static void
hello_fini(void *state)
{
	free(state);
}

static const struct og_option hello_options[] = {
	{ "greeting", OG_OPT_STRING, "what to say" },
	{ NULL, 0, NULL },
};

OG_PLUGIN_DEFINE(
	.name = "hello",
	.version = "1.0",
	.summary = "Example collector: says hello",
	.init = hello_init,
	.collect = hello_collect,
	.fini = hello_fini,
	.options = hello_options,
)
