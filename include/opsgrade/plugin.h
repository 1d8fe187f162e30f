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
 * and struct_size filled in.  examples/plugin-hello/ is a complete one.
 * The opsgrade process itself never loads a plugin: a probe child loads
 * it, reads the descriptor and sends the host a copy of the data in it
 * (a constructor that crashes, exits or hangs, or a descriptor with bad
 * pointers or a list without its terminator, gets the plugin refused
 * with the reason).  The probe reads the first two members (abi_major,
 * struct_size) before anything else:
 *
 *   - abi_major must equal the host's OPSGRADE_PLUGIN_ABI, or the plugin
 *     is refused with a message naming the file and both versions;
 *   - struct_size plays the minor version.  A smaller size is an older
 *     plugin: the host copies what is there into a zeroed descriptor and
 *     treats the missing tail as NULL.  A larger size is a plugin built
 *     against a newer SDK than the host and is refused.
 *
 * The same two fields head struct og_host, the table of services the host
 * passes to the plugin.  Before calling a member added after ABI 2.0, test
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
 * Growing the ABI (the rule from ABI 2 on):
 *   - members of the structs here are never removed, reordered or
 *     retyped; new members go at the end, and both sides cope with them
 *     being absent (struct_size, OG_HOST_HAS);
 *   - every struct that may grow starts with struct_size, and every
 *     array of such structs the plugin hands over carries its element
 *     size (og_finding.location_size, og_event.attr_size,
 *     og_plugin.option_size, flag_size, credential_size), so the host can step through an older or
	 *     newer plugin's array;
 *   - flag bits (OG_OPTF_*, OG_CRED_*) are only added, with the next
 *     free bit; a host that does not know a bit ignores it;
 *   - start from the initialisers (struct og_finding f =
 *     OG_FINDING_INIT; or f = (struct og_finding)OG_FINDING_INIT; to
 *     reset): they set struct_size, the element sizes and the "unknown"
 *     values that are not zero (score -1);
 *   - anything else (a changed meaning, a removed member) bumps
 *     OPSGRADE_PLUGIN_ABI, and the host refuses plugins of another major.
 *   ABI 2 (this file) replaced ABI 1 before any release: facts gained a
 *   subject and typed roll-ups (og_fact, host->fact), arrays gained
 *   element sizes, and fact_bool_rollup went away.
 *
 * Threading: the host calls init, collect and fini on one thread, and
 * every host function must be called from that thread (the calls write
 * to one pipe without locks).  A plugin may use threads of its own for
 * its work and hand results to that thread.  http_batch runs requests
 * concurrently for you.
 *
 * Limits and errors: host functions return a negative errno and keep
 * the collector running; check them.
 *   -EINVAL  a record the host refuses (NULL key or id, a rule that does
 *            not fit the value, a struct_size the host cannot read);
 *            nothing was recorded;
 *   -EPIPE   the host stopped listening (the run's deadline passed, or a
 *            limit on records, bytes or distinct keys was exceeded and
 *            the collector was stopped): stop collecting and return;
 *   -ENOMEM  out of memory in the host side of the child.
 * The parent enforces per-collector limits (records, bytes, keys, wall
 * time; README "Security") and marks the collector failed with the
 * figure; log lines longer than 4096 bytes are cut.
 *
 * Facts, their keys, subjects and roll-ups: docs/facts.md.  A tutorial
 * from nothing to a working plugin: docs/plugins.md.  Plugins may link
 * any library they like (cJSON included); the host's symbols are not
 * exported to them.
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
#define OPSGRADE_PLUGIN_ABI 2u

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
 * A finding as a collector reports it.  Start from OG_FINDING_INIT, fill
 * what is known, leave the rest NULL/0 (score stays -1: unknown).
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
	size_t location_size;		/* sizeof(struct og_location) */
};

#define OG_FINDING_INIT                                                     \
	{ .struct_size = sizeof(struct og_finding), .score = -1,            \
	  .location_size = sizeof(struct og_location) }

/* An attribute of an event: both strings copied by the host. */
struct og_attr {
	const char *key;
	const char *value;
};

