/*
 * Load and validate maturity-model JSON files.  The bundled model (or the
 * one given with --model) is the base; assessment.extra_models extend it:
 * areas and capabilities with a known id replace the base entry, new ids
 * are added, "disable": [ids] drops capabilities.  Every error names the
 * file and the JSON path at fault.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "fingerprint.h"
#include "jsonin.h"
#include "util.h"

static const char *const default_level_names[OG_LEVEL_MAX] = {
	"Initial", "Managed", "Defined", "Quantified", "Optimizing",
};

struct ctx {
	const char *file;
	char **err;
};

static int
fail(struct ctx *c, const char *path, const char *what)
{
	*c->err = og_asprintf("%s: %s: %s", c->file, path, what);
	return -EINVAL;
}

/* Optional or required string member; *ret is replaced (old freed). */
static int
get_str(struct ctx *c, const cJSON *obj, const char *key, const char *path,
	bool required, char **ret)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p;
	int r;

	if (!j || cJSON_IsNull(j)) {
		if (!required)
			return 0;
		p = og_asprintf("%s.%s", path, key);
		r = fail(c, p, "missing (a string is required)");
		free(p);
		return r;
	}
	if (!cJSON_IsString(j) || strlen(j->valuestring) > OG_MM_TEXT_MAX ||
	    (required && !*j->valuestring)) {
		p = og_asprintf("%s.%s", path, key);
		r = fail(c, p, "expected a non-empty string of at most 65536 bytes");
		free(p);
		return r;
	}
	free(*ret);
	*ret = og_strdup0(j->valuestring);
	return 0;
}

static int
get_int(struct ctx *c, const cJSON *obj, const char *key, const char *path,
	int lo, int hi, bool required, int *ret)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p, *msg;
	int r;

	if (!j) {
		if (!required)
			return 0;
		p = og_asprintf("%s.%s", path, key);
		msg = og_asprintf("missing (an integer %d-%d is required)", lo, hi);
		r = fail(c, p, msg);
		free(p);
		free(msg);
		return r;
	}
	if (!cJSON_IsNumber(j) || j->valuedouble != floor(j->valuedouble) ||
	    j->valuedouble < lo || j->valuedouble > hi) {
		p = og_asprintf("%s.%s", path, key);
		msg = og_asprintf("expected an integer %d-%d", lo, hi);
		r = fail(c, p, msg);
		free(p);
		free(msg);
		return r;
	}
	*ret = (int)j->valuedouble;
	return 0;
}

static int
get_array(struct ctx *c, const cJSON *obj, const char *key, const char *path,
	  size_t max, const cJSON **ret)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p;
	int r;

	*ret = NULL;
	if (!j)
		return 0;
	if (!cJSON_IsArray(j) || (size_t)cJSON_GetArraySize(j) > max) {
		p = og_asprintf("%s.%s", path, key);
		r = fail(c, p, "expected an array (within the size cap)");
		free(p);
		return r;
	}
	*ret = j;
	return 0;
}

/* Ids: lowercase letters, digits, '.', '_', '-'; they end up in the
 * reports' test-case names and anchors. */
static bool
id_ok(const char *s)
{
	return og_name_ok(s, 128, "._-");
}

static int
get_id(struct ctx *c, const cJSON *obj, const char *path, char **ret)
{
	char *p;
	int r = get_str(c, obj, "id", path, true, ret);

	if (r < 0)
		return r;
	if (!id_ok(*ret)) {
		p = og_asprintf("%s.id", path);
		r = fail(c, p, "ids use only a-z, 0-9, '.', '_', '-' (at most 128)");
		free(p);
	}
	return r;
}

int
og_parse_effort(const char *s, int64_t *ret_minutes)
{
	char *end;
	double v;
	int64_t mult;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !(v > 0) || v > 100000)
		return -EINVAL;
	while (*end == ' ')
		end++;
	if (!strcmp(end, "m") || !strcmp(end, "min") || !strcmp(end, "minutes"))
		mult = 1;
	else if (!strcmp(end, "h") || !strcmp(end, "hours") || !strcmp(end, "hour"))
		mult = 60;
	/* A working day is 8 hours, a week 5 days: effort, not calendar. */
	else if (!strcmp(end, "d") || !strcmp(end, "days") || !strcmp(end, "day"))
		mult = 480;
	else if (!strcmp(end, "w") || !strcmp(end, "weeks") || !strcmp(end, "week"))
		mult = 2400;
	else
		return -EINVAL;
	*ret_minutes = (int64_t)ceil(v * (double)mult);
	return 0;
}

