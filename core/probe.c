#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "jsonin.h"
#include "jsonw.h"
#include "probe-cache.h"
#include "probe.h"
#include "util.h"

#define PROBE_ARRAY_MAX		1024	/* a list without its terminator stops here */
#define PROBE_STRING_MAX	4096	/* bytes, terminator not counted */
#define PROBE_OUTPUT_MAX	(1u << 20)
#define PROBE_LOADED_MARK	"loaded\n"
#define PROBE_PARALLEL		8

int
og_plugin_open(const char *path, struct og_plugin *ret, uint32_t *ret_abi,
	       char **ret_why)
{
	const struct og_plugin *d;
	void *h;
	uint32_t size;

	*ret_abi = 0;
	memset(ret, 0, sizeof(*ret));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		/* the loader says ENOENT for a library Landlock hid from it */
		*ret_why = og_asprintf("cannot load: %s%s", dlerror(),
				       og_box_landlock_abi() > 0
				       ? " (a plugin may load libraries from the "
					 "system directories and its own only)" : "");
		return -ENOEXEC;
	}
	d = dlsym(h, OPSGRADE_PLUGIN_SYMBOL);
	if (!d) {
		*ret_why = og_asprintf("refused: no '%s' symbol (not an opsgrade "
				       "plugin)", OPSGRADE_PLUGIN_SYMBOL);
		return -ENOENT;
	}
	/* The ABI major comes first so it can be read before trusting any
	 * other member's layout. */
	*ret_abi = d->abi_major;
	if (d->abi_major != OPSGRADE_PLUGIN_ABI) {
		*ret_why = og_asprintf("refused: built for plugin ABI %u, this "
				       "opsgrade supports ABI %u", d->abi_major,
				       OPSGRADE_PLUGIN_ABI);
		return -EPROTO;
	}
	size = d->struct_size;
	if (size > sizeof(struct og_plugin)) {
		*ret_why = og_asprintf("refused: descriptor is %u bytes, newer "
				       "than this opsgrade's %zu (update opsgrade)",
				       size, sizeof(struct og_plugin));
		return -EPROTO;
	}
	if (size < offsetof(struct og_plugin, fini) + sizeof(d->fini)) {
		*ret_why = og_asprintf("refused: descriptor of %u bytes is too "
				       "small to be valid", size);
		return -EPROTO;
	}
	memcpy(ret, d, size);
	return 0;
}

/* ---- the probe child: descriptor to JSON ------------------------------ */

struct probe_out {
	struct og_jw w;
	const char *bad;	/* first problem found, a static string */
};

/* A string from the plugin's memory; a bad pointer ends the probe by its
 * signal, which the parent reports. */
static void
put_str(struct probe_out *o, const char *k, const char *s)
{
	if (s && strnlen(s, PROBE_STRING_MAX + 1) > PROBE_STRING_MAX) {
		o->bad = "a string in its descriptor is longer than 4096 bytes "
			 "or not terminated";
		s = NULL;
	}
	og_jw_kstr_opt(&o->w, k, s);
}

/* Step through an array of @step-byte elements the plugin hands over;
 * its first member is a pointer, NULL in the terminator. */
static size_t
array_len(struct probe_out *o, const void *arr, size_t step, size_t min_step)
{
	const unsigned char *p = arr;
	size_t n = 0;

	if (!p)
		return 0;
	if (step < min_step) {
		o->bad = "an element size in its descriptor is too small "
			 "(rebuild against opsgrade/plugin.h)";
		return 0;
	}
	while (n < PROBE_ARRAY_MAX && *(const void *const *)(p + n * step))
		n++;
	if (n == PROBE_ARRAY_MAX) {
		o->bad = "a list in its descriptor has more than 1024 entries "
			 "or no terminator";
		return 0;
	}
	return n;
}

#define ELEMENT(arr, step, i, type) \
	((const type *)((const unsigned char *)(arr) + (i) * (step)))

