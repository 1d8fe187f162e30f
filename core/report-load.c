#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
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

/* An optional line or column number (absent: 0). */
static int
get_u32(const cJSON *o, const char *key, uint32_t *ret, char **ret_err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v && (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 4e9)) {
		*ret_err = og_asprintf("'%s' must be a non-negative number", key);
		return -EINVAL;
	}
	*ret = v ? (uint32_t)v->valuedouble : 0;
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

static int
location_from_json(const cJSON *lo, struct og_model_location *l, char **ret_err)
{
	const char *s;
	int r;

	if (!cJSON_IsObject(lo)) {
		*ret_err = og_strdup0("a location must be an object");
		return -EINVAL;
	}
	if ((r = get_str(lo, "target", &s, ret_err)) < 0)
		return r;
	l->target = (char *)s;
	if ((r = get_str(lo, "file", &s, ret_err)) < 0)
		return r;
	l->file = (char *)s;
	if ((r = get_str(lo, "layer", &s, ret_err)) < 0)
		return r;
	l->layer = (char *)s;
	if ((r = get_u32(lo, "line", &l->line, ret_err)) < 0)
		return r;
	return get_u32(lo, "column", &l->column, ret_err);
}

int
og_finding_from_json(struct og_model *m, const cJSON *o, const char *source,
		     char **ret_err)
{
	struct og_model_finding f = { 0 };
	const char *kind, *sev, *status, *src1 = source;
	const cJSON *v, *locs, *lo;
	char **read_sources = NULL;	/* owned; f.sources may point elsewhere */
	size_t i = 0;
	int r;

	if (!cJSON_IsObject(o)) {
		*ret_err = og_strdup0("a finding must be an object");
		return -EINVAL;
	}
	if ((r = get_req_str(o, "fingerprint", (const char **)&f.fingerprint, ret_err)) < 0 ||
	    (r = get_req_str(o, "kind", &kind, ret_err)) < 0 ||
	    (r = get_req_str(o, "id", (const char **)&f.id, ret_err)) < 0 ||
	    (r = get_req_str(o, "severity", &sev, ret_err)) < 0 ||
	    (r = get_str(o, "status", &status, ret_err)) < 0 ||
	    (r = get_str(o, "title", (const char **)&f.title, ret_err)) < 0 ||
	    (r = get_str(o, "package", (const char **)&f.package, ret_err)) < 0 ||
	    (r = get_str(o, "installed_version", (const char **)&f.installed_version, ret_err)) < 0 ||
	    (r = get_str(o, "fixed_version", (const char **)&f.fixed_version, ret_err)) < 0 ||
	    (r = get_str(o, "status_detail", (const char **)&f.status_detail, ret_err)) < 0 ||
	    (r = get_str(o, "suppression", (const char **)&f.suppression, ret_err)) < 0 ||
	    (r = get_str(o, "url", (const char **)&f.url, ret_err)) < 0 ||
	    (r = get_str(o, "published", (const char **)&f.published, ret_err)) < 0 ||
	    (r = get_strv(o, "tags", &f.tags, &f.n_tags, ret_err)) < 0 ||
	    (r = get_strv(o, "tools", &f.tools, &f.n_tools, ret_err)) < 0 ||
	    (r = get_strv(o, "sources", &read_sources, &f.n_sources, ret_err)) < 0)
		goto out;
	f.sources = read_sources;
	if (og_finding_kind_from_name(kind, &f.kind) < 0) {
		*ret_err = og_asprintf("unknown finding kind '%s'", kind);
		r = -EINVAL;
		goto out;
	}
	f.severity = og_severity_from_name(sev);
	if (f.severity == OG_SEV_UNKNOWN && strcmp(sev, "unknown") != 0) {
		*ret_err = og_asprintf("unknown severity '%s'", sev);
		r = -EINVAL;
		goto out;
	}
	f.suppressed = status && !strcmp(status, "suppressed");
	v = cJSON_GetObjectItemCaseSensitive(o, "score");
	f.score = cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : -1;
	if (source) {
		/* From a plugin stream: the collector is the only source. */
		f.sources = (char **)&src1;
		f.n_sources = 1;
	}
	locs = cJSON_GetObjectItemCaseSensitive(o, "locations");
	if (locs && !cJSON_IsArray(locs)) {
		*ret_err = og_strdup0("'locations' must be an array");
		r = -EINVAL;
		goto out;
	}
	f.locations = og_xcalloc((size_t)cJSON_GetArraySize(locs) + 1,
				 sizeof(*f.locations));
	cJSON_ArrayForEach(lo, locs) {
		char *err = NULL;

		r = location_from_json(lo, &f.locations[i], &err);
		if (r < 0) {
			*ret_err = og_asprintf("locations[%zu]: %s", i, err);
			free(err);
			goto out;
		}
		i++;
	}
	f.n_locations = i;
	r = og_model_add_model_finding(m, &f);
	if (r < 0)
		*ret_err = og_asprintf("finding rejected: %s", strerror(-r));
out:
	free(f.tags);
	free(f.tools);
	free(read_sources);
	free(f.locations);
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

int
og_report_load(const char *path, cJSON **ret_doc, struct og_model **ret_m,
	       char **ret_err)
{
	struct og_model *m = NULL;
	const cJSON *schema;
	cJSON *doc = NULL;
	char *buf = NULL;
	size_t len, off = 0, fixed = 0;
	int r;

	r = og_read_file(path, OG_REPORT_MAX_BYTES, &buf, &len);
	if (r < 0) {
		*ret_err = og_asprintf("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	doc = og_json_parse(buf, len, false, &fixed, &off);
	if (!doc) {
		*ret_err = og_asprintf("%s: invalid JSON at byte %zu", path, off);
		r = -EINVAL;
		goto out;
	}
	if (fixed)
		og_log_warn("%s: %zu invalid UTF-8 sequences replaced with U+FFFD",
			    path, fixed);
	schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
	if (!cJSON_IsObject(doc) || !cJSON_IsString(schema) ||
	    strcmp(schema->valuestring, OG_REPORT_SCHEMA) != 0) {
		*ret_err = og_asprintf("%s: not an opsgrade report (schema must be '%s')",
				       path, OG_REPORT_SCHEMA);
		r = -EINVAL;
		goto out;
	}
	m = og_model_new();
	if ((r = load_array(m, doc, "facts", path, og_fact_from_json, ret_err)) < 0 ||
	    (r = load_array(m, doc, "findings", path, og_finding_from_json, ret_err)) < 0 ||
	    (r = load_array(m, doc, "events", path, og_event_from_json, ret_err)) < 0)
		goto out;
	*ret_doc = doc;
	doc = NULL;
	if (ret_m) {
		*ret_m = m;
		m = NULL;
	}
	r = 0;
out:
	og_model_free(m);
	cJSON_Delete(doc);
	free(buf);
	return r;
}
