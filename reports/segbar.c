#include "config.h"

#include <math.h>
#include <stdio.h>

#include "jsonget.h"
#include "rdoc.h"
#include "segbar.h"
#include "text.h"

const struct og_rgb og_seg_missing = { 0.85, 0.42, 0.36 };
const struct og_rgb og_seg_unknown = { 0.80, 0.80, 0.80 };

bool
og_rj_area_segments(const cJSON *area, double *ret_met, double *ret_missing,
		    double *ret_unknown)
{
	const cJSON *w = og_jget(area, "weights");
	double app = 0, met = 0, miss = 0, unk = 0;

	if (!og_rj_num(w, "applicable", &app) || app <= 0)
		return false;
	og_rj_num(w, "met", &met);
	og_rj_num(w, "missing", &miss);
	og_rj_num(w, "unknown", &unk);
	*ret_met = 100 * met / app;
	*ret_missing = 100 * miss / app;
	*ret_unknown = 100 * unk / app;
	return true;
}

const char *
og_rj_area_figures(const cJSON *area, char *buf, size_t size)
{
	char pct[32];
	double cov;
	const char *c = og_rj_area_display(area, pct, sizeof(pct));

	if (og_rj_num(area, "coverage", &cov))
		snprintf(buf, size, "%s \xc2\xb7 coverage %.0f%%", c, cov);
	else
		snprintf(buf, size, "%s", c);
	return buf;
}

static void
fill(cairo_t *cr, double x, double y, double w, double h, struct og_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

/* Grey with darker diagonal strokes, clipped to the box. */
static void
hatch(cairo_t *cr, double x, double y, double w, double h)
{
	double step = fmax(h / 2.5, 3);

	fill(cr, x, y, w, h, og_chart_tint(og_seg_unknown, 0.5));
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(cr, fmax(h / 10, 0.8));
	for (double sx = x - h; sx < x + w; sx += step) {
		cairo_move_to(cr, sx, y + h);
		cairo_line_to(cr, sx + h, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

void
og_chart_segments(cairo_t *cr, double x, double y, double w, double h,
		  struct og_rgb met_color, double met, double missing,
		  double unknown)
{
	double a = w * fmin(fmax(met, 0), 100) / 100;
	double b = w * fmin(fmax(missing, 0), 100) / 100;
	double c = w * fmin(fmax(unknown, 0), 100) / 100;

	if (!cr)
		return;
	cairo_save(cr);
	/* rounded ends for the whole bar, square joints between segments */
	og_chart_rrect(cr, x, y, w, h, h / 4, og_track);
	cairo_new_path(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	if (a > 0)
		fill(cr, x, y, a, h, met_color);
	if (b > 0)
		fill(cr, x + a, y, b, h, og_seg_missing);
	if (c > 0)
		hatch(cr, x + a + b, y, fmin(c, w - a - b), h);
	cairo_restore(cr);
}

double
og_chart_seg_legend(cairo_t *cr, const struct og_chart_style *cs, double x,
		    double y, struct og_rgb met_color)
{
	static const char *const names[] = { "in place", "missing", "not observed" };
	double fs = cs->fs * 0.8, sw = fs * 1.6, cx = x;

	for (int i = 0; i < 3; i++) {
		if (cr) {
			if (i == 2)
				hatch(cr, cx, y + fs * 0.15, sw, fs);
			else
				fill(cr, cx, y + fs * 0.15, sw, fs, i ? og_seg_missing : met_color);
		}
		cx += sw + fs * 0.4;
		og_text_draw(cr, cs->tx, cx, y, 400, fs, OG_TX_ONELINE, og_muted, names[i]);
		cx += og_text_width(cs->tx, names[i], fs, 0) + fs * 1.4;
	}
	return fs * 1.5;
}
