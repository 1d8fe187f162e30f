/*
 * report.json: the document as read, written by the core's one canonical
 * writer (og_report_write: cJSON keeps member order and prints numbers
 * the same way every time, temporary file + rename), so "render --from"
 * and "collect" produce the same bytes for the same document.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "core/report-json.h"
#include "render.h"
#include "rdoc.h"

int
og_render_json(const cJSON *report, const cJSON *config, const char *path,
	       char **ret_err)
{
	char *err = NULL;
	int r;

	if (!cJSON_IsObject(report)) {
		og_rerr(ret_err, "%s: the report document is not a JSON object", path);
		return -EINVAL;
	}
	r = og_report_write(report, path, &err);
	if (r < 0) {
		og_rerr(ret_err, "%s", err ? err : "cannot write the report");
		free(err);
	}
	return r;
}
