/*
 * The mail's summary, as plain text and as HTML, over the report
 * document: level and areas, top gaps, KPIs, open findings and the
 * change since the last run, new criticals, gates.  core/mail sends
 * whatever this returns; it never formats the report itself.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/jsonget.h"
#include "core/util.h"
#include "rdoc.h"
#include "runnote.h"
#include "segbar.h"
#include "scope.h"
#include "render.h"

#define TOP_GAPS		5
#define NEW_CRITICAL_MAX	10
#define PLAN_PER_HORIZON	5	/* the attached report has them all */

/* ---- the summary, once for text and once for HTML ---- */

struct w {
	FILE *f;
	bool html;
};

static void
esc(struct w *w, const char *s)
{
	if (!w->html) {
		fputs(s, w->f);
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", w->f); break;
		case '>': fputs("&gt;", w->f); break;
		case '&': fputs("&amp;", w->f); break;
		case '"': fputs("&quot;", w->f); break;
		default: fputc(*s, w->f);
		}
	}
}

/* Inline styles only (mail clients drop <style>), sized for a phone: one
 * column, text that wraps anywhere rather than widen the page, no colours
 * forced (the client's dark mode keeps working). */
static const char *
style_of(const char *tag)
{
	static const char *const styles[][2] = {
		{ "h1", "font-size:20px;margin:0 0 8px" },
		{ "h2", "font-size:16px;margin:16px 0 4px" },
		{ "p", "margin:4px 0" },
		{ "li", "margin:2px 0" },
		{ "table", "border-collapse:collapse;width:100%;max-width:600px" },
		{ "td", "padding:2px 8px 2px 0;vertical-align:top" },
		{ "th", "padding:2px 8px 2px 0;text-align:left" },
		{ "strong", "font-size:17px" },
	};

	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (!strcmp(styles[i][0], tag))
			return styles[i][1];
	return NULL;
}

static void
open_tag(struct w *w, const char *tag)
{
	const char *st = style_of(tag);

	if (st)
		fprintf(w->f, "<%s style=\"%s\">", tag, st);
	else
		fprintf(w->f, "<%s>", tag);
}

static void __attribute__((format(printf, 3, 4)))
w_line(struct w *w, const char *tag, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (w->html)
		open_tag(w, tag);
	else if (!strcmp(tag, "li"))
		fputs("  - ", w->f);
	else if (!strcmp(tag, "h2"))
		fputc('\n', w->f);
	esc(w, s);
	if (w->html)
		fprintf(w->f, "</%s>\n", tag);
	else
		fputc('\n', w->f);
	if (!w->html && !strcmp(tag, "h2")) {
		for (size_t i = strlen(s); i > 0; i--)
			fputc('-', w->f);
		fputc('\n', w->f);
	}
	free(s);
}

static void
w_block(struct w *w, const char *tag, bool open)
{
	if (w->html && open) {
		open_tag(w, tag);
		fputc('\n', w->f);
	} else if (w->html) {
		fprintf(w->f, "</%s>\n", tag);
	}
}

/* A table row; text mode pads to @widths (0 = no padding). */
static void
w_row(struct w *w, bool head, const char *const *cells,
      const int *widths, size_t n)
{
	if (w->html)
		fputs("<tr>", w->f);
	else
		fputs("  ", w->f);
	for (size_t i = 0; i < n; i++) {
		if (w->html) {
			open_tag(w, head ? "th" : "td");
			esc(w, cells[i]);
			fputs(head ? "</th>" : "</td>", w->f);
		} else if (i + 1 < n) {
			fprintf(w->f, "%-*s  ", widths[i], cells[i]);
		} else {
			fputs(cells[i], w->f);
		}
	}
	fputs(w->html ? "</tr>\n" : "\n", w->f);
}

static const char *
area_name(const cJSON *report, const char *id)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, og_jget2(report, "assessment", "areas"))
		if (!strcmp(og_jstr_or(og_jget(a, "id"), ""), id))
			return og_jstr_or(og_jget(a, "name"), id);
	return id;
}

