/*
 * Shared HTTP client on libcurl's multi interface.
 *
 * One struct og_http per collector (child process).  A batch is run as a
 * small event loop: transfers start while fewer than max_in_flight are
 * running and their retry time has come; finished transfers are either
 * retried (connection errors, 5xx, rate limits with a short wait) or
 * turned into a response.  Redirects are followed here, not by curl, so
 * that Authorization is attached only while the URL stays on the host
 * the credential belongs to.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/conf.h"
#include "core/credential.h"
#include "core/fingerprint.h"
#include "core/http/http.h"
#include "core/secret.h"
#include "core/util.h"

#define HTTP_MAX_IN_FLIGHT_DEFAULT	8
#define HTTP_MAX_IN_FLIGHT_MAX		64
#define HTTP_CONNECT_TIMEOUT_DEFAULT	10.0	/* s */
#define HTTP_TIMEOUT_DEFAULT		60.0	/* s */
#define HTTP_MAX_WAIT_DEFAULT		60.0	/* s */
#define HTTP_RETRIES_DEFAULT		3
#define HTTP_RETRIES_MAX		10
#define HTTP_MAX_BYTES_DEFAULT		((size_t)64 << 20)
#define HTTP_MAX_BYTES_MAX		((size_t)1 << 30)
#define HTTP_BACKOFF_BASE_MS		250
#define HTTP_BACKOFF_CAP_MS		30000
#define HTTP_SECONDARY_WAIT_S		60	/* no hint: wait at least a minute */
#define HTTP_REDIRECTS_MAX		10
#define HTTP_HEADERS_MAX		200	/* per response */
#define HTTP_HEADER_BYTES_MAX		(64 * 1024)
#define HTTP_BATCH_MAX			100000
#define HTTP_HOSTS_MAX			16
#define HTTP_SECRETS_MAX		32
#define HTTP_CACHE_MAGIC		"opsgrade-http-cache 1\n"

/* Rate-limit state per host, from the last answer's x-ratelimit-*. */
struct host_limit {
	char *host;
	long remaining;		/* -1: unknown (GHES may send none) */
	int64_t reset;		/* UTC epoch s */
};

/* A credential's value for one host, resolved once per og_http. */
struct secret_slot {
	const struct og_credential *cred;
	char *host;
	char *value;		/* NULL when none is configured */
};

/* A token service a credential's host named in its 401 challenge
 * (WWW-Authenticate realm): the credential may go there too. */
struct realm {
	const struct og_credential *cred;
	char *realm_host;
	char *owner_host;	/* the credential's host that named it */
};

struct og_http {
	CURLM *multi;
	const cJSON *config;	/* borrowed: the whole tree, for secrets */
	char *name;
	char *cache_dir;	/* NULL: cache disabled */
	char *user_agent;
	long max_in_flight;
	long connect_timeout_ms;
	long timeout_ms;
	double max_wait;
	int retries;
	size_t max_bytes;
	uint64_t rng;
	struct host_limit hosts[HTTP_HOSTS_MAX];
	size_t n_hosts;
	struct secret_slot secrets[HTTP_SECRETS_MAX];
	size_t n_secrets;
	struct realm realms[HTTP_SECRETS_MAX];
	size_t n_realms;
	const struct og_credset *creds;	/* borrowed; NULL: no credentials */
	uint64_t n_sent, n_cached;
};

/* The public response plus the storage behind its pointers. */
struct response {
	struct og_http_response pub;
	char **headers;		/* NULL-terminated */
	size_t n_headers;
	char *body;
	size_t body_len;
	char *error;
	char *effective_url;
};

struct buf {
	char *p;
	size_t len, cap, max;
	bool too_big;
};

enum xfer_state { XFER_WAITING, XFER_RUNNING, XFER_DONE };

struct xfer {
	struct og_http *h;
	const struct og_http_request *req;
	const struct og_credential *cred;	/* what req->auth names */
	enum xfer_state state;
	CURL *easy;
	struct curl_slist *slist;
	char *url;		/* current URL (changes on redirects) */
	char *origin_host;	/* host of the request's own URL */
	int attempt;
	int redirects;
	int64_t not_before_ms;	/* monotonic: do not start before */
	struct buf body;
	char **headers;
	size_t n_headers;
	size_t header_bytes;
	char *cache_path;	/* GET with cache: where the entry lives */
	char *cached;		/* the entry's text, when one exists */
	size_t cached_len;
	char *cached_etag;	/* the entry's validator */
	struct response *resp;	/* result, set when done */
};

/* ---- small helpers ------------------------------------------------- */

static uint64_t
rng_next(struct og_http *h)
{
	/* xorshift64*: jitter only, not security */
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * UINT64_C(2685821657736338717);
}

