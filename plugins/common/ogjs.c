/*
 * Streaming JSON reader: see ogjs.h.  Grammar per RFC 8259; the walker is
 * recursive but bounded by max_depth, so deep nesting is an error, never a
 * stack overflow.
 */
#include "ogjs.h"
#include "jsonin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	char *name;
	unsigned char buf[OGJS_BUF];
	size_t pos, len;
	uint64_t base;		/* file offset of buf[0] */
	bool eof;
	unsigned max_depth;
	unsigned depth;
	struct seg *segs;
	/* capture for ogjs_value: the bytes from buf[cap_from] on belong to
	 * the value; they are copied out in spans (at a refill and at the
	 * end), never byte by byte */
	bool capturing;
	size_t cap_from;
	char *cap;
	size_t cap_len, cap_size, cap_max;
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
 * point at the arena only for the duration of one parse. */
static struct ogjs_arena *hook_arena;

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
capture(struct ogjs *r, const unsigned char *p, size_t n)
{
	if (r->cap_len + n > r->cap_max)
		return ogjs_fail(r, "value larger than %zu bytes", r->cap_max);
	if (r->cap_len + n + 1 > r->cap_size) {
		size_t sz = r->cap_size ? r->cap_size : 4096;
		char *p2;

		while (sz < r->cap_len + n + 1)
			sz *= 2;
		p2 = realloc(r->cap, sz);
		if (!p2)
			return ogjs_fail(r, "out of memory");
		r->cap = p2;
		r->cap_size = sz;
	}
	memcpy(r->cap + r->cap_len, p, n);
	r->cap_len += n;
	return 0;
}

static int
refill(struct ogjs *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->capturing) {
		if (capture(r, r->buf + r->cap_from, r->len - r->cap_from) < 0)
			return r->err;
		r->cap_from = 0;
	}
	r->base += r->len;
	r->pos = r->len = 0;
	do
		n = read(r->fd, r->buf, sizeof(r->buf));
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

/* Consume the byte peekc() returned (a capture takes it with its span). */
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

static void
put_utf8(char *out, size_t cap, size_t *n, unsigned cp)
{
	unsigned char b[4];
	size_t k = 0, i;

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
	for (i = 0; i < k; i++)
		if (out && *n + 1 < cap)
			out[(*n)++] = (char)b[i];
}

/* The first byte in [p, end) that ends a plain run inside a string: a
 * quote, a backslash or a control byte; @end when there is none.  Eight
 * bytes per step (SWAR): this scan is most of the time spent on a large
 * report, and the per-byte loop was the hottest code of a collect. */
static const unsigned char *
plain_run_end(const unsigned char *p, const unsigned char *end)
{
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
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
		p++;
	return p;
}

/*
 * Read a string (reader at its opening quote).  When @out is given the
 * decoded text goes there, truncated to @cap - 1 bytes.  Surrogate pairs
 * are decoded per unit: only keys are decoded, and those are ASCII in
 * every format we read.
 */
static int
read_string(struct ogjs *r, char *out, size_t cap)
{
	size_t n = 0;
	int c, i, h;
	unsigned cp;

	if (advance(r) < 0)
		return r->err;
	for (;;) {
		/* Fast path: run of plain bytes inside the buffer. */
		if (r->pos < r->len) {
			const unsigned char *p = r->buf + r->pos;
			const unsigned char *q = plain_run_end(p, r->buf + r->len);
			size_t run = (size_t)(q - p);

			if (out && n + 1 < cap) {
				size_t k = run < cap - 1 - n ? run : cap - 1 - n;

				memcpy(out + n, p, k);
				n += k;
			}
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
			if (out && n + 1 < cap)
				out[n++] = (char)c;
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
			put_utf8(out, cap, &n, cp);
			continue;
		default:
			return SYNTAX_FAIL(r, "bad escape \\%c in string",
					 c >= 0x20 && c < 0x7f ? c : '?');
		}
		if (out && n + 1 < cap)
			out[n++] = (char)c;
	}
	if (out)
		out[n] = '\0';
	return 0;
}

static int
digits(struct ogjs *r)
{
	int c, n = 0;

	while ((c = peekc(r)) >= '0' && c <= '9') {
		if (advance(r) < 0)
			return r->err;
		n++;
	}
	if (!n)
		return SYNTAX_FAIL(r, "bad number: expected a digit, found %s",
				 describe(c));
	return 0;
}

