/*
 * The shared mock og_host (see mock-host.h).  Each service checks its
 * arguments as strictly as the real host does, so a plugin bug shows up
 * as -EINVAL here too, then prints one JSON line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mock-host.h"
#include "util.h"
#include "value.h"

void
og_mock_init(struct og_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->now = 1767225600;	/* 2026-01-01T00:00:00Z */
	ctx->out = stdout;
}

int
og_mock_set(struct og_ctx *ctx, const char *key, const char *value)
{
	size_t k;

	for (k = 0; k < ctx->n_keys && strcmp(ctx->keys[k].key, key); k++)
		;
	if (k == OG_MOCK_MAX_KEYS)
		return -E2BIG;
	if (k == ctx->n_keys)
		ctx->keys[ctx->n_keys++].key = key;
	if (ctx->keys[k].n == OG_MOCK_MAX_VALUES)
		return -E2BIG;
	ctx->keys[k].values[ctx->keys[k].n++] = value;
	return 0;
}

int
og_mock_set_arg(struct og_ctx *ctx, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return -EINVAL;
	*eq = '\0';
	return og_mock_set(ctx, kv, eq + 1);
}

int
og_mock_add_secret(struct og_ctx *ctx, const char *name)
{
	if (ctx->n_secrets == OG_MOCK_MAX_SECRETS)
		return -E2BIG;
	ctx->secrets[ctx->n_secrets++] = name;
	return 0;
}

/* Prints o as one line and frees it. */
static void
print_line(struct og_ctx *ctx, cJSON *o)
{
	char *s;

	if (ctx->out) {
		s = cJSON_PrintUnformatted(o);
		if (s) {
			fprintf(ctx->out, "%s\n", s);
			free(s);
		}
	}
	cJSON_Delete(o);
}

/* Prints {"type": body} and frees body. */
static void
emit(struct og_ctx *ctx, const char *type, cJSON *body)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, type, body);
	print_line(ctx, o);
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static void
mock_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	cJSON *o = cJSON_CreateObject();
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "level",
				(unsigned)level < 4 ? names[level] : "?");
	cJSON_AddStringToObject(o, "msg", buf);
	emit(ctx, "log", o);
}

static const char *const *
mock_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	for (size_t k = 0; k < ctx->n_keys; k++)
		if (!strcmp(ctx->keys[k].key, key)) {
			*ret_n = ctx->keys[k].n;
			return ctx->keys[k].values;
		}
	*ret_n = 0;
	return NULL;
}

static const char *
mock_config_get(struct og_ctx *ctx, const char *key)
{
	size_t n;
	const char *const *v = mock_config_get_list(ctx, key, &n);

	return v ? v[n - 1] : NULL;
}

/* Typed reads through the host's one value reader, as the real host. */
static int
mock_config_bool(struct og_ctx *ctx, const char *key, bool *ret)
{
	const char *v = mock_config_get(ctx, key);

	return v ? og_value_text_bool(v, ret) : -ENOENT;
}

static int
mock_config_number(struct og_ctx *ctx, const char *key, double *ret)
{
	const char *v = mock_config_get(ctx, key);

	return v ? og_value_text_number(v, ret) : -ENOENT;
}

/* A fact line without its value, or NULL for a key the host refuses. */
static cJSON *
fact(const char *key, const char *type)
{
	cJSON *o;

	if (!key || !*key)
		return NULL;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "fact", key);
	cJSON_AddStringToObject(o, "type", type);
	return o;
}

static int
push_fact(struct og_ctx *ctx, cJSON *o, const char *evidence)
{
	if (evidence)
		cJSON_AddStringToObject(o, "evidence", evidence);
	else
		cJSON_AddNullToObject(o, "evidence");
	ctx->n_facts++;
	print_line(ctx, o);
	return 0;
}

static int
mock_fact_bool(struct og_ctx *ctx, const char *key, bool value,
	       const char *evidence)
{
	cJSON *o = fact(key, "bool");

	if (!o)
		return -EINVAL;
	cJSON_AddBoolToObject(o, "value", value);
	return push_fact(ctx, o, evidence);
}

static int
mock_fact_number(struct og_ctx *ctx, const char *key, double value,
		 const char *unit, const char *evidence)
{
	cJSON *o = fact(key, "number");

	if (!o)
		return -EINVAL;
	cJSON_AddNumberToObject(o, "value", value);
	add_str(o, "unit", unit);
	return push_fact(ctx, o, evidence);
}