char *
og_effort_text(int64_t min)
{
	double v;
	const char *unit;

	if (min < 60)
		return og_asprintf("%lld minute%s", (long long)min, min == 1 ? "" : "s");
	if (min < 480)
		v = (double)min / 60.0, unit = "hour";
	else if (min < 2400 || min % 2400)
		v = (double)min / 480.0, unit = "day";
	else
		v = (double)min / 2400.0, unit = "week";
	/* one decimal at most: "1.5 hours", "7.5 days", "2 weeks" */
	v = round(v * 10) / 10;
	return og_asprintf("%g %s%s", v, unit, v == 1 ? "" : "s");
}

static void
tool_fini(struct og_mm_tool *t)
{
	free(t->name);
	free(t->tier);
	free(t->per);
	free(t->free_tier);
	free(t->noted);
}

static void
cap_fini(struct og_mm_cap *cp)
{
	free(cp->id);
	free(cp->title);
	free(cp->area);
	free(cp->effort);
	free(cp->impact);
	free(cp->target);
	free(cp->current);
	free(cp->solution_text);
	free(cp->snippet);
	free(cp->lang);
	for (size_t i = 0; i < cp->n_depends_on; i++)
		free(cp->depends_on[i]);
	free(cp->depends_on);
	for (size_t i = 0; i < cp->n_tools; i++)
		tool_fini(&cp->tools[i]);
	free(cp->tools);
	free(cp->observed_by);
	free(cp->origin);
	free(cp->scorecard);
	og_rule_free(cp->rule);
	og_rule_free(cp->applies_when);
	free(cp->na_reason);
	free(cp->observe);
	memset(cp, 0, sizeof(*cp));
}

