/*
 * og_assess(): config + merged model -> `assessment` and `gates`.
 *
 * Order matters: the security picture and the KPIs are computed first
 * because they add derived facts (findings.open.*, kpi.*) that capability
 * rules may read; then every capability is evaluated once and the level,
 * areas, gaps, roadmap, quick wins and costs are derived from those
 * statuses.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "assess-int.h"
#include "config.h"
#include "conf.h"
#include "util.h"

#define MODEL_FILE	"maturity-model.json"

static char *
default_model_path(void)
{
	const char *env = getenv("OPSGRADE_DATA_DIR");
	char *p;

	if (env && *env)
		return og_asprintf("%s/%s", env, MODEL_FILE);
	p = og_asprintf("%s/%s", OG_DATADIR, MODEL_FILE);
	if (!access(p, R_OK))
		return p;
	free(p);
	/* running from the build tree, not installed */
	return og_asprintf("%s/%s", OG_SOURCE_DATADIR, MODEL_FILE);
}

struct opts {
	char *model;
	char **extra;
	size_t n_extra;
	double threshold;
	int window_days;
	int band_year;
	const cJSON *targets;
	const char *kind;	/* config project.kind, validated */
	const char *attestations;	/* file, may be NULL */
};

static int
cfg_err(char **ret_err, const char *key, const char *what)
{
	*ret_err = og_asprintf("assessment.%s: %s", key, what);
	return -EINVAL;
}

static int
read_opts(const cJSON *config, struct opts *o, char **ret_err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(config, "assessment"), *j;
	double v;

	o->threshold = 0.8;
	o->window_days = 90;
	o->band_year = 2023;
	if (a && !cJSON_IsObject(a))
		return cfg_err(ret_err, "", "expected an object");

	j = cJSON_GetObjectItemCaseSensitive(a, "model");
	if (j && (!cJSON_IsString(j) || !*j->valuestring))
		return cfg_err(ret_err, "model", "expected a file name");
	o->model = j ? og_strdup0(j->valuestring) : default_model_path();

	j = cJSON_GetObjectItemCaseSensitive(a, "extra_models");
	if (cJSON_IsString(j)) {
		o->extra = og_xcalloc(1, sizeof(char *));
		o->extra[o->n_extra++] = og_strdup0(j->valuestring);
	} else if (cJSON_IsArray(j)) {
		const cJSON *it;

		o->extra = og_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(char *));
		cJSON_ArrayForEach(it, j) {
			if (!cJSON_IsString(it))
				return cfg_err(ret_err, "extra_models", "expected file names");
			o->extra[o->n_extra++] = og_strdup0(it->valuestring);
		}
	} else if (j) {
		return cfg_err(ret_err, "extra_models", "expected a file name or a list of them");
	}

	if ((j = cJSON_GetObjectItemCaseSensitive(a, "threshold"))) {
		if (!og_jnum(j, &v) || !(v > 0) || v > 1)
			return cfg_err(ret_err, "threshold", "expected a number > 0 and <= 1");
		o->threshold = v;
	}
	if ((j = cJSON_GetObjectItemCaseSensitive(a, "window_days"))) {
		if (!og_jnum(j, &v) || v != floor(v) || v < 1 || v > 3650)
			return cfg_err(ret_err, "window_days", "expected whole days, 1-3650");
		o->window_days = (int)v;
	}
	if ((j = cJSON_GetObjectItemCaseSensitive(a, "band_year"))) {
		if (!og_jnum(j, &v) || (v != 2021 && v != 2023))
			return cfg_err(ret_err, "band_year", "expected 2021 or 2023");
		o->band_year = (int)v;
	}
	if ((j = cJSON_GetObjectItemCaseSensitive(a, "targets"))) {
		if (!cJSON_IsObject(j))
			return cfg_err(ret_err, "targets", "expected an object {kpi: number}");
		o->targets = j;
	}
	j = og_config_get(config, "attestations");
	if (j && (!cJSON_IsString(j) || !*j->valuestring)) {
		*ret_err = og_strdup0("attestations: expected a file name");
		return -EINVAL;
	}
	o->attestations = j ? j->valuestring : NULL;
	j = og_config_get(config, "project.kind");
	if (j) {
		if (!cJSON_IsString(j) || og_kind_from_name(j->valuestring) == OG_KIND_UNKNOWN) {
			*ret_err = og_strdup0("project.kind: expected one of service, library, "
					      "cli, infrastructure, monorepo");
			return -EINVAL;
		}
		o->kind = j->valuestring;
	}
	return 0;
}

static void
opts_fini(struct opts *o)
{
	free(o->model);
	for (size_t i = 0; i < o->n_extra; i++)
		free(o->extra[i]);
	free(o->extra);
}

