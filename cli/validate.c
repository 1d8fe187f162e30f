/*
 * Every option value checked before anything is collected or written:
 * a typo in --paper or --mail-on must not cost a whole collection run and
 * then exit 4 (issue 12).  Each problem is logged once; any problem is
 * exit 2.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess/assess.h"
#include "mail/mail.h"
#include "pipeline.h"
#include "rdoc.h"
#include "util.h"

/* Log @err (and free it); count it. */
static void
problem(int *n, char *err)
{
	og_log_error("%s", err);
	free(err);
	(*n)++;
}

static void
check_plugin_dirs(const struct og_pipeline *p, int *n)
{
	const char **cfg = NULL;
	size_t n_cfg = og_config_strv(p->config, "plugin_dirs", &cfg);
	struct stat st;

	for (size_t i = 0; i < p->cli->n_plugin_dirs + n_cfg; i++) {
		bool from_cli = i < p->cli->n_plugin_dirs;
		const char *d = from_cli ? p->cli->plugin_dirs[i]
					 : cfg[i - p->cli->n_plugin_dirs];

		if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode))
			problem(n, og_asprintf("%s '%s': %s", from_cli ? "--plugin-dir"
					       : "plugin_dirs", d, stat(d, &st) < 0
					       ? strerror(errno) : "not a directory"));
	}
	free(cfg);
}

static void
check_formats(const cJSON *config, int *n)
{
	static const char *const known[] = { "json", "junit", "png", "pdf", "html" };
	const char **fmts = NULL;
	size_t k = og_config_strv(config, "formats", &fmts);

	for (size_t i = 0; i < k; i++) {
		bool ok = false;

		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			ok |= strcmp(fmts[i], known[j]) == 0;
		if (!ok)
			problem(n, og_asprintf("formats (--format): unknown format '%s' "
					       "(use pdf, html, png, junit, json)", fmts[i]));
	}
	free(fmts);
}

/*
 * @path will be created or replaced: its nearest existing ancestor must
 * be a directory we can write into (and @path itself, when it exists,
 * of the right kind).
 */
static void
check_writable(const char *what, const char *path, bool is_dir, int *n)
{
	char *d = og_strdup0(path), *slash;
	struct stat st;

	if (stat(path, &st) == 0) {
		if (is_dir && !S_ISDIR(st.st_mode))
			problem(n, og_asprintf("%s '%s' exists and is not a directory", what, path));
		else if (is_dir && access(path, W_OK | X_OK) < 0)
			problem(n, og_asprintf("%s '%s' is not writable: %s", what, path,
					       strerror(errno)));
		else if (!is_dir && S_ISDIR(st.st_mode))
			problem(n, og_asprintf("%s '%s' is a directory", what, path));
		free(d);
		if (is_dir)
			return;
		d = og_strdup0(path);
	}
	/* a file's directory must exist (it is not created); a directory is
	 * created with its parents, so its nearest existing ancestor counts */
	for (;;) {
		slash = strrchr(d, '/');
		if (!slash) {
			free(d);
			d = og_strdup0(".");
			break;
		}
		if (slash == d) {
			slash[1] = '\0';
			break;
		}
		*slash = '\0';
		if (!is_dir || stat(d, &st) == 0)
			break;
	}
	if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode))
		problem(n, og_asprintf("%s '%s': '%s' is not a directory", what, path, d));
	else if (access(d, W_OK | X_OK) < 0)
		problem(n, og_asprintf("%s '%s': cannot write into '%s': %s", what, path, d,
				       strerror(errno)));
	free(d);
}

/* The assessment options and the gates, checked against the maturity
 * model on an empty model: a bad gate is found before collecting. */
static void
check_assessment(const struct og_pipeline *p, int *n)
{
	struct og_model *m = og_model_new();
	cJSON *as = NULL, *gates = NULL, *coll = cJSON_CreateArray(), *c;
	char *err = NULL;
	size_t n_frag;
	const char **frag = og_plugin_set_fragments(p->plugins, &n_frag);

	/* the collectors found, none run yet: observed_by is checked
	 * against them */
	for (size_t i = 0; i < p->plugins->n; i++) {
		if (p->plugins->entries[i].state != OG_PLUGIN_LOADED)
			continue;
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", p->plugins->entries[i].desc.name);
		cJSON_AddStringToObject(c, "status", "skipped");
		cJSON_AddItemToArray(coll, c);
	}
	/* the plugins' model fragments too: a bad one is found before any
	 * collector runs, naming the file */
	if (og_assess_ex(m, p->config, coll, frag, n_frag, og_now(), &as,
			 &gates, &err) < 0)
		problem(n, err);
	free(frag);
	cJSON_Delete(coll);
	cJSON_Delete(as);
	cJSON_Delete(gates);
	og_model_free(m);
}

int
og_pipeline_validate(struct og_pipeline *p)
{
	enum og_command cmd = p->cli->cmd;
	const char *outdir = og_config_str(p->config, "output_dir", OG_DEFAULT_OUTPUT_DIR);
	bool renders = og_cli_delivers(p->cli) || cmd == OG_CMD_RENDER;
	struct og_rstyle st;
	char *err = NULL;
	int n = 0;

	check_plugin_dirs(p, &n);
	if (cmd == OG_CMD_PLUGINS || cmd == OG_CMD_HISTORY)
		return n ? EXIT_USAGE : EXIT_OK;
	if (renders) {
		check_formats(p->config, &n);
		if (og_rstyle_load(p->config, &st, &err) < 0)
			problem(&n, err);
		else
			og_rstyle_clear(&st);
	}
	if (og_cli_delivers(p->cli) && og_mail_check(p->config, &err) < 0)
		problem(&n, err);
	if (p->cli->out && (cmd == OG_CMD_COLLECT || cmd == OG_CMD_MERGE))
		check_writable("-o", p->cli->out, false, &n);
	else
		check_writable("output directory", outdir, true, &n);
	if (cmd != OG_CMD_COLLECT)
		check_assessment(p, &n);
	return n ? EXIT_USAGE : EXIT_OK;
}
