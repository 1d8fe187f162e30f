/*
 * One bounded walk over the checkout.  The result is a path-sorted list
 * of regular files and directories, so every analyser sees the same,
 * deterministic view (readdir order is not).  Symlinks are not followed
 * (a link to /dev/zero or out of the tree is not the project's evidence)
 * and never listed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"

/* Directories that hold other people's code or build output. */
static const char *const skip_dirs[] = {
	".git", "node_modules", "vendor", ".venv", "venv", "__pycache__",
	".terraform", "bower_components", ".tox", ".cache", ".next", "dist",
	"target", NULL,
};

static bool
skipped(const char *name)
{
	for (size_t i = 0; skip_dirs[i]; i++)
		if (!strcmp(name, skip_dirs[i]))
			return true;
	return false;
}

static void
add_file(struct repo *r, const char *rel, bool is_dir, uint64_t size)
{
	struct repo_file *f;

	if (r->n_files == r->cap_files) {
		r->cap_files = r->cap_files ? r->cap_files * 2 : 256;
		r->files = repo_xrealloc(r->files, r->cap_files,
					 sizeof(*r->files));
	}
	f = &r->files[r->n_files++];
	memset(f, 0, sizeof(*f));
	f->path = repo_xstrdup(rel);
	f->is_dir = is_dir;
	f->size = size;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @dfd is owned by this function (closed via closedir). */
static int
walk_dir(struct repo *r, int dfd, const char *rel, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		int rc = -errno;

		close(dfd);
		return rc;
	}
	/* Sort siblings so that hitting the file cap is deterministic too. */
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = repo_xrealloc(names, cap, sizeof(*names));
		}
		names[n++] = repo_xstrdup(de->d_name);
	}
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *child;
		size_t len;

		if (r->n_files >= REPO_MAX_FILES) {
			r->truncated = true;
			break;
		}
		if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		len = strlen(rel) + strlen(names[i]) + 2;
		child = repo_xrealloc(NULL, len, 1);
		if (*rel)
			snprintf(child, len, "%s/%s", rel, names[i]);
		else
			snprintf(child, len, "%s", names[i]);
		if (S_ISREG(st.st_mode)) {
			add_file(r, child, false, (uint64_t)st.st_size);
		} else if (S_ISDIR(st.st_mode) && !skipped(names[i])) {
			if (depth + 1 > REPO_MAX_DEPTH) {
				r->truncated = true;
			} else {
				int cfd = openat(dirfd(d), names[i],
						 O_RDONLY | O_DIRECTORY |
						 O_NOFOLLOW | O_CLOEXEC);

				add_file(r, child, true, 0);
				if (cfd >= 0)
					walk_dir(r, cfd, child, depth + 1);
			}
		}
		free(child);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return 0;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct repo_file *)a)->path,
		      ((const struct repo_file *)b)->path);
}

int
repo_walk(struct repo *r)
{
	int fd = open(r->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = walk_dir(r, fd, "", 0);
	if (rc < 0)
		return rc;
	if (r->n_files > 1)
		qsort(r->files, r->n_files, sizeof(*r->files), cmp_file);
	for (size_t i = 0; i < r->n_files; i++) {
		struct repo_file *f = &r->files[i];
		char *slash = strrchr(f->path, '/');

		f->base = slash ? slash + 1 : f->path;
	}
	return 0;
}

void
repo_files_free(struct repo *r)
{
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i].path);
	free(r->files);
	r->files = NULL;
	r->n_files = r->cap_files = 0;
}

const struct repo_file *
repo_find(const struct repo *r, const char *path)
{
	struct repo_file key = { .path = (char *)path };

	if (!r->n_files)
		return NULL;
	return bsearch(&key, r->files, r->n_files, sizeof(*r->files),
		       cmp_file);
}
