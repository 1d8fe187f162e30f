/*
 * A warning box across the content column (PDF cover and summary, PNG
 * dashboard): the incomplete-run banner.
 */
#ifndef OG_BANNER_H
#define OG_BANNER_H

#include <cairo.h>

#include "text.h"

/* Draw @text in an amber box @w wide with its top at (x, y); returns the
 * box's height.  @cr NULL measures only. */
double og_banner_draw(cairo_t *cr, struct og_text *tx, double x, double y,
		      double w, double size, const char *text);

#endif
