#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "box.h"
#include "conf.h"
#include "credential.h"
#include "secret.h"
#include "util.h"

#define SECRET_FILE_MAX_BYTES 65536

void
og_secret_free(char *s)
{
	if (!s)
		return;
	/* volatile keeps the compiler from dropping the wipe before free. */
	for (volatile char *p = s; *p; p++)
		*p = '\0';
	free(s);
}

/* The secret variables og_secret_hide_env() took out of the environment,
 * "NAME=value" each; the host code of a plugin process still resolves
 * them, the plugin's getenv() and /proc/self/environ do not see them. */
static char **hidden;
static size_t n_hidden;

void
og_secret_forget(void)
{
	for (size_t i = 0; i < n_hidden; i++)
		og_secret_free(hidden[i]);
	free(hidden);
	hidden = NULL;
	n_hidden = 0;
}

static const char *
secret_getenv(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n_hidden; i++)
		if (strncmp(hidden[i], name, len) == 0 && hidden[i][len] == '=')
			return hidden[i] + len + 1;
	return getenv(name);
}

/* Variables plugins declared as credentials (og_secret_protect_env):
 * hidden like the ones og_box_env_is_secret knows by name. */
static char **protected_env;
static size_t n_protected_env;

void
og_secret_protect_env(const char *name)
{
	for (size_t i = 0; i < n_protected_env; i++)
		if (!strcmp(protected_env[i], name))
			return;
	protected_env = og_xrealloc_array(protected_env, n_protected_env + 1,
					  sizeof(*protected_env));
	protected_env[n_protected_env++] = og_strdup0(name);
}

void
og_secret_protect_env_list(const char *list)
{
	char *copy = og_strdup0(list), *save = NULL;

	for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t;
	     t = strtok_r(NULL, ":", &save))
		og_secret_protect_env(t);
	free(copy);
}

static bool
is_protected(const char *var)
{
	size_t len = strcspn(var, "=");

	for (size_t i = 0; i < n_protected_env; i++)
		if (strlen(protected_env[i]) == len &&
		    !strncmp(protected_env[i], var, len))
			return true;
	return false;
}

void
og_secret_hide_env(void)
{
	extern char **environ;

	for (size_t i = 0; environ && environ[i];) {
		char *eq = strchr(environ[i], '=');
		char *name;

		if (!eq || (!og_box_env_is_secret(environ[i]) &&
			    !is_protected(environ[i]))) {
			i++;
			continue;
		}
		hidden = og_xrealloc_array(hidden, n_hidden + 1, sizeof(*hidden));
		hidden[n_hidden++] = og_strdup0(environ[i]);
		/* wipe the original bytes too: a plugin reading the initial
		 * environment block on the stack finds zeros */
		name = og_asprintf("%.*s", (int)(eq - environ[i]), environ[i]);
		for (volatile char *p = eq + 1; *p; p++)
			*p = '\0';
		unsetenv(name);
		free(name);
	}
}

static char *
env_secret(const char *name)
{
	const char *v = secret_getenv(name);

	return v && *v ? og_strdup0(v) : NULL;
}

/* First line of @path, which must not be readable by group/others. */
static char *
file_secret(const char *path)
{
	struct stat st;
	char *buf = NULL, *nl;

	if (!path)
		return NULL;
	if (stat(path, &st) < 0) {
		og_log_warn("secret file '%s': %s, ignoring", path, strerror(errno));
		return NULL;
	}
	if (st.st_mode & 077) {
		og_log_warn("secret file '%s' is readable by group or others "
			    "(chmod 600 it), ignoring", path);
		return NULL;
	}
	if (og_read_file(path, SECRET_FILE_MAX_BYTES, &buf, NULL) < 0) {
		og_log_warn("secret file '%s' cannot be read, ignoring", path);
		return NULL;
	}
	nl = strpbrk(buf, "\r\n");
	if (nl)
		*nl = '\0';
	if (!*buf) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
og_secret_get(const cJSON *config, const char *name)
{
	char *s;

	if (strcmp(name, "smtp.user") == 0) {
		if ((s = env_secret("OPSGRADE_SMTP_USER")))
			return s;
		return og_strdup0(og_config_str(config, "mail.user", NULL));
	}
	if (strcmp(name, "smtp.password") == 0) {
		if ((s = env_secret("OPSGRADE_SMTP_PASSWORD")))
			return s;
		return file_secret(og_config_str(config, "mail.password_file", NULL));
	}
	return NULL;
}

/* The first of the variables in @list ("A:B") that is set. */
static char *
env_list_secret(const char *list)
{
	char *copy = og_strdup0(list), *save = NULL, *v = NULL;

	for (char *t = strtok_r(copy, ":", &save); t && !v;
	     t = strtok_r(NULL, ":", &save))
		v = env_secret(t);
	free(copy);
	return v;
}

/* The plugin's option @key (or the setting it consumes, og_option.from)
 * as a string; borrowed. */
static const char *
option_str(const struct og_credset *s, const char *key)
{
	char *path = og_asprintf("collectors.%s.%s", s->plugin, key);
	const char *v = og_config_str(s->config, path, NULL);

	free(path);
	for (const struct og_option *o = s->options; !v && o && o->key; o++)
		if (!strcmp(o->key, key) && o->from && *o->from) {
			path = og_asprintf("collectors.%s", o->from);
			v = og_config_str(s->config, path, NULL);
			free(path);
		}
	return v;
}

#define SOURCES_MAX 8

/* Credential sources in other tools' file formats (og_secret_register_source). */
struct cred_source {
	unsigned flag;
	const char *name;
	og_cred_source_fn fn;
};

static struct cred_source sources[SOURCES_MAX];
static size_t n_sources;

void
og_secret_register_source(unsigned flag, const char *name, og_cred_source_fn fn)
{
	if (n_sources < SOURCES_MAX)
		sources[n_sources++] = (struct cred_source){ flag, name, fn };
}

void
og_secret_describe_sources(cJSON *o, unsigned flags)
{
	for (size_t i = 0; i < n_sources; i++)
		cJSON_AddBoolToObject(o, sources[i].name, flags & sources[i].flag);
}

char *
og_secret_credential(const struct og_credset *s, const struct og_credential *c,
		     const char *hostport)
{
	char *v = c->env ? env_list_secret(c->env) : NULL, *user, *both;

	if (!v && c->file_option)
		v = file_secret(option_str(s, c->file_option));
	if (v && c->user_env && (user = env_list_secret(c->user_env))) {
		both = og_asprintf("%s:%s", user, v);
		og_secret_free(user);
		og_secret_free(v);
		v = both;
	}
	for (size_t i = 0; !v && i < n_sources; i++)
		if (c->flags & sources[i].flag)
			v = sources[i].fn(hostport);
	return v;
}
