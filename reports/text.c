#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fontconfig/fontconfig.h>

#include "core/util.h"
#include "render.h"
#include "text.h"
#include "textbatch.h"

#define TEXT_BYTES_MAX	16384	/* one block of text: longer is cut with … */
/* Layouts kept for reuse: the renderers measure a block (table rows,
 * headings kept with what follows, page breaks) and then draw it, and
 * shaping is most of a page's cost.  Bounded: past this many the cache
 * is emptied, which costs only the shaping again. */
#define LAYOUT_CACHE_MAX 4096
/* Every text is shaped at one size per style and drawn scaled to its own.
 * Fontconfig resolves a font set for each size (a substitution and a
 * sort: 85 of them for the example PDF, most of its font time), while
 * with unhinted metrics and unrounded glyph positions a layout scales
 * exactly: a text shaped at 10 points and drawn at 0.85 is the text set
 * at 8.5 points. */
#define SHAPE_SIZE	10.0

struct laid {
	PangoLayout *l;
	double scale;		/* drawn at this multiple of SHAPE_SIZE */
	double dx;		/* and this far right (points): alignment in its box */
	int widest;		/* widest word, Pango units at SHAPE_SIZE; -1 not yet */
};

static void laid_free(void *p);
static guint lkey_hash(gconstpointer p);
static gboolean lkey_equal(gconstpointer pa, gconstpointer pb);

/* The font description for the style bits of @flags, made once. */
static const PangoFontDescription *
style_font(struct og_text *t, unsigned flags)
{
	unsigned i = (flags & OG_TX_BOLD ? 1 : 0) | (flags & OG_TX_ITALIC ? 2 : 0) |
		     (flags & OG_TX_LIGHT ? 4 : 0) | (flags & OG_TX_MONO ? 8 : 0);
	PangoFontDescription *fd = t->fonts[i];

	if (fd)
		return fd;
	fd = t->fonts[i] = pango_font_description_new();
	pango_font_description_set_family(fd, flags & OG_TX_MONO ? t->mono : t->family);
	pango_font_description_set_absolute_size(fd, SHAPE_SIZE * PANGO_SCALE);
	if (flags & OG_TX_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	else if (flags & OG_TX_LIGHT)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_LIGHT);
	if (flags & OG_TX_ITALIC)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	return fd;
}

static bool
family_installed(PangoFontMap *map, const char *family)
{
	PangoFontFamily **fams = NULL;
	int n = 0;
	bool found = false;

	pango_font_map_list_families(map, &fams, &n);
	for (int i = 0; i < n && !found; i++)
		found = strcasecmp(pango_font_family_get_name(fams[i]), family) == 0;
	g_free(fams);
	return found;
}

/* The default fontmap with a reference of our own, for the shutdown. */
static PangoFontMap *font_map;

int
og_text_init(struct og_text *t, const char *family)
{
	static bool warned;
	PangoFontMap *map = pango_cairo_font_map_get_default();
	cairo_font_options_t *fo;

	if (!font_map)
		font_map = g_object_ref(map);

	memset(t, 0, sizeof(*t));
	if (!family || !*family)
		family = "DejaVu Sans";
	if (!family_installed(map, family)) {
		/* fontconfig would substitute silently: say it once */
		if (!warned)
			og_log_warn("report font \"%s\" is not installed; using DejaVu Sans",
				    family);
		warned = true;
		family = "DejaVu Sans";
	}
	t->family = strdup(family);
	t->mono = strdup("DejaVu Sans Mono");

	t->ctx = pango_font_map_create_context(map);
	/* A line broken inside a word reads as two words; pango (>= 1.44)
	 * would also insert a hyphen there ("deploymen-ts").  Words wrap
	 * whole; a token wider than its box is the only thing ever split,
	 * and then without a hyphen.  Every layout shares this list. */
	t->attrs = pango_attr_list_new();
	pango_attr_list_insert(t->attrs, pango_attr_insert_hyphens_new(FALSE));
	t->layouts = g_hash_table_new_full(lkey_hash, lkey_equal, free, laid_free);
	pango_cairo_context_set_resolution(t->ctx, 72.0);
	/* Pango (>= 1.44) rounds glyph positions to whole device units: whole
	 * points here, up to 6 % of a glyph at 8.5 points (uneven letter
	 * spacing, and a position correction for every glyph in the PDF).
	 * Unrounded positions also scale exactly (SHAPE_SIZE). */
	pango_context_set_round_glyph_positions(t->ctx, FALSE);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(t->ctx, fo);
	cairo_font_options_destroy(fo);
	return 0;
}

