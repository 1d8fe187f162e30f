/*
 * Renderers.  Each reads only the report (the report.json document,
 * docs/report-json.md, with its findings from the model: core/report.h)
 * and the "report" config section, and writes one file atomically
 * (temporary name + rename).
 *
 * Return 0, or a negative errno with *ret_err set (caller frees).
 */
#ifndef OG_RENDER_H
#define OG_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

#include "report.h"

/* The keys of the "report" config section the renderers read, with
 * their types (options.c); the CLI registers them with the validator
 * (og_config_register_section). */
extern const struct og_option og_render_options[];

int og_render_json(const struct og_report *report, const cJSON *config,
		   const char *path, char **ret_err);
int og_render_pdf(const struct og_report *report, const cJSON *config,
		  const char *path, char **ret_err);
int og_render_png(const struct og_report *report, const cJSON *config,
		  const char *path, char **ret_err);
int og_render_html(const struct og_report *report, const cJSON *config,
		   const char *path, char **ret_err);
int og_render_junit(const struct og_report *report, const cJSON *config,
		    const char *path, char **ret_err);

/*
 * One-screen terminal summary of @assessment (level, areas, top gaps,
 * KPIs) and @gates (may be NULL).  Plain text, at most ~40 lines.
 */
void og_render_summary(const cJSON *assessment, const cJSON *gates,
		       FILE *out);

/* Above the terminal summary: the incomplete-run banner and the change
 * since the previous report, like for like (nothing when neither). */
void og_render_run_note(const struct og_report *rep, FILE *out);

/*
 * The mail's summary over the report document (og_mail_render_fn in
 * core/mail/mail.h): plain text, or HTML showing the inline image
 * @png_cid (NULL: none) and naming the attached PDF @pdfname (NULL:
 * none).  Returns a new string (caller frees).
 */
char *og_render_mail_summary(const struct og_report *report, bool html,
			     const char *png_cid, const char *pdfname);

/*
 * `opsgrade history [--json]` over the listing document from
 * og_history_list(): a table for a terminal, or the document itself.
 * Returns 0, or -EIO / -ENOMEM when @out could not be written.
 */
int og_render_history(const cJSON *listing, bool json, FILE *out);

/*
 * Appended: drop the font caches pango, cairo and fontconfig keep for the
 * life of the process, so leak checkers (ASan, valgrind) see only real
 * leaks.  Call once at exit, after the last render; never between renders.
 */
void og_render_shutdown(void);

#endif
