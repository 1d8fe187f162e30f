/*
 * The snapshot's finding list: built, sorted by fingerprint, walked in
 * step with another one.  Reading and writing the file: snapread.c,
 * snapwrite.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "history/snapshot.h"
#include "util.h"

const char *const og_snap_severities[OG_SNAP_SEVERITIES] = {
	"critical", "high", "medium", "low", "info", "unknown",
};

void
og_snapshot_init(struct og_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	og_arena_init(&s->arena);
}

void
og_snapshot_clear(struct og_snapshot *s)
{
	cJSON_Delete(s->doc);
	free(s->f);
	og_arena_clear(&s->arena);
	memset(s, 0, sizeof(*s));
}

void
og_snapshot_drop_findings(struct og_snapshot *s)
{
	free(s->f);
	s->f = NULL;
	s->n = s->cap = 0;
	og_arena_clear(&s->arena);
	og_arena_init(&s->arena);
	s->findings_dropped = true;
}

void
og_snapshot_add(struct og_snapshot *s, const char *fp, const char *sources,
		unsigned sev)
{
	struct og_snap_finding *e;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->f = og_xrealloc_array(s->f, s->cap, sizeof(*s->f));
	}
	e = &s->f[s->n];
	e->fp = fp;
	e->sources = sources;
	e->pos = (uint32_t)s->n;
	e->sev = (unsigned char)(sev < OG_SNAP_SEVERITIES ? sev : OG_SNAP_SEVERITIES);
	s->n++;
}

static int
by_fp_pos(const void *a, const void *b, void *cmps)
{
	const struct og_snap_finding *x = a, *y = b;
	int c;

	if (cmps)
		++*(unsigned long *)cmps;
	c = strcmp(x->fp, y->fp);
	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
og_snapshot_sort(struct og_snapshot *s, unsigned long *cmps)
{
	size_t i, o;

	/* Files we wrote are in order with no key twice: one pass. */
	for (i = 1; i < s->n; i++) {
		if (cmps)
			++*cmps;
		if (strcmp(s->f[i - 1].fp, s->f[i].fp) >= 0)
			break;
	}
	if (i >= s->n)
		return;
	qsort_r(s->f, s->n, sizeof(*s->f), by_fp_pos, cmps);
	/* equal keys are now in the order read: keep the last of each */
	for (i = 0, o = 0; i < s->n; i++) {
		if (cmps && i + 1 < s->n)
			++*cmps;
		if (i + 1 < s->n && !strcmp(s->f[i].fp, s->f[i + 1].fp))
			continue;
		s->f[o++] = s->f[i];
	}
	s->n = o;
}

unsigned long
og_snap_walk(const struct og_snap_finding *a, size_t na,
	     const struct og_snap_finding *b, size_t nb,
	     void (*each)(void *ctx, const struct og_snap_finding *before,
			  const struct og_snap_finding *now),
	     void *ctx)
{
	unsigned long cmps = 0;
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int c;

		if (i == na) {
			c = 1;
		} else if (j == nb) {
			c = -1;
		} else {
			c = strcmp(a[i].fp, b[j].fp);
			cmps++;
		}
		each(ctx, c <= 0 ? &a[i] : NULL, c >= 0 ? &b[j] : NULL);
		i += c <= 0;
		j += c >= 0;
	}
	return cmps;
}
