/*
 * codeql — the collector of code alerts: SARIF 2.1.0 files (sarif.c; any
 * producer: CodeQL, Semgrep, gitleaks, Trivy, …) and, when asked, GitHub's
 * code scanning alerts (code-scanning.c), into code-alert findings and
 * sast.* facts.  This file is the plugin: its options, state and facts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codeql.h"

void
cq_note_tool(struct cq_state *st, const char *name)
{
	char low[128];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ?
				name[i] + 32 : name[i]);
	low[i] = '\0';
	for (i = 0; i < st->n_tools; i++)
		if (strcmp(st->tools[i], low) == 0)
			return;
	if (st->n_tools < SARIF_TOOLS_MAX &&
	    (st->tools[st->n_tools] = strdup(low)))
		st->n_tools++;
}

/* ---- facts ------------------------------------------------------------------- */

static void
fact_counts(struct cq_state *st, const char *prefix,
	    const struct scan_counts *c)
{
	char key[96];
	int s;

	for (s = OG_SEV_UNKNOWN; s <= OG_SEV_CRITICAL; s++) {
		snprintf(key, sizeof(key), "%s.%s", prefix,
			 scan_severity_key((enum og_severity)s));
		st->host->fact_number(st->ctx, key, (double)c->open[s], NULL,
				      st->evidence);
	}
	snprintf(key, sizeof(key), "%s.open", prefix);
	st->host->fact_number(st->ctx, key, (double)scan_counts_open(c), NULL,
			      st->evidence);
	snprintf(key, sizeof(key), "%s.suppressed", prefix);
	st->host->fact_number(st->ctx, key, (double)c->suppressed, NULL,
			      st->evidence);
}

static void
emit_facts(struct cq_state *st)
{
	const struct og_host *h = st->host;

	const char *ev = st->evidence ? st->evidence :
			 "GitHub code scanning API";

	if (!st->files_ok && !st->api_pages_ok) {
		h->fact_unknown(st->ctx, "sast.present",
				"no SARIF file or code scanning alert could "
				"be read");
		return;
	}
	if (!st->evidence)
		st->evidence = strdup(ev);
	h->fact_bool(st->ctx, "sast.present",
		     st->t.runs > 0 || st->api_alerts > 0, st->evidence);
	h->fact_list(st->ctx, "sast.tools", (const char *const *)st->tools,
		     st->n_tools, st->evidence);
	h->fact_number(st->ctx, "sast.runs.count", (double)st->t.runs, NULL,
		       st->evidence);
	fact_counts(st, "sast.alerts", &st->t.alerts);
	h->fact_bool(st->ctx, "codeql.present", st->t.codeql_seen, st->evidence);
	if (st->t.codeql_seen)
		fact_counts(st, "codeql.alerts", &st->t.codeql_alerts);
}

/* ---- plugin ---------------------------------------------------------------------- */

static int
codeql_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct cq_state *st = calloc(1, sizeof(*st));
	int ret = -ENOMEM;

	if (!st)
		return -ENOMEM;
	st->ctx = ctx;
	st->host = host;
	scan_hold_init(&st->hold, ctx, host);
	st->run_arena = ogjs_arena_new(SARIF_TOOL_MAX_BYTES * 4);
	st->item_arena = ogjs_arena_new(SARIF_ITEM_MAX_BYTES * 8);
	if (!st->run_arena || !st->item_arena)
		goto fail;
	ret = scan_inputs_load(ctx, host, "sarif", &st->in);
	if (ret < 0)
		goto fail;
	host->config_bool(ctx, "github_alerts", &st->github_alerts);
	st->github_repo = host->config_get(ctx, "github_repo");
	st->github_api = host->config_get(ctx, "github_api_url");
	if (!st->github_api || !*st->github_api)
		st->github_api = "https://api.github.com";
	if (st->github_alerts &&
	    !(st->by_location = calloc(1, sizeof(*st->by_location))))
		goto fail;
	*ret_state = st;
	return 0;