static bool
date_ok(const char *s)
{
	/* YYYY-MM-DD */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int
parse_tool(struct ctx *c, const cJSON *j, const char *path,
	   struct og_mm_tool *t)
{
	const cJSON *price;
	int r;

	if (!cJSON_IsObject(j))
		return fail(c, path, "expected an object");
	if ((r = get_str(c, j, "name", path, true, &t->name)) < 0 ||
	    (r = get_str(c, j, "tier", path, true, &t->tier)) < 0 ||
	    (r = get_str(c, j, "per", path, false, &t->per)) < 0 ||
	    (r = get_str(c, j, "free_tier", path, false, &t->free_tier)) < 0 ||
	    (r = get_str(c, j, "noted", path, true, &t->noted)) < 0)
		return r;
	if (strcmp(t->tier, "free") && strcmp(t->tier, "paid")) {
		char *p = og_asprintf("%s.tier", path);
		r = fail(c, p, "expected \"free\" or \"paid\"");
		free(p);
		return r;
	}
	if (!date_ok(t->noted)) {
		char *p = og_asprintf("%s.noted", path);
		r = fail(c, p, "expected the date the price was noted, YYYY-MM-DD");
		free(p);
		return r;
	}
	price = cJSON_GetObjectItemCaseSensitive(j, "monthly_usd");
	if (price && (!cJSON_IsNumber(price) || price->valuedouble < 0 ||
		      price->valuedouble > 1e7)) {
		char *p = og_asprintf("%s.monthly_usd", path);
		r = fail(c, p, "expected a number 0-10000000");
		free(p);
		return r;
	}
	t->monthly_usd = price ? price->valuedouble : 0;
	if (!strcmp(t->tier, "paid") && !price) {
		char *p = og_asprintf("%s.monthly_usd", path);
		r = fail(c, p, "missing (paid tools need a monthly price)");
		free(p);
		return r;
	}
	if (!t->per)
		t->per = og_strdup0("month");
	return 0;
}

/* A rule member @key of @j into *@ret (NULL when absent). */
static int
parse_rule_member(struct ctx *c, const cJSON *j, const char *key,
		  const char *path, struct og_rule **ret)
{
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(j, key);
	char *p, *rerr = NULL;
	size_t nodes = 0;
	int r;

	if (!rule)
		return 0;
	p = og_asprintf("%s.%s", path, key);
	r = og_rule_parse(rule, p, 0, &nodes, ret, &rerr);
	if (r < 0) {
		*c->err = og_asprintf("%s: %s", c->file, rerr);
		free(rerr);
	}
	free(p);
	return r;
}

/* kinds, applies_when, not_applicable_reason (docs/maturity-model.md) */
static int
parse_applicability(struct ctx *c, const cJSON *j, const char *path,
		    struct og_mm_cap *cp)
{
	const cJSON *arr, *it;
	char *p;
	size_t i = 0;
	int r;

	if ((r = get_array(c, j, "kinds", path, OG_KIND_COUNT * 4, &arr)) < 0)
		return r;
	cJSON_ArrayForEach(it, arr) {
		int k = cJSON_IsString(it) ? og_kind_from_name(it->valuestring)
					   : OG_KIND_UNKNOWN;

		if (k == OG_KIND_UNKNOWN) {
			p = og_asprintf("%s.kinds[%zu]", path, i);
			r = fail(c, p, "expected one of service, library, cli, infrastructure, monorepo");
			free(p);
			return r;
		}
		cp->kinds |= 1u << k;
		i++;
	}
	if (arr && !cp->kinds) {
		p = og_asprintf("%s.kinds", path);
		r = fail(c, p, "an empty list would apply to nothing (omit it to apply to every kind)");
		free(p);
		return r;
	}
	if ((r = parse_rule_member(c, j, "applies_when", path, &cp->applies_when)) < 0 ||
	    (r = get_str(c, j, "not_applicable_reason", path, cp->applies_when != NULL,
			 &cp->na_reason)) < 0)
		return r;
	return 0;
}

static int
parse_cap(struct ctx *c, const cJSON *j, const char *path,
	  struct og_mm_cap *cp)
{
	const cJSON *arr, *it, *sol, *wj;
	char *effort = NULL, *p;
	size_t i;
	int r;

	if (!cJSON_IsObject(j))
		return fail(c, path, "expected an object");
	cp->phase = 1;
	if ((r = get_id(c, j, path, &cp->id)) < 0 ||
	    (r = get_str(c, j, "title", path, true, &cp->title)) < 0 ||
	    (r = get_str(c, j, "area", path, true, &cp->area)) < 0 ||
	    (r = get_int(c, j, "level", path, 1, OG_LEVEL_MAX, true, &cp->level)) < 0 ||
	    (r = get_int(c, j, "priority", path, 1, 3, true, &cp->priority)) < 0 ||
	    (r = get_int(c, j, "phase", path, 1, 100, false, &cp->phase)) < 0 ||
	    (r = get_str(c, j, "impact", path, true, &cp->impact)) < 0 ||
	    (r = get_str(c, j, "target", path, true, &cp->target)) < 0 ||
	    (r = get_str(c, j, "current", path, true, &cp->current)) < 0 ||
	    (r = get_str(c, j, "observed_by", path, true, &cp->observed_by)) < 0 ||
	    (r = get_str(c, j, "scorecard", path, false, &cp->scorecard)) < 0 ||
	    (r = get_str(c, j, "observe", path, false, &cp->observe)) < 0 ||
	    (r = get_str(c, j, "effort", path, true, &effort)) < 0)
		goto out;

	wj = cJSON_GetObjectItemCaseSensitive(j, "weight");
	if (wj && (!cJSON_IsNumber(wj) || !(wj->valuedouble > 0) ||
		   wj->valuedouble > 1000)) {
		p = og_asprintf("%s.weight", path);
		r = fail(c, p, "expected a number > 0 and <= 1000");
		free(p);
		goto out;
	}
	cp->weight = wj ? wj->valuedouble : 1.0;

	if (og_parse_effort(effort, &cp->effort_minutes) < 0) {
		p = og_asprintf("%s.effort", path);
		r = fail(c, p, "expected a duration like \"10m\", \"2h\", \"3d\", \"1w\"");
		free(p);
		goto out;
	}
	cp->effort = og_effort_text(cp->effort_minutes);

	sol = cJSON_GetObjectItemCaseSensitive(j, "remediation");
	p = og_asprintf("%s.remediation", path);
	if (!cJSON_IsObject(sol))
		r = fail(c, p, "missing (an object with text, snippet, lang)");
	else if ((r = get_str(c, sol, "text", p, true, &cp->solution_text)) >= 0 &&
		 (r = get_str(c, sol, "snippet", p, false, &cp->snippet)) >= 0)
		r = get_str(c, sol, "lang", p, false, &cp->lang);
	free(p);
	if (r < 0)
		goto out;

	if ((r = get_array(c, j, "depends_on", path, 64, &arr)) < 0)
		goto out;
	if (arr) {
		cp->depends_on = og_xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
					    sizeof(char *));
		i = 0;
		cJSON_ArrayForEach(it, arr) {
			if (!cJSON_IsString(it) || !id_ok(it->valuestring)) {
				p = og_asprintf("%s.depends_on[%zu]", path, i);
				r = fail(c, p, "expected a capability id");
				free(p);
				goto out;
			}
			cp->depends_on[cp->n_depends_on++] = og_strdup0(it->valuestring);
			i++;
		}
	}

	if ((r = get_array(c, j, "tools", path, 64, &arr)) < 0)
		goto out;
	if (arr) {
		cp->tools = og_xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
				       sizeof(*cp->tools));
		i = 0;
		cJSON_ArrayForEach(it, arr) {
			p = og_asprintf("%s.tools[%zu]", path, i);
			r = parse_tool(c, it, p, &cp->tools[cp->n_tools++]);
			free(p);
			if (r < 0)
				goto out;
			i++;
		}
	}

	if ((r = parse_applicability(c, j, path, cp)) < 0)
		goto out;

	if (!cJSON_GetObjectItemCaseSensitive(j, "rule")) {
		p = og_asprintf("%s.rule", path);
		r = fail(c, p, "missing (all/any/not or a comparison)");
		free(p);
		goto out;
	}
	r = parse_rule_member(c, j, "rule", path, &cp->rule);
