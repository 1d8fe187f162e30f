/*
 * report.html: the executive report as one self-contained page — inline
 * CSS and SVG, no script, no external resource (a Content-Security-Policy
 * forbids loading any), so it works offline, as a CI artifact and in a
 * mail client's browser view.  Same sections, figures and evidence as
 * report.pdf, read from the same report document and formatted with the
 * same helpers (og_fmt_value, og_fmt_date): nothing is recomputed here.
 * A phone-width screen stacks table rows; print gives page breaks per
 * section.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "html.h"
#include "render.h"
#include "rdoc.h"
#include "runnote.h"
#include "segbar.h"
#include "scope.h"

#define TOP_FINDINGS	10
#define EVIDENCE_ROWS_MAX 200
#define TIMELINE_ROWS_MAX 36
#define PORTFOLIO_ROWS_MAX 500

struct hr {
	struct og_html h;
	const struct og_rstyle *st;
	const cJSON *report, *as, *hist;
	const struct og_report *rep;	/* the findings */
	const char *subject;
	char date_long[40];
};

static const char *const section_titles[][2] = {
	{ "summary", "1. Executive summary" },
	{ "current", "2. Current state" },
	{ "ladder", "3. Maturity ladder" },
	{ "gaps", "4. Gap analysis" },
	{ "roadmap", "5. Roadmap, quick wins and costs" },
	{ "kpis", "6. Metrics and KPIs" },
	{ "portfolio", "6b. Portfolio of repositories" },
	{ "security", "7. Security" },
	{ "decision", "8. Decision and next steps" },
	{ "appendix", "9. Appendix: collectors, evidence, model" },
};

enum { S_SUMMARY, S_CURRENT, S_LADDER, S_GAPS, S_ROADMAP, S_KPIS, S_PORTFOLIO,
       S_SECURITY, S_DECISION, S_APPENDIX, S_COUNT };

static void
section(struct hr *r, int s)
{
	fprintf(r->h.f, "</section>\n<section aria-labelledby=\"%s\">\n", section_titles[s][0]);
	og_html_heading(&r->h, 2, section_titles[s][0], section_titles[s][1]);
}

static const char *
str_or(const cJSON *o, const char *key, const char *fallback)
{
	const char *s = og_rj_str(o, key);

	return s ? s : fallback;
}

/* The effort as the assessment words it ("1.5 days"), as in the PDF:
 * never re-rounded from the minutes here. */
static void
effort_text(const cJSON *o, char *buf, size_t size)
{
	snprintf(buf, size, "%s", str_or(o, "effort", "not estimated"));
}

static void
pct_text(const cJSON *area, char *buf, size_t size)
{
	char tmp[64];

	/* the assessment's own rounding ("33.3%"), as every output prints it */
	snprintf(buf, size, "%s", og_rj_area_display(area, tmp, sizeof(tmp)));
}

/* ----------------------------------------------------------------- head */

static void
head(struct hr *r)
{
	FILE *f = r->h.f;
	char accent[8];
	/* WCAG relative luminance decides the text colour on the accent band */
	struct og_rgb a = r->st->accent;
	double lum = 0.2126 * a.r + 0.7152 * a.g + 0.0722 * a.b;

	og_html_hex(a, accent);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"generator\" content=\"opsgrade\">\n<title>", f);
	og_html_escf(&r->h, "DevOps Maturity Assessment: %s", r->subject);
	fputs("</title>\n<style>\n", f);
	fprintf(f, ":root{--accent:%s;--on-accent:%s}\n", accent, lum > 0.45 ? "#111" : "#fff");
	fputs("*{box-sizing:border-box}\n"
	      "body{margin:0;font:16px/1.5 \"DejaVu Sans\",system-ui,sans-serif;color:#1a1a1a;background:#fff}\n"
	      "main{max-width:60rem;margin:0 auto;padding:0 1rem 2rem}\n"
	      "header.cover{background:var(--accent);color:var(--on-accent);padding:1.5rem 0}\n"
	      "header.cover>div{max-width:60rem;margin:0 auto;padding:0 1rem}\n"
	      "header.cover p{margin:.2rem 0}\n"
	      "h1{font-size:1.8rem;margin:.3rem 0}h2{color:var(--accent);border-bottom:2px solid var(--accent);"
	      "padding-bottom:.2rem;margin-top:2.2rem}h3{margin:1.4rem 0 .4rem}h4{margin:1rem 0 .3rem}\n"
	      "h2,h3,h4{overflow-wrap:break-word}\n"
	      ".level{font-size:1.3rem;font-weight:bold}\n"
	      ".note{color:#4a4a4a;font-style:italic;font-size:.9rem}\n"
	      ".banner{background:#fff3cc;border-left:4px solid #d98c0d;color:#663f00;"
	      "padding:.6rem .8rem;border-radius:3px}\n"
	      "table{width:100%;border-collapse:collapse;margin:.6rem 0;font-size:.9rem;"
	      "table-layout:auto}\n"
	      "caption{text-align:left;font-weight:bold;padding:.3rem 0}\n"
	      "th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #d0d0d0;"
	      "overflow-wrap:anywhere}\n"
	      "thead th{background:#f0f0f0;border-bottom:2px solid #999}\n"
	      "table.kv th{width:28%;font-weight:bold}\n"
	      ".chip{white-space:nowrap}.dot{display:inline-block;width:.7em;height:.7em;"
	      "border-radius:50%;margin-right:.35em;vertical-align:baseline}\n"
	      ".tiles{display:flex;flex-wrap:wrap;gap:.6rem;margin:.8rem 0;padding:0;list-style:none}\n"
	      ".tiles li{flex:1 1 11rem;border:1px solid #ccc;border-radius:6px;padding:.5rem .7rem}\n"
	      ".tiles .v{display:block;font-size:1.4rem;font-weight:bold}\n"
	      "figure{margin:.8rem 0}svg{display:block;max-width:40rem;height:auto}\n"
	      "svg text{font-family:\"DejaVu Sans\",sans-serif;font-size:15px;fill:#1a1a1a}\n"
	      "svg .nm{fill:#4a4a4a;font-style:italic}svg .val{font-weight:bold}svg .ph{font-weight:bold}\n"
	      "svg .fig{font-size:11px;font-weight:bold}\n"
	      "svg .axis{fill:#4a4a4a;font-size:11px}svg .track{fill:#e6e6e6}\n"
	      "svg .phase{fill:var(--accent)}svg .item{fill:var(--accent);opacity:.55}\n"
	      "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f5f5;padding:.6rem;"
	      "border-radius:4px;font-size:.85rem}\n"
	      "ul.toc{list-style:none;padding-left:0}\n"
	      ".pass{color:#1d6b20}.fail{color:#a51d1d}\n"
	      "@media (max-width:40rem){\n"
	      " table.grid,table.grid tbody,table.grid tr,table.grid td{display:block;width:100%}\n"
	      " table.grid thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\n"
	      " table.grid tr{border:1px solid #d0d0d0;border-radius:4px;margin:.5rem 0;padding:.2rem 0}\n"
	      " table.grid td{border:0;padding:.15rem .5rem}\n"
	      " table.grid td::before{content:attr(data-label) \": \";font-weight:bold}\n"
	      " table.kv th{width:40%}\n"
	      "}\n"
	      "@media print{\n"
	      " @page{margin:15mm}\n"
	      " body{font-size:10.5pt}\n"
	      " header.cover{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	      " nav{display:none}\n"
	      " section{break-before:page}\n"
	      " h2,h3,h4{break-after:avoid}tr,figure{break-inside:avoid}\n"
	      "}\n"
	      "</style>\n</head>\n<body>\n", f);
}

