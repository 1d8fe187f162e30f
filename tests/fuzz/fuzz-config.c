/* The config file reader (og_config_load). */
#include "config.h"

#include <cjson/cJSON.h>

#include "conf.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *err = NULL;
	cJSON *cfg = NULL;
	int fd;

	og_log_set_level((enum og_log_prio)-1);
	if (og_config_load(fuzz_file(data, size, &fd, path, sizeof(path)),
			   &cfg, &err) == 0)
		cJSON_Delete(cfg);
	free(err);
	close(fd);
	return 0;
}
