/*
 * Capability rules: all / any / not over comparisons on fact keys, with
 * three-valued logic.  A comparison on a fact that is absent or of type
 * unknown is UNKNOWN: "nobody looked" must never read as "missing".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess-int.h"
#include "util.h"

static const struct {
	const char *name;
	enum og_rule_op op;
} ops[] = {
	{ "exists", OG_OP_EXISTS }, { "==", OG_OP_EQ }, { "!=", OG_OP_NE },
	{ ">=", OG_OP_GE }, { "<=", OG_OP_LE }, { "in", OG_OP_IN },
	{ "matches", OG_OP_MATCHES },
};

static int
rfail(char **ret_err, const char *path, const char *what)
{
	*ret_err = og_asprintf("%s: %s", path, what);
	return -EINVAL;
}

static bool
scalar(const cJSON *v)
{
	return cJSON_IsBool(v) || cJSON_IsNumber(v) || cJSON_IsString(v);
}

static int
parse_cmp(const cJSON *j, const char *path, struct og_rule *r, char **ret_err)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "fact");
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "op");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "value");
	char *p;
	int ret = 0;
	size_t i;

	r->kind = OG_RULE_CMP;
	if (!cJSON_IsString(f) || !*f->valuestring || strlen(f->valuestring) > 256) {
		p = og_asprintf("%s.fact", path);
		ret = rfail(ret_err, p, "expected a fact key (string)");
		goto out_p;
	}
	if (!cJSON_IsString(o)) {
		p = og_asprintf("%s.op", path);
		ret = rfail(ret_err, p, "expected one of exists, ==, !=, >=, <=, in, matches");
		goto out_p;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, o->valuestring))
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		p = og_asprintf("%s.op", path);
		char *m = og_asprintf("unknown operator \"%s\" (expected exists, ==, !=, >=, <=, in, matches)",
				      o->valuestring);
		ret = rfail(ret_err, p, m);
		free(m);
		goto out_p;
	}
	r->op = ops[i].op;
	r->fact = og_strdup0(f->valuestring);
	p = og_asprintf("%s.value", path);
	switch (r->op) {
	case OG_OP_EXISTS:
		if (v)
			ret = rfail(ret_err, p, "\"exists\" takes no value");
		break;
	case OG_OP_EQ:
	case OG_OP_NE:
		if (!scalar(v))
			ret = rfail(ret_err, p, "expected a bool, number or string");
		break;
	case OG_OP_GE:
	case OG_OP_LE:
		if (!cJSON_IsNumber(v))
			ret = rfail(ret_err, p, "expected a number");
		break;
	case OG_OP_IN: {
		const cJSON *it;

		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
		    cJSON_GetArraySize(v) > 256) {
			ret = rfail(ret_err, p, "expected a non-empty array (at most 256)");
			break;
		}
		cJSON_ArrayForEach(it, v)
			if (!scalar(it)) {
				ret = rfail(ret_err, p, "array items must be bools, numbers or strings");
				break;
			}
		break;
	}
	case OG_OP_MATCHES: {
		int rc;

		if (!cJSON_IsString(v) || strlen(v->valuestring) > 1024) {
			ret = rfail(ret_err, p, "expected a POSIX extended regex (string)");
			break;
		}
		rc = regcomp(&r->re, v->valuestring, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char buf[256], *m;

			regerror(rc, &r->re, buf, sizeof(buf));
			m = og_asprintf("invalid regex: %s", buf);
			ret = rfail(ret_err, p, m);
			free(m);
			break;
		}
		r->re_ok = true;
		break;
	}
	}
	if (ret >= 0 && v)
		r->value = cJSON_Duplicate(v, true);
out_p:
	free(p);
	return ret;
}

int
og_rule_parse(const cJSON *j, const char *path, int depth, size_t *nodes,
	      struct og_rule **ret, char **ret_err)
{
	struct og_rule *r;
	const cJSON *sub;
	const char *key = NULL;
	char *p = NULL;
	int rc = 0;

	if (depth > OG_MM_RULE_DEPTH_MAX)
		return rfail(ret_err, path, "rule nested too deeply (max 32)");
	if (++*nodes > OG_MM_RULE_NODES_MAX)
		return rfail(ret_err, path, "rule too large (max 256 nodes)");
	if (!cJSON_IsObject(j))
		return rfail(ret_err, path, "expected an object (all, any, not, or fact/op/value)");

	r = og_xcalloc(1, sizeof(*r));
	if ((sub = cJSON_GetObjectItemCaseSensitive(j, "all")))
		key = "all", r->kind = OG_RULE_ALL;
	else if ((sub = cJSON_GetObjectItemCaseSensitive(j, "any")))
		key = "any", r->kind = OG_RULE_ANY;
	else if ((sub = cJSON_GetObjectItemCaseSensitive(j, "not")))
		key = "not", r->kind = OG_RULE_NOT;

	if (key && cJSON_GetArraySize(j) != 1) {
		rc = rfail(ret_err, path, "a combinator object has exactly one key");
	} else if (r->kind == OG_RULE_NOT) {
		p = og_asprintf("%s.not", path);
		r->kids = og_xcalloc(1, sizeof(*r->kids));
		rc = og_rule_parse(sub, p, depth + 1, nodes, &r->kids[0], ret_err);
		if (rc >= 0)
			r->n_kids = 1;
	} else if (key) {
		const cJSON *it;
		size_t i = 0;

		if (!cJSON_IsArray(sub) || !cJSON_GetArraySize(sub)) {
			p = og_asprintf("%s.%s", path, key);
			rc = rfail(ret_err, p, "expected a non-empty array of rules");
		} else {
			r->kids = og_xcalloc((size_t)cJSON_GetArraySize(sub),
					     sizeof(*r->kids));
			cJSON_ArrayForEach(it, sub) {
				free(p);
				p = og_asprintf("%s.%s[%zu]", path, key, i++);
				rc = og_rule_parse(it, p, depth + 1, nodes,
						   &r->kids[r->n_kids], ret_err);
				if (rc < 0)
					break;
				r->n_kids++;
			}
		}
	} else {
		for (const cJSON *it = j->child; it && rc >= 0; it = it->next)
			if (strcmp(it->string, "fact") && strcmp(it->string, "op") &&
			    strcmp(it->string, "value")) {
				p = og_asprintf("%s.%s", path, it->string);
				rc = rfail(ret_err, p, "unknown key (expected all, any, not, or fact/op/value)");
			}
		if (rc >= 0)
			rc = parse_cmp(j, path, r, ret_err);
	}
	free(p);
	if (rc < 0) {
		og_rule_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}

struct og_rule *
og_rule_free(struct og_rule *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_kids; i++)
		og_rule_free(r->kids[i]);
	free(r->kids);
	free(r->fact);
	cJSON_Delete(r->value);
	if (r->re_ok)
		regfree(&r->re);
	free(r);
	return NULL;
}

/* Fact value == JSON scalar.  Types must agree: "1" is not 1. */
static bool
fact_equals(const struct og_model_fact *f, const cJSON *v)
{
	switch (f->type) {
	case OG_VALUE_BOOL:
		return cJSON_IsBool(v) && f->b == (bool)cJSON_IsTrue(v);
	case OG_VALUE_NUMBER:
		return cJSON_IsNumber(v) && f->num == v->valuedouble;
	case OG_VALUE_STRING:
		return cJSON_IsString(v) && !strcmp(f->str, v->valuestring);
	default:
		return false;
	}
}

