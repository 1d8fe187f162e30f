#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "broker.h"
#include "http/http.h"
#include "host.h"
#include "jsonw.h"
#include "model.h"
#include "probe.h"
#include "secret.h"
#include "util.h"
#include "wire.h"
#include "value.h"

#define OG_LOG_MESSAGE_MAX	4096	/* longer messages are cut */

struct og_ctx {
	const struct og_plugin_entry *entry;
	const cJSON *config;
	int broker_fd;
	int fd;
	const char *cache_dir;	/* og_host.cache_dir; NULL: none */
	bool broken;		/* pipe closed: stop writing */
	struct og_jw w;
	struct og_wire_buf out;	/* frames not yet written */
	char **stash;		/* strings handed to the plugin; freed at exit */
	size_t n_stash;
	const char ***lists;
	size_t n_lists;
};

/* Send what is queued in one write.  0, or -EPIPE once the parent
 * stopped reading (it closed the pipe: deadline, limits): the plugin
 * learns its records go nowhere. */
static int
flush(struct og_ctx *ctx)
{
	const unsigned char *p = ctx->out.buf;
	size_t left = ctx->out.len;

	while (left && !ctx->broken) {
		ssize_t n = write(ctx->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ctx->broken = true;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	ctx->out.len = 0;
	return ctx->broken ? -EPIPE : 0;
}

/* Findings are queued and sent in batches of FLUSH_BYTES (a large scan
 * sends 100,000s: one write each cost more than the parent's decoding);
 * every other record flushes the queue at once, so logs, facts and the
 * final "done" are never held back and the order is kept. */
#define FLUSH_BYTES	(64u << 10)

static int
queued(struct og_ctx *ctx)
{
	if (ctx->broken)
		ctx->out.len = 0;
	else if (ctx->out.len >= FLUSH_BYTES)
		return flush(ctx);
	return ctx->broken ? -EPIPE : 0;
}

/* The JSON record being built, as one frame. */
static int
emit_line(struct og_ctx *ctx)
{
	og_jw_close(&ctx->w, '}');
	if (!ctx->broken)
		og_wire_put_frame(&ctx->out, OG_WIRE_JSON, ctx->w.buf, ctx->w.len);
	og_jw_reset(&ctx->w);
	return flush(ctx);
}

static void
begin(struct og_ctx *ctx, const char *type)
{
	og_jw_reset(&ctx->w);
	og_jw_open(&ctx->w, '{');
	og_jw_kstr(&ctx->w, "t", type);
}

static void
host_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	char msg[OG_LOG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	begin(ctx, "log");
	og_jw_key(&ctx->w, "level");
	og_jw_int(&ctx->w, (int)level);
	og_jw_kstr(&ctx->w, "msg", msg);
	emit_line(ctx);
}

static void host_set_partial(struct og_ctx *ctx, const char *reason);

/* A record the host will not pass on: the plugin gets -EINVAL, and the
 * run says why and becomes partial, so nothing is dropped in silence. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct og_ctx *ctx, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	host_set_partial(ctx, why);
	return -EINVAL;
}

static char *
stash(struct og_ctx *ctx, char *s)
{
	ctx->stash = og_xrealloc_array(ctx->stash, ctx->n_stash + 1,
				       sizeof(*ctx->stash));
	ctx->stash[ctx->n_stash++] = s;
	return s;
}

/* collectors.NAME.KEY, or when unset there and the option is declared
 * as consumed from another collector (og_option.from), that
 * collector's setting.  Borrowed; NULL when neither is set. */
static const char *
option_path(struct og_ctx *ctx, const char *key, char **ret_path)
{
	const struct og_option *o = ctx->entry->desc.options;

	*ret_path = og_asprintf("collectors.%s.%s", ctx->entry->desc.name, key);
	if (og_config_get(ctx->config, *ret_path))
		return *ret_path;
	for (; o && o->key; o++)
		if (!strcmp(o->key, key) && o->from && *o->from) {
			free(*ret_path);
			*ret_path = og_asprintf("collectors.%s", o->from);
			break;
		}
	return *ret_path;
}

static const cJSON *
option(struct og_ctx *ctx, const char *key)
{
	char *path;
	const cJSON *v = og_config_get(ctx->config, option_path(ctx, key, &path));

	free(path);
	return v;
}

static const char *
host_config_get(struct og_ctx *ctx, const char *key)
{
	const cJSON *v = option(ctx, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v))
		return stash(ctx, og_asprintf("%.17g", v->valuedouble));
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 &&
	    cJSON_IsString(cJSON_GetArrayItem(v, 0)))
		return cJSON_GetArrayItem(v, 0)->valuestring;
	return NULL;
}

