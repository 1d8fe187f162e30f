/*
 * Registry HTTP on top of the host's http_batch: Accept headers, the 401
 * challenge dance (Basic via the host-held "registry:HOST" credential,
 * Bearer tokens from the realm) and a hard bound of one retry per call,
 * so a registry that answers 401 forever ends in a clear error.
 *
 * Tokens live only in this process's memory: they are never logged and
 * are wiped when dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reg.h"

#define REG_TOKENS_MAX	64

struct reg_token {
	char *host;
	char *scope;
	char *value;		/* "Authorization: Bearer …" header line */
	int64_t expires;
};

struct reg_hostauth {
	char *host;
	struct reg_challenge ch;	/* from the /v2/ ping or a 401 */
	bool have_ch;
	bool basic;			/* send the host-held credential */
};

struct reg_client {
	struct og_ctx *ctx;
	const struct og_host *host;
	struct reg_token tokens[REG_TOKENS_MAX];
	size_t n_tokens;
	struct reg_hostauth *hosts;
	size_t n_hosts;
};

static void
wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void
token_clear(struct reg_token *t)
{
	free(t->host);
	free(t->scope);
	wipe_free(t->value);
	memset(t, 0, sizeof(*t));
}

struct reg_client *
reg_client_new(struct og_ctx *ctx, const struct og_host *host)
{
	struct reg_client *c = reg_xcalloc(1, sizeof(*c));

	c->ctx = ctx;
	c->host = host;
	return c;
}

void
reg_client_free(struct reg_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_tokens; i++)
		token_clear(&c->tokens[i]);
	for (size_t i = 0; i < c->n_hosts; i++) {
		free(c->hosts[i].host);
		reg_challenge_clear(&c->hosts[i].ch);
	}
	free(c->hosts);
	free(c);
}

void
reg_call_clear(struct reg_client *c, struct reg_call *call)
{
	if (call->resp)
		c->host->http_free(c->ctx, call->resp);
	free(call->url);
	free(call->scope);
	free(call->err);
	memset(call, 0, sizeof(*call));
}

static struct reg_hostauth *
hostauth(struct reg_client *c, const char *host)
{
	for (size_t i = 0; i < c->n_hosts; i++)
		if (strcmp(c->hosts[i].host, host) == 0)
			return &c->hosts[i];
	c->hosts = reg_xrealloc_array(c->hosts, c->n_hosts + 1,
				      sizeof(*c->hosts));
	memset(&c->hosts[c->n_hosts], 0, sizeof(c->hosts[0]));
	c->hosts[c->n_hosts].host = reg_strdup(host);
	return &c->hosts[c->n_hosts++];
}

static int64_t
now(struct reg_client *c)
{
	return OG_HOST_HAS(c->host, now) ? c->host->now(c->ctx) : 0;
}

static struct reg_token *
token_find(struct reg_client *c, const char *host, const char *scope)
{
	for (size_t i = 0; i < c->n_tokens; i++)
		if (strcmp(c->tokens[i].host, host) == 0 &&
		    strcmp(c->tokens[i].scope, scope ? scope : "") == 0)
			return &c->tokens[i];
	return NULL;
}

static struct reg_token *
token_slot(struct reg_client *c, const char *host, const char *scope)
{
	struct reg_token *t = token_find(c, host, scope);

	if (t)
		return t;
	if (c->n_tokens == REG_TOKENS_MAX) {
		/* drop the oldest; it will be fetched again if needed */
		token_clear(&c->tokens[0]);
		memmove(&c->tokens[0], &c->tokens[1],
			sizeof(c->tokens[0]) * (REG_TOKENS_MAX - 1));
		c->n_tokens--;
		memset(&c->tokens[c->n_tokens], 0, sizeof(c->tokens[0]));
	}
	t = &c->tokens[c->n_tokens++];
	t->host = reg_strdup(host);
	t->scope = reg_strdup(scope ? scope : "");
	return t;
}

/* One credential for every registry: the host attaches the value that
 * belongs to the request's host (plugin.h, og_credential). */
static char *
auth_name(const char *host)
{
	(void)host;
	return reg_strdup("secret:" REG_CREDENTIAL);
}

static bool
have_secret(struct reg_client *c, const char *host)
{
	(void)host;
	return OG_HOST_HAS(c->host, secret_available) &&
	       c->host->secret_available(c->ctx, REG_CREDENTIAL);
}

/* "host[:port]" of an http(s) URL, new string, or NULL. */
static char *
url_hostport(const char *url)
{
	const char *p;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return NULL;
	return reg_strndup(p, strcspn(p, "/?#"));
}

/* Our own Authorization header only ever goes to the registry itself. */
static bool
same_host(const char *url, const char *host)
{
	char *h = url_hostport(url);
	bool r = h && strcmp(h, host) == 0;

	free(h);
	return r;
}

/* Add "&scope=…" for each space-separated scope. */
static char *
append_scopes(char *url, const char *scope)
{
	while (scope && *scope) {
		size_t n = strcspn(scope, " ");

		if (n > 0) {
			char *one = reg_strndup(scope, n), *esc, *u;

			esc = reg_url_escape(one);
			u = reg_asprintf("%s&scope=%s", url, esc);
			free(one);
			free(esc);
			free(url);
			url = u;
		}
		scope += n;
		while (*scope == ' ')
			scope++;
	}
	return url;
}

