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

#include <stddef.h>

struct og_publish {
	char *outdir;
	char *staging;
	int lock_fd;
};

/* Create @outdir, lock it (-EWOULDBLOCK when another run holds it), clean
 * what a killed run left (staging dirs; ".NAME.XXXXXX" temp files of the
 * @n @names), and make the staging directory. */
int og_publish_begin(struct og_publish *pub, const char *outdir,
		     const char *const *names, size_t n, char **ret_err);

/* STAGING/@name; caller frees. */
char *og_publish_path(const struct og_publish *pub, const char *name);

/* Move the staged @names (those that exist) into OUTDIR. */
int og_publish_commit(struct og_publish *pub, const char *const *names,
		      size_t n, char **ret_err);

/* Remove the staging directory (if still there), unlock, free. */
void og_publish_end(struct og_publish *pub);

#endif
