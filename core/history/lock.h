/*
 * A run lock for scheduled jobs: flock(2) on a file, non-blocking, so a
 * second cron/timer run exits at once (EX_TEMPFAIL) instead of piling up.
 * The kernel drops the lock when the process dies: no stale PID files.
 */
#ifndef OG_LOCK_H
#define OG_LOCK_H

/*
 * Open (creating, 0644) @path and take an exclusive lock without waiting.
 * The file descriptor is close-on-exec so collectors never inherit it.
 * Our PID is written into the file for the "held by" message.
 *
 * Returns 0 and the descriptor in *ret_fd, -EWOULDBLOCK when another
 * process holds the lock, or another -errno (open failed).
 */
int og_lock_acquire(const char *path, int *ret_fd);

/* PID recorded in a lock file by its current holder, or 0 if unknown. */
long og_lock_holder(const char *path);

/* Release and close; a negative @fd is ignored. */
void og_lock_release(int fd);

#endif
