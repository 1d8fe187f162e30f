#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding-in.h"
#include "jsonin.h"
#include "jsonrd.h"
#include "report-load.h"
#include "util.h"

/* Optional string member: NULL when absent or null; -EINVAL (with error)
 * when present with another type. */
static int
get_str(const cJSON *o, const char *key, const char **ret, char **ret_err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v)) {
		*ret = NULL;
		return 0;
	}
	if (!cJSON_IsString(v)) {
		*ret_err = og_asprintf("'%s' must be a string", key);
		return -EINVAL;
	}
	*ret = v->valuestring;
	return 0;
}

static int
get_req_str(const cJSON *o, const char *key, const char **ret, char **ret_err)
{
	int r = get_str(o, key, ret, ret_err);

	if (r == 0 && !*ret) {
		*ret_err = og_asprintf("'%s' is missing", key);
		r = -EINVAL;
	}
	return r;
}

/* Optional array of strings into a borrowed char* vector (caller frees
 * the vector, not the strings). */
static int
get_strv(const cJSON *o, const char *key, char ***ret, size_t *ret_n,
	 char **ret_err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	char **out;
	size_t n = 0;

	*ret = NULL;
	*ret_n = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v)) {
		*ret_err = og_asprintf("'%s' must be an array of strings", key);
		return -EINVAL;
	}
	out = og_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it)) {
			*ret_err = og_asprintf("'%s[%zu]' must be a string", key, n);
			free(out);
			return -EINVAL;
		}
		out[n++] = it->valuestring;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

static int
get_time(const cJSON *o, const char *key, int64_t *ret, bool required,
	 char **ret_err)
{
	const char *s;
	int r;

	r = get_str(o, key, &s, ret_err);
	if (r < 0)
		return r;
	if (!s) {
		if (!required) {
			*ret = 0;
			return 0;
		}
		*ret_err = og_asprintf("'%s' is missing", key);
		return -EINVAL;
	}
	if (og_parse_time(s, ret) < 0) {
		*ret_err = og_asprintf("'%s' is not an RFC 3339 time: '%s'", key, s);
		return -EINVAL;
	}
	return 0;
}

int
og_fact_from_json(struct og_model *m, const cJSON *o, const char *source,
		  char **ret_err)
{
	struct og_model_fact f = { 0 };
	const char *type, *src, *rollup;
	const cJSON *v;
	size_t n_list = 0;
	char **list = NULL, **sources = NULL;
	int r;

	if (!cJSON_IsObject(o)) {
		*ret_err = og_strdup0("a fact must be an object");
		return -EINVAL;
	}
	if ((r = get_req_str(o, "key", (const char **)&f.key, ret_err)) < 0 ||
	    (r = get_req_str(o, "type", &type, ret_err)) < 0 ||
	    (r = get_str(o, "evidence", (const char **)&f.evidence, ret_err)) < 0 ||
	    (r = get_str(o, "unit", (const char **)&f.unit, ret_err)) < 0 ||
	    (r = get_str(o, "source", &src, ret_err)) < 0 ||
	    (r = get_strv(o, "sources", &sources, &f.n_sources, ret_err)) < 0 ||
	    (r = get_time(o, "observed_at", &f.observed_at, false, ret_err)) < 0 ||
	    (r = get_str(o, "rollup", &rollup, ret_err)) < 0 ||
	    (r = get_str(o, "subject", (const char **)&f.subject, ret_err)) < 0 ||
	    (r = get_str(o, "subject_kind", (const char **)&f.subject_kind,
			 ret_err)) < 0)
		goto out;
	/* Derived by the model from its parts: recomputed, never merged
	 * (a sum merged with itself would count twice). */
	if (cJSON_GetObjectItemCaseSensitive(o, "parts")) {
		r = 0;
		goto out;
	}
	/* a rule we do not know would merge wrongly: refuse it */
	if (rollup && !(f.rollup = og_rollup_from_name(rollup))) {
		*ret_err = og_asprintf("fact '%s': rollup '%s' is not one of "
				       "all, any, min, max, sum", f.key, rollup);
		r = -EINVAL;
		goto out;
	}
	f.source = (char *)(source ? source : src);
	if (!source)
		f.sources = sources;
	else
		f.n_sources = 0;
	v = cJSON_GetObjectItemCaseSensitive(o, "value");
	if (!strcmp(type, "bool") && cJSON_IsBool(v)) {
		f.type = OG_VALUE_BOOL;
		f.b = cJSON_IsTrue(v);
	} else if (!strcmp(type, "number") && cJSON_IsNumber(v) &&
		   isfinite(v->valuedouble)) {
		f.type = OG_VALUE_NUMBER;
		f.num = v->valuedouble;
	} else if (!strcmp(type, "string") && cJSON_IsString(v)) {
		f.type = OG_VALUE_STRING;
		f.str = v->valuestring;
	} else if (!strcmp(type, "list")) {
		r = get_strv(o, "value", &list, &n_list, ret_err);
		if (r < 0)
			goto out;
		if (!cJSON_IsArray(v)) {
			*ret_err = og_asprintf("fact '%s': value must be an array", f.key);
			r = -EINVAL;
			goto out;
		}
		f.type = OG_VALUE_LIST;
		f.list = list;
		f.n_list = n_list;
	} else if (!strcmp(type, "unknown")) {
		f.type = OG_VALUE_UNKNOWN;
		if ((r = get_str(o, "reason", (const char **)&f.str, ret_err)) < 0)
			goto out;
	} else {
		*ret_err = og_asprintf("fact '%s': value does not match type '%s'",
				       f.key, type);
		r = -EINVAL;
		goto out;
	}
	r = og_model_add_fact(m, &f);
	if (r < 0)
		*ret_err = og_asprintf("fact '%s' rejected: %s", f.key, strerror(-r));
out:
	free(list);
	free(sources);
	return r;
}

