/*
 * Email delivery of a written report (libcurl SMTP + MIME).
 */
#ifndef OG_MAIL_H
#define OG_MAIL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "report.h"

/* Whether config "mail" asks for a message for this report ("on":
 * always / change / failure), given report["history"] and gates. */
bool og_mail_wanted(const cJSON *report, const cJSON *config);

/*
 * Renders the message body over the report: plain text
 * (@html false) or HTML that shows the inline image @image_cid (NULL: no
 * image) and names the attachment @attachment_name (NULL: none).
 * Returns a new string or NULL.  The mail transport formats nothing
 * itself: the CLI passes og_render_mail_summary (reports/render.h).
 */
typedef char *(*og_mail_render_fn)(const struct og_report *report, bool html,
				   const char *image_cid,
				   const char *attachment_name);

/*
 * The files a message carries, chosen by the caller, which knows what
 * the renderers wrote: an image shown inline in the HTML body and one
 * attached document.  NULL paths: none; a path that is not a regular
 * file is left out (an attachment with a warning).
 */
struct og_mail_files {
	const char *image;		/* path of an image file */
	const char *image_type;		/* its MIME type */
	const char *attachment;		/* path of a document */
	const char *attachment_name;	/* its file name in the message */
	const char *attachment_type;	/* its MIME type */
};

/* "opsgrade-SUBJECT-YYYY-MM-DD.EXT" for an attachment of @report (new
 * string). */
char *og_mail_attachment_name(const cJSON *report, const char *ext);

/*
 * Check config "mail" before anything is collected: mail.on, and when
 * recipients are set, every address, the sender, the SMTP URL, smtp_tls
 * and that a password never comes without a user.  0 or -EINVAL with
 * *ret_err naming the setting.
 */
int og_mail_check(const cJSON *config, char **ret_err);

/* Send @report to config "mail" with @files and the text and HTML
 * bodies from @render.  0 or negative errno with *ret_err. */
int og_mail_send(const struct og_report *report, const cJSON *config,
		 const struct og_mail_files *files, og_mail_render_fn render,
		 char **ret_err);

#endif
