/*
 * Renderers.  Each reads only the report document (report.json as a
 * cJSON tree, docs/report-json.md) and the "report" config section, and
 * writes one file atomically (temporary name + rename).
 *
 * Return 0, or a negative errno with *ret_err set (caller frees).
 */
#ifndef OG_RENDER_H
#define OG_RENDER_H

#include <cjson/cJSON.h>

int og_render_json(const cJSON *report, const cJSON *config,
		   const char *path, char **ret_err);
int og_render_pdf(const cJSON *report, const cJSON *config,
		  const char *path, char **ret_err);
int og_render_png(const cJSON *report, const cJSON *config,
		  const char *path, char **ret_err);
int og_render_html(const cJSON *report, const cJSON *config,
		   const char *path, char **ret_err);
int og_render_junit(const cJSON *report, const cJSON *config,
		    const char *path, char **ret_err);

/*
 * Appended: drop the font caches pango, cairo and fontconfig keep for the
 * life of the process, so leak checkers (ASan, valgrind) see only real
 * leaks.  Call once at exit, after the last render; never between renders.
 */
void og_render_shutdown(void);

#endif
