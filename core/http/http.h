/*
 * Shared HTTP client (libcurl multi): pooled connections, bounded
 * concurrency, retries with backoff, rate limits (x-ratelimit-*,
 * Retry-After), Link pagination
 * helpers, a persistent ETag cache, size caps.  Offered to plugins as
 * og_host.http_batch / http_free (include/opsgrade/plugin.h).
 */
#ifndef OG_HTTP_H
#define OG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

struct og_http;

/* @config: the whole config tree (reads "http"); @name the collector
 * (cache namespace, log prefix). */
int og_http_new(const cJSON *config, const char *name, struct og_http **ret);
struct og_http *og_http_free(struct og_http *h);

/* The credentials requests may name (auth = "secret:NAME"), borrowed
 * until og_http_free; without them every auth value is refused. */
struct og_credset;
void og_http_set_credentials(struct og_http *h, const struct og_credset *creds);

int og_http_batch(struct og_http *h,
		  const struct og_http_request *const *requests, size_t n,
		  struct og_http_response **ret_responses);
void og_http_response_free(struct og_http_response *r);

/*
 * Behaviour (config keys under "http", numbers or numeric strings):
 *   max_in_flight (8), connect_timeout (10 s), timeout (60 s, whole
 *   transfer), max_wait (60 s: longest rate-limit wait), retries (3, on
 *   connection errors and 5xx, exponential backoff with jitter),
 *   max_response_bytes (64 MiB), cache_dir ($XDG_CACHE_HOME/opsgrade/http;
 *   entries under cache_dir/<name>/).
 *
 * A response that hit a rate limit longer than max_wait has error set
 * ("... rate limit reached ...; it resets at <RFC 3339>") and the extra
 * header "x-opsgrade-rate-limit-reset: <epoch s>", so a plugin can call
 * set_partial with the message.  status is the 403/429 received, or 0
 * when the request was not sent because the limit was already known.
 * A 304 answered from the cache comes back as the cached status (200),
 * cached headers and body, with from_cache = true.
 */
#define OG_HTTP_RATE_LIMIT_HEADER "x-opsgrade-rate-limit-reset"

/* Requests sent on the wire and answers served from the cache so far. */
void og_http_stats(const struct og_http *h, uint64_t *ret_sent,
		   uint64_t *ret_cached);

/*
 * Host glue.  In the collector's child, call og_http_host_setup(config,
 * collector_name) before init(), point og_host.http_batch at
 * og_http_host_batch and og_host.http_free at og_http_host_free, and call
 * og_http_host_teardown() after fini().  @config is borrowed until
 * teardown.  The client is created on the first batch.
 */
void og_http_host_setup(const cJSON *config, const char *name,
			const struct og_credset *creds);
void og_http_host_teardown(void);
int og_http_host_batch(struct og_ctx *ctx,
		       const struct og_http_request *const *requests, size_t n,
		       struct og_http_response **ret_responses);
void og_http_host_free(struct og_ctx *ctx, struct og_http_response *resp);

#endif
