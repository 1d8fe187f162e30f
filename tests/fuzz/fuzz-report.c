/* report.json as render --from and merge read it (og_report_load, core/report-load.c). */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "model.h"
#include "report-json.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *err = NULL;
	struct og_model *m = NULL;
	cJSON *doc = NULL;
	int fd;

	og_log_set_level((enum og_log_prio)-1);
	if (og_report_load(fuzz_file(data, size, &fd, path, sizeof(path)),
			   &doc, &m, &err) == 0) {
		cJSON_Delete(doc);
		og_model_free(m);
	}
	free(err);
	close(fd);
	return 0;
}
