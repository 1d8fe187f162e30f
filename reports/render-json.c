/*
 * report.json: the document as read, written canonically, its findings
 * from the model.  cJSON keeps member order and prints numbers the same
 * way every time, so rendering one document twice gives identical bytes.  The writer is the core's
 * (og_report_write), so collect, merge and render share one format.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "render.h"
#include "report-json.h"
#include "util.h"

int
og_render_json(const struct og_report *report, const cJSON *config,
	       const char *path, char **ret_err)
{
	if (!cJSON_IsObject(report->doc)) {
		*ret_err = og_asprintf("%s: the report document is not a JSON object",
				       path);
		return -EINVAL;
	}
	return og_report_write(report, path, ret_err);
}
