/*
 * Reading a snapshot file with the pull reader (core/jsonrd.h): the two
 * per-finding members go straight into the compact list, every other
 * member is parsed as a small tree, so a file reads as og_json_parse
 * reads it (a repeated key: the last stands, where it stands) without a
 * tree of 2 n members.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history/snapshot.h"
#include "jsonin.h"
#include "jsonrd.h"
#include "util.h"

/* A "finding_sources" member until the join: its key where it stands in
 * the text (100 k copies would be megabytes for a moment), or decoded
 * into rd.keys when it has escapes; its value in the snapshot's arena. */
struct src_ent {
	const char *key;	/* @len bytes, not NUL-terminated */
	size_t len;
	const char *sources;	/* NULL: not a string */
	uint32_t pos;		/* order read: the last of a key stands */
};

struct rd {
	struct og_jr r;
	struct og_snapshot *s;
	struct src_ent *src;
	size_t n_src, cap_src;
	struct og_arena keys;
	const char *last_src;	/* most findings share one list: one copy */
};

static unsigned
severity_index(const char *v)
{
	for (unsigned i = 0; i < OG_SNAP_SEVERITIES; i++)
		if (!strcmp(v, og_snap_severities[i]))
			return i;
	return OG_SNAP_SEVERITIES;
}

static char *
copy_key(struct og_arena *a, const char *key, size_t len)
{
	char *k = og_arena_alloc(a, len + 1);

	memcpy(k, key, len);
	return k;
}

/* @name := @v in the document, replacing an earlier member of that name
 * (the last stands, as og_json_parse keeps it). */
static void
put_member(cJSON *doc, const char *name, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
	cJSON_AddItemToObject(doc, name, v);
}

/* The value at the cursor as a tree, parsed as og_json_parse parses a
 * whole file. */
static cJSON *
tree_value(struct rd *d)
{
	const unsigned char *a;
	size_t fixed = d->r.fixed, off = 0;
	cJSON *v;

	og_jr_peek(&d->r);
	a = d->r.p;
	if (!og_jr_skip(&d->r, 1))
		return NULL;
	d->r.fixed = fixed;
	v = og_json_parse((const char *)a, (size_t)(d->r.p - a), false, NULL, &off);
	if (!v) {
		d->r.p = a + off;
		og_jr_fail(&d->r);
	}
	return v;
}

static void
add_source(struct rd *d, const char *key, size_t len, const char *v)
{
	struct src_ent *e;

	/* a key with escapes was decoded into scratch: keep a copy */
	if ((uintptr_t)key < (uintptr_t)d->r.start ||
	    (uintptr_t)key >= (uintptr_t)d->r.end)
		key = copy_key(&d->keys, key, len);
	if (v && (!d->last_src || strcmp(v, d->last_src)))
		d->last_src = og_arena_strdup(&d->s->arena, v);
	if (d->n_src == d->cap_src) {
		d->cap_src = d->cap_src ? 2 * d->cap_src : 64;
		d->src = og_xrealloc_array(d->src, d->cap_src, sizeof(*d->src));
	}
	e = &d->src[d->n_src];
	e->key = key;
	e->len = len;
	e->sources = v ? d->last_src : NULL;
	e->pos = (uint32_t)d->n_src++;
}

/* @k (@n bytes, no NUL among them) against the string @s, in strcmp's
 * order. */
static int
key_cmp(const char *k, size_t n, const char *s)
{
	int c = strncmp(k, s, n);

	return c ? c : -(s[n] != '\0');
}

static int
key_order(const struct src_ent *x, const struct src_ent *y)
{
	int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c || x->len == y->len)
		return c;
	return x->len < y->len ? -1 : 1;
}

