/*
 * The dry pass beside the real one, and the hold (see overlap.h).
 */
#include "overlap.h"
#include "target.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX		4096	/* the host cuts a message there too */

enum { REC_FINDING = 'F', REC_LOG = 'L', REC_TARGET = 'T' };

/* ---- recording -------------------------------------------------------- */

static bool
put(struct scan_hold *h, const void *p, size_t n)
{
	if (h->oom)
		return false;
	if (h->cap - h->len < n) {
		size_t cap = h->cap ? h->cap : 4096;
		unsigned char *b;

		while (cap - h->len < n)
			cap *= 2;
		b = realloc(h->buf, cap);
		if (!b) {
			h->oom = true;
			return false;
		}
		h->buf = b;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
	return true;
}

/* A string as its length + 1 (0: NULL), then its bytes and NUL. */
static void
put_str(struct scan_hold *h, const char *s)
{
	uint32_t n = 0;

	if (s) {
		size_t len = strlen(s);

		n = len >= UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)len + 1;
	}
	put(h, &n, sizeof(n));
	if (n)
		put(h, s, n);	/* n - 1 bytes and a NUL (or cut short) */
}

/* The fields of a held finding that are not strings. */
struct rec_finding {
	int kind, severity;
	double score;
	bool suppressed;
	bool refused;		/* then only what the refusal reads */
	bool has_locations;
	size_t n_tags, n_locations, location_size;
};

void
scan_hold_init(struct scan_hold *h, struct og_ctx *ctx,
	       const struct og_host *host)
{
	memset(h, 0, sizeof(*h));
	h->ctx = ctx;
	h->host = host;
}

void
scan_hold_free(struct scan_hold *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
	h->on = false;
	h->oom = false;
}

/* What host_finding (core/host.c) refuses: a held finding must get the
 * answer it would get when sent at once, since the plugin counts it on
 * that answer. */
static bool
host_refuses(const struct og_finding *f)
{
	size_t lsz = f->location_size ? f->location_size :
		     sizeof(struct og_location);

	return !f->id || !*f->id || (f->n_locations && !f->locations) ||
	       lsz < offsetof(struct og_location, layer) + sizeof(void *) ||
	       (unsigned)f->kind > OG_FINDING_LICENSE ||
	       (unsigned)f->severity > OG_SEV_CRITICAL || isnan(f->score) ||
	       (isinf(f->score) && f->score > 0);
}

int
scan_hold_finding(struct scan_hold *h, const struct og_finding *f)
{
	struct rec_finding rf = { 0 };
	const char *const *t;
	size_t lsz, i;
	uint8_t type = REC_FINDING;

	if (!h->on)
		return h->host->finding(h->ctx, f);
	/* every plugin this runs in is built against this header: its
	 * struct is the whole og_finding */
	rf.kind = (int)f->kind;
	rf.severity = (int)f->severity;
	rf.score = f->score;
	rf.suppressed = f->suppressed;
	rf.refused = host_refuses(f);
	rf.has_locations = f->locations != NULL;
	rf.n_locations = f->n_locations;
	rf.location_size = f->location_size;
	for (t = f->tags; !rf.refused && t && *t; t++)
		rf.n_tags++;
	put(h, &type, 1);
	put(h, &rf, sizeof(rf));
	put_str(h, f->id);
	put_str(h, f->title);
	put_str(h, f->package);
	put_str(h, f->installed_version);
	put_str(h, f->fixed_version);
	put_str(h, f->status_detail);
	put_str(h, f->url);
	put_str(h, f->published);
	put_str(h, f->tool);
	put_str(h, f->fingerprint);
	put_str(h, f->suppression);
	for (i = 0; i < rf.n_tags; i++)
		put_str(h, f->tags[i]);
	lsz = f->location_size ? f->location_size : sizeof(struct og_location);
	for (i = 0; !rf.refused && i < rf.n_locations; i++) {
		const struct og_location *l = (const void *)
			((const char *)f->locations + i * lsz);

		put_str(h, l->target);
		put_str(h, l->file);
		put_str(h, l->layer);
		put(h, &l->line, sizeof(l->line));
		put(h, &l->column, sizeof(l->column));
	}
	return rf.refused ? -EINVAL : 0;
}

void
scan_hold_log(struct scan_hold *h, enum og_log_level level, const char *fmt,
	      ...)
{
	char msg[LOG_MAX];
	uint8_t type = REC_LOG, lv = (uint8_t)level;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!h->on) {
		h->host->log(h->ctx, level, "%s", msg);
		return;
	}
	put(h, &type, 1);
	put(h, &lv, 1);
	put_str(h, msg);
}

void
scan_hold_target(struct scan_hold *h, const char *kind, const char *id)
{
	uint8_t type = REC_TARGET;

	if (!h->on) {
		target_declare(h->ctx, h->host, kind, id);
		return;
	}
	put(h, &type, 1);
	put_str(h, kind);
	put_str(h, id);
}

/* ---- replay ------------------------------------------------------------- */

struct reader {
	const unsigned char *p, *end;
};

static void
get(struct reader *rd, void *out, size_t n)
{
	memcpy(out, rd->p, n);
	rd->p += n;
}

static const char *
get_str(struct reader *rd)
{
	uint32_t n;
	const char *s;

	get(rd, &n, sizeof(n));
	if (!n)
		return NULL;
	s = (const char *)rd->p;
	rd->p += n;
	return s;
}