int
og_finding_from_json(struct og_model *m, const cJSON *o, const char *source,
		     char **ret_err)
{
	struct og_finding_in *x = og_finding_in_new();
	int r;

	og_finding_in_from_cjson(x, o);
	r = og_finding_in_add(x, m, source, ret_err);
	og_finding_in_free(x);
	return r;
}

int
og_event_from_json(struct og_model *m, const cJSON *o, const char *source,
		   char **ret_err)
{
	struct og_model_event e = { 0 };
	const cJSON *attrs, *a;
	const char *src;
	size_t n = 0;
	int r;

	if (!cJSON_IsObject(o)) {
		*ret_err = og_strdup0("an event must be an object");
		return -EINVAL;
	}
	if ((r = get_req_str(o, "type", (const char **)&e.type, ret_err)) < 0 ||
	    (r = get_time(o, "time", &e.time, true, ret_err)) < 0 ||
	    (r = get_str(o, "id", (const char **)&e.id, ret_err)) < 0 ||
	    (r = get_str(o, "source", &src, ret_err)) < 0 ||
	    (r = get_str(o, "subject", (const char **)&e.subject, ret_err)) < 0)
		return r;
	e.source = (char *)(source ? source : src);
	attrs = cJSON_GetObjectItemCaseSensitive(o, "attrs");
	if (attrs && !cJSON_IsObject(attrs)) {
		*ret_err = og_strdup0("'attrs' must be an object");
		return -EINVAL;
	}
	e.attrs = og_xcalloc((size_t)cJSON_GetArraySize(attrs) + 1,
			     sizeof(*e.attrs));
	cJSON_ArrayForEach(a, attrs) {
		if (!cJSON_IsString(a)) {
			*ret_err = og_asprintf("attrs.%s must be a string", a->string);
			r = -EINVAL;
			goto out;
		}
		e.attrs[n].key = a->string;
		e.attrs[n].value = a->valuestring;
		n++;
	}
	e.n_attrs = n;
	r = og_model_add_event(m, &e);
	if (r < 0)
		*ret_err = og_asprintf("event rejected: %s", strerror(-r));
out:
	free(e.attrs);
	return r;
}

static int
load_array(struct og_model *m, const cJSON *doc, const char *key,
	   const char *path,
	   int (*one)(struct og_model *, const cJSON *, const char *, char **),
	   char **ret_err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key), *it;
	size_t i = 0;

	if (!a || cJSON_IsNull(a))
		return 0;
	if (!cJSON_IsArray(a)) {
		*ret_err = og_asprintf("%s: '%s' must be an array", path, key);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, a) {
		char *err = NULL;
		int r = one(m, it, NULL, &err);

		if (r < 0) {
			*ret_err = og_asprintf("%s: %s[%zu]: %s", path, key, i,
					       err ? err : "invalid");
			free(err);
			return r;
		}
		i++;
	}
	return 0;
}


/* The document parsed whole: for what the streaming reader leaves to it
 * (a root that is not an object, a second "facts", "findings" or
 * "events" member). */
static int
load_tree(const char *path, const char *buf, size_t len, cJSON **ret_doc,
	  struct og_model *m, char **ret_err)
{
	size_t off = 0, fixed = 0;
	cJSON *doc;

	doc = og_json_parse(buf, len, false, &fixed, &off);
	if (!doc) {
		*ret_err = og_asprintf("%s: invalid JSON at byte %zu", path, off);
		return -EINVAL;
	}
	if (fixed)
		og_log_warn("%s: %zu invalid UTF-8 sequences replaced with U+FFFD",
			    path, fixed);
	*ret_doc = doc;
	return 0;
}

