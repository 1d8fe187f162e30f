/*
 * A report as every consumer reads it (renderers, mail, history): the
 * document -- report.json's tree, whose "findings" is an empty array --
 * and the findings, which live only in the model, in report.json's
 * order.  A finding as a cJSON tree costs about 2-3 KB; a million of
 * them never stand in memory at once.
 */
#ifndef OG_REPORT_H
#define OG_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "model.h"

struct og_report {
	cJSON *doc;
	/* the model's sorted view (og_model_findings): borrowed, valid
	 * while the model is and nothing is added to it */
	const struct og_model_finding *const *findings;
	size_t n_findings;
};

/*
 * @doc with the findings of @m.  Empties a findings tree @doc holds
 * (a loaded report.json), keeping the member where it is: the model is
 * the one copy.  The sorted view is made here, once, before renderers
 * fork and share it.
 */
void og_report_init(struct og_report *r, cJSON *doc, struct og_model *m);

/* Write @r as report.json, atomically (temporary file + rename), the
 * findings streamed from the model: byte for byte what cJSON_Print
 * prints for the whole tree. */
int og_report_write(const struct og_report *r, const char *path,
		    char **ret_err);

#endif /* OG_REPORT_H */
