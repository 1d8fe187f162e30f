/*
 * The SARIF reader of the codeql collector: SARIF 2.1.0 (CodeQL first, any producer: Semgrep,
 * gitleaks, Trivy, …) into code-alert findings and sast.* facts.
 *
 * Like the trivy plugin, each file gets a dry pass (grammar and shape,
 * nothing emitted) and a real pass.  Per run, the `tool` object (rules) is
 * parsed once into a run arena; each result is parsed on its own into an
 * item arena, so memory is bounded by the rules plus one result.
 *
 * Semantics (../shared/reference/formats.md §2): rules by rule.index /
 * ruleIndex (in the driver or the extension named by toolComponent.index),
 * else by id (and its hierarchical prefix); level per SARIF §3.27.10;
 * severity from security-severity (numeric as GitHub maps it, or a word),
 * else the level; only kind "fail" is an alert; accepted suppressions
 * and baselineState "absent" are kept as suppressed.  Identity (how the
 * core merges): docs/report-json.md "How findings merge".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codeql.h"

#define SARIF_LOCATIONS_MAX	10	/* GitHub's limit too */
#define SARIF_ARTIFACTS_MAX	1000000

struct rule_ref {
	const char *id;
	const cJSON *rule;
};

/* The members of one rules array by position: a result's ruleIndex is
 * then found at once, not by walking hundreds of rules per result. */
#define SARIF_RULE_LISTS	8

struct rule_list {
	const cJSON *rules;
	const cJSON **v;
	size_t n;
};

/* What a result takes from its rule, the same for all the rule's
 * results: found once per rule and run (a run has hundreds of rules and
 * up to millions of results, and these lookups among a rule's members
 * were a tenth of the plugin). */
struct rule_view {
	const cJSON *props;		/* rule.properties */
	const char *level;		/* defaultConfiguration.level, or NULL */
	const char *title;		/* shortDescription, name, or the first
					 * line of fullDescription; or NULL */
	const char *help;		/* helpUri */
	struct scan_tags tags;		/* its CWE tags */
	char line[256];			/* fullDescription's first line */
};

struct cfile {
	struct cq_state *st;
	struct ogjs *r;
	const char *path;
	bool dry;
	struct scan_overlap *ov;	/* the dry pass beside this real one */
	char *version;
	size_t item_errors;
	/* current run */
	bool have_tool;
	const cJSON *driver;
	const cJSON *extensions;
	struct rule_ref *by_id;		/* sorted by id */
	size_t n_by_id;
	struct rule_list lists[SARIF_RULE_LISTS];
	size_t n_lists;
	const char *tool_name;
	bool is_codeql;
	char **artifacts;		/* run.artifacts[i].location.uri */
	size_t n_artifacts;
	struct sarif_occ occ;		/* fingerprint occurrences in the run */
	char *repository;		/* versionControlProvenance repositoryUri */
	struct og_htab view_ix;		/* rule -> index into views */
	struct rule_view **views;	/* what results take from their rule */
	size_t n_views, cap_views;
};


static void
item_error(struct cfile *cf, const char *msg)
{
	scan_item_error(&cf->st->hold, cf->r, cf->path, &cf->item_errors,
			msg);
}

/* ---- run context ------------------------------------------------------- */

