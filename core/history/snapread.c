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

struct rd {
	struct og_jr r;
	struct og_snapshot *s;
	/* "finding_sources", keyed by fingerprint; its keys live in its
	 * arena (dropped after the join), its values in s->arena */
	struct og_snapshot src;
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

/* "findings" ({fingerprint: severity}) or, @sources, "finding_sources"
 * ({fingerprint: "a,b"}) at the cursor, an object, into its list. */
static bool
read_list(struct rd *d, bool sources)
{
	struct og_snapshot *s = sources ? &d->src : d->s;
	bool first = true;
	const char *key;
	size_t key_len;
	int more;

	/* a repeated member: the last stands */
	s->n = 0;
	s->bad_severity = false;
	d->r.p++;
	while ((more = og_jr_member(&d->r, &first, &key, &key_len)) > 0) {
		char *fp = copy_key(&s->arena, key, key_len);
		const char *v = NULL;

		if (og_jr_peek(&d->r) == '"') {
			if (!(v = og_jr_string(&d->r)))
				return false;
		} else if (!og_jr_skip(&d->r, 2)) {
			return false;
		}
		if (!sources) {
			if (!v)
				s->bad_severity = true;
			og_snapshot_add(s, fp, NULL, v ? severity_index(v) : OG_SNAP_SEVERITIES);
		} else {
			if (v && (!d->last_src || strcmp(v, d->last_src)))
				d->last_src = og_arena_strdup(&d->s->arena, v);
			og_snapshot_add(s, fp, v ? d->last_src : NULL, 0);
		}
		og_jr_release(&d->r);
	}
	return more == 0;
}

/* Each finding's collectors from "finding_sources" (both lists sorted);
 * a fingerprint listed there only is ignored, as it always was. */
static void
join_sources(struct og_snapshot *s, struct og_snapshot *src)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		while (k < src->n && strcmp(src->f[k].fp, s->f[i].fp) < 0)
			k++;
		if (k < src->n && !strcmp(src->f[k].fp, s->f[i].fp))
			s->f[i].sources = src->f[k].sources;
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
				d->src.n = 0;
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

	og_snapshot_init(&d.src);
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
		og_snapshot_sort(&d.src, NULL);
		join_sources(s, &d.src);
		r = 0;
	}
	og_jr_clear(&d.r);
	og_snapshot_clear(&d.src);
	return r < 0 ? r : 0;
}
