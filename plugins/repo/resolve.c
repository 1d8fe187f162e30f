/*
 * What a CI line actually runs.  `make ci`, `npm run test-ci` and
 * `./scripts/test.sh` name their commands elsewhere: the Makefile target
 * (with its prerequisites, `$(MAKE) other` and the files it includes),
 * the package.json script, the script file.  Each resolved line goes
 * through the same rule table as a CI line, with its own evidence
 * (Makefile:12), so "tests run in CI" means the same however they are
 * wrapped.  Resolution is bounded in depth and in count.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "repo.h"

#define MAX_DEPTH	4
#define MAX_RESOLVED	256
#define MAX_MAKEFILES	8

struct makefile {
	char *path;
	char *buf;		/* NUL-separated lines after loading */
	size_t len;
};

struct repo_resolver {
	struct makefile mk[MAX_MAKEFILES];
	size_t n_mk;
	bool mk_loaded;
	cJSON *pkg;		/* root package.json */
	char *pkg_text;
	bool pkg_loaded;
	unsigned depth, resolved;
};

static struct repo_resolver *
resolver(struct repo *r)
{
	if (!r->resolver)
		r->resolver = calloc(1, sizeof(*r->resolver));
	if (!r->resolver)
		abort();
	return r->resolver;
}

void
repo_resolve_free(struct repo *r)
{
	struct repo_resolver *rs = r->resolver;

	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_mk; i++) {
		free(rs->mk[i].path);
		free(rs->mk[i].buf);
	}
	cJSON_Delete(rs->pkg);
	free(rs->pkg_text);
	free(rs);
	r->resolver = NULL;
}

static bool
listed(const struct repo *r, const char *path)
{
	const struct repo_file *f = repo_find(r, path);

	return f && !f->is_dir;
}

static void
load_makefile(struct repo *r, const char *path)
{
	struct repo_resolver *rs = r->resolver;
	struct makefile *m;

	if (rs->n_mk == MAX_MAKEFILES || !listed(r, path))
		return;
	for (size_t i = 0; i < rs->n_mk; i++)
		if (!strcmp(rs->mk[i].path, path))
			return;
	m = &rs->mk[rs->n_mk];
	if (repo_read(r, path, &m->buf, &m->len) < 0)
		return;
	m->path = repo_xstrdup(path);
	rs->n_mk++;
}

static void
load_makefiles(struct repo *r)
{
	static const char *const names[] = {
		"GNUmakefile", "makefile", "Makefile", NULL,
	};
	struct repo_resolver *rs = r->resolver;

	if (rs->mk_loaded)
		return;
	rs->mk_loaded = true;
	for (size_t i = 0; names[i] && !rs->n_mk; i++)
		load_makefile(r, names[i]);
	/* `include Makefile.common` (Prometheus and many Go projects) */
	for (size_t i = 0; i < rs->n_mk; i++) {
		const char *p = rs->mk[i].buf;

		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			if ((!strncmp(p, "include ", 8) || !strncmp(p, "-include ", 9)) &&
			    n < 256) {
				char name[256];
				const char *s = p + (*p == '-' ? 9 : 8);

				snprintf(name, sizeof(name), "%.*s",
					 (int)(n - (size_t)(s - p)), s);
				name[strcspn(name, " \t\r$")] = '\0';
				if (*name)
					load_makefile(r, name);
			}
			p = nl ? nl + 1 : NULL;
		}
	}
}

/* Is @word one of the targets on the rule line @line (`a b: deps`)?
 * Returns the prerequisites (after ':') or NULL. */