int
og_render_setup_cairo(const cJSON *report, const cJSON *config,
		      const char *path, struct og_rstyle *ret_st,
		      struct og_text *ret_tx, cairo_surface_t **ret_logo,
		      char **ret_err)
{
	struct og_rstyle st = { 0 };
	cairo_surface_t *logo = NULL;
	int r;

	r = og_render_setup(report, config, path, &st, ret_err);
	if (r < 0)
		return r;
	if (st.logo) {
		logo = cairo_image_surface_create_from_png(st.logo);
		if (cairo_surface_status(logo) != CAIRO_STATUS_SUCCESS) {
			og_rerr(ret_err, "config report.logo: %s: not a readable PNG file (%s)", st.logo,
				cairo_status_to_string(cairo_surface_status(logo)));
			cairo_surface_destroy(logo);
			og_rstyle_clear(&st);
			return -EINVAL;
		}
	}
	og_text_init(ret_tx, st.font);
	*ret_st = st;
	*ret_logo = logo;
	return 0;
}

/* Optimised builds leave the font caches and laid-out texts to the exit
 * (as the run's document and model; a render is once per process): only
 * leak checkers need them freed, and freeing the example PDF's 2,000
 * layouts one by one was 4 % of its CPU.  OG_FREE_AT_EXIT=1 frees them. */
static bool
leave_to_exit(void)
{
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
	const char *e = getenv("OG_FREE_AT_EXIT");

	return !e || !*e || strcmp(e, "0") == 0;
#else
	return false;
#endif
}

void
og_text_fini(struct og_text *t)
{
	og_tbatch_free(t->batch);
	if (t->layouts && !leave_to_exit())
		g_hash_table_destroy(t->layouts);
	if (t->ctx)
		g_object_unref(t->ctx);
	if (t->attrs)
		pango_attr_list_unref(t->attrs);
	for (size_t i = 0; i < sizeof(t->fonts) / sizeof(t->fonts[0]); i++)
		if (t->fonts[i])
			pango_font_description_free(t->fonts[i]);
	free(t->family);
	free(t->mono);
	memset(t, 0, sizeof(*t));
}

/* A label meant for one line (chart labels, headers, tile values): shrink
 * it to fit, down to FIT_MIN of its size; past that, wrap it at that size
 * onto FIT_LINES lines rather than cut it off.  Only a text that would
 * need more lines still than that is ellipsized.  Returns the scale to
 * draw @l at (laid out at SHAPE_SIZE, unwrapped so far). */
#define FIT_MIN		0.72
#define FIT_LINES	3

static double
fit_one_line(PangoLayout *l, double scale, double width, double natural)
{
	if (natural * scale <= width || natural <= 0) {
		pango_layout_set_height(l, -1);
		return scale;
	}
	/* 0.99: the wrap width is set in whole Pango units */
	scale = fmax(width / natural * 0.99, scale * FIT_MIN);
	pango_layout_set_height(l, natural * scale <= width ? -1 : -FIT_LINES);
	return scale;
}

/* OG_LAYOUT_CHECK=1 (tests): say on stderr whenever a text is cut off
 * (ellipsized) or a line breaks between two letters of a word, so a test
 * can render hostile names and prove nothing is clipped. */
static bool
layout_check_enabled(void)
{
	static int on = -1;

	if (on < 0) {
		const char *e = getenv("OG_LAYOUT_CHECK");

		on = e && *e && strcmp(e, "0") != 0;
	}
	return on;
}