/* ---------------------------------------------------------------- cover */

/* The incomplete-run banner (runnote.c), if any. */
static void
incomplete_banner(struct hr *r)
{
	char *text = og_rj_incomplete_text(r->report);

	if (!text)
		return;
	fputs("<p class=\"banner\" role=\"alert\">", r->h.f);
	og_html_esc(&r->h, text);
	fputs("</p>\n", r->h.f);
	free(text);
}

static void
cover(struct hr *r)
{
	struct og_html *h = &r->h;
	const cJSON *model = og_rj_obj(r->as, "model");
	double level;
	bool have = og_rj_num(r->as, "level", &level);
	char line[512];

	fputs("<header class=\"cover\"><div>\n", h->f);
	og_html_el(h, "p", NULL, r->st->organisation ? r->st->organisation : "opsgrade");
	og_html_el(h, "h1", NULL, "DevOps Maturity Assessment");
	og_html_el(h, "p", "subject", r->subject);
	snprintf(line, sizeof(line), "%s \xc2\xb7 %s%s%s%s", r->date_long,
		 model ? "model " : "no maturity model",
		 model ? str_or(model, "id", "") : "",
		 model && og_rj_str(model, "version") ? " v" : "",
		 model ? str_or(model, "version", "") : "");
	og_html_el(h, "p", NULL, line);
	fputs("</div></header>\n<main>\n<section aria-label=\"Overview\">\n", h->f);
	incomplete_banner(r);
	if (have)
		snprintf(line, sizeof(line), "Maturity level %.0f of 5: %s", level,
			 str_or(r->as, "level_name", ""));
	else
		snprintf(line, sizeof(line), "No maturity assessment in this report");
	og_html_el(h, "p", "level", line);
	if (have) {
		struct og_html_bar bar = { .label = "Maturity level", .have = true, .value = level,
					   .color = r->st->accent };
		char v[32];

		snprintf(v, sizeof(v), "%.0f of 5", level);
		bar.value_text = v;
		og_html_hbars(h, "Maturity level gauge", &bar, 1, 5);
	}
	if (og_rj_str(r->as, "summary"))
		og_html_el(h, "p", NULL, og_rj_str(r->as, "summary"));
	else
		og_html_el(h, "p", NULL, "This report holds the collected facts and findings only: no maturity "
			   "model was applied (the document came from \"opsgrade collect\"). "
			   "Levels, gaps, roadmap and KPIs are not measured.");
	fputs("<nav aria-label=\"Contents\"><h2 id=\"contents\">Contents</h2><ul class=\"toc\">\n", h->f);
	for (int s = 0; s < S_COUNT; s++) {
		if (s == S_PORTFOLIO && !og_rj_obj(r->as, "portfolio"))
			continue;
		fprintf(h->f, "<li><a href=\"#%s\">", section_titles[s][0]);
		og_html_esc(h, section_titles[s][1]);
		fputs("</a></li>\n", h->f);
	}
	fputs("</ul></nav>\n", h->f);
}

/* ------------------------------------------------------ executive summary */

static void
kpi_tiles(struct hr *r, int max)
{
	const cJSON *k;
	int i = 0;

	if (og_rj_count(og_rj_arr(r->as, "kpis")) == 0)
		return;
	fputs("<ul class=\"tiles\">\n", r->h.f);
	cJSON_ArrayForEach(k, og_rj_arr(r->as, "kpis")) {
		char buf[64];

		if (i++ == max)
			break;
		/* the figure and status exactly as the assessment states them */
		fputs("<li>", r->h.f);
		og_html_esc(&r->h, str_or(k, "name", str_or(k, "id", "")));
		og_html_el(&r->h, "span", "v", og_rj_kpi_display(k, buf, sizeof(buf)));
		og_html_esc(&r->h, og_rj_kpi_status(k));
		fputs("</li>\n", r->h.f);
	}
	fputs("</ul>\n", r->h.f);
}

static void
area_list(struct hr *r, const cJSON *ids, const char *empty)
{
	const cJSON *id;
	int n = 0;

	cJSON_ArrayForEach(id, ids) {
		const cJSON *area;
		double pct;
		char shown[64];

		if (!cJSON_IsString(id))
			continue;
		if (n++ == 0)
			fputs("<ul>\n", r->h.f);
		area = og_json_find_id(og_rj_arr(r->as, "areas"), id->valuestring);
		fputs("<li>", r->h.f);
		if (og_rj_num(area, "completeness", &pct))
			og_html_escf(&r->h, "%s: %s complete", og_area_name(r->as, id->valuestring),
				     og_rj_area_display(area, shown, sizeof(shown)));
		else
			og_html_escf(&r->h, "%s: completeness not measured",
				     og_area_name(r->as, id->valuestring));
		fputs("</li>\n", r->h.f);
	}
	if (n)
		fputs("</ul>\n", r->h.f);
	else
		og_html_note(&r->h, empty);
}

static void
id_list(struct hr *r, const char *label, const cJSON *ids)
{
	const cJSON *id;
	int n = 0;

	fputs("<li>", r->h.f);
	og_html_escf(&r->h, "%s: ", label);
	cJSON_ArrayForEach(id, ids) {
		if (!cJSON_IsString(id))
			continue;
		if (n++)
			fputs("; ", r->h.f);
		og_html_esc(&r->h, og_cap_title(r->as, id->valuestring));
	}
	if (n == 0)
		fputs("none", r->h.f);
	fputs("</li>\n", r->h.f);
}

/* Every gate as the assessment words it; on the decision page (@fixes)
 * also each failed gate's line and what passes it. */