static void
wipe(char *s)
{
	if (s) {
		volatile char *v = s;

		while (*v)
			*v++ = 0;
	}
}

static bool
buf_append(struct buf *b, const void *data, size_t len)
{
	if (len > b->max - b->len) {
		b->too_big = true;
		return false;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len + 1)
			cap *= 2;
		b->p = og_xrealloc_array(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return true;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Config value as a number: JSON number or numeric string. */
static int
config_number(const cJSON *http, const char *key, double min, double max,
	      double *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(http, key);
	double d;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
	} else if (cJSON_IsString(v)) {
		char *end;

		errno = 0;
		d = strtod(v->valuestring, &end);
		if (errno || end == v->valuestring || *end)
			goto bad;
	} else {
		goto bad;
	}
	if (!(d >= min && d <= max))
		goto bad;
	*ret = d;
	return 0;
bad:
	og_log_error("config http.%s: expected a number from %g to %g",
		     key, min, max);
	return -EINVAL;
}

/* ---- creation ------------------------------------------------------ */

int
og_http_new(const cJSON *config, const char *name, struct og_http **ret)
{
	const cJSON *http = cJSON_GetObjectItemCaseSensitive(config, "http");
	struct og_http *h;
	double in_flight = HTTP_MAX_IN_FLIGHT_DEFAULT;
	double connect = HTTP_CONNECT_TIMEOUT_DEFAULT;
	double timeout = HTTP_TIMEOUT_DEFAULT;
	double max_wait = HTTP_MAX_WAIT_DEFAULT;
	double retries = HTTP_RETRIES_DEFAULT;
	double max_bytes = (double)HTTP_MAX_BYTES_DEFAULT;
	const cJSON *dir;
	int r;

	if (http && !cJSON_IsObject(http)) {
		og_log_error("config http: expected an object");
		return -EINVAL;
	}
	if ((r = config_number(http, "max_in_flight", 1,
			       HTTP_MAX_IN_FLIGHT_MAX, &in_flight)) < 0 ||
	    (r = config_number(http, "connect_timeout", 0.001, 3600,
			       &connect)) < 0 ||
	    (r = config_number(http, "timeout", 0.001, 86400, &timeout)) < 0 ||
	    (r = config_number(http, "max_wait", 0, 86400, &max_wait)) < 0 ||
	    (r = config_number(http, "retries", 0, HTTP_RETRIES_MAX,
			       &retries)) < 0 ||
	    (r = config_number(http, "max_response_bytes", 1,
			       (double)HTTP_MAX_BYTES_MAX, &max_bytes)) < 0)
		return r;

	h = og_xcalloc(1, sizeof(*h));
	h->config = config;
	h->name = og_strdup0(name ? name : "http");
	h->max_in_flight = (long)in_flight;
	h->connect_timeout_ms = (long)(connect * 1000);
	h->timeout_ms = (long)(timeout * 1000);
	h->max_wait = max_wait;
	h->retries = (int)retries;
	h->max_bytes = (size_t)max_bytes;
	h->user_agent = og_asprintf("opsgrade/%s", OG_VERSION);
	h->rng = (uint64_t)og_mono_ms() ^ ((uint64_t)getpid() << 32) ^
		 UINT64_C(0x9e3779b97f4a7c15);

	dir = cJSON_GetObjectItemCaseSensitive(http, "cache_dir");
	if (cJSON_IsString(dir) && dir->valuestring[0])
		h->cache_dir = og_asprintf("%s/%s", dir->valuestring, h->name);
	else if (dir && !cJSON_IsNull(dir)) {
		og_log_error("config http.cache_dir: expected a path");
		og_http_free(h);
		return -EINVAL;
	} else {
		char *d = og_user_cache_dir("http");

		if (d)
			h->cache_dir = og_asprintf("%s/%s", d, h->name);
		free(d);
	}

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(h->multi = curl_multi_init())) {
		og_http_free(h);
		return -ENOMEM;
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  h->max_in_flight);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
			  h->max_in_flight * 2);

	*ret = h;
	return 0;
}

struct og_http *
og_http_free(struct og_http *h)
{
	if (!h)
		return NULL;
	if (h->n_sent || h->n_cached)
		og_log_debug("[%s] http: %llu requests sent, %llu answered "
			     "from cache", h->name,
			     (unsigned long long)h->n_sent,
			     (unsigned long long)h->n_cached);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	for (size_t i = 0; i < h->n_hosts; i++)
		free(h->hosts[i].host);
	for (size_t i = 0; i < h->n_secrets; i++) {
		free(h->secrets[i].host);
		og_secret_free(h->secrets[i].value);
	}
	for (size_t i = 0; i < h->n_realms; i++) {
		free(h->realms[i].realm_host);
		free(h->realms[i].owner_host);
	}
	free(h->name);
	free(h->cache_dir);
	free(h->user_agent);
	free(h);
	return NULL;
}

