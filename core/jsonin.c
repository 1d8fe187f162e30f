#include "jsonin.h"
#include "htab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
static const unsigned char replacement[3] = { 0xef, 0xbf, 0xbd };	/* U+FFFD */

/* RFC 3629, table 3-7 of the Unicode standard; the maximal invalid
 * subpart is replaced as the standard recommends. */
long
og_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t want, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		want = 2;
	else if (c >= 0xe0 && c <= 0xef)
		want = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		want = 4;
	else
		return -1;	/* continuation byte, C0/C1 (overlong), F5+ */
	if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	for (i = 1; i < want; i++) {
		if (i >= n || p[i] < lo || p[i] > hi)
			return -(long)i;
		lo = 0x80;
		hi = 0xbf;
	}
	return (long)want;
}

int
og_json_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
og_json_escape_unit(const unsigned char *p, size_t n)
{
	long v = 0;

	if (n < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int h = og_json_hexval(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the run of ASCII bytes at @p that need no look (and, in
 * JSON text, no backslash): eight bytes per step, since nearly all of a
 * report is such runs and this pass reads every byte of it. */
static size_t
ascii_run(const unsigned char *p, size_t n, bool json)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t k = 0;

	for (; n - k >= 8; k += 8) {
		uint64_t w, b;

		memcpy(&w, p + k, 8);
		b = w ^ (ones * '\\');
		b = json ? (b - ones) & ~b : 0;
		if ((w | b) & highs)
			break;
	}
	while (k < n && p[k] < 0x80 && !(json && p[k] == '\\'))
		k++;
	return k;
}

/*
 * One pass over @in: with @out NULL, only count the output size and the
 * replacements; else write them.  @json: also interpret backslash escapes
 * (JSON text rather than a plain string).
 */
static size_t
fix_pass(const unsigned char *in, size_t len, bool json, unsigned char *out,
	 size_t *ret_out_len)
{
	size_t i = 0, o = 0, fixed = 0;

#define EMIT(src, k) do {				\
		if (out)				\
			memcpy(out + o, (src), (k));	\
		o += (k);				\
	} while (0)

	while (i < len) {
		const unsigned char *p = in + i;
		long s, u;

		if (*p < 0x80 && !(json && *p == '\\')) {
			size_t run = 1 + ascii_run(p + 1, len - i - 1, json);

			/* plain ASCII runs are copied in one go */
			EMIT(p, run);
			i += run;
			continue;
		}
		if (*p == '\\') {
			u = og_json_escape_unit(p, len - i);
			if (u < 0xd800 || u > 0xdfff) {
				/* any other escape: the unit and what it
				 * escapes stay as they are */
				size_t k = u >= 0 ? 6 : (i + 1 < len ? 2 : 1);

				EMIT(p, k);
				i += k;
				continue;
			}
			if (u <= 0xdbff) {
				long lo = og_json_escape_unit(p + 6, len - i - 6);

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					EMIT(p, 12);
					i += 12;
					continue;
				}
			}
			EMIT("\\uFFFD", 6);
			i += 6;
			fixed++;
			continue;
		}
		s = og_utf8_seq(p, len - i);
		if (s > 0) {
			EMIT(p, (size_t)s);
			i += (size_t)s;
			continue;
		}
		EMIT(replacement, sizeof(replacement));
		i += (size_t)-s;
		fixed++;
	}
#undef EMIT
	*ret_out_len = o;
	return fixed;
}

static size_t
fix_copy(const char *text, size_t len, bool json, char **ret_text,
	 size_t *ret_len)
{
	const unsigned char *in = (const unsigned char *)text;
	size_t fixed, out_len;
	bool had_bom = false;
	unsigned char *out;

	*ret_text = NULL;
	*ret_len = len;
	if (json && len >= sizeof(bom) && memcmp(in, bom, sizeof(bom)) == 0) {
		in += sizeof(bom);
		len -= sizeof(bom);
		had_bom = true;
	}
	fixed = fix_pass(in, len, json, NULL, &out_len);
	if (!fixed && !had_bom)
		return 0;
	out = malloc(out_len + 1);
	if (!out)
		return (size_t)-1;
	fix_pass(in, len, json, out, &out_len);
	out[out_len] = '\0';
	*ret_text = (char *)out;
	*ret_len = out_len;
	return fixed;
}

size_t
og_json_text_fix(const char *text, size_t len, char **ret_text, size_t *ret_len)
{
	return fix_copy(text, len, true, ret_text, ret_len);
}

