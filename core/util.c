#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "term.h"
#include "hugemem.h"
#include "util.h"
#include "value.h"

static enum og_log_prio log_max = OG_PRIO_INFO;

void
og_log_set_level(enum og_log_prio max)
{
	log_max = max;
}

bool
og_log_enabled(enum og_log_prio p)
{
	return p <= log_max;
}

void
og_oom(void)
{
	/* As Redis's zmalloc: running out of memory is not a recoverable
	 * input error for a report generator; die loudly, never corrupt. */
	fputs("opsgrade: out of memory\n", stderr);
	abort();
}

void
og_logv(enum og_log_prio p, const char *fmt, va_list ap)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	char *msg, *safe;

	if (p > log_max)
		return;
	/* Messages quote plugin output, file names and server replies: no
	 * control character reaches the terminal raw, and one message
	 * stays one line. */
	if (vasprintf(&msg, fmt, ap) < 0)
		og_oom();
	safe = og_term_escape(msg, 0);
	fprintf(stderr, "opsgrade: %s%s\n", prefix[p], safe);
	free(safe);
	free(msg);
}

void
og_log(enum og_log_prio p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	og_logv(p, fmt, ap);
	va_end(ap);
}

void *
og_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		og_oom();
	return p;
}

void *
og_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		og_oom();
	return p;
}

void *
og_xcalloc_huge(size_t n, size_t size)
{
	void *p = og_calloc_huge(n, size);

	if (!p)
		og_oom();
	return p;
}

void *
og_xrealloc_array(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		og_oom();
	p = realloc(p, n * size != 0 ? n * size : 1);
	if (!p)
		og_oom();
	return p;
}

char *
og_strdup0(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		og_oom();
	return d;
}

char *
og_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		og_oom();
	return s;
}

bool
og_str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool
og_env_bool(const char *name)
{
	const char *v = getenv(name);
	bool b;

	if (!v || !*v)
		return false;
	if (og_value_text_bool(v, &b) == 0)
		return b;
	/* Set to something else: the variable was meant to switch the
	 * behaviour on (as presence did before), but say it is odd. */
	og_log_warn("%s=%s is not a boolean (1/0, true/false, yes/no, "
		    "on/off); taken as true", name, v);
	return true;
}

int
og_read_file_into(const char *path, size_t max, char **buf, size_t *cap,
		  size_t *ret_len)
{
	struct stat st;
	size_t len = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto out;
	}
	if (*cap < (S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536)) {
		*cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
		free(*buf);
		*buf = og_xmalloc(*cap);
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= *cap) {
			if (*cap > max) {
				r = -EFBIG;
				goto out;
			}
			*cap *= 2;
			*buf = og_xrealloc_array(*buf, *cap, 1);
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			goto out;
		}
	}
	(*buf)[len] = '\0';
	if (ret_len)
		*ret_len = len;
	r = 0;
out:
	close(fd);
	return r;
}

int
og_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	char *buf = NULL;
	size_t cap = 0;
	int r = og_read_file_into(path, max, &buf, &cap, ret_len);

	if (r < 0)
		free(buf);
	else
		*ret_buf = buf;
	return r;
}

int
og_open_tmp(const char *path, int *ret_fd, char **ret_tmp)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	int fd;

	if (slash)
		tmp = og_asprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path,
				  slash + 1);
	else
		tmp = og_asprintf(".%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;

		free(tmp);
		return r;
	}
	/* mkstemp makes 0600; reports are meant to be read by others. */
	(void)fchmod(fd, 0644);
	*ret_fd = fd;
	*ret_tmp = tmp;
	return 0;
}

int
og_commit_tmp(const char *tmp, const char *path)
{
	if (rename(tmp, path) < 0) {
		int r = -errno;

		(void)unlink(tmp);
		return r;
	}
	return 0;
}

int
og_finish_tmp(int fd, int r, const char *tmp, const char *path)
{
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = og_commit_tmp(tmp, path);
	else
		(void)unlink(tmp);
	return r;
}

int
og_mkdir_p(const char *path)
{
	char *p = og_strdup0(path);
	int r = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return r;
}

char *
og_user_cache_dir(const char *sub)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return og_asprintf("%s/opsgrade/%s", xdg, sub);
	if (home && home[0] == '/')
		return og_asprintf("%s/.cache/opsgrade/%s", home, sub);
	return NULL;
}

int
og_write_file_atomic(const char *path, const void *data, size_t len)
{
	const char *p = data;
	char *tmp = NULL;
	int fd = -1, r;

	r = og_open_tmp(path, &fd, &tmp);
	if (r < 0)
		return r;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	r = og_commit_tmp(tmp, path);
	free(tmp);
	return r;
fail:
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	free(tmp);
	return r;
}

int64_t
og_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s && *s) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		/* out of range: the clock, not a date we cannot print */
		if (!errno && *end == '\0' && v >= 0 && v <= OG_TIME_MAX)
			return v;
	}
	return (int64_t)time(NULL);
}

/* Inverse of days_from_civil (H. Hinnant's algorithm): exact for every
 * int64 day count we accept, no libc time zone or time_t width. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
og_format_time(int64_t t, char *buf, size_t size)
{
	int64_t days, secs, y;
	unsigned mo, d;
	int r = 0;

	/* RFC 3339 has four-digit years: clamp instead of printing what
	 * gmtime_r would refuse (its failure left garbage before). */
	if (t < OG_TIME_MIN) {
		t = OG_TIME_MIN;
		r = -ERANGE;
	} else if (t > OG_TIME_MAX) {
		t = OG_TIME_MAX;
		r = -ERANGE;
	}
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	secs = t - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, mo, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return r;
}

static bool
digits(const char *s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), no timegm/TZ. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
og_parse_time(const char *s, int64_t *ret_t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	const char *p;

	if (!s || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -EINVAL;
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return -EINVAL;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return -EINVAL;
			p += 3;
		}
		if (*p == '.' || *p == ',') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			if (!digits(p + 1, 2, &oh))
				return -EINVAL;
			p += 3;
			if (*p == ':')
				p++;
			if (!digits(p, 2, &om))
				return -EINVAL;
			p += 2;
		}
		if (*p != '\0' || h > 23 || mi > 59 || se > 60)
			return -EINVAL;
	} else if (*p != '\0') {
		return -EINVAL;
	}
	*ret_t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
		 sign * (oh * 3600 + om * 60);
	return 0;
}

bool
og_name_ok(const char *s, size_t max, const char *punct)
{
	if (!s || !*s || strlen(s) > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr(punct, *s)))
			return false;
	return true;
}

int64_t
og_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