void
og_http_stats(const struct og_http *h, uint64_t *ret_sent,
	      uint64_t *ret_cached)
{
	*ret_sent = h->n_sent;
	*ret_cached = h->n_cached;
}

/* ---- credentials ---------------------------------------------------- */

void
og_http_set_credentials(struct og_http *h, const struct og_credset *creds)
{
	h->creds = creds;
}

/* @c's value for @host, resolved once per og_http; borrowed. */
static const char *
secret_for(struct og_http *h, const struct og_credential *c, const char *host)
{
	for (size_t i = 0; i < h->n_secrets; i++)
		if (h->secrets[i].cred == c && !strcmp(h->secrets[i].host, host))
			return h->secrets[i].value;
	if (h->n_secrets == HTTP_SECRETS_MAX)
		return NULL;
	h->secrets[h->n_secrets] = (struct secret_slot){
		.cred = c, .host = og_strdup0(host),
		.value = og_secret_credential(h->creds, c, host) };
	return h->secrets[h->n_secrets++].value;
}

/* The host whose credential @hostport may carry: itself when the
 * credential may go there, the credential host that named it as its
 * token realm (in a 401), else NULL. */
static const char *
credential_owner(struct og_http *h, const struct og_credential *c,
		 const char *hostport)
{
	if (og_credential_host_ok(h->creds, c, hostport))
		return hostport;
	for (size_t i = 0; i < h->n_realms; i++)
		if (h->realms[i].cred == c &&
		    !strcmp(h->realms[i].realm_host, hostport))
			return h->realms[i].owner_host;
	return NULL;
}

/* A 401 from a credential's own host naming a token realm elsewhere:
 * remember the realm so the credential may be exchanged there. */
static void
note_realm(struct xfer *x, const char *hostport)
{
	struct og_http *h = x->h;
	const char *v = NULL, *p;
	char *url, *realm;

	for (size_t i = 0; i < x->n_headers && !v; i++)
		if (!strncmp(x->headers[i], "www-authenticate: ", 18))
			v = x->headers[i] + 18;
	if (!v || !x->cred || !og_credential_host_ok(h->creds, x->cred, hostport) ||
	    !(p = strcasestr(v, "realm=\"")) || h->n_realms == HTTP_SECRETS_MAX)
		return;
	p += 7;
	url = og_asprintf("%.*s", (int)strcspn(p, "\""), p);
	realm = og_url_hostport(url);
	free(url);
	if (!realm || credential_owner(h, x->cred, realm)) {
		free(realm);
		return;
	}
	h->realms[h->n_realms++] = (struct realm){
		.cred = x->cred, .realm_host = realm,
		.owner_host = og_strdup0(hostport) };
}

/*
 * Attach @x's credential for its current URL when every rule allows it
 * (include/opsgrade/plugin.h, og_credential): the request's own host (a
 * redirect to another host goes on without it), one of the credential's
 * hosts or a token realm one of them named, HTTPS unless loopback or
 * named insecure.  A header line to add (caller wipes and frees), or
 * NULL (Basic is set on the handle; or nothing to attach).
 */
static char *
attach_credential(struct xfer *x, const char *hostport)
{
	const struct og_credential *c = x->cred;
	const char *owner, *secret, *scheme, *colon;
	char *user;

	if (!c || !hostport || !x->origin_host || strcmp(hostport, x->origin_host))
		return NULL;
	owner = credential_owner(x->h, c, hostport);
	if (!owner) {
		og_log_warn("not sending credential %s to %s: it goes only to "
			    "its declared hosts", c->name, hostport);
		return NULL;
	}
	if (strncmp(x->url, "https://", 8) != 0 &&
	    !og_credential_plain_ok(x->h->creds, c, hostport)) {
		og_log_warn("not sending credential %s over plain HTTP to %s "
			    "(HTTPS only, unless loopback%s%s)", c->name, hostport,
			    c->insecure_option ? " or listed in the collector's option " : "",
			    c->insecure_option ? c->insecure_option : "");
		return NULL;
	}
	secret = secret_for(x->h, c, owner);
	if (!secret)
		return NULL;
	scheme = c->scheme ? c->scheme : "Bearer";
	if (!strcmp(scheme, "Basic")) {
		/* libcurl builds the header; user:password as a
		 * credential source or the user variable gives it */
		colon = strchr(secret, ':');
		user = og_asprintf("%.*s", (int)(colon ? colon - secret : 0), secret);
		curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(x->easy, CURLOPT_USERNAME, user);
		curl_easy_setopt(x->easy, CURLOPT_PASSWORD, colon ? colon + 1 : secret);
		wipe(user);
		free(user);
		return NULL;
	}
	return og_asprintf("%s: %s%s%s", c->header ? c->header : "Authorization",
			   scheme, *scheme ? " " : "", secret);
}

