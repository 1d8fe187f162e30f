#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opsgrade/plugin.h>

#include "cli.h"
#include "util.h"

#define B(c)	OG_CMD_BIT(OG_CMD_##c)
/* which commands take an option */
#define RUN	(B(REPORT) | B(COLLECT))		/* collectors run */
#define OUT	(B(REPORT) | B(RENDER) | B(MERGE))	/* assess and render */
/* merge writes report.json alone and keeps report.* settings for the
 * render that follows, but not the formats: there --format would be
 * accepted and ignored. */
#define REND	(B(REPORT) | B(RENDER) | B(MERGE))
#define DELIVER	(B(REPORT) | B(MERGE))			/* history and mail */
#define ANY	(B(REPORT) | B(COLLECT) | B(RENDER) | B(MERGE) | B(PLUGINS) | B(HISTORY) | B(ATTEST))

/*
 * The core's options.  Those with a config key are shorthands: each sets
 * that key, so a flag and the config file can never disagree about what
 * an option means.  A collector's flags (--trivy FILE) are declared by its
 * plugin (struct og_flag) and resolved once the plugins are found.
 */
const struct og_cli_option og_cli_options[] = {
	{ "config", 0, "FILE", NULL, ANY, "config file (default ./opsgrade.json if present)" },
	{ "set", 0, "KEY=VALUE", NULL, ANY, "set any config key, e.g. collectors.NAME.KEY=V" },
	{ "plugin-dir", 0, "DIR", NULL, RUN | OUT | B(PLUGINS), "search DIR for plugins first (repeatable)" },
	{ "from", 0, "FILE", NULL, B(RENDER) | B(ATTEST), "the report.json to render (attest: default OUTPUT_DIR/report.json)" },
	{ "out", 'o', "FILE", NULL, B(COLLECT) | B(MERGE) | B(ATTEST), "output file (collect default ./report.json; attest default stdout)" },
	{ "template", 0, NULL, NULL, B(ATTEST), "write an attestations template for what the last report could not observe" },
	{ "json", 0, NULL, NULL, B(PLUGINS) | B(HISTORY), "print JSON instead of a table" },
	{ "lock", 0, "FILE", NULL, RUN | B(RENDER) | B(MERGE), "exit 75 at once if another run holds FILE" },
	{ "log-level", 0, "LEVEL", NULL, ANY, "error|warn|info|debug: what is logged (default info)" },
	{ "quiet", 0, NULL, NULL, ANY, "print nothing on success (a failed gate: one line on stderr)" },
	{ "quiet-gates", 0, NULL, NULL, OUT, "with --quiet, say nothing about failed gates either" },
	{ "wait", 0, NULL, NULL, REND, "wait while another run writes the output dir (default: exit 75 when it still holds it after a second)" },
	{ "junit-strict", 0, NULL, NULL, OUT, "unmet capabilities are JUnit failures" },
	{ "help", 'h', NULL, NULL, ANY, "show this help" },
	{ "version", 0, NULL, NULL, ANY, "print the version and plugin ABI" },
	{ "subject", 0, "NAME", "subject", RUN | OUT | B(HISTORY), "what is assessed (default: repo, org or directory name)" },
	{ "output-dir", 0, "DIR", "output_dir", RUN | OUT | B(ATTEST), "where reports are written (default ./opsgrade-report)" },
	{ "format", 0, "LIST", "formats", REND, "pdf,html,png,junit,json (default all)" },
	{ "jobs", 0, "N", "jobs", RUN, "collectors run at once (default: CPUs)" },
	{ "shard-from-env", 0, NULL, NULL, RUN, "--shard I/N from JOB_COMPLETION_INDEX (or OPSGRADE_SHARD_INDEX) and OPSGRADE_SHARD_COUNT" },
	{ "model", 0, "FILE", "assessment.model", OUT, "maturity model to use instead of the bundled one" },
	{ "fail-on", 0, "SEVERITY", "gates.fail_on", OUT, "fail (exit 1) on an open finding this severe" },
	{ "paper", 0, "a4|letter", "report.paper", OUT, "PDF paper size" },
	{ "scale", 0, "N", "report.scale", OUT, "PNG scale factor (2 for HiDPI)" },
	{ "junit-min-severity", 0, "SEV", "report.junit_min_severity", OUT, "findings in JUnit from this severity (default high)" },
	{ "junit-schema", 0, "default|strict", "report.junit_schema", OUT, "JUnit flavour" },
	{ "history", 0, "DIR", "history.dir", DELIVER | B(HISTORY), "history directory (default $XDG_STATE_HOME/opsgrade/SUBJECT)" },
	{ "mail-to", 0, "ADDR", "mail.to", DELIVER, "mail the report to ADDR (repeatable)" },
	{ "mail-from", 0, "ADDR", "mail.from", DELIVER, "sender address" },
	{ "mail-subject", 0, "TEXT", "mail.subject", DELIVER, "mail subject; {subject} {level} {verdict} {date} are replaced" },
	{ "mail-on", 0, "WHEN", "mail.on", DELIVER, "always|change|failure (default always)" },
	{ "smtp-url", 0, "URL", "mail.smtp_url", DELIVER, "smtp://host:587 (STARTTLS) or smtps://host:465" },
	{ "smtp-tls", 0, "required|none", "mail.smtp_tls", DELIVER, "none allows a plain connection" },
};
const size_t og_cli_n_options = sizeof(og_cli_options) / sizeof(og_cli_options[0]);

