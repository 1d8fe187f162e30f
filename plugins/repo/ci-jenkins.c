/*
 * Jenkinsfile (root).  Groovy is not parsed: declarative and scripted
 * pipelines are line-matched, which is enough for the features we report
 * (stages, parallel/matrix, PR builds, changeset filters, cron, steps).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"

#define PATH "Jenkinsfile"

static const struct {
	enum repo_sig sig;
	const char *re;
} lines[] = {
	{ SIG_CI_MATRIX, "(^|[^[:alnum:]_])(parallel|matrix)[[:space:]]*[({]" },
	{ SIG_CI_PARALLEL, "(^|[^[:alnum:]_])(parallel|matrix)[[:space:]]*[({]" },
	{ SIG_CI_PR_TRIGGER, "changeRequest[[:space:]]*\\(|CHANGE_ID" },
	{ SIG_CI_PATH_FILTERS, "(^|[^[:alnum:]_])changeset[[:space:]]*[\"'(]" },
	{ SIG_CI_SCHEDULE, "(^|[^[:alnum:]_])cron[[:space:]]*\\(" },
	{ SIG_CI_DEPLOY, "stage[[:space:]]*\\([[:space:]]*[\"'][^\"']*deploy" },
	{ SIG_CI_ROLLBACK, "stage[[:space:]]*\\([[:space:]]*[\"'][^\"']*rollback" },
};

#define N_LINES (sizeof(lines) / sizeof(lines[0]))

void
repo_ci_jenkins(struct repo *r)
{
	const struct repo_file *f = repo_find(r, PATH);
	regex_t re[N_LINES], stage;
	size_t ok = 0, pos = 0, len;
	unsigned lineno = 0;
	char *buf, *line;
	int rc;

	if (!f || f->is_dir)
		return;
	r->ci_files++;
	repo_set_add(&r->ci_providers, "jenkins", PATH, 0);
	repo_signal(r, SIG_CI_PUSH_TRIGGER, PATH, 0);
	rc = repo_read(r, PATH, &buf, &len);
	if (rc < 0) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: not read: %s", PATH,
			     strerror(-rc));
		r->host->set_partial(r->ctx, "Jenkinsfile could not be read");
		return;
	}
	if (regcomp(&stage, "(^|[^[:alnum:]_])stage[[:space:]]*\\(",
		    REG_EXTENDED | REG_NOSUB))
		goto cleanup_buf;
	for (; ok < N_LINES; ok++)
		if (regcomp(&re[ok], lines[ok].re,
			    REG_EXTENDED | REG_ICASE | REG_NOSUB))
			goto cleanup;
	while ((line = repo_next_line(buf, len, &pos))) {
		const char *s = line + strspn(line, " \t");

		lineno++;
		if (!strncmp(s, "//", 2))
			continue;
		if (!regexec(&stage, s, 0, NULL, 0))
			r->ci_jobs++;
		for (size_t i = 0; i < N_LINES; i++)
			if (!regexec(&re[i], s, 0, NULL, 0))
				repo_signal(r, lines[i].sig, PATH, lineno);
		repo_rules_apply(r, RULE_RUN, s, PATH, lineno);
	}
cleanup:
	for (size_t i = 0; i < ok; i++)
		regfree(&re[i]);
	regfree(&stage);
cleanup_buf:
	free(buf);
}