static void
gates(struct hr *r, bool fixes)
{
	static const char *const cols[] = { "Gate", "Result", "Now" };
	const cJSON *g;
	char buf[96];

	og_html_heading(&r->h, 3, NULL, "Policy gates");
	og_html_el(&r->h, "p", NULL, og_rj_gates_verdict(r->as, og_rj_arr(r->report, "gates"), buf, sizeof(buf)));
	if (og_rj_count(og_rj_arr(r->report, "gates")) == 0)
		return;
	if (fixes) {
		fputs("<ul>\n", r->h.f);
		cJSON_ArrayForEach(g, og_rj_arr(r->report, "gates")) {
			if (!og_rj_gate_failed(g))
				continue;
			fputs("<li><strong>", r->h.f);
			og_html_esc(&r->h, og_rj_gate_text(g));
			fputs("</strong>", r->h.f);
			if (og_rj_gate_fix(g)) {
				fputs("<br>", r->h.f);
				og_html_esc(&r->h, og_rj_gate_fix(g));
			}
			fputs("</li>\n", r->h.f);
		}
		fputs("</ul>\n", r->h.f);
		return;
	}
	og_html_table_start(&r->h, NULL, cols, 3, NULL);
	cJSON_ArrayForEach(g, og_rj_arr(r->report, "gates")) {
		bool fail = og_rj_gate_failed(g);

		og_html_row_start(&r->h);
		og_html_td(&r->h, str_or(g, "description", og_rj_gate_text(g)));
		og_html_td_chip(&r->h, fail ? "failed" : "passed",
				og_status_color(fail ? "fail" : "pass"));
		og_html_td(&r->h, str_or(g, "actual_text", ""));
		og_html_row_end(&r->h);
	}
	og_html_table_end(&r->h);
}

/* "Since the previous report", like for like (runnote.c). */
static void
since_items(struct hr *r)
{
	char *lines[OG_SINCE_LINES];
	int n = og_rj_since_lines(r->report, lines);

	for (int i = 0; i < n; i++) {
		fputs("<li>", r->h.f);
		og_html_esc(&r->h, lines[i]);
		fputs("</li>\n", r->h.f);
		free(lines[i]);
	}
}

static void
sec_summary(struct hr *r)
{
	struct og_html *h = &r->h;
	const cJSON *next = og_rj_obj(r->as, "next_level"), *delta;
	double level;
	int i = 0;
	char date[40];

	section(r, S_SUMMARY);
	if (!r->as) {
		og_html_el(h, "p", NULL, "No maturity assessment was made for this report, so no level, "
			   "strengths or actions are given. The security and collector sections below "
			   "are based on the collected findings.");
		gates(r, false);
		return;
	}
	fputs("<p class=\"level\">", h->f);
	if (og_rj_num(r->as, "level", &level))
		og_html_escf(h, "%s is at DevOps maturity level %.0f (%s) of 5.", r->subject, level,
			     str_or(r->as, "level_name", ""));
	else
		og_html_esc(h, "Maturity level: not measured.");
	fputs("</p>\n", h->f);
	/* the one sentence every output prints about the next level */
	if (og_rj_str(next, "text"))
		og_html_el(h, "p", NULL, og_rj_str(next, "text"));
	kpi_tiles(r, 4);
	gates(r, false);
	og_html_heading(h, 3, NULL, "Strengths");
	area_list(r, og_rj_arr(r->as, "strengths"), "No area is 85% complete yet.");
	og_html_heading(h, 3, NULL, "Areas for improvement");
	area_list(r, og_rj_arr(r->as, "improvements"),
		  "No area with a known completeness is below 85%.");
	og_html_heading(h, 3, NULL, "Top three actions");
	/* ranked by the assessment (top_actions: impact per effort), worded
	 * as in the PDF */
	for (char *t; i < 3 && (t = og_top_action_text(r->as, i)); i++) {
		if (i == 0)
			fputs("<ol>\n", h->f);
		og_html_el(h, "li", NULL, t);
		free(t);
	}
	if (i)
		fputs("</ol>\n", h->f);
	else
		og_html_note(h, "No open gaps: nothing to act on.");

	og_html_heading(h, 3, NULL, "Since the previous report");
	if (!r->hist || !og_rj_str(r->hist, "previous_at")) {
		og_html_note(h, "No earlier report for this subject: the comparison appears from the next run on.");
		return;
	}
	delta = og_rj_obj(r->hist, "delta");
	og_fmt_date(og_rj_str(r->hist, "previous_at"), true, date, sizeof(date));
	fputs("<p>", h->f);
	og_html_escf(h, "Compared with the report of %s:", date);
	fputs("</p>\n<ul>\n", h->f);
	since_items(r);
	id_list(r, "Capabilities gained", og_rj_arr(delta, "capabilities_gained"));
	id_list(r, "Capabilities lost", og_rj_arr(delta, "capabilities_lost"));
	fputs("</ul>\n", h->f);
}

/* ---------------------------------------------------------- current state */

static void
cap_rows(struct hr *r, const cJSON *ids, const char *status)
{
	const cJSON *id;

	cJSON_ArrayForEach(id, ids) {
		struct og_cap_row row;

		if (!cJSON_IsString(id))
			continue;
		og_cap_row(r->as, id->valuestring, status, &row);
		og_html_row_start(&r->h);
		og_html_td(&r->h, row.title);
		og_html_td_chip(&r->h, row.label, og_status_color(status));
		og_html_td(&r->h, row.note);
		og_html_row_end(&r->h);
		og_cap_row_fini(&row);
	}
}

