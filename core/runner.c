#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "credential.h"
#include "fingerprint.h"
#include "box.h"
#include "broker.h"
#include "secret.h"
#include "host.h"
#include "jsonin.h"
#include "report-json.h"
#include "runner.h"
#include "jsonget.h"
#include "util.h"
#include "wire.h"

struct slot {
	struct og_run_result *res;
	pid_t pid;
	int fd;			/* read end; -1 once EOF */
	char *buf;
	size_t len, cap;
	long long start_ms, deadline_ms;
	int timeout_s;
	bool done_seen;		/* got the final "done" record */
	int done_rc;
	bool partial;
	char *partial_reason;
	char *failure;		/* first fatal problem seen by the parent */
	bool reaped;
	int wstatus;
	bool timed_out;
	bool targets_cut;	/* past OG_COLLECTOR_TARGETS_MAX (said once) */
	size_t text_fixed;	/* invalid UTF-8 replaced in its records */
	/* the parent's budget for this collector; past one, it is stopped */
	uint64_t max_records, max_bytes, max_keys;
	uint64_t n_records, n_bytes, n_keys;
	struct og_box_limits box;
};

const char *
og_run_status_name(enum og_run_status s)
{
	static const char *const names[] = { "ok", "partial", "failed", "skipped" };

	return names[s];
}

void
og_run_result_clear(struct og_run_result *r)
{
	free(r->message);
	r->message = NULL;
	cJSON_Delete(r->log);
	r->log = NULL;
	cJSON_Delete(r->targets);
	r->targets = NULL;
}

/* Keep @msg in the collector's log when the run logs @level. */
static void
keep_log(struct og_run_result *res, enum og_log_prio level, const char *msg)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	cJSON *line;

	if (!og_log_enabled(level))
		return;
	if (!res->log)
		res->log = cJSON_CreateArray();
	if (cJSON_GetArraySize(res->log) >= OG_COLLECTOR_LOG_MAX) {
		res->log_dropped++;
		return;
	}
	line = cJSON_CreateObject();
	cJSON_AddStringToObject(line, "level", names[level]);
	cJSON_AddStringToObject(line, "message", msg);
	cJSON_AddItemToArray(res->log, line);
}

/* Add "kind:id" to the collector's sorted, unique target list (compared
 * as a set by the history). */
static void
add_target(struct slot *s, const cJSON *o)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	const cJSON *at;
	char *name;

	if (!cJSON_IsString(kind) || !cJSON_IsString(id) ||
	    !*kind->valuestring || !*id->valuestring)
		return;
	if (!s->res->targets)
		s->res->targets = cJSON_CreateArray();
	name = og_asprintf("%s:%s", kind->valuestring, id->valuestring);
	for (at = s->res->targets->child; at; at = at->next)
		if (!strcmp(at->valuestring, name)) {
			free(name);
			return;
		}
	if (cJSON_GetArraySize(s->res->targets) >= OG_COLLECTOR_TARGETS_MAX) {
		if (!s->targets_cut)
			keep_log(s->res, OG_PRIO_WARN, "more targets than opsgrade "
				 "keeps; the history compares the first ones only");
		s->targets_cut = true;
		free(name);
		return;
	}
	og_jset_add(s->res->targets, name);
	free(name);
}

static int
serve_broker(void *ctx, int fd)
{
	return og_broker_serve(ctx, fd);
}

/* Whether option @key holds a credential's file: never readable to the
 * plugin, only to the keeper that resolves it. */
static bool
is_credential_file(const struct og_plugin_entry *e, const char *key)
{
	for (const struct og_credential *c = e->credentials; c && c->name; c++)
		if (c->file_option && !strcmp(c->file_option, key))
			return true;
	return false;
}

/* The inputs @e's options name (OG_OPTF_PATH values, credential files
 * excepted): what Landlock lets it read besides the system's files.
 * Only values set for @e itself: a fallback to another collector's
 * setting (og_option.from) could name that one's token file.  A new
 * NULL-terminated array of borrowed strings; called in the child, which
 * ends with the plugin. */
