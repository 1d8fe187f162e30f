/*
 * What is assessed, and inputs that cannot be right (issue 11):
 *   - relative paths in a config file are relative to that file's
 *     directory, so a cron job (cwd = $HOME) reads the same tree as a
 *     run from the config's directory;
 *   - the current directory is the repository only when no other subject
 *     (a GitHub repository or organisation, a registry image) was named;
 *   - a repository path that does not exist, is not a directory or
 *     cannot be read is a usage error before anything is collected or
 *     written.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"
#include "subject.h"
#include "util.h"

/*
 * The core's config keys holding file or directory names (strings or
 * lists); a collector marks its own with OG_OPTF_PATH.  A key missing
 * from both keeps its value as written.
 */
static const char *const path_keys[] = {
	"output_dir", "plugin_dirs", "assessment.model", "assessment.extra_models",
	"attestations", "report.logo", "history.dir",
	"mail.password_file", "mail.cainfo", "http.cache_dir",
};

static void
resolve_one(cJSON *v, const char *dir)
{
	char *abs;

	if (!cJSON_IsString(v) || !*v->valuestring || v->valuestring[0] == '/')
		return;
	abs = og_asprintf("%s/%s", dir, v->valuestring);
	cJSON_SetValuestring(v, abs);
	free(abs);
}

static void
resolve_key(cJSON *config, const char *key, const char *dir)
{
	cJSON *v = (cJSON *)og_config_get(config, key), *it;

	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v)
			resolve_one(it, dir);
	} else if (v) {
		resolve_one(v, dir);
	}
}

int
og_subject_resolve_paths(cJSON *config, const char *config_path,
			 const struct og_config_plugin *plugins, size_t n_plugins,
			 char **ret_err)
{
	char *copy, *dir, real[PATH_MAX];

	if (!config_path)
		return 0;	/* ./opsgrade.json: relative to the cwd already */
	copy = og_strdup0(config_path);
	dir = dirname(copy);
	if (!realpath(dir, real)) {
		*ret_err = og_asprintf("%s: cannot resolve the config's directory: %s",
				       config_path, strerror(errno));
		free(copy);
		return -errno;
	}
	free(copy);
	for (size_t i = 0; i < sizeof(path_keys) / sizeof(path_keys[0]); i++)
		resolve_key(config, path_keys[i], real);
	for (size_t i = 0; i < n_plugins; i++)
		for (const struct og_option *o = plugins[i].options; o && o->key; o++) {
			char *key;

			if (!(o->flags & OG_OPTF_PATH))
				continue;
			key = og_asprintf("collectors.%s.%s", plugins[i].name, o->key);
			resolve_key(config, key, real);
			free(key);
		}
	return 0;
}

static bool
named(const cJSON *config, const char *key)
{
	const cJSON *v = og_config_get(config, key);

	return (cJSON_IsString(v) && *v->valuestring) ||
	       (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0);
}

/* Some option the collector marks OG_OPTF_SUBJECT is set. */
static bool
names_subject(const cJSON *config, const struct og_config_plugin *c)
{
	bool set = false;

	for (const struct og_option *o = c->options; o && o->key && !set; o++) {
		char *key;

		if (!(o->flags & OG_OPTF_SUBJECT))
			continue;
		key = og_asprintf("collectors.%s.%s", c->name, o->key);
		set = named(config, key);
		free(key);
	}
	return set;
}

/* The checkout's .opsgrade/attestations.json, unless the config names
 * a file (docs/scoring.md "Attestations"). */
static int
default_attestations(struct og_pipeline *p, const char *checkout)
{
	char *f, *err = NULL;
	int r = EXIT_OK;

	if (og_config_get(p->config, "attestations"))
		return EXIT_OK;
	f = og_asprintf("%s/.opsgrade/attestations.json", checkout);
	if (!access(f, F_OK) && og_config_set(p->config, "attestations", f, &err) < 0) {
		og_log_error("%s", err);
		free(err);
		r = EXIT_USAGE;
	}
	free(f);
	return r;
}

