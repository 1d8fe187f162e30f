/*
 * What is assessed: config paths relative to the config file, whether the
 * current directory is a subject, and a repository path that must exist.
 */
#ifndef OG_SUBJECT_H
#define OG_SUBJECT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "conf.h"

struct og_pipeline;

/* Make the relative paths @config read from @config_path (NULL: the
 * default ./opsgrade.json) relative to that file's directory. */
int og_subject_resolve_paths(cJSON *config, const char *config_path,
			     const struct og_config_plugin *plugins, size_t n_plugins,
			     char **ret_err);
/* report/collect: turn the repo collector off when another subject was
 * named and no PATH was given; else check its path.  An exit code. */
int og_subject_repo_scope(struct og_pipeline *p);

#endif
