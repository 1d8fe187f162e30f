/*
 * The jobs behind the subcommands: collect -> model -> assessment ->
 * renderers, render from a saved report, merge shards.  Functions return
 * the process exit code and log their errors once.
 */
#ifndef OG_PIPELINE_H
#define OG_PIPELINE_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "conf.h"
#include "loader.h"

enum {
	EXIT_OK = 0,
	EXIT_GATE = 1,
	EXIT_USAGE = 2,
	EXIT_INCOMPLETE = 3,
	EXIT_OUTPUT = 4,
	EXIT_LOCKED = 75,	/* EX_TEMPFAIL: try again later */
};

struct og_pipeline {
	struct og_cli *cli;
	cJSON *config;
	struct og_plugin_set *plugins;
	struct og_config_plugin *config_plugins;
	size_t n_config_plugins;
	int lock_fd;
	cJSON *render_config;	/* config with the effective "report" section */
};

#define OG_DEFAULT_OUTPUT_DIR "opsgrade-report"

int og_pipeline_setup(struct og_pipeline *p);
/* The loaded plugin's flag --@flag (@len bytes), with its plugin's name
 * in *ret_plugin; NULL when no plugin declares it (the first wins). */
const struct og_flag *og_plugin_flag(const struct og_plugin_set *s,
				     const char *flag, size_t len,
				     const char **ret_plugin);
/* validate.c: every option value, before anything is collected (each
 * problem logged once; EXIT_USAGE when any). */
int og_pipeline_validate(struct og_pipeline *p);
int og_pipeline_collect_and_report(struct og_pipeline *p);
int og_pipeline_render_from(struct og_pipeline *p);
int og_pipeline_merge(struct og_pipeline *p);
int og_pipeline_history(struct og_pipeline *p);

/* `opsgrade attest --template` (cli/attest.c): exit code. */
int og_cli_attest(struct og_pipeline *p);
void og_pipeline_clear(struct og_pipeline *p);

#endif
