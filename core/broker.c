#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "http/http.h"
#include "secret.h"
#include "util.h"

#define FRAME_BATCH		1u
#define FRAME_AVAILABLE		2u
#define FRAME_MAX		((uint64_t)1 << 31)	/* bytes of one frame */
#define WIRE_NULL		UINT64_MAX
#define BATCH_MAX		100000

/* ---- encoding ------------------------------------------------------- */

struct wbuf {
	char *p;
	size_t len, cap;
};

static void
put(struct wbuf *w, const void *data, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;

		while (cap < w->len + n)
			cap *= 2;
		w->p = og_xrealloc_array(w->p, cap, 1);
		w->cap = cap;
	}
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

static void
put_u64(struct wbuf *w, uint64_t v)
{
	put(w, &v, sizeof(v));
}

static void
put_bytes(struct wbuf *w, const void *data, size_t n)
{
	if (!data) {
		put_u64(w, WIRE_NULL);
		return;
	}
	put_u64(w, n);
	put(w, data, n);
}

static void
put_str(struct wbuf *w, const char *s)
{
	put_bytes(w, s, s ? strlen(s) : 0);
}

struct rbuf {
	const char *p;
	size_t len, off;
	bool bad;
};

static uint64_t
get_u64(struct rbuf *r)
{
	uint64_t v = 0;

	if (r->len - r->off < sizeof(v)) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p + r->off, sizeof(v));
	r->off += sizeof(v);
	return v;
}

/* A new NUL-terminated copy (NULL for a NULL on the wire); *ret_n its
 * length. */