static void
sec_current(struct hr *r)
{
	static const char *const cols[] = { "Capability", "Status", "Evidence / note" };
	const cJSON *areas = og_rj_arr(r->as, "areas"), *a;
	int n = og_rj_count(areas), i = 0;
	struct og_html_bar *bars;
	char (*vals)[64];

	section(r, S_CURRENT);
	if (n == 0) {
		og_html_note(&r->h, "Per-area completeness: not measured (no assessment in this report).");
		return;
	}
	og_html_el(&r->h, "p", NULL, "Completeness is the weighted share of each area's applicable "
		   "capabilities that were observed (or attested) in place; a capability that could "
		   "not be observed counts as not in place. Coverage is the share that could be "
		   "observed at all. Capabilities that do not apply to this project are left out.");
	{
		char *scope = og_scope_line(r->rep);

		if (scope)
			og_html_el(&r->h, "p", NULL, scope);
		free(scope);
	}
	bars = og_xcalloc((size_t)n, sizeof(*bars));
	vals = og_xcalloc((size_t)n, sizeof(*vals));
	cJSON_ArrayForEach(a, areas) {
		bars[i].label = str_or(a, "name", str_or(a, "id", ""));
		bars[i].have = og_rj_num(a, "completeness", &bars[i].value);
		bars[i].value_text = og_rj_area_figures(a, vals[i], sizeof(vals[i]));
		bars[i].color = bars[i].have && bars[i].value >= 85 ? r->st->accent :
				(struct og_rgb){ 0.45, 0.45, 0.45 };
		/* met / missing / not observed (segbar.c) */
		if (og_rj_area_segments(a, &bars[i].value, &bars[i].missing, &bars[i].unknown)) {
			bars[i].segmented = true;
			bars[i].color = r->st->accent;
		}
		i++;
	}
	og_html_hbars(&r->h, "Completeness per area", bars, n, 100);
	og_html_seg_legend(&r->h, r->st->accent);
	free(bars);
	free(vals);
	cJSON_ArrayForEach(a, areas) {
		char pct[16];
		const char *name = str_or(a, "name", str_or(a, "id", ""));

		pct_text(a, pct, sizeof(pct));
		fputs("<h3>", r->h.f);
		if (strcmp(pct, "not measured") == 0)
			og_html_escf(&r->h, "%s: completeness not measured", name);
		else
			og_html_escf(&r->h, "%s: %s complete", name, pct);
		fputs("</h3>\n", r->h.f);
		if (og_rj_count(og_rj_arr(a, "implemented")) + og_rj_count(og_rj_arr(a, "missing")) +
		    og_rj_count(og_rj_arr(a, "unknown")) + og_rj_count(og_rj_arr(a, "not_applicable")) == 0) {
			og_html_note(&r->h, "No capabilities of the model belong to this area.");
			continue;
		}
		og_html_table_start(&r->h, NULL, cols, 3, NULL);
		cap_rows(r, og_rj_arr(a, "implemented"), "met");
		cap_rows(r, og_rj_arr(a, "missing"), "missing");
		cap_rows(r, og_rj_arr(a, "unknown"), "unknown");
		cap_rows(r, og_rj_arr(a, "not_applicable"), "not_applicable");
		og_html_table_end(&r->h);
	}
}

/* ------------------------------------------------------------------ ladder */

static void
sec_ladder(struct hr *r)
{
	static const char *const cols[] = { "Level", "Required capabilities in place", "Status", "What it means" };
	const cJSON *levels = og_rj_arr(r->as, "levels"), *l, *next, *id;
	double cur = 0, v;

	section(r, S_LADDER);
	if (!levels) {
		og_html_note(&r->h, "The maturity ladder is not measured (no assessment in this report).");
		return;
	}
	og_rj_num(r->as, "level", &cur);
	if (og_rj_num(r->as, "threshold", &v)) {
		fputs("<p>", r->h.f);
		og_html_escf(&r->h, "A level is reached when at least %.0f%% of the weighted, observable "
			     "capabilities it requires are in place, and every level below it is reached.",
			     v * 100);
		fputs("</p>\n", r->h.f);
	}
	og_html_table_start(&r->h, NULL, cols, 4, NULL);
	cJSON_ArrayForEach(l, levels) {
		char lv[128], share[32];
		bool reached = cJSON_IsTrue(og_rj_item(l, "reached"));
		int n = og_rj_num(l, "level", &v) ? (int)v : 0;

		snprintf(lv, sizeof(lv), "%d %s", n, str_or(l, "name", ""));
		if (og_rj_num(l, "share", &v))
			snprintf(share, sizeof(share), "%.0f%%", v * 100);
		else
			snprintf(share, sizeof(share), "not measured");
		og_html_row_start(&r->h);
		og_html_td(&r->h, lv);
		og_html_td(&r->h, share);
		og_html_td_chip(&r->h, n == (int)cur ? "current level" : reached ? "reached" : "not reached",
				og_status_color(reached ? "good" : "unknown"));
		og_html_td(&r->h, og_rj_str(l, "summary"));
		og_html_row_end(&r->h);
	}
	og_html_table_end(&r->h);
	next = og_rj_obj(r->as, "next_level");
	if (!next) {
		og_html_heading(&r->h, 3, NULL, "Next level");
		og_html_el(&r->h, "p", NULL, "The highest level is reached; keep the practices in place.");
		return;
	}
	fputs("<h3>", r->h.f);
	og_html_escf(&r->h, "What level %.0f (%s) still needs", og_rj_num(next, "level", &v) ? v : cur + 1,
		     str_or(next, "name", ""));
	fputs("</h3>\n", r->h.f);
	if (og_rj_count(og_rj_arr(next, "needs")) == 0) {
		og_html_note(&r->h, "Nothing observable is missing; unknown capabilities must be observed first.");
		return;
	}
	fputs("<ul>\n", r->h.f);
	cJSON_ArrayForEach(id, og_rj_arr(next, "needs"))
		if (cJSON_IsString(id))
			og_html_el(&r->h, "li", NULL, og_cap_title(r->as, id->valuestring));
	fputs("</ul>\n", r->h.f);
}

/* -------------------------------------------------------------------- gaps */

static void
kv_row(struct hr *r, const char *k, const char *v)
{
	og_html_row_start(&r->h);
	og_html_td(&r->h, k);
	og_html_td(&r->h, v);
	og_html_row_end(&r->h);
}

static void
sec_gaps(struct hr *r)
{
	static const char *const prio[] = { "", "Priority 1: critical gaps",
		"Priority 2: important gaps", "Priority 3: nice-to-have gaps" };
	const cJSON *g, *t;
	int last = -1, n = 0;

	section(r, S_GAPS);
	if (og_rj_count(og_rj_arr(r->as, "gaps")) == 0) {
		og_html_note(&r->h, r->as ? "No gaps: every capability of the model that could be observed is in place."
				      : "Gap analysis: not measured (no assessment in this report).");
		return;
	}
	cJSON_ArrayForEach(g, og_rj_arr(r->as, "gaps")) {
		double pr = 0;
		const cJSON *sol = og_rj_obj(g, "solution");
		char eff[64], *tools = NULL;

		og_rj_num(g, "priority", &pr);
		if ((int)pr != last) {
			char buf[32];

			last = (int)pr;
			snprintf(buf, sizeof(buf), "Priority %d", last);
			og_html_heading(&r->h, 3, NULL, last >= 1 && last <= 3 ? prio[last] : buf);
		}
		fputs("<h4>", r->h.f);
		og_html_escf(&r->h, "%d. %s", ++n, str_or(g, "title", str_or(g, "id", "")));
		fputs("</h4>\n", r->h.f);
		og_html_table_start(&r->h, NULL, NULL, 2, "kv");
		kv_row(r, "Area", og_area_name(r->as, og_rj_str(g, "area")));
		kv_row(r, "Current state", str_or(g, "current", "not observed"));
		kv_row(r, "Target state", og_rj_str(g, "target"));
		kv_row(r, "Impact", og_rj_str(g, "impact"));
		effort_text(g, eff, sizeof(eff));
		kv_row(r, "Effort", eff);
		cJSON_ArrayForEach(t, og_rj_arr(g, "tools")) {
			char *s;

			if (!cJSON_IsString(t))
				continue;
			s = og_asprintf("%s%s%s", tools ? tools : "", tools ? ", " : "", t->valuestring);
			free(tools);
			tools = s;
		}
		if (tools)
			kv_row(r, "Tools", tools);
		free(tools);
		og_html_table_end(&r->h);
		if (og_rj_str(sol, "text")) {
			fputs("<p>", r->h.f);
			og_html_escf(&r->h, "Solution: %s", og_rj_str(sol, "text"));
			fputs("</p>\n", r->h.f);
		}
		if (og_rj_str(sol, "snippet"))
			og_html_el(&r->h, "pre", NULL, og_rj_str(sol, "snippet"));
	}
}

