/*
 * Streaming JSON reader: see ogjs.h.  Grammar per RFC 8259; the walker is
 * recursive but bounded by max_depth, so deep nesting is an error, never a
 * stack overflow.
 */
#include "ogjs.h"
#include "jsonin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define OGJS_BUF		65536
#define OGJS_VALUE_DEFAULT	((size_t)64 << 20)
#define OGJS_ARENA_DEFAULT	((size_t)256 << 20)
#define OGJS_ARENA_CHUNK	((size_t)64 << 10)

struct seg {
	bool is_array;
	uint64_t count;		/* keys or elements seen so far */
	char key[OGJS_KEY_MAX];
};

struct ogjs {
	int fd;
	bool positioned;	/* a twin: pread() at base, never lseek() */
	char *name;
	unsigned char buf[OGJS_BUF];
	size_t pos, len;
	uint64_t base;		/* file offset of buf[0] */
	bool eof;
	unsigned max_depth;
	unsigned depth;
	struct seg *segs;
	size_t cap_max;		/* bytes of one ogjs_value() */
	/* a value being built (ogjs_value_keep): where it started, so a
	 * refill can enforce cap_max as the capture did */
	bool building;
	uint64_t build_from;
	/* one decoded string (escapes resolved), reused */
	char *sb;
	size_t sb_len, sb_size;
	bool sb_high;		/* r->sb has a byte >= 0x80 */
	int err;
	char errmsg[768];
	size_t text_fixed;	/* invalid UTF-8 / lone surrogates replaced */
};

/* ---- arena ------------------------------------------------------------ */

struct chunk {
	struct chunk *next;
	size_t size, used;
	unsigned char data[];
};

struct ogjs_arena {
	struct chunk *head;
	size_t total, max, peak;
};

struct ogjs_arena *
ogjs_arena_new(size_t max_bytes)
{
	struct ogjs_arena *a = calloc(1, sizeof(*a));

	if (a)
		a->max = max_bytes ? max_bytes : OGJS_ARENA_DEFAULT;
	return a;
}

/* Keep the first (newest) chunk for reuse; free the rest. */
void
ogjs_arena_reset(struct ogjs_arena *a)
{
	struct chunk *c, *next;

	if (!a || !a->head)
		return;
	for (c = a->head->next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head->next = NULL;
	a->head->used = 0;
	a->total = a->head->size;
}

struct ogjs_arena *
ogjs_arena_free(struct ogjs_arena *a)
{
	if (a) {
		ogjs_arena_reset(a);
		free(a->head);
		free(a);
	}
	return NULL;
}

size_t
ogjs_arena_peak(const struct ogjs_arena *a)
{
	return a ? a->peak : 0;
}

static void *
arena_alloc(struct ogjs_arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t want;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n) {
		want = n > OGJS_ARENA_CHUNK ? n : OGJS_ARENA_CHUNK;
		if (a->total + want > a->max)
			return NULL;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += want;
		if (a->total > a->peak)
			a->peak = a->total;
	}
	c->used += n;
	return c->data + c->used - n;
}

char *
ogjs_arena_strdup(struct ogjs_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* cJSON's hooks are process-global and shared with the host, so they
 * point at the arena only for the duration of one parse, and one thread
 * at a time (a dry pass may run beside the real one: ogjs_open_twin). */
static struct ogjs_arena *hook_arena;
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
hook_malloc(size_t n)
{
	return arena_alloc(hook_arena, n);
}

static void
hook_free(void *p)
{
	(void)p;	/* freed with the arena */
}

/* ---- errors and paths ------------------------------------------------ */

uint64_t
ogjs_offset(const struct ogjs *r)
{
	return r->base + r->pos;
}

const char *
ogjs_name(const struct ogjs *r)
{
	return r->name;
}

static bool
is_ident(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '$' ||
		      *k == '-'))
			return false;
	return true;
}

const char *
ogjs_path(const struct ogjs *r, char *buf, size_t size)
{
	size_t n;
	unsigned i;

	if (!size)
		return buf;
	n = (size_t)snprintf(buf, size, "$");
	for (i = 0; i < r->depth && n < size; i++) {
		const struct seg *s = &r->segs[i];

		if (s->is_array) {
			if (s->count)
				n += (size_t)snprintf(buf + n, size - n, "[%llu]",
					(unsigned long long)(s->count - 1));
		} else if (s->count) {
			n += (size_t)snprintf(buf + n, size - n,
					      is_ident(s->key) ? ".%s" :
					      "[\"%s\"]", s->key);
		}
	}
	return buf;
}

static int
fail_va(struct ogjs *r, const char *fmt, va_list ap)
{
	char path[256], msg[384];

	if (r->err)
		return r->err;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: byte %llu at %s: %s",
		 r->name, (unsigned long long)ogjs_offset(r),
		 ogjs_path(r, path, sizeof(path)), msg);
	r->err = -EINVAL;
	return r->err;
}

/* Grammar errors say so: a file that is not JSON at all (a template
 * saved as .json) must not read like a wrong field. */
#define SYNTAX_FAIL(r, ...) ogjs_fail(r, "not valid JSON: " __VA_ARGS__)

int
ogjs_fail(struct ogjs *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fail_va(r, fmt, ap);
	va_end(ap);
	return ret;
}

cJSON *
ogjs_parse_text(const char *text, size_t len, size_t *ret_fixed,
		size_t *ret_err_off)
{
	if (ret_err_off)
		*ret_err_off = 0;
	return text ? og_json_parse(text, len, false, ret_fixed, ret_err_off)
		    : NULL;
}

size_t
ogjs_text_fixed(const struct ogjs *r)
{
	return r->text_fixed;
}

const char *
ogjs_error(const struct ogjs *r)
{
	return r->err ? r->errmsg : NULL;
}