/*
 * Fetch a Bearer token for (@host, @scope) from the challenge's realm.
 * On failure *ret_err explains it (never containing the token).
 */
static int
token_fetch(struct reg_client *c, const char *host, const struct reg_challenge *ch,
	    const char *scope, char **ret_err)
{
	struct og_http_request req = { .struct_size = sizeof(req) };
	const struct og_http_request *reqs[1] = { &req };
	struct og_http_response *resp = NULL;
	const char *headers[] = { "Accept: application/json", NULL };
	char *url, *name = NULL, *token = NULL, *rhost;
	struct reg_token *t;
	long expires = 60;
	int r;

	url = reg_asprintf("%s%cservice=", ch->realm,
			   strchr(ch->realm, '?') ? '&' : '?');
	{
		char *esc = reg_url_escape(ch->service ? ch->service : host);
		char *u = reg_asprintf("%s%s", url, esc);

		free(esc);
		free(url);
		url = u;
	}
	url = append_scopes(url, scope);
	req.url = url;
	req.headers = headers;
	req.no_cache = true;
	req.follow_redirects = true;
	if (have_secret(c, host)) {
		/* credentials never travel in clear text to a third host */
		rhost = url_hostport(ch->realm);
		if (strncmp(ch->realm, "https://", 8) == 0 ||
		    (rhost && (reg_host_is_loopback(rhost) ||
			       strcmp(rhost, host) == 0))) {
			name = auth_name(host);
			req.auth = name;
		} else {
			c->host->log(c->ctx, OG_LOG_WARN,
				     "%s: token realm %s is plain HTTP on another "
				     "host; asking for an anonymous token",
				     host, ch->realm);
		}
		free(rhost);
	}
	r = c->host->http_batch(c->ctx, reqs, 1, &resp);
	if (r < 0 || !resp) {
		*ret_err = reg_asprintf("token request to %s could not start",
					ch->realm);
		r = r < 0 ? r : -EIO;
		goto out;
	}
	if (resp->status == 0) {
		*ret_err = reg_asprintf("token endpoint %s: %s", ch->realm,
					resp->error ? resp->error
						    : "no answer");
		r = -EIO;
	} else if (resp->status == 401 || resp->status == 403) {
		*ret_err = reg_asprintf("token endpoint %s refused %s (HTTP %ld)",
					ch->realm,
					req.auth ? "the configured credentials"
						 : "anonymous access",
					resp->status);
		r = -EACCES;
	} else if (resp->status != 200) {
		*ret_err = reg_asprintf("token endpoint %s answered HTTP %ld",
					ch->realm, resp->status);
		r = -EIO;
	} else if ((r = reg_token_parse(resp->body, resp->body_len, &token,
					&expires)) < 0) {
		*ret_err = reg_asprintf("token endpoint %s: answer has no usable "
					"\"token\" or \"access_token\"",
					ch->realm);
	}
	if (r < 0) {
		/* remember the failure so the next call does not hammer it */
		t = token_slot(c, host, scope);
		wipe_free(t->value);
		t->value = NULL;
		t->expires = now(c) + 60;
		goto out;
	}
	t = token_slot(c, host, scope);
	wipe_free(t->value);
	t->value = reg_asprintf("Authorization: Bearer %s", token);
	t->expires = now(c) + expires;
out:
	wipe_free(token);
	if (resp)
		c->host->http_free(c->ctx, resp);
	free(url);
	free(name);
	return r;
}

void
reg_client_note_challenge(struct reg_client *c, const char *host,
			  const struct og_http_response *r)
{
	struct reg_hostauth *ha;
	struct reg_challenge ch;

	if (!r || r->status != 401 ||
	    reg_challenge_parse(reg_header(r, "www-authenticate"), &ch) < 0)
		return;
	ha = hostauth(c, host);
	reg_challenge_clear(&ha->ch);
	ha->ch = ch;
	ha->have_ch = true;
	if (ch.scheme == REG_AUTH_BASIC && have_secret(c, host))
		ha->basic = true;
}

/* Token still usable (a few seconds of slack for the round trip)? */
static const char *
token_header(struct reg_client *c, const struct reg_call *call)
{
	struct reg_token *t = token_find(c, call->host, call->scope);

	if (!t || !t->value || (t->expires && t->expires - 5 < now(c)))
		return NULL;
	return t->value;
}

/*
 * Decide what to do about a 401 on @call.  Returns true when the call
 * should be retried; otherwise call->err explains the refusal.
 */
