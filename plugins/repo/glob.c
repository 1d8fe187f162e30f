/*
 * gitignore-syntax globs, one matcher for every path list the collector
 * honours: the default scope rules, .gitignore, .gitattributes and the
 * user's collectors.repo.exclude.  fnmatch(3) has no `**`, and
 * FNM_PATHNAME alone cannot express "a name at any depth", hence this.
 */
#include <stdlib.h>
#include <string.h>

#include "repo.h"

/* One bracket expression at @p (just after '['): does it accept @c?
 * Sets *ret_end to the character after ']'; NULL when unterminated (then
 * '[' is taken literally, as git does). */
static bool
bracket(const char *p, char c, const char **ret_end)
{
	bool neg = false, hit = false;
	const char *q = p;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	if (*q == ']') {	/* a leading ']' is a member */
		hit = c == ']';
		q++;
	}
	for (; *q && *q != ']'; q++) {
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hit |= c >= q[0] && c <= q[2];
			q += 2;
		} else {
			hit |= c == *q;
		}
	}
	if (!*q) {
		*ret_end = NULL;
		return false;
	}
	*ret_end = q + 1;
	return hit != neg;
}

bool
repo_glob_match(const char *pat, const char *s)
{
	while (*pat) {
		const char *end;

		switch (*pat) {
		case '*':
			if (pat[1] == '*') {
				/* a double star: any run, slashes included;
				 * followed by a slash it also matches nothing,
				 * so "a/ ** /b" (no spaces) matches "a/b". */
				const char *rest = pat + 2;

				if (*rest == '/' && repo_glob_match(rest + 1, s))
					return true;
				for (;; s++) {
					if (repo_glob_match(rest, s))
						return true;
					if (!*s)
						return false;
				}
			}
			for (;; s++) {
				if (repo_glob_match(pat + 1, s))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			break;
		case '[': {
			bool ok;

			if (!*s || *s == '/')
				return false;
			ok = bracket(pat + 1, *s, &end);
			if (end) {
				if (!ok)
					return false;
				pat = end;
				s++;
				continue;
			}
			if (*s != '[')	/* unterminated: a literal '[' */
				return false;
			break;
		}
		case '\\':
			if (pat[1])
				pat++;
			/* fall through */
		default:
			if (*pat != *s)
				return false;
			break;
		}
		pat++;
		s++;
	}
	return !*s;
}

void
repo_patterns_add(struct repo_patterns *ps, const char *line, const char *base,
		  unsigned tag, const char *source, unsigned lineno)
{
	struct repo_pattern *p;
	const char *s = line;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->v = repo_xrealloc(ps->v, ps->cap, sizeof(*ps->v));
	}
	p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	if (*s == '!') {
		p->negate = true;
		s++;
	}
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r') &&
	       !(n >= 2 && s[n - 2] == '\\'))
		n--;
	if (n && s[n - 1] == '/') {
		p->dir_only = true;
		n--;
	}
	if (!n)
		return;
	if (*s == '/') {
		p->anchored = true;
		s++;
		n--;
	}
	p->glob = repo_xrealloc(NULL, n + 1, 1);
	memcpy(p->glob, s, n);
	p->glob[n] = '\0';
	/* a slash inside (not at the end) anchors too, as in gitignore;
	 * a leading double star and slash means "at any depth" again */
	p->any_depth = !strncmp(p->glob, "**/", 3);
	if (strchr(p->glob, '/') && !p->any_depth)
		p->anchored = true;
	p->shape = PAT_GLOB;
	if (!strpbrk(p->glob, "*?[\\")) {
		p->shape = PAT_EXACT;
		p->lit_len = n;
	} else if (p->glob[0] == '*' && p->glob[1] != '*' &&
		   !strpbrk(p->glob + 1, "*?[\\")) {
		p->shape = PAT_SUFFIX;
		p->lit_len = n - 1;
	} else if (n > 1 && p->glob[n - 1] == '*' && p->glob[n - 2] != '*' &&
		   strpbrk(p->glob, "*?[\\") == p->glob + n - 1) {
		p->shape = PAT_PREFIX;
		p->lit_len = n - 1;
	}
	p->base = repo_xstrdup(base ? base : "");
	p->base_len = strlen(p->base);
	p->tag = tag;
	p->source = source ? repo_evidence(source, lineno) : NULL;
	ps->n++;
}

static bool
shape_match(const struct repo_pattern *p, const char *s, size_t n)
{
	switch (p->shape) {
	case PAT_EXACT:
		return n == p->lit_len && !memcmp(p->glob, s, n);
	case PAT_SUFFIX:
		return n >= p->lit_len &&
		       !memcmp(s + n - p->lit_len, p->glob + 1, p->lit_len) &&
		       !memchr(s, '/', n - p->lit_len);
	case PAT_PREFIX:
		return n >= p->lit_len && !memcmp(s, p->glob, p->lit_len) &&
		       !memchr(s + p->lit_len, '/', n - p->lit_len);
	default:
		return repo_glob_match(p->glob, s);
	}
}

bool
repo_pattern_matches_name(const struct repo_pattern *p, const char *path,
			  const char *name, size_t name_len, bool is_dir)
{
	size_t bl = p->base_len;
	const char *rel = path;

	if (p->dir_only && !is_dir)
		return false;
	if (bl) {
		if (strncmp(path, p->base, bl) || path[bl] != '/')
			return false;
		rel = path + bl + 1;
	}
	if (p->anchored)
		return shape_match(p, rel, strlen(rel));
	return shape_match(p, name, name_len) ||
	       (p->any_depth && repo_glob_match(p->glob, rel));
}

bool
repo_pattern_matches(const struct repo_pattern *p, const char *path, bool is_dir)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	return repo_pattern_matches_name(p, path, name, strlen(name), is_dir);
}

const struct repo_pattern *
repo_patterns_match(const struct repo_patterns *ps, const char *path,
		    bool is_dir, unsigned tag)
{
	/* the last matching line wins, as in git */
	for (size_t i = ps->n; i-- > 0;) {
		const struct repo_pattern *p = &ps->v[i];

		if (p->tag == tag && repo_pattern_matches(p, path, is_dir))
			return p;
	}
	return NULL;
}

void
repo_patterns_free(struct repo_patterns *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].glob);
		free(ps->v[i].base);
		free(ps->v[i].source);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}
