/*
 * The one-screen terminal summary printed by `opsgrade report`: level,
 * areas, top gaps, KPIs, gates.  Reads only the assessment JSON, so it
 * works the same on a report read back from disk.
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "render.h"

#define TOP_GAPS	5

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

static void
bar(FILE *out, double pct)
{
	int n = (int)(pct / 5.0 + 0.5);

	for (int i = 0; i < 20; i++)
		fputc(i < n ? '#' : '.', out);
}

void
og_render_summary(const cJSON *as, const cJSON *gates, FILE *out)
{
	const cJSON *it, *next;
	int n = 0, fails = 0, total = 0;

	if (!cJSON_IsObject(as)) {
		fputs("No assessment.\n", out);
		return;
	}
	fprintf(out, "Maturity: Level %d (%s) of 5\n", (int)num(as, "level", 1),
		str(as, "level_name"));
	next = cJSON_GetObjectItemCaseSensitive(as, "next_level");
	if (cJSON_IsObject(next) && *str(next, "text"))
		fprintf(out, "  %s\n", str(next, "text"));

	fputs("\nAreas\n", out);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "areas")) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "completeness");
		int unk = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(it, "unknown"));

		fprintf(out, "  %-34.34s ", str(it, "name"));
		if (cJSON_IsNumber(c)) {
			bar(out, c->valuedouble);
			fprintf(out, " %6s", str(it, "display"));
		} else {
			fputs("(not observed)      ", out);
		}
		if (unk)
			fprintf(out, "  %d unknown", unk);
		fputc('\n', out);
	}

	fputs("\nTop gaps\n", out);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "gaps")) {
		if (n++ == TOP_GAPS)
			break;
		fprintf(out, "  P%d %-44.44s %s\n", (int)num(it, "priority", 3),
			str(it, "title"), str(it, "effort"));
	}
	if (!n)
		fputs("  none\n", out);

	fputs("\nKPIs\n", out);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(as, "kpis")) {
		const cJSON *band = cJSON_GetObjectItemCaseSensitive(it, "band");

		fprintf(out, "  %-40.40s %-18s %s", str(it, "name"), str(it, "display"),
			str(it, "status"));
		if (cJSON_IsString(band))
			fprintf(out, " (%s, DORA %d)", band->valuestring, (int)num(it, "band_year", 0));
		fputc('\n', out);
	}

	cJSON_ArrayForEach(it, gates) {
		total++;
		fails += !strcmp(str(it, "status"), "fail");
	}
	if (total) {
		fprintf(out, "\nGates: %d of %d passed\n", total - fails, total);
		cJSON_ArrayForEach(it, gates)
			if (!strcmp(str(it, "status"), "fail"))
				fprintf(out, "  FAIL %s\n", str(it, "description"));
	}
}
