/*
 * What a probe child answered for a plugin file, kept between runs: a
 * `render --from` or `merge` forks three processes per plugin only to
 * learn options that did not change since the last run (about 100 ms of
 * CPU for the bundled plugins, more than rendering a report's JSON).
 * Only clean answers are kept; a probe that crashed, hung or exited is
 * probed again every run.
 */
#ifndef OG_PROBE_CACHE_H
#define OG_PROBE_CACHE_H

#include <stddef.h>

#define OG_PROBE_CACHE_TAG 33

/*
 * The cache file for @plugin_path (one per path), or NULL (no cache
 * directory, the file cannot be examined, or OPSGRADE_PROBE_CACHE=0).  @ret_tag gets what an
 * answer kept there must be tagged with to count: it changes with
 * anything that could change the answer -- the plugin file's identity,
 * size and times (ctime moves on every write, chmod and rename) and the
 * build of the code that decodes it.  Caller frees.
 */
char *og_probe_cache_path(const char *plugin_path,
			  char ret_tag[OG_PROBE_CACHE_TAG]);

/* The answer kept at @cpath with @tag: 0 with a malloc'd *ret_buf
 * (NUL-ended), or <0 when absent, stale, or not a regular file of ours
 * that no one else can write. */
int og_probe_cache_get(const char *cpath, const char *tag, size_t max,
		       char **ret_buf, size_t *ret_len);

/* Keep @buf at @cpath with @tag; a failure only costs the next run a
 * probe. */
void og_probe_cache_put(const char *cpath, const char *tag, const char *buf,
			size_t len);

#endif /* OG_PROBE_CACHE_H */