static const char **
plugin_reads(const struct og_plugin_entry *e, const cJSON *config)
{
	const char **all = NULL;
	size_t n = 0;

	for (const struct og_option *o = e->options; o && o->key; o++) {
		const char **v = NULL;
		char *key;
		size_t k;

		if (!(o->flags & OG_OPTF_PATH) || is_credential_file(e, o->key))
			continue;
		key = og_asprintf("collectors.%s.%s", e->desc.name, o->key);
		k = og_config_strv(config, key, &v);
		free(key);
		all = og_xrealloc_array(all, n + k + 1, sizeof(*all));
		memcpy(all + n, v, k * sizeof(*v));
		n += k;
		free(v);
	}
	all = og_xrealloc_array(all, n + 1, sizeof(*all));
	all[n] = NULL;
	return all;
}

/*
 * The collector's cache directory (og_host.cache_dir), created: under
 * http.cache_dir's collectors/ when set, else the user's cache, then the
 * collector's name and a one-way fingerprint of its credentials' values,
 * so that answers one token could see are never read back under another
 * (the HTTP cache keys its entries the same way).  NULL when there is no
 * place for it.
 */
static char *
collector_cache_dir(const struct og_plugin_entry *e, const cJSON *config,
		    const struct og_credset *creds)
{
	const char *root = og_config_str(config, "http.cache_dir", NULL);
	char *base = root && *root ? og_asprintf("%s/collectors", root)
				   : og_user_cache_dir("collectors");
	const char **parts = NULL;
	char **values = NULL, fp[OG_FINGERPRINT_LEN + 1], *dir = NULL;
	size_t n = 0;

	if (!base)
		return NULL;
	for (const struct og_credential *c = e->credentials; c && c->name; c++)
		n++;
	parts = og_xcalloc(2 * n + 1, sizeof(*parts));
	values = og_xcalloc(n + 1, sizeof(*values));
	n = 0;
	for (const struct og_credential *c = e->credentials; c && c->name; c++) {
		values[n] = og_secret_credential(creds, c, NULL);
		parts[2 * n] = c->name;
		parts[2 * n + 1] = values[n];
		n++;
	}
	og_fingerprint_hex(parts, 2 * n, fp);
	for (size_t i = 0; i < n; i++)
		og_secret_free(values[i]);
	fp[16] = '\0';
	dir = og_asprintf("%s/%s/%s", base, e->desc.name, fp);
	if (og_mkdir_p(dir) < 0) {
		free(dir);
		dir = NULL;
	}
	free(values);
	free(parts);
	free(base);
	return dir;
}

static void
child_main(const struct og_plugin_entry *e, const cJSON *config, int fd,
	   struct og_box_limits *box)
{
	struct og_broker broker = {
		.name = e->desc.name, .config = config,
		.creds = { .plugin = e->desc.name, .creds = e->credentials,
			   .options = e->options, .config = config },
	};
	struct og_box_broker service = { .serve = serve_broker, .ctx = &broker,
					 .fd = -1 };

	char *cache_dir;

	og_box_child_stdio();
	box->plugin_path = e->path;
	box->reads = plugin_reads(e, config);
	cache_dir = e->desc.cache ? collector_cache_dir(e, config, &broker.creds)
				  : NULL;
	box->cache_dir = cache_dir;
	/* Returns in the plugin process only (see core/box.h); the keeper
	 * serves the plugin's HTTP and secret questions meanwhile. */
	og_box_enter(box, &service);
	/* the secrets stay with the keeper: none in this process's memory */
	og_secret_forget();
	_exit(og_host_run_child(e, config, fd, service.fd, cache_dir));
}

/* Kill the collector's box: its process group (the keeper made it with
 * setsid) and, should the keeper not have got that far, the keeper. */
static void
stop(struct slot *s)
{
	kill(-s->pid, SIGKILL);
	kill(s->pid, SIGKILL);
}

