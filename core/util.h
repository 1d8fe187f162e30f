/*
 * Small helpers with no project logic: capped file reading, atomic
 * writes, time formatting, string vectors, logging at the edge.
 */
#ifndef OG_UTIL_H
#define OG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OG_FILE_MAX_BYTES	((size_t)1 << 30)	/* 1 GiB: hostile sizes stop here */

/* Read all of @path (at most @max bytes) into a NUL-terminated buffer.
 * Returns 0, -ENOENT, -EFBIG when larger than @max, or -errno. */
int og_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);
/* The same into *@buf of *@cap bytes, grown when too small (the caller
 * keeps it, whatever the result): a big buffer read again and again is
 * not paged in anew each time. */
int og_read_file_into(const char *path, size_t max, char **buf, size_t *cap,
		      size_t *ret_len);

/* Write @len bytes to a temporary file next to @path, fsync, rename into
 * place: a killed run never leaves a half-written file at @path. */
int og_write_file_atomic(const char *path, const void *data, size_t len);

/* mkdir -p @path; levels it creates are 0700 (history and caches
 * reveal security posture).  0 or negative errno. */
int og_mkdir_p(const char *path);

/* $XDG_CACHE_HOME/opsgrade/@sub, else $HOME/.cache/opsgrade/@sub
 * (absolute variables only); NULL when neither is set. */
char *og_user_cache_dir(const char *sub);

/* Temporary name for @path in the same directory ("dir/.name.XXXXXX"),
 * opened; *ret_tmp is the caller's to free.  Finish with og_commit_tmp. */
int og_open_tmp(const char *path, int *ret_fd, char **ret_tmp);
int og_commit_tmp(const char *tmp, const char *path);	/* rename + free-safe */
/* End a write into @fd (from og_open_tmp) whose result so far is @r: when
 * 0, fsync, close and og_commit_tmp; else close and remove @tmp.  Returns
 * the first error (-errno) or 0. */
int og_finish_tmp(int fd, int r, const char *tmp, const char *path);

/* The run's clock: SOURCE_DATE_EPOCH when set and valid, else time(). */
int64_t og_now(void);
/* Milliseconds on the monotonic clock (for timeouts and durations). */
int64_t og_mono_ms(void);
/* The times opsgrade can write: years 0000 to 9999 (RFC 3339). */
#define OG_TIME_MIN	INT64_C(-62167219200)	/* 0000-01-01T00:00:00Z */
#define OG_TIME_MAX	INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
/* RFC 3339 UTC: "2026-11-27T17:00:00Z".  @buf at least 21 bytes.  A
 * time outside OG_TIME_MIN..MAX is written clamped and -ERANGE returned;
 * else 0. */
int og_format_time(int64_t t, char *buf, size_t size);
/* Parse RFC 3339 / ISO 8601 with Z or ±hh:mm offset, or a plain date.
 * Returns 0 or -EINVAL. */
int og_parse_time(const char *s, int64_t *ret_t);

char *og_strdup0(const char *s);		/* NULL-safe strdup, aborts on OOM */
void *og_xmalloc(size_t n);			/* aborts on OOM */
void *og_xcalloc(size_t n, size_t size);	/* overflow-checked, aborts on OOM */
void *og_xrealloc_array(void *p, size_t n, size_t size);
/* og_xcalloc for big tables: huge-page backed when large (freed with
 * free()); page faults dominate filling big hash tables otherwise. */
void *og_xcalloc_huge(size_t n, size_t size);
/* @s is 1..@max of lowercase letters, digits and the characters of
 * @punct: the alphabet of names and ids that end up in keys, file names
 * and anchors. */
bool og_name_ok(const char *s, size_t max, const char *punct);

/* Out of memory: says so on stderr and aborts. */
_Noreturn void og_oom(void);
char *og_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool og_str_has_suffix(const char *s, const char *suffix);
/* A boolean environment variable: unset, empty, 0, false, no, off (any
 * case) are false; 1, true, yes, on are true; anything else is true with
 * a warning. */
bool og_env_bool(const char *name);

/* Logging: stderr, "opsgrade: " prefix; quiet mode drops info. */
enum og_log_prio { OG_PRIO_ERROR, OG_PRIO_WARN, OG_PRIO_INFO, OG_PRIO_DEBUG };
void og_log_set_level(enum og_log_prio max);
bool og_log_enabled(enum og_log_prio p);
void og_logv(enum og_log_prio p, const char *fmt, va_list ap);
void og_log(enum og_log_prio p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define og_log_error(...) og_log(OG_PRIO_ERROR, __VA_ARGS__)
#define og_log_warn(...)  og_log(OG_PRIO_WARN, __VA_ARGS__)
#define og_log_info(...)  og_log(OG_PRIO_INFO, __VA_ARGS__)
#define og_log_debug(...) og_log(OG_PRIO_DEBUG, __VA_ARGS__)

#endif /* OG_UTIL_H */
