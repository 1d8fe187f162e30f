/*
 * report.json: the document as read, written canonically.  cJSON keeps
 * member order and prints numbers the same way every time, so rendering
 * one document twice gives identical bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rdoc.h"

int
og_render_json(const cJSON *report, const cJSON *config, const char *path,
	       char **ret_err)
{
	struct og_out out = { .fd = -1 };
	char *text = NULL;
	int r;

	if (!cJSON_IsObject(report)) {
		og_rerr(ret_err, "%s: the report document is not a JSON object", path);
		return -EINVAL;
	}
	text = cJSON_Print(report);
	if (!text) {
		r = -ENOMEM;
		og_rerr(ret_err, "%s: cannot serialise the report", path);
		goto out;
	}
	r = og_out_open(&out, path);
	if (r < 0) {
		og_rerr(ret_err, "%s: cannot create a temporary file: %s", path, strerror(-r));
		goto out;
	}
	og_out_write(&out, text, strlen(text));
	og_out_write(&out, "\n", 1);
	r = og_out_finish(&out, path, true);
	if (r < 0)
		og_rerr(ret_err, "%s: write failed: %s", path, strerror(-r));
out:
	cJSON_free(text);
	return r;
}