static void
layout_check(PangoLayout *l, double width)
{
	const char *s = pango_layout_get_text(l);
	PangoLayoutIter *it;

	if (width <= 0)
		return;
	if (pango_layout_is_ellipsized(l))
		fprintf(stderr, "og-layout: ellipsized: %s (%.1f wide, %d lines)\n", s, width, pango_layout_get_line_count(l));
	it = pango_layout_get_iter(l);
	while (pango_layout_iter_next_line(it)) {
		int at = pango_layout_iter_get_index(it);
		gunichar a, b;

		if (at <= 0)
			continue;
		a = g_utf8_get_char(g_utf8_prev_char(s + at));
		b = g_utf8_get_char(s + at);
		if (g_unichar_isalnum(a) && g_unichar_isalnum(b))
			fprintf(stderr, "og-layout: word broken: %s\n", s);
	}
	pango_layout_iter_free(it);
}

/* @s laid out for @size and @width: shaped at SHAPE_SIZE, to be drawn at
 * @ret->scale.  @natural: a one-line text's width on one line at
 * SHAPE_SIZE (one_line_fit). */
static void
text_layout(struct og_text *t, const char *s, double size, unsigned flags,
	    double width, double natural, struct laid *ret)
{
	PangoLayout *l = pango_layout_new(t->ctx);
	char *clean = og_text_clean(s ? s : "", TEXT_BYTES_MAX,
				    !(flags & OG_TX_ONELINE));
	double scale = size / SHAPE_SIZE;

	pango_layout_set_font_description(l, style_font(t, flags));
	pango_layout_set_attributes(l, t->attrs);
	if (flags & OG_TX_CENTER)
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	else if (flags & OG_TX_RIGHT)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, clean, -1);
	free(clean);
	if (width > 0 && scale > 0) {
		/* long tokens (hashes, CVE ids, paths) break too */
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		if (flags & OG_TX_ONELINE)
			scale = fit_one_line(l, scale, width, natural);
		else
			pango_layout_set_height(l, flags & OG_TX_CLAMP ? -OG_TX_CELL_LINES
								 : -OG_TX_MAX_LINES);
		pango_layout_set_width(l, (int)(width / scale * PANGO_SCALE));
	}
	if (layout_check_enabled())
		layout_check(l, width);
	ret->l = l;
	ret->scale = scale;
	ret->dx = 0;
	ret->widest = -1;
}

static void
laid_free(void *p)
{
	struct laid *d = p;

	g_object_unref(d->l);
	free(d);
}

static double
laid_height(const struct laid *d)
{
	PangoRectangle log;

	pango_layout_get_extents(d->l, NULL, &log);
	return (double)log.height / PANGO_SCALE * d->scale;
}

static double
laid_width(const struct laid *d)
{
	PangoRectangle log;

	pango_layout_get_extents(d->l, NULL, &log);
	return (double)log.width / PANGO_SCALE * d->scale;
}

/* What a layout is made from: the cache's key (the text follows the
 * struct in the same allocation; a lookup points at the caller's). */
struct lkey {
	unsigned flags;
	double size, width;
	const char *s;
};

static guint
lkey_hash(gconstpointer p)
{
	const struct lkey *k = p;
	guint64 a, b;

	memcpy(&a, &k->size, sizeof(a));
	memcpy(&b, &k->width, sizeof(b));
	return g_str_hash(k->s) ^ (guint)(k->flags * 0x9e3779b1u) ^
	       (guint)(a ^ a >> 32) * 31u ^ (guint)(b ^ b >> 32) * 131u;
}

static gboolean
lkey_equal(gconstpointer pa, gconstpointer pb)
{
	const struct lkey *a = pa, *b = pb;

	return a->flags == b->flags && a->size == b->size && a->width == b->width &&
	       strcmp(a->s, b->s) == 0;
}