static void
fail(struct slot *s, char *msg)
{
	if (!s->failure)
		s->failure = msg;
	else
		free(msg);
}

#define PARTIAL_REASONS_MAX 1024	/* bytes; later reasons are counted, not kept */

/* Every distinct reason a collector gives is kept ("a; b"), so the
 * report says all that went wrong, not just the first thing. */
static void
add_reason(struct slot *s, const char *why)
{
	char *joined;

	if (s->partial_reason && strstr(s->partial_reason, why))
		return;
	if (!s->partial_reason) {
		s->partial_reason = og_strdup0(why);
		return;
	}
	if (strlen(s->partial_reason) > PARTIAL_REASONS_MAX) {
		if (!og_str_has_suffix(s->partial_reason, "; …"))
			joined = og_asprintf("%s; …", s->partial_reason);
		else
			return;
	} else {
		joined = og_asprintf("%s; %s", s->partial_reason, why);
	}
	free(s->partial_reason);
	s->partial_reason = joined;
}

static void
garbage(struct slot *s)
{
	fail(s, og_strdup0("sent data that is not an opsgrade record "
			   "(garbage on the plugin pipe)"));
}

/* False (and the collector failed) past its budget of records. */
static bool
count_record(struct slot *s)
{
	if (++s->n_records <= s->max_records)
		return true;
	fail(s, og_asprintf("stopped: sent more than %" PRIu64
			    " records (collectors.%s.limits.records)",
			    s->max_records, s->res->entry->desc.name));
	return false;
}

/* A bad record is the plugin's bug: keep the rest, say so. */
static void
rejected(struct slot *s, const char *err)
{
	char *why = og_asprintf("rejected a record: %s", err);

	og_log_warn("[%s] %s", s->res->entry->desc.name, why);
	keep_log(s->res, OG_PRIO_WARN, why);
	s->partial = true;
	add_reason(s, why);
	free(why);
}

static void
handle_finding(struct slot *s, struct og_model *m, const unsigned char *p,
	       size_t n)
{
	size_t fixed = 0;
	char *err = NULL;

	if (!count_record(s))
		return;
	if (og_wire_add_finding(m, p, n, s->res->entry->desc.name, &fixed,
				&err) < 0)
		rejected(s, err);
	else
		s->res->n_findings++;
	s->text_fixed += fixed;
	free(err);
}

