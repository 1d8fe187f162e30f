/*
 * mock-host: load one collector plugin with the shared mock og_host
 * (mock-host.c) and print everything it emits as JSON lines on stdout
 * (format in mock-host.h), so plugin tests and bench/ingest.sh need
 * neither the core nor its fork/pipe runner.
 *
 *	mock-host PLUGIN.so [--set KEY=VALUE]... [--secret NAME]...
 *		  [--now EPOCH] [--http-dir DIR] [--count-only]
 *
 * --set: a key given several times is a list.  --secret: the host holds
 * that credential (secret_available answers true).  --http-dir: HTTP from
 * files: the URL with every byte outside [A-Za-z0-9.-] turned into '_'
 * names a file in DIR, served as the 200 body; no file: 404.  Without it
 * http_batch fails with -ENOSYS.  --count-only: findings counted, not
 * printed (benchmarks).
 *
 * The last line is {"status":{"status":"ok"|"partial"|"failed","rc":n,
 * "facts":n,"findings":n}}.  Exit: 0 ok or partial, 1 failed, 2 usage or
 * load error (ABI mismatch included).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock-host.h"
#include "util.h"

#define MAX_BODY (16 << 20)

static const char *http_dir;

static struct og_http_response *
answer_from_file(struct og_ctx *ctx, const struct og_http_request *q)
{
	static const char not_found[] = "{\"message\": \"Not Found\"}";
	struct og_http_response *r;
	char path[4096], name[2048];
	size_t k, len;
	char *body;
	FILE *f;

	(void)ctx;
	for (k = 0; q->url[k] && k + 1 < sizeof(name); k++) {
		char c = q->url[k];

		name[k] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '-') ?
				  c : '_';
	}
	name[k] = '\0';
	snprintf(path, sizeof(path), "%s/%s", http_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return og_mock_response(404, not_found, strlen(not_found), NULL);
	body = malloc(MAX_BODY);
	if (!body) {
		fclose(f);
		return og_mock_response(0, NULL, 0, NULL);
	}
	len = fread(body, 1, MAX_BODY, f);
	fclose(f);
	r = og_mock_response(200, body, len, NULL);
	free(body);
	return r;
}

static int
usage(void)
{
	fprintf(stderr, "usage: mock-host PLUGIN.so [--set K=V]... "
		"[--secret NAME]... [--now EPOCH] [--http-dir DIR] "
		"[--count-only]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static struct og_ctx ctx;
	const struct og_plugin *p;
	void *dl, *state = NULL;
	const char *name;
	int rc;

	og_mock_init(&ctx);
	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		const char *opt = argv[i];
		bool has_arg = i + 1 < argc;

		if (!strcmp(opt, "--set") && has_arg) {
			if (og_mock_set_arg(&ctx, argv[++i]) < 0) {
				fprintf(stderr, "mock-host: bad --set %s\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(opt, "--secret") && has_arg) {
			if (og_mock_add_secret(&ctx, argv[++i]) < 0)
				return usage();
		} else if (!strcmp(opt, "--now") && has_arg) {
			ctx.now = strtoll(argv[++i], NULL, 10);
		} else if (!strcmp(opt, "--http-dir") && has_arg) {
			http_dir = argv[++i];
			ctx.http_answer = answer_from_file;
		} else if (!strcmp(opt, "--count-only")) {
			ctx.count_only = true;
		} else {
			fprintf(stderr, "mock-host: unknown argument %s\n", opt);
			return usage();
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
		dlclose(dl);
		return 2;
	}
	if (p->abi_major != OPSGRADE_PLUGIN_ABI ||
	    p->struct_size > sizeof(struct og_plugin)) {
		fprintf(stderr, "mock-host: %s: ABI %u (size %u), host has %u (size %zu)\n",
			argv[1], p->abi_major, p->struct_size,
			OPSGRADE_PLUGIN_ABI, sizeof(struct og_plugin));
		dlclose(dl);
		return 2;
	}
	/* like the real host: fini only after a successful init */
	rc = p->init ? p->init(&ctx, &og_mock_host, &state) : 0;
	if (rc == 0) {
		if (p->collect)
			rc = p->collect(&ctx, state);
		if (p->fini)
			p->fini(state);
	}
	/* p->name lives in the plugin: use it before unloading */
	name = p->name ? p->name : "?";
	if (rc < 0)
		fprintf(stderr, "mock-host: %s failed: %s\n", name,
			strerror(-rc));
	printf("{\"status\":{\"status\":\"%s\",\"rc\":%d,\"facts\":%zu,"
	       "\"findings\":%zu}}\n",
	       rc < 0 ? "failed" : ctx.partial ? "partial" : "ok", rc,
	       ctx.n_facts, ctx.n_findings);
	fflush(stdout);
	/* like the core loader: keep the plugin mapped for leak reports */
	if (!og_env_bool("OG_NO_DLCLOSE"))
		dlclose(dl);
	return rc < 0 ? 1 : 0;
}