/* ---- ETag cache --------------------------------------------------- */

/*
 * Key: method, URL, request headers, credential name and a hash of the
 * credential (ETags vary with Accept and Authorization).  FNV-1a twice
 * with different seeds: a file name, not a security boundary.
 */
static char *
cache_path(struct xfer *x)
{
	struct og_http *h = x->h;
	const char *owner = x->cred && x->origin_host
			    ? credential_owner(h, x->cred, x->origin_host) : NULL;
	const char *secret = owner ? secret_for(h, x->cred, owner) : NULL;
	const char **parts;
	char name[OG_FINGERPRINT_LEN + 1];
	size_t n = 4;

	for (const char *const *hd = x->req->headers; hd && *hd; hd++)
		n++;
	parts = og_xcalloc(n, sizeof(*parts));
	parts[0] = "GET";
	parts[1] = x->req->url;
	parts[2] = x->req->auth;
	parts[3] = secret;	/* one-way: the name never reveals it */
	n = 4;
	for (const char *const *hd = x->req->headers; hd && *hd; hd++)
		parts[n++] = *hd;
	og_fingerprint_hex(parts, n, name);
	free(parts);
	return og_asprintf("%s/%s", h->cache_dir, name);
}

/*
 * Entry layout: magic line, "status N", header lines, blank line, body.
 * Loads the entry and finds its etag; a damaged entry is a miss.
 */
static void
cache_load(struct xfer *x)
{
	char *text, *line, *end;
	size_t len;

	if (og_read_file(x->cache_path, x->h->max_bytes + HTTP_HEADER_BYTES_MAX,
			 &text, &len) < 0)
		return;
	if (strncmp(text, HTTP_CACHE_MAGIC, strlen(HTTP_CACHE_MAGIC)) != 0 ||
	    !strstr(text, "\n\n"))
		goto bad;
	line = text + strlen(HTTP_CACHE_MAGIC);
	end = strstr(text, "\n\n");
	while (line < end) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, "etag: ", 6) == 0) {
			x->cached_etag = og_xmalloc((size_t)(nl - line - 6) + 1);
			memcpy(x->cached_etag, line + 6, (size_t)(nl - line - 6));
			x->cached_etag[nl - line - 6] = '\0';
		}
		line = nl + 1;
	}
	if (!x->cached_etag)
		goto bad;
	x->cached = text;
	x->cached_len = len;
	return;
bad:
	og_log_debug("[%s] http: ignoring damaged cache entry %s",
		     x->h->name, x->cache_path);
	free(text);
}

static void
cache_store(struct xfer *x, long status)
{
	struct buf b = { .max = x->h->max_bytes + HTTP_HEADER_BYTES_MAX };
	char line[64];
	int r;

	if (og_mkdir_p(x->h->cache_dir) < 0)
		return;
	buf_append(&b, HTTP_CACHE_MAGIC, strlen(HTTP_CACHE_MAGIC));
	snprintf(line, sizeof(line), "status %ld\n", status);
	buf_append(&b, line, strlen(line));
	for (size_t i = 0; i < x->n_headers; i++) {
		/* rate-limit figures are of the moment, not of the entry */
		if (strncmp(x->headers[i], "x-ratelimit-", 12) == 0 ||
		    strncmp(x->headers[i], "set-cookie:", 11) == 0 ||
		    strchr(x->headers[i], '\n'))
			continue;
		buf_append(&b, x->headers[i], strlen(x->headers[i]));
		buf_append(&b, "\n", 1);
	}
	buf_append(&b, "\n", 1);
	buf_append(&b, x->body.p ? x->body.p : "", x->body.len);
	if (!b.too_big) {
		r = og_write_file_atomic(x->cache_path, b.p, b.len);
		if (r < 0)
			og_log_debug("[%s] http: cannot write cache entry %s: %s",
				     x->h->name, x->cache_path, strerror(-r));
	}
	free(b.p);
}

