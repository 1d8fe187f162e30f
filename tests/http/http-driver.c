/*
 * Test driver for core/http: reads a JSON spec from the file named by
 * argv[1],
 *
 *	{"config": {"http": {...}}, "rounds": [[request, ...], ...]}
 *	request = {"url", "method", "headers": [..], "auth", "no_cache",
 *		   "follow_redirects"}
 *
 * runs each round as one og_http_batch on one client (so the connection
 * pool and rate-limit state carry over), and prints one JSON document:
 * {"rounds": [[{"status", "error", "headers": {..}, "body", "body_len",
 * "from_cache", "effective_url"}, ...], ...], "sent": n, "cached": n}.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/credential.h"
#include "core/http/http.h"
#include "core/util.h"

#define SPEC_MAX_BYTES	(1024 * 1024)
#define ROUND_MAX	1000

static const char *
str_or_null(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *
response_json(const struct og_http_response *r)
{
	cJSON *o = cJSON_CreateObject(), *hd = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "status", (double)r->status);
	if (r->error)
		cJSON_AddStringToObject(o, "error", r->error);
	else
		cJSON_AddNullToObject(o, "error");
	for (const char *const *h = r->headers; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		char *name;

		if (!colon)
			continue;
		name = og_xmalloc((size_t)(colon - *h) + 1);
		memcpy(name, *h, (size_t)(colon - *h));
		name[colon - *h] = '\0';
		if (!cJSON_GetObjectItemCaseSensitive(hd, name))
			cJSON_AddStringToObject(hd, name, colon + 2);
		free(name);
	}
	cJSON_AddItemToObject(o, "headers", hd);
	cJSON_AddStringToObject(o, "body", r->body ? r->body : "");
	cJSON_AddNumberToObject(o, "body_len", (double)r->body_len);
	cJSON_AddBoolToObject(o, "from_cache", r->from_cache);
	if (r->effective_url)
		cJSON_AddStringToObject(o, "effective_url", r->effective_url);
	return o;
}

static int
run_round(struct og_http *h, const cJSON *round, cJSON *out)
{
	size_t n = (size_t)cJSON_GetArraySize(round), i = 0;
	struct og_http_request *reqs;
	const struct og_http_request **ptrs;
	struct og_http_response **resps;
	const char ***hdrs;
	const cJSON *item;
	int r;

	if (n > ROUND_MAX)
		return -E2BIG;
	reqs = og_xcalloc(n ? n : 1, sizeof(*reqs));
	ptrs = og_xcalloc(n ? n : 1, sizeof(*ptrs));
	resps = og_xcalloc(n ? n : 1, sizeof(*resps));
	hdrs = og_xcalloc(n ? n : 1, sizeof(*hdrs));
	cJSON_ArrayForEach(item, round) {
		const cJSON *hl = cJSON_GetObjectItemCaseSensitive(item,
								  "headers");
		size_t k = 0, nh = (size_t)cJSON_GetArraySize(hl);
		const cJSON *hv;

		hdrs[i] = og_xcalloc(nh + 1, sizeof(char *));
		cJSON_ArrayForEach(hv, hl)
			if (cJSON_IsString(hv))
				hdrs[i][k++] = hv->valuestring;
		reqs[i].struct_size = sizeof(reqs[i]);
		reqs[i].url = str_or_null(item, "url");
		reqs[i].method = str_or_null(item, "method");
		reqs[i].auth = str_or_null(item, "auth");
		reqs[i].headers = hdrs[i];
		reqs[i].no_cache = cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(item, "no_cache"));
		reqs[i].follow_redirects = cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(item,
							 "follow_redirects"));
		ptrs[i] = &reqs[i];
		i++;
	}
	r = og_http_batch(h, ptrs, n, resps);
	if (r == 0) {
		for (i = 0; i < n; i++) {
			cJSON_AddItemToArray(out, response_json(resps[i]));
			og_http_response_free(resps[i]);
		}
	}
	for (i = 0; i < n; i++)
		free(hdrs[i]);
	free(hdrs);
	free(resps);
	free(ptrs);
	free(reqs);
	return r;
}

/* The credentials the spec declares, as a plugin would (og_credential). */
static struct og_credential *
spec_credentials(const cJSON *spec)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(spec, "credentials"), *c;
	struct og_credential *v = og_xcalloc((size_t)cJSON_GetArraySize(list) + 1,
					     sizeof(*v));
	size_t n = 0;

	cJSON_ArrayForEach(c, list) {
		const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(c, "hosts"), *h;
		const char **hv = og_xcalloc((size_t)cJSON_GetArraySize(hosts) + 1,
					     sizeof(*hv));
		size_t k = 0;

		cJSON_ArrayForEach(h, hosts)
			hv[k++] = cJSON_GetStringValue(h);
		v[n++] = (struct og_credential){
			.name = str_or_null(c, "name"), .env = str_or_null(c, "env"),
			.user_env = str_or_null(c, "user_env"),
			.hosts = hv, .hosts_option = str_or_null(c, "hosts_option"),
			.insecure_option = str_or_null(c, "insecure_option"),
			.scheme = str_or_null(c, "scheme"),
			.header = str_or_null(c, "header"),
		};
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct og_http *h = NULL;
	struct og_credential *creds = NULL;
	struct og_credset set;
	cJSON *spec = NULL, *out = NULL, *rounds_out;
	const cJSON *round;
	char *text = NULL, *printed;
	size_t len;
	uint64_t sent, cached;
	int r, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: http-driver SPEC.json\n");
		return 2;
	}
	r = og_read_file(argv[1], SPEC_MAX_BYTES, &text, &len);
	if (r < 0) {
		fprintf(stderr, "http-driver: %s: %s\n", argv[1],
			strerror(-r));
		return 2;
	}
	spec = cJSON_Parse(text);
	if (!spec) {
		fprintf(stderr, "http-driver: %s: not JSON\n", argv[1]);
		goto out;
	}
	r = og_http_new(cJSON_GetObjectItemCaseSensitive(spec, "config"),
			"driver", &h);
	if (r < 0) {
		fprintf(stderr, "http-driver: og_http_new: %s\n",
			strerror(-r));
		goto out;
	}
	creds = spec_credentials(spec);
	set = (struct og_credset){ .plugin = "github", .creds = creds,
				   .config = cJSON_GetObjectItemCaseSensitive(spec, "config") };
	og_http_set_credentials(h, &set);
	out = cJSON_CreateObject();
	rounds_out = cJSON_AddArrayToObject(out, "rounds");
	cJSON_ArrayForEach(round,
			   cJSON_GetObjectItemCaseSensitive(spec, "rounds")) {
		cJSON *ro = cJSON_CreateArray();

		cJSON_AddItemToArray(rounds_out, ro);
		r = run_round(h, round, ro);
		if (r < 0) {
			fprintf(stderr, "http-driver: og_http_batch: %s\n",
				strerror(-r));
			goto out;
		}
	}
	og_http_stats(h, &sent, &cached);
	cJSON_AddNumberToObject(out, "sent", (double)sent);
	cJSON_AddNumberToObject(out, "cached", (double)cached);
	printed = cJSON_Print(out);
	puts(printed);
	free(printed);
	ret = 0;
out:
	og_http_free(h);
	for (struct og_credential *c = creds; c && c->name; c++)
		free((void *)c->hosts);
	free(creds);
	cJSON_Delete(out);
	cJSON_Delete(spec);
	free(text);
	return ret;
}