static void
handle_json(struct slot *s, struct og_model *m, const char *text, size_t len)
{
	const char *name = s->res->entry->desc.name;
	const cJSON *t;
	cJSON *o;
	char *err = NULL;
	int r = 0;

	size_t fixed = 0;

	o = og_json_parse(text, len, false, &fixed, NULL);
	s->text_fixed += fixed;
	t = cJSON_GetObjectItemCaseSensitive(o, "t");
	if (!cJSON_IsString(t)) {
		garbage(s);
		cJSON_Delete(o);
		return;
	}
	if (!strcmp(t->valuestring, "fact") || !strcmp(t->valuestring, "finding") ||
	    !strcmp(t->valuestring, "event")) {
		if (!count_record(s)) {
			cJSON_Delete(o);
			return;
		}
	}
	if (!strcmp(t->valuestring, "fact")) {
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "key");
		/* distinct keys: asking og_model_fact() would derive the
		 * run-wide roll-ups again after every subject's fact, which
		 * made a 1,000-repository org quadratic */
		bool fresh = cJSON_IsString(key) &&
			     !og_model_has_fact_key(m, key->valuestring);

		r = og_fact_from_json(m, o, name, &err);
		s->res->n_facts += r == 0;
		if (r == 0 && fresh && ++s->n_keys > s->max_keys)
			fail(s, og_asprintf("stopped: added more than %" PRIu64
					    " distinct fact keys (collectors.%s."
					    "limits.keys)", s->max_keys, name));
	} else if (!strcmp(t->valuestring, "finding")) {
		r = og_finding_from_json(m, o, name, &err);
		s->res->n_findings += r == 0;
	} else if (!strcmp(t->valuestring, "event")) {
		r = og_event_from_json(m, o, name, &err);
		s->res->n_events += r == 0;
	} else if (!strcmp(t->valuestring, "log")) {
		const cJSON *lv = cJSON_GetObjectItemCaseSensitive(o, "level");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "msg");
		int level = cJSON_IsNumber(lv) ? lv->valueint : OG_LOG_INFO;

		if (level < 0 || level > OG_LOG_DEBUG)
			level = OG_LOG_INFO;
		og_log((enum og_log_prio)level, "[%s] %s", name,
		       cJSON_IsString(msg) ? msg->valuestring : "");
		keep_log(s->res, (enum og_log_prio)level,
			 cJSON_IsString(msg) ? msg->valuestring : "");
	} else if (!strcmp(t->valuestring, "partial")) {
		const cJSON *why = cJSON_GetObjectItemCaseSensitive(o, "reason");

		s->partial = true;
		if (cJSON_IsString(why))
			add_reason(s, why->valuestring);
	} else if (!strcmp(t->valuestring, "target")) {
		add_target(s, o);
	} else if (!strcmp(t->valuestring, "done")) {
		const cJSON *rc = cJSON_GetObjectItemCaseSensitive(o, "rc");

		s->done_seen = true;
		s->done_rc = cJSON_IsNumber(rc) ? rc->valueint : -EINVAL;
	} else {
		fail(s, og_asprintf("sent an unknown record type '%s'",
				    t->valuestring));
	}
	if (r < 0)
		rejected(s, err);
	free(err);
	cJSON_Delete(o);
}

#define READ_CHUNK	(256u << 10)

/* Read what the collector sent and handle every whole frame in it. */
static void
drain(struct slot *s, struct og_model *m)
{
	size_t off = 0;
	ssize_t n;

	if (s->cap - s->len < READ_CHUNK) {
		s->cap = s->cap * 2 > s->len + READ_CHUNK ? s->cap * 2
							  : s->len + READ_CHUNK;
		s->buf = og_xrealloc_array(s->buf, s->cap, 1);
	}
	n = read(s->fd, s->buf + s->len, READ_CHUNK);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->failure)
		return;		/* already condemned: ignore the rest */
	s->n_bytes += (uint64_t)n;
	if (s->n_bytes > s->max_bytes) {
		fail(s, og_asprintf("stopped: sent more than %" PRIu64 " bytes "
				    "(collectors.%s.limits.bytes)", s->max_bytes,
				    s->res->entry->desc.name));
		stop(s);
		return;
	}
	s->len += (size_t)n;
	while (s->len - off >= OG_WIRE_HEAD) {
		const unsigned char *h = (const unsigned char *)s->buf + off;
		enum og_wire_type type;
		int64_t len = og_wire_frame_len(h, &type);

		if (len < 0) {
			garbage(s);
		} else if (len > OG_STREAM_LINE_MAX) {
			fail(s, og_strdup0("sent a record over 16 MiB"));
		} else if (s->len - off - OG_WIRE_HEAD < (uint64_t)len) {
			break;		/* the rest of it is still coming */
		} else if (type == OG_WIRE_FINDING) {
			handle_finding(s, m, h + OG_WIRE_HEAD, (size_t)len);
		} else {
			handle_json(s, m, (const char *)h + OG_WIRE_HEAD,
				    (size_t)len);
		}
		if (s->failure) {
			stop(s);
			s->len = 0;
			return;
		}
		off += OG_WIRE_HEAD + (size_t)len;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
}

/* collectors.NAME.limits.KEY, or @def; 0 means no limit. */
static uint64_t
budget(const cJSON *config, const char *name, const char *key, uint64_t def)
{
	uint64_t v = og_collector_limit(config, name, key, def);

	return v == 0 ? UINT64_MAX : v;
}

