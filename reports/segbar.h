/*
 * Area bars as met / missing / not observed segments (issue 11): the
 * figures are the assessment's per-area weights, turned into shares of
 * the applicable weight for drawing only; "not observed" is hatched grey
 * so it never reads as either.
 */
#ifndef OG_SEGBAR_H
#define OG_SEGBAR_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>
#include <cjson/cJSON.h>

#include "chart.h"

/* Shares (0..100) of @area's applicable weight met, missing and not
 * observed; false when the area has no applicable weight. */
bool og_rj_area_segments(const cJSON *area, double *ret_met,
			 double *ret_missing, double *ret_unknown);
/* "77.8% · coverage 78%" (or the completeness alone) into @buf. */
const char *og_rj_area_figures(const cJSON *area, char *buf, size_t size);

extern const struct og_rgb og_seg_missing, og_seg_unknown;

/* One segmented bar: met in @met_color from @x, then missing, then not
 * observed hatched, shares of @w (percent). */
void og_chart_segments(cairo_t *cr, double x, double y, double w, double h,
		       struct og_rgb met_color, double met, double missing,
		       double unknown);
/* The legend line "■ in place ■ missing ▨ not observed" at (x, y);
 * returns its height (cr NULL: measure only). */
double og_chart_seg_legend(cairo_t *cr, const struct og_chart_style *cs,
			   double x, double y, struct og_rgb met_color);

#endif