#define SEG_CSS "display:inline-block;height:10px;"
#define HATCH_CSS "background:repeating-linear-gradient(135deg,#8c8c8c 0 2px,#e6e6e6 2px 5px);"

/* One area: name, a met / missing / not observed bar (segbar.c) and
 * completeness with coverage. */
static void
area_row(struct w *w, const cJSON *area)
{
	const char *name = og_jstr_or(og_jget(area, "name"), og_jstr_or(og_jget(area, "id"), "?"));
	double s[3] = { 0, 0, 0 };
	bool seg = og_rj_area_segments(area, &s[0], &s[1], &s[2]);
	char figs[64], bar[24];
	int k = 0;

	og_rj_area_figures(area, figs, sizeof(figs));
	if (w->html) {
		fputs("<tr><td>", w->f);
		esc(w, name);
		fputs("</td><td style=\"white-space:nowrap\">", w->f);
		for (int i = 0; seg && i < 3; i++)
			if (s[i] > 0)
				fprintf(w->f, "<span style=\"" SEG_CSS "width:%.0fpx;%s\"></span>",
					1.6 * s[i], i == 0 ? "background:#0b6e4f" :
					i == 1 ? "background:#d96b5c" : HATCH_CSS);
		fputs("</td><td>", w->f);
		esc(w, figs);
		fputs("</td></tr>\n", w->f);
		return;
	}
	/* 20 characters, as in the terminal summary */
	for (int i = 0; seg && i < 3; i++)
		for (int n = (int)(s[i] / 5 + 0.5); n > 0 && k < 20; n--)
			bar[k++] = "#x?"[i];
	bar[k] = '\0';
	fprintf(w->f, "  %-34s %-20s  %s\n", name, bar, figs);
}

static void
sum_level(struct w *w, const struct og_report *rep)
{
	const cJSON *report = rep->doc;
	const cJSON *a = og_jget(report, "assessment");
	const cJSON *h = og_jget(report, "history");
	const cJSON *d = og_jget(h, "delta");
	const cJSON *level = og_jget(a, "level");
	const cJSON *from = og_jget2(d, "level", "from");
	const char *prev = og_jstr(og_jget(h, "previous_at"));
	const cJSON *it;
	char *scope;

	w_line(w, "h2", "Maturity");
	if (!cJSON_IsNumber(level)) {
		w_line(w, "p", "Maturity level: not assessed.");
		return;
	}
	if (prev && cJSON_IsFalse(og_jget2(d, "level", "compared")))
		w_line(w, "p", "Maturity level: %d of 5 (%s); not compared with "
		       "%.10s (the two runs did not see the same evidence).",
		       (int)level->valuedouble,
		       og_jstr_or(og_jget(a, "level_name"), "?"), prev);
	else if (prev && cJSON_IsNumber(from) &&
		 (int)from->valuedouble != (int)level->valuedouble)
		w_line(w, "p", "Maturity level: %d of 5 (%s), was %d on %.10s.",
		       (int)level->valuedouble,
		       og_jstr_or(og_jget(a, "level_name"), "?"),
		       (int)from->valuedouble, prev);
	else if (prev)
		w_line(w, "p", "Maturity level: %d of 5 (%s), unchanged since "
		       "%.10s.", (int)level->valuedouble,
		       og_jstr_or(og_jget(a, "level_name"), "?"), prev);
	else
		w_line(w, "p", "Maturity level: %d of 5 (%s).",
		       (int)level->valuedouble,
		       og_jstr_or(og_jget(a, "level_name"), "?"));
	if (og_jstr(og_jget(a, "summary")))
		w_line(w, "p", "%s", og_jget(a, "summary")->valuestring);

	if (cJSON_GetArraySize(og_jget(a, "areas")) == 0)
		return;
	w_line(w, "h2", "Completeness by area");
	w_block(w, "table", true);
	cJSON_ArrayForEach(it, og_jget(a, "areas"))
		area_row(w, it);
	w_block(w, "table", false);
	if (w->html)
		fputs("<p style=\"color:#555;font-size:90%\"><span style=\"" SEG_CSS "background:#0b6e4f\">"
		      "</span> in place <span style=\"" SEG_CSS "background:#d96b5c\"></span> missing "
		      "<span style=\"" SEG_CSS HATCH_CSS "\"></span> not observed</p>\n", w->f);
	else
		fputs("  (# in place, x missing, ? not observed)\n", w->f);
	scope = og_scope_line(rep);
	if (scope)
		w_line(w, "p", "%s", scope);
	free(scope);
}

