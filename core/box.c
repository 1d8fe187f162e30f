#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "conf.h"
#include "secret.h"
#include "util.h"

#define SWEEP_ROUNDS_MAX 200	/* a fork bomb is outpaced, not chased */

bool
og_box_env_is_secret(const char *name)
{
	static const char *const words[] = {
		"TOKEN", "PASSWORD", "PASSWD", "SECRET", "CREDENTIAL",
		"PRIVATE_KEY", "API_KEY", "ACCESS_KEY", "AUTH",
	};
	char up[256];
	size_t n = 0;

	for (; name[n] && name[n] != '=' && n + 1 < sizeof(up); n++)
		up[n] = (char)toupper((unsigned char)name[n]);
	up[n] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(up, words[i]))
			return true;
	/* the SMTP user names an account: as private as its password
	 * (a plugin's user variables are protected as it declares them) */
	return strcmp(up, "OPSGRADE_SMTP_USER") == 0;
}

uint64_t
og_collector_limit(const cJSON *config, const char *name, const char *key,
		   uint64_t def)
{
	char *path = og_asprintf("collectors.%s.limits.%s", name, key);
	double v = og_config_num(config, path, -1);

	free(path);
	return v < 0 ? def : (uint64_t)v;
}

/* 0 stays 0: no limit, as ulimit's "unlimited" */
static uint64_t
limit_opt(const cJSON *config, const char *name, const char *key,
	  uint64_t def, uint64_t unit)
{
	return og_collector_limit(config, name, key, def) * unit;
}

void
og_box_limits_from_config(const cJSON *config, const char *name, int timeout_s,
			  struct og_box_limits *ret)
{
	ret->memory_bytes = limit_opt(config, name, "memory_mb",
				      OG_BOX_MEMORY_MB_DEFAULT, 1 << 20);
	ret->cpu_seconds = limit_opt(config, name, "cpu_seconds",
				     (uint64_t)timeout_s * 2, 1);
	ret->file_bytes = limit_opt(config, name, "file_mb",
				    OG_BOX_FILE_MB_DEFAULT, 1 << 20);
	ret->open_files = limit_opt(config, name, "open_files",
				    OG_BOX_OPEN_FILES_DEFAULT, 1);
}