/* ---- bytes ----------------------------------------------------------- */

static int
refill(struct ogjs *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->building && r->base + r->len - r->build_from > r->cap_max)
		return ogjs_fail(r, "value larger than %zu bytes", r->cap_max);
	r->base += r->len;
	r->pos = r->len = 0;
	do
		n = r->positioned ? pread(r->fd, r->buf, sizeof(r->buf),
					  (off_t)r->base)
				  : read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = -errno;

		ogjs_fail(r, "read error: %s", strerror(errno));
		r->err = e;
		return e;
	}
	if (n == 0)
		r->eof = true;
	r->len = (size_t)n;
	/* A UTF-8 byte order mark at the start (Windows tools write one):
	 * not part of the JSON text, skip it. */
	if (r->base == 0 && n >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3))
		r->pos = 3;
	return (int)n;
}

/* Next byte without consuming it, or -1 at end of input (or error). */
static inline int
peekc(struct ogjs *r)
{
	if (r->pos == r->len && refill(r) <= 0)
		return -1;
	return r->buf[r->pos];
}

/* Consume the byte peekc() returned. */
static inline int
advance(struct ogjs *r)
{
	r->pos++;
	return 0;
}

static int
skip_ws(struct ogjs *r)
{
	int c;

	for (;;) {
		c = peekc(r);
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return c;
		r->pos++;
	}
}

static const char *
describe(int c)
{
	static char b[24];

	if (c < 0)
		return "end of input (truncated?)";
	if (c >= 0x20 && c < 0x7f)
		snprintf(b, sizeof(b), "'%c'", c);
	else
		snprintf(b, sizeof(b), "byte 0x%02x", c);
	return b;
}

/* The next significant character in *ret_c (-1 at the end), or the
 * reader's sticky error. */
static int
next_char(struct ogjs *r, int *ret_c)
{
	*ret_c = -1;
	if (r->err)
		return r->err;
	*ret_c = skip_ws(r);
	return r->err;
}

static int
expect(struct ogjs *r, int want, const char *what)
{
	int c = skip_ws(r);

	if (r->err)
		return r->err;
	if (c != want)
		return SYNTAX_FAIL(r, "expected %s, found %s", what, describe(c));
	return advance(r);
}

/* ---- strings, numbers, literals -------------------------------------- */

/* The first byte in [p, end) that ends a plain run inside a string: a
 * quote, a backslash or a control byte; @end when there is none.  This
 * scan is most of the time spent on a large report (every byte of it is
 * looked at twice: the dry pass and the real one), so it goes sixteen
 * bytes a step with SSE2 (every x86-64 has it), else eight (SWAR). */
static const unsigned char *
plain_run_end(const unsigned char *p, const unsigned char *end,
	      unsigned *ret_high)
{
	unsigned high = 0;
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), b = _mm_set1_epi8('\\');
	const __m128i c = _mm_set1_epi8(0x1f);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* a control byte is one that min(v, 0x1f) leaves as it is */
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, b)),
			_mm_cmpeq_epi8(_mm_min_epu8(v, c), v));
		int bits = _mm_movemask_epi8(m);
		/* the bytes >= 0x80 of the run, so the UTF-8 check of a
		 * kept string needs no second look at an ASCII one */
		unsigned hi = (unsigned)_mm_movemask_epi8(v);

		if (bits) {
			unsigned at = (unsigned)__builtin_ctz((unsigned)bits);

			*ret_high |= high | (hi & ((1u << at) - 1));
			return p + at;
		}
		high |= hi;
		p += 16;
	}
#else
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	while (end - p >= 8) {
		uint64_t w, q, b, c;

		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		/* a byte is flagged when it is 0 (q, b) or below 0x20 (c);
		 * bytes >= 0x80 never are (the ~w term) */
		q = (q - ones) & ~q;
		b = (b - ones) & ~b;
		c = (w - ones * 0x20) & ~w;
		if ((q | b | c) & highs)
			break;
		high |= (w & highs) != 0;
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
		high |= *p++ >= 0x80;
	*ret_high |= high;
	return p;
}

/* Where read_string() puts the decoded text: a fixed buffer, truncated
 * (keys: @grow false), or the reader's growing scratch r->sb (values). */
struct sink {
	char *out;
	size_t cap, n;
	bool grow;
	unsigned hibyte;	/* nonzero: a byte >= 0x80 was put */
	unsigned high;		/* a high surrogate waiting for its low half */
};

static int
sink_put(struct ogjs *r, struct sink *o, const void *p, size_t k)
{
	if (!o)
		return 0;
	if (o->grow) {
		if (r->sb_size - r->sb_len < k + 1) {
			size_t sz = r->sb_size ? r->sb_size : 256;
			char *p2;

			while (sz - r->sb_len < k + 1)
				sz *= 2;
			p2 = realloc(r->sb, sz);
			if (!p2)
				return ogjs_fail(r, "out of memory");
			r->sb = p2;
			r->sb_size = sz;
		}
		memcpy(r->sb + r->sb_len, p, k);
		r->sb_len += k;
		return 0;
	}
	if (o->n + 1 < o->cap) {
		if (k > o->cap - 1 - o->n)
			k = o->cap - 1 - o->n;
		memcpy(o->out + o->n, p, k);
		o->n += k;
		o->out[o->n] = '\0';	/* a key cut short still reads right */
	}
	return 0;
}

/* Anything but a low half after a high one: the high one was lone. */
static int
sink_lone_high(struct ogjs *r, struct sink *o)
{
	if (!o || !o->high)
		return 0;
	o->high = 0;
	r->text_fixed++;
	return sink_put(r, o, "\xef\xbf\xbd", 3);
}