/* Turn the loaded entry into @x's headers and body. */
static long
cache_use(struct xfer *x)
{
	char *p = x->cached + strlen(HTTP_CACHE_MAGIC);
	char *end = strstr(p, "\n\n");
	long status = 200;

	free_strv(x->headers, x->n_headers);
	x->headers = NULL;
	x->n_headers = 0;
	while (p < end) {
		char *nl = strchr(p, '\n');

		*nl = '\0';
		if (strncmp(p, "status ", 7) == 0)
			status = strtol(p + 7, NULL, 10);
		else if (x->n_headers < HTTP_HEADERS_MAX) {
			x->headers = og_xrealloc_array(x->headers,
						       x->n_headers + 1,
						       sizeof(char *));
			x->headers[x->n_headers++] = og_strdup0(p);
		}
		p = nl + 1;
	}
	x->body.len = 0;
	x->body.too_big = false;
	buf_append(&x->body, end + 2,
		   x->cached_len - (size_t)(end + 2 - x->cached));
	return status;
}

/* ---- transfers ----------------------------------------------------- */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;

	if (!buf_append(&x->body, data, size * nmemb))
		return 0;	/* aborts with CURLE_WRITE_ERROR */
	return size * nmemb;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb, k;
	char *line, *colon;

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* a new response (after 1xx): forget the previous headers */
		free_strv(x->headers, x->n_headers);
		x->headers = NULL;
		x->n_headers = 0;
		x->header_bytes = 0;
		return n;
	}
	x->header_bytes += n;
	if (x->header_bytes > HTTP_HEADER_BYTES_MAX ||
	    x->n_headers >= HTTP_HEADERS_MAX)
		return n;	/* keep the transfer, drop the excess */
	while (n && (data[n - 1] == '\r' || data[n - 1] == '\n'))
		n--;
	colon = memchr(data, ':', n);
	if (!colon)
		return size * nmemb;
	line = og_xmalloc(n + 2);
	k = (size_t)(colon - data);
	for (size_t i = 0; i < k; i++)
		line[i] = (char)((data[i] >= 'A' && data[i] <= 'Z') ?
				 data[i] - 'A' + 'a' : data[i]);
	line[k] = ':';
	line[k + 1] = ' ';
	{
		size_t v = k + 1;

		while (v < n && (data[v] == ' ' || data[v] == '\t'))
			v++;
		memcpy(line + k + 2, data + v, n - v);
		line[k + 2 + (n - v)] = '\0';
	}
	x->headers = og_xrealloc_array(x->headers, x->n_headers + 1,
				       sizeof(char *));
	x->headers[x->n_headers++] = line;
	return size * nmemb;
}

static const char *
find_header(char *const *headers, size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (strncasecmp(headers[i], name, len) == 0 &&
		    headers[i][len] == ':')
			return headers[i] + len + 2;
	return NULL;
}

static void
wipe_slist(struct curl_slist *l)
{
	for (; l; l = l->next)
		wipe(l->data);
}

static void
xfer_reset_attempt(struct xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(x->h->multi, x->easy);
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
	}
	wipe_slist(x->slist);
	curl_slist_free_all(x->slist);
	x->slist = NULL;
	free(x->body.p);
	x->body = (struct buf){ .max = x->h->max_bytes };
	free_strv(x->headers, x->n_headers);
	x->headers = NULL;
	x->n_headers = 0;
	x->header_bytes = 0;
}

struct og_http_response *
og_http_response_make(long status, char *error, char **headers, size_t n_headers,
		      char *body, size_t body_len, char *effective_url)
{
	struct response *r = og_xcalloc(1, sizeof(*r));

	r->headers = og_xrealloc_array(headers, n_headers + 1, sizeof(char *));
	r->headers[n_headers] = NULL;
	r->n_headers = n_headers;
	r->body = body ? body : og_strdup0("");
	r->body_len = body ? body_len : 0;
	r->error = error;
	r->effective_url = effective_url;
	r->pub.struct_size = sizeof(r->pub);
	r->pub.status = status;
	r->pub.error = r->error;
	r->pub.headers = (const char *const *)r->headers;
	r->pub.body = r->body;
	r->pub.body_len = r->body_len;
	r->pub.effective_url = r->effective_url;
	return &r->pub;
}

static void
xfer_finish(struct xfer *x, long status, const char *error)
{
	x->resp = (struct response *)og_http_response_make(
		status, error ? og_strdup0(error) : NULL, x->headers,
		x->n_headers, x->body.p, x->body.len, og_strdup0(x->url));
	x->headers = NULL;
	x->n_headers = 0;
	x->body.p = NULL;
	x->state = XFER_DONE;
	xfer_reset_attempt(x);
}

/* Add a synthetic header to the pending result (before xfer_finish). */
static void
xfer_add_header(struct xfer *x, const char *line)
{
	x->headers = og_xrealloc_array(x->headers, x->n_headers + 1,
				       sizeof(char *));
	x->headers[x->n_headers++] = og_strdup0(line);
}

