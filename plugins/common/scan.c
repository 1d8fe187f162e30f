/*
 * Shared helpers of the scanner plugins (see scan.h).
 */
#include "scan.h"
#include "ogjs.h"
#include "hash.h"
#include "overlap.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- inputs ----------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int
add_path(struct scan_inputs *in, size_t *cap, const char *p)
{
	if (in->n >= SCAN_INPUTS_MAX)
		return -E2BIG;
	if (in->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **np = realloc(in->paths, nc * sizeof(*np));

		if (!np)
			return -ENOMEM;
		in->paths = np;
		*cap = nc;
	}
	in->paths[in->n] = strdup(p);
	if (!in->paths[in->n])
		return -ENOMEM;
	in->n++;
	return 0;
}

int
scan_inputs_load(struct og_ctx *ctx, const struct og_host *host,
		 const char *key, struct scan_inputs *ret_inputs)
{
	struct scan_inputs in = { 0 };
	const char *const *list;
	size_t n = 0, cap = 0, i, j, w;
	int ret = 0;

	list = host->config_get_list(ctx, key, &n);
	for (i = 0; list && i < n; i++) {
		glob_t g;
		int gr;

		if (!list[i] || !*list[i])
			continue;
		if (!has_glob_chars(list[i])) {
			ret = add_path(&in, &cap, list[i]);
			if (ret < 0)
				goto cleanup;
			continue;
		}
		gr = glob(list[i], GLOB_ERR, NULL, &g);
		if (gr == GLOB_NOMATCH) {
			host->log(ctx, OG_LOG_ERROR,
				  "%s: pattern %s matches no file", key,
				  list[i]);
			in.n_missing++;
		} else if (gr != 0) {
			host->log(ctx, OG_LOG_ERROR,
				  "%s: cannot expand pattern %s", key, list[i]);
			in.n_missing++;
		}
		for (j = 0; gr == 0 && j < g.gl_pathc && ret == 0; j++)
			ret = add_path(&in, &cap, g.gl_pathv[j]);
		if (gr == 0 || gr == GLOB_NOMATCH)
			globfree(&g);
		if (ret == -E2BIG)
			host->log(ctx, OG_LOG_ERROR,
				  "%s: more than %d files; the rest are ignored",
				  key, SCAN_INPUTS_MAX);
		if (ret < 0)
			goto cleanup;
	}
	if (in.n)
		qsort(in.paths, in.n, sizeof(*in.paths), cmp_str);
	for (i = w = 0; i < in.n; i++) {
		if (w && strcmp(in.paths[w - 1], in.paths[i]) == 0)
			free(in.paths[i]);
		else
			in.paths[w++] = in.paths[i];
	}
	in.n = w;
	*ret_inputs = in;
	return 0;
cleanup:
	scan_inputs_clear(&in);
	return ret;
}

void
scan_inputs_clear(struct scan_inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->paths[i]);
	free(in->paths);
	memset(in, 0, sizeof(*in));
}

/* ---- checked getters -------------------------------------------------- */

void
scan_item_fail(struct scan_item *it, const char *fmt, ...)
{
	va_list ap;

	if (it->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(it->err, sizeof(it->err), fmt, ap);
	va_end(ap);
}

static const char *
type_name(const cJSON *j)
{
	if (cJSON_IsString(j))
		return "string";
	if (cJSON_IsNumber(j))
		return "number";
	if (cJSON_IsBool(j))
		return "boolean";
	if (cJSON_IsArray(j))
		return "array";
	if (cJSON_IsObject(j))
		return "object";
	return "invalid";
}

static inline bool
key_is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const cJSON *
scan_get(const cJSON *obj, const char *key)
{
	const cJSON *j;

	if (!obj || !key)
		return NULL;
	for (j = obj->child; j && j->string; j = j->next)
		if (key_is(j->string, key))
			return j;
	return NULL;
}

/* The member @key of @obj or NULL; JSON null counts as absent. */
static const cJSON *
member(const cJSON *obj, const char *key)
{
	const cJSON *j;

	if (!cJSON_IsObject(obj))
		return NULL;
	j = scan_get(obj, key);
	return cJSON_IsNull(j) ? NULL : j;
}

const char *
scan_str(struct scan_item *it, const cJSON *obj, const char *key)
{
	const cJSON *j = member(obj, key);

	if (!j)
		return NULL;
	if (!cJSON_IsString(j)) {
		scan_item_fail(it, "%s: expected string, got %s", key,
			       type_name(j));
		return NULL;
	}
	return j->valuestring;
}

const cJSON *
scan_obj(struct scan_item *it, const cJSON *obj, const char *key)
{
	const cJSON *j = member(obj, key);

	if (j && !cJSON_IsObject(j)) {
		scan_item_fail(it, "%s: expected object, got %s", key,
			       type_name(j));
		return NULL;
	}
	return j;
}

const cJSON *
scan_arr(struct scan_item *it, const cJSON *obj, const char *key)
{
	const cJSON *j = member(obj, key);

	if (j && !cJSON_IsArray(j)) {
		scan_item_fail(it, "%s: expected array, got %s", key,
			       type_name(j));
		return NULL;
	}
	return j;
}

bool
scan_num(struct scan_item *it, const cJSON *obj, const char *key,
	 double *ret)
{
	const cJSON *j = member(obj, key);

	if (!j)
		return false;
	if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
		scan_item_fail(it, "%s: expected number, got %s", key,
			       type_name(j));
		return false;
	}
	*ret = j->valuedouble;
	return true;
}

