/*
 * events: imports delivery events (deployments, incidents, merged PRs,
 * workflow runs, releases) from JSON files exported by another system —
 * a CD tool's deploy log, an incident tracker — so DORA KPIs can be
 * computed offline or for sources opsgrade has no collector for.
 *
 * File format: a JSON array (or {"events": [...]}) of
 *   {"type": "deployment", "time": "2026-11-02T10:00:00Z", "id": "d-17",
 *    "attrs": {"environment": "production", "status": "success"}}
 * with the attributes of docs/report-json.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

#include "ogjs.h"
#include "target.h"

#define EVENTS_FILE_MAX_BYTES	(256u << 20)
#define EVENTS_ATTRS_MAX	64

struct events {
	const struct og_host *host;
};

static char *
read_all(const char *path, size_t *ret_len, int *ret_err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f) {
		*ret_err = errno;
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 ||
	    (unsigned long)size > EVENTS_FILE_MAX_BYTES ||
	    fseek(f, 0, SEEK_SET) < 0) {
		*ret_err = EFBIG;
		goto out;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		*ret_err = ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		*ret_err = EIO;
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[size] = '\0';
	*ret_len = (size_t)size;
out:
	fclose(f);
	return buf;
}

static int
import_one(struct og_ctx *ctx, const struct og_host *host, const char *path,
	   const cJSON *e, int i)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
	const cJSON *time = cJSON_GetObjectItemCaseSensitive(e, "time");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(e, "attrs"), *a;
	struct og_attr kv[EVENTS_ATTRS_MAX];
	struct og_event ev = { .struct_size = sizeof(ev) };
	int64_t t;
	size_t n = 0;

	if (!cJSON_IsString(type) || !cJSON_IsString(time) ||
	    host->parse_time(time->valuestring, &t) < 0) {
		host->log(ctx, OG_LOG_ERROR, "%s: [%d]: needs \"type\" and an RFC 3339 "
			  "\"time\", skipping", path, i);
		return -EINVAL;
	}
	if (attrs && !cJSON_IsObject(attrs)) {
		host->log(ctx, OG_LOG_ERROR, "%s: [%d].attrs: must be an object, skipping",
			  path, i);
		return -EINVAL;
	}
	cJSON_ArrayForEach(a, attrs) {
		if (n == EVENTS_ATTRS_MAX || !cJSON_IsString(a)) {
			host->log(ctx, OG_LOG_ERROR, "%s: [%d].attrs.%s: must be a string "
				  "(at most %d attributes), skipping", path, i,
				  a->string, EVENTS_ATTRS_MAX);
			return -EINVAL;
		}
		kv[n].key = a->string;
		kv[n].value = a->valuestring;
		n++;
	}
	ev.type = type->valuestring;
	ev.time = t;
	ev.id = cJSON_IsString(id) ? id->valuestring : NULL;
	ev.attrs = kv;
	ev.n_attrs = n;
	return host->event(ctx, &ev);
}

static int
import_file(struct og_ctx *ctx, const struct og_host *host, const char *path,
	    size_t *ret_n)
{
	const cJSON *arr, *e;
	cJSON *doc;
	char *buf;
	size_t len = 0, off = 0;
	int err = 0, i = 0, bad = 0;

	buf = read_all(path, &len, &err);
	if (!buf) {
		host->log(ctx, OG_LOG_ERROR, "cannot read '%s': %s", path, strerror(err));
		return -err;
	}
	doc = ogjs_parse_text(buf, len, NULL, &off);
	if (!doc) {
		host->log(ctx, OG_LOG_ERROR, "%s: invalid JSON at byte %zu", path,
			  off);
		free(buf);
		return -EINVAL;
	}
	arr = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "events");
	if (!cJSON_IsArray(arr)) {
		host->log(ctx, OG_LOG_ERROR, "%s: expected an array of events or "
			  "{\"events\": [...]}", path);
		cJSON_Delete(doc);
		free(buf);
		return -EINVAL;
	}
	cJSON_ArrayForEach(e, arr) {
		if (import_one(ctx, host, path, e, i++) < 0)
			bad++;
		else
			(*ret_n)++;
	}
	cJSON_Delete(doc);
	free(buf);
	return bad ? -EINVAL : 0;
}

static int
events_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	ev->host = host;
	*ret_state = ev;
	return 0;
}

static int
events_collect(struct og_ctx *ctx, void *state)
{
	struct events *ev = state;
	const char *const *files;
	size_t n = 0, imported = 0, failed = 0;

	files = ev->host->config_get_list(ctx, "file", &n);
	for (size_t i = 0; i < n; i++) {
		target_declare_path(ctx, ev->host, "file", files[i]);
		if (import_file(ctx, ev->host, files[i], &imported) < 0)
			failed++;
	}
	if (failed)
		ev->host->set_partial(ctx, "some event files or entries were unreadable");
	ev->host->fact_number(ctx, "events.imported", (double)imported, NULL,
			      n ? files[0] : NULL);
	return 0;
}

static void
events_fini(void *state)
{
	free(state);
}

static const struct og_option events_options[] = {
	{ .key = "file", .type = OG_OPT_LIST, .flags = OG_OPTF_PATH,
	  .help = "JSON file(s) of events to import" },
	{ .key = NULL },
};

OG_PLUGIN_DEFINE(
	.name = "events",
	.version = "0.1.0",
	.summary = "Imports delivery events (deployments, incidents, PRs) from JSON files",
	.init = events_init,
	.collect = events_collect,
	.fini = events_fini,
	.options = events_options,
	.opt_in = true,
)
