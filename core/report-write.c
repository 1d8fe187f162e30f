/*
 * report.json written streaming: the document's members as cJSON_Print
 * prints them, and its "facts", "findings" and "events" straight from
 * the model's structs, one at a time, with no tree per item
 * (core/jsonpr.c prints each value the way cJSON does).  Strings entered
 * the model validated (og_text and the loaders), so they are printed as
 * they are.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonpr.h"
#include "report-json.h"
#include "report.h"
#include "util.h"

static void
strv(struct og_jp *jp, char *const *v, size_t n)
{
	og_jp_open(jp, '[');
	for (size_t i = 0; i < n; i++)
		og_jp_str(jp, v[i]);
	og_jp_close(jp);
}

static void
member(struct og_jp *jp, const char *key, const char *s)
{
	og_jp_key(jp, key);
	og_jp_str(jp, s);
}

static void
location(struct og_jp *jp, const struct og_model_location *l)
{
	og_jp_open(jp, '{');
	if (l->target)
		member(jp, "target", l->target);
	if (l->file)
		member(jp, "file", l->file);
	if (l->line) {
		og_jp_key(jp, "line");
		og_jp_num(jp, l->line);
	}
	if (l->column) {
		og_jp_key(jp, "column");
		og_jp_num(jp, l->column);
	}
	if (l->layer)
		member(jp, "layer", l->layer);
	og_jp_close(jp);
}

/* The members and their order are docs/report-json.md's (and
 * og_finding_to_json's, which tests compare with). */
static void
finding(struct og_jp *jp, const struct og_model_finding *f)
{
	og_jp_open(jp, '{');
	member(jp, "fingerprint", f->fingerprint);
	member(jp, "kind", og_finding_kind_name(f->kind));
	member(jp, "id", f->id);
	member(jp, "title", f->title);
	member(jp, "severity", og_severity_name(f->severity));
	og_jp_key(jp, "score");
	if (f->score >= 0)
		og_jp_num(jp, f->score);
	else
		og_jp_null(jp);
	member(jp, "package", f->package);
	member(jp, "installed_version", f->installed_version);
	member(jp, "fixed_version", f->fixed_version);
	member(jp, "status", f->suppressed ? "suppressed" : "open");
	member(jp, "suppression", f->suppression);
	member(jp, "status_detail", f->status_detail);
	member(jp, "url", f->url);
	member(jp, "published", f->published);
	og_jp_key(jp, "tags");
	strv(jp, f->tags, f->n_tags);
	og_jp_key(jp, "tools");
	strv(jp, f->tools, f->n_tools);
	og_jp_key(jp, "sources");
	strv(jp, f->sources, f->n_sources);
	og_jp_key(jp, "locations");
	og_jp_open(jp, '[');
	for (size_t i = 0; i < f->n_locations; i++)
		location(jp, &f->locations[i]);
	og_jp_close(jp);
	og_jp_close(jp);
}

static void
time_member(struct og_jp *jp, const char *key, int64_t t)
{
	char buf[32];

	og_format_time(t, buf, sizeof(buf));
	member(jp, key, buf);
}

/* As og_fact_to_json builds it (tests compare the two). */
static void
fact(struct og_jp *jp, const struct og_model_fact *f)
{
	og_jp_open(jp, '{');
	member(jp, "key", f->key);
	member(jp, "type", og_value_type_name(f->type));
	og_jp_key(jp, "value");
	switch (f->type) {
	case OG_VALUE_BOOL:
		og_jp_bool(jp, f->b);
		break;
	case OG_VALUE_NUMBER:
		og_jp_num(jp, f->num);
		if (f->unit)
			member(jp, "unit", f->unit);
		break;
	case OG_VALUE_STRING:
		og_jp_str(jp, f->str ? f->str : "");
		break;
	case OG_VALUE_LIST:
		strv(jp, f->list, f->n_list);
		break;
	case OG_VALUE_UNKNOWN:
		og_jp_null(jp);
		member(jp, "reason", f->str);
		break;
	}
	member(jp, "source", f->source);
	og_jp_key(jp, "sources");
	strv(jp, f->sources, f->n_sources);
	member(jp, "evidence", f->evidence);
	time_member(jp, "observed_at", f->observed_at);
	if (f->subject)
		member(jp, "subject", f->subject);
	if (f->subject_kind)
		member(jp, "subject_kind", f->subject_kind);
	if (og_rollup_name(f->rollup))
		member(jp, "rollup", og_rollup_name(f->rollup));
	if (f->n_parts) {
		og_jp_key(jp, "parts");
		og_jp_num(jp, (double)f->n_parts);
	}
	og_jp_close(jp);
}

/* As og_event_to_json builds it. */
static void
event(struct og_jp *jp, const struct og_model_event *e)
{
	og_jp_open(jp, '{');
	member(jp, "type", e->type);
	time_member(jp, "time", e->time);
	member(jp, "id", e->id);
	member(jp, "source", e->source);
	if (e->subject)
		member(jp, "subject", e->subject);
	og_jp_key(jp, "attrs");
	og_jp_open(jp, '{');
	for (size_t i = 0; i < e->n_attrs; i++)
		member(jp, e->attrs[i].key, e->attrs[i].value ? e->attrs[i].value : "");
	og_jp_close(jp);
	og_jp_close(jp);
}

/* og_jp_each's callbacks: the printers above touch nothing shared */
static void
fact_at(struct og_jp *jp, const void *facts, size_t i)
{
	fact(jp, ((const struct og_model_fact *const *)facts)[i]);
}

static void
finding_at(struct og_jp *jp, const void *findings, size_t i)
{
	finding(jp, ((const struct og_model_finding *const *)findings)[i]);
}

static void
event_at(struct og_jp *jp, const void *events, size_t i)
{
	event(jp, ((const struct og_model_event *const *)events)[i]);
}

/* The document as cJSON_Print would print it, its "facts", "findings"
 * and "events" members from the model. */
static void
print_doc(struct og_jp *jp, const struct og_report *r)
{
	const cJSON *it;

	if (!cJSON_IsObject(r->doc)) {
		og_jp_cjson(jp, r->doc);
		return;
	}
	og_jp_open(jp, '{');
	for (it = r->doc->child; it; it = it->next) {
		og_jp_key(jp, it->string);
		if (strcmp(it->string, "facts") == 0) {
			og_jp_open(jp, '[');
			og_jp_each(jp, r->n_facts, fact_at, r->facts);
			og_jp_close(jp);
		} else if (strcmp(it->string, "findings") == 0) {
			og_jp_open(jp, '[');
			/* on threads, as the facts and events: most of a
			 * big report's text */
			og_jp_each(jp, r->n_findings, finding_at, r->findings);
			og_jp_close(jp);
		} else if (strcmp(it->string, "events") == 0) {
			og_jp_open(jp, '[');
			og_jp_each(jp, r->n_events, event_at, r->events);
			og_jp_close(jp);
		} else {
			og_jp_cjson(jp, it);
		}
	}
	og_jp_close(jp);
}

int
og_report_write(const struct og_report *rep, const char *path, char **ret_err)
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
	print_doc(&jp, rep);
	og_jp_raw(&jp, "\n", 1);
	r = og_finish_tmp(fd, og_jp_finish(&jp), tmp, path);
out:
	if (r < 0)
		*ret_err = og_asprintf("cannot write '%s': %s", path, strerror(-r));
	free(tmp);
	return r;
}
