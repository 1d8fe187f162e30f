#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fingerprint.h"
#include "model.h"
#include "strmap.h"
#include "util.h"

struct og_model {
	struct og_strmap fact_idx;	/* by ident: key, or key \x1f subject */
	struct og_strmap key_idx;	/* every key added, whatever its subject */
	struct og_model_fact **facts;
	size_t n_facts;

	/* Run-wide facts derived from subjects' facts: rebuilt lazily when
	 * a subject's fact with a rule was added (og_rollup_derive). */
	struct og_strmap derived_idx;
	struct og_model_fact **derived;
	size_t n_derived;
	bool derived_dirty;

	struct og_strmap finding_idx;
	struct og_model_finding **findings;
	size_t n_findings;
	/* The findings' sort keys as runs, each in order: a loaded report's
	 * findings sort once, on its loading thread, and a merge that only
	 * adds findings takes its runs along, so the merged order is a
	 * merge of runs rather than a sort of a million findings.  NULL
	 * when a change made them stale. */
	struct finding_key *keys;
	size_t *run_ends, n_runs;
	/* Open findings by severity, counted once (assessing asks often and
	 * each count walks a million findings); a merge of new findings
	 * adds its shard's counts. */
	size_t open_counts[OG_SEV_SLOTS];
	bool counts_ok;

	struct og_model_event **events;
	size_t n_events;

	/* Findings, their strings and arrays: millions of small objects
	 * that live exactly as long as the model. */
	struct og_arena arena;

	/* Sorted views, rebuilt lazily after an add. */
	const struct og_model_fact **sorted_facts;
	const struct og_model_finding **sorted_findings;
	const struct og_model_event **sorted_events;
	bool facts_dirty, findings_dirty, events_dirty;
};

/* A finding with its order packed into one integer: severity, then the
 * first 15 hex digits of the fingerprint, so most comparisons never touch
 * the finding itself (the sort is otherwise bound by cache misses). */
struct finding_key {
	uint64_t key;
	const struct og_model_finding *f;
};

static const char *const severity_names[] = {
	"unknown", "info", "low", "medium", "high", "critical",
};

static const char *const kind_names[] = {
	"vulnerability", "code-alert", "misconfiguration", "secret", "license",
};

static const char *const value_type_names[] = {
	"unknown", "bool", "number", "string", "list",
};

const char *
og_severity_name(enum og_severity s)
{
	return (unsigned)s <= OG_SEV_CRITICAL ? severity_names[s] : "unknown";
}

enum og_severity
og_severity_from_name(const char *s)
{
	for (int i = 0; s && i <= OG_SEV_CRITICAL; i++)
		if (strcasecmp(s, severity_names[i]) == 0)
			return (enum og_severity)i;
	return OG_SEV_UNKNOWN;
}

const char *
og_finding_kind_name(enum og_finding_kind k)
{
	return (unsigned)k <= OG_FINDING_LICENSE ? kind_names[k] : "unknown";
}

int
og_finding_kind_from_name(const char *s, enum og_finding_kind *ret)
{
	for (int i = 0; s && i <= OG_FINDING_LICENSE; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*ret = (enum og_finding_kind)i;
			return 0;
		}
	return -EINVAL;
}

const char *
og_value_type_name(enum og_value_type t)
{
	return (unsigned)t <= OG_VALUE_LIST ? value_type_names[t] : "unknown";
}

static const char *const rollup_names[] = {
	NULL, "all", "any", "min", "max", "sum",
};

const char *
og_rollup_name(enum og_rollup r)
{
	return (unsigned)r <= OG_ROLLUP_SUM ? rollup_names[r] : NULL;
}

enum og_rollup
og_rollup_from_name(const char *s)
{
	for (int i = OG_ROLLUP_ALL; s && i <= OG_ROLLUP_SUM; i++)
		if (!strcmp(s, rollup_names[i]))
			return (enum og_rollup)i;
	return OG_ROLLUP_NONE;
}

static int
cmp_str0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

struct og_model *
og_model_new(void)
{
	struct og_model *m = og_xcalloc(1, sizeof(*m));

	og_strmap_init(&m->fact_idx);
	og_strmap_init(&m->key_idx);
	og_strmap_init(&m->derived_idx);
	og_strmap_init(&m->finding_idx);
	og_arena_init(&m->arena);
	return m;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
fact_free(struct og_model_fact *f)
{
	free(f->key);
	free(f->str);
	free_strv(f->list, f->n_list);
	free(f->unit);
	free(f->evidence);
	free(f->source);
	free_strv(f->sources, f->n_sources);
	free(f->subject);
	free(f->subject_kind);
	free(f->ident);
	free(f);
}

static void
derived_clear(struct og_model *m)
{
	for (size_t i = 0; i < m->n_derived; i++)
		fact_free(m->derived[i]);
	free(m->derived);
	m->derived = NULL;
	m->n_derived = 0;
	og_strmap_clear(&m->derived_idx);
}

static void
event_free(struct og_model_event *e)
{
	free(e->type);
	free(e->id);
	free(e->source);
	free(e->subject);
	for (size_t i = 0; i < e->n_attrs; i++) {
		free(e->attrs[i].key);
		free(e->attrs[i].value);
	}
	free(e->attrs);
	free(e);
}

struct og_model *
og_model_free(struct og_model *m)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < m->n_facts; i++)
		fact_free(m->facts[i]);
	derived_clear(m);
	for (size_t i = 0; i < m->n_events; i++)
		event_free(m->events[i]);
	free(m->facts);
	free(m->findings);
	free(m->events);
	free(m->sorted_facts);
	free(m->sorted_findings);
	free(m->sorted_events);
	free(m->keys);
	free(m->run_ends);
	og_strmap_clear(&m->fact_idx);
	og_strmap_clear(&m->key_idx);
	og_strmap_clear(&m->finding_idx);
	og_arena_clear(&m->arena);
	free(m);
	return NULL;
}

