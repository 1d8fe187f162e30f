#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "html.h"

/* Longest text we put in one element; report.json may hold hostile sizes. */
#define HTML_TEXT_MAX	(16 * 1024)

void
og_html_esc(struct og_html *h, const char *s)
{
	char *c = og_text_clean(s ? s : "", HTML_TEXT_MAX, true);

	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", h->f); break;
		case '<': fputs("&lt;", h->f); break;
		case '>': fputs("&gt;", h->f); break;
		case '"': fputs("&quot;", h->f); break;
		case '\'': fputs("&#39;", h->f); break;
		default: fputc(*p, h->f);
		}
	}
	free(c);
}

void
og_html_escf(struct og_html *h, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	og_html_esc(h, s);
	free(s);
}

void
og_html_el(struct og_html *h, const char *tag, const char *cls, const char *text)
{
	if (cls)
		fprintf(h->f, "<%s class=\"%s\">", tag, cls);
	else
		fprintf(h->f, "<%s>", tag);
	og_html_esc(h, text);
	fprintf(h->f, "</%s>\n", tag);
}

void
og_html_heading(struct og_html *h, int level, const char *id, const char *text)
{
	fprintf(h->f, "<h%d", level);
	if (id)
		fprintf(h->f, " id=\"%s\"", id);
	fputc('>', h->f);
	og_html_esc(h, text);
	fprintf(h->f, "</h%d>\n", level);
}

void
og_html_note(struct og_html *h, const char *text)
{
	og_html_el(h, "p", "note", text);
}

void
og_html_table_start(struct og_html *h, const char *caption, const char *const *cols,
		    int ncols, const char *cls)
{
	h->cols = cols;
	h->ncols = ncols;
	fprintf(h->f, "<table class=\"%s\">\n", cls ? cls : "grid");
	if (caption)
		og_html_el(h, "caption", NULL, caption);
	if (!cols)
		return;
	fputs("<thead><tr>", h->f);
	for (int i = 0; i < ncols; i++) {
		fputs("<th scope=\"col\">", h->f);
		og_html_esc(h, cols[i]);
		fputs("</th>", h->f);
	}
	fputs("</tr></thead>\n<tbody>\n", h->f);
}

void
og_html_row_start(struct og_html *h)
{
	h->col = 0;
	fputs("<tr>", h->f);
}

static void
td_open(struct og_html *h)
{
	/* key/value tables: the first cell is the row's header */
	if (!h->cols && h->col == 0) {
		fputs("<th scope=\"row\">", h->f);
	} else if (h->cols && h->col < h->ncols) {
		fputs("<td data-label=\"", h->f);
		og_html_esc(h, h->cols[h->col]);
		fputs("\">", h->f);
	} else {
		fputs("<td>", h->f);
	}
}

static void
td_close(struct og_html *h)
{
	fputs(!h->cols && h->col == 0 ? "</th>" : "</td>", h->f);
	h->col++;
}

void
og_html_td(struct og_html *h, const char *text)
{
	td_open(h);
	og_html_esc(h, text);
	td_close(h);
}

void
og_html_hex(struct og_rgb c, char out[8])
{
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)(c.r * 255 + 0.5) & 0xff,
		 (unsigned)(c.g * 255 + 0.5) & 0xff, (unsigned)(c.b * 255 + 0.5) & 0xff);
}

void
og_html_td_chip(struct og_html *h, const char *text, struct og_rgb c)
{
	char hex[8];

	og_html_hex(c, hex);
	td_open(h);
	/* the coloured mark is decoration; the word carries the meaning */
	fprintf(h->f, "<span class=\"chip\"><span class=\"dot\" style=\"background:%s\" "
		"aria-hidden=\"true\"></span>", hex);
	og_html_esc(h, text);
	fputs("</span>", h->f);
	td_close(h);
}

void
og_html_row_end(struct og_html *h)
{
	fputs("</tr>\n", h->f);
}

void
og_html_table_end(struct og_html *h)
{
	fputs(h->cols ? "</tbody></table>\n" : "</table>\n", h->f);
	h->cols = NULL;
	h->ncols = 0;
}

/* <svg> opening and the start of its <title>: the caller appends the
 * values to the text alternative and closes the </title>. */