size_t
og_utf8_fix_n(const char *s, size_t len, char **ret_text, size_t *ret_len)
{
	return fix_copy(s, len, false, ret_text, ret_len);
}

char *
og_utf8_fix(const char *s, size_t *ret_n)
{
	char *out = NULL;
	size_t n = 0, len;

	if (s) {
		n = fix_copy(s, strlen(s), false, &out, &len);
		if (n == (size_t)-1)
			n = 0;
	}
	if (ret_n)
		*ret_n = n;
	return out;
}

/* ---- duplicate keys ------------------------------------------------------ */

struct member {
	cJSON *item;
	size_t pos;
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->item->string ? x->item->string : "",
		       y->item->string ? y->item->string : "");

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

#define DEDUP_HASHED_MAX 64	/* objects up to this size: one hashed pass */

static bool
member_key_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

/* Keep the last member of each key of a small object (every object of a
 * scanner report): one pass over a table on the stack, sized to the
 * object, strcmp only when two keys hash alike. */
static void
dedup_hashed(cJSON *o, size_t n)
{
	struct og_htab_slot buf[2 * DEDUP_HASHED_MAX];
	struct og_htab t;
	size_t cap = 4;
	cJSON *c, *next;

	while (cap * 3 <= n * 4)	/* load under 3/4 */
		cap *= 2;
	memset(buf, 0, cap * sizeof(*buf));
	og_htab_init_buf(&t, buf, cap);
	for (c = o->child; c; c = next) {
		const char *k = c->string ? c->string : "";
		struct og_htab_slot *s;
		bool is_new;

		next = c->next;
		s = og_htab_claim(&t, og_hash64(k, strlen(k), 0), member_key_eq,
				  k, &is_new);
		if (!s)
			return;	/* cannot happen: the table is sized to @n */
		if (!is_new) {
			cJSON_Delete(cJSON_DetachItemViaPointer(o, (cJSON *)s->val));
			s->key = k;	/* the deleted member owned the old key */
		}
		s->val = (size_t)(uintptr_t)c;
	}
}

static void
dedup_object(cJSON *o)
{
	struct member *v;
	size_t n = 0, i = 0;
	cJSON *c;

	for (c = o->child; c; c = c->next)
		n++;
	if (n < 2)
		return;
	if (n <= DEDUP_HASHED_MAX) {
		dedup_hashed(o, n);
		return;
	}
	v = malloc(n * sizeof(*v));
	if (!v)
		return;		/* keeps the first: wrong, but no crash */
	for (c = o->child; c; c = c->next, i++) {
		v[i].item = c;
		v[i].pos = i;
	}
	qsort(v, n, sizeof(*v), cmp_member);
	for (i = 0; i + 1 < n; i++)
		if (strcmp(v[i].item->string ? v[i].item->string : "",
			   v[i + 1].item->string ? v[i + 1].item->string : "") == 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(o, v[i].item));
	free(v);
}

void
og_json_dedup_keys(cJSON *j)
{
	if (!j)
		return;
	if (cJSON_IsObject(j))
		dedup_object(j);
	for (cJSON *c = j->child; c; c = c->next)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			og_json_dedup_keys(c);
}

cJSON *
og_json_parse(const char *text, size_t len, bool trailing_ok, size_t *ret_fixed,
	      size_t *ret_err_off)
{
	const char *use = text, *end = NULL;
	char *copy = NULL;
	size_t use_len = len, fixed;
	cJSON *j;

	fixed = og_json_text_fix(text, len, &copy, &use_len);
	if (fixed == (size_t)-1) {
		if (ret_err_off)
			*ret_err_off = 0;
		return NULL;
	}
	if (copy)
		use = copy;
	if (ret_fixed)
		*ret_fixed = fixed;
	/* Within @use_len bytes (no NUL needed); trailing bytes are checked
	 * here, since cJSON's own check needs a terminator. */
	j = cJSON_ParseWithLengthOpts(use, use_len, &end, false);
	if (j && !trailing_ok && end) {
		while (end < use + use_len && (*end == ' ' || *end == '\t' ||
					      *end == '\n' || *end == '\r'))
			end++;
		if (end < use + use_len) {
			cJSON_Delete(j);
			j = NULL;
		}
	}
	if (!j && ret_err_off)
		*ret_err_off = end ? (size_t)(end - use) : 0;
	og_json_dedup_keys(j);
	free(copy);
	return j;
}
