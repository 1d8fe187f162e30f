/*
 * A finding on its way into the model: see finding-in.h.  The members
 * are report.json's (docs/report-json.md), in the order the writer puts
 * them, so a reader that tries the member after the last one it matched
 * finds each key at the first compare.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding-in.h"
#include "util.h"

enum jv_type { JV_ABSENT, JV_NULL, JV_STRING, JV_NUMBER, JV_BOOL, JV_ARRAY,
	       JV_OBJECT };

/* A member's value as read: its kind, and the string or the number. */
struct jv {
	enum jv_type type;
	const char *s;
	double num;
};

enum {
	F_FINGERPRINT, F_KIND, F_ID, F_TITLE, F_SEVERITY, F_SCORE, F_PACKAGE,
	F_INSTALLED, F_FIXED, F_STATUS, F_SUPPRESSION, F_STATUS_DETAIL, F_URL,
	F_PUBLISHED, F_TAGS, F_TOOLS, F_SOURCES, F_LOCATIONS, F_N
};

/* A member name and its length (matched by length and bytes). */
struct key {
	const char *s;
	size_t n;
};

#define KEY(s) { s, sizeof(s) - 1 }

static const struct key finding_keys[F_N] = {
	KEY("fingerprint"), KEY("kind"), KEY("id"), KEY("title"),
	KEY("severity"), KEY("score"), KEY("package"), KEY("installed_version"),
	KEY("fixed_version"), KEY("status"), KEY("suppression"),
	KEY("status_detail"), KEY("url"), KEY("published"), KEY("tags"),
	KEY("tools"), KEY("sources"), KEY("locations"),
};

enum { L_TARGET, L_FILE, L_LINE, L_COLUMN, L_LAYER, L_N };

static const struct key location_keys[L_N] = {
	KEY("target"), KEY("file"), KEY("line"), KEY("column"), KEY("layer"),
};

#define NO_BAD SIZE_MAX

/* An array of strings as read: the strings, and the index of the first
 * element that is not one (NO_BAD: none). */
struct strv_in {
	const char **v;
	size_t n, cap, bad;
};

struct loc_in {
	bool object;
	struct jv v[L_N];
};

struct og_finding_in {
	bool not_object;
	struct jv v[F_N];
	struct strv_in strv[3];		/* F_TAGS, F_TOOLS, F_SOURCES */
	struct loc_in *locs;
	size_t n_locs, cap_locs;
	struct og_model_location *out_locs;
	size_t cap_out_locs;
};

struct og_finding_in *
og_finding_in_new(void)
{
	return og_xcalloc(1, sizeof(struct og_finding_in));
}

void
og_finding_in_free(struct og_finding_in *x)
{
	if (!x)
		return;
	for (int i = 0; i < 3; i++)
		free(x->strv[i].v);
	free(x->locs);
	free(x->out_locs);
	free(x);
}

static void
reset(struct og_finding_in *x)
{
	x->not_object = false;
	memset(x->v, 0, sizeof(x->v));
	for (int i = 0; i < 3; i++) {
		x->strv[i].n = 0;
		x->strv[i].bad = NO_BAD;
	}
	x->n_locs = 0;
}

/* Grow (*v, *cap) to hold @n + 1 elements of @size. */
static void
reserve(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 8;
	*(void **)v = og_xrealloc_array(*(void **)v, *cap, size);
}

static void
strv_push(struct strv_in *sv, const char *s)
{
	reserve(&sv->v, &sv->cap, sv->n, sizeof(*sv->v));
	sv->v[sv->n++] = s;
}

static struct loc_in *
loc_push(struct og_finding_in *x)
{
	reserve(&x->locs, &x->cap_locs, x->n_locs, sizeof(*x->locs));
	memset(&x->locs[x->n_locs], 0, sizeof(*x->locs));
	return &x->locs[x->n_locs++];
}

/* The index of @key (@len bytes) among @keys, trying *@hint first: the
 * writer's order makes that the one nearly always. */
static int
key_index(const struct key *keys, int n, const char *key, size_t len,
	  int *hint)
{
	for (int k = 0; k < n; k++) {
		int i = *hint + k < n ? *hint + k : *hint + k - n;

		if (keys[i].n == len && !memcmp(keys[i].s, key, len)) {
			*hint = i + 1 < n ? i + 1 : 0;
			return i;
		}
	}
	return -1;
}

