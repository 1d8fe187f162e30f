#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

#include "hash.h"
#include "probe-cache.h"
#include "util.h"

/* Bump when the probe's answer changes shape (a rebuild changes the
 * name anyway: the library file's times are in it). */
#define PROBE_CACHE_FORMAT 1

struct file_id {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

static int
file_id(const char *path, struct file_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	*id = (struct file_id){
		.dev = st.st_dev, .ino = st.st_ino, .size = (uint64_t)st.st_size,
		.mtime_s = st.st_mtim.tv_sec, .mtime_ns = st.st_mtim.tv_nsec,
		.ctime_s = st.st_ctim.tv_sec, .ctime_ns = st.st_ctim.tv_nsec,
	};
	return 0;
}

/* The file this code was loaded from (libopsgrade, or the executable it
 * is linked into): its identity stands for the decoder's build. */
static const char self_anchor;

static int
self_id(struct file_id *id)
{
	Dl_info info;

	if (!dladdr(&self_anchor, &info) || !info.dli_fname)
		return -1;
	/* the main program's name may be empty or relative to a cwd left */
	return file_id(info.dli_fname[0] == '/' ? info.dli_fname : "/proc/self/exe", id);
}

char *
og_probe_cache_path(const char *plugin_path, char ret_tag[OG_PROBE_CACHE_TAG])
{
	struct {
		uint32_t format, abi;
		struct file_id self, plugin;
	} key;
	char *dir, *path = NULL;
	const char *e;
	size_t plen = strlen(plugin_path);

	e = getenv("OPSGRADE_PROBE_CACHE");
	if (e && !strcmp(e, "0"))
		return NULL;
	memset(&key, 0, sizeof(key));	/* the padding is hashed too */
	key.format = PROBE_CACHE_FORMAT;
	key.abi = OPSGRADE_PLUGIN_ABI;
	if (self_id(&key.self) < 0 || file_id(plugin_path, &key.plugin) < 0)
		return NULL;
	dir = og_user_cache_dir("probe");
	if (!dir)
		return NULL;
	snprintf(ret_tag, OG_PROBE_CACHE_TAG, "%016llx%016llx",
		 (unsigned long long)og_hash64(&key, sizeof(key), 1),
		 (unsigned long long)og_hash64(&key, sizeof(key), 2));
	/* one file per plugin path: a rebuilt plugin replaces its entry */
	if (og_mkdir_p(dir) == 0)
		path = og_asprintf("%s/%016llx%016llx", dir,
				   (unsigned long long)og_hash64(plugin_path, plen, 1),
				   (unsigned long long)og_hash64(plugin_path, plen, 2));
	free(dir);
	return path;
}

int
og_probe_cache_get(const char *cpath, const char *tag, size_t max,
		   char **ret_buf, size_t *ret_len)
{
	size_t tlen = strlen(tag);

	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r = 0;

	fd = open(cpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	/* a file another user can write could declare what the plugin
	 * does not: only our own private regular files count */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    st.st_size <= 0 || (uint64_t)st.st_size > max) {
		r = -EPERM;
		goto out;
	}
	buf = og_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	/* kept for another build or another file at that path */
	if (len <= tlen || memcmp(buf, tag, tlen) != 0 || buf[tlen] != '\n') {
		r = -ESTALE;
		goto out;
	}
	len -= tlen + 1;
	memmove(buf, buf + tlen + 1, len + 1);
	*ret_buf = buf;
	*ret_len = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return r;
}

void
og_probe_cache_put(const char *cpath, const char *tag, const char *buf,
		   size_t len)
{
	size_t tlen = strlen(tag);
	char *text = og_xmalloc(tlen + 1 + len);

	memcpy(text, tag, tlen);
	text[tlen] = '\n';
	memcpy(text + tlen + 1, buf, len);
	if (og_write_file_atomic(cpath, text, tlen + 1 + len) < 0)
		og_log_debug("probe cache: cannot write %s", cpath);
	free(text);
}
