/*
 * Policy gates (config "gates"): min_level, max_findings{severity: n},
 * required_capabilities[], kpis{id: {min|max}}, fail_on (severity).
 * Each gate becomes {"id","description","status","actual","expected",
 * "actual_text","text"} and, when it fails, "fix": what passes it (the
 * smallest set of actions, or the findings to fix).  Every output prints
 * "description" and "text" as they are: the gate is worded once, here,
 * for the reader (no config keys).  Any "fail" makes `opsgrade report`
 * exit 1 (og_gates_failed()).
 * A required capability that is unknown, or a KPI that is not measured,
 * fails: a gate passes only on evidence.  One that does not apply passes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "assess-int.h"
#include "report-json.h"
#include "util.h"

static const enum og_severity sev_order[] = {
	OG_SEV_CRITICAL, OG_SEV_HIGH, OG_SEV_MEDIUM, OG_SEV_LOW, OG_SEV_INFO,
	OG_SEV_UNKNOWN,
};

static cJSON *
gate(cJSON *arr, const char *id, const char *desc, bool pass)
{
	cJSON *g = cJSON_CreateObject();

	cJSON_AddStringToObject(g, "id", id);
	cJSON_AddStringToObject(g, "description", desc);
	cJSON_AddStringToObject(g, "status", pass ? "pass" : "fail");
	cJSON_AddItemToArray(arr, g);
	return g;
}

#define FIX_NAMES_MAX	8	/* actions or findings named in a fix's text */

/* "actual_text" and the one line every output prints for the gate:
 * "Maturity level at least 3: failed (level 1)". */
static void
worded(cJSON *g, const char *actual)
{
	const char *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "description"));
	const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "status"));
	char *t = og_asprintf("%s: %s (%s)", d, !strcmp(st, "pass") ? "passed" : "failed",
			      actual);

	cJSON_AddStringToObject(g, "actual_text", actual);
	cJSON_AddStringToObject(g, "text", t);
	free(t);
}

/* Append "A, B, C and 4 more" of @names to @buf. */
static char *
name_list(char *head, const char *const *names, size_t n)
{
	char *t = head;

	for (size_t i = 0; i < n && i < FIX_NAMES_MAX; i++) {
		char *u = og_asprintf("%s%s%s", t, i == 0 ? "" : i + 1 == n ? " and " : ", ",
				      names[i]);
		free(t);
		t = u;
	}
	if (n > FIX_NAMES_MAX) {
		char *u = og_asprintf("%s and %zu more", t, n - FIX_NAMES_MAX);
		free(t);
		t = u;
	}
	return t;
}

/* fix = {"actions": [capability ids], "effort_minutes", "effort",
 * "text"} for the capabilities in @ids (the plan lists them first). */
static void
fix_actions(cJSON *g, const cJSON *as, const cJSON *ids, bool reachable, const char *lead)
{
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(as, "capabilities"), *it;
	cJSON *fix = cJSON_AddObjectToObject(g, "fix");
	size_t n = (size_t)cJSON_GetArraySize(ids), k = 0;
	const char **names = og_xcalloc(n + 1, sizeof(*names));
	int64_t effort = 0;
	char *et, *t;

	cJSON_AddItemToObject(fix, "actions", cJSON_Duplicate(ids, 1));
	cJSON_ArrayForEach(it, ids) {
		const cJSON *c = og_json_find_id(caps, it->valuestring);
		const cJSON *em = cJSON_GetObjectItemCaseSensitive(c, "effort_minutes");
		const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "title"));

		effort += cJSON_IsNumber(em) ? (int64_t)em->valuedouble : 0;
		names[k++] = title ? title : it->valuestring;
	}
	et = og_effort_text(effort);
	cJSON_AddNumberToObject(fix, "effort_minutes", (double)effort);
	cJSON_AddStringToObject(fix, "effort", et);
	if (!reachable)
		t = og_asprintf("%s cannot be reached by closing the observed gaps alone: too "
				"little of it could be observed; confirm or attest what was not "
				"observed.", lead);
	else
		t = name_list(og_asprintf("To pass: %zu action%s, about %s of work, first in "
					  "the plan: ", n, n == 1 ? "" : "s", et), names, n);
	cJSON_AddStringToObject(fix, "text", t);
	free(t);
	free(et);
	free(names);
}

