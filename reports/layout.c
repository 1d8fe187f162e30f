#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "layout.h"

#define BODY	9.5		/* body text size, points */
#define PAD	4.0		/* table cell padding */

static void
set(cairo_t *cr, struct og_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void
og_doc_init(struct og_doc *d, cairo_t *cr, cairo_surface_t *surface,
	    struct og_text *tx, const struct og_rstyle *st)
{
	memset(d, 0, sizeof(*d));
	d->cr = cr;
	d->surface = surface;
	d->tx = tx;
	d->st = st;
	d->cs = (struct og_chart_style){ .tx = tx, .accent = st->accent, .fs = BODY };
	d->pw = st->letter ? 612.0 : 595.276;
	d->ph = st->letter ? 792.0 : 841.89;
	d->x = 54;
	d->w = d->pw - 108;
	d->top = 78;
	d->bottom = d->ph - 62;
	d->y = d->top;
	d->outline_parent = CAIRO_PDF_OUTLINE_ROOT;
}

static void
draw_header(struct og_doc *d)
{
	cairo_t *cr = d->cr;
	double x = d->x, y = 34;
	const char *org = d->st->organisation ? d->st->organisation : "opsgrade";

	if (!cr || d->no_header)
		return;
	if (d->logo) {
		double lw = cairo_image_surface_get_width(d->logo);
		double lh = cairo_image_surface_get_height(d->logo);
		double s = lh > 0 ? 18.0 / lh : 1;

		if (lw * s > 90)
			s = 90.0 / lw;
		cairo_save(cr);
		cairo_translate(cr, x, y - 2);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, d->logo, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		x += lw * s + 8;
	}
	og_text_draw(cr, d->tx, x, y + 2, d->w * 0.45, 8.5, OG_TX_BOLD | OG_TX_ONELINE,
		     d->st->accent, org);
	og_text_draw(cr, d->tx, d->x + d->w * 0.45, y + 2, d->w * 0.55, 8.5,
		     OG_TX_RIGHT | OG_TX_ONELINE, og_muted, d->header_right);
	cairo_save(cr);
	set(cr, d->st->accent);
	cairo_rectangle(cr, d->x, y + 20, d->w, 1.2);
	cairo_fill(cr);
	cairo_restore(cr);
}

static void
draw_footer(struct og_doc *d)
{
	cairo_t *cr = d->cr;
	double y = d->ph - 40;
	char buf[64];

	if (!cr)
		return;
	cairo_save(cr);
	set(cr, og_track);
	cairo_rectangle(cr, d->x, y - 6, d->w, 0.8);
	cairo_fill(cr);
	cairo_restore(cr);
	og_text_draw(cr, d->tx, d->x, y, d->w * 0.75, 7.5, OG_TX_ONELINE, og_muted,
		     d->footer_left);
	snprintf(buf, sizeof(buf), "Page %d of %d", d->page, d->total);
	og_text_draw(cr, d->tx, d->x + d->w * 0.75, y, d->w * 0.25, 7.5,
		     OG_TX_RIGHT | OG_TX_ONELINE, og_muted, buf);
}

void
og_doc_new_page(struct og_doc *d)
{
	if (d->page > 0) {
		draw_footer(d);
		if (d->cr) {
			og_text_flush(d->cr, d->tx);
			cairo_show_page(d->cr);
		}
	}
	d->page++;
	d->y = d->top;
	draw_header(d);
	d->no_header = false;
}

void
og_doc_finish(struct og_doc *d)
{
	if (d->page > 0) {
		draw_footer(d);
		if (d->cr) {
			og_text_flush(d->cr, d->tx);
			cairo_show_page(d->cr);
		}
	}
}

bool
og_doc_ensure(struct og_doc *d, double h)
{
	if (d->page > 0 && d->y + h <= d->bottom)
		return false;
	og_doc_new_page(d);
	return true;
}

void
og_doc_space(struct og_doc *d, double h)
{
	d->y += h;
}

static void
tag(struct og_doc *d, const char *name, bool begin)
{
	if (!d->cr)
		return;
	og_text_flush(d->cr, d->tx);	/* a tag takes what is drawn inside it */
	if (begin)
		cairo_tag_begin(d->cr, name, NULL);
	else
		cairo_tag_end(d->cr, name);
}

void
og_doc_heading(struct og_doc *d, int level, const char *text)
{
	double size = level == 1 ? 18 : level == 2 ? 13 : 10.5;
	double h = og_text_measure(d->tx, text, size, OG_TX_BOLD, d->w);
	const char *tname = level == 1 ? "H1" : level == 2 ? "H2" : "H3";

	if (level == 1) {
		/* a section starts a page unless the one before left most of
		 * the page empty (short or "not measured" sections) */
		if (d->page == 0 || d->y > d->top + (d->bottom - d->top) * 0.4)
			og_doc_new_page(d);
		else if (d->y > d->top)
			og_doc_space(d, 22);
	} else {
		/* keep the heading with at least a few lines of what follows */
		og_doc_space(d, level == 2 ? 10 : 6);
		og_doc_ensure(d, h + 60);
	}
	if (level <= 2 && d->n_sec < OG_DOC_SECTIONS_MAX) {
		struct og_doc_section *s = &d->sec[d->n_sec++];

		snprintf(s->title, sizeof(s->title), "%s", text);
		s->level = level;
		s->page = d->page;
		if (d->cr && d->surface) {
			char attrs[64];
			int id;

			snprintf(attrs, sizeof(attrs), "page=%d pos=[%d %d]", d->page,
				 (int)d->x, (int)d->y);
			id = cairo_pdf_surface_add_outline(d->surface,
					level == 1 ? CAIRO_PDF_OUTLINE_ROOT : d->outline_parent,
					s->title, attrs,
					level == 1 ? CAIRO_PDF_OUTLINE_FLAG_BOLD : 0);
			if (level == 1)
				d->outline_parent = id;
		}
	}
	tag(d, tname, true);
	og_text_draw(d->cr, d->tx, d->x, d->y, d->w, size, OG_TX_BOLD,
		     level == 1 ? d->st->accent : og_ink, text);
	tag(d, tname, false);
	d->y += h + (level == 1 ? 4 : 4);
	if (level == 1 && d->cr) {
		cairo_save(d->cr);
		set(d->cr, d->st->accent);
		cairo_rectangle(d->cr, d->x, d->y, 36, 2.5);
		cairo_fill(d->cr);
		cairo_restore(d->cr);
	}
	if (level == 1)
		d->y += 12;
}

void
og_doc_para(struct og_doc *d, const char *text, double size, unsigned flags,
	    struct og_rgb color)
{
	double h;

	if (size <= 0)
		size = BODY;
	h = og_text_measure(d->tx, text, size, flags, d->w);
	og_doc_ensure(d, h);
	tag(d, "P", true);
	og_text_draw(d->cr, d->tx, d->x, d->y, d->w, size, flags, color, text);
	tag(d, "P", false);
	d->y += h + size * 0.55;
}

void
og_doc_bullet(struct og_doc *d, const char *mark, struct og_rgb mark_color,
	      const char *text)
{
	double ind = 14, h = og_text_measure(d->tx, text, BODY, 0, d->w - ind);

	og_doc_ensure(d, h);
	og_text_draw(d->cr, d->tx, d->x + 2, d->y, ind, BODY, OG_TX_BOLD, mark_color, mark);
	tag(d, "P", true);
	og_text_draw(d->cr, d->tx, d->x + ind, d->y, d->w - ind, BODY, 0, og_ink, text);
	tag(d, "P", false);
	d->y += h + 2.5;
}

void
og_doc_code(struct og_doc *d, const char *code)
{
	double pad = 7, size = 8;
	double h = og_text_measure(d->tx, code, size, OG_TX_MONO, d->w - 2 * pad - 3);

	og_doc_ensure(d, h + 2 * pad);
	if (d->cr) {
		og_chart_rrect(d->cr, d->x, d->y, d->w, h + 2 * pad, 3,
			       og_chart_tint(og_track, 0.55));
		og_chart_rrect(d->cr, d->x, d->y, 3, h + 2 * pad, 1, d->st->accent);
	}
	og_text_draw(d->cr, d->tx, d->x + pad + 3, d->y + pad, d->w - 2 * pad - 3, size,
		     OG_TX_MONO, og_ink, code);
	d->y += h + 2 * pad + 6;
}

double
og_doc_box(struct og_doc *d, double h)
{
	double y;

	og_doc_ensure(d, h);
	y = d->y;
	d->y += h;
	return y;
}

static double
row_height(struct og_doc *d, const struct og_col *cols, int ncols,
	   const struct og_cell *row, double size, bool head)
{
	double hmax = 0;

	for (int c = 0; c < ncols; c++) {
		double cw = d->w * cols[c].frac - 2 * PAD;
		unsigned fl = head ? OG_TX_BOLD : cols[c].flags | row[c].flags | OG_TX_CLAMP;
		const char *t = head ? cols[c].title : row[c].text;
		double h = og_text_measure(d->tx, t ? t : "", size,
					   row && !head && row[c].chip ? fl | OG_TX_BOLD : fl,
					   row && !head && row[c].chip ? cw - 8 : cw);

		if (h > hmax)
			hmax = h;
	}
	return hmax + 2 * PAD;
}

static void
draw_row(struct og_doc *d, const struct og_col *cols, int ncols,
	 const struct og_cell *row, double size, double h, bool head, bool shade)
{
	cairo_t *cr = d->cr;
	double x = d->x;

	if (!cr)
		return;
	if (head || shade) {
		cairo_save(cr);
		set(cr, head ? d->st->accent : og_chart_tint(d->st->accent, 0.94));
		cairo_rectangle(cr, d->x, d->y, d->w, h);
		cairo_fill(cr);
		cairo_restore(cr);
	}
	for (int c = 0; c < ncols; c++) {
		double cw = d->w * cols[c].frac;
		const char *t = head ? cols[c].title : row[c].text;

		if (!head && row[c].chip) {
			double th = og_text_measure(d->tx, t ? t : "", size,
						    OG_TX_BOLD | OG_TX_CLAMP | cols[c].flags | row[c].flags,
						    cw - 2 * PAD - 8);
			og_chart_rrect(cr, x + PAD - 2, d->y + PAD - 1.5,
				       cw - 2 * PAD + 4, th + 3, 3, row[c].color);
			og_text_draw(cr, d->tx, x + PAD + 2, d->y + PAD, cw - 2 * PAD - 8, size,
				     OG_TX_BOLD | OG_TX_CLAMP | cols[c].flags | row[c].flags, og_white, t);
		} else {
			og_text_draw(cr, d->tx, x + PAD, d->y + PAD, cw - 2 * PAD, size,
				     head ? OG_TX_BOLD : cols[c].flags | row[c].flags | OG_TX_CLAMP,
				     head ? og_white : og_ink, t);
		}
		x += cw;
	}
	if (!head) {
		cairo_save(cr);
		set(cr, og_track);
		cairo_rectangle(cr, d->x, d->y + h - 0.5, d->w, 0.5);
		cairo_fill(cr);
		cairo_restore(cr);
	}
}

#define TABLE_COLS_MAX	12
#define COL_MIN_MAX	0.45	/* a longer token (path, hash) breaks instead */

/* Widen a column whose longest word would otherwise be split ("Versio-n"),
 * taking the room from columns with slack, in proportion to their slack. */
static void
fit_columns(struct og_doc *d, const struct og_col *cols, int ncols,
	    const struct og_cell *cells, int nrows, bool header, double size,
	    struct og_col *fit)
{
	double need[TABLE_COLS_MAX], deficit = 0, slack = 0;

	for (int c = 0; c < ncols; c++) {
		double want = 0;

		fit[c] = cols[c];
		if (header)
			want = og_text_widest_word(d->tx, cols[c].title ? cols[c].title : "", size, OG_TX_BOLD);
		for (int r = 0; r < nrows; r++) {
			const struct og_cell *cell = &cells[(size_t)r * ncols + c];
			unsigned fl = cols[c].flags | cell->flags | (cell->chip ? OG_TX_BOLD : 0);
			double ww = og_text_widest_word(d->tx, cell->text ? cell->text : "", size, fl) +
				    (cell->chip ? 8 : 0);

			if (ww > want)
				want = ww;
		}
		need[c] = fmin((want + 2 * PAD + 1) / d->w, COL_MIN_MAX);
		if (need[c] > cols[c].frac)
			deficit += need[c] - cols[c].frac;
		else
			slack += cols[c].frac - need[c];
	}
	if (deficit <= 0 || slack <= 0)
		return;
	for (int c = 0; c < ncols; c++) {
		if (need[c] > cols[c].frac)
			fit[c].frac = need[c];
		else
			fit[c].frac -= (cols[c].frac - need[c]) * fmin(deficit / slack, 1);
	}
}

void
og_doc_table(struct og_doc *d, const struct og_col *given, int ncols,
	     const struct og_cell *cells, int nrows, bool header)
{
	double size = 8.5;
	struct og_col cols[TABLE_COLS_MAX];
	double hh;

	if (ncols > TABLE_COLS_MAX)
		ncols = TABLE_COLS_MAX;
	fit_columns(d, given, ncols, cells, nrows, header, size, cols);
	hh = header ? row_height(d, cols, ncols, NULL, size, true) : 0;

	/* the header and the first row stay together */
	if (nrows > 0)
		og_doc_ensure(d, hh + row_height(d, cols, ncols, cells, size, false));
	else
		og_doc_ensure(d, hh);
	if (header) {
		draw_row(d, cols, ncols, NULL, size, hh, true, false);
		d->y += hh;
	}
	for (int r = 0; r < nrows; r++) {
		const struct og_cell *row = cells + (size_t)r * ncols;
		double h = row_height(d, cols, ncols, row, size, false);

		if (og_doc_ensure(d, h) && header) {
			/* continued on a new page: repeat the header row */
			draw_row(d, cols, ncols, NULL, size, hh, true, false);
			d->y += hh;
		}
		draw_row(d, cols, ncols, row, size, h, false, r % 2 == 1);
		d->y += h;
	}
	d->y += 8;
}

int
og_doc_section_page(const struct og_doc *d, const char *title)
{
	for (int i = 0; i < d->n_known; i++)
		if (strcmp(d->known[i].title, title) == 0)
			return d->known[i].page;
	return 0;
}

void
og_doc_contents(struct og_doc *d)
{
	for (int i = 0; i < d->n_known; i++) {
		const struct og_doc_section *s = &d->known[i];
		double size = 10, h;
		char pg[16];

		if (s->level != 1)
			continue;	/* the outline has the subsections */
		h = og_text_measure(d->tx, s->title, size, OG_TX_ONELINE, d->w - 60);
		og_doc_ensure(d, h);
		snprintf(pg, sizeof(pg), "%d", s->page);
		if (d->cr) {
			char attrs[48];

			snprintf(attrs, sizeof(attrs), "page=%d", s->page);
			og_text_flush(d->cr, d->tx);
			cairo_tag_begin(d->cr, CAIRO_TAG_LINK, attrs);
		}
		og_text_draw(d->cr, d->tx, d->x, d->y, d->w - 60, size,
			     OG_TX_ONELINE | OG_TX_BOLD, og_ink, s->title);
		og_text_draw(d->cr, d->tx, d->x + d->w - 60, d->y, 60, size,
			     OG_TX_RIGHT | OG_TX_ONELINE, og_muted, pg);
		if (d->cr) {
			og_text_flush(d->cr, d->tx);
			cairo_tag_end(d->cr, CAIRO_TAG_LINK);
		}
		d->y += h + 4;
	}
}