/* Append @p to a growable array whose capacity doubles at powers of two. */
static void
push_ptr(void ***arr, size_t *n, void *p)
{
	if ((*n & (*n - 1)) == 0)	/* n is 0 or a power of two: grow */
		*arr = og_xrealloc_array(*arr, *n ? *n * 2 : 8, sizeof(void *));
	(*arr)[(*n)++] = p;
}

/* Where @s goes in the sorted unique string set (v, n): false when it is
 * empty or already there, else true with its slot in *ret_i. */
static bool
strset_slot(char *const *v, size_t n, const char *s, size_t *ret_i)
{
	size_t lo = 0, hi = n;

	if (!s || !*s)
		return false;
	/* binary: a finding may carry thousands of tags or locations'
	 * targets, and a sorted input then appends */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], s);

		if (c == 0)
			return false;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_i = lo;
	return true;
}

/* Insert @s into the sorted unique string set (*v, *n); copies it. */
static void
strset_add(char ***v, size_t *n, const char *s)
{
	size_t i;

	if (!strset_slot(*v, *n, s, &i))
		return;
	*v = og_xrealloc_array(*v, *n + 1, sizeof(char *));
	memmove(*v + i + 1, *v + i, (*n - i) * sizeof(char *));
	(*v)[i] = og_strdup0(s);
	(*n)++;
}

/* strset_add for arena-owned sets: interned strings, arena arrays. */
static void
astrset_add(struct og_arena *a, char ***v, size_t *n, const char *s)
{
	size_t i;

	if (!strset_slot(*v, *n, s, &i))
		return;
	*v = og_arena_grow(a, *v, *n, sizeof(char *));
	memmove(*v + i + 1, *v + i, (*n - i) * sizeof(char *));
	(*v)[i] = og_arena_intern(a, s);
	(*n)++;
}

static void
fact_copy_value(struct og_model_fact *dst, const struct og_model_fact *src)
{
	free(dst->str);
	free_strv(dst->list, dst->n_list);
	free(dst->unit);
	free(dst->evidence);
	dst->type = src->type;
	dst->b = src->b;
	dst->num = src->num;
	dst->str = og_strdup0(src->str);
	dst->n_list = src->n_list;
	dst->list = src->n_list ? og_xcalloc(src->n_list, sizeof(char *)) : NULL;
	for (size_t i = 0; i < src->n_list; i++)
		dst->list[i] = og_strdup0(src->list[i]);
	dst->unit = og_strdup0(src->unit);
	dst->evidence = og_strdup0(src->evidence);
	dst->observed_at = src->observed_at;
}

/* The rule of two parts that disagree: ALL beats ANY beats none; for
 * numbers the first one known stays (og_rollup_derive reports the
 * disagreement across subjects). */
static enum og_rollup
rollup_join(enum og_rollup a, enum og_rollup b)
{
	if (a == OG_ROLLUP_ALL || b == OG_ROLLUP_ALL)
		return OG_ROLLUP_ALL;
	return a ? a : b;
}

/* Does @rule fit a value of @type?  Unknown fits every rule. */
static bool
rollup_fits(enum og_rollup rule, enum og_value_type type)
{
	switch (rule) {
	case OG_ROLLUP_NONE:
		return true;
	case OG_ROLLUP_ALL:
	case OG_ROLLUP_ANY:
		return type == OG_VALUE_BOOL || type == OG_VALUE_UNKNOWN;
	case OG_ROLLUP_MIN:
	case OG_ROLLUP_MAX:
	case OG_ROLLUP_SUM:
		return type == OG_VALUE_NUMBER || type == OG_VALUE_UNKNOWN;
	}
	return false;
}

/*
 * Two known bools under @rule: does @f replace @cur?  The deciding value
 * (false for ALL, true for ANY) wins with its evidence; equal values keep
 * the first (source, evidence) in name order, so shards merged in any
 * order, or a report merged with itself, give the same fact.
 */
static bool
rollup_replace(const struct og_model_fact *cur, const struct og_model_fact *f,
	       enum og_rollup rule)
{
	int c;

	if (cur->type == OG_VALUE_NUMBER && cur->num != f->num &&
	    (rule == OG_ROLLUP_MIN || rule == OG_ROLLUP_MAX))
		return (f->num < cur->num) == (rule == OG_ROLLUP_MIN);
	if (cur->type == OG_VALUE_BOOL && cur->b != f->b)
		return rule == OG_ROLLUP_ALL ? !f->b : f->b;
	if ((c = cmp_str0(f->source, cur->source)))
		return c < 0;
	return cmp_str0(f->evidence, cur->evidence) < 0;
}

/*
 * A rollup over parts one of which could not be observed is three-valued:
 * the deciding value (false for ALL, true for ANY) beats unknown, and
 * unknown beats the other value — "every repository has it" is not known
 * when one repository could not be looked at.
 */