/* ---- from cJSON ---- */

static void
jv_from_cjson(struct jv *v, const cJSON *c)
{
	*v = (struct jv){ .type = cJSON_IsNull(c) ? JV_NULL
				: cJSON_IsString(c) ? JV_STRING
				: cJSON_IsNumber(c) ? JV_NUMBER
				: cJSON_IsBool(c) ? JV_BOOL
				: cJSON_IsArray(c) ? JV_ARRAY
				: cJSON_IsObject(c) ? JV_OBJECT : JV_NULL,
			  .s = c->valuestring, .num = c->valuedouble };
}

static void
strv_from_cjson(struct strv_in *sv, const cJSON *a)
{
	const cJSON *it;

	sv->n = 0;
	sv->bad = NO_BAD;
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it)) {
			sv->bad = sv->n;
			return;
		}
		strv_push(sv, it->valuestring);
	}
}

void
og_finding_in_from_cjson(struct og_finding_in *x, const cJSON *o)
{
	const cJSON *c, *lo, *m;
	int hint = 0, lhint = 0, i;

	reset(x);
	if (!cJSON_IsObject(o)) {
		x->not_object = true;
		return;
	}
	cJSON_ArrayForEach(c, o) {
		if (!c->string ||
		    (i = key_index(finding_keys, F_N, c->string,
				   strlen(c->string), &hint)) < 0)
			continue;
		jv_from_cjson(&x->v[i], c);
		if (i >= F_TAGS && i <= F_SOURCES && cJSON_IsArray(c))
			strv_from_cjson(&x->strv[i - F_TAGS], c);
		if (i != F_LOCATIONS || !cJSON_IsArray(c))
			continue;
		x->n_locs = 0;
		cJSON_ArrayForEach(lo, c) {
			struct loc_in *l = loc_push(x);

			l->object = cJSON_IsObject(lo);
			if (!l->object)
				continue;
			cJSON_ArrayForEach(m, lo) {
				if (m->string &&
				    (i = key_index(location_keys, L_N, m->string,
						   strlen(m->string), &lhint)) >= 0)
					jv_from_cjson(&l->v[i], m);
			}
		}
	}
}

/* ---- from the text ---- */

static bool
read_jv(struct og_jr *r, struct jv *v, unsigned depth)
{
	int c = og_jr_peek(r);

	v->s = NULL;
	switch (c) {
	case '"':
		v->type = JV_STRING;
		return (v->s = og_jr_string(r)) != NULL;
	case '{':
	case '[':
		v->type = c == '{' ? JV_OBJECT : JV_ARRAY;
		return og_jr_skip(r, depth);
	case 'n':
		v->type = JV_NULL;
		return og_jr_skip(r, depth);
	case 't':
	case 'f':
		v->type = JV_BOOL;
		v->num = c == 't';
		return og_jr_skip(r, depth);
	default:
		v->type = JV_NUMBER;
		return og_jr_number(r, &v->num);
	}
}

static bool
read_strv(struct og_jr *r, struct strv_in *sv, struct jv *v, unsigned depth)
{
	bool first = true;
	int more;

	if (og_jr_peek(r) != '[')
		return read_jv(r, v, depth);
	v->type = JV_ARRAY;
	sv->n = 0;
	sv->bad = NO_BAD;
	r->p++;
	while ((more = og_jr_element(r, &first)) > 0) {
		const char *s;

		if (sv->bad == NO_BAD && og_jr_peek(r) == '"') {
			if (!(s = og_jr_string(r)))
				return false;
			strv_push(sv, s);
			continue;
		}
		if (sv->bad == NO_BAD)
			sv->bad = sv->n;
		if (!og_jr_skip(r, depth + 1))
			return false;
	}
	return more == 0;
}

static bool
read_location(struct og_jr *r, struct loc_in *l, unsigned depth, int *hint)
{
	const char *key;
	size_t len;
	bool first = true;
	int more, i;

	if (og_jr_peek(r) != '{')
		return og_jr_skip(r, depth);
	if (depth >= OG_JR_DEPTH_MAX)
		return og_jr_fail(r);
	l->object = true;
	r->p++;
	while ((more = og_jr_member(r, &first, &key, &len)) > 0) {
		i = key_index(location_keys, L_N, key, len, hint);
		if (!(i < 0 ? og_jr_skip(r, depth + 1)
			    : read_jv(r, &l->v[i], depth + 1)))
			return false;
	}
	return more == 0;
}

