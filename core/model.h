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
	/* How parts combine (docs/facts.md): OG_ROLLUP_NONE, or the rule
	 * a subject's fact brings, or the rule a derived fact was made by */
	enum og_rollup rollup;
	/* The thing this fact describes ("acme/shop"), of @subject_kind
	 * ("repository", "image", "workload"); NULL: the whole run */
	char *subject;
	char *subject_kind;
	/* > 0: derived by the model from this many subjects' facts (the
	 * roll-up of @key); never stored, always recomputed */
	size_t n_parts;
	char *ident;		/* index key: key, or key "\x1f" subject */
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
	char *subject;		/* as for facts; NULL: the whole run */
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
 * Add a fact from @source.  The model copies everything.  Facts are
 * identified by (key, subject).  Merging with an existing one follows
 * docs/report-json.md (known beats unknown, true wins for bools, else
 * the first source in name order).  Facts with a rollup rule combine by
 * it: ALL ands (false wins), ANY ors, MIN/MAX keep the lowest/highest;
 * equal values keep the first (source, evidence) in name order, so the
 * result does not depend on the order parts arrive in; ALL beats ANY
 * when parts disagree on the rule.
 *
 * This is the one place facts combine.  The facts of subjects with a
 * rule also make the run-wide fact of their key (og_model_fact(m, key)):
 * see og_rollup_derive().  A run-wide fact a collector reported itself
 * wins over a derived one.  Derived facts (n_parts > 0) passed in are
 * ignored: they are recomputed.  -EINVAL for a rule that does not fit
 * the value's type, and for SUM without a subject (a sum of parts needs
 * to know which parts it has seen).
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
/* The same, consuming @src (freed, whatever the result): its findings
 * that @dst lacks move over without a copy (merge of many shards). */
int og_model_merge_move(struct og_model *dst, struct og_model *src);

/* Lookups: borrowed, live with @m (until the next add).  NULL when
 * absent.  og_model_fact() is the run-wide fact (reported or derived). */
const struct og_model_fact *og_model_fact(const struct og_model *m,
					  const char *key);
/* Whether any fact of @key was added, run-wide or for any subject.  No
 * roll-up is derived for it: cheap on every record of a collection. */
bool og_model_has_fact_key(const struct og_model *m, const char *key);
const struct og_model_fact *og_model_subject_fact(const struct og_model *m,
						  const char *subject,
						  const char *key);
/* The subjects of @kind (NULL: any) that facts name, sorted, unique;
 * borrowed strings in a new array (caller frees the array). */
const char **og_model_subjects(const struct og_model *m, const char *kind,
			       size_t *ret_n);
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

/* The one count of open findings: those not suppressed, by severity
 * (@ret_counts indexed by enum og_severity, OG_SEV_UNKNOWN included).
 * The security summary, the KPIs and the gates all read it. */
#define OG_SEV_SLOTS	(OG_SEV_CRITICAL + 1)
void og_model_open_by_severity(struct og_model *m, size_t ret_counts[OG_SEV_SLOTS]);

/* Fingerprint a plugin finding that did not bring its own; hex, caller
 * frees.  Stable across runs and machines. */
char *og_finding_fingerprint(const struct og_finding *f);

const char *og_severity_name(enum og_severity s);
enum og_severity og_severity_from_name(const char *s);	/* UNKNOWN if bad */
const char *og_finding_kind_name(enum og_finding_kind k);
int og_finding_kind_from_name(const char *s, enum og_finding_kind *ret);
const char *og_value_type_name(enum og_value_type t);
/* "all", "any", "min", "max", "sum"; NULL for anything else (NONE too) */
const char *og_rollup_name(enum og_rollup r);
/* OG_ROLLUP_NONE when @s is none of those */
enum og_rollup og_rollup_from_name(const char *s);

/*
 * The run-wide fact of one key from its subjects' facts @parts (sorted
 * by subject, all with a rule): ALL/ANY are three-valued (the deciding
 * value beats unknown, unknown beats the other value), MIN/MAX/SUM are
 * unknown when a part is.  Parts that disagree on the rule (other than
 * ALL beating ANY) or on the type give an unknown with the reason.
 * Fills *out (zeroed by the caller; strings owned by it).  core/rollup.c.
 */
void og_rollup_derive(const struct og_model_fact *const *parts, size_t n,
		      struct og_model_fact *out);

#endif /* OG_MODEL_H */