out:
	free(effort);
	return r;
}

static struct og_mm_cap *
find_cap(struct og_mm *mm, const char *id)
{
	for (size_t i = 0; i < mm->n_caps; i++)
		if (!strcmp(mm->caps[i].id, id))
			return &mm->caps[i];
	return NULL;
}

const struct og_mm_cap *
og_mm_cap(const struct og_mm *mm, const char *id)
{
	return find_cap((struct og_mm *)mm, id);
}

static struct og_mm_area *
find_area(struct og_mm *mm, const char *id)
{
	for (size_t i = 0; i < mm->n_areas; i++)
		if (!strcmp(mm->areas[i].id, id))
			return &mm->areas[i];
	return NULL;
}

static int
parse_areas(struct ctx *c, const cJSON *doc, struct og_mm *mm)
{
	const cJSON *arr, *it;
	char *p;
	size_t i = 0, first = mm->n_areas;
	int r;

	if ((r = get_array(c, doc, "areas", "$", OG_MM_AREAS_MAX, &arr)) < 0 ||
	    !arr)
		return r;
	cJSON_ArrayForEach(it, arr) {
		struct og_mm_area a = { 0 }, *old;

		p = og_asprintf("$.areas[%zu]", i++);
		if (!cJSON_IsObject(it))
			r = fail(c, p, "expected an object");
		else if ((r = get_id(c, it, p, &a.id)) >= 0)
			r = get_str(c, it, "name", p, true, &a.name);
		if (r >= 0 && (old = find_area(mm, a.id)) &&
		    (size_t)(old - mm->areas) >= first) {
			char *q = og_asprintf("%s.id", p);
			r = fail(c, q, "duplicate area id");
			free(q);
		}
		free(p);
		if (r < 0) {
			free(a.id);
			free(a.name);
			return r;
		}
		if ((old = find_area(mm, a.id))) {
			free(old->name);
			old->name = a.name;
			free(a.id);
			continue;
		}
		if (mm->n_areas >= OG_MM_AREAS_MAX) {
			free(a.id);
			free(a.name);
			return fail(c, "$.areas", "too many areas");
		}
		mm->areas = og_xrealloc_array(mm->areas, mm->n_areas + 1,
					      sizeof(*mm->areas));
		mm->areas[mm->n_areas++] = a;
	}
	return 0;
}

