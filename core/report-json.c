#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonin.h"
#include "jsonpr.h"
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

static void
add_model(cJSON *doc, struct og_model *m, bool findings)
{
	const struct og_model_fact *const *facts;
	const struct og_model_finding *const *fs;
	const struct og_model_event *const *events;
	cJSON *a;
	size_t n;

	facts = og_model_facts(m, &n);
	a = cJSON_AddArrayToObject(doc, "facts");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, og_fact_to_json(facts[i]));
	fs = og_model_findings(m, &n);
	a = cJSON_AddArrayToObject(doc, "findings");
	for (size_t i = 0; findings && i < n; i++)
		cJSON_AddItemToArray(a, og_finding_to_json(fs[i]));
	events = og_model_events(m, &n);
	a = cJSON_AddArrayToObject(doc, "events");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, og_event_to_json(events[i]));
}

void
og_report_add_model(cJSON *doc, struct og_model *m)
{
	add_model(doc, m, true);
}

void
og_report_add_model_lazy(cJSON *doc, struct og_model *m)
{
	add_model(doc, m, false);
}

/* @doc as cJSON_Print would print it; with @m, its "findings" member
 * printed from the model, each finding's tree made and freed in turn. */
static void
print_doc(struct og_jp *jp, const cJSON *doc, struct og_model *m)
{
	const struct og_model_finding *const *fs;
	const cJSON *it;
	size_t n;

	if (!m || !cJSON_IsObject(doc)) {
		og_jp_cjson(jp, doc);
		return;
	}
	og_jp_open(jp, '{');
	for (it = doc->child; it; it = it->next) {
		og_jp_key(jp, it->string);
		if (strcmp(it->string, "findings") != 0) {
			og_jp_cjson(jp, it);
			continue;
		}
		og_jp_open(jp, '[');
		fs = og_model_findings(m, &n);
		for (size_t i = 0; i < n; i++) {
			cJSON *f = og_finding_to_json(fs[i]);

			og_jp_cjson(jp, f);
			cJSON_Delete(f);
		}
		og_jp_close(jp);
	}
	og_jp_close(jp);
}

int
og_report_write_model(const cJSON *doc, struct og_model *m,
		      const char *path, char **ret_err)
{
	struct og_jp jp;
	char *tmp = NULL;
	int fd = -1, r;

	r = og_open_tmp(path, &fd, &tmp);
	if (r < 0)
		goto out;
	/* Streamed: the text is never whole in memory (it is about as big
	 * as the input scans). */
	og_jp_init(&jp, fd);
	print_doc(&jp, doc, m);
	og_jp_raw(&jp, "\n", 1);
	r = og_jp_finish(&jp);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = og_commit_tmp(tmp, path);
	else
		(void)unlink(tmp);
out:
	if (r < 0)
		*ret_err = og_asprintf("cannot write '%s': %s", path, strerror(-r));
	free(tmp);
	return r;
}

int
og_report_write(const cJSON *doc, const char *path, char **ret_err)
{
	return og_report_write_model(doc, NULL, path, ret_err);
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
