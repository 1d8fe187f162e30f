/*
 * Pango helpers shared by the PDF and PNG renderers.  One PangoContext
 * per render with a fixed resolution (72: one font point is one cairo
 * unit) and fixed font options (no hinting of metrics), so measuring
 * without a surface gives exactly the sizes drawing will use.
 */
#ifndef OG_TEXT_H
#define OG_TEXT_H

#include <stdbool.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "rdoc.h"

enum {
	OG_TX_BOLD	= 1 << 0,
	OG_TX_MONO	= 1 << 1,
	OG_TX_ITALIC	= 1 << 2,
	OG_TX_CENTER	= 1 << 3,
	OG_TX_RIGHT	= 1 << 4,
	OG_TX_ONELINE	= 1 << 5,	/* ellipsize instead of wrapping */
	OG_TX_LIGHT	= 1 << 6,
	OG_TX_CLAMP	= 1 << 7,	/* at most OG_TX_CELL_LINES lines */
};

#define OG_TX_MAX_LINES	60	/* a single block never grows past this */
#define OG_TX_CELL_LINES 10	/* a table cell: the rest is in report.json */

struct og_text {
	PangoContext *ctx;
	PangoAttrList *attrs;	/* every layout's: no hyphens at breaks */
	char *family;
	char *mono;
	PangoFontDescription *fonts[16];	/* by style bits, at one size (text.c) */
	GHashTable *layouts;	/* text.c: layouts already made, by text and style */
	struct og_tbatch *batch;	/* NULL: each text drawn at once */
};

/* Resolve @family (warns once when fontconfig would substitute it). */
int og_text_init(struct og_text *t, const char *family);
void og_text_fini(struct og_text *t);

/* og_render_setup, then what the cairo renderers need: the logo (NULL when
 * none is configured) and the fonts.  On error nothing is left to free. */
int og_render_setup_cairo(const cJSON *report, const cJSON *config,
			  const char *path, struct og_rstyle *ret_st,
			  struct og_text *ret_tx, cairo_surface_t **ret_logo,
			  char **ret_err);

/* Height of @s set in a box @w wide. */
double og_text_measure(struct og_text *t, const char *s, double size,
		       unsigned flags, double w);
/* The largest size up to @size at which @s fits @width on one line, but
 * not below @min_size (for a single-line slot such as a banner title). */
double og_text_fit_size(struct og_text *t, const char *s, double size, unsigned flags,
			double width, double min_size);
/* Width of the widest word of @s (what a table column needs so that no
 * word is split). */
double og_text_widest_word(struct og_text *t, const char *s, double size, unsigned flags);
/* Natural width of @s on one line. */
double og_text_width(struct og_text *t, const char *s, double size, unsigned flags);
/* Draw @s with its top-left at (x, y) in colour @c; returns its height.
 * @cr NULL measures only. */
double og_text_draw(cairo_t *cr, struct og_text *t, double x, double y,
		    double w, double size, unsigned flags, struct og_rgb c,
		    const char *s);

/* From now on texts are queued and drawn a few cairo calls at a time
 * (textbatch.h: the PDF); og_text_flush draws what is queued.  Whoever
 * draws then flushes before a page ends, a tag begins or ends, or
 * something is drawn that may cover a text. */
void og_text_batch(struct og_text *t);
void og_text_flush(cairo_t *cr, struct og_text *t);

/* cairo_write_func_t onto a struct og_out (PDF and PNG streams). */
cairo_status_t og_out_cairo_write(void *closure, const unsigned char *data,
				  unsigned int len);

#endif
