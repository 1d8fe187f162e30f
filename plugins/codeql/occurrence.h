/*
 * Occurrences of one tool fingerprint within one SARIF run.
 *
 * Some tools hash only the text of a line (flawfinder's contextHash/v1),
 * so identical lines at different places in one file share a fingerprint.
 * A fingerprint identifies a finding across runs; within one run, two
 * locations are two findings.  Like GitHub's "hash:occurrence" line
 * hashes, the first location keeps the fingerprint and the k-th other
 * location becomes occurrence k; the same (fingerprint, location) again
 * is the same finding.
 */
#ifndef OG_SARIF_OCCURRENCE_H
#define OG_SARIF_OCCURRENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/htab.h"

#define SARIF_OCC_MAX	((size_t)4 << 20)	/* entries per run */
#define SARIF_OCC_UNTRACKED	UINT32_MAX

struct sarif_occ_entry {
	uint64_t first;		/* location of occurrence 0 (fingerprint keys) */
	uint32_t count;		/* occurrences so far, or the index (pair keys) */
};

struct sarif_occ {
	struct og_htab t;	/* key -> index into e; zeroed: empty */
	struct sarif_occ_entry *e;
	size_t n, cap;
};

/* The occurrence index of fingerprint @fp at location @loc (both hashes,
 * non-zero); *ret_repeat tells that this pair was seen before.  Returns
 * SARIF_OCC_UNTRACKED above SARIF_OCC_MAX entries or out of memory (the
 * caller then tells locations apart by the location itself). */
uint32_t sarif_occ_index(struct sarif_occ *o, uint64_t fp, uint64_t loc,
			 bool *ret_repeat);
void sarif_occ_clear(struct sarif_occ *o);

#endif
