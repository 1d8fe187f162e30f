#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "conf.h"
#include "loader.h"
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
	*ret = (struct og_box_limits){ 0 };
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

/* The plugin's private temporary directory (its TMPDIR, the one place
 * Landlock lets it write), made and removed by the keeper. */
static char private_tmp[4096];

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void
make_private_tmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(private_tmp, sizeof(private_tmp), "%s/opsgrade-plugin-XXXXXX",
		 base && base[0] == '/' ? base : "/tmp");
	if (!mkdtemp(private_tmp))
		private_tmp[0] = '\0';
	else
		setenv("TMPDIR", private_tmp, 1);
}

/* Landlock access rights by ABI version: v1 the first 13, v2 REFER,
 * v3 TRUNCATE, v5 IOCTL_DEV (numbers, as Debian 12's header stops at v2). */
#define LL_EXECUTE	(1ull << 0)
#define LL_WRITE_FILE	(1ull << 1)
#define LL_READ_FILE	(1ull << 2)
#define LL_READ_DIR	(1ull << 3)
#define LL_TRUNCATE	(1ull << 14)
#define LL_IOCTL_DEV	(1ull << 15)

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* Rights a rule on a file (not a directory) may carry. */
#define LL_FILE_RIGHTS	(LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | \
			 LL_TRUNCATE | LL_IOCTL_DEV)

static void
landlock_allow(int ruleset, const char *path, uint64_t access)
{
	struct ll_path_beneath rule = { .allowed_access = access };
	struct stat st;

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		return;
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= LL_FILE_RIGHTS;
	(void)syscall(SYS_landlock_add_rule, ruleset, 1 /* PATH_BENEATH */,
		      &rule, 0);
	close(rule.parent_fd);
}

/* Files every plugin process may read: the loader's and libc's (name
 * service, time zone, locale, TLS roots), /proc/self.  Not all of /etc:
 * token and password files may live there (README "Security"). */
static const char *const system_reads[] = {
	"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
	"/etc/ld.so.preload", "/etc/localtime", "/etc/timezone",
	"/etc/locale.alias", "/etc/nsswitch.conf", "/etc/passwd",
	"/etc/group", "/etc/hosts", "/etc/host.conf", "/etc/resolv.conf",
	"/etc/gai.conf", "/etc/services", "/etc/protocols", "/etc/ssl",
	"/etc/ca-certificates", "/etc/pki", "/etc/gitconfig", "/etc/mime.types",
	"/etc/os-release", "/proc/self", "/sys/devices/system/cpu",
	"/dev/urandom", "/dev/random", "/dev/zero",
};
/* ... and may also execute. */
static const char *const system_execs[] = {
	"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
};

/* The first line of file @name in @dir ("gitdir: X"), resolved against
 * @dir when relative; NULL when absent or without @prefix. */
static char *
pointer_file(const char *dir, const char *name, const char *prefix)
{
	char *path = og_asprintf("%s/%s", dir, name), *text = NULL, *out = NULL;
	size_t len = 0, n = strlen(prefix);

	if (og_read_file(path, 4096, &text, &len) == 0 && !strncmp(text, prefix, n)) {
		text[strcspn(text, "\r\n")] = '\0';
		out = text[n] == '/' ? og_strdup0(text + n)
				     : og_asprintf("%s/%s", dir, text + n);
	}
	free(text);
	free(path);
	return out;
}

/* A checkout's git dir is part of the checkout even where a ".git"
 * file puts it elsewhere (worktrees, submodules): readable too, with
 * the common dir a worktree's git dir names. */
static void
allow_git_dir(int fd, const char *checkout)
{
	char *gitdir = pointer_file(checkout, ".git", "gitdir: "), *common;

	if (!gitdir)
		return;
	landlock_allow(fd, gitdir, LL_READ_FILE | LL_READ_DIR);
	common = pointer_file(gitdir, "commondir", "");
	if (common)
		landlock_allow(fd, common, LL_READ_FILE | LL_READ_DIR);
	free(common);
	free(gitdir);
}

/* An input the plugin's options name: the path itself, or for a glob
 * pattern each match, plus a listing (names only, no contents) of the
 * directory the pattern starts in, so the plugin's own glob finds the
 * same files. */
static void
allow_input(int fd, const char *pattern)
{
	const char *wild = strpbrk(pattern, "*?[");
	glob_t g;

	if (!wild) {
		landlock_allow(fd, pattern, LL_READ_FILE | LL_READ_DIR);
		allow_git_dir(fd, pattern);
		return;
	}
	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			landlock_allow(fd, g.gl_pathv[i], LL_READ_FILE | LL_READ_DIR);
		globfree(&g);
	}
	while (wild > pattern && wild[-1] != '/')
		wild--;
	if (wild == pattern) {
		landlock_allow(fd, ".", LL_READ_DIR);
	} else {
		char *base = og_asprintf("%.*s", (int)(wild - pattern), pattern);

		landlock_allow(fd, base, LL_READ_DIR);
		free(base);
	}
}

int
og_box_landlock_abi(void)
{
	long abi;

	if (getenv("OPSGRADE_NO_LANDLOCK"))
		return 0;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      1 /* LANDLOCK_CREATE_RULESET_VERSION */);
	return abi < 1 ? 0 : (int)abi;
}

/* The file system as the plugin process sees it: read (and execute)
 * only the system's files, its own directory, the data dir and its
 * declared inputs; write only its private temp dir, its cache dir and
 * /dev/null.
 * Does nothing where the kernel has no Landlock (README "Security"). */
