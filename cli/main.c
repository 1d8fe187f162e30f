/*
 * The opsgrade CLI: the edge where errors are logged and exit codes
 * decided.  Everything below returns errors instead of printing them.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "credential.h"
#include "docker-auth.h"
#include "jsonget.h"
#include "loader.h"
#include "model.h"
#include "pipeline.h"
#include "render.h"
#include "report-json.h"
#include "runner.h"
#include "secret.h"
#include "term.h"
#include "util.h"


/* A JSON array of strings as "a, b" (borrowed items; caller frees). */
static char *
joined(const cJSON *a, const char *prefix)
{
	char *out = og_strdup0(""), *more;
	const cJSON *it;

	cJSON_ArrayForEach(it, a) {
		more = og_asprintf("%s%s%s%s", out, *out ? ", " : "", prefix,
				   cJSON_IsString(it) ? it->valuestring : "?");
		free(out);
		out = more;
	}
	return out;
}

/* One line per declared credential: where its secret comes from and
 * where it may go (og_credset_describe). */
static void
print_credentials(FILE *out, const cJSON *creds)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, creds) {
		const char *file = og_jstr(og_jget(c, "file_option")), *hopt = og_jstr(og_jget(c, "hosts_option"));
		char *env = joined(og_jget(c, "env"), "$");
		char *user = joined(og_jget(c, "user_env"), "$");
		char *to = joined(og_jget(c, "goes_to"), "");

		fprintf(out, "             credential %s: from %s%s%s%s%s%s; to %s%s%s%s\n",
			og_jstr_or(og_jget(c, "name"), "?"), *env ? env : "-",
			*user ? " with user " : "", user,
			file ? ", file " : "", file ? file : "",
			og_jbool(og_jget(c, "docker_config"), false)
				? ", the Docker login for the host" : "",
			*to ? to : "nowhere", hopt ? " (or the hosts " : "",
			hopt ? hopt : "", hopt ? " names)" : "");
		free(user);
		free(env);
		free(to);
	}
}

static int
cmd_plugins(struct og_pipeline *p)
{
	const struct og_plugin_set *s = p->plugins;
	FILE *out;

	if (p->cli->json) {
		cJSON *a = cJSON_CreateArray();
		char *text;

		for (size_t i = 0; i < s->n; i++) {
			const struct og_plugin_entry *e = &s->entries[i];
			cJSON *o = cJSON_CreateObject();
			bool ok = e->state == OG_PLUGIN_LOADED;

			cJSON_AddStringToObject(o, "name", ok || e->state == OG_PLUGIN_DUPLICATE
							   ? e->desc.name : "");
			cJSON_AddStringToObject(o, "version", ok ? e->desc.version ? e->desc.version : "" : "");
			cJSON_AddNumberToObject(o, "abi", e->abi_major);
			cJSON_AddStringToObject(o, "path", e->path);
			cJSON_AddStringToObject(o, "status",
						ok ? "loaded" : e->state == OG_PLUGIN_DUPLICATE
							? "duplicate" : "refused");
			if (e->message)
				cJSON_AddStringToObject(o, "message", e->message);
			if (ok && e->desc.summary)
				cJSON_AddStringToObject(o, "summary", e->desc.summary);
			if (e->credentials)
				cJSON_AddItemToObject(o, "credentials",
						      og_plugin_credentials_json(e, p->config));
			cJSON_AddItemToArray(a, o);
		}
		text = cJSON_Print(a);
		puts(text);
		cJSON_free(text);
		cJSON_Delete(a);
		return EXIT_OK;
	}
	/* descriptor strings are the plugin's: no raw control characters */
	out = og_term_stream(stdout);
	if (!out)
		out = stdout;
	for (size_t i = 0; i < s->n; i++) {
		const struct og_plugin_entry *e = &s->entries[i];

		if (e->state == OG_PLUGIN_LOADED) {
			cJSON *creds = og_plugin_credentials_json(e, p->config);

			fprintf(out, "%-12s %-8s ABI %u  %s\n             %s\n",
			       e->desc.name, e->desc.version ? e->desc.version : "?",
			       e->abi_major, e->path,
			       e->desc.summary ? e->desc.summary : "");
			print_credentials(out, creds);
			cJSON_Delete(creds);
		} else
			fprintf(out, "%-12s %-8s ABI %u  %s\n             %s\n",
			       e->state == OG_PLUGIN_DUPLICATE ? e->desc.name : "-",
			       e->state == OG_PLUGIN_DUPLICATE ? "duplicate" : "refused",
			       e->abi_major, e->path, e->message);
	}
	if (s->n == 0)
		fprintf(out, "no plugins found\n");
	if (out != stdout)
		fclose(out);
	return EXIT_OK;
}