#define REPLAY_STACK	16

static void
replay_finding(struct scan_hold *h, struct reader *rd)
{
	struct og_finding f = OG_FINDING_INIT;
	struct og_location locs_s[REPLAY_STACK], *locs = locs_s;
	const char *tags_s[REPLAY_STACK + 1], **tags = tags_s;
	struct rec_finding rf;
	bool lost = false;
	size_t i;

	get(rd, &rf, sizeof(rf));
	f.kind = (enum og_finding_kind)rf.kind;
	f.severity = (enum og_severity)rf.severity;
	f.score = rf.score;
	f.suppressed = rf.suppressed;
	f.id = get_str(rd);
	f.title = get_str(rd);
	f.package = get_str(rd);
	f.installed_version = get_str(rd);
	f.fixed_version = get_str(rd);
	f.status_detail = get_str(rd);
	f.url = get_str(rd);
	f.published = get_str(rd);
	f.tool = get_str(rd);
	f.fingerprint = get_str(rd);
	f.suppression = get_str(rd);
	if (rf.refused) {
		/* the host says why, reading nothing past what it refuses */
		f.locations = rf.has_locations ? locs : NULL;
		f.n_locations = rf.n_locations;
		f.location_size = rf.location_size;
		(void)h->host->finding(h->ctx, &f);
		return;
	}
	if (rf.n_tags > REPLAY_STACK)
		tags = malloc((rf.n_tags + 1) * sizeof(*tags));
	if (rf.n_locations > REPLAY_STACK)
		locs = malloc(rf.n_locations * sizeof(*locs));
	lost = !tags || !locs;
	for (i = 0; i < rf.n_tags; i++) {
		const char *t = get_str(rd);

		if (tags)
			tags[i] = t;
	}
	for (i = 0; i < rf.n_locations; i++) {
		struct og_location l = { 0 };

		l.target = get_str(rd);
		l.file = get_str(rd);
		l.layer = get_str(rd);
		get(rd, &l.line, sizeof(l.line));
		get(rd, &l.column, sizeof(l.column));
		if (locs)
			locs[i] = l;
	}
	if (lost) {
		h->host->log(h->ctx, OG_LOG_ERROR, "out of memory: finding "
			     "'%s' lost", f.id ? f.id : "");
		h->host->set_partial(h->ctx, "out of memory");
	} else {
		if (rf.n_tags)
			tags[rf.n_tags] = NULL;
		f.tags = rf.n_tags ? tags : NULL;
		f.locations = rf.n_locations ? locs : NULL;
		f.n_locations = rf.n_locations;
		(void)h->host->finding(h->ctx, &f);
	}
	if (tags != tags_s)
		free(tags);
	if (locs != locs_s)
		free(locs);
}

/* Send what was held, in order, and stop holding. */
static void
hold_release(struct scan_hold *h)
{
	struct reader rd = { h->buf, h->buf };
	uint8_t type, lv;
	const char *a, *b;

	h->on = false;
	if (h->buf)
		rd.end = h->buf + h->len;
	while (rd.p < rd.end) {
		get(&rd, &type, 1);
		switch (type) {
		case REC_FINDING:
			replay_finding(h, &rd);
			break;
		case REC_LOG:
			get(&rd, &lv, 1);
			a = get_str(&rd);
			h->host->log(h->ctx, (enum og_log_level)lv, "%s", a);
			break;
		case REC_TARGET:
			a = get_str(&rd);
			b = get_str(&rd);
			target_declare(h->ctx, h->host, a, b);
			break;
		}
	}
	if (h->oom) {
		h->host->log(h->ctx, OG_LOG_ERROR, "out of memory: findings "
			     "held until the file was checked were lost");
		h->host->set_partial(h->ctx, "out of memory");
	}
	scan_hold_free(h);
}

/* ---- the dry pass's thread ---------------------------------------------- */

static void *
dry_main(void *arg)
{
	struct scan_overlap *o = arg;

	o->verdict = o->dry(o->arg);
	atomic_store_explicit(&o->done, true, memory_order_release);
	return NULL;
}

void
scan_overlap_start(struct scan_overlap *o, struct scan_hold *hold,
		   int (*dry)(void *arg), void *arg)
{
	o->hold = hold;
	o->dry = dry;
	o->arg = arg;
	o->joined = false;
	o->verdict = 0;
	atomic_init(&o->done, false);
	scan_hold_free(hold);
	hold->on = true;
	o->threaded = pthread_create(&o->thread, NULL, dry_main, o) == 0;
	if (!o->threaded) {
		dry_main(o);
		o->joined = true;
	}
}

static int
wait_verdict(struct scan_overlap *o)
{
	if (!o->joined) {
		pthread_join(o->thread, NULL);
		o->joined = true;
	}
	return o->verdict;
}

int
scan_overlap_check(struct scan_overlap *o)
{
	if (!o->hold->on)
		return 0;
	if (!atomic_load_explicit(&o->done, memory_order_acquire) &&
	    o->hold->len < SCAN_HOLD_MAX)
		return 0;
	if (wait_verdict(o) < 0)
		return -ECANCELED;
	hold_release(o->hold);
	return 0;
}

int
scan_overlap_finish(struct scan_overlap *o)
{
	int v = wait_verdict(o);

	if (v < 0)
		scan_hold_free(o->hold);
	else if (o->hold->on)
		hold_release(o->hold);
	return v;
}