/* ----------------------------------------------------------------- roadmap */

static void
sec_roadmap(struct hr *r)
{
	static const char *const qw[] = { "Quick win", "Effort", "Priority", "Impact" };
	static const char *const cc[] = { "Tool", "For", "Tier", "Monthly cost", "Note" };
	const cJSON *ph, *it, *costs = og_rj_obj(r->as, "costs");
	struct og_html_span rows[TIMELINE_ROWS_MAX];
	char *labels[TIMELINE_ROWS_MAX] = { 0 };
	int n = 0, weeks = 1, nq = 0;
	char *total;
	double v;

	section(r, S_ROADMAP);
	cJSON_ArrayForEach(ph, og_rj_arr(r->as, "roadmap")) {
		double s = 1, e = 1;

		if (n >= TIMELINE_ROWS_MAX)
			break;
		og_rj_num(ph, "start_week", &s);
		og_rj_num(ph, "end_week", &e);
		labels[n] = og_asprintf("Phase %.0f: %s", og_rj_num(ph, "phase", &v) ? v : (double)n + 1,
					str_or(ph, "name", ""));
		rows[n] = (struct og_html_span){ .label = labels[n], .start = (int)s, .end = (int)e,
						  .phase = true };
		rows[n].exact = og_phase_span(ph, &rows[n].from, &rows[n].to);
		n++;
		if ((int)e > weeks)
			weeks = (int)e;
		cJSON_ArrayForEach(it, og_rj_arr(ph, "items")) {
			if (n >= TIMELINE_ROWS_MAX)
				break;
			og_rj_num(it, "start_week", &s);
			og_rj_num(it, "end_week", &e);
			labels[n] = og_asprintf("%s (%s)", str_or(it, "title", ""),
						str_or(it, "effort", "effort not estimated"));
			rows[n] = (struct og_html_span){ .label = labels[n], .start = (int)s, .end = (int)e };
			rows[n].exact = og_rj_num(it, "from_week", &rows[n].from) &&
					og_rj_num(it, "to_week", &rows[n].to);
			n++;
			if ((int)e > weeks)
				weeks = (int)e;
		}
	}
	if (weeks > 52)
		weeks = 52;
	if (n == 0) {
		og_html_note(&r->h, r->as ? "No roadmap: there are no open gaps to schedule."
				      : "Roadmap: not measured (no assessment in this report).");
	} else {
		og_html_timeline(&r->h, "Roadmap", rows, n, weeks);
		fputs("<p class=\"note\">", r->h.f);
		og_html_escf(&r->h, "%d weeks of one person's time (40 hours a week); phases run "
			     "one after another and each bar is as long as its effort.", weeks);
		fputs("</p>\n", r->h.f);
	}
	for (int i = 0; i < n; i++)
		free(labels[i]);

	og_html_heading(&r->h, 3, NULL, "Quick wins");
	cJSON_ArrayForEach(it, og_rj_arr(r->as, "quick_wins")) {
		char eff[64], pr[16] = "";

		if (nq++ == 0)
			og_html_table_start(&r->h, NULL, qw, 4, NULL);
		effort_text(it, eff, sizeof(eff));
		if (og_rj_num(it, "priority", &v))
			snprintf(pr, sizeof(pr), "P%.0f", v);
		og_html_row_start(&r->h);
		og_html_td(&r->h, str_or(it, "title", str_or(it, "id", "")));
		og_html_td(&r->h, eff);
		og_html_td(&r->h, pr);
		og_html_td(&r->h, og_rj_str(it, "impact"));
		og_html_row_end(&r->h);
	}
	if (nq)
		og_html_table_end(&r->h);
	else
		og_html_note(&r->h, "No quick wins: every open gap needs more than a short change.");

	og_html_heading(&r->h, 3, NULL, "Cost considerations");
	if (og_rj_count(og_rj_arr(costs, "options")) == 0) {
		og_html_note(&r->h, "Costs: not measured (no tool options for the open gaps).");
		return;
	}
	og_html_table_start(&r->h, NULL, cc, 5, NULL);
	cJSON_ArrayForEach(it, og_rj_arr(costs, "options")) {
		char *note = og_cost_note(it);

		og_html_row_start(&r->h);
		og_html_td(&r->h, og_rj_str(it, "tool"));
		og_html_td(&r->h, og_cap_title(r->as, og_rj_str(it, "capability")));
		og_html_td(&r->h, og_rj_str(it, "tier"));
		og_html_td(&r->h, str_or(it, "cost", "not known"));
		og_html_td(&r->h, note);
		og_html_row_end(&r->h);
		free(note);
	}
	og_html_table_end(&r->h);
	if ((total = og_cost_total_text(costs))) {
		fputs("<p><strong>", r->h.f);
		og_html_esc(&r->h, total);
		fputs("</strong></p>\n", r->h.f);
	}
	free(total);
	if (og_rj_str(costs, "note"))
		og_html_note(&r->h, og_rj_str(costs, "note"));
}

/* -------------------------------------------------------------------- KPIs */