/*
 * An extension's capability (extra_models, a plugin's fragment) must be
 * observed by a collector of this run or by "assessment": a mistyped
 * observed_by would otherwise leave it "unknown" for ever with a hint
 * naming a collector that does not exist.  The bundled model may name
 * collectors that are not installed (its hint says to enable them).
 */
static int
check_observers(const struct og_mm *mm, const cJSON *collectors, char **ret_err)
{
	for (size_t i = 0; i < mm->n_caps; i++) {
		const struct og_mm_cap *cp = &mm->caps[i];
		const cJSON *it;
		bool known = !cp->origin || !strcmp(cp->observed_by, "assessment");

		cJSON_ArrayForEach(it, collectors) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

			known = known || (cJSON_IsString(n) &&
					  !strcmp(n->valuestring, cp->observed_by));
		}
		if (!known) {
			*ret_err = og_asprintf("%s: capability %s: observed_by '%s' is "
					       "no collector of this run (see "
					       "'opsgrade plugins') nor \"assessment\"",
					       cp->origin, cp->id, cp->observed_by);
			return -EINVAL;
		}
	}
	return 0;
}

static void
collect_ran(const cJSON *collectors, struct og_fact_env *env)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, collectors) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "status");

		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(it, "message");
		bool failed;

		if (!cJSON_IsString(n) || !cJSON_IsString(s))
			continue;
		failed = !strcmp(s->valuestring, "failed");
		if (failed || !strcmp(s->valuestring, "partial")) {
			size_t k = env->n_trouble++;

			env->trouble_name = og_xrealloc_array(env->trouble_name, k + 1,
							      sizeof(char *));
			env->trouble_text = og_xrealloc_array(env->trouble_text, k + 1,
							      sizeof(char *));
			env->trouble_name[k] = og_strdup0(n->valuestring);
			env->trouble_text[k] = og_asprintf(
				"the %s collector %s%s%s", n->valuestring,
				failed ? "failed" : "was partial",
				cJSON_IsString(msg) && *msg->valuestring ? ": " : "",
				cJSON_IsString(msg) ? msg->valuestring : "");
		}
		if (failed || (strcmp(s->valuestring, "ok") && strcmp(s->valuestring, "partial")))
			continue;
		env->ran = og_xrealloc_array(env->ran, env->n_ran + 1, sizeof(char *));
		env->ran[env->n_ran++] = og_strdup0(n->valuestring);
	}
}

static char *
area_names(const struct og_mm *mm, const cJSON *ids, size_t max)
{
	char *s = og_strdup0("");
	const cJSON *it;
	size_t n = 0;

	cJSON_ArrayForEach(it, ids) {
		const char *name = it->valuestring;
		char *t;

		for (size_t a = 0; a < mm->n_areas; a++)
			if (!strcmp(mm->areas[a].id, it->valuestring))
				name = mm->areas[a].name;
		if (n == max) {
			t = og_asprintf("%s and others", s);
		} else {
			t = og_asprintf("%s%s%s", s, n ? ", " : "", name);
		}
		free(s);
		s = t;
		if (n++ == max)
			break;
	}
	return s;
}

static char *
append(char *s, char *t)
{
	char *r = og_asprintf("%s%s", s, t);

	free(s);
	free(t);
	return r;
}

static char *
summary_text(const struct og_scored *sc, const cJSON *strengths,
	     const cJSON *improvements, const cJSON *blind, const cJSON *gaps,
	     const cJSON *next, const cJSON *coverage)
{
	const cJSON *cov = cJSON_GetObjectItemCaseSensitive(coverage, "percent");
	const struct og_mm *mm = sc->mm;
	size_t n[OG_CAP_NSTATUS] = { 0 }, crit = 0, app, k = 0;
	char *st = area_names(mm, strengths, 4), *im = area_names(mm, improvements, 4);
	char *bl = area_names(mm, blind, 4);
	char *s;
	const cJSON *it;

	for (size_t i = 0; i < mm->n_caps; i++) {
		n[sc->status[i]]++;
		k += sc->status[i] == OG_CAP_UNKNOWN && mm->caps[i].level > sc->level &&
		     mm->caps[i].level <= sc->possible_level;
	}
	app = n[OG_CAP_MET] + n[OG_CAP_MISSING] + n[OG_CAP_UNKNOWN];
	cJSON_ArrayForEach(it, gaps)
		crit += cJSON_GetObjectItemCaseSensitive(it, "priority")->valueint == 1;
	s = og_asprintf("Confirmed maturity: Level %d (%s), counting only what was observed.",
			sc->level, mm->levels[sc->level - 1].name);
	if (sc->possible_level > sc->level)
		s = append(s, og_asprintf(" Up to Level %d once %zu unobserved capabilit%s "
					  "confirmed or attested.", sc->possible_level, k,
					  k == 1 ? "y is" : "ies are"));
	s = append(s, og_asprintf(" Of %zu applicable capabilities, %zu are met, %zu missing "
				  "and %zu could not be observed (coverage %.1f%% by weight)", app,
				  n[OG_CAP_MET], n[OG_CAP_MISSING], n[OG_CAP_UNKNOWN],
				  cJSON_IsNumber(cov) ? cov->valuedouble : 0.0));
	s = append(s, n[OG_CAP_NA] ? og_asprintf("; %zu do not apply to this project.",
						 n[OG_CAP_NA])
				   : og_strdup0("."));
	if (*st)
		s = append(s, og_asprintf(" Strengths: %s.", st));
	if (*im)
		s = append(s, og_asprintf(" Areas for improvement: %s.", im));
	if (*bl)
		s = append(s, og_asprintf(" Mostly not observed: %s.", bl));
	if (crit)
		s = append(s, og_asprintf(" %zu critical gap%s.", crit, crit == 1 ? "" : "s"));
	if (cJSON_IsObject(next)) {
		char *t = og_next_level_text(next);

		if (*t) {
			s = append(s, og_strdup0(" "));
			s = append(s, og_strdup0(t));
		}
		free(t);
	}
	free(st);
	free(im);
	free(bl);
	return s;
}

