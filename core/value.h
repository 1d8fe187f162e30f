/*
 * The one reader of typed values that may arrive as text.  Config
 * values set on the command line (--set a.b=30, a plugin's flag), a
 * plugin's option read through the host, report documents and
 * environment switches all answer "is this a number / a yes" here, so
 * "yes" means the same everywhere and "seven" is never a number.
 */
#ifndef OG_VALUE_H
#define OG_VALUE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* true/false, 1/0, yes/no, on/off (any case): 0, or -EINVAL. */
int og_value_text_bool(const char *s, bool *ret);

/* The whole of @s is one finite number ("30", "0.9", "1e3"): 0, or
 * -EINVAL ("seven", "", "3x", "nan"). */
int og_value_text_number(const char *s, double *ret);

/* A JSON bool, or a string og_value_text_bool reads.  0, -ENOENT when
 * @v is NULL or null, -EINVAL for anything else. */
int og_value_bool(const cJSON *v, bool *ret);

/* A finite JSON number, or a string og_value_text_number reads.  0,
 * -ENOENT when @v is NULL or null, -EINVAL for anything else. */
int og_value_number(const cJSON *v, double *ret);

#endif