/* The incomplete-run banner (runnote.c), first thing in the mail. */
static void
sum_banner(struct w *w, const cJSON *report)
{
	char *text = og_rj_incomplete_text(report);

	if (text)
		w_line(w, "p", "%s", text);
	free(text);
}

/* "Since the previous report", like for like (runnote.c): on a phone
 * right after the gates. */
static void
sum_change(struct w *w, const cJSON *report)
{
	char *lines[OG_SINCE_LINES];
	int n = og_rj_since_lines(report, lines);

	if (n)
		w_line(w, "h2", "Since %.10s", og_jstr_or(og_jget2(report,
			"history", "previous_at"), "?"));
	for (int i = 0; i < n; i++) {
		w_line(w, "p", "%s.", lines[i]);
		free(lines[i]);
	}
}

static void
sum_findings(struct w *w, const cJSON *report)
{
	double c[OG_SEV_COUNT];
	bool have;

	/* the assessment's counts, the one place findings are counted */
	og_rj_severity_counts(report, c, &have);
	w_line(w, "h2", "Security");
	if (!have)
		w_line(w, "p", "Open findings: not measured (no security "
		       "scanner ran).");
	else
		w_line(w, "p", "Open findings: critical %.0f, high %.0f, "
		       "medium %.0f, low %.0f.", c[0], c[1], c[2], c[3]);
}

/* Critical findings new since the last snapshot (all open criticals
 * when there is no history). */
static void
sum_new_critical(struct w *w, const struct og_report *rep)
{
	const cJSON *d = og_jget2(rep->doc, "history", "delta");
	const cJSON *fresh = og_jget(d, "findings_new");
	int shown = 0, more = 0;

	/* sorted most severe first: the criticals lead */
	for (size_t i = 0; i < rep->n_findings &&
	     rep->findings[i]->severity == OG_SEV_CRITICAL; i++) {
		const struct og_model_finding *f = rep->findings[i];
		bool is_new = !cJSON_IsArray(fresh);
		const cJSON *x;

		if (f->suppressed)
			continue;
		cJSON_ArrayForEach(x, fresh)
			if (cJSON_IsString(x) && !strcmp(x->valuestring, f->fingerprint))
				is_new = true;
		if (!is_new)
			continue;
		if (shown == NEW_CRITICAL_MAX) {
			more++;
			continue;
		}
		if (shown++ == 0) {
			w_line(w, "h2", cJSON_IsArray(fresh) ?
			       "New critical findings" : "Critical findings");
			w_block(w, "ul", true);
		}
		w_line(w, "li", "%s%s%s%s%s%s", f->id ? f->id : "?",
		       f->package ? " in " : "", f->package ? f->package : "",
		       f->fixed_version ? " (fixed in " : "",
		       f->fixed_version ? f->fixed_version : "",
		       f->fixed_version ? ")" : "");
	}
	if (more)
		w_line(w, "li", "and %d more", more);
	if (shown)
		w_block(w, "ul", false);
}

