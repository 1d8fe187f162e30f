/*
 * History snapshots and the trend/delta in report["history"].
 *
 * One file per run, "snapshot-YYYYMMDDTHHMMSSZ.json", written atomically
 * (temp + fsync + rename) into the subject's history directory.  A run
 * with the same timestamp replaces its snapshot (reruns under a fixed
 * SOURCE_DATE_EPOCH are idempotent).  Reading never trusts the directory:
 * anything that does not parse as our schema is warned about and skipped,
 * and is never deleted by retention.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "history/history.h"
#include "history/compare.h"
#include "history/snapshot.h"
#include "jsonget.h"
#include "jsonin.h"
#include "util.h"

#define SNAP_PREFIX	"snapshot-"
#define SNAP_SUFFIX	".json"
#define DIR_LOCK	".opsgrade-history.lock"
#define SUBJECT_DIR_MAX	120

#define N_SEVERITIES OG_SNAP_SEVERITIES

struct snap {
	char *file;		/* basename in the directory */
	int64_t at;
	struct og_snapshot s;
};

struct snaps {
	struct snap *v;
	size_t n;
};

static void
snaps_clear(struct snaps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		og_snapshot_clear(&s->v[i].s);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int
snap_cmp(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return strcmp(x->file, y->file);
}

/* ---- directory ---- */

char *
og_history_slug(const char *subject)
{
	size_t n = subject ? strlen(subject) : 0;
	char *s;

	if (n > SUBJECT_DIR_MAX)
		n = SUBJECT_DIR_MAX;
	if (n == 0)
		return og_strdup0("_");
	s = og_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = subject[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0))
			s[i] = c;
		else
			s[i] = '_';	/* '/' too: one directory level */
	}
	s[n] = '\0';
	return s;
}

int
og_history_dir(const cJSON *config, const char *subject, char **ret_dir,
	       char **ret_err)
{
	const char *dir = og_jstr(og_jget2(config, "history", "dir"));
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;
	char *san;

	if (dir) {
		*ret_dir = og_strdup0(dir);
		return 0;
	}
	san = og_history_slug(subject);
	/* The XDG spec says relative values are invalid: ignore them. */
	if (state && state[0] == '/') {
		*ret_dir = og_asprintf("%s/opsgrade/%s", state, san);
		free(san);
		return 0;
	}
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/') {
		free(san);
		*ret_err = og_strdup0("history: no history directory: set "
				      "history.dir (--history DIR), "
				      "XDG_STATE_HOME or HOME");
		return -ENOENT;
	}
	*ret_dir = og_asprintf("%s/.local/state/opsgrade/%s", home, san);
	free(san);
	return 0;
}

/* ---- snapshot from a report ---- */

/* "a,b" (collector names) from a finding's sources, in *@buf (grown). */
static char *
sources_list(char **buf, size_t *cap, const struct og_model_finding *f)
{
	size_t len = 1, o = 0;
	char *s;

	for (size_t i = 0; i < f->n_sources; i++)
		len += strlen(f->sources[i]) + 1;
	if (len > *cap) {
		*cap = len;
		*buf = og_xrealloc_array(*buf, len, 1);
	}
	s = *buf;
	for (size_t i = 0; i < f->n_sources; i++) {
		size_t n = strlen(f->sources[i]);

		if (memchr(f->sources[i], ',', n))
			continue;
		if (o)
			s[o++] = ',';
		memcpy(s + o, f->sources[i], n);
		o += n;
	}
	s[o] = '\0';
	return s;
}

/*
 * @v (@n) in fingerprint order.  They come in the report's order: by
 * severity, each severity's run by fingerprint, so merging the (at most
 * six) runs is enough; anything else is sorted.
 */
