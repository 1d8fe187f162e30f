/*
 * The host services table as seen from inside a collector's child
 * process: every call becomes one JSON line on the pipe to the parent.
 */
#ifndef OG_HOST_H
#define OG_HOST_H

#include <cjson/cJSON.h>

#include "loader.h"

/*
 * Run @e's init/collect/fini in this (child) process, streaming to @fd;
 * HTTP and secret questions go to the box's broker on @broker_fd
 * (core/broker.h).  Returns the exit status for _exit(): 0 when
 * collect() returned 0.
 */
int og_host_run_child(const struct og_plugin_entry *e, const cJSON *config,
		      int fd, int broker_fd, const char *cache_dir);

#endif
