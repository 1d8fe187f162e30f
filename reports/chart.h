/*
 * Chart geometry, shared by the PDF report and the PNG dashboard: every
 * chart draws into a box (x, y, w, h) in the current cairo units, so the
 * same code serves a PDF page (points) and an image (pixels, scaled).
 */
#ifndef OG_CHART_H
#define OG_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "rdoc.h"
#include "text.h"

struct og_chart_style {
	struct og_text *tx;
	struct og_rgb accent;
	double fs;		/* base font size */
};

extern const struct og_rgb og_ink, og_muted, og_track, og_white;

struct og_bar {
	const char *label;
	bool have;		/* false: drawn as "not measured" */
	double value;
	bool have_ghost;	/* previous value (history) */
	double ghost;
	struct og_rgb color;
	const char *value_text;	/* NULL: "%.0f%s" of value and unit */
	/* segmented (segbar.c): value is the met share, then missing and
	 * not observed (hatched) */
	bool segmented;
	double missing, unknown;
};

struct og_tl_row {
	const char *label;
	int start_week, end_week;	/* 1-based, inclusive */
	bool phase;			/* a phase band, not an item */
	bool exact;			/* from..to (weeks from the start, fractional) */
	double from, to;		/* set: the bar is as long as the effort */
	const char *note;		/* after the bar (the effort), may be NULL */
};

struct og_rung {
	int level;
	bool baseline;		/* requires nothing: where every team starts */
	const char *name;
	const char *summary;
	bool have_share;
	double share;		/* 0..1 of weighted known capabilities met */
	bool reached;
	bool current;
};

/* Fill a rounded rectangle (r = corner radius). */
void og_chart_rrect(cairo_t *cr, double x, double y, double w, double h,
		    double r, struct og_rgb c);
struct og_rgb og_chart_tint(struct og_rgb c, double amount);	/* towards white */

/* Half-ring of five segments, @level 1..5 filled; !have: "not assessed". */
void og_chart_gauge(cairo_t *cr, const struct og_chart_style *cs, double x,
		    double y, double w, double h, bool have, int level,
		    const char *level_name);
/* Horizontal bars against @max, label column of @label_frac of @w. */
void og_chart_hbars(cairo_t *cr, const struct og_chart_style *cs, double x,
		    double y, double w, double h, const struct og_bar *bars,
		    size_t n, double max, const char *unit, double label_frac);
/* Vertical bars with value labels above and names below. */
void og_chart_vbars(cairo_t *cr, const struct og_chart_style *cs, double x,
		    double y, double w, double h, const struct og_bar *bars,
		    size_t n);
/* Line through @v (n points); @labels under first and last point (a
 * label ending in "*" marks an incomplete run: hollow point, starred value);
 * @spark: no grid.  n < 2 says "no history yet". */
void og_chart_line(cairo_t *cr, const struct og_chart_style *cs, double x,
		   double y, double w, double h, const double *v,
		   const char *const *labels, size_t n, double min, double max,
		   bool spark);
/* Phases x weeks; label column 42% of @w. */
void og_chart_timeline(cairo_t *cr, const struct og_chart_style *cs, double x,
		       double y, double w, double h, const struct og_tl_row *rows,
		       size_t n, int weeks);
double og_chart_timeline_height(const struct og_chart_style *cs, size_t n);
/* Five levels, level 5 at the top. */
void og_chart_ladder(cairo_t *cr, const struct og_chart_style *cs, double x,
		     double y, double w, double h, const struct og_rung *rungs,
		     size_t n);
/* A KPI tile: title, big value, status chip with a text label. */
void og_chart_tile(cairo_t *cr, const struct og_chart_style *cs, double x,
		   double y, double w, double h, const char *title,
		   const char *value, const char *status, const char *sub);

#endif