static void
put_options(struct probe_out *o, const struct og_plugin *d)
{
	size_t step = d->option_size ? d->option_size : sizeof(struct og_option);
	size_t n = array_len(o, d->options, step,
			     offsetof(struct og_option, help) + sizeof(const char *));

	og_jw_key(&o->w, "options");
	og_jw_open(&o->w, '[');
	for (size_t i = 0; i < n; i++) {
		struct og_option op = { 0 };

		/* an older plugin's smaller element: the rest stays zero */
		memcpy(&op, ELEMENT(d->options, step, i, struct og_option),
		       step < sizeof(op) ? step : sizeof(op));
		og_jw_open(&o->w, '{');
		put_str(o, "key", op.key);
		og_jw_key(&o->w, "type");
		og_jw_int(&o->w, (long long)op.type);
		put_str(o, "help", op.help);
		og_jw_key(&o->w, "flags");
		og_jw_int(&o->w, (long long)op.flags);
		put_str(o, "from", op.from);
		og_jw_close(&o->w, '}');
	}
	og_jw_close(&o->w, ']');
}

static void
put_flags(struct probe_out *o, const struct og_plugin *d)
{
	size_t n = array_len(o, d->flags, d->flag_size,
			     offsetof(struct og_flag, help) + sizeof(const char *));

	og_jw_key(&o->w, "flags");
	og_jw_open(&o->w, '[');
	for (size_t i = 0; i < n; i++) {
		const struct og_flag *f = ELEMENT(d->flags, d->flag_size, i,
						  struct og_flag);

		og_jw_open(&o->w, '{');
		put_str(o, "flag", f->flag);
		put_str(o, "option", f->option);
		put_str(o, "arg", f->arg);
		put_str(o, "help", f->help);
		og_jw_close(&o->w, '}');
	}
	og_jw_close(&o->w, ']');
}

static void
put_strv(struct probe_out *o, const char *k, const char *const *v)
{
	size_t n = array_len(o, v, sizeof(*v), sizeof(*v));

	if (!v)
		return;
	og_jw_key(&o->w, k);
	og_jw_open(&o->w, '[');
	for (size_t i = 0; i < n; i++) {
		if (strnlen(v[i], PROBE_STRING_MAX + 1) > PROBE_STRING_MAX) {
			o->bad = "a string in its descriptor is longer than "
				 "4096 bytes or not terminated";
			continue;
		}
		og_jw_str(&o->w, v[i]);
	}
	og_jw_close(&o->w, ']');
}

static void
put_credentials(struct probe_out *o, const struct og_plugin *d)
{
	size_t step = d->credential_size;
	size_t n = array_len(o, d->credentials, step,
			     offsetof(struct og_credential, header) +
			     sizeof(const char *));

	og_jw_key(&o->w, "credentials");
	og_jw_open(&o->w, '[');
	for (size_t i = 0; i < n; i++) {
		struct og_credential c = { 0 };

		memcpy(&c, ELEMENT(d->credentials, step, i, struct og_credential),
		       step < sizeof(c) ? step : sizeof(c));
		og_jw_open(&o->w, '{');
		put_str(o, "name", c.name);
		put_str(o, "env", c.env);
		put_str(o, "file_option", c.file_option);
		put_strv(o, "hosts", c.hosts);
		put_str(o, "scheme", c.scheme);
		put_str(o, "header", c.header);
		put_str(o, "user_env", c.user_env);
		put_str(o, "hosts_option", c.hosts_option);
		put_str(o, "insecure_option", c.insecure_option);
		og_jw_key(&o->w, "flags");
		og_jw_int(&o->w, (long long)c.flags);
		og_jw_close(&o->w, '}');
	}
	og_jw_close(&o->w, ']');
}

