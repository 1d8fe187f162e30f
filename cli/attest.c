/*
 * `opsgrade attest --template`: an attestations file to fill in, listing
 * every capability the last report could not observe, each with the
 * question to answer (the capability's target, docs/scoring.md).  Entries
 * are written with status "unknown", which states nothing until a person
 * or team answers it: the file is valid as written.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jsonget.h"
#include "jsonin.h"
#include "pipeline.h"
#include "util.h"

#define REPORT_MAX	((size_t)512 << 20)

static cJSON *
template_entry(const cJSON *cap, const char *subject)
{
	const char *title = og_jstr_or(og_jget(cap, "title"), og_jstr_or(og_jget(cap, "id"), "?"));
	const char *target = og_jstr(og_jget(cap, "target"));
	const char *hint = og_jstr(og_jget(cap, "observe_hint"));
	cJSON *e = cJSON_CreateObject();
	char *q;

	cJSON_AddStringToObject(e, "status", "unknown");
	cJSON_AddStringToObject(e, "by", "");
	cJSON_AddStringToObject(e, "date", "");
	cJSON_AddStringToObject(e, "evidence", "");
	cJSON_AddStringToObject(e, "title", title);
	q = target ? og_asprintf("Is this so for %s? %s", subject, target)
		   : og_asprintf("Does %s have this in place: %s?", subject, title);
	cJSON_AddStringToObject(e, "question", q);
	free(q);
	if (hint)
		cJSON_AddStringToObject(e, "not_observed", hint);
	return e;
}

/* The template for @report's unobserved capabilities (new tree). */
static cJSON *
build_template(const cJSON *report, int *ret_n)
{
	const char *subject = og_jstr_or(og_jget(report, "subject"), "the project");
	const char *at = og_jstr_or(og_jget(report, "generated_at"), "?");
	cJSON *doc = cJSON_CreateObject(), *list;
	const cJSON *c;
	char *d;
	int n = 0;

	d = og_asprintf("Attestations for %s: the capabilities the report of %.10s could "
			"not observe. Answer each question: set status to met, missing or "
			"not_applicable, say who attests it (by: a person or team) and when "
			"(date: YYYY-MM-DD), and link the evidence. Entries left at status "
			"unknown state nothing. Save as .opsgrade/attestations.json in the "
			"checkout, or name the file in the config (attestations).",
			subject, at);
	cJSON_AddStringToObject(doc, "description", d);
	free(d);
	list = cJSON_AddObjectToObject(doc, "attestations");
	cJSON_ArrayForEach(c, og_jget2(report, "assessment", "capabilities")) {
		const char *id = og_jstr(og_jget(c, "id"));
		const char *st = og_jstr(og_jget(c, "status"));

		if (!id || !st || strcmp(st, "unknown") || og_jget(list, id))
			continue;
		cJSON_AddItemToObject(list, id, template_entry(c, subject));
		n++;
	}
	*ret_n = n;
	return doc;
}

static int
load_report(const char *path, cJSON **ret)
{
	char *buf = NULL;
	size_t len = 0, off = 0;
	int r;

	r = og_read_file(path, REPORT_MAX, &buf, &len);
	if (r < 0) {
		og_log_error("attest --template: cannot read %s: %s (run `opsgrade "
			     "report` first, or give --from report.json)", path,
			     strerror(-r));
		return r;
	}
	*ret = og_json_parse(buf, len, false, NULL, &off);
	free(buf);
	if (!*ret) {
		og_log_error("attest --template: %s: not valid JSON (near byte %zu)",
			     path, off);
		return -EINVAL;
	}
	if (!cJSON_IsArray(og_jget2(*ret, "assessment", "capabilities"))) {
		og_log_error("attest --template: %s: no assessment (a report from "
			     "`opsgrade collect`?): nothing to list", path);
		cJSON_Delete(*ret);
		*ret = NULL;
		return -EINVAL;
	}
	return 0;
}

int
og_cli_attest(struct og_pipeline *p)
{
	const char *outdir = og_config_str(p->config, "output_dir", OG_DEFAULT_OUTPUT_DIR);
	char *from = p->cli->from ? og_strdup0(p->cli->from)
				  : og_asprintf("%s/report.json", outdir);
	cJSON *report = NULL, *tpl = NULL;
	char *text = NULL;
	int code = EXIT_USAGE, n = 0, r;

	if (!p->cli->template_) {
		og_log_error("attest: say --template (it writes an attestations file "
			     "to fill in; see opsgrade-attest(1))");
		goto out;
	}
	if (p->cli->n_inputs) {
		og_log_error("attest: unexpected argument '%s'", p->cli->inputs[0]);
		goto out;
	}
	if (load_report(from, &report) < 0)
		goto out;
	tpl = build_template(report, &n);
	text = cJSON_Print(tpl);
	if (!p->cli->out || !strcmp(p->cli->out, "-")) {
		fputs(text, stdout);
		fputc('\n', stdout);
		code = fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_OUTPUT;
	} else if (access(p->cli->out, F_OK) == 0) {
		/* answers already given must never be overwritten */
		og_log_error("attest --template: %s exists; not overwritten (choose "
			     "another -o, or merge the entries by hand)", p->cli->out);
	} else {
		r = og_write_file_atomic(p->cli->out, text, strlen(text));
		if (r < 0) {
			og_log_error("attest --template: cannot write %s: %s",
				     p->cli->out, strerror(-r));
			code = EXIT_OUTPUT;
		} else {
			code = EXIT_OK;
		}
	}
	if (code == EXIT_OK)
		og_log_info("attest --template: %d capabilit%s the report of %s could not "
			    "observe", n, n == 1 ? "y" : "ies", from);
out:
	free(text);
	cJSON_Delete(tpl);
	cJSON_Delete(report);
	free(from);
	return code;
}