/*
 * Each area's completeness as every output prints it ("83.3%", "100%",
 * "not measured"): computed once here, so every renderer
 * can't round one figure two ways.
 */
static void
add_area_displays(cJSON *areas)
{
	cJSON *a;

	cJSON_ArrayForEach(a, areas) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "completeness");
		char buf[32];

		/* null only when nothing in the area applies: that is not a
		 * measurement that failed, and every renderer shows this text */
		if (!cJSON_IsNumber(c))
			snprintf(buf, sizeof(buf), "nothing applies");
		else if (c->valuedouble == floor(c->valuedouble))
			snprintf(buf, sizeof(buf), "%.0f%%", c->valuedouble);
		else
			snprintf(buf, sizeof(buf), "%.1f%%", c->valuedouble);
		cJSON_AddStringToObject(a, "display", buf);
	}
}

static cJSON *
project_json(int kind, const char *source, const struct og_fact_env *env)
{
	cJSON *o = cJSON_CreateObject();
	const struct og_model_fact *f = og_env_fact(env, "project.kind");

	if (kind == OG_KIND_UNKNOWN) {
		cJSON_AddNullToObject(o, "kind");
		cJSON_AddNullToObject(o, "source");
		cJSON_AddStringToObject(o, "evidence",
					"not determined: capabilities that depend on it count "
					"as unknown (set project.kind in the config)");
		return o;
	}
	cJSON_AddStringToObject(o, "kind", og_kind_name(kind));
	cJSON_AddStringToObject(o, "description", og_kind_phrase(kind));
	cJSON_AddStringToObject(o, "source", source);
	if (!strcmp(source, "config"))
		cJSON_AddStringToObject(o, "evidence", "project.kind in the config");
	else if (f && f->evidence)
		cJSON_AddStringToObject(o, "evidence", f->evidence);
	else
		cJSON_AddNullToObject(o, "evidence");
	return o;
}