static bool
rollup_replace_unknown(const struct og_model_fact *cur,
		       const struct og_model_fact *f, enum og_rollup rule)
{
	const struct og_model_fact *known = cur->type == OG_VALUE_UNKNOWN ? f : cur;
	bool decides = known->type == OG_VALUE_BOOL &&
		       known->b == (rule == OG_ROLLUP_ANY);

	/* MIN/MAX/SUM of parts one of which is unknown is unknown. */

	return cur->type == OG_VALUE_UNKNOWN ? decides : !decides;
}

/* The index key of (key, subject): the key alone for a run-wide fact. */
static char *
fact_ident(const char *key, const char *subject)
{
	return subject ? og_asprintf("%s\x1f%s", key, subject)
		       : og_strdup0(key);
}

int
og_model_add_fact(struct og_model *m, const struct og_model_fact *f)
{
	struct og_model_fact *cur;
	enum og_rollup rule;
	bool replace;
	size_t idx;
	char *ident;

	if (!f->key || !*f->key || strchr(f->key, '\x1f'))
		return -EINVAL;
	if (f->n_parts)
		return 0;	/* derived: recomputed from the parts */
	if (f->type == OG_VALUE_NUMBER && !isfinite(f->num))
		return -EINVAL;
	if (f->rollup && !og_rollup_name(f->rollup))
		return -EINVAL;
	if (!rollup_fits(f->rollup, f->type) ||
	    (f->rollup == OG_ROLLUP_SUM && !f->subject))
		return -EINVAL;
	if (f->subject && (!*f->subject || strchr(f->subject, '\x1f')))
		return -EINVAL;
	ident = fact_ident(f->key, f->subject);
	if (!og_strmap_get(&m->fact_idx, ident, &idx)) {
		if (m->n_facts >= OG_FACTS_MAX) {
			free(ident);
			return -E2BIG;
		}
		cur = og_xcalloc(1, sizeof(*cur));
		cur->key = og_strdup0(f->key);
		cur->ident = ident;
		ident = NULL;
		cur->subject = og_strdup0(f->subject);
		cur->subject_kind = og_strdup0(f->subject_kind);
		cur->source = og_strdup0(f->source);
		fact_copy_value(cur, f);
		cur->rollup = f->type == OG_VALUE_UNKNOWN && !f->subject ?
			      OG_ROLLUP_NONE : f->rollup;
		push_ptr((void ***)&m->facts, &m->n_facts, cur);
		og_strmap_put(&m->fact_idx, cur->ident, m->n_facts - 1);
		og_strmap_put(&m->key_idx, cur->key, 0);
	} else {
		cur = m->facts[idx];
		rule = rollup_join(cur->rollup, f->rollup);
		/* Merge rule (docs/report-json.md): known beats unknown;
		 * values with a rollup rule combine by it, other bools: true
		 * wins; else the first source in name order. */
		if (rule && (cur->type == OG_VALUE_UNKNOWN) !=
				    (f->type == OG_VALUE_UNKNOWN))
			replace = rollup_replace_unknown(cur, f, rule);
		else if (cur->type == OG_VALUE_UNKNOWN)
			replace = f->type != OG_VALUE_UNKNOWN ||
				  (f->source && cur->source &&
				   strcmp(f->source, cur->source) < 0);
		else if (f->type == OG_VALUE_UNKNOWN)
			replace = false;
		else if (rule && rule != OG_ROLLUP_SUM &&
			 cur->type == f->type && rollup_fits(rule, f->type))
			replace = rollup_replace(cur, f, rule);
		else if (cur->type == OG_VALUE_BOOL && f->type == OG_VALUE_BOOL &&
			 cur->b != f->b)
			replace = f->b;
		else
			replace = f->source && cur->source &&
				  strcmp(f->source, cur->source) < 0;
		if (replace) {
			fact_copy_value(cur, f);
			free(cur->source);
			cur->source = og_strdup0(f->source);
		}
		if (!cur->subject_kind && f->subject_kind)
			cur->subject_kind = og_strdup0(f->subject_kind);
		/* A run-wide unknown result keeps no rule, so it reads the
		 * same whichever parts made it (merge order never shows); a
		 * subject's keeps it: it still takes part in the roll-up. */
		cur->rollup = cur->type == OG_VALUE_UNKNOWN && !cur->subject ?
			      OG_ROLLUP_NONE : rule;
	}
	free(ident);
	strset_add(&cur->sources, &cur->n_sources, f->source);
	for (size_t i = 0; i < f->n_sources; i++)
		strset_add(&cur->sources, &cur->n_sources, f->sources[i]);
	m->facts_dirty = true;
	if (cur->subject && cur->rollup)
		m->derived_dirty = true;
	return 0;
}

static int
cmp_part(const void *a, const void *b)
{
	const struct og_model_fact *x = *(const struct og_model_fact *const *)a;
	const struct og_model_fact *y = *(const struct og_model_fact *const *)b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->subject, y->subject);
}

/*
 * Rebuild the derived run-wide facts: group the subjects' facts that
 * carry a rule by key and combine each group, unless a collector
 * reported the run-wide fact itself.  Lazy (after adds), so a merge of
 * many shards combines once, and a sum never counts a part twice.
 */