const struct og_cli_command og_cli_commands[] = {
	[OG_CMD_NONE] = { NULL, NULL, NULL, NULL },
	[OG_CMD_REPORT] = { "report", "[PATH] [OPTIONS]",
		"collect evidence (PATH: checkout, default .), assess it and write the reports",
		"With --github, --github-org or --registry and no PATH, the current\n"
		"directory is not assessed; give PATH to include a checkout.\n" },
	[OG_CMD_COLLECT] = { "collect", "[PATH] [-o report.json] [OPTIONS]",
		"run the collectors and write only the model (default ./report.json)",
		"PATH defaults to . unless --github, --github-org or --registry names\n"
		"another subject.\n" },
	[OG_CMD_RENDER] = { "render", "--from report.json [OPTIONS]",
		"render a report.json without collecting" },
	[OG_CMD_MERGE] = { "merge", "A.json B.json... [-o out.json] [OPTIONS]",
		"merge report.json shards (of --shard runs) into one report",
		"Without -o, merge does what report does with the merged evidence:\n"
		"writes every format into --output-dir, records history and mails\n"
		"(--mail-to). With -o, it writes only the merged model to that file.\n"
		"Reports about different subjects merge only with --subject NAME for\n"
		"the combination.\n" },
	[OG_CMD_PLUGINS] = { "plugins", "[--json] [--plugin-dir DIR]",
		"list discovered collector plugins and why any was refused" },
	[OG_CMD_HISTORY] = { "history", "[--json] [--subject NAME] [--history DIR]",
		"list every subject with history, or one subject's snapshots and trend" },
	[OG_CMD_ATTEST] = { "attest", "--template [--from report.json] [-o FILE]",
		"write an attestations file to fill in for what no collector observed",
		"Lists every capability the report could not observe, with the question\n"
		"to answer; set status, by and date, and save it as\n"
		".opsgrade/attestations.json in the checkout (docs/scoring.md).\n" },
	[OG_CMD_COMPLETION] = { "completion", "bash|zsh",
		"print a shell completion script" },
};

#define N_CMDS	(sizeof(og_cli_commands) / sizeof(og_cli_commands[0]))

bool
og_cli_delivers(const struct og_cli *cli)
{
	return cli->cmd == OG_CMD_REPORT || (cli->cmd == OG_CMD_MERGE && !cli->out);
}

bool
og_cli_command_listed(enum og_command cmd)
{
	return cmd > OG_CMD_NONE && cmd < OG_CMD_COMPLETION;
}

const char *
og_command_name(enum og_command cmd)
{
	return (size_t)cmd < N_CMDS && og_cli_commands[cmd].name ? og_cli_commands[cmd].name : "";
}

/* Edit distance with a transposition counted as one edit (a typo). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *d, r;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	d = og_xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = D(i - 1, j - 1) + cost;

			if (D(i - 1, j) + 1 < v)
				v = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

const char *
og_cli_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(word);
	/* a third of the word, at least 1 and at most 3 edits */
	size_t limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;

	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (!candidates[i])
			continue;
		d = distance(word, candidates[i]);
		/* a unique prefix of a long name is a typo too: --mail-t */
		if (d > limit && len >= 3 && strncmp(word, candidates[i], len) == 0)
			d = limit;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

