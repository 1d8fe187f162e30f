#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "segbar.h"

const struct og_rgb og_ink = { 0.13, 0.15, 0.18 };
const struct og_rgb og_muted = { 0.42, 0.45, 0.50 };
const struct og_rgb og_track = { 0.90, 0.91, 0.93 };
const struct og_rgb og_white = { 1, 1, 1 };

static void
set(cairo_t *cr, struct og_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

struct og_rgb
og_chart_tint(struct og_rgb c, double a)
{
	return (struct og_rgb){ c.r + (1 - c.r) * a, c.g + (1 - c.g) * a,
				c.b + (1 - c.b) * a };
}

void
og_chart_rrect(cairo_t *cr, double x, double y, double w, double h, double r,
	       struct og_rgb c)
{
	if (w <= 0 || h <= 0)
		return;
	if (r > w / 2)
		r = w / 2;
	if (r > h / 2)
		r = h / 2;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
	set(cr, c);
	cairo_fill(cr);
}

/* Text vertically centred on @cy. */
static void
text_mid(cairo_t *cr, const struct og_chart_style *cs, double x, double cy,
	 double w, double size, unsigned flags, struct og_rgb c, const char *s)
{
	double h = og_text_measure(cs->tx, s, size, flags | OG_TX_ONELINE, w);

	og_text_draw(cr, cs->tx, x, cy - h / 2, w, size, flags | OG_TX_ONELINE, c, s);
}

void
og_chart_gauge(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
	       double w, double h, bool have, int level, const char *level_name)
{
	double r = fmin(w / 2, h * 0.72), th = r * 0.22;
	double cx = x + w / 2, cy = y + r + 2;
	double gap = 0.025;
	char big[16];

	cairo_save(cr);
	cairo_set_line_width(cr, th);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	for (int i = 0; i < 5; i++) {
		double a0 = M_PI + i * M_PI / 5 + gap, a1 = M_PI + (i + 1) * M_PI / 5 - gap;
		struct og_rgb c = og_track;

		if (have && i < level)
			c = og_chart_tint(cs->accent, 0.45 * (level - 1 - i) / 4.0);
		set(cr, c);
		cairo_new_path(cr);
		cairo_arc(cr, cx, cy, r - th / 2, a0, a1);
		cairo_stroke(cr);
		/* segment number just outside the ring */
		snprintf(big, sizeof(big), "%d", i + 1);
		text_mid(cr, cs, cx + cos((a0 + a1) / 2) * (r + cs->fs * 0.9) - cs->fs,
			 cy + sin((a0 + a1) / 2) * (r + cs->fs * 0.9), 2 * cs->fs,
			 cs->fs * 0.8, OG_TX_CENTER, og_muted, big);
	}
	cairo_restore(cr);

	if (have) {
		snprintf(big, sizeof(big), "%d", level);
		text_mid(cr, cs, cx - r, cy - r * 0.36, 2 * r, r * 0.55, OG_TX_CENTER | OG_TX_BOLD,
			 cs->accent, big);
		text_mid(cr, cs, cx - r, cy - r * 0.02, 2 * r, cs->fs * 1.05, OG_TX_CENTER,
			 og_muted, "of 5");
		text_mid(cr, cs, cx - r, cy + cs->fs * 1.3, 2 * r, cs->fs * 1.25,
			 OG_TX_CENTER | OG_TX_BOLD, og_ink, level_name ? level_name : "");
	} else {
		text_mid(cr, cs, cx - r, cy - r * 0.25, 2 * r, cs->fs * 1.3, OG_TX_CENTER | OG_TX_BOLD,
			 og_muted, "not assessed");
	}
}

/* Whether some label would not fit its column even shrunk as far as a
 * one-line label may be (text.c shrinks to 72 %). */
static bool
labels_need_own_line(const struct og_chart_style *cs, const struct og_bar *bars, size_t n,
		     double lw)
{
	for (size_t i = 0; i < n; i++)
		if (og_text_width(cs->tx, bars[i].label, cs->fs, 0) * 0.72 > lw)
			return true;
	return false;
}

void
og_chart_hbars(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
	       double w, double h, const struct og_bar *bars, size_t n, double max,
	       const char *unit, double label_frac)
{
	double row, lw = w * label_frac;
	double vw = og_text_width(cs->tx, "not measured", cs->fs * 0.85, OG_TX_ITALIC) + cs->fs * 0.3;
	double bx = x + lw + cs->fs * 0.6, bw = w - lw - vw - cs->fs * 1.2;
	bool stacked;
	char buf[64];

	/* the value column fits the widest value text */
	for (size_t i = 0; i < n; i++)
		if (bars[i].value_text)
			vw = fmax(vw, og_text_width(cs->tx, bars[i].value_text, cs->fs,
						    OG_TX_BOLD) + cs->fs * 0.3);
	bw = w - lw - vw - cs->fs * 1.2;
	if (n == 0 || bw <= 0)
		return;
	row = fmin(h / (double)n, cs->fs * 3.2);
	stacked = labels_need_own_line(cs, bars, n, lw);
	if (stacked) {
		/* names too long for a label column: each on its own line above
		 * its bar, across the chart */
		bx = x;
		bw = w - vw - cs->fs * 0.6;
	}
	for (size_t i = 0; i < n; i++) {
		const struct og_bar *b = &bars[i];
		double cy = y + row * (i + 0.5), bh = fmin(row * 0.55, cs->fs * 1.4);
		double frac = b->have && max > 0 ? fmin(fmax(b->value / max, 0), 1) : 0;

		if (stacked) {
			double lh = og_text_draw(cr, cs->tx, bx, y + row * i, bw, cs->fs * 0.85,
						 OG_TX_ONELINE, og_ink, b->label);

			bh = fmin(fmax(row - lh - cs->fs * 0.4, 2), cs->fs * 0.9);
			cy = y + row * i + lh + cs->fs * 0.15 + bh / 2;
		} else {
			text_mid(cr, cs, x, cy, lw, cs->fs, OG_TX_RIGHT, og_ink, b->label);
		}
		og_chart_rrect(cr, bx, cy - bh / 2, bw, bh, bh / 4, og_track);
		if (b->have && b->segmented)
			og_chart_segments(cr, bx, cy - bh / 2, bw, bh, b->color,
					  b->value, b->missing, b->unknown);
		else if (b->have && frac > 0)
			og_chart_rrect(cr, bx, cy - bh / 2, bw * frac, bh, bh / 4, b->color);
		if (b->have_ghost && max > 0) {
			double gx = bx + bw * fmin(fmax(b->ghost / max, 0), 1);

			cairo_save(cr);
			set(cr, og_ink);
			cairo_set_line_width(cr, fmax(1, cs->fs * 0.15));
			cairo_move_to(cr, gx, cy - bh / 2 - bh * 0.2);
			cairo_line_to(cr, gx, cy + bh / 2 + bh * 0.2);
			cairo_stroke(cr);
			cairo_restore(cr);
		}
		if (b->value_text)
			snprintf(buf, sizeof(buf), "%s", b->value_text);
		else
			og_fmt_value(b->have, b->value, unit, buf, sizeof(buf));
		text_mid(cr, cs, bx + bw + cs->fs * 0.6, cy, vw, b->have ? cs->fs : cs->fs * 0.85,
			 b->have ? OG_TX_BOLD : OG_TX_ITALIC, b->have ? og_ink : og_muted, buf);
	}
}

void
og_chart_vbars(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
	       double w, double h, const struct og_bar *bars, size_t n)
{
	double max = 0, slot, bw, lab = cs->fs * 1.6, top = cs->fs * 1.6;
	double base = y + h - lab, ph = h - lab - top;
	char buf[64];

	if (n == 0 || ph <= 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (bars[i].have && bars[i].value > max)
			max = bars[i].value;
	slot = w / (double)n;
	bw = fmin(slot * 0.62, cs->fs * 5);
	cairo_save(cr);
	set(cr, og_track);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, x, base + 0.5);
	cairo_line_to(cr, x + w, base + 0.5);
	cairo_stroke(cr);
	cairo_restore(cr);
	for (size_t i = 0; i < n; i++) {
		const struct og_bar *b = &bars[i];
		double bx = x + slot * i + (slot - bw) / 2;
		double bh = b->have && max > 0 ? ph * b->value / max : 0;

		if (bh > 0)
			og_chart_rrect(cr, bx, base - bh, bw, bh, fmin(bw / 8, 3), b->color);
		if (b->value_text)
			snprintf(buf, sizeof(buf), "%s", b->value_text);
		else
			og_fmt_value(b->have, b->value, NULL, buf, sizeof(buf));
		text_mid(cr, cs, x + slot * i, base - bh - cs->fs * 0.8, slot, cs->fs,
			 OG_TX_CENTER | OG_TX_BOLD, og_ink, buf);
		text_mid(cr, cs, x + slot * i, base + lab / 2 + 1, slot, cs->fs * 0.9,
			 OG_TX_CENTER, og_muted, b->label);
	}
}

/* A label ending in '*' marks an incomplete run's point. */
static bool
starred(const char *const *labels, size_t i)
{
	size_t n = labels && labels[i] ? strlen(labels[i]) : 0;

	return n && labels[i][n - 1] == '*';
}

void
og_chart_line(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
	      double w, double h, const double *v, const char *const *labels,
	      size_t n, double min, double max, bool spark)
{
	double lab = labels ? cs->fs * 1.5 : 0, pad = cs->fs * 0.6;
	double px = x + pad, pw = w - 2 * pad, py = y + pad, ph = h - lab - 2 * pad;

	if (n < 2 || ph <= 0 || max <= min) {
		text_mid(cr, cs, x, y + h / 2, w, cs->fs, OG_TX_CENTER | OG_TX_ITALIC, og_muted,
			 "no history yet: the trend appears after the second report");
		return;
	}
	cairo_save(cr);
	if (!spark) {
		set(cr, og_track);
		cairo_set_line_width(cr, 1);
		for (int g = 0; g <= 4; g++) {
			double gy = py + ph * g / 4.0;

			cairo_move_to(cr, px, gy);
			cairo_line_to(cr, px + pw, gy);
		}
		cairo_stroke(cr);
	}
	set(cr, cs->accent);
	cairo_set_line_width(cr, fmax(1.5, cs->fs * 0.2));
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (size_t i = 0; i < n; i++) {
		double X = px + pw * i / (double)(n - 1);
		double Y = py + ph * (1 - (fmin(fmax(v[i], min), max) - min) / (max - min));

		if (i == 0)
			cairo_move_to(cr, X, Y);
		else
			cairo_line_to(cr, X, Y);
	}
	cairo_stroke(cr);
	for (size_t i = 0; i < n; i++) {
		double X = px + pw * i / (double)(n - 1);
		double Y = py + ph * (1 - (fmin(fmax(v[i], min), max) - min) / (max - min));

		cairo_new_sub_path(cr);
		cairo_arc(cr, X, Y, fmax(2, cs->fs * 0.3), 0, 2 * M_PI);
		if (starred(labels, i)) {
			/* hollow: that run rests on less evidence */
			set(cr, og_white);
			cairo_fill_preserve(cr);
			set(cr, cs->accent);
			cairo_stroke(cr);
		} else {
			cairo_fill(cr);
		}
	}
	cairo_restore(cr);
	if (n <= 16) {
		for (size_t i = 0; i < n; i++) {
			double X = px + pw * i / (double)(n - 1);
			double Y = py + ph * (1 - (fmin(fmax(v[i], min), max) - min) / (max - min));
			char buf[32];

			og_fmt_value(true, v[i], NULL, buf, sizeof(buf));
			if (starred(labels, i) && strlen(buf) + 1 < sizeof(buf))
				strcat(buf, "*");
			text_mid(cr, cs, X - cs->fs * 3, Y - cs->fs * 1.1, cs->fs * 6, cs->fs * 0.85,
				 OG_TX_CENTER | OG_TX_BOLD, og_ink, buf);
		}
	}
	if (labels) {
		double lw = pw / 2;

		text_mid(cr, cs, px, y + h - lab / 2, lw, cs->fs * 0.85, 0, og_muted, labels[0]);
		text_mid(cr, cs, px + pw - lw, y + h - lab / 2, lw, cs->fs * 0.85, OG_TX_RIGHT,
			 og_muted, labels[n - 1]);
	}
}

double
og_chart_timeline_height(const struct og_chart_style *cs, size_t n)
{
	return cs->fs * 2.2 + (double)n * cs->fs * 2.0;
}

/* The effort after its bar, or before it when the bar ends near the right
 * edge. */
static void
timeline_note(cairo_t *cr, const struct og_chart_style *cs, double bx, double bw,
	      double right, double cy, const char *note)
{
	double size = cs->fs * 0.75, tw = og_text_width(cs->tx, note, size, 0) + 2;

	if (bx + bw + cs->fs * 0.4 + tw <= right)
		text_mid(cr, cs, bx + bw + cs->fs * 0.4, cy, tw, size, 0, og_muted, note);
	else
		text_mid(cr, cs, bx - cs->fs * 0.4 - tw, cy, tw, size, OG_TX_RIGHT, og_muted, note);
}

void
og_chart_timeline(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
		  double w, double h, const struct og_tl_row *rows, size_t n, int weeks)
{
	double lw = w * 0.42, gx = x + lw, gw = w - lw, head = cs->fs * 2.2;
	double row = n ? (h - head) / (double)n : 0, colw;
	char buf[16];

	if (weeks < 1)
		weeks = 1;
	colw = gw / weeks;
	cairo_save(cr);
	for (int wk = 0; wk < weeks; wk++) {
		if (wk % 2 == 0) {
			set(cr, og_chart_tint(og_track, 0.5));
			cairo_rectangle(cr, gx + colw * wk, y + head, colw, h - head);
			cairo_fill(cr);
		}
		snprintf(buf, sizeof(buf), "W%d", wk + 1);
		text_mid(cr, cs, gx + colw * wk, y + head / 2, colw, cs->fs * 0.85,
			 OG_TX_CENTER | OG_TX_BOLD, og_muted, buf);
	}
	for (size_t i = 0; i < n; i++) {
		const struct og_tl_row *r = &rows[i];
		double cy = y + head + row * (i + 0.5);
		int s = r->start_week < 1 ? 1 : r->start_week;
		int e = r->end_week < s ? s : r->end_week;
		double bx, bw, bh = row * (r->phase ? 0.7 : 0.5);

		if (s > weeks)
			s = weeks;
		if (e > weeks)
			e = weeks;
		bx = gx + colw * (s - 1) + 1;
		bw = colw * (e - s + 1) - 2;
		if (r->exact) {
			/* as long as the effort; a short task is still a visible tick */
			bx = gx + colw * fmin(fmax(r->from, 0), weeks);
			bw = fmax(colw * (fmin(r->to, weeks) - fmax(r->from, 0)), bh * 0.6);
		}
		text_mid(cr, cs, x + (r->phase ? 0 : cs->fs), cy, lw - cs->fs * (r->phase ? 0.5 : 1.5),
			 cs->fs * (r->phase ? 1.0 : 0.9), r->phase ? OG_TX_BOLD : 0,
			 r->phase ? og_ink : og_muted, r->label);
		og_chart_rrect(cr, bx, cy - bh / 2, bw, bh, fmin(bh / 3, bw / 2),
			       r->phase ? og_chart_tint(cs->accent, 0.7) : cs->accent);
		if (r->note)
			timeline_note(cr, cs, bx, bw, gx + gw, cy, r->note);
	}
	cairo_restore(cr);
}

void
og_chart_ladder(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
		double w, double h, const struct og_rung *rungs, size_t n)
{
	double row = n ? h / (double)n : 0, gap = cs->fs * 0.35;

	for (size_t k = 0; k < n; k++) {
		/* level 5 at the top: draw the last rung first */
		const struct og_rung *r = &rungs[n - 1 - k];
		double ry = y + row * k, rh = row - gap;
		double indent = w * 0.06 * (double)(r->level - 1);
		double bx = x + indent, bw = w - indent;
		struct og_rgb fill = r->reached ? og_chart_tint(cs->accent, 0.82) : og_chart_tint(og_track, 0.4);
		char head[160], share[64];

		og_chart_rrect(cr, bx, ry, bw, rh, 4, fill);
		if (r->current)
			og_chart_rrect(cr, bx, ry, cs->fs * 0.45, rh, 1, cs->accent);
		snprintf(head, sizeof(head), "Level %d: %s%s", r->level, r->name ? r->name : "",
			 r->current ? "  (current level)" : "");
		og_text_draw(cr, cs->tx, bx + cs->fs, ry + cs->fs * 0.45, bw * 0.66,
			     cs->fs * 1.1, OG_TX_BOLD | OG_TX_ONELINE,
			     r->current ? cs->accent : og_ink, head);
		og_text_draw(cr, cs->tx, bx + cs->fs, ry + cs->fs * 2.0, bw - cs->fs * 2,
			     cs->fs * 0.9, 0, og_muted, r->summary ? r->summary : "");
		if (r->have_share)
			snprintf(share, sizeof(share), "%.0f%% met%s", r->share * 100,
				 r->reached ? " \xe2\x9c\x93" : "");
		else if (r->baseline)
			snprintf(share, sizeof(share), "starting level \xe2\x9c\x93");
		else
			snprintf(share, sizeof(share), "not measured");
		og_text_draw(cr, cs->tx, bx + bw * 0.66, ry + cs->fs * 0.5, bw * 0.34 - cs->fs,
			     cs->fs * 0.95, OG_TX_RIGHT | OG_TX_BOLD | OG_TX_ONELINE,
			     r->reached ? og_status_color("good") : og_muted, share);
	}
}

void
og_chart_tile(cairo_t *cr, const struct og_chart_style *cs, double x, double y,
	      double w, double h, const char *title, const char *value,
	      const char *status, const char *sub)
{
	struct og_rgb sc = og_status_color(status);
	double pad = cs->fs * 0.8, chip_h = cs->fs * 1.5, chip_w, inner = w - 2 * pad - cs->fs * 0.35;
	double vsize = cs->fs * 2.0, ty, th;
	bool unmeasured = status && strcmp(status, "not measured") == 0;

	og_chart_rrect(cr, x, y, w, h, cs->fs * 0.5, og_chart_tint(og_track, 0.55));
	og_chart_rrect(cr, x, y, cs->fs * 0.35, h, 1, sc);
	x += cs->fs * 0.35;
	th = og_text_draw(cr, cs->tx, x + pad, y + pad * 0.8, inner, cs->fs * 0.85, 0, og_muted, title);
	if (th > cs->fs * 2.4)
		th = cs->fs * 2.4;
	ty = y + pad * 0.8 + th + cs->fs * 0.2;
	/* the value shrinks to fit its tile rather than being cut */
	if (unmeasured)
		vsize = cs->fs * 1.15;
	while (vsize > cs->fs && og_text_width(cs->tx, value, vsize, OG_TX_BOLD) > inner)
		vsize *= 0.9;
	og_text_draw(cr, cs->tx, x + pad, ty, inner, vsize, OG_TX_BOLD | OG_TX_ONELINE,
		     unmeasured ? og_muted : og_ink, value);
	if (sub && !unmeasured)
		og_text_draw(cr, cs->tx, x + pad, ty + vsize * 1.25, inner, cs->fs * 0.8,
			     OG_TX_ONELINE, og_muted, sub);
	chip_w = fmin(inner, og_text_width(cs->tx, status, cs->fs * 0.8, OG_TX_BOLD) + cs->fs * 1.2);
	og_chart_rrect(cr, x + pad, y + h - pad * 0.8 - chip_h, chip_w, chip_h, chip_h / 2, sc);
	text_mid(cr, cs, x + pad, y + h - pad * 0.8 - chip_h / 2, chip_w, cs->fs * 0.8,
		 OG_TX_CENTER | OG_TX_BOLD, og_white, status ? status : "");
}