int
og_assess_ex(struct og_model *m, const cJSON *config, const cJSON *collectors,
	     const char *const *fragments, size_t n_fragments, int64_t now,
	     cJSON **ret_assessment, cJSON **ret_gates, char **ret_err)
{
	struct opts o = { 0 };
	struct og_mm *mm = NULL;
	struct og_fact_env env = { .m = m };
	struct og_scored sc = { 0 };
	struct og_attest_set attest = { 0 };
	struct og_kpi_opts ko;
	cJSON *as = NULL, *gates = NULL, *kpis = NULL, *security, *levels, *next;
	cJSON *areas, *strengths, *improvements, *blind, *gaps, *mj, *portfolio = NULL;
	const char *kind_source;
	cJSON *cov;
	int kind;
	struct og_portfolio_opts po;
	char *err = NULL, *summary;
	int r;

	if ((r = read_opts(config, &o, &err)) < 0)
		goto out;
	/* the model fragments installed next to plugins extend the model
	 * like extra_models, after them */
	if (n_fragments) {
		o.extra = og_xrealloc_array(o.extra, o.n_extra + n_fragments + 1,
					    sizeof(char *));
		for (size_t i = 0; i < n_fragments; i++)
			o.extra[o.n_extra++] = og_strdup0(fragments[i]);
	}
	if ((r = og_mm_load(o.model, (const char *const *)o.extra, o.n_extra, &mm, &err)) < 0)
		goto out;
	if ((r = og_attest_load(o.attestations, mm, &attest, &err)) < 0)
		goto out;
	if (collectors && (r = check_observers(mm, collectors, &err)) < 0)
		goto out;
	env.mm = mm;
	collect_ran(collectors, &env);

	security = og_security(m, &env);
	ko = (struct og_kpi_opts){
		.now = now, .window_days = o.window_days, .band_year = o.band_year,
		.targets = o.targets,
	};
	if ((r = og_kpis(m, &ko, &env, &kpis, &err)) < 0) {
		cJSON_Delete(security);
		goto out;
	}

	po = (struct og_portfolio_opts){ .threshold = o.threshold, .kpi = ko };
	if ((r = og_portfolio(mm, m, &po, &portfolio, &err)) < 0) {
		cJSON_Delete(security);
		goto out;
	}

	sc.threshold = o.threshold;
	kind = og_project_kind(o.kind, &env, &kind_source);
	og_score_caps(mm, &env, kind, &attest, now, &sc);
	levels = og_score_levels(&sc, &next);
	areas = og_score_areas(&sc, &strengths, &improvements, &blind);
	gaps = og_gaps(&sc, &env);

	as = cJSON_CreateObject();
	mj = cJSON_AddObjectToObject(as, "model");
	cJSON_AddStringToObject(mj, "id", mm->id);
	cJSON_AddStringToObject(mj, "version", mm->version);
	cJSON_AddStringToObject(mj, "path", mm->path);
	cJSON_AddStringToObject(mj, "digest", mm->digest);
	cJSON_AddNumberToObject(as, "threshold", o.threshold);
	cJSON_AddItemToObject(as, "project", project_json(kind, kind_source, &env));
	cJSON_AddNumberToObject(as, "level", sc.level);
	cJSON_AddStringToObject(as, "level_name", mm->levels[sc.level - 1].name);
	cJSON_AddItemToObject(as, "possible_level", og_score_possible(&sc));
	cov = og_score_coverage(&sc);
	cJSON_AddItemToObject(as, "coverage", cov);
	cJSON_AddItemToObject(as, "levels", levels);
	cJSON_AddItemToObject(as, "next_level", next);
	summary = summary_text(&sc, strengths, improvements, blind, gaps, next, cov);
	cJSON_AddStringToObject(as, "summary", summary);
	free(summary);
	add_area_displays(areas);
	cJSON_AddItemToObject(as, "areas", areas);
	cJSON_AddItemToObject(as, "strengths", strengths);
	cJSON_AddItemToObject(as, "improvements", improvements);
	cJSON_AddItemToObject(as, "blind_spots", blind);
	cJSON_AddItemToObject(as, "strength_rule", og_score_strength_rule());
	cJSON_AddItemToObject(as, "attestations", og_attest_summary(&sc, &attest));
	cJSON_AddItemToObject(as, "capabilities", og_score_capabilities(&sc, &env));
	cJSON_AddItemToObject(as, "top_actions", og_top_actions(gaps));
	cJSON_AddItemToObject(as, "gaps", gaps);
	cJSON_AddItemToObject(as, "roadmap", og_roadmap(&sc));
	cJSON_AddItemToObject(as, "quick_wins", og_quick_wins(&sc));
	cJSON_AddItemToObject(as, "costs", og_costs(&sc));
	cJSON_AddNumberToObject(as, "window_days", o.window_days);
	cJSON_AddNumberToObject(as, "band_year", o.band_year);
	cJSON_AddItemToObject(as, "kpis", kpis);
	kpis = NULL;
	cJSON_AddItemToObject(as, "security", security);
	if (portfolio)
		cJSON_AddItemToObject(as, "portfolio", portfolio);
	portfolio = NULL;

	if ((r = og_gates(cJSON_GetObjectItemCaseSensitive(config, "gates"), as, m,
			  &gates, &err)) < 0)
		goto out;
	cJSON_AddItemToObject(as, "decision", og_decision(as, gates));
	*ret_assessment = as;
	*ret_gates = gates;
	as = NULL;
	r = 0;
out:
	cJSON_Delete(as);
	cJSON_Delete(kpis);
	cJSON_Delete(portfolio);
	og_scored_fini(&sc);
	og_attest_fini(&attest);
	og_env_fini(&env);
	og_mm_free(mm);
	opts_fini(&o);
	if (r < 0)
		*ret_err = err;
	return r;
}

int
og_assess(struct og_model *m, const cJSON *config, const cJSON *collectors,
	  int64_t now, cJSON **ret_assessment, cJSON **ret_gates,
	  char **ret_err)
{
	return og_assess_ex(m, config, collectors, NULL, 0, now, ret_assessment,
			    ret_gates, ret_err);
}
