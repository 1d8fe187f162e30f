/*
 * Paginated document on a cairo PDF surface.  Cairo cannot return to a
 * page it has shown, so the PDF renderer runs its content function in
 * measuring passes (cr NULL: nothing drawn, every height computed with
 * the same Pango context) until the page of every section is known, and
 * then once more to draw: "Page X of Y" and the contents list are right
 * on the first page drawn.
 */
#ifndef OG_LAYOUT_H
#define OG_LAYOUT_H

#include <stdbool.h>

#include <cairo.h>

#include "chart.h"
#include "rdoc.h"
#include "text.h"

#define OG_DOC_SECTIONS_MAX	64

struct og_doc_section {
	char title[160];
	int level;		/* 1 section, 2 subsection */
	int page;
};

struct og_doc {
	cairo_t *cr;			/* NULL while measuring */
	cairo_surface_t *surface;	/* the PDF surface when drawing */
	struct og_text *tx;
	struct og_chart_style cs;
	const struct og_rstyle *st;
	cairo_surface_t *logo;		/* NULL: none */

	double pw, ph;			/* page size, points */
	double x, w;			/* content column */
	double top, bottom;		/* content area y range */
	double y;			/* cursor */
	int page;			/* current page, 1-based; 0 before */
	int total;			/* pages, from the previous pass */

	struct og_doc_section sec[OG_DOC_SECTIONS_MAX];
	int n_sec;
	const struct og_doc_section *known;	/* previous pass */
	int n_known;
	int outline_parent;

	char header_right[256];
	char footer_left[256];
	bool no_header;			/* cover page */
};

struct og_col {
	const char *title;
	double frac;			/* share of the content width */
	unsigned flags;			/* OG_TX_* for the column */
};

struct og_cell {
	const char *text;
	bool chip;			/* coloured label: status / severity */
	struct og_rgb color;
	unsigned flags;			/* extra OG_TX_* */
};

void og_doc_init(struct og_doc *d, cairo_t *cr, cairo_surface_t *surface,
		 struct og_text *tx, const struct og_rstyle *st);
void og_doc_new_page(struct og_doc *d);
void og_doc_finish(struct og_doc *d);
/* Start a new page unless @h fits below the cursor. */
bool og_doc_ensure(struct og_doc *d, double h);
void og_doc_space(struct og_doc *d, double h);
/* Level 1 starts a page and is a contents/outline entry; level 2 is an
 * outline child; level 3 is only a bold line. */
void og_doc_heading(struct og_doc *d, int level, const char *text);
void og_doc_para(struct og_doc *d, const char *text, double size,
		 unsigned flags, struct og_rgb color);
void og_doc_bullet(struct og_doc *d, const char *mark, struct og_rgb mark_color,
		   const char *text);
void og_doc_code(struct og_doc *d, const char *code);
void og_doc_table(struct og_doc *d, const struct og_col *cols, int ncols,
		  const struct og_cell *cells, int nrows, bool header);
/* Reserve @h points for a drawing; returns its top y (draw only when
 * d->cr is set). */
double og_doc_box(struct og_doc *d, double h);
/* The contents list from the previous pass, with links. */
void og_doc_contents(struct og_doc *d);
/* The page a section landed on in the previous pass (0 unknown). */
int og_doc_section_page(const struct og_doc *d, const char *title);

#endif
