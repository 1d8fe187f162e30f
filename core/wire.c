/* Frames on the plugin -> host pipe: see wire.h for the format. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "jsonw.h"
#include "util.h"
#include "wire.h"

/* True when the @n bytes at @p are all ASCII: looked at eight a step,
 * since nearly every string of a report is, and then needs no UTF-8 check. */
static bool
all_ascii(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080u)
			return false;
	}
	for (; i < n; i++)
		if (p[i] & 0x80)
			return false;
	return true;
}

/* ---- child side ------------------------------------------------------ */

void
og_wire_buf_clear(struct og_wire_buf *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

static unsigned char *
reserve(struct og_wire_buf *b, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 65536;

		while (cap - b->len < n)
			cap *= 2;
		b->buf = og_xrealloc_array(b->buf, cap, 1);
		b->cap = cap;
	}
	return b->buf + b->len;
}

static void
put_bytes(struct og_wire_buf *b, const void *p, size_t n)
{
	memcpy(reserve(b, n), p, n);
	b->len += n;
}

static void
put_varint(struct og_wire_buf *b, uint64_t v)
{
	unsigned char *p = reserve(b, 10);
	size_t k = 0;

	do {
		p[k++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	b->len += k;
}

/* The bytes of @s as the JSON writer would carry them: each byte that
 * does not start a UTF-8 sequence becomes U+FFFD (og_jw_utf8_len), so
 * a finding reads the same whichever frame type carried it. */
static void
put_str(struct og_wire_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, ascii;

	if (!s) {
		put_varint(b, 0);
		return;
	}
	n = strlen(s);
	if (all_ascii(p, n)) {
		put_varint(b, n + 1);
		put_bytes(b, p, n);
		return;
	}
	for (n = 0; p[n] < 0x80; n++)
		;
	ascii = n;
	for (size_t i = ascii, k; p[i]; i += k ? k : 1) {
		k = og_jw_utf8_len(p + i);
		n += k ? k : 3;
	}
	put_varint(b, n + 1);
	put_bytes(b, p, ascii);
	for (size_t i = ascii, k; p[i]; i += k ? k : 1) {
		k = og_jw_utf8_len(p + i);
		if (k)
			put_bytes(b, p + i, k);
		else
			put_bytes(b, "\xef\xbf\xbd", 3);
	}
}

static void
put_head(struct og_wire_buf *b, enum og_wire_type type, size_t n)
{
	unsigned char h[OG_WIRE_HEAD] = {
		OG_WIRE_MAGIC, (unsigned char)type,
		(unsigned char)n, (unsigned char)(n >> 8),
		(unsigned char)(n >> 16), (unsigned char)(n >> 24),
	};

	put_bytes(b, h, sizeof(h));
}

void
og_wire_put_frame(struct og_wire_buf *b, enum og_wire_type type,
		  const void *payload, size_t n)
{
	put_head(b, type, n);
	put_bytes(b, payload, n);
}

void
og_wire_put_finding(struct og_wire_buf *b, const struct og_finding *f,
		    const char *fp)
{
	const char *const strs[] = {
		fp, f->id, f->title, f->package, f->installed_version,
		f->fixed_version, f->status_detail, f->url, f->published,
		f->suppressed ? (f->suppression ? f->suppression : "suppressed")
			      : NULL,
		f->tool,
	};
	bool has_score = f->score >= 0 && isfinite(f->score);
	size_t start = b->len, n_tags = 0;
	unsigned char fixed[3] = {
		(unsigned char)f->kind, (unsigned char)f->severity,
		(unsigned char)((f->suppressed ? 1 : 0) | (has_score ? 2 : 0)),
	};

	put_head(b, OG_WIRE_FINDING, 0);	/* length patched below */
	put_bytes(b, fixed, sizeof(fixed));
	if (has_score) {
		uint64_t u;
		unsigned char le[8];

		memcpy(&u, &f->score, 8);
		for (int i = 0; i < 8; i++)
			le[i] = (unsigned char)(u >> (8 * i));
		put_bytes(b, le, 8);
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		put_str(b, strs[i]);
	while (f->tags && f->tags[n_tags])
		n_tags++;
	put_varint(b, n_tags);
	for (size_t i = 0; i < n_tags; i++)
		put_str(b, f->tags[i]);
	put_varint(b, f->n_locations);
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct og_location *l = (const struct og_location *)
			((const unsigned char *)f->locations + i * f->location_size);

		put_str(b, l->target);
		put_str(b, l->file);
		put_str(b, l->layer);
		put_varint(b, l->line);
		put_varint(b, l->column);
	}
	{
		size_t n = b->len - start - OG_WIRE_HEAD;
		unsigned char *h = b->buf + start;

		h[2] = (unsigned char)n;
		h[3] = (unsigned char)(n >> 8);
		h[4] = (unsigned char)(n >> 16);
		h[5] = (unsigned char)(n >> 24);
	}
}

/* ---- parent side ----------------------------------------------------- */

int64_t
og_wire_frame_len(const unsigned char *h, enum og_wire_type *ret_type)
{
	if (h[0] != OG_WIRE_MAGIC ||
	    (h[1] != OG_WIRE_JSON && h[1] != OG_WIRE_FINDING))
		return -1;
	*ret_type = (enum og_wire_type)h[1];
	return (int64_t)((uint32_t)h[2] | (uint32_t)h[3] << 8 |
			 (uint32_t)h[4] << 16 | (uint32_t)h[5] << 24);
}

/* A cursor over one payload; the first problem sticks in @err. */
struct rd {
	const unsigned char *p, *end;
	char *scratch;		/* decoded strings, NUL-terminated */
	size_t used;
	size_t fixed;
	char **fixes;		/* copies made by the UTF-8 repair */
	size_t n_fixes;
	const char *err;
};

static uint64_t
get_varint(struct rd *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (r->p == r->end) {
			r->err = "truncated number";
			return 0;
		}
		c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->err = "number too long";
	return 0;
}

static char *
get_str(struct rd *r)
{
	uint64_t n = get_varint(r);
	char *s, *fix;
	size_t fixed = 0;

	if (r->err || n == 0)
		return NULL;
	n--;
	if (n > (uint64_t)(r->end - r->p)) {
		r->err = "string past the end of the record";
		return NULL;
	}
	if (memchr(r->p, '\0', (size_t)n)) {
		r->err = "NUL byte in a string";
		return NULL;
	}
	/* Each string takes at least one length byte more than its text
	 * in the frame, so the scratch (frame-sized) cannot overflow. */
	s = r->scratch + r->used;
	memcpy(s, r->p, (size_t)n);
	s[n] = '\0';
	r->used += (size_t)n + 1;
	r->p += n;
	if (all_ascii((const unsigned char *)s, (size_t)n))
		return s;
	fix = og_utf8_fix(s, &fixed);
	if (!fix)
		return s;
	r->fixed += fixed;
	r->fixes = og_xrealloc_array(r->fixes, r->n_fixes + 1, sizeof(*r->fixes));
	r->fixes[r->n_fixes++] = fix;
	return fix;
}

static void
get_strv(struct rd *r, char ***ret_v, size_t *ret_n)
{
	uint64_t n = get_varint(r);

	*ret_v = NULL;
	*ret_n = 0;
	if (r->err || n == 0)
		return;
	if (n > (uint64_t)(r->end - r->p)) {	/* >= 1 byte each */
		r->err = "list longer than the record";
		return;
	}
	*ret_v = og_xcalloc((size_t)n + 1, sizeof(**ret_v));
	for (size_t i = 0; i < n && !r->err; i++) {
		(*ret_v)[i] = get_str(r);
		if (!(*ret_v)[i] && !r->err)
			r->err = "NULL in a list";
	}
	*ret_n = (size_t)n;
}

int
og_wire_add_finding(struct og_model *m, const unsigned char *p, size_t n,
		    const char *source, size_t *ret_fixed, char **ret_err)
{
	struct rd r = { .p = p, .end = p + n };
	struct og_model_finding f = { 0 };
	/* a finding frame is a few hundred bytes: no allocation for it */
	char scratch[2048];
	struct og_model_location locs[4];
	char **strs[] = {
		&f.fingerprint, &f.id, &f.title, &f.package,
		&f.installed_version, &f.fixed_version, &f.status_detail,
		&f.url, &f.published, &f.suppression,
	};
	char *tool = NULL;
	uint64_t n_loc;
	int ret = -EINVAL;

	*ret_fixed = 0;
	if (n < 3) {
		*ret_err = og_strdup0("finding record too short");
		return -EINVAL;
	}
	r.scratch = n < sizeof(scratch) ? scratch : og_xmalloc(n + 1);
	f.kind = (enum og_finding_kind)p[0];
	f.severity = (enum og_severity)p[1];
	f.suppressed = p[2] & 1;
	f.score = -1;
	r.p += 3;
	if (p[2] & 2) {
		uint64_t u = 0;

		if (r.end - r.p < 8) {
			r.err = "truncated score";
			goto out;
		}
		for (int i = 0; i < 8; i++)
			u |= (uint64_t)r.p[i] << (8 * i);
		memcpy(&f.score, &u, 8);
		r.p += 8;
		if (!isfinite(f.score) || f.score < 0)
			f.score = -1;
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		*strs[i] = get_str(&r);
	tool = get_str(&r);
	f.tools = tool ? &tool : NULL;
	f.n_tools = tool ? 1 : 0;
	get_strv(&r, &f.tags, &f.n_tags);
	n_loc = get_varint(&r);
	if (!r.err && n_loc > (uint64_t)(r.end - r.p) / 5) {	/* >= 5 bytes each */
		r.err = "more locations than the record holds";
		goto out;
	}
	if (r.err)
		goto out;
	f.locations = n_loc < sizeof(locs) / sizeof(locs[0]) ? locs :
		      og_xcalloc((size_t)n_loc + 1, sizeof(*f.locations));
	memset(f.locations, 0, ((size_t)n_loc + 1) * sizeof(*f.locations));
	for (size_t i = 0; i < n_loc && !r.err; i++) {
		struct og_model_location *l = &f.locations[i];
		uint64_t line, col;

		l->target = get_str(&r);
		l->file = get_str(&r);
		l->layer = get_str(&r);
		line = get_varint(&r);
		col = get_varint(&r);
		if (line > UINT32_MAX || col > UINT32_MAX)
			r.err = "line or column out of range";
		l->line = (uint32_t)line;
		l->column = (uint32_t)col;
	}
	f.n_locations = (size_t)n_loc;
	if (!r.err && r.p != r.end)
		r.err = "bytes after the finding";
	if (!r.err && (!f.fingerprint || !*f.fingerprint || !f.id || !*f.id))
		r.err = "a finding without a fingerprint or id";
	if (r.err)
		goto out;
	if (!f.suppressed)
		f.suppression = NULL;
	f.sources = (char **)&source;
	f.n_sources = 1;
	ret = og_model_add_model_finding(m, &f);
	if (ret < 0)
		*ret_err = og_asprintf("finding rejected: %s", strerror(-ret));
	*ret_fixed = r.fixed;
out:
	if (r.err)
		*ret_err = og_asprintf("malformed finding record: %s", r.err);
	for (size_t i = 0; i < r.n_fixes; i++)
		free(r.fixes[i]);
	free(r.fixes);
	free(f.tags);
	if (f.locations != locs)
		free(f.locations);
	if (r.scratch != scratch)
		free(r.scratch);
	return ret;
}
