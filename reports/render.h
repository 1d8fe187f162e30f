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
int og_render_junit(const cJSON *report, const cJSON *config,
		    const char *path, char **ret_err);

#endif
