/*
 * report.pdf: the executive report.  One content function describes the
 * whole document against struct og_doc; it runs in measuring passes and
 * then once to draw (see layout.h).  Every section copes with absent
 * optional members: "not measured" is written, never a made-up zero.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "core/util.h"
#include "chart.h"
#include "layout.h"
#include "render.h"
#include "rdoc.h"
#include "banner.h"
#include "segbar.h"
#include "scope.h"
#include "runnote.h"

#define TOP_FINDINGS	10
#define EVIDENCE_ROWS_MAX 200
#define TIMELINE_ROWS_MAX 36
#define PASSES_MAX	4
#define PORTFOLIO_ROWS_MAX 500

#define T_SUMMARY	"1. Executive summary"
#define T_CURRENT	"2. Current state"
#define T_LADDER	"3. Maturity ladder"
#define T_GAPS		"4. Gap analysis"
#define T_ROADMAP	"5. Roadmap, quick wins and costs"
#define T_KPIS		"6. Metrics and KPIs"
#define T_PORTFOLIO	"6b. Portfolio of repositories"
#define T_SECURITY	"7. Security"
#define T_DECISION	"8. Decision and next steps"
#define T_APPENDIX	"9. Appendix: collectors, evidence, model"

struct pdf {
	struct og_doc *d;
	const cJSON *report, *as, *hist;
	const struct og_report *rep;	/* the findings */
	const char *subject;
	char date_long[40];
	char **pool;			/* strings owned for one pass */
	size_t n_pool, cap_pool;
	struct og_cell *cells;		/* the table being built */
	int n_cells, cap_cells;
};

/* Keep @s alive until the end of the pass; returns it. */
static const char *
keep(struct pdf *p, char *s)
{
	if (p->n_pool == p->cap_pool) {
		p->cap_pool = p->cap_pool ? p->cap_pool * 2 : 64;
		p->pool = og_xrealloc_array(p->pool, p->cap_pool, sizeof(*p->pool));
	}
	p->pool[p->n_pool++] = s;
	return s;
}

static void
pool_free(struct pdf *p)
{
	for (size_t i = 0; i < p->n_pool; i++)
		free(p->pool[i]);
	p->n_pool = 0;
}

static void
cell(struct pdf *p, const char *text, bool chip, struct og_rgb color, unsigned flags)
{
	if (p->n_cells == p->cap_cells) {
		p->cap_cells = p->cap_cells ? p->cap_cells * 2 : 64;
		p->cells = og_xrealloc_array(p->cells, (size_t)p->cap_cells, sizeof(*p->cells));
	}
	p->cells[p->n_cells++] = (struct og_cell){ text ? text : "", chip, color, flags };
}

static void
txt(struct pdf *p, const char *text)
{
	cell(p, text, false, og_ink, 0);
}

static void
table(struct pdf *p, const struct og_col *cols, int ncols, bool header)
{
	og_doc_table(p->d, cols, ncols, p->cells, p->n_cells / ncols, header);
	p->n_cells = 0;
}

static void
para(struct pdf *p, const char *s)
{
	og_doc_para(p->d, s, 0, 0, og_ink);
}

static void
note(struct pdf *p, const char *s)
{
	og_doc_para(p->d, s, 8.5, OG_TX_ITALIC, og_muted);
}

/* The effort as the assessment words it, so every output agrees. */
static const char *
effort_text(const cJSON *o)
{
	const char *e = og_rj_str(o, "effort");

	return e ? e : "not estimated";
}

static bool
area_pct(const cJSON *area, double *ret)
{
	return og_rj_num(area, "completeness", ret);
}

/* The completeness as the assessment prints it. */
static const char *
area_display(struct pdf *p, const cJSON *area)
{
	char buf[64];

	return keep(p, og_strdup0(og_rj_area_display(area, buf, sizeof(buf))));
}

static const char *
kpi_display(struct pdf *p, const cJSON *k)
{
	char buf[64];

	return keep(p, og_strdup0(og_rj_kpi_display(k, buf, sizeof(buf))));
}

/* The snapshot this run is compared with (history.previous_at: the last
 * complete run, not an incomplete one after it), or NULL. */
static const cJSON *
previous_snapshot(const struct pdf *p)
{
	const cJSON *snaps = og_rj_arr(p->hist, "snapshots");
	const char *at = og_rj_str(p->hist, "previous_at");
	int n = og_rj_count(snaps);

	for (int i = n - 2; at && i >= 0; i--) {
		const cJSON *s = cJSON_GetArrayItem(snaps, i);

		if (og_rj_str(s, "at") && !strcmp(og_rj_str(s, "at"), at))
			return s;
	}
	return n >= 2 ? cJSON_GetArrayItem(snaps, n - 2) : NULL;
}

/* ---------------------------------------------------------------- gates */

/* "Policy gates: 4 of 5 passed, 1 failed" (or that none are set). */
static void
gate_verdict(struct pdf *p, unsigned flags)
{
	char buf[96];
	const char *t = og_rj_gates_verdict(p->as, og_rj_arr(p->report, "gates"), buf, sizeof(buf));

	if (og_rj_count(og_rj_arr(p->report, "gates")) == 0)
		og_doc_para(p->d, t, 0, flags, og_muted);
	else
		og_doc_para(p->d, t, 0, flags | OG_TX_BOLD,
			    og_status_color(og_rj_gates_failed(og_rj_arr(p->report, "gates")) ? "needs improvement"
									  : "good"));
}

/* The failed gates, each with what passes it: the reason the run exits 1. */
static void
failed_gates(struct pdf *p)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, og_rj_arr(p->report, "gates")) {
		if (!og_rj_gate_failed(g))
			continue;
		og_doc_bullet(p->d, "\xe2\x9c\x97", og_status_color("needs improvement"),
			      og_rj_gate_text(g));
		if (og_rj_gate_fix(g))
			og_doc_para(p->d, og_rj_gate_fix(g), 0, 0, og_muted);
	}
}

/* Every gate and its result, as the assessment words them. */
static void
sec_gates(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Gate", 0.58, 0 }, { "Result", 0.16, 0 }, { "Now", 0.26, 0 },
	};
	const cJSON *g;

	og_doc_heading(p->d, 3, "Policy gates");
	gate_verdict(p, 0);
	cJSON_ArrayForEach(g, og_rj_arr(p->report, "gates")) {
		bool fail = og_rj_gate_failed(g);

		txt(p, og_rj_str(g, "description") ? og_rj_str(g, "description") : og_rj_gate_text(g));
		cell(p, fail ? "FAILED" : "passed", true,
		     og_status_color(fail ? "needs improvement" : "good"), 0);
		txt(p, og_rj_str(g, "actual_text") ? og_rj_str(g, "actual_text") : "");
	}
	if (p->n_cells)
		table(p, cols, 3, true);
}

/* ---------------------------------------------------------------- cover */

/* The incomplete-run banner (runnote.c) across the column, if any. */
static void
incomplete_banner(struct pdf *p)
{
	struct og_doc *d = p->d;
	char *text = og_rj_incomplete_text(p->report);
	double y;

	if (!text)
		return;
	y = og_doc_box(d, og_banner_draw(NULL, d->tx, d->x, 0, d->w, 9.5, text));
	og_banner_draw(d->cr, d->tx, d->x, y, d->w, 9.5, text);
	og_doc_space(d, 6);
	free(text);
}

/* "Since the previous report", like for like (runnote.c). */
static void
since_lines(struct pdf *p)
{
	char *lines[OG_SINCE_LINES];
	int n = og_rj_since_lines(p->report, lines);

	for (int i = 0; i < n; i++)
		og_doc_bullet(p->d, "\xe2\x80\xa2", p->d->st->accent, keep(p, lines[i]));
}

