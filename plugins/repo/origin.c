/*
 * Which checkout this is, for the history (host->target): the remote the
 * checkout came from ("github.com/acme/api"), so a fresh clone in another
 * directory is the same target and another repository is not.  Without
 * a git remote, the checkout's canonical path.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repo.h"
#include "target.h"

#define CONFIG_MAX	65536	/* bytes of .git/config read */

static char *
read_small(const char *dir, const char *name)
{
	char *path = NULL, *buf = NULL;
	ssize_t len;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	free(path);
	if (fd < 0)
		return NULL;
	buf = repo_xrealloc(NULL, CONFIG_MAX + 1, 1);
	len = read(fd, buf, CONFIG_MAX);
	close(fd);
	if (len < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* The url of [remote "origin"], else of the first remote (new string). */
static char *
remote_url(char *config)
{
	char *first = NULL, *line, *save = NULL;
	bool in_remote = false, in_origin = false;

	for (line = strtok_r(config, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t = trim(line), *eq;

		if (*t == '[') {
			in_remote = !strncmp(t, "[remote ", 8);
			in_origin = !strncmp(t, "[remote \"origin\"]", 17);
			continue;
		}
		eq = strchr(t, '=');
		if (!in_remote || !eq)
			continue;
		*eq = '\0';
		if (strcmp(trim(t), "url"))
			continue;
		if (in_origin) {
			free(first);
			return repo_xstrdup(trim(eq + 1));
		}
		if (!first)
			first = repo_xstrdup(trim(eq + 1));
	}
	return first;
}

/*
 * "https://user:token@github.com/acme/api.git", "git@github.com:acme/api"
 * and "ssh://git@github.com/acme/api" are all "github.com/acme/api": no
 * scheme, no user or password (a token in a remote must not leave the
 * checkout), no ".git".
 */
static char *
normalise(const char *url)
{
	const char *p = strstr(url, "://"), *at, *slash;
	char *out, *c;
	size_t n;

	if (p) {
		p += 3;
		slash = strchr(p, '/');
		at = strchr(p, '@');
		if (at && (!slash || at < slash))
			p = at + 1;
		out = repo_xstrdup(p);
	} else {
		/* scp-like user@host:path; a local path stays as it is */
		const char *colon = strchr(url, ':');

		at = strchr(url, '@');
		p = at && colon && at < colon ? at + 1 : url;
		out = repo_xstrdup(p);
		if (p != url && (c = strchr(out, ':')) && c[1] != '/')
			*c = '/';
	}
	n = strlen(out);
	while (n && out[n - 1] == '/')
		out[--n] = '\0';
	if (n > 4 && !strcmp(out + n - 4, ".git"))
		out[n - 4] = '\0';
	return out;
}

void
repo_declare_target(struct repo *r)
{
	char *gitdir = repo_git_dir(r), *config = NULL, *url = NULL, *common;

	if (gitdir && (config = read_small(gitdir, "config")))
		url = remote_url(config);
	/* a worktree's remotes are in the common git dir */
	if (gitdir && !url && (common = read_small(gitdir, "commondir"))) {
		char *dir = NULL;

		common[strcspn(common, "\r\n")] = '\0';
		if (asprintf(&dir, "%s%s%s", common[0] == '/' ? "" : gitdir,
			     common[0] == '/' ? "" : "/", common) >= 0) {
			free(config);
			if ((config = read_small(dir, "config")))
				url = remote_url(config);
		}
		free(dir);
		free(common);
	}
	if (url && *url) {
		char *id = normalise(url);

		target_declare(r->ctx, r->host, "checkout", id);
		free(id);
	} else {
		target_declare_path(r->ctx, r->host, "checkout", r->root);
	}
	free(url);
	free(config);
	free(gitdir);
}