static void
sec_kpis(struct hr *r)
{
	static const char *const cols[] = { "Metric", "Current", "Target", "Status", "DORA band", "Basis" };
	const cJSON *k, *s, *snaps = og_rj_arr(r->hist, "snapshots");
	int year = 0, n = 0;

	section(r, S_KPIS);
	cJSON_ArrayForEach(k, og_rj_arr(r->as, "kpis")) {
		double v, by;
		bool have = og_rj_num(k, "value", &v);
		const char *status = have ? str_or(k, "status", "not measured") : "not measured";
		const char *band = og_rj_str(k, "band");
		char val[64], tgt[64], b[64];

		if (n++ == 0)
			og_html_table_start(&r->h, NULL, cols, 6, NULL);
		og_fmt_value(have, v, og_rj_str(k, "unit"), val, sizeof(val));
		if (og_rj_str(k, "target_text"))
			snprintf(tgt, sizeof(tgt), "%s", og_rj_str(k, "target_text"));
		else if (og_rj_num(k, "target", &v))
			snprintf(tgt, sizeof(tgt), "%g", v);
		else
			snprintf(tgt, sizeof(tgt), "none set");
		snprintf(b, sizeof(b), "%s", band ? band : "\xe2\x80\x94");
		if (band && b[0] >= 'a' && b[0] <= 'z')
			b[0] = (char)(b[0] - 32);
		if (band && og_rj_num(k, "band_year", &by))
			year = (int)by;
		og_html_row_start(&r->h);
		og_html_td(&r->h, str_or(k, "name", str_or(k, "id", "")));
		og_html_td(&r->h, val);
		og_html_td(&r->h, tgt);
		og_html_td_chip(&r->h, status, og_status_color(status));
		og_html_td(&r->h, b);
		og_html_td(&r->h, have ? og_rj_str(k, "evidence") : og_rj_str(k, "reason"));
		og_html_row_end(&r->h);
	}
	if (n == 0) {
		og_html_note(&r->h, "KPIs: not measured (no assessment in this report).");
	} else {
		og_html_table_end(&r->h);
		if (year) {
			fputs("<p class=\"note\">", r->h.f);
			og_html_escf(&r->h, "Status is given as text as well as colour. DORA bands (elite, "
				     "high, medium, low) follow the %d State of DevOps benchmarks.", year);
			fputs("</p>\n", r->h.f);
		} else {
			og_html_note(&r->h, "Status is given as text as well as colour.");
		}
	}
	if (og_rj_count(snaps) < 2)
		return;
	{
		static const char *const hc[] = { "Report of", "Level", "Open critical + high" };

		og_html_heading(&r->h, 3, NULL, "Maturity level over time");
		og_html_table_start(&r->h, NULL, hc, 3, NULL);
		cJSON_ArrayForEach(s, snaps) {
			char dt[16], lv[16], ch[16];
			double l, c = 0, hi = 0;
			bool have = og_rj_num(og_rj_obj(s, "open"), "critical", &c) |
				    og_rj_num(og_rj_obj(s, "open"), "high", &hi);

			og_fmt_snapshot_label(s, dt, sizeof(dt));
			og_fmt_value(og_rj_num(s, "level", &l), l, NULL, lv, sizeof(lv));
			og_fmt_value(have, c + hi, NULL, ch, sizeof(ch));
			og_html_row_start(&r->h);
			og_html_td(&r->h, dt);
			og_html_td(&r->h, lv);
			og_html_td(&r->h, ch);
			og_html_row_end(&r->h);
		}
		og_html_table_end(&r->h);
		if (og_trend_note(snaps))
			og_html_note(&r->h, og_trend_note(snaps));
	}
}

/* ---------------------------------------------------------------- portfolio */

static void
sec_portfolio(struct hr *r)
{
	static const struct {
		const char *id, *unit;
	} kpi_ids[] = {
		{ "deployment_frequency", "days/week" }, { "lead_time_for_changes", "hours" },
		{ "change_failure_rate", "%" }, { "build_success_rate", "%" },
	};
	static const char *const cols[] = { "Repository", "Level", "Deploy frequency", "Lead time",
					    "Change failure", "Build success", "P1 gaps" };
	const cJSON *pf = og_rj_obj(r->as, "portfolio"), *x, *dist;
	int rows = 0, n = og_rj_count(og_rj_arr(pf, "repos"));

	if (!pf)
		return;
	section(r, S_PORTFOLIO);
	fputs("<p>", r->h.f);
	og_html_escf(&r->h, "Each of the %d repositories assessed on its own facts and delivery "
		     "events (sections 1 to 6 assess the organisation as a whole).", n);
	fputs("</p>\n", r->h.f);
	og_html_table_start(&r->h, NULL, cols, 7, NULL);
	cJSON_ArrayForEach(x, og_rj_arr(pf, "repos")) {
		double lv, g;
		char buf[160];

		if (rows++ == PORTFOLIO_ROWS_MAX)
			break;
		og_html_row_start(&r->h);
		og_html_td(&r->h, og_rj_str(x, "name"));
		if (og_rj_num(x, "level", &lv))
			snprintf(buf, sizeof(buf), "%.0f %s", lv, str_or(x, "level_name", ""));
		else
			snprintf(buf, sizeof(buf), "not assessed");
		og_html_td(&r->h, buf);
		for (size_t k = 0; k < sizeof(kpi_ids) / sizeof(kpi_ids[0]); k++) {
			const cJSON *o = og_rj_obj(og_rj_obj(x, "kpis"), kpi_ids[k].id);
			double v;
			bool have = og_rj_num(o, "value", &v);

			og_fmt_value(have, v, kpi_ids[k].unit, buf, sizeof(buf));
			og_html_td(&r->h, buf);
		}
		og_fmt_value(og_rj_num(x, "gaps_p1", &g), g, NULL, buf, sizeof(buf));
		og_html_td(&r->h, og_rj_num(x, "gaps_p1", &g) ? buf : "\xe2\x80\x94");
		og_html_row_end(&r->h);
	}
	og_html_table_end(&r->h);
	if (n > PORTFOLIO_ROWS_MAX) {
		fputs("<p class=\"note\">", r->h.f);
		og_html_escf(&r->h, "The first %d of %d repositories by name; report.json lists them all.",
			     PORTFOLIO_ROWS_MAX, n);
		fputs("</p>\n", r->h.f);
	}
	og_html_heading(&r->h, 3, NULL, "Repositories per maturity level");
	dist = og_rj_obj(pf, "level_distribution");
	{
		struct og_html_bar bars[5];
		char lab[5][96], val[5][16];
		double max = 1;

		for (int l = 1; l <= 5; l++) {
			const cJSON *lvl = cJSON_GetArrayItem(og_rj_arr(r->as, "levels"), l - 1);
			char k[4];
			double v = 0;

			snprintf(k, sizeof(k), "%d", l);
			snprintf(lab[l - 1], sizeof(lab[0]), "%d %s", l, str_or(lvl, "name", ""));
			bars[l - 1] = (struct og_html_bar){ .label = lab[l - 1],
				.have = og_rj_num(dist, k, &v), .value = v,
				.value_text = val[l - 1], .color = r->st->accent };
			snprintf(val[l - 1], sizeof(val[0]), "%.0f", v);
			if (v > max)
				max = v;
		}
		og_html_hbars(&r->h, "Repositories per maturity level", bars, 5, max);
	}
}

