/*
 * The Docker CLI's credential file ($DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json, "auths" entries) as a credential source for
 * plugins that ask for it (OG_CRED_DOCKER_CONFIG, the registry
 * collector).  A file format, not a collector: the CLI offers it to the
 * core's resolver (og_secret_register_source), which knows no format.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "docker-auth.h"
#include "secret.h"
#include "util.h"

#define DOCKER_CONFIG_MAX_BYTES ((size_t)1 << 20)

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
	if (og_read_file(path, DOCKER_CONFIG_MAX_BYTES, &buf, NULL) < 0)
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

/* Docker keeps a registry on its default port under the bare name, and
 * Docker Hub under its legacy index URL. */
char *
og_docker_config_credential(const char *hostport)
{
	size_t n;
	char *v, *bare;

	if (!hostport)
		return docker_config_secret(NULL);
	n = strlen(hostport);
	v = docker_config_secret(hostport);

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
