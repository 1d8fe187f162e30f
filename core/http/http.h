/*
 * Shared HTTP client (libcurl multi): pooled connections, bounded
 * concurrency, retries with backoff, GitHub rate limits, Link pagination
 * helpers, a persistent ETag cache, size caps.  Offered to plugins as
 * og_host.http_batch / http_free (include/opsgrade/plugin.h).
 */
#ifndef OG_HTTP_H
#define OG_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

struct og_http;

/* @config: the whole config tree (reads "http"); @name the collector
 * (cache namespace, log prefix). */
int og_http_new(const cJSON *config, const char *name, struct og_http **ret);
struct og_http *og_http_free(struct og_http *h);

int og_http_batch(struct og_http *h,
		  const struct og_http_request *const *requests, size_t n,
		  struct og_http_response **ret_responses);
void og_http_response_free(struct og_http_response *r);

#endif
