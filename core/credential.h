/*
 * Where and how a plugin's declared credential (struct og_credential)
 * may be sent — the rules of include/opsgrade/plugin.h, in one place for
 * the HTTP client that attaches credentials.  Knows no plugin and no
 * service: hosts come from the declaration and the user's config.
 */
#ifndef OG_CREDENTIAL_H
#define OG_CREDENTIAL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

/* The credentials of one plugin, with what is needed to read the
 * options that name their hosts (borrowed). */
struct og_credset {
	const char *plugin;
	const struct og_credential *creds;	/* terminated by name == NULL */
	const struct og_option *options;	/* for og_option.from */
	const cJSON *config;
};

/* The declared credential an og_http_request.auth value names
 * ("secret:NAME"), or NULL: unknown or not of this form. */
const struct og_credential *og_credset_find(const struct og_credset *s,
					    const char *auth);

/* Whether @c may go to @hostport ("host:port", lowercase). */
bool og_credential_host_ok(const struct og_credset *s,
			   const struct og_credential *c, const char *hostport);

/* Whether @c may go over plain HTTP to @hostport: loopback, or named in
 * its insecure option. */
bool og_credential_plain_ok(const struct og_credset *s,
			    const struct og_credential *c, const char *hostport);

/* The variable (of @a's env/user_env, @ret_len bytes) that @b takes too
 * while declaring other hosts, or NULL: one variable's secret may go to
 * one declared set of hosts only (core/loader.c refuses both plugins). */
const char *og_credential_conflict(const struct og_credential *a,
				   const struct og_credential *b, size_t *ret_len);

/* What @s declares, for an administrator's audit (`opsgrade plugins`,
 * report.json collectors[].credentials): per credential its variables,
 * file option, the credential sources it asks for, header/scheme,
 * declared hosts, the options naming hosts, and the hosts it goes to
 * under this config. */
cJSON *og_credset_describe(const struct og_credset *s);
struct og_plugin_entry;
/* The same for a discovered plugin. */
cJSON *og_plugin_credentials_json(const struct og_plugin_entry *e,
				  const cJSON *config);

/* 127.0.0.0/8, [::1] and localhost. */
bool og_host_is_loopback(const char *hostport);

/* "host:port" (lowercase, default port filled in) of @url, or NULL. */
char *og_url_hostport(const char *url);

#endif /* OG_CREDENTIAL_H */
