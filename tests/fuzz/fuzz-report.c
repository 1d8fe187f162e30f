/* report.json as render --from and merge read it (og_report_load,
 * core/report-load.c), checked against the same file read as one tree:
 * the two must agree (tests/core/load-diff.h); a difference aborts. */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "../core/load-diff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *why, *err = NULL;
	int fd;

	og_log_set_level((enum og_log_prio)-1);
	why = load_diff(fuzz_file(data, size, &fd, path, sizeof(path)), &err);
	if (why) {
		fprintf(stderr, "fuzz-report: %s\n", why);
		abort();
	}
	free(err);
	close(fd);
	return 0;
}
