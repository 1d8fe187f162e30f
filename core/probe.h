/*
 * Reading a plugin's descriptor without running its code in this
 * process (issue 15 row 1).  dlopen() runs a plugin's constructors, so
 * only a child ever loads a plugin: a probe child (in the same box as a
 * collector) reads the descriptor and sends a JSON copy of what the host
 * needs — name, version, ABI, options, flags, credentials — over a pipe.
 * A probe that crashes, exits, hangs or finds a malformed descriptor
 * leaves the plugin refused with the reason; the run goes on.
 */
#ifndef OG_PROBE_H
#define OG_PROBE_H

#include <stdint.h>

#include <opsgrade/plugin.h>

#include "loader.h"

/* Seconds a probe may take (OPSGRADE_PROBE_TIMEOUT overrides). */
#define OG_PROBE_TIMEOUT_DEFAULT 10

/* Fill @e (path set) from a probe child; on any failure e->state stays
 * OG_PLUGIN_REFUSED with e->message set.  Never fails otherwise. */
void og_probe_entry(struct og_plugin_entry *e);

/*
 * In a child process only: dlopen @path and read its descriptor into
 * @ret (zero-extended to this host's size; the pointers point into the
 * plugin).  *ret_abi gets the plugin's ABI major (0 if unknown).  0, or
 * <0 with *ret_why ("refused: ..." / "cannot load: ...").
 */
int og_plugin_open(const char *path, struct og_plugin *ret, uint32_t *ret_abi,
		   char **ret_why);

#endif /* OG_PROBE_H */