static void
sort_by_fingerprint(struct og_snapshot *snap)
{
	struct og_snap_finding *v = snap->f, *out;
	size_t n = snap->n, start[N_SEVERITIES + 1], head[N_SEVERITIES], runs = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].sev != v[i - 1].sev) {
			if (runs == N_SEVERITIES)
				goto unsorted;
			start[runs++] = i;
		} else if (strcmp(v[i - 1].fp, v[i].fp) >= 0) {
			goto unsorted;
		}
	}
	start[runs] = n;
	if (runs < 2)
		return;
	out = og_xcalloc(n, sizeof(*out));
	memcpy(head, start, runs * sizeof(*head));
	for (size_t o = 0; o < n; o++) {
		size_t best = N_SEVERITIES;

		for (size_t r = 0; r < runs; r++)
			if (head[r] < start[r + 1] &&
			    (best == N_SEVERITIES ||
			     strcmp(v[head[r]].fp, v[head[best]].fp) < 0))
				best = r;
		out[o] = v[head[best]++];
	}
	/* the model holds a fingerprint once; guard anyway */
	snap->n = 0;
	for (size_t i = 0; i < n; i++)
		if (!snap->n || strcmp(out[i].fp, v[snap->n - 1].fp))
			v[snap->n++] = out[i];
	free(out);
	return;
unsorted:
	og_snapshot_sort(snap, NULL);
}

static bool
is_str(const cJSON *v, const char *s)
{
	return cJSON_IsString(v) && !strcmp(v->valuestring, s);
}

/*
 * The snapshot's per-severity counts are the assessment's
 * (assessment.security.open, @counted), the one place findings are
 * counted; the fingerprints are listed here for the next run's delta.
 * "findings" and "finding_sources" stand in @snap's document as empty
 * objects: the list holds them (og_snapshot_write prints it there).
 */
static void
add_sorted_open(struct og_snapshot *snap, const struct og_report *rep,
		const cJSON *counted)
{
	long counts[N_SEVERITIES] = { 0 };
	const char *last = NULL;
	char *buf = NULL;
	size_t cap = 0;
	cJSON *open;
	bool truncated = false;

	for (size_t j = 0; j < rep->n_findings; j++) {
		const struct og_model_finding *f = rep->findings[j];
		const char *fp = f->fingerprint;
		/* og_snap_severities: critical .. info, then unknown */
		size_t k = f->severity >= OG_SEV_INFO && f->severity <= OG_SEV_CRITICAL
			   ? (size_t)(OG_SEV_CRITICAL - f->severity) : N_SEVERITIES - 1;
		char *list;

		if (f->suppressed)
			continue;
		counts[k]++;
		if (!fp)
			continue;
		if (snap->n == OG_HISTORY_FINDINGS_MAX) {
			truncated = true;
			continue;
		}
		/* which collectors must run again before it can be "fixed";
		 * most findings share one list: kept once */
		list = sources_list(&buf, &cap, f);
		if (!last || strcmp(list, last))
			last = og_arena_strdup(&snap->arena, list);
		og_snapshot_add(snap, fp, last, (unsigned)k);
	}
	free(buf);
	sort_by_fingerprint(snap);

	open = cJSON_AddObjectToObject(snap->doc, "open");
	for (size_t i = 0; i < N_SEVERITIES; i++) {
		const cJSON *c = og_jget(counted, og_snap_severities[i]);

		cJSON_AddNumberToObject(open, og_snap_severities[i], cJSON_IsNumber(c)
					? c->valuedouble : (double)counts[i]);
	}
	cJSON_AddObjectToObject(snap->doc, "findings");
	cJSON_AddObjectToObject(snap->doc, "finding_sources");
	if (truncated)
		cJSON_AddTrueToObject(snap->doc, "findings_truncated");
}

/* {id: member} from an array of objects carrying "id". */
static cJSON *
map_by_id(const cJSON *arr, const char *member)
{
	cJSON *obj = cJSON_CreateObject();
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const char *id = og_jstr(og_jget(it, "id"));
		const cJSON *v = og_jget(it, member);

		if (!id || og_jget(obj, id))
			continue;
		if (cJSON_IsNumber(v) || cJSON_IsString(v))
			cJSON_AddItemToObject(obj, id, cJSON_Duplicate(v, 0));
		else
			cJSON_AddNullToObject(obj, id);
	}
	return obj;
}

/*
 * What the next run needs to compare like with like (compare.c): whether
 * this run was complete, each collector's status and targets, which
 * collector each capability's status came from (add_sorted_open lists
 * which collectors reported each open finding).
 */
