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

static void
on_fatal_signal(int sig)
{
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
		if (de->d_name[1] == 's')
			remove_dir_safe(path);
		else
			(void)unlink(path);
		og_log_info("removed %s, left by an interrupted run", path);
		free(path);
	}
	if (d)
		closedir(d);
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
	if (flock(pub->lock_fd, LOCK_EX | LOCK_NB) < 0) {
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

int
og_publish_commit(struct og_publish *pub, const char *const *names, size_t n,
		  char **ret_err)
{
	sigset_t old;
	int r = 0;

	/* The renames take milliseconds; a SIGTERM/SIGINT/SIGHUP waits for
	 * the last of them, so it cannot leave half a new set. */
	block_fatal(&old);
	for (size_t i = 0; i < n && r == 0; i++) {
		char *from = og_publish_path(pub, names[i]);
		char *to = og_asprintf("%s/%s", pub->outdir, names[i]);

		r = rename(from, to) < 0 && errno != ENOENT ? -errno : 0;
		if (r < 0)
			*ret_err = og_asprintf("cannot publish '%s': %s", to,
					       strerror(-r));
		free(from);
		free(to);
	}
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