/*
 * A timestamped record for KPIs.  Types used by the core's KPIs:
 * "deployment", "workflow_run", "pr_merged", "incident", "release".
 * Attributes the KPIs read are documented in docs/report-json.md.
 * Start from OG_EVENT_INIT.
 */
struct og_event {
	uint32_t struct_size;
	const char *type;
	int64_t time;			/* when it happened, UTC seconds */
	const char *id;			/* stable id within the source; may be NULL */
	const struct og_attr *attrs;
	size_t n_attrs;
	size_t attr_size;		/* sizeof(struct og_attr) */
	const char *subject;		/* as og_fact.subject; NULL: the run */
};

#define OG_EVENT_INIT                                                       \
	{ .struct_size = sizeof(struct og_event),                           \
	  .attr_size = sizeof(struct og_attr) }

/* HTTP (ABI 1): blocking from the plugin's view, pooled by the host. */
struct og_http_request {
	uint32_t struct_size;
	const char *method;		/* NULL = "GET" */
	const char *url;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const void *body;
	size_t body_len;
	/* A credential to attach: "secret:NAME" of one of the plugin's
	 * declared credentials (og_plugin.credentials), or NULL.  Requests
	 * run in a host process that never runs plugin code (the broker);
	 * it attaches the credential only for the credential's hosts, never
	 * over plain HTTP to a non-loopback host unless the user named it
	 * insecure, and never after a redirect to another host (the request
	 * then goes on without it).  Any other value fails the request with
	 * an error. */
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
 * How the facts of several subjects (repositories of an org, images of a
 * registry) combine into the run-wide fact of the same key.  The model
 * does all combining (docs/facts.md, "Subjects and roll-ups"):
 *
 *   OG_ROLLUP_NONE  the key has no run-wide value made of its parts;
 *   OG_ROLLUP_ALL   bools: true only if true for every subject (false
 *                   wins and names the subject: "every repository has
 *                   branch protection");
 *   OG_ROLLUP_ANY   bools: true if true for some subject;
 *   OG_ROLLUP_MIN   numbers: the lowest ("every repository has at least");
 *   OG_ROLLUP_MAX   numbers: the highest;
 *   OG_ROLLUP_SUM   numbers: the total; needs a subject on every part.
 *
 * ALL and ANY are three-valued: a subject that could not be observed
 * (fact_unknown) makes the whole unknown unless another subject decides
 * it.  MIN, MAX and SUM are unknown when any part is.
 */
enum og_rollup {
	OG_ROLLUP_NONE = 0,
	OG_ROLLUP_ALL = 1,
	OG_ROLLUP_ANY = 2,
	OG_ROLLUP_MIN = 3,
	OG_ROLLUP_MAX = 4,
	OG_ROLLUP_SUM = 5,
};

enum og_fact_type {
	OG_FACT_BOOL = 1,
	OG_FACT_NUMBER = 2,
	OG_FACT_STRING = 3,
	OG_FACT_LIST = 4,
	OG_FACT_UNKNOWN = 5,	/* could not be observed: set reason */
};

/*
 * One fact, for host->fact (the general form of fact_bool & co.).  Start
 * from OG_FACT_INIT.  A fact about one thing among many (a repository of
 * an org, an image of a registry) names it in @subject, with
 * @subject_kind ("repository", "image", "workload"), and says with
 * @rollup how the subjects' facts of one key make the run-wide fact the
 * assessment reads; a subject's fact without a rule stays per subject.
 * The assessment scores each subject of kind "repository" on its own
 * (the portfolio) from the facts that name it.
 */
struct og_fact {
	uint32_t struct_size;
	const char *key;		/* "container.dockerfile.nonroot" */
	enum og_fact_type type;
	bool b;				/* OG_FACT_BOOL */
	double number;			/* OG_FACT_NUMBER: finite */
	const char *string;		/* OG_FACT_STRING */
	const char *const *items;	/* OG_FACT_LIST */
	size_t n_items;
	const char *unit;		/* numbers; may be NULL */
	const char *evidence;		/* "Dockerfile:12", URL; may be NULL */
	const char *reason;		/* OG_FACT_UNKNOWN: why not observed */
	const char *subject;		/* NULL: the whole run */
	const char *subject_kind;
	enum og_rollup rollup;
};

#define OG_FACT_INIT                                                        \
	{ .struct_size = sizeof(struct og_fact) }

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

	/* Whether the plugin's declared credential @name
	 * (og_plugin.credentials) has a value: from the environment, a token
	 * file or the Docker config.  The value itself is never handed out;
	 * the broker attaches it (og_http_request.auth). */
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

	/* Any fact, with a subject and a roll-up rule (struct og_fact).
	 * -EINVAL for a rule that does not fit the type (ALL/ANY: bools;
	 * MIN/MAX/SUM: numbers) and for SUM without a subject. */
	int (*fact)(struct og_ctx *ctx, const struct og_fact *f);

	/* Typed reads of this collector's options (ABI 2, added later:
	 * test with OG_HOST_HAS).  The host validated the value against the
	 * option's declared type before the run, with one answer for what
	 * is a yes (true/1/yes/on, false/0/no/off) and a number ("7", never
	 * "seven").  0 and *ret set; -ENOENT when unset (keep your default);
	 * -EINVAL when the value is not of that type. */
	int (*config_bool)(struct og_ctx *ctx, const char *key, bool *ret);
	int (*config_number)(struct og_ctx *ctx, const char *key,
			     double *ret);

	/* What this run examined (ABI 2, added later: test with
	 * OG_HOST_HAS): one call per thing looked at, as @kind
	 * ("container_image", "repository", "org", "checkout", "file",
	 * "sarif") and @id, a stable name for it ("alpine:3.19",
	 * "acme/api", a remote URL, a canonical path).  Not a version: the
	 * same image next week is the same target.  The history compares a
	 * collector's findings and capabilities only between runs over the
	 * same targets; a finding that vanished while the collector looked
	 * at something else is "not re-checked", never "fixed".  A plugin
	 * that never calls it is compared by its status alone.  Both
	 * strings are copied; -EINVAL when either is NULL or empty. */
	int (*target)(struct og_ctx *ctx, const char *kind, const char *id);

	/* A directory this collector may keep files in between runs (ABI 2,
	 * added later: test with OG_HOST_HAS), or NULL when there is none.
	 * Besides its private TMPDIR it is the only place the plugin process
	 * may write.  One per collector and credential: a run with another
	 * token (or none) gets another directory, so what a token could see
	 * is never read back under a different one.  Under
	 * $XDG_CACHE_HOME/opsgrade/collectors/ (or http.cache_dir's
	 * collectors/ when that is set), for plugins that set
	 * og_plugin.cache; the host never reads it, so the plugin checks
	 * what it reads back like any input. */
	const char *(*cache_dir)(struct og_ctx *ctx);
};

/* An option the plugin accepts in collectors.<name>; the host rejects
 * unknown keys with the key path, so declare every one here. */
enum og_option_type {
	OG_OPT_STRING = 0,
	OG_OPT_BOOL = 1,
	OG_OPT_NUMBER = 2,
	OG_OPT_LIST = 3,	/* list of strings; also accepts one string */
};

/* og_option.flags */
#define OG_OPTF_PATH	(1u << 0)	/* file/dir names: relative ones are
					 * resolved against the directory of
					 * the config file that gave them */
#define OG_OPTF_SUBJECT	(1u << 1)	/* names what is assessed (a remote
					 * repository, an org, an image): when
					 * set, the current directory is not
					 * taken for a checkout */
