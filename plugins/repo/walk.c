/*
 * One listing of the checkout.  In a git checkout the listing is what
 * version control tracks, read from .git/index (gitindex.c): no build
 * output, nothing ignored, no directory walk at all.  Otherwise the tree
 * is walked, skipping build-output directories and .gitignore'd paths.
 * Either way every path gets its scope (scope.c), excluded paths are only
 * tallied, and the result is a path-sorted list of files and directories
 * so every analyser sees the same, deterministic view.  Symlinks are not
 * followed and never listed.  There is no file count limit: budgets of
 * time and memory bound a hostile tree instead, and the run says which
 * one it spent (the filesystem walk also stops 128 directories deep,
 * where it would hold too many descriptors).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "repo.h"
#include "repofiles.h"

#define CHUNK	((size_t)1 << 20)

struct repo_chunk {
	struct repo_chunk *next;
	size_t used;
	char data[];
};

/* Paths live in 1 MiB chunks: a million small strdup()s would cost a
 * malloc header each. */
static const char *
arena_strdup(struct repo *r, const char *s, size_t n)
{
	struct repo_chunk *c = r->chunks;
	char *d;

	if (!c || c->used + n + 1 > CHUNK) {
		size_t cap = n + 1 > CHUNK ? n + 1 : CHUNK;

		c = repo_xrealloc(NULL, sizeof(*c) + cap, 1);
		r->list_bytes += sizeof(*c) + cap;
		c->used = 0;
		c->next = r->chunks;
		r->chunks = c;
	}
	d = c->data + c->used;
	memcpy(d, s, n);
	d[n] = '\0';
	c->used += n + 1;
	return d;
}

bool
repo_listing_stops(struct repo *r)
{
	struct timespec ts;

	if (r->out_of_time || r->list_full)
		return true;
	if (r->list_bytes > REPO_LIST_BUDGET) {
		r->list_full = true;
		r->host->set_partial(r->ctx, "listing stopped at its memory "
				     "budget (" REPO_LIST_BUDGET_TEXT "): facts "
				     "judged on the part listed");
		return true;
	}
	/* a clock read per file was 1 % of a walk */
	if (r->stop_calls++ & 255)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec >= r->deadline) {
		r->out_of_time = true;
		r->host->set_partial(r->ctx, "walk stopped at its time budget "
				     "(" REPO_TIME_BUDGET_TEXT "): facts judged on "
				     "the part listed");
	}
	return r->out_of_time;
}

/* Tally an excluded path, or list it with its scope. */
void
repo_list(struct repo *r, const char *rel, size_t n, bool is_dir,
	  uint64_t size, struct repo_class c)
{
	struct repo_file *f;

	if (r->list_full)
		return;
	if (!is_dir)
		r->n_listed++;
	if (c.scope == SCOPE_EXCLUDED || c.rule == SR_TESTS ||
	    c.rule == SR_DOCUMENTATION) {
		/* an excluded or limited directory counts through its files,
		 * except where it is not walked at all */
		if (!is_dir || c.rule == SR_BUILD_OUTPUT || c.rule == SR_GITIGNORED)
			repo_scope_count(r, c, rel);
		if (c.scope == SCOPE_EXCLUDED)
			return;
	}
	if (r->n_files == r->cap_files) {
		r->list_bytes += (r->cap_files ? r->cap_files : 256) *
				 sizeof(*r->files);
		r->cap_files = r->cap_files ? r->cap_files * 2 : 256;
		r->files = repo_xrealloc(r->files, r->cap_files,
					 sizeof(*r->files));
	}
	f = &r->files[r->n_files++];
	f->path = arena_strdup(r, rel, n);
	f->base = NULL;
	/* the analysers ask for a file's kinds several times each */
	f->kinds = is_dir ? 0 : rf_classify(f->path);
	f->is_dir = is_dir;
	f->scope = c.scope;
	f->size = size;
}

struct entry {
	char *name;
	bool dir;
};