static void
run_clear(struct cfile *cf)
{
	size_t i;

	for (i = 0; i < cf->n_artifacts; i++)
		free(cf->artifacts[i]);
	free(cf->artifacts);
	free(cf->by_id);
	for (i = 0; i < cf->n_lists; i++)
		free(cf->lists[i].v);
	cf->n_lists = 0;
	cf->artifacts = NULL;
	cf->n_artifacts = 0;
	cf->by_id = NULL;
	cf->n_by_id = 0;
	cf->have_tool = false;
	cf->driver = cf->extensions = NULL;
	cf->tool_name = NULL;
	cf->is_codeql = false;
	free(cf->repository);
	cf->repository = NULL;
	sarif_occ_clear(&cf->occ);
	for (i = 0; i < cf->n_views; i++)
		free(cf->views[i]);
	free(cf->views);
	cf->views = NULL;
	cf->n_views = cf->cap_views = 0;
	og_htab_clear(&cf->view_ix);
	ogjs_arena_reset(cf->st->run_arena);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void
index_rules(struct cfile *cf, const cJSON *component, size_t *cap)
{
	const cJSON *rules, *rule, *id;

	rules = scan_get(component, "rules");
	cJSON_ArrayForEach(rule, (cJSON_IsArray(rules) ? rules : NULL)) {
		id = scan_get(rule, "id");
		if (!cJSON_IsString(id))
			continue;
		if (cf->n_by_id == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			struct rule_ref *p = realloc(cf->by_id,
						     nc * sizeof(*p));

			if (!p)
				return;
			cf->by_id = p;
			*cap = nc;
		}
		cf->by_id[cf->n_by_id].id = id->valuestring;
		cf->by_id[cf->n_by_id].rule = rule;
		cf->n_by_id++;
	}
}


static int
read_tool(struct cfile *cf)
{
	struct scan_item it = { { 0 } };
	const cJSON *ext;
	size_t cap = 0;
	cJSON *tool;
	int ret;

	ret = ogjs_expect(cf->r, '{', "a tool object");
	if (ret < 0)
		return ret;
	if (cf->dry) {
		cf->have_tool = true;
		return ogjs_skip(cf->r);
	}
	ret = ogjs_value(cf->r, cf->st->run_arena, &tool);
	if (ret < 0)
		return ret;
	cf->driver = scan_obj(&it, tool, "driver");
	cf->extensions = scan_arr(&it, tool, "extensions");
	cf->tool_name = scan_str(&it, cf->driver, "name");
	if (it.err[0])
		return ogjs_fail(cf->r, "tool.%s", it.err);
	if (!cf->driver)
		return ogjs_fail(cf->r, "tool.driver missing");
	if (!cf->tool_name || !*cf->tool_name)
		cf->tool_name = "SARIF";
	cf->is_codeql = strcasestr(cf->tool_name, "codeql") != NULL;
	index_rules(cf, cf->driver, &cap);
	cJSON_ArrayForEach(ext, cf->extensions)
		index_rules(cf, ext, &cap);
	if (cf->n_by_id)
		qsort(cf->by_id, cf->n_by_id, sizeof(*cf->by_id), cmp_rule);
	cf->have_tool = true;
	return 0;
}

static int
read_artifacts(struct cfile *cf)
{
	struct scan_item it = { { 0 } };
	size_t cap = 0;
	cJSON *a;
	int ret;

	ret = ogjs_expect(cf->r, '[', "an array of artifacts");
	if (ret < 0)
		return ret;
	if (cf->dry)
		return ogjs_skip(cf->r);
	if ((ret = ogjs_enter_array(cf->r)) < 0)
		return ret;
	while ((ret = ogjs_next_elem(cf->r)) == 1) {
		const char *uri;

		ret = ogjs_value(cf->r, cf->st->item_arena, &a);
		if (ret < 0)
			return ret;
		uri = scan_str(&it, scan_obj(&it, a, "location"), "uri");
		if (cf->n_artifacts == cap && cap < SARIF_ARTIFACTS_MAX) {
			size_t nc = cap ? cap * 2 : 64;
			char **p = realloc(cf->artifacts, nc * sizeof(*p));

			if (p) {
				cf->artifacts = p;
				cap = nc;
			}
		}
		/* Keep indexes aligned: a missing uri is a NULL slot. */
		if (cf->n_artifacts < cap)
			cf->artifacts[cf->n_artifacts++] = uri ? strdup(uri) :
							   NULL;
		ogjs_arena_reset(cf->st->item_arena);
	}
	return ret;
}

/* ---- one result ----------------------------------------------------------- */

static const cJSON *
component_rules(const struct cfile *cf, const cJSON *result_rule)
{
	const cJSON *tc, *idx, *comp = cf->driver;

	tc = scan_get(result_rule, "toolComponent");
	idx = scan_get(tc, "index");
	if (cJSON_IsNumber(idx))
		comp = cJSON_GetArrayItem(cf->extensions, idx->valueint);
	return scan_get(comp, "rules");
}

/* cJSON_GetArrayItem(@rules, @idx) (which walks any node's children),
 * from a table made the first time @rules is asked. */
static const cJSON *
nth_rule(struct cfile *cf, const cJSON *rules, double idx)
{
	struct rule_list *l = NULL;
	const cJSON *c;
	size_t i, n = 0;

	if (!rules || idx < 0)
		return NULL;
	for (i = 0; i < cf->n_lists && !l; i++)
		if (cf->lists[i].rules == rules)
			l = &cf->lists[i];
	if (!l && cf->n_lists < SARIF_RULE_LISTS) {
		for (c = rules->child; c; c = c->next)
			n++;
		l = &cf->lists[cf->n_lists];
		l->v = malloc((n ? n : 1) * sizeof(*l->v));
		if (l->v) {
			l->rules = rules;
			l->n = 0;
			for (c = rules->child; c; c = c->next)
				l->v[l->n++] = c;
			cf->n_lists++;
		} else {
			l = NULL;
		}
	}
	if (!l)
		return cJSON_GetArrayItem(rules, (int)idx);
	return (size_t)idx < l->n ? l->v[(size_t)idx] : NULL;
}

static const cJSON *
rule_by_id(const struct cfile *cf, const char *id)
{
	struct rule_ref key = { .id = id }, *hit;
	char buf[256];
	char *slash;

	if (!id || !cf->n_by_id)
		return NULL;
	hit = bsearch(&key, cf->by_id, cf->n_by_id, sizeof(key), cmp_rule);
	if (hit)
		return hit->rule;
	/* Hierarchical ids: "CA5350/md5" is reported by rule CA5350. */
	snprintf(buf, sizeof(buf), "%s", id);
	while ((slash = strrchr(buf, '/'))) {
		*slash = '\0';
		key.id = buf;
		hit = bsearch(&key, cf->by_id, cf->n_by_id, sizeof(key),
			      cmp_rule);
		if (hit)
			return hit->rule;
	}
	return NULL;
}

static const cJSON *
resolve_rule(struct cfile *cf, struct scan_item *it, const cJSON *res,
	     const char **id)
{
	const cJSON *rref = scan_obj(it, res, "rule"), *rules, *rule = NULL;
	double idx = -1;

	*id = scan_str(it, res, "ruleId");
	if (!*id)
		*id = scan_str(it, rref, "id");
	if (!scan_num(it, rref, "index", &idx))
		scan_num(it, res, "ruleIndex", &idx);
	if (idx >= 0 && idx < 1e9) {
		rules = component_rules(cf, rref);
		rule = nth_rule(cf, rules, idx);
		/* An index that disagrees with the id is not trusted. */
		if (rule && *id) {
			const cJSON *rid = scan_get(rule, "id");

			if (cJSON_IsString(rid) &&
			    strcmp(rid->valuestring, *id) != 0 &&
			    strncmp(*id, rid->valuestring,
				    strlen(rid->valuestring)) != 0)
				rule = NULL;
		}
	}
	if (!rule)
		rule = rule_by_id(cf, *id);
	if (!*id && rule) {
		const cJSON *rid = scan_get(rule, "id");

		*id = cJSON_IsString(rid) ? rid->valuestring : NULL;
	}
	return rule;
}

/* GitHub: ≥ 9.0 critical, ≥ 7.0 high, ≥ 4.0 medium, > 0 low; 0 or out of
 * range means "no security severity".  Words are matched too. */
static bool
security_severity(const cJSON *props, enum og_severity *sev, double *score)
{
	const cJSON *ss = scan_get(props,
							   "security-severity");
	double d;
	char *end;

	if (cJSON_IsNumber(ss)) {
		d = ss->valuedouble;
	} else if (cJSON_IsString(ss)) {
		d = strtod(ss->valuestring, &end);
		if (end == ss->valuestring || *end)
			return scan_severity_word(ss->valuestring, sev) &&
			       *sev != OG_SEV_UNKNOWN;
	} else {
		return false;
	}
	if (!(d > 0 && d <= 10))
		return false;
	*score = d;
	*sev = d >= 9.0 ? OG_SEV_CRITICAL : d >= 7.0 ? OG_SEV_HIGH :
	       d >= 4.0 ? OG_SEV_MEDIUM : OG_SEV_LOW;
	return true;
}

bool
sarif_level_severity(const char *level, enum og_severity *sev)
{
	if (strcmp(level, "error") == 0)
		*sev = OG_SEV_HIGH;
	else if (strcmp(level, "warning") == 0)
		*sev = OG_SEV_MEDIUM;
	else if (strcmp(level, "note") == 0)
		*sev = OG_SEV_LOW;
	else if (strcmp(level, "none") == 0)
		*sev = OG_SEV_INFO;
	else
		return false;
	return true;
}

static const char *
text_of(const cJSON *obj, const char *key)
{
	const cJSON *t = scan_get(scan_get(obj, key), "text");

	return cJSON_IsString(t) && *t->valuestring ? t->valuestring : NULL;
}

/*
 * message.text, else the rule's messageStrings[message.id] (text, then
 * markdown) with {0}, {1}… replaced by message.arguments and {{ }} as
 * braces (SARIF §3.11.5, §3.11.7).  The Sarif.Multitool and SpotBugs
 * write only id + arguments; without this, distinct results at one place
 * would share an empty message.
 */
static const char *
resolve_message(struct scan_item *it, const cJSON *msg, const cJSON *rule,
		char *buf, size_t size)
{
	const char *text = scan_str(it, msg, "text"), *id, *fmt;
	const cJSON *ms, *args;
	size_t len = 0;

	if (text || !(id = scan_str(it, msg, "id")))
		return text;
	ms = scan_get(scan_get(rule, "messageStrings"), id);
	fmt = NULL;
	for (int i = 0; i < 2 && !fmt; i++) {
		const cJSON *t = scan_get(ms, i ? "markdown" : "text");

		fmt = cJSON_IsString(t) ? t->valuestring : NULL;
	}
	args = scan_arr(it, msg, "arguments");
	if (!fmt) {
		/* unknown id: the id and arguments still tell results apart */
		len = (size_t)snprintf(buf, size, "%s", id);
		for (int i = 0; i < cJSON_GetArraySize(args) && len < size; i++) {
			const cJSON *a = cJSON_GetArrayItem(args, i);

			len += (size_t)snprintf(buf + len, size - len, " %s",
						cJSON_IsString(a) ? a->valuestring
								  : "?");
		}
		return buf;
	}
	for (const char *p = fmt; *p && len + 1 < size; p++) {
		char *end;
		long n;

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			buf[len++] = *p++;
			continue;
		}
		if (*p == '{' && p[1] >= '0' && p[1] <= '9' &&
		    (n = strtol(p + 1, &end, 10)) >= 0 && *end == '}') {
			const cJSON *a = cJSON_GetArrayItem(args, (int)n);
			const char *v = cJSON_IsString(a) ? a->valuestring : "";
			size_t vl = strlen(v);

			if (vl > size - 1 - len)
				vl = size - 1 - len;
			memcpy(buf + len, v, vl);
			len += vl;
			p = end;
			continue;
		}
		buf[len++] = *p;
	}
	buf[len] = '\0';
	return buf;
}