static void
cover(struct pdf *p)
{
	struct og_doc *d = p->d;
	cairo_t *cr = d->cr;
	double band = 170, level;
	bool have = og_rj_num(p->as, "level", &level);
	const char *summary = og_rj_str(p->as, "summary");
	const char *lname = og_rj_str(p->as, "level_name");
	const cJSON *model = og_rj_obj(p->as, "model");
	char line[512];

	d->no_header = true;
	og_doc_new_page(d);
	if (cr) {
		cairo_save(cr);
		cairo_set_source_rgb(cr, d->st->accent.r, d->st->accent.g, d->st->accent.b);
		cairo_rectangle(cr, 0, 0, d->pw, band);
		cairo_fill(cr);
		cairo_restore(cr);
		if (d->logo) {
			double lw = cairo_image_surface_get_width(d->logo);
			double lh = cairo_image_surface_get_height(d->logo);
			double s = fmin(120.0 / fmax(lw, 1), 48.0 / fmax(lh, 1));

			og_chart_rrect(cr, d->x + d->w - lw * s - 16, 40, lw * s + 16, lh * s + 16, 4, og_white);
			cairo_save(cr);
			cairo_translate(cr, d->x + d->w - lw * s - 8, 48);
			cairo_scale(cr, s, s);
			cairo_set_source_surface(cr, d->logo, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
		}
	}
	og_text_draw(cr, d->tx, d->x, 46, d->w * 0.7, 10, OG_TX_BOLD | OG_TX_ONELINE,
		     og_chart_tint(d->st->accent, 0.75),
		     d->st->organisation ? d->st->organisation : "opsgrade");
	if (cr) {
		og_text_flush(cr, d->tx);
		cairo_tag_begin(cr, "H1", NULL);
	}
	og_text_draw(cr, d->tx, d->x, 66, d->w, 26, OG_TX_BOLD | OG_TX_ONELINE, og_white,
		     "DevOps Maturity Assessment");
	if (cr) {
		og_text_flush(cr, d->tx);
		cairo_tag_end(cr, "H1");
	}
	og_text_draw(cr, d->tx, d->x, 110, d->w * 0.8, 15, OG_TX_ONELINE,
		     og_chart_tint(d->st->accent, 0.88), p->subject);
	d->y = band + 22;

	snprintf(line, sizeof(line), "%s  \xc2\xb7  %s%s%s%s", p->date_long,
		 model ? "model " : "no maturity model",
		 model && og_rj_str(model, "id") ? og_rj_str(model, "id") : "",
		 model && og_rj_str(model, "version") ? " v" : "",
		 model && og_rj_str(model, "version") ? og_rj_str(model, "version") : "");
	og_doc_para(d, line, 9, 0, og_muted);
	incomplete_banner(p);

	{
		double gy = og_doc_box(d, 150);

		if (cr)
			og_chart_gauge(cr, &(struct og_chart_style){ d->tx, d->st->accent, 11 },
				       d->x + d->w / 2 - 120, gy + 6, 240, 140, have,
				       (int)level, lname);
	}
	og_doc_space(d, 8);
	if (have)
		snprintf(line, sizeof(line), "Maturity level %.0f of 5: %s", level, lname ? lname : "");
	else
		snprintf(line, sizeof(line), "No maturity assessment in this report");
	og_doc_para(d, line, 13, OG_TX_BOLD | OG_TX_CENTER, og_ink);
	if (*og_rj_coverage_line(p->as, line, sizeof(line)))
		og_doc_para(d, line, 10, OG_TX_CENTER, og_muted);
	/* The summary paragraph itself opens the executive summary; the
	 * cover gives only the verdict, so no paragraph is printed twice. */
	if (summary)
		gate_verdict(p, OG_TX_CENTER);
	else
		para(p, "This report holds the collected facts and findings only: no maturity "
			"model was applied (the document came from \"opsgrade collect\"). "
			"Levels, gaps, roadmap and KPIs are not measured.");
	og_doc_space(d, 10);
	og_doc_para(d, "Contents", 12, OG_TX_BOLD, d->st->accent);
	og_doc_contents(d);
}

/* ------------------------------------------------------ executive summary */

static void
kpi_tiles(struct pdf *p, const cJSON *kpis, int max)
{
	struct og_doc *d = p->d;
	int n = og_rj_count(kpis), i = 0;
	double gap = 8, tw, y;
	const cJSON *k;

	if (n == 0)
		return;
	if (n > max)
		n = max;
	tw = (d->w - gap * (n - 1)) / n;
	y = og_doc_box(d, 70);
	cJSON_ArrayForEach(k, kpis) {
		if (i >= n)
			break;
		if (d->cr)
			og_chart_tile(d->cr, &d->cs, d->x + i * (tw + gap), y, tw, 64,
				      og_rj_str(k, "name") ? og_rj_str(k, "name") : og_rj_str(k, "id"),
				      kpi_display(p, k), og_rj_kpi_status(k), NULL);
		i++;
	}
	og_doc_space(d, 6);
}

static void
area_bullets(struct pdf *p, const cJSON *ids, const char *mark, struct og_rgb c,
	     const char *empty)
{
	const cJSON *id;
	int n = 0;

	cJSON_ArrayForEach(id, ids) {
		const cJSON *area;
		double pct;

		if (!cJSON_IsString(id))
			continue;
		area = og_json_find_id(og_rj_arr(p->as, "areas"), id->valuestring);
		if (area_pct(area, &pct))
			og_doc_bullet(p->d, mark, c, keep(p, og_asprintf("%s: %s complete",
					og_area_name(p->as, id->valuestring), area_display(p, area))));
		else
			og_doc_bullet(p->d, mark, c, keep(p, og_asprintf("%s: completeness not measured",
					og_area_name(p->as, id->valuestring))));
		n++;
	}
	if (n == 0)
		note(p, empty);
}

static void
id_list_line(struct pdf *p, const char *label, const cJSON *ids)
{
	const cJSON *id;
	size_t len = 0, cap = 256;
	char *s = og_xmalloc(cap);
	int n = 0;

	len = (size_t)snprintf(s, cap, "%s: ", label);
	cJSON_ArrayForEach(id, ids) {
		const char *t;
		size_t tl;

		if (!cJSON_IsString(id))
			continue;
		if (n == 12) {
			t = "\xe2\x80\xa6";
		} else if (n > 12) {
			continue;
		} else {
			t = og_cap_title(p->as, id->valuestring);
		}
		tl = strlen(t);
		if (len + tl + 4 > cap) {
			cap = (len + tl + 4) * 2;
			s = og_xrealloc_array(s, cap, 1);
		}
		len += (size_t)snprintf(s + len, cap - len, "%s%s", n ? "; " : "", t);
		n++;
	}
	if (n == 0)
		snprintf(s + len, cap - len, "none");
	og_doc_bullet(p->d, "\xe2\x80\xa2", p->d->st->accent, keep(p, s));
}

static void
sec_summary(struct pdf *p)
{
	struct og_doc *d = p->d;
	double level;
	const cJSON *delta;
	int i = 0;

	og_doc_heading(d, 1, T_SUMMARY);
	incomplete_banner(p);
	if (!p->as) {
		para(p, "No maturity assessment was made for this report, so no level, strengths "
			"or actions are given. The security and collector sections below are "
			"based on the collected findings.");
		return;
	}
	if (og_rj_num(p->as, "level", &level))
		og_doc_para(d, keep(p, og_asprintf("%s is at DevOps maturity level %.0f (%s) of 5.",
				p->subject, level, og_rj_str(p->as, "level_name") ?
				og_rj_str(p->as, "level_name") : "")), 12, OG_TX_BOLD, og_ink);
	else
		og_doc_para(d, "Maturity level: not measured.", 12, OG_TX_BOLD, og_muted);
	{
		char cl[256];

		if (*og_rj_coverage_line(p->as, cl, sizeof(cl)))
			og_doc_para(d, cl, 0, 0, og_muted);
	}
	if (og_rj_str(p->as, "summary"))
		para(p, og_rj_str(p->as, "summary"));
	sec_gates(p);
	kpi_tiles(p, og_rj_arr(p->as, "kpis"), 4);

	og_doc_heading(d, 3, "Strengths");
	area_bullets(p, og_rj_arr(p->as, "strengths"), "\xe2\x9c\x93", og_status_color("good"),
		     "No area is 85% complete yet.");
	og_doc_heading(d, 3, "Areas for improvement");
	area_bullets(p, og_rj_arr(p->as, "improvements"), "\xe2\x86\x97", og_status_color("needs improvement"),
		     "No area with a known completeness is below 85%.");

	og_doc_heading(d, 3, "Top three actions");
	/* ranked by the assessment: impact per effort */
	for (char *t; i < 3 && (t = og_top_action_text(p->as, i)); i++)
		og_doc_bullet(d, keep(p, og_asprintf("%d.", i + 1)), d->st->accent, keep(p, t));
	if (i == 0)
		note(p, "No open gaps: nothing to act on.");

	og_doc_heading(d, 3, "Since the previous report");
	delta = og_rj_obj(p->hist, "delta");
	if (!p->hist || !og_rj_str(p->hist, "previous_at")) {
		note(p, "No earlier report for this subject: the comparison appears from the next run on.");
		return;
	}
	{
		char date[40];

		og_fmt_date(og_rj_str(p->hist, "previous_at"), true, date, sizeof(date));
		para(p, keep(p, og_asprintf("Compared with the report of %s:", date)));
		since_lines(p);
		id_list_line(p, "Capabilities gained", og_rj_arr(delta, "capabilities_gained"));
		id_list_line(p, "Capabilities lost", og_rj_arr(delta, "capabilities_lost"));
	}
}

/* ---------------------------------------------------------- current state */

/* An area's bar: met / missing / not observed segments with completeness
 * and coverage beside it (segbar.c); a plain bar for an older report. */
static void
area_bar(struct pdf *p, const cJSON *a, const cJSON *prev, struct og_rgb accent,
	 struct og_bar *b)
{
	char buf[64];

	b->have = area_pct(a, &b->value);
	b->have_ghost = og_rj_num(prev, og_rj_str(a, "id") ? og_rj_str(a, "id") : "", &b->ghost);
	b->color = b->have && b->value >= 85 ? accent : og_chart_tint(accent, 0.35);
	if (og_rj_area_segments(a, &b->value, &b->missing, &b->unknown)) {
		b->segmented = true;
		b->color = accent;
	}
	b->value_text = keep(p, og_strdup0(og_rj_area_figures(a, buf, sizeof(buf))));
}

/* The note beside an attested status: who, when, on what evidence. */
static void
cap_rows(struct pdf *p, const cJSON *ids, const char *status)
{
	const cJSON *id;

	cJSON_ArrayForEach(id, ids) {
		struct og_cap_row row;

		if (!cJSON_IsString(id))
			continue;
		og_cap_row(p->as, id->valuestring, status, &row);
		txt(p, row.title);
		cell(p, keep(p, row.label), true, og_status_color(status), 0);
		txt(p, keep(p, row.note));
	}
}

static void
sec_current(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Capability", 0.46, 0 }, { "Status", 0.17, 0 }, { "Evidence / note", 0.37, 0 },
	};
	struct og_doc *d = p->d;
	const cJSON *areas = og_rj_arr(p->as, "areas"), *a;
	const cJSON *prev = og_rj_obj(previous_snapshot(p), "areas");
	int n = og_rj_count(areas), i = 0;
	struct og_bar *bars;

	og_doc_heading(d, 1, T_CURRENT);
	if (n == 0) {
		note(p, "Per-area completeness: not measured (no assessment in this report).");
		return;
	}
	para(p, "Completeness is the weighted share of each area's applicable capabilities "
		"that were observed (or attested) in place; a capability that could not be "
		"observed counts as not in place. Coverage is the share that could be "
		"observed at all. Capabilities that do not apply to this project are left out.");
	{
		char *scope = og_scope_line(p->rep);

		if (scope)
			para(p, keep(p, scope));
	}
	bars = og_xcalloc((size_t)n, sizeof(*bars));
	cJSON_ArrayForEach(a, areas) {
		bars[i].label = og_rj_str(a, "name") ? og_rj_str(a, "name") : og_rj_str(a, "id");
		area_bar(p, a, prev, d->st->accent, &bars[i]);
		i++;
	}
	{
		double h = n * 24.0 + 6, y = og_doc_box(d, h);

		if (d->cr)
			og_chart_hbars(d->cr, &d->cs, d->x, y, d->w, h, bars, (size_t)n, 100, "%", 0.38);
		y = og_doc_box(d, og_chart_seg_legend(NULL, &d->cs, 0, 0, d->st->accent));
		og_chart_seg_legend(d->cr, &d->cs, d->x + d->w * 0.38, y, d->st->accent);
	}
	free(bars);
	if (prev)
		note(p, "The black tick on a bar marks the report this one is compared with.");
	cJSON_ArrayForEach(a, areas) {
		double pct;
		const char *name = og_rj_str(a, "name") ? og_rj_str(a, "name") : og_rj_str(a, "id");

		og_doc_heading(d, 2, area_pct(a, &pct) ?
			       keep(p, og_asprintf("%s: %s complete", name, area_display(p, a))) :
			       keep(p, og_asprintf("%s: completeness not measured", name)));
		cap_rows(p, og_rj_arr(a, "implemented"), "met");
		cap_rows(p, og_rj_arr(a, "missing"), "missing");
		cap_rows(p, og_rj_arr(a, "unknown"), "unknown");
		cap_rows(p, og_rj_arr(a, "not_applicable"), "not_applicable");
		if (p->n_cells == 0)
			note(p, "No capabilities of the model belong to this area.");
		else
			table(p, cols, 3, true);
	}
}

