/*
 * Roll-ups: the run-wide fact of a key made of its subjects' facts
 * (enum og_rollup in the SDK).  The model calls this for every key
 * whose subjects' facts carry a rule; nothing else combines parts, so
 * a single run and the merge of its shards give the same figure.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

static int
cmp_str0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Every part's sources, the first source in name order, the latest
 * observation: the derived fact says where it came from. */
static void
add_provenance(const struct og_model_fact *const *parts, size_t n,
	       struct og_model_fact *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct og_model_fact *p = parts[i];

		if (p->source && (!out->source ||
				  strcmp(p->source, out->source) < 0)) {
			free(out->source);
			out->source = og_strdup0(p->source);
		}
		for (size_t s = 0; s < p->n_sources; s++) {
			size_t k = 0;

			while (k < out->n_sources &&
			       strcmp(out->sources[k], p->sources[s]) < 0)
				k++;
			if (k < out->n_sources &&
			    !strcmp(out->sources[k], p->sources[s]))
				continue;
			out->sources = og_xrealloc_array(out->sources,
					out->n_sources + 1, sizeof(char *));
			memmove(out->sources + k + 1, out->sources + k,
				(out->n_sources - k) * sizeof(char *));
			out->sources[k] = og_strdup0(p->sources[s]);
			out->n_sources++;
		}
		if (p->observed_at > out->observed_at)
			out->observed_at = p->observed_at;
	}
}

static void
set_unknown(struct og_model_fact *out, char *reason)
{
	out->type = OG_VALUE_UNKNOWN;
	out->str = reason;
}

/* "repository" for the evidence text; "subject" when parts name none. */
static const char *
kind_of(const struct og_model_fact *const *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (parts[i]->subject_kind)
			return parts[i]->subject_kind;
	return "subject";
}

/* One rule for the whole group, or NONE when the parts disagree (ALL
 * beats ANY: "every" is the stricter claim). */
static enum og_rollup
group_rule(const struct og_model_fact *const *parts, size_t n)
{
	enum og_rollup r = parts[0]->rollup;

	for (size_t i = 1; i < n; i++) {
		enum og_rollup p = parts[i]->rollup;

		if (p == r)
			continue;
		if ((p == OG_ROLLUP_ALL && r == OG_ROLLUP_ANY) ||
		    (p == OG_ROLLUP_ANY && r == OG_ROLLUP_ALL))
			r = OG_ROLLUP_ALL;
		else
			return OG_ROLLUP_NONE;
	}
	return r;
}

static void
derive_bool(const struct og_model_fact *const *parts, size_t n,
	    enum og_rollup rule, const char *kind, struct og_model_fact *out)
{
	bool deciding = rule == OG_ROLLUP_ANY;
	const struct og_model_fact *decider = NULL, *first_unknown = NULL;
	size_t unknown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct og_model_fact *p = parts[i];

		if (p->type == OG_VALUE_UNKNOWN) {
			unknown++;
			if (!first_unknown)
				first_unknown = p;
		} else if (p->b == deciding && !decider) {
			decider = p;	/* parts are in subject order */
		}
	}
	if (decider) {
		out->type = OG_VALUE_BOOL;
		out->b = deciding;
		out->evidence = og_asprintf("%s is %s%s%s", decider->subject,
					    deciding ? "true" : "false",
					    decider->evidence ? ": " : "",
					    decider->evidence ? decider->evidence : "");
	} else if (unknown) {
		set_unknown(out, og_asprintf("not measured for every %s "
				"(%zu of %zu unknown; %s: %s)", kind, unknown, n,
				first_unknown->subject,
				first_unknown->str ? first_unknown->str :
				"not observed"));
	} else {
		out->type = OG_VALUE_BOOL;
		out->b = !deciding;
		out->evidence = og_asprintf(deciding ? "false for every %s (%zu)"
					    : "true for every %s (%zu)", kind, n);
	}
}

static void
derive_number(const struct og_model_fact *const *parts, size_t n,
	      enum og_rollup rule, const char *kind, struct og_model_fact *out)
{
	const struct og_model_fact *pick = NULL;
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		const struct og_model_fact *p = parts[i];

		if (p->type == OG_VALUE_UNKNOWN) {
			set_unknown(out, og_asprintf("not measured for every "
					"%s (%s: %s)", kind, p->subject,
					p->str ? p->str : "not observed"));
			return;
		}
		sum += p->num;
		/* ties keep the first subject in name order */
		if (!pick || (rule == OG_ROLLUP_MIN && p->num < pick->num) ||
		    (rule == OG_ROLLUP_MAX && p->num > pick->num))
			pick = p;
	}
	out->type = OG_VALUE_NUMBER;
	out->unit = og_strdup0(pick->unit);
	if (rule == OG_ROLLUP_SUM) {
		out->num = sum;
		out->evidence = og_asprintf("sum over %zu %s subjects", n, kind);
	} else {
		out->num = pick->num;
		out->evidence = og_asprintf("%s of %zu %s subjects: %s",
					    rule == OG_ROLLUP_MIN ? "lowest" :
					    "highest", n, kind, pick->subject);
	}
}

void
og_rollup_derive(const struct og_model_fact *const *parts, size_t n,
		 struct og_model_fact *out)
{
	enum og_rollup rule = group_rule(parts, n);
	const char *kind = kind_of(parts, n);
	bool bools = false, nums = false;

	out->n_parts = n;
	out->rollup = rule;
	add_provenance(parts, n, out);
	for (size_t i = 0; i < n; i++) {
		bools |= parts[i]->type == OG_VALUE_BOOL;
		nums |= parts[i]->type == OG_VALUE_NUMBER;
		if (cmp_str0(parts[i]->subject_kind, parts[0]->subject_kind))
			kind = "subject";
	}
	if (!rule) {
		set_unknown(out, og_asprintf("the %zu %s subjects disagree on "
				"how to combine (rollup)", n, kind));
		return;
	}
	if (bools && nums) {
		set_unknown(out, og_asprintf("the %zu %s subjects report "
				"values of different types", n, kind));
		return;
	}
	if (rule == OG_ROLLUP_ALL || rule == OG_ROLLUP_ANY)
		derive_bool(parts, n, rule, kind, out);
	else
		derive_number(parts, n, rule, kind, out);
}
