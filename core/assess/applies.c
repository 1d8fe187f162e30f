/*
 * Applicability: does a capability apply to the assessed project at all?
 *
 * A capability names the project kinds it applies to (`kinds`) and may
 * add a condition on facts (`applies_when`).  Both are three-valued: when
 * the kind or the condition cannot be told, applicability is unknown, and
 * the capability then counts as unknown (applicable, not met) whatever
 * its rule says.  That keeps the scores monotone: learning that something
 * does not apply may raise a figure, not knowing it never does.
 */
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

static const struct {
	const char *name;
	const char *phrase;
} kinds[OG_KIND_COUNT] = {
	[OG_KIND_SERVICE] = { "service", "a deployable service" },
	[OG_KIND_LIBRARY] = { "library", "a library" },
	[OG_KIND_CLI] = { "cli", "a command-line tool" },
	[OG_KIND_IAC_MODULE] = { "infrastructure", "an infrastructure module" },
	[OG_KIND_MONOREPO] = { "monorepo", "a monorepo" },
};

int
og_kind_from_name(const char *s)
{
	for (int k = 0; s && k < OG_KIND_COUNT; k++)
		if (!strcmp(kinds[k].name, s))
			return k;
	/* the name the first drafts of the model used */
	if (s && !strcmp(s, "iac-module"))
		return OG_KIND_IAC_MODULE;
	return OG_KIND_UNKNOWN;
}

const char *
og_kind_name(int kind)
{
	return kind >= 0 && kind < OG_KIND_COUNT ? kinds[kind].name : NULL;
}

const char *
og_kind_phrase(int kind)
{
	return kind >= 0 && kind < OG_KIND_COUNT ? kinds[kind].phrase
						 : "a project of unknown kind";
}

int
og_project_kind(const char *override, const struct og_fact_env *env,
		const char **ret_source)
{
	const struct og_model_fact *f;
	int k;

	*ret_source = NULL;
	if (override && (k = og_kind_from_name(override)) != OG_KIND_UNKNOWN) {
		*ret_source = "config";
		return k;
	}
	f = og_env_fact(env, "project.kind");
	if (!f || f->type != OG_VALUE_STRING)
		return OG_KIND_UNKNOWN;
	k = og_kind_from_name(f->str);
	if (k != OG_KIND_UNKNOWN)
		*ret_source = "observed";
	return k;
}

enum og_tri
og_cap_applies(const struct og_mm_cap *cp, int kind,
	       const struct og_fact_env *env, char **ret_why)
{
	enum og_tri by_kind = OG_TRUE, cond = OG_TRUE;

	*ret_why = NULL;
	if (cp->kinds) {
		if (kind == OG_KIND_UNKNOWN)
			by_kind = OG_UNKNOWN;
		else if (!(cp->kinds & (1u << kind)))
			by_kind = OG_FALSE;
	}
	if (cp->applies_when)
		cond = og_rule_eval(cp->applies_when, env, cp->observed_by);

	if (by_kind == OG_FALSE) {
		*ret_why = og_asprintf("does not apply to %s", og_kind_phrase(kind));
		return OG_FALSE;
	}
	if (cond == OG_FALSE) {
		*ret_why = og_strdup0(cp->na_reason);
		return OG_FALSE;
	}
	if (by_kind == OG_UNKNOWN) {
		*ret_why = og_strdup0("whether it applies depends on the kind of project, "
				      "which was not determined (set project.kind in the config)");
		return OG_UNKNOWN;
	}
	if (cond == OG_UNKNOWN) {
		*ret_why = og_asprintf("not known whether it applies (it does not when %s)",
				       cp->na_reason);
		return OG_UNKNOWN;
	}
	return OG_TRUE;
}