/* ------------------------------------------------------------------ ladder */

static void
sec_ladder(struct pdf *p)
{
	struct og_doc *d = p->d;
	const cJSON *levels = og_rj_arr(p->as, "levels"), *l, *next, *id;
	struct og_rung rungs[5];
	double cur = 0, v;
	size_t n = 0;

	og_doc_heading(d, 1, T_LADDER);
	if (!levels) {
		note(p, "The maturity ladder is not measured (no assessment in this report).");
		return;
	}
	og_rj_num(p->as, "level", &cur);
	cJSON_ArrayForEach(l, levels) {
		if (n == 5)
			break;
		memset(&rungs[n], 0, sizeof(rungs[n]));
		rungs[n].level = og_rj_num(l, "level", &v) ? (int)v : (int)n + 1;
		rungs[n].name = og_rj_str(l, "name");
		rungs[n].summary = og_rj_str(l, "summary");
		rungs[n].have_share = og_rj_num(l, "share", &rungs[n].share);
		rungs[n].reached = cJSON_IsTrue(og_rj_item(l, "reached"));
		rungs[n].baseline = cJSON_IsTrue(og_rj_item(l, "baseline"));
		rungs[n].current = rungs[n].level == (int)cur;
		n++;
	}
	{
		double th;

		if (og_rj_num(p->as, "threshold", &th))
			para(p, keep(p, og_asprintf("A level is reached when at least %.0f%% of the weighted, "
					"observable capabilities it requires are in place, and every "
					"level below it is reached.", th * 100)));
	}
	{
		double h = 5 * 56.0, y = og_doc_box(d, h);

		if (d->cr)
			og_chart_ladder(d->cr, &d->cs, d->x, y, d->w, h, rungs, n);
	}
	next = og_rj_obj(p->as, "next_level");
	if (!next) {
		og_doc_heading(d, 2, "Next level");
		para(p, "The highest level is reached; keep the practices in place.");
		return;
	}
	og_doc_heading(d, 2, keep(p, og_asprintf("What level %.0f (%s) still needs",
				og_rj_num(next, "level", &v) ? v : cur + 1,
				og_rj_str(next, "name") ? og_rj_str(next, "name") : "")));
	if (og_rj_count(og_rj_arr(next, "needs")) > 0) {
		/* not yet met = missing + not observed: "2 of the 1 missing"
		 * read as nonsense when a needed one was only unobserved */
		int nm = og_rj_count(og_rj_arr(next, "missing"));
		int nu = og_rj_count(og_rj_arr(next, "unknown"));

		para(p, keep(p, og_asprintf("The smallest set of actions that reaches it: %d of the "
				"%d capabilities at that level not yet in place (%d missing, %d not "
				"observed), about %s of work:",
				og_rj_count(og_rj_arr(next, "needs")), nm + nu, nm, nu,
				og_rj_str(next, "needs_effort") ? og_rj_str(next, "needs_effort") : "unknown effort")));
	}
	cJSON_ArrayForEach(id, og_rj_arr(next, "needs")) {
		const cJSON *cap;

		if (!cJSON_IsString(id))
			continue;
		cap = og_json_find_id(og_rj_arr(p->as, "capabilities"), id->valuestring);
		og_doc_bullet(d, "\xe2\x96\xa1", d->st->accent,
			      keep(p, og_asprintf("%s (%s%s)", og_cap_title(p->as, id->valuestring),
						  og_rj_str(cap, "effort") ? og_rj_str(cap, "effort")
									  : "effort not estimated",
						  !strcmp(og_rj_str(cap, "status") ? og_rj_str(cap, "status")
							  : "", "unknown") ? "; not observed: confirm or attest it" : "")));
	}
	if (og_rj_count(og_rj_arr(next, "needs")) == 0)
		note(p, "Closing the observed gaps alone does not reach it: too little of this "
			"level could be observed. Connect the collectors named in section 2 first.");
}