static void
derive(struct og_model *m)
{
	const struct og_model_fact **parts;
	size_t n = 0, idx;

	if (!m->derived_dirty)
		return;
	derived_clear(m);
	parts = og_xcalloc(m->n_facts + 1, sizeof(*parts));
	for (size_t i = 0; i < m->n_facts; i++)
		if (m->facts[i]->subject && m->facts[i]->rollup)
			parts[n++] = m->facts[i];
	qsort(parts, n, sizeof(*parts), cmp_part);
	for (size_t i = 0, j; i < n; i = j) {
		struct og_model_fact *d;

		for (j = i + 1; j < n && !strcmp(parts[j]->key, parts[i]->key); j++)
			;
		if (og_strmap_get(&m->fact_idx, parts[i]->key, &idx))
			continue;	/* reported run-wide: that wins */
		d = og_xcalloc(1, sizeof(*d));
		d->key = og_strdup0(parts[i]->key);
		og_rollup_derive(parts + i, j - i, d);
		push_ptr((void ***)&m->derived, &m->n_derived, d);
		og_strmap_put(&m->derived_idx, d->key, m->n_derived - 1);
	}
	free(parts);
	m->derived_dirty = false;
	m->facts_dirty = true;
}

const struct og_model_fact *
og_model_fact(const struct og_model *m, const char *key)
{
	size_t idx;

	/* The derived facts are a cache of the parts: filling it does not
	 * change what the model holds. */
	derive((struct og_model *)m);
	if (og_strmap_get(&m->fact_idx, key, &idx))
		return m->facts[idx];
	if (og_strmap_get(&m->derived_idx, key, &idx))
		return m->derived[idx];
	return NULL;
}

bool
og_model_has_fact_key(const struct og_model *m, const char *key)
{
	size_t idx;

	return og_strmap_get(&m->key_idx, key, &idx);
}