/* What passing a findings gate takes: the open findings of @s (and above
 * with @at_or_above) to fix, @need of them (all when 0), those with a
 * fixed version first, then the highest score. */
static void
fix_findings(cJSON *g, struct og_model *m, enum og_severity s, bool at_or_above, size_t need)
{
	size_t n, k = 0;
	const struct og_model_finding *const *all = og_model_findings(m, &n);
	const struct og_model_finding **pick = og_xcalloc(n + 1, sizeof(*pick));
	const char **names;
	cJSON *fix = cJSON_AddObjectToObject(g, "fix"), *arr;
	char *t;

	for (size_t i = 0; i < n; i++) {
		const struct og_model_finding *f = all[i];
		bool sev = at_or_above ? f->severity != OG_SEV_UNKNOWN && f->severity >= s
				       : f->severity == s;

		if (!f->suppressed && sev)
			pick[k++] = f;
	}
	/* insertion sort, stable: fixable first, then by score */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0; j--) {
			const struct og_model_finding *a = pick[j - 1], *b = pick[j];
			bool fa = a->fixed_version && *a->fixed_version;
			bool fb = b->fixed_version && *b->fixed_version;

			if (fa > fb || (fa == fb && a->score >= b->score))
				break;
			pick[j - 1] = b;
			pick[j] = a;
		}
	if (need == 0 || need > k)
		need = k;
	names = og_xcalloc(need + 1, sizeof(*names));
	arr = cJSON_AddArrayToObject(fix, "findings");
	for (size_t i = 0; i < need; i++) {
		const struct og_model_finding *f = pick[i];
		const struct og_model_location *loc = f->n_locations ? &f->locations[0] : NULL;
		cJSON *o = cJSON_CreateObject();
		char *label;

		if (f->package && f->fixed_version && *f->fixed_version)
			label = og_asprintf("%s in %s (fixed in %s)", f->id ? f->id : f->title,
					    f->package, f->fixed_version);
		else if (f->package)
			label = og_asprintf("%s in %s (no fix yet)", f->id ? f->id : f->title,
					    f->package);
		else if (loc && loc->file && loc->line)
			label = og_asprintf("%s at %s:%u", f->title ? f->title : f->id, loc->file,
					    loc->line);
		else
			label = og_strdup0(f->title ? f->title : f->id ? f->id : "finding");
		cJSON_AddStringToObject(o, "fingerprint", f->fingerprint ? f->fingerprint : "");
		cJSON_AddStringToObject(o, "label", label);
		cJSON_AddItemToArray(arr, o);
		names[i] = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "label"));
		free(label);
	}
	t = name_list(og_asprintf("To pass, fix %zu finding%s: ", need, need == 1 ? "" : "s"),
		      names, need);
	cJSON_AddStringToObject(fix, "text", t);
	free(t);
	free(names);
	free(pick);
}

static int
bad(char **ret_err, const char *key, const char *what)
{
	*ret_err = og_asprintf("gates.%s: %s", key, what);
	return -EINVAL;
}

static size_t
open_at(struct og_model *m, enum og_severity s, bool at_or_above)
{
	size_t counts[OG_SEV_SLOTS], c = 0;

	og_model_open_by_severity(m, counts);
	if (!at_or_above)
		return counts[s];
	/* unknown severity is never "at or above" */
	for (int k = s > OG_SEV_INFO ? (int)s : OG_SEV_INFO; k < OG_SEV_SLOTS; k++)
		c += counts[k];
	return c;
}

static bool
valid_sev(const char *s)
{
	return !strcmp(s, "unknown") || og_severity_from_name(s) != OG_SEV_UNKNOWN;
}