/* Put code point @cp as UTF-8.  A lone surrogate half (a high one not
 * followed by a low one, or a low one alone) becomes U+FFFD and is
 * counted: one "\uD800" costs one character, not the value. */
static int
sink_cp(struct ogjs *r, struct sink *o, unsigned cp)
{
	unsigned char b[4];
	size_t k = 0;

	if (!o)
		return 0;
	o->hibyte |= cp >= 0x80;	/* also what a lone half becomes */
	if (o->high && cp >= 0xdc00 && cp <= 0xdfff) {
		cp = 0x10000 + ((o->high - 0xd800) << 10) + (cp - 0xdc00);
		o->high = 0;
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return sink_put(r, o, b, 4);
	}
	if (sink_lone_high(r, o) < 0)
		return r->err;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		o->high = cp;
		return 0;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		r->text_fixed++;
		cp = 0xfffd;
	}
	if (cp < 0x80) {
		b[k++] = (unsigned char)cp;
	} else if (cp < 0x800) {
		b[k++] = (unsigned char)(0xc0 | (cp >> 6));
		b[k++] = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		b[k++] = (unsigned char)(0xe0 | (cp >> 12));
		b[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[k++] = (unsigned char)(0x80 | (cp & 0x3f));
	}
	return sink_put(r, o, b, k);
}

static int
sink_text(struct ogjs *r, struct sink *o, const void *p, size_t k)
{
	if (sink_lone_high(r, o) < 0)
		return r->err;
	return sink_put(r, o, p, k);
}

/*
 * Read a string (reader at its opening quote), decoded into @o (NULL:
 * only checked).  Raw bytes are copied as they are; the caller checks
 * their UTF-8 (utf8_fix_sb) where it keeps the text.
 */
static int
read_string(struct ogjs *r, struct sink *o)
{
	int c, i, h;
	unsigned cp;

	if (advance(r) < 0)
		return r->err;
	if (o && !o->grow)
		o->out[0] = '\0';
	for (;;) {
		/* Fast path: run of plain bytes inside the buffer. */
		if (r->pos < r->len) {
			const unsigned char *p = r->buf + r->pos;
			unsigned hi = 0;
			const unsigned char *q = plain_run_end(p, r->buf + r->len,
							       &hi);
			size_t run = (size_t)(q - p);

			if (run && sink_text(r, o, p, run) < 0)
				return r->err;
			if (o)
				o->hibyte |= hi;
			r->pos += run;
		}
		c = peekc(r);
		if (c < 0)
			return SYNTAX_FAIL(r, "unterminated string (truncated?)");
		if (c < 0x20)
			return SYNTAX_FAIL(r, "control character 0x%02x in string",
					 c);
		if (advance(r) < 0)
			return r->err;
		if (c == '"')
			break;
		if (c != '\\') {
			unsigned char b = (unsigned char)c;

			if (o)
				o->hibyte |= b >= 0x80;
			if (sink_text(r, o, &b, 1) < 0)
				return r->err;
			continue;
		}
		c = peekc(r);
		if (c < 0)
			return SYNTAX_FAIL(r, "unterminated string (truncated?)");
		if (advance(r) < 0)
			return r->err;
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			cp = 0;
			for (i = 0; i < 4; i++) {
				h = og_json_hexval(peekc(r));
				if (h < 0)
					return SYNTAX_FAIL(r,
						"bad \\u escape in string");
				if (advance(r) < 0)
					return r->err;
				cp = cp * 16 + (unsigned)h;
			}
			if (sink_cp(r, o, cp) < 0)
				return r->err;
			continue;
		default:
			return SYNTAX_FAIL(r, "bad escape \\%c in string",
					 c >= 0x20 && c < 0x7f ? c : '?');
		}
		{
			unsigned char b = (unsigned char)c;

			if (sink_text(r, o, &b, 1) < 0)
				return r->err;
		}
	}
	if (sink_lone_high(r, o) < 0)	/* lone at the end */
		return r->err;
	if (o && !o->grow)
		o->out[o->n] = '\0';
	else if (o)
		r->sb[r->sb_len] = '\0';
	return 0;
}

/* Read a string value into r->sb (r->sb_len bytes, NUL-terminated). */
static int
read_string_sb(struct ogjs *r)
{
	struct sink o = { .grow = true };
	int ret;

	r->sb_len = 0;
	if (sink_put(r, &o, "", 0) < 0)
		return r->err;
	ret = read_string(r, &o);
	r->sb_high = o.hibyte != 0;
	return ret;
}

/* Replace invalid UTF-8 in r->sb with U+FFFD (counted), as the core's
 * text check does; a string of ASCII only (read_string saw no byte
 * >= 0x80) is left alone. */
static int
utf8_fix_sb(struct ogjs *r)
{
	const unsigned char *p = (const unsigned char *)r->sb;
	size_t i = 0, fixed, len;
	char *fix;

	if (!r->sb_high)
		return 0;
	for (; r->sb_len - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080u)
			break;
	}
	while (i < r->sb_len && p[i] < 0x80)
		i++;
	if (i == r->sb_len)
		return 0;
	fixed = og_utf8_fix_n(r->sb, r->sb_len, &fix, &len);
	if (fixed == (size_t)-1)
		return ogjs_fail(r, "out of memory");
	if (!fix)
		return 0;
	r->text_fixed += fixed;
	r->sb_len = 0;
	{
		struct sink o = { .grow = true };
		int ret = sink_put(r, &o, fix, len + 1);

		free(fix);
		if (ret < 0)
			return ret;
	}
	r->sb_len = len;
	return 0;
}

/* A number's text, for a value that keeps it (NULL: only checked). */
#define OGJS_NUMBER_MAX 64