static const char *
rule_for(const char *line, size_t n, const char *target)
{
	const char *colon = memchr(line, ':', n);
	size_t tl = strlen(target);

	if (!colon || line[0] == '\t' || line[0] == '#' ||
	    (colon + 1 < line + n && colon[1] == '=') ||
	    memchr(line, '=', (size_t)(colon - line)))
		return NULL;
	for (const char *p = line; p < colon;) {
		size_t w;

		p += strspn(p, " \t");
		w = strcspn(p, " \t:");
		if (w == tl && !strncmp(p, target, tl))
			return colon + 1 + (colon[1] == ':');
		p += w;
		if (!w)
			break;
	}
	return NULL;
}

static void
resolve_target(struct repo *r, const char *target)
{
	struct repo_resolver *rs = r->resolver;

	for (size_t i = 0; i < rs->n_mk; i++) {
		const struct makefile *m = &rs->mk[i];
		const char *p = m->buf;
		unsigned lineno = 0;

		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			const char *deps = rule_for(p, n, target);
			const char *eol = p + n;

			lineno++;
			p = nl ? nl + 1 : NULL;
			if (!deps)
				continue;
			if (++rs->resolved > MAX_RESOLVED)
				return;
			/* prerequisites first, as make runs them */
			{
				char *d = repo_xrealloc(NULL, n + 1, 1), *save = NULL;

				snprintf(d, n + 1, "%.*s", (int)(eol - deps), deps);
				d[strcspn(d, ";|#")] = '\0';
				for (char *t = strtok_r(d, " \t", &save); t;
				     t = strtok_r(NULL, " \t", &save))
					if (!strchr(t, '$') && !strchr(t, '/') &&
					    !strchr(t, '.') && rs->depth < MAX_DEPTH) {
						rs->depth++;
						resolve_target(r, t);
						rs->depth--;
					}
				free(d);
			}
			/* the recipe: tab-indented lines */
			while (p && *p == '\t') {
				char line[1024];
				const char *e = strchr(p, '\n');
				size_t rn = e ? (size_t)(e - p) : strlen(p);

				lineno++;
				snprintf(line, sizeof(line), "%.*s", (int)rn, p);
				line[strcspn(line, "\r")] = '\0';
				{
					const char *s = line + strspn(line, "\t @-+");

					if (*s && *s != '#')
						repo_rules_apply(r, RULE_RUN, s,
								 m->path, lineno);
				}
				p = e ? e + 1 : NULL;
			}
			return;
		}
	}
}

static void
load_package(struct repo *r)
{
	struct repo_resolver *rs = r->resolver;
	size_t len;

	if (rs->pkg_loaded)
		return;
	rs->pkg_loaded = true;
	if (!listed(r, "package.json") ||
	    repo_read(r, "package.json", &rs->pkg_text, &len) < 0)
		return;
	rs->pkg = cJSON_Parse(rs->pkg_text);
}

static void
resolve_script(struct repo *r, const char *name)
{
	struct repo_resolver *rs = r->resolver;
	const cJSON *s;
	char key[300];
	const char *hit;

	load_package(r);
	s = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rs->pkg, "scripts"), name);
	if (!cJSON_IsString(s))
		return;
	snprintf(key, sizeof(key), "\"%s\"", name);
	hit = strstr(rs->pkg_text, key);
	repo_rules_apply(r, RULE_RUN, s->valuestring, "package.json",
			 hit ? repo_line_of(rs->pkg_text,
					    (size_t)(hit - rs->pkg_text)) : 0);
}

static void
resolve_file(struct repo *r, const char *word)
{
	const char *rel = word;
	char *buf, *line;
	size_t len, pos = 0;
	unsigned lineno = 0;

	if (!strncmp(rel, "./", 2))
		rel += 2;
	if (!listed(r, rel) || repo_read(r, rel, &buf, &len) < 0)
		return;
	while ((line = repo_next_line(buf, len, &pos))) {
		const char *s = line + strspn(line, " \t");

		lineno++;
		if (*s && *s != '#')
			repo_rules_apply(r, RULE_RUN, s, rel, lineno);
	}
	free(buf);
}