static size_t
read_locations(struct cfile *cf, struct scan_item *it, const cJSON *res,
	       struct og_location *locs)
{
	const cJSON *arr = scan_arr(it, res, "locations"), *l;
	size_t n = 0;

	cJSON_ArrayForEach(l, arr) {
		const cJSON *pl, *al, *reg;
		double idx;

		if (n == SARIF_LOCATIONS_MAX)
			break;
		pl = scan_obj(it, l, "physicalLocation");
		if (!pl)
			continue;
		al = scan_obj(it, pl, "artifactLocation");
		reg = scan_obj(it, pl, "region");
		memset(&locs[n], 0, sizeof(locs[n]));
		locs[n].file = scan_str(it, al, "uri");
		if (!locs[n].file && scan_num(it, al, "index", &idx) &&
		    idx >= 0 && idx < (double)cf->n_artifacts)
			locs[n].file = cf->artifacts[(size_t)idx];
		locs[n].line = scan_u32(it, reg, "startLine");
		locs[n].column = scan_u32(it, reg, "startColumn");
		n++;
	}
	return n;
}

/* Suppressed when any suppression is accepted (status absent counts as
 * accepted); underReview / rejected ones leave the alert open. */
static bool
is_suppressed(struct scan_item *it, const cJSON *res)
{
	const cJSON *arr = scan_arr(it, res, "suppressions"), *s;

	cJSON_ArrayForEach(s, arr) {
		const char *status = scan_str(it, s, "status");

		if (!status || strcmp(status, "accepted") == 0)
			return true;
	}
	return false;
}