static void
add_like_for_like(cJSON *snap, const cJSON *report)
{
	const cJSON *a = og_jget(report, "assessment");
	cJSON *cols = cJSON_AddObjectToObject(snap, "collectors");
	cJSON *via = cJSON_AddObjectToObject(snap, "capability_via");
	/* what each collector examined: a fix is one over the same target */
	cJSON *tgts = cJSON_AddObjectToObject(snap, "collector_targets");
	const cJSON *it;

	cJSON_AddBoolToObject(snap, "complete", !cJSON_IsFalse(
			og_jget2(report, "run", "complete")));
	cJSON_ArrayForEach(it, og_jget(report, "collectors")) {
		const char *name = og_jstr(og_jget(it, "name"));
		const char *st = og_jstr(og_jget(it, "status"));

		const cJSON *targets = og_jget(it, "targets");

		if (!name || !st || og_jget(cols, name))
			continue;
		cJSON_AddStringToObject(cols, name, st);
		if (cJSON_IsArray(targets))
			cJSON_AddItemToObject(tgts, name, cJSON_Duplicate(targets, 1));
	}
	cJSON_ArrayForEach(it, og_jget(a, "capabilities")) {
		const char *id = og_jstr(og_jget(it, "id"));
		const char *by = og_jstr(og_jget(it, "observed_by"));

		if (is_str(og_jget(it, "source"), "attested"))
			by = "attestation";
		if (id && by && !og_jget(via, id))
			cJSON_AddStringToObject(via, id, by);
	}
}

/* This run's snapshot into @snap (from og_snapshot_init). */
static void
snapshot_from_report(struct og_snapshot *snap, const struct og_report *rep,
		     const char *subject, int64_t at)
{
	const cJSON *report = rep->doc;
	const cJSON *a = og_jget(report, "assessment");
	const cJSON *model = og_jget(a, "model");
	const cJSON *level = og_jget(a, "level");
	char ts[32];
	cJSON *s = snap->doc = cJSON_CreateObject();

	og_format_time(at, ts, sizeof(ts));
	cJSON_AddStringToObject(s, "schema", OG_HISTORY_SCHEMA);
	cJSON_AddStringToObject(s, "subject", subject);
	cJSON_AddStringToObject(s, "at", ts);
	if (og_jstr(og_jget(report, "opsgrade_version")))
		cJSON_AddStringToObject(s, "opsgrade_version",
				og_jget(report, "opsgrade_version")->valuestring);
	if (cJSON_IsObject(model)) {
		cJSON *m = cJSON_AddObjectToObject(s, "model");
		const char *id = og_jstr(og_jget(model, "id"));
		const cJSON *ver = og_jget(model, "version");

		if (id)
			cJSON_AddStringToObject(m, "id", id);
		if (cJSON_IsString(ver) || cJSON_IsNumber(ver))
			cJSON_AddItemToObject(m, "version",
					      cJSON_Duplicate(ver, 0));
	} else {
		cJSON_AddNullToObject(s, "model");
	}
	if (cJSON_IsNumber(level))
		cJSON_AddNumberToObject(s, "level", level->valuedouble);
	else
		cJSON_AddNullToObject(s, "level");
	cJSON_AddItemToObject(s, "areas",
			      map_by_id(og_jget(a, "areas"), "completeness"));
	cJSON_AddItemToObject(s, "kpis", map_by_id(og_jget(a, "kpis"), "value"));
	/* Without a scanner the zero counts are not measurements: say so,
	 * so trends and deltas do not read "0 open" or "all fixed". */
	cJSON_AddBoolToObject(s, "scanned", !cJSON_IsFalse(
			og_jget2(a, "security", "scanned")));
	add_sorted_open(snap, rep, og_jget2(a, "security", "open"));
	cJSON_AddItemToObject(s, "capabilities",
			      map_by_id(og_jget(a, "capabilities"), "status"));
	add_like_for_like(s, report);
	cJSON_AddItemToObject(s, "gates",
			      map_by_id(og_jget(report, "gates"), "status"));
}

/* ---- reading the directory ---- */

