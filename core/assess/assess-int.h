/*
 * Internals of the assessment engine, shared by the files in core/assess/.
 * Nothing here is part of the public API (assess.h is).
 */
#ifndef OG_ASSESS_INT_H
#define OG_ASSESS_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "jsonget.h"
#include "model.h"

/* Caps on what a model file can make us allocate or recurse into. */
#define OG_MM_FILE_MAX		((size_t)16 << 20)
#define OG_MM_CAPS_MAX		10000
#define OG_MM_AREAS_MAX		200
#define OG_MM_RULE_DEPTH_MAX	32
#define OG_MM_RULE_NODES_MAX	256
#define OG_MM_TEXT_MAX		65536
#define OG_MM_EXTRA_MAX		32
#define OG_LEVEL_MAX		5

/* What the assessed project is (docs/scoring.md "Applicability"). */
enum og_kind {
	OG_KIND_SERVICE, OG_KIND_LIBRARY, OG_KIND_CLI, OG_KIND_IAC_MODULE,
	OG_KIND_MONOREPO, OG_KIND_COUNT,
};
#define OG_KIND_UNKNOWN	(-1)
/* "service" -> OG_KIND_SERVICE; OG_KIND_UNKNOWN when not a kind name. */
int og_kind_from_name(const char *s);
const char *og_kind_name(int kind);
const char *og_kind_phrase(int kind);	/* "a library", "a command-line tool" */

/* Three-valued logic. */
enum og_tri { OG_FALSE = 0, OG_TRUE = 1, OG_UNKNOWN = 2 };

enum og_rule_kind { OG_RULE_ALL, OG_RULE_ANY, OG_RULE_NOT, OG_RULE_CMP };
enum og_rule_op {
	OG_OP_EXISTS, OG_OP_EQ, OG_OP_NE, OG_OP_GE, OG_OP_LE, OG_OP_IN,
	OG_OP_MATCHES,
};

struct og_rule {
	enum og_rule_kind kind;
	struct og_rule **kids;	/* ALL, ANY (n_kids), NOT (1) */
	size_t n_kids;
	enum og_rule_op op;	/* CMP */
	char *fact;
	cJSON *value;		/* owned copy; NULL for exists */
	regex_t re;		/* MATCHES */
	bool re_ok;
};

struct og_mm_tool {
	char *name;
	char *tier;		/* "free" or "paid" */
	double monthly_usd;	/* 0 for free */
	char *per;		/* "month", "user", "host", ... */
	char *free_tier;	/* what the free tier gives, may be NULL */
	char *noted;		/* YYYY-MM-DD the price was noted */
};

struct og_mm_cap {
	char *id;
	char *title;
	char *area;
	int level;		/* 1-5 */
	double weight;
	int priority;		/* 1 critical, 2 important, 3 nice-to-have */
	char *effort;		/* human text, derived from effort_minutes */
	int64_t effort_minutes;
	int phase;		/* roadmap phase hint, 1-based */
	char *impact;
	char *target;
	char *current;		/* current-state template when unmet */
	char *solution_text;
	char *snippet;		/* may be NULL */
	char *lang;		/* snippet language, may be NULL */
	char **depends_on;
	size_t n_depends_on;
	struct og_mm_tool *tools;
	size_t n_tools;
	char *observed_by;	/* collector name that observes the facts */
	char *origin;		/* the extension file that defined it; NULL:
				 * the bundled model */
	char *scorecard;	/* OpenSSF Scorecard check, may be NULL */
	struct og_rule *rule;
	/* Applicability: the project kinds it applies to (bit per enum
	 * og_kind; 0 = every kind) and an optional condition on facts with
	 * the reason shown when the condition does not hold. */
	unsigned kinds;
	struct og_rule *applies_when;
	char *na_reason;
	/* For a reader, what would let it be observed when its collector
	 * ran and could not decide (the model's words, such as which
	 * token permission is missing); NULL: the generic words. */
	char *observe;
};

/* "collectors": {name: {"connect": …}}: what the reader does to connect
 * a collector that did not run; the model names it, the core does not. */
struct og_mm_collector {
	char *name;
	char *connect;
};

struct og_mm_area {
	char *id;
	char *name;
};

struct og_mm_level {
	int level;
	char *name;
	char *summary;
};

struct og_mm_phase {
	int phase;
	char *name;
};

/* A KPI over one number fact, declared by a model file (a plugin's
 * fragment): value = the fact, judged against target by direction. */
struct og_mm_kpi {
	char *id;
	char *name;
	char *fact;
	char *unit;
	char *target_text;	/* may be NULL: made from the target */
	char *unmeasured;	/* why, when no collector reported the fact;
				 * may be NULL */
	double target;
	bool max;		/* the target is a maximum */
	int decimals;
};

