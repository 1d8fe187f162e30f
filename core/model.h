/*
 * The common model: facts, findings and events merged from every
 * collector.  No I/O here; (de)serialisation is in report-json.c.
 */
#ifndef OG_MODEL_H
#define OG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <opsgrade/plugin.h>

#define OG_FACTS_MAX		1000000
#define OG_FINDINGS_MAX		5000000
#define OG_EVENTS_MAX		5000000
#define OG_LOCATIONS_PER_FINDING_MAX 10000

enum og_value_type {
	OG_VALUE_UNKNOWN = 0,	/* could not be observed; see reason */
	OG_VALUE_BOOL,
	OG_VALUE_NUMBER,
	OG_VALUE_STRING,
	OG_VALUE_LIST,
};

struct og_model_fact {
	char *key;
	enum og_value_type type;
	bool b;
	double num;
	char *str;		/* string value, or unknown reason */
	char **list;
	size_t n_list;
	char *unit;
	char *evidence;
	char *source;		/* first collector that reported it */
	char **sources;		/* every collector, sorted, unique */
	size_t n_sources;
	int64_t observed_at;
	/* 0: none; else how parts combine (bools; docs/report-json.md) */
	enum og_rollup rollup;
};

struct og_model_location {
	char *target;
	char *file;
	uint32_t line;
	uint32_t column;
	char *layer;
};

struct og_model_finding {
	char *fingerprint;
	enum og_finding_kind kind;
	char *id;
	char *title;
	enum og_severity severity;
	double score;		/* < 0 unknown */
	char *package;
	char *installed_version;
	char *fixed_version;
	char *status_detail;
	char *url;
	char *published;
	bool suppressed;
	char *suppression;
	char **tags;
	size_t n_tags;
	char **tools;
	size_t n_tools;
	char **sources;
	size_t n_sources;
	struct og_model_location *locations;
	size_t n_locations;
};

struct og_model_event {
	char *type;
	int64_t time;
	char *id;
	char *source;
	struct og_model_attr {
		char *key;
		char *value;
	} *attrs;
	size_t n_attrs;
};

struct og_model;

struct og_model *og_model_new(void);			/* caller frees */
struct og_model *og_model_free(struct og_model *m);	/* NULL-safe */

/*
 * Add a fact from @source.  The model copies everything.  Merging with an
 * existing key follows docs/report-json.md (known beats unknown, true wins
 * for bools, else the first source in name order).  Bools with a rollup
 * rule combine by it: OG_ROLLUP_ALL ands (false wins), OG_ROLLUP_ANY ors;
 * equal values keep the first (source, evidence) in name order, so the
 * result does not depend on the order parts arrive in; ALL beats ANY
 * when parts disagree on the rule.
 */
int og_model_add_fact(struct og_model *m, const struct og_model_fact *f);

/*
 * Add a finding reported by collector @source.  Copies everything.  A
 * finding whose fingerprint is already present is merged into it:
 * locations, tools and sources are unioned; a suppressed copy never
 * reopens nor hides an open one (open wins).
 */
int og_model_add_finding(struct og_model *m, const struct og_finding *f,
			 const char *source);
/* Same, for a finding read back from report.json (keeps its fingerprint,
 * tools and sources). */
int og_model_add_model_finding(struct og_model *m,
			       const struct og_model_finding *f);

int og_model_add_event(struct og_model *m, const struct og_model_event *e);

/* Union of @src into @dst (facts, findings, events). */
int og_model_merge(struct og_model *dst, const struct og_model *src);

/* Lookups: borrowed, live with @m.  NULL when absent. */
const struct og_model_fact *og_model_fact(const struct og_model *m,
					  const char *key);
const struct og_model_finding *
og_model_finding_by_fingerprint(const struct og_model *m, const char *fp);

/*
 * Sorted views (deterministic order, see docs/report-json.md).  The arrays
 * are owned by the model and valid until the next add; *ret_n gets the
 * count.
 */
const struct og_model_fact *const *og_model_facts(struct og_model *m,
						  size_t *ret_n);
const struct og_model_finding *const *og_model_findings(struct og_model *m,
							size_t *ret_n);
const struct og_model_event *const *og_model_events(struct og_model *m,
						    size_t *ret_n);

/* Fingerprint a plugin finding that did not bring its own; hex, caller
 * frees.  Stable across runs and machines. */
char *og_finding_fingerprint(const struct og_finding *f);

const char *og_severity_name(enum og_severity s);
enum og_severity og_severity_from_name(const char *s);	/* UNKNOWN if bad */
const char *og_finding_kind_name(enum og_finding_kind k);
int og_finding_kind_from_name(const char *s, enum og_finding_kind *ret);
const char *og_value_type_name(enum og_value_type t);
/* "all", "any"; NULL for anything else (0 included) */
const char *og_rollup_name(enum og_rollup r);
/* 0 when @s is not "all" or "any" */
enum og_rollup og_rollup_from_name(const char *s);

#endif /* OG_MODEL_H */
