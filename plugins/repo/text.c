/*
 * Capped file reading and line helpers.  Files are opened relative to the
 * checkout without following symlinks, and only regular files are read:
 * a FIFO or device planted in a checkout must not hang or flood the run.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"
#include "ytree.h"

/* Open @rel below @root with no symlink in any component and no `..`:
 * a checkout whose directory was swapped for a link (or an index naming
 * a path through one) must not make us read outside it. */
static int
open_beneath(const char *root, const char *rel)
{
	char *copy = repo_xstrdup(rel), *comp = copy, *slash;
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;

	if (dfd < 0)
		goto cleanup;
	for (;;) {
		int next;

		slash = strchr(comp, '/');
		if (slash)
			*slash = '\0';
		if (!*comp || !strcmp(comp, ".") || !strcmp(comp, "..")) {
			errno = EINVAL;
			goto cleanup;
		}
		if (!slash)
			break;
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (next < 0) {
			struct stat st;

			/* say "symbolic link", as for the last component */
			if (errno == ENOTDIR &&
			    fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				errno = ELOOP;
			goto cleanup;
		}
		close(dfd);
		dfd = next;
		comp = slash + 1;
	}
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
cleanup:
	if (dfd >= 0) {
		int e = errno;

		close(dfd);
		errno = e;
	}
	free(copy);
	return fd;
}

/* What was not read, and why, for the report (repo.read.skipped.*). */
static void
skipped(size_t *count, char **first, const char *rel)
{
	if (!(*count)++)
		*first = repo_xstrdup(rel);
}

int
repo_read(struct repo *r, const char *rel, char **ret_buf,
	  size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd, rc = 0;

	fd = open_beneath(r->root, rel);
	if (fd < 0) {
		rc = -errno;
		goto cleanup;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto cleanup;
	}
	if ((uint64_t)st.st_size > REPO_MAX_READ) {
		skipped(&r->n_too_big, &r->too_big_first, rel);
		rc = -EFBIG;
		goto cleanup;
	}
	if (r->read_bytes + (uint64_t)st.st_size > REPO_READ_BUDGET) {
		if (!r->read_budget_spent)
			r->host->set_partial(r->ctx, "content reads stopped at "
					     "their budget (256 MiB): facts "
					     "judged on the files read");
		r->read_budget_spent = true;
		skipped(&r->n_over_budget, &r->over_budget_first, rel);
		rc = -EDQUOT;
		goto cleanup;
	}
	buf = repo_xrealloc(NULL, (size_t)st.st_size + 1, 1);
	/* Read what is there, up to the cap, even if the file grew. */
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto cleanup;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	r->read_bytes += len;
	r->n_read++;
	*ret_buf = buf;
	*ret_len = len;
	buf = NULL;
cleanup:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

char *
repo_next_line(char *buf, size_t len, size_t *pos)
{
	char *line, *nl;

	if (*pos >= len)
		return NULL;
	line = buf + *pos;
	nl = memchr(line, '\n', len - *pos);
	if (nl) {
		*pos = (size_t)(nl - buf) + 1;
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
	} else {
		*pos = len;
	}
	return line;
}

unsigned
repo_line_of(const char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && buf[i]; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

const char *
repo_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return n ? NULL : hay;
}

int
repo_read_yaml(struct repo *r, const char *rel, const char *what,
	       char **ret_buf, struct ytree *ret_tree)
{
	char err[160], msg[200];
	size_t len;
	int rc = repo_read(r, rel, ret_buf, &len);

	if (rc < 0) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: not read: %s", rel,
			     strerror(-rc));
		snprintf(msg, sizeof(msg), "%s could not be read", what);
		r->host->set_partial(r->ctx, msg);
		return rc;
	}
	rc = ytree_parse(*ret_buf, len, ret_tree, err, sizeof(err));
	if (rc < 0) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: invalid YAML: %s", rel,
			     err);
		snprintf(msg, sizeof(msg), "%s is not valid YAML", what);
		r->host->set_partial(r->ctx, msg);
		free(*ret_buf);
		*ret_buf = NULL;
	}
	return rc;
}