static int
host_config_bool(struct og_ctx *ctx, const char *key, bool *ret)
{
	return key && ret ? og_value_bool(option(ctx, key), ret) : -EINVAL;
}

static int
host_config_number(struct og_ctx *ctx, const char *key, double *ret)
{
	return key && ret ? og_value_number(option(ctx, key), ret) : -EINVAL;
}

static const char *const *
host_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	char *path;
	const char **v = NULL;
	size_t n = og_config_strv(ctx->config, option_path(ctx, key, &path), &v);

	free(path);
	*ret_n = n;
	if (!v)
		return NULL;
	ctx->lists = og_xrealloc_array(ctx->lists, ctx->n_lists + 1,
				       sizeof(*ctx->lists));
	ctx->lists[ctx->n_lists++] = v;
	return v;
}

static void
fact_head(struct og_ctx *ctx, const char *key, const char *type,
	  const char *evidence)
{
	char now[32];

	begin(ctx, "fact");
	og_jw_kstr(&ctx->w, "key", key);
	og_jw_kstr(&ctx->w, "type", type);
	og_jw_kstr_opt(&ctx->w, "evidence", evidence);
	og_format_time(og_now(), now, sizeof(now));
	og_jw_kstr(&ctx->w, "observed_at", now);
	og_jw_key(&ctx->w, "value");
}

static int
host_fact_bool(struct og_ctx *ctx, const char *key, bool value,
	       const char *evidence)
{
	if (!key)
		return -EINVAL;
	fact_head(ctx, key, "bool", evidence);
	og_jw_bool(&ctx->w, value);
	return emit_line(ctx);
}

static int
host_fact_number(struct og_ctx *ctx, const char *key, double value,
		 const char *unit, const char *evidence)
{
	if (!key)
		return -EINVAL;
	if (!isfinite(value))
		return refuse(ctx, "refused fact '%s': number is %s", key,
			      isnan(value) ? "NaN" : "infinite");
	fact_head(ctx, key, "number", evidence);
	og_jw_num(&ctx->w, value);
	og_jw_kstr_opt(&ctx->w, "unit", unit);
	return emit_line(ctx);
}

static int
host_fact_string(struct og_ctx *ctx, const char *key, const char *value,
		 const char *evidence)
{
	if (!key || !value)
		return -EINVAL;
	fact_head(ctx, key, "string", evidence);
	og_jw_str(&ctx->w, value);
	return emit_line(ctx);
}

static int
host_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	       size_t n_items, const char *evidence)
{
	if (!key || (n_items && !items))
		return -EINVAL;
	fact_head(ctx, key, "list", evidence);
	og_jw_open(&ctx->w, '[');
	for (size_t i = 0; i < n_items; i++)
		og_jw_str(&ctx->w, items[i] ? items[i] : "");
	og_jw_close(&ctx->w, ']');
	return emit_line(ctx);
}

static int
host_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	if (!key)
		return -EINVAL;
	fact_head(ctx, key, "unknown", NULL);
	og_jw_null(&ctx->w);
	og_jw_kstr(&ctx->w, "reason", reason ? reason : "not observed");
	return emit_line(ctx);
}

static const char *const fact_type_names[] = {
	[OG_FACT_BOOL] = "bool", [OG_FACT_NUMBER] = "number",
	[OG_FACT_STRING] = "string", [OG_FACT_LIST] = "list",
	[OG_FACT_UNKNOWN] = "unknown",
};

/* The general form: any type, with a subject and a roll-up rule.  The
 * parent's model checks that the rule fits (og_model_add_fact); the
 * obvious misuses are refused here so the plugin hears of them. */
