/* The plugin pipe as the runner reads it: length-prefixed frames, the
 * binary findings decoded into a model (og_wire_add_finding) and the
 * JSON records read like fuzz-record's lines.  A plugin may write any
 * bytes here, so this is the parent's first reader of hostile input. */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "jsonin.h"
#include "model.h"
#include "report-json.h"
#include "util.h"
#include "wire.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct og_model *m = og_model_new();
	size_t at = 0;

	og_log_set_level((enum og_log_prio)-1);
	while (size - at >= OG_WIRE_HEAD) {
		enum og_wire_type type;
		int64_t n = og_wire_frame_len(data + at, &type);
		char *err = NULL;
		size_t fixed = 0;

		/* garbage or a frame longer than what is left: the runner
		 * stops the collector there */
		if (n < 0 || (uint64_t)n > size - at - OG_WIRE_HEAD)
			break;
		at += OG_WIRE_HEAD;
		if (type == OG_WIRE_FINDING) {
			og_wire_add_finding(m, data + at, (size_t)n, "fuzz", &fixed, &err);
		} else {
			cJSON *o = og_json_parse((const char *)data + at, (size_t)n, false,
						 NULL, NULL);

			if (o)
				og_fact_from_json(m, o, "fuzz", &err);
			cJSON_Delete(o);
		}
		free(err);
		at += (size_t)n;
	}
	og_model_free(m);
	return 0;
}
