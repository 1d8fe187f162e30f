/*
 * opsgrade plugin SDK — the only header a collector plugin includes.
 *
 * A collector is a shared object exporting ONE data symbol, written as
 *
 *	OG_PLUGIN_DEFINE(.name = "hello", .version = "1.0",
 *			 .summary = "Says hello", .init = hello_init,
 *			 .collect = hello_collect, .fini = hello_fini)
 *
 * which defines `const struct og_plugin opsgrade_plugin` with abi_major
 * and struct_size filled in.  examples/plugin-hello/ is a complete one.  The host reads
 * the first two members (abi_major, struct_size) before anything else:
 *
 *   - abi_major must equal the host's OPSGRADE_PLUGIN_ABI, or the plugin
 *     is refused with a message naming the file and both versions;
 *   - struct_size plays the minor version.  A smaller size is an older
 *     plugin: the host copies what is there into a zeroed descriptor and
 *     treats the missing tail as NULL.  A larger size is a plugin built
 *     against a newer SDK than the host and is refused.
 *
 * The same two fields head struct og_host, the table of services the host
 * passes to the plugin.  Before calling a member added after ABI 1.0, test
 * it with OG_HOST_HAS(host, member).
 *
 * Lifecycle, all in a child process of the opsgrade host (a crash, hang
 * or early exit marks only this collector as failed):
 *
 *	init(ctx, host, &state)   read config, allocate state
 *	collect(ctx, state)       emit facts, findings and events
 *	fini(state)               free state (may be NULL)
 *
 * Callbacks return 0 or a negative errno.  The human-readable reason goes
 * through host->log(); the host prefixes it with "[plugin-name]".
 *
 * Ownership: everything the plugin passes to the host is copied before the
 * call returns; the plugin keeps ownership of its memory.  Strings the host
 * returns (config values) are borrowed and live until fini() returns.
 * Memory never crosses the boundary in the "please free this" direction,
 * except og_http_response, which the plugin returns with http_free().
 *
 * Strings are UTF-8.  Timestamps are seconds since the Unix epoch (UTC).
 *
 * WARNING — append-only: once released, members of the structs in this
 * file are never removed, reordered or retyped.  New members go at the
 * end, and code must cope with them being absent (struct_size).
 *
 * This header is C99 with no dependencies beyond the standard library.
 */
#ifndef OPSGRADE_PLUGIN_H
#define OPSGRADE_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI major version.  Bumped only for incompatible changes. */
#define OPSGRADE_PLUGIN_ABI 1u

/* The one symbol a plugin exports. */
#define OPSGRADE_PLUGIN_SYMBOL "opsgrade_plugin"

#if defined(__GNUC__) && __GNUC__ >= 4
#define OG_EXPORT __attribute__((visibility("default")))
#else
#define OG_EXPORT
#endif

/* True when the host's table is large enough to hold @member. */
#define OG_HOST_HAS(host, member)                                          \
	((host)->struct_size >= offsetof(struct og_host, member) +          \
				    sizeof((host)->member) &&                \
	 (host)->member != NULL)

/* Opaque per-run handle; pass it back to every host call. */
struct og_ctx;

enum og_log_level {
	OG_LOG_ERROR = 0,
	OG_LOG_WARN = 1,
	OG_LOG_INFO = 2,
	OG_LOG_DEBUG = 3,
};

/*
 * Normalised severity.  Collectors map their tool's rating onto these;
 * OG_SEV_UNKNOWN is an honest "the tool did not say".
 */
enum og_severity {
	OG_SEV_UNKNOWN = 0,
	OG_SEV_INFO = 1,
	OG_SEV_LOW = 2,
	OG_SEV_MEDIUM = 3,
	OG_SEV_HIGH = 4,
	OG_SEV_CRITICAL = 5,
};

enum og_finding_kind {
	OG_FINDING_VULNERABILITY = 0,
	OG_FINDING_CODE_ALERT = 1,
	OG_FINDING_MISCONFIGURATION = 2,
	OG_FINDING_SECRET = 3,
	OG_FINDING_LICENSE = 4,
};

/* One place a finding was seen. */
struct og_location {
	const char *target;	/* image ref, repo, scanned path; may be NULL */
	const char *file;	/* path inside the target; may be NULL */
	uint32_t line;		/* 1-based; 0 = unknown */
	uint32_t column;	/* 1-based; 0 = unknown */
	const char *layer;	/* image layer digest; may be NULL */
};

