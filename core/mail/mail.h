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

/* Send the report in @outdir (report.pdf, summary.png) to config
 * "mail".  0 or negative errno with *ret_err. */
int og_mail_send(const cJSON *report, const cJSON *config,
		 const char *outdir, char **ret_err);

#endif
