/*
 * The elements of a big array (a million findings: most of a merged
 * report.json) printed on threads.  Formatting is nearly all of the
 * writing's CPU, so formatters turn chunks of elements into text side
 * by side, each in a buffer of its own, and the caller writes the
 * buffers in chunk order: the file is byte for byte what one loop would
 * print.  At most RING chunks are in memory at a time.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonpr.h"
#include "util.h"

#define PER_CHUNK	1024
#define THREADS_MAX	8
#define RING		(2 * THREADS_MAX)

struct chunk {
	char *buf;		/* kept for the next chunk in this slot */
	size_t len, cap;
	int err;
	bool done;
};

struct each {
	const struct og_jp *at;
	size_t n, per, n_chunks;
	og_jp_elem_fn *fn;
	const void *ctx;
	unsigned ring;
	struct chunk slots[RING];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;		/* the next chunk to format */
	size_t written;		/* chunks written out */
	bool stop;
};

static void
format_chunk(struct each *e, size_t c, struct chunk *s)
{
	size_t end = (c + 1) * e->per < e->n ? (c + 1) * e->per : e->n;
	struct og_jp p;

	og_jp_init_mem(&p, e->at, c > 0, s->buf, s->cap);
	for (size_t i = c * e->per; i < end; i++)
		e->fn(&p, e->ctx, i);
	s->buf = p.buf;
	s->len = p.len;
	s->cap = p.cap;
	s->err = p.err;
}

static void *
formatter(void *arg)
{
	struct each *e = arg;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		struct chunk *s;
		size_t c;

		/* a slot is free again once its last chunk is written */
		while (!e->stop && e->next < e->n_chunks &&
		       e->next >= e->written + e->ring)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->stop || e->next >= e->n_chunks)
			break;
		c = e->next++;
		s = &e->slots[c % e->ring];
		pthread_mutex_unlock(&e->mu);
		format_chunk(e, c, s);
		pthread_mutex_lock(&e->mu);
		s->done = true;
		pthread_cond_broadcast(&e->cv);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

static void
serial(struct og_jp *p, size_t n, og_jp_elem_fn *fn, const void *ctx)
{
	for (size_t i = 0; i < n; i++)
		fn(p, ctx, i);
}

void
og_jp_each_in(struct og_jp *p, size_t n, og_jp_elem_fn *fn, const void *ctx,
	      size_t per, unsigned threads)
{
	struct each e = { .at = p, .n = n, .fn = fn, .ctx = ctx };
	pthread_t tids[THREADS_MAX];
	unsigned started = 0;
	size_t c;

	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	if (!per)
		per = PER_CHUNK;
	e.per = per;
	e.n_chunks = n / per + (n % per != 0);
	if (threads < 1 || e.n_chunks < 2 || p->err) {
		serial(p, n, fn, ctx);
		return;
	}
	e.ring = 2 * threads;
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.cv, NULL);
	for (unsigned k = 0; k < threads; k++)
		if (pthread_create(&tids[started], NULL, formatter, &e) == 0)
			started++;
	for (c = 0; c < e.n_chunks && started; c++) {
		struct chunk *s = &e.slots[c % e.ring];

		pthread_mutex_lock(&e.mu);
		while (!s->done)
			pthread_cond_wait(&e.cv, &e.mu);
		pthread_mutex_unlock(&e.mu);
		og_jp_splice(p, s->buf, s->len, s->err);
		pthread_mutex_lock(&e.mu);
		s->done = false;
		e.written = c + 1;
		pthread_cond_broadcast(&e.cv);
		pthread_mutex_unlock(&e.mu);
		if (p->err)
			break;	/* the file is lost anyway (sticky error) */
	}
	pthread_mutex_lock(&e.mu);
	e.stop = true;
	pthread_cond_broadcast(&e.cv);
	pthread_mutex_unlock(&e.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tids[k], NULL);
	for (unsigned k = 0; k < e.ring; k++)
		free(e.slots[k].buf);
	pthread_cond_destroy(&e.cv);
	pthread_mutex_destroy(&e.mu);
	/* no thread could start: this one prints them all */
	if (!started)
		serial(p, n, fn, ctx);
}

void
og_jp_each(struct og_jp *p, size_t n, og_jp_elem_fn *fn, const void *ctx)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	og_jp_each_in(p, n, fn, ctx, PER_CHUNK, cpus > 1 ? (unsigned)cpus : 0);
}
