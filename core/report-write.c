/*
 * report.json written streaming: the document's members as cJSON_Print
 * prints them, and its "findings" straight from the model's structs,
 * one at a time, with no tree per finding (core/jsonpr.c prints each
 * value the way cJSON does).  Strings entered the model validated
 * (og_text and the loaders), so they are printed as they are.
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

/* A loaded report.json's tree of @key: the model holds them now. */
static void
empty_array(cJSON *doc, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key);

	if (cJSON_IsArray(a))
		while (a->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(a, a->child));
}

void
og_report_init(struct og_report *r, cJSON *doc, struct og_model *m)
{
	r->doc = doc;
	r->findings = og_model_findings(m, &r->n_findings);
	r->events = og_model_events(m, &r->n_events);
	empty_array(doc, "findings");
	empty_array(doc, "events");
}

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
finding_at(struct og_jp *jp, const void *findings, size_t i)
{
	finding(jp, ((const struct og_model_finding *const *)findings)[i]);
}

/* The document as cJSON_Print would print it, its "findings" and
 * "events" members from the model (an event goes through a small tree
 * of its own, made and freed in turn: never all of them at once). */
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
		if (strcmp(it->string, "findings") == 0) {
			og_jp_open(jp, '[');
			/* on threads: most of a big report's text */
			og_jp_each(jp, r->n_findings, finding_at, r->findings);
			og_jp_close(jp);
		} else if (strcmp(it->string, "events") == 0) {
			og_jp_open(jp, '[');
			for (size_t i = 0; i < r->n_events; i++) {
				cJSON *e = og_event_to_json(r->events[i]);

				og_jp_cjson(jp, e);
				cJSON_Delete(e);
			}
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
