/* The attestations file (og_attest_load) against the bundled model. */
#include "config.h"

#include "assess/assess-int.h"
#include "fuzz.h"
#include "loader.h"
#include "util.h"

static struct og_mm *mm;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct og_attest_set set = { 0 };
	char path[64], *err = NULL;
	int fd;

	og_log_set_level((enum og_log_prio)-1);
	if (!mm) {
		char *model = og_asprintf("%s/maturity-model.json", og_data_dir());

		if (og_mm_load(model, NULL, 0, &mm, &err) < 0)
			abort();
		free(model);
	}
	og_attest_load(fuzz_file(data, size, &fd, path, sizeof(path)), mm,
		       &set, &err);
	og_attest_fini(&set);
	free(err);
	close(fd);
	return 0;
}