static int
mock_fact_string(struct og_ctx *ctx, const char *key, const char *value,
		 const char *evidence)
{
	cJSON *o = value ? fact(key, "string") : NULL;

	if (!o)
		return -EINVAL;
	cJSON_AddStringToObject(o, "value", value);
	return push_fact(ctx, o, evidence);
}

static int
mock_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	       size_t n_items, const char *evidence)
{
	cJSON *o = n_items && !items ? NULL : fact(key, "list");
	cJSON *a;

	if (!o)
		return -EINVAL;
	a = cJSON_AddArrayToObject(o, "value");
	for (size_t i = 0; i < n_items; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
	return push_fact(ctx, o, evidence);
}

static int
mock_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	cJSON *o = fact(key, "unknown");

	if (!o)
		return -EINVAL;
	cJSON_AddNullToObject(o, "value");
	cJSON_AddStringToObject(o, "reason", reason ? reason : "");
	return push_fact(ctx, o, NULL);
}

/* The general form: the typed fact plus its subject and roll-up. */
static int
mock_fact(struct og_ctx *ctx, const struct og_fact *f)
{
	static const char *const types[] = {
		NULL, "bool", "number", "string", "list", "unknown",
	};
	static const char *const rules[] = {
		NULL, "all", "any", "min", "max", "sum",
	};
	cJSON *o, *a;

	if (!f || f->struct_size < sizeof(*f) || (unsigned)f->type > 5 ||
	    !types[f->type] || (unsigned)f->rollup > 5 ||
	    !(o = fact(f->key, types[f->type])))
		return -EINVAL;
	switch (f->type) {
	case OG_FACT_BOOL:
		cJSON_AddBoolToObject(o, "value", f->b);
		break;
	case OG_FACT_NUMBER:
		cJSON_AddNumberToObject(o, "value", f->number);
		add_str(o, "unit", f->unit);
		break;
	case OG_FACT_STRING:
		cJSON_AddStringToObject(o, "value", f->string ? f->string : "");
		break;
	case OG_FACT_LIST:
		a = cJSON_AddArrayToObject(o, "value");
		for (size_t i = 0; i < f->n_items; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(f->items[i]));
		break;
	default:
		cJSON_AddNullToObject(o, "value");
		cJSON_AddStringToObject(o, "reason", f->reason ? f->reason : "");
	}
	add_str(o, "subject", f->subject);
	add_str(o, "subject_kind", f->subject_kind);
	add_str(o, "rollup", rules[f->rollup]);
	return push_fact(ctx, o, f->type == OG_FACT_UNKNOWN ? NULL : f->evidence);
}

static int
mock_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	static const char *const kinds[] = {
		"vulnerability", "code-alert", "misconfiguration", "secret",
		"license",
	};
	static const char *const sevs[] = {
		"unknown", "info", "low", "medium", "high", "critical",
	};
	cJSON *o, *a;

	if (!f || f->struct_size < sizeof(*f) || !f->id || !*f->id ||
	    (unsigned)f->kind > 4 || (unsigned)f->severity > 5 ||
	    (f->n_locations && !f->locations))
		return -EINVAL;
	ctx->n_findings++;
	if (ctx->count_only)
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kinds[f->kind]);
	cJSON_AddStringToObject(o, "id", f->id);
	add_str(o, "title", f->title);
	cJSON_AddStringToObject(o, "severity", sevs[f->severity]);
	if (f->score >= 0)
		cJSON_AddNumberToObject(o, "score", f->score);
	add_str(o, "package", f->package);
	add_str(o, "installed_version", f->installed_version);
	add_str(o, "fixed_version", f->fixed_version);
	add_str(o, "status_detail", f->status_detail);
	add_str(o, "url", f->url);
	add_str(o, "published", f->published);
	add_str(o, "tool", f->tool);
	add_str(o, "fingerprint", f->fingerprint);
	cJSON_AddBoolToObject(o, "suppressed", f->suppressed);
	add_str(o, "suppression", f->suppression);
	a = cJSON_AddArrayToObject(o, "tags");
	for (size_t i = 0; f->tags && f->tags[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->tags[i]));
	a = cJSON_AddArrayToObject(o, "locations");
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct og_location *l = &f->locations[i];
		cJSON *lo = cJSON_CreateObject();

		add_str(lo, "target", l->target);
		add_str(lo, "file", l->file);
		if (l->line)
			cJSON_AddNumberToObject(lo, "line", l->line);
		if (l->column)
			cJSON_AddNumberToObject(lo, "column", l->column);
		add_str(lo, "layer", l->layer);
		cJSON_AddItemToArray(a, lo);
	}
	emit(ctx, "finding", o);
	return 0;
}

