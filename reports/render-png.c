/*
 * summary.png: one dashboard image for chat and mail bodies, drawn in a
 * 1600 x 1000 logical canvas and scaled by report.scale (HiDPI).  The
 * charts are the PDF's (chart.c), on an image surface.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "chart.h"
#include "render.h"
#include "rdoc.h"
#include "banner.h"
#include "segbar.h"
#include "runnote.h"
#include "png-write.h"

#define W	1600.0
#define H	1000.0
#define AREAS_MAX 12
#define TILES_MAX 4	/* the four DORA metrics; the PDF has them all */

struct png {
	cairo_t *cr;
	struct og_text *tx;
	struct og_chart_style cs;
	const struct og_rstyle *st;
	const cJSON *report, *as, *hist;
};

static void
card(struct png *g, double x, double y, double w, double h, const char *title)
{
	og_chart_rrect(g->cr, x + 2, y + 3, w, h, 12, og_chart_tint(og_track, 0.1));
	og_chart_rrect(g->cr, x, y, w, h, 12, og_white);
	og_text_draw(g->cr, g->tx, x + 22, y + 16, w - 44, 20, OG_TX_BOLD | OG_TX_ONELINE,
		     og_ink, title);
}

static void
header(struct png *g, cairo_surface_t *logo)
{
	cairo_t *cr = g->cr;
	const char *gen = og_rj_str(g->report, "generated_at");
	const char *org = g->st->organisation;
	char date[40], *line;
	double x = 40;

	cairo_set_source_rgb(cr, g->st->accent.r, g->st->accent.g, g->st->accent.b);
	cairo_rectangle(cr, 0, 0, W, 96);
	cairo_fill(cr);
	if (logo) {
		double lw = cairo_image_surface_get_width(logo);
		double lh = cairo_image_surface_get_height(logo);
		double s = fmin(160.0 / fmax(lw, 1), 56.0 / fmax(lh, 1));

		og_chart_rrect(cr, x, 16, lw * s + 16, lh * s + 8, 6, og_white);
		cairo_save(cr);
		cairo_translate(cr, x + 8, 20);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, logo, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		x += lw * s + 36;
	}
	line = og_asprintf("DevOps maturity  \xc2\xb7  %s",
			   og_rj_str(g->report, "subject") ? og_rj_str(g->report, "subject") : "unnamed subject");
	/* one line however long the subject: the banner has room for no second */
	og_text_draw(cr, g->tx, x, 18, W - x - 460,
		     og_text_fit_size(g->tx, line, 32, OG_TX_BOLD, W - x - 460, 12),
		     OG_TX_BOLD | OG_TX_ONELINE, og_white, line);
	free(line);
	og_text_draw(cr, g->tx, x, 60, W - x - 460, 17, OG_TX_ONELINE,
		     og_chart_tint(g->st->accent, 0.7), org ? org : "opsgrade");
	og_fmt_date(gen, true, date, sizeof(date));
	og_text_draw(cr, g->tx, W - 440, 34, 400, 20, OG_TX_RIGHT | OG_TX_ONELINE, og_white, date);
}

