#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "conf.h"
#include "credential.h"
#include "util.h"

const struct og_credential *
og_credset_find(const struct og_credset *s, const char *auth)
{
	if (!s || !auth || strncmp(auth, "secret:", 7) != 0)
		return NULL;
	for (const struct og_credential *c = s->creds; c && c->name; c++)
		if (!strcmp(c->name, auth + 7))
			return c;
	return NULL;
}

char *
og_url_hostport(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *out = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		out = og_asprintf("%s:%s", host, port);
		for (char *c = out; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

bool
og_host_is_loopback(const char *hostport)
{
	return strncmp(hostport, "127.", 4) == 0 ||
	       strncmp(hostport, "[::1]:", 6) == 0 ||
	       strncasecmp(hostport, "localhost:", 10) == 0;
}

/* "host.example:5000", "localhost", "[::1]:5000", "10.0.0.1": a host
 * with an optional numeric port.  "nginx:1.25" is a name and a tag, not
 * a host; before a "/" (@in_path), a port alone also makes it a host,
 * as OCI image references are read. */
static bool
looks_like_host(const char *s, bool in_path)
{
	const char *colon = strrchr(s, ':');
	size_t hlen = strlen(s);

	if (s[0] == '[')
		return strchr(s, ']') != NULL;
	if (colon) {
		if (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
			return false;
		if (in_path)
			return true;
		hlen = (size_t)(colon - s);
	}
	return memchr(s, '.', hlen) || (hlen == 9 && !strncasecmp(s, "localhost", 9));
}

/* Whether the host named by one option value — a URL, "host[:port]" or
 * a reference whose first "/"-separated part is a host — is @hostport.
 * A name without a port matches the host on any port. */
static bool
value_names_host(const char *v, const char *hostport)
{
	char *name;
	size_t n;
	bool ok;

	if (strstr(v, "://")) {
		char *hp = og_url_hostport(v);

		ok = hp && strcmp(hp, hostport) == 0;
		free(hp);
		return ok;
	}
	n = strcspn(v, "/");
	name = og_asprintf("%.*s", (int)n, v);
	if (!looks_like_host(name, v[n] == '/')) {
		free(name);
		return false;
	}
	n = strlen(name);
	ok = strcasecmp(hostport, name) == 0 ||
	     (strncasecmp(hostport, name, n) == 0 && hostport[n] == ':' &&
	      !strchr(name + (name[0] == '[' ? strcspn(name, "]") : 0), ':'));
	free(name);
	return ok;
}

/* The user's value(s) of the plugin's option @key, or of the setting it
 * consumes from another collector (og_option.from); a new array of
 * borrowed strings, NULL when unset. */
static const char **
option_values(const struct og_credset *s, const char *key, size_t *ret_n)
{
	char *path = og_asprintf("collectors.%s.%s", s->plugin, key);
	const char **v = NULL;

	*ret_n = og_config_strv(s->config, path, &v);
	free(path);
	for (const struct og_option *o = s->options; !*ret_n && o && o->key; o++)
		if (!strcmp(o->key, key) && o->from && *o->from) {
			path = og_asprintf("collectors.%s", o->from);
			free(v);
			v = NULL;
			*ret_n = og_config_strv(s->config, path, &v);
			free(path);
		}
	return v;
}

static bool
option_names_host(const struct og_credset *s, const char *key,
		  const char *hostport, bool *ret_set)
{
	size_t n = 0;
	const char **v = key ? option_values(s, key, &n) : NULL;
	bool ok = false;

	for (size_t i = 0; i < n && !ok; i++)
		ok = value_names_host(v[i], hostport);
	free(v);
	*ret_set = n > 0;
	return ok;
}

bool
og_credential_host_ok(const struct og_credset *s, const struct og_credential *c,
		      const char *hostport)
{
	bool set = false, ok;

	ok = option_names_host(s, c->hosts_option, hostport, &set);
	if (set)
		return ok;
	for (const char *const *h = c->hosts; h && *h; h++)
		if (value_names_host(*h, hostport))
			return true;
	return false;
}

bool
og_credential_plain_ok(const struct og_credset *s, const struct og_credential *c,
		       const char *hostport)
{
	bool set;

	return og_host_is_loopback(hostport) ||
	       option_names_host(s, c->insecure_option, hostport, &set);
}
