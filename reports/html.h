/*
 * A small HTML writer for the HTML report (internal to reports/): escaped
 * text, tables whose cells carry their column header (so a phone layout
 * can stack them), and inline SVG charts.  Charts are drawn from values the
 * caller already read from the report document; each has a text
 * alternative (role="img" + <title>) so the figure is never only a picture.
 */
#ifndef OG_HTML_H
#define OG_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "rdoc.h"

struct og_html {
	FILE *f;
	const char *const *cols;	/* headers of the open table */
	int ncols, col;
	int svg_id;			/* counter for aria ids */
};

/* @s escaped for text and attribute values (after og_text_clean). */
void og_html_esc(struct og_html *h, const char *s);
/* printf, the result escaped. */
void og_html_escf(struct og_html *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* <tag class="cls">text</tag>; @cls may be NULL. */
void og_html_el(struct og_html *h, const char *tag, const char *cls, const char *text);
void og_html_heading(struct og_html *h, int level, const char *id, const char *text);
void og_html_note(struct og_html *h, const char *text);

/* A table with @ncols headers (NULL header row for key/value tables). */
void og_html_table_start(struct og_html *h, const char *caption, const char *const *cols,
			 int ncols, const char *cls);
void og_html_row_start(struct og_html *h);
void og_html_td(struct og_html *h, const char *text);
/* A cell with a coloured status chip; the text says the status too. */
void og_html_td_chip(struct og_html *h, const char *text, struct og_rgb c);
void og_html_row_end(struct og_html *h);
void og_html_table_end(struct og_html *h);

/* "#rrggbb" */
void og_html_hex(struct og_rgb c, char out[8]);

struct og_html_bar {
	const char *label;
	bool have;
	double value;
	const char *value_text;		/* shown at the bar's end */
	struct og_rgb color;
	/* value is the met share, then missing and not observed (hatched) */
	bool segmented;
	double missing, unknown;
};

/* The key to segmented bars: in place, missing, not observed. */
void og_html_seg_legend(struct og_html *h, struct og_rgb met);

/* Horizontal bars against @max; @title is the chart's text alternative
 * lead, the values follow it in the SVG <title>. */
void og_html_hbars(struct og_html *h, const char *title, const struct og_html_bar *bars,
		   int n, double max);

struct og_html_span {
	const char *label;
	int start, end;		/* weeks, inclusive */
	bool phase;
	bool exact;		/* from..to: fractional weeks from the start */
	double from, to;	/* (the bar as long as the effort) */
};
void og_html_timeline(struct og_html *h, const char *title, const struct og_html_span *rows,
		      int n, int weeks);

#endif