static void
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void __attribute__((noreturn))
probe_child(const char *path, int fd)
{
	struct probe_out o = { 0 };
	struct og_plugin d;
	uint32_t abi;
	char *why = NULL;
	int r;

	og_jw_init(&o.w);
	og_jw_open(&o.w, '{');
	r = og_plugin_open(path, &d, &abi, &why);
	/* the constructors ran: what crashes from here is the descriptor */
	write_all(fd, PROBE_LOADED_MARK, strlen(PROBE_LOADED_MARK));
	og_jw_key(&o.w, "abi");
	og_jw_int(&o.w, abi);
	if (r < 0) {
		og_jw_kstr(&o.w, "refused", why);
	} else {
		put_str(&o, "name", d.name);
		put_str(&o, "version", d.version);
		put_str(&o, "summary", d.summary);
		og_jw_key(&o.w, "collect");
		og_jw_bool(&o.w, d.collect != NULL);
		og_jw_key(&o.w, "opt_in");
		og_jw_bool(&o.w, d.opt_in);
		og_jw_key(&o.w, "cache");
		og_jw_bool(&o.w, d.cache);
		put_options(&o, &d);
		put_flags(&o, &d);
		put_credentials(&o, &d);
		if (o.bad)
			og_jw_kstr(&o.w, "refused",
				   og_asprintf("refused: %s", o.bad));
	}
	og_jw_close(&o.w, '}');
	write_all(fd, o.w.buf, o.w.len);
	_exit(0);
}

/* ---- the parent: run the probe, read its answer ----------------------- */

static int
probe_timeout_s(void)
{
	const char *s = getenv("OPSGRADE_PROBE_TIMEOUT");
	long v = s ? strtol(s, NULL, 10) : 0;

	return v > 0 && v < 3600 ? (int)v : OG_PROBE_TIMEOUT_DEFAULT;
}

static char *
keep(struct og_plugin_entry *e, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v))
		return NULL;
	e->strings = og_xrealloc_array(e->strings, e->n_strings + 1,
				       sizeof(*e->strings));
	return e->strings[e->n_strings++] = og_strdup0(v->valuestring);
}

static const char *const *
keep_strv(struct og_plugin_entry *e, const cJSON *o, const char *key)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	char **v;
	size_t n = 0;

	if (!cJSON_IsArray(a))
		return NULL;
	v = og_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it))
			v[n++] = og_strdup0(it->valuestring);
	e->strvs = og_xrealloc_array(e->strvs, e->n_strvs + 1, sizeof(*e->strvs));
	e->strvs[e->n_strvs++] = v;
	return (const char *const *)v;
}

static unsigned
uint_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	       v->valuedouble <= 0xffffffffu ? (unsigned)v->valuedouble : 0;
}

static size_t
array_of(const cJSON *d, const char *key, size_t elem, void **ret)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(d, key);
	size_t n = cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;

	*ret = og_xcalloc(n + 1, elem);
	return n;
}

static void
decode(struct og_plugin_entry *e, const cJSON *d)
{
	const cJSON *it;
	void *v;
	size_t i;

	e->desc.abi_major = OPSGRADE_PLUGIN_ABI;
	e->desc.struct_size = sizeof(e->desc);
	e->desc.name = keep(e, d, "name");
	e->desc.version = keep(e, d, "version");
	e->desc.summary = keep(e, d, "summary");
	e->desc.opt_in = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "opt_in"));
	e->desc.cache = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "cache"));
	e->has_collect = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "collect"));

	array_of(d, "options", sizeof(struct og_option), &v);
	e->options = v;
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d, "options")) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "type");

		e->options[i].key = keep(e, it, "key");
		e->options[i].type = cJSON_IsNumber(t) ? (enum og_option_type)t->valueint
						       : OG_OPT_STRING;
		e->options[i].help = keep(e, it, "help");
		e->options[i].flags = uint_of(it, "flags");
		e->options[i].from = keep(e, it, "from");
		i += e->options[i].key != NULL;
	}
	array_of(d, "flags", sizeof(struct og_flag), &v);
	e->flags = v;
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d, "flags")) {
		e->flags[i].flag = keep(e, it, "flag");
		e->flags[i].option = keep(e, it, "option");
		e->flags[i].arg = keep(e, it, "arg");
		e->flags[i].help = keep(e, it, "help");
		i += e->flags[i].flag != NULL;
	}
	array_of(d, "credentials", sizeof(struct og_credential), &v);
	e->credentials = v;
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d, "credentials")) {
		struct og_credential *c = &e->credentials[i];

		c->name = keep(e, it, "name");
		c->env = keep(e, it, "env");
		c->file_option = keep(e, it, "file_option");
		c->hosts = keep_strv(e, it, "hosts");
		c->scheme = keep(e, it, "scheme");
		c->header = keep(e, it, "header");
		c->user_env = keep(e, it, "user_env");
		c->hosts_option = keep(e, it, "hosts_option");
		c->insecure_option = keep(e, it, "insecure_option");
		c->flags = uint_of(it, "flags");
		i += c->name != NULL;
	}
	e->desc.options = e->options;
	e->desc.option_size = sizeof(struct og_option);
	e->desc.flags = e->flags;
	e->desc.flag_size = sizeof(struct og_flag);
	e->desc.credentials = e->credentials;
	e->desc.credential_size = sizeof(struct og_credential);
}