/* Siblings in the order their paths take in the listing: a directory
 * compares as "name/", so a depth-first walk yields the files already in
 * byte order of their full paths ("a/b-c" < "a/b/x") and only the
 * directories need a sort (sort_listing). */
static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)x->name;
	const unsigned char *q = (const unsigned char *)y->name;
	int cp, cq;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	cp = *p ? *p : x->dir ? '/' : 0;
	cq = *q ? *q : y->dir ? '/' : 0;
	return cp - cq;
}

/* @dfd is owned by this function (closed via closedir).  @rel is the
 * directory's path in a buffer of @cap bytes the children's paths are
 * built in. */
static int
walk_dir(struct repo *r, int dfd, char **rel, size_t *cap, size_t rel_len,
	 unsigned depth, struct repo_class parent)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct entry *names = NULL;
	size_t n = 0, ncap = 0;

	if (!d) {
		int rc = -errno;

		close(dfd);
		return rc;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == ncap) {
			ncap = ncap ? ncap * 2 : 32;
			names = repo_xrealloc(names, ncap, sizeof(*names));
		}
		names[n].name = repo_xstrdup(de->d_name);
		names[n++].dir = de->d_type == DT_DIR ||
			(de->d_type == DT_UNKNOWN &&
			 fstatat(dirfd(d), de->d_name, &st,
				 AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode));
		/* nested .gitignore files apply to what is below them */
		if (!strcmp(de->d_name, ".gitignore"))
			repo_scope_gitignore(r, *rel);
	}
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(*names), cmp_entry);
	for (size_t i = 0; i < n && !repo_listing_stops(r); i++) {
		const char *name = names[i].name;
		size_t nlen = strlen(name), len;
		struct repo_class c;
		struct stat st;
		char *child;

		/* version-control metadata is not part of the checkout: not
		 * even "left out as build output" (an empty repository said
		 * "1 build output") */
		if (!strcmp(name, ".git"))
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			continue;
		len = rel_len + !!rel_len + nlen;
		if (len + 1 > *cap) {
			*cap = (len + 1) * 2;
			*rel = repo_xrealloc(*rel, *cap, 1);
		}
		child = *rel;
		if (rel_len)
			child[rel_len] = '/';
		memcpy(child + rel_len + !!rel_len, name, nlen + 1);
		c = repo_scope_of(r, child, S_ISDIR(st.st_mode), parent);
		if (S_ISREG(st.st_mode)) {
			repo_list(r, child, len, false, (uint64_t)st.st_size, c);
		} else if (c.rule != SR_BUILD_OUTPUT && c.rule != SR_GITIGNORED) {
			repo_list(r, child, len, true, 0, c);
			if (depth + 1 > REPO_MAX_DEPTH) {
				r->truncated = true;
			} else {
				int cfd = openat(dirfd(d), name,
						 O_RDONLY | O_DIRECTORY |
						 O_NOFOLLOW | O_CLOEXEC);

				if (cfd >= 0)
					walk_dir(r, cfd, rel, cap, len,
						 depth + 1, c);
			}
		} else {
			repo_list(r, child, len, true, 0, c);
		}
		(*rel)[rel_len] = '\0';
	}
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
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

/* Both listings give the files in byte order already (the index is
 * sorted, the walk goes in cmp_entry order); only the directories are out
 * of place ("a/b" belongs before "a/b-c").
 * Sorting a million deep paths costs most of a run, merging two sorted
 * runs costs one pass; the files are merged in place from the end, so
 * only the directories are copied. */