static void
sum_gaps(struct w *w, const cJSON *report)
{
	const cJSON *gaps = og_jget2(report, "assessment", "gaps");
	const cJSON *ranked = og_jget2(report, "assessment", "top_actions");
	const cJSON *it;
	int n = 0;

	/* the assessment's order (impact per effort); gap order in a
	 * report.json written before top_actions existed */
	cJSON_ArrayForEach(it, (cJSON_IsArray(ranked) ? ranked : gaps)) {
		const cJSON *g = og_jstr(it) ? og_json_find_id(gaps, it->valuestring) : it;
		const cJSON *prio = og_jget(g, "priority");
		char p[32];

		if (!cJSON_IsObject(g))
			continue;
		if (n == TOP_GAPS)
			break;
		if (n++ == 0) {
			w_line(w, "h2", "Top gaps");
			w_block(w, "ol", true);
		}
		if (cJSON_IsNumber(prio))
			snprintf(p, sizeof(p), "P%d", (int)prio->valuedouble);
		else
			snprintf(p, sizeof(p), "%s", og_jstr_or(prio, "-"));
		w_line(w, "li", "[%s] %s (%s)%s%s", p,
		       og_jstr_or(og_jget(g, "title"),
			      og_jstr_or(og_jget(g, "id"), "?")),
		       area_name(report, og_jstr_or(og_jget(g, "area"), "?")),
		       og_jstr(og_jget(g, "impact")) ? ": " : "",
		       og_jstr_or(og_jget(g, "impact"), ""));
	}
	if (n)
		w_block(w, "ol", false);
}

static void
sum_kpis(struct w *w, const cJSON *report)
{
	/* Target last: its text is long and would break the columns. */
	static const char *const head[] = { "KPI", "Value", "Status",
					    "Target" };
	static const int widths[] = { 36, 16, 18, 0 };
	const cJSON *k;
	int n = 0;

	cJSON_ArrayForEach(k, og_jget2(report, "assessment", "kpis")) {
		char buf[64];
		const char *cells[4];
		const char *val = og_rj_kpi_display(k, buf, sizeof(buf));

		if (n++ == 0) {
			w_line(w, "h2", "KPIs");
			w_block(w, "table", true);
			if (!w->html)
				w_row(w, true, head, widths, 4);
		}
		cells[0] = og_jstr_or(og_jget(k, "name"),
				  og_jstr_or(og_jget(k, "id"), "?"));
		cells[1] = val;
		cells[2] = og_rj_kpi_status(k);
		cells[3] = og_jstr_or(og_jget(k, "target_text"), "-");
		if (w->html) {
			/* two columns fit a phone; four split words */
			char *rest = og_asprintf("%s \xc2\xb7 %s \xc2\xb7 target: %s", cells[1],
						 cells[2], cells[3]);

			cells[1] = rest;
			w_row(w, false, cells, widths, 2);
			free(rest);
			continue;
		}
		w_row(w, false, cells, widths, 4);
	}
	if (n)
		w_block(w, "table", false);
}

/* The gates as the assessment words them: the failed ones first, each
 * with what passes it, then the passed ones. */
static void
sum_gates(struct w *w, const cJSON *report)
{
	const cJSON *gates = og_jget(report, "gates"), *g;
	char buf[96];

	if (cJSON_GetArraySize(gates) == 0)
		return;
	w_line(w, "h2", "Policy gates");
	w_line(w, "p", "%s.", og_rj_gates_verdict(og_jget(report, "assessment"), gates, buf,
						  sizeof(buf)));
	w_block(w, "ul", true);
	for (int pass = 0; pass < 2; pass++)
		cJSON_ArrayForEach(g, gates) {
			if (og_rj_gate_failed(g) == pass)
				continue;
			if (og_rj_gate_fix(g))
				w_line(w, "li", "%s. %s", og_rj_gate_text(g), og_rj_gate_fix(g));
			else
				w_line(w, "li", "%s.", og_rj_gate_text(g));
		}
	w_block(w, "ul", false);
}

struct plan_w {
	struct w *w;
	bool list;		/* a <ul> is open */
};

