#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"
#include "util.h"

#define STAGING_PREFIX	".staging-"

/* For the signal handler: the staging directory, fixed storage. */
static char staging_path[PATH_MAX];
static volatile sig_atomic_t staging_live;

/* Empty and remove @dir with raw syscalls only (async-signal-safe). */
static void
remove_dir_safe(const char *dir)
{
	char buf[4096];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return;
	/* unlinking shifts the entries: read again until none is left */
	for (int round = 0; round < 64; round++) {
		int removed = 0;

		(void)lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				/* linux_dirent64: ino, off, reclen, type, name */
				unsigned short reclen;
				const char *name = buf + off + 19;

				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
				    unlinkat(fd, name, 0) == 0)
					removed++;
				off += reclen;
			}
		}
		if (!removed)
			break;
	}
	close(fd);
	(void)rmdir(dir);
}

static void (*volatile fatal_hook)(void);

void
og_publish_on_fatal_signal(void (*hook)(void))
{
	fatal_hook = hook;
}

static void
on_fatal_signal(int sig)
{
	if (fatal_hook)
		fatal_hook();
	if (staging_live)
		remove_dir_safe(staging_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ".NAME.XXXXXX" as og_open_tmp makes them for @names. */
static bool
is_our_temp(const char *entry, const char *const *names, size_t n)
{
	size_t len = strlen(entry);

	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(names[i]);

		if (len == k + 8 && entry[0] == '.' &&
		    strncmp(entry + 1, names[i], k) == 0 && entry[k + 1] == '.')
			return true;
	}
	return false;
}

#define JOURNAL		".journal"

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Move the staged files @list[@n] into OUTDIR (those still staged: a
 * rename already done is not redone), then make that durable. */
static int
move_staged(const char *outdir, const char *staging, const char *const *list,
	    size_t n, char **ret_err)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		char *from = og_asprintf("%s/%s", staging, list[i]);
		char *to = og_asprintf("%s/%s", outdir, list[i]);

		r = rename(from, to) < 0 && errno != ENOENT ? -errno : 0;
		if (r < 0)
			*ret_err = og_asprintf("cannot publish '%s': %s", to,
					       strerror(-r));
		free(from);
		free(to);
#if OG_TEST_HOOKS
		/* tests/harden: SIGKILL between two renames */
		if (r == 0 && i == 0 && n > 1 && getenv("OPSGRADE_TEST_PUBLISH_PAUSE")) {
			fprintf(stderr, "publish: paused after %s\n", list[0]);
			for (int k = 0; k < 600; k++)
				usleep(100000);
		}
#endif
	}
	fsync_dir(outdir);
	return r;
}

/* A staging directory whose journal says its set was being published
 * when the run died (SIGKILL, power loss): finish the publish — every
 * file of the set was written and synced before the first rename, and
 * the run's history snapshot is stored — so the directory holds one
 * whole set again.  Only our output @names are moved. */
static void
finish_interrupted(const char *outdir, const char *staging,
		   const char *const *names, size_t n)
{
	char *journal = og_asprintf("%s/" JOURNAL, staging), *text = NULL, *err = NULL;
	const char *list[16];
	size_t len = 0, k = 0;

	if (og_read_file(journal, 4096, &text, &len) < 0)
		goto cleanup;
	for (char *line = strtok(text, "\n"); line && k < 16; line = strtok(NULL, "\n"))
		for (size_t i = 0; i < n; i++)
			if (!strcmp(line, names[i]))
				list[k++] = names[i];
	if (move_staged(outdir, staging, list, k, &err) < 0) {
		og_log_warn("%s", err);
		free(err);
	} else {
		og_log_warn("finished publishing the %zu files of a run killed while "
			    "it published them in '%s'", k, outdir);
	}
cleanup:
	free(text);
	free(journal);
}

static void
clean_stale(const char *outdir, const char *const *names, size_t n)
{
	DIR *d = opendir(outdir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *path;

		if (strncmp(de->d_name, STAGING_PREFIX, strlen(STAGING_PREFIX)) &&
		    !is_our_temp(de->d_name, names, n))
			continue;
		path = og_asprintf("%s/%s", outdir, de->d_name);
		if (de->d_name[1] == 's') {
			finish_interrupted(outdir, path, names, n);
			remove_dir_safe(path);
		}
		else
			(void)unlink(path);
		og_log_info("removed %s, left by an interrupted run", path);
		free(path);
	}
	if (d)
		closedir(d);
}

/*
 * flock(LOCK_NB), tried for up to a second.  A run that was just killed
 * releases the lock only when the children it forked (renderers, plugin
 * boxes, which share the locked descriptor) have died of PDEATHSIG: a
 * few milliseconds, during which the next run must not be told another
 * run is writing.  A run that really is writing holds it far longer.
 */