char *
og_subject_positional(const struct og_pipeline *p, size_t i)
{
	for (const struct og_option *o = p->config_plugins[i].options;
	     o && o->key; o++)
		if (o->flags & OG_OPTF_POSITIONAL)
			return og_asprintf("collectors.%s.%s",
					   p->config_plugins[i].name, o->key);
	return NULL;
}

static int
positional_scope(struct og_pipeline *p, const char *plugin, const char *key)
{
	char *en_key = og_asprintf("collectors.%s.enabled", plugin);
	const cJSON *en = og_config_get(p->config, en_key);
	const char *path, *what;
	char *err = NULL;
	struct stat st;
	bool other = false;
	int r = EXIT_OK;

	if (cJSON_IsFalse(en) || (cJSON_IsString(en) && strcmp(en->valuestring, "true")))
		goto out;
	for (size_t i = 0; i < p->n_config_plugins; i++)
		other = other || names_subject(p->config, &p->config_plugins[i]);
	/* The current directory stands in only when nothing else was named. */
	if (other && !p->cli->n_inputs && !og_config_get(p->config, key) &&
	    !cJSON_IsTrue(en)) {
		og_log_info("not assessing the current directory: another subject was "
			    "named (give PATH to assess a checkout too)");
		if (og_config_set(p->config, en_key, "false", &err) < 0) {
			og_log_error("%s", err);
			free(err);
			r = EXIT_USAGE;
		}
		goto out;
	}
	/* Named, not left to the plugin's default: a plugin's box lets it
	 * read only the inputs its options name (README "Security"). */
	if (!og_config_get(p->config, key) &&
	    og_config_set(p->config, key, ".", &err) < 0) {
		og_log_error("%s", err);
		free(err);
		r = EXIT_USAGE;
		goto out;
	}
	path = og_config_str(p->config, key, ".");
	what = p->cli->n_inputs ? "PATH" : key;
	if (stat(path, &st) < 0) {
		og_log_error("%s '%s': %s", what, path, strerror(errno));
		r = EXIT_USAGE;
	} else if (!S_ISDIR(st.st_mode)) {
		og_log_error("%s '%s': not a directory (give the checkout to assess)", what, path);
		r = EXIT_USAGE;
	} else if (access(path, R_OK | X_OK) < 0) {
		og_log_error("%s '%s': cannot be read: %s", what, path, strerror(errno));
		r = EXIT_USAGE;
	} else {
		r = default_attestations(p, path);
	}
out:
	free(en_key);
	return r;
}

int
og_subject_positional_scope(struct og_pipeline *p)
{
	int r = EXIT_OK;

	if (p->cli->cmd != OG_CMD_REPORT && p->cli->cmd != OG_CMD_COLLECT)
		return EXIT_OK;
	for (size_t i = 0; i < p->n_config_plugins && r == EXIT_OK; i++) {
		char *key = og_subject_positional(p, i);

		if (key)
			r = positional_scope(p, p->config_plugins[i].name, key);
		free(key);
	}
	return r;
}

char *
og_subject_default(const struct og_pipeline *p)
{
	const char *s = og_config_str(p->config, "subject", NULL);
	char real[PATH_MAX], *slash, *key, *out;

	if (s)
		return og_strdup0(s);
	for (size_t i = 0; i < p->n_config_plugins; i++)
		for (const struct og_option *o = p->config_plugins[i].options;
		     o && o->key; o++) {
			if (!(o->flags & OG_OPTF_SUBJECT) || o->type != OG_OPT_STRING)
				continue;
			key = og_asprintf("collectors.%s.%s", p->config_plugins[i].name,
					  o->key);
			s = og_config_str(p->config, key, NULL);
			free(key);
			if (s && *s)
				return og_strdup0(s);
		}
	key = NULL;
	for (size_t i = 0; i < p->n_config_plugins && !key; i++)
		key = og_subject_positional(p, i);
	s = key ? og_config_str(p->config, key, ".") : ".";
	if (!realpath(s, real))
		out = og_strdup0(s);
	else if ((slash = strrchr(real, '/')) && slash[1])
		out = og_strdup0(slash + 1);
	else
		out = og_strdup0(real);
	free(key);
	return out;
}