/* -------------------------------------------------------------------- gaps */

static void
sec_gaps(struct pdf *p)
{
	static const struct og_col kv[] = { { "", 0.2, OG_TX_BOLD }, { "", 0.8, 0 } };
	static const char *const prio[] = { "", "Priority 1: critical gaps",
		"Priority 2: important gaps", "Priority 3: nice-to-have gaps" };
	struct og_doc *d = p->d;
	const cJSON *g;
	int last = -1, n = 0;

	og_doc_heading(d, 1, T_GAPS);
	if (og_rj_count(og_rj_arr(p->as, "gaps")) == 0) {
		note(p, p->as ? "No gaps: every capability of the model that could be observed is in place."
			      : "Gap analysis: not measured (no assessment in this report).");
		return;
	}
	cJSON_ArrayForEach(g, og_rj_arr(p->as, "gaps")) {
		double pr = 0;
		const cJSON *sol = og_rj_obj(g, "solution"), *t;
		const char *title = og_rj_str(g, "title") ? og_rj_str(g, "title") : og_rj_str(g, "id");
		char tools[512] = "";
		size_t tl = 0;

		og_rj_num(g, "priority", &pr);
		if ((int)pr != last) {
			last = (int)pr;
			og_doc_heading(d, 2, last >= 1 && last <= 3 ? prio[last] :
				       keep(p, og_asprintf("Priority %d", last)));
		}
		n++;
		og_doc_heading(d, 3, keep(p, og_asprintf("%d. %s", n, title ? title : "")));
		txt(p, "Area");
		txt(p, og_area_name(p->as, og_rj_str(g, "area")));
		txt(p, "Current state");
		txt(p, og_rj_str(g, "current") ? og_rj_str(g, "current") : "not observed");
		txt(p, "Target state");
		txt(p, og_rj_str(g, "target"));
		txt(p, "Impact");
		txt(p, og_rj_str(g, "impact"));
		txt(p, "Effort");
		txt(p, effort_text(g));
		cJSON_ArrayForEach(t, og_rj_arr(g, "tools"))
			if (cJSON_IsString(t) && tl < sizeof(tools) - 1)
				tl += (size_t)snprintf(tools + tl, sizeof(tools) - tl, "%s%s",
						       tl ? ", " : "", t->valuestring);
		if (tl) {
			txt(p, "Tools");
			txt(p, keep(p, strdup(tools)));
		}
		table(p, kv, 2, false);
		if (og_rj_str(sol, "text"))
			para(p, keep(p, og_asprintf("Solution: %s", og_rj_str(sol, "text"))));
		if (og_rj_str(sol, "snippet"))
			og_doc_code(d, og_rj_str(sol, "snippet"));
	}
}

/* ----------------------------------------------------------------- roadmap */

static void
sec_roadmap(struct pdf *p)
{
	static const struct og_col qw[] = {
		{ "Quick win", 0.32, 0 }, { "Effort", 0.13, 0 }, { "Priority", 0.11, 0 }, { "Impact", 0.44, 0 },
	};
	static const struct og_col cc[] = {
		{ "Tool", 0.2, OG_TX_BOLD }, { "For", 0.28, 0 }, { "Tier", 0.1, 0 },
		{ "Monthly cost", 0.16, OG_TX_RIGHT }, { "Note", 0.26, 0 },
	};
	struct og_doc *d = p->d;
	const cJSON *ph, *it, *costs = og_rj_obj(p->as, "costs");
	struct og_tl_row rows[TIMELINE_ROWS_MAX];
	size_t n = 0;
	int weeks = 1;
	double v;

	cJSON_ArrayForEach(ph, og_rj_arr(p->as, "roadmap")) {
		double s = 1, e = 1;

		if (n >= TIMELINE_ROWS_MAX)
			break;
		og_rj_num(ph, "start_week", &s);
		og_rj_num(ph, "end_week", &e);
		rows[n++] = (struct og_tl_row){
			.label = keep(p, og_asprintf("Phase %.0f: %s",
						     og_rj_num(ph, "phase", &v) ? v : (double)n,
						     og_rj_str(ph, "name") ? og_rj_str(ph, "name") : "")),
			.start_week = (int)s, .end_week = (int)e, .phase = true };
		rows[n - 1].exact = og_phase_span(ph, &rows[n - 1].from, &rows[n - 1].to);
		if ((int)e > weeks)
			weeks = (int)e;
		cJSON_ArrayForEach(it, og_rj_arr(ph, "items")) {
			if (n >= TIMELINE_ROWS_MAX)
				break;
			og_rj_num(it, "start_week", &s);
			og_rj_num(it, "end_week", &e);
			rows[n] = (struct og_tl_row){ .label = og_rj_str(it, "title"), .start_week = (int)s,
							.end_week = (int)e };
			rows[n].exact = og_rj_num(it, "from_week", &rows[n].from) &&
					og_rj_num(it, "to_week", &rows[n].to);
			rows[n++].note = effort_text(it);
			if ((int)e > weeks)
				weeks = (int)e;
		}
	}
	if (weeks > 52)
		weeks = 52;
	/* the heading goes with its chart: never alone at the foot of a
	 * page with the chart on the next (letter paper did that) */
	if (n)
		og_doc_ensure(d, og_chart_timeline_height(&d->cs, n) + 60);
	og_doc_heading(d, 1, T_ROADMAP);
	if (n == 0) {
		note(p, p->as ? "No roadmap: there are no open gaps to schedule."
			      : "Roadmap: not measured (no assessment in this report).");
	} else {
		double h = og_chart_timeline_height(&d->cs, n), y = og_doc_box(d, h);

		if (d->cr)
			og_chart_timeline(d->cr, &d->cs, d->x, y, d->w, h, rows, n, weeks);
		og_doc_space(d, 6);
		note(p, keep(p, og_asprintf("%d weeks of one person's time (40 hours a week); phases run "
				 "one after another and each bar is as long as its effort.", weeks)));
	}

	og_doc_heading(d, 2, "Quick wins");
	cJSON_ArrayForEach(it, og_rj_arr(p->as, "quick_wins")) {
		txt(p, og_rj_str(it, "title") ? og_rj_str(it, "title") : og_rj_str(it, "id"));
		txt(p, effort_text(it));
		txt(p, og_rj_num(it, "priority", &v) ? keep(p, og_asprintf("P%.0f", v)) : "");
		txt(p, og_rj_str(it, "impact"));
	}
	if (p->n_cells)
		table(p, qw, 4, true);
	else
		note(p, "No quick wins: every open gap needs more than a short change.");

	og_doc_heading(d, 2, "Cost considerations");
	cJSON_ArrayForEach(it, og_rj_arr(costs, "options")) {
		const char *tier = og_rj_str(it, "tier");

		txt(p, og_rj_str(it, "tool"));
		txt(p, og_cap_title(p->as, og_rj_str(it, "capability")));
		cell(p, tier ? tier : "", false, og_ink, 0);
		txt(p, og_rj_str(it, "cost") ? og_rj_str(it, "cost") : "not known");
		txt(p, keep(p, og_cost_note(it)));
	}
	if (p->n_cells) {
		char *total = og_cost_total_text(costs);

		table(p, cc, 5, true);
		if (total)
			og_doc_para(d, keep(p, total), 0, OG_TX_BOLD, og_ink);
		if (og_rj_str(costs, "note"))
			note(p, og_rj_str(costs, "note"));
	} else {
		note(p, "Costs: not measured (no tool options for the open gaps).");
	}
}