void
og_cli_usage(enum og_command cmd, FILE *out)
{
	if (cmd == OG_CMD_NONE) {
		fputs("Usage: opsgrade COMMAND [OPTIONS]\n\nCommands:\n", out);
		for (size_t i = 0; i < N_CMDS; i++)
			if (og_cli_command_listed((enum og_command)i))
				fprintf(out, "  %-9s %s\n", og_cli_commands[i].name,
					og_cli_commands[i].summary);
		fputs("\nRun 'opsgrade COMMAND --help' for a command's options;\n"
		      "'man opsgrade' for the manual.\n\n"
		      "Exit codes: 0 success; 1 a policy gate failed; 2 usage, config or\n"
		      "input error; 3 report written but incomplete (a collector failed,\n"
		      "timed out or was partial); 4 output could not be written or mailed;\n"
		      "75 another run holds the --lock.\n", out);
		return;
	}
	fprintf(out, "Usage: opsgrade %s %s\n%c%s.\n%s\nOptions:\n", og_command_name(cmd),
		og_cli_commands[cmd].synopsis, og_cli_commands[cmd].summary[0] - 32,
		og_cli_commands[cmd].summary + 1,
		og_cli_commands[cmd].detail ? og_cli_commands[cmd].detail : "");
	for (size_t i = 0; i < og_cli_n_options; i++) {
		const struct og_cli_option *o = &og_cli_options[i];
		char left[64];

		if (!(o->cmds & OG_CMD_BIT(cmd)))
			continue;
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	if (cmd == OG_CMD_REPORT || cmd == OG_CMD_COLLECT)
		fputs("\nSecrets come only from the environment or files: GITHUB_TOKEN or\n"
		      "GH_TOKEN (or collectors.github.token_file), OPSGRADE_SMTP_USER and\n"
		      "OPSGRADE_SMTP_PASSWORD (or mail.password_file), OPSGRADE_REGISTRY_USER\n"
		      "and OPSGRADE_REGISTRY_PASSWORD (or ~/.docker/config.json).\n", out);
}

static void
add_set(struct og_cli *c, char *kv)
{
	c->sets = og_xrealloc_array(c->sets, c->n_sets + 1, sizeof(*c->sets));
	c->sets[c->n_sets++] = kv;
}

static void
add_str(const char ***v, size_t *n, const char *s)
{
	*v = og_xrealloc_array(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* Whether --@name (up to '=') is one of the core's long options, and
 * whether it takes an argument. */
static bool
core_option(const struct option *opts, const char *name, size_t len,
	    bool *ret_arg)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len)) {
			*ret_arg = opts->has_arg == required_argument;
			return true;
		}
	return false;
}

/*
 * Take the long options the core does not know out of @argv (a plugin's
 * flags, known only once the plugins are found): each "--NAME VALUE" or
 * "--NAME=VALUE" becomes a set "\x01NAME=VALUE" in command-line order,
 * resolved by the pipeline (og_pipeline_setup) or refused there as an
 * unknown option.  Returns the remaining argv (caller frees the array).
 */
static char **
defer_plugin_flags(int argc, char **argv, const struct option *opts,
		   struct og_cli *c, int *ret_argc)
{
	char **out = og_xcalloc((size_t)argc + 1, sizeof(*out));
	int n = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t len;
		bool has_arg;

		if (i == 0 || strncmp(a, "--", 2) || !a[2]) {
			out[n++] = argv[i];
			if (a[0] == '-' && a[1] == 'o' && !a[2] && i + 1 < argc)
				out[n++] = argv[++i];
			if (!strcmp(a, "--")) {
				while (++i < argc)
					out[n++] = argv[i];
			}
			continue;
		}
		eq = strchr(a + 2, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (core_option(opts, a + 2, len, &has_arg)) {
			out[n++] = argv[i];
			if (has_arg && !eq && i + 1 < argc)
				out[n++] = argv[++i];
		} else if (eq) {
			add_set(c, og_asprintf("\x01%s", a + 2));
		} else if (i + 1 < argc) {
			add_set(c, og_asprintf("\x01%s=%s", a + 2, argv[++i]));
		} else {
			out[n++] = argv[i];	/* getopt reports it */
		}
	}
	*ret_argc = n;
	return out;
}

/* --shard-from-env: the batch engine's index (Kubernetes Indexed Jobs set
 * JOB_COMPLETION_INDEX) and the shard count from the environment. */
