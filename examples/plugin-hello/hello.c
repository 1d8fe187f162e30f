/*
 * A complete opsgrade collector, built out of tree from the installed SDK
 * (docs/plugins.md walks through it):
 *
 *   make                       # hello.so, against opsgrade-plugin.pc
 *   mkdir -p ~/.local/lib/opsgrade/plugins   # or any --plugin-dir
 *   cp hello.so hello.model.json DIR/
 *   opsgrade report --plugin-dir DIR --hello .
 *
 * It looks at a directory (option "dir", flag --hello DIR) and reports
 * whether it has a runbook (hello.runbook) and how many files it holds
 * (hello.files).  hello.model.json, installed next to hello.so, turns
 * those facts into a capability and a KPI.  With HELLO_TOKEN set it
 * also says whether the host holds its credential: the value itself
 * never reaches the plugin.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

struct hello {
	const struct og_host *host;
	const char *dir;		/* borrowed from the host's config */
};

static int
hello_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct hello *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->host = host;
	h->dir = host->config_get(ctx, "dir");
	if (!h->dir)
		h->dir = ".";
	*ret_state = h;
	return 0;
}

static int
hello_collect(struct og_ctx *ctx, void *state)
{
	struct hello *h = state;
	struct og_fact f = OG_FACT_INIT;
	char path[4096];
	struct dirent *de;
	DIR *d;
	double files = 0;
	int r;

	/* what this run examined: the history compares like with like
	 * (host->target came later in ABI 2: test for it) */
	if (OG_HOST_HAS(h->host, target))
		h->host->target(ctx, "directory", h->dir);
	d = opendir(h->dir);
	if (!d) {
		/* tried and could not look: unknown, with the reason */
		h->host->log(ctx, OG_LOG_ERROR, "cannot open %s: %s", h->dir,
			     strerror(errno));
		return h->host->fact_unknown(ctx, "hello.runbook", "directory "
					     "not readable");
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			files++;
	closedir(d);
	h->host->log(ctx, OG_LOG_DEBUG, "%s holds %.0f files", h->dir, files);

	snprintf(path, sizeof(path), "%s/RUNBOOK.md", h->dir);
	r = h->host->fact_bool(ctx, "hello.runbook", access(path, F_OK) == 0,
			       path);
	if (r < 0)		/* -EPIPE: the host stopped listening */
		return r;

	/* The general form: any type, optionally about one subject. */
	f.key = "hello.files";
	f.type = OG_FACT_NUMBER;
	f.number = files;
	f.unit = "files";
	f.evidence = h->dir;
	r = h->host->fact(ctx, &f);
	if (r < 0)
		return r;

	/* Whether the host resolved our credential: a yes or no, never
	 * the value. */
	return h->host->fact_bool(ctx, "hello.token_configured",
				  h->host->secret_available(ctx, "hello.token"),
				  "HELLO_TOKEN or collectors.hello.token_file");
}

static void
hello_fini(void *state)
{
	free(state);
}

static const struct og_option hello_options[] = {
	{ .key = "dir", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "directory to look at (default .)" },
	{ .key = "token_file", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "file holding the hello token" },
	{ .key = NULL },
};

/* HELLO_TOKEN, or the file named by collectors.hello.token_file (mode
 * 600).  The host keeps it: the plugin's environment never holds it. */
static const char *const hello_hosts[] = { "hello.example.com", NULL };

/* Designated members: the struct grows at its end between ABI versions,
 * and a plugin built with -Wextra must still compile. */
static const struct og_credential hello_credentials[] = {
	{ .name = "hello.token", .env = "HELLO_TOKEN", .file_option = "token_file",
	  .hosts = hello_hosts, .scheme = "Bearer" },
	{ .name = NULL },
};

static const struct og_flag hello_flags[] = {
	{ "hello", "dir", "DIR", "directory the hello collector looks at" },
	{ NULL, NULL, NULL, NULL },
};

OG_PLUGIN_DEFINE(
	.name = "hello",
	.version = "1.0",
	.summary = "Example collector: runbook and file count of a directory",
	.init = hello_init,
	.collect = hello_collect,
	.fini = hello_fini,
	.options = hello_options,
	.flags = hello_flags,
	.credentials = hello_credentials,
	.opt_in = true,
)