static int
gate_min_level(const cJSON *cfg, const cJSON *as, cJSON *out, char **ret_err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(cfg, "min_level");
	double want;
	int lv = cJSON_GetObjectItemCaseSensitive(as, "level")->valueint;
	cJSON *g;
	char *d;

	if (!j)
		return 0;
	if (!og_jnum(j, &want) || want != floor(want) || want < 1 || want > OG_LEVEL_MAX)
		return bad(ret_err, "min_level", "expected an integer 1-5");
	d = og_asprintf("Maturity level at least %d", (int)want);
	g = gate(out, "min_level", d, lv >= (int)want);
	free(d);
	cJSON_AddNumberToObject(g, "actual", lv);
	cJSON_AddNumberToObject(g, "expected", want);
	d = og_asprintf("level %d", lv);
	worded(g, d);
	free(d);
	if (lv < (int)want) {
		/* every level up to the wanted one must reach its own share:
		 * the union of their smallest sets (a capability belongs to
		 * one level, so the union is the smallest set for the gate) */
		const cJSON *levels = cJSON_GetObjectItemCaseSensitive(as, "levels"), *it;
		cJSON *ids = cJSON_CreateArray();
		bool reachable = true;

		for (int l = lv + 1; l <= (int)want; l++) {
			const cJSON *o = cJSON_GetArrayItem(levels, l - 1);

			reachable = reachable &&
				    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "needs_reachable"));
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "needs"))
				cJSON_AddItemToArray(ids, cJSON_Duplicate(it, 0));
		}
		d = og_asprintf("Level %d", (int)want);
		fix_actions(g, as, ids, reachable, d);
		free(d);
		cJSON_Delete(ids);
	}
	return 0;
}

static int
gate_max_findings(const cJSON *cfg, struct og_model *m, cJSON *out, char **ret_err)
{
	const cJSON *mf = cJSON_GetObjectItemCaseSensitive(cfg, "max_findings"), *it;

	if (!mf)
		return 0;
	if (!cJSON_IsObject(mf))
		return bad(ret_err, "max_findings", "expected an object {severity: count}");
	cJSON_ArrayForEach(it, mf) {
		double v;

		if (!valid_sev(it->string)) {
			char *k = og_asprintf("max_findings.%s", it->string);
			int r = bad(ret_err, k, "unknown severity (critical, high, medium, low, info, unknown)");
			free(k);
			return r;
		}
		if (!og_jnum(it, &v) || v < 0 || v != floor(v)) {
			char *k = og_asprintf("max_findings.%s", it->string);
			int r = bad(ret_err, k, "expected a count >= 0");
			free(k);
			return r;
		}
	}
	/* severity order, not config order: deterministic output */
	for (size_t s = 0; s < sizeof(sev_order) / sizeof(sev_order[0]); s++) {
		const char *name = og_severity_name(sev_order[s]);
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(mf, name);
		double v;
		size_t c;
		char *id, *d;
		cJSON *g;

		if (!j)
			continue;
		og_jnum(j, &v);
		c = open_at(m, sev_order[s], false);
		id = og_asprintf("max_findings.%s", name);
		d = v == 0 ? og_asprintf("No open %s findings", name)
			   : og_asprintf("At most %g open %s findings", v, name);
		g = gate(out, id, d, (double)c <= v);
		cJSON_AddNumberToObject(g, "actual", (double)c);
		cJSON_AddNumberToObject(g, "expected", v);
		free(id);
		free(d);
		d = og_asprintf("%zu open", c);
		worded(g, d);
		free(d);
		if ((double)c > v)
			fix_findings(g, m, sev_order[s], false, c - (size_t)v);
	}
	return 0;
}

