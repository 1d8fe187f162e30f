/* The maturity model reader (og_mm_parse + og_mm_finish), as a model
 * file or a plugin's fragment is read. */
#include "config.h"

#include "assess/assess-int.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct og_mm *mm = og_xcalloc(1, sizeof(*mm));
	char *text = fuzz_string(data, size), *err = NULL;

	og_log_set_level((enum og_log_prio)-1);
	if (og_mm_parse("fuzz.json", text, mm, false, &err) == 0)
		og_mm_finish(mm, &err);
	free(err);
	og_mm_free(mm);
	free(text);
	return 0;
}
