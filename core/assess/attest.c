/*
 * Attestations: what no collector can see (runbooks, on-call, backups,
 * DR drills...), stated by a person or team with a date and evidence.
 *
 *   {"attestations": {"doc.runbooks": {"status": "met", "by": "SRE team",
 *     "date": "2026-10-01", "evidence": "https://wiki/runbooks",
 *     "expires": "2027-10-01"}}}
 *
 * Rules (docs/scoring.md "Attestations"): an attestation decides only a
 * capability no collector observed; when a collector observed the
 * opposite, the observation wins and the contradiction is listed; an
 * expired attestation decides nothing ("attestation expired on ...").
 * "not_applicable" may also take a capability out of the denominators,
 * unless it was observed met.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

#define ATTEST_FILE_MAX		((size_t)4 << 20)

static int
afail(char **ret_err, const char *file, const char *path, const char *what)
{
	*ret_err = og_asprintf("%s: %s: %s", file, path, what);
	return -EINVAL;
}

/* YYYY-MM-DD that names a real day; its midnight UTC in *ret. */
static bool
parse_day(const cJSON *j, int64_t *ret)
{
	char back[32];

	if (!cJSON_IsString(j) || strlen(j->valuestring) != 10 ||
	    og_parse_time(j->valuestring, ret) < 0)
		return false;
	og_format_time(*ret, back, sizeof(back));
	return !strncmp(back, j->valuestring, 10);	/* 2026-02-31 is not */
}

static int
parse_entry(struct og_attest *a, const struct og_mm *mm, const cJSON *e,
	    const char *file, char **ret_err)
{
	static const char *const known[] = {
		"status", "by", "date", "evidence", "expires", "note",
		/* what `opsgrade attest --template` writes for the reader */
		"title", "question", "not_observed", NULL,
	};
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(e, "by");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(e, "evidence");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(e, "expires");
	char *path = og_asprintf("$.attestations.%s", e->string);
	char *p = NULL;
	int r = 0;

	if (!og_mm_cap(mm, e->string)) {
		r = afail(ret_err, file, path, "unknown capability id (see the report's "
			  "capabilities or `opsgrade attest --template`)");
		goto out;
	}
	if (!cJSON_IsObject(e)) {
		r = afail(ret_err, file, path, "expected an object {status, by, date, evidence}");
		goto out;
	}
	for (const cJSON *it = e->child; it; it = it->next) {
		bool ok = false;

		for (size_t k = 0; known[k]; k++)
			ok = ok || !strcmp(known[k], it->string);
		if (!ok) {
			p = og_asprintf("%s.%s", path, it->string);
			r = afail(ret_err, file, p, "unknown key (expected status, by, date, "
				  "evidence, expires, note)");
			goto out;
		}
	}
	/* a template entry not answered yet: states nothing */
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "unknown")) {
		r = 1;
		goto out;
	}
	a->id = og_strdup0(e->string);
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "met"))
		a->status = OG_CAP_MET;
	else if (cJSON_IsString(st) && !strcmp(st->valuestring, "missing"))
		a->status = OG_CAP_MISSING;
	else if (cJSON_IsString(st) && !strcmp(st->valuestring, "not_applicable"))
		a->status = OG_CAP_NA;
	else {
		p = og_asprintf("%s.status", path);
		r = afail(ret_err, file, p, "expected \"met\", \"missing\" or \"not_applicable\" "
			  "(or \"unknown\": not stated yet)");
		goto out;
	}
	if (!cJSON_IsString(by) || !*by->valuestring) {
		p = og_asprintf("%s.by", path);
		r = afail(ret_err, file, p, "expected who attests it (a person or team)");
		goto out;
	}
	a->by = og_strdup0(by->valuestring);
	if (!parse_day(cJSON_GetObjectItemCaseSensitive(e, "date"), &a->date)) {
		p = og_asprintf("%s.date", path);
		r = afail(ret_err, file, p, "expected a date YYYY-MM-DD");
		goto out;
	}
	a->date_text = og_strdup0(cJSON_GetObjectItemCaseSensitive(e, "date")->valuestring);
	if (ev && !cJSON_IsString(ev)) {
		p = og_asprintf("%s.evidence", path);
		r = afail(ret_err, file, p, "expected a URL or path (string)");
		goto out;
	}
	a->evidence = ev ? og_strdup0(ev->valuestring) : NULL;
	if (ex) {
		if (!parse_day(ex, &a->expires)) {
			p = og_asprintf("%s.expires", path);
			r = afail(ret_err, file, p, "expected a date YYYY-MM-DD");
			goto out;
		}
		if (a->expires < a->date) {
			p = og_asprintf("%s.expires", path);
			r = afail(ret_err, file, p, "is before the attestation's date");
			goto out;
		}
	} else {
		/* the same day a year later (28 February for a 29th) */
		const char *d = a->date_text;
		char *next = og_asprintf("%04d-%.5s", atoi(d) + 1,
					 strcmp(d + 5, "02-29") ? d + 5 : "02-28");

		og_parse_time(next, &a->expires);
		free(next);
	}
	{
		char buf[32];

		og_format_time(a->expires, buf, sizeof(buf));
		buf[10] = '\0';
		a->expires_text = og_strdup0(buf);
	}
