/*
 * Incomplete-run banner and "since the previous report" lines: one
 * wording for the PDF, PNG, HTML, mail and terminal.  A change is stated
 * only as the history's delta counts it (like for like); what could not
 * be compared is said to be "not re-checked", never "fixed" or "lost".
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"
#include "rdoc.h"
#include "runnote.h"
#include "util.h"

/* Append ", " (or @first_sep when @s is empty) and the formatted text. */
static char *
cat(char *s, const char *sep, const char *text)
{
	char *t = og_asprintf("%s%s%s", s ? s : "", s && *s ? sep : "", text);

	free(s);
	return t;
}

/* "repo failed (killed by SIGABRT)", "trivy did not run (...)". */
static char *
missing_phrase(const cJSON *m)
{
	const char *name = og_jstr_or(og_jget(m, "collector"), "?");
	const char *st = og_jstr_or(og_jget(m, "status"), "");
	const char *why = og_jstr(og_jget(m, "reason"));
	char *clean = og_text_clean(why, 160, false), *s;

	if (!strcmp(st, "skipped"))
		s = og_asprintf("%s did not run%s%s%s", name, clean ? " (" : "",
				clean ? (strncmp(clean, "did not run; ", 13) ?
					 clean : clean + 13) : "", clean ? ")" : "");
	else
		s = og_asprintf("%s %s%s%s%s", name,
				!strcmp(st, "partial") ? "was partial" : "failed",
				clean ? " (" : "", clean ? clean : "", clean ? ")" : "");
	free(clean);
	return s;
}

char *
og_rj_incomplete_text(const cJSON *report)
{
	const cJSON *run = og_jget(report, "run"), *m;
	char *s = NULL, *t;

	if (!cJSON_IsFalse(og_jget(run, "complete")))
		return NULL;
	cJSON_ArrayForEach(m, og_jget(run, "missing")) {
		char *ph = missing_phrase(m);

		s = cat(s, "; ", ph);
		free(ph);
	}
	t = og_asprintf("Incomplete run: %s. What %s would have observed counts as "
			"not observed, and the change since the previous report "
			"counts only what both runs saw.", s ? s : "a collector did not "
			"run completely", cJSON_GetArraySize(og_jget(run, "missing")) == 1
			? "it" : "they");
	free(s);
	return t;
}

/* "trivy examined other targets (now nginx:1.25; before alpine:3.19)":
 * the kind prefix of each "kind:id" is left out, at most three each. */
char *
og_rj_targets_text(const cJSON *arr)
{
	const cJSON *t;
	char *s = NULL, *clean;
	int n = 0;

	cJSON_ArrayForEach(t, arr) {
		const char *v = og_jstr(t), *colon = v ? strchr(v, ':') : NULL;

		if (!v)
			continue;
		if (n++ == 3) {
			s = cat(s, ", ", "…");
			break;
		}
		/* a plugin's words: cleaned and cut like any other */
		clean = og_text_clean(colon && colon[1] ? colon + 1 : v, 80, false);
		s = cat(s, ", ", clean ? clean : "?");
		free(clean);
	}
	return s ? s : og_strdup0("none declared");
}

static char *
targets_phrase(const cJSON *c)
{
	char *now = og_rj_targets_text(og_jget(c, "targets_now"));
	char *before = og_rj_targets_text(og_jget(c, "targets_before"));
	char *s = og_asprintf("%s examined other targets (now %s; before %s)",
			      og_jstr_or(og_jget(c, "collector"), "?"), now, before);

	free(now);
	free(before);
	return s;
}

/* Why the two runs are not alike: "repo failed", "trivy did not run",
 * "github ran only this time"; NULL when nothing is listed. */
static char *
unlike_reason(const cJSON *delta)
{
	const cJSON *c;
	char *s = NULL;

	cJSON_ArrayForEach(c, og_jget(delta, "collectors_changed")) {
		const char *name = og_jstr_or(og_jget(c, "collector"), "?");
		const char *now = og_jstr(og_jget(c, "now"));
		const char *before = og_jstr(og_jget(c, "before"));
		char *ph;

		if (now && before && !strcmp(now, before) &&
		    og_jget(c, "targets_now"))
			ph = targets_phrase(c);
		else if (now && !strcmp(now, "ok"))
			ph = og_asprintf("%s ran only this time", name);
		else if (now && (!strcmp(now, "failed") || !strcmp(now, "partial")))
			ph = og_asprintf("%s %s", name, !strcmp(now, "failed")
					 ? "failed" : "was partial");
		else
			ph = og_asprintf("%s did not run", name);
		s = cat(s, ", ", ph);
		free(ph);
	}
	return s;
}

