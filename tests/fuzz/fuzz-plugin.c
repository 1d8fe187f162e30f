/*
 * A collector plugin's readers, driven as the host drives it (init,
 * collect, fini) through the mock host of tests/plugins.  Built once per
 * plugin, with the plugin's sources linked in:
 *   FUZZ_FILE_OPTION   the option naming its input file (trivy: reports,
 *                      codeql: sarif): the input is that file;
 *   FUZZ_HTTP          every HTTP answer's body is the input (github);
 *   FUZZ_SET_n         "KEY=VALUE" settings.
 */
#include "config.h"

#include <opsgrade/plugin.h>

#include "fuzz.h"
#include "mock-host.h"

extern const struct og_plugin opsgrade_plugin;

#ifdef FUZZ_HTTP
static const uint8_t *http_data;
static size_t http_size;
static size_t http_answers;

static struct og_http_response *
answer(struct og_ctx *ctx, const struct og_http_request *q)
{
	static const char *const headers[] = {
		"content-type: application/json", NULL,
	};

	(void)ctx;
	(void)q;
	/* bounded: a plugin that keeps asking gets errors, not a loop */
	if (++http_answers > 64)
		return og_mock_response(0, "", 0, NULL);
	return og_mock_response(200, (const char *)http_data, http_size, headers);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sets[] = {
#ifdef FUZZ_SET_1
		FUZZ_SET_1,
#endif
#ifdef FUZZ_SET_2
		FUZZ_SET_2,
#endif
		NULL,
	};
	static struct og_ctx ctx;
	const struct og_plugin *p = &opsgrade_plugin;
	static char kv[4][256];
#ifdef FUZZ_FILE_OPTION
	char path[64];
#endif
	void *state = NULL;
	int fd = -1;

	og_mock_init(&ctx);
	ctx.out = NULL;
	ctx.count_only = true;
	/* the mock keeps pointers and edits "KEY=VALUE" in place */
	for (size_t i = 0; sets[i]; i++) {
		snprintf(kv[i], sizeof(kv[i]), "%s", sets[i]);
		og_mock_set_arg(&ctx, kv[i]);
	}
#ifdef FUZZ_FILE_OPTION
	og_mock_set(&ctx, FUZZ_FILE_OPTION, fuzz_file(data, size, &fd, path,
						      sizeof(path)));
#endif
#ifdef FUZZ_HTTP
	http_data = data;
	http_size = size;
	http_answers = 0;
	ctx.http_answer = answer;
#endif
#ifdef FUZZ_SECRET
	og_mock_add_secret(&ctx, FUZZ_SECRET);
#endif
	if (!p->init || p->init(&ctx, &og_mock_host, &state) == 0) {
		p->collect(&ctx, state);
		if (p->fini)
			p->fini(state);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}