static bool
read_locations(struct og_finding_in *x, struct og_jr *r, unsigned depth)
{
	bool first = true;
	int more, hint = 0;

	if (og_jr_peek(r) != '[')
		return read_jv(r, &x->v[F_LOCATIONS], depth);
	if (depth >= OG_JR_DEPTH_MAX)
		return og_jr_fail(r);
	x->v[F_LOCATIONS].type = JV_ARRAY;
	x->n_locs = 0;
	r->p++;
	while ((more = og_jr_element(r, &first)) > 0)
		if (!read_location(r, loc_push(x), depth + 1, &hint))
			return false;
	return more == 0;
}

bool
og_finding_in_read(struct og_finding_in *x, struct og_jr *r, unsigned depth)
{
	const char *key;
	size_t len;
	bool first = true, ok;
	int more, hint = 0, i;

	reset(x);
	if (og_jr_peek(r) != '{') {
		x->not_object = true;
		return og_jr_skip(r, depth);
	}
	if (depth >= OG_JR_DEPTH_MAX)
		return og_jr_fail(r);
	r->p++;
	while ((more = og_jr_member(r, &first, &key, &len)) > 0) {
		i = key_index(finding_keys, F_N, key, len, &hint);
		if (i < 0)
			ok = og_jr_skip(r, depth + 1);
		else if (i >= F_TAGS && i <= F_SOURCES)
			ok = read_strv(r, &x->strv[i - F_TAGS], &x->v[i], depth + 1);
		else if (i == F_LOCATIONS)
			ok = read_locations(x, r, depth + 1);
		else
			ok = read_jv(r, &x->v[i], depth + 1);
		if (!ok)
			return false;
	}
	return more == 0;
}

/* ---- the check ---- */

/* An optional string: NULL when absent or null, an error for another
 * type. */
static int
get_str(const struct jv *v, const char *key, const char **ret, char **ret_err)
{
	*ret = NULL;
	if (v->type == JV_ABSENT || v->type == JV_NULL)
		return 0;
	if (v->type != JV_STRING) {
		*ret_err = og_asprintf("'%s' must be a string", key);
		return -EINVAL;
	}
	*ret = v->s;
	return 0;
}

static int
get_req_str(const struct jv *v, const char *key, const char **ret,
	    char **ret_err)
{
	int r = get_str(v, key, ret, ret_err);

	if (r == 0 && !*ret) {
		*ret_err = og_asprintf("'%s' is missing", key);
		r = -EINVAL;
	}
	return r;
}

static int
get_strv(const struct og_finding_in *x, int field, char ***ret, size_t *ret_n,
	 char **ret_err)
{
	const struct strv_in *sv = &x->strv[field - F_TAGS];
	enum jv_type t = x->v[field].type;

	*ret = NULL;
	*ret_n = 0;
	if (t == JV_ABSENT || t == JV_NULL)
		return 0;
	if (t != JV_ARRAY) {
		*ret_err = og_asprintf("'%s' must be an array of strings",
				       finding_keys[field].s);
		return -EINVAL;
	}
	if (sv->bad != NO_BAD) {
		*ret_err = og_asprintf("'%s[%zu]' must be a string",
				       finding_keys[field].s, sv->bad);
		return -EINVAL;
	}
	*ret = (char **)sv->v;
	*ret_n = sv->n;
	return 0;
}

/* An optional line or column number (absent: 0). */
static int
get_u32(const struct jv *v, const char *key, uint32_t *ret, char **ret_err)
{
	if (v->type != JV_ABSENT &&
	    (v->type != JV_NUMBER || v->num < 0 || v->num > 4e9)) {
		*ret_err = og_asprintf("'%s' must be a non-negative number", key);
		return -EINVAL;
	}
	*ret = v->type == JV_NUMBER ? (uint32_t)v->num : 0;
	return 0;
}

static int
location_check(const struct loc_in *in, struct og_model_location *l,
	       char **ret_err)
{
	const char *s;
	int r;

	if (!in->object) {
		*ret_err = og_strdup0("a location must be an object");
		return -EINVAL;
	}
	if ((r = get_str(&in->v[L_TARGET], "target", &s, ret_err)) < 0)
		return r;
	l->target = (char *)s;
	if ((r = get_str(&in->v[L_FILE], "file", &s, ret_err)) < 0)
		return r;
	l->file = (char *)s;
	if ((r = get_str(&in->v[L_LAYER], "layer", &s, ret_err)) < 0)
		return r;
	l->layer = (char *)s;
	if ((r = get_u32(&in->v[L_LINE], "line", &l->line, ret_err)) < 0)
		return r;
	return get_u32(&in->v[L_COLUMN], "column", &l->column, ret_err);
}

