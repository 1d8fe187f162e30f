/* A registry's WWW-Authenticate challenge and its token answer. */
#include "config.h"

#include "fuzz.h"
#include "reg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *token = NULL;
	struct reg_challenge ch = { 0 };
	long expires = 0;

	if (reg_challenge_parse(s, &ch) == 0)
		reg_challenge_clear(&ch);
	free(reg_link_next(s, "https://r.example/v2/app/tags/list"));
	if (reg_token_parse(s, size, &token, &expires) == 0)
		free(token);
	free(s);
	return 0;
}
