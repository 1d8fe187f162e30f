/*
 * Many report.json files loaded on threads (merge of shards): each load
 * builds its own document and model, touching nothing shared, so loads
 * run side by side; the caller takes them in input order on its own
 * thread, so what it builds does not depend on which load ended first.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report-load.h"
#include "util.h"

#define JOBS_MAX 8

struct slot {
	cJSON *doc;
	struct og_model *m;
	char *err;
	int r;
	bool done;
};

struct pool {
	const char *const *paths;
	size_t n;
	struct slot *slots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;		/* the next input to load */
	size_t taken;		/* inputs the caller has taken */
	size_t ahead;		/* loads done or running beyond @taken, at most */
	bool stop;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct og_report_buf b = { 0 };

	for (;;) {
		struct slot s = { 0 };
		size_t i;

		pthread_mutex_lock(&p->mu);
		/* bounded look-ahead: loaded models wait in memory */
		while (!p->stop && p->next < p->n && p->next >= p->taken + p->ahead)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			free(b.buf);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);

		s.r = og_report_load_buf(&b, p->paths[i], &s.doc, &s.m, &s.err);
		/* its order and counts made here, side by side with the other
		 * loads: the caller's merge then merges sorted runs and adds
		 * counts */
		if (s.r >= 0) {
			size_t counts[OG_SEV_SLOTS];

			(void)og_model_findings(s.m, &(size_t){ 0 });
			og_model_open_by_severity(s.m, counts);
		}
		s.done = true;
		pthread_mutex_lock(&p->mu);
		p->slots[i] = s;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static unsigned
jobs_for(unsigned jobs, size_t n)
{
	long cpus;

	if (!jobs) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;
	return n < jobs ? (unsigned)n : jobs;
}

int
og_report_load_each(const char *const *paths, size_t n, unsigned jobs,
		    int (*take)(void *ctx, size_t i, cJSON *doc,
				struct og_model *m),
		    void *ctx, char **ret_err)
{
	struct pool p = { .paths = paths, .n = n };
	struct og_report_buf b = { 0 };
	pthread_t threads[JOBS_MAX];
	unsigned started = 0;
	size_t i;
	int r = 0;

	jobs = jobs_for(jobs, n);
	p.ahead = jobs + 1;
	p.slots = og_xcalloc(n + 1, sizeof(*p.slots));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	/* one load at a time needs no thread; a thread that cannot start
	 * leaves its share to the others (or to this one, below) */
	for (unsigned k = 0; jobs > 1 && k < jobs; k++)
		if (pthread_create(&threads[started], NULL, worker, &p) == 0)
			started++;
	for (i = 0; i < n && r == 0; i++) {
		struct slot s;

		pthread_mutex_lock(&p.mu);
		if (!started && !p.slots[i].done && p.next == i) {
			p.next++;
			pthread_mutex_unlock(&p.mu);
			s.r = og_report_load_buf(&b, paths[i], &s.doc, &s.m, &s.err);
			pthread_mutex_lock(&p.mu);
		} else {
			while (!p.slots[i].done)
				pthread_cond_wait(&p.cv, &p.mu);
			s = p.slots[i];
		}
		p.slots[i] = (struct slot){ .done = true };
		p.taken = i + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (s.r < 0) {
			*ret_err = s.err;
			r = s.r;
		} else {
			r = take(ctx, i, s.doc, s.m);
		}
	}
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	/* loaded ahead of a stop: never taken */
	for (; i < n; i++) {
		cJSON_Delete(p.slots[i].doc);
		og_model_free(p.slots[i].m);
		free(p.slots[i].err);
	}
	free(b.buf);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(p.slots);
	return r;
}
