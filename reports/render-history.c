/*
 * `opsgrade history` for a terminal: one line per snapshot, the trend
 * of the last few and the change since the previous run, over the
 * listing document core/history builds (the one `--json` prints).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "core/jsonget.h"
#include "render.h"

#define TREND_MAX	12

static const char *const severities[] = { "critical", "high", "medium",
					  "low" };

static double
num_or(const cJSON *v, double dflt)
{
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* A snapshot without a scanner has no finding counts ("-"), not 0. */
static bool
scanned(const cJSON *snap)
{
	return !cJSON_IsFalse(og_jget(snap, "scanned"));
}

static void
print_level(FILE *out, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		fprintf(out, "%5d", (int)v->valuedouble);
	else
		fprintf(out, "%5s", "-");
}

/* Mean of the known area percentages, or -1. */
static double
areas_mean(const cJSON *areas)
{
	double sum = 0;
	int n = 0;
	const cJSON *a;

	cJSON_ArrayForEach(a, areas)
		if (cJSON_IsNumber(a)) {
			sum += a->valuedouble;
			n++;
		}
	return n ? sum / n : -1;
}

/* "Trend" lines over the last few snapshots: level and open
 * critical/high, oldest first. */
static void
print_trend(FILE *out, const cJSON *snaps)
{
	static const char *const rows[] = { "level", "critical", "high" };
	int n = cJSON_GetArraySize(snaps);
	int first = n > TREND_MAX ? n - TREND_MAX : 0;

	if (n < 2)
		return;
	fprintf(out, "\nTrend (last %d):\n", n - first);
	for (size_t k = 0; k < 3; k++) {
		fprintf(out, "  %-15s", rows[k]);
		for (int i = first; i < n; i++) {
			const cJSON *doc = cJSON_GetArrayItem(snaps, i);
			const cJSON *v = k == 0 ? og_jget(doc, "level") :
				scanned(doc) ?
				og_jget2(doc, "open", rows[k]) : NULL;

			if (i > first)
				fputs(" ->", out);
			if (cJSON_IsNumber(v))
				fprintf(out, " %.0f", v->valuedouble);
			else
				fputs(" -", out);
		}
		fputc('\n', out);
	}
}

static void
print_text(const cJSON *listing, FILE *out)
{
	const cJSON *snaps = og_jget(listing, "snapshots");
	const cJSON *d = og_jget(listing, "delta"), *doc;
	int n = cJSON_GetArraySize(snaps);

	fprintf(out, "History in %s: %d snapshot%s\n",
		og_jstr_or(og_jget(listing, "dir"), "?"), n,
		n == 1 ? "" : "s");
	if (n == 0)
		return;
	fprintf(out, "\n%-20s  %-24s %5s %5s %5s %5s %5s  %s\n", "date",
		"subject", "level", "crit", "high", "med", "low", "areas avg");
	cJSON_ArrayForEach(doc, snaps) {
		const cJSON *open = og_jget(doc, "open");
		double m = areas_mean(og_jget(doc, "areas"));

		fprintf(out, "%-20s  %-24.24s ",
			og_jstr_or(og_jget(doc, "at"), "?"),
			og_jstr_or(og_jget(doc, "subject"), "?"));
		print_level(out, og_jget(doc, "level"));
		for (size_t k = 0; k < 4; k++) {
			if (scanned(doc))
				fprintf(out, " %5.0f", num_or(og_jget(open,
						severities[k]), 0));
			else
				fprintf(out, " %5s", "-");
		}
		if (m >= 0)
			fprintf(out, "  %5.1f%%", m);
		else
			fprintf(out, "  %6s", "-");
		/* like the charts: an incomplete run rests on less evidence */
		fputs(cJSON_IsFalse(og_jget(doc, "complete")) ? "  incomplete run\n" : "\n", out);
	}
	print_trend(out, snaps);
	if (!cJSON_IsObject(d))
		return;
	{
		/* the baseline is the last complete run (history.compared_with) */
		double after = 0;
		const cJSON *cw = og_jget(listing, "compared_with");

		og_jnum(og_jget(cw, "incomplete_after"), &after);
		fprintf(out, "\nSince %s%s:\n",
			og_jstr_or(og_jget(listing, "previous_at"), "?"),
			after > 0 ? " (the last complete run)" : "");
	}
	fprintf(out, "  level            ");
	print_level(out, og_jget2(d, "level", "from"));
	fprintf(out, " ->");
	print_level(out, og_jget2(d, "level", "to"));
	if (cJSON_IsTrue(og_jget(d, "findings_compared")))
		fprintf(out, "\n  findings         %.0f new, %.0f fixed, %.0f "
			"still open\n",
			num_or(og_jget(d, "findings_new_count"), 0),
			num_or(og_jget(d, "findings_fixed_count"), 0),
			num_or(og_jget(d, "findings_still_open"), 0));
	else
		fprintf(out, "\n  findings         not compared (no scanner "
			"ran in one of the two runs)\n");
	fprintf(out, "  capabilities     %d gained, %d lost\n",
		cJSON_GetArraySize(og_jget(d, "capabilities_gained")),
		cJSON_GetArraySize(og_jget(d, "capabilities_lost")));
}

static void
print_subjects(const cJSON *listing, FILE *out)
{
	const cJSON *s, *subjects = og_jget(listing, "subjects");

	if (cJSON_GetArraySize(subjects) == 0) {
		fprintf(out, "No history in %s yet: every 'opsgrade report' stores a snapshot "
			"there.\n", og_jstr_or(og_jget(listing, "dir"), "?"));
		return;
	}
	fprintf(out, "History in %s: %d subjects\n\n%-32s %5s  %-20s %9s\n",
		og_jstr_or(og_jget(listing, "dir"), "?"), cJSON_GetArraySize(subjects),
		"subject", "level", "latest", "snapshots");
	cJSON_ArrayForEach(s, subjects) {
		const cJSON *lv = og_jget(s, "level");
		char level[16];

		if (cJSON_IsNumber(lv))
			snprintf(level, sizeof(level), "%d", lv->valueint);
		else
			snprintf(level, sizeof(level), "-");
		fprintf(out, "%-32s %5s  %-20s %9d\n", og_jstr_or(og_jget(s, "subject"), "?"),
			level, og_jstr_or(og_jget(s, "at"), "?"),
			cJSON_IsNumber(og_jget(s, "snapshots")) ? og_jget(s, "snapshots")->valueint : 0);
	}
	fprintf(out, "\n'opsgrade history --subject NAME' shows one subject's snapshots and trend.\n");
}

int
og_render_history(const cJSON *listing, bool json, FILE *out)
{
	char *text;

	if (!json && cJSON_IsArray(og_jget(listing, "subjects"))) {
		print_subjects(listing, out);
	} else if (!json) {
		print_text(listing, out);
	} else {
		text = cJSON_Print(listing);
		if (!text)
			return -ENOMEM;
		fprintf(out, "%s\n", text);
		free(text);
	}
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
