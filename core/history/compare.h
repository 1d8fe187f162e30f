/*
 * Like-for-like comparison of two history snapshots (issue 11): a finding
 * is "fixed" only when every collector that reported it ran again, fully;
 * a capability is "lost" only when it was observed missing; otherwise the
 * item is "not re-checked".  Also the run's completeness (report["run"]).
 */
#ifndef OG_HISTORY_COMPARE_H
#define OG_HISTORY_COMPARE_H

#include <cjson/cJSON.h>

#include "history/snapshot.h"

/* Per-delta list cap (the counts stay exact). */
#define OG_COMPARE_LIST_MAX	1000

/* report["history"]["delta"] between snapshot @prev and @cur (new tree). */
cJSON *og_history_delta(const struct og_snapshot *prev,
			 const struct og_snapshot *cur);

#endif