#define STR(field, dst) get_str(&x->v[field], finding_keys[field].s, \
				(const char **)(dst), ret_err)

int
og_finding_in_add(struct og_finding_in *x, struct og_model *m,
		  const char *source, char **ret_err)
{
	struct og_model_finding f = { 0 };
	const char *kind, *sev, *status, *src1 = source;
	const struct jv *score = &x->v[F_SCORE];
	int r;

	if (x->not_object) {
		*ret_err = og_strdup0("a finding must be an object");
		return -EINVAL;
	}
	if ((r = get_req_str(&x->v[F_FINGERPRINT], "fingerprint",
			     (const char **)&f.fingerprint, ret_err)) < 0 ||
	    (r = get_req_str(&x->v[F_KIND], "kind", &kind, ret_err)) < 0 ||
	    (r = get_req_str(&x->v[F_ID], "id", (const char **)&f.id, ret_err)) < 0 ||
	    (r = get_req_str(&x->v[F_SEVERITY], "severity", &sev, ret_err)) < 0 ||
	    (r = STR(F_STATUS, &status)) < 0 ||
	    (r = STR(F_TITLE, &f.title)) < 0 ||
	    (r = STR(F_PACKAGE, &f.package)) < 0 ||
	    (r = STR(F_INSTALLED, &f.installed_version)) < 0 ||
	    (r = STR(F_FIXED, &f.fixed_version)) < 0 ||
	    (r = STR(F_STATUS_DETAIL, &f.status_detail)) < 0 ||
	    (r = STR(F_SUPPRESSION, &f.suppression)) < 0 ||
	    (r = STR(F_URL, &f.url)) < 0 ||
	    (r = STR(F_PUBLISHED, &f.published)) < 0 ||
	    (r = get_strv(x, F_TAGS, &f.tags, &f.n_tags, ret_err)) < 0 ||
	    (r = get_strv(x, F_TOOLS, &f.tools, &f.n_tools, ret_err)) < 0 ||
	    (r = get_strv(x, F_SOURCES, &f.sources, &f.n_sources, ret_err)) < 0)
		return r;
	if (og_finding_kind_from_name(kind, &f.kind) < 0) {
		*ret_err = og_asprintf("unknown finding kind '%s'", kind);
		return -EINVAL;
	}
	f.severity = og_severity_from_name(sev);
	if (f.severity == OG_SEV_UNKNOWN && strcmp(sev, "unknown") != 0) {
		*ret_err = og_asprintf("unknown severity '%s'", sev);
		return -EINVAL;
	}
	f.suppressed = status && !strcmp(status, "suppressed");
	f.score = score->type == JV_NUMBER && isfinite(score->num) ? score->num : -1;
	if (source) {
		/* From a plugin stream: the collector is the only source. */
		f.sources = (char **)&src1;
		f.n_sources = 1;
	}
	if (x->v[F_LOCATIONS].type != JV_ABSENT &&
	    x->v[F_LOCATIONS].type != JV_ARRAY) {
		*ret_err = og_strdup0("'locations' must be an array");
		return -EINVAL;
	}
	if (x->v[F_LOCATIONS].type == JV_ABSENT)
		x->n_locs = 0;
	if (x->n_locs > x->cap_out_locs) {
		x->cap_out_locs = x->n_locs;
		x->out_locs = og_xrealloc_array(x->out_locs, x->n_locs,
						sizeof(*x->out_locs));
	}
	for (size_t i = 0; i < x->n_locs; i++) {
		char *err = NULL;

		x->out_locs[i] = (struct og_model_location){ 0 };
		if ((r = location_check(&x->locs[i], &x->out_locs[i], &err)) < 0) {
			*ret_err = og_asprintf("locations[%zu]: %s", i, err);
			free(err);
			return r;
		}
	}
	f.locations = x->out_locs;
	f.n_locations = x->n_locs;
	r = og_model_add_model_finding(m, &f);
	if (r < 0)
		*ret_err = og_asprintf("finding rejected: %s", strerror(-r));
	return r;
}
