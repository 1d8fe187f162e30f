/*
 * The tracked files of a git checkout, read straight from the index
 * (Documentation/gitformat-index.txt: versions 2, 3 and 4, SHA-1 or
 * SHA-256 object names).  Reading the index is one sequential pass over
 * one file, with no fork of git and no directory walk, so a checkout of
 * a million files lists in well under a second.  Anything this reader
 * does not handle (a split index, a sparse index, a corrupt file) makes
 * it step aside: the caller walks the tree instead and says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"

#define ENTRY_FIXED	40	/* ctime..size: ten 32-bit fields */
#define DROP_EVERY	((size_t)16 << 20)

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The git directory of the checkout at @root: `.git` itself, or where a
 * `.git` file (worktrees, submodules) points. */
char *
repo_git_dir(const struct repo *r)
{
	size_t n = strlen(r->root) + 8;
	char *dotgit = repo_xrealloc(NULL, n, 1);
	char buf[4096], *dir = NULL;
	struct stat st;
	ssize_t len;
	int fd;

	snprintf(dotgit, n, "%s/.git", r->root);
	if (lstat(dotgit, &st) < 0)
		goto cleanup;
	if (S_ISDIR(st.st_mode)) {
		dir = dotgit;
		dotgit = NULL;
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode))
		goto cleanup;
	fd = open(dotgit, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto cleanup;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 8 || strncmp(buf, "gitdir: ", 8))
		goto cleanup;
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[8] == '/') {
		dir = repo_xstrdup(buf + 8);
	} else {
		n = strlen(r->root) + strlen(buf) + 2;
		dir = repo_xrealloc(NULL, n, 1);
		snprintf(dir, n, "%s/%s", r->root, buf + 8);
	}
cleanup:
	free(dotgit);
	return dir;
}

/* SHA-256 repositories say so in their config (extensions.objectFormat);
 * a worktree's config is in the common dir. */
static size_t
hash_size(const char *gitdir)
{
	static const char *const names[] = { "config", "commondir", NULL };
	size_t hs = 20;

	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(gitdir) + 16;
		char *path = repo_xrealloc(NULL, n, 1), buf[8192];
		ssize_t len;
		int fd;

		snprintf(path, n, "%s/%s", gitdir, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (i == 0 && repo_strcasestr(buf, "objectformat") &&
		    repo_strcasestr(buf, "sha256"))
			hs = 32;
		if (i == 1) {	/* commondir: a path to the shared git dir */
			char common[8192 + 4200];

			buf[strcspn(buf, "\r\n")] = '\0';
			if (buf[0] == '/')
				snprintf(common, sizeof(common), "%s", buf);
			else
				snprintf(common, sizeof(common), "%s/%s",
					 gitdir, buf);
			if (strcmp(common, gitdir) && hash_size(common) == 32)
				hs = 32;
		}
	}
	return hs;
}

struct parse {
	struct repo *r;
	char *path;		/* current path; v4 derives it from the last */
	size_t len, cap;
	/* the directories of the last path listed, with their classes */
	size_t dir_len[REPO_MAX_DEPTH];
	struct repo_class dir_class[REPO_MAX_DEPTH];
	unsigned depth;
	char *last;		/* the last path listed */
	size_t last_len, last_cap;
};

static void
reserve(char **buf, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n * 2;
		*buf = repo_xrealloc(*buf, *cap, 1);
	}
}

/* List the directories of ps->path the last path did not share, then
 * the file itself. */
static void
add_path(struct parse *ps, uint64_t size, bool gitlink)
{
	struct repo *r = ps->r;
	char *path = ps->path;
	struct repo_class c;
	size_t from;

	/* duplicates are the stages of a merge conflict: one file */
	if (ps->last_len == ps->len && !memcmp(ps->last, path, ps->len))
		return;
	while (ps->depth) {
		size_t n = ps->dir_len[ps->depth - 1];

		if (n < ps->len && path[n] == '/' && !memcmp(path, ps->last, n))
			break;
		ps->depth--;
	}
	from = ps->depth ? ps->dir_len[ps->depth - 1] + 1 : 0;
	for (char *slash = memchr(path + from, '/', ps->len - from); slash;
	     slash = memchr(slash + 1, '/', ps->len - (size_t)(slash + 1 - path))) {
		struct repo_class parent = ps->depth ?
			ps->dir_class[ps->depth - 1] : (struct repo_class){ 0 };

		if (ps->depth == REPO_MAX_DEPTH) {
			r->truncated = true;
			return;
		}
		*slash = '\0';
		c = repo_scope_of(r, path, true, parent);
		repo_list(r, path, (size_t)(slash - path), true, 0, c);
		*slash = '/';
		ps->dir_len[ps->depth] = (size_t)(slash - path);
		ps->dir_class[ps->depth++] = c;
	}
	reserve(&ps->last, &ps->last_cap, ps->len + 1);
	memcpy(ps->last, path, ps->len + 1);
	ps->last_len = ps->len;
	c = repo_scope_of(r, path, false, ps->depth ?
			  ps->dir_class[ps->depth - 1] : (struct repo_class){ 0 });
	if (gitlink) {
		/* a submodule is another project's code */
		if (c.scope != SCOPE_EXCLUDED)
			c = (struct repo_class){ SCOPE_EXCLUDED, SR_VENDORED, 0 };
		r->n_listed++;
		repo_scope_count(r, c, path);
		return;
	}
	repo_list(r, path, ps->len, false, size, c);
}

