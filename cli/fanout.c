#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fanout.h"
#include "util.h"

#define ERR_BYTES_MAX	4096	/* a child's error text; more is cut */

struct child {
	pid_t pid;
	int fd;		/* read end of the child's error pipe */
};

/* The children not yet reaped, for og_fanout_kill_children. */
#define LIVE_MAX	16
static volatile pid_t live[LIVE_MAX];

void
og_fanout_kill_children(void)
{
	for (size_t i = 0; i < LIVE_MAX; i++) {
		pid_t pid = live[i];

		if (pid > 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			live[i] = 0;
		}
	}
}

static void
run_here(struct og_fanout_job *j)
{
	j->err = NULL;
	j->result = j->run(j->arg, &j->err);
}

/* In the child: run the job, send the error text, exit.  The parent's
 * SIGTERM/SIGINT/SIGHUP handlers clean up the run's staging directory;
 * that is the parent's job alone, so the child dies plainly on them, and
 * with the parent. */
static _Noreturn void
child_main(struct og_fanout_job *j, int fd)
{
	char *err = NULL;
	int r;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	r = j->run(j->arg, &err);
	if (r < 0 && err) {
		size_t len = strnlen(err, ERR_BYTES_MAX), off = 0;

		while (off < len) {
			ssize_t w = write(fd, err + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	fflush(NULL);
	_exit(r < 0 ? 1 : 0);
}

static int
start(struct og_fanout_job *j, struct child *c)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (c->pid == 0) {
		close(p[0]);
		child_main(j, p[1]);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

static char *
read_err(int fd)
{
	char *buf = og_xmalloc(ERR_BYTES_MAX + 1);
	size_t len = 0;

	while (len < ERR_BYTES_MAX) {
		ssize_t r = read(fd, buf + len, ERR_BYTES_MAX - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	if (len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
finish(struct og_fanout_job *j, struct child *c)
{
	int st = 0;
	pid_t r;

	j->err = read_err(c->fd);
	close(c->fd);
	while ((r = waitpid(c->pid, &st, 0)) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < LIVE_MAX; i++)
		if (live[i] == c->pid)
			live[i] = 0;
	if (r < 0) {
		j->result = -1;
	} else if (WIFSIGNALED(st)) {
		free(j->err);
		j->err = og_asprintf("killed by signal %d (%s)", WTERMSIG(st),
				     strsignal(WTERMSIG(st)));
		j->result = -1;
	} else {
		j->result = WEXITSTATUS(st) == 0 ? 0 : -1;
	}
}

void
og_fanout_run(struct og_fanout_job *jobs, size_t n)
{
	struct child *kids;
	bool *forked;

	if (n == 0)
		return;
	if (n == 1) {
		run_here(&jobs[0]);
		return;
	}
	kids = og_xcalloc(n, sizeof(*kids));
	forked = og_xcalloc(n, sizeof(*forked));
	/* buffered output must not be written twice, once by each copy */
	fflush(NULL);
	for (size_t i = 1; i < n; i++) {
		int r = start(&jobs[i], &kids[i]);

		forked[i] = r == 0;
		if (r == 0 && i < LIVE_MAX)
			live[i] = kids[i].pid;
		if (r < 0)
			og_log_debug("fanout: fork: %s; running the job in this process",
				     strerror(-r));
	}
	run_here(&jobs[0]);
	for (size_t i = 1; i < n; i++) {
		if (forked[i])
			finish(&jobs[i], &kids[i]);
		else
			run_here(&jobs[i]);
	}
	free(forked);
	free(kids);
}
