/*
 * Isolated execution: each collector in its own child process with a
 * timeout; what it emits streams back and is merged into the model.
 */
#ifndef OG_RUNNER_H
#define OG_RUNNER_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "loader.h"
#include "model.h"

#define OG_COLLECTOR_TIMEOUT_DEFAULT	300	/* seconds */
#define OG_STREAM_LINE_MAX		(16u << 20)
/* What one collector may send the parent (collectors.NAME.limits.*):
 * past one it is stopped and failed with the figure (README "Security"). */
#define OG_COLLECTOR_RECORDS_DEFAULT	UINT64_C(2000000)
#define OG_COLLECTOR_BYTES_DEFAULT	(UINT64_C(2) << 30)
#define OG_COLLECTOR_KEYS_DEFAULT	UINT64_C(200000)

enum og_run_status { OG_RUN_OK, OG_RUN_PARTIAL, OG_RUN_FAILED, OG_RUN_SKIPPED };

struct og_run_result {
	const struct og_plugin_entry *entry;	/* borrowed */
	enum og_run_status status;
	char *message;
	long long duration_ms;
	size_t n_facts, n_findings, n_events;
	/* The collector's log lines at the run's log level (--log-level),
	 * for report.json: [{"level": "warn", "message": "…"}], at most
	 * OG_COLLECTOR_LOG_MAX; later ones are counted in log_dropped. */
	cJSON *log;
	size_t log_dropped;
	/* What the collector examined (host->target): sorted unique
	 * "kind:id" strings, at most OG_COLLECTOR_TARGETS_MAX; NULL when it
	 * declared none. */
	cJSON *targets;
};

#define OG_COLLECTOR_TARGETS_MAX	1000

#define OG_COLLECTOR_LOG_MAX	200

const char *og_run_status_name(enum og_run_status s);

/*
 * Run @n entries, at most @jobs at a time, merging into @m.  Results are
 * written to @results[i] (caller-provided array of @n, zeroed).  Never
 * fails because a collector did: that one is marked failed.
 */
int og_run_collectors(const struct og_plugin_entry *const *entries, size_t n,
		      const cJSON *config, int jobs, struct og_model *m,
		      struct og_run_result *results);

/*
 * Progress for a person watching: called about once a second while
 * collectors run (@done NULL) and once as each one finishes (@done its
 * result), with how many have finished of @n and which are running.
 * The CLI draws a status line from it on a terminal.
 */
struct og_run_progress {
	void (*fn)(void *ctx, size_t finished, size_t n, const char *const *running,
		   size_t n_running, const struct og_run_result *done);
	void *ctx;
};
int og_run_collectors_progress(const struct og_plugin_entry *const *entries, size_t n,
			       const cJSON *config, int jobs, struct og_model *m,
			       struct og_run_result *results,
			       const struct og_run_progress *progress);

void og_run_result_clear(struct og_run_result *r);

#endif