/* The arrays read item by item, in the order their errors are reported
 * (after the syntax of the whole file and the schema), as load() checks
 * them when they are trees. */
enum { FACTS, FINDINGS, EVENTS, N_ARRAYS };

static const struct array {
	const char *key;
	int (*one)(struct og_model *, const cJSON *, const char *, char **);
} arrays[N_ARRAYS] = {
	[FACTS] = { "facts", og_fact_from_json },
	[FINDINGS] = { "findings", og_finding_from_json },
	[EVENTS] = { "events", og_event_from_json },
};

/* A load in progress. */
struct load {
	const char *path;
	struct og_jr r;
	cJSON *doc;
	struct og_model *m;
	struct og_finding_in *x;
	size_t fixed;		/* in members parsed as trees */
	/* per array, the first item refused: reported after what comes
	 * before it (the syntax of the whole file, the schema, the arrays
	 * before it in arrays[]) */
	char *err[N_ARRAYS];
	int err_r[N_ARRAYS];
};

/* Item @i of array @a refused with @r and @err (freed): kept if it is
 * the array's first. */
static void
refused(struct load *l, int a, size_t i, int r, char *err)
{
	if (!l->err[a]) {
		l->err[a] = og_asprintf("%s: %s[%zu]: %s", l->path, arrays[a].key,
					i, err ? err : "invalid");
		l->err_r[a] = r;
	}
	free(err);
}

/* The value at the cursor, nested @depth deep: its text checked and
 * passed over, then parsed as og_json_parse parses a whole file.  NULL
 * on a syntax error. */
static cJSON *
tree_at(struct load *l, unsigned depth)
{
	const unsigned char *a;
	size_t fixed = l->r.fixed, n_fixed = 0, off = 0;
	cJSON *v;

	og_jr_peek(&l->r);
	a = l->r.p;
	if (!og_jr_skip(&l->r, depth))
		return NULL;
	l->r.fixed = fixed;	/* og_json_parse counts them */
	v = og_json_parse((const char *)a, (size_t)(l->r.p - a), false,
			  &n_fixed, &off);
	if (!v) {
		l->r.p = a + off;
		og_jr_fail(&l->r);
		return NULL;
	}
	l->fixed += n_fixed;
	return v;
}

/* The array @a at the cursor, each item into the model as it is read:
 * a finding decoded straight from the text (about 2 KB of tree it never
 * built), a fact or an event as a small tree of its own, freed at once. */
static bool
stream_array(struct load *l, int a)
{
	bool first = true;
	size_t i = 0;
	int more;

	l->r.p++;
	while ((more = og_jr_element(&l->r, &first)) > 0) {
		char *err = NULL;
		int r = 0;

		if (a == FINDINGS) {
			if (!og_finding_in_read(l->x, &l->r, 2))
				return false;
			if (!l->err[a])
				r = og_finding_in_add(l->x, l->m, NULL, &err);
		} else {
			cJSON *v = tree_at(l, 2);

			if (!v)
				return false;
			if (!l->err[a])
				r = arrays[a].one(l->m, v, NULL, &err);
			cJSON_Delete(v);
		}
		if (r < 0)
			refused(l, a, i, r, err);
		og_jr_release(&l->r);
		i++;
	}
	return more == 0;
}

/* A member kept as a tree (all but the arrays of items). */
static bool
tree_member(struct load *l, const char *key, size_t key_len)
{
	char *name;
	cJSON *v = tree_at(l, 1);

	if (!v)
		return false;
	name = og_xmalloc(key_len + 1);
	memcpy(name, key, key_len);
	name[key_len] = '\0';
	/* a repeated key: the last stands, where it stands */
	cJSON_DeleteItemFromObjectCaseSensitive(l->doc, name);
	cJSON_AddItemToObject(l->doc, name, v);
	free(name);
	return true;
}

/*
 * Read the document member by member: 1 when read (syntax checked to the
 * end), 0 when load_tree must do it, -EINVAL on a syntax error.
 */
static int
load_stream(struct load *l)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	const char *key;
	size_t key_len;
	bool first = true, ok = true, seen[N_ARRAYS] = { false };
	int more, a;

	if (l->r.end - l->r.p >= 3 && !memcmp(l->r.p, bom, 3))
		l->r.p += 3;
	if (og_jr_peek(&l->r) != '{')
		return 0;
	l->r.p++;
	while (ok && (more = og_jr_member(&l->r, &first, &key, &key_len)) > 0) {
		for (a = 0; a < N_ARRAYS; a++)
			if (key_len == strlen(arrays[a].key) &&
			    !memcmp(key, arrays[a].key, key_len))
				break;
		if (a < N_ARRAYS) {
			/* a second one would replace what is in the model */
			if (seen[a])
				return 0;
			seen[a] = true;
			if (og_jr_peek(&l->r) == '[') {
				/* in place, empty: the model holds them */
				cJSON_AddItemToObject(l->doc, arrays[a].key,
						      cJSON_CreateArray());
				ok = stream_array(l, a);
				og_jr_release(&l->r);
				continue;
			}
		}
		ok = tree_member(l, key, key_len);
		og_jr_release(&l->r);
	}
	if (ok && more == 0) {
		while (l->r.p < l->r.end && strchr(" \t\n\r", *l->r.p) && *l->r.p)
			l->r.p++;
		if (l->r.p == l->r.end)
			return 1;
		og_jr_fail(&l->r);
	}
	return -EINVAL;
}