struct numtext {
	char s[OGJS_NUMBER_MAX];
	size_t n;		/* may exceed the buffer: then too long */
};

static int
take(struct ogjs *r, struct numtext *t, int c)
{
	if (t) {
		if (t->n + 1 < sizeof(t->s))
			t->s[t->n] = (char)c;
		t->n++;
	}
	return advance(r);
}

static int
digits(struct ogjs *r, struct numtext *t)
{
	int c, n = 0;

	while ((c = peekc(r)) >= '0' && c <= '9') {
		if (take(r, t, c) < 0)
			return r->err;
		n++;
	}
	if (!n)
		return SYNTAX_FAIL(r, "bad number: expected a digit, found %s",
				 describe(c));
	return 0;
}

static int
read_number(struct ogjs *r, struct numtext *t)
{
	int c = peekc(r);

	if (c == '-' && take(r, t, c) < 0)
		return r->err;
	if (peekc(r) == '0') {
		if (take(r, t, '0') < 0)
			return r->err;
	} else if (digits(r, t) < 0) {
		return r->err;
	}
	if (peekc(r) == '.') {
		if (take(r, t, '.') < 0 || digits(r, t) < 0)
			return r->err;
	}
	c = peekc(r);
	if (c == 'e' || c == 'E') {
		if (take(r, t, c) < 0)
			return r->err;
		c = peekc(r);
		if ((c == '+' || c == '-') && take(r, t, c) < 0)
			return r->err;
		if (digits(r, t) < 0)
			return r->err;
	}
	if (t)
		t->s[t->n < sizeof(t->s) ? t->n : sizeof(t->s) - 1] = '\0';
	return 0;
}

static int
read_literal(struct ogjs *r, const char *lit)
{
	for (; *lit; lit++) {
		int c = peekc(r);

		if (c != *lit)
			return SYNTAX_FAIL(r, "invalid literal, found %s",
					 describe(c));
		if (advance(r) < 0)
			return r->err;
	}
	return 0;
}

/* ---- structure ------------------------------------------------------- */

int
ogjs_peek(struct ogjs *r)
{
	int c = -1;

	if (next_char(r, &c) != 0)
		return r->err;
	switch (c) {
	case '{': case '[': case '"': case 't': case 'f':
		return c;
	case 'n':
		return 'z';
	case '-':
		return 'n';
	default:
		if (c >= '0' && c <= '9')
			return 'n';
		return SYNTAX_FAIL(r, "expected a value, found %s", describe(c));
	}
}

int
ogjs_expect(struct ogjs *r, int type, const char *what)
{
	int t = ogjs_peek(r);

	if (t < 0)
		return t;
	if (t != type)
		return ogjs_fail(r, "expected %s", what);
	return 0;
}

static int
push(struct ogjs *r, bool is_array)
{
	struct seg *s;

	if (r->depth >= r->max_depth)
		return ogjs_fail(r, "nesting deeper than %u levels",
				 r->max_depth);
	s = &r->segs[r->depth++];
	s->is_array = is_array;
	s->count = 0;
	s->key[0] = '\0';
	return 0;
}

int
ogjs_enter_object(struct ogjs *r)
{
	if (r->err)
		return r->err;
	if (expect(r, '{', "an object") < 0)
		return r->err;
	return push(r, false);
}

int
ogjs_enter_array(struct ogjs *r)
{
	if (r->err)
		return r->err;
	if (expect(r, '[', "an array") < 0)
		return r->err;
	return push(r, true);
}

/* Step to the next member of the innermost object or array, which @close
 * ends: 0 past its end (popped), 1 before a member, or the error. */
static int
next_member(struct ogjs *r, int close)
{
	struct seg *s = &r->segs[r->depth - 1];
	int c;

	if (r->err)
		return r->err;
	c = skip_ws(r);
	if (c == close) {
		if (advance(r) < 0)
			return r->err;
		r->depth--;
		return 0;
	}
	if (s->count) {
		if (c != ',')
			return SYNTAX_FAIL(r, "expected ',' or '%c', found %s",
					 close, describe(c));
		if (advance(r) < 0)
			return r->err;
	}
	s->count++;
	return 1;
}

int
ogjs_next_key(struct ogjs *r, const char **ret_key)
{
	struct seg *s = &r->segs[r->depth - 1];
	int c, more = next_member(r, '}');

	if (more <= 0)
		return more;
	c = skip_ws(r);
	if (c != '"')
		return SYNTAX_FAIL(r, "expected a key string, found %s",
				 describe(c));
	{
		/* a key's lone surrogates are not counted: the count is of
		 * the values read */
		struct sink o = { .out = s->key, .cap = sizeof(s->key) };
		size_t fixed = r->text_fixed;

		if (read_string(r, &o) < 0)
			return r->err;
		r->text_fixed = fixed;
	}
	if (expect(r, ':', "':'") < 0)
		return r->err;
	*ret_key = s->key;
	return 1;
}

int
ogjs_next_elem(struct ogjs *r)
{
	return next_member(r, ']');
}

/* The value at the reader, checked member by member with the path kept
 * current: what words an error. */
static int
skip_slow(struct ogjs *r)
{
	const char *key;
	int t, ret;

	t = ogjs_peek(r);
	switch (t) {
	case '{':
		if (ogjs_enter_object(r) < 0)
			return r->err;
		while ((ret = ogjs_next_key(r, &key)) == 1)
			if (skip_slow(r) < 0)
				return r->err;
		return ret;
	case '[':
		if (ogjs_enter_array(r) < 0)
			return r->err;
		while ((ret = ogjs_next_elem(r)) == 1)
			if (skip_slow(r) < 0)
				return r->err;
		return ret;
	case '"':
		return read_string(r, NULL);
	case 'n':
		return read_number(r, NULL);
	case 't':
		return read_literal(r, "true");
	case 'f':
		return read_literal(r, "false");
	case 'z':
		return read_literal(r, "null");
	default:
		return t < 0 ? t : r->err;
	}
}