static void
gauge_card(struct png *g, double x, double y, double w, double h)
{
	double level;
	bool have = og_rj_num(g->as, "level", &level);
	const cJSON *next = og_rj_obj(g->as, "next_level");
	struct og_chart_style big = g->cs;
	char line[160];

	card(g, x, y, w, h, "Maturity level");
	big.fs = 20;
	og_chart_gauge(g->cr, &big, x + 40, y + 70, w - 80, h - 150, have, (int)level,
		       og_rj_str(g->as, "level_name"));
	if (next && og_rj_num(next, "level", &level))
		snprintf(line, sizeof(line), "Level %.0f needs %d more capabilit%s", level,
			 og_rj_count(og_rj_arr(next, "needs")),
			 og_rj_count(og_rj_arr(next, "needs")) == 1 ? "y" : "ies");
	else if (have)
		snprintf(line, sizeof(line), "Highest level reached");
	else
		snprintf(line, sizeof(line), "No assessment in this report");
	og_text_draw(g->cr, g->tx, x + 20, y + h - 50, w - 40, 17, OG_TX_CENTER | OG_TX_ONELINE,
		     og_muted, line);
	{
		char cov[256];
		double pct;

		/* the coverage beside the level: how much of it was seen */
		if (og_rj_num(og_rj_obj(g->as, "coverage"), "percent", &pct)) {
			snprintf(cov, sizeof(cov), "confirmed on %.1f%% coverage", pct);
			og_text_draw(g->cr, g->tx, x + 20, y + h - 76, w - 40, 15,
				     OG_TX_CENTER | OG_TX_ONELINE, og_muted, cov);
		}
	}
}

static void
areas_card(struct png *g, double x, double y, double w, double h)
{
	struct og_bar bars[AREAS_MAX];
	char figs[AREAS_MAX][64];
	const cJSON *a, *snaps = og_rj_arr(g->hist, "snapshots");
	const cJSON *prev = og_rj_count(snaps) >= 2 ?
		og_rj_obj(cJSON_GetArrayItem(snaps, og_rj_count(snaps) - 2), "areas") : NULL;
	size_t n = 0;

	card(g, x, y, w, h, "Completeness by area");
	cJSON_ArrayForEach(a, og_rj_arr(g->as, "areas")) {
		if (n == AREAS_MAX)
			break;
		bars[n] = (struct og_bar){ .label = og_rj_str(a, "name") ? og_rj_str(a, "name") : og_rj_str(a, "id") };
		bars[n].have = og_rj_num(a, "completeness", &bars[n].value);
		bars[n].have_ghost = og_rj_num(prev, og_rj_str(a, "id") ? og_rj_str(a, "id") : "", &bars[n].ghost);
		bars[n].color = bars[n].have && bars[n].value >= 85 ? g->st->accent
								     : og_chart_tint(g->st->accent, 0.35);
		/* met / missing / not observed, coverage beside (segbar.c) */
		if (og_rj_area_segments(a, &bars[n].value, &bars[n].missing, &bars[n].unknown)) {
			bars[n].segmented = true;
			bars[n].color = g->st->accent;
		}
		bars[n].value_text = og_rj_area_figures(a, figs[n], sizeof(figs[n]));
		n++;
	}
	if (n == 0) {
		og_text_draw(g->cr, g->tx, x + 20, y + h / 2, w - 40, 18, OG_TX_CENTER | OG_TX_ITALIC,
			     og_muted, "not measured");
		return;
	}
	og_chart_hbars(g->cr, &g->cs, x + 10, y + 56, w - 30, h - 96, bars, n, 100, "%", 0.36);
	og_chart_seg_legend(g->cr, &g->cs, x + 22, y + h - 34, g->st->accent);
}

static void
kpi_card(struct png *g, double x, double y, double w, double h)
{
	const cJSON *k;
	int i = 0;
	double tw = (w - 60) / 2, th = (h - 72 - 16) / 2;

	card(g, x, y, w, h, "Key metrics");
	cJSON_ArrayForEach(k, og_rj_arr(g->as, "kpis")) {
		const char *status = og_rj_kpi_status(k);
		const char *band = og_rj_str(k, "band");
		double by;
		char buf[64], sub[64];
		const char *val = og_rj_kpi_display(k, buf, sizeof(buf));

		if (i == TILES_MAX)
			break;
		/* short enough for one line: the full target is in the PDF */
		if (band)
			snprintf(sub, sizeof(sub), "DORA %.0f band: %s",
				 og_rj_num(k, "band_year", &by) ? by : 0, band);
		else
			snprintf(sub, sizeof(sub), "%s", og_rj_str(k, "target_text") ?
				 og_rj_str(k, "target_text") : "no target set");
		og_chart_tile(g->cr, &g->cs, x + 20 + (i % 2) * (tw + 20), y + 56 + (i / 2) * (th + 16),
			      tw, th, og_rj_str(k, "name") ? og_rj_str(k, "name") : og_rj_str(k, "id"),
			      val, status, sub);
		i++;
	}
	if (i == 0)
		og_text_draw(g->cr, g->tx, x + 20, y + h / 2, w - 40, 18, OG_TX_CENTER | OG_TX_ITALIC,
			     og_muted, "KPIs not measured");
}

