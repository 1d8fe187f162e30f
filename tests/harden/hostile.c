/*
 * Hostile collectors for the hardening suite (issue 15), one per
 * BEHAVIOUR macro.  Each does one thing a broken or malicious in-house
 * plugin could do; test_harden.py checks the run keeps its promises.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opsgrade/plugin.h>

static int
collect(struct og_ctx *ctx, void *state)
{
	const struct og_host *host = state;

	host->fact_bool(ctx, "hostile." PLUGIN_NAME ".started", true, NULL);
#if defined(BEHAVIOUR_BADTEXT)
	{
		/* overlong '/', an encoded surrogate, a code point above
		 * U+10FFFF, a stray continuation byte, then a valid "é" */
		static const char title[] = "A\xc0\xaf" "B\xed\xa0\x80" "C"
			"\xf4\x90\x80\x80" "D\x80" "E\xc3\xa9";
		struct og_finding f = {
			.struct_size = sizeof(f), .id = "BAD-UTF8-1",
			.title = title, .severity = OG_SEV_LOW,
			.score = -1,
		};

		host->finding(ctx, &f);
		host->fact_string(ctx, "hostile.badtext.value", title, NULL);
		host->log(ctx, OG_LOG_WARN, "log with \x1b[31mred\x1b[0m and "
			  "\x1b]0;title\x07 escapes");
	}
#elif defined(BEHAVIOUR_BADVALUES)
	{
		struct og_finding f = {
			.struct_size = sizeof(f), .id = "BAD-SEV-1",
			.severity = (enum og_severity)99, .score = -1,
		};
		struct og_event e = {
			.struct_size = sizeof(e), .type = "deployment",
			.time = INT64_MAX,
		};

		host->fact_number(ctx, "hostile.badvalues.nan", NAN, NULL, NULL);
		host->fact_number(ctx, "hostile.badvalues.inf", INFINITY, NULL, NULL);
		host->finding(ctx, &f);
		f.id = "BAD-KIND-1";
		f.severity = OG_SEV_LOW;
		f.kind = (enum og_finding_kind)-3;
		host->finding(ctx, &f);
		host->event(ctx, &e);
		e.time = INT64_MIN;
		host->event(ctx, &e);
	}
#endif
	return 0;
}

static int
init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	(void)ctx;
	*ret_state = (void *)host;
	return 0;
}

OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .summary = "hostile test plugin",
		 .init = init, .collect = collect)