/*
 * A finding as a collector reports it.  Zero-initialise, set struct_size
 * to sizeof(struct og_finding), fill what is known, leave the rest NULL/0.
 *
 * fingerprint: a stable identity for deduplication across collectors and
 * targets.  When NULL the host derives one from kind, id, package and
 * installed_version (vulnerabilities) or id, file and line (others).
 */
struct og_finding {
	uint32_t struct_size;
	enum og_finding_kind kind;
	const char *id;			/* CVE-…, GHSA-…, rule id; required */
	const char *title;
	enum og_severity severity;
	double score;			/* CVSS or security-severity; <0 = unknown */
	const char *package;
	const char *installed_version;
	const char *fixed_version;
	const char *status_detail;	/* tool's own status: fixed, affected … */
	const char *url;
	const char *published;		/* ISO 8601 date as given; may be NULL */
	const char *tool;		/* producing tool: Trivy, CodeQL, Semgrep */
	const char *fingerprint;
	bool suppressed;		/* true: not an open finding */
	const char *suppression;	/* reason when suppressed: VEX, SARIF … */
	const char *const *tags;	/* CWE ids etc.; NULL-terminated or NULL */
	const struct og_location *locations;
	size_t n_locations;
};

/* An attribute of an event: both strings copied by the host. */
struct og_attr {
	const char *key;
	const char *value;
};

/*
 * A timestamped record for KPIs.  Types used by the core's KPIs:
 * "deployment", "workflow_run", "pr_merged", "incident", "release".
 * Attributes the KPIs read are documented in docs/report-json.md.
 */
struct og_event {
	uint32_t struct_size;
	const char *type;
	int64_t time;			/* when it happened, UTC seconds */
	const char *id;			/* stable id within the source; may be NULL */
	const struct og_attr *attrs;
	size_t n_attrs;
};

/* HTTP (ABI 1): blocking from the plugin's view, pooled by the host. */
struct og_http_request {
	uint32_t struct_size;
	const char *method;		/* NULL = "GET" */
	const char *url;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const void *body;
	size_t body_len;
	/* Host-held credential to attach: "github", "registry:HOST" or NULL.
	 * The host adds Authorization itself so secrets never enter plugin
	 * memory or logs, and drops it on a redirect to another host. */
	const char *auth;
	bool no_cache;			/* skip the ETag cache */
	bool follow_redirects;
};

struct og_http_response {
	uint32_t struct_size;
	long status;			/* 0 when no HTTP answer arrived */
	const char *error;		/* transport error text, or NULL */
	const char *const *headers;	/* "name: value", lowercase names */
	const char *body;		/* NUL-terminated for convenience */
	size_t body_len;
	bool from_cache;		/* answered from the ETag cache (304) */
	const char *effective_url;
};

/*
 * How a boolean fact combines when several parts report it: the shards of
 * one org run joined by `opsgrade merge`, or several collectors (added
 * after ABI 1.0; see og_host.fact_bool_rollup).
 *
 *   OG_ROLLUP_ALL  true only if true in every part: false wins, with its
 *                  evidence ("every repository has branch protection");
 *   OG_ROLLUP_ANY  true if any part is true ("some repository deploys").
 *
 * A known value still beats unknown.  When parts disagree on the rule,
 * ALL wins.
 */
enum og_rollup {
	OG_ROLLUP_ALL = 1,
	OG_ROLLUP_ANY = 2,
};

/*
 * Services the host offers.  Every function returns 0 or a negative errno
 * unless it says otherwise.
 */
struct og_host {
	uint32_t abi_major;
	uint32_t struct_size;

	/* printf-style; the host prefixes "[plugin]" and never logs secrets */
	void (*log)(struct og_ctx *ctx, enum og_log_level level,
		    const char *fmt, ...)
#if defined(__GNUC__)
		__attribute__((format(printf, 3, 4)))
#endif
		;

	/* This collector's config section: collectors.<name>.<key>.
	 * Scalar values come back as strings ("true", "3", "x"); NULL when
	 * unset.  Lists: config_get_list() fills *ret_n and returns a borrowed
	 * array of borrowed strings (NULL when unset). */
	const char *(*config_get)(struct og_ctx *ctx, const char *key);
	const char *const *(*config_get_list)(struct og_ctx *ctx,
					      const char *key, size_t *ret_n);

