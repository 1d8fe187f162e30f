/*
 * Small helpers for the registry plugin.  Plugins do not link
 * libopsgrade, so the few it would offer live here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reg.h"

static void *
oom(void *p)
{
	if (!p) {
		fputs("registry: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *
reg_xmalloc(size_t n)
{
	return oom(malloc(n ? n : 1));
}

void *
reg_xcalloc(size_t n, size_t size)
{
	return oom(calloc(n ? n : 1, size ? size : 1));
}

void *
reg_xrealloc_array(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom(NULL);
	n *= size;
	return oom(realloc(p, n > 0 ? n : 1));
}

char *
reg_strdup(const char *s)
{
	return s ? oom(strdup(s)) : NULL;
}

char *
reg_strndup(const char *s, size_t n)
{
	return oom(strndup(s, n));
}

char *
reg_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom(NULL);
	return s;
}

void
reg_strv_push_take(struct reg_strv *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = reg_xrealloc_array(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
reg_strv_push(struct reg_strv *sv, const char *s)
{
	reg_strv_push_take(sv, reg_strdup(s));
}

bool
reg_strv_contains(const struct reg_strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void
reg_strv_clear(struct reg_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* The host's parser, a little stricter: a time of day must carry its zone
 * ("Z" or "+hh:mm"); image configs always do, and a local time would be a
 * guess. */
int
reg_parse_time(const struct og_host *host, const char *s, int64_t *ret_t)
{
	size_t n = s ? strlen(s) : 0;
	bool zone = n > 10 && (s[n - 1] == 'Z' || s[n - 1] == 'z' ||
			       ((s[n - 6] == '+' || s[n - 6] == '-') &&
				s[n - 3] == ':'));

	if (!OG_HOST_HAS(host, parse_time))
		return -ENOTSUP;
	if (n > 10 && !zone)
		return -EINVAL;
	return host->parse_time(s, ret_t);
}

const char *
reg_header(const struct og_http_response *r, const char *name)
{
	size_t n = strlen(name), i;

	if (!r || !r->headers)
		return NULL;
	for (i = 0; r->headers[i]; i++) {
		const char *h = r->headers[i];

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

char *
reg_media_type(const char *content_type)
{
	size_t n, i;
	char *s;

	if (!content_type)
		return NULL;
	while (*content_type == ' ')
		content_type++;
	n = strcspn(content_type, "; \t\r\n");
	s = reg_strndup(content_type, n);
	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

char *
reg_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = reg_xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