static int
gate_required(const cJSON *cfg, const cJSON *as, cJSON *out, char **ret_err)
{
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(cfg, "required_capabilities");
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(as, "capabilities");
	cJSON *list;
	const cJSON *it;

	if (!rc)
		return 0;
	/* a list key may hold a string or an array of strings */
	if (cJSON_IsString(rc)) {
		list = cJSON_CreateArray();
		cJSON_AddItemToArray(list, cJSON_CreateString(rc->valuestring));
	} else if (cJSON_IsArray(rc)) {
		list = cJSON_Duplicate(rc, true);
	} else {
		return bad(ret_err, "required_capabilities", "expected a list of capability ids");
	}
	cJSON_ArrayForEach(it, list) {
		const cJSON *cap, *st;
		char *id, *d;
		bool pass;
		cJSON *g;

		if (!cJSON_IsString(it) || !(cap = og_json_find_id(caps, it->valuestring))) {
			char *msg = og_asprintf("\"%s\" is not a capability of the maturity model",
						cJSON_IsString(it) ? it->valuestring : "?");
			int r = bad(ret_err, "required_capabilities", msg);

			free(msg);
			cJSON_Delete(list);
			return r;
		}
		st = cJSON_GetObjectItemCaseSensitive(cap, "status");
		id = og_asprintf("required_capability.%s", it->valuestring);
		d = og_asprintf("%s required",
				cJSON_GetObjectItemCaseSensitive(cap, "title")->valuestring);
		/* one that does not apply to this project cannot be missing */
		pass = !strcmp(st->valuestring, "met") || !strcmp(st->valuestring, "not_applicable");
		g = gate(out, id, d, pass);
		cJSON_AddStringToObject(g, "actual", st->valuestring);
		cJSON_AddStringToObject(g, "expected", "met");
		worded(g, !strcmp(st->valuestring, "met") ? "in place" :
			  !strcmp(st->valuestring, "not_applicable") ? "does not apply" :
			  !strcmp(st->valuestring, "unknown") ? "not observed" : "missing");
		if (!pass) {
			cJSON *one = cJSON_CreateArray();

			cJSON_AddItemToArray(one, cJSON_CreateString(it->valuestring));
			fix_actions(g, as, one, true, "");
			cJSON_Delete(one);
		}
		free(id);
		free(d);
	}
	cJSON_Delete(list);
	return 0;
}

static int
gate_kpis(const cJSON *cfg, const cJSON *as, cJSON *out, char **ret_err)
{
	const cJSON *kc = cJSON_GetObjectItemCaseSensitive(cfg, "kpis");
	const cJSON *kpis = cJSON_GetObjectItemCaseSensitive(as, "kpis");
	const cJSON *it;
	size_t n = 0;
	const cJSON **sorted;

	if (!kc)
		return 0;
	if (!cJSON_IsObject(kc))
		return bad(ret_err, "kpis", "expected an object {kpi: {min|max: number}}");
	sorted = og_xcalloc((size_t)cJSON_GetArraySize(kc) + 1, sizeof(*sorted));
	cJSON_ArrayForEach(it, kc) {
		size_t k = n++;

		/* insertion sort by id: deterministic gate order */
		while (k > 0 && strcmp(sorted[k - 1]->string, it->string) > 0) {
			sorted[k] = sorted[k - 1];
			k--;
		}
		sorted[k] = it;
	}
	for (size_t i = 0; i < n; i++) {
		const cJSON *spec = sorted[i], *kpi = og_json_find_id(kpis, spec->string);
		static const char *const bounds[] = { "min", "max" };

		if (!kpi || !cJSON_IsObject(spec) || !spec->child) {
			char *k = og_asprintf("kpis.%s", spec->string);
			int r = bad(ret_err, k, kpi ? "expected {\"min\": n} and/or {\"max\": n}"
						    : "unknown KPI (see docs/report-json.md)");
			free(k);
			free(sorted);
			return r;
		}
		for (const cJSON *b = spec->child; b; b = b->next)
			if (strcmp(b->string, "min") && strcmp(b->string, "max")) {
				char *k = og_asprintf("kpis.%s.%s", spec->string, b->string);
				int r = bad(ret_err, k, "unknown bound (min or max)");
				free(k);
				free(sorted);
				return r;
			}
		for (size_t bi = 0; bi < 2; bi++) {
			const cJSON *bj = cJSON_GetObjectItemCaseSensitive(spec, bounds[bi]);
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(kpi, "value");
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(kpi, "status");
			const char *unit;
			double lim;
			bool pass;
			char *id, *d;
			cJSON *g;

			if (!bj)
				continue;
			if (!og_jnum(bj, &lim)) {
				char *k = og_asprintf("kpis.%s.%s", spec->string, bounds[bi]);
				int r = bad(ret_err, k, "expected a number");
				free(k);
				free(sorted);
				return r;
			}
			unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kpi, "unit"));
			id = og_asprintf("kpi.%s.%s", spec->string, bounds[bi]);
			d = og_asprintf("%s %s %g%s%s", cJSON_GetObjectItemCaseSensitive(kpi, "name")->valuestring,
					bi ? "at most" : "at least", lim,
					unit && strcmp(unit, "%") ? " " : "", unit ? unit : "");
			if (cJSON_IsNumber(val))
				pass = bi ? val->valuedouble <= lim : val->valuedouble >= lim;
			else	/* null: not measured fails; "nothing to measure" (good) passes */
				pass = !strcmp(st->valuestring, "good");
			g = gate(out, id, d, pass);
			if (cJSON_IsNumber(val))
				cJSON_AddNumberToObject(g, "actual", val->valuedouble);
			else
				cJSON_AddStringToObject(g, "actual", st->valuestring);
			cJSON_AddNumberToObject(g, "expected", lim);
			/* the KPI's own figure, as every output shows it */
			worded(g, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kpi, "display"))
				  ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kpi, "display"))
				  : "not measured");
			free(id);
			free(d);
		}
	}
	free(sorted);
	return 0;
}

