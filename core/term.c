#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"
#include "util.h"

struct sink {
	FILE *f;		/* write here, or … */
	char *buf;		/* … append here */
	size_t len, cap;
};

static void
put(struct sink *k, const char *s, size_t n)
{
	if (k->f) {
		fwrite(s, 1, n, k->f);
		return;
	}
	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		k->buf = og_xrealloc_array(k->buf, k->cap, 1);
	}
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

/*
 * Escape @n bytes.  *pending carries a 0xC2 lead byte across calls: the
 * C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8, and a stream
 * may split them.
 */
static void
escape(struct sink *k, const unsigned char *s, size_t n, bool keep_newline,
       bool *pending)
{
	char esc[16];
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (*pending) {
			*pending = false;
			if (c >= 0x80 && c <= 0x9f) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				put(k, esc, strlen(esc));
				run = i + 1;
				continue;
			}
			put(k, "\xc2", 1);
		}
		if (c == 0xc2) {
			put(k, (const char *)s + run, i - run);
			*pending = true;
			run = i + 1;
			continue;
		}
		if ((c >= 0x20 && c != 0x7f) || c >= 0x80 || c == '\t' ||
		    (c == '\n' && keep_newline))
			continue;
		put(k, (const char *)s + run, i - run);
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		put(k, esc, strlen(esc));
		run = i + 1;
	}
	put(k, (const char *)s + run, n - run);
}

char *
og_term_escape(const char *s, int keep_newline)
{
	struct sink k = { 0 };
	bool pending = false;

	if (!s)
		return NULL;
	put(&k, "", 0);
	escape(&k, (const unsigned char *)s, strlen(s), keep_newline, &pending);
	if (pending)
		put(&k, "\xc2", 1);
	return k.buf;
}

struct cookie {
	FILE *under;
	bool pending;
};

static ssize_t
stream_write(void *c, const char *buf, size_t n)
{
	struct cookie *ck = c;
	struct sink k = { .f = ck->under };

	escape(&k, (const unsigned char *)buf, n, true, &ck->pending);
	return ferror(ck->under) ? -1 : (ssize_t)n;
}

static int
stream_close(void *c)
{
	struct cookie *ck = c;
	int r;

	if (ck->pending)
		fputc(0xc2, ck->under);
	r = fflush(ck->under);
	free(ck);
	return r;
}

FILE *
og_term_stream(FILE *under)
{
	cookie_io_functions_t io = { .write = stream_write, .close = stream_close };
	struct cookie *ck = og_xcalloc(1, sizeof(*ck));
	FILE *f;

	ck->under = under;
	f = fopencookie(ck, "w", io);

	if (!f) {
		free(ck);
		return NULL;
	}
	return f;
}
