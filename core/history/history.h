/*
 * History: one compact snapshot per report run, and the trend/delta
 * computed from them (the "history" member of report.json).
 */
#ifndef OG_HISTORY_H
#define OG_HISTORY_H

#include <cjson/cJSON.h>

#include "report.h"

/*
 * Load earlier snapshots for the report's subject (config "history"),
 * add report->doc["history"], then store this run's snapshot (with the
 * open findings' fingerprints) atomically.  Corrupt or foreign files are
 * warned about and skipped.
 */
int og_history_record(const struct og_report *report, const cJSON *config,
		      char **ret_err);

/*
 * Set report["run"] = {complete, missing: [{collector, status, reason}]}:
 * collectors that failed or were partial, and (given the previous
 * snapshot) those that did not run although they ran last time.
 */
void og_history_run_state(cJSON *report, const cJSON *prev_snapshot);

/* Remove the snapshot og_history_record stored for @report: a run whose
 * outputs were not published leaves no history either. */
void og_history_forget(const cJSON *report, const cJSON *config);

/* Remember @report's snapshot as the last one mailed: the next run's
 * history.since_mailed compares with it.  0 or negative errno. */
int og_history_mark_mailed(const cJSON *report, const cJSON *config);

/* ---- appended by the delivery branch ---- */
#include <stdbool.h>
#include <stdio.h>

#define OG_HISTORY_SCHEMA		"opsgrade.snapshot/1"
#define OG_HISTORY_RETENTION_DAYS	400
#define OG_HISTORY_SNAPSHOTS_MAX	10000	/* files read per directory */
#define OG_HISTORY_SNAPSHOT_BYTES	((size_t)64 << 20)
#define OG_HISTORY_FINDINGS_MAX		200000	/* fingerprints per snapshot */
#define OG_HISTORY_SERIES_MAX		520	/* snapshots put in report.json */
#define OG_HISTORY_DELTA_LIST_MAX	1000	/* fingerprints per delta list */

/*
 * The history directory for @subject under @config: "history.dir" when
 * set, else $XDG_STATE_HOME/opsgrade/<subject>/ (~/.local/state/...),
 * with the subject reduced to [A-Za-z0-9._-] (others become '_').
 * Returns 0 and a new string, or -ENOENT with *ret_err when no home
 * directory is known.
 */
int og_history_dir(const cJSON *config, const char *subject,
		   char **ret_dir, char **ret_err);

/* @subject reduced to a file-name-safe slug (as used for the directory
 * and the mailed attachment's name), at most 120 bytes; caller frees. */
char *og_history_slug(const char *subject);

/*
 * `opsgrade history`: the listing document for @subject (NULL: every
 * subject found in the directory): {dir, subject, snapshots[],
 * previous_at, delta} — the snapshots with the change between the last
 * two.  `--json` prints it; reports/ renders it for a terminal.
 * Returns 0 and a new tree, or a negative errno after logging an error
 * (no snapshots is not an error).
 */
int og_history_list(const cJSON *config, const char *subject,
		    cJSON **ret_listing);

/*
 * `opsgrade history` with no subject and no history.dir: {dir, subjects:
 * [{subject, dir, level, at, snapshots}]} for every subject directory
 * under the default base, by subject.  0, or a negative errno after
 * logging an error (no history at all is an empty list).
 */
int og_history_subjects(const cJSON *config, cJSON **ret_listing);

#endif
