/*
 * One finding as report.json (or a plugin record) gives it, on its way
 * into the model.  It is read either from a cJSON object or straight
 * from the text (core/jsonrd.h, for report.json's findings array), into
 * the same struct; one check then makes the model's finding and the
 * error messages, so the two ways never drift apart.  Duplicate members
 * keep the last, as jq and Python do.
 */
#ifndef OG_FINDING_IN_H
#define OG_FINDING_IN_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "jsonrd.h"
#include "model.h"

struct og_finding_in;

/* Its buffers are kept for the next finding: one per loader. */
struct og_finding_in *og_finding_in_new(void);
void og_finding_in_free(struct og_finding_in *x);

/* The value at @r's cursor, inside @depth containers; false on a syntax
 * error (@r says where).  Strings stay @r's until og_jr_release. */
bool og_finding_in_read(struct og_finding_in *x, struct og_jr *r,
			unsigned depth);
/* The same from a cJSON value (borrowed until og_finding_in_add). */
void og_finding_in_from_cjson(struct og_finding_in *x, const cJSON *o);

/* Check what was read and add it to @m (og_finding_from_json's rules:
 * @source, when not NULL, is the only source).  0, or -EINVAL/-E2BIG
 * with *ret_err. */
int og_finding_in_add(struct og_finding_in *x, struct og_model *m,
		      const char *source, char **ret_err);

#endif /* OG_FINDING_IN_H */
