/*
 * Semantic-version tag ordering (semver.org 2.0.0 §11) and the choice of
 * which tags of a repository to inspect.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "reg.h"

static bool
parse_num(const char **p, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	/* no leading zeros, at most 9 digits: "20240101" is a date, not v20M */
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return false;
	while (isdigit((unsigned char)*s)) {
		if (s - *p >= 9)
			return false;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	*p = s;
	*ret = v;
	return true;
}

bool
reg_semver_parse(const char *tag, struct reg_semver *ret)
{
	struct reg_semver v = { { 0, 0, 0 }, NULL, 0, false };
	const char *p = tag;
	int parts = 0;

	if (*p == 'v' || *p == 'V')
		p++;
	while (parts < 3) {
		if (!parse_num(&p, &v.num[parts]))
			return false;
		parts++;
		if (*p != '.' || parts == 3)
			break;
		p++;
	}
	if (parts < 2)
		return false;
	v.full = parts == 3;
	if (*p == '-') {
		p++;
		v.pre = p;
		v.pre_len = strcspn(p, "+");
		if (v.pre_len == 0)
			return false;
		for (size_t i = 0; i < v.pre_len; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '.' &&
			    p[i] != '-')
				return false;
		p += v.pre_len;
	}
	/* '+' cannot appear in a tag, but Docker users write '_' for it */
	if (*p == '+' || *p == '_') {
		p++;
		if (!*p)
			return false;
		for (; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
				return false;
	}
	if (*p)
		return false;
	*ret = v;
	return true;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* Prerelease identifiers: numeric < alphanumeric, numbers by value. */
static int
pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 0 && bn > 0) {
		size_t ai = strcspn(a, "."), bi = strcspn(b, ".");
		bool ad, bd;
		int c;

		if (ai > an)
			ai = an;
		if (bi > bn)
			bi = bn;
		ad = all_digits(a, ai);
		bd = all_digits(b, bi);
		if (ad && bd) {
			c = ai != bi ? (ai < bi ? -1 : 1) : memcmp(a, b, ai);
		} else if (ad != bd) {
			c = ad ? -1 : 1;
		} else {
			c = memcmp(a, b, ai < bi ? ai : bi);
			if (c == 0 && ai != bi)
				c = ai < bi ? -1 : 1;
		}
		if (c)
			return c < 0 ? -1 : 1;
		a += ai;
		an -= ai;
		b += bi;
		bn -= bi;
		if (an > 0) {
			a++;
			an--;
		}
		if (bn > 0) {
			b++;
			bn--;
		}
	}
	return an == bn ? 0 : (an == 0 ? -1 : 1);
}

int
reg_semver_cmp(const struct reg_semver *a, const struct reg_semver *b)
{
	for (int i = 0; i < 3; i++)
		if (a->num[i] != b->num[i])
			return a->num[i] < b->num[i] ? -1 : 1;
	if (!a->pre != !b->pre)
		return a->pre ? -1 : 1;	/* 1.0.0-rc1 < 1.0.0 */
	if (a->pre)
		return pre_cmp(a->pre, a->pre_len, b->pre, b->pre_len);
	return 0;
}

struct cand {
	const char *tag;
	struct reg_semver v;
};

static int
cand_cmp_desc(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = reg_semver_cmp(&b->v, &a->v);

	/* equal versions ("1.2" vs "v1.2.0"): fixed order for determinism */
	return c ? c : strcmp(a->tag, b->tag);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
reg_tags_select(const char *const *tags, size_t n, const regex_t *filter,
		size_t max, struct reg_strv *ret)
{
	struct cand *c = reg_xcalloc(n, sizeof(*c));
	const char **plain = reg_xcalloc(n, sizeof(*plain));
	size_t nc = 0, np = 0, i;
	bool latest = false;

	for (i = 0; i < n; i++) {
		const char *t = tags[i];

		if (!t || reg_tag_is_artifact(t))
			continue;
		if (filter && regexec(filter, t, 0, NULL, 0) != 0)
			continue;
		if (strcmp(t, "latest") == 0) {
			latest = true;
			continue;
		}
		if (reg_semver_parse(t, &c[nc].v))
			c[nc++].tag = t;
		else
			plain[np++] = t;
	}
	if (latest)
		reg_strv_push(ret, "latest");
	if (nc > 0) {
		size_t taken = 0;

		qsort(c, nc, sizeof(*c), cand_cmp_desc);
		/* releases first; prereleases only when no release exists */
		for (i = 0; i < nc && taken < max; i++)
			if (!c[i].v.pre) {
				reg_strv_push(ret, c[i].tag);
				taken++;
			}
		for (i = 0; i < nc && taken == 0 && i < max; i++)
			reg_strv_push(ret, c[i].tag);
	} else if (!latest && np > 0) {
		qsort(plain, np, sizeof(*plain), str_cmp);
		for (i = np > max ? np - max : 0; i < np; i++)
			reg_strv_push(ret, plain[i]);
	}
	free(c);
	free(plain);
}