static void
svg_start(struct og_html *h, int w, int hgt, const char *title)
{
	h->svg_id++;
	fprintf(h->f, "<figure><svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
		"aria-labelledby=\"og-svg-%d\" xmlns=\"http://www.w3.org/2000/svg\">"
		"<title id=\"og-svg-%d\">", w, hgt, h->svg_id, h->svg_id);
	og_html_esc(h, title);
}

static void
svg_end(struct og_html *h)
{
	fputs("</svg></figure>\n", h->f);
}

static void
svg_text(struct og_html *h, double x, double y, const char *anchor, const char *cls,
	 const char *text)
{
	fprintf(h->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">",
		x, y, anchor, cls);
	og_html_esc(h, text);
	fputs("</text>", h->f);
}

static void svg_segments(struct og_html *h, int y, int w, const struct og_html_bar *b,
			 const char *hex);

/* Where to end the first line of @s so that it fits @max characters,
 * at a space (SVG text does not wrap; a cut label was issue 12). */
static size_t
label_break(const char *s, size_t max)
{
	size_t n = strlen(s), cut = 0;

	if (n <= max)
		return n;
	for (size_t i = 0; i <= max; i++)
		if (s[i] == ' ')
			cut = i;
	if (cut)
		return cut;
	/* one long word: cut it, but not inside a UTF-8 sequence */
	for (cut = max; cut > 1 && ((unsigned char)s[cut] & 0xC0) == 0x80; cut--)
		;
	return cut;
}

/* @label as lines of at most @max characters (15 px text in a 400-unit
 * drawing holds about 44; bold fewer), the first baseline at @y, 17
 * units apart; returns how many (nothing is drawn unless @draw). */
static int
label_lines(struct og_html *h, double y, const char *label, const char *cls, size_t max,
	    bool draw)
{
	const char *s = label ? label : "";
	int k = 0;

	while (*s) {
		size_t len = label_break(s, max);

		if (draw) {
			fprintf(h->f, "<text x=\"0\" y=\"%.1f\" text-anchor=\"start\" class=\"%s\">",
				y + 17 * k, cls);
			char *line = strndup(s, len);

			og_html_esc(h, line);
			free(line);
			fputs("</text>", h->f);
		}
		k++;
		s += len;
		while (*s == ' ')
			s++;
	}
	return k ? k : 1;
}

void
og_html_hbars(struct og_html *h, const char *title, const struct og_html_bar *bars,
	      int n, double max)
{
	/* Label above each bar: a narrow screen scales the whole drawing, so
	 * labels beside the bars would shrink to unreadable. */
	const int W = 400, row = 40;
	double total = 4, y = 0;

	/* a label shares its line with the value unless the figures go
	 * below (segmented): then it has the whole width */
#define HBAR_LABEL_MAX(b) ((size_t)((b).have && (b).segmented ? 44 : 30))
	for (int i = 0; i < n; i++)
		total += row + 17 * (label_lines(h, 0, bars[i].label, "", HBAR_LABEL_MAX(bars[i]),
						 false) - 1);
	svg_start(h, W, (int)total, title);
	for (int i = 0; i < n; i++) {
		fputs(i ? "; " : ": ", h->f);
		og_html_esc(h, bars[i].label);
		fputs(" ", h->f);
		og_html_esc(h, bars[i].have ? bars[i].value_text : "not measured");
	}
	fputs("</title>", h->f);
	for (int i = 0; i < n; y += row, i++) {
		double frac = bars[i].have && max > 0 ? bars[i].value / max : 0;
		int lines = label_lines(h, y + 14, bars[i].label, "lbl", HBAR_LABEL_MAX(bars[i]), true);
		char hex[8];

		if (frac > 1)
			frac = 1;
		if (frac < 0)
			frac = 0;
		og_html_hex(bars[i].color, hex);
		/* the value beside the label's last line, the bar below it */
		y += 17 * (lines - 1);
		if (bars[i].have && bars[i].segmented) {
			/* the figures (completeness and coverage) after a
			 * shorter bar: the label line has no room for them */
			svg_segments(h, (int)y + 20, W * 9 / 16, &bars[i], hex);
			svg_text(h, W, y + 32, "end", "fig", bars[i].value_text);
			continue;
		}
		svg_text(h, W, y + 14, "end", bars[i].have ? "val" : "nm",
			 bars[i].have ? bars[i].value_text : "not measured");
		fprintf(h->f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"14\" rx=\"3\" class=\"track\"/>",
			(int)y + 20, W);
		if (frac > 0)
			fprintf(h->f, "<rect x=\"0\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"3\" fill=\"%s\"/>",
				(int)y + 20, W * frac, hex);
	}
	svg_end(h);
}