/* The gate results (why the run failed) and the three actions to take
 * first (assessment.top_actions: impact per effort, as the executive
 * summary lists them). */
static void
decision_card(struct png *g, double x, double y, double w, double h)
{
	const cJSON *it;
	int shown = 0, i = 0;
	double ty = y + 58;
	char line[512];

	card(g, x, y, w, h, "Gates and next actions");
	ty += og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 17, OG_TX_BOLD,
			   og_rj_count(og_rj_arr(g->report, "gates")) == 0 ? og_muted :
			   og_rj_gates_failed(og_rj_arr(g->report, "gates")) ? og_status_color("needs improvement")
							 : og_status_color("good"),
			   og_rj_gates_verdict(g->as, og_rj_arr(g->report, "gates"), line, sizeof(line))) + 6;
	cJSON_ArrayForEach(it, og_rj_arr(g->report, "gates")) {
		if (!og_rj_gate_failed(it))
			continue;
		if (shown++ == 3) {
			ty += og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 15, OG_TX_ITALIC, og_muted,
					   "more failed gates in the report") + 4;
			break;
		}
		snprintf(line, sizeof(line), "\xe2\x9c\x97 %s", og_rj_gate_text(it));
		ty += og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 15, OG_TX_CLAMP, og_ink, line) + 4;
	}
	ty += 14;
	ty += og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 17, OG_TX_BOLD, og_ink,
			   "Do first") + 6;
	cJSON_ArrayForEach(it, og_rj_arr(g->as, "top_actions")) {
		const cJSON *gap = cJSON_IsString(it) ?
			og_json_find_id(og_rj_arr(g->as, "gaps"), it->valuestring) : NULL;

		if (!gap)
			continue;
		if (i++ == 3)
			break;
		snprintf(line, sizeof(line), "%d. %s (%s)", i,
			 og_rj_str(gap, "title") ? og_rj_str(gap, "title") : it->valuestring,
			 og_rj_str(gap, "effort") ? og_rj_str(gap, "effort") : "effort not estimated");
		ty += og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 15, OG_TX_CLAMP, og_ink, line) + 4;
	}
	if (i == 0)
		og_text_draw(g->cr, g->tx, x + 22, ty, w - 44, 15, OG_TX_ITALIC, og_muted,
			     "No open gaps.");
}

static void
severity_card(struct png *g, double x, double y, double w, double h)
{
	double c[OG_SEV_COUNT];
	struct og_bar bars[4];
	bool have;

	card(g, x, y, w, h, "Open findings by severity");
	og_rj_severity_counts(g->report, c, &have);
	if (!have) {
		og_text_draw(g->cr, g->tx, x + 20, y + h / 2, w - 40, 18,
			     OG_TX_CENTER | OG_TX_ITALIC, og_muted,
			     "not measured: no scan results (Trivy, SARIF)");
		return;
	}
	for (int i = 0; i < 4; i++)
		bars[i] = (struct og_bar){ .label = og_sev_names[i], .have = have, .value = c[i],
					   .color = og_sev_color(i) };
	og_chart_vbars(g->cr, &g->cs, x + 20, y + 60, w - 40, h - 80, bars, 4);
}

