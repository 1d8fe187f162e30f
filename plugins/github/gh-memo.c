/*
 * What each repository answered last time, for the answers GitHub cannot
 * be asked conditionally.  A 200 carries an ETag, so the host's HTTP
 * cache asks again for free (a 304 costs no rate limit); a 404, 403 or
 * 204 carries none and costs a request on every run.  Most of an org's
 * repositories answer several of those (branch not protected, no code
 * scanning, no admin rights for hooks, ...), so a weekly run would spend
 * most of its rate limit on answers it already has.
 *
 * A repository whose entry in the listing is the same as when it gave
 * such an answer (pushed_at, updated_at, default branch, archived,
 * visibility, the token's permissions, security_and_analysis) keeps the
 * answer for up to recheck_days from when it was observed: it is not
 * asked again, and every fact made from it says it was carried over and
 * when GitHub gave it (gh_list_carried_note).  Carrying never refreshes
 * the observation time, so each answer is asked again at least every
 * recheck_days.  The memory is one JSON file per org (or repository, or
 * shard) in the collector's cache directory (og_host.cache_dir), which
 * the host keeps per token; what is read back is checked like any input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gh.h"
#include "hash.h"
#include "ogjs.h"

#define MEMO_VERSION	1
#define MEMO_MAX_BYTES	((size_t)256 << 20)

struct gh_memo {
	char *path;
	cJSON *old;	/* "repos" of the file read, or NULL */
	cJSON *doc;	/* the file to write */
	cJSON *repos;	/* doc's "repos" */
};

static char *
read_all(const char *path, size_t max, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > max + 1 || !(nb = realloc(buf, cap)))
				goto fail;
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

void
gh_memo_open(struct gh *g)
{
	const char *dir = OG_HOST_HAS(g->host, cache_dir) ?
			  g->host->cache_dir(g->ctx) : NULL;
	struct gh_memo *m;
	char *what, *text;
	size_t len = 0;

	if (!dir || g->recheck_days <= 0)
		return;
	m = calloc(1, sizeof(*m));
	if (!m)
		return;
	/* one file per API, subject and shard: shards of one org never
	 * overwrite each other's memory */
	what = gh_xasprintf("%s\n%s\n%s\n%u/%u", g->api, g->org ? "org" : "repo",
			    g->org ? g->org : g->repo, g->shard_i, g->shard_n);
	m->path = gh_xasprintf("%s/memo-%016" PRIx64 ".json", dir,
			       og_hash64(what, strlen(what), 0));
	free(what);
	text = read_all(m->path, MEMO_MAX_BYTES, &len);
	if (text) {
		cJSON *doc = ogjs_parse_text(text, len, NULL, NULL);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
		const char *api = gh_str(doc, "api");

		/* another version or API, or damage: start afresh */
		if (cJSON_IsNumber(v) && v->valuedouble == MEMO_VERSION &&
		    api && !strcmp(api, g->api)) {
			m->old = cJSON_DetachItemFromObjectCaseSensitive(doc, "repos");
			if (!cJSON_IsObject(m->old)) {
				cJSON_Delete(m->old);
				m->old = NULL;
			}
		} else {
			g->host->log(g->ctx, OG_LOG_INFO, "ignoring %s: damaged, "
				     "or not this collector's memory of %s "
				     "(everything is asked again)", m->path,
				     g->api);
		}
		cJSON_Delete(doc);
		free(text);
	}
	m->doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(m->doc, "version", MEMO_VERSION);
	cJSON_AddStringToObject(m->doc, "api", g->api);
	m->repos = cJSON_AddObjectToObject(m->doc, "repos");
	if (!m->doc || !m->repos) {
		cJSON_Delete(m->doc);
		cJSON_Delete(m->old);
		free(m->path);
		free(m);
		return;
	}
	g->memo = m;
}

void
gh_memo_close(struct gh *g)
{
	struct gh_memo *m = g->memo;
	char *text, *tmp;
	FILE *f;

	if (!m)
		return;
	g->memo = NULL;
	/* a run stopped by a rate limit keeps what it read; the repos it
	 * never reached are simply asked next time */
	text = cJSON_PrintUnformatted(m->doc);
	tmp = gh_xasprintf("%s.%ld.tmp", m->path, (long)getpid());
	f = text ? fopen(tmp, "wb") : NULL;
	if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) ||
	    fclose(f) != 0 || rename(tmp, m->path) != 0) {
		g->host->log(g->ctx, OG_LOG_WARN, "cannot keep the answers of "
			     "this run in %s: %s (the next run asks again)",
			     m->path, strerror(errno));
		if (f)
			unlink(tmp);
	}
	free(tmp);
	free(text);
	cJSON_Delete(m->doc);
	cJSON_Delete(m->old);
	free(m->path);
	free(m);
}