static struct host_limit *
limit_for(struct og_http *h, const char *hostport)
{
	for (size_t i = 0; i < h->n_hosts; i++)
		if (strcmp(h->hosts[i].host, hostport) == 0)
			return &h->hosts[i];
	if (h->n_hosts == HTTP_HOSTS_MAX)
		return NULL;
	h->hosts[h->n_hosts] = (struct host_limit){
		.host = og_strdup0(hostport), .remaining = -1 };
	return &h->hosts[h->n_hosts++];
}

/* Fail @x without sending: the limit resets later than we may wait. */
static void
fail_rate_limited(struct xfer *x, long status, int64_t reset,
		  const char *what)
{
	char when[32], hdr[64], *msg;
	int64_t now = (int64_t)time(NULL);

	og_format_time(reset, when, sizeof(when));
	msg = og_asprintf("%s rate limit reached for %s; it resets at %s "
			  "(in %lld s, more than http.max_wait %g s)",
			  what, x->url, when, (long long)(reset - now),
			  x->h->max_wait);
	snprintf(hdr, sizeof(hdr), "x-opsgrade-rate-limit-reset: %lld",
		 (long long)reset);
	xfer_add_header(x, hdr);
	xfer_finish(x, status, msg);
	free(msg);
}

/* Build and add the easy handle for @x's next attempt. */
static int
xfer_start(struct xfer *x)
{
	struct og_http *h = x->h;
	const struct og_http_request *req = x->req;
	const char *method = req->method ? req->method : "GET";
	char *hostport = og_url_hostport(x->url), *auth = NULL;
	struct host_limit *lim;
	char *hdr;
	int r = 0;

	if (!hostport) {
		xfer_finish(x, 0, "invalid URL");
		goto out;
	}
	lim = limit_for(h, hostport);
	if (lim && lim->remaining == 0 && lim->reset > (int64_t)time(NULL)) {
		int64_t wait = lim->reset - (int64_t)time(NULL);

		if ((double)wait > h->max_wait) {
			fail_rate_limited(x, 0, lim->reset, "API");
			goto out;
		}
		x->not_before_ms = og_mono_ms() + (wait + 1) * 1000;
		lim->remaining = -1;	/* one probe after the reset */
		goto out;
	}

	x->easy = curl_easy_init();
	if (!x->easy) {
		r = -ENOMEM;
		goto out;
	}
	x->body = (struct buf){ .max = h->max_bytes };
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION,
			 (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(x->easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 h->connect_timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)h->max_bytes);
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, method);
		if (req->body) {
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)req->body_len);
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS,
					 req->body);
		}
	}

	for (const char *const *hd = req->headers; hd && *hd; hd++)
		x->slist = curl_slist_append(x->slist, *hd);
	if (x->cached_etag && x->redirects == 0) {
		hdr = og_asprintf("If-None-Match: %s", x->cached_etag);
		x->slist = curl_slist_append(x->slist, hdr);
		free(hdr);
	}
	auth = attach_credential(x, hostport);
	if (auth) {
		x->slist = curl_slist_append(x->slist, auth);
		wipe(auth);
		free(auth);
	}
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->slist);

	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		r = -EIO;
		goto out;
	}
	x->state = XFER_RUNNING;
	x->attempt++;
	h->n_sent++;
	og_log_debug("[%s] http: %s %s (attempt %d)", h->name, method, x->url,
		     x->attempt);
out:
	free(hostport);
	return r;
}

/* Backoff for attempt @n (1-based): base * 2^(n-1), jitter in [0.5, 1). */
static int64_t
backoff_ms(struct og_http *h, int n)
{
	int64_t ms = HTTP_BACKOFF_BASE_MS;

	for (int i = 1; i < n && ms < HTTP_BACKOFF_CAP_MS; i++)
		ms *= 2;
	if (ms > HTTP_BACKOFF_CAP_MS)
		ms = HTTP_BACKOFF_CAP_MS;
	return ms / 2 + (int64_t)(rng_next(h) % (uint64_t)(ms / 2 + 1));
}

static void
xfer_retry_after(struct xfer *x, int64_t delay_ms)
{
	xfer_reset_attempt(x);
	x->state = XFER_WAITING;
	x->not_before_ms = og_mono_ms() + delay_ms;
}

static bool
body_mentions(const struct xfer *x, const char *needle)
{
	return x->body.p && strcasestr(x->body.p, needle);
}

static long
header_long(const struct xfer *x, const char *name, bool *ret_present)
{
	const char *v = find_header(x->headers, x->n_headers, name);
	char *end;
	long n;

	*ret_present = false;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v)
		return 0;
	*ret_present = true;
	return n;
}

/*
 * A rate-limit answer (403/429 with x-ratelimit-*, Retry-After or a
 * "secondary rate limit" message):
 * wait and retry when the wait is short, else fail with the reset time.
 * Returns false when @status is not a rate limit.
 */