uint32_t
scan_u32(struct scan_item *it, const cJSON *obj, const char *key)
{
	double d;

	if (!scan_num(it, obj, key, &d))
		return 0;
	if (d < 0 || d > 4294967295.0 || d != floor(d)) {
		scan_item_fail(it, "%s: %g is not a line/column number", key,
			       d);
		return 0;
	}
	return (uint32_t)d;
}

void
scan_item_error(struct scan_hold *hold, const struct ogjs *r,
		const char *file, size_t *count, const char *msg)
{
	char path[256];

	if ((*count)++ < SCAN_ITEM_ERRORS_LOGGED)
		scan_hold_log(hold, OG_LOG_ERROR, "%s: %s: %s; item skipped",
			      file, ogjs_path(r, path, sizeof(path)), msg);
}

void
scan_file_failed(struct og_ctx *ctx, const struct og_host *host,
		 const struct ogjs *r, const char *file, int err,
		 const char *skipped)
{
	char msg[640];

	if (r && ogjs_error(r))
		snprintf(msg, sizeof(msg), "%s", ogjs_error(r));
	else
		snprintf(msg, sizeof(msg), "%s: %s", file, strerror(-err));
	host->log(ctx, OG_LOG_ERROR, "%s; %s skipped", msg, skipped);
	host->set_partial(ctx, msg);
}

void
scan_item_errors_done(struct og_ctx *ctx, const struct og_host *host,
		      const struct ogjs *r, const char *file, size_t count)
{
	char msg[512];

	if (r && ogjs_text_fixed(r))
		host->log(ctx, OG_LOG_WARN, "%s: %zu invalid UTF-8 sequences or "
			  "lone surrogate escapes replaced with U+FFFD", file,
			  ogjs_text_fixed(r));
	if (!count)
		return;
	if (count > SCAN_ITEM_ERRORS_LOGGED)
		host->log(ctx, OG_LOG_ERROR, "%s: %zu more items skipped", file,
			  count - SCAN_ITEM_ERRORS_LOGGED);
	snprintf(msg, sizeof(msg), "%s: %zu items skipped", file, count);
	host->set_partial(ctx, msg);
}

/* ---- severities -------------------------------------------------------- */

bool
scan_severity_word(const char *s, enum og_severity *ret)
{
	static const struct {
		const char *word;
		enum og_severity sev;
	} words[] = {
		{ "critical", OG_SEV_CRITICAL },
		{ "high", OG_SEV_HIGH },
		{ "medium", OG_SEV_MEDIUM },
		{ "moderate", OG_SEV_MEDIUM },
		{ "low", OG_SEV_LOW },
		{ "info", OG_SEV_INFO },
		{ "informational", OG_SEV_INFO },
		{ "negligible", OG_SEV_INFO },
		{ "unknown", OG_SEV_UNKNOWN },
	};
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			*ret = words[i].sev;
			return true;
		}
	}
	return false;
}

const char *
scan_severity_key(enum og_severity s)
{
	static const char *const names[] = {
		"unknown", "info", "low", "medium", "high", "critical",
	};

	return (unsigned)s <= OG_SEV_CRITICAL ? names[s] : "unknown";
}

