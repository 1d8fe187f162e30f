/*
 * Pull reader over JSON text in memory: see jsonrd.h.  Most of a report
 * is plain ASCII inside strings, so strings are scanned eight bytes a
 * step for the three bytes that need a look (quote, backslash, non-ASCII)
 * and copied out in one piece when none is found.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "jsonrd.h"
#include "swar.h"
#include "util.h"

#define CHUNK_SIZE ((size_t)64 << 10)

struct og_jr_chunk {
	struct og_jr_chunk *next;
	size_t size, used;
	char data[];
};

void
og_jr_init(struct og_jr *r, const char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->start = r->p = (const unsigned char *)text;
	r->end = r->start + len;
}

void
og_jr_release(struct og_jr *r)
{
	struct og_jr_chunk *c, *next;

	if (!r->scratch)
		return;
	for (c = r->scratch->next; c; c = next) {
		next = c->next;
		free(c);
	}
	r->scratch->next = NULL;
	r->scratch->used = 0;
}

void
og_jr_clear(struct og_jr *r)
{
	og_jr_release(r);
	free(r->scratch);
	r->scratch = NULL;
}

static char *
scratch(struct og_jr *r, size_t n)
{
	struct og_jr_chunk *c = r->scratch;

	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		c = og_xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = r->scratch;
		r->scratch = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

bool
og_jr_fail(struct og_jr *r)
{
	if (!r->failed) {
		r->failed = true;
		r->err_off = og_jr_offset(r);
	}
	return false;
}

int
og_jr_peek(struct og_jr *r)
{
	/* cJSON takes every byte up to the space for whitespace */
	while (r->p < r->end && *r->p <= ' ')
		r->p++;
	return r->p < r->end ? *r->p : -1;
}

bool
og_jr_expect(struct og_jr *r, int c)
{
	if (og_jr_peek(r) != c)
		return og_jr_fail(r);
	r->p++;
	return true;
}

/* The first quote, backslash or non-ASCII byte in [p, end), or end; with
 * @nul a NUL byte too (it ends a key: the usual key's end and its NUL
 * check in one pass). */
static inline const unsigned char *
plain_end(const unsigned char *p, const unsigned char *end, bool nul)
{
#if OG_SWAR
	for (; end - p >= 8; p += 8) {
		uint64_t w = og_swar_load(p);
		uint64_t hit = og_swar_eq(w, '"') | og_swar_eq(w, '\\') |
			       (w & OG_SWAR_HIGHS) | (nul ? og_swar_lt(w, 1) : 0);

		if (hit)
			return p + og_swar_first(hit);
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p < 0x80 && (*p || !nul))
		p++;
	return p;
}

/* Four hex digits at @p as cJSON reads them: a digit that is not one
 * makes the unit 0 (U+0000). */
static long
hex4(const unsigned char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = og_json_hexval(p[i]);

		if (h < 0)
			return 0;
		v = v * 16 + h;
	}
	return v;
}

/* A "\uDC00".."\uDFFF" escape at @p before @end: its unit, or -1. */
static long
low_surrogate(const unsigned char *p, const unsigned char *end)
{
	long v = og_json_escape_unit(p, (size_t)(end - p));

	return v >= 0xdc00 && v <= 0xdfff ? v : -1;
}

