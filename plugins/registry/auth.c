/*
 * WWW-Authenticate challenges, Link pagination and token responses
 * (distribution docs/spec/auth/token.md, RFC 7235, RFC 8288).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ogjs.h"
#include "reg.h"

void
reg_challenge_clear(struct reg_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

/* Read a token or a quoted-string at *p into a new string. */
static char *
param_value(const char **p)
{
	const char *s = *p;
	char *out, *o;

	if (*s != '"') {
		size_t n = strcspn(s, ", \t");

		*p = s + n;
		return reg_strndup(s, n);
	}
	s++;
	out = o = reg_xmalloc(strlen(s) + 1);
	while (*s && *s != '"') {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	if (*s != '"') {
		free(out);
		return NULL;
	}
	*p = s + 1;
	return out;
}

int
reg_challenge_parse(const char *value, struct reg_challenge *ret)
{
	struct reg_challenge c = { 0 };
	const char *p = value;
	size_t n;

	if (!p)
		return -EINVAL;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t,");
	if (n == 0)
		return -EINVAL;
	if (n == 6 && strncasecmp(p, "bearer", 6) == 0)
		c.scheme = REG_AUTH_BEARER;
	else if (n == 5 && strncasecmp(p, "basic", 5) == 0)
		c.scheme = REG_AUTH_BASIC;
	else
		c.scheme = REG_AUTH_OTHER;
	p += n;
	for (;;) {
		const char *key;
		size_t klen;
		char *v;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		key = p;
		klen = strcspn(p, "= \t,");
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=') {
			/* a second challenge ("Basic realm=…, Bearer …"):
			 * the first one is the one we answer */
			break;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		v = param_value(&p);
		if (!v) {
			reg_challenge_clear(&c);
			return -EINVAL;
		}
		if (klen == 5 && strncasecmp(key, "realm", 5) == 0) {
			free(c.realm);
			c.realm = v;
		} else if (klen == 7 && strncasecmp(key, "service", 7) == 0) {
			free(c.service);
			c.service = v;
		} else if (klen == 5 && strncasecmp(key, "scope", 5) == 0) {
			free(c.scope);
			c.scope = v;
		} else {
			free(v);
		}
	}
	if (c.scheme == REG_AUTH_BEARER &&
	    (!c.realm || (strncmp(c.realm, "https://", 8) != 0 &&
			  strncmp(c.realm, "http://", 7) != 0))) {
		reg_challenge_clear(&c);
		return -EINVAL;
	}
	*ret = c;
	return 0;
}

/* "scheme://host[:port]" prefix length of @url, 0 when not http(s). */
static size_t
origin_len(const char *url)
{
	const char *p;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return 0;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* Does the parameter list [p, end) carry rel="… next …"? */
static bool
rel_is_next(const char *p, const char *end)
{
	char *params = reg_strndup(p, (size_t)(end - p)), *r, *save = NULL;
	bool next = false;

	r = strstr(params, "rel=");
	if (r)
		for (char *t = strtok_r(r + 4, " \";,", &save); t && !next;
		     t = strtok_r(NULL, " \";,", &save))
			next = strcasecmp(t, "next") == 0;
	free(params);
	return next;
}

static char *
resolve_url(const char *u, size_t ulen, const char *base_url)
{
	size_t ol;

	if (origin_len(u) > 0)
		return reg_strndup(u, ulen);
	ol = origin_len(base_url);
	if (ol == 0 || ulen == 0)
		return NULL;
	if (u[0] == '/')
		return reg_asprintf("%.*s%.*s", (int)ol, base_url, (int)ulen, u);
	if (u[0] == '?')
		return reg_asprintf("%.*s%.*s", (int)strcspn(base_url, "?#"),
				    base_url, (int)ulen, u);
	return NULL;
}

char *
reg_link_next(const char *link, const char *base_url)
{
	const char *p = link;

	while (p && (p = strchr(p, '<'))) {
		const char *gt = strchr(p, '>'), *end;

		if (!gt)
			return NULL;
		end = strchr(gt, '<');
		if (!end)
			end = gt + strlen(gt);
		if (rel_is_next(gt + 1, end))
			return resolve_url(p + 1, (size_t)(gt - p - 1), base_url);
		p = end;
	}
	return NULL;
}

int
reg_token_parse(const char *body, size_t len, char **ret_token,
		long *ret_expires_in)
{
	cJSON *doc, *t, *e;
	int r = -EINVAL;

	if (len > REG_TOKEN_MAX * 4)
		return -EFBIG;
	doc = ogjs_parse_text(body, len, NULL, NULL);
	if (!cJSON_IsObject(doc))
		goto out;
	t = cJSON_GetObjectItemCaseSensitive(doc, "token");
	if (!cJSON_IsString(t) || !*t->valuestring)
		t = cJSON_GetObjectItemCaseSensitive(doc, "access_token");
	if (!cJSON_IsString(t) || !*t->valuestring)
		goto out;
	if (strlen(t->valuestring) > REG_TOKEN_MAX) {
		r = -EFBIG;
		goto out;
	}
	/* a token goes into a header: refuse anything that could split it */
	for (const char *c = t->valuestring; *c; c++)
		if ((unsigned char)*c < 0x21 || *c == 0x7f)
			goto out;
	e = cJSON_GetObjectItemCaseSensitive(doc, "expires_in");
	*ret_expires_in = cJSON_IsNumber(e) && e->valuedouble >= 1 &&
				  e->valuedouble < 86400 * 366
			  ? (long)e->valuedouble
			  : 60;
	*ret_token = reg_strdup(t->valuestring);
	r = 0;
out:
	cJSON_Delete(doc);
	return r;
}
