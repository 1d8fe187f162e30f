#include "config.h"

#include "banner.h"
#include "chart.h"

/* Amber, not red: the figures are honest about what they rest on, the
 * run just saw less than it should have. */
static const struct og_rgb fill = { 1.0, 0.95, 0.80 };
static const struct og_rgb edge = { 0.85, 0.55, 0.05 };
static const struct og_rgb ink = { 0.40, 0.25, 0.0 };

double
og_banner_draw(cairo_t *cr, struct og_text *tx, double x, double y, double w,
	       double size, const char *text)
{
	double pad = size * 0.8;
	double h = og_text_measure(tx, text, size, 0, w - 2 * pad - 4) + 2 * pad;

	if (!cr)
		return h;
	og_chart_rrect(cr, x, y, w, h, 3, fill);
	cairo_save(cr);
	cairo_set_source_rgb(cr, edge.r, edge.g, edge.b);
	cairo_rectangle(cr, x, y, 4, h);
	cairo_fill(cr);
	cairo_restore(cr);
	og_text_draw(cr, tx, x + pad + 4, y + pad, w - 2 * pad - 4, size, 0, ink, text);
	return h;
}
