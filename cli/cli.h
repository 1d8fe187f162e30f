/*
 * Command-line parsing: subcommand, flags, and the shorthands that
 * become config keys.
 */
#ifndef OG_CLI_H
#define OG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

enum og_command {
	OG_CMD_NONE,
	OG_CMD_REPORT,
	OG_CMD_COLLECT,
	OG_CMD_RENDER,
	OG_CMD_MERGE,
	OG_CMD_PLUGINS,
	OG_CMD_HISTORY,
};

struct og_cli {
	enum og_command cmd;
	const char *config_path;
	const char **plugin_dirs;
	size_t n_plugin_dirs;
	const char *from;		/* render --from */
	const char *out;		/* -o for merge/collect */
	const char **inputs;		/* merge inputs / report PATH */
	size_t n_inputs;
	const char *lock;
	bool json;
	bool quiet;
	bool help;
	bool version;
	/* Config edits in command-line order: "key=value" (owned). */
	char **sets;
	size_t n_sets;
};

/* 0, or 2 (usage error, message printed), or -1 for "--help/--version
 * done, exit 0". */
int og_cli_parse(int argc, char **argv, struct og_cli *ret);
void og_cli_clear(struct og_cli *c);
void og_cli_usage(enum og_command cmd, FILE *out);
const char *og_command_name(enum og_command cmd);

#endif
