/*
 * Image references, normalised the way the Docker CLI does it, and the
 * transport decision (plain HTTP only for loopback and named hosts).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "reg.h"

#define REG_REF_MAX 1024

bool
reg_tag_valid(const char *tag)
{
	size_t i, n = strlen(tag);

	if (n == 0 || n > 128)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tag[i];

		if (!(isalnum(c) || c == '_' || (i > 0 && (c == '.' || c == '-'))))
			return false;
	}
	return true;
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* for each '/'-separated component */
bool
reg_repo_valid(const char *repo)
{
	const char *p = repo;

	if (!*p || strlen(p) > 255)
		return false;
	for (;;) {
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return false;
		while (islower((unsigned char)*p) || isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return true;
		if (*p == '/') {
			p++;
			continue;
		}
		if (*p == '.') {
			p++;
		} else if (*p == '_') {
			p += p[1] == '_' ? 2 : 1;
		} else if (*p == '-') {
			while (*p == '-')
				p++;
		} else {
			return false;
		}
	}
}

static bool
looks_like_registry(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) ||
	       (n == 9 && memcmp(s, "localhost", 9) == 0) || memchr(s, '[', n);
}

void
reg_ref_clear(struct reg_ref *r)
{
	free(r->registry);
	free(r->api_host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

int
reg_ref_parse(const char *s, struct reg_ref *ret, const char **ret_err)
{
	struct reg_ref r = { 0 };
	const char *at, *slash, *name, *colon, *end;
	const char *err = NULL;
	size_t n;

	if (!s || !*s || strlen(s) > REG_REF_MAX) {
		err = "empty or over-long image reference";
		goto fail;
	}
	end = s + strlen(s);
	at = strrchr(s, '@');
	if (at) {
		if (!reg_digest_valid(at + 1)) {
			err = "digest must be sha256:<64 lowercase hex>";
			goto fail;
		}
		r.digest = reg_strdup(at + 1);
		end = at;
	}
	slash = memchr(s, '/', (size_t)(end - s));
	if (slash && looks_like_registry(s, (size_t)(slash - s))) {
		r.registry = reg_strndup(s, (size_t)(slash - s));
		name = slash + 1;
	} else {
		r.registry = reg_strdup("docker.io");
		name = s;
	}
	/* a tag is a ':' after the last '/' */
	colon = NULL;
	for (const char *p = end; p > name; p--)
		if (p[-1] == '/')
			break;
		else if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	if (colon) {
		r.tag = reg_strndup(colon + 1, (size_t)(end - colon - 1));
		if (!reg_tag_valid(r.tag)) {
			err = "invalid tag";
			goto fail;
		}
		end = colon;
	}
	n = (size_t)(end - name);
	if (strcmp(r.registry, "docker.io") == 0 ||
	    strcmp(r.registry, "index.docker.io") == 0) {
		free(r.registry);
		r.registry = reg_strdup("docker.io");
		r.api_host = reg_strdup("registry-1.docker.io");
		if (!memchr(name, '/', n))
			r.repo = reg_asprintf("library/%.*s", (int)n, name);
	} else {
		r.api_host = reg_strdup(r.registry);
	}
	if (!r.repo)
		r.repo = reg_strndup(name, n);
	if (!reg_repo_valid(r.repo)) {
		err = "repository name must be lowercase [a-z0-9] components "
		      "separated by '/', '.', '_' or '-'";
		goto fail;
	}
	*ret = r;
	return 0;
fail:
	reg_ref_clear(&r);
	if (ret_err)
		*ret_err = err;
	return -EINVAL;
}

char *
reg_host_name(const char *hostport)
{
	const char *c;

	if (hostport[0] == '[') {
		c = strchr(hostport, ']');
		return c ? reg_strndup(hostport + 1, (size_t)(c - hostport - 1))
			 : reg_strdup(hostport);
	}
	c = strchr(hostport, ':');
	return c ? reg_strndup(hostport, (size_t)(c - hostport))
		 : reg_strdup(hostport);
}

bool
reg_host_is_loopback(const char *hostport)
{
	char *h = reg_host_name(hostport);
	bool r = strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0 ||
		 strcmp(h, "127.0.0.1") == 0;

	free(h);
	return r;
}

const char *
reg_scheme(const char *hostport, const struct reg_strv *insecure)
{
	bool plain;

	if (reg_host_is_loopback(hostport))
		return "http";
	if (!insecure)
		return "https";
	plain = reg_host_listed(hostport, insecure);
	return plain ? "http" : "https";
}

bool
reg_host_listed(const char *hostport, const struct reg_strv *list)
{
	char *h;
	bool hit;

	if (!list)
		return false;
	h = reg_host_name(hostport);
	hit = reg_strv_contains(list, hostport) || reg_strv_contains(list, h);
	free(h);
	return hit;
}

bool
reg_tag_is_artifact(const char *tag)
{
	size_t i;

	if (strncmp(tag, "sha256-", 7) != 0)
		return false;
	for (i = 7; i < 71; i++)
		if (!isxdigit((unsigned char)tag[i]))
			return false;
	tag += 71;
	return !*tag || strcmp(tag, ".sig") == 0 || strcmp(tag, ".att") == 0 ||
	       strcmp(tag, ".sbom") == 0;
}
