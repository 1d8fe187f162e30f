#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "jsonin.h"
#include "util.h"
#include "value.h"

enum key_type { K_STR, K_NUM, K_BOOL, K_LIST };

struct key {
	const char *path;	/* fnmatch pattern over the dotted path */
	enum key_type type;
};

/*
 * Every key outside collectors.* and the registered sections;
 * collectors are checked against the options their plugins declare, a
 * section against the options its owner declares (the renderers'
 * "report", og_config_register_section).  Keep in step with README
 * "Config".
 */
static const struct key schema[] = {
	{ "subject", K_STR },
	{ "output_dir", K_STR },
	{ "formats", K_LIST },
	{ "jobs", K_NUM },
	{ "plugin_dirs", K_LIST },
	{ "project.kind", K_STR },
	{ "attestations", K_STR },

	{ "assessment.model", K_STR },
	{ "assessment.extra_models", K_LIST },
	{ "assessment.threshold", K_NUM },
	{ "assessment.window_days", K_NUM },
	{ "assessment.targets.*", K_NUM },
	{ "assessment.band_year", K_NUM },

	{ "gates.min_level", K_NUM },
	{ "gates.max_findings.*", K_NUM },
	{ "gates.required_capabilities", K_LIST },
	{ "gates.kpis.*.min", K_NUM },
	{ "gates.kpis.*.max", K_NUM },
	{ "gates.fail_on", K_STR },

	{ "history.enabled", K_BOOL },
	{ "history.dir", K_STR },
	{ "history.retention_days", K_NUM },

	{ "mail.to", K_LIST },
	{ "mail.from", K_STR },
	{ "mail.subject", K_STR },
	{ "mail.smtp_url", K_STR },
	{ "mail.smtp_tls", K_STR },
	{ "mail.user", K_STR },
	{ "mail.password_file", K_STR },
	{ "mail.on", K_STR },
	{ "mail.timeout", K_NUM },
	{ "mail.cainfo", K_STR },	/* PEM CA bundle for a private SMTP CA */

	{ "http.max_in_flight", K_NUM },
	{ "http.connect_timeout", K_NUM },
	{ "http.timeout", K_NUM },
	{ "http.cache_dir", K_STR },
	{ "http.max_wait", K_NUM },
	{ "http.max_response_bytes", K_NUM },
	{ "http.retries", K_NUM },
};

/* Keys every collector section has, besides its declared options. */
static const struct og_option common_options[] = {
	{ .key = "enabled", .type = OG_OPT_BOOL,
	  .help = "run this collector (default: opt-in ones only when configured)" },
	{ .key = "timeout", .type = OG_OPT_NUMBER,
	  .help = "seconds before the collector is killed (default 300)" },
	/* the plugin's box (core/box.h) and the parent's budget for it
	 * (core/runner.c); 0 = no limit */
	{ .key = "limits.memory_mb", .type = OG_OPT_NUMBER,
	  .help = "address space of the plugin process (default 4096)" },
	{ .key = "limits.cpu_seconds", .type = OG_OPT_NUMBER,
	  .help = "CPU seconds (default twice the timeout)" },
	{ .key = "limits.file_mb", .type = OG_OPT_NUMBER,
	  .help = "largest file the plugin may write (default 1024)" },
	{ .key = "limits.open_files", .type = OG_OPT_NUMBER,
	  .help = "open files (default 1024)" },
	{ .key = "limits.records", .type = OG_OPT_NUMBER,
	  .help = "facts + findings + events it may send (default 2000000)" },
	{ .key = "limits.bytes", .type = OG_OPT_NUMBER,
	  .help = "bytes it may send (default 2 GiB)" },
	{ .key = "limits.keys", .type = OG_OPT_NUMBER,
	  .help = "distinct fact keys it may add (default 200000)" },
	{ .key = NULL },
};

static const char *const type_names[] = { "a string", "a number", "true or false",
					  "a list of strings" };

