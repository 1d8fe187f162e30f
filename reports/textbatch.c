#include "config.h"

#include <string.h>

#include "core/util.h"
#include "textbatch.h"

/* More distinct fonts, sizes and colours than this before a flush: the
 * batch is drawn and started again (a page has about ten). */
#define GROUPS_MAX	32

/* The glyphs of one font at one size and colour, in the order asked. */
struct group {
	cairo_scaled_font_t *sf;	/* pango's font, at the shaping size */
	double scale;			/* drawn at this multiple of it */
	cairo_matrix_t ctm;		/* the user space the texts were asked in */
	struct og_rgb c;
	cairo_glyph_t *g;
	cairo_text_cluster_t *cl;
	char *u;
	size_t ng, cap_g, ncl, cap_cl, nu, cap_u;
};

struct og_tbatch {
	struct group grp[GROUPS_MAX];
	int n;
	PangoRenderer *capture;
	/* the text being queued */
	cairo_t *cr;
	double x, y, scale;
	cairo_matrix_t ctm;
	struct og_rgb c;
};

/* A PangoRenderer that draws nothing: it hands each run, positioned the
 * way pango_renderer_draw_layout positions it for every renderer, to the
 * batch. */
typedef struct {
	PangoRenderer parent;
	struct og_tbatch *b;
} OgCapture;

typedef struct {
	PangoRendererClass parent_class;
} OgCaptureClass;

GType og_capture_get_type(void);
G_DEFINE_TYPE(OgCapture, og_capture, PANGO_TYPE_RENDERER)

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = need > 2 * *cap ? need : 2 * *cap;
	return og_xrealloc_array(p, *cap, size);
}

static bool
same_rgb(struct og_rgb a, struct og_rgb b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

static bool
same_matrix(const cairo_matrix_t *a, const cairo_matrix_t *b)
{
	return a->xx == b->xx && a->yx == b->yx && a->xy == b->xy &&
	       a->yy == b->yy && a->x0 == b->x0 && a->y0 == b->y0;
}

static struct group *
group_for(struct og_tbatch *b, cairo_scaled_font_t *sf)
{
	struct group *g;

	for (int i = 0; i < b->n; i++) {
		g = &b->grp[i];
		if (g->sf == sf && g->scale == b->scale && same_rgb(g->c, b->c) &&
		    same_matrix(&g->ctm, &b->ctm))
			return g;
	}
	if (b->n == GROUPS_MAX)
		og_tbatch_flush(b, b->cr);
	g = &b->grp[b->n++];
	g->sf = cairo_scaled_font_reference(sf);
	g->scale = b->scale;
	g->ctm = b->ctm;
	g->c = b->c;
	return g;
}

static bool
unknown_glyph(const PangoGlyphString *gs, int i)
{
	return gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY &&
	       (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG);
}

/* What pango's cairo renderer does with a run (pangocairo-render.c), into
 * the run's group: glyph positions from the advances, one cluster per
 * pango cluster (empty glyphs not counted), the run's text.  Left to
 * right only (og_tbatch_add). */
static void
capture_glyph_item(PangoRenderer *r, const char *text, PangoGlyphItem *gi, int x, int y)
{
	struct og_tbatch *b = ((OgCapture *)r)->b;
	const PangoGlyphString *gs = gi->glyphs;
	cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(gi->item->analysis.font));
	struct group *g = group_for(b, sf);
	double bx = (double)x / PANGO_SCALE, by = (double)y / PANGO_SCALE;
	PangoGlyphItemIter it;
	int pos = 0;

	g->g = grow(g->g, &g->cap_g, g->ng + (size_t)gs->num_glyphs, sizeof(*g->g));
	for (int i = 0; i < gs->num_glyphs; i++) {
		const PangoGlyphInfo *info = &gs->glyphs[i];

		if (info->glyph != PANGO_GLYPH_EMPTY) {
			cairo_glyph_t *out = &g->g[g->ng++];

			out->index = info->glyph;
			out->x = b->x + b->scale * (bx + (double)(pos + info->geometry.x_offset) / PANGO_SCALE);
			out->y = b->y + b->scale * (by + (double)info->geometry.y_offset / PANGO_SCALE);
		}
		pos += info->geometry.width;
	}
	if (!pango_glyph_item_iter_init_start(&it, gi, text))
		return;
	g->u = grow(g->u, &g->cap_u, g->nu + (size_t)gi->item->length, 1);
	memcpy(g->u + g->nu, text + gi->item->offset, (size_t)gi->item->length);
	g->nu += (size_t)gi->item->length;
	do {
		int glyphs = it.end_glyph - it.start_glyph;

		for (int i = it.start_glyph; i < it.end_glyph; i++)
			if (gs->glyphs[i].glyph == PANGO_GLYPH_EMPTY)
				glyphs--;
		g->cl = grow(g->cl, &g->cap_cl, g->ncl + 1, sizeof(*g->cl));
		g->cl[g->ncl].num_bytes = it.end_index - it.start_index;
		g->cl[g->ncl].num_glyphs = glyphs;
		g->ncl++;
	} while (pango_glyph_item_iter_next_cluster(&it));
}

