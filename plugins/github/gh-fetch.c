/*
 * Fetching GitHub lists through og_host.http_batch: every list that has a
 * next page is asked for in one batch, so many repositories and endpoints
 * share the host's bounded pool.  Pagination follows the Link header as
 * GitHub asks (page numbers or cursors, we never build the URLs).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gh.h"
#include "ogjs.h"

#define GH_BATCH_MAX	1024	/* requests handed to the host at once */

static char *
xstrdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		abort();
	return d;
}

void
gh_list_init(struct gh_list *l, const char *api, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->next_url = gh_xasprintf("%s%s", api, path);
	l->path = xstrdup(path);
	l->max_pages = GH_PAGES_MAX;
	l->total_count = -1;
	l->last_page = -1;
	l->stop_before = INT64_MIN;
}

void
gh_list_clear(struct gh_list *l)
{
	free(l->next_url);
	free(l->error);
	free(l->message);
	free(l->path);
	free(l->body);
	cJSON_Delete(l->items);
	cJSON_Delete(l->object);
	memset(l, 0, sizeof(*l));
}

bool
gh_list_ok(const struct gh_list *l)
{
	return l->status >= 200 && l->status < 300 && !l->error;
}

static char *
list_reason(const struct gh_list *l, const char *needs)
{
	if (l->error)
		return gh_xasprintf("not measured: %s", l->error);
	if (l->status == 403 || l->status == 401)
		return gh_xasprintf("not measured: %s%s%s%s",
				 needs ? needs : "access denied",
				 l->message ? " (GitHub: " : "",
				 l->message ? l->message : "",
				 l->message ? ")" : "");
	if (l->status == 404)
		return gh_xasprintf("not measured: %s returned 404%s%s",
				 l->path, needs ? "; " : "", needs ? needs : "");
	return gh_xasprintf("not measured: %s answered HTTP %ld%s%s",
			 l->path, l->status, l->message ? ": " : "",
			 l->message ? l->message : "");
}

char *
gh_with_note(char *s, const struct gh_list *l)
{
	char *note, *out;

	if (!l->carried)
		return s;
	note = gh_list_carried_note(l);
	out = gh_xasprintf("%s%s", s, note);
	free(note);
	free(s);
	return out;
}

char *
gh_list_reason(const struct gh_list *l, const char *needs)
{
	return gh_with_note(list_reason(l, needs), l);
}

/* ---- Link header ----------------------------------------------------- */

char *
gh_link_find(const char *link, const char *rel)
{
	const char *p = link;
	size_t rl = strlen(rel);

	/* <url>; rel="next", <url>; rel="last" */
	while (p && *p) {
		const char *lt = strchr(p, '<'), *gt, *end, *r;

		if (!lt)
			return NULL;
		gt = strchr(lt, '>');
		if (!gt)
			return NULL;
		end = strchr(gt, '<');
		if (!end)
			end = gt + strlen(gt);
		for (r = gt; r < end; r++) {
			if (strncasecmp(r, "rel=", 4) != 0)
				continue;
			r += 4;
			if (*r == '"')
				r++;
			/* rel may hold several space-separated values */
			while (r < end && *r != '"' && *r != ';' && *r != ',') {
				if (strncmp(r, rel, rl) == 0 &&
				    (r[rl] == '"' || r[rl] == ' ' ||
				     r[rl] == ';' || r[rl] == ',' || !r[rl])) {
					char *u = malloc((size_t)(gt - lt));

					if (!u)
						abort();
					memcpy(u, lt + 1, (size_t)(gt - lt - 1));
					u[gt - lt - 1] = '\0';
					return u;
				}
				while (r < end && *r != ' ' && *r != '"')
					r++;
				while (r < end && *r == ' ')
					r++;
			}
			break;
		}
		p = end;
	}
	return NULL;
}

long
gh_url_page(const char *url)
{
	const char *q = url ? strchr(url, '?') : NULL;

	while (q) {
		q++;
		if (strncmp(q, "page=", 5) == 0)
			return strtol(q + 5, NULL, 10);
		q = strchr(q, '&');
	}
	return -1;
}

/* ---- helpers --------------------------------------------------------- */

char *
gh_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

const char *
gh_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t
gh_time(const struct gh *g, const cJSON *o, const char *key)
{
	const char *s = gh_str(o, key);
	int64_t t;

	if (!s || g->host->parse_time(s, &t) < 0)
		return -1;
	return t;
}

bool
gh_regex_compile(regex_t *re, const char *pattern)
{
	int flags = REG_EXTENDED | REG_NOSUB;

	/* GitHub-style "(?i)" prefix: POSIX has no inline flags */
	if (strncmp(pattern, "(?i)", 4) == 0) {
		flags |= REG_ICASE;
		pattern += 4;
	}
	return regcomp(re, pattern, flags) == 0;
}

void
gh_partial(struct gh *g, const char *reason)
{
	if (g->partial_said)
		return;
	g->partial_said = true;
	g->host->set_partial(g->ctx, reason);
}

static const char *
resp_header(const struct og_http_response *r, const char *name)
{
	size_t n = strlen(name);

	for (const char *const *h = r->headers; h && *h; h++)
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
			return *h + n + 2;
	return NULL;
}