int
og_config_load(const char *path, cJSON **ret_cfg, char **ret_err)
{
	const char *name = path ? path : "opsgrade.json";
	cJSON *cfg;
	char *buf;
	size_t len, off = 0;
	int r;

	/* A FIFO or a device would block or never end: refuse it before
	 * reading (O_NONBLOCK: opening a FIFO does not wait here). */
	r = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0) {
		struct stat st;
		bool regular = fstat(r, &st) == 0 && S_ISREG(st.st_mode);

		close(r);
		if (!regular) {
			*ret_err = og_asprintf("cannot read config '%s': not a "
					       "regular file", name);
			return -EINVAL;
		}
	}
	r = og_read_file(name, OG_CONFIG_MAX_BYTES, &buf, &len);
	if (r == -ENOENT && !path) {
		*ret_cfg = cJSON_CreateObject();
		return 0;
	}
	if (r < 0) {
		*ret_err = og_asprintf("cannot read config '%s': %s", name,
				       r == -EFBIG ? "file too large" : strerror(-r));
		return r;
	}
	cfg = og_json_parse(buf, len, false, NULL, &off);
	if (!cfg || !cJSON_IsObject(cfg)) {
		*ret_err = og_asprintf("%s: %s at byte %zu", name,
				       cfg ? "the config must be a JSON object"
					   : "invalid JSON",
				       cfg ? (size_t)0 : off);
		cJSON_Delete(cfg);
		free(buf);
		return -EINVAL;
	}
	free(buf);
	*ret_cfg = cfg;
	return 0;
}

static const struct key *
schema_find(const char *path)
{
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (fnmatch(schema[i].path, path, FNM_PERIOD) == 0)
			return &schema[i];
	return NULL;
}

#define SECTIONS_MAX 4

static struct {
	const char *name;
	const struct og_option *options;
} sections[SECTIONS_MAX];
static size_t n_sections;

void
og_config_register_section(const char *section, const struct og_option *options)
{
	for (size_t i = 0; i < n_sections; i++)
		if (!strcmp(sections[i].name, section)) {
			sections[i].options = options;
			return;
		}
	if (n_sections < SECTIONS_MAX) {
		sections[n_sections].name = section;
		sections[n_sections++].options = options;
	}
}

static bool
is_section(const char *path)
{
	for (size_t i = 0; i < n_sections; i++)
		if (!strcmp(sections[i].name, path))
			return true;
	return false;
}

static const struct og_option *option_find(const struct og_option *opts,
					   const char *key);
static enum key_type option_key_type(enum og_option_type t);

/* The type of top-level key @path (the schema's, or a registered
 * section's option), or -1 when none declares it. */
static int
key_type(const char *path)
{
	const struct key *s = schema_find(path);

	if (s)
		return (int)s->type;
	for (size_t i = 0; i < n_sections; i++) {
		size_t len = strlen(sections[i].name);
		const struct og_option *o;

		if (strncmp(path, sections[i].name, len) || path[len] != '.')
			continue;
		o = option_find(sections[i].options, path + len + 1);
		if (o)
			return (int)option_key_type(o->type);
	}
	return -1;
}

/* Does some schema key live under @path (so @path may be an object)? */
static bool
schema_has_prefix(const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
		const char *p = schema[i].path;
		char *prefix;
		bool ok;

		/* Compare against the pattern cut at the same depth. */
		prefix = og_strdup0(p);
		for (char *d = prefix; (d = strchr(d, '.')); d++) {
			*d = '\0';
			ok = fnmatch(prefix, path, 0) == 0;
			*d = '.';
			if (ok && len) {
				free(prefix);
				return true;
			}
		}
		free(prefix);
	}
	return false;
}

static const struct og_option *
option_find(const struct og_option *opts, const char *key)
{
	for (; opts && opts->key; opts++)
		if (strcmp(opts->key, key) == 0)
			return opts;
	return NULL;
}

/* "reports, timeout, …": a plugin's option keys, or NULL for none. */
static char *
option_keys(const struct og_option *opts)
{
	char *list = NULL, *next;

	for (; opts && opts->key; opts++) {
		next = list ? og_asprintf("%s, %s", list, opts->key) : og_strdup0(opts->key);
		free(list);
		list = next;
	}
	return list;
}

static enum key_type
option_key_type(enum og_option_type t)
{
	switch (t) {
	case OG_OPT_BOOL:
		return K_BOOL;
	case OG_OPT_NUMBER:
		return K_NUM;
	case OG_OPT_LIST:
		return K_LIST;
	default:
		return K_STR;
	}
}

static bool
value_fits(const cJSON *v, enum key_type t, bool lenient)
{
	const cJSON *it;
	double d;
	bool b;

	/* Values set from the command line arrive as strings: a number or
	 * bool option takes one only when the one value reader reads it
	 * ("7", "yes"; never "seven"). */
	switch (t) {
	case K_STR:
		return cJSON_IsString(v);
	case K_NUM:
		return (lenient || !cJSON_IsString(v)) && og_value_number(v, &d) == 0;
	case K_BOOL:
		return (lenient || !cJSON_IsString(v)) && og_value_bool(v, &b) == 0;
	case K_LIST:
		if (cJSON_IsString(v))
			return true;
		if (!cJSON_IsArray(v))
			return false;
		cJSON_ArrayForEach(it, v)
			if (!cJSON_IsString(it))
				return false;
		return true;
	}
	return false;
}