const struct og_model_fact *
og_model_subject_fact(const struct og_model *m, const char *subject,
		      const char *key)
{
	char *ident = fact_ident(key, subject);
	size_t idx;
	bool found = og_strmap_get(&m->fact_idx, ident, &idx);

	free(ident);
	return found ? m->facts[idx] : NULL;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **
og_model_subjects(const struct og_model *m, const char *kind, size_t *ret_n)
{
	const char **v = og_xcalloc(m->n_facts + 1, sizeof(*v));
	size_t n = 0, k = 0;

	for (size_t i = 0; i < m->n_facts; i++) {
		const struct og_model_fact *f = m->facts[i];

		if (f->subject && (!kind || !cmp_str0(f->subject_kind, kind)))
			v[n++] = f->subject;
	}
	qsort(v, n, sizeof(*v), cmp_cstr);
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	*ret_n = k;
	return v;
}

const struct og_model_finding *
og_model_finding_by_fingerprint(const struct og_model *m, const char *fp)
{
	size_t idx;

	if (!og_strmap_get(&m->finding_idx, fp, &idx))
		return NULL;
	return m->findings[idx];
}

/* The one fingerprint format (fingerprint.h) over what makes a finding
 * the same finding, into @out (OG_FINGERPRINT_LEN + 1 bytes). */
static void
fingerprint_buf(const struct og_finding *f, char out[OG_FINGERPRINT_LEN + 1])
{
	const char *parts[4] = { og_finding_kind_name(f->kind), f->id };
	char line[16];

	if (f->kind == OG_FINDING_VULNERABILITY ||
	    f->kind == OG_FINDING_LICENSE) {
		/* The same CVE in the same package version is one finding
		 * however many images or targets carry it. */
		parts[2] = f->package;
		parts[3] = f->installed_version;
	} else {
		snprintf(line, sizeof(line), "%u",
			 (unsigned)(f->n_locations ? f->locations[0].line : 0));
		parts[2] = f->n_locations ? f->locations[0].file : NULL;
		parts[3] = line;
	}
	og_fingerprint_hex(parts, 4, out);
}

char *
og_finding_fingerprint(const struct og_finding *f)
{
	char buf[OG_FINGERPRINT_LEN + 1];

	fingerprint_buf(f, buf);
	return og_strdup0(buf);
}

static bool
location_eq(const struct og_model_location *a, const char *target,
	    const char *file, uint32_t line, uint32_t column, const char *layer)
{
	return a->line == line && a->column == column &&
	       !strcmp(a->target ? a->target : "", target ? target : "") &&
	       !strcmp(a->file ? a->file : "", file ? file : "") &&
	       !strcmp(a->layer ? a->layer : "", layer ? layer : "");
}

static void
add_location(struct og_arena *a, struct og_model_finding *mf,
	     const char *target, const char *file, uint32_t line,
	     uint32_t column, const char *layer)
{
	struct og_model_location *l;

	if (!target && !file && !layer)
		return;
	for (size_t i = 0; i < mf->n_locations; i++)
		if (location_eq(&mf->locations[i], target, file, line, column,
				layer))
			return;
	if (mf->n_locations >= OG_LOCATIONS_PER_FINDING_MAX)
		return;
	mf->locations = og_arena_grow(a, mf->locations, mf->n_locations,
				      sizeof(*mf->locations));
	l = &mf->locations[mf->n_locations++];
	l->target = og_arena_intern(a, target);
	l->file = og_arena_intern(a, file);
	l->line = line;
	l->column = column;
	l->layer = og_arena_intern(a, layer);
}

/* The findings changed: their order must be made again. */
static void
findings_changed(struct og_model *m)
{
	m->findings_dirty = true;
	m->counts_ok = false;
	free(m->keys);
	free(m->run_ends);
	m->keys = NULL;
	m->run_ends = NULL;
	m->n_runs = 0;
}

/* Find or create the finding with @fp; *ret_new says which.  A new one
 * is @adopt when given (it lives in memory @m will own). */
static struct og_model_finding *
finding_slot(struct og_model *m, const char *fp, bool *ret_new,
	     struct og_model_finding *adopt)
{
	struct og_model_finding *mf;
	struct og_htab_slot *slot;

	slot = og_strmap_slot(&m->finding_idx, fp, ret_new);
	if (!*ret_new)
		return m->findings[slot->val];
	if (m->n_findings >= OG_FINDINGS_MAX) {
		/* Give the slot back: the map must not keep @fp. */
		og_strmap_clear(&m->finding_idx);
		for (size_t i = 0; i < m->n_findings; i++)
			og_strmap_put(&m->finding_idx, m->findings[i]->fingerprint, i);
		return NULL;
	}
	if (adopt) {
		mf = adopt;
	} else {
		mf = og_arena_alloc(&m->arena, sizeof(*mf));
		mf->fingerprint = og_arena_strdup(&m->arena, fp);
	}
	push_ptr((void ***)&m->findings, &m->n_findings, mf);
	slot->key = mf->fingerprint;
	slot->val = m->n_findings - 1;
	findings_changed(m);
	return mf;
}

static void
set_if_empty(struct og_arena *a, char **dst, const char *src, bool shared)
{
	/* @shared: the value repeats across findings, so intern it. */
	if (!*dst && src && *src)
		*dst = shared ? og_arena_intern(a, src) : og_arena_strdup(a, src);
}

/* Merge the scalar fields of @src into @mf (new or existing). */
static void
merge_fields(struct og_arena *a, struct og_model_finding *mf,
	     const struct og_model_finding *src, bool is_new)
{
	if (is_new) {
		mf->kind = src->kind;
		mf->id = og_arena_strdup(a, src->id);
		mf->severity = src->severity;
		mf->score = src->score;
		mf->suppressed = src->suppressed;
		mf->suppression = src->suppressed
			? og_arena_intern(a, src->suppression) : NULL;
	} else {
		/* Two sources may rate one issue differently: keep the
		 * highest, so merging never hides a critical. */
		if (src->severity > mf->severity)
			mf->severity = src->severity;
		if (src->score > mf->score)
			mf->score = src->score;
		if (mf->suppressed && !src->suppressed) {
			mf->suppressed = false;
			mf->suppression = NULL;
		}
	}
	set_if_empty(a, &mf->title, src->title, false);
	set_if_empty(a, &mf->package, src->package, true);
	set_if_empty(a, &mf->installed_version, src->installed_version, true);
	set_if_empty(a, &mf->fixed_version, src->fixed_version, true);
	set_if_empty(a, &mf->status_detail, src->status_detail, true);
	set_if_empty(a, &mf->url, src->url, false);
	set_if_empty(a, &mf->published, src->published, true);
}

static void merge_finding(struct og_model *m, struct og_model_finding *mf,
			  const struct og_model_finding *f, bool is_new);

int
og_model_add_model_finding(struct og_model *m, const struct og_model_finding *f)
{
	struct og_model_finding *mf;
	bool is_new;

	if (!f->fingerprint || !f->id || !*f->id ||
	    (unsigned)f->kind > OG_FINDING_LICENSE ||
	    (unsigned)f->severity > OG_SEV_CRITICAL)
		return -EINVAL;
	mf = finding_slot(m, f->fingerprint, &is_new, NULL);
	if (!mf)
		return -E2BIG;
	merge_finding(m, mf, f, is_new);
	return 0;
}

/* Merge @f into @mf, new (empty) or not. */
static void
merge_finding(struct og_model *m, struct og_model_finding *mf,
	      const struct og_model_finding *f, bool is_new)
{
	merge_fields(&m->arena, mf, f, is_new);
	findings_changed(m);
	for (size_t i = 0; i < f->n_tags; i++)
		astrset_add(&m->arena, &mf->tags, &mf->n_tags, f->tags[i]);
	for (size_t i = 0; i < f->n_tools; i++)
		astrset_add(&m->arena, &mf->tools, &mf->n_tools, f->tools[i]);
	for (size_t i = 0; i < f->n_sources; i++)
		astrset_add(&m->arena, &mf->sources, &mf->n_sources, f->sources[i]);
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct og_model_location *l = &f->locations[i];

		add_location(&m->arena, mf, l->target, l->file, l->line, l->column,
			     l->layer);
	}
}

#define INLINE_LOCATIONS 8

