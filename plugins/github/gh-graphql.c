/*
 * Repository settings for a batch of repositories in one GraphQL query
 * (POST /graphql, through the host's broker like every request; the
 * token is attached there).  REST needs two requests a repository for
 * what this asks: the vulnerability-alerts switch (204/404, no ETag:
 * charged on every run) and the environments.  GraphQL has no
 * conditional form, so one query serves GH_GQL_BATCH repositories, each
 * under its own aliases:
 *
 *   rN: repository(owner, name) { viewerCanAdminister
 *         environments(first: 50) { totalCount nodes { name
 *           protectionRules(first: 5) { nodes { type } } } } }
 *   vN: repository(owner, name) { hasVulnerabilityAlertsEnabled }
 *
 * hasVulnerabilityAlertsEnabled is non-null and needs admin rights: a
 * token without them gets a FORBIDDEN error and, by GraphQL's rules, a
 * null repository, so it has an alias of its own and takes nothing else
 * down with it.  GitHub answers errors with HTTP 200 and an "errors"
 * list, next to whatever data it could give; an error with a path names
 * the alias it cost, one without a path (or no "data") the whole query.
 * A query that failed as a whole (no GraphQL on this server, a 401, a
 * GraphQL rate limit, a schema without a field) is not an answer: the
 * repositories ask REST instead (gh_repo_settings_rest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gh.h"

static void
buf_add(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *nb = realloc(*buf, *len + n + 1);

	if (!nb)
		abort();
	memcpy(nb + *len, s, n + 1);
	*buf = nb;
	*len += n;
}

char *
gh_graphql_url(const char *api)
{
	size_t n = strlen(api);

	/* GHES: https://HOST/api/v3 for REST, https://HOST/api/graphql */
	if (n >= 7 && !strcmp(api + n - 7, "/api/v3"))
		return gh_xasprintf("%.*s/api/graphql", (int)(n - 7), api);
	return gh_xasprintf("%s/graphql", api);
}

void
gh_gql_init(struct gh_gql *q, struct gh *g, const char *const *full_names,
	    size_t n)
{
	char *query = NULL, *part, *body, *url = gh_graphql_url(g->api);
	size_t len = 0;
	cJSON *o;

	memset(q, 0, sizeof(*q));
	q->n = n;
	buf_add(&query, &len, "query { rateLimit { cost remaining }");
	for (size_t i = 0; i < n; i++) {
		const char *slash = strchr(full_names[i], '/');

		/* names were checked (valid_name: [A-Za-z0-9._-]), so they
		 * need no escaping inside the string literals */
		part = gh_xasprintf(
			" r%zu: repository(owner: \"%.*s\", name: \"%s\") {"
			" viewerCanAdminister environments(first: %d) {"
			" totalCount nodes { name protectionRules(first: 5) {"
			" nodes { type } } } } }"
			" v%zu: repository(owner: \"%.*s\", name: \"%s\") {"
			" hasVulnerabilityAlertsEnabled }",
			i, (int)(slash - full_names[i]), full_names[i], slash + 1,
			GH_GQL_ENVS, i, (int)(slash - full_names[i]),
			full_names[i], slash + 1);
		buf_add(&query, &len, part);
		free(part);
	}
	buf_add(&query, &len, " }");
	o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "query", query) ||
	    !(body = cJSON_PrintUnformatted(o)))
		abort();
	cJSON_Delete(o);
	free(query);

	gh_list_init(&q->list, "", "/graphql");
	free(q->list.next_url);
	q->list.next_url = url;
	q->list.method = "POST";
	q->list.body = body;
}

void
gh_gql_clear(struct gh_gql *q)
{
	gh_list_clear(&q->list);
	free(q->why);
	memset(q, 0, sizeof(*q));
}

/* The message of the first error (whose path starts with @alias when
 * @alias is set), with its type; NULL when there is none. */
static char *
error_for(const cJSON *errors, const char *alias)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, errors) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path");
		const cJSON *p0 = cJSON_GetArrayItem(path, 0);
		const char *msg = gh_str(e, "message"), *type = gh_str(e, "type");

		if (alias && (!cJSON_IsString(p0) || strcmp(p0->valuestring, alias)))
			continue;
		return gh_xasprintf("%s%s%s%s", msg ? msg : "an error without a message",
				    type ? " (" : "", type ? type : "",
				    type ? ")" : "");
	}
	return NULL;
}

bool
gh_gql_settle(struct gh_gql *q)
{
	const struct gh_list *l = &q->list;
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(l->object, "data");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(l->object, "errors");
	const cJSON *e, *whole = NULL;

	if (!gh_list_ok(l) || !l->object) {
		q->why = gh_list_reason(l, NULL);
		return false;
	}
	/* an error with no path is about the query, not one field */
	cJSON_ArrayForEach(e, errors)
		if (!whole && !cJSON_GetObjectItemCaseSensitive(e, "path"))
			whole = e;
	if (!cJSON_IsObject(data) || whole) {
		const char *m = gh_str(whole ? whole : cJSON_GetArrayItem(errors, 0),
				       "message");

		q->why = gh_xasprintf("not measured: POST /graphql answered "
				      "with errors: %s", m ? m : "no data");
		return false;
	}
	q->ok = true;
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(data, "rateLimit"), "cost");

		if (cJSON_IsNumber(c) && c->valuedouble >= 0)
			q->cost = c->valuedouble;
	}
	return true;
}

const cJSON *
gh_gql_node(const struct gh_gql *q, char kind, size_t i, char **ret_why)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(q->list.object,
							    "data");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(q->list.object,
							      "errors");
	const cJSON *node;
	char alias[32], *e;

	*ret_why = NULL;
	if (!q->ok)
		return NULL;
	snprintf(alias, sizeof(alias), "%c%zu", kind, i);
	node = cJSON_GetObjectItemCaseSensitive(data, alias);
	e = error_for(errors, alias);
	if (!cJSON_IsObject(node)) {
		*ret_why = gh_xasprintf("not measured: GraphQL: %s",
					e ? e : "no answer for this repository");
		free(e);
		return NULL;
	}
	/* a field that failed is null beside the others */
	if (e)
		*ret_why = gh_xasprintf("not measured: GraphQL: %s", e);
	free(e);
	return node;
}