/* git's offset varint (varint.c): 7 bits a byte, +1 per continuation. */
static bool
varint(const unsigned char **p, const unsigned char *end, size_t *ret)
{
	size_t v;
	unsigned char c;

	if (*p >= end)
		return false;
	c = *(*p)++;
	v = c & 127;
	while (c & 128) {
		if (*p >= end || v > (SIZE_MAX >> 8))
			return false;
		c = *(*p)++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*ret = v;
	return true;
}

static bool
has_extension(const unsigned char *p, const unsigned char *end, size_t hs,
	      const char *sig)
{
	while (p + 8 <= end - hs) {
		uint32_t n = be32(p + 4);

		if (!memcmp(p, sig, 4))
			return true;
		if ((size_t)(end - hs - p - 8) < n)
			break;
		p += 8 + n;
	}
	return false;
}

static void
undo_listing(struct repo *r)
{
	repo_files_free(r);
	r->n_listed = 0;
	r->truncated = false;
	for (int i = 0; i < SR__COUNT; i++) {
		free(r->scope_first[i]);
		r->scope_first[i] = NULL;
		r->scope_count[i] = 0;
	}
}

static int
parse_entries(struct parse *ps, const unsigned char *base, size_t size,
	      size_t hs)
{
	const unsigned char *p = base + 12, *end = base + size;
	uint32_t version = be32(base + 4), count = be32(base + 8);
	size_t dropped = 0;

	if (memcmp(base, "DIRC", 4) || version < 2 || version > 4)
		return -EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *q = p + ENTRY_FIXED + hs, *nul;
		uint32_t mode, fsize;
		unsigned flags, ext = 0;
		size_t strip = 0, n;

		if ((size_t)(end - p) < ENTRY_FIXED + hs + 2)
			return -EINVAL;
		mode = be32(p + 24);
		fsize = be32(p + 36);
		flags = (unsigned)q[0] << 8 | q[1];
		q += 2;
		if (flags & 0x4000) {
			if (version < 3 || end - q < 2)
				return -EINVAL;
			ext = (unsigned)q[0] << 8 | q[1];
			q += 2;
		}
		if (version == 4 && !varint(&q, end, &strip))
			return -EINVAL;
		nul = memchr(q, '\0', (size_t)(end - q));
		if (!nul)
			return -EINVAL;
		n = (size_t)(nul - q);
		if (version == 4) {
			if (strip > ps->len)
				return -EINVAL;
			ps->len -= strip;
			p = nul + 1;
		} else {
			ps->len = 0;
			/* entries are NUL-padded to a multiple of 8 */
			p += ((size_t)(q - p) + n + 8) & ~(size_t)7;
			if (p > end)
				return -EINVAL;
		}
		reserve(&ps->path, &ps->cap, ps->len + n + 1);
		memcpy(ps->path + ps->len, q, n);
		ps->len += n;
		ps->path[ps->len] = '\0';
		if ((mode & 0170000) == 0040000)
			return -ENOTSUP;	/* sparse index: a directory */
		if (!(ext & 0x4000) &&	/* skip-worktree: not checked out */
		    ((mode & 0170000) == 0100000 || (mode & 0170000) == 0160000))
			add_path(ps, fsize, (mode & 0170000) == 0160000);
		if ((i & 4095) == 0 && repo_over_time(ps->r))
			return 0;
		/* what was parsed need not stay resident */
		if ((size_t)(p - base) - dropped > DROP_EVERY) {
			size_t page = (size_t)sysconf(_SC_PAGESIZE);
			size_t upto = ((size_t)(p - base) / page) * page;

			madvise((void *)(base + dropped), upto - dropped,
				MADV_DONTNEED);
			dropped = upto;
		}
	}
	if (has_extension(p, end, hs, "link"))
		return -ENOTSUP;	/* split index: entries live elsewhere */
	return 0;
}

int
repo_git_index(struct repo *r)
{
	struct parse ps = { .r = r };
	char *gitdir = repo_git_dir(r), *index = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	size_t n, hs;
	int fd = -1, rc = -ENOENT;

	if (!gitdir)
		return -ENOENT;
	n = strlen(gitdir) + 8;
	index = repo_xrealloc(NULL, n, 1);
	snprintf(index, n, "%s/index", gitdir);
	hs = hash_size(gitdir);
	fd = open(index, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < 12 + hs)
		goto cleanup;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto cleanup;
	}
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	rc = parse_entries(&ps, map, (size_t)st.st_size, hs);
	if (rc < 0) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: %s; walking the tree "
			     "instead", index, rc == -ENOTSUP ?
			     "split or sparse index not read" :
			     "not a git index this reader understands");
		undo_listing(r);
		goto cleanup;
	}
	r->git_index = repo_xstrdup(".git/index");
cleanup:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	free(ps.path);
	free(ps.last);
	free(index);
	free(gitdir);
	return rc;
}
