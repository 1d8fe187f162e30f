/*
 * The codeql collector's GitHub code-scanning client: the open alerts of
 * collectors.codeql.github_repo, page by page, through the host's HTTP
 * service (the token is the host's: auth = "secret:codeql.github_token").
 * An alert at the place of a SARIF result read before takes that result's
 * identity (locindex.c), so the core merges the two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codeql.h"

#define GH_PER_PAGE		100
#define GH_PAGES_MAX		100	/* 10 000 open alerts */
#define GH_BODY_MAX		((size_t)64 << 20)

static enum og_severity
api_severity(const char *secsev, const char *sev)
{
	enum og_severity out = OG_SEV_MEDIUM;

	if (secsev && scan_severity_word(secsev, &out) &&
	    out != OG_SEV_UNKNOWN)
		return out;
	if (sev && scan_severity_word(sev, &out))
		return out;
	/* rule.severity uses the SARIF level words. */
	if (sev && sarif_level_severity(sev, &out))
		return out;
	return OG_SEV_UNKNOWN;
}

static void
convert_api_alert(struct cq_state *st, const cJSON *a, const char *url,
		  size_t idx, size_t *errors)
{
	struct og_finding f = { 0 };
	struct og_location loc = { 0 };
	struct scan_item it = { { 0 } };
	struct scan_tags tags;
	const cJSON *rule, *tool, *inst, *l, *tarr, *e;
	const char *secsev, *sev, *known, *parts[4];
	char fp[65], num[64];
	double number = 0;

	scan_tags_reset(&tags);
	rule = scan_obj(&it, a, "rule");
	tool = scan_obj(&it, a, "tool");
	inst = scan_obj(&it, a, "most_recent_instance");
	l = scan_obj(&it, inst, "location");
	f.id = scan_str(&it, rule, "id");
	f.title = scan_str(&it, rule, "description");
	secsev = scan_str(&it, rule, "security_severity_level");
	sev = scan_str(&it, rule, "severity");
	f.tool = scan_str(&it, tool, "name");
	f.url = scan_str(&it, a, "html_url");
	loc.file = scan_str(&it, l, "path");
	loc.line = scan_u32(&it, l, "start_line");
	loc.column = scan_u32(&it, l, "start_column");
	scan_num(&it, a, "number", &number);
	tarr = scan_arr(&it, rule, "tags");
	cJSON_ArrayForEach(e, tarr)
		if (cJSON_IsString(e))
			scan_tags_add_cwe(&tags, e->valuestring);
	if (!it.err[0] && (!f.id || !*f.id))
		scan_item_fail(&it, "rule.id missing");
	if (it.err[0]) {
		if ((*errors)++ < SCAN_ITEM_ERRORS_LOGGED)
			st->host->log(st->ctx, OG_LOG_ERROR,
				      "%s: $[%zu]: %s; alert skipped", url, idx,
				      it.err);
		return;
	}
	f.kind = OG_FINDING_CODE_ALERT;
	f.severity = api_severity(secsev, sev);
	f.score = -1;
	f.status_detail = "open";
	if (!f.tool || !*f.tool)
		f.tool = "GitHub code scanning";
	f.tags = tags.n ? tags.v : NULL;
	f.locations = loc.file ? &loc : NULL;
	f.n_locations = loc.file ? 1 : 0;
	/* Same place as a SARIF result read above: same identity. */
	known = cq_locindex_get(st->by_location, cq_location_key(f.id, loc.file,
							loc.line));
	if (known) {
		f.fingerprint = known;
	} else {
		snprintf(num, sizeof(num), "github:%s#%.0f", st->github_repo,
			 number);
		parts[0] = "code-alert";
		parts[1] = f.id;
		parts[2] = loc.file;
		parts[3] = num;
		og_fingerprint_hex(parts, 4, fp);
		f.fingerprint = fp;
	}
	f.struct_size = sizeof(f);
	if (st->host->finding(st->ctx, &f) < 0)
		return;
	if (!known) {
		scan_count(&st->t.alerts, &f);
		if (strcasestr(f.tool, "codeql"))
			scan_count(&st->t.codeql_alerts, &f);
	}
	cq_note_tool(st, f.tool);
	st->t.codeql_seen |= strcasestr(f.tool, "codeql") != NULL;
	st->api_alerts++;
}