static void
landlock_restrict(const struct og_box_limits *lim)
{
	int abi = og_box_landlock_abi();
	uint64_t all, attr;
	int fd;

	if (abi < 1)
		return;
	all = (1ull << 13) - 1;
	if (abi >= 2)
		all |= 1ull << 13;
	if (abi >= 3)
		all |= LL_TRUNCATE;
	if (abi >= 5)
		all |= LL_IOCTL_DEV;
	attr = all;	/* struct landlock_ruleset_attr { handled_access_fs } */
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof(system_reads) / sizeof(*system_reads); i++)
		landlock_allow(fd, system_reads[i], LL_READ_FILE | LL_READ_DIR);
	for (size_t i = 0; i < sizeof(system_execs) / sizeof(*system_execs); i++)
		landlock_allow(fd, system_execs[i],
			       LL_EXECUTE | LL_READ_FILE | LL_READ_DIR);
	landlock_allow(fd, og_data_dir(), LL_READ_FILE | LL_READ_DIR);
	if (lim->plugin_path) {
		char *dir = og_asprintf("%s", lim->plugin_path), *slash = strrchr(dir, '/');

		if (slash)
			*slash = '\0';
		landlock_allow(fd, slash ? (*dir ? dir : "/") : ".",
			       LL_EXECUTE | LL_READ_FILE | LL_READ_DIR);
		free(dir);
	}
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer lists the plugin's threads by its pid in the PID
	 * namespace, in the host's /proc; ptrace scoping still keeps the
	 * plugin out of other processes' environ and memory */
	landlock_allow(fd, "/proc", LL_READ_FILE | LL_READ_DIR);
#endif
	for (const char *const *r = lim->reads; r && *r; r++)
		allow_input(fd, *r);
	landlock_allow(fd, "/dev/null", all & (LL_WRITE_FILE | LL_READ_FILE |
					       LL_TRUNCATE | LL_IOCTL_DEV));
	if (private_tmp[0])
		landlock_allow(fd, private_tmp, all);
	if (lim->cache_dir)
		landlock_allow(fd, lim->cache_dir, all);
	(void)syscall(SYS_landlock_restrict_self, fd, 0);
	close(fd);
}

/* Leave the keeper with @wstatus, the plugin's own: its exit code, or
 * death by the same signal. */
static void __attribute__((noreturn))
exit_like(int wstatus)
{
	if (private_tmp[0])
		(void)nftw(private_tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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

/* Wait for @pid, serving @b on @fd meanwhile; its wait status. */
static int
wait_serving(pid_t pid, const struct og_box_broker *b, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), wstatus = 0;

	if (!b)
		fd = -1;
	for (;;) {
		struct pollfd p[2];
		nfds_t np = 0;
		pid_t r;

		if (fd >= 0)
			p[np++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (pidfd >= 0)
			p[np++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (np == 0 || fd < 0) {
			/* nothing to serve: just wait */
			while ((r = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
				;
			break;
		}
		/* without a pidfd (old kernel), look at the child 10 times a second */
		if (poll(p, np, pidfd >= 0 ? -1 : 100) < 0 && errno != EINTR)
			break;
		if (fd >= 0 && p[0].revents && b->serve(b->ctx, fd) < 0) {
			close(fd);
			fd = -1;
		}
		r = waitpid(pid, &wstatus, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
	}
	if (fd >= 0)
		close(fd);
	if (pidfd >= 0)
		close(pidfd);
	return wstatus;
}

/* Fork, and in the parent wait for the child (serving @b on @serve_fd)
 * and leave like it. */
static void
fork_and_wait(int status_fd, const struct og_box_broker *b, int serve_fd,
	      int child_fd)
{
	pid_t pid = fork();
	int wstatus = 0;

	if (pid == 0) {
		if (serve_fd >= 0)
			close(serve_fd);
		return;
	}
	if (pid < 0)
		_exit(127);
	if (child_fd >= 0)
		close(child_fd);
	wstatus = wait_serving(pid, b, serve_fd);
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
og_box_enter(const struct og_box_limits *lim, struct og_box_broker *broker)
{
	int status_pipe[2] = { -1, -1 }, sv[2] = { -1, -1 };
	bool pidns;

	/* Own session and process group: the runner's kill(-pid) reaches
	 * all of it, and no terminal signal reaches the plugin. */
	(void)setsid();
	/* Here in the keeper, so /proc/KEEPER/environ shows no secret
	 * either; the plugin process inherits the hidden copies. */
	og_secret_hide_env();
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (broker && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		_exit(127);
	make_private_tmp();
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
			if (sv[1] >= 0)
				close(sv[1]);
			wstatus = wait_serving(init, broker, sv[0]);
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
		if (sv[0] >= 0)
			close(sv[0]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		fork_and_wait(status_pipe[1], NULL, -1, -1);
	} else {
		fork_and_wait(-1, broker, sv[0], sv[1]);
	}
	/* the plugin process */
	if (status_pipe[1] >= 0)
		close(status_pipe[1]);
	if (broker)
		broker->fd = sv[1];
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space up front */
	set_limit(RLIMIT_AS, lim->memory_bytes);
#endif
	set_limit(RLIMIT_CPU, lim->cpu_seconds);
	set_limit(RLIMIT_FSIZE, lim->file_bytes);
	set_limit(RLIMIT_NOFILE, lim->open_files);
	landlock_restrict(lim);
	return 0;
}