static int
cmp_member(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string,
		      (*(const cJSON *const *)b)->string);
}

/*
 * Identity for dedup: the tool's fingerprints (highest key), else
 * partialFingerprints (primaryLocationLineHash, else all of them), else
 * rule + location + message; always hashed with rule id and file.
 */
static void
fingerprint(const cJSON *res, const char *id, const struct og_location *loc,
	    const char *message, char out[65])
{
	const cJSON *fp = scan_get(res, "fingerprints");
	const cJSON *pfp = scan_get(res,
						"partialFingerprints");
	const cJSON *e, *best = NULL, *m[32];
	const char *parts[5];
	char joined[2048], lc[32];
	size_t n = 0, i, len = 0;

	parts[0] = "code-alert";
	parts[1] = id;
	parts[2] = loc ? loc->file : NULL;
	/* Empty values (gitleaks 8 writes partialFingerprints of empty
	 * commit fields for --no-git scans) identify nothing. */
	cJSON_ArrayForEach(e, (cJSON_IsObject(fp) ? fp : NULL))
		if (cJSON_IsString(e) && *e->valuestring && (!best ||
					  strcmp(e->string, best->string) > 0))
			best = e;
	if (best) {
		parts[3] = best->string;
		parts[4] = best->valuestring;
		og_fingerprint_hex(parts, 5, out);
		return;
	}
	e = scan_get(pfp, "primaryLocationLineHash");
	if (cJSON_IsString(e) && *e->valuestring) {
		parts[3] = "primaryLocationLineHash";
		parts[4] = e->valuestring;
		og_fingerprint_hex(parts, 5, out);
		return;
	}
	cJSON_ArrayForEach(e, (cJSON_IsObject(pfp) ? pfp : NULL))
		if (cJSON_IsString(e) && *e->valuestring && n < 32)
			m[n++] = e;
	if (n) {
		qsort(m, n, sizeof(m[0]), cmp_member);
		joined[0] = '\0';
		for (i = 0; i < n && len < sizeof(joined); i++)
			len += (size_t)snprintf(joined + len,
						sizeof(joined) - len,
						"%s:%s|", m[i]->string,
						m[i]->valuestring);
		parts[3] = "partialFingerprints";
		parts[4] = joined;
		og_fingerprint_hex(parts, 5, out);
		return;
	}
	snprintf(lc, sizeof(lc), "%u:%u", loc ? loc->line : 0,
		 loc ? loc->column : 0);
	parts[3] = lc;
	parts[4] = message;
	og_fingerprint_hex(parts, 5, out);
}

static uint64_t
hex64_prefix(const char *hex)
{
	uint64_t v = 0;

	for (int i = 0; i < 16 && hex[i]; i++)
		v = v << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' :
					hex[i] - 'a' + 10);
	return v;
}

/*
 * Within one run, a fingerprint seen again at another location is another
 * finding (see occurrence.h): @fp becomes fingerprint + occurrence number
 * (or + the location past the tracking limit).  Returns true when this
 * (fingerprint, location) was already emitted in this run, so the core
 * merges it and it is not counted twice.
 */
static bool
run_identity(struct cfile *cf, const char *id, const struct og_location *loc,
	     char fp[65])
{
	const char *parts[3];
	char lc[32], where[65], occ[32];
	bool repeat;
	uint32_t k;

	snprintf(lc, sizeof(lc), "%u:%u", loc ? loc->line : 0,
		 loc ? loc->column : 0);
	/* no file and "" are one place, as in the SHA-256 of the parts */
	parts[0] = id;
	parts[1] = loc && loc->file ? loc->file : "";
	parts[2] = lc;
	/* The run's table needs a 64-bit key of the place, not its SHA-256:
	 * that is computed only when it becomes part of the fingerprint. */
	k = sarif_occ_index(&cf->occ, hex64_prefix(fp) | 1,
			    scan_parts_hash(parts, 3) | 1, &repeat);
	if (k == 0)
		return repeat;
	if (k == SARIF_OCC_UNTRACKED) {
		og_fingerprint_hex(parts, 3, where);
		parts[1] = where;
	} else {
		snprintf(occ, sizeof(occ), "occurrence:%u", k);
		parts[1] = occ;
	}
	parts[0] = fp;
	og_fingerprint_hex(parts, 2, fp);
	return repeat;
}