static int
src_cmp(const void *a, const void *b)
{
	const struct src_ent *x = a, *y = b;
	int c = key_order(x, y);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* "findings" ({fingerprint: severity}) or, @sources, "finding_sources"
 * ({fingerprint: "a,b"}) at the cursor, an object, into its list. */
static bool
read_list(struct rd *d, bool sources)
{
	struct og_snapshot *s = d->s;
	bool first = true;
	const char *key;
	size_t key_len;
	int more;

	/* a repeated member: the last stands */
	if (sources) {
		d->n_src = 0;
	} else {
		s->n = 0;
		s->bad_severity = false;
	}
	d->r.p++;
	while ((more = og_jr_member(&d->r, &first, &key, &key_len)) > 0) {
		const char *v = NULL;

		if (og_jr_peek(&d->r) == '"') {
			if (!(v = og_jr_string(&d->r)))
				return false;
		} else if (!og_jr_skip(&d->r, 2)) {
			return false;
		}
		if (sources) {
			add_source(d, key, key_len, v);
		} else {
			if (!v)
				s->bad_severity = true;
			og_snapshot_add(s, copy_key(&s->arena, key, key_len), NULL,
					v ? severity_index(v) : OG_SNAP_SEVERITIES);
		}
		og_jr_release(&d->r);
	}
	return more == 0;
}

/* Each finding's collectors from "finding_sources" (@s sorted), the last
 * of a key standing; a fingerprint listed there only is ignored, as it
 * always was. */
static void
join_sources(struct og_snapshot *s, struct rd *d)
{
	struct src_ent *v = d->src;
	size_t n = d->n_src, k = 0, i;

	/* ours are in order with no key twice: one pass */
	for (i = 1; i < n && key_order(&v[i - 1], &v[i]) < 0; i++)
		;
	if (i < n)
		qsort(v, n, sizeof(*v), src_cmp);
	for (i = 0; i < s->n; i++) {
		int c = 1;

		while (k < n && (c = key_cmp(v[k].key, v[k].len, s->f[i].fp)) < 0)
			k++;
		/* of equal keys, sorted by position: the last */
		while (c == 0 && k + 1 < n && !key_cmp(v[k + 1].key, v[k + 1].len, s->f[i].fp))
			k++;
		if (k < n && c == 0)
			s->f[i].sources = v[k].sources;
	}
}

/* The root object member by member: 1 read, 0 not an object, -1 a
 * syntax error. */
static int
read_object(struct rd *d)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	bool first = true, ok = true;
	const char *key;
	size_t key_len;
	int more;

	if (d->r.end - d->r.p >= 3 && !memcmp(d->r.p, bom, 3))
		d->r.p += 3;
	if (og_jr_peek(&d->r) != '{')
		return 0;
	d->r.p++;
	d->s->doc = cJSON_CreateObject();
	while (ok && (more = og_jr_member(&d->r, &first, &key, &key_len)) > 0) {
		bool fs = key_len == 8 && !memcmp(key, "findings", 8);
		bool ss = key_len == 15 && !memcmp(key, "finding_sources", 15);
		/* copied: an escaped key is decoded into scratch */
		char *k = og_xmalloc(key_len + 1);
		cJSON *v;

		memcpy(k, key, key_len);
		k[key_len] = '\0';
		if ((fs || ss) && og_jr_peek(&d->r) == '{') {
			/* in place, empty: the list holds them */
			put_member(d->s->doc, k, cJSON_CreateObject());
			ok = read_list(d, ss);
		} else {
			/* not an object: the list read before is gone */
			if (fs) {
				d->s->n = 0;
				d->s->bad_severity = false;
			} else if (ss) {
				d->n_src = 0;
			}
			v = tree_value(d);
			if (v)
				put_member(d->s->doc, k, v);
			ok = v != NULL;
		}
		free(k);
		og_jr_release(&d->r);
	}
	if (!ok || more < 0)
		return -1;
	if (og_jr_peek(&d->r) != -1)
		return og_jr_fail(&d->r), -1;
	return 1;
}

int
og_snapshot_read(struct og_snapshot *s, const char *text, size_t len,
		 size_t *ret_off)
{
	struct rd d = { .s = s };
	int r;

	og_arena_init(&d.keys);
	og_jr_init(&d.r, text, len);
	r = read_object(&d);
	if (r == 0) {
		/* a root that is not an object: whole, for the error */
		size_t off = 0;

		s->doc = og_json_parse(text, len, false, NULL, &off);
		if (!s->doc) {
			*ret_off = off;
			r = -EINVAL;
		}
	} else if (r < 0) {
		*ret_off = d.r.err_off;
		r = -EINVAL;
	} else {
		og_snapshot_sort(s, NULL);
		join_sources(s, &d);
		r = 0;
	}
	og_jr_clear(&d.r);
	free(d.src);
	og_arena_clear(&d.keys);
	return r < 0 ? r : 0;
}