static void
og_capture_init(OgCapture *self)
{
	self->b = NULL;
}

static void
og_capture_class_init(OgCaptureClass *klass)
{
	PANGO_RENDERER_CLASS(klass)->draw_glyph_item = capture_glyph_item;
}

struct og_tbatch *
og_tbatch_new(void)
{
	struct og_tbatch *b = og_xcalloc(1, sizeof(*b));

	b->capture = g_object_new(og_capture_get_type(), NULL);
	((OgCapture *)b->capture)->b = b;
	return b;
}

void
og_tbatch_free(struct og_tbatch *b)
{
	if (!b)
		return;
	for (int i = 0; i < GROUPS_MAX; i++) {
		if (b->grp[i].sf)
			cairo_scaled_font_destroy(b->grp[i].sf);
		free(b->grp[i].g);
		free(b->grp[i].cl);
		free(b->grp[i].u);
	}
	g_object_unref(b->capture);
	free(b);
}

/* Only what the capture reproduces exactly: pango draws a glyph the fonts
 * lack as a hex box, and a right-to-left run's clusters run backwards. */
static bool
batchable(PangoLayout *l)
{
	for (GSList *ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next) {
		for (GSList *rn = ((PangoLayoutLine *)ln->data)->runs; rn; rn = rn->next) {
			const PangoGlyphItem *gi = rn->data;
			PangoFont *font = gi->item->analysis.font;
			cairo_scaled_font_t *sf;

			if ((gi->item->analysis.level & 1) || !PANGO_IS_CAIRO_FONT(font))
				return false;
			sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
			if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
				return false;
			for (int i = 0; i < gi->glyphs->num_glyphs; i++)
				if (unknown_glyph(gi->glyphs, i))
					return false;
		}
	}
	return true;
}

bool
og_tbatch_add(struct og_tbatch *b, cairo_t *cr, PangoLayout *l, double x, double y,
	      double scale, struct og_rgb c)
{
	if (!batchable(l))
		return false;
	if (b->cr && b->cr != cr)
		og_tbatch_flush(b, b->cr);
	b->cr = cr;
	b->x = x;
	b->y = y;
	b->scale = scale;
	b->c = c;
	cairo_get_matrix(cr, &b->ctm);
	pango_renderer_draw_layout(b->capture, l, 0, 0);
	return true;
}

void
og_tbatch_flush(struct og_tbatch *b, cairo_t *cr)
{
	cairo_font_options_t *fo;

	if (!b || !cr || b->n == 0)
		return;
	fo = cairo_font_options_create();
	for (int i = 0; i < b->n; i++) {
		struct group *g = &b->grp[i];
		cairo_matrix_t fm;

		if (g->ng > 0 || g->ncl > 0) {
			cairo_save(cr);
			cairo_set_matrix(cr, &g->ctm);
			cairo_set_font_face(cr, cairo_scaled_font_get_font_face(g->sf));
			cairo_scaled_font_get_font_matrix(g->sf, &fm);
			cairo_matrix_scale(&fm, g->scale, g->scale);
			cairo_set_font_matrix(cr, &fm);
			cairo_scaled_font_get_font_options(g->sf, fo);
			cairo_set_font_options(cr, fo);
			cairo_set_source_rgb(cr, g->c.r, g->c.g, g->c.b);
			cairo_show_text_glyphs(cr, g->u, (int)g->nu, g->g, (int)g->ng,
					       g->cl, (int)g->ncl, 0);
			cairo_restore(cr);
		}
		cairo_scaled_font_destroy(g->sf);
		g->sf = NULL;
		g->ng = g->ncl = g->nu = 0;
	}
	cairo_font_options_destroy(fo);
	b->n = 0;
}