/* What of the listing entry says the repository is as it was: absent
 * when pushed_at or updated_at is missing (then nothing is carried). */
static char *
signature(const cJSON *repo)
{
	static const char *const keys[] = {
		"pushed_at", "updated_at", "default_branch", "archived",
		"disabled", "visibility", "private", "permissions",
		"security_and_analysis",
	};
	cJSON *o;
	char *text, *sig = NULL;

	if (!gh_str(repo, "pushed_at") || !gh_str(repo, "updated_at"))
		return NULL;
	o = cJSON_CreateObject();
	for (size_t i = 0; o && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(repo, keys[i]);

		if (v)
			cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(v, true));
	}
	text = o ? cJSON_PrintUnformatted(o) : NULL;
	if (text)
		sig = gh_xasprintf("%016" PRIx64, og_hash64(text, strlen(text), 7));
	free(text);
	cJSON_Delete(o);
	return sig;
}

/* An answer worth remembering: a clean one with no ETag. */
static bool
memorable(const struct gh_list *l)
{
	return !l->error && !l->rate_limited && !l->truncated &&
	       l->pages == 1 && !l->next_url &&
	       (l->status == 204 || l->status == 403 || l->status == 404 ||
		l->status == 409);
}

size_t
gh_memo_apply(struct gh *g, const char *full, const cJSON *repo,
	      struct gh_list *const *lists, const char *const *names, size_t n)
{
	const cJSON *entry, *answers;
	const char *sig_was;
	char *sig;
	size_t carried = 0;

	if (!g->memo || !g->memo->old)
		return 0;
	entry = cJSON_GetObjectItemCaseSensitive(g->memo->old, full);
	answers = cJSON_GetObjectItemCaseSensitive(entry, "answers");
	sig_was = gh_str(entry, "sig");
	if (!cJSON_IsObject(answers) || !sig_was)
		return 0;
	sig = signature(repo);
	if (!sig || strcmp(sig, sig_was)) {
		free(sig);
		return 0;
	}
	free(sig);
	for (size_t i = 0; i < n; i++) {
		struct gh_list *l = lists[i];
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(answers, names[i]);
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(a, "status");
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(a, "at");
		const char *msg = gh_str(a, "message");

		if (!l->next_url || !cJSON_IsNumber(st) || !cJSON_IsNumber(at))
			continue;
		/* observed in the future (another clock), or too long ago */
		if (at->valuedouble > (double)g->now ||
		    at->valuedouble < (double)g->now - g->recheck_days * 86400.0)
			continue;
		if (st->valuedouble != 204 && st->valuedouble != 403 &&
		    st->valuedouble != 404 && st->valuedouble != 409)
			continue;
		free(l->next_url);
		l->next_url = NULL;
		l->status = (long)st->valuedouble;
		free(l->message);
		l->message = msg ? gh_xasprintf("%s", msg) : NULL;
		l->pages = 1;
		l->last_page = 1;
		l->carried = true;
		l->observed_at = (int64_t)at->valuedouble;
		carried++;
	}
	g->carried_answers += carried;
	return carried;
}

void
gh_memo_record(struct gh *g, const char *full, const cJSON *repo,
	       const struct gh_list *const *lists, const char *const *names,
	       size_t n)
{
	cJSON *entry, *answers;
	char *sig;

	if (!g->memo)
		return;
	sig = signature(repo);
	if (!sig)
		return;
	entry = cJSON_CreateObject();
	cJSON_AddStringToObject(entry, "sig", sig);
	free(sig);
	answers = cJSON_AddObjectToObject(entry, "answers");
	for (size_t i = 0; answers && i < n; i++) {
		const struct gh_list *l = lists[i];
		cJSON *a;

		if (!l->carried && !memorable(l))
			continue;
		a = cJSON_AddObjectToObject(answers, names[i]);
		cJSON_AddNumberToObject(a, "status", (double)l->status);
		if (l->message)
			cJSON_AddStringToObject(a, "message", l->message);
		/* a carried answer keeps the time GitHub gave it */
		cJSON_AddNumberToObject(a, "at", (double)(l->carried ?
					l->observed_at : g->now));
	}
	if (cJSON_GetArraySize(answers) > 0)
		cJSON_AddItemToObject(g->memo->repos, full, entry);
	else
		cJSON_Delete(entry);
}

char *
gh_list_carried_note(const struct gh_list *l)
{
	char when[32];
	time_t t;
	struct tm tm;

	if (!l->carried)
		return gh_xasprintf("%s", "");
	t = (time_t)l->observed_at;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "(time out of range)");
	return gh_xasprintf(" [carried over: GET %s answered HTTP %ld at %s; "
			    "the repository is unchanged since (pushed_at, "
			    "updated_at, permissions, settings), so it was not "
			    "asked again]", l->path, l->status, when);
}