fail:
	scan_inputs_clear(&st->in);
	ogjs_arena_free(st->run_arena);
	ogjs_arena_free(st->item_arena);
	free(st);
	return ret;
}

static int
codeql_collect(struct og_ctx *ctx, void *state)
{
	struct cq_state *st = state;
	size_t i;

	(void)ctx;
	if (!st->in.n && !st->in.n_missing && !st->github_alerts) {
		st->host->log(st->ctx, OG_LOG_WARN,
			      "no SARIF files configured (collectors.codeql."
			      "sarif or --sarif FILE)");
		st->host->fact_unknown(st->ctx, "sast.present",
				       "no SARIF file configured");
		return 0;
	}
	if (st->in.n_missing)
		st->host->set_partial(st->ctx,
				      "a SARIF pattern matched no file");
	for (i = 0; i < st->in.n; i++)
		sarif_read_file(st, st->in.paths[i]);
	/* After the files, so API alerts at the same place as a SARIF
	 * result take its fingerprint. */
	if (st->github_alerts)
		code_scanning_read(st);
	emit_facts(st);
	if (st->files_ok || st->api_pages_ok)
		return 0;
	return st->last_err < 0 ? st->last_err : -ENOENT;
}

static void
codeql_fini(void *state)
{
	struct cq_state *st = state;
	size_t i;

	if (!st)
		return;
	scan_inputs_clear(&st->in);
	scan_hold_free(&st->hold);
	ogjs_arena_free(st->run_arena);
	ogjs_arena_free(st->item_arena);
	for (i = 0; i < st->n_tools; i++)
		free(st->tools[i]);
	free(st->evidence);
	cq_locindex_free(st->by_location);
	free(st);
}

static const struct og_option codeql_options[] = {
	{ .key = "sarif", .type = OG_OPT_LIST, .flags = OG_OPTF_PATH,
	  .help = "SARIF 2.1.0 files (files or glob patterns)" },
	{ .key = "github_alerts", .type = OG_OPT_BOOL,
	  .help = "also read open code scanning alerts from the GitHub API" },
	/* consumed from the github collector unless set here */
	{ .key = "github_repo", .type = OG_OPT_STRING, .from = "github.repo",
	  .help = "OWNER/REPO whose code scanning alerts to read "
		  "(default: collectors.github.repo)" },
	{ .key = "github_api_url", .type = OG_OPT_STRING, .from = "github.api_url",
	  .help = "GitHub API base URL (default: collectors.github.api_url, "
		  "else https://api.github.com)" },
	{ .key = "github_token_file", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .from = "github.token_file",
	  .help = "file holding the GitHub token (default: "
		  "collectors.github.token_file, else GITHUB_TOKEN / GH_TOKEN)" },
	{ .key = NULL },
};

/* The GitHub token for the alerts API, only to the configured API. */
static const char *const codeql_token_hosts[] = { "api.github.com", NULL };
static const struct og_credential codeql_credentials[] = {
	{ .name = "codeql.github_token", .env = "GITHUB_TOKEN:GH_TOKEN",
	  .file_option = "github_token_file", .hosts = codeql_token_hosts,
	  .hosts_option = "github_api_url", .scheme = "Bearer" },
	{ .name = NULL },
};

/* Command-line shorthands (shown in --help). */
static const struct og_flag codeql_flags[] = {
	{ "sarif", "sarif", "FILE", "SARIF file (repeatable, globs)" },
	{ 0 },
};

OG_PLUGIN_DEFINE(.name = "codeql", .version = "1.0",
		 .summary = "SARIF 2.1.0 (CodeQL, Semgrep, …) code alerts",
		 .init = codeql_init, .collect = codeql_collect,
		 .fini = codeql_fini, .options = codeql_options,
		 .flags = codeql_flags, .credentials = codeql_credentials,
		 .opt_in = true)