static int
read_number(struct ogjs *r)
{
	int c = peekc(r);

	if (c == '-' && advance(r) < 0)
		return r->err;
	if (peekc(r) == '0') {
		if (advance(r) < 0)
			return r->err;
	} else if (digits(r) < 0) {
		return r->err;
	}
	if (peekc(r) == '.') {
		if (advance(r) < 0 || digits(r) < 0)
			return r->err;
	}
	c = peekc(r);
	if (c == 'e' || c == 'E') {
		if (advance(r) < 0)
			return r->err;
		c = peekc(r);
		if ((c == '+' || c == '-') && advance(r) < 0)
			return r->err;
		if (digits(r) < 0)
			return r->err;
	}
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
	if (read_string(r, s->key, sizeof(s->key)) < 0)
		return r->err;
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

int
ogjs_skip(struct ogjs *r)
{
	const char *key;
	int t, ret;

	t = ogjs_peek(r);
	switch (t) {
	case '{':
		if (ogjs_enter_object(r) < 0)
			return r->err;
		while ((ret = ogjs_next_key(r, &key)) == 1)
			if (ogjs_skip(r) < 0)
				return r->err;
		return ret;
	case '[':
		if (ogjs_enter_array(r) < 0)
			return r->err;
		while ((ret = ogjs_next_elem(r)) == 1)
			if (ogjs_skip(r) < 0)
				return r->err;
		return ret;
	case '"':
		return read_string(r, NULL, 0);
	case 'n':
		return read_number(r);
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

int
ogjs_value(struct ogjs *r, struct ogjs_arena *arena, cJSON **ret_json)
{
	cJSON_Hooks hooks = { .malloc_fn = hook_malloc, .free_fn = hook_free };
	const char *end = NULL;
	unsigned depth0 = r->depth;
	char *fixed_text = NULL;
	size_t fixed, fixed_len = 0;
	cJSON *json;
	int ret;

	if (ogjs_peek(r) < 0)
		return r->err;
	r->capturing = true;
	r->cap_from = r->pos;
	r->cap_len = 0;
	ret = ogjs_skip(r);
	if (ret >= 0)
		ret = capture(r, r->buf + r->cap_from, r->pos - r->cap_from);
	r->capturing = false;
	if (ret < 0)
		return ret;
	if (capture(r, (const unsigned char *)"", 1) < 0)
		return r->err;
	r->cap_len--;
	/* One lone "\uD800" must cost one character, not the whole file. */
	fixed = og_json_text_fix(r->cap, r->cap_len, &fixed_text, &fixed_len);
	if (fixed == (size_t)-1)
		return ogjs_fail(r, "out of memory");
	r->text_fixed += fixed;
	hook_arena = arena;
	cJSON_InitHooks(&hooks);
	json = cJSON_ParseWithLengthOpts(fixed_text ? fixed_text : r->cap,
					 fixed_text ? fixed_len : r->cap_len,
					 &end, false);
	og_json_dedup_keys(json);
	cJSON_InitHooks(NULL);
	hook_arena = NULL;
	free(fixed_text);
	if (!json) {
		/* The grammar was checked above, so this is the arena cap, a
		 * nesting level cJSON refuses, or a bad number. */
		r->depth = depth0;
		return ogjs_fail(r, "cannot parse this value (%zu bytes): "
				 "too large or too deep", r->cap_len);
	}
	*ret_json = json;
	return 0;
}

int
ogjs_each_object(struct ogjs *r, struct ogjs_arena *arena, bool dry,
		 const char *what, int (*fn)(void *arg, cJSON *item), void *arg)
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
		if ((ret = ogjs_value(r, arena, &j)) < 0)
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

int
ogjs_open(const char *path, const char *display,
	  const struct ogjs_limits *limits, struct ogjs **ret_reader)
{
	struct ogjs *r;
	unsigned depth = limits && limits->max_depth ? limits->max_depth :
			 OGJS_DEPTH_DEFAULT;
	int fd, e;

	if (depth > OGJS_DEPTH_MAX)
		depth = OGJS_DEPTH_MAX;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	r->segs = calloc(depth, sizeof(*r->segs));
	r->name = strdup(display ? display : path);
	if (!r->segs || !r->name)
		goto nomem;
	r->fd = fd;
	r->max_depth = depth;
	r->cap_max = limits && limits->max_value_bytes ?
		     limits->max_value_bytes : OGJS_VALUE_DEFAULT;
	*ret_reader = r;
	return 0;
nomem:
	e = -ENOMEM;
	close(fd);
	if (r) {
		free(r->segs);
		free(r->name);
		free(r);
	}
	return e;
}

struct ogjs *
ogjs_free(struct ogjs *r)
{
	if (r) {
		close(r->fd);
		free(r->segs);
		free(r->name);
		free(r->cap);
		free(r);
	}
	return NULL;
}

static int
seek_to(struct ogjs *r, uint64_t off)
{
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
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
	r->capturing = false;
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