/* One simple command: its words, separators already split off. */
static void
resolve_command(struct repo *r, char **w, size_t n)
{
	size_t i = 0;

	/* VAR=value, sudo, time, exec, env: the command comes after */
	while (i < n && (strchr(w[i], '=') || !strcmp(w[i], "sudo") ||
			 !strcmp(w[i], "time") || !strcmp(w[i], "exec") ||
			 !strcmp(w[i], "env")))
		i++;
	if (i == n)
		return;
	if (!strcmp(w[i], "make") || !strcmp(w[i], "gmake") ||
	    !strcmp(w[i], "$(MAKE)") || !strcmp(w[i], "${MAKE}")) {
		bool other_dir = false;

		load_makefiles(r);
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(w[j], "-C") || !strcmp(w[j], "-f") ||
			    !strncmp(w[j], "--directory", 11)) {
				other_dir = true;	/* another Makefile */
				j++;
			} else if (w[j][0] != '-' && !strchr(w[j], '=') &&
				   !other_dir) {
				resolve_target(r, w[j]);
			}
		}
		return;
	}
	if ((!strcmp(w[i], "npm") || !strcmp(w[i], "pnpm") ||
	     !strcmp(w[i], "yarn") || !strcmp(w[i], "bun")) && i + 1 < n) {
		const char *sub = w[i + 1];

		if ((!strcmp(sub, "run") || !strcmp(sub, "run-script")) &&
		    i + 2 < n)
			resolve_script(r, w[i + 2]);
		else if (!strcmp(sub, "test") || !strcmp(sub, "t"))
			resolve_script(r, "test");
		else if (strcmp(w[i], "npm") && sub[0] != '-')
			resolve_script(r, sub);	/* `yarn ci` runs a script */
		return;
	}
	if ((!strcmp(w[i], "bash") || !strcmp(w[i], "sh") ||
	     !strcmp(w[i], "zsh")) && i + 1 < n && w[i + 1][0] != '-')
		i++;
	if (!strncmp(w[i], "./", 2) || repo_has_suffix(w[i], ".sh") ||
	    repo_has_prefix(w[i], "scripts/") || repo_has_prefix(w[i], "script/") ||
	    repo_has_prefix(w[i], "ci/") || repo_has_prefix(w[i], "hack/"))
		resolve_file(r, w[i]);
}

static void
resolve_text(struct repo *r, const char *text)
{
	char *copy = repo_xstrdup(text), *p = copy;
	char *words[32];
	size_t n = 0;

	for (;;) {
		char *tok;

		p += strspn(p, " \t");
		if (!*p || *p == '#' || *p == ';' || *p == '&' || *p == '|' ||
		    *p == '(' || *p == ')') {
			if (n)
				resolve_command(r, words, n);
			n = 0;
			if (!*p || *p == '#')
				break;
			p++;
			continue;
		}
		tok = p;
		p += strcspn(p, " \t;&|()");
		if (*p == ' ' || *p == '\t') {
			*p++ = '\0';
		} else if (*p) {
			/* a separator right after the word: end it there,
			 * but keep the separator for the next round */
			char sep = *p;

			*p = '\0';
			if (n < 32)
				words[n++] = tok;
			resolve_command(r, words, n);
			n = 0;
			*p = sep;
			continue;
		}
		/* strip quotes around a whole word ("make" 'test') */
		if ((*tok == '"' || *tok == '\'') && strlen(tok) > 1 &&
		    tok[strlen(tok) - 1] == *tok) {
			tok[strlen(tok) - 1] = '\0';
			tok++;
		}
		if (n < 32)
			words[n++] = tok;
	}
	free(copy);
}

void
repo_resolve(struct repo *r, const char *text)
{
	struct repo_resolver *rs = resolver(r);

	if (rs->depth >= MAX_DEPTH || rs->resolved >= MAX_RESOLVED)
		return;
	rs->depth++;
	rs->resolved++;
	resolve_text(r, text);
	rs->depth--;
}