/* Width of @u's text at SHAPE_SIZE. */
static double
natural_width(const struct laid *u)
{
	PangoRectangle log;

	pango_layout_get_extents(u->l, NULL, &log);
	return (double)log.width / PANGO_SCALE;
}

/* A one-line text that fits its box at its size is its layout on one line
 * (@u), placed where pango would align it in a box @width wide; laying it
 * out again for the box would shape it again for nothing.  Pango's rule
 * (get_x_offset in pango-layout.c) in its units: right, the box less the
 * line; centred, half that, rounded to a whole unit when both are whole.
 * Right-to-left lines align the other way: those are laid out again. */
static bool
one_line_fit(const struct laid *u, unsigned flags, double scale, double width, struct laid *ret)
{
	PangoLayoutLine *line;
	PangoRectangle log;
	int box, off = 0;

	if (pango_layout_get_line_count(u->l) != 1)
		return false;
	line = pango_layout_get_line_readonly(u->l, 0);
	if (line->resolved_dir != PANGO_DIRECTION_LTR)
		return false;
	pango_layout_line_get_extents(line, NULL, &log);
	if ((double)log.width / PANGO_SCALE * scale > width)
		return false;
	box = (int)(width / scale * PANGO_SCALE);	/* as text_layout sets it */
	if (flags & OG_TX_RIGHT) {
		off = box - log.width;
	} else if (flags & OG_TX_CENTER) {
		off = (box - log.width) / 2;
		if (((box | log.width) & (PANGO_SCALE - 1)) == 0)
			off = PANGO_UNITS_ROUND(off);
	}
	ret->l = g_object_ref(u->l);
	ret->scale = scale;
	ret->dx = (double)off / PANGO_SCALE * scale;
	ret->widest = -1;
	return true;
}

/* text_layout, made once for the same arguments: a layout nobody changes
 * after it is made (drawing does not), owned by the cache. */
static struct laid *
layout_cached(struct og_text *t, const char *s, double size, unsigned flags,
	      double width)
{
	struct lkey want = { flags, size, width, s ? s : "" }, *key;
	struct laid *d = g_hash_table_lookup(t->layouts, &want);
	size_t n;

	if (d)
		return d;
	if (width > 0 && !(flags & (OG_TX_ONELINE | OG_TX_CENTER | OG_TX_RIGHT))) {
		/* a table measures a cell's words on one line (og_text_widest_
		 * word) before its rows: when that line fits the box, it is
		 * the wrapped layout too, without shaping the text again */
		struct lkey line = { flags & ~OG_TX_CLAMP, size, -1, want.s };
		struct laid *u = g_hash_table_lookup(t->layouts, &line);

		if (u && laid_width(u) <= width)
			return u;
	}
	d = og_xcalloc(1, sizeof(*d));
	if ((flags & OG_TX_ONELINE) && width > 0 && size > 0) {
		/* its width on one line decides its size (fit_one_line) */
		const struct laid *u = layout_cached(t, want.s, size, flags & ~(OG_TX_CENTER | OG_TX_RIGHT), -1);

		if (!one_line_fit(u, flags, size / SHAPE_SIZE, width, d))
			text_layout(t, want.s, size, flags, width, natural_width(u), d);
	} else {
		text_layout(t, want.s, size, flags, width, -1, d);
	}
	if (g_hash_table_size(t->layouts) >= LAYOUT_CACHE_MAX)
		g_hash_table_remove_all(t->layouts);
	n = strlen(want.s) + 1;
	key = og_xmalloc(sizeof(*key) + n);
	*key = want;
	key->s = memcpy(key + 1, want.s, n);
	g_hash_table_insert(t->layouts, key, d);
	return d;
}

double
og_text_measure(struct og_text *t, const char *s, double size, unsigned flags,
		double w)
{
	return og_text_draw(NULL, t, 0, 0, w, size, flags, (struct og_rgb){ 0 }, s);
}

