/*
 * Test-only stand-in for the opsgrade host: dlopen()s a collector,
 * answers config from argv ("key=value", a repeated key makes a list),
 * does HTTP with libcurl easy (one request at a time), and prints every
 * fact, log line and partial marker as one JSON line on stdout.
 *
 * Credentials: "registry:HOST" resolves from HARNESS_REGISTRY_AUTH
 * ("user:password") and is attached as Basic only when the URL's
 * host:port equals HOST — the same rule core/http applies.
 *
 * Usage: registry-harness PLUGIN.so [key=value ...]
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ctype.h>

#include <curl/curl.h>

#include <opsgrade/plugin.h>

#define MAX_KEYS 32
#define MAX_VALUES 64

struct og_ctx {
	int dummy;
};

static struct {
	char *key;
	const char *values[MAX_VALUES + 1];
	size_t n;
} keys[MAX_KEYS];
static size_t n_keys;
static const struct og_plugin *plugin;

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
h_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(stderr, "[%s] %d %s\n", plugin->name, level, msg);
	printf("{\"log\":");
	json_str(stdout, msg);
	printf(",\"level\":%d}\n", level);
	free(msg);
}

static const char *const *
h_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	for (size_t i = 0; i < n_keys; i++)
		if (strcmp(keys[i].key, key) == 0) {
			*ret_n = keys[i].n;
			return keys[i].values;
		}
	*ret_n = 0;
	return NULL;
}

static const char *
h_config_get(struct og_ctx *ctx, const char *key)
{
	size_t n;
	const char *const *v = h_config_get_list(ctx, key, &n);

	return v ? v[0] : NULL;
}

static void
fact_head(const char *key, const char *type)
{
	printf("{\"fact\":");
	json_str(stdout, key);
	printf(",\"type\":\"%s\",\"value\":", type);
}

static void
fact_tail(const char *evidence)
{
	printf(",\"evidence\":");
	if (evidence)
		json_str(stdout, evidence);
	else
		printf("null");
	printf("}\n");
}

static int
h_fact_bool(struct og_ctx *ctx, const char *key, bool value, const char *ev)
{
	fact_head(key, "bool");
	printf("%s", value ? "true" : "false");
	fact_tail(ev);
	return 0;
}

static int
h_fact_number(struct og_ctx *ctx, const char *key, double value,
	      const char *unit, const char *ev)
{
	fact_head(key, "number");
	printf("%.17g", value);
	fact_tail(ev);
	return 0;
}

static int
h_fact_string(struct og_ctx *ctx, const char *key, const char *value,
	      const char *ev)
{
	fact_head(key, "string");
	json_str(stdout, value);
	fact_tail(ev);
	return 0;
}

static int
h_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	    size_t n, const char *ev)
{
	fact_head(key, "list");
	printf("[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			printf(",");
		json_str(stdout, items[i]);
	}
	printf("]");
	fact_tail(ev);
	return 0;
}

static int
h_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	fact_head(key, "unknown");
	printf("null,\"reason\":");
	json_str(stdout, reason);
	printf("}\n");
	return 0;
}

static int
h_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	printf("{\"finding\":");
	json_str(stdout, f->id);
	printf("}\n");
	return 0;
}

static int
h_event(struct og_ctx *ctx, const struct og_event *e)
{
	return 0;
}

static void
h_set_partial(struct og_ctx *ctx, const char *reason)
{
	printf("{\"partial\":");
	json_str(stdout, reason);
	printf("}\n");
}

static bool
h_secret_available(struct og_ctx *ctx, const char *name)
{
	const char *host = getenv("HARNESS_REGISTRY_HOST");

	return getenv("HARNESS_REGISTRY_AUTH") && host &&
	       strncmp(name, "registry:", 9) == 0 && strcmp(name + 9, host) == 0;
}

struct buf {
	char *p;
	size_t n;
};

static size_t
on_body(char *d, size_t sz, size_t nm, void *u)
{
	struct buf *b = u;
	size_t n = sz * nm;

	b->p = realloc(b->p, b->n + n + 1);
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

struct hdrs {
	char **v;
	size_t n;
};

static size_t
on_header(char *d, size_t sz, size_t nm, void *u)
{
	struct hdrs *h = u;
	size_t n = sz * nm, len = n;
	char *line;

	while (len > 0 && (d[len - 1] == '\n' || d[len - 1] == '\r'))
		len--;
	if (len >= 5 && strncmp(d, "HTTP/", 5) == 0) {
		/* a new response (redirect): forget the old headers */
		for (size_t i = 0; i < h->n; i++)
			free(h->v[i]);
		h->n = 0;
		return n;
	}
	if (len == 0 || !memchr(d, ':', len))
		return n;
	line = strndup(d, len);
	for (char *c = line; *c && *c != ':'; c++)
		*c = (char)tolower((unsigned char)*c);
	h->v = realloc(h->v, (h->n + 2) * sizeof(*h->v));
	h->v[h->n++] = line;
	h->v[h->n] = NULL;
	return n;
}

