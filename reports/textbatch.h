/*
 * Laid-out texts gathered into few cairo text calls (the PDF).  Each
 * cairo_show_text_glyphs on a PDF surface costs about as much as a few
 * hundred glyphs do (cairo records it, analyses it and replays it when
 * the page is shown), and pango makes one call per run of every text:
 * about 2,000 for the example, most of the PDF's drawing time.  Queued
 * texts are drawn one call per font, size and colour when the batch is
 * flushed.
 *
 * Texts drawn later than they were asked for end up above anything drawn
 * in between, so whoever draws must flush before what may cover a text or
 * must not hold one: a page end, a tag (links and structure take what is
 * drawn between begin and end), a clip.
 */
#ifndef OG_TEXTBATCH_H
#define OG_TEXTBATCH_H

#include <stdbool.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "rdoc.h"

struct og_tbatch;

struct og_tbatch *og_tbatch_new(void);
void og_tbatch_free(struct og_tbatch *b);
/* Queue @l, shaped at one size and drawn at @scale times it with its top
 * left at (x, y) of @cr's user space, in colour @c.  False when pango must
 * draw it itself (a glyph the fonts lack, right-to-left text): nothing
 * queued then. */
bool og_tbatch_add(struct og_tbatch *b, cairo_t *cr, PangoLayout *l, double x,
		   double y, double scale, struct og_rgb c);
/* Draw what is queued (in the order the fonts and colours first came). */
void og_tbatch_flush(struct og_tbatch *b, cairo_t *cr);

#endif