static int seek_to(struct ogjs *r, uint64_t off);

/*
 * Skip (and check) the next value: the dry pass over a whole report and
 * every member nobody reads go through here.  One loop with a stack of
 * its own instead of a call per token and a path kept up to date; it can
 * only say "valid".  On anything else (a grammar error, nesting too
 * deep, a read error) the reader goes back to the value's start and
 * skip_slow() finds the problem again and words it with its path.
 */
int
ogjs_skip(struct ogjs *r)
{
	unsigned char kind[OGJS_DEPTH_MAX];
	unsigned base = r->depth, d = 0;
	uint64_t start;
	int c;

	if (r->err)
		return r->err;
	c = skip_ws(r);
	start = ogjs_offset(r);
value:
	switch (c) {
	case '{':
	case '[':
		if (base + d >= r->max_depth)
			goto slow;
		r->pos++;
		kind[d++] = (unsigned char)(c == '{' ? '}' : ']');
		c = skip_ws(r);
		if (c == kind[d - 1]) {
			r->pos++;
			d--;
			goto after;
		}
		if (kind[d - 1] == '}')
			goto key;
		goto value;
	case '"':
		if (read_string(r, NULL) < 0)
			goto slow;
		goto after;
	case 't':
		if (read_literal(r, "true") < 0)
			goto slow;
		goto after;
	case 'f':
		if (read_literal(r, "false") < 0)
			goto slow;
		goto after;
	case 'n':
		if (read_literal(r, "null") < 0)
			goto slow;
		goto after;
	default:
		if (c != '-' && (c < '0' || c > '9'))
			goto slow;
		if (read_number(r, NULL) < 0)
			goto slow;
		goto after;
	}
key:
	if (c != '"' || read_string(r, NULL) < 0 || skip_ws(r) != ':')
		goto slow;
	r->pos++;
	c = skip_ws(r);
	goto value;
after:
	if (!d)
		return 0;
	c = skip_ws(r);
	if (c == ',') {
		r->pos++;
		c = skip_ws(r);
		if (kind[d - 1] == '}')
			goto key;
		goto value;
	}
	if (c == kind[d - 1]) {
		r->pos++;
		d--;
		goto after;
	}
slow:
	r->err = 0;
	r->errmsg[0] = '\0';
	r->depth = base;
	if ((c = seek_to(r, start)) < 0)
		return ogjs_fail(r, "seek failed: %s", strerror(-c));
	return skip_slow(r);
}

/* ---- values as cJSON trees ------------------------------------------- */

/*
 * One value read into a cJSON tree in the arena as the reader walks it:
 * no copy of its text, no second parse.  Members a keep list leaves out
 * are skipped (their grammar still checked).  The tree is what
 * cJSON_Parse of the value, with the core's UTF-8 repair and last-key-
 * wins, would give, less the members left out.
 */
struct build {
	struct ogjs *r;
	struct ogjs_arena *a;
	bool full;		/* the arena cap was hit, or a number cJSON
				 * would refuse: go on checking, keep nothing */
	bool dup;		/* some object may hold a key twice */
	cJSON spare;		/* what nodes point at once full */
};

static cJSON *
node(struct build *b, int type)
{
	cJSON *j = b->full ? NULL : arena_alloc(b->a, sizeof(*j));

	if (!j) {
		b->full = true;
		j = &b->spare;
	}
	memset(j, 0, sizeof(*j));
	j->type = type;
	return j;
}

/* r->sb copied into the arena. */
static char *
sb_text(struct build *b)
{
	char *p = b->full ? NULL : arena_alloc(b->a, b->r->sb_len + 1);

	if (!p) {
		b->full = true;
		return NULL;
	}
	memcpy(p, b->r->sb, b->r->sb_len + 1);
	return p;
}

/* Link @child as the last of @parent's children (cJSON's layout: the
 * first child's prev is the last). */
static void
append(struct build *b, cJSON *parent, cJSON *child)
{
	cJSON *c;

	if (b->full)
		return;
	if (!parent->child) {
		parent->child = child;
		child->prev = child;
		return;
	}
	c = parent->child->prev;
	c->next = child;
	child->prev = c;
	parent->child->prev = child;
}

/* strcmp(a, b) == 0 for the short keys of a report, inline: a libc call
 * per candidate key was a tenth of a collector's time. */
static inline bool
key_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Note that @key (@len bytes) is a member of @obj, whose keys so far set
 * the bits of *seen: a key twice in one object sends the tree to the
 * dedup pass.  One bit per key hash, so most keys are cleared without a
 * strcmp; a shared bit is settled by comparing with the members. */
static void
note_key(struct build *b, const cJSON *obj, uint64_t *seen, const char *key,
	 size_t len)
{
	uint64_t bit = 1;
	unsigned h = (unsigned)len * 31u;
	const cJSON *c;

	if (len)
		h += (unsigned char)key[0] * 7u + (unsigned char)key[len - 1] +
		     (unsigned char)key[len / 2] * 3u;
	bit <<= h & 63;
	if ((*seen & bit) && !b->full)
		for (c = obj->child; c && !b->dup; c = c->next)
			b->dup = key_eq(c->string, key);
	*seen |= bit;
}

/* The keep entry that matches @key: kept (*ret_sub what to keep of its
 * value), or false.  The first entry that matches wins. */
static bool
keep_find(const struct ogjs_keep *keep, const char *key,
	  const struct ogjs_keep **ret_sub)
{
	*ret_sub = NULL;
	if (!keep)
		return true;
	for (; keep->key; keep++)
		if ((keep->key[0] == '*' && !keep->key[1]) ||
		    key_eq(keep->key, key)) {
			*ret_sub = keep->sub;
			return true;
		}
	return false;
}