/* NULL when @doc is a valid snapshot, else why not (static text). */
static const char *
snapshot_invalid(const struct og_snapshot *snap, int64_t *ret_at)
{
	static const char *const objects[] = {
		"areas", "kpis", "open", "findings", "capabilities", "gates",
	};
	const cJSON *doc = snap->doc;
	const char *schema = og_jstr(og_jget(doc, "schema"));
	const char *at = og_jstr(og_jget(doc, "at"));
	const cJSON *level = og_jget(doc, "level");
	const cJSON *it;

	if (!cJSON_IsObject(doc))
		return "not a JSON object";
	if (!schema || strcmp(schema, OG_HISTORY_SCHEMA))
		return "not an opsgrade snapshot (schema is not "
		       OG_HISTORY_SCHEMA ")";
	if (!og_jstr(og_jget(doc, "subject")))
		return "$.subject is missing";
	if (!at || og_parse_time(at, ret_at) < 0)
		return "$.at is not a timestamp";
	if (!cJSON_IsNull(level) && !cJSON_IsNumber(level))
		return "$.level is not a number or null";
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!cJSON_IsObject(og_jget(doc, objects[i])))
			return "a member ($.areas, $.kpis, $.open, $.findings, "
			       "$.capabilities, $.gates) is not an object";
	cJSON_ArrayForEach(it, og_jget(doc, "open"))
		if (!cJSON_IsNumber(it))
			return "$.open has a non-number count";
	if (snap->bad_severity)
		return "$.findings has a non-string severity";
	cJSON_ArrayForEach(it, og_jget(doc, "capabilities"))
		if (!cJSON_IsString(it))
			return "$.capabilities has a non-string status";
	return NULL;
}

static bool
is_snapshot_name(const char *name)
{
	return !strncmp(name, SNAP_PREFIX, strlen(SNAP_PREFIX)) &&
	       og_str_has_suffix(name, SNAP_SUFFIX);
}

#define NONE ((size_t)-1)

/*
 * Which snapshots' finding lists are kept while the directory is read:
 * each one holds as many entries as the run had findings (100 k findings:
 * ~10 MB), and a year of weekly runs is 52 of them, while a delta only
 * ever compares with the latest complete snapshot before @before, or the
 * latest one (and `history` lists the latest against the one before it),
 * and with the mailed one.  So the two latest and the two latest complete
 * before @before keep theirs, and @mailed; the others are let go as soon
 * as they are outranked.
 */
struct keep {
	int64_t before;		/* INT64_MAX: every snapshot counts */
	const char *mailed;	/* file name, or NULL */
	size_t all[2], complete[2];	/* indices, latest first */
};

/* Put @i into @top (latest first) if it ranks; the one pushed out (or @i
 * itself when it does not rank), else NONE. */
static size_t
rank(size_t top[2], size_t i, const struct snap *v)
{
	size_t out;

	if (top[0] == NONE || snap_cmp(&v[i], &v[top[0]]) > 0) {
		out = top[1];
		top[1] = top[0];
		top[0] = i;
	} else if (top[1] == NONE || snap_cmp(&v[i], &v[top[1]]) > 0) {
		out = top[1];
		top[1] = i;
	} else {
		out = i;
	}
	return out;
}

static bool
kept(const struct keep *k, const struct snap *v, size_t i)
{
	return i == k->all[0] || i == k->all[1] || i == k->complete[0] ||
	       i == k->complete[1] || (k->mailed && !strcmp(v[i].file, k->mailed));
}

static void
keep_or_drop(struct keep *k, struct snaps *s, size_t i)
{
	size_t out[2] = { i, NONE };

	if (s->v[i].at < k->before) {
		out[0] = rank(k->all, i, s->v);
		if (!cJSON_IsFalse(og_jget(s->v[i].s.doc, "complete")))
			out[1] = rank(k->complete, i, s->v);
	}
	for (int j = 0; j < 2; j++)
		if (out[j] != NONE && !kept(k, s->v, out[j]))
			og_snapshot_drop_findings(&s->v[out[j]].s);
}

/*
 * Load every valid snapshot in @dir whose subject is @subject (any when
 * NULL), sorted oldest first.  A missing directory is empty history.
 * Finding lists are kept as @k says (NULL: all).
 */