static const char *
signal_name(int sig)
{
	const char *n = sigabbrev_np(sig);
	static char buf[32];

	if (n)
		snprintf(buf, sizeof(buf), "SIG%s", n);
	else
		snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* Why a probe that sent no usable answer failed. */
static char *
probe_failure(bool loaded, bool timed_out, int timeout_s, int wstatus)
{
	const char *stage = loaded ? "reading its descriptor" :
			    "loading it (in a constructor?)";

	if (timed_out)
		return og_asprintf("refused: %s did not finish within %d s",
				   stage, timeout_s);
	if (WIFSIGNALED(wstatus))
		return og_asprintf("refused: %s crashed (%s)%s", stage,
				   signal_name(WTERMSIG(wstatus)),
				   loaded ? ": bad pointers in it?" : "");
	return og_asprintf("refused: %s ended the process (exit status %d) "
			   "before the descriptor was read", stage,
			   WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
}

/* One probe in flight. */
struct probe {
	struct og_plugin_entry *e;
	pid_t pid;
	int fd;			/* -1 once EOF, the cap or an error ended it */
	bool eof;
	char *buf;
	size_t len;
	char *cache;		/* where a clean answer is kept, or NULL */
	char tag[OG_PROBE_CACHE_TAG];
};

static void
probe_start(struct probe *p, int timeout_s)
{
	struct og_box_limits lim;
	int fds[2];

	p->fd = -1;
	og_box_limits_from_config(NULL, "", timeout_s, &lim);
	lim.plugin_path = p->e->path;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		p->e->message = og_asprintf("cannot probe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0) {
		p->e->message = og_asprintf("cannot probe: %s", strerror(errno));
		p->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (p->pid == 0) {
		close(fds[0]);
		og_box_child_stdio();
		og_box_enter(&lim, NULL);
		/* a constructor has no business with any variable a
		 * collector would be refused */
		og_box_env_minimal();
		probe_child(p->e->path, fds[1]);
	}
	close(fds[1]);
	p->fd = fds[0];
}

/* Take what @p's pipe has; close it at EOF, an error or the size cap. */
static void
probe_read(struct probe *p)
{
	char chunk[16384];
	ssize_t n = read(p->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 && p->len + (size_t)n <= PROBE_OUTPUT_MAX) {
		p->buf = og_xrealloc_array(p->buf, p->len + (size_t)n + 1, 1);
		memcpy(p->buf + p->len, chunk, (size_t)n);
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
		return;
	}
	p->eof = n == 0;
	close(p->fd);
	p->fd = -1;
}

static void
probe_finish(struct probe *p, int timeout_s)
{
	struct og_plugin_entry *e = p->e;
	size_t mark = strlen(PROBE_LOADED_MARK);
	const cJSON *refused, *abi;
	int wstatus = 0;
	bool loaded;
	cJSON *d = NULL;

	if (!p->pid && !p->buf)
		goto out;
	if (!p->pid)
		goto answered;		/* from the cache */
	if (!p->eof) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
	}
	if (p->fd >= 0)
		close(p->fd);
	while (waitpid(p->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
answered:
	loaded = p->len >= mark && memcmp(p->buf, PROBE_LOADED_MARK, mark) == 0;
	if (loaded)
		d = og_json_parse(p->buf + mark, p->len - mark, false, NULL, NULL);
	if (!p->eof || !cJSON_IsObject(d) || !WIFEXITED(wstatus) ||
	    WEXITSTATUS(wstatus) != 0) {
		e->message = probe_failure(loaded, !p->eof, timeout_s, wstatus);
		goto out;
	}
	abi = cJSON_GetObjectItemCaseSensitive(d, "abi");
	e->abi_major = cJSON_IsNumber(abi) ? (uint32_t)abi->valuedouble : 0;
	refused = cJSON_GetObjectItemCaseSensitive(d, "refused");
	if (cJSON_IsString(refused)) {
		e->message = og_strdup0(refused->valuestring);
		goto out;
	}
	decode(e, d);
	e->state = OG_PLUGIN_LOADED;
	if (p->pid && p->cache)
		og_probe_cache_put(p->cache, p->tag, p->buf, p->len);
out:
	cJSON_Delete(d);
	free(p->buf);
	free(p->cache);
}

/* A clean answer kept by an earlier run for the file as it is now; one
 * that does not read as such (cut short, edited) is probed again. */
static bool
cached_answer(struct probe *p)
{
	size_t mark = strlen(PROBE_LOADED_MARK);
	cJSON *d = NULL;
	bool ok;

	p->fd = -1;
	p->cache = og_probe_cache_path(p->e->path, p->tag);
	if (!p->cache ||
	    og_probe_cache_get(p->cache, p->tag, PROBE_OUTPUT_MAX, &p->buf,
			       &p->len) < 0)
		return false;
	if (p->len >= mark && memcmp(p->buf, PROBE_LOADED_MARK, mark) == 0)
		d = og_json_parse(p->buf + mark, p->len - mark, false, NULL, NULL);
	ok = cJSON_IsObject(d) && !cJSON_GetObjectItemCaseSensitive(d, "refused");
	cJSON_Delete(d);
	if (!ok) {
		free(p->buf);
		p->buf = NULL;
		p->len = 0;
	}
	p->eof = ok;
	return ok;
}

void
og_probe_entries(struct og_plugin_entry *const *entries, size_t n)
{
	int timeout_s = probe_timeout_s();

	/* a few at a time: each is three processes */
	for (size_t base = 0; base < n; base += PROBE_PARALLEL) {
		size_t k = n - base < PROBE_PARALLEL ? n - base : PROBE_PARALLEL;
		struct probe ps[PROBE_PARALLEL] = { { 0 } };
		long long deadline = og_mono_ms() + (long long)timeout_s * 1000;

		for (size_t i = 0; i < k; i++) {
			ps[i].e = entries[base + i];
			ps[i].e->state = OG_PLUGIN_REFUSED;
			ps[i].fd = -1;
			if (!cached_answer(&ps[i]))
				probe_start(&ps[i], timeout_s);
		}
		for (;;) {
			struct pollfd pfd[PROBE_PARALLEL];
			size_t idx[PROBE_PARALLEL], np = 0;
			long long left = deadline - og_mono_ms();

			for (size_t i = 0; i < k; i++)
				if (ps[i].fd >= 0) {
					pfd[np] = (struct pollfd){ .fd = ps[i].fd,
								   .events = POLLIN };
					idx[np++] = i;
				}
			if (np == 0 || left <= 0)
				break;
			if (poll(pfd, np, (int)left) < 0 && errno != EINTR)
				break;
			for (size_t j = 0; j < np; j++)
				if (pfd[j].revents)
					probe_read(&ps[idx[j]]);
		}
		for (size_t i = 0; i < k; i++)
			probe_finish(&ps[i], timeout_s);
	}
}
