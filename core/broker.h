/*
 * The credential broker (issue 15 row 2, issue 14): a plugin's HTTP
 * requests and secret_available questions travel over a socket to its
 * box's keeper, which never runs plugin code.  The keeper holds the
 * secrets, runs the requests with core/http (attaching credentials by
 * the rules of core/credential.h) and sends the answers back, so no
 * credential is ever in the plugin process's memory.
 *
 * Wire format: frames of (u32 type, u64 length, payload); integers
 * little-endian as in memory, strings and bodies as u64 length (or
 * UINT64_MAX for NULL) followed by the bytes.  The keeper checks every
 * length against what it received.
 */
#ifndef OG_BROKER_H
#define OG_BROKER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

#include "credential.h"

/* Keeper side: what one collector's broker needs (borrowed). */
struct og_broker {
	const char *name;		/* collector: cache namespace, log prefix */
	const cJSON *config;
	struct og_credset creds;
	struct og_http *http;		/* made on the first request */
	int http_error;
};

/* Answer one request read from @fd.  0, or <0 when the plugin side is
 * gone or sent something malformed (stop serving). */
int og_broker_serve(struct og_broker *b, int fd);
void og_broker_clear(struct og_broker *b);

/* Plugin side: the host table's http_batch and secret_available,
 * through the keeper on @fd (responses are freed with
 * og_http_response_free). */
int og_broker_batch(int fd, const struct og_http_request *const *requests,
		    size_t n, struct og_http_response **ret_responses);
bool og_broker_available(int fd, const char *name);

#endif /* OG_BROKER_H */
