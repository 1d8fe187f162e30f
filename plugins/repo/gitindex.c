/*
 * The tracked files of a git checkout, read straight from the index
 * (Documentation/gitformat-index.txt: versions 2, 3 and 4, SHA-1 or
 * SHA-256 object names).  Reading the index is one sequential pass over
 * one file, with no fork of git and no directory walk, so a checkout of
 * a million files lists in well under a second.  git itself is never
 * run: in a hostile checkout its config (core.fsmonitor and the like)
 * could run commands.  Sparse checkouts list what is checked out: entries
 * marked skip-worktree and the directory entries of a sparse index are
 * counted, not listed.  A split index (core.splitIndex) is read over its
 * shared index.  Anything this reader does not understand (a corrupt
 * file, a missing shared index) makes it step aside: the caller walks
 * the tree instead and says so.  An entry whose path could leave the checkout
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

/* One index entry as read; the path is in a buffer the reader owns (and
 * may be written to: add_path cuts it at each '/' in turn). */
struct entry {
	char *path;
	size_t len;
	uint32_t mode, size;
	unsigned ext;		/* extended flags (versions 3 and 4) */
};

/* A split index (core.splitIndex): the shared index's entries, less the
 * deleted ones, some replaced by this index's first entries in order,
 * and this index's remaining entries added in path order. */
struct split {
	struct entry *v;	/* this index's entries, paths owned */
	size_t n, cap, next_replace, next_add;
	unsigned char *del, *rep;	/* one byte per shared entry */
	uint32_t base_count;
};

struct parse {
	struct repo *r;
	/* the directories of the last path listed, with their classes:
	 * grown as needed, so no depth is too deep for the index */
	size_t *dir_len;
	struct repo_class *dir_class;
	size_t depth, dir_cap;
	char *last;		/* the last path listed */
	size_t last_len, last_cap;
	struct split split;
};

typedef int (*entry_fn)(struct parse *ps, struct entry *e, uint32_t i);

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

/* List the directories of @path the last path did not share, then the
 * file itself. */
