/*
 * render-driver FORMAT in.json out [config.json]
 *
 * Runs one renderer on a report.json, read as `opsgrade render --from`
 * reads it (og_report_load: the findings into the model, none left in
 * the document), without assessing it again.  Exit 0, 2 (input), 4
 * (output).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/report-json.h"
#include "core/util.h"
#include "render.h"

static cJSON *
load(const char *path)
{
	char *buf = NULL;
	size_t len;
	cJSON *j;
	int r;

	r = og_read_file(path, OG_FILE_MAX_BYTES, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "render-driver: %s: %s\n", path, strerror(-r));
		return NULL;
	}
	j = cJSON_ParseWithLength(buf, len);
	if (!j)
		fprintf(stderr, "render-driver: %s: not valid JSON\n", path);
	free(buf);
	return j;
}

/* The mail's summaries as og_mail_send builds them (the dashboard as
 * cid:summary), so a test can compare them with a delivered mail. */
static int
mail_summary(const struct og_report *report, bool html, const char *out, char **ret_err)
{
	char *text = og_render_mail_summary(report, html, html ? "summary" : NULL, "report.pdf");
	FILE *f = fopen(out, "w");
	int r = f && fputs(text, f) >= 0 ? 0 : -EIO;

	if (f && fclose(f) != 0)
		r = -EIO;
	if (r < 0)
		*ret_err = og_asprintf("%s: cannot write", out);
	free(text);
	return r;
}

static int
mail_text(const struct og_report *report, const cJSON *config, const char *out, char **ret_err)
{
	(void)config;
	return mail_summary(report, false, out, ret_err);
}

static int
mail_html(const struct og_report *report, const cJSON *config, const char *out, char **ret_err)
{
	(void)config;
	return mail_summary(report, true, out, ret_err);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct og_report *, const cJSON *, const char *, char **);
	} formats[] = {
		{ "html", og_render_html },
		{ "json", og_render_json },
		{ "junit", og_render_junit },
		{ "pdf", og_render_pdf },
		{ "png", og_render_png },
		{ "mailtext", mail_text },
		{ "mailhtml", mail_html },
	};
	cJSON *report = NULL, *config = NULL;
	struct og_model *m = NULL;
	struct og_report rep;
	char *err = NULL;
	int rc = 2, r;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: render-driver html|json|junit|pdf|png|mailtext|mailhtml in.json out [config.json]\n");
		return 2;
	}
	if (og_report_load(argv[2], &report, &m, &err) < 0) {
		fprintf(stderr, "render-driver: %s\n", err);
		goto out;
	}
	og_report_init(&rep, report, m);
	if (argc == 5 && !(config = load(argv[4])))
		goto out;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, argv[1]) != 0)
			continue;
		r = formats[i].fn(&rep, config, argv[3], &err);
		if (r < 0) {
			fprintf(stderr, "render-driver: %s\n", err ? err : strerror(-r));
			rc = r == -EINVAL ? 2 : 4;
		} else {
			rc = 0;
		}
		goto out;
	}
	fprintf(stderr, "render-driver: unknown format '%s'\n", argv[1]);
out:
	og_render_shutdown();
	free(err);
	cJSON_Delete(config);
	cJSON_Delete(report);
	og_model_free(m);
	return rc;
}