/* ---------------------------------------------------------------- security */

static void
findings_table(struct hr *r)
{
	static const char *const cols[] = { "Severity", "ID", "Title", "Package / location", "Fixed in" };
	int shown = 0;

	og_html_heading(&r->h, 3, NULL, "Top 10 open findings");
	/* sorted most severe first: the first open ones are the top */
	for (size_t i = 0; i < r->rep->n_findings && shown < TOP_FINDINGS; i++) {
		const struct og_model_finding *f = r->rep->findings[i];
		const char *fix = f->fixed_version;
		int rank = og_finding_rank(f);
		char *w;

		if (f->suppressed)
			continue;
		w = og_finding_where(f);
		if (shown++ == 0)
			og_html_table_start(&r->h, NULL, cols, 5, NULL);
		og_html_row_start(&r->h);
		og_html_td_chip(&r->h, og_sev_names[rank], og_sev_color(rank));
		og_html_td(&r->h, f->id);
		og_html_td(&r->h, f->title ? f->title : "(no title)");
		og_html_td(&r->h, w);
		og_html_td(&r->h, fix && *fix ? fix : "no fix yet");
		og_html_row_end(&r->h);
		free(w);
	}
	if (shown) {
		og_html_table_end(&r->h);
	} else {	/* no scan is not zero findings */
		double c[OG_SEV_COUNT];
		bool have;

		og_rj_severity_counts(r->report, c, &have);
		og_html_note(&r->h, have ? "No open findings."
					 : "Open findings: not measured (no scan results).");
	}
}

static void
sec_security(struct hr *r)
{
	const cJSON *sec = og_rj_obj(r->as, "security"), *src;
	double counts[OG_SEV_COUNT], total = 0;
	struct og_html_bar bars[4], sbars[8];
	char vals[4][24], svals[8][24];
	double max = 1, smax = 1;
	int ns = 0;
	bool have;

	section(r, S_SECURITY);
	og_rj_severity_counts(r->report, counts, &have);
	for (int i = 0; i < 4; i++) {
		snprintf(vals[i], sizeof(vals[i]), "%.0f", counts[i]);
		bars[i] = (struct og_html_bar){ .label = og_sev_names[i], .have = have,
			.value = counts[i], .value_text = vals[i], .color = og_sev_color(i) };
		if (counts[i] > max)
			max = counts[i];
	}
	for (int i = 0; i < OG_SEV_COUNT; i++)
		total += counts[i];
	cJSON_ArrayForEach(src, og_rj_obj(sec, "by_source")) {
		if (ns == 8 || !cJSON_IsNumber(src))
			continue;
		snprintf(svals[ns], sizeof(svals[ns]), "%.0f", src->valuedouble);
		sbars[ns] = (struct og_html_bar){ .label = src->string, .have = true,
				.value = src->valuedouble, .value_text = svals[ns], .color = r->st->accent };
		if (src->valuedouble > smax)
			smax = src->valuedouble;
		ns++;
	}
	og_html_heading(&r->h, 3, NULL, "Open findings by severity");
	if (have)
		og_html_hbars(&r->h, "Open findings by severity", bars, 4, max);
	else
		og_html_note(&r->h, "not measured: no scan results");
	og_html_heading(&r->h, 3, NULL, "By source");
	if (ns)
		og_html_hbars(&r->h, "Open findings by source", sbars, ns, smax);
	else
		og_html_note(&r->h, "by source: not measured");
	if (!have) {
		og_html_note(&r->h, "Findings: not measured (no scanner results: give --trivy or --sarif, "
			     "or connect GitHub code scanning).");
	} else {
		double fx = -1, nf = -1, sup = -1;
		char fix[160] = "Fixability: not measured.", sp[96] = "";

		og_rj_num(sec, "fixable", &fx);
		og_rj_num(sec, "not_fixable", &nf);
		og_rj_num(sec, "suppressed", &sup);
		if (fx >= 0 && nf >= 0)
			snprintf(fix, sizeof(fix), "%.0f can be fixed by upgrading to a fixed version; "
				 "%.0f have no fix yet.", fx, nf);
		if (sup >= 0)
			snprintf(sp, sizeof(sp), "%.0f suppressed (VEX, baseline or accepted).", sup);
		fputs("<p>", r->h.f);
		og_html_escf(&r->h, "%.0f open findings (%.0f critical, %.0f high). %s %s",
			     total, counts[0], counts[1], fix, sp);
		fputs("</p>\n", r->h.f);
	}
	findings_table(r);
}

/* ---------------------------------------------------------------- appendix */

static void
evidence(struct hr *r)
{
	static const char *const ev[] = { "Figure", "Evidence" };
	const cJSON *k;
	int rows = 0;

	og_html_heading(&r->h, 3, NULL, "Evidence for each figure");
	og_html_table_start(&r->h, NULL, ev, 2, NULL);
	cJSON_ArrayForEach(k, og_rj_arr(r->as, "kpis")) {
		char *a, *b;

		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		a = og_asprintf("KPI: %s", str_or(k, "name", ""));
		b = og_rj_str(k, "evidence") ? og_strdup0(og_rj_str(k, "evidence")) :
		    og_asprintf("not measured: %s", str_or(k, "reason", "no data"));
		kv_row(r, a, b);
		free(a);
		free(b);
	}
	cJSON_ArrayForEach(k, og_rj_arr(r->as, "capabilities")) {
		const cJSON *e = cJSON_GetArrayItem(og_rj_arr(k, "evidence"), 0);

		if (!cJSON_IsString(e))
			continue;
		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		kv_row(r, og_rj_str(k, "title"), e->valuestring);
	}
	for (size_t i = 0; i < r->rep->n_facts; i++) {
		const struct og_model_fact *f = r->rep->facts[i];
		char *a, *b;

		if (f->type != OG_VALUE_UNKNOWN)
			continue;
		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		a = og_asprintf("Fact %s", f->key ? f->key : "");
		b = og_asprintf("unknown: %s", f->str ? f->str : "");
		kv_row(r, a, b);
		free(a);
		free(b);
	}
	og_html_table_end(&r->h);
	if (rows == 0)
		og_html_note(&r->h, "No evidence recorded.");
	if (rows > EVIDENCE_ROWS_MAX)
		og_html_note(&r->h, "Only the first 200 rows are shown; report.json holds the rest.");
}