static void
add_path(struct parse *ps, char *path, size_t len, uint64_t size,
	 bool gitlink)
{
	struct repo *r = ps->r;
	struct repo_class c;
	size_t from;

	/* duplicates are the stages of a merge conflict: one file */
	if (ps->last_len == len && !memcmp(ps->last, path, len))
		return;
	while (ps->depth) {
		size_t n = ps->dir_len[ps->depth - 1];

		if (n < len && path[n] == '/' && !memcmp(path, ps->last, n))
			break;
		ps->depth--;
	}
	from = ps->depth ? ps->dir_len[ps->depth - 1] + 1 : 0;
	for (char *slash = memchr(path + from, '/', len - from); slash;
	     slash = memchr(slash + 1, '/', len - (size_t)(slash + 1 - path))) {
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
	reserve(&ps->last, &ps->last_cap, len + 1);
	memcpy(ps->last, path, len + 1);
	ps->last_len = len;
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
	repo_list(r, path, len, false, size, c);
}

/* What one entry adds to the listing: checked-out files and submodules
 * with a safe path; what a sparse checkout left out is only counted. */
static int
list_entry(struct parse *ps, struct entry *e, uint32_t i)
{
	struct repo *r = ps->r;

	(void)i;
	switch (e->mode & 0170000) {
	case 0040000:	/* sparse index: a directory left out */
		if (!(e->ext & 0x4000))
			return -EINVAL;
		/* fall through */
	case 0100000:
	case 0160000:	/* a submodule */
		if (e->ext & 0x4000) {	/* skip-worktree */
			if (!r->n_sparse++)
				r->sparse_first = repo_xstrdup(e->path);
		} else if (!safe_path(e->path, e->len)) {
			r->n_unsafe++;
		} else {
			add_path(ps, e->path, e->len, e->size,
				 (e->mode & 0170000) == 0160000);
		}
		break;
	default:	/* symlinks are not followed, never listed */
		break;
	}
	return 0;
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

/* Each entry of the index at @base through @fn, in file order; *@ret_ext
 * is then where the extensions begin.  0, 1 (a listing budget stopped
 * it) or -errno. */
static int
read_entries(struct parse *ps, const unsigned char *base, size_t size,
	     size_t hs, entry_fn fn, const unsigned char **ret_ext)
{
	const unsigned char *p = base + 12, *end = base + size - hs;
	struct entry e = { 0 };
	uint32_t version, count;
	size_t cap = 0, dropped = 0;
	int rc = 0;

	if (size < 12 + hs || memcmp(base, "DIRC", 4))
		return -EINVAL;
	version = be32(base + 4);
	count = be32(base + 8);
	if (version < 2 || version > 4)
		return -EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *q = p + ENTRY_FIXED + hs, *nul;
		unsigned flags;
		size_t strip = 0, n;

		rc = -EINVAL;
		if ((size_t)(end - p) < ENTRY_FIXED + hs + 2)
			goto done;
		e.mode = be32(p + 24);
		e.size = be32(p + 36);
		flags = (unsigned)q[0] << 8 | q[1];
		q += 2;
		e.ext = 0;
		if (flags & 0x4000) {
			if (version < 3 || end - q < 2)
				goto done;
			e.ext = (unsigned)q[0] << 8 | q[1];
			q += 2;
		}
		if (version == 4 && !varint(&q, end, &strip))
			goto done;
		nul = memchr(q, '\0', (size_t)(end - q));
		if (!nul)
			goto done;
		n = (size_t)(nul - q);
		if (version == 4) {
			if (strip > e.len)
				goto done;
			e.len -= strip;
			p = nul + 1;
		} else {
			e.len = 0;
			/* entries are NUL-padded to a multiple of 8 */
			p += ((size_t)(q - p) + n + 8) & ~(size_t)7;
			if (p > end)
				goto done;
		}
		reserve(&e.path, &cap, e.len + n + 1);
		memcpy(e.path + e.len, q, n);
		e.len += n;
		e.path[e.len] = '\0';
		rc = fn(ps, &e, i);
		if (rc < 0)
			goto done;
		rc = 1;
		if ((i & 15) == 0 && repo_listing_stops(ps->r))
			goto done;
		/* what was parsed need not stay resident */
		if ((size_t)(p - base) - dropped > DROP_EVERY) {
			size_t page = (size_t)sysconf(_SC_PAGESIZE);
			size_t upto = ((size_t)(p - base) / page) * page;

			madvise((void *)(base + dropped), upto - dropped,
				MADV_DONTNEED);
			dropped = upto;
		}
	}
	rc = 0;
	*ret_ext = p;
done:
	free(e.path);
	return rc;
}

/* The extension @sig between @p and @end: its data and size, or NULL. */
static const unsigned char *
find_extension(const unsigned char *p, const unsigned char *end,
	       const char *sig, size_t *ret_len)
{
	while (p + 8 <= end) {
		uint32_t n = be32(p + 4);

		if ((size_t)(end - p - 8) < n)
			break;
		if (!memcmp(p, sig, 4)) {
			*ret_len = n;
			return p + 8;
		}
		p += 8 + n;
	}
	return NULL;
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Decode one EWAH bitmap (git's ewah/ewah_io.c layout: bit count, word
 * count, the 64-bit words, the last marker's position; each marker word
 * holds a run of equal bits and a count of literal words, bits LSB
 * first) into @set, one byte per position below @nbits. */
static int
ewah_bits(const unsigned char **p, const unsigned char *end,
	  unsigned char *set, size_t nbits)
{
	const unsigned char *w;
	uint32_t words;
	size_t pos = 0, k = 0;

	if (end - *p < 8)
		return -EINVAL;
	words = be32(*p + 4);
	w = *p + 8;
	if ((size_t)(end - w) < (size_t)words * 8 + 4)
		return -EINVAL;
	while (k < words) {
		uint64_t rlw = be64(w + 8 * k++);
		size_t run = (size_t)((rlw >> 1) & 0xffffffffu) * 64;
		size_t lit = (size_t)(rlw >> 33);

		if (rlw & 1) {
			if (run > nbits - pos)
				return -EINVAL;
			memset(set + pos, 1, run);
		}
		pos += run;
		for (size_t l = 0; l < lit; l++, pos += 64) {
			uint64_t x;

			if (k >= words)
				return -EINVAL;
			x = be64(w + 8 * k++);
			for (unsigned c = 0; x; c++, x >>= 1) {
				if (!(x & 1))
					continue;
				if (pos + c >= nbits)
					return -EINVAL;
				set[pos + c] = 1;
			}
		}
	}
	*p = w + (size_t)words * 8 + 4;
	return 0;
}

/* This (split) index's entries, kept for the merge. */
static int
save_entry(struct parse *ps, struct entry *e, uint32_t i)
{
	struct split *s = &ps->split;

	(void)i;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = repo_xrealloc(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n] = *e;
	s->v[s->n++].path = repo_xstrdup(e->path);
	return 0;
}

static int
cmp_entry_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
		      ((const struct entry *)b)->path);
}

/* The added entries that sort before @path (all of them: NULL); one with
 * the same path replaces the shared entry (returns 1). */
static int
list_added(struct parse *ps, const char *path)
{
	struct split *s = &ps->split;

	while (s->next_add < s->n) {
		struct entry *a = &s->v[s->next_add];
		int c = path ? strcmp(a->path, path) : -1;

		if (c > 0)
			return 0;
		s->next_add++;
		if (list_entry(ps, a, 0) < 0)
			return -EINVAL;
		if (c == 0)
			return 1;
	}
	return 0;
}

static int
merge_entry(struct parse *ps, struct entry *e, uint32_t i)
{
	struct split *s = &ps->split;
	struct entry use = *e;
	int rc;

	if (i >= s->base_count)
		return -EINVAL;
	if (s->rep[i]) {
		if (s->next_replace >= s->n)
			return -EINVAL;
		use = s->v[s->next_replace++];
		if (!use.len) {		/* the shared entry's path */
			use.path = e->path;
			use.len = e->len;
		}
	}
	if (s->del[i])
		return 0;
	rc = list_added(ps, use.path);
	if (rc)
		return rc < 0 ? rc : 0;
	return list_entry(ps, &use, i);
}