static int
shard_from_env(struct og_cli *c)
{
	const char *idx = getenv("JOB_COMPLETION_INDEX"), *cnt = getenv("OPSGRADE_SHARD_COUNT");
	char *end;
	long i, n;

	if (!idx || !*idx)
		idx = getenv("OPSGRADE_SHARD_INDEX");
	if (!idx || !*idx || !cnt || !*cnt) {
		fprintf(stderr, "opsgrade: --shard-from-env needs JOB_COMPLETION_INDEX (or "
			"OPSGRADE_SHARD_INDEX) and OPSGRADE_SHARD_COUNT in the environment\n");
		return 2;
	}
	errno = 0;
	i = strtol(idx, &end, 10);
	if (errno || *end || i < 0) {
		fprintf(stderr, "opsgrade: shard index '%s' is not a number >= 0\n", idx);
		return 2;
	}
	n = strtol(cnt, &end, 10);
	if (errno || *end || n < 1 || i >= n) {
		fprintf(stderr, "opsgrade: OPSGRADE_SHARD_COUNT '%s' must be a number above the "
			"index %ld\n", cnt, i);
		return 2;
	}
	/* --shard counts from 1 (I/N), the engines' indexes from 0; it is the
	 * flag of whichever plugin declares --shard */
	add_set(c, og_asprintf("\x01shard=%ld/%ld", i + 1, n));
	return 0;
}

static void
unknown_option(enum og_command cmd, const char *arg)
{
	const char **names = og_xcalloc(og_cli_n_options, sizeof(*names));
	char *word = og_strdup0(arg + (arg[0] == '-') + (arg[1] == '-'));
	const char *hint;

	word[strcspn(word, "=")] = '\0';
	for (size_t i = 0; i < og_cli_n_options; i++)
		if (cmd == OG_CMD_NONE || (og_cli_options[i].cmds & OG_CMD_BIT(cmd)))
			names[i] = og_cli_options[i].name;
	hint = og_cli_suggest(word, names, og_cli_n_options);
	fprintf(stderr, "opsgrade%s%s: unknown option '%s'", cmd ? " " : "", og_command_name(cmd), arg);
	if (hint)
		fprintf(stderr, "; did you mean '--%s'?", hint);
	fprintf(stderr, "\nRun 'opsgrade %s%s--help' for the options.\n", og_command_name(cmd),
		cmd ? " " : "");
	free(word);
	free(names);
}

static int
parse_command(const char *word, struct og_cli *c)
{
	const char *names[N_CMDS], *hint;

	for (size_t i = 0; i < N_CMDS; i++) {
		names[i] = og_cli_command_listed((enum og_command)i) ? og_cli_commands[i].name : NULL;
		if (og_cli_commands[i].name && strcmp(word, og_cli_commands[i].name) == 0) {
			c->cmd = (enum og_command)i;
			return 0;
		}
	}
	hint = og_cli_suggest(word, names, N_CMDS);
	fprintf(stderr, "opsgrade: unknown command '%s'", word);
	if (hint)
		fprintf(stderr, "; did you mean '%s'?", hint);
	fputs("\n", stderr);
	og_cli_usage(OG_CMD_NONE, stderr);
	return 2;
}

