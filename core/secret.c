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

static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

static char *
b64_decode(const char *in)
{
	size_t len = strlen(in), o = 0;
	char *out = og_xmalloc(len + 1);
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len && in[i] != '='; i++) {
		int v = b64_val((unsigned char)in[i]);

		if (v < 0) {
			og_secret_free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* "user:password" for @host from the Docker CLI's config.json auths
 * (@host NULL: its first entry, to say whether there is any). */
static char *
docker_config_secret(const char *host)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	const cJSON *auths, *entry, *auth;
	cJSON *doc = NULL;
	char *path, *buf = NULL, *out = NULL;

	if (dir)
		path = og_asprintf("%s/config.json", dir);
	else if (home)
		path = og_asprintf("%s/.docker/config.json", home);
	else
		return NULL;
	if (og_read_file(path, SECRET_FILE_MAX_BYTES * 16, &buf, NULL) < 0)
		goto out;
	doc = cJSON_Parse(buf);
	auths = cJSON_GetObjectItemCaseSensitive(doc, "auths");
	entry = host ? cJSON_GetObjectItemCaseSensitive(auths, host)
		     : cJSON_GetArrayItem(auths, 0);
	auth = cJSON_GetObjectItemCaseSensitive(entry, "auth");
	if (cJSON_IsString(auth))
		out = b64_decode(auth->valuestring);
	else if (entry && (cJSON_GetObjectItemCaseSensitive(doc, "credsStore") ||
			   cJSON_GetObjectItemCaseSensitive(doc, "credHelpers")))
		og_log_warn("registry '%s': credentials are in a Docker credential "
			    "helper, which opsgrade does not call", host);
	if (out && !strchr(out, ':')) {
		og_secret_free(out);
		out = NULL;
	}
out:
	if (buf) {
		for (volatile char *p = buf; *p; p++)
			*p = '\0';
		free(buf);
	}
	cJSON_Delete(doc);
	free(path);
	return out;
}

static char *
docker_config_any(void)
{
	return docker_config_secret(NULL);
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

/* Docker keeps a registry on its default port under the bare name, and
 * Docker Hub under its legacy index URL. */
static char *
docker_secret_for(const char *hostport)
{
	size_t n = strlen(hostport);
	char *v = docker_config_secret(hostport), *bare;

	if (v)
		return v;
	if (n > 4 && !strcmp(hostport + n - 4, ":443")) {
		bare = og_asprintf("%.*s", (int)(n - 4), hostport);
		if (!strcmp(bare, "registry-1.docker.io") || !strcmp(bare, "docker.io"))
			v = docker_config_secret("https://index.docker.io/v1/");
		if (!v)
			v = docker_config_secret(bare);
		free(bare);
	}
	return v;
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
	if (!v && (c->flags & OG_CRED_DOCKER_CONFIG))
		v = hostport ? docker_secret_for(hostport) : docker_config_any();
	return v;
}
