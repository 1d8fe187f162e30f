/*
 * Outputs published as a set (issue 15 rows 8, 9).  A run renders into
 * OUTDIR/.staging-XXXXXX under an exclusive lock on OUTDIR; only when
 * every file was written are they renamed into OUTDIR, one after the
 * other within milliseconds (all new, or all old when anything failed).
 * SIGTERM/SIGINT/SIGHUP remove the staging directory before the run
 * dies; a staging directory or temp file left by a killed run (SIGKILL,
 * power loss) is removed by the next run that takes the lock.
 */
#ifndef OG_PUBLISH_H
#define OG_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

struct og_publish {
	char *outdir;
	char *staging;
	int lock_fd;
};

/* Create @outdir, lock it (-EWOULDBLOCK when another run holds it, or
 * wait for it when @wait) and clean what a killed run left (staging
 * dirs; ".NAME.XXXXXX" temp files of the @n @names).  A run takes the
 * lock before it collects, so a second run into the same directory
 * exits at once instead of collecting for nothing. */
int og_publish_lock(struct og_publish *pub, const char *outdir, bool wait,
		    const char *const *names, size_t n, char **ret_err);

/* Make the staging directory (the lock is held). */
/* @hook runs first in the SIGTERM/SIGINT/SIGHUP handler (it must be
 * async-signal-safe).  The renderers' forked children share the output
 * lock: the hook kills and reaps them, so the lock is free as soon as
 * this process is gone rather than when the kernel gets to them. */
void og_publish_on_fatal_signal(void (*hook)(void));

int og_publish_stage(struct og_publish *pub, char **ret_err);

/* Remove the staging directory, if still there; the lock stays. */
void og_publish_unstage(struct og_publish *pub);

/* STAGING/@name; caller frees. */
char *og_publish_path(const struct og_publish *pub, const char *name);

/* Move the staged @names (those that exist) into OUTDIR. */
int og_publish_commit(struct og_publish *pub, const char *const *names,
		      size_t n, char **ret_err);

/* Remove the staging directory (if still there), unlock, free; a
 * zeroed or already ended @pub is fine. */
void og_publish_end(struct og_publish *pub);

#endif