struct og_mm {
	char *id;
	char *version;
	char *path;		/* first file; extras listed after ", " */
	/* SHA-256 of the files' bytes in load order, "sha256:<hex>": which
	 * model a stored report was assessed with (render --from compares) */
	char digest[7 + 64 + 1];
	struct og_mm_level levels[OG_LEVEL_MAX];
	struct og_mm_area *areas;
	size_t n_areas;
	struct og_mm_phase *phases;
	size_t n_phases;
	struct og_mm_cap *caps;
	size_t n_caps;
	struct og_mm_kpi *kpis;
	size_t n_kpis;
	/* true bool facts that mean "a security scanner looked" (so zero
	 * findings is a measurement), and "incidents are tracked" (so no
	 * incident is a measurement): named by the model, not the engine */
	char **scan_facts;
	size_t n_scan_facts;
	char **incident_facts;
	size_t n_incident_facts;
	struct og_mm_collector *collectors;
	size_t n_collectors;
};

/* The model's "connect" words for collector @name, or NULL. */
const char *og_mm_connect(const struct og_mm *mm, const char *name);

/* model-load.c */
int og_mm_load(const char *path, const char *const *extra, size_t n_extra,
	       struct og_mm **ret_mm, char **ret_err);
/* Parse a model document already in memory (@name for messages). */
int og_mm_parse(const char *name, const char *text, struct og_mm *mm,
		bool extension, char **ret_err);
int og_mm_finish(struct og_mm *mm, char **ret_err);
struct og_mm *og_mm_free(struct og_mm *mm);
void og_mm_kpi_fini(struct og_mm_kpi *k);
const struct og_mm_cap *og_mm_cap(const struct og_mm *mm, const char *id);
int og_parse_effort(const char *s, int64_t *ret_minutes);
char *og_effort_text(int64_t minutes);

/* rules.c */
/*
 * Fact environment for rule evaluation: model facts plus facts the engine
 * derives (kpi.*, findings.*), which shadow model facts of the same key.
 */
struct og_fact_env {
	const struct og_model *m;
	const struct og_mm *mm;	/* scan/incident facts, model KPIs; may be NULL */
	struct og_model_fact *derived;
	size_t n_derived;
	size_t cap_derived;
	/* collectors that ran (ok/partial): their silence is an observation */
	char **ran;
	size_t n_ran;
	/* collectors that failed or were partial, and why: "the X collector
	 * failed: …", shown on every capability it observes */
	char **trouble_name, **trouble_text;
	size_t n_trouble;
};
/* "the X collector failed: why" when @collector failed or was partial in
 * this run, else NULL (borrowed). */
const char *og_env_trouble(const struct og_fact_env *env, const char *collector);
const struct og_model_fact *og_env_fact(const struct og_fact_env *env,
					const char *key);
void og_env_add_number(struct og_fact_env *env, const char *key, double v,
		       const char *unit, const char *evidence);
void og_env_add_string(struct og_fact_env *env, const char *key,
		       const char *v, const char *evidence);
void og_env_add_bool(struct og_fact_env *env, const char *key, bool v,
		     const char *evidence);
bool og_env_ran(const struct og_fact_env *env, const char *collector);
void og_env_fini(struct og_fact_env *env);

int og_rule_parse(const cJSON *j, const char *path, int depth, size_t *nodes,
		  struct og_rule **ret, char **ret_err);
struct og_rule *og_rule_free(struct og_rule *r);
/* @observed_by: the capability's collector, for `exists` on absent keys. */
enum og_tri og_rule_eval(const struct og_rule *r,
			 const struct og_fact_env *env,
			 const char *observed_by);
/* Append every fact key the rule reads to @arr (cJSON strings, unique). */
void og_rule_keys(const struct og_rule *r, cJSON *arr);

/* score.c: per-capability status and the level / area figures. */
enum og_cap_status {
	OG_CAP_MET, OG_CAP_MISSING, OG_CAP_UNKNOWN, OG_CAP_NA, OG_CAP_NSTATUS,
};
const char *og_cap_status_name(enum og_cap_status s);
/* Where a status came from: collectors, an attestation, or nowhere. */
enum og_cap_source { OG_SRC_NONE, OG_SRC_OBSERVED, OG_SRC_ATTESTED };
enum og_attest_outcome {
	OG_ATTEST_NONE, OG_ATTEST_USED, OG_ATTEST_AGREES, OG_ATTEST_CONTRADICTED,
	OG_ATTEST_EXPIRED,
};
struct og_scored {
	const struct og_mm *mm;
	enum og_cap_status *status;	/* per mm->caps index */
	/* per cap, may be NULL: why it does not apply, or why whether it
	 * applies is not known */
	char **why;
	enum og_cap_source *source;
	enum og_attest_outcome *outcome;
	const struct og_attest_set *attest;	/* may be NULL */
	int level;		/* confirmed: unknown counts as not met */
	int possible_level;	/* were every unknown capability met */
	double threshold;
	int kind;		/* enum og_kind or OG_KIND_UNKNOWN */
};
struct og_attest_set;
/* @kind: the project kind (og_project_kind()); @attest may be NULL. */
void og_score_caps(const struct og_mm *mm, const struct og_fact_env *env,
		   int kind, const struct og_attest_set *attest, int64_t now,
		   struct og_scored *sc);