static int
load_snapshots(const char *dir, const char *subject, struct keep *k,
	       struct snaps *out)
{
	struct snaps s = { 0 };
	size_t cap = 0, seen = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			goto done;
		return -errno;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		const char *why = NULL;
		char *path, *buf = NULL;
		size_t len, off = 0;
		struct og_snapshot snap;
		int64_t at = 0;
		struct stat st;
		int r;

		/* Our own temp files, the lock, editor backups: quiet. */
		if (name[0] == '.')
			continue;
		path = og_asprintf("%s/%s", dir, name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			if (!is_snapshot_name(name))
				og_log_warn("history: %s: not a snapshot, "
					    "skipped", path);
			free(path);
			continue;
		}
		if (!is_snapshot_name(name)) {
			og_log_warn("history: %s: foreign file (not named "
				    SNAP_PREFIX "*" SNAP_SUFFIX "), skipped",
				    path);
			free(path);
			continue;
		}
		if (++seen > OG_HISTORY_SNAPSHOTS_MAX) {
			og_log_warn("history: %s: more than %d snapshots, "
				    "skipping %s", dir,
				    OG_HISTORY_SNAPSHOTS_MAX, name);
			free(path);
			continue;
		}
		r = og_read_file(path, OG_HISTORY_SNAPSHOT_BYTES, &buf, &len);
		if (r < 0) {
			og_log_warn("history: %s: cannot read (%s), skipped",
				    path, strerror(-r));
			free(path);
			continue;
		}
		og_snapshot_init(&snap);
		if (og_snapshot_read(&snap, buf, len, &off) < 0) {
			og_log_warn("history: %s: corrupt snapshot (invalid "
				    "JSON near byte %zu of %zu), skipped",
				    path, off, len);
			why = "corrupt";
		} else if ((why = snapshot_invalid(&snap, &at))) {
			og_log_warn("history: %s: %s, skipped", path, why);
		} else if (subject &&
			   strcmp(og_jget(snap.doc, "subject")->valuestring,
				  subject)) {
			og_log_warn("history: %s: belongs to subject \"%s\", "
				    "not \"%s\", skipped", path,
				    og_jget(snap.doc, "subject")->valuestring,
				    subject);
			why = "foreign";
		}
		free(buf);
		free(path);
		if (why) {
			og_snapshot_clear(&snap);
			continue;
		}
		if (s.n == cap) {
			cap = cap ? cap * 2 : 16;
			s.v = og_xrealloc_array(s.v, cap, sizeof(*s.v));
		}
		s.v[s.n].file = og_strdup0(name);
		s.v[s.n].at = at;
		s.v[s.n].s = snap;
		if (k)
			keep_or_drop(k, &s, s.n);
		s.n++;
	}
	closedir(d);
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), snap_cmp);
done:
	*out = s;
	return 0;
}

/* ---- trend and delta ---- */

static cJSON *
series_entry(const cJSON *snap)
{
	static const char *const keep[] = {
		"at", "level", "areas", "kpis", "open", "scanned", "complete",
	};
	const cJSON *model = og_jget(snap, "model");
	cJSON *e = cJSON_CreateObject();

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (og_jget(snap, keep[i]))
			cJSON_AddItemToObject(e, keep[i], cJSON_Duplicate(
					og_jget(snap, keep[i]), 1));
	/* Extension: lets charts mark methodology changes. */
	if (cJSON_IsObject(model))
		cJSON_AddItemToObject(e, "model",
				      cJSON_Duplicate(model, 1));
	return e;
}

/*
 * report["history"]-shaped object from @s (oldest first) and @cur (this
 * run, may be NULL: then the last of @s is "current").  NULL when there
 * is nothing earlier to compare with.
 */
/*
 * The snapshot this run is compared with: the most recent complete one.
 * An incomplete run saw less, so comparing with it turns what it missed
 * into "first observed" and "not checked before" next week; the last
 * complete run is one whole baseline with one date the reader can be
 * told (per-collector baselines would mix dates in one "since" line and
 * give no run the level and gates could be compared with).  With no
 * complete snapshot at all, the most recent one.  @ret_skipped: how many
 * incomplete snapshots came after the baseline.
 */