static void
slug_append(char *out, size_t size, const char *s, size_t max)
{
	size_t len = strlen(out);
	bool dash = len > 0 && out[len - 1] == '-';

	for (size_t i = 0; s[i] && i < max && len + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80) {
			out[len++] = (char)c;
			dash = false;
		} else if (c >= 'A' && c <= 'Z') {
			out[len++] = (char)(c + 32);
			dash = false;
		} else if (!dash && len > 0 && out[len - 1] != '/') {
			out[len++] = '-';
			dash = true;
		}
	}
	while (len > 0 && out[len - 1] == '-')
		len--;
	out[len] = '\0';
}

/* Does @msg start with @name, followed by a word boundary? */
static bool
names_rule(const char *msg, const char *name)
{
	size_t n = strlen(name);
	unsigned char c;

	if (!n || strncasecmp(msg, name, n) != 0)
		return false;
	c = (unsigned char)msg[n];
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		 (c >= '0' && c <= '9') || c == '_');
}

/*
 * A result with no ruleId, rule.id or rule index (SARIF §3.27.5 makes them
 * optional; gitleaks 7 names the rule only in the message: "AWS Access Key
 * secret detected").  Its id is "<tool>/<rule name>", the rule name being
 * the longest rule id or name the message starts with, else the words
 * before " secret detected" / " detected", else "unknown-rule".  *rule is
 * set when a rule of the run was named.
 */
static const char *
derive_rule_id(const struct cfile *cf, const char *message,
	       const cJSON **rule, char *buf, size_t size)
{
	const char *name = NULL, *end;
	size_t best = 0, nlen = 0;

	*rule = NULL;
	for (size_t i = 0; message && i < cf->n_by_id; i++) {
		const cJSON *nm = scan_get(cf->by_id[i].rule, "name");
		const char *cand[2] = { cf->by_id[i].id,
			cJSON_IsString(nm) ? nm->valuestring : "" };

		for (int j = 0; j < 2; j++)
			if (strlen(cand[j]) > best &&
			    names_rule(message, cand[j])) {
				best = strlen(cand[j]);
				name = cf->by_id[i].id;
				*rule = cf->by_id[i].rule;
			}
	}
	if (name) {
		nlen = strlen(name);
	} else if (message && ((end = strstr(message, " secret detected")) ||
			       (end = strstr(message, " has detected")) ||
			       (end = strstr(message, " detected"))) &&
		   end > message && end - message <= 64 &&
		   !memchr(message, '\n', (size_t)(end - message))) {
		name = message;
		nlen = (size_t)(end - message);
	}
	buf[0] = '\0';
	slug_append(buf, size, cf->tool_name, 64);
	if (!buf[0])
		snprintf(buf, size, "sarif");
	snprintf(buf + strlen(buf), size - strlen(buf), "/");
	if (name)
		slug_append(buf, size, name, nlen);
	if (buf[strlen(buf) - 1] == '/')
		snprintf(buf + strlen(buf), size - strlen(buf),
			 "unknown-rule");
	return buf;
}

static void
add_cwes(struct scan_tags *tags, const cJSON *props)
{
	const cJSON *arr, *e;

	arr = scan_get(props, "tags");
	cJSON_ArrayForEach(e, (cJSON_IsArray(arr) ? arr : NULL))
		if (cJSON_IsString(e))
			scan_tags_add_cwe(tags, e->valuestring);
	/* Semgrep: properties.cwe = ["CWE-79: …"] or a string. */
	arr = scan_get(props, "cwe");
	if (cJSON_IsString(arr))
		scan_tags_add_cwe(tags, arr->valuestring);
	cJSON_ArrayForEach(e, (cJSON_IsArray(arr) ? arr : NULL))
		if (cJSON_IsString(e))
			scan_tags_add_cwe(tags, e->valuestring);
}

static void
view_fill(struct rule_view *v, const cJSON *rule)
{
	const cJSON *j;

	v->props = scan_get(rule, "properties");
	j = scan_get(scan_get(rule, "defaultConfiguration"), "level");
	v->level = cJSON_IsString(j) ? j->valuestring : NULL;
	v->title = text_of(rule, "shortDescription");
	if (!v->title) {
		j = scan_get(rule, "name");
		v->title = cJSON_IsString(j) ? j->valuestring : NULL;
	}
	if (!v->title)
		v->title = scan_first_line(text_of(rule, "fullDescription"),
					   v->line, sizeof(v->line));
	j = scan_get(rule, "helpUri");
	v->help = cJSON_IsString(j) ? j->valuestring : NULL;
	scan_tags_reset(&v->tags);
	add_cwes(&v->tags, v->props);
}

static bool
same_rule(const void *a, const void *b)
{
	return a == b;
}

/* @rule's view, made the first time (in *@spare without a rule or
 * memory). */