static int
start(struct slot *s, const cJSON *config)
{
	const struct og_plugin_entry *e = s->res->entry;
	char *path = og_asprintf("collectors.%s.timeout", e->desc.name);
	int fds[2];
	pid_t pid;

	s->timeout_s = (int)og_config_num(config, path,
					  OG_COLLECTOR_TIMEOUT_DEFAULT);
	free(path);
	if (s->timeout_s <= 0)
		s->timeout_s = OG_COLLECTOR_TIMEOUT_DEFAULT;
	og_box_limits_from_config(config, e->desc.name, s->timeout_s, &s->box);
	s->max_records = budget(config, e->desc.name, "records",
				OG_COLLECTOR_RECORDS_DEFAULT);
	s->max_bytes = budget(config, e->desc.name, "bytes",
			      OG_COLLECTOR_BYTES_DEFAULT);
	s->max_keys = budget(config, e->desc.name, "keys",
			     OG_COLLECTOR_KEYS_DEFAULT);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(e, config, fds[1], &s->box);
	}
	close(fds[1]);
	s->pid = pid;
	s->fd = fds[0];
	s->start_ms = og_mono_ms();
	s->deadline_ms = s->start_ms + (long long)s->timeout_s * 1000;
	return 0;
}

static const char *
signal_name(int sig)
{
	const char *n = sigabbrev_np(sig);
	static char buf[32];

	if (n) {
		snprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* Decide the status of a finished slot. */
static void
finish(struct slot *s)
{
	struct og_run_result *res = s->res;

	res->duration_ms = og_mono_ms() - s->start_ms;
	if (s->text_fixed)
		og_log_warn("[%s] %zu invalid UTF-8 sequences in its records "
			    "replaced with U+FFFD", res->entry->desc.name,
			    s->text_fixed);
	if (s->timed_out) {
		res->status = OG_RUN_FAILED;
		res->message = og_asprintf("timed out after %d s", s->timeout_s);
	} else if (s->failure) {
		res->status = OG_RUN_FAILED;
		res->message = s->failure;
		s->failure = NULL;
	} else if (WIFSIGNALED(s->wstatus)) {
		res->status = OG_RUN_FAILED;
		res->message = og_asprintf("killed by %s",
					   signal_name(WTERMSIG(s->wstatus)));
	} else if (!s->done_seen) {
		res->status = OG_RUN_FAILED;
		res->message = og_asprintf("exited early with status %d",
					   WEXITSTATUS(s->wstatus));
	} else if (s->done_rc < 0) {
		/* The reasons the plugin gave (the file and what is wrong
		 * with it) say more than an errno. */
		res->status = OG_RUN_FAILED;
		res->message = og_asprintf("collect failed: %s",
					   s->partial_reason
					   ? s->partial_reason
					   : strerror(-s->done_rc));
	} else if (s->partial) {
		res->status = OG_RUN_PARTIAL;
		res->message = s->partial_reason;
		s->partial_reason = NULL;
	} else {
		res->status = OG_RUN_OK;
	}
	/* What a failed collector sent before it failed is kept; say so. */
	if (res->status == OG_RUN_FAILED &&
	    res->n_facts + res->n_findings + res->n_events > 0) {
		char *m = og_asprintf("%s; kept %zu facts, %zu findings, %zu "
				      "events sent before (partial)",
				      res->message, res->n_facts,
				      res->n_findings, res->n_events);

		free(res->message);
		res->message = m;
	}
	free(s->buf);
	free(s->partial_reason);
	free(s->failure);
}

int
og_run_collectors(const struct og_plugin_entry *const *entries, size_t n,
		  const cJSON *config, int jobs, struct og_model *m,
		  struct og_run_result *results)
{
	return og_run_collectors_progress(entries, n, config, jobs, m, results, NULL);
}

static void
report_progress(const struct og_run_progress *pr, const struct slot *slots, size_t next,
		size_t finished, size_t n, const struct og_run_result *done)
{
	const char **running;
	size_t k = 0;

	if (!pr || !pr->fn)
		return;
	running = og_xcalloc(next + 1, sizeof(*running));
	for (size_t i = 0; i < next; i++)
		if (slots[i].pid && !slots[i].reaped)
			running[k++] = slots[i].res->entry->desc.name;
	pr->fn(pr->ctx, finished, n, running, k, done);
	free(running);
}

int
og_run_collectors_progress(const struct og_plugin_entry *const *entries, size_t n,
			   const cJSON *config, int jobs, struct og_model *m,
			   struct og_run_result *results,
			   const struct og_run_progress *progress)
{
	struct slot *slots = og_xcalloc(n, sizeof(*slots));
	struct pollfd *pfd = og_xcalloc(n, sizeof(*pfd));
	size_t next = 0, active = 0, finished = 0;
	long long last_tick = 0;

	/* While plugins run, the host is not dumpable: a plugin running as
	 * the same user can't read its environment or memory through /proc
	 * or ptrace it.  Restored after (leak checkers attach at exit). */
	(void)prctl(PR_SET_DUMPABLE, 0);
	if (n && !og_box_landlock_abi())
		og_log_info("no Landlock here (old kernel, or OPSGRADE_NO_LANDLOCK): "
			    "collectors may read and write any file you can");
	if (jobs < 1)
		jobs = 1;
	for (size_t i = 0; i < n; i++) {
		slots[i].res = &results[i];
		slots[i].fd = -1;
		results[i].entry = entries[i];
	}
	while (finished < n) {
		size_t np = 0;
		long long now, wait = 1000;
		int r;

		while (active < (size_t)jobs && next < n) {
			struct slot *s = &slots[next++];

			r = start(s, config);
			if (r < 0) {
				s->reaped = true;
				s->res->status = OG_RUN_FAILED;
				s->res->message = og_asprintf("cannot start: %s",
							      strerror(-r));
				finished++;
				report_progress(progress, slots, next, finished, n, s->res);
				continue;
			}
			active++;
		}
		now = og_mono_ms();
		for (size_t i = 0; i < next; i++) {
			struct slot *s = &slots[i];

			if (!s->pid || s->reaped)
				continue;
			if (s->fd >= 0) {
				pfd[np].fd = s->fd;
				pfd[np].events = POLLIN;
				np++;
			} else {
				wait = 20;	/* pipe closed: poll for the exit */
			}
			if (s->deadline_ms - now < wait)
				wait = s->deadline_ms - now > 0 ? s->deadline_ms - now : 0;
		}
		if (poll(pfd, np, (int)wait) < 0 && errno != EINTR)
			break;
		for (size_t i = 0, k = 0; i < next; i++) {
			struct slot *s = &slots[i];

			if (!s->pid || s->reaped)
				continue;
			if (s->fd >= 0) {
				if (pfd[k].revents)
					drain(s, m);
				k++;
			}
		}
		now = og_mono_ms();
		for (size_t i = 0; i < next; i++) {
			struct slot *s = &slots[i];

			if (!s->pid || s->reaped)
				continue;
			if (now >= s->deadline_ms && !s->timed_out) {
				s->timed_out = true;
				stop(s);
			}
			if (s->fd >= 0 && !s->timed_out)
				continue;
			if (waitpid(s->pid, &s->wstatus,
				    s->timed_out ? 0 : WNOHANG) == s->pid) {
				if (s->fd >= 0) {
					close(s->fd);
					s->fd = -1;
				}
				s->reaped = true;
				finish(s);
				active--;
				finished++;
				report_progress(progress, slots, next, finished, n, s->res);
			}
		}
		if (now - last_tick >= 1000 && finished < n) {
			last_tick = now;
			report_progress(progress, slots, next, finished, n, NULL);
		}
	}
	(void)prctl(PR_SET_DUMPABLE, 1);
	free(slots);
	free(pfd);
	return 0;
}
