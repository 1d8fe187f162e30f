#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential.h"
#include "loader.h"
#include "probe.h"
#include "util.h"

#define OG_PLUGINS_MAX 256

bool
og_running_uninstalled(void)
{
	static int cached = -1;
	char exe[PATH_MAX], root[PATH_MAX];
	ssize_t n;

	if (cached >= 0)
		return cached;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cached = 0;
	if (n > 0 && realpath(OG_BUILD_PLUGINDIR "/..", root)) {
		size_t len = strlen(root);

		exe[n] = '\0';
		cached = strncmp(exe, root, len) == 0 && exe[len] == '/';
	}
	return cached;
}

const char *
og_data_dir(void)
{
	const char *env = getenv("OPSGRADE_DATA_DIR");

	if (env && *env)
		return env;
	return og_running_uninstalled() ? OG_SOURCE_DATADIR : OG_DATADIR;
}

static int
check_one(const char *path, bool is_dir, char **ret_why)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		*ret_why = og_asprintf("cannot stat '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		*ret_why = og_asprintf("'%s' is owned by uid %u, neither root nor you",
				       path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		/* A root-owned sticky directory (/tmp) lets others add files
		 * but not replace ours, as ssh accepts. */
		if (is_dir && (st.st_mode & S_ISVTX) && st.st_uid == 0)
			return 0;
		*ret_why = og_asprintf("'%s' is writable by group or others "
				       "(chmod go-w it): anyone in them could "
				       "make opsgrade run their code", path);
		return -EPERM;
	}
	return 0;
}

int
og_path_check_safe(const char *path, char **ret_why)
{
	char real[PATH_MAX], *slash;
	int r;

	if (!realpath(path, real)) {
		*ret_why = og_asprintf("cannot resolve '%s': %s", path, strerror(errno));
		return -errno;
	}
	r = check_one(real, false, ret_why);
	while (r == 0 && (slash = strrchr(real, '/'))) {
		if (slash == real) {
			r = check_one("/", true, ret_why);
			break;
		}
		*slash = '\0';
		r = check_one(real, true, ret_why);
	}
	return r;
}

static bool
valid_name(const char *s)
{
	return og_name_ok(s, 64, "_-");
}

/* The checks that need no plugin code: a plugin names only its own
 * credentials, "NAME." first. */
static int
check_declarations(struct og_plugin_entry *e)
{
	for (const struct og_credential *c = e->credentials; c && c->name; c++)
		if (strncmp(c->name, e->desc.name, strlen(e->desc.name)) ||
		    c->name[strlen(e->desc.name)] != '.') {
			e->message = og_asprintf("refused: credential '%s' is not "
						 "named %s.*", c->name,
						 e->desc.name);
			return -EINVAL;
		}
	return 0;
}

/* <plugin without .so>.model.json beside the plugin, when there is one
 * that passes the same permission check as the plugin itself. */
static int
find_fragment(struct og_plugin_entry *e)
{
	size_t len = strlen(e->path);
	char *path, *why = NULL;
	struct stat st;

	if (len < 3 || strcmp(e->path + len - 3, ".so"))
		return 0;
	path = og_asprintf("%.*s.model.json", (int)(len - 3), e->path);
	if (stat(path, &st) < 0) {
		free(path);
		return 0;
	}
	/* a fragment others may write could rewrite the assessment: the
	 * plugin is refused, so its capabilities never silently vanish */
	if (og_path_check_safe(path, &why) < 0) {
		e->message = og_asprintf("refused: model fragment %s: %s", path, why);
		free(why);
		free(path);
		return -EPERM;
	}
	e->fragment = path;
	return 0;
}

const char **
og_plugin_set_fragments(const struct og_plugin_set *s, size_t *ret_n)
{
	const char **v = og_xcalloc(s->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i].state == OG_PLUGIN_LOADED &&
		    s->entries[i].fragment)
			v[n++] = s->entries[i].fragment;
	*ret_n = n;
	return v;
}

/* Before the probe: the file's permissions; false (refused, with the
 * reason) when it must not be loaded at all. */
static bool
precheck(struct og_plugin_entry *e)
{
	char *why = NULL;

	e->state = OG_PLUGIN_REFUSED;
	if (og_path_check_safe(e->path, &why) < 0) {
		e->message = og_asprintf("refused: %s", why);
		free(why);
		return false;
	}
	return true;
}

/* After the probe: what the host checks of what it declared. */
static void
postcheck(struct og_plugin_entry *e)
{
	if (e->state != OG_PLUGIN_LOADED)
		return;
	e->state = OG_PLUGIN_REFUSED;
	if (!valid_name(e->desc.name) || !e->has_collect) {
		e->message = og_strdup0("refused: invalid name (use [a-z0-9_-]) "
					"or no collect()");
		return;
	}
	if (check_declarations(e) < 0)
		return;
	if (find_fragment(e) < 0)
		return;
	e->state = OG_PLUGIN_LOADED;
}

