#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "history/history.h"
#include "history/lock.h"
#include "util.h"

int
og_lock_acquire(const char *path, int *ret_fd)
{
	char pid[32];
	int fd, r, n;

	/* a lock under a directory that does not exist yet ("~/.cache" on a
	 * fresh account, cron) is made there, not an error */
	if (strrchr(path, '/') && strrchr(path, '/') != path) {
		char *dir = strndup(path, (size_t)(strrchr(path, '/') - path));

		r = dir ? og_mkdir_p(dir) : -ENOMEM;
		free(dir);
		if (r < 0)
			return r;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	do {
		r = flock(fd, LOCK_EX | LOCK_NB);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		/* EWOULDBLOCK == EAGAIN on Linux; report one spelling. */
		r = (errno == EWOULDBLOCK || errno == EAGAIN) ?
			-EWOULDBLOCK : -errno;
		close(fd);
		return r;
	}
	/* Best effort: the PID only feeds the "held by" message. */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
		/* ignored: the lock itself is what matters */
	}
	*ret_fd = fd;
	return 0;
}

long
og_lock_holder(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno || end == buf || pid <= 0)
		return 0;
	return pid;
}

void
og_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* Truncate first so a stale PID is never shown for a free lock. */
	if (ftruncate(fd, 0) < 0) {
		/* ignored */
	}
	flock(fd, LOCK_UN);
	close(fd);
}
