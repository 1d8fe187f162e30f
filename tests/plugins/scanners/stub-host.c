/*
 * A stub og_host for testing the scanner plugins without the core:
 *
 *	scan-harness PLUGIN.so [key=value ...]
 *
 * loads the plugin, answers config lookups from the arguments (a key given
 * several times is a list), runs init/collect/fini and prints every fact,
 * finding, log line and set_partial call as one JSON object per line on
 * stdout, then {"status": "ok"|"partial"|"failed", "rc": n}.
 * Exit status: 0 ok/partial, 1 failed, 2 usage or load error.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <opsgrade/plugin.h>

#define MAX_ARGS 256

static struct {
	const char *key;
	const char *value;
} args[MAX_ARGS];
static size_t n_args;
static const char *list_buf[MAX_ARGS + 1];
static bool partial;
static bool quiet_findings;	/* OG_HARNESS_COUNT_ONLY: only counts */
static size_t n_findings;

static void
emit(const char *type, cJSON *body)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddItemToObject(o, type, body);
	s = cJSON_PrintUnformatted(o);
	if (s) {
		puts(s);
		free(s);
	}
	cJSON_Delete(o);
}

static void
h_log(struct og_ctx *ctx, enum og_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	cJSON *o = cJSON_CreateObject();
	char buf[2048];
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "level", names[level & 3]);
	cJSON_AddStringToObject(o, "msg", buf);
	emit("log", o);
}

static const char *
h_config_get(struct og_ctx *ctx, const char *key)
{
	size_t i;

	(void)ctx;
	for (i = n_args; i-- > 0;)
		if (strcmp(args[i].key, key) == 0)
			return args[i].value;
	return NULL;
}

static const char *const *
h_config_get_list(struct og_ctx *ctx, const char *key, size_t *ret_n)
{
	size_t i, n = 0;

	(void)ctx;
	for (i = 0; i < n_args; i++)
		if (strcmp(args[i].key, key) == 0)
			list_buf[n++] = args[i].value;
	list_buf[n] = NULL;
	*ret_n = n;
	return n ? list_buf : NULL;
}

static cJSON *
fact(const char *key, const char *type, const char *evidence)
{
	cJSON *o = cJSON_CreateObject();

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
	emit("fact", o);
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
	emit("fact", o);
	return 0;
}

static int
h_fact_string(struct og_ctx *ctx, const char *key, const char *value,
	      const char *evidence)
{
	cJSON *o = fact(key, "string", evidence);

	(void)ctx;
	cJSON_AddStringToObject(o, "value", value);
	emit("fact", o);
	return 0;
}