static int
type_error(const char *origin, const char *path, enum key_type t, char **ret_err)
{
	*ret_err = og_asprintf("%s: %s: must be %s", origin, path, type_names[t]);
	return -EINVAL;
}

/* One key @key (value @item) of collectors.@cname, plugin @p. */
static int
check_option(const char *origin, const char *cname,
	     const struct og_config_plugin *p, const char *key,
	     const cJSON *item, char **ret_err)
{
	const struct og_option *o = option_find(p->options, key);
	char *path = og_asprintf("collectors.%s.%s", cname, key);
	int r = 0;

	if (!o)
		o = option_find(common_options, key);
	if (!o) {
		char *keys = option_keys(p->options);

		/* a user who guessed "files" learns it is "reports" */
		*ret_err = og_asprintf("%s: %s: unknown key (the %s collector's keys: %s)",
				       origin, path, cname, keys ? keys : "none");
		free(keys);
		r = -EINVAL;
	} else if (!value_fits(item, option_key_type(o->type), true)) {
		r = type_error(origin, path, option_key_type(o->type), ret_err);
	}
	free(path);
	return r;
}

static int
validate_collectors(const cJSON *sec, const char *origin,
		    const struct og_config_plugin *plugins, size_t n,
		    char **ret_err)
{
	const cJSON *c, *k;

	if (!cJSON_IsObject(sec)) {
		*ret_err = og_asprintf("%s: collectors: must be an object", origin);
		return -EINVAL;
	}
	cJSON_ArrayForEach(c, sec) {
		const struct og_config_plugin *p = NULL;

		for (size_t i = 0; i < n; i++)
			if (strcmp(plugins[i].name, c->string) == 0)
				p = &plugins[i];
		if (!p) {
			*ret_err = og_asprintf("%s: collectors.%s: no such collector "
					       "(see 'opsgrade plugins')", origin,
					       c->string);
			return -EINVAL;
		}
		if (!cJSON_IsObject(c)) {
			*ret_err = og_asprintf("%s: collectors.%s: must be an object",
					       origin, c->string);
			return -EINVAL;
		}
		cJSON_ArrayForEach(k, c) {
			const cJSON *l;
			int r;

			/* "limits" is a section of its own: "limits.KEY" */
			if (strcmp(k->string, "limits") != 0 || !cJSON_IsObject(k)) {
				r = check_option(origin, c->string, p, k->string,
						 k, ret_err);
				if (r < 0)
					return r;
				continue;
			}
			cJSON_ArrayForEach(l, k) {
				char *name = og_asprintf("limits.%s", l->string);

				r = check_option(origin, c->string, p, name, l,
						 ret_err);
				free(name);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

struct validation {
	const char *origin;
	const struct og_config_plugin *plugins;
	size_t n_plugins;
};

static int
validate_node(const cJSON *node, const char *prefix,
	      const struct validation *v, char **ret_err)
{
	const cJSON *k;

	cJSON_ArrayForEach(k, node) {
		char *path = *prefix ? og_asprintf("%s.%s", prefix, k->string)
				     : og_strdup0(k->string);
		int t = key_type(path);
		int r = 0;

		if (!*prefix && strcmp(k->string, "collectors") == 0)
			r = validate_collectors(k, v->origin, v->plugins,
						v->n_plugins, ret_err);
		else if (t >= 0 && !value_fits(k, (enum key_type)t, false))
			r = type_error(v->origin, path, (enum key_type)t, ret_err);
		else if (t < 0 && cJSON_IsObject(k) &&
			 (schema_has_prefix(path) || is_section(path)))
			r = validate_node(k, path, v, ret_err);
		else if (t < 0) {
			*ret_err = og_asprintf("%s: %s: unknown key", v->origin,
					       path);
			r = -EINVAL;
		}
		free(path);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The userinfo of a URL ("user:pass@" in scheme://user:pass@host/),
 * or NULL: its span in *ret_len. */
static const char *
url_userinfo(const char *s, size_t *ret_len)
{
	const char *auth = strstr(s, "://"), *at, *end;

	if (!auth || auth == s)
		return NULL;
	for (const char *p = s; p < auth; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
			return NULL;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (!at)
		return NULL;
	*ret_len = (size_t)(at - auth) + 1;
	return auth;
}

/*
 * A credential in a URL (--set x.url=https://user:token@host/) would end
 * up on stderr, in report.json and in history: refuse it, naming the key
 * and the URL with the credential blanked out.
 */
static int
refuse_userinfo(const cJSON *node, const char *prefix, const char *origin,
		char **ret_err)
{
	const cJSON *k;

	cJSON_ArrayForEach(k, node) {
		char *path = k->string ? (*prefix ? og_asprintf("%s.%s", prefix, k->string)
						  : og_strdup0(k->string))
				       : og_strdup0(prefix);
		const char *ui;
		size_t len;
		int r = 0;

		if (cJSON_IsObject(k) || cJSON_IsArray(k)) {
			r = refuse_userinfo(k, path, origin, ret_err);
		} else if (cJSON_IsString(k) &&
			   (ui = url_userinfo(k->valuestring, &len))) {
			*ret_err = og_asprintf("%s: %s: a URL may not carry a user name "
					       "or password (%.*s***@%s); give "
					       "credentials in the environment or a "
					       "file", origin, path,
					       (int)(ui - k->valuestring),
					       k->valuestring, ui + len);
			r = -EINVAL;
		}
		free(path);
		if (r < 0)
			return r;
	}
	return 0;
}

int
og_config_validate(const cJSON *cfg, const char *origin,
		   const struct og_config_plugin *plugins, size_t n_plugins,
		   char **ret_err)
{
	const struct validation v = { origin, plugins, n_plugins };
	int r = validate_node(cfg, "", &v, ret_err);

	return r < 0 ? r : refuse_userinfo(cfg, "", origin, ret_err);
}

const cJSON *
og_config_get(const cJSON *cfg, const char *path)
{
	const cJSON *node = cfg;
	char *copy = og_strdup0(path), *save = NULL;

	for (char *tok = strtok_r(copy, ".", &save); tok && node;
	     tok = strtok_r(NULL, ".", &save))
		node = cJSON_IsObject(node)
			       ? cJSON_GetObjectItemCaseSensitive(node, tok)
			       : NULL;
	free(copy);
	return node;
}

const char *
og_config_str(const cJSON *cfg, const char *path, const char *def)
{
	const cJSON *v = og_config_get(cfg, path);

	return cJSON_IsString(v) ? v->valuestring : def;
}

double
og_config_num(const cJSON *cfg, const char *path, double def)
{
	double d;

	return og_value_number(og_config_get(cfg, path), &d) == 0 ? d : def;
}

bool
og_config_bool(const cJSON *cfg, const char *path, bool def)
{
	bool b;

	return og_value_bool(og_config_get(cfg, path), &b) == 0 ? b : def;
}

size_t
og_config_strv(const cJSON *cfg, const char *path, const char ***ret_v)
{
	const cJSON *v = og_config_get(cfg, path), *it;
	const char **out;
	size_t n = 0;

	*ret_v = NULL;
	if (cJSON_IsString(v)) {
		out = og_xcalloc(2, sizeof(*out));
		out[0] = v->valuestring;
		*ret_v = out;
		return 1;
	}
	if (!cJSON_IsArray(v))
		return 0;
	out = og_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*out));
	cJSON_ArrayForEach(it, v)
		if (cJSON_IsString(it))
			out[n++] = it->valuestring;
	*ret_v = out;
	return n;
}

size_t
og_option_values(const cJSON *cfg, const char *plugin,
		 const struct og_option *options, const char *key,
		 const char ***ret_v)
{
	char *path = og_asprintf("collectors.%s.%s", plugin, key);
	size_t n = og_config_strv(cfg, path, ret_v);

	free(path);
	for (const struct og_option *o = options; !n && o && o->key; o++)
		if (!strcmp(o->key, key) && o->from && *o->from) {
			path = og_asprintf("collectors.%s", o->from);
			free(*ret_v);
			n = og_config_strv(cfg, path, ret_v);
			free(path);
		}
	return n;
}

static const struct og_config_plugin *known_plugins;
static size_t n_known_plugins;

void
og_config_register_plugins(const struct og_config_plugin *plugins, size_t n)
{
	known_plugins = plugins;
	n_known_plugins = n;
}

/* Declared type of collectors.NAME.KEY, or -1. */
static int
collector_option_type(const char *path)
{
	const struct og_option *o = NULL;
	const char *name, *dot;

	if (strncmp(path, "collectors.", 11) != 0)
		return -1;
	name = path + 11;
	dot = strchr(name, '.');
	if (!dot)
		return -1;
	for (size_t i = 0; i < n_known_plugins; i++)
		if (strlen(known_plugins[i].name) == (size_t)(dot - name) &&
		    !strncmp(known_plugins[i].name, name, (size_t)(dot - name)))
			o = option_find(known_plugins[i].options, dot + 1);
	if (!o)
		o = option_find(common_options, dot + 1);
	return o ? (int)option_key_type(o->type) : -1;
}

/* Type of @path for --set: the schema's, else a collector option's,
 * which the validator checks later; unknown paths are kept as strings
 * and rejected by the validator with their name. */
static int
set_leaf(cJSON *parent, const char *leaf, const char *path, const char *value,
	 char **ret_err)
{
	int stype = key_type(path);
	cJSON *cur = cJSON_GetObjectItemCaseSensitive(parent, leaf);
	int ctype = collector_option_type(path);
	bool is_list = stype == K_LIST || ctype == K_LIST;
	cJSON *v;

	if (is_list && !*value) {
		/* "KEY=" clears a list, so a flag can replace the file's. */
		if (cur)
			cJSON_ReplaceItemInObjectCaseSensitive(parent, leaf,
							      cJSON_CreateArray());
		else
			cJSON_AddItemToObject(parent, leaf, cJSON_CreateArray());
		return 0;
	}
	int type = stype >= 0 ? stype : ctype;
	double d;
	bool b;

	if (type == K_NUM) {
		if (og_value_text_number(value, &d) < 0) {
			*ret_err = og_asprintf("%s: '%s' is not a number", path, value);
			return -EINVAL;
		}
		v = cJSON_CreateNumber(d);
	} else if (type == K_BOOL) {
		if (og_value_text_bool(value, &b) < 0) {
			*ret_err = og_asprintf("%s: '%s' is not true or false", path,
					       value);
			return -EINVAL;
		}
		v = cJSON_CreateBool(b);
	} else {
		v = cJSON_CreateString(value);
	}
	if (is_list) {
		if (!cur || !cJSON_IsArray(cur)) {
			cJSON *arr = cJSON_CreateArray();

			if (cur && cJSON_IsString(cur))
				cJSON_AddItemToArray(arr, cJSON_Duplicate(cur, 1));
			if (cur)
				cJSON_ReplaceItemInObjectCaseSensitive(parent, leaf, arr);
			else
				cJSON_AddItemToObject(parent, leaf, arr);
			cur = arr;
		}
		cJSON_AddItemToArray(cur, v);
	} else if (cur) {
		cJSON_ReplaceItemInObjectCaseSensitive(parent, leaf, v);
	} else {
		cJSON_AddItemToObject(parent, leaf, v);
	}
	return 0;
}

int
og_config_set(cJSON *cfg, const char *path, const char *value, char **ret_err)
{
	char *copy = og_strdup0(path), *dot, *seg = copy;
	cJSON *node = cfg;
	int r;

	if (!*path || path[0] == '.' || og_str_has_suffix(path, ".") ||
	    strstr(path, "..")) {
		*ret_err = og_asprintf("'%s' is not a config key path", path);
		free(copy);
		return -EINVAL;
	}
	while ((dot = strchr(seg, '.'))) {
		cJSON *next;

		*dot = '\0';
		next = cJSON_GetObjectItemCaseSensitive(node, seg);
		if (!next) {
			next = cJSON_AddObjectToObject(node, seg);
		} else if (!cJSON_IsObject(next)) {
			*ret_err = og_asprintf("%s: '%s' is not an object", path, seg);
			free(copy);
			return -EINVAL;
		}
		node = next;
		seg = dot + 1;
	}
	r = set_leaf(node, seg, path, value, ret_err);
	free(copy);
	return r;
}

int
og_config_set_assignment(cJSON *cfg, const char *assignment, char **ret_err)
{
	const char *eq = strchr(assignment, '=');
	char *key;
	int r;

	if (!eq || eq == assignment) {
		*ret_err = og_asprintf("--set '%s': expected KEY=VALUE", assignment);
		return -EINVAL;
	}
	/* "KEY+=V" is accepted as an explicit append (lists append anyway). */
	key = og_asprintf("%.*s", (int)(eq - assignment - (eq[-1] == '+')),
			  assignment);
	r = og_config_set(cfg, key, eq + 1, ret_err);
	free(key);
	return r;
}