/* Take one page's answer into @l; decide whether there is a next page. */
static void
take_page(struct gh *g, struct gh_list *l, const struct og_http_response *r)
{
	cJSON *doc = NULL, *arr;
	const char *link;
	bool stop = false;

	free(l->next_url);
	l->next_url = NULL;
	l->status = r->status;
	l->pages++;
	if (r->error) {
		free(l->error);
		l->error = xstrdup(r->error);
		if (resp_header(r, "x-opsgrade-rate-limit-reset")) {
			l->rate_limited = true;
			g->stop = true;
		}
		/* a transport failure (refused, reset, timeout, 5xx after
		 * retries) is not a modelled answer: the run is incomplete */
		gh_partial(g, r->error);
		return;
	}
	if (r->body_len)
		doc = ogjs_parse_text(r->body, r->body_len, NULL, NULL);
	if (r->status < 200 || r->status >= 300) {
		const char *m = gh_str(doc, "message");

		free(l->message);
		l->message = xstrdup(m);
		cJSON_Delete(doc);
		return;
	}
	if (r->status == 204 || !doc) {
		if (r->status != 204 && r->body_len) {
			free(l->error);
			l->error = gh_xasprintf("%s: answer is not JSON", l->path);
		}
		cJSON_Delete(doc);
		return;
	}
	if (!l->paginate) {
		cJSON_Delete(l->object);
		l->object = doc;
		return;
	}
	if (l->wrap) {
		const cJSON *tc = cJSON_GetObjectItemCaseSensitive(doc,
								  "total_count");

		if (cJSON_IsNumber(tc))
			l->total_count = (long)tc->valuedouble;
		arr = cJSON_DetachItemFromObjectCaseSensitive(doc, l->wrap);
	} else {
		arr = doc;
		doc = NULL;
	}
	if (!l->items)
		l->items = cJSON_CreateArray();
	if (cJSON_IsArray(arr)) {
		cJSON *it;

		while ((it = cJSON_DetachItemFromArray(arr, 0))) {
			if (l->time_field &&
			    gh_time(g, it, l->time_field) >= 0 &&
			    gh_time(g, it, l->time_field) < l->stop_before)
				stop = true;
			cJSON_AddItemToArray(l->items, it);
		}
	}
	cJSON_Delete(arr);
	cJSON_Delete(doc);

	link = resp_header(r, "link");
	if (link) {
		char *last = gh_link_find(link, "last");

		if (last && l->pages == 1)
			l->last_page = gh_url_page(last);
		free(last);
		if (!stop)
			l->next_url = gh_link_find(link, "next");
	}
	if (l->pages == 1 && l->last_page < 0 && !l->next_url)
		l->last_page = 1;
	if (l->next_url && l->pages >= l->max_pages) {
		free(l->next_url);
		l->next_url = NULL;
		l->truncated = true;
	}
}

int
gh_fetch(struct gh *g, struct gh_list *const *lists, size_t n)
{
	static const char *const headers[] = {
		"Accept: application/vnd.github+json",
		"X-GitHub-Api-Version: 2022-11-28",
		NULL,
	};
	static const char *const post_headers[] = {
		"Accept: application/json",
		"Content-Type: application/json",
		NULL,
	};
	struct og_http_request *reqs = calloc(GH_BATCH_MAX, sizeof(*reqs));
	const struct og_http_request **ptrs = calloc(GH_BATCH_MAX,
						      sizeof(*ptrs));
	struct og_http_response **resps = calloc(GH_BATCH_MAX,
						 sizeof(*resps));
	struct gh_list **which = calloc(GH_BATCH_MAX, sizeof(*which));
	int r = 0;

	if (!reqs || !ptrs || !resps || !which) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		size_t k = 0;

		for (size_t i = 0; i < n && k < GH_BATCH_MAX; i++) {
			struct gh_list *l = lists[i];

			if (!l || !l->next_url)
				continue;
			if (g->stop) {
				/* a rate limit ended the run: say so per list */
				free(l->next_url);
				l->next_url = NULL;
				if (!l->error && l->pages == 0)
					l->error = xstrdup("skipped after a rate limit");
				continue;
			}
			reqs[k] = (struct og_http_request){
				.struct_size = sizeof(reqs[k]),
				.method = l->method,
				.url = l->next_url,
				.headers = l->body ? post_headers : headers,
				.body = l->body,
				.body_len = l->body ? strlen(l->body) : 0,
				.auth = "secret:github.token",
				/* a POST is not repeated elsewhere */
				.follow_redirects = !l->body,
			};
			ptrs[k] = &reqs[k];
			which[k] = l;
			k++;
		}
		if (k == 0)
			break;
		r = g->host->http_batch(g->ctx, ptrs, k, resps);
		if (r < 0)
			goto out;
		g->requests += k;
		for (size_t i = 0; i < k; i++) {
			take_page(g, which[i], resps[i]);
			g->host->http_free(g->ctx, resps[i]);
		}
	}
	r = 0;
out:
	free(reqs);
	free(ptrs);
	free(resps);
	free(which);
	return r;
}
