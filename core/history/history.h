/*
 * History: one compact snapshot per report run, and the trend/delta
 * computed from them (the "history" member of report.json).
 */
#ifndef OG_HISTORY_H
#define OG_HISTORY_H

#include <cjson/cJSON.h>

/*
 * Load earlier snapshots for the report's subject (config "history"),
 * add report["history"], then store this run's snapshot atomically.
 * Corrupt or foreign files are warned about and skipped.
 */
int og_history_record(cJSON *report, const cJSON *config, char **ret_err);

#endif