static char *
get_bytes(struct rbuf *r, size_t *ret_n)
{
	uint64_t n = get_u64(r);
	char *s;

	if (ret_n)
		*ret_n = 0;
	if (r->bad || n == WIRE_NULL)
		return NULL;
	if (n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	s = og_xmalloc((size_t)n + 1);
	memcpy(s, r->p + r->off, (size_t)n);
	s[n] = '\0';
	r->off += (size_t)n;
	if (ret_n)
		*ret_n = (size_t)n;
	return s;
}

/* ---- frames ----------------------------------------------------------- */

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *data, size_t len)
{
	char *p = data;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -EPIPE : -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_frame(int fd, uint32_t type, const struct wbuf *w)
{
	uint64_t len = w->len;
	int r;

	if ((r = write_all(fd, &type, sizeof(type))) < 0 ||
	    (r = write_all(fd, &len, sizeof(len))) < 0)
		return r;
	return write_all(fd, w->p, w->len);
}

static int
recv_frame(int fd, uint32_t *ret_type, char **ret, size_t *ret_len)
{
	uint64_t len;
	char *buf;
	int r;

	*ret = NULL;
	if ((r = read_all(fd, ret_type, sizeof(*ret_type))) < 0 ||
	    (r = read_all(fd, &len, sizeof(len))) < 0)
		return r;
	if (len > FRAME_MAX)
		return -E2BIG;
	buf = og_xmalloc((size_t)len + 1);
	if ((r = read_all(fd, buf, (size_t)len)) < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = (size_t)len;
	return 0;
}

/* ---- the keeper's side ---------------------------------------------- */

struct wire_request {
	struct og_http_request pub;
	char *method, *url, *body, *auth;
	char **headers;
	size_t n_headers;
};

static void
wire_request_clear(struct wire_request *q)
{
	free(q->method);
	free(q->url);
	free(q->body);
	free(q->auth);
	for (size_t i = 0; i < q->n_headers; i++)
		free(q->headers[i]);
	free(q->headers);
}

static void
decode_request(struct rbuf *r, struct wire_request *q)
{
	uint64_t nh, flags;
	size_t body_len;

	q->method = get_bytes(r, NULL);
	q->url = get_bytes(r, NULL);
	nh = get_u64(r);
	if (nh > r->len - r->off) {	/* each takes 8 bytes at least */
		r->bad = true;
		return;
	}
	q->headers = og_xcalloc((size_t)nh + 1, sizeof(*q->headers));
	for (; q->n_headers < nh && !r->bad; q->n_headers++)
		q->headers[q->n_headers] = get_bytes(r, NULL);
	q->body = get_bytes(r, &body_len);
	q->auth = get_bytes(r, NULL);
	flags = get_u64(r);
	q->pub = (struct og_http_request){
		.struct_size = sizeof(q->pub), .method = q->method, .url = q->url,
		.headers = (const char *const *)q->headers, .body = q->body,
		.body_len = body_len, .auth = q->auth,
		.no_cache = flags & 1, .follow_redirects = flags & 2,
	};
}

static void
encode_response(struct wbuf *w, const struct og_http_response *x)
{
	size_t nh = 0;

	while (x->headers && x->headers[nh])
		nh++;
	put_u64(w, (uint64_t)x->status);
	put_str(w, x->error);
	put_u64(w, nh);
	for (size_t i = 0; i < nh; i++)
		put_str(w, x->headers[i]);
	put_bytes(w, x->body ? x->body : "", x->body ? x->body_len : 0);
	put_u64(w, x->from_cache);
	put_str(w, x->effective_url);
}

static int
serve_batch(struct og_broker *b, int fd, struct rbuf *r)
{
	uint64_t n = get_u64(r);
	struct wire_request *qs;
	const struct og_http_request **ptrs;
	struct og_http_response **resps;
	struct wbuf w = { 0 };
	int rc = 0;

	if (r->bad || n > BATCH_MAX || n > (r->len - r->off) / 8)
		return -EBADMSG;
	qs = og_xcalloc((size_t)n + 1, sizeof(*qs));
	ptrs = og_xcalloc((size_t)n + 1, sizeof(*ptrs));
	resps = og_xcalloc((size_t)n + 1, sizeof(*resps));
	for (size_t i = 0; i < n && !r->bad; i++) {
		decode_request(r, &qs[i]);
		ptrs[i] = &qs[i].pub;
	}
	if (r->bad) {
		rc = -EBADMSG;
		goto out;
	}
	if (!b->http && !b->http_error) {
		b->http_error = og_http_new(b->config, b->name, &b->http);
		if (b->http)
			og_http_set_credentials(b->http, &b->creds);
	}
	rc = b->http_error ? b->http_error
			   : og_http_batch(b->http, ptrs, (size_t)n, resps);
	put_u64(&w, (uint64_t)(int64_t)rc);
	for (size_t i = 0; rc == 0 && i < n; i++)
		encode_response(&w, resps[i]);
	rc = send_frame(fd, FRAME_BATCH, &w);
out:
	for (size_t i = 0; i < n; i++) {
		og_http_response_free(resps[i]);
		wire_request_clear(&qs[i]);
	}
	free(qs);
	free(ptrs);
	free(resps);
	free(w.p);
	return rc;
}

static int
serve_available(struct og_broker *b, int fd, struct rbuf *r)
{
	char *name = get_bytes(r, NULL), *auth, *v = NULL;
	const struct og_credential *c;
	struct wbuf w = { 0 };
	int rc;

	auth = og_asprintf("secret:%s", name ? name : "");
	c = og_credset_find(&b->creds, auth);
	if (c)
		v = og_secret_credential(&b->creds, c, NULL);
	put_u64(&w, v != NULL);
	og_secret_free(v);
	rc = send_frame(fd, FRAME_AVAILABLE, &w);
	free(w.p);
	free(auth);
	free(name);
	return rc;
}

int
og_broker_serve(struct og_broker *b, int fd)
{
	struct rbuf r = { 0 };
	uint32_t type;
	char *buf;
	int rc;

	rc = recv_frame(fd, &type, &buf, &r.len);
	if (rc < 0)
		return rc;
	r.p = buf;
	if (type == FRAME_BATCH)
		rc = serve_batch(b, fd, &r);
	else if (type == FRAME_AVAILABLE)
		rc = serve_available(b, fd, &r);
	else
		rc = -EBADMSG;
	free(buf);
	return rc;
}

void
og_broker_clear(struct og_broker *b)
{
	b->http = og_http_free(b->http);
}

/* ---- the plugin's side ---------------------------------------------- */

static struct og_http_response *
decode_response(struct rbuf *r)
{
	uint64_t status = get_u64(r), nh;
	char *error = get_bytes(r, NULL), **headers, *body, *url;
	size_t n = 0, body_len = 0;
	bool from_cache;
	struct og_http_response *x;

	nh = get_u64(r);
	if (nh > r->len - r->off)
		r->bad = true;
	headers = og_xcalloc(r->bad ? 1 : (size_t)nh + 1, sizeof(*headers));
	for (; !r->bad && n < nh; n++)
		headers[n] = get_bytes(r, NULL);
	body = get_bytes(r, &body_len);
	from_cache = get_u64(r) != 0;
	url = get_bytes(r, NULL);
	x = og_http_response_make((long)(int64_t)status, error, headers, n, body,
				  body_len, url);
	x->from_cache = from_cache;
	return x;
}

int
og_broker_batch(int fd, const struct og_http_request *const *requests,
		size_t n, struct og_http_response **ret_responses)
{
	struct wbuf w = { 0 };
	struct rbuf r = { 0 };
	uint32_t type;
	char *buf = NULL;
	int rc;

	if (n && (!requests || !ret_responses))
		return -EINVAL;
	if (n > BATCH_MAX)
		return -E2BIG;
	if (n == 0)
		return 0;
	put_u64(&w, n);
	for (size_t i = 0; i < n; i++) {
		const struct og_http_request *q = requests[i];
		struct og_http_request c = { 0 };
		size_t nh = 0;

		/* an older plugin's smaller struct: the rest stays zero */
		if (q)
			memcpy(&c, q, q->struct_size < sizeof(c) ? q->struct_size
								  : sizeof(c));
		while (c.headers && c.headers[nh])
			nh++;
		put_str(&w, c.method);
		put_str(&w, c.url);
		put_u64(&w, nh);
		for (size_t k = 0; k < nh; k++)
			put_str(&w, c.headers[k]);
		put_bytes(&w, c.body, c.body ? c.body_len : 0);
		put_str(&w, c.auth);
		put_u64(&w, (uint64_t)c.no_cache | (uint64_t)c.follow_redirects << 1);
	}
	rc = send_frame(fd, FRAME_BATCH, &w);
	free(w.p);
	if (rc < 0 || (rc = recv_frame(fd, &type, &buf, &r.len)) < 0)
		return rc;
	r.p = buf;
	rc = (int)(int64_t)get_u64(&r);
	if (type != FRAME_BATCH || r.bad)
		rc = -EPROTO;
	for (size_t i = 0; rc == 0 && i < n; i++)
		ret_responses[i] = decode_response(&r);
	free(buf);
	return rc;
}

bool
og_broker_available(int fd, const char *name)
{
	struct wbuf w = { 0 };
	struct rbuf r = { 0 };
	uint32_t type;
	char *buf = NULL;
	bool ok = false;

	put_str(&w, name);
	if (send_frame(fd, FRAME_AVAILABLE, &w) == 0 &&
	    recv_frame(fd, &type, &buf, &r.len) == 0) {
		r.p = buf;
		ok = type == FRAME_AVAILABLE && get_u64(&r) == 1 && !r.bad;
	}
	free(w.p);
	free(buf);
	return ok;
}