/* A plugin's finding, viewed as a model finding (borrowed pointers). */
int
og_model_add_finding(struct og_model *m, const struct og_finding *f,
		     const char *source)
{
	struct og_model_location inline_locs[INLINE_LOCATIONS], *locs = inline_locs;
	struct og_model_finding v;
	size_t n_tags = 0;
	char fp[OG_FINGERPRINT_LEN + 1];
	int r;

	if (!f->fingerprint || !*f->fingerprint)
		fingerprint_buf(f, fp);
	while (f->tags && f->tags[n_tags])
		n_tags++;
	if (f->n_locations > INLINE_LOCATIONS)
		locs = og_xcalloc(f->n_locations, sizeof(*locs));
	for (size_t i = 0; i < f->n_locations; i++)
		locs[i] = (struct og_model_location){
			.target = (char *)f->locations[i].target,
			.file = (char *)f->locations[i].file,
			.line = f->locations[i].line,
			.column = f->locations[i].column,
			.layer = (char *)f->locations[i].layer,
		};
	v = (struct og_model_finding){
		.fingerprint = (char *)(f->fingerprint && *f->fingerprint
						? f->fingerprint : fp),
		.kind = f->kind, .id = (char *)f->id, .title = (char *)f->title,
		.severity = f->severity,
		.score = isfinite(f->score) && f->score >= 0 ? f->score : -1,
		.package = (char *)f->package,
		.installed_version = (char *)f->installed_version,
		.fixed_version = (char *)f->fixed_version,
		.status_detail = (char *)f->status_detail, .url = (char *)f->url,
		.published = (char *)f->published, .suppressed = f->suppressed,
		.suppression = (char *)f->suppression,
		.tags = (char **)f->tags, .n_tags = n_tags,
		.tools = (char **)&f->tool, .n_tools = f->tool ? 1 : 0,
		.sources = (char **)&source, .n_sources = source ? 1 : 0,
		.locations = locs, .n_locations = f->n_locations,
	};
	r = og_model_add_model_finding(m, &v);
	if (locs != inline_locs)
		free(locs);
	return r;
}

int
og_model_add_event(struct og_model *m, const struct og_model_event *e)
{
	struct og_model_event *ne;

	if (!e->type || !*e->type)
		return -EINVAL;
	if (m->n_events >= OG_EVENTS_MAX)
		return -E2BIG;
	ne = og_xcalloc(1, sizeof(*ne));
	ne->type = og_strdup0(e->type);
	ne->time = e->time;
	ne->id = og_strdup0(e->id);
	ne->source = og_strdup0(e->source);
	ne->subject = og_strdup0(e->subject);
	ne->n_attrs = e->n_attrs;
	ne->attrs = og_xcalloc(e->n_attrs, sizeof(*ne->attrs));
	for (size_t i = 0; i < e->n_attrs; i++) {
		ne->attrs[i].key = og_strdup0(e->attrs[i].key);
		ne->attrs[i].value = og_strdup0(e->attrs[i].value);
	}
	push_ptr((void ***)&m->events, &m->n_events, ne);
	m->events_dirty = true;
	return 0;
}

/* Events are the same when every field is: type, time, source, id and
 * the attributes in order (the repo attr keeps apart equal ids of two
 * repositories). */
static bool
event_eq(const struct og_model_event *a, const struct og_model_event *b)
{
	if (a->time != b->time || a->n_attrs != b->n_attrs ||
	    strcmp(a->type, b->type) || cmp_str0(a->id, b->id) ||
	    cmp_str0(a->source, b->source) || cmp_str0(a->subject, b->subject))
		return false;
	for (size_t i = 0; i < a->n_attrs; i++)
		if (cmp_str0(a->attrs[i].key, b->attrs[i].key) ||
		    cmp_str0(a->attrs[i].value, b->attrs[i].value))
			return false;
	return true;
}

static uint64_t
hash_str0(uint64_t h, const char *s)
{
	/* the terminating NUL too: "ab"+"c" and "a"+"bc" differ */
	return s ? og_hash64(s, strlen(s) + 1, h) : og_hash64("", 0, h ^ 1);
}

static uint64_t
event_hash(const struct og_model_event *e)
{
	uint64_t t = (uint64_t)e->time, h = 0x6576656e7473ULL;
	unsigned char tb[8];

	for (int i = 0; i < 8; i++, t >>= 8)
		tb[i] = (unsigned char)t;	/* same bytes on every machine */
	h = og_hash64(tb, sizeof(tb), h);
	h = hash_str0(h, e->type);
	h = hash_str0(h, e->source);
	h = hash_str0(h, e->id);
	if (e->subject)
		h = hash_str0(h, e->subject);
	for (size_t i = 0; i < e->n_attrs; i++) {
		h = hash_str0(h, e->attrs[i].key);
		h = hash_str0(h, e->attrs[i].value);
	}
	return h;
}

static bool
event_key_eq(const void *a, const void *b)
{
	return event_eq(a, b);
}

/* Events of @src that @dst does not hold yet into @dst. */
static int
merge_events(struct og_model *dst, const struct og_model *src)
{
	struct og_htab seen;
	int r = 0;

	/* Shards of one org run never overlap, but merging a report with
	 * itself must not double its events: skip events @dst already
	 * holds.  Only @dst's own are indexed, so a report's repeated
	 * events stay as they were. */
	og_htab_init(&seen);
	if (!og_htab_reserve(&seen, dst->n_events))
		og_oom();
	/* every slot with an equal hash is compared in full, so two
	 * distinct events are never taken for one */
	for (size_t i = 0; i < dst->n_events; i++) {
		bool is_new;

		og_htab_claim(&seen, event_hash(dst->events[i]), event_key_eq,
			      dst->events[i], &is_new);
	}
	for (size_t i = 0; i < src->n_events && r == 0; i++) {
		const struct og_model_event *e = src->events[i];

		if (og_htab_get(&seen, event_hash(e), event_key_eq, e))
			continue;
		r = og_model_add_event(dst, e);
	}
	og_htab_clear(&seen);
	return r;
}

