/* Plugin records as the runner reads them off the pipe: one JSON line
 * each, into a model (og_json_parse + og_*_from_json). */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "jsonin.h"
#include "model.h"
#include "report-json.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct og_model *m = og_model_new();
	const char *p = (const char *)data, *end = p + size;

	og_log_set_level((enum og_log_prio)-1);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *o = og_json_parse(p, len, false, NULL, NULL);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
		char *err = NULL;

		if (cJSON_IsString(t)) {
			if (!strcmp(t->valuestring, "fact"))
				og_fact_from_json(m, o, "fuzz", &err);
			else if (!strcmp(t->valuestring, "finding"))
				og_finding_from_json(m, o, "fuzz", &err);
			else if (!strcmp(t->valuestring, "event"))
				og_event_from_json(m, o, "fuzz", &err);
		}
		free(err);
		cJSON_Delete(o);
		p += len + 1;
	}
	og_model_free(m);
	return 0;
}