static char *
url_hostport(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return NULL;
	p += 3;
	return strndup(p, strcspn(p, "/?#"));
}

static struct og_http_response *
do_request(const struct og_http_request *q)
{
	struct og_http_response *r = calloc(1, sizeof(*r));
	struct curl_slist *sl = NULL;
	struct buf body = { 0 };
	struct hdrs hd = { 0 };
	static char errbuf[CURL_ERROR_SIZE];
	CURL *c = curl_easy_init();
	char *eff = NULL;
	CURLcode cc;

	r->struct_size = sizeof(*r);
	for (const char *const *h = q->headers; h && *h; h++)
		sl = curl_slist_append(sl, *h);
	if (q->auth && h_secret_available(NULL, q->auth)) {
		char *hp = url_hostport(q->url);

		if (hp && strcmp(hp, q->auth + 9) == 0) {
			curl_easy_setopt(c, CURLOPT_USERPWD,
					 getenv("HARNESS_REGISTRY_AUTH"));
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		}
		free(hp);
	}
	fprintf(stderr, "harness: %s %s%s\n", q->method ? q->method : "GET",
		q->url, q->auth ? " (auth)" : "");
	curl_easy_setopt(c, CURLOPT_URL, q->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hd);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, q->follow_redirects ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (q->method && strcmp(q->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (q->method && strcmp(q->method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	errbuf[0] = '\0';
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		r->error = strdup(errbuf[0] ? errbuf : curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
		r->effective_url = eff ? strdup(eff) : NULL;
	}
	if (!body.p)
		body.p = calloc(1, 1);
	r->body = body.p;
	r->body_len = body.n;
	if (!hd.v)
		hd.v = calloc(1, sizeof(*hd.v));
	r->headers = (const char *const *)hd.v;
	curl_slist_free_all(sl);
	curl_easy_cleanup(c);
	return r;
}

static int
h_http_batch(struct og_ctx *ctx, const struct og_http_request *const *reqs,
	     size_t n, struct og_http_response **ret)
{
	for (size_t i = 0; i < n; i++)
		ret[i] = do_request(reqs[i]);
	return 0;
}

static void
h_http_free(struct og_ctx *ctx, struct og_http_response *r)
{
	if (!r)
		return;
	for (const char *const *h = r->headers; h && *h; h++)
		free((char *)*h);
	free((void *)r->headers);
	free((void *)r->body);
	free((void *)r->error);
	free((void *)r->effective_url);
	free(r);
}

static int64_t
h_now(struct og_ctx *ctx)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");

	return e ? strtoll(e, NULL, 10) : (int64_t)time(NULL);
}

int
main(int argc, char **argv)
{
	struct og_host host = {
		.abi_major = OPSGRADE_PLUGIN_ABI,
		.struct_size = sizeof(host),
		.log = h_log,
		.config_get = h_config_get,
		.config_get_list = h_config_get_list,
		.fact_bool = h_fact_bool,
		.fact_number = h_fact_number,
		.fact_string = h_fact_string,
		.fact_list = h_fact_list,
		.fact_unknown = h_fact_unknown,
		.finding = h_finding,
		.event = h_event,
		.set_partial = h_set_partial,
		.secret_available = h_secret_available,
		.http_batch = h_http_batch,
		.http_free = h_http_free,
		.now = h_now,
	};
	struct og_ctx ctx = { 0 };
	void *so, *state = NULL;
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PLUGIN.so [key=value ...]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t k;

		if (!eq)
			return 2;
		*eq = '\0';
		for (k = 0; k < n_keys && strcmp(keys[k].key, argv[i]); k++)
			;
		if (k == n_keys) {
			if (n_keys == MAX_KEYS)
				return 2;
			keys[n_keys++].key = argv[i];
		}
		if (keys[k].n == MAX_VALUES)
			return 2;
		keys[k].values[keys[k].n++] = eq + 1;
	}
	so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	plugin = dlsym(so, OPSGRADE_PLUGIN_SYMBOL);
	if (!plugin || plugin->abi_major != OPSGRADE_PLUGIN_ABI)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = plugin->init(&ctx, &host, &state);
	printf("{\"init\":%d}\n", r);
	if (r == 0) {
		r = plugin->collect(&ctx, state);
		printf("{\"collect\":%d}\n", r);
		plugin->fini(state);
	}
	curl_global_cleanup();
	dlclose(so);
	return 0;
}
