/*
 * Plugin discovery and loading: search order, permission checks, ABI
 * and size checks, duplicate names.
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
	struct og_plugin desc;		/* zero-extended copy; valid when loaded */
	uint32_t abi_major;		/* as read from the file (0 if unreadable) */
	void *handle;			/* dlopen handle when loaded */
	/* desc.options re-laid at this host's sizeof(struct og_option)
	 * (the plugin's array steps by its option_size); owned */
	struct og_option *options;
	struct og_flag *flags;		/* desc.flags, the same way */
	struct og_credential *credentials;	/* and desc.credentials */
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