static int
host_fact(struct og_ctx *ctx, const struct og_fact *in)
{
	struct og_fact f = { 0 };
	const char *rollup;

	if (!in || in->struct_size < offsetof(struct og_fact, reason) +
					   sizeof(in->reason))
		return -EINVAL;
	memcpy(&f, in, in->struct_size < sizeof(f) ? in->struct_size : sizeof(f));
	rollup = og_rollup_name(f.rollup);
	if (f.key && f.type == OG_FACT_NUMBER && !isfinite(f.number))
		return refuse(ctx, "refused fact '%s': number is %s", f.key,
			      isnan(f.number) ? "NaN" : "infinite");
	if (!f.key || !*f.key || (unsigned)f.type > OG_FACT_UNKNOWN ||
	    !fact_type_names[f.type] || (f.rollup && !rollup) ||
	    (f.subject && !*f.subject) ||
	    (f.rollup == OG_ROLLUP_SUM && !f.subject) ||
	    ((f.rollup == OG_ROLLUP_ALL || f.rollup == OG_ROLLUP_ANY) &&
	     f.type != OG_FACT_BOOL && f.type != OG_FACT_UNKNOWN) ||
	    (f.rollup >= OG_ROLLUP_MIN && f.type != OG_FACT_NUMBER &&
	     f.type != OG_FACT_UNKNOWN) ||
	    (f.type == OG_FACT_NUMBER && !isfinite(f.number)) ||
	    (f.type == OG_FACT_STRING && !f.string) ||
	    (f.type == OG_FACT_LIST && f.n_items && !f.items))
		return -EINVAL;
	fact_head(ctx, f.key, fact_type_names[f.type],
		  f.type == OG_FACT_UNKNOWN ? NULL : f.evidence);
	switch (f.type) {
	case OG_FACT_BOOL:
		og_jw_bool(&ctx->w, f.b);
		break;
	case OG_FACT_NUMBER:
		og_jw_num(&ctx->w, f.number);
		og_jw_kstr_opt(&ctx->w, "unit", f.unit);
		break;
	case OG_FACT_STRING:
		og_jw_str(&ctx->w, f.string);
		break;
	case OG_FACT_LIST:
		og_jw_open(&ctx->w, '[');
		for (size_t i = 0; i < f.n_items; i++)
			og_jw_str(&ctx->w, f.items[i] ? f.items[i] : "");
		og_jw_close(&ctx->w, ']');
		break;
	case OG_FACT_UNKNOWN:
		og_jw_null(&ctx->w);
		og_jw_kstr(&ctx->w, "reason",
			   f.reason ? f.reason : "not observed");
		break;
	}
	og_jw_kstr_opt(&ctx->w, "subject", f.subject);
	og_jw_kstr_opt(&ctx->w, "subject_kind", f.subject_kind);
	og_jw_kstr_opt(&ctx->w, "rollup", rollup);
	return emit_line(ctx);
}

static int
host_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	struct og_finding c = { 0 };
	char *fp;

	if (!f || f->struct_size < offsetof(struct og_finding, n_locations) +
					  sizeof(f->n_locations))
		return -EINVAL;
	/* Zero-extend an older plugin's smaller struct. */
	memcpy(&c, f, f->struct_size < sizeof(c) ? f->struct_size : sizeof(c));
	/* An array the ABI may grow: step by the plugin's element size. */
	if (!c.location_size)
		c.location_size = sizeof(struct og_location);
	if (!c.id || !*c.id || (c.n_locations && !c.locations) ||
	    c.location_size < offsetof(struct og_location, layer) +
			      sizeof(c.locations->layer))
		return refuse(ctx, "refused a finding without an id or with "
			      "bad locations");
	if ((unsigned)c.kind > OG_FINDING_LICENSE)
		return refuse(ctx, "refused finding '%s': kind %d is out of range",
			      c.id, (int)c.kind);
	if ((unsigned)c.severity > OG_SEV_CRITICAL)
		return refuse(ctx, "refused finding '%s': severity %d is out of "
			      "range", c.id, (int)c.severity);
	if (isnan(c.score) || (isinf(c.score) && c.score > 0))
		return refuse(ctx, "refused finding '%s': score is %s", c.id,
			      isnan(c.score) ? "NaN" : "infinite");
	fp = c.fingerprint && *c.fingerprint ? og_strdup0(c.fingerprint)
					     : og_finding_fingerprint(&c);
	if (!ctx->broken)
		og_wire_put_finding(&ctx->out, &c, fp);
	free(fp);
	return queued(ctx);
}

static int
host_event(struct og_ctx *ctx, const struct og_event *in)
{
	struct og_event e = { 0 };
	char t[32];

	if (!in || in->struct_size < offsetof(struct og_event, n_attrs) +
					   sizeof(in->n_attrs))
		return -EINVAL;
	memcpy(&e, in, in->struct_size < sizeof(e) ? in->struct_size : sizeof(e));
	if (!e.attr_size)
		e.attr_size = sizeof(struct og_attr);
	if (!e.type || (e.n_attrs && !e.attrs) ||
	    e.attr_size < sizeof(struct og_attr))
		return -EINVAL;
	if (og_format_time(e.time, t, sizeof(t)) < 0)
		return refuse(ctx, "refused event '%s': time %" PRId64 " is not "
			      "between the years 0 and 9999", e.type, e.time);
	begin(ctx, "event");
	og_jw_kstr(&ctx->w, "type", e.type);
	og_jw_kstr(&ctx->w, "time", t);
	og_jw_kstr_opt(&ctx->w, "id", e.id);
	og_jw_kstr_opt(&ctx->w, "subject", e.subject);
	og_jw_key(&ctx->w, "attrs");
	og_jw_open(&ctx->w, '{');
	for (size_t i = 0; i < e.n_attrs; i++) {
		const struct og_attr *a = (const struct og_attr *)
			((const unsigned char *)e.attrs + i * e.attr_size);

		if (a->key)
			og_jw_kstr(&ctx->w, a->key, a->value ? a->value : "");
	}
	og_jw_close(&ctx->w, '}');
	return emit_line(ctx);
}