#define OG_OPTF_POSITIONAL (1u << 2)	/* takes `report|collect PATH` (a
					 * local directory to assess; default
					 * the current directory, which stands
					 * in only when no OG_OPTF_SUBJECT
					 * option is set); every loaded
					 * plugin declaring one gets it */

struct og_option {
	const char *key;
	enum og_option_type type;
	const char *help;
	unsigned flags;			/* OG_OPTF_*; 0 for a plain value */
	/* A setting consumed from another collector: "github.repo" means
	 * "when unset here, the value of collectors.github.repo".  Reads
	 * (config_get & co.) fall back to it; nothing is copied.  NULL:
	 * this option has no other source. */
	const char *from;
};

/*
 * A command-line shorthand the plugin declares: `--FLAG ARG` sets its
 * option collectors.<name>.<option> (appends, for list options), and
 * names the plugin so an opt-in collector runs.  Shown in --help under
 * the plugin's name.  A flag the core or an earlier plugin already has
 * is ignored with a warning.
 */
struct og_flag {
	const char *flag;		/* "trivy" for --trivy: [a-z0-9-]+ */
	const char *option;		/* a declared option's key */
	const char *arg;		/* "FILE", shown in --help */
	const char *help;		/* one line */
};

/*
 * A credential the plugin needs.  The host resolves it (the environment
 * variable @env — or the first set of several, "GITHUB_TOKEN:GH_TOKEN" —
 * else the file named by the plugin's option @file_option, which must not
 * be readable by group or others), keeps it out of the plugin's
 * environment and memory, and answers secret_available(@name).  The
 * value never reaches the plugin: a request names it with
 * auth = "secret:NAME" and the broker attaches it.
 *
 * Where it may go: the hosts ("host" or "host:port") in @hosts, or, when
 * the user set the plugin's option @hosts_option, the hosts of its
 * value(s) instead (URLs, "host[:port]", or references whose first
 * "/"-separated part is a host, like "127.0.0.1:5000/app:1").  A token
 * service that such a host names in a 401's WWW-Authenticate realm gets
 * it too (over HTTPS or loopback).  Plain HTTP only to loopback or to the
 * hosts in the option @insecure_option (--insecure-registry).
 *
 * How: in @header ("Authorization", default) with @scheme ("Bearer",
 * default; "Basic" for "user:password", whose user may come from the
 * variable @user_env; "" for the bare value).  OG_CRED_DOCKER_CONFIG:
 * when neither @env nor the file has a value, the Docker CLI's
 * config.json entry for the request's host ("auths", $DOCKER_CONFIG).
 * The members from @user_env on were added in ABI 2 (credential_size).
 */