static int
gate_fail_on(const cJSON *cfg, struct og_model *m, cJSON *out, char **ret_err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(cfg, "fail_on");
	enum og_severity s;
	size_t c;
	char *id, *d;
	cJSON *g;

	if (!j || (cJSON_IsString(j) && (!strcmp(j->valuestring, "none") ||
					 !strcmp(j->valuestring, "never"))))
		return 0;
	if (!cJSON_IsString(j) || (s = og_severity_from_name(j->valuestring)) == OG_SEV_UNKNOWN)
		return bad(ret_err, "fail_on", "expected a severity (critical, high, medium, low, info) or none");
	c = open_at(m, s, true);
	id = og_asprintf("fail_on.%s", j->valuestring);
	d = og_asprintf("No open findings rated %s or above", j->valuestring);
	g = gate(out, id, d, c == 0);
	cJSON_AddNumberToObject(g, "actual", (double)c);
	cJSON_AddNumberToObject(g, "expected", 0);
	free(id);
	free(d);
	d = og_asprintf("%zu open", c);
	worded(g, d);
	free(d);
	if (c)
		fix_findings(g, m, s, true, 0);
	return 0;
}

int
og_gates(const cJSON *cfg, const cJSON *assessment, struct og_model *m,
	 cJSON **ret_gates, char **ret_err)
{
	cJSON *out = cJSON_CreateArray();
	int r;

	if (cfg && !cJSON_IsObject(cfg)) {
		cJSON_Delete(out);
		*ret_err = og_strdup0("gates: expected an object");
		return -EINVAL;
	}
	if (cfg && ((r = gate_min_level(cfg, assessment, out, ret_err)) < 0 ||
		    (r = gate_max_findings(cfg, m, out, ret_err)) < 0 ||
		    (r = gate_required(cfg, assessment, out, ret_err)) < 0 ||
		    (r = gate_kpis(cfg, assessment, out, ret_err)) < 0 ||
		    (r = gate_fail_on(cfg, m, out, ret_err)) < 0)) {
		cJSON_Delete(out);
		return r;
	}
	*ret_gates = out;
	return 0;
}

bool
og_gates_failed(const cJSON *gates)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, gates) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");

		if (cJSON_IsString(st) && !strcmp(st->valuestring, "fail"))
			return true;
	}
	return false;
}