static bool
list_has(const struct og_model_fact *f, const cJSON *v)
{
	if (!cJSON_IsString(v))
		return false;
	for (size_t i = 0; i < f->n_list; i++)
		if (!strcmp(f->list[i], v->valuestring))
			return true;
	return false;
}

static enum og_tri
tri(bool b)
{
	return b ? OG_TRUE : OG_FALSE;
}

static enum og_tri
eval_cmp(const struct og_rule *r, const struct og_fact_env *env,
	 const char *observed_by)
{
	const struct og_model_fact *f = og_env_fact(env, r->fact);
	const cJSON *it;

	if (r->op == OG_OP_EXISTS) {
		if (f)
			return f->type == OG_VALUE_UNKNOWN ? OG_UNKNOWN : OG_TRUE;
		/* Silence is an observation only from a collector that ran. */
		return observed_by && og_env_ran(env, observed_by) ? OG_FALSE
								   : OG_UNKNOWN;
	}
	if (!f || f->type == OG_VALUE_UNKNOWN)
		return OG_UNKNOWN;

	switch (r->op) {
	case OG_OP_EQ:
		if (f->type == OG_VALUE_LIST)
			return tri(list_has(f, r->value));
		return tri(fact_equals(f, r->value));
	case OG_OP_NE:
		if (f->type == OG_VALUE_LIST)
			return tri(!list_has(f, r->value));
		return tri(!fact_equals(f, r->value));
	case OG_OP_GE:
		return f->type == OG_VALUE_NUMBER ? tri(f->num >= r->value->valuedouble)
						  : OG_FALSE;
	case OG_OP_LE:
		return f->type == OG_VALUE_NUMBER ? tri(f->num <= r->value->valuedouble)
						  : OG_FALSE;
	case OG_OP_IN:
		/* Scalar: value is one of the items.  List: any element is. */
		cJSON_ArrayForEach(it, r->value) {
			if (f->type == OG_VALUE_LIST ? list_has(f, it) : fact_equals(f, it))
				return OG_TRUE;
		}
		return OG_FALSE;
	case OG_OP_MATCHES:
		if (f->type == OG_VALUE_STRING)
			return tri(!regexec(&r->re, f->str, 0, NULL, 0));
		if (f->type == OG_VALUE_LIST) {
			for (size_t i = 0; i < f->n_list; i++)
				if (!regexec(&r->re, f->list[i], 0, NULL, 0))
					return OG_TRUE;
		}
		return OG_FALSE;
	case OG_OP_EXISTS:
		break;
	}
	return OG_UNKNOWN;
}