static int
parse_levels_phases(struct ctx *c, const cJSON *doc, struct og_mm *mm)
{
	const cJSON *arr, *it;
	char *p;
	size_t i = 0;
	int r;

	if ((r = get_array(c, doc, "levels", "$", OG_LEVEL_MAX, &arr)) < 0)
		return r;
	cJSON_ArrayForEach(it, arr) {
		int lv = 0;

		p = og_asprintf("$.levels[%zu]", i++);
		if (!cJSON_IsObject(it))
			r = fail(c, p, "expected an object");
		else if ((r = get_int(c, it, "level", p, 1, OG_LEVEL_MAX, true, &lv)) >= 0 &&
			 (r = get_str(c, it, "name", p, true, &mm->levels[lv - 1].name)) >= 0)
			r = get_str(c, it, "summary", p, false, &mm->levels[lv - 1].summary);
		free(p);
		if (r < 0)
			return r;
	}
	if ((r = get_array(c, doc, "phases", "$", 100, &arr)) < 0)
		return r;
	i = 0;
	cJSON_ArrayForEach(it, arr) {
		int ph = 0;
		struct og_mm_phase *dst = NULL;

		p = og_asprintf("$.phases[%zu]", i++);
		if (!cJSON_IsObject(it))
			r = fail(c, p, "expected an object");
		else
			r = get_int(c, it, "phase", p, 1, 100, true, &ph);
		if (r >= 0) {
			for (size_t k = 0; k < mm->n_phases; k++)
				if (mm->phases[k].phase == ph)
					dst = &mm->phases[k];
			if (!dst) {
				mm->phases = og_xrealloc_array(mm->phases, mm->n_phases + 1,
							       sizeof(*mm->phases));
				dst = &mm->phases[mm->n_phases++];
				*dst = (struct og_mm_phase){ .phase = ph };
			}
			r = get_str(c, it, "name", p, true, &dst->name);
		}
		free(p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
parse_caps(struct ctx *c, const cJSON *doc, struct og_mm *mm, bool extension)
{
	const cJSON *arr, *it;
	size_t i = 0, first = mm->n_caps;
	int r;

	if ((r = get_array(c, doc, "capabilities", "$", OG_MM_CAPS_MAX, &arr)) < 0)
		return r;
	if (!arr && !extension)
		return fail(c, "$.capabilities", "missing (an array is required)");
	if (!arr)
		return 0;
	cJSON_ArrayForEach(it, arr) {
		struct og_mm_cap cp = { 0 }, *old;
		char *p = og_asprintf("$.capabilities[%zu]", i++);

		r = parse_cap(c, it, p, &cp);
		if (extension)
			cp.origin = og_strdup0(c->file);
		if (r >= 0 && (old = find_cap(mm, cp.id)) &&
		    (size_t)(old - mm->caps) >= first) {
			char *q = og_asprintf("%s.id", p);
			r = fail(c, q, "duplicate capability id");
			free(q);
		}
		free(p);
		if (r < 0) {
			cap_fini(&cp);
			return r;
		}
		if ((old = find_cap(mm, cp.id))) {
			cap_fini(old);
			*old = cp;
			continue;
		}
		if (mm->n_caps >= OG_MM_CAPS_MAX) {
			cap_fini(&cp);
			return fail(c, "$.capabilities", "too many capabilities");
		}
		mm->caps = og_xrealloc_array(mm->caps, mm->n_caps + 1,
					     sizeof(*mm->caps));
		mm->caps[mm->n_caps++] = cp;
	}
	return 0;
}

static int
parse_disable(struct ctx *c, const cJSON *doc, struct og_mm *mm)
{
	const cJSON *arr, *it;
	size_t i = 0;
	int r;

	if ((r = get_array(c, doc, "disable", "$", OG_MM_CAPS_MAX, &arr)) < 0 || !arr)
		return r;
	cJSON_ArrayForEach(it, arr) {
		struct og_mm_cap *cp;
		char *p = og_asprintf("$.disable[%zu]", i++);

		if (!cJSON_IsString(it) || !(cp = find_cap(mm, it->valuestring))) {
			r = fail(c, p, "expected the id of a capability defined earlier");
			free(p);
			return r;
		}
		free(p);
		cap_fini(cp);
		memmove(cp, cp + 1, (size_t)(mm->caps + mm->n_caps - cp - 1) * sizeof(*cp));
		mm->n_caps--;
	}
	return 0;
}

/* "collectors": {name: {"connect": "…"}}; a later file (a plugin's
 * fragment) replaces a name's words. */
static int
parse_collectors(struct ctx *c, const cJSON *doc, struct og_mm *mm)
{
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(doc, "collectors");
	const cJSON *it;
	int r = 0;

	if (!obj)
		return 0;
	if (!cJSON_IsObject(obj))
		return fail(c, "$.collectors", "expected an object {name: {\"connect\": text}}");
	cJSON_ArrayForEach(it, obj) {
		char *path = og_asprintf("$.collectors.%s", it->string), *connect = NULL;
		size_t at;

		if (!cJSON_IsObject(it))
			r = fail(c, path, "expected an object");
		else
			r = get_str(c, it, "connect", path, true, &connect);
		free(path);
		if (r < 0)
			return r;
		for (at = 0; at < mm->n_collectors && strcmp(mm->collectors[at].name, it->string); at++)
			;
		if (at == mm->n_collectors) {
			if (mm->n_collectors >= OG_MM_CAPS_MAX) {
				free(connect);
				return fail(c, "$.collectors", "too many collectors");
			}
			mm->collectors = og_xrealloc_array(mm->collectors, ++mm->n_collectors,
							   sizeof(*mm->collectors));
			mm->collectors[at].name = og_strdup0(it->string);
		} else {
			free(mm->collectors[at].connect);
		}
		mm->collectors[at].connect = connect;
	}
	return 0;
}

const char *
og_mm_connect(const struct og_mm *mm, const char *name)
{
	for (size_t i = 0; mm && name && i < mm->n_collectors; i++)
		if (!strcmp(mm->collectors[i].name, name))
			return mm->collectors[i].connect;
	return NULL;
}

/* "kpis": [{id, name, fact, unit, direction, target, decimals?,
 * target_text?, unmeasured?}], a KPI over one number fact; a known id
 * is replaced.  unmeasured: the reason shown when no collector reported
 * the fact ("no coverage report given (--coverage FILE)"). */
static int
parse_kpis(struct ctx *c, const cJSON *doc, struct og_mm *mm)
{
	const cJSON *arr, *j;
	size_t i = 0;
	int r;

	if ((r = get_array(c, doc, "kpis", "$", OG_MM_CAPS_MAX, &arr)) < 0)
		return r;
	cJSON_ArrayForEach(j, arr) {
		struct og_mm_kpi k = { .decimals = 1 };
		const cJSON *dir = cJSON_GetObjectItemCaseSensitive(j, "direction");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "target");
		char *path = og_asprintf("$.kpis[%zu]", i++);
		size_t at;

		if (!cJSON_IsObject(j))
			r = fail(c, path, "expected an object");
		else if ((r = get_id(c, j, path, &k.id)) < 0 ||
			 (r = get_str(c, j, "name", path, true, &k.name)) < 0 ||
			 (r = get_str(c, j, "fact", path, true, &k.fact)) < 0 ||
			 (r = get_str(c, j, "unit", path, true, &k.unit)) < 0 ||
			 (r = get_str(c, j, "target_text", path, false,
				      &k.target_text)) < 0 ||
			 (r = get_str(c, j, "unmeasured", path, false,
				      &k.unmeasured)) < 0 ||
			 (r = get_int(c, j, "decimals", path, 0, 6, false,
				      &k.decimals)) < 0)
			;
		else if (!cJSON_IsString(dir) || (strcmp(dir->valuestring, "min") &&
						  strcmp(dir->valuestring, "max")))
			r = fail(c, path, "direction: expected \"min\" (the "
				 "target is a minimum) or \"max\"");
		else if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble))
			r = fail(c, path, "target: expected a number");
		free(path);
		if (r < 0) {
			free(k.id);
			free(k.name);
			free(k.fact);
			free(k.unit);
			free(k.target_text);
			free(k.unmeasured);
			return r;
		}
		k.max = !strcmp(dir->valuestring, "max");
		k.target = t->valuedouble;
		for (at = 0; at < mm->n_kpis && strcmp(mm->kpis[at].id, k.id); at++)
			;
		if (at == mm->n_kpis)
			mm->kpis = og_xrealloc_array(mm->kpis, ++mm->n_kpis,
						     sizeof(*mm->kpis));
		else
			og_mm_kpi_fini(&mm->kpis[at]);
		mm->kpis[at] = k;
	}
	return 0;
}

