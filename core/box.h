/*
 * The box a collector plugin runs in (issue 15).  The runner forks; the
 * child calls og_box_enter(), which never returns in the box's keeper
 * process and returns 0 in the process that is to run the plugin.
 *
 *   opsgrade ── keeper (own session + process group, subreaper)
 *                 └─ [ns init] ── plugin      (PID namespace when the
 *                                              kernel allows it)
 *
 * The keeper runs no plugin code.  When the plugin process ends, the
 * keeper kills and reaps everything it left behind — setsid()
 * grandchildren included (they are reparented to the subreaper, or die
 * with the namespace's init) — and exits with the plugin's own status,
 * so the runner names a crash by its signal.
 *
 * The plugin process gets PR_SET_NO_NEW_PRIVS, the rlimits below, and an
 * environment without secrets.  In a PID namespace it cannot signal the
 * host: the host's pid means nothing there.
 */
#ifndef OG_BOX_H
#define OG_BOX_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct og_box_limits {
	uint64_t memory_bytes;		/* RLIMIT_AS; 0 = none */
	uint64_t cpu_seconds;		/* RLIMIT_CPU; 0 = none */
	uint64_t file_bytes;		/* RLIMIT_FSIZE; 0 = none */
	uint64_t open_files;		/* RLIMIT_NOFILE; 0 = none */
	/* What the plugin process may read besides the system's files
	 * (Landlock, where the kernel has it): its own .so's directory,
	 * and the paths or glob patterns in @reads (NULL-terminated, may
	 * be NULL; borrowed) — the inputs its options name. */
	const char *plugin_path;
	const char *const *reads;
	/* A directory the plugin may also write (its cache between runs,
	 * og_host.cache_dir), or NULL; borrowed. */
	const char *cache_dir;
};

/* Documented defaults (README "Security"); collectors.NAME.limits.*
 * override them. */
#define OG_BOX_MEMORY_MB_DEFAULT	4096
#define OG_BOX_FILE_MB_DEFAULT		1024
#define OG_BOX_OPEN_FILES_DEFAULT	1024

/* The limits for collector @name from @config; @timeout_s bounds CPU
 * time (twice the wall-clock timeout). */
void og_box_limits_from_config(const cJSON *config, const char *name,
			       int timeout_s, struct og_box_limits *ret);

/* collectors.@name.limits.@key as a number, or @def when unset. */
uint64_t og_collector_limit(const cJSON *config, const char *name,
			    const char *key, uint64_t def);

/* A service the keeper offers the plugin process over a socket (the
 * credential broker, core/broker.h): @serve is called in the keeper
 * each time the plugin's end has something to read; <0 stops serving. */
struct og_box_broker {
	int (*serve)(void *ctx, int fd);
	void *ctx;
	int fd;			/* out: the plugin process's end, or -1 */
};

/* See above.  Returns 0 in the plugin process, never in the keeper.
 * @broker may be NULL. */
int og_box_enter(const struct og_box_limits *lim, struct og_box_broker *broker);

/* In a freshly forked child that will run plugin code: SIGPIPE ignored,
 * crash signals default (so the parent names them), stdin /dev/null,
 * stdout to stderr. */
void og_box_child_stdio(void);

/* In a probe (descriptor reading, constructors only): wipe every
 * variable but PATH, locale, TZ, TMPDIR and the loader's and sanitizers'
 * own, and forget the secrets the keeper hid. */
void og_box_env_minimal(void);

/* The kernel's Landlock ABI version, 0 when it has none or
 * OPSGRADE_NO_LANDLOCK is set: without it a plugin may read and write
 * any file its user can (README "Security"). */
int og_box_landlock_abi(void);

/* Environment variables a plugin never sees (secrets by name). */
bool og_box_env_is_secret(const char *name);

#endif /* OG_BOX_H */
