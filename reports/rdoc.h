/*
 * Shared by the renderers (internal to reports/): read-only accessors for
 * the report document, the "report" config section, text cleaning and
 * the atomic output file.  Every accessor tolerates NULL and wrong types:
 * an absent optional member reads as "not there", never as zero.
 */
#ifndef OG_RDOC_H
#define OG_RDOC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "report-json.h"

#define OG_SEV_COUNT	6	/* critical high medium low info unknown */

struct og_rgb {
	double r, g, b;
};

/* The "report" config section, resolved and validated. */
struct og_rstyle {
	char *organisation;	/* NULL when not configured */
	char *logo;		/* PNG path or NULL */
	struct og_rgb accent;
	char accent_hex[8];
	bool letter;		/* paper: letter instead of A4 */
	char *font;		/* family for body text */
	double scale;		/* PNG device scale, 1..4 */
	bool junit_strict;	/* unmet capabilities are failures */
	int junit_min_rank;	/* severity rank: 0 critical .. 5 unknown */
	bool junit_schema_strict;	/* Ant/Jenkins XSD layout */
};

/* Accepts the whole config tree (uses its "report" member) or the
 * "report" object itself; NULL gives the defaults. */
int og_rstyle_load(const cJSON *config, struct og_rstyle *ret, char **ret_err);
void og_rstyle_clear(struct og_rstyle *st);
/* What every renderer does first: check that @report is an object (the
 * error names @path) and load the style from @config into *ret_st. */
int og_render_setup(const cJSON *report, const cJSON *config,
		    const char *path, struct og_rstyle *ret_st, char **ret_err);

const cJSON *og_rj_item(const cJSON *o, const char *key);
const char *og_rj_str(const cJSON *o, const char *key);	/* NULL unless a string */
bool og_rj_num(const cJSON *o, const char *key, double *ret);
const cJSON *og_rj_arr(const cJSON *o, const char *key);	/* NULL unless array */
const cJSON *og_rj_obj(const cJSON *o, const char *key);	/* NULL unless object */
int og_rj_count(const cJSON *arr);

/* Severity names in rank order and their rank (unknown strings -> 5). */
extern const char *const og_sev_names[OG_SEV_COUNT];
int og_sev_rank(const char *s);
/* A finding's severity as that rank. */
int og_finding_rank(const struct og_model_finding *f);
/* Where a finding is, for the top-findings tables: its package, else
 * its first location's file (with ":line") or target; NULL when none.
 * Allocated. */
char *og_finding_where(const struct og_model_finding *f);
/* Open findings per severity (og_sev_names order) from the assessment's
 * security block, the one place they are counted.  *ret_have is false
 * when no scanner ran or there is no assessment ("not measured", not
 * zero). */
void og_rj_severity_counts(const cJSON *report, double counts[OG_SEV_COUNT],
			   bool *ret_have);
struct og_rgb og_sev_color(int rank);
struct og_rgb og_status_color(const char *status);

/* Look-ups by id inside the assessment (borrowed, NULL when absent). */
const char *og_area_name(const cJSON *assessment, const char *area_id);
const char *og_cap_title(const cJSON *assessment, const char *cap_id);
/* Evidence as the reader sees it outside the evidence appendix: without
 * the fact key ("ci.present: .github/workflows/ci.yml" -> the location)
 * and an absolute local path reduced to the file's name.  Points into
 * @ev. */
const char *og_evidence_for_reader(const char *ev);
/* Decision page wording shared by the PDF and HTML: an action of
 * assessment.decision ("Confirm: Branch protection (enable the github
 * collector)"; the short summaries leave the hint out) and a horizon's
 * heading ("This week: about 4.5 days of work").  Both allocated. */
char *og_decision_action_text(const cJSON *action, bool with_hint);

/* One row of an area's capability table, worded once for the PDF and the
 * HTML: @status is the area list it came from (met, missing, unknown,
 * not_applicable); the label says "(attested)" when a person, not a
 * collector, vouched for it. */
struct og_cap_row {
	const char *title;
	const char *status;	/* for og_status_color */
	char *label;		/* "Implemented", "Not observed", ... */
	char *note;		/* evidence, current state, hint or reason */
};
void og_cap_row(const cJSON *assessment, const char *cap_id, const char *status,
		struct og_cap_row *ret);
void og_cap_row_fini(struct og_cap_row *row);
char *og_decision_horizon_text(const cJSON *horizon);

/* A roadmap phase's extent in (fractional) weeks: from its first item's
 * from_week to its last item's to_week, so the phase bar is as long as
 * the work it holds, not whole weeks; false when its items have none. */
