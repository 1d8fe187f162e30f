/*
 * Test driver for the delivery module (history, lock, mail), linked with
 * libopsgrade.  It stands in for the CLI so the module can be tested on
 * its own; the Python tests in tests/delivery run it.
 *
 *   delivery-driver record REPORT CONFIG OUT [--lock FILE]
 *       og_history_record on REPORT, write the result to OUT
 *       (exit 75 when FILE is locked, 4 on failure)
 *   delivery-driver history CONFIG SUBJECT|- [--json]
 *   delivery-driver wanted REPORT CONFIG [--send-fails]
 *       prints yes / no; a "yes" is then remembered as mailed, as after a
 *       successful send, unless --send-fails
 *   delivery-driver mail REPORT CONFIG OUTDIR   exit 4 on failure
 *   delivery-driver hold-lock FILE              lock, print "locked",
 *                                               release at stdin EOF
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "history/history.h"
#include "history/lock.h"
#include "mail/mail.h"
#include "render.h"
#include "report-json.h"
#include "util.h"

static cJSON *
load_json(const char *path)
{
	char *buf;
	size_t len;
	cJSON *doc;
	int r;

	r = og_read_file(path, OG_FILE_MAX_BYTES, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "delivery-driver: %s: %s\n", path,
			strerror(-r));
		exit(2);
	}
	doc = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!doc) {
		fprintf(stderr, "delivery-driver: %s: invalid JSON\n", path);
		exit(2);
	}
	return doc;
}

/* A report.json as the CLI reads one (render --from): its findings in
 * the model, none in the document. */
static void
load_report(const char *path, struct og_report *ret, struct og_model **ret_m)
{
	cJSON *doc = NULL;
	char *err = NULL;

	if (og_report_load(path, &doc, ret_m, &err) < 0) {
		fprintf(stderr, "delivery-driver: %s\n", err);
		exit(2);
	}
	og_report_init(ret, doc, *ret_m);
}

static int
cmd_record(int argc, char **argv)
{
	struct og_report report;
	struct og_model *m;
	cJSON *config;
	char *err = NULL;
	int fd = -1, r;

	if (argc != 5 && !(argc == 7 && !strcmp(argv[5], "--lock")))
		return EX_USAGE;
	if (argc == 7) {
		r = og_lock_acquire(argv[6], &fd);
		if (r == -EWOULDBLOCK) {
			long pid = og_lock_holder(argv[6]);

			fprintf(stderr, "opsgrade: another run holds the lock "
				"%s (pid %ld); try again later\n", argv[6],
				pid);
			return EX_TEMPFAIL;
		}
		if (r < 0) {
			fprintf(stderr, "opsgrade: cannot open lock file %s: "
				"%s\n", argv[6], strerror(-r));
			return 4;
		}
	}
	load_report(argv[2], &report, &m);
	config = load_json(argv[3]);
	r = og_history_record(&report, config, &err);
	if (r < 0) {
		fprintf(stderr, "opsgrade: %s\n", err);
		free(err);
		r = 4;
		goto out;
	}
	r = og_report_write(&report, argv[4], &err) < 0 ? 4 : 0;
	free(err);
out:
	cJSON_Delete(report.doc);
	og_model_free(m);
	cJSON_Delete(config);
	og_lock_release(fd);
	return r;
}

static int
cmd_history(int argc, char **argv)
{
	cJSON *config, *listing = NULL;
	bool json = argc == 5 && !strcmp(argv[4], "--json");
	int r;

	if (argc != 4 && !json)
		return EX_USAGE;
	config = load_json(argv[2]);
	r = og_history_list(config, strcmp(argv[3], "-") ? argv[3] : NULL,
			    &listing);
	if (r == 0)
		r = og_render_history(listing, json, stdout);
	cJSON_Delete(listing);
	cJSON_Delete(config);
	return r < 0 ? 1 : 0;
}

static int
cmd_wanted(int argc, char **argv)
{
	cJSON *report, *config;

	bool wanted, failed = argc == 5 && !strcmp(argv[4], "--send-fails");

	if (argc != 4 && !failed)
		return EX_USAGE;
	report = load_json(argv[2]);
	config = load_json(argv[3]);
	wanted = og_mail_wanted(report, config);
	puts(wanted ? "yes" : "no");
	/* as the CLI does after a successful send */
	if (wanted && !failed)
		og_history_mark_mailed(report, config);
	cJSON_Delete(report);
	cJSON_Delete(config);
	return 0;
}

static int
cmd_mail(int argc, char **argv)
{
	struct og_report report;
	struct og_model *m;
	cJSON *config;
	char *err = NULL, *image, *pdf, *name;
	struct og_mail_files files;
	int r;

	if (argc != 5)
		return EX_USAGE;
	load_report(argv[2], &report, &m);
	config = load_json(argv[3]);
	/* what `opsgrade report` attaches with the default formats */
	image = og_asprintf("%s/summary.png", argv[4]);
	pdf = og_asprintf("%s/report.pdf", argv[4]);
	name = og_mail_attachment_name(report.doc, "pdf");
	files = (struct og_mail_files){
		.image = image, .image_type = "image/png", .attachment = pdf,
		.attachment_name = name, .attachment_type = "application/pdf",
	};
	r = og_mail_send(&report, config, &files, og_render_mail_summary, &err);
	free(image);
	free(pdf);
	free(name);
	if (r < 0) {
		fprintf(stderr, "opsgrade: %s\n", err);
		free(err);
	}
	cJSON_Delete(report.doc);
	og_model_free(m);
	cJSON_Delete(config);
	return r < 0 ? 4 : 0;
}

/* mailtext REPORT [html]: the mail's summary, as og_mail_send would
 * send it, on stdout (end-to-end tests read it without an SMTP server). */
static int
cmd_mailtext(int argc, char **argv)
{
	struct og_report report;
	struct og_model *m;
	char *text;

	if (argc != 3 && argc != 4)
		return EX_USAGE;
	load_report(argv[2], &report, &m);
	text = og_render_mail_summary(&report, argc == 4, NULL, "report.pdf");
	fputs(text, stdout);
	free(text);
	cJSON_Delete(report.doc);
	og_model_free(m);
	return 0;
}

static int
cmd_hold_lock(int argc, char **argv)
{
	int fd, r;

	if (argc != 3)
		return EX_USAGE;
	r = og_lock_acquire(argv[2], &fd);
	if (r < 0) {
		fprintf(stderr, "hold-lock: %s\n", strerror(-r));
		return r == -EWOULDBLOCK ? EX_TEMPFAIL : 1;
	}
	printf("locked\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	og_lock_release(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	int r = EX_USAGE;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc >= 2 && !strcmp(argv[1], "record"))
		r = cmd_record(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "history"))
		r = cmd_history(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "wanted"))
		r = cmd_wanted(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "mail"))
		r = cmd_mail(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "mailtext"))
		r = cmd_mailtext(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "hold-lock"))
		r = cmd_hold_lock(argc, argv);
	if (r == EX_USAGE)
		fprintf(stderr, "usage: see tests/delivery/delivery-driver.c\n");
	curl_global_cleanup();
	return r;
}
