#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "conf.h"
#include "credential.h"
#include "secret.h"
#include "loader.h"
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

static bool
option_names_host(const struct og_credset *s, const char *key,
		  const char *hostport, bool *ret_set)
{
	size_t n = 0;
	const char **v = NULL;
	bool ok = false;

	if (key)
		n = og_option_values(s->config, s->plugin, s->options, key, &v);
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

/* Whether variable list @list ("A:B") holds @var. */
static bool
list_has(const char *list, const char *var, size_t len)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ":");

		if (n == len && !strncmp(p, var, len))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static bool
same_hosts(const struct og_credential *a, const struct og_credential *b)
{
	const char *const *x = a->hosts, *const *y = b->hosts;
	size_t nx = 0, ny = 0;

	for (; x && x[nx]; nx++) {
		bool found = false;

		for (size_t j = 0; y && y[j] && !found; j++)
			found = !strcasecmp(x[nx], y[j]);
		if (!found)
			return false;
	}
	while (y && y[ny])
		ny++;
	return nx == ny;
}

const char *
og_credential_conflict(const struct og_credential *a, const struct og_credential *b,
		       size_t *ret_len)
{
	const char *lists[] = { a->env, a->user_env };

	for (size_t i = 0; i < 2; i++)
		for (const char *p = lists[i]; p && *p;) {
			size_t n = strcspn(p, ":");

			if (n && (list_has(b->env, p, n) || list_has(b->user_env, p, n)) &&
			    !same_hosts(a, b)) {
				*ret_len = n;
				return p;
			}
			p += n + (p[n] == ':');
		}
	return NULL;
}

/* The hosts one option value names ("https://h:1/x", "h:5000", "h/img"). */
static void
add_value_host(cJSON *to, const char *v)
{
	char *hp = strstr(v, "://") ? og_url_hostport(v) : NULL;
	size_t n = strcspn(v, "/");

	if (hp)
		cJSON_AddItemToArray(to, cJSON_CreateString(hp));
	else if (!strstr(v, "://")) {
		char *name = og_asprintf("%.*s", (int)n, v);

		if (looks_like_host(name, v[n] == '/'))
			cJSON_AddItemToArray(to, cJSON_CreateString(name));
		free(name);
	}
	free(hp);
}

static cJSON *
var_list(const char *list)
{
	cJSON *a = cJSON_CreateArray();

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ":");
		char *v = og_asprintf("%.*s", (int)n, p);

		if (n)
			cJSON_AddItemToArray(a, cJSON_CreateString(v));
		free(v);
		p += n + (p[n] == ':');
	}
	return a;
}

static void
add_option_key(cJSON *o, const char *json_key, const struct og_credset *s,
	       const char *option)
{
	char *k = option ? og_asprintf("collectors.%s.%s", s->plugin, option) : NULL;

	if (k)
		cJSON_AddStringToObject(o, json_key, k);
	else
		cJSON_AddNullToObject(o, json_key);
	free(k);
}

cJSON *
og_credset_describe(const struct og_credset *s)
{
	cJSON *all = cJSON_CreateArray();

	for (const struct og_credential *c = s->creds; c && c->name; c++) {
		cJSON *o = cJSON_CreateObject(), *to;
		const char **v = NULL;
		size_t n = c->hosts_option
			? og_option_values(s->config, s->plugin, s->options,
					   c->hosts_option, &v) : 0;

		cJSON_AddStringToObject(o, "name", c->name);
		cJSON_AddItemToObject(o, "env", var_list(c->env));
		cJSON_AddItemToObject(o, "user_env", var_list(c->user_env));
		add_option_key(o, "file_option", s, c->file_option);
		og_secret_describe_sources(o, c->flags);
		cJSON_AddStringToObject(o, "header", c->header && *c->header
					? c->header : "Authorization");
		cJSON_AddStringToObject(o, "scheme", c->scheme ? c->scheme : "Bearer");
		to = cJSON_AddArrayToObject(o, "hosts");
		for (const char *const *h = c->hosts; h && *h; h++)
			cJSON_AddItemToArray(to, cJSON_CreateString(*h));
		add_option_key(o, "hosts_option", s, c->hosts_option);
		add_option_key(o, "insecure_option", s, c->insecure_option);
		/* where it goes in this run: the option's hosts when set */
		to = cJSON_AddArrayToObject(o, "goes_to");
		for (size_t i = 0; i < n; i++)
			add_value_host(to, v[i]);
		for (const char *const *h = c->hosts; !n && h && *h; h++)
			cJSON_AddItemToArray(to, cJSON_CreateString(*h));
		free(v);
		cJSON_AddItemToArray(all, o);
	}
	return all;
}

cJSON *
og_plugin_credentials_json(const struct og_plugin_entry *e, const cJSON *config)
{
	struct og_credset s = { .plugin = e->desc.name, .creds = e->credentials,
				.options = e->options, .config = config };

	return og_credset_describe(&s);
}