static bool
handle_401(struct reg_client *c, struct reg_call *call, bool retried)
{
	struct reg_challenge ch = { 0 };
	struct reg_hostauth *ha;
	const char *scope;
	char *err = NULL;
	bool retry = false;

	if (retried) {
		call->err = reg_asprintf("%s: access denied (HTTP 401 again after "
					 "authenticating)", call->host);
		return false;
	}
	if (reg_challenge_parse(reg_header(call->resp, "www-authenticate"),
				&ch) < 0) {
		call->err = reg_asprintf("%s: HTTP 401 without a usable "
					 "WWW-Authenticate challenge", call->host);
		return false;
	}
	ha = hostauth(c, call->host);
	switch (ch.scheme) {
	case REG_AUTH_BASIC:
		if (!have_secret(c, call->host)) {
			call->err = reg_asprintf(
				"%s: registry asks for a user name and password "
				"and none is configured (OPSGRADE_REGISTRY_USER/"
				"OPSGRADE_REGISTRY_PASSWORD or ~/.docker/config.json "
				"auths; credential helpers are not supported)",
				call->host);
			break;
		}
		ha->basic = true;
		retry = true;
		break;
	case REG_AUTH_BEARER:
		scope = ch.scope ? ch.scope : call->scope;
		if (token_fetch(c, call->host, &ch, scope, &err) < 0) {
			call->err = reg_asprintf("%s: %s", call->host, err);
			break;
		}
		/* the registry may name a wider scope: remember it for us */
		if (ch.scope && (!call->scope || strcmp(ch.scope, call->scope))) {
			free(call->scope);
			call->scope = reg_strdup(ch.scope);
		}
		retry = true;
		break;
	default:
		call->err = reg_asprintf("%s: unsupported authentication scheme "
					 "in WWW-Authenticate", call->host);
		break;
	}
	if (retry) {
		reg_challenge_clear(&ha->ch);
		ha->ch = ch;
		ha->have_ch = true;
		memset(&ch, 0, sizeof(ch));
	}
	reg_challenge_clear(&ch);
	free(err);
	return retry;
}

/* Send the calls flagged in @todo as one batch. */
static int
send_batch(struct reg_client *c, struct reg_call *calls, size_t n,
	   const bool *todo)
{
	struct og_http_request *reqs = reg_xcalloc(n, sizeof(*reqs));
	const struct og_http_request **ptrs = reg_xcalloc(n, sizeof(*ptrs));
	struct og_http_response **resps = reg_xcalloc(n, sizeof(*resps));
	const char *(*hdrs)[3] = reg_xcalloc(n, sizeof(*hdrs));
	char **names = reg_xcalloc(n, sizeof(*names));
	size_t k = 0, i, *idx = reg_xcalloc(n, sizeof(*idx));
	int r = 0;

	for (i = 0; i < n; i++) {
		struct reg_call *call = &calls[i];
		struct og_http_request *q = &reqs[k];
		struct reg_hostauth *ha;
		size_t h = 0;

		if (!todo[i])
			continue;
		if (call->resp) {
			c->host->http_free(c->ctx, call->resp);
			call->resp = NULL;
		}
		q->struct_size = sizeof(*q);
		q->method = call->method;
		q->url = call->url;
		q->follow_redirects = call->follow;
		if (call->accept)
			hdrs[k][h++] = call->accept;
		ha = hostauth(c, call->host);
		if (same_host(call->url, call->host)) {
			const char *tok;

			/* a Bearer challenge from the ping: get the token first */
			struct reg_token *t = token_find(c, call->host,
							 call->scope);

			if (ha->have_ch && ha->ch.scheme == REG_AUTH_BEARER &&
			    (!t || t->expires - 5 < now(c))) {
				char *err = NULL;

				if (token_fetch(c, call->host, &ha->ch, call->scope,
						&err) < 0) {
					c->host->log(c->ctx, OG_LOG_DEBUG, "%s", err);
					free(err);
				}
			}
			tok = token_header(c, call);
			if (tok)
				hdrs[k][h++] = tok;
			else if (ha->basic)
				q->auth = names[k] = auth_name(call->host);
		}
		hdrs[k][h] = NULL;
		q->headers = hdrs[k];
		/* registry answers change with pushes; ETags revalidate */
		q->no_cache = false;
		ptrs[k] = q;
		idx[k++] = i;
	}
	if (k > 0) {
		r = c->host->http_batch(c->ctx, ptrs, k, resps);
		for (i = 0; i < k; i++)
			calls[idx[i]].resp = r < 0 ? NULL : resps[i];
	}
	for (i = 0; i < k; i++)
		free(names[i]);
	free(names);
	free(hdrs);
	free(resps);
	free(ptrs);
	free(reqs);
	free(idx);
	return r;
}

int
reg_client_run(struct reg_client *c, struct reg_call *calls, size_t n)
{
	bool *todo = reg_xcalloc(n, sizeof(*todo));
	bool any;
	int r;

	for (size_t i = 0; i < n; i++)
		todo[i] = true;
	r = send_batch(c, calls, n, todo);
	if (r < 0)
		goto out;
	any = false;
	for (size_t i = 0; i < n; i++) {
		todo[i] = calls[i].resp && calls[i].resp->status == 401 &&
			  handle_401(c, &calls[i], false);
		any |= todo[i];
	}
	if (!any)
		goto out;
	r = send_batch(c, calls, n, todo);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (todo[i] && calls[i].resp && calls[i].resp->status == 401)
			handle_401(c, &calls[i], true);
out:
	free(todo);
	return r;
}