out:
	free(p);
	free(path);
	return r;
}

int
og_attest_load(const char *file, const struct og_mm *mm, struct og_attest_set *set,
	       char **ret_err)
{
	char *buf = NULL;
	size_t len;
	cJSON *doc = NULL;
	const cJSON *list, *e;
	int r;

	memset(set, 0, sizeof(*set));
	if (!file)
		return 0;
	if ((r = og_read_file(file, ATTEST_FILE_MAX, &buf, &len)) < 0) {
		*ret_err = og_asprintf("%s: cannot read attestations: %s", file,
				       r == -EFBIG ? "file too large" : strerror(-r));
		return r;
	}
	doc = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!cJSON_IsObject(doc)) {
		r = afail(ret_err, file, "$", doc ? "expected an object {\"attestations\": {...}}"
						  : "not valid JSON");
		goto out;
	}
	for (const cJSON *it = doc->child; it; it = it->next)
		if (strcmp(it->string, "attestations") && strcmp(it->string, "schema") &&
		    strcmp(it->string, "description")) {
			char *p = og_asprintf("$.%s", it->string);

			r = afail(ret_err, file, p, "unknown key (expected attestations)");
			free(p);
			goto out;
		}
	list = cJSON_GetObjectItemCaseSensitive(doc, "attestations");
	if (!cJSON_IsObject(list)) {
		r = afail(ret_err, file, "$.attestations", "expected an object {capability id: {...}}");
		goto out;
	}
	set->file = og_strdup0(file);
	set->items = og_xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*set->items));
	cJSON_ArrayForEach(e, list) {
		if ((r = parse_entry(&set->items[set->n], mm, e, file, ret_err)) < 0) {
			set->n++;	/* free what it holds */
			goto out;
		}
		if (r == 0)	/* 1: left at "unknown", nothing held */
			set->n++;
	}
	r = 0;
out:
	cJSON_Delete(doc);
	if (r < 0)
		og_attest_fini(set);
	return r;
}

void
og_attest_fini(struct og_attest_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->items[i].id);
		free(set->items[i].by);
		free(set->items[i].evidence);
		free(set->items[i].date_text);
		free(set->items[i].expires_text);
	}
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof(*set));
}

const struct og_attest *
og_attest_find(const struct og_attest_set *set, const char *id)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (!strcmp(set->items[i].id, id))
			return &set->items[i];
	return NULL;
}

