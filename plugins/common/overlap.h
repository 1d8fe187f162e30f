/*
 * A file's dry pass on a second thread while the real pass runs, and
 * what the real pass holds back meanwhile.
 *
 * The scanner plugins read each file twice: a dry pass checks the whole
 * document (so a truncated or malformed file emits nothing), then the
 * real pass converts it.  One after the other, the dry pass was a
 * quarter of a large file's time on one core.  Here it runs on a thread
 * over a twin reader (ogjs_open_twin) while the real pass goes on, and
 * the real pass puts what it tells the host (findings, logs, targets)
 * into a hold until the dry pass has said the file is whole: then the
 * hold is replayed in order and the rest goes straight to the host.
 * When the dry pass fails the hold is dropped, and the caller restores
 * its counters, so the host hears exactly what it heard when the passes
 * ran in turn.  The dry pass is faster than the real one, so the hold
 * has about a third of a file's findings at most; past SCAN_HOLD_MAX
 * bytes the real pass waits for the verdict instead of holding more.
 */
#ifndef OG_SCAN_OVERLAP_H
#define OG_SCAN_OVERLAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <opsgrade/plugin.h>

#define SCAN_HOLD_MAX	((size_t)32 << 20)

struct scan_hold {
	struct og_ctx *ctx;
	const struct og_host *host;
	bool on;		/* recording; else calls go to the host */
	unsigned char *buf;	/* the recorded calls, in order */
	size_t len, cap;
	bool oom;		/* a call could not be recorded */
};

void scan_hold_init(struct scan_hold *h, struct og_ctx *ctx,
		    const struct og_host *host);
void scan_hold_free(struct scan_hold *h);

/* host->finding, held or not.  Held, the answer is the one the host
 * gives such a finding (-EINVAL for one it refuses, 0 else); the host
 * hears of it, and says why it refused, when the hold is replayed. */
int scan_hold_finding(struct scan_hold *h, const struct og_finding *f);
/* host->log of the formatted message, held or not. */
void scan_hold_log(struct scan_hold *h, enum og_log_level level,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* target_declare(), held or not. */
void scan_hold_target(struct scan_hold *h, const char *kind, const char *id);

/* The dry pass on its thread. */
struct scan_overlap {
	struct scan_hold *hold;
	int (*dry)(void *arg);
	void *arg;
	pthread_t thread;
	bool threaded;		/* else the dry pass ran in start() */
	bool joined;
	atomic_bool done;
	int verdict;		/* the dry pass's result, once done */
};

/*
 * Start @dry(@arg) on a thread (it must touch nothing the caller's real
 * pass touches) and turn the hold on.  Should no thread start, the dry
 * pass runs here first.  Then the caller runs its real pass, calling
 * scan_overlap_check() before each item, and scan_overlap_finish().
 */
void scan_overlap_start(struct scan_overlap *o, struct scan_hold *hold,
			int (*dry)(void *arg), void *arg);
/* 0: go on (the hold is released once the dry pass succeeded);
 * -ECANCELED: the dry pass failed, stop the real pass. */
int scan_overlap_check(struct scan_overlap *o);
/* After the real pass: wait for the dry one and return its result; on
 * success the hold is replayed, on failure dropped. */
int scan_overlap_finish(struct scan_overlap *o);

#endif /* OG_SCAN_OVERLAP_H */
