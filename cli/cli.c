#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opsgrade/plugin.h>

#include "cli.h"
#include "util.h"

/*
 * Shorthand flags: each sets one config key, so a flag and the config
 * file can never disagree about what an option means.  These are the
 * core's; a collector's (--trivy FILE) are declared by its plugin
 * (struct og_flag) and resolved once the plugins are found.
 */
struct shorthand {
	const char *flag;
	const char *key;
	const char *arg;
	const char *help;
};

static const struct shorthand shorthands[] = {
	{ "subject", "subject", "NAME", "what is assessed (default: repo, org or directory name)" },
	{ "output-dir", "output_dir", "DIR", "where reports are written (default ./opsgrade-report)" },
	{ "format", "formats", "LIST", "pdf,html,png,junit,json (default all)" },
	{ "jobs", "jobs", "N", "collectors run at once (default: CPUs)" },
	{ "coverage", "assessment.coverage", "FILE", "Cobertura XML or lcov coverage file" },
	{ "model", "assessment.model", "FILE", "maturity model to use instead of the bundled one" },
	{ "fail-on", "gates.fail_on", "SEVERITY", "fail (exit 1) on an open finding this severe" },
	{ "paper", "report.paper", "a4|letter", "PDF paper size" },
	{ "scale", "report.scale", "N", "PNG scale factor (2 for HiDPI)" },
	{ "junit-min-severity", "report.junit_min_severity", "SEV", "findings in JUnit from this severity (default high)" },
	{ "junit-schema", "report.junit_schema", "default|strict", "JUnit flavour" },
	{ "history", "history.dir", "DIR", "history directory (default $XDG_STATE_HOME/opsgrade/SUBJECT)" },
	{ "mail-to", "mail.to", "ADDR", "mail the report to ADDR (repeatable)" },
	{ "mail-from", "mail.from", "ADDR", "sender address" },
	{ "mail-subject", "mail.subject", "TEXT", "mail subject; {subject} {level} {verdict} {date} are replaced" },
	{ "mail-on", "mail.on", "WHEN", "always|change|failure (default always)" },
	{ "smtp-url", "mail.smtp_url", "URL", "smtp://host:587 (STARTTLS) or smtps://host:465" },
	{ "smtp-tls", "mail.smtp_tls", "required|none", "none allows a plain connection" },
};

#define N_SHORT (sizeof(shorthands) / sizeof(shorthands[0]))

enum {
	OPT_CONFIG = 1000,
	OPT_SET,
	OPT_PLUGIN_DIR,
	OPT_FROM,
	OPT_JSON,
	OPT_LOCK,
	OPT_QUIET,
	OPT_VERSION,
	OPT_JUNIT_STRICT,
	OPT_SHORTHAND,	/* + index */
};

static const char *const command_names[] = {
	NULL, "report", "collect", "render", "merge", "plugins", "history",
};

const char *
og_command_name(enum og_command cmd)
{
	return command_names[cmd] ? command_names[cmd] : "";
}

void
og_cli_usage(enum og_command cmd, FILE *out)
{
	switch (cmd) {
	case OG_CMD_REPORT:
		fputs("Usage: opsgrade report [PATH] [OPTIONS]\n"
		      "Collect evidence (PATH: checkout, default .), assess it and\n"
		      "write report.pdf, summary.png, junit.xml and report.json.\n"
		      "With --github, --github-org or --registry and no PATH, the\n"
		      "current directory is not assessed; give PATH to include a checkout.\n", out);
		break;
	case OG_CMD_COLLECT:
		fputs("Usage: opsgrade collect [PATH] [-o report.json] [OPTIONS]\n"
		      "Run the collectors and write only the model as report.json.\n"
		      "PATH defaults to . unless --github, --github-org or --registry\n"
		      "names another subject.\n", out);
		break;
	case OG_CMD_RENDER:
		fputs("Usage: opsgrade render --from report.json [OPTIONS]\n"
		      "Render a report.json (assessing it if it has no assessment)\n"
		      "without collecting.\n", out);
		break;
	case OG_CMD_MERGE:
		fputs("Usage: opsgrade merge A.json B.json... -o out.json\n"
		      "Merge report.json shards (e.g. of --shard runs) into one,\n"
		      "re-assessing the merged model.  Reports about different\n"
		      "subjects merge only with --subject NAME for the combination.\n", out);
		return;
	case OG_CMD_PLUGINS:
		fputs("Usage: opsgrade plugins [--json] [--plugin-dir DIR]\n"
		      "List discovered collector plugins with their status.\n", out);
		return;
	case OG_CMD_HISTORY:
		fputs("Usage: opsgrade history [--json] [--subject NAME] [--history DIR]\n"
		      "List stored snapshots and the trend.\n", out);
		return;
	case OG_CMD_NONE:
		fputs("Usage: opsgrade COMMAND [OPTIONS]\n\n"
		      "Commands:\n"
		      "  report [PATH]        collect, assess and render (the main job)\n"
		      "  collect [PATH]       collect only; write report.json\n"
		      "  render --from FILE   render a report.json\n"
		      "  merge A B... -o OUT  merge report.json shards\n"
		      "  plugins [--json]     list collector plugins\n"
		      "  history [--json]     list history snapshots and trends\n\n"
		      "Run 'opsgrade COMMAND --help' for a command's options.\n\n"
		      "Exit codes: 0 success; 1 a policy gate failed; 2 usage, config or\n"
		      "input error; 3 report written but incomplete (a collector failed,\n"
		      "timed out or was partial); 4 output could not be written or mailed;\n"
		      "75 another run holds the --lock.\n", out);
		return;
	}
	fputs("\nOptions:\n"
	      "  --config FILE          config file (default ./opsgrade.json if present)\n"
	      "  --set KEY=VALUE        set any config key, e.g. collectors.NAME.KEY=V\n"
	      "  --plugin-dir DIR       search DIR for plugins first (repeatable)\n"
	      "  -o, --out FILE         output file (collect, merge)\n"
	      "  --lock FILE            exit 75 at once if another run holds FILE\n"
	      "  --quiet                print nothing on success\n"
	      "  --junit-strict         unmet capabilities are JUnit failures\n", out);
	for (size_t i = 0; i < N_SHORT; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s %s", shorthands[i].flag,
			 shorthands[i].arg);
		fprintf(out, "  %-22s %s\n", left, shorthands[i].help);
	}
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