static char *
level_line(const cJSON *report, const cJSON *delta)
{
	const cJSON *lv = og_jget(delta, "level");
	double from, to;
	char *why, *s;

	if (!og_rj_num(lv, "from", &from) || !og_rj_num(lv, "to", &to))
		return og_strdup0("Maturity level: not compared (not assessed in one "
				  "of the two reports)");
	if (!cJSON_IsFalse(og_jget(lv, "compared")))
		return og_asprintf("Maturity level %.0f \xe2\x86\x92 %.0f%s", from, to,
				   to > from ? " (up)" : to < from ? " (down)" : " (unchanged)");
	why = unlike_reason(delta);
	if (!why && cJSON_IsFalse(og_jget2(report, "run", "complete")))
		why = og_strdup0("this run is incomplete");
	s = og_asprintf("Maturity level: not compared with the previous report "
			"(the two runs did not see the same evidence%s%s)",
			why ? ": " : "", why ? why : "");
	free(why);
	return s;
}

static int
num(const cJSON *o, const char *key)
{
	double v = 0;

	return og_rj_num(o, key, &v) ? (int)v : 0;
}

static char *
findings_line(const cJSON *delta)
{
	int norc = num(delta, "findings_not_rechecked_count");
	int before = num(delta, "findings_unchecked_before_count");
	double still;
	char *s;

	if (cJSON_IsFalse(og_jget(delta, "findings_compared")))
		s = og_strdup0("Findings: not compared (no scanner ran in one of the "
			       "two reports)");
	else if (og_rj_num(delta, "findings_still_open", &still))
		s = og_asprintf("Findings: %d new, %d fixed, %.0f still open",
				num(delta, "findings_new_count"),
				num(delta, "findings_fixed_count"), still);
	else
		s = og_asprintf("Findings: %d new, %d fixed",
				num(delta, "findings_new_count"),
				num(delta, "findings_fixed_count"));
	if (norc) {
		char *t = og_asprintf("%s; %d not re-checked (the collector that "
				      "reported %s did not run again completely "
				      "over the same target)",
				      s, norc, norc == 1 ? "it" : "them");
		free(s);
		s = t;
	}
	if (before) {
		char *t = og_asprintf("%s; %d seen for the first time by a collector "
				      "that did not run last time", s, before);
		free(s);
		s = t;
	}
	return s;
}

static char *
capabilities_line(const cJSON *delta)
{
	int norc = num(delta, "capabilities_not_rechecked_count");
	int first = num(delta, "capabilities_first_observed_count");
	char *s = og_asprintf("Capabilities: %d gained, %d lost",
			      og_rj_count(og_rj_arr(delta, "capabilities_gained")),
			      og_rj_count(og_rj_arr(delta, "capabilities_lost")));
	char *t;

	if (norc) {
		t = og_asprintf("%s; %d not re-checked (not observed this time)", s, norc);
		free(s);
		s = t;
	}
	if (first) {
		t = og_asprintf("%s; %d observed for the first time", s, first);
		free(s);
		s = t;
	}
	return s;
}

/* Said when the delta does not compare with the run just before: the
 * incomplete runs in between are passed over (history.compared_with). */
static char *
baseline_line(const cJSON *h)
{
	const cJSON *cw = og_jget(h, "compared_with");
	int after = num(cw, "incomplete_after");
	const char *at = og_jstr(og_jget(cw, "at"));

	if (!at)
		return NULL;
	if (cJSON_IsFalse(og_jget(cw, "complete")))
		return og_asprintf("Compared with the report of %.10s, which was "
				   "incomplete: no complete run is in the history", at);
	if (!after)
		return NULL;
	return og_asprintf("Compared with the report of %.10s, the last complete run "
			   "(the %d later run%s %s incomplete)", at, after,
			   after == 1 ? "" : "s", after == 1 ? "was" : "were");
}

int
og_rj_since_lines(const cJSON *report, char *lines[OG_SINCE_LINES])
{
	const cJSON *h = og_jget(report, "history");
	const cJSON *d = og_jget(h, "delta");

	if (!og_jstr(og_jget(h, "previous_at")) || !cJSON_IsObject(d))
		return 0;
	int n = 0;
	char *base = baseline_line(h);

	if (base)
		lines[n++] = base;
	lines[n++] = level_line(report, d);
	lines[n++] = findings_line(d);
	lines[n++] = capabilities_line(d);
	return n;
}
