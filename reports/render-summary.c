/*
 * The one-screen terminal summary printed by `opsgrade report`: level,
 * areas, KPIs, gates with what passes them, and the plan (this week,
 * this month, this quarter) in place of a separate list of top gaps.  Reads only the assessment JSON, so it
 * works the same on a report read back from disk.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonget.h"
#include "rdoc.h"
#include "render.h"
#include "runnote.h"
#include "scope.h"

#define PLAN_PER_HORIZON	3	/* one screen; the decision page has them all */

static void
plan_line(void *ctx, bool heading, const char *text)
{
	fprintf(ctx, heading ? "  %s\n" : "    - %s\n", text);
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(j) ? j->valuestring : "";
}

static double
num(const cJSON *o, const char *k, double dflt)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(j) ? j->valuedouble : dflt;
}

/* Met, missing and unknown as shares of the applicable weight: '#' in
 * place, 'x' missing, '?' not observed (docs/scoring.md). */
static void
bar(FILE *out, const cJSON *area)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(area, "weights");
	double app = num(w, "applicable", 0), met = num(w, "met", 0);
	double miss = num(w, "missing", 0);
	int n_met = app > 0 ? (int)(20 * met / app + 0.5) : 0;
	int n_miss = app > 0 ? (int)(20 * (met + miss) / app + 0.5) - n_met : 0;

	for (int i = 0; i < 20; i++)
		fputc(i < n_met ? '#' : i < n_met + n_miss ? 'x' : '?', out);
}

void
og_render_summary(const cJSON *as, const cJSON *gates, FILE *out)
{
	const cJSON *it, *next;

	if (!cJSON_IsObject(as)) {
		fputs("No assessment.\n", out);
		return;
	}
	fprintf(out, "Maturity: Level %d (%s) of 5, confirmed", (int)num(as, "level", 1),
		str(as, "level_name"));
	{
		const cJSON *cov = cJSON_GetObjectItemCaseSensitive(as, "coverage");
		const cJSON *pl = cJSON_GetObjectItemCaseSensitive(as, "possible_level");

		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(cov, "percent")))
			fprintf(out, "; coverage %.1f%%", num(cov, "percent", 0));
		fputc('\n', out);
		if (num(pl, "level", 0) > num(as, "level", 1))
			fprintf(out, "  up to Level %d once %d unobserved capabilities are "
				"confirmed or attested\n", (int)num(pl, "level", 0),
				(int)num(pl, "unobserved", 0));
	}
	next = cJSON_GetObjectItemCaseSensitive(as, "next_level");
	if (cJSON_IsObject(next) && *str(next, "text"))
		fprintf(out, "  %s\n", str(next, "text"));

	fputs("\nAreas (# in place, x missing, ? not observed)\n", out);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "areas")) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "completeness");
		int unk = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(it, "unknown"));

		fprintf(out, "  %-34.34s ", str(it, "name"));
		if (cJSON_IsNumber(c)) {
			bar(out, it);
			fprintf(out, " %6s  coverage %3.0f%%", str(it, "display"),
				num(it, "coverage", 0));
		} else {
			fprintf(out, "(%s)   ", str(it, "display"));
		}
		if (unk)
			fprintf(out, "  %d not observed", unk);
		fputc('\n', out);
	}

	fputs("\nKPIs\n", out);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "kpis")) {
		const cJSON *band = cJSON_GetObjectItemCaseSensitive(it, "band");

		fprintf(out, "  %-40.40s %-18s %s", str(it, "name"), str(it, "display"),
			str(it, "status"));
		if (cJSON_IsString(band))
			fprintf(out, " (%s, DORA %d)", band->valuestring, (int)num(it, "band_year", 0));
		fputc('\n', out);
	}

	if (og_rj_count(gates)) {
		char buf[96];

		fprintf(out, "\n%s\n", og_rj_gates_verdict(as, gates, buf, sizeof(buf)));
		cJSON_ArrayForEach(it, gates) {
			if (!og_rj_gate_failed(it))
				continue;
			fprintf(out, "  FAIL %s\n", og_rj_gate_text(it));
			if (og_rj_gate_fix(it))
				fprintf(out, "       %s\n", og_rj_gate_fix(it));
		}
	}
	if (og_rj_obj(as, "decision")) {
		fputs("\nDecision and next steps\n", out);
		og_decision_walk(as, PLAN_PER_HORIZON, plan_line, out);
	}
}

/* The incomplete-run banner and the like-for-like change since the
 * previous report (runnote.c), above the summary. */
void
og_render_run_note(const struct og_report *rep, FILE *out)
{
	const cJSON *report = rep->doc;
	char *text = og_rj_incomplete_text(report);
	char *scope = og_scope_line(rep);
	char *lines[OG_SINCE_LINES];
	int n = og_rj_since_lines(report, lines);

	if (text)
		fprintf(out, "%s\n\n", text);
	free(text);
	if (scope)
		fprintf(out, "%s\n\n", scope);
	free(scope);
	if (n)
		fprintf(out, "Since %.10s:\n", str(og_jget(report, "history"), "previous_at"));
	for (int i = 0; i < n; i++) {
		fprintf(out, "  %s\n", lines[i]);
		free(lines[i]);
	}
	if (n)
		fputc('\n', out);
}