/* Decide @i's status from its attestation, if any (after observation). */
void
og_attest_apply(struct og_scored *sc, size_t i, const struct og_attest_set *set,
		int64_t now)
{
	const struct og_attest *a = og_attest_find(set, sc->mm->caps[i].id);
	enum og_cap_status obs = sc->status[i];

	if (!a)
		return;
	if (now > a->expires) {
		sc->outcome[i] = OG_ATTEST_EXPIRED;
		if (obs == OG_CAP_UNKNOWN) {
			free(sc->why[i]);
			sc->why[i] = og_asprintf("attestation expired on %s", a->expires_text);
		}
		return;
	}
	if (obs == OG_CAP_UNKNOWN) {
		sc->status[i] = a->status;
		sc->source[i] = OG_SRC_ATTESTED;
		sc->outcome[i] = OG_ATTEST_USED;
		free(sc->why[i]);
		sc->why[i] = a->status == OG_CAP_NA
			? og_asprintf("attested not applicable by %s on %s", a->by, a->date_text)
			: NULL;
		return;
	}
	if (obs == a->status) {
		sc->outcome[i] = OG_ATTEST_AGREES;
		return;
	}
	/* Observed missing, attested not applicable: a judgement no collector
	 * makes, so the attestation takes it out of the denominators. */
	if (obs == OG_CAP_MISSING && a->status == OG_CAP_NA) {
		sc->status[i] = OG_CAP_NA;
		sc->source[i] = OG_SRC_ATTESTED;
		sc->outcome[i] = OG_ATTEST_USED;
		free(sc->why[i]);
		sc->why[i] = og_asprintf("attested not applicable by %s on %s", a->by, a->date_text);
		return;
	}
	sc->outcome[i] = OG_ATTEST_CONTRADICTED;
}

static const char *const outcome_names[] = {
	[OG_ATTEST_NONE] = "none", [OG_ATTEST_USED] = "used",
	[OG_ATTEST_AGREES] = "agrees with the observation",
	[OG_ATTEST_CONTRADICTED] = "contradicted by the observation",
	[OG_ATTEST_EXPIRED] = "expired",
};

cJSON *
og_attest_json(const struct og_attest *a, enum og_attest_outcome o)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "status", og_cap_status_name(a->status));
	cJSON_AddStringToObject(j, "by", a->by);
	cJSON_AddStringToObject(j, "date", a->date_text);
	if (a->evidence)
		cJSON_AddStringToObject(j, "evidence", a->evidence);
	else
		cJSON_AddNullToObject(j, "evidence");
	cJSON_AddStringToObject(j, "expires", a->expires_text);
	cJSON_AddStringToObject(j, "outcome", outcome_names[o]);
	return j;
}

/* assessment.attestations: the file and every attestation with what
 * became of it (the evidence appendix lists them all). */
cJSON *
og_attest_summary(const struct og_scored *sc, const struct og_attest_set *set)
{
	cJSON *o = cJSON_CreateObject(), *items, *contra, *expired;

	if (set->file)
		cJSON_AddStringToObject(o, "file", set->file);
	else
		cJSON_AddNullToObject(o, "file");
	items = cJSON_AddArrayToObject(o, "items");
	contra = cJSON_AddArrayToObject(o, "contradictions");
	expired = cJSON_AddArrayToObject(o, "expired");
	for (size_t i = 0; i < sc->mm->n_caps; i++) {
		const struct og_attest *a = og_attest_find(set, sc->mm->caps[i].id);
		cJSON *j;

		if (!a)
			continue;
		j = og_attest_json(a, sc->outcome[i]);
		cJSON_AddStringToObject(j, "id", a->id);
		cJSON_AddStringToObject(j, "title", sc->mm->caps[i].title);
		cJSON_AddItemToArray(items, j);
		if (sc->outcome[i] == OG_ATTEST_CONTRADICTED) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "id", a->id);
			cJSON_AddStringToObject(c, "attested", og_cap_status_name(a->status));
			cJSON_AddStringToObject(c, "observed", og_cap_status_name(sc->status[i]));
			cJSON_AddStringToObject(c, "by", a->by);
			cJSON_AddStringToObject(c, "date", a->date_text);
			cJSON_AddItemToArray(contra, c);
		}
		if (sc->outcome[i] == OG_ATTEST_EXPIRED) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "id", a->id);
			cJSON_AddStringToObject(c, "expired_on", a->expires_text);
			cJSON_AddStringToObject(c, "by", a->by);
			cJSON_AddItemToArray(expired, c);
		}
	}
	return o;
}