static size_t
baseline_index(const struct snaps *s, size_t n_before, size_t *ret_skipped)
{
	for (size_t k = n_before; k-- > 0;)
		if (!cJSON_IsFalse(og_jget(s->v[k].s.doc, "complete"))) {
			*ret_skipped = n_before - 1 - k;
			return k;
		}
	*ret_skipped = 0;
	return n_before - 1;
}

static cJSON *
history_object(const struct snaps *s, size_t n_before,
	       const struct og_snapshot *cur_snap)
{
	const cJSON *prev, *cur = cur_snap->doc;
	size_t first, base, skipped;
	cJSON *h, *arr, *cw;
	char ts[32];

	if (n_before == 0)
		return NULL;
	base = baseline_index(s, n_before, &skipped);
	prev = s->v[base].s.doc;
	h = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(h, "snapshots");
	first = n_before + 1 > OG_HISTORY_SERIES_MAX ?
		n_before + 1 - OG_HISTORY_SERIES_MAX : 0;
	for (size_t i = first; i < n_before; i++)
		cJSON_AddItemToArray(arr, series_entry(s->v[i].s.doc));
	cJSON_AddItemToArray(arr, series_entry(cur));
	og_format_time(s->v[base].at, ts, sizeof(ts));
	cJSON_AddStringToObject(h, "previous_at", ts);
	/* which run the delta compares with, and why that one */
	cw = cJSON_AddObjectToObject(h, "compared_with");
	cJSON_AddStringToObject(cw, "at", ts);
	cJSON_AddBoolToObject(cw, "complete", !cJSON_IsFalse(og_jget(prev, "complete")));
	cJSON_AddNumberToObject(cw, "incomplete_after", (double)skipped);
	cJSON_AddItemToObject(h, "current_at",
			      cJSON_Duplicate(og_jget(cur, "at"), 0));
	cJSON_AddItemToObject(h, "delta", og_history_delta(&s->v[base].s, cur_snap));
	return h;
}

/* ---- record ---- */

static int64_t
retention_seconds(const cJSON *config)
{
	double days = OG_HISTORY_RETENTION_DAYS;

	if (!og_jnum(og_jget2(config, "history", "retention_days"), &days) ||
	    days < 0)
		days = OG_HISTORY_RETENTION_DAYS;
	if (days > 36500)
		days = 36500;
	return (int64_t)(days * 86400.0);
}

static void
prune(const char *dir, const struct snaps *s, int64_t now, int64_t keep)
{
	if (keep <= 0)	/* retention_days 0: keep everything */
		return;
	for (size_t i = 0; i < s->n; i++) {
		char *path;

		if (s->v[i].at >= now - keep)
			continue;
		path = og_asprintf("%s/%s", dir, s->v[i].file);
		if (unlink(path) == 0)
			og_log_info("history: removed %s (older than "
				    "retention)", path);
		else if (errno != ENOENT)
			og_log_warn("history: cannot remove %s: %s", path,
				    strerror(errno));
		free(path);
	}
}

/*
 * Serialise concurrent writers of one directory (blocking; held for
 * milliseconds).  --lock is the run-level guard; this one keeps the
 * read-compare-write of the history consistent even without it.
 */