static void
set_limit(int resource, uint64_t v)
{
	struct rlimit rl = { .rlim_cur = v, .rlim_max = v };

	if (!v)
		return;
	/* never raise what we were given: a limit can only tighten */
	if (getrlimit(resource, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < v)
		v = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = v;
	(void)setrlimit(resource, &rl);
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

/* A user + PID namespace, mapping our own ids so file ownership and
 * git's safe.directory check look as before.  false where the kernel or
 * a container's seccomp policy refuses it without root. */
static bool
enter_pid_namespace(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (getenv("OPSGRADE_NO_PIDNS"))	/* tests of the fallback */
		return false;
	if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
		return false;
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)gid, (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)uid, (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	return true;
}

/* Kill and reap every process reparented to us (we are a subreaper):
 * whatever the plugin left running, however it detached. */
static void
sweep(void)
{
	for (int round = 0; round < SWEEP_ROUNDS_MAX; round++) {
		char path[300], buf[512];
		pid_t self = getpid();
		bool any = false;
		struct dirent *de;
		DIR *d = opendir("/proc");

		while (d && (de = readdir(d))) {
			long pid, ppid;
			char *close_paren;
			int fd;
			ssize_t n;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			/* "pid (comm) state ppid": comm may hold spaces */
			close_paren = strrchr(buf, ')');
			if (!close_paren ||
			    sscanf(close_paren + 1, " %*c %ld", &ppid) != 1)
				continue;
			pid = strtol(de->d_name, NULL, 10);
			if (ppid == self) {
				kill((pid_t)pid, SIGKILL);
				any = true;
			}
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			any = true;
		if (!any)
			return;
		/* their own children are ours now: next round */
		usleep(2000);
	}
}

/* Leave the keeper with @wstatus, the plugin's own: its exit code, or
 * death by the same signal. */
static void __attribute__((noreturn))
exit_like(int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	_exit(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1);
}

/* Fork, and in the parent wait for the child and leave like it. */
static void
fork_and_wait(int status_fd)
{
	pid_t pid = fork();
	int wstatus = 0;

	if (pid == 0)
		return;
	if (pid < 0)
		_exit(127);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (status_fd >= 0) {
		/* the namespace's init can't die by a signal it raises:
		 * hand the plugin's status to the keeper instead */
		(void)!write(status_fd, &wstatus, sizeof(wstatus));
		_exit(0);
	}
	sweep();
	exit_like(wstatus);
}

void
og_box_child_stdio(void)
{
	int devnull = open("/dev/null", O_RDONLY);

	signal(SIGPIPE, SIG_IGN);
	/* A crash must end the child by its signal, so the parent can name
	 * it; sanitizer runtimes would otherwise turn it into exit(1). */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		close(devnull);
	}
	/* Plugins must not write into our stdout; their stray prints go to
	 * stderr where a human sees them. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	fflush(NULL);
}

void
og_box_env_minimal(void)
{
	static const char *const keep[] = {
		"PATH", "LANG", "LC_", "TZ", "TMPDIR", "LD_LIBRARY_PATH",
		"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
	};
	extern char **environ;

	for (size_t i = 0; environ && environ[i];) {
		char *eq = strchr(environ[i], '='), *name;
		bool ok = false;

		for (size_t k = 0; eq && k < sizeof(keep) / sizeof(keep[0]); k++) {
			size_t n = strlen(keep[k]);

			ok |= strncmp(environ[i], keep[k], n) == 0 &&
			      (environ[i][n] == '=' || keep[k][n - 1] == '_');
		}
		if (ok || !eq) {
			i++;
			continue;
		}
		for (volatile char *p = eq + 1; *p; p++)
			*p = '\0';
		name = og_asprintf("%.*s", (int)(eq - environ[i]), environ[i]);
		unsetenv(name);
		free(name);
	}
	og_secret_forget();
}

int
og_box_enter(const struct og_box_limits *lim)
{
	int status_pipe[2] = { -1, -1 };
	bool pidns;

	/* Own session and process group: the runner's kill(-pid) reaches
	 * all of it, and no terminal signal reaches the plugin. */
	(void)setsid();
	/* Here in the keeper, so /proc/KEEPER/environ shows no secret
	 * either; the plugin process inherits the hidden copies. */
	og_secret_hide_env();
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	pidns = enter_pid_namespace();
	if (pidns && pipe2(status_pipe, O_CLOEXEC) < 0)
		_exit(127);
	if (pidns) {
		pid_t init = fork();
		int wstatus = 0;

		if (init < 0)
			_exit(127);
		if (init > 0) {
			/* keeper */
			int plugin_status;

			close(status_pipe[1]);
			while (waitpid(init, &wstatus, 0) < 0 && errno == EINTR)
				;
			/* else init itself died: leave with its status */
			if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 &&
			    read(status_pipe[0], &plugin_status,
				 sizeof(plugin_status)) == sizeof(plugin_status))
				wstatus = plugin_status;
			sweep();	/* the namespace's zombies */
			exit_like(wstatus);
		}
		/* the namespace's init: forks the plugin process, relays
		 * its status; its exit kills all in the namespace */
		close(status_pipe[0]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		fork_and_wait(status_pipe[1]);
	} else {
		fork_and_wait(-1);
	}
	/* the plugin process */
	if (status_pipe[1] >= 0)
		close(status_pipe[1]);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space up front */
	set_limit(RLIMIT_AS, lim->memory_bytes);
#endif
	set_limit(RLIMIT_CPU, lim->cpu_seconds);
	set_limit(RLIMIT_FSIZE, lim->file_bytes);
	set_limit(RLIMIT_NOFILE, lim->open_files);
	return 0;
}