int
og_model_merge(struct og_model *dst, const struct og_model *src)
{
	int r = 0;

	for (size_t i = 0; i < src->n_facts && r == 0; i++)
		r = og_model_add_fact(dst, src->facts[i]);
	for (size_t i = 0; i < src->n_findings && r == 0; i++)
		r = og_model_add_model_finding(dst, src->findings[i]);
	return r < 0 ? r : merge_events(dst, src);
}

/* @src's sort runs after @dst's (their findings moved over unchanged). */
static void
take_runs(struct og_model *dst, struct og_model *src, size_t n_dst)
{
	size_t n = n_dst + src->n_findings;

	dst->keys = og_xrealloc_array(dst->keys, n + 1, sizeof(*dst->keys));
	if (src->n_findings)
		memcpy(dst->keys + n_dst, src->keys,
		       src->n_findings * sizeof(*dst->keys));
	dst->run_ends = og_xrealloc_array(dst->run_ends, dst->n_runs + src->n_runs + 1,
					  sizeof(*dst->run_ends));
	for (size_t i = 0; i < src->n_runs; i++)
		dst->run_ends[dst->n_runs++] = n_dst + src->run_ends[i];
}

int
og_model_merge_move(struct og_model *dst, struct og_model *src)
{
	/* the runs and counts stay good if every finding of @src is new
	 * to @dst */
	struct finding_key *keys = dst->keys;
	size_t *run_ends = dst->run_ends, n_runs = dst->n_runs;
	size_t n_dst = dst->n_findings;
	bool runs = (keys || !n_dst) && (src->keys || !src->n_findings);
	bool counts = (dst->counts_ok || !n_dst) && src->counts_ok;
	size_t open_counts[OG_SEV_SLOTS];
	int r = 0;

	for (int k = 0; k < OG_SEV_SLOTS; k++)
		open_counts[k] = n_dst ? dst->open_counts[k] : 0;

	dst->keys = NULL;
	dst->run_ends = NULL;
	for (size_t i = 0; i < src->n_facts && r == 0; i++)
		r = og_model_add_fact(dst, src->facts[i]);
	/* a finding @dst does not have moves over as it is, pointer and
	 * all (its memory with it, below); one it has merges into it */
	for (size_t i = 0; i < src->n_findings && r == 0; i++) {
		struct og_model_finding *f = src->findings[i], *mf;
		bool is_new;

		mf = finding_slot(dst, f->fingerprint, &is_new, f);
		if (!mf) {
			r = -E2BIG;
		} else if (!is_new) {
			merge_finding(dst, mf, f, false);
			runs = counts = false;
		}
	}
	if (counts && r == 0) {
		for (int k = 0; k < OG_SEV_SLOTS; k++)
			dst->open_counts[k] = open_counts[k] + src->open_counts[k];
		dst->counts_ok = true;
	}
	if (runs && r == 0) {
		dst->keys = keys;
		dst->run_ends = run_ends;
		dst->n_runs = n_runs;
		take_runs(dst, src, n_dst);
	} else {
		free(keys);
		free(run_ends);
	}
	if (r == 0)
		r = merge_events(dst, src);
	og_arena_adopt(&dst->arena, &src->arena);
	og_model_free(src);
	return r;
}

static int
cmp_fact(const void *a, const void *b)
{
	const struct og_model_fact *x = *(const struct og_model_fact *const *)a;
	const struct og_model_fact *y = *(const struct og_model_fact *const *)b;
	int c = strcmp(x->key, y->key);

	/* the run-wide fact first, then its subjects in name order */
	if (c || x->subject == y->subject)
		return c;
	if (!x->subject || !y->subject)
		return x->subject ? 1 : -1;
	return strcmp(x->subject, y->subject);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct og_model_finding *x = *(const struct og_model_finding *const *)a;
	const struct og_model_finding *y = *(const struct og_model_finding *const *)b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->fingerprint, y->fingerprint);
}

static int
cmp_event(const void *a, const void *b)
{
	const struct og_model_event *x = *(const struct og_model_event *const *)a;
	const struct og_model_event *y = *(const struct og_model_event *const *)b;
	int c;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if ((c = strcmp(x->type, y->type)))
		return c;
	if ((c = cmp_str0(x->source, y->source)))
		return c;
	if ((c = cmp_str0(x->id, y->id)))
		return c;
	if ((c = cmp_str0(x->subject, y->subject)))
		return c;
	/* ids repeat across repositories: the attrs decide, so equal
	 * inputs give one order whatever qsort does with ties */
	for (size_t i = 0; i < x->n_attrs && i < y->n_attrs; i++)
		if ((c = cmp_str0(x->attrs[i].key, y->attrs[i].key)) ||
		    (c = cmp_str0(x->attrs[i].value, y->attrs[i].value)))
			return c;
	return x->n_attrs < y->n_attrs ? -1 : x->n_attrs > y->n_attrs;
}

/* Refresh a sorted copy of @items if @dirty. */
static const void **
sorted_view(const void ***view, bool *dirty, void *const *items, size_t n,
	    int (*cmp)(const void *, const void *))
{
	if (*dirty || !*view) {
		*view = og_xrealloc_array((void *)*view, n, sizeof(void *));
		if (n)
			memcpy(*view, items, n * sizeof(void *));
		qsort(*view, n, sizeof(void *), cmp);
		*dirty = false;
	}
	return *view;
}