/*
 * The same answer by a hash of the key: a vulnerability has twenty
 * members and its keep list thirty entries, and walking the list for
 * each member was a tenth of the real pass.  An index per keep list,
 * made on first use and kept for the process (lists are static data);
 * past KEEP_LISTS lists, or for a list too long, keep_find() serves.
 */
#define KEEP_SLOTS	128	/* a power of two */
#define KEEP_LISTS	32
#define KEEP_LEN_MAX	100	/* entries, so the slots stay sparse */

struct keep_index {
	_Atomic(const struct ogjs_keep *) list;	/* set once filled */
	unsigned wild;			/* 1 + position of the first "*" */
	unsigned char slot[KEEP_SLOTS];	/* 1 + position; 0: empty */
};

static struct keep_index keep_indexes[KEEP_LISTS];
static pthread_mutex_t keep_lock = PTHREAD_MUTEX_INITIALIZER;

static inline unsigned
keep_hash(const char *key, size_t len)
{
	unsigned h = (unsigned)len * 31u;

	if (len)
		h += (unsigned char)key[0] * 7u + (unsigned char)key[len - 1] +
		     (unsigned char)key[len / 2] * 3u;
	return h & (KEEP_SLOTS - 1);
}

static void
keep_index_fill(struct keep_index *x, const struct ogjs_keep *keep)
{
	unsigned i, h;

	memset(x->slot, 0, sizeof(x->slot));
	x->wild = 0;
	for (i = 0; keep[i].key; i++) {
		if (keep[i].key[0] == '*' && !keep[i].key[1]) {
			if (!x->wild)
				x->wild = i + 1;
			continue;
		}
		h = keep_hash(keep[i].key, strlen(keep[i].key));
		while (x->slot[h] && !key_eq(keep[x->slot[h] - 1].key,
					     keep[i].key))
			h = (h + 1) & (KEEP_SLOTS - 1);
		if (!x->slot[h])	/* a key listed twice: the first */
			x->slot[h] = (unsigned char)(i + 1);
	}
}

/* The index of @keep, or NULL (then keep_find). */
static const struct keep_index *
keep_index_of(const struct ogjs_keep *keep)
{
	struct keep_index *x = NULL;
	size_t i, n = 0;

	for (i = 0; i < KEEP_LISTS; i++) {
		const struct ogjs_keep *l = atomic_load_explicit(
			&keep_indexes[i].list, memory_order_acquire);

		if (l == keep)
			return &keep_indexes[i];
		if (!l)
			break;
	}
	if (i == KEEP_LISTS)
		return NULL;
	while (keep[n].key)
		if (++n > KEEP_LEN_MAX)
			return NULL;
	pthread_mutex_lock(&keep_lock);
	for (i = 0; i < KEEP_LISTS; i++) {
		const struct ogjs_keep *l = atomic_load_explicit(
			&keep_indexes[i].list, memory_order_relaxed);

		if (l == keep || !l) {
			x = &keep_indexes[i];
			if (!l) {
				keep_index_fill(x, keep);
				atomic_store_explicit(&x->list, keep,
						      memory_order_release);
			}
			break;
		}
	}
	pthread_mutex_unlock(&keep_lock);
	return x;
}

/* keep_find() through @x: the exact entry or the first "*", whichever
 * comes first in the list. */
static inline bool
keep_lookup(const struct keep_index *x, const struct ogjs_keep *keep,
	    const char *key, const struct ogjs_keep **ret_sub)
{
	unsigned h = keep_hash(key, strlen(key)), best = x->wild;

	while (x->slot[h]) {
		unsigned i = x->slot[h];

		if (key_eq(keep[i - 1].key, key)) {
			if (!best || i < best)
				best = i;
			break;
		}
		h = (h + 1) & (KEEP_SLOTS - 1);
	}
	*ret_sub = best ? keep[best - 1].sub : NULL;
	return best != 0;
}

/* The double strtod() gives for a number's text.  Most numbers in a
 * report (scores, severities, lines) have few digits and no exponent:
 * an integer mantissa below 2^53 divided by an exact power of ten is
 * correctly rounded, so it is the same double, without strtod's cost. */
static double
number_value(const struct numtext *t)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15,
	};
	const char *p = t->s;
	uint64_t m = 0;
	int digits = 0, frac = -1;
	bool neg = *p == '-';

	if (neg)
		p++;
	for (; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > 15)
			return strtod(t->s, NULL);
		m = m * 10 + (uint64_t)(*p - '0');
		if (frac >= 0)
			frac++;
	}
	if (!m && neg)
		return -0.0;
	return (neg ? -1.0 : 1.0) * ((double)m / pow10[frac > 0 ? frac : 0]);
}

static int build_value(struct build *b, const struct ogjs_keep *keep,
		       cJSON **ret);