static void
host_set_partial(struct og_ctx *ctx, const char *reason)
{
	begin(ctx, "partial");
	og_jw_kstr(&ctx->w, "reason", reason ? reason : "incomplete");
	emit_line(ctx);
}

static int
host_target(struct og_ctx *ctx, const char *kind, const char *id)
{
	if (!kind || !*kind || !id || !*id)
		return refuse(ctx, "target without a kind or an id");
	begin(ctx, "target");
	og_jw_kstr(&ctx->w, "kind", kind);
	og_jw_kstr(&ctx->w, "id", id);
	return emit_line(ctx);
}

static bool
host_secret_available(struct og_ctx *ctx, const char *name)
{
	return name && og_broker_available(ctx->broker_fd, name);
}

/* A request may take long: what is queued goes first, so the parent has
 * it even if the collector is stopped while it waits. */
static int
host_http_batch(struct og_ctx *ctx, const struct og_http_request *const *requests,
		size_t n, struct og_http_response **ret_responses)
{
	flush(ctx);
	return og_broker_batch(ctx->broker_fd, requests, n, ret_responses);
}

static void
host_http_free(struct og_ctx *ctx, struct og_http_response *resp)
{
	og_http_response_free(resp);
}

static const char *
host_cache_dir(struct og_ctx *ctx)
{
	return ctx->cache_dir;
}

static int64_t
host_now(struct og_ctx *ctx)
{
	return og_now();
}

static const struct og_host host_table = {
	.abi_major = OPSGRADE_PLUGIN_ABI,
	.struct_size = sizeof(struct og_host),
	.log = host_log,
	.config_get = host_config_get,
	.config_get_list = host_config_get_list,
	.config_bool = host_config_bool,
	.config_number = host_config_number,
	.fact_bool = host_fact_bool,
	.fact_number = host_fact_number,
	.fact_string = host_fact_string,
	.fact_list = host_fact_list,
	.fact_unknown = host_fact_unknown,
	.finding = host_finding,
	.event = host_event,
	.set_partial = host_set_partial,
	.secret_available = host_secret_available,
	.now = host_now,
	.parse_time = og_parse_time,
	.http_batch = host_http_batch,
	.http_free = host_http_free,
	.fact = host_fact,
	.target = host_target,
	.cache_dir = host_cache_dir,
};

int
og_host_run_child(const struct og_plugin_entry *e, const cJSON *config, int fd,
		  int broker_fd, const char *cache_dir)
{
	struct og_ctx ctx = { .entry = e, .config = config, .fd = fd,
			      .broker_fd = broker_fd, .cache_dir = cache_dir };
	struct og_plugin code;
	void *state = NULL;
	uint32_t abi;
	char *why = NULL;
	int r;

	og_jw_init(&ctx.w);
	/* This process loads the plugin; the parent only has the probe's
	 * copy of its declarations.  The file may have changed since. */
	r = og_plugin_open(e->path, &code, &abi, &why);
	if (r == 0 && (!code.name || strcmp(code.name, e->desc.name) ||
		       !code.collect)) {
		why = og_asprintf("refused: %s changed since it was probed",
				  e->path);
		r = -ESTALE;
	}
	if (r < 0) {
		host_log(&ctx, OG_LOG_ERROR, "%s", why);
		free(why);
		goto done;
	}
	r = code.init ? code.init(&ctx, &host_table, &state) : 0;
	if (r < 0) {
		host_log(&ctx, OG_LOG_ERROR, "init failed: %s", strerror(-r));
	} else {
		r = code.collect(&ctx, state);
		if (r < 0)
			host_log(&ctx, OG_LOG_ERROR, "collect failed: %s",
				 strerror(-r));
		if (code.fini)
			code.fini(state);
	}
done:
	begin(&ctx, "done");
	og_jw_key(&ctx.w, "rc");
	og_jw_int(&ctx.w, r);
	emit_line(&ctx);
	for (size_t i = 0; i < ctx.n_stash; i++)
		free(ctx.stash[i]);
	free(ctx.stash);
	for (size_t i = 0; i < ctx.n_lists; i++)
		free(ctx.lists[i]);
	free(ctx.lists);
	og_jw_clear(&ctx.w);
	og_wire_buf_clear(&ctx.out);
	return r < 0 ? 1 : 0;
}