static int
mock_event(struct og_ctx *ctx, const struct og_event *e)
{
	cJSON *o;

	if (!e || !e->type || !*e->type)
		return -EINVAL;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", e->type);
	cJSON_AddNumberToObject(o, "time", (double)e->time);
	add_str(o, "id", e->id);
	ctx->n_events++;
	emit(ctx, "event", o);
	return 0;
}

static void
mock_set_partial(struct og_ctx *ctx, const char *reason)
{
	ctx->partial = true;
	emit(ctx, "partial", cJSON_CreateString(reason ? reason : ""));
}

static int
mock_target(struct og_ctx *ctx, const char *kind, const char *id)
{
	cJSON *o;

	if (!kind || !*kind || !id || !*id)
		return -EINVAL;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(o, "id", id);
	emit(ctx, "target", o);
	return 0;
}

static bool
mock_secret_available(struct og_ctx *ctx, const char *name)
{
	for (size_t i = 0; name && i < ctx->n_secrets; i++)
		if (!strcmp(ctx->secrets[i], name))
			return true;
	return false;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "mock-host: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xmemdup0(const char *s, size_t len)
{
	char *d = xmalloc(len + 1);

	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

struct og_http_response *
og_mock_response(long status, const char *body, size_t len,
		 const char *const *headers)
{
	struct og_http_response *r = xmalloc(sizeof(*r));
	const char **h;
	size_t n = 0;

	while (headers && headers[n])
		n++;
	h = xmalloc((n + 1) * sizeof(*h));
	for (size_t i = 0; i < n; i++)
		h[i] = xmemdup0(headers[i], strlen(headers[i]));
	h[n] = NULL;
	memset(r, 0, sizeof(*r));
	r->struct_size = sizeof(*r);
	r->status = status;
	r->headers = h;
	r->body = xmemdup0(body ? body : "", body ? len : 0);
	r->body_len = body ? len : 0;
	return r;
}

void
og_mock_response_free(struct og_http_response *r)
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

static int
mock_http_batch(struct og_ctx *ctx, const struct og_http_request *const *reqs,
		size_t n, struct og_http_response **ret)
{
	if (!ctx->http_answer)
		return -ENOSYS;
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!reqs[i] || !reqs[i]->url) {
			cJSON_Delete(o);
			return -EINVAL;
		}
		cJSON_AddStringToObject(o, "method", reqs[i]->method ?
					reqs[i]->method : "GET");
		cJSON_AddStringToObject(o, "url", reqs[i]->url);
		add_str(o, "auth", reqs[i]->auth);
		ctx->n_http++;
		emit(ctx, "http", o);
		ret[i] = ctx->http_answer(ctx, reqs[i]);
	}
	return 0;
}

static void
mock_http_free(struct og_ctx *ctx, struct og_http_response *r)
{
	(void)ctx;
	og_mock_response_free(r);
}

static int64_t
mock_now(struct og_ctx *ctx)
{
	return ctx->now;
}

const struct og_host og_mock_host = {
	.abi_major = OPSGRADE_PLUGIN_ABI,
	.struct_size = sizeof(struct og_host),
	.log = mock_log,
	.config_get = mock_config_get,
	.config_get_list = mock_config_get_list,
	.config_bool = mock_config_bool,
	.config_number = mock_config_number,
	.fact_bool = mock_fact_bool,
	.fact_number = mock_fact_number,
	.fact_string = mock_fact_string,
	.fact_list = mock_fact_list,
	.fact_unknown = mock_fact_unknown,
	.fact = mock_fact,
	.finding = mock_finding,
	.event = mock_event,
	.set_partial = mock_set_partial,
	.secret_available = mock_secret_available,
	.http_batch = mock_http_batch,
	.http_free = mock_http_free,
	.now = mock_now,
	.target = mock_target,
	/* the real parser, so plugin unit tests see what the host does */
	.parse_time = og_parse_time,
};
