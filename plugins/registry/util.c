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

static int
digits(const char **p, int n, int *ret)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
reg_parse_time(const char *s, int64_t *ret_t)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	const char *p = s;

	if (!s || digits(&p, 4, &y) < 0 || *p++ != '-' ||
	    digits(&p, 2, &mo) < 0 || *p++ != '-' || digits(&p, 2, &d) < 0)
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' ||
		    digits(&p, 2, &mi) < 0 || *p++ != ':' ||
		    digits(&p, 2, &sec) < 0)
			return -EINVAL;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh) < 0 || *p++ != ':' ||
			    digits(&p, 2, &om) < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -EINVAL;
	*ret_t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		 sign * (oh * 3600 + om * 60);
	return 0;
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
