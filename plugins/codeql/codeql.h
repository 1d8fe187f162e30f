/*
 * The codeql collector's parts, one job each: the SARIF reader
 * (sarif.c), GitHub's code-scanning client (code-scanning.c), the index
 * that lets an API alert take the identity of a SARIF result at the same
 * place (locindex.c), fingerprint occurrences within a run
 * (occurrence.c), and the plugin that owns their state and states the
 * facts (codeql.c).
 */
#ifndef OG_CODEQL_H
#define OG_CODEQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <opsgrade/plugin.h>

#include "../common/htab.h"
#include "../common/target.h"
#include "../common/ogjs.h"
#include "../common/overlap.h"
#include "../common/scan.h"
#include "occurrence.h"

#define SARIF_ITEM_MAX_BYTES	((size_t)16 << 20)
#define SARIF_TOOL_MAX_BYTES	((size_t)128 << 20)
#define SARIF_TOOLS_MAX		64

/* (rule, file, line) -> fingerprint of the SARIF result seen there. */
struct cq_locindex {
	struct og_htab t;	/* key digest -> index into fps */
	char (*fps)[65];
	size_t n, cap;
};

/* What the real pass of a SARIF file adds up (with tools beyond
 * n_tools): put back as it was when the file turns out broken. */
struct cq_tally {
	size_t runs;
	struct scan_counts alerts, codeql_alerts;
	size_t not_alerts;		/* kind pass/notApplicable/… */
	bool codeql_seen;
};

struct cq_state {
	struct og_ctx *ctx;
	const struct og_host *host;
	struct scan_hold hold;		/* what the host hears, maybe later */
	struct scan_inputs in;
	struct ogjs_arena *run_arena, *item_arena;
	size_t files_ok, files_failed;
	int last_err;		/* why the last failed file failed */
	struct cq_tally t;
	char *tools[SARIF_TOOLS_MAX];	/* lowercase driver names */
	size_t n_tools;
	char *evidence;
	bool github_alerts;
	const char *github_repo, *github_api;
	struct cq_locindex *by_location; /* NULL unless github_alerts */
	size_t api_alerts;
	size_t api_pages_ok;
};

/* codeql.c: remember tool @name (lowercased) for the sast.tools fact. */
void cq_note_tool(struct cq_state *st, const char *name);

/* sarif.c: read one SARIF file into findings and counts (errors are
 * logged and counted in @st). */
void sarif_read_file(struct cq_state *st, const char *path);
/* A SARIF level word ("error", "warning", "note", "none"). */
bool sarif_level_severity(const char *level, enum og_severity *sev);

/* code-scanning.c: read the open alerts of st->github_repo. */
void code_scanning_read(struct cq_state *st);

/* locindex.c */
uint64_t cq_location_key(const char *rule, const char *file, uint32_t line);
/* Remember @fp (64 hex) for @key; the first one stays; silently full
 * past a bound or out of memory (the alert then gets its own identity). */
void cq_locindex_put(struct cq_locindex *x, uint64_t key, const char *fp);
const char *cq_locindex_get(const struct cq_locindex *x, uint64_t key);
void cq_locindex_free(struct cq_locindex *x);

#endif