/* Items read as a tree (load_tree) live in the model alone, as the
 * streamed ones do. */
static void
empty_arrays(cJSON *doc)
{
	for (int k = 0; k < N_ARRAYS; k++) {
		cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, arrays[k].key);

		while (cJSON_IsArray(a) && a->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(a, a->child));
	}
}

/* What load() leaves: the errors kept for later. */
static void
clear_errors(struct load *l)
{
	for (int k = 0; k < N_ARRAYS; k++) {
		free(l->err[k]);
		l->err[k] = NULL;
	}
}

static int
load(struct og_report_buf *b, const char *path, bool stream, cJSON **ret_doc,
     struct og_model **ret_m, char **ret_err)
{
	struct load l = { .path = path };
	const cJSON *schema;
	size_t len;
	char *buf;
	int r;

	r = og_read_file_into(path, OG_REPORT_MAX_BYTES, &b->buf, &b->cap, &len);
	buf = b->buf;
	if (r < 0) {
		*ret_err = og_asprintf("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	og_jr_init(&l.r, buf, len);
	l.doc = cJSON_CreateObject();
	l.m = og_model_new();
	l.x = og_finding_in_new();
	r = stream ? load_stream(&l) : 0;
	if (r == 0) {
		/* start again from nothing */
		cJSON_Delete(l.doc);
		l.doc = NULL;
		og_model_free(l.m);
		l.m = og_model_new();
		clear_errors(&l);
		if ((r = load_tree(path, buf, len, &l.doc, l.m, ret_err)) < 0)
			goto out;
	} else if (r < 0) {
		*ret_err = og_asprintf("%s: invalid JSON at byte %zu", path,
				       l.r.err_off);
		goto out;
	} else if (l.fixed + l.r.fixed) {
		og_log_warn("%s: %zu invalid UTF-8 sequences replaced with U+FFFD",
			    path, l.fixed + l.r.fixed);
	}
	schema = cJSON_GetObjectItemCaseSensitive(l.doc, "schema");
	if (!cJSON_IsObject(l.doc) || !cJSON_IsString(schema) ||
	    strcmp(schema->valuestring, OG_REPORT_SCHEMA) != 0) {
		*ret_err = og_asprintf("%s: not an opsgrade report (schema must be '%s')",
				       path, OG_REPORT_SCHEMA);
		r = -EINVAL;
		goto out;
	}
	/* an array streamed left an empty one in the document, and its
	 * first error; one that was not is read here */
	for (int k = 0; k < N_ARRAYS; k++) {
		if (l.err[k]) {
			*ret_err = l.err[k];
			l.err[k] = NULL;
			r = l.err_r[k];
			goto out;
		}
		if ((r = load_array(l.m, l.doc, arrays[k].key, path, arrays[k].one,
				    ret_err)) < 0)
			goto out;
	}
	if (stream)
		empty_arrays(l.doc);
	*ret_doc = l.doc;
	l.doc = NULL;
	if (ret_m) {
		*ret_m = l.m;
		l.m = NULL;
	}
	r = 0;
out:
	clear_errors(&l);
	og_finding_in_free(l.x);
	og_jr_clear(&l.r);
	og_model_free(l.m);
	cJSON_Delete(l.doc);
	return r;
}

int
og_report_load_buf(struct og_report_buf *b, const char *path, cJSON **ret_doc,
		   struct og_model **ret_m, char **ret_err)
{
	return load(b, path, true, ret_doc, ret_m, ret_err);
}

/* A load with a buffer of its own. */
static int
load_once(const char *path, bool stream, cJSON **ret_doc,
	  struct og_model **ret_m, char **ret_err)
{
	struct og_report_buf b = { 0 };
	int r = load(&b, path, stream, ret_doc, ret_m, ret_err);

	free(b.buf);
	return r;
}

int
og_report_load(const char *path, cJSON **ret_doc, struct og_model **ret_m,
	       char **ret_err)
{
	return load_once(path, true, ret_doc, ret_m, ret_err);
}

int
og_report_load_tree(const char *path, cJSON **ret_doc, struct og_model **ret_m,
		    char **ret_err)
{
	return load_once(path, false, ret_doc, ret_m, ret_err);
}