bool og_phase_span(const cJSON *phase, double *ret_from, double *ret_to);

/* The @k-th of assessment.top_actions (impact per effort) as the summary
 * pages list it: "Runbooks (Documentation & Incident Response; priority 2,
 * effort 1 day)"; NULL past the end.  Allocated. */
char *og_top_action_text(const cJSON *assessment, int k);

/* Gates, worded once by the assessment (core/assess/gates.c) and printed
 * as they are by every output: the verdict ("Policy gates: 3 of 5 passed,
 * 2 failed"; counted into @buf only for a report.json older than
 * assessment.decision.gates), one gate's line ("Maturity level at least
 * 3: failed (level 1)") and, for a failed one, what passes it (NULL when
 * the report does not say). */
const char *og_rj_gates_verdict(const cJSON *assessment, const cJSON *gates,
				char *buf, size_t size);
int og_rj_gates_failed(const cJSON *gates);
bool og_rj_gate_failed(const cJSON *gate);
const char *og_rj_gate_text(const cJSON *gate);
const char *og_rj_gate_fix(const cJSON *gate);

/* The decision plan (assessment.decision) for the text summaries (mail,
 * terminal): each horizon's heading, then at most @per of its actions
 * ("Runbooks (1 day; priority 2)"), then "and 3 more (see the report)";
 * @emit gets each line with @heading set for the horizons. */
/* A cost option's note, for the PDF and HTML tables: "noted 2026-11-27"
 * and, for an alternative, "alternative to Unleash: not in the total".
 * Allocated. */
char *og_cost_note(const cJSON *option);
/* "Estimated monthly total (the cheapest option for each need): $75". */
char *og_cost_total_text(const cJSON *costs);
/* "4 more actions after this quarter: see the roadmap." or NULL. */
char *og_decision_later_text(const cJSON *decision);
void og_decision_walk(const cJSON *assessment, int per,
		      void (*emit)(void *ctx, bool heading, const char *text), void *ctx);

/*
 * Copy @s into a new string that any consumer can hold: invalid UTF-8
 * becomes U+FFFD, ANSI escape sequences and other control characters
 * (except \n and \t when @keep_newlines) are removed, bidi overrides are
 * dropped, and the result is cut at @max bytes on a character boundary
 * with "…".  NULL in, NULL out.
 */
char *og_text_clean(const char *s, size_t max, bool keep_newlines);
/* The same text without a copy when there is nothing to clean: @s, or
 * the cleaned copy, which *ret_owned then holds (caller frees it). */
const char *og_text_clean_view(const char *s, size_t max, bool keep_newlines,
			       char **ret_owned);

/* "2026-11-27" from an RFC 3339 string (into @buf, at least 11 bytes);
 * "27 November 2026" with @long_form. */
void og_fmt_date(const char *rfc3339, bool long_form, char *buf, size_t size);
/* A trend point's label: the snapshot's date, with "*" when that run was
 * incomplete (its figures rest on less evidence; og_trend_note says so). */
void og_fmt_snapshot_label(const cJSON *snap, char *buf, size_t size);
/* The sentence explaining that star when one of @snaps is incomplete,
 * else NULL. */
const char *og_trend_note(const cJSON *snaps);
/* A number with its unit, "85.4%", "2.5/week", "0.5 h"; "not measured"
 * when @have is false. */
void og_fmt_value(bool have, double v, const char *unit, char *buf, size_t size);

/* A KPI's figure and status exactly as the assessment states them
 * (assessment.kpis[].display / .status); "not measured" when absent.
 * Only a report.json older than "display" is formatted here, into @buf. */
const char *og_rj_kpi_display(const cJSON *kpi, char *buf, size_t size);
const char *og_rj_kpi_status(const cJSON *kpi);
/* An area's completeness as the assessment prints it ("83.3%"). */
const char *og_rj_area_display(const cJSON *area, char *buf, size_t size);
/* "Confirmed on 53.7% coverage; up to Level 3 once 26 unobserved
 * capabilities are confirmed or attested" (docs/scoring.md), or "" when
 * the assessment has no coverage. */
const char *og_rj_coverage_line(const cJSON *assessment, char *buf, size_t size);

/* Output file written to a temporary name and renamed into place. */
struct og_out {
	int fd;
	char *tmp;
	int err;		/* first error, sticky */
};
int og_out_open(struct og_out *o, const char *path);
void og_out_write(struct og_out *o, const void *p, size_t n);
/* Commit when @ok and no write failed, else remove the temporary. */
int og_out_finish(struct og_out *o, const char *path, bool ok);

/* Set *ret_err (if non-NULL and still empty) to a formatted message. */
void og_rerr(char **ret_err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
