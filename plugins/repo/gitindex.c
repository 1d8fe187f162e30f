/*
 * The tracked files of a git checkout, read straight from the index
 * (Documentation/gitformat-index.txt: versions 2, 3 and 4, SHA-1 or
 * SHA-256 object names).  Reading the index is one sequential pass over
 * one file, with no fork of git and no directory walk, so a checkout of
 * a million files lists in well under a second.  git itself is never
 * run: in a hostile checkout its config (core.fsmonitor and the like)
 * could run commands.  Sparse checkouts list what is checked out: entries
 * marked skip-worktree and the directory entries of a sparse index are
 * counted, not listed.  Anything this reader does not handle (a split
 * index, a corrupt file) makes it step aside: the caller walks the tree
 * instead and says so.  An entry whose path could leave the checkout
 * (`..`, `.git`, absolute) is never listed, only counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	/* the directories of the last path listed, with their classes:
	 * grown as needed, so no depth is too deep for the index */
	size_t *dir_len;
	struct repo_class *dir_class;
	size_t depth, dir_cap;
	char *last;		/* the last path listed */
	size_t last_len, last_cap;
};

/* git's verify_path() refuses these; a crafted index need not. */
static bool
safe_path(const char *p, size_t n)
{
	const char *end = p + n;

	if (!n || *p == '/' || p[n - 1] == '/')
		return false;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t c = (size_t)((slash ? slash : end) - p);

		if (c == 0 || (c == 1 && p[0] == '.') ||
		    (c == 2 && p[0] == '.' && p[1] == '.') ||
		    (c == 4 && !strncasecmp(p, ".git", 4)))
			return false;
		p += c + 1;
	}
	return true;
}

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

		if (ps->depth == ps->dir_cap) {
			ps->dir_cap = ps->dir_cap ? ps->dir_cap * 2 : 64;
			ps->dir_len = repo_xrealloc(ps->dir_len, ps->dir_cap,
						    sizeof(*ps->dir_len));
			ps->dir_class = repo_xrealloc(ps->dir_class,
						      ps->dir_cap,
						      sizeof(*ps->dir_class));
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
	r->list_full = false;
	r->n_sparse = r->n_unsafe = 0;
	free(r->sparse_first);
	r->sparse_first = NULL;
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
		switch (mode & 0170000) {
		case 0040000:	/* sparse index: a directory left out */
			if (!(ext & 0x4000))
				return -EINVAL;
			/* fall through */
		case 0100000:
		case 0160000:	/* a submodule */
			if (ext & 0x4000) {	/* skip-worktree */
				if (!ps->r->n_sparse++)
					ps->r->sparse_first =
						repo_xstrdup(ps->path);
			} else if (!safe_path(ps->path, ps->len)) {
				ps->r->n_unsafe++;
			} else {
				add_path(ps, fsize,
					 (mode & 0170000) == 0160000);
			}
			break;
		default:	/* symlinks are not followed, never listed */
			break;
		}
		if ((i & 4095) == 0 && repo_listing_stops(ps->r))
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
	if (ps->r->n_unsafe)
		ps->r->host->log(ps->r->ctx, OG_LOG_WARN, ".git/index: %zu "
				 "entries with a path that could leave the "
				 "checkout (.., .git, absolute) not listed",
				 ps->r->n_unsafe);
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
		return -ENOENT;	/* not a checkout: no .git */
	n = strlen(gitdir) + 8;
	index = repo_xrealloc(NULL, n, 1);
	snprintf(index, n, "%s/index", gitdir);
	hs = hash_size(gitdir);
	fd = open(index, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* nothing added yet (git init), or a --no-checkout clone */
		r->host->log(r->ctx, OG_LOG_INFO, "%s: %s; walking the tree "
			     "instead", index, strerror(errno));
		goto cleanup;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < 12 + hs) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: not a git index (too "
			     "short or not a file); walking the tree instead",
			     index);
		r->index_error = repo_xstrdup("not a git index (too short or "
					      "not a file)");
		rc = -EINVAL;
		goto cleanup;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto cleanup;
	}
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	rc = parse_entries(&ps, map, (size_t)st.st_size, hs);
	if (rc < 0) {
		const char *why = rc == -ENOTSUP ?
			"a split index (core.splitIndex), not read" :
			"not a git index this reader understands";

		r->host->log(r->ctx, OG_LOG_WARN, "%s: %s; walking the tree "
			     "instead (untracked files count, .gitignore is "
			     "honoured)", index, why);
		undo_listing(r);
		r->index_error = repo_xstrdup(why);
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
	free(ps.dir_len);
	free(ps.dir_class);
	free(index);
	free(gitdir);
	return rc;
}