static void
sort_listing(struct repo *r)
{
	struct repo_file *dirs, *v = r->files;
	size_t nf = 0, nd = 0, k = r->n_files;
	bool sorted = true;

	for (size_t x = 0; x < r->n_files; x++)
		nd += v[x].is_dir;
	dirs = repo_xrealloc(NULL, nd + 1, sizeof(*dirs));
	nd = 0;
	for (size_t x = 0; x < r->n_files; x++) {
		if (v[x].is_dir) {
			dirs[nd++] = v[x];
			continue;
		}
		if (nf && strcmp(v[nf - 1].path, v[x].path) > 0)
			sorted = false;
		v[nf++] = v[x];
	}
	if (!sorted)	/* not what git writes, or a tree that changed
			 * under the walk: trust nothing */
		qsort(v, nf, sizeof(*v), cmp_file);
	if (nd > 1)
		qsort(dirs, nd, sizeof(*dirs), cmp_file);
	while (nd) {	/* the files stay below k until they move */
		if (nf && strcmp(v[nf - 1].path, dirs[nd - 1].path) > 0)
			v[--k] = v[--nf];
		else
			v[--k] = dirs[--nd];
	}
	free(dirs);
}

/* A bare repository (HEAD, objects/ and refs/ at the root, no .git)
 * has no checkout: walking it would report git's internals. */
static bool
is_bare_repository(int dfd)
{
	struct stat st;

	return fstatat(dfd, ".git", &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	       fstatat(dfd, "HEAD", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode) &&
	       fstatat(dfd, "objects", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) &&
	       fstatat(dfd, "refs", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

int
repo_walk(struct repo *r)
{
	struct timespec ts;
	int fd, rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->deadline = ts.tv_sec + REPO_TIME_BUDGET;
	fd = open(r->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (is_bare_repository(fd)) {
		close(fd);
		return -EMEDIUMTYPE;
	}
	repo_scope_init(r);
	rc = repo_git_index(r);
	if (rc == 0) {
		close(fd);
	} else {
		size_t cap = 256;
		char *rel = repo_xrealloc(NULL, cap, 1);

		rel[0] = '\0';
		repo_scope_gitignore(r, "");
		rc = walk_dir(r, fd, &rel, &cap, 0, 0, (struct repo_class){ 0 });
		free(rel);
		if (rc < 0)
			return rc;
	}
	sort_listing(r);
	for (size_t i = 0; i < r->n_files; i++) {
		struct repo_file *f = &r->files[i];
		const char *slash = strrchr(f->path, '/');

		f->base = slash ? slash + 1 : f->path;
	}
	return 0;
}

/* The budgets that bound this run, and what each one left out: a report
 * reader sees what was examined, not only that something was not. */
void
repo_emit_budgets(struct repo *r)
{
	static const struct {
		const char *key, *unit;
		double v;
	} budgets[] = {
		{ "repo.budget.listing_seconds", "s", REPO_TIME_BUDGET },
		{ "repo.budget.listing_bytes", "bytes", (double)REPO_LIST_BUDGET },
		{ "repo.budget.read_bytes", "bytes", (double)REPO_READ_BUDGET },
		{ "repo.budget.file_bytes", "bytes", (double)REPO_MAX_READ },
	};

	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		r->host->fact_number(r->ctx, budgets[i].key, budgets[i].v,
				     budgets[i].unit, NULL);
	repo_emit_number(r, "repo.read.files", (double)r->n_read, NULL);
	repo_emit_number(r, "repo.read.skipped.too_big", (double)r->n_too_big,
			 r->too_big_first);
	repo_emit_number(r, "repo.read.skipped.budget",
			 (double)r->n_over_budget, r->over_budget_first);
	repo_emit_bool(r, "repo.walk.complete", !r->out_of_time &&
		       !r->list_full && !r->truncated, NULL);
}

void
repo_files_free(struct repo *r)
{
	while (r->chunks) {
		struct repo_chunk *next = r->chunks->next;

		free(r->chunks);
		r->chunks = next;
	}
	free(r->files);
	r->files = NULL;
	r->n_files = r->cap_files = 0;
}

const struct repo_file *
repo_find(const struct repo *r, const char *path)
{
	struct repo_file key = { .path = path };

	if (!r->n_files)
		return NULL;
	return bsearch(&key, r->files, r->n_files, sizeof(*r->files),
		       cmp_file);
}
