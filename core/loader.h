/*
 * Plugin discovery: search order, permission checks, duplicate names.
 * Descriptors are read by probe children (core/probe.h), never by
 * loading a plugin into this process.
 */
#ifndef OG_LOADER_H
#define OG_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <opsgrade/plugin.h>

enum og_plugin_state {
	OG_PLUGIN_LOADED,	/* usable */
	OG_PLUGIN_REFUSED,	/* ABI, size, permissions, no symbol … */
	OG_PLUGIN_DUPLICATE,	/* same name found earlier in the search */
};

struct og_plugin_entry {
	char *path;
	enum og_plugin_state state;
	char *message;			/* why refused / duplicate; NULL when loaded */
	/* What a probe child read from the plugin (core/probe.h): the
	 * declarations with pointers into @strings; init, collect and fini
	 * are NULL here — plugin code never runs in this process. */
	struct og_plugin desc;
	bool has_collect;
	uint32_t abi_major;		/* as read from the file (0 if unreadable) */
	struct og_option *options;	/* desc.options, at this host's sizes */
	struct og_flag *flags;		/* desc.flags */
	struct og_credential *credentials;	/* desc.credentials */
	char **strings;			/* owned storage behind the above */
	size_t n_strings;
	char ***strvs;
	size_t n_strvs;
	/* The plugin's model fragment: <file without .so>.model.json next
	 * to it (capabilities, rules, KPIs over its facts); NULL if none */
	char *fragment;
};

struct og_plugin_set {
	struct og_plugin_entry *entries;
	size_t n;
};

/*
 * Search, in order: @dirs (--plugin-dir, config plugin_dirs),
 * OPSGRADE_PLUGIN_PATH (colon-separated), then the installed plugin dir —
 * or the build tree's when this binary runs uninstalled.  Never fails for
 * a bad plugin: it is listed as refused with the reason.
 */
struct og_plugin_set *og_loader_discover(const char *const *dirs, size_t n_dirs);
struct og_plugin_set *og_plugin_set_free(struct og_plugin_set *s);

/* The loaded plugin named @name, or NULL. */
const struct og_plugin_entry *og_plugin_set_find(const struct og_plugin_set *s,
						 const char *name);

/* The model fragments of the loaded plugins, in plugin order; a new
 * array of borrowed paths (caller frees the array). */
const char **og_plugin_set_fragments(const struct og_plugin_set *s,
				     size_t *ret_n);

/* True when the running binary is inside the build tree. */
bool og_running_uninstalled(void);
/* Directory holding maturity-model.json and the example. */
const char *og_data_dir(void);

/* Permission check as ssh does for keys; 0 or -EPERM with *ret_why. */
int og_path_check_safe(const char *path, char **ret_why);

#endif