static int
build_object(struct build *b, const struct ogjs_keep *keep, cJSON **ret)
{
	struct ogjs *r = b->r;
	const struct keep_index *ix = keep ? keep_index_of(keep) : NULL;
	const struct ogjs_keep *sub;
	cJSON *obj, *child;
	uint64_t seen = 0;
	size_t k;
	char *key;
	int c, more;

	if (ogjs_enter_object(r) < 0)
		return r->err;
	obj = node(b, cJSON_Object);
	while ((more = next_member(r, '}')) == 1) {
		struct seg *s = &r->segs[r->depth - 1];

		c = skip_ws(r);
		if (c != '"')
			return SYNTAX_FAIL(r, "expected a key string, found %s",
					 describe(c));
		if (read_string_sb(r) < 0)
			return r->err;
		k = r->sb_len < sizeof(s->key) - 1 ? r->sb_len :
		    sizeof(s->key) - 1;
		memcpy(s->key, r->sb, k);
		s->key[k] = '\0';
		if (expect(r, ':', "':'") < 0 || utf8_fix_sb(r) < 0)
			return r->err;
		if (!(ix ? keep_lookup(ix, keep, r->sb, &sub) :
			   keep_find(keep, r->sb, &sub))) {
			if (ogjs_skip(r) < 0)
				return r->err;
			continue;
		}
		note_key(b, obj, &seen, r->sb, r->sb_len);
		key = sb_text(b);
		if (build_value(b, sub, &child) < 0)
			return r->err;
		child->string = key;
		append(b, obj, child);
	}
	if (more < 0)
		return more;
	*ret = obj;
	return 0;
}

static int
build_array(struct build *b, const struct ogjs_keep *keep, cJSON **ret)
{
	struct ogjs *r = b->r;
	cJSON *arr, *child;
	int more;

	if (ogjs_enter_array(r) < 0)
		return r->err;
	arr = node(b, cJSON_Array);
	while ((more = ogjs_next_elem(r)) == 1) {
		if (build_value(b, keep, &child) < 0)
			return r->err;
		append(b, arr, child);
	}
	if (more < 0)
		return more;
	*ret = arr;
	return 0;
}

static int
build_value(struct build *b, const struct ogjs_keep *keep, cJSON **ret)
{
	struct ogjs *r = b->r;
	struct numtext num;
	cJSON *j;
	double d;
	int t = ogjs_peek(r);

	switch (t) {
	case '{':
		return build_object(b, keep, ret);
	case '[':
		return build_array(b, keep, ret);
	case '"':
		if (read_string_sb(r) < 0 || utf8_fix_sb(r) < 0)
			return r->err;
		j = node(b, cJSON_String);
		j->valuestring = sb_text(b);
		break;
	case 'n':
		num.n = 0;
		if (read_number(r, &num) < 0)
			return r->err;
		/* cJSON reads at most 63 characters of a number and then
		 * fails on the rest: the same value fails here */
		if (num.n >= sizeof(num.s))
			b->full = true;
		d = number_value(&num);
		j = node(b, cJSON_Number);
		j->valuedouble = d;
		j->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ?
			      INT_MIN : (int)d;
		break;
	case 't':
		if (read_literal(r, "true") < 0)
			return r->err;
		j = node(b, cJSON_True);
		break;
	case 'f':
		if (read_literal(r, "false") < 0)
			return r->err;
		j = node(b, cJSON_False);
		break;
	case 'z':
		if (read_literal(r, "null") < 0)
			return r->err;
		j = node(b, cJSON_NULL);
		break;
	default:
		return t < 0 ? t : r->err;
	}
	*ret = j;
	return 0;
}

int
ogjs_value_keep(struct ogjs *r, struct ogjs_arena *arena,
		const struct ogjs_keep *keep, cJSON **ret_json)
{
	cJSON_Hooks hooks = { .malloc_fn = hook_malloc, .free_fn = hook_free };
	struct build b = { .r = r, .a = arena };
	unsigned depth0 = r->depth;
	uint64_t from, len;
	cJSON *json = NULL;
	int ret;

	if (ogjs_peek(r) < 0)
		return r->err;
	from = ogjs_offset(r);
	r->building = true;
	r->build_from = from;
	ret = build_value(&b, keep, &json);
	r->building = false;
	if (ret < 0)
		return ret;
	len = ogjs_offset(r) - from;
	/* the limit the copied text had, with its terminating NUL */
	if (len + 1 > r->cap_max)
		return ogjs_fail(r, "value larger than %zu bytes", r->cap_max);
	if (b.full) {
		r->depth = depth0;
		return ogjs_fail(r, "cannot parse this value (%zu bytes): "
				 "too large or too deep", (size_t)len);
	}
	if (b.dup) {
		/* the dropped members go back to the arena (a no-op) */
		pthread_mutex_lock(&hook_lock);
		hook_arena = arena;
		cJSON_InitHooks(&hooks);
		og_json_dedup_keys(json);
		cJSON_InitHooks(NULL);
		hook_arena = NULL;
		pthread_mutex_unlock(&hook_lock);
	}
	*ret_json = json;
	return 0;
}

int
ogjs_value(struct ogjs *r, struct ogjs_arena *arena, cJSON **ret_json)
{
	return ogjs_value_keep(r, arena, NULL, ret_json);
}

int
ogjs_each_object(struct ogjs *r, struct ogjs_arena *arena, bool dry,
		 const char *what, const struct ogjs_keep *keep,
		 int (*fn)(void *arg, cJSON *item), void *arg)
{
	cJSON *j;
	int ret;

	if (ogjs_peek(r) == 'z')
		return ogjs_skip(r);
	ret = ogjs_expect(r, '[', "an array");
	if (ret < 0 || (ret = ogjs_enter_array(r)) < 0)
		return ret;
	while ((ret = ogjs_next_elem(r)) == 1) {
		if ((ret = ogjs_expect(r, '{', what)) < 0)
			return ret;
		if (dry) {
			if ((ret = ogjs_skip(r)) < 0)
				return ret;
			continue;
		}
		if ((ret = ogjs_value_keep(r, arena, keep, &j)) < 0)
			return ret;
		ret = fn(arg, j);
		ogjs_arena_reset(arena);
		if (ret < 0)
			return ret;
	}
	return ret;
}

