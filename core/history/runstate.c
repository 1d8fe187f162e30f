/*
 * report["run"]: whether this run saw everything it should have.  A run is
 * incomplete when a collector failed, timed out or was partial, or did not
 * run although it ran (fully or partly) in the previous report: its figures
 * rest on less evidence, and the renderers say so in a banner.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "history/history.h"
#include "jsonget.h"
#include "util.h"

static void
add_missing(cJSON *missing, const char *name, const char *status,
	    const char *reason)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "collector", name);
	cJSON_AddStringToObject(e, "status", status);
	if (reason)
		cJSON_AddStringToObject(e, "reason", reason);
	else
		cJSON_AddNullToObject(e, "reason");
	cJSON_AddItemToArray(missing, e);
}

static const cJSON *
collector_named(const cJSON *report, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, og_jget(report, "collectors"))
		if (!strcmp(og_jstr_or(og_jget(c, "name"), ""), name))
			return c;
	return NULL;
}

void
og_history_run_state(cJSON *report, const cJSON *prev_snapshot)
{
	cJSON *run = cJSON_CreateObject();
	cJSON *missing = cJSON_CreateArray();
	const cJSON *c;

	cJSON_ArrayForEach(c, og_jget(report, "collectors")) {
		const char *st = og_jstr_or(og_jget(c, "status"), "");

		if (!strcmp(st, "failed") || !strcmp(st, "partial"))
			add_missing(missing, og_jstr_or(og_jget(c, "name"), "?"),
				    st, og_jstr(og_jget(c, "message")));
	}
	cJSON_ArrayForEach(c, og_jget(prev_snapshot, "collectors")) {
		const cJSON *now = collector_named(report, c->string);
		const char *st = og_jstr_or(og_jget(now, "status"), "skipped");

		if (!strcmp(st, "skipped") && cJSON_IsString(c) &&
		    (!strcmp(c->valuestring, "ok") ||
		     !strcmp(c->valuestring, "partial")))
			add_missing(missing, c->string, "skipped",
				    "did not run; it ran in the previous report");
	}
	cJSON_AddBoolToObject(run, "complete", cJSON_GetArraySize(missing) == 0);
	cJSON_AddItemToObject(run, "missing", missing);
	if (og_jget(report, "run"))
		cJSON_ReplaceItemInObjectCaseSensitive(report, "run", run);
	else
		cJSON_AddItemToObject(report, "run", run);
}