/* -------------------------------------------------------------------- KPIs */

static void
sec_kpis(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Metric", 0.17, OG_TX_BOLD }, { "Current", 0.12, 0 }, { "Target", 0.25, 0 },
		{ "Status", 0.14, 0 }, { "DORA band", 0.09, 0 }, { "Basis", 0.23, 0 },
	};
	struct og_doc *d = p->d;
	const cJSON *k, *snaps = og_rj_arr(p->hist, "snapshots");
	int year = 0;

	og_doc_heading(d, 1, T_KPIS);
	cJSON_ArrayForEach(k, og_rj_arr(p->as, "kpis")) {
		double v, by;
		const char *status = og_rj_kpi_status(k);
		const char *band = og_rj_str(k, "band");
		bool have = strcmp(status, "not measured") != 0;

		txt(p, og_rj_str(k, "name") ? og_rj_str(k, "name") : og_rj_str(k, "id"));
		cell(p, kpi_display(p, k), false, og_ink, have ? OG_TX_BOLD : OG_TX_ITALIC);
		if (og_rj_str(k, "target_text"))
			txt(p, og_rj_str(k, "target_text"));
		else if (og_rj_num(k, "target", &v))
			txt(p, keep(p, og_asprintf("%g", v)));
		else
			txt(p, "none set");
		cell(p, status, true, og_status_color(status), 0);
		if (band) {
			char *b = og_asprintf("%s", band);

			b[0] = (char)(b[0] >= 'a' && b[0] <= 'z' ? b[0] - 32 : b[0]);
			txt(p, keep(p, b));
			if (og_rj_num(k, "band_year", &by))
				year = (int)by;
		} else {
			txt(p, "\xe2\x80\x94");
		}
		txt(p, have ? og_rj_str(k, "evidence") : og_rj_str(k, "reason"));
	}
	if (p->n_cells == 0) {
		note(p, "KPIs: not measured (no assessment in this report).");
	} else {
		table(p, cols, 6, true);
		note(p, keep(p, year ? og_asprintf("Status is given as text as well as colour. DORA bands "
				"(elite, high, medium, low) follow the %d State of DevOps report; a DORA "
				"metric is \"good\" in the high band or better and \"needs improvement\" "
				"below it. Every other metric is compared with the target shown.", year)
				: strdup("Status is given as text as well as colour. Each metric is "
					 "compared with the target shown.")));
	}
	if (og_rj_count(snaps) >= 2) {
		int n = og_rj_count(snaps), i = 0;
		double *lv = og_xcalloc((size_t)n, sizeof(double));
		const char **lab = og_xcalloc((size_t)n, sizeof(char *));
		const cJSON *s;
		double y;

		cJSON_ArrayForEach(s, snaps) {
			char dt[16];

			og_rj_num(s, "level", &lv[i]);
			og_fmt_snapshot_label(s, dt, sizeof(dt));
			lab[i] = keep(p, strdup(dt));
			i++;
		}
		og_doc_heading(d, 2, "Maturity level over time");
		y = og_doc_box(d, 110);
		if (d->cr)
			og_chart_line(d->cr, &d->cs, d->x, y, d->w, 104, lv, lab, (size_t)n, 0.5, 5.5, false);
		note(p, keep(p, og_asprintf("Level (1 to 5) in each of the last %d reports.", n)));
		if (og_trend_note(snaps))
			note(p, og_trend_note(snaps));
		free(lv);
		free(lab);
	}
}

/* ---------------------------------------------------------------- portfolio */

/* assessment.portfolio (org mode): one row per repository, then how the
 * levels spread. */
