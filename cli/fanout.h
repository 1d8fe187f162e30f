#pragma once

#include <stddef.h>

/*
 * Independent jobs run at once, one process each: job 0 in this process,
 * every other job in a forked child that sees the same memory (copy on
 * write) and hands back only its result and error text.  The report's
 * renderers are independent, CPU-bound and single-threaded: on a 2-core
 * machine this halves the render tail of a large report.
 */
struct og_fanout_job {
	int (*run)(void *arg, char **ret_err);	/* < 0: failed, *ret_err says why */
	void *arg;
	int result;				/* out: run's return, -1 if the child died */
	char *err;				/* out: owned by the caller, may be NULL */
};

/* Kill and reap the children og_fanout_run is waiting for; async-signal-
 * safe, for a fatal-signal handler (og_publish_on_fatal_signal). */
void og_fanout_kill_children(void);

/* Runs every job and waits for all of them.  With one job, or when a
 * child cannot be made, jobs run here one after the other. */
void og_fanout_run(struct og_fanout_job *jobs, size_t n);