static void
plan_line(void *ctx, bool heading, const char *text)
{
	struct plan_w *pw = ctx;

	if (heading == pw->list) {	/* a heading ends a list, an item starts one */
		w_block(pw->w, "ul", !heading);
		pw->list = !heading;
	}
	w_line(pw->w, heading ? "p" : "li", "%s", text);
}

/* The decision plan: this week, this month, this quarter. */
static void
sum_plan(struct w *w, const cJSON *report)
{
	const cJSON *a = og_jget(report, "assessment");
	struct plan_w pw = { w, false };

	if (!cJSON_IsObject(og_jget(a, "decision")))
		return;
	w_line(w, "h2", "Decision and next steps");
	og_decision_walk(a, PLAN_PER_HORIZON, plan_line, &pw);
	if (pw.list)
		w_block(w, "ul", false);
}

/* One line: "Level 1 (Initial) · 2 of 5 gates failed". */
static void
sum_verdict(struct w *w, const cJSON *report)
{
	const cJSON *a = og_jget(report, "assessment"), *g;
	const cJSON *level = og_jget(a, "level");
	int total = 0, fail = 0;
	char lv[96], gates[64] = "";

	cJSON_ArrayForEach(g, og_jget(report, "gates")) {
		total++;
		fail += !strcmp(og_jstr_or(og_jget(g, "status"), ""), "fail");
	}
	if (cJSON_IsNumber(level))
		snprintf(lv, sizeof(lv), "Level %d (%s)", (int)level->valuedouble,
			 og_jstr_or(og_jget(a, "level_name"), "?"));
	else
		snprintf(lv, sizeof(lv), "Level not assessed");
	if (total)
		snprintf(gates, sizeof(gates), " \xc2\xb7 %d of %d gate%s %s", fail ? fail : total,
			 total, total == 1 ? "" : "s", fail ? "failed" : "passed");
	w_line(w, "strong", "%s%s", lv, gates);
	if (w->html)
		fputs("<br>\n", w->f);
}

char *
og_render_mail_summary(const struct og_report *rep, bool html, const char *png_cid,
		       const char *pdfname)
{
	const cJSON *report = rep->doc;
	const char *subj = og_jstr_or(og_jget(report, "subject"), "unnamed");
	char *buf = NULL;
	size_t len = 0;
	struct w w = { .html = html };

	w.f = open_memstream(&buf, &len);
	if (!w.f)
		abort();
	if (html) {
		fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<meta name=\"color-scheme\" content=\"light dark\">"
		      "<title>", w.f);
		esc(&w, subj);
		fputs("</title></head><body style=\"margin:0;padding:12px;font-family:sans-serif;"
		      "font-size:15px;line-height:1.4;max-width:640px;overflow-wrap:anywhere\">\n",
		      w.f);
	}
	w_line(&w, "h1", "opsgrade report: %s", subj);
	/* what a reader on a phone needs first: the verdict, the gates and
	 * the change; the dashboard and the detail after them */
	sum_banner(&w, report);
	sum_verdict(&w, report);
	sum_gates(&w, report);
	sum_change(&w, report);
	sum_plan(&w, report);
	if (html && png_cid)
		fprintf(w.f, "<p><img src=\"cid:%s\" alt=\"Summary dashboard\" width=\"600\" "
			"style=\"display:block;width:100%%;max-width:600px;height:auto\"></p>\n",
			png_cid);
	sum_level(&w, rep);
	sum_gaps(&w, report);
	sum_kpis(&w, report);
	sum_findings(&w, report);
	sum_new_critical(&w, rep);
	w_line(&w, "p", "Generated %s by opsgrade %s.",
	       og_jstr_or(og_jget(report, "generated_at"), "?"),
	       og_jstr_or(og_jget(report, "opsgrade_version"), OG_VERSION));
	if (pdfname)
		w_line(&w, "p", "The full report is attached as %s.", pdfname);
	if (html)
		fputs("</body></html>\n", w.f);
	if (fclose(w.f) != 0)
		abort();
	return buf;
}
