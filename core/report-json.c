#include "config.h"

#include <string.h>

#include "report-json.h"
#include "util.h"

/*
 * The model's trees borrow the model's strings (interned in its arena)
 * and use constant keys: a finding costs its cJSON nodes and nothing
 * else, so the document must not outlive the model it was built from.
 */
static cJSON *
str_or_null(const char *s)
{
	return s ? cJSON_CreateStringReference(s) : cJSON_CreateNull();
}

static void
add(cJSON *o, const char *key, cJSON *v)
{
	cJSON_AddItemToObjectCS(o, key, v);
}

static cJSON *
strv_json(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateStringReference(v[i]));
	return a;
}

static void
add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	og_format_time(t, buf, sizeof(buf));
	add(o, key, cJSON_CreateString(buf));
}

cJSON *
og_fact_to_json(const struct og_model_fact *f)
{
	cJSON *o = cJSON_CreateObject();

	add(o, "key", str_or_null(f->key));
	add(o, "type", str_or_null(og_value_type_name(f->type)));
	switch (f->type) {
	case OG_VALUE_BOOL:
		add(o, "value", cJSON_CreateBool(f->b));
		break;
	case OG_VALUE_NUMBER:
		add(o, "value", cJSON_CreateNumber(f->num));
		if (f->unit)
			add(o, "unit", str_or_null(f->unit));
		break;
	case OG_VALUE_STRING:
		add(o, "value", str_or_null(f->str ? f->str : ""));
		break;
	case OG_VALUE_LIST:
		add(o, "value", strv_json(f->list, f->n_list));
		break;
	case OG_VALUE_UNKNOWN:
		add(o, "value", cJSON_CreateNull());
		add(o, "reason", str_or_null(f->str));
		break;
	}
	add(o, "source", str_or_null(f->source));
	add(o, "sources", strv_json(f->sources, f->n_sources));
	add(o, "evidence", str_or_null(f->evidence));
	add_time(o, "observed_at", f->observed_at);
	if (f->subject)
		add(o, "subject", str_or_null(f->subject));
	if (f->subject_kind)
		add(o, "subject_kind", str_or_null(f->subject_kind));
	if (og_rollup_name(f->rollup))
		add(o, "rollup", str_or_null(og_rollup_name(f->rollup)));
	if (f->n_parts)
		add(o, "parts", cJSON_CreateNumber((double)f->n_parts));
	return o;
}

cJSON *
og_finding_to_json(const struct og_model_finding *f)
{
	cJSON *o = cJSON_CreateObject(), *locs;

	add(o, "fingerprint", str_or_null(f->fingerprint));
	add(o, "kind", str_or_null(og_finding_kind_name(f->kind)));
	add(o, "id", str_or_null(f->id));
	add(o, "title", str_or_null(f->title));
	add(o, "severity", str_or_null(og_severity_name(f->severity)));
	if (f->score >= 0)
		add(o, "score", cJSON_CreateNumber(f->score));
	else
		add(o, "score", cJSON_CreateNull());
	add(o, "package", str_or_null(f->package));
	add(o, "installed_version",
			      str_or_null(f->installed_version));
	add(o, "fixed_version", str_or_null(f->fixed_version));
	add(o, "status", str_or_null(f->suppressed ? "suppressed" : "open"));
	add(o, "suppression", str_or_null(f->suppression));
	add(o, "status_detail", str_or_null(f->status_detail));
	add(o, "url", str_or_null(f->url));
	add(o, "published", str_or_null(f->published));
	add(o, "tags", strv_json(f->tags, f->n_tags));
	add(o, "tools", strv_json(f->tools, f->n_tools));
	add(o, "sources", strv_json(f->sources, f->n_sources));
	locs = cJSON_CreateArray();
	add(o, "locations", locs);
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct og_model_location *l = &f->locations[i];
		cJSON *lo = cJSON_CreateObject();

		if (l->target)
			add(lo, "target", str_or_null(l->target));
		if (l->file)
			add(lo, "file", str_or_null(l->file));
		if (l->line)
			add(lo, "line", cJSON_CreateNumber(l->line));
		if (l->column)
			add(lo, "column", cJSON_CreateNumber(l->column));
		if (l->layer)
			add(lo, "layer", str_or_null(l->layer));
		cJSON_AddItemToArray(locs, lo);
	}
	return o;
}

cJSON *
og_event_to_json(const struct og_model_event *e)
{
	cJSON *o = cJSON_CreateObject(), *attrs;

	add(o, "type", str_or_null(e->type));
	add_time(o, "time", e->time);
	add(o, "id", str_or_null(e->id));
	add(o, "source", str_or_null(e->source));
	if (e->subject)
		add(o, "subject", str_or_null(e->subject));
	attrs = cJSON_CreateObject();
	add(o, "attrs", attrs);
	for (size_t i = 0; i < e->n_attrs; i++)
		add(attrs, e->attrs[i].key, str_or_null(e->attrs[i].value ?
							    e->attrs[i].value : ""));
	return o;
}

/* "facts", "findings" and "events" stay empty arrays: they are read
 * from the model (struct og_report) and printed from it
 * (og_report_write). */
void
og_report_add_model(cJSON *doc)
{
	cJSON_AddArrayToObject(doc, "facts");
	cJSON_AddArrayToObject(doc, "findings");
	cJSON_AddArrayToObject(doc, "events");
}

const cJSON *
og_json_find_id(const cJSON *arr, const char *id)
{
	const cJSON *it;

	if (!id || !cJSON_IsArray(arr))
		return NULL;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(it, "id");

		if (cJSON_IsString(j) && strcmp(j->valuestring, id) == 0)
			return it;
	}
	return NULL;
}
