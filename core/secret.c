#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "box.h"
#include "conf.h"
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
og_secret_declared(const cJSON *config, const char *plugin,
		   const struct og_credential *c)
{
	char *v = c->env ? env_secret(c->env) : NULL, *path;

	if (v || !c->file_option)
		return v;
	path = og_asprintf("collectors.%s.%s", plugin, c->file_option);
	v = file_secret(og_config_str(config, path, NULL));
	free(path);
	return v;
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

/* "user:password" for @host from the Docker CLI's config.json auths. */
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
	entry = cJSON_GetObjectItemCaseSensitive(auths, host);
	if (!entry) {
		/* Docker Hub is stored under its legacy index URL. */
		char *alt = og_asprintf("https://%s/v1/", host);

		entry = cJSON_GetObjectItemCaseSensitive(auths, alt);
		free(alt);
	}
	auth = cJSON_GetObjectItemCaseSensitive(entry, "auth");
	if (cJSON_IsString(auth))
		out = b64_decode(auth->valuestring);
	else if (entry && (cJSON_GetObjectItemCaseSensitive(doc, "credsStore") ||
			   cJSON_GetObjectItemCaseSensitive(doc, "credHelpers")))
		og_log_warn("registry '%s': credentials are in a Docker credential "
			    "helper, which opsgrade does not call; set "
			    "OPSGRADE_REGISTRY_USER/OPSGRADE_REGISTRY_PASSWORD", host);
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

char *
og_secret_get(const cJSON *config, const char *name)
{
	char *s;

	if (strcmp(name, "github.token") == 0) {
		if ((s = env_secret("GITHUB_TOKEN")) || (s = env_secret("GH_TOKEN")))
			return s;
		return file_secret(og_config_str(config,
						 "collectors.github.token_file",
						 NULL));
	}
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
	if (strncmp(name, "registry:", 9) == 0) {
		const char *u = secret_getenv("OPSGRADE_REGISTRY_USER");
		const char *p = secret_getenv("OPSGRADE_REGISTRY_PASSWORD");

		if (u && *u && p)
			return og_asprintf("%s:%s", u, p);
		return docker_config_secret(name + 9);
	}
	return NULL;
}