/* The split index at @main (its link extension: @link, @link_len bytes)
 * over its shared index, sharedindex.<hash> beside it. */
static int
read_split(struct parse *ps, const char *gitdir, const unsigned char *main,
	   size_t main_size, size_t hs, const unsigned char *link,
	   size_t link_len)
{
	struct split *s = &ps->split;
	const unsigned char *p = link + hs, *end = link + link_len, *ext;
	size_t n = strlen(gitdir) + 16 + 2 * hs, nrep = 0;
	char *path = repo_xrealloc(NULL, n, 1);
	void *map = MAP_FAILED;
	struct stat st;
	int fd, rc;

	rc = read_entries(ps, main, main_size, hs, save_entry, &ext);
	if (rc)
		goto cleanup;
	n = (size_t)snprintf(path, n, "%s/sharedindex.", gitdir);
	for (size_t k = 0; k < hs; k++)
		n += (size_t)sprintf(path + n, "%02x", link[k]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = -ENOENT;
	if (fd < 0)
		goto cleanup;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size >= 12 + hs)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			   fd, 0);
	close(fd);
	rc = -EINVAL;
	if (map == MAP_FAILED)
		goto cleanup;
	s->base_count = be32((const unsigned char *)map + 8);
	/* a count the file cannot hold would make the bitmaps a memory bomb */
	if (s->base_count > ((size_t)st.st_size - 12 - hs) /
			    (ENTRY_FIXED + hs + 4))
		goto cleanup;
	s->del = repo_xrealloc(NULL, (size_t)s->base_count + 1, 1);
	s->rep = repo_xrealloc(NULL, (size_t)s->base_count + 1, 1);
	memset(s->del, 0, (size_t)s->base_count + 1);
	memset(s->rep, 0, (size_t)s->base_count + 1);
	if (p < end && (ewah_bits(&p, end, s->del, s->base_count) < 0 ||
			ewah_bits(&p, end, s->rep, s->base_count) < 0 ||
			p != end))
		goto cleanup;
	for (size_t k = 0; k < s->base_count; k++)
		nrep += s->rep[k];
	if (nrep > s->n)
		goto cleanup;
	s->next_add = nrep;
	qsort(s->v + nrep, s->n - nrep, sizeof(*s->v), cmp_entry_path);
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	rc = read_entries(ps, map, (size_t)st.st_size, hs, merge_entry, &ext);
	if (rc == 0 && s->next_replace != nrep)
		rc = -EINVAL;
	if (rc == 0)
		rc = list_added(ps, NULL);
cleanup:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	free(path);
	return rc;
}

static void
undo_listing(struct repo *r, struct parse *ps)
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
	ps->depth = 0;
	ps->last_len = 0;
}

/* The listing from the index at @base; a split index is read over its
 * shared index. */
static int
parse_index(struct parse *ps, const char *gitdir, const unsigned char *base,
	    size_t size, size_t hs, bool *ret_split)
{
	static const unsigned char null_hash[32];
	const unsigned char *ext, *link;
	size_t link_len;
	int rc;

	rc = read_entries(ps, base, size, hs, list_entry, &ext);
	if (rc)
		return rc < 0 ? rc : 0;
	link = find_extension(ext, base + size - hs, "link", &link_len);
	if (!link)
		return 0;
	if (link_len < hs)
		return -EINVAL;
	if (!memcmp(link, null_hash, hs))	/* no shared index (yet) */
		return 0;
	/* this index holds only the changes: start again over the shared
	 * index (the listing so far was of those few entries) */
	*ret_split = true;
	undo_listing(ps->r, ps);
	rc = read_split(ps, gitdir, base, size, hs, link, link_len);
	return rc < 0 ? rc : 0;
}

int
repo_git_index(struct repo *r)
{
	struct parse ps = { .r = r };
	char *gitdir = repo_git_dir(r), *index = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	size_t n, hs;
	bool split = false;
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
	rc = parse_index(&ps, gitdir, map, (size_t)st.st_size, hs, &split);
	if (rc < 0) {
		const char *why = !split ?
			"not a git index this reader understands" :
			rc == -ENOENT ? "a split index whose shared index is "
					"missing" :
			"a split index this reader does not understand";

		r->host->log(r->ctx, OG_LOG_WARN, "%s: %s; walking the tree "
			     "instead (untracked files count, .gitignore is "
			     "honoured)", index, why);
		undo_listing(r, &ps);
		r->index_error = repo_xstrdup(why);
		goto cleanup;
	}
	if (r->n_unsafe)
		r->host->log(r->ctx, OG_LOG_WARN, "%s: %zu entries with a "
			     "path that could leave the checkout (.., .git, "
			     "absolute) not listed", index, r->n_unsafe);
	r->git_index = repo_xstrdup(".git/index");
cleanup:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	for (size_t k = 0; k < ps.split.n; k++)
		free(ps.split.v[k].path);
	free(ps.split.v);
	free(ps.split.del);
	free(ps.split.rep);
	free(ps.last);
	free(ps.dir_len);
	free(ps.dir_class);
	free(index);
	free(gitdir);
	return rc;
}