void
scan_count(struct scan_counts *c, const struct og_finding *f)
{
	c->total++;
	if (f->suppressed)
		c->suppressed++;
	else if ((unsigned)f->severity <= OG_SEV_CRITICAL)
		c->open[f->severity]++;
}

size_t
scan_counts_open(const struct scan_counts *c)
{
	size_t i, n = 0;

	for (i = 0; i <= OG_SEV_CRITICAL; i++)
		n += c->open[i];
	return n;
}

/* ---- distinct keys --------------------------------------------------- */

uint64_t
scan_parts_hash(const char *const *parts, size_t n)
{
	uint64_t h = 0;

	/* each part with its NUL: ("ab","c") and ("a","bc") differ */
	for (size_t i = 0; i < n; i++)
		h = parts[i] ? og_hash64(parts[i], strlen(parts[i]) + 1, h)
			     : og_hash64("", 0, h ^ 1);
	return h;
}

bool
scan_seen_add(struct scan_seen *s, const char *const *parts, size_t n)
{
	/* A set of 64-bit digests: equal digests are one key (no equality
	 * test), so the key pointer only marks the slot used. */
	static const char used;
	struct og_htab_slot *slot;
	bool is_new;

	if (s->t.n >= SCAN_SEEN_MAX)
		return true;
	slot = og_htab_claim(&s->t, scan_parts_hash(parts, n), NULL, &used,
			     &is_new);
	if (!slot)
		return true;	/* out of memory: counted as new */
	/* val: the mark it was added under + 1; 0: taken back */
	if (!is_new && slot->val)
		return false;
	slot->val = s->gen + 1;
	return true;
}

size_t
scan_seen_mark(struct scan_seen *s)
{
	return ++s->gen;
}

void
scan_seen_retract(struct scan_seen *s, size_t mark)
{
	/* a table has no removal; a slot taken back stays, as absent */
	for (size_t i = 0; i < s->t.cap; i++)
		if (s->t.slot[i].key && s->t.slot[i].val == mark + 1)
			s->t.slot[i].val = 0;
}

void
scan_seen_clear(struct scan_seen *s)
{
	og_htab_clear(&s->t);
}

/* ---- strings ------------------------------------------------------------ */

const char *
scan_first_line(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (!s || !*s || !size)
		return NULL;
	while (s[n] && s[n] != '\n' && s[n] != '\r' && n + 1 < size)
		n++;
	/* Do not cut a UTF-8 sequence in half. */
	if (s[n] && s[n] != '\n' && s[n] != '\r')
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n ? buf : NULL;
}

void
scan_tags_reset(struct scan_tags *t)
{
	t->n = 0;
	t->v[0] = NULL;
}

/* The next "cwe" at or after @p, in any case, or NULL. */
static const char *
find_cwe(const char *p)
{
	for (; *p; p++)
		if ((*p | 0x20) == 'c' && (p[1] | 0x20) == 'w' &&
		    (p[2] | 0x20) == 'e')
			return p;
	return NULL;
}

void
scan_tags_add_cwe(struct scan_tags *t, const char *s)
{
	const char *p;

	for (p = s; p && (p = find_cwe(p)); ) {
		unsigned long id = 0;
		bool big = false;
		char name[16];
		size_t i;

		p += 3;
		if (*p == '-' || *p == '_' || *p == ':')
			p++;
		if (!isdigit((unsigned char)*p))
			continue;
		for (; isdigit((unsigned char)*p); p++) {
			id = id * 10 + (unsigned long)(*p - '0');
			if (id > 99999) {
				big = true;
				id = 0;
			}
		}
		if (big || id == 0)
			continue;
		/* "CWE-%lu", without a printf per tag */
		i = sizeof(name) - 1;
		name[i] = '\0';
		do
			name[--i] = (char)('0' + id % 10);
		while (id /= 10);
		memcpy(name + i - 4, "CWE-", 4);
		memmove(name, name + i - 4, sizeof(name) - (i - 4));
		for (i = 0; i < t->n && strcmp(t->v[i], name) != 0; i++)
			;
		if (i < t->n || t->n >= 32)
			continue;
		memcpy(t->store[t->n], name, sizeof(name));
		t->v[t->n] = t->store[t->n];
		t->v[++t->n] = NULL;
	}
}
