#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonpr.h"
#include "swar.h"
#include "util.h"

#define BUF_SIZE	(256 * 1024)
#define IN_OBJECT	1
#define IN_ARRAY	2
#define HAS_MEMBER	4

void
og_jp_init(struct og_jp *p, int fd)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->cap = BUF_SIZE;
	p->buf = og_xmalloc(p->cap);
}

void
og_jp_init_mem(struct og_jp *p, const struct og_jp *at, bool later,
	       char *buf, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->mem = true;
	p->buf = buf ? buf : og_xmalloc(BUF_SIZE);
	p->cap = buf ? cap : BUF_SIZE;
	/* only the array's own level: elements never close it */
	p->depth = at->depth;
	p->level[p->depth] = IN_ARRAY |
		((later || (at->level[at->depth] & HAS_MEMBER)) ? HAS_MEMBER : 0);
}

void
og_jp_splice(struct og_jp *p, const char *s, size_t n, int err)
{
	og_jp_raw(p, s, n);
	if (err && !p->err)
		p->err = err;
	/* every element prints something: text means the array has one */
	if (n)
		p->level[p->depth] |= HAS_MEMBER;
}

static void
write_all(struct og_jp *p, const char *s, size_t n)
{
	while (n > 0 && !p->err) {
		ssize_t w = write(p->fd, s, n);

		if (w < 0) {
			if (errno != EINTR)
				p->err = -errno;
			continue;
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Room for more: written out, or in memory a bigger buffer. */
static void
flush(struct og_jp *p)
{
	if (p->mem) {
		p->buf = og_xrealloc_array(p->buf, p->cap, 2);
		p->cap *= 2;
		return;
	}
	write_all(p, p->buf, p->len);
	p->len = 0;
}

int
og_jp_finish(struct og_jp *p)
{
	if (!p->mem)
		flush(p);
	free(p->buf);
	p->buf = NULL;
	return p->err;
}

void
og_jp_raw(struct og_jp *p, const char *s, size_t n)
{
	/* a block as big as the buffer (a chunk of og_jp_each) goes out
	 * as it is */
	if (n >= p->cap && !p->mem) {
		flush(p);
		write_all(p, s, n);
		return;
	}
	while (p->len + n > p->cap) {
		size_t k = p->cap - p->len;

		memcpy(p->buf + p->len, s, k);
		p->len += k;
		flush(p);
		s += k;
		n -= k;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
}

static void
put(struct og_jp *p, char c)
{
	if (p->len == p->cap)
		flush(p);
	p->buf[p->len++] = c;
}

static void
tabs(struct og_jp *p, unsigned n)
{
	while (n--)
		put(p, '\t');
}

/* Separator before a value: in an array ", " after the first element;
 * in an object the key already placed it. */
static void
before_value(struct og_jp *p)
{
	unsigned char *l = &p->level[p->depth];

	if (*l & IN_ARRAY) {
		if (*l & HAS_MEMBER)
			og_jp_raw(p, ", ", 2);
		*l |= HAS_MEMBER;
	}
}

void
og_jp_open(struct og_jp *p, char c)
{
	before_value(p);
	put(p, c);
	if (p->depth == OG_JP_DEPTH_MAX) {
		p->err = p->err ? p->err : -E2BIG;
		return;
	}
	p->depth++;
	p->level[p->depth] = c == '{' ? IN_OBJECT : IN_ARRAY;
}

void
og_jp_close(struct og_jp *p)
{
	unsigned char l = p->level[p->depth];

	if (p->depth == 0)
		return;
	if (l & IN_OBJECT) {
		put(p, '\n');
		tabs(p, p->depth - 1);
		put(p, '}');
	} else {
		put(p, ']');
	}
	p->depth--;
}

static bool
special(unsigned char c)
{
	return c < 32 || c == '"' || c == '\\';
}

/*
 * How many bytes of the string @u print as they are: all but quotes,
 * backslashes and bytes below 0x20 (bytes >= 0x80 pass through); it
 * stops at the NUL too, which is below 0x20.  Eight bytes a step, and
 * with no strlen first (most of the time of writing a million findings
 * went to the two passes): a word that does not cross a 4 KiB boundary
 * lies in one page, mapped whole, so reading past the NUL there is safe
 * (as glibc's strlen does); only ASan, which checks the bytes of the
 * allocation, must not look.
 */
#if OG_SWAR
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_u64;

__attribute__((no_sanitize_address))
static size_t
plain_prefix(const unsigned char *u)
{
	size_t i = 0;

	for (;;) {
		for (; ((uintptr_t)(u + i) & 4095) <= 4096 - 8; i += 8) {
			uint64_t w = *(const unaligned_u64 *)(u + i);
			uint64_t hit = og_swar_eq(w, '"') | og_swar_eq(w, '\\') |
				       og_swar_lt(w, 0x20);

			if (hit)
				return i + og_swar_first(hit);
		}
		do {
			if (special(u[i]))
				return i;
			i++;
		} while ((uintptr_t)(u + i) & 4095);
	}
}
#else
static size_t
plain_prefix(const unsigned char *u)
{
	size_t i = 0;

	while (!special(u[i]))
		i++;
	return i;
}
#endif

/* cJSON's print_string_ptr: the escapes it writes and nothing else.
 * Most strings need none and fit the buffer: one copy. */
static void
string(struct og_jp *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t run = plain_prefix(u);

	if (!u[run] && p->cap - p->len >= run + 2) {
		char *o = p->buf + p->len;

		o[0] = '"';
		memcpy(o + 1, u, run);
		o[run + 1] = '"';
		p->len += run + 2;
		return;
	}
	put(p, '"');
	for (;;) {
		char esc[6];

		og_jp_raw(p, (const char *)u, run);
		u += run;
		if (!*u)
			break;
		esc[0] = '\\';
		switch (*u) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*u >> 4];
			esc[5] = hex[*u & 15];
			og_jp_raw(p, esc, 6);
			goto next;
		}
		og_jp_raw(p, esc, 2);
next:
		u++;
		run = plain_prefix(u);
	}
	put(p, '"');
}

void
og_jp_key(struct og_jp *p, const char *k)
{
	unsigned char *l = &p->level[p->depth];
	size_t n;

	if (!k)
		k = "";
	n = plain_prefix((const unsigned char *)k);
	/* the usual key (plain, short) straight into the buffer */
	if (!k[n] && p->cap - p->len >= n + p->depth + 6) {
		char *o = p->buf + p->len;

		if (*l & HAS_MEMBER)
			*o++ = ',';
		*l |= HAS_MEMBER;
		*o++ = '\n';
		memset(o, '\t', p->depth);
		o += p->depth;
		*o++ = '"';
		memcpy(o, k, n);
		o += n;
		memcpy(o, "\":\t", 3);
		p->len = (size_t)(o + 3 - p->buf);
		return;
	}
	if (*l & HAS_MEMBER)
		put(p, ',');
	*l |= HAS_MEMBER;
	put(p, '\n');
	tabs(p, p->depth);
	string(p, k);
	og_jp_raw(p, ":\t", 2);
}

void
og_jp_string(struct og_jp *p, const char *s)
{
	string(p, s);
}

void
og_jp_str(struct og_jp *p, const char *s)
{
	before_value(p);
	if (s)
		string(p, s);
	else
		og_jp_raw(p, "null", 4);
}

void
og_jp_null(struct og_jp *p)
{
	before_value(p);
	og_jp_raw(p, "null", 4);
}

void
og_jp_bool(struct og_jp *p, bool b)
{
	before_value(p);
	if (b)
		og_jp_raw(p, "true", 4);
	else
		og_jp_raw(p, "false", 5);
}

/*
 * A number with at most one decimal below 1e13 (line numbers, counts,
 * CVSS scores), which "%1.15g" prints exactly and which reads back: its
 * digits, without snprintf and sscanf.  -0 and the rest: false.
 */
static bool
short_number(double d, char *b, int *ret_n)
{
	char tmp[24];
	long long k;
	int n = 0, t = 0;

	if (!(fabs(d) < 1e13) || (d == 0 && signbit(d)))
		return false;
	k = llround(d * 10);
	if ((double)k / 10 != d)
		return false;
	if (k < 0) {
		b[n++] = '-';
		k = -k;
	}
	if (k % 10) {
		tmp[t++] = (char)('0' + k % 10);
		tmp[t++] = '.';
	}
	k /= 10;
	do {
		tmp[t++] = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	while (t)
		b[n++] = tmp[--t];
	*ret_n = n;
	return true;
}

/* cJSON's print_number (1.7.15, Debian 12): 15 digits unless they do
 * not read back within its compare_double, then 17. */
void
og_jp_num(struct og_jp *p, double d)
{
	char b[32];
	int n;

	before_value(p);
	if (short_number(d, b, &n)) {
		og_jp_raw(p, b, (size_t)n);
		return;
	}
	if (isnan(d) || isinf(d)) {
		n = snprintf(b, sizeof(b), "null");
	} else {
		double test = 0;

		n = snprintf(b, sizeof(b), "%1.15g", d);
		if (sscanf(b, "%lg", &test) != 1 ||
		    !(fabs(test - d) <= fmax(fabs(test), fabs(d)) * DBL_EPSILON))
			n = snprintf(b, sizeof(b), "%1.17g", d);
	}
	og_jp_raw(p, b, (size_t)n);
}

void
og_jp_cjson(struct og_jp *p, const cJSON *v)
{
	const cJSON *it;

	if (!v) {
		og_jp_null(p);
		return;
	}
	switch (v->type & 0xff) {
	case cJSON_False:
		og_jp_bool(p, false);
		break;
	case cJSON_True:
		og_jp_bool(p, true);
		break;
	case cJSON_NULL:
		og_jp_null(p);
		break;
	case cJSON_Number:
		og_jp_num(p, v->valuedouble);
		break;
	case cJSON_String:
		before_value(p);
		string(p, v->valuestring);
		break;
	case cJSON_Raw:
		before_value(p);
		if (v->valuestring)
			og_jp_raw(p, v->valuestring, strlen(v->valuestring));
		break;
	case cJSON_Array:
		og_jp_open(p, '[');
		for (it = v->child; it; it = it->next)
			og_jp_cjson(p, it);
		og_jp_close(p);
		break;
	case cJSON_Object:
		og_jp_open(p, '{');
		for (it = v->child; it; it = it->next) {
			og_jp_key(p, it->string);
			og_jp_cjson(p, it);
		}
		og_jp_close(p);
		break;
	default:
		og_jp_null(p);
		break;
	}
}
