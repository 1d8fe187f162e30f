/*
 * The one test double for the opsgrade plugin host (collectd's
 * plugin_mock.c idea): a struct og_host whose services answer config from
 * a table, print what the plugin emits as JSON lines and hand HTTP to a
 * callback the test scripts.  Used by the mock-host executable
 * (harness.c: bench/ingest.sh, tests/plugins/scanners) and linked into
 * unit tests that drive plugin internals directly (tests/registry).
 *
 * Lines (one JSON object each, on ctx->out, in emission order):
 *   {"fact":K,"type":T,"value":V,"unit":U,"evidence":E}
 *   {"fact":K,"type":"unknown","value":null,"reason":R}
 *   {"finding":{"kind","id","severity","title",...,"locations":[...]}}
 *   {"event":{"type","time","id"}}
 *   {"log":{"level":"error|warn|info|debug","msg":M}}
 *   {"partial":R}
 *   {"http":{"method","url","auth"}}
 */
#ifndef OG_TESTS_MOCK_HOST_H
#define OG_TESTS_MOCK_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <opsgrade/plugin.h>

#define OG_MOCK_MAX_KEYS 64
#define OG_MOCK_MAX_VALUES 256
#define OG_MOCK_MAX_SECRETS 16

struct og_ctx {
	/* config: a key set several times is a list; config_get gives the
	 * last value */
	struct {
		const char *key;
		const char *values[OG_MOCK_MAX_VALUES + 1];
		size_t n;
	} keys[OG_MOCK_MAX_KEYS];
	size_t n_keys;
	const char *secrets[OG_MOCK_MAX_SECRETS];	/* available names */
	size_t n_secrets;
	int64_t now;
	FILE *out;		/* NULL: print nothing (unit tests) */
	bool count_only;	/* findings counted, not printed */
	/* HTTP: answer one request (never NULL), e.g. with
	 * og_mock_response() */
	struct og_http_response *(*http_answer)(struct og_ctx *ctx,
						const struct og_http_request *q);
	/* what happened */
	size_t n_facts, n_findings, n_events, n_http;
	bool partial;
};

/* Zeroes ctx; now = 2026-01-01, output to stdout. */
void og_mock_init(struct og_ctx *ctx);
/* Adds one value of key (pointers are kept, not copied): 0 or -E2BIG. */
int og_mock_set(struct og_ctx *ctx, const char *key, const char *value);
/* Parses "KEY=VALUE" (modified in place): 0 or -EINVAL / -E2BIG. */
int og_mock_set_arg(struct og_ctx *ctx, char *kv);
int og_mock_add_secret(struct og_ctx *ctx, const char *name);
/* A response owning copies of body (len bytes) and the NULL-terminated
 * headers (may be NULL); exits on out of memory.  Free it with
 * og_mock_response_free (the default http_free). */
struct og_http_response *og_mock_response(long status, const char *body,
					  size_t len,
					  const char *const *headers);
void og_mock_response_free(struct og_http_response *r);

/* The host table; http_batch answers via ctx->http_answer (-ENOSYS when
 * unset). */
extern const struct og_host og_mock_host;

#endif