static const struct rule_view *
rule_view(struct cfile *cf, const cJSON *rule, struct rule_view *spare)
{
	uint64_t h = og_hash64(&rule, sizeof(rule), 0);
	struct og_htab_slot *s;
	struct rule_view *v;
	bool is_new;

	if (!rule)
		goto spare;
	s = og_htab_get(&cf->view_ix, h, same_rule, rule);
	if (s)
		return cf->views[s->val];
	if (cf->n_views == cf->cap_views) {
		size_t nc = cf->cap_views ? cf->cap_views * 2 : 64;
		struct rule_view **p = realloc(cf->views, nc * sizeof(*p));

		if (!p)
			goto spare;
		cf->views = p;
		cf->cap_views = nc;
	}
	v = malloc(sizeof(*v));
	s = v ? og_htab_claim(&cf->view_ix, h, same_rule, rule, &is_new) :
		NULL;
	if (!s) {
		free(v);
		goto spare;
	}
	view_fill(v, rule);
	s->val = cf->n_views;
	cf->views[cf->n_views++] = v;
	return v;
spare:
	view_fill(spare, rule);
	return spare;
}

static int
convert_result(struct cfile *cf, const cJSON *res)
{
	struct cq_state *st = cf->st;
	struct og_finding f = { 0 };
	struct og_location locs[SARIF_LOCATIONS_MAX];
	struct scan_item it = { { 0 } };
	const struct rule_view *view;
	struct rule_view spare;
	const cJSON *rule, *msg;
	const char *kind, *level, *baseline, *message = NULL;
	char title[256], fp[65], derived[160], msgbuf[2048];
	bool ruleless = false, repeat;
	enum og_severity sev;
	double score = -1;

	rule = resolve_rule(cf, &it, res, &f.id);
	kind = scan_str(&it, res, "kind");
	level = scan_str(&it, res, "level");
	baseline = scan_str(&it, res, "baselineState");
	msg = scan_obj(&it, res, "message");
	message = resolve_message(&it, msg, rule, msgbuf, sizeof(msgbuf));
	f.n_locations = read_locations(cf, &it, res, locs);
	f.suppressed = is_suppressed(&it, res);
	if (it.err[0]) {
		item_error(cf, it.err);
		return 0;
	}
	if (!f.id || !*f.id) {
		f.id = derive_rule_id(cf, message, &rule, derived,
				      sizeof(derived));
		ruleless = true;
	}
	/* Only "fail" (the default) is an alert; pass, notApplicable,
	 * informational, review and open are not. */
	if (kind && strcmp(kind, "fail") != 0) {
		st->t.not_alerts++;
		return 0;
	}
	view = rule_view(cf, rule, &spare);
	if (!level)
		level = view->level ? view->level : "warning";
	if (!sarif_level_severity(level, &sev)) {
		item_error(cf, "level: not one of none, note, warning, error");
		return 0;
	}
	if (!security_severity(scan_obj(&it, res, "properties"), &sev, &score))
		security_severity(view->props, &sev, &score);
	f.kind = OG_FINDING_CODE_ALERT;
	f.severity = sev;
	f.score = score;
	/* Without a rule id the message is all that names the alert. */
	f.title = ruleless ? scan_first_line(message, title, sizeof(title)) :
		  NULL;
	if (!f.title)
		f.title = view->title;
	if (!f.title)
		f.title = scan_first_line(message, title, sizeof(title));
	f.url = view->help;
	f.tool = cf->tool_name;
	f.tags = view->tags.n ? view->tags.v : NULL;
	f.locations = f.n_locations ? locs : NULL;
	if (baseline && strcmp(baseline, "existing") == 0)
		baseline = "unchanged";
	f.status_detail = baseline;
	if (f.suppressed) {
		f.suppression = "SARIF: accepted";
	} else if (baseline && strcmp(baseline, "absent") == 0) {
		f.suppressed = true;
		f.suppression = "baseline: absent";
	}
	fingerprint(res, f.id, f.n_locations ? &locs[0] : NULL, message, fp);
	repeat = run_identity(cf, f.id, f.n_locations ? &locs[0] : NULL, fp);
	f.fingerprint = fp;
	f.struct_size = sizeof(f);
	if (scan_hold_finding(&st->hold, &f) < 0) {
		item_error(cf, "the host refused the finding");
		return 0;
	}
	if (repeat)
		return 0;	/* one finding, already counted */
	scan_count(&st->t.alerts, &f);
	if (cf->is_codeql)
		scan_count(&st->t.codeql_alerts, &f);
	if (st->by_location && f.n_locations)
		cq_locindex_put(st->by_location, cq_location_key(f.id, locs[0].file,
							locs[0].line), fp);
	return 0;
}

static int
result_item(void *arg, cJSON *j)
{
	struct cfile *cf = arg;

	if (cf->ov && scan_overlap_check(cf->ov) < 0)
		return -ECANCELED;	/* the file is broken: stop */
	return convert_result(cf, j);
}

/* What convert_result() reads of a result; the rest (codeFlows,
 * relatedLocations, snippets, stacks …) is skipped, not built.  A key
 * added there must be added here. */