static int
h_fact_list(struct og_ctx *ctx, const char *key, const char *const *items,
	    size_t n_items, const char *evidence)
{
	cJSON *o = fact(key, "list", evidence);
	cJSON *a = cJSON_AddArrayToObject(o, "value");
	size_t i;

	(void)ctx;
	for (i = 0; i < n_items; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
	emit("fact", o);
	return 0;
}

static int
h_fact_unknown(struct og_ctx *ctx, const char *key, const char *reason)
{
	cJSON *o = fact(key, "unknown", NULL);

	(void)ctx;
	cJSON_AddStringToObject(o, "reason", reason);
	emit("fact", o);
	return 0;
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static int
h_finding(struct og_ctx *ctx, const struct og_finding *f)
{
	static const char *const kinds[] = {
		"vulnerability", "code-alert", "misconfiguration", "secret",
		"license",
	};
	static const char *const sevs[] = {
		"unknown", "info", "low", "medium", "high", "critical",
	};
	cJSON *o, *a;
	size_t i;

	(void)ctx;
	if (f->struct_size < sizeof(*f) || !f->id || !*f->id ||
	    (unsigned)f->kind > 4 || (unsigned)f->severity > 5)
		return -EINVAL;
	n_findings++;
	if (quiet_findings)
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
	for (i = 0; f->tags && f->tags[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->tags[i]));
	a = cJSON_AddArrayToObject(o, "locations");
	for (i = 0; i < f->n_locations; i++) {
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
	emit("finding", o);
	return 0;
}

static int
h_event(struct og_ctx *ctx, const struct og_event *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

static void
h_set_partial(struct og_ctx *ctx, const char *reason)
{
	(void)ctx;
	partial = true;
	emit("partial", cJSON_CreateString(reason ? reason : ""));
}

/* Secrets named in OG_HARNESS_SECRETS (comma-separated) are "available". */
static bool
h_secret_available(struct og_ctx *ctx, const char *name)
{
	const char *list = getenv("OG_HARNESS_SECRETS");
	size_t n = strlen(name);
	const char *p;

	(void)ctx;
	for (p = list; p && (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

/*
 * HTTP from files: the URL with every byte outside [A-Za-z0-9.-] turned
 * into '_' names a file in OG_HARNESS_HTTP_DIR; it is the 200 body.  No
 * file: 404.  Each request is printed as {"http": {"url", "auth"}}.
 */
static int
h_http_batch(struct og_ctx *ctx, const struct og_http_request *const *req,
	     size_t n, struct og_http_response **ret)
{
	const char *dir = getenv("OG_HARNESS_HTTP_DIR");
	size_t i, k;

	(void)ctx;
	for (i = 0; i < n; i++) {
		struct og_http_response *r = calloc(1, sizeof(*r));
		char path[4096], name[2048];
		cJSON *o = cJSON_CreateObject();
		FILE *f;

		if (!r)
			return -ENOMEM;
		cJSON_AddStringToObject(o, "url", req[i]->url);
		if (req[i]->auth)
			cJSON_AddStringToObject(o, "auth", req[i]->auth);
		emit("http", o);
		for (k = 0; req[i]->url[k] && k + 1 < sizeof(name); k++) {
			char c = req[i]->url[k];

			name[k] = ((c >= 'a' && c <= 'z') ||
				   (c >= 'A' && c <= 'Z') ||
				   (c >= '0' && c <= '9') || c == '.' ||
				   c == '-') ? c : '_';
		}
		name[k] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
		r->struct_size = sizeof(*r);
		f = fopen(path, "rb");
		if (f) {
			char *body = malloc(1 << 20);
			size_t len = body ? fread(body, 1, (1 << 20) - 1, f) : 0;

			if (body)
				body[len] = '\0';
			fclose(f);
			r->status = 200;
			r->body = body;
			r->body_len = len;
		} else {
			r->status = 404;
			r->body = strdup("{\"message\": \"Not Found\"}");
			r->body_len = strlen(r->body);
		}
		ret[i] = r;
	}
	return 0;
}

static void
h_http_free(struct og_ctx *ctx, struct og_http_response *resp)
{
	(void)ctx;
	if (resp) {
		free((char *)resp->body);
		free(resp);
	}
}

static int64_t
h_now(struct og_ctx *ctx)
{
	(void)ctx;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct og_host host = {
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
		.http_batch = h_http_batch,
		.http_free = h_http_free,
		.now = h_now,
	};
	const struct og_plugin *p;
	void *dl, *state = NULL;
	int i, rc;
	cJSON *st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PLUGIN.so [key=value ...]\n",
			argv[0]);
		return 2;
	}
	quiet_findings = getenv("OG_HARNESS_COUNT_ONLY") != NULL;
	for (i = 2; i < argc && n_args < MAX_ARGS; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "bad argument %s\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		args[n_args].key = argv[i];
		args[n_args].value = eq + 1;
		n_args++;
	}
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	p = dlsym(dl, OPSGRADE_PLUGIN_SYMBOL);
	if (!p || p->abi_major != OPSGRADE_PLUGIN_ABI) {
		fprintf(stderr, "%s: not an opsgrade plugin\n", argv[1]);
		return 2;
	}
	rc = p->init((struct og_ctx *)&host, &host, &state);
	if (rc == 0)
		rc = p->collect((struct og_ctx *)&host, state);
	if (p->fini)
		p->fini(state);
	st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "status", rc < 0 ? "failed" :
				partial ? "partial" : "ok");
	cJSON_AddNumberToObject(st, "rc", rc);
	cJSON_AddNumberToObject(st, "findings", (double)n_findings);
	emit("status", st);
	dlclose(dl);
	return rc < 0 ? 1 : 0;
}