/* The same plan as the PDF's decision page (assessment.decision). */
static void
sec_decision(struct hr *r)
{
	static const char *const cols[] = { "Action", "Effort", "Why" };
	const cJSON *dec = og_rj_obj(r->as, "decision"), *h, *a;
	char *later;

	section(r, S_DECISION);
	if (!dec) {
		og_html_note(&r->h, "Decision and next steps: not measured (no assessment in this report).");
		return;
	}
	og_html_el(&r->h, "p", NULL, og_rj_str(og_rj_obj(r->as, "next_level"), "text"));
	gates(r, true);
	cJSON_ArrayForEach(h, og_rj_arr(dec, "horizons")) {
		char *t = og_decision_horizon_text(h);

		og_html_heading(&r->h, 3, NULL, t);
		free(t);
		if (og_rj_count(og_rj_arr(h, "actions")) == 0)
			continue;
		og_html_table_start(&r->h, NULL, cols, 3, NULL);
		cJSON_ArrayForEach(a, og_rj_arr(h, "actions")) {
			t = og_decision_action_text(a, true);
			og_html_row_start(&r->h);
			og_html_td(&r->h, t);
			og_html_td(&r->h, str_or(a, "effort", "not estimated"));
			og_html_td(&r->h, str_or(a, "why", ""));
			og_html_row_end(&r->h);
			free(t);
		}
		og_html_table_end(&r->h);
	}
	if ((later = og_decision_later_text(dec)))
		og_html_note(&r->h, later);
	free(later);
}

static void
sec_appendix(struct hr *r)
{
	static const char *const cc[] = { "Collector", "Version", "Status", "Duration",
					  "Facts / findings / events", "Message" };
	const cJSON *c, *model = og_rj_obj(r->as, "model");
	int n = 0;
	double v;
	char buf[160];

	section(r, S_APPENDIX);
	og_html_heading(&r->h, 3, NULL, "Collectors run");
	cJSON_ArrayForEach(c, og_rj_arr(r->report, "collectors")) {
		const char *st = str_or(c, "status", "unknown");
		const cJSON *cnt = og_rj_obj(c, "counts");
		double nf = 0, nfi = 0, ne = 0;

		if (n++ == 0)
			og_html_table_start(&r->h, NULL, cc, 6, NULL);
		og_rj_num(cnt, "facts", &nf);
		og_rj_num(cnt, "findings", &nfi);
		og_rj_num(cnt, "events", &ne);
		og_html_row_start(&r->h);
		og_html_td(&r->h, og_rj_str(c, "name"));
		og_html_td(&r->h, og_rj_str(c, "version"));
		og_html_td_chip(&r->h, st, og_status_color(st));
		if (!og_rj_num(c, "duration_ms", &v))
			snprintf(buf, sizeof(buf), "not measured");
		else if (v >= 1000)
			snprintf(buf, sizeof(buf), "%.1f s", v / 1000);
		else
			snprintf(buf, sizeof(buf), "%.0f ms", v);
		og_html_td(&r->h, buf);
		if (cnt)
			snprintf(buf, sizeof(buf), "%.0f / %.0f / %.0f", nf, nfi, ne);
		og_html_td(&r->h, cnt ? buf : "not measured");
		og_html_td(&r->h, og_rj_str(c, "message"));
		og_html_row_end(&r->h);
	}
	if (n)
		og_html_table_end(&r->h);
	else
		og_html_note(&r->h, "No collectors ran.");
	evidence(r);

	og_html_heading(&r->h, 3, NULL, "Model and report");
	og_html_table_start(&r->h, NULL, NULL, 2, "kv");
	snprintf(buf, sizeof(buf), "%s version %s", str_or(model, "id", "?"), str_or(model, "version", "?"));
	kv_row(r, "Maturity model", model ? buf : "none (not assessed)");
	if (og_rj_str(model, "path"))
		kv_row(r, "Model file", og_rj_str(model, "path"));
	if (og_rj_num(r->as, "threshold", &v)) {
		snprintf(buf, sizeof(buf), "%.0f%%", v * 100);
		kv_row(r, "Level threshold", buf);
	}
	kv_row(r, "Report schema", og_rj_str(r->report, "schema"));
	kv_row(r, "Generated at", og_rj_str(r->report, "generated_at"));
	kv_row(r, "opsgrade version", og_rj_str(r->report, "opsgrade_version"));
	snprintf(buf, sizeof(buf), "%d / %d / %d", (int)r->rep->n_facts,
		 (int)r->rep->n_findings, (int)r->rep->n_events);
	kv_row(r, "Facts / findings / events", buf);
	og_html_table_end(&r->h);
}

int
og_render_html(const struct og_report *rep, const cJSON *config, const char *path,
	       char **ret_err)
{
	const cJSON *report = rep->doc;
	struct og_rstyle st = { 0 };
	struct og_out out = { .fd = -1 };
	struct hr r = { 0 };
	char *buf = NULL, *subject = NULL;
	size_t len = 0;
	int rc;

	rc = og_render_setup(report, config, path, &st, ret_err);
	if (rc < 0)
		return rc;
	r.h.f = open_memstream(&buf, &len);
	if (!r.h.f) {
		rc = -errno;
		og_rerr(ret_err, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	subject = og_text_clean(str_or(report, "subject", "unnamed subject"), 300, false);
	r.st = &st;
	r.report = report;
	r.rep = rep;
	r.as = og_rj_obj(report, "assessment");
	r.hist = og_rj_obj(report, "history");
	r.subject = subject;
	og_fmt_date(og_rj_str(report, "generated_at"), true, r.date_long, sizeof(r.date_long));

	head(&r);
	cover(&r);
	sec_summary(&r);
	sec_current(&r);
	sec_ladder(&r);
	sec_gaps(&r);
	sec_roadmap(&r);
	sec_kpis(&r);
	sec_portfolio(&r);
	sec_security(&r);
	sec_decision(&r);
	sec_appendix(&r);
	fputs("</section>\n</main>\n</body>\n</html>\n", r.h.f);
	if (fclose(r.h.f) != 0) {
		r.h.f = NULL;
		rc = -ENOMEM;
		og_rerr(ret_err, "%s: out of memory", path);
		goto cleanup;
	}
	r.h.f = NULL;
	rc = og_out_open(&out, path);
	if (rc < 0) {
		og_rerr(ret_err, "%s: %s", path, strerror(-rc));
		goto cleanup;
	}
	og_out_write(&out, buf, len);
	rc = og_out_finish(&out, path, true);
	if (rc < 0)
		og_rerr(ret_err, "%s: %s", path, strerror(-rc));
cleanup:
	if (r.h.f)
		fclose(r.h.f);
	free(buf);
	free(subject);
	og_rstyle_clear(&st);
	return rc;
}
