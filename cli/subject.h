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
/* The option of collector p->config_plugins[@i] that takes
 * report/collect's PATH (OG_OPTF_POSITIONAL), as "collectors.NAME.KEY"
 * (owned), or NULL when it declares none.  Every collector declaring
 * one gets PATH. */
char *og_subject_positional(const struct og_pipeline *p, size_t i);
/* report/collect: turn the PATH-taking collector off when another
 * subject was named and no PATH was given; else check its directory.  An
 * exit code. */
int og_subject_positional_scope(struct og_pipeline *p);
/* What the report is about: "subject", else the first OG_OPTF_SUBJECT
 * text option set, else the PATH's directory name.  Owned. */
char *og_subject_default(const struct og_pipeline *p);

#endif