const struct og_model_fact *const *
og_model_facts(struct og_model *m, size_t *ret_n)
{
	size_t n;

	derive(m);
	n = m->n_facts + m->n_derived;
	if (m->facts_dirty || !m->sorted_facts) {
		m->sorted_facts = og_xrealloc_array(m->sorted_facts, n + 1,
						    sizeof(*m->sorted_facts));
		for (size_t i = 0; i < m->n_facts; i++)
			m->sorted_facts[i] = m->facts[i];
		for (size_t i = 0; i < m->n_derived; i++)
			m->sorted_facts[m->n_facts + i] = m->derived[i];
		qsort(m->sorted_facts, n, sizeof(*m->sorted_facts), cmp_fact);
		m->facts_dirty = false;
	}
	*ret_n = n;
	return (const struct og_model_fact *const *)m->sorted_facts;
}

static uint64_t
pack_key(const struct og_model_finding *f)
{
	uint64_t k = (uint64_t)(OG_SEV_CRITICAL - f->severity) << 60;
	const char *p = f->fingerprint;

	for (int i = 0; i < 15 && p[i]; i++) {
		int c = p[i];
		int v = c >= '0' && c <= '9' ? c - '0'
		      : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0;

		/* non-hex fingerprints still sort right: the tie-break below */
		k |= (uint64_t)v << (56 - 4 * i);
	}
	return k;
}

static int
cmp_finding_key(const void *a, const void *b)
{
	const struct finding_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return cmp_finding(&x->f, &y->f);
}

void
og_model_open_by_severity(struct og_model *m, size_t ret_counts[OG_SEV_SLOTS])
{
	if (!m->counts_ok) {
		memset(m->open_counts, 0, sizeof(m->open_counts));
		for (size_t i = 0; i < m->n_findings; i++)
			if (!m->findings[i]->suppressed &&
			    (unsigned)m->findings[i]->severity < OG_SEV_SLOTS)
				m->open_counts[m->findings[i]->severity]++;
		m->counts_ok = true;
	}
	memcpy(ret_counts, m->open_counts, sizeof(m->open_counts));
}

/* Runs @a (@na keys) and @b (@nb) merged into @out. */
static void
merge2(const struct finding_key *a, size_t na, const struct finding_key *b,
       size_t nb, struct finding_key *out)
{
	size_t i = 0, j = 0, o = 0;

	while (i < na && j < nb)
		out[o++] = cmp_finding_key(&b[j], &a[i]) < 0 ? b[j++] : a[i++];
	memcpy(out + o, a + i, (na - i) * sizeof(*out));
	o += na - i;
	memcpy(out + o, b + j, (nb - j) * sizeof(*out));
}

/* The runs merged pairwise until one is left: n log(runs), the keys
 * read in sequence, no finding touched but on a tie of 60 bits. */
static void
merge_runs(struct og_model *m)
{
	size_t n = m->n_findings;
	struct finding_key *tmp = og_xrealloc_array(NULL, n + 1, sizeof(*tmp)), *t;

	while (m->n_runs > 1) {
		size_t k = 0;

		for (size_t i = 0; i < m->n_runs; i += 2) {
			size_t a0 = i ? m->run_ends[i - 1] : 0, a1 = m->run_ends[i];
			size_t b1 = i + 1 < m->n_runs ? m->run_ends[i + 1] : a1;

			merge2(m->keys + a0, a1 - a0, m->keys + a1, b1 - a1, tmp + a0);
			m->run_ends[k++] = b1;
		}
		m->n_runs = k;
		t = m->keys;
		m->keys = tmp;
		tmp = t;
	}
	free(tmp);
}

const struct og_model_finding *const *
og_model_findings(struct og_model *m, size_t *ret_n)
{
	size_t n = m->n_findings;

	*ret_n = n;
	if (!m->findings_dirty && m->sorted_findings)
		return (const struct og_model_finding *const *)m->sorted_findings;
	if (m->keys) {
		merge_runs(m);
	} else {
		m->keys = og_xrealloc_array(NULL, n + 1, sizeof(*m->keys));
		for (size_t i = 0; i < n; i++)
			m->keys[i] = (struct finding_key){ pack_key(m->findings[i]),
							   m->findings[i] };
		if (n > 1)
			qsort(m->keys, n, sizeof(*m->keys), cmp_finding_key);
		m->run_ends = og_xrealloc_array(NULL, 1, sizeof(*m->run_ends));
		m->run_ends[0] = n;
		m->n_runs = 1;
	}
	m->sorted_findings = og_xrealloc_array(m->sorted_findings, n + 1,
					       sizeof(*m->sorted_findings));
	for (size_t i = 0; i < n; i++)
		m->sorted_findings[i] = m->keys[i].f;
	m->findings_dirty = false;
	return (const struct og_model_finding *const *)m->sorted_findings;
}

const struct og_model_event *const *
og_model_events(struct og_model *m, size_t *ret_n)
{
	*ret_n = m->n_events;
	return (const struct og_model_event *const *)sorted_view(
		(const void ***)&m->sorted_events, &m->events_dirty,
		(void *const *)m->events, m->n_events, cmp_event);
}