static size_t
put_utf8(unsigned char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The escape at @p (a backslash) of a string that ends at @e, decoded
 * into @o: its length in the text, 0 when cJSON refuses it; *ret_n the
 * bytes written.  A \uD800-\uDFFF escape that is not half of a pair
 * becomes U+FFFD and counts as a fix, as og_json_text_fix makes it.
 */
static size_t
escape(struct og_jr *r, const unsigned char *p, const unsigned char *e,
       unsigned char *o, size_t *ret_n)
{
	static const char from[] = "bfnrt\"\\/", to[] = "\b\f\n\r\t\"\\/";
	const char *k;
	long u, lo;

	*ret_n = 1;
	if (p[1] != 'u') {
		if (!p[1] || !(k = strchr(from, p[1])))
			return 0;
		*o = (unsigned char)to[k - from];
		return 2;
	}
	if (e - p < 6)
		return 0;
	u = hex4(p + 2);
	if (u < 0xd800 || u > 0xdfff) {
		*ret_n = put_utf8(o, (unsigned long)u);
		return 6;
	}
	if (u <= 0xdbff && (lo = low_surrogate(p + 6, e)) >= 0) {
		*ret_n = put_utf8(o, 0x10000 + (((unsigned long)u - 0xd800) << 10) +
					 ((unsigned long)lo - 0xdc00));
		return 12;
	}
	r->fixed++;
	*ret_n = put_utf8(o, 0xfffd);
	return 6;
}

/* The closing quote of the string whose body holds @q, as cJSON finds
 * it (a backslash passes over the next byte), or NULL. */
static const unsigned char *
string_end(const unsigned char *q, const unsigned char *end)
{
	for (;;) {
		while (q < end && *q != '"' && *q != '\\')
			q++;
		if (q >= end)
			return NULL;
		if (*q == '"')
			return q;
		q += 2;
	}
}

/*
 * Decode [q, e), the rest of a string's body, into @out at *@len (with
 * @out NULL, only check and measure: an invalid byte grows to three).
 * False on an escape cJSON refuses, with the cursor on it.
 */
static bool
decode(struct og_jr *r, const unsigned char *q, const unsigned char *e,
       unsigned char *out, size_t *len)
{
	static const unsigned char fffd[3] = { 0xef, 0xbf, 0xbd };
	unsigned char tmp[4];
	size_t o = *len, n, k;
	long s;

	while (q < e) {
		const unsigned char *run = plain_end(q, e, false);

		if (out)
			memcpy(out + o, q, (size_t)(run - q));
		o += (size_t)(run - q);
		q = run;
		if (q >= e)
			break;
		if (*q == '\\') {
			if (!(k = escape(r, q, e, out ? out + o : tmp, &n))) {
				r->p = q;
				return og_jr_fail(r);
			}
			q += k;
			o += n;
			continue;
		}
		s = og_utf8_seq(q, (size_t)(e - q));
		if (s > 0) {
			if (out)
				memcpy(out + o, q, (size_t)s);
			q += s;
			o += (size_t)s;
		} else {
			if (out)
				memcpy(out + o, fffd, sizeof(fffd));
			q += -s;
			o += sizeof(fffd);
			r->fixed++;
		}
	}
	*len = o;
	return true;
}

const char *
og_jr_string(struct og_jr *r)
{
	const unsigned char *s, *q, *e;
	size_t fixed = r->fixed, len = 0;
	unsigned char *out;

	if (og_jr_peek(r) != '"') {
		og_jr_fail(r);
		return NULL;
	}
	s = r->p + 1;
	q = plain_end(s, r->end, false);
	if (q < r->end && *q == '"') {
		out = (unsigned char *)scratch(r, (size_t)(q - s) + 1);
		memcpy(out, s, (size_t)(q - s));
		out[q - s] = '\0';
		r->p = q + 1;
		return (const char *)out;
	}
	/* Escapes or non-ASCII: the end and the decoded size first, then
	 * the decoding. */
	if (!(e = string_end(q, r->end))) {
		r->p = r->end;
		og_jr_fail(r);
		return NULL;
	}
	if (!decode(r, q, e, NULL, &len))
		return NULL;
	r->fixed = fixed;	/* counted again below */
	len += (size_t)(q - s);
	out = (unsigned char *)scratch(r, len + 1);
	memcpy(out, s, (size_t)(q - s));
	len = (size_t)(q - s);
	decode(r, q, e, out, &len);
	out[len] = '\0';
	r->p = e + 1;
	return (const char *)out;
}

/* Pass over the string at the cursor, counting fixes; false on error. */
static bool
skip_string(struct og_jr *r)
{
	const unsigned char *q = plain_end(r->p + 1, r->end, false), *e;
	size_t len = 0;

	if (q < r->end && *q == '"') {
		r->p = q + 1;
		return true;
	}
	if (!(e = string_end(q, r->end))) {
		r->p = r->end;
		return og_jr_fail(r);
	}
	if (!decode(r, q, e, NULL, &len))
		return false;
	r->p = e + 1;
	return true;
}

/* Before the next member or element: 0 at @close (consumed), 1 at the
 * first one or after its comma, -1 on a syntax error. */
static int
next_item(struct og_jr *r, bool *first, int close)
{
	int c = og_jr_peek(r);

	if (c == close) {
		r->p++;
		return 0;
	}
	if (!*first) {
		if (c != ',')
			return og_jr_fail(r), -1;
		r->p++;
	}
	*first = false;
	return 1;
}

int
og_jr_member(struct og_jr *r, bool *first, const char **key, size_t *key_len)
{
	const unsigned char *s, *q;
	int more = next_item(r, first, '}');

	if (more <= 0)
		return more;
	if (og_jr_peek(r) != '"')
		return og_jr_fail(r), -1;
	/* a key without escapes is used in place */
	s = r->p + 1;
	q = plain_end(s, r->end, true);
	if (q < r->end && *q == '"') {
		*key = (const char *)s;
		*key_len = (size_t)(q - s);
		r->p = q + 1;
	} else if ((q = plain_end(s, r->end, false)) < r->end && *q == '"') {
		*key = (const char *)s;
		/* a raw NUL ends a key, as in cJSON's C string */
		*key_len = strnlen(*key, (size_t)(q - s));
		r->p = q + 1;
	} else {
		if (!(*key = og_jr_string(r)))
			return -1;
		*key_len = strlen(*key);
	}
	return og_jr_expect(r, ':') ? 1 : -1;
}

int
og_jr_element(struct og_jr *r, bool *first)
{
	return next_item(r, first, ']');
}

/*
 * A number of at most 15 digits with no exponent, as "4.4" or "1200":
 * the digits as an integer divided by a power of ten, both exact in a
 * double, is the correctly rounded value strtod gives (Clinger's fast
 * path).  False when the number is not of that form.
 */
static bool
simple_number(struct og_jr *r, double *ret)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
					1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
					1e15 };
	const unsigned char *p = r->p;
	uint64_t v = 0;
	int digits = 0, frac = -1;
	bool neg = p < r->end && *p == '-';

	for (p += neg; p < r->end; p++) {
		if (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (*p == '.' && frac < 0) {
			frac = 0;
		} else {
			break;
		}
	}
	if (!digits || digits > 15 || frac == 0 ||
	    (p < r->end && (*p == 'e' || *p == 'E' || *p == '+' || *p == '-' ||
			    *p == '.')))
		return false;
	*ret = (double)v / pow10[frac > 0 ? frac : 0];
	if (neg)
		*ret = -*ret;
	r->p = p;
	return true;
}

