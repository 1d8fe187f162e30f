/*
 * Helpers shared by the trivy and codeql plugins: input lists with globs,
 * type-checked cJSON getters that remember the first type error, severity
 * words, per-severity counters and SHA-256 fingerprints.
 */
#ifndef OG_SCAN_H
#define OG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <opsgrade/plugin.h>

#include "fingerprint.h"
#include "htab.h"

#define SCAN_INPUTS_MAX		10000	/* files after glob expansion */
#define SCAN_ITEM_ERRORS_LOGGED	20	/* per file; the rest are counted */

/* ---- inputs ----------------------------------------------------------- */

struct scan_inputs {
	char **paths;		/* sorted, unique */
	size_t n;
	size_t n_missing;	/* patterns that matched nothing */
};

/* Expand the config list @key (files or glob patterns).  Patterns that
 * match nothing are logged as errors and counted in n_missing. */
int scan_inputs_load(struct og_ctx *ctx, const struct og_host *host,
		     const char *key, struct scan_inputs *ret_inputs);
void scan_inputs_clear(struct scan_inputs *in);

/* ---- checked getters -------------------------------------------------- */

/*
 * One item being converted (a vulnerability, a SARIF result).  Getters
 * return NULL / false on absent keys or JSON null; a wrong type records
 * the first error ("Severity: expected string, got number") in @err and
 * returns NULL too, so the caller checks item.err once at the end.
 */
struct scan_item {
	char err[256];
};

const char *scan_str(struct scan_item *it, const cJSON *obj, const char *key);
const cJSON *scan_obj(struct scan_item *it, const cJSON *obj, const char *key);
const cJSON *scan_arr(struct scan_item *it, const cJSON *obj, const char *key);
/* Number: *ret set only when present and numeric. */
bool scan_num(struct scan_item *it, const cJSON *obj, const char *key,
	      double *ret);
/* A 1-based line/column: integer 0..UINT32_MAX, else a type error. */
uint32_t scan_u32(struct scan_item *it, const cJSON *obj, const char *key);
void scan_item_fail(struct scan_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cJSON_GetObjectItemCaseSensitive() (the same answer: the first member
 * named @key, JSON null included), comparing inline: a converter looks
 * up dozens of keys per item among rules of twenty members, and the
 * libc strcmp call per member was a tenth of the codeql plugin. */
const cJSON *scan_get(const cJSON *obj, const char *key);

/* Log "FILE: $.path: msg; item skipped" (the first SCAN_ITEM_ERRORS_LOGGED
 * per file) through @hold and count it in *count. */
struct ogjs;
struct scan_hold;
void scan_item_error(struct scan_hold *hold, const struct ogjs *r,
		     const char *file, size_t *count, const char *msg);
/* A whole file failed (cannot open: @err; or the reader's error, which
 * names the file, the byte and what is wrong): log "…; @skipped skipped"
 * and make that the partial reason, so a failed run says which file and
 * why. */
void scan_file_failed(struct og_ctx *ctx, const struct og_host *host,
		      const struct ogjs *r, const char *file, int err,
		      const char *skipped);
/* At the end of a file: log how many more were skipped, set partial;
 * warn how many invalid characters @r replaced with U+FFFD. */
void scan_item_errors_done(struct og_ctx *ctx, const struct og_host *host,
			   const struct ogjs *r, const char *file,
			   size_t count);

/* ---- severities -------------------------------------------------------- */

/* "CRITICAL", "High", "moderate", "informational" … → severity; returns
 * false for words it does not know. */
bool scan_severity_word(const char *s, enum og_severity *ret);
const char *scan_severity_key(enum og_severity s);	/* "critical" … */

struct scan_counts {
	size_t open[OG_SEV_CRITICAL + 1];
	size_t suppressed;
	size_t total;
};

void scan_count(struct scan_counts *c, const struct og_finding *f);
size_t scan_counts_open(const struct scan_counts *c);

/* A set of 64-bit hashes of key tuples, to count distinct findings the
 * way the core will merge them.  Above SCAN_SEEN_MAX entries every key
 * counts as new (the counts may then include duplicates). */
#define SCAN_SEEN_MAX	((size_t)8 << 20)

struct scan_seen {
	struct og_htab t;	/* zero-initialised: empty */
	size_t gen;		/* what keys added now are marked with */
};

/* A 64-bit digest of a tuple of strings (NULL differs from ""). */
uint64_t scan_parts_hash(const char *const *parts, size_t n);

/* True when the tuple was not in the set (and adds it). */
bool scan_seen_add(struct scan_seen *s, const char *const *parts, size_t n);
void scan_seen_clear(struct scan_seen *s);
/* Mark the keys added from now on, to take them all back with
 * scan_seen_retract(@s, mark) (a file that turned out broken). */
size_t scan_seen_mark(struct scan_seen *s);
void scan_seen_retract(struct scan_seen *s, size_t mark);

/* ---- strings ------------------------------------------------------------ */

/* Copy the first line of @s, at most @max bytes (UTF-8 safe cut), into
 * @buf of @size bytes; returns @buf or NULL when @s is NULL/empty. */
const char *scan_first_line(const char *s, char *buf, size_t size);

/* Append "CWE-<n>" for each cwe id found in @s (as in "external/cwe/cwe-079"
 * or "CWE-79: …") to @tags (capacity @cap, NULL-terminated, strings
 * stored in @store of @store_size bytes).  Duplicates are dropped. */
struct scan_tags {
	const char *v[33];
	size_t n;
	char store[32][16];
};

void scan_tags_reset(struct scan_tags *t);
void scan_tags_add_cwe(struct scan_tags *t, const char *s);

#endif /* OG_SCAN_H */