static void
trend_card(struct png *g, double x, double y, double w, double h)
{
	const cJSON *snaps = og_rj_arr(g->hist, "snapshots"), *s;
	int all = og_rj_count(snaps), n = all > 64 ? 64 : all, idx = 0;
	double v[64];
	const char *lab[64];
	char dates[64][16];

	card(g, x, y, w, h, og_trend_note(snaps) ? "Maturity level over time (* incomplete run)"
						   : "Maturity level over time");
	cJSON_ArrayForEach(s, snaps) {
		int j = idx++ - (all - n);	/* the last 64 snapshots */

		if (j < 0)
			continue;
		v[j] = 0;
		og_rj_num(s, "level", &v[j]);
		og_fmt_snapshot_label(s, dates[j], sizeof(dates[j]));
		lab[j] = dates[j];
	}
	og_chart_line(g->cr, &g->cs, x + 20, y + 56, w - 40, h - 70, v, lab, (size_t)n, 0.5, 5.5, true);
}

int
og_render_png(const struct og_report *rep, const cJSON *config, const char *path,
	      char **ret_err)
{
	const cJSON *report = rep->doc;
	struct og_rstyle st = { 0 };
	struct og_text tx = { 0 };
	struct og_out out = { .fd = -1 };
	cairo_surface_t *img = NULL, *logo = NULL;
	struct png g = { 0 };
	cairo_status_t cs;
	char *banner = NULL;
	double shift = 0;
	int r, enc;

	r = og_render_setup_cairo(report, config, path, &st, &tx, &logo, ret_err);
	if (r < 0)
		return r;
	/* An incomplete run gets a banner under the header: the canvas
	 * grows by its height rather than crowding the cards. */
	banner = og_rj_incomplete_text(report);
	if (banner)
		shift = og_banner_draw(NULL, &tx, 30, 0, W - 60, 17, banner) + 16;
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(W * st.scale),
					 (int)lround((H + shift) * st.scale));
	g.cr = cairo_create(img);
	g.tx = &tx;
	g.st = &st;
	g.cs = (struct og_chart_style){ .tx = &tx, .accent = st.accent, .fs = 17 };
	g.report = report;
	g.as = og_rj_obj(report, "assessment");
	g.hist = og_rj_obj(report, "history");
	cairo_scale(g.cr, st.scale, st.scale);
	cairo_set_source_rgb(g.cr, 0.95, 0.96, 0.97);
	cairo_paint(g.cr);

	header(&g, logo);
	if (banner) {
		og_banner_draw(g.cr, &tx, 30, 112, W - 60, 17, banner);
		cairo_translate(g.cr, 0, shift);
	}
	gauge_card(&g, 30, 120, 480, 420);
	severity_card(&g, 30, 560, 480, 410);
	areas_card(&g, 530, 120, 520, 420);
	trend_card(&g, 530, 560, 520, 410);
	kpi_card(&g, 1070, 120, 500, 420);
	decision_card(&g, 1070, 560, 500, 410);

	cs = cairo_status(g.cr);
	cairo_destroy(g.cr);
	if (cs != CAIRO_STATUS_SUCCESS) {
		og_rerr(ret_err, "%s: drawing failed: %s", path, cairo_status_to_string(cs));
		r = -EIO;
		goto out;
	}
	r = og_out_open(&out, path);
	if (r < 0) {
		og_rerr(ret_err, "%s: cannot create a temporary file: %s", path, strerror(-r));
		goto out;
	}
	enc = og_png_write(img, &out);
	r = og_out_finish(&out, path, enc == 0);
	if (r < 0)
		og_rerr(ret_err, "%s: PNG not written: %s", path, strerror(enc < 0 ? -enc : -r));
out:
	if (out.tmp)
		og_out_finish(&out, path, false);
	if (img)
		cairo_surface_destroy(img);
	if (logo)
		cairo_surface_destroy(logo);
	free(banner);
	og_text_fini(&tx);
	og_rstyle_clear(&st);
	return r;
}