int
ogjs_string(struct ogjs *r, struct ogjs_arena *arena, char **dst)
{
	char *copy = NULL;
	cJSON *j;
	int ret;

	ret = ogjs_value(r, arena, &j);
	if (ret < 0)
		return ret;
	if (cJSON_IsString(j)) {
		copy = strdup(j->valuestring);
		if (!copy)
			ret = ogjs_fail(r, "out of memory");
	} else if (!cJSON_IsNull(j)) {
		ret = ogjs_fail(r, "expected a string");
	}
	ogjs_arena_reset(arena);
	if (ret == 0) {
		free(*dst);
		*dst = copy;
	}
	return ret;
}

int
ogjs_expect_end(struct ogjs *r)
{
	int c = -1;

	if (next_char(r, &c) != 0)
		return r->err;
	if (c >= 0)
		return SYNTAX_FAIL(r, "unexpected %s after the document",
				 describe(c));
	return 0;
}

/* ---- lifecycle and marks -------------------------------------------- */

/* A reader over @fd, which it owns once this succeeds (the caller
 * closes it when this fails). */
static int
ogjs_open_fd(int fd, const char *name, const struct ogjs_limits *limits,
	     struct ogjs **ret_reader)
{
	struct ogjs *r;
	unsigned depth = limits && limits->max_depth ? limits->max_depth :
			 OGJS_DEPTH_DEFAULT;

	if (depth > OGJS_DEPTH_MAX)
		depth = OGJS_DEPTH_MAX;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->segs = calloc(depth, sizeof(*r->segs));
	r->name = strdup(name);
	if (!r->segs || !r->name) {
		free(r->segs);
		free(r->name);
		free(r);
		return -ENOMEM;
	}
	r->fd = fd;
	r->max_depth = depth;
	r->cap_max = limits && limits->max_value_bytes ?
		     limits->max_value_bytes : OGJS_VALUE_DEFAULT;
	*ret_reader = r;
	return 0;
}

int
ogjs_open(const char *path, const char *display,
	  const struct ogjs_limits *limits, struct ogjs **ret_reader)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ogjs_open_fd(fd, display ? display : path, limits, ret_reader);
	if (ret < 0)
		close(fd);
	return ret;
}

int
ogjs_open_twin(const struct ogjs *r, struct ogjs **ret_twin)
{
	struct ogjs_limits lim = { .max_depth = r->max_depth,
				   .max_value_bytes = r->cap_max };
	struct ogjs *t;
	struct stat sb;
	int fd, ret;

	if (fstat(r->fd, &sb) < 0)
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -ESPIPE;
	/* the same open file (not the path again: it may have been
	 * replaced), read at offsets of its own */
	fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = ogjs_open_fd(fd, r->name, &lim, &t);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	t->positioned = true;
	*ret_twin = t;
	return 0;
}

struct ogjs *
ogjs_free(struct ogjs *r)
{
	if (r) {
		close(r->fd);
		free(r->segs);
		free(r->name);
		free(r->sb);
		free(r);
	}
	return NULL;
}

static int
seek_to(struct ogjs *r, uint64_t off)
{
	if (!r->positioned && lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	r->base = off;
	r->pos = r->len = 0;
	r->eof = false;
	return 0;
}

int
ogjs_rewind(struct ogjs *r)
{
	int ret = seek_to(r, 0);

	if (ret < 0)
		return ret;
	r->depth = 0;
	r->err = 0;
	r->errmsg[0] = '\0';
	r->building = false;
	r->text_fixed = 0;
	return 0;
}

int
ogjs_mark(struct ogjs *r, struct ogjs_mark *ret_mark)
{
	void *segs = NULL;

	if (r->err)
		return r->err;
	if (r->depth) {
		segs = malloc(r->depth * sizeof(struct seg));
		if (!segs)
			return -ENOMEM;
		memcpy(segs, r->segs, r->depth * sizeof(struct seg));
	}
	ret_mark->offset = ogjs_offset(r);
	ret_mark->depth = r->depth;
	ret_mark->segs = segs;
	return 0;
}

int
ogjs_seek(struct ogjs *r, const struct ogjs_mark *m)
{
	int ret;

	if (r->err)
		return r->err;
	ret = seek_to(r, m->offset);
	if (ret < 0)
		return ogjs_fail(r, "seek failed: %s", strerror(-ret));
	r->depth = m->depth;
	if (m->depth)
		memcpy(r->segs, m->segs, m->depth * sizeof(struct seg));
	return 0;
}

void
ogjs_mark_clear(struct ogjs_mark *m)
{
	free(m->segs);
	m->segs = NULL;
	m->depth = 0;
}

int
ogjs_defer_add(struct ogjs *r, struct ogjs_defer *d, const char *key)
{
	int ret;

	if (d->n >= OGJS_DEFER_MAX)
		return ogjs_fail(r, "too many keys out of order");
	ret = ogjs_mark(r, &d->marks[d->n]);
	if (ret < 0)
		return ret;
	snprintf(d->keys[d->n], sizeof(d->keys[0]), "%s", key);
	d->n++;
	return ogjs_skip(r);
}

void
ogjs_defer_clear(struct ogjs_defer *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		ogjs_mark_clear(&d->marks[i]);
	d->n = 0;
}

int
ogjs_defer_run(struct ogjs *r, struct ogjs_defer *d,
	       int (*fn)(void *arg, const char *key), void *arg)
{
	struct ogjs_mark end = { 0 };
	size_t i;
	int ret;

	if (!d->n)
		return 0;
	ret = ogjs_mark(r, &end);
	for (i = 0; ret >= 0 && i < d->n; i++) {
		ret = ogjs_seek(r, &d->marks[i]);
		if (ret >= 0)
			ret = fn(arg, d->keys[i]);
	}
	if (ret >= 0)
		ret = ogjs_seek(r, &end);
	ogjs_mark_clear(&end);
	ogjs_defer_clear(d);
	return ret;
}