static void
sec_portfolio(struct pdf *p)
{
	/* ids and units of docs/report-json.md */
	static const struct {
		const char *id, *unit;
	} kpi_ids[] = {
		{ "deployment_frequency", "days/week" }, { "lead_time_for_changes", "hours" },
		{ "change_failure_rate", "%" }, { "build_success_rate", "%" },
	};
	static const struct og_col cols[] = {
		{ "Repository", 0.22, OG_TX_BOLD }, { "Level", 0.16, 0 },
		{ "Deploy frequency", 0.14, 0 }, { "Lead time", 0.13, 0 },
		{ "Change failure", 0.12, 0 }, { "Build success", 0.12, 0 },
		{ "P1 gaps", 0.11, 0 },
	};
	const cJSON *pf = og_rj_obj(p->as, "portfolio"), *r, *dist, *w;
	struct og_doc *d = p->d;
	struct og_bar bars[5];
	int rows = 0, n = og_rj_count(og_rj_arr(pf, "repos"));
	char *weak = NULL;
	double y;

	if (!pf)
		return;
	og_doc_heading(d, 1, T_PORTFOLIO);
	para(p, keep(p, og_asprintf("Each of the %d repositories assessed on its own facts and "
				    "delivery events (sections 1 to 6 assess the organisation as "
				    "a whole).", n)));
	cJSON_ArrayForEach(r, og_rj_arr(pf, "repos")) {
		const cJSON *kp = og_rj_obj(r, "kpis");
		double lv, g;

		if (rows++ == PORTFOLIO_ROWS_MAX)
			break;
		txt(p, og_rj_str(r, "name"));
		txt(p, og_rj_num(r, "level", &lv) ?
		    keep(p, og_asprintf("%.0f %s", lv, og_rj_str(r, "level_name") ?
					og_rj_str(r, "level_name") : "")) : "not assessed");
		for (size_t k = 0; k < sizeof(kpi_ids) / sizeof(kpi_ids[0]); k++) {
			const cJSON *o = og_rj_obj(kp, kpi_ids[k].id);
			double v;
			bool have = og_rj_num(o, "value", &v);
			char val[64];

			og_fmt_value(have, v, kpi_ids[k].unit, val, sizeof(val));
			cell(p, keep(p, strdup(val)), false, have ? og_ink : og_muted,
			     have ? 0 : OG_TX_ITALIC);
		}
		txt(p, og_rj_num(r, "gaps_p1", &g) ? keep(p, og_asprintf("%.0f", g)) : "\xe2\x80\x94");
	}
	if (p->n_cells)
		table(p, cols, 7, true);
	if (n > PORTFOLIO_ROWS_MAX)
		note(p, keep(p, og_asprintf("The first %d of %d repositories by name; report.json "
					    "lists them all.", PORTFOLIO_ROWS_MAX, n)));

	og_doc_heading(d, 2, "Repositories per maturity level");
	dist = og_rj_obj(pf, "level_distribution");
	for (int l = 1; l <= 5; l++) {
		char k[4];
		const cJSON *lvl = cJSON_GetArrayItem(og_rj_arr(p->as, "levels"), l - 1);
		double v;

		snprintf(k, sizeof(k), "%d", l);
		bars[l - 1] = (struct og_bar){
			.label = keep(p, og_asprintf("%d %s", l, og_rj_str(lvl, "name") ?
						     og_rj_str(lvl, "name") : "")),
			.have = og_rj_num(dist, k, &v),
			.value = og_rj_num(dist, k, &v) ? v : 0,
			.color = d->cs.accent,
			.value_text = keep(p, og_asprintf("%.0f", og_rj_num(dist, k, &v) ? v : 0)),
		};
	}
	y = og_doc_box(d, 120);
	if (d->cr)
		og_chart_vbars(d->cr, &d->cs, d->x, y, d->w, 114, bars, 5);
	cJSON_ArrayForEach(w, og_rj_arr(pf, "weakest_areas")) {
		double avg = 0;
		char *t;

		og_rj_num(w, "average", &avg);
		t = og_asprintf("%s%s%s (%.1f%%)", weak ? weak : "", weak ? ", " : "",
				og_rj_str(w, "name") ? og_rj_str(w, "name") : og_rj_str(w, "id"), avg);
		free(weak);
		weak = t;
	}
	if (weak)
		note(p, keep(p, og_asprintf("Weakest areas, average completeness over the "
					    "repositories where it is known: %s.", weak)));
	free(weak);
}

/* ---------------------------------------------------------------- security */

static void
sec_security(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Severity", 0.12, 0 }, { "ID", 0.17, 0 }, { "Title", 0.33, 0 },
		{ "Package / location", 0.20, 0 }, { "Fixed in", 0.18, 0 },
	};
	struct og_doc *d = p->d;
	const cJSON *sec = og_rj_obj(p->as, "security"), *src;
	double counts[OG_SEV_COUNT], total = 0;
	struct og_bar bars[OG_SEV_COUNT], sbars[8];
	size_t ns = 0;
	bool have;
	int shown = 0;

	og_doc_heading(d, 1, T_SECURITY);
	og_rj_severity_counts(p->report, counts, &have);
	for (int i = 0; i < 4; i++) {
		bars[i] = (struct og_bar){ .label = og_sev_names[i], .have = have,
					   .value = counts[i], .color = og_sev_color(i) };
		total += counts[i];
	}
	total += counts[4] + counts[5];
	cJSON_ArrayForEach(src, og_rj_obj(sec, "by_source")) {
		if (ns == 8 || !cJSON_IsNumber(src))
			continue;
		sbars[ns++] = (struct og_bar){ .label = src->string, .have = true,
					       .value = src->valuedouble, .color = d->st->accent };
	}
	{
		double y = og_doc_box(d, 150), half = d->w / 2 - 10;

		og_text_draw(d->cr, d->tx, d->x, y, half, 9.5, OG_TX_BOLD, og_ink, "Open findings by severity");
		og_text_draw(d->cr, d->tx, d->x + half + 20, y, half, 9.5, OG_TX_BOLD, og_ink, "By source");
		if (d->cr && !have)
			og_text_draw(d->cr, d->tx, d->x, y + 70, half, 9,
				     OG_TX_ITALIC | OG_TX_CENTER, og_muted,
				     "not measured: no scan results");
		else if (d->cr)
			og_chart_vbars(d->cr, &d->cs, d->x, y + 18, half, 128, bars, 4);
		if (d->cr) {
			if (ns)
				og_chart_vbars(d->cr, &d->cs, d->x + half + 20, y + 18, half, 128, sbars, ns);
			else
				og_text_draw(d->cr, d->tx, d->x + half + 20, y + 70, half, 9,
					     OG_TX_ITALIC | OG_TX_CENTER, og_muted, "by source: not measured");
		}
	}
	og_doc_space(d, 6);
	if (!have) {
		note(p, "Findings: not measured (no scanner results: give --trivy or --sarif, or connect GitHub code scanning).");
	} else {
		double fx = -1, nf = -1, sup = -1;

		og_rj_num(sec, "fixable", &fx);
		og_rj_num(sec, "not_fixable", &nf);
		og_rj_num(sec, "suppressed", &sup);
		para(p, keep(p, og_asprintf("%.0f open findings (%.0f critical, %.0f high). %s %s",
				 total, counts[0], counts[1],
				 fx >= 0 && nf >= 0 ? keep(p, og_asprintf("Of the %.0f open vulnerabilit%s in "
						 "packages, %.0f can be fixed by upgrading to a fixed version and "
						 "%.0f ha%s no fixed version yet.", fx + nf, fx + nf == 1 ? "y" : "ies",
						 fx, nf, nf == 1 ? "s" : "ve")) :
						 "Fixability: not measured.",
				 sup >= 0 ? keep(p, og_asprintf("%.0f suppressed (VEX, baseline or accepted).", sup)) : "")));
	}
	/* The heading counts the rows it heads. */
	og_doc_heading(d, 2, total <= TOP_FINDINGS ? "Open findings"
		       : keep(p, og_asprintf("The %d most severe of %.0f open findings",
					     TOP_FINDINGS, total)));
	/* sorted most severe first: the first open ones are the top */
	for (size_t i = 0; i < p->rep->n_findings && shown < TOP_FINDINGS; i++) {
		const struct og_model_finding *f = p->rep->findings[i];
		const char *fix = f->fixed_version;
		int rank = og_finding_rank(f);

		if (f->suppressed)
			continue;
		cell(p, og_sev_names[rank], true, og_sev_color(rank), 0);
		txt(p, f->id);
		txt(p, f->title ? f->title : "(no title)");
		txt(p, keep(p, og_finding_where(f)));
		if (fix && *fix)
			cell(p, fix, false, og_ink, OG_TX_BOLD);
		else if (f->kind != OG_FINDING_VULNERABILITY)
			cell(p, "\xe2\x80\x94", false, og_muted, 0);	/* no package to upgrade */
		else
			cell(p, "no fix yet", false, og_ink, OG_TX_ITALIC);
		shown++;
	}
	if (shown)
		table(p, cols, 5, true);
	else	/* no scan is not zero findings */
		note(p, have ? "No open findings." : "Open findings: not measured (no scan results).");

	if (og_rj_count(og_rj_arr(p->hist, "snapshots")) >= 2) {
		const cJSON *snaps = og_rj_arr(p->hist, "snapshots"), *s;
		int n = og_rj_count(snaps), i = 0;
		double *val = og_xcalloc((size_t)n, sizeof(double)), max = 1, y;
		const char **lab = og_xcalloc((size_t)n, sizeof(char *));

		cJSON_ArrayForEach(s, snaps) {
			char dt[16];
			double c = 0, h = 0;

			og_rj_num(og_rj_obj(s, "open"), "critical", &c);
			og_rj_num(og_rj_obj(s, "open"), "high", &h);
			val[i] = c + h;
			if (val[i] > max)
				max = val[i];
			og_fmt_snapshot_label(s, dt, sizeof(dt));
			lab[i] = keep(p, strdup(dt));
			i++;
		}
		og_doc_heading(d, 2, "Open critical and high findings over time");
		y = og_doc_box(d, 104);
		if (d->cr)
			og_chart_line(d->cr, &d->cs, d->x, y, d->w, 100, val, lab, (size_t)n, 0, max * 1.1, false);
		if (og_trend_note(snaps))
			note(p, og_trend_note(snaps));
		free(val);
		free(lab);
	}
}

