#include "config.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

static void
draw(void *ctx, size_t finished, size_t n, const char *const *running, size_t n_running,
     const struct og_run_result *done)
{
	static const char *const spin[] = { "|", "/", "-", "\\" };
	struct og_progress *pg = ctx;
	double secs = (double)(og_mono_ms() - pg->start_ms) / 1000;

	/* \r + erase line: the status line is redrawn in place */
	fputs("\r\033[K", stderr);
	if (done) {
		fprintf(stderr, "  %-12s %-8s %5.1f s  %zu facts, %zu findings, %zu events\n",
			done->entry->desc.name, og_run_status_name(done->status),
			(double)done->duration_ms / 1000, done->n_facts, done->n_findings,
			done->n_events);
	}
	if (finished < n) {
		fprintf(stderr, "%s %zu/%zu collectors done, %.0f s", spin[pg->tick++ % 4],
			finished, n, secs);
		for (size_t i = 0; i < n_running && i < 4; i++)
			fprintf(stderr, "%s%s", i ? ", " : "; running: ", running[i]);
		if (n_running > 4)
			fputs(", ...", stderr);
	}
	fflush(stderr);
}

void
og_progress_init(struct og_progress *pg, bool quiet)
{
	pg->on = !quiet && isatty(STDERR_FILENO);
	pg->start_ms = og_mono_ms();
	pg->tick = 0;
	pg->hook.fn = pg->on ? draw : NULL;
	pg->hook.ctx = pg;
}

void
og_progress_end(struct og_progress *pg)
{
	if (pg->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