static bool
handle_rate_limit(struct xfer *x, long status, struct host_limit *lim)
{
	struct og_http *h = x->h;
	bool has_retry, has_rem, has_reset;
	long retry_after = header_long(x, "retry-after", &has_retry);
	long remaining = header_long(x, "x-ratelimit-remaining", &has_rem);
	long reset = header_long(x, "x-ratelimit-reset", &has_reset);
	int64_t now = (int64_t)time(NULL), wait;
	const char *what;

	if (status != 403 && status != 429)
		return false;
	if (has_retry && retry_after >= 0) {
		wait = retry_after;
		what = "secondary";
	} else if (has_rem && remaining == 0 && has_reset) {
		wait = reset > now ? reset - now : 0;
		what = "primary";
	} else if (status == 429 || body_mentions(x, "secondary rate limit") ||
		   body_mentions(x, "abuse")) {
		/* no hint: at least a minute, doubling on each try */
		wait = HTTP_SECONDARY_WAIT_S << (x->attempt > 1 ? x->attempt - 1 : 0);
		what = "secondary";
	} else {
		return false;	/* an ordinary 403: permissions */
	}
	if (lim && has_rem && remaining == 0 && has_reset) {
		lim->remaining = 0;
		lim->reset = reset;
	}
	if ((double)wait <= h->max_wait && x->attempt <= h->retries + 1) {
		og_log_debug("[%s] http: %s rate limit on %s, waiting %lld s",
			     h->name, what, x->url, (long long)wait);
		if (lim && lim->remaining == 0)
			lim->remaining = -1;	/* we are waiting it out */
		xfer_retry_after(x, wait * 1000 + 50);
		return true;
	}
	fail_rate_limited(x, status, now + wait,
			  strcmp(what, "primary") == 0 ? "API" : "secondary");
	return true;
}

static bool
retryable_curl_error(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

/* A transfer ended: decide between done, retry and redirect. */
static void
xfer_done(struct xfer *x, CURLcode code)
{
	struct og_http *h = x->h;
	long status = 0;
	char *hostport = og_url_hostport(x->url);
	struct host_limit *lim = hostport ? limit_for(h, hostport) : NULL;
	bool has_rem, has_reset;
	long remaining, reset;

	free(hostport);
	if (code != CURLE_OK) {
		char *msg;

		if (x->body.too_big || code == CURLE_FILESIZE_EXCEEDED) {
			msg = og_asprintf("response from %s larger than "
					  "http.max_response_bytes (%zu)",
					  x->url, h->max_bytes);
			xfer_finish(x, 0, msg);
			free(msg);
			return;
		}
		if (retryable_curl_error(code) && x->attempt <= h->retries) {
			og_log_debug("[%s] http: %s: %s, retrying", h->name,
				     x->url, curl_easy_strerror(code));
			xfer_retry_after(x, backoff_ms(h, x->attempt));
			return;
		}
		msg = og_asprintf("%s: %s%s", x->url, curl_easy_strerror(code),
				  x->attempt > 1 ? " (after retries)" : "");
		xfer_finish(x, 0, msg);
		free(msg);
		return;
	}

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	remaining = header_long(x, "x-ratelimit-remaining", &has_rem);
	reset = header_long(x, "x-ratelimit-reset", &has_reset);
	if (lim && has_rem && has_reset) {
		lim->remaining = remaining;
		lim->reset = reset;
	}

	if (status == 401 && x->cred) {
		char *hp = og_url_hostport(x->url);

		if (hp)
			note_realm(x, hp);
		free(hp);
	}
	if (handle_rate_limit(x, status, lim))
		return;
	if (status >= 500 && x->attempt <= h->retries) {
		bool has_retry;
		long ra = header_long(x, "retry-after", &has_retry);
		int64_t delay = backoff_ms(h, x->attempt);

		if (has_retry && ra >= 0 && (double)ra <= h->max_wait &&
		    ra * 1000 > delay)
			delay = ra * 1000;
		og_log_debug("[%s] http: %s: HTTP %ld, retrying", h->name,
			     x->url, status);
		xfer_retry_after(x, delay);
		return;
	}
	if (status >= 300 && status < 400 && status != 304 &&
	    x->req->follow_redirects) {
		char *target = NULL;

		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &target);
		if (target && x->redirects < HTTP_REDIRECTS_MAX) {
			char *next = og_strdup0(target);

			free(x->url);
			x->url = next;
			x->redirects++;
			x->attempt = 0;
			xfer_retry_after(x, 0);
			return;
		}
		if (target) {
			char *msg = og_asprintf("%s: more than %d redirects",
						x->url, HTTP_REDIRECTS_MAX);

			xfer_finish(x, status, msg);
			free(msg);
			return;
		}
	}
	if (status == 304 && x->cached) {
		h->n_cached++;
		status = cache_use(x);
		xfer_finish(x, status, NULL);
		x->resp->pub.from_cache = true;
		return;
	}
	if (status == 200 && x->cache_path && x->redirects == 0 &&
	    find_header(x->headers, x->n_headers, "etag"))
		cache_store(x, status);
	xfer_finish(x, status, NULL);
}

