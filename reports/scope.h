/*
 * What the repo collector left out of "the product" (repo.scope.* facts,
 * docs/facts-repo.md): formatted once for every renderer.
 */
#ifndef OG_SCOPE_H
#define OG_SCOPE_H

#include "report.h"

/* One sentence from @rep's run-wide repo.scope.* facts: "Scope: 25
 * product files assessed; left out as not the product: 14 test fixtures,
 * 3 examples; counted only for their own capabilities: 2 tests." or NULL
 * when no scope was reported.  New string. */
char *og_scope_line(const struct og_report *rep);

#endif
