/*
 * PNG encoding of a cairo image surface, tuned for the dashboard.
 *
 * cairo_surface_write_to_png() leaves libpng at its defaults: every row
 * tried with all five filters and compressed at zlib's default level,
 * which was more than half of the CPU of rendering summary.png.  The
 * dashboard is flat colours, rules and anti-aliased text: one cheap
 * filter and a fast zlib level compress it nearly as well at a fraction
 * of the cost.  The pixels are the same; only the encoding differs.
 * libpng rather than our own chunk writer: it is already loaded (cairo
 * uses it), and it keeps the format right (chunk CRCs, IDAT splitting).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "png-write.h"

static void
write_cb(png_structp png, png_bytep data, size_t len)
{
	struct og_out *o = png_get_io_ptr(png);

	og_out_write(o, data, len);
	if (o->err)
		png_error(png, "write failed");
}

static void
flush_cb(png_structp png)
{
	(void)png;
}

static void
error_cb(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void
warning_cb(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int
og_png_write(cairo_surface_t *img, struct og_out *out)
{
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile row = NULL;
	const unsigned char *data;
	int w, h, stride;
	volatile int r = -EIO;

	cairo_surface_flush(img);
	if (cairo_image_surface_get_format(img) != CAIRO_FORMAT_RGB24)
		return -EINVAL;
	w = cairo_image_surface_get_width(img);
	h = cairo_image_surface_get_height(img);
	stride = cairo_image_surface_get_stride(img);
	data = cairo_image_surface_get_data(img);
	if (!data || w <= 0 || h <= 0)
		return -EINVAL;
	row = malloc((size_t)w * 3);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, error_cb, warning_cb);
	if (!row || !png)
		goto out;
	info = png_create_info_struct(png);
	if (!info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, out, write_cb, flush_cb);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* Measured on the example dashboard (encoding alone, best of 15):
	 * libpng's defaults 112 ms, 203 KB; no filter at level 3 19 ms,
	 * 186 KB.  Flat colour runs are what deflate finds best unfiltered;
	 * Sub, Up or Paeth turn them into residues that compress worse at
	 * the fast levels (222-236 KB) and cost the filter pass. */
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 3);
	/* fewer, larger IDAT chunks: fewer writes */
	png_set_compression_buffer_size(png, 1 << 16);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
		unsigned char *o = row;

		for (int x = 0; x < w; x++) {
			*o++ = (unsigned char)(px[x] >> 16);
			*o++ = (unsigned char)(px[x] >> 8);
			*o++ = (unsigned char)px[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	r = 0;
out:
	if (png)
		png_destroy_write_struct(&png, info ? &info : NULL);
	free(row);
	if (r == 0 && out->err)
		r = out->err;
	return r;
}
