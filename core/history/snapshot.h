/*
 * A history snapshot as the history holds it: the small members (level,
 * areas, KPIs, capabilities, collectors, ...) as a cJSON tree, and the
 * open findings ("findings" and "finding_sources", one member each per
 * finding) as one compact list sorted by fingerprint, its strings in an
 * arena.  A scan of 100 k findings would otherwise be a tree of 200 k
 * members on each side of every comparison.  The file format is the one
 * cJSON_PrintUnformatted gave for the whole tree (docs/report-json.md,
 * "history"), and files written before this module read the same.
 */
#ifndef OG_HISTORY_SNAPSHOT_H
#define OG_HISTORY_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "arena.h"

/* og_snap_severities[i] for i < OG_SNAP_SEVERITIES; any other string
 * read from a file is OG_SNAP_SEVERITIES (counted, never critical/high). */
#define OG_SNAP_SEVERITIES 6
extern const char *const og_snap_severities[OG_SNAP_SEVERITIES];

struct og_snap_finding {
	const char *fp;
	/* "a,b": the collectors that reported it; NULL: not recorded */
	const char *sources;
	uint32_t pos;		/* order in the file: the last of a key stands */
	unsigned char sev;	/* index in og_snap_severities */
};

struct og_snapshot {
	/* Every member but the findings', which stand there as empty
	 * objects in their place (the list below is what they hold). */
	cJSON *doc;
	struct og_snap_finding *f;
	size_t n, cap;
	bool bad_severity;	/* read: a "findings" value not a string */
	/* the list was let go (og_snapshot_drop_findings): not comparable */
	bool findings_dropped;
	struct og_arena arena;	/* strings of @f not borrowed */
};

void og_snapshot_init(struct og_snapshot *s);
void og_snapshot_clear(struct og_snapshot *s);
/* Let the finding list go, keeping the document: a snapshot only drawn
 * in the trend.  og_history_delta never counts its findings. */
void og_snapshot_drop_findings(struct og_snapshot *s);

/* Append a finding (strings borrowed: the caller keeps them alive, or
 * copies them into s->arena). */
void og_snapshot_add(struct og_snapshot *s, const char *fp, const char *sources,
		     unsigned sev);

/*
 * Sort the list by fingerprint; of equal ones the last added stands (a
 * repeated JSON key: the last one counts, as og_json_parse has it).
 * A list already in order costs one pass.  *@cmps, when given, grows by
 * the fingerprint comparisons made.
 */
void og_snapshot_sort(struct og_snapshot *s, unsigned long *cmps);

/*
 * Read snapshot text (@len bytes, a file's whole content) into @s (from
 * og_snapshot_init), streaming: the findings never stand as a tree.
 * 0, or -EINVAL on a syntax error with *@ret_off its byte offset.  The
 * members are not checked against the schema (history.c does that);
 * s->doc may be any JSON value when the text is not an object.
 */
int og_snapshot_read(struct og_snapshot *s, const char *text, size_t len,
		     size_t *ret_off);

/* Write @s (its list sorted) to @path atomically, streamed: what
 * cJSON_PrintUnformatted printed for the whole snapshot.  0 or -errno. */
int og_snapshot_write(const struct og_snapshot *s, const char *path);

/*
 * One merge walk over two lists sorted by fingerprint (og_snapshot_sort):
 * @each is called once per fingerprint, with the entry of each side
 * (NULL on the side that lacks it), in fingerprint order.  Returns the
 * fingerprint comparisons made: at most @na + @nb.
 */
unsigned long og_snap_walk(const struct og_snap_finding *a, size_t na,
			   const struct og_snap_finding *b, size_t nb,
			   void (*each)(void *ctx, const struct og_snap_finding *before,
					const struct og_snap_finding *now),
			   void *ctx);

#endif