int
og_cli_parse(int argc, char **argv, struct og_cli *ret)
{
	char **args = NULL;
	static struct option longopts[N_SHORT + 16];
	struct og_cli c = { 0 };
	size_t k = 0;
	int opt;

	static const struct option fixed[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "set", required_argument, NULL, OPT_SET },
		{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lock", required_argument, NULL, OPT_LOCK },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "junit-strict", no_argument, NULL, OPT_JUNIT_STRICT },
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		longopts[k++] = fixed[i];
	for (size_t i = 0; i < N_SHORT; i++)
		longopts[k++] = (struct option){ shorthands[i].flag, required_argument,
						 NULL, OPT_SHORTHAND + (int)i };
	memset(&longopts[k], 0, sizeof(longopts[k]));

	if (argc >= 2 && argv[1][0] != '-') {
		for (int i = OG_CMD_REPORT; i <= OG_CMD_HISTORY; i++)
			if (strcmp(argv[1], command_names[i]) == 0)
				c.cmd = (enum og_command)i;
		if (c.cmd == OG_CMD_NONE) {
			fprintf(stderr, "opsgrade: unknown command '%s'\n", argv[1]);
			og_cli_usage(OG_CMD_NONE, stderr);
			return 2;
		}
		argc--;
		argv++;
	}
	args = defer_plugin_flags(argc, argv, longopts, &c, &argc);
	argv = args;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case OPT_SET:
			add_set(&c, og_strdup0(optarg));
			break;
		case OPT_PLUGIN_DIR:
			add_str(&c.plugin_dirs, &c.n_plugin_dirs, optarg);
			break;
		case OPT_FROM:
			c.from = optarg;
			break;
		case 'o':
			c.out = optarg;
			break;
		case OPT_JSON:
			c.json = true;
			break;
		case OPT_LOCK:
			c.lock = optarg;
			break;
		case OPT_QUIET:
			c.quiet = true;
			break;
		case 'h':
			c.help = true;
			break;
		case OPT_VERSION:
			c.version = true;
			break;
		case OPT_JUNIT_STRICT:
			add_set(&c, og_strdup0("report.junit_strict=true"));
			break;
		default:
			if (opt >= OPT_SHORTHAND && opt < OPT_SHORTHAND + (int)N_SHORT) {
				const struct shorthand *s = &shorthands[opt - OPT_SHORTHAND];

				if (strcmp(s->flag, "format") == 0) {
					/* One flag, a comma list: replace, not append. */
					char *list = og_strdup0(optarg), *save = NULL;

					add_set(&c, og_strdup0("formats="));
					for (char *t = strtok_r(list, ",", &save); t;
					     t = strtok_r(NULL, ",", &save))
						add_set(&c, og_asprintf("formats+=%s", t));
					free(list);
				} else {
					add_set(&c, og_asprintf("%s=%s", s->key, optarg));
				}
				break;
			}
			og_cli_usage(c.cmd, stderr);
			og_cli_clear(&c);
			free(args);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		add_str(&c.inputs, &c.n_inputs, argv[i]);
	free(args);
	if (c.version) {
		printf("opsgrade %s (plugin ABI %u)\n", OG_VERSION, OPSGRADE_PLUGIN_ABI);
		og_cli_clear(&c);
		return -1;
	}
	/* A command's help lists its plugins' flags: main prints it once
	 * they are found. */
	if (c.help && c.cmd == OG_CMD_NONE) {
		og_cli_usage(c.cmd, stdout);
		og_cli_clear(&c);
		return -1;
	}
	if (c.cmd == OG_CMD_NONE) {
		og_cli_usage(OG_CMD_NONE, stderr);
		og_cli_clear(&c);
		return 2;
	}
	*ret = c;
	return 0;
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
