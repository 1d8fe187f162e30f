/*
 * The words every renderer uses for an incomplete run and for "since the
 * previous report", like for like (docs/report-json.md "run" and
 * "history"): formatted here once from the report document, never
 * recomputed.
 */
#ifndef OG_RUNNOTE_H
#define OG_RUNNOTE_H

#include <cjson/cJSON.h>

/* "Incomplete run: repo failed (killed by SIGABRT); trivy did not run
 * (it ran in the previous report). ..." or NULL when the run is
 * complete.  New string. */
char *og_rj_incomplete_text(const cJSON *report);

/* A collector's targets (collectors[].targets, "kind:id") for a reader:
 * "ghcr.io/acme/api, acme/web, …" (the first three), "none declared"
 * for an empty or absent list.  New string. */
char *og_rj_targets_text(const cJSON *targets);

#define OG_SINCE_LINES	4

/*
 * The change since the previous report as up to OG_SINCE_LINES new
 * strings (the baseline when it is not the run just before, level,
 * findings, capabilities) into @lines; returns how many,
 * 0 when there is no earlier report.
 */
int og_rj_since_lines(const cJSON *report, char *lines[OG_SINCE_LINES]);

#endif