void og_scored_fini(struct og_scored *sc);

/* attest.c: attestations (docs/scoring.md "Attestations"). */
struct og_attest {
	char *id;
	enum og_cap_status status;	/* met, missing or not applicable */
	char *by;
	char *evidence;			/* may be NULL */
	int64_t date, expires;
	char *date_text, *expires_text;	/* YYYY-MM-DD */
};
struct og_attest_set {
	char *file;
	struct og_attest *items;
	size_t n;
};
/* Load @file (NULL: none); errors name the file and the JSON path. */
int og_attest_load(const char *file, const struct og_mm *mm,
		   struct og_attest_set *set, char **ret_err);
void og_attest_fini(struct og_attest_set *set);
const struct og_attest *og_attest_find(const struct og_attest_set *set,
				       const char *id);
void og_attest_apply(struct og_scored *sc, size_t i,
		     const struct og_attest_set *set, int64_t now);
cJSON *og_attest_json(const struct og_attest *a, enum og_attest_outcome o);
cJSON *og_attest_summary(const struct og_scored *sc,
			 const struct og_attest_set *set);

/* applies.c: which capabilities apply to the assessed project. */
/*
 * The project kind: @override (config project.kind, validated) wins,
 * else the fact project.kind.  *ret_source is "config", "observed" or
 * NULL when unknown.
 */
int og_project_kind(const char *override, const struct og_fact_env *env,
		    const char **ret_source);
/* TRUE applies, FALSE does not (*ret_why says why), UNKNOWN cannot tell
 * (*ret_why says what is missing).  *ret_why is NULL or the caller's. */
enum og_tri og_cap_applies(const struct og_mm_cap *cp, int kind,
			   const struct og_fact_env *env, char **ret_why);
/* Expand "{fact.key}" in a current-state template; caller frees. */
char *og_expand_template(const char *tpl, const struct og_fact_env *env);
cJSON *og_score_levels(struct og_scored *sc, cJSON **ret_next);
cJSON *og_score_areas(const struct og_scored *sc, cJSON **ret_strengths,
		      cJSON **ret_improvements, cJSON **ret_blind_spots);
cJSON *og_score_possible(const struct og_scored *sc);
cJSON *og_score_coverage(const struct og_scored *sc);
cJSON *og_score_strength_rule(void);
/* "Level 4 (Quantified) needs 5 of the 8 missing capabilities at that
 * level (about 2 weeks of work)." from a next_level object; "" when it
 * needs nothing known.  Caller frees. */
char *og_next_level_text(const cJSON *next);
cJSON *og_score_capabilities(const struct og_scored *sc,
			     const struct og_fact_env *env);

/* gaps.c, roadmap.c, costs.c */
cJSON *og_gaps(const struct og_scored *sc, const struct og_fact_env *env);
cJSON *og_quick_wins(const struct og_scored *sc);
/* actions.c: gap ids ranked by impact per effort (docs/report-json.md) */
cJSON *og_top_actions(const cJSON *gaps);
/* this week / this month / this quarter, from the finished assessment and
 * the gate results */
cJSON *og_decision(const cJSON *assessment, const cJSON *gates);
cJSON *og_roadmap(const struct og_scored *sc);
cJSON *og_costs(const struct og_scored *sc);

/* kpi.c */
struct og_kpi_opts {
	int64_t now;
	int window_days;
	int band_year;		/* 2021 or 2023 */
	const cJSON *targets;	/* assessment.targets, may be NULL */
};
int og_kpis(struct og_model *m, const struct og_kpi_opts *o,
	    struct og_fact_env *env, cJSON **ret_kpis, char **ret_err);
double og_median(double *v, size_t n);	/* sorts @v; n > 0 */
cJSON *og_security(struct og_model *m, struct og_fact_env *env);

/* portfolio.c: per-repository assessments in org mode */
#define OG_PORTFOLIO_MAX	100000	/* repositories assessed one by one */
struct og_portfolio_opts {
	double threshold;
	struct og_kpi_opts kpi;
};
/*
 * When facts in @m name subjects of kind "repository": assess every one
 * on its own view (*ret_portfolio, docs/report-json.md
 * assessment.portfolio).  *ret_portfolio is NULL when there are none.
 */
int og_portfolio(const struct og_mm *mm, struct og_model *m,
		 const struct og_portfolio_opts *po, cJSON **ret_portfolio,
		 char **ret_err);

/* gates.c */
int og_gates(const cJSON *gates_cfg, const cJSON *assessment,
	     struct og_model *m, cJSON **ret_gates, char **ret_err);

/* config helpers (assess.c) */

#endif /* OG_ASSESS_INT_H */