static void
xfer_clear(struct xfer *x)
{
	xfer_reset_attempt(x);
	free(x->url);
	free(x->origin_host);
	free(x->cache_path);
	free(x->cached);
	free(x->cached_etag);
	if (x->resp)
		og_http_response_free(&x->resp->pub);
}

static bool
cacheable(const struct og_http *h, const struct og_http_request *req)
{
	return h->cache_dir && !req->no_cache &&
	       (!req->method || strcmp(req->method, "GET") == 0);
}

int
og_http_batch(struct og_http *h,
	      const struct og_http_request *const *requests, size_t n,
	      struct og_http_response **ret_responses)
{
	struct xfer *xs;
	size_t done = 0, running = 0;
	int r = 0;

	if (!h || (n && (!requests || !ret_responses)))
		return -EINVAL;
	if (n > HTTP_BATCH_MAX)
		return -E2BIG;
	if (n == 0)
		return 0;

	xs = og_xcalloc(n, sizeof(*xs));
	for (size_t i = 0; i < n; i++) {
		struct xfer *x = &xs[i];

		x->h = h;
		x->req = requests[i];
		x->state = XFER_WAITING;
		x->body.max = h->max_bytes;
		if (!x->req || !x->req->url) {
			x->url = og_strdup0("");
			xfer_finish(x, 0, "request without a URL");
			done++;
			continue;
		}
		x->url = og_strdup0(x->req->url);
		x->origin_host = og_url_hostport(x->url);
		if (x->req->auth &&
		    !(x->cred = og_credset_find(h->creds, x->req->auth))) {
			char *msg = og_asprintf("auth '%s' is not \"secret:NAME\" "
						"of a credential the plugin "
						"declares", x->req->auth);

			xfer_finish(x, 0, msg);
			free(msg);
			done++;
			continue;
		}
		if (cacheable(h, x->req)) {
			x->cache_path = cache_path(x);
			cache_load(x);
		}
	}

	while (done < n) {
		int64_t now = og_mono_ms(), next = INT64_MAX;
		long curl_timeout = -1;
		int still, msgs, wait_ms;
		CURLMsg *m;

		for (size_t i = 0; i < n && running < (size_t)h->max_in_flight;
		     i++) {
			struct xfer *x = &xs[i];

			if (x->state != XFER_WAITING || x->not_before_ms > now)
				continue;
			r = xfer_start(x);
			if (r < 0)
				goto out;
			if (x->state == XFER_RUNNING)
				running++;
			else if (x->state == XFER_DONE)
				done++;
		}
		if (done == n)
			break;

		curl_multi_perform(h->multi, &still);
		while ((m = curl_multi_info_read(h->multi, &msgs))) {
			struct xfer *x;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
					  (char **)&x);
			running--;
			xfer_done(x, m->data.result);
			if (x->state == XFER_DONE)
				done++;
		}
		if (done == n)
			break;

		now = og_mono_ms();
		for (size_t i = 0; i < n; i++)
			if (xs[i].state == XFER_WAITING &&
			    xs[i].not_before_ms < next)
				next = xs[i].not_before_ms;
		curl_multi_timeout(h->multi, &curl_timeout);
		wait_ms = 1000;
		if (curl_timeout >= 0 && curl_timeout < wait_ms)
			wait_ms = (int)curl_timeout;
		if (next != INT64_MAX && running < (size_t)h->max_in_flight) {
			int64_t d = next - now;

			if (d < 0)
				d = 0;
			if (d < wait_ms)
				wait_ms = (int)d;
		}
		if (wait_ms > 0)
			curl_multi_poll(h->multi, NULL, 0, wait_ms, NULL);
	}

	for (size_t i = 0; i < n; i++) {
		ret_responses[i] = &xs[i].resp->pub;
		xs[i].resp = NULL;
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		xfer_clear(&xs[i]);
	free(xs);
	return r;
}

void
og_http_response_free(struct og_http_response *pub)
{
	struct response *r = (struct response *)pub;

	if (!r)
		return;
	free_strv(r->headers, r->n_headers);
	free(r->body);
	free(r->error);
	free(r->effective_url);
	free(r);
}
