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
	OG_CMD_ATTEST,
	OG_CMD_COMPLETION,	/* hidden: print a shell completion script */
};

#define OG_CMD_BIT(c)	(1u << (c))

/*
 * One row per command-line option: the parser, every --help and the
 * shell completions are generated from this table, so they cannot drift.
 * A row with a config @key is a shorthand for that key.
 */
struct og_cli_option {
	const char *name;	/* long name without "--" */
	char short_name;	/* 0 when none */
	const char *arg;	/* value placeholder; NULL: a switch */
	const char *key;	/* config key it sets, or NULL */
	unsigned cmds;		/* OG_CMD_BIT()s of the commands taking it */
	const char *help;
};

extern const struct og_cli_option og_cli_options[];
extern const size_t og_cli_n_options;

struct og_cli_command {
	const char *name;
	const char *synopsis;	/* after "opsgrade NAME" */
	const char *summary;	/* one line */
	const char *detail;	/* more lines for --help, or NULL */
};
/* Indexed by enum og_command; [OG_CMD_NONE] and the hidden ones have NULL names
 * in listings (og_cli_command_listed). */
extern const struct og_cli_command og_cli_commands[];
bool og_cli_command_listed(enum og_command cmd);

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
	bool template_;		/* attest --template */
	bool quiet;
	bool has_log_level;	/* --log-level given */
	int log_level;		/* enum og_log_prio */
	bool quiet_gates;	/* with --quiet: not even a failed gate is said */
	bool wait;		/* --wait: queue behind a run on the output dir */
	bool help;
	bool version;
	/* Config edits in command-line order: "key=value" (owned). */
	char **sets;
	size_t n_sets;
};

/* Whether this run delivers a report: writes every format, records
 * history and mails.  report does; merge does unless -o asks for the
 * merged model alone (the org-wide report of a sharded run). */
bool og_cli_delivers(const struct og_cli *cli);

/* 0, or 2 (usage error, message printed), or -1 for "--help/--version
 * done, exit 0". */
int og_cli_parse(int argc, char **argv, struct og_cli *ret);
void og_cli_clear(struct og_cli *c);
void og_cli_usage(enum og_command cmd, FILE *out);
const char *og_command_name(enum og_command cmd);

/* The closest of @n @candidates to @word, or NULL when none is close
 * enough to be a likely typo. */
const char *og_cli_suggest(const char *word, const char *const *candidates, size_t n);

struct og_plugin_set;
/* `opsgrade completion bash|zsh`: write the script for the core's options
 * and the flags @plugins declare; 0 or 2 (unknown shell). */
int og_cli_completion(const char *shell, const struct og_plugin_set *plugins, FILE *out);

#endif