static bool
lock_soon(int fd)
{
	for (int i = 0; i < 50; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return true;
		if (errno != EWOULDBLOCK)
			return false;
		(void)nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	errno = EWOULDBLOCK;
	return false;
}

int
og_publish_lock(struct og_publish *pub, const char *outdir, bool wait,
		const char *const *names, size_t n, char **ret_err)
{
	*pub = (struct og_publish){ .lock_fd = -1 };
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
		*ret_err = og_asprintf("cannot create '%s': %s", outdir, strerror(errno));
		return -errno;
	}
	/* flock on the directory itself: no lock file among the outputs */
	pub->lock_fd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pub->lock_fd < 0) {
		*ret_err = og_asprintf("cannot open '%s': %s", outdir, strerror(errno));
		return -errno;
	}
	if (!lock_soon(pub->lock_fd)) {
		int r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;

		if (r == -EWOULDBLOCK && wait) {
			og_log_info("another opsgrade run is writing '%s'; "
				    "waiting (--wait)", outdir);
			while ((r = flock(pub->lock_fd, LOCK_EX) < 0 ? -errno : 0) ==
			       -EINTR)
				;
		}
		if (r < 0) {
			*ret_err = r == -EWOULDBLOCK
				? og_asprintf("another opsgrade run is writing "
					      "'%s'; try again later (or --wait)",
					      outdir)
				: og_asprintf("cannot lock '%s': %s", outdir,
					      strerror(-r));
			close(pub->lock_fd);
			pub->lock_fd = -1;
			return r;
		}
	}
	clean_stale(outdir, names, n);
	pub->outdir = og_strdup0(outdir);
	return 0;
}

/* Hold SIGTERM/SIGINT/SIGHUP (saving the mask in @old) while the
 * staging state changes, so the handler never sees it half done. */
static void
block_fatal(sigset_t *old)
{
	sigset_t fatal;

	sigemptyset(&fatal);
	sigaddset(&fatal, SIGTERM);
	sigaddset(&fatal, SIGINT);
	sigaddset(&fatal, SIGHUP);
	sigprocmask(SIG_BLOCK, &fatal, old);
}

int
og_publish_stage(struct og_publish *pub, char **ret_err)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	sigset_t old;
	int r = 0;

	/* The handler is in place before the directory exists: a signal
	 * between the two would otherwise leave it behind. */
	block_fatal(&old);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pub->staging = og_asprintf("%s/" STAGING_PREFIX "XXXXXX", pub->outdir);
	if (strlen(pub->staging) >= sizeof(staging_path) || !mkdtemp(pub->staging)) {
		r = strlen(pub->staging) >= sizeof(staging_path) ? -ENAMETOOLONG : -errno;
		*ret_err = og_asprintf("cannot create a staging directory in "
				       "'%s': %s", pub->outdir, strerror(-r));
		free(pub->staging);
		pub->staging = NULL;
		goto out;
	}
	(void)chmod(pub->staging, 0755);
	strcpy(staging_path, pub->staging);
	staging_live = 1;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

char *
og_publish_path(const struct og_publish *pub, const char *name)
{
	return og_asprintf("%s/%s", pub->staging, name);
}

/* Sync @n staged files and write the journal naming them: from here on
 * the set is published even if this process dies (finish_interrupted). */
static int
write_journal(const struct og_publish *pub, const char *const *names, size_t n,
	      char **ret_err)
{
	char *journal = og_publish_path(pub, JOURNAL), *text = og_strdup0("");
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		char *path = og_publish_path(pub, names[i]), *more;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (fsync(fd) < 0 && r == 0)
				r = -errno;
			close(fd);
		}
		free(path);
		more = og_asprintf("%s%s\n", text, names[i]);
		free(text);
		text = more;
	}
	if (r == 0)
		r = og_write_file_atomic(journal, text, strlen(text));
	if (r < 0)
		*ret_err = og_asprintf("cannot write '%s': %s", journal, strerror(-r));
	else
		fsync_dir(pub->staging);
	free(text);
	free(journal);
	return r;
}

int
og_publish_commit(struct og_publish *pub, const char *const *names, size_t n,
		  char **ret_err)
{
	sigset_t old;
	int r;

	/* SIGTERM/SIGINT/SIGHUP wait for the last rename; SIGKILL or power
	 * loss between two renames leaves the journal, and the next run
	 * finishes the publish before anything else. */
	block_fatal(&old);
	r = write_journal(pub, names, n, ret_err);
	if (r == 0)
		r = move_staged(pub->outdir, pub->staging, names, n, ret_err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

void
og_publish_unstage(struct og_publish *pub)
{
	if (pub->staging) {
		staging_live = 0;
		remove_dir_safe(pub->staging);
		free(pub->staging);
		pub->staging = NULL;
	}
}

void
og_publish_end(struct og_publish *pub)
{
	og_publish_unstage(pub);
	if (pub->outdir && pub->lock_fd >= 0)
		close(pub->lock_fd);
	free(pub->staging);
	free(pub->outdir);
	*pub = (struct og_publish){ .lock_fd = -1 };
}
