/*
 * `opsgrade history` without a subject: every subject that has a history
 * directory under the default base ($XDG_STATE_HOME/opsgrade/), with its
 * latest level and date.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "history/history.h"
#include "jsonget.h"
#include "util.h"

static int
by_subject(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(og_jstr_or(og_jget(x, "subject"), ""), og_jstr_or(og_jget(y, "subject"), ""));
}

/* One row for the history directory @dir (named @name), or NULL when it
 * holds no snapshot. */
static cJSON *
subject_row(const cJSON *config, const char *dir, const char *name)
{
	cJSON *cfg = config ? cJSON_Duplicate(config, 1) : cJSON_CreateObject();
	cJSON *listing = NULL, *row = NULL;
	const cJSON *snaps, *last;
	char *err = NULL;

	if (og_config_set(cfg, "history.dir", dir, &err) < 0 ||
	    og_history_list(cfg, NULL, &listing) < 0)
		goto out;
	snaps = og_jget(listing, "snapshots");
	last = cJSON_GetArrayItem(snaps, cJSON_GetArraySize(snaps) - 1);
	if (!last)
		goto out;
	row = cJSON_CreateObject();
	cJSON_AddStringToObject(row, "subject", og_jstr_or(og_jget(last, "subject"), name));
	cJSON_AddStringToObject(row, "dir", dir);
	cJSON_AddItemToObject(row, "level", og_jget(last, "level") ?
			      cJSON_Duplicate(og_jget(last, "level"), 0) : cJSON_CreateNull());
	cJSON_AddItemToObject(row, "at", og_jget(last, "at") ?
			      cJSON_Duplicate(og_jget(last, "at"), 0) : cJSON_CreateNull());
	cJSON_AddNumberToObject(row, "snapshots", cJSON_GetArraySize(snaps));
out:
	if (err) {
		og_log_warn("history: %s: %s", dir, err);
		free(err);
	}
	cJSON_Delete(listing);
	cJSON_Delete(cfg);
	return row;
}

int
og_history_subjects(const cJSON *config, cJSON **ret_listing)
{
	char *dir = NULL, *err = NULL, *slash;
	cJSON *doc = NULL, *arr, **rows = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d = NULL;
	int r;

	/* the base is the parent of any subject's directory */
	r = og_history_dir(config, "x", &dir, &err);
	if (r < 0) {
		og_log_error("%s", err);
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "dir", dir);
	arr = cJSON_AddArrayToObject(doc, "subjects");
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		r = -errno;
		og_log_error("history: cannot read %s: %s", dir, strerror(errno));
		goto out;
	}
	while (d && (e = readdir(d))) {
		struct stat st;
		char *sub;
		cJSON *row;

		if (e->d_name[0] == '.')
			continue;
		sub = og_asprintf("%s/%s", dir, e->d_name);
		row = stat(sub, &st) == 0 && S_ISDIR(st.st_mode) ?
		      subject_row(config, sub, e->d_name) : NULL;
		free(sub);
		if (!row)
			continue;
		rows = og_xrealloc_array(rows, n + 1, sizeof(*rows));
		rows[n++] = row;
	}
	if (n)
		qsort(rows, n, sizeof(*rows), by_subject);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, rows[i]);
	*ret_listing = doc;
	doc = NULL;
	r = 0;
out:
	if (d)
		closedir(d);
	cJSON_Delete(doc);
	free(rows);
	free(err);
	free(dir);
	return r;
}