/* Read one page; returns the number of alerts on it, or -1 to stop. */
static int
read_api_page(struct cq_state *st, int page, size_t *errors)
{
	static const char *const headers[] = {
		"Accept: application/vnd.github+json",
		"X-GitHub-Api-Version: 2022-11-28",
		NULL,
	};
	struct og_http_request req = {
		.struct_size = sizeof(req),
		.headers = headers,
		.auth = "secret:codeql.github_token",
		.follow_redirects = true,
	};
	const struct og_http_request *reqs[1] = { &req };
	struct og_http_response *resp = NULL;
	char url[1024], msg[1200];
	cJSON *doc = NULL, *a;
	int ret, n = -1;
	size_t i = 0;

	snprintf(url, sizeof(url), "%s/repos/%s/code-scanning/alerts?"
		 "state=open&per_page=%d&page=%d", st->github_api,
		 st->github_repo, GH_PER_PAGE, page);
	req.url = url;
	ret = st->host->http_batch(st->ctx, reqs, 1, &resp);
	if (ret < 0 || !resp) {
		snprintf(msg, sizeof(msg), "%s: request failed", url);
		goto fail;
	}
	if (resp->status == 403 || resp->status == 404) {
		/* No code scanning, no access, or not enabled. */
		snprintf(msg, sizeof(msg), "%s: HTTP %ld (code scanning not "
			 "enabled, or the token lacks security_events)", url,
			 resp->status);
		goto fail;
	}
	if (resp->status != 200) {
		snprintf(msg, sizeof(msg), "%s: HTTP %ld%s%s", url,
			 resp->status, resp->error ? ": " : "",
			 resp->error ? resp->error : "");
		goto fail;
	}
	if (resp->body_len > GH_BODY_MAX) {
		snprintf(msg, sizeof(msg), "%s: response larger than %zu bytes",
			 url, GH_BODY_MAX);
		goto fail;
	}
	doc = ogjs_parse_text(resp->body, resp->body_len, NULL, NULL);
	if (!cJSON_IsArray(doc)) {
		snprintf(msg, sizeof(msg), "%s: expected a JSON array of "
			 "alerts", url);
		goto fail;
	}
	cJSON_ArrayForEach(a, doc)
		convert_api_alert(st, a, url, i++, errors);
	n = (int)i;
	goto cleanup;
fail:
	st->host->log(st->ctx, OG_LOG_ERROR, "github_alerts: %s", msg);
	st->host->set_partial(st->ctx, "GitHub code scanning alerts could "
			      "not be read");
cleanup:
	cJSON_Delete(doc);
	if (resp)
		st->host->http_free(st->ctx, resp);
	return n;
}

void
code_scanning_read(struct cq_state *st)
{
	size_t errors = 0;
	int page, n = 0;

	if (!OG_HOST_HAS(st->host, http_batch) ||
	    !OG_HOST_HAS(st->host, http_free)) {
		st->host->log(st->ctx, OG_LOG_ERROR, "github_alerts: this "
			      "opsgrade has no HTTP service for plugins");
		st->host->set_partial(st->ctx, "github_alerts not read");
		return;
	}
	if (!st->github_repo || !strchr(st->github_repo, '/')) {
		st->host->log(st->ctx, OG_LOG_ERROR, "github_alerts needs "
			      "collectors.codeql.github_repo = OWNER/REPO");
		st->host->set_partial(st->ctx, "github_alerts not read");
		return;
	}
	if (!st->host->secret_available(st->ctx, "codeql.github_token")) {
		st->host->log(st->ctx, OG_LOG_ERROR, "github_alerts needs a "
			      "GitHub token (GH_TOKEN or collectors.github."
			      "token_file)");
		st->host->set_partial(st->ctx, "github_alerts not read");
		return;
	}
	target_declare(st->ctx, st->host, "code_scanning", st->github_repo);
	for (page = 1; page <= GH_PAGES_MAX; page++) {
		n = read_api_page(st, page, &errors);
		if (n < 0)
			break;
		st->api_pages_ok++;
		if (n < GH_PER_PAGE)
			break;
	}
	if (page > GH_PAGES_MAX)
		st->host->log(st->ctx, OG_LOG_WARN, "github_alerts: stopped "
			      "after %d pages", GH_PAGES_MAX);
	if (errors) {
		if (errors > SCAN_ITEM_ERRORS_LOGGED)
			st->host->log(st->ctx, OG_LOG_ERROR, "github_alerts: "
				      "%zu more alerts skipped",
				      errors - SCAN_ITEM_ERRORS_LOGGED);
		st->host->set_partial(st->ctx, "some GitHub alerts skipped");
	}
}