/* A list of fact keys the engine reads by meaning ("scan_facts"),
 * appended to across files. */
static int
parse_keys(struct ctx *c, const cJSON *doc, const char *key, char ***v,
	   size_t *n)
{
	const cJSON *arr, *j;
	int r;

	if ((r = get_array(c, doc, key, "$", OG_MM_CAPS_MAX, &arr)) < 0)
		return r;
	cJSON_ArrayForEach(j, arr) {
		if (!cJSON_IsString(j) || !*j->valuestring) {
			char *p = og_asprintf("$.%s", key);

			r = fail(c, p, "expected fact keys (strings)");
			free(p);
			return r;
		}
		*v = og_xrealloc_array(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = og_strdup0(j->valuestring);
	}
	return 0;
}

void
og_mm_kpi_fini(struct og_mm_kpi *k)
{
	free(k->id);
	free(k->name);
	free(k->fact);
	free(k->unit);
	free(k->target_text);
	free(k->unmeasured);
}

int
og_mm_parse(const char *name, const char *text, struct og_mm *mm,
	    bool extension, char **ret_err)
{
	struct ctx c = { .file = name, .err = ret_err };
	size_t off = 0;
	cJSON *doc = og_json_parse(text, strlen(text), false, NULL, &off);
	int r;

	if (!doc) {
		*ret_err = og_asprintf("%s: not valid JSON (near byte %zu)", name, off);
		return -EINVAL;
	}
	if (!cJSON_IsObject(doc)) {
		r = fail(&c, "$", "expected an object");
		goto out;
	}
	if (!extension) {
		if ((r = get_str(&c, doc, "id", "$", true, &mm->id)) < 0 ||
		    (r = get_str(&c, doc, "version", "$", true, &mm->version)) < 0)
			goto out;
	}
	if ((r = parse_levels_phases(&c, doc, mm)) < 0 ||
	    (r = parse_areas(&c, doc, mm)) < 0 ||
	    (r = parse_caps(&c, doc, mm, extension)) < 0 ||
	    (r = parse_disable(&c, doc, mm)) < 0 ||
	    (r = parse_kpis(&c, doc, mm)) < 0 ||
	    (r = parse_collectors(&c, doc, mm)) < 0 ||
	    (r = parse_keys(&c, doc, "scan_facts", &mm->scan_facts,
			    &mm->n_scan_facts)) < 0 ||
	    (r = parse_keys(&c, doc, "incident_facts", &mm->incident_facts,
			    &mm->n_incident_facts)) < 0)
		goto out;
	for (cJSON *it = doc->child; it; it = it->next) {
		static const char *const known[] = {
			"schema", "id", "version", "description", "levels", "phases",
			"areas", "capabilities", "disable", "kpis", "scan_facts",
			"incident_facts", "collectors", NULL,
		};
		bool ok = false;

		for (size_t k = 0; known[k]; k++)
			ok = ok || !strcmp(known[k], it->string);
		if (!ok) {
			char *p = og_asprintf("$.%s", it->string);
			r = fail(&c, p, "unknown key");
			free(p);
			goto out;
		}
	}
	r = 0;
out:
	cJSON_Delete(doc);
	return r;
}

/* Depth-first cycle check over depends_on; colour 1 = on stack. */
static bool
dep_cycle(struct og_mm *mm, size_t i, unsigned char *colour)
{
	if (colour[i] == 2)
		return false;
	if (colour[i] == 1)
		return true;
	colour[i] = 1;
	for (size_t k = 0; k < mm->caps[i].n_depends_on; k++) {
		struct og_mm_cap *d = find_cap(mm, mm->caps[i].depends_on[k]);

		if (d && dep_cycle(mm, (size_t)(d - mm->caps), colour))
			return true;
	}
	colour[i] = 2;
	return false;
}

int
og_mm_finish(struct og_mm *mm, char **ret_err)
{
	unsigned char *colour;

	for (int l = 0; l < OG_LEVEL_MAX; l++) {
		mm->levels[l].level = l + 1;
		if (!mm->levels[l].name)
			mm->levels[l].name = og_strdup0(default_level_names[l]);
	}
	if (!mm->n_areas) {
		*ret_err = og_asprintf("%s: $.areas: no areas defined", mm->path);
		return -EINVAL;
	}
	for (size_t i = 0; i < mm->n_caps; i++) {
		struct og_mm_cap *cp = &mm->caps[i];
		bool phase_ok = !mm->n_phases;

		if (!find_area(mm, cp->area)) {
			*ret_err = og_asprintf("%s: capability %s: area \"%s\" is not defined in $.areas",
					       mm->path, cp->id, cp->area);
			return -EINVAL;
		}
		for (size_t k = 0; k < mm->n_phases; k++)
			phase_ok = phase_ok || mm->phases[k].phase == cp->phase;
		if (!phase_ok) {
			*ret_err = og_asprintf("%s: capability %s: phase %d is not defined in $.phases",
					       mm->path, cp->id, cp->phase);
			return -EINVAL;
		}
		for (size_t k = 0; k < cp->n_depends_on; k++)
			if (!find_cap(mm, cp->depends_on[k])) {
				*ret_err = og_asprintf("%s: capability %s: depends_on[%zu]: unknown capability \"%s\"",
						       mm->path, cp->id, k, cp->depends_on[k]);
				return -EINVAL;
			}
	}
	colour = og_xcalloc(mm->n_caps + 1, 1);
	for (size_t i = 0; i < mm->n_caps; i++)
		if (dep_cycle(mm, i, colour)) {
			*ret_err = og_asprintf("%s: capability %s: depends_on forms a cycle",
					       mm->path, mm->caps[i].id);
			free(colour);
			return -EINVAL;
		}
	free(colour);
	return 0;
}

static int
load_one(const char *path, struct og_mm *mm, bool extension,
	 struct og_sha256 *sha, char **ret_err)
{
	char *text = NULL;
	size_t len;
	int r = og_read_file(path, OG_MM_FILE_MAX, &text, &len);

	if (r < 0) {
		*ret_err = og_asprintf("%s: cannot read maturity model: %s", path,
				       r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
		return r;
	}
	if (strlen(text) != len) {
		*ret_err = og_asprintf("%s: contains a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	/* each file's length first: the digest of two files cannot equal
	 * that of one file holding both */
	og_sha256_update(sha, &(uint64_t){ len }, sizeof(uint64_t));
	og_sha256_update(sha, text, len);
	r = og_mm_parse(path, text, mm, extension, ret_err);
	free(text);
	return r;
}

int
og_mm_load(const char *path, const char *const *extra, size_t n_extra,
	   struct og_mm **ret_mm, char **ret_err)
{
	struct og_mm *mm = og_xcalloc(1, sizeof(*mm));
	struct og_sha256 sha;
	unsigned char sum[32];
	char *err = NULL;
	int r;

	og_sha256_init(&sha);
	if (n_extra > OG_MM_EXTRA_MAX) {
		*ret_err = og_asprintf("assessment.extra_models: at most %d files",
				       OG_MM_EXTRA_MAX);
		og_mm_free(mm);
		return -E2BIG;
	}
	mm->path = og_strdup0(path);
	if ((r = load_one(path, mm, false, &sha, &err)) < 0)
		goto fail;
	for (size_t i = 0; i < n_extra; i++) {
		char *joined;

		if ((r = load_one(extra[i], mm, true, &sha, &err)) < 0)
			goto fail;
		joined = og_asprintf("%s, %s", mm->path, extra[i]);
		free(mm->path);
		mm->path = joined;
	}
	if ((r = og_mm_finish(mm, &err)) < 0)
		goto fail;
	og_sha256_final(&sha, sum);
	memcpy(mm->digest, "sha256:", 7);
	for (size_t i = 0; i < sizeof(sum); i++)
		snprintf(mm->digest + 7 + 2 * i, 3, "%02x", sum[i]);
	*ret_mm = mm;
	return 0;
fail:
	og_mm_free(mm);
	*ret_err = err;
	return r;
}

struct og_mm *
og_mm_free(struct og_mm *mm)
{
	if (!mm)
		return NULL;
	free(mm->id);
	free(mm->version);
	free(mm->path);
	for (int l = 0; l < OG_LEVEL_MAX; l++) {
		free(mm->levels[l].name);
		free(mm->levels[l].summary);
	}
	for (size_t i = 0; i < mm->n_areas; i++) {
		free(mm->areas[i].id);
		free(mm->areas[i].name);
	}
	free(mm->areas);
	for (size_t i = 0; i < mm->n_phases; i++)
		free(mm->phases[i].name);
	free(mm->phases);
	for (size_t i = 0; i < mm->n_caps; i++)
		cap_fini(&mm->caps[i]);
	free(mm->caps);
	for (size_t i = 0; i < mm->n_kpis; i++)
		og_mm_kpi_fini(&mm->kpis[i]);
	free(mm->kpis);
	for (size_t i = 0; i < mm->n_scan_facts; i++)
		free(mm->scan_facts[i]);
	free(mm->scan_facts);
	for (size_t i = 0; i < mm->n_incident_facts; i++)
		free(mm->incident_facts[i]);
	free(mm->incident_facts);
	for (size_t i = 0; i < mm->n_collectors; i++) {
		free(mm->collectors[i].name);
		free(mm->collectors[i].connect);
	}
	free(mm->collectors);
	free(mm);
	return NULL;
}
