/*
 * Loads a collector plugin with dlopen and runs it in this process with a
 * small host: config from a JSON file (the whole config tree; the
 * plugin's section is collectors.<name>), HTTP through core/http's host
 * glue, and every fact, event, partial and log printed as one JSON line
 * on stdout.  Lets tests drive the github plugin without the CLI.
 *
 *	github-harness PLUGIN.so CONFIG.json
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/http/http.h"
#include "core/secret.h"
#include "core/util.h"

#define CONFIG_MAX_BYTES	(1024 * 1024)

struct og_ctx {
	const cJSON *config;
	const cJSON *section;
	char **stash;
	size_t n_stash;
};

static void
out_line(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	fflush(stdout);
	free(s);
	cJSON_Delete(o);
}

static cJSON *
rec(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "t", type);
	return o;
}

static void
h_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	cJSON *o = rec("log");

	(void)ctx;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddNumberToObject(o, "level", level);
	cJSON_AddStringToObject(o, "msg", msg);
	fprintf(stderr, "[plugin] %s\n", msg);
	out_line(o);
}

static const char *
h_config_get(struct og_ctx *ctx, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ctx->section, key);
	char *s;

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (!cJSON_IsNumber(v))
		return NULL;
	s = og_asprintf("%.17g", v->valuedouble);
	ctx->stash = og_xrealloc_array(ctx->stash, ctx->n_stash + 1,
				       sizeof(char *));
	ctx->stash[ctx->n_stash++] = s;
	return s;
}

static const char *const *
h_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	(void)ctx;
	(void)key;
	*ret_n = 0;
	return NULL;
}

static cJSON *
fact(const char *key, const char *type, const char *evidence)
{
	cJSON *o = rec("fact");

	cJSON_AddStringToObject(o, "key", key);
	cJSON_AddStringToObject(o, "type", type);
	if (evidence)
		cJSON_AddStringToObject(o, "evidence", evidence);
	return o;
}

static int
h_fact_bool(struct og_ctx *ctx, const char *key, bool value,
	    const char *evidence)
{
	cJSON *o = fact(key, "bool", evidence);

	(void)ctx;
	cJSON_AddBoolToObject(o, "value", value);
	out_line(o);
	return 0;
}

static int
h_fact_number(struct og_ctx *ctx, const char *key, double value,
	      const char *unit, const char *evidence)
{
	cJSON *o = fact(key, "number", evidence);

	(void)ctx;
	cJSON_AddNumberToObject(o, "value", value);
	if (unit)
		cJSON_AddStringToObject(o, "unit", unit);
	out_line(o);
	return 0;
}

static int
h_fact_string(struct og_ctx *ctx, const char *key, const char *value,
	      const char *evidence)
{
	cJSON *o = fact(key, "string", evidence);

	(void)ctx;
	cJSON_AddStringToObject(o, "value", value);
	out_line(o);
	return 0;
}

static int
h_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	    size_t n, const char *evidence)
{
	cJSON *o = fact(key, "list", evidence), *a = cJSON_CreateArray();

	(void)ctx;
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
	cJSON_AddItemToObject(o, "value", a);
	out_line(o);
	return 0;
}

static int
h_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	cJSON *o = fact(key, "unknown", NULL);

	(void)ctx;
	cJSON_AddStringToObject(o, "reason", reason);
	out_line(o);
	return 0;
}

static int
h_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	cJSON *o = rec("finding");

	(void)ctx;
	cJSON_AddStringToObject(o, "id", f->id ? f->id : "");
	out_line(o);
	return 0;
}

static int
h_event(struct og_ctx *ctx, const struct og_event *e)
{
	cJSON *o = rec("event"), *a = cJSON_CreateObject();

	(void)ctx;
	cJSON_AddStringToObject(o, "type", e->type);
	cJSON_AddNumberToObject(o, "time", (double)e->time);
	if (e->id)
		cJSON_AddStringToObject(o, "id", e->id);
	for (size_t i = 0; i < e->n_attrs; i++)
		cJSON_AddStringToObject(a, e->attrs[i].key, e->attrs[i].value);
	cJSON_AddItemToObject(o, "attrs", a);
	out_line(o);
	return 0;
}

static void
h_set_partial(struct og_ctx *ctx, const char *reason)
{
	cJSON *o = rec("partial");

	(void)ctx;
	cJSON_AddStringToObject(o, "reason", reason);
	out_line(o);
}

static bool
h_secret_available(struct og_ctx *ctx, const char *name)
{
	char *s = og_secret_get(ctx->config, name);
	bool ok = s != NULL;

	og_secret_free(s);
	return ok;
}

static int64_t
h_now(struct og_ctx *ctx)
{
	(void)ctx;
	return og_now();
}

static const struct og_host harness_host = {
	.abi_major = OPSGRADE_PLUGIN_ABI,
	.struct_size = sizeof(struct og_host),
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
	.http_batch = og_http_host_batch,
	.http_free = og_http_host_free,
	.now = h_now,
};

int
main(int argc, char **argv)
{
	struct og_ctx ctx = { 0 };
	const struct og_plugin *p;
	cJSON *config = NULL;
	void *dl = NULL, *state = NULL;
	char *text = NULL;
	size_t len;
	int r, ret = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: github-harness PLUGIN.so CONFIG.json\n");
		return 2;
	}
	r = og_read_file(argv[2], CONFIG_MAX_BYTES, &text, &len);
	if (r < 0 || !(config = cJSON_Parse(text))) {
		fprintf(stderr, "github-harness: cannot read %s\n", argv[2]);
		goto out;
	}
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	p = dl ? dlsym(dl, OPSGRADE_PLUGIN_SYMBOL) : NULL;
	if (!p) {
		fprintf(stderr, "github-harness: %s\n", dlerror());
		goto out;
	}
	ctx.config = config;
	ctx.section = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(config, "collectors"), p->name);
	og_http_host_setup(config, p->name);
	r = p->init(&ctx, &harness_host, &state);
	if (r < 0) {
		fprintf(stderr, "github-harness: init: %s\n", strerror(-r));
		goto out;
	}
	r = p->collect(&ctx, state);
	p->fini(state);
	ret = r < 0 ? 1 : 0;
	{
		cJSON *o = rec("done");

		cJSON_AddNumberToObject(o, "rc", r);
		out_line(o);
	}
out:
	og_http_host_teardown();
	for (size_t i = 0; i < ctx.n_stash; i++)
		free(ctx.stash[i]);
	free(ctx.stash);
	cJSON_Delete(config);
	free(text);
	if (dl && !getenv("OG_NO_DLCLOSE"))
		dlclose(dl);
	return ret;
}