static int
dir_lock(const char *dir)
{
	char *path = og_asprintf("%s/" DIR_LOCK, dir);
	int fd, r;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	free(path);
	if (fd < 0)
		return -errno;
	do {
		r = flock(fd, LOCK_EX);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void
snapshot_filename(int64_t at, char *buf, size_t size)
{
	char ts[32], compact[32];
	size_t n = 0;

	/* The RFC 3339 form without '-' and ':': 20261127T170000Z. */
	og_format_time(at, ts, sizeof(ts));
	for (const char *p = ts; *p && n + 1 < sizeof(compact); p++)
		if (*p != '-' && *p != ':')
			compact[n++] = *p;
	compact[n] = '\0';
	snprintf(buf, size, SNAP_PREFIX "%s" SNAP_SUFFIX, compact);
}

/* ".mailed" holds the file name of the last snapshot whose report was
 * mailed (a dot file: load_snapshots skips it quietly). */
#define MAILED_MARK ".mailed"

/*
 * history.since_mailed: the delta against the last snapshot that was
 * mailed, which --mail-on change compares with: a change whose mail
 * failed (server down) is still news next week, while a run that was not
 * mailed because nothing changed does not hide a slow drift.
 */
static char *
mailed_mark(const char *dir)
{
	char *path = og_asprintf("%s/" MAILED_MARK, dir), *buf = NULL;
	size_t len = 0;

	if (og_read_file(path, 256, &buf, &len) == 0)
		buf[strcspn(buf, "\r\n")] = '\0';
	free(path);
	return buf;
}

static void
add_since_mailed(cJSON *hist, const char *mailed, const struct snaps *s,
		 size_t n_before, const struct og_snapshot *cur)
{
	char ts[32];
	cJSON *o;

	if (!cJSON_IsObject(hist) || !mailed)
		return;
	for (size_t k = n_before; k-- > 0;) {
		if (strcmp(s->v[k].file, mailed) != 0)
			continue;
		o = cJSON_AddObjectToObject(hist, "since_mailed");
		og_format_time(s->v[k].at, ts, sizeof(ts));
		cJSON_AddStringToObject(o, "previous_at", ts);
		cJSON_AddItemToObject(o, "delta", og_history_delta(&s->v[k].s, cur));
		break;
	}
}

int
og_history_mark_mailed(const cJSON *report, const cJSON *config)
{
	const char *subject = og_jstr(og_jget(report, "subject"));
	const char *gen = og_jstr(og_jget(report, "generated_at"));
	char *dir = NULL, *path, *err = NULL, name[64];
	int64_t at;
	int r;

	if (!og_jbool(og_jget2(config, "history", "enabled"), true) || !gen ||
	    og_parse_time(gen, &at) < 0)
		return 0;
	if ((r = og_history_dir(config, subject ? subject : "unnamed", &dir, &err)) < 0) {
		free(err);
		return r;
	}
	snapshot_filename(at, name, sizeof(name));
	path = og_asprintf("%s/" MAILED_MARK, dir);
	r = og_write_file_atomic(path, name, strlen(name));
	free(path);
	free(dir);
	return r;
}

int
og_history_record(const struct og_report *rep, const cJSON *config, char **ret_err)
{
	cJSON *report = rep->doc;
	const char *subject = og_jstr(og_jget(report, "subject"));
	const char *gen = og_jstr(og_jget(report, "generated_at"));
	struct snaps s = { 0 };
	char *dir = NULL, *path = NULL, *err = NULL, *mailed = NULL;
	char name[64];
	struct og_snapshot cur;
	struct keep keep = { .all = { NONE, NONE }, .complete = { NONE, NONE } };
	cJSON *hist;
	size_t n_before = 0;
	int64_t at;
	int lockfd = -1, r;

	if (!og_jbool(og_jget2(config, "history", "enabled"), true))
		return 0;
	if (!subject)
		subject = "unnamed";
	if (!gen || og_parse_time(gen, &at) < 0)
		at = og_now();
	og_snapshot_init(&cur);

	r = og_history_dir(config, subject, &dir, &err);
	if (r < 0)
		goto out;
	r = og_mkdir_p(dir);
	if (r < 0) {
		err = og_asprintf("history: cannot create %s: %s", dir,
				  strerror(-r));
		goto out;
	}
	lockfd = dir_lock(dir);
	if (lockfd < 0) {
		r = lockfd;
		err = og_asprintf("history: cannot lock %s: %s", dir,
				  strerror(-r));
		goto out;
	}
	mailed = mailed_mark(dir);
	keep.before = at;
	keep.mailed = mailed;
	r = load_snapshots(dir, subject, &keep, &s);
	if (r < 0) {
		err = og_asprintf("history: cannot read %s: %s", dir,
				  strerror(-r));
		goto out;
	}
	/* Earlier runs only: a snapshot at the same second is replaced,
	 * later ones (a rerun with an older SOURCE_DATE_EPOCH) ignored. */
	while (n_before < s.n && s.v[n_before].at < at)
		n_before++;
	/* A collector that ran last time and not now makes this run
	 * incomplete; the snapshot records it. */
	og_history_run_state(report, n_before ? s.v[n_before - 1].s.doc : NULL);

	snapshot_from_report(&cur, rep, subject, at);
	hist = history_object(&s, n_before, &cur);
	add_since_mailed(hist, mailed, &s, n_before, &cur);
	if (!hist)
		hist = cJSON_CreateNull();
	if (og_jget(report, "history"))
		cJSON_ReplaceItemInObjectCaseSensitive(report, "history", hist);
	else
		cJSON_AddItemToObject(report, "history", hist);

	snapshot_filename(at, name, sizeof(name));
	path = og_asprintf("%s/%s", dir, name);
	r = og_snapshot_write(&cur, path);
	if (r < 0) {
		err = og_asprintf("history: cannot write %s: %s", path,
				  strerror(-r));
		goto out;
	}
	prune(dir, &s, at, retention_seconds(config));
	r = 0;
out:
	if (lockfd >= 0)
		close(lockfd);
	snaps_clear(&s);
	og_snapshot_clear(&cur);
	free(mailed);
	free(path);
	free(dir);
	if (r < 0)
		*ret_err = err;
	else
		free(err);
	return r;
}

/* ---- `opsgrade history` ---- */

int
og_history_list(const cJSON *config, const char *subject, cJSON **ret_listing)
{
	struct keep keep = { .before = INT64_MAX, .all = { NONE, NONE },
			     .complete = { NONE, NONE } };
	struct snaps s = { 0 };
	char *dir = NULL, *err = NULL;
	cJSON *h = NULL, *doc = NULL, *arr;
	int r;

	r = og_history_dir(config, subject, &dir, &err);
	if (r < 0) {
		og_log_error("%s", err);
		goto out;
	}
	r = load_snapshots(dir, subject, &keep, &s);
	if (r < 0) {
		og_log_error("history: cannot read %s: %s", dir, strerror(-r));
		goto out;
	}
	if (s.n >= 2)
		h = history_object(&s, s.n - 1, &s.v[s.n - 1].s);
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "dir", dir);
	if (subject)
		cJSON_AddStringToObject(doc, "subject", subject);
	else
		cJSON_AddNullToObject(doc, "subject");
	arr = cJSON_AddArrayToObject(doc, "snapshots");
	for (size_t i = 0; i < s.n; i++) {
		cJSON *e = series_entry(s.v[i].s.doc);

		cJSON_AddItemToObject(e, "subject", cJSON_Duplicate(
				og_jget(s.v[i].s.doc, "subject"), 0));
		cJSON_AddStringToObject(e, "file", s.v[i].file);
		cJSON_AddItemToArray(arr, e);
	}
	cJSON_AddItemToObject(doc, "previous_at",
			      h ? cJSON_Duplicate(og_jget(h, "previous_at"), 0)
				: cJSON_CreateNull());
	cJSON_AddItemToObject(doc, "compared_with",
			      h ? cJSON_Duplicate(og_jget(h, "compared_with"), 1)
				: cJSON_CreateNull());
	cJSON_AddItemToObject(doc, "delta",
			      h ? cJSON_Duplicate(og_jget(h, "delta"), 1)
				: cJSON_CreateNull());
	*ret_listing = doc;
	r = 0;
out:
	cJSON_Delete(h);
	snaps_clear(&s);
	free(err);
	free(dir);
	return r;
}

void
og_history_forget(const cJSON *report, const cJSON *config)
{
	const char *subject = og_jstr(og_jget(report, "subject"));
	const char *gen = og_jstr(og_jget(report, "generated_at"));
	char *dir = NULL, *path, *err = NULL;
	char name[64];
	int64_t at;

	if (!og_jbool(og_jget2(config, "history", "enabled"), true))
		return;
	if (!gen || og_parse_time(gen, &at) < 0)
		return;
	if (og_history_dir(config, subject ? subject : "unnamed", &dir, &err) < 0) {
		free(err);
		return;
	}
	snapshot_filename(at, name, sizeof(name));
	path = og_asprintf("%s/%s", dir, name);
	if (unlink(path) == 0)
		og_log_info("history: %s removed: the run's outputs were not "
			    "published", path);
	free(path);
	free(dir);
}
