/*
 * The configuration tree: one JSON object, from opsgrade.json or
 * --config FILE, overridden by command-line shorthands and --set.
 */
#ifndef OG_CONFIG_H
#define OG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

#define OG_CONFIG_MAX_BYTES	(4 * 1024 * 1024)

/* Load @path (required to exist), or ./opsgrade.json when @path is NULL
 * (an empty config when that is absent).  Parse errors name the file and
 * byte offset. */
int og_config_load(const char *path, cJSON **ret_cfg, char **ret_err);

/*
 * Set @path ("collectors.NAME.files") to @value, typed by the schema
 * (bool / number / string); list keys append.  Creates intermediate
 * objects.  Errors name the key.
 */
int og_config_set(cJSON *cfg, const char *path, const char *value,
		  char **ret_err);
/* "KEY=VALUE" form of og_config_set. */
int og_config_set_assignment(cJSON *cfg, const char *assignment,
			     char **ret_err);

/* What the validator needs to know of each discovered collector. */
struct og_config_plugin {
	const char *name;
	const struct og_option *options;	/* NULL-key terminated, or NULL */
};

/* Declare the top-level section @section ("report") as @options: a
 * layer above the core that owns those settings (the renderers) says
 * which keys it reads and their types; the validator and --set then
 * check them as the schema's own.  Borrowed; register before validating. */
void og_config_register_section(const char *section,
				const struct og_option *options);

/* Tell og_config_set the collectors' option types (borrowed; keep alive). */
void og_config_register_plugins(const struct og_config_plugin *plugins,
				size_t n);

/*
 * Check every key of @cfg against the schema and the collectors'
 * declared options.  @origin names where the config came from for the
 * message ("opsgrade.json", "command line").
 */
int og_config_validate(const cJSON *cfg, const char *origin,
		       const struct og_config_plugin *plugins, size_t n_plugins,
		       char **ret_err);

/* Lookups by dotted path; borrowed. */
const cJSON *og_config_get(const cJSON *cfg, const char *path);
const char *og_config_str(const cJSON *cfg, const char *path, const char *def);
double og_config_num(const cJSON *cfg, const char *path, double def);
bool og_config_bool(const cJSON *cfg, const char *path, bool def);
/* A list key: array of strings or one string.  Fills a borrowed vector
 * (caller frees the vector only). */
size_t og_config_strv(const cJSON *cfg, const char *path, const char ***ret_v);

/* The user's value(s) of plugin @plugin's option @key, or of the setting
 * it consumes from another collector (og_option.from, @options) when
 * unset; as og_config_strv. */
size_t og_option_values(const cJSON *cfg, const char *plugin,
			const struct og_option *options, const char *key,
			const char ***ret_v);

#endif
