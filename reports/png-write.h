/*
 * summary.png's encoder: a cairo RGB24 image surface as an 8-bit RGB PNG
 * (fast settings; see png-write.c).
 */
#ifndef OG_PNG_WRITE_H
#define OG_PNG_WRITE_H

#include <cairo.h>

#include "rdoc.h"

/* Write @img (CAIRO_FORMAT_RGB24) to @out.  0, -EINVAL for another
 * format, or a negative errno when encoding or writing failed. */
int og_png_write(cairo_surface_t *img, struct og_out *out);

#endif
