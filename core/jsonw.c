#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "util.h"

void
og_jw_init(struct og_jw *w)
{
	memset(w, 0, sizeof(*w));
}

void
og_jw_clear(struct og_jw *w)
{
	free(w->buf);
	og_jw_init(w);
}

void
og_jw_reset(struct og_jw *w)
{
	w->len = 0;
	w->need_comma = false;
}

static void
put(struct og_jw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap = w->cap ? w->cap * 2 : 256;
		w->buf = og_xrealloc_array(w->buf, w->cap, 1);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
sep(struct og_jw *w)
{
	if (w->need_comma)
		put(w, ",", 1);
	w->need_comma = true;
}

void
og_jw_open(struct og_jw *w, char c)
{
	sep(w);
	put(w, &c, 1);
	w->need_comma = false;
}

void
og_jw_close(struct og_jw *w, char c)
{
	put(w, &c, 1);
	w->need_comma = true;
}

size_t
og_jw_utf8_len(const unsigned char *p)
{
	unsigned char c = *p;
	size_t n = 0;

	if (c < 0x80)
		n = 1;
	else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
		n = 2;
	else if ((c & 0xf0) == 0xe0)
		n = 3;
	else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
		n = 4;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			n = 0;
	return n;
}

/* Escape as JSON; invalid UTF-8 bytes become U+FFFD so the parent's
 * parser never sees a broken string. */
static void
put_string(struct og_jw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(w, "\"", 1);
	while (*p) {
		unsigned char c = *p;
		size_t n;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			put(w, e, 2);
			p++;
			continue;
		}
		if (c < 0x20) {
			char e[8];

			snprintf(e, sizeof(e), "\\u%04x", c);
			put(w, e, 6);
			p++;
			continue;
		}
		n = og_jw_utf8_len(p);
		if (n == 0) {
			put(w, "\xef\xbf\xbd", 3);
			p++;
			continue;
		}
		put(w, (const char *)p, n);
		p += n;
	}
	put(w, "\"", 1);
}

void
og_jw_key(struct og_jw *w, const char *k)
{
	sep(w);
	put_string(w, k);
	put(w, ":", 1);
	w->need_comma = false;
}

void
og_jw_str(struct og_jw *w, const char *s)
{
	sep(w);
	if (s)
		put_string(w, s);
	else
		put(w, "null", 4);
}

void
og_jw_num(struct og_jw *w, double d)
{
	char b[40];

	if (!isfinite(d)) {
		og_jw_null(w);
		return;
	}
	sep(w);
	snprintf(b, sizeof(b), "%.17g", d);
	put(w, b, strlen(b));
}

void
og_jw_int(struct og_jw *w, long long v)
{
	char b[32];

	sep(w);
	snprintf(b, sizeof(b), "%lld", v);
	put(w, b, strlen(b));
}

void
og_jw_bool(struct og_jw *w, bool b)
{
	sep(w);
	put(w, b ? "true" : "false", b ? 4 : 5);
}

void
og_jw_null(struct og_jw *w)
{
	sep(w);
	put(w, "null", 4);
}

void
og_jw_kstr(struct og_jw *w, const char *k, const char *s)
{
	og_jw_key(w, k);
	og_jw_str(w, s);
}

void
og_jw_kstr_opt(struct og_jw *w, const char *k, const char *s)
{
	if (s)
		og_jw_kstr(w, k, s);
}