bool
og_jr_number(struct og_jr *r, double *ret)
{
	char buf[64], *after;
	size_t n = 0;
	int c = og_jr_peek(r);

	if (c != '-' && (c < '0' || c > '9'))
		return og_jr_fail(r);
	if (simple_number(r, ret))
		return true;
	/* cJSON's number: the run of these characters, as far as strtod
	 * reads it */
	while (n < sizeof(buf) - 1 && r->p + n < r->end && r->p[n] &&
	       strchr("0123456789+-eE.", r->p[n]))
		n++;
	memcpy(buf, r->p, n);
	buf[n] = '\0';
	*ret = strtod(buf, &after);
	if (after == buf)
		return og_jr_fail(r);
	r->p += after - buf;
	return true;
}

static bool
literal(struct og_jr *r)
{
	static const char *const lits[] = { "null", "true", "false" };

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lits[i]);

		if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, lits[i], n)) {
			r->p += n;
			return true;
		}
	}
	return og_jr_fail(r);
}

/* One scalar at the cursor; false on error. */
static bool
scalar(struct og_jr *r, int c)
{
	double d;

	if (c == '"')
		return skip_string(r);
	if (c == '-' || (c >= '0' && c <= '9'))
		return og_jr_number(r, &d);
	return literal(r);
}

/* Whether open container @d (0-based) is an array. */
static bool
bit(const unsigned char *v, unsigned d)
{
	return v[d / 8] >> (d % 8) & 1;
}

bool
og_jr_skip(struct og_jr *r, unsigned depth)
{
	/* one bit per open container: set for an array */
	unsigned char is_array[(OG_JR_DEPTH_MAX + 7) / 8];
	unsigned d = 0;
	int c;

value:
	c = og_jr_peek(r);
	if (c == '{' || c == '[') {
		if (depth + d >= OG_JR_DEPTH_MAX)
			return og_jr_fail(r);
		if (c == '[')
			is_array[d / 8] |= (unsigned char)(1u << (d % 8));
		else
			is_array[d / 8] &= (unsigned char)~(1u << (d % 8));
		d++;
		r->p++;
		if (og_jr_peek(r) == (c == '[' ? ']' : '}')) {
			r->p++;
			d--;
			goto after;
		}
		if (c == '{')
			goto key;
		goto value;
	}
	if (c < 0 || !scalar(r, c))
		return og_jr_fail(r);
after:
	if (d == 0)
		return true;
	c = og_jr_peek(r);
	if (c == ',') {
		r->p++;
		if (bit(is_array, d - 1))
			goto value;
		goto key;
	}
	if (c != (bit(is_array, d - 1) ? ']' : '}'))
		return og_jr_fail(r);
	r->p++;
	d--;
	goto after;
key:
	if (og_jr_peek(r) != '"' || !skip_string(r) || !og_jr_expect(r, ':'))
		return og_jr_fail(r);
	goto value;
}