/* Probe every entry that passes its permission check, all together. */
static void
load_entries(struct og_plugin_set *s)
{
	struct og_plugin_entry **todo = og_xcalloc(s->n + 1, sizeof(*todo));
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (precheck(&s->entries[i]))
			todo[n++] = &s->entries[i];
	og_probe_entries(todo, n);
	for (size_t i = 0; i < n; i++)
		postcheck(todo[i]);
	free(todo);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same file reached twice (--plugin-dir naming the build tree, a
 * symlink) is one plugin, not a duplicate of itself. */
static bool
already_listed(const struct og_plugin_set *s, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (!realpath(path, a))
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (realpath(s->entries[i].path, b) && strcmp(a, b) == 0)
			return true;
	return false;
}

/* Append every *.so under @dir (and, for the build tree, one level of
 * subdirectories) to @s, sorted for a deterministic order. */
static void
scan_dir(struct og_plugin_set *s, const char *dir, bool nested)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) && n < OG_PLUGINS_MAX) {
		if (de->d_name[0] == '.')
			continue;
		if (og_str_has_suffix(de->d_name, ".so")) {
			names = og_xrealloc_array(names, n + 1, sizeof(*names));
			names[n++] = og_asprintf("%s/%s", dir, de->d_name);
		} else if (nested) {
			char *sub = og_asprintf("%s/%s", dir, de->d_name);
			struct stat st;

			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
				names = og_xrealloc_array(names, n + 1, sizeof(*names));
				names[n++] = sub;
			} else {
				free(sub);
			}
		}
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!og_str_has_suffix(names[i], ".so")) {
			scan_dir(s, names[i], false);
			free(names[i]);
			continue;
		}
		if (s->n >= OG_PLUGINS_MAX || already_listed(s, names[i])) {
			free(names[i]);
			continue;
		}
		s->entries = og_xrealloc_array(s->entries, s->n + 1,
					       sizeof(*s->entries));
		memset(&s->entries[s->n], 0, sizeof(s->entries[0]));
		s->entries[s->n].path = names[i];
		s->n++;
	}
	free(names);
}

/* The first credential of @b that conflicts with one of @a's (the same
 * variable for other hosts); its message for @a, or NULL. */
static char *
conflict_with(const struct og_plugin_entry *a, const struct og_plugin_entry *b)
{
	for (const struct og_credential *x = a->credentials; x && x->name; x++)
		for (const struct og_credential *y = b->credentials; y && y->name; y++) {
			size_t len = 0;
			const char *var = og_credential_conflict(x, y, &len);

			if (var)
				return og_asprintf("refused: its credential '%s' takes "
						   "%.*s, which '%s' of plugin '%s' (%s) "
						   "takes for other hosts; one variable's "
						   "secret goes to one set of hosts",
						   x->name, (int)len, var, y->name,
						   b->desc.name, b->path);
		}
	return NULL;
}

/* A dropped-in plugin must not redirect another plugin's secret: two
 * loaded plugins that take one variable for different declared hosts
 * are both refused, loudly, until one is removed (README "Security"). */
static void
refuse_credential_conflicts(struct og_plugin_set *s)
{
	char **why = og_xcalloc(s->n + 1, sizeof(*why));

	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->n && !why[i]; j++)
			if (i != j && s->entries[i].state == OG_PLUGIN_LOADED &&
			    s->entries[j].state == OG_PLUGIN_LOADED)
				why[i] = conflict_with(&s->entries[i], &s->entries[j]);
	for (size_t i = 0; i < s->n; i++)
		if (why[i]) {
			s->entries[i].state = OG_PLUGIN_REFUSED;
			s->entries[i].message = why[i];
		}
	free(why);
}

struct og_plugin_set *
og_loader_discover(const char *const *dirs, size_t n_dirs)
{
	struct og_plugin_set *s = og_xcalloc(1, sizeof(*s));
	const char *env = getenv("OPSGRADE_PLUGIN_PATH");

	for (size_t i = 0; i < n_dirs; i++)
		scan_dir(s, dirs[i], false);
	if (env && *env) {
		char *copy = og_strdup0(env), *save = NULL;

		for (char *t = strtok_r(copy, ":", &save); t;
		     t = strtok_r(NULL, ":", &save))
			scan_dir(s, t, false);
		free(copy);
	}
	/* OPSGRADE_NO_DEFAULT_PLUGINS=1 limits the search to the explicit
	 * dirs: tests and sandboxed runs use it. */
	if (og_env_bool("OPSGRADE_NO_DEFAULT_PLUGINS"))
		;
	else if (og_running_uninstalled())
		scan_dir(s, OG_BUILD_PLUGINDIR, true);
	else
		scan_dir(s, OG_PLUGINDIR, false);

	load_entries(s);
	/* First one of a name wins; later ones are reported. */
	for (size_t i = 0; i < s->n; i++) {
		struct og_plugin_entry *e = &s->entries[i];

		if (e->state != OG_PLUGIN_LOADED)
			continue;
		for (size_t j = 0; j < i; j++) {
			struct og_plugin_entry *f = &s->entries[j];

			if (f->state == OG_PLUGIN_LOADED &&
			    strcmp(f->desc.name, e->desc.name) == 0) {
				e->state = OG_PLUGIN_DUPLICATE;
				e->message = og_asprintf("duplicate of '%s' (%s), "
							 "which comes first",
							 f->desc.name, f->path);
				break;
			}
		}
	}
	refuse_credential_conflicts(s);
	return s;
}

const struct og_plugin_entry *
og_plugin_set_find(const struct og_plugin_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i].state == OG_PLUGIN_LOADED &&
		    strcmp(s->entries[i].desc.name, name) == 0)
			return &s->entries[i];
	return NULL;
}

struct og_plugin_set *
og_plugin_set_free(struct og_plugin_set *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		struct og_plugin_entry *e = &s->entries[i];

		for (size_t k = 0; k < e->n_strings; k++)
			free(e->strings[k]);
		free(e->strings);
		for (size_t k = 0; k < e->n_strvs; k++) {
			for (char **v = e->strvs[k]; *v; v++)
				free(*v);
			free(e->strvs[k]);
		}
		free(e->strvs);
		free(s->entries[i].path);
		free(s->entries[i].message);
		free(s->entries[i].options);
		free(s->entries[i].flags);
		free(s->entries[i].credentials);
		free(s->entries[i].fragment);
	}
	free(s->entries);
	free(s);
	return NULL;
}