enum og_tri
og_rule_eval(const struct og_rule *r, const struct og_fact_env *env,
	     const char *observed_by)
{
	enum og_tri acc, t;

	switch (r->kind) {
	case OG_RULE_CMP:
		return eval_cmp(r, env, observed_by);
	case OG_RULE_NOT:
		t = og_rule_eval(r->kids[0], env, observed_by);
		return t == OG_UNKNOWN ? OG_UNKNOWN : tri(t == OG_FALSE);
	case OG_RULE_ALL:
		/* Kleene: false dominates, then unknown. */
		acc = OG_TRUE;
		for (size_t i = 0; i < r->n_kids; i++) {
			t = og_rule_eval(r->kids[i], env, observed_by);
			if (t == OG_FALSE)
				return OG_FALSE;
			if (t == OG_UNKNOWN)
				acc = OG_UNKNOWN;
		}
		return acc;
	case OG_RULE_ANY:
		acc = OG_FALSE;
		for (size_t i = 0; i < r->n_kids; i++) {
			t = og_rule_eval(r->kids[i], env, observed_by);
			if (t == OG_TRUE)
				return OG_TRUE;
			if (t == OG_UNKNOWN)
				acc = OG_UNKNOWN;
		}
		return acc;
	}
	return OG_UNKNOWN;
}

void
og_rule_keys(const struct og_rule *r, cJSON *arr)
{
	const cJSON *it;

	if (r->kind == OG_RULE_CMP) {
		cJSON_ArrayForEach(it, arr)
			if (!strcmp(it->valuestring, r->fact))
				return;
		cJSON_AddItemToArray(arr, cJSON_CreateString(r->fact));
		return;
	}
	for (size_t i = 0; i < r->n_kids; i++)
		og_rule_keys(r->kids[i], arr);
}

/* ---- fact environment ---- */

const struct og_model_fact *
og_env_fact(const struct og_fact_env *env, const char *key)
{
	for (size_t i = 0; i < env->n_derived; i++)
		if (!strcmp(env->derived[i].key, key))
			return &env->derived[i];
	return env->m ? og_model_fact(env->m, key) : NULL;
}

static struct og_model_fact *
env_slot(struct og_fact_env *env, const char *key)
{
	struct og_model_fact *f;

	for (size_t i = 0; i < env->n_derived; i++)
		if (!strcmp(env->derived[i].key, key)) {
			f = &env->derived[i];
			free(f->str);
			free(f->unit);
			free(f->evidence);
			goto reset;
		}
	if (env->n_derived == env->cap_derived) {
		env->cap_derived = env->cap_derived ? env->cap_derived * 2 : 32;
		env->derived = og_xrealloc_array(env->derived, env->cap_derived,
						 sizeof(*env->derived));
	}
	f = &env->derived[env->n_derived++];
	memset(f, 0, sizeof(*f));
	f->key = og_strdup0(key);
	f->source = (char *)"assessment";
	return f;
reset:
	f->str = f->unit = f->evidence = NULL;
	return f;
}

void
og_env_add_number(struct og_fact_env *env, const char *key, double v,
		  const char *unit, const char *evidence)
{
	struct og_model_fact *f = env_slot(env, key);

	f->type = OG_VALUE_NUMBER;
	f->num = v;
	f->unit = og_strdup0(unit);
	f->evidence = og_strdup0(evidence);
}

void
og_env_add_string(struct og_fact_env *env, const char *key, const char *v,
		  const char *evidence)
{
	struct og_model_fact *f = env_slot(env, key);

	f->type = OG_VALUE_STRING;
	f->str = og_strdup0(v);
	f->evidence = og_strdup0(evidence);
}

void
og_env_add_bool(struct og_fact_env *env, const char *key, bool v,
		const char *evidence)
{
	struct og_model_fact *f = env_slot(env, key);

	f->type = OG_VALUE_BOOL;
	f->b = v;
	f->evidence = og_strdup0(evidence);
}

bool
og_env_ran(const struct og_fact_env *env, const char *collector)
{
	for (size_t i = 0; i < env->n_ran; i++)
		if (!strcmp(env->ran[i], collector))
			return true;
	return false;
}

const char *
og_env_trouble(const struct og_fact_env *env, const char *collector)
{
	for (size_t i = 0; i < env->n_trouble; i++)
		if (!strcmp(env->trouble_name[i], collector))
			return env->trouble_text[i];
	return NULL;
}

void
og_env_fini(struct og_fact_env *env)
{
	for (size_t i = 0; i < env->n_derived; i++) {
		free(env->derived[i].key);
		free(env->derived[i].str);
		free(env->derived[i].unit);
		free(env->derived[i].evidence);
	}
	free(env->derived);
	for (size_t i = 0; i < env->n_ran; i++)
		free(env->ran[i]);
	free(env->ran);
	for (size_t i = 0; i < env->n_trouble; i++) {
		free(env->trouble_name[i]);
		free(env->trouble_text[i]);
	}
	free(env->trouble_name);
	free(env->trouble_text);
	memset(env, 0, sizeof(*env));
}