/* ---------------------------------------------------------------- appendix */

/* Every attestation and what became of it (issue 11). */
static void
appendix_attestations(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Capability", 0.30, 0 }, { "Attested", 0.13, 0 }, { "By, date, evidence", 0.35, 0 },
		{ "Outcome", 0.22, 0 },
	};
	const cJSON *att = og_rj_obj(p->as, "attestations"), *a;

	if (!og_rj_count(og_rj_arr(att, "items")))
		return;
	og_doc_heading(p->d, 2, "Attestations");
	note(p, "Stated by the team, not observed by a collector. An observation always "
		"wins over an attestation that contradicts it; an expired attestation counts "
		"as not observed.");
	cJSON_ArrayForEach(a, og_rj_arr(att, "items")) {
		const char *oc = og_rj_str(a, "outcome") ? og_rj_str(a, "outcome") : "";

		txt(p, og_rj_str(a, "title"));
		txt(p, og_rj_str(a, "status"));
		txt(p, keep(p, og_asprintf("%s, %s%s%s", og_rj_str(a, "by") ? og_rj_str(a, "by") : "?",
					   og_rj_str(a, "date") ? og_rj_str(a, "date") : "?",
					   og_rj_str(a, "evidence") ? ", " : "",
					   og_rj_str(a, "evidence") ? og_rj_str(a, "evidence") : "")));
		txt(p, !strcmp(oc, "expired")
		       ? keep(p, og_asprintf("attestation expired on %s", og_rj_str(a, "expires")))
		       : oc);
	}
	table(p, cols, 4, true);
}

/* ---------------------------------------------------------------- decision */

/* What to do this week, this month and this quarter (assessment.decision),
 * the smallest set that reaches the next level, and the gates: the page a
 * reader acts on, before the appendix. */
static void
sec_decision(struct pdf *p)
{
	static const struct og_col cols[] = {
		{ "Action", 0.56, 0 }, { "Effort", 0.14, 0 }, { "Why", 0.30, 0 },
	};
	const cJSON *dec = og_rj_obj(p->as, "decision"), *h, *a;
	const char *next = og_rj_str(og_rj_obj(p->as, "next_level"), "text");
	char *more;

	og_doc_heading(p->d, 1, T_DECISION);
	if (!dec) {
		note(p, "Decision and next steps: not measured (no assessment in this report).");
		return;
	}
	if (next)
		og_doc_para(p->d, next, 0, OG_TX_BOLD, og_ink);
	gate_verdict(p, 0);
	failed_gates(p);
	cJSON_ArrayForEach(h, og_rj_arr(dec, "horizons")) {
		og_doc_heading(p->d, 2, keep(p, og_decision_horizon_text(h)));
		cJSON_ArrayForEach(a, og_rj_arr(h, "actions")) {
			txt(p, keep(p, og_decision_action_text(a, true)));
			txt(p, effort_text(a));
			txt(p, og_rj_str(a, "why"));
		}
		if (p->n_cells)
			table(p, cols, 3, true);
	}
	if ((more = og_decision_later_text(dec)))
		note(p, keep(p, more));
	note(p, "Order: first what reaches the next level, then what a failing gate requires, "
		"then the rest by impact per effort; the horizons hold one person's time "
		"(40 hours a week).");
}

static void
sec_appendix(struct pdf *p)
{
	static const struct og_col cc[] = {
		{ "Collector", 0.14, OG_TX_BOLD }, { "Version", 0.09, 0 }, { "Status", 0.12, 0 },
		{ "Duration", 0.11, OG_TX_RIGHT }, { "Facts / findings / events", 0.18, 0 },
		{ "Message", 0.36, 0 },
	};
	static const struct og_col ev[] = { { "Figure", 0.38, 0 }, { "Evidence", 0.62, 0 } };
	static const struct og_col kv[] = { { "", 0.3, OG_TX_BOLD }, { "", 0.7, 0 } };
	struct og_doc *d = p->d;
	const cJSON *c, *k, *model = og_rj_obj(p->as, "model");
	int rows = 0;
	double v;

	og_doc_heading(d, 1, T_APPENDIX);
	og_doc_heading(d, 2, "Collectors run");
	cJSON_ArrayForEach(c, og_rj_arr(p->report, "collectors")) {
		const char *st = og_rj_str(c, "status") ? og_rj_str(c, "status") : "unknown";
		const cJSON *cnt = og_rj_obj(c, "counts");
		double nf = 0, nfi = 0, ne = 0;

		og_rj_num(cnt, "facts", &nf);
		og_rj_num(cnt, "findings", &nfi);
		og_rj_num(cnt, "events", &ne);
		txt(p, og_rj_str(c, "name"));
		txt(p, og_rj_str(c, "version"));
		cell(p, st, true, og_status_color(st), 0);
		txt(p, og_rj_num(c, "duration_ms", &v) ?
		       keep(p, v >= 1000 ? og_asprintf("%.1f s", v / 1000) : og_asprintf("%.0f ms", v)) :
		       "not measured");
		txt(p, cnt ? keep(p, og_asprintf("%.0f / %.0f / %.0f", nf, nfi, ne)) : "not measured");
		/* what it examined, which the history compares like with like */
		txt(p, og_rj_str(c, "message") ? og_rj_str(c, "message") :
		       cJSON_IsArray(og_rj_arr(c, "targets")) ?
		       keep(p, og_asprintf("examined %s", keep(p, og_rj_targets_text(
						   og_rj_arr(c, "targets"))))) : "");
	}
	if (p->n_cells)
		table(p, cc, 6, true);
	else
		note(p, "No collectors ran.");

	og_doc_heading(d, 2, "Evidence for each figure");
	cJSON_ArrayForEach(k, og_rj_arr(p->as, "kpis")) {
		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		txt(p, keep(p, og_asprintf("KPI: %s", og_rj_str(k, "name") ? og_rj_str(k, "name") : "")));
		txt(p, og_rj_str(k, "evidence") ? og_rj_str(k, "evidence") :
		       keep(p, og_asprintf("not measured: %s", og_rj_str(k, "reason") ?
				 og_rj_str(k, "reason") : "no data")));
	}
	cJSON_ArrayForEach(k, og_rj_arr(p->as, "capabilities")) {
		const cJSON *e = cJSON_GetArrayItem(og_rj_arr(k, "evidence"), 0);
		const char *detail = og_rj_str(k, "observe_detail");

		/* an unobserved one: the fact keys behind its hint's words */
		if (!cJSON_IsString(e) && !detail)
			continue;
		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		txt(p, og_rj_str(k, "title"));
		txt(p, cJSON_IsString(e) ? e->valuestring :
		       keep(p, og_asprintf("not observed: %s", detail)));
	}
	for (size_t i = 0; i < p->rep->n_facts; i++) {
		const struct og_model_fact *f = p->rep->facts[i];

		if (f->type != OG_VALUE_UNKNOWN)
			continue;
		if (rows++ >= EVIDENCE_ROWS_MAX)
			break;
		txt(p, keep(p, og_asprintf("Fact %s", f->key ? f->key : "")));
		txt(p, keep(p, og_asprintf("unknown: %s", f->str ? f->str : "")));
	}
	if (p->n_cells)
		table(p, ev, 2, true);
	else
		note(p, "No evidence recorded.");
	if (rows > EVIDENCE_ROWS_MAX)
		note(p, "Only the first 200 rows are shown; report.json holds the rest.");
	appendix_attestations(p);

	/* the report ends with this block whole: a lone row of it on a last
	 * page reads as an empty page (issue 12) */
	og_doc_ensure(d, 200);
	og_doc_heading(d, 2, "Model and report");
	txt(p, "Maturity model");
	txt(p, model ? keep(p, og_asprintf("%s version %s", og_rj_str(model, "id") ? og_rj_str(model, "id") : "?",
					    og_rj_str(model, "version") ? og_rj_str(model, "version") : "?"))
		     : "none (not assessed)");
	/* named by id, version and digest, never by a path on this machine */
	if (og_rj_str(model, "digest")) {
		txt(p, "Model digest");
		/* 71 characters do not fit the column whole: the first 16 hex
		 * digits identify it, report.json holds all of it */
		txt(p, keep(p, og_asprintf("%.23s\xe2\x80\xa6 (in full in report.json)",
					   og_rj_str(model, "digest"))));
	}
	if (og_rj_num(p->as, "threshold", &v)) {
		txt(p, "Level threshold");
		txt(p, keep(p, og_asprintf("%.0f%%", v * 100)));
	}
	txt(p, "Report schema");
	txt(p, og_rj_str(p->report, "schema"));
	txt(p, "Generated at");
	txt(p, og_rj_str(p->report, "generated_at"));
	txt(p, "opsgrade version");
	txt(p, og_rj_str(p->report, "opsgrade_version"));
	txt(p, "Facts / findings / events");
	txt(p, keep(p, og_asprintf("%d / %d / %d", (int)p->rep->n_facts,
				   (int)p->rep->n_findings, (int)p->rep->n_events)));
	table(p, kv, 2, false);
}