	/* Facts: namespaced key ("container.dockerfile.nonroot"), value,
	 * evidence ("Dockerfile:12", URL or API path; may be NULL). */
	int (*fact_bool)(struct og_ctx *ctx, const char *key, bool value,
			 const char *evidence);
	int (*fact_number)(struct og_ctx *ctx, const char *key, double value,
			   const char *unit, const char *evidence);
	int (*fact_string)(struct og_ctx *ctx, const char *key,
			   const char *value, const char *evidence);
	int (*fact_list)(struct og_ctx *ctx, const char *key,
			 const char *const *items, size_t n_items,
			 const char *evidence);
	/* "Could not observe": the assessment shows the key as unknown with
	 * @reason ("needs admin rights") instead of treating it as false. */
	int (*fact_unknown)(struct og_ctx *ctx, const char *key,
			    const char *reason);

	int (*finding)(struct og_ctx *ctx, const struct og_finding *f);
	int (*event)(struct og_ctx *ctx, const struct og_event *e);

	/* Tell the host this run is incomplete (some inputs failed) without
	 * failing it: the collector's status becomes "partial". */
	void (*set_partial)(struct og_ctx *ctx, const char *reason);

	/* Secrets by name ("github.token"): resolved by the host from the
	 * environment or a token file.  Returns whether one is configured;
	 * the value itself is never handed out. */
	bool (*secret_available)(struct og_ctx *ctx, const char *name);

	/* HTTP.  http_batch runs up to @n requests concurrently (the host
	 * bounds how many are in flight) and fills ret_responses[i] for each;
	 * each response is freed with http_free.  Returns <0 only when the
	 * batch could not start; per-request failures are in the response. */
	int (*http_batch)(struct og_ctx *ctx,
			  const struct og_http_request *const *requests,
			  size_t n, struct og_http_response **ret_responses);
	void (*http_free)(struct og_ctx *ctx, struct og_http_response *resp);

	/* Current time as the run sees it (SOURCE_DATE_EPOCH when set). */
	int64_t (*now)(struct og_ctx *ctx);

	/* Parse an RFC 3339 / ISO 8601 timestamp ("2026-11-02T10:00:00Z",
	 * "+02:00" offsets, fractions, or a plain date) into UTC seconds.
	 * 0 or -EINVAL. */
	int (*parse_time)(const char *s, int64_t *ret_t);

	/* Added after ABI 1.0: test OG_HOST_HAS(host, fact_bool_rollup) and
	 * fall back to fact_bool.  A boolean fact that stands for a whole
	 * (an org) when the run sees only a part of it (a shard): @rule says
	 * how parts combine (enum og_rollup).  On a tie the evidence that
	 * sorts first is kept, so emit, for a false ALL (true ANY), the
	 * evidence of the deciding item that sorts first. */
	int (*fact_bool_rollup)(struct og_ctx *ctx, const char *key, bool value,
				const char *evidence, enum og_rollup rule);
};

/* An option the plugin accepts in collectors.<name>; the host rejects
 * unknown keys with the key path, so declare every one here. */
enum og_option_type {
	OG_OPT_STRING = 0,
	OG_OPT_BOOL = 1,
	OG_OPT_NUMBER = 2,
	OG_OPT_LIST = 3,	/* list of strings; also accepts one string */
};

struct og_option {
	const char *key;
	enum og_option_type type;
	const char *help;
};

struct og_plugin {
	uint32_t abi_major;		/* OPSGRADE_PLUGIN_ABI */
	uint32_t struct_size;		/* sizeof(struct og_plugin) */
	const char *name;		/* [a-z0-9_-]+, unique */
	const char *version;
	const char *summary;		/* one line */

	int (*init)(struct og_ctx *ctx, const struct og_host *host,
		    void **ret_state);
	int (*collect)(struct og_ctx *ctx, void *state);
	void (*fini)(void *state);

	/* Declared options, terminated by an entry with key == NULL. */
	const struct og_option *options;

	/* true: run only when configured (a section or shorthand flag names
	 * it); false: run by default (like the offline "repo" collector). */
	bool opt_in;
};

#define OG_PLUGIN_DEFINE(...)                                               \
	OG_EXPORT extern const struct og_plugin opsgrade_plugin;            \
	OG_EXPORT const struct og_plugin opsgrade_plugin = {                \
		.abi_major = OPSGRADE_PLUGIN_ABI,                           \
		.struct_size = (uint32_t)sizeof(struct og_plugin),          \
		__VA_ARGS__};

#ifdef __cplusplus
}
#endif

#endif /* OPSGRADE_PLUGIN_H */