int
og_cli_parse(int argc, char **argv, struct og_cli *ret)
{
	struct option *longopts = og_xcalloc(og_cli_n_options + 1, sizeof(*longopts));
	char **args = NULL;
	struct og_cli c = { 0 };
	bool from_env = false;
	int opt, idx, rc = 2;

	for (size_t i = 0; i < og_cli_n_options; i++)
		longopts[i] = (struct option){ og_cli_options[i].name,
					       og_cli_options[i].arg ? required_argument : no_argument,
					       NULL, 1000 + (int)i };
	if (argc >= 2 && argv[1][0] != '-') {
		if (parse_command(argv[1], &c))
			goto fail;
		argc--;
		argv++;
	}
	args = defer_plugin_flags(argc, argv, longopts, &c, &argc);
	argv = args;
	optind = 1;
	opterr = 0;	/* we say it, with a suggestion */
	/* ":" first: a missing value returns ':', told apart from an unknown option */
	while ((opt = getopt_long(argc, argv, ":ho:", longopts, &idx)) != -1) {
		const struct og_cli_option *o;

		for (size_t i = 0; opt < 1000 && i < og_cli_n_options; i++)
			if (og_cli_options[i].short_name && og_cli_options[i].short_name == opt)
				opt = 1000 + (int)i;
		if (opt == '?') {
			unknown_option(c.cmd, optopt ? (char[]){ '-', (char)optopt, 0 } : argv[optind - 1]);
			goto fail;
		}
		if (opt == ':') {
			fprintf(stderr, "opsgrade: option '%s' needs a value\n", argv[optind - 1]);
			goto fail;
		}
		o = &og_cli_options[opt - 1000];
		if (c.cmd != OG_CMD_NONE && !(o->cmds & OG_CMD_BIT(c.cmd))) {
			fprintf(stderr, "opsgrade %s: --%s does not apply to this command\n"
				"Run 'opsgrade %s --help' for its options.\n",
				og_command_name(c.cmd), o->name, og_command_name(c.cmd));
			goto fail;
		}
		if (o->key && strcmp(o->name, "format") == 0) {
			/* One flag, a comma list: replace, not append. */
			char *list = og_strdup0(optarg), *save = NULL;

			add_set(&c, og_strdup0("formats="));
			for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
				add_set(&c, og_asprintf("formats+=%s", t));
			free(list);
		} else if (o->key) {
			add_set(&c, og_asprintf("%s=%s", o->key, optarg));
		} else if (strcmp(o->name, "config") == 0) {
			c.config_path = optarg;
		} else if (strcmp(o->name, "set") == 0) {
			add_set(&c, og_strdup0(optarg));
		} else if (strcmp(o->name, "plugin-dir") == 0) {
			add_str(&c.plugin_dirs, &c.n_plugin_dirs, optarg);
		} else if (strcmp(o->name, "from") == 0) {
			c.from = optarg;
		} else if (strcmp(o->name, "out") == 0) {
			c.out = optarg;
		} else if (strcmp(o->name, "json") == 0) {
			c.json = true;
		} else if (strcmp(o->name, "template") == 0) {
			c.template_ = true;
		} else if (strcmp(o->name, "lock") == 0) {
			c.lock = optarg;
		} else if (strcmp(o->name, "log-level") == 0) {
			static const char *const names[] = { "error", "warn", "info", "debug" };

			c.log_level = -1;
			for (int k = 0; k < 4; k++)
				if (!strcmp(optarg, names[k]))
					c.log_level = k;
			if (c.log_level < 0) {
				og_log_error("--log-level '%s': one of error, warn, info, debug",
					     optarg);
				goto fail;
			}
			c.has_log_level = true;
		} else if (strcmp(o->name, "quiet") == 0) {
			c.quiet = true;
		} else if (strcmp(o->name, "quiet-gates") == 0) {
			c.quiet_gates = true;
		} else if (strcmp(o->name, "wait") == 0) {
			c.wait = true;
		} else if (strcmp(o->name, "junit-strict") == 0) {
			add_set(&c, og_strdup0("report.junit_strict=true"));
		} else if (strcmp(o->name, "help") == 0) {
			c.help = true;
		} else if (strcmp(o->name, "version") == 0) {
			c.version = true;
		} else if (strcmp(o->name, "shard-from-env") == 0) {
			from_env = true;
		}
	}
	if (from_env && shard_from_env(&c))
		goto fail;
	for (int i = optind; i < argc; i++)
		add_str(&c.inputs, &c.n_inputs, argv[i]);
	if (c.version) {
		printf("opsgrade %s (plugin ABI %u)\n", OG_VERSION, OPSGRADE_PLUGIN_ABI);
		rc = -1;
		goto fail;
	}
	/* A command's help lists its plugins' flags: main prints it once
	 * they are found. */
	if (c.help && c.cmd == OG_CMD_NONE) {
		og_cli_usage(c.cmd, stdout);
		rc = -1;
		goto fail;
	}
	if (c.cmd == OG_CMD_NONE) {
		og_cli_usage(OG_CMD_NONE, stderr);
		goto fail;
	}
	if (c.cmd == OG_CMD_COMPLETION && c.n_inputs != 1) {
		fprintf(stderr, "Usage: opsgrade completion bash|zsh\n");
		goto fail;
	}
	free(args);
	free(longopts);
	*ret = c;
	return 0;
fail:
	free(args);
	free(longopts);
	og_cli_clear(&c);
	return rc;
}

void
og_cli_clear(struct og_cli *c)
{
	for (size_t i = 0; i < c->n_sets; i++)
		free(c->sets[i]);
	free(c->sets);
	free(c->plugin_dirs);
	free(c->inputs);
	memset(c, 0, sizeof(*c));
}
