/* Rules: three-valued logic, every operator, exists vs. collectors that ran. */
#include "helpers.h"
#include "util.h"

static enum og_tri
ev(const char *json, const struct og_fact_env *env, const char *by)
{
	cJSON *j = cJSON_Parse(json);
	struct og_rule *r = NULL;
	char *err = NULL;
	size_t nodes = 0;
	enum og_tri t;

	if (!j || og_rule_parse(j, "$.rule", 0, &nodes, &r, &err) < 0) {
		fprintf(stderr, "parse %s: %s\n", json, err ? err : "bad JSON");
		exit(2);
	}
	t = og_rule_eval(r, env, by);
	og_rule_free(r);
	cJSON_Delete(j);
	return t;
}

static char *
perr(const char *json)
{
	cJSON *j = cJSON_Parse(json);
	struct og_rule *r = NULL;
	char *err = NULL;
	size_t nodes = 0;

	if (og_rule_parse(j, "$.rule", 0, &nodes, &r, &err) >= 0) {
		og_rule_free(r);
		err = og_strdup0("(parsed)");
	}
	cJSON_Delete(j);
	return err;
}

#define T_ "{\"fact\":\"a.true\",\"op\":\"==\",\"value\":true}"
#define F_ "{\"fact\":\"a.false\",\"op\":\"==\",\"value\":true}"
#define U_ "{\"fact\":\"a.absent\",\"op\":\"==\",\"value\":true}"

int
main(void)
{
	struct og_model *m = og_model_new();
	struct og_fact_env env = { .m = m };
	const char *langs[] = { "docker", "npm" };
	char *e;

	t_fact_bool(m, "a.true", true, NULL);
	t_fact_bool(m, "a.false", false, NULL);
	t_fact_num(m, "n.two", 2, NULL);
	t_fact_str(m, "s.tool", "dependabot+renovate", NULL);
	t_fact_list(m, "l.eco", langs, 2, NULL);
	t_fact_unknown(m, "u.key", "403: needs admin", "github");

	/* comparisons */
	CHECK(ev(T_, &env, NULL) == OG_TRUE);
	CHECK(ev(F_, &env, NULL) == OG_FALSE);
	CHECK(ev(U_, &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"fact\":\"u.key\",\"op\":\"==\",\"value\":true}", &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"fact\":\"u.key\",\"op\":\"!=\",\"value\":true}", &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\">=\",\"value\":2}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\">=\",\"value\":2.5}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\"<=\",\"value\":2}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\"<=\",\"value\":1}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\"==\",\"value\":\"2\"}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\"!=\",\"value\":3}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"s.tool\",\"op\":\"in\",\"value\":[\"none\",\"dependabot+renovate\"]}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"s.tool\",\"op\":\"in\",\"value\":[\"none\"]}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"l.eco\",\"op\":\"in\",\"value\":[\"pip\",\"npm\"]}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"l.eco\",\"op\":\"in\",\"value\":[\"pip\"]}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"l.eco\",\"op\":\"==\",\"value\":\"docker\"}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"s.tool\",\"op\":\"matches\",\"value\":\"^dependabot(\\\\+|$)\"}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"s.tool\",\"op\":\"matches\",\"value\":\"^renovate\"}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"fact\":\"l.eco\",\"op\":\"matches\",\"value\":\"^dock\"}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"fact\":\"a.absent\",\"op\":\"matches\",\"value\":\"x\"}", &env, NULL) == OG_UNKNOWN);

	/* exists: present -> true; unknown -> unknown; absent -> false only if
	 * the observing collector ran */
	CHECK(ev("{\"fact\":\"a.false\",\"op\":\"exists\"}", &env, "repo") == OG_TRUE);
	CHECK(ev("{\"fact\":\"u.key\",\"op\":\"exists\"}", &env, "github") == OG_UNKNOWN);
	CHECK(ev("{\"fact\":\"a.absent\",\"op\":\"exists\"}", &env, "repo") == OG_UNKNOWN);
	env.ran = og_xcalloc(1, sizeof(char *));
	env.ran[env.n_ran++] = og_strdup0("repo");
	CHECK(ev("{\"fact\":\"a.absent\",\"op\":\"exists\"}", &env, "repo") == OG_FALSE);
	CHECK(ev("{\"fact\":\"a.absent\",\"op\":\"exists\"}", &env, "github") == OG_UNKNOWN);

	/* Kleene logic: all false if one false, any true if one true */
	CHECK(ev("{\"all\":[" T_ "," U_ "]}", &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"all\":[" U_ "," F_ "]}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"all\":[" T_ "," T_ "]}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"any\":[" F_ "," U_ "]}", &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"any\":[" U_ "," T_ "]}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"any\":[" F_ "," F_ "]}", &env, NULL) == OG_FALSE);
	CHECK(ev("{\"not\":" U_ "}", &env, NULL) == OG_UNKNOWN);
	CHECK(ev("{\"not\":" F_ "}", &env, NULL) == OG_TRUE);
	CHECK(ev("{\"not\":{\"any\":[" F_ ",{\"not\":" T_ "}]}}", &env, NULL) == OG_TRUE);

	/* derived facts shadow model facts */
	og_env_add_number(&env, "n.two", 5, NULL, NULL);
	CHECK(ev("{\"fact\":\"n.two\",\"op\":\">=\",\"value\":5}", &env, NULL) == OG_TRUE);

	/* parse errors name the JSON path */
	CHECK_STR(e = perr("{\"all\":[" T_ ",{\"fact\":\"x\",\"op\":\"=>\",\"value\":1}]}"),
		  "$.rule.all[1].op: unknown operator \"=>\" (expected exists, ==, !=, >=, <=, in, matches)");
	free(e);
	CHECK_STR(e = perr("{\"any\":[]}"), "$.rule.any: expected a non-empty array of rules");
	free(e);
	CHECK_STR(e = perr("{\"not\":{\"fact\":\"x\",\"op\":\">=\",\"value\":\"3\"}}"),
		  "$.rule.not.value: expected a number");
	free(e);
	/* the regex message itself is libc's */
	e = perr("{\"fact\":\"x\",\"op\":\"matches\",\"value\":\"(\"}");
	CHECK(!strncmp(e, "$.rule.value: invalid regex: ", 29));
	free(e);
	CHECK_STR(e = perr("{\"fact\":\"x\",\"op\":\"exists\",\"valu\":1}"),
		  "$.rule.valu: unknown key (expected all, any, not, or fact/op/value)");
	free(e);
	CHECK_STR(e = perr("{\"all\":[" T_ "],\"any\":[" T_ "]}"),
		  "$.rule: a combinator object has exactly one key");
	free(e);

	og_env_fini(&env);
	og_model_free(m);
	return check_done();
}
