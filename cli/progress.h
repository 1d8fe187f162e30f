/*
 * The progress line on a terminal while collectors run: a spinner with
 * counts and elapsed time, and one line per finished collector.  Silent
 * unless stderr is a terminal and --quiet is off, so cron and CI logs get
 * nothing extra.
 */
#ifndef OG_PROGRESS_H
#define OG_PROGRESS_H

#include <stdbool.h>

#include "runner.h"

struct og_progress {
	struct og_run_progress hook;	/* pass &hook to og_run_collectors_progress */
	long long start_ms;
	unsigned tick;
	bool on;
};

void og_progress_init(struct og_progress *pg, bool quiet);
/* Clear the status line once every collector finished. */
void og_progress_end(struct og_progress *pg);

#endif