double
og_text_draw(cairo_t *cr, struct og_text *t, double x, double y, double w,
	     double size, unsigned flags, struct og_rgb c, const char *s)
{
	const struct laid *d = layout_cached(t, s, size, flags, w);
	double h = laid_height(d);

	if (cr && d->scale > 0) {
		x += d->dx;
		if (t->batch && og_tbatch_add(t->batch, cr, d->l, x, y, d->scale, c))
			return h;
		og_tbatch_flush(t->batch, cr);	/* what was asked before stays below */
		cairo_save(cr);
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
		cairo_move_to(cr, x, y);
		cairo_scale(cr, d->scale, d->scale);
		pango_cairo_show_layout(cr, d->l);
		cairo_restore(cr);
	}
	return h;
}

/* OG_TEXT_DIRECT=1 (tests): pango draws every text itself, so a test can
 * compare the batched PDF with what pango alone makes of it. */
void
og_text_batch(struct og_text *t)
{
	const char *e = getenv("OG_TEXT_DIRECT");

	if (!t->batch && !(e && *e && strcmp(e, "0") != 0))
		t->batch = og_tbatch_new();
}

void
og_text_flush(cairo_t *cr, struct og_text *t)
{
	og_tbatch_flush(t->batch, cr);
}

double
og_text_width(struct og_text *t, const char *s, double size, unsigned flags)
{
	return laid_width(layout_cached(t, s, size, flags & ~OG_TX_ONELINE, -1));
}

double
og_text_widest_word(struct og_text *t, const char *s, double size, unsigned flags)
{
	struct laid *d = layout_cached(t, s, size, flags & ~OG_TX_ONELINE, -1);
	const char *text;
	PangoLayoutIter *it;
	PangoLayoutLine *line = NULL;
	int word = 0, widest = 0;

	/* every pass measures the table again: kept with the layout */
	if (d->widest >= 0)
		return (double)d->widest / PANGO_SCALE * d->scale;
	text = pango_layout_get_text(d->l);
	it = pango_layout_get_iter(d->l);
	/* one pass over the clusters: a word is the run of clusters between
	 * white space (or line ends), its width the sum of their advances */
	do {
		PangoRectangle log;
		PangoLayoutLine *now = pango_layout_iter_get_line_readonly(it);
		int at = pango_layout_iter_get_index(it);

		if (now != line || g_unichar_isspace(g_utf8_get_char(text + at))) {
			word = 0;
			line = now;
			if (g_unichar_isspace(g_utf8_get_char(text + at)))
				continue;
		}
		pango_layout_iter_get_cluster_extents(it, NULL, &log);
		word += log.width;
		if (word > widest)
			widest = word;
	} while (pango_layout_iter_next_cluster(it));
	pango_layout_iter_free(it);
	d->widest = widest;
	return (double)widest / PANGO_SCALE * d->scale;
}

double
og_text_fit_size(struct og_text *t, const char *s, double size, unsigned flags,
		 double width, double min_size)
{
	double natural = og_text_width(t, s, size, flags);

	if (natural <= width || natural <= 0)
		return size;
	/* 0.98: advances do not scale exactly with the size */
	return fmax(size * width / natural * 0.98, min_size);
}

cairo_status_t
og_out_cairo_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct og_out *o = closure;

	og_out_write(o, data, len);
	return o->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

void
og_render_shutdown(void)
{
	PangoFontMap *map = font_map;

	if (!map || leave_to_exit())
		return;
	font_map = NULL;
	/* Order matters: the fontmap holds cairo fonts which hold
	 * FcPatterns.  Pango sorts fonts in a worker thread whose pending
	 * jobs hold references to the fontmap: if that thread dropped the
	 * last one, it would free the fonts while cairo's caches are being
	 * reset here (an assertion in cairo).  Wait (bounded) until ours is
	 * the only reference, so the map is freed on this thread. */
	pango_cairo_font_map_set_default(NULL);
	for (int i = 0; i < 5000 && g_atomic_int_get((const gint *)&G_OBJECT(map)->ref_count) > 1; i++)
		g_usleep(1000);
	g_object_unref(map);
	cairo_debug_reset_static_data();
	FcFini();
}
