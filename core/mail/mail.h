/*
 * Email delivery of a written report (libcurl SMTP + MIME).
 */
#ifndef OG_MAIL_H
#define OG_MAIL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* Whether config "mail" asks for a message for this report ("on":
 * always / change / failure), given report["history"] and gates. */
bool og_mail_wanted(const cJSON *report, const cJSON *config);

/*
 * Renders the message body over the report document: plain text
 * (@html false) or HTML that shows the inline image @png_cid (NULL: no
 * image) and names the attachment @pdfname (NULL: none).  Returns a new
 * string or NULL.  The mail transport formats nothing itself: the CLI
 * passes og_render_mail_summary (reports/render.h).
 */
typedef char *(*og_mail_render_fn)(const cJSON *report, bool html,
				   const char *png_cid, const char *pdfname);

/*
 * Check config "mail" before anything is collected: mail.on, and when
 * recipients are set, every address, the sender, the SMTP URL, smtp_tls
 * and that a password never comes without a user.  0 or -EINVAL with
 * *ret_err naming the setting.
 */
int og_mail_check(const cJSON *config, char **ret_err);

/* Send the report in @outdir (report.pdf, summary.png) to config
 * "mail", with the text and HTML bodies from @render.  0 or negative
 * errno with *ret_err. */
int og_mail_send(const cJSON *report, const cJSON *config,
		 const char *outdir, og_mail_render_fn render,
		 char **ret_err);

#endif