static const struct ogjs_keep keep_component[] = {
	{ "index", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_rule_ref[] = {
	{ "id", NULL }, { "index", NULL }, { "toolComponent", keep_component },
	{ NULL, NULL },
};
static const struct ogjs_keep keep_message[] = {
	{ "text", NULL }, { "id", NULL }, { "arguments", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_artifact_location[] = {
	{ "uri", NULL }, { "index", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_region[] = {
	{ "startLine", NULL }, { "startColumn", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_physical[] = {
	{ "artifactLocation", keep_artifact_location },
	{ "region", keep_region }, { NULL, NULL },
};
static const struct ogjs_keep keep_location[] = {
	{ "physicalLocation", keep_physical }, { NULL, NULL },
};
static const struct ogjs_keep keep_suppression[] = {
	{ "status", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_properties[] = {
	{ "security-severity", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_result[] = {
	{ "ruleId", NULL }, { "rule", keep_rule_ref }, { "ruleIndex", NULL },
	{ "kind", NULL }, { "level", NULL }, { "baselineState", NULL },
	{ "message", keep_message }, { "locations", keep_location },
	{ "suppressions", keep_suppression },
	{ "properties", keep_properties }, { "fingerprints", NULL },
	{ "partialFingerprints", NULL }, { NULL, NULL },
};

static int
read_results(struct cfile *cf)
{
	return ogjs_each_object(cf->r, cf->st->item_arena, cf->dry,
				"a result object", keep_result, result_item,
				cf);
}

/* ---- runs and document ------------------------------------------------------ */

/* The repository the run analysed (versionControlProvenance[0]
 * .repositoryUri): with the tool, the run's target. */
static int
read_provenance(struct cfile *cf)
{
	struct scan_item it = { { 0 } };
	const cJSON *first;
	const char *uri;
	cJSON *vcp;
	int ret;

	if (cf->dry)
		return ogjs_skip(cf->r);
	ret = ogjs_value(cf->r, cf->st->run_arena, &vcp);
	if (ret < 0)
		return ret;
	first = cJSON_IsArray(vcp) ? cJSON_GetArrayItem(vcp, 0) : NULL;
	uri = first ? scan_str(&it, first, "repositoryUri") : NULL;
	if (uri && *uri && !it.err[0]) {
		free(cf->repository);
		cf->repository = strdup(uri);
	}
	return 0;
}

/* What one run analysed: "TOOL REPOSITORY", or "TOOL FILE" (canonical
 * path) when the log does not name the repository. */
static void
declare_run_target(struct cfile *cf)
{
	char *real = cf->repository ? NULL : realpath(cf->path, NULL);
	char *id = NULL;

	if (asprintf(&id, "%s %s", cf->tool_name ? cf->tool_name : "SARIF",
		     cf->repository ? cf->repository : real ? real : cf->path) >= 0)
		scan_hold_target(&cf->st->hold, "sarif", id);
	free(id);
	free(real);
}

static int
run_key(void *arg, const char *key)
{
	struct cfile *cf = arg;

	if (strcmp(key, "tool") == 0)
		return read_tool(cf);
	if (strcmp(key, "results") == 0)
		return read_results(cf);
	if (strcmp(key, "artifacts") == 0)
		return read_artifacts(cf);
	if (strcmp(key, "versionControlProvenance") == 0)
		return read_provenance(cf);
	return ogjs_skip(cf->r);
}

static int
read_run(struct cfile *cf)
{
	struct ogjs_defer d = { .n = 0 };
	const char *key;
	int ret;

	ret = ogjs_expect(cf->r, '{', "a run object");
	if (ret < 0 || (ret = ogjs_enter_object(cf->r)) < 0)
		return ret;
	run_clear(cf);
	while ((ret = ogjs_next_key(cf->r, &key)) == 1) {
		/* Results need the rules (and artifacts) first. */
		if (strcmp(key, "results") == 0 && !cf->have_tool)
			ret = ogjs_defer_add(cf->r, &d, key);
		else
			ret = run_key(cf, key);
		if (ret < 0)
			break;
	}
	if (ret >= 0 && !cf->have_tool)
		ret = ogjs_fail(cf->r, "run without a tool object");
	if (ret >= 0)
		ret = ogjs_defer_run(cf->r, &d, run_key, cf);
	ogjs_defer_clear(&d);
	if (ret >= 0 && !cf->dry) {
		cf->st->t.runs++;
		cq_note_tool(cf->st, cf->tool_name);
		cf->st->t.codeql_seen |= cf->is_codeql;
		declare_run_target(cf);
	}
	run_clear(cf);
	return ret;
}

static int
read_runs(struct cfile *cf)
{
	int ret;

	ret = ogjs_expect(cf->r, '[', "an array of runs");
	if (ret < 0 || (ret = ogjs_enter_array(cf->r)) < 0)
		return ret;
	while ((ret = ogjs_next_elem(cf->r)) == 1)
		if ((ret = read_run(cf)) < 0)
			return ret;
	return ret;
}

static int
top_key(void *arg, const char *key)
{
	struct cfile *cf = arg;
	int ret;

	if (strcmp(key, "version") == 0) {
		ret = ogjs_string(cf->r, cf->st->item_arena, &cf->version);
		if (ret == 0 && (!cf->version ||
				 strcmp(cf->version, "2.1.0") != 0))
			ret = ogjs_fail(cf->r, "unsupported SARIF version "
					"\"%s\" (this reader knows 2.1.0)",
					cf->version ? cf->version : "null");
		return ret;
	}
	if (strcmp(key, "runs") == 0)
		return read_runs(cf);
	return ogjs_skip(cf->r);
}

static int
read_document(struct cfile *cf)
{
	struct ogjs_defer d = { .n = 0 };
	const char *key;
	int ret;

	ret = ogjs_expect(cf->r, '{', "a SARIF log object");
	if (ret >= 0)
		ret = ogjs_enter_object(cf->r);
	while (ret >= 0 && (ret = ogjs_next_key(cf->r, &key)) == 1) {
		if (strcmp(key, "runs") == 0 && !cf->version)
			ret = ogjs_defer_add(cf->r, &d, key);
		else
			ret = top_key(cf, key);
	}
	if (ret >= 0 && !cf->version)
		ret = ogjs_fail(cf->r, "not a SARIF log: no \"version\"");
	if (ret >= 0)
		ret = ogjs_defer_run(cf->r, &d, top_key, cf);
	ogjs_defer_clear(&d);
	if (ret >= 0)
		ret = ogjs_expect_end(cf->r);
	return ret;
}

/* The dry pass, then the real one: for a file that cannot be read by
 * two readers at once (a pipe: which then fails to rewind), or when the
 * real pass has effects that cannot be taken back (the location index
 * for GitHub's alerts). */
static int
read_in_turn(struct cfile *cf)
{
	int ret;

	cf->dry = true;
	ret = read_document(cf);
	free(cf->version);
	cf->version = NULL;
	if (ret >= 0 && (ret = ogjs_rewind(cf->r)) >= 0) {
		cf->dry = false;
		ret = read_document(cf);
	}
	return ret;
}

/* The dry pass on its thread: its own reader and arenas, and a copy of
 * the state that only the real pass changes. */
struct dry_job {
	struct cq_state st;
	struct cfile cf;
};

static int
dry_pass(void *arg)
{
	struct dry_job *dj = arg;

	return read_document(&dj->cf);
}

/* Both passes at once (overlap.h).  When the dry pass fails, the real
 * pass's findings, logs and targets were held and are dropped, and its
 * counts are taken back: *ret_bad is then the dry pass's reader, whose
 * error names the problem. */
static int
read_overlapped(struct cfile *cf, struct dry_job *dj,
		const struct ogjs **ret_bad)
{
	struct cq_state *st = cf->st;
	struct cq_tally saved = st->t;
	size_t n_tools = st->n_tools;
	struct scan_overlap ov;
	int ret, v;

	scan_overlap_start(&ov, &st->hold, dry_pass, dj);
	cf->ov = &ov;
	ret = read_document(cf);
	cf->ov = NULL;
	v = scan_overlap_finish(&ov);
	if (v >= 0)
		return ret;
	st->t = saved;
	while (st->n_tools > n_tools)
		free(st->tools[--st->n_tools]);
	*ret_bad = dj->cf.r;
	return v;
}

static struct dry_job *
dry_job_new(struct cq_state *st, const char *path)
{
	struct dry_job *dj = calloc(1, sizeof(*dj));

	if (!dj)
		return NULL;
	dj->st = *st;
	dj->st.run_arena = ogjs_arena_new(SARIF_TOOL_MAX_BYTES * 4);
	dj->st.item_arena = ogjs_arena_new(SARIF_ITEM_MAX_BYTES * 8);
	dj->cf = (struct cfile){ .st = &dj->st, .path = path, .dry = true };
	return dj;
}

static void
dry_job_free(struct dry_job *dj)
{
	if (!dj)
		return;
	run_clear(&dj->cf);
	free(dj->cf.version);
	ogjs_free(dj->cf.r);
	ogjs_arena_free(dj->st.run_arena);
	ogjs_arena_free(dj->st.item_arena);
	free(dj);
}

void
sarif_read_file(struct cq_state *st, const char *path)
{
	struct cfile cf = { .st = st, .path = path };
	struct ogjs_limits lim = { .max_value_bytes = SARIF_TOOL_MAX_BYTES };
	struct dry_job *dj = NULL;
	const struct ogjs *bad;
	int ret;

	ret = ogjs_open(path, NULL, &lim, &cf.r);
	bad = cf.r;
	if (ret < 0)
		goto failed;
	if (!st->by_location)
		dj = dry_job_new(st, path);
	if (dj && dj->st.run_arena && dj->st.item_arena &&
	    ogjs_open_twin(cf.r, &dj->cf.r) == 0)
		ret = read_overlapped(&cf, dj, &bad);
	else
		ret = read_in_turn(&cf);
	if (ret < 0)
		goto failed;
	st->files_ok++;
	if (!st->evidence)
		st->evidence = strdup(path);
	scan_item_errors_done(st->ctx, st->host, cf.r, path, cf.item_errors);
	goto cleanup;
failed:
	st->files_failed++;
	st->last_err = ret;
	scan_file_failed(st->ctx, st->host, bad, path, ret, "SARIF file");
cleanup:
	run_clear(&cf);
	free(cf.version);
	ogjs_free(cf.r);
	ogjs_arena_reset(st->item_arena);
	dry_job_free(dj);
}