/* Hatched grey for "not observed" (also in the legend). */
#define HATCH_CSS "background:repeating-linear-gradient(135deg,#8c8c8c 0 2px,#e6e6e6 2px 5px)"

static void
svg_segments(struct og_html *h, int y, int w, const struct og_html_bar *b, const char *hex)
{
	double shares[3] = { b->value, b->missing, b->unknown }, x = 0;
	static const char *const fills[3] = { NULL, "#d96b5c", NULL };

	/* one hatch pattern per drawing: ids stay unique in the page */
	fprintf(h->f, "<defs><pattern id=\"og-hatch-%d-%d\" width=\"5\" height=\"5\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"5\" height=\"5\" fill=\"#e6e6e6\"/>"
		"<rect width=\"2\" height=\"5\" fill=\"#8c8c8c\"/></pattern></defs>",
		h->svg_id, y);
	for (int k = 0; k < 3; k++) {
		double sw = w * fmin(fmax(shares[k], 0), 100) / 100;

		if (sw <= 0)
			continue;
		if (k == 2)
			fprintf(h->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" "
				"fill=\"url(#og-hatch-%d-%d)\"/>", x, y, sw, h->svg_id, y);
		else
			fprintf(h->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" "
				"fill=\"%s\"/>", x, y, sw, k ? fills[k] : hex);
		x += sw;
	}
}

void
og_html_seg_legend(struct og_html *h, struct og_rgb met)
{
	char hex[8];

	og_html_hex(met, hex);
	fprintf(h->f, "<p class=\"note\" style=\"font-style:normal\">"
		"<span style=\"display:inline-block;width:1.4em;height:.8em;background:%s\"></span> in place "
		"&nbsp;<span style=\"display:inline-block;width:1.4em;height:.8em;background:#d96b5c\"></span> missing "
		"&nbsp;<span style=\"display:inline-block;width:1.4em;height:.8em;" HATCH_CSS "\"></span> not observed</p>\n",
		hex);
}

void
og_html_timeline(struct og_html *h, const char *title, const struct og_html_span *rows,
		 int n, int weeks)
{
	const int W = 400, row = 34;
	double total = 20, y = 0;

	if (weeks < 1)
		weeks = 1;
	for (int i = 0; i < n; i++)
		total += row + 17 * (label_lines(h, 0, rows[i].label, "", rows[i].phase ? 38 : 44,
						 false) - 1);
	svg_start(h, W, (int)total, title);
	for (int i = 0; i < n; i++) {
		fputs(i ? "; " : ": ", h->f);
		og_html_esc(h, rows[i].label);
		if (rows[i].start == rows[i].end)
			fprintf(h->f, " week %d", rows[i].start);
		else
			fprintf(h->f, " weeks %d to %d", rows[i].start, rows[i].end);
	}
	fputs("</title>", h->f);
	for (int i = 0; i < n; i++) {
		double x0 = (double)(rows[i].start - 1) / weeks * W;
		double x1 = (double)rows[i].end / weeks * W;
		int lines;

		if (rows[i].exact) {
			x0 = rows[i].from / weeks * W;
			x1 = rows[i].to / weeks * W;
		}

		if (x0 < 0)
			x0 = 0;
		if (x1 > W)
			x1 = W;
		if (x1 < x0 + 4)
			x1 = x0 + 4;
		lines = label_lines(h, y + 13, rows[i].label, rows[i].phase ? "lbl ph" : "lbl",
				    rows[i].phase ? 38 : 44, true);
		y += 17 * (lines - 1);
		fprintf(h->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" rx=\"2\" class=\"%s\"/>",
			x0, (int)y + 18, x1 - x0, rows[i].phase ? "phase" : "item");
		y += row;
	}
	{
		char wk[32];

		snprintf(wk, sizeof(wk), "week 1");
		svg_text(h, 0, y + 14, "start", "axis", wk);
		snprintf(wk, sizeof(wk), "week %d", weeks);
		svg_text(h, W, y + 14, "end", "axis", wk);
	}
	svg_end(h);
}
