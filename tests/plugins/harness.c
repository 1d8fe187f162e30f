/*
 * mock-host: load one collector plugin with a stub og_host and print
 * everything it emits as JSON lines on stdout, sorted facts first — a test
 * double for the real host (collectd's plugin_mock.c idea), so plugin
 * tests need neither the core nor a fork/pipe runner.
 *
 *	mock-host PLUGIN.so [--set KEY=VALUE]... [--now EPOCH]
 *
 * Lines: {"fact":K,"type":T,"value":V,"unit":U,"evidence":E}
 *        {"unknown":K,"reason":R}  {"partial":R}
 *        {"finding":ID,"kind":N,"severity":N,"file":F,"line":L}
 *        {"event":TYPE,"time":T,"id":ID}
 * Logs go to stderr as "[name] LEVEL: text".  List options: a value with
 * commas is split into items.  HTTP is not offered (http_batch = NULL
 * in a table whose size still covers it): offline plugins only.
 *
 * Exit: 0 when collect() returned 0, 1 when it failed, 2 on usage or
 * load errors (ABI mismatch included).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <opsgrade/plugin.h>

#define MAX_SET 64
#define MAX_LINES 100000

struct og_ctx {
	const char *name;
	const char *keys[MAX_SET];
	const char *values[MAX_SET];
	const char **lists[MAX_SET];
	size_t list_n[MAX_SET];
	char *dups[MAX_SET];
	size_t n;
	char *lines[MAX_LINES];
	size_t n_lines;
	int64_t now;
};

static void
push(struct og_ctx *ctx, cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);

	cJSON_Delete(obj);
	if (!s || ctx->n_lines == MAX_LINES) {
		fprintf(stderr, "mock-host: too many lines\n");
		exit(2);
	}
	ctx->lines[ctx->n_lines++] = s;
}

static void
mock_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	va_list ap;

	fprintf(stderr, "[%s] %s: ", ctx->name,
		(unsigned)level < 4 ? names[level] : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
mock_config_get(struct og_ctx *ctx, const char *key)
{
	for (size_t i = 0; i < ctx->n; i++)
		if (!strcmp(ctx->keys[i], key))
			return ctx->values[i];
	return NULL;
}

static const char *const *
mock_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	for (size_t i = 0; i < ctx->n; i++) {
		if (strcmp(ctx->keys[i], key))
			continue;
		*ret_n = ctx->list_n[i];
		return ctx->lists[i];
	}
	*ret_n = 0;
	return NULL;
}

static cJSON *
fact(const char *key, const char *type)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "fact", key);
	cJSON_AddStringToObject(o, "type", type);
	return o;
}

static void
push_fact(struct og_ctx *ctx, cJSON *o, const char *evidence)
{
	if (evidence)
		cJSON_AddStringToObject(o, "evidence", evidence);
	else
		cJSON_AddNullToObject(o, "evidence");
	push(ctx, o);
}

static int
check_key(const char *key)
{
	return key && *key ? 0 : -EINVAL;
}

static int
mock_fact_bool(struct og_ctx *ctx, const char *key, bool value,
	       const char *evidence)
{
	cJSON *o;

	if (check_key(key))
		return -EINVAL;
	o = fact(key, "bool");
	cJSON_AddBoolToObject(o, "value", value);
	push_fact(ctx, o, evidence);
	return 0;
}

static int
mock_fact_number(struct og_ctx *ctx, const char *key, double value,
		 const char *unit, const char *evidence)
{
	cJSON *o;

	if (check_key(key))
		return -EINVAL;
	o = fact(key, "number");
	cJSON_AddNumberToObject(o, "value", value);
	if (unit)
		cJSON_AddStringToObject(o, "unit", unit);
	push_fact(ctx, o, evidence);
	return 0;
}

static int
mock_fact_string(struct og_ctx *ctx, const char *key, const char *value,
		 const char *evidence)
{
	cJSON *o;

	if (check_key(key) || !value)
		return -EINVAL;
	o = fact(key, "string");
	cJSON_AddStringToObject(o, "value", value);
	push_fact(ctx, o, evidence);
	return 0;
}

static int
mock_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	       size_t n_items, const char *evidence)
{
	cJSON *o, *a;

	if (check_key(key) || (n_items && !items))
		return -EINVAL;
	o = fact(key, "list");
	a = cJSON_AddArrayToObject(o, "value");
	for (size_t i = 0; i < n_items; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
	push_fact(ctx, o, evidence);
	return 0;
}

static int
mock_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	cJSON *o = cJSON_CreateObject();

	if (check_key(key))
		return -EINVAL;
	cJSON_AddStringToObject(o, "unknown", key);
	cJSON_AddStringToObject(o, "reason", reason ? reason : "");
	push(ctx, o);
	return 0;
}

static int
mock_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	cJSON *o = cJSON_CreateObject();

	if (!f || !f->id)
		return -EINVAL;
	cJSON_AddStringToObject(o, "finding", f->id);
	cJSON_AddNumberToObject(o, "kind", f->kind);
	cJSON_AddNumberToObject(o, "severity", f->severity);
	if (f->n_locations && f->locations[0].file) {
		cJSON_AddStringToObject(o, "file", f->locations[0].file);
		cJSON_AddNumberToObject(o, "line", f->locations[0].line);
	}
	push(ctx, o);
	return 0;
}

static int
mock_event(struct og_ctx *ctx, const struct og_event *e)
{
	cJSON *o = cJSON_CreateObject();

	if (!e || !e->type)
		return -EINVAL;
	cJSON_AddStringToObject(o, "event", e->type);
	cJSON_AddNumberToObject(o, "time", (double)e->time);
	if (e->id)
		cJSON_AddStringToObject(o, "id", e->id);
	push(ctx, o);
	return 0;
}

static void
mock_set_partial(struct og_ctx *ctx, const char *reason)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "partial", reason ? reason : "");
	push(ctx, o);
}

static bool
mock_secret_available(struct og_ctx *ctx, const char *name)
{
	return false;
}

static int64_t
mock_now(struct og_ctx *ctx)
{
	return ctx->now;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_set(struct og_ctx *ctx, char *kv)
{
	char *eq = strchr(kv, '=');
	const char **items;
	size_t n = 1;

	if (!eq || ctx->n == MAX_SET)
		return -EINVAL;
	*eq = '\0';
	ctx->keys[ctx->n] = kv;
	ctx->values[ctx->n] = eq + 1;
	for (const char *c = eq + 1; *c; c++)
		n += *c == ',';
	items = calloc(n + 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	ctx->dups[ctx->n] = strdup(eq + 1);
	if (!ctx->dups[ctx->n]) {
		free(items);
		return -ENOMEM;
	}
	n = 0;
	for (char *tok = strtok(ctx->dups[ctx->n], ","); tok;
	     tok = strtok(NULL, ","))
		items[n++] = tok;
	ctx->lists[ctx->n] = items;
	ctx->list_n[ctx->n] = n;
	ctx->n++;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct og_ctx ctx = { .now = 1767225600 };	/* 2026-01-01 */
	struct og_host host = {
		.abi_major = OPSGRADE_PLUGIN_ABI,
		.struct_size = sizeof(struct og_host),
		.log = mock_log,
		.config_get = mock_config_get,
		.config_get_list = mock_config_get_list,
		.fact_bool = mock_fact_bool,
		.fact_number = mock_fact_number,
		.fact_string = mock_fact_string,
		.fact_list = mock_fact_list,
		.fact_unknown = mock_fact_unknown,
		.finding = mock_finding,
		.event = mock_event,
		.set_partial = mock_set_partial,
		.secret_available = mock_secret_available,
		.now = mock_now,
	};
	const struct og_plugin *p;
	void *dl, *state = NULL;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: mock-host PLUGIN.so [--set K=V]... [--now EPOCH]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			if (add_set(&ctx, argv[++i]) < 0) {
				fprintf(stderr, "mock-host: bad --set %s\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--now") && i + 1 < argc) {
			ctx.now = strtoll(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "mock-host: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "mock-host: %s\n", dlerror());
		return 2;
	}
	p = dlsym(dl, OPSGRADE_PLUGIN_SYMBOL);
	if (!p) {
		fprintf(stderr, "mock-host: %s: no %s symbol\n", argv[1],
			OPSGRADE_PLUGIN_SYMBOL);
		return 2;
	}
	if (p->abi_major != OPSGRADE_PLUGIN_ABI ||
	    p->struct_size > sizeof(struct og_plugin)) {
		fprintf(stderr, "mock-host: %s: ABI %u (size %u), host has %u (size %zu)\n",
			argv[1], p->abi_major, p->struct_size,
			OPSGRADE_PLUGIN_ABI, sizeof(struct og_plugin));
		return 2;
	}
	ctx.name = p->name ? p->name : "?";
	rc = p->init ? p->init(&ctx, &host, &state) : 0;
	if (rc == 0 && p->collect)
		rc = p->collect(&ctx, state);
	if (p->fini)
		p->fini(state);
	qsort(ctx.lines, ctx.n_lines, sizeof(*ctx.lines), cmp_line);
	for (size_t i = 0; i < ctx.n_lines; i++) {
		puts(ctx.lines[i]);
		free(ctx.lines[i]);
	}
	/* ctx.name points into the plugin: report before unloading it */
	if (rc < 0)
		fprintf(stderr, "mock-host: %s failed: %s\n", ctx.name,
			strerror(-rc));
	dlclose(dl);
	for (size_t i = 0; i < ctx.n; i++) {
		free(ctx.dups[i]);
		free(ctx.lists[i]);
	}
	return rc < 0 ? 1 : 0;
}