enum og_credential_flags {
	OG_CRED_DOCKER_CONFIG = 1u << 0,
};

struct og_credential {
	const char *name;		/* "hello.token": [a-z0-9._-], plugin name first */
	const char *env;		/* "HELLO_TOKEN"; may be NULL */
	const char *file_option;	/* "token_file"; may be NULL */
	const char *const *hosts;	/* where it may go; NULL: nowhere */
	const char *scheme;
	const char *header;
	const char *user_env;		/* Basic: the user's variable */
	const char *hosts_option;	/* option naming its hosts instead */
	const char *insecure_option;	/* option naming plain-HTTP hosts */
	unsigned flags;			/* OG_CRED_* */
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

	size_t option_size;		/* sizeof(struct og_option) */

	/* Command-line shorthands, terminated by flag == NULL; may be NULL */
	const struct og_flag *flags;
	size_t flag_size;		/* sizeof(struct og_flag) */

	/* Credentials, terminated by name == NULL; may be NULL */
	const struct og_credential *credentials;
	size_t credential_size;		/* sizeof(struct og_credential) */

	/* true: keep a directory for this collector between runs
	 * (og_host.cache_dir).  Added later in ABI 2: older plugins read
	 * false, and collectors that keep nothing create no directory. */
	bool cache;
};

#define OG_PLUGIN_DEFINE(...)                                               \
	OG_EXPORT extern const struct og_plugin opsgrade_plugin;            \
	OG_EXPORT const struct og_plugin opsgrade_plugin = {                \
		.abi_major = OPSGRADE_PLUGIN_ABI,                           \
		.struct_size = (uint32_t)sizeof(struct og_plugin),          \
		.option_size = sizeof(struct og_option),                    \
		.flag_size = sizeof(struct og_flag),                        \
		.credential_size = sizeof(struct og_credential),            \
		__VA_ARGS__};

#ifdef __cplusplus
}
#endif

#endif /* OPSGRADE_PLUGIN_H */