static void
content(struct pdf *p)
{
	cover(p);
	sec_summary(p);
	sec_current(p);
	sec_ladder(p);
	sec_gaps(p);
	sec_roadmap(p);
	sec_kpis(p);
	sec_portfolio(p);
	sec_security(p);
	sec_decision(p);
	sec_appendix(p);
	og_doc_finish(p->d);
}

static void
set_metadata(cairo_surface_t *s, const struct pdf *p, const struct og_rstyle *st)
{
	const char *gen = og_rj_str(p->report, "generated_at");
	double level;
	char date[32], *title, *subj, *creator;
	int64_t t;

	/* cairo 1.16 stamps time(NULL) unless told: SOURCE_DATE_EPOCH first,
	 * then the report's own time, so a re-render is byte-identical */
	if (getenv("SOURCE_DATE_EPOCH") || !gen || og_parse_time(gen, &t) < 0)
		t = og_now();
	og_format_time(t, date, sizeof(date));
	title = og_asprintf("DevOps maturity assessment: %s", p->subject);
	subj = og_rj_num(p->as, "level", &level) ?
	       og_asprintf("Maturity level %.0f of 5 (%s)", level,
			   og_rj_str(p->as, "level_name") ? og_rj_str(p->as, "level_name") : "") :
	       og_asprintf("Collected facts and findings (not assessed)");
	creator = og_asprintf("opsgrade %s", OG_VERSION);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subj);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
				       st->organisation ? st->organisation : "opsgrade");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, creator);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS,
				       "DevOps, maturity, DORA, security");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
	free(title);
	free(subj);
	free(creator);
}

static bool
same_sections(const struct og_doc *a, const struct og_doc_section *b, int nb)
{
	if (a->n_sec != nb)
		return false;
	for (int i = 0; i < nb; i++)
		if (a->sec[i].page != b[i].page || strcmp(a->sec[i].title, b[i].title) != 0)
			return false;
	return true;
}

int
og_render_pdf(const struct og_report *rep, const cJSON *config, const char *path,
	      char **ret_err)
{
	const cJSON *report = rep->doc;
	struct og_rstyle st = { 0 };
	struct og_text tx = { 0 };
	struct og_out out = { .fd = -1 };
	struct og_doc *d = NULL;
	struct og_doc_section *known = NULL;
	struct pdf p = { 0 };
	cairo_surface_t *surface = NULL, *logo = NULL;
	cairo_t *cr = NULL;
	char *subject = NULL;
	int n_known = 0, total = 0, r;
	cairo_status_t cs;

	r = og_render_setup_cairo(report, config, path, &st, &tx, &logo, ret_err);
	if (r < 0)
		return r;
	d = og_xcalloc(1, sizeof(*d));
	known = og_xcalloc(OG_DOC_SECTIONS_MAX, sizeof(*known));
	subject = og_text_clean(og_rj_str(report, "subject") ? og_rj_str(report, "subject")
							     : "unnamed subject", 300, false);
	p.d = d;
	p.report = report;
	p.rep = rep;
	p.as = og_rj_obj(report, "assessment");
	p.hist = og_rj_obj(report, "history");
	p.subject = subject;
	og_fmt_date(og_rj_str(report, "generated_at"), true, p.date_long, sizeof(p.date_long));

	/* measure until the section pages stop moving, then draw */
	for (int pass = 0; pass < PASSES_MAX; pass++) {
		og_doc_init(d, NULL, NULL, &tx, &st);
		d->known = known;
		d->n_known = n_known;
		d->total = total;
		content(&p);
		pool_free(&p);
		total = d->page;
		if (pass > 0 && same_sections(d, known, n_known))
			break;
		n_known = d->n_sec;
		memcpy(known, d->sec, sizeof(*known) * (size_t)n_known);
	}

	r = og_out_open(&out, path);
	if (r < 0) {
		og_rerr(ret_err, "%s: cannot create a temporary file: %s", path, strerror(-r));
		goto out;
	}
	og_doc_init(d, NULL, NULL, &tx, &st);
	surface = cairo_pdf_surface_create_for_stream(og_out_cairo_write, &out, d->pw, d->ph);
	set_metadata(surface, &p, &st);
	cr = cairo_create(surface);
	og_text_batch(&tx);
	og_doc_init(d, cr, surface, &tx, &st);
	d->known = known;
	d->n_known = n_known;
	d->total = total;
	d->logo = logo;
	snprintf(d->header_right, sizeof(d->header_right), "%s  \xc2\xb7  %s", subject, p.date_long);
	snprintf(d->footer_left, sizeof(d->footer_left), "DevOps maturity assessment  \xc2\xb7  "
		 "generated %s by opsgrade %s", p.date_long,
		 og_rj_str(report, "opsgrade_version") ? og_rj_str(report, "opsgrade_version") : OG_VERSION);
	/* A Document structure tag around everything: cairo 1.16 writes a bad
	 * xref for link annotations in an untagged file (reports.md §1.2). */
	cairo_tag_begin(cr, "Document", NULL);
	content(&p);
	og_text_flush(cr, &tx);
	cairo_tag_end(cr, "Document");
	pool_free(&p);
	if (d->page != total)
		og_log_warn("%s: pagination changed between passes (%d, then %d pages)",
			    path, total, d->page);
	cs = cairo_status(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	surface = NULL;
	r = og_out_finish(&out, path, cs == CAIRO_STATUS_SUCCESS);
	if (r < 0)
		og_rerr(ret_err, "%s: PDF not written: %s", path,
			cs != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(cs) : strerror(-r));
out:
	if (out.tmp)
		og_out_finish(&out, path, false);
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (logo)
		cairo_surface_destroy(logo);
	free(p.pool);
	free(p.cells);
	free(subject);
	free(known);
	free(d);
	og_text_fini(&tx);
	og_rstyle_clear(&st);
	return r;
}
