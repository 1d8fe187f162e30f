/* A history snapshot as `opsgrade history` and the next report read it:
 * one file in a private history directory (og_history_list). */
#include "config.h"

#include <cjson/cJSON.h>
#include <fcntl.h>

#include "fuzz.h"
#include "history/history.h"
#include "util.h"

static char dir[] = "/tmp/og-fuzz-history-XXXXXX";
static cJSON *config;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *listing = NULL;
	char *path;
	int fd;

	og_log_set_level((enum og_log_prio)-1);
	if (!config) {
		if (!mkdtemp(dir))
			abort();
		config = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(config, "history"),
					"dir", dir);
	}
	path = og_asprintf("%s/snapshot-20260101T000000Z.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (og_history_list(config, NULL, &listing) == 0)
		cJSON_Delete(listing);
	unlink(path);
	free(path);
	return 0;
}
