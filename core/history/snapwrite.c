/*
 * Writing a snapshot: the document's members in their order, each small
 * one as cJSON_PrintUnformatted prints it, the two per-finding members
 * streamed from the sorted list, so the bytes are what printing the whole
 * tree gave and the text is never whole in memory.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history/snapshot.h"
#include "jsonpr.h"
#include "util.h"

/* {"fp":"severity",...} or, @sources, {"fp":"a,b",...} */
static void
print_list(struct og_jp *jp, const struct og_snapshot *s, bool sources)
{
	og_jp_raw(jp, "{", 1);
	for (size_t i = 0; i < s->n; i++) {
		const struct og_snap_finding *f = &s->f[i];

		if (i)
			og_jp_raw(jp, ",", 1);
		og_jp_string(jp, f->fp);
		og_jp_raw(jp, ":", 1);
		if (!sources)
			og_jp_string(jp, og_snap_severities[f->sev < OG_SNAP_SEVERITIES ?
							    f->sev : OG_SNAP_SEVERITIES - 1]);
		else if (f->sources)
			og_jp_string(jp, f->sources);
		else
			og_jp_raw(jp, "null", 4);
	}
	og_jp_raw(jp, "}", 1);
}

static int
print_snapshot(struct og_jp *jp, const struct og_snapshot *s)
{
	const cJSON *it;

	og_jp_raw(jp, "{", 1);
	cJSON_ArrayForEach(it, s->doc) {
		if (it != s->doc->child)
			og_jp_raw(jp, ",", 1);
		og_jp_string(jp, it->string);
		og_jp_raw(jp, ":", 1);
		if (!strcmp(it->string, "findings")) {
			print_list(jp, s, false);
		} else if (!strcmp(it->string, "finding_sources")) {
			print_list(jp, s, true);
		} else {
			char *text = cJSON_PrintUnformatted(it);

			if (!text)
				return -ENOMEM;
			og_jp_raw(jp, text, strlen(text));
			free(text);
		}
	}
	og_jp_raw(jp, "}", 1);
	return 0;
}

int
og_snapshot_write(const struct og_snapshot *s, const char *path)
{
	struct og_jp jp;
	char *tmp = NULL;
	int fd = -1, r, w;

	if (!cJSON_IsObject(s->doc))
		return -EINVAL;
	r = og_open_tmp(path, &fd, &tmp);
	if (r < 0)
		return r;
	og_jp_init(&jp, fd);
	r = print_snapshot(&jp, s);
	w = og_jp_finish(&jp);
	r = og_finish_tmp(fd, r ? r : w, tmp, path);
	free(tmp);
	return r;
}