/* `COMMAND --help`: the core's options, then each plugin's flags. */
static void
print_help(struct og_pipeline *p)
{
	const struct og_plugin_set *s = p->plugins;
	bool head = false;

	og_cli_usage(p->cli->cmd, stdout);
	if (!s || (p->cli->cmd != OG_CMD_REPORT && p->cli->cmd != OG_CMD_COLLECT))
		return;
	for (size_t i = 0; i < s->n; i++) {
		const struct og_plugin_entry *e = &s->entries[i];

		if (e->state != OG_PLUGIN_LOADED)
			continue;
		for (const struct og_flag *f = e->desc.flags; f && f->flag; f++) {
			const char *owner = NULL;
			char left[64];

			/* shadowed by an earlier plugin's flag: not this one's */
			if (og_plugin_flag(s, f->flag, strlen(f->flag), &owner) != f)
				continue;
			if (!head) {
				fputs("\nCollector options (declared by the plugins "
				      "found):\n", stdout);
				head = true;
			}
			snprintf(left, sizeof(left), "--%s %s", f->flag,
				 f->arg ? f->arg : "VALUE");
			/* the config key too: the same setting in opsgrade.json */
			printf("  %-26s %s [collectors.%s.%s]\n", left,
			       f->help ? f->help : "", e->desc.name, f->option);
		}
	}
}

int
main(int argc, char **argv)
{
	struct og_cli cli;
	struct og_pipeline p = { 0 };
	int r, code;

	r = og_cli_parse(argc, argv, &cli);
	if (r == -1)
		return EXIT_OK;
	if (r > 0)
		return EXIT_USAGE;
	if (cli.has_log_level)
		og_log_set_level((enum og_log_prio)cli.log_level);
	else if (cli.quiet)
		og_log_set_level(OG_PRIO_WARN);
	p.cli = &cli;
	/* the credential-file formats this opsgrade offers to plugins */
	og_secret_register_source(OG_CRED_DOCKER_CONFIG, "docker_config",
				  og_docker_config_credential);
	code = og_pipeline_setup(&p);
	if (cli.help) {
		/* plugins' flags are known once they are found, even when
		 * the rest of the command line is not right yet */
		print_help(&p);
		code = EXIT_OK;
		goto out;
	}
	if (code != EXIT_OK)
		goto out;
	switch (cli.cmd) {
	case OG_CMD_PLUGINS:
		code = cmd_plugins(&p);
		break;
	case OG_CMD_REPORT:
	case OG_CMD_COLLECT:
		code = og_pipeline_collect_and_report(&p);
		break;
	case OG_CMD_RENDER:
		code = og_pipeline_render_from(&p);
		break;
	case OG_CMD_MERGE:
		code = og_pipeline_merge(&p);
		break;
	case OG_CMD_HISTORY:
		code = og_pipeline_history(&p);
		break;
	case OG_CMD_ATTEST:
		code = og_cli_attest(&p);
		break;
	case OG_CMD_COMPLETION:
		code = og_cli_completion(cli.inputs[0], p.plugins, stdout) ? EXIT_USAGE : EXIT_OK;
		break;
	case OG_CMD_NONE:
		code = EXIT_USAGE;
		break;
	}
out:
	og_pipeline_clear(&p);
	og_cli_clear(&cli);
	/* Frees font caches so leak checkers report only real leaks. */
	og_render_shutdown();
	return code;
}
