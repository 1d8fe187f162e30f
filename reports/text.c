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

#define TEXT_BYTES_MAX	16384	/* one block of text: longer is cut with … */
/* Layouts kept for reuse: the renderers measure a block (table rows,
 * headings kept with what follows, page breaks) and then draw it, and
 * shaping is most of a page's cost.  Bounded: past this many the cache
 * is emptied, which costs only the shaping again. */
#define LAYOUT_CACHE_MAX 4096

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
	t->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, free, g_object_unref);
	pango_cairo_context_set_resolution(t->ctx, 72.0);
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

void
og_text_fini(struct og_text *t)
{
	if (t->layouts)
		g_hash_table_destroy(t->layouts);
	if (t->ctx)
		g_object_unref(t->ctx);
	free(t->family);
	free(t->mono);
	memset(t, 0, sizeof(*t));
}

/* A line broken inside a word reads as two words; pango (>= 1.44) would
 * also insert a hyphen there ("deploymen-ts").  Words wrap whole; a token
 * wider than its box is the only thing ever split, and then without a
 * hyphen. */
static void
no_hyphens(PangoLayout *l)
{
	PangoAttrList *al = pango_attr_list_new();

	pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
}

/* A label meant for one line (chart labels, headers, tile values): shrink
 * it to fit, down to FIT_MIN of its size; past that, wrap it at that size
 * onto FIT_LINES lines rather than cut it off.  Only a text that would
 * need more lines still than that is ellipsized. */
#define FIT_MIN		0.72
#define FIT_LINES	3

static void
fit_one_line(PangoLayout *l, PangoFontDescription *fd, double size, double width)
{
	PangoRectangle log;
	double natural, scaled;

	pango_layout_get_extents(l, NULL, &log);
	natural = (double)log.width / PANGO_SCALE;
	if (natural <= width) {
		pango_layout_set_height(l, -1);
		return;
	}
	/* glyph advances do not scale exactly with the size: measure again */
	scaled = size;
	for (int i = 0; i < 4 && natural > width && scaled > size * FIT_MIN; i++) {
		scaled = fmax(scaled * width / natural * 0.99, size * FIT_MIN);
		pango_font_description_set_absolute_size(fd, scaled * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_layout_get_extents(l, NULL, &log);
		natural = (double)log.width / PANGO_SCALE;
	}
	pango_layout_set_height(l, natural <= width ? -1 : -FIT_LINES);
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

PangoLayout *
og_text_layout(struct og_text *t, const char *s, double size, unsigned flags,
	       double width)
{
	PangoLayout *l = pango_layout_new(t->ctx);
	PangoFontDescription *fd = pango_font_description_new();
	char *clean = og_text_clean(s ? s : "", TEXT_BYTES_MAX,
				    !(flags & OG_TX_ONELINE));

	pango_font_description_set_family(fd, flags & OG_TX_MONO ? t->mono : t->family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (flags & OG_TX_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	else if (flags & OG_TX_LIGHT)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_LIGHT);
	if (flags & OG_TX_ITALIC)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);

	no_hyphens(l);
	if (flags & OG_TX_CENTER)
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	else if (flags & OG_TX_RIGHT)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, clean, -1);
	free(clean);
	if (width > 0) {
		/* long tokens (hashes, CVE ids, paths) break too */
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		if (flags & OG_TX_ONELINE)
			fit_one_line(l, fd, size, width);
		else
			pango_layout_set_height(l, flags & OG_TX_CLAMP ? -OG_TX_CELL_LINES
								 : -OG_TX_MAX_LINES);
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	}
	pango_font_description_free(fd);
	if (layout_check_enabled())
		layout_check(l, width);
	return l;
}

/* og_text_layout, made once for the same arguments: a new reference
 * to a layout nobody changes after it is made (drawing does not). */
static PangoLayout *
layout_cached(struct og_text *t, const char *s, double size, unsigned flags,
	      double width)
{
	/* %a: the doubles exactly, so a key never joins two sizes */
	char *key = og_asprintf("%x|%a|%a|%s", flags, size, width, s ? s : "");
	PangoLayout *l = g_hash_table_lookup(t->layouts, key);

	if (l) {
		free(key);
		return g_object_ref(l);
	}
	if (g_hash_table_size(t->layouts) >= LAYOUT_CACHE_MAX)
		g_hash_table_remove_all(t->layouts);
	l = og_text_layout(t, s, size, flags, width);
	g_hash_table_insert(t->layouts, key, g_object_ref(l));
	return l;
}

double
og_text_layout_height(PangoLayout *l)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	return (double)log.height / PANGO_SCALE;
}

double
og_text_layout_width(PangoLayout *l)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	return (double)log.width / PANGO_SCALE;
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
	PangoLayout *l = layout_cached(t, s, size, flags, w);
	double h = og_text_layout_height(l);

	if (cr) {
		cairo_save(cr);
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, l);
		cairo_restore(cr);
	}
	g_object_unref(l);
	return h;
}

double
og_text_width(struct og_text *t, const char *s, double size, unsigned flags)
{
	PangoLayout *l = layout_cached(t, s, size, flags & ~OG_TX_ONELINE, -1);
	double w = og_text_layout_width(l);

	g_object_unref(l);
	return w;
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

#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
	/* Optimised builds leave the caches to the exit (as the run's
	 * document and model): only leak checkers need them freed. */
	const char *e = getenv("OG_FREE_AT_EXIT");

	if (!e || !*e || strcmp(e, "0") == 0)
		return;
#endif
	if (!map)
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
